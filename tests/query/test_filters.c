/* test_filters.c: the category and date filters of search_run against a
 * slow, obvious model. About 600 posts are written from memory by
 * writer_apply in three batches (adds; then deletions and replacements; then
 * more of both by a writer that flushes after every post), each with up to
 * four categories drawn from spellings that fold together or not, given
 * twice at times, and a date in one of several offsets, so that many posts'
 * own days are not their days in UTC. The model keeps what each path holds
 * now. A category filter matches a post when any of its categories folds as
 * the filter does (key_facet); since and until match a post whose day, read
 * from its date formatted in its own offset, lies between them. The engine
 * must find the same posts, newest first by the instant (not by the day) when
 * so sorted, count every category in the facets as the model does, and pass
 * index_check. */
#include <stdint.h>
#include <stdlib.h>

#include "indexer/indexer.h"
#include "batch.h"
#include "query/query.h"
#include "test.h"

/* category spellings: case and ё/е variants of one, a comma inside one, an
 * empty one (no facet), a prefix of another */
static const char *const pool[] = {
    "Linux", "linux", "LINUX", "Новости", "новости", "Ёлки", "елки", "Виртуализация",
    "Fedora 18", "fedora 18", "Security", "sec", "Заметки, и не только", "", "rhel", "redhat",
};
#define NPOOL (sizeof pool / sizeof pool[0])

/* the offsets posts' dates are in, minutes east of UTC */
static const int offsets[] = { 0, 240, 180, -330, 840, -720, 60, 345 };
#define NOFF (sizeof offsets / sizeof offsets[0])

#define NPATHS 600
typedef struct {
    int alive, ncats, cat[6];
    int has_date, tz_min;
    int64_t date;
    unsigned word;         /* 1: the body holds "alpha" */
} mpost;
static mpost model[NPATHS];
static char paths[NPATHS][24];

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
    return batch_rnd(&rng, n);
}

static store *st;
static an_analyzer *an;
static char err[1024];
static writer_op ops[NPATHS];
static post_batch pending = { ops, 0, NPATHS };

/* The facet a category folds to, as its key's bytes (kind byte included). */
static void fold(const char *cat, txt_buf *out)
{
    key_facet(out, FACET_CATEGORY, cat, strlen(cat));
}

static int same_fold(const char *a, const char *b)
{
    txt_buf x = { 0 }, y = { 0 };
    fold(a, &x);
    fold(b, &y);
    int same = x.len > 1 && x.len == y.len && memcmp(x.p, y.p, x.len) == 0;
    buf_free(&x);
    buf_free(&y);
    return same;
}

/* The post's own day, YYYY-MM-DD, from its date in its offset. */
static void own_day(const mpost *m, char day[11])
{
    char s[DATE_FORMAT_BYTES];
    date_format_at(m->date, m->tz_min, s);
    memcpy(day, s, 10);
    day[10] = '\0';
}

static void op_put(size_t i)
{
    mpost *m = &model[i];
    m->alive = 1;
    m->word = rnd(2);
    m->ncats = (int)rnd(5);
    for (int c = 0; c < m->ncats; c++)
        m->cat[c] = c && rnd(4) == 0 ? m->cat[c - 1] : (int)rnd(NPOOL);
    m->has_date = rnd(10) != 0;
    m->tz_min = offsets[rnd(NOFF)];
    /* 2009 to 2019, at any second: near midnight often enough to cross it */
    m->date = m->has_date ? 1230768000 + (int64_t)rnd(86400 * 3650) : 0;
    writer_op *op = batch_op(&pending, paths[i], 0);
    buf_puts(&op->p.title, "Note");
    buf_puts(&op->p.body, m->word ? "alpha bravo" : "bravo");
    for (int c = 0; c < m->ncats; c++) {
        buf_put(&op->p.categories, pool[m->cat[c]], strlen(pool[m->cat[c]]) + 1);
        op->p.ncategories++;
    }
    op->p.has_date = m->has_date;
    op->p.date = m->date;
    op->p.tz_min = m->has_date ? m->tz_min : 0;
}

static void op_del(size_t i)
{
    model[i].alive = 0;
    batch_op(&pending, paths[i], 1);
}

static size_t pick_alive(size_t n)
{
    size_t i;
    while (!model[i = rnd((unsigned)n)].alive)
        ;
    return i;
}

/* a query: the word alpha or none, a category, days (YYYY-MM-DD or NULL) */
typedef struct {
    int word;
    const char *category, *since, *until;
} qcase;

