/* peer_query_sphinx: query latency of Sphinx 2.2 (searchd) over the index that
 * bench/peer_sphinx.py configures, asked through SphinxQL (the MySQL protocol,
 * with Debian's libmariadb), the way a Sphinx search page would ask:
 *   SELECT id FROM posts WHERE MATCH('w1 | w2') [AND tagids = T] [AND date >= S]
 *     [AND date <= U] ORDER BY WEIGHT() DESC LIMIT 10
 *     OPTION ranker = proximity_bm25, field_weights = (title = 5, tags = 2, body = 1)
 * words joined with | (OR, as the other engines rank posts with any of the
 * words), phrases and prefix* as written, a tag as its id in the tagids
 * attribute (CRC32 of the lower-cased tag), since:/until: as a range of the date
 * attribute (UTC days), kind "sorted" ORDER BY date DESC. The field weights are
 * blogsearch's. With SNIPPETS=1 each run also asks for the 10 hits' snippets in
 * one CALL SNIPPETS (load_files: searchd reads the post files, as Sphinx keeps
 * no text; 200 characters, the query in extended syntax).
 * Usage: peer_query_sphinx PORT LIST QUERIES.tsv RUNS SNIPPETS
 *        peer_query_sphinx PORT LIST -q KIND QUERY SNIPPETS  (one query, once, on
 *        a connection of its own, its hits printed: the whole process, for bench/run)
 * PORT: searchd's SphinxQL port on 127.0.0.1; LIST: the NUL-separated post paths
 * the index was built from (document id = position + 1).
 * One connection is kept for all queries; a query is translated once (untimed),
 * counted once untimed (SHOW META's total_found) and run once untimed
 * (warm-up), then RUNS timed times: each a round trip from the client, so the
 * figures include the loopback and the protocol, which an in-process library
 * does not pay. Prints per query: sphinx <TAB> kind <TAB> query <TAB> matches
 * <TAB> microseconds of run 1,run 2,... */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <ctype.h>
#include <mysql.h>
#include <stdint.h>

#include "bench_common.h"
#include "bench_queries.h"

