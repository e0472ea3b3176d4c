/* test_zone.c: the zone of a run (writer_run's timezone): dates written
 * without a zone are read in it at their own date, the index keeps it in
 * its options so that a run without one uses the same, another one reads
 * every post again, an unknown name fails the run and changes nothing, and
 * a rebuild (--full) of an index of an older format, whose options cannot be
 * read, says that the zone is not known. Table-driven over the runs, each
 * checked by the offset and instant stored for one post. */
#include <lmdb.h>
#include <stdlib.h>

#include "indexer/indexer.h"
#include "test.h"

static char dir[] = "/tmp/bs-test-zone-XXXXXX", ix[300], posts[300];
static char diags[4096];

static void on_diag(void *ctx, const char *path, unsigned line, diag_level level, const char *msg)
{
    (void)ctx;
    (void)path;
    (void)line;
    (void)level;
    size_t n = strlen(diags);
    snprintf(diags + n, sizeof diags - n, "%s\n", msg);
}

/* The stored date of the one post: its instant and offset. */
static int stored(int64_t *date, int *tz)
{
    store *st;
    char err[512];
    if (store_open(&st, ix, STORE_RDONLY, err, sizeof err) != BS_OK)
        return -1;
    MDB_txn *txn;
    MDB_cursor *cur;
    MDB_val k, v;
    int rc = -1;
    if (store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK) {
        if (mdb_cursor_open(txn, st->docs, &cur) == 0) {
            doc_record d;
            const char *why;
            if (mdb_cursor_get(cur, &k, &v, MDB_FIRST) == 0
                && codec_doc_decode(v.mv_data, v.mv_size, &d, &why) == BS_OK) {
                *date = d.date;
                *tz = d.tz_min;
                rc = d.has_date ? 0 : -1;
                codec_doc_free(&d);
            }
            mdb_cursor_close(cur);
        }
        mdb_txn_abort(txn);
    }
    store_close(st);
    return rc;
}

/* The index as an older blogsearch left it: format version 4. */
static int make_old(void)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta;
    uint8_t four[4] = { 0, 0, 0, 4 };
    MDB_val k = { 6, "format" }, v = { 4, four };
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(env, 16);
    if (rc == 0)
        rc = mdb_env_open(env, ix, 0, 0644);
    if (rc == 0 && (rc = mdb_txn_begin(env, NULL, 0, &txn)) == 0) {
        rc = mdb_dbi_open(txn, "meta", 0, &meta);
        if (rc == 0)
            rc = mdb_put(txn, meta, &k, &v, 0);
        rc = rc == 0 ? mdb_txn_commit(txn) : (mdb_txn_abort(txn), rc);
    }
    mdb_env_close(env);
    return rc;
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    snprintf(ix, sizeof ix, "%s/ix", dir);
    snprintf(posts, sizeof posts, "%s/posts", dir);
    char file[400], cmd[600];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", posts);
    if (system(cmd) != 0)
        return 1;
    snprintf(file, sizeof file, "%s/a.rst", posts);
    FILE *f = fopen(file, "w");
    if (!f)
        return 1;
    fputs(".. title: Зима\n.. date: 2014-01-01 01:30:00\n\nТекст.\n", f);   /* 01:30Z: 1388539800 */
    fclose(f);

    /* Europe/Moscow (+04:00 on this date) when the system has it, else the
     * fixed +04:00 ("MOSCOW" in the table) */
    tz_zone *z;
    char err[1024];
    const char *moscow = tz_open(&z, "Europe/Moscow", err, sizeof err) == 0 ? "Europe/Moscow"
                                                                            : "+04:00";
    tz_free(z);
    if (strcmp(moscow, "+04:00") == 0)
        printf("skip: %s; +04:00 instead\n", err);

    static const struct {
        int line;
        const char *zone;      /* --timezone, NULL for none */
        int full, old;         /* --full; the index made of format 4 first */
        int rc, tz;            /* the run's status; the stored offset after it */
        const char *diag;      /* in the diagnostics, or "" for none of these */
    } runs[] = {
        { __LINE__, "MOSCOW", 0, 0, BS_OK, 240, "" },              /* the zone named */
        { __LINE__, NULL, 0, 0, BS_OK, 240, "" },                  /* remembered */
        { __LINE__, "UTC", 0, 0, BS_OK, 0, "differ from the last run" },
        { __LINE__, NULL, 0, 0, BS_OK, 0, "" },                    /* UTC remembered */
        { __LINE__, "+03:00", 0, 0, BS_OK, 180, "differ from the last run" },
        { __LINE__, "Europe/Mosco", 0, 0, BS_ERROR, 180, "" },     /* nothing changed */
        { __LINE__, NULL, 1, 0, BS_OK, 180, "" },                  /* --full keeps it too */
        { __LINE__, NULL, 1, 1, BS_OK, 0, "format 4, whose zone is not read" },
        { __LINE__, "MOSCOW", 1, 1, BS_OK, 240, "" },              /* given again: no warning */
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        if (runs[i].old)
            CHECK_AT(__FILE__, runs[i].line, make_old() == 0, "run %zu: the old index", i);
        walk_list list;
        char *paths[] = { posts };
        CHECK(walk_paths(&list, paths, 1, NULL, NULL) == 0, "walk");
        const char *zone = runs[i].zone && strcmp(runs[i].zone, "MOSCOW") == 0 ? moscow
                                                                               : runs[i].zone;
        writer_opts o = { .full = runs[i].full, .timezone = zone, .max_file_bytes = 1 << 20,
                          .mem_limit = 1 << 20, .diag = on_diag };
        writer_summary sum;
        diags[0] = err[0] = '\0';
        int rc = writer_run(ix, &list, &o, &sum, err, sizeof err);
        walk_free(&list);
        int64_t date = 0;
        int tz = 9999;
        CHECK_AT(__FILE__, runs[i].line, rc == runs[i].rc && stored(&date, &tz) == 0
                 && tz == runs[i].tz && date == 1388539800 - (int64_t)tz * 60,
                 "run %zu (%s): %d (%s), stored %lld at %d, want %d at %d", i,
                 zone ? zone : "no zone", rc, err, (long long)date, tz, runs[i].rc, runs[i].tz);
        if (runs[i].diag[0])
            CHECK_AT(__FILE__, runs[i].line, strstr(diags, runs[i].diag) != NULL,
                     "run %zu: the diagnostics \"%s\" lack \"%s\"", i, diags, runs[i].diag);
        else
            CHECK_AT(__FILE__, runs[i].line, !strstr(diags, "differ from the last run")
                     && !strstr(diags, "zone is not read"), "run %zu: \"%s\"", i, diags);
        if (runs[i].rc != BS_OK)
            CHECK_AT(__FILE__, runs[i].line, strstr(err, "Europe/Mosco") != NULL,
                     "run %zu: the message names the zone: %s", i, err);
    }
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_zone");
}
