/* test_fuzz.c: the analyzer on random and adversarial bytes. It must never
 * crash (run it under ASan+UBSan: BS_SANITIZE=ON), and every token it gives
 * must hold: a non-empty valid UTF-8 term, a byte range inside the input in
 * increasing order, consecutive positions. Deterministic: a fixed seed, or
 * BS_FUZZ_SEED and BS_FUZZ_ROUNDS from the environment to explore more. */
#include <stdlib.h>

#include "check_tokens.h"
#include "stemming/stemming.h"
#include "test.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
    return test_rng(&rng_state);
}

static size_t run(an_analyzer *an, const char *text, size_t len, const char *what)
{
    tok_checker c = { .len = len };
    uint32_t pos = 0;
    int rc = an_analyze(an, text, len, &pos, check_token, &c);
    CHECK(rc == 0 && c.bad == 0 && pos == c.ntokens, "%s: rc=%d, %d bad tokens", what, rc, c.bad);
    return c.ntokens;
}

/* Byte soups that reach the decoder's and normalizer's corners: ASCII, lead
 * and continuation bytes, Cyrillic, combining marks, ignorables, digits and
 * dots, apostrophes, compatibility characters. */
static void fill_random(char *buf, size_t len, int mode)
{
    static const char *pieces[] = {
        "а", "Ё", "й", "и\u0306", "е\u0308", "\u0301", "\u0300", "\u00AD", "\u200B", "\uFEFF",
        "x", "86", ".", "_", "-", "'", "\u2019", "/", "@", " ", "\n", "\0", "\xFF", "\xC0\xAF",
        "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xD0", "\x80", "ﬁ", "Ａ", "\uFDFA", "日", "²",
        "\u212A", "сe", "Linuх", "ß", "ΣΟ",
    };
    size_t i = 0;
    while (i < len) {
        uint64_t r = rng();
        if (mode == 0) {
            buf[i++] = (char)(r & 0xFF);
        } else {
            const char *p = pieces[r % (sizeof pieces / sizeof pieces[0])];
            size_t n = strlen(p);
            if (*p == '\0')
                n = 1;
            for (size_t k = 0; k < n && i < len; k++)
                buf[i++] = p[k];
        }
    }
}

static void test_random(an_analyzer *an, unsigned rounds)
{
    char *buf = malloc(1 << 16);
    for (unsigned r = 0; r < rounds; r++) {
        size_t len = (size_t)(rng() % (1 << 16));
        fill_random(buf, len, (int)(r % 2));
        run(an, buf, len, r % 2 ? "random pieces" : "random bytes");
    }
    free(buf);
}

/* 1 MB inputs without a single word boundary, and other worst cases. */
static void test_adversarial(an_analyzer *an)
{
    const size_t mb = 1u << 20;
    char *buf = malloc(mb + 8);
    static const struct { const char *unit; size_t want_tokens; } cases[] = {
        { "a", 0 },            /* one 1 MB word: skipped whole */
        { "я", 0 },
        { "1.", 0 },           /* one endless version number */
        { "\u0301", 0 },       /* marks without a base */
        { "\u00AD", 0 },       /* soft hyphens only */
        { "a\u0301", 0 },      /* a word of letters and marks */
        { "\xFF", 0 },
        { "\0", 0 },
        { "\uFDFA", 0 },       /* the widest compatibility expansion */
        { "a-", 1u << 19 },    /* half a million tiny glued words */
        { "日", 349525 },      /* every ideograph a word */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t ulen = strlen(cases[i].unit), len = 0;
        if (ulen == 0)
            ulen = 1;
        while (len + ulen <= mb) {
            memcpy(buf + len, cases[i].unit, ulen);
            len += ulen;
        }
        char what[64];
        snprintf(what, sizeof what, "1 MB of case %zu", i);
        size_t n = run(an, buf, len, what);
        CHECK(n == cases[i].want_tokens, "%s: %zu tokens, want %zu", what, n,
              cases[i].want_tokens);
    }
    free(buf);
}

int main(void)
{
    const char *seed = getenv("BS_FUZZ_SEED"), *rounds = getenv("BS_FUZZ_ROUNDS");
    rng_state = seed ? strtoull(seed, NULL, 0) : 0x9E3779B97F4A7C15u;
    if (rng_state == 0)
        rng_state = 1;
    an_analyzer *cached, *plain;
    if (an_new(&cached, 0) != 0 || an_new(&plain, AN_NO_CACHE) != 0) {
        fprintf(stderr, "an_new failed\n");
        return 1;
    }
    unsigned n = rounds ? (unsigned)strtoul(rounds, NULL, 10) : 200;
    test_random(cached, n);
    test_random(plain, n / 4);
    test_adversarial(cached);
    an_free(cached);
    an_free(plain);
    return test_report("test_fuzz");
}
