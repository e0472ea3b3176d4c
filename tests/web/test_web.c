/* test_web.c: blogsearch.cgi's logic (web/web.c) in-process, one table
 * row per request: the status, the format, the headers every answer must
 * carry, what the body must and must not hold. The index is the sample
 * posts of data/ (argv[1]), built by the real writer. Run under the
 * sanitizers, this is also the leak check of the request path, which the
 * web-server tests cannot see (a CGI's exit status is lost there). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "query/query.h"
#include "web/web.h"
#include "test.h"

typedef struct {
    int line;
    const char *method, *query, *accept, *origin;
    int status;
    int json;                  /* 1 JSON, 0 HTML */
    const char *has[4];        /* in the answer (headers and body) */
    const char *hasnt[3];
} row;

#define R __LINE__

static const row rows[] = {
    /* the format: the parameter, else Accept, else HTML */
    { R, "GET", "q=docker&format=json", NULL, NULL, 200, 1,
      { "\"total\": 8", "\"facets\": {\"tags\": [{\"tag\": \"docker\"", "\"links\": {" },
      { "\"path\"", "Vary: Accept" } },
    { R, "GET", "q=docker", "application/json", NULL, 200, 1, { "Vary: Accept", "\"total\": 8" }, { NULL } },
    { R, "GET", "q=docker", "text/html,application/xhtml+xml,*/*;q=0.8", NULL, 200, 0,
      { "Vary: Accept", "<mark>" }, { NULL } },
    { R, "GET", "q=docker", "application/json;q=0.5, text/html", NULL, 200, 0, { "<mark>" }, { NULL } },
    { R, "GET", "q=docker", "text/html;q=0.1, application/*", NULL, 200, 1, { "\"total\"" }, { NULL } },
    { R, "GET", "q=docker", NULL, NULL, 200, 0, { "<!DOCTYPE html>" }, { NULL } },
    { R, "GET", "q=docker&format=html", "application/json", NULL, 200, 0, { "<mark>" },
      { "Vary: Accept" } },
    /* decoding: + is a space, %XX a byte, Cyrillic through escapes */
    { R, "GET", "q=%D0%B2%D0%B8%D1%80%D1%82%D1%83%D0%B0%D0%BB%D0%B8%D0%B7%D0%B0%D1%86%D0%B8%D1%8F+docker&format=json",
      NULL, NULL, 200, 1, { "\"query\": \"виртуализация docker\"" }, { NULL } },
    { R, "GET", "q=docker&utm_source=x&format=json", NULL, NULL, 200, 1, { "\"total\": 8" }, { NULL } },
    { R, "GET", "&&q=docker&&format=json&", NULL, NULL, 200, 1, { "\"total\": 8" }, { NULL } },
    /* filters and paging */
    { R, "GET", "q=docker&tag=podman&format=json", NULL, NULL, 200, 1, { "\"total\": 1" }, { NULL } },
    { R, "GET", "tag=docker&tag=containers&format=json", NULL, NULL, 200, 1, { "\"total\": 4" }, { NULL } },
    { R, "GET", "q=docker&per_page=3&page=2&format=json", NULL, NULL, 200, 1,
      { "\"offset\": 3", "\"pages\": 3", "\"rank\": 4,", "page=3&format=json\", \"last\"" }, { NULL } },
    { R, "GET", "q=docker&per_page=3&page=3&format=json", NULL, NULL, 200, 1,
      { "\"next\": null", "\"rank\": 7," }, { NULL } },
    { R, "GET", "q=docker&sort=date&since=2018&until=2022-12-31&format=json", NULL, NULL, 200, 1,
      { "since=2018&until=2022-12-31&sort=date" }, { NULL } },
    { R, "GET", "author=%D0%94%D0%BC%D0%B8%D1%82%D1%80%D0%B8%D0%B9+%D0%92%D0%BE%D0%BB%D0%BA%D0%BE%D0%B2&format=json",
      NULL, NULL, 200, 1, { "\"total\": 8", "author=%D0%94" }, { NULL } },
    { R, "GET", "q=&format=json", NULL, NULL, 200, 1, { "\"total\": 0", "\"results\": []" }, { NULL } },
    { R, "GET", "", NULL, NULL, 200, 0, { "<form" }, { "bs-summary" } },
    { R, "GET", "q=zzzzqqqq&format=json", NULL, NULL, 200, 1, { "\"total\": 0", "\"pages\": 1" }, { NULL } },
    { R, "HEAD", "q=docker&format=json", NULL, NULL, 200, 1, { "Content-Length: " },
      { "\"total\"" } },
    /* escaping: the request's text and a post's title holding HTML */
    { R, "GET", "q=%3Cscript%3Ealert(1)%3C/script%3E", NULL, NULL, 200, 0,
      { "value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"" }, { "<script>alert" } },
    { R, "GET", "q=%3Cscript%3Ealert(1)%3C/script%3E&format=json", NULL, NULL, 200, 1,
      { "\"query\": \"<script>alert(1)</script>\"" }, { NULL } },
    { R, "GET", "q=%22%3Cscript%3E%22&format=html", NULL, NULL, 200, 0, { "&lt;script&gt;" },
      { "<script>" } },
    /* errors: 400 naming the parameter */
    { R, "GET", "q=%ZZ&format=json", NULL, NULL, 400, 1,
      { "\"parameter\": \"q\"", "percent-escape", "Cache-Control: no-store" }, { NULL } },
    { R, "GET", "q=%4&format=json", NULL, NULL, 400, 1, { "percent-escape" }, { NULL } },
    { R, "GET", "q=%C0%AF&format=json", NULL, NULL, 400, 1, { "not valid UTF-8" }, { NULL } },
    { R, "GET", "q=a%00b&format=json", NULL, NULL, 400, 1, { "NUL byte" }, { NULL } },
    /* an error after a tag: the error page's links are made from what was read */
    { R, "GET", "q=docker&tag=docker&page=1&page=2", NULL, NULL, 400, 0,
      { "given twice", "name=\"tag\" value=\"docker\"" }, { NULL } },
    { R, "GET", "tag=docker&q=a&q=b&format=json", NULL, NULL, 400, 1, { "given twice" }, { NULL } },
    { R, "GET", "tag=docker&sort=date&sort=date", NULL, NULL, 400, 0, { "given twice" }, { NULL } },
    { R, "GET", "q=docker&tag=1&tag=2&tag=3&tag=4&tag=5&tag=6&tag=7&tag=8&tag=9&tag=10&tag=11"
      "&tag=12&tag=13&tag=14&tag=15&tag=16&tag=17", NULL, NULL, 400, 0, { "at most 16 tags" },
      { NULL } },
    { R, "GET", "q=%FF", NULL, NULL, 400, 0, { "bs-error", "not valid UTF-8" }, { NULL } },
    { R, "GET", "q=a&q=b&format=json", NULL, NULL, 400, 1, { "given twice" }, { NULL } },
    /* what a search box sends while one types: read leniently, never a 400 */
    { R, "GET", "q=%22docker&format=json", NULL, NULL, 200, 1, { "\"total\": 8" },
      { "query position", "\"error\"" } },
    { R, "GET", "q=tag%3A&format=json", NULL, NULL, 200, 1, { "\"total\": 0" }, { "\"error\"" } },
    { R, "GET", "q=title%3A&format=json", NULL, NULL, 200, 1, { "\"total\": 0" }, { "\"error\"" } },
    { R, "GET", "q=-&format=json", NULL, NULL, 200, 1, { "\"total\": 0" }, { "\"error\"" } },
    { R, "GET", "q=docker%20since%3A20&format=json", NULL, NULL, 200, 1, { "\"total\": " },
      { "\"error\"" } },
    { R, "GET", "q=%D1%87%D1%82%D0%BE&format=json", NULL, NULL, 200, 1, { "\"total\": " },
      { "stopwords", "\"error\"" } },
    { R, "GET", "q=%22docker&format=html", NULL, NULL, 200, 0, { "<html" }, { "bs-error" } },
    { R, "GET", "page=0&q=a&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"page\"" }, { NULL } },
    { R, "GET", "page=1001&q=a&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"page\"" }, { NULL } },
    { R, "GET", "page=x&q=a&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"page\"" }, { NULL } },
    { R, "GET", "q=docker&page=4&per_page=3&format=json", NULL, NULL, 400, 1,
      { "past the last page, 3" }, { NULL } },
    { R, "GET", "q=zzzzqqqq&page=2&format=json", NULL, NULL, 400, 1, { "past the last page, 1" }, { NULL } },
    { R, "GET", "per_page=51&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"per_page\"" }, { NULL } },
    { R, "GET", "per_page=0&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"per_page\"" }, { NULL } },
    { R, "GET", "sort=new&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"sort\"" }, { NULL } },
    { R, "GET", "since=2015-13&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"since\"" }, { NULL } },
    { R, "GET", "until=soon&format=json", NULL, NULL, 400, 1, { "\"parameter\": \"until\"" }, { NULL } },
    { R, "GET", "format=xml", "application/json", NULL, 400, 1, { "\"parameter\": \"format\"" }, { NULL } },
    { R, "GET", "q=%ZZ&format=json&x=%C0", NULL, NULL, 400, 1, { "percent-escape" }, { NULL } },
    /* the template and the index come from the configuration alone: no
     * parameter names either */
    { R, "GET", "q=docker&template=/etc/passwd&BLOGSEARCH_TEMPLATE=/etc/passwd&tpl=/etc/passwd",
      NULL, NULL, 200, 0, { "<mark>", "<form" }, { "root:" } },
    { R, "GET", "q=docker&index=/nonexistent&BLOGSEARCH_INDEX=/nonexistent&format=json", NULL,
      NULL, 200, 1, { "\"total\": 8" }, { "nonexistent" } },
    /* methods */
    { R, "POST", "q=docker&format=json", NULL, NULL, 405, 1, { "Allow: GET, HEAD", "POST" }, { NULL } },
    { R, "DELETE", "", NULL, NULL, 405, 0, { "Allow: GET, HEAD" }, { NULL } },
    { R, NULL, "", NULL, NULL, 405, 0, { "(none)" }, { NULL } },
};

