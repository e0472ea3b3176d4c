/* test_post.c: post files to fields, table-driven: every header form
 * (Nikola RST, Nikola Markdown comment, .meta sidecars in both forms, YAML
 * front matter, Pelican RST and Markdown), drafts, and each kind of bad
 * input with the diagnostic and line it must give. */
#include <stdlib.h>

#include "indexer/indexer.h"
#include "test.h"

typedef struct {
    char text[4096];
    size_t len;
    int count;
} diags;

static void on_diag(void *ctx, const char *path, unsigned line, diag_level level, const char *msg)
{
    diags *d = ctx;
    d->count++;
    d->len += (size_t)snprintf(d->text + d->len, sizeof d->text - d->len, "%s:%u: %s: %s\n",
                               path, line, level == DIAG_ERROR ? "error" : "warning", msg);
}

static const struct {
    int line;
    const char *path, *in, *meta;
    size_t in_len;          /* 0: strlen(in) */
    const char *title, *slug, *date, *tags, *category, *author, *desc;
    int draft;
    const char *body_has;   /* a substring of the plain body, or "" for an empty body */
    const char *diag;       /* a substring of the diagnostics, or "" for none at all */
} rows[] = {
#define P(path, in, meta, title, slug, date, tags, cat, author, desc, draft, body, diag) \
    { __LINE__, path, in, meta, 0, title, slug, date, tags, cat, author, desc, draft, body, diag }
    /* Nikola reStructuredText */
    P("a.rst", ".. title: Виртуализация\n.. slug: virt\n.. date: 2013-12-16 00:48:01\n"
      ".. tags: kvm, Docker , success story\n.. category: Новости\n.. link:\n"
      ".. description: Кратко\n.. type: text\n.. author: bookwar\n\nТекст поста.\n", NULL,
      "Виртуализация", "virt", "2013-12-16T00:48:01Z", "kvm|Docker|success story", "Новости",
      "bookwar", "Кратко", 0, "Текст поста.", ""),
    P("a.rst", ".. title: Зона\n.. date: 2017-02-24 20:01:04 UTC+03:00\n\nТело\n", NULL,
      "Зона", "a", "2017-02-24T20:01:04+03:00", "", "", "", "", 0, "Тело", ""),  /* its offset */
    P("a.rst", ".. title: T\n.. date: 2019-05-02\n.. unknown_key: x\n.. x-custom: y\n\nbody\n",
      NULL, "T", "a", "2019-05-02T00:00:00Z", "", "", "", "", 0, "body", ""),  /* unknown keys: silent */
    P("a.rst", ".. title: First\n.. title: Second\n\nb\n", NULL,
      "Second", "a", "", "", "", "", "", 0, "b",
      "a.rst:2: warning: key \"title\" given again; the last value is kept"),
    P("a.rst", ".. title: T\n.. date: 31.02.2019\n\nb\n", NULL, "T", "a", "", "", "", "", "",
      0, "b", "a.rst:2: warning: date \"31.02.2019\""),
    P("a.rst", ".. title: T\n.. date: 2019-02-30\n\nb\n", NULL, "T", "a", "", "", "", "", "",
      0, "b", "indexed without a date"),
    P("a.rst", ".. title: T\n.. status: draft\n\nb\n", NULL, "T", "a", "", "", "", "", "", 1,
      "b", ""),
    P("a.rst", ".. title: T\n.. tags: linux, draft\n\nb\n", NULL, "T", "a", "", "linux|draft",
      "", "", "", 1, "b", ""),                       /* Nikola's draft tag */
    P("a.rst", ".. title: T\n.. tags: a, a, b\n\nb\n", NULL, "T", "a", "", "a|b", "", "", "",
      0, "b", ""),                                   /* a tag twice counts once */
    P("a.rst", "\xEF\xBB\xBF.. title: BOM\r\n.. slug: s\r\n\r\nТекст\r\nстрока\r\n", NULL,
      "BOM", "s", "", "", "", "", "", 0, "Текст\nстрока", ""),   /* BOM and CRLF */
    P("a.rst", ".. title: T\n\nПлохой \xFF байт\n", NULL, "T", "a", "", "", "", "", "", 0,
      "Плохой \xEF\xBF\xBD байт", "a.rst:3: warning: 1 invalid UTF-8 byte"),
    P("a.rst", ".. title: Только заголовок\n", NULL, "Только заголовок", "a", "", "", "", "",
      "", 0, "", "the post has no body"),
    P("a.rst", "Просто текст без заголовка.\nВторая строка.\n", NULL,
      "Просто текст без заголовка.", "a", "", "", "", "", "", 0, "Вторая строка",
      "a.rst:1: warning: no metadata header; the title is taken from the first line"),
    P("dir/my-post.rst", ".. slug: s\n\n", NULL, "my-post", "s", "", "", "", "", "", 0, "",
      "no title in the metadata; the title is taken from the file name"),
    P("a.rst", ".. title: T\n.. image:: x.png\n\nb\n", NULL, "T", "a", "", "", "", "", "", 0,
      "b", "a.rst:2: warning: line in the metadata header is not"),  /* the image is body */
    /* Nikola Markdown: the header in an HTML comment */
    P("a.md", "<!--\n.. title: Podman\n.. slug: podman\n.. date: 2021-07-09 10:00:00 UTC+03:00\n"
      ".. tags: podman, containers\n-->\n\nТекст про **Podman**.\n", NULL, "Podman", "podman",
      "2021-07-09T10:00:00+03:00", "podman|containers", "", "", "", 0, "Текст про Podman.", ""),
    P("a.md", "<!-- .. title: One line\n.. slug: x -->\nbody\n", NULL, "One line", "x", "", "",
      "", "", "", 0, "body", ""),
    P("a.md", "<!-- just a comment -->\nText\n", NULL, "Text", "a", "", "", "", "", "", 0,
      "Text", "no metadata header"),                 /* a comment, not a header */
    P("a.html", "<!--\n.. title: HTML post\n-->\n<p>Привет, <b>мир</b></p><script>x()</script>\n",
      NULL, "HTML post", "a", "", "", "", "", "", 0, "Привет, мир", ""),
    /* YAML front matter (Hugo, Jekyll) */
    P("a.md", "---\ntitle: \"Hugo: пост\"\ndate: 2022-11-03T09:15:00+03:00\ntags: [linux, "
      "'btrfs fs']\ncategories: [Файлы, Другое]\nauthor: Иван\nslug: hugo\ndraft: false\n---\n"
      "# Заголовок\n\nТекст\n", NULL, "Hugo: пост", "hugo", "2022-11-03T09:15:00+03:00",
      "linux|btrfs fs", "Файлы|Другое", "Иван", "", 0, "Текст", ""),   /* every category */
    P("a.md", "---\ntitle: Lists\ntags:\n  - backup\n  - \"monitoring\"\ncategories:\n  - Ops\n"
      "description: >\n  folded\n  text\n---\nbody\n", NULL, "Lists", "a", "", "backup|monitoring",
      "Ops", "", "folded text", 0, "body", ""),
    P("a.md", "---\ntitle: Jekyll\ncategories:\n- rhel\n- redhat\n- Fedora 18\ntags:\n- x\n---\nb\n",
      NULL, "Jekyll", "a", "", "x", "rhel|redhat|Fedora 18", "", "", 0, "b", ""),  /* block list */
    P("a.md", "---\ntitle: Q\ncategories: [\"a b\", 'c', d]\n---\nb\n", NULL, "Q", "a", "", "",
      "a b|c|d", "", "", 0, "b", ""),                 /* quoted items */
    P("a.md", "---\ntitle: E\ncategories: []\n---\nb\n", NULL, "E", "a", "", "", "", "", "", 0,
      "b", ""),                                      /* an empty list */
    P("a.md", "---\ntitle: O\ncategory: Один\n---\nb\n", NULL, "O", "a", "", "", "Один", "", "",
      0, "b", ""),
    P("a.md", "---\ntitle: T\ncategories:\n- a\ncategories: [b]\n---\nb\n", NULL, "T", "a", "",
      "", "b", "", "", 0, "b", "a.md:5: warning: key \"categories\" given again; the last value "
      "is kept"),
    P("a.md", "---\ntitle: D\ndraft: true\n---\nb\n", NULL, "D", "a", "", "", "", "", "", 1, "b",
      ""),
    P("a.md", "---\ntitle: J\npublished: false\n---\nb\n", NULL, "J", "a", "", "", "", "", "",
      1, "b", ""),                                   /* Jekyll's unpublished */
    P("a.md", "---\ntitle: N\nparams:\n  nested: 1\n  title: no\nsummary: S\n---\nb\n", NULL,
      "N", "a", "", "", "", "", "S", 0, "b", ""),    /* nested maps skipped */
    P("a.md", "---\ntitle: Open\nno end\n", NULL, "title: Open", "a", "", "", "", "", "", 0,
      "no end", "a.md:1: warning: front matter opened here is never closed"),  /* body text */
    P("a.md", "---\ntitle: X\n: bad\n---\nb\n", NULL, "X", "a", "", "", "", "", "", 0, "b",
      "a.md:3: warning: YAML front matter: did not find expected key"),
    /* YAML read as YAML: quotes, wrapped scalars, block scalars, lists */
    P("a.md", "---\ntitle: 'Euclid''s algorithm'\n---\nb\n", NULL, "Euclid's algorithm", "a",
      "", "", "", "", "", 0, "b", ""),
    P("a.md", "---\ntitle: A title wrapped\n  over two lines\ndescription: \"quoted and\n  wrapped\"\n"
      "---\nb\n", NULL, "A title wrapped over two lines", "a", "", "", "", "", "quoted and wrapped",
      0, "b", ""),
    P("a.md", "---\ntitle: \"'Кавычка' в начале\"\n---\nb\n", NULL, "'Кавычка' в начале", "a", "",
      "", "", "", "", 0, "b", ""),
    P("a.md", "---\ntitle: T\ndescription: |\n  line one\n  line two\n---\nb\n", NULL, "T", "a", "",
      "", "", "", "line one\nline two", 0, "b", ""),
    P("a.md", "---\ntitle: K\ntags: [a, b]\nkeywords: [seo, words]\n---\nb\n", NULL, "K", "a", "",
      "a|b", "", "", "", 0, "b", ""),                /* keywords are not tags */
    P("a.md", "---\ntitle: C\ncategories: [linux, 'kvm', backup]\n---\nb\n", NULL, "C", "a", "",
      "", "linux|kvm|backup", "", "", 0, "b", ""),   /* every one */
    P("a.md", "---\ntitle: 2024\ndraft: yes\n---\nb\n", NULL, "2024", "a", "", "", "", "", "", 1,
      "b", ""),                                      /* a number as a title; YAML 1.1 yes */
    P("a.md", "---\ntitle: T\ntags: one, two\n---\nb\n", NULL, "T", "a", "", "one|two", "", "", "",
      0, "b", ""),                                   /* a comma list in one string */
    P("a.md", "---\ntitle: A\ntitle: B\n---\nb\n", NULL, "B", "a", "", "", "", "", "", 0, "b",
      "a.md:3: warning: key \"title\" given again; the last value is kept"),
    P("a.rst", ".. title: T\n.. tags:\n.. tags: x, y\n\nb\n", NULL, "T", "a", "", "x|y", "", "",
      "", 0, "b", ""),                               /* an empty first value: no warning */
    P("a.md", "---\ntitle: [unclosed\n---\nb\n", NULL, "b", "a", "", "", "", "", "", 0, "b",
      "a.md:3: warning: YAML front matter:"),
    P("a.md", "---\n- just\n- a list\n---\nb\n", NULL, "b", "a", "", "", "", "", "", 0, "b",
      "the header is not a list of \"key: value\" lines"),
    P("a.md", "---\nbase: &b [x, y]\ntitle: Alias\ntags: *b\n---\nb\n", NULL, "Alias", "a", "",
      "x|y", "", "", "", 0, "b", ""),
    /* Hugo's JSON front matter */
    P("a.md", "{\n  \"title\": \"JSON: пост\",\n  \"tags\": [\"json\", \"hugo\"],\n  \"date\": "
      "\"2021-03-04T05:06:07+03:00\",\n  \"categories\": [\"web\"],\n  \"draft\": false\n}\n\nТекст "
      "**поста**.\n", NULL, "JSON: пост", "a", "2021-03-04T05:06:07+03:00", "json|hugo", "web", "", "", 0,
      "Текст поста.", ""),
    P("a.md", "{ \"title\": \"A\", \"title\": \"B\" }\nbody\n", NULL, "B", "a", "", "", "", "", "",
      0, "body", ""),                                /* the last value, as Hugo */
    P("a.md", "{{< youtube x >}}\nText\n", NULL, "Text", "a", "", "", "", "", "", 0,
      "Text", "no metadata header"),                 /* a shortcode is no JSON, nor a title */
    /* TOML front matter (Hugo, Zola) */
    P("a.md", "+++\ntitle = \"Zola\"\ndate = 2024-01-07T16:00:00+03:00\npath = \"2024/01/07/z\"\n"
      "[taxonomies]\ntags = [\"rust\", \"zola\"]\ncategories = [\"news\"]\n[extra]\nauthor = \"Ann\"\n"
      "+++\nbody\n", NULL, "Zola", "a", "2024-01-07T16:00:00+03:00", "rust|zola", "news", "Ann", "", 0,
      "body", ""),
    P("a.md", "+++\ntitle = \"T\"\ntitle = \"U\"\n+++\nbody\n", NULL, "T", "a", "", "", "", "", "", 0,
      "body", "a.md:3: warning: TOML front matter:"),  /* TOML forbids a key twice */
    P("content/Rust-1.88.0.md", "+++\npath = \"2025/06/26/Rust-1.88.0\"\ntitle = \"R\"\n+++\nb\n", NULL,
      "R", "Rust-1.88.0", "2025-06-26T00:00:00Z", "", "", "", "", 0, "b", ""),  /* a dated path */
    P("a.md", "---\ntitle: U\nurl: /blog/2016/06/28/x.html\n---\nb\n", NULL, "U", "a",
      "2016-06-28T00:00:00Z", "", "", "", "", 0, "b", ""),
    P("a.md", "---\ntitle: U\nurl: /blog/12016/06/28/x.html\n---\nb\n", NULL, "U", "a", "", "", "",
      "", "", 0, "b", ""),                           /* not a year */
    /* Org mode: keywords, or YAML front matter as Hugo allows */
    P("a.org", "#+TITLE: Заметки об Org\n#+DATE: 2024-02-03\n#+TAGS: :emacs:org:\n# a comment\n"
      "#+DESCRIPTION: Кратко\n\n* Заголовок\nТекст со [[https://orgmode.org][ссылкой]] и *жирным*.\n"
      "#+begin_src sh\n  ls -l\n#+end_src\n", NULL, "Заметки об Org", "a", "2024-02-03T00:00:00Z",
      "emacs|org", "", "", "Кратко", 0, "Текст со ссылкой и жирным.", ""),
    P("b/index.org", "---\ntitle: \"Org в бандле\"\ntags:\n  - linux\n---\n\n1. Шаг.\n   #+begin_src console\n"
      "   $ telnet host\n   #+end_src\n- Замените =<ip>= на адрес.\n", NULL, "Org в бандле", "b", "",
      "linux", "", "", "", 0, "Замените <ip> на адрес.", ""),
    P("c.org", "#+title: T\n#+filetags: a b\n#+begin_src c\nint x;\n#+end_src\n", NULL, "T", "c", "",
      "a|b", "", "", "", 0, "int x;", ""),
    /* the file's name and place */
    P("_posts/2009-03-03-lsof-netstat.md", "---\ntitle: L\n---\nb\n", NULL, "L", "lsof-netstat",
      "2009-03-03T00:00:00Z", "", "", "", "", 0, "b", ""),
    P("_posts/2009-03-03-x.md", "---\ntitle: L\ndate: 2010-01-02\nslug: own\n---\nb\n", NULL, "L",
      "own", "2010-01-02T00:00:00Z", "", "", "", "", 0, "b", ""),   /* the header wins */
    P("posts/ssh-tunnels/index.md", "---\ntitle: S\n---\nb\n", NULL, "S", "ssh-tunnels", "", "",
      "", "", "", 0, "b", ""),
    P("posts/2024-01-07-bundle/index.ru.md", "---\ntitle: S\n---\nb\n", NULL, "S", "bundle",
      "2024-01-07T00:00:00Z", "", "", "", "", 0, "b", ""),
    /* Pelican */
    P("a.rst", "Мой пост\n########\n\n:date: 2010-10-03 10:20\n:tags: thats, awesome\n"
      ":category: yeah\n:slug: my-post\n:summary: Short\n\nТело поста\n", NULL, "Мой пост",
      "my-post", "2010-10-03T10:20:00Z", "thats|awesome", "yeah", "", "Short", 0, "Тело поста",
      ""),
    P("a.md", "Title: Pelican MD\nDate: 2010-12-03 10:20\nTags: a, b\n\nBody\n", NULL,
      "Pelican MD", "a", "2010-12-03T10:20:00Z", "a|b", "", "", "", 0, "Body", ""),
    P("a.md", "Title: Заметка\nDate: 27.10.2024 21:12\nCategory: Заметки\n\nТекст\n", NULL,
      "Заметка", "a", "2024-10-27T21:12:00Z", "", "Заметки", "", "", 0, "Текст", ""),  /* dreamer20 */
    /* Nikola's other forms */
    P("a.rst", ".. title: T\n.. date: 05/05/2014 03:00:00 PM UTC\n.. category: Новости, Linux\n\nb\n",
      NULL, "T", "a", "2014-05-05T15:00:00Z", "", "Новости|Linux", "", "", 0, "b", ""),
    P("a.rst", ".. title: T\n.. category: A\n.. category: B\n\nb\n", NULL, "T", "a", "", "", "B",
      "", "", 0, "b", "a.rst:3: warning: key \"category\" given again; the last value is kept"),
    /* .meta sidecars */
    P("p/post.rst", "Текст поста\n", ".. title: Из sidecar\n.. date: 2014-06-05\n"
      ".. tags: btrfs\n", "Из sidecar", "post", "2014-06-05T00:00:00Z", "btrfs", "", "", "", 0,
      "Текст поста", ""),
    P("p/post.md", "Body\n", "Old style title\nold-slug\n2012-01-02 03:04:05\nx, y\n\nDesc\n",
      "Old style title", "old-slug", "2012-01-02T03:04:05Z", "x|y", "", "", "Desc", 0, "Body", ""),
    P("p/post.rst", "b\n", ".. title: M\n.. date: never\n", "M", "post", "", "", "", "", "", 0,
      "b", "p/post.meta:2: warning: date \"never\""),
#undef P
};

