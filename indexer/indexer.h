/* indexer.h: the indexer's internal contract, one section per file: reading
 * post files into fields (post.c), markup to plain text (markup/), the
 * walk of a blog's tree (walk.c), a list of paths read (pathlist.c) and
 * the run over the paths that changed (changed.c), the index writer
 * (writer.c) and the inspection of an index (inspect.c). lib/ alone calls it, for the library
 * and for blogsearch-index. */
#ifndef BS_INDEXER_H
#define BS_INDEXER_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "store/store.h"

/* ---- what markup/ offers (markup.c, one file a language) ------------------ */

typedef enum {
    MARKUP_RST,      /* reStructuredText (Nikola, Pelican) */
    MARKUP_MD,       /* Markdown (CommonMark and GitHub's tables, through md4c) */
    MARKUP_HTML,     /* an HTML fragment or page */
    MARKUP_TEXT,     /* plain text, copied */
    MARKUP_ORG       /* Org mode (Hugo, Nikola) */
} markup_kind;

/* Converts a post body to the plain text a reader sees, appended to out.
 * in is valid UTF-8 with LF line ends (post.c normalizes CRLF, BOM and
 * invalid bytes first) and holds no metadata header. The output keeps the
 * text in reading order: paragraphs, headings, list items, table cells, code
 * blocks and image alt texts as paragraphs separated by one blank line
 * ("\n\n"), lines of one paragraph joined by '\n'; markup characters, URLs of
 * links, directive and option lines, comments and HTML tags are gone, and
 * so is the template syntax of site generators (shortcodes, Liquid, Go
 * template actions; markup/templates.c) outside code. Never fails on odd
 * input; returns 0, or -1 when out of memory (out->err set). */
int markup_to_text(markup_kind kind, const char *in, size_t len, txt_buf *out);

/* ---- what post.c offers ------------------------------------------------- */

/* A diagnostic about a post: path, 1-based line (0 when not about a line),
 * severity and message. The indexer prints it as "path:line: warning: msg". */
typedef enum { DIAG_WARNING, DIAG_ERROR } diag_level;
typedef void (*diag_fn)(void *ctx, const char *path, unsigned line, diag_level level,
                        const char *msg);

/* The fields of one post, as read from its file (and .meta sidecar). */
typedef struct {
    txt_buf title, slug, author, description, url, body;
    txt_buf categories;    /* the categories, each followed by a NUL, in the order
                              written ("categories: [a, b]", "- a" items, "a, b") */
    size_t ncategories;
    txt_buf tags;          /* the tags, each followed by a NUL */
    size_t ntags;
    int has_date;
    int64_t date;          /* seconds since the epoch, UTC */
    int tz_min;            /* the date's offset, minutes east of UTC: the zone it
                              states, else post_opts.zone's at that date */
    markup_kind kind;
    int draft;             /* status: draft, draft: true, published: false, tag "draft" */
    int has_header;        /* a metadata header or sidecar was found */
    const char *skip;      /* not a post: why ("skipped: a list page ..."), else NULL */
} post;

typedef struct {
    const tz_zone *zone;   /* zone of dates written without one; NULL: UTC */
    diag_fn diag;          /* may be NULL */
    void *diag_ctx;
    const char *permalink; /* URL pattern of a post without a url or permalink, or NULL */
} post_opts;

void post_init(post *p);
void post_free(post *p);

/* The markup of a file by its extension (.rst .txt .md .markdown .html ...);
 * returns -1 for a file that is not a post. */
int post_kind_of(const char *path);

/* The i-th extension post_kind_of knows (".rst", ".md" ...; lower case, as
 * post_kind_of compares them ASCII case aside), NULL past the last. */
const char *post_extension(size_t i);

/* Parses a post held in memory: data (len bytes, any bytes) is the file,
 * meta (meta_len bytes) its .meta sidecar or NULL. Handles Nikola headers
 * (".. key: value", also inside <!-- -->), YAML front matter, Pelican fields
 * and sidecars in both forms; a UTF-8 BOM, CRLF line ends and invalid UTF-8
 * (replaced, with a warning). Every problem is reported through o->diag with
 * the line it is on, and the post is still read as well as it can be.
 * Returns 0, or -1 when out of memory. */
int post_parse(post *p, const char *path, const char *data, size_t len, const char *meta,
               size_t meta_len, const post_opts *o);

