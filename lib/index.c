/* index.c: blogsearch-index's work, for the program: finding a blog's post
 * files (or the ones a list of changed paths names), a run that brings the
 * index up to date with them, the index's statistics, tags, records and
 * check, and its snapshot for web nodes. The indexer (indexer/) does it all
 * but the snapshot, which is the store's (store/snapshot.c); this file gives
 * it to tools/ in lib.h's terms. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "lib/lib.h"

unsigned lib_format_version(void)
{
    return BS_FORMAT_VERSION;
}

struct lib_walk {
    walk_list list;
    changed_counts counts;       /* of a list of changed paths */
};

typedef struct {
    lib_diag_fn fn;
    void *ctx;
} diag_relay;

static void relay_diag(void *ctx, const char *path, unsigned line, diag_level level,
                       const char *msg)
{
    diag_relay *r = ctx;
    if (r->fn)
        r->fn(r->ctx, path, line, level == DIAG_ERROR ? LIB_ERROR : LIB_WARNING, msg);
}

int lib_walk_paths(lib_walk **out, char *const *paths, size_t npaths, lib_diag_fn diag,
                   void *ctx)
{
    *out = NULL;
    lib_walk *w = calloc(1, sizeof *w);
    if (!w)
        return BS_ENOMEM;
    diag_relay r = { diag, ctx };
    if (walk_paths(&w->list, paths, npaths, relay_diag, &r) != 0) {
        free(w);
        return BS_ENOMEM;
    }
    *out = w;
    return BS_OK;
}

typedef struct {
    void (*fn)(void *ctx, const char *path, const char *why);
    void *ctx;
} note_relay;

static void relay_note(void *ctx, const char *path, const char *why)
{
    note_relay *r = ctx;
    if (r->fn)
        r->fn(r->ctx, path, why);
}

int lib_walk_changed(lib_walk **out, char *const *paths, size_t npaths, int fd, int nul,
                     lib_diag_fn diag, void *ctx,
                     void (*note)(void *ctx, const char *path, const char *why),
                     void *note_ctx, char *err, size_t errlen)
{
    *out = NULL;
    txt_buf in = { 0 };
    for (;;) {
        char *p = buf_reserve(&in, 65536);
        if (!p) {
            buf_free(&in);
            snprintf(err, errlen, "out of memory");
            return BS_ENOMEM;
        }
        ssize_t n = read(fd, p, 65536);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            snprintf(err, errlen, "cannot read the list of paths from standard input: %s",
                     strerror(errno));
            buf_free(&in);
            return BS_ERROR;
        }
        if (n == 0)
            break;
        in.len += (size_t)n;
    }
    lib_walk *w = calloc(1, sizeof *w);
    diag_relay r = { diag, ctx };
    note_relay nr = { note, note_ctx };
    if (!w || changed_paths(&w->list, paths, npaths, "<stdin>", in.p ? in.p : "", in.len, nul,
                            relay_diag, &r, relay_note, &nr, &w->counts) != 0) {
        if (w)
            walk_free(&w->list);
        free(w);
        buf_free(&in);
        snprintf(err, errlen, "out of memory");
        return BS_ENOMEM;
    }
    buf_free(&in);
    *out = w;
    return BS_OK;
}

void lib_walk_listed(const lib_walk *w, size_t *listed, size_t *ignored)
{
    *listed = w ? w->counts.listed : 0;
    *ignored = w ? w->counts.ignored : 0;
}

size_t lib_walk_roots(const lib_walk *w)
{
    return w ? w->list.nroots : 0;
}

void lib_walk_free(lib_walk *w)
{
    if (!w)
        return;
    walk_free(&w->list);
    free(w);
}

int lib_index_run(const char *dir, const lib_walk *w, const lib_run_opts *o,
                  lib_run_summary *sum, char *err, size_t errlen)
{
    diag_relay r = { o->diag, o->diag_ctx };
    writer_opts wo = { .full = o->full, .drafts = o->drafts, .url_prefix = o->url_prefix,
                       .timezone = o->timezone, .max_file_bytes = o->max_file_bytes,
                       .mem_limit = o->mem_limit, .initial_mapsize = o->initial_mapsize,
                       .strict = o->strict, .diag = relay_diag, .diag_ctx = &r,
                       .progress = o->progress, .progress_ctx = o->progress_ctx,
                       .event = o->event, .event_ctx = o->event_ctx };
    writer_summary ws;
    int rc = writer_run(dir, &w->list, &wo, &ws, err, errlen);
    *sum = (lib_run_summary){ .added = ws.added, .updated = ws.updated, .removed = ws.removed,
                              .unchanged = ws.unchanged, .skipped = ws.skipped,
                              .files = ws.posts, .bytes = ws.bytes, .warnings = ws.warnings,
                              .errors = ws.errors, .committed = ws.committed };
    if (rc != BS_OK)
        return rc;
    if (index_posts(dir, &sum->posts, err, errlen) != BS_OK)
        sum->posts = UINT64_MAX;        /* written, but not counted: err says why */
    return BS_OK;
}

int lib_index_stats(const char *dir, int json, txt_buf *out, char *err, size_t errlen)
{
    index_stats s;
    int rc = index_stats_read(dir, &s, err, errlen);
    if (rc == BS_OK)
        index_stats_format(&s, dir, json, out);
    return rc;
}

typedef struct {
    void (*fn)(void *ctx, const char *kind, const char *value, size_t len, size_t count);
    void *ctx;
} facet_relay;

static void relay_facet(void *ctx, char kind, const char *value, size_t len, size_t count)
{
    facet_relay *r = ctx;
    const char *name = kind == FACET_TAG ? "tag" : kind == FACET_CATEGORY ? "category" : "author";
    r->fn(r->ctx, name, value, len, count);
}

int lib_index_facets(const char *dir,
                     void (*fn)(void *ctx, const char *kind, const char *value, size_t len,
                                size_t count),
                     void *ctx, char *err, size_t errlen)
{
    facet_relay r = { fn, ctx };
    return index_facets(dir, relay_facet, &r, err, errlen);
}

int lib_index_dump(const char *dir, void (*fn)(void *ctx, const char *json, size_t len),
                   void *ctx, char *err, size_t errlen)
{
    return index_dump(dir, fn, ctx, err, errlen);
}

int lib_index_check(const char *dir, void (*report)(void *ctx, const char *msg), void *ctx,
                    lib_check_counts *counts, char *err, size_t errlen)
{
    index_stats s;
    int rc = index_check(dir, report, ctx, &s, err, errlen);
    if (rc == BS_OK)
        *counts = (lib_check_counts){ s.posts, s.terms, s.postings };
    return rc;
}

int lib_index_snapshot(const char *src, const char *dst, lib_snapshot_info *info, char *err,
                       size_t errlen)
{
    store_snapshot_info si;
    int rc = store_snapshot(src, dst, &si, err, errlen);
    *info = (lib_snapshot_info){ .posts = si.posts, .bytes = si.bytes,
                                 .src_file_bytes = si.src_file_bytes,
                                 .src_used_bytes = si.src_used_bytes, .replaced = si.replaced };
    memcpy(info->kept, si.kept, sizeof info->kept);
    return rc;
}
