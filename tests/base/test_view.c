/* test_view.c: the results-page value tree, table-driven: the JSON of every
 * kind of value (escaping, numbers, nesting, left-out members, indenting),
 * templates rendered against one fixed tree, the line and message of each
 * template error, and a large tree and template for size. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "web/web.h"
#include "test.h"

static view *v;

/* ---- JSON ---- */

static txt_buf jbuf;

/* n as JSON; the text lasts until the next call */
static const char *json_of(const vnode *n, int indent)
{
    buf_reset(&jbuf);
    if (view_json(&jbuf, n, indent) != 0)
        return "(error)";
    return jbuf.p;
}

static void json_rows(void)
{
    static const char nasty[] = "a\"b\\c\n\t\x01/\x7f";
    const struct { int line; const vnode *n; const char *want; } rows[] = {
#define J(n, want) { __LINE__, n, want }
        J(vn_null(v), "null"),
        J(NULL, "null"),
        J(vn_bool(v, 1), "true"),
        J(vn_bool(v, 7), "true"),
        J(vn_bool(v, 0), "false"),
        J(vn_int(v, 42), "42"),
        J(vn_int(v, -7), "-7"),
        J(vn_int(v, INT64_MAX), "9223372036854775807"),
        J(vn_int(v, INT64_MIN), "-9223372036854775808"),
        J(vn_num(v, 3.0), "3"),
        J(vn_num(v, -3.0), "-3"),
        J(vn_num(v, 1.5), "1.5"),
        J(vn_num(v, 2.4), "2.4"),
        J(vn_num(v, 11.29314), "11.2931"),
        J(vn_num(v, 0.00004), "0"),
        J(vn_num(v, -0.00004), "0"),
        J(vn_num(v, -0.0), "0"),
        J(vn_num(v, 2.99999), "3"),
        J(vn_num(v, 9007199254740991.0), "9007199254740991"),
        J(vn_num(v, 1e20), "1e+20"),
        J(vn_num(v, NAN), "null"),
        J(vn_num(v, INFINITY), "null"),
        J(vn_num(v, -INFINITY), "null"),
        J(vn_cstr(v, ""), "\"\""),
        J(vn_str(v, NULL, 0), "\"\""),
        J(vn_cstr(v, NULL), "null"),
        J(vn_str(v, nasty, sizeof nasty - 1), "\"a\\\"b\\\\c\\n\\u0009\\u0001/\x7f\""),
        J(vn_str(v, "a\0b", 3), "\"a\\u0000b\""),
        J(vn_cstr(v, "Виртуализация «KVM» — docker"), "\"Виртуализация «KVM» — docker\""),
        J(vn_arr(v), "[]"),
        J(vn_obj(v), "{}"),
        J(vn_push(v, vn_push(v, vn_arr(v), vn_int(v, 1)), vn_cstr(v, "два")), "[1, \"два\"]"),
        J(vn_set(v, vn_set(v, vn_obj(v), "a", vn_int(v, 1)), "b\"", vn_arr(v)),
          "{\"a\": 1, \"b\\\"\": []}"),
        J(vn_set(v, vn_set(v, vn_obj(v), "a", vn_int(v, 1)), "a", vn_cstr(v, "x")),
          "{\"a\": \"x\"}"),
        J(vn_set(v, vn_obj(v), "x", vn_flag(vn_cstr(v, "hidden"), VN_NOJSON)), "{}"),
        J(vn_flag(vn_cstr(v, "root"), VN_NOJSON), "\"root\""),
        J(vn_flag(vn_cstr(v, "<b>x</b>"), VN_HTML), "\"<b>x</b>\""),
#undef J
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *got = json_of(rows[i].n, 0);
        CHECK_AT(__FILE__, rows[i].line, strcmp(got, rows[i].want) == 0,
                 "json row %zu: got %s, want %s", i, got, rows[i].want);
    }
}

