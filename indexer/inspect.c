/* inspect.c: reading an index whole, for blogsearch-index --stats and
 * --check. Read-only, in one read transaction, so it runs beside a writer
 * and sees one committed state; --check is what the crash and concurrency
 * tests use to prove that state is consistent. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

#include "indexer/indexer.h"
#include "store/store.h"

#define MAX_REPORTS 20

typedef struct {
    void (*report)(void *ctx, const char *msg);
    void *ctx;
    size_t problems;
    int quick;                       /* texts only found, not decompressed: a run's
                                        check (index_verify); the writer never reads them */
} checker;

static void problem(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(checker *c, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    if (!c || c->problems++ >= MAX_REPORTS || !c->report)
        return;
    va_start(ap, fmt);
    utf8_vformat(msg, sizeof msg, fmt, ap);   /* quoting a damaged index's bytes */
    va_end(ap);
    c->report(c->ctx, msg);
}

/* A bitmap of docids seen, sized by next_docid. */
typedef struct {
    uint8_t *bits;
    uint64_t n;
} docset;

static int has(const docset *s, uint32_t d)
{
    return d < s->n && (s->bits[d >> 3] >> (d & 7)) & 1;
}

/* (post, tag id) pairs as post << 32 | id */
typedef struct {
    uint64_t *v;
    size_t n, cap;
    int oom;
} pairs;

static void pairs_add(pairs *p, uint32_t docid, uint32_t tid)
{
    if (p->n == p->cap) {
        uint64_t *g = grow_array(p->v, &p->cap, 1024, sizeof *g);
        if (!g) {
            p->oom = 1;
            return;
        }
        p->v = g;
    }
    p->v[p->n++] = (uint64_t)docid << 32 | tid;
}

static int by_pair(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* The id of a tag's facet key (kind byte, folded value), checked both ways;
 * -1 when it has none. */
static int64_t tag_id_of(store *st, MDB_txn *txn, const void *key, size_t len)
{
    txt_buf b = { 0 };
    buf_putc(&b, TAGID_BY_VALUE);
    buf_put(&b, (const char *)key + 1, len - 1);
    MDB_val k = { b.len, b.p }, v;
    int64_t id = -1;
    if (!b.err && mdb_get(txn, st->tagids, &k, &v) == 0 && v.mv_size == 4) {
        uint32_t t = codec_get_u32be(v.mv_data);
        uint8_t k5[5];
        key_tagid(k5, t);
        MDB_val nk = { 5, k5 }, nv;
        if (mdb_get(txn, st->tagids, &nk, &nv) == 0 && nv.mv_size == len - 1
            && memcmp(nv.mv_data, (const char *)key + 1, len - 1) == 0)
            id = t;
    }
    buf_free(&b);
    return id;
}

/* The date and offset of post id, from its record. */
static int post_date(store *st, MDB_txn *txn, uint32_t id, int64_t *date, int *tz_min)
{
    uint8_t k4[4];
    key_docid(k4, id);
    MDB_val k = { 4, k4 }, v;
    doc_record d;
    const char *why;
    if (mdb_get(txn, st->docs, &k, &v) != 0
        || codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK)
        return BS_ECORRUPT;
    int rc = d.has_date ? BS_OK : BS_ECORRUPT;
    *date = d.date;
    *tz_min = d.tz_min;
    codec_doc_free(&d);
    return rc;
}

/* A cursor on dbi, or NULL, a problem, when LMDB gives none (a damaged
 * database record): mdb_cursor_get on NULL is EINVAL, ending a walk. */
static MDB_cursor *cursor_on(checker *c, MDB_txn *txn, MDB_dbi dbi, const char *name)
{
    MDB_cursor *cur;
    int rc = mdb_cursor_open(txn, dbi, &cur);
    if (rc == 0)
        return cur;
    problem(c, "%s: cannot be read: %s", name, mdb_strerror(rc));
    return NULL;
}

static int scan(store *st, MDB_txn *txn, checker *c, index_stats *s, char *errbuf,
                size_t errlen)
{
    MDB_cursor *cur;
    MDB_val k, v;
    store_stats ss;
    int rc = store_get_stats(st, txn, &ss);
    if (rc != BS_OK) {
        snprintf(errbuf, errlen, "%s", store_err());
        return rc;
    }
    s->posts = ss.ndocs;
    docset docs = { calloc((size_t)(ss.next_docid / 8 + 1), 1), ss.next_docid };
    uint32_t *paths_of = c ? calloc((size_t)ss.next_docid + 1, sizeof *paths_of) : NULL;
    if (!docs.bits || (c && !paths_of)) {
        free(docs.bits);
        free(paths_of);
        snprintf(errbuf, errlen, "out of memory");
        return BS_ENOMEM;
    }
    uint64_t ndocs = 0, lensum[BS_NFIELDS] = { 0 };
    const char *why;
    lens_cache lc = { 0 };

    /* docs */
    cur = cursor_on(c, txn, st->docs, "docs");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint32_t id = k.mv_size == 4 ? codec_get_u32be(k.mv_data) : 0;
        doc_record d;
        if (id == 0 || id >= ss.next_docid) {
            problem(c, "docs: key of %zu bytes or docid %u out of range", k.mv_size, id);
            continue;
        }
        if (codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK) {
            problem(c, "docs: post %u does not decode: %s", id, why);
            continue;
        }
        docs.bits[id >> 3] |= (uint8_t)(1u << (id & 7));
        ndocs++;
        if (c) {
            /* the lens entry agrees with the record */
            lens_entry le;
            int lrc = store_lens_get(st, txn, &lc, id, &le);
            int same = lrc == BS_OK && (d.has_date ? le.date == d.date : le.date == LENS_NO_DATE);
            for (int f = 0; f < BS_NFIELDS && same; f++)
                same = le.len[f] == (d.len[f] > 65535 ? 65535 : d.len[f])
                       || (f == 0 && d.len[0] == 0 && le.len[0] == 1);
            if (!same)
                problem(c, "lens: the entry of post %u does not match its record", id);
            /* its date is keyed by its own wall clock */
            uint8_t k12[12];
            key_date(k12, codec_local_date(d.date, d.tz_min), id);
            MDB_val dk = { 12, k12 }, dv;
            if (d.has_date && mdb_get(txn, st->dates, &dk, &dv) != 0)
                problem(c, "dates: post %u is not listed at its date", id);
        }
        for (int f = 0; f < BS_NFIELDS; f++)
            lensum[f] += d.len[f];
        s->text_bytes += d.body_bytes;
        if (c) {
            /* the stored text decompresses to its recorded length */
            txt_buf z = { 0 };
            uint8_t k6[6];
            key_text(k6, id, 0);
            MDB_val tk = { 6, k6 }, tv;
            MDB_cursor *tc;
            tc = cursor_on(c, txn, st->texts, "texts");
            for (int r = mdb_cursor_get(tc, &tk, &tv, MDB_SET_RANGE); r == 0
                 && tk.mv_size == 6 && codec_get_u32be(tk.mv_data) == id;
                 r = mdb_cursor_get(tc, &tk, &tv, MDB_NEXT))
                buf_put(&z, tv.mv_data, tv.mv_size);
            mdb_cursor_close(tc);
            if (d.body_bytes && c->quick) {
                unsigned long long n = z.len ? ZSTD_getFrameContentSize(z.p, z.len) : 0;
                if (n != d.body_bytes)
                    problem(c, "texts: the text of post %u is not %llu bytes", id,
                            (unsigned long long)d.body_bytes);
            } else if (d.body_bytes) {
                char *out = malloc((size_t)d.body_bytes);
                size_t n = out ? ZSTD_decompress(out, (size_t)d.body_bytes, z.p, z.len) : 0;
                if (!out || ZSTD_isError(n) || n != d.body_bytes)
                    problem(c, "texts: the text of post %u does not decompress to %llu bytes",
                            id, (unsigned long long)d.body_bytes);
                free(out);
            }
            buf_free(&z);
        }
        codec_doc_free(&d);
    }
    store_lens_done(&lc);
    mdb_cursor_close(cur);
    if (c && ndocs != ss.ndocs)
        problem(c, "meta: %llu posts recorded, %llu found", (unsigned long long)ss.ndocs,
                (unsigned long long)ndocs);
    for (int f = 0; c && f < BS_NFIELDS; f++)
        if (lensum[f] != ss.lensum[f])
            problem(c, "meta: field %d length sum %llu recorded, %llu found", f,
                    (unsigned long long)ss.lensum[f], (unsigned long long)lensum[f]);

    /* terms */
    plist pl = { 0 };
    txt_buf prev = { 0 };
    uint32_t prev_last = 0;
    cur = cursor_on(c, txn, st->terms, "terms");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        size_t tl;
        uint32_t first, n;
        if (key_term_split(k.mv_data, k.mv_size, &tl, &first) != 0) {
            problem(c, "terms: malformed key of %zu bytes", k.mv_size);
            continue;
        }
        int same = prev.len == tl && memcmp(prev.p, k.mv_data, tl) == 0;
        if (!same) {
            s->terms++;
            buf_reset(&prev);
            buf_put(&prev, k.mv_data, tl);
        }
        s->blocks++;
        if (!c) {
            if (codec_block_count(v.mv_data, v.mv_size, &n) == BS_OK)
                s->postings += n;
            continue;
        }
        plist_reset(&pl);
        if (codec_block_decode(v.mv_data, v.mv_size, first, &pl, &why) != BS_OK) {
            problem(c, "terms: block of \"%.*s\" at post %u: %s", (int)tl,
                    (const char *)k.mv_data, first, why);
            continue;
        }
        s->postings += pl.n;
        if (same && first <= prev_last)
            problem(c, "terms: blocks of \"%.*s\" overlap at post %u", (int)tl,
                    (const char *)k.mv_data, first);
        for (size_t i = 0; i < pl.n; i++)
            if (!has(&docs, pl.docid[i]))
                problem(c, "terms: \"%.*s\" lists post %u, which does not exist", (int)tl,
                        (const char *)k.mv_data, pl.docid[i]);
        prev_last = pl.docid[pl.n - 1];
    }
    mdb_cursor_close(cur);
    plist_free(&pl);
    buf_free(&prev);

    /* facets: each key once, then its duplicates; with --check, each
     * (post, tag id) pair, to hold against doctags */
    pairs fp = { 0 }, dp = { 0 };
    cur = cursor_on(c, txn, st->facets, "facets");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
        char kind = k.mv_size ? *(const char *)k.mv_data : 0;
        s->tags += kind == FACET_TAG;
        s->categories += kind == FACET_CATEGORY;
        s->authors += kind == FACET_AUTHOR;
        int64_t tid = -1;
        if (c && kind == FACET_TAG && (tid = tag_id_of(st, txn, k.mv_data, k.mv_size)) < 0)
            problem(c, "tagids: the tag \"%.*s\" has no id", (int)k.mv_size - 1,
                    (const char *)k.mv_data + 1);
        MDB_val dk, dv;
        for (int r = mdb_cursor_get(cur, &dk, &dv, MDB_FIRST_DUP); r == 0 && c;
             r = mdb_cursor_get(cur, &dk, &dv, MDB_NEXT_DUP)) {
            if (dv.mv_size != 4) {
                problem(c, "facets: value of %zu bytes", dv.mv_size);
                continue;
            }
            uint32_t id = codec_get_u32be(dv.mv_data);
            if (!has(&docs, id))
                problem(c, "facets: \"%.*s\" lists post %u, which does not exist",
                        (int)k.mv_size, (const char *)k.mv_data, id);
            if (tid >= 0)
                pairs_add(&fp, id, (uint32_t)tid);
        }
    }
    mdb_cursor_close(cur);

    /* doctags: every post's tag ids are those its facets give */
    if (c) {
        doctags_chunk dc = { { 0 }, NULL, 0, 0 };
        cur = cursor_on(c, txn, st->doctags, "doctags");
        for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
             rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
            if (k.mv_size != 4) {
                problem(c, "doctags: key of %zu bytes", k.mv_size);
                continue;
            }
            uint32_t chunk = codec_get_u32be(k.mv_data);
            if (codec_doctags_decode(v.mv_data, v.mv_size, UINT64_MAX, &dc, &why) != BS_OK) {
                problem(c, "doctags: chunk %u does not decode: %s", chunk, why);
                continue;
            }
            const uint32_t *tid = dc.ids;
            for (uint32_t i = 0; i < LENS_PER_CHUNK; tid += dc.n[i], i++) {
                uint32_t id = chunk * LENS_PER_CHUNK + i;
                if (dc.n[i] && !has(&docs, id))
                    problem(c, "doctags: tags of post %u, which does not exist", id);
                for (uint32_t j = 0; j < dc.n[i]; j++)
                    pairs_add(&dp, id, tid[j]);
            }
        }
        mdb_cursor_close(cur);
        codec_doctags_free(&dc);
        if (fp.oom || dp.oom) {
            problem(c, "out of memory comparing doctags with facets");
        } else {
            if (fp.n > 1)
                qsort(fp.v, fp.n, sizeof *fp.v, by_pair);
            if (dp.n > 1)
                qsort(dp.v, dp.n, sizeof *dp.v, by_pair);
            size_t i = 0, j = 0, shown = 0;
            while ((i < fp.n || j < dp.n) && shown < 10) {
                if (i < fp.n && j < dp.n && fp.v[i] == dp.v[j]) {
                    i++;
                    j++;
                    continue;
                }
                int in_facets = j >= dp.n || (i < fp.n && fp.v[i] < dp.v[j]);
                uint64_t x = in_facets ? fp.v[i++] : dp.v[j++];
                problem(c, "doctags: post %u %s tag id %u, which facets %s",
                        (unsigned)(x >> 32), in_facets ? "lacks" : "has", (unsigned)x,
                        in_facets ? "give it" : "do not");
                shown++;
            }
        }
    }
    free(fp.v);
    free(dp.v);

    /* dates */
    uint32_t first = 0, last = 0;
    cur = cursor_on(c, txn, st->dates, "dates");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 12) {
            problem(c, "dates: key of %zu bytes", k.mv_size);
            continue;
        }
        uint32_t id = codec_get_u32be((const uint8_t *)k.mv_data + 8);
        if (!s->has_dates)
            first = id;
        last = id;
        s->has_dates = 1;
        if (!has(&docs, id))
            problem(c, "dates: a date lists post %u, which does not exist", id);
    }
    mdb_cursor_close(cur);
    if (s->has_dates && (post_date(st, txn, first, &s->first_date, &s->first_tz_min) != BS_OK
                         || post_date(st, txn, last, &s->last_date, &s->last_tz_min) != BS_OK)) {
        problem(c, "dates: post %u or %u, the first and last by date, has no date", first,
                last);
        s->has_dates = 0;
    }

    /* paths */
    cur = cursor_on(c, txn, st->paths, "paths");
    for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
         rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        path_record r;
        s->paths++;
        if (codec_path_decode(v.mv_data, v.mv_size, &r) != BS_OK) {
            problem(c, "paths: \"%.*s\" does not decode", (int)k.mv_size, (const char *)k.mv_data);
            continue;
        }
        if (r.docid && !has(&docs, r.docid))
            problem(c, "paths: \"%.*s\" names post %u, which does not exist", (int)k.mv_size,
                    (const char *)k.mv_data, r.docid);
        else if (r.docid && paths_of && paths_of[r.docid]++)
            problem(c, "paths: post %u is named by two paths", r.docid);
    }
    mdb_cursor_close(cur);
    for (uint32_t id = 1; paths_of && id < ss.next_docid; id++)
        if (has(&docs, id) && !paths_of[id])
            problem(c, "paths: post %u has no path", id);
    free(paths_of);
    free(docs.bits);
    return BS_OK;
}

