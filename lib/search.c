/* search.c: searches made into results pages, for blogsearch and
 * blogsearch.cgi: an index and an analyzer opened once, then per search the
 * query parsed (strictly for the command line, leniently for a search box),
 * run in a read transaction, and its page built as a value tree. The same
 * steps bs_search takes, kept here so that the programs need nothing of
 * query/ or store/ themselves. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"
#include "lib/lib.h"
#include "query/query.h"

_Static_assert(LIB_MAX_TAGS == QRY_MAX_TAGS, "lib.h's LIB_MAX_TAGS is the parser's");
_Static_assert(LIB_LINK_TAG == FACET_TAG && LIB_LINK_CATEGORY == FACET_CATEGORY
               && LIB_LINK_AUTHOR == FACET_AUTHOR, "lib.h's link kinds are the facets' kind bytes");

struct lib_search {
    lib_searcher *s;
    MDB_txn *txn;
    qry q;
    search_opts so;
    results res;
    corr_info corr;
};

int lib_searcher_open(lib_searcher **out, const char *dir, unsigned flags, char *err,
                      size_t errlen)
{
    *out = NULL;
    lib_searcher *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return BS_ENOMEM;
    }
    int rc = store_open(&s->st, dir, STORE_RDONLY, err, errlen);
    /* a process per search analyzes a query and ten snippets: a big word
     * cache would cost more in page faults than it saves */
    if (rc == BS_OK && an_new(&s->an, (flags & LIB_RESIDENT) ? 0 : AN_SMALL_CACHE) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = BS_ENOMEM;
    }
    if (rc != BS_OK) {
        lib_searcher_close(s);
        return rc;
    }
    *out = s;
    return BS_OK;
}

void lib_searcher_close(lib_searcher *s)
{
    if (!s)
        return;
    if (!s->faulted)                 /* else the environment is abandoned (guard.c) */
        store_close(s->st);
    an_free(s->an);
    free(s);
}

int lib_searcher_replaced(const lib_searcher *s)
{
    return store_replaced(s->st);
}

void lib_guard_install(void)
{
    store_guard_install();
}

unsigned lib_faults(void)
{
    return store_guard_faults();
}

int lib_fault(lib_searcher *s, const store_guard *g, char *err, size_t errlen)
{
    s->faulted = 1;
    return store_guard_fault(g, s->st, s->st->dir, err, errlen);
}

int lib_faulted(const lib_searcher *s, char *err, size_t errlen)
{
    snprintf(err, errlen, "the index %s is damaged (an earlier read of it faulted); rebuild "
             "it with blogsearch-index --full", s->st->dir);
    return BS_ECORRUPT;
}

static search_opts opts_of(const lib_query *q)
{
    return (search_opts){ .sort = q->by_date ? SORT_DATE : SORT_RELEVANCE,
                          .match = q->match == LIB_MATCH_ALL   ? MATCH_ALL
                                   : q->match == LIB_MATCH_ANY ? MATCH_ANY
                                                               : MATCH_MOST,
                          .offset = q->offset, .limit = q->limit, .facets = q->facets,
                          .parallel = q->parallel };
}

/* A corrected query is read as the query was: strictly or leniently, with
 * the filters given beside it. */
typedef struct {
    const lib_query *q;
    lib_searcher *s;
} parse_ctx;

static int parse_as(void *ctx, const char *text, qry *out, char *err, size_t errlen)
{
    const lib_query *q = ((parse_ctx *)ctx)->q;
    lib_searcher *s = ((parse_ctx *)ctx)->s;
    qry_filters f = { q->tags, q->ntags, q->category, q->author, q->since, q->until };
    return q->lenient ? qparse_lenient(out, s->an, text, &f, err, errlen)
                      : qparse_with(out, s->an, text, &f, err, errlen);
}

static int search_run_guarded(lib_searcher *s, const lib_query *q, lib_search **out, char *err,
                              size_t errlen);

