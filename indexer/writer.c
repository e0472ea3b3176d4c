/* writer.c: brings an index up to date with a set of post files, in one
 * LMDB write transaction. New postings are gathered in memory per term and
 * written in term order when a memory bound is reached or the run ends; an
 * edited or deleted post has its postings taken out block by block. Knows
 * the index only through store.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "indexer/indexer.h"
#include "stemming/stemming.h"
#include "store/store.h"

#define ZSTD_LEVEL (-1)          /* fast; level 1 would save 7% of the index size */
#define BINARY_PROBE 8000        /* bytes searched for NUL to call a file binary */

/* ---- the terms of one post -------------------------------------------------- */

typedef struct {
    uint32_t tid;                /* index into the post's terms */
    uint8_t field;
    uint32_t pos;
} tok_rec;

typedef struct {
    txt_buf arena;               /* term bytes, back to back */
    uint32_t *off;               /* term i is arena.p[off[i] .. off[i] + len[i]) */
    uint16_t *len;
    uint32_t *slot;              /* the slot each term sits in, to clear them */
    uint32_t *hash;              /* each term's an_term_hash */
    size_t nterms, cap;
    uint32_t *slots;             /* open addressing: tid + 1, 0 empty */
    size_t nslots;
    tok_rec *toks;
    size_t ntoks, tokcap;
    uint32_t field_len[BS_NFIELDS];
    int field;                   /* the field being analyzed */
    int err;
} doc_terms;


static void dt_reset(doc_terms *d)
{
    for (size_t t = 0; t < d->nterms; t++)
        d->slots[d->slot[t]] = 0;
    buf_reset(&d->arena);
    d->nterms = 0;
    d->ntoks = 0;
    memset(d->field_len, 0, sizeof d->field_len);
}

static void dt_free(doc_terms *d)
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

static int dt_token(const an_token *t, void *ctx)
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

/* ---- postings gathered in memory -------------------------------------------- */

/* Per term, its new postings in a scratch form: u32 docid (native order),
 * BS_NFIELDS tf varints, a varint byte length, then the positions encoded as
 * a block holds them (docs/FORMAT.md), so a flush copies them as they are. */
typedef struct {
    uint32_t off;                /* term bytes in accum.arena */
    uint16_t len;
    uint32_t hash;               /* an_term_hash */
    txt_buf post;
} acc_entry;

typedef struct {
    txt_buf arena;
    acc_entry *e;
    size_t n, cap;
    uint64_t *slots;             /* hash << 32 | entry index + 1; the hash here keeps a
                                    probe from touching the entries it passes */
    size_t nslots;
    size_t bytes;                /* memory held, for the flush bound */
    int err;
} accum;

static void acc_free(accum *a)
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

/* ---- the writer ------------------------------------------------------------- */

typedef struct {
    uint32_t chunk;
    uint8_t buf[LENS_PER_CHUNK * LENS_ENTRY_BYTES];
} lens_dirty;

typedef struct {
    size_t off, len;             /* the facet key, in fkeys */
    const char *key;             /* fkeys.p + off, set before sorting */
    uint32_t docid;
} facet_add;

typedef struct {
    uint32_t docid;
    uint32_t seq;                /* order of the calls: a later one wins */
    size_t off, n;               /* the post's tag ids, in tids; n 0 clears */
} tags_set;

typedef struct {
    store *st;
    MDB_txn *txn;
    const writer_opts *o;
    const walk_list *list;       /* files to bring up to date, or */
    const writer_op *ops;        /* posts given in memory (the library) */
    size_t nops;
    writer_summary *sum;
    an_analyzer *an;
    ZSTD_CCtx *zc;
    store_stats stats;
    doc_terms dt;
    accum acc;
    plist pl;                    /* scratch posting lists */
    blk_builder bb;              /* the block being written */
    txt_buf kb, vb, tb, pb;      /* scratch keys, values, texts, positions */
    int dirty;                   /* something was written */
    /* lens chunks and tags changed in this run, written in key order at
     * the end (tags also at each flush of postings): see pending_* below */
    lens_dirty *ld;
    size_t nld, ldcap;
    txt_buf fkeys;               /* facet keys of fa, end to end */
    facet_add *fa;
    size_t nfa, facap;
    tags_set *ts;                /* posts' tag ids for doctags, held like tags */
    size_t nts, tscap;
    uint32_t *tids;
    const char **tagv;           /* the tags of the post being added */
    size_t *tag_len, tagvcap;
    size_t ntids, tidcap;
    int64_t next_tagid;          /* first tag id not yet given, -1 until read */
    uint64_t flushed_below;      /* posts below this docid have all they hold in
                                    the transaction; newer ones in memory */
    diag_fn user_diag;           /* where diagnostics go after counting */
    void *user_ctx;
    char *err;
    size_t errlen;
} writer;

static int fail(writer *w, int rc, const char *what)
{
    int s = store_fail(w->st, rc, what);
    snprintf(w->err, w->errlen, "%s", store_err());
    return s;
}

static int oom(writer *w)
{
    snprintf(w->err, w->errlen, "out of memory");
    return BS_ENOMEM;
}

static int corrupt(writer *w, const char *what, const char *why)
{
    snprintf(w->err, w->errlen, "the index %s is damaged (%s: %s); rebuild it with "
             "blogsearch-index --full", w->st->dir, what, why);
    return BS_ECORRUPT;
}

static int put(writer *w, MDB_dbi dbi, const void *k, size_t klen, const void *v, size_t vlen,
               unsigned flags, const char *what)
{
    MDB_val key = { klen, (void *)k }, val = { vlen, (void *)v };
    int rc = mdb_put(w->txn, dbi, &key, &val, flags);
    if (rc != 0)
        return fail(w, rc, what);
    w->dirty = 1;
    return BS_OK;
}

/* The text of each field as analyzed: the tags field is the tags and the
 * category, one a line. Deleting a post analyzes the same texts again. */
static void tags_field_text(txt_buf *out, const char *tags, size_t ntags, size_t *tag_len,
                            const char **tagv, const char *cat, size_t cat_len)
{
    buf_reset(out);
    for (size_t i = 0; i < ntags; i++) {
        const char *t = tagv ? tagv[i] : tags;
        size_t n = tagv ? tag_len[i] : strlen(tags);
        buf_put(out, t, n);
        buf_putc(out, '\n');
        if (!tagv)
            tags += n + 1;
    }
    buf_put(out, cat, cat_len);
}

static int analyze_fields(writer *w, const char *text[BS_NFIELDS], const size_t len[BS_NFIELDS])
{
    dt_reset(&w->dt);
    for (int f = 0; f < BS_NFIELDS; f++) {
        uint32_t pos = 0;
        w->dt.field = f;
        int rc = an_analyze(w->an, text[f], len[f], &pos, dt_token, &w->dt);
        if (rc != 0 || w->dt.err)
            return oom(w);
    }
    return BS_OK;
}

/* ---- lens chunks and tags, held until the end of the run -------------------- */

/* A query reads the lens entry of every post it matches and the facet
 * duplicates of every tag, so it is fast when those pages lie together in
 * the file. Written as posts come, each chunk and tag would get pages
 * between the texts and records of the posts around it, scattered over the
 * whole file: a query of a common word then touches a page for nearly every
 * chunk. Held here and written in key order at the end of the run, LMDB
 * gives them consecutive pages (appended, filled, for a new index). */

