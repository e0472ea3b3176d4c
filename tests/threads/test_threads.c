/* test_threads.c: one open index searched by many threads at once, through
 * the public API only, as a program would; built and run a second time
 * under ThreadSanitizer by CI (-DBS_TSAN=ON).
 * 1. Eight threads run a table of searches over and over on one read-only
 *    handle; every answer must equal the one found by a single thread.
 * 2. Readers search while a writer thread (a second handle, same process)
 *    commits batches of posts: a reader sees a batch whole or not at all,
 *    and never fewer posts than before. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <blogsearch.h>

#include "test.h"

#define NPOSTS 300
#define NTHREADS 8
#define ROUNDS 40
#define BATCHES 12
#define BATCH 10

static const char *const words[] = {
    "виртуализация", "контейнер", "docker", "ядро", "linux", "сборка", "пакеты", "fedora",
    "сервер", "настройка", "сеть", "systemd", "wayland", "релиз", "обновление", "драйвер",
};
static const char *const tagset[] = { "docker", "linux", "fedora", "сеть", "релизы" };
#define NWORDS (sizeof words / sizeof words[0])

static void make_post(char *body, size_t cap, unsigned seed)
{
    size_t at = 0;
    for (unsigned k = 0; k < 40 && at + 40 < cap; k++) {
        seed = seed * 1103515245u + 12345u;
        at += (size_t)snprintf(body + at, cap - at, "%s ", words[(seed >> 16) % NWORDS]);
    }
}

static int put_posts(bs_index *ix, unsigned from, unsigned n, const char *extra)
{
    bs_writer *w;
    if (bs_writer_open(&w, ix) != BS_OK)
        return -1;
    int rc = BS_OK;
    for (unsigned i = from; i < from + n && rc == BS_OK; i++) {
        char path[64], title[96], body[1024];
        snprintf(path, sizeof path, "mem/%u", i);
        snprintf(title, sizeof title, "Заметка %u %s", i, extra ? extra : "");
        make_post(body, sizeof body, i * 7919u);
        if (extra)
            strcat(body, extra);
        const char *tags[] = { tagset[i % 5], tagset[(i / 5) % 5] };
        bs_post p = BS_POST_INIT;
        p.path = path;
        p.title = title;
        p.body = body;
        p.body_len = strlen(body);
        p.tags = tags;
        p.ntags = 2;
        p.has_date = 1;
        p.date = 1500000000 + (int64_t)i * 86400;
        rc = bs_writer_put(w, &p);
    }
    if (rc == BS_OK)
        rc = bs_writer_commit(w);
    bs_writer_close(w);
    return rc == BS_OK ? 0 : -1;
}

/* ---- 1. the same answers from every thread ------------------------------------ */

typedef struct {
    const char *query;
    const char *tag;
    int sort;
} probe;

static const probe probes[] = {
    { "виртуализация", NULL, BS_SORT_RELEVANCE }, { "docker контейнеры", NULL, BS_SORT_RELEVANCE },
    { "ядро linux", "linux", BS_SORT_RELEVANCE }, { "сборк*", NULL, BS_SORT_DATE },
    { "\"настройка сеть\"", NULL, BS_SORT_RELEVANCE }, { "", "fedora", BS_SORT_DATE },
    { "wayland -systemd", NULL, BS_SORT_RELEVANCE }, { "релизы", "релизы", BS_SORT_RELEVANCE },
};
#define NPROBES (sizeof probes / sizeof probes[0])

/* An answer as text: total, then each hit's path and score, then facets. */
static int answer(bs_index *ix, const probe *p, char *out, size_t cap)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    const char *tags[1] = { p->tag };
    o.tags = tags;
    o.ntags = p->tag ? 1 : 0;
    o.sort = p->sort;
    o.facets = 5;
    bs_results *r;
    if (bs_search(ix, p->query, &o, &r) != BS_OK)
        return -1;
    size_t at = (size_t)snprintf(out, cap, "%llu|", (unsigned long long)bs_results_total(r));
    bs_hit h = BS_HIT_INIT;
    for (size_t i = 0; bs_results_hit(r, i, &h) == BS_OK && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s:%.6f:%zu,", h.path, h.score,
                               h.nhighlights);
    const char *tag;
    uint64_t count;
    for (size_t i = 0; bs_results_facet(r, i, &tag, &count) == BS_OK && at < cap; i++)
        at += (size_t)snprintf(out + at, cap - at, "%s=%llu;", tag, (unsigned long long)count);
    bs_results_free(r);
    return 0;
}

