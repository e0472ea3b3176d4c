/* internal.h: what the files of lib/ share and neither the programs nor
 * the library's users see: a searcher's insides (search.c), for suggest.c,
 * and a public index handle's read transactions and messages (api.c), for
 * api_suggest.c. */
#ifndef BS_LIB_INTERNAL_H
#define BS_LIB_INTERNAL_H

#include "blogsearch.h"
#include "lib/lib.h"
#include "query/query.h"

/* ---- what search.c offers -------------------------------------------------- */

struct lib_searcher {
    store *st;
    an_analyzer *an;
    int faulted;                 /* a read of the index faulted (store/guard.c): st and
                                    every transaction on it are abandoned */
};

/* Reads of s's index are guarded (store/guard.c) in each entry of search.c
 * and suggest.c:
 *     store_guard g;
 *     store_guard_push(&g);
 *     if (sigsetjmp(g.jb, 1) != 0)
 *         return lib_fault(s, &g, err, errlen);
 * lib_fault marks s faulted and gives the fault's message and status; a
 * searcher that faulted answers every later call with lib_faulted's
 * BS_ECORRUPT (its message again), touching nothing of LMDB's. */
int lib_fault(lib_searcher *s, const store_guard *g, char *err, size_t errlen);
int lib_faulted(const lib_searcher *s, char *err, size_t errlen);

/* ---- what api.c offers ------------------------------------------------------- */

/* The store of ix. */
store *api_store(bs_index *ix);
/* A read transaction of ix, held until api_read_end (a map grown by a
 * writer is adopted first). BS_OK, or BS_ERROR with bs_errmsg set. */
int api_read_begin(bs_index *ix, MDB_txn **txn);
void api_read_end(bs_index *ix, MDB_txn *txn);
/* Sets this thread's bs_errmsg and returns rc. */
int api_seterr(int rc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* BS_OK when version is one of 1 to current, else BS_EINVAL naming fn and
 * the struct (what), with bs_errmsg set. */
int api_version_ok(const char *fn, const char *what, unsigned version, unsigned current);
/* A copy of len bytes of a string read from the index, made valid UTF-8
 * (each bad byte U+FFFD: a damaged index), or NULL when out of memory. */
char *api_text_dup(const char *s, size_t len);
/* *s made valid UTF-8 (api_text_dup) when it is not. Returns 0, or -1
 * when out of memory (*s then as it was). */
int api_text_fix(char **s);

#endif