/* A NUL-separated list (tags, categories) as "a|b|c". */
static void join_list(const txt_buf *b, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *t = b->p; t && t < b->p + b->len; t += strlen(t) + 1)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "|" : "", t);
}

static size_t count_of(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

static const char *str(const txt_buf *b)
{
    return b->p ? b->p : "";
}

static void test_rows(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        post p;
        diags d = { .len = 0 };
        d.text[0] = '\0';
        post_opts o = { 0, on_diag, &d, NULL };
        post_init(&p);
        size_t len = rows[i].in_len ? rows[i].in_len : strlen(rows[i].in);
        int rc = post_parse(&p, rows[i].path, rows[i].in, len, rows[i].meta,
                            rows[i].meta ? strlen(rows[i].meta) : 0, &o);
        char tags[512], cats[512], date[DATE_FORMAT_BYTES] = "";
        join_list(&p.tags, tags, sizeof tags);
        join_list(&p.categories, cats, sizeof cats);
        if (p.has_date)
            date_format_at(p.date, p.tz_min, date);
        int line = rows[i].line;
        CHECK_AT(__FILE__, line, rc == 0, "row %zu: post_parse failed", i);
#define FIELD(got, want, name) \
        CHECK_AT(__FILE__, line, strcmp(got, want) == 0, "row %zu: %s \"%s\", want \"%s\"", i, \
                 name, got, want)
        FIELD(str(&p.title), rows[i].title, "title");
        FIELD(str(&p.slug), rows[i].slug, "slug");
        FIELD(date, rows[i].date, "date");
        FIELD(tags, rows[i].tags, "tags");
        FIELD(cats, rows[i].category, "categories");
        CHECK_AT(__FILE__, line, p.ncategories == (*cats ? 1 + count_of(cats, '|') : 0),
                 "row %zu: %zu categories", i, p.ncategories);
        FIELD(str(&p.author), rows[i].author, "author");
        FIELD(str(&p.description), rows[i].desc, "description");
#undef FIELD
        CHECK_AT(__FILE__, line, p.draft == rows[i].draft, "row %zu: draft %d", i, p.draft);
        if (rows[i].body_has[0])
            CHECK_AT(__FILE__, line, strstr(str(&p.body), rows[i].body_has) != NULL,
                     "row %zu: body \"%s\" lacks \"%s\"", i, str(&p.body), rows[i].body_has);
        else
            CHECK_AT(__FILE__, line, p.body.len == 0, "row %zu: body \"%s\", want none", i,
                     str(&p.body));
        if (rows[i].diag[0])
            CHECK_AT(__FILE__, line, strstr(d.text, rows[i].diag) != NULL,
                     "row %zu: diagnostics \"%s\" lack \"%s\"", i, d.text, rows[i].diag);
        else
            CHECK_AT(__FILE__, line, d.count == 0, "row %zu: unexpected diagnostics: %s", i,
                     d.text);
        post_free(&p);
    }
}