/* More parameters than are kept: a 400, in the format asked after them. */
static void many_params(web *w)
{
    txt_buf q = { 0 }, out = { 0 }, log = { 0 };
    for (int i = 0; i < 70; i++)
        buf_puts(&q, "x=1&");
    buf_puts(&q, "format=json");
    web_request rq = { "GET", q.p, NULL, NULL, NULL };
    CHECK(web_handle(w, &rq, &out, &log) == 400 && strstr(out.p, "more than 64 parameters")
          && strstr(out.p, "application/json"), "70 parameters: a JSON 400:\n%s", out.p);
    buf_free(&q);
    buf_free(&out);
    buf_free(&log);
}

/* The query of 257 bytes and of 256. */
static void long_queries(web *w)
{
    char q[400] = "format=json&q=";
    size_t at = strlen(q);
    /* words of 7 bytes (a longer one would not be a term) */
    for (size_t i = 0; i < 257; i++)
        q[at + i] = "docker+"[i % 7];
    q[at + 257] = '\0';
    txt_buf out = { 0 }, log = { 0 };
    web_request rq = { "GET", q, NULL, NULL, NULL };
    CHECK(web_handle(w, &rq, &out, &log) == 400 && strstr(out.p, "257 bytes"),
          "a 257-byte query is a 400");
    q[at + 256] = '\0';
    buf_reset(&out);
    CHECK(web_handle(w, &rq, &out, &log) == 200, "a 256-byte query is answered");
    buf_free(&out);
    buf_free(&log);
}