/* the page of docs/json.md, cut down */
static vnode *page(void)
{
    vnode *root = vn_obj(v), *results = vn_arr(v);
    vn_set(v, root, "query", vn_cstr(v, "виртуализация \"docker\""));
    vn_set(v, root, "total", vn_int(v, 15));
    vn_set(v, root, "results", results);
    vn_set(v, root, "secret", vn_flag(vn_cstr(v, "html only"), VN_NOJSON));
    for (int i = 1; i <= 2; i++) {
        vnode *r = vn_obj(v), *tags = vn_arr(v), *hl = vn_arr(v);
        vn_set(v, r, "rank", vn_int(v, i));
        vn_set(v, r, "title", vn_cstr(v, i == 1 ? "KVM против Docker" : "Домашний сервер"));
        vn_set(v, r, "date", i == 1 ? vn_cstr(v, "2016-03-14T18:05:00Z") : vn_null(v));
        if (i == 1) {
            vn_push(v, tags, vn_cstr(v, "kvm"));
            vn_push(v, tags, vn_cstr(v, "docker"));
            vn_push(v, hl, vn_push(v, vn_push(v, vn_arr(v), vn_int(v, 14)), vn_int(v, 13)));
        }
        vn_set(v, r, "tags", tags);
        vn_set(v, r, "score", vn_num(v, i == 1 ? 11.29314 : 7.5));
        vn_set(v, r, "snippet", vn_set(v, vn_obj(v), "highlights", hl));
        vn_set(v, r, "marked", vn_flag(vn_cstr(v, "<b>KVM</b>"), VN_NOJSON | VN_HTML));
        vn_push(v, results, r);
    }
    vn_set(v, root, "took_ms", vn_num(v, 2.4));
    vn_set(v, root, "total", vn_int(v, 16));     /* replaced in place */
    return root;
}

