/* test_templates_corpus.c: the six real blogs of ../shared/corpus/blogs
 * (Hugo, Jekyll, Pelican, Nikola, Zola), each indexed into a scratch index;
 * every stored body is read back and must hold no template tag the source
 * does not show its reader: shortcodes only as the content of a raw block,
 * {{ x }} and {% x %} only from raw blocks or code. Template-like text in a
 * source's fenced code must still be there, and the word "gist" must find
 * the posts whose text (tags taken out) says it. The oracle here is a
 * plain line-by-line reading, not the pass's. Exit 77 (skipped) when the
 * corpus is missing. Usage: test_templates_corpus BLOGS_DIR (or
 * $BLOGSEARCH_CORPUS/blogs when that is set) */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blogsearch.h"
#include "indexer/indexer.h"
#include "test.h"

/* ---- the oracle's reading of a source file ---------------------------------- */

static void put_range(txt_buf *b, const char *s, size_t n)
{
    buf_put(b, s, n);
    buf_putc(b, '\n');
}

/* The content of every {% raw %} ... {% endraw %} and {{% raw %}} ...
 * {{% /raw %}} block, one after the other. */
static void raw_text(const char *src, txt_buf *out)
{
    static const char *const open[] = { "{% raw %}", "{{% raw %}}" };
    static const char *const close[] = { "{% endraw %}", "{{% /raw %}}" };
    for (int k = 0; k < 2; k++)
        for (const char *p = strstr(src, open[k]); p; p = strstr(p, open[k])) {
            p += strlen(open[k]);
            const char *e = strstr(p, close[k]);
            if (!e)
                break;
            put_range(out, p, (size_t)(e - p));
            p = e;
        }
}

/* The lines a reader sees as code: fenced (``` or ~~~, also quoted),
 * indented by a tab or four spaces, between backticks on a line, in
 * <pre>...</pre>. fenced gets the fenced lines alone. */
static void code_text(const char *src, txt_buf *out, txt_buf *fenced)
{
    int in_fence = 0;
    for (const char *l = src; *l;) {
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        const char *t = l;
        while (t < l + n && (*t == ' ' || *t == '>'))
            t++;
        int fence = (size_t)(l + n - t) >= 3 && (!strncmp(t, "```", 3) || !strncmp(t, "~~~", 3));
        if (fence)
            in_fence = !in_fence;
        else if (in_fence)
            put_range(fenced, l, n);
        if (in_fence || *l == '\t' || !strncmp(l, "    ", 4)) {
            put_range(out, l, n);
        } else {
            const char *a = memchr(l, '`', n);
            while (a) {
                const char *b = memchr(a + 1, '`', (size_t)(l + n - a - 1));
                if (!b)
                    break;
                put_range(out, a, (size_t)(b - a + 1));
                a = memchr(b + 1, '`', (size_t)(l + n - b - 1));
            }
        }
        l = e ? e + 1 : l + n;
    }
    for (const char *p = strstr(src, "<pre"); p; p = strstr(p + 1, "<pre")) {
        const char *e = strstr(p, "</pre>");
        if (!e)
            break;
        put_range(out, p, (size_t)(e - p));
    }
}

/* The template tag at s (a "{{" or "{%" with its close on the same line),
 * its length in *len; 0 when s starts none. shortcode: {{< >}} or {{% %}}. */
