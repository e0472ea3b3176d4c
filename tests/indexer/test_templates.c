/* test_templates.c: table-driven tests of the template pass (tmpl_strip,
 * indexer/markup/templates.c) and of where it finds code (cs_find,
 * codespans.c): each form of Hugo, Nikola, Liquid, Zola and Go template
 * syntax, what it keeps, the text that only looks like a template, then
 * markup_to_text end to end. Adversarial inputs with templates are
 * test_markup's, through the whole conversion. */
#include <time.h>

#include "indexer/markup/markup.h"
#include "test.h"

#define IN(s) s, sizeof(s) - 1

enum { SAME_LINES = 1, MORE_LINES = 0 };

static const struct {
    int line;
    markup_kind kind;
    const char *in;
    size_t len;
    const char *want;
    int same_lines;   /* the output has as many '\n' as the input */
} rows[] = {
#define MD(in, want, l) { __LINE__, MARKUP_MD, IN(in), want, l }
#define RST(in, want, l) { __LINE__, MARKUP_RST, IN(in), want, l }
#define HTML(in, want, l) { __LINE__, MARKUP_HTML, IN(in), want, l }
#define TXT(in, want, l) { __LINE__, MARKUP_TEXT, IN(in), want, l }
#define ORG(in, want, l) { __LINE__, MARKUP_ORG, IN(in), want, l }
    /* ---- Hugo shortcodes ---- */
    MD("До\n{{< youtube BBMeplaz0HA >}}\nпосле", "До\n\nпосле", SAME_LINES),  /* its line stays, empty */
    MD("{{< notice info >}}текст{{< /notice >}}", "текст", SAME_LINES),        /* a pair keeps what it wraps */
    MD("{{% notice info %}}\nтекст\n{{% /notice %}}", "\nтекст\n", SAME_LINES), /* the % form */
    MD("{{< notice note >}}\nтекст\n{{</ notice >}}", "\nтекст\n", SAME_LINES), /* bazhenov: "{{</ name >}}" closes */
    MD("a {{< br />}} b {{< hr/>}} c", "a  b  c", SAME_LINES),                /* self-closing */
    MD("{{< figure\n    src=\"a.png\"\n    caption=\"Схема сети\" >}}\nпосле",
       "Схема сети\n\n\nпосле", SAME_LINES),                                   /* over lines; the caption stays */
    MD("{{< fig \"Матрица неточностей\" >}}\n| a |\n{{</ fig >}}",
       "Матрица неточностей\n\n| a |\n", MORE_LINES),                          /* a caption is its own paragraph */
    MD("{{< notice note \"Is it safe?\" >}}", "Is it safe?", SAME_LINES),      /* a notice's title */
    MD("{{< image \"decode.png\" >}} {{< fig \"схема.png\" >}} {{< x \"a/b\" \"http://x.org/a b\" >}}", "  ",
       SAME_LINES),                                                            /* file names, paths, URLs are no words */
    MD("{{< fig \"F-мера ($ \\beta^2 = \\frac{1}{4} $)\" >}}", "F-мера ($ \\beta^2 = \\frac{1}{4} $)",
       SAME_LINES),                                                            /* bazhenov: TeX in a caption */
    MD("[текст]({{< ref \"posts/x.md\" >}})", "[текст]()", SAME_LINES),        /* a link to a post */
    MD("{{< figure src=\"a.png\" alt=\"Кот\" class=\"big wide\" >}}", "Кот", SAME_LINES),  /* only alt, title, caption... */
    MD("{{% post-list stop=5 %}}{{% /post-list %}}", "", SAME_LINES),          /* names with '-' */
    MD("{{< gallery/item \"Вид на море\" >}}", "Вид на море", SAME_LINES),     /* names with '/' */
    MD("Пишите {{</* youtube BBMeplaz0HA */>}} в тексте.",
       "Пишите youtube BBMeplaz0HA в тексте.", SAME_LINES),                    /* escaped: the text, no braces */
    MD("{{%/* notice */%}}", "notice", SAME_LINES),                            /* escaped % form */
    MD("```\n{{< youtube x >}}\n```", "```\n\n```", SAME_LINES),               /* Hugo runs shortcodes in code too */
    MD("{{< youtube x", "{{< youtube x", SAME_LINES),                          /* unclosed: text */
    MD("{{< a\n\nb >}}", "{{< a\n\nb >}}", SAME_LINES),                        /* no tag crosses a blank line */
    MD("{{< \"x\" >}} {{< >}} {{<-a >}}", "{{< \"x\" >}} {{< >}} {{<-a >}}", SAME_LINES),  /* no name */
    /* ---- Nikola shortcodes ---- */
    RST("{{% raw %}}{{% gist 2395294 %}}{{% /raw %}}", "{{% gist 2395294 %}}", SAME_LINES),  /* raw: as written */
    RST("    {{% raw %}}{{% chart Bar %}}\n    {{% /chart %}}{{% /raw %}}",
        "    {{% chart Bar %}}\n    {{% /chart %}}", SAME_LINES),              /* nikola-site manual, over lines */
    RST("{{% raw %}}<b>x</b>", "{{% raw %}}<b>x</b>", SAME_LINES),             /* unclosed raw: text */
    RST("См. {{% doc %}}тему <creating-a-theme>{{% /doc %}}.", "См. тему <creating-a-theme>.", SAME_LINES),
    /* ---- Liquid ---- */
    MD("{% include image.html name=\"a\" %}\nтекст", "\nтекст", SAME_LINES),   /* a tag */
    MD("{%- if x -%}да{%- else -%}нет{%- endif -%}", "да нет", SAME_LINES),    /* whitespace control; words stay apart */
    MD("Заголовок: {{ page.title | upcase }}.", "Заголовок: .", SAME_LINES),  /* output with a filter */
    MD("один{{ x }}два", "один два", SAME_LINES),                              /* joined words stay apart */
    MD("{{- site.url -}}/a", "/a", SAME_LINES),                                 /* trimmed output */
    MD("{% raw %}{{ page.title }} и {% if %}{% endraw %}", "{{ page.title }} и {% if %}", SAME_LINES),  /* raw as written */
    MD("{% raw %}{{ x }}", "{% raw %}", SAME_LINES),                           /* unclosed raw: its tag is text, the rest read */
    MD("a{% comment %}скрыто\nещё{% endcomment %}b", "a\nb", SAME_LINES),       /* comment: gone, its line breaks stay */
    MD("{% comment %}x", "{% comment %}x", SAME_LINES),                        /* unclosed comment: text */
    MD("{% gist 12345 %} и {% post_url 2010-07-21-name %}", " и ", SAME_LINES),  /* Octopress and Jekyll tags */
    MD("{% # заметка %}текст", "текст", SAME_LINES),                           /* an inline comment */
    MD("{% highlight ruby %}\nputs *x*\n{% endhighlight %}", "```\nputs *x*\n```", SAME_LINES),  /* a fenced block */
    MD("  {% highlight ruby %}\n  x\n  {% endhighlight %}\nпосле", "```\n  x\n```\nпосле", SAME_LINES),  /* fences at column 0 */
    MD("{% highlight md %}\n```\n{% endhighlight %}", "````\n```\n````", SAME_LINES),  /* a fence longer than any run in it */
    MD("см. {% highlight sh %}ls{% endhighlight %} тут", "см. \n```\nls\n```\n тут", MORE_LINES),  /* inline */
    MD("{% highlight liquid %}\n{% raw %}{{ page.title }}{% endraw %}\n{% endhighlight %}",
       "```\n{{ page.title }}\n```", SAME_LINES),                              /* raw inside */
    MD("{% highlight html %}\n<p>{{ x }}</p>{{< y >}}\n{% endhighlight %}",
       "```\n<p>{{ x }}</p>\n```", SAME_LINES),                                /* code: {{ x }} stays, shortcodes go */
    MD("{% codeblock lang:ruby Заголовок %}\nx = 1\n{% endcodeblock %}", "```\nx = 1\n```", SAME_LINES),  /* Octopress */
    MD("{% highlight ruby %}\nx", "{% highlight ruby %}\nx", SAME_LINES),      /* unclosed: text */
    RST("Текст.\n\n{% highlight python %}\nprint(1)\n  x\n{% endhighlight %}\n\nПосле.",
        "Текст.\n\n::\n\n    print(1)\n      x\n\n\nПосле.", MORE_LINES),       /* a literal block */
    HTML("<p>a</p>{% highlight c %}if (a < b && c){% endhighlight %}",
         "<p>a</p>\n<pre>if (a &lt; b &amp;&amp; c)</pre>", MORE_LINES),       /* escaped in <pre> */
    TXT("{% highlight c %}\nx;\n{% endhighlight %}", "\nx;\n", SAME_LINES),   /* plain text: the code */
    ORG("{{< highlight go >}}\nx := 1\n{{< /highlight >}}", "#+begin_src\nx := 1\n#+end_src", SAME_LINES),
    ORG("#+begin_src html\n{{ .Title }}{{< a >}}\n#+end_src\n~{{ b }}~ и {{ c }}",
        "#+begin_src html\n{{ .Title }}\n#+end_src\n~{{ b }}~ и ", SAME_LINES),  /* Org code */
    /* ---- Zola shortcodes ---- */
    MD("{{ youtube(id=\"dQw4w9WgXcQ\", autoplay=true) }}", "", SAME_LINES),  /* a call */
    MD("{{ figure(src=\"a.png\", caption=\"Подпись к рисунку\") }}", "Подпись к рисунку", SAME_LINES),
    MD("{% quote(author=\"Автор\") %}\nТело цитаты\n{% end %}", "\nТело цитаты\n", SAME_LINES),  /* a body */
    MD("{{/* youtube(id=\"x\") */}} и {%/* quote() */%}", "youtube(id=\"x\") и quote()", SAME_LINES),  /* escaped */
    /* ---- Go templates ---- */
    HTML("<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul>", "<ul><li></li></ul>", SAME_LINES),
    HTML("<a href=\"{{ .Permalink }}\">x</a>", "<a href=\"\">x</a>", SAME_LINES),  /* in an attribute */
    HTML("a{{/* комментарий\nдальше */}}b{{- /* c */ -}}", "a\nb", SAME_LINES),   /* comments go */
    TXT("Sitemap: {{ \"sitemap.xml\" | absURL }}", "Sitemap: ", SAME_LINES),   /* coding-overhead.ru robots.txt */
    HTML("<pre>{{ .Title }}</pre><code>{% if %}</code>", "<pre>{{ .Title }}</pre><code>{% if %}</code>",
         SAME_LINES),                                                          /* code in HTML */
    /* ---- template-like text in code stays ---- */
    MD("```\n   8: std::panicking::default_hook::{{closure}}\n```",
       "```\n   8: std::panicking::default_hook::{{closure}}\n```", SAME_LINES), /* blog.rust-lang.org */
    MD("функция `regex::compile::{{impl}}::new` и `{% if %}`",
       "функция `regex::compile::{{impl}}::new` и `{% if %}`", SAME_LINES),   /* code spans */
    MD("``a ` {{ x }}`` и {{ y }}", "``a ` {{ x }}`` и ", SAME_LINES),         /* a longer span holds a backtick */
    MD("Текст\n\n    {% if article %}\n    {{ article.title }}\n\nпосле {{ x }}",
       "Текст\n\n    {% if article %}\n    {{ article.title }}\n\nпосле ", SAME_LINES),  /* an indented block */
    MD("- пункт\n\n    {{ x }} продолжение", "- пункт\n\n     продолжение", SAME_LINES),  /* a list item's paragraph is no code */
    MD("> ```\n> {{ x }}\n> ```", "> ```\n> {{ x }}\n> ```", SAME_LINES),     /* a fence in a quote */
    MD("~~~\n{{ x }}\n~~~\n{{ y }}", "~~~\n{{ x }}\n~~~\n", SAME_LINES),       /* tildes; the fence closes */
    MD("<pre>{{ x }}</pre> {{ y }}", "<pre>{{ x }}</pre> ", SAME_LINES),       /* HTML in Markdown */
    RST("Шаблон::\n\n    {% if 'index' in pagekind %}\n    {{ author }}\n\nТекст {{ x }}",
        "Шаблон::\n\n    {% if 'index' in pagekind %}\n    {{ author }}\n\nТекст ", SAME_LINES),  /* nikola-site theming */
    RST(".. code-block:: html\n\n   {{ x }}\n\n{{ y }}", ".. code-block:: html\n\n   {{ x }}\n\n", SAME_LINES),
    RST(".. note::\n\n   {{ x }}", ".. note::\n\n   ", SAME_LINES),             /* a note is no code */
    RST("``{{ x }}`` и {{ y }}", "``{{ x }}`` и ", SAME_LINES),                 /* an inline literal */
    /* ---- text that only looks like a template ---- */
    MD("int a[2][2] = {{1, 2}, {3, 4}};", "int a[2][2] = {{1, 2}, {3, 4}};", SAME_LINES),  /* C initializers */
    MD("std::array<int, 2> v{{x, y}};", "std::array<int, 2> v{{x, y}};", SAME_LINES),
    MD("{{{ triple }}} и {{#each items}} и {{> partial}}", "{{{ triple }}} и {{#each items}} и {{> partial}}",
       SAME_LINES),                                                            /* Mustache */
    MD("run: ${{ secrets.TOKEN }}", "run: ${{ secrets.TOKEN }}", SAME_LINES),  /* GitHub Actions */
    MD("<div style={{color: 'red'}}>", "<div style={{color: 'red'}}>", SAME_LINES),  /* JSX */
    MD("$\\frac{{a}}{b}$", "$\\frac{{a}}{b}$", SAME_LINES),                    /* TeX */
    MD("a {{ b и {% c и {{ }} и {{}} и {%%} и {% %}", "a {{ b и {% c и {{ }} и {{}} и {%%} и {% %}", SAME_LINES),
    MD("printf(\"{%d}\", x); '{%s}' % y", "printf(\"{%d}\", x); '{%s}' % y", SAME_LINES),  /* format strings */
    MD("\"{{}}\".format() и format!(\"{{{}}}\", x)", "\"{{}}\".format() и format!(\"{{{}}}\", x)", SAME_LINES),
    MD("{% 1 %} {%-%} {% if\n\nx %}", "{% 1 %} {%-%} {% if\n\nx %}", SAME_LINES),
    MD("{{ a {{ b }}", "{{ a ", SAME_LINES),                                    /* the inner one is the tag */
};

