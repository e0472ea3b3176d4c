/* pathlist.c: a list of paths as one program writes them for another: one
 * a line (git diff --name-only, find, a generator's hook) or each ended by
 * a NUL byte (git diff -z, find -print0), with git's quoting of unusual
 * names undone. Knows nothing of what the paths are; touches no file. */
#include <string.h>

#include "indexer/indexer.h"

static int octal(char c)
{
    return c >= '0' && c <= '7';
}

/* A line that is a name as git quotes it (core.quotePath: "posts/\320\277.md",
 * a C string in double quotes) into out; 0 when it is not one, and out is
 * then to be dropped. */
static int unquote(const char *s, size_t len, txt_buf *out)
{
    if (len < 3 || s[0] != '"' || s[len - 1] != '"')
        return 0;
    static const char esc[] = "abfnrtv\"\\", val[] = "\a\b\f\n\r\t\v\"\\";
    for (size_t i = 1; i < len - 1; i++) {
        char c = s[i];
        if (c == '"')
            return 0;                  /* a quote inside: not git's form */
        if (c != '\\') {
            buf_putc(out, c);
            continue;
        }
        if (++i >= len - 1)
            return 0;
        const char *e = strchr(esc, s[i]);
        if (e && *e) {
            buf_putc(out, val[e - esc]);
        } else if (s[i] >= '0' && s[i] <= '3' && i + 2 < len - 1 && octal(s[i + 1])
                   && octal(s[i + 2])) {
            int b = (s[i] - '0') << 6 | (s[i + 1] - '0') << 3 | (s[i + 2] - '0');
            if (b == 0)
                return 0;              /* a name holds no NUL */
            buf_putc(out, (char)b);
            i += 2;
        } else {
            return 0;
        }
    }
    return out->len > 0;
}

int pathlist_next(pathlist *l, txt_buf *out, const char **why)
{
    for (;;) {
        if (l->p >= l->end)
            return PATHLIST_END;
        const char *s = l->p, *e = memchr(s, l->nul ? '\0' : '\n', (size_t)(l->end - s));
        const char *stop = e ? e : l->end;
        l->p = e ? e + 1 : l->end;
        l->line++;
        if (!l->nul && stop > s && stop[-1] == '\r')
            stop--;                    /* a list written with CRLF line ends */
        size_t len = (size_t)(stop - s);
        if (len == 0)
            continue;                  /* an empty line says nothing */
        if (!l->nul && memchr(s, '\0', len)) {
            *why = "a NUL byte in the line (a list of NUL-separated paths wants -0, "
                   "--null); line ignored";
            return PATHLIST_BAD;
        }
        buf_reset(out);
        if (l->nul || !unquote(s, len, out)) {
            buf_reset(out);
            buf_put(out, s, len);
        }
        return out->err ? -1 : PATHLIST_PATH;
    }
}