/* A date written without a zone is read in post_opts.zone at its own date;
 * one that states its zone keeps it. */
static void test_zone(void)
{
    static const struct { int line; const char *date, *want; } zoned[] = {
        { __LINE__, "2013-12-16 00:48:01", "2013-12-16T00:48:01+04:00" },   /* Moscow's +04 */
        { __LINE__, "2015-12-16 00:48:01", "2015-12-16T00:48:01+03:00" },   /* back to +03 */
        { __LINE__, "2017-02-24 20:01:04 UTC", "2017-02-24T20:01:04Z" },   /* stated: kept */
        { __LINE__, "27.10.2024 21:12", "2024-10-27T21:12:00+03:00" },
    };
    tz_zone *z;
    char err[512];
    if (tz_open(&z, "Europe/Moscow", err, sizeof err) != 0) {
        printf("skip: %s\n", err);
        return;
    }
    for (size_t i = 0; i < sizeof zoned / sizeof zoned[0]; i++) {
        char in[128], date[DATE_FORMAT_BYTES] = "";
        snprintf(in, sizeof in, ".. title: T\n.. date: %s\n\nb\n", zoned[i].date);
        post p;
        post_opts o = { z, NULL, NULL, NULL };
        post_init(&p);
        int rc = post_parse(&p, "a.rst", in, strlen(in), NULL, 0, &o);
        if (p.has_date)
            date_format_at(p.date, p.tz_min, date);
        CHECK_AT(__FILE__, zoned[i].line, rc == 0 && strcmp(date, zoned[i].want) == 0,
                 "zone row %zu: \"%s\" gives \"%s\", want \"%s\"", i, zoned[i].date, date,
                 zoned[i].want);
        post_free(&p);
    }
    tz_free(z);
}

