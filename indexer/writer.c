/* writer.c: brings an index up to date with a set of post files (or posts
 * given in memory), in one LMDB write transaction: the run, reading each
 * file, and adding and taking out posts. Their postings are postings.c's,
 * the lens chunks and tags a run holds until its end chunks.c's. Knows the
 * index only through store.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include "indexer/writer.h"

#define ZSTD_LEVEL (-1)          /* fast; level 1 would save 7% of the index size */
#define BINARY_PROBE 8000        /* bytes searched for NUL to call a file binary */

/* ---- the writer --------------------------------------------------------- */

int wr_fail(writer *w, int rc, const char *what)
{
    int s = store_fail(w->st, rc, what);
    snprintf(w->err, w->errlen, "%s", store_err());
    return s;
}

int wr_oom(writer *w)
{
    snprintf(w->err, w->errlen, "out of memory");
    return BS_ENOMEM;
}

int wr_corrupt(writer *w, const char *what, const char *why)
{
    snprintf(w->err, w->errlen, "the index %s is damaged (%s: %s); rebuild it with "
             "blogsearch-index --full", w->st->dir, what, why);
    return BS_ECORRUPT;
}

int wr_put(writer *w, MDB_dbi dbi, const void *k, size_t klen, const void *v, size_t vlen,
               unsigned flags, const char *what)
{
    MDB_val key = { klen, (void *)k }, val = { vlen, (void *)v };
    int rc = mdb_put(w->txn, dbi, &key, &val, flags);
    if (rc != 0)
        return wr_fail(w, rc, what);
    w->dirty = 1;
    return BS_OK;
}

/* The text of each field as analyzed: the tags field is the tags and the
 * categories, one a line. Deleting a post analyzes the same texts again,
 * from its record. */
static void tags_field_text(txt_buf *out, size_t ntags, const char *const *tagv,
                            const size_t *tag_len, size_t ncats, const char *const *catv,
                            const size_t *cat_len)
{
    buf_reset(out);
    for (size_t i = 0; i < ntags + ncats; i++) {
        if (i)
            buf_putc(out, '\n');
        if (i < ntags)
            buf_put(out, tagv[i], tag_len[i]);
        else
            buf_put(out, catv[i - ntags], cat_len[i - ntags]);
    }
}

static int analyze_fields(writer *w, const char *text[BS_NFIELDS], const size_t len[BS_NFIELDS])
{
    dt_reset(&w->dt);
    for (int f = 0; f < BS_NFIELDS; f++) {
        uint32_t pos = 0;
        w->dt.field = f;
        int rc = an_analyze(w->an, text[f], len[f], &pos, dt_token, &w->dt);
        if (rc != 0 || w->dt.err)
            return wr_oom(w);
    }
    return BS_OK;
}

/* ---- taking a post out -------------------------------------------------- */

