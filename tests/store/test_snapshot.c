/* test_snapshot.c: copies of an index for web nodes (store/snapshot.c).
 * store_snapshot over every kind of destination: missing (with its parents,
 * with a trailing slash), an empty directory, a previous snapshot (replaced),
 * and what it must refuse and leave as it was (the index itself, a file, a
 * link, a directory of other files, a snapshot written to since); no
 * dst.tmp.* is ever left behind; an index of another format version is
 * refused; the copy's directory has the index directory's mode, and a
 * set-group-ID one's files are shared with the group as the index's are,
 * whatever the umask; copies taken while another process
 * commits are each the state of one commit. store_replaced over the ways a
 * copy is swapped in (a link renamed, a directory moved aside, deleted, a
 * data.mdb renamed over) and a commit, which is no swap. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "test.h"

#define POSTS 3              /* the posts the scratch index says it has */

static char root[64];

static void path_of(char out[512], const char *rel)
{
    snprintf(out, 512, "%s/%s", root, rel);
}

/* An index at rel, its statistics saying POSTS posts. */
static int make_index(const char *rel)
{
    char dir[512], err[1024];
    path_of(dir, rel);
    store *st;
    MDB_txn *txn;
    store_stats s = { POSTS, POSTS + 1, { 1, 2, 3, 4 } };
    if (store_open(&st, dir, STORE_CREATE, err, sizeof err) != BS_OK)
        return -1;
    int rc = store_txn_begin(st, 0, &txn) == BS_OK && store_put_stats(st, txn, &s) == BS_OK
             && store_mark_built(st, txn) == BS_OK && mdb_txn_commit(txn) == 0 ? 0 : -1;
    store_close(st);
    return rc;
}

static int snapshot(const char *src_rel, const char *dst_rel, store_snapshot_info *info,
                    char *err, size_t errlen)
{
    char src[512], dst[512];
    path_of(src, src_rel);
    path_of(dst, dst_rel);
    return store_snapshot(src, dst, info, err, errlen);
}

/* The posts an index at rel says it has, when the first nkeys keys of its
 * texts database each hold that number too (a copy made while a writer
 * committed: test_while_writing); else, or when it does not open, -1. */
static long read_index(const char *rel, uint32_t nkeys)
{
    char dir[512], err[1024];
    path_of(dir, rel);
    store *st;
    MDB_txn *txn;
    store_stats s;
    long n = -1;
    if (store_open(&st, dir, STORE_RDONLY, err, sizeof err) != BS_OK)
        return -1;
    if (store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK) {
        int same = store_get_stats(st, txn, &s) == BS_OK;
        for (uint32_t k = 0; k < nkeys && same; k++) {
            uint8_t key[6];
            uint64_t got;
            key_text(key, k, 0);
            MDB_val mk = { 6, key }, mv;
            same = mdb_get(txn, st->texts, &mk, &mv) == 0 && mv.mv_size >= sizeof got
                   && (memcpy(&got, mv.mv_data, sizeof got), got == s.ndocs);
        }
        if (same)
            n = (long)s.ndocs;
        mdb_txn_abort(txn);
    }
    store_close(st);
    return n;
}

static long posts_of(const char *rel)
{
    return read_index(rel, 0);
}

/* Whether a directory below root holds an entry whose name starts with
 * prefix (a dst.tmp.XXXXXX left behind). */
static int left_behind(const char *dir_rel, const char *prefix)
{
    char dir[512];
    path_of(dir, dir_rel);
    DIR *d = opendir(dir);
    int found = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        found |= strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return found;
}

static int exists(const char *rel)
{
    char p[512];
    struct stat sb;
    path_of(p, rel);
    return lstat(p, &sb) == 0;
}

/* ---- what is at the destination ------------------------------------------- */

static int put_nothing(const char *dst) { (void)dst; return 0; }

static int put_empty_dir(const char *dst)
{
    char p[512];
    path_of(p, dst);
    return mkdir(p, 0755);
}

static int put_snapshot(const char *dst)
{
    store_snapshot_info info;
    char err[1024];
    return snapshot("ix", dst, &info, err, sizeof err) == BS_OK ? 0 : -1;
}

/* A snapshot a writer then committed to: an index someone uses now. */
static int put_written_snapshot(const char *dst)
{
    char p[512], err[1024];
    store *st;
    MDB_txn *txn;
    store_stats s = { 7, 8, { 0, 0, 0, 0 } };
    if (put_snapshot(dst) != 0)
        return -1;
    path_of(p, dst);
    if (store_open(&st, p, 0, err, sizeof err) != BS_OK)
        return -1;
    int rc = store_txn_begin(st, 0, &txn) == BS_OK && store_put_stats(st, txn, &s) == BS_OK
             && mdb_txn_commit(txn) == 0 ? 0 : -1;
    store_close(st);
    return rc;
}

