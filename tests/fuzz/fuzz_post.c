/* fuzz_post.c: a post file read into fields (indexer/post.c, front/,
 * markup/) from memory, built once per format: FUZZ_POST_PATH names the
 * file (its extension picks the markup), FUZZ_POST_PREFIX is put before the
 * input (a front matter fence, a Pelican field) so that every input reaches
 * that reader, and with FUZZ_POST_SIDECAR the input is a .meta sidecar, a
 * NUL, then the post. Every field and every diagnostic must be valid
 * UTF-8, each diagnostic's line must be one of the file's, and the lists
 * must hold as many entries as they count. */
#include "fuzz.h"
#include "indexer/indexer.h"

#ifndef FUZZ_POST_PATH
#define FUZZ_POST_PATH "/blog/posts/post.rst"
#endif
#ifndef FUZZ_POST_PREFIX
#define FUZZ_POST_PREFIX ""
#endif
#ifndef FUZZ_POST_SIDECAR
#define FUZZ_POST_SIDECAR 0
#endif

typedef struct {
    unsigned lines;        /* of the longer of file and sidecar, plus one */
} diag_ctx;

static void check_diag(void *ctx, const char *path, unsigned line, diag_level level,
                       const char *msg)
{
    const diag_ctx *d = ctx;
    fuzz_utf8("a diagnostic's path", path, strlen(path));
    fuzz_utf8("a diagnostic", msg, strlen(msg));
    if (line > d->lines)
        fuzz_fail("diagnostic on line %u of a file of %u lines: %s", line, d->lines - 1, msg);
    if (level != DIAG_WARNING && level != DIAG_ERROR)
        fuzz_fail("diagnostic of level %d", (int)level);
    if (!*msg)
        fuzz_fail("an empty diagnostic");
}

static unsigned count_lines(const char *s, size_t n)
{
    unsigned lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n'));
    return lines;
}

/* A list of NUL-ended entries: valid UTF-8 each, count of them. */
static void check_list(const char *what, const txt_buf *b, size_t count)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; n++) {
        const char *nul = memchr(b->p + i, 0, b->len - i);
        if (!nul)
            fuzz_fail("%s: the last entry has no NUL", what);
        fuzz_utf8(what, b->p + i, (size_t)(nul - (b->p + i)));
        i = (size_t)(nul - b->p) + 1;
    }
    if (n != count)
        fuzz_fail("%s: %zu entries, counted %zu", what, n, count);
}

static void check_text(const char *what, const txt_buf *b)
{
    fuzz_utf8(what, b->p, b->len);
    if (b->len && memchr(b->p, 0, b->len))
        fuzz_fail("%s holds a NUL byte", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data, *meta = NULL;
    size_t in_len = size, meta_len = 0;
    if (FUZZ_POST_SIDECAR) {
        const char *nul = memchr(in, 0, size);
        meta = in;
        meta_len = nul ? (size_t)(nul - in) : size;
        in = nul ? nul + 1 : in + size;
        in_len = size - (size_t)(in - (const char *)data);
    }
    size_t plen = strlen(FUZZ_POST_PREFIX);
    char *file = malloc(plen + in_len + 1);
    if (!file)
        return 0;
    memcpy(file, FUZZ_POST_PREFIX, plen);
    if (in_len)
        memcpy(file + plen, in, in_len);
    diag_ctx d = { count_lines(file, plen + in_len) };
    if (meta) {
        unsigned ml = count_lines(meta, meta_len);
        d.lines = ml > d.lines ? ml : d.lines;
    }

    post p;
    post_init(&p);
    post_opts o = { .diag = check_diag, .diag_ctx = &d,
                    .permalink = "/:categories/:year/:month/:day/:title:output_ext" };
    if (post_parse(&p, FUZZ_POST_PATH, file, plen + in_len, meta, meta_len, &o) == 0) {
        check_text("the title", &p.title);
        check_text("the slug", &p.slug);
        check_text("the author", &p.author);
        check_text("the description", &p.description);
        check_text("the url", &p.url);
        check_text("the body", &p.body);
        check_list("the categories", &p.categories, p.ncategories);
        check_list("the tags", &p.tags, p.ntags);
        txt_buf url = { 0 };
        post_url(&url, "/blog/", &p);
        check_text("the URL stored", &url);
        buf_free(&url);
    }
    post_free(&p);
    free(file);
    return 0;
}
