/* api.c: libblogsearch's public API (include/blogsearch.h) over the
 * modules: the store, the query parser and ranking, page.c's records and
 * snippets, the analyzer and the writer's writer_apply. Arguments are
 * checked here, so the modules below see only what they expect; every
 * failure leaves its message in this thread's buffer (bs_errmsg). */
#define _GNU_SOURCE            /* a writer-preferring rwlock (see shared_store) */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "blogsearch.h"
#include "indexer/indexer.h"
#include "lib/internal.h"
#include "query/query.h"

#define MAX_LIMIT 1000
#define MAX_OFFSET 1000000
#define MAX_FACETS 1000

static _Thread_local char last_error[1024];

/* this file's short name for it */
#define seterr api_seterr

int api_seterr(int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(last_error, sizeof last_error, fmt, ap);   /* valid UTF-8, whatever it quotes */
    va_end(ap);
    return rc;
}

static int nomem(void)
{
    return seterr(BS_ENOMEM, "out of memory");
}

const char *bs_errmsg(void)
{
    return last_error;
}

const char *bs_errstr(int code)
{
    switch (code) {
    case BS_OK: return "no error";
    case BS_ERROR: return "the index could not be read or written";
    case BS_ENOTFOUND: return "not found";
    case BS_EVERSION: return "the index was written by another version; rebuild it";
    case BS_ECORRUPT: return "the index is damaged; rebuild it";
    case BS_EQUERY: return "the query is not valid";
    case BS_ENOMEM: return "out of memory";
    case BS_EINVAL: return "an invalid argument";
    case BS_ESTATE: return "the call does not fit the handle's state";
    case BS_ENOTREADY: return "the index is being built; try again once it is";
    default: return "unknown status";
    }
}

/* A struct's version: one this library knows (1 to current), else
 * BS_EINVAL naming the struct and its macros. Bytes of each version's
 * layout, for the structs the library fills, are in the *_size tables:
 * a struct that grows gets a new version whose size is its new sizeof,
 * and the old ones keep theirs (offsetof its first new member). */
static int version_ok(const char *fn, const char *what, unsigned version, unsigned current)
{
    if (version >= 1 && version <= current)
        return BS_OK;
    return seterr(BS_EINVAL, "%s: %s version %u: this library (%s) knows versions 1 to %u; "
                  "initialize it with its BS_*_INIT", fn, what, version, BS_VERSION_STRING,
                  current);
}

int api_version_ok(const char *fn, const char *what, unsigned version, unsigned current)
{
    return version_ok(fn, what, version, current);
}

static const size_t hit_size[BS_HIT_VERSION + 1] = { 0, offsetof(bs_hit, categories),
                                                      sizeof(bs_hit) };
static const size_t post_size[BS_POST_VERSION + 1] = { 0, offsetof(bs_post, categories),
                                                       sizeof(bs_post) };
static const size_t search_opts_size[BS_SEARCH_OPTS_VERSION + 1] = {
    0, offsetof(bs_search_opts, exact), sizeof(bs_search_opts)
};
static const size_t index_stats_size[BS_INDEX_STATS_VERSION + 1] = { 0, sizeof(bs_index_stats) };

const char *bs_version(int *major, int *minor, int *patch)
{
    if (major)
        *major = BS_VERSION_MAJOR;
    if (minor)
        *minor = BS_VERSION_MINOR;
    if (patch)
        *patch = BS_VERSION_PATCH;
    return BS_VERSION_STRING;
}

/* ---- an index ---------------------------------------------------------------- */

/* LMDB forbids opening one environment twice in a process (closing either
 * would drop the other's locks), so handles on the same directory share
 * one open store, counted. */
typedef struct shared_store {
    dev_t dev;
    ino_t ino;
    store *st;
    int writable;
    int refs;
    /* Searches hold it to read; adopting a map that a writer grew (LMDB
     * allows that only with no transaction of this process open), and a
     * commit that may grow it, hold it to write. */
    pthread_rwlock_t map_lock;
    struct shared_store *next;
} shared_store;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_store *registry;

struct bs_index {
    shared_store *sh;
    store *st;                 /* sh->st */
    unsigned flags;
};

