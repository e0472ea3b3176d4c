/* test_api.c: libblogsearch's public API (include/blogsearch.h) as a
 * program linked against the shared library sees it: every function, its
 * error paths, and what the header promises (per-thread messages, filters
 * with inclusive dates, paging, snippets and their highlights, facets,
 * write batches that are all or nothing, also for a second handle on the
 * same directory). Indexes are written from memory through bs_writer into a
 * mkdtemp directory under /tmp, removed at the end. Only <blogsearch.h> of
 * the project is included; <lmdb.h> only to stamp an index with another
 * format version. Table rows carry their __LINE__, so a failure names them. */
#include <blogsearch.h>
#include <ftw.h>
#include <stddef.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "test.h"

#define R __LINE__

static char root[] = "/tmp/bs-test-api-XXXXXX";

/* a pointer that is not NULL, to see that a failed call sets *out to NULL */
static char sentinel;
#define NOT_NULL ((void *)&sentinel)

static void at_root(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", root, name);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Seconds since the epoch of a UTC time (days_from_civil, proleptic
 * Gregorian), so the test does not depend on timegm. */
static int64_t epoch(int y, int m, int d, int hh, int mi, int ss)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mi * 60 + ss;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The paths of r's hits joined by ',': in order, or sorted (a set). */
static void join_paths(const bs_results *r, int sorted, char *out, size_t n)
{
    const char *p[1000];
    size_t k = 0, at = 0;
    bs_hit h = BS_HIT_INIT;
    for (size_t i = 0; k < 1000 && bs_results_hit(r, i, &h) == BS_OK; i++)
        p[k++] = h.path;
    if (sorted)
        qsort(p, k, sizeof *p, cmp_str);
    out[0] = '\0';
    for (size_t i = 0; i < k && at < n; i++)
        at += (size_t)snprintf(out + at, n - at, "%s%s", i ? "," : "", p[i]);
}

/* Posts matching q (opts: the defaults without snippets), or UINT64_MAX
 * when the search fails. */
static uint64_t total_of(bs_index *ix, const char *q, const char *tag)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    const char *tags[1] = { tag };
    o.snippets = 0;
    if (tag) {
        o.tags = tags;
        o.ntags = 1;
    }
    bs_results *r;
    if (bs_search(ix, q, &o, &r) != BS_OK)
        return UINT64_MAX;
    uint64_t t = bs_results_total(r);
    bs_results_free(r);
    return t;
}

static uint64_t posts_of(bs_index *ix)
{
    bs_index_stats s = BS_INDEX_STATS_INIT;
    return bs_index_stats_get(ix, &s) == BS_OK ? s.posts : UINT64_MAX;
}

/* The path of the first hit of q, or "" (a static buffer). */
static const char *first_path(bs_index *ix, const char *q)
{
    static char path[256];
    bs_results *r;
    bs_hit h = BS_HIT_INIT;
    path[0] = '\0';
    if (bs_search(ix, q, NULL, &r) == BS_OK) {
        if (bs_results_hit(r, 0, &h) == BS_OK)
            snprintf(path, sizeof path, "%s", h.path);
        bs_results_free(r);
    }
    return path;
}

/* ---- the analyzer's terms, collected -------------------------------------- */

#define MAXT 64

typedef struct {
    char term[MAXT][64];
    uint32_t pos[MAXT];
    size_t off[MAXT], len[MAXT];
    int stop[MAXT];
    size_t n;
    size_t stop_after;         /* > 0: return stop_ret after this many */
    int stop_ret;
} terms;

static int collect(void *ctx, const bs_term *t)
{
    terms *s = ctx;
    if (s->n < MAXT) {
        size_t l = t->term_len < 63 ? t->term_len : 63;
        memcpy(s->term[s->n], t->term, l);
        s->term[s->n][l] = '\0';
        s->pos[s->n] = t->position;
        s->off[s->n] = t->offset;
        s->len[s->n] = t->len;
        s->stop[s->n] = t->stopword;
    }
    s->n++;
    return s->stop_after && s->n >= s->stop_after ? s->stop_ret : 0;
}

static int analyze(bs_analyzer *a, const char *text, size_t len, terms *out)
{
    memset(out, 0, sizeof *out);
    return bs_analyze(a, text, len, collect, out);
}

static int has_term(const terms *t, const char *term)
{
    for (size_t i = 0; i < t->n && i < MAXT; i++)
        if (strcmp(t->term[i], term) == 0)
            return 1;
    return 0;
}

/* ---- the structs of version 1, as a program built then has them ------------------ */

typedef struct {
    unsigned int version;
    size_t rank;
    double score;
    const char *path, *url, *title, *slug, *category, *author;
    int has_date;
    int64_t date;
    const char *const *tags;
    size_t ntags;
    const char *snippet;
    const bs_range *highlights;
    size_t nhighlights;
} hit_v1;

typedef struct {
    unsigned int version;
    const char *path, *title, *slug, *url, *category, *author, *description;
    const char *const *tags;
    size_t ntags;
    int has_date;
    int64_t date;
    const char *body;
    size_t body_len;
    int format;
} post_v1;

/* ---- the sample posts ------------------------------------------------------ */

typedef struct {
    const char *path, *title, *slug, *url, *category, *author, *description;
    const char *tags[3];
    size_t ntags;
    int y, mo, d, hh, mi, ss;  /* y 0: no date */
    int format;
    const char *body;
    const char *cats[2];       /* categories beyond category (bs_post version 2) */
    size_t ncats;
    int off;                   /* utc_offset: the post's own day is that of date + off */
} cpost;

static const cpost corpus[] = {
    { "a.rst", "Docker и виртуализация", "docker-i-virtualizaciya", "https://blog.example.org/docker/",
      "Контейнеры", "Анна", "Контейнеры против машин", { "docker", "virtualization" }, 2,
      2019, 5, 10, 10, 0, 0, BS_FORMAT_RST,
      "Виртуализация и контейнеры\n==========================\n\n"
      "**Docker** запускает контейнер, а виртуальная машина запускает ядро. "
      "Стрекоза летает над ``кодом``.\n", { "Виртуализация", "контейнеры" }, 2, 240 },
    { "b.md", "Виртуальные машины на KVM", NULL, NULL, "Виртуализация", "Борис", NULL,
      { "kvm", "Linux" }, 2, 2020, 3, 15, 12, 0, 0, BS_FORMAT_MARKDOWN,
      "## Зачем\n\nKVM и *QEMU* дают виртуализацию на [Linux](https://example.org/linux). "
      "Виртуальная машина получает **своё** ядро.\n", { NULL }, 0, 0 },
    { "c.html", "Заметки о btrfs", NULL, NULL, "Файлы", "Анна", NULL, { "Linux", "btrfs" }, 2,
      2020, 3, 16, 0, 0, 0, BS_FORMAT_HTML,
      "<p>Снимки и <b>сжатие</b> в btrfs: файловая система для "
      "<a href=\"https://kernel.org/\">Linux</a> &amp; не только.</p>", { NULL }, 0, 0 },
    { "d.txt", "Podman вместо Docker", "podman", NULL, "Контейнеры", "Борис", "Месяц без демона",
      { "podman", "docker" }, 2, 2021, 1, 1, 0, 0, 0, BS_FORMAT_TEXT,
      "Podman запускает контейнеры без демона. Контейнеров много, контейнерами удобно "
      "управлять. Разметка <i>здесь</i> остаётся текстом.", { NULL }, 0, 0 },
    { "e.txt", "Релиз Fedora", NULL, NULL, NULL, NULL, NULL, { NULL }, 0, 0, 0, 0, 0, 0, 0,
      BS_FORMAT_TEXT, "Новая версия дистрибутива вышла вовремя: ёлочные игрушки.", { NULL }, 0, 0 },
    { "f.md", "Running containers", NULL, NULL, "Notes", "Carol", NULL, { "docker", "Linux" }, 2,
      2018, 12, 31, 23, 59, 59, BS_FORMAT_MARKDOWN,
      "Docker containers are running on Linux servers; the runner runs them.", { NULL }, 0,
      60 },                      /* 23:59:59 UTC on December 31 is 2019-01-01 at +01:00 */
};
#define NCORPUS (sizeof corpus / sizeof corpus[0])

static bs_post post_of(const cpost *c)
{
    bs_post p = BS_POST_INIT;
    p.path = c->path;
    p.title = c->title;
    p.slug = c->slug;
    p.url = c->url;
    p.category = c->category;
    p.author = c->author;
    p.description = c->description;
    p.tags = c->tags;
    p.ntags = c->ntags;
    p.has_date = c->y != 0;
    p.date = c->y ? epoch(c->y, c->mo, c->d, c->hh, c->mi, c->ss) : 0;
    p.body = c->body;
    p.body_len = strlen(c->body);
    p.format = c->format;
    p.categories = c->cats;
    p.ncategories = c->ncats;
    p.utc_offset = c->off;
    return p;
}

static const cpost *corpus_post(const char *path)
{
    for (size_t i = 0; i < NCORPUS; i++)
        if (strcmp(corpus[i].path, path) == 0)
            return &corpus[i];
    return NULL;
}

/* ---- bs_version, bs_errmsg --------------------------------------------------- */

static void test_version(void)
{
    int ma = -1, mi = -1, pa = -1;
    const char *v = bs_version(&ma, &mi, &pa);
    char want[64];
    snprintf(want, sizeof want, "%d.%d.%d", BS_VERSION_MAJOR, BS_VERSION_MINOR, BS_VERSION_PATCH);
    CHECK(ma == BS_VERSION_MAJOR && mi == BS_VERSION_MINOR && pa == BS_VERSION_PATCH,
          "bs_version: %d.%d.%d, the header says %s", ma, mi, pa, want);
    CHECK(v != NULL, "bs_version gives a string");
    if (v) {
        CHECK_STR(v, want, "bs_version's string is MAJOR.MINOR.PATCH");
        CHECK_STR(v, BS_VERSION_STRING, "bs_version's string is BS_VERSION_STRING");
    }
    const char *v2 = bs_version(NULL, NULL, NULL);
    CHECK(v2 && strcmp(v2, want) == 0, "bs_version(NULL, NULL, NULL) gives the string too");
    mi = -1;
    bs_version(NULL, &mi, NULL);
    CHECK(mi == BS_VERSION_MINOR, "bs_version fills minor alone: %d", mi);
}

typedef struct {
    char before[256], after[256];
    int rc;
} thread_msg;

static void *fresh_thread(void *arg)
{
    thread_msg *t = arg;
    snprintf(t->before, sizeof t->before, "%s", bs_errmsg());
    bs_index *ix = NOT_NULL;
    t->rc = bs_index_open(&ix, NULL, BS_OPEN_RDONLY);
    snprintf(t->after, sizeof t->after, "%s", bs_errmsg());
    return NULL;
}

static void test_errmsg(void)
{
    CHECK_STR(bs_errmsg(), "", "no call failed yet in the main thread");
    bs_index *ix = NOT_NULL;
    CHECK(bs_index_open(&ix, "", BS_OPEN_RDONLY) == BS_EINVAL, "an empty path");
    char mine[1024];
    snprintf(mine, sizeof mine, "%s", bs_errmsg());
    CHECK(mine[0] != '\0', "a failure leaves a message");

    /* a success does not change the message of the last failed call */
    bs_analyzer *a;
    CHECK(bs_analyzer_new(&a) == BS_OK, "bs_analyzer_new");
    bs_analyzer_free(a);
    CHECK_STR(bs_errmsg(), mine, "the last failed call's message after a success");

    pthread_t th;
    thread_msg t = { "x", "", 0 };
    CHECK(pthread_create(&th, NULL, fresh_thread, &t) == 0, "pthread_create");
    pthread_join(th, NULL);
    CHECK_STR(t.before, "", "bs_errmsg in a new thread before any failure");
    CHECK(t.rc == BS_EINVAL, "the thread's failure: %d", t.rc);
    CHECK(t.after[0] != '\0' && strcmp(t.after, mine) != 0,
          "the thread has its own message: \"%s\"", t.after);
    CHECK_STR(bs_errmsg(), mine, "another thread's failure leaves this thread's message");
}

/* ---- bs_index_open ------------------------------------------------------------- */

/* An LMDB environment at dir with meta "format" (or another key) set to
 * the bytes given, as another version of blogsearch would have written. */
static int patch_meta(const char *dir, const char *key, const void *val, size_t len)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    int rc = mdb_env_create(&env);
    if (rc != 0)
        return rc;
    if ((rc = mdb_env_set_maxdbs(env, 16)) == 0 && (rc = mdb_env_open(env, dir, 0, 0644)) == 0
        && (rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
        MDB_val k = { strlen(key), (void *)key }, v = { len, (void *)val };
        if ((rc = mdb_dbi_open(txn, "meta", 0, &dbi)) == 0 && (rc = mdb_put(txn, dbi, &k, &v, 0)) == 0)
            rc = mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
    }
    mdb_env_close(env);
    return rc;
}

/* A small index of one post at dir, its stored title and author each with
 * a byte made 0xFF (a damaged index): the hit's strings, the facets and the
 * suggestions are valid UTF-8 all the same, each bad byte U+FFFD. */
