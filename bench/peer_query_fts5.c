/* peer_query_fts5: query latency of SQLite FTS5 over the blog index that
 * bench/peer_index_fts5.c builds (posts(path UNINDEXED, title, tags, body,
 * date UNINDEXED), unicode61), the way an FTS5 search page would ask:
 *   SELECT rowid, title FROM posts WHERE posts MATCH ? ORDER BY bm25(posts) LIMIT 10
 * and with SNIPPETS=1 also snippet(posts, 3, '[', ']', '…', 30) of the body.
 * since:/until: are conditions on the date column, and kind "sorted" orders
 * by it, newest first, instead of bm25().
 * Usage: peer_query_fts5 DBFILE QUERIES.tsv RUNS SNIPPETS
 *        peer_query_fts5 DBFILE -q KIND QUERY SNIPPETS   (one query, once, its
 *        hits printed: the whole process of one search, for bench/run)
 * QUERIES.tsv: a header line, then "kind <TAB> query" lines (bench/queries.tsv).
 * The database is opened once. Each query is translated into FTS5's syntax
 * (below), counted once untimed (SELECT count(*) ... MATCH ?, the total),
 * and its statement prepared and bound once (untimed, as blogsearch's
 * bench/bench_query.c parses each query once); then it runs once untimed
 * (warm-up) and RUNS timed times. A timed run steps through the 10 rows,
 * reading their columns, and resets the statement: FTS5 parses the MATCH
 * text and ranks every match by bm25() in each run. Reading the title costs
 * FTS5 a read of 10 rows that blogsearch and Xapian skip without snippets;
 * selecting rowid alone made no measurable difference at 100,000 posts (the
 * ranking of every match is the cost).
 * Prints per query: sqlite-fts5 <TAB> kind <TAB> query <TAB> matches
 * <TAB> microseconds of run 1,run 2,...
 * BENCH_SHOW=1 in the environment prints each translation and its hits to
 * stderr.
 *
 * FTS5 has no Russian stemmer (unicode61 only folds case and diacritics), so
 * a word finds only its own form: виртуализация does not find виртуализации.
 * That is part of what the benchmark compares; nothing here makes up for it. */
/* clock_gettime: POSIX, whatever bench_common.h and the -std flag say */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <sqlite3.h>

#include "bench_common.h"
#include "bench_queries.h"

/* A word as an FTS5 string: bare when FTS5 takes it bare (letters, digits,
 * _, any non-ASCII character; not one of the keywords AND, OR, NOT, NEAR),
 * else in double quotes with its quotes doubled. */
static void put_word(buf *b, const char *w, size_t n)
{
    int bare = n > 0;
    for (size_t i = 0; i < n && bare; i++) {
        unsigned char c = (unsigned char)w[i];
        bare = c >= 0x80 || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
               || (c >= 'A' && c <= 'Z');
    }
    if (bare && ((n == 3 && (memcmp(w, "AND", 3) == 0 || memcmp(w, "NOT", 3) == 0))
                 || (n == 2 && memcmp(w, "OR", 2) == 0) || (n == 4 && memcmp(w, "NEAR", 4) == 0)))
        bare = 0;
    if (bare) {
        put(b, w, n);
        return;
    }
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++)
        put(b, w[i] == '"' ? "\"\"" : w + i, 1 + (w[i] == '"'));
    put(b, "\"", 1);
}

/* The benchmark's syntax in FTS5's:
 *   word word     -> word OR word. FTS5 joins words with AND by default;
 *                    blogsearch and Xapian (QueryParser, OP_OR) rank posts
 *                    with any of the words, so OR is what compares.
 *   "a b"         -> "a b" (a phrase, the same syntax)
 *   dock*         -> dock* (FTS5's prefix query)
 *   tag:x word    -> tags:x AND (word): the tag as a word of the tags column
 *                    (FTS5 has no exact-field match; the rf-web tags used are
 *                    one word each, so it comes to the same).
 *   since:D until:D  left out here: conditions on the date column (the date
 *                    as the post writes it, compared as a string), see main.
 * Returns a malloc'd string. */
static char *translate(const char *q)
{
    buf words = { 0 }, tags = { 0 };
    const char *p = q;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (strncmp(p, "since:", 6) == 0 || strncmp(p, "until:", 6) == 0) {
            while (*p && *p != ' ' && *p != '\t') /* a date: a condition on the date column */
                p++;
            continue;
        }
        int is_tag = strncmp(p, "tag:", 4) == 0 && p[4] && p[4] != ' ' && p[4] != '\t';
        const char *s = is_tag ? p + 4 : p, *e;
        buf *dst = is_tag ? &tags : &words;
        if (dst->len)
            puts_(dst, is_tag ? " AND " : " OR ");
        if (is_tag)
            puts_(dst, "tags:");
        if (*s == '"') { /* a phrase: kept as it is, closing quote added if missing */
            e = strchr(s + 1, '"');
            if (e) {
                put(dst, s, (size_t)(e - s + 1));
                e++;
            } else {
                e = s + strlen(s);
                put(dst, s, (size_t)(e - s));
                put(dst, "\"", 1);
            }
        } else {
            e = s;
            while (*e && *e != ' ' && *e != '\t')
                e++;
            size_t n = (size_t)(e - s);
            int star = n > 1 && s[n - 1] == '*';
            put_word(dst, s, n - (size_t)star);
            if (star)
                put(dst, "*", 1);
        }
        p = e;
    }
    buf out = { 0 };
    if (tags.len) {
        put(&out, tags.s, tags.len);
        if (words.len) {
            puts_(&out, " AND (");
            put(&out, words.s, words.len);
            puts_(&out, ")");
        }
    } else if (words.len) {
        put(&out, words.s, words.len);
    } else {
        puts_(&out, "\"\"");
    }
    free(words.s);
    free(tags.s);
    return out.s;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "peer_query_fts5: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

