/* postings.c: a run's new postings, gathered in memory per term and written
 * in term order into posting blocks when a memory bound is reached or the
 * run ends; an edited or deleted post's postings taken out of their blocks.
 * The terms of each post come from the analyzer through dt_token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/writer.h"

/* ---- the terms of one post ---------------------------------------------- */

void dt_reset(doc_terms *d)
{
    for (size_t t = 0; t < d->nterms; t++)
        d->slots[d->slot[t]] = 0;
    buf_reset(&d->arena);
    d->nterms = 0;
    d->ntoks = 0;
    memset(d->field_len, 0, sizeof d->field_len);
}

void dt_free(doc_terms *d)
{
    buf_free(&d->arena);
    free(d->off);
    free(d->len);
    free(d->slot);
    free(d->hash);
    free(d->slots);
    free(d->toks);
    memset(d, 0, sizeof *d);
}

static int dt_grow_slots(doc_terms *d)
{
    size_t n = d->nslots ? d->nslots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return -1;
    for (size_t t = 0; t < d->nterms; t++) {
        uint32_t i = d->hash[t] & (uint32_t)(n - 1);
        while (s[i])
            i = (i + 1) & (uint32_t)(n - 1);
        s[i] = (uint32_t)t + 1;
        d->slot[t] = i;
    }
    free(d->slots);
    d->slots = s;
    d->nslots = n;
    return 0;
}

int dt_token(const an_token *t, void *ctx)
{
    doc_terms *d = ctx;
    if ((d->nterms + 1) * 2 > d->nslots && dt_grow_slots(d) != 0)
        return d->err = 1;
    uint32_t mask = (uint32_t)d->nslots - 1, i = t->term_hash & mask, tid;
    for (;; i = (i + 1) & mask) {
        if (!d->slots[i]) {
            if (d->nterms == d->cap) {
                size_t cap = d->cap ? d->cap * 2 : 256;
                uint32_t *o = realloc(d->off, cap * sizeof *o);
                if (o)
                    d->off = o;
                uint16_t *l = realloc(d->len, cap * sizeof *l);
                if (l)
                    d->len = l;
                uint32_t *sl = realloc(d->slot, cap * sizeof *sl);
                if (sl)
                    d->slot = sl;
                uint32_t *hs = realloc(d->hash, cap * sizeof *hs);
                if (hs)
                    d->hash = hs;
                if (!o || !l || !sl || !hs)
                    return d->err = 1;
                d->cap = cap;
            }
            tid = (uint32_t)d->nterms++;
            d->off[tid] = (uint32_t)d->arena.len;
            d->len[tid] = (uint16_t)t->term_len;
            buf_put(&d->arena, t->term, t->term_len);
            d->slots[i] = tid + 1;
            d->slot[tid] = i;
            d->hash[tid] = t->term_hash;
            break;
        }
        tid = d->slots[i] - 1;
        if (d->len[tid] == t->term_len && memcmp(d->arena.p + d->off[tid], t->term, t->term_len) == 0)
            break;
    }
    if (d->ntoks == d->tokcap) {
        size_t cap = d->tokcap ? d->tokcap * 2 : 1024;
        tok_rec *r = realloc(d->toks, cap * sizeof *r);
        if (!r)
            return d->err = 1;
        d->toks = r;
        d->tokcap = cap;
    }
    d->toks[d->ntoks++] = (tok_rec){ tid, (uint8_t)d->field, t->pos };
    d->field_len[d->field]++;
    return d->arena.err ? (d->err = 1) : 0;
}

/* ---- postings gathered in memory ---------------------------------------- */

void acc_free(accum *a)
{
    for (size_t i = 0; i < a->n; i++)
        buf_free(&a->e[i].post);
    buf_free(&a->arena);
    free(a->e);
    free(a->slots);
    memset(a, 0, sizeof *a);
}

