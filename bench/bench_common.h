/* bench_common.h: loading a corpus and timing, shared by the analyzer
 * benchmark and its peers so every program measures the same thing: the
 * posts already in memory, one analysis call per post, best of R runs. */
#ifndef BS_BENCH_COMMON_H
#define BS_BENCH_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    char **text;
    size_t *len;
    size_t n;
    size_t bytes;
} corpus;

static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads every file named in argv[first..argc). Exits on failure: this is a
 * benchmark, not the library. */
static inline void corpus_load(corpus *c, int argc, char **argv, int first)
{
    c->n = 0;
    c->bytes = 0;
    c->text = (char **)calloc((size_t)argc, sizeof *c->text);
    c->len = (size_t *)calloc((size_t)argc, sizeof *c->len);
    for (int i = first; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f || fseek(f, 0, SEEK_END) != 0) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            exit(2);
        }
        long sz = ftell(f);
        rewind(f);
        char *buf = (char *)malloc((size_t)sz + 1);
        if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            exit(2);
        }
        buf[sz] = '\0';
        fclose(f);
        c->text[c->n] = buf;
        c->len[c->n++] = (size_t)sz;
        c->bytes += (size_t)sz;
    }
}

static inline void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->text[i]);
    free(c->text);
    free(c->len);
}

/* One result line: engine, variant, bytes, tokens, best seconds, MB/s, tokens/s. */
static inline void report(const char *engine, const char *variant, size_t bytes,
                          size_t tokens, double best)
{
    printf("%s\t%s\t%zu\t%zu\t%.6f\t%.2f\t%.0f\n", engine, variant, bytes, tokens, best,
           (double)bytes / best / 1e6, (double)tokens / best);
}

#endif
