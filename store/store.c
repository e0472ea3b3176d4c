/* store.c: the LMDB environment of an index and its named databases, the
 * version check on open, the map size, and the statistics record. */
#define _DEFAULT_SOURCE            /* madvise, MADV_DONTNEED, makedev */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zstd.h>

#include "store/store.h"

#define MAX_DBS 16

static void set_err(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    if (!buf || !len)
        return;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

int store_fail(store *st, int rc, const char *what)
{
    if (rc == MDB_MAP_FULL) {
        snprintf(store_err(), STORE_ERRLEN, "%s: the index map is full", what);
        return BS_EMAPFULL;
    }
    if (rc == ENOMEM) {
        snprintf(store_err(), STORE_ERRLEN, "%s: out of memory", what);
        return BS_ENOMEM;
    }
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG) {
        snprintf(store_err(), STORE_ERRLEN, "%s", store_write_failure(st->dir, rc, what));
        return BS_ERROR;
    }
    if (rc == MDB_CORRUPTED || rc == MDB_PAGE_NOTFOUND || rc == MDB_BAD_TXN) {
        snprintf(store_err(), STORE_ERRLEN, "%s: the index %s is damaged (%s); rebuild it "
                 "with blogsearch-index --full", what, st->dir, mdb_strerror(rc));
        return BS_ECORRUPT;
    }
    snprintf(store_err(), STORE_ERRLEN, "%s: %s", what, mdb_strerror(rc));
    return rc == MDB_NOTFOUND ? BS_ENOTFOUND : BS_ERROR;
}

static int check_u32(store *st, MDB_txn *txn, const char *key, uint32_t want, const char *what)
{
    MDB_val k = { strlen(key), (void *)key }, v;
    int rc = mdb_get(txn, st->meta, &k, &v);
    if (rc != 0)
        return store_fail(st, rc, what);
    if (v.mv_size != 4) {
        snprintf(store_err(), STORE_ERRLEN, "%s: the index %s is damaged (meta \"%s\" "
                 "has %zu bytes)", what, st->dir, key, v.mv_size);
        return BS_ECORRUPT;
    }
    uint32_t got = codec_get_u32be(v.mv_data);
    if (got != want) {
        snprintf(store_err(), STORE_ERRLEN,
                 "the index %s has %s %u, but this blogsearch reads %s %u; rebuild it with: "
                 "blogsearch-index --full --index %s PATH...", st->dir, what, (unsigned)got,
                 what, (unsigned)want, st->dir);
        return BS_EVERSION;
    }
    return BS_OK;
}

static _Thread_local char store_errbuf[STORE_ERRLEN];

const char *store_write_failure(const char *dir, int err, const char *what)
{
    static _Thread_local char msg[STORE_ERRLEN];
    snprintf(msg, sizeof msg, "%s: the index %s: %s", err == EFBIG
             ? "file size limit reached" : err == EDQUOT ? "disk quota exceeded" : "disk full",
             dir, err == EFBIG ? "its data.mdb may not grow that big here (ulimit -f)"
             : what);
    return msg;
}

char *store_err(void)
{
    return store_errbuf;
}

int store_init_meta(store *st, MDB_txn *txn)
{
    uint8_t v4[4];
    struct { const char *key; uint32_t v; } rows[] = {
        { "format", BS_FORMAT_VERSION }, { "analyzer", BS_ANALYZER_VERSION },
    };
    for (size_t i = 0; i < 2; i++) {
        key_docid(v4, rows[i].v);
        MDB_val k = { strlen(rows[i].key), (void *)rows[i].key }, v = { 4, v4 };
        int rc = mdb_put(txn, st->meta, &k, &v, 0);
        if (rc != 0)
            return store_fail(st, rc, "writing the format version");
    }
    return BS_OK;
}

int store_mark_built(store *st, MDB_txn *txn)
{
    MDB_val k = { 5, "built" }, v = { 0, "" };
    int rc = mdb_put(txn, st->meta, &k, &v, 0);
    return rc == 0 ? BS_OK : store_fail(st, rc, "marking the index built");
}

