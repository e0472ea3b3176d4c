/* blogsearch.h: full-text search of a blog's posts, as a C library.
 *
 * The same engine as the blogsearch, blogsearch-index and blogsearch.cgi
 * programs: an index in LMDB (one directory), Russian and English words
 * matched in any form, BM25F ranking, tag and date filters, snippets with
 * the matched words marked.
 *
 *     bs_index *ix;
 *     bs_results *res;
 *     if (bs_index_open(&ix, "/var/lib/blogsearch/index", BS_OPEN_RDONLY) != BS_OK) {
 *         fprintf(stderr, "%s\n", bs_errmsg());
 *         return 1;
 *     }
 *     bs_search_opts o = BS_SEARCH_OPTS_INIT;
 *     if (bs_search(ix, "виртуализация docker", &o, &res) == BS_OK) {
 *         bs_hit h = BS_HIT_INIT;
 *         for (size_t i = 0; bs_results_hit(res, i, &h) == BS_OK; i++)
 *             printf("%s  %s\n", h.title, h.url);
 *         bs_results_free(res);
 *     }
 *     bs_index_close(ix);
 *
 * Conventions, for every function here:
 * - A function that can fail returns an int status: BS_OK (0) or one of the
 *   negative BS_E* codes below; the reason, in English, is then given by
 *   bs_errmsg(), which is kept per thread.
 * - Handles are opaque. What a bs_*_open or bs_*_new gives is released by
 *   the matching close or free, which accept NULL. A handle is not used
 *   after it is released.
 * - Strings go in as NUL-terminated UTF-8 and are copied when kept. Strings
 *   and arrays that come out belong to the handle they came from and live
 *   until it is freed (a bs_results keeps its own copies, so results stay
 *   valid after the index is closed).
 * - Threads: a bs_index opened read-only may be searched by any number of
 *   threads at once (each search reads in its own LMDB read transaction). A
 *   bs_writer, a bs_results and a bs_analyzer belong to one thread at a time.
 *   A batch is held in memory until its commit, and commits take turns, one
 *   at a time per index, across processes too (LMDB's single writer). A
 *   commit that must grow the index's map waits for the searches of this
 *   process in flight, and new ones wait for it.
 *
 * Versions: BS_VERSION_* give the version of this header, bs_version() that
 * of the library in use. The shared library is libblogsearch.so.N with N =
 * BS_VERSION_MAJOR: a change that breaks a program built against an earlier
 * header (a function removed or changed, a struct member moved, a meaning
 * changed) raises the major version and so the soname; additions raise the
 * minor version; fixes the patch.
 *
 * Structs passed by address (bs_search_opts, bs_suggest_opts and bs_post,
 * which the caller fills; bs_hit and bs_index_stats, which the library
 * fills) begin with a version, set by their BS_*_INIT macro, as libgit2's
 * options do: a struct only grows at its end, and each growth raises its
 * BS_*_VERSION, so a library newer than the program reads and writes only
 * the members the program's version has, and an older library refuses a
 * version it does not know (BS_EINVAL) rather than read past the struct.
 * Initialize every one with its BS_*_INIT; a version of 0 (a struct not
 * initialized) is BS_EINVAL too.
 */
#ifndef BLOGSEARCH_H
#define BLOGSEARCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What the shared library exports (it builds with BS_BUILDING_LIBRARY). */
#if defined(BS_BUILDING_LIBRARY) && defined(__GNUC__)
#define BS_EXTERN __attribute__((visibility("default")))
#else
#define BS_EXTERN
#endif

#define BS_VERSION_MAJOR 1
#define BS_VERSION_MINOR 4
#define BS_VERSION_PATCH 0
#define BS_VERSION_STRING "1.4.0"

/* The library's version, "MAJOR.MINOR.PATCH"; each of major, minor and
 * patch that is not NULL gets its number. */
BS_EXTERN const char *bs_version(int *major, int *minor, int *patch);

