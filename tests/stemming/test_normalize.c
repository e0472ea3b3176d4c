/* test_normalize.c: the UTF-8 decoder, word normalization and scripts, the
 * fast path against the general one, stemming by script, and the stopword
 * lists. Table-driven; a failing row prints its own line. */
#include <stdlib.h>

#include "stemming/stemming.h"
#include "test.h"

/* ---- utf8_decode ------------------------------------------------------------ */

static const struct { int line; const char *in; size_t len; int32_t cp; size_t used; } decode[] = {
#define D(in, cp, used) { __LINE__, in, sizeof(in) - 1, cp, used }
    D("A", 0x41, 1),
    D("\x00", 0, 1),                            /* NUL decodes; the tokenizer treats it as space */
    D("\xD0\x96", 0x0416, 2),                   /* Ж */
    D("\xE2\x82\xAC", 0x20AC, 3),               /* € */
    D("\xF0\x9F\x98\x80", 0x1F600, 4),          /* emoji */
    D("\xF4\x8F\xBF\xBF", 0x10FFFF, 4),         /* the last code point */
    D("\xC0\x80", UTF8_INVALID, 1),             /* overlong NUL */
    D("\xC1\xBF", UTF8_INVALID, 1),             /* overlong */
    D("\xE0\x9F\xBF", UTF8_INVALID, 1),         /* overlong 3-byte */
    D("\xF0\x8F\xBF\xBF", UTF8_INVALID, 1),     /* overlong 4-byte */
    D("\xED\xA0\x80", UTF8_INVALID, 1),         /* surrogate U+D800 */
    D("\xED\xBF\xBF", UTF8_INVALID, 1),         /* surrogate U+DFFF */
    D("\xF4\x90\x80\x80", UTF8_INVALID, 1),     /* U+110000 */
    D("\xF5\x80\x80\x80", UTF8_INVALID, 1),
    D("\x80", UTF8_INVALID, 1),                 /* lone continuation */
    D("\xBF", UTF8_INVALID, 1),
    D("\xD0", UTF8_INVALID, 1),                 /* truncated */
    D("\xE2\x82", UTF8_INVALID, 1),
    D("\xD0\x41", UTF8_INVALID, 1),             /* continuation missing */
    D("\xFE", UTF8_INVALID, 1),
    D("\xFF", UTF8_INVALID, 1),
#undef D
};

static void test_decode(void)
{
    for (size_t i = 0; i < sizeof decode / sizeof decode[0]; i++) {
        const unsigned char *p = (const unsigned char *)decode[i].in;
        int32_t cp;
        size_t used = utf8_decode(p, p + decode[i].len, &cp);
        CHECK_AT(__FILE__, decode[i].line, cp == decode[i].cp && used == decode[i].used,
                 "decode row %zu: got U+%04X/%zu, want U+%04X/%zu", i, (unsigned)cp, used,
                 (unsigned)decode[i].cp, decode[i].used);
    }
    /* every valid scalar value survives encode then decode */
    int bad = 0;
    for (int32_t cp = 0; cp <= 0x10FFFF; cp++) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            continue;
        unsigned char b[4];
        size_t n = utf8_encode(cp, b);
        int32_t back;
        if (utf8_decode(b, b + n, &back) != n || back != cp)
            bad++;
    }
    CHECK(bad == 0, "%d code points do not round-trip", bad);
}

/* ---- norm_word -------------------------------------------------------------- */