int store_built(store *st, MDB_txn *txn)
{
    MDB_val k = { 5, "built" }, v;
    return mdb_get(txn, st->meta, &k, &v) == 0;
}

/* A reader's index must have been built: a directory whose first run has
 * not committed (still running, or killed) holds no posts to search yet,
 * which an empty answer would pass off as "nothing found". */
static int check_built(store *st, MDB_txn *txn)
{
    MDB_val k = { 5, "built" }, v;
    int rc = mdb_get(txn, st->meta, &k, &v);
    if (rc == MDB_NOTFOUND) {
        snprintf(store_err(), STORE_ERRLEN, "the index %s is being built: no run of "
                 "blogsearch-index has finished on it yet (if none is running, the last "
                 "was stopped: run blogsearch-index --index %s PATH... again)", st->dir,
                 st->dir);
        return BS_ENOTREADY;
    }
    return rc == 0 ? BS_OK : store_fail(st, rc, "reading the index's state");
}

int store_reap_readers(store *st)
{
    int dead = 0;
    if (mdb_reader_check(st->env, &dead) != 0)
        return 0;
    return dead;
}

int store_txn_begin(store *st, unsigned flags, MDB_txn **txn)
{
    if (!(flags & MDB_RDONLY))
        store_reap_readers(st);
    int rc = mdb_txn_begin(st->env, NULL, flags, txn);
    if (rc == MDB_READERS_FULL && store_reap_readers(st) > 0)
        rc = mdb_txn_begin(st->env, NULL, flags, txn);
    if (rc == MDB_MAP_RESIZED) {
        /* a writer grew the map: adopt its size and try again */
        if (mdb_env_set_mapsize(st->env, 0) == 0)
            rc = mdb_txn_begin(st->env, NULL, flags, txn);
    }
    return rc == 0 ? BS_OK : store_fail(st, rc, "beginning a transaction");
}

/* Whether the environment's main database holds nothing: a new index. */
static int main_empty(MDB_txn *txn)
{
    MDB_stat ms;
    return mdb_stat(txn, 1, &ms) == 0 && ms.ms_entries == 0;   /* 1: LMDB's MAIN_DBI */
}

