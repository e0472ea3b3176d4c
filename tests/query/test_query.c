/* test_query.c: the query language, table-driven: what each query parses to
 * (clauses with their analyzed terms, filters) and the message and position
 * of each bad query; date bounds; and snippets with their highlights. */
#include <stdlib.h>

#include "indexer/indexer.h"
#include "query/query.h"
#include "test.h"

static an_analyzer *an;

/* "w:term" a word, "p:a b" a phrase, "x:" prefix, with "+"/"-" and
 * "@title"; filters as tag=, cat=, author=, since=, until=; "OR" when any. */
static void render(const qry *q, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
#define PUT(...) n += (size_t)snprintf(out + n, n < cap ? cap - n : 0, __VA_ARGS__)
    for (size_t i = 0; i < q->n; i++) {
        const qclause *c = &q->c[i];
        PUT("%s%s%s:", n ? " " : "", c->mode == QC_MUST ? "+" : c->mode == QC_MUST_NOT ? "-" : "",
            c->prefix ? "x" : c->nterms > 1 ? "p" : "w");
        for (size_t t = 0; t < c->nterms; t++)
            PUT("%s%s", t ? "_" : "", c->terms[t]);
        if (c->field == BS_FIELD_TITLE)
            PUT("@title");
        if (c->all_stop)
            PUT("(stop)");
    }
    for (size_t i = 0; i < q->ntags; i++)
        PUT(" tag=%s", q->tags[i]);
    if (q->category)
        PUT(" cat=%s", q->category);
    if (q->author)
        PUT(" author=%s", q->author);
    char d[32];
    if (q->has_since) {
        date_format(q->since, d);
        PUT(" since=%s", d);
    }
    if (q->has_until) {
        date_format(q->until, d);
        PUT(" until=%s", d);
    }
    if (q->any)
        PUT(" OR");
#undef PUT
}

static const struct { int line; const char *in, *want; } good[] = {
#define G(in, want) { __LINE__, in, want }
    G("виртуализация docker", "w:виртуализац w:docker"),
    G("Виртуализацией DOCKER", "w:виртуализац w:docker"),       /* one analyzer */
    G("+kvm -podman", "+w:kvm -w:podman"),
    G("\"виртуальная машина\"", "p:виртуальн_машин"),
    G("-\"виртуальная машина\" kvm", "-p:виртуальн_машин w:kvm"),
    G("x86_64", "p:x86_64"),                                   /* glued parts: a phrase */
    G("кто-то", "p:кто_то(stop)"),
    G("Qemu/KVM", "p:qemu_kvm"),
    G("dock*", "x:dock"),
    G("Виртуал*", "x:виртуал"),                                 /* prefix: unstemmed, folded */
    G("title:docker", "w:docker@title"),
    G("title:\"домашний сервер\"", "p:домашн_сервер@title"),
    G("tag:docker kvm", "w:kvm tag=docker"),
    G("tag:\"success story\"", " tag=success story"),
    G("category:Виртуализация author:bookwar", " cat=Виртуализация author=bookwar"),
    G("since:2013 until:2014", " since=2013-01-01T00:00:00Z until=2014-12-31T23:59:59Z"),
    G("since:2016-02 until:2016-02", " since=2016-02-01T00:00:00Z until=2016-02-29T23:59:59Z"),
    G("until:2015-02", " until=2015-02-28T23:59:59Z"),
    G("since:2013-12-16", " since=2013-12-16T00:00:00Z"),
    G("docker OR podman", "w:docker w:podman OR"),
    G("docker or podman", "w:docker w:or(stop) w:podman"),     /* only OR is an operator */
    G("и docker", "w:и(stop) w:docker"),
    G("\"и в\" docker", "p:и_в(stop) w:docker"),
    G("ёлка", "w:елк"),
    G("  docker   ", "w:docker"),
    G("docker, kvm!", "w:docker w:kvm"),
    G("- docker", "w:docker"),                                 /* a lone - is punctuation */
    G("c++", "w:c"),
    G("и в на", "w:и w:в w:на"),                               /* nothing else left: */
    G("the and", "w:the w:and"),                               /* stopwords searched */
    G("что -docker", "w:что -w:docker"),
    G("что tag:docker", "w:что(stop) tag=docker"),             /* the filter is left */
#undef G
};

