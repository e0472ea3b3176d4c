/* toml.c: TOML 1.0 (a post's "+++" front matter, a site's config.toml) into
 * a value tree, in one pass over the text. What it accepts it reads as TOML
 * says; anything else stops it with the line and what is wrong, and leaves
 * the tree of what came before. It knows no keys: post.c picks the fields. */
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/front/front.h"

#define KEY_PARTS 64          /* a.b.c: parts of one key, at most */
#define MAX_DEPTH 64          /* arrays and inline tables within each other */

/* What TOML says of a table or array, beside the tree (whose nodes have no
 * room for it): how it was made decides what may still add to it. */
enum {
    T_HEADER = 1,             /* declared by [header] or an element of [[header]] */
    T_DOTTED = 2,             /* made or entered by a dotted key, in section `section` */
    T_FROZEN = 4,             /* an inline table or array given as a value: whole */
    T_AOT = 8                 /* the array of an [[array of tables]] */
};

typedef struct {
    const vnode *node;        /* NULL: a free slot */
    unsigned flags;           /* T_* */
    unsigned section;         /* with T_DOTTED: the [header] it was given under */
} tinfo;

/* The parts of a key, each NUL-terminated in b (U+0000 is refused in keys,
 * so a part is a C string too). */
typedef struct {
    txt_buf b;
    size_t off[KEY_PARTS], len[KEY_PARTS];
    int n;
    const char *at, *stop;    /* the key as written in the text, to quote it */
} tkey;

typedef struct {
    const char *s, *p, *end;  /* the text and where the parser is */
    view *v;
    vnode *root;
    vnode *table;             /* where the key/values of this section go */
    unsigned section;         /* counts the [headers] so far */
    int depth;                /* arrays and inline tables open */
    txt_buf str;              /* the string or quoted key part being read */
    tinfo *info;              /* open addressing on the node's address */
    size_t ninfo, capinfo;    /* capinfo a power of two, or 0 */
    front_error *e;
} toml;

static int fail(toml *t, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first problem only; returns -1 for the caller to pass on. */
static int fail(toml *t, const char *at, const char *fmt, ...)
{
    if (t->e->msg[0])
        return -1;
    char msg[sizeof t->e->msg];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    front_fail(t->e, front_line(t->s, at), "%s", msg);
    return -1;
}

static int out_of_memory(toml *t)
{
    front_fail(t->e, 0, "out of memory");
    return -1;
}

/* A quote of the text at p, up to the end of its line. */
static const char *near(toml *t, const char *p, char buf[FRONT_QUOTE_SIZE])
{
    const char *e = p;
    while (e < t->end && *e != '\n')
        e++;
    if (e > p && e[-1] == '\r')
        e--;
    if (p == e && p < t->end)
        return "the end of the line";
    return front_quote(buf, p, e);
}

static const char *key_text(const tkey *k, char buf[FRONT_QUOTE_SIZE])
{
    return front_quote(buf, k->at, k->stop);
}

/* Part i of a key, decoded. */
static const char *part_text(const tkey *k, int i, char buf[FRONT_QUOTE_SIZE])
{
    const char *p = k->b.p + k->off[i];
    return front_quote(buf, p, p + k->len[i]);
}

/* ---- what a table or array is (tinfo) ------------------------------------- */

static size_t info_slot(const toml *t, const vnode *n)
{
    uintptr_t h = (uintptr_t)n;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    size_t i = (size_t)(h >> 7) & (t->capinfo - 1);
    while (t->info[i].node && t->info[i].node != n)
        i = (i + 1) & (t->capinfo - 1);
    return i;
}

static unsigned info_get(const toml *t, const vnode *n, unsigned *section)
{
    if (!t->capinfo)
        return 0;
    size_t i = info_slot(t, n);
    if (section)
        *section = t->info[i].section;
    return t->info[i].node ? t->info[i].flags : 0;
}

/* ORs flags into n's; section replaces its section. */
static int info_set(toml *t, const vnode *n, unsigned flags, unsigned section)
{
    if ((t->ninfo + 1) * 2 > t->capinfo) {
        size_t cap = t->capinfo ? t->capinfo * 2 : 64;
        tinfo *old = t->info;
        size_t oldcap = t->capinfo;
        t->info = calloc(cap, sizeof *t->info);
        if (!t->info) {
            t->info = old;
            return out_of_memory(t);
        }
        t->capinfo = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].node)
                t->info[info_slot(t, old[i].node)] = old[i];
        free(old);
    }
    size_t i = info_slot(t, n);
    if (!t->info[i].node) {
        t->info[i].node = n;
        t->ninfo++;
    }
    t->info[i].flags |= flags;
    t->info[i].section = section;
    return 0;
}