static lens_dirty *lens_find(writer *w, uint32_t chunk)
{
    size_t lo = 0, hi = w->nld;
    if (w->nld && w->ld[w->nld - 1].chunk < chunk)
        lo = w->nld;               /* new posts: the next chunk */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->ld[mid].chunk < chunk)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < w->nld && w->ld[lo].chunk == chunk)
        return &w->ld[lo];
    if (w->nld == w->ldcap) {
        lens_dirty *n = grow_array(w->ld, &w->ldcap, 64, sizeof *n);
        if (!n)
            return NULL;
        w->ld = n;
    }
    memmove(&w->ld[lo + 1], &w->ld[lo], (w->nld - lo) * sizeof *w->ld);
    w->nld++;
    lens_dirty *d = &w->ld[lo];
    d->chunk = chunk;
    uint8_t k4[4];
    key_docid(k4, chunk);
    MDB_val k = { 4, k4 }, v;
    int mrc = mdb_get(w->txn, w->st->lens, &k, &v);
    if (mrc == 0 && v.mv_size == sizeof d->buf)
        memcpy(d->buf, v.mv_data, sizeof d->buf);
    else
        memset(d->buf, 0, sizeof d->buf);   /* a chunk of the wrong size is rewritten */
    if (mrc != 0 && mrc != MDB_NOTFOUND) {
        fail(w, mrc, "reading post lengths");
        return NULL;
    }
    return d;
}

static int lens_set(writer *w, uint32_t docid, const lens_entry *e)
{
    lens_dirty *d = lens_find(w, docid / LENS_PER_CHUNK);
    if (!d)
        return w->err[0] ? BS_ERROR : oom(w);
    store_lens_encode(d->buf + (size_t)(docid % LENS_PER_CHUNK) * LENS_ENTRY_BYTES, e);
    return BS_OK;
}

/* Chunk values (lens, doctags) put in ascending key order: past the
 * table's last key a value is appended, leaving full pages behind. */
typedef struct {
    MDB_cursor *c;
    uint32_t last;
    int any;
} chunk_writer;

static int chunks_open(writer *w, MDB_dbi dbi, chunk_writer *cw, const char *what)
{
    MDB_val k, v;
    cw->c = NULL;
    int rc = mdb_cursor_open(w->txn, dbi, &cw->c);
    if (rc != 0) {
        cw->c = NULL;
        return fail(w, rc, what);
    }
    cw->any = mdb_cursor_get(cw->c, &k, &v, MDB_LAST) == 0 && k.mv_size == 4;
    cw->last = cw->any ? codec_get_u32be(k.mv_data) : 0;
    return BS_OK;
}

static int chunk_put(writer *w, chunk_writer *cw, uint32_t chunk, const void *p, size_t len,
                     const char *what)
{
    uint8_t k4[4];
    key_docid(k4, chunk);
    MDB_val key = { 4, k4 }, val = { len, (void *)p };
    int append = !cw->any || chunk > cw->last;
    int rc = mdb_cursor_put(cw->c, &key, &val, append ? MDB_APPEND : 0);
    if (rc != 0)
        return fail(w, rc, what);
    if (append) {
        cw->any = 1;
        cw->last = chunk;
    }
    w->dirty = 1;
    return BS_OK;
}

static int lens_write_all(writer *w)
{
    chunk_writer cw;
    int st = chunks_open(w, w->st->lens, &cw, "writing post lengths");
    for (size_t i = 0; i < w->nld && st == BS_OK; i++)
        st = chunk_put(w, &cw, w->ld[i].chunk, w->ld[i].buf, sizeof w->ld[i].buf,
                       "writing post lengths");
    if (cw.c)
        mdb_cursor_close(cw.c);
    w->nld = 0;
    return st;
}

static int by_facet_add(const void *a, const void *b)
{
    const facet_add *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return (x->docid > y->docid) - (x->docid < y->docid);
}

/* Memory the held tags take, counted with the postings against --memory. */
static size_t facets_bytes(const writer *w)
{
    return w->fkeys.len + w->nfa * sizeof *w->fa + w->nts * sizeof *w->ts
           + w->ntids * sizeof *w->tids;
}

/* The id of a tag (its facet key, FACET_TAG and the folded value), given
 * when the tag is first seen: ids count up from 0 and are never reused. */
static int tag_id(writer *w, const char *key, size_t len, uint32_t *id)
{
    txt_buf *b = &w->vb;
    buf_reset(b);
    buf_putc(b, TAGID_BY_VALUE);
    buf_put(b, key + 1, len - 1);
    if (b->err)
        return oom(w);
    MDB_val k = { b->len, b->p }, v;
    int mrc = mdb_get(w->txn, w->st->tagids, &k, &v);
    if (mrc == 0) {
        if (v.mv_size != 4)
            return corrupt(w, "tagids", "an id of the wrong size");
        *id = codec_get_u32be(v.mv_data);
        return BS_OK;
    }
    if (mrc != MDB_NOTFOUND)
        return fail(w, mrc, "reading tag ids");
    if (w->next_tagid < 0) {
        uint64_t given;
        int rc = store_tag_ids(w->st, w->txn, &given);
        if (rc != BS_OK) {
            snprintf(w->err, w->errlen, "%s", store_err());
            return rc;
        }
        w->next_tagid = (int64_t)given;
    }
    if (w->next_tagid > (int64_t)UINT32_MAX)
        return corrupt(w, "tagids", "no tag id left");
    *id = (uint32_t)w->next_tagid++;
    uint8_t k5[5], v4[4];
    key_tagid(k5, *id);
    key_docid(v4, *id);
    int rc = put(w, w->st->tagids, b->p, b->len, v4, 4, 0, "writing a tag id");
    if (rc == BS_OK)
        rc = put(w, w->st->tagids, k5, 5, key + 1, len - 1, 0, "writing a tag id");
    return rc;
}

/* Holds a post's tag ids (sorted, distinct; n 0 when the post is gone). */
static int tags_hold(writer *w, uint32_t docid, const uint32_t *ids, size_t n)
{
    if (w->nts == w->tscap) {
        tags_set *t = grow_array(w->ts, &w->tscap, 256, sizeof *t);
        if (!t)
            return oom(w);
        w->ts = t;
    }
    while (w->ntids + n > w->tidcap) {
        uint32_t *t = grow_array(w->tids, &w->tidcap, 1024, sizeof *t);
        if (!t)
            return oom(w);
        w->tids = t;
    }
    w->ts[w->nts] = (tags_set){ docid, (uint32_t)w->nts, w->ntids, n };
    w->nts++;
    if (n) {
        memcpy(w->tids + w->ntids, ids, n * sizeof *ids);
        w->ntids += n;
    }
    return BS_OK;
}

