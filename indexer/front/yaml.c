/* yaml.c: YAML front matter into a value tree, through libyaml's event
 * parser: mappings become objects, sequences arrays, plain scalars are typed
 * as YAML 1.1 (and PyYAML) resolve them, quoted and block scalars are
 * strings. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "indexer/front/front.h"

#define MAX_DEPTH 64

typedef struct {
    vnode *node;          /* the object or array being filled */
    char *key;            /* an object's key waiting for its value */
    unsigned key_line;
    int skip_value;       /* the key was not a scalar: its value is dropped */
} frame;

typedef struct {
    char *name;
    vnode *node;
} anchor;

typedef struct {
    view *v;
    front_error *e;
    frame stack[MAX_DEPTH];
    size_t depth;
    anchor *anchors;
    size_t nanchors, anchors_cap;
    vnode *root;
    int rc;               /* 0, 1 after a warning, -1 after an error */
    int oom;
} builder;

/* 1 when a problem of rc (-1 an error, 1 a warning) is the one to report:
 * the first error, or while there is none the first warning. */
static int first_problem(builder *b, int rc)
{
    if (b->rc != 0 && (b->rc < 0 || rc > 0))
        return 0;
    b->rc = rc;
    return 1;
}

/* The problem of rc with a message and no quote. */
static void set_error(builder *b, int rc, unsigned line, const char *msg)
{
    if (first_problem(b, rc))
        front_fail(b->e, line, "%s", msg);
}

/* ---- plain scalars, typed as YAML 1.1 does ---------------------------------- */

static int str_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* Digits of the given base with '_' between them allowed; at least one digit. */
static int digits(const char *s, int base)
{
    int any = 0;
    for (; *s; s++) {
        int d = *s >= '0' && *s <= '9' ? *s - '0'
              : *s >= 'a' && *s <= 'f' ? *s - 'a' + 10
              : *s >= 'A' && *s <= 'F' ? *s - 'A' + 10 : *s == '_' ? -2 : -1;
        if (d == -1 || d >= base)
            return 0;
        any |= d >= 0;
    }
    return any;
}

/* An integer node for s in base (underscores dropped), or NULL when it does
 * not fit in 64 bits (it stays a string). */
/* s without its underscores into clean (cap bytes); 0 when it does not fit */
static int drop_underscores(const char *s, char *clean, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        if (*s != '_')
            clean[n++] = *s;
    clean[n] = '\0';
    return *s == '\0';
}

static vnode *int_node(view *v, const char *s, int base)
{
    char clean[72];
    int neg = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    if (base == 16 || base == 2)
        s += 2;                           /* 0x, 0b */
    if (!drop_underscores(s, clean, sizeof clean))
        return NULL;
    errno = 0;
    char *end;
    unsigned long long u = strtoull(clean, &end, base);
    if (errno || *end || u > (unsigned long long)INT64_MAX + (unsigned)neg)
        return NULL;
    return vn_int(v, neg ? (int64_t)(0 - u) : (int64_t)u);
}

static vnode *float_node(view *v, const char *s)
{
    char clean[80];
    if (!drop_underscores(s, clean, sizeof clean))
        return NULL;
    return vn_num(v, strtod(clean, NULL));
}

/* [-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)? with a digit somewhere */
static int is_float(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    int any = 0;
    while ((*p >= '0' && *p <= '9') || (*p == '_' && p > s && any))
        any |= *p++ != '_';
    if (*p != '.')
        return 0;
    p++;
    while ((*p >= '0' && *p <= '9') || *p == '_')
        any |= *p++ != '_';
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p != '-' && *p != '+')
            return 0;
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return any && !*p;
}

static vnode *plain_scalar(view *v, const char *s, size_t len)
{
    static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
    static const char *const trues[] = { "yes", "Yes", "YES", "true", "True", "TRUE",
                                         "on", "On", "ON", "y", "Y", NULL };
    static const char *const falses[] = { "no", "No", "NO", "false", "False", "FALSE",
                                          "off", "Off", "OFF", "n", "N", NULL };
    static const char *const specials[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                                            "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
                                            NULL };
    if (len != strlen(s))
        return vn_str(v, s, len);          /* a NUL inside: text */
    if (str_in(s, nulls))
        return vn_null(v);
    /* PyYAML's resolver leaves y/n as strings though the YAML 1.1 type
     * lists them: so does this one */
    if (str_in(s, trues) && strcmp(s, "y") && strcmp(s, "Y"))
        return vn_bool(v, 1);
    if (str_in(s, falses) && strcmp(s, "n") && strcmp(s, "N"))
        return vn_bool(v, 0);
    if (str_in(s, specials))
        return vn_num(v, s[strlen(s) - 1] == 'n' || s[strlen(s) - 1] == 'N'
                             ? NAN : s[0] == '-' ? -INFINITY : INFINITY);
    const char *d = s + (*s == '-' || *s == '+');
    vnode *n = NULL;
    if (d[0] == '0' && d[1] == 'x' && digits(d + 2, 16))
        n = int_node(v, s, 16);
    else if (d[0] == '0' && d[1] == 'b' && digits(d + 2, 2))
        n = int_node(v, s, 2);
    else if (d[0] == '0' && d[1] && digits(d + 1, 8))
        n = int_node(v, s, 8);
    else if ((d[0] == '0' && !d[1]) || (d[0] >= '1' && d[0] <= '9' && digits(d, 10)))
        n = int_node(v, s, 10);
    else if (is_float(s))
        n = float_node(v, s);
    return n ? n : vn_str(v, s, len);
}

/* ---- the tree ----------------------------------------------------------------- */