static acc_entry *acc_get(accum *a, const char *term, size_t len, uint32_t hash)
{
    if ((a->n + 1) * 2 > a->nslots) {
        size_t n = a->nslots ? a->nslots * 2 : 4096;
        uint64_t *s = calloc(n, sizeof *s);
        if (!s) {
            a->err = 1;
            return NULL;
        }
        for (size_t k = 0; k < a->n; k++) {
            uint32_t i = a->e[k].hash & (uint32_t)(n - 1);
            while (s[i])
                i = (i + 1) & (uint32_t)(n - 1);
            s[i] = (uint64_t)a->e[k].hash << 32 | (uint32_t)(k + 1);
        }
        free(a->slots);
        a->bytes += (n - a->nslots) * sizeof *s;
        a->slots = s;
        a->nslots = n;
    }
    uint32_t mask = (uint32_t)a->nslots - 1, i = hash & mask;
    for (; a->slots[i]; i = (i + 1) & mask) {
        if ((uint32_t)(a->slots[i] >> 32) != hash)
            continue;
        acc_entry *e = &a->e[(uint32_t)a->slots[i] - 1];
        if (e->len == len && memcmp(a->arena.p + e->off, term, len) == 0)
            return e;
    }
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 4096;
        acc_entry *e = realloc(a->e, cap * sizeof *e);
        if (!e) {
            a->err = 1;
            return NULL;
        }
        a->bytes += (cap - a->cap) * sizeof *e;
        a->e = e;
        a->cap = cap;
    }
    acc_entry *e = &a->e[a->n];
    memset(e, 0, sizeof *e);
    e->off = (uint32_t)a->arena.len;
    e->len = (uint16_t)len;
    e->hash = hash;
    buf_put(&a->arena, term, len);
    a->bytes += len;
    a->slots[i] = (uint64_t)hash << 32 | (uint32_t)++a->n;
    return a->arena.err ? (a->err = 1, NULL) : e;
}

/* ---- taking postings out ------------------------------------------------ */

/* Removes docid from the block of term that holds it. */
int postings_remove(writer *w, MDB_cursor *c, const char *term, size_t tlen, uint32_t docid)
{
    key_term(&w->kb, term, tlen, docid);
    MDB_val k = { w->kb.len, w->kb.p }, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    size_t ktl;
    uint32_t first;
    if (rc == 0 && (key_term_split(k.mv_data, k.mv_size, &ktl, &first) != 0 || ktl != tlen
                    || memcmp(k.mv_data, term, tlen) != 0 || first != docid))
        rc = mdb_cursor_get(c, &k, &v, MDB_PREV);
    else if (rc == MDB_NOTFOUND)
        rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
    if (rc == MDB_NOTFOUND)
        return BS_OK;                /* nothing to remove: a stale record */
    if (rc != 0)
        return wr_fail(w, rc, "finding a posting to remove");
    if (key_term_split(k.mv_data, k.mv_size, &ktl, &first) != 0 || ktl != tlen
        || memcmp(k.mv_data, term, tlen) != 0 || first > docid)
        return BS_OK;
    const char *why;
    plist_reset(&w->pl);
    int drc = codec_block_decode(v.mv_data, v.mv_size, first, &w->pl, &why);
    if (drc == BS_ENOMEM)
        return wr_oom(w);
    if (drc != BS_OK)
        return wr_corrupt(w, "terms", why);
    size_t i = 0;
    while (i < w->pl.n && w->pl.docid[i] != docid)
        i++;
    if (i == w->pl.n)
        return BS_OK;
    plist_remove(&w->pl, i);
    w->dirty = 1;
    if ((rc = mdb_cursor_del(c, 0)) != 0)
        return wr_fail(w, rc, "removing a posting");
    if (w->pl.n == 0)
        return BS_OK;
    /* the rest goes back under its (possibly new) first docid */
    key_term(&w->kb, term, tlen, w->pl.docid[0]);
    buf_reset(&w->vb);
    codec_block_encode(&w->pl, 0, w->pl.n, &w->vb);
    if (w->vb.err || w->pl.err)
        return wr_oom(w);
    return wr_put(w, w->st->terms, w->kb.p, w->kb.len, w->vb.p, w->vb.len, 0, "rewriting a block");
}

/* ---- a new post's postings, into the accumulator ------------------------ */

