/* fuzz_analyzer.c: the analyzer (stemming/) on any bytes. The tokens of
 * an_analyze must hold tests/stemming/check_tokens.h's invariants; each
 * word tok_next finds must normalize the same by the fast path and the
 * general one (norm_word, norm_word_slow) and stem to valid UTF-8; the
 * analyzer with its word cache must give the tokens one without gives; and
 * an_analyze_prefixed must give only words with the prefix asked. */
#include "fuzz.h"
#include "stemming/check_tokens.h"
#include "stemming/stemming.h"

static an_analyzer *cached, *uncached;
static stem_stemmers *stemmers;

static void done(void)
{
    an_free(cached);
    an_free(uncached);
    stem_free(stemmers);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (an_new(&cached, AN_SMALL_CACHE) != 0 || an_new(&uncached, AN_NO_CACHE) != 0
        || stem_new(&stemmers) != 0)
        fuzz_fail("out of memory");
    atexit(done);
    return 0;
}

/* A running hash of every token's term, word, place and flags. */
typedef struct {
    tok_checker check;
    uint64_t h;
} digest;

static void mix(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        *h = (*h ^ b[i]) * 0x100000001b3u;
}

static int take(const an_token *t, void *ctx)
{
    digest *d = ctx;
    check_token(t, &d->check);
    mix(&d->h, t->term, t->term_len + 1);
    mix(&d->h, t->norm, t->norm_len + 1);
    uint64_t nums[] = { t->pos, t->off, t->len, t->flags, (uint64_t)t->script, t->term_hash };
    mix(&d->h, nums, sizeof nums);
    if (t->term_hash != an_term_hash(t->term, t->term_len))
        fuzz_fail("term_hash of \"%s\" is not an_term_hash's", t->term);
    return 0;
}

typedef struct {
    const char *prefix;
    size_t plen;
} prefixed;

static int take_prefixed(const an_token *t, void *ctx)
{
    const prefixed *p = ctx;
    if (t->norm_len < p->plen || memcmp(t->norm, p->prefix, p->plen) != 0)
        fuzz_fail("an_analyze_prefixed gave \"%s\" for the prefix \"%.*s\"", t->norm,
                  (int)p->plen, p->prefix);
    fuzz_utf8("a prefixed term", t->term, t->term_len);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    digest a = { .check = { .len = size }, .h = 0xcbf29ce484222325u };
    digest b = a;
    uint32_t pos_a = 0, pos_b = 0;
    if (an_analyze(cached, text, size, &pos_a, take, &a) != 0
        || an_analyze(uncached, text, size, &pos_b, take, &b) != 0)
        fuzz_fail("an_analyze failed");
    if (a.check.bad || b.check.bad)
        fuzz_fail("%d tokens broke an invariant", a.check.bad + b.check.bad);
    if (pos_a != a.check.ntokens)
        fuzz_fail("*pos %u after %zu tokens", (unsigned)pos_a, a.check.ntokens);
    if (a.h != b.h || pos_a != pos_b)
        fuzz_fail("the cached analyzer gave other tokens than the uncached one");

    tok_scanner s;
    tok_word w;
    char fast[NORM_MAX_BYTES + 1], slow[NORM_MAX_BYTES + 1], stem[NORM_MAX_BYTES + 1];
    char prefix[NORM_MAX_BYTES + 1];
    size_t plen = 0;
    tok_init(&s, text, size);
    while (tok_next(&s, &w)) {
        if (w.off + w.len > size || w.len == 0)
            fuzz_fail("tok_next gave bytes %zu+%zu of %zu", w.off, w.len, size);
        fuzz_utf8("a word tok_next found", text + w.off, w.len);
        int sf = 0, ss = 0;
        int nf = norm_word(text + w.off, w.len, fast, &sf);
        int ns = norm_word_slow(text + w.off, w.len, slow, &ss);
        if (nf != ns || (nf >= 0 && (sf != ss || memcmp(fast, slow, (size_t)nf) != 0)))
            fuzz_fail("norm_word gave %d \"%s\" (script %d), norm_word_slow %d \"%s\" (%d) "
                      "for \"%.*s\"", nf, nf >= 0 ? fast : "", sf, ns, ns >= 0 ? slow : "",
                      ss, (int)w.len, text + w.off);
        if (nf < 0)
            continue;
        fuzz_utf8("a normalized word", fast, (size_t)nf);
        int n = stem_word(stemmers, sf, fast, (size_t)nf, stem);
        if (n <= 0 || (size_t)n != strlen(stem))
            fuzz_fail("stem_word of \"%s\" gave %d", fast, n);
        fuzz_utf8("a stem", stem, (size_t)n);
        if (!plen) {                 /* the first word's first character */
            int32_t cp;
            plen = utf8_decode((const unsigned char *)fast, (const unsigned char *)fast + nf,
                               &cp);
            memcpy(prefix, fast, plen);
            prefix[plen] = '\0';
        }
    }
    if (plen) {
        prefixed p = { prefix, plen };
        if (an_analyze_prefixed(cached, text, size, prefix, plen, take_prefixed, &p) != 0)
            fuzz_fail("an_analyze_prefixed failed");
    }
    return 0;
}
