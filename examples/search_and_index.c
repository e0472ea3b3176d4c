/* search_and_index.c: libblogsearch from start to end.
 *
 * Makes (or opens) an index in the directory given on the command line,
 * writes three Russian posts to it in one batch, replaces one post and
 * deletes another in a second batch, then searches the index for
 * "виртуализация" and prints what came back: the number of matches, each
 * result with its title, date, tags and a snippet in which the matched
 * words are marked «like this», and the tags of all the matches counted
 * (the facets).
 *
 * Build (with libblogsearch installed where pkg-config finds it):
 *     cc -std=c11 search_and_index.c $(pkg-config --cflags --libs blogsearch) -o search_and_index
 * Run:
 *     ./search_and_index /tmp/example-index
 *
 * Every library call that can fail returns a status, BS_OK (0) or a negative
 * BS_E* code, and leaves the reason in bs_errmsg(); this program checks each
 * one, prints the reason and exits with status 1. It exits 0 on success.
 */
#include <blogsearch.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Prints what failed and why, and says so to the caller. */
static int failed(const char *what, int status)
{
    fprintf(stderr, "search_and_index: %s: %s (%s)\n", what, bs_errmsg(), bs_errstr(status));
    return 1;
}

/* Seconds since 1970-01-01 00:00 UTC of a date (midnight, UTC): a post's
 * date in a bs_post. Standard C has no timegm(), so the days are counted
 * here (the proleptic Gregorian calendar, as in ISO 8601). */
static int64_t utc_date(int year, int month, int day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t yoe = year - era * 400;                                  /* 0 to 399 */
    int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* 0 to 146096 */
    return (era * 146097 + doe - 719468) * 86400;
}

/* ---- writing ------------------------------------------------------------- */

/* Three posts held in memory, one per markup format. A post is known by its
 * path: putting the same path again replaces the post. */
static const char *const tags_home[] = { "виртуализация", "Linux", "домашний сервер" };
static const char *const tags_kvm[] = { "виртуализация", "KVM" };
static const char *const tags_docker[] = { "Docker", "контейнеры", "виртуализация" };

static const char body_home[] =        /* plain text */
    "Старый ноутбук стал домашним сервером. Виртуализация позволяет держать\n"
    "на нём несколько систем сразу: файловое хранилище, медиасервер и\n"
    "тестовый стенд, не мешающие друг другу.\n";

static const char body_kvm[] =         /* reStructuredText */
    "KVM и QEMU\n"
    "==========\n"
    "\n"
    "Аппаратная **виртуализация** в Linux: модуль ядра ``kvm`` и эмулятор QEMU.\n"
    "\n"
    "* проверить флаги ``vmx`` или ``svm`` в ``/proc/cpuinfo``;\n"
    "* установить пакет ``qemu-system-x86``.\n";

static const char body_docker[] =      /* Markdown */
    "# Контейнеры вместо виртуальных машин\n"
    "\n"
    "Контейнеры Docker — это *не* полная виртуализация: ядро у них общее\n"
    "с хостом, поэтому они запускаются за доли секунды.\n"
    "\n"
    "```\n"
    "docker run --rm -it debian:12\n"
    "```\n";

/* Fills a bs_post. BS_POST_INIT first, so any member not set here (and any
 * a later version of the library adds) has its default. */