static void json_tree(void)
{
    vnode *root = page();
    CHECK_STR(json_of(root, 0),
              "{\"query\": \"виртуализация \\\"docker\\\"\", \"total\": 16, \"results\": ["
              "{\"rank\": 1, \"title\": \"KVM против Docker\", \"date\": "
              "\"2016-03-14T18:05:00Z\", \"tags\": [\"kvm\", \"docker\"], \"score\": 11.2931, "
              "\"snippet\": {\"highlights\": [[14, 13]]}}, "
              "{\"rank\": 2, \"title\": \"Домашний сервер\", \"date\": null, \"tags\": [], "
              "\"score\": 7.5, \"snippet\": {\"highlights\": []}}], \"took_ms\": 2.4}",
              "the page, one line");
    CHECK_STR(json_of(root, 2),
              "{\n"
              "  \"query\": \"виртуализация \\\"docker\\\"\",\n"
              "  \"total\": 16,\n"
              "  \"results\": [\n"
              "    {\n"
              "      \"rank\": 1,\n"
              "      \"title\": \"KVM против Docker\",\n"
              "      \"date\": \"2016-03-14T18:05:00Z\",\n"
              "      \"tags\": [\n"
              "        \"kvm\",\n"
              "        \"docker\"\n"
              "      ],\n"
              "      \"score\": 11.2931,\n"
              "      \"snippet\": {\n"
              "        \"highlights\": [\n"
              "          [\n"
              "            14,\n"
              "            13\n"
              "          ]\n"
              "        ]\n"
              "      }\n"
              "    },\n"
              "    {\n"
              "      \"rank\": 2,\n"
              "      \"title\": \"Домашний сервер\",\n"
              "      \"date\": null,\n"
              "      \"tags\": [],\n"
              "      \"score\": 7.5,\n"
              "      \"snippet\": {\n"
              "        \"highlights\": []\n"
              "      }\n"
              "    }\n"
              "  ],\n"
              "  \"took_ms\": 2.4\n"
              "}",
              "the page, indent 2");
    char *one = strdup(json_of(root, 0));
    CHECK(one && strcmp(json_of(root, -3), one) == 0, "a negative indent is 0");
    free(one);

    /* an array whose every element is left out, and one left out among others */
    vnode *a = vn_arr(v);
    vn_push(v, a, vn_flag(vn_int(v, 1), VN_NOJSON));
    CHECK_STR(json_of(a, 4), "[]", "all left out");
    vn_push(v, a, vn_int(v, 2));
    vn_push(v, a, vn_flag(vn_int(v, 3), VN_NOJSON));
    vn_push(v, a, vn_int(v, 4));
    CHECK_STR(json_of(a, 0), "[2, 4]", "some left out");
    CHECK_STR(json_of(a, 1), "[\n 2,\n 4\n]", "some left out, indent 1");

    /* readers */
    CHECK(vn_type(root) == VN_OBJ && vn_len(root) == 5, "root: object of 5, got %zu",
          vn_len(root));
    CHECK(vn_number(vn_get(root, "total")) == 16, "total replaced");
    CHECK(vn_get(root, "nope") == NULL && vn_get(NULL, "x") == NULL
          && vn_get(vn_get(root, "results"), "x") == NULL, "vn_get misses");
    const vnode *res = vn_get(root, "results");
    CHECK(vn_type(res) == VN_ARR && vn_len(res) == 2 && vn_at(res, 2) == NULL
          && vn_at(root, 0) == NULL, "results");
    size_t len = 99;
    const char *t = vn_text(vn_get(vn_at(res, 1), "title"), &len);
    CHECK(t && len == strlen("Домашний сервер") && strcmp(t, "Домашний сервер") == 0,
          "vn_text: %s", t ? t : "(null)");
    CHECK(vn_text(res, &len) == NULL && len == 0, "vn_text of an array");
    CHECK(vn_number(vn_get(vn_at(res, 0), "score")) == 11.29314, "vn_number");
    CHECK(vn_number(vn_get(root, "query")) == 0, "vn_number of a string");
    CHECK(vn_type(NULL) == VN_NULL && vn_len(NULL) == 0, "NULL reads as null");
    CHECK(vn_type(vn_int(v, 1)) == VN_NUM && vn_type(vn_cstr(v, NULL)) == VN_NULL, "types");

    /* NULLs and wrong kinds do nothing */
    vnode *o = vn_obj(v), *arr = vn_arr(v);
    CHECK(vn_push(v, NULL, vn_int(v, 1)) == NULL, "push to NULL");
    CHECK(vn_push(v, arr, NULL) == NULL && vn_len(arr) == 0, "push NULL");
    CHECK(vn_push(v, o, vn_int(v, 1)) == NULL && vn_len(o) == 0, "push to an object");
    CHECK(vn_set(v, o, "a", NULL) == NULL && vn_len(o) == 0, "set NULL");
    CHECK(vn_set(v, NULL, "a", vn_int(v, 1)) == NULL, "set on NULL");
    CHECK(vn_set(v, o, NULL, vn_int(v, 1)) == NULL && vn_len(o) == 0, "set no name");
    CHECK(vn_set(v, arr, "a", vn_int(v, 1)) == NULL && vn_len(arr) == 0, "set on an array");
    CHECK(vn_flag(NULL, VN_HTML) == NULL, "flag NULL");
    CHECK(vn_null(NULL) == NULL && vn_push(NULL, arr, o) == NULL, "no view");
    CHECK(!view_failed(v), "nothing failed");

    /* a string bigger than a chunk */
    size_t big = 100000;
    char *s = malloc(big);
    if (s) {
        memset(s, 'x', big);
        const vnode *n = vn_str(v, s, big);
        CHECK(vn_len(n) == big && vn_text(n, NULL)[big - 1] == 'x' && vn_text(n, NULL)[big] == 0,
              "a big string");
        free(s);
    }
}

/* ---- templates ---- */