/* Opens the index read-only with a read transaction on it. */
static int open_read(const char *dir, store **st, MDB_txn **txn, char *errbuf, size_t errlen)
{
    int rc = store_open(st, dir, STORE_RDONLY, errbuf, errlen);
    if (rc != BS_OK)
        return rc;
    if ((rc = store_txn_begin(*st, MDB_RDONLY, txn)) != BS_OK) {
        snprintf(errbuf, errlen, "%s", store_err());
        store_close(*st);
        *st = NULL;
    }
    return rc;
}

typedef int (*read_fn)(store *st, MDB_txn *txn, void *ctx, char *errbuf, size_t errlen);

/* work in one read transaction on the index in dir, under a guard
 * (store/guard.c): a read that faults is the index's damage, BS_ECORRUPT,
 * and the transaction and environment are abandoned. */
static int with_read(const char *dir, read_fn work, void *ctx, char *errbuf, size_t errlen)
{
    store *st;
    MDB_txn *txn;
    int rc = open_read(dir, &st, &txn, errbuf, errlen);
    if (rc != BS_OK)
        return rc;
    store_guard g;
    store_guard_push(&g);
    if (sigsetjmp(g.jb, 1) != 0)
        return store_guard_fault(&g, st, dir, errbuf, errlen);
    rc = work(st, txn, ctx, errbuf, errlen);
    store_guard_pop(&g);
    mdb_txn_abort(txn);
    store_close(st);
    return rc;
}

