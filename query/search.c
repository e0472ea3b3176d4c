/* search.c: evaluates a parsed query against the index and ranks what
 * matches: each clause gives its posts in docid order with per-field
 * frequencies (a word's streamed from its blocks; phrases checked on
 * positions, prefixes expanded over the term dictionary, as lists), they are
 * merged a document at a time with the filters, and BM25F scores the
 * survivors. Posts holding more of the query's words
 * rank first; BM25F orders posts that hold as many. */
#define _GNU_SOURCE                /* sched_getcpu, thread affinity */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query/query.h"

/* BM25F: one k1, and per field a weight and a length normalization, tuned
 * on tests/relevance (bench/RESULTS.md): a word in the title counts as five
 * in the body, in the tags or category as two. On those 48 queries changes
 * of less than 0.01 nDCG@10 are noise; these are the standard k1 and b. */
const double bm25_k1 = 1.2;
const double bm25_field_weight[BS_NFIELDS] = { 5.0, 2.0, 1.5, 1.0 };
const double bm25_field_b[BS_NFIELDS] = { 0.5, 0.3, 0.5, 0.75 };

/* A post's score is multiplied by (query words it holds / query words) to
 * this power, so posts with all the words come first unless one with most of
 * them matches much better. On tests/relevance: 0, plain BM25F, 0.774
 * nDCG@10; 0.5, 0.772; 2, close to "all words first" at any price, 0.758. */
#define COORD_EXPONENT 0.5

#define PREFIX_MAX_TERMS 64   /* dock* expands to at most this many terms */
#define BOUND_SCALE 8         /* the score bound's table: eighths of a frequency */
#define BOUND_STEPS 1024      /* up to a weighted frequency of 128 */

typedef posting_tf dtf;          /* a post and its frequencies per field */

typedef struct {
    dtf *v;
    size_t n, cap;
} dtf_list;

static int dtf_push(dtf_list *l, uint32_t docid, const uint32_t tf[BS_NFIELDS])
{
    if (l->n == l->cap) {
        dtf *v = grow_array(l->v, &l->cap, 256, sizeof *v);
        if (!v)
            return -1;
        l->v = v;
    }
    l->v[l->n].docid = docid;
    memcpy(l->v[l->n].tf, tf, sizeof l->v[0].tf);
    l->n++;
    return 0;
}

typedef struct {
    store *st;
    MDB_txn *txn;
    char *err;
    size_t errlen;
    txt_buf kb;
} ctx;

static int corrupt(ctx *c, const char *term, const char *why)
{
    utf8_format(c->err, c->errlen, "the index %s is damaged (postings of \"%s\": %s); rebuild "
             "it with blogsearch-index --full", c->st->dir, term, why);
    return BS_ECORRUPT;
}

/* Appends a copy of len bytes of s to the highlighted terms. */
static int hl_add(char ***hl, size_t *nhl, const char *s, size_t len)
{
    char **nv = realloc(*hl, (*nhl + 1) * sizeof *nv);
    if (!nv)
        return BS_ENOMEM;
    *hl = nv;
    if (!(nv[*nhl] = strndup(s, len)))
        return BS_ENOMEM;
    (*nhl)++;
    return BS_OK;
}

/* ---- clause streams ----------------------------------------------------------- */

/* A clause's postings in docid order, one at a time. A word's are read from
 * the index block by block as the merge reaches them, never all at once (a
 * common word has tens of thousands); a phrase's or a prefix's come from
 * the list eval_clause made. */
typedef struct {
    int stream;
    dtf_list list;                   /* not a stream: the postings, and where */
    size_t at;
    MDB_cursor *cur;                 /* a stream: the word's blocks */
    const char *term;
    size_t tlen;
    int positions;                   /* a phrase's word: blocks decoded into pos */
    dtf blk[BLK_MAX_POSTINGS];       /* the block at hand, from blk[bi] (or pos) */
    plist pos;
    size_t bn, bi;
} clause_it;

static uint32_t it_doc(const clause_it *it, size_t i)
{
    return it->positions ? it->pos.docid[i] : it->blk[i].docid;
}

static const dtf *it_head(const clause_it *it)
{
    if (!it->stream)
        return it->at < it->list.n ? &it->list.v[it->at] : NULL;
    return it->bi < it->bn ? &it->blk[it->bi] : NULL;
}

/* The word's next block (op MDB_NEXT) or first (MDB_SET_RANGE) holding a
 * docid >= target, decoded from there; blocks wholly before target are
 * passed on their headers. Past the word's last block the stream is empty. */
static int it_load(ctx *c, clause_it *it, MDB_cursor_op op, uint32_t target)
{
    MDB_val k, v;
    if (op == MDB_SET_RANGE) {
        key_term(&c->kb, it->term, it->tlen, 0);
        k = (MDB_val){ c->kb.len, c->kb.p };
    }
    it->bn = it->bi = 0;
    for (int rc = mdb_cursor_get(it->cur, &k, &v, op); ; rc = mdb_cursor_get(it->cur, &k, &v, MDB_NEXT)) {
        if (rc == MDB_NOTFOUND)
            return BS_OK;
        if (rc != 0)
            return store_fail(c->st, rc, "reading postings");
        size_t ktl;
        uint32_t first;
        if (key_term_split(k.mv_data, k.mv_size, &ktl, &first) != 0 || ktl != it->tlen
            || memcmp(k.mv_data, it->term, ktl) != 0)
            return BS_OK;
        const uint8_t *p = v.mv_data, *end = p + v.mv_size;
        uint64_t cnt, last_gap;
        if (codec_get_varint(&p, end, &cnt) != 0 || codec_get_varint(&p, end, &last_gap) != 0)
            return corrupt(c, it->term, "a block's header");
        if ((uint64_t)first + last_gap < target)
            continue;
        const char *why;
        if (it->positions) {
            plist_reset(&it->pos);
            int drc = codec_block_decode(v.mv_data, v.mv_size, first, &it->pos, &why);
            if (drc != BS_OK)
                return drc == BS_ECORRUPT ? corrupt(c, it->term, why) : drc;
            it->bn = it->pos.n;
        } else if (codec_block_decode_freqs(v.mv_data, v.mv_size, first, it->blk, &it->bn,
                                            &why) != BS_OK) {
            return corrupt(c, it->term, why);
        }
        while (it->bi < it->bn && it_doc(it, it->bi) < target)
            it->bi++;
        if (it->bi < it->bn)
            return BS_OK;
    }
}

/* Moves past the postings before docid d. */
static int it_skip_to(ctx *c, clause_it *it, uint32_t d)
{
    if (!it->stream) {
        while (it->at < it->list.n && it->list.v[it->at].docid < d)
            it->at++;
        return BS_OK;
    }
    while (it->bi < it->bn && it_doc(it, it->bi) < d)
        it->bi++;
    if (it->bi < it->bn || it->bn == 0)
        return BS_OK;                /* at a posting, or past the last */
    return it_load(c, it, MDB_NEXT, d);
}

/* A word's document frequency: the sum of its blocks' counts. */
static int term_df(ctx *c, const char *term, size_t tlen, MDB_cursor *cur, uint64_t *df)
{
    return store_term_df(c->st, c->txn, cur, &c->kb, term, tlen, df);
}

/* Makes it a stream of term's blocks (with positions, or frequencies only),
 * its cursor open but not yet placed. */
static int it_stream(ctx *c, clause_it *it, const char *term, int positions)
{
    it->stream = 1;
    it->positions = positions;
    it->term = term;
    it->tlen = strlen(term);
    int rc = mdb_cursor_open(c->txn, c->st->terms, &it->cur);
    if (rc != 0) {
        it->cur = NULL;
        return store_fail(c->st, rc, "reading postings");
    }
    return BS_OK;
}

