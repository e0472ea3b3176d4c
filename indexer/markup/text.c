/* text.c: plain text, kept as it is, line by line. */
#include "indexer/markup/markup.h"

/* ---- plain text --------------------------------------------------------- */

void text_body(cx *c, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        ln l;
        ln_get(s, n, pos, &l);
        pos = l.next;
        mk_verbatim_line(c, s, l.b, l.e);
    }
}

