/* test_fuzzy.c: the typo candidates of fuzzy.c. The distance against a table;
 * the walk over the term table against the obvious slow way (every term of the
 * index compared with the word) on a vocabulary dense with near words, for
 * words typed right, with one and two edits, and words nothing is near; the
 * ranking (a neighbouring key, two letters swapped or a letter doubled before
 * another edit, the more frequent of equals first) against a table. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "query/query.h"
#include "test.h"

static an_analyzer *an;
static store *st;
static char err[1024];

static const struct {
    const char *a, *b;
    int maxd, want;
} dist_cases[] = {
    { "docker", "docker", 2, 0 },
    { "dokcer", "docker", 2, 1 },          /* two letters swapped: one edit */
    { "docekr", "docker", 2, 1 },
    { "docker", "dockr", 2, 1 },
    { "docker", "dockerr", 2, 1 },
    { "docker", "dacker", 2, 1 },
    { "docker", "dackr", 2, 2 },
    { "docker", "kcodre", 2, 3 },          /* more than maxd: maxd + 1 */
    { "ab", "ba", 1, 1 },
    { "ca", "abc", 3, 3 },                 /* OSA, not unrestricted Damerau */
    { "виртуализация", "виртуализацыя", 2, 1 },   /* code points, not bytes */
    { "виртуализация", "виртулизацыя", 2, 2 },
    { "ёлка", "елка", 2, 1 },
    { "кот", "кто", 1, 1 },
    { "", "abc", 3, 3 },
    { "", "", 0, 0 },
    { "abcdef", "a", 2, 3 },
    { "systemd", "systemdd", 1, 1 },
    { "ж", "z", 1, 1 },
};

/* The vocabulary: words the ranking table asks of, and words over a small
 * alphabet in each script, near each other in every way. */
static const char *const named[] = {
    "docker", "dacker", "docket", "systemd", "kubernetes", "виртуализация", "виртуальный",
    "контейнер", "контейнеры", "ansible", "fedora", "dedora", "ubuntu", "сервер", "сервис",
    "python", "pithon", "линукс",
};

static uint64_t seed = 0x9e3779b97f4a7c15u;
static unsigned rnd(unsigned n)
{
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return (unsigned)(seed % n);
}

static const char *const lat[] = { "a", "b", "o", "k", "r", "t" };
static const char *const cyr[] = { "а", "б", "о", "к", "р", "т" };

static void random_word(char *out, size_t cap, int cyrillic, int len)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < len; i++) {
        const char *l = cyrillic ? cyr[rnd(6)] : lat[rnd(6)];
        if (n + strlen(l) + 1 >= cap)
            break;
        strcpy(out + n, l);
        n += strlen(l);
    }
}

#define NRANDOM 3000
static char words[NRANDOM][64];

static void build(void)
{
    writer_op ops[64];
    size_t nops = 0;
    char paths[64][32];
    int batch = 0;
    writer_opts wo = { .max_file_bytes = 1 << 20, .mem_limit = 1 << 22 };
    writer_summary sum;
    for (int i = 0; i < NRANDOM; i++)
        random_word(words[i], sizeof words[i], i % 2, 4 + rnd(8));
    size_t posts = (NRANDOM + 49) / 50 + 1;
    for (size_t p = 0; p < posts; p++) {
        writer_op *op = &ops[nops];
        snprintf(paths[nops], sizeof paths[nops], "/v/p%zu.md", p);
        op->path = paths[nops];
        op->del = 0;
        post_init(&op->p);
        buf_puts(&op->p.title, "Words");
        if (p == posts - 1) {
            /* the named words; docker in more posts than dacker (below) */
            for (size_t w = 0; w < sizeof named / sizeof *named; w++) {
                buf_puts(&op->p.body, named[w]);
                buf_putc(&op->p.body, ' ');
            }
        } else {
            for (size_t w = p * 50; w < (p + 1) * 50 && w < NRANDOM; w++) {
                buf_puts(&op->p.body, words[w]);
                buf_putc(&op->p.body, ' ');
            }
            if (p % 3 == 0)
                buf_puts(&op->p.body, " docker fedora");
        }
        if (++nops == 64 || p == posts - 1) {
            CHECK(writer_apply(st, ops, nops, &wo, &sum, err, sizeof err) == BS_OK,
                  "batch %d: %s", batch, err);
            for (size_t i = 0; i < nops; i++)
                post_free(&ops[i].p);
            nops = 0;
            batch++;
        }
    }
}

typedef struct {
    char stem[NORM_MAX_BYTES + 1], norm[NORM_MAX_BYTES + 1];
    int n;
} one;