static int open_dbs(store *st)
{
    MDB_txn *txn;
    unsigned create = st->rdonly ? 0 : MDB_CREATE;
    store_reap_readers(st);
    int rc = store_txn_begin(st, st->rdonly ? MDB_RDONLY : 0, &txn);
    if (rc != BS_OK)
        return rc;
    /* meta first: an index of another version is told so, whatever
     * databases it has */
    struct { const char *name; MDB_dbi *dbi; unsigned flags; } dbs[] = {
        { DB_META, &st->meta, 0 },       { DB_DOCS, &st->docs, 0 },
        { DB_TEXTS, &st->texts, 0 },     { DB_TERMS, &st->terms, 0 },
        { DB_PATHS, &st->paths, 0 },     { DB_FACETS, &st->facets, MDB_DUPSORT | MDB_DUPFIXED },
        { DB_DATES, &st->dates, 0 },     { DB_LENS, &st->lens, 0 },
        { DB_DOCTAGS, &st->doctags, 0 }, { DB_TAGIDS, &st->tagids, 0 },
    };
    for (size_t i = 0; i < sizeof dbs / sizeof dbs[0] && rc == BS_OK; i++) {
        int mrc = mdb_dbi_open(txn, dbs[i].name, dbs[i].flags | (i ? create : 0), dbs[i].dbi);
        if (mrc == MDB_NOTFOUND && i == 0 && create && main_empty(txn))
            mrc = mdb_dbi_open(txn, dbs[i].name, dbs[i].flags | create, dbs[i].dbi);
        if (mrc == MDB_NOTFOUND && create) {
            /* an environment with data and no meta database: not made
             * here, where it would be written into whatever the data is */
            snprintf(store_err(), STORE_ERRLEN, "the index %s is damaged, or is no blogsearch "
                     "index (no \"meta\" database); rebuild it with blogsearch-index --full",
                     st->dir);
            rc = BS_ECORRUPT;
        } else if (mrc == MDB_NOTFOUND) {
            snprintf(store_err(), STORE_ERRLEN, "%s is not a blogsearch index, or the index "
                     "there is damaged (no \"%s\" database); build it anew with: "
                     "blogsearch-index --full --index %s PATH...", st->dir, dbs[i].name,
                     st->dir);
            rc = BS_ENOTFOUND;
        } else if (mrc != 0) {
            rc = store_fail(st, mrc, "opening the index databases");
        }
        if (rc != BS_OK || i > 0)
            continue;
        /* a new index is stamped with the versions; an old one must match them */
        MDB_val k = { 6, "format" }, v;
        int exists = mdb_get(txn, st->meta, &k, &v) == 0;
        st->format = exists && v.mv_size == 4 ? codec_get_u32be(v.mv_data) : BS_FORMAT_VERSION;
        if (!exists && !st->rdonly) {
            rc = store_init_meta(st, txn);
        } else if (!exists) {
            snprintf(store_err(), STORE_ERRLEN, "%s is not a blogsearch index (no format "
                     "version); build one with: blogsearch-index --index %s PATH...", st->dir,
                     st->dir);
            rc = BS_ENOTFOUND;
        } else if (!st->any_version) {
            rc = check_u32(st, txn, "format", BS_FORMAT_VERSION, "format version");
            if (rc == BS_OK)
                rc = check_u32(st, txn, "analyzer", BS_ANALYZER_VERSION, "analyzer version");
            if (rc == BS_OK && st->rdonly)
                rc = check_built(st, txn);
        }
    }
    if (rc != BS_OK) {
        mdb_txn_abort(txn);
        return rc;
    }
    int crc = mdb_txn_commit(txn);
    return crc == 0 ? BS_OK : store_fail(st, crc, "opening the index");
}

int store_make_dirs(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(path, dir, n + 1);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        int made = mkdir(path, 0777) == 0 || errno == EEXIST;
        *p = '/';
        if (!made)
            return -1;
    }
    return mkdir(path, 0777) == 0 || errno == EEXIST ? 0 : -1;
}

/* An index directory that is set-group-ID (the web install's: owned by
 * root, group www-data, mode 2750) is shared with its group: every reader
 * writes lock.mdb, LMDB's table of readers, and reads data.mdb. So a writer
 * gives both files the directory's group, lock.mdb group read and write and
 * data.mdb group read, whatever its umask. A file that is not a regular file
 * with one link, or whose group cannot be changed, is left as it is
 * (store_shared_dir, store_share_file; a snapshot's files follow the rule
 * too, snapshot.c). */
int store_shared_dir(const char *dir, gid_t *group)
{
    struct stat ds;
    if (stat(dir, &ds) != 0 || !(ds.st_mode & S_ISGID))
        return 0;
    *group = ds.st_gid;
    return 1;
}

void store_share_file(int fd, gid_t group, mode_t mode)
{
    struct stat fs;
    if (fstat(fd, &fs) == 0 && S_ISREG(fs.st_mode) && fs.st_nlink == 1
        && (fs.st_gid == group || fchown(fd, (uid_t)-1, group) == 0)
        && (fs.st_mode & mode) != mode)
        (void)fchmod(fd, (fs.st_mode & 07777) | mode);
}

/* lock.mdb before the environment opens it: closing a descriptor of the
 * file drops the process's locks on it, which LMDB then holds. */
static void share_lock_file(const char *dir, gid_t group)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/lock.mdb", dir) >= (int)sizeof path)
        return;
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
        store_share_file(fd, group, S_IRGRP | S_IWGRP);
        close(fd);
    }
}

/* Where the map is, for the page a fault was on (guard.c). */
static void map_info(store *st)
{
    MDB_envinfo info;
    MDB_stat ms;
    if (mdb_env_info(st->env, &info) == 0 && mdb_env_stat(st->env, &ms) == 0) {
        st->map = info.me_mapaddr;
        st->map_bytes = info.me_mapsize;
        st->psize = ms.ms_psize;
    }
}

