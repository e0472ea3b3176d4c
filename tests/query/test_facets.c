/* test_facets.c: the tag facets of search_run against a slow, obvious model.
 * About 800 posts are written from memory by writer_apply in three batches:
 * adds over more than ten 64-post chunks; then deletions, replacements (some
 * losing every tag, some twice in one batch) and tags never seen before; then
 * more of both by a writer that flushes after every post. The model keeps
 * what each path holds now (its body words and tag spellings). For each query
 * (every word alone, pairs with any and with all words, tag filters with and
 * without words, a word no post has) the model finds the matching posts,
 * folds their tags with key_facet (a post counts once per folded tag, a tag
 * folding to nothing is no facet), sorts by count, then by bytes, and cuts to
 * max. The engine must find the same posts and give the same facets for max
 * 1, 3, 10 and 1000, sorted by relevance or date, on any page, counted in
 * the searching thread or in a second one beside the merge; and the pages
 * with snippets made in one thread or two are the same. */
#include <stdint.h>
#include <stdlib.h>

#include "indexer/indexer.h"
#include "batch.h"
#include "query/query.h"
#include "test.h"

/* body words; the last is in no post */
static const char *const words[] = { "alpha", "bravo", "delta", "echo", "golf", "hotel",
                                     "kilo", "lima", "oscar", "papa", "sierra", "zulu",
                                     "xylophone" };
#define NWORDS 12
#define NOWORD (1u << NWORDS)

/* tag spellings: case, ё/е, NFC, ß and final sigma variants of one tag, an
 * empty tag (no facet), prefixes of others (go/golang, c/café, еж/ежик);
 * those from NEW on are first written by the second batch */
static const char *const pool[] = {
    "Docker", "docker", "DOCKER", "Ёлка", "ёлка", "елка", "ЕЛКА", "linux", "Linux", "LINUX",
    "kvm", "KVM", "btrfs", "Btrfs", "podman", "Podman", "qemu", "QEMU", "fedora", "Fedora",
    "debian", "nginx", "NGINX", "Ёжик", "ежик", "café", "cafe\xcc\x81", "CAFÉ", "Straße",
    "STRASSE", "go", "Go", "golang", "c", "C", "rust", "Σίσυφος", "ΣΊΣΥΦΟΣ", "zfs", "",
    "wasm", "WASM", "Ёж", "haiku", "Haiku", "plan9",
};
#define NPOOL (sizeof pool / sizeof pool[0])
#define NEW 40

static int fid[NPOOL];            /* each spelling's facet, -1 for none */
static char *fold[NPOOL];         /* each facet's folded tag, without the kind byte */
static size_t fold_len[NPOOL], nfold;

/* The facet of a tag as typed: an index into fold, -1 when it folds to
 * nothing; a new one is added with add set, else it is -2. */
static int fold_tag(const char *tag, int add)
{
    txt_buf kb = { 0 };
    key_facet(&kb, FACET_TAG, tag, strlen(tag));
    int f = kb.len < 2 ? -1 : -2;
    for (size_t i = 0; f == -2 && i < nfold; i++)
        if (fold_len[i] == kb.len - 1 && memcmp(fold[i], kb.p + 1, kb.len - 1) == 0)
            f = (int)i;
    if (f == -2 && add) {
        fold[nfold] = malloc(kb.len);
        memcpy(fold[nfold], kb.p + 1, kb.len - 1);
        fold_len[nfold] = kb.len - 1;
        f = (int)nfold++;
    }
    buf_free(&kb);
    return f;
}

#define NPATHS 800
/* what each path holds now: bit w of words for words[w] in the body, and
 * ntags tags as indexes into pool, repeats allowed */
typedef struct { int alive, ntags, tag[8]; unsigned words; } mpost;
static mpost model[NPATHS];
static char paths[NPATHS][24];

static uint64_t rng = 88172645463325252ull;
static unsigned rnd(unsigned n)
{
    return batch_rnd(&rng, n);
}

static store *st;
static an_analyzer *an;
static char err[1024];
static writer_op ops[NPATHS];
static post_batch pending = { ops, 0, NPATHS };

/* Adds or replaces the post of path i: tags drawn from the first npool
 * spellings, none with notags. */
