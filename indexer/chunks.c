/* chunks.c: what a run holds until its end and writes in key order: the
 * lens chunks of the posts it changed, their tags (facet keys, tag ids) and
 * their doctags chunks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/writer.h"

/* ---- lens chunks -------------------------------------------------------- */

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
        wr_fail(w, mrc, "reading post lengths");
        return NULL;
    }
    return d;
}

int lens_set(writer *w, uint32_t docid, const lens_entry *e)
{
    lens_dirty *d = lens_find(w, docid / LENS_PER_CHUNK);
    if (!d)
        return w->err[0] ? BS_ERROR : wr_oom(w);
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
        return wr_fail(w, rc, what);
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
        return wr_fail(w, rc, what);
    if (append) {
        cw->any = 1;
        cw->last = chunk;
    }
    w->dirty = 1;
    return BS_OK;
}

int lens_write_all(writer *w)
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

/* ---- tags: facet keys, tag ids and doctags ------------------------------ */

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
size_t facets_bytes(const writer *w)
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
        return wr_oom(w);
    MDB_val k = { b->len, b->p }, v;
    int mrc = mdb_get(w->txn, w->st->tagids, &k, &v);
    if (mrc == 0) {
        if (v.mv_size != 4)
            return wr_corrupt(w, "tagids", "an id of the wrong size");
        *id = codec_get_u32be(v.mv_data);
        return BS_OK;
    }
    if (mrc != MDB_NOTFOUND)
        return wr_fail(w, mrc, "reading tag ids");
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
        return wr_corrupt(w, "tagids", "no tag id left");
    *id = (uint32_t)w->next_tagid++;
    uint8_t k5[5], v4[4];
    key_tagid(k5, *id);
    key_docid(v4, *id);
    int rc = wr_put(w, w->st->tagids, b->p, b->len, v4, 4, 0, "writing a tag id");
    if (rc == BS_OK)
        rc = wr_put(w, w->st->tagids, k5, 5, key + 1, len - 1, 0, "writing a tag id");
    return rc;
}

/* Holds a post's tag ids (sorted, distinct; n 0 when the post is gone). */
int tags_hold(writer *w, uint32_t docid, const uint32_t *ids, size_t n)
{
    if (w->nts == w->tscap) {
        tags_set *t = grow_array(w->ts, &w->tscap, 256, sizeof *t);
        if (!t)
            return wr_oom(w);
        w->ts = t;
    }
    while (w->ntids + n > w->tidcap) {
        uint32_t *t = grow_array(w->tids, &w->tidcap, 1024, sizeof *t);
        if (!t)
            return wr_oom(w);
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
int doctags_write_all(writer *w)
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
            st = wr_fail(w, mrc, "reading posts' tags");
            break;
        }
        memset(old.n, 0, sizeof old.n);
        old.nids = 0;
        if (exists && (st = codec_doctags_decode(val.mv_data, val.mv_size, UINT64_MAX, &old, &why)) != BS_OK) {
            st = st == BS_ENOMEM ? wr_oom(w) : wr_corrupt(w, "doctags", why);
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
                    st = wr_oom(w);
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
                st = wr_fail(w, mrc, "removing posts' tags");
            w->dirty = 1;
        } else {
            codec_doctags_encode(&nc, &w->vb);
            if (w->vb.err) {
                st = wr_oom(w);
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

int facets_write_all(writer *w)
{
    if (w->nfa == 0)
        return BS_OK;
    if (w->fkeys.err)
        return wr_oom(w);
    for (size_t i = 0; i < w->nfa; i++)
        w->fa[i].key = w->fkeys.p + w->fa[i].off;
    qsort(w->fa, w->nfa, sizeof *w->fa, by_facet_add);
    int st = BS_OK;
    for (size_t i = 0; i < w->nfa && st == BS_OK; i++) {
        uint8_t d4[4];
        key_docid(d4, w->fa[i].docid);
        st = wr_put(w, w->st->facets, w->fa[i].key, w->fa[i].len, d4, 4, 0,
                 "writing a tag");
    }
    w->nfa = 0;
    buf_reset(&w->fkeys);
    return st;
}

/* Forgets what an aborted transaction held. */
void pending_reset(writer *w)
{
    w->nld = 0;
    w->nfa = 0;
    buf_reset(&w->fkeys);
    w->fkeys.err = 0;
    w->nts = 0;
    w->ntids = 0;
    w->next_tagid = -1;          /* the ids given in the aborted run are gone */
}

int facet_del(writer *w, char kind, const char *s, size_t len, uint32_t docid)
{
    if (len == 0)
        return BS_OK;
    uint8_t d4[4];
    key_docid(d4, docid);
    key_facet(&w->kb, kind, s, len);
    MDB_val k = { w->kb.len, w->kb.p }, v = { 4, d4 };
    int rc = mdb_del(w->txn, w->st->facets, &k, &v);
    return rc == 0 || rc == MDB_NOTFOUND ? BS_OK : wr_fail(w, rc, "removing a tag");
}

int facet_put(writer *w, char kind, const char *s, size_t len, uint32_t docid)
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
            return wr_oom(w);
        w->fa = n;
    }
    w->fa[w->nfa++] = (facet_add){ w->fkeys.len, w->kb.len, NULL, docid };
    buf_put(&w->fkeys, w->kb.p, w->kb.len);
    return w->fkeys.err ? wr_oom(w) : BS_OK;
}

static int by_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The ids of a new post's tags, for its doctags entry, from the facet keys
 * of its tags just held (w->fa from first on): tags that fold to the same
 * facet count once. */
int tags_hold_ids(writer *w, uint32_t docid, size_t first)
{
    size_t ntags = w->nfa - first;
    uint32_t stack[32], *ids = ntags <= 32 ? stack : malloc(ntags * sizeof *ids);
    if (!ids)
        return wr_oom(w);
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
