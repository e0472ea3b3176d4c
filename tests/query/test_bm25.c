/* test_bm25.c: the engine against a slow, obvious model. Five posts are
 * indexed by the real writer; for each query the model analyzes the posts'
 * fields itself, counts, and computes BM25F by the formula in query.h; the
 * engine (with --any, no more-words factor) must give the same posts in the
 * same order with the same scores. A prefix (вирту*) counts as one word whose
 * occurrences are those of every term it begins, a phrase as one whose
 * occurrences are the places its words follow one another, a word limited
 * to a field (title:docker) as one found in that field only. Then, as
 * proximity.c does for the first posts, each score grows by a tenth of how
 * near the query's plain words stand in the title or the body: here every
 * pair of their positions is compared. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "query/query.h"
#include "test.h"

static const struct { const char *name, *text; } posts[] = {
    { "a.rst", ".. title: Docker и виртуализация\n.. tags: docker, virtualization\n"
               ".. category: Контейнеры\n.. description: Контейнеры против машин\n\n"
               "Виртуализация и контейнеры: Docker запускает контейнер, виртуальная машина "
               "запускает ядро. Docker, docker, docker.\n" },
    { "b.rst", ".. title: Виртуальные машины на KVM\n.. tags: kvm\n\n"
               "KVM и QEMU дают виртуализацию на Linux. Виртуальная машина получает ядро.\n" },
    { "c.rst", ".. title: Заметки о btrfs\n.. tags: linux, btrfs\n\n"
               "Снимки, сжатие и контейнеры файлов. Ничего о виртуализации, кроме этого "
               "слова.\n" },
    { "d.rst", ".. title: Podman вместо Docker\n.. tags: podman, docker\n"
               ".. description: Месяц без демона\n\n"
               "Podman запускает контейнеры без демона. Контейнеров много, контейнерами "
               "удобно управлять.\n" },
    { "e.rst", ".. title: Релиз Fedora\n\nНовая версия дистрибутива вышла вовремя.\n" },
};
#define NPOSTS (sizeof posts / sizeof posts[0])

typedef struct {
    char *term;
    int field;
    uint32_t pos;
} occ;

typedef struct {
    occ *v;
    size_t n, cap;
    int field;
    uint32_t len[BS_NFIELDS];
} bag;

static int add(const an_token *t, void *ctx)
{
    bag *b = ctx;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->v = realloc(b->v, b->cap * sizeof *b->v);
    }
    b->v[b->n++] = (occ){ strndup(t->term, t->term_len), b->field, t->pos };
    b->len[b->field]++;
    return 0;
}

/* Each post's fields, analyzed as the writer does (tags, then categories). */
static bag model[NPOSTS];

static void build_model(an_analyzer *an)
{
    for (size_t i = 0; i < NPOSTS; i++) {
        post p;
        post_opts o = { 0, NULL, NULL, NULL };
        post_init(&p);
        post_parse(&p, posts[i].name, posts[i].text, strlen(posts[i].text), NULL, 0, &o);
        txt_buf tags = { 0 };
        for (const char *t = p.tags.p; t && t < p.tags.p + p.tags.len; t += strlen(t) + 1) {
            buf_puts(&tags, t);
            buf_putc(&tags, '\n');
        }
        for (const char *c = p.categories.p; c && c < p.categories.p + p.categories.len;
             c += strlen(c) + 1) {
            buf_puts(&tags, c);
            buf_putc(&tags, '\n');
        }
        const txt_buf *f[BS_NFIELDS] = { &p.title, &tags, &p.description, &p.body };
        for (int k = 0; k < BS_NFIELDS; k++) {
            uint32_t pos = 0;
            model[i].field = k;
            an_analyze(an, f[k]->p ? f[k]->p : "", f[k]->len, &pos, add, &model[i]);
        }
        buf_free(&tags);
        post_free(&p);
    }
}

/* A term ending in '*' (no analyzed term has one) is a prefix: the
 * occurrences of every term it begins, added. Terms joined by spaces are a
 * phrase: the places where they follow one another in the field. */
