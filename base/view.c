/* view.c: the value tree behind a results page and its JSON writer (the HTML
 * template's is web/template.c). Nodes, copied strings and child arrays all
 * come from one arena, so a page is freed with one call and building needs
 * no error checks until the end. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

#define CHUNK_SIZE 16384

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    max_align_t data[];       /* max_align_t: the data is aligned for anything */
} chunk;

struct view {
    chunk *head;              /* the chunk being filled; big blocks go behind it */
    int failed;
};

typedef struct {
    const char *name;         /* NULL in an array */
    vnode *val;
} vslot;

struct vnode {
    unsigned char kind;       /* vn_kind */
    unsigned char is_int;     /* a VN_NUM made by vn_int: i, not x */
    unsigned flags;
    union {
        int b;
        double x;
        int64_t i;
        struct {
            char *s;          /* NUL-terminated */
            size_t len;
        } str;
        struct {
            vslot *v;
            size_t n, cap;
        } c;
    } u;
};

/* ---- arena ---- */

view *view_new(void)
{
    return calloc(1, sizeof(view));
}

void view_free(view *v)
{
    if (!v)
        return;
    for (chunk *c = v->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(v);
}

int view_failed(const view *v)
{
    return !v || v->failed;
}

static void *arena_alloc(view *v, size_t n, size_t align)
{
    chunk *c = v->head;
    if (c) {
        size_t at = (c->used + align - 1) & ~(align - 1);
        if (at <= c->cap && c->cap - at >= n) {
            c->used = at + n;
            return (char *)c->data + at;
        }
    }
    /* a big block gets a chunk of its own, kept behind the head so the
     * head's free space is not thrown away */
    int big = n > CHUNK_SIZE / 4;
    size_t cap = big ? n : CHUNK_SIZE;
    if (n > ((size_t)-1) / 2 - sizeof(chunk)) {
        v->failed = 1;
        return NULL;
    }
    chunk *nc = malloc(sizeof(chunk) + cap);
    if (!nc) {
        v->failed = 1;
        return NULL;
    }
    nc->cap = cap;
    nc->used = n;
    if (big && c) {
        nc->next = c->next;
        c->next = nc;
    } else {
        nc->next = c;
        v->head = nc;
    }
    return nc->data;
}

static vnode *node(view *v, vn_kind kind)
{
    if (!v || v->failed)
        return NULL;
    vnode *n = arena_alloc(v, sizeof(vnode), _Alignof(vnode));
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    return n;
}

static char *copy(view *v, const char *s, size_t len)
{
    if (len == (size_t)-1) {
        v->failed = 1;
        return NULL;
    }
    char *p = arena_alloc(v, len + 1, 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* ---- builders ---- */

vnode *vn_null(view *v)
{
    return node(v, VN_NULL);
}

vnode *vn_bool(view *v, int b)
{
    vnode *n = node(v, VN_BOOL);
    if (n)
        n->u.b = b != 0;
    return n;
}

vnode *vn_num(view *v, double x)
{
    vnode *n = node(v, VN_NUM);
    if (n)
        n->u.x = x;
    return n;
}

vnode *vn_int(view *v, int64_t x)
{
    vnode *n = node(v, VN_NUM);
    if (n) {
        n->is_int = 1;
        n->u.i = x;
    }
    return n;
}

vnode *vn_str(view *v, const char *s, size_t len)
{
    if (!s && len)
        return vn_null(v);
    vnode *n = node(v, VN_STR);
    if (!n)
        return NULL;
    n->u.str.s = copy(v, s, len);
    if (!n->u.str.s)
        return NULL;
    n->u.str.len = len;
    return n;
}

vnode *vn_cstr(view *v, const char *s)
{
    return s ? vn_str(v, s, strlen(s)) : vn_null(v);
}

vnode *vn_arr(view *v)
{
    return node(v, VN_ARR);
}

vnode *vn_obj(view *v)
{
    return node(v, VN_OBJ);
}

/* Room for one more child. The old array stays in the arena: doubling keeps
 * the waste below the final size. */
static int grow(view *v, vnode *c)
{
    if (c->u.c.n < c->u.c.cap)
        return 0;
    size_t cap = c->u.c.cap ? c->u.c.cap * 2 : 4;
    if (cap > ((size_t)-1) / 2 / sizeof(vslot)) {
        v->failed = 1;
        return -1;
    }
    vslot *s = arena_alloc(v, cap * sizeof(vslot), _Alignof(vslot));
    if (!s)
        return -1;
    if (c->u.c.n)
        memcpy(s, c->u.c.v, c->u.c.n * sizeof(vslot));
    c->u.c.v = s;
    c->u.c.cap = cap;
    return 0;
}

vnode *vn_push(view *v, vnode *arr, vnode *item)
{
    if (!v || v->failed || !arr || !item || arr->kind != VN_ARR)
        return NULL;
    if (grow(v, arr) != 0)
        return NULL;
    arr->u.c.v[arr->u.c.n++] = (vslot){ NULL, item };
    return arr;
}

vnode *vn_set(view *v, vnode *obj, const char *name, vnode *val)
{
    if (!v || v->failed || !obj || !name || !val || obj->kind != VN_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->u.c.n; i++)
        if (strcmp(obj->u.c.v[i].name, name) == 0) {
            obj->u.c.v[i].val = val;
            return obj;
        }
    char *key = copy(v, name, strlen(name));
    if (!key || grow(v, obj) != 0)
        return NULL;
    obj->u.c.v[obj->u.c.n++] = (vslot){ key, val };
    return obj;
}

vnode *vn_flag(vnode *n, unsigned flags)
{
    if (n)
        n->flags |= flags;
    return n;
}

/* ---- readers ---- */

vn_kind vn_type(const vnode *n)
{
    return n ? (vn_kind)n->kind : VN_NULL;
}

const vnode *vn_get(const vnode *obj, const char *name)
{
    if (!obj || !name || obj->kind != VN_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->u.c.n; i++)
        if (strcmp(obj->u.c.v[i].name, name) == 0)
            return obj->u.c.v[i].val;
    return NULL;
}

const vnode *vn_get_n(const vnode *obj, const char *name, size_t len)
{
    if (!obj || obj->kind != VN_OBJ)
        return NULL;
    for (size_t i = 0; i < obj->u.c.n; i++) {
        const char *k = obj->u.c.v[i].name;
        if (strncmp(k, name, len) == 0 && k[len] == '\0')
            return obj->u.c.v[i].val;
    }
    return NULL;
}

size_t vn_len(const vnode *n)
{
    if (!n)
        return 0;
    if (n->kind == VN_ARR || n->kind == VN_OBJ)
        return n->u.c.n;
    return n->kind == VN_STR ? n->u.str.len : 0;
}

const vnode *vn_at(const vnode *arr, size_t i)
{
    if (!arr || arr->kind != VN_ARR || i >= arr->u.c.n)
        return NULL;
    return arr->u.c.v[i].val;
}

const vnode *vn_member(const vnode *obj, size_t i, const char **name)
{
    if (!obj || obj->kind != VN_OBJ || i >= obj->u.c.n)
        return NULL;
    if (name)
        *name = obj->u.c.v[i].name;
    return obj->u.c.v[i].val;
}

const char *vn_text(const vnode *n, size_t *len)
{
    if (!n || n->kind != VN_STR) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = n->u.str.len;
    return n->u.str.s;
}

double vn_number(const vnode *n)
{
    if (!n || n->kind != VN_NUM)
        return 0;
    return n->is_int ? (double)n->u.i : n->u.x;
}

int vn_boolean(const vnode *n)
{
    return n && n->kind == VN_BOOL && n->u.b;
}

int vn_is_zero(const vnode *n)
{
    if (!n || n->kind != VN_NUM)
        return 0;
    return n->is_int ? n->u.i == 0 : !isfinite(n->u.x) || n->u.x == 0;
}

unsigned vn_flags(const vnode *n)
{
    return n ? n->flags : 0;
}

/* ---- numbers ---- */

size_t vn_format_number(const vnode *n, char *s, size_t cap)
{
    if (!n || n->kind != VN_NUM)
        return 0;
    if (n->is_int)
        return (size_t)snprintf(s, cap, "%" PRId64, n->u.i);
    double x = n->u.x;
    if (!isfinite(x))
        return 0;
    double ax = x < 0 ? -x : x;
    int len;
    if (ax < 9007199254740992.0 && (double)(int64_t)x == x) {
        len = snprintf(s, cap, "%" PRId64, (int64_t)x);  /* whole; also -0 as 0 */
    } else if (ax >= 9007199254740992.0) {
        len = snprintf(s, cap, "%.17g", x);
    } else {
        len = snprintf(s, cap, "%.4f", x);
        while (len > 0 && s[len - 1] == '0')
            len--;
        if (len > 0 && (s[len - 1] == '.' || s[len - 1] == ','))
            len--;
        s[len] = '\0';
        if (strcmp(s, "-0") == 0)       /* -0.00001 rounds to nothing */
            len = snprintf(s, cap, "0");
    }
    /* a program that set LC_NUMERIC would get a decimal comma: not JSON */
    for (int i = 0; i < len; i++)
        if (s[i] == ',')
            s[i] = '.';
    return len > 0 ? (size_t)len : 0;
}

/* ---- JSON ---- */

static void indent_to(txt_buf *out, int indent, int level)
{
    buf_putc(out, '\n');
    for (long i = 0; i < (long)indent * level; i++)
        buf_putc(out, ' ');
}

static void json(txt_buf *out, const vnode *n, int indent, int level)
{
    char num[64];
    size_t len;
    switch (n ? (vn_kind)n->kind : VN_NULL) {
    case VN_NULL:
        buf_puts(out, "null");
        break;
    case VN_BOOL:
        buf_puts(out, n->u.b ? "true" : "false");
        break;
    case VN_NUM:
        len = vn_format_number(n, num, sizeof num);
        if (len)
            buf_put(out, num, len);
        else
            buf_puts(out, "null");
        break;
    case VN_STR:
        buf_put_json(out, n->u.str.s, n->u.str.len);
        break;
    case VN_ARR:
    case VN_OBJ: {
        int obj = n->kind == VN_OBJ, first = 1;
        buf_putc(out, obj ? '{' : '[');
        for (size_t i = 0; i < n->u.c.n; i++) {
            const vslot *s = &n->u.c.v[i];
            if (s->val->flags & VN_NOJSON)
                continue;
            if (!first)
                buf_putc(out, ',');
            if (indent)
                indent_to(out, indent, level + 1);
            else if (!first)
                buf_putc(out, ' ');
            first = 0;
            if (obj) {
                buf_put_json(out, s->name, strlen(s->name));
                buf_put(out, ": ", 2);
            }
            json(out, s->val, indent, level + 1);
        }
        if (!first && indent)
            indent_to(out, indent, level);
        buf_putc(out, obj ? '}' : ']');
        break;
    }
    }
}

int view_json(txt_buf *out, const vnode *n, int indent)
{
    json(out, n, indent > 0 ? indent : 0, 0);
    return out->err ? -1 : 0;
}

/* ---- HTML ---- */

void html_escape(txt_buf *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i < len; i++) {
        const char *ent;
        switch (s[i]) {
        case '&': ent = "&amp;"; break;
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '"': ent = "&quot;"; break;
        case '\'': ent = "&#39;"; break;
        default:
            if ((unsigned char)s[i] >= 0x80) {
                /* a byte of no well-formed character is U+FFFD */
                int32_t cp;
                size_t n = utf8_decode((const unsigned char *)s + i,
                                       (const unsigned char *)s + len, &cp);
                if (cp != UTF8_INVALID) {
                    i += n - 1;
                    continue;
                }
                ent = UTF8_REPLACEMENT;
                break;
            }
            continue;
        }
        buf_put(out, s + run, i - run);
        buf_puts(out, ent);
        run = i + 1;
    }
    buf_put(out, s + run, len - run);
}