static int by_tags_set(const void *a, const void *b)
{
    const tags_set *x = a, *y = b;
    if (x->docid != y->docid)
        return x->docid < y->docid ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Writes the held tag ids into their doctags chunks, in key order. */
static int doctags_write_all(writer *w)
{
    if (w->nts == 0)
        return BS_OK;
    qsort(w->ts, w->nts, sizeof *w->ts, by_tags_set);
    chunk_writer cw;
    int mrc, st = chunks_open(w, w->st->doctags, &cw, "writing posts' tags");
    if (st != BS_OK)
        return st;
    doctags_chunk old = { { 0 }, NULL, 0, 0 }, nc = { { 0 }, NULL, 0, 0 };
    for (size_t i = 0; i < w->nts && st == BS_OK;) {
        uint32_t chunk = w->ts[i].docid / LENS_PER_CHUNK;
        size_t j = i;
        while (j < w->nts && w->ts[j].docid / LENS_PER_CHUNK == chunk)
            j++;
        uint8_t k4[4];
        key_docid(k4, chunk);
        MDB_val key = { 4, k4 }, val;
        const char *why;
        int exists = (mrc = mdb_get(w->txn, w->st->doctags, &key, &val)) == 0;
        if (mrc != 0 && mrc != MDB_NOTFOUND) {
            st = fail(w, mrc, "reading posts' tags");
            break;
        }
        memset(old.n, 0, sizeof old.n);
        old.nids = 0;
        if (exists && (st = codec_doctags_decode(val.mv_data, val.mv_size, UINT64_MAX, &old, &why)) != BS_OK) {
            st = st == BS_ENOMEM ? oom(w) : corrupt(w, "doctags", why);
            break;
        }
        /* each post's ids: the last held for it, else what the chunk had */
        const tags_set *now[LENS_PER_CHUNK] = { NULL };
        for (size_t t = i; t < j; t++)
            now[w->ts[t].docid % LENS_PER_CHUNK] = &w->ts[t];
        nc.nids = 0;
        size_t from = 0;
        for (int d = 0; d < LENS_PER_CHUNK && st == BS_OK; d++) {
            const uint32_t *ids = now[d] ? w->tids + now[d]->off : old.ids + from;
            size_t n = now[d] ? now[d]->n : old.n[d];
            from += old.n[d];
            while (nc.nids + n > nc.cap) {
                uint32_t *g = grow_array(nc.ids, &nc.cap, 256, sizeof *g);
                if (!g) {
                    st = oom(w);
                    break;
                }
                nc.ids = g;
            }
            if (st != BS_OK)
                break;
            if (n)
                memcpy(nc.ids + nc.nids, ids, n * sizeof *ids);
            nc.nids += n;
            nc.n[d] = (uint32_t)n;
        }
        if (st != BS_OK)
            break;
        if (nc.nids == 0) {
            if (exists && (mrc = mdb_del(w->txn, w->st->doctags, &key, NULL)) != 0)
                st = fail(w, mrc, "removing posts' tags");
            w->dirty = 1;
        } else {
            codec_doctags_encode(&nc, &w->vb);
            if (w->vb.err) {
                st = oom(w);
                break;
            }
            st = chunk_put(w, &cw, chunk, w->vb.p, w->vb.len, "writing posts' tags");
        }
        i = j;
    }
    mdb_cursor_close(cw.c);
    codec_doctags_free(&old);
    codec_doctags_free(&nc);
    w->nts = 0;
    w->ntids = 0;
    return st;
}

static int facets_write_all(writer *w)
{
    if (w->nfa == 0)
        return BS_OK;
    if (w->fkeys.err)
        return oom(w);
    for (size_t i = 0; i < w->nfa; i++)
        w->fa[i].key = w->fkeys.p + w->fa[i].off;
    qsort(w->fa, w->nfa, sizeof *w->fa, by_facet_add);
    int st = BS_OK;
    for (size_t i = 0; i < w->nfa && st == BS_OK; i++) {
        uint8_t d4[4];
        key_docid(d4, w->fa[i].docid);
        st = put(w, w->st->facets, w->fa[i].key, w->fa[i].len, d4, 4, 0,
                 "writing a tag");
    }
    w->nfa = 0;
    buf_reset(&w->fkeys);
    return st;
}

/* Forgets what an aborted transaction held. */
static void pending_reset(writer *w)
{
    w->nld = 0;
    w->nfa = 0;
    buf_reset(&w->fkeys);
    w->fkeys.err = 0;
    w->nts = 0;
    w->ntids = 0;
    w->next_tagid = -1;          /* the ids given in the aborted run are gone */
}

/* ---- taking a post out ------------------------------------------------------- */

/* Removes docid from the block of term that holds it. */
static int remove_posting(writer *w, MDB_cursor *c, const char *term, size_t tlen, uint32_t docid)
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
        return fail(w, rc, "finding a posting to remove");
    if (key_term_split(k.mv_data, k.mv_size, &ktl, &first) != 0 || ktl != tlen
        || memcmp(k.mv_data, term, tlen) != 0 || first > docid)
        return BS_OK;
    const char *why;
    plist_reset(&w->pl);
    int drc = codec_block_decode(v.mv_data, v.mv_size, first, &w->pl, &why);
    if (drc == BS_ENOMEM)
        return oom(w);
    if (drc != BS_OK)
        return corrupt(w, "terms", why);
    size_t i = 0;
    while (i < w->pl.n && w->pl.docid[i] != docid)
        i++;
    if (i == w->pl.n)
        return BS_OK;
    plist_remove(&w->pl, i);
    w->dirty = 1;
    if ((rc = mdb_cursor_del(c, 0)) != 0)
        return fail(w, rc, "removing a posting");
    if (w->pl.n == 0)
        return BS_OK;
    /* the rest goes back under its (possibly new) first docid */
    key_term(&w->kb, term, tlen, w->pl.docid[0]);
    buf_reset(&w->vb);
    codec_block_encode(&w->pl, 0, w->pl.n, &w->vb);
    if (w->vb.err || w->pl.err)
        return oom(w);
    return put(w, w->st->terms, w->kb.p, w->kb.len, w->vb.p, w->vb.len, 0, "rewriting a block");
}

static int del_facet(writer *w, char kind, const char *s, size_t len, uint32_t docid)
{
    if (len == 0)
        return BS_OK;
    uint8_t d4[4];
    key_docid(d4, docid);
    key_facet(&w->kb, kind, s, len);
    MDB_val k = { w->kb.len, w->kb.p }, v = { 4, d4 };
    int rc = mdb_del(w->txn, w->st->facets, &k, &v);
    return rc == 0 || rc == MDB_NOTFOUND ? BS_OK : fail(w, rc, "removing a tag");
}

static int flush(writer *w);