static const struct { int line; const char *in; const char *want; int script; } norm[] = {
#define N(in, want, script) { __LINE__, in, want, script }
    N("Ёлка", "елка", NORM_CYRILLIC),
    N("ЙОД", "йод", NORM_CYRILLIC),
    N("и\u0306од", "йод", NORM_CYRILLIC),       /* decomposed й composes */
    N("е\u0308ж", "еж", NORM_CYRILLIC),
    N("бе\u0301рег", "берег", NORM_CYRILLIC),
    N("вирту\u00ADализация", "виртуализация", NORM_CYRILLIC),
    N("Я", "я", NORM_CYRILLIC),
    N("Ё", "е", NORM_CYRILLIC),
    N("ЪЫЬЭЮ", "ъыьэю", NORM_CYRILLIC),
    N("Їжак", "їжак", NORM_CYRILLIC),           /* Ukrainian ї keeps its dots */
    N("сeрвер", "сервер", NORM_CYRILLIC),       /* Latin e repaired */
    N("ВИPТУАЛ", "виртуал", NORM_CYRILLIC),     /* Latin P repaired */
    N("Linuх", "linux", NORM_LATIN),            /* Cyrillic х repaired */
    N("Рython", "python", NORM_LATIN),
    N("XMLпарсер", "xmlпарсер", NORM_OTHER),    /* no repair possible */
    N("ＡＢＣ", "abc", NORM_LATIN),
    N("ﬁ", "fi", NORM_LATIN),
    N("\u212Aelvin", "kelvin", NORM_LATIN),
    N("Straße", "strasse", NORM_LATIN),
    N("café", "cafe", NORM_LATIN),
    N("cafe\u0301", "cafe", NORM_LATIN),
    N("naïve", "naïve", NORM_LATIN),            /* only stress accents go */
    N("DOCKER", "docker", NORM_LATIN),
    N("x86", "x86", NORM_NUMERIC),
    N("3.0", "3.0", NORM_NUMERIC),
    N("х86", "х86", NORM_NUMERIC),              /* one script only: left as typed */
    N("²", "2", NORM_NUMERIC),
    N("٣", "٣", NORM_NUMERIC),                  /* Arabic-Indic three is a digit */
    N("日", "日", NORM_OTHER),
    N("ΣΟΦΙΑ", "σοφια", NORM_OTHER),
    N("Ⅻ", "xii", NORM_LATIN),                  /* Roman numeral folds to letters */
#undef N
};

static void test_norm(void)
{
    for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++) {
        char out[NORM_MAX_BYTES + 1];
        int script = -1;
        int n = norm_word(norm[i].in, strlen(norm[i].in), out, &script);
        CHECK_AT(__FILE__, norm[i].line,
                 n >= 0 && strcmp(out, norm[i].want) == 0 && script == norm[i].script,
                 "norm row %zu: \"%s\" gives \"%s\" script %d, want \"%s\" script %d", i,
                 norm[i].in, n >= 0 ? out : "(none)", script, norm[i].want, norm[i].script);
    }
    /* a word whose normalization outgrows NORM_MAX_BYTES is refused, not cut */
    char big[40 * 3 + 1] = "", out[NORM_MAX_BYTES + 1];
    for (int i = 0; i < 40; i++)
        strcat(big, "\uFDFA");                  /* 18 code points each under NFKC */
    int script;
    CHECK(norm_word(big, strlen(big), out, &script) == -1, "oversized normalization refused");
}

/* The table-driven fast path must agree with utf8proc on every word built
 * from the characters it handles: all pairs and a sample of triples. */
static void test_fast_equals_slow(void)
{
    int32_t cps[200];
    size_t n = 0;
    for (int32_t c = '0'; c <= '9'; c++) cps[n++] = c;
    for (int32_t c = 'A'; c <= 'Z'; c++) cps[n++] = c;
    for (int32_t c = 'a'; c <= 'z'; c++) cps[n++] = c;
    for (int32_t c = 0x0400; c <= 0x045F; c++) cps[n++] = c;
    cps[n++] = 0x0301;
    cps[n++] = 0x00AD;

    int bad = 0, checked = 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < n; k += (i + j) % 7 + 1) {
                unsigned char w[16];
                size_t len = utf8_encode(cps[i], w);
                len += utf8_encode(cps[j], w + len);
                len += utf8_encode(cps[k], w + len);
                char fast[NORM_MAX_BYTES + 1], slow[NORM_MAX_BYTES + 1];
                int sf = 0, ss = 0;
                int nf = norm_word((char *)w, len, fast, &sf);
                int ns = norm_word_slow((char *)w, len, slow, &ss);
                checked++;
                if (nf != ns || (nf >= 0 && (strcmp(fast, slow) != 0 || sf != ss))) {
                    if (bad++ < 5)
                        fprintf(stderr, "fast/slow differ on %.*s: \"%s\"/%d vs \"%s\"/%d\n",
                                (int)len, (char *)w, nf >= 0 ? fast : "", sf,
                                ns >= 0 ? slow : "", ss);
                }
            }
        }
    }
    CHECK(bad == 0 && checked > 100000, "%d of %d words differ between fast and slow paths",
          bad, checked);
}

