/* front.h: a post's front matter (the header of key: value pairs a static
 * site generator reads before the body) parsed into a value tree (base's
 * view): an object whose members keep the header's order, with strings,
 * numbers, booleans, nulls, arrays and objects below. Dates stay strings,
 * as written; post.c reads them. One file a language: yaml.c (through
 * libyaml), toml.c, json.c (through jansson). Private to the indexer. */
#ifndef BS_INDEXER_FRONT_H
#define BS_INDEXER_FRONT_H

#include <stddef.h>

#include "base/base.h"

typedef struct {
    unsigned line;      /* 1-based line of the problem in the text given, 0 if none */
    char msg[256];      /* valid UTF-8: what is wrong */
} front_error;

/* YAML: s is the text between the "---" lines, one document. Scalars are
 * typed as YAML 1.1 resolves plain scalars (null, booleans, integers,
 * floats; everything else, dates included, a string); aliases take their
 * anchor's value. Returns 0 and *root an object (an empty one when the
 * header is empty), or 1 after a problem that loses nothing else (a
 * duplicate key, whose last value is kept) with e set. On a syntax error, or
 * a header that is not a mapping, returns -1 with e set and *root the object
 * of what was read before it; *root is NULL only when out of memory. */
int front_yaml(const char *s, size_t len, view *v, vnode **root, front_error *e);

/* TOML: s is the text between the "+++" lines. Returns 0 and *root an
 * object; on a syntax error -1 with e set and *root the object of what was
 * read before it (NULL only when out of memory). */
int front_toml(const char *s, size_t len, view *v, vnode **root, front_error *e);

#endif