static const struct { int line; const char *in, *want; } bad[] = {
#define B(in, want) { __LINE__, in, want }
    B("", "query position 1: the query has no words"),
    B("   ", "no words"),
    B("docker \"виртуальная машина", "query position 8: unbalanced quote"),
    B("-docker", "query position 1: the query only excludes"),
    B("-docker -kvm", "only excludes"),
    B("color:red", "unknown field \"color:\""),
    B("docker since:2013-13", "query position 8: since: \"2013-13\" is not a date"),
    B("until:вчера", "is not a date"),
    B("since:2013-02-30", "is not a date"),
    B("since:2015 until:2014", "since: is after until:"),
    B("*", "a lone *"),
    B("tag:", "tag: needs a value"),
    B("-tag:docker kvm", "excluding by tag: is not supported"),
    B("tag:\"success", "unbalanced quote"),
    B("x86_64* docker", "a prefix search (word*) takes a single word"),
    B("docker \xFF", "not valid UTF-8"),
    B("a1 a2 a3 a4 a5 a6 a7 a8 a9 b1 b2 b3 b4 b5 b6 b7 b8 b9 c1 c2 c3 c4 c5 c6 c7 c8 c9 d1 "
      "d2 d3 d4 d5 d6 d7 d8 d9 e1 e2 e3 e4 e5 e6 e7 e8 e9 f1 f2 f3 f4 f5 f6 f7 f8 f9 g1 g2 "
      "g3 g4 g5 g6 g7 g8 g9 h1 h2", "query position 193: too many words"),
#undef B
};

/* qparse_lenient: what a search box sends while one types. Every bad query
 * above but the one that is not UTF-8 parses, to this; every good one as
 * qparse reads it. */
static const struct { int line; const char *in, *want; } lenient[] = {
#define L(in, want) { __LINE__, in, want }
    L("", ""),
    L("   ", ""),
    L("docker \"виртуальная машина", "w:docker p:виртуальн_машин"),    /* closed at the end */
    L("\"docker", "w:docker"),
    L("\"", ""),
    L("-docker", "-w:docker"),                                   /* matches nothing */
    L("-docker -kvm", "-w:docker -w:kvm"),
    L("color:red", "p:color_red"),                               /* not a field: words */
    L("https://docker.com/", "p:https_docker_com"),
    L("docker since:2013-13", "w:docker"),                       /* no date yet: no bound */
    L("until:вчера", ""),
    L("since:201", ""),
    L("since:2015 until:2014", " since=2015-01-01T00:00:00Z until=2014-12-31T23:59:59Z"),
    L("*", ""),
    L("docker *", "w:docker"),
    L("tag:", ""),
    L("title:", ""),
    L("title: docker", "w:docker"),
    L("-", ""),
    L("docker -", "w:docker"),
    L("-tag:docker kvm", "w:kvm"),
    L("tag:\"success", " tag=success"),
    L("tag:\"success story", " tag=success story"),
    L("x86_64* docker", "p:x86_64 w:docker"),
    L("dock*", "x:dock"),
#undef L
};

/* The row's text, parsed leniently, renders as want. */
static void lenient_gives(int line, const char *in, const char *want)
{
    qry q;
    char err[512] = "", got[1024];
    int rc = qparse_lenient(&q, an, in, NULL, err, sizeof err);
    render(&q, got, sizeof got);
    CHECK_AT(__FILE__, line, rc == BS_OK && strcmp(got, want) == 0,
             "lenient: \"%s\" gives %d \"%s\" (%s), want \"%s\"", in, rc, got, err, want);
    qry_free(&q);
}

