/* matchset.c: the posts a query matches, as a bitmap of docids, from each
 * clause's docids alone: a word's blocks decoded up to their frequencies, a
 * list's docids as they are. Set operations a machine word at a time count
 * the matches exactly, so that ranking (search.c) may pass over posts that
 * cannot reach the first page without losing them from the total or the
 * tag facets. */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

static int clause_bits(store *st, MDB_txn *txn, txt_buf *kb, const ms_clause *cl, uint64_t *b,
                       uint64_t nwords)
{
    memset(b, 0, nwords * sizeof *b);
    if (!cl->term) {
        for (size_t i = 0; i < cl->n; i++)
            if (cl->list[i].docid / 64 < nwords)
                b[cl->list[i].docid / 64] |= 1ull << (cl->list[i].docid % 64);
        return BS_OK;
    }
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, st->terms, &cur);
    if (rc != 0)
        return store_fail(st, rc, "reading postings");
    rc = store_term_bits(st, cur, kb, cl->term, cl->tlen, b, nwords);
    mdb_cursor_close(cur);
    return rc;
}

int matchset_build(store *st, MDB_txn *txn, txt_buf *kb, const ms_clause *cl, size_t ncl,
                   int all, const uint64_t *allow, uint32_t exclude, uint64_t *m,
                   uint64_t nwords, uint64_t *total, uint64_t *full)
{
    /* m: any positive clause; every: all of them; must: every +word;
     * none: any -word */
    size_t bytes = (nwords ? nwords : 1) * sizeof *m;
    uint64_t *b = malloc(bytes), *every = malloc(bytes), *must = malloc(bytes),
             *none = calloc(1, bytes);
    int rc = b && every && must && none ? BS_OK : BS_ENOMEM;
    if (rc == BS_OK) {
        memset(m, 0, nwords * sizeof *m);
        memset(every, 0xFF, bytes);
        memset(must, 0xFF, bytes);
    }
    for (size_t i = 0; i < ncl && rc == BS_OK; i++) {
        if ((rc = clause_bits(st, txn, kb, &cl[i], b, nwords)) != BS_OK)
            break;
        for (uint64_t w = 0; w < nwords; w++) {
            if (cl[i].mode == QC_MUST_NOT) {
                none[w] |= b[w];
                continue;
            }
            m[w] |= b[w];
            every[w] &= b[w];
            if (cl[i].mode == QC_MUST)
                must[w] &= b[w];
        }
    }
    if (rc == BS_OK) {
        uint64_t t = 0, f = 0;
        for (uint64_t w = 0; w < nwords; w++) {
            m[w] = (all ? every[w] : m[w]) & must[w] & ~none[w] & (allow ? allow[w] : ~0ull);
            if (w == 0)
                m[0] &= ~1ull;       /* docid 0 is no post */
            if (exclude && w == exclude / 64)
                m[w] &= ~(1ull << (exclude % 64));
            t += (uint64_t)__builtin_popcountll(m[w]);
            f += (uint64_t)__builtin_popcountll(m[w] & every[w]);
        }
        *total = t;
        *full = f;
    }
    free(b);
    free(every);
    free(must);
    free(none);
    return rc;
}