int store_open(store **out, const char *dir, unsigned flags, char *errbuf, size_t errlen)
{
    store *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st || !(st->dir = strdup(dir))) {
        free(st);
        set_err(errbuf, errlen, "out of memory");
        return BS_ENOMEM;
    }
    st->rdonly = (flags & STORE_RDONLY) != 0;
    st->any_version = (flags & STORE_ANY_VERSION) != 0;

    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (errno != ENOENT || !(flags & STORE_CREATE)) {
            set_err(errbuf, errlen, errno == ENOENT
                    ? "no index at %s; build one with: blogsearch-index --index %s PATH..."
                    : "%s: %s", dir, errno == ENOENT ? dir : strerror(errno));
            store_close(st);
            return errno == ENOENT ? BS_ENOTFOUND : BS_ERROR;
        }
        if (store_make_dirs(dir) != 0 || stat(dir, &sb) != 0) {
            set_err(errbuf, errlen, "cannot create the index directory %s: %s", dir,
                    strerror(errno));
            store_close(st);
            return BS_ERROR;
        }
    } else if (!S_ISDIR(sb.st_mode)) {
        set_err(errbuf, errlen, "%s is not a directory (an index is a directory)", dir);
        store_close(st);
        return BS_ERROR;
    }

    /* the meta pages, by pread: a truncated file or a meta page LMDB would
     * trust into a fault is told here, before anything is mapped */
    int rc = store_check_meta(dir, errbuf, errlen);
    if (rc != BS_OK) {
        store_close(st);
        return rc;
    }
    rc = mdb_env_create(&st->env);
    if (rc == 0)
        rc = mdb_env_set_assert(st->env, store_guard_lmdb_assert);
    if (rc == 0)
        rc = mdb_env_set_maxdbs(st->env, MAX_DBS);
    if (rc == 0 && st->rdonly) {
        char data[4096];
        struct stat db;
        snprintf(data, sizeof data, "%s/data.mdb", dir);
        if (stat(data, &db) != 0) {
            set_err(errbuf, errlen, "no index at %s; build one with: blogsearch-index "
                    "--index %s PATH...", dir, dir);
            store_close(st);
            return BS_ENOTFOUND;
        }
    }
    /* A writer writes through a writable map (MDB_WRITEMAP), every writer
     * alike (LMDB asks that processes on one environment not mix the two):
     * no copy of each page it changes, and pages that the kernel keeps in
     * large folios, which a reader maps with far fewer faults than the
     * single pages write(2) leaves (a search at 100,000 posts: 143 page
     * faults instead of 188). The file's length is then the map's size,
     * its blocks only the pages in use (a sparse file). */
#ifdef BS_NO_WRITEMAP
    unsigned writable = 0;          /* a ThreadSanitizer build: CMakeLists.txt */
#else
    unsigned writable = MDB_WRITEMAP;