static uint32_t tf_of(const bag *b, const char *term, int field)
{
    if (term[0] == '@') {          /* "@0docker": title:docker, the one field counts */
        if (term[1] - '0' != field)
            return 0;
        term += 2;
    }
    uint32_t n = 0;
    size_t len = strlen(term);
    int prefix = len && term[len - 1] == '*';
    for (size_t i = 0; i < b->n; i++) {
        const char *t = term;
        size_t j = i;
        int ok = 1;
        while (ok) {               /* each word of a phrase at the next position */
            size_t wl = strcspn(t, " ");
            ok = j < b->n && b->v[j].field == field
                 && (prefix ? strncmp(b->v[j].term, t, len - 1) == 0
                            : strlen(b->v[j].term) == wl && strncmp(b->v[j].term, t, wl) == 0);
            if (!t[wl])
                break;
            t += wl + 1;
            j++;
        }
        n += ok;
    }
    return n;
}

typedef struct {
    size_t post;
    double score;
} scored;

static int by_score(const void *a, const void *b)
{
    const scored *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return (x->post > y->post) - (x->post < y->post);
}

/* The nearness of plain words a and b in field f of b: 1 / d, d the fewest
 * positions from a to b (one more when b comes first), 0 past 3 or absent. */
static double near_pair(const bag *b, const char *x, const char *y, int f)
{
    uint32_t best = UINT32_MAX;
    for (size_t i = 0; i < b->n; i++)
        for (size_t j = 0; j < b->n; j++) {
            if (b->v[i].field != f || b->v[j].field != f || strcmp(b->v[i].term, x) != 0
                || strcmp(b->v[j].term, y) != 0)
                continue;
            uint32_t pa = b->v[i].pos, pb = b->v[j].pos;
            uint32_t d = pb > pa ? pb - pa : pa - pb + 1;
            if (d < best)
                best = d;
        }
    return best <= 3 ? 1.0 / best : 0.0;
}

/* The proximity factor: 1 + 0.1 x the better of title and body, each the
 * mean nearness of consecutive plain words (each once) of the query. */
static double near_factor(const bag *b, char *const *terms, size_t nterms)
{
    const char *plain[16];
    size_t n = 0;
    for (size_t t = 0; t < nterms; t++) {
        int seen = strpbrk(terms[t], " *@") != NULL;
        for (size_t k = 0; k < n; k++)
            seen |= strcmp(plain[k], terms[t]) == 0;
        if (!seen)
            plain[n++] = terms[t];
    }
    if (n < 2)
        return 1.0;
    double best = 0;
    const int fields[] = { BS_FIELD_TITLE, BS_FIELD_BODY };
    for (int k = 0; k < 2; k++) {
        double sum = 0;
        for (size_t t = 1; t < n; t++)
            sum += near_pair(b, plain[t - 1], plain[t], fields[k]);
        if (sum / (double)(n - 1) > best)
            best = sum / (double)(n - 1);
    }
    return 1.0 + 0.1 * best;
}

/* BM25F by the formula, words of the query given as terms. */
static size_t model_rank(char *const *terms, size_t nterms, scored *out)
{
    double avg[BS_NFIELDS] = { 0 };
    for (size_t i = 0; i < NPOSTS; i++)
        for (int f = 0; f < BS_NFIELDS; f++)
            avg[f] += model[i].len[f];
    for (int f = 0; f < BS_NFIELDS; f++)
        avg[f] = avg[f] / NPOSTS > 0 ? avg[f] / NPOSTS : 1;
    size_t n = 0;
    for (size_t i = 0; i < NPOSTS; i++) {
        double score = 0;
        int any = 0;
        for (size_t t = 0; t < nterms; t++) {
            size_t df = 0;
            for (size_t j = 0; j < NPOSTS; j++)
                for (int f = 0; f < BS_NFIELDS; f++)
                    if (tf_of(&model[j], terms[t], f)) {
                        df++;
                        break;
                    }
            double idf = log(1.0 + ((double)NPOSTS - (double)df + 0.5) / ((double)df + 0.5));
            double tt = 0;
            for (int f = 0; f < BS_NFIELDS; f++) {
                uint32_t tf = tf_of(&model[i], terms[t], f);
                double norm = 1.0 - bm25_field_b[f] + bm25_field_b[f] * model[i].len[f] / avg[f];
                tt += bm25_field_weight[f] * tf / norm;
                any |= tf > 0;
            }
            score += idf * tt * (bm25_k1 + 1) / (tt + bm25_k1);
        }
        if (any)
            out[n++] = (scored){ i, score * near_factor(&model[i], terms, nterms) };
    }
    qsort(out, n, sizeof *out, by_score);
    return n;
}

