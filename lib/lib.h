/* lib.h: what lib/ offers the programs (tools/) and the web front (web/)
 * beyond the public API of include/blogsearch.h, one section per file:
 * searches made into results pages (search.c), completions of a word being
 * typed (suggest.c), and blogsearch-index's work on a blog's files and an
 * index (index.c), every post's related posts (related.c). It is the one
 * door from the programs into the engine: through it they reach query/ and
 * indexer/, whose own headers they never include. api.c implements
 * include/blogsearch.h and offers nothing here (lib/internal.h is what the
 * files of lib/ share). Status codes are blogsearch.h's BS_*. */
#ifndef BS_LIB_H
#define BS_LIB_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "blogsearch.h"

/* ---- what search.c offers ---------------------------------------------- */

#define LIB_MAX_TAGS 16          /* tag filters of one query */

/* An index opened for searching, with the analyzer that reads queries and
 * makes snippets. */
typedef struct lib_searcher lib_searcher;

#define LIB_RESIDENT 1u          /* the analyzer's cache sized for many searches
                                    (a resident FastCGI), not for one */

/* Opens the index in dir read-only. BS_OK; BS_ENOTFOUND when there is no
 * index there (yet); BS_EVERSION, BS_ECORRUPT, BS_ENOMEM, BS_ERROR (such as
 * permissions), each with its reason in err. */
int lib_searcher_open(lib_searcher **out, const char *dir, unsigned flags, char *err,
                      size_t errlen);
void lib_searcher_close(lib_searcher *s);          /* NULL is a no-op */
/* Whether the index s was opened from is no longer the one at its path (a
 * copy swapped in by a rename, the directory moved aside or deleted): then
 * a reader that stays open closes s and opens the path again. Two stat(2)
 * calls. */
int lib_searcher_replaced(const lib_searcher *s);

/* A damaged index read without a crash (store/guard.c): a program calls
 * lib_guard_install once at its start; then a read of the index that faults
 * (SIGSEGV, SIGBUS, LMDB's assertion) in lib_search_run, lib_search_page,
 * lib_suggest_view or blogsearch-index's work is BS_ECORRUPT with "the index
 * DIR is damaged (...); rebuild it with blogsearch-index --full" in err.
 * What the read held is abandoned, not freed: the program reports and exits
 * (a resident one after its answer). lib_faults: the faults so far. */
void lib_guard_install(void);
unsigned lib_faults(void);

enum { LIB_MATCH_MOST, LIB_MATCH_ALL, LIB_MATCH_ANY };

/* One search: the query as typed, the filters given beside it (NULL or ""
 * is none), and what to return. */
typedef struct {
    const char *text;
    const char *const *tags;     /* ntags, at most LIB_MAX_TAGS */
    size_t ntags;
    const char *category, *author;
    const char *since, *until;   /* YYYY, YYYY-MM or YYYY-MM-DD */
    int lenient;                 /* the text as a search box sends it while one types */
    int by_date;                 /* newest first, else by relevance */
    int match;                   /* LIB_MATCH_* */
    size_t offset, limit;
    size_t facets;               /* the most frequent tags of all matches; 0 none */
    int parallel;                /* use a second processor when one is idle */
    int exact;                   /* no correction of words that find nothing or little
                                    (docs/correction.md): the query exactly as typed */
    const char *like;            /* instead of text: the posts most like this one, a
                                    file's absolute path as indexed or a slug */
} lib_query;

/* What a link of lib_page_opts.facet_link narrows to: the kind bytes of the
 * index's facets. */
enum { LIB_LINK_TAG = 't', LIB_LINK_CATEGORY = 'c', LIB_LINK_AUTHOR = 'a' };

/* How a page of results is made into the value tree (base.h). */
typedef struct {
    size_t snippet_chars;        /* about this long; 0: no snippets */
    int paths;                   /* give each post's "path", a file on this machine */
    int html;                    /* the members only the HTML template uses */
    /* with html: the URL of the results narrowed to one tag, category or
     * author (kind LIB_LINK_TAG, _CATEGORY, _AUTHOR), appended to out */
    void (*facet_link)(void *ctx, txt_buf *out, int kind, const char *value, size_t len);
    void *link_ctx;
    int parallel;                /* make the last snippets in a second thread */
} lib_page_opts;