#endif
    gid_t group = 0;
    int shared = rc == 0 && !st->rdonly && store_shared_dir(dir, &group);
    if (shared)
        share_lock_file(dir, group);
    if (rc == 0)
        rc = mdb_env_open(st->env, dir, st->rdonly ? MDB_RDONLY : writable, 0666);
    if (rc == ENOSPC || rc == EDQUOT || rc == EFBIG) {
        set_err(errbuf, errlen, "%s", store_write_failure(dir, rc, "no room to open it"));
        store_close(st);
        return BS_ERROR;
    }
    if (rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH) {
        set_err(errbuf, errlen, "the index %s is damaged (%s); rebuild it with "
                "blogsearch-index --full", dir, mdb_strerror(rc));
        store_close(st);
        return BS_ECORRUPT;
    }
    if (rc != 0) {
        set_err(errbuf, errlen, "cannot open the index %s: %s", dir, mdb_strerror(rc));
        store_close(st);
        return rc == ENOMEM ? BS_ENOMEM : BS_ERROR;
    }
    int data_fd;
    struct stat fs;
    if (shared && mdb_env_get_fd(st->env, &data_fd) == 0)
        store_share_file(data_fd, group, S_IRGRP);
    /* what the index is, for store_replaced: the directory as it was found
     * before opening, and the very data.mdb opened */
    st->dir_dev = sb.st_dev;
    st->dir_ino = sb.st_ino;
    if (mdb_env_get_fd(st->env, &data_fd) == 0 && fstat(data_fd, &fs) == 0) {
        st->data_dev = fs.st_dev;
        st->data_ino = fs.st_ino;
    }
    map_info(st);
    /* the first read of the pages: a damaged index faults here as anywhere;
     * after a fault the environment is abandoned (guard.c) */
    store_guard g;
    store_guard_push(&g);
    if (sigsetjmp(g.jb, 1) != 0)
        return store_guard_fault(&g, st, dir, errbuf, errlen);
    rc = open_dbs(st);
    store_guard_pop(&g);
    if (rc != BS_OK) {
        set_err(errbuf, errlen, "%s", store_err());
        store_close(st);
        return rc;
    }
    *out = st;
    return BS_OK;
}

void store_close(store *st)
{
    if (!st)
        return;
    if (st->env && !st->unmapped)
        mdb_env_close(st->env);
    free(st->dir);
    free(st);
}

uint64_t store_mapsize(const store *st)
{
    MDB_envinfo info;
    mdb_env_info(st->env, &info);
    return (uint64_t)info.me_mapsize;
}

uint64_t store_used_bytes(const store *st)
{
    MDB_envinfo info;
    MDB_stat s;
    mdb_env_info(st->env, &info);
    mdb_env_stat(st->env, &s);
    return ((uint64_t)info.me_last_pgno + 1) * s.ms_psize;
}

/* Through the writable map every page a run writes (or reads) stays in the
 * process's page tables, counted in its resident memory, until the map is
 * closed: a run that writes a 3 GB index would end with 3 GB resident.
 * MADV_DONTNEED on a shared file mapping only takes the pages out of the
 * page tables: their contents, written or not yet, stay in the page cache
 * (a dirty page is marked dirty there, and written back by the kernel as
 * any other), and the next access maps the same bytes again, as madvise(2)
 * says ("repopulating the memory contents from the up-to-date contents of
 * the underlying mapped file"). So it changes no byte that LMDB reads or
 * writes, and nothing of what a commit makes durable (msync at the commit
 * writes the file's dirty pages, mapped or not); pointers LMDB holds into
 * the map stay valid. The kernel may write or drop those pages whenever it
 * needs the memory, as it may without this call. */
void store_release_pages(store *st)
{
    /* LMDB tells a map's address only for a fixed map (mdb_env_info's
     * me_mapaddr): the process's mappings of the data.mdb opened are found
     * by its device and inode */
    FILE *f = fopen("/proc/self/maps", "re");
    if (!f)
        return;                      /* no /proc: the pages stay, as before */
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi, off, ino;
        unsigned maj, min;
        if (sscanf(line, "%lx-%lx %*s %lx %x:%x %lu", &lo, &hi, &off, &maj, &min, &ino) == 6
            && ino == (unsigned long)st->data_ino && makedev(maj, min) == st->data_dev
            && hi > lo)
            madvise((void *)lo, hi - lo, MADV_DONTNEED);   /* advice: may fail */
        size_t n = strlen(line);
        while (n && line[n - 1] != '\n' && fgets(line, sizeof line, f))
            n = strlen(line);        /* the rest of a longer line */
    }
    fclose(f);
}

