/* check_tokens.h: the invariants every token of every input must hold, for
 * the fuzz and corpus tests: a non-empty valid UTF-8 term and normalized
 * word, an original word inside the input and after the previous one, and
 * consecutive positions. */
#ifndef BS_CHECK_TOKENS_H
#define BS_CHECK_TOKENS_H

#include <stdio.h>
#include <string.h>

#include "stemming/stemming.h"

typedef struct {
    size_t len;          /* of the input */
    size_t ntokens;
    size_t last_end;     /* end of the previous token's original word */
    uint32_t next_pos;
    int bad;             /* tokens that broke an invariant */
} tok_checker;

static int check_token(const an_token *t, void *ctx)
{
    tok_checker *c = ctx;
    int ok = t->term_len > 0 && t->term_len <= NORM_MAX_BYTES
          && strlen(t->term) == t->term_len && utf8_valid(t->term, t->term_len)
          && t->norm_len > 0 && strlen(t->norm) == t->norm_len
          && utf8_valid(t->norm, t->norm_len)
          && t->len > 0 && t->off >= c->last_end && t->off + t->len <= c->len
          && t->pos == c->next_pos;
    if (!ok && c->bad++ < 3)
        fprintf(stderr, "bad token at offset %zu (len %zu, pos %u, term_len %zu)\n", t->off,
                t->len, (unsigned)t->pos, t->term_len);
    c->last_end = t->off + t->len;
    c->next_pos = t->pos + 1;
    c->ntokens++;
    return 0;
}

#endif
