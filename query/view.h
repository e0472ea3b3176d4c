/* view.h: a results page as a small tree of values, written out as JSON
 * (blogsearch --json, blogsearch.cgi) or through an HTML template
 * (blogsearch.cgi). One model, two writers: both formats always show the
 * same things.
 *
 * Nodes live in an arena owned by the view; every string is copied in.
 * Building never fails half-way: on out of memory the view remembers it and
 * view_failed() says so; the builders then return NULL and ignore NULLs.
 *
 * The template language is a subset of Mustache (docs/template.md):
 *   {{name}}            the value, HTML-escaped (& < > " ')
 *   {{{name}}}          the value as it is, for strings flagged VN_HTML
 *                        (such as the marked snippet); any other string is
 *                        still escaped, so a mistaken {{{ }}} cannot inject
 *   {{#name}}...{{/name}}  an array: the inside once per element, with the
 *                        element as the innermost context; an object: once,
 *                        inside it; true, a non-zero number or a non-empty
 *                        string: once; else not at all
 *   {{^name}}...{{/name}}  the inside once when name is missing, null,
 *                        false, 0, "" or an empty array
 *   {{! comment }}
 *   {{.}}               the current element (a string or number in a list)
 * A name is looked up from the innermost context outwards; in a.b.c only a
 * is, then b and c walk down from there. A missing name, null, an array or
 * an object renders as nothing. Numbers print as integers when whole, else
 * with up to 4 decimals, trailing zeros dropped (11.2931, 2.4); a number
 * that is not finite counts as null. Booleans print true/false. Spaces
 * inside a tag are allowed ({{ name }}, {{# list }}); text, line breaks
 * included, is copied as it is. */
#ifndef BS_VIEW_H
#define BS_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "store/buf.h"

typedef enum { VN_NULL, VN_BOOL, VN_NUM, VN_STR, VN_ARR, VN_OBJ } vn_kind;

typedef struct vnode vnode;
typedef struct view view;

/* Node flags */
#define VN_HTML 1u        /* a string already made safe HTML, for {{{ }}} */
#define VN_NOJSON 2u      /* a member the JSON writer leaves out (HTML only) */

view *view_new(void);
void view_free(view *v);
int view_failed(const view *v);       /* 1 after an allocation failed */

vnode *vn_null(view *v);
vnode *vn_bool(view *v, int b);
vnode *vn_num(view *v, double x);
vnode *vn_int(view *v, int64_t x);     /* printed without decimals */
vnode *vn_str(view *v, const char *s, size_t len);  /* s may be NULL if len 0 */
vnode *vn_cstr(view *v, const char *s);  /* NULL gives a null node */
vnode *vn_arr(view *v);
vnode *vn_obj(view *v);

/* Appends to an array; sets an object's member (a new name is appended, in
 * order; an existing one is replaced, keeping its place). Return the
 * container, or NULL when either is NULL, the container is of the other
 * kind, or memory ran out (then nothing is changed). */
vnode *vn_push(view *v, vnode *arr, vnode *item);
vnode *vn_set(view *v, vnode *obj, const char *name, vnode *val);
vnode *vn_flag(vnode *n, unsigned flags);   /* ORs flags in; returns n */

vn_kind vn_type(const vnode *n);
const vnode *vn_get(const vnode *obj, const char *name);  /* member or NULL */
size_t vn_len(const vnode *n);         /* elements, members or bytes */
const vnode *vn_at(const vnode *arr, size_t i);
/* A string's bytes, NUL-terminated; NULL (len 0) for any other node. */
const char *vn_text(const vnode *n, size_t *len);
double vn_number(const vnode *n);      /* 0 for anything but a number */

/* Writes n as JSON (UTF-8, not escaped beyond what JSON needs, "/" kept) to
 * out. indent 0: one line; > 0: objects and arrays broken over lines with
 * that many spaces a level; no final newline. Members and elements flagged
 * VN_NOJSON are left out (n itself is always written). Returns 0, or -1
 * when out of memory. */
int view_json(txt_buf *out, const vnode *n, int indent);

/* Renders the template tpl (len bytes) with root as the outermost context.
 * The whole template is checked first: on an error (an unclosed or
 * mismatched section, a stray {{/name}}, an unclosed tag, a bad name such
 * as {{> partial}}, sections nested deeper than 32) it writes nothing,
 * returns -1 and puts "line N: message" in err, N the line of the tag at
 * fault. Out of memory: -2. */
int view_render(txt_buf *out, const char *tpl, size_t len, const vnode *root,
                char *err, size_t errlen);

/* Appends s HTML-escaped (& < > " ' as entities). */
void html_escape(txt_buf *out, const char *s, size_t len);

#endif
