/* related.c: every post's "see also" list in one run, for site generators
 * (blogsearch-index --related OUT.json): the posts most like each post, as
 * blogsearch --like finds them, in one read transaction, written as JSON
 * to a file beside OUT that is renamed over it when whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "query/query.h"

static void put_post(txt_buf *b, const doc_record *d)
{
    buf_puts(b, "\"path\": ");
    buf_put_json(b, d->path, d->path_len);
    buf_puts(b, ", \"slug\": ");
    buf_put_json(b, d->slug, d->slug_len);
    buf_puts(b, ", \"url\": ");
    buf_put_json(b, d->url, d->url_len);
    buf_puts(b, ", \"title\": ");
    buf_put_json(b, d->title, d->title_len);
}

/* One post's line: itself, then its related posts. */
static int related_of(store *st, MDB_txn *txn, an_analyzer *an, uint32_t docid, size_t count,
                      txt_buf *b, char *err, size_t errlen)
{
    doc_record d;
    int rc = page_doc(st, txn, docid, &d, err, errlen);
    if (rc != BS_OK)
        return rc;
    buf_putc(b, '{');
    put_post(b, &d);
    codec_doc_free(&d);
    buf_puts(b, ", \"related\": [");
    qry q = { 0 };
    results r = { 0 };
    search_opts so = { .sort = SORT_RELEVANCE, .match = MATCH_ANY, .limit = count,
                       .exclude = docid, .no_proximity = 1 };
    rc = like_query(st, txn, an, docid, &q, err, errlen);
    if (rc == BS_OK && q.n)
        rc = search_run(st, txn, &q, &so, &r, err, errlen);
    for (size_t i = 0; rc == BS_OK && i < r.n; i++) {
        if ((rc = page_doc(st, txn, r.hits[i].docid, &d, err, errlen)) != BS_OK)
            break;
        buf_puts(b, i ? ", {" : "{");
        put_post(b, &d);
        char score[48];
        snprintf(score, sizeof score, ", \"score\": %.4f}", r.hits[i].score);
        buf_puts(b, score);
        codec_doc_free(&d);
    }
    buf_puts(b, "]}");
    results_free(&r);
    qry_free(&q);
    return rc;
}

int lib_index_related(const char *dir, const char *out, size_t count, size_t *nposts,
                      char *err, size_t errlen)
{
    *nposts = 0;
    err[0] = '\0';
    store *st = NULL;
    an_analyzer *an = NULL;
    MDB_txn *txn = NULL;
    MDB_cursor *cur = NULL;
    FILE *f = NULL;
    char tmp[4096];
    txt_buf b = { 0 };
    if (snprintf(tmp, sizeof tmp, "%s.tmp", out) >= (int)sizeof tmp) {
        snprintf(err, errlen, "%s: the path is too long", out);
        return BS_ERROR;
    }
    int rc = store_open(&st, dir, STORE_RDONLY, err, errlen);
    if (rc == BS_OK && an_new(&an, 0) != 0)
        rc = BS_ENOMEM;
    if (rc == BS_OK && (rc = store_txn_begin(st, MDB_RDONLY, &txn)) != BS_OK)
        snprintf(err, errlen, "%s", store_err());
    if (rc == BS_OK && (rc = mdb_cursor_open(txn, st->docs, &cur)) != 0)
        rc = store_fail(st, rc, "reading posts");
    if (rc == BS_OK && !(f = fopen(tmp, "w"))) {
        snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
        rc = BS_ERROR;
    }
    if (rc == BS_OK)
        fputs("{\"posts\": [\n", f);
    MDB_val k, v;
    for (int mrc = rc == BS_OK ? mdb_cursor_get(cur, &k, &v, MDB_FIRST) : MDB_NOTFOUND;
         mrc == 0 && rc == BS_OK; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 4)
            continue;
        buf_reset(&b);
        if (*nposts)
            buf_puts(&b, ",\n");
        rc = related_of(st, txn, an, codec_get_u32be(k.mv_data), count, &b, err, errlen);
        if (rc == BS_OK && b.err)
            rc = BS_ENOMEM;
        if (rc == BS_OK && fwrite(b.p, 1, b.len, f) != b.len) {
            snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
            rc = BS_ERROR;
        }
        (*nposts)++;
    }
    if (f) {
        if (rc == BS_OK)
            fputs("\n]}\n", f);
        if ((fflush(f) != 0 || ferror(f)) && rc == BS_OK) {
            snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
            rc = BS_ERROR;
        }
        if (fclose(f) != 0 && rc == BS_OK) {
            snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
            rc = BS_ERROR;
        }
        if (rc == BS_OK && rename(tmp, out) != 0) {
            snprintf(err, errlen, "%s: %s", out, strerror(errno));
            rc = BS_ERROR;
        }
        if (rc != BS_OK)
            remove(tmp);
    }
    if (rc == BS_ENOMEM && !err[0])
        snprintf(err, errlen, "out of memory");
    else if (rc != BS_OK && !err[0])
        snprintf(err, errlen, "%s", store_err());
    buf_free(&b);
    if (cur)
        mdb_cursor_close(cur);
    if (txn)
        mdb_txn_abort(txn);
    an_free(an);
    store_close(st);
    return rc;
}
