/* dump_front.c: a post's front matter as the indexer's parsers read it,
 * printed as JSON (base view_json), for tests and for looking. Built with
 * the tests, not installed.
 *
 * Usage: dump_front toml FILE          the TOML between the first two "+++" lines
 *        dump_front yaml FILE          the YAML between a first "---" line and
 *                                      the next "---" or "..." line
 *        dump_front toml|yaml --whole FILE   the whole file as one document
 *                                      (a config.toml, a _config.yml)
 *        dump_front json FILE          the JSON object opening the file
 * Prints the tree and a newline on stdout; on a bad header also the tree of
 * what was read before the problem, and "FILE:LINE: error: MSG" (LINE of the
 * file) on stderr, or "warning" for what the parser read past (a YAML key
 * given twice). Exit status: 0 read, 1 the header is bad, 2 usage, an
 * unreadable file, or no header of that kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/front/front.h"
#include "test.h"

static int usage(void)
{
    fprintf(stderr, "usage: dump_front toml|yaml [--whole] FILE | json FILE\n");
    return 2;
}

/* The line at p is one of fences (trailing spaces and a CR allowed); *next
 * is the start of the line after it. */
static int is_fence(const char *p, const char *end, const char *const *fences,
                    const char **next)
{
    for (; *fences; fences++) {
        size_t n = strlen(*fences);
        if ((size_t)(end - p) < n || memcmp(p, *fences, n) != 0)
            continue;
        const char *q = p + n;
        while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q < end && *q != '\n')
            continue;
        *next = q < end ? q + 1 : q;
        return 1;
    }
    return 0;
}

/* The header between a first line open and the next line of close: [*b, *e);
 * it starts on the file's second line. */
static int fenced(const char *s, size_t len, const char *const *open, const char *const *close,
                  const char **b, const char **e)
{
    const char *end = s + len, *p;
    if (!is_fence(s, end, open, &p))
        return -1;
    *b = p;
    while (p < end) {
        const char *next;
        if (is_fence(p, end, close, &next)) {
            *e = p;
            return 0;
        }
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    return -1;
}

int main(int argc, char **argv)
{
    static const char *const toml_fence[] = { "+++", NULL };
    static const char *const yaml_open[] = { "---", NULL };
    static const char *const yaml_close[] = { "---", "...", NULL };
    if (argc < 3)
        return usage();
    const char *mode = argv[1];
    int toml = strcmp(mode, "toml") == 0, yaml = strcmp(mode, "yaml") == 0;
    int whole = argc == 4 && strcmp(argv[2], "--whole") == 0;
    if (argc != 3 + whole || (!toml && !yaml && strcmp(mode, "json") != 0) ||
        (whole && !toml && !yaml))
        return usage();
    const char *path = argv[2 + whole];

    size_t len;
    char *data = test_read_file(path, &len);
    if (!data) {
        fprintf(stderr, "dump_front: %s: cannot read it\n", path);
        return 2;
    }
    const char *s = data;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {      /* a BOM */
        s += 3;
        len -= 3;
    }
    const char *b = s, *end = s + len;
    unsigned first_line = 1;
    if ((toml || yaml) && !whole) {
        if (fenced(s, len, toml ? toml_fence : yaml_open, toml ? toml_fence : yaml_close, &b,
                   &end) != 0) {
            fprintf(stderr, "dump_front: %s: no %s header between \"%s\" lines\n", path,
                    toml ? "TOML" : "YAML", toml ? "+++" : "---");
            free(data);
            return 2;
        }
        first_line = 2;
    }
    view *v = view_new();
    vnode *root = NULL;
    front_error e = { 0 };
    int rc = -1;
    if (!v) {
        snprintf(e.msg, sizeof e.msg, "out of memory");
    } else if (toml) {
        rc = front_toml(b, (size_t)(end - b), v, &root, &e);
    } else if (yaml) {
        rc = front_yaml(b, (size_t)(end - b), v, &root, &e);
    } else {
        size_t used;
        rc = front_json(s, len, v, &root, &used, &e);
    }
    txt_buf out = { 0 };
    if (root)
        view_json(&out, root, 2);
    if (out.len)
        printf("%s\n", out.p);
    if (rc != 0)
        fprintf(stderr, "%s:%u: %s: %s\n", path, e.line ? e.line + first_line - 1 : 0,
                rc > 0 ? "warning" : "error", e.msg);
    buf_free(&out);
    view_free(v);
    free(data);
    return rc < 0 ? 1 : 0;
}