/* The nodes of this view are the parser's to change; the tree's readers
 * hand them out const. */
static vnode *member(vnode *tab, const tkey *k, int i)
{
    return (vnode *)vn_get_n(tab, k->b.p + k->off[i], k->len[i]);
}

static vnode *last_of(vnode *arr)
{
    return (vnode *)vn_at(arr, vn_len(arr) - 1);
}

/* ---- characters ------------------------------------------------------------ */

static int is_bare(int c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void skip_ws(toml *t)
{
    while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
        t->p++;
}

/* The length of the newline at p (LF or CRLF), 0 if none. */
static size_t newline_at(const toml *t, const char *p)
{
    if (p < t->end && *p == '\n')
        return 1;
    if (p + 1 < t->end && p[0] == '\r' && p[1] == '\n')
        return 2;
    return 0;
}

/* One character of a string or comment at t->p, checked and passed (and
 * appended to out unless NULL): valid UTF-8, no control character but tab,
 * a newline (given as '\n') only where lines may be crossed. */
static int text_char(toml *t, txt_buf *out, int newline_ok, const char *what)
{
    const unsigned char *u = (const unsigned char *)t->p;
    size_t nl = newline_at(t, t->p);
    if (nl) {
        if (!newline_ok)
            return fail(t, t->p, "%s is not closed on its line", what);
        if (out)
            buf_putc(out, '\n');
        t->p += nl;
        return 0;
    }
    int32_t cp;
    size_t k = utf8_decode(u, (const unsigned char *)t->end, &cp);
    if (cp == UTF8_INVALID)
        return fail(t, t->p, "invalid UTF-8 byte 0x%02X in %s", *u, what);
    if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
        return fail(t, t->p, "control character U+%04X in %s", (unsigned)cp, what);
    if (out)
        buf_put(out, t->p, k);
    t->p += k;
    return 0;
}

/* A comment, if one starts here: to the end of its line. */
static int comment(toml *t)
{
    if (t->p >= t->end || *t->p != '#')
        return 0;
    t->p++;
    while (t->p < t->end && !newline_at(t, t->p))
        if (text_char(t, NULL, 0, "a comment") != 0)
            return -1;
    return 0;
}

/* After a header or a key/value: spaces, a comment, then the end of the
 * line (passed) or of the text. */
static int line_end(toml *t, const char *after)
{
    char q[FRONT_QUOTE_SIZE];
    skip_ws(t);
    if (comment(t) != 0)
        return -1;
    if (t->p >= t->end)
        return 0;
    size_t nl = newline_at(t, t->p);
    if (!nl)
        return fail(t, t->p, "expected the end of the line after %s, found %s", after,
                    near(t, t->p, q));
    t->p += nl;
    return 0;
}

/* Spaces, comments and newlines, as between the elements of an array. */
static int skip_blank(toml *t)
{
    for (;;) {
        skip_ws(t);
        if (comment(t) != 0)
            return -1;
        size_t nl = newline_at(t, t->p);
        if (!nl)
            return 0;
        t->p += nl;
    }
}

/* ---- strings --------------------------------------------------------------- */

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* After the backslash of \uXXXX or \UXXXXXXXX (digits hex digits). */
static int unicode_escape(toml *t, int digits, const char *esc)
{
    int32_t cp = 0;
    for (int i = 0; i < digits; i++) {
        int h = t->p + i < t->end ? hex_value((unsigned char)t->p[i]) : -1;
        if (h < 0)
            return fail(t, esc, "\\%c needs %d hex digits", digits == 4 ? 'u' : 'U', digits);
        cp = cp * 16 + h;
        if (cp > 0x10FFFF)
            return fail(t, esc, "\\%c%.*s is beyond U+10FFFF", digits == 4 ? 'u' : 'U',
                        digits, t->p);
    }
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return fail(t, esc, "\\%c%.*s is a surrogate, not a character",
                    digits == 4 ? 'u' : 'U', digits, t->p);
    if (cp == 0)
        return fail(t, esc, "U+0000 is not allowed in a string");
    unsigned char u[4];
    buf_put(&t->str, u, utf8_encode(cp, u));
    t->p += digits;
    return 0;
}

static int escape(toml *t, int multi)
{
    const char *esc = t->p++;             /* the backslash */
    if (t->p >= t->end)
        return fail(t, esc, "a backslash ends the text");
    char c = *t->p, plain = 0;
    switch (c) {
    case 'b': plain = '\b'; break;
    case 't': plain = '\t'; break;
    case 'n': plain = '\n'; break;
    case 'f': plain = '\f'; break;
    case 'r': plain = '\r'; break;
    case '"': plain = '"'; break;
    case '\\': plain = '\\'; break;
    }
    if (plain) {
        buf_putc(&t->str, plain);
        t->p++;
        return 0;
    }
    if (c == 'u' || c == 'U') {
        t->p++;
        return unicode_escape(t, c == 'u' ? 4 : 8, esc);
    }
    if (multi) {
        /* a line-ending backslash: the newline and the white space (and
         * blank lines) after it are left out */
        const char *q = t->p;
        while (q < t->end && (*q == ' ' || *q == '\t'))
            q++;
        if (newline_at(t, q)) {
            t->p = q;
            for (size_t nl; t->p < t->end; t->p += nl) {
                nl = newline_at(t, t->p);
                if (!nl && *t->p != ' ' && *t->p != '\t')
                    break;
                if (!nl)
                    nl = 1;
            }
            return 0;
        }
    }
    char q[FRONT_QUOTE_SIZE];
    return fail(t, esc, "unknown escape %s in a string", front_quote(q, esc, t->p + 1));
}

/* A string at t->p ("...", '...', """...""", '''...'''), its value into
 * t->str. */
static int string(toml *t)
{
    char quote = *t->p;
    int literal = quote == '\'';
    int multi = t->end - t->p >= 3 && t->p[1] == quote && t->p[2] == quote;
    const char *open = t->p;
    const char *what = multi ? "a multi-line string" : "a string";
    buf_reset(&t->str);
    t->p += multi ? 3 : 1;
    if (multi)
        t->p += newline_at(t, t->p);      /* a newline right after """ is not in it */
    for (;;) {
        if (t->p >= t->end)
            return fail(t, open, "%s opened here is never closed", what);
        char c = *t->p;
        if (c == quote) {
            if (!multi) {
                t->p++;
                break;
            }
            if (t->end - t->p >= 3 && t->p[1] == quote && t->p[2] == quote) {
                /* """"" : up to two quotes before the closing three are in it */
                int extra = 0;
                while (extra < 2 && t->end - t->p > 3 + extra && t->p[3 + extra] == quote)
                    extra++;
                buf_put(&t->str, t->p, (size_t)extra);
                t->p += 3 + extra;
                break;
            }
            buf_putc(&t->str, c);
            t->p++;
        } else if (c == '\\' && !literal) {
            if (escape(t, multi) != 0)
                return -1;
        } else if (text_char(t, &t->str, multi, what) != 0) {
            return -1;
        }
    }
    return t->str.err ? out_of_memory(t) : 0;
}

/* ---- keys ------------------------------------------------------------------ */

static void key_free(tkey *k)
{
    buf_free(&k->b);
}

/* A key, bare or quoted, dotted or not, and the spaces after it. */
static int key(toml *t, tkey *k)
{
    char q[FRONT_QUOTE_SIZE];
    k->n = 0;
    k->at = t->p;
    buf_reset(&k->b);
    for (;;) {
        if (k->n == KEY_PARTS)
            return fail(t, k->at, "a key of more than %d parts", KEY_PARTS);
        const char *part = t->p;
        const char *s;
        size_t len;
        if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
            if (t->end - t->p >= 3 && t->p[1] == *t->p && t->p[2] == *t->p)
                return fail(t, part, "a key cannot be a multi-line string");
            if (string(t) != 0)
                return -1;
            s = t->str.p ? t->str.p : "";
            len = t->str.len;
        } else {
            while (t->p < t->end && is_bare((unsigned char)*t->p))
                t->p++;
            if (t->p == part)
                return fail(t, part, "expected a key, found %s", near(t, part, q));
            s = part;
            len = (size_t)(t->p - part);
        }
        k->off[k->n] = k->b.len;
        k->len[k->n] = len;
        k->n++;
        buf_put(&k->b, s, len);
        buf_putc(&k->b, '\0');
        k->stop = t->p;
        skip_ws(t);
        if (t->p >= t->end || *t->p != '.')
            break;
        t->p++;
        skip_ws(t);
    }
    return k->b.err ? out_of_memory(t) : 0;
}

