/* template.c: the HTML page of blogsearch.cgi, a results page's value tree
 * (base/view.c) rendered through a Mustache-subset template (web.h says
 * the language). The template is read whole and checked before anything
 * is written. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "web/web.h"

#define MAX_DEPTH 32          /* template sections nested at most this deep */

/* ---- templates ---- */

/* The template is checked whole and turned into tokens before anything is
 * written, so an error in a section that would not render is still found
 * and a bad template writes nothing. */
typedef enum { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE } ttype;

typedef struct {
    ttype type;
    const char *s;            /* the text, or the name */
    size_t len;
    size_t end;               /* a section: the index of its T_CLOSE */
    int line;
} token;

typedef struct {
    token *t;
    size_t n, cap;
    char *err;
    size_t errlen;
} tlist;

static int tpl_error(tlist *tl, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int tpl_error(tlist *tl, int line, const char *fmt, ...)
{
    if (tl->err && tl->errlen) {
        int n = snprintf(tl->err, tl->errlen, "line %d: ", line);
        if (n >= 0 && (size_t)n < tl->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(tl->err + n, tl->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* names in messages are cut short: a runaway tag can be the whole file */
#define SHOWN(len) (int)((len) > 60 ? 60 : (len))

static int add(tlist *tl, ttype type, const char *s, size_t len, int line)
{
    if (tl->n == tl->cap) {
        token *t = grow_array(tl->t, &tl->cap, 64, sizeof *t);
        if (!t)
            return -2;
        tl->t = t;
    }
    tl->t[tl->n++] = (token){ type, s, len, 0, line };
    return 0;
}

static int count_lines(const char *s, size_t len)
{
    int n = 0;
    for (const char *p = s, *e = s + len; (p = memchr(p, '\n', (size_t)(e - p))); p++)
        n++;
    return n;
}

/* "." alone, or dot-separated parts of letters, digits, _ and - (any UTF-8
 * byte passes too); rejects what other Mustaches mean by > = & and the like */
static int good_name(const char *s, size_t len)
{
    if (len == 1 && s[0] == '.')
        return 1;
    if (len == 0 || s[0] == '.' || s[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.' ? s[i - 1] == '.'
                     : !(c >= 0x80 || c == '_' || c == '-' || (c >= '0' && c <= '9')
                         || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
            return 0;
    }
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void trim(const char **s, size_t *len)
{
    while (*len && is_space((*s)[0]))
        (*s)++, (*len)--;
    while (*len && is_space((*s)[*len - 1]))
        (*len)--;
}

static const char *find2(const char *p, const char *e, char c)
{
    for (; p + 1 < e; p++)
        if (p[0] == c && p[1] == c)
            return p;
    return NULL;
}

static int tokenize(tlist *tl, const char *tpl, size_t len)
{
    const char *p = tpl, *e = tpl + len;
    size_t open[MAX_DEPTH];   /* the open sections' tokens */
    int depth = 0, line = 1, rc;
    while (p < e) {
        const char *tag = find2(p, e, '{');
        if (!tag)
            tag = e;
        if (tag > p) {
            if ((rc = add(tl, T_TEXT, p, (size_t)(tag - p), line)) != 0)
                return rc;
            line += count_lines(p, (size_t)(tag - p));
        }
        if (tag == e)
            break;
        int triple = tag + 2 < e && tag[2] == '{';
        const char *in = tag + 2 + triple, *close = find2(in, e, '}');
        if (!close)
            return tpl_error(tl, line, "unclosed tag %s", triple ? "{{{" : "{{");
        if (triple && (close + 2 == e || close[2] != '}'))
            return tpl_error(tl, line, "a tag opened with {{{ is closed with }}");
        const char *name = in;
        size_t nlen = (size_t)(close - in);
        int tline = line;
        line += count_lines(in, nlen);
        p = close + 2 + triple;
        trim(&name, &nlen);
        char sigil = !triple && nlen ? name[0] : 0;
        if (sigil == '!')
            continue;
        ttype type = triple ? T_RAW : sigil == '#' ? T_SECTION : sigil == '^' ? T_INVERTED
                   : sigil == '/' ? T_CLOSE : T_VAR;
        if (type != T_VAR && type != T_RAW) {
            name++, nlen--;
            trim(&name, &nlen);
        }
        if (!good_name(name, nlen))
            return tpl_error(tl, tline, "bad tag name \"%.*s\"", SHOWN(nlen), name);
        if (type == T_SECTION || type == T_INVERTED) {
            if (depth == MAX_DEPTH)
                return tpl_error(tl, tline, "sections nested deeper than %d", MAX_DEPTH);
            open[depth++] = tl->n;
        } else if (type == T_CLOSE) {
            if (!depth)
                return tpl_error(tl, tline, "{{/%.*s}} closes no section", SHOWN(nlen), name);
            token *o = &tl->t[open[depth - 1]];
            if (o->len != nlen || memcmp(o->s, name, nlen) != 0)
                return tpl_error(tl, tline, "{{/%.*s}} closes {{%c%.*s}} of line %d",
                                 SHOWN(nlen), name, o->type == T_INVERTED ? '^' : '#',
                                 SHOWN(o->len), o->s, o->line);
            o->end = tl->n;
            depth--;
        }
        if ((rc = add(tl, type, name, nlen, tline)) != 0)
            return rc;
    }
    if (depth) {
        const token *o = &tl->t[open[depth - 1]];
        return tpl_error(tl, o->line, "{{%c%.*s}} is never closed",
                         o->type == T_INVERTED ? '^' : '#', SHOWN(o->len), o->s);
    }
    return 0;
}

typedef struct {
    txt_buf *out;
    const token *t;
    const vnode *ctx[MAX_DEPTH + 1];   /* root, then one per open section */
    int depth;
} rstate;

/* The first part of a name is looked up from the innermost context out;
 * the rest walk down from where it was found, without falling back. */
static const vnode *lookup(const rstate *r, const char *name, size_t len)
{
    if (len == 1 && name[0] == '.')
        return r->ctx[r->depth - 1];
    const char *dot = memchr(name, '.', len);
    size_t first = dot ? (size_t)(dot - name) : len;
    const vnode *n = NULL;
    for (int i = r->depth - 1; i >= 0 && !n; i--)
        n = vn_get_n(r->ctx[i], name, first);
    while (n && dot) {
        const char *part = dot + 1;
        dot = memchr(part, '.', (size_t)(name + len - part));
        n = vn_get_n(n, part, dot ? (size_t)(dot - part) : (size_t)(name + len - part));
    }
    return n;
}

static int truthy(const vnode *n)
{
    if (!n)
        return 0;
    switch (vn_type(n)) {
    case VN_BOOL: return vn_boolean(n);
    case VN_NUM: return !vn_is_zero(n);
    case VN_STR: case VN_ARR: return vn_len(n) > 0;
    case VN_OBJ: return 1;
    default: return 0;
    }
}

static void put_value(txt_buf *out, const vnode *n, int raw)
{
    char num[64];
    size_t len;
    const char *s;
    switch (vn_type(n)) {
    case VN_BOOL:
        buf_puts(out, vn_boolean(n) ? "true" : "false");
        break;
    case VN_NUM:
        len = vn_format_number(n, num, sizeof num);
        buf_put(out, num, len);
        break;
    case VN_STR:
        /* {{{ }}} trusts only strings built as HTML: a template that says
         * {{{title}}} by mistake still cannot inject markup */
        s = vn_text(n, &len);
        if (raw && (vn_flags(n) & VN_HTML))
            buf_put(out, s, len);
        else
            html_escape(out, s, len);
        break;
    default:
        break;              /* null, missing, arrays and objects: nothing */
    }
}

static void render(rstate *r, size_t from, size_t to)
{
    for (size_t i = from; i < to && !r->out->err; i++) {
        const token *t = &r->t[i];
        switch (t->type) {
        case T_TEXT:
            buf_put(r->out, t->s, t->len);
            break;
        case T_VAR:
        case T_RAW:
            put_value(r->out, lookup(r, t->s, t->len), t->type == T_RAW);
            break;
        case T_SECTION: {
            const vnode *n = lookup(r, t->s, t->len);
            if (vn_type(n) == VN_ARR) {
                for (size_t k = 0; k < vn_len(n) && !r->out->err; k++) {
                    r->ctx[r->depth++] = vn_at(n, k);
                    render(r, i + 1, t->end);
                    r->depth--;
                }
            } else if (vn_type(n) == VN_OBJ) {
                r->ctx[r->depth++] = n;
                render(r, i + 1, t->end);
                r->depth--;
            } else if (truthy(n)) {
                render(r, i + 1, t->end);
            }
            i = t->end;
            break;
        }
        case T_INVERTED:
            if (!truthy(lookup(r, t->s, t->len)))
                render(r, i + 1, t->end);
            i = t->end;
            break;
        case T_CLOSE:
            break;
        }
    }
}

int tpl_names_any(const char *tpl, size_t len, const char *const *names, size_t nnames)
{
    tlist tl = { NULL, 0, 0, NULL, 0 };
    int found = tokenize(&tl, tpl, len) != 0 ? -1 : 0;
    for (size_t i = 0; found == 0 && i < tl.n; i++) {
        const token *t = &tl.t[i];
        if (t->type == T_TEXT || t->type == T_CLOSE)
            continue;
        const char *dot = memchr(t->s, '.', t->len);
        size_t first = dot ? (size_t)(dot - t->s) : t->len;
        for (size_t k = 0; k < nnames && !found; k++)
            found = strlen(names[k]) == first && memcmp(names[k], t->s, first) == 0;
    }
    free(tl.t);
    return found;
}

int tpl_render(txt_buf *out, const char *tpl, size_t len, const vnode *root,
               char *err, size_t errlen)
{
    tlist tl = { NULL, 0, 0, err, errlen };
    if (err && errlen)
        err[0] = '\0';
    int rc = tokenize(&tl, tpl, len);
    if (rc == -2 && err && errlen)
        snprintf(err, errlen, "out of memory");
    if (rc == 0) {
        rstate r = { out, tl.t, { root }, 1 };
        render(&r, 0, tl.n);
        if (out->err) {
            rc = -2;
            if (err && errlen)
                snprintf(err, errlen, "out of memory");
        }
    }
    free(tl.t);
    return rc;
}