/* ---- what postpath.c offers ---------------------------------------------- */

/* What a post's path says of it. */
typedef struct {
    int list_page;         /* _index.md (Hugo, Zola): a section's list, not a post */
    int bundle;            /* index.md in a directory named for the post */
    int repo_doc;          /* README, LICENSE ...: a repository's document if headerless */
    const char *slug;      /* into the path: the file or bundle name, date cut */
    size_t slug_len;
    int has_date;
    char date[11];         /* YYYY-MM-DD of a Jekyll or Zola name */
} post_path;

void post_path_facts(const char *path, post_path *f);

/* 1 if name (n bytes) is one of the count lower-case words of list, ASCII
 * case aside: the names of files and directories that are no posts. */
int post_name_in(const char *name, size_t n, const char *const *list, size_t count);

/* The day a dated URL gives ("2025/06/26/name", "/blog/2016/06/28/x.html")
 * as YYYY-MM-DD into day; 0 when it has none. */
int post_url_day(const char *url, size_t len, char day[11]);

/* Appends the URL stored for post p: its header's url or permalink, an
 * absolute URL ("https:", "//") as it is and one below the site ("/a/b/" or
 * "a/b/") joined to prefix (--url-prefix), else from "/"; without one,
 * prefix + slug + "/" when there is a prefix, else nothing. */
void post_url(txt_buf *out, const char *prefix, const post *p);

typedef struct {
    int has_date;
    int64_t local_date;    /* the post's date as wall-clock seconds of its zone */
    const char *slug;
    size_t slug_len;
    const char *categories;   /* each followed by a NUL, an empty one last */
} permalink_vars;

/* A Jekyll permalink (a style: date, pretty, ordinal, weekdate, none; or a
 * pattern with :year, :month, :day, :title, :categories ...) expanded to
 * out; returns 0 and appends nothing when pat has no placeholder. */
int post_permalink(txt_buf *out, const char *pat, size_t len, const permalink_vars *pv);

/* ---- what site.c offers ------------------------------------------------- */

/* The permalink pattern of the Jekyll site whose root is root (its
 * _config.yml), malloc'd; NULL when there is none. A bad configuration is
 * reported through diag. */
char *site_permalink(const char *root, diag_fn diag, void *ctx);

/* ---- what walk.c offers ------------------------------------------------- */

/* A post file found under the paths given to blogsearch-index. */
typedef struct {
    char *path;            /* absolute, as reached (symlinks kept) */
    uint64_t size;         /* bytes */
    int64_t mtime_ns;
    char *meta_path;       /* the .meta sidecar, or NULL */
    uint64_t meta_size;
    int64_t meta_mtime_ns;
    const char *skip;      /* not posts (a theme's directory): why */
    const char *permalink; /* a Jekyll post's URL pattern from its site's _config.yml */
} walk_entry;

typedef struct {
    walk_entry *v;
    size_t n, cap;
    char **roots;          /* the absolute paths walked, for removals */
    char **permalinks;     /* each root's site permalink pattern, or NULL */
    size_t nroots;
    /* a list of changed paths (changed.c) instead of a walk of the roots:
     * then only what is at or below one of the scopes is brought up to
     * date, and an indexed path there that v does not hold is removed */
    int changed;
    char **scopes;         /* absolute, sorted, distinct */
    size_t nscopes, scopecap;
} walk_list;

/* Collects the post files under each path (files are taken as given,
 * directories recursively; names starting with '.' are skipped; symlinks are
 * followed and directory loops reported). Below a path, a generator's own
 * directories (themes, layouts, static ...) are entries with skip set, not
 * walked or read.
 * Sorted by path. Problems go to
 * diag and the walk goes on. Returns 0, or -1 when out of memory. */
int walk_paths(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx);
void walk_free(walk_list *l);
/* Only the roots of walk_paths (absolute, with their site permalinks), no
 * post found yet: for walk_one. Returns 0, or -1 when out of memory. */
int walk_roots(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx);

enum { WALK_TAKEN, WALK_GONE, WALK_LEFT_OUT, WALK_NOT_POST };

