/* blog.h: what the API tests of a small blog written from memory share
 * (test_correct.c, test_like.c): a scratch directory, an index made in it
 * through the public writer, one post at a time, and its removal. */
#ifndef BS_TEST_BLOG_H
#define BS_TEST_BLOG_H

#include <blogsearch.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test.h"

typedef struct {
    char root[64];            /* the scratch directory */
    char dir[128];            /* the index in it */
    bs_index *ix;
    bs_writer *w;
} test_blog;

/* Makes the scratch directory (name: bs-test-NAME) and a writer on a new
 * index there; 0, or -1 when that fails (said). */
static inline int blog_begin(test_blog *b, const char *name)
{
    snprintf(b->root, sizeof b->root, "/tmp/bs-test-%s-XXXXXX", name);
    if (!mkdtemp(b->root)) {
        perror("mkdtemp");
        return -1;
    }
    snprintf(b->dir, sizeof b->dir, "%s/index", b->root);
    b->ix = NULL;
    b->w = NULL;
    CHECK(bs_index_open(&b->ix, b->dir, BS_OPEN_WRITE | BS_OPEN_CREATE) == BS_OK,
          "create: %s", bs_errmsg());
    CHECK(b->ix && bs_writer_open(&b->w, b->ix) == BS_OK, "writer: %s", bs_errmsg());
    return b->w ? 0 : -1;
}

/* Commits what was put, and opens the index read-only in b->ix. */
static inline void blog_commit(test_blog *b)
{
    if (b->w) {
        CHECK(bs_writer_commit(b->w) == BS_OK, "commit: %s", bs_errmsg());
        bs_writer_close(b->w);
        b->w = NULL;
    }
    bs_index_close(b->ix);
    b->ix = NULL;
    CHECK(bs_index_open(&b->ix, b->dir, BS_OPEN_RDONLY) == BS_OK, "open: %s", bs_errmsg());
}

static inline int blog_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void blog_end(test_blog *b)
{
    if (b->w)
        bs_writer_close(b->w);
    bs_index_close(b->ix);
    nftw(b->root, blog_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