/* An empty file at rel, below root. */
static int put_file(const char *rel)
{
    char p[512];
    path_of(p, rel);
    FILE *f = fopen(p, "w");
    return f && fclose(f) == 0 ? 0 : -1;
}

/* A directory holding one empty file of the given name. */
static int put_dir_with(const char *dst, const char *name)
{
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dst, name);
    return put_empty_dir(dst) == 0 ? put_file(p) : -1;
}

static int put_other_files(const char *dst) { return put_dir_with(dst, "notes.txt"); }
static int put_lock_only(const char *dst) { return put_dir_with(dst, "lock.mdb"); }

static int put_link(const char *dst)
{
    char p[512];
    if (put_snapshot("target") != 0)
        return -1;
    path_of(p, dst);
    return symlink("target", p);
}

static const struct {
    int line;
    const char *dst;            /* below root; "ix" is the index */
    int (*put)(const char *dst);
    int rc;                     /* BS_OK, or BS_ERROR: refused */
    int replaced;
    const char *says;           /* on refusal, in the message */
    const char *still;          /* on refusal, what is still there (below root) */
} dests[] = {
#define D(dst, put, rc, replaced, says, still) { __LINE__, dst, put, rc, replaced, says, still }
    D("snap", put_nothing, BS_OK, 0, NULL, NULL),
    D("snap/", put_nothing, BS_OK, 0, NULL, NULL),
    D("a/b/snap", put_nothing, BS_OK, 0, NULL, NULL),          /* parents made */
    D("snap", put_empty_dir, BS_OK, 0, NULL, NULL),            /* renamed over */
    D("snap", put_snapshot, BS_OK, 1, NULL, NULL),             /* swapped out */
    D("snap/", put_snapshot, BS_OK, 1, NULL, NULL),
    D("ix", put_nothing, BS_ERROR, 0, "is the index itself", "ix/data.mdb"),
    D("snap", put_written_snapshot, BS_ERROR, 0, "written to since it was copied",
      "snap/data.mdb"),
    D("snap", put_other_files, BS_ERROR, 0, "no index snapshot", "snap/notes.txt"),
    D("snap", put_lock_only, BS_ERROR, 0, "no index snapshot", "snap/lock.mdb"),
    D("snap", put_file, BS_ERROR, 0, "not a directory", "snap"),
    D("snap", put_link, BS_ERROR, 0, "symbolic link", "target/data.mdb"),
#undef D
};

static void test_destinations(void)
{
    for (size_t i = 0; i < sizeof dests / sizeof dests[0]; i++) {
        int line = dests[i].line;
        snprintf(root, sizeof root, "/tmp/bs-test-snapshot-XXXXXX");
        if (!mkdtemp(root) || make_index("ix") != 0 || dests[i].put(dests[i].dst) != 0) {
            CHECK_AT(__FILE__, line, 0, "setting up %s", dests[i].dst);
            test_rmtree(root);
            continue;
        }
        store_snapshot_info info;
        char err[1024] = "";
        int rc = snapshot("ix", dests[i].dst, &info, err, sizeof err);
        CHECK_AT(__FILE__, line, rc == dests[i].rc, "%s: %d, expected %d (%s)", dests[i].dst,
                 rc, dests[i].rc, err);
        if (rc == BS_OK) {
            CHECK_AT(__FILE__, line, posts_of(dests[i].dst) == POSTS && info.posts == POSTS,
                     "%s: the copy opens with its %d posts", dests[i].dst, POSTS);
            CHECK_AT(__FILE__, line, info.replaced == dests[i].replaced && !info.kept[0],
                     "%s: replaced %d, kept \"%s\"", dests[i].dst, info.replaced, info.kept);
            CHECK_AT(__FILE__, line, info.bytes > 0 && info.src_used_bytes > 0
                     && info.src_file_bytes > 0, "%s: sizes", dests[i].dst);
        } else {
            CHECK_AT(__FILE__, line, dests[i].says && strstr(err, dests[i].says),
                     "%s: the message \"%s\" says \"%s\"", dests[i].dst, err, dests[i].says);
            CHECK_AT(__FILE__, line, exists(dests[i].still), "%s: %s still there",
                     dests[i].dst, dests[i].still);
        }
        /* the last name of dst, without a trailing slash */
        char base[64];
        const char *d = dests[i].dst, *end = d + strlen(d);
        if (end > d && end[-1] == '/')
            end--;
        const char *start = end;
        while (start > d && start[-1] != '/')
            start--;
        snprintf(base, sizeof base, "%.*s", (int)(end - start), start);
        char prefix[80];
        snprintf(prefix, sizeof prefix, "%s.tmp.", base);
        CHECK_AT(__FILE__, line, !left_behind(".", prefix) && !left_behind("a/b", prefix)
                 && !left_behind(".", "ix.tmp."), "%s: a %s* left behind", dests[i].dst,
                 prefix);
        test_rmtree(root);
    }
}

