/* page.c: a page of ranked results as a value tree (base/view.c), the one model that
 * `blogsearch --json`, the command's text output and blogsearch.cgi (JSON
 * and HTML) all write out. For each post shown: its record from `docs`, its
 * text from `texts` and the snippet with the matched words. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/query.h"

/* The highlights of text as [[start, length]...] in code points. */
static vnode *marks_view(view *v, const snippet *sn)
{
    const char *t = sn->text.p ? sn->text.p : "";
    vnode *hl = vn_arr(v);
    for (size_t h = 0; h < sn->nhl; h++) {
        vnode *pair = vn_arr(v);
        vn_push(v, pair, vn_int(v, (int64_t)utf8_nchars(t, sn->hl[h].off)));
        vn_push(v, pair, vn_int(v, (int64_t)utf8_nchars(t + sn->hl[h].off, sn->hl[h].len)));
        vn_push(v, hl, pair);
    }
    return hl;
}

/* The text escaped for HTML, each highlight in <mark> (the template's). */
static vnode *marked_html(view *v, const snippet *sn)
{
    const char *t = sn->text.p ? sn->text.p : "";
    txt_buf b = { 0 };
    size_t at = 0;
    for (size_t h = 0; h < sn->nhl; h++) {
        html_escape(&b, t + at, sn->hl[h].off - at);
        buf_puts(&b, "<mark>");
        html_escape(&b, t + sn->hl[h].off, sn->hl[h].len);
        buf_puts(&b, "</mark>");
        at = sn->hl[h].off + sn->hl[h].len;
    }
    html_escape(&b, t + at, sn->text.len - at);
    vnode *s = b.err ? NULL : vn_str(v, b.p ? b.p : "", b.len);
    buf_free(&b);
    return vn_flag(vn_flag(s, VN_HTML), VN_NOJSON);
}

/* snippet: {text, highlights}, and with html the text marked up. */
static vnode *snippet_view(view *v, const snippet *sn, int html)
{
    vnode *o = vn_obj(v);
    vn_set(v, o, "text", vn_str(v, sn->text.p ? sn->text.p : "", sn->text.len));
    vn_set(v, o, "highlights", marks_view(v, sn));
    if (html)
        vn_set(v, o, "html", marked_html(v, sn));
    return o;
}

/* A post's link may go in an href: a path, or http(s). A post's header can
 * say anything, and javascript: in an href runs when clicked. */
static int link_safe(const char *u, size_t len)
{
    if (len == 0)
        return 0;
    if (u[0] == '/' && (len == 1 || u[1] != '/'))
        return 1;
    static const char *const schemes[] = { "https://", "http://" };
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(schemes[i]);
        if (len > n && strncasecmp(u, schemes[i], n) == 0)
            return 1;
    }
    return 0;
}

/* For the template: each value with the link that narrows the results to
 * it, as [{name, url}]. */
static vnode *facet_links(view *v, const page_opts *po, int kind, const char *const *values,
                          const size_t *lens, size_t n)
{
    vnode *links = vn_arr(v);
    txt_buf url = { 0 };
    for (size_t i = 0; i < n; i++) {
        buf_reset(&url);
        po->facet_link(po->link_ctx, &url, kind, values[i], lens[i]);
        vnode *l = vn_obj(v);
        vn_set(v, l, "name", vn_str(v, values[i], lens[i]));
        vn_set(v, l, "url", url.err ? NULL : vn_str(v, url.p ? url.p : "", url.len));
        vn_push(v, links, l);
    }
    buf_free(&url);
    return vn_flag(links, VN_NOJSON);
}

