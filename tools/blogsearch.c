/* blogsearch: searches the index of a blog's posts from the command line.
 * A thin front end over query/: options, the results as text or JSON.
 * Exit status: 0 something was found, 1 nothing, 2 an error (a bad query,
 * no index). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/lib.h"
#include "tools/cli.h"

#define DEFAULT_INDEX ".blogsearch"
#define SNIPPET_CHARS 200

enum { EXIT_FOUND = 0, EXIT_NONE = 1, EXIT_ERROR = 2 };
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void usage(FILE *f)
{
    fputs("usage: blogsearch [OPTIONS] QUERY...\n"
          "\n"
          "Searches the posts indexed by blogsearch-index. Words match in any form\n"
          "(виртуализация finds виртуализацией); posts holding all the words come first.\n"
          "\n"
          "Query language:\n"
          "  word +word -word          a word; one that must be there; one that must not\n"
          "  \"exact phrase\" -\"phrase\"  words in this order\n"
          "  a OR b                    posts with either word, ranked together\n"
          "  dock*                     words starting with dock\n"
          "  title:word                the word in the title\n"
          "  tag:docker tag:\"a b\"       posts with the tag (category:, one of the post's;\n"
          "                            author: too)\n"
          "  since:2013 until:2014-06  dates, inclusive (YYYY, YYYY-MM, YYYY-MM-DD): each\n"
          "                            post's own day, in the zone its date was written in\n"
          "\n"
          "  -i, --index DIR       the index (default: $BLOGSEARCH_INDEX, else ./" DEFAULT_INDEX ")\n"
          "      --tag TAG         only posts with this tag (repeatable)\n"
          "      --category NAME, --author NAME\n"
          "      --since DATE, --until DATE\n"
          "      --sort relevance|date   (default relevance; date: newest first)\n"
          "      --like PATH|SLUG  the posts most like one post (its file, or its slug):\n"
          "                        its most distinctive words, the post itself left out\n"
          "      --suggest TEXT    completions of TEXT's last word from the index's words,\n"
          "                        most posts first, and titles with such a word (what a\n"
          "                        search box offers as one types; --json as the CGI's)\n"
          "      --exact           the words exactly as typed: no correction of a word that\n"
          "                        finds nothing (wrong keyboard layout, a typo, a Latin\n"
          "                        name in Cyrillic), nor a suggestion for one that finds little\n"
          "      --all, --any      every word required; any word enough (default: posts\n"
          "                        with all the words first, then those with most)\n"
          "  -n, --limit N         results to show (default 10)\n"
          "      --offset N, --page N   results from the Nth (from 0); the Nth page (from 1)\n"
          "      --json            results as JSON (docs/json.md)\n"
          "      --color[=WHEN]    highlight matched words in bold: auto (default: on a\n"
          "                        terminal, unless NO_COLOR is set or TERM=dumb),\n"
          "                        always (also --color alone) or never; else *word*\n"
          "      --stats           the index's statistics (with --json: as JSON)\n"
          "  -h, --help, --version\n"
          "\n"
          "Options may come before or after the query words, exactly as written above\n"
          "(-n 5, -n5, --limit 5, --limit=5): `blogsearch docker -n 5 --json`. Any other\n"
          "word that starts with - is a query word: `blogsearch docker -podman` excludes\n"
          "podman. After --, every word is a query word, and a query that starts with -\n"
          "needs it: `blogsearch -- -podman tag:docker`.\n"
          "\n"
          "Exit status: 0 found, 1 nothing found (or a page past the last one), 2 error.\n",
          f);
}

/* Bytes of the first n code points of s. */
static size_t cp_bytes(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    for (; i < len && n; n--)
        for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}

/* 1 if the matched words are to be in bold: --color=always, or auto
 * (the default) on a terminal unless NO_COLOR is set (not empty,
 * no-color.org) or TERM is dumb. */
static int use_color(int when)
{
    if (when != COLOR_AUTO)
        return when == COLOR_ALWAYS;
    const char *no = getenv("NO_COLOR"), *term = getenv("TERM");
    if ((no && *no) || (term && strcmp(term, "dumb") == 0))
        return 0;
    return isatty(STDOUT_FILENO);
}

/* Prints each result: rank, title, date (the post's own day), categories,
 * tags; where it is; the snippet with the matched words in bold (color),
 * between * otherwise. */
