/* test_spill.c: postings spilled to a temporary file (indexer/spill.c) and
 * merged at the end give the very index that one write gives. Each row is a
 * few batches of posts given in memory (writer_apply, as the library's
 * writer gives them): puts, replacements of a post put earlier in the same
 * batch (its postings still spilled when it is taken out), deletions. Every
 * batch is applied to two indexes, one with every posting in memory and one
 * whose tiny mem_limit spills after nearly every post; after each batch the
 * two must hold the same keys and values in every database, and the posts
 * the row says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"
#include "store/store.h"
#include "test.h"

#define MAXOPS 16

/* "+name": put the post name (its words drawn from name), "-name": delete
 * it. Batches are separated by "|". */
static const struct {
    int line;
    const char *ops[MAXOPS];
    size_t posts;              /* posts in the index at the end */
} rows[] = {
    { __LINE__, { "+a", "+b", "+c" }, 3 },
    { __LINE__, { "+a", "+b", "+a", "+c" }, 3 },                      /* a replaced */
    { __LINE__, { "+a", "+b", "+c", "-b", "+d" }, 3 },                /* b deleted */
    { __LINE__, { "+a", "+b", "+c", "+d", "|", "+e", "-a", "+c", "+f" }, 5 },
    { __LINE__, { "+a", "+b", "|", "-a", "-b" }, 0 },
    { __LINE__, { "+a", "+b", "+c", "+d", "+e", "+f", "+g", "+h", "|", "+i", "+a", "+i",
                  "-h", "|", "+j" }, 9 },
};

/* A post's title and body: words drawn from a vocabulary of 400, seeded by
 * the name and the op's place in its row, so a put again gives other words. */
static void make_text(txt_buf *b, const char *name, unsigned round, size_t nwords)
{
    static const char *const syll[] = { "ка", "ро", "ми", "ту", "ле", "на", "по", "зи",
                                        "ba", "ko", "ri", "te", "lu", "mo", "sa", "ve",
                                        "дор", "вин", "gal", "pet" };
    uint64_t seed = 0x9E3779B97F4A7C15u ^ ((uint64_t)(unsigned char)name[0] << 8) ^ round;
    buf_reset(b);
    for (size_t i = 0; i < nwords; i++) {
        uint64_t r = test_rng(&seed);
        unsigned w = (unsigned)(r % 400);
        if (r >> 60 == 0)
            w %= 20;             /* a few words in most posts */
        if (i)
            buf_putc(b, i % 17 ? ' ' : '\n');
        buf_puts(b, syll[w % 20]);
        buf_puts(b, syll[w / 20]);
    }
}

/* Every key and value of every database, lengths and bytes, into out. */
static int dump_store(const char *dir, txt_buf *out)
{
    store *st;
    char err[512];
    if (store_open(&st, dir, STORE_RDONLY, err, sizeof err) != BS_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    MDB_txn *txn;
    buf_reset(out);
    int rc = store_txn_begin(st, MDB_RDONLY, &txn);
    MDB_dbi dbs[] = { st->meta, st->docs, st->texts, st->terms, st->paths, st->facets,
                      st->dates, st->lens, st->doctags, st->tagids };
    for (size_t i = 0; rc == BS_OK && i < sizeof dbs / sizeof dbs[0]; i++) {
        MDB_cursor *c;
        MDB_val k, v;
        if (mdb_cursor_open(txn, dbs[i], &c) != 0) {
            rc = -1;
            break;
        }
        buf_put_varint(out, i);
        while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0) {
            buf_put_str(out, k.mv_data, k.mv_size);
            buf_put_str(out, v.mv_data, v.mv_size);
        }
        mdb_cursor_close(c);
    }
    if (rc == BS_OK)
        mdb_txn_abort(txn);
    store_close(st);
    return rc == BS_OK && !out->err ? 0 : -1;
}

static size_t count_posts(const char *dir)
{
    store *st;
    char err[512];
    MDB_txn *txn;
    MDB_stat s = { 0 };
    if (store_open(&st, dir, STORE_RDONLY, err, sizeof err) != BS_OK)
        return (size_t)-1;
    if (store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK) {
        mdb_stat(txn, st->docs, &s);
        mdb_txn_abort(txn);
    }
    store_close(st);
    return s.ms_entries;
}