/* A search that ran, holding its read transaction until it is freed. */
typedef struct lib_search lib_search;

/* Runs q. BS_EQUERY with the query's fault in err (positions count from the
 * start of q->text); BS_ENOTFOUND when q->like names no post; else
 * BS_ENOMEM, BS_ECORRUPT, BS_ERROR. */
int lib_search_run(lib_searcher *s, const lib_query *q, lib_search **out, char *err,
                   size_t errlen);
uint64_t lib_search_total(const lib_search *r);    /* posts that match, exact */
size_t lib_search_count(const lib_search *r);      /* those on this page */

/* The page of r as a value tree in v (docs/json.md): its root, or NULL with
 * the status in *rc and the reason in err. With r NULL: the page of no
 * search (the search box before anything was asked), for q. */
vnode *lib_search_page(lib_search *r, const lib_query *q, const lib_page_opts *po, view *v,
                       int *rc, char *err, size_t errlen);
void lib_search_free(lib_search *r);               /* NULL is a no-op */
/* What the correction did: the corrected query, or NULL when there is none;
 * *applied 1 when the results are its ("Показаны результаты для"), 0 when
 * it is a suggestion ("Возможно, вы имели в виду"). */
const char *lib_search_correction(const lib_search *r, int *applied);
/* The spellings searched beside words as typed ("docker"), or NULL. */
const char *lib_search_also(const lib_search *r);

/* Whether s is a date a query's since or until takes (end: until). */
int lib_date_ok(const char *s, int end);

/* ---- what suggest.c offers --------------------------------------------- */

#define LIB_SUGGEST_WORDS 8      /* words offered */
#define LIB_SUGGEST_TITLES 3     /* titles offered */

/* Completions of the word being typed at the end of text (bs_suggest's), as
 * the value tree blogsearch --suggest --json and blogsearch.cgi's suggest=
 * answer (docs/cgi.md): {"suggest": text, "prefix": the word completed as
 * typed, "words": [{"word", "posts"}], "titles": [{"title", "url"}]}. Its
 * root, or NULL with the status in *rc and the reason in err: BS_EQUERY
 * when text is not UTF-8; BS_ENOMEM, BS_ECORRUPT, BS_ERROR. */
vnode *lib_suggest_view(lib_searcher *s, const char *text, view *v, int *rc, char *err,
                        size_t errlen);

/* ---- what index.c offers ----------------------------------------------- */

/* The version of the index format this build reads and writes. */
unsigned lib_format_version(void);

enum { LIB_WARNING, LIB_ERROR };

/* A problem with a post file: path, 1-based line (0: not about a line),
 * LIB_WARNING or LIB_ERROR, and the message. */
typedef void (*lib_diag_fn)(void *ctx, const char *path, unsigned line, int level,
                            const char *msg);

/* The post files found under the paths given to blogsearch-index. */
typedef struct lib_walk lib_walk;

/* Finds the posts under paths (files or directories), each problem through
 * diag. BS_OK or BS_ENOMEM. */
int lib_walk_paths(lib_walk **out, char *const *paths, size_t npaths, lib_diag_fn diag,
                   void *ctx);
/* Instead of a walk, the posts at the paths listed on fd (read to its end;
 * one a line, or with nul each ended by NUL; relative ones against the
 * current directory) that are below the paths given, by the walk's rules;
 * only they are brought up to date by lib_index_run, which refuses a run
 * whose options differ from the index's. A bad line goes to diag
 * ("<stdin>", its number), each path ignored to note with why. BS_OK;
 * BS_ERROR when fd cannot be read, BS_ENOMEM; the reason in err. */
int lib_walk_changed(lib_walk **out, char *const *paths, size_t npaths, int fd, int nul,
                     lib_diag_fn diag, void *ctx,
                     void (*note)(void *ctx, const char *path, const char *why),
                     void *note_ctx, char *err, size_t errlen);
/* Of a list of changed paths: how many were listed, and ignored (outside
 * every path given, not posts, or where the walk does not go). */
void lib_walk_listed(const lib_walk *w, size_t *listed, size_t *ignored);
size_t lib_walk_roots(const lib_walk *w);           /* paths that could be read */
void lib_walk_free(lib_walk *w);                    /* NULL is a no-op */

