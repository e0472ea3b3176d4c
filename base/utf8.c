/* utf8.c: a strict UTF-8 decoder for untrusted input. Every malformed byte
 * becomes one UTF8_INVALID and the decoder moves on by one byte, so a stray
 * byte never swallows the valid text after it (Unicode's "maximal subpart"
 * practice). It never reads past the end it is given. And what keeps every
 * message and answer valid UTF-8: cuts on character boundaries, U+FFFD for
 * each bad byte. */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

size_t utf8_decode(const unsigned char *p, const unsigned char *end, int32_t *cp)
{
    unsigned c = p[0];
    size_t n;
    int32_t v, min;

    if (c < 0x80) {
        *cp = (int32_t)c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2; v = c & 0x1F; min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3; v = c & 0x0F; min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4; v = c & 0x07; min = 0x10000;
    } else {            /* continuation byte, C0/C1 (always overlong), F5..FF */
        *cp = UTF8_INVALID;
        return 1;
    }
    if ((size_t)(end - p) < n) {
        *cp = UTF8_INVALID;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *cp = UTF8_INVALID;
            return 1;
        }
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = UTF8_INVALID;
        return 1;
    }
    *cp = v;
    return n;
}

size_t utf8_put_cp(int32_t cp, unsigned char *out)
{
    uint32_t u = (uint32_t)cp;
    if (u < 0x80) {
        out[0] = (unsigned char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (unsigned char)(0xC0 | (u >> 6));
        out[1] = (unsigned char)(0x80 | (u & 0x3F));
        return 2;
    }
    if (u < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (u >> 12));
        out[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (u & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (u >> 18));
    out[1] = (unsigned char)(0x80 | ((u >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (u & 0x3F));
    return 4;
}

int utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        int32_t cp;
        p += utf8_decode(p, end, &cp);
        if (cp == UTF8_INVALID || cp == 0)
            return 0;
    }
    return 1;
}

size_t utf8_nchars(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)p[i] & 0xC0) != 0x80;
    return n;
}

size_t utf8_prefix(const char *p, size_t len, size_t nchars)
{
    size_t i = 0;
    for (; i < len; i++)
        if (((unsigned char)p[i] & 0xC0) != 0x80 && nchars-- == 0)
            break;
    return i;
}

size_t utf8_cut(const char *p, size_t len)
{
    const unsigned char *s = (const unsigned char *)p;
    /* the last byte that starts a character, among the last four */
    for (size_t back = 1; back <= 4 && back <= len; back++) {
        unsigned c = s[len - back];
        if ((c & 0xC0) == 0x80)
            continue;
        size_t need = c > 0xF4 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
        return need > back ? len - back : len;
    }
    return len;
}

void utf8_put_repaired(txt_buf *out, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
    while (p < end) {
        if (*p < 0x80) {
            p++;
            continue;
        }
        int32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (cp != UTF8_INVALID) {
            p += n;
            continue;
        }
        buf_put(out, run, (size_t)(p - run));
        buf_put(out, UTF8_REPLACEMENT, 3);
        run = ++p;
    }
    buf_put(out, run, (size_t)(p - run));
}

void utf8_fix(char *buf, size_t cap)
{
    size_t len = strlen(buf);
    if (utf8_valid(buf, len))
        return;
    txt_buf b = { 0 };
    utf8_put_repaired(&b, buf, len);
    if (b.err) {
        /* no memory for the longer text: each bad byte becomes '?' */
        const unsigned char *p = (const unsigned char *)buf, *end = p + len;
        while (p < end) {
            int32_t cp;
            size_t n = utf8_decode(p, end, &cp);
            if (cp == UTF8_INVALID)
                buf[p - (const unsigned char *)buf] = '?';
            p += n;
        }
    } else {
        size_t n = b.len < cap ? b.len : cap - 1;
        n = utf8_cut(b.p, n);
        memcpy(buf, b.p, n);
        buf[n] = '\0';
    }
    buf_free(&b);
}

size_t utf8_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
{
    if (!buf || cap == 0)
        return 0;
    int n = vsnprintf(buf, cap, fmt, ap);
    if (n < 0) {
        buf[0] = '\0';
        return 0;
    }
    if ((size_t)n >= cap)                  /* cut short: never inside a character */
        buf[utf8_cut(buf, cap - 1)] = '\0';
    utf8_fix(buf, cap);
    return strlen(buf);
}

size_t utf8_format(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t n = utf8_vformat(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}
