/* changed.c: a run over the paths said to have changed (blogsearch-index
 * --changed) in place of a walk of the whole tree: each path of the list
 * made absolute, matched to the root it is under and handed to walk.c,
 * which judges that one place by the walk's own rules. What it costs is
 * the list's length, never the tree's size. Reads no post. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/indexer.h"

/* The last '/' of the n bytes at p, or NULL. */
static const char *last_slash(const char *p, size_t n)
{
    while (n--)
        if (p[n] == '/')
            return p + n;
    return NULL;
}

/* Appends the names of s (len bytes) to out, a path in the making. */
static void put_names(txt_buf *out, const char *s, size_t len)
{
    const char *end = s + len;
    while (s < end) {
        const char *slash = memchr(s, '/', (size_t)(end - s));
        const char *stop = slash ? slash : end;
        size_t n = (size_t)(stop - s);
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            const char *last = out->len ? last_slash(out->p, out->len) : NULL;
            buf_truncate(out, last ? (size_t)(last - out->p) : 0);
        } else if (n && !(n == 1 && s[0] == '.')) {
            buf_putc(out, '/');
            buf_put(out, s, n);
        }
        s = slash ? slash + 1 : end;
    }
}

void changed_resolve(const char *cwd, const char *path, size_t len, txt_buf *out)
{
    buf_reset(out);
    if (len == 0 || path[0] != '/')
        put_names(out, cwd, strlen(cwd));
    put_names(out, path, len);
    if (out->len == 0)
        buf_putc(out, '/');
}

/* p with its directories resolved through symbolic links, as the roots
 * are (realpath), its last name kept: for a path given through a link to a
 * root. 0 when no directory of it exists. */
static int real_form(const char *p, txt_buf *out)
{
    const char *last = strrchr(p, '/');
    for (size_t cut = last ? (size_t)(last - p) : 0; cut > 0;) {
        char *dir = strndup(p, cut);
        char *r = dir ? realpath(dir, NULL) : NULL;
        free(dir);
        if (r) {
            buf_reset(out);
            if (strcmp(r, "/") != 0)
                buf_puts(out, r);
            buf_puts(out, p + cut);
            free(r);
            return 1;
        }
        const char *up = last_slash(p, cut);
        cut = up ? (size_t)(up - p) : 0;
    }
    return 0;
}

/* The root *p is at or below; or a root that is a post file given alone
 * whose .meta sidecar *p is (as the walk pairs them), *p then that root. */
static long place_of(const walk_list *l, const char **p)
{
    long root = walk_root_of(l, *p);
    size_t n = strlen(*p);
    if (root >= 0 || n < 5 || strcmp(*p + n - 5, ".meta") != 0)
        return root;
    for (size_t i = 0; i < l->nroots; i++) {
        const char *r = l->roots[i], *slash = strrchr(r, '/'), *dot = strrchr(r, '.');
        size_t stem = dot && dot > slash ? (size_t)(dot - r) : strlen(r);
        struct stat st;
        if (stem + 5 == n && strncmp(r, *p, stem) == 0 && post_kind_of(r) >= 0
            && stat(r, &st) == 0 && S_ISREG(st.st_mode)) {
            *p = r;
            return (long)i;
        }
    }
    return -1;
}

int changed_paths(walk_list *out, char *const *roots, size_t nroots, const char *name,
                  const char *list, size_t len, int nul, diag_fn diag, void *ctx,
                  changed_note_fn note, void *note_ctx, changed_counts *counts)
{
    memset(counts, 0, sizeof *counts);
    if (walk_roots(out, roots, nroots, diag, ctx) != 0)
        return -1;
    out->changed = 1;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';                 /* relative paths then have no place */
    pathlist pl = { list, list + len, nul, 0 };
    txt_buf raw = { 0 }, abs = { 0 }, real = { 0 };
    const char *why;
    int rc = 0, got;
    while (rc == 0 && (got = pathlist_next(&pl, &raw, &why)) != PATHLIST_END) {
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == PATHLIST_BAD) {
            if (diag)
                diag(ctx, name, pl.line, DIAG_WARNING, why);
            continue;
        }
        counts->listed++;
        if (raw.p[0] != '/' && !cwd[0]) {
            if (diag)
                diag(ctx, name, pl.line, DIAG_WARNING, "a relative path, and the current "
                     "directory cannot be known; path ignored");
            counts->ignored++;
            continue;
        }
        changed_resolve(cwd, raw.p, raw.len, &abs);
        if (abs.err) {
            rc = -1;
            break;
        }
        const char *p = abs.p;
        long root = place_of(out, &p);
        if (root < 0 && real_form(p, &real) && !real.err && strcmp(real.p, p) != 0) {
            p = real.p;
            root = place_of(out, &p);
        }
        if (real.err) {
            rc = -1;
            break;
        }
        int what = WALK_LEFT_OUT;
        why = "ignored: outside every PATH given";
        if (root >= 0 && (what = walk_one(out, (size_t)root, p, diag, ctx, &why)) < 0) {
            rc = -1;
            break;
        }
        if (what == WALK_LEFT_OUT || what == WALK_NOT_POST) {
            counts->ignored++;
            if (note)
                note(note_ctx, p, why);
        }
    }
    buf_free(&raw);
    buf_free(&abs);
    buf_free(&real);
    walk_sort(out);
    return rc;
}