/* The shared store of path, opened when this process has none. */
static int share_open(const char *path, unsigned flags, shared_store **out)
{
    struct stat sb;
    int have = stat(path, &sb) == 0;
    for (shared_store *s = registry; have && s; s = s->next) {
        if (s->dev != sb.st_dev || s->ino != sb.st_ino)
            continue;
        if ((flags & BS_OPEN_WRITE) && !s->writable)
            return seterr(BS_ESTATE, "the index %s is open read-only in this process; open it "
                          "with BS_OPEN_WRITE first, or close the other handles", path);
        s->refs++;
        *out = s;
        return BS_OK;
    }
    shared_store *s = calloc(1, sizeof *s);
    if (!s)
        return nomem();
    char err[1024];
    unsigned sf = !(flags & BS_OPEN_WRITE) ? STORE_RDONLY : (flags & BS_OPEN_CREATE) ? STORE_CREATE : 0;
    int rc = store_open(&s->st, path, sf, err, sizeof err);
    if (rc == BS_OK && stat(path, &sb) != 0)
        rc = BS_ERROR, snprintf(err, sizeof err, "%s: the index vanished", path);
    /* a resize waits for the searches in flight, and new ones wait for
     * it, so a stream of searches cannot starve a commit */
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    if (rc == BS_OK && pthread_rwlock_init(&s->map_lock, &attr) != 0)
        rc = BS_ENOMEM, snprintf(err, sizeof err, "out of memory");
    pthread_rwlockattr_destroy(&attr);
    if (rc != BS_OK) {
        store_close(s->st);
        free(s);
        return seterr(rc, "%s", err);
    }
    s->dev = sb.st_dev;
    s->ino = sb.st_ino;
    s->writable = (flags & BS_OPEN_WRITE) != 0;
    s->refs = 1;
    s->next = registry;
    registry = s;
    *out = s;
    return BS_OK;
}

int bs_index_open(bs_index **out, const char *path, unsigned flags)
{
    if (out)
        *out = NULL;
    if (!out || !path)
        return seterr(BS_EINVAL, "bs_index_open: %s is NULL", !out ? "out" : "path");
    if (!*path)
        return seterr(BS_EINVAL, "bs_index_open: the path is empty");
    if (flags & ~(BS_OPEN_WRITE | BS_OPEN_CREATE))
        return seterr(BS_EINVAL, "bs_index_open: unknown flags 0x%x", flags);
    if ((flags & BS_OPEN_CREATE) && !(flags & BS_OPEN_WRITE))
        return seterr(BS_EINVAL, "bs_index_open: BS_OPEN_CREATE needs BS_OPEN_WRITE");
    if ((flags & BS_OPEN_WRITE) && !(flags & BS_OPEN_CREATE)) {
        /* an index to write to must exist: opening would make one */
        char data[4096];
        struct stat sb;
        snprintf(data, sizeof data, "%s/data.mdb", path);
        if (stat(data, &sb) != 0)
            return seterr(BS_ENOTFOUND, "no index at %s (open with BS_OPEN_CREATE to make one)",
                          path);
    }
    bs_index *ix = calloc(1, sizeof *ix);
    if (!ix)
        return nomem();
    pthread_mutex_lock(&registry_lock);
    int rc = share_open(path, flags, &ix->sh);
    pthread_mutex_unlock(&registry_lock);
    if (rc != BS_OK) {
        free(ix);
        return rc;
    }
    ix->st = ix->sh->st;
    ix->flags = flags;
    *out = ix;
    return BS_OK;
}

void bs_index_close(bs_index *ix)
{
    if (!ix)
        return;
    pthread_mutex_lock(&registry_lock);
    shared_store *s = ix->sh;
    if (--s->refs == 0) {
        for (shared_store **p = &registry; *p; p = &(*p)->next)
            if (*p == s) {
                *p = s->next;
                break;
            }
        store_close(s->st);
        pthread_rwlock_destroy(&s->map_lock);
        free(s);
    }
    pthread_mutex_unlock(&registry_lock);
    free(ix);
}

/* A read transaction under the map lock (held to read until read_end). */
static int read_begin(bs_index *ix, MDB_txn **txn)
{
    for (int tries = 0;; tries++) {
        pthread_rwlock_rdlock(&ix->sh->map_lock);
        int rc = mdb_txn_begin(ix->st->env, NULL, MDB_RDONLY, txn);
        if (rc == MDB_READERS_FULL && store_reap_readers(ix->st) > 0)
            rc = mdb_txn_begin(ix->st->env, NULL, MDB_RDONLY, txn);
        if (rc == 0)
            return BS_OK;
        pthread_rwlock_unlock(&ix->sh->map_lock);
        if (rc != MDB_MAP_RESIZED || tries > 0)
            return seterr(BS_ERROR, "reading the index %s: %s", ix->st->dir, mdb_strerror(rc));
        /* a writer grew the map: adopt its size with no reader in flight */
        pthread_rwlock_wrlock(&ix->sh->map_lock);
        rc = mdb_env_set_mapsize(ix->st->env, 0);
        pthread_rwlock_unlock(&ix->sh->map_lock);
        if (rc != 0)
            return seterr(BS_ERROR, "reading the index %s: %s", ix->st->dir, mdb_strerror(rc));
    }
}

