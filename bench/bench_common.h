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

/* A benchmark query's filters (bench/queries.tsv), for the peers, which
 * have no such syntax of their own: tag:x and tag:"x y", since:D and
 * until:D (D is YYYY, YYYY-MM or YYYY-MM-DD, both ends inclusive, as
 * blogsearch reads them), each at the start of a word; rest is the query
 * without them. Tags are as written (each peer folds case its own way). */
#define BENCH_MAX_TAGS 8
typedef struct {
    char rest[4096];
    char tags[BENCH_MAX_TAGS][256];
    int ntags;
    char since[16], until[16]; /* "" when absent */
} bench_split;

static inline void bench_split_query(const char *q, bench_split *s)
{
    size_t n = 0, len = strlen(q);
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < len;) {
        int at_word = i == 0 || q[i - 1] == ' ' || q[i - 1] == '\t';
        size_t klen = !at_word ? 0
                      : strncmp(q + i, "tag:", 4) == 0 ? 4
                      : strncmp(q + i, "since:", 6) == 0 ? 6
                      : strncmp(q + i, "until:", 6) == 0 ? 6 : 0;
        if (klen && i + klen < len && q[i + klen] != ' ') {
            size_t a = i + klen, e;
            const char *val;
            size_t vlen;
            if (q[a] == '"') {
                const char *close = strchr(q + a + 1, '"');
                e = close ? (size_t)(close - q) : len;
                val = q + a + 1;
                vlen = e - a - 1;
                e = e < len ? e + 1 : e;
            } else {
                e = a;
                while (e < len && q[e] != ' ' && q[e] != '\t')
                    e++;
                val = q + a;
                vlen = e - a;
            }
            char *dst = q[i] == 't' ? (s->ntags < BENCH_MAX_TAGS ? s->tags[s->ntags++] : NULL)
                        : q[i] == 's' ? s->since : s->until;
            size_t cap = q[i] == 't' ? sizeof s->tags[0] : sizeof s->since;
            if (dst) {
                if (vlen >= cap)
                    vlen = cap - 1;
                memcpy(dst, val, vlen);
                dst[vlen] = '\0';
            }
            i = e;
            continue;
        }
        if (n + 1 < sizeof s->rest)
            s->rest[n++] = q[i];
        i++;
    }
    while (n > 0 && (s->rest[n - 1] == ' ' || s->rest[n - 1] == '\t'))
        n--;
    s->rest[n] = '\0';
}

/* A since:/until: date as the bound of a string comparison with dates
 * written "YYYY-MM-DD HH:MM:SS..." (Xapian's value, FTS5's column): the
 * lower bound is the date itself, the upper the date followed by a byte
 * above every character of a date, so that until:2018-06 holds all of June. */
static inline void bench_date_upper(const char *d, char *out, size_t cap)
{
    snprintf(out, cap, "%s\x7f", d);
}

/* Seconds since 1970 (UTC) of the first instant of a since: date (upper = 0)
 * or of the last second of an until: date (upper = 1); -1 if malformed. */
static inline long long bench_date_epoch(const char *d, int upper)
{
    int y = 0, m = 1, day = 1, parts = sscanf(d, "%4d-%2d-%2d", &y, &m, &day);
    if (parts < 1 || m < 1 || m > 12 || day < 1 || day > 31)
        return -1;
    if (upper) { /* the first instant after the period, less one second */
        if (parts == 1) {
            y++;
        } else if (parts == 2) {
            if (++m > 12) { m = 1; y++; }
        } else {
            day++;
        }
    }
    /* days from civil (Howard Hinnant's algorithm); day 32 rolls over by itself */
    int yy = y - (m <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = era * 146097 + doe - 719468;
    return days * 86400 - upper;
}

#endif
