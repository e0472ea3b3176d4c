/* bench_suggest: what one completion of a word being typed costs,
 * in-process: each text of a file (one a line) completed once untimed,
 * then RUNS timed times, as blogsearch.cgi does it (lib_suggest_view over
 * a searcher opened once, its analyzer kept: a resident FastCGI's request
 * without the HTTP) or, with API=1, as a program through bs_suggest (an
 * analyzer made per call, the index handle's read lock).
 * Usage: bench_suggest INDEX TEXTS RUNS
 * Prints a line per text: text, words, titles, then the RUNS wall times
 * and the RUNS processor times of this thread (what a call costs, whatever
 * else the machine runs), microseconds, comma-separated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "blogsearch.h"
#include "lib/lib.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int once(lib_searcher *s, bs_index *ix, const char *text, size_t *words, size_t *titles)
{
    if (ix) {
        bs_suggestions *r;
        if (bs_suggest(ix, text, NULL, &r) != BS_OK) {
            fprintf(stderr, "bench_suggest: [%s]: %s\n", text, bs_errmsg());
            return -1;
        }
        *words = bs_suggestions_word_count(r);
        *titles = bs_suggestions_title_count(r);
        bs_suggestions_free(r);
        return 0;
    }
    char err[1024];
    int rc;
    view *v = view_new();
    vnode *root = v ? lib_suggest_view(s, text, v, &rc, err, sizeof err) : NULL;
    if (!root) {
        fprintf(stderr, "bench_suggest: [%s]: %s\n", text, v ? err : "out of memory");
        view_free(v);
        return -1;
    }
    *words = vn_len(vn_get(root, "words"));
    *titles = vn_len(vn_get(root, "titles"));
    view_free(v);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: bench_suggest INDEX TEXTS RUNS  (API=1: through bs_suggest)\n");
        return 2;
    }
    int runs = atoi(argv[3]);
    const char *api = getenv("API");
    lib_searcher *s = NULL;
    bs_index *ix = NULL;
    char err[1024];
    if (api && strcmp(api, "1") == 0) {
        if (bs_index_open(&ix, argv[1], BS_OPEN_RDONLY) != BS_OK) {
            fprintf(stderr, "bench_suggest: %s\n", bs_errmsg());
            return 2;
        }
    } else if (lib_searcher_open(&s, argv[1], LIB_RESIDENT, err, sizeof err) != BS_OK) {
        fprintf(stderr, "bench_suggest: %s\n", err);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) {
        fprintf(stderr, "bench_suggest: cannot read %s\n", argv[2]);
        return 2;
    }
    char line[1024];
    int status = 0;
    while (status == 0 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        size_t words = 0, titles = 0;
        if (!*line || once(s, ix, line, &words, &titles) != 0) {
            status = *line ? 1 : 0;
            continue;
        }
        double *t = malloc(2 * (size_t)runs * sizeof *t);
        if (!t)
            return 2;
        for (int r = 0; r < runs && status == 0; r++) {
            double w0 = now_s(), c0 = cpu_s();
            status = once(s, ix, line, &words, &titles);
            t[r] = (now_s() - w0) * 1e6;
            t[runs + r] = (cpu_s() - c0) * 1e6;
        }
        printf("%s\t%zu\t%zu", line, words, titles);
        for (int r = 0; r < 2 * runs; r++)
            printf("%s%.0f", r == 0 || r == runs ? "\t" : ",", t[r]);
        printf("\n");
        free(t);
    }
    fclose(f);
    lib_searcher_close(s);
    bs_index_close(ix);
    return status;
}