static int delete_doc(writer *w, uint32_t docid)
{
    /* a post added earlier in this run (a batch that puts one path twice)
     * still has its postings and tags in memory: they are written first, to
     * be removed below with the rest */
    if (docid >= w->flushed_below) {
        int frc = postings_flush(w);
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
        return wr_fail(w, rc, "reading a post");
    doc_record d;
    const char *why;
    rc = codec_doc_decode(v.mv_data, v.mv_size, &d, &why);
    if (rc != BS_OK)
        return rc == BS_ENOMEM ? wr_oom(w) : wr_corrupt(w, "docs", why);
    txt_buf body = { 0 };
    rc = store_read_text(w->st, w->txn, docid, d.body_bytes, &body);
    if (rc == BS_ECORRUPT)
        snprintf(w->err, w->errlen, "%s", store_err());
    else if (rc == BS_ENOMEM)
        rc = wr_oom(w);
    if (rc == BS_OK) {
        tags_field_text(&w->tb, d.ntags, d.tags, d.tag_len, d.ncategories, d.categories,
                        d.category_len);
        const char *text[BS_NFIELDS] = { d.title, w->tb.p ? w->tb.p : "", d.description,
                                         body.p ? body.p : "" };
        size_t len[BS_NFIELDS] = { d.title_len, w->tb.len, d.description_len, body.len };
        rc = analyze_fields(w, text, len);
    }
    MDB_cursor *c = NULL;
    if (rc == BS_OK && (rc = mdb_cursor_open(w->txn, w->st->terms, &c)) != 0)
        rc = wr_fail(w, rc, "removing postings");
    for (size_t t = 0; rc == BS_OK && t < w->dt.nterms; t++)
        rc = postings_remove(w, c, w->dt.arena.p + w->dt.off[t], w->dt.len[t], docid);
    if (c)
        mdb_cursor_close(c);
    for (size_t i = 0; rc == BS_OK && i < d.ntags; i++)
        rc = facet_del(w, FACET_TAG, d.tags[i], d.tag_len[i], docid);
    if (rc == BS_OK && d.ntags)
        rc = tags_hold(w, docid, NULL, 0);
    for (size_t i = 0; rc == BS_OK && i < d.ncategories; i++)
        rc = facet_del(w, FACET_CATEGORY, d.categories[i], d.category_len[i], docid);
    if (rc == BS_OK)
        rc = facet_del(w, FACET_AUTHOR, d.author, d.author_len, docid);
    if (rc == BS_OK)
        rc = facet_del(w, FACET_SLUG, d.slug, d.slug_len, docid);
    if (rc == BS_OK && d.has_date) {
        uint8_t k12[12];
        key_date(k12, codec_local_date(d.date, d.tz_min), docid);
        MDB_val dk = { 12, k12 };
        int mrc = mdb_del(w->txn, w->st->dates, &dk, NULL);
        if (mrc != 0 && mrc != MDB_NOTFOUND)
            rc = wr_fail(w, mrc, "removing a date");
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
                rc = wr_fail(w, mrc, "removing a post's text");
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
            rc = wr_fail(w, mrc, "removing a post");
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

/* ---- adding a post ------------------------------------------------------ */

/* The strings of a NUL-separated list (n of them in b) as arrays in *v and
 * *lens, grown to *cap as needed; *got: how many there are. */
static int list_arrays(writer *w, const txt_buf *b, size_t n, const char ***v, size_t **lens,
                       size_t *cap, size_t *got)
{
    if (n > *cap) {
        const char **nv = realloc(*v, n * sizeof *nv);
        if (nv)
            *v = nv;
        size_t *nl = nv ? realloc(*lens, n * sizeof *nl) : NULL;
        if (!nl)
            return wr_oom(w);
        *lens = nl;
        *cap = n;
    }
    size_t i = 0;
    for (const char *t = b->p; t && t < b->p + b->len && i < n; t += strlen(t) + 1) {
        (*v)[i] = t;
        (*lens)[i++] = strlen(t);
    }
    *got = i;
    return BS_OK;
}

typedef struct {
    const char *s;
    size_t len, at;
} str_at;

static int by_str_at(const void *a, const void *b)
{
    const str_at *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
    if (c || x->len != y->len)
        return c ? c : x->len < y->len ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

/* Drops the strings of v (n of them) that an earlier one equals, keeping
 * the order; *left: how many are left. Sorted, not compared pairwise: a
 * header may hold a great many. */
static int distinct(writer *w, const char **v, size_t *lens, size_t n, size_t *left)
{
    *left = n;
    if (n < 2)
        return BS_OK;
    str_at *s = malloc(n * sizeof *s);
    if (!s)
        return wr_oom(w);
    for (size_t i = 0; i < n; i++)
        s[i] = (str_at){ v[i], lens[i], i };
    qsort(s, n, sizeof *s, by_str_at);
    for (size_t i = 1; i < n; i++)
        if (s[i].len == s[i - 1].len && memcmp(s[i].s, s[i - 1].s, s[i].len) == 0)
            v[s[i].at] = NULL;           /* a later copy of the one before it */
    free(s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i]) {
            v[k] = v[i];
            lens[k++] = lens[i];
        }
    *left = k;
    return BS_OK;
}

static int add_doc(writer *w, const char *path, const post *p, uint32_t *docid_out)
{
    if (w->stats.next_docid >= UINT32_MAX) {
        snprintf(w->err, w->errlen, "the index has used all 2^32 post numbers; rebuild it "
                 "with blogsearch-index --full");
        return BS_ERROR;
    }
    size_t ntags, ncats;
    int rc = list_arrays(w, &p->tags, p->ntags, &w->tagv, &w->tag_len, &w->tagvcap, &ntags);
    if (rc == BS_OK)
        rc = list_arrays(w, &p->categories, p->ncategories, &w->catv, &w->cat_len, &w->catvcap,
                         &ncats);
    if (rc == BS_OK)
        rc = distinct(w, w->catv, w->cat_len, ncats, &ncats);
    if (rc != BS_OK)
        return rc;
    const char **tagv = w->tagv, **catv = w->catv;
    size_t *tag_len = w->tag_len, *cat_len = w->cat_len;
    uint32_t docid = (uint32_t)w->stats.next_docid++;
    tags_field_text(&w->tb, ntags, tagv, tag_len, ncats, catv, cat_len);
    const char *text[BS_NFIELDS] = { p->title.p ? p->title.p : "", w->tb.p ? w->tb.p : "",
                                     p->description.p ? p->description.p : "",
                                     p->body.p ? p->body.p : "" };
    size_t len[BS_NFIELDS] = { p->title.len, w->tb.len, p->description.len, p->body.len };
    rc = analyze_fields(w, text, len);
    if (rc == BS_OK)
        rc = postings_gather(w, docid);
    if (rc != BS_OK)
        return rc;

    /* stored fields */
    txt_buf url = { 0 };
    post_url(&url, w->o->url_prefix, p);
    static const char *const formats[] = { "rst", "md", "html", "txt", "org" };
    doc_record d = {
        .has_date = p->has_date, .date = p->date, .tz_min = p->has_date ? p->tz_min : 0,
        .path = path, .path_len = strlen(path),
        .url = url.p ? url.p : "", .url_len = url.len,
        .title = text[0], .title_len = len[0],
        .slug = p->slug.p ? p->slug.p : "", .slug_len = p->slug.len,
        .ncategories = ncats, .categories = catv, .category_len = cat_len,
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
        return wr_oom(w);
    uint8_t k4[4];
    key_docid(k4, docid);
    /* docids only grow, so records are appended at the end of the tree */
    rc = wr_put(w, w->st->docs, k4, 4, w->vb.p, w->vb.len, MDB_APPEND, "writing a post");

    /* the body text, compressed, in leaf-sized chunks */
    if (rc == BS_OK && p->body.len) {
        size_t cap = ZSTD_compressBound(p->body.len);
        char *z = malloc(cap);
        if (!z)
            return wr_oom(w);
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
            rc = wr_put(w, w->st->texts, k6, 6, z + off, n, MDB_APPEND, "writing a post's text");
        }
        free(z);
    }
    size_t first_tag = w->nfa;
    for (size_t i = 0; rc == BS_OK && i < ntags; i++)
        rc = facet_put(w, FACET_TAG, tagv[i], tag_len[i], docid);
    if (rc == BS_OK && w->nfa > first_tag)
        rc = tags_hold_ids(w, docid, first_tag);
    for (size_t i = 0; rc == BS_OK && i < ncats; i++)
        rc = facet_put(w, FACET_CATEGORY, catv[i], cat_len[i], docid);
    if (rc == BS_OK)
        rc = facet_put(w, FACET_AUTHOR, d.author, d.author_len, docid);
    if (rc == BS_OK)
        rc = facet_put(w, FACET_SLUG, d.slug, d.slug_len, docid);
    if (rc == BS_OK && p->has_date) {
        uint8_t k12[12];
        key_date(k12, codec_local_date(d.date, d.tz_min), docid);
        rc = wr_put(w, w->st->dates, k12, 12, "", 0, 0, "writing a date");
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

/* ---- reading a post file ------------------------------------------------ */

static void diag(writer *w, const char *path, diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void diag(writer *w, const char *path, diag_level level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(msg, sizeof msg, fmt, ap);
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
        return wr_oom(w);
    return wr_put(w, w->st->paths, e->path, strlen(e->path), w->vb.p, w->vb.len, 0,
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
            return wr_corrupt(w, "paths", e->path);
        known = 1;
    } else if (rc != MDB_NOTFOUND) {
        return wr_fail(w, rc, "reading a path");
    }
    if (e->skip) {
        *outcome = DONE_SKIPPED;
        *why = e->skip;
        if (!known)
            return BS_OK;
        rc = old.docid ? delete_doc(w, old.docid) : BS_OK;
        return rc == BS_OK ? write_path(w, e, 0, 0) : rc;
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
            return wr_oom(w);
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
    post_opts po = { w->zone, w->o->diag, w->o->diag_ctx, e->permalink };
    if (!skip && post_parse(&p, e->path, data.p, data.len, e->meta_path ? meta.p : NULL,
                            meta.len, &po) != 0) {
        post_free(&p);
        buf_free(&data);
        buf_free(&meta);
        return wr_oom(w);
    }
    buf_free(&data);
    buf_free(&meta);
    if (!skip && p.skip) {
        skip = 2;
        *why = p.skip;
    } else if (!skip && p.draft && !w->o->drafts) {
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
            return wr_corrupt(w, "paths", op->path);
        known = 1;
    } else if (rc != MDB_NOTFOUND) {
        return wr_fail(w, rc, "reading a path");
    }
    rc = known && old.docid ? delete_doc(w, old.docid) : BS_OK;
    if (rc != BS_OK)
        return rc;
    if (op->del) {
        if (!known)
            return BS_OK;
        int mrc = mdb_del(w->txn, w->st->paths, &k, NULL);
        if (mrc != 0)
            return wr_fail(w, mrc, "removing a path");
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

/* Takes out the path record at the cursor (path, its value v) and its post. */
static int drop_path(writer *w, MDB_cursor *c, const char *path, const MDB_val *v)
{
    path_record r;
    if (codec_path_decode(v->mv_data, v->mv_size, &r) != BS_OK)
        return wr_corrupt(w, "paths", path);
    int rc = mdb_cursor_del(c, 0);
    if (rc != 0)
        return wr_fail(w, rc, "removing a path");
    w->dirty = 1;
    if (!r.docid)
        return BS_OK;
    if ((rc = delete_doc(w, r.docid)) != BS_OK)
        return rc;
    w->sum->removed++;
    if (w->o->event)
        w->o->event(w->o->event_ctx, path, "removed");
    return BS_OK;
}

/* Posts that were indexed under the walked roots and are gone now: of the
 * paths that start with prefix ("" for all). */
static int remove_missing(writer *w, MDB_cursor *c, const char *prefix)
{
    size_t plen = strlen(prefix);
    MDB_val k = { plen, (void *)prefix }, v;
    int st = BS_OK, rc;
    char *path = NULL;
    for (rc = mdb_cursor_get(c, &k, &v, plen ? MDB_SET_RANGE : MDB_FIRST); rc == 0 && st == BS_OK;) {
        if (k.mv_size < plen || memcmp(k.mv_data, prefix, plen) != 0)
            break;
        char *np = realloc(path, k.mv_size + 1);
        if (!np) {
            st = wr_oom(w);
            break;
        }
        path = np;
        memcpy(path, k.mv_data, k.mv_size);
        path[k.mv_size] = '\0';
        if (!walk_under_roots(w->list, path) || walk_find(w->list, path)) {
            rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
            continue;
        }
        /* deleting the post moves the cursor's database pages: drop the
         * path record first, then look the position up again */
        if ((st = drop_path(w, c, path, &v)) != BS_OK)
            break;
        MDB_val again = { strlen(path), path };
        k = again;
        rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    }
    if (st == BS_OK && rc != 0 && rc != MDB_NOTFOUND)
        st = wr_fail(w, rc, "reading paths");
    free(path);
    return st;
}

/* A run over a list of changed paths looks at the places listed only: an
 * indexed path that is one of them, or below one, and that the list does
 * not hold is gone. Two lookups a place, whatever the index holds. */
static int remove_listed(writer *w, MDB_cursor *c)
{
    const walk_list *l = w->list;
    txt_buf below = { 0 };
    int st = BS_OK;
    for (size_t i = 0; i < l->nscopes && st == BS_OK; i++) {
        const char *s = l->scopes[i];
        MDB_val k = { strlen(s), (void *)s }, v;
        int rc = mdb_cursor_get(c, &k, &v, MDB_SET);
        if (rc == 0 && !walk_find(l, s))
            st = drop_path(w, c, s, &v);
        else if (rc != 0 && rc != MDB_NOTFOUND)
            st = wr_fail(w, rc, "reading paths");
        buf_reset(&below);
        buf_puts(&below, s);
        if (below.len && below.p[below.len - 1] != '/')
            buf_putc(&below, '/');
        if (below.err)
            st = wr_oom(w);
        if (st == BS_OK)
            st = remove_missing(w, c, below.p);
    }
    buf_free(&below);
    return st;
}

static int remove_gone(writer *w)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(w->txn, w->st->paths, &c);
    if (rc != 0)
        return wr_fail(w, rc, "reading paths");
    rc = w->list->changed ? remove_listed(w, c) : remove_missing(w, c, "");
    mdb_cursor_close(c);
    return rc;
}

/* ---- options of the index, and the run ---------------------------------- */

static int same_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* A run over a list of changed paths reads only those, so it cannot take
 * options that change what every post yields: refused, saying which differ
 * (old NULL: the index's cannot be read; missing: it keeps none). */
static int refuse_changed(writer *w, int missing, const index_options *old,
                          const index_options *now)
{
    if (missing || !old) {
        snprintf(w->err, w->errlen, "--changed: %s; run blogsearch-index once without "
                 "--changed", missing ? "the index keeps no record of the options it was "
                 "built with" : "the index's options cannot be read");
        return BS_ERROR;
    }
    txt_buf b = { 0 };
    if (old->drafts != now->drafts)
        buf_puts(&b, now->drafts ? "--drafts is given and the index was built without it"
                                 : "the index was built with --drafts and this run has none");
    if (!same_bytes(old->zone, old->zone_len, now->zone, now->zone_len)) {
        buf_puts(&b, b.len ? "; --timezone " : "--timezone ");
        buf_put(&b, now->zone, now->zone_len);
        buf_puts(&b, " and the index's zone is ");
        buf_put(&b, old->zone, old->zone_len);
    }
    if (!same_bytes(old->url_prefix, old->url_prefix_len, now->url_prefix,
                    now->url_prefix_len)) {
        buf_puts(&b, b.len ? "; " : "");
        if (!now->url_prefix_len) {
            buf_puts(&b, "the index was built with --url-prefix ");
            buf_put(&b, old->url_prefix, old->url_prefix_len);
            buf_puts(&b, " and this run has none");
        } else {
            buf_puts(&b, "--url-prefix ");
            buf_put(&b, now->url_prefix, now->url_prefix_len);
            buf_puts(&b, old->url_prefix_len ? " and the index's is "
                                             : " is given and the index has none");
            buf_put(&b, old->url_prefix, old->url_prefix_len);
        }
    }
    snprintf(w->err, w->errlen, "--changed: %s; a run with options other than the index's "
             "reads every post again: run blogsearch-index without --changed (or give the "
             "index's options)", b.err || !b.p ? "the options differ from the index's" : b.p);
    buf_free(&b);
    return BS_ERROR;
}

/* The run's options into opt, and its zone into w->zone: --timezone, else the
 * zone of the index's last run, else UTC. *force: they differ from the last
 * run's, so every post is read again; *missing: the index has none yet. */
static int run_options(writer *w, txt_buf *opt, int *force, int *missing)
{
    MDB_val ok = { 7, "options" }, ov;
    int mrc = mdb_get(w->txn, w->st->meta, &ok, &ov);
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return wr_fail(w, mrc, "reading the index options");
    *missing = mrc == MDB_NOTFOUND;
    index_options old;
    int have_old = mrc == 0 && w->st->format >= BS_OPTIONS_SINCE
                   && w->st->format <= BS_FORMAT_VERSION
                   && codec_options_decode(ov.mv_data, ov.mv_size, &old) == BS_OK;
    char name[256] = "UTC";
    if (w->o->timezone)
        snprintf(name, sizeof name, "%s", w->o->timezone);
    else if (have_old && old.zone_len && old.zone_len < sizeof name)
        snprintf(name, sizeof name, "%.*s", (int)old.zone_len, old.zone);
    else if (mrc == 0 && !have_old && w->o->diag) {
        char msg[256];
        snprintf(msg, sizeof msg, "the index was of format %u, whose zone is not read: dates "
                 "written without a zone are read in UTC (--timezone gives another)",
                 (unsigned)w->st->format);
        w->o->diag(w->o->diag_ctx, w->st->dir, 0, DIAG_WARNING, w->st->format
                   == BS_FORMAT_VERSION ? "the index's options do not decode: dates written "
                   "without a zone are read in UTC (--timezone gives another)" : msg);
    }
    char zerr[512];
    tz_free(w->zone);
    if (tz_open(&w->zone, name, zerr, sizeof zerr) != 0) {
        snprintf(w->err, w->errlen, w->o->timezone ? "--timezone: %s"
                 : "the zone the index was last built with: %s; give one with --timezone",
                 zerr);
        return BS_ERROR;
    }
    const char *u = w->o->url_prefix ? w->o->url_prefix : "";
    index_options now = { w->o->drafts, tz_name(w->zone), strlen(tz_name(w->zone)), u,
                          strlen(u) };
    buf_reset(opt);
    codec_options_encode(&now, opt);
    if (opt->err)
        return wr_oom(w);
    *force = mrc == 0 && (ov.mv_size != opt->len || memcmp(ov.mv_data, opt->p, opt->len) != 0);
    if (w->list->changed && (*missing || *force))
        return refuse_changed(w, *missing, have_old ? &old : NULL, &now);
    return BS_OK;
}

static int empty_all(writer *w)
{
    MDB_dbi dbs[] = { w->st->docs, w->st->texts, w->st->terms, w->st->paths, w->st->facets,
                      w->st->dates, w->st->lens, w->st->doctags, w->st->tagids, w->st->meta };
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0]; i++) {
        int rc = mdb_drop(w->txn, dbs[i], 0);
        if (rc != 0)
            return wr_fail(w, rc, "emptying the index");
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
        rc = postings_flush(w);
    if (rc == BS_OK)
        rc = lens_write_all(w);
    pending_reset(w);
    if (rc == BS_OK && w->dirty)
        rc = store_put_stats(w->st, w->txn, &w->stats);
    /* readers open the index from the first commit of a run on: a first
     * run or batch that changed nothing commits the mark alone */
    if (rc == BS_OK && (w->dirty || !store_built(w->st, w->txn))) {
        rc = store_mark_built(w->st, w->txn);
        w->dirty = 1;
    }
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
    /* the commit marks each page it lists as written clean, touching it
     * again: from a map let go of, only those are mapped */
    store_release_pages(w->st);
    int mrc = mdb_txn_commit(w->txn);
    if (mrc != 0)
        return wr_fail(w, mrc, "committing the index");
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
    spill_forget(w);
    store_release_pages(w->st);      /* what an earlier run left mapped */
    rc = store_get_stats(w->st, w->txn, &w->stats);
    w->flushed_below = w->stats.next_docid;
    if (rc != BS_OK && w->o->full) {
        rc = BS_OK;                  /* a full rebuild starts from nothing anyway */
    } else if (rc != BS_OK) {
        snprintf(w->err, w->errlen, "%s", store_err());
        mdb_txn_abort(w->txn);
        return rc;
    }
    if (!w->list) {                  /* writer_apply: its operations, maybe none */
        for (size_t i = 0; rc == BS_OK && i < w->nops; i++) {
            rc = apply_op(w, &w->ops[i]);
            if (rc == BS_OK && w->acc.bytes + facets_bytes(w) > w->o->mem_limit)
                rc = postings_spill(w);
        }
        return finish_txn(w, rc);
    }
    /* options that change what a post yields make every post be read again */
    txt_buf opt = { 0 };
    int force = 0, missing = 0;
    rc = run_options(w, &opt, &force, &missing);
    if (rc == BS_OK && force && !w->o->full && w->o->diag)
        w->o->diag(w->o->diag_ctx, w->st->dir, 0, DIAG_WARNING, "the options (--drafts, "
                   "--url-prefix, --timezone) differ from the last run; every post is read "
                   "again");
    if (rc == BS_OK && w->o->full)
        rc = empty_all(w);
    if (rc == BS_OK)
        rc = remove_gone(w);

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
            rc = postings_spill(w);
        if (w->o->progress)
            w->o->progress(w->o->progress_ctx, i + 1, w->list->n, w->sum->bytes);
    }
    if (rc == BS_OK && (w->dirty || missing || force))
        rc = wr_put(w, w->st->meta, "options", 7, opt.p, opt.len, 0, "writing the index options");
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
        rc = wr_oom(w);
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
        acc_clear(&w->acc);
        spill_forget(w);
        w->sp.spilled = 0;
    }
out:
    sum->spills = w->sp.spilled;
    acc_free(&w->acc);
    spill_close(w);
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
    free(w->catv);
    free(w->cat_len);
    tz_free(w->zone);
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
    w->sp.fd = -1;
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

/* Up to this much of the index in use, a run checks all of it before it
 * writes (index_verify reads every page: about a second for 300 MB, the
 * index of 100,000 posts); a larger index is checked where a run reads it,
 * and whole by blogsearch-index --check, so that a run after an edit stays
 * a matter of the posts edited. */
#define VERIFY_MAX_BYTES (64ull << 20)

/* A run into the index at dir, under a guard (store/guard.c): a read of a
 * damaged index that faults is BS_ECORRUPT with the environment abandoned.
 * A run that reads what the index holds (not --full, not --changed) of an
 * index up to VERIFY_MAX_BYTES checks it first (index_verify): it never
 * writes over damage, and says so. */
static int run_at(const char *dir, unsigned flags, const walk_list *list,
                  const writer_opts *opts, writer_summary *sum, char *errbuf, size_t errlen)
{
    writer w = { 0 };
    writer_opts local;
    writer_init(&w, &local, opts, sum, errbuf, errlen);
    w.list = list;
    int rc = store_open(&w.st, dir, flags, errbuf, errlen);
    if (rc != BS_OK)
        return rc;
    store_guard g;
    store_guard_push(&g);
    if (sigsetjmp(g.jb, 1) != 0)
        return store_guard_fault(&g, w.st, dir, errbuf, errlen);
    rc = opts->full || list->changed || store_used_bytes(w.st) > VERIFY_MAX_BYTES
         ? BS_OK : index_verify(w.st, errbuf, errlen);
    uint64_t source = 0;
    for (size_t i = 0; i < list->n; i++)
        source += list->v[i].size;
    if (rc == BS_OK)
        rc = run_all(&w, source, errbuf, errlen);
    store_guard_pop(&g);
    sum->posts = list->n;
    store_close(w.st);
    return rc;
}

/* --full over a damaged index (damage: why): LMDB cannot be trusted to
 * empty a damaged environment in place, so a new index is written beside it
 * (DIR.rebuild.XXXXXX, with the directory's group and mode) and swapped
 * into its place in one rename, as a snapshot is (store/aside.c); the
 * damaged one is then removed. Readers see the damaged index or the new
 * one; a run that fails leaves the damaged one where it was. */
static int rebuild_beside(const char *dir, const walk_list *list, const writer_opts *opts,
                          writer_summary *sum, const char *why, char *errbuf, size_t errlen)
{
    char real[STORE_PATH_BYTES], target[STORE_PATH_BYTES], parent[STORE_PATH_BYTES];
    char tmp[STORE_PATH_BYTES], kept[STORE_PATH_BYTES], msg[STORE_ERRLEN + STORE_PATH_BYTES + 128];
    struct stat ds;
    const char *at = realpath(dir, real) ? real : dir;   /* a link: its directory */
    if (store_path_beside(at, ".rebuild.XXXXXX", target, parent, tmp) != 0
        || stat(target, &ds) != 0 || !mkdtemp(tmp)) {
        snprintf(errbuf, errlen, "%s; and no new index can be made beside it: %s", why,
                 strerror(errno));
        return BS_ECORRUPT;
    }
    store_dir_like(tmp, &ds);
    int rc = run_at(tmp, STORE_CREATE, list, opts, sum, errbuf, errlen);
    if (rc == BS_OK && store_swap_dirs(tmp, target, kept, sizeof kept) != 0) {
        snprintf(errbuf, errlen, "%s; a new index was written beside it, but it cannot be put "
                 "in its place: %s", why, strerror(errno));
        rc = BS_ERROR;
    }
    if (rc != BS_OK) {
        store_remove_index_dir(tmp);
        return rc;
    }
    store_sync_dir(parent);
    if (opts->diag) {
        snprintf(msg, sizeof msg, "%s; rebuilt beside it and put in its place%s%s", why,
                 kept[0] ? "; the damaged one is left in " : "", kept);
        opts->diag(opts->diag_ctx, dir, 0, DIAG_WARNING, msg);
        sum->warnings++;
    }
    return BS_OK;
}

int writer_run(const char *dir, const walk_list *list, const writer_opts *opts,
               writer_summary *sum, char *errbuf, size_t errlen)
{
    /* --full rebuilds an index of any version: it is emptied and stamped anew */
    /* a list of changed paths brings an index up to date, never starts one */
    unsigned flags = (list->changed ? 0u : STORE_CREATE) | (opts->full ? STORE_ANY_VERSION : 0u);
    int rc = run_at(dir, flags, list, opts, sum, errbuf, errlen);
    if (rc != BS_ECORRUPT || !opts->full)
        return rc;
    char why[STORE_ERRLEN];
    snprintf(why, sizeof why, "%s", errbuf);
    return rebuild_beside(dir, list, opts, sum, why, errbuf, errlen);
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