/* What walk_paths would find at one place: path, absolute and normalized
 * (no ".", ".." or empty names), is out->roots[root] or below it. Added to
 * out as a walk adds it: a post file with its sidecar; a directory's posts,
 * walked; a .meta sidecar's posts (the same name with a post's extension).
 * Its place is judged as the walk from the root meets it: a name starting
 * with '.' or a generator's own directory on the way leaves it out. path
 * (and a sidecar's possible posts) become scopes of out. Returns
 * WALK_TAKEN; WALK_GONE when nothing is there; WALK_LEFT_OUT or
 * WALK_NOT_POST with *why ("ignored: not a post ..."); -1 when out of
 * memory. Problems (a broken link) go to diag. Call walk_sort after. */
int walk_one(walk_list *out, size_t root, const char *path, diag_fn diag, void *ctx,
             const char **why);
/* Sorts the entries by path and the scopes, each once. */
void walk_sort(walk_list *out);
/* 1 if path is one of the roots or below one. */
int walk_under_roots(const walk_list *l, const char *path);
/* The first root path is or is below (an index into l->roots), or -1. */
long walk_root_of(const walk_list *l, const char *path);
/* The entry for path, or NULL. */
const walk_entry *walk_find(const walk_list *l, const char *path);

/* ---- what pathlist.c offers --------------------------------------------- */

/* A list of paths being read: one a line, or each ended by NUL. */
typedef struct {
    const char *p, *end;   /* what is left of it */
    int nul;               /* entries end with NUL (git diff -z, find -print0),
                              else with a newline (git diff --name-only) */
    unsigned line;         /* the number of the entry last read, from 1 */
} pathlist;

enum { PATHLIST_END, PATHLIST_PATH, PATHLIST_BAD };

/* Reads the next path into out (NUL-terminated; any bytes but NUL, UTF-8
 * or not). Empty entries are passed over. In a list of lines a CR before
 * the newline goes, and a line that is a C string in double quotes, as git
 * writes a name with unusual bytes ("posts/\320\277.md", core.quotePath),
 * is the name it quotes; spaces are the path's own. Returns PATHLIST_PATH;
 * PATHLIST_END; PATHLIST_BAD for a line with a NUL byte, with *why, l->line
 * its number; -1 when out of memory. */
int pathlist_next(pathlist *l, txt_buf *out, const char **why);

/* ---- what changed.c offers ---------------------------------------------- */

/* A path of the list that is no post for the index, and why ("ignored:
 * outside every PATH given"). */
typedef void (*changed_note_fn)(void *ctx, const char *path, const char *why);

typedef struct {
    size_t listed;         /* paths read from the list */
    size_t ignored;        /* of them: outside every root, not posts, left out */
} changed_counts;

/* path (len bytes) made absolute against cwd when it is relative, into out:
 * "." and empty names dropped, ".." taking the name before it away (by the
 * names, as a shell's cd does, not through symbolic links). */
void changed_resolve(const char *cwd, const char *path, size_t len, txt_buf *out);

/* The walk list of a run over the paths of list (len bytes, one a line or
 * with nul each ended by NUL; pathlist.c) below the roots (the PATHs given,
 * as walk_paths takes them), relative ones against the current directory:
 * at each, what walk_one finds, and out->changed set. A path outside every
 * root is tried again with its directories resolved through symbolic
 * links; the .meta sidecar of a post file given as a root is that root.
 * A bad line goes to diag as name:line; each path ignored to note.
 * Returns 0, or -1 when out of memory. */
int changed_paths(walk_list *out, char *const *roots, size_t nroots, const char *name,
                  const char *list, size_t len, int nul, diag_fn diag, void *ctx,
                  changed_note_fn note, void *note_ctx, changed_counts *counts);

/* ---- what writer.c offers ----------------------------------------------- */

typedef struct {
    int full;                  /* rebuild from nothing */
    int drafts;                /* index drafts too */
    const char *url_prefix;    /* URL of a post without a link: prefix + slug + "/" */
    const char *timezone;      /* zone of dates written without one, as tz_open reads
                                  it; NULL: the zone the index was last built with
                                  (its options), UTC for a new index */
    uint64_t max_file_bytes;   /* larger files are skipped with a warning */
    size_t mem_limit;          /* bytes of postings held before they are written */
    uint64_t initial_mapsize;  /* 0: chosen from the corpus size */
    int strict;                /* a warning makes the run fail; nothing is written */
    diag_fn diag;
    void *diag_ctx;
    /* called after each post with done/total posts and bytes read so far */
    void (*progress)(void *ctx, size_t done, size_t total, uint64_t bytes);
    void *progress_ctx;
    /* called with hold 1 before the map is resized and 0 after: LMDB allows
     * a resize only with no transaction of the process open (the library's
     * searches in other threads); may be NULL */
    void (*map_guard)(void *ctx, int hold);
    void *map_guard_ctx;
    /* called for each post added, updated, removed or skipped (may be NULL) */
    void (*event)(void *ctx, const char *path, const char *what);
    void *event_ctx;
} writer_opts;