static vnode *tree(void)
{
    vnode *root = vn_obj(v);
    vn_set(v, root, "title", vn_cstr(v, "Поиск: <script>alert(1)</script>"));
    vn_set(v, root, "query", vn_cstr(v, "\"docker\" & 'kvm'"));
    vn_set(v, root, "snippet", vn_flag(vn_cstr(v, "…про <b>Docker</b> &amp; KVM…"), VN_HTML));
    vn_set(v, root, "total", vn_int(v, 15));
    vn_set(v, root, "score", vn_num(v, 11.29314));
    vn_set(v, root, "took", vn_num(v, 2.4));
    vn_set(v, root, "zero", vn_int(v, 0));
    vn_set(v, root, "nan", vn_num(v, NAN));
    vn_set(v, root, "yes", vn_bool(v, 1));
    vn_set(v, root, "no", vn_bool(v, 0));
    vn_set(v, root, "nothing", vn_null(v));
    vn_set(v, root, "empty", vn_arr(v));
    vn_set(v, root, "emptystr", vn_cstr(v, ""));
    vn_set(v, root, "emptyobj", vn_obj(v));
    vn_set(v, root, "secret", vn_flag(vn_cstr(v, "html only"), VN_NOJSON));
    vnode *tags = vn_arr(v);
    vn_push(v, tags, vn_cstr(v, "kvm"));
    vn_push(v, tags, vn_int(v, 2));
    vn_push(v, tags, vn_cstr(v, "<b>"));
    vn_set(v, root, "tags", tags);
    vnode *results = vn_arr(v);
    for (int i = 1; i <= 2; i++) {
        vnode *r = vn_obj(v), *rt = vn_arr(v);
        vn_set(v, r, "rank", vn_int(v, i));
        vn_set(v, r, "title", vn_cstr(v, i == 1 ? "KVM" : "Docker & co"));
        if (i == 1) {
            vn_push(v, rt, vn_cstr(v, "a"));
            vn_push(v, rt, vn_cstr(v, "b"));
        }
        vn_set(v, r, "tags", rt);
        vn_push(v, results, r);
    }
    vn_set(v, root, "results", results);
    vnode *site = vn_obj(v), *owner = vn_obj(v);
    vn_set(v, owner, "name", vn_cstr(v, "bookwar"));
    vn_set(v, site, "name", vn_cstr(v, "Блог"));
    vn_set(v, site, "url", vn_cstr(v, "https://blog.example.org/?a=1&b=2"));
    vn_set(v, site, "owner", owner);
    vn_set(v, root, "site", site);
    return root;
}

static const struct { int line; const char *tpl, *want; } good[] = {
#define T(tpl, want) { __LINE__, tpl, want }
    T("", ""),
    T("plain text, no tags", "plain text, no tags"),
    T("Найдено: {{total}} записей\n", "Найдено: 15 записей\n"),
    T("{{title}}", "Поиск: &lt;script&gt;alert(1)&lt;/script&gt;"),
    T("{{query}}", "&quot;docker&quot; &amp; &#39;kvm&#39;"),
    T("{{{snippet}}}", "…про <b>Docker</b> &amp; KVM…"),
    T("{{snippet}}", "…про &lt;b&gt;Docker&lt;/b&gt; &amp;amp; KVM…"),
    T("{{{title}}}", "Поиск: &lt;script&gt;alert(1)&lt;/script&gt;"),   /* not VN_HTML */
    T("{{{ snippet }}}", "…про <b>Docker</b> &amp; KVM…"),
    T("{{total}} {{score}} {{took}} {{zero}} {{{total}}}", "15 11.2931 2.4 0 15"),
    T("[{{yes}}|{{no}}|{{nothing}}|{{missing}}|{{nan}}|{{tags}}|{{site}}|{{empty}}]",
      "[true|false||||||]"),
    T("{{secret}}", "html only"),
    T("{{ title }}|{{\ttotal\n}}", "Поиск: &lt;script&gt;alert(1)&lt;/script&gt;|15"),
    T("{{#tags}}[{{.}}]{{/tags}}", "[kvm][2][&lt;b&gt;]"),
    T("{{# tags }}{{ . }};{{/ tags }}", "kvm;2;&lt;b&gt;;"),
    T("{{#tags}}{{{.}}}{{/tags}}", "kvm2&lt;b&gt;"),
    T("{{#results}}{{rank}}. {{title}} of {{total}}\n{{/results}}",
      "1. KVM of 15\n2. Docker &amp; co of 15\n"),
    T("{{#results}}{{#tags}}{{.}},{{/tags}}{{^tags}}none{{/tags}};{{/results}}", "a,b,;none;"),
    T("{{#results}}{{#tags}}{{rank}}{{.}}{{/tags}}{{/results}}", "1a1b"),
    T("{{#results}}{{.}}{{/results}}", ""),
    T("{{#results}}{{site.name}}{{/results}}", "БлогБлог"),
    T("{{#site}}{{name}} {{url}}{{/site}}", "Блог https://blog.example.org/?a=1&amp;b=2"),
    T("{{#site}}{{#owner}}{{name}}/{{title}}{{/owner}}{{/site}}",
      "bookwar/Поиск: &lt;script&gt;alert(1)&lt;/script&gt;"),
    T("{{site.owner.name}}|{{site.name}}", "bookwar|Блог"),
    T("[{{site.missing.name}}|{{site.owner.name.x}}|{{nothing.a}}|{{title.a}}]", "[|||]"),
    T("{{#site}}{{owner.name}}{{/site}}", "bookwar"),
    T("{{#site.owner}}{{name}}{{/site.owner}}", "bookwar"),
    T("{{#site}}{{url.x}}{{/site}}", ""),                 /* no fallback after a found part */
    T("{{#yes}}Y{{total}}{{/yes}}{{#no}}N{{/no}}{{#nothing}}X{{/nothing}}{{#missing}}M{{/missing}}",
      "Y15"),
    T("{{#empty}}E{{/empty}}{{#total}}T{{total}}{{/total}}{{#zero}}Z{{/zero}}"
      "{{#emptystr}}S{{/emptystr}}{{#query}}Q{{/query}}{{#nan}}N{{/nan}}{{#emptyobj}}O{{/emptyobj}}",
      "T15QO"),
    T("{{^yes}}a{{/yes}}{{^no}}b{{/no}}{{^nothing}}c{{/nothing}}{{^missing}}d{{/missing}}"
      "{{^empty}}e{{/empty}}{{^zero}}f{{/zero}}{{^emptystr}}g{{/emptystr}}{{^tags}}h{{/tags}}"
      "{{^site}}i{{/site}}{{^total}}j{{/total}}{{^nan}}k{{/nan}}{{^emptyobj}}l{{/emptyobj}}",
      "bcdefgk"),
    T("{{^results}}none{{/results}}{{#results}}{{^tags}}[{{title}} untagged]{{/tags}}{{/results}}",
      "[Docker &amp; co untagged]"),
    T("a{{! a comment }}b", "ab"),
    T("a{{!\nline one\nline two }}b{{!}}c", "abc"),
    T("{{! {{title}} is not rendered }}x", " is not rendered }}x"),
    T("{ {title} } }} {{yes}}", "{ {title} } }} true"),
    T("line 1\r\n{{#tags}}\n  <li>{{.}}</li>\n{{/tags}}\n",
      "line 1\r\n\n  <li>kvm</li>\n\n  <li>2</li>\n\n  <li>&lt;b&gt;</li>\n\n"),
    T("{{#tags}}{{#tags}}{{.}}{{/tags}}|{{/tags}}", "kvm2&lt;b&gt;|kvm2&lt;b&gt;|kvm2&lt;b&gt;|"),
    T("{{#.}}{{total}}{{/.}}", "15"),
    T("<p>Запрос «{{query}}»: {{total}} — {{#site}}{{name}}{{/site}}</p>",
      "<p>Запрос «&quot;docker&quot; &amp; &#39;kvm&#39;»: 15 — Блог</p>"),
    T("{{имя}}", ""),
    T("{{a-b_c.d9}}", ""),
#undef T
};

