/* test_translit.c: spellings in the other script. A table of words and a
 * spelling that must be among their first N variants, both directions;
 * words that give none; every variant valid UTF-8, of the target script
 * only and given once; a long word bounded. With -v, the time to make 32
 * variants of a 10-letter word. */
#include <time.h>

#include "query/query.h"
#include "test.h"

#define MAXV 64

typedef struct {
    char v[MAXV][NORM_MAX_BYTES + 1];
    size_t n;
    int script;
    int bad;              /* a variant that breaks the contract */
} got;

static int collect(const char *w, size_t len, int script, void *ctx)
{
    got *g = ctx;
    g->script = script;
    if (len != strlen(w) || !utf8_valid(w, len) || len > NORM_MAX_BYTES)
        g->bad = 1;
    const unsigned char *p = (const unsigned char *)w, *end = p + len;
    while (p < end) {
        int32_t c;
        p += utf8_decode(p, end, &c);
        int ok = script == NORM_LATIN ? c >= 'a' && c <= 'z' : c >= 0x430 && c <= 0x44F;
        if (!ok)
            g->bad = 1;
    }
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->v[i], w) == 0)
            g->bad = 1;
    if (g->n < MAXV)
        memcpy(g->v[g->n++], w, len + 1);
    return 0;
}

static const struct { int line; const char *in; int script; const char *want; size_t within; } rows[] = {
#define R(in, script, want, n) { __LINE__, in, script, want, n }
    R("докер", NORM_CYRILLIC, "docker", 16),
    R("кубернетес", NORM_CYRILLIC, "kubernetes", 1),
    R("федора", NORM_CYRILLIC, "fedora", 1),
    R("убунту", NORM_CYRILLIC, "ubuntu", 1),
    R("ансибл", NORM_CYRILLIC, "ansible", 1),
    R("системд", NORM_CYRILLIC, "systemd", 4),
    R("вейланд", NORM_CYRILLIC, "wayland", 16),
    R("гитхаб", NORM_CYRILLIC, "github", 16),
    R("линукс", NORM_CYRILLIC, "linux", 1),
    R("джава", NORM_CYRILLIC, "java", 1),
    R("питон", NORM_CYRILLIC, "python", 32),
    R("постгрес", NORM_CYRILLIC, "postgres", 1),
    R("нджинкс", NORM_CYRILLIC, "nginx", 8),
    R("энджинкс", NORM_CYRILLIC, "nginx", 32),
    R("гугл", NORM_CYRILLIC, "google", 8),
    R("ютуб", NORM_CYRILLIC, "youtube", 32),
    R("оракл", NORM_CYRILLIC, "oracle", 8),
    R("привет", NORM_CYRILLIC, "privet", 1),
    R("privet", NORM_LATIN, "привет", 1),
    R("virtualizatsiya", NORM_LATIN, "виртуализация", 1),
    R("shifrovanie", NORM_LATIN, "шифрование", 1),
    R("zhelezo", NORM_LATIN, "железо", 1),
    R("khorosho", NORM_LATIN, "хорошо", 1),
    R("ustanavlivaetsya", NORM_LATIN, "устанавливается", 1),
    R("docker", NORM_LATIN, "докер", 1),
    R("kubernetes", NORM_LATIN, "кубернетес", 1),
    R("fedora", NORM_LATIN, "федора", 1),
    R("ubuntu", NORM_LATIN, "убунту", 1),
    R("ansible", NORM_LATIN, "ансибл", 1),
    R("systemd", NORM_LATIN, "системд", 1),
    R("wayland", NORM_LATIN, "вейланд", 4),
    R("github", NORM_LATIN, "гитхаб", 16),
    R("linux", NORM_LATIN, "линукс", 1),
    R("java", NORM_LATIN, "джава", 1),
    R("python", NORM_LATIN, "питон", 1),
    R("postgres", NORM_LATIN, "постгрес", 1),
    R("nginx", NORM_LATIN, "нджинкс", 4),
    R("google", NORM_LATIN, "гугл", 4),
    R("x86", NORM_LATIN, NULL, 0),               /* digits: none */
    R("докер2", NORM_CYRILLIC, NULL, 0),
    R("αβγ", NORM_CYRILLIC, NULL, 0),            /* another script */
    R("docker", NORM_CYRILLIC, NULL, 0),         /* not of the script said */
    R("докер", NORM_LATIN, NULL, 0),
    R("doc-ker", NORM_LATIN, NULL, 0),
    R("", NORM_LATIN, NULL, 0),
#undef R
};

