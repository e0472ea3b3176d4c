/* markup_text.c: the text blogsearch indexes for each post file named on
 * standard input (one path a line, with its NAME.meta sidecar when there is
 * one): the path, a NUL, the body's text, a NUL. bench/markup_diff.sh builds
 * it against two versions of the library and compares what they print, so
 * it uses only what every version has: post_parse (indexer/indexer.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *p = malloc(cap);
    while (p && (got = fread(p + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    fclose(f);
    *len = n;
    return p;
}

int main(void)
{
    char path[4096], meta_path[4096 + 8];
    int failed = 0;
    while (fgets(path, sizeof path, stdin)) {
        path[strcspn(path, "\n")] = '\0';
        if (!path[0])
            continue;
        size_t len = 0, meta_len = 0;
        char *data = slurp(path, &len);
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", path);
            failed = 1;
            continue;
        }
        snprintf(meta_path, sizeof meta_path, "%s", path);
        char *dot = strrchr(meta_path, '.'), *slash = strrchr(meta_path, '/');
        if (dot && (!slash || dot > slash))
            strcpy(dot, ".meta");
        char *meta = dot ? slurp(meta_path, &meta_len) : NULL;
        post p;
        post_init(&p);
        post_opts o = { 0, NULL, NULL };
        if (post_parse(&p, path, data, len, meta, meta_len, &o) != 0) {
            fprintf(stderr, "%s: out of memory\n", path);
            failed = 1;
        } else {
            fwrite(path, 1, strlen(path) + 1, stdout);
            if (p.body.len)
                fwrite(p.body.p, 1, p.body.len, stdout);
            fputc('\0', stdout);
        }
        post_free(&p);
        free(meta);
        free(data);
    }
    return failed;
}
