/* test_changed.c: table-driven tests of a list of changed paths as
 * blogsearch-index --changed reads it: its entries (pathlist_next: lines or
 * NUL-ended, empty ones passed over, CRLF, git's quoted names, a NUL in a
 * line) and each path made absolute (changed_resolve). What the walk makes
 * of the paths is tests/e2e/changed.sh's, on real files. */
#include "indexer/indexer.h"
#include "test.h"

#define IN(s) s, sizeof(s) - 1

/* A list and what is read from it: the entries joined by '|', a bad line
 * as "!N" (its number). */
static const struct {
    int line;
    const char *in;
    size_t len;
    int nul;
    const char *want;
} lists[] = {
    { __LINE__, IN(""), 0, "" },                                        /* nothing listed */
    { __LINE__, IN("a.md\nb/c.rst\n"), 0, "a.md|b/c.rst" },             /* git diff --name-only */
    { __LINE__, IN("a.md\nb.md"), 0, "a.md|b.md" },                     /* no newline at the end */
    { __LINE__, IN("\n\na.md\n\n\nb.md\n\n"), 0, "a.md|b.md" },         /* empty lines say nothing */
    { __LINE__, IN("a.md\r\nb.md\r\n"), 0, "a.md|b.md" },               /* CRLF line ends */
    { __LINE__, IN(" posts/a b.md \n"), 0, " posts/a b.md " },          /* spaces are the name's own */
    { __LINE__, IN("posts/пост.md\n"), 0, "posts/пост.md" },            /* UTF-8 as written */
    { __LINE__, IN("posts/\xff\xfe.md\n"), 0, "posts/\xff\xfe.md" },    /* not UTF-8: bytes kept */
    { __LINE__, IN("\"posts/\\320\\277.md\"\n"), 0, "posts/п.md" },     /* git's core.quotePath */
    { __LINE__, IN("\"a\\tb\\\\c\\\"d\\n.md\"\n"), 0, "a\tb\\c\"d\n.md" },  /* git's C escapes */
    { __LINE__, IN("\"a\\xb.md\"\n"), 0, "\"a\\xb.md\"" },              /* no git escape: as written */
    { __LINE__, IN("\"a\"b\".md\"\n"), 0, "\"a\"b\".md\"" },            /* a quote inside: as written */
    { __LINE__, IN("\"a\\000.md\"\n"), 0, "\"a\\000.md\"" },            /* no name holds NUL */
    { __LINE__, IN("\"\"\n\"x\n"), 0, "\"\"|\"x" },                     /* too short to be quoted */
    { __LINE__, IN("a.md\nb\0c.md\nd.md\n"), 0, "a.md|!2|d.md" },       /* NUL in a line: said, skipped */
    { __LINE__, IN("a.md\0b c.md\0\0d\ne.md\0"), 1, "a.md|b c.md|d\ne.md" },  /* -0: newlines are names' */
    { __LINE__, IN("\"q.md\"\0a\r\0"), 1, "\"q.md\"|a\r" },             /* -0: no quoting, no CR taken */
};

/* cwd, a path, and the absolute path it names. */
static const struct {
    int line;
    const char *cwd, *path, *want;
} resolves[] = {
    { __LINE__, "/blog", "posts/a.md", "/blog/posts/a.md" },           /* git's paths: from the top */
    { __LINE__, "/blog", "/srv/x/a.md", "/srv/x/a.md" },               /* absolute: as given */
    { __LINE__, "/blog", "./posts//a.md", "/blog/posts/a.md" },        /* ./ and // dropped */
    { __LINE__, "/blog/sub", "../posts/a.md", "/blog/posts/a.md" },    /* .. takes a name away */
    { __LINE__, "/blog", "../../../a.md", "/a.md" },                   /* never above / */
    { __LINE__, "/", "a.md", "/a.md" },                                /* from the top directory */
    { __LINE__, "/blog", "posts/", "/blog/posts" },                    /* a directory's slash */
    { __LINE__, "/blog", ".", "/blog" },                               /* the directory itself */
    { __LINE__, "/blog", "/..", "/" },                                 /* the top */
    { __LINE__, "/blog", "a/.../b", "/blog/a/.../b" },                 /* ... is a name */
    { __LINE__, "/blog", "a/.b/c.md", "/blog/a/.b/c.md" },             /* hidden names stay: the walk judges */
};

int main(void)
{
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        pathlist l = { lists[i].in, lists[i].in + lists[i].len, lists[i].nul, 0 };
        txt_buf out = { 0 }, got = { 0 };
        const char *why = NULL;
        int rc;
        while ((rc = pathlist_next(&l, &out, &why)) != PATHLIST_END && rc >= 0) {
            if (got.len)
                buf_putc(&got, '|');
            if (rc == PATHLIST_BAD) {
                char n[16];
                snprintf(n, sizeof n, "!%u", l.line);
                buf_puts(&got, n);
                CHECK_AT(__FILE__, lists[i].line, why && strstr(why, "-0"),
                         "row %zu: the bad line's message names -0", i);
            } else {
                buf_put(&got, out.p, out.len);
            }
        }
        CHECK_AT(__FILE__, lists[i].line, rc == PATHLIST_END, "row %zu: the list ends", i);
        CHECK_AT(__FILE__, lists[i].line, strcmp(got.p ? got.p : "", lists[i].want) == 0,
                 "row %zu: got \"%s\", want \"%s\"", i, got.p ? got.p : "", lists[i].want);
        buf_free(&out);
        buf_free(&got);
    }
    for (size_t i = 0; i < sizeof resolves / sizeof resolves[0]; i++) {
        txt_buf out = { 0 };
        changed_resolve(resolves[i].cwd, resolves[i].path, strlen(resolves[i].path), &out);
        CHECK_AT(__FILE__, resolves[i].line, strcmp(out.p, resolves[i].want) == 0,
                 "row %zu: %s in %s: got \"%s\", want \"%s\"", i, resolves[i].path,
                 resolves[i].cwd, out.p, resolves[i].want);
        buf_free(&out);
    }
    return test_report("test_changed");
}