/* Sets the key k of table tab (its dotted parts tables within tab) to val,
 * as TOML allows: never over a key already given, never into an inline
 * table or array given whole, a [table] or [[array]] declared elsewhere,
 * nor into tables made by dotted keys under another [header]. */
static int put(toml *t, vnode *tab, const tkey *k, vnode *val)
{
    char q[FRONT_QUOTE_SIZE], qp[FRONT_QUOTE_SIZE];
    for (int i = 0; i + 1 < k->n; i++) {
        vnode *child = member(tab, k, i);
        unsigned section = 0, f = child ? info_get(t, child, &section) : 0;
        const char *why = NULL;
        if (!child) {
            child = vn_obj(t->v);
            if (!vn_set(t->v, tab, k->b.p + k->off[i], child))
                return out_of_memory(t);
        } else if (f & T_AOT) {
            why = "is an array of tables";
        } else if (vn_type(child) != VN_OBJ) {
            why = "already has a value, not a table";
        } else if (f & T_FROZEN) {
            why = "is an inline table, given whole";
        } else if (f & T_HEADER) {
            why = "is a table declared by its own [header]";
        } else if ((f & T_DOTTED) && section != t->section) {
            why = "was made by dotted keys under another header";
        }
        if (why)
            return fail(t, k->at, "%s: %s %s", key_text(k, q), part_text(k, i, qp), why);
        if (!(f & T_DOTTED) && info_set(t, child, T_DOTTED, t->section) != 0)
            return -1;
        tab = child;
    }
    if (member(tab, k, k->n - 1))
        return fail(t, k->at, "duplicate key %s", key_text(k, q));
    if (!vn_set(t->v, tab, k->b.p + k->off[k->n - 1], val))
        return out_of_memory(t);
    if ((vn_type(val) == VN_ARR || vn_type(val) == VN_OBJ) &&
        info_set(t, val, T_FROZEN, 0) != 0)
        return -1;
    return 0;
}

