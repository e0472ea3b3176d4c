/* blogsearch: searches the index of a blog's posts from the command line.
 * A thin front end over query/: options, the results as text or JSON.
 * Exit status: 0 something was found, 1 nothing, 2 an error (a bad query,
 * no index). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "query/query.h"

#define DEFAULT_INDEX ".blogsearch"
#define SNIPPET_CHARS 200

enum { EXIT_FOUND = 0, EXIT_NONE = 1, EXIT_ERROR = 2 };

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
          "  tag:docker tag:\"a b\"       posts with the tag (category:, author: too)\n"
          "  since:2013 until:2014-06  dates, inclusive (YYYY, YYYY-MM, YYYY-MM-DD, UTC)\n"
          "\n"
          "  -i, --index DIR       the index (default: $BLOGSEARCH_INDEX, else ./" DEFAULT_INDEX ")\n"
          "      --tag TAG         only posts with this tag (repeatable)\n"
          "      --category NAME, --author NAME\n"
          "      --since DATE, --until DATE\n"
          "      --sort relevance|date   (default relevance; date: newest first)\n"
          "      --all, --any      every word required; any word enough (default: posts\n"
          "                        with all the words first, then those with most)\n"
          "  -n, --limit N         results to show (default 10)\n"
          "      --offset N, --page N\n"
          "      --json            results as JSON (docs/json.md)\n"
          "      --stats           the index's statistics (with --json: as JSON)\n"
          "  -h, --help, --version\n"
          "\n"
          "Options come before the query: `blogsearch docker -podman` excludes podman;\n"
          "a query that starts with - follows --: `blogsearch -- -podman tag:docker`.\n"
          "\n"
          "Exit status: 0 found, 1 nothing found, 2 error.\n", f);
}

static void json_str(FILE *f, const char *s, size_t len)
{
    txt_buf b = { 0 };
    buf_put_json(&b, s, len);
    fwrite(b.p, 1, b.len, f);
    buf_free(&b);
}

static size_t cp_count(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
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
           O_PAGE, O_JSON, O_VERSION, O_STATS };
    static const struct option longopts[] = {
        { "index", required_argument, NULL, 'i' }, { "tag", required_argument, NULL, O_TAG },
        { "category", required_argument, NULL, O_CAT }, { "author", required_argument, NULL, O_AUTHOR },
        { "since", required_argument, NULL, O_SINCE }, { "until", required_argument, NULL, O_UNTIL },
        { "sort", required_argument, NULL, O_SORT }, { "all", no_argument, NULL, O_ALL },
        { "any", no_argument, NULL, O_ANY }, { "limit", required_argument, NULL, 'n' },
        { "offset", required_argument, NULL, O_OFFSET }, { "page", required_argument, NULL, O_PAGE },
        { "json", no_argument, NULL, O_JSON }, { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, O_VERSION }, { "stats", no_argument, NULL, O_STATS },
        { NULL, 0, NULL, 0 },
    };
    double t0 = now_ms();
    const char *index = NULL;
    search_opts so = { .sort = SORT_RELEVANCE, .match = MATCH_MOST, .limit = 10 };
    size_t page = 0;
    int json = 0, stats = 0, opt;
    txt_buf extra = { 0 };      /* options that are query filters, as query text */

    while ((opt = getopt_long(argc, argv, "+i:n:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'i': index = optarg; break;
        case O_TAG: case O_CAT: case O_AUTHOR: case O_SINCE: case O_UNTIL: {
            static const char *const names[] = { "tag", "category", "author", "since", "until" };
            if (strchr(optarg, '"')) {
                fprintf(stderr, "blogsearch: --%s: a value may not hold '\"'\n",
                        names[opt - O_TAG]);
                return EXIT_ERROR;
            }
            buf_puts(&extra, " ");
            buf_puts(&extra, names[opt - O_TAG]);
            buf_puts(&extra, ":\"");
            buf_puts(&extra, optarg);
            buf_puts(&extra, "\"");
            break;
        }
        case O_SORT:
            if (strcmp(optarg, "relevance") == 0)
                so.sort = SORT_RELEVANCE;
            else if (strcmp(optarg, "date") == 0)
                so.sort = SORT_DATE;
            else {
                fprintf(stderr, "blogsearch: --sort \"%s\": relevance or date\n", optarg);
                return EXIT_ERROR;
            }
            break;
        case O_ALL: so.match = MATCH_ALL; break;
        case O_ANY: so.match = MATCH_ANY; break;
        case 'n':
            if (parse_count(optarg, &so.limit) != 0 || so.limit == 0) {
                fprintf(stderr, "blogsearch: --limit \"%s\": a number from 1\n", optarg);
                return EXIT_ERROR;
            }
            break;
        case O_OFFSET:
            if (parse_count(optarg, &so.offset) != 0) {
                fprintf(stderr, "blogsearch: --offset \"%s\": a number from 0\n", optarg);
                return EXIT_ERROR;
            }
            break;
        case O_PAGE:
            if (parse_count(optarg, &page) != 0 || page == 0) {
                fprintf(stderr, "blogsearch: --page \"%s\": a number from 1\n", optarg);
                return EXIT_ERROR;
            }
            break;
        case O_JSON: json = 1; break;
        case O_STATS: stats = 1; break;
        case 'h': usage(stdout); return EXIT_FOUND;
        case O_VERSION: printf("blogsearch %s\n", BS_VERSION); return EXIT_FOUND;
        default: usage(stderr); return EXIT_ERROR;
        }
    }
    if (page)
        so.offset = (page - 1) * so.limit;
    if (!index)
        index = getenv("BLOGSEARCH_INDEX");
    if (!index || !*index)
        index = DEFAULT_INDEX;
    if (stats) {
        index_stats is;
        txt_buf out = { 0 };
        char serr[1024];
        if (index_stats_read(index, &is, serr, sizeof serr) != BS_OK) {
            fprintf(stderr, "blogsearch: %s\n", serr);
            buf_free(&extra);
            return EXIT_ERROR;
        }
        index_stats_format(&is, index, json, &out);
        fwrite(out.p, 1, out.len, stdout);
        buf_free(&out);
        buf_free(&extra);
        return EXIT_FOUND;
    }
    txt_buf qtext = { 0 };
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            buf_putc(&qtext, ' ');
        buf_puts(&qtext, argv[i]);
    }
    int status = EXIT_ERROR;
    store *st = NULL;
    an_analyzer *an = NULL;
    qry q = { 0 };
    MDB_txn *txn = NULL;
    results r = { 0 };
    txt_buf full = { 0 }, body = { 0 };
    char err[1024];
    if (qtext.len == 0 && extra.len == 0) {
        fprintf(stderr, "blogsearch: no query; try: blogsearch \"виртуализация docker\"\n");
        usage(stderr);
        goto out;
    }
    buf_put(&full, qtext.p ? qtext.p : "", qtext.len);
    buf_put(&full, extra.p ? extra.p : "", extra.len);

    int rc = store_open(&st, index, STORE_RDONLY, err, sizeof err);
    if (rc != BS_OK) {
        fprintf(stderr, "blogsearch: %s\n", err);
        goto out;
    }
    if (an_new(&an, 0) != 0) {
        fprintf(stderr, "blogsearch: out of memory\n");
        goto out;
    }
    err[0] = '\0';
    /* positions in a message count from the start of what was typed */
    if (qparse(&q, an, full.p, err, sizeof err) != BS_OK) {
        fprintf(stderr, "blogsearch: %s\n", err);
        goto out;
    }
    if (store_txn_begin(st, MDB_RDONLY, &txn) != BS_OK) {
        fprintf(stderr, "blogsearch: %s\n", st->errmsg);
        goto out;
    }
    err[0] = '\0';
    if (search_run(st, txn, &q, &so, &r, err, sizeof err) != BS_OK) {
        fprintf(stderr, "blogsearch: %s\n", err);
        goto out;
    }

    int tty = isatty(STDOUT_FILENO);
    char cwd[4096];
    size_t cwd_len = getcwd(cwd, sizeof cwd) ? strlen(cwd) : 0;
    const char *on = tty ? "\033[1m" : "*", *off = tty ? "\033[0m" : "*";
    if (json) {
        printf("{\"query\": ");
        json_str(stdout, qtext.p ? qtext.p : "", qtext.len);
        printf(", \"total\": %llu, \"offset\": %zu, \"limit\": %zu, \"results\": [",
               (unsigned long long)r.total, so.offset, so.limit);
    }
    for (size_t i = 0; i < r.n && rc == BS_OK; i++) {
        uint8_t k4[4];
        key_docid(k4, r.hits[i].docid);
        MDB_val k = { 4, k4 }, v;
        doc_record d;
        const char *why;
        if (mdb_get(txn, st->docs, &k, &v) != 0 || codec_doc_decode(v.mv_data, v.mv_size, &d, &why) != BS_OK) {
            fprintf(stderr, "blogsearch: the index %s is damaged (post %u); rebuild it with "
                    "blogsearch-index --full\n", index, r.hits[i].docid);
            rc = BS_ECORRUPT;
            break;
        }
        snippet sn;
        rc = store_read_text(st, txn, r.hits[i].docid, d.body_bytes, &body);
        if (rc != BS_OK) {
            fprintf(stderr, "blogsearch: %s\n", st->errmsg);
            codec_doc_free(&d);
            break;
        }
        /* a title-only match shows the description, or the opening lines */
        const char *src = body.p;
        size_t srclen = body.len;
        if (snippet_make(&sn, an, src, srclen, r.hl_terms, r.nhl, SNIPPET_CHARS) == 0
            && sn.nhl == 0 && d.description_len) {
            snippet_free(&sn);
            snippet_make(&sn, an, d.description, d.description_len, r.hl_terms, r.nhl,
                         SNIPPET_CHARS);
        }
        char date[32] = "";
        if (d.has_date)
            date_format(d.date, date);
        if (json) {
            printf("%s\n  {\"rank\": %zu, \"path\": ", i ? "," : "", so.offset + i + 1);
            json_str(stdout, d.path, d.path_len);
            printf(", \"url\": ");
            json_str(stdout, d.url, d.url_len);
            printf(", \"title\": ");
            json_str(stdout, d.title, d.title_len);
            printf(", \"slug\": ");
            json_str(stdout, d.slug, d.slug_len);
            printf(", \"date\": ");
            if (d.has_date)
                json_str(stdout, date, strlen(date));
            else
                printf("null");
            printf(", \"tags\": [");
            for (size_t t = 0; t < d.ntags; t++) {
                if (t)
                    printf(", ");
                json_str(stdout, d.tags[t], d.tag_len[t]);
            }
            printf("], \"category\": ");
            json_str(stdout, d.category, d.category_len);
            printf(", \"score\": %.4f, \"snippet\": {\"text\": ", r.hits[i].score);
            json_str(stdout, sn.text.p ? sn.text.p : "", sn.text.len);
            printf(", \"highlights\": [");
            for (size_t h = 0; h < sn.nhl; h++)
                printf("%s[%zu, %zu]", h ? ", " : "", cp_count(sn.text.p, sn.hl[h].off),
                       cp_count(sn.text.p + sn.hl[h].off, sn.hl[h].len));
            printf("]}}");
        } else {
            printf("%zu. %.*s", so.offset + i + 1, (int)d.title_len, d.title);
            if (d.has_date)
                printf("  (%.10s)", date);
            if (d.ntags) {
                printf("  [");
                for (size_t t = 0; t < d.ntags; t++)
                    printf("%s%.*s", t ? ", " : "", (int)d.tag_len[t], d.tags[t]);
                printf("]");
            }
            /* the URL, else the path, relative when below the working directory */
            const char *where = d.url_len ? d.url : d.path;
            size_t wlen = d.url_len ? d.url_len : d.path_len;
            if (!d.url_len && cwd_len && wlen > cwd_len && strncmp(where, cwd, cwd_len) == 0
                && where[cwd_len] == '/') {
                where += cwd_len + 1;
                wlen -= cwd_len + 1;
            }
            printf("\n   %.*s\n   ", (int)wlen, where);
            size_t at = 0;
            for (size_t h = 0; h < sn.nhl; h++) {
                fwrite(sn.text.p + at, 1, sn.hl[h].off - at, stdout);
                printf("%s%.*s%s", on, (int)sn.hl[h].len, sn.text.p + sn.hl[h].off, off);
                at = sn.hl[h].off + sn.hl[h].len;
            }
            if (sn.text.p)
                fwrite(sn.text.p + at, 1, sn.text.len - at, stdout);
            printf("\n\n");
        }
        snippet_free(&sn);
        codec_doc_free(&d);
    }
    double took = now_ms() - t0;
    if (json)
        printf("%s], \"took_ms\": %.1f}\n", r.n ? "\n" : "", took);
    else if (r.total == 0)
        printf("Nothing found for \"%s\" (%.1f ms).\n", qtext.p ? qtext.p : "", took);
    else
        printf("%llu post%s found, %zu to %zu shown (%.1f ms).\n", (unsigned long long)r.total,
               r.total == 1 ? "" : "s", r.n ? so.offset + 1 : 0, so.offset + r.n, took);
    if (rc == BS_OK)
        status = r.total > 0 ? EXIT_FOUND : EXIT_NONE;
out:
    buf_free(&body);
    results_free(&r);
    if (txn)
        mdb_txn_abort(txn);
    qry_free(&q);
    an_free(an);
    store_close(st);
    buf_free(&qtext);
    buf_free(&extra);
    buf_free(&full);
    return status;
}