static void it_close(clause_it *it)
{
    free(it->list.v);
    plist_free(&it->pos);
    if (it->cur)
        mdb_cursor_close(it->cur);
}

/* All postings of one term, frequencies only, appended to out (a word
 * restricted to one field, whose frequency is counted after): its stream
 * copied into a list made once at the size its blocks give. */
static int read_term_freqs(ctx *c, const char *term, size_t tlen, dtf_list *out)
{
    clause_it it = { 0 };
    uint64_t df = 0;
    int rc = it_stream(c, &it, term, 0);
    if (rc == BS_OK)
        rc = term_df(c, term, tlen, it.cur, &df);
    if (rc == BS_OK && out->n + df > out->cap) {
        dtf *nv = realloc(out->v, (out->n + df) * sizeof *nv);
        if (nv) {
            out->v = nv;
            out->cap = out->n + df;
        } else {
            rc = BS_ENOMEM;
        }
    }
    if (rc == BS_OK)
        rc = it_load(c, &it, MDB_SET_RANGE, 0);
    while (rc == BS_OK && it.bi < it.bn) {
        if (out->n == out->cap) {
            rc = corrupt(c, term, "more postings than its blocks count");
            break;
        }
        out->v[out->n++] = it.blk[it.bi];
        rc = it_skip_to(c, &it, it.blk[it.bi].docid + 1);
    }
    it_close(&it);
    return rc;
}

/* Positions of posting i, field f. */
static const uint32_t *field_pos(const plist *l, size_t i, int f)
{
    const uint32_t *p = l->pos + l->pos_start[i];
    for (int g = 0; g < f; g++)
        p += l->tf[i][g];
    return p;
}

/* A phrase: posts where the terms stand in order, next to each other, in
 * one field; its frequency per field is the number of times it does. */
static int eval_phrase(ctx *c, const qclause *cl, dtf_list *out)
{
    size_t n = cl->nterms;
    clause_it *w = calloc(n, sizeof *w);   /* each word's blocks, with positions */
    int rc = w ? BS_OK : BS_ENOMEM;
    for (size_t t = 0; t < n && rc == BS_OK; t++)
        if ((rc = it_stream(c, &w[t], cl->terms[t], 1)) == BS_OK)
            rc = it_load(c, &w[t], MDB_SET_RANGE, 0);
    while (rc == BS_OK) {
        /* the next docid that every term holds */
        uint32_t d = 0;
        int done = 0;
        for (size_t t = 0; t < n && !done; t++) {
            done = w[t].bi >= w[t].bn;
            if (!done && it_doc(&w[t], w[t].bi) > d)
                d = it_doc(&w[t], w[t].bi);
        }
        if (done)
            break;
        int all = 1;
        for (size_t t = 0; t < n && rc == BS_OK; t++) {
            rc = it_skip_to(c, &w[t], d);
            if (w[t].bi >= w[t].bn || it_doc(&w[t], w[t].bi) != d)
                all = 0;
        }
        if (rc != BS_OK || !all)
            continue;
        uint32_t tf[BS_NFIELDS] = { 0 }, total = 0;
        for (int f = 0; f < BS_NFIELDS; f++) {
            const plist *l0 = &w[0].pos;
            size_t i0 = w[0].bi;
            const uint32_t *p0 = field_pos(l0, i0, f);
            for (uint32_t a = 0; a < l0->tf[i0][f]; a++) {
                int ok = 1;
                for (size_t t = 1; t < n && ok; t++) {
                    const uint32_t *pt = field_pos(&w[t].pos, w[t].bi, f);
                    uint32_t want = p0[a] + (uint32_t)t, cnt = w[t].pos.tf[w[t].bi][f];
                    size_t lo = 0, hi = cnt;
                    while (lo < hi) {
                        size_t mid = (lo + hi) / 2;
                        if (pt[mid] < want)
                            lo = mid + 1;
                        else
                            hi = mid;
                    }
                    ok = lo < cnt && pt[lo] == want;
                }
                tf[f] += (uint32_t)ok;
            }
            total += tf[f];
        }
        if (total && dtf_push(out, d, tf) != 0)
            rc = BS_ENOMEM;
        for (size_t t = 0; t < n && rc == BS_OK; t++)
            rc = it_skip_to(c, &w[t], d + 1);
    }
    for (size_t t = 0; w && t < n; t++)
        it_close(&w[t]);
    free(w);
    return rc;
}

/* Lists of several terms, each in docid order, appended one after another
 * to out (run r from runs[r] to runs[r + 1]), merged in one pass: a heap of
 * the runs by their next docid; a post in several gets one entry, its
 * frequencies added. At most PREFIX_MAX_TERMS runs. */
static int merge_runs(dtf_list *out, const size_t *runs, size_t nruns)
{
    if (nruns < 2 || out->n == 0)
        return BS_OK;
    dtf *m = malloc(out->n * sizeof *m);
    if (!m)
        return BS_ENOMEM;
    size_t at[PREFIX_MAX_TERMS], heap[PREFIX_MAX_TERMS], nh = 0, w = 0;
#define HEAD(r) out->v[at[r]].docid
    for (size_t r = 0; r < nruns; r++) {
        at[r] = runs[r];
        if (at[r] == runs[r + 1])
            continue;
        size_t j = nh++;
        for (; j > 0 && HEAD(heap[(j - 1) / 2]) > HEAD(r); j = (j - 1) / 2)
            heap[j] = heap[(j - 1) / 2];
        heap[j] = r;
    }
    while (nh) {
        size_t r = heap[0];
        const dtf *e = &out->v[at[r]++];
        if (w && m[w - 1].docid == e->docid) {
            for (int f = 0; f < BS_NFIELDS; f++)
                m[w - 1].tf[f] += e->tf[f];
        } else {
            m[w++] = *e;
        }
        if (at[r] == runs[r + 1])
            r = heap[--nh];          /* the run is done: the last one sifts down */
        for (size_t j = 0;;) {
            size_t l = 2 * j + 1, s = l + 1 < nh && HEAD(heap[l + 1]) < HEAD(heap[l]) ? l + 1 : l;
            if (l >= nh || HEAD(heap[s]) >= HEAD(r)) {
                if (nh)
                    heap[j] = r;
                break;
            }
            heap[j] = heap[s];
            j = s;
        }
    }
#undef HEAD
    free(out->v);
    out->v = m;
    out->cap = out->n;             /* what m was made for */
    out->n = w;
    return BS_OK;
}

/* dock*: every term of the dictionary that starts with the prefix (up to
 * PREFIX_MAX_TERMS), their frequencies added; the terms go to *hl. */