static void op_put(size_t i, unsigned npool, int notags)
{
    mpost *m = &model[i];
    m->alive = 1;
    m->words = 0;
    for (unsigned w = 0; w < NWORDS; w++)           /* word w with odds (w + 1) / 16 */
        m->words |= (rnd(16) <= w) << w;
    if (!m->words)
        m->words = 1u << rnd(NWORDS);
    m->ntags = notags ? 0 : (int)rnd(7);
    for (int t = 0; t < m->ntags; t++)
        m->tag[t] = t && rnd(5) == 0 ? m->tag[t - 1] : (int)rnd(npool);
    writer_op *op = batch_op(&pending, paths[i], 0);
    buf_puts(&op->p.title, "Note");
    for (unsigned w = 0; w < NWORDS; w++)
        if (m->words >> w & 1) {
            buf_puts(&op->p.body, words[w]);
            buf_putc(&op->p.body, ' ');
        }
    for (int t = 0; t < m->ntags; t++)
        buf_put(&op->p.tags, pool[m->tag[t]], strlen(pool[m->tag[t]]) + 1);
    op->p.ntags = (size_t)m->ntags;
    op->p.has_date = rnd(8) != 0;
    op->p.date = op->p.has_date ? 1400000000 + (int64_t)rnd(300000000) : 0;
}

static void op_del(size_t i)
{
    model[i].alive = 0;
    batch_op(&pending, paths[i], 1);
}

/* A path alive in the model, among the first n. */
static size_t pick_alive(size_t n)
{
    size_t i;
    while (!model[i = rnd((unsigned)n)].alive)
        ;
    return i;
}

/* a query: bits of words[], MATCH_*, tag filters */
typedef struct { unsigned words; int match; const char *tags[2]; size_t ntags; } qcase;

/* The posts of the model that c matches; returns how many. */
static size_t model_match(const qcase *c, unsigned char *match)
{
    int f[2] = { c->ntags > 0 ? fold_tag(c->tags[0], 0) : 0,
                 c->ntags > 1 ? fold_tag(c->tags[1], 0) : 0 };
    size_t n = 0;
    for (size_t i = 0; i < NPATHS; i++) {
        const mpost *m = &model[i];
        int ok = m->alive;
        if (ok && c->words)
            ok = c->match == MATCH_ALL ? (m->words & c->words) == c->words
                                       : (m->words & c->words) != 0;
        for (size_t t = 0; ok && t < c->ntags; t++) {
            int has = 0;
            for (int k = 0; k < m->ntags; k++)
                has |= f[t] >= 0 && fid[m->tag[k]] == f[t];
            ok = has;
        }
        match[i] = (unsigned char)ok;
        n += (size_t)ok;
    }
    return n;
}

typedef struct { int f; uint64_t count; } want_facet;   /* fold[f] and its posts */

static int by_want(const void *a, const void *b)
{
    const want_facet *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    size_t n = fold_len[x->f] < fold_len[y->f] ? fold_len[x->f] : fold_len[y->f];
    int c = memcmp(fold[x->f], fold[y->f], n);
    return c ? c : (fold_len[x->f] > fold_len[y->f]) - (fold_len[x->f] < fold_len[y->f]);
}

/* Every facet of the matching posts, most posts first, then by bytes. */
static size_t model_facets(const unsigned char *match, want_facet *out)
{
    uint64_t cnt[NPOOL] = { 0 };
    for (size_t i = 0; i < NPATHS; i++) {
        unsigned char seen[NPOOL] = { 0 };
        for (int k = 0; match[i] && k < model[i].ntags; k++) {
            int f = fid[model[i].tag[k]];
            if (f >= 0 && !seen[f]++)
                cnt[f]++;
        }
    }
    size_t n = 0;
    for (size_t f = 0; f < nfold; f++)
        if (cnt[f])
            out[n++] = (want_facet){ (int)f, cnt[f] };
    qsort(out, n, sizeof *out, by_want);
    return n;
}

static void check_facets(const results *r, const want_facet *want, size_t nwant, size_t max,
                         const char *label)
{
    size_t keep = nwant < max ? nwant : max;
    CHECK(r->nfacets == keep, "%s: %zu facets, the model %zu", label, r->nfacets, keep);
    for (size_t i = 0; i < r->nfacets && i < keep; i++) {
        const facet *g = &r->facets[i];
        int f = want[i].f;
        CHECK(g->len == fold_len[f] && memcmp(g->tag, fold[f], g->len) == 0
              && g->count == want[i].count, "%s: facet %zu is \"%.*s\" %llu, the model's "
              "\"%.*s\" %llu", label, i + 1, (int)g->len, g->tag, (unsigned long long)g->count,
              (int)fold_len[f], fold[f], (unsigned long long)want[i].count);
    }
}

