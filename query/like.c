/* like.c: the posts most like one post, for a "see also" block. The post's
 * own words are read back from the index (its title, tags, description and
 * body text, through the analyzer that indexed them), each weighted by
 * where it stands (title and tags count LIKE_TITLE_WEIGHT times) and by how
 * rare it is in the blog; the LIKE_TERMS most distinctive become a query of
 * any of them, each clause weighted by how much the post uses the word, and
 * the post itself is left out of what it finds. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

#define LIKE_TITLE_WEIGHT 3.0      /* a word in the title or a tag, against the body's */
#define LIKE_CANDIDATES 200        /* the post's most used words whose rarity is read */
#define LIKE_TERMS 25              /* of those, the query's */

typedef struct {
    size_t off, len;               /* the term in the bag's arena */
    const char *p;                 /* there, once the arena is whole */
    double tf;                     /* weighted occurrences */
    double score;
} like_term;

typedef struct {
    txt_buf arena;
    like_term *v;
    size_t n, cap;
    double w;                      /* the field being read's weight */
    int err;
} like_bag;

static int bag_add(const an_token *t, void *ctx)
{
    like_bag *b = ctx;
    if (t->flags & AN_STOP || t->term_len < 2)
        return 0;
    size_t digits = strspn(t->term, "0123456789");
    if (digits == t->term_len)
        return 0;                  /* a number says little of a topic */
    if (b->n == b->cap) {
        like_term *nv = grow_array(b->v, &b->cap, 256, sizeof *nv);
        if (!nv) {
            b->err = 1;
            return 1;
        }
        b->v = nv;
    }
    b->v[b->n++] = (like_term){ b->arena.len, t->term_len, NULL, b->w, 0 };
    buf_put(&b->arena, t->term, t->term_len);
    return 0;
}

static int by_term(const void *x, const void *y)
{
    const like_term *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

static int by_tf(const void *x, const void *y)
{
    const like_term *a = x, *b = y;
    return (a->tf < b->tf) - (a->tf > b->tf);
}

static int by_like_score(const void *x, const void *y)
{
    const like_term *a = x, *b = y;
    return (a->score < b->score) - (a->score > b->score);
}

int like_query(store *st, MDB_txn *txn, an_analyzer *an, uint32_t docid, qry *q, char *err,
               size_t errlen)
{
    doc_record d;
    int rc = page_doc(st, txn, docid, &d, err, errlen);
    if (rc != BS_OK)
        return rc;
    like_bag b = { 0 };
    txt_buf body = { 0 }, tags = { 0 };
    for (size_t i = 0; i < d.ntags; i++) {
        buf_put(&tags, d.tags[i], d.tag_len[i]);
        buf_putc(&tags, '\n');
    }
    if (d.body_bytes && store_read_text(st, txn, docid, d.body_bytes, &body) != BS_OK)
        buf_reset(&body);          /* the title and tags still say much */
    const struct { const char *p; size_t len; double w; } fields[] = {
        { d.title, d.title_len, LIKE_TITLE_WEIGHT },
        { tags.p, tags.len, LIKE_TITLE_WEIGHT },
        { d.description, d.description_len, 1.0 },
        { body.p, body.len, 1.0 },
    };
    for (size_t f = 0; f < sizeof fields / sizeof fields[0] && !b.err; f++) {
        uint32_t pos = 0;
        b.w = fields[f].w;
        if (fields[f].len)
            an_analyze(an, fields[f].p, fields[f].len, &pos, bag_add, &b);
    }
    buf_free(&body);
    buf_free(&tags);
    codec_doc_free(&d);
    if (b.err || b.arena.err)
        rc = BS_ENOMEM;
    /* each term once, its weights added */
    size_t n = 0;
    for (size_t i = 0; rc == BS_OK && i < b.n; i++)
        b.v[i].p = b.arena.p + b.v[i].off;
    if (rc == BS_OK && b.n) {
        qsort(b.v, b.n, sizeof *b.v, by_term);
        for (size_t i = 0; i < b.n; i++) {
            if (n && by_term(&b.v[n - 1], &b.v[i]) == 0)
                b.v[n - 1].tf += b.v[i].tf;
            else
                b.v[n++] = b.v[i];
        }
        qsort(b.v, n, sizeof *b.v, by_tf);
    }
    if (n > LIKE_CANDIDATES)
        n = LIKE_CANDIDATES;
    /* how distinctive: used much here, in few posts elsewhere; a word of this
     * post alone finds nothing else */
    store_stats ss;
    if (rc == BS_OK && (rc = store_get_stats(st, txn, &ss)) != BS_OK)
        snprintf(err, errlen, "%s", store_err());
    MDB_cursor *cur = NULL;
    txt_buf kb = { 0 };
    if (rc == BS_OK && (rc = mdb_cursor_open(txn, st->terms, &cur)) != 0)
        rc = store_fail(st, rc, "reading terms");
    double ndocs = rc == BS_OK && ss.ndocs ? (double)ss.ndocs : 1;
    size_t keep = 0;
    for (size_t i = 0; rc == BS_OK && i < n; i++) {
        uint64_t df = 0;
        rc = store_term_df(st, txn, cur, &kb, b.v[i].p, b.v[i].len, &df);
        if (rc != BS_OK || df < 2)
            continue;
        double idf = log(1.0 + (ndocs - (double)df + 0.5) / ((double)df + 0.5));
        b.v[i].score = (1 + log(b.v[i].tf)) * idf;
        b.v[keep++] = b.v[i];
    }
    if (cur)
        mdb_cursor_close(cur);
    buf_free(&kb);
    if (rc != BS_OK && !err[0])
        snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
    if (keep > 1)
        qsort(b.v, keep, sizeof *b.v, by_like_score);
    if (keep > LIKE_TERMS)
        keep = LIKE_TERMS;
    if (rc == BS_OK && keep) {
        qclause *v = realloc(q->c, (q->n + keep) * sizeof *v);
        if (!v)
            rc = BS_ENOMEM;
        else
            q->c = v;
    }
    for (size_t i = 0; rc == BS_OK && i < keep; i++) {
        char **t = malloc(sizeof *t);
        char *s = strndup(b.v[i].p, b.v[i].len);
        if (!t || !s) {
            free(t);
            free(s);
            rc = BS_ENOMEM;
            snprintf(err, errlen, "out of memory");
            break;
        }
        t[0] = s;
        q->c[q->n++] = (qclause){ .mode = QC_SHOULD, .field = -1, .nterms = 1, .terms = t,
                                  .weight = 1 + log(b.v[i].tf) };
    }
    q->any = 1;
    buf_free(&b.arena);
    free(b.v);
    return rc;
}

int like_search(store *st, MDB_txn *txn, an_analyzer *an, const char *key, qry *q,
                search_opts *so, results *r, char *err, size_t errlen)
{
    uint32_t docid = 0;
    int rc = store_find_post(st, txn, key, strlen(key), &docid);
    if (rc == BS_ENOTFOUND)
        utf8_format(err, errlen, "no post is indexed from the file or with the slug \"%s\"", key);
    else if (rc != BS_OK)
        snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
    if (rc == BS_OK)
        rc = like_query(st, txn, an, docid, q, err, errlen);
    so->exclude = docid;
    so->no_proximity = 1;
    so->match = MATCH_ANY;
    if (rc == BS_OK)
        rc = search_run(st, txn, q, so, r, err, errlen);
    return rc;
}