/* ---- numbers, dates and times --------------------------------------------- */

/* n digits at p (within the text): their value, or -1. */
static int digits_at(const toml *t, const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p + i >= t->end || !is_digit((unsigned char)p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int days_in(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* HH:MM:SS[.fraction] at t->p, appended to out. */
static int time_of_day(toml *t, txt_buf *out, const char *at)
{
    const char *p = t->p;
    int h = digits_at(t, p, 2), m = -1, s = -1;
    if (h >= 0 && p + 2 < t->end && p[2] == ':')
        m = digits_at(t, p + 3, 2);
    if (m >= 0 && p + 5 < t->end && p[5] == ':')
        s = digits_at(t, p + 6, 2);
    if (s < 0)
        return fail(t, at, "a time is HH:MM:SS (with seconds)");
    if (h > 23 || m > 59 || s > 59)
        return fail(t, at, "time %.8s out of range", p);
    p += 8;
    if (p < t->end && *p == '.') {
        if (p + 1 >= t->end || !is_digit((unsigned char)p[1]))
            return fail(t, at, "expected the digits of a fraction of a second after \".\"");
        p++;
        while (p < t->end && is_digit((unsigned char)*p))
            p++;
    }
    buf_put(out, t->p, (size_t)(p - t->p));
    t->p = p;
    return 0;
}

/* A date, date-time or time, as the text says it (header comment of
 * front.h); t->p is at its first digit. */
static vnode *datetime(toml *t)
{
    const char *at = t->p;
    txt_buf out = { 0 };
    vnode *n = NULL;
    if (digits_at(t, at, 2) >= 0 && at + 2 < t->end && at[2] == ':') {
        if (time_of_day(t, &out, at) != 0)
            goto done;
    } else {
        int y = digits_at(t, at, 4), mo = -1, d = -1;
        if (y >= 0 && at + 4 < t->end && at[4] == '-')
            mo = digits_at(t, at + 5, 2);
        if (mo >= 0 && at + 7 < t->end && at[7] == '-')
            d = digits_at(t, at + 8, 2);
        if (d < 0) {
            fail(t, at, "a date is YYYY-MM-DD");
            goto done;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo)) {
            fail(t, at, "date %.10s does not exist", at);
            goto done;
        }
        buf_put(&out, at, 10);
        t->p = at + 10;
        /* a time follows after T, t, or a space and two digits and a colon */
        const char *p = t->p;
        int sep = p < t->end && (*p == 'T' || *p == 't' ||
                                 (*p == ' ' && digits_at(t, p + 1, 2) >= 0 &&
                                  p + 3 < t->end && p[3] == ':'));
        if (sep) {
            t->p++;
            buf_putc(&out, 'T');
            if (time_of_day(t, &out, at) != 0)
                goto done;
            p = t->p;
            if (p < t->end && (*p == 'Z' || *p == 'z')) {
                buf_putc(&out, 'Z');
                t->p++;
            } else if (p < t->end && (*p == '+' || *p == '-')) {
                int oh = digits_at(t, p + 1, 2), om = -1;
                if (oh >= 0 && p + 3 < t->end && p[3] == ':')
                    om = digits_at(t, p + 4, 2);
                if (om < 0 || oh > 23 || om > 59) {
                    char q[FRONT_QUOTE_SIZE];
                    fail(t, at, "a zone offset is +HH:MM or -HH:MM, not %s", near(t, p, q));
                    goto done;
                }
                buf_put(&out, p, 6);
                t->p = p + 6;
            }
        }
    }
    if (out.err)
        out_of_memory(t);
    else
        n = vn_str(t->v, out.p, out.len);
done:
    buf_free(&out);
    return n;
}

/* Digits with single underscores between them, in [p, end) of base base:
 * returns where they stop, or NULL when there are none or an underscore is
 * not between two digits. */
static const char *digit_run(const char *p, const char *end, int base)
{
    const char *start = p;
    for (; p < end; p++) {
        int h = hex_value((unsigned char)*p);
        if (h >= 0 && h < base)
            continue;
        if (*p == '_' && p > start && p + 1 < end && hex_value((unsigned char)p[1]) >= 0 &&
            hex_value((unsigned char)p[1]) < base && p[-1] != '_')
            continue;
        break;
    }
    return p > start && p[-1] != '_' ? p : NULL;
}

/* A float in [p, end) that digit_run() and the grammar have checked: its
 * value, the underscores left out and the decimal point the locale's, as
 * strtod() wants it. */
static int to_double(toml *t, const char *p, const char *end, double *x)
{
    txt_buf tmp = { 0 };
    const char *point = localeconv()->decimal_point;
    for (; p < end; p++) {
        if (*p == '.')
            buf_puts(&tmp, point);
        else if (*p != '_')
            buf_putc(&tmp, *p);
    }
    int rc = tmp.err ? out_of_memory(t) : 0;
    if (rc == 0)
        *x = strtod(tmp.p, NULL);
    buf_free(&tmp);
    return rc;
}

/* An integer or float at t->p (a digit, a sign, "inf" or "nan"). */
static vnode *number(toml *t)
{
    char q[FRONT_QUOTE_SIZE];
    const char *at = t->p, *p = at, *end = at;
    while (end < t->end && (is_bare((unsigned char)*end) || *end == '.' || *end == '+'))
        end++;
    int neg = p < end && *p == '-';
    if (p < end && (*p == '+' || *p == '-'))
        p++;
    if (end - p == 3 && (memcmp(p, "inf", 3) == 0 || memcmp(p, "nan", 3) == 0)) {
        t->p = end;
        double x = p[0] == 'i' ? (double)INFINITY : (double)NAN;
        return vn_num(t->v, neg ? -x : x);
    }
    int base = 10;
    if (p == at && end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b')) {
        base = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2;
        p += 2;
    }
    const char *q_end = digit_run(p, end, base);
    if (!q_end)
        goto bad;
    if (base == 10 && *p == '0' && q_end - p > 1) {
        fail(t, at, "a leading zero in the number %s", front_quote(q, at, end));
        return NULL;
    }
    int is_float = 0;
    if (base == 10 && q_end < end && *q_end == '.') {
        q_end = digit_run(q_end + 1, end, 10);
        if (!q_end)
            goto bad;
        is_float = 1;
    }
    if (base == 10 && q_end < end && (*q_end == 'e' || *q_end == 'E')) {
        const char *x = q_end + 1;
        if (x < end && (*x == '+' || *x == '-'))
            x++;
        q_end = digit_run(x, end, 10);
        if (!q_end)
            goto bad;
        is_float = 1;
    }
    if (q_end != end)
        goto bad;
    t->p = end;
    if (is_float) {
        double x;
        return to_double(t, at, end, &x) == 0 ? vn_num(t->v, x) : NULL;
    }
    /* the magnitude as unsigned, so that -9223372036854775808 fits */
    uint64_t u = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; p < end; p++) {
        if (*p == '_')
            continue;
        uint64_t d = (uint64_t)hex_value((unsigned char)*p);
        if (u > (limit - d) / (uint64_t)base) {
            fail(t, at, "the integer %s is beyond 64 bits", front_quote(q, at, end));
            return NULL;
        }
        u = u * (uint64_t)base + d;
    }
    return vn_int(t->v, neg ? (int64_t)(0 - u) : (int64_t)u);
bad:
    fail(t, at, "%s is not a number", front_quote(q, at, end));
    return NULL;
}

/* ---- values ---------------------------------------------------------------- */

static vnode *value(toml *t);
static int keyval(toml *t, vnode *tab);

static int deeper(toml *t)
{
    if (t->depth == MAX_DEPTH)
        return fail(t, t->p, "arrays and inline tables nested more than %d deep", MAX_DEPTH);
    t->depth++;
    return 0;
}

static vnode *array(toml *t)
{
    char q[FRONT_QUOTE_SIZE];
    const char *open = t->p++;
    if (deeper(t) != 0)
        return NULL;
    vnode *arr = vn_arr(t->v);
    for (;;) {
        if (skip_blank(t) != 0)
            return NULL;
        if (t->p >= t->end) {
            fail(t, open, "the array opened here is never closed");
            return NULL;
        }
        if (*t->p == ']')
            break;
        vnode *item = value(t);
        if (!item)
            return NULL;
        if (!vn_push(t->v, arr, item)) {
            out_of_memory(t);
            return NULL;
        }
        if (skip_blank(t) != 0)
            return NULL;
        if (t->p < t->end && *t->p == ',') {
            t->p++;
            continue;
        }
        if (t->p < t->end && *t->p == ']')
            break;
        if (t->p >= t->end)
            fail(t, open, "the array opened here is never closed");
        else
            fail(t, t->p, "expected \",\" or \"]\" in an array, found %s", near(t, t->p, q));
        return NULL;
    }
    t->p++;
    t->depth--;
    return arr;
}

/* { key = value, ... } on one line (values such as arrays may cross lines),
 * no comma after the last pair. */
static vnode *inline_table(toml *t)
{
    char q[FRONT_QUOTE_SIZE];
    t->p++;
    if (deeper(t) != 0)
        return NULL;
    vnode *tab = vn_obj(t->v);
    skip_ws(t);
    if (t->p < t->end && *t->p == '}') {
        t->p++;
        t->depth--;
        return tab;
    }
    for (;;) {
        if (t->p >= t->end || newline_at(t, t->p)) {
            fail(t, t->p, "an inline table is not closed on its line");
            return NULL;
        }
        if (keyval(t, tab) != 0)
            return NULL;
        skip_ws(t);
        if (t->p < t->end && *t->p == '}')
            break;
        if (t->p < t->end && *t->p == ',') {
            t->p++;
            skip_ws(t);
            if (t->p < t->end && *t->p == '}') {
                fail(t, t->p, "a comma after the last pair of an inline table");
                return NULL;
            }
            continue;
        }
        if (t->p >= t->end || newline_at(t, t->p))
            fail(t, t->p, "an inline table is not closed on its line");
        else
            fail(t, t->p, "expected \",\" or \"}\" in an inline table, found %s",
                 near(t, t->p, q));
        return NULL;
    }
    t->p++;
    t->depth--;
    return tab;
}

static int word_at(const toml *t, const char *w, size_t n)
{
    return (size_t)(t->end - t->p) >= n && memcmp(t->p, w, n) == 0;
}

static vnode *value(toml *t)
{
    char q[FRONT_QUOTE_SIZE];
    if (t->p >= t->end) {
        fail(t, t->p, "expected a value, found the end of the text");
        return NULL;
    }
    char c = *t->p;
    if (c == '"' || c == '\'') {
        if (string(t) != 0)
            return NULL;
        return vn_str(t->v, t->str.p, t->str.len);
    }
    if (c == '[')
        return array(t);
    if (c == '{')
        return inline_table(t);
    if (word_at(t, "true", 4) || word_at(t, "false", 5)) {
        int b = c == 't';
        t->p += b ? 4 : 5;
        return vn_bool(t->v, b);
    }
    if (is_digit((unsigned char)c) &&
        ((digits_at(t, t->p, 4) >= 0 && t->p + 4 < t->end && t->p[4] == '-') ||
         (digits_at(t, t->p, 2) >= 0 && t->p + 2 < t->end && t->p[2] == ':')))
        return datetime(t);
    if (is_digit((unsigned char)c) || c == '+' || c == '-' || c == 'i' || c == 'n')
        return number(t);
    fail(t, t->p, "expected a value, found %s", near(t, t->p, q));
    return NULL;
}

/* key = value, into tab. */
static int keyval(toml *t, vnode *tab)
{
    char q[FRONT_QUOTE_SIZE];
    tkey k = { 0 };
    int rc = -1;
    if (key(t, &k) != 0)
        goto done;
    if (t->p >= t->end || *t->p != '=') {
        char q2[FRONT_QUOTE_SIZE];
        fail(t, t->p, "expected \"=\" after the key %s, found %s", key_text(&k, q),
             near(t, t->p, q2));
        goto done;
    }
    t->p++;
    skip_ws(t);
    vnode *val = value(t);
    if (val)
        rc = put(t, tab, &k, val);
done:
    key_free(&k);
    return rc;
}

/* ---- tables ---------------------------------------------------------------- */

/* [a.b.c] or [[a.b.c]]: the table the key/values after it go into. */
static int header(toml *t)
{
    char q[FRONT_QUOTE_SIZE], qp[FRONT_QUOTE_SIZE];
    const char *at = t->p;
    int aot = t->end - t->p >= 2 && t->p[1] == '[';
    t->p += aot ? 2 : 1;
    skip_ws(t);
    tkey k = { 0 };
    int rc = -1;
    if (key(t, &k) != 0)
        goto done;
    if (!word_at(t, "]]", aot ? 2 : 1)) {
        fail(t, t->p, "expected \"%s\" after the table's name, found %s", aot ? "]]" : "]",
             near(t, t->p, q));
        goto done;
    }
    t->p += aot ? 2 : 1;
    t->section++;
    vnode *tab = t->root;
    for (int i = 0; i + 1 < k.n; i++) {
        vnode *child = member(tab, &k, i);
        unsigned f = child ? info_get(t, child, NULL) : 0;
        if (!child) {
            child = vn_obj(t->v);
            if (!vn_set(t->v, tab, k.b.p + k.off[i], child)) {
                out_of_memory(t);
                goto done;
            }
        } else if (f & T_FROZEN) {
            fail(t, at, "table %s: %s was given whole as a value", key_text(&k, q),
                 part_text(&k, i, qp));
            goto done;
        } else if (f & T_AOT) {
            child = last_of(child);      /* a table of the latest [[element]] */
        } else if (vn_type(child) != VN_OBJ) {
            fail(t, at, "table %s: %s already has a value, not a table", key_text(&k, q),
                 part_text(&k, i, qp));
            goto done;
        }
        tab = child;
    }
    vnode *last = member(tab, &k, k.n - 1);
    unsigned f = last ? info_get(t, last, NULL) : 0;
    const char *name = k.b.p + k.off[k.n - 1];
    if (aot) {
        if (last && !(f & T_AOT)) {
            fail(t, at, "array of tables %s: the key is already %s", key_text(&k, q),
                 vn_type(last) == VN_OBJ ? "a table" : "a value");
            goto done;
        }
        if (!last) {
            last = vn_arr(t->v);
            if (!vn_set(t->v, tab, name, last) || info_set(t, last, T_AOT, 0) != 0) {
                out_of_memory(t);
                goto done;
            }
        }
        vnode *elem = vn_obj(t->v);
        if (!vn_push(t->v, last, elem)) {
            out_of_memory(t);
            goto done;
        }
        last = elem;
    } else if (!last) {
        last = vn_obj(t->v);
        if (!vn_set(t->v, tab, name, last)) {
            out_of_memory(t);
            goto done;
        }
    } else {
        const char *why = f & T_AOT               ? "an array of tables"
                          : f & T_FROZEN          ? "given whole as a value"
                          : vn_type(last) != VN_OBJ ? "the key already has a value"
                          : f & T_HEADER          ? "declared twice"
                          : f & T_DOTTED          ? "already made by dotted keys"
                                                  : NULL;
        if (why) {
            fail(t, at, "table %s: %s", key_text(&k, q), why);
            goto done;
        }
    }
    if (info_set(t, last, T_HEADER, 0) != 0)
        goto done;
    t->table = last;
    rc = line_end(t, "a table's header");
done:
    key_free(&k);
    return rc;
}

static int document(toml *t)
{
    t->table = t->root;
    while (t->p < t->end) {
        skip_ws(t);
        if (t->p >= t->end)
            break;
        size_t nl = newline_at(t, t->p);
        if (nl) {
            t->p += nl;
            continue;
        }
        int rc;
        if (*t->p == '#')
            rc = line_end(t, "a comment");
        else if (*t->p == '[')
            rc = header(t);
        else if ((rc = keyval(t, t->table)) == 0)
            rc = line_end(t, "a value");
        if (rc != 0)
            return -1;
    }
    return 0;
}

int front_toml(const char *s, size_t len, view *v, vnode **root, front_error *e)
{
    memset(e, 0, sizeof *e);
    toml t = { .s = s, .p = s, .end = s + len, .v = v, .e = e };
    *root = t.root = vn_obj(v);
    if (!t.root) {
        front_fail(e, 0, "out of memory");
        return -1;
    }
    int rc = document(&t);
    buf_free(&t.str);
    free(t.info);
    if (rc == 0 && view_failed(v)) {
        front_fail(e, 0, "out of memory");
        rc = -1;
    }
    return rc;
}