int main(int argc, char **argv)
{
    int one = argc == 6 && strcmp(argv[2], "-q") == 0;
    if (argc != 5 && !one) {
        fprintf(stderr, "usage: peer_query_fts5 DBFILE QUERIES.tsv RUNS SNIPPETS\n"
                        "       peer_query_fts5 DBFILE -q KIND QUERY SNIPPETS\n");
        return 2;
    }
    size_t nq = 1;
    bench_query *qs;
    if (one) {
        qs = xmalloc(sizeof *qs);
        qs[0].kind = xstrndup(argv[3], strlen(argv[3]));
        qs[0].text = xstrndup(argv[4], strlen(argv[4]));
    } else {
        qs = read_queries(argv[2], &nq);
    }
    int runs = one ? 1 : atoi(argv[3]);
    int snippets = atoi(argv[one ? 5 : 4]) != 0;
    const char *sv = getenv("BENCH_SHOW");
    int show = sv && strcmp(sv, "0") != 0;
    if (runs < 1) {
        fprintf(stderr, "peer_query_fts5: RUNS must be at least 1\n");
        return 2;
    }
    sqlite3 *db;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(db, argv[1]);
    double *us = xmalloc((size_t)runs * sizeof *us);
    size_t sink = 0;
    for (size_t i = 0; i < nq; i++) {
        char *match = translate(qs[i].text);
        bench_split sp;
        bench_split_query(qs[i].text, &sp);
        char hi[32], where[256], sql[512];
        bench_date_upper(sp.until[0] ? sp.until : "9999", hi, sizeof hi);
        snprintf(where, sizeof where, "posts MATCH ?1%s%s", sp.since[0] ? " AND date >= ?2" : "",
                 sp.until[0] ? " AND date <= ?3" : "");
        sqlite3_stmt *st;
        long long total = -1;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM posts WHERE %s", where);
        if (!one) {
            if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
                die(db, "prepare count");
            sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, sp.since, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW)
                total = sqlite3_column_int64(st, 0);
            else
                die(db, match);
            sqlite3_finalize(st);
        }
        if (show)
            fprintf(stderr, "%s -> %s\n", qs[i].text, match);

        snprintf(sql, sizeof sql, "SELECT rowid, title%s FROM posts WHERE %s ORDER BY %s LIMIT 10",
                 snippets ? ", snippet(posts, 3, '[', ']', '…', 30)" : "", where,
                 strcmp(qs[i].kind, "sorted") == 0 ? "date DESC" : "bm25(posts)");
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            die(db, "prepare");
        sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sp.since, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
        for (int r = one ? 0 : -1; r < runs; r++) { /* run -1: the warm-up */
            double t0 = now_s();
            int rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                sqlite3_int64 id = sqlite3_column_int64(st, 0);
                const unsigned char *title = sqlite3_column_text(st, 1);
                const unsigned char *snip = snippets ? sqlite3_column_text(st, 2) : NULL;
                sink += (size_t)sqlite3_column_bytes(st, 1)
                        + (snip ? (size_t)sqlite3_column_bytes(st, 2) : 0);
                if (one)
                    printf("%lld\t%s\n", (long long)id, snip ? (const char *)snip : "");
                if (show && r == -1)
                    fprintf(stderr, "  %lld\t%s\t%s\n", (long long)id,
                            title ? (const char *)title : "", snip ? (const char *)snip : "");
            }
            if (rc != SQLITE_DONE)
                die(db, match);
            sqlite3_reset(st); /* the binding stays for the next run */
            double dt = now_s() - t0;
            if (r >= 0)
                us[r] = dt * 1e6;
        }
        sqlite3_finalize(st);
        if (one) {
            free(match);
            break;
        }
        printf("sqlite-fts5\t%s\t%s\t%lld\t", qs[i].kind, qs[i].text, total);
        for (int r = 0; r < runs; r++)
            printf("%s%.1f", r ? "," : "", us[r]);
        putchar('\n');
        fflush(stdout);
        free(match);
    }
    if (sink == 0 && nq > 0 && !one)
        fprintf(stderr, "peer_query_fts5: no hit had a title\n");
    sqlite3_close(db);
    for (size_t i = 0; i < nq; i++) {
        free(qs[i].kind);
        free(qs[i].text);
    }
    free(qs);
    free(us);
    return 0;
}