static int delete_doc(writer *w, uint32_t docid)
{
    /* a post added earlier in this run (a batch that puts one path twice)
     * still has its postings and tags in memory: they are written first, to
     * be removed below with the rest */
    if (docid >= w->flushed_below) {
        int frc = flush(w);
        if (frc != BS_OK)
            return frc;
    }
    uint8_t k4[4];
    key_docid(k4, docid);
    MDB_val k = { 4, k4 }, v;
    int rc = mdb_get(w->txn, w->st->docs, &k, &v);
    if (rc == MDB_NOTFOUND)
        return BS_OK;
    if (rc != 0)
        return fail(w, rc, "reading a post");
    doc_record d;
    const char *why;
    rc = codec_doc_decode(v.mv_data, v.mv_size, &d, &why);
    if (rc != BS_OK)
        return rc == BS_ENOMEM ? oom(w) : corrupt(w, "docs", why);
    txt_buf body = { 0 };
    rc = store_read_text(w->st, w->txn, docid, d.body_bytes, &body);
    if (rc == BS_ECORRUPT)
        snprintf(w->err, w->errlen, "%s", store_err());
    else if (rc == BS_ENOMEM)
        rc = oom(w);
    if (rc == BS_OK) {
        tags_field_text(&w->tb, NULL, d.ntags, d.tag_len, d.tags, d.category, d.category_len);
        const char *text[BS_NFIELDS] = { d.title, w->tb.p ? w->tb.p : "", d.description,
                                         body.p ? body.p : "" };
        size_t len[BS_NFIELDS] = { d.title_len, w->tb.len, d.description_len, body.len };
        rc = analyze_fields(w, text, len);
    }
    MDB_cursor *c = NULL;
    if (rc == BS_OK && (rc = mdb_cursor_open(w->txn, w->st->terms, &c)) != 0)
        rc = fail(w, rc, "removing postings");
    for (size_t t = 0; rc == BS_OK && t < w->dt.nterms; t++)
        rc = remove_posting(w, c, w->dt.arena.p + w->dt.off[t], w->dt.len[t], docid);
    if (c)
        mdb_cursor_close(c);
    for (size_t i = 0; rc == BS_OK && i < d.ntags; i++)
        rc = del_facet(w, FACET_TAG, d.tags[i], d.tag_len[i], docid);
    if (rc == BS_OK && d.ntags)
        rc = tags_hold(w, docid, NULL, 0);
    if (rc == BS_OK)
        rc = del_facet(w, FACET_CATEGORY, d.category, d.category_len, docid);
    if (rc == BS_OK)
        rc = del_facet(w, FACET_AUTHOR, d.author, d.author_len, docid);
    if (rc == BS_OK && d.has_date) {
        uint8_t k12[12];
        key_date(k12, d.date, docid);
        MDB_val dk = { 12, k12 };
        int mrc = mdb_del(w->txn, w->st->dates, &dk, NULL);
        if (mrc != 0 && mrc != MDB_NOTFOUND)
            rc = fail(w, mrc, "removing a date");
    }
    if (rc == BS_OK) {
        /* texts chunks: 0, 1, ... until one is missing */
        for (uint16_t ch = 0;; ch++) {
            uint8_t k6[6];
            key_text(k6, docid, ch);
            MDB_val tk = { 6, k6 };
            int mrc = mdb_del(w->txn, w->st->texts, &tk, NULL);
            if (mrc == MDB_NOTFOUND)
                break;
            if (mrc != 0) {
                rc = fail(w, mrc, "removing a post's text");
                break;
            }
        }
    }
    if (rc == BS_OK) {
        for (int f = 0; f < BS_NFIELDS; f++)
            w->stats.lensum[f] -= d.len[f] <= w->stats.lensum[f] ? d.len[f] : w->stats.lensum[f];
        if (w->stats.ndocs)
            w->stats.ndocs--;
        int mrc = mdb_del(w->txn, w->st->docs, &k, NULL);
        if (mrc != 0)
            rc = fail(w, mrc, "removing a post");
        w->dirty = 1;
    }
    if (rc == BS_OK) {
        static const lens_entry cleared;     /* all zeros: no post */
        rc = lens_set(w, docid, &cleared);
    }
    codec_doc_free(&d);
    buf_free(&body);
    return rc;
}

/* ---- adding a post ------------------------------------------------------------ */

static int put_facet(writer *w, char kind, const char *s, size_t len, uint32_t docid)
{
    if (len == 0)
        return BS_OK;
    uint8_t d4[4];
    key_docid(d4, docid);
    key_facet(&w->kb, kind, s, len);
    if (w->kb.len < 2)
        return BS_OK;
    if (w->nfa == w->facap) {
        facet_add *n = grow_array(w->fa, &w->facap, 256, sizeof *n);
        if (!n)
            return oom(w);
        w->fa = n;
    }
    w->fa[w->nfa++] = (facet_add){ w->fkeys.len, w->kb.len, NULL, docid };
    buf_put(&w->fkeys, w->kb.p, w->kb.len);
    return w->fkeys.err ? oom(w) : BS_OK;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The ids of a new post's tags, for its doctags entry, from the facet keys
 * of its tags just held (w->fa from first on): tags that fold to the same
 * facet count once. */
static int hold_tag_ids(writer *w, uint32_t docid, size_t first)
{
    size_t ntags = w->nfa - first;
    uint32_t stack[32], *ids = ntags <= 32 ? stack : malloc(ntags * sizeof *ids);
    if (!ids)
        return oom(w);
    size_t n = 0;
    int rc = BS_OK;
    for (size_t i = first; i < w->nfa && rc == BS_OK; i++)
        rc = tag_id(w, w->fkeys.p + w->fa[i].off, w->fa[i].len, &ids[n++]);
    if (rc == BS_OK && n > 1) {
        qsort(ids, n, sizeof *ids, by_u32);
        size_t m = 1;
        for (size_t i = 1; i < n; i++)
            if (ids[i] != ids[m - 1])
                ids[m++] = ids[i];
        n = m;
    }
    if (rc == BS_OK && n)
        rc = tags_hold(w, docid, ids, n);
    if (ids != stack)
        free(ids);
    return rc;
}

/* Moves the postings of the post just analyzed into the accumulator. */
static int gather_postings(writer *w, uint32_t docid)
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
        return oom(w);
    }
    for (size_t i = 0; i < d->ntoks; i++)
        start[d->toks[i].tid + 1]++;
    for (size_t t = 0; t < n; t++)
        start[t + 1] += start[t];
    uint32_t *fill = calloc(n + 1, sizeof *fill);
    if (!fill) {
        free(start);
        free(sorted);
        return oom(w);
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
            rc = oom(w);
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
            rc = oom(w);
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
            rc = oom(w);
        w->acc.bytes += e->post.cap - before;
    }
    free(start);
    free(sorted);
    return rc;
}

