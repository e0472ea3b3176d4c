/* test_corpus.c: the analyzer over real posts, every file under the
 * directories given: token invariants, the table-driven fast path against
 * utf8proc on every word, and the cache against no cache. Run on data/samples
 * always and on ../shared/corpus/rf-web when it is there (exit 77, skipped,
 * when a directory is missing). */
#include <ftw.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "check_tokens.h"
#include "stemming/stemming.h"
#include "test.h"

static an_analyzer *cached, *plain;
static size_t nfiles, nbytes, nwords, nmismatch;

typedef struct { char *buf; size_t len, cap; } strbuf;

static int dump(const an_token *t, void *ctx)
{
    strbuf *s = ctx;
    size_t need = t->term_len + t->norm_len + 64;
    if (s->len + need > s->cap) {
        s->cap = (s->cap + need) * 2;
        s->buf = realloc(s->buf, s->cap);
    }
    s->len += (size_t)snprintf(s->buf + s->len, s->cap - s->len, "%u %s %s %zu %zu %u\n",
                               (unsigned)t->pos, t->term, t->norm, t->off, t->len, t->flags);
    return 0;
}

/* Every word: the fast normalization path must equal the general one. */
static void compare_paths(const char *text, size_t len)
{
    tok_scanner s;
    tok_word w;
    tok_init(&s, text, len);
    while (tok_next(&s, &w)) {
        char fast[NORM_MAX_BYTES + 1], slow[NORM_MAX_BYTES + 1];
        int sf = 0, ss = 0;
        int nf = norm_word(text + w.off, w.len, fast, &sf);
        int ns = norm_word_slow(text + w.off, w.len, slow, &ss);
        nwords++;
        if (nf != ns || (nf >= 0 && (strcmp(fast, slow) != 0 || sf != ss))) {
            if (nmismatch++ < 5)
                fprintf(stderr, "fast/slow differ on \"%.*s\"\n", (int)w.len, text + w.off);
        }
    }
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)ftw;
    if (type != FTW_F)
        return 0;
    FILE *f = fopen(path, "rb");
    char *text = malloc((size_t)st->st_size + 1);
    size_t len = f && text ? fread(text, 1, (size_t)st->st_size, f) : 0;
    if (f)
        fclose(f);
    CHECK(text && len == (size_t)st->st_size, "%s: cannot read", path);
    if (!text)
        return 0;

    tok_checker c = { .len = len };
    uint32_t pos = 0;
    CHECK(an_analyze(cached, text, len, &pos, check_token, &c) == 0 && c.bad == 0,
          "%s: %d bad tokens", path, c.bad);
    CHECK(c.ntokens > 0, "%s: no tokens", path);

    strbuf a = { 0 }, b = { 0 };
    uint32_t pa = 0, pb = 0;
    an_analyze(cached, text, len, &pa, dump, &a);
    an_analyze(plain, text, len, &pb, dump, &b);
    CHECK(a.len == b.len && (a.len == 0 || memcmp(a.buf, b.buf, a.len) == 0),
          "%s: cached and uncached tokens differ", path);
    free(a.buf);
    free(b.buf);

    compare_paths(text, len);
    nfiles++;
    nbytes += len;
    free(text);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_corpus DIR...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("test_corpus: %s is not there; skipped\n", argv[i]);
            return 77;
        }
    }
    if (an_new(&cached, 0) != 0 || an_new(&plain, AN_NO_CACHE) != 0)
        return 1;
    for (int i = 1; i < argc; i++)
        CHECK(nftw(argv[i], visit, 16, FTW_PHYS) == 0, "%s: cannot walk", argv[i]);
    CHECK(nmismatch == 0, "%zu of %zu words differ between fast and slow paths", nmismatch,
          nwords);
    printf("test_corpus: %zu files, %zu bytes, %zu words\n", nfiles, nbytes, nwords);
    an_free(cached);
    an_free(plain);
    return test_report("test_corpus");
}