static int eval_prefix(ctx *c, const qclause *cl, dtf_list *out, char ***hl, size_t *nhl)
{
    const char *pre = cl->terms[0];
    size_t plen = strlen(pre), nterms = 0;
    MDB_cursor *cur;
    MDB_val k = { plen, (void *)pre }, v;
    int rc = mdb_cursor_open(c->txn, c->st->terms, &cur);
    if (rc != 0)
        return store_fail(c->st, rc, "reading the terms");
    txt_buf last = { 0 };
    int st = BS_OK;
    size_t runs[PREFIX_MAX_TERMS + 1], nruns = 0;   /* where each term's postings start */
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && st == BS_OK;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        size_t tl;
        uint32_t first;
        if (k.mv_size < plen || memcmp(k.mv_data, pre, plen) != 0)
            break;
        if (key_term_split(k.mv_data, k.mv_size, &tl, &first) != 0)
            continue;
        if (last.len != tl || memcmp(last.p, k.mv_data, tl) != 0) {
            if (nterms == PREFIX_MAX_TERMS)
                break;
            nterms++;
            runs[nruns++] = out->n;
            buf_reset(&last);
            buf_put(&last, k.mv_data, tl);
            if ((st = hl_add(hl, nhl, k.mv_data, tl)) != BS_OK)
                break;
        }
        const char *why;
        dtf blk[BLK_MAX_POSTINGS];
        size_t nb;
        if (codec_block_decode_freqs(v.mv_data, v.mv_size, first, blk, &nb, &why) != BS_OK) {
            st = corrupt(c, pre, why);
            break;
        }
        while (out->cap - out->n < nb && st == BS_OK) {
            dtf *nv = grow_array(out->v, &out->cap, 256, sizeof *nv);
            if (nv)
                out->v = nv;
            else
                st = BS_ENOMEM;
        }
        if (st == BS_OK) {
            memcpy(out->v + out->n, blk, nb * sizeof *blk);
            out->n += nb;
        }
    }
    mdb_cursor_close(cur);
    buf_free(&last);
    if (st != BS_OK)
        return st;
    runs[nruns] = out->n;
    return merge_runs(out, runs, nruns);
}

/* A word and its other spellings (докер, docker): the posts of any, their
 * frequencies added; the spellings go to *hl. */
static int eval_alts(ctx *c, const qclause *cl, dtf_list *out, char ***hl, size_t *nhl)
{
    size_t runs[QC_MAX_ALTS + 2], nruns = 0;
    int rc = BS_OK;
    for (size_t a = 0; a <= cl->nalts && a <= QC_MAX_ALTS && rc == BS_OK; a++) {
        const char *t = a ? cl->alts[a - 1] : cl->terms[0];
        runs[nruns++] = out->n;
        rc = read_term_freqs(c, t, strlen(t), out);
        if (rc == BS_OK && a)
            rc = hl_add(hl, nhl, t, strlen(t));
    }
    runs[nruns] = out->n;
    return rc == BS_OK ? merge_runs(out, runs, nruns) : rc;
}

static int eval_clause(ctx *c, const qclause *cl, dtf_list *out, char ***hl, size_t *nhl)
{
    int rc;
    if (cl->prefix) {
        rc = eval_prefix(c, cl, out, hl, nhl);
    } else if (cl->nalts && cl->nterms == 1) {
        rc = eval_alts(c, cl, out, hl, nhl);
    } else if (cl->nterms > 1) {
        rc = eval_phrase(c, cl, out);
    } else {
        rc = read_term_freqs(c, cl->terms[0], strlen(cl->terms[0]), out);
    }
    if (rc == BS_OK && cl->field >= 0) {
        /* title:word: only that field counts */
        size_t w = 0;
        for (size_t i = 0; i < out->n; i++) {
            if (!out->v[i].tf[cl->field])
                continue;
            uint32_t keep = out->v[i].tf[cl->field];
            memset(out->v[i].tf, 0, sizeof out->v[i].tf);
            out->v[i].tf[cl->field] = keep;
            out->v[w++] = out->v[i];
        }
        out->n = w;
    }
    if (rc == BS_OK && !cl->prefix) {
        for (size_t t = 0; t < cl->nterms && rc == BS_OK; t++)
            rc = hl_add(hl, nhl, cl->terms[t], strlen(cl->terms[t]));
    }
    return rc;
}

/* Sets up clause cl: a stream for a plain word (of any field), else the
 * list of eval_clause. *df is its document frequency. */
static int it_open(ctx *c, const qclause *cl, clause_it *it, char ***hl, size_t *nhl,
                   uint64_t *df)
{
    if (cl->prefix || cl->nterms != 1 || cl->field >= 0 || cl->nalts) {
        int rc = eval_clause(c, cl, &it->list, hl, nhl);
        *df = it->list.n;
        return rc;
    }
    int rc = it_stream(c, it, cl->terms[0], 0);
    if (rc != BS_OK)
        return rc;
    if ((rc = hl_add(hl, nhl, it->term, it->tlen)) != BS_OK)
        return rc;
    rc = term_df(c, it->term, it->tlen, it->cur, df);
    return rc == BS_OK ? it_load(c, it, MDB_SET_RANGE, 0) : rc;
}

/* ---- filters ------------------------------------------------------------------ */

typedef struct {
    uint32_t *v;
    size_t n;
} idset;

/* The posts with a tag, category or author (docids, sorted). */
static int facet_set(ctx *c, char kind, const char *value, idset *out)
{
    MDB_cursor *cur;
    key_facet(&c->kb, kind, value, strlen(value));
    MDB_val k = { c->kb.len, c->kb.p }, v;
    out->v = NULL;
    out->n = 0;
    int rc = mdb_cursor_open(c->txn, c->st->facets, &cur);
    if (rc != 0)
        return store_fail(c->st, rc, "reading tags");
    size_t cnt = 0;
    if (mdb_cursor_get(cur, &k, &v, MDB_SET) == 0 && mdb_cursor_count(cur, &cnt) == 0 && cnt) {
        out->v = malloc(cnt * sizeof *out->v);
        if (!out->v) {
            mdb_cursor_close(cur);
            return BS_ENOMEM;
        }
        for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST_DUP); rc == 0 && out->n < cnt;
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP))
            if (v.mv_size == 4)
                out->v[out->n++] = codec_get_u32be(v.mv_data);
    }
    mdb_cursor_close(cur);
    return BS_OK;
}

/* The posts whose own wall clock is within [since, until], as bits of
 * `bits` (fwords words, cleared by the caller): one range of the dates keys,
 * which hold each post's wall clock. The keys come in date order, so a bit a
 * key is all the ordering the filter bitmap needs. */
static int date_bits(ctx *c, const qry *q, uint64_t *bits, uint64_t fwords)
{
    MDB_cursor *cur;
    uint8_t k12[12];
    key_date(k12, q->has_since ? q->since : INT64_MIN, 0);
    MDB_val k = { 12, k12 }, v;
    int rc = mdb_cursor_open(c->txn, c->st->dates, &cur);
    if (rc != 0)
        return store_fail(c->st, rc, "reading dates");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 12)
            continue;
        if (q->has_until && key_date_value(k.mv_data) > q->until)
            break;
        uint32_t d = codec_get_u32be((const uint8_t *)k.mv_data + 8);
        if (d / 64 < fwords)
            bits[d / 64] |= 1ull << (d % 64);
    }
    mdb_cursor_close(cur);
    return BS_OK;
}

/* ---- tag facets --------------------------------------------------------------- */