static int tag_at(const char *s, size_t *len, int *shortcode)
{
    if (s[0] != '{' || (s[1] != '{' && s[1] != '%'))
        return 0;
    *shortcode = s[1] == '{' && (s[2] == '<' || s[2] == '%');
    const char *close = *shortcode ? (s[2] == '<' ? ">}}" : "%}}") : s[1] == '{' ? "}}" : "%}";
    size_t k = *shortcode ? 3 : 2;
    if (!*shortcode) {   /* an expression or a tag name, as Liquid, Go and Jinja start them */
        while (s[k] == '-' || s[k] == ' ')
            k++;
        if (!(s[k] == '_' || s[k] == '.' || s[k] == '"' || s[k] == '#' ||
              (s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z')))
            return 0;
    }
    for (; s[k] && s[k] != '\n'; k++)
        if (!strncmp(s + k, close, strlen(close))) {
            *len = k + strlen(close);
            return 1;
        }
    return 0;
}

/* A copy of src with every tag taken out, for what its text says. */
static void without_tags(const char *src, txt_buf *out)
{
    for (const char *p = src; *p;) {
        size_t len;
        int sc;
        if (tag_at(p, &len, &sc)) {
            buf_putc(out, ' ');
            p += len;
        } else {
            buf_putc(out, *p++);
        }
    }
}

/* "gist" at the start of a word, in any case, in running text: not in a
 * URL or a query string (gist.github.com, &gist=...), nor a Markdown
 * reference label, which the reader does not see as words. */
static int says_gist(const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((p > s && (p[-1] | 32) >= 'a' && (p[-1] | 32) <= 'z') || strncasecmp(p, "gist", 4) != 0)
            continue;
        const char *a = p, *e = p;
        while (a > s && !strchr(" \t\n<>()[]", a[-1]))
            a--;
        while (*e && !strchr(" \t\n<>()[]", *e))
            e++;
        char *word = strndup(a, (size_t)(e - a));
        int url = strstr(word, "://") || strchr(word, '=') || strchr(word, '/') || strstr(word, "www.");
        free(word);
        /* a Markdown reference label: [text][label], [label]: URL */
        int label = a - s >= 2 && a[-1] == '[' && (a[-2] == ']' || a[-2] == '\n') && *e == ']';
        if (!url && !label)
            return 1;
    }
    return 0;
}

/* ---- one blog --------------------------------------------------------------- */

typedef struct {
    size_t posts, kept_raw, kept_code, source_tags;
} tally;

/* Checks one stored body against its source file. */
static void check_body(const char *path, const char *body, tally *tl)
{
    size_t len;
    char *src = test_read_file(path, &len);
    CHECK(src != NULL, "%s: cannot be read", path);
    if (!src)
        return;
    txt_buf raw = { 0 }, code = { 0 }, fenced = { 0 };
    buf_putc(&raw, '\n');
    buf_putc(&code, '\n');
    buf_putc(&fenced, '\n');
    raw_text(src, &raw);
    code_text(src, &code, &fenced);
    for (const char *p = src; *p; p++) {
        size_t n;
        int sc;
        if (tag_at(p, &n, &sc))
            tl->source_tags++;
    }
    for (const char *p = body; *p; p++) {
        size_t n;
        int sc;
        if (!tag_at(p, &n, &sc))
            continue;
        char *tag = strndup(p, n);
        int in_raw = strstr(raw.p, tag) != NULL;
        int in_code = !sc && strstr(code.p, tag) != NULL;
        CHECK(in_raw || in_code, "%s: \"%s\" left in the stored body", path, tag);
        tl->kept_raw += in_raw;
        tl->kept_code += !in_raw && in_code;
        free(tag);
        p += n - 1;
    }
    /* no front matter in the body: not its fences, not its first line */
    if (strncmp(src, "---\n", 4) == 0 || strncmp(src, "+++\n", 4) == 0) {
        const char *first = src + 4, *nl = strchr(first, '\n');
        char *line = strndup(first, nl ? (size_t)(nl - first) : strlen(first));
        CHECK(strncmp(body, "---", 3) != 0 && strncmp(body, "+++", 3) != 0,
              "%s: the stored body starts with the front matter's fence", path);
        CHECK(!*line || strstr(body, line) == NULL, "%s: the front matter line \"%s\" is in "
              "the stored body", path, line);
        free(line);
    }
    /* what fenced code shows stays, but for the raw marks around it */
    for (const char *p = fenced.p; *p; p++) {
        size_t n;
        int sc;
        if (!tag_at(p, &n, &sc) || sc)
            continue;
        char *tag = strndup(p, n);
        if (!strstr(tag, "raw"))
            CHECK(strstr(body, tag) != NULL, "%s: \"%s\" of its code is not in the stored body", path, tag);
        free(tag);
        p += n - 1;
    }
    free(src);
    buf_free(&raw);
    buf_free(&code);
    buf_free(&fenced);
}

static void diag_quiet(void *ctx, const char *path, unsigned line, diag_level level, const char *msg)
{
    (void)ctx, (void)path, (void)line, (void)level, (void)msg;
}

static void check_blog(const char *blog, const char *name, const char *scratch)
{
    char ix[4096], err[1024];
    snprintf(ix, sizeof ix, "%s/%s", scratch, name);
    char *roots[] = { (char *)blog };
    walk_list list;
    writer_summary sum;
    writer_opts wo = { .drafts = 1, .max_file_bytes = 16 << 20, .mem_limit = 16 << 20,
                       .diag = diag_quiet };
    CHECK(walk_paths(&list, roots, 1, NULL, NULL) == 0, "%s: walk", name);
    int rc = writer_run(ix, &list, &wo, &sum, err, sizeof err);
    walk_free(&list);
    CHECK(rc == BS_OK && sum.added > 0, "%s: index: %s", name, err);
    if (rc != BS_OK)
        return;

    /* every stored body */
    store *st;
    MDB_txn *txn;
    MDB_cursor *cur = NULL;     /* NULL: a failed open reads nothing */
    MDB_val k, v;
    tally tl = { 0 };
    size_t gist_posts = 0;
    char **gist = NULL;
    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_OK, "%s: open: %s", name, err);
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == 0 && mdb_cursor_open(txn, st->docs, &cur) == 0,
          "%s: read", name);
    txt_buf body = { 0 }, plain = { 0 };
    for (int m = mdb_cursor_get(cur, &k, &v, MDB_FIRST); m == 0; m = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        doc_record d;
        const char *why;
        if (codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK) {
            CHECK(0, "%s: a record does not decode: %s", name, why);
            continue;
        }
        buf_reset(&body);
        CHECK(store_read_text(st, txn, codec_get_u32be(k.mv_data), d.body_bytes, &body) == BS_OK,
              "%s: a body cannot be read", name);
        char *path = strndup(d.path, d.path_len);
        check_body(path, body.p ? body.p : "", &tl);
        tl.posts++;
        size_t len;
        char *src = test_read_file(path, &len);
        buf_reset(&plain);
        if (src)
            without_tags(src, &plain);
        if (plain.p && says_gist(plain.p)) {
            gist = realloc(gist, (gist_posts + 1) * sizeof *gist);
            gist[gist_posts++] = path;
        } else {
            free(path);
        }
        free(src);
        codec_doc_free(&d);
    }
    buf_free(&body);
    buf_free(&plain);
    mdb_cursor_close(cur);
    mdb_txn_abort(txn);
    store_close(st);

    /* "gist" finds the posts that say it, and only those: as typed, since a
     * blog without the word would be shown what it holds nearest */
    bs_index *bi;
    bs_results *res = NULL;
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.limit = 1000;
    o.snippets = 0;
    o.exact = 1;
    CHECK(bs_index_open(&bi, ix, BS_OPEN_RDONLY) == BS_OK, "%s: bs_index_open: %s", name, bs_errmsg());
    CHECK(bs_search(bi, "gist", &o, &res) == BS_OK, "%s: search: %s", name, bs_errmsg());
    size_t hits = res ? bs_results_count(res) : 0;
    for (size_t i = 0; i < hits; i++) {
        bs_hit h = BS_HIT_INIT;
        bs_results_hit(res, i, &h);
        int says = 0;
        for (size_t g = 0; g < gist_posts; g++)
            says |= strcmp(gist[g], h.path) == 0;
        CHECK(says, "%s: \"gist\" finds %s, which does not say it but in a template tag", name, h.path);
    }
    for (size_t g = 0; g < gist_posts; g++) {
        int found = 0;
        for (size_t i = 0; i < hits; i++) {
            bs_hit h = BS_HIT_INIT;
            bs_results_hit(res, i, &h);
            found |= strcmp(gist[g], h.path) == 0;
        }
        CHECK(found, "%s: %s says \"gist\", which does not find it", name, gist[g]);
    }
    CHECK(hits == gist_posts, "%s: \"gist\" finds %zu posts, %zu say it", name, hits, gist_posts);
    bs_results_free(res);
    bs_index_close(bi);
    for (size_t g = 0; g < gist_posts; g++)
        free(gist[g]);
    free(gist);
    printf("%s: %zu posts, %zu tag-like strings in the sources; kept %zu from raw blocks, "
           "%zu as code; \"gist\" finds %zu\n",
           name, tl.posts, tl.source_tags, tl.kept_raw, tl.kept_code, hits);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    /* BLOGSEARCH_CORPUS names the corpora's directory, as for the other corpus tests */
    char env[4096];
    const char *top = getenv("BLOGSEARCH_CORPUS");
    const char *dir = argc > 1 ? argv[1] : "";
    if (top && *top) {
        snprintf(env, sizeof env, "%s/blogs", top);
        dir = env;
    }
    DIR *d = opendir(dir);
    if (!d) {
        printf("test_templates_corpus: %s not found, skipped\n", dir);
        return 77;
    }
    char *names[64];
    size_t nn = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && nn < 64;)
        if (e->d_name[0] != '.')
            names[nn++] = strdup(e->d_name);
    closedir(d);
    qsort(names, nn, sizeof *names, by_name);
    char scratch[] = "/tmp/bs-templates.XXXXXX";
    CHECK(mkdtemp(scratch) != NULL, "mkdtemp");
    for (size_t i = 0; i < nn; i++) {
        char blog[8192];
        if (snprintf(blog, sizeof blog, "%s/%s", dir, names[i]) < (int)sizeof blog)
            check_blog(blog, names[i], scratch);
        free(names[i]);
    }
    CHECK(nn >= 6, "only %zu blogs in %s", nn, dir);
    test_rmtree(scratch);
    return test_report("test_templates_corpus");
}