static int add_doc(writer *w, const char *path, const post *p, uint32_t *docid_out)
{
    if (w->stats.next_docid >= UINT32_MAX) {
        snprintf(w->err, w->errlen, "the index has used all 2^32 post numbers; rebuild it "
                 "with blogsearch-index --full");
        return BS_ERROR;
    }
    uint32_t docid = (uint32_t)w->stats.next_docid++;
    tags_field_text(&w->tb, p->tags.p ? p->tags.p : "", p->ntags, NULL, NULL,
                    p->category.p ? p->category.p : "", p->category.len);
    const char *text[BS_NFIELDS] = { p->title.p ? p->title.p : "", w->tb.p ? w->tb.p : "",
                                     p->description.p ? p->description.p : "",
                                     p->body.p ? p->body.p : "" };
    size_t len[BS_NFIELDS] = { p->title.len, w->tb.len, p->description.len, p->body.len };
    int rc = analyze_fields(w, text, len);
    if (rc == BS_OK)
        rc = gather_postings(w, docid);
    if (rc != BS_OK)
        return rc;

    /* stored fields */
    if (p->ntags > w->tagvcap) {
        const char **v = realloc(w->tagv, p->ntags * sizeof *v);
        if (v)
            w->tagv = v;
        size_t *l = v ? realloc(w->tag_len, p->ntags * sizeof *l) : NULL;
        if (!l)
            return oom(w);
        w->tag_len = l;
        w->tagvcap = p->ntags;
    }
    const char **tagv = w->tagv;
    size_t *tag_len = w->tag_len, ntags = 0;
    for (const char *t = p->tags.p; t && t < p->tags.p + p->tags.len && ntags < p->ntags;
         t += strlen(t) + 1) {
        tagv[ntags] = t;
        tag_len[ntags++] = strlen(t);
    }
    txt_buf url = { 0 };
    if (p->link.len)
        buf_put(&url, p->link.p, p->link.len);
    else if (w->o->url_prefix && *w->o->url_prefix) {
        buf_puts(&url, w->o->url_prefix);
        buf_put(&url, p->slug.p, p->slug.len);
        buf_putc(&url, '/');
    }
    static const char *const formats[] = { "rst", "md", "html", "txt" };
    doc_record d = {
        .has_date = p->has_date, .date = p->date,
        .path = path, .path_len = strlen(path),
        .url = url.p ? url.p : "", .url_len = url.len,
        .title = text[0], .title_len = len[0],
        .slug = p->slug.p ? p->slug.p : "", .slug_len = p->slug.len,
        .category = p->category.p ? p->category.p : "", .category_len = p->category.len,
        .author = p->author.p ? p->author.p : "", .author_len = p->author.len,
        .description = text[2], .description_len = len[2],
        .format = formats[p->kind], .format_len = strlen(formats[p->kind]),
        .ntags = ntags, .tags = tagv, .tag_len = tag_len, .body_bytes = p->body.len,
    };
    memcpy(d.len, w->dt.field_len, sizeof d.len);
    buf_reset(&w->vb);
    codec_doc_encode(&d, &w->vb);
    buf_free(&url);
    if (w->vb.err)
        return oom(w);
    uint8_t k4[4];
    key_docid(k4, docid);
    /* docids only grow, so records are appended at the end of the tree */
    rc = put(w, w->st->docs, k4, 4, w->vb.p, w->vb.len, MDB_APPEND, "writing a post");

    /* the body text, compressed, in leaf-sized chunks */
    if (rc == BS_OK && p->body.len) {
        size_t cap = ZSTD_compressBound(p->body.len);
        char *z = malloc(cap);
        if (!z)
            return oom(w);
        size_t zn = ZSTD_compressCCtx(w->zc, z, cap, p->body.p, p->body.len, ZSTD_LEVEL);
        if (ZSTD_isError(zn)) {
            free(z);
            snprintf(w->err, w->errlen, "compressing a post's text: %s", ZSTD_getErrorName(zn));
            return BS_ERROR;
        }
        for (size_t off = 0, ch = 0; off < zn && rc == BS_OK; off += TEXT_CHUNK_BYTES, ch++) {
            uint8_t k6[6];
            key_text(k6, docid, (uint16_t)ch);
            size_t n = zn - off < TEXT_CHUNK_BYTES ? zn - off : TEXT_CHUNK_BYTES;
            rc = put(w, w->st->texts, k6, 6, z + off, n, MDB_APPEND, "writing a post's text");
        }
        free(z);
    }
    size_t first_tag = w->nfa;
    for (size_t i = 0; rc == BS_OK && i < ntags; i++)
        rc = put_facet(w, FACET_TAG, tagv[i], tag_len[i], docid);
    if (rc == BS_OK && w->nfa > first_tag)
        rc = hold_tag_ids(w, docid, first_tag);
    if (rc == BS_OK)
        rc = put_facet(w, FACET_CATEGORY, d.category, d.category_len, docid);
    if (rc == BS_OK)
        rc = put_facet(w, FACET_AUTHOR, d.author, d.author_len, docid);
    if (rc == BS_OK && p->has_date) {
        uint8_t k12[12];
        key_date(k12, p->date, docid);
        rc = put(w, w->st->dates, k12, 12, "", 0, 0, "writing a date");
    }
    if (rc == BS_OK) {
        lens_entry le = { p->has_date ? p->date : LENS_NO_DATE, { 0 } };
        for (int f = 0; f < BS_NFIELDS; f++)
            le.len[f] = (uint16_t)(w->dt.field_len[f] > 65535 ? 65535 : w->dt.field_len[f]);
        if (le.date == 0 && !le.len[0] && !le.len[1] && !le.len[2] && !le.len[3])
            le.len[0] = 1;           /* never all zeros, which reads as "no post" */
        rc = lens_set(w, docid, &le);
    }
    if (rc == BS_OK) {
        w->stats.ndocs++;
        for (int f = 0; f < BS_NFIELDS; f++)
            w->stats.lensum[f] += w->dt.field_len[f];
        *docid_out = docid;
    }
    return rc;
}

/* ---- writing the gathered postings ------------------------------------------- */

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
        return oom(w);
    int rc = put(w, w->st->terms, w->kb.p, w->kb.len, w->vb.p, w->vb.len,
                 append ? MDB_APPEND : 0, "writing postings");
    blk_begin(&w->bb, tlen + 5);
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

/* Streams an accumulator entry's scratch postings into blocks. */
static int write_scratch(writer *w, const acc_entry *e, const char *term, int append,
                         uint32_t after)
{
    const uint8_t *p = (const uint8_t *)e->post.p, *end = p + e->post.len;
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
        if (docid <= after)
            return corrupt(w, "terms", "a block holds a docid newer than a new post");
        int rc = add_posting(w, term, e->len, append, docid, tf, p, (size_t)poslen);
        if (rc != BS_OK)
            return rc;
        p += poslen;
    }
    return BS_OK;
}