static int first_token(const an_token *t, void *ctx)
{
    one *o = ctx;
    if (o->n++ == 0) {
        memcpy(o->stem, t->term, t->term_len);
        o->stem[t->term_len] = '\0';
        memcpy(o->norm, t->norm, t->norm_len);
        o->norm[t->norm_len] = '\0';
    }
    return 0;
}

static int analyze(const char *word, one *o)
{
    uint32_t pos = 0;
    memset(o, 0, sizeof *o);
    an_analyze(an, word, strlen(word), &pos, first_token, o);
    return o->n == 1;
}

static int cps(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int first_cp_len(const char *s)
{
    int n = 1;
    while (s[n] && ((unsigned char)s[n] & 0xc0) == 0x80)
        n++;
    return n;
}

/* Whether term is within the limit of one form of the word, as fuzzy.c's
 * contract says: 1 edit for 4 to 6 letters, 2 from 7 with the first letter
 * kept (else 1), none below 4. */
static int near_form(const char *form, const char *term, size_t tlen)
{
    int m = cps(form);
    if (m < 4)
        return 0;
    int d = fuzzy_distance(form, strlen(form), term, tlen, 2);
    if (d <= 1)
        return 1;
    size_t f = (size_t)first_cp_len(form);
    return m >= 7 && d == 2 && tlen >= f && memcmp(form, term, f) == 0;
}

/* The slow way: every term of the index, near the stem, or near the word
 * as written when no term is one edit from the stem. */
static size_t brute(const one *o, char found[][64], size_t cap)
{
    MDB_txn *txn;
    MDB_cursor *cur;
    size_t n = 0;
    static int by_norm[256];    /* found[i] is near the written form only */
    int stem_near = 0;          /* a term one edit from the stem */
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read txn");
    CHECK(mdb_cursor_open(txn, st->terms, &cur) == 0, "cursor");
    const char *t;
    size_t tl;
    char from[NORM_MAX_BYTES + 2] = "";
    size_t flen = 0;
    while (store_term_next(st, cur, from, flen, &t, &tl) == BS_OK) {
        int own = (tl == strlen(o->stem) && !memcmp(t, o->stem, tl))
                  || (tl == strlen(o->norm) && !memcmp(t, o->norm, tl));
        int by_stem = !own && near_form(o->stem, t, tl);
        stem_near |= by_stem && fuzzy_distance(o->stem, strlen(o->stem), t, tl, 2) <= 1;
        if (!own && (by_stem || near_form(o->norm, t, tl)) && n < cap && n < 256 && tl < 64) {
            memcpy(found[n], t, tl);
            found[n][tl] = '\0';
            by_norm[n++] = !by_stem;
        }
        if (tl + 1 >= sizeof from)
            break;
        memcpy(from, t, tl);
        from[tl] = '\1';
        flen = tl + 1;
    }
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!(stem_near && by_norm[i]))
            memmove(found[k++], found[i], sizeof found[0]);
    return k;
}

static void check_walk(const char *word)
{
    one o;
    if (!analyze(word, &o))
        return;
    static char want[256][64];
    size_t nw = brute(&o, want, 256);
    MDB_txn *txn;
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read txn");
    typo_cand *v = NULL;
    size_t n = 0;
    int rc = typo_candidates(st, txn, o.stem, strlen(o.stem), o.norm, strlen(o.norm), 1000, &v,
                             &n, err, sizeof err);
    CHECK(rc == BS_OK, "%s: typo_candidates: %s", word, err);
    /* at most 64 are kept, the cheapest: then each found is one of the slow
     * way's, and all of them when there are fewer */
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < nw && strcmp(want[j], v[i].term) != 0)
            j++;
        CHECK(j < nw, "%s (stem %s): the walk finds %s, which is not near", word, o.stem,
              v[i].term);
        CHECK(v[i].df > 0 && v[i].len == strlen(v[i].term), "%s: %s has df %llu", word,
              v[i].term, (unsigned long long)v[i].df);
        CHECK(i == 0 || v[i - 1].cost <= v[i].cost, "%s: cheapest first", word);
    }
    if (nw <= 64)
        CHECK(n == nw, "%s (stem %s, norm %s): the walk finds %zu, the slow way %zu", word,
              o.stem, o.norm, n, nw);
    else
        CHECK(n == 64, "%s: %zu near, %zu kept", word, nw, n);
    typo_candidates_free(v, n);
    mdb_txn_abort(txn);
}