int store_set_mapsize(store *st, uint64_t bytes)
{
    if (bytes <= store_mapsize(st))
        return BS_OK;
    /* a failure here (EFBIG from ftruncate under ulimit -f) leaves LMDB's
     * map unmapped and its size the new one: mdb_env_close would unmap that
     * many bytes from the old address, whatever lies there now, so the
     * environment is abandoned instead (store_close) */
    int rc = mdb_env_set_mapsize(st->env, (size_t)bytes);
    if (rc == 0)
        map_info(st);
    else
        st->unmapped = 1;
    return rc == 0 ? BS_OK : store_fail(st, rc, "growing the index map");
}

int store_get_stats(store *st, MDB_txn *txn, store_stats *s)
{
    MDB_val k = { 5, "stats" }, v;
    memset(s, 0, sizeof *s);
    s->next_docid = 1;
    int rc = mdb_get(txn, st->meta, &k, &v);
    if (rc == MDB_NOTFOUND)
        return BS_OK;
    if (rc != 0)
        return store_fail(st, rc, "reading the index statistics");
    const uint8_t *p = v.mv_data, *end = p + v.mv_size;
    int bad = codec_get_varint(&p, end, &s->ndocs) || codec_get_varint(&p, end, &s->next_docid)
              || s->next_docid == 0 || s->next_docid > (uint64_t)UINT32_MAX + 1;
    for (int f = 0; f < BS_NFIELDS && !bad; f++)
        bad = codec_get_varint(&p, end, &s->lensum[f]);
    if (bad || p != end) {
        snprintf(store_err(), STORE_ERRLEN, "the index %s is damaged (meta \"stats\" does "
                 "not decode); rebuild it with blogsearch-index --full", st->dir);
        return BS_ECORRUPT;
    }
    return BS_OK;
}

int store_put_stats(store *st, MDB_txn *txn, const store_stats *s)
{
    txt_buf b = { 0 };
    buf_put_varint(&b, s->ndocs);
    buf_put_varint(&b, s->next_docid);
    for (int f = 0; f < BS_NFIELDS; f++)
        buf_put_varint(&b, s->lensum[f]);
    if (b.err) {
        buf_free(&b);
        return BS_ENOMEM;
    }
    MDB_val k = { 5, "stats" }, v = { b.len, b.p };
    int rc = mdb_put(txn, st->meta, &k, &v, 0);
    buf_free(&b);
    return rc == 0 ? BS_OK : store_fail(st, rc, "writing the index statistics");
}

int store_read_text(store *st, MDB_txn *txn, uint32_t docid, uint64_t body_bytes, txt_buf *out)
{
    MDB_cursor *c;
    uint8_t k6[6];
    txt_buf z = { 0 };
    key_text(k6, docid, 0);
    MDB_val k = { 6, k6 }, v;
    buf_reset(out);
    buf_put(out, "", 0);
    if (body_bytes == 0)
        return out->err ? BS_ENOMEM : BS_OK;
    if (body_bytes > ((uint64_t)1 << 32)) {
        snprintf(store_err(), STORE_ERRLEN, "the index %s is damaged (the text of post %u "
                 "is %llu bytes); rebuild it with blogsearch-index --full", st->dir, docid,
                 (unsigned long long)body_bytes);
        return BS_ECORRUPT;
    }
    int rc = mdb_cursor_open(txn, st->texts, &c);
    if (rc != 0)
        return store_fail(st, rc, "reading a post's text");
    for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size != 6 || codec_get_u32be(k.mv_data) != docid)
            break;
        buf_put(&z, v.mv_data, v.mv_size);
    }
    mdb_cursor_close(c);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        buf_free(&z);
        return store_fail(st, rc, "reading a post's text");
    }
    char *dst = buf_reserve(out, (size_t)body_bytes);
    if (!dst || z.err) {
        buf_free(&z);
        return BS_ENOMEM;
    }
    size_t n = ZSTD_decompress(dst, (size_t)body_bytes, z.p, z.len);
    buf_free(&z);
    if (ZSTD_isError(n) || n != body_bytes) {
        snprintf(store_err(), STORE_ERRLEN, "the index %s is damaged (the text of post %u "
                 "does not decompress); rebuild it with blogsearch-index --full", st->dir, docid);
        return BS_ECORRUPT;
    }
    out->len = n;
    out->p[n] = '\0';
    return BS_OK;
}

