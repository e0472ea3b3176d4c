/* error.c: what the front matter parsers share to say what is wrong: a
 * message that stays valid UTF-8 wherever it is cut, the line of a place in
 * the text, and a quote of a few characters that is valid UTF-8 whatever
 * bytes the text holds. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "indexer/front/front.h"

#define QUOTE_CHARS 12

void front_fail(front_error *e, unsigned line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        e->msg[0] = '\0';
    /* vsnprintf may cut inside a character: keep the whole ones before it */
    const unsigned char *p = (const unsigned char *)e->msg, *end = p + strlen(e->msg);
    const unsigned char *q = p;
    while (q < end) {
        int32_t cp;
        size_t k = utf8_decode(q, end, &cp);
        if (cp == UTF8_INVALID)
            break;
        q += k;
    }
    e->msg[q - p] = '\0';
    e->line = line;
}

unsigned front_line(const char *s, const char *at)
{
    unsigned line = 1;
    for (const char *p = s; p < at; p++)
        line += *p == '\n';
    return line;
}

const char *front_quote(char buf[FRONT_QUOTE_SIZE], const char *p, const char *end)
{
    static const char hex[] = "0123456789ABCDEF";
    if (p >= end) {
        snprintf(buf, FRONT_QUOTE_SIZE, "the end of the text");
        return buf;
    }
    size_t len = 0;
    buf[len++] = '"';
    const unsigned char *u = (const unsigned char *)p, *uend = (const unsigned char *)end;
    for (int n = 0; n < QUOTE_CHARS && u < uend; n++) {
        int32_t cp;
        size_t k = utf8_decode(u, uend, &cp);
        if (cp == '\n' || cp == '\t' || cp == '\r') {
            buf[len++] = '\\';
            buf[len++] = cp == '\n' ? 'n' : cp == '\t' ? 't' : 'r';
        } else if (cp == UTF8_INVALID || cp < 0x20 || cp == 0x7F) {
            buf[len++] = '\\';
            buf[len++] = 'x';
            buf[len++] = hex[*u >> 4];
            buf[len++] = hex[*u & 15];
        } else {
            memcpy(buf + len, u, k);
            len += k;
        }
        u += k;
    }
    buf[len++] = '"';
    if (u < uend) {
        memcpy(buf + len, "\xE2\x80\xA6", 3);     /* … */
        len += 3;
    }
    buf[len] = '\0';
    return buf;
}
