/* utf8.c: a strict UTF-8 decoder for untrusted input. Every malformed byte
 * becomes one UTF8_INVALID and the decoder moves on by one byte, so a stray
 * byte never swallows the valid text after it (Unicode's "maximal subpart"
 * practice). It never reads past the end it is given. */
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