/* Moves the postings of the post just analyzed into the accumulator. */
int postings_gather(writer *w, uint32_t docid)
{
    doc_terms *d = &w->dt;
    size_t n = d->nterms;
    /* counting sort of the tokens by term keeps each term's positions in
     * field order, ascending within a field */
    uint32_t *start = calloc(n + 1, sizeof *start);
    tok_rec *sorted = malloc((d->ntoks ? d->ntoks : 1) * sizeof *sorted);
    if (!start || !sorted) {
        free(start);
        free(sorted);
        return wr_oom(w);
    }
    for (size_t i = 0; i < d->ntoks; i++)
        start[d->toks[i].tid + 1]++;
    for (size_t t = 0; t < n; t++)
        start[t + 1] += start[t];
    uint32_t *fill = calloc(n + 1, sizeof *fill);
    if (!fill) {
        free(start);
        free(sorted);
        return wr_oom(w);
    }
    memcpy(fill, start, (n + 1) * sizeof *fill);
    for (size_t i = 0; i < d->ntoks; i++)
        sorted[fill[d->toks[i].tid]++] = d->toks[i];
    free(fill);

    int rc = BS_OK;
    for (size_t t = 0; t < n && rc == BS_OK; t++) {
        /* the accumulator is far larger than the processor's caches: while
         * this term is handled, fetch the slot of the term 8 ahead, the entry
         * of the one 4 ahead (its slot has come) and the end of the postings
         * of the one 2 ahead (its entry has come), where the writing goes */
        if (w->acc.nslots) {
            size_t m = w->acc.nslots - 1;
            if (t + 8 < n)
                __builtin_prefetch(&w->acc.slots[d->hash[t + 8] & m]);
            if (t + 4 < n) {
                uint64_t sl = w->acc.slots[d->hash[t + 4] & m];
                if (sl && (uint32_t)(sl >> 32) == d->hash[t + 4])
                    __builtin_prefetch(&w->acc.e[(uint32_t)sl - 1]);
            }
            if (t + 2 < n) {
                uint64_t sl = w->acc.slots[d->hash[t + 2] & m];
                if (sl && (uint32_t)(sl >> 32) == d->hash[t + 2]) {
                    const txt_buf *pb = &w->acc.e[(uint32_t)sl - 1].post;
                    if (pb->p)
                        __builtin_prefetch(pb->p + pb->len, 1);
                }
            }
        }
        acc_entry *e = acc_get(&w->acc, d->arena.p + d->off[t], d->len[t], d->hash[t]);
        if (!e) {
            rc = wr_oom(w);
            break;
        }
        size_t before = e->post.cap;
        uint32_t tf[BS_NFIELDS] = { 0 }, npos = start[t + 1] - start[t];
        for (uint32_t i = start[t]; i < start[t + 1]; i++)
            tf[sorted[i].field]++;
        /* docid, the tfs, then the positions as the block will hold them,
         * behind their length: written in place, no copy in between */
        uint8_t *p = (uint8_t *)buf_reserve(&e->post, sizeof docid + (BS_NFIELDS + 1 + npos)
                                                      * VARINT_MAX);
        if (!p) {
            rc = wr_oom(w);
            break;
        }
        uint8_t *o = p;
        memcpy(o, &docid, sizeof docid);
        o += sizeof docid;
        for (int f = 0; f < BS_NFIELDS; f++)
            o += codec_put_varint(o, tf[f]);
        uint8_t *lenp = o, *q = o + 1;        /* one byte for the length, moved if longer */
        for (uint32_t i = start[t]; i < start[t + 1]; i++) {
            int first = i == start[t] || sorted[i - 1].field != sorted[i].field;
            q += codec_put_varint(q, first ? sorted[i].pos : sorted[i].pos - sorted[i - 1].pos);
        }
        size_t plen = (size_t)(q - lenp - 1), ll = codec_varint_len(plen);
        if (ll > 1)
            memmove(lenp + ll, lenp + 1, plen);
        codec_put_varint(lenp, plen);
        e->post.len += (size_t)(lenp + ll + plen - p);
        if (e->post.err)
            rc = wr_oom(w);
        w->acc.bytes += e->post.cap - before;
    }
    free(start);
    free(sorted);
    return rc;
}

