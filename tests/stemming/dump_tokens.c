/* dump_tokens: prints the analyzer's tokens of standard input, one a line:
 * position, term, normalized word, byte offset and length, flags. A
 * developer's tool for looking at what the index will hold. */
#include <stdio.h>
#include <stdlib.h>

#include "stemming/stemming.h"

static int print_token(const an_token *t, void *ctx)
{
    const char *text = ctx;
    printf("%u\t%s\t%s\t%zu+%zu\t%.*s%s%s\n", (unsigned)t->pos, t->term, t->norm,
           t->off, t->len, (int)t->len, text + t->off,
           (t->flags & AN_STOP) ? "\tstop" : "", (t->flags & AN_GLUED) ? "\tglued" : "");
    return 0;
}

int main(void)
{
    size_t cap = 1 << 16, len = 0, n;
    char *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, stdin)) > 0) {
        len += n;
        if (len == cap)
            buf = realloc(buf, cap *= 2);
    }
    an_analyzer *an;
    if (!buf || an_new(&an, 0) != 0) {
        fprintf(stderr, "dump_tokens: out of memory\n");
        return 1;
    }
    uint32_t pos = 0;
    int rc = an_analyze(an, buf, len, &pos, print_token, buf);
    an_free(an);
    free(buf);
    return rc == 0 ? 0 : 1;
}