static void read_end(bs_index *ix, MDB_txn *txn)
{
    mdb_txn_abort(txn);
    pthread_rwlock_unlock(&ix->sh->map_lock);
}

int api_read_begin(bs_index *ix, MDB_txn **txn)
{
    return read_begin(ix, txn);
}

void api_read_end(bs_index *ix, MDB_txn *txn)
{
    read_end(ix, txn);
}

store *api_store(bs_index *ix)
{
    return ix->st;
}

int bs_index_stats_get(bs_index *ix, bs_index_stats *out)
{
    if (!ix || !out)
        return seterr(BS_EINVAL, "bs_index_stats_get: %s is NULL", !ix ? "ix" : "out");
    int vrc = version_ok("bs_index_stats_get", "bs_index_stats", out->version,
                         BS_INDEX_STATS_VERSION);
    if (vrc != BS_OK)
        return vrc;
    MDB_txn *txn;
    int rc = read_begin(ix, &txn);
    if (rc != BS_OK)
        return rc;
    store_stats ss;
    rc = store_get_stats(ix->st, txn, &ss);
    read_end(ix, txn);
    if (rc != BS_OK)
        return seterr(rc, "%s", store_err());
    bs_index_stats st = { out->version, ss.ndocs, store_used_bytes(ix->st) };
    memcpy(out, &st, index_stats_size[out->version]);
    return BS_OK;
}

/* ---- searching --------------------------------------------------------------- */

typedef struct {
    bs_hit h;                  /* its strings and arrays below, owned */
    char *path, *url, *title, *slug, *author, *snippet;
    char **tags, **cats;
    bs_range *hl;
} hit_slot;

struct bs_results {
    uint64_t total;
    corr_info corr;            /* what was done to the words */
    hit_slot *hits;
    size_t n;
    char **facet_tags;
    uint64_t *facet_counts;
    size_t nfacets;
};

static void slot_free(hit_slot *s)
{
    free(s->path);
    free(s->url);
    free(s->title);
    free(s->slug);
    free(s->author);
    free(s->snippet);
    for (size_t t = 0; s->tags && t < s->h.ntags; t++)
        free(s->tags[t]);
    free(s->tags);
    for (size_t c = 0; s->cats && c < s->h.ncategories; c++)
        free(s->cats[c]);
    free(s->cats);
    free(s->hl);
}

void bs_results_free(bs_results *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        slot_free(&r->hits[i]);
    free(r->hits);
    for (size_t i = 0; i < r->nfacets; i++)
        free(r->facet_tags[i]);
    free(r->facet_tags);
    free(r->facet_counts);
    corr_info_free(&r->corr);
    free(r);
}

char *api_text_dup(const char *s, size_t len)
{
    if (utf8_valid(s, len))
        return strndup(s, len);
    txt_buf b = { 0 };
    utf8_put_repaired(&b, s, len);
    buf_put(&b, "", 0);
    if (b.err) {
        buf_free(&b);
        return NULL;
    }
    return b.p;
}

int api_text_fix(char **s)
{
    if (!*s || utf8_valid(*s, strlen(*s)))
        return 0;
    char *t = api_text_dup(*s, strlen(*s));
    if (!t)
        return -1;
    free(*s);
    *s = t;
    return 0;
}

/* this file's short name for it */
#define text_dup api_text_dup

/* Copies n strings into *out, *count of them so far (freed by slot_free
 * whatever comes). Returns 0 or -1. */
static int copy_list(char ***out, size_t *count, const char *const *v, const size_t *lens,
                     size_t n)
{
    if (n && !(*out = calloc(n, sizeof **out)))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (!((*out)[i] = text_dup(v[i], lens[i])))
            return -1;
        *count = i + 1;
    }
    return 0;
}