void store_lens_done(lens_cache *c)
{
    if (c->cur)
        mdb_cursor_close(c->cur);   /* a read-only transaction does not close it */
    memset(c, 0, sizeof *c);
}

void store_lens_encode(uint8_t *p, const lens_entry *e)
{
    uint64_t d = (uint64_t)e->date;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(d >> (56 - 8 * i));
    for (int f = 0; f < BS_NFIELDS; f++) {
        p[8 + 2 * f] = (uint8_t)(e->len[f] >> 8);
        p[9 + 2 * f] = (uint8_t)e->len[f];
    }
}

static void lens_decode(const uint8_t *p, lens_entry *e)
{
    e->date = (int64_t)codec_get_u64be(p);
    for (int f = 0; f < BS_NFIELDS; f++)
        e->len[f] = (uint16_t)(p[8 + 2 * f] << 8 | p[9 + 2 * f]);
}

int store_lens_get(store *st, MDB_txn *txn, lens_cache *c, uint32_t docid, lens_entry *e)
{
    uint32_t chunk = docid / LENS_PER_CHUNK;
    if (!c->valid || c->chunk != chunk) {
        uint8_t k4[4];
        key_docid(k4, chunk);
        MDB_val k = { 4, k4 }, v;
        int rc = -1;
        if (c->cur && c->valid && c->p && chunk == c->chunk + 1) {
            /* the next chunk is most often the next key: a step, not a search */
            MDB_val nk;
            if (mdb_cursor_get(c->cur, &nk, &v, MDB_NEXT) == 0 && nk.mv_size == 4
                && codec_get_u32be(nk.mv_data) == chunk)
                rc = 0;
        }
        if (rc != 0) {
            rc = c->cur ? 0 : mdb_cursor_open(txn, st->lens, &c->cur);
            if (rc == 0)
                rc = mdb_cursor_get(c->cur, &k, &v, MDB_SET_KEY);
        }
        if (rc != 0 && rc != MDB_NOTFOUND)
            return store_fail(st, rc, "reading post lengths");
        c->chunk = chunk;
        c->valid = 1;
        c->p = rc == 0 ? v.mv_data : NULL;
        c->len = rc == 0 ? v.mv_size : 0;
    }
    size_t off = (size_t)(docid % LENS_PER_CHUNK) * LENS_ENTRY_BYTES;
    if (!c->p || c->len != (size_t)LENS_PER_CHUNK * LENS_ENTRY_BYTES)
        return c->p ? BS_ECORRUPT : BS_ENOTFOUND;
    /* an entry never written or cleared is all zero bytes; a post's entry
     * never is (no date is LENS_NO_DATE, and a title has at least a word) */
    static const uint8_t zero[LENS_ENTRY_BYTES];
    if (memcmp(c->p + off, zero, LENS_ENTRY_BYTES) == 0)
        return BS_ENOTFOUND;
    lens_decode(c->p + off, e);
    return BS_OK;
}

int store_tag_ids(store *st, MDB_txn *txn, uint64_t *n)
{
    MDB_cursor *cur;
    *n = 0;
    int rc = mdb_cursor_open(txn, st->tagids, &cur);
    if (rc != 0)
        return store_fail(st, rc, "reading tag ids");
    uint8_t past = TAGID_BY_ID + 1;         /* the first key after the ids */
    MDB_val k = { 1, &past }, v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    rc = rc == 0 ? mdb_cursor_get(cur, &k, &v, MDB_PREV) : mdb_cursor_get(cur, &k, &v, MDB_LAST);
    if (rc == 0 && k.mv_size == 5 && *(const uint8_t *)k.mv_data == TAGID_BY_ID)
        *n = (uint64_t)codec_get_u32be((const uint8_t *)k.mv_data + 1) + 1;
    mdb_cursor_close(cur);
    return rc == 0 || rc == MDB_NOTFOUND ? BS_OK : store_fail(st, rc, "reading tag ids");
}