static char expected[NPROBES][4096];
static bs_index *shared;
static atomic_int mismatches, failures;

static void *searcher(void *arg)
{
    size_t id = (size_t)arg;
    char got[4096];
    for (int round = 0; round < ROUNDS; round++)
        for (size_t k = 0; k < NPROBES; k++) {
            size_t i = (k + id) % NPROBES;
            if (answer(shared, &probes[i], got, sizeof got) != 0)
                atomic_fetch_add(&failures, 1);
            else if (strcmp(got, expected[i]) != 0)
                atomic_fetch_add(&mismatches, 1);
        }
    return NULL;
}

/* ---- 2. readers beside a writer --------------------------------------------------- */

static atomic_int writer_done, torn, shrank;

static void *batch_writer(void *arg)
{
    bs_index *ix = arg;
    for (unsigned b = 0; b < BATCHES; b++)
        if (put_posts(ix, 10000 + b * BATCH, BATCH, "новинкаоднапартия") != 0)
            atomic_fetch_add(&failures, 1);
    atomic_store(&writer_done, 1);
    return NULL;
}

static void *batch_reader(void *arg)
{
    bs_index *ix = arg;
    uint64_t last = 0;
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.snippets = 0;
    while (!atomic_load(&writer_done)) {
        bs_results *r;
        if (bs_search(ix, "новинкаоднапартия", &o, &r) != BS_OK) {
            atomic_fetch_add(&failures, 1);
            break;
        }
        uint64_t n = bs_results_total(r);
        bs_results_free(r);
        if (n % BATCH)
            atomic_fetch_add(&torn, 1);
        if (n < last)
            atomic_fetch_add(&shrank, 1);
        last = n;
    }
    return NULL;
}

int main(void)
{
    char dir[] = "/tmp/bs-test-threads-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    bs_index *wix;
    CHECK(bs_index_open(&wix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK, "create: %s",
          bs_errmsg());
    CHECK(put_posts(wix, 0, NPOSTS, NULL) == 0, "index %d posts: %s", NPOSTS, bs_errmsg());
    bs_index_close(wix);

    /* 1 */
    CHECK(bs_index_open(&shared, dir, BS_OPEN_RDONLY) == BS_OK, "open: %s", bs_errmsg());
    for (size_t i = 0; i < NPROBES; i++)
        CHECK(answer(shared, &probes[i], expected[i], sizeof expected[i]) == 0
              && strncmp(expected[i], "0|", 2) != 0,
              "probe \"%s\" finds posts: %s", probes[i].query, expected[i]);
    pthread_t t[NTHREADS];
    for (size_t i = 0; i < NTHREADS; i++)
        CHECK(pthread_create(&t[i], NULL, searcher, (void *)i) == 0, "thread %zu", i);
    for (size_t i = 0; i < NTHREADS; i++)
        pthread_join(t[i], NULL);
    CHECK(atomic_load(&failures) == 0, "%d searches failed", atomic_load(&failures));
    CHECK(atomic_load(&mismatches) == 0, "%d of %d answers differ from one thread's",
          atomic_load(&mismatches), NTHREADS * ROUNDS * (int)NPROBES);
    bs_index_close(shared);

    /* 2: the writable handle first, so the process's one environment can write */
    CHECK(bs_index_open(&wix, dir, BS_OPEN_WRITE) == BS_OK, "open to write: %s", bs_errmsg());
    bs_index *rix;
    CHECK(bs_index_open(&rix, dir, BS_OPEN_RDONLY) == BS_OK, "open to read: %s", bs_errmsg());
    pthread_t wt, rt[4];
    pthread_create(&wt, NULL, batch_writer, wix);
    for (size_t i = 0; i < 4; i++)
        pthread_create(&rt[i], NULL, batch_reader, rix);
    pthread_join(wt, NULL);
    for (size_t i = 0; i < 4; i++)
        pthread_join(rt[i], NULL);
    CHECK(atomic_load(&failures) == 0, "%d calls failed beside the writer", atomic_load(&failures));
    CHECK(atomic_load(&torn) == 0, "%d searches saw part of a batch", atomic_load(&torn));
    CHECK(atomic_load(&shrank) == 0, "%d searches saw fewer posts than before",
          atomic_load(&shrank));
    bs_results *r;
    CHECK(bs_search(rix, "новинкаоднапартия", NULL, &r) == BS_OK
          && bs_results_total(r) == BATCHES * BATCH, "every batch is there at the end");
    bs_results_free(r);
    bs_index_close(rix);
    bs_index_close(wix);

    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_threads");
}
