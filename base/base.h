/* buf.h: a growable byte buffer with a sticky error, shared by every module
 * that builds bytes: the codec, the post reader, markup conversion. */
#ifndef BS_BUF_H
#define BS_BUF_H

#include <stddef.h>

/* p is NUL-terminated whenever cap > 0. After an allocation failure err is
 * set and every later call does nothing, so code appends straight through
 * and checks err once. Zero-initialize to start. */
typedef struct {
    char *p;
    size_t len;      /* bytes, not counting the NUL */
    size_t cap;      /* bytes allocated */
    int err;         /* 1 after an allocation failure */
} txt_buf;

void buf_put(txt_buf *b, const void *s, size_t n);
void buf_putc(txt_buf *b, char c);
void buf_puts(txt_buf *b, const char *s);
void buf_reset(txt_buf *b);     /* len = 0, keeps the memory */
void buf_truncate(txt_buf *b, size_t len);   /* len = min(len, b->len) */
/* Room for n more bytes: returns where they go (the caller writes them and
 * adds what it wrote to len), or NULL after an allocation failure. */
char *buf_reserve(txt_buf *b, size_t n);
void buf_free(txt_buf *b);
/* A growable array's next size: returns v reallocated to twice *cap
 * elements (first when *cap is 0) of size bytes and sets *cap, or NULL
 * when out of memory or too big, with v untouched. */
void *grow_array(void *v, size_t *cap, size_t first, size_t size);
/* Appends s (len bytes of UTF-8) as a JSON string, quotes included. */
void buf_put_json(txt_buf *b, const char *s, size_t len);

#endif