static void test_lenient(void)
{
    for (size_t i = 0; i < sizeof lenient / sizeof lenient[0]; i++)
        lenient_gives(lenient[i].line, lenient[i].in, lenient[i].want);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        lenient_gives(good[i].line, good[i].in, good[i].want);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qry q;
        char err[512] = "";
        int rc = qparse_lenient(&q, an, bad[i].in, NULL, err, sizeof err);
        int utf8 = strstr(bad[i].want, "UTF-8") != NULL;
        CHECK_AT(__FILE__, bad[i].line, utf8 ? rc == BS_EQUERY : rc == BS_OK,
                 "lenient, bad row %zu: \"%s\" gives %d \"%s\"", i, bad[i].in, rc, err);
        /* the words past the most a query holds are dropped */
        if (rc == BS_OK && strstr(bad[i].want, "too many words"))
            CHECK_AT(__FILE__, bad[i].line, q.n == QRY_MAX_CLAUSES, "%zu words kept", q.n);
        qry_free(&q);
    }
    /* filters beside the text: a bad date there is still the caller's error */
    qry q;
    char err[512] = "";
    qry_filters f = { .since = "2015-13" };
    CHECK(qparse_lenient(&q, an, "docker", &f, err, sizeof err) == BS_EQUERY
          && strstr(err, "since"), "a bad since beside the text: %s", err);
    qry_free(&q);
}

/* Messages quote what was typed cut on a character, never inside one. */
static void test_message_cuts(void)
{
    static const char *const in[] = {
        "since:ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ",
        "docker since:aЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ",
        "until:bbbЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ",
    };
    /* into every size of buffer a caller may give, down to one byte */
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        for (size_t cap = 1; cap <= 512; cap++) {
            qry q;
            char err[512] = "";
            int rc = qparse(&q, an, in[i], err, cap);
            CHECK(rc == BS_EQUERY && utf8_valid(err, strlen(err)) && strlen(err) < cap
                  && (cap < 40 || strstr(err, "query position ")),
                  "\"%s\" into %zu bytes: the message is UTF-8: %s", in[i], cap, err);
            qry_free(&q);
        }
    }
    for (size_t cap = 1; cap <= 512; cap++) {
        qry q;
        char err[512] = "";
        qry_filters f = { .until = "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ" };
        CHECK(qparse_with(&q, an, "docker", &f, err, cap) == BS_EQUERY
              && utf8_valid(err, strlen(err)), "a long until beside the text, %zu bytes: %s",
              cap, err);
        qry_free(&q);
    }
}

/* A filter beside the text is text as the query is: one that is not UTF-8
 * is refused, named, and never quoted into the message. */
static void test_filter_bytes(void)
{
    static const char *const tags[] = { "ok", "ta\xFFg" };
    static const struct {
        int line;
        qry_filters f;
        const char *want;
    } rows[] = {
        { __LINE__, { .category = "кат\xD0" }, "the category filter is not valid UTF-8" },
        { __LINE__, { .author = "\xC0\xAFroot" }, "the author filter is not valid UTF-8" },
        { __LINE__, { .since = "2015\xFF" }, "the since filter is not valid UTF-8" },
        { __LINE__, { .until = "\xED\xA0\x80" }, "the until filter is not valid UTF-8" },
        { __LINE__, { .tags = tags, .ntags = 2 }, "the tag filter is not valid UTF-8" },
        { __LINE__, { .tags = tags, .ntags = 1 }, NULL },    /* the good tag alone */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int lenient_too = 0; lenient_too < 2; lenient_too++) {
            qry q;
            char err[512] = "";
            int rc = lenient_too ? qparse_lenient(&q, an, "docker", &rows[i].f, err, sizeof err)
                                 : qparse_with(&q, an, "docker", &rows[i].f, err, sizeof err);
            CHECK_AT(__FILE__, rows[i].line, rows[i].want ? rc == BS_EQUERY
                     && strcmp(err, rows[i].want) == 0 : rc == BS_OK,
                     "row %zu (lenient %d): %d \"%s\"", i, lenient_too, rc, err);
            qry_free(&q);
        }
}

/* Tag filters in the query and beside it count together: more than a query
 * holds is an error read strictly, the first QRY_MAX_TAGS read leniently. */
