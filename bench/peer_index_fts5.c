/* peer_index_fts5: builds a blog index with SQLite FTS5 the way an FTS5 user
 * would: one row per post (path, title, tags, body, date) in one transaction,
 * then 'optimize'. FTS5 keeps each column's text, as blogsearch keeps its
 * text for snippets; unicode61 has no Russian stemmer, so it does less work.
 * Usage: peer_index_fts5 DBFILE FILE...   or   peer_index_fts5 DBFILE @LIST
 * (LIST: NUL-separated paths, for corpora too big for one command line).
 *        peer_index_fts5 --update DBFILE @LIST @CHANGED: the posts of CHANGED
 * (paths of LIST: rowid = position + 1, as a build inserts them; LIST sorted
 * bytewise as bench/index.sh sorts it) written again over their rows in one
 * transaction, without 'optimize' (FTS5 merges its segments as it goes): an
 * incremental run as an FTS5 user would write it, told what changed.
 * Prints: sqlite-fts5 <TAB> files <TAB> bytes read <TAB> seconds. */
/* clock_gettime, unlink: POSIX, whatever bench_common.h and the -std flag say */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <sqlite3.h>
#include <unistd.h>

#include "bench_common.h"

/* Whole file in a malloc'd, NUL-terminated buffer; exits on failure. */
static inline char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    long sz = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        sz = ftell(f);
    char *buf = sz >= 0 ? (char *)malloc((size_t)sz + 1) : NULL;
    if (!buf || fseek(f, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
        fprintf(stderr, "%s: cannot read\n", path);
        exit(2);
    }
    fclose(f);
    buf[sz] = '\0';
    *len = (size_t)sz;
    return buf;
}

/* The files to index: argv[first..argc), or, when that is one "@LIST"
 * argument, the NUL-separated paths in LIST (the paths point into *keep,
 * which the caller frees with the array). */
static inline char **file_list(int argc, char **argv, int first, size_t *n, char **keep)
{
    *keep = NULL;
    if (argc - first != 1 || argv[first][0] != '@') {
        *n = (size_t)(argc - first);
        return argv + first;
    }
    size_t len;
    char *buf = read_all(argv[first] + 1, &len);
    size_t cap = 1;
    for (size_t i = 0; i < len; i++)
        cap += buf[i] == '\0';
    char **paths = (char **)malloc(cap * sizeof *paths);
    if (!paths) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    *n = 0;
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
        if (buf[i] != '\0')
            paths[(*n)++] = buf + i;
    *keep = buf;
    return paths;
}

typedef struct {
    const char *p; /* not NUL-terminated */
    size_t len;    /* bytes */
} span;

typedef struct {
    span title, tags, date, body;
} post_fields;

/* Nikola's header: ".. key: value" lines at the top, up to the first blank
 * line; the body is the rest as it is. A file that does not start with such
 * a line has no header and is all body. The body keeps its markup: that is
 * what an FTS5 user would store; blogsearch strips markup, more work per post. */
static inline void parse_post(const char *text, size_t len, post_fields *pf)
{
    const char *p = text, *end = text + len;
    memset(pf, 0, sizeof *pf);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        if (!eol)
            eol = end;
        const char *q = p;
        while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r'))
            q++;
        if (q == eol) { /* the blank line that ends the header */
            if (p != text)
                p = next;
            break;
        }
        if (eol - p < 4 || memcmp(p, ".. ", 3) != 0)
            break;
        const char *k = p + 3, *colon = k;
        while (colon < eol && (*colon == '_' || (*colon >= 'a' && *colon <= 'z')
                               || (*colon >= 'A' && *colon <= 'Z')))
            colon++;
        if (colon == k || colon == eol || *colon != ':'
            || (colon + 1 < eol && colon[1] != ' ' && colon[1] != '\t' && colon[1] != '\r'))
            break; /* a directive ("image::") or a comment: body starts here */
        const char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
            ve--;
        span val = { v, (size_t)(ve - v) };
        size_t klen = (size_t)(colon - k);
        if (klen == 5 && memcmp(k, "title", 5) == 0)
            pf->title = val;
        else if (klen == 4 && memcmp(k, "tags", 4) == 0)
            pf->tags = val;
        else if (klen == 4 && memcmp(k, "date", 4) == 0)
            pf->date = val;
        p = next;
    }
    pf->body.p = p;
    pf->body.len = (size_t)(end - p);
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "peer_index_fts5: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

