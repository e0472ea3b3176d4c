/* test_terms.c: the document frequency of a term read from a few of its
 * blocks (store_term_df_est). Terms of known blocks are written straight
 * into a scratch index's term table, beside terms that share their first
 * bytes and at its two ends; for each row the estimate must be exact when
 * the blocks read are all of them (and equal store_term_df), and near the
 * truth, never read past, when they are not; and the table walked term
 * after term (store_term_df_on). Rows carry their __LINE__. */
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "test.h"

/* A term and its blocks: block i holds count[i] posts from first[i], one
 * every step[i] docids. */
typedef struct {
    const char *term;
    size_t nblocks;
    uint32_t first[8], count[8], step[8];
} term_blocks;

static const term_blocks table[] = {
    { "а", 3, { 1, 200, 400 }, { 100, 100, 100 }, { 2, 2, 2 } },        /* the table's first */
    { "док", 2, { 1, 500 }, { 128, 10 }, { 3, 1 } },
    { "докер", 1, { 5 }, { 40 }, { 7 } },
    { "докерфайл", 6, { 1, 101, 201, 301, 401, 501 }, { 100, 100, 100, 100, 100, 50 },
      { 1, 1, 1, 1, 1, 1 } },                                          /* evenly: estimated right */
    { "сеть", 5, { 1, 11, 1001, 2001, 3001 }, { 10, 20, 20, 20, 5 }, { 1, 10, 1, 1, 1 } },
    { "яя", 4, { 10, 20, 30, 40 }, { 5, 5, 5, 5 }, { 2, 2, 2, 2 } },       /* the table's last */
};
#define NTERMS (sizeof table / sizeof table[0])

static uint64_t true_df(const char *term)
{
    uint64_t n = 0;
    for (size_t i = 0; i < NTERMS; i++)
        if (strcmp(table[i].term, term) == 0)
            for (size_t b = 0; b < table[i].nblocks; b++)
                n += table[i].count[b];
    return n;
}

static void write_terms(store *st)
{
    MDB_txn *txn;
    CHECK(store_txn_begin(st, 0, &txn) == BS_OK, "write txn");
    txt_buf k = { 0 }, v = { 0 };
    for (size_t i = 0; i < NTERMS; i++)
        for (size_t b = 0; b < table[i].nblocks; b++) {
            plist l = { 0 };
            uint32_t tf[BS_NFIELDS] = { 0, 0, 0, 1 }, pos[1] = { 0 };
            for (uint32_t p = 0; p < table[i].count[b]; p++)
                plist_add(&l, table[i].first[b] + p * table[i].step[b], tf, pos);
            key_term(&k, table[i].term, strlen(table[i].term), table[i].first[b]);
            codec_block_encode(&l, 0, l.n, &v);
            MDB_val mk = { k.len, k.p }, mv = { v.len, v.p };
            CHECK(mdb_put(txn, st->terms, &mk, &mv, 0) == 0, "put %s block %zu",
                  table[i].term, b);
            plist_free(&l);
        }
    CHECK(mdb_txn_commit(txn) == 0, "commit");
    buf_free(&k);
    buf_free(&v);
}

static const struct {
    int line;
    const char *term;
    size_t max_blocks;
    int exact;                /* the estimate is the count */
    double within;            /* else: at most this far from it, a share */
} rows[] = {
#define R(term, max, exact, within) { __LINE__, term, max, exact, within }
    R("а", 0, 1, 0),              /* 0: every block */
    R("а", 1, 0, 0.01),           /* the middle block estimated: 301 of 300 */
    R("а", 2, 1, 0),              /* two read, the next is the last: all counted */
    R("а", 5, 1, 0),
    R("док", 1, 1, 0),            /* two blocks; докер after it is not its */
    R("докер", 1, 1, 0),          /* one block, between two terms it begins and ends */
    R("докерфайл", 1, 0, 0.001),  /* evenly spread: the estimate is right */
    R("докерфайл", 3, 0, 0.001),
    R("докерфайл", 5, 1, 0),
    R("сеть", 1, 0, 40.0),        /* dense first, sparse after: 3005 for 75, the */
                                  /* estimate's weakness (a ranking's, never a count shown) */
    R("сеть", 2, 0, 1.0),
    R("сеть", 4, 1, 0),
    R("яя", 1, 0, 0.001),         /* the table's last term: its last block is the last key */
    R("яя", 3, 1, 0),
    R("до", 1, 1, 0),             /* no such term: 0, exact */
    R("докеры", 4, 1, 0),
    R("ящик", 1, 1, 0),           /* past the last term */
#undef R
};

/* fn(st, txn, cur, kb) in a read transaction with a cursor on the terms */
static void with_cursor(store *st, void (*fn)(store *, MDB_txn *, MDB_cursor *, txt_buf *))
{
    MDB_txn *txn;
    MDB_cursor *cur;
    txt_buf kb = { 0 };
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read txn");
    CHECK(mdb_cursor_open(txn, st->terms, &cur) == 0, "cursor");
    fn(st, txn, cur, &kb);
    buf_free(&kb);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
}