static int by_facet(const void *a, const void *b)
{
    const facet *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->tag, y->tag, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The smallest of the max largest counts (max > 0, n > max). */
static uint64_t kth_largest(const uint64_t *cnt, size_t ncnt, size_t max, uint64_t *h)
{
    size_t nh = 0;
    for (size_t i = 0; i < ncnt; i++) {
        uint64_t x = cnt[i];
        size_t j;
        if (x == 0)
            continue;
        if (nh < max) {
            for (j = nh++; j > 0 && h[(j - 1) / 2] > x; j = (j - 1) / 2)
                h[j] = h[(j - 1) / 2];
            h[j] = x;
        } else if (x > h[0]) {
            for (j = 0;;) {        /* the top replaced, sifted down */
                size_t l = 2 * j + 1, s = l + 1 < nh && h[l + 1] < h[l] ? l + 1 : l;
                if (l >= nh || h[s] >= x)
                    break;
                h[j] = h[s];
                j = s;
            }
            h[j] = x;
        }
    }
    return nh ? h[0] : 1;
}

/* ---- the facets beside the merge ------------------------------------------------ */

/* With search_opts.parallel, a second thread counts the facets while the
 * merge runs: the merge marks matches in docid order, so a word of the
 * bitmap is final once the merge is past it, and the thread counts it then;
 * the facets are ready about when the merge ends. The thread reads in a read
 * transaction of its own; if that sees another snapshot than the merge's (a
 * writer committed between), it counts nothing and the merge's thread
 * counts the facets after the merge, as without a thread. If it has not
 * started when the merge ends, the merge's thread counts them itself. */
#define FACET_SIGNAL_WORDS 128     /* the merge wakes the thread every 8,192 docids */

typedef struct {
    store *st;
    size_t txn_id;                 /* the merge's snapshot */
    const uint64_t *m;
    uint64_t nbits;
    size_t max;
    atomic_uint_fast64_t ready;    /* words of m the merge is past */
    atomic_int owner;              /* 0 nobody yet, 1 the thread, 2 the merge's thread */
    uint64_t signalled;            /* the merge's: ready when it last woke the thread */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int rc;                        /* BS_OK, a failure, or -1: not counted */
    results r;                     /* the facets */
    char err[512];
} facet_job;

/* 1 when no more threads are runnable than the n processors this process
 * may use, itself counted: one is idle, or about to be (a web server that
 * has just started this process is still runnable for a moment before it
 * waits for the answer; counting it out, the second threads went unused
 * in half the requests). /proc/loadavg's fourth field is "runnable/all".
 * Without it, 1. */
static int idle_processor(int n)
{
    char b[128];
    int fd = open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
    ssize_t len = fd >= 0 ? read(fd, b, sizeof b - 1) : -1;
    if (fd >= 0)
        close(fd);
    if (len <= 0)
        return 1;
    b[len] = '\0';
    const char *p = b;
    for (int field = 0; field < 3 && p; field++)
        p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
    return !p || atoi(p) <= n;
}

int thread_beside(pthread_t *t, void *(*fn)(void *), void *arg)
{
    cpu_set_t others;
    int here = sched_getcpu();
    if (here < 0 || sched_getaffinity(0, sizeof others, &others) != 0
        || !idle_processor(CPU_COUNT(&others)))
        return -1;
    CPU_CLR(here, &others);
    pthread_attr_t attr;
    if (CPU_COUNT(&others) == 0 || pthread_attr_init(&attr) != 0)
        return -1;
    int rc = pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0
             && pthread_create(t, &attr, fn, arg) == 0 ? 0 : -1;
    pthread_attr_destroy(&attr);
    return rc;
}

void thread_anywhere(pthread_t t)
{
    cpu_set_t all;
    if (sched_getaffinity(0, sizeof all, &all) == 0)
        pthread_setaffinity_np(t, sizeof all, &all);
}

/* Word w of the matches, once the merge is past it. */
static uint64_t match_word(facet_job *j, const uint64_t *m, size_t w)
{
    if (j && atomic_load_explicit(&j->ready, memory_order_acquire) <= w) {
        pthread_mutex_lock(&j->mu);
        while (atomic_load_explicit(&j->ready, memory_order_acquire) <= w)
            pthread_cond_wait(&j->cv, &j->mu);
        pthread_mutex_unlock(&j->mu);
    }
    return m[w];
}

/* The merge is at word w: those before are final (all of them at the end). */
static void job_advance(facet_job *j, uint64_t w, int end)
{
    if (!j || w <= atomic_load_explicit(&j->ready, memory_order_relaxed))
        return;
    atomic_store_explicit(&j->ready, w, memory_order_release);
    if (end || w - j->signalled >= FACET_SIGNAL_WORDS) {
        pthread_mutex_lock(&j->mu);
        pthread_cond_broadcast(&j->cv);
        pthread_mutex_unlock(&j->mu);
        j->signalled = w;
    }
}

static int count_facets(ctx *c, const uint64_t *m, uint64_t nbits, size_t max, results *r,
                        facet_job *j);

static void *facet_thread(void *arg)
{
    facet_job *j = arg;
    MDB_txn *txn;
    int none = 0;
    if (!atomic_compare_exchange_strong(&j->owner, &none, 1))
        return NULL;               /* too late: the merge's thread counts them */
    j->rc = -1;
    if (store_txn_begin(j->st, MDB_RDONLY, &txn) != BS_OK)
        return NULL;
    if (mdb_txn_id(txn) == j->txn_id) {
        ctx c = { j->st, txn, j->err, sizeof j->err, { 0 } };
        j->rc = count_facets(&c, j->m, j->nbits, j->max, &j->r, j);
        if (j->rc != BS_OK && j->err[0] == '\0')   /* the store's message is per thread */
            snprintf(j->err, sizeof j->err, "%s", j->rc == BS_ENOMEM ? "out of memory" : store_err());
        buf_free(&c.kb);
    }
    mdb_txn_abort(txn);
    return NULL;
}

/* The tag facets: for every tag, how many matching posts (the set bits of
 * m, nbits long) carry it; the max most frequent go to r. The doctags
 * chunks of the matching posts are read (a word of m is a chunk), so a
 * narrow search reads a few pages and a broad one about a page per 16
 * chunks; only the tags shown are looked up by name. */
static int count_facets(ctx *c, const uint64_t *m, uint64_t nbits, size_t max, results *r,
                        facet_job *j)
{
    MDB_cursor *cur;
    int rc;
    size_t nw = (size_t)(nbits / 64), w = 0;
    /* a count for every tag id: they run from 0 to the last one given */
    uint64_t given;
    rc = store_tag_ids(c->st, c->txn, &given);
    if (rc != BS_OK)
        return rc;
    size_t ncnt = (size_t)given;
    MDB_val k, v;
    rc = mdb_cursor_open(c->txn, c->st->doctags, &cur);
    if (rc != 0)
        return store_fail(c->st, rc, "reading tags");
    uint64_t *cnt = calloc(ncnt ? ncnt : 1, sizeof *cnt);
    if (!cnt) {
        mdb_cursor_close(cur);
        return BS_ENOMEM;
    }
    int out = BS_OK, step = 0;
    while (w < nw && !match_word(j, m, w))
        w++;
    while (w < nw && out == BS_OK) {
        uint8_t k4[4];
        if (step) {
            rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
        } else {
            key_docid(k4, (uint32_t)w);
            k = (MDB_val){ 4, k4 };
            rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
        }
        if (rc != 0) {
            if (rc != MDB_NOTFOUND)
                out = store_fail(c->st, rc, "reading tags");
            break;
        }
        if (k.mv_size != 4) {
            out = corrupt(c, "(tags of posts)", "a key of the wrong size");
            break;
        }
        uint32_t at = codec_get_u32be(k.mv_data);
        if (at >= nw)
            break;
        const char *why;
        uint64_t mw = match_word(j, m, at);
        if (mw && codec_doctags_count(v.mv_data, v.mv_size, mw, cnt, ncnt, &why) != BS_OK)
            out = corrupt(c, "(tags of posts)", why);
        /* the next chunk with a match: a step when it is near, else a seek */
        if (at >= w)
            for (w = (size_t)at + 1; w < nw && !match_word(j, m, w); w++)
                ;
        step = w - at <= 8;
    }
    mdb_cursor_close(cur);

    /* the shown tags: the max largest counts, ties by name */
    size_t n = 0;
    for (size_t i = 0; i < ncnt; i++)
        n += cnt[i] > 0;
    uint64_t least = 1;
    if (out == BS_OK && n > max) {
        uint64_t *h = malloc(max * sizeof *h);
        if (!h)
            out = BS_ENOMEM;
        else
            least = kth_largest(cnt, ncnt, max, h);
        free(h);
    }
    facet *all = NULL;
    n = 0;
    for (size_t i = 0; i < ncnt && out == BS_OK; i++)
        n += cnt[i] >= least;
    if (out == BS_OK && n && !(all = calloc(n, sizeof *all)))
        out = BS_ENOMEM;
    size_t got = 0;
    for (size_t i = 0; i < ncnt && out == BS_OK; i++) {
        if (cnt[i] < least)
            continue;
        uint8_t k5[5];
        key_tagid(k5, (uint32_t)i);
        MDB_val nk = { 5, k5 }, nv;
        rc = mdb_get(c->txn, c->st->tagids, &nk, &nv);
        if (rc != 0) {
            out = rc == MDB_NOTFOUND ? corrupt(c, "(tag ids)", "a tag id without its tag")
                                     : store_fail(c->st, rc, "reading tags");
            break;
        }
        if (nv.mv_size > FACET_MAX_BYTES) {
            out = corrupt(c, "(tag ids)", "a tag longer than any tag");
            break;
        }
        if (!(all[got].tag = malloc(nv.mv_size + 1))) {
            out = BS_ENOMEM;
            break;
        }
        memcpy(all[got].tag, nv.mv_data, nv.mv_size);
        all[got].tag[nv.mv_size] = '\0';
        all[got].len = nv.mv_size;
        all[got].count = cnt[i];
        got++;
    }
    free(cnt);
    if (out == BS_OK && got > 1)
        qsort(all, got, sizeof *all, by_facet);
    size_t keep = out == BS_OK ? (got < max ? got : max) : 0;
    for (size_t i = keep; i < got; i++)
        free(all[i].tag);
    if (keep == 0) {
        free(all);
        all = NULL;
    }
    r->facets = all;
    r->nfacets = keep;
    return out;
}

/* ---- ranking --------------------------------------------------------------------- */

/* Equal scores, newer first: a query of filters alone (tag:docker), where
 * every score is 0, lists the newest posts first. */
static int by_rank(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->has_date != y->has_date)
        return x->has_date ? -1 : 1;
    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    return (x->docid > y->docid) - (x->docid < y->docid);
}

