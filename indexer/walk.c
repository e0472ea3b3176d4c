/* d_type in directory entries spares a stat per file; it is not POSIX, and
 * DT_UNKNOWN (any file system may answer it) falls back to a stat. */
#define _DEFAULT_SOURCE

/* walk.c: finds the post files under the paths given on the command line.
 * Follows symlinks but never loops; skips hidden names; pairs each post with
 * its Nikola .meta sidecar. Reads no post's contents; of a Jekyll site's
 * root, its _config.yml permalink (site.c), for the posts under _posts/. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
    const char *permalink;     /* the root's site permalink pattern, or NULL */
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

/* meta_stat: the .meta sidecar's status, or NULL when there is none. */
static void add_file(walker *w, const char *path, const struct stat *st,
                     const struct stat *meta_stat)
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
    if (!e->path) {
        w->oom = 1;
        return;
    }
    e->size = (uint64_t)st->st_size;
    e->mtime_ns = mtime_ns(st);
    if (w->permalink && strstr(path, "/_posts/"))
        e->permalink = w->permalink;      /* Jekyll's pattern is for posts, not pages */
    if (meta_stat) {
        if (!(e->meta_path = dup_meta_path(path))) {
            free(e->path);
            w->oom = 1;
            return;
        }
        e->meta_size = (uint64_t)meta_stat->st_size;
        e->meta_mtime_ns = mtime_ns(meta_stat);
    }
    l->n++;
}

/* The sidecar of a post given by its own path (outside a directory walk). */
/* ---- what is not a post -------------------------------------------------- */

/* Directories of a generator's own files below a blog's tree: themes and
 * templates, archetypes, static files, the built site, plugins. */
static const char *const tool_dirs[] = {
    "archetypes", "layouts", "_layouts", "_includes", "_sass", "_data", "_plugins", "_site",
    "themes", "theme", "templates", "static", "public", "output", "resources", "i18n",
    "node_modules", "vendor", "plugins", "pelican-plugins", "cache", "__pycache__",
};

static const char *skip_dir_why(const char *name)
{
    if (post_name_in(name, strlen(name), tool_dirs, sizeof tool_dirs / sizeof tool_dirs[0]))
        return "skipped: a generator's own files (themes, templates, static files, plugins), "
               "not posts";
    return NULL;
}

/* A path the walk leaves out, with why: said with -v, never read. */
static void add_skipped(walker *w, const char *path, const char *why)
{
    struct stat none = { 0 };
    size_t n = w->out->n;
    add_file(w, path, &none, NULL);
    if (w->out->n > n)
        w->out->v[n].skip = why;
}

static void add_file_alone(walker *w, const char *path, const struct stat *st)
{
    char *meta = dup_meta_path(path);
    struct stat ms;
    if (!meta) {
        w->oom = 1;
        return;
    }
    int has = stat(meta, &ms) == 0 && S_ISREG(ms.st_mode);
    free(meta);
    add_file(w, path, st, has ? &ms : NULL);
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

typedef struct {
    char *name;
    unsigned char type;              /* d_type */
} ent;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const ent *)a)->name, ((const ent *)b)->name);
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
    /* the names first: the sidecars among them are then found without a
     * stat per post, and names relative to the directory are cheap to stat */
    ent *ents = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;              /* ., .., .git, editor backups */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            ent *e2 = realloc(ents, cap * sizeof *e2);
            if (!e2) {
                w->oom = 1;
                break;
            }
            ents = e2;
        }
        if (!(ents[n].name = strdup(de->d_name))) {
            w->oom = 1;
            break;
        }
        ents[n++].type = de->d_type;
    }
    qsort(ents, n, sizeof *ents, by_name);
    size_t dlen = strlen(dir);
    int fd = dirfd(d);
    for (size_t i = 0; i < n && !w->oom; i++) {
        const char *name = ents[i].name;
        unsigned char type = ents[i].type;
        int is_post = post_kind_of(name) >= 0;
        if (type == DT_REG && !is_post)
            continue;              /* images and the like: not even a stat */
        size_t nlen = strlen(name);
        char *path = malloc(dlen + nlen + 2);
        if (!path) {
            w->oom = 1;
            break;
        }
        memcpy(path, dir, dlen);
        path[dlen] = '/';
        memcpy(path + dlen + 1, name, nlen + 1);
        struct stat st, lst;
        int is_link = type == DT_LNK || (type == DT_UNKNOWN && fstatat(fd, name, &lst,
                                         AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode));
        if (fstatat(fd, name, &st, 0) != 0) {
            if (is_link)
                warn(w, path, "broken symbolic link; skipped");
            else
                warn(w, path, "cannot read: %s", strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            const char *why = skip_dir_why(name);
            if (why)
                add_skipped(w, path, why);
            else
                walk_dir(w, path, &st, is_link);
        } else if (S_ISREG(st.st_mode) && is_post) {
            /* its sidecar: the same name with .meta, if listed here */
            const char *dot = strrchr(name, '.');
            size_t stem = dot ? (size_t)(dot - name) : nlen;
            struct stat ms, *msp = NULL;
            char *meta = malloc(stem + 6);
            if (!meta) {
                w->oom = 1;
                free(path);
                break;
            }
            memcpy(meta, name, stem);
            memcpy(meta + stem, ".meta", 6);
            ent key = { meta, 0 };
            if (bsearch(&key, ents, n, sizeof *ents, by_name)
                && fstatat(fd, meta, &ms, 0) == 0 && S_ISREG(ms.st_mode))
                msp = &ms;
            free(meta);
            add_file(w, path, &st, msp);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(ents[i].name);
    free(ents);
    closedir(d);
    w->depth--;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(((const walk_entry *)a)->path, ((const walk_entry *)b)->path);
}

int walk_paths(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx)
{
    walker w = { .out = out, .diag = diag, .ctx = ctx };
    memset(out, 0, sizeof *out);
    out->roots = calloc(npaths ? npaths : 1, sizeof *out->roots);
    out->permalinks = calloc(npaths ? npaths : 1, sizeof *out->permalinks);
    if (!out->roots || !out->permalinks) {
        free(out->roots);
        free(out->permalinks);
        return -1;
    }
    for (size_t i = 0; i < npaths && !w.oom; i++) {
        char *abs = realpath(paths[i], NULL);
        struct stat st;
        if (!abs || stat(abs, &st) != 0) {
            warn(&w, paths[i], "cannot read: %s", strerror(errno));
            free(abs);
            continue;
        }
        out->roots[out->nroots] = abs;
        w.permalink = NULL;
        if (S_ISDIR(st.st_mode))
            w.permalink = out->permalinks[out->nroots] = site_permalink(abs, diag, ctx);
        out->nroots++;
        if (S_ISDIR(st.st_mode)) {
            walk_dir(&w, abs, &st, 1);
        } else if (S_ISREG(st.st_mode)) {
            if (post_kind_of(abs) >= 0)
                add_file_alone(&w, abs, &st);
            else
                warn(&w, paths[i], "not a post (not .rst, .rest, .txt, .md, .markdown, .mdown, .mkd, .html, .htm or .org); "
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
    for (size_t i = 0; i < l->nroots; i++) {
        free(l->roots[i]);
        free(l->permalinks[i]);
    }
    free(l->roots);
    free(l->permalinks);
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