/* Applies ops [from, to) of row r to the index in dir. */
static int apply(const char *dir, size_t r, size_t from, size_t to, size_t mem_limit,
                 writer_summary *sum)
{
    writer_op ops[MAXOPS];
    txt_buf title[MAXOPS], body[MAXOPS];
    char paths[MAXOPS][32];
    size_t n = 0;
    for (size_t i = from; i < to; i++, n++) {
        const char *op = rows[r].ops[i];
        snprintf(paths[n], sizeof paths[n], "posts/%s.md", op + 1);
        memset(&ops[n], 0, sizeof ops[n]);
        ops[n].path = paths[n];
        ops[n].del = op[0] == '-';
        post_init(&ops[n].p);
        memset(&title[n], 0, sizeof title[n]);
        memset(&body[n], 0, sizeof body[n]);
        if (!ops[n].del) {
            make_text(&title[n], op + 1, (unsigned)i, 4);
            make_text(&body[n], op + 1, (unsigned)i + 100, 300);
            buf_put(&ops[n].p.title, title[n].p, title[n].len);
            buf_put(&ops[n].p.body, body[n].p, body[n].len);
            buf_puts(&ops[n].p.slug, op + 1);
            buf_put(&ops[n].p.tags, op + 1, 2);    /* "x" and its NUL: one tag */
            ops[n].p.ntags = 1;
        }
    }
    store *st;
    char err[1024];
    int rc = store_open(&st, dir, STORE_CREATE, err, sizeof err);
    if (rc == BS_OK) {
        writer_opts o = { .max_file_bytes = UINT64_MAX, .mem_limit = mem_limit };
        rc = writer_apply(st, ops, n, &o, sum, err, sizeof err);
        store_close(st);
    }
    if (rc != BS_OK)
        fprintf(stderr, "%s: %s\n", dir, err);
    for (size_t i = 0; i < n; i++) {
        post_free(&ops[i].p);
        buf_free(&title[i]);
        buf_free(&body[i]);
    }
    return rc;
}

int main(void)
{
    char tmpl[] = "/tmp/bs-test-spill.XXXXXX";
    char *dir = mkdtemp(tmpl);
    CHECK(dir != NULL, "mkdtemp");
    if (!dir)
        return test_report("test_spill");
    char one[256], spilled[256];
    txt_buf a = { 0 }, b = { 0 };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        snprintf(one, sizeof one, "%s/one%zu", dir, r);
        snprintf(spilled, sizeof spilled, "%s/spilled%zu", dir, r);
        size_t from = 0, batch = 0, nspills = 0;
        while (from < MAXOPS && rows[r].ops[from]) {
            size_t to = from;
            while (to < MAXOPS && rows[r].ops[to] && strcmp(rows[r].ops[to], "|") != 0)
                to++;
            writer_summary s1, s2;
            int rc1 = apply(one, r, from, to, (size_t)1 << 30, &s1);
            int rc2 = apply(spilled, r, from, to, 4096, &s2);
            CHECK_AT(__FILE__, rows[r].line, rc1 == BS_OK && rc2 == BS_OK,
                     "row %zu batch %zu: %d, %d", r, batch, rc1, rc2);
            CHECK_AT(__FILE__, rows[r].line, s1.spills == 0, "row %zu batch %zu: one write "
                     "spilled %zu runs", r, batch, s1.spills);
            nspills += s2.spills;
            CHECK_AT(__FILE__, rows[r].line, dump_store(one, &a) == 0
                     && dump_store(spilled, &b) == 0 && a.len > 0 && a.len == b.len
                     && memcmp(a.p, b.p, a.len) == 0,
                     "row %zu batch %zu: the indexes differ (%zu and %zu bytes of keys "
                     "and values)", r, batch, a.len, b.len);
            from = to < MAXOPS && rows[r].ops[to] ? to + 1 : to;
            batch++;
        }
        CHECK_AT(__FILE__, rows[r].line, nspills >= 2, "row %zu: %zu spills, want some", r,
                 nspills);
        size_t posts = count_posts(spilled);
        CHECK_AT(__FILE__, rows[r].line, posts == rows[r].posts, "row %zu: %zu posts, want %zu",
                 r, posts, rows[r].posts);
    }
    buf_free(&a);
    buf_free(&b);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_spill");
}
