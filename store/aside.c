/* aside.c: an index directory written beside its place and put there in
 * one rename, as a snapshot is (snapshot.c) and as a rebuild of a damaged
 * index is (blogsearch-index --full): readers see the directory before or
 * after, and the lock.mdb of each data.mdb stays its own. Paths, modes and
 * renames only; nothing of LMDB's. */
#define _GNU_SOURCE                /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

int store_join(char buf[STORE_PATH_BYTES], const char *dir, const char *name)
{
    int n = snprintf(buf, STORE_PATH_BYTES, "%s/%s", dir, name);
    return n > 0 && n < STORE_PATH_BYTES ? 0 : -1;
}

int store_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int store_remove_index_dir(const char *dir)
{
    static const char *const files[] = { "data.mdb", "lock.mdb" };
    char path[STORE_PATH_BYTES];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (store_join(path, dir, files[i]) == 0 && unlink(path) != 0 && errno != ENOENT)
            return -1;
    return rmdir(dir);
}

int store_path_beside(const char *dst, const char *suffix, char target[STORE_PATH_BYTES],
                      char parent[STORE_PATH_BYTES], char tmp[STORE_PATH_BYTES])
{
    size_t n = strlen(dst), sn = strlen(suffix);
    while (n > 1 && dst[n - 1] == '/')
        n--;                    /* snap/ is snap */
    if (n == 0 || n + sn + 1 > STORE_PATH_BYTES)
        return -1;
    memcpy(target, dst, n);
    target[n] = '\0';
    const char *slash = strrchr(target, '/');
    if (!slash)
        snprintf(parent, STORE_PATH_BYTES, ".");
    else
        snprintf(parent, STORE_PATH_BYTES, "%.*s", slash == target ? 1 : (int)(slash - target),
                 target);
    memcpy(tmp, target, n);
    memcpy(tmp + n, suffix, sn + 1);
    return 0;
}

void store_dir_like(const char *dir, const struct stat *like)
{
    /* the group first: a set-group-ID bit given to a directory of another
     * group would not hold. Either may be refused; the copy goes on. */
    (void)!chown(dir, (uid_t)-1, like->st_gid);
    (void)!chmod(dir, like->st_mode & 07777);
}

int store_swap_dirs(const char *tmp, const char *dst, char *kept, size_t keptlen)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_EXCHANGE) != 0)
        return -1;
    kept[0] = '\0';
    if (store_remove_index_dir(tmp) != 0)
        snprintf(kept, keptlen, "%s", tmp);
    return 0;
}