static size_t count_nl(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += s[i] == '\n';
    return k;
}

static const char *kind_name(markup_kind k)
{
    return k == MARKUP_RST ? "rst" : k == MARKUP_MD ? "md" : k == MARKUP_HTML ? "html" :
           k == MARKUP_ORG ? "org" : "text";
}

/* Runs the pass on a copy of exactly len bytes, so a read past the end is
 * the sanitizers' to see; returns the result in got (NUL-terminated). */
static int strip(markup_kind kind, const char *in, size_t len, txt_buf *got)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    memcpy(copy, in, len);
    const char *p = copy;
    size_t n = len;
    txt_buf tmp = { 0 };
    int rc = tmpl_strip(kind, &p, &n, &tmp);
    buf_reset(got);
    buf_put(got, p, n);
    buf_putc(got, '\0');
    got->len--;
    buf_free(&tmp);
    free(copy);
    return rc;
}

static void test_rows(void)
{
    txt_buf got = { 0 };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int rc = strip(rows[i].kind, rows[i].in, rows[i].len, &got);
        CHECK_AT(__FILE__, rows[i].line, rc == 0 && strcmp(got.p, rows[i].want) == 0,
                 "%s row %zu: rc %d\n  in:   \"%s\"\n  got:  \"%s\"\n  want: \"%s\"",
                 kind_name(rows[i].kind), i, rc, rows[i].in, got.p, rows[i].want);
        if (rows[i].same_lines)
            CHECK_AT(__FILE__, rows[i].line, count_nl(got.p, got.len) == count_nl(rows[i].in, rows[i].len),
                     "%s row %zu: %zu lines in, %zu out", kind_name(rows[i].kind), i,
                     count_nl(rows[i].in, rows[i].len), count_nl(got.p, got.len));
        CHECK_AT(__FILE__, rows[i].line, utf8_valid(got.p, got.len), "row %zu: invalid UTF-8", i);
    }
    buf_free(&got);
}