typedef struct {
    size_t added, updated, removed, unchanged, skipped;
    size_t posts;              /* files considered */
    uint64_t bytes;            /* bytes of post files read */
    unsigned map_grows;        /* times the map was grown and the run redone */
    size_t spills;             /* runs of postings spilled to a temporary file
                                  because they outgrew mem_limit */
    size_t warnings, errors;   /* diagnostics reported */
    int committed;             /* 0 when nothing changed and nothing was written */
} writer_summary;

/* A post given in memory (the library's bs_writer_put), or a deletion. */
typedef struct {
    const char *path;          /* the post's identity */
    int del;                   /* 1: delete the post of path */
    post p;                    /* the fields, as post_parse gives them */
} writer_op;

/* Applies ops in order to the index open (for writing) in st, in one LMDB
 * write transaction, as writer_run does for files: all or nothing. The
 * index's options (--url-prefix and the like) are neither checked nor
 * changed. Returns BS_OK, or a status with the reason in errbuf. */
int writer_apply(store *st, const writer_op *ops, size_t nops, const writer_opts *o,
                 writer_summary *sum, char *errbuf, size_t errlen);

/* Brings the index in dir up to date with the posts in list, in one LMDB
 * write transaction: readers see the index before or after, never between.
 * Returns BS_OK, or a status with the reason in errbuf. */
int writer_run(const char *dir, const walk_list *list, const writer_opts *o,
               writer_summary *sum, char *errbuf, size_t errlen);

/* ---- what inspect.c offers ---------------------------------------------- */

typedef struct {
    uint64_t posts, terms, postings, blocks, tags, categories, authors, paths;
    int has_dates;
    int64_t first_date, last_date;   /* the first and last post by their own day:
                                        seconds since the epoch, UTC */
    int first_tz_min, last_tz_min;   /* their offsets, minutes east of UTC */
    uint64_t file_bytes;             /* data.mdb on disk */
    uint64_t used_bytes;             /* pages in use */
    uint64_t text_bytes;             /* plain body text stored, before compression */
} index_stats;

/* Reads the statistics of the index in dir (read-only, beside any writer). */
int index_stats_read(const char *dir, index_stats *s, char *errbuf, size_t errlen);

/* The posts in the index in dir, from its statistics record alone. */
int index_posts(const char *dir, uint64_t *n, char *errbuf, size_t errlen);

/* Appends the statistics as lines of text, or with json set as one JSON
 * object and a newline, to out: what --stats prints. */
void index_stats_format(const index_stats *s, const char *dir, int json, txt_buf *out);

/* Calls fn for every tag, category or author (kind 't', 'c', 'a'; the value
 * case-folded) with the number of posts that carry it, in key order. */
int index_facets(const char *dir, void (*fn)(void *ctx, char kind, const char *value,
                                              size_t len, size_t count),
                 void *ctx, char *errbuf, size_t errlen);

/* Calls fn with one JSON object (no newline) per post, in docid order: its
 * stored fields as the index holds them. For tests and for looking. */
int index_dump(const char *dir, void (*fn)(void *ctx, const char *json, size_t len), void *ctx,
               char *errbuf, size_t errlen);

/* Checks that the index in dir is consistent: every record decodes, every
 * posting, tag, date and path points at a post that exists, counts and
 * length sums agree. Each problem goes to report (up to a limit); returns
 * BS_OK, BS_ECORRUPT when a problem was found, or another status. */
int index_check(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx,
                index_stats *s, char *errbuf, size_t errlen);

/* index_check of the index open in st, in a read transaction of its own:
 * what a run does before it writes, so that it never writes over damage
 * (and says so); the caller has a guard pushed (store/guard.c) for the
 * faults. BS_OK; BS_ECORRUPT with "the index DIR is damaged (N problems, the
 * first: ...); rebuild it with blogsearch-index --full"; another status. */
int index_verify(store *st, char *errbuf, size_t errlen);

#endif
