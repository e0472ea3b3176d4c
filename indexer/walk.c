/* d_type in directory entries spares a stat per file; it is not POSIX, and
 * DT_UNKNOWN (any file system may answer it) falls back to a stat. */
#define _DEFAULT_SOURCE

/* walk.c: finds the post files under the paths given on the command line,
 * or at the places a list of changed paths names (walk_one, by the same
 * rules). Follows symlinks but never loops; skips hidden names; pairs each
 * post with its Nikola .meta sidecar. Reads no post's contents; of a Jekyll
 * site's root, its _config.yml permalink (site.c), for the posts under
 * _posts/. */
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
    utf8_vformat(msg, sizeof msg, fmt, ap);   /* file names are any bytes */
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

/* ---- what is not a post -------------------------------------------------- */

#define POST_EXTS "not .rst, .rest, .txt, .md, .markdown, .mdown, .mkd, .html, .htm or .org"

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

/* The sidecar of a post given by its own path (outside a directory walk). */
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

static int roots_init(walk_list *out, size_t npaths)
{
    memset(out, 0, sizeof *out);
    out->roots = calloc(npaths ? npaths : 1, sizeof *out->roots);
    out->permalinks = calloc(npaths ? npaths : 1, sizeof *out->permalinks);
    if (!out->roots || !out->permalinks) {
        free(out->roots);
        free(out->permalinks);
        return -1;
    }
    return 0;
}

/* A path given as a root: its absolute form and its site's permalink into
 * the list, its status into *st; -1 when it cannot be read (said). */
