/* snapshot.c: copies of an index for web nodes (README, "Copies for web
 * nodes"). A copy is written beside its place and renamed into it whole
 * (blogsearch-index --snapshot); a reader that stays open between requests
 * (a resident FastCGI) asks whether the index at its path is still the one
 * it opened. A copy is a directory of its own, data.mdb with its own
 * lock.mdb, and it is swapped in as a directory: LMDB's lock file holds the
 * reader table and the last transaction id of one data.mdb, by which a
 * reader picks its meta page, so readers of the old data and of the new
 * must never share one (a data.mdb renamed into a live directory would be
 * read through the old lock file's transaction id). */
#define _GNU_SOURCE                /* renameat2 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

#define PATH_BYTES STORE_PATH_BYTES

static void fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* The last committed transaction of the LMDB environment in dir, when it is
 * a blogsearch index (its meta database has a format); 0 when it is not. */
static size_t index_txnid(const char *dir)
{
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi meta;
    MDB_envinfo info;
    size_t id = 0;
    if (mdb_env_create(&env) != 0)
        return 0;
    MDB_val k = { 6, "format" }, v;
    if (mdb_env_set_maxdbs(env, 16) == 0 && mdb_env_open(env, dir, MDB_RDONLY, 0666) == 0
        && mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0) {
        if (mdb_dbi_open(txn, DB_META, 0, &meta) == 0 && mdb_get(txn, meta, &k, &v) == 0
            && mdb_env_info(env, &info) == 0)
            id = info.me_last_txnid;
        mdb_txn_abort(txn);
    }
    mdb_env_close(env);
    return id;
}

enum { DST_NONE, DST_EMPTY, DST_SNAPSHOT, DST_REFUSED };

/* What is at dst: nothing, an empty directory (renamed over), a previous
 * snapshot (swapped out), or something else, refused with the reason. */
static int dst_kind(const char *dst, const store *src, char *err, size_t errlen)
{
    struct stat sb;
    if (lstat(dst, &sb) != 0) {
        if (errno == ENOENT)
            return DST_NONE;
        fail(err, errlen, "%s: %s", dst, strerror(errno));
        return DST_REFUSED;
    }
    if (S_ISLNK(sb.st_mode)) {
        fail(err, errlen, "%s is a symbolic link; a snapshot is a directory of its own, "
             "written to a path that is one or is not there yet (a link to it is the web "
             "node's to swap)", dst);
        return DST_REFUSED;
    }
    if (!S_ISDIR(sb.st_mode)) {
        fail(err, errlen, "%s is there and is not a directory; it is left as it is", dst);
        return DST_REFUSED;
    }
    if (sb.st_dev == src->dir_dev && sb.st_ino == src->dir_ino) {
        fail(err, errlen, "%s is the index itself; a snapshot goes to another directory",
             dst);
        return DST_REFUSED;
    }
    DIR *d = opendir(dst);
    if (!d) {
        fail(err, errlen, "%s: %s", dst, strerror(errno));
        return DST_REFUSED;
    }
    size_t entries = 0, known = 0, data = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        entries++;
        data += strcmp(e->d_name, "data.mdb") == 0;
        known += strcmp(e->d_name, "data.mdb") == 0 || strcmp(e->d_name, "lock.mdb") == 0;
    }
    closedir(d);
    if (entries == 0)
        return DST_EMPTY;
    size_t txnid = entries == known && data ? index_txnid(dst) : 0;
    if (txnid == 1)
        return DST_SNAPSHOT;
    if (txnid > 1)
        fail(err, errlen, "%s is an index written to since it was copied (LMDB transaction "
             "%zu; a snapshot stays at its copy's 1), so not a snapshot to replace; it is "
             "left as it is", dst, txnid);
    else
        fail(err, errlen, "%s is there and is no index snapshot (a directory of data.mdb "
             "and lock.mdb alone); it is left as it is: remove it, or give another DIR",
             dst);
    return DST_REFUSED;
}

/* lock.mdb or data.mdb, new in dir, open for writing; in a shared directory
 * given its group and the bits of mode. -1 with errno set. */
static int new_file(const char *dir, const char *name, int shared, gid_t group, mode_t mode)
{
    char path[PATH_BYTES];
    if (store_join(path, dir, name) != 0) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0 && shared)
        store_share_file(fd, group, mode);
    return fd;
}

/* The copy of src in the new directory tmp: the index directory's group
 * and mode, lock.mdb, data.mdb compacted, synced, then opened as any index
 * is, for its posts. */
