/* test_readers.c: readers killed in the middle of a search never wedge the
 * index. A web server kills a CGI whose client went away (a search box that
 * searches as one types makes that common); each such process leaves its
 * LMDB reader slot behind, and LMDB reclaims those only when no process has
 * the index open. Here 200 readers (more than LMDB's 126 slots) are killed
 * with SIGKILL inside a read transaction while this process keeps the index
 * open; then searches must work: in a new process (store_open, as the CLI and
 * the CGI), through a library handle opened before the kills, and in this
 * process's store. And a killed reader's old snapshot must not keep the
 * pages it saw from being used again: a value rewritten 40 times, with such
 * a reader dead from the start, leaves the map about as large as once.
 * The readers are this program run again (fork and exec): "reader DIR" opens
 * the index, begins a read transaction, says so on stdout and waits;
 * "search DIR" searches it through the public API and exits 0 on a hit. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "blogsearch.h"
#include "store/store.h"
#include "test.h"

#define KILLS 200

static int reader_main(const char *dir)
{
    store *st;
    MDB_txn *txn;
    char err[1024];
    if (store_open(&st, dir, STORE_RDONLY, err, sizeof err) != BS_OK
        || store_txn_begin(st, MDB_RDONLY, &txn) != BS_OK)
        return 2;
    MDB_val k = { 6, "format" }, v;
    if (mdb_get(txn, st->meta, &k, &v) != 0)
        return 2;
    if (write(STDOUT_FILENO, "r", 1) != 1)
        return 2;
    for (;;)
        pause();             /* killed here, its transaction open */
}

static int search_main(const char *dir)
{
    bs_index *ix;
    bs_results *r;
    if (bs_index_open(&ix, dir, BS_OPEN_RDONLY) != BS_OK) {
        fprintf(stderr, "search: %s\n", bs_errmsg());
        return 2;
    }
    int rc = bs_search(ix, "docker", NULL, &r);
    if (rc != BS_OK)
        fprintf(stderr, "search: %s\n", bs_errmsg());
    int found = rc == BS_OK && bs_results_total(r) == 1;
    bs_results_free(r);
    bs_index_close(ix);
    return found ? 0 : 1;
}

/* Runs this program as "MODE DIR"; with out, its stdout is a pipe read
 * through *out. Returns the child's pid, or -1. */
static pid_t spawn(const char *mode, const char *dir, int *out)
{
    int fd[2];
    if (out && pipe(fd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        if (out) {
            dup2(fd[1], STDOUT_FILENO);
            close(fd[0]);
            close(fd[1]);
        }
        execl("/proc/self/exe", "test_readers", mode, dir, (char *)NULL);
        _exit(127);
    }
    if (out) {
        close(fd[1]);
        *out = fd[0];
    }
    return pid;
}

/* Starts a reader, waits until its transaction is open, kills it. */
static int kill_a_reader(const char *dir)
{
    int fd;
    char c;
    pid_t pid = spawn("reader", dir, &fd);
    if (pid < 0)
        return -1;
    ssize_t n;
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    close(fd);
    kill(pid, SIGKILL);
    int status;
    waitpid(pid, &status, 0);
    return n == 1 && WIFSIGNALED(status) ? 0 : -1;
}

static int run_search(const char *dir)
{
    int status;
    pid_t pid = spawn("search", dir, NULL);
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_post(const char *dir)
{
    bs_index *ix;
    bs_writer *w;
    CHECK(bs_index_open(&ix, dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK, "create: %s",
          bs_errmsg());
    bs_post p = BS_POST_INIT;
    p.path = "posts/docker.md";
    p.title = "Docker";
    p.body = "Контейнеры docker запускаются быстро.";
    p.body_len = strlen(p.body);
    CHECK(bs_writer_open(&w, ix) == BS_OK && bs_writer_put(w, &p) == BS_OK
          && bs_writer_commit(w) == BS_OK, "a post: %s", bs_errmsg());
    bs_writer_close(w);
    bs_index_close(ix);
}

/* Puts a value of bytes into the meta table in a write transaction. */
static int put_big(store *st, const char *key, size_t bytes, int fill)
{
    MDB_txn *txn;
    if (store_txn_begin(st, 0, &txn) != BS_OK)
        return -1;
    char *v = malloc(bytes);
    if (!v) {
        mdb_txn_abort(txn);
        return -1;
    }
    memset(v, fill, bytes);
    MDB_val k = { strlen(key), (void *)key }, val = { bytes, v };
    int rc = mdb_put(txn, st->meta, &k, &val, 0);
    free(v);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return -1;
    }
    return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

static void test_kills(const char *dir)
{
    char err[1024];
    store *held;
    bs_index *early;
    /* this process holds the index open all along, as a resident FastCGI
     * or the indexer would; the library handle searches only after */
    CHECK(store_open(&held, dir, STORE_RDONLY, err, sizeof err) == BS_OK, "hold: %s", err);
    CHECK(bs_index_open(&early, dir, BS_OPEN_RDONLY) == BS_OK, "early: %s", bs_errmsg());
    int killed = 0;
    for (int i = 0; i < KILLS; i++)
        killed += kill_a_reader(dir) == 0;
    CHECK(killed == KILLS, "%d of %d readers killed inside their transaction", killed, KILLS);
    CHECK(run_search(dir) == 0, "a search in a new process after %d killed readers", KILLS);
    bs_results *r = NULL;
    CHECK(bs_search(early, "docker", NULL, &r) == BS_OK && bs_results_total(r) == 1,
          "a search through a handle opened before the kills: %s", bs_errmsg());
    bs_results_free(r);
    MDB_txn *txn;
    CHECK(store_txn_begin(held, MDB_RDONLY, &txn) == BS_OK, "a read in the holding process: "
          "%s", store_err());
    mdb_txn_abort(txn);
    /* and again: the slots freed by the searches above are free again */
    for (int i = 0; i < KILLS; i++)
        kill_a_reader(dir);
    CHECK(run_search(dir) == 0, "a search after %d more killed readers", KILLS);
    bs_index_close(early);
    store_close(held);
}

static void test_pages_reused(const char *dir)
{
    char err[1024];
    store *st;
    CHECK(store_open(&st, dir, 0, err, sizeof err) == BS_OK, "open to write: %s", err);
    if (!st)
        return;
    enum { BIG = 1 << 20, ROUNDS = 40 };
    CHECK(put_big(st, "big", BIG, 'a') == 0, "a value of 1 MB");
    uint64_t once = store_used_bytes(st);
    /* a reader of this snapshot dies; the writer goes on rewriting */
    CHECK(kill_a_reader(dir) == 0, "a reader killed on the first snapshot");
    for (int i = 0; i < ROUNDS; i++)
        put_big(st, "big", BIG, 'b' + i % 20);
    uint64_t after = store_used_bytes(st);
    CHECK(after < once + 4 * (uint64_t)BIG, "%d rewrites of 1 MB with a dead reader: the map "
          "in use went from %llu to %llu bytes", ROUNDS, (unsigned long long)once,
          (unsigned long long)after);
    store_close(st);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "reader") == 0)
        return reader_main(argv[2]);
    if (argc == 3 && strcmp(argv[1], "search") == 0)
        return search_main(argv[2]);
    char dir[] = "/tmp/bs-test-readers-XXXXXX", ix[300];
    if (!mkdtemp(dir))
        return 1;
    snprintf(ix, sizeof ix, "%s/ix", dir);
    write_post(ix);
    test_kills(ix);
    test_pages_reused(ix);
    CHECK(test_rmtree(dir) == 0, "clean up");
    return test_report("test_readers");
}