static const struct { int line; const char *tpl, *want; } bad[] = {
#define B(tpl, want) { __LINE__, tpl, want }
    B("{{title", "line 1: unclosed tag {{"),
    B("abc\n{{title}}\n{{ total", "line 3: unclosed tag {{"),
    B("x\n{{{snippet", "line 2: unclosed tag {{{"),
    B("{{{snippet}}", "line 1: a tag opened with {{{ is closed with }}"),
    B("{{{snippet}} }", "line 1: a tag opened with {{{ is closed with }}"),
    B("{{#a}}\n{{/b}}", "line 2: {{/b}} closes {{#a}} of line 1"),
    B("{{^a}}\n\n{{#b}}{{/a}}{{/b}}", "line 3: {{/a}} closes {{#b}} of line 3"),
    B("{{#a}}{{/a}}\n{{^b}}x\n{{/c}}", "line 3: {{/c}} closes {{^b}} of line 2"),
    B("x\n\n{{#results}}\n{{title}}", "line 3: {{#results}} is never closed"),
    B("{{#a}}\n{{^b}}\n{{/b}}", "line 1: {{#a}} is never closed"),
    B("{{#a}}{{#b}}\n{{/b}}", "line 1: {{#a}} is never closed"),
    B("{{#a}}{{^b}}\n", "line 1: {{^b}} is never closed"),
    B("{{/a}}", "line 1: {{/a}} closes no section"),
    B("{{#a}}{{/a}}\n{{/a}}", "line 2: {{/a}} closes no section"),
    B("{{}}", "line 1: bad tag name \"\""),
    B("\n{{  }}", "line 2: bad tag name \"\""),
    B("{{#}}", "line 1: bad tag name \"\""),
    B("{{{}}}", "line 1: bad tag name \"\""),
    B("{{> partial}}", "line 1: bad tag name \"> partial\""),
    B("{{=<% %>=}}", "line 1: bad tag name \"=<% %>=\""),
    B("{{& title}}", "line 1: bad tag name \"& title\""),
    B("{{a b}}", "line 1: bad tag name \"a b\""),
    B("{{a..b}}", "line 1: bad tag name \"a..b\""),
    B("{{.a}}", "line 1: bad tag name \".a\""),
    B("{{a.}}", "line 1: bad tag name \"a.\""),
    B("{{#no}}never rendered\n{{bad name}}{{/no}}", "line 2: bad tag name \"bad name\""),
    B("ok {{{{x}}}}", "line 1: bad tag name \"{x\""),
#undef B
};