/* text (tlen bytes) with the highlights ([[start, length]...] in code
 * points) between on and off. */
static void print_marked(const char *text, size_t tlen, const vnode *hl, const char *on,
                         const char *off)
{
    size_t at = 0;
    for (size_t h = 0; text && h < vn_len(hl); h++) {
        const vnode *pair = vn_at(hl, h);
        size_t from = cp_bytes(text, tlen, (size_t)vn_number(vn_at(pair, 0)));
        size_t to = from + cp_bytes(text + from, tlen - from, (size_t)vn_number(vn_at(pair, 1)));
        if (from < at)
            continue;
        cli_printf(stdout, "%.*s%s%.*s%s", (int)(from - at), text + at, on, (int)(to - from),
                   text + from, off);
        at = to;
    }
    if (text)
        cli_write(stdout, text + at, tlen - at, 0);
}

static void print_text(const vnode *list, int color)
{
    const char *on = color ? "\033[1m" : "*", *off = color ? "\033[0m" : "*";
    char cwd[4096];
    size_t cwd_len = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    for (size_t i = 0; i < vn_len(list); i++) {
        const vnode *o = vn_at(list, i), *tags = vn_get(o, "tags"),
                    *cats = vn_get(o, "categories");
        size_t len;
        const char *title = vn_text(vn_get(o, "title"), &len), *date;
        cli_printf(stdout, "%lld. ", (long long)vn_number(vn_get(o, "rank")));
        /* the title's matched words in bold, on a terminal: *word* would
         * read as part of the title */
        print_marked(title, len, color ? vn_get(o, "title_highlights") : NULL, on, off);
        if ((date = vn_text(vn_get(o, "date"), &len)))
            cli_printf(stdout, "  (%.10s)", date);
        for (size_t c = 0; c < vn_len(cats); c++) {
            const char *cat = vn_text(vn_at(cats, c), &len);
            cli_printf(stdout, "%s%.*s", c ? ", " : "  ", (int)len, cat);
        }
        for (size_t t = 0; t < vn_len(tags); t++) {
            const char *tag = vn_text(vn_at(tags, t), &len);
            cli_printf(stdout, "%s%.*s%s", t ? ", " : "  [", (int)len, tag,
                       t + 1 == vn_len(tags) ? "]" : "");
        }
        /* the URL, else the path, relative when below the working directory */
        size_t wlen;
        const char *where = vn_text(vn_get(o, "url"), &wlen);
        if (!wlen) {
            where = vn_text(vn_get(o, "path"), &wlen);
            if (cwd_len && wlen > cwd_len && strncmp(where, cwd, cwd_len) == 0
                && where[cwd_len] == '/') {
                where += cwd_len + 1;
                wlen -= cwd_len + 1;
            }
        }
        cli_printf(stdout, "\n   %.*s\n   ", (int)wlen, where);
        const vnode *sn = vn_get(o, "snippet");
        size_t tlen;
        const char *text = vn_text(vn_get(sn, "text"), &tlen);
        print_marked(text, tlen, vn_get(sn, "highlights"), on, off);
        printf("\n\n");
    }
}

/* --suggest TEXT: the words, "word  posts" a line, then the titles, each
 * with its URL (when it has one) on the next line; with json the CGI's
 * answer to suggest=. */