/* The engine's hits are exactly the posts the model matches, each once. */
static void check_hits(MDB_txn *txn, const results *r, const unsigned char *match,
                       const char *label)
{
    unsigned char seen[NPATHS] = { 0 };
    size_t bad = 0;
    for (size_t h = 0; h < r->n; h++) {
        doc_record d;
        if (page_doc(st, txn, r->hits[h].docid, &d, err, sizeof err) != BS_OK) {
            bad++;
            continue;
        }
        size_t i = NPATHS;
        if (d.path_len == 14 && memcmp(d.path, "/blog/p", 7) == 0)
            i = (size_t)strtoul(d.path + 7, NULL, 10);   /* four digits, then ".md" */
        bad += i >= NPATHS || !match[i] || seen[i]++;
        codec_doc_free(&d);
    }
    CHECK(bad == 0, "%s: %zu of %zu hits are not the model's posts", label, bad, r->n);
}

/* The page of r made with the snippets in one thread and in two: the same
 * JSON, every snippet highlighting words. */
static void check_page(MDB_txn *txn, const results *r, const search_opts *so, const char *text,
                       const char *label)
{
    txt_buf json[2] = { { 0 } };
    for (int par = 0; par < 2; par++) {
        view *v = view_new();
        page_opts po = { .query = text, .query_len = strlen(text), .snippet_chars = 60,
                         .parallel = par };
        int prc;
        vnode *root = v ? page_build(v, st, txn, an, r, so, &po, &prc, err, sizeof err) : NULL;
        CHECK(root && view_json(&json[par], root, 0) == 0, "%s: page %d: %s", label, par, err);
        const vnode *list = root ? vn_get(root, "results") : NULL;
        for (size_t i = 0; list && i < vn_len(list) && r->nhl; i++) {
            const vnode *hl = vn_get(vn_get(vn_at(list, i), "snippet"), "highlights");
            CHECK(hl && vn_len(hl) > 0, "%s: page %d: post %zu has no highlight", label, par, i);
        }
        view_free(v);
    }
    CHECK(json[0].p && json[1].p && strcmp(json[0].p, json[1].p) == 0,
          "%s: the page differs with its snippets made in two threads", label);
    buf_free(&json[0]);
    buf_free(&json[1]);
}

static void check_query(int batch, const qcase *c)
{
    unsigned char match[NPATHS];
    want_facet want[NPOOL];
    size_t nmatch = model_match(c, match), nwant = model_facets(match, want);
    char text[128] = "", label[300];
    for (unsigned w = 0; w <= NWORDS; w++)
        if (c->words >> w & 1)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s%s",
                     text[0] ? " " : "", words[w]);
    qry q;
    qry_filters fl = { .tags = c->tags, .ntags = c->ntags };
    int rc = qparse_with(&q, an, text, &fl, err, sizeof err);
    CHECK(rc == BS_OK, "parse \"%s\": %s", text, err);
    if (rc != BS_OK)
        return;
    MDB_txn *txn;
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == 0, "a read transaction");
    /* every match shown, for each max; then pages of each sort */
    static const size_t maxes[] = { 1, 3, 10, 1000 };
    static const size_t pages[][2] = { { 0, 0 }, { 0, 1 }, { 3, 2 }, { 0, 5 }, { 2000, 5 } };
    for (size_t k = 0; k < 4 + 2 * 5; k++) {
        /* every other run counts the facets in a thread beside the merge */
        search_opts so = { .sort = SORT_RELEVANCE, .match = c->match, .limit = NPATHS,
                           .facets = k < 4 ? maxes[k] : 10, .parallel = (int)(k % 2) };
        if (k >= 4) {
            so.sort = (k - 4) / 5 ? SORT_DATE : SORT_RELEVANCE;
            so.offset = pages[(k - 4) % 5][0];
            so.limit = pages[(k - 4) % 5][1];
        }
        snprintf(label, sizeof label, "batch %d \"%s\" tags [%s%s%s] match %d max %zu sort %d "
                 "offset %zu limit %zu parallel %d", batch, text, c->ntags ? c->tags[0] : "",
                 c->ntags > 1 ? ", " : "", c->ntags > 1 ? c->tags[1] : "", c->match, so.facets,
                 so.sort, so.offset, so.limit, so.parallel);
        results r;
        rc = search_run(st, txn, &q, &so, &r, err, sizeof err);
        CHECK(rc == BS_OK, "%s: %s", label, err);
        if (rc != BS_OK)
            continue;
        size_t shown = so.offset < nmatch ? nmatch - so.offset : 0;
        shown = shown < so.limit ? shown : so.limit;
        CHECK(r.n == shown, "%s: %zu shown, the model %zu", label, r.n, shown);
        CHECK(r.total == nmatch, "%s: %llu posts, the model %zu", label,
              (unsigned long long)r.total, nmatch);
        if (k == 3)         /* every match listed: which they are */
            check_hits(txn, &r, match, label);
        check_facets(&r, want, nwant, so.facets, label);
        if (k == 2 || k == 7)  /* 10 posts, and a page of 2: snippets in one or two threads */
            check_page(txn, &r, &so, text, label);
        results_free(&r);
    }
    mdb_txn_abort(txn);
    qry_free(&q);
}

