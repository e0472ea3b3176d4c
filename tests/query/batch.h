/* batch.h: what the model-based tests of the query side (test_facets.c,
 * test_filters.c) share: posts written from memory in batches by
 * writer_apply, each under a path of the test's model, and a seeded
 * xorshift for every random choice, so a run is the same each time. Each
 * test keeps its own model of what its paths hold. */
#ifndef BS_TEST_BATCH_H
#define BS_TEST_BATCH_H

#include <stdint.h>
#include <stdlib.h>

#include "indexer/indexer.h"
#include "stemming/stemming.h"
#include "test.h"

typedef struct {
    writer_op *ops;            /* room for cap */
    size_t n, cap;
} post_batch;

/* One of n choices, from *state (xorshift64). */
static inline unsigned batch_rnd(uint64_t *state, unsigned n)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (unsigned)(*state % n);
}

/* The next op of b, for path: a post to fill in (del 0), or its deletion. */
static inline writer_op *batch_op(post_batch *b, const char *path, int del)
{
    if (b->n == b->cap) {
        fprintf(stderr, "batch.h: more than %zu posts in one batch\n", b->cap);
        exit(1);
    }
    writer_op *op = &b->ops[b->n++];
    op->path = path;
    op->del = del;
    post_init(&op->p);
    return op;
}

/* Makes the test's index in a new directory made from dir (a mkdtemp
 * template), ix its path, and an analyzer. 0, or -1 with the failure
 * checked. */
static inline int batch_index(char *dir, char *ix, size_t ixlen, store **st, an_analyzer **an)
{
    char err[1024];
    if (!mkdtemp(dir) || an_new(an, 0) != 0) {
        CHECK(0, "a directory and an analyzer for %s", dir);
        return -1;
    }
    snprintf(ix, ixlen, "%s/ix", dir);
    int rc = store_open(st, ix, STORE_CREATE, err, sizeof err);
    CHECK(rc == BS_OK, "create the index: %s", err);
    return rc == BS_OK ? 0 : -1;
}

/* Writes the batch in one transaction and empties it; label names it in a
 * failure. */
static inline void batch_apply(post_batch *b, store *st, size_t mem_limit, int label)
{
    writer_opts wo = { .max_file_bytes = 1 << 20, .mem_limit = mem_limit };
    writer_summary sum;
    char err[1024];
    CHECK(writer_apply(st, b->ops, b->n, &wo, &sum, err, sizeof err) == BS_OK,
          "batch %d: %s", label, err);
    for (size_t i = 0; i < b->n; i++)
        post_free(&b->ops[i].p);
    b->n = 0;
}

#endif