int main(int argc, char **argv)
{
    int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    static got g;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        memset(&g, 0, sizeof g);
        int n = translit_variants(rows[i].in, strlen(rows[i].in), rows[i].script, 32, collect, &g);
        CHECK_AT(__FILE__, rows[i].line, n == (int)g.n, "%s: returned %d, gave %zu", rows[i].in,
                 n, g.n);
        CHECK_AT(__FILE__, rows[i].line, !g.bad, "%s: a variant breaks the contract",
                 rows[i].in);
        if (!rows[i].want) {
            CHECK_AT(__FILE__, rows[i].line, n == 0, "%s: %d variants, want none", rows[i].in, n);
            continue;
        }
        CHECK_AT(__FILE__, rows[i].line, g.script != rows[i].script, "%s: same script",
                 rows[i].in);
        size_t at = g.n;
        for (size_t k = 0; k < g.n; k++)
            if (strcmp(g.v[k], rows[i].want) == 0) {
                at = k;
                break;
            }
        CHECK_AT(__FILE__, rows[i].line, at < rows[i].within,
                 "%s: \"%s\" is variant %zu of %zu, want among the first %zu (first: %s)",
                 rows[i].in, rows[i].want, at + 1, g.n, rows[i].within, g.n ? g.v[0] : "-");
        if (verbose)
            printf("%s → %s (variant %zu)\n", rows[i].in, rows[i].want, at + 1);
    }

    /* max bounds what is given; fn stops it */
    memset(&g, 0, sizeof g);
    CHECK(translit_variants("кубернетес", strlen("кубернетес"), NORM_CYRILLIC, 5, collect, &g) ==
              5, "max 5");
    memset(&g, 0, sizeof g);
    CHECK(translit_variants("кубернетес", strlen("кубернетес"), NORM_CYRILLIC, 0, collect, &g) ==
              0, "max 0");

    /* a 64-letter word: at most max variants, quickly (no timing asserted) */
    char longw[64 * 2 + 1] = "";
    for (int i = 0; i < 64; i++)
        strcat(longw, (const char *[]){"к", "и", "с", "е", "я", "щ", "у", "ж"}[i % 8]);
    for (size_t max = 1; max <= 64; max *= 4) {
        memset(&g, 0, sizeof g);
        int n = translit_variants(longw, strlen(longw), NORM_CYRILLIC, max, collect, &g);
        CHECK(n > 0 && (size_t)n <= max && !g.bad, "64 letters, max %zu: %d", max, n);
    }
    char longl[65];
    for (int i = 0; i < 64; i++)
        longl[i] = "shchyaeo"[i % 8];
    longl[64] = '\0';
    memset(&g, 0, sizeof g);
    int n = translit_variants(longl, 64, NORM_LATIN, 32, collect, &g);
    CHECK(n > 0 && n <= 32 && !g.bad, "64 Latin letters: %d", n);

    if (verbose) {
        const char *w10 = "виртуально";
        struct timespec a, b;
        int reps = 2000;
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (int r = 0; r < reps; r++) {
            g.n = 0;
            translit_variants(w10, strlen(w10), NORM_CYRILLIC, 32, collect, &g);
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) /
                    reps / 1e3;
        printf("32 variants of \"%s\": %.1f us each\n", w10, us);
    }
    return test_report("test_translit");
}