typedef struct {
    int full;                  /* rebuild from nothing */
    int drafts;                /* index drafts too */
    const char *url_prefix;    /* URL of a post without a link: prefix + slug + "/" */
    const char *timezone;      /* zone of dates written without one ("Europe/Moscow",
                                  "+03:00"); NULL: the index's, UTC for a new one */
    uint64_t max_file_bytes;   /* larger files are skipped with a warning */
    size_t mem_limit;          /* bytes of postings held before they are written */
    uint64_t initial_mapsize;  /* 0: chosen from the corpus size */
    int strict;                /* a warning makes the run fail; nothing is written */
    lib_diag_fn diag;
    void *diag_ctx;
    /* after each post: done of total posts, bytes read so far */
    void (*progress)(void *ctx, size_t done, size_t total, uint64_t bytes);
    void *progress_ctx;
    /* each post added, updated, removed or skipped, and why (may be NULL) */
    void (*event)(void *ctx, const char *path, const char *what);
    void *event_ctx;
} lib_run_opts;

typedef struct {
    size_t added, updated, removed, unchanged, skipped;
    size_t files;              /* post files considered */
    uint64_t bytes;            /* bytes of post files read */
    size_t warnings, errors;   /* diagnostics reported */
    int committed;             /* 0 when nothing changed and nothing was written */
    uint64_t posts;            /* posts in the index after the run; UINT64_MAX when
                                  they could not be counted (err says why) */
} lib_run_summary;

/* Brings the index in dir (made when missing) up to date with the posts of
 * w, in one LMDB write transaction. BS_OK, or a status with the reason in
 * err; nothing is written then. */
int lib_index_run(const char *dir, const lib_walk *w, const lib_run_opts *o,
                  lib_run_summary *sum, char *err, size_t errlen);

/* The statistics of the index in dir as lines of text, or with json as one
 * JSON object and a newline, appended to out: what --stats prints. */
int lib_index_stats(const char *dir, int json, txt_buf *out, char *err, size_t errlen);

/* Calls fn for every tag, category or author (kind "tag", "category" or
 * "author"; the value case-folded) with the posts that carry it, in key
 * order. */
int lib_index_facets(const char *dir,
                     void (*fn)(void *ctx, const char *kind, const char *value, size_t len,
                                size_t count),
                     void *ctx, char *err, size_t errlen);

/* Calls fn with one JSON object (no newline) per post, in docid order. */
int lib_index_dump(const char *dir, void (*fn)(void *ctx, const char *json, size_t len),
                   void *ctx, char *err, size_t errlen);

typedef struct {
    uint64_t posts, terms, postings;
} lib_check_counts;

/* Checks the index in dir, each problem through report. BS_OK (and the
 * counts), BS_ECORRUPT when a problem was found, or another status. */
int lib_index_check(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx,
                    lib_check_counts *counts, char *err, size_t errlen);

/* A compacted copy of an index for web nodes (blogsearch-index --snapshot):
 * its posts and size, and the index's. */
typedef struct {
    uint64_t posts;            /* in the copy */
    uint64_t bytes;            /* the copy's data.mdb */
    uint64_t src_file_bytes;   /* the index's data.mdb on disk */
    uint64_t src_used_bytes;   /* the index's pages in use */
    int replaced;              /* a previous snapshot at dst was replaced */
    char kept[4096];           /* where the previous one was left when it could not
                                  be removed, else "" */
} lib_snapshot_info;

/* Writes the copy of the index in src to the directory dst, whole or not at
 * all: dst missing, an empty directory or a previous snapshot (swapped out
 * in one rename and removed); anything else is refused (store/store.h,
 * store_snapshot). BS_OK, or a status with the reason in err and dst as it
 * was. */
int lib_index_snapshot(const char *src, const char *dst, lib_snapshot_info *info, char *err,
                       size_t errlen);

/* ---- what related.c offers --------------------------------------------- */

/* Every post of the index in dir with the count posts most like it (as
 * blogsearch --like finds them), as one JSON object, {"posts": [{"path",
 * "slug", "url", "title", "related": [{... "score"}]}]}, one post a line,
 * written to out through out.tmp renamed over it when whole (*nposts of
 * them). BS_OK, or a status with the reason in err; out is then unchanged. */
int lib_index_related(const char *dir, const char *out, size_t count, size_t *nposts,
                      char *err, size_t errlen);

#endif