/* Status codes. */
enum {
    BS_OK = 0,
    BS_ERROR = -1,      /* anything else: a file that cannot be written, LMDB's errors */
    BS_ENOTFOUND = -2,  /* no index at the path, or no such post, result or facet */
    BS_EVERSION = -3,   /* the index was written by another version of the format or
                           analyzer: rebuild it (blogsearch-index --full) */
    BS_ECORRUPT = -4,   /* the index is damaged: rebuild it */
    BS_EQUERY = -5,     /* the query or a filter is not valid; the message names the
                           position in the query ("query position 8: ...") */
    BS_ENOMEM = -6,     /* out of memory */
                        /* -7 is the library's own, never returned */
    BS_EINVAL = -8,     /* a NULL or invalid argument */
    BS_ESTATE = -9,     /* the call does not fit the handle's state: a write with no
                           batch begun, a read-only index written to */
    BS_ENOTREADY = -10  /* the index is being built: no batch or run has been committed
                           into it yet (try again once one has) */
};

/* The message of this thread's last failed call, or "" when none failed.
 * Lives until this thread's next bs_* call. A call that succeeds, and one
 * that only reports the end of a list (bs_results_hit and bs_results_facet
 * past the last: BS_ENOTFOUND), leave it as it was. */
BS_EXTERN const char *bs_errmsg(void);

/* What a status code means, in English ("out of memory"): static text,
 * never NULL; a code that is not one of these gives "unknown status". */
BS_EXTERN const char *bs_errstr(int code);

/* ---- an index ---------------------------------------------------------------- */

typedef struct bs_index bs_index;

#define BS_OPEN_RDONLY 0u     /* search only */
#define BS_OPEN_WRITE  1u     /* also write, through bs_writer */
#define BS_OPEN_CREATE 2u     /* with BS_OPEN_WRITE: make the index if there is none,
                                 and the directories above it that are missing */

/* Opens the index in the directory path. Handles on one directory in one
 * process share one open environment (LMDB allows no other), so the first
 * handle decides whether it can write. Errors: BS_EINVAL (out or path NULL,
 * unknown flags), BS_ENOTFOUND (no index there and no BS_OPEN_CREATE),
 * BS_ENOTREADY (read-only, and the index is being built: created, and no
 * run of blogsearch-index nor bs_writer_commit has finished in it yet),
 * BS_ESTATE (BS_OPEN_WRITE asked while the index is open read-only in this
 * process), BS_EVERSION, BS_ECORRUPT, BS_ERROR (permissions, ...),
 * BS_ENOMEM. On error *out is NULL. */
BS_EXTERN int bs_index_open(bs_index **out, const char *path, unsigned flags);

/* Closes the index and frees the handle. Its results stay valid; a writer
 * of it must have been closed first. */
BS_EXTERN void bs_index_close(bs_index *ix);

#define BS_INDEX_STATS_VERSION 1

typedef struct {
    unsigned int version;     /* BS_INDEX_STATS_VERSION (BS_INDEX_STATS_INIT) */
    uint64_t posts;           /* posts indexed */
    uint64_t bytes;           /* bytes of the index file in use */
} bs_index_stats;

#define BS_INDEX_STATS_INIT { BS_INDEX_STATS_VERSION, 0, 0 }

/* Counts of the index as of now, into *out (initialized with
 * BS_INDEX_STATS_INIT). Errors: BS_EINVAL (also a version this library does
 * not know), BS_ECORRUPT, BS_ERROR. */
BS_EXTERN int bs_index_stats_get(bs_index *ix, bs_index_stats *out);

/* ---- searching --------------------------------------------------------------- */

#define BS_SORT_RELEVANCE 0   /* BM25F, posts with all the words first */
#define BS_SORT_DATE      1   /* newest first */

#define BS_MATCH_MOST 0       /* posts with all the words first, then fewer */
#define BS_MATCH_ALL  1       /* only posts with every word */
#define BS_MATCH_ANY  2       /* any word, ranked together */

#define BS_SEARCH_OPTS_VERSION 2   /* 2 added exact */

