/* test_proximity.c: how near two words stand (prox_pair) over a table of
 * position lists, and which words of a query take part in the re-scoring
 * (prox_terms). The re-scored ranking itself is held to a model in
 * test_bm25.c. */
#include <math.h>

#include "query/query.h"
#include "test.h"

static const struct {
    int line;
    uint32_t a[4], na, b[4], nb;
    double want;
} pairs[] = {
#define P(a, na, b, nb, want) { __LINE__, a, na, b, nb, want }
#define L(...) { __VA_ARGS__ }
    P(L(0), 1, L(1), 1, 1.0),                 /* next to each other, in order */
    P(L(1), 1, L(0), 1, 0.5),                 /* next, the other way round */
    P(L(0), 1, L(2), 1, 0.5),                 /* one word between */
    P(L(0), 1, L(3), 1, 1.0 / 3),
    P(L(0), 1, L(4), 1, 0.0),                 /* too far */
    P(L(3), 1, L(0), 1, 0.0),                 /* 3 back counts 4 */
    P(L(0, 10, 20), 3, L(12, 21), 2, 1.0),    /* the nearest of all pairs */
    P(L(5, 40), 2, L(1, 7, 38), 3, 0.5),
    P(L(7), 1, L(1, 2, 3, 6), 4, 0.5),        /* b's last before a */
    P(L(100), 1, L(0), 1, 0.0),
#undef L
#undef P
};

static const struct {
    int line;
    const char *query;
    size_t want;              /* words that take part */
} queries[] = {
    { __LINE__, "виртуализация docker", 2 },
    { __LINE__, "docker", 1 },
    { __LINE__, "docker docker", 1 },             /* a word once */
    { __LINE__, "docker -kvm systemd", 2 },       /* not an excluded one */
    { __LINE__, "\"виртуальная машина\" docker", 1 },   /* nor a phrase */
    { __LINE__, "вирту* docker", 1 },             /* nor a prefix */
    { __LINE__, "title:docker kvm", 1 },          /* nor one field's */
    { __LINE__, "docker и kvm", 2 },              /* nor a stopword */
    { __LINE__, "+docker kvm qemu", 3 },
};

int main(void)
{
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        double got = prox_pair(pairs[i].a, pairs[i].na, pairs[i].b, pairs[i].nb);
        CHECK_AT(__FILE__, pairs[i].line, fabs(got - pairs[i].want) < 1e-12,
                 "nearness %.6f, want %.6f", got, pairs[i].want);
    }
    an_analyzer *an;
    if (an_new(&an, 0) != 0)
        return 1;
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        qry q;
        char err[256];
        int rc = qparse(&q, an, queries[i].query, err, sizeof err);
        CHECK_AT(__FILE__, queries[i].line, rc == BS_OK, "parse: %s", err);
        if (rc != BS_OK)
            continue;
        const char *terms[QRY_MAX_CLAUSES];
        size_t n = prox_terms(&q, terms, QRY_MAX_CLAUSES);
        CHECK_AT(__FILE__, queries[i].line, n == queries[i].want, "\"%s\": %zu words, want %zu",
                 queries[i].query, n, queries[i].want);
        qry_free(&q);
    }
    an_free(an);
    return test_report("test_proximity");
}
