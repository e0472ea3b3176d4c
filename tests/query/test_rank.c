/* test_rank.c: the two ways search_run ranks give the same results. About
 * 2,500 posts of words drawn unevenly from a small vocabulary (a few in most
 * posts, most in few) are written in two batches, the second deleting and
 * replacing some, so docids have gaps. Random queries (words, +word, -word,
 * prefixes, phrases, title:word, OR, tag and date filters) are run with
 * every match mode, page and facet count, ranked by the one merge that
 * scores every match (RANK_MERGE) and by counting the matches first and
 * ranking them by MaxScore (RANK_COUNT_FIRST): the totals, the posts shown,
 * their scores and the facets must be the same. */
#include <stdint.h>
#include <stdlib.h>

#include "indexer/indexer.h"
#include "batch.h"
#include "query/query.h"
#include "test.h"

#define NPATHS 2600
#define NQUERIES 240

static const char *const words[] = {
    "linux", "docker", "kernel", "release", "fedora", "systemd", "network", "storage",
    "driver", "desktop", "server", "package", "update", "security", "project", "version",
    "ядро", "выпуск", "контейнер", "сеть", "пакет", "проект", "версия", "система",
    "wayland", "gnome", "btrfs", "qemu", "selinux", "podman", "kdbus", "flatpak",
};
#define NWORDS (sizeof words / sizeof words[0])
static const char *const tags[] = { "linux", "docker", "news", "fedora", "security", "desktop",
                                    "kernel", "howto" };
#define NTAGS (sizeof tags / sizeof tags[0])

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static unsigned rnd(unsigned n)
{
    return batch_rnd(&rng, n);
}

/* word w with odds falling as 1 / (w + 1): the first in most posts */
static const char *zipf_word(void)
{
    static double cum[NWORDS], sum;
    if (sum == 0)
        for (size_t w = 0; w < NWORDS; w++)
            cum[w] = sum += 1.0 / (double)(w + 1);
    double x = (double)rnd(1u << 30) / (double)(1u << 30) * sum;
    size_t w = 0;
    while (w + 1 < NWORDS && cum[w] < x)
        w++;
    return words[w];
}

static char paths[NPATHS][32];
static int alive[NPATHS];
static writer_op ops[NPATHS];
static post_batch pending = { ops, 0, NPATHS };

static void put_words(txt_buf *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        buf_puts(b, zipf_word());
        buf_putc(b, ' ');
    }
}

static void op_put(size_t i)
{
    writer_op *op = batch_op(&pending, paths[i], 0);
    alive[i] = 1;
    put_words(&op->p.title, 1 + rnd(4));
    if (rnd(3) == 0)
        put_words(&op->p.description, 1 + rnd(8));
    put_words(&op->p.body, 3 + rnd(80));
    unsigned nt = rnd(4);
    for (unsigned t = 0; t < nt; t++) {
        const char *tag = tags[rnd(NTAGS)];
        buf_put(&op->p.tags, tag, strlen(tag) + 1);
    }
    op->p.ntags = nt;
    op->p.has_date = rnd(10) != 0;
    op->p.date = op->p.has_date ? 1262304000 + (int64_t)rnd(400000000) : 0;
}

/* A random query: one to four clauses, now and then a filter. */
static void make_query(char *q, size_t len)
{
    size_t at = 0;
    unsigned nc = 1 + rnd(4);
    q[0] = '\0';
    for (unsigned c = 0; c < nc; c++) {
        const char *w = zipf_word(), *w2 = zipf_word();
        unsigned kind = rnd(100);
        if (c > 0 && rnd(12) == 0)
            at += (size_t)snprintf(q + at, len - at, "OR ");
        if (kind < 66)
            at += (size_t)snprintf(q + at, len - at, "%s ", w);
        else if (kind < 74)
            at += (size_t)snprintf(q + at, len - at, "+%s ", w);
        else if (kind < 82)
            at += (size_t)snprintf(q + at, len - at, "-%s ", w);
        else if (kind < 88)
            at += (size_t)snprintf(q + at, len - at, "%.3s* ", w[0] & 0x80 ? w2 : w);
        else if (kind < 94)
            at += (size_t)snprintf(q + at, len - at, "\"%s %s\" ", w, w2);
        else
            at += (size_t)snprintf(q + at, len - at, "title:%s ", w);
    }
    if (rnd(8) == 0)
        at += (size_t)snprintf(q + at, len - at, "tag:%s ", tags[rnd(NTAGS)]);
    if (rnd(8) == 0)
        snprintf(q + at, len - at, "since:%u ", 2010 + rnd(12));
}