/* A body with no "{{" or "{%" is not copied: the pass costs a scan. */
static void test_untouched(void)
{
    static const char body[] = "Текст { и } и %} и }} без шаблонов {";
    const char *p = body;
    size_t n = sizeof body - 1;
    txt_buf out = { 0 };
    CHECK(tmpl_strip(MARKUP_MD, &p, &n, &out) == 0 && p == body && n == sizeof body - 1 && !out.p,
          "a body without templates is left where it is");
    p = NULL;
    n = 0;
    CHECK(tmpl_strip(MARKUP_RST, &p, &n, &out) == 0 && p == NULL, "NULL stays NULL");
}

/* ---- where the code is ---------------------------------------------------- */

static const struct {
    int line;
    markup_kind kind;
    const char *in;
    const char *code;   /* the input with each byte of code as '#' */
} spans[] = {
#define SP(k, in, code) { __LINE__, k, in, code }
    SP(MARKUP_MD, "a `b` c", "a ### c"),                                  /* a code span */
    SP(MARKUP_MD, "a `` b ` c `` d", "a ########### d"),                  /* the same run closes it */
    SP(MARKUP_MD, "a ``b` c", "a ``b` c"),                                /* no closing run: no span */
    SP(MARKUP_MD, "`a\nb`\n\n`c", "#####\n\n`c"),                         /* over lines, not over a blank one */
    SP(MARKUP_MD, "x\n```sh\ny\n```\nz", "x\n############z"),             /* a fence with its lines */
    SP(MARKUP_MD, "```\ny", "#####"),                                     /* unclosed: to the end */
    SP(MARKUP_MD, "a\n\n    b\n\n    c\nd", "a\n\n#############d"),         /* an indented block, blank lines inside */
    SP(MARKUP_MD, "a\n    b", "a\n    b"),                                 /* no block inside a paragraph */
    SP(MARKUP_MD, "1. a\n\n   b\n\n       c", "1. a\n\n   b\n\n########"),   /* in a list: deeper than its text */
    SP(MARKUP_MD, "<pre>a</pre> <code>b</code> <prefix>", "############ ############## <prefix>"),
    SP(MARKUP_RST, "a::\n\n  b\n\n  c\nd", "a::\n\n#########d"),           /* a literal block */
    SP(MARKUP_RST, "a::\n\nb", "a::\n\nb"),                                /* nothing deeper: none */
    SP(MARKUP_RST, ".. code:: sh\n\n   x\ny", ".. code:: sh\n######y"),  /* a code directive */
    SP(MARKUP_RST, ".. note::\n\n   x", ".. note::\n\n   x"),              /* another directive */
    SP(MARKUP_RST, "a ``b`` `c`", "a ##### `c`"),                          /* inline literal, not interpreted text */
    SP(MARKUP_HTML, "<PRE class=x>a</PRE><code>", "####################<code>"),  /* any case; unclosed is none */
    SP(MARKUP_TEXT, "`a` <pre>b</pre>", "`a` <pre>b</pre>"),              /* plain text has no code */
    SP(MARKUP_ORG, "a\n#+BEGIN_SRC c\nx\n#+end_src\nb", "a\n##########################b"),  /* a source block */
    SP(MARKUP_ORG, "#+begin_example\nx", "#################"),          /* unclosed: to the end */
    SP(MARKUP_ORG, ": x\n:y", "####:y"),                                  /* fixed-width lines */
    SP(MARKUP_ORG, "a ~b c~ d =e= f=g= ~ h~ =i", "a ##### d ### f=g= ~ h~ =i"),  /* inline code */
};