static void test_kinds(void)
{
    static const struct { const char *path; int kind; } kinds[] = {
        { "a.rst", MARKUP_RST }, { "b.txt", MARKUP_RST }, { "c.md", MARKUP_MD },
        { "d.org", MARKUP_ORG },
        { "D.MARKDOWN", MARKUP_MD }, { "e.html", MARKUP_HTML }, { "f.htm", MARKUP_HTML },
        { "g.meta", -1 }, { "h.png", -1 }, { "rst", -1 }, { "i.rst.bak", -1 },
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        CHECK(post_kind_of(kinds[i].path) == kinds[i].kind, "kind of %s", kinds[i].path);
}

/* Any bytes at all: no crash, a title, valid UTF-8 fields (run under ASan). */
static void test_random(void)
{
    uint64_t x = 88172645463325252u;
    char buf[600];
    static const char *pieces[] = { ".. title: ", ".. tags: ", "---\n", "<!--", "-->", "\n",
                                    "\r\n", ":date: ", "title: ", "\xFF", "\0", "ё", "[", "]",
                                    "  - ", ".. date: 2019-01-01", "=====\n", "x" };
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        while (len < 500) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *p = pieces[x % (sizeof pieces / sizeof pieces[0])];
            size_t n = *p ? strlen(p) : 1;
            memcpy(buf + len, p, n);
            len += n;
        }
        post p;
        post_opts o = { 0, NULL, NULL, NULL };
        post_init(&p);
        const char *path = round % 3 == 0 ? "r.md" : round % 3 == 1 ? "r.rst" : "r.html";
        CHECK(post_parse(&p, path, buf, len, round % 5 == 0 ? buf : NULL, len / 2, &o) == 0,
              "random post %d", round);
        CHECK(p.title.len > 0, "random post %d has a title", round);
        post_free(&p);
    }
}