static int print_suggestions(const char *index, const char *text, int json)
{
    lib_searcher *st = NULL;
    view *v = NULL;
    char err[1024];
    int rc = lib_searcher_open(&st, index, 0, err, sizeof err), status = EXIT_ERROR;
    vnode *root = NULL;
    if (rc == BS_OK && !(v = view_new())) {
        rc = BS_ENOMEM;
        snprintf(err, sizeof err, "out of memory");
    }
    if (rc == BS_OK)
        root = lib_suggest_view(st, text, v, &rc, err, sizeof err);
    if (!root) {
        cli_printf(stderr, "blogsearch: --suggest: %s\n", err);
        goto out;
    }
    const vnode *words = vn_get(root, "words"), *titles = vn_get(root, "titles");
    if (json) {
        txt_buf b = { 0 };
        if (view_json(&b, root, 0) != 0 || (buf_putc(&b, '\n'), b.err)) {
            fprintf(stderr, "blogsearch: out of memory\n");
            buf_free(&b);
            goto out;
        }
        cli_write(stdout, b.p, b.len, 1);
        buf_free(&b);
    } else {
        size_t len, ulen;
        for (size_t i = 0; i < vn_len(words); i++) {
            const vnode *w = vn_at(words, i);
            const char *word = vn_text(vn_get(w, "word"), &len);
            cli_printf(stdout, "%.*s  %lld\n", (int)len, word,
                       (long long)vn_number(vn_get(w, "posts")));
        }
        for (size_t i = 0; i < vn_len(titles); i++) {
            const vnode *t = vn_at(titles, i);
            const char *title = vn_text(vn_get(t, "title"), &len);
            const char *url = vn_text(vn_get(t, "url"), &ulen);
            cli_printf(stdout, "%s%.*s\n", i == 0 && vn_len(words) ? "\n" : "", (int)len, title);
            if (ulen)
                cli_printf(stdout, "   %.*s\n", (int)ulen, url);
        }
    }
    status = vn_len(words) || vn_len(titles) ? EXIT_FOUND : EXIT_NONE;
out:
    view_free(v);
    lib_searcher_close(st);
    return status;
}

static int parse_count(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > 1000000)
        return -1;
    *out = (size_t)v;
    return 0;
}