static bs_post make_post(const char *path, const char *title, const char *slug,
                         const char *const *tags, size_t ntags, int64_t date,
                         const char *body, int format)
{
    bs_post p = BS_POST_INIT;
    p.path = path;
    p.title = title;
    p.slug = slug;
    p.author = "Иван Петров";
    p.tags = tags;
    p.ntags = ntags;
    p.has_date = 1;
    p.date = date;
    p.body = body;
    p.body_len = strlen(body);
    p.format = format;
    return p;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int write_posts(bs_index *ix)
{
    bs_writer *w;
    int rc = bs_writer_open(&w, ix);        /* opens the first batch too */
    if (rc != BS_OK)
        return failed("bs_writer_open", rc);

    /* Batch 1: three new posts. Nothing is visible to searches until the
     * commit, and then all three are at once. */
    const bs_post posts[] = {
        make_post("posts/home-server.txt", "Домашний сервер на старом ноутбуке", "home-server",
                  tags_home, COUNT(tags_home), utc_date(2023, 3, 14), body_home,
                  BS_FORMAT_TEXT),
        make_post("posts/kvm.rst", "KVM и QEMU: первые шаги", "kvm",
                  tags_kvm, COUNT(tags_kvm), utc_date(2023, 9, 2), body_kvm, BS_FORMAT_RST),
        make_post("posts/docker.md", "Контейнеры Docker", "docker",
                  tags_docker, COUNT(tags_docker), utc_date(2024, 1, 20), body_docker,
                  BS_FORMAT_MARKDOWN),
    };
    for (size_t i = 0; i < COUNT(posts); i++)
        if ((rc = bs_writer_put(w, &posts[i])) != BS_OK) {
            failed("bs_writer_put", rc);
            bs_writer_close(w);              /* also drops the batch */
            return 1;
        }
    if ((rc = bs_writer_commit(w)) != BS_OK) {
        failed("bs_writer_commit", rc);
        bs_writer_close(w);
        return 1;
    }

    /* Batch 2, after the commit ended the first: the home server post is
     * put again under the same path, which replaces it, and the KVM post
     * is deleted. */
    static const char body_home2[] =
        "Старый ноутбук стал домашним сервером. Виртуализация позволяет держать\n"
        "на нём несколько систем сразу. Дополнено: резервные копии виртуальных\n"
        "машин каждую ночь уходят на внешний диск.\n";
    bs_post home2 = make_post("posts/home-server.txt", "Домашний сервер: год спустя",
                              "home-server", tags_home, COUNT(tags_home),
                              utc_date(2024, 3, 14), body_home2, BS_FORMAT_TEXT);
    if ((rc = bs_writer_begin(w)) != BS_OK || (rc = bs_writer_put(w, &home2)) != BS_OK
        || (rc = bs_writer_delete(w, "posts/kvm.rst")) != BS_OK
        || (rc = bs_writer_commit(w)) != BS_OK) {
        failed("the second batch", rc);
        bs_writer_close(w);
        return 1;
    }
    bs_writer_close(w);
    return 0;
}

/* ---- searching ----------------------------------------------------------- */

/* Prints a snippet with each matched word between « and ». The highlights
 * are byte ranges within the snippet, in order. */
static void print_snippet(const bs_hit *h)
{
    size_t at = 0, len = strlen(h->snippet);
    for (size_t i = 0; i < h->nhighlights; i++) {
        bs_range r = h->highlights[i];
        if (r.start < at || r.start + r.len > len)
            continue;                        /* not expected; skipped to be safe */
        printf("%.*s«%.*s»", (int)(r.start - at), h->snippet + at, (int)r.len,
               h->snippet + r.start);
        at = r.start + r.len;
    }
    printf("%s\n", h->snippet + at);
}

static int search(bs_index *ix, const char *query)
{
    bs_search_opts opts = BS_SEARCH_OPTS_INIT;   /* ten results with snippets */
    opts.facets = 10;                            /* and the ten most frequent tags */
    opts.snippet_chars = 120;

    bs_results *res;
    int rc = bs_search(ix, query, &opts, &res);
    if (rc != BS_OK)
        return failed("bs_search", rc);

    printf("query: %s\n", query);
    printf("total: %" PRIu64 "\n", bs_results_total(res));
    bs_hit h = BS_HIT_INIT;
    for (size_t i = 0; bs_results_hit(res, i, &h) == BS_OK; i++) {
        char date[16] = "no date";
        if (h.has_date) {
            /* the post's own day: its wall clock is the instant moved
             * by the offset its date was written in */
            time_t t = (time_t)(h.date + 60 * (int64_t)h.utc_offset);
            struct tm *tm = gmtime(&t);
            if (tm)
                strftime(date, sizeof date, "%Y-%m-%d", tm);
        }
        printf("\n%zu. %s (%s)\n", h.rank, h.title, date);
        printf("   path: %s\n", h.path);
        printf("   tags:");
        for (size_t t = 0; t < h.ntags; t++)
            printf("%s %s", t ? "," : "", h.tags[t]);
        printf("\n   ");
        if (h.snippet)
            print_snippet(&h);
    }

    /* Facets: the tags of all the matching posts (not only those returned),
     * case-folded, most frequent first. */
    printf("\nfacets:\n");
    for (size_t i = 0; i < bs_results_facet_count(res); i++) {
        const char *tag;
        uint64_t count;
        if ((rc = bs_results_facet(res, i, &tag, &count)) != BS_OK) {
            bs_results_free(res);
            return failed("bs_results_facet", rc);
        }
        printf("  %s: %" PRIu64 "\n", tag, count);
    }
    bs_results_free(res);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s INDEX_DIR\n", argv[0]);
        return 2;
    }
    printf("libblogsearch %s\n", bs_version(NULL, NULL, NULL));

    /* The index is a directory; BS_OPEN_CREATE makes it when there is none. */
    bs_index *ix;
    int rc = bs_index_open(&ix, argv[1], BS_OPEN_WRITE | BS_OPEN_CREATE);
    if (rc != BS_OK)
        return failed("bs_index_open", rc);

    int status = write_posts(ix);
    if (status == 0)
        status = search(ix, "виртуализация");

    bs_index_stats st = BS_INDEX_STATS_INIT;
    if (status == 0) {
        if ((rc = bs_index_stats_get(ix, &st)) != BS_OK)
            status = failed("bs_index_stats_get", rc);
        else
            printf("\nposts in the index: %" PRIu64 "\n", st.posts);
    }
    bs_index_close(ix);
    return status;
}
