/* suggest.c: completions of the word being typed, for the public API
 * (bs_suggest) and for the programs (the value tree that blogsearch
 * --suggest --json prints and blogsearch.cgi's suggest= answers), both over
 * query/suggest.c in one read transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogsearch.h"
#include "lib/internal.h"
#include "lib/lib.h"
#include "query/query.h"

_Static_assert(LIB_SUGGEST_WORDS == SUGGEST_WORDS && LIB_SUGGEST_TITLES == SUGGEST_TITLES,
               "lib.h's limits are suggest.c's");

/* ---- the public API ----------------------------------------------------------- */

struct bs_suggestions {
    char *prefix;
    suggestions s;
};

static const size_t suggest_opts_size[BS_SUGGEST_OPTS_VERSION + 1] = {
    0, sizeof(bs_suggest_opts)
};

int bs_suggest(bs_index *ix, const char *text, const bs_suggest_opts *opts, bs_suggestions **out)
{
    static const bs_suggest_opts defaults = BS_SUGGEST_OPTS_INIT;
    if (out)
        *out = NULL;
    if (!ix || !text || !out)
        return api_seterr(BS_EINVAL, "bs_suggest: %s is NULL", !ix ? "ix" : !text ? "text"
                                                                                   : "out");
    int rc = api_version_ok("bs_suggest", "bs_suggest_opts",
                            opts ? opts->version : defaults.version, BS_SUGGEST_OPTS_VERSION);
    if (rc != BS_OK)
        return rc;
    bs_suggest_opts o = defaults;
    if (opts)
        memcpy(&o, opts, suggest_opts_size[opts->version]);
    if (o.words > SUGGEST_WORDS || o.titles > SUGGEST_TITLES)
        return api_seterr(BS_EINVAL, "bs_suggest: %s %zu: 0 to %d",
                          o.words > SUGGEST_WORDS ? "words" : "titles",
                          o.words > SUGGEST_WORDS ? o.words : o.titles,
                          o.words > SUGGEST_WORDS ? SUGGEST_WORDS : SUGGEST_TITLES);
    bs_suggestions *r = calloc(1, sizeof *r);
    an_analyzer *an = NULL;
    if (!r || an_new(&an, AN_SMALL_CACHE) != 0) {
        free(r);
        return api_seterr(BS_ENOMEM, "out of memory");
    }
    MDB_txn *txn = NULL;
    char err[1024] = "";
    rc = api_read_begin(ix, &txn);
    if (rc == BS_OK) {
        rc = suggest_run(api_store(ix), txn, an, text, strlen(text), o.words, o.titles, &r->s,
                         err, sizeof err);
        api_read_end(ix, txn);
        if (rc != BS_OK)
            api_seterr(rc, "bs_suggest: %s", err[0] ? err : "the index could not be read");
    }
    an_free(an);
    if (rc == BS_OK && !(r->prefix = strndup(text + r->s.off, r->s.len)))
        rc = api_seterr(BS_ENOMEM, "out of memory");
    if (rc != BS_OK) {
        bs_suggestions_free(r);
        return rc;
    }
    *out = r;
    return BS_OK;
}

const char *bs_suggestions_prefix(const bs_suggestions *s)
{
    return s && s->prefix ? s->prefix : "";
}

size_t bs_suggestions_word_count(const bs_suggestions *s)
{
    return s ? s->s.nwords : 0;
}

/* An accessor's checks: s and its two outputs not NULL, i below n (past
 * the end, BS_ENOTFOUND: the end of a loop, no failure to tell). */
static int item_at(const char *fn, const bs_suggestions *s, const void *a, const char *aname,
                   const void *b, const char *bname, size_t i, size_t n)
{
    if (!s || !a || !b)
        return api_seterr(BS_EINVAL, "%s: %s is NULL", fn, !s ? "s" : !a ? aname : bname);
    return i < n ? BS_OK : BS_ENOTFOUND;
}

int bs_suggestions_word(const bs_suggestions *s, size_t i, const char **word, uint64_t *posts)
{
    int rc = item_at("bs_suggestions_word", s, word, "word", posts, "posts", i,
                     s ? s->s.nwords : 0);
    if (rc == BS_OK) {
        *word = s->s.words[i].word;
        *posts = s->s.words[i].posts;
    }
    return rc;
}

size_t bs_suggestions_title_count(const bs_suggestions *s)
{
    return s ? s->s.ntitles : 0;
}

int bs_suggestions_title(const bs_suggestions *s, size_t i, const char **title, const char **url)
{
    int rc = item_at("bs_suggestions_title", s, title, "title", url, "url", i,
                     s ? s->s.ntitles : 0);
    if (rc == BS_OK) {
        *title = s->s.titles[i].title;
        *url = s->s.titles[i].url;
    }
    return rc;
}

void bs_suggestions_free(bs_suggestions *s)
{
    if (!s)
        return;
    suggestions_free(&s->s);
    free(s->prefix);
    free(s);
}

/* ---- the programs' view ------------------------------------------------------- */

vnode *lib_suggest_view(lib_searcher *s, const char *text, view *v, int *rc, char *err,
                        size_t errlen)
{
    MDB_txn *txn;
    suggestions sg;
    size_t len = strlen(text);
    *rc = store_txn_begin(s->st, MDB_RDONLY, &txn);
    if (*rc != BS_OK) {
        snprintf(err, errlen, "%s", store_err());
        return NULL;
    }
    *rc = suggest_run(s->st, txn, s->an, text, len, SUGGEST_WORDS, SUGGEST_TITLES, &sg, err,
                      errlen);
    mdb_txn_abort(txn);
    if (*rc != BS_OK)
        return NULL;
    vnode *root = vn_obj(v), *words = vn_arr(v), *titles = vn_arr(v);
    vn_set(v, root, "suggest", vn_str(v, text, len));
    vn_set(v, root, "prefix", vn_str(v, text + sg.off, sg.len));
    for (size_t i = 0; i < sg.nwords; i++) {
        vnode *w = vn_obj(v);
        vn_set(v, w, "word", vn_cstr(v, sg.words[i].word));
        vn_set(v, w, "posts", vn_int(v, (int64_t)sg.words[i].posts));
        vn_push(v, words, w);
    }
    vn_set(v, root, "words", words);
    for (size_t i = 0; i < sg.ntitles; i++) {
        vnode *t = vn_obj(v);
        vn_set(v, t, "title", vn_cstr(v, sg.titles[i].title));
        vn_set(v, t, "url", vn_cstr(v, sg.titles[i].url));
        vn_push(v, titles, t);
    }
    vn_set(v, root, "titles", titles);
    suggestions_free(&sg);
    if (view_failed(v)) {
        *rc = BS_ENOMEM;
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return root;
}
