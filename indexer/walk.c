/* walk.c: finds the post files under the paths given on the command line.
 * Follows symlinks but never loops; skips hidden names; pairs each post with
 * its Nikola .meta sidecar. Reads no file contents. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "indexer/indexer.h"

typedef struct {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct {
    walk_list *out;
    diag_fn diag;
    void *ctx;
    dir_id *stack;             /* directories being walked, for loop detection */
    size_t depth, stack_cap;
    dir_id *seen;              /* every directory walked, to visit each once */
    size_t nseen, seen_cap;
    int oom;
} walker;

static void warn(walker *w, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn(walker *w, const char *path, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (w->diag)
        w->diag(w->ctx, path, 0, DIAG_WARNING, msg);
}

static int64_t mtime_ns(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static char *dup_meta_path(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
    char *m = malloc(stem + 6);
    if (m) {
        memcpy(m, path, stem);
        memcpy(m + stem, ".meta", 6);
    }
    return m;
}

static void add_file(walker *w, const char *path, const struct stat *st)
{
    walk_list *l = w->out;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 256;
        walk_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            w->oom = 1;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    walk_entry *e = &l->v[l->n];
    memset(e, 0, sizeof *e);
    e->path = strdup(path);
    char *meta = dup_meta_path(path);
    if (!e->path || !meta) {
        free(e->path);
        free(meta);
        w->oom = 1;
        return;
    }
    e->size = (uint64_t)st->st_size;
    e->mtime_ns = mtime_ns(st);
    struct stat ms;
    if (stat(meta, &ms) == 0 && S_ISREG(ms.st_mode)) {
        e->meta_path = meta;
        e->meta_size = (uint64_t)ms.st_size;
        e->meta_mtime_ns = mtime_ns(&ms);
    } else {
        free(meta);
    }
    l->n++;
}

static int push_id(dir_id **v, size_t *n, size_t *cap, dir_id id)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        dir_id *p = realloc(*v, c * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = c;
    }
    (*v)[(*n)++] = id;
    return 0;
}

/* via_link: the directory was reached through a symbolic link, the only
 * way to meet one twice; only then is the list of walked ones searched. */
static void walk_dir(walker *w, const char *dir, const struct stat *dst, int via_link)
{
    dir_id id = { dst->st_dev, dst->st_ino };
    for (size_t i = 0; i < w->depth; i++) {
        if (w->stack[i].dev == id.dev && w->stack[i].ino == id.ino) {
            warn(w, dir, "directory loop: %s leads back to a directory being indexed; "
                 "not followed", dir);
            return;
        }
    }
    for (size_t i = 0; via_link && i < w->nseen; i++)
        if (w->seen[i].dev == id.dev && w->seen[i].ino == id.ino)
            return;                /* reached twice through symlinks: once is enough */
    if (push_id(&w->seen, &w->nseen, &w->seen_cap, id) != 0
        || push_id(&w->stack, &w->depth, &w->stack_cap, id) != 0) {
        w->oom = 1;
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        warn(w, dir, "cannot read the directory: %s", strerror(errno));
        w->depth--;
        return;
    }
    struct dirent *de;
    size_t dlen = strlen(dir);
    while ((de = readdir(d)) != NULL && !w->oom) {
        if (de->d_name[0] == '.')
            continue;              /* ., .., .git, editor backups */
        size_t nlen = strlen(de->d_name);
        char *path = malloc(dlen + nlen + 2);
        if (!path) {
            w->oom = 1;
            break;
        }
        memcpy(path, dir, dlen);
        path[dlen] = '/';
        memcpy(path + dlen + 1, de->d_name, nlen + 1);
        struct stat st, lst;
        int is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
        if (stat(path, &st) != 0) {
            if (is_link)
                warn(w, path, "broken symbolic link; skipped");
            else
                warn(w, path, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            walk_dir(w, path, &st, is_link);
        } else if (S_ISREG(st.st_mode) && post_kind_of(path) >= 0) {
            add_file(w, path, &st);
        }
        free(path);
    }
    closedir(d);
    w->depth--;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const walk_entry *)a)->path, ((const walk_entry *)b)->path);
}

int walk_paths(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx)
{
    walker w = { out, diag, ctx, NULL, 0, 0, NULL, 0, 0, 0 };
    memset(out, 0, sizeof *out);
    out->roots = calloc(npaths ? npaths : 1, sizeof *out->roots);
    if (!out->roots)
        return -1;
    for (size_t i = 0; i < npaths && !w.oom; i++) {
        char *abs = realpath(paths[i], NULL);
        struct stat st;
        if (!abs || stat(abs, &st) != 0) {
            warn(&w, paths[i], "cannot read: %s", strerror(errno));
            free(abs);
            continue;
        }
        out->roots[out->nroots++] = abs;
        if (S_ISDIR(st.st_mode)) {
            walk_dir(&w, abs, &st, 1);
        } else if (S_ISREG(st.st_mode)) {
            if (post_kind_of(abs) >= 0)
                add_file(&w, abs, &st);
            else
                warn(&w, paths[i], "not a post (not .rst, .txt, .md, .markdown or .html); "
                     "skipped");
        }
    }
    free(w.stack);
    free(w.seen);
    if (w.oom)
        return -1;
    qsort(out->v, out->n, sizeof *out->v, by_path);
    /* one file given twice, or reached twice through symlinks, counts once */
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++) {
        if (k && strcmp(out->v[k - 1].path, out->v[i].path) == 0) {
            free(out->v[i].path);
            free(out->v[i].meta_path);
            continue;
        }
        out->v[k++] = out->v[i];
    }
    out->n = k;
    return 0;
}

void walk_free(walk_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].path);
        free(l->v[i].meta_path);
    }
    for (size_t i = 0; i < l->nroots; i++)
        free(l->roots[i]);
    free(l->roots);
    free(l->v);
    memset(l, 0, sizeof *l);
}

int walk_under_roots(const walk_list *l, const char *path)
{
    for (size_t i = 0; i < l->nroots; i++) {
        size_t n = strlen(l->roots[i]);
        if (strncmp(path, l->roots[i], n) == 0
            && (path[n] == '\0' || path[n] == '/' || (n == 1 && l->roots[i][0] == '/')))
            return 1;
    }
    return 0;
}

const walk_entry *walk_find(const walk_list *l, const char *path)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(l->v[mid].path, path);
        if (c == 0)
            return &l->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