/* Copies a post's record (and snippet) into a slot. Returns 0 or -1. */
static int slot_fill(hit_slot *s, const doc_record *d, const snippet *sn, size_t rank,
                     double score)
{
    s->h.rank = rank;
    s->h.score = score;
    s->h.has_date = d->has_date;
    s->h.date = d->has_date ? d->date : 0;
    s->h.utc_offset = d->has_date ? d->tz_min : 0;
    if (!(s->path = text_dup(d->path, d->path_len)) || !(s->url = text_dup(d->url, d->url_len))
        || !(s->title = text_dup(d->title, d->title_len))
        || !(s->slug = text_dup(d->slug, d->slug_len))
        || !(s->author = text_dup(d->author, d->author_len)))
        return -1;
    if (copy_list(&s->tags, &s->h.ntags, d->tags, d->tag_len, d->ntags) != 0
        || copy_list(&s->cats, &s->h.ncategories, d->categories, d->category_len,
                     d->ncategories) != 0)
        return -1;
    if (sn) {
        if (!(s->snippet = strndup(sn->text.p ? sn->text.p : "", sn->text.len)))
            return -1;
        if (sn->nhl && !(s->hl = malloc(sn->nhl * sizeof *s->hl)))
            return -1;
        for (size_t i = 0; i < sn->nhl; i++)
            s->hl[i] = (bs_range){ sn->hl[i].off, sn->hl[i].len };
        s->h.nhighlights = sn->nhl;
    }
    s->h.path = s->path;
    s->h.url = s->url;
    s->h.title = s->title;
    s->h.slug = s->slug;
    s->h.category = s->h.ncategories ? s->cats[0] : "";
    s->h.author = s->author;
    s->h.tags = (const char *const *)s->tags;
    s->h.categories = (const char *const *)s->cats;
    s->h.snippet = s->snippet;
    s->h.highlights = s->hl;
    return 0;
}

static int check_opts(const bs_search_opts *o)
{
    if (o->ntags > QRY_MAX_TAGS)
        return seterr(BS_EINVAL, "bs_search: %zu tags; at most %d", o->ntags, QRY_MAX_TAGS);
    if (o->ntags && !o->tags)
        return seterr(BS_EINVAL, "bs_search: tags is NULL with ntags %zu", o->ntags);
    for (size_t t = 0; t < o->ntags; t++)
        if (!o->tags[t])
            return seterr(BS_EINVAL, "bs_search: tag %zu is NULL", t);
    if (o->sort != BS_SORT_RELEVANCE && o->sort != BS_SORT_DATE)
        return seterr(BS_EINVAL, "bs_search: sort %d: BS_SORT_RELEVANCE or BS_SORT_DATE", o->sort);
    if (o->match != BS_MATCH_MOST && o->match != BS_MATCH_ALL && o->match != BS_MATCH_ANY)
        return seterr(BS_EINVAL, "bs_search: match %d: one of BS_MATCH_*", o->match);
    if (o->limit < 1 || o->limit > MAX_LIMIT)
        return seterr(BS_EINVAL, "bs_search: limit %zu: 1 to %d", o->limit, MAX_LIMIT);
    if (o->offset > MAX_OFFSET)
        return seterr(BS_EINVAL, "bs_search: offset %zu: at most %d", o->offset, MAX_OFFSET);
    if (o->snippets && (o->snippet_chars < 20 || o->snippet_chars > 2000))
        return seterr(BS_EINVAL, "bs_search: snippet_chars %zu: 20 to 2000", o->snippet_chars);
    if (o->facets > MAX_FACETS)
        return seterr(BS_EINVAL, "bs_search: facets %zu: at most %d", o->facets, MAX_FACETS);
    return BS_OK;
}

static int fill_results(bs_index *ix, MDB_txn *txn, an_analyzer *an, const results *res,
                        const bs_search_opts *o, bs_results *out)
{
    char err[1024];
    txt_buf body = { 0 };
    int rc = BS_OK;
    out->total = res->total;
    if (res->n && !(out->hits = calloc(res->n, sizeof *out->hits)))
        return nomem();
    for (size_t i = 0; i < res->n && rc == BS_OK; i++) {
        doc_record d;
        if ((rc = page_doc(ix->st, txn, res->hits[i].docid, &d, err, sizeof err)) != BS_OK) {
            seterr(rc, "%s", err);
            break;
        }
        snippet sn = { 0 };
        if (o->snippets)
            rc = page_snippet(&sn, ix->st, txn, an, res->hits[i].docid, &d, res,
                              o->snippet_chars, &body, err, sizeof err);
        if (rc != BS_OK)
            seterr(rc, "%s", err);
        else if (slot_fill(&out->hits[i], &d, o->snippets ? &sn : NULL, o->offset + i + 1,
                           res->hits[i].score) != 0)
            rc = nomem();
        out->n = i + 1;            /* freed with the results, filled or not */
        snippet_free(&sn);
        codec_doc_free(&d);
    }
    buf_free(&body);
    if (rc == BS_OK && res->nfacets) {
        out->facet_tags = calloc(res->nfacets, sizeof *out->facet_tags);
        out->facet_counts = calloc(res->nfacets, sizeof *out->facet_counts);
        if (!out->facet_tags || !out->facet_counts)
            return nomem();
        for (size_t i = 0; i < res->nfacets; i++) {
            if (!(out->facet_tags[i] = text_dup(res->facets[i].tag, res->facets[i].len)))
                return nomem();
            out->facet_counts[i] = res->facets[i].count;
            out->nfacets = i + 1;
        }
    }
    return rc;
}