static void template_rows(void)
{
    vnode *root = tree();
    CHECK(!view_failed(v), "tree built");
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        txt_buf out = { 0 };
        char err[256] = "unset";
        int rc = tpl_render(&out, good[i].tpl, strlen(good[i].tpl), root, err, sizeof err);
        const char *got = out.p ? out.p : "";
        CHECK_AT(__FILE__, good[i].line, rc == 0 && strcmp(got, good[i].want) == 0 && !err[0],
                 "template row %zu: rc %d \"%s\", want \"%s\" (%s)", i, rc, got, good[i].want,
                 err);
        buf_free(&out);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        txt_buf out = { 0 };
        char err[256] = "";
        int rc = tpl_render(&out, bad[i].tpl, strlen(bad[i].tpl), root, err, sizeof err);
        CHECK_AT(__FILE__, bad[i].line, rc == -1 && strcmp(err, bad[i].want) == 0 && out.len == 0,
                 "error row %zu: rc %d \"%s\", want \"%s\", wrote %zu bytes", i, rc, err,
                 bad[i].want, out.len);
        buf_free(&out);
    }

    /* the length given is what counts, not a NUL */
    txt_buf out = { 0 };
    CHECK(tpl_render(&out, "{{total}}{{title}}", 9, root, NULL, 0) == 0
          && strcmp(out.p, "15") == 0, "a template of 9 bytes");
    buf_free(&out);
    CHECK(tpl_render(&out, "{{yes}}", 7, NULL, NULL, 0) == 0 && out.len == 0, "no root");
    buf_free(&out);
    char small[8];
    CHECK(tpl_render(&out, "\n\n{{/x}}", 8, root, small, sizeof small) == -1
          && strcmp(small, "line 3:") == 0, "a short err is cut: %s", small);
    buf_free(&out);
    CHECK(tpl_render(&out, "{{", 2, root, NULL, 0) == -1 && out.len == 0, "no err buffer");
    buf_free(&out);

    /* sections 32 deep are fine, 33 are not */
    txt_buf tpl = { 0 };
    for (int i = 0; i < 32; i++)
        buf_puts(&tpl, "{{#site}}");
    buf_puts(&tpl, "{{name}}");
    for (int i = 0; i < 32; i++)
        buf_puts(&tpl, "{{/site}}");
    char err[256] = "";
    CHECK(tpl_render(&out, tpl.p, tpl.len, root, err, sizeof err) == 0
          && strcmp(out.p, "Блог") == 0, "32 deep: %s", err);
    buf_free(&out);
    buf_reset(&tpl);
    buf_puts(&tpl, "top\n");
    for (int i = 0; i < 33; i++)
        buf_puts(&tpl, "{{#yes}}\n");
    for (int i = 0; i < 33; i++)
        buf_puts(&tpl, "{{/yes}}");
    CHECK(tpl_render(&out, tpl.p, tpl.len, root, err, sizeof err) == -1
          && strcmp(err, "line 34: sections nested deeper than 32") == 0 && out.len == 0,
          "33 deep: %s", err);
    buf_free(&out);
    buf_free(&tpl);
}

