/* test_suggest.c: completions of the word being typed through the public
 * API (bs_suggest). A small blog written from memory, dated so that the
 * newest post is known; for a table of texts typed so far, the words
 * offered (in order, with their posts) and the titles must be exactly
 * those written down: Cyrillic and Latin, ё, a stem that no post writes
 * (виртуализац, happi), one letter, a prefix of no term, a text that ends
 * in a space or punctuation, only the last word completed. Then the
 * options, and the errors. Rows carry their __LINE__. */
#include <string.h>

#include "blog.h"

typedef struct {
    const char *slug, *title, *date, *body;
} spost;

static const spost corpus[] = {
    { "virt-home", "Виртуализация дома", "2020-03-01",
      "Виртуализация на KVM: виртуальные машины." },
    { "virt-cloud", "Виртуализация в облаке", "2021-03-01",
      "Облачная виртуализация дешевле железа." },
    { "containers", "Контейнеры против виртуализации", "2022-03-01",
      "Контейнеры docker легче, чем виртуальные машины." },
    { "compose", "Docker Compose", "2019-03-01",
      "docker compose поднимает контейнеры; dockerfile описывает образ." },
    { "dockerfile", "Dockerfile без боли", "2018-03-01", "Dockerfile и docker build." },
    { "hedgehog", "Ёжик в тумане", "2017-03-01", "Ёлка, ёжик и ежевика." },
    { "happy", "Happy hacking", "2016-03-01", "Happy users are happier; happiness." },
    { "notes", "Заметки", "2015-03-01", "Про всё понемногу: виртуалка на ноутбуке." },
};
#define NPOSTS (sizeof corpus / sizeof corpus[0])

static void build(bs_writer *w)
{
    for (size_t i = 0; i < NPOSTS; i++) {
        char path[128];
        snprintf(path, sizeof path, "/blog/%s.md", corpus[i].slug);
        int y, m, d;
        sscanf(corpus[i].date, "%d-%d-%d", &y, &m, &d);
        bs_post p = BS_POST_INIT;
        p.path = path;
        p.title = corpus[i].title;
        p.slug = corpus[i].slug;
        char url[128];
        snprintf(url, sizeof url, "/posts/%s/", corpus[i].slug);
        p.url = url;
        p.has_date = 1;
        p.date = (int64_t)((y - 1970) * 365.25 + (m - 1) * 30.5 + d) * 86400;
        p.body = corpus[i].body;
        p.body_len = strlen(corpus[i].body);
        p.format = BS_FORMAT_MARKDOWN;
        CHECK(bs_writer_put(w, &p) == BS_OK, "put %s: %s", path, bs_errmsg());
    }
}