/* The query, and a corrected one, read as the options say. */
typedef struct {
    const bs_search_opts *o;
    an_analyzer *an;
} parse_ctx;

static int parse_as(void *ctx, const char *text, qry *q, char *err, size_t errlen)
{
    const parse_ctx *pc = ctx;
    const bs_search_opts *o = pc->o;
    qry_filters f = { o->tags, o->ntags, o->category, o->author, o->since, o->until };
    return o->lenient ? qparse_lenient(q, pc->an, text, &f, err, errlen)
                      : qparse_with(q, pc->an, text, &f, err, errlen);
}

/* bs_search of query, or with like (query ""), bs_like of that post. */
static int search_or_like(bs_index *ix, const char *query, const char *like,
                          const bs_search_opts *opts, bs_results **out)
{
    static const bs_search_opts defaults = BS_SEARCH_OPTS_INIT;
    const char *fn = like ? "bs_like" : "bs_search";
    if (out)
        *out = NULL;
    if (!ix || !query || !out)
        return seterr(BS_EINVAL, "%s: %s is NULL", fn,
                      !ix ? "ix" : !query ? (like ? "post" : "query") : "out");
    int rc = version_ok(fn, "bs_search_opts", opts ? opts->version : defaults.version,
                        BS_SEARCH_OPTS_VERSION);
    if (rc != BS_OK)
        return rc;
    /* an older version's options, the members it lacks at their defaults */
    bs_search_opts full = defaults;
    if (opts)
        memcpy(&full, opts, search_opts_size[opts->version]);
    full.lenient |= like != NULL;   /* the filters alone, no words */
    const bs_search_opts *o = &full;
    if ((rc = check_opts(o)) != BS_OK)
        return rc;
    an_analyzer *an;
    if (an_new(&an, AN_SMALL_CACHE) != 0)
        return nomem();
    qry q = { 0 };
    results res = { 0 };
    bs_results *r = calloc(1, sizeof *r);
    MDB_txn *txn = NULL;
    char err[1024] = "";
    if (!r) {
        rc = nomem();
        goto done;
    }
    parse_ctx pc = { o, an };
    rc = parse_as(&pc, query, &q, err, sizeof err);
    if (rc != BS_OK) {
        seterr(rc, "%s", err);
        goto done;
    }
    if ((rc = read_begin(ix, &txn)) != BS_OK) {
        txn = NULL;
        goto done;
    }
    search_opts so = { .sort = o->sort == BS_SORT_DATE ? SORT_DATE : SORT_RELEVANCE,
                       .match = o->match == BS_MATCH_ALL ? MATCH_ALL
                                : o->match == BS_MATCH_ANY ? MATCH_ANY : MATCH_MOST,
                       .offset = o->offset, .limit = o->limit, .facets = o->facets };
    corr_run cr = { ix->st, txn, an, parse_as, &pc };
    rc = like ? like_search(ix->st, txn, an, like, &q, &so, &res, err, sizeof err)
         : o->exact ? search_run(ix->st, txn, &q, &so, &res, err, sizeof err)
                    : correct_search(&cr, query, &q, &so, &res, &r->corr, err, sizeof err);
    if (rc != BS_OK)
        seterr(rc, "%s", err[0] ? err : "the search failed");
    else
        rc = fill_results(ix, txn, an, &res, o, r);
done:
    if (txn)
        read_end(ix, txn);
    results_free(&res);
    qry_free(&q);
    an_free(an);
    if (rc != BS_OK) {
        bs_results_free(r);
        return rc;
    }
    *out = r;
    return BS_OK;
}