/* ---- the index's version; a shared directory --------------------------------- */

static void test_version(void)
{
    snprintf(root, sizeof root, "/tmp/bs-test-snapshot-XXXXXX");
    CHECK(mkdtemp(root) && make_index("ix") == 0, "set up");
    char ix[512], err[1024];
    path_of(ix, "ix");
    store *st;
    MDB_txn *txn;
    uint8_t v4[4];
    key_docid(v4, BS_FORMAT_VERSION + 1);
    MDB_val k = { 6, "format" }, v = { 4, v4 };
    CHECK(store_open(&st, ix, 0, err, sizeof err) == BS_OK && store_txn_begin(st, 0, &txn)
          == BS_OK && mdb_put(txn, st->meta, &k, &v, 0) == 0 && mdb_txn_commit(txn) == 0,
          "stamp format v+1");
    store_close(st);
    store_snapshot_info info;
    CHECK(snapshot("ix", "snap", &info, err, sizeof err) == BS_EVERSION
          && strstr(err, "--full") && !exists("snap") && !left_behind(".", "snap.tmp."),
          "an index of another version: refused with the rebuild command, no copy: %s", err);
    test_rmtree(root);
}

static int mode_of(const char *rel)
{
    char p[512];
    struct stat sb;
    path_of(p, rel);
    return stat(p, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

/* The copy's directory takes the index directory's mode; in a set-group-ID
 * one its files are the group's whatever the umask, elsewhere the umask's. */
static const struct {
    int line;
    int index_mode, umask;
    int dir, lock, data;         /* the copy's modes */
} modes[] = {
#define M(index_mode, umask, dir, lock, data) { __LINE__, index_mode, umask, dir, lock, data }
    M(02750, 077, 02750, 0660, 0640),
    M(02750, 022, 02750, 0664, 0644),
    M(0700, 022, 0700, 0644, 0644),
    M(0755, 077, 0755, 0600, 0600),
#undef M
};

static void test_modes(void)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        int line = modes[i].line;
        snprintf(root, sizeof root, "/tmp/bs-test-snapshot-XXXXXX");
        char ix[512], err[1024] = "";
        int made = mkdtemp(root) && make_index("ix") == 0;
        path_of(ix, "ix");
        if (!made || chmod(ix, (mode_t)modes[i].index_mode) != 0) {
            CHECK_AT(__FILE__, line, 0, "setting up");
            test_rmtree(root);
            continue;
        }
        mode_t old = umask((mode_t)modes[i].umask);
        store_snapshot_info info;
        int rc = snapshot("ix", "snap", &info, err, sizeof err);
        umask(old);
        CHECK_AT(__FILE__, line, rc == BS_OK, "snapshot: %s", err);
        CHECK_AT(__FILE__, line, mode_of("snap") == modes[i].dir && mode_of("snap/lock.mdb")
                 == modes[i].lock && mode_of("snap/data.mdb") == modes[i].data,
                 "index %o, umask %03o: the copy %o, lock.mdb %o, data.mdb %o; expected %o, "
                 "%o, %o", modes[i].index_mode, modes[i].umask, mode_of("snap"),
                 mode_of("snap/lock.mdb"), mode_of("snap/data.mdb"), modes[i].dir,
                 modes[i].lock, modes[i].data);
        test_rmtree(root);
    }
}

/* ---- copies while another process commits ------------------------------------ */

#define KEYS 3000            /* rewritten by every commit of the writer */

/* The writer: commit after commit, each rewriting every key with its number
 * and the statistics with the same; says "w" on fd after the first. */
static void writer(const char *dir, int fd)
{
    store *st;
    char err[1024];
    if (store_open(&st, dir, 0, err, sizeof err) != BS_OK)
        _exit(2);
    for (uint64_t i = 1;; i++) {
        MDB_txn *txn;
        uint8_t key[6], val[64];
        memset(val, (int)(i & 0xff), sizeof val);
        memcpy(val, &i, sizeof i);
        store_stats s = { i, i + 1, { 0, 0, 0, 0 } };
        if (store_txn_begin(st, 0, &txn) != BS_OK)
            _exit(2);
        for (uint32_t k = 0; k < KEYS; k++) {
            key_text(key, k, 0);
            MDB_val mk = { 6, key }, mv = { sizeof val, val };
            if (mdb_put(txn, st->texts, &mk, &mv, 0) != 0)
                _exit(2);
        }
        if (store_put_stats(st, txn, &s) != BS_OK || store_mark_built(st, txn) != BS_OK
            || mdb_txn_commit(txn) != 0)
            _exit(2);
        if (i == 1 && write(fd, "w", 1) != 1)
            _exit(2);
    }
}