static int by_date(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->has_date != y->has_date)
        return x->has_date ? -1 : 1;
    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->docid > y->docid) - (x->docid < y->docid);
}

/* A binary heap ordered so that the top is the hit that ranks last. */
static void heap_sift_down(hit *h, size_t n, size_t i, int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, worst = i;
        if (l < n && cmp(&h[l], &h[worst]) > 0)
            worst = l;
        if (r < n && cmp(&h[r], &h[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        hit t = h[i];
        h[i] = h[worst];
        h[worst] = t;
        i = worst;
    }
}

static void heap_push(hit *h, size_t *n, hit x, int (*cmp)(const void *, const void *))
{
    size_t i = (*n)++;
    h[i] = x;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (cmp(&h[i], &h[p]) <= 0)
            break;
        hit t = h[i];
        h[i] = h[p];
        h[p] = t;
        i = p;
    }
}

static void heap_replace_top(hit *h, size_t n, hit x, int (*cmp)(const void *, const void *))
{
    h[0] = x;
    heap_sift_down(h, n, 0, cmp);
}

/* What ranking keeps while it goes: the best `keep` posts in a heap whose
 * top is the worst of them, and what a post's score needs. */
typedef struct {
    store *st;
    MDB_txn *txn;
    lens_cache lc;                 /* field lengths and dates, 64 posts a read */
    const double *avg, *idf, *coord;
    size_t n;                      /* clauses */
    size_t keep, nhits;
    hit *hits;
    int (*cmp)(const void *, const void *);
} ranker;

/* The most the frequencies present[i] (NULL: clause i not in the post) can
 * score, whatever the post's lengths: a field's length normalization is at
 * least 1 - b (a field of no words). It is reckoned without division: a
 * clause's frequencies weighted by those largest field weights, weight /
 * (1 - b), in eighths and rounded up (wq, integers), index a table of the
 * saturation x (k1 + 1) / (x + k1), which grows with x; past the table it is
 * k1 + 1, its limit. */
static double tf_bound(const ranker *rk, const dtf *const *present, const uint64_t *wq,
                       const double *sat)
{
    double ub = 0;
    for (size_t i = 0; i < rk->n && i < QRY_MAX_CLAUSES; i++) {
        if (!present[i])
            continue;
        uint64_t x = 0;
        for (int f = 0; f < BS_NFIELDS; f++)
            x += wq[f] * present[i]->tf[f];
        ub += rk->idf[i] * sat[x < BOUND_STEPS ? x : BOUND_STEPS];
    }
    return ub;
}

/* Scores post d, which holds present[i] of clause i (NULL: not) and
 * `matched` of the positive clauses, and keeps it if it is among the best.
 * BS_ENOTFOUND for a posting of a post since removed. */
static int rank_post(ctx *c, ranker *rk, uint32_t d, const dtf *const *present, uint32_t matched)
{
    lens_entry le;
    int rc = store_lens_get(rk->st, rk->txn, &rk->lc, d, &le);
    if (rc == BS_ENOTFOUND)
        return rc;
    if (rc != BS_OK)
        return rc == BS_ECORRUPT ? corrupt(c, "(post lengths)", "a chunk of the wrong size") : rc;
    int has_date = le.date != LENS_NO_DATE;
    int64_t date = has_date ? le.date : 0;
    /* each field's weight over its length normalization, once a post */
    double fw[BS_NFIELDS], score = 0;
    for (int f = 0; f < BS_NFIELDS; f++) {
        double norm = 1.0 - bm25_field_b[f] + bm25_field_b[f] * (double)le.len[f] / rk->avg[f];
        fw[f] = bm25_field_weight[f] / (norm > 0 ? norm : 1);
    }
    for (size_t i = 0; i < rk->n && i < QRY_MAX_CLAUSES; i++) {
        if (!present[i])
            continue;
        double tf = 0;
        for (int f = 0; f < BS_NFIELDS; f++)
            tf += fw[f] * present[i]->tf[f];
        score += rk->idf[i] * tf * (bm25_k1 + 1) / (tf + bm25_k1);
    }
    /* more of the query's words, higher: by a coordination factor, so that
     * a post with one frequent word does not crowd out posts with all of
     * them, yet a strong match on most words still can rank */
    score *= rk->coord[matched];
    if (rk->keep == 0)
        return BS_OK;
    if (!rk->hits && !(rk->hits = malloc(rk->keep * sizeof *rk->hits)))
        return BS_ENOMEM;
    hit h = { d, score, date, has_date };
    if (rk->nhits < rk->keep)
        heap_push(rk->hits, &rk->nhits, h, rk->cmp);
    else if (rk->cmp(&h, &rk->hits[0]) < 0)
        heap_replace_top(rk->hits, rk->nhits, h, rk->cmp);
    return BS_OK;
}

/* The postings of it from its head on that are at hand (the rest of a
 * stream's block, the rest of a list), without moving it. */
static const dtf *it_run(const clause_it *it, size_t *n)
{
    if (!it->stream) {
        *n = it->list.n - it->at;
        return it->list.v + it->at;
    }
    *n = it->bn - it->bi;
    return it->blk + it->bi;
}

/* Moves it past k postings of its it_run. */
static int it_pass(ctx *c, clause_it *it, size_t k)
{
    if (!it->stream) {
        it->at += k;
        return BS_OK;
    }
    if (k == 0)
        return BS_OK;
    uint32_t next = it->blk[it->bi + k - 1].docid + 1;
    it->bi += k;
    return it->bi < it->bn ? BS_OK : it_load(c, it, MDB_NEXT, next);
}

typedef struct {
    size_t order[QRY_MAX_CLAUSES];  /* the positive clauses, the least they add first */
    size_t np;
    double cum[QRY_MAX_CLAUSES + 1];   /* the most the first j of them can add */
    size_t ne;                      /* order[0..ne) are not essential */
    const dtf *present[QRY_MAX_CLAUSES];
    dtf held[QRY_MAX_CLAUSES];
} maxscore;

/* The worst score kept, once the heap is full (else -1: any post enters),
 * and the clauses that stop being essential at it. */
static double ms_theta(const ranker *rk, maxscore *ms)
{
    double theta = rk->nhits == rk->keep ? rk->hits[0].score : -1;
    while (theta >= 0 && ms->ne < ms->np && ms->cum[ms->ne + 1] < theta)
        ms->ne++;
    return theta;
}

/* Post d, in the match set, holds the essential clauses of ms->present
 * (`matched` of them, their bound ub): looks it up in the clauses that are
 * not essential while its bound can still reach theta, then scores it. */
static int ms_finish(ctx *c, ranker *rk, maxscore *ms, clause_it *its, uint32_t d,
                     uint32_t matched, double ub, double theta, const uint64_t *wq,
                     const double *sat)
{
    if (theta >= 0 && (ub + ms->cum[ms->ne]) * (1 + 1e-9) < theta)
        return BS_OK;
    for (size_t j = 0; j < ms->ne; j++) {
        size_t i = ms->order[j];
        int rc = it_skip_to(c, &its[i], d);
        if (rc != BS_OK)
            return rc;
        const dtf *h = it_head(&its[i]);
        if (h && h->docid == d) {
            ms->held[i] = *h;
            ms->present[i] = &ms->held[i];
            matched++;
        }
    }
    if (ms->ne > 0 && theta >= 0
        && tf_bound(rk, ms->present, wq, sat) * rk->coord[matched] * (1 + 1e-9) < theta)
        return BS_OK;
    int rc = rank_post(c, rk, d, ms->present, matched);
    return rc == BS_ENOTFOUND ? BS_OK : rc;
}

/* Ranks the posts of m (the match set, counted already; NULL: every post of
 * the clauses) by MaxScore: the
 * positive clauses in order of the most each can add (its idf times k1 + 1,
 * the saturation's limit); those whose sum stays below the worst score kept
 * are not essential: a post that holds only them cannot be kept, so the
 * candidates are the posts of the others, and the rest are looked up in
 * them (a skip over their blocks) only for a candidate whose bound still
 * reaches the kept posts. The same posts are kept as by scoring every match.
 * With one essential clause left, its postings are read as a run. */
static int rank_maxscore(ctx *c, ranker *rk, clause_it *its, const int *use, const qry *q,
                         const uint64_t *m, uint64_t mwords, const uint64_t *wq,
                         const double *sat)
{
    maxscore ms;
    size_t n = rk->n < QRY_MAX_CLAUSES ? rk->n : QRY_MAX_CLAUSES;
    ms.np = ms.ne = 0;
    for (size_t i = 0; i < n; i++) {
        ms.present[i] = NULL;
        if (!use[i] || q->c[i].mode == QC_MUST_NOT)
            continue;
        size_t j = ms.np++;
        for (; j > 0 && rk->idf[ms.order[j - 1]] > rk->idf[i]; j--)
            ms.order[j] = ms.order[j - 1];
        ms.order[j] = i;
    }
    /* with a margin for rounding: the exact score is computed otherwise */
    ms.cum[0] = 0;
    for (size_t j = 0; j < ms.np; j++)
        ms.cum[j + 1] = ms.cum[j] + rk->idf[ms.order[j]] * (bm25_k1 + 1) * (1 + 1e-9);
    for (;;) {
        double theta = ms_theta(rk, &ms);
        if (ms.ne == ms.np)
            return BS_OK;
        if (ms.np - ms.ne == 1) {
            /* one essential clause: a run of its postings at a time */
            size_t e = ms.order[ms.ne], k, cnt;
            clause_it *it = &its[e];
            const dtf *run = it_run(it, &cnt);
            if (cnt == 0)
                return BS_OK;
            size_t ne = ms.ne;
            for (k = 0; k < cnt && ms.ne == ne; k++) {
                uint32_t d = run[k].docid;
                if (m && (d / 64 >= mwords || !(m[d / 64] >> (d % 64) & 1)))
                    continue;
                double ub = 0;
                if (theta >= 0) {
                    uint64_t x = 0;
                    for (int f = 0; f < BS_NFIELDS; f++)
                        x += wq[f] * run[k].tf[f];
                    ub = rk->idf[e] * sat[x < BOUND_STEPS ? x : BOUND_STEPS];
                    if ((ub + ms.cum[ne]) * (1 + 1e-9) < theta)
                        continue;
                }
                ms.held[e] = run[k];
                ms.present[e] = &ms.held[e];
                int rc = ms_finish(c, rk, &ms, its, d, 1, ub, theta, wq, sat);
                for (size_t j = 0; j < ne; j++)
                    ms.present[ms.order[j]] = NULL;
                ms.present[e] = NULL;
                if (rc != BS_OK)
                    return rc;
                theta = ms_theta(rk, &ms);
            }
            int rc = it_pass(c, it, k);
            if (rc != BS_OK)
                return rc;
            continue;
        }
        uint32_t d = UINT32_MAX;
        for (size_t j = ms.ne; j < ms.np; j++) {
            const dtf *h = it_head(&its[ms.order[j]]);
            if (h && h->docid < d)
                d = h->docid;
        }
        if (d == UINT32_MAX)
            return BS_OK;
        uint32_t matched = 0;
        for (size_t j = ms.ne; j < ms.np; j++) {
            size_t i = ms.order[j];
            const dtf *h = it_head(&its[i]);
            if (!h || h->docid != d)
                continue;
            ms.held[i] = *h;
            ms.present[i] = &ms.held[i];
            matched++;
            int rc = it_skip_to(c, &its[i], d + 1);
            if (rc != BS_OK)
                return rc;
        }
        int rc = BS_OK;
        if (!m || (d / 64 < mwords && (m[d / 64] >> (d % 64) & 1)))
            rc = ms_finish(c, rk, &ms, its, d, matched,
                           theta >= 0 ? tf_bound(rk, ms.present, wq, sat) : 0, theta, wq, sat);
        for (size_t i = 0; i < n; i++)
            ms.present[i] = NULL;
        if (rc != BS_OK)
            return rc;
    }
}

int search_run(store *st, MDB_txn *txn, const qry *q, const search_opts *o, results *r,
               char *err, size_t errlen)
{
    ctx c = { st, txn, err, errlen, { 0 } };
    memset(r, 0, sizeof *r);
    store_stats ss;
    int rc = store_get_stats(st, txn, &ss);
    if (rc != BS_OK) {
        snprintf(err, errlen, "%s", store_err());
        return rc;
    }
    double ndocs = ss.ndocs ? (double)ss.ndocs : 1, avg[BS_NFIELDS];
    for (int f = 0; f < BS_NFIELDS; f++)
        avg[f] = ss.lensum[f] / ndocs > 0 ? (double)ss.lensum[f] / ndocs : 1;

    /* clauses that take part: stopword-only words are dropped, phrases kept */
    size_t n = q->n;
    clause_it *its = calloc(n ? n : 1, sizeof *its);
    double *idf = calloc(n ? n : 1, sizeof *idf);
    int *use = calloc(n ? n : 1, sizeof *use);
    r->df = calloc(n ? n : 1, sizeof *r->df);
    if (!its || !idf || !use || !r->df)
        rc = BS_ENOMEM;
    size_t positive = 0;
    for (size_t i = 0; i < n && rc == BS_OK; i++) {
        const qclause *cl = &q->c[i];
        use[i] = cl->mode == QC_MUST_NOT || !cl->all_stop || cl->nterms > 1;
        if (!use[i])
            continue;
        /* excluded words are not highlighted: their terms go to a scratch list */
        char **skip = NULL;
        size_t nskip = 0;
        int excl = cl->mode == QC_MUST_NOT;
        uint64_t df64 = 0;
        rc = it_open(&c, cl, &its[i], excl ? &skip : &r->hl_terms, excl ? &nskip : &r->nhl,
                     &df64);
        for (size_t t = 0; t < nskip; t++)
            free(skip[t]);
        free(skip);
        r->df[i] = df64;
        double df = (double)df64;
        idf[i] = log(1.0 + (ndocs - df + 0.5) / (df + 0.5));
        if (cl->weight > 0)
            idf[i] *= cl->weight;
        positive += cl->mode != QC_MUST_NOT;
    }

    idset tags[QRY_MAX_TAGS] = { { 0 } }, cat = { 0 }, auth = { 0 };
    size_t ntags = q->ntags < QRY_MAX_TAGS ? q->ntags : QRY_MAX_TAGS;
    for (size_t t = 0; t < ntags && rc == BS_OK; t++)
        rc = facet_set(&c, FACET_TAG, q->tags[t], &tags[t]);
    if (rc == BS_OK && q->category)
        rc = facet_set(&c, FACET_CATEGORY, q->category, &cat);
    if (rc == BS_OK && q->author)
        rc = facet_set(&c, FACET_AUTHOR, q->author, &auth);

    /* the filters as one bitmap of the posts that pass them all: a test a
     * candidate instead of a binary search a filter */
    uint64_t fwords = (ss.next_docid + 63) / 64, *allow = NULL, *one = NULL;
    int filtered = ntags || q->category || q->author || q->has_since || q->has_until;
    if (rc == BS_OK && filtered) {
        allow = malloc(fwords * sizeof *allow);
        one = calloc(fwords, sizeof *one);
        if (!allow || !one)
            rc = BS_ENOMEM;
        else
            memset(allow, 0xFF, fwords * sizeof *allow);
    }
    const idset *sets[QRY_MAX_TAGS + 2];
    size_t nsets = 0;
    for (size_t t = 0; t < ntags; t++)
        sets[nsets++] = &tags[t];
    if (q->category)
        sets[nsets++] = &cat;
    if (q->author)
        sets[nsets++] = &auth;
    int by_dates = q->has_since || q->has_until;
    for (size_t i = 0; i < nsets + (size_t)by_dates && allow && rc == BS_OK; i++) {
        if (i < nsets) {
            for (size_t j = 0; j < sets[i]->n; j++)
                if (sets[i]->v[j] / 64 < fwords)
                    one[sets[i]->v[j] / 64] |= 1ull << (sets[i]->v[j] % 64);
        } else {
            rc = date_bits(&c, q, one, fwords);
        }
        for (uint64_t w = 0; w < fwords; w++) {
            allow[w] &= one[w];
            one[w] = 0;
        }
    }
    free(one);

    /* the candidates: every post of a positive clause, or with no words,
     * every post the filters allow, in docid order from their bitmap */
    int from_filter = positive == 0;
    /* the best offset + limit posts in a heap whose top is the worst of
     * them; every match is counted, so the total is exact */
    size_t want = o->offset + o->limit;
    /* words near each other re-score the first PROX_TOP (proximity.c):
     * kept even for a shorter page, so that every page agrees */
    const char *pterms[QRY_MAX_CLAUSES];
    size_t npterms = o->sort == SORT_RELEVANCE && !o->no_proximity
                     ? prox_terms(q, pterms, QRY_MAX_CLAUSES) : 0;
    size_t keep = want && npterms >= 2 && want < PROX_TOP ? PROX_TOP : want;
    uint64_t total = 0, full = 0;
    int (*cmp)(const void *, const void *) = o->sort == SORT_DATE ? by_date : by_rank;
    uint64_t *matched_set = NULL, nbits = 0;   /* every match, for the facets */
    if (rc == BS_OK && o->facets) {
        nbits = (ss.next_docid + 63) / 64 * 64;
        matched_set = calloc(nbits / 64 ? nbits / 64 : 1, sizeof *matched_set);
        if (!matched_set)
            rc = BS_ENOMEM;
    }
    int match = o->match;
    if (q->any && match == MATCH_MOST)
        match = MATCH_ANY;
    /* newest first is a list of the posts that match as a reader means it:
     * with all the words, unless OR or MATCH_ANY says any will do (posts
     * with most of them first is an order of relevance) */
    if (o->sort == SORT_DATE && match == MATCH_MOST)
        match = MATCH_ALL;
    /* the more-words factor for each number of words matched */
    double coord[QRY_MAX_CLAUSES + 1];
    for (size_t m = 0; m <= QRY_MAX_CLAUSES; m++)
        coord[m] = match == MATCH_MOST && positive > 1
                   ? pow((double)m / (double)positive, COORD_EXPONENT) : 1.0;
    /* A post's score can be bounded from its frequencies alone (tf_bound).
     * Once the heap is full, a post whose bound is below the worst kept
     * score cannot enter, and is counted without reading its lengths or
     * scoring it; most posts of a common word are such. Not for a sort by
     * date. */
    uint64_t wq[BS_NFIELDS];
    for (int f = 0; f < BS_NFIELDS; f++) {
        double wmax = bm25_field_weight[f] / (1.0 - bm25_field_b[f] > 0 ? 1.0 - bm25_field_b[f]
                                                                           : 1);
        wq[f] = (uint64_t)ceil(wmax * BOUND_SCALE);
    }
    int bound = o->sort == SORT_RELEVANCE;
    double *sat = NULL;
    if (rc == BS_OK && bound && !from_filter) {
        if (!(sat = malloc((BOUND_STEPS + 1) * sizeof *sat)))
            rc = BS_ENOMEM;
        for (size_t j = 0; sat && j < BOUND_STEPS; j++) {
            double x = (double)j / BOUND_SCALE;
            sat[j] = x * (bm25_k1 + 1) / (x + bm25_k1);
        }
        if (sat)
            sat[BOUND_STEPS] = bm25_k1 + 1;
    }
    /* the facets beside the merge */
    facet_job *job = NULL;
    pthread_t facet_tid;
    if (rc == BS_OK && o->facets && o->parallel && (job = calloc(1, sizeof *job))) {
        *job = (facet_job){ .st = st, .txn_id = mdb_txn_id(txn), .m = matched_set, .nbits = nbits,
                            .max = o->facets, .rc = -1 };
        atomic_init(&job->ready, 0);
        atomic_init(&job->owner, 0);
        pthread_mutex_init(&job->mu, NULL);
        pthread_cond_init(&job->cv, NULL);
        if (thread_beside(&facet_tid, facet_thread, job) != 0) {
            pthread_mutex_destroy(&job->mu);
            pthread_cond_destroy(&job->cv);
            free(job);
            job = NULL;
        }
    }
    ranker rk = { .st = st, .txn = txn, .avg = avg, .idf = idf, .coord = coord, .n = n,
                  .keep = keep, .cmp = cmp };
    /* Words of many posts: the matches are counted first, as a bitmap of
     * their docids (matchset.c), then MaxScore ranks them, passing over
     * posts that cannot be kept. Fewer postings than the bitmap has words:
     * one merge that counts and ranks. */
    uint64_t pdf = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i] && q->c[i].mode != QC_MUST_NOT)
            pdf += r->df[i];
    int sets_first = rc == BS_OK && bound && !from_filter && n <= QRY_MAX_CLAUSES
                     && o->rank != RANK_MERGE && (pdf >= fwords || o->rank == RANK_COUNT_FIRST);
    if (sets_first) {
        ms_clause msc[QRY_MAX_CLAUSES];
        size_t nms = 0;
        for (size_t i = 0; i < n; i++)
            if (use[i])
                msc[nms++] = its[i].stream
                             ? (ms_clause){ q->c[i].mode, its[i].term, its[i].tlen, NULL, 0 }
                             : (ms_clause){ q->c[i].mode, NULL, 0, its[i].list.v, its[i].list.n };
        /* one word and nothing else: its posts are the matches, its
         * document frequency their number */
        int alone = nms == 1 && msc[0].mode != QC_MUST_NOT && !allow && !o->exclude
                    && !matched_set;
        uint64_t *m = matched_set || alone ? matched_set : malloc((fwords ? fwords : 1) * sizeof *m);
        if (alone)
            total = full = pdf;
        else
            rc = m ? matchset_build(st, txn, &c.kb, msc, nms, match == MATCH_ALL, allow,
                                    o->exclude, m, fwords, &total, &full)
                   : BS_ENOMEM;
        job_advance(job, nbits / 64, 1);
        if (rc == BS_OK && keep && total)
            rc = rank_maxscore(&c, &rk, its, use, q, m, fwords, wq, sat);
        if (m != matched_set)
            free(m);
    }
    uint64_t aw = 0, abits = allow && from_filter && fwords ? allow[0] : 0;   /* where in allow */
    for (;;) {
        if (rc != BS_OK || sets_first)
            break;
        uint32_t d = UINT32_MAX;
        if (from_filter) {
            while (!abits && allow && ++aw < fwords)
                abits = allow[aw];
            if (!abits)
                break;
            d = (uint32_t)(aw * 64 + (uint64_t)__builtin_ctzll(abits));
            abits &= abits - 1;
        } else {
            for (size_t i = 0; i < n; i++) {
                const dtf *h = use[i] && q->c[i].mode != QC_MUST_NOT ? it_head(&its[i]) : NULL;
                if (h && h->docid < d)
                    d = h->docid;
            }
            if (d == UINT32_MAX)
                break;
        }
        job_advance(job, d / 64, 0);
        uint32_t matched = 0, must_missing = 0, excluded = 0;
        const dtf *present[QRY_MAX_CLAUSES];   /* set for each clause below */
        dtf held[QRY_MAX_CLAUSES];             /* a stream's block moves on */
        for (size_t i = 0; i < n && i < QRY_MAX_CLAUSES && rc == BS_OK; i++) {
            present[i] = NULL;
            if (!use[i] || (rc = it_skip_to(&c, &its[i], d)) != BS_OK)
                continue;
            const dtf *h = it_head(&its[i]);
            int has = h && h->docid == d;
            if (has) {
                held[i] = *h;
                rc = it_skip_to(&c, &its[i], d + 1);
            }
            if (q->c[i].mode == QC_MUST_NOT) {
                excluded |= (uint32_t)has;
                continue;
            }
            if (has) {
                present[i] = &held[i];
                matched++;
            } else if (q->c[i].mode == QC_MUST) {
                must_missing = 1;
            }
        }
        if (rc != BS_OK)
            break;
        if (excluded || must_missing || (o->exclude && d == o->exclude))
            continue;
        if (!from_filter && (match == MATCH_ALL ? matched < positive : matched == 0))
            continue;
        if (allow && (d / 64 >= fwords || !(allow[d / 64] >> (d % 64) & 1)))
            continue;
        full += !from_filter && matched == positive;
        if (bound && keep && rk.nhits == keep && !from_filter) {
            double ub = tf_bound(&rk, present, wq, sat);
            /* a margin for rounding: the exact score is computed otherwise */
            if (ub * coord[matched] * (1 + 1e-9) < rk.hits[0].score) {
                total++;
                if (d < nbits)
                    matched_set[d >> 6] |= 1ull << (d & 63);
                continue;
            }
        }
        int hrc = rank_post(&c, &rk, d, present, matched);
        if (hrc == BS_ENOTFOUND)
            continue;                  /* a posting of a post since removed */
        if (hrc != BS_OK) {
            rc = hrc;
            break;
        }
        total++;
        if (d < nbits)
            matched_set[d >> 6] |= 1ull << (d & 63);
    }
    hit *hits = rk.hits;
    size_t nhits = rk.nhits;

    if (job) {
        int none = 0;
        if (atomic_compare_exchange_strong(&job->owner, &none, 2))
            thread_anywhere(facet_tid);   /* it has not started: ours */
        job_advance(job, nbits / 64, 1);
        pthread_join(facet_tid, NULL);
        pthread_mutex_destroy(&job->mu);
        pthread_cond_destroy(&job->cv);
    }
    if (rc == BS_OK && o->facets && total && job && job->rc != -1) {
        rc = job->rc;
        if (rc == BS_OK) {
            r->facets = job->r.facets;
            r->nfacets = job->r.nfacets;
            job->r.facets = NULL;
            job->r.nfacets = 0;
        } else {
            snprintf(err, errlen, "%s", job->err);
        }
    } else if (rc == BS_OK && o->facets && total) {
        rc = count_facets(&c, matched_set, nbits, o->facets, r, NULL);
    }
    if (job) {
        results_free(&job->r);
        free(job);
    }
    if (rc == BS_OK && nhits > 1)
        qsort(hits, nhits, sizeof *hits, cmp);
    if (rc == BS_OK && npterms >= 2 && nhits > 1) {
        rc = prox_rescore(st, txn, pterms, npterms, hits, nhits, err, errlen);
        size_t top = nhits < PROX_TOP ? nhits : PROX_TOP;
        if (rc == BS_OK)
            qsort(hits, top, sizeof *hits, cmp);
    }
    if (rc == BS_OK) {
        r->total = total;
        r->full = full;
        size_t from = o->offset < nhits ? o->offset : nhits;
        size_t cnt = nhits - from < o->limit ? nhits - from : o->limit;
        r->hits = malloc((cnt ? cnt : 1) * sizeof *r->hits);
        if (!r->hits)
            rc = BS_ENOMEM;
        else {
            if (cnt)
                memcpy(r->hits, hits + from, cnt * sizeof *hits);
            r->n = cnt;
        }
    }
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    else if (rc != BS_OK && err[0] == '\0')
        snprintf(err, errlen, "%s", store_err());
    store_lens_done(&rk.lc);
    free(hits);
    free(matched_set);
    free(allow);
    free(sat);
    for (size_t i = 0; its && i < n; i++)
        it_close(&its[i]);
    free(its);
    free(idf);
    free(use);
    for (size_t t = 0; t < ntags; t++)
        free(tags[t].v);
    free(cat.v);
    free(auth.v);
    buf_free(&c.kb);
    if (rc != BS_OK)
        results_free(r);
    return rc;
}

void results_free(results *r)
{
    free(r->hits);
    free(r->df);
    for (size_t i = 0; i < r->nhl; i++)
        free(r->hl_terms[i]);
    free(r->hl_terms);
    for (size_t i = 0; i < r->nfacets; i++)
        free(r->facets[i].tag);
    free(r->facets);
    memset(r, 0, sizeof *r);
}