typedef struct {
    checker *c;
    index_stats *s;
} inspection;

static int inspect_work(store *st, MDB_txn *txn, void *ctx, char *errbuf, size_t errlen)
{
    inspection *in = ctx;
    int rc = scan(st, txn, in->c, in->s, errbuf, errlen);
    in->s->used_bytes = store_used_bytes(st);
    char path[4096];
    struct stat sb;
    snprintf(path, sizeof path, "%s/data.mdb", st->dir);
    if (stat(path, &sb) == 0)        /* on disk: the file is sparse (store.c) */
        in->s->file_bytes = (uint64_t)sb.st_blocks * 512;
    return rc;
}

static int inspect(const char *dir, checker *c, index_stats *s, char *errbuf, size_t errlen)
{
    memset(s, 0, sizeof *s);
    inspection in = { c, s };
    return with_read(dir, inspect_work, &in, errbuf, errlen);
}

static void putf(txt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void putf(txt_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void index_stats_format(const index_stats *s, const char *dir, int json, txt_buf *out)
{
    char first[DATE_FORMAT_BYTES] = "", last[DATE_FORMAT_BYTES] = "";
    if (s->has_dates) {
        date_format_at(s->first_date, s->first_tz_min, first);
        date_format_at(s->last_date, s->last_tz_min, last);
    }
    if (json) {
        buf_puts(out, "{\"index\": ");
        buf_put_json(out, dir, strlen(dir));
        putf(out, ", \"posts\": %llu, \"terms\": %llu, \"postings\": %llu, \"tags\": %llu, "
             "\"categories\": %llu, \"authors\": %llu, ", (unsigned long long)s->posts,
             (unsigned long long)s->terms, (unsigned long long)s->postings,
             (unsigned long long)s->tags, (unsigned long long)s->categories,
             (unsigned long long)s->authors);
        if (s->has_dates)
            putf(out, "\"first_date\": \"%s\", \"last_date\": \"%s\"", first, last);
        else
            buf_puts(out, "\"first_date\": null, \"last_date\": null");
        putf(out, ", \"text_bytes\": %llu, \"index_bytes\": %llu, \"used_bytes\": %llu}\n",
             (unsigned long long)s->text_bytes, (unsigned long long)s->file_bytes,
             (unsigned long long)s->used_bytes);
        return;
    }
    putf(out, "index:      %s\n", dir);
    putf(out, "posts:      %llu\n", (unsigned long long)s->posts);
    putf(out, "terms:      %llu\n", (unsigned long long)s->terms);
    putf(out, "postings:   %llu\n", (unsigned long long)s->postings);
    putf(out, "tags:       %llu (categories %llu, authors %llu)\n", (unsigned long long)s->tags,
         (unsigned long long)s->categories, (unsigned long long)s->authors);
    if (s->has_dates)
        putf(out, "dates:      %s to %s\n", first, last);
    else
        buf_puts(out, "dates:      none\n");
    putf(out, "text:       %.1f MB of post text\n", (double)s->text_bytes / 1e6);
    putf(out, "index size: %.1f MB (%.1f MB in use)\n", (double)s->file_bytes / 1e6,
         (double)s->used_bytes / 1e6);
}

int index_stats_read(const char *dir, index_stats *s, char *errbuf, size_t errlen)
{
    return inspect(dir, NULL, s, errbuf, errlen);
}

static int posts_work(store *st, MDB_txn *txn, void *ctx, char *errbuf, size_t errlen)
{
    store_stats ss;
    int rc = store_get_stats(st, txn, &ss);
    if (rc == BS_OK)
        *(uint64_t *)ctx = ss.ndocs;
    else
        snprintf(errbuf, errlen, "%s", store_err());
    return rc;
}

int index_posts(const char *dir, uint64_t *n, char *errbuf, size_t errlen)
{
    return with_read(dir, posts_work, n, errbuf, errlen);
}

int index_check(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx,
                index_stats *s, char *errbuf, size_t errlen)
{
    checker c = { report, ctx, 0, 0 };
    int rc = inspect(dir, &c, s, errbuf, errlen);
    if (rc == BS_OK && c.problems) {
        snprintf(errbuf, errlen, "%zu problem%s found: the index %s is damaged; rebuild it "
                 "with blogsearch-index --full", c.problems, c.problems == 1 ? "" : "s", dir);
        return BS_ECORRUPT;
    }
    return rc;
}

typedef struct {
    void (*fn)(void *ctx, char kind, const char *value, size_t len, size_t count);
    void *ctx;
} facets_job;

static int facets_work(store *st, MDB_txn *txn, void *ctx, char *errbuf, size_t errlen)
{
    facets_job *job = ctx;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = BS_OK, mrc = mdb_cursor_open(txn, st->facets, &cur);
    if (mrc != 0) {
        rc = store_fail(st, mrc, "reading the tags");
        snprintf(errbuf, errlen, "%s", store_err());
        return rc;
    }
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0;
         mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
        size_t count = 0;
        if (k.mv_size < 1 || mdb_cursor_count(cur, &count) != 0)
            continue;
        job->fn(job->ctx, *(const char *)k.mv_data, (const char *)k.mv_data + 1,
                k.mv_size - 1, (size_t)count);
    }
    if (mrc != MDB_NOTFOUND) {
        rc = store_fail(st, mrc, "reading the tags");
        snprintf(errbuf, errlen, "%s", store_err());
    }
    mdb_cursor_close(cur);         /* a read-only transaction does not free its cursors */
    return rc;
}

/* The first problem, for index_verify's message. */
static void keep_first(void *ctx, const char *msg)
{
    char *first = ctx;
    if (!first[0])
        snprintf(first, 600, "%s", msg);
}

int index_verify(store *st, char *errbuf, size_t errlen)
{
    char first[600] = "";
    checker c = { keep_first, first, 0, 1 };
    index_stats s = { 0 };
    MDB_txn *txn;
    int rc = store_txn_begin(st, MDB_RDONLY, &txn);
    if (rc != BS_OK) {
        snprintf(errbuf, errlen, "%s", store_err());
        return rc;
    }
    rc = scan(st, txn, &c, &s, errbuf, errlen);
    mdb_txn_abort(txn);
    if (rc == BS_OK && c.problems) {
        snprintf(errbuf, errlen, "the index %s is damaged (%zu problem%s, the first: %s); "
                 "rebuild it with blogsearch-index --full", st->dir, c.problems,
                 c.problems == 1 ? "" : "s", first);
        return BS_ECORRUPT;
    }
    return rc;
}

int index_facets(const char *dir, void (*fn)(void *ctx, char kind, const char *value,
                                              size_t len, size_t count),
                 void *ctx, char *errbuf, size_t errlen)
{
    facets_job job = { fn, ctx };
    return with_read(dir, facets_work, &job, errbuf, errlen);
}

static void json_field(txt_buf *b, const char *name, const char *s, size_t len)
{
    buf_puts(b, ", \"");
    buf_puts(b, name);
    buf_puts(b, "\": ");
    buf_put_json(b, s, len);
}

static void json_list(txt_buf *b, const char *name, const char *const *v, const size_t *lens,
                      size_t n)
{
    buf_puts(b, ", \"");
    buf_puts(b, name);
    buf_puts(b, "\": [");
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_puts(b, ", ");
        buf_put_json(b, v[i], lens[i]);
    }
    buf_putc(b, ']');
}