typedef struct {
    unsigned int version;     /* BS_SEARCH_OPTS_VERSION (BS_SEARCH_OPTS_INIT) */
    const char *const *tags;  /* only posts with every one of these tags */
    size_t ntags;             /* at most 16 */
    const char *category;     /* only posts with this category among theirs; NULL for any */
    const char *author;       /* only this author; NULL for any */
    const char *since;        /* dates, inclusive, YYYY, YYYY-MM or YYYY-MM-DD, each */
    const char *until;        /*   post's own day (in its utc_offset); NULL for no bound */
    int sort;                 /* BS_SORT_* */
    int match;                /* BS_MATCH_* */
    size_t offset;            /* results to skip (paging), at most 1,000,000 */
    size_t limit;             /* results to return, 1 to 1000 */
    int snippets;             /* 1: a snippet for each result; 0: none (faster) */
    size_t snippet_chars;     /* about this many characters, 20 to 2000 */
    size_t facets;            /* the most frequent tags of all matches to count, 0 to 1000 */
    int lenient;              /* 1: read the query as a search box sends it while one
                                 types, never BS_EQUERY for its syntax (below) */
    int exact;                /* 1: the words exactly as typed; 0 (and version 1):
                                 a word that finds nothing is corrected, one that
                                 finds little may get a suggestion (below) */
} bs_search_opts;

/* Ten results with snippets of about 200 characters, no facets, the query
 * read strictly. */
#define BS_SEARCH_OPTS_INIT \
    { BS_SEARCH_OPTS_VERSION, NULL, 0, NULL, NULL, NULL, NULL, BS_SORT_RELEVANCE, \
      BS_MATCH_MOST, 0, 10, 1, 200, 0, 0, 0 }

typedef struct bs_results bs_results;

/* Runs query (the query language of blogsearch(1): words in any form,
 * "phrases", -word, +word, OR, prefix*, title:, tag:, category:, author:,
 * since:, until:) with opts (NULL: BS_SEARCH_OPTS_INIT) and gives the
 * results in *out, to be freed with bs_results_free(). A query of only
 * filters (in opts or as tag: and the like) lists the newest matching posts;
 * one of no words and no filter is BS_EQUERY. With opts->lenient, what a
 * strict reading refuses is read as a reader typing it means it: an
 * unclosed quote closes at the end, a field with no value ("tag:") or a
 * date not yet whole is no filter, an unknown field ("https:") is words, a
 * lone * is nothing, words past the 64 a query holds are dropped, and a
 * query of nothing to look for ("-", only exclusions) matches no post; only
 * a query that is not UTF-8, or a bad filter in opts, is still BS_EQUERY.
 * Errors: BS_EINVAL (a NULL argument, an option out of range, an
 * opts->version this library does not know), BS_EQUERY (the message names
 * the position), BS_ECORRUPT, BS_ENOMEM, BS_ERROR. On error *out is NULL. */
BS_EXTERN int bs_search(bs_index *ix, const char *query, const bs_search_opts *opts, bs_results **out);
/* The posts most like one post, for a "see also" block (since 1.3): post
 * names it by the absolute path of its file as indexed or by its slug. Its
 * most distinctive words (those of the title and tags weighted, rare words
 * first) make a query of any of them, each weighted by the post's use of
 * it; the post itself is left out. opts as for bs_search: the page, the
 * sort, the filters (bs_like of a post with opts->tags lists the posts like
 * it with those tags), snippets; opts->exact and opts->match are not read.
 * BS_ENOTFOUND when post names no post; else errors as bs_search's. */
BS_EXTERN int bs_like(bs_index *ix, const char *post, const bs_search_opts *opts, bs_results **out);

/* Posts that match in all, exact (not only those returned). */
BS_EXTERN uint64_t bs_results_total(const bs_results *r);
/* Results returned: at most opts->limit. */
BS_EXTERN size_t bs_results_count(const bs_results *r);