/* ---- stem_word by script ---------------------------------------------------- */

static const struct { int line; int script; const char *in, *want; } stems[] = {
#define S(script, in, want) { __LINE__, script, in, want }
    S(NORM_CYRILLIC, "виртуализацией", "виртуализац"),
    S(NORM_CYRILLIC, "контейнеров", "контейнер"),
    S(NORM_CYRILLIC, "дистрибутив", "дистрибутив"),   /* -ив kept whole */
    S(NORM_CYRILLIC, "жив", "жив"),                   /* too short for the rule */
    S(NORM_CYRILLIC, "коммит", "коммит"),             /* -ит kept: no verb has мм there */
    S(NORM_CYRILLIC, "коммите", "коммит"),            /* ...and -ите less its е */
    S(NORM_CYRILLIC, "тулкит", "тулкит"),             /* nor к */
    S(NORM_CYRILLIC, "дефиците", "дефицит"),          /* nor ц */
    S(NORM_CYRILLIC, "бронхит", "бронхит"),           /* nor х */
    S(NORM_CYRILLIC, "менингит", "менингит"),         /* nor г */
    S(NORM_CYRILLIC, "артериит", "артериит"),         /* nor и */
    S(NORM_CYRILLIC, "кредит", "кредит"),             /* a listed noun */
    S(NORM_CYRILLIC, "кредите", "кредит"),
    S(NORM_CYRILLIC, "утилит", "утилит"),             /* genitive plural of утилита */
    S(NORM_CYRILLIC, "кредиты", "кредит"),            /* Snowball keeps -ит itself here */
    S(NORM_CYRILLIC, "вредит", "вред"),               /* a verb: Snowball's stem */
    S(NORM_CYRILLIC, "вредите", "вред"),
    S(NORM_CYRILLIC, "говорит", "говор"),
    S(NORM_CYRILLIC, "жужжит", "жужж"),               /* жж doubles in a verb */
    S(NORM_CYRILLIC, "стоит", "сто"),                 /* a vowel before -ит: a verb */
    S(NORM_CYRILLIC, "кредитор", "кредитор"),         /* not -ит */
    S(NORM_CYRILLIC, "ит", "ит"),                     /* no letter before -ит */
    S(NORM_CYRILLIC, "ите", "ит"),
    S(NORM_LATIN, "running", "run"),
    S(NORM_LATIN, "virtualization", "virtual"),
    S(NORM_NUMERIC, "x86", "x86"),                    /* not stemmed */
    S(NORM_NUMERIC, "1.7", "1.7"),
    S(NORM_OTHER, "xmlпарсеры", "xmlпарсеры"),        /* mixed: not stemmed */
    S(NORM_OTHER, "σοφια", "σοφια"),
    S(NORM_LATIN, "контейнеров", "контейнеров"),      /* english leaves Cyrillic alone */
#undef S
};

static void test_stem(void)
{
    stem_stemmers *st;
    CHECK(stem_new(&st) == 0, "stem_new");
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++) {
        char out[NORM_MAX_BYTES + 1];
        int n = stem_word(st, stems[i].script, stems[i].in, strlen(stems[i].in), out);
        CHECK_AT(__FILE__, stems[i].line, n >= 0 && strcmp(out, stems[i].want) == 0,
                 "stem row %zu: \"%s\" gives \"%s\", want \"%s\"", i, stems[i].in,
                 n >= 0 ? out : "(error)", stems[i].want);
    }
    stem_free(st);
    stem_free(NULL);
}

/* ---- stopword lists --------------------------------------------------------- */