static void test_tags_beside(void)
{
    static const char *const beside[] = { "a", "b", "c", "d", "e", "f", "g", "h", "i" };
    static const struct {
        int line;
        size_t in_text, given;
    } rows[] = {
        { __LINE__, 8, 8 }, { __LINE__, 8, 9 }, { __LINE__, 0, 9 }, { __LINE__, 16, 0 },
        { __LINE__, 16, 1 }, { __LINE__, 9, 9 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        for (int soft = 0; soft < 2; soft++) {
            char text[512] = "docker";
            for (size_t t = 0; t < rows[i].in_text; t++)
                snprintf(text + strlen(text), sizeof text - strlen(text), " tag:t%zu", t);
            qry_filters f = { .tags = beside, .ntags = rows[i].given };
            qry q;
            char err[512] = "";
            int rc = soft ? qparse_lenient(&q, an, text, &f, err, sizeof err)
                             : qparse_with(&q, an, text, &f, err, sizeof err);
            size_t all = rows[i].in_text + rows[i].given;
            int over = all > QRY_MAX_TAGS;
            CHECK_AT(__FILE__, rows[i].line, over && !soft
                     ? rc == BS_EQUERY && strstr(err, "too many tag filters")
                     : rc == BS_OK && q.ntags == (over ? QRY_MAX_TAGS : all),
                     "row %zu (lenient %d): %d \"%s\", %zu tags", i, soft, rc, err, q.ntags);
            qry_free(&q);
        }
}

static void test_parse(void)
{
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        qry q;
        char err[512] = "", got[1024];
        int rc = qparse(&q, an, good[i].in, err, sizeof err);
        render(&q, got, sizeof got);
        CHECK_AT(__FILE__, good[i].line, rc == BS_OK && strcmp(got, good[i].want) == 0,
                 "row %zu: \"%s\" gives \"%s\" (%s), want \"%s\"", i, good[i].in, got, err,
                 good[i].want);
        qry_free(&q);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        qry q;
        char err[512] = "";
        int rc = qparse(&q, an, bad[i].in, err, sizeof err);
        CHECK_AT(__FILE__, bad[i].line, rc == BS_EQUERY && strstr(err, bad[i].want),
                 "row %zu: \"%s\" gives %d \"%s\", want \"%s\"", i, bad[i].in, rc, err,
                 bad[i].want);
        qry_free(&q);
    }
}

static void test_snippet(void)
{
    const char *text = "Первый абзац о погоде.\nПотом долго про виртуализацию и Docker, "
                       "и ещё раз про виртуализации. Конец.";
    char *terms[] = { "виртуализац", "docker" };
    snippet s;
    CHECK(snippet_make(&s, an, text, strlen(text), terms, 2, 60) == 0, "snippet_make");
    CHECK(s.nhl >= 2, "two or more highlights, got %zu", s.nhl);
    for (size_t i = 0; i < s.nhl; i++) {
        const char *w = s.text.p + s.hl[i].off;
        CHECK(strncmp(w, "виртуализац", strlen("виртуализац")) == 0 || strncmp(w, "Docker", 6) == 0,
              "highlight %zu is \"%.*s\"", i, (int)s.hl[i].len, w);
    }
    CHECK(utf8_valid(s.text.p, s.text.len), "the snippet is valid UTF-8");
    CHECK(strncmp(s.text.p, "\xE2\x80\xA6", 3) == 0, "cut at the start: begins with …: %s",
          s.text.p);
    CHECK(!strchr(s.text.p, '\n'), "line breaks read as spaces");
    snippet_free(&s);

    /* nothing matches: the opening words */
    char *none[] = { "квант" };
    CHECK(snippet_make(&s, an, text, strlen(text), none, 1, 30) == 0 && s.nhl == 0
          && strncmp(s.text.p, "Первый абзац", strlen("Первый абзац")) == 0,
          "no match: the opening, got \"%s\"", s.text.p);
    snippet_free(&s);

    /* an empty text */
    CHECK(snippet_make(&s, an, "", 0, terms, 2, 30) == 0 && s.text.len == 0, "empty text");
    snippet_free(&s);
}

int main(void)
{
    if (an_new(&an, 0) != 0)
        return 1;
    test_parse();
    test_lenient();
    test_message_cuts();
    test_filter_bytes();
    test_tags_beside();
    test_snippet();
    an_free(an);
    printf("rows: %zu good, %zu bad\n", sizeof good / sizeof good[0], sizeof bad / sizeof bad[0]);
    return test_report("test_query");
}