static int make_index(const char *dir);

/* Whether s is UTF-8, the slow way: each sequence by the table of
 * well-formed byte sequences (Unicode's Table 3-7). */
static int is_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, lo = 0x80, hi = 0xBF;
        size_t n = c < 0x80 ? 0 : c >= 0xC2 && c <= 0xDF ? 1 : c >= 0xE0 && c <= 0xEF ? 2
                 : c >= 0xF0 && c <= 0xF4 ? 3 : 9;
        if (n == 9)
            return 0;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
        for (size_t i = 1; i <= n; i++, lo = 0x80, hi = 0xBF)
            if (p[i] < lo || p[i] > hi)
                return 0;
        p += n + 1;
    }
    return 1;
}

/* The first place of what (len bytes) in [p, p + n), or NULL. */
static char *find_bytes(char *p, size_t n, const char *what, size_t len)
{
    for (size_t i = 0; i + len <= n; i++)
        if (memcmp(p + i, what, len) == 0)
            return p + i;
    return NULL;
}

static void test_damaged_text(void)
{
    char dir[300];
    at_root(dir, sizeof dir, "damaged-text");
    CHECK(make_index(dir) == BS_OK, "an index to damage: %s", bs_errmsg());
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    MDB_cursor *c;
    MDB_val k, v;
    int rc = mdb_env_create(&env), flipped = 0;
    if (rc == 0 && mdb_env_set_maxdbs(env, 16) == 0 && mdb_env_open(env, dir, 0, 0644) == 0
        && mdb_txn_begin(env, NULL, 0, &txn) == 0) {
        if (mdb_dbi_open(txn, "docs", 0, &dbi) == 0 && mdb_cursor_open(txn, dbi, &c) == 0) {
            if (mdb_cursor_get(c, &k, &v, MDB_FIRST) == 0) {
                char rec[4096];
                memcpy(rec, v.mv_data, v.mv_size < sizeof rec ? v.mv_size : sizeof rec);
                const char *const what[] = { corpus[0].title, corpus[0].author };
                for (int i = 0; i < 2; i++) {
                    char *at = find_bytes(rec, v.mv_size, what[i], strlen(what[i]));
                    char *ru = at ? strstr(at, "\xD0") : NULL;   /* a Cyrillic letter's lead */
                    if (ru && ru < at + strlen(what[i])) {
                        *ru = (char)0xFF;
                        flipped++;
                    }
                }
                MDB_val nv = { v.mv_size, rec };
                if (flipped == 2 && mdb_cursor_put(c, &k, &nv, MDB_CURRENT) != 0)
                    flipped = 0;
            }
            mdb_cursor_close(c);
        }
        if (flipped == 2)
            mdb_txn_commit(txn);
        else
            mdb_txn_abort(txn);
    }
    mdb_env_close(env);
    CHECK(flipped == 2, "the title and the author damaged");
    bs_index *ix = NULL;
    bs_results *res = NULL;
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.snippets = 1;
    o.facets = 10;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_RDONLY) == BS_OK, "open: %s", bs_errmsg());
    CHECK(ix && bs_search(ix, "docker", &o, &res) == BS_OK && bs_results_count(res) == 1,
          "the damaged post is found: %s", bs_errmsg());
    bs_hit h = BS_HIT_INIT;
    if (res && bs_results_hit(res, 0, &h) == BS_OK) {
        const char *const got[] = { h.path, h.url, h.title, h.slug, h.author, h.category,
                                    h.snippet ? h.snippet : "" };
        for (size_t i = 0; i < sizeof got / sizeof got[0]; i++)
            CHECK(is_utf8(got[i]), "string %zu of the hit is UTF-8: %s", i, got[i]);
        CHECK(strstr(h.title, "\xEF\xBF\xBD") && strstr(h.author, "\xEF\xBF\xBD"),
              "the bad bytes as U+FFFD: \"%s\", \"%s\"", h.title, h.author);
    }
    bs_results_free(res);
    bs_suggestions *sg = NULL;
    bs_suggest_opts so = BS_SUGGEST_OPTS_INIT;
    CHECK(ix && bs_suggest(ix, "dock", &so, &sg) == BS_OK, "suggest: %s", bs_errmsg());
    const char *title, *url;
    for (size_t i = 0; sg && bs_suggestions_title(sg, i, &title, &url) == BS_OK; i++)
        CHECK(is_utf8(title) && strstr(title, "\xEF\xBF\xBD"),
              "suggested title %zu is UTF-8 with U+FFFD: %s", i, title);
    bs_suggestions_free(sg);
    bs_index_close(ix);
}

/* A small index of one post at dir. */
static int make_index(const char *dir)
{
    bs_index *ix;
    bs_writer *w;
    int rc = bs_index_open(&ix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE);
    if (rc != BS_OK)
        return rc;
    if ((rc = bs_writer_open(&w, ix)) == BS_OK) {
        bs_post p = post_of(&corpus[0]);
        if ((rc = bs_writer_put(w, &p)) == BS_OK)
            rc = bs_writer_commit(w);
        bs_writer_close(w);
    }
    bs_index_close(ix);
    return rc;
}

enum { ANY_ERROR = 1 };   /* a row's want: any status but BS_OK */