int bs_search(bs_index *ix, const char *query, const bs_search_opts *opts, bs_results **out)
{
    return search_or_like(ix, query, NULL, opts, out);
}

int bs_like(bs_index *ix, const char *which, const bs_search_opts *opts, bs_results **out)
{
    if (!which) {
        if (out)
            *out = NULL;
        return seterr(BS_EINVAL, "bs_like: post is NULL");
    }
    return search_or_like(ix, "", which, opts, out);
}

uint64_t bs_results_total(const bs_results *r)
{
    return r ? r->total : 0;
}

size_t bs_results_count(const bs_results *r)
{
    return r ? r->n : 0;
}

int bs_results_hit(const bs_results *r, size_t i, bs_hit *out)
{
    if (!r || !out)
        return seterr(BS_EINVAL, "bs_results_hit: %s is NULL", !r ? "r" : "out");
    unsigned version = out->version;
    int rc = version_ok("bs_results_hit", "bs_hit", version, BS_HIT_VERSION);
    if (rc != BS_OK)
        return rc;
    if (i >= r->n)
        return BS_ENOTFOUND;       /* the end of a loop: no failure to tell */
    memcpy(out, &r->hits[i].h, hit_size[version]);
    out->version = version;
    return BS_OK;
}

const char *bs_results_corrected_query(const bs_results *r)
{
    return r && r->corr.applied ? r->corr.text : NULL;
}

const char *bs_results_suggestion(const bs_results *r)
{
    return r && !r->corr.applied ? r->corr.text : NULL;
}

const char *bs_results_also_searched(const bs_results *r)
{
    return r ? r->corr.also : NULL;
}

size_t bs_results_correction_count(const bs_results *r)
{
    return r ? r->corr.n : 0;
}

int bs_results_correction(const bs_results *r, size_t i, const char **word, const char **to,
                          const char **kind)
{
    if (!r || !word || !to || !kind)
        return seterr(BS_EINVAL, "bs_results_correction: %s is NULL",
                      !r ? "r" : !word ? "word" : !to ? "to" : "kind");
    if (i >= r->corr.n)
        return BS_ENOTFOUND;       /* the end of a loop */
    *word = r->corr.w[i].from;
    *to = r->corr.w[i].to;
    *kind = corr_kind_name(r->corr.w[i].kind);
    return BS_OK;
}

size_t bs_results_facet_count(const bs_results *r)
{
    return r ? r->nfacets : 0;
}

int bs_results_facet(const bs_results *r, size_t i, const char **tag, uint64_t *count)
{
    if (!r || !tag || !count)
        return seterr(BS_EINVAL, "bs_results_facet: %s is NULL", !r ? "r" : !tag ? "tag" : "count");
    if (i >= r->nfacets)
        return BS_ENOTFOUND;       /* the end of a loop */
    *tag = r->facet_tags[i];
    *count = r->facet_counts[i];
    return BS_OK;
}

/* ---- the analyzer ------------------------------------------------------------ */

struct bs_analyzer {
    an_analyzer *an;
};

int bs_analyzer_new(bs_analyzer **out)
{
    if (!out)
        return seterr(BS_EINVAL, "bs_analyzer_new: out is NULL");
    *out = NULL;
    bs_analyzer *a = calloc(1, sizeof *a);
    if (!a || an_new(&a->an, 0) != 0) {
        free(a);
        return nomem();
    }
    *out = a;
    return BS_OK;
}

void bs_analyzer_free(bs_analyzer *a)
{
    if (!a)
        return;
    an_free(a->an);
    free(a);
}

typedef struct {
    bs_term_fn fn;
    void *ctx;
} term_relay;

/* The caller's "stop" becomes 1 whatever its value, so that a -1 is not
 * taken for an_analyze's out of memory. */
static int relay(const an_token *t, void *ctx)
{
    term_relay *r = ctx;
    bs_term bt = { t->term, t->term_len, t->pos, t->off, t->len, (t->flags & AN_STOP) != 0 };
    return r->fn(r->ctx, &bt) != 0;
}

int bs_analyze(bs_analyzer *a, const char *text, size_t len, bs_term_fn fn, void *ctx)
{
    if (!a || (!text && len) || !fn)
        return seterr(BS_EINVAL, "bs_analyze: %s is NULL", !a ? "a" : !fn ? "fn" : "text");
    uint32_t pos = 0;
    term_relay r = { fn, ctx };
    if (an_analyze(a->an, text ? text : "", len, &pos, relay, &r) < 0)
        return nomem();
    return BS_OK;
}