typedef struct {
    void (*fn)(void *ctx, const char *json, size_t len);
    void *ctx;
} dump_job;

static int dump_work(store *st, MDB_txn *txn, void *job_ctx, char *errbuf, size_t errlen)
{
    dump_job *job = job_ctx;
    MDB_cursor *cur;
    MDB_val k, v;
    const char *dir = st->dir;
    int rc = BS_OK;
    if (mdb_cursor_open(txn, st->docs, &cur) != 0) {
        snprintf(errbuf, errlen, "cannot read the posts of %s", dir);
        return BS_ERROR;
    }
    txt_buf b = { 0 };
    int mrc;
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == BS_OK;
         mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        doc_record d;
        const char *why;
        if (k.mv_size != 4 || codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK) {
            snprintf(errbuf, errlen, "the index %s is damaged (a post record does not decode); "
                     "rebuild it with blogsearch-index --full", dir);
            rc = BS_ECORRUPT;
            break;
        }
        char num[64], date[DATE_FORMAT_BYTES];
        buf_reset(&b);
        snprintf(num, sizeof num, "{\"docid\": %u", codec_get_u32be(k.mv_data));
        buf_puts(&b, num);
        json_field(&b, "path", d.path, d.path_len);
        json_field(&b, "url", d.url, d.url_len);
        json_field(&b, "title", d.title, d.title_len);
        json_field(&b, "slug", d.slug, d.slug_len);
        if (d.has_date) {
            date_format_at(d.date, d.tz_min, date);
            json_field(&b, "date", date, strlen(date));
            snprintf(num, sizeof num, ", \"utc_offset\": %d", d.tz_min);
            buf_puts(&b, num);
        } else {
            buf_puts(&b, ", \"date\": null, \"utc_offset\": null");
        }
        json_field(&b, "category", d.ncategories ? d.categories[0] : "",
                   d.ncategories ? d.category_len[0] : 0);
        json_list(&b, "categories", d.categories, d.category_len, d.ncategories);
        json_field(&b, "author", d.author, d.author_len);
        json_field(&b, "description", d.description, d.description_len);
        json_field(&b, "format", d.format, d.format_len);
        json_list(&b, "tags", d.tags, d.tag_len, d.ntags);
        snprintf(num, sizeof num, ", \"lengths\": [%u, %u, %u, %u], \"body_bytes\": %llu}",
                 d.len[0], d.len[1], d.len[2], d.len[3], (unsigned long long)d.body_bytes);
        buf_puts(&b, num);
        codec_doc_free(&d);
        if (b.err) {
            snprintf(errbuf, errlen, "out of memory");
            rc = BS_ENOMEM;
            break;
        }
        job->fn(job->ctx, b.p, b.len);
    }
    buf_free(&b);
    mdb_cursor_close(cur);
    return rc;
}

int index_dump(const char *dir, void (*fn)(void *ctx, const char *json, size_t len), void *ctx,
               char *errbuf, size_t errlen)
{
    dump_job job = { fn, ctx };
    return with_read(dir, dump_work, &job, errbuf, errlen);
}