/* A tag longer than what follows a shorter one in the tags so far: the
 * duplicate check compares no bytes past the tags' buffer (run under
 * AddressSanitizer). Seven short tags take seven of the set's sixteen
 * slots, so some of the long tags tried land on one of them. */
static void test_long_tag(void)
{
    char in[800];
    for (char last = 'a'; last <= 'z'; last++) {
        char tag[301];
        memset(tag, 'x', 299);
        tag[299] = last;
        tag[300] = '\0';
        snprintf(in, sizeof in, ".. title: T\n.. tags: a, b, c, d, e, f, g, %s, %s\n\nb\n",
                 tag, tag);
        post p;
        post_opts o = { 0, NULL, NULL, NULL };
        post_init(&p);
        CHECK(post_parse(&p, "a.rst", in, strlen(in), NULL, 0, &o) == 0, "parse");
        const char *long_tag = p.tags.p ? p.tags.p + 14 : "";
        CHECK(p.ntags == 8 && strcmp(long_tag, tag) == 0,
              "the long tag ending in %c, once: %zu tags", last, p.ntags);
        post_free(&p);
    }
}

/* What is no post, and the URL a header's url or permalink gives. */
static void test_paths_urls(void)
{
    static const struct {
        int line;
        const char *path, *in, *prefix;
        const char *skip;       /* a substring of the skip reason, NULL: a post */
        const char *url;        /* the URL stored, with prefix */
    } cases[] = {
#define U(path, in, prefix, skip, url) { __LINE__, path, in, prefix, skip, url }
        U("content/_index.md", "---\ntitle: Posts\n---\nlist\n", "", "a list page", ""),
        U("content/posts/_index.ru.md", "---\ntitle: P\n---\nb\n", "", "a list page", ""),
        U("README.md", "# A repository\n\ntext\n", "", "a repository's document", ""),
        U("stories/license.rst", ".. title: License\n\ntext\n", "", NULL, ""),  /* a page */
        U("extra/robots.txt", "User-agent: *\nDisallow:\n", "", "a .txt file with no", ""),
        U("a.md", "---\ntitle: T\nurl: posts/why\n---\nb\n", "", NULL, "/posts/why"),
        U("a.md", "---\ntitle: T\nurl: /posts/why/\n---\nb\n", "https://x.org/", NULL,
          "https://x.org/posts/why/"),
        U("a.md", "---\ntitle: T\nurl: posts/why/\n---\nb\n", "https://x.org", NULL,
          "https://x.org/posts/why/"),
        U("a.md", "---\ntitle: T\nurl: https://elsewhere.org/p\n---\nb\n", "/blog/", NULL,
          "https://elsewhere.org/p"),
        U("a.rst", ".. title: T\n.. link: https://source.example/x\n\nb\n", "/posts/", NULL,
          "/posts/a/"),                          /* Nikola's link is not the URL */
        U("_posts/2009-01-28-varicad.md", "---\ntitle: V\npermalink: /:year/:month/:title/\n---\nb\n",
          "", NULL, "/2009/01/varicad/"),
        U("_posts/2016-06-28-merge.md", "---\ntitle: M\ncategories: [blog, java]\n"
          "permalink: /:categories/:year/:month/:day/:title.html\n---\nb\n", "", NULL,
          "/blog/java/2016/06/28/merge.html"),
        U("_posts/2016-06-28-merge.md", "---\ntitle: M\npermalink: pretty\n---\nb\n", "", NULL,
          "/2016/06/28/merge/"),
        U("a.md", "+++\ntitle = \"Z\"\n+++\nb\n", "", NULL, ""),
#undef U
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        post p;
        post_init(&p);
        post_opts o = { 0, NULL, NULL, NULL };
        CHECK(post_parse(&p, cases[i].path, cases[i].in, strlen(cases[i].in), NULL, 0, &o) == 0,
              "line %d: parse", cases[i].line);
        if (cases[i].skip)
            CHECK(p.skip && strstr(p.skip, cases[i].skip), "line %d: skip \"%s\", want \"%s\"",
                  cases[i].line, p.skip ? p.skip : "(a post)", cases[i].skip);
        else
            CHECK(!p.skip, "line %d: skipped: %s", cases[i].line, p.skip);
        txt_buf url = { 0 };
        post_url(&url, cases[i].prefix, &p);
        CHECK(strcmp(url.p ? url.p : "", cases[i].url) == 0, "line %d: url \"%s\", want \"%s\"",
              cases[i].line, url.p ? url.p : "", cases[i].url);
        buf_free(&url);
        post_free(&p);
    }
}

int main(void)
{
    test_paths_urls();
    test_rows();
    test_zone();
    test_kinds();
    test_random();
    test_long_tag();
    printf("rows: %zu\n", sizeof rows / sizeof rows[0]);
    return test_report("test_post");
}