static uint32_t crc32_of(const char *s)
{
    uint32_t c = 0xFFFFFFFFu;
    for (; *s; s++) {
        c ^= (unsigned char)tolower((unsigned char)*s);
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void die(MYSQL *db, const char *what)
{
    fprintf(stderr, "peer_query_sphinx: %s: %s\n", what, mysql_error(db));
    exit(1);
}

/* The words in Sphinx's extended syntax: plain words joined with |, a
 * phrase and a prefix* as written; any other character Sphinx reads as an
 * operator escaped with a backslash. */
static void match_text(buf *b, const char *q)
{
    const char *p = q;
    int words = 0;
    while (*p) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (words++)
            puts_(b, " | ");
        const char *e = p;
        if (*p == '"') {
            e = strchr(p + 1, '"');
            e = e ? e + 1 : p + strlen(p);
            put(b, p, (size_t)(e - p));
        } else {
            while (*e && *e != ' ' && *e != '\t')
                e++;
            for (const char *c = p; c < e; c++) {
                if (strchr("()|-!@~/^$<=&\\'", *c) || (*c == '*' && c + 1 < e))
                    put(b, "\\", 1);
                put(b, c, 1);
            }
        }
        p = e;
    }
}

typedef struct {
    char *sql;   /* the SELECT */
    char *match; /* the MATCH text, for the snippets */
} sphinx_query;

static sphinx_query translate(MYSQL *db, const char *kind, const char *text)
{
    bench_split sp;
    bench_split_query(text, &sp);
    buf m = { 0 }, sql = { 0 };
    match_text(&m, sp.rest);
    puts_(&m, "");
    char *esc = xmalloc(2 * m.len + 1);
    mysql_real_escape_string(db, esc, m.s, (unsigned long)m.len);
    char num[64];
    puts_(&sql, "SELECT id FROM posts WHERE ");
    int cond = 0;
    if (m.len) {
        puts_(&sql, "MATCH('");
        puts_(&sql, esc);
        puts_(&sql, "')");
        cond = 1;
    }
    for (int t = 0; t < sp.ntags; t++) {
        snprintf(num, sizeof num, "%stagids = %lu", cond++ ? " AND " : "",
                 (unsigned long)crc32_of(sp.tags[t]));
        puts_(&sql, num);
    }
    if (sp.since[0]) {
        snprintf(num, sizeof num, "%sdate >= %lld", cond++ ? " AND " : "",
                 bench_date_epoch(sp.since, 0));
        puts_(&sql, num);
    }
    if (sp.until[0]) {
        snprintf(num, sizeof num, "%sdate <= %lld", cond++ ? " AND " : "",
                 bench_date_epoch(sp.until, 1));
        puts_(&sql, num);
    }
    if (!cond)
        puts_(&sql, "id > 0");
    puts_(&sql, strcmp(kind, "sorted") == 0 ? " ORDER BY date DESC" : " ORDER BY WEIGHT() DESC");
    puts_(&sql, " LIMIT 10 OPTION ranker = proximity_bm25, "
                "field_weights = (title = 5, tags = 2, body = 1)");
    free(esc);
    sphinx_query r = { sql.s, m.s };
    return r;
}

/* The post paths of LIST, by document id - 1. */
static char **read_list(const char *path, size_t *n, char **keep)
{
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    long sz = ftell(f);
    rewind(f);
    char *data = xmalloc((size_t)sz + 1);
    if (fread(data, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    data[sz] = '\0';
    size_t cap = 1;
    for (long i = 0; i < sz; i++)
        cap += data[i] == '\0';
    char **paths = xmalloc(cap * sizeof *paths);
    *n = 0;
    for (long i = 0; i < sz; i += (long)strlen(data + i) + 1)
        if (data[i])
            paths[(*n)++] = data + i;
    *keep = data;
    return paths;
}

/* One search: the top 10, then (snippets) their snippets. Returns the number
 * of hits; prints them when show. */
static size_t run_once(MYSQL *db, const sphinx_query *q, int snippets, char **paths,
                       size_t npaths, int show)
{
    if (mysql_real_query(db, q->sql, (unsigned long)strlen(q->sql)) != 0)
        die(db, q->sql);
    MYSQL_RES *res = mysql_store_result(db);
    if (!res)
        die(db, "result");
    unsigned long long ids[10];
    size_t n = 0;
    MYSQL_ROW row;
    while ((row = mysql_fetch_row(res)) && n < 10)
        ids[n++] = strtoull(row[0], NULL, 10);
    mysql_free_result(res);
    if (show && !snippets)
        for (size_t i = 0; i < n; i++)
            printf("%llu\n", ids[i]);
    if (!snippets || n == 0 || !q->match[0])
        return n;
    buf call = { 0 };
    puts_(&call, "CALL SNIPPETS((");
    for (size_t i = 0; i < n; i++) {
        const char *p = ids[i] >= 1 && ids[i] <= npaths ? paths[ids[i] - 1] : "";
        char *esc = xmalloc(2 * strlen(p) + 1);
        mysql_real_escape_string(db, esc, p, (unsigned long)strlen(p));
        puts_(&call, i ? ", '" : "'");
        puts_(&call, esc);
        puts_(&call, "'");
        free(esc);
    }
    char *esc = xmalloc(2 * strlen(q->match) + 1);
    mysql_real_escape_string(db, esc, q->match, (unsigned long)strlen(q->match));
    puts_(&call, "), 'posts', '");
    puts_(&call, esc);
    puts_(&call, "', 1 AS load_files, 1 AS query_mode, 200 AS limit, "
                 "'[' AS before_match, ']' AS after_match)");
    free(esc);
    if (mysql_real_query(db, call.s, (unsigned long)call.len) != 0)
        die(db, "CALL SNIPPETS");
    res = mysql_store_result(db);
    if (!res)
        die(db, "snippets");
    size_t i = 0;
    while ((row = mysql_fetch_row(res))) {
        if (show)
            printf("%llu\t%s\n", i < n ? ids[i] : 0ULL, row[0] ? row[0] : "");
        i++;
    }
    mysql_free_result(res);
    free(call.s);
    return n;
}

static MYSQL *connect_to(const char *port)
{
    MYSQL *db = mysql_init(NULL);
    if (!db || !mysql_real_connect(db, "127.0.0.1", NULL, NULL, NULL, (unsigned)atoi(port),
                                   NULL, 0))
        die(db, "connect");
    return db;
}

int main(int argc, char **argv)
{
    int one = argc == 7 && strcmp(argv[3], "-q") == 0;
    if (argc != 6 && !one) {
        fprintf(stderr, "usage: peer_query_sphinx PORT LIST QUERIES.tsv RUNS SNIPPETS\n"
                        "       peer_query_sphinx PORT LIST -q KIND QUERY SNIPPETS\n");
        return 2;
    }
    size_t npaths, nq = 1;
    char *keep;
    char **paths = read_list(argv[2], &npaths, &keep);
    bench_query *qs;
    if (one) {
        qs = xmalloc(sizeof *qs);
        qs[0].kind = xstrndup(argv[4], strlen(argv[4]));
        qs[0].text = xstrndup(argv[5], strlen(argv[5]));
    } else {
        qs = read_queries(argv[3], &nq);
    }
    int runs = one ? 1 : atoi(argv[4]);
    int snippets = atoi(argv[one ? 6 : 5]) != 0;
    if (runs < 1) {
        fprintf(stderr, "peer_query_sphinx: RUNS must be at least 1\n");
        return 2;
    }
    MYSQL *db = connect_to(argv[1]);
    if (one) {
        sphinx_query q = translate(db, qs[0].kind, qs[0].text);
        run_once(db, &q, snippets, paths, npaths, 1);
        mysql_close(db);
        return 0;
    }
    double *us = xmalloc((size_t)runs * sizeof *us);
    for (size_t i = 0; i < nq; i++) {
        sphinx_query q = translate(db, qs[i].kind, qs[i].text);
        long long total = -1;
        run_once(db, &q, 0, paths, npaths, 0);
        if (mysql_query(db, "SHOW META") != 0)
            die(db, "SHOW META");
        MYSQL_RES *res = mysql_store_result(db);
        MYSQL_ROW row;
        while (res && (row = mysql_fetch_row(res)))
            if (row[0] && strcmp(row[0], "total_found") == 0)
                total = atoll(row[1]);
        mysql_free_result(res);
        if (getenv("BENCH_SHOW"))
            fprintf(stderr, "%s -> %s\n", qs[i].text, q.sql);
        for (int r = -1; r < runs; r++) { /* run -1: the warm-up */
            double t0 = now_s();
            run_once(db, &q, snippets, paths, npaths, 0);
            if (r >= 0)
                us[r] = (now_s() - t0) * 1e6;
        }
        printf("sphinx\t%s\t%s\t%lld\t", qs[i].kind, qs[i].text, total);
        for (int r = 0; r < runs; r++)
            printf("%s%.1f", r ? "," : "", us[r]);
        putchar('\n');
        fflush(stdout);
        free(q.sql);
        free(q.match);
    }
    mysql_close(db);
    free(us);
    free(paths);
    free(keep);
    return 0;
}