/* What the request sends and the answer echoes is cut on a character and
 * made valid UTF-8: a long Cyrillic parameter name in the 512-byte message,
 * a method of any bytes, a SCRIPT_NAME of any bytes (percent-encoded into
 * the links and the form). */
static void utf8_answers(web *w)
{
    txt_buf q = { 0 }, out = { 0 }, log = { 0 };
    for (int i = 0; i < 300; i++)
        buf_puts(&q, "%D0%96");                 /* Ж */
    buf_puts(&q, "=%ZZ&format=json");
    web_request rq = { "GET", q.p, NULL, NULL, NULL };
    CHECK(web_handle(w, &rq, &out, &log) == 400 && utf8_valid(out.p, out.len)
          && strstr(out.p, "parameter ЖЖЖЖ") && !strstr(out.p, "\xEF\xBF\xBD"),
          "a 300-letter name, a bad escape: a UTF-8 400, cut between letters:\n%s",
          out.p);
    static const struct { int line; const char *method, *want; } methods[] = {
        { __LINE__, "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ", "method ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ: only" },
        { __LINE__, "ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ\xFF", "method ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ\xEF\xBF\xBD: only" },
        { __LINE__, "P\xC0\xAFST", "method P\xEF\xBF\xBD\xEF\xBF\xBDST: only" },
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        web_request mr = { methods[i].method, "q=docker&format=json", NULL, NULL, NULL };
        buf_reset(&out);
        CHECK_AT(__FILE__, methods[i].line, web_handle(w, &mr, &out, &log) == 405
                 && utf8_valid(out.p, out.len) && strstr(out.p, methods[i].want),
                 "method row %zu: a UTF-8 405 saying \"%s\":\n%s", i, methods[i].want, out.p);
    }
    static const struct { int line; const char *script, *want; } scripts[] = {
        { __LINE__, "/cgi-bin/x\xFF\"<y>.cgi", "/cgi-bin/x%FF%22%3Cy%3E.cgi?q=docker" },
        { __LINE__, "/поиск/", "/%D0%BF%D0%BE%D0%B8%D1%81%D0%BA/?q=docker" },
        { __LINE__, "/cgi-bin/blogsearch.cgi", "/cgi-bin/blogsearch.cgi?q=docker" },
    };
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
        for (int json = 0; json < 2; json++) {
            web_request sr = { "GET", json ? "q=docker&format=json" : "q=docker&format=html",
                               NULL, NULL, scripts[i].script };
            buf_reset(&out);
            CHECK_AT(__FILE__, scripts[i].line, web_handle(w, &sr, &out, &log) == 200
                     && utf8_valid(out.p, out.len) && strstr(out.p, scripts[i].want)
                     && !strstr(out.p, "<y>"), "SCRIPT_NAME row %zu (json %d): links as %s",
                     i, json, scripts[i].want);
        }
    buf_free(&q);
    buf_free(&out);
    buf_free(&log);
}

