/* test.h: the few macros every blogsearch unit test uses. A failed check
 * prints file:line and what was expected; main() ends with test_report(),
 * which prints "N passed, N failed" and gives the exit status. */
#ifndef BS_TEST_H
#define BS_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK_AT(file, line, cond, ...)                                        \
    do {                                                                       \
        if (cond) {                                                            \
            test_passed++;                                                     \
        } else {                                                               \
            test_failed++;                                                     \
            fprintf(stderr, "%s:%d: check failed: ", (file), (line));          \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
        }                                                                      \
    } while (0)

#define CHECK(cond, ...) CHECK_AT(__FILE__, __LINE__, cond, __VA_ARGS__)

#define CHECK_STR(got, want, ...)                                              \
    CHECK(strcmp((got), (want)) == 0, "got \"%s\", want \"%s\" (%s)",          \
          (got), (want), __VA_ARGS__)

/* Removes a test's scratch directory (made by mkdtemp) and all in it. */
static inline int test_rmtree(const char *dir)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

/* The next of a fixed sequence of random numbers (xorshift64*): tests that
 * try many inputs give the same ones on every run. *state never 0. */
static inline uint64_t test_rng(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Du;
}

/* The whole of a file, NUL-terminated, in memory the caller frees, and its
 * length in bytes in *len; NULL when it cannot be read. */
static inline char *test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *p = malloc(cap);
    for (size_t got; p && (got = fread(p + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    if (p && ferror(f)) {
        free(p);
        p = NULL;
    }
    fclose(f);
    if (p) {
        p[n] = '\0';
        *len = n;
    }
    return p;
}

static inline int test_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
    return test_failed ? 1 : 0;
}

#endif