static vnode *post_view(view *v, const doc_record *d, const snippet *sn, const snippet *title,
                        size_t rank, double score, const page_opts *po)
{
    vnode *o = vn_obj(v);
    vn_set(v, o, "rank", vn_int(v, (int64_t)rank));
    if (po->paths)
        vn_set(v, o, "path", vn_str(v, d->path, d->path_len));
    vn_set(v, o, "url", vn_str(v, d->url, d->url_len));
    if (po->html && link_safe(d->url, d->url_len))
        vn_set(v, o, "href", vn_flag(vn_str(v, d->url, d->url_len), VN_NOJSON));
    vn_set(v, o, "title", vn_str(v, d->title, d->title_len));
    /* the matched words in the title, as in the snippet */
    if (title && title->nhl) {
        vn_set(v, o, "title_highlights", marks_view(v, title));
        if (po->html)
            vn_set(v, o, "title_html", marked_html(v, title));
    }
    vn_set(v, o, "slug", vn_str(v, d->slug, d->slug_len));
    if (d->has_date) {
        /* in the post's own offset: its day is the one its author saw */
        char date[DATE_FORMAT_BYTES];
        date_format_at(d->date, d->tz_min, date);
        vn_set(v, o, "date", vn_cstr(v, date));
        vn_set(v, o, "utc_offset", vn_int(v, d->tz_min));
        if (po->html) {
            vn_set(v, o, "day", vn_flag(vn_str(v, date, 10), VN_NOJSON));
            /* as a Russian reader reads it: 14 марта 2016 */
            static const char *const months[] = { "января", "февраля", "марта", "апреля",
                                                  "мая", "июня", "июля", "августа",
                                                  "сентября", "октября", "ноября", "декабря" };
            int y, mo, dd;
            char human[64];
            if (sscanf(date, "%4d-%2d-%2d", &y, &mo, &dd) == 3 && mo >= 1 && mo <= 12) {
                snprintf(human, sizeof human, "%d %s %d", dd, months[mo - 1], y);
                vn_set(v, o, "day_text", vn_flag(vn_cstr(v, human), VN_NOJSON));
            }
        }
    } else {
        vn_set(v, o, "date", vn_null(v));
        vn_set(v, o, "utc_offset", vn_null(v));
    }
    vnode *tags = vn_arr(v);
    for (size_t t = 0; t < d->ntags; t++)
        vn_push(v, tags, vn_str(v, d->tags[t], d->tag_len[t]));
    vn_set(v, o, "tags", tags);
    /* "category", the first, as before there were more */
    vn_set(v, o, "category", d->ncategories ? vn_str(v, d->categories[0], d->category_len[0])
                                            : vn_str(v, NULL, 0));
    vnode *cats = vn_arr(v);
    for (size_t c = 0; c < d->ncategories; c++)
        vn_push(v, cats, vn_str(v, d->categories[c], d->category_len[c]));
    vn_set(v, o, "categories", cats);
    vn_set(v, o, "author", vn_str(v, d->author, d->author_len));
    if (po->html && po->facet_link) {
        vn_set(v, o, "tag_links", facet_links(v, po, FACET_TAG, d->tags, d->tag_len, d->ntags));
        vn_set(v, o, "category_links", facet_links(v, po, FACET_CATEGORY, d->categories,
                                                   d->category_len, d->ncategories));
        const char *author[] = { d->author };
        size_t author_len[] = { d->author_len };
        vn_set(v, o, "author_link", facet_links(v, po, FACET_AUTHOR, author, author_len,
                                                d->author_len > 0));
    }
    vn_set(v, o, "score", vn_num(v, score));
    if (sn)
        vn_set(v, o, "snippet", snippet_view(v, sn, po->html));
    return o;
}

int page_doc(store *st, MDB_txn *txn, uint32_t docid, doc_record *d, char *err, size_t errlen)
{
    uint8_t k4[4];
    key_docid(k4, docid);
    MDB_val k = { 4, k4 }, val;
    const char *why;
    int mrc = mdb_get(txn, st->docs, &k, &val);
    if (mrc == 0 && codec_doc_decode(val.mv_data, val.mv_size, d, &why) == BS_OK)
        return BS_OK;
    if (mrc != 0 && mrc != MDB_NOTFOUND) {
        int rc = store_fail(st, mrc, "reading a post");
        snprintf(err, errlen, "%s", store_err());
        return rc;
    }
    snprintf(err, errlen, "the index is damaged (post %u); rebuild it with "
             "blogsearch-index --full", docid);
    return BS_ECORRUPT;
}