/* ---- writing the gathered postings -------------------------------------- */

typedef struct {
    uint64_t prefix;             /* the first 8 bytes, big-endian: most compares end here */
    const char *s;
    size_t len;
    uint32_t idx;                /* entry in the accumulator */
} term_ref;

static int by_term(const void *a, const void *b)
{
    const term_ref *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static uint64_t prefix8(const char *s, size_t len)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < len ? (unsigned char)s[i] : 0);
    return v;
}

/* Writes the block being built under term and begins the next. */
static int emit_block(writer *w, const char *term, size_t tlen, int append)
{
    key_term(&w->kb, term, tlen, w->bb.first);
    blk_finish(&w->bb, &w->vb);
    if (w->vb.err || w->kb.err)
        return wr_oom(w);
    int rc = wr_put(w, w->st->terms, w->kb.p, w->kb.len, w->vb.p, w->vb.len,
                 append ? MDB_APPEND : 0, "writing postings");
    blk_begin(&w->bb, tlen + 5);
    /* the blocks written stay resident through the writable map: let go of
     * each --memory of them */
    w->unreleased += w->kb.len + w->vb.len;
    if (w->unreleased > w->o->mem_limit) {
        store_release_pages(w->st);
        w->unreleased = 0;
    }
    return rc;
}

/* Adds one posting, writing out the block first when it is full. */
static int add_posting(writer *w, const char *term, size_t tlen, int append, uint32_t docid,
                       const uint32_t tf[BS_NFIELDS], const uint8_t *pos, size_t poslen)
{
    if (blk_add(&w->bb, docid, tf, pos, poslen))
        return BS_OK;
    int rc = emit_block(w, term, tlen, append);
    if (rc == BS_OK)
        blk_add(&w->bb, docid, tf, pos, poslen);   /* an empty block takes it */
    return rc;
}

/* Streams scratch postings [p, end) of term into blocks; *last: the
 * docid of the posting before them, updated. */
static int write_scratch(writer *w, const uint8_t *p, const uint8_t *end, const char *term,
                         size_t tlen, int append, uint32_t *last)
{
    while (p < end) {
        uint32_t docid, tf[BS_NFIELDS];
        uint64_t v, poslen;
        memcpy(&docid, p, sizeof docid);
        p += sizeof docid;
        for (int f = 0; f < BS_NFIELDS; f++) {
            codec_get_varint(&p, end, &v);
            tf[f] = (uint32_t)v;
        }
        codec_get_varint(&p, end, &poslen);
        if (docid <= *last)
            return wr_corrupt(w, "terms", "a block holds a docid newer than a new post");
        int rc = add_posting(w, term, tlen, append, docid, tf, p, (size_t)poslen);
        if (rc != BS_OK)
            return rc;
        *last = docid;
        p += poslen;
    }
    return BS_OK;
}

void acc_clear(accum *a)
{
    for (size_t i = 0; i < a->n; i++)
        buf_free(&a->e[i].post);
    a->n = 0;
    buf_reset(&a->arena);
    if (a->slots)
        memset(a->slots, 0, a->nslots * sizeof *a->slots);
    a->bytes = a->cap * sizeof *a->e + a->nslots * sizeof *a->slots;
}

/* The accumulator's entries in term order, or NULL when out of memory. */
static term_ref *acc_sorted(const accum *a)
{
    term_ref *order = malloc((a->n ? a->n : 1) * sizeof *order);
    if (!order)
        return NULL;
    for (size_t i = 0; i < a->n; i++)
        order[i] = (term_ref){ prefix8(a->arena.p + a->e[i].off, a->e[i].len),
                               a->arena.p + a->e[i].off, a->e[i].len, (uint32_t)i };
    qsort(order, a->n, sizeof *order, by_term);
    return order;
}

/* The held tags into the transaction: at a spill and at the end. */
static int write_held(writer *w)
{
    int rc = facets_write_all(w);
    return rc == BS_OK ? doctags_write_all(w) : rc;
}