static const struct {
    int line;
    const char *text;
    const char *prefix;       /* the word completed, as typed */
    const char *words;        /* "word posts, word posts" in order; "" none */
    const char *titles;       /* slugs, newest first, ", " between; "" none */
} rows[] = {
#define R(text, prefix, words, titles) { __LINE__, text, prefix, words, titles }
    /* a stem posts never write: виртуализац is shown as виртуализация */
    R("вирт", "вирт", "виртуализация 3, виртуальные 2, виртуалка 1",
      "containers, virt-cloud, virt-home"),
    R("Вирт", "Вирт", "виртуализация 3, виртуальные 2, виртуалка 1",
      "containers, virt-cloud, virt-home"),
    /* the word whole still counts; a title of виртуализации has its term, no
     * word that starts with it */
    R("виртуализация", "виртуализация", "виртуализация 3", "virt-cloud, virt-home"),
    /* typed past the stem: the stem's word that goes on as typed */
    R("виртуализаци", "виртуализаци", "виртуализация 3", "containers, virt-cloud, virt-home"),
    R("виртуальн", "виртуальн", "виртуальные 2", ""),
    /* Latin; case folded; only the last word, whatever comes before */
    R("dock", "dock", "docker 3, dockerfile 2", "compose, dockerfile"),
    R("DOCK", "DOCK", "docker 3, dockerfile 2", "compose, dockerfile"),
    R("kvm виртуализация dock", "dock", "docker 3, dockerfile 2", "compose, dockerfile"),
    R("title:dock", "dock", "docker 3, dockerfile 2", "compose, dockerfile"),
    R("docker", "docker", "docker 3, dockerfile 2", "compose, dockerfile"),
    R("dockerf", "dockerf", "dockerfile 2", "dockerfile"),
    /* ё as е, typed either way; of as many posts, the shorter first */
    R("ёж", "ёж", "ежик 1, ежевика 1", "hedgehog"),
    R("еж", "еж", "ежик 1, ежевика 1", "hedgehog"),
    R("ёлк", "ёлк", "елка 1", ""),
    /* an English stem that is no word (happi): the word posts write for it */
    R("happy", "happy", "happy 1", "happy"),
    R("happ", "happ", "happy 1, happier 1", "happy"),
    /* a stopword is never offered: not про, which notes writes */
    R("пр", "пр", "против 1", "containers"),
    /* nothing to complete */
    R("д", "д", "", ""),                 /* one letter */
    R("qwzx", "qwzx", "", ""),           /* no term starts so */
    R("dock ", "", "", ""),              /* ends in a space: the word is done */
    R("dock\t", "", "", ""),
    R("dock\xc2\xa0", "", "", ""),       /* a no-break space too */
    R("dock,", "", "", ""),              /* ends in punctuation */
    R("dock*", "", "", ""),
    R("", "", "", ""),
    R("   ", "", "", ""),
#undef R
};

/* "a 1, b 2" of what s offers, and the slugs of its titles */
static void describe(const bs_suggestions *s, char *words, size_t wlen, char *titles,
                     size_t tlen)
{
    const char *w, *t, *u;
    uint64_t n;
    size_t at = 0;
    words[0] = titles[0] = '\0';
    for (size_t i = 0; bs_suggestions_word(s, i, &w, &n) == BS_OK && at < wlen; i++)
        at += (size_t)snprintf(words + at, wlen - at, "%s%s %llu", i ? ", " : "", w,
                               (unsigned long long)n);
    at = 0;
    for (size_t i = 0; bs_suggestions_title(s, i, &t, &u) == BS_OK && at < tlen; i++) {
        /* the slug, from the URL /posts/SLUG/ */
        size_t ul = strlen(u);
        const char *slug = ul > 8 ? u + 7 : u;
        at += (size_t)snprintf(titles + at, tlen - at, "%s%.*s", i ? ", " : "",
                               (int)(ul > 8 ? ul - 8 : ul), slug);
    }
}

static void test_rows(bs_index *ix)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_suggestions *s = NULL;
        int rc = bs_suggest(ix, rows[i].text, NULL, &s);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK && s, "row %zu [%s]: %d %s", i,
                 rows[i].text, rc, bs_errmsg());
        if (!s)
            continue;
        char words[1024], titles[1024];
        describe(s, words, sizeof words, titles, sizeof titles);
        CHECK_AT(__FILE__, rows[i].line, strcmp(bs_suggestions_prefix(s), rows[i].prefix) == 0,
                 "row %zu [%s]: prefix [%s], want [%s]", i, rows[i].text,
                 bs_suggestions_prefix(s), rows[i].prefix);
        CHECK_AT(__FILE__, rows[i].line, strcmp(words, rows[i].words) == 0,
                 "row %zu [%s]: words [%s], want [%s]", i, rows[i].text, words, rows[i].words);
        CHECK_AT(__FILE__, rows[i].line, strcmp(titles, rows[i].titles) == 0,
                 "row %zu [%s]: titles [%s], want [%s]", i, rows[i].text, titles,
                 rows[i].titles);
        bs_suggestions_free(s);
    }
}