static void test_open(void)
{
    char missing[300], empty[300], file[300], deep[300], lmdb_only[300], created[300];
    at_root(missing, sizeof missing, "missing");
    at_root(empty, sizeof empty, "empty");
    at_root(file, sizeof file, "a-file");
    at_root(deep, sizeof deep, "missing/deeper/ix");
    at_root(lmdb_only, sizeof lmdb_only, "lmdb-only");
    at_root(created, sizeof created, "created");
    mkdir(empty, 0755);
    FILE *f = fopen(file, "w");
    if (f) {
        fputs("not an index\n", f);
        fclose(f);
    }
    /* an LMDB environment, but not blogsearch's */
    mkdir(lmdb_only, 0755);
    MDB_env *env;
    if (mdb_env_create(&env) == 0) {
        CHECK(mdb_env_open(env, lmdb_only, 0, 0644) == 0, "a bare LMDB environment");
        mdb_env_close(env);
    }

    static const struct {
        int line;
        int null_out;
        const char *path;          /* "missing" and the like: under root */
        unsigned flags;
        int want;
    } rows[] = {
        { R, 1, "empty", BS_OPEN_RDONLY, BS_EINVAL },
        { R, 0, NULL, BS_OPEN_RDONLY, BS_EINVAL },
        { R, 0, NULL, BS_OPEN_WRITE | BS_OPEN_CREATE, BS_EINVAL },
        { R, 0, "", BS_OPEN_RDONLY, BS_EINVAL },
        { R, 0, "", BS_OPEN_WRITE | BS_OPEN_CREATE, BS_EINVAL },
        { R, 0, "empty", 4u, BS_EINVAL },
        { R, 0, "empty", 0x80000000u, BS_EINVAL },
        { R, 0, "empty", BS_OPEN_WRITE | 8u, BS_EINVAL },
        { R, 0, "missing", BS_OPEN_CREATE, BS_EINVAL },
        { R, 0, "missing", BS_OPEN_RDONLY, BS_ENOTFOUND },
        { R, 0, "missing", BS_OPEN_WRITE, BS_ENOTFOUND },
        { R, 0, "empty", BS_OPEN_RDONLY, BS_ENOTFOUND },
        { R, 0, "empty", BS_OPEN_WRITE, BS_ENOTFOUND },
        { R, 0, "lmdb-only", BS_OPEN_RDONLY, BS_ENOTFOUND },
        { R, 0, "a-file", BS_OPEN_RDONLY, ANY_ERROR },
        { R, 0, "a-file", BS_OPEN_WRITE, ANY_ERROR },
        { R, 0, "a-file", BS_OPEN_WRITE | BS_OPEN_CREATE, ANY_ERROR },
        { R, 0, "a-file/deeper/ix", BS_OPEN_WRITE | BS_OPEN_CREATE, BS_ERROR },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char path[300];
        const char *p = rows[i].path;
        if (p && *p) {
            at_root(path, sizeof path, p);
            p = path;
        }
        bs_index *ix = NOT_NULL;
        int rc = bs_index_open(rows[i].null_out ? NULL : &ix, p, rows[i].flags);
        if (rows[i].want == ANY_ERROR)
            CHECK_AT(__FILE__, rows[i].line, rc < 0, "open %s flags %u: %d, want an error",
                     p ? p : "(NULL)", rows[i].flags, rc);
        else
            CHECK_AT(__FILE__, rows[i].line, rc == rows[i].want, "open %s flags %u: %d, want %d",
                     p ? p : "(NULL)", rows[i].flags, rc, rows[i].want);
        if (!rows[i].null_out)
            CHECK_AT(__FILE__, rows[i].line, ix == NULL, "*out is NULL on an error");
        if (rc == BS_OK && !rows[i].null_out && ix != NOT_NULL)
            bs_index_close(ix);
        CHECK_AT(__FILE__, rows[i].line, bs_errmsg()[0] != '\0', "a message for the error");
    }
    CHECK(!exists(missing), "failed opens did not make %s", missing);
    char data[400];
    snprintf(data, sizeof data, "%s/data.mdb", empty);
    CHECK(!exists(data), "failed opens did not make an index in %s", empty);
    /* BS_OPEN_CREATE makes the directories above the index too (mkdir -p) */
    bs_index *made = NULL;
    CHECK(bs_index_open(&made, deep, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK,
          "create %s and the directories above it: %s", deep, bs_errmsg());
    bs_index_close(made);
    snprintf(data, sizeof data, "%s/data.mdb", deep);
    CHECK(exists(data), "an index made at %s", deep);
    bs_index_close(NULL);

    /* BS_OPEN_CREATE makes the directory and an empty index; a read-only
     * handle of the process that made it sees it (one environment) */
    bs_index *ix = NULL, *ro = NULL;
    CHECK(bs_index_open(&ix, created, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK && ix,
          "create an index: %s", bs_errmsg());
    CHECK(bs_index_open(&ro, created, BS_OPEN_RDONLY) == BS_OK && ro,
          "open the new index read-only: %s", bs_errmsg());
    CHECK(ro && posts_of(ro) == 0, "a new index has no posts");
    CHECK(ro && total_of(ro, "docker", NULL) == 0, "a search of a new index finds nothing");
    bs_index *ro2 = NULL, *rw2 = NULL;
    CHECK(bs_index_open(&rw2, created, BS_OPEN_WRITE) == BS_OK && rw2,
          "a second writable handle while the first is open: %s", bs_errmsg());
    bs_index_close(rw2);
    bs_index_close(ro);
    bs_index_close(ix);
    /* ...while other readers are told it is being built until a batch,
     * even an empty one, is committed into it */
    ro = NOT_NULL;
    CHECK(bs_index_open(&ro, created, BS_OPEN_RDONLY) == BS_ENOTREADY && ro == NULL
          && strstr(bs_errmsg(), "is being built") && strstr(bs_errmsg(), created),
          "an index no batch was committed into, read-only: %s", bs_errmsg());
    CHECK(strstr(bs_errstr(BS_ENOTREADY), "being built") != NULL, "bs_errstr(BS_ENOTREADY)");
    ix = NULL;
    CHECK(bs_index_open(&ix, created, BS_OPEN_WRITE) == BS_OK && ix,
          "an existing index opens for writing without BS_OPEN_CREATE: %s", bs_errmsg());
    bs_writer *w = NULL;
    CHECK(ix && bs_writer_open(&w, ix) == BS_OK && bs_writer_commit(w) == BS_OK,
          "an empty batch: %s", bs_errmsg());
    bs_writer_close(w);
    bs_index_close(ix);
    ro = NULL;
    CHECK(bs_index_open(&ro, created, BS_OPEN_RDONLY) == BS_OK && ro && posts_of(ro) == 0,
          "built by an empty batch, read-only: %s", bs_errmsg());
    bs_index_close(ro);

    /* open read-only first, the index cannot be opened for writing in this
     * process until that handle is closed */
    ro = NULL;
    CHECK(bs_index_open(&ro, created, BS_OPEN_RDONLY) == BS_OK && ro, "read-only: %s",
          bs_errmsg());
    CHECK(bs_index_open(&ro2, created, BS_OPEN_RDONLY) == BS_OK && ro2, "read-only twice: %s",
          bs_errmsg());
    static const unsigned wflags[] = { BS_OPEN_WRITE, BS_OPEN_WRITE | BS_OPEN_CREATE };
    for (size_t i = 0; i < 2; i++) {
        ix = NOT_NULL;
        CHECK(bs_index_open(&ix, created, wflags[i]) == BS_ESTATE && ix == NULL,
              "flags %u while open read-only: BS_ESTATE, *out NULL", wflags[i]);
        CHECK(strstr(bs_errmsg(), "read-only") != NULL, "the message says why: %s", bs_errmsg());
    }
    bs_index_close(ro);
    ix = NOT_NULL;
    CHECK(bs_index_open(&ix, created, BS_OPEN_WRITE) == BS_ESTATE && ix == NULL,
          "still BS_ESTATE while one read-only handle is left");
    bs_index_close(ro2);
    ix = NULL;
    CHECK(bs_index_open(&ix, created, BS_OPEN_WRITE) == BS_OK && ix,
          "writable once the read-only handles are closed: %s", bs_errmsg());
    bs_index_close(ix);
}

static void test_versions(void)
{
    static const struct {
        int line;
        const char *key;
        uint8_t val[4];
        size_t len;
        int want;
        const char *msg;
    } rows[] = {
        { R, "format", { 0, 0, 3, 231 }, 4, BS_EVERSION, "rebuild" },
        { R, "format", { 0, 0, 0, 6 }, 4, BS_EVERSION,          /* the one before this */
          "has format version 6, but this blogsearch reads format version 7; rebuild it with: "
          "blogsearch-index --full --index" },
        { R, "analyzer", { 0, 0, 3, 231 }, 4, BS_EVERSION, "rebuild" },
        /* terms made before nouns in -ит kept it (коммит was комм) */
        { R, "analyzer", { 0, 0, 0, 1 }, 4, BS_EVERSION, "rebuild" },
        { R, "format", { 0, 0, 2 }, 3, BS_ECORRUPT, "damaged" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char dir[300], name[32];
        snprintf(name, sizeof name, "version-%zu", i);
        at_root(dir, sizeof dir, name);
        int rc = make_index(dir);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK, "an index to patch: %s", bs_errmsg());
        rc = patch_meta(dir, rows[i].key, rows[i].val, rows[i].len);
        CHECK_AT(__FILE__, rows[i].line, rc == 0, "patching meta %s: %s", rows[i].key,
                 mdb_strerror(rc));
        unsigned flags[] = { BS_OPEN_RDONLY, BS_OPEN_WRITE, BS_OPEN_WRITE | BS_OPEN_CREATE };
        for (size_t f = 0; f < 3; f++) {
            bs_index *ix = NOT_NULL;
            rc = bs_index_open(&ix, dir, flags[f]);
            CHECK_AT(__FILE__, rows[i].line, rc == rows[i].want && ix == NULL,
                     "meta %s patched, flags %u: %d, want %d, *out NULL", rows[i].key, flags[f],
                     rc, rows[i].want);
            CHECK_AT(__FILE__, rows[i].line, strstr(bs_errmsg(), rows[i].msg) != NULL,
                     "the message says \"%s\": %s", rows[i].msg, bs_errmsg());
            if (rc == BS_OK && ix && ix != NOT_NULL)
                bs_index_close(ix);
        }
    }
}

/* ---- the sample index and searching ------------------------------------------ */

static void build_corpus(const char *dir)
{
    bs_index *ix = NULL;
    bs_writer *w = NULL;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK, "create %s: %s",
          dir, bs_errmsg());
    CHECK(bs_writer_open(&w, ix) == BS_OK, "bs_writer_open: %s", bs_errmsg());
    for (size_t i = 0; i < NCORPUS; i++) {
        bs_post p = post_of(&corpus[i]);
        CHECK(bs_writer_put(w, &p) == BS_OK, "put %s: %s", corpus[i].path, bs_errmsg());
    }
    CHECK(bs_writer_commit(w) == BS_OK, "commit the sample posts: %s", bs_errmsg());
    bs_index_stats s = BS_INDEX_STATS_INIT;
    CHECK(bs_index_stats_get(ix, &s) == BS_OK && s.posts == NCORPUS && s.bytes > 0,
          "stats: %llu posts, %llu bytes", (unsigned long long)s.posts,
          (unsigned long long)s.bytes);
    CHECK(bs_index_stats_get(NULL, &s) == BS_EINVAL, "stats of NULL");
    CHECK(bs_index_stats_get(ix, NULL) == BS_EINVAL, "stats into NULL");
    bs_writer_close(w);
    bs_index_close(ix);
}

enum { O_LIMIT, O_OFFSET, O_SNIPPET_CHARS, O_NOSNIPPET_CHARS, O_FACETS, O_SORT, O_MATCH,
       O_NTAGS, O_TAGS_NULL, O_NULL_TAG };

static void test_search_args(bs_index *ix)
{
    bs_results *r = NOT_NULL;
    CHECK(bs_search(NULL, "docker", NULL, &r) == BS_EINVAL && r == NULL, "bs_search(NULL ix)");
    r = NOT_NULL;
    CHECK(bs_search(ix, NULL, NULL, &r) == BS_EINVAL && r == NULL, "bs_search(NULL query)");
    CHECK(bs_search(ix, "docker", NULL, NULL) == BS_EINVAL, "bs_search(NULL out)");
    CHECK(bs_errmsg()[0] != '\0', "a message for a NULL argument");

    /* NULL options: ten results with snippets */
    r = NULL;
    CHECK(bs_search(ix, "docker", NULL, &r) == BS_OK && r, "bs_search with NULL opts: %s",
          bs_errmsg());
    bs_hit h = BS_HIT_INIT;
    CHECK(r && bs_results_count(r) == 3 && bs_results_hit(r, 0, &h) == BS_OK && h.snippet,
          "the defaults give the three hits with snippets");
    bs_results_free(r);

    static const char *seventeen[17] = { "docker", "docker", "docker", "docker", "docker",
                                         "docker", "docker", "docker", "docker", "docker",
                                         "docker", "docker", "docker", "docker", "docker",
                                         "docker", "docker" };
    static const char *with_null[2] = { "docker", NULL };
    static const struct {
        int line;
        int what;
        long long v;
        int want;
    } rows[] = {
        { R, O_LIMIT, 0, BS_EINVAL },
        { R, O_LIMIT, 1001, BS_EINVAL },
        { R, O_LIMIT, -1, BS_EINVAL },
        { R, O_LIMIT, 1, BS_OK },
        { R, O_LIMIT, 1000, BS_OK },
        { R, O_OFFSET, -1, BS_EINVAL },           /* SIZE_MAX */
        { R, O_OFFSET, 100, BS_OK },
        { R, O_OFFSET, 1000000, BS_OK },
        { R, O_OFFSET, 1000001, BS_EINVAL },
        { R, O_SNIPPET_CHARS, 10, BS_EINVAL },
        { R, O_SNIPPET_CHARS, 19, BS_EINVAL },
        { R, O_SNIPPET_CHARS, 2001, BS_EINVAL },
        { R, O_SNIPPET_CHARS, 20, BS_OK },
        { R, O_SNIPPET_CHARS, 2000, BS_OK },
        { R, O_NOSNIPPET_CHARS, 10, BS_OK },     /* no snippets: not looked at */
        { R, O_FACETS, 1001, BS_EINVAL },
        { R, O_FACETS, 1000, BS_OK },
        { R, O_SORT, 7, BS_EINVAL },
        { R, O_SORT, -1, BS_EINVAL },
        { R, O_SORT, BS_SORT_DATE, BS_OK },
        { R, O_MATCH, 9, BS_EINVAL },
        { R, O_MATCH, -1, BS_EINVAL },
        { R, O_MATCH, BS_MATCH_ANY, BS_OK },
        { R, O_NTAGS, 17, BS_EINVAL },
        { R, O_NTAGS, 16, BS_OK },
        { R, O_TAGS_NULL, 1, BS_EINVAL },
        { R, O_NULL_TAG, 2, BS_EINVAL },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        size_t v = (size_t)rows[i].v;
        switch (rows[i].what) {
        case O_LIMIT: o.limit = v; break;
        case O_OFFSET: o.offset = v; break;
        case O_SNIPPET_CHARS: o.snippet_chars = v; break;
        case O_NOSNIPPET_CHARS: o.snippets = 0; o.snippet_chars = v; break;
        case O_FACETS: o.facets = v; break;
        case O_SORT: o.sort = (int)rows[i].v; break;
        case O_MATCH: o.match = (int)rows[i].v; break;
        case O_NTAGS: o.tags = seventeen; o.ntags = v; break;
        case O_TAGS_NULL: o.tags = NULL; o.ntags = v; break;
        case O_NULL_TAG: o.tags = with_null; o.ntags = v; break;
        }
        r = NOT_NULL;
        int rc = bs_search(ix, "docker", &o, &r);
        CHECK_AT(__FILE__, rows[i].line, rc == rows[i].want, "option %d = %lld: %d, want %d (%s)",
                 rows[i].what, rows[i].v, rc, rows[i].want, bs_errmsg());
        if (rows[i].want != BS_OK)
            CHECK_AT(__FILE__, rows[i].line, r == NULL && bs_errmsg()[0],
                     "*out NULL and a message on an error");
        else if (rc == BS_OK && r != NOT_NULL)
            bs_results_free(r);
    }

    /* bad queries and dates */
    static const struct {
        int line;
        const char *q, *since, *until;
        const char *msg;
    } bad[] = {
        { R, "\"docker", NULL, NULL, "query position" },
        { R, "docker \"unclosed phrase", NULL, NULL, "query position" },
        { R, "since:2020-13", NULL, NULL, "query position" },
        { R, "docker until:soon", NULL, NULL, "query position" },
        { R, "docker", "soon", NULL, "since" },
        { R, "docker", "2020-13", NULL, "since" },
        { R, "docker", NULL, "20", "until" },
        { R, "docker", NULL, "2020-02-30", "until" },
        { R, "", "2020/01/01", NULL, "since" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.since = bad[i].since;
        o.until = bad[i].until;
        r = NOT_NULL;
        int rc = bs_search(ix, bad[i].q, &o, &r);
        CHECK_AT(__FILE__, bad[i].line, rc == BS_EQUERY && r == NULL,
                 "query \"%s\" since %s until %s: %d, want BS_EQUERY and *out NULL", bad[i].q,
                 bad[i].since ? bad[i].since : "-", bad[i].until ? bad[i].until : "-", rc);
        CHECK_AT(__FILE__, bad[i].line, strstr(bs_errmsg(), bad[i].msg) != NULL,
                 "the message names \"%s\": %s", bad[i].msg, bs_errmsg());
        if (rc == BS_OK && r != NOT_NULL)
            bs_results_free(r);
    }
}

static void test_filters(bs_index *ix)
{
    static const struct {
        int line;
        const char *q;
        const char *tags[2];
        size_t ntags;
        const char *category, *author, *since, *until;
        int sort, match;
        int ordered;           /* want in this order; else as a set */
        const char *want;
    } rows[] = {
        /* words in any form, both alphabets */
        { R, "docker", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,d.txt,f.md" },
        { R, "DOCKER", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,d.txt,f.md" },
        { R, "контейнер", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,d.txt" },
        { R, "контейнерами", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,d.txt" },
        { R, "виртуализацией", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,b.md" },
        { R, "елочный", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "e.txt" },
        { R, "run", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "f.md" },
        { R, "fedora", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "e.txt" },
        { R, "\"машина запускает ядро\"", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst" },
        { R, "docker -podman", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "a.rst,f.md" },
        { R, "zzzqqq", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 0, "" },
        /* match */
        { R, "docker linux", { NULL }, 0, NULL, NULL, NULL, NULL, 0, BS_MATCH_ALL, 0, "f.md" },
        { R, "docker linux", { NULL }, 0, NULL, NULL, NULL, NULL, 0, BS_MATCH_ANY, 0,
          "a.rst,b.md,c.html,d.txt,f.md" },
        { R, "docker linux", { NULL }, 0, NULL, NULL, NULL, NULL, 0, BS_MATCH_MOST, 0,
          "a.rst,b.md,c.html,d.txt,f.md" },
        /* filters in opts */
        { R, "docker", { "Linux" }, 1, NULL, NULL, NULL, NULL, 0, 0, 0, "f.md" },
        { R, "docker", { "docker", "podman" }, 2, NULL, NULL, NULL, NULL, 0, 0, 0, "d.txt" },
        { R, "docker", { "kvm" }, 1, NULL, NULL, NULL, NULL, 0, 0, 0, "" },
        { R, "docker", { NULL }, 0, "Контейнеры", NULL, NULL, NULL, 0, 0, 0, "a.rst,d.txt" },
        { R, "", { NULL }, 0, "виртуализация", NULL, NULL, NULL, 0, 0, 1, "b.md,a.rst" },  /* any */
        { R, "category:КОНТЕЙНЕРЫ", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 1, "d.txt,a.rst" },
        { R, "docker", { NULL }, 0, "Нет такой", NULL, NULL, NULL, 0, 0, 0, "" },
        { R, "docker", { NULL }, 0, NULL, "Борис", NULL, NULL, 0, 0, 0, "d.txt" },
        { R, "docker", { NULL }, 0, "Контейнеры", "Анна", NULL, NULL, 0, 0, 0, "a.rst" },
        /* dates: inclusive at both ends, to the second, of each post's own day (f.md's
         * 2018-12-31T23:59:59Z is 2019-01-01 at its +01:00) */
        { R, "docker", { NULL }, 0, NULL, NULL, "2019", NULL, 0, 0, 0, "a.rst,d.txt,f.md" },
        { R, "docker", { NULL }, 0, NULL, NULL, NULL, "2018", 0, 0, 0, "" },
        { R, "docker", { NULL }, 0, NULL, NULL, "2018-12-31", "2018-12-31", 0, 0, 0, "" },
        { R, "docker", { NULL }, 0, NULL, NULL, "2019-01-01", "2019-01-01", 0, 0, 0, "f.md" },
        { R, "docker", { NULL }, 0, NULL, NULL, "2019-01-01", "2020-12-31", 0, 0, 0, "a.rst,f.md" },
        { R, "", { NULL }, 0, NULL, NULL, "2020-03-16", NULL, BS_SORT_DATE, 0, 1, "d.txt,c.html" },
        { R, "", { NULL }, 0, NULL, NULL, NULL, "2020-03-15", BS_SORT_DATE, 0, 1,
          "b.md,a.rst,f.md" },
        { R, "", { NULL }, 0, NULL, NULL, "2020-03-15", "2020-03-15", 0, 0, 1, "b.md" },
        { R, "", { NULL }, 0, NULL, NULL, "2019-05", "2020-03", 0, 0, 1, "c.html,b.md,a.rst" },
        { R, "", { NULL }, 0, NULL, NULL, "2019", "2019", 0, 0, 1, "a.rst,f.md" },
        { R, "since:2019-01 until:2019-01", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 1, "f.md" },
        { R, "", { NULL }, 0, NULL, NULL, "2021-01-02", NULL, 0, 0, 1, "" },
        /* only filters: the newest first, whatever the sort */
        { R, "", { "docker" }, 1, NULL, NULL, NULL, NULL, 0, 0, 1, "d.txt,a.rst,f.md" },
        { R, "", { "docker" }, 1, NULL, NULL, NULL, NULL, BS_SORT_DATE, 0, 1, "d.txt,a.rst,f.md" },
        { R, "tag:docker", { NULL }, 0, NULL, NULL, NULL, NULL, 0, 0, 1, "d.txt,a.rst,f.md" },
        { R, "", { "Linux" }, 1, NULL, NULL, NULL, NULL, 0, 0, 1, "c.html,b.md,f.md" },
        { R, "", { "docker", "Linux" }, 2, NULL, NULL, NULL, NULL, 0, 0, 1, "f.md" },
        { R, "", { NULL }, 0, NULL, "Анна", NULL, NULL, 0, 0, 1, "c.html,a.rst" },
        { R, "", { NULL }, 0, "Контейнеры", NULL, NULL, NULL, 0, 0, 1, "d.txt,a.rst" },
        { R, "", { NULL }, 0, "Контейнеры", NULL, "2020", NULL, 0, 0, 1, "d.txt" },
        /* sort by date */
        { R, "docker", { NULL }, 0, NULL, NULL, NULL, NULL, BS_SORT_DATE, 0, 1, "d.txt,a.rst,f.md" },
        { R, "linux", { NULL }, 0, NULL, NULL, NULL, NULL, BS_SORT_DATE, 0, 1, "c.html,b.md,f.md" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.tags = rows[i].tags;
        o.ntags = rows[i].ntags;
        o.category = rows[i].category;
        o.author = rows[i].author;
        o.since = rows[i].since;
        o.until = rows[i].until;
        o.sort = rows[i].sort;
        o.match = rows[i].match;
        o.limit = 100;
        bs_results *r = NULL;
        int rc = bs_search(ix, rows[i].q, &o, &r);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK && r, "search \"%s\": %d %s", rows[i].q, rc,
                 bs_errmsg());
        if (rc != BS_OK)
            continue;
        char got[1024];
        join_paths(r, !rows[i].ordered, got, sizeof got);
        CHECK_AT(__FILE__, rows[i].line, strcmp(got, rows[i].want) == 0,
                 "search \"%s\": got \"%s\", want \"%s\"", rows[i].q, got, rows[i].want);
        size_t nwant = rows[i].want[0] ? 1 : 0;
        for (const char *c = rows[i].want; *c; c++)
            nwant += *c == ',';
        CHECK_AT(__FILE__, rows[i].line, bs_results_total(r) == nwant && bs_results_count(r) == nwant,
                 "search \"%s\": total %llu count %zu, want %zu", rows[i].q,
                 (unsigned long long)bs_results_total(r), bs_results_count(r), nwant);
        /* the order a hit list keeps: scores down (relevance), dates down */
        bs_hit h = BS_HIT_INIT, prev = BS_HIT_INIT;
        for (size_t k = 0; bs_results_hit(r, k, &h) == BS_OK; k++) {
            CHECK_AT(__FILE__, rows[i].line, h.rank == k + 1, "rank %zu at %zu", h.rank, k);
            if (k && rows[i].q[0] && o.sort == BS_SORT_RELEVANCE)
                CHECK_AT(__FILE__, rows[i].line, prev.score >= h.score,
                         "scores go down: %g then %g", prev.score, h.score);
            if (k && (o.sort == BS_SORT_DATE || !rows[i].q[0]))
                CHECK_AT(__FILE__, rows[i].line, prev.has_date && h.has_date && prev.date >= h.date,
                         "dates go down: %s then %s", prev.path, h.path);
            prev = h;
        }
        bs_results_free(r);
    }

    /* BS_MATCH_MOST: the post with both words first */
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    bs_results *r = NULL;
    bs_hit h = BS_HIT_INIT;
    o.match = BS_MATCH_MOST;
    CHECK(bs_search(ix, "docker linux", &o, &r) == BS_OK && bs_results_hit(r, 0, &h) == BS_OK
              && strcmp(h.path, "f.md") == 0,
          "BS_MATCH_MOST ranks the post with every word first");
    bs_results_free(r);

    /* an empty query and no filter: no error that hides a crash, nothing listed */
    r = NOT_NULL;
    int rc = bs_search(ix, "", NULL, &r);
    CHECK(rc == BS_EQUERY && r == NULL && strstr(bs_errmsg(), "no words"),
          "an empty query without filters: %d, %s", rc, bs_errmsg());
    if (rc == BS_OK && r != NOT_NULL)
        bs_results_free(r);
}

static void test_paging(bs_index *ix)
{
    static const struct {
        int line;
        const char *q;
        int sort;
        size_t total;
    } rows[] = {
        { R, "docker linux fedora", BS_SORT_RELEVANCE, 6 },
        { R, "docker linux fedora", BS_SORT_DATE, 6 },
        { R, "docker linux", BS_SORT_RELEVANCE, 5 },
        { R, "", BS_SORT_RELEVANCE, 5 },       /* since 1970: the dated posts */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.match = BS_MATCH_ANY;
        o.sort = rows[i].sort;
        o.snippets = 0;
        o.limit = 1000;
        if (!rows[i].q[0])
            o.since = "1970";
        bs_results *r = NULL;
        char full[1024] = "";
        CHECK_AT(__FILE__, rows[i].line, bs_search(ix, rows[i].q, &o, &r) == BS_OK,
                 "the full list: %s", bs_errmsg());
        join_paths(r, 0, full, sizeof full);
        CHECK_AT(__FILE__, rows[i].line, bs_results_total(r) == rows[i].total
                     && bs_results_count(r) == rows[i].total,
                 "the full list: total %llu", (unsigned long long)bs_results_total(r));
        bs_results_free(r);
        for (size_t limit = 1; limit <= 4; limit++) {
            char joined[1024] = "", page[1024];
            size_t at = 0;
            o.limit = limit;
            for (o.offset = 0; o.offset < rows[i].total + limit; o.offset += limit) {
                r = NULL;
                if (bs_search(ix, rows[i].q, &o, &r) != BS_OK) {
                    CHECK_AT(__FILE__, rows[i].line, 0, "page at %zu: %s", o.offset, bs_errmsg());
                    break;
                }
                size_t want = o.offset >= rows[i].total ? 0
                              : rows[i].total - o.offset < limit ? rows[i].total - o.offset : limit;
                CHECK_AT(__FILE__, rows[i].line, bs_results_total(r) == rows[i].total
                             && bs_results_count(r) == want,
                         "limit %zu offset %zu: total %llu count %zu, want %zu", limit, o.offset,
                         (unsigned long long)bs_results_total(r), bs_results_count(r), want);
                bs_hit h = BS_HIT_INIT;
                for (size_t k = 0; bs_results_hit(r, k, &h) == BS_OK; k++)
                    CHECK_AT(__FILE__, rows[i].line, h.rank == o.offset + k + 1,
                             "rank %zu, want %zu", h.rank, o.offset + k + 1);
                join_paths(r, 0, page, sizeof page);
                if (page[0] && at < sizeof joined)
                    at += (size_t)snprintf(joined + at, sizeof joined - at, "%s%s",
                                           at ? "," : "", page);
                bs_results_free(r);
            }
            CHECK_AT(__FILE__, rows[i].line, strcmp(joined, full) == 0,
                     "pages of %zu joined: \"%s\", the full list \"%s\"", limit, joined, full);
        }
        /* no path twice */
        const char *seen[NCORPUS + 1];
        size_t nseen = 0;
        int dup = 0;
        for (char *tok = strtok(full, ","); tok; tok = strtok(NULL, ",")) {
            for (size_t k = 0; k < nseen; k++)
                dup |= strcmp(seen[k], tok) == 0;
            if (nseen < NCORPUS + 1)
                seen[nseen++] = tok;
        }
        CHECK_AT(__FILE__, rows[i].line, !dup, "a post listed twice");
    }
}

/* Newest first lists the posts that match as a reader means it: all the
 * words, unless OR or BS_MATCH_ANY says any will do. */
static void test_date_sort(bs_index *ix)
{
    static const struct {
        int line;
        const char *q;
        int match, sort;
        const char *paths;     /* sorted */
    } rows[] = {
        { R, "docker linux", BS_MATCH_MOST, BS_SORT_DATE, "f.md" },
        { R, "docker linux", BS_MATCH_ALL, BS_SORT_DATE, "f.md" },
        { R, "docker linux", BS_MATCH_ANY, BS_SORT_DATE, "a.rst,b.md,c.html,d.txt,f.md" },
        { R, "docker OR linux", BS_MATCH_MOST, BS_SORT_DATE, "a.rst,b.md,c.html,d.txt,f.md" },
        { R, "docker linux", BS_MATCH_MOST, BS_SORT_RELEVANCE, "a.rst,b.md,c.html,d.txt,f.md" },
        { R, "docker", BS_MATCH_MOST, BS_SORT_DATE, "a.rst,d.txt,f.md" },
        { R, "docker -podman linux", BS_MATCH_MOST, BS_SORT_DATE, "f.md" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.match = rows[i].match;
        o.sort = rows[i].sort;
        o.snippets = 0;
        bs_results *r = NULL;
        char got[1024] = "";
        CHECK_AT(__FILE__, rows[i].line, bs_search(ix, rows[i].q, &o, &r) == BS_OK, "%s: %s",
                 rows[i].q, bs_errmsg());
        join_paths(r, 1, got, sizeof got);
        CHECK_AT(__FILE__, rows[i].line, strcmp(got, rows[i].paths) == 0, "\"%s\": %s, want %s",
                 rows[i].q, got, rows[i].paths);
        bs_results_free(r);
    }
}

/* What a search box sends while one types, with opts.lenient: what the
 * strict reading refuses is read, never BS_EQUERY; only text that is not
 * UTF-8 is still refused. */
static void test_lenient(bs_index *ix)
{
    static const struct {
        int line;
        const char *q;
        uint64_t strict_total, lenient_total;  /* UINT64_MAX: BS_EQUERY */
    } rows[] = {
        { R, "docker", 3, 3 },
        { R, "\"docker", UINT64_MAX, 3 },
        { R, "docker \"виртуальная маш", UINT64_MAX, 3 },   /* docker's, as with a closed quote */
        { R, "\"виртуальная машина", UINT64_MAX, 2 },
        { R, "tag:", UINT64_MAX, 0 },
        { R, "title:", UINT64_MAX, 0 },
        { R, "docker title:", UINT64_MAX, 3 },
        { R, "-", UINT64_MAX, 0 },
        { R, "-docker", UINT64_MAX, 0 },
        { R, "docker since:20", UINT64_MAX, 3 },
        { R, "docker since:2021 until:2019", UINT64_MAX, 0 },
        { R, "*", UINT64_MAX, 0 },
        { R, "podman:docker", UINT64_MAX, 1 },
        { R, "и", 3, 3 },                     /* stopwords alone are searched: a, b, c */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (int lenient = 0; lenient < 2; lenient++) {
            bs_search_opts o = BS_SEARCH_OPTS_INIT;
            o.snippets = 0;
            o.lenient = lenient;
            bs_results *r = NULL;
            uint64_t want = lenient ? rows[i].lenient_total : rows[i].strict_total;
            int rc = bs_search(ix, rows[i].q, &o, &r);
            CHECK_AT(__FILE__, rows[i].line, want == UINT64_MAX
                     ? rc == BS_EQUERY && r == NULL
                     : rc == BS_OK && bs_results_total(r) == want,
                     "\"%s\" lenient %d: status %d total %llu, want %llu (%s)", rows[i].q, lenient,
                     rc, (unsigned long long)bs_results_total(r), (unsigned long long)want,
                     bs_errmsg());
            bs_results_free(r);
        }
    }
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.lenient = 1;
    bs_results *r = NOT_NULL;
    CHECK(bs_search(ix, "docker \xFF", &o, &r) == BS_EQUERY && r == NULL
          && strstr(bs_errmsg(), "UTF-8"), "lenient, not UTF-8: %s", bs_errmsg());
}

/* Every struct passed by address carries a version: 0 (not initialized) or
 * one newer than the library's is BS_EINVAL, never a read past the struct;
 * the caller's version survives a fill. And the end of a loop over results
 * or facets is no failure: bs_errmsg keeps what it said. */
static void test_struct_versions(bs_index *ix)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    bs_results *r = NOT_NULL;
    CHECK(o.version == BS_SEARCH_OPTS_VERSION && o.limit == 10 && o.snippet_chars == 200
          && o.lenient == 0, "BS_SEARCH_OPTS_INIT");
    for (unsigned v = 0; v < 3; v++) {
        o.version = v ? BS_SEARCH_OPTS_VERSION + v : 0;
        CHECK(bs_search(ix, "docker", &o, &r) == BS_EINVAL && r == NULL
              && strstr(bs_errmsg(), "bs_search_opts version"), "opts version %u: %s",
              o.version, bs_errmsg());
    }
    o.version = BS_SEARCH_OPTS_VERSION;
    o.facets = 5;
    CHECK(bs_search(ix, "docker", &o, &r) == BS_OK, "opts of this version: %s", bs_errmsg());

    bs_hit h = BS_HIT_INIT;
    CHECK(h.version == BS_HIT_VERSION && h.path == NULL, "BS_HIT_INIT");
    h.version = 0;
    CHECK(bs_results_hit(r, 0, &h) == BS_EINVAL && strstr(bs_errmsg(), "bs_hit version 0"),
          "a hit not initialized: %s", bs_errmsg());
    h.version = BS_HIT_VERSION + 1;
    CHECK(bs_results_hit(r, 0, &h) == BS_EINVAL && h.path == NULL, "a hit of a later version");
    h.version = BS_HIT_VERSION;
    CHECK(bs_results_hit(r, 0, &h) == BS_OK && h.version == BS_HIT_VERSION && h.path
          && h.rank == 1, "a hit filled, its version kept");
    /* a program built against version 1 of bs_hit: its struct ends before
     * categories, and the library writes no byte past it (ASan watches the
     * allocation of exactly that size) */
    CHECK(sizeof(hit_v1) == offsetof(bs_hit, categories), "bs_hit version 1's layout");
    hit_v1 *old = malloc(sizeof *old);
    if (old) {
        memset(old, 0, sizeof *old);
        old->version = 1;
        CHECK(bs_results_hit(r, 0, (bs_hit *)(void *)old) == BS_OK && old->version == 1
              && old->path && old->rank == 1, "a version 1 hit filled: %s", bs_errmsg());
        free(old);
    }

    /* the end of a loop */
    bs_index *bad = NOT_NULL;
    CHECK(bs_index_open(&bad, "", BS_OPEN_RDONLY) == BS_EINVAL, "a failure to remember");
    char before[1024];
    snprintf(before, sizeof before, "%s", bs_errmsg());
    size_t n = 0;
    while (bs_results_hit(r, n, &h) == BS_OK)
        n++;
    CHECK(n == bs_results_count(r) && bs_results_hit(r, n, &h) == BS_ENOTFOUND,
          "the loop ends at %zu", n);
    const char *tag;
    uint64_t cnt;
    size_t nf = 0;
    while (bs_results_facet(r, nf, &tag, &cnt) == BS_OK)
        nf++;
    CHECK(nf == bs_results_facet_count(r) && nf > 0, "the facets' loop ends at %zu", nf);
    CHECK_STR(bs_errmsg(), before, "the end of a loop leaves bs_errmsg as it was");
    bs_results_free(r);

    bs_index_stats st = BS_INDEX_STATS_INIT;
    CHECK(st.version == BS_INDEX_STATS_VERSION, "BS_INDEX_STATS_INIT");
    st.version = 0;
    CHECK(bs_index_stats_get(ix, &st) == BS_EINVAL && st.posts == 0, "stats not initialized");
    st.version = BS_INDEX_STATS_VERSION;
    CHECK(bs_index_stats_get(ix, &st) == BS_OK && st.posts == NCORPUS
          && st.version == BS_INDEX_STATS_VERSION, "stats of this version");
}

/* bs_errstr: a text for every status, and for one that is none. */
static void test_errstr(void)
{
    static const struct { int code; const char *has; } rows[] = {
        { BS_OK, "no error" }, { BS_ERROR, "read or written" }, { BS_ENOTFOUND, "not found" },
        { BS_EVERSION, "another version" }, { BS_ECORRUPT, "damaged" },
        { BS_EQUERY, "query" }, { BS_ENOMEM, "out of memory" }, { BS_EINVAL, "argument" },
        { BS_ESTATE, "state" }, { BS_ENOTREADY, "being built" }, { -7, "unknown status" },
        { 1, "unknown status" },
        { -100, "unknown status" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *s = bs_errstr(rows[i].code);
        CHECK(s && strstr(s, rows[i].has), "bs_errstr(%d) is \"%s\", want \"%s\"", rows[i].code,
              s ? s : "(null)", rows[i].has);
    }
}

/* The query's terms, to see that each highlight covers a form of one. */
static void test_snippets(bs_index *ix, bs_analyzer *an)
{
    static const struct {
        int line;
        const char *q;
        const char *path;          /* this hit's snippet */
        const char *has;           /* in the snippet */
        const char *hasnt[4];
    } rows[] = {
        { R, "стрекоза", "a.rst", "Стрекоза", { "**", "``", "===", NULL } },
        { R, "docker", "a.rst", "Docker", { "**", "``", "===", NULL } },
        { R, "qemu", "b.md", "QEMU", { "*QEMU*", "](", "##", "https://" } },
        { R, "ядро", "b.md", "своё", { "**", "](", NULL, NULL } },
        { R, "сжатие", "c.html", "сжатие", { "<b>", "<p>", "&amp;", "href" } },
        { R, "демона", "d.txt", "Podman", { NULL, NULL, NULL, NULL } },
        { R, "разметка", "d.txt", "<i>здесь</i>", { NULL, NULL, NULL, NULL } },  /* plain text */
        { R, "виртуализация docker", "a.rst", "Docker", { "**", NULL, NULL, NULL } },
        { R, "елочные", "e.txt", "ёлочные", { NULL, NULL, NULL, NULL } },
        { R, "running", "f.md", "running", { NULL, NULL, NULL, NULL } },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        terms qt;
        analyze(an, rows[i].q, strlen(rows[i].q), &qt);
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.match = BS_MATCH_ANY;
        bs_results *r = NULL;
        CHECK_AT(__FILE__, rows[i].line, bs_search(ix, rows[i].q, &o, &r) == BS_OK,
                 "search \"%s\": %s", rows[i].q, bs_errmsg());
        bs_hit h = BS_HIT_INIT;
        int found = 0;
        for (size_t k = 0; r && bs_results_hit(r, k, &h) == BS_OK; k++) {
            CHECK_AT(__FILE__, rows[i].line, h.snippet != NULL, "%s has a snippet", h.path);
            if (!h.snippet)
                continue;
            size_t slen = strlen(h.snippet);
            CHECK_AT(__FILE__, rows[i].line, h.nhighlights == 0 || h.highlights,
                     "highlights given");
            for (size_t m = 0; m < h.nhighlights && h.highlights; m++) {
                bs_range g = h.highlights[m];
                int inside = g.len > 0 && g.start <= slen && g.len <= slen - g.start;
                CHECK_AT(__FILE__, rows[i].line, inside,
                         "%s: highlight %zu+%zu inside the snippet of %zu bytes", h.path, g.start,
                         g.len, slen);
                if (!inside)
                    continue;
                terms ht;
                analyze(an, h.snippet + g.start, g.len, &ht);
                CHECK_AT(__FILE__, rows[i].line, ht.n == 1 && ht.off[0] == 0 && ht.len[0] == g.len
                             && has_term(&qt, ht.term[0]),
                         "%s: highlight \"%.*s\" is one word of the query \"%s\"", h.path,
                         (int)g.len, h.snippet + g.start, rows[i].q);
            }
            if (strcmp(h.path, rows[i].path) != 0)
                continue;
            found = 1;
            CHECK_AT(__FILE__, rows[i].line, h.nhighlights > 0, "%s: a word highlighted in \"%s\"",
                     h.path, h.snippet);
            CHECK_AT(__FILE__, rows[i].line, strstr(h.snippet, rows[i].has) != NULL,
                     "%s: the snippet has \"%s\": \"%s\"", h.path, rows[i].has, h.snippet);
            for (size_t m = 0; m < 4 && rows[i].hasnt[m]; m++)
                CHECK_AT(__FILE__, rows[i].line, strstr(h.snippet, rows[i].hasnt[m]) == NULL,
                         "%s: markup \"%s\" left in the snippet \"%s\"", h.path, rows[i].hasnt[m],
                         h.snippet);
        }
        CHECK_AT(__FILE__, rows[i].line, found, "\"%s\" finds %s", rows[i].q, rows[i].path);
        bs_results_free(r);
    }

    /* without snippets: none, and no highlights */
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.snippets = 0;
    bs_results *r = NULL;
    CHECK(bs_search(ix, "docker", &o, &r) == BS_OK, "search without snippets");
    bs_hit h = BS_HIT_INIT;
    size_t k = 0;
    for (; r && bs_results_hit(r, k, &h) == BS_OK; k++)
        CHECK(h.snippet == NULL && h.nhighlights == 0 && h.highlights == NULL,
              "%s: no snippet when snippets is 0", h.path);
    CHECK(k == 3, "three hits without snippets: %zu", k);
    bs_results_free(r);
}

static void test_facets(bs_index *ix)
{
    static const struct {
        int line;
        const char *q;
        size_t facets;
        size_t want_n;
        const char *first;
        uint64_t first_count;
    } rows[] = {
        { R, "docker", 10, 4, "docker", 3 },   /* docker, linux, podman, virtualization */
        { R, "docker", 2, 2, "docker", 3 },
        { R, "linux", 10, 4, "linux", 3 },     /* linux, btrfs, docker, kvm */
        { R, "", 100, 6, NULL, 0 },            /* since 1970 */
        { R, "docker", 0, 0, NULL, 0 },
        { R, "zzzqqq", 10, 0, NULL, 0 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.facets = rows[i].facets;
        o.snippets = 0;
        if (!rows[i].q[0])
            o.since = "1970";
        bs_results *r = NULL;
        CHECK_AT(__FILE__, rows[i].line, bs_search(ix, rows[i].q, &o, &r) == BS_OK,
                 "search \"%s\" with facets: %s", rows[i].q, bs_errmsg());
        if (!r)
            continue;
        size_t n = bs_results_facet_count(r);
        CHECK_AT(__FILE__, rows[i].line, n == rows[i].want_n, "%zu facets, want %zu", n,
                 rows[i].want_n);
        uint64_t prev = UINT64_MAX;
        for (size_t k = 0; k < n; k++) {
            const char *tag = NULL;
            uint64_t count = 0;
            CHECK_AT(__FILE__, rows[i].line, bs_results_facet(r, k, &tag, &count) == BS_OK && tag,
                     "facet %zu", k);
            if (!tag)
                continue;
            if (k == 0 && rows[i].first)
                CHECK_AT(__FILE__, rows[i].line,
                         strcmp(tag, rows[i].first) == 0 && count == rows[i].first_count,
                         "first facet %s %llu, want %s %llu", tag, (unsigned long long)count,
                         rows[i].first, (unsigned long long)rows[i].first_count);
            CHECK_AT(__FILE__, rows[i].line, count <= prev && count > 0,
                     "facets most frequent first: %s %llu", tag, (unsigned long long)count);
            prev = count;
            int folded = 1;
            for (const char *c = tag; *c; c++)
                folded &= !(*c >= 'A' && *c <= 'Z');
            CHECK_AT(__FILE__, rows[i].line, folded, "facet \"%s\" is case-folded", tag);
            /* the count is the total of the same search narrowed to the tag */
            bs_search_opts t = o;
            const char *tags[1] = { tag };
            t.tags = tags;
            t.ntags = 1;
            t.facets = 0;
            bs_results *tr = NULL;
            CHECK_AT(__FILE__, rows[i].line, bs_search(ix, rows[i].q, &t, &tr) == BS_OK
                         && bs_results_total(tr) == count,
                     "facet %s %llu, the search with the tag: %llu", tag,
                     (unsigned long long)count, (unsigned long long)bs_results_total(tr));
            bs_results_free(tr);
        }
        const char *tag = NOT_NULL;
        uint64_t count;
        CHECK_AT(__FILE__, rows[i].line, bs_results_facet(r, n, &tag, &count) == BS_ENOTFOUND,
                 "facet %zu of %zu: BS_ENOTFOUND", n, n);
        bs_results_free(r);
    }
}

static void test_results(const char *dir)
{
    CHECK(bs_results_total(NULL) == 0 && bs_results_count(NULL) == 0
              && bs_results_facet_count(NULL) == 0,
          "total, count and facet_count of NULL are 0");
    bs_results_free(NULL);

    bs_index *ix = NULL;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_RDONLY) == BS_OK, "open %s: %s", dir, bs_errmsg());
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.match = BS_MATCH_ANY;
    o.facets = 20;
    bs_results *r = NULL;
    CHECK(bs_search(ix, "docker linux fedora", &o, &r) == BS_OK && r, "search: %s", bs_errmsg());
    bs_index_close(ix);       /* the results stay valid */
    if (!r)
        return;

    bs_hit h = BS_HIT_INIT;
    const char *tag;
    uint64_t count;
    CHECK(bs_results_hit(NULL, 0, &h) == BS_EINVAL, "bs_results_hit(NULL)");
    CHECK(bs_results_hit(r, 0, NULL) == BS_EINVAL, "bs_results_hit(.., NULL)");
    CHECK(bs_results_hit(r, bs_results_count(r), &h) == BS_ENOTFOUND, "a hit past the end");
    CHECK(bs_results_hit(r, SIZE_MAX, &h) == BS_ENOTFOUND, "hit SIZE_MAX");
    CHECK(bs_errmsg()[0] != '\0', "a message for a hit past the end");
    CHECK(bs_results_facet(NULL, 0, &tag, &count) == BS_EINVAL, "bs_results_facet(NULL)");
    CHECK(bs_results_facet(r, 0, NULL, &count) == BS_EINVAL, "bs_results_facet(.., NULL, ..)");
    CHECK(bs_results_facet(r, 0, &tag, NULL) == BS_EINVAL, "bs_results_facet(.., NULL)");
    CHECK(bs_results_facet(r, SIZE_MAX, &tag, &count) == BS_ENOTFOUND, "facet SIZE_MAX");

    CHECK(bs_results_total(r) == NCORPUS && bs_results_count(r) == NCORPUS,
          "every post: total %llu count %zu", (unsigned long long)bs_results_total(r),
          bs_results_count(r));
    size_t seen = 0;
    for (size_t i = 0; bs_results_hit(r, i, &h) == BS_OK; i++) {
        const cpost *c = corpus_post(h.path);
        CHECK(c != NULL, "hit %zu: a path of the corpus: %s", i, h.path);
        if (!c)
            continue;
        seen++;
        int line = (int)(c - corpus);
        CHECK(h.rank == i + 1, "%s: rank %zu", c->path, h.rank);
        CHECK_STR(h.title, c->title, c->path);
        CHECK_STR(h.category, c->category ? c->category : "", c->path);
        size_t ncats = (c->category != NULL) + c->ncats;
        CHECK(h.ncategories == ncats && (ncats == 0 || h.categories), "%s: %zu categories",
              c->path, h.ncategories);
        for (size_t k = 0; k < h.ncategories && k < ncats && h.categories; k++)
            CHECK_STR(h.categories[k], k == 0 && c->category ? c->category
                      : c->cats[k - (c->category != NULL)], "categories as written");
        CHECK(h.utc_offset == (c->y ? c->off : 0), "%s: utc_offset %d", c->path, h.utc_offset);
        CHECK_STR(h.author, c->author ? c->author : "", c->path);
        CHECK_STR(h.slug, c->slug ? c->slug : "", c->path);
        /* bs_post.url, else "" (the index has no --url-prefix) */
        CHECK_STR(h.url, c->url ? c->url : "", c->path);
        int64_t date = c->y ? epoch(c->y, c->mo, c->d, c->hh, c->mi, c->ss) : 0;
        CHECK(h.has_date == (c->y != 0) && h.date == date, "%s: date %lld, want %lld", c->path,
              (long long)h.date, (long long)date);
        CHECK(h.ntags == c->ntags && (h.ntags == 0 || h.tags), "%s: %zu tags", c->path, h.ntags);
        for (size_t t = 0; t < h.ntags && t < c->ntags && h.tags; t++)
            CHECK_STR(h.tags[t], c->tags[t], "tags as written");
        CHECK(h.snippet && strlen(h.snippet) > 0, "%s (%d): a snippet after close", c->path, line);
    }
    CHECK(seen == NCORPUS, "every post read after close: %zu", seen);
    CHECK(bs_results_facet_count(r) == 6, "6 tags: %zu", bs_results_facet_count(r));
    for (size_t i = 0; bs_results_facet(r, i, &tag, &count) == BS_OK; i++)
        CHECK(strlen(tag) > 0 && count > 0, "facet %zu after close", i);
    bs_results_free(r);
}

/* Searches on one read-only index from several threads at once. */
typedef struct {
    bs_index *ix;
    int bad;
} search_job;

static void *searcher(void *arg)
{
    search_job *j = arg;
    for (int i = 0; i < 25; i++) {
        bs_results *r;
        bs_hit h = BS_HIT_INIT;
        const char *q = i % 2 ? "docker" : "контейнер";
        if (bs_search(j->ix, q, NULL, &r) != BS_OK) {
            j->bad++;
            continue;
        }
        j->bad += bs_results_total(r) != (i % 2 ? 3u : 2u) || bs_results_hit(r, 0, &h) != BS_OK
                  || !h.snippet;
        bs_results_free(r);
    }
    return NULL;
}

static void test_threads(bs_index *ix)
{
    pthread_t th[4];
    search_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (search_job){ ix, 0 };
        CHECK(pthread_create(&th[i], NULL, searcher, &jobs[i]) == 0, "pthread_create");
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        CHECK(jobs[i].bad == 0, "thread %d: %d searches went wrong", i, jobs[i].bad);
    }
}

/* ---- the analyzer ---------------------------------------------------------------- */

static void test_analyzer(void)
{
    bs_analyzer *a = NOT_NULL;
    CHECK(bs_analyzer_new(NULL) == BS_EINVAL, "bs_analyzer_new(NULL)");
    CHECK(bs_analyzer_new(&a) == BS_OK && a && a != NOT_NULL, "bs_analyzer_new");
    bs_analyzer_free(NULL);
    terms t;
    CHECK(bs_analyze(NULL, "x", 1, collect, &t) == BS_EINVAL, "bs_analyze(NULL analyzer)");
    CHECK(bs_analyze(a, "x", 1, NULL, &t) == BS_EINVAL, "bs_analyze(.., NULL fn)");
    CHECK(bs_analyze(a, NULL, 3, collect, &t) == BS_EINVAL, "bs_analyze(NULL text, 3)");
    CHECK(analyze(a, NULL, 0, &t) == BS_OK && t.n == 0, "NULL text of 0 bytes: no terms");

    /* words as written in the text, the terms they give, stopwords */
    static const struct {
        int line;
        const char *text;
        const char *words[6];      /* as they appear, in order */
        const char *terms[6];      /* NULL: not checked */
        int stop[6];
    } rows[] = {
        { R, "Виртуализация и контейнеры", { "Виртуализация", "и", "контейнеры" },
          { "виртуализац", "и", "контейнер" }, { 0, 1, 0 } },
        { R, "виртуализацией", { "виртуализацией" }, { "виртуализац" }, { 0 } },
        { R, "Ёлка ёлки ЕЛКА", { "Ёлка", "ёлки", "ЕЛКА" }, { "елк", "елк", "елк" }, { 0, 0, 0 } },
        { R, "The running dogs", { "The", "running", "dogs" }, { "the", "run", "dog" }, { 1, 0, 0 } },
        { R, "Connections  connected", { "Connections", "connected" }, { "connect", "connect" },
          { 0, 0 } },
        { R, "DOCKER,docker!", { "DOCKER", "docker" }, { "docker", "docker" }, { 0, 0 } },
        { R, "  ,,, ... !!", { NULL }, { NULL }, { 0 } },
        { R, "", { NULL }, { NULL }, { 0 } },
        { R, "abc\xff\xfe" "def", { "abc", "def" }, { "abc", "def" }, { 0, 0 } },
        { R, "\xd0\xbf\xd1" "мир", { "п", "мир" }, { "п", "мир" }, { 0, 0 } },
        { R, "версия 1.7 и x86", { "версия", "1.7", "и", "x86" }, { "верс", "1.7", "и", "x86" },
          { 0, 0, 1, 0 } },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t len = strlen(rows[i].text), nwant = 0;
        while (nwant < 6 && rows[i].words[nwant])
            nwant++;
        int rc = analyze(a, rows[i].text, len, &t);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK && t.n == nwant, "\"%s\": %zu terms, want %zu",
                 rows[i].text, t.n, nwant);
        size_t from = 0;
        for (size_t k = 0; k < nwant && k < t.n; k++) {
            const char *w = strstr(rows[i].text + from, rows[i].words[k]);
            size_t off = w ? (size_t)(w - rows[i].text) : SIZE_MAX;
            CHECK_AT(__FILE__, rows[i].line, t.pos[k] == k, "\"%s\" term %zu: position %u",
                     rows[i].text, k, t.pos[k]);
            CHECK_AT(__FILE__, rows[i].line, t.off[k] == off && t.len[k] == strlen(rows[i].words[k]),
                     "\"%s\" term %zu: bytes %zu+%zu, the word \"%s\" is at %zu+%zu", rows[i].text,
                     k, t.off[k], t.len[k], rows[i].words[k], off, strlen(rows[i].words[k]));
            if (rows[i].terms[k])
                CHECK_AT(__FILE__, rows[i].line, strcmp(t.term[k], rows[i].terms[k]) == 0,
                         "\"%s\" term %zu: \"%s\", want \"%s\"", rows[i].text, k, t.term[k],
                         rows[i].terms[k]);
            CHECK_AT(__FILE__, rows[i].line, t.stop[k] == rows[i].stop[k],
                     "\"%s\" term %zu (%s): stopword %d, want %d", rows[i].text, k, t.term[k],
                     t.stop[k], rows[i].stop[k]);
            if (w)
                from = off + strlen(rows[i].words[k]);
        }
    }

    /* forms that meet, and forms that do not */
    static const struct {
        int line;
        const char *x, *y;
        int same;
    } pairs[] = {
        { R, "виртуализация", "виртуализацией", 1 },
        { R, "контейнеры", "контейнерами", 1 },
        { R, "ёжик", "ежик", 1 },
        { R, "Ёжик", "ЕЖИК", 1 },
        { R, "running", "runs", 1 },
        { R, "Docker", "docker", 1 },
        { R, "docker", "podman", 0 },
        { R, "машина", "машинами", 1 },
        { R, "кот", "код", 0 },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        terms tx, ty;
        analyze(a, pairs[i].x, strlen(pairs[i].x), &tx);
        analyze(a, pairs[i].y, strlen(pairs[i].y), &ty);
        CHECK_AT(__FILE__, pairs[i].line, tx.n == 1 && ty.n == 1
                     && (strcmp(tx.term[0], ty.term[0]) == 0) == pairs[i].same,
                 "%s (%s) and %s (%s): %s", pairs[i].x, tx.term[0], pairs[i].y, ty.term[0],
                 pairs[i].same ? "one term" : "two terms");
    }

    /* the callback stops the analysis, whatever non-zero it returns */
    static const int rets[] = { 1, -1, 42, -9 };
    for (size_t i = 0; i < 4; i++) {
        memset(&t, 0, sizeof t);
        t.stop_after = 2;
        t.stop_ret = rets[i];
        const char *text = "один два три четыре пять";
        int rc = bs_analyze(a, text, strlen(text), collect, &t);
        CHECK(rc == BS_OK && t.n == 2,
              "the callback returning %d after 2 terms: bs_analyze gave %d after %zu terms, "
              "want BS_OK after 2", rets[i], rc, t.n);
    }

    /* bytes that are not UTF-8: no crash, terms inside the text */
    unsigned char junk[4096];
    uint32_t seed = 12345;
    for (int round = 0; round < 8; round++) {
        for (size_t i = 0; i < sizeof junk; i++) {
            seed = seed * 1103515245u + 12345u;
            junk[i] = (unsigned char)(seed >> 16);
            if (round % 2 && junk[i] < 0x80)
                junk[i] = (unsigned char)("абв xyz"[i % 10]);
        }
        memset(&t, 0, sizeof t);
        int rc = bs_analyze(a, (const char *)junk, sizeof junk, collect, &t);
        int inside = 1;
        for (size_t k = 0; k < t.n && k < MAXT; k++)
            inside &= t.off[k] < sizeof junk && t.len[k] <= sizeof junk - t.off[k];
        CHECK(rc == BS_OK && inside, "random bytes, round %d: %d, terms inside", round, rc);
    }
    bs_analyzer_free(a);
}

/* ---- writing ------------------------------------------------------------------------ */

enum { P_PATH, P_TITLE, P_SLUG, P_URL, P_CATEGORY, P_AUTHOR, P_DESCRIPTION, P_TAG, P_NULL_TAG,
       P_TAGS_NULL, P_TAGS_NULL_NO_BODY, P_BODY, P_BODY_NULL, P_FORMAT, P_CATEGORY_2,
       P_NULL_CATEGORY, P_CATEGORIES_NULL, P_OFFSET };

static void test_put_args(bs_writer *w)
{
    static const struct {
        int line;
        int what;
        const char *s;
        long long v;
        int want;
        const char *msg;           /* in the message */
    } rows[] = {
        { R, P_PATH, NULL, 0, BS_EINVAL, "path" },
        { R, P_PATH, "", 0, BS_EINVAL, "path" },
        { R, P_PATH, "\xff.txt", 0, BS_EINVAL, "UTF-8" },
        { R, P_TITLE, "\xc3\x28", 0, BS_EINVAL, "title" },
        { R, P_SLUG, "ab\xe2\x82", 0, BS_EINVAL, "slug" },
        { R, P_URL, "\xed\xa0\x80", 0, BS_EINVAL, "url" },
        { R, P_CATEGORY, "\xc0\xaf", 0, BS_EINVAL, "category" },
        { R, P_AUTHOR, "\xf4\x90\x80\x80", 0, BS_EINVAL, "author" },
        { R, P_DESCRIPTION, "\x80", 0, BS_EINVAL, "description" },
        { R, P_TAG, "\xfe", 0, BS_EINVAL, "tag" },
        { R, P_NULL_TAG, NULL, 2, BS_EINVAL, "tag" },
        { R, P_TAGS_NULL, NULL, 1, BS_EINVAL, "tags" },
        { R, P_TAGS_NULL_NO_BODY, NULL, 1, BS_EINVAL, "tags" },   /* no body is fine */
        { R, P_BODY, "ab\xff", 0, BS_EINVAL, "UTF-8" },
        { R, P_BODY, "ok \xd0", 0, BS_EINVAL, "UTF-8" },
        { R, P_BODY_NULL, NULL, 5, BS_EINVAL, "body" },
        { R, P_FORMAT, NULL, -1, BS_EINVAL, "format" },
        { R, P_FORMAT, NULL, 4, BS_EINVAL, "format" },
        { R, P_FORMAT, NULL, 99, BS_EINVAL, "format" },
        { R, P_CATEGORY_2, "\xc0\xaf", 0, BS_EINVAL, "category" },
        { R, P_NULL_CATEGORY, NULL, 2, BS_EINVAL, "category 1 is NULL" },
        { R, P_CATEGORIES_NULL, NULL, 1, BS_EINVAL, "categories is NULL" },
        { R, P_OFFSET, NULL, 1561, BS_EINVAL, "utc_offset 1561" },    /* past 26 hours */
        { R, P_OFFSET, NULL, -1561, BS_EINVAL, "utc_offset -1561" },
        /* these are fine; each replaces ok.txt */
        { R, P_OFFSET, NULL, 1560, BS_OK, NULL },
        { R, P_OFFSET, NULL, -330, BS_OK, NULL },
        { R, P_CATEGORIES_NULL, NULL, 0, BS_OK, NULL },
        { R, P_CATEGORY_2, "", 0, BS_OK, NULL },
        { R, P_BODY_NULL, NULL, 0, BS_OK, NULL },
        { R, P_TAGS_NULL, NULL, 0, BS_OK, NULL },
        { R, P_TITLE, NULL, 0, BS_OK, NULL },
        { R, P_TAG, "", 0, BS_OK, NULL },
        { R, P_FORMAT, NULL, BS_FORMAT_HTML, BS_OK, NULL },
        { R, P_BODY, "Финальная версия: ok", 0, BS_OK, NULL },
    };
    /* a program built against version 1 of bs_post: its struct ends before
     * categories, and the library reads no byte past it (ASan watches the
     * allocation of exactly that size); it replaces ok.txt like the rows */
    CHECK(sizeof(post_v1) == offsetof(bs_post, categories), "bs_post version 1's layout");
    post_v1 *old = malloc(sizeof *old);
    if (old) {
        memset(old, 0, sizeof *old);
        old->version = 1;
        old->path = "ok.txt";
        old->category = "Старая";
        old->has_date = 1;
        old->date = 1700000000;
        CHECK(bs_writer_put(w, (bs_post *)(void *)old) == BS_OK, "a version 1 post: %s",
              bs_errmsg());
        free(old);
    }
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bs_post p = BS_POST_INIT;
        const char *tags[2] = { "ok", NULL }, *cats[2] = { "Первая", NULL };
        p.path = "ok.txt";
        p.title = "Нормальный заголовок";
        p.body = "Нормальный текст.";
        p.body_len = strlen(p.body);
        const char **field[] = { &p.path, &p.title, &p.slug, &p.url, &p.category, &p.author,
                                 &p.description };
        switch (rows[i].what) {
        case P_TAG: tags[0] = rows[i].s; p.tags = tags; p.ntags = 1; break;
        case P_NULL_TAG: p.tags = tags; p.ntags = (size_t)rows[i].v; break;
        case P_TAGS_NULL: p.tags = NULL; p.ntags = (size_t)rows[i].v; break;
        case P_TAGS_NULL_NO_BODY:
            p.tags = NULL;
            p.ntags = (size_t)rows[i].v;
            p.body = NULL;
            p.body_len = 0;
            break;
        case P_BODY: p.body = rows[i].s; p.body_len = strlen(rows[i].s); break;
        case P_BODY_NULL: p.body = NULL; p.body_len = (size_t)rows[i].v; break;
        case P_FORMAT: p.format = (int)rows[i].v; break;
        case P_CATEGORY_2: cats[1] = rows[i].s; p.categories = cats; p.ncategories = 2; break;
        case P_NULL_CATEGORY: p.categories = cats; p.ncategories = (size_t)rows[i].v; break;
        case P_CATEGORIES_NULL: p.categories = NULL; p.ncategories = (size_t)rows[i].v; break;
        case P_OFFSET:
            p.has_date = 1;
            p.date = 1700000000;
            p.utc_offset = (int)rows[i].v;
            break;
        default: *field[rows[i].what] = rows[i].s; break;
        }
        int rc = bs_writer_put(w, &p);
        CHECK_AT(__FILE__, rows[i].line, rc == rows[i].want, "put, field %d: %d, want %d (%s)",
                 rows[i].what, rc, rows[i].want, bs_errmsg());
        if (rows[i].msg)
            CHECK_AT(__FILE__, rows[i].line, strstr(bs_errmsg(), rows[i].msg) != NULL,
                     "the message names \"%s\": \"%s\"", rows[i].msg, bs_errmsg());
    }
    bs_post p = BS_POST_INIT;
    p.path = "x.txt";
    CHECK(bs_writer_put(NULL, &p) == BS_EINVAL, "bs_writer_put(NULL, ..)");
    CHECK(bs_writer_put(w, NULL) == BS_EINVAL, "bs_writer_put(.., NULL)");
    CHECK(bs_writer_delete(NULL, "x.txt") == BS_EINVAL, "bs_writer_delete(NULL, ..)");
    CHECK(bs_writer_delete(w, NULL) == BS_EINVAL, "bs_writer_delete(.., NULL)");
    CHECK(bs_writer_delete(w, "") == BS_EINVAL, "bs_writer_delete(.., \"\")");
    CHECK(bs_writer_delete(w, "missing.txt") == BS_OK, "deleting a post that is not there: %s",
          bs_errmsg());
}

static bs_post simple(const char *path, const char *title, const char *body)
{
    bs_post p = BS_POST_INIT;
    p.path = path;
    p.title = title;
    p.body = body;
    p.body_len = strlen(body);
    return p;
}

static void test_writer(void)
{
    char dir[300];
    at_root(dir, sizeof dir, "writer");
    bs_index *ix = NULL, *ro = NULL;
    bs_writer *w = NOT_NULL;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK, "create: %s",
          bs_errmsg());
    CHECK(bs_index_open(&ro, dir, BS_OPEN_RDONLY) == BS_OK, "a second, read-only handle: %s",
          bs_errmsg());
    if (!ix || !ro)
        return;
    CHECK(bs_writer_open(NULL, ix) == BS_EINVAL, "bs_writer_open(NULL, ..)");
    CHECK(bs_writer_open(&w, NULL) == BS_EINVAL && w == NULL, "bs_writer_open(.., NULL)");
    w = NOT_NULL;
    CHECK(bs_writer_open(&w, ro) == BS_ESTATE && w == NULL, "a writer of a read-only index");
    CHECK(strstr(bs_errmsg(), "read-only") != NULL, "the message says read-only: %s", bs_errmsg());
    CHECK(bs_writer_begin(NULL) == BS_EINVAL && bs_writer_commit(NULL) == BS_EINVAL
              && bs_writer_abort(NULL) == BS_EINVAL,
          "begin, commit and abort of NULL");
    bs_writer_close(NULL);

    w = NULL;
    CHECK(bs_writer_open(&w, ix) == BS_OK && w, "bs_writer_open: %s", bs_errmsg());
    if (!w)
        return;
    CHECK(bs_writer_begin(w) == BS_ESTATE, "begin while a batch is open");
    test_put_args(w);
    CHECK(bs_writer_commit(w) == BS_OK, "commit: %s", bs_errmsg());
    CHECK(posts_of(ix) == 1 && posts_of(ro) == 1, "only the good puts written, as one post");
    CHECK(total_of(ix, "финальная", NULL) == 1 && total_of(ix, "нормальный", NULL) == 1,
          "the last put of ok.txt is the one kept");

    /* no batch after a commit */
    bs_post p = simple("late.txt", "Поздний", "Опоздавший текст.");
    CHECK(bs_writer_put(w, &p) == BS_ESTATE, "a put after commit");
    CHECK(strstr(bs_errmsg(), "bs_writer_begin") != NULL, "the message says what to do: %s",
          bs_errmsg());
    CHECK(bs_writer_delete(w, "ok.txt") == BS_ESTATE, "a delete after commit");
    CHECK(bs_writer_commit(w) == BS_ESTATE, "a commit with no batch");
    CHECK(bs_writer_abort(w) == BS_ESTATE, "an abort with no batch");

    /* abort: nothing written; then no batch */
    CHECK(bs_writer_begin(w) == BS_OK, "begin: %s", bs_errmsg());
    p = simple("ab.txt", "Аистёнок", "Аистёнок учится летать.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put: %s", bs_errmsg());
    CHECK(bs_writer_delete(w, "ok.txt") == BS_OK, "delete: %s", bs_errmsg());
    CHECK(bs_writer_abort(w) == BS_OK, "abort: %s", bs_errmsg());
    CHECK(bs_writer_put(w, &p) == BS_ESTATE && bs_errmsg()[0], "a write after abort");
    CHECK(bs_writer_abort(w) == BS_ESTATE, "abort twice");
    CHECK(posts_of(ix) == 1 && total_of(ix, "аистенок", NULL) == 0
              && total_of(ix, "финальная", NULL) == 1,
          "an aborted batch wrote nothing");

    /* an empty batch commits */
    CHECK(bs_writer_begin(w) == BS_OK && bs_writer_commit(w) == BS_OK, "an empty batch: %s",
          bs_errmsg());

    /* a batch is seen by no search, of this handle or another, until its commit */
    CHECK(bs_writer_begin(w) == BS_OK, "begin: %s", bs_errmsg());
    p = simple("z.txt", "Зюзюка", "Зюзюка пришла в гости.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put: %s", bs_errmsg());
    p = simple("z2.txt", "Вторая зюзюка", "Ещё одна.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put: %s", bs_errmsg());
    CHECK(total_of(ix, "зюзюка", NULL) == 0 && posts_of(ix) == 1,
          "the batch is not seen by the writer's own index before commit");
    CHECK(total_of(ro, "зюзюка", NULL) == 0 && posts_of(ro) == 1,
          "nor by a read-only handle on the same directory");
    CHECK(bs_writer_commit(w) == BS_OK, "commit: %s", bs_errmsg());
    CHECK(total_of(ix, "зюзюка", NULL) == 2 && posts_of(ix) == 3, "seen after commit");
    CHECK(total_of(ro, "зюзюка", NULL) == 2 && posts_of(ro) == 3,
          "seen by the read-only handle after commit");

    /* closing a writer with a batch open writes nothing */
    CHECK(bs_writer_begin(w) == BS_OK, "begin: %s", bs_errmsg());
    p = simple("c.txt", "Цапля", "Цапля стоит на одной ноге.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put: %s", bs_errmsg());
    CHECK(bs_writer_delete(w, "z.txt") == BS_OK, "delete: %s", bs_errmsg());
    bs_writer_close(w);
    CHECK(posts_of(ix) == 3 && total_of(ix, "цапля", NULL) == 0
              && total_of(ro, "зюзюка", NULL) == 2,
          "a writer closed with its batch open wrote nothing");
    w = NULL;
    CHECK(bs_writer_open(&w, ix) == BS_OK && w, "a new writer: %s", bs_errmsg());
    if (!w)
        return;

    /* replacing: the same path again */
    p = simple("r.txt", "Аисты летят", "Первый вариант заметки про аистов.");
    CHECK(bs_writer_put(w, &p) == BS_OK && bs_writer_commit(w) == BS_OK, "put r.txt: %s",
          bs_errmsg());
    CHECK(posts_of(ix) == 4 && total_of(ix, "аист", NULL) == 1, "r.txt written");
    p = simple("r.txt", "Журавли летят", "Второй вариант заметки про журавлей.");
    CHECK(bs_writer_begin(w) == BS_OK && bs_writer_put(w, &p) == BS_OK
              && bs_writer_commit(w) == BS_OK,
          "put r.txt again: %s", bs_errmsg());
    CHECK(posts_of(ix) == 4, "a replacement keeps the count: %llu",
          (unsigned long long)posts_of(ix));
    CHECK(total_of(ix, "журавли", NULL) == 1 && strcmp(first_path(ix, "журавль"), "r.txt") == 0,
          "the new title is found");
    CHECK(total_of(ix, "аисты", NULL) == 0 && total_of(ix, "первый", NULL) == 0,
          "the old words are gone");
    CHECK(total_of(ro, "журавли", NULL) == 1 && total_of(ro, "аисты", NULL) == 0,
          "the other handle sees the replacement");

    /* within one batch: the last put of a path wins; a put then a delete is nothing */
    CHECK(bs_writer_begin(w) == BS_OK, "begin: %s", bs_errmsg());
    p = simple("s.txt", "Синица", "Синица на ветке.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put s.txt: %s", bs_errmsg());
    p = simple("s.txt", "Снегирь", "Снегирь на ветке.");
    CHECK(bs_writer_put(w, &p) == BS_OK, "put s.txt again: %s", bs_errmsg());
    p = simple("t.txt", "Тетерев", "Тетерев в лесу.");
    CHECK(bs_writer_put(w, &p) == BS_OK && bs_writer_delete(w, "t.txt") == BS_OK,
          "put and delete t.txt: %s", bs_errmsg());
    CHECK(bs_writer_commit(w) == BS_OK, "commit: %s", bs_errmsg());
    CHECK(posts_of(ix) == 5 && total_of(ix, "синица", NULL) == 0
              && total_of(ix, "снегирь", NULL) == 1 && total_of(ix, "тетерев", NULL) == 0
              && total_of(ix, "ветке", NULL) == 1,
          "the last put wins, put + delete leaves nothing: %llu posts",
          (unsigned long long)posts_of(ix));

    /* delete */
    CHECK(bs_writer_begin(w) == BS_OK && bs_writer_delete(w, "r.txt") == BS_OK
              && bs_writer_delete(w, "z2.txt") == BS_OK && bs_writer_commit(w) == BS_OK,
          "delete r.txt and z2.txt: %s", bs_errmsg());
    CHECK(posts_of(ix) == 3 && total_of(ix, "журавли", NULL) == 0
              && total_of(ix, "зюзюка", NULL) == 1,
          "deleted posts are gone: %llu posts", (unsigned long long)posts_of(ix));
    CHECK(posts_of(ro) == 3 && total_of(ro, "журавли", NULL) == 0, "for the other handle too");
    /* a deleted path can come back */
    p = simple("r.txt", "Журавли вернулись", "Снова.");
    CHECK(bs_writer_begin(w) == BS_OK && bs_writer_put(w, &p) == BS_OK
              && bs_writer_commit(w) == BS_OK && posts_of(ix) == 4
              && total_of(ix, "журавли", NULL) == 1,
          "put a deleted path again: %s", bs_errmsg());

    bs_writer_close(w);
    bs_index_close(ro);
    bs_index_close(ix);
}

/* ---- many posts in one batch ------------------------------------------------------ */

#define NMANY 2000

static void test_many(void)
{
    static const char *filler[] = {
        "Лисица бежит по лесу, а медведь спит в берлоге до самой весны. ",
        "Compilers translate source code into machine instructions quickly. ",
        "Снег лежит на крышах домов, и дети катаются на санках с горки. ",
        "The kernel schedules processes and manages memory for them. ",
        "Контейнеры запускаются быстрее виртуальных машин и занимают меньше места. ",
    };
    char dir[300];
    at_root(dir, sizeof dir, "many");
    bs_index *ix = NULL, *ro = NULL;
    bs_writer *w = NULL;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK, "create: %s",
          bs_errmsg());
    CHECK(bs_index_open(&ro, dir, BS_OPEN_RDONLY) == BS_OK, "read-only: %s", bs_errmsg());
    CHECK(ix && bs_writer_open(&w, ix) == BS_OK, "writer: %s", bs_errmsg());
    if (!ix || !ro || !w)
        return;
    int64_t t0 = epoch(2015, 1, 1, 0, 0, 0);
    char *body = malloc(8192);
    int put_ok = 1;
    for (int i = 0; i < NMANY && body; i++) {
        char path[64], title[128], tag[32], word[32];
        snprintf(path, sizeof path, "many/%04d.md", i);
        snprintf(word, sizeof word, "zq%04d", i);
        snprintf(title, sizeof title, "Заметка номер %d про %s", i, word);
        snprintf(tag, sizeof tag, "группа%d", i % 7);
        size_t at = (size_t)snprintf(body, 8192, "Общеслово и %s. ", word);
        for (int k = 0; k < 24; k++)
            at += (size_t)snprintf(body + at, 8192 - at, "%s", filler[(i + k) % 5]);
        const char *tags[2] = { tag, "общее" };
        bs_post p = BS_POST_INIT;
        p.path = path;
        p.title = title;
        p.tags = tags;
        p.ntags = 2;
        p.has_date = 1;
        p.date = t0 + (int64_t)i * 3600;
        p.body = body;
        p.body_len = at;
        p.format = BS_FORMAT_MARKDOWN;
        put_ok &= bs_writer_put(w, &p) == BS_OK;   /* copied: the buffers are reused */
    }
    free(body);
    CHECK(put_ok, "%d puts: %s", NMANY, bs_errmsg());
    CHECK(total_of(ro, "общеслово", NULL) == 0 && total_of(ix, "общеслово", NULL) == 0,
          "nothing seen before commit");
    CHECK(bs_writer_commit(w) == BS_OK, "commit %d posts: %s", NMANY, bs_errmsg());
    bs_writer_close(w);
    CHECK(posts_of(ix) == NMANY && posts_of(ro) == NMANY, "stats: %llu and %llu posts",
          (unsigned long long)posts_of(ix), (unsigned long long)posts_of(ro));
    CHECK(total_of(ix, "общеслово", NULL) == NMANY && total_of(ro, "общеслово", NULL) == NMANY,
          "every post found by the word they share");
    int unique_ok = 1;
    for (int i = 0; i < NMANY; i += 37) {
        char word[32], path[64];
        snprintf(word, sizeof word, "zq%04d", i);
        snprintf(path, sizeof path, "many/%04d.md", i);
        bs_index *h = i % 2 ? ix : ro;
        int ok = total_of(h, word, NULL) == 1 && strcmp(first_path(h, word), path) == 0;
        CHECK(ok, "%s finds only %s", word, path);
        unique_ok &= ok;
    }
    CHECK(unique_ok, "the unique words");

    /* by date, 2,000 posts in pages of 1000 and of 300: the same list, each
     * once; pages of 7 at the start and the end */
    static const size_t limits[] = { 1000, 300, 7 };
    for (size_t li = 0; li < 3; li++) {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.sort = BS_SORT_DATE;
        o.snippets = 0;
        o.limit = limits[li];
        size_t n = 0, wrong = 0;
        for (o.offset = 0; o.offset < NMANY; o.offset += o.limit) {
            if (li == 2 && o.offset == 70)
                o.offset = NMANY - 5;
            bs_results *r = NULL;
            size_t want_n = NMANY - o.offset < o.limit ? NMANY - o.offset : o.limit;
            if (bs_search(ro, "общеслово", &o, &r) != BS_OK || bs_results_total(r) != NMANY
                || bs_results_count(r) != want_n) {
                wrong++;
                bs_results_free(r);
                break;
            }
            bs_hit h = BS_HIT_INIT;
            for (size_t k = 0; bs_results_hit(r, k, &h) == BS_OK; k++, n++) {
                char want[64];
                snprintf(want, sizeof want, "many/%04zu.md", NMANY - 1 - (o.offset + k));
                wrong += strcmp(h.path, want) != 0 || h.rank != o.offset + k + 1;
            }
            bs_results_free(r);
        }
        CHECK(n == (li < 2 ? NMANY : 75) && wrong == 0,
              "by date in pages of %zu: %zu posts, %zu out of place", limits[li], n, wrong);
    }
    /* relevance: the pages of 300 joined are the one list of 1000 + 1000 */
    {
        bs_search_opts o = BS_SEARCH_OPTS_INIT;
        o.snippets = 0;
        static char *big[NMANY], *small[NMANY];
        size_t nb = 0, ns = 0;
        for (int pass = 0; pass < 2; pass++) {
            o.limit = pass ? 300 : 1000;
            char **into = pass ? small : big;
            size_t *n = pass ? &ns : &nb;
            for (o.offset = 0; o.offset < NMANY; o.offset += o.limit) {
                bs_results *r = NULL;
                if (bs_search(ix, "общеслово", &o, &r) != BS_OK)
                    break;
                bs_hit h = BS_HIT_INIT;
                for (size_t k = 0; bs_results_hit(r, k, &h) == BS_OK && *n < NMANY; k++)
                    into[(*n)++] = strdup(h.path);
                bs_results_free(r);
            }
        }
        size_t same = 0;
        for (size_t i = 0; i < nb && i < ns; i++)
            same += big[i] && small[i] && strcmp(big[i], small[i]) == 0;
        CHECK(nb == NMANY && ns == NMANY && same == NMANY,
              "relevance pages of 300 and of 1000 agree: %zu, %zu, %zu the same", nb, ns, same);
        qsort(big, nb, sizeof *big, cmp_str);
        size_t dups = 0;
        for (size_t i = 1; i < nb; i++)
            dups += strcmp(big[i - 1], big[i]) == 0;
        CHECK(dups == 0, "no post twice: %zu", dups);
        for (size_t i = 0; i < nb; i++)
            free(big[i]);
        for (size_t i = 0; i < ns; i++)
            free(small[i]);
    }
    /* a snippet of about snippet_chars characters, longer when more are asked */
    static const size_t chars[] = { 20, 60, 200, 2000 };
    size_t prev_n = 0;
    for (size_t ci = 0; ci < 4; ci++) {
        bs_search_opts so = BS_SEARCH_OPTS_INIT;
        so.snippet_chars = chars[ci];
        bs_results *sr = NULL;
        bs_hit h = BS_HIT_INIT;
        size_t n = 0;
        CHECK(bs_search(ro, "zq0100", &so, &sr) == BS_OK && bs_results_hit(sr, 0, &h) == BS_OK
                  && h.snippet,
              "a snippet of %zu characters: %s", chars[ci], bs_errmsg());
        for (const char *c = sr && h.snippet ? h.snippet : ""; *c; c++)
            n += ((unsigned char)*c & 0xC0) != 0x80;
        CHECK(n <= chars[ci] + chars[ci] / 2 + 10 && n >= prev_n && n > 0,
              "snippet_chars %zu: a snippet of %zu characters", chars[ci], n);
        prev_n = n;
        bs_results_free(sr);
    }

    /* facets over 2,000 posts */
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.snippets = 0;
    o.facets = 10;
    bs_results *r = NULL;
    CHECK(bs_search(ro, "общеслово", &o, &r) == BS_OK && bs_results_facet_count(r) == 8,
          "8 tags: %zu", bs_results_facet_count(r));
    const char *tag;
    uint64_t count, sum = 0;
    for (size_t i = 0; bs_results_facet(r, i, &tag, &count) == BS_OK; i++) {
        if (strcmp(tag, "общее") == 0)
            CHECK(i == 0 && count == NMANY, "общее: first, %llu", (unsigned long long)count);
        else
            sum += count;
        CHECK(total_of(ro, "общеслово", tag) == count, "facet %s: %llu", tag,
              (unsigned long long)count);
    }
    CHECK(sum == NMANY, "the groups add up: %llu", (unsigned long long)sum);
    bs_results_free(r);
    bs_index_close(ro);
    bs_index_close(ix);
}

int main(void)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    test_errmsg();              /* first: no call has failed yet */
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 1;
    }
    test_version();
    test_open();
    test_versions();
    test_damaged_text();

    char dir[300];
    at_root(dir, sizeof dir, "corpus");
    build_corpus(dir);
    bs_index *ix = NULL;
    bs_analyzer *an = NULL;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_RDONLY) == BS_OK, "open %s: %s", dir, bs_errmsg());
    CHECK(bs_analyzer_new(&an) == BS_OK, "an analyzer: %s", bs_errmsg());
    if (ix && an) {
        test_search_args(ix);
        test_filters(ix);
        test_paging(ix);
        test_date_sort(ix);
        test_lenient(ix);
        test_struct_versions(ix);
        test_snippets(ix, an);
        test_facets(ix);
        test_threads(ix);
    }
    bs_analyzer_free(an);
    bs_index_close(ix);
    test_results(dir);
    test_errstr();
    test_analyzer();
    test_writer();
    test_many();

    nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    CHECK(!exists(root), "%s removed", root);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("test_api: %.2f s\n", (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    return test_report("test_api");
}