static const char *header(const char *resp, const char *name)
{
    const char *end = strstr(resp, "\r\n\r\n");
    size_t n = strlen(name);
    for (const char *l = resp; l && l < end; l = strstr(l, "\r\n") ? strstr(l, "\r\n") + 2 : NULL)
        if (strncmp(l, name, n) == 0 && l[n] == ':')
            return l + n + 2;
    return NULL;
}

static void check_row(web *w, const row *r)
{
    txt_buf out = { 0 }, log = { 0 };
    web_request rq = { r->method, r->query, r->accept, r->origin, "/cgi-bin/blogsearch.cgi" };
    int status = web_handle(w, &rq, &out, &log);
    const char *resp = out.p ? out.p : "";
    CHECK_AT(__FILE__, r->line, status == r->status, "status %d, want %d", status, r->status);
    char want[64];
    snprintf(want, sizeof want, "Status: %d ", r->status);
    CHECK_AT(__FILE__, r->line, strncmp(resp, want, strlen(want)) == 0, "status line");
    const char *ct = header(resp, "Content-Type");
    CHECK_AT(__FILE__, r->line, ct && strncmp(ct, r->json ? "application/json; charset=utf-8"
                                                            : "text/html; charset=utf-8", 20) == 0,
             "content type, want %s", r->json ? "JSON" : "HTML");
    CHECK_AT(__FILE__, r->line, header(resp, "X-Content-Type-Options"), "nosniff");
    CHECK_AT(__FILE__, r->line, header(resp, "Cache-Control"), "Cache-Control");
    const char *body = strstr(resp, "\r\n\r\n");
    const char *cl = header(resp, "Content-Length");
    if (body && cl) {
        body += 4;
        size_t n = strtoul(cl, NULL, 10);
        int head = r->method && strcmp(r->method, "HEAD") == 0;
        CHECK_AT(__FILE__, r->line, head ? *body == '\0' && n > 0 : n == strlen(body),
                 "Content-Length %zu for a body of %zu", n, strlen(body));
    } else {
        CHECK_AT(__FILE__, r->line, 0, "no header end or Content-Length");
    }
    CHECK_AT(__FILE__, r->line, utf8_valid(resp, strlen(resp)), "the answer is not UTF-8");
    for (int i = 0; i < 4 && r->has[i]; i++)
        CHECK_AT(__FILE__, r->line, strstr(resp, r->has[i]), "no \"%s\" in:\n%.600s", r->has[i],
                 resp);
    for (int i = 0; i < 3 && r->hasnt[i]; i++)
        CHECK_AT(__FILE__, r->line, !strstr(resp, r->hasnt[i]), "\"%s\" in the answer", r->hasnt[i]);
    buf_free(&out);
    buf_free(&log);
}