static void test_estimates(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *t = rows[i].term;
        uint64_t est = 0, df = 0;
        int exact = -1;
        int rc = store_term_df_est(st, cur, kb, t, strlen(t), rows[i].max_blocks, &est, &exact);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK, "row %zu %s: status %d: %s", i, t, rc,
                 store_err());
        CHECK_AT(__FILE__, rows[i].line, store_term_df(st, txn, cur, kb, t, strlen(t), &df)
                 == BS_OK && df == true_df(t), "row %zu %s: store_term_df %llu, true %llu", i,
                 t, (unsigned long long)df, (unsigned long long)true_df(t));
        CHECK_AT(__FILE__, rows[i].line, exact == rows[i].exact, "row %zu %s max %zu: exact %d, "
                 "want %d", i, t, rows[i].max_blocks, exact, rows[i].exact);
        if (rows[i].exact)
            CHECK_AT(__FILE__, rows[i].line, est == df, "row %zu %s max %zu: %llu, want %llu",
                     i, t, rows[i].max_blocks, (unsigned long long)est, (unsigned long long)df);
        else
            CHECK_AT(__FILE__, rows[i].line, df && fabs((double)est - (double)df)
                     <= rows[i].within * (double)df, "row %zu %s max %zu: %llu, true %llu",
                     i, t, rows[i].max_blocks, (unsigned long long)est, (unsigned long long)df);
    }
}

/* store_term_bits: each term's docids as bits, those past the words given
 * left out (the words after them untouched). */
static void test_bits(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb)
{
    (void)txn;
    static const uint64_t widths[] = { 64, 5, 1 };
    for (size_t i = 0; i < NTERMS; i++)
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            uint64_t got[65], want[65] = { 0 };
            memset(got, 0, sizeof got);
            got[widths[w]] = want[widths[w]] = 0x5a5a;   /* past the words: untouched */
            for (size_t b = 0; b < table[i].nblocks; b++)
                for (uint32_t p = 0; p < table[i].count[b]; p++) {
                    uint32_t d = table[i].first[b] + p * table[i].step[b];
                    if (d / 64 < widths[w])
                        want[d / 64] |= 1ull << (d % 64);
                }
            const char *t = table[i].term;
            CHECK(store_term_bits(st, cur, kb, t, strlen(t), got, widths[w]) == BS_OK
                  && memcmp(got, want, sizeof got) == 0, "%s in %llu words: other bits", t,
                  (unsigned long long)widths[w]);
        }
    uint64_t none = 0;
    CHECK(store_term_bits(st, cur, kb, "докерх", strlen("докерх"), &none, 1) == BS_OK
          && none == 0, "a term not in the table sets no bit");
}

/* The whole table walked with store_term_df_on, term after term from the
 * first: each of the table's terms in order, with its count, for a few
 * blocks read each and for all. */
static void test_walk(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb)
{
    (void)txn;
    static const size_t maxes[] = { 0, 1, 2, 3 };
    for (size_t m = 0; m < sizeof maxes / sizeof maxes[0]; m++) {
        const char *t;
        size_t tl, i = 0;
        int rc = store_term_next(st, cur, "", 0, &t, &tl);
        for (; rc == BS_OK && i < NTERMS; i++) {
            char term[64];
            snprintf(term, sizeof term, "%.*s", (int)tl, t);
            uint64_t df;
            int exact;
            CHECK(strcmp(term, table[i].term) == 0, "max %zu: term %zu is %s, want %s",
                  maxes[m], i, term, table[i].term);
            rc = store_term_df_on(st, cur, kb, term, tl, maxes[m], &df, &exact, &t, &tl);
            CHECK(rc == BS_OK || rc == BS_ENOTFOUND, "max %zu %s: status %d", maxes[m], term, rc);
            CHECK(!exact || df == true_df(term), "max %zu %s: %llu, want %llu", maxes[m], term,
                  (unsigned long long)df, (unsigned long long)true_df(term));
            CHECK(exact == (maxes[m] == 0 || table[i].nblocks <= maxes[m] + 1),
                  "max %zu %s: exact %d", maxes[m], term, exact);
        }
        CHECK(i == NTERMS && rc == BS_ENOTFOUND, "max %zu: %zu terms walked, then %d",
              maxes[m], i, rc);
    }
}

int main(void)
{
    char dir[] = "/tmp/bs-test-terms-XXXXXX", ix[256], err[1024];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(ix, sizeof ix, "%s/ix", dir);
    store *st = NULL;
    CHECK(store_open(&st, ix, STORE_CREATE, err, sizeof err) == BS_OK, "create: %s", err);
    if (st) {
        write_terms(st);
        with_cursor(st, test_estimates);
    with_cursor(st, test_bits);
        with_cursor(st, test_walk);
        store_close(st);
    }
    test_rmtree(dir);
    return test_report("test_terms");
}
