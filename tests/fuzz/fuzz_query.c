/* fuzz_query.c: the query language (query/parse.c), strict and lenient.
 * The first byte picks the reading (bit 0: lenient) and whether filters
 * are given beside the text (bit 1); the rest is the text, then, after NUL
 * bytes, a tag, a category, an author, since and until. A parsed query must
 * hold at most the clauses and tags a query holds, each clause valid UTF-8
 * terms and its place inside the text; a refused one a message, in valid
 * UTF-8; the lenient reading refuses no UTF-8 text for its syntax. */
#include "fuzz.h"
#include "query/query.h"

static an_analyzer *an;

static void done(void)
{
    an_free(an);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (an_new(&an, AN_SMALL_CACHE) != 0)
        fuzz_fail("out of memory");
    atexit(done);
    return 0;
}

/* A query read without an error: its filters too are UTF-8 (a filter that
 * is not is refused, findings/query-date-filter-not-utf8). */
static void check_query(const qry *q, const char *text)
{
    size_t len = strlen(text);
    if (q->n > QRY_MAX_CLAUSES)
        fuzz_fail("%zu clauses", q->n);
    if (q->ntags > QRY_MAX_TAGS)
        fuzz_fail("%zu tags", q->ntags);
    for (size_t i = 0; i < q->ntags; i++)
        fuzz_utf8("a tag", q->tags[i], strlen(q->tags[i]));
    if (q->category)
        fuzz_utf8("the category", q->category, strlen(q->category));
    if (q->author)
        fuzz_utf8("the author", q->author, strlen(q->author));
    for (size_t i = 0; i < q->n; i++) {
        const qclause *c = &q->c[i];
        if (c->mode != QC_SHOULD && c->mode != QC_MUST && c->mode != QC_MUST_NOT)
            fuzz_fail("clause %zu: mode %d", i, c->mode);
        if (c->nterms == 0)
            fuzz_fail("clause %zu has no term", i);
        if (c->pos > len || c->raw_off > len || c->raw_len > len - c->raw_off)
            fuzz_fail("clause %zu at %zu, raw %zu+%zu, in %zu bytes", i, c->pos, c->raw_off,
                      c->raw_len, len);
        for (size_t t = 0; t < c->nterms; t++) {
            if (!c->terms[t][0])
                fuzz_fail("clause %zu: term %zu is empty", i, t);
            fuzz_utf8("a term", c->terms[t], strlen(c->terms[t]));
        }
        for (size_t t = 0; t < c->nalts; t++)
            fuzz_utf8("an alternative", c->alts[t], strlen(c->alts[t]));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lenient = data[0] & 1, filters = data[0] & 2;
    fuzz_fields in = { .p = data + 1, .end = data + size };
    const char *text = fuzz_field(&in);
    const char *tag = fuzz_field(&in);
    const char *tags[] = { tag };
    qry_filters f = { tags, tag && *tag, fuzz_field(&in), fuzz_field(&in), fuzz_field(&in),
                      fuzz_field(&in) };
    qry q;
    char err[512] = "";
    int rc = lenient ? qparse_lenient(&q, an, text, filters ? &f : NULL, err, sizeof err)
                     : qparse_with(&q, an, text, filters ? &f : NULL, err, sizeof err);
    if (rc == BS_OK) {
        check_query(&q, text);
    } else if (rc == BS_EQUERY) {
        if (!err[0])
            fuzz_fail("BS_EQUERY with no message");
        /* whatever the filters (findings/query-date-filter-not-utf8: once
         * quoted as they came), the message is UTF-8 */
        fuzz_utf8("the message", err, strlen(err));
        if (lenient && !filters && utf8_valid(text, strlen(text)))
            fuzz_fail("the lenient reading refused \"%s\": %s", text, err);
    } else {
        fuzz_fail("qparse gave %d: %s", rc, err);
    }
    qry_free(&q);               /* whatever the outcome, as lib/ does */
    fuzz_fields_free(&in);
    return 0;
}