static void test_stopwords(void)
{
    CHECK(stop_words_n > 250, "%zu stopwords compiled in", stop_words_n);
    for (size_t i = 0; i < stop_words_n; i++) {
        const char *w = stop_words[i];
        char out[NORM_MAX_BYTES + 1];
        int script;
        int n = norm_word(w, strlen(w), out, &script);
        CHECK(n >= 0 && strcmp(out, w) == 0, "stopword \"%s\" is not normalized (\"%s\")", w,
              n >= 0 ? out : "");
        CHECK(i == 0 || strcmp(stop_words[i - 1], w) < 0, "stopwords unsorted at \"%s\"", w);
        CHECK(stop_is_stopword(w, strlen(w)), "stopword \"%s\" not found", w);
    }
    static const char *not_stop[] = { "docker", "виртуализация", "linux", "система", "",
                                      "версия", "go", "test", "ааааа", "zzzz" };
    for (size_t i = 0; i < sizeof not_stop / sizeof not_stop[0]; i++)
        CHECK(!stop_is_stopword(not_stop[i], strlen(not_stop[i])), "\"%s\" taken for a stopword",
              not_stop[i]);
    static const char *stop[] = { "и", "в", "на", "не", "что", "это", "the", "and", "of", "еще" };
    for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
        CHECK(stop_is_stopword(stop[i], strlen(stop[i])), "\"%s\" missing from stopwords", stop[i]);
}

/* ---- word lists: the lookup, and the nouns in -ит ------------------------------ */

static void test_wordlist(void)
{
    static const char *const words[] = { "а", "аб", "абв", "б", "кредит" };
    static const struct { int line; const char *w; int want; } rows[] = {
#define W(w, want) { __LINE__, w, want }
        W("а", 1), W("кредит", 1), W("аб", 1), W("абв", 1), W("б", 1),
        W("", 0),
        W("абвг", 0),                                 /* a longer word */
        W("кред", 0),                                 /* a prefix of one */
        W("кредиты", 0),
        W("в", 0),                                    /* past the last */
#undef W
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        CHECK_AT(__FILE__, rows[i].line,
                 wl_has(words, 5, rows[i].w, strlen(rows[i].w)) == rows[i].want,
                 "wl_has row %zu: \"%s\" want %d", i, rows[i].w, rows[i].want);
    CHECK(!wl_has(words, 0, "а", strlen("а")), "an empty list has no word");
}

/* Every listed noun is normalized Cyrillic in -ит, sorted, found, and every
 * one of its cases stems to the noun itself. */
static void test_it_nouns(void)
{
    static const char *const ends[] = { "", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах", "ой" };
    stem_stemmers *st;
    CHECK(stem_new(&st) == 0, "stem_new");
    CHECK(stem_it_nouns_n > 50, "%zu nouns in -ит compiled in", stem_it_nouns_n);
    for (size_t i = 0; i < stem_it_nouns_n; i++) {
        const char *w = stem_it_nouns[i];
        size_t len = strlen(w);
        char out[NORM_MAX_BYTES + 1], form[NORM_MAX_BYTES + 1];
        int script;
        int n = norm_word(w, len, out, &script);
        CHECK(n >= 0 && strcmp(out, w) == 0 && script == NORM_CYRILLIC,
              "noun \"%s\" is not normalized Cyrillic (\"%s\")", w, n >= 0 ? out : "");
        CHECK(len > 4 && strcmp(w + len - 4, "ит") == 0, "noun \"%s\" does not end in -ит", w);
        CHECK(i == 0 || strcmp(stem_it_nouns[i - 1], w) < 0, "nouns unsorted at \"%s\"", w);
        CHECK(wl_has(stem_it_nouns, stem_it_nouns_n, w, len), "noun \"%s\" not found", w);
        for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
            snprintf(form, sizeof form, "%s%s", w, ends[e]);
            n = stem_word(st, NORM_CYRILLIC, form, strlen(form), out);
            CHECK(n >= 0 && strcmp(out, w) == 0, "\"%s\" gives \"%s\", want \"%s\"", form,
                  n >= 0 ? out : "(error)", w);
        }
    }
    stem_free(st);
}

int main(void)
{
    test_decode();
    test_norm();
    test_fast_equals_slow();
    test_stem();
    test_stopwords();
    test_wordlist();
    test_it_nouns();
    return test_report("test_normalize");
}