int page_snippet(snippet *sn, store *st, MDB_txn *txn, an_analyzer *an, uint32_t docid,
                 const doc_record *d, const results *r, size_t chars, txt_buf *scratch,
                 char *err, size_t errlen)
{
    memset(sn, 0, sizeof *sn);
    int rc = store_read_text(st, txn, docid, d->body_bytes, scratch);
    if (rc != BS_OK) {
        snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
        return rc;
    }
    /* a snippet is made of valid UTF-8, so that its marks stay where they
     * are in every output: text spoilt in a damaged index is mended first */
    txt_buf fixed = { 0 };
    if (!utf8_valid(scratch->p, scratch->len)) {
        utf8_put_repaired(&fixed, scratch->p, scratch->len);
        buf_reset(scratch);
        buf_put(scratch, fixed.p ? fixed.p : "", fixed.len);
        if (fixed.err || scratch->err)
            goto oom;
    }
    if (snippet_make(sn, an, scratch->p, scratch->len, r->hl_terms, r->nhl, chars) != 0)
        goto oom;
    /* a title-only match shows the description, or the opening lines */
    if (sn->nhl == 0 && d->description_len) {
        const char *desc = d->description;
        size_t dlen = d->description_len;
        if (!utf8_valid(desc, dlen)) {
            buf_reset(&fixed);
            utf8_put_repaired(&fixed, desc, dlen);
            if (fixed.err)
                goto oom;
            desc = fixed.p;
            dlen = fixed.len;
        }
        snippet_free(sn);
        if (snippet_make(sn, an, desc, dlen, r->hl_terms, r->nhl, chars) != 0)
            goto oom;
    }
    buf_free(&fixed);
    return BS_OK;
oom:
    buf_free(&fixed);
    snippet_free(sn);
    snprintf(err, errlen, "out of memory");
    return BS_ENOMEM;
}

/* With page_opts.parallel, a second thread makes the snippets of the last
 * posts of the page while this one makes the first ones': a read transaction
 * of its own (which must see the same snapshot), an analyzer of its own.
 * Whatever it could not make is made here after. */
typedef struct {
    store *st;
    size_t txn_id;
    const results *r;
    size_t from, chars;            /* posts from..r->n */
    snippet *sn;
    int *made;                     /* 1 for each snippet it made */
} snip_job;

static void *snip_thread(void *arg)
{
    snip_job *j = arg;
    MDB_txn *txn;
    an_analyzer *an;
    if (store_txn_begin(j->st, MDB_RDONLY, &txn) != BS_OK)
        return NULL;
    if (mdb_txn_id(txn) == j->txn_id && an_new(&an, AN_SMALL_CACHE) == 0) {
        txt_buf body = { 0 };
        char err[256];
        for (size_t i = j->from; i < j->r->n; i++) {
            doc_record d;
            if (page_doc(j->st, txn, j->r->hits[i].docid, &d, err, sizeof err) != BS_OK)
                break;
            int rc = page_snippet(&j->sn[i], j->st, txn, an, j->r->hits[i].docid, &d, j->r,
                                  j->chars, &body, err, sizeof err);
            codec_doc_free(&d);
            if (rc != BS_OK)
                break;
            j->made[i] = 1;
        }
        buf_free(&body);
        an_free(an);
    }
    mdb_txn_abort(txn);
    return NULL;
}

/* What the correction did (docs/json.md): corrected_query when the results
 * are the corrected query's, else suggestion; also_searched, the spellings
 * searched beside words as typed; and each word changed. */