/* ---- writing ------------------------------------------------------------------- */

struct bs_writer {
    bs_index *ix;
    int open;                  /* a batch is open */
    writer_op *ops;
    size_t n, cap;
};

int bs_writer_open(bs_writer **out, bs_index *ix)
{
    if (out)
        *out = NULL;
    if (!out || !ix)
        return seterr(BS_EINVAL, "bs_writer_open: %s is NULL", !out ? "out" : "ix");
    if (!(ix->flags & BS_OPEN_WRITE))
        return seterr(BS_ESTATE, "bs_writer_open: the index %s was opened read-only "
                      "(BS_OPEN_WRITE to write)", ix->st->dir);
    bs_writer *w = calloc(1, sizeof *w);
    if (!w)
        return nomem();
    w->ix = ix;
    w->open = 1;
    *out = w;
    return BS_OK;
}

static void ops_clear(bs_writer *w)
{
    for (size_t i = 0; i < w->n; i++) {
        free((char *)w->ops[i].path);
        post_free(&w->ops[i].p);
    }
    w->n = 0;
}

int bs_writer_begin(bs_writer *w)
{
    if (!w)
        return seterr(BS_EINVAL, "bs_writer_begin: w is NULL");
    if (w->open)
        return seterr(BS_ESTATE, "bs_writer_begin: a batch is open; commit or abort it first");
    w->open = 1;
    return BS_OK;
}

static writer_op *next_op(bs_writer *w, const char *path)
{
    if (w->n == w->cap) {
        writer_op *n = grow_array(w->ops, &w->cap, 16, sizeof *n);
        if (!n)
            return NULL;
        w->ops = n;
    }
    writer_op *op = &w->ops[w->n];
    memset(op, 0, sizeof *op);
    post_init(&op->p);
    if (!(op->path = strdup(path)))
        return NULL;
    w->n++;
    return op;
}

static int batch_ok(const bs_writer *w, const char *fn)
{
    if (!w->open)
        return seterr(BS_ESTATE, "%s: no batch is open (bs_writer_begin after a commit or "
                      "an abort)", fn);
    return BS_OK;
}

static int text_ok(const char *name, const char *s)
{
    if (s && !utf8_valid(s, strlen(s)))
        return seterr(BS_EINVAL, "bs_writer_put: %s is not valid UTF-8", name);
    return BS_OK;
}

/* Each of n strings that is not empty, with its NUL, to a post's list. */
static void put_list(txt_buf *b, size_t *count, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (*v[i]) {
            buf_put(b, v[i], strlen(v[i]) + 1);
            (*count)++;
        }
}

/* A list of n strings (a member named many, of one each), each not NULL
 * and UTF-8. */
static int list_ok(const char *one, const char *many, const char *const *v, size_t n)
{
    if (n && !v)
        return seterr(BS_EINVAL, "bs_writer_put: %s is NULL, with n%s %zu", many, many, n);
    for (size_t i = 0; i < n; i++) {
        if (!v[i])
            return seterr(BS_EINVAL, "bs_writer_put: %s %zu is NULL", one, i);
        if (text_ok(one, v[i]) != BS_OK)
            return BS_EINVAL;
    }
    return BS_OK;
}