int main(int argc, char **argv)
{
    enum { O_TAG = 256, O_CAT, O_AUTHOR, O_SINCE, O_UNTIL, O_SORT, O_ALL, O_ANY, O_OFFSET,
           O_PAGE, O_JSON, O_VERSION, O_STATS, O_COLOR, O_EXACT, O_LIKE, O_SUGGEST };
    static const cli_opt opts[] = {
        { "index", 'i', CLI_VALUE, "DIR", 'i' }, { "tag", 0, CLI_VALUE, "TAG", O_TAG },
        { "category", 0, CLI_VALUE, "NAME", O_CAT }, { "author", 0, CLI_VALUE, "NAME", O_AUTHOR },
        { "since", 0, CLI_VALUE, "DATE", O_SINCE }, { "until", 0, CLI_VALUE, "DATE", O_UNTIL },
        { "sort", 0, CLI_VALUE, "relevance|date", O_SORT }, { "all", 0, CLI_NO_VALUE, NULL, O_ALL },
        { "any", 0, CLI_NO_VALUE, NULL, O_ANY }, { "limit", 'n', CLI_VALUE, "N", 'n' },
        { "offset", 0, CLI_VALUE, "N", O_OFFSET }, { "page", 0, CLI_VALUE, "N", O_PAGE },
        { "json", 0, CLI_NO_VALUE, NULL, O_JSON }, { "help", 'h', CLI_NO_VALUE, NULL, 'h' },
        { "version", 0, CLI_NO_VALUE, NULL, O_VERSION }, { "stats", 0, CLI_NO_VALUE, NULL, O_STATS },
        { "color", 0, CLI_OPTIONAL_VALUE, "auto|always|never", O_COLOR },
        { "exact", 0, CLI_NO_VALUE, NULL, O_EXACT },
        { "like", 0, CLI_VALUE, "PATH|SLUG", O_LIKE },
        { "suggest", 0, CLI_VALUE, "TEXT", O_SUGGEST },
        { NULL, 0, 0, NULL, 0 },
    };
    double t0 = now_ms();
    const char *index = NULL;
    const char *tags[LIB_MAX_TAGS];   /* options that are query filters */
    lib_query so = { .match = LIB_MATCH_MOST, .limit = 10, .tags = tags };
    size_t page = 0;
    int json = 0, stats = 0, color = COLOR_AUTO, opt;
    const char *like = NULL;          /* --like: a post's file or slug */
    const char *suggest = NULL;       /* --suggest: the text typed so far */
    int query_opts = 0;               /* options of a search (not of --suggest) given */
    char like_path[PATH_MAX];
    txt_buf qtext = { 0 };            /* the query: its words, one space between */
    cli_args args = { .prog = "blogsearch", .word = "query", .opts = opts, .argc = argc,
                      .argv = argv, .next = 1 };

    /* a damaged index is a message, not a crash (lib.h) */
    lib_guard_install();
    int stop = -1;                    /* the exit status, once it is known from the options */
    while (stop < 0 && (opt = cli_next(&args)) != CLI_END) {
        const char *val = args.value;
        switch (opt) {
        case CLI_BAD: stop = EXIT_ERROR; break;
        case CLI_WORD:
            if (qtext.len)
                buf_putc(&qtext, ' ');
            buf_puts(&qtext, val);
            break;
        case 'i': index = val; break;
        case O_TAG:
            if (so.ntags == LIB_MAX_TAGS) {
                fprintf(stderr, "blogsearch: --tag: at most %d tags\n", LIB_MAX_TAGS);
                stop = EXIT_ERROR;
            } else {
                tags[so.ntags++] = val;
            }
            break;
        case O_CAT: so.category = val; break;
        case O_AUTHOR: so.author = val; break;
        case O_SINCE: so.since = val; break;
        case O_UNTIL: so.until = val; break;
        case O_SORT:
            if (strcmp(val, "relevance") == 0)
                so.by_date = 0;
            else if (strcmp(val, "date") == 0)
                so.by_date = 1;
            else
                stop = cli_bad_value(&args, "sort", val, "relevance or date");
            break;
        case O_ALL: so.match = LIB_MATCH_ALL; break;
        case O_ANY: so.match = LIB_MATCH_ANY; break;
        case 'n':
            if (parse_count(val, &so.limit) != 0 || so.limit == 0)
                stop = cli_bad_value(&args, "limit", val, "a number from 1");
            break;
        case O_OFFSET:
            if (parse_count(val, &so.offset) != 0)
                stop = cli_bad_value(&args, "offset", val, "a number from 0");
            break;
        case O_PAGE:
            if (parse_count(val, &page) != 0 || page == 0)
                stop = cli_bad_value(&args, "page", val, "a number from 1");
            break;
        case O_JSON: json = 1; break;
        case O_EXACT: so.exact = 1; break;
        case O_LIKE: like = val; break;
        case O_SUGGEST: suggest = val; break;
        case O_STATS: stats = 1; break;
        case O_COLOR:
            if (!val || strcmp(val, "always") == 0)
                color = COLOR_ALWAYS;
            else if (strcmp(val, "never") == 0)
                color = COLOR_NEVER;
            else if (strcmp(val, "auto") == 0)
                color = COLOR_AUTO;
            else
                stop = cli_bad_value(&args, "color", val, "auto, always or never");
            break;
        case 'h': usage(stdout); stop = EXIT_FOUND; break;
        case O_VERSION: printf("blogsearch %s\n", BS_VERSION_STRING); stop = EXIT_FOUND; break;
        }
        query_opts += opt != 'i' && opt != O_JSON && opt != O_SUGGEST && opt != O_COLOR
                      && opt != CLI_BAD;
    }
    if (stop >= 0) {
        buf_free(&qtext);
        return stop;
    }
    if (page)
        so.offset = (page - 1) * so.limit;
    if (!index)
        index = getenv("BLOGSEARCH_INDEX");
    if (!index || !*index)
        index = DEFAULT_INDEX;
    if (suggest && query_opts) {
        fprintf(stderr, "blogsearch: --suggest completes the last word of its TEXT; it takes "
                "no query words and no other search options (--index and --json apply)\n");
        buf_free(&qtext);
        return EXIT_ERROR;
    }
    if (suggest) {
        buf_free(&qtext);
        return print_suggestions(index, suggest, json);
    }
    if (stats) {
        txt_buf out = { 0 };
        char serr[1024];
        if (lib_index_stats(index, json, &out, serr, sizeof serr) != BS_OK) {
            cli_printf(stderr, "blogsearch: %s\n", serr);
            buf_free(&out);
            buf_free(&qtext);
            return EXIT_ERROR;
        }
        cli_write(stdout, out.p, out.len, json);
        buf_free(&out);
        buf_free(&qtext);
        return EXIT_FOUND;
    }
    int status = EXIT_ERROR;
    lib_searcher *st = NULL;
    lib_search *r = NULL;
    view *v = NULL;
    char err[1024];
    int any_filter = so.ntags || so.category || so.author || so.since || so.until;
    if (like && qtext.len) {
        fprintf(stderr, "blogsearch: --like lists the posts like one post; it takes no query "
                "words (filters such as --tag still apply)\n");
        goto out;
    }
    /* a file given by any path is known to the index by its absolute one */
    struct stat lst;
    if (like && stat(like, &lst) == 0 && S_ISREG(lst.st_mode) && realpath(like, like_path))
        like = like_path;
    so.like = like;
    if (qtext.len == 0 && !any_filter && !like) {
        fprintf(stderr, "blogsearch: no query; try: blogsearch \"виртуализация docker\"\n");
        usage(stderr);
        goto out;
    }
    int rc = lib_searcher_open(&st, index, 0, err, sizeof err);
    if (rc != BS_OK) {
        cli_printf(stderr, "blogsearch: %s\n", err);
        goto out;
    }
    /* positions in a message count from the start of what was typed */
    so.text = qtext.p ? qtext.p : "";
    if (lib_search_run(st, &so, &r, err, sizeof err) != BS_OK) {
        cli_printf(stderr, "blogsearch: %s\n", err);
        goto out;
    }
    uint64_t total = lib_search_total(r);
    size_t shown_n = lib_search_count(r);

    int tty = isatty(STDOUT_FILENO);
    lib_page_opts po = { .snippet_chars = SNIPPET_CHARS, .paths = 1 };
    v = view_new();
    vnode *pg = v ? lib_search_page(r, &so, &po, v, &rc, err, sizeof err) : NULL;
    if (!v)
        rc = BS_ENOMEM;
    if (!pg) {
        cli_printf(stderr, "blogsearch: %s\n", rc == BS_ENOMEM ? "out of memory" : err);
        goto out;
    }
    /* what was done to the words, in the one line a search box shows */
    int applied;
    const char *fixed = lib_search_correction(r, &applied), *also = lib_search_also(r);
    if (!json && fixed && applied && also)
        cli_printf(stdout, "Показаны результаты для «%s», искали также «%s». Искать как "
                   "написано: --exact.\n\n", fixed, also);
    else if (!json && fixed && applied)
        cli_printf(stdout, "Показаны результаты для «%s». Искать как написано: --exact.\n\n",
                   fixed);
    else if (!json && fixed && also)
        cli_printf(stdout, "Искали также «%s». Возможно, вы имели в виду «%s»?\n\n", also,
                   fixed);
    else if (!json && fixed)
        cli_printf(stdout, "Возможно, вы имели в виду «%s»?\n\n", fixed);
    else if (!json && also)
        cli_printf(stdout, "Искали также «%s». Искать только как написано: --exact.\n\n", also);
    if (!json)
        print_text(vn_get(pg, "results"), use_color(color));
    double took = now_ms() - t0;
    /* posts found, none on this page: the page (or offset) is past the last */
    char past[256] = "";
    if (total && !shown_n) {
        int n = snprintf(past, sizeof past, "%llu post%s found; ", (unsigned long long)total,
                         total == 1 ? "" : "s");
        if (page)
            snprintf(past + n, sizeof past - (size_t)n, "page %zu is past the last page, "
                     "page %llu", page, (unsigned long long)((total - 1) / so.limit + 1));
        else
            snprintf(past + n, sizeof past - (size_t)n, "offset %zu is past the last post, "
                     "offset %llu", so.offset, (unsigned long long)total - 1);
    }
    if (json) {
        txt_buf out = { 0 };
        vn_set(v, pg, "took_ms", vn_num(v, (double)(int64_t)(took * 10) / 10));
        if (view_failed(v) || view_json(&out, pg, tty ? 2 : 0) != 0 || out.err) {
            fprintf(stderr, "blogsearch: out of memory\n");
            rc = BS_ENOMEM;
        } else {
            buf_putc(&out, '\n');
            cli_write(stdout, out.p, out.len, 1);
        }
        buf_free(&out);
        if (past[0])
            cli_printf(stderr, "blogsearch: %s\n", past);
    } else if (total == 0)
        cli_printf(stdout, "Nothing found for \"%s\" (%.1f ms).\n", qtext.p ? qtext.p : "",
                   took);
    else if (past[0])
        printf("%s (%.1f ms).\n", past, took);
    else
        printf("%llu post%s found, %zu to %zu shown (%.1f ms).\n", (unsigned long long)total,
               total == 1 ? "" : "s", so.offset + 1, so.offset + shown_n, took);
    if (rc == BS_OK)
        status = shown_n > 0 ? EXIT_FOUND : EXIT_NONE;
out:
    view_free(v);
    lib_search_free(r);
    lib_searcher_close(st);
    buf_free(&qtext);
    return status;
}