static size_t model_match(const qcase *c, unsigned char *match)
{
    size_t n = 0;
    for (size_t i = 0; i < NPATHS; i++) {
        const mpost *m = &model[i];
        int ok = m->alive && (!c->word || m->word);
        if (ok && c->category && *c->category) {   /* "" is no filter, as for the API */
            int any = 0;
            for (int k = 0; k < m->ncats; k++)
                any |= same_fold(pool[m->cat[k]], c->category);
            ok = any;
        }
        if (ok && (c->since || c->until)) {
            char day[11];
            own_day(m, day);
            ok = m->has_date && (!c->since || strcmp(day, c->since) >= 0)
                 && (!c->until || strcmp(day, c->until) <= 0);
        }
        match[i] = (unsigned char)ok;
        n += (size_t)ok;
    }
    return n;
}

static size_t path_index(const doc_record *d)
{
    if (d->path_len == 14 && memcmp(d->path, "/blog/p", 7) == 0)
        return (size_t)strtoul(d->path + 7, NULL, 10);   /* four digits, then ".md" */
    return NPATHS;
}

static void check_query(int batch, const qcase *c)
{
    unsigned char match[NPATHS];
    size_t nmatch = model_match(c, match);
    char label[300];
    snprintf(label, sizeof label, "batch %d: %s category %s since %s until %s", batch,
             c->word ? "alpha" : "-", c->category ? c->category : "-", c->since ? c->since : "-",
             c->until ? c->until : "-");
    qry q;
    qry_filters fl = { .category = c->category, .since = c->since, .until = c->until };
    int rc = qparse_with(&q, an, c->word ? "alpha" : "", &fl, err, sizeof err);
    CHECK(rc == BS_OK, "%s: parse: %s", label, err);
    if (rc != BS_OK)
        return;
    MDB_txn *txn;
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == 0, "a read transaction");
    for (int sort = 0; sort < 2; sort++) {
        search_opts so = { .sort = sort ? SORT_DATE : SORT_RELEVANCE, .match = MATCH_ALL,
                           .limit = NPATHS };
        results r;
        rc = search_run(st, txn, &q, &so, &r, err, sizeof err);
        CHECK(rc == BS_OK, "%s: %s", label, err);
        if (rc != BS_OK)
            continue;
        CHECK(r.total == nmatch && r.n == nmatch, "%s sort %d: %llu posts (%zu shown), the "
              "model %zu", label, sort, (unsigned long long)r.total, r.n, nmatch);
        unsigned char seen[NPATHS] = { 0 };
        size_t bad = 0, disorder = 0;
        int64_t prev = INT64_MAX;
        for (size_t h = 0; h < r.n; h++) {
            doc_record d;
            if (page_doc(st, txn, r.hits[h].docid, &d, err, sizeof err) != BS_OK) {
                bad++;
                continue;
            }
            size_t i = path_index(&d);
            bad += i >= NPATHS || !match[i] || seen[i]++
                   || d.has_date != model[i].has_date
                   || (d.has_date && (d.date != model[i].date || d.tz_min != model[i].tz_min));
            /* newest first is by the instant, whatever the post's day */
            if (sort && d.has_date) {
                disorder += d.date > prev;
                prev = d.date;
            }
            codec_doc_free(&d);
        }
        CHECK(bad == 0, "%s sort %d: %zu of %zu hits are not the model's posts", label, sort,
              bad, r.n);
        CHECK(disorder == 0, "%s: %zu posts out of date order", label, disorder);
        results_free(&r);
    }
    mdb_txn_abort(txn);
    qry_free(&q);
}

/* The days to filter by: of posts whose own day is not their day in UTC,
 * that day (which must find them), the UTC day (which must not, unless
 * another post is of it) and a range of both. */