typedef struct {
    size_t start, len;        /* bytes, within the snippet */
} bs_range;

#define BS_HIT_VERSION 2      /* 2 added categories, ncategories and utc_offset */

typedef struct {
    unsigned int version;     /* BS_HIT_VERSION (BS_HIT_INIT), set by the caller */
    size_t rank;              /* 1-based over all pages: offset + index + 1 */
    double score;             /* only comparable within one search */
    const char *path;         /* the post's source file, or the path given to bs_writer_put */
    const char *url;          /* its link (bs_post.url; blogsearch-index: the post's link,
                                 else --url-prefix + slug + "/"), else "" */
    const char *title, *slug, *category, *author;   /* "" when absent; category is
                                                       the first of categories */
    int has_date;
    int64_t date;             /* seconds since the epoch, UTC; 0 without a date */
    const char *const *tags;  /* ntags tags, as written in the post */
    size_t ntags;
    const char *snippet;      /* the best passage, "…" where cut; NULL without snippets */
    const bs_range *highlights;   /* nhighlights matched words in snippet */
    size_t nhighlights;
    /* version 2 */
    const char *const *categories;  /* ncategories categories, as written in the post */
    size_t ncategories;
    int utc_offset;           /* the date's offset, minutes east of UTC: the post's own
                                 wall clock, and its day, is date + 60 * utc_offset;
                                 0 without a date */
} bs_hit;

#define BS_HIT_INIT { BS_HIT_VERSION, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, NULL, 0, \
                      NULL, NULL, 0, NULL, 0, 0 }

/* Fills *out (initialized with BS_HIT_INIT; its version is kept) with
 * result i (0-based, < bs_results_count). Its strings belong to r.
 * Errors: BS_EINVAL (a NULL argument, a version this library does not
 * know), BS_ENOTFOUND (i out of range: the end of a loop, which leaves
 * bs_errmsg as it was). */
BS_EXTERN int bs_results_hit(const bs_results *r, size_t i, bs_hit *out);

/* Tag facets (opts->facets > 0): tag i, most frequent first, with the
 * number of matching posts that carry it; tags are case-folded. Errors:
 * BS_EINVAL, BS_ENOTFOUND (i out of range: the end of a loop, which leaves
 * bs_errmsg as it was). */
BS_EXTERN size_t bs_results_facet_count(const bs_results *r);
BS_EXTERN int bs_results_facet(const bs_results *r, size_t i, const char **tag, uint64_t *count);

/* Forgiving queries. Unless opts->exact, a query word that no post holds is
 * read as what it likely is: typed on the other keyboard layout
 * (dbhnefkbpfwbz: виртуализация), a Latin name in Cyrillic or back (докер:
 * docker), a typo (dokcer: docker); when that finds posts, the results are
 * those of the corrected query, which bs_results_corrected_query gives
 * ("Показаны результаты для «...»"). A word in very few posts whose
 * correction is in far more is kept, and the corrected query offered as
 * bs_results_suggestion ("Возможно, вы имели в виду «...»") when it finds
 * much more. NULL when there is none; at most one of the two is set. A word
 * that more than a few posts hold is never changed. */
BS_EXTERN const char *bs_results_corrected_query(const bs_results *r);
BS_EXTERN const char *bs_results_suggestion(const bs_results *r);
/* A word few posts write in one alphabet (докер in 3 posts, docker in 70),
 * or none while the rest of the query finds posts, is kept and its spelling
 * in the other searched beside it: the results hold both. The spellings so
 * searched, joined by ", " ("docker"), or NULL (since 1.3). */
BS_EXTERN const char *bs_results_also_searched(const bs_results *r);
/* The words changed, i from 0: the word as typed, what replaced it (or
 * was searched beside it), and why: "layout", "typo" or "translit".
 * BS_ENOTFOUND past the last. */
BS_EXTERN size_t bs_results_correction_count(const bs_results *r);
BS_EXTERN int bs_results_correction(const bs_results *r, size_t i, const char **word,
                                    const char **to, const char **kind);

