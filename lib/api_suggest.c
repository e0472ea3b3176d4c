/* api_suggest.c: libblogsearch's completions of the word being typed
 * (bs_suggest and its accessors, include/blogsearch.h) over
 * query/suggest.c, in a read transaction of the public index handle. A
 * file apart from suggest.c, so that the programs, which link the static
 * library and use only the value tree, do not take in the rest of the
 * public API (the writer, and the markup readers it needs). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "blogsearch.h"
#include "lib/internal.h"
#include "query/query.h"

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
    /* the words and titles as read from the index: valid UTF-8 even from a
     * damaged one */
    for (size_t i = 0; rc == BS_OK && i < r->s.nwords; i++)
        if (api_text_fix(&r->s.words[i].word) != 0)
            rc = api_seterr(BS_ENOMEM, "out of memory");
    for (size_t i = 0; rc == BS_OK && i < r->s.ntitles; i++)
        if (api_text_fix(&r->s.titles[i].title) != 0 || api_text_fix(&r->s.titles[i].url) != 0)
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