/* Answers that must name no file of the server, with the log that does. */
static void server_faults(const char *good_index)
{
    txt_buf out = { 0 }, log = { 0 };
    web *w;
    web_config cfg = { .index = "/nonexistent/blogsearch-index", .tpl = "x", .tpl_len = 1 };
    CHECK(web_new(&w, &cfg) == BS_OK, "web_new");
    web_request rq = { "GET", "q=docker&format=json", NULL, NULL, NULL };
    CHECK(web_handle(w, &rq, &out, &log) == 503 && strstr(out.p, "Retry-After: 30")
          && !strstr(out.p, "/nonexistent") && strstr(log.p, "/nonexistent"),
          "no index: 503, the path only in the log");
    web_free(w);

    /* a template that does not parse: 500 naming no file; JSON unaffected */
    static const char bad_tpl[] = "<p>{{#results}}never closed</p>";
    web_config cfg2 = { .index = good_index, .tpl = bad_tpl, .tpl_len = sizeof bad_tpl - 1,
                        .tpl_name = "/srv/site/results.html" };
    CHECK(web_new(&w, &cfg2) == BS_OK, "web_new");
    buf_reset(&out);
    buf_reset(&log);
    rq.query = "q=docker&format=html";
    CHECK(web_handle(w, &rq, &out, &log) == 500 && !strstr(out.p, "/srv/site")
          && !strstr(out.p, good_index) && strstr(log.p, "/srv/site/results.html: line 1"),
          "a broken template: 500, the file and line only in the log:\n%s", log.p ? log.p : "");
    buf_reset(&out);
    rq.query = "q=docker&format=json";
    CHECK(web_handle(w, &rq, &out, &log) == 200, "JSON needs no template");
    web_free(w);

    /* a file that is no template (BLOGSEARCH_TEMPLATE=/etc/passwd): refused,
     * never shown; a page of no tags at all as well */
    static const char *const foreign[] = {
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
        "<!DOCTYPE html><p>a static page, secret</p>\n",
        "<p>{{! a comment }}{{site}} {{#posts}}{{.}}{{/posts}}</p>\n",   /* no page's names */
    };
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++) {
        web_config cf = { .index = good_index, .tpl = foreign[i], .tpl_len = strlen(foreign[i]),
                          .tpl_name = "/etc/passwd" };
        CHECK(web_new(&w, &cf) == BS_OK, "web_new");
        /* a results page is a 500; an error page the bare one, its status kept */
        static const struct { const char *q; int status; } asks[] = {
            { "q=docker&format=html", 500 }, { "", 500 }, { "q=%ZZ&format=html", 400 },
        };
        for (size_t a = 0; a < 3; a++) {
            buf_reset(&out);
            buf_reset(&log);
            rq.query = asks[a].q;
            const char *said = "the template /etc/passwd names none of a results page's";
            CHECK(web_handle(w, &rq, &out, &log) == asks[a].status && !strstr(out.p, "root:")
                  && !strstr(out.p, "secret") && !strstr(out.p, "/etc/passwd")
                  && strstr(log.p, said) && !strstr(strstr(log.p, said) + 1, said),
                  "no template (%zu), asked %s: a %d, the file once in the log:\n%s\n%s", i,
                  asks[a].q, asks[a].status, out.p, log.p ? log.p : "");
        }
        buf_reset(&out);
        rq.query = "q=docker&format=json";
        CHECK(web_handle(w, &rq, &out, &log) == 200, "JSON needs no template");
        web_free(w);
    }
    /* a template that names one value of a page is one */
    static const char one[] = "<title>{{ form.q }}</title>";
    web_config c1 = { .index = good_index, .tpl = one, .tpl_len = sizeof one - 1 };
    CHECK(web_new(&w, &c1) == BS_OK, "web_new");
    buf_reset(&out);
    rq.query = "q=docker&format=html";
    CHECK(web_handle(w, &rq, &out, &log) == 200 && strstr(out.p, "<title>docker</title>"),
          "{{ form.q }} alone is a template:\n%s", out.p);
    web_free(w);

    /* CORS: none, any, a list */
    const char *cors[] = { NULL, "*", "https://a.example https://b.example" };
    const char *origin[] = { "https://a.example", "https://c.example" };
    for (int c = 0; c < 3; c++)
        for (int o = 0; o < 2; o++) {
            web_config cc = { .index = good_index, .tpl = "{{query}}", .tpl_len = 9,
                              .cors = cors[c] };
            CHECK(web_new(&w, &cc) == BS_OK, "web_new");
            web_request cr = { "GET", "q=docker&format=json", NULL, origin[o], NULL };
            buf_reset(&out);
            web_handle(w, &cr, &out, &log);
            const char *acao = header(out.p, "Access-Control-Allow-Origin");
            const char *want = c == 0 ? NULL : c == 1 ? "*" : o == 0 ? origin[0] : NULL;
            CHECK(want ? acao && strncmp(acao, want, strlen(want)) == 0 : !acao,
                  "CORS %s from %s: %s", cors[c] ? cors[c] : "(none)", origin[o],
                  acao ? acao : "(no header)");
            CHECK(!!header(out.p, "Vary") == (c == 2), "Vary: Origin with a list");
            cr.query = "q=docker&format=html";
            buf_reset(&out);
            web_handle(w, &cr, &out, &log);
            CHECK(!header(out.p, "Access-Control-Allow-Origin"), "no CORS on HTML");
            web_free(w);
        }
    buf_free(&out);
    buf_free(&log);
}