BS_EXTERN void bs_results_free(bs_results *r);

/* ---- completing the word being typed (since 1.4) ------------------------------ */

/* What a search box offers under itself as one types: completions of the
 * last word of the text from the index's own words, and a few titles. */
typedef struct bs_suggestions bs_suggestions;

#define BS_SUGGEST_OPTS_VERSION 1

typedef struct {
    unsigned int version;     /* BS_SUGGEST_OPTS_VERSION (BS_SUGGEST_OPTS_INIT) */
    size_t words;             /* words to offer, 0 to 8 */
    size_t titles;            /* titles to offer, 0 to 3 */
} bs_suggest_opts;

/* Eight words and three titles. */
#define BS_SUGGEST_OPTS_INIT { BS_SUGGEST_OPTS_VERSION, 8, 3 }

/* Completes the word being typed at the end of text: the last word of what
 * follows the last white space, when the text ends in it (not in a space,
 * punctuation or a *), normalized as posts are (case folded, ё as е), of
 * two letters or more. The words are those posts write, in the index's
 * form (folded), that start with it and are no stopword: виртуа gives
 * виртуализация, виртуальных ...; the word itself, whole, counts too. Most
 * posts first; of as many posts, the word as typed after longer ones, then
 * the shorter. The titles are those of the newest posts with such a word in
 * their title. A text with nothing to complete gives no words and no
 * titles, and is no error. opts NULL: BS_SUGGEST_OPTS_INIT. The work is
 * bounded whatever the index (2,000 terms read at most). Gives *out, to be
 * freed with bs_suggestions_free(). Errors: BS_EINVAL (a NULL argument,
 * words or titles out of range, an opts->version this library does not
 * know), BS_EQUERY (text is not UTF-8), BS_ECORRUPT, BS_ENOMEM, BS_ERROR.
 * On error *out is NULL. */
BS_EXTERN int bs_suggest(bs_index *ix, const char *text, const bs_suggest_opts *opts,
                         bs_suggestions **out);
/* The word completed, as typed (the end of text), or "" when nothing was
 * being typed. */
BS_EXTERN const char *bs_suggestions_prefix(const bs_suggestions *s);
/* Word i (0-based) and the posts that hold it (in any form). Errors:
 * BS_EINVAL, BS_ENOTFOUND (i out of range: the end of a loop, which
 * leaves bs_errmsg as it was). */
BS_EXTERN size_t bs_suggestions_word_count(const bs_suggestions *s);
BS_EXTERN int bs_suggestions_word(const bs_suggestions *s, size_t i, const char **word,
                                  uint64_t *posts);
/* Title i and the post's URL ("" when it has none). Errors as
 * bs_suggestions_word's. */
BS_EXTERN size_t bs_suggestions_title_count(const bs_suggestions *s);
BS_EXTERN int bs_suggestions_title(const bs_suggestions *s, size_t i, const char **title,
                                   const char **url);
BS_EXTERN void bs_suggestions_free(bs_suggestions *s);

/* ---- the analyzer ------------------------------------------------------------ */

/* Text to index terms exactly as indexing and searching do it: UTF-8,
 * normalized (NFC, case folded, ё as е), split into words, stemmed by
 * Snowball (russian for Cyrillic, english for Latin). */
typedef struct bs_analyzer bs_analyzer;

typedef struct {
    const char *term;         /* the index term, term_len bytes; valid during the
                                 callback only: copy what you keep */
    size_t term_len;
    uint32_t position;        /* 0, 1, 2 ... over the text */
    size_t offset, len;       /* the word in the text, bytes */
    int stopword;             /* 1 for a stopword (still a term) */
} bs_term;

/* Called per term; returning non-zero stops the analysis. */
typedef int (*bs_term_fn)(void *ctx, const bs_term *t);

/* Errors: BS_EINVAL, BS_ENOMEM. */
BS_EXTERN int bs_analyzer_new(bs_analyzer **out);
BS_EXTERN void bs_analyzer_free(bs_analyzer *a);

