/* surface.c: the word a reader is shown for an index term. Terms are stems
 * (виртуализац), so the word is read back from posts that hold the term:
 * their titles and texts, through the analyzer that indexed them, each
 * word whose term it is counted. A correction (correct.c) wants the form
 * nearest to what was typed; a completion (suggest.c) one that starts with
 * what is being typed. It reads posts and never writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

#define SURFACE_FORMS 16         /* distinct forms kept per term */

typedef struct {
    const char *term;
    size_t tlen;
    const char *typed;
    size_t typed_len;
    int prefix;                  /* surface_opts.prefix */
    struct {
        char w[NORM_MAX_BYTES + 1];
        size_t len;
        int d, count;
    } f[SURFACE_FORMS];
    int n, weight;
    size_t hits, stop_at;        /* the term's words seen; a text is read up to
                                    stop_at of them (0: to its end) */
    size_t seen;                 /* the term's words seen in all */
} surface;

static int surface_token(const an_token *t, void *ctx)
{
    surface *s = ctx;
    if (t->term_len != s->tlen || memcmp(t->term, s->term, s->tlen) != 0
        || t->norm_len > NORM_MAX_BYTES)
        return 0;
    s->seen++;
    int stop = s->stop_at && ++s->hits >= s->stop_at;
    if (s->prefix && ((t->flags & AN_STOP) || t->norm_len < s->typed_len
                      || memcmp(t->norm, s->typed, s->typed_len) != 0))
        return stop;
    int i = 0;
    while (i < s->n && !(s->f[i].len == t->norm_len && !memcmp(s->f[i].w, t->norm, t->norm_len)))
        i++;
    if (i == s->n) {
        if (s->n == SURFACE_FORMS)
            return stop;
        s->n++;
        memcpy(s->f[i].w, t->norm, t->norm_len);
        s->f[i].len = t->norm_len;
        s->f[i].d = fuzzy_distance(t->norm, t->norm_len, s->typed, s->typed_len, 8);
        s->f[i].count = 0;
    }
    s->f[i].count += s->weight;
    return stop;
}

typedef struct {
    store *st;
    MDB_txn *txn;
    an_analyzer *an;
    char *err;
    size_t errlen;
} surface_src;

/* The words of text (len bytes) into s: with s->prefix only those that
 * start as typed are stemmed, the rest passed over. */
static void read_words(const surface_src *c, surface *s, const char *text, size_t len,
                       uint32_t *pos)
{
    if (s->prefix)
        an_analyze_prefixed(c->an, text, len, s->typed, s->typed_len, surface_token, s);
    else
        an_analyze(c->an, text, len, pos, surface_token, s);
}

/* One post's title (counted twice) when title, its text when text (its
 * description when neither gave a form), up to s->stop_at words of the
 * term in the text. */
static int surface_post(const surface_src *c, uint32_t docid, surface *s, int title, int text)
{
    doc_record d;
    int rc = page_doc(c->st, c->txn, docid, &d, c->err, c->errlen);
    if (rc != BS_OK)
        return rc;
    int had = s->n;
    uint32_t pos = 0;
    if (title) {
        s->weight = 2;
        read_words(c, s, d.title, d.title_len, &pos);
    }
    s->weight = 1;
    txt_buf body = { 0 };
    rc = text ? store_read_text(c->st, c->txn, docid, d.body_bytes, &body) : BS_OK;
    if (rc == BS_OK && text) {
        s->hits = 0;
        if (body.len)
            read_words(c, s, body.p, body.len, &pos);
        s->hits = 0;
        if (s->n == had)
            read_words(c, s, d.description, d.description_len, &pos);
    } else if (rc == BS_ECORRUPT) {
        snprintf(c->err, c->errlen, "%s", store_err());
    }
    buf_free(&body);
    codec_doc_free(&d);
    return rc;
}

int surface_word(store *st, MDB_txn *txn, an_analyzer *an, MDB_cursor *cur, txt_buf *kb,
                 const char *term, size_t tlen, const char *typed, size_t typed_len,
                 const surface_opts *o, txt_buf *out, char *err, size_t errlen)
{
    uint32_t docids[SURFACE_MAX_POSTS];
    size_t nd = 0, want = o->posts < SURFACE_MAX_POSTS ? o->posts : SURFACE_MAX_POSTS;
    buf_reset(out);
    int rc = store_term_posts(st, txn, cur, kb, term, tlen, docids, want, &nd);
    if (rc == BS_ENOTFOUND)
        return BS_OK;
    if (rc != BS_OK) {
        snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
        return rc;
    }
    surface *s = calloc(1, sizeof *s);
    if (!s)
        return BS_ENOMEM;
    *s = (surface){ .term = term, .tlen = tlen, .typed = typed, .typed_len = typed_len,
                    .prefix = o->prefix };
    surface_src c = { st, txn, an, err, errlen };
    if (o->titles_first) {
        /* the titles of all, then a few texts one at a time until one has a
         * form; none when the titles write the term, yet never so (a
         * stopword, or words of it that go on otherwise than typed) */
        for (size_t i = 0; i < nd && rc == BS_OK; i++)
            rc = surface_post(&c, docids[i], s, 1, 0);
        s->stop_at = SURFACE_TEXT_HITS;
        for (size_t i = 0; i < nd && i < SURFACE_TEXT_POSTS && rc == BS_OK && s->n == 0
                           && s->seen == 0; i++)
            rc = surface_post(&c, docids[i], s, 0, 1);
    } else {
        for (size_t i = 0; i < nd && rc == BS_OK; i++)
            rc = surface_post(&c, docids[i], s, 1, 1);
    }
    /* the nearest to what was typed; of those, the most written */
    int best = -1;
    for (int i = 0; i < s->n; i++)
        if (best < 0 || s->f[i].d < s->f[best].d
            || (s->f[i].d == s->f[best].d && s->f[i].count > s->f[best].count))
            best = i;
    if (rc == BS_OK && best >= 0)
        buf_put(out, s->f[best].w, s->f[best].len);
    else if (rc == BS_OK && !o->prefix)
        buf_put(out, term, tlen);
    free(s);
    if (rc == BS_OK && out->err)
        rc = BS_ENOMEM;
    return rc;
}