int postings_spill(writer *w)
{
    int rc = write_held(w);
    if (rc != BS_OK || w->acc.n == 0)
        return rc;
    accum *a = &w->acc;
    term_ref *order = acc_sorted(a);
    if (!order)
        return wr_oom(w);
    rc = spill_run_begin(w);
    for (size_t i = 0; i < a->n && rc == BS_OK; i++) {
        const acc_entry *e = &a->e[order[i].idx];
        rc = spill_put(w, order[i].s, order[i].len, e->post.p, e->post.len);
    }
    if (rc == BS_OK)
        rc = spill_run_end(w);
    free(order);
    acc_clear(a);
    /* the pages of the index touched through the writable map since the
     * last spill stay resident until let go of: the posts before this one
     * are done with them */
    store_release_pages(w->st);
    return rc;
}

/* ---- the merge: spilled runs and the accumulator, in term order ---------- */

/* A source of postings in term order: a spilled run, or (r NULL) the
 * accumulator through its sorted order. Sources are numbered in the order
 * their postings came, so for one term a lower one holds lower docids. */
typedef struct {
    spill_reader *r;
    size_t next;                 /* the accumulator's next entry in order */
    const char *term;
    size_t tlen;
    uint32_t id;
} merge_src;

typedef struct {
    merge_src *s;
    size_t n;                    /* sources in the heap, the least first */
    const term_ref *order;
    const accum *a;
} merge_heap;

static int src_less(const merge_src *x, const merge_src *y)
{
    int c = memcmp(x->term, y->term, x->tlen < y->tlen ? x->tlen : y->tlen);
    if (c || x->tlen != y->tlen)
        return c ? c < 0 : x->tlen < y->tlen;
    return x->id < y->id;
}

static void heap_down(merge_heap *h, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < h->n && src_less(&h->s[l], &h->s[m]))
            m = l;
        if (l + 1 < h->n && src_less(&h->s[l + 1], &h->s[m]))
            m = l + 1;
        if (m == i)
            return;
        merge_src t = h->s[i];
        h->s[i] = h->s[m];
        h->s[m] = t;
        i = m;
    }
}

/* Moves source s to its next term: 1, 0 when it has none left, or a status. */
static int src_advance(merge_heap *h, merge_src *s)
{
    if (s->r)
        return spill_reader_next(s->r, &s->term, &s->tlen);
    if (s->next == h->a->n)
        return 0;
    s->term = h->order[s->next].s;
    s->tlen = h->order[s->next].len;
    s->next++;
    return 1;
}

/* The least source's term's postings, from every source that has the term,
 * into blocks after those of the merged block in w->pl. */
static int merge_sources(writer *w, merge_heap *h, const char *term, size_t tlen, int append,
                         uint32_t last)
{
    int rc = BS_OK;
    while (rc == BS_OK && h->n && h->s[0].tlen == tlen && memcmp(h->s[0].term, term, tlen) == 0) {
        merge_src *s = &h->s[0];
        if (s->r) {
            const uint8_t *p;
            size_t n;
            while (rc == BS_OK && (rc = spill_reader_posting(s->r, &p, &n)) == 1)
                rc = write_scratch(w, p, p + n, term, tlen, append, &last);
        } else {
            const txt_buf *pb = &h->a->e[h->order[s->next - 1].idx].post;
            rc = write_scratch(w, (const uint8_t *)pb->p, (const uint8_t *)pb->p + pb->len,
                               term, tlen, append, &last);
        }
        if (rc != BS_OK)
            break;
        rc = src_advance(h, s);
        if (rc == 0) {
            h->s[0] = h->s[--h->n];  /* the source is done */
            rc = BS_OK;
        } else if (rc == 1) {
            rc = BS_OK;
        }
        if (rc == BS_OK)
            heap_down(h, 0);
    }
    return rc;
}

/* The term's last block in the index, if it has room for more, decoded into
 * w->pl: the new postings go on after its own. *merged: it was. */