static void test_spans(void)
{
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        size_t n = strlen(spans[i].in);
        span_list l = { 0 };
        cs_find(spans[i].kind, spans[i].in, n, &l);
        char *got = malloc(n + 1);
        memcpy(got, spans[i].in, n + 1);
        int sorted = 1;
        for (size_t k = 0; k < l.n; k++) {
            sorted &= l.v[k].b < l.v[k].e && l.v[k].e <= n && (k == 0 || l.v[k - 1].e < l.v[k].b);
            for (size_t j = l.v[k].b; j < l.v[k].e && j < n; j++)
                got[j] = '#';
        }
        CHECK_AT(__FILE__, spans[i].line, !l.oom && sorted && strcmp(got, spans[i].code) == 0,
                 "spans row %zu:\n  in:   \"%s\"\n  got:  \"%s\"\n  want: \"%s\"", i, spans[i].in, got,
                 spans[i].code);
        free(got);
        cs_free(&l);
    }
}

/* Where the code is, in linear time: runs of openers that never close. */
static void test_spans_linear(void)
{
    static const struct {
        markup_kind kind;
        const char *unit;
    } big[] = {
        { MARKUP_ORG, "=a ~b " }, { MARKUP_ORG, "a= b~ " }, { MARKUP_ORG, "#+begin_src\n" },
        { MARKUP_MD, "` `` ``` ```` " }, { MARKUP_MD, "```\n~~~\n" }, { MARKUP_RST, "``a " },
        { MARKUP_RST, "a::\n\n" }, { MARKUP_HTML, "<pre><code>" },
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        txt_buf b = { 0 };
        for (size_t k = 0; k < 100000; k++)
            buf_puts(&b, big[i].unit);
        span_list l = { 0 };
        clock_t t0 = clock();
        cs_find(big[i].kind, b.p, b.len, &l);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        CHECK(!l.oom && secs < 1.0, "%s: %zu bytes of \"%s\" take %.2f s", kind_name(big[i].kind), b.len,
              big[i].unit, secs);
        cs_free(&l);
        buf_free(&b);
    }
}