/* A post whose link is javascript: is shown without a link in HTML (its
 * title still escaped); JSON gives the link as it is, as data. */
static void unsafe_link(const char *dir)
{
    char posts[128], ix[128], path[256], err[1024];
    snprintf(posts, sizeof posts, "%s/posts", dir);
    snprintf(ix, sizeof ix, "%s/index-links", dir);
    snprintf(path, sizeof path, "%s/evil.md", posts);
    CHECK(mkdir(posts, 0777) == 0, "mkdir");
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "write %s", path);
    if (!f)
        return;
    fputs("---\ntitle: Ссылка <b>с подвохом</b>\nslug: evil\nurl: javascript:alert(1)\n"
          "date: 2020-01-01\n---\n\nТекст про docker.\n", f);
    fclose(f);
    char *roots[] = { posts };
    walk_list list;
    writer_summary sum;
    writer_opts wo = { .max_file_bytes = 1 << 20, .mem_limit = 1 << 20 };
    CHECK(walk_paths(&list, roots, 1, NULL, NULL) == 0, "walk");
    CHECK(writer_run(ix, &list, &wo, &sum, err, sizeof err) == BS_OK, "index: %s", err);
    walk_free(&list);
    static const char tpl[] = "{{#results}}[{{#href}}<a href=\"{{href}}\">{{/href}}{{title}}]"
                              "{{/results}}";
    web_config cfg = { .index = ix, .tpl = tpl, .tpl_len = sizeof tpl - 1 };
    web *w;
    CHECK(web_new(&w, &cfg) == BS_OK, "web_new");
    txt_buf out = { 0 }, log = { 0 };
    web_request rq = { "GET", "q=docker&format=html", NULL, NULL, NULL };
    CHECK(web_handle(w, &rq, &out, &log) == 200 && !strstr(out.p, "javascript:")
          && strstr(out.p, "[Ссылка &lt;b&gt;с подвохом&lt;/b&gt;]"),
          "a javascript: link gets no href:\n%s", out.p);
    buf_reset(&out);
    rq.query = "q=docker&format=json";
    CHECK(web_handle(w, &rq, &out, &log) == 200
          && strstr(out.p, "\"url\": \"javascript:alert(1)\""), "JSON gives the link as data");
    buf_free(&out);
    buf_free(&log);
    web_free(w);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_web SAMPLES_DIR TEMPLATE\n");
        return 2;
    }
    char dir[] = "/tmp/bs-test-web-XXXXXX", ix[64], err[1024];
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(ix, sizeof ix, "%s/index", dir);
    walk_list list;
    writer_summary sum;
    writer_opts wo = { .url_prefix = "/posts/", .max_file_bytes = 1 << 20, .mem_limit = 1 << 20 };
    char *roots[] = { argv[1] };
    CHECK(walk_paths(&list, roots, 1, NULL, NULL) == 0, "walk");
    CHECK(writer_run(ix, &list, &wo, &sum, err, sizeof err) == BS_OK && sum.added > 40,
          "index the samples: %s", err);
    walk_free(&list);

    FILE *f = fopen(argv[2], "rb");
    char *tpl = calloc(1, 1 << 16);
    size_t tpl_len = f ? fread(tpl, 1, (1 << 16) - 1, f) : 0;
    if (f)
        fclose(f);
    CHECK(tpl_len > 0, "read the template %s", argv[2]);

    /* once as plain CGI (one answer a process), once resident */
    for (int keep = 0; keep < 2; keep++) {
        web *w;
        web_config cfg = { .index = ix, .tpl = tpl, .tpl_len = tpl_len, .tpl_name = argv[2],
                           .resident = keep };
        CHECK(web_new(&w, &cfg) == BS_OK, "web_new");
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            check_row(w, &rows[i]);
        long_queries(w);
        many_params(w);
        utf8_answers(w);
        web_free(w);
    }
    server_faults(ix);
    unsafe_link(dir);
    free(tpl);

    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_web");
}
