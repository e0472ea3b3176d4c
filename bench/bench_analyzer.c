/* bench_analyzer: throughput of the blogsearch analyzer over a corpus, with
 * and without its word cache. Usage: bench_analyzer RUNS FILE...
 * Prints tab-separated lines (see bench_common.h); bench/analyzer.sh runs it
 * beside the peers and makes the table in bench/RESULTS.md. */
#include "bench_common.h"
#include "stemming/stemming.h"

static int count_token(const an_token *t, void *ctx)
{
    size_t *n = ctx;
    *n += t->term_len != 0;
    return 0;
}

static void measure(const corpus *c, int runs, unsigned flags, const char *variant)
{
    double best = 1e30;
    size_t tokens = 0;
    for (int r = 0; r < runs; r++) {
        an_analyzer *an;
        if (an_new(&an, flags) != 0) {
            fprintf(stderr, "an_new failed\n");
            exit(2);
        }
        size_t n = 0;
        double t0 = now_s();
        for (size_t i = 0; i < c->n; i++) {
            uint32_t pos = 0;
            an_analyze(an, c->text[i], c->len[i], &pos, count_token, &n);
        }
        double dt = now_s() - t0;
        if (r == 0 && !(flags & AN_NO_CACHE)) {
            uint64_t hits, misses;
            an_cache_stats(an, &hits, &misses);
            fprintf(stderr, "bench_analyzer: cache %llu hits, %llu misses (distinct words)\n",
                    (unsigned long long)hits, (unsigned long long)misses);
        }
        an_free(an);
        if (dt < best)
            best = dt;
        tokens = n;
    }
    report("blogsearch", variant, c->bytes, tokens, best);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_analyzer RUNS FILE...\n");
        return 2;
    }
    corpus c;
    int runs = atoi(argv[1]);
    corpus_load(&c, argc, argv, 2);
    const char *only = getenv("BS_BENCH_VARIANT");   /* for profiling one */
    if (!only || strcmp(only, "cache") == 0)
        measure(&c, runs, 0, "cache");
    if (!only || strcmp(only, "no-cache") == 0)
        measure(&c, runs, AN_NO_CACHE, "no-cache");
    corpus_free(&c);
    return 0;
}
