/* dump_lmdb: every key and value of every named database of an index, in
 * key order, one line each: "DB<TAB>KEY<TAB>VALUE", the bytes in hex. The
 * logical content alone, none of the page layout: two indexes whose dumps
 * are the same hold the same data however their pages were written.
 *
 * Usage: dump_lmdb INDEX_DIR > DUMP */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void hex(const MDB_val *v)
{
    const unsigned char *p = v->mv_data;
    for (size_t i = 0; i < v->mv_size; i++)
        printf("%02x", p[i]);
}

static int fail(const char *what, int rc)
{
    fprintf(stderr, "dump_lmdb: %s: %s\n", what, mdb_strerror(rc));
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: dump_lmdb INDEX_DIR\n");
        return 2;
    }
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi main_db;
    MDB_cursor *names;
    int rc = mdb_env_create(&env);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(env, 64);
    if (rc == 0)
        rc = mdb_env_open(env, argv[1], MDB_RDONLY, 0);
    if (rc != 0)
        return fail(argv[1], rc);
    if ((rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0
        || (rc = mdb_dbi_open(txn, NULL, 0, &main_db)) != 0
        || (rc = mdb_cursor_open(txn, main_db, &names)) != 0)
        return fail("reading the databases", rc);
    MDB_val name, v;
    int status = 0;
    /* the main database's keys are the names; their values are page
     * numbers and counts, the layout, left out */
    while ((rc = mdb_cursor_get(names, &name, &v, MDB_NEXT)) == 0) {
        char *n = malloc(name.mv_size + 1);
        if (!n)
            return fail("names", ENOMEM);
        memcpy(n, name.mv_data, name.mv_size);
        n[name.mv_size] = '\0';
        MDB_dbi db;
        MDB_cursor *c;
        int orc = mdb_dbi_open(txn, n, 0, &db);
        if (orc == 0)
            orc = mdb_cursor_open(txn, db, &c);
        if (orc != 0) {
            status = fail(n, orc);
            free(n);
            continue;
        }
        MDB_val k;
        while ((orc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) == 0) {
            printf("%s\t", n);
            hex(&k);
            putchar('\t');
            hex(&v);
            putchar('\n');
        }
        if (orc != MDB_NOTFOUND)
            status = fail(n, orc);
        mdb_cursor_close(c);
        free(n);
    }
    if (rc != MDB_NOTFOUND)
        status = fail("the database names", rc);
    mdb_cursor_close(names);
    mdb_txn_abort(txn);
    mdb_env_close(env);
    return status;
}
