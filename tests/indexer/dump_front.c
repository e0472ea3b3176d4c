/* dump_front.c: a post's front matter as the indexer's parsers read it,
 * printed as JSON (base view_json), for tests and for looking. Built with
 * the tests, not installed.
 *
 * Usage: dump_front toml FILE          the TOML between the first two "+++" lines
 *        dump_front toml --whole FILE  the whole file as one TOML document (config.toml)
 *        dump_front json FILE          the JSON object opening the file
 *        dump_front yaml FILE          (YAML is not built in yet: exit 2)
 * Prints the tree and a newline on stdout; on a bad header also the tree of
 * what was read before the problem, and "FILE:LINE: error: MSG" (LINE of the
 * file) on stderr. Exit status: 0 read, 1 the header is bad, 2 usage, an
 * unreadable file, or no header of that kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/front/front.h"
#include "test.h"

static int usage(void)
{
    fprintf(stderr, "usage: dump_front toml [--whole] FILE | json FILE | yaml FILE\n");
    return 2;
}

/* The line at p is "+++" (trailing spaces and a CR allowed); *next is the
 * start of the line after it. */
static int is_fence(const char *p, const char *end, const char **next)
{
    if (end - p < 3 || memcmp(p, "+++", 3) != 0)
        return 0;
    p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    if (p < end && *p != '\n')
        return 0;
    *next = p < end ? p + 1 : p;
    return 1;
}

/* The TOML between the first two fence lines: [*b, *e), and the file's line
 * of its first line in *first_line. */
static int toml_header(const char *s, size_t len, const char **b, const char **e,
                       unsigned *first_line)
{
    const char *end = s + len, *p;
    if (!is_fence(s, end, &p))
        return -1;
    *b = p;
    *first_line = 2;
    while (p < end) {
        const char *next;
        if (is_fence(p, end, &next)) {
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
    if (argc < 3)
        return usage();
    const char *mode = argv[1];
    int whole = argc == 4 && strcmp(argv[2], "--whole") == 0;
    if (argc != 3 + whole || (whole && strcmp(mode, "toml") != 0))
        return usage();
    const char *path = argv[2 + whole];
    if (strcmp(mode, "yaml") == 0) {
        fprintf(stderr, "dump_front: yaml: not built in yet\n");
        return 2;
    }
    if (strcmp(mode, "toml") != 0 && strcmp(mode, "json") != 0)
        return usage();

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
    view *v = view_new();
    vnode *root = NULL;
    front_error e;
    unsigned first_line = 1;
    int rc;
    if (!v) {
        fprintf(stderr, "dump_front: out of memory\n");
        free(data);
        return 2;
    }
    if (strcmp(mode, "json") == 0) {
        size_t used;
        rc = front_json(s, len, v, &root, &used, &e);
    } else if (whole) {
        rc = front_toml(s, len, v, &root, &e);
    } else {
        const char *b, *end;
        if (toml_header(s, len, &b, &end, &first_line) != 0) {
            fprintf(stderr, "dump_front: %s: no TOML header between \"+++\" lines\n", path);
            view_free(v);
            free(data);
            return 2;
        }
        rc = front_toml(b, (size_t)(end - b), v, &root, &e);
    }
    txt_buf out = { 0 };
    if (root)
        view_json(&out, root, 2);
    if (out.len)
        printf("%s\n", out.p);
    if (rc != 0)
        fprintf(stderr, "%s:%u: error: %s\n", path, e.line ? e.line + first_line - 1 : 0, e.msg);
    buf_free(&out);
    view_free(v);
    free(data);
    return rc != 0 ? 1 : 0;
}