static void escape_rows(void)
{
    const struct { const char *in, *want; } rows[] = {
        { "", "" },
        { "plain", "plain" },
        { "<a href=\"x\">'&'</a>", "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;" },
        { "Привет & пока", "Привет &amp; пока" },
        { "&amp;", "&amp;amp;" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txt_buf b = { 0 };
        html_escape(&b, rows[i].in, strlen(rows[i].in));
        CHECK_STR(b.p ? b.p : "", rows[i].want, rows[i].in);
        buf_free(&b);
    }
}

/* ---- size ---- */

static void large(void)
{
    enum { N = 10000 };
    view *lv = view_new();
    vnode *root = vn_obj(lv), *items = vn_arr(lv);
    vn_set(lv, root, "items", items);
    vn_set(lv, root, "site", vn_cstr(lv, "S"));
    char name[64];
    for (int i = 0; i < N; i++) {
        vnode *it = vn_obj(lv);
        vn_set(lv, it, "n", vn_int(lv, i));
        vn_set(lv, it, "t", vn_cstr(lv, "<&>"));
        vn_set(lv, it, "x", vn_num(lv, i + 0.5));
        vn_push(lv, items, it);
        snprintf(name, sizeof name, "k%d", i);   /* a wide object: linear lookups */
        if (i < 1000)
            vn_set(lv, root, name, vn_int(lv, i));
    }
    CHECK(!view_failed(lv) && vn_len(items) == N && vn_len(root) == 1002, "large tree built");
    CHECK(vn_number(vn_get(vn_at(items, N - 1), "n")) == N - 1
          && vn_number(vn_get(root, "k999")) == 999, "large tree read");

    txt_buf out = { 0 };
    char err[256] = "";
    const char *tpl = "{{#items}}<li>{{n}} {{t}} {{x}} {{site}}</li>{{/items}}";
    int rc = tpl_render(&out, tpl, strlen(tpl), root, err, sizeof err);
    size_t want = 0;
    for (int i = 0; i < N; i++)
        want += (size_t)snprintf(name, sizeof name, "<li>%d &lt;&amp;&gt; %d.5 S</li>", i, i);
    CHECK(rc == 0 && out.len == want, "large render: rc %d, %zu bytes, want %zu (%s)", rc,
          out.len, want, err);
    const char *last = "<li>9999 &lt;&amp;&gt; 9999.5 S</li>";
    CHECK(out.len > strlen(last) && strcmp(out.p + out.len - strlen(last), last) == 0,
          "large render ends right");
    buf_free(&out);

    /* a template of 10,000 sections and tags */
    txt_buf t = { 0 };
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "{{#site}}{{k%d}}{{/site}}\n", i % 1000);
        buf_puts(&t, name);
    }
    buf_puts(&t, "{{#site}}");
    rc = tpl_render(&out, t.p, t.len, root, err, sizeof err);
    CHECK(rc == -1 && strcmp(err, "line 10001: {{#site}} is never closed") == 0,
          "large template, unclosed at the end: %s", err);
    buf_truncate(&t, t.len - strlen("{{#site}}"));
    rc = tpl_render(&out, t.p, t.len, root, err, sizeof err);
    CHECK(rc == 0 && out.len > 0 && strncmp(out.p, "0\n1\n2\n", 6) == 0,
          "large template renders");
    buf_free(&out);
    buf_free(&t);

    rc = view_json(&out, root, 2);
    CHECK(rc == 0 && out.len > (size_t)N * 40, "large JSON: %zu bytes", out.len);
    buf_free(&out);
    rc = view_json(&out, root, 0);
    const char *head = "{\"items\": [{\"n\": 0, \"t\": \"<&>\", \"x\": 0.5}, {\"n\": 1, ";
    CHECK(rc == 0 && strncmp(out.p, head, strlen(head)) == 0, "large JSON, one line");
    buf_free(&out);
    view_free(lv);
}

int main(void)
{
    v = view_new();
    if (!v)
        return 1;
    json_rows();
    json_tree();
    template_rows();
    escape_rows();
    large();
    CHECK(!view_failed(v), "the shared view never failed");
    view_free(v);
    view_free(NULL);
    buf_free(&jbuf);
    printf("rows: %zu templates, %zu errors\n", sizeof good / sizeof good[0],
           sizeof bad / sizeof bad[0]);
    return test_report("test_view");
}