static void same_results(const results *a, const results *b, const char *text, const char *how)
{
    int ok = a->total == b->total && a->full == b->full && a->n == b->n;
    CHECK(ok, "\"%s\" %s: merge %llu matches (%llu with every word), %zu shown; count first "
          "%llu (%llu), %zu shown", text, how, (unsigned long long)a->total,
          (unsigned long long)a->full, a->n, (unsigned long long)b->total,
          (unsigned long long)b->full, b->n);
    for (size_t i = 0; ok && i < a->n; i++)
        CHECK((ok = a->hits[i].docid == b->hits[i].docid && a->hits[i].score == b->hits[i].score),
              "\"%s\" %s rank %zu: merge post %u score %.12f, count first post %u score %.12f",
              text, how, i + 1, a->hits[i].docid, a->hits[i].score, b->hits[i].docid,
              b->hits[i].score);
    ok = a->nfacets == b->nfacets;
    CHECK(ok, "\"%s\" %s: %zu facets, count first %zu", text, how, a->nfacets, b->nfacets);
    for (size_t i = 0; ok && i < a->nfacets; i++)
        CHECK((ok = a->facets[i].count == b->facets[i].count && a->facets[i].len == b->facets[i].len
                   && memcmp(a->facets[i].tag, b->facets[i].tag, a->facets[i].len) == 0),
              "\"%s\" %s facet %zu: merge %.*s %llu, count first %.*s %llu", text, how, i + 1,
              (int)a->facets[i].len, a->facets[i].tag, (unsigned long long)a->facets[i].count,
              (int)b->facets[i].len, b->facets[i].tag, (unsigned long long)b->facets[i].count);
}

int main(void)
{
    char dir[] = "/tmp/bs-test-rank-XXXXXX", ix[300], err[1024];
    store *st;
    an_analyzer *an;
    if (batch_index(dir, ix, sizeof ix, &st, &an) != 0)
        return test_report("test_rank");
    int rc;
    for (size_t i = 0; i < NPATHS; i++)
        snprintf(paths[i], sizeof paths[i], "/blog/p%04zu.md", i);
    for (size_t i = 0; i < 2400; i++)
        op_put(i);
    batch_apply(&pending, st, 1 << 22, 1);
    /* deletions and replacements: gaps in the docids, postings rewritten */
    for (size_t i = 0; i < 300; i++) {
        size_t p = rnd(2400);
        if (!alive[p])
            continue;
        if (rnd(2)) {
            alive[p] = 0;
            batch_op(&pending, paths[p], 1);
        } else {
            op_put(p);
        }
    }
    for (size_t i = 2400; i < NPATHS; i++)
        op_put(i);
    batch_apply(&pending, st, 1 << 22, 2);

    static const struct { int match; size_t offset, limit, facets; int no_prox; } ways[] = {
        { MATCH_MOST, 0, 10, 0, 0 }, { MATCH_MOST, 0, 1, 0, 1 },  { MATCH_MOST, 5, 10, 5, 1 },
        { MATCH_MOST, 0, 100, 3, 0 }, { MATCH_ALL, 0, 10, 0, 1 }, { MATCH_ALL, 0, 3, 4, 0 },
        { MATCH_ANY, 0, 10, 0, 1 },   { MATCH_ANY, 2, 5, 8, 0 },  { MATCH_MOST, 0, 0, 5, 1 },
    };
    size_t found = 0, searches = 0;
    for (size_t qi = 0; qi < NQUERIES; qi++) {
        char text[256];
        qry q;
        make_query(text, sizeof text);
        if (qparse(&q, an, text, err, sizeof err) != BS_OK) {
            qry_free(&q);   /* only excluded words: nothing to compare */
            continue;
        }
        MDB_txn *txn;
        CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read transaction");
        for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
            search_opts so = { .sort = SORT_RELEVANCE, .match = ways[w].match,
                               .offset = ways[w].offset, .limit = ways[w].limit,
                               .facets = ways[w].facets, .no_proximity = ways[w].no_prox };
            results a, b;
            so.rank = RANK_MERGE;
            rc = search_run(st, txn, &q, &so, &a, err, sizeof err);
            CHECK(rc == BS_OK, "\"%s\" merge: %s", text, err);
            so.rank = RANK_COUNT_FIRST;
            int rc2 = search_run(st, txn, &q, &so, &b, err, sizeof err);
            CHECK(rc2 == BS_OK, "\"%s\" count first: %s", text, err);
            if (rc == BS_OK && rc2 == BS_OK) {
                char how[96];
                snprintf(how, sizeof how, "match %d offset %zu limit %zu facets %zu%s",
                         ways[w].match, ways[w].offset, ways[w].limit, ways[w].facets,
                         ways[w].no_prox ? " no proximity" : "");
                same_results(&a, &b, text, how);
                found += a.n > 0;
                searches++;
            }
            if (rc == BS_OK)
                results_free(&a);
            if (rc2 == BS_OK)
                results_free(&b);
        }
        mdb_txn_abort(txn);
        qry_free(&q);
    }
    /* the comparison is of pages that show posts, most of the time */
    CHECK(searches > 0 && found * 2 > searches, "%zu of %zu searches showed posts", found,
          searches);
    store_close(st);
    an_free(an);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_rank");
}