static int write_copy(store *src, const struct stat *src_dir, const char *tmp,
                      store_snapshot_info *info, char *err, size_t errlen)
{
    store_dir_like(tmp, src_dir);
    gid_t group = 0;
    int shared = store_shared_dir(tmp, &group);
    /* lock.mdb made here: in a directory of mode 2750 the web server's user
     * may write it but not make it */
    int fd = new_file(tmp, "lock.mdb", shared, group, S_IRGRP | S_IWGRP);
    if (fd < 0 || close(fd) != 0) {
        fail(err, errlen, "cannot write %s/lock.mdb: %s", tmp, strerror(errno));
        return BS_ERROR;
    }
    if ((fd = new_file(tmp, "data.mdb", shared, group, S_IRGRP)) < 0) {
        fail(err, errlen, "cannot write %s/data.mdb: %s", tmp, strerror(errno));
        return BS_ERROR;
    }
    int rc = mdb_env_copyfd2(src->env, fd, MDB_CP_COMPACT);
    struct stat fs;
    if (rc == MDB_INCOMPATIBLE)
        fail(err, errlen, "the index %s cannot be compacted (LMDB finds pages it cannot "
             "account for); rebuild it with blogsearch-index --full", src->dir);
    else if (rc != 0)
        fail(err, errlen, "copying the index %s: %s", src->dir, mdb_strerror(rc));
    else if (fstat(fd, &fs) != 0 || fsync(fd) != 0)
        fail(err, errlen, "writing %s/data.mdb: %s", tmp, strerror(rc = errno));
    else
        info->bytes = (uint64_t)fs.st_size;
    if (close(fd) != 0 && rc == 0)
        fail(err, errlen, "writing %s/data.mdb: %s", tmp, strerror(rc = errno));
    if (rc != 0)
        return BS_ERROR;

    /* opened as a web node will open it: the format checks, then its posts */
    store *copy;
    MDB_txn *txn;
    store_stats ss;
    char why[STORE_ERRLEN];
    int brc = store_open(&copy, tmp, STORE_RDONLY, why, sizeof why);
    if (brc == BS_OK) {
        if ((brc = store_txn_begin(copy, MDB_RDONLY, &txn)) == BS_OK) {
            brc = store_get_stats(copy, txn, &ss);
            mdb_txn_abort(txn);
        }
        if (brc != BS_OK)
            snprintf(why, sizeof why, "%s", store_err());
        store_close(copy);
    }
    if (brc != BS_OK) {
        fail(err, errlen, "the copy does not open: %s", why);
        return BS_ERROR;
    }
    info->posts = ss.ndocs;
    if (store_sync_dir(tmp) != 0) {
        fail(err, errlen, "writing %s: %s", tmp, strerror(errno));
        return BS_ERROR;
    }
    return BS_OK;
}

/* tmp renamed to dst by what is there; for a previous snapshot, it is then
 * at tmp and removed. */
static int put_in_place(const char *tmp, const char *dst, int kind, store_snapshot_info *info,
                        char *err, size_t errlen)
{
    int rc;
    if (kind == DST_SNAPSHOT) {
        if (store_swap_dirs(tmp, dst, info->kept, sizeof info->kept) != 0) {
            fail(err, errlen, errno == EINVAL || errno == ENOSYS
                 ? "%s: this file system cannot swap two directories in one rename "
                   "(RENAME_EXCHANGE); remove the previous snapshot or give another DIR"
                 : "%s: %s", dst, strerror(errno));
            return BS_ERROR;
        }
        info->replaced = 1;
        return BS_OK;
    }
    if (kind == DST_EMPTY)      /* rename(2) replaces an empty directory, nothing else */
        rc = rename(tmp, dst);
    else if ((rc = renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE)) != 0
             && (errno == EINVAL || errno == ENOSYS))
        rc = rename(tmp, dst);  /* no RENAME_NOREPLACE here: an empty directory made
                                   since would be replaced, and nothing else */
    if (rc != 0) {
        fail(err, errlen, errno == EEXIST || errno == ENOTEMPTY
             ? "%s: something was put there while the snapshot was written; it is left "
               "as it is"
             : "%s: %s", dst, strerror(errno));
        return BS_ERROR;
    }
    return BS_OK;
}

int store_snapshot(const char *src, const char *dst, store_snapshot_info *info, char *err,
                   size_t errlen)
{
    memset(info, 0, sizeof *info);
    char target[PATH_BYTES], parent[PATH_BYTES], tmp[PATH_BYTES];
    if (store_path_beside(dst, ".tmp.XXXXXX", target, parent, tmp) != 0) {
        fail(err, errlen, "%s: not a directory name for a snapshot", dst);
        return BS_ERROR;
    }

    store *st;
    char why[STORE_ERRLEN];
    int rc = store_open(&st, src, STORE_RDONLY, why, sizeof why);
    if (rc != BS_OK) {
        fail(err, errlen, "%s", why);
        return rc;
    }
    struct stat src_dir, data;
    char src_data[PATH_BYTES];
    if (stat(src, &src_dir) != 0 || store_join(src_data, src, "data.mdb") != 0
        || stat(src_data, &data) != 0) {
        fail(err, errlen, "%s: %s", src, strerror(errno));
        store_close(st);
        return BS_ERROR;
    }
    info->src_file_bytes = (uint64_t)data.st_blocks * 512;
    info->src_used_bytes = store_used_bytes(st);
    int kind = dst_kind(target, st, err, errlen);
    rc = BS_ERROR;
    if (kind != DST_REFUSED && store_make_dirs(parent) != 0)
        fail(err, errlen, "cannot make the directory %s: %s", parent, strerror(errno));
    else if (kind != DST_REFUSED && !mkdtemp(tmp))
        fail(err, errlen, "cannot make a directory beside %s: %s", target, strerror(errno));
    else if (kind != DST_REFUSED) {
        rc = write_copy(st, &src_dir, tmp, info, err, errlen);
        if (rc == BS_OK)
            rc = put_in_place(tmp, target, kind, info, err, errlen);
        if (rc != BS_OK)
            store_remove_index_dir(tmp);
        else if (store_sync_dir(parent) != 0) {
            fail(err, errlen, "the snapshot %s is written, but its directory %s could "
                 "not be synced: %s", target, parent, strerror(errno));
            rc = BS_ERROR;
        }
    }
    store_close(st);
    return rc;
}

int store_replaced(const store *st)
{
    char data[PATH_BYTES];
    struct stat ds, fs;
    if (store_join(data, st->dir, "data.mdb") != 0)
        return 0;
    if (stat(st->dir, &ds) != 0 || stat(data, &fs) != 0)
        return 1;
    return ds.st_dev != st->dir_dev || ds.st_ino != st->dir_ino || fs.st_dev != st->data_dev
           || fs.st_ino != st->data_ino;
}