static void check_days(int batch)
{
    size_t tried = 0;
    for (size_t i = 0; i < NPATHS && tried < 12; i++) {
        const mpost *m = &model[i];
        if (!m->alive || !m->has_date)
            continue;
        char day[11], utc[DATE_FORMAT_BYTES];
        own_day(m, day);
        date_format(m->date, utc);
        utc[10] = '\0';
        if (strcmp(day, utc) == 0)
            continue;
        tried++;
        check_query(batch, &(qcase){ 0, NULL, day, day });
        check_query(batch, &(qcase){ 0, NULL, utc, utc });
        check_query(batch, &(qcase){ 1, NULL, day, day });
        const char *lo = strcmp(day, utc) < 0 ? day : utc, *hi = lo == day ? utc : day;
        check_query(batch, &(qcase){ 0, NULL, lo, hi });
        check_query(batch, &(qcase){ 0, pool[m->ncats ? m->cat[0] : 0], day, NULL });
        check_query(batch, &(qcase){ 0, NULL, NULL, day });

        /* the model itself: the post is found by its day and not by the UTC one */
        unsigned char match[NPATHS];
        model_match(&(qcase){ 0, NULL, day, day }, match);
        CHECK(match[i], "batch %d: the model finds post %zu by its day %s", batch, i, day);
        model_match(&(qcase){ 0, NULL, utc, utc }, match);
        CHECK(!match[i], "batch %d: the model does not find post %zu by %s", batch, i, utc);
    }
    CHECK(tried == 12, "batch %d: only %zu posts whose day differs in UTC", batch, tried);
}

static void check_all(int batch)
{
    for (size_t c = 0; c < NPOOL; c++) {
        if (*pool[c])                 /* "" alone would be no query at all */
            check_query(batch, &(qcase){ 0, pool[c], NULL, NULL });
        check_query(batch, &(qcase){ 1, pool[c], NULL, NULL });
    }
    check_query(batch, &(qcase){ 0, "nosuchcategory", NULL, NULL });
    check_query(batch, &(qcase){ 0, "ЛИНУКС", NULL, NULL });
    check_query(batch, &(qcase){ 0, "ЁЛКИ", "2012-01-01", "2015-06-30" });
    check_query(batch, &(qcase){ 1, NULL, "2011-01-01", "2011-12-31" });
    check_days(batch);
}

/* Every category facet counts the posts of any spelling of it, once each. */
typedef struct {
    size_t n, bad;
} facet_tally;

static void on_facet(void *ctx, char kind, const char *value, size_t len, size_t count)
{
    facet_tally *t = ctx;
    if (kind != FACET_CATEGORY)
        return;
    t->n++;
    size_t want = 0;
    for (size_t i = 0; i < NPATHS; i++) {
        int has = 0;
        for (int k = 0; model[i].alive && k < model[i].ncats; k++) {
            txt_buf b = { 0 };
            fold(pool[model[i].cat[k]], &b);
            has |= b.len == len + 1 && memcmp(b.p + 1, value, len) == 0;
            buf_free(&b);
        }
        want += (size_t)has;
    }
    if (count != want && t->bad++ < 3)
        fprintf(stderr, "category facet \"%.*s\": %zu posts, the model %zu\n", (int)len, value,
                count, want);
}

static void check_problem(void *ctx, const char *msg)
{
    (void)ctx;
    CHECK(0, "index_check: %s", msg);
}

int main(void)
{
    char dir[] = "/tmp/bs-test-filters-XXXXXX", ix[300];
    if (batch_index(dir, ix, sizeof ix, &st, &an) != 0)
        return test_report("test_filters");
    int rc;
    CHECK(same_fold("Linux", "LINUX") && same_fold("Ёлки", "елки") && !same_fold("sec", "Security")
          && !same_fold("", ""), "the pool tests folding");
    for (size_t i = 0; i < NPATHS; i++)
        snprintf(paths[i], sizeof paths[i], "/blog/p%04zu.md", i);

    for (size_t i = 0; i < 500; i++)
        op_put(i);
    batch_apply(&pending, st, 1 << 20, 1);
    check_all(1);

    for (size_t i = 0; i < 80; i++)
        op_del(pick_alive(500));
    for (size_t i = 0; i < 80; i++)
        op_put(pick_alive(500));
    for (size_t i = 500; i < 550; i++)
        op_put(i);
    batch_apply(&pending, st, 1 << 20, 2);
    check_all(2);

    for (size_t i = 0; i < 30; i++)
        op_put(pick_alive(550));
    for (size_t i = 0; i < 20; i++)
        op_del(pick_alive(550));
    for (size_t i = 550; i < 580; i++)
        op_put(i);
    batch_apply(&pending, st, 1, 3);
    check_all(3);

    store_close(st);
    facet_tally t = { 0, 0 };
    rc = index_facets(ix, on_facet, &t, err, sizeof err);
    CHECK(rc == BS_OK && t.n > 5 && t.bad == 0, "category facets: %d (%s), %zu of them, %zu "
          "wrong", rc, err, t.n, t.bad);
    index_stats is;
    rc = index_check(ix, check_problem, NULL, &is, err, sizeof err);
    CHECK(rc == BS_OK, "index_check: %s", err);
    an_free(an);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_filters");
}