static void test_while_writing(void)
{
    snprintf(root, sizeof root, "/tmp/bs-test-snapshot-XXXXXX");
    CHECK(mkdtemp(root) && make_index("ix") == 0, "set up");
    char ix[512];
    path_of(ix, "ix");
    int fd[2];
    CHECK(pipe(fd) == 0, "pipe");
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        writer(ix, fd[1]);
    }
    close(fd[1]);
    char c;
    CHECK(pid > 0 && read(fd[0], &c, 1) == 1, "the writer committed");
    close(fd[0]);
    long first = 0, last = 0;
    int whole = 1;
    for (int i = 0; i < 20; i++) {
        store_snapshot_info info;
        char err[1024];
        long at;
        if (snapshot("ix", "snap", &info, err, sizeof err) != BS_OK
            || (at = read_index("snap", KEYS)) <= 0 || info.posts != (uint64_t)at) {
            whole = 0;
            CHECK(0, "copy %d: %s", i, err);
            break;
        }
        if (!first)
            first = at;
        last = at;
    }
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    CHECK(whole, "each copy is the state of one commit");
    CHECK(last > first, "the writer went on while the copies were made (commits %ld to %ld)",
          first, last);
    test_rmtree(root);
}

/* ---- store_replaced ------------------------------------------------------------ */

static int run(const char *cmd)
{
    char line[1024];
    snprintf(line, sizeof line, "cd '%s' && %s", root, cmd);
    return system(line) == 0 ? 0 : -1;
}

/* A commit to plain by another process: the same files, no swap. */
static int commit_plain(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        char p[512], err[1024];
        store *st;
        MDB_txn *txn;
        store_stats s = { 9, 10, { 0, 0, 0, 0 } };
        path_of(p, "plain");
        _exit(store_open(&st, p, 0, err, sizeof err) == BS_OK
              && store_txn_begin(st, 0, &txn) == BS_OK && store_put_stats(st, txn, &s) == BS_OK
              && mdb_txn_commit(txn) == 0 ? 0 : 1);
    }
    int status;
    return pid > 0 && waitpid(pid, &status, 0) == pid && status == 0 ? 0 : -1;
}

static int nothing(void) { return 0; }
static int swap_link(void) { return run("ln -s c2 index.tmp && mv -T index.tmp index"); }
static int move_aside(void) { return run("mv plain plain.old && mv c2 plain"); }
static int delete_dir(void) { return run("rm -r plain"); }
static int delete_target(void) { return run("rm -r c1"); }
static int rename_data(void) { return run("mv c2/data.mdb plain/data.mdb"); }

static const struct {
    int line;
    const char *path;            /* what the reader opened: the link, or a directory */
    int (*act)(void);
    int replaced;
} swaps[] = {
#define S(path, act, replaced) { __LINE__, path, act, replaced }
    S("index", nothing, 0),
    S("plain", nothing, 0),
    S("plain", commit_plain, 0),
    S("index", swap_link, 1),
    S("index", delete_target, 1),
    S("plain", move_aside, 1),
    S("plain", delete_dir, 1),
    S("plain", rename_data, 1),
#undef S
};

static void test_replaced(void)
{
    for (size_t i = 0; i < sizeof swaps / sizeof swaps[0]; i++) {
        int line = swaps[i].line;
        snprintf(root, sizeof root, "/tmp/bs-test-snapshot-XXXXXX");
        if (!mkdtemp(root) || make_index("ix") != 0 || put_snapshot("c1") != 0
            || put_snapshot("c2") != 0 || put_snapshot("plain") != 0
            || run("ln -s c1 index") != 0) {
            CHECK_AT(__FILE__, line, 0, "setting up");
            test_rmtree(root);
            continue;
        }
        char p[512], err[1024];
        store *st;
        path_of(p, swaps[i].path);
        CHECK_AT(__FILE__, line, store_open(&st, p, STORE_RDONLY, err, sizeof err) == BS_OK,
                 "open %s: %s", swaps[i].path, err);
        if (!st) {
            test_rmtree(root);
            continue;
        }
        CHECK_AT(__FILE__, line, swaps[i].act() == 0, "the change to %s", swaps[i].path);
        CHECK_AT(__FILE__, line, store_replaced(st) == swaps[i].replaced,
                 "%s: replaced %d, expected %d", swaps[i].path, store_replaced(st),
                 swaps[i].replaced);
        store_close(st);
        /* opened again, what is there now is the one open */
        if (store_open(&st, p, STORE_RDONLY, err, sizeof err) == BS_OK) {
            CHECK_AT(__FILE__, line, !store_replaced(st), "%s opened again", swaps[i].path);
            store_close(st);
        }
        test_rmtree(root);
    }
}

int main(void)
{
    test_destinations();
    test_version();
    test_modes();
    test_while_writing();
    test_replaced();
    return test_report("test_snapshot");
}