static int by_docid(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The posts of a search, every one, sorted by docid (caller frees). */
static uint32_t *all_posts(MDB_txn *txn, const qry *q, int match, size_t *n, results *keep)
{
    search_opts so = { .sort = SORT_RELEVANCE, .match = match, .limit = NPATHS + 100 };
    results r;
    *n = 0;
    if (search_run(st, txn, q, &so, &r, err, sizeof err) != BS_OK)
        return NULL;
    uint32_t *v = malloc((r.n ? r.n : 1) * sizeof *v);
    for (size_t i = 0; v && i < r.n; i++)
        v[i] = r.hits[i].docid;
    *n = v ? r.n : 0;
    CHECK(r.total == r.n, "every post listed: %zu of %llu", r.n, (unsigned long long)r.total);
    qsort(v, *n, sizeof *v, by_docid);
    if (keep)
        *keep = r;
    else
        results_free(&r);
    return v;
}

/* A prefix matches the posts of the words it expands to, each once: the
 * same as those words searched with any of them (built as clauses here,
 * the terms as they are, not analyzed again). */
static void check_prefix(int batch, const char *text)
{
    qry q;
    MDB_txn *txn;
    CHECK(qparse(&q, an, text, err, sizeof err) == BS_OK && q.n == 1 && q.c[0].prefix,
          "batch %d: %s parses as a prefix: %s", batch, text, err);
    if (store_txn_begin(st, MDB_RDONLY, &txn) != BS_OK)
        return;
    results pr;
    size_t na = 0, nb = 0;
    uint32_t *a = all_posts(txn, &q, MATCH_MOST, &na, &pr);
    qclause *cl = calloc(pr.nhl ? pr.nhl : 1, sizeof *cl);
    for (size_t i = 0; cl && i < pr.nhl; i++)
        cl[i] = (qclause){ .mode = QC_SHOULD, .field = -1, .nterms = 1, .terms = &pr.hl_terms[i] };
    qry expanded = { .c = cl, .n = pr.nhl };
    CHECK(pr.nhl > 1 || batch > 1, "batch %d: %s expands to %zu words", batch, text, pr.nhl);
    uint32_t *b = all_posts(txn, &expanded, MATCH_ANY, &nb, NULL);
    CHECK(a && b && na == nb && (na == 0 || memcmp(a, b, na * sizeof *a) == 0),
          "batch %d: %s: %zu posts, its %zu words with any of them %zu", batch, text, na,
          pr.nhl, nb);
    for (size_t i = 1; a && i < na; i++)
        CHECK(a[i] != a[i - 1], "batch %d: %s lists post %u twice", batch, text, a[i]);
    results_free(&pr);
    free(cl);
    free(a);
    free(b);
    mdb_txn_abort(txn);
    qry_free(&q);
}

static void check_all(int batch)
{
    static const qcase filtered[] = {
        { 0, MATCH_MOST, { "DOCKER" }, 1 },
        { 0, MATCH_MOST, { "ёЛКА" }, 1 },
        { 0, MATCH_MOST, { "Cafe\xcc\x81" }, 1 },
        { 0, MATCH_MOST, { "linux", "ЁЖИК" }, 2 },
        { 0, MATCH_MOST, { "nosuchtag" }, 1 },
        { 1u << 0, MATCH_MOST, { "docker" }, 1 },
        { 1u << 6 | 1u << 11, MATCH_ANY, { "Linux" }, 1 },
        { 1u << 6 | 1u << 11, MATCH_ALL, { "WASM" }, 1 },
        { NOWORD, MATCH_MOST, { 0 }, 0 },
        { NOWORD | 1u << 11, MATCH_ALL, { 0 }, 0 },
        { NOWORD | 1u << 2, MATCH_ANY, { 0 }, 0 },
    };
    for (unsigned w = 0; w < NWORDS; w++) {
        check_query(batch, &(qcase){ 1u << w, MATCH_MOST, { 0 }, 0 });
        unsigned pair = 1u << w | 1u << (w * 5 + 3) % NWORDS;
        check_query(batch, &(qcase){ pair, MATCH_ANY, { 0 }, 0 });
        check_query(batch, &(qcase){ pair, MATCH_ALL, { 0 }, 0 });
    }
    for (size_t i = 0; i < sizeof filtered / sizeof filtered[0]; i++)
        check_query(batch, &filtered[i]);
    /* words and tags that share a beginning: golf, go, golang; еж, ежик, елк... */
    static const char *const prefixes[] = { "go*", "е*", "d*", "s*", "c*" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        check_prefix(batch, prefixes[i]);
}

static void check_problem(void *ctx, const char *msg)
{
    (void)ctx;
    CHECK(0, "index_check: %s", msg);
}

/* Posts of many tags, in an index of their own: 300 (more than a byte
 * counts), 70,000 (more ids in one chunk than two-byte ends hold) and 2,
 * each found by its every tag, counted in the facets, and replaced. */
static size_t tag_total(store *s, const char *text, const char *tag, results *keep)
{
    qry q;
    const char *tags[1] = { tag };
    qry_filters fl = { .tags = tags, .ntags = tag ? 1 : 0 };
    size_t total = (size_t)-1;
    if (qparse_with(&q, an, text, &fl, err, sizeof err) != BS_OK)
        return total;
    MDB_txn *txn;
    search_opts so = { .sort = SORT_RELEVANCE, .match = MATCH_ALL, .limit = 10,
                       .facets = keep ? 1000 : 0 };
    results r;
    if (store_txn_begin(s, MDB_RDONLY, &txn) == BS_OK) {
        if (search_run(s, txn, &q, &so, &r, err, sizeof err) == BS_OK) {
            total = (size_t)r.total;
            if (keep)
                *keep = r;
            else
                results_free(&r);
        }
        mdb_txn_abort(txn);
    }
    qry_free(&q);
    return total;
}

static void many_tags_post(writer_op *op, const char *path, const char *prefix, size_t n,
                           const char *extra)
{
    op->path = path;
    op->del = 0;
    post_init(&op->p);
    buf_puts(&op->p.title, "Many");
    buf_puts(&op->p.body, "common words");
    char tag[32];
    for (size_t i = 0; i < n; i++) {
        snprintf(tag, sizeof tag, "%s%zu", prefix, i);
        buf_put(&op->p.tags, tag, strlen(tag) + 1);
    }
    if (extra)
        buf_put(&op->p.tags, extra, strlen(extra) + 1);
    op->p.ntags = n + (extra != NULL);
}

static void check_many_tags(const char *dir)
{
    char ix[300];
    snprintf(ix, sizeof ix, "%s/many", dir);
    store *s;
    int rc = store_open(&s, ix, STORE_CREATE, err, sizeof err);
    CHECK(rc == BS_OK, "many tags: create: %s", err);
    if (rc != BS_OK)
        return;
    writer_op op[3];
    many_tags_post(&op[0], "/many/a.md", "t", 300, "shared");
    many_tags_post(&op[1], "/many/b.md", "u", 70000, NULL);
    many_tags_post(&op[2], "/many/c.md", "t", 0, "shared");
    op[2].p.ntags = 2;
    buf_put(&op[2].p.tags, "t299", 5);
    writer_opts wo = { .max_file_bytes = 1 << 20, .mem_limit = 1 << 26 };
    writer_summary sum;
    CHECK(writer_apply(s, op, 3, &wo, &sum, err, sizeof err) == BS_OK, "many tags: %s", err);
    for (int i = 0; i < 3; i++)
        post_free(&op[i].p);
    static const struct { const char *tag; size_t want; } found[] = {
        { "t0", 1 }, { "t254", 1 }, { "t255", 1 }, { "t256", 1 }, { "t299", 2 },
        { "shared", 2 }, { "u0", 1 }, { "u65535", 1 }, { "u69999", 1 }, { "u70000", 0 },
    };
    for (size_t i = 0; i < sizeof found / sizeof found[0]; i++) {
        size_t got = tag_total(s, "", found[i].tag, NULL);
        CHECK(got == found[i].want, "many tags: tag:%s finds %zu posts, not %zu", found[i].tag,
              got, found[i].want);
    }
    results r;
    CHECK(tag_total(s, "common", NULL, &r) == 3, "many tags: all three by a word");
    /* 1000 facets shown of 70,302: t299 and shared (2 each) first, then
     * those of one post by their bytes */
    CHECK(r.nfacets == 1000 && r.facets[0].count == 2 && r.facets[1].count == 2
          && r.facets[2].count == 1 && r.facets[0].len == 6
          && memcmp(r.facets[0].tag, "shared", 6) == 0 && r.facets[1].len == 4
          && memcmp(r.facets[1].tag, "t299", 4) == 0,
          "many tags: the facets (%zu) begin with shared and t299, twice each", r.nfacets);
    results_free(&r);

    /* the post of 300 tags now has one: its others go from search and facets */
    many_tags_post(&op[0], "/many/a.md", "t", 0, "t5");
    CHECK(writer_apply(s, op, 1, &wo, &sum, err, sizeof err) == BS_OK, "many tags: %s", err);
    post_free(&op[0].p);
    CHECK(tag_total(s, "", "t299", NULL) == 1 && tag_total(s, "", "t0", NULL) == 0
          && tag_total(s, "", "t5", NULL) == 1 && tag_total(s, "", "shared", NULL) == 1,
          "many tags: a replaced post keeps only its new tag");
    store_close(s);
    index_stats is;
    rc = index_check(ix, check_problem, NULL, &is, err, sizeof err);
    CHECK(rc == BS_OK, "many tags: index_check: %s", err);
}

int main(void)
{
    char dir[] = "/tmp/bs-test-facets-XXXXXX", ix[300];
    if (batch_index(dir, ix, sizeof ix, &st, &an) != 0)
        return test_report("test_facets");
    int rc;
    for (size_t i = 0; i < NPOOL; i++)
        fid[i] = fold_tag(pool[i], 1);
    static const char *const same[][2] = { { "Docker", "DOCKER" }, { "Ёлка", "елка" },
                                           { "café", "cafe\xcc\x81" }, { "Straße", "STRASSE" },
                                           { "Σίσυφος", "ΣΊΣΥΦΟΣ" } };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)   /* the pool tests folding */
        CHECK(fold_tag(same[i][0], 0) >= 0 && fold_tag(same[i][0], 0) == fold_tag(same[i][1], 0),
              "\"%s\" and \"%s\" fold to one facet", same[i][0], same[i][1]);
    for (size_t i = 0; i < NPATHS; i++)
        snprintf(paths[i], sizeof paths[i], "/blog/p%04zu.md", i);

    /* 1: 700 posts, docids over eleven chunks */
    for (size_t i = 0; i < 700; i++)
        op_put(i, NEW, 0);
    batch_apply(&pending, st, 1 << 20, 1);
    check_all(1);

    /* 2: 100 deleted, 100 replaced (some twice, a quarter with no tags), 5
     * deleted ones back, 50 new with new tags, a path never indexed deleted */
    for (size_t i = 0; i < 100; i++)
        op_del(pick_alive(700));
    for (size_t i = 0; i < 100; i++)
        op_put(pick_alive(700), NPOOL, rnd(4) == 0);
    for (size_t i = 0, back = 0; i < 700 && back < 5; i++)
        if (!model[i].alive && ++back)
            op_put(i, NPOOL, 0);
    for (size_t i = 700; i < 750; i++)
        op_put(i, NPOOL, 0);
    op_del(NPATHS - 1);
    batch_apply(&pending, st, 1 << 20, 2);
    check_all(2);

    /* 3: a writer that flushes after every post */
    for (size_t i = 0; i < 40; i++)
        op_put(pick_alive(750), NPOOL, rnd(5) == 0);
    for (size_t i = 0; i < 20; i++)
        op_del(pick_alive(750));
    for (size_t i = 750; i < 780; i++)
        op_put(i, NPOOL, 0);
    for (size_t i = 0, back = 0; i < 750 && back < 3; i++)
        if (!model[i].alive && ++back)
            op_put(i, NPOOL, 0);
    batch_apply(&pending, st, 1, 3);
    check_all(3);

    store_close(st);
    /* and the index as blogsearch-index --check sees it: doctags agree with
     * the facets, no posting or tag of a post that is gone */
    index_stats is;
    rc = index_check(ix, check_problem, NULL, &is, err, sizeof err);
    CHECK(rc == BS_OK, "index_check: %s", err);
    check_many_tags(dir);
    an_free(an);
    for (size_t i = 0; i < nfold; i++)
        free(fold[i]);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_facets");
}
