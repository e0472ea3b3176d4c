/* blogsearch-index: keeps the search index of a blog's source posts up to
 * date. A thin front end: options, diagnostics, progress and the summary;
 * the work is in indexer/. Exit status: 0 done (warnings are counted in the
 * summary), 1 the index could not be written or checked, 2 usage. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/lib.h"
#include "tools/cli.h"

#define DEFAULT_INDEX ".blogsearch"
#define DEFAULT_MAX_SIZE (16u << 20)
#define DEFAULT_MEM_LIMIT ((size_t)64 << 20)   /* bench/RESULTS.md: more is not faster */

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

typedef struct {
    int quiet, verbose, strict;
    size_t warnings, errors;
    char cwd[PATH_MAX];
    size_t cwd_len;
    /* progress */
    int progress;               /* stderr is a terminal and not --quiet */
    double start, last_draw;
    int drawn;
} cli;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Paths below the working directory are shown relative to it. */
static const char *shown(const cli *c, const char *path)
{
    if (c->cwd_len && strncmp(path, c->cwd, c->cwd_len) == 0 && path[c->cwd_len] == '/')
        return path + c->cwd_len + 1;
    return path;
}

static void clear_progress(cli *c)
{
    if (c->drawn) {
        fputs("\r\033[K", stderr);
        c->drawn = 0;
    }
}

static void on_diag(void *ctx, const char *path, unsigned line, int level, const char *msg)
{
    cli *c = ctx;
    if (level == LIB_ERROR)
        c->errors++;
    else
        c->warnings++;
    clear_progress(c);
    if (line)
        cli_printf(stderr, "%s:%u: %s: %s\n", shown(c, path), line,
                   level == LIB_ERROR ? "error" : "warning", msg);
    else
        cli_printf(stderr, "%s: %s: %s\n", shown(c, path),
                   level == LIB_ERROR ? "error" : "warning", msg);
}

static void on_progress(void *ctx, size_t done, size_t total, uint64_t bytes)
{
    cli *c = ctx;
    double t = now_s();
    if (!c->progress || (done < total && t - c->last_draw < 0.1))
        return;
    c->last_draw = t;
    double el = t - c->start, mbs = el > 0 ? (double)bytes / 1e6 / el : 0;
    double eta = done ? el / (double)done * (double)(total - done) : 0;
    int width = 24, fill = total ? (int)((double)width * (double)done / (double)total) : width;
    fprintf(stderr, "\r[%.*s%*s] %zu/%zu posts  %.1f MB/s  ETA %.0f s\033[K", fill,
            "########################", width - fill, "", done, total, mbs, eta);
    c->drawn = 1;
}

static void on_event(void *ctx, const char *path, const char *what)
{
    cli *c = ctx;
    clear_progress(c);
    cli_printf(stderr, "%s: %s\n", shown(c, path), what);
}

static int write_related(const char *index, const char *out, size_t count, int quiet)
{
    char err[2048];
    size_t n = 0;
    double t0 = now_s();
    if (lib_index_related(index, out, count, &n, err, sizeof err) != BS_OK) {
        cli_printf(stderr, "blogsearch-index: --related: %s\n", err);
        return EXIT_FAIL;
    }
    if (!quiet)
        cli_printf(stderr, "blogsearch-index: the related posts of %zu post%s written to %s; "
                   "%.2f s\n", n, n == 1 ? "" : "s", out, now_s() - t0);
    return EXIT_OK;
}

/* --snapshot: a compacted copy of the index for web nodes, written whole
 * (README, "Copies for web nodes"). */