static void correction_view(view *v, vnode *root, const corr_info *ci)
{
    if (ci->text)
        vn_set(v, root, ci->applied ? "corrected_query" : "suggestion", vn_cstr(v, ci->text));
    if (ci->also)
        vn_set(v, root, "also_searched", vn_cstr(v, ci->also));
    vnode *list = vn_arr(v);
    for (size_t i = 0; i < ci->n; i++) {
        vnode *w = vn_obj(v);
        vn_set(v, w, "word", vn_cstr(v, ci->w[i].from));
        vn_set(v, w, "to", vn_cstr(v, ci->w[i].to));
        vn_set(v, w, "kind", vn_cstr(v, corr_kind_name(ci->w[i].kind)));
        if (ci->w[i].then)
            vn_set(v, w, "then", vn_cstr(v, corr_kind_name(ci->w[i].then)));
        if (ci->w[i].also)
            vn_set(v, w, "also", vn_bool(v, 1));
        vn_push(v, list, w);
    }
    vn_set(v, root, "corrections", list);
}

vnode *page_build(view *v, store *st, MDB_txn *txn, an_analyzer *an, const results *r,
                  const search_opts *so, const page_opts *po, int *rc, char *err,
                  size_t errlen)
{
    vnode *root = vn_obj(v), *list = vn_arr(v);
    txt_buf body = { 0 };
    *rc = BS_OK;
    vn_set(v, root, "query", vn_str(v, po->query ? po->query : "", po->query_len));
    vn_set(v, root, "total", vn_int(v, (int64_t)r->total));
    vn_set(v, root, "offset", vn_int(v, (int64_t)so->offset));
    vn_set(v, root, "limit", vn_int(v, (int64_t)so->limit));
    if (po->corr && (po->corr->text || po->corr->also))
        correction_view(v, root, po->corr);
    /* the second thread takes the last 45% of the snippets: it starts later */
    snip_job job = { st, mdb_txn_id(txn), r, r->n - r->n * 9 / 20, po->snippet_chars, NULL, NULL };
    pthread_t tid;
    int beside = 0;
    if (po->parallel && po->snippet_chars && r->n >= 2) {
        job.sn = calloc(r->n, sizeof *job.sn);
        job.made = calloc(r->n, sizeof *job.made);
        beside = job.sn && job.made && thread_beside(&tid, snip_thread, &job) == 0;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (beside && i == job.from) {
            pthread_join(tid, NULL);
            beside = 0;
        }
        doc_record d;
        if ((*rc = page_doc(st, txn, r->hits[i].docid, &d, err, errlen)) != BS_OK)
            break;
        snippet sn = { 0 }, *shown = NULL;
        if (po->snippet_chars && job.made && job.made[i]) {
            shown = &job.sn[i];
        } else if (po->snippet_chars) {
            *rc = page_snippet(&sn, st, txn, an, r->hits[i].docid, &d, r, po->snippet_chars,
                               &body, err, errlen);
            if (*rc != BS_OK) {
                codec_doc_free(&d);
                break;
            }
            shown = &sn;
        }
        snippet tsn = { 0 };
        int titled = an && r->nhl && d.title_len
                     && snippet_marks(&tsn, an, d.title, d.title_len, r->hl_terms, r->nhl) == 0;
        vn_push(v, list, post_view(v, &d, shown, titled ? &tsn : NULL, so->offset + i + 1,
                                   r->hits[i].score, po));
        snippet_free(&tsn);
        snippet_free(&sn);
        codec_doc_free(&d);
    }
    if (beside)
        pthread_join(tid, NULL);
    for (size_t i = 0; job.sn && i < r->n; i++)
        snippet_free(&job.sn[i]);
    free(job.sn);
    free(job.made);
    buf_free(&body);
    vn_set(v, root, "results", list);
    if (*rc == BS_OK && so->facets) {
        vnode *facets = vn_obj(v), *tags = vn_arr(v);
        for (size_t i = 0; i < r->nfacets; i++) {
            vnode *f = vn_obj(v);
            vn_set(v, f, "tag", vn_str(v, r->facets[i].tag, r->facets[i].len));
            vn_set(v, f, "count", vn_int(v, (int64_t)r->facets[i].count));
            vn_push(v, tags, f);
        }
        vn_set(v, facets, "tags", tags);
        vn_set(v, root, "facets", facets);
    }
    if (*rc == BS_OK && view_failed(v)) {
        *rc = BS_ENOMEM;
        snprintf(err, errlen, "out of memory");
    }
    return *rc == BS_OK ? root : NULL;
}