/* Analyzes len bytes of text, calling fn for each term. Text that is not
 * valid UTF-8 is decoded with replacement characters. Returns BS_OK (also
 * when fn stopped it), BS_EINVAL or BS_ENOMEM. */
BS_EXTERN int bs_analyze(bs_analyzer *a, const char *text, size_t len, bs_term_fn fn, void *ctx);

/* ---- writing ------------------------------------------------------------------- */

/* A write batch on an index opened with BS_OPEN_WRITE: posts added,
 * replaced and deleted become visible together at bs_writer_commit(), or not
 * at all (bs_writer_abort(), or a crash): the atomicity of blogsearch-index.
 * The batch's posts are held in memory until the commit. */
typedef struct bs_writer bs_writer;

#define BS_FORMAT_TEXT     0  /* plain text */
#define BS_FORMAT_RST      1  /* reStructuredText */
#define BS_FORMAT_MARKDOWN 2  /* CommonMark with GitHub's tables, strikethrough, task lists */
#define BS_FORMAT_HTML     3

#define BS_POST_VERSION 2     /* 2 added categories, ncategories and utc_offset */

typedef struct {
    unsigned int version;     /* BS_POST_VERSION (BS_POST_INIT) */
    const char *path;         /* the post's identity: putting a path again replaces it */
    const char *title, *slug, *url, *category, *author, *description;  /* NULL: none */
    const char *const *tags;
    size_t ntags;
    int has_date;
    int64_t date;             /* seconds since the epoch, UTC */
    const char *body;         /* body_len bytes of UTF-8, in format */
    size_t body_len;
    int format;               /* BS_FORMAT_*: markup is turned into the text a reader sees */
    /* version 2 */
    const char *const *categories;  /* the post's categories are category (when not NULL
                                       or "") and these ncategories; one given twice
                                       counts once */
    size_t ncategories;
    int utc_offset;           /* the date's offset, minutes east of UTC (-1560 to 1560):
                                 the post's own day, shown and filtered by since and
                                 until, is that of date + 60 * utc_offset */
} bs_post;

#define BS_POST_INIT { BS_POST_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, \
                       0, NULL, 0, BS_FORMAT_TEXT, NULL, 0, 0 }

/* Makes a writer for ix and begins a batch. Errors: BS_EINVAL, BS_ESTATE
 * (ix was opened read-only), BS_ENOMEM. */
BS_EXTERN int bs_writer_open(bs_writer **out, bs_index *ix);

/* Begins a new batch after a commit or an abort. Errors: BS_EINVAL,
 * BS_ESTATE (a batch is open). */
BS_EXTERN int bs_writer_begin(bs_writer *w);

/* Adds post to the batch, or replaces the post of the same path. The post's
 * strings are copied. Errors: BS_EINVAL (NULL, a version this library does
 * not know, no path, text that is not UTF-8, an unknown format, a
 * utc_offset out of range), BS_ESTATE (no batch open), BS_ENOMEM. */
BS_EXTERN int bs_writer_put(bs_writer *w, const bs_post *post);

/* Deletes the post of path in the batch (no error when there is none).
 * Errors: BS_EINVAL, BS_ESTATE, BS_ENOMEM. */
BS_EXTERN int bs_writer_delete(bs_writer *w, const char *path);

/* Writes the batch in one transaction, which ends it. On an error nothing
 * of it is written and the batch is ended too. Errors: BS_EINVAL, BS_ESTATE
 * (no batch open), BS_ERROR (the disk), BS_ENOMEM. */
BS_EXTERN int bs_writer_commit(bs_writer *w);

/* Ends the batch, writing nothing. Errors: BS_EINVAL, BS_ESTATE. */
BS_EXTERN int bs_writer_abort(bs_writer *w);

/* Aborts an open batch and frees the writer. */
BS_EXTERN void bs_writer_close(bs_writer *w);

#ifdef __cplusplus
}
#endif

#endif