static int flush(writer *w)
{
    accum *a = &w->acc;
    int frc = facets_write_all(w);
    if (frc == BS_OK)
        frc = doctags_write_all(w);
    if (frc != BS_OK)
        return frc;
    w->flushed_below = w->stats.next_docid;
    if (a->n == 0)
        return BS_OK;
    term_ref *order = malloc(a->n * sizeof *order);
    if (!order)
        return oom(w);
    for (size_t i = 0; i < a->n; i++)
        order[i] = (term_ref){ prefix8(a->arena.p + a->e[i].off, a->e[i].len),
                               a->arena.p + a->e[i].off, a->e[i].len, (uint32_t)i };
    qsort(order, a->n, sizeof *order, by_term);

    MDB_stat ms;
    int rc = mdb_stat(w->txn, w->st->terms, &ms);
    if (rc != 0) {
        free(order);
        return fail(w, rc, "reading the terms");
    }
    int append = ms.ms_entries == 0;   /* a fresh build writes keys in order */
    MDB_cursor *c;
    if ((rc = mdb_cursor_open(w->txn, w->st->terms, &c)) != 0) {
        free(order);
        return fail(w, rc, "writing postings");
    }
    int st = BS_OK;
    for (size_t i = 0; i < a->n && st == BS_OK; i++) {
        const acc_entry *e = &a->e[order[i].idx];
        const char *term = a->arena.p + e->off;
        plist_reset(&w->pl);
        int merged = 0;
        if (!append) {
            /* the term's last block, if it has room, takes the new postings */
            key_term(&w->kb, term, e->len, UINT32_MAX);
            MDB_val k = { w->kb.len, w->kb.p }, v;
            rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
            rc = rc == 0 ? mdb_cursor_get(c, &k, &v, MDB_PREV)
                         : rc == MDB_NOTFOUND ? mdb_cursor_get(c, &k, &v, MDB_LAST) : rc;
            size_t ktl;
            uint32_t first, cnt;
            if (rc != 0 && rc != MDB_NOTFOUND) {
                st = fail(w, rc, "finding a term's last block");
                break;
            }
            if (rc == 0 && key_term_split(k.mv_data, k.mv_size, &ktl, &first) == 0
                && ktl == e->len && memcmp(k.mv_data, term, ktl) == 0
                && codec_block_count(v.mv_data, v.mv_size, &cnt) == BS_OK
                && cnt < BLK_MAX_POSTINGS && k.mv_size + v.mv_size < BLK_TARGET_BYTES * 3 / 4) {
                const char *why;
                int drc = codec_block_decode(v.mv_data, v.mv_size, first, &w->pl, &why);
                if (drc != BS_OK) {
                    st = drc == BS_ENOMEM ? oom(w) : corrupt(w, "terms", why);
                    break;
                }
                merged = 1;
            }
        }
        /* the merged block's postings first, then the new ones */
        blk_begin(&w->bb, e->len + 5);
        for (size_t j = 0; j < w->pl.n && st == BS_OK; j++) {
            plist_encode_positions(&w->pl, j, &w->pb);
            st = add_posting(w, term, e->len, append, w->pl.docid[j], w->pl.tf[j],
                             (const uint8_t *)w->pb.p, w->pb.len);
        }
        if (st == BS_OK)
            st = write_scratch(w, e, term, append, merged ? w->pl.docid[w->pl.n - 1] : 0);
        if (st == BS_OK && w->bb.n)
            st = emit_block(w, term, e->len, append);
    }
    mdb_cursor_close(c);
    free(order);
    for (size_t i = 0; i < a->n; i++)
        buf_free(&a->e[i].post);
    a->n = 0;
    buf_reset(&a->arena);
    if (a->slots)
        memset(a->slots, 0, a->nslots * sizeof *a->slots);
    a->bytes = a->cap * sizeof *a->e + a->nslots * sizeof *a->slots;
    return st;
}

/* ---- reading a post file ------------------------------------------------------ */

static void diag(writer *w, const char *path, diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void diag(writer *w, const char *path, diag_level level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->o->diag)
        w->o->diag(w->o->diag_ctx, path, 0, level, msg);
}

/* Reads a whole file into out. Returns 0, or -1 with a diagnostic. */
static int read_file(writer *w, const char *path, txt_buf *out)
{
    buf_reset(out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        diag(w, path, DIAG_ERROR, "cannot read: %s; what was indexed of it is kept",
             strerror(errno));
        return -1;
    }
    for (;;) {
        char *p = buf_reserve(out, 65536);
        if (!p)
            break;
        ssize_t n = read(fd, p, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            diag(w, path, DIAG_ERROR, "cannot read: %s; what was indexed of it is kept",
                 strerror(errno));
            close(fd);
            return -1;
        }
        if (n == 0)
            break;
        out->len += (size_t)n;
        out->p[out->len] = '\0';
        if (out->len > w->o->max_file_bytes)
            break;                   /* grew while we read: the size check decides */
    }
    close(fd);
    return out->err ? -1 : 0;
}

enum { DONE_ADDED, DONE_UPDATED, DONE_UNCHANGED, DONE_SKIPPED, DONE_KEPT };

static int write_path(writer *w, const walk_entry *e, uint32_t docid, uint64_t hash)
{
    path_record r = { docid, e->size, e->mtime_ns, hash, e->meta_path ? e->meta_size : 0,
                      e->meta_path ? e->meta_mtime_ns : 0 };
    buf_reset(&w->vb);
    codec_path_encode(&r, &w->vb);
    if (w->vb.err)
        return oom(w);
    return put(w, w->st->paths, e->path, strlen(e->path), w->vb.p, w->vb.len, 0,
               "writing a path");
}

/* Reads the post of e into the index. *outcome says what became of it and,
 * when it was skipped, *why says why ("skipped: a draft ..."). */
static int process(writer *w, const walk_entry *e, int force, int *outcome, const char **why)
{
    static const char *const unchanged = "skipped: unchanged since the last run skipped it";
    MDB_val k = { strlen(e->path), e->path }, v;
    path_record old = { 0 };
    int known = 0;
    int rc = mdb_get(w->txn, w->st->paths, &k, &v);
    if (rc == 0) {
        if (codec_path_decode(v.mv_data, v.mv_size, &old) != BS_OK)
            return corrupt(w, "paths", e->path);
        known = 1;
    } else if (rc != MDB_NOTFOUND) {
        return fail(w, rc, "reading a path");
    }
    int meta_same = old.meta_size == (e->meta_path ? e->meta_size : 0)
                    && old.meta_mtime_ns == (e->meta_path ? e->meta_mtime_ns : 0);
    if (known && !force && old.size == e->size && old.mtime_ns == e->mtime_ns && meta_same) {
        *outcome = old.docid ? DONE_UNCHANGED : DONE_SKIPPED;   /* still a draft, say */
        *why = unchanged;
        return BS_OK;
    }

    if (e->size > w->o->max_file_bytes) {
        char msg[64];
        snprintf(msg, sizeof msg, "%.1f MB", (double)e->size / 1e6);
        diag(w, e->path, DIAG_WARNING, "file is %s, over the size limit (--max-size); skipped",
             msg);
        *outcome = known ? DONE_KEPT : DONE_SKIPPED;
        *why = old.docid ? "skipped: too large (--max-size); the post as indexed before is kept"
                         : "skipped: too large (--max-size)";
        return BS_OK;
    }
    txt_buf data = { 0 }, meta = { 0 };
    if (read_file(w, e->path, &data) != 0 || (e->meta_path && read_file(w, e->meta_path, &meta) != 0)) {
        int nomem = data.err || meta.err;
        buf_free(&data);
        buf_free(&meta);
        if (nomem)
            return oom(w);
        *outcome = known ? DONE_KEPT : DONE_SKIPPED;
        *why = old.docid ? "skipped: cannot be read; the post as indexed before is kept"
                         : "skipped: cannot be read";
        return BS_OK;
    }
    w->sum->bytes += data.len;
    uint64_t hash = codec_hash64(data.p ? data.p : "", data.len, 0);
    if (e->meta_path)
        hash = codec_hash64(meta.p ? meta.p : "", meta.len, hash);
    if (known && !force && hash == old.hash) {
        /* touched, not changed: remember the new time, index nothing */
        buf_free(&data);
        buf_free(&meta);
        *outcome = old.docid ? DONE_UNCHANGED : DONE_SKIPPED;
        *why = unchanged;
        return write_path(w, e, old.docid, hash);
    }

    int skip = 0;
    if (data.len == 0) {
        diag(w, e->path, DIAG_WARNING, "empty file; skipped");
        skip = 1;
        *why = "skipped: empty";
    } else if (memchr(data.p, '\0', data.len < BINARY_PROBE ? data.len : BINARY_PROBE)) {
        diag(w, e->path, DIAG_ERROR, "binary file (it has NUL bytes); skipped");
        skip = 1;
        *why = "skipped: binary, not a post";
    }
    post p;
    post_init(&p);
    post_opts po = { w->o->tz_min, w->o->diag, w->o->diag_ctx };
    if (!skip && post_parse(&p, e->path, data.p, data.len, e->meta_path ? meta.p : NULL,
                            meta.len, &po) != 0) {
        post_free(&p);
        buf_free(&data);
        buf_free(&meta);
        return oom(w);
    }
    buf_free(&data);
    buf_free(&meta);
    if (!skip && p.draft && !w->o->drafts) {
        skip = 2;
        *why = "skipped: a draft (--drafts indexes drafts)";
    }

    rc = BS_OK;
    if (known && old.docid)
        rc = delete_doc(w, old.docid);
    uint32_t docid = 0;
    if (rc == BS_OK && !skip)
        rc = add_doc(w, e->path, &p, &docid);
    if (rc == BS_OK)
        rc = write_path(w, e, docid, hash);
    post_free(&p);
    *outcome = skip ? DONE_SKIPPED : known && old.docid ? DONE_UPDATED : DONE_ADDED;
    return rc;
}