int bs_writer_put(bs_writer *w, const bs_post *given)
{
    if (!w || !given)
        return seterr(BS_EINVAL, "bs_writer_put: %s is NULL", !w ? "w" : "post");
    int rc = version_ok("bs_writer_put", "bs_post", given->version, BS_POST_VERSION);
    if (rc != BS_OK)
        return rc;
    /* the members of the caller's version; the later ones as BS_POST_INIT has them */
    bs_post all = BS_POST_INIT;
    memcpy(&all, given, post_size[given->version]);
    const bs_post *in = &all;
    rc = batch_ok(w, "bs_writer_put");
    if (rc != BS_OK)
        return rc;
    if (!in->path || !*in->path)
        return seterr(BS_EINVAL, "bs_writer_put: the post has no path");
    if (in->format < BS_FORMAT_TEXT || in->format > BS_FORMAT_HTML)
        return seterr(BS_EINVAL, "bs_writer_put: format %d: one of BS_FORMAT_*", in->format);
    if (in->body_len && !in->body)
        return seterr(BS_EINVAL, "bs_writer_put: body is NULL, with body_len %zu", in->body_len);
    if (in->has_date && (in->utc_offset < -CODEC_MAX_TZ_MIN || in->utc_offset > CODEC_MAX_TZ_MIN))
        return seterr(BS_EINVAL, "bs_writer_put: utc_offset %d: minutes east of UTC, %d to %d",
                      in->utc_offset, -CODEC_MAX_TZ_MIN, CODEC_MAX_TZ_MIN);
    const char *names[] = { "path", "title", "slug", "url", "author", "description", "category" };
    const char *vals[] = { in->path, in->title, in->slug, in->url, in->author, in->description,
                           in->category };
    for (size_t i = 0; i < 7 && rc == BS_OK; i++)
        rc = text_ok(names[i], vals[i]);
    if (rc == BS_OK)
        rc = list_ok("tag", "tags", in->tags, in->ntags);
    if (rc == BS_OK)
        rc = list_ok("category", "categories", in->categories, in->ncategories);
    if (rc == BS_OK && in->body && !utf8_valid(in->body, in->body_len))
        rc = seterr(BS_EINVAL, "bs_writer_put: the body of %s is not valid UTF-8", in->path);
    if (rc != BS_OK)
        return rc;

    writer_op *op = next_op(w, in->path);
    if (!op)
        return nomem();
    post *p = &op->p;
    txt_buf *fields[] = { &p->title, &p->slug, &p->url, &p->author, &p->description };
    for (size_t i = 0; i < 5; i++)
        if (vals[i + 1])
            buf_puts(fields[i], vals[i + 1]);
    put_list(&p->tags, &p->ntags, in->tags, in->ntags);
    if (in->category)
        put_list(&p->categories, &p->ncategories, &in->category, 1);
    put_list(&p->categories, &p->ncategories, in->categories, in->ncategories);
    p->has_date = in->has_date;
    p->date = in->has_date ? in->date : 0;
    p->tz_min = in->has_date ? in->utc_offset : 0;
    static const markup_kind kinds[] = { MARKUP_TEXT, MARKUP_RST, MARKUP_MD, MARKUP_HTML };
    p->kind = kinds[in->format];
    p->has_header = 1;
    if (in->body_len && markup_to_text(p->kind, in->body, in->body_len, &p->body) != 0)
        return nomem();             /* the op stays in the batch, cleared with it */
    for (size_t i = 0; i < 5; i++)
        if (fields[i]->err)
            return nomem();
    if (p->tags.err || p->categories.err || p->body.err)
        return nomem();
    return BS_OK;
}

int bs_writer_delete(bs_writer *w, const char *path)
{
    if (!w || !path)
        return seterr(BS_EINVAL, "bs_writer_delete: %s is NULL", !w ? "w" : "path");
    int rc = batch_ok(w, "bs_writer_delete");
    if (rc != BS_OK)
        return rc;
    if (!*path)
        return seterr(BS_EINVAL, "bs_writer_delete: the path is empty");
    writer_op *op = next_op(w, path);
    if (!op)
        return nomem();
    op->del = 1;
    return BS_OK;
}

/* Growing the map: with no search of this process in flight. */
static void map_guard(void *ctx, int hold)
{
    shared_store *s = ctx;
    if (hold)
        pthread_rwlock_wrlock(&s->map_lock);
    else
        pthread_rwlock_unlock(&s->map_lock);
}

int bs_writer_commit(bs_writer *w)
{
    if (!w)
        return seterr(BS_EINVAL, "bs_writer_commit: w is NULL");
    int rc = batch_ok(w, "bs_writer_commit");
    if (rc != BS_OK)
        return rc;
    char err[1024];
    writer_summary sum;
    writer_opts wo = { .max_file_bytes = UINT64_MAX, .mem_limit = 64u << 20,
                       .map_guard = map_guard, .map_guard_ctx = w->ix->sh };
    rc = writer_apply(w->ix->st, w->ops, w->n, &wo, &sum, err, sizeof err);
    ops_clear(w);
    w->open = 0;
    if (rc != BS_OK)
        return seterr(rc == BS_EMAPFULL ? BS_ERROR : rc, "%s", err[0] ? err : "the commit failed");
    return BS_OK;
}

int bs_writer_abort(bs_writer *w)
{
    if (!w)
        return seterr(BS_EINVAL, "bs_writer_abort: w is NULL");
    int rc = batch_ok(w, "bs_writer_abort");
    if (rc != BS_OK)
        return rc;
    ops_clear(w);
    w->open = 0;
    return BS_OK;
}

void bs_writer_close(bs_writer *w)
{
    if (!w)
        return;
    ops_clear(w);
    free(w->ops);
    free(w);
}