static int write_snapshot(const char *index, const char *dir, int quiet)
{
    char err[2048];
    lib_snapshot_info s;
    double t0 = now_s();
    if (lib_index_snapshot(index, dir, &s, err, sizeof err) != BS_OK) {
        cli_printf(stderr, "blogsearch-index: --snapshot: %s\n", err);
        return EXIT_FAIL;
    }
    if (s.kept[0])
        cli_printf(stderr, "blogsearch-index: warning: the previous snapshot could not be "
                   "removed; it is left in %s\n", s.kept);
    if (!quiet)
        cli_printf(stderr, "blogsearch-index: snapshot of %s written to %s%s: %llu post%s, "
                   "%.1f MB (the index: %.1f MB on disk, %.1f MB in use); %.2f s\n", index,
                   dir, s.replaced ? ", replacing the previous one" : "",
                   (unsigned long long)s.posts, s.posts == 1 ? "" : "s", (double)s.bytes / 1e6,
                   (double)s.src_file_bytes / 1e6, (double)s.src_used_bytes / 1e6,
                   now_s() - t0);
    return EXIT_OK;
}

/* What --related and --snapshot write, after a run or alone. */
static int after_run(const char *index, const char *related, size_t related_n,
                     const char *snapshot, int quiet)
{
    int rc = related ? write_related(index, related, related_n, quiet) : EXIT_OK;
    return rc == EXIT_OK && snapshot ? write_snapshot(index, snapshot, quiet) : rc;
}

/* --changed: the walk list from the paths on standard input. */
static int read_changed(cli *c, lib_walk **list, char **paths, size_t npaths, int nul)
{
    char err[1024];
    if (!c->quiet && isatty(STDIN_FILENO))
        fprintf(stderr, "blogsearch-index: --changed reads the paths from standard input, "
                "one a line (end with Ctrl-D)\n");
    int rc = lib_walk_changed(list, paths, npaths, STDIN_FILENO, nul, on_diag, c,
                              c->verbose ? on_event : NULL, c, err, sizeof err);
    if (rc != BS_OK)
        cli_printf(stderr, "blogsearch-index: %s; the index was not changed\n", err);
    return rc;
}

static void usage(FILE *f)
{
    fputs("usage: blogsearch-index [OPTIONS] PATH...\n"
          "       blogsearch-index --stats [--json] [--index DIR]\n"
          "       blogsearch-index --check | --tags | --dump [--index DIR]\n"
          "       blogsearch-index --related OUT.json [--related-count N] [--index DIR]\n"
          "       blogsearch-index --snapshot DIR [--index DIR]\n"
          "       blogsearch-index --changed [-0] [OPTIONS] PATH... < LIST\n"
          "\n"
          "Reads the blog posts under each PATH (files, or directories searched\n"
          "recursively: .rst .rest .txt .md .markdown .mdown .mkd .html .htm .org with\n"
          "Nikola, Hugo, Jekyll or Pelican metadata) and brings the search index up\n"
          "to date: new posts are added, changed ones re-indexed, deleted ones\n"
          "removed, unchanged ones left.\n"
          "\n"
          "  -i, --index DIR       the index (default: $BLOGSEARCH_INDEX, else ./" DEFAULT_INDEX ")\n"
          "      --full            rebuild the index from nothing\n"
          "      --changed         no walk: bring up to date only the posts whose paths\n"
          "                        are listed on standard input, one a line, relative to\n"
          "                        the current directory (a .meta stands for its post, a\n"
          "                        path that is gone for its post removed, a directory\n"
          "                        for every post below it); paths outside every PATH or\n"
          "                        not posts are ignored (-v names them). The options\n"
          "                        must be the index's: a run with others reads every\n"
          "                        post, without --changed. From a blog's git checkout:\n"
          "                        git diff --name-only --no-renames HEAD@{1} |\n"
          "                          blogsearch-index --changed posts/\n"
          "  -0, --null            with --changed: the paths end with NUL (git diff -z,\n"
          "                        find -print0)\n"
          "      --drafts          index drafts too (status: draft or hidden, draft: true,\n"
          "                        published: false, the tag draft)\n"
          "      --url-prefix URL  URL of a post without a link: URL + slug + \"/\"\n"
          "      --timezone ZONE   zone of dates written without one: Europe/Moscow or\n"
          "                        +03:00 (default: the index's last, else UTC)\n"
          "      --max-size SIZE   skip larger files (default 16M; K, M, G suffixes)\n"
          "      --strict          any warning fails the run; the index is not changed\n"
          "  -q, --quiet           no progress and no summary\n"
          "  -v, --verbose         print each post added, updated or removed\n"
          "      --stats           print the index statistics\n"
          "      --tags            list the tags, categories and authors with post counts\n"
          "      --json            with --stats or --tags: as JSON\n"
          "      --check           verify the index is consistent\n"
          "      --dump            print every post's stored fields, one JSON object a line\n"
          "      --related OUT.json  after the run (or alone, without PATH), write every\n"
          "                        post's most similar posts to OUT.json, for a \"see\n"
          "                        also\" block (docs/json.md)\n"
          "      --related-count N  posts in each list (default 5)\n"
          "      --snapshot DIR    after the run (or alone, without PATH), write a compacted\n"
          "                        copy of the index to DIR, whole or not at all, to ship\n"
          "                        to web nodes; DIR must be new, empty or a previous\n"
          "                        snapshot, which it replaces\n"
          "      --memory SIZE     postings held in memory (default 64M): past SIZE they\n"
          "                        go as a sorted run to a temporary file (in $TMPDIR,\n"
          "                        else the index directory; removed however the run\n"
          "                        ends) and are merged into the index at the end; the\n"
          "                        index's pages are let go of at each spill\n"
          "  -h, --help            this help\n"
          "      --version         the version\n"
          "\n"
          "Options may come before or after the paths, exactly as written above\n"
          "(-i DIR, --index DIR, --index=DIR; before the first PATH also -iDIR, -qv):\n"
          "blogsearch-index posts/ -i DIR -v. After --, every argument is a PATH, and a\n"
          "PATH that starts with - needs it: blogsearch-index -- -drafts/.\n"
          "\n"
          "Exit status: 0 done (warnings are counted in the summary), 1 the index could\n"
          "not be written (or --strict saw a warning, or --check a problem), 2 usage.\n", f);
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return -1;
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1u << 10;
    else if (*end == 'M' || *end == 'm')
        mul = 1u << 20;
    else if (*end == 'G' || *end == 'g')
        mul = 1u << 30;
    if (mul > 1)
        end++;
    if (*end || v > UINT64_MAX / mul)
        return -1;
    *out = v * mul;
    return 0;
}

