/* proximity.c: the first posts of a ranking of several words re-scored by
 * how near each other the words stand, as Sphinx's default ranker does:
 * "виртуализация docker" ranks a post that says "виртуализация с docker"
 * above one that names each in a different paragraph. Only the best
 * PROX_TOP posts are read again, their words' positions from the postings
 * blocks that hold them, and the boost is bounded, so what BM25F ranks far
 * below never climbs over what it ranks high. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

/* Tuned on tests/relevance (bench/RESULTS.md): a pair of words next to each
 * other in the query's order is worth 1, one word between them 1/2, and so
 * on to PROX_GAP; a post with every pair adjacent scores PROX_WEIGHT more. */
#ifndef PROX_GAP
#define PROX_GAP 3
#endif
#ifndef PROX_WEIGHT           /* -DPROX_WEIGHT=0 ranks by BM25F alone */
#define PROX_WEIGHT 0.1
#endif

typedef struct {
    const char *term;
    size_t tlen;
    plist blk;            /* the block last read: postings of several posts */
    int have;
} prox_term;

size_t prox_terms(const qry *q, const char **terms, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < q->n && n < max; i++) {
        const qclause *cl = &q->c[i];
        if (cl->mode == QC_MUST_NOT || cl->prefix || cl->nterms != 1 || cl->all_stop
            || cl->field >= 0)
            continue;
        int seen = 0;
        for (size_t j = 0; j < n; j++)
            seen |= strcmp(terms[j], cl->terms[0]) == 0;
        if (!seen)
            terms[n++] = cl->terms[0];
    }
    return n;
}

/* Where post docid has t, field f: its positions (*cnt of them), or NULL. */
static int positions_of(store *st, MDB_cursor *cur, txt_buf *kb, prox_term *t,
                        uint32_t docid, int f, const uint32_t **pos, uint32_t *cnt)
{
    *pos = NULL;
    *cnt = 0;
    plist *l = &t->blk;
    if (!t->have || !l->n || docid < l->docid[0] || docid > l->docid[l->n - 1]) {
        int rc = store_term_block_at(st, cur, kb, t->term, t->tlen, docid, l);
        t->have = rc == BS_OK;
        if (rc == BS_ENOTFOUND)
            return BS_OK;
        if (rc != BS_OK)
            return rc;
    }
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->docid[mid] < docid)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == l->n || l->docid[lo] != docid || !l->tf[lo][f])
        return BS_OK;
    const uint32_t *p = l->pos + l->pos_start[lo];
    for (int g = 0; g < f; g++)
        p += l->tf[lo][g];
    *pos = p;
    *cnt = l->tf[lo][f];
    return BS_OK;
}

/* The nearest b stands to a (both ascending): 1 right after it, one more
 * for each word between, one more again when b comes first. */
double prox_pair(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb)
{
    uint32_t best = UINT32_MAX;
    for (uint32_t i = 0, j = 0; i < na && j < nb;) {
        uint32_t d = b[j] > a[i] ? b[j] - a[i] : a[i] - b[j] + 1;
        if (d < best)
            best = d;
        if (a[i] < b[j])
            i++;
        else
            j++;
    }
    return best <= PROX_GAP ? 1.0 / best : 0.0;
}

static int by_docid(const void *x, const void *y)
{
    const hit *a = *(hit *const *)x, *b = *(hit *const *)y;
    return (a->docid > b->docid) - (a->docid < b->docid);
}

int prox_rescore(store *st, MDB_txn *txn, const char **terms, size_t nterms, hit *hits,
                 size_t n, char *err, size_t errlen)
{
    if (n > PROX_TOP)
        n = PROX_TOP;             /* -DPROX_TOP=0 turns it off */
    if (nterms < 2 || n == 0)
        return BS_OK;
    prox_term *t = calloc(nterms, sizeof *t);
    hit **order = malloc(n * sizeof *order);
    MDB_cursor *cur = NULL;
    txt_buf kb = { 0 };
    int rc = t && order ? BS_OK : BS_ENOMEM;
    if (rc == BS_OK && (rc = mdb_cursor_open(txn, st->terms, &cur)) != 0)
        rc = store_fail(st, rc, "reading postings");
    for (size_t i = 0; i < nterms && t; i++) {
        t[i].term = terms[i];
        t[i].tlen = strlen(terms[i]);
    }
    /* in docid order, so that posts in one block of a word read it once */
    for (size_t i = 0; order && i < n; i++)
        order[i] = &hits[i];
    if (rc == BS_OK)
        qsort(order, n, sizeof *order, by_docid);
    static const int fields[] = { BS_FIELD_TITLE, BS_FIELD_BODY };
    for (size_t h = 0; rc == BS_OK && h < n; h++) {
        double best = 0;
        for (size_t fi = 0; rc == BS_OK && fi < sizeof fields / sizeof fields[0]; fi++) {
            double sum = 0;
            const uint32_t *prev = NULL;
            uint32_t nprev = 0;
            for (size_t i = 0; rc == BS_OK && i < nterms; i++) {
                const uint32_t *p;
                uint32_t np;
                rc = positions_of(st, cur, &kb, &t[i], order[h]->docid, fields[fi], &p, &np);
                if (prev && p)
                    sum += prox_pair(prev, nprev, p, np);
                prev = p;
                nprev = np;
            }
            double share = sum / (double)(nterms - 1);
            if (share > best)
                best = share;
        }
        order[h]->score *= 1.0 + PROX_WEIGHT * best;
    }
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != BS_OK)
        snprintf(err, errlen, "%s", store_err());
    if (cur)
        mdb_cursor_close(cur);
    for (size_t i = 0; t && i < nterms; i++)
        plist_free(&t[i].blk);
    free(t);
    free(order);
    buf_free(&kb);
    return rc;
}
