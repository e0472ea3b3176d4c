/* buf.c: a growable byte buffer with a sticky error, so text is built
 * straight through and checked once at the end. */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static int grow(txt_buf *b, size_t extra)
{
    if (b->err)
        return -1;
    if (b->len + extra + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) {
        if (cap > ((size_t)-1) / 2) {
            b->err = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = realloc(b->p, cap);
    if (!p) {
        b->err = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

char *buf_reserve(txt_buf *b, size_t n)
{
    return grow(b, n) == 0 ? b->p + b->len : NULL;
}

void buf_put(txt_buf *b, const void *s, size_t n)
{
    if (grow(b, n) != 0)
        return;
    if (n)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_putc(txt_buf *b, char c)
{
    buf_put(b, &c, 1);
}

void buf_puts(txt_buf *b, const char *s)
{
    buf_put(b, s, strlen(s));
}

void buf_reset(txt_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void buf_truncate(txt_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->p[len] = '\0';
    }
}

void buf_free(txt_buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->err = 0;
}

void *grow_array(void *v, size_t *cap, size_t first, size_t size)
{
    size_t n = *cap ? *cap * 2 : first;
    if (n < *cap || n > (size_t)-1 / size)
        return NULL;
    void *nv = realloc(v, n * size);
    if (nv)
        *cap = n;
    return nv;
}

void buf_put_json(txt_buf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0;
    buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x80) {
            /* a byte of no well-formed character (a damaged index, a
             * value cut short) is U+FFFD: JSON is UTF-8 or nothing */
            int32_t cp;
            size_t n = utf8_decode((const unsigned char *)s + i, (const unsigned char *)s + len, &cp);
            if (cp != UTF8_INVALID) {
                i += n - 1;
                continue;
            }
            buf_put(b, s + run, i - run);
            buf_put(b, UTF8_REPLACEMENT, 3);
            run = i + 1;
            continue;
        }
        if (ch != '"' && ch != '\\' && ch >= 0x20)
            continue;
        buf_put(b, s + run, i - run);
        run = i + 1;
        if (ch == '"' || ch == '\\') {
            char esc[2] = { '\\', (char)ch };
            buf_put(b, esc, 2);
        } else if (ch == '\n') {
            buf_put(b, "\\n", 2);
        } else {
            char esc[6] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15] };
            buf_put(b, esc, 6);
        }
    }
    buf_put(b, s + run, len - run);
    buf_putc(b, '"');
}
