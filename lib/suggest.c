/* suggest.c: completions of the word being typed, for the programs: the
 * value tree that blogsearch --suggest --json prints and blogsearch.cgi's
 * suggest= answers, over query/suggest.c in one read transaction (the
 * public API's bs_suggest is api_suggest.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"
#include "lib/lib.h"
#include "query/query.h"

_Static_assert(LIB_SUGGEST_WORDS == SUGGEST_WORDS && LIB_SUGGEST_TITLES == SUGGEST_TITLES,
               "lib.h's limits are suggest.c's");

vnode *lib_suggest_view(lib_searcher *s, const char *text, view *v, int *rc, char *err,
                        size_t errlen)
{
    MDB_txn *txn;
    suggestions sg;
    size_t len = strlen(text);
    if (s->faulted) {
        *rc = lib_faulted(s, err, errlen);
        return NULL;
    }
    store_guard g;
    store_guard_push(&g);
    if (sigsetjmp(g.jb, 1) != 0) {
        *rc = lib_fault(s, &g, err, errlen);    /* the transaction is abandoned */
        return NULL;
    }
    *rc = store_txn_begin(s->st, MDB_RDONLY, &txn);
    if (*rc != BS_OK) {
        store_guard_pop(&g);
        snprintf(err, errlen, "%s", store_err());
        return NULL;
    }
    *rc = suggest_run(s->st, txn, s->an, text, len, SUGGEST_WORDS, SUGGEST_TITLES, &sg, err,
                      errlen);
    mdb_txn_abort(txn);
    store_guard_pop(&g);
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