int main(void)
{
    char dir[] = "/tmp/bs-test-bm25-XXXXXX", ix[300], err[1024];
    an_analyzer *an;
    if (!mkdtemp(dir) || an_new(&an, 0) != 0)
        return 1;
    for (size_t i = 0; i < NPOSTS; i++) {
        char path[300];
        snprintf(path, sizeof path, "%s/%s", dir, posts[i].name);
        FILE *f = fopen(path, "w");
        fputs(posts[i].text, f);
        fclose(f);
    }
    snprintf(ix, sizeof ix, "%s/ix", dir);
    char *roots[] = { dir };
    walk_list list;
    writer_opts wo = { .max_file_bytes = 1 << 20, .mem_limit = 1 << 20 };
    writer_summary sum;
    CHECK(walk_paths(&list, roots, 1, NULL, NULL) == 0, "walk");
    CHECK(writer_run(ix, &list, &wo, &sum, err, sizeof err) == BS_OK && sum.added == NPOSTS,
          "index the five posts: %s", err);
    walk_free(&list);
    build_model(an);

    store *st;
    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_OK, "open: %s", err);
    static const char *queries[] = { "docker", "виртуализация docker", "контейнер",
                                     "виртуальная машина ядро", "демона podman", "fedora",
                                     "вирту*", "вирту* docker", "по*", "конт* ядро",
                                     "\"виртуальная машина\"", "\"запускает ядро\" docker",
                                     "\"контейнеры без демона\"", "\"ядро docker\"",
                                     "\"docker docker\"", "title:docker",
                                     "title:docker контейнер" };
    for (size_t qi = 0; qi < sizeof queries / sizeof queries[0]; qi++) {
        qry q;
        results r;
        MDB_txn *txn;
        CHECK(qparse(&q, an, queries[qi], err, sizeof err) == BS_OK, "parse %s", queries[qi]);
        char *terms[16], stars[16][256];
        size_t nterms = 0;
        for (size_t c = 0; c < q.n && nterms < 16; c++) {
            if (q.c[c].prefix) {
                snprintf(stars[nterms], sizeof stars[0], "%s*", q.c[c].terms[0]);
                terms[nterms] = stars[nterms];
                nterms++;
            } else if (q.c[c].nterms > 1) {
                stars[nterms][0] = '\0';
                for (size_t t = 0; t < q.c[c].nterms; t++)
                    snprintf(stars[nterms] + strlen(stars[nterms]),
                             sizeof stars[0] - strlen(stars[nterms]), "%s%s", t ? " " : "",
                             q.c[c].terms[t]);
                terms[nterms] = stars[nterms];
                nterms++;
            } else if (q.c[c].field >= 0) {
                snprintf(stars[nterms], sizeof stars[0], "@%d%s", q.c[c].field,
                         q.c[c].terms[0]);
                terms[nterms] = stars[nterms];
                nterms++;
            } else if (!q.c[c].all_stop) {
                terms[nterms++] = q.c[c].terms[0];
            }
        }
        scored want[NPOSTS];
        size_t nwant = model_rank(terms, nterms, want);
        store_txn_begin(st, MDB_RDONLY, &txn);
        /* every page size: a small one makes the engine skip the posts whose
         * bound cannot reach the page, and must not change what it shows */
        for (size_t limit = 1; limit <= NPOSTS; limit++) {
            search_opts so = { .sort = SORT_RELEVANCE, .match = MATCH_ANY, .limit = limit };
            CHECK(search_run(st, txn, &q, &so, &r, err, sizeof err) == BS_OK, "search: %s", err);
            size_t shown = nwant < limit ? nwant : limit;
            CHECK(r.total == nwant && r.n == shown, "\"%s\" limit %zu: %llu posts, %zu shown; "
                  "the model finds %zu", queries[qi], limit, (unsigned long long)r.total, r.n,
                  nwant);
            for (size_t i = 0; i < r.n && i < nwant; i++) {
                uint32_t want_docid = (uint32_t)want[i].post + 1;   /* added in order */
                CHECK(r.hits[i].docid == want_docid
                      && fabs(r.hits[i].score - want[i].score) < 1e-9,
                      "\"%s\" limit %zu rank %zu: post %u score %.12f, the model: post %u "
                      "score %.12f", queries[qi], limit, i + 1, r.hits[i].docid,
                      r.hits[i].score, want_docid, want[i].score);
            }
            results_free(&r);
        }
        mdb_txn_abort(txn);
        qry_free(&q);
    }
    store_close(st);
    for (size_t i = 0; i < NPOSTS; i++) {
        for (size_t k = 0; k < model[i].n; k++)
            free(model[i].v[k].term);
        free(model[i].v);
    }
    an_free(an);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_bm25");
}