/* One post given in memory: replaces the post of its path, or deletes it. */
static int apply_op(writer *w, const writer_op *op)
{
    MDB_val k = { strlen(op->path), (void *)op->path }, v;
    path_record old = { 0 };
    int known = 0;
    int rc = mdb_get(w->txn, w->st->paths, &k, &v);
    if (rc == 0) {
        if (codec_path_decode(v.mv_data, v.mv_size, &old) != BS_OK)
            return corrupt(w, "paths", op->path);
        known = 1;
    } else if (rc != MDB_NOTFOUND) {
        return fail(w, rc, "reading a path");
    }
    rc = known && old.docid ? delete_doc(w, old.docid) : BS_OK;
    if (rc != BS_OK)
        return rc;
    if (op->del) {
        if (!known)
            return BS_OK;
        int mrc = mdb_del(w->txn, w->st->paths, &k, NULL);
        if (mrc != 0)
            return fail(w, mrc, "removing a path");
        w->dirty = 1;
        w->sum->removed += old.docid != 0;
        return BS_OK;
    }
    uint32_t docid = 0;
    rc = add_doc(w, op->path, &op->p, &docid);
    if (rc != BS_OK)
        return rc;
    /* no file: no size, time or hash for blogsearch-index to compare */
    walk_entry e = { .path = (char *)op->path };
    rc = write_path(w, &e, docid, 0);
    if (known && old.docid)
        w->sum->updated++;
    else
        w->sum->added++;
    return rc;
}

/* Posts that were indexed under the walked roots and are gone now. */
static int remove_missing(writer *w)
{
    MDB_cursor *c;
    MDB_val k, v;
    int rc = mdb_cursor_open(w->txn, w->st->paths, &c);
    if (rc != 0)
        return fail(w, rc, "reading paths");
    int st = BS_OK;
    char *path = NULL;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0 && st == BS_OK;) {
        char *np = realloc(path, k.mv_size + 1);
        if (!np) {
            st = oom(w);
            break;
        }
        path = np;
        memcpy(path, k.mv_data, k.mv_size);
        path[k.mv_size] = '\0';
        if (!walk_under_roots(w->list, path) || walk_find(w->list, path)) {
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
            continue;
        }
        path_record r;
        if (codec_path_decode(v.mv_data, v.mv_size, &r) != BS_OK) {
            st = corrupt(w, "paths", path);
            break;
        }
        /* deleting the post moves the cursor's database pages: drop the
         * path record first, then look the position up again */
        if ((rc = mdb_cursor_del(c, 0)) != 0) {
            st = fail(w, rc, "removing a path");
            break;
        }
        w->dirty = 1;
        if (r.docid) {
            if ((st = delete_doc(w, r.docid)) != BS_OK)
                break;
            w->sum->removed++;
            if (w->o->event)
                w->o->event(w->o->event_ctx, path, "removed");
        }
        MDB_val again = { strlen(path), path };
        k = again;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    }
    if (st == BS_OK && rc != 0 && rc != MDB_NOTFOUND)
        st = fail(w, rc, "reading paths");
    mdb_cursor_close(c);
    free(path);
    return st;
}

/* ---- options of the index ---------------------------------------------------- */

static void encode_options(const writer_opts *o, txt_buf *b)
{
    buf_reset(b);
    buf_put_varint(b, o->drafts ? 1 : 0);
    buf_put_zigzag(b, o->tz_min);
    const char *u = o->url_prefix ? o->url_prefix : "";
    buf_put_str(b, u, strlen(u));
}

static int empty_all(writer *w)
{
    MDB_dbi dbs[] = { w->st->docs, w->st->texts, w->st->terms, w->st->paths, w->st->facets,
                      w->st->dates, w->st->lens, w->st->doctags, w->st->tagids, w->st->meta };
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        int rc = mdb_drop(w->txn, dbs[i], 0);
        if (rc != 0)
            return fail(w, rc, "emptying the index");
    }
    w->dirty = 1;
    memset(&w->stats, 0, sizeof w->stats);
    w->stats.next_docid = 1;
    w->flushed_below = 1;
    int rc = store_init_meta(w->st, w->txn);
    if (rc != BS_OK)
        snprintf(w->err, w->errlen, "%s", store_err());
    return rc;
}

/* Ends a run's transaction: what is held is written and the transaction
 * committed, or, after an error (rc), everything is dropped. */
static int finish_txn(writer *w, int rc)
{
    if (rc == BS_OK)
        rc = flush(w);
    if (rc == BS_OK)
        rc = lens_write_all(w);
    pending_reset(w);
    if (rc == BS_OK && w->dirty)
        rc = store_put_stats(w->st, w->txn, &w->stats);
    if (rc != BS_OK) {
        if (rc != BS_ENOMEM && rc != BS_EMAPFULL && w->err[0] == '\0')
            snprintf(w->err, w->errlen, "%s", store_err());
        mdb_txn_abort(w->txn);
        return rc;
    }
    if (w->o->strict && (w->sum->warnings || w->sum->errors)) {
        mdb_txn_abort(w->txn);
        snprintf(w->err, w->errlen, "--strict: %zu warning%s and %zu error%s; the index was "
                 "not changed", w->sum->warnings, w->sum->warnings == 1 ? "" : "s",
                 w->sum->errors, w->sum->errors == 1 ? "" : "s");
        return BS_ERROR;
    }
    if (!w->dirty) {
        mdb_txn_abort(w->txn);       /* nothing changed: leave the file alone */
        return BS_OK;
    }
    int mrc = mdb_txn_commit(w->txn);
    if (mrc != 0)
        return fail(w, mrc, "committing the index");
    w->sum->committed = 1;
    return BS_OK;
}