/* ---- end to end ---------------------------------------------------------- */

static const struct {
    int line;
    markup_kind kind;
    const char *in, *want;
} e2e[] = {
#define E2E(k, in, want) { __LINE__, k, in, want }
    E2E(MARKUP_RST, "Пример:\n\n::\n\n    {{% raw %}}{{% gist 2395294 %}}{{% /raw %}}\n\nТекст {{% doc %}}док{{% /doc %}}.",
        "Пример:\n\n{{% gist 2395294 %}}\n\nТекст док."),
    E2E(MARKUP_HTML, "<ul>{{ range .Pages }}<li>{{ .Title }}</li>{{ end }}</ul><p>Текст</p>", "Текст"),
    E2E(MARKUP_TEXT, "Строка {% gist 1 %}\nещё {{ x }}", "Строка\nещё"),
    E2E(MARKUP_MD, "До\n\n{{< youtube BBMeplaz0HA >}}\n\nПосле", "До\n\nПосле"),
    E2E(MARKUP_RST, "{% highlight python %}\nprint(1)\n{% endhighlight %}\n\nКонец.", "print(1)\n\nКонец."),
};

static void test_e2e(void)
{
    txt_buf out = { 0 };
    for (size_t i = 0; i < sizeof e2e / sizeof e2e[0]; i++) {
        buf_reset(&out);
        int rc = markup_to_text(e2e[i].kind, e2e[i].in, strlen(e2e[i].in), &out);
        const char *got = out.p ? out.p : "";
        CHECK_AT(__FILE__, e2e[i].line, rc == 0 && strcmp(got, e2e[i].want) == 0,
                 "e2e row %zu: rc %d\n  got:  \"%s\"\n  want: \"%s\"", i, rc, got, e2e[i].want);
    }
    buf_free(&out);
}

int main(void)
{
    test_rows();
    test_untouched();
    test_spans();
    test_spans_linear();
    test_e2e();
    return test_report("test_templates");
}