static int last_block(writer *w, MDB_cursor *c, const char *term, size_t tlen, int *merged)
{
    *merged = 0;
    key_term(&w->kb, term, tlen, UINT32_MAX);
    MDB_val k = { w->kb.len, w->kb.p }, v;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV)
                 : rc == MDB_NOTFOUND ? mdb_cursor_get(c, &k, &v, MDB_LAST) : rc;
    size_t ktl;
    uint32_t first, cnt;
    if (rc != 0 && rc != MDB_NOTFOUND)
        return wr_fail(w, rc, "finding a term's last block");
    if (rc == 0 && key_term_split(k.mv_data, k.mv_size, &ktl, &first) == 0 && ktl == tlen
        && memcmp(k.mv_data, term, ktl) == 0
        && codec_block_count(v.mv_data, v.mv_size, &cnt) == BS_OK
        && cnt < BLK_MAX_POSTINGS && k.mv_size + v.mv_size < BLK_TARGET_BYTES * 3 / 4) {
        const char *why;
        int drc = codec_block_decode(v.mv_data, v.mv_size, first, &w->pl, &why);
        if (drc != BS_OK)
            return drc == BS_ENOMEM ? wr_oom(w) : wr_corrupt(w, "terms", why);
        *merged = 1;
    }
    return BS_OK;
}

static int merge_all(writer *w, merge_heap *h)
{
    MDB_stat ms;
    int rc = mdb_stat(w->txn, w->st->terms, &ms);
    if (rc != 0)
        return wr_fail(w, rc, "reading the terms");
    int append = ms.ms_entries == 0;   /* a fresh build writes keys in order */
    MDB_cursor *c;
    if ((rc = mdb_cursor_open(w->txn, w->st->terms, &c)) != 0)
        return wr_fail(w, rc, "writing postings");
    txt_buf term = { 0 };            /* the least source's term moves on: a copy */
    int st = BS_OK;
    while (st == BS_OK && h->n) {
        buf_reset(&term);
        buf_put(&term, h->s[0].term, h->s[0].tlen);
        if (term.err) {
            st = wr_oom(w);
            break;
        }
        plist_reset(&w->pl);
        int merged = 0;
        if (!append)
            st = last_block(w, c, term.p, term.len, &merged);
        /* the merged block's postings first, then the new ones */
        blk_begin(&w->bb, term.len + 5);
        for (size_t j = 0; j < w->pl.n && st == BS_OK; j++) {
            plist_encode_positions(&w->pl, j, &w->pb);
            st = add_posting(w, term.p, term.len, append, w->pl.docid[j], w->pl.tf[j],
                             (const uint8_t *)w->pb.p, w->pb.len);
        }
        if (st == BS_OK)
            st = merge_sources(w, h, term.p, term.len, append,
                               merged ? w->pl.docid[w->pl.n - 1] : 0);
        if (st == BS_OK && w->bb.n)
            st = emit_block(w, term.p, term.len, append);
    }
    buf_free(&term);
    mdb_cursor_close(c);
    return st;
}

int postings_flush(writer *w)
{
    accum *a = &w->acc;
    int rc = write_held(w);
    if (rc != BS_OK)
        return rc;
    w->flushed_below = w->stats.next_docid;
    if (a->n == 0 && w->sp.nruns == 0)
        return BS_OK;
    term_ref *order = acc_sorted(a);
    merge_src *src = calloc(w->sp.nruns + 1, sizeof *src);
    spill_reader *runs = NULL;
    if (!order || !src)
        rc = wr_oom(w);
    if (rc == BS_OK)
        rc = spill_readers_open(w, &runs);
    merge_heap h = { src, 0, order, a };
    for (size_t i = 0; rc == BS_OK && i <= w->sp.nruns; i++) {
        merge_src *s = &src[h.n];
        *s = (merge_src){ .r = i < w->sp.nruns ? spill_reader_at(runs, i) : NULL,
                          .id = (uint32_t)i };
        rc = src_advance(&h, s);
        if (rc == 1)
            h.n++;
        if (rc >= 0)
            rc = BS_OK;
    }
    for (size_t i = h.n / 2; rc == BS_OK && i-- > 0;)
        heap_down(&h, i);
    store_release_pages(w->st);      /* the merge touches other pages */
    if (rc == BS_OK)
        rc = merge_all(w, &h);
    spill_readers_free(w, runs);
    free(src);
    free(order);
    spill_forget(w);
    acc_clear(a);
    return rc;
}
