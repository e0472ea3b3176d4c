/* fuzz.h: what the libFuzzer targets of tests/fuzz/ share: failing so that
 * libFuzzer keeps the input (an abort, with the reason on stderr), the
 * UTF-8 check every text blogsearch prints must pass, and the index of the
 * sample posts (data/samples) that the CGI and damaged-index targets build
 * once at startup in a scratch directory, removed at exit. */
#ifndef BS_FUZZ_H
#define BS_FUZZ_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Reports what broke and aborts: libFuzzer writes the input as a crash-*
 * file (-artifact_prefix) and stops. */
__attribute__((format(printf, 1, 2), noreturn))
static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fuzz: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    abort();
}

/* Fails unless the len bytes at s, named what, are valid UTF-8. */
static inline void fuzz_utf8(const char *what, const char *s, size_t len)
{
    if (len && !utf8_valid(s, len)) {
        fprintf(stderr, "fuzz: %s is not valid UTF-8 (%zu bytes):\n", what, len);
        fwrite(s, 1, len < 2000 ? len : 2000, stderr);
        fputc('\n', stderr);
        abort();
    }
}

/* The input as a NUL-terminated string (its NUL bytes end it), malloc'd. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        fuzz_fail("out of memory");
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The input cut at its NUL bytes into fields, each a malloc'd string
 * (fuzz_fields_free frees them): fuzz_field gives the next, NULL when the
 * input is used up or the fields are as many as are kept. */
typedef struct {
    const uint8_t *p, *end;
    int done;
    char *v[8];
    size_t n;
} fuzz_fields;

static inline const char *fuzz_field(fuzz_fields *f)
{
    if (f->done || f->n == sizeof f->v / sizeof f->v[0])
        return NULL;
    const uint8_t *nul = memchr(f->p, 0, (size_t)(f->end - f->p));
    size_t n = nul ? (size_t)(nul - f->p) : (size_t)(f->end - f->p);
    char *s = fuzz_cstr(f->p, n);
    if (nul)
        f->p = nul + 1;
    else
        f->done = 1;
    return f->v[f->n++] = s;
}

static inline void fuzz_fields_free(fuzz_fields *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i]);
    f->n = 0;
}

/* Builds the index of data/samples in a new scratch directory, whose path
 * (the directory; the index is its "index") is written to dir; the
 * directory is removed at exit. Fails on any error. */
void fuzz_sample_index(char dir[64], char index[80]);

#endif
