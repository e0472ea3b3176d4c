/* front.h: a post's front matter (the header of key: value pairs a static
 * site generator reads before the body) parsed into a value tree (base's
 * view), one section per file: YAML (yaml.c, through libyaml), TOML
 * (toml.c), JSON (json.c, through jansson), and what they use to say what
 * is wrong (error.c). Private to the indexer: post.c takes a post's fields
 * from the tree; nothing here knows which keys a post has.
 *
 * The tree: an object whose members keep the header's order, with strings
 * (valid UTF-8), numbers (64-bit integers as vn_int, others doubles),
 * booleans, nulls (not in TOML), arrays and objects below. Dates stay
 * strings, as written; post.c reads them. */
#ifndef BS_INDEXER_FRONT_H
#define BS_INDEXER_FRONT_H

#include <stddef.h>

#include "base/base.h"

/* ---- what error.c offers -------------------------------------------------- */

typedef struct {
    unsigned line;      /* 1-based line of the problem in the text given, 0 if none */
    char msg[256];      /* valid UTF-8, what is wrong, quoting at most a few characters */
} front_error;

/* Sets e: line, and the message made by fmt (printf's), cut at the last
 * whole UTF-8 character that fits (fmt and its strings are UTF-8). */
void front_fail(front_error *e, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The line of at in the text that starts at s: 1 + the newlines before it. */
unsigned front_line(const char *s, const char *at);

/* Room for what front_quote writes. */
#define FRONT_QUOTE_SIZE 64

/* Writes the first characters of [p, end) (12 at most) into buf between
 * double quotes, followed by "…" when there were more, and returns buf:
 * valid UTF-8 whatever the bytes, a byte that is not UTF-8 or a control
 * character written \xNN (\n, \t and \r as such). An empty range is
 * written as the words "the end of the text". */
const char *front_quote(char buf[FRONT_QUOTE_SIZE], const char *p, const char *end);

/* ---- what yaml.c offers --------------------------------------------------- */

/* YAML: s is the text between the "---" lines, one document. Scalars are
 * typed as YAML 1.1 resolves plain scalars (null, booleans, integers,
 * floats; everything else, dates included, a string); aliases take their
 * anchor's value. Returns 0 and *root an object (an empty one when the
 * header is empty), or 1 after a problem that loses nothing else (a
 * duplicate key, whose last value is kept) with e set. On a syntax error, or
 * a header that is not a mapping, returns -1 with e set and *root the object
 * of what was read before it; *root is NULL only when out of memory. */
int front_yaml(const char *s, size_t len, view *v, vnode **root, front_error *e);

/* ---- what toml.c offers --------------------------------------------------- */

/* TOML 1.0: s (len bytes, not NUL-terminated; the text between a post's
 * "+++" lines, or a whole document such as a config.toml) into a tree made
 * in v. Strings hold no U+0000; inf and nan are doubles (the JSON writer
 * writes them as null). A date or time is a string, its RFC 3339 text as
 * written, except that the separator between date and time (a space, 't')
 * is written 'T' and a 'z' 'Z':
 *   1979-05-27T07:32:00.999+03:00, 1979-05-27T07:32:00Z   offset date-times
 *   1979-05-27T07:32:00                                   a local date-time
 *   1979-05-27                                            a local date
 *   07:32:00.5                                            a local time
 * so that date_parse() reads each of the first three; a string that only
 * looks like a date is the same to a reader of the tree as a date.
 * On success returns 0 and *root is an object. On a syntax error returns -1
 * with e set and *root the object of what was read before the error: every
 * key/value pair that was whole (never NULL unless out of memory, whose
 * message is "out of memory"). What TOML allows and this rejects, with a
 * message: U+0000 in a string or key, keys of more than 64 parts, arrays and
 * inline tables nested deeper than 64; and as TOML asks, an integer beyond
 * 64 bits. A second 60 is refused, as Python's tomllib does. */
int front_toml(const char *s, size_t len, view *v, vnode **root, front_error *e);

/* ---- what json.c offers --------------------------------------------------- */

/* Hugo's JSON front matter, an object opening the file and then the body:
 * parses the object at the start of s (white space before it is skipped);
 * *used = the bytes of s it took, up to and with its closing brace (the body
 * starts after it). Returns 0, or -1 with e set: bad JSON (the line and
 * jansson's reason, its quote cut to a few characters), an array or anything but an object, U+0000, an integer beyond 64
 * bits. After an error *used is 0 and *root an empty object (jansson keeps
 * nothing of a text it rejects), NULL only when out of memory. */
int front_json(const char *s, size_t len, view *v, vnode **root, size_t *used,
               front_error *e);

#endif
