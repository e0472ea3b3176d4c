/* sample_index.c: fuzz.h's index of the sample posts, built by the real
 * walk and writer, as tests/web/test_web.c builds it. A run that crashed
 * could not remove its scratch directory: each is named with its process's
 * id, and those of processes gone are removed at startup. */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "fuzz.h"
#include "indexer/indexer.h"

static char scratch[64];

static void rmtree(const char *path)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", path);
}

static void remove_scratch(void)
{
    if (scratch[0])
        rmtree(scratch);
}

/* Removes the scratch directories under tmp of processes that are gone. */
static void remove_stale(const char *tmp)
{
    char pat[64];
    glob_t g;
    snprintf(pat, sizeof pat, "%s/bs-fuzz-*-*", tmp);
    if (glob(pat, GLOB_NOSORT, NULL, &g) != 0)
        return;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        long pid = strtol(strrchr(g.gl_pathv[i], '/') + strlen("/bs-fuzz-"), NULL, 10);
        if (pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH)
            rmtree(g.gl_pathv[i]);
    }
    globfree(&g);
}

void fuzz_sample_index(char dir[64], char index[80])
{
    const char *tmp = getenv("TMPDIR") && strlen(getenv("TMPDIR")) < 32 ? getenv("TMPDIR")
                                                                       : "/tmp";
    remove_stale(tmp);
    snprintf(scratch, sizeof scratch, "%s/bs-fuzz-%ld-XXXXXX", tmp, (long)getpid());
    if (!mkdtemp(scratch))
        fuzz_fail("mkdtemp %s failed", scratch);
    atexit(remove_scratch);
    snprintf(dir, 64, "%s", scratch);
    snprintf(index, 80, "%s/index", scratch);

    char *roots[] = { BS_FUZZ_SOURCE_DIR "/data/samples" }, err[1024];
    walk_list list;
    writer_summary sum;
    writer_opts wo = { .url_prefix = "/posts/", .max_file_bytes = 1 << 20, .mem_limit = 1 << 20 };
    if (walk_paths(&list, roots, 1, NULL, NULL) != 0)
        fuzz_fail("walk %s failed", roots[0]);
    if (writer_run(index, &list, &wo, &sum, err, sizeof err) != BS_OK || sum.added < 40)
        fuzz_fail("indexing %s: %s (%zu posts)", roots[0], err, sum.added);
    walk_free(&list);
}