static int run_once(writer *w)
{
    int rc = store_txn_begin(w->st, 0, &w->txn);
    if (rc != BS_OK) {
        snprintf(w->err, w->errlen, "%s", store_err());
        return rc;
    }
    w->dirty = 0;
    pending_reset(w);                /* what an aborted run held is stale */
    rc = store_get_stats(w->st, w->txn, &w->stats);
    w->flushed_below = w->stats.next_docid;
    if (rc != BS_OK && w->o->full) {
        rc = BS_OK;                  /* a full rebuild starts from nothing anyway */
    } else if (rc != BS_OK) {
        snprintf(w->err, w->errlen, "%s", store_err());
        mdb_txn_abort(w->txn);
        return rc;
    }
    if (w->ops) {
        for (size_t i = 0; rc == BS_OK && i < w->nops; i++) {
            rc = apply_op(w, &w->ops[i]);
            if (rc == BS_OK && w->acc.bytes + facets_bytes(w) > w->o->mem_limit)
                rc = flush(w);
        }
        return finish_txn(w, rc);
    }
    /* options that change what a post yields make every post be read again */
    txt_buf opt = { 0 };
    encode_options(w->o, &opt);
    MDB_val ok = { 7, "options" }, ov;
    int mrc = mdb_get(w->txn, w->st->meta, &ok, &ov);
    int force = mrc == 0 && (ov.mv_size != opt.len || memcmp(ov.mv_data, opt.p, opt.len) != 0);
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        rc = fail(w, mrc, "reading the index options");
    if (force && !w->o->full && w->o->diag)
        w->o->diag(w->o->diag_ctx, w->st->dir, 0, DIAG_WARNING, "the options (--drafts, "
                   "--url-prefix, --timezone) differ from the last run; every post is read "
                   "again");
    if (rc == BS_OK && w->o->full)
        rc = empty_all(w);
    if (rc == BS_OK)
        rc = remove_missing(w);

    for (size_t i = 0; rc == BS_OK && i < w->list->n; i++) {
        int outcome = DONE_UNCHANGED;
        const char *why = "skipped";
        rc = process(w, &w->list->v[i], force, &outcome, &why);
        const char *const what[] = { "added", "updated", NULL, why, why };
        switch (outcome) {
        case DONE_ADDED: w->sum->added++; break;
        case DONE_UPDATED: w->sum->updated++; break;
        case DONE_UNCHANGED: w->sum->unchanged++; break;
        default: w->sum->skipped++; break;
        }
        if (rc == BS_OK && w->o->event && what[outcome])
            w->o->event(w->o->event_ctx, w->list->v[i].path, what[outcome]);
        if (rc == BS_OK && w->acc.bytes + facets_bytes(w) > w->o->mem_limit)
            rc = flush(w);
        if (w->o->progress)
            w->o->progress(w->o->progress_ctx, i + 1, w->list->n, w->sum->bytes);
    }
    if (rc == BS_OK && (w->dirty || mrc == MDB_NOTFOUND || force))
        rc = put(w, w->st->meta, "options", 7, opt.p, opt.len, 0, "writing the index options");
    buf_free(&opt);
    return finish_txn(w, rc);
}

static void count_diag(void *ctx, const char *path, unsigned line, diag_level level,
                       const char *msg)
{
    writer *w = ctx;
    if (level == DIAG_ERROR)
        w->sum->errors++;
    else
        w->sum->warnings++;
    if (w->user_diag)
        w->user_diag(w->user_ctx, path, line, level, msg);
}

/* The run's map-size loop and everything but the store: a run that fills
 * the map is redone from the start in one twice as big. */
static int run_all(writer *w, uint64_t source, char *errbuf, size_t errlen)
{
    writer_summary *sum = w->sum;
    int rc;
    if (an_new(&w->an, 0) != 0 || !(w->zc = ZSTD_createCCtx())) {
        rc = oom(w);
        goto out;
    }
    /* room for the corpus: text, postings and LMDB's slack, about four
     * times the source */
    uint64_t used = store_used_bytes(w->st), have = store_mapsize(w->st);
    uint64_t want = w->o->initial_mapsize ? w->o->initial_mapsize
                                          : used + 4 * source + (64u << 20);
    /* a map with room for the run is kept: through the writable map
     * (store.c) a new size is a new file length, and a run that changes
     * nothing leaves the file as it was */
    if (!w->o->initial_mapsize && have >= used + 2 * source + (32u << 20))
        want = have;
    for (;;) {
        if (w->o->map_guard)
            w->o->map_guard(w->o->map_guard_ctx, 1);
        rc = store_set_mapsize(w->st, want);
        if (w->o->map_guard)
            w->o->map_guard(w->o->map_guard_ctx, 0);
        if (rc != BS_OK) {
            snprintf(errbuf, errlen, "%s", store_err());
            break;
        }
        rc = run_once(w);
        if (rc != BS_EMAPFULL)
            break;
        /* start over in a bigger map; nothing of the aborted run remains */
        want = store_mapsize(w->st) * 2;
        writer_summary keep = { .map_grows = sum->map_grows + 1, .warnings = sum->warnings,
                                .errors = sum->errors };
        *sum = keep;
        errbuf[0] = '\0';
        for (size_t i = 0; i < w->acc.n; i++)
            buf_free(&w->acc.e[i].post);
        w->acc.n = 0;
        buf_reset(&w->acc.arena);
        if (w->acc.slots)
            memset(w->acc.slots, 0, w->acc.nslots * sizeof *w->acc.slots);
        w->acc.bytes = 0;
    }
out:
    acc_free(&w->acc);
    dt_free(&w->dt);
    plist_free(&w->pl);
    buf_free(&w->kb);
    free(w->ld);
    free(w->fa);
    buf_free(&w->fkeys);
    free(w->ts);
    free(w->tids);
    free(w->tagv);
    free(w->tag_len);
    buf_free(&w->vb);
    buf_free(&w->tb);
    buf_free(&w->pb);
    blk_free(&w->bb);
    ZSTD_freeCCtx(w->zc);
    an_free(w->an);
    return rc;
}

static void writer_init(writer *w, writer_opts *local, const writer_opts *opts,
                        writer_summary *sum, char *errbuf, size_t errlen)
{
    w->next_tagid = -1;
    memset(sum, 0, sizeof *sum);
    errbuf[0] = '\0';
    *local = *opts;
    w->user_diag = opts->diag;
    w->user_ctx = opts->diag_ctx;
    local->diag = count_diag;
    local->diag_ctx = w;
    w->o = local;
    w->sum = sum;
    w->err = errbuf;
    w->errlen = errlen;
}

int writer_run(const char *dir, const walk_list *list, const writer_opts *opts,
               writer_summary *sum, char *errbuf, size_t errlen)
{
    writer w = { 0 };
    writer_opts local;
    writer_init(&w, &local, opts, sum, errbuf, errlen);
    w.list = list;
    /* --full rebuilds an index of any version: it is emptied and stamped anew */
    int rc = store_open(&w.st, dir, STORE_CREATE | (opts->full ? STORE_ANY_VERSION : 0u),
                        errbuf, errlen);
    if (rc != BS_OK)
        return rc;
    uint64_t source = 0;
    for (size_t i = 0; i < list->n; i++)
        source += list->v[i].size;
    rc = run_all(&w, source, errbuf, errlen);
    sum->posts = list->n;
    store_close(w.st);
    return rc;
}

int writer_apply(store *st, const writer_op *ops, size_t nops, const writer_opts *opts,
                 writer_summary *sum, char *errbuf, size_t errlen)
{
    writer w = { 0 };
    writer_opts local;
    writer_init(&w, &local, opts, sum, errbuf, errlen);
    w.st = st;
    w.ops = ops;
    w.nops = nops;
    uint64_t source = 0;
    for (size_t i = 0; i < nops; i++)
        source += ops[i].p.body.len + ops[i].p.title.len + ops[i].p.description.len + 256;
    int rc = run_all(&w, source, errbuf, errlen);
    sum->posts = nops;
    return rc;
}