static void json_str(const char *s)
{
    txt_buf b = { 0 };
    buf_put_json(&b, s, strlen(s));
    cli_write(stdout, b.p, b.len, 1);
    buf_free(&b);
}

static int print_stats(const char *dir, int json)
{
    txt_buf out = { 0 };
    char err[1024];
    if (lib_index_stats(dir, json, &out, err, sizeof err) != BS_OK) {
        cli_printf(stderr, "blogsearch-index: %s\n", err);
        buf_free(&out);
        return EXIT_FAIL;
    }
    cli_write(stdout, out.p, out.len, json);
    buf_free(&out);
    return EXIT_OK;
}

static void print_facet(void *ctx, const char *name, const char *value, size_t len,
                        size_t count)
{
    int *json = ctx;
    if (*json) {
        char *v = strndup(value, len);
        printf("%s{\"kind\": \"%s\", \"value\": ", *json == 1 ? "" : ", ", name);
        json_str(v ? v : "");
        printf(", \"posts\": %zu}", count);
        free(v);
        *json = 2;
    } else {
        cli_printf(stdout, "%s\t%zu\t%.*s\n", name, count, (int)len, value);
    }
}

static int print_facets(const char *dir, int json)
{
    char err[1024];
    int state = json ? 1 : 0;
    if (json)
        printf("[");
    int rc = lib_index_facets(dir, print_facet, &state, err, sizeof err);
    if (json)
        printf("]\n");
    if (rc != BS_OK) {
        cli_printf(stderr, "blogsearch-index: %s\n", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static void print_line(void *ctx, const char *json, size_t len)
{
    (void)ctx;
    cli_write(stdout, json, len, 1);
    putchar('\n');
}

static int print_dump(const char *dir)
{
    char err[1024];
    int rc = lib_index_dump(dir, print_line, NULL, err, sizeof err);
    if (rc != BS_OK) {
        cli_printf(stderr, "blogsearch-index: %s\n", err);
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static void on_problem(void *ctx, const char *msg)
{
    const char *dir = ctx;
    cli_printf(stderr, "%s: %s\n", dir, msg);
}

static int run_check(const char *dir, int quiet)
{
    lib_check_counts s;
    char err[1024];
    int rc = lib_index_check(dir, on_problem, (void *)dir, &s, err, sizeof err);
    if (rc != BS_OK) {
        cli_printf(stderr, "blogsearch-index: %s: %s\n", dir, err);
        return EXIT_FAIL;
    }
    if (!quiet)
        cli_printf(stdout, "%s: consistent: %llu posts, %llu terms, %llu postings\n", dir,
               (unsigned long long)s.posts, (unsigned long long)s.terms,
               (unsigned long long)s.postings);
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    enum { O_FULL = 256, O_DRAFTS, O_URL, O_TZ, O_MAX, O_STRICT, O_STATS, O_JSON, O_CHECK,
           O_VERSION, O_TAGS, O_DUMP, O_MEMORY, O_RELATED, O_RELATED_N, O_SNAPSHOT, O_CHANGED,
           O_NULL };
    static const cli_opt opts[] = {
        { "index", 'i', CLI_VALUE, "DIR", 'i' }, { "full", 0, CLI_NO_VALUE, NULL, O_FULL },
        { "drafts", 0, CLI_NO_VALUE, NULL, O_DRAFTS },
        { "url-prefix", 0, CLI_VALUE, "URL", O_URL }, { "timezone", 0, CLI_VALUE, "ZONE", O_TZ },
        { "max-size", 0, CLI_VALUE, "SIZE", O_MAX }, { "strict", 0, CLI_NO_VALUE, NULL, O_STRICT },
        { "quiet", 'q', CLI_NO_VALUE, NULL, 'q' }, { "verbose", 'v', CLI_NO_VALUE, NULL, 'v' },
        { "stats", 0, CLI_NO_VALUE, NULL, O_STATS }, { "json", 0, CLI_NO_VALUE, NULL, O_JSON },
        { "check", 0, CLI_NO_VALUE, NULL, O_CHECK }, { "tags", 0, CLI_NO_VALUE, NULL, O_TAGS },
        { "dump", 0, CLI_NO_VALUE, NULL, O_DUMP }, { "memory", 0, CLI_VALUE, "SIZE", O_MEMORY },
        { "related", 0, CLI_VALUE, "OUT.json", O_RELATED },
        { "related-count", 0, CLI_VALUE, "N", O_RELATED_N },
        { "snapshot", 0, CLI_VALUE, "DIR", O_SNAPSHOT },
        { "changed", 0, CLI_NO_VALUE, NULL, O_CHANGED }, { "null", '0', CLI_NO_VALUE, NULL, O_NULL },
        { "help", 'h', CLI_NO_VALUE, NULL, 'h' }, { "version", 0, CLI_NO_VALUE, NULL, O_VERSION },
        { NULL, 0, 0, NULL, 0 },
    };
    cli c = { 0 };
    lib_run_opts o = { 0 };
    const char *index = NULL;
    int stats = 0, json = 0, check = 0, tags = 0, dump = 0, opt, stop = -1;
    int changed = 0, nul = 0;          /* --changed: the paths on stdin; -0: NUL-separated */
    const char *related = NULL;       /* --related: every post's related posts, there */
    size_t related_n = 5;
    const char *snapshot = NULL;      /* --snapshot: a copy of the index for web nodes */
    o.max_file_bytes = DEFAULT_MAX_SIZE;
    o.mem_limit = DEFAULT_MEM_LIMIT;
    cli_args args = { .prog = "blogsearch-index", .word = "PATH", .opts = opts, .argc = argc,
                      .argv = argv, .next = 1 };
    /* the paths, moved to the front of argv in their order (the parser has
     * read past each by the time it is moved: nothing it reads is overwritten) */
    char **paths = argv + 1;
    size_t npaths = 0;

    while (stop < 0 && (opt = cli_next(&args)) != CLI_END) {
        const char *val = args.value;
        switch (opt) {
        case CLI_BAD: stop = EXIT_USAGE; break;
        case CLI_WORD: paths[npaths++] = (char *)val; break;
        case 'i': index = val; break;
        case O_FULL: o.full = 1; break;
        case O_DRAFTS: o.drafts = 1; break;
        case O_URL: o.url_prefix = val; break;
        case O_TZ: {
            /* read now, so a name that is no zone is a usage error */
            tz_zone *z;
            char why[512];
            if (tz_open(&z, val, why, sizeof why) != 0)
                stop = cli_bad_value(&args, "timezone", val, why);
            tz_free(z);
            o.timezone = val;
            break;
        }
        case O_MAX:
            if (parse_size(val, &o.max_file_bytes) != 0 || o.max_file_bytes == 0)
                stop = cli_bad_value(&args, "max-size", val, "not a size such as 16M");
            break;
        case O_STRICT: c.strict = o.strict = 1; break;
        case 'q': c.quiet = 1; break;
        case 'v': c.verbose = 1; break;
        case O_STATS: stats = 1; break;
        case O_JSON: json = 1; break;
        case O_CHECK: check = 1; break;
        case O_TAGS: tags = 1; break;
        case O_DUMP: dump = 1; break;
        case O_CHANGED: changed = 1; break;
        case O_NULL: nul = 1; break;
        case O_RELATED: related = val; break;
        case O_SNAPSHOT: snapshot = val; break;
        case O_RELATED_N: {
            char *end;
            errno = 0;
            unsigned long n = strtoul(val, &end, 10);
            if (errno || end == val || *end || val[0] == '-' || n < 1 || n > 100)
                stop = cli_bad_value(&args, "related-count", val, "a number from 1 to 100");
            else
                related_n = n;
            break;
        }
        case O_MEMORY: {
            uint64_t m;
            if (parse_size(val, &m) != 0 || m < 4096 || m > SIZE_MAX / 2)
                stop = cli_bad_value(&args, "memory", val, "not a size such as 256M");
            else
                o.mem_limit = (size_t)m;
            break;
        }
        case 'h': usage(stdout); stop = EXIT_OK; break;
        case O_VERSION:
            printf("blogsearch-index %s (index format %u)\n", BS_VERSION_STRING,
                   lib_format_version());
            stop = EXIT_OK;
            break;
        }
    }
    if (stop >= 0)
        return stop;
    /* a damaged index is a message, not a crash; so is a write through the
     * map to a full disk (SIGBUS); past the file size limit a write fails
     * with EFBIG, said as such, instead of ending the process (lib.h) */
    lib_guard_install();
    signal(SIGXFSZ, SIG_IGN);
    if (!index)
        index = getenv("BLOGSEARCH_INDEX");
    if (!index || !*index)
        index = DEFAULT_INDEX;
    const char *mapsize = getenv("BLOGSEARCH_MAP_SIZE");
    if (mapsize && parse_size(mapsize, &o.initial_mapsize) != 0) {
        cli_printf(stderr, "blogsearch-index: BLOGSEARCH_MAP_SIZE=\"%s\": not a size\n",
                   mapsize);
        return EXIT_USAGE;
    }
    if (json && !stats && !tags) {
        fprintf(stderr, "blogsearch-index: --json goes with --stats or --tags\n");
        return EXIT_USAGE;
    }
    if (related && (stats || check || tags || dump)) {
        fprintf(stderr, "blogsearch-index: --related goes alone or with PATHs to index "
                "first\n");
        return EXIT_USAGE;
    }
    if (snapshot && (stats || check || tags || dump)) {
        fprintf(stderr, "blogsearch-index: --snapshot goes alone or with PATHs to index "
                "first\n");
        return EXIT_USAGE;
    }
    if ((related || snapshot) && npaths == 0)
        return after_run(index, related, related_n, snapshot, c.quiet);
    if (stats + check + tags + dump > 1) {
        fprintf(stderr, "blogsearch-index: --stats, --tags, --dump and --check go one at a "
                "time\n");
        return EXIT_USAGE;
    }
    if ((nul && !changed) || (changed && (o.full || stats || check || tags || dump))) {
        fprintf(stderr, "blogsearch-index: %s\n", !changed ? "-0 (--null) goes with --changed"
                : o.full ? "--changed and --full go one at a time: --full reads every post"
                : "--changed goes with PATHs to index, not with --stats, --tags, --dump or "
                  "--check");
        return EXIT_USAGE;
    }
    if (stats || check || tags || dump) {
        if (npaths) {
            fprintf(stderr, "blogsearch-index: --stats, --tags, --dump and --check take no "
                    "PATH\n");
            return EXIT_USAGE;
        }
        return stats ? print_stats(index, json) : tags ? print_facets(index, json)
               : dump ? print_dump(index) : run_check(index, c.quiet);
    }
    if (npaths == 0) {
        fprintf(stderr, "blogsearch-index: no PATH given; name the folder of your posts, "
                "e.g. blogsearch-index posts/\n");
        usage(stderr);
        return EXIT_USAGE;
    }

    if (getcwd(c.cwd, sizeof c.cwd))
        c.cwd_len = strlen(c.cwd);
    c.start = now_s();
    c.progress = !c.quiet && isatty(STDERR_FILENO);
    o.diag = on_diag;
    o.diag_ctx = &c;
    o.progress = on_progress;
    o.progress_ctx = &c;
    if (c.verbose) {
        o.event = on_event;
        o.event_ctx = &c;
    }

    lib_walk *list;
    if (changed && read_changed(&c, &list, paths, npaths, nul) != BS_OK)
        return EXIT_FAIL;
    if (!changed && lib_walk_paths(&list, paths, npaths, on_diag, &c) != BS_OK) {
        fprintf(stderr, "blogsearch-index: out of memory\n");
        return EXIT_FAIL;
    }
    if (lib_walk_roots(list) == 0) {
        fprintf(stderr, "blogsearch-index: none of the paths could be read; the index was "
                "not changed\n");
        lib_walk_free(list);
        return EXIT_FAIL;
    }
    size_t walk_warnings = c.warnings + c.errors;
    if (c.strict && walk_warnings) {
        fprintf(stderr, "blogsearch-index: --strict: %zu problem%s while finding the posts; "
                "the index was not changed\n", walk_warnings, walk_warnings == 1 ? "" : "s");
        lib_walk_free(list);
        return EXIT_FAIL;
    }

    lib_run_summary sum;
    char err[2048];
    size_t listed, ignored;
    lib_walk_listed(list, &listed, &ignored);
    int rc = lib_index_run(index, list, &o, &sum, err, sizeof err);
    clear_progress(&c);
    lib_walk_free(list);
    double took = now_s() - c.start;
    if (rc != BS_OK) {
        cli_printf(stderr, "blogsearch-index: %s\n", err);
        if (!c.strict)
            cli_printf(stderr, "blogsearch-index: the index %s was not changed\n", index);
        return EXIT_FAIL;
    }
    if (!c.quiet) {
        uint64_t posts = sum.posts;   /* in the index after the run, not the files read */
        if (posts == UINT64_MAX) {
            cli_printf(stderr, "blogsearch-index: the run was written, but its posts could "
                       "not be counted: %s\n", err);
            return EXIT_FAIL;
        }
        size_t w = c.warnings, e = c.errors;
        cli_printf(stderr, "blogsearch-index: %llu post%s in %s: %zu added, %zu updated, %zu "
                   "removed, %zu unchanged, %zu skipped; %zu warning%s, %zu error%s; %.2f s"
                   "%s\n", (unsigned long long)posts, posts == 1 ? "" : "s", index, sum.added,
                   sum.updated, sum.removed, sum.unchanged, sum.skipped, w, w == 1 ? "" : "s",
                   e, e == 1 ? "" : "s", took, sum.committed ? "" : " (nothing to write)");
        if (ignored)
            fprintf(stderr, "blogsearch-index: %zu of %zu path%s listed ignored: outside "
                    "every PATH, or not posts%s\n", ignored, listed, listed == 1 ? "" : "s",
                    c.verbose ? "" : " (-v names them)");
    }
    return after_run(index, related, related_n, snapshot, c.quiet);
}