/* One edit of w at random (into out): a letter changed, left out, added or
 * two swapped. */
static void mistype(const char *w, char *out, size_t cap, int cyrillic)
{
    char cpy[64][5];
    int n = 0;
    for (const char *p = w; *p && n < 60;) {
        int l = first_cp_len(p);
        memcpy(cpy[n], p, (size_t)l);
        cpy[n++][l] = '\0';
        p += l;
    }
    int at = (int)rnd((unsigned)n), kind = (int)rnd(4);
    const char *l = cyrillic ? cyr[rnd(6)] : lat[rnd(6)];
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i == at && kind == 2)
            strncat(out, l, cap - strlen(out) - 1);
        if (i == at && kind == 0) {
            strncat(out, l, cap - strlen(out) - 1);
            continue;
        }
        if (i == at && kind == 1)
            continue;
        if (i == at && kind == 3 && i + 1 < n) {
            strncat(out, cpy[i + 1], cap - strlen(out) - 1);
            strncat(out, cpy[i], cap - strlen(out) - 1);
            i++;
            continue;
        }
        strncat(out, cpy[i], cap - strlen(out) - 1);
    }
}

static const struct {
    const char *typed, *first;   /* the cheapest candidate's term, or "" for none */
} rank_cases[] = {
    { "dpcker", "docker" },        /* p is beside o; dacker is as near but not by a key */
    { "dokcer", "docker" },        /* swapped */
    { "dockker", "docker" },       /* a letter doubled */
    { "systemdd", "systemd" },
    { "kuberntes", "kubernet" },
    { "виртуализацыя", "виртуализац" },
    { "сервир", "сервер" },        /* е and и sound alike */
    { "fedpra", "fedora" },        /* fedora in more posts than dedora */
    { "pytohn", "python" },
    { "zzzzzz", "" },
    { "doc", "" },                 /* under 4 letters: none */
};

int main(void)
{
    for (size_t i = 0; i < sizeof dist_cases / sizeof *dist_cases; i++) {
        int d = fuzzy_distance(dist_cases[i].a, strlen(dist_cases[i].a), dist_cases[i].b,
                               strlen(dist_cases[i].b), dist_cases[i].maxd);
        CHECK(d == dist_cases[i].want, "distance(%s, %s, %d) = %d, want %d", dist_cases[i].a,
              dist_cases[i].b, dist_cases[i].maxd, d, dist_cases[i].want);
    }

    char dir[] = "/tmp/bs-test-fuzzy-XXXXXX", ix[300];
    if (!mkdtemp(dir) || an_new(&an, 0) != 0)
        return 1;
    snprintf(ix, sizeof ix, "%s/ix", dir);
    CHECK(store_open(&st, ix, STORE_CREATE, err, sizeof err) == BS_OK, "create: %s", err);
    if (!st)
        return test_report("test_fuzzy");
    build();

    /* the walk is the slow way, for words as typed and mistyped */
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        check_walk(named[i]);
    for (int i = 0; i < 400; i++) {
        char typed[256];
        int w = (int)rnd(NRANDOM);
        if (i % 4 == 0) {
            random_word(typed, sizeof typed, w % 2, 4 + (int)rnd(10));
        } else {
            mistype(words[w], typed, sizeof typed, w % 2);
            if (i % 4 == 3) {
                char twice[256];
                mistype(typed, twice, sizeof twice, w % 2);
                strcpy(typed, twice);
            }
        }
        check_walk(typed);
    }

    /* the ranking */
    MDB_txn *txn;
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read txn");
    for (size_t i = 0; i < sizeof rank_cases / sizeof *rank_cases; i++) {
        one o;
        CHECK(analyze(rank_cases[i].typed, &o), "%s is one word", rank_cases[i].typed);
        typo_cand *v = NULL;
        size_t n = 0;
        CHECK(typo_candidates(st, txn, o.stem, strlen(o.stem), o.norm, strlen(o.norm), 8, &v,
                              &n, err, sizeof err) == BS_OK, "%s: %s", rank_cases[i].typed, err);
        const char *got = n ? v[0].term : "";
        CHECK(strcmp(got, rank_cases[i].first) == 0, "%s: first candidate %s, want %s",
              rank_cases[i].typed, got, rank_cases[i].first);
        CHECK(n <= 8, "%s: %zu candidates for k 8", rank_cases[i].typed, n);
        typo_candidates_free(v, n);
    }
    mdb_txn_abort(txn);

    store_close(st);
    an_free(an);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "test_fuzzy: could not remove %s\n", dir);
    return test_report("test_fuzzy");
}
