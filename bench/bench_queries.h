/* bench_queries.h: what the C query peers (bench/peer_query_fts5.c,
 * bench/peer_query_sphinx.c) share: reading bench/queries.tsv and a growing
 * string to write a query in the peer's syntax. Include after bench_common.h. */
#ifndef BS_BENCH_QUERIES_H
#define BS_BENCH_QUERIES_H

#include <stdint.h>

typedef struct {
    char *kind, *text;
} bench_query;

static inline void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

static inline char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* The queries of a bench/queries.tsv file: the header and blank lines skipped. */
static inline bench_query *read_queries(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    size_t cap = 64;
    bench_query *qs = xmalloc(cap * sizeof *qs);
    char line[4096];
    int header = 1;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        size_t len = strlen(line);
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (header) {
            header = 0;
            if (strncmp(line, "kind\t", 5) == 0)
                continue;
        }
        if (len == 0 || line[0] == '#')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "%s: no tab in \"%s\"\n", path, line);
            exit(2);
        }
        if (*n == cap) {
            cap *= 2;
            bench_query *v = realloc(qs, cap * sizeof *qs);
            if (!v) {
                fprintf(stderr, "out of memory\n");
                exit(2);
            }
            qs = v;
        }
        qs[*n].kind = xstrndup(line, (size_t)(tab - line));
        qs[*n].text = xstrndup(tab + 1, strlen(tab + 1));
        (*n)++;
    }
    fclose(f);
    return qs;
}

/* A growing string. */
typedef struct {
    char *s;
    size_t len, cap;
} buf;

static inline void put(buf *b, const char *s, size_t n)
{
    if (n > SIZE_MAX / 4) { /* never; tells gcc's -Wstringop-overflow so */
        fprintf(stderr, "string too long\n");
        exit(2);
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static inline void puts_(buf *b, const char *s)
{
    put(b, s, strlen(s));
}

#endif