static int add_root(walker *w, const char *given, struct stat *st)
{
    walk_list *out = w->out;
    char *abs = realpath(given, NULL);
    if (!abs || stat(abs, st) != 0) {
        warn(w, given, "cannot read: %s", strerror(errno));
        free(abs);
        return -1;
    }
    out->roots[out->nroots] = abs;
    w->permalink = NULL;
    if (S_ISDIR(st->st_mode))
        w->permalink = out->permalinks[out->nroots] = site_permalink(abs, w->diag, w->ctx);
    out->nroots++;
    return 0;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void walk_sort(walk_list *out)
{
    if (out->n)                        /* qsort wants an array, even of none */
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
    if (out->nscopes)
        qsort(out->scopes, out->nscopes, sizeof *out->scopes, by_str);
    k = 0;
    for (size_t i = 0; i < out->nscopes; i++) {
        if (k && strcmp(out->scopes[k - 1], out->scopes[i]) == 0) {
            free(out->scopes[i]);
            continue;
        }
        out->scopes[k++] = out->scopes[i];
    }
    out->nscopes = k;
}

int walk_paths(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx)
{
    walker w = { .out = out, .diag = diag, .ctx = ctx };
    if (roots_init(out, npaths) != 0)
        return -1;
    for (size_t i = 0; i < npaths && !w.oom; i++) {
        struct stat st;
        if (add_root(&w, paths[i], &st) != 0)
            continue;
        const char *abs = out->roots[out->nroots - 1];
        if (S_ISDIR(st.st_mode)) {
            walk_dir(&w, abs, &st, 1);
        } else if (S_ISREG(st.st_mode)) {
            if (post_kind_of(abs) >= 0)
                add_file_alone(&w, abs, &st);
            else
                warn(&w, paths[i], "not a post (" POST_EXTS "); skipped");
        }
    }
    free(w.stack);
    free(w.seen);
    if (w.oom)
        return -1;
    walk_sort(out);
    return 0;
}

int walk_roots(walk_list *out, char *const *paths, size_t npaths, diag_fn diag, void *ctx)
{
    walker w = { .out = out, .diag = diag, .ctx = ctx };
    if (roots_init(out, npaths) != 0)
        return -1;
    for (size_t i = 0; i < npaths; i++) {
        struct stat st;
        add_root(&w, paths[i], &st);
    }
    return 0;
}

/* ---- one place of a tree: a path said to have changed ------------------- */

static void add_scope(walker *w, const char *path)
{
    walk_list *l = w->out;
    if (l->nscopes == l->scopecap) {
        char **v = grow_array(l->scopes, &l->scopecap, 64, sizeof *v);
        if (!v) {
            w->oom = 1;
            return;
        }
        l->scopes = v;
    }
    if (!(l->scopes[l->nscopes] = strdup(path)))
        w->oom = 1;
    else
        l->nscopes++;
}

/* A post file said to have changed: taken as a walk takes it, with its
 * sidecar; 1 when it is there. */
static int one_post(walker *w, const char *path)
{
    struct stat st;
    add_scope(w, path);
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    add_file_alone(w, path, &st);
    return 1;
}

/* The posts a .meta sidecar belongs to, the same name with a post's
 * extension (in lower or upper case, as post_kind_of reads them). */
static int sidecar_posts(walker *w, const char *meta)
{
    size_t stem = strlen(meta) - 5, found = 0;
    char *p = malloc(stem + 16);
    if (!p) {
        w->oom = 1;
        return 0;
    }
    memcpy(p, meta, stem);
    for (size_t i = 0; post_extension(i) && !w->oom; i++) {
        const char *ext = post_extension(i);
        for (int upper = 0; upper < 2; upper++) {
            size_t n = strlen(ext);
            for (size_t j = 0; j <= n; j++)
                p[stem + j] = upper && ext[j] >= 'a' && ext[j] <= 'z' ? (char)(ext[j] - 32)
                                                                      : ext[j];
            found += (size_t)one_post(w, p);
        }
    }
    free(p);
    return found > 0;
}

/* The directories from the root down to path's parent, as being walked: a
 * symbolic link below path back into them is a loop, as in a whole walk. */
static void push_above(walker *w, const char *root, const char *path)
{
    struct stat st;
    char *dir = strdup(path);
    if (!dir) {
        w->oom = 1;
        return;
    }
    for (char *s = dir + strlen(root); s && !w->oom; s = strchr(s + 1, '/')) {
        char c = *s;
        *s = '\0';
        if (stat(*dir ? dir : "/", &st) == 0 && S_ISDIR(st.st_mode)
            && push_id(&w->stack, &w->depth, &w->stack_cap,
                       (dir_id){ st.st_dev, st.st_ino }) != 0)
            w->oom = 1;
        *s = c;
    }
    free(dir);
}

static int one_place(walker *w, const char *root, const char *path, const char **why)
{
    size_t rl = strlen(root), n = strlen(path);
    int is_root = strcmp(path, root) == 0;
    const char *name = strrchr(path, '/') + 1;
    add_scope(w, path);
    if (!is_root) {
        /* each name below the root, as the walk would meet it */
        for (const char *c = path + rl + (root[rl - 1] != '/'), *slash; c; c = slash ? slash + 1
                                                                                    : NULL) {
            slash = strchr(c, '/');
            if (c[0] == '.') {
                *why = slash ? "ignored: below a hidden directory, which the walk leaves out"
                             : "ignored: a hidden name, which the walk leaves out";
                return WALK_LEFT_OUT;
            }
            char part[256];
            size_t len = slash ? (size_t)(slash - c) : 0;
            if (slash && len < sizeof part) {
                memcpy(part, c, len);
                part[len] = '\0';
                if (skip_dir_why(part)) {
                    *why = "ignored: below a generator's own directory (themes, layouts, "
                           "static ...), not posts";
                    return WALK_LEFT_OUT;
                }
            }
        }
    }
    if (!is_root && n > 5 && strcmp(path + n - 5, ".meta") == 0) {
        if (sidecar_posts(w, path))
            return WALK_TAKEN;
        *why = "ignored: a .meta sidecar with no post beside it";
        return WALK_NOT_POST;
    }
    struct stat st, lst;
    if (stat(path, &st) != 0) {
        int e = errno;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            warn(w, path, "broken symbolic link; skipped");
        else if (e != ENOENT && e != ENOTDIR)
            warn(w, path, "cannot read: %s", strerror(e));
        return WALK_GONE;
    }
    if (S_ISDIR(st.st_mode)) {
        const char *skip = is_root ? NULL : skip_dir_why(name);
        if (skip) {
            add_skipped(w, path, skip);
        } else {
            if (!is_root)
                push_above(w, root, path);
            walk_dir(w, path, &st, 1);
        }
        return WALK_TAKEN;
    }
    if (!S_ISREG(st.st_mode)) {
        *why = "ignored: not a regular file";
        return WALK_NOT_POST;
    }
    if (post_kind_of(path) < 0) {
        *why = "ignored: not a post (" POST_EXTS ")";
        return WALK_NOT_POST;
    }
    add_file_alone(w, path, &st);
    return WALK_TAKEN;
}

int walk_one(walk_list *out, size_t root, const char *path, diag_fn diag, void *ctx,
             const char **why)
{
    walker w = { .out = out, .diag = diag, .ctx = ctx, .permalink = out->permalinks[root] };
    *why = NULL;
    int what = one_place(&w, out->roots[root], path, why);
    free(w.stack);
    free(w.seen);
    return w.oom ? -1 : what;
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
    for (size_t i = 0; i < l->nscopes; i++)
        free(l->scopes[i]);
    free(l->scopes);
    free(l->roots);
    free(l->permalinks);
    free(l->v);
    memset(l, 0, sizeof *l);
}

long walk_root_of(const walk_list *l, const char *path)
{
    for (size_t i = 0; i < l->nroots; i++) {
        size_t n = strlen(l->roots[i]);
        if (strncmp(path, l->roots[i], n) == 0
            && (path[n] == '\0' || path[n] == '/' || (n == 1 && l->roots[i][0] == '/')))
            return (long)i;
    }
    return -1;
}

int walk_under_roots(const walk_list *l, const char *path)
{
    return walk_root_of(l, path) >= 0;
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