static void test_opts(bs_index *ix)
{
    /* fewer words, no titles; and titles alone, the same whatever the words
     * asked */
    static const struct {
        int line;
        size_t words, titles;
        const char *text, *want_words, *want_titles;
    } some[] = {
        { __LINE__, 1, 0, "вирт", "виртуализация 3", "" },
        { __LINE__, 2, 1, "вирт", "виртуализация 3, виртуальные 2", "containers" },
        { __LINE__, 0, 3, "dock", "", "compose, dockerfile" },
        { __LINE__, 1, 3, "вирт", "виртуализация 3", "containers, virt-cloud, virt-home" },
        { __LINE__, 0, 0, "вирт", "", "" },
    };
    bs_suggestions *s = NULL;
    char words[1024], titles[1024];
    for (size_t i = 0; i < sizeof some / sizeof some[0]; i++) {
        bs_suggest_opts o = BS_SUGGEST_OPTS_INIT;
        o.words = some[i].words;
        o.titles = some[i].titles;
        s = NULL;
        CHECK_AT(__FILE__, some[i].line, bs_suggest(ix, some[i].text, &o, &s) == BS_OK,
                 "opts %zu: %s", i, bs_errmsg());
        if (!s)
            continue;
        describe(s, words, sizeof words, titles, sizeof titles);
        CHECK_AT(__FILE__, some[i].line, strcmp(words, some[i].want_words) == 0
                 && strcmp(titles, some[i].want_titles) == 0
                 && bs_suggestions_word_count(s) <= some[i].words
                 && bs_suggestions_title_count(s) <= some[i].titles,
                 "opts %zu: [%s] [%s]", i, words, titles);
        bs_suggestions_free(s);
    }

    /* what is refused, *out left NULL */
    static const struct { int line; size_t words, titles; unsigned version; int want; } bad[] = {
        { __LINE__, 9, 3, BS_SUGGEST_OPTS_VERSION, BS_EINVAL },
        { __LINE__, 8, 4, BS_SUGGEST_OPTS_VERSION, BS_EINVAL },
        { __LINE__, 8, 3, 0, BS_EINVAL },                       /* not initialized */
        { __LINE__, 8, 3, BS_SUGGEST_OPTS_VERSION + 1, BS_EINVAL },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bs_suggest_opts b = { bad[i].version, bad[i].words, bad[i].titles };
        s = (bs_suggestions *)1;
        int rc = bs_suggest(ix, "dock", &b, &s);
        CHECK_AT(__FILE__, bad[i].line, rc == bad[i].want && !s && *bs_errmsg(),
                 "bad opts %zu: %d, %s", i, rc, bs_errmsg());
    }
    s = (bs_suggestions *)1;
    CHECK(bs_suggest(ix, "do\xffk", NULL, &s) == BS_EQUERY && !s
          && strstr(bs_errmsg(), "UTF-8"), "invalid UTF-8: %s", bs_errmsg());
    CHECK(bs_suggest(ix, "\xd0", NULL, &s) == BS_EQUERY && !s, "a cut sequence");
    CHECK(bs_suggest(ix, NULL, NULL, &s) == BS_EINVAL && !s, "NULL text");
    CHECK(bs_suggest(NULL, "dock", NULL, &s) == BS_EINVAL && !s, "NULL index");
    CHECK(bs_suggest(ix, "dock", NULL, NULL) == BS_EINVAL, "NULL out");
    const char *w, *u;
    uint64_t n;
    CHECK(bs_suggestions_word(NULL, 0, &w, &n) == BS_EINVAL, "word of NULL");
    CHECK(bs_suggestions_title(NULL, 0, &w, &u) == BS_EINVAL, "title of NULL");
    CHECK(bs_suggestions_word_count(NULL) == 0 && bs_suggestions_title_count(NULL) == 0
          && strcmp(bs_suggestions_prefix(NULL), "") == 0, "NULL has nothing");
    bs_suggestions_free(NULL);
}

int main(void)
{
    test_blog b;
    if (blog_begin(&b, "suggest") == 0) {
        build(b.w);
        blog_commit(&b);
        if (b.ix) {
            test_rows(b.ix);
            test_opts(b.ix);
        }
    }
    blog_end(&b);
    return test_report("test_suggest");
}