static void add_anchor(builder *b, const yaml_char_t *name, vnode *node)
{
    if (!name || !node)
        return;
    if (b->nanchors == b->anchors_cap) {
        size_t cap = b->anchors_cap ? b->anchors_cap * 2 : 8;
        anchor *a = realloc(b->anchors, cap * sizeof *a);
        if (!a) {
            b->oom = 1;
            return;
        }
        b->anchors = a;
        b->anchors_cap = cap;
    }
    char *copy = strdup((const char *)name);
    if (!copy) {
        b->oom = 1;
        return;
    }
    b->anchors[b->nanchors++] = (anchor){ copy, node };
}

static vnode *find_anchor(const builder *b, const yaml_char_t *name)
{
    for (size_t i = b->nanchors; i-- > 0;)     /* a later anchor of the name wins */
        if (strcmp(b->anchors[i].name, (const char *)name) == 0)
            return b->anchors[i].node;
    return NULL;
}

/* Puts node where the innermost open collection wants it. key_text is the
 * node's text when it is a scalar (a mapping key), else NULL. */
static void attach(builder *b, vnode *node, const char *key_text, unsigned line)
{
    if (!node) {
        b->oom = 1;
        return;
    }
    if (!b->depth) {
        b->root = node;
        return;
    }
    frame *f = &b->stack[b->depth - 1];
    if (vn_type(f->node) == VN_ARR) {
        vn_push(b->v, f->node, node);
        return;
    }
    if (!f->key && !f->skip_value) {            /* this node is a key */
        if (!key_text) {
            f->skip_value = 1;
            set_error(b, -1, line, "a key that is a list or a mapping, not text");
        } else if (!(f->key = strdup(key_text))) {
            b->oom = 1;
        }
        f->key_line = line;
        return;
    }
    if (f->skip_value) {
        f->skip_value = 0;
        return;
    }
    if (vn_get(f->node, f->key))
        if (first_problem(b, 1)) {
            char q[FRONT_QUOTE_SIZE];
            front_fail(b->e, f->key_line, "key %s given again; the last value is kept",
                       front_quote(q, f->key, f->key + strlen(f->key)));
        }
    vn_set(b->v, f->node, f->key, node);
    free(f->key);
    f->key = NULL;
}

static void open_collection(builder *b, vnode *node, const yaml_char_t *anchor_name,
                            unsigned line)
{
    if (b->depth == MAX_DEPTH) {
        set_error(b, -1, line, "nested deeper than 64 levels");
        return;
    }
    add_anchor(b, anchor_name, node);
    b->stack[b->depth++] = (frame){ .node = node };
}

static void close_collection(builder *b, unsigned line)
{
    if (!b->depth)
        return;
    frame *f = &b->stack[--b->depth];
    free(f->key);
    attach(b, f->node, NULL, line);
}

static void on_scalar(builder *b, const yaml_event_t *ev, unsigned line)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    vnode *node;
    if (!utf8_valid(s, len)) {
        set_error(b, 1, line, "a value that is not valid UTF-8; it is left out");
        node = vn_null(b->v);
    } else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag) {
        node = plain_scalar(b->v, s, len);
    } else {
        node = vn_str(b->v, s, len);
    }
    add_anchor(b, ev->data.scalar.anchor, node);
    attach(b, node, vn_type(node) == VN_NULL && len ? NULL : s, line);
}

static void finish(builder *b)
{
    while (b->depth) {
        frame *f = &b->stack[--b->depth];
        free(f->key);
        if (!b->depth && !b->root)
            b->root = f->node;
    }
    for (size_t i = 0; i < b->nanchors; i++)
        free(b->anchors[i].name);
    free(b->anchors);
}

int front_yaml(const char *s, size_t len, view *v, vnode **root, front_error *e)
{
    yaml_parser_t parser;
    builder b = { .v = v, .e = e };
    e->line = 0;
    e->msg[0] = '\0';
    *root = NULL;
    if (!yaml_parser_initialize(&parser))
        return -1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)s, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    int done = 0, docs = 0;
    while (!done && b.rc >= 0 && !b.oom) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            /* libyaml's messages are ASCII: "did not find expected key while
             * parsing a block mapping" */
            b.rc = -1;
            front_fail(e, (unsigned)parser.problem_mark.line + 1, "%s%s%s",
                       parser.problem ? parser.problem : "not YAML", parser.context ? " " : "",
                       parser.context ? parser.context : "");
            break;
        }
        unsigned line = (unsigned)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                set_error(&b, -1, line, "a second YAML document in the header");
            }
            break;
        case YAML_MAPPING_START_EVENT:
            open_collection(&b, vn_obj(v), ev.data.mapping_start.anchor, line);
            break;
        case YAML_SEQUENCE_START_EVENT:
            open_collection(&b, vn_arr(v), ev.data.sequence_start.anchor, line);
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            close_collection(&b, line);
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&b, &ev, line);
            break;
        case YAML_ALIAS_EVENT: {
            vnode *n = find_anchor(&b, ev.data.alias.anchor);
            if (!n) {
                if (first_problem(&b, -1)) {
                    const char *name = (const char *)ev.data.alias.anchor;
                    char q[FRONT_QUOTE_SIZE];
                    front_fail(e, line, "alias %s names no anchor",
                               front_quote(q, name, name + strlen(name)));
                }
            } else {
                size_t tlen;
                const char *text = vn_text(n, &tlen);
                attach(&b, n, text, line);
            }
            break;
        }
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    finish(&b);
    if (b.oom || view_failed(v))
        return -1;
    if (vn_type(b.root) != VN_OBJ) {
        if (b.root && vn_type(b.root) != VN_NULL && b.rc >= 0)
            set_error(&b, -1, 1, "the header is not a list of \"key: value\" lines");
        b.root = vn_obj(v);
    }
    *root = b.root;
    return b.rc;
}