int main(int argc, char **argv)
{
    int update = argc == 5 && strcmp(argv[1], "--update") == 0;
    if (argc < 3 || (strcmp(argv[1], "--update") == 0 && !update)) {
        fprintf(stderr, "usage: peer_index_fts5 DBFILE FILE...|@LIST\n"
                        "       peer_index_fts5 --update DBFILE @LIST @CHANGED\n");
        return 2;
    }
    const char *dbfile = argv[update ? 2 : 1];
    char *keep, *keep_changed = NULL;
    size_t n, nchanged = 0;
    char **files = file_list(update ? 4 : argc, argv, update ? 3 : 2, &n, &keep);
    char **changed = update ? file_list(5, argv, 4, &nchanged, &keep_changed) : NULL;
    char side[4096];
    if (!update) {
        unlink(dbfile);
        snprintf(side, sizeof side, "%s-journal", dbfile);
        unlink(side);
        snprintf(side, sizeof side, "%s-wal", dbfile);
        unlink(side);
    }

    double t0 = now_s();
    sqlite3 *db;
    sqlite3_stmt *ins;
    if (sqlite3_open(dbfile, &db) != SQLITE_OK)
        die(db, dbfile);
    if (!update)
        exec(db, "CREATE VIRTUAL TABLE posts USING fts5(path UNINDEXED, title, tags, body, "
                 "date UNINDEXED, tokenize='unicode61 remove_diacritics 2')");
    exec(db, "BEGIN");
    if (sqlite3_prepare_v2(db, update ? "UPDATE posts SET path = ?1, title = ?2, tags = ?3, "
                                        "body = ?4, date = ?5 WHERE rowid = ?6"
                                      : "INSERT INTO posts(path, title, tags, body, date, rowid) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                           -1, &ins, NULL) != SQLITE_OK)
        die(db, "prepare");
    size_t bytes = 0;
    for (size_t j = 0; j < (update ? nchanged : n); j++) {
        size_t i = j;
        if (update) { /* its position in the sorted list */
            size_t lo = 0, hi = n;
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(files[mid], changed[j]) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo == n || strcmp(files[lo], changed[j]) != 0) {
                fprintf(stderr, "peer_index_fts5: %s: not in the list\n", changed[j]);
                return 2;
            }
            i = lo;
        }
        size_t len;
        char *text = read_all(files[i], &len);
        post_fields pf;
        parse_post(text, len, &pf);
        /* SQLITE_STATIC: the text lives until after sqlite3_reset. */
        sqlite3_bind_text(ins, 1, files[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, pf.title.p ? pf.title.p : "", (int)pf.title.len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, pf.tags.p ? pf.tags.p : "", (int)pf.tags.len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, pf.body.p, (int)pf.body.len, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, pf.date.p ? pf.date.p : "", (int)pf.date.len, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 6, (sqlite3_int64)i + 1);
        if (sqlite3_step(ins) != SQLITE_DONE)
            die(db, files[i]);
        sqlite3_reset(ins);
        free(text);
        bytes += len;
    }
    sqlite3_finalize(ins);
    exec(db, "COMMIT");
    if (!update)
        exec(db, "INSERT INTO posts(posts) VALUES('optimize')");
    if (sqlite3_close(db) != SQLITE_OK)
        die(db, "close");
    double dt = now_s() - t0;

    printf("sqlite-fts5\t%zu\t%zu\t%.3f\n", update ? nchanged : n, bytes, dt);
    if (keep) {
        free(files);
        free(keep);
    }
    if (keep_changed) {
        free(changed);
        free(keep_changed);
    }
    return 0;
}