int lib_search_run(lib_searcher *s, const lib_query *q, lib_search **out, char *err,
                   size_t errlen)
{
    *out = NULL;
    if (s->faulted)
        return lib_faulted(s, err, errlen);
    store_guard g;
    store_guard_push(&g);
    if (sigsetjmp(g.jb, 1) != 0)
        return lib_fault(s, &g, err, errlen);   /* what the search held is abandoned */
    int rc = search_run_guarded(s, q, out, err, errlen);
    store_guard_pop(&g);
    return rc;
}

static int search_run_guarded(lib_searcher *s, const lib_query *q, lib_search **out, char *err,
                              size_t errlen)
{
    lib_search *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return BS_ENOMEM;
    }
    r->s = s;
    r->so = opts_of(q);
    err[0] = '\0';
    const char *text = q->like ? "" : q->text ? q->text : "";
    lib_query lq = *q;
    lq.lenient |= q->like != NULL;   /* the filters alone, no words */
    parse_ctx pc = { &lq, s };
    int rc = parse_as(&pc, text, &r->q, err, errlen);
    if (rc == BS_OK && (rc = store_txn_begin(s->st, MDB_RDONLY, &r->txn)) != BS_OK) {
        snprintf(err, errlen, "%s", store_err());
        r->txn = NULL;
    }
    corr_run cr = { s->st, r->txn, s->an, parse_as, &pc };
    if (rc == BS_OK && q->like) {
        rc = like_search(s->st, r->txn, s->an, q->like, &r->q, &r->so, &r->res, err, errlen);
    } else if (rc == BS_OK)
        rc = q->exact ? search_run(s->st, r->txn, &r->q, &r->so, &r->res, err, errlen)
                      : correct_search(&cr, text, &r->q, &r->so, &r->res, &r->corr, err, errlen);
    if (rc != BS_OK) {
        if (!err[0])
            snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
        lib_search_free(r);
        return rc;
    }
    *out = r;
    return BS_OK;
}

uint64_t lib_search_total(const lib_search *r)
{
    return r ? r->res.total : 0;
}

size_t lib_search_count(const lib_search *r)
{
    return r ? r->res.n : 0;
}

vnode *lib_search_page(lib_search *r, const lib_query *q, const lib_page_opts *po, view *v,
                       int *rc, char *err, size_t errlen)
{
    const char *text = q->text ? q->text : "";
    page_opts p = { .query = text, .query_len = strlen(text),
                    .snippet_chars = po->snippet_chars, .paths = po->paths, .html = po->html,
                    .facet_link = po->facet_link, .link_ctx = po->link_ctx,
                    .parallel = po->parallel, .corr = r ? &r->corr : NULL };
    if (r && r->s->faulted) {
        *rc = lib_faulted(r->s, err, errlen);
        return NULL;
    }
    if (r) {
        store_guard g;
        store_guard_push(&g);
        if (sigsetjmp(g.jb, 1) != 0) {
            *rc = lib_fault(r->s, &g, err, errlen);
            return NULL;
        }
        vnode *pg = page_build(v, r->s->st, r->txn, r->s->an, &r->res, &r->so, &p, rc, err,
                               errlen);
        store_guard_pop(&g);
        if (pg && q->like)
            vn_set(v, pg, "like", vn_cstr(v, q->like));
        return pg;
    }
    static const results none;
    search_opts so = opts_of(q);
    return page_build(v, NULL, NULL, NULL, &none, &so, &p, rc, err, errlen);
}

void lib_search_free(lib_search *r)
{
    if (!r)
        return;
    results_free(&r->res);
    corr_info_free(&r->corr);
    if (r->txn && !r->s->faulted)    /* else abandoned with the environment */
        mdb_txn_abort(r->txn);
    qry_free(&r->q);
    free(r);
}

const char *lib_search_correction(const lib_search *r, int *applied)
{
    *applied = r && r->corr.applied;
    return r ? r->corr.text : NULL;
}

const char *lib_search_also(const lib_search *r)
{
    return r ? r->corr.also : NULL;
}

int lib_date_ok(const char *s, int end)
{
    int64_t t;
    return qparse_date(s, end, &t) == 0;
}
