/* markup.c: a post body in reStructuredText, Markdown, HTML or plain text
 * becomes the plain text a reader sees, for the tokenizer. Line by line, no
 * recursion on the input's nesting, linear time; markup it cannot place stays
 * as text, never dropped blindly. Never prints; fails only when out of memory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"
#include "stemming/stemming.h"

typedef unsigned char uc;

/* ---- characters ---------------------------------------------------------- */

static int is_sp(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

static int is_ws(int ch)
{
    return is_sp(ch) || ch == '\n';
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static int is_alnum(int ch)
{
    return is_digit(ch) || is_alpha(ch);
}

static int is_apunct(int ch)
{
    return ch > 32 && ch < 127 && !is_alnum(ch);
}

/* ch is one of set; never the NUL that strchr() would find. */
static int in_set(const char *set, int ch)
{
    return ch != 0 && strchr(set, ch) != NULL;
}

static int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* The code point starting at s[i]; U+FFFD for a broken sequence, so a
 * caller that only classifies characters never reads past n. */
static uint32_t cp_at(const char *s, size_t n, size_t i)
{
    uc b = (uc)s[i];
    if (b < 0x80)
        return b;
    int len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
    if (len == 1 || i + (size_t)len > n)
        return 0xFFFD;
    uint32_t cp = b & (0x3Fu >> (len - 1));
    for (int k = 1; k < len; k++)
        cp = (cp << 6) | ((uc)s[i + (size_t)k] & 0x3Fu);
    return cp;
}

/* The code point that ends just before s[i], looking no further back than lo. */
static uint32_t cp_before(const char *s, size_t lo, size_t i)
{
    size_t k = i - 1;
    while (k > lo && i - k < 4 && ((uc)s[k] & 0xC0) == 0x80)
        k--;
    return cp_at(s, i, k);
}

static int cp_space(uint32_t cp)
{
    return (cp < 128 && is_ws((int)cp)) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Unicode punctuation and symbols, roughly: what may stand next to inline
 * markup the way ASCII punctuation does («цитата», тире —). */
static int cp_punct(uint32_t cp)
{
    if (cp < 128)
        return is_apunct((int)cp);
    return (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) ||
           cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x2027) ||
           (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF) ||
           (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x27BF) ||
           (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F);
}

static size_t utf8_enc(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int ci_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (lower((uc)a[i]) != lower((uc)b[i]))
            return 0;
    return 1;
}

/* ---- a memo for forward searches ------------------------------------------ */

/* Searches for the same closing string ("-->", "</script", a quote) start
 * again and again from later places; each remembers its last answer, and a
 * start inside the span it already proved empty gets that answer at once.
 * That keeps inputs like ten thousand unclosed "<!--" linear. The pattern's
 * first byte must not be a letter (it is found with memchr); the rest is
 * compared without regard to ASCII case. */
typedef struct {
    const char *pat;
    size_t plen;
    size_t from, at;  /* the last search: its start, and its hit or n for none */
    int used;
} finder;

static size_t find_pat(finder *f, const char *s, size_t n, size_t from)
{
    if (f->used && from >= f->from && from <= f->at)
        return f->at;
    size_t hit = n, k = from;
    while (k < n && n - k >= f->plen) {
        const char *q = memchr(s + k, f->pat[0], n - k - f->plen + 1);
        if (!q)
            break;
        k = (size_t)(q - s);
        if (ci_eq(s + k + 1, f->pat + 1, f->plen - 1)) {
            hit = k;
            break;
        }
        k++;
    }
    f->used = 1;
    f->from = from;
    f->at = hit;
    return hit;
}

/* ---- the output --------------------------------------------------------- */

typedef struct {
    size_t koff, klen;  /* the normalized label, bytes in keys */
    size_t voff, vlen;  /* its value, bytes in vals */
    uint32_t hash;
    int used;
} slot;

/* Markdown reference labels and reStructuredText substitutions: a set of
 * labels, case-folded (ASCII and Cyrillic) with whitespace runs as one space. */
typedef struct {
    txt_buf keys, vals;
    slot *tab;
    size_t cap, count;  /* slots allocated, slots used */
} labels;

typedef struct {
    txt_buf *out;
    size_t base;        /* out->len at the start: trimming never goes below */
    int brk;            /* break owed before the next text: 0, 1 line, 2 paragraph */
    int col;            /* 1 once the current output line has text */
    int any;            /* 1 once this call has written text */
    int verbatim;       /* code: keep a line's leading whitespace */
    int oom;            /* an allocation of our own failed */
    txt_buf para;       /* the paragraph (or table) being gathered */
    txt_buf html;       /* a Markdown HTML block being gathered */
    txt_buf row;        /* scratch: a table row, an :alt: value */
    txt_buf norm;       /* scratch: a normalized label */
    txt_buf cols;       /* grid table: 1 at each column with a '+' in the last border */
    size_t *gl;         /* grid table: (start, end) bytes of the current row's lines */
    size_t gl_n, gl_cap;
    labels lab;
    uc *mk;             /* Markdown: what becomes of each byte of a paragraph */
    size_t mk_cap;
    struct delim *dl;   /* Markdown emphasis delimiters */
    size_t dl_cap;
    struct bracket *br; /* Markdown link openers */
    size_t br_cap;
} cx;

static void trim_tail(cx *c)
{
    txt_buf *b = c->out;
    while (b->len > c->base) {
        uc ch = (uc)b->p[b->len - 1];
        if (is_sp(ch))
            b->len--;
        else if (ch == 0xA0 && b->len - c->base >= 2 && (uc)b->p[b->len - 2] == 0xC2)
            b->len -= 2;
        else
            break;
    }
    if (b->p)
        b->p[b->len] = '\0';
}

/* Appends text to the current line. Whitespace alone never starts a line, so
 * a line is either empty or has text; the owed break is written only when
 * text follows, so there are no leading or trailing blank lines. */
static void em_text(cx *c, const char *s, size_t n)
{
    size_t k = 0;
    if (!c->col) {
        while (k < n) {
            if (is_sp((uc)s[k]))
                k++;
            else if ((uc)s[k] == 0xC2 && k + 1 < n && (uc)s[k + 1] == 0xA0)
                k += 2;
            else
                break;
        }
        if (k == n)
            return;
        if (c->brk && c->any) {
            trim_tail(c);
            buf_put(c->out, "\n\n", (size_t)c->brk);
        }
        c->brk = 0;
        c->any = 1;
        c->col = 1;
        if (c->verbatim)
            k = 0;
    }
    buf_put(c->out, s + k, n - k);
}

static void em_nl(cx *c)
{
    if (c->col) {
        c->col = 0;
        if (c->brk < 1)
            c->brk = 1;
    }
}

static void em_para(cx *c)
{
    c->col = 0;
    c->brk = 2;
}

/* Text whose '\n's are line breaks. */
static void em_span(cx *c, const char *s, size_t n)
{
    while (n) {
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) : n;
        em_text(c, s, k);
        if (!nl)
            break;
        em_nl(c);
        s += k + 1;
        n -= k + 1;
    }
}

static void em_cp(cx *c, uint32_t cp)
{
    char u[4];
    em_text(c, u, utf8_enc(cp, u));
}

/* ---- lines -------------------------------------------------------------- */

typedef struct {
    size_t b, e;   /* the line's bytes, without its '\n' */
    size_t next;   /* where the next line starts */
    size_t t, te;  /* its text: first non-blank byte, end without trailing blanks */
    size_t ind;    /* leading whitespace in columns, tabs to multiples of 8 */
    int blank;
} ln;

static void ln_get(const char *s, size_t n, size_t at, ln *l)
{
    const char *nl = at < n ? memchr(s + at, '\n', n - at) : NULL;
    l->b = at;
    l->e = nl ? (size_t)(nl - s) : n;
    l->next = nl ? l->e + 1 : n;
    size_t k = at, col = 0;
    while (k < l->e && is_sp((uc)s[k])) {
        col = s[k] == '\t' ? (col / 8 + 1) * 8 : col + 1;
        k++;
    }
    l->t = k;
    l->ind = col;
    l->te = l->e;
    while (l->te > k && is_sp((uc)s[l->te - 1]))
        l->te--;
    l->blank = k == l->e;
}

/* ---- entities ----------------------------------------------------------- */

/* The named entities posts use. &nbsp; stays U+00A0, the character the
 * reader gets; the tokenizer splits words on it like on a space, and line
 * ends trim it like a space. */
static const struct {
    const char *name;
    uint32_t cp;
} entities[] = {
    { "amp", '&' },       { "lt", '<' },         { "gt", '>' },          { "quot", '"' },
    { "apos", '\'' },     { "nbsp", 0xA0 },      { "mdash", 0x2014 },    { "ndash", 0x2013 },
    { "laquo", 0xAB },    { "raquo", 0xBB },     { "hellip", 0x2026 },   { "copy", 0xA9 },
    { "reg", 0xAE },      { "trade", 0x2122 },   { "deg", 0xB0 },        { "plusmn", 0xB1 },
    { "times", 0xD7 },    { "divide", 0xF7 },    { "middot", 0xB7 },     { "bull", 0x2022 },
    { "lsquo", 0x2018 },  { "rsquo", 0x2019 },   { "ldquo", 0x201C },    { "rdquo", 0x201D },
    { "sbquo", 0x201A },  { "bdquo", 0x201E },   { "lsaquo", 0x2039 },   { "rsaquo", 0x203A },
    { "euro", 0x20AC },   { "minus", 0x2212 },   { "larr", 0x2190 },     { "rarr", 0x2192 },
    { "uarr", 0x2191 },   { "darr", 0x2193 },    { "harr", 0x2194 },     { "le", 0x2264 },
    { "ge", 0x2265 },     { "ne", 0x2260 },      { "infin", 0x221E },    { "sect", 0xA7 },
    { "para", 0xB6 },     { "shy", 0xAD },       { "thinsp", 0x2009 },   { "ensp", 0x2002 },
    { "emsp", 0x2003 },   { "zwnj", 0x200C },    { "zwj", 0x200D },      { "prime", 0x2032 },
    { "Prime", 0x2033 },  { "frac12", 0xBD },    { "frac14", 0xBC },     { "frac34", 0xBE },
    { "sup1", 0xB9 },     { "sup2", 0xB2 },      { "sup3", 0xB3 },       { "cent", 0xA2 },
    { "pound", 0xA3 },    { "yen", 0xA5 },       { "iexcl", 0xA1 },      { "iquest", 0xBF },
    { "dagger", 0x2020 }, { "Dagger", 0x2021 },  { "permil", 0x2030 },   { "micro", 0xB5 },
    { "not", 0xAC },      { "eacute", 0xE9 },    { "egrave", 0xE8 },     { "agrave", 0xE0 },
    { "aacute", 0xE1 },   { "ouml", 0xF6 },      { "uuml", 0xFC },       { "auml", 0xE4 },
    { "Ouml", 0xD6 },     { "Uuml", 0xDC },      { "Auml", 0xC4 },       { "szlig", 0xDF },
    { "ccedil", 0xE7 },   { "Eacute", 0xC9 },    { "ntilde", 0xF1 },     { "oacute", 0xF3 },
    { "iacute", 0xED },   { "uacute", 0xFA },    { "alpha", 0x3B1 },     { "beta", 0x3B2 },
    { "gamma", 0x3B3 },   { "delta", 0x3B4 },    { "lambda", 0x3BB },    { "mu", 0x3BC },
    { "pi", 0x3C0 },      { "sigma", 0x3C3 },    { "omega", 0x3C9 },     { "check", 0x2713 },
};

/* The entity at s[i] ('&'): its length, 0 if it is none (then the '&' is
 * text). Numeric references that name no character (0, surrogates, beyond
 * U+10FFFF, controls) give U+FFFD; '\n' and '\t' give a space so a
 * reference cannot break a line. */
static size_t entity(const char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t k = i + 1;
    if (k < n && s[k] == '#') {
        k++;
        int hex = k < n && (s[k] == 'x' || s[k] == 'X');
        if (hex)
            k++;
        size_t d = k;
        uint32_t v = 0;
        while (k < n && (hex ? (is_digit((uc)s[k]) || (lower((uc)s[k]) >= 'a' && lower((uc)s[k]) <= 'f'))
                             : is_digit((uc)s[k]))) {
            int dv = is_digit((uc)s[k]) ? s[k] - '0' : lower((uc)s[k]) - 'a' + 10;
            if (v <= 0x10FFFF)
                v = v * (hex ? 16u : 10u) + (uint32_t)dv;
            k++;
        }
        if (k == d || k >= n || s[k] != ';')
            return 0;
        if (v == '\n' || v == '\t')
            v = ' ';
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) || v < 0x20 ||
            (v >= 0x7F && v <= 0x9F))
            v = 0xFFFD;
        *cp = v;
        return k + 1 - i;
    }
    size_t d = k;
    while (k < n && k - d <= 32 && is_alnum((uc)s[k]))
        k++;
    if (k == d || k >= n || s[k] != ';')
        return 0;
    for (size_t e = 0; e < sizeof entities / sizeof entities[0]; e++)
        if (strlen(entities[e].name) == k - d && memcmp(entities[e].name, s + d, k - d) == 0) {
            *cp = entities[e].cp;
            return k + 1 - i;
        }
    return 0;
}

/* ---- labels ------------------------------------------------------------- */

/* Normalizes a label into c->norm: ASCII and Cyrillic capitals folded,
 * whitespace runs as one space, no space at either end. */
static void lab_norm(cx *c, const char *s, size_t n)
{
    txt_buf *b = &c->norm;
    buf_reset(b);
    int sp = 0;
    for (size_t i = 0; i < n; i++) {
        uc ch = (uc)s[i];
        if (is_ws(ch)) {
            sp = 1;
            continue;
        }
        if (sp && b->len)
            buf_putc(b, ' ');
        sp = 0;
        if (ch == 0xD0 && i + 1 < n) {
            uc x = (uc)s[i + 1];
            char u[2] = { (char)0xD0, (char)x };
            if (x >= 0x90 && x <= 0x9F)
                u[1] = (char)(x + 0x20);           /* А-П to а-п */
            else if (x >= 0xA0 && x <= 0xAF)
                u[0] = (char)0xD1, u[1] = (char)(x - 0x20);  /* Р-Я to р-я */
            else if (x >= 0x80 && x <= 0x8F)
                u[0] = (char)0xD1, u[1] = (char)(x + 0x10);  /* Ѐ-Џ, Ё to ё */
            buf_put(b, u, 2);
            i++;
            continue;
        }
        buf_putc(b, (char)lower(ch));
    }
}

static uint32_t lab_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uc)s[i]) * 16777619u;
    return h;
}

static slot *lab_find(cx *c, uint32_t h)
{
    labels *l = &c->lab;
    if (!l->cap)
        return NULL;
    for (size_t i = h & (l->cap - 1);; i = (i + 1) & (l->cap - 1)) {
        slot *sl = &l->tab[i];
        if (!sl->used)
            return sl;
        if (sl->hash == h && sl->klen == c->norm.len &&
            memcmp(l->keys.p + sl->koff, c->norm.p, c->norm.len) == 0)
            return sl;
    }
}

/* Adds a label with its value; a label already there keeps its first value,
 * as both Markdown and docutils take the first definition. */
static void lab_add(cx *c, const char *k, size_t kn, const char *v, size_t vn)
{
    labels *l = &c->lab;
    lab_norm(c, k, kn);
    if (c->norm.err || !c->norm.len)
        return;
    if ((l->count + 1) * 2 > l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        slot *tab = calloc(cap, sizeof *tab);
        if (!tab) {
            c->oom = 1;
            return;
        }
        for (size_t i = 0; i < l->cap; i++) {
            if (!l->tab[i].used)
                continue;
            size_t j = l->tab[i].hash & (cap - 1);
            while (tab[j].used)
                j = (j + 1) & (cap - 1);
            tab[j] = l->tab[i];
        }
        free(l->tab);
        l->tab = tab;
        l->cap = cap;
    }
    uint32_t h = lab_hash(c->norm.p, c->norm.len);
    slot *sl = lab_find(c, h);
    if (sl->used)
        return;
    sl->used = 1;
    sl->hash = h;
    sl->koff = l->keys.len;
    sl->klen = c->norm.len;
    buf_put(&l->keys, c->norm.p, c->norm.len);
    sl->voff = l->vals.len;
    sl->vlen = vn;
    buf_put(&l->vals, v, vn);
    l->count++;
}

static const slot *lab_get(cx *c, const char *k, size_t kn)
{
    if (!c->lab.count)
        return NULL;
    lab_norm(c, k, kn);
    if (c->norm.err || !c->norm.len)
        return NULL;
    const slot *sl = lab_find(c, lab_hash(c->norm.p, c->norm.len));
    return sl && sl->used ? sl : NULL;
}

/* ---- HTML --------------------------------------------------------------- */

typedef struct {
    size_t end;        /* just past the '>' */
    char name[16];     /* lower case; "" when longer than 15 */
    int close;         /* </name> */
    int self;          /* <name/> */
    size_t alt, alt_n; /* the alt attribute's value */
    int has_alt;
} tag;

/* Parses the tag at s[i] ('<'). A '>' inside a quoted value does not end it;
 * a '<' outside quotes, or the end of the input, means this was no tag and
 * the '<' is text ("a < b", "x<y"). The quote finders keep a long run of
 * broken tags linear. */
static int parse_tag(const char *s, size_t n, size_t i, tag *t, finder *fq, finder *fa)
{
    size_t k = i + 1;
    memset(t, 0, sizeof *t);
    if (k < n && s[k] == '/') {
        t->close = 1;
        k++;
    }
    if (k >= n || !is_alpha((uc)s[k]))
        return 0;
    size_t nb = k;
    while (k < n && (is_alnum((uc)s[k]) || s[k] == '-' || s[k] == ':' || s[k] == '_'))
        k++;
    if (k - nb < sizeof t->name)
        for (size_t j = nb; j < k; j++)
            t->name[j - nb] = (char)lower((uc)s[j]);
    if (k >= n || !(is_ws((uc)s[k]) || s[k] == '/' || s[k] == '>'))
        return 0;
    for (;;) {
        while (k < n && is_ws((uc)s[k]))
            k++;
        if (k >= n || s[k] == '<')
            return 0;
        if (s[k] == '>') {
            t->end = k + 1;
            return 1;
        }
        if (s[k] == '/') {
            t->self = k + 1 < n && s[k + 1] == '>';
            k++;
            continue;
        }
        size_t ab = k;
        while (k < n && !is_ws((uc)s[k]) && s[k] != '/' && s[k] != '>' && s[k] != '=' &&
               s[k] != '<')
            k++;
        size_t ae = k;
        if (ab == ae)
            k++;  /* a stray '=' */
        while (k < n && is_ws((uc)s[k]))
            k++;
        if (k >= n || s[k] != '=')
            continue;
        k++;
        while (k < n && is_ws((uc)s[k]))
            k++;
        if (k >= n)
            return 0;
        size_t vb, ve;
        if (s[k] == '"' || s[k] == '\'') {
            size_t q = find_pat(s[k] == '"' ? fq : fa, s, n, k + 1);
            if (q >= n)
                return 0;
            vb = k + 1;
            ve = q;
            k = q + 1;
        } else {
            vb = k;
            while (k < n && !is_ws((uc)s[k]) && s[k] != '>' && s[k] != '<')
                k++;
            ve = k;
        }
        if (ae - ab == 3 && ci_eq(s + ab, "alt", 3)) {
            t->alt = vb;
            t->alt_n = ve - vb;
            t->has_alt = 1;
        }
    }
}

static int name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Elements whose whole content a reader never sees. */
static const char *const html_hidden[] = {
    "script", "style", "template", "noscript", "svg", "head", "title",
    "iframe", "video", "audio", "object", "canvas", NULL
};

/* Elements that end a paragraph (td, th, tr and br are handled apart). */
static const char *const html_blocks[] = {
    "address", "article", "aside", "blockquote", "body", "caption", "center",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "ul", "option", "select", "textarea", "embed", NULL
};

/* An attribute value as text: entities decoded, whitespace runs as one space. */
/* Finders for the closing tag of each element whose content is hidden
 * ("</script", ...); pats holds their patterns. Returns how many. */
static size_t hidden_finders(finder fhid[16], char pats[16][16])
{
    size_t n = 0;
    for (; html_hidden[n]; n++) {
        pats[n][0] = '<';
        pats[n][1] = '/';
        strcpy(pats[n] + 2, html_hidden[n]);
        fhid[n] = (finder){ pats[n], strlen(pats[n]), 0, 0, 0 };
    }
    return n;
}

static void html_attr_text(cx *c, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        uint32_t cp;
        size_t el;
        if (s[i] == '&' && (el = entity(s, n, i, &cp)) != 0) {
            em_text(c, s + run, i - run);
            em_cp(c, cp);
            i += el;
            run = i;
        } else if (is_ws((uc)s[i])) {
            em_text(c, s + run, i - run);
            em_text(c, " ", 1);
            i++;
            run = i;
        } else {
            i++;
        }
    }
    em_text(c, s + run, n - run);
}

/* Converts an HTML fragment or page. */
static void html_run(cx *c, const char *s, size_t n)
{
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 };
    finder fcom = { "-->", 3, 0, 0, 0 }, fgt = { ">", 1, 0, 0, 0 };
    finder fbody = { "<body", 5, 0, 0, 0 };
    finder fhid[16];
    char pats[16][16];
    size_t nhid = hidden_finders(fhid, pats);
    int pre = 0, sp = 0, saved = c->verbatim;
    size_t i = 0;
    while (i < n) {
        uc ch = (uc)s[i];
        if (ch == '<' && i + 1 < n) {
            uc nx = (uc)s[i + 1];
            if (nx == '!' && i + 3 < n && s[i + 2] == '-' && s[i + 3] == '-') {
                /* a comment; an unclosed one hides the rest, as in a browser */
                if (i + 4 < n && s[i + 4] == '>') {
                    i += 5;
                } else if (i + 5 < n && s[i + 4] == '-' && s[i + 5] == '>') {
                    i += 6;
                } else {
                    size_t q = find_pat(&fcom, s, n, i + 4);
                    i = q >= n ? n : q + 3;
                }
                continue;
            }
            if (nx == '!' || nx == '?') {
                size_t q = find_pat(&fgt, s, n, i + 2);
                if (q < n) {
                    i = q + 1;
                    continue;
                }
            }
            tag t;
            if ((nx == '/' || is_alpha(nx)) && parse_tag(s, n, i, &t, &fq, &fa)) {
                i = t.end;
                if (!t.close && !t.self) {
                    for (size_t h = 0; h < nhid; h++) {
                        if (strcmp(t.name, html_hidden[h]) != 0)
                            continue;
                        size_t q = find_pat(&fhid[h], s, n, i);
                        if (strcmp(t.name, "head") == 0) {  /* a body start closes it too */
                            size_t b = find_pat(&fbody, s, n, i);
                            if (b < q)
                                q = b;
                        }
                        if (q >= n) {
                            i = n;
                        } else if (s[q + 1] == '/') {
                            size_t g = find_pat(&fgt, s, n, q);
                            i = g >= n ? n : g + 1;
                        } else {
                            i = q;  /* <body: read it as a tag */
                        }
                        em_para(c);
                        sp = 0;
                        break;
                    }
                }
                if (strcmp(t.name, "img") == 0 || (strcmp(t.name, "area") == 0 && !t.close)) {
                    if (t.has_alt && !t.close) {
                        c->verbatim = 0;
                        em_text(c, " ", 1);
                        html_attr_text(c, s + t.alt, t.alt_n);
                        sp = 1;
                    }
                } else if (strcmp(t.name, "br") == 0) {
                    em_nl(c);
                    sp = 0;
                } else if (strcmp(t.name, "tr") == 0) {
                    em_nl(c);
                    sp = 0;
                } else if (strcmp(t.name, "td") == 0 || strcmp(t.name, "th") == 0) {
                    sp = 1;
                } else if (name_in(t.name, html_blocks) || name_in(t.name, html_hidden)) {
                    if (strcmp(t.name, "pre") == 0 && !t.self) {
                        if (!t.close)
                            pre++;
                        else if (pre > 0)
                            pre--;
                    }
                    em_para(c);
                    sp = 0;
                }
                continue;
            }
        }
        if (ch == '&') {
            uint32_t cp;
            size_t el = entity(s, n, i, &cp);
            if (el) {
                c->verbatim = pre > 0;
                if (sp)
                    em_text(c, " ", 1);
                sp = 0;
                em_cp(c, cp);
                i += el;
                continue;
            }
        }
        if (pre > 0) {
            if (ch == '\n') {
                if (c->col)
                    em_nl(c);
                else if (i > 0 && s[i - 1] == '\n')
                    em_para(c);
                i++;
                continue;
            }
            size_t j = i + 1;
            while (j < n && s[j] != '<' && s[j] != '&' && s[j] != '\n')
                j++;
            c->verbatim = 1;
            if (sp)
                em_text(c, " ", 1);
            sp = 0;
            em_text(c, s + i, j - i);
            i = j;
            continue;
        }
        if (is_ws(ch)) {
            sp = 1;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && s[j] != '<' && s[j] != '&' && !is_ws((uc)s[j]))
            j++;
        c->verbatim = 0;
        if (sp)
            em_text(c, " ", 1);
        sp = 0;
        em_text(c, s + i, j - i);
        i = j;
    }
    c->verbatim = saved;
}

static void *grow(cx *c, void *p, size_t *cap, size_t need, size_t size);

/* ---- reStructuredText: inline markup ------------------------------------ */

enum { K_STRONG, K_EMPH, K_LIT, K_INTERP, K_SUBST, K_N };

typedef struct {
    cx *c;
    const char *t;
    size_t n;
    size_t run;        /* start of the text not yet written */
    int failed[K_N];   /* a search for this end-string failed: all later ones will */
    int nest;          /* N_ bits: what may not nest further */
} rin;

/* Inline markup does not nest in reStructuredText, but authors nest it
 * anyway (a link inside *emphasis*), so emphasis content is read once more;
 * these bits stop that, and substitution values, from going deeper. */
enum { N_EMPH = 1, N_SUBST = 2, N_REF = 4 };

/* docutils: a start-string follows the text's start, whitespace, or
 * punctuation other than closing brackets and a few symbols. */
static int rst_before_ok(const char *t, size_t i)
{
    if (i == 0)
        return 1;
    uint32_t cp = cp_before(t, 0, i);
    if (cp < 128)
        return is_ws((int)cp) || (is_apunct((int)cp) && !in_set(")]}>$+=^`|~_", (int)cp));
    return cp_space(cp) || cp_punct(cp);
}

/* ...and an end-string is followed by the end, whitespace, or punctuation
 * other than opening brackets. */
static int rst_after_ok(const char *t, size_t n, size_t k)
{
    if (k >= n)
        return 1;
    uint32_t cp = cp_at(t, n, k);
    if (cp < 128)
        return is_ws((int)cp) || (is_apunct((int)cp) && !in_set("([{<$+=^`|~_", (int)cp));
    return cp_space(cp) || cp_punct(cp);
}

/* A start-string at i of length dl: right neighbours, and not a quoted
 * character such as '*' or (*). */
static int rst_start_ok(const char *t, size_t n, size_t i, size_t dl)
{
    if (i + dl >= n || is_ws((uc)t[i + dl]) || !rst_before_ok(t, i))
        return 0;
    if (i > 0) {
        static const char open[] = "'\"<([{", close[] = "'\">)]}";
        const char *o = strchr(open, t[i - 1]);
        if (o && t[i - 1] && t[i + dl] == close[o - open])
            return 0;
    }
    return 1;
}

/* The end-string of a kind, searched from the content's first byte; n when
 * there is none. Escaped characters are skipped except in literals. */
static size_t rst_find_end(rin *r, int kind, size_t from)
{
    static const char *const ends[K_N] = { "**", "*", "``", "`", "|" };
    const char *t = r->t;
    size_t n = r->n, dl = strlen(ends[kind]);
    if (r->failed[kind])
        return n;
    for (size_t k = from; k < n;) {
        if (t[k] == '\\' && kind != K_LIT) {
            k += 2;
            continue;
        }
        if (k > from && t[k] == ends[kind][0] && n - k >= dl && memcmp(t + k, ends[kind], dl) == 0 &&
            !is_ws((uc)t[k - 1])) {
            size_t a = k + dl;
            if (rst_after_ok(t, n, a) ||
                ((kind == K_INTERP || kind == K_SUBST) && a < n && t[a] == '_') ||
                (kind == K_INTERP && a < n && t[a] == ':'))
                return k;
        }
        k++;
    }
    r->failed[kind] = 1;
    return n;
}

static void rin_flush(rin *r, size_t upto)
{
    if (upto > r->run)
        em_span(r->c, r->t + r->run, upto - r->run);
}

/* Writes s with backslash escapes resolved: "\x" is x, an escaped space is
 * nothing, an escaped line end keeps the line break. */
static void rst_unescape(cx *c, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        if (s[i] != '\\' || i + 1 >= n) {
            i++;
            continue;
        }
        em_span(c, s + run, i - run);
        if (s[i + 1] == ' ') {
            i += 2;
            run = i;
        } else if (s[i + 1] == '\n') {
            i++;
            run = i;
        } else {
            run = i + 1;
            i += 2;
        }
    }
    em_span(c, s + run, n - run);
}

static void rst_inline(cx *c, const char *t, size_t n, int nest);

/* The text of `content` in a reference or role: "text <target>" gives text,
 * "<target>" alone gives the target with its line breaks removed. */
static void rst_ref_text(cx *c, const char *t, size_t a, size_t b, int targets, int nest)
{
    if (targets && b > a + 1 && t[b - 1] == '>') {
        size_t lt = b - 1;
        while (lt > a && t[lt - 1] != '<')
            lt--;
        if (lt > a && (lt - 1 == a || is_ws((uc)t[lt - 2]))) {
            size_t te = lt - 1;
            while (te > a && is_ws((uc)t[te - 1]))
                te--;
            if (te > a) {
                b = te;  /* the text, read below */
            } else {
                for (size_t k = lt; k < b - 1;) {
                    size_t j = k;
                    while (j < b - 1 && !is_ws((uc)t[j]))
                        j++;
                    em_text(c, t + k, j - k);
                    k = j + (j < b - 1);
                }
                return;
            }
        }
    }
    /* "`**Жирная** ссылка <url>`__": docutils would show the stars; a
     * reader of the index is better served by the words */
    if (nest & N_REF)
        rst_unescape(c, t + a, b - a);
    else
        rst_inline(c, t + a, b - a, nest | N_REF);
}

/* A URL starting at t[i]: where it ends, 0 if there is none. */
static size_t url_end(const char *t, size_t n, size_t i)
{
    static const char *const schemes[] = { "http://", "https://", "ftp://", "mailto:" };
    for (size_t s = 0; s < sizeof schemes / sizeof schemes[0]; s++) {
        size_t sl = strlen(schemes[s]);
        if (n - i > sl && memcmp(t + i, schemes[s], sl) == 0) {
            size_t k = i + sl;
            while (k < n && !is_ws((uc)t[k]) && t[k] != '<' && t[k] != '>' && t[k] != '`')
                k++;
            return k;
        }
    }
    return 0;
}

/* `...` at i: plain, a reference (`_`, `__`), or with a role after it. */
static size_t rst_interp(rin *r, size_t i, size_t cb, int role)
{
    const char *t = r->t;
    size_t n = r->n;
    size_t e = rst_find_end(r, K_INTERP, cb);
    if (e >= n)
        return 0;
    size_t a = e + 1;
    int ref = 0;
    if (a < n && t[a] == '_') {
        ref = 1;
        a++;
        if (a < n && t[a] == '_')
            a++;
    } else if (!role && a < n && t[a] == ':') {
        size_t k = a + 1;
        while (k < n && k - a < 64 && (is_alnum((uc)t[k]) || in_set("-_.+", t[k])))
            k++;
        if (k < n && k > a + 1 && t[k] == ':' && rst_after_ok(t, n, k + 1)) {
            role = 1;
            a = k + 1;
        }
    }
    rin_flush(r, i);
    rst_ref_text(r->c, t, cb, e, ref || role, r->nest);
    r->run = a;
    return a;
}

static void rst_inline(cx *c, const char *t, size_t n, int nest)
{
    rin r = { c, t, n, 0, { 0 }, nest };
    size_t i = 0;
    while (i < n) {
        uc ch = (uc)t[i];
        size_t k, e;
        switch (ch) {
        case '\\':
            rin_flush(&r, i);
            if (i + 1 >= n) {
                r.run = i;
                i++;
            } else if (t[i + 1] == ' ') {
                i += 2;
                r.run = i;
            } else if (t[i + 1] == '\n') {
                i++;
                r.run = i;
            } else {
                r.run = i + 1;  /* the escaped character is plain text */
                i += 2;
            }
            continue;
        case '`':
            if (i + 1 < n && t[i + 1] == '`') {
                if (rst_start_ok(t, n, i, 2) && (e = rst_find_end(&r, K_LIT, i + 2)) < n) {
                    rin_flush(&r, i);
                    em_span(c, t + i + 2, e - i - 2);
                    i = r.run = e + 2;
                } else {
                    i += 2;
                }
                continue;
            }
            if (rst_start_ok(t, n, i, 1) && (k = rst_interp(&r, i, i + 1, 0)) != 0) {
                i = k;
                continue;
            }
            break;
        case ':':
            /* :role:`text` */
            if (rst_before_ok(t, i)) {
                k = i + 1;
                while (k < n && k - i < 64 && (is_alnum((uc)t[k]) || in_set("-_.+:", t[k])))
                    k++;
                if (k < n && t[k] == '`' && k > i + 2 && t[k - 1] == ':' && k + 1 < n &&
                    !is_ws((uc)t[k + 1]) && (e = rst_interp(&r, i, k + 1, 1)) != 0) {
                    i = e;
                    continue;
                }
            }
            break;
        case '*': {
            size_t dl = i + 1 < n && t[i + 1] == '*' ? 2 : 1;
            if (rst_start_ok(t, n, i, dl) &&
                (e = rst_find_end(&r, dl == 2 ? K_STRONG : K_EMPH, i + dl)) < n) {
                rin_flush(&r, i);
                if (nest & N_EMPH)
                    rst_unescape(c, t + i + dl, e - i - dl);
                else
                    rst_inline(c, t + i + dl, e - i - dl, nest | N_EMPH);
                i = r.run = e + dl;
            } else {
                i += dl;
            }
            continue;
        }
        case '|':
            if (rst_start_ok(t, n, i, 1) && (e = rst_find_end(&r, K_SUBST, i + 1)) < n) {
                rin_flush(&r, i);
                const slot *sl = nest & N_SUBST ? NULL : lab_get(c, t + i + 1, e - i - 1);
                if (sl && sl->vlen)
                    rst_inline(c, c->lab.vals.p + sl->voff, sl->vlen, nest | N_SUBST);
                else
                    rst_unescape(c, t + i + 1, e - i - 1);
                i = e + 1;
                if (i < n && t[i] == '_')
                    i++;
                if (i < n && t[i] == '_')
                    i++;
                r.run = i;
                continue;
            }
            break;
        case '[':
            /* footnote and citation references vanish: [1]_ [#]_ [#a]_ [CIT]_ */
            if (rst_before_ok(t, i)) {
                k = i + 1;
                while (k < n && k - i <= 64 && (is_alnum((uc)t[k]) || in_set("#*_.-", t[k])))
                    k++;
                if (k > i + 1 && k + 1 < n && t[k] == ']' && t[k + 1] == '_' &&
                    rst_after_ok(t, n, k + 2)) {
                    rin_flush(&r, i > r.run && t[i - 1] == ' ' ? i - 1 : i);
                    i = r.run = k + 2;
                    continue;
                }
            }
            break;
        case '<':
            /* "<url>`__" whose opening backquote is in another paragraph
             * (a blank line inside a link): the reader sees no URL */
            if (i == 0 || is_ws((uc)t[i - 1])) {
                k = i + 1;
                while (k < n && k - i < 2048 && t[k] != '>' && t[k] != '<' && !is_ws((uc)t[k]))
                    k++;
                if (k + 2 < n && t[k] == '>' && t[k + 1] == '`' && t[k + 2] == '_') {
                    size_t a = i;
                    while (a > r.run && is_sp((uc)t[a - 1]))
                        a--;
                    if (a > r.run && t[a - 1] == '`') {  /* pandoc's empty "` <>`__" */
                        a--;
                        while (a > r.run && is_sp((uc)t[a - 1]))
                            a--;
                    }
                    rin_flush(&r, a);
                    i = k + 3;
                    if (i < n && t[i] == '_')
                        i++;
                    r.run = i;
                    continue;
                }
            }
            break;
        case '_':
            /* _`inline target` */
            if (i + 1 < n && t[i + 1] == '`' && rst_start_ok(t, n, i, 2) &&
                (e = rst_find_end(&r, K_INTERP, i + 2)) < n) {
                rin_flush(&r, i);
                rst_unescape(c, t + i + 2, e - i - 2);
                i = r.run = e + 1;
                continue;
            }
            /* name_ and name__: the underscores go */
            if (i > 0 && (is_alnum((uc)t[i - 1]) || (uc)t[i - 1] >= 0x80)) {
                size_t a = i + 1 < n && t[i + 1] == '_' ? i + 2 : i + 1;
                if ((a < n && t[a] == '_') || !rst_after_ok(t, n, a))
                    break;
                size_t j = i;
                while (j > 0 && i - j < 256) {
                    if (is_alnum((uc)t[j - 1]) || (uc)t[j - 1] >= 0x80)
                        j--;
                    else if (j >= 2 && in_set("-._+:", t[j - 1]) &&
                             (is_alnum((uc)t[j - 2]) || (uc)t[j - 2] >= 0x80))
                        j--;
                    else
                        break;
                }
                if (i - j >= 256 || !rst_before_ok(t, j))
                    break;
                rin_flush(&r, i);
                i = r.run = a;
                continue;
            }
            break;
        case 'h':
        case 'f':
        case 'm':
            /* a bare URL is text as it stands, '*' and '_' in it included */
            if ((i == 0 || !is_alnum((uc)t[i - 1])) && (k = url_end(t, n, i)) != 0) {
                i = k;
                continue;
            }
            break;
        default:
            break;
        }
        i++;
    }
    rin_flush(&r, n);
}

/* ---- reStructuredText: blocks ------------------------------------------- */

enum { P_TEXT, P_LINES };

typedef struct {
    int kind;         /* P_TEXT or P_LINES (a line block) */
    size_t ind;       /* the paragraph's text column (a literal block is deeper) */
    int lit;          /* the last paragraph ended with "::" */
    size_t lit_ind;
    int fresh;        /* the line starts a block: after a blank line or a construct */
    int in_list;      /* list markers count without a blank line before them */
    size_t list_ind;  /* indentation of the last list marker */
    int in_field;
    int table;        /* 0, T_GRID, T_SIMPLE */
} rst_st;

enum { T_GRID = 1, T_SIMPLE };

/* A line of one repeated punctuation character, at least two long. */
static int rst_adorn(const char *s, const ln *l)
{
    if (l->blank || l->te - l->t < 2 || !is_apunct((uc)s[l->t]))
        return 0;
    for (size_t k = l->t + 1; k < l->te; k++)
        if (s[k] != s[l->t])
            return 0;
    return 1;
}

static size_t nchars(const char *s, size_t a, size_t b)
{
    return utf8_nchars(s + a, b - a);
}

/* Is u an underline for the title line l? docutils takes a short underline
 * only if it is at least four characters long. */
static int rst_underline(const char *s, const ln *l, const ln *u)
{
    if (!rst_adorn(s, u) || rst_adorn(s, l) || l->blank)
        return 0;
    size_t ul = u->te - u->t;
    if (ul == 2 && s[u->t] == ':')
        return 0;  /* "::" under a line introduces a literal block */
    return ul >= 4 || ul >= nchars(s, l->t, l->te);
}

static int rst_grid_border(const char *s, const ln *l)
{
    if (l->blank || s[l->t] != '+' || l->te - l->t < 3 || s[l->te - 1] != '+')
        return 0;
    int dash = 0;
    for (size_t k = l->t; k < l->te; k++) {
        if (!in_set("+-=:", s[k]))
            return 0;
        dash |= s[k] == '-' || s[k] == '=';
    }
    return dash;
}

/* "=====  =====": two columns at least, as docutils wants a simple table's
 * top border (a lone "=====" is a section adornment). */
static int rst_simple_top(const char *s, const ln *l)
{
    if (l->blank || s[l->t] != '=')
        return 0;
    int cols = 0, in = 0;
    for (size_t k = l->t; k < l->te; k++) {
        if (s[k] == '=') {
            cols += !in;
            in = 1;
        } else if (s[k] == ' ') {
            in = 0;
        } else {
            return 0;
        }
    }
    return cols >= 2;
}

static int rst_simple_border(const char *s, const ln *l)
{
    if (l->blank || (s[l->t] != '=' && s[l->t] != '-'))
        return 0;
    for (size_t k = l->t; k < l->te; k++)
        if (s[k] != '=' && s[k] != '-' && s[k] != ' ')
            return 0;
    return 1;
}

/* A bullet or enumerator at s[k]: its length including the following
 * space, 0 if none. *enumerated tells which. */
static size_t rst_marker(const char *s, size_t k, size_t e, int *enumerated)
{
    *enumerated = 0;
    if (k >= e)
        return 0;
    if (in_set("-*+", s[k])) {
        if (k + 1 == e)
            return 1;
        return is_sp((uc)s[k + 1]) ? 2 : 0;
    }
    static const char *const bullets[] = { "\xE2\x80\xA2", "\xE2\x80\xA3", "\xE2\x81\x83" };
    for (size_t b = 0; b < 3; b++)
        if (e - k >= 3 && memcmp(s + k, bullets[b], 3) == 0) {
            if (k + 3 == e)
                return 3;
            return is_sp((uc)s[k + 3]) ? 4 : 0;
        }
    size_t j = k, paren = 0;
    if (s[j] == '(') {
        paren = 1;
        j++;
    }
    size_t d = j;
    if (j < e && s[j] == '#') {
        j++;
    } else if (j < e && is_digit((uc)s[j])) {
        while (j < e && j - d < 9 && is_digit((uc)s[j]))
            j++;
    } else if (j < e && in_set("ivxIVX", s[j])) {
        while (j < e && j - d < 6 && in_set("ivxIVX", s[j]))
            j++;
    } else if (j < e && is_alpha((uc)s[j])) {
        j++;
    }
    if (j == d || j >= e)
        return 0;
    if (paren ? s[j] != ')' : (s[j] != '.' && s[j] != ')'))
        return 0;
    j++;
    if (j < e && !is_sp((uc)s[j]))
        return 0;
    *enumerated = 1;
    return j < e ? j + 1 - k : j - k;
}

/* ":name: " at s[k] (a field, or a directive option): the length of the
 * marker up to and including the second ':', 0 if none. A role (":sup:`")
 * is not a field. */
static size_t rst_field(const char *s, size_t k, size_t e)
{
    if (k >= e || s[k] != ':' || k + 1 >= e || is_ws((uc)s[k + 1]) || s[k + 1] == ':')
        return 0;
    for (size_t j = k + 1; j < e; j++) {
        if (s[j] == '\\') {
            j++;
            continue;
        }
        if (s[j] != ':')
            continue;
        if (j + 1 == e || is_sp((uc)s[j + 1]))
            return is_ws((uc)s[j - 1]) ? 0 : j + 1 - k;
        if (s[j + 1] == '`')
            return 0;
    }
    return 0;
}

static void para_add(cx *c, const char *s, size_t a, size_t b)
{
    if (c->para.len)
        buf_putc(&c->para, '\n');
    buf_put(&c->para, s + a, b - a);
}

/* Ends the paragraph. "text::" becomes "text:", a "::" after a space or
 * alone goes; at_blank says a literal block may follow. */
static void rst_flush(cx *c, rst_st *st, int at_blank)
{
    txt_buf *p = &c->para;
    size_t n = p->len;
    if (!n) {
        st->kind = P_TEXT;
        return;
    }
    while (n && is_ws((uc)p->p[n - 1]))
        n--;
    if (st->kind == P_TEXT && n >= 2 && p->p[n - 1] == ':' && p->p[n - 2] == ':' &&
        (n == 2 || p->p[n - 3] != '\\')) {
        if (n == 2 || is_ws((uc)p->p[n - 3])) {
            n -= 2;
            while (n && is_ws((uc)p->p[n - 1]))
                n--;
        } else {
            n -= 1;
        }
        if (at_blank) {
            st->lit = 1;
            st->lit_ind = st->ind;
        }
    }
    em_para(c);
    rst_inline(c, p->p, n, 0);
    em_para(c);
    buf_reset(p);
    st->kind = P_TEXT;
}

/* Skips an indented block: lines deeper than ind, and blank lines between
 * them unless until_blank. Returns where the block ends. */
static size_t skip_block(const char *s, size_t n, size_t pos, size_t ind, int until_blank)
{
    while (pos < n) {
        ln l;
        ln_get(s, n, pos, &l);
        if (l.blank ? until_blank : l.ind <= ind)
            break;
        pos = l.next;
    }
    return pos;
}

/* Writes the lines deeper than ind from pos as code, dedented by their
 * common indentation; with until_blank, the lines up to a blank one. A blank
 * line inside becomes the output's one paragraph break, as there is no other
 * way to write it. */
static size_t rst_verbatim(cx *c, const char *s, size_t n, size_t pos, size_t ind, int until_blank)
{
    size_t end = pos, min = (size_t)-1;
    while (end < n) {
        ln l;
        ln_get(s, n, end, &l);
        if (until_blank ? l.blank : (!l.blank && l.ind <= ind))
            break;
        if (!l.blank && l.ind < min)
            min = l.ind;
        end = l.next;
    }
    em_para(c);
    c->verbatim = 1;
    for (size_t at = pos; at < end;) {
        ln l;
        ln_get(s, n, at, &l);
        at = l.next;
        if (l.blank) {
            em_para(c);
            continue;
        }
        size_t k = l.b, col = 0;
        while (k < l.e && col < min && is_sp((uc)s[k])) {
            size_t nc = s[k] == '\t' ? (col / 8 + 1) * 8 : col + 1;
            if (nc > min)
                break;
            col = nc;
            k++;
        }
        em_text(c, s + k, l.te - k);
        em_nl(c);
    }
    c->verbatim = 0;
    em_para(c);
    return end;
}

/* What of a directive a reader sees. D_TITLED keeps its argument (the title
 * of a rubric or topic, the first words of a note); D_BODY keeps only the
 * content: the arguments of class:: and container:: are class names, and
 * an unknown directive's arguments are as likely a file name as words. */
enum { D_SKIP, D_IMAGE, D_FIGURE, D_RAW, D_CODE, D_TITLED, D_BODY };

static int rst_directive_kind(const char *name, size_t n)
{
    static const char *const skip[] = {
        "youtube", "vimeo", "soundcloud", "gist", "media", "include", "literalinclude",
        "contents", "sectnum", "section-numbering", "meta", "role", "default-role",
        "title", "header", "footer", "highlight", "toctree", "index", "target-notes",
        "post-list", "listing", "chart", "raw-html", NULL
    };
    static const char *const titled[] = {
        "rubric", "topic", "sidebar", "admonition", "note", "warning", "tip", "important",
        "caution", "attention", "danger", "error", "hint", "seealso", NULL
    };
    char low[32];
    if (n >= sizeof low)
        return D_BODY;
    for (size_t i = 0; i < n; i++)
        low[i] = (char)lower((uc)name[i]);
    low[n] = '\0';
    if (name_in(low, skip) || strncmp(low, "raw-", 4) == 0)
        return D_SKIP;
    if (strcmp(low, "image") == 0)
        return D_IMAGE;
    if (strcmp(low, "figure") == 0 || strcmp(low, "thumbnail") == 0)
        return D_FIGURE;
    if (strcmp(low, "raw") == 0)
        return D_RAW;
    if (strcmp(low, "code") == 0 || strcmp(low, "code-block") == 0 || strcmp(low, "sourcecode") == 0)
        return D_CODE;
    if (name_in(low, titled))
        return D_TITLED;
    return D_BODY;
}

/* A directive: arguments, then option lines, then content. What is kept of
 * each depends on the kind; content kept as body text is left to the main
 * loop, so nested directives cost no recursion. */
static size_t rst_directive(cx *c, rst_st *st, const char *s, size_t n, const ln *l,
                            size_t nb, size_t ne, size_t args)
{
    int kind = rst_directive_kind(s + nb, ne - nb);
    size_t ind = l->ind, pos = l->next;
    if (kind == D_SKIP)
        return skip_block(s, n, pos, ind, 0);
    int html = 0;
    for (size_t k = args; k + 4 <= l->te; k++)
        html |= ci_eq(s + k, "html", 4);
    buf_reset(&c->para);
    if (kind == D_TITLED && args < l->te)
        para_add(c, s, args, l->te);
    /* more argument lines, up to a blank line or an option */
    while (pos < n) {
        ln a;
        ln_get(s, n, pos, &a);
        if (a.blank || a.ind <= ind || rst_field(s, a.t, a.te))
            break;
        if (kind == D_TITLED)
            para_add(c, s, a.t, a.te);
        pos = a.next;
    }
    /* options; only :alt: is text a reader may see */
    buf_reset(&c->row);
    int in_alt = 0;
    size_t opt_ind = 0;
    while (pos < n) {
        ln o;
        ln_get(s, n, pos, &o);
        if (o.blank || o.ind <= ind)
            break;
        size_t fl = rst_field(s, o.t, o.te);
        if (fl) {
            opt_ind = o.ind;
            in_alt = fl == 5 && memcmp(s + o.t, ":alt:", 5) == 0;
            if (in_alt) {
                size_t v = o.t + fl;
                while (v < o.te && is_sp((uc)s[v]))
                    v++;
                buf_put(&c->row, s + v, o.te - v);
            }
        } else if (o.ind > opt_ind && opt_ind) {
            if (in_alt) {
                buf_putc(&c->row, ' ');
                buf_put(&c->row, s + o.t, o.te - o.t);
            }
        } else {
            break;
        }
        pos = o.next;
    }
    if (c->para.len) {
        em_para(c);
        rst_inline(c, c->para.p, c->para.len, 0);
        em_para(c);
        buf_reset(&c->para);
    }
    if (c->row.len && (kind == D_IMAGE || kind == D_FIGURE)) {
        em_para(c);
        em_text(c, c->row.p, c->row.len);
        em_para(c);
    }
    st->kind = P_TEXT;
    if (kind == D_RAW) {
        size_t end = skip_block(s, n, pos, ind, 0);
        if (html) {
            em_para(c);
            html_run(c, s + pos, end - pos);
            em_para(c);
        }
        return end;
    }
    if (kind == D_CODE)
        return rst_verbatim(c, s, n, pos, ind, 0);
    return pos;
}

/* A line starting with "..": comment, target, substitution definition,
 * footnote or directive. */
static size_t rst_explicit(cx *c, rst_st *st, const char *s, size_t n, const ln *l)
{
    size_t k = l->t + 2, ind = l->ind;
    while (k < l->te && is_sp((uc)s[k]))
        k++;
    if (k >= l->te) {
        /* ".." then a blank line is an empty comment; the indented block
         * after the blank line is a block quote and stays */
        ln nx;
        ln_get(s, n, l->next, &nx);
        if (l->next < n && !nx.blank && nx.ind > ind)
            return skip_block(s, n, l->next, ind, 0);
        return l->next;
    }
    if (s[k] == '_')
        return skip_block(s, n, l->next, ind, 1);
    if (s[k] == '|')
        return skip_block(s, n, l->next, ind, 0);
    if (s[k] == '[') {
        size_t j = k + 1;
        while (j < l->te && j - k <= 64 && s[j] != ']' && !is_ws((uc)s[j]))
            j++;
        if (j < l->te && j > k + 1 && s[j] == ']' && (j + 1 == l->te || is_sp((uc)s[j + 1]))) {
            j++;
            while (j < l->te && is_sp((uc)s[j]))
                j++;
            buf_reset(&c->para);
            st->kind = P_TEXT;
            st->ind = ind + 3;
            if (j < l->te)
                para_add(c, s, j, l->te);
            st->fresh = 0;
            return l->next;
        }
    }
    size_t nb = k;
    while (k < l->te) {
        if (l->te - k >= 2 && s[k] == ':' && s[k + 1] == ':' && (k + 2 == l->te || is_sp((uc)s[k + 2])))
            break;
        if (!is_alnum((uc)s[k]) && !in_set("-_.+:", s[k]))
            break;
        k++;
    }
    if (k > nb && l->te - k >= 2 && s[k] == ':' && s[k + 1] == ':') {
        size_t args = k + 2;
        while (args < l->te && is_sp((uc)s[args]))
            args++;
        return rst_directive(c, st, s, n, l, nb, k, args);
    }
    return skip_block(s, n, l->next, ind, 0);
}

/* Collects substitution definitions first, so |name| can show what the
 * reader sees: the replace:: text, or an image's :alt: (an image without
 * one gives its name, which is the alt text docutils writes). The
 * definitions themselves are dropped where they stand. */
static void rst_substitutions(cx *c, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        ln l;
        ln_get(s, n, pos, &l);
        pos = l.next;
        if (l.te - l.t < 6 || memcmp(s + l.t, ".. |", 4) != 0)
            continue;
        size_t nb = l.t + 4, k = nb;
        while (k < l.te && s[k] != '|')
            k++;
        if (k >= l.te || k == nb)
            continue;
        size_t ne = k++;
        while (k < l.te && is_sp((uc)s[k]))
            k++;
        size_t db = k;
        while (k < l.te && (is_alnum((uc)s[k]) || s[k] == '-'))
            k++;
        if (l.te - k < 2 || s[k] != ':' || s[k + 1] != ':')
            continue;
        int replace = k - db == 7 && memcmp(s + db, "replace", 7) == 0;
        int image = k - db == 5 && memcmp(s + db, "image", 5) == 0;
        buf_reset(&c->row);
        if (replace) {
            size_t v = k + 2;
            while (v < l.te && is_sp((uc)s[v]))
                v++;
            buf_put(&c->row, s + v, l.te - v);
        }
        int in_alt = 0;
        while (pos < n) {
            ln o;
            ln_get(s, n, pos, &o);
            if (o.blank || o.ind <= l.ind)
                break;
            size_t fl = rst_field(s, o.t, o.te);
            if (fl)
                in_alt = image && fl == 5 && memcmp(s + o.t, ":alt:", 5) == 0;
            if (replace || (in_alt && !fl)) {
                if (c->row.len)
                    buf_putc(&c->row, ' ');
                buf_put(&c->row, s + o.t, o.te - o.t);
            } else if (in_alt) {
                size_t v = o.t + fl;
                while (v < o.te && is_sp((uc)s[v]))
                    v++;
                buf_put(&c->row, s + v, o.te - v);
            }
            pos = o.next;
        }
        if (c->row.len && !c->row.err)
            lab_add(c, s + nb, ne - nb, c->row.p, c->row.len);
    }
}

/* A grid table row line read flat: the '|' under a border '+' becomes a
 * space. For tables too wide to take apart cell by cell. */
static void rst_grid_line(cx *c, const char *s, size_t b, size_t e)
{
    txt_buf *r = &c->row;
    buf_reset(r);
    size_t col = 0;
    for (size_t k = b; k < e; k++) {
        uc ch = (uc)s[k];
        int sep = ch == '|' && col < c->cols.len && c->cols.p[col];
        buf_putc(r, sep ? ' ' : (char)ch);
        if (ch == '\t')
            col = (col / 8 + 1) * 8;
        else if ((ch & 0xC0) != 0x80)
            col++;
    }
    if (!r->err) {
        rst_inline(c, r->p, r->len, 0);
        em_nl(c);
    }
}

static void rst_body(cx *c, const char *s, size_t n, int nested);

enum { GRID_MAX = 64 };  /* columns taken apart cell by cell */

/* Writes the grid table row gathered in c->gl. Each cell is the column's
 * slice of the row's lines: cells of one line each give one output line,
 * "cell cell"; a row with longer cells (lists, wrapped links) gives each
 * cell as body text, read as a small document of its own. */
static void rst_grid_flush(cx *c, const char *s)
{
    size_t nlines = c->gl_n / 2, bnd[GRID_MAX + 1], nb = 0;
    if (!nlines)
        return;
    for (size_t col = 0; col < c->cols.len && nb <= GRID_MAX; col++)
        if (c->cols.p[col])
            bnd[nb++] = col;
    if (nb < 2 || nb > GRID_MAX) {
        for (size_t i = 0; i < nlines; i++)
            rst_grid_line(c, s, c->gl[2 * i], c->gl[2 * i + 1]);
        c->gl_n = 0;
        return;
    }
    txt_buf cell[GRID_MAX];
    size_t filled[GRID_MAX];
    memset(cell, 0, sizeof cell);
    memset(filled, 0, sizeof filled);
    int bad = 0;
    for (size_t i = 0; i < nlines && !bad; i++) {
        size_t b = c->gl[2 * i], e = c->gl[2 * i + 1], col = 0, j = 0, start = 0, k;
        for (k = b; k < e && j < nb;) {
            uc ch = (uc)s[k];
            size_t cl = ch < 0x80 ? 1 : ch >= 0xF0 ? 4 : ch >= 0xE0 ? 3 : 2;
            if (cl > e - k)
                cl = e - k;
            if (col == bnd[j]) {
                bad |= ch != '|' && ch != '+';
                if (j > 0) {
                    buf_put(&cell[j - 1], s + start, k - start);
                    buf_putc(&cell[j - 1], '\n');
                }
                start = k + cl;
                j++;
            }
            col = ch == '\t' ? (col / 8 + 1) * 8 : col + 1;
            k += cl;
        }
        bad |= k < e || j == 0;  /* text beyond the border, or no cell at all */
        if (j > 0 && j < nb) {   /* a line shorter than the border */
            buf_put(&cell[j - 1], s + start, e - start);
            buf_putc(&cell[j - 1], '\n');
        }
    }
    if (bad) {  /* a malformed row: read flat, every character kept */
        for (size_t i = 0; i < nlines; i++)
            rst_grid_line(c, s, c->gl[2 * i], c->gl[2 * i + 1]);
        nb = 0;
    }
    int multi = 0;
    for (size_t j = 0; j + 1 < nb; j++) {
        const char *p = cell[j].p;
        for (size_t k = 0, text = 0; k < cell[j].len; k++) {
            if (p[k] == '\n') {
                filled[j] += text;
                text = 0;
            } else if (!is_sp((uc)p[k])) {
                text = 1;
            }
        }
        multi |= filled[j] > 1;
    }
    for (size_t j = 0; j + 1 < nb; j++) {
        if (!filled[j] || cell[j].err)
            continue;
        if (multi) {
            em_para(c);
            rst_body(c, cell[j].p, cell[j].len, 1);
            em_para(c);
        } else {
            size_t a = 0, z = cell[j].len;
            while (a < z && is_ws((uc)cell[j].p[a]))
                a++;
            while (z > a && is_ws((uc)cell[j].p[z - 1]))
                z--;
            em_text(c, " ", 1);
            rst_inline(c, cell[j].p + a, z - a, 0);
        }
    }
    if (multi)
        em_para(c);
    else
        em_nl(c);
    for (size_t j = 0; j < GRID_MAX; j++) {
        c->oom |= cell[j].err;
        buf_free(&cell[j]);
    }
    c->gl_n = 0;
}

static void rst_grid_cols(cx *c, const char *s, const ln *l)
{
    buf_reset(&c->cols);
    size_t col = 0;
    for (size_t k = l->b; k < l->te; k++) {
        size_t nc = s[k] == '\t' ? (col / 8 + 1) * 8 : col + 1;
        while (col < nc) {
            buf_putc(&c->cols, (char)(s[k] == '+'));
            col++;
        }
    }
}

/* nested: a grid table cell, which holds no grid table of its own (so the
 * recursion stops at one level) and no substitution definitions. */
static void rst_body(cx *c, const char *s, size_t n, int nested)
{
    rst_st st;
    memset(&st, 0, sizeof st);
    st.fresh = 1;
    if (!nested)
        rst_substitutions(c, s, n);
    size_t pos = 0;
    while (pos < n && !c->oom && !c->out->err) {
        ln l, nx;
        ln_get(s, n, pos, &l);
        pos = l.next;
        if (l.blank) {
            rst_flush(c, &st, 1);
            st.fresh = 1;
            st.in_field = 0;
            if (st.table) {
                rst_grid_flush(c, s);
                st.table = 0;
                em_para(c);
            }
            continue;
        }
        int lit = st.lit;
        st.lit = 0;
        if (lit && l.ind > st.lit_ind) {
            pos = rst_verbatim(c, s, n, l.b, st.lit_ind, 0);
            st.fresh = 1;
            continue;
        }
        const char *t = s + l.t;
        size_t tl = l.te - l.t;
        if (st.table == T_GRID) {
            if (rst_grid_border(s, &l)) {
                rst_grid_flush(c, s);
                rst_grid_cols(c, s, &l);
                continue;
            }
            if (t[0] == '|' || t[0] == '+') {
                size_t *gl = grow(c, c->gl, &c->gl_cap, c->gl_n + 2, sizeof *gl);
                if (gl) {
                    c->gl = gl;
                    gl[c->gl_n++] = l.b;
                    gl[c->gl_n++] = l.te;
                }
                continue;
            }
            rst_grid_flush(c, s);
            st.table = 0;
            em_para(c);
        } else if (st.table == T_SIMPLE) {
            if (rst_simple_border(s, &l)) {
                ln_get(s, n, pos, &nx);
                if (t[0] == '=' && (pos >= n || nx.blank)) {
                    st.table = 0;
                    em_para(c);
                }
                continue;
            }
            rst_inline(c, t, tl, 0);
            em_nl(c);
            continue;
        }
        if (t[0] == '.' && tl >= 2 && t[1] == '.' && (tl == 2 || is_sp((uc)t[2]))) {
            rst_flush(c, &st, 0);
            pos = rst_explicit(c, &st, s, n, &l);
            st.fresh = c->para.len == 0;
            st.in_list = st.in_field = 0;
            continue;
        }
        if (tl >= 2 && t[0] == '_' && t[1] == '_' && (tl == 2 || is_sp((uc)t[2]))) {
            rst_flush(c, &st, 0);
            pos = skip_block(s, n, pos, l.ind, 1);
            st.fresh = 1;
            continue;
        }
        if (!nested && rst_grid_border(s, &l) && t[1] == '-') {
            rst_flush(c, &st, 0);
            em_para(c);
            st.table = T_GRID;
            rst_grid_cols(c, s, &l);
            continue;
        }
        if (rst_simple_top(s, &l)) {
            rst_flush(c, &st, 0);
            em_para(c);
            st.table = T_SIMPLE;
            continue;
        }
        ln_get(s, n, pos, &nx);
        if (rst_adorn(s, &l)) {
            ln n2;
            ln_get(s, n, nx.next, &n2);
            if (pos < n && !nx.blank && !rst_adorn(s, &nx) && nx.next < n && rst_adorn(s, &n2) &&
                s[n2.t] == t[0]) {
                /* overline, title, underline */
                rst_flush(c, &st, 0);
                em_para(c);
                rst_inline(c, s + nx.t, nx.te - nx.t, 0);
                em_para(c);
                pos = n2.next;
                st.fresh = 1;
                continue;
            }
            if (tl >= 4) {  /* a transition */
                rst_flush(c, &st, 0);
                st.fresh = 1;
                continue;
            }
        }
        if (pos < n && rst_underline(s, &l, &nx)) {
            rst_flush(c, &st, 0);
            em_para(c);
            rst_inline(c, t, tl, 0);
            em_para(c);
            pos = nx.next;
            st.fresh = 1;
            st.in_list = 0;
            continue;
        }
        if (t[0] == '|' && (tl == 1 || is_sp((uc)t[1]))) {
            /* a line block: each "| " line is a line; "|" alone a blank one */
            if (st.kind != P_LINES || tl == 1)
                rst_flush(c, &st, 0);
            if (tl > 1) {
                size_t k = l.t + 2;
                while (k < l.te && is_sp((uc)s[k]))
                    k++;
                if (!c->para.len)
                    st.ind = l.ind;
                para_add(c, s, k, l.te);
                st.kind = P_LINES;
            }
            st.fresh = 0;
            continue;
        }
        if (st.kind == P_LINES && l.ind <= st.ind)
            rst_flush(c, &st, 0);
        if ((st.fresh || st.in_list) && tl >= 4 && memcmp(t, ">>> ", 4) == 0) {
            /* a doctest block: its lines as they are, but rf-web writes
             * ">>> `link <url>`__" as an arrow, so inline markup is read */
            rst_flush(c, &st, 0);
            for (; pos <= n; pos = l.next) {
                para_add(c, s, l.t, l.te);
                if (pos >= n)
                    break;
                ln_get(s, n, pos, &l);
                if (l.blank)
                    break;
            }
            st.kind = P_LINES;
            rst_flush(c, &st, 0);
            st.fresh = 1;
            continue;
        }
        if (st.fresh || st.in_list) {
            int en;
            size_t k = l.t, col = l.ind, ml = rst_marker(s, k, l.te, &en);
            if (ml && en && !st.in_list) {
                /* "2017. Год" is a sentence unless the next line continues
                 * an item or is one */
                int en2;
                size_t tc = l.ind + ml;
                if (!(pos >= n || nx.blank || nx.ind >= tc ||
                      (rst_marker(s, nx.t, nx.te, &en2) && en2)))
                    ml = 0;
            }
            if (ml) {
                rst_flush(c, &st, 0);
                st.list_ind = l.ind;
                while (ml) {  /* "- - item" nests */
                    k += ml;
                    col += ml;
                    while (k < l.te && is_sp((uc)s[k])) {
                        k++;
                        col++;
                    }
                    ml = rst_marker(s, k, l.te, &en);
                    if (en)
                        ml = 0;
                }
                st.in_list = 1;
                st.fresh = 0;
                st.kind = P_TEXT;
                st.ind = col;
                if (k < l.te)
                    para_add(c, s, k, l.te);
                continue;
            }
        }
        if (st.in_list && l.ind <= st.list_ind)
            st.in_list = 0;
        size_t fl;
        if ((st.fresh || st.in_field) && (fl = rst_field(s, l.t, l.te)) != 0) {
            /* a field ":Автор: Иван" reads "Автор: Иван" */
            rst_flush(c, &st, 0);
            st.in_field = 1;
            st.fresh = 0;
            st.kind = P_TEXT;
            st.ind = l.ind;
            para_add(c, s, l.t + 1, l.te);
            continue;
        }
        if (!c->para.len) {
            st.ind = l.ind;
            st.kind = P_TEXT;
        }
        para_add(c, s, l.t, l.te);
        st.fresh = 0;
    }
    if (st.table == T_GRID)
        rst_grid_flush(c, s);
    rst_flush(c, &st, 0);
}

/* ---- Markdown: inline --------------------------------------------------- */

enum { M_KEEP, M_DROP, M_NL, M_PARA, M_ENT, M_SP };

struct delim {
    size_t pos, len, olen;  /* remaining run at pos, its original length */
    char ch;
    uc open, close;
    int prev, next;         /* live delimiters while emphasis is processed */
};

struct bracket {
    size_t pos;
    int img;
    int dbot;               /* delimiters before this opener */
    int line_start;         /* the opener starts its line */
};

/* Grows an array to hold need elements; NULL (and c->oom) on failure, when
 * the old array stays valid and is freed at the end as usual. */
static void *grow(cx *c, void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    void *q = realloc(p, nc * size);
    if (!q) {
        c->oom = 1;
        return NULL;
    }
    *cap = nc;
    return q;
}

static void md_mark(cx *c, size_t a, size_t b, uc m)
{
    if (b > a)
        memset(c->mk + a, m, b - a);
}

static int md_char_class(const char *t, size_t n, size_t i, int before)
{
    /* 0 whitespace, 1 punctuation, 2 other */
    uint32_t cp;
    if (before) {
        if (i == 0)
            return 0;
        cp = cp_before(t, 0, i);
    } else {
        if (i >= n)
            return 0;
        cp = cp_at(t, n, i);
    }
    if (cp_space(cp))
        return 0;
    return cp_punct(cp) ? 1 : 2;
}

/* CommonMark's emphasis pass over the delimiters from bot on: matched
 * delimiter characters are dropped, the rest stay text. openers_bottom
 * keeps it linear, as in cmark. */
static void md_emphasis(cx *c, int bot, int top)
{
    struct delim *d = c->dl;
    if (top <= bot)
        return;
    for (int i = bot; i < top; i++) {
        d[i].prev = i - 1;
        d[i].next = i + 1 < top ? i + 1 : -1;
    }
    int obot[3][2][3];
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 2; b++)
            for (int m = 0; m < 3; m++)
                obot[a][b][m] = bot - 1;
    int cl = bot;
    while (cl >= 0) {
        struct delim *x = &d[cl];
        if (!x->close) {
            cl = x->next;
            continue;
        }
        int ci = x->ch == '*' ? 0 : x->ch == '_' ? 1 : 2;
        int lim = obot[ci][x->open][x->olen % 3];
        int op = x->prev, found = 0;
        while (op >= bot && op > lim) {
            struct delim *o = &d[op];
            if (o->ch == x->ch && o->open && o->len) {
                int odd = x->ch != '~' && (x->open || o->close) && (o->olen + x->olen) % 3 == 0 &&
                          !(o->olen % 3 == 0 && x->olen % 3 == 0);
                if (!odd && (x->ch != '~' || o->len == x->len)) {
                    found = 1;
                    break;
                }
            }
            op = o->prev;
        }
        if (!found) {
            obot[ci][x->open][x->olen % 3] = x->prev;
            int nx = x->next;
            if (!x->open) {  /* it can neither close nor open: unlink it */
                if (x->prev >= bot)
                    d[x->prev].next = x->next;
                if (x->next >= 0)
                    d[x->next].prev = x->prev;
            }
            cl = nx;
            continue;
        }
        struct delim *o = &d[op];
        size_t use = x->ch == '~' ? x->len : (x->len >= 2 && o->len >= 2) ? 2 : 1;
        md_mark(c, o->pos + o->len - use, o->pos + o->len, M_DROP);
        o->len -= use;
        md_mark(c, x->pos, x->pos + use, M_DROP);
        x->pos += use;
        x->len -= use;
        o->next = cl;  /* the delimiters between them are text now */
        x->prev = op;
        if (!o->len) {
            if (o->prev >= bot)
                d[o->prev].next = cl;
            x->prev = o->prev;
        }
        if (!x->len) {
            int nx = x->next;
            if (x->prev >= bot)
                d[x->prev].next = nx;
            if (nx >= 0)
                d[nx].prev = x->prev;
            cl = nx;
        }
    }
}

/* <scheme:...> or <user@host>: the end just past '>', 0 if neither. */
static size_t md_autolink(const char *t, size_t n, size_t i)
{
    size_t k = i + 1, j;
    if (k < n && is_alpha((uc)t[k])) {
        j = k + 1;
        while (j < n && j - k < 32 && (is_alnum((uc)t[j]) || t[j] == '+' || t[j] == '.' || t[j] == '-'))
            j++;
        if (j < n && t[j] == ':' && j - k >= 2) {
            j++;
            while (j < n && t[j] != '>' && t[j] != '<' && !is_ws((uc)t[j]) && (uc)t[j] >= 0x20)
                j++;
            if (j < n && t[j] == '>')
                return j + 1;
        }
    }
    j = k;
    while (j < n && (is_alnum((uc)t[j]) || in_set(".!#$%&'*+/=?^_`{|}~-", t[j])))
        j++;
    if (j > k && j < n && t[j] == '@') {
        size_t d = ++j;
        while (j < n && (is_alnum((uc)t[j]) || t[j] == '-' || t[j] == '.'))
            j++;
        if (j > d && j < n && t[j] == '>')
            return j + 1;
    }
    return 0;
}

/* "(dest "title")" at t[k]: the end just past ')', 0 if it is not one. Long
 * destinations and titles (over 4 KB) are refused to bound the work. */
static size_t md_link_tail(const char *t, size_t n, size_t k)
{
    size_t p = k + 1, lim;
    while (p < n && is_ws((uc)t[p]))
        p++;
    if (p < n && t[p] == '<') {
        p++;
        while (p < n && t[p] != '>' && t[p] != '<' && t[p] != '\n') {
            if (t[p] == '\\' && p + 1 < n)
                p++;
            p++;
        }
        if (p >= n || t[p] != '>')
            return 0;
        p++;
    } else {
        int depth = 0;
        lim = p + 4096;
        while (p < n && p < lim && !is_ws((uc)t[p]) && (uc)t[p] >= 0x20) {
            if (t[p] == '\\' && p + 1 < n) {
                p += 2;
                continue;
            }
            if (t[p] == '(' && ++depth > 32)
                return 0;
            if (t[p] == ')') {
                if (!depth)
                    break;
                depth--;
            }
            p++;
        }
        if (p >= lim || depth)
            return 0;
    }
    size_t sp = p;
    while (p < n && is_ws((uc)t[p]))
        p++;
    if (p < n && p > sp && (t[p] == '"' || t[p] == '\'' || t[p] == '(')) {
        char q = t[p] == '(' ? ')' : t[p];
        lim = p + 4096;
        p++;
        while (p < n && p < lim && t[p] != q) {
            if (t[p] == '\\' && p + 1 < n)
                p++;
            p++;
        }
        if (p >= n || p >= lim)
            return 0;
        p++;
        while (p < n && is_ws((uc)t[p]))
            p++;
    }
    return p < n && t[p] == ')' ? p + 1 : 0;
}

/* "[label]" at t[k]: the end just past ']', 0 if none. */
static size_t md_label(const char *t, size_t n, size_t k)
{
    size_t p = k + 1;
    while (p < n && p - k <= 1000 && t[p] != ']' && t[p] != '[') {
        if (t[p] == '\\' && p + 1 < n)
            p++;
        p++;
    }
    return p < n && t[p] == ']' ? p + 1 : 0;
}

/* Marks entities inside a range that is otherwise kept (an alt text). */
static void md_mark_entities(cx *c, const char *t, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++) {
        uint32_t cp;
        size_t el;
        if (t[i] == '&' && (el = entity(t, b, i, &cp)) != 0) {
            c->mk[i] = M_ENT;
            md_mark(c, i + 1, i + el, M_DROP);
            i += el - 1;
        }
    }
}

static void md_inline(cx *c, const char *t, size_t n)
{
    uc *mk = n ? grow(c, c->mk, &c->mk_cap, n, 1) : NULL;
    if (!mk)
        return;
    c->mk = mk;
    memset(c->mk, M_KEEP, n);
    int ndl = 0, nbr = 0, no_links_below = 0;
    int bt_fail[33] = { 0 };
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 }, fcom = { "-->", 3, 0, 0, 0 };
    finder fgt = { ">", 1, 0, 0, 0 };
    finder fhid[16];
    char pats[16][16];
    size_t nhid = hidden_finders(fhid, pats);
    size_t i = 0;
    while (i < n && !c->oom) {
        uc ch = (uc)t[i];
        if (ch == '\\') {
            if (i + 1 < n && (is_apunct((uc)t[i + 1]) || t[i + 1] == '\n')) {
                c->mk[i] = M_DROP;
                i += t[i + 1] == '\n' ? 1 : 2;
            } else {
                i++;
            }
        } else if (ch == '`') {
            size_t r = 1;
            while (i + r < n && t[i + r] == '`')
                r++;
            size_t q = n;
            if (r <= 32 && !bt_fail[r]) {
                for (size_t k = i + r; k < n;) {
                    const char *b = memchr(t + k, '`', n - k);
                    if (!b)
                        break;
                    size_t s = (size_t)(b - t), e = s;
                    while (e < n && t[e] == '`')
                        e++;
                    if (e - s == r) {
                        q = s;
                        break;
                    }
                    k = e;
                }
                if (q == n)
                    bt_fail[r] = 1;
            }
            if (q < n) {
                size_t a = i + r, b = q;
                md_mark(c, i, a, M_DROP);
                md_mark(c, q, q + r, M_DROP);
                if (b - a >= 2 && (t[a] == ' ' || t[a] == '\n') && (t[b - 1] == ' ' || t[b - 1] == '\n')) {
                    size_t k = a;
                    while (k < b && (t[k] == ' ' || t[k] == '\n'))
                        k++;
                    if (k < b) {
                        c->mk[a] = M_DROP;
                        c->mk[b - 1] = M_DROP;
                    }
                }
                i = q + r;
            } else {
                i += r;
            }
        } else if (ch == '<') {
            size_t e = md_autolink(t, n, i);
            tag tg;
            if (e) {
                c->mk[i] = M_DROP;
                c->mk[e - 1] = M_DROP;
                i = e;
            } else if (i + 3 < n && t[i + 1] == '!' && t[i + 2] == '-' && t[i + 3] == '-' &&
                       (e = find_pat(&fcom, t, n, i + 4)) < n) {
                md_mark(c, i, e + 3, M_DROP);
                i = e + 3;
            } else if (i + 1 < n && (t[i + 1] == '/' || is_alpha((uc)t[i + 1])) &&
                       parse_tag(t, n, i, &tg, &fq, &fa)) {
                size_t end = tg.end;
                md_mark(c, i, end, M_DROP);
                if (strcmp(tg.name, "img") == 0 && tg.has_alt && !tg.close) {
                    md_mark(c, tg.alt, tg.alt + tg.alt_n, M_KEEP);
                    md_mark_entities(c, t, tg.alt, tg.alt + tg.alt_n);
                    c->mk[i] = M_SP;
                    c->mk[end - 1] = M_SP;
                } else if (strcmp(tg.name, "br") == 0 || strcmp(tg.name, "tr") == 0) {
                    c->mk[i] = M_NL;
                } else if (strcmp(tg.name, "td") == 0 || strcmp(tg.name, "th") == 0) {
                    c->mk[i] = M_SP;
                } else if (name_in(tg.name, html_blocks)) {
                    c->mk[i] = M_PARA;
                } else if (!tg.close && !tg.self) {
                    for (size_t h = 0; h < nhid; h++)
                        if (strcmp(tg.name, html_hidden[h]) == 0) {
                            size_t q = find_pat(&fhid[h], t, n, end);
                            if (q < n) {
                                size_t g = find_pat(&fgt, t, n, q);
                                end = g < n ? g + 1 : n;
                                md_mark(c, i, end, M_DROP);
                            }
                            break;
                        }
                }
                i = end;
            } else {
                i++;
            }
        } else if (ch == '&') {
            uint32_t cp;
            size_t el = entity(t, n, i, &cp);
            if (el) {
                c->mk[i] = M_ENT;
                md_mark(c, i + 1, i + el, M_DROP);
                i += el;
            } else {
                i++;
            }
        } else if (ch == '*' || ch == '_' || ch == '~') {
            size_t r = 1;
            while (i + r < n && t[i + r] == (char)ch)
                r++;
            if (ch == '~' && r != 2) {
                i += r;
                continue;
            }
            int bc = md_char_class(t, n, i, 1), ac = md_char_class(t, n, i + r, 0);
            int left = ac != 0 && (ac != 1 || bc != 2);
            int right = bc != 0 && (bc != 1 || ac != 2);
            int op = left, cl = right;
            if (ch == '_') {
                op = left && (!right || bc == 1);
                cl = right && (!left || ac == 1);
            }
            struct delim *dl = op || cl ? grow(c, c->dl, &c->dl_cap, (size_t)ndl + 1, sizeof *dl) : NULL;
            if (dl) {
                c->dl = dl;
                c->dl[ndl] = (struct delim){ i, r, r, (char)ch, (uc)op, (uc)cl, 0, 0 };
                ndl++;
            }
            i += r;
        } else if ((ch == '!' && i + 1 < n && t[i + 1] == '[') || (ch == '[' && !(i + 1 < n && t[i + 1] == '^'))) {
            struct bracket *br = grow(c, c->br, &c->br_cap, (size_t)nbr + 1, sizeof *br);
            if (br) {
                c->br = br;
                if (nbr < no_links_below)
                    no_links_below = nbr;  /* a new opener may hold a link again */
                c->br[nbr] = (struct bracket){ i, ch == '!', ndl, i == 0 || t[i - 1] == '\n' };
                nbr++;
            }
            i += ch == '!' ? 2 : 1;
        } else if (ch == '[') {
            /* [^note] footnote references vanish */
            size_t k = i + 2;
            while (k < n && k - i <= 64 && t[k] != ']' && !is_ws((uc)t[k]) && t[k] != '[')
                k++;
            if (k < n && t[k] == ']' && k > i + 2) {
                md_mark(c, i, k + 1, M_DROP);
                i = k + 1;
            } else {
                i++;
            }
        } else if (ch == ']') {
            if (!nbr) {
                i++;
                continue;
            }
            struct bracket b = c->br[--nbr];
            if (!b.img && nbr < no_links_below) {
                i++;  /* no link inside a link: this opener is text */
                continue;
            }
            size_t tb = b.pos + (b.img ? 2 : 1), e = 0, k = i + 1;
            if (k < n && t[k] == '(')
                e = md_link_tail(t, n, k);
            if (!e && k < n && t[k] == '[' && (e = md_label(t, n, k)) != 0) {
                if (e == k + 2 && !(i - tb <= 999 && lab_get(c, t + tb, i - tb)))
                    e = 0;  /* [text][] needs text defined */
            }
            if (!e && i - tb <= 999 && lab_get(c, t + tb, i - tb))
                e = i + 1;
            if (!e) {
                i++;
                continue;
            }
            md_mark(c, b.pos, tb, M_DROP);
            md_mark(c, i, e, M_DROP);
            if (b.img && b.line_start && (e == n || t[e] == '\n')) {
                c->mk[b.pos] = M_PARA;
                c->mk[e - 1] = M_PARA;
            }
            md_emphasis(c, b.dbot, ndl);
            ndl = b.dbot;
            if (!b.img)
                no_links_below = nbr;
            i = e;
        } else {
            i++;
        }
    }
    if (!c->oom)
        md_emphasis(c, 0, ndl);
    size_t run = 0;
    for (i = 0; i < n; i++) {
        uc m = c->mk[i];
        if (m == M_KEEP)
            continue;
        em_span(c, t + run, i - run);
        run = i + 1;
        if (m == M_NL) {
            em_nl(c);
        } else if (m == M_PARA) {
            em_para(c);
        } else if (m == M_SP) {
            em_text(c, " ", 1);
        } else if (m == M_ENT) {
            uint32_t cp;
            if (entity(t, n, i, &cp))
                em_cp(c, cp);
        }
    }
    em_span(c, t + run, n - run);
}

/* ---- Markdown: blocks --------------------------------------------------- */

typedef struct {
    size_t list_ind;    /* content column of the innermost list item, 0 outside */
    int fence;          /* the open fence's character, 0 if none */
    size_t fence_len, fence_ind, fence_bq;
    int html;           /* the HTML block being gathered: its CommonMark type */
    size_t html_bq;
    int table;          /* para holds table rows */
    size_t para_bq;     /* block quote depth where the paragraph started */
    int prev_blank;
    int code;           /* inside an indented code block */
} md_st;

static void md_flush(cx *c, md_st *st)
{
    if (c->para.len) {
        em_para(c);
        md_inline(c, c->para.p, c->para.len);
        em_para(c);
        buf_reset(&c->para);
    }
    st->table = 0;
}

static void md_html_end(cx *c, md_st *st)
{
    em_para(c);
    html_run(c, c->html.p ? c->html.p : "", c->html.len);
    em_para(c);
    buf_reset(&c->html);
    st->html = 0;
}

/* A thematic break: three or more of one of - * _, spaces between. */
static int md_hr(const char *s, size_t k, size_t e)
{
    char m = 0;
    int cnt = 0;
    for (; k < e; k++) {
        if (is_sp((uc)s[k]))
            continue;
        if (!m && in_set("-*_", s[k]))
            m = s[k];
        if (s[k] != m)
            return 0;
        cnt++;
    }
    return cnt >= 3;
}

/* A list marker at s[k]: its length, 0 if none. */
static size_t md_marker(const char *s, size_t k, size_t e, int *ordered, long *num)
{
    *ordered = 0;
    if (k >= e)
        return 0;
    if (s[k] == '-' || s[k] == '*' || s[k] == '+')
        return k + 1 == e || is_sp((uc)s[k + 1]) ? 1 : 0;
    size_t j = k;
    long v = 0;
    while (j < e && j - k < 9 && is_digit((uc)s[j]))
        v = v * 10 + (s[j++] - '0');
    if (j == k || j >= e || (s[j] != '.' && s[j] != ')'))
        return 0;
    j++;
    if (j < e && !is_sp((uc)s[j]))
        return 0;
    *ordered = 1;
    *num = v;
    return j - k;
}

/* The CommonMark HTML block starting at s[k], 0 if none: 1 raw (script, pre,
 * style, textarea), 2 comment, 3 <?, 4 <!X, 5 CDATA, 6 block tag, 7 any
 * lone tag (which cannot interrupt a paragraph). */
static int md_html_start(const char *s, size_t k, size_t e, int in_para)
{
    static const char *const raw[] = { "script", "pre", "style", "textarea", NULL };
    static const char *const blocks[] = {
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption",
        "center", "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "legend", "li",
        "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p",
        "param", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "title", "tr", "track", "ul", NULL
    };
    if (k >= e || s[k] != '<')
        return 0;
    if (e - k >= 4 && memcmp(s + k, "<!--", 4) == 0)
        return 2;
    if (e - k >= 2 && s[k + 1] == '?')
        return 3;
    if (e - k >= 9 && memcmp(s + k, "<![CDATA[", 9) == 0)
        return 5;
    if (e - k >= 3 && s[k + 1] == '!' && is_alpha((uc)s[k + 2]))
        return 4;
    size_t j = k + 1;
    int close = j < e && s[j] == '/';
    j += (size_t)close;
    size_t nb = j;
    char name[16];
    while (j < e && j - nb < 15 && is_alnum((uc)s[j])) {
        name[j - nb] = (char)lower((uc)s[j]);
        j++;
    }
    if (j == nb || (j < e && is_alnum((uc)s[j])))
        return 0;
    name[j - nb] = '\0';
    int endok = j == e || is_sp((uc)s[j]) || s[j] == '>' || (s[j] == '/' && j + 1 < e && s[j + 1] == '>');
    if (!close && name_in(name, raw) && (j == e || is_sp((uc)s[j]) || s[j] == '>'))
        return 1;
    if (name_in(name, blocks) && endok)
        return 6;
    if (in_para)
        return 0;
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 };
    tag t;
    if (!parse_tag(s, e, k, &t, &fq, &fa))
        return 0;
    for (j = t.end; j < e; j++)
        if (!is_sp((uc)s[j]))
            return 0;
    return 7;
}

static int md_html_ends(int type, const char *s, size_t a, size_t e)
{
    static const char *const ends[] = { "</script>", "</pre>", "</style>", "</textarea>" };
    for (size_t k = a; k < e; k++) {
        if (type == 1) {
            for (size_t x = 0; x < 4; x++) {
                size_t l = strlen(ends[x]);
                if (e - k >= l && ci_eq(s + k, ends[x], l))
                    return 1;
            }
        } else if ((type == 2 && e - k >= 3 && memcmp(s + k, "-->", 3) == 0) ||
                   (type == 3 && e - k >= 2 && memcmp(s + k, "?>", 2) == 0) ||
                   (type == 4 && s[k] == '>') ||
                   (type == 5 && e - k >= 3 && memcmp(s + k, "]]>", 3) == 0)) {
            return 1;
        }
    }
    return 0;
}

/* A table's delimiter row: |---|:---:| and the like. */
static int md_delim_row(const char *s, size_t k, size_t e)
{
    int dash = 0, pipe = 0;
    for (; k < e; k++) {
        if (s[k] == '-')
            dash = 1;
        else if (s[k] == '|')
            pipe = 1;
        else if (s[k] != ':' && !is_sp((uc)s[k]))
            return 0;
    }
    return dash && pipe;
}

/* A table row into the paragraph: unescaped '|' become spaces. */
static void md_row(cx *c, const char *s, size_t a, size_t b)
{
    if (c->para.len)
        buf_putc(&c->para, '\n');
    for (size_t k = a; k < b; k++)
        buf_putc(&c->para, s[k] == '|' && (k == a || s[k - 1] != '\\') ? ' ' : s[k]);
}

/* Strips block quote markers from s[k...e), at most max of them. */
static size_t md_quotes(const char *s, size_t k, size_t e, size_t max, size_t *depth)
{
    *depth = 0;
    while (*depth < max) {
        size_t j = k, sp = 0;
        while (j < e && s[j] == ' ' && sp < 4) {
            j++;
            sp++;
        }
        if (sp > 3 || j >= e || s[j] != '>')
            break;
        k = j + 1;
        if (k < e && is_sp((uc)s[k]))
            k++;
        (*depth)++;
    }
    return k;
}

/* Collects reference definition labels, so "[text]" is a link only when
 * text is defined and stays as written otherwise. */
static void md_labels(cx *c, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        ln l;
        size_t d;
        ln_get(s, n, pos, &l);
        pos = l.next;
        size_t k = md_quotes(s, l.b, l.e, (size_t)-1, &d);
        while (k < l.e && s[k] == ' ')
            k++;
        if (k >= l.e || s[k] != '[' || (k + 1 < l.e && s[k + 1] == '^'))
            continue;
        size_t e = md_label(s, l.e, k);
        if (e && e < l.e && s[e] == ':' && e > k + 2)
            lab_add(c, s + k + 1, e - k - 2, "", 0);
    }
}

static size_t cols_skip(const char *s, size_t k, size_t e, size_t want)
{
    size_t col = 0;
    while (k < e && col < want && (s[k] == ' ' || s[k] == '\t')) {
        col = s[k] == '\t' ? (col / 4 + 1) * 4 : col + 1;
        k++;
    }
    return k;
}

static void md_verbatim_line(cx *c, const char *s, size_t k, size_t e)
{
    size_t te = e;
    while (te > k && is_sp((uc)s[te - 1]))
        te--;
    if (te == k) {
        em_para(c);
        return;
    }
    c->verbatim = 1;
    em_text(c, s + k, te - k);
    em_nl(c);
    c->verbatim = 0;
}

static void md_body(cx *c, const char *s, size_t n)
{
    md_st st;
    memset(&st, 0, sizeof st);
    md_labels(c, s, n);
    size_t pos = 0;
    while (pos < n && !c->oom && !c->out->err) {
        ln l;
        ln_get(s, n, pos, &l);
        pos = l.next;
        size_t bq;
        size_t maxq = st.fence ? st.fence_bq : st.html ? st.html_bq : (size_t)-1;
        size_t k = md_quotes(s, l.b, l.e, maxq, &bq);
        size_t te = l.e;
        while (te > k && is_sp((uc)s[te - 1]))
            te--;
        int blank = te == k;
        if (st.fence) {
            if (bq < st.fence_bq && !blank) {
                st.fence = 0;
                em_para(c);
            } else {
                size_t j = cols_skip(s, k, te, (size_t)-1), r = 0;
                while (j + r < te && s[j + r] == st.fence)
                    r++;
                if (r >= st.fence_len && j + r == te) {
                    st.fence = 0;
                    em_para(c);
                } else {
                    md_verbatim_line(c, s, cols_skip(s, k, l.e, st.fence_ind), l.e);
                }
                continue;
            }
        }
        if (st.html) {
            if (st.html >= 6 && blank) {
                md_html_end(c, &st);
            } else {
                buf_put(&c->html, s + k, l.e - k);
                buf_putc(&c->html, '\n');
                if (st.html < 6 && md_html_ends(st.html, s, k, l.e))
                    md_html_end(c, &st);
                continue;
            }
        }
        if (blank) {
            md_flush(c, &st);
            em_para(c);
            st.prev_blank = 1;
            continue;
        }
        int para = c->para.len && !st.table;
        /* list item markers, possibly nested on one line: "- 1. text" */
        size_t col = 0, j, ind;
        int item = 0;
        for (;;) {
            j = k;
            ind = col;
            while (j < te && (s[j] == ' ' || s[j] == '\t')) {
                ind = s[j] == '\t' ? (ind / 4 + 1) * 4 : ind + 1;
                j++;
            }
            if (!item && st.prev_blank && ind < st.list_ind)
                st.list_ind = ind;  /* back out to an enclosing item, roughly */
            if (ind >= st.list_ind + 4 && !item)
                break;
            int ordered;
            long num = 0;
            size_t ml = md_marker(s, j, te, &ordered, &num);
            if (!ml || md_hr(s, j, te))
                break;
            size_t q = j + ml, wc = ind + ml;
            while (q < te && (s[q] == ' ' || s[q] == '\t')) {
                wc = s[q] == '\t' ? (wc / 4 + 1) * 4 : wc + 1;
                q++;
            }
            /* only a non-empty item, numbered 1 if numbered, interrupts a
             * paragraph; a line left of the open item's content starts a
             * new list rather than continuing its paragraph */
            if (para && !item && !(st.list_ind && ind < st.list_ind) &&
                (q == te || (ordered && num != 1)))
                break;
            item = 1;
            if (q == te || wc - (ind + ml) > 4) {
                st.list_ind = ind + ml + 1;
                k = q == te ? q : j + ml + 1;
                col = ind + ml + 1;
            } else {
                st.list_ind = wc;
                k = q;
                col = wc;
            }
            if (te - k >= 3 && s[k] == '[' && in_set(" xX", s[k + 1]) && s[k + 2] == ']' &&
                (te - k == 3 || is_sp((uc)s[k + 3]))) {
                k += 3;
                while (k < te && is_sp((uc)s[k]))
                    k++;
            }
            size_t d2;
            size_t k2 = md_quotes(s, k, te, (size_t)-1, &d2);
            if (d2) {  /* "- > quote" */
                k = k2;
                bq += d2;
            }
        }
        st.prev_blank = 0;
        if (item) {
            md_flush(c, &st);
            em_para(c);
            st.code = 0;
            ind = 0;
            j = k;
            while (j < te && is_sp((uc)s[j]))
                j++;
            para = 0;
            if (j == te)
                continue;
        }
        if (!para && !item && ind >= st.list_ind + 4) {
            if (st.table)
                md_flush(c, &st);
            if (!st.code)
                em_para(c);
            st.code = 1;
            md_verbatim_line(c, s, cols_skip(s, k, l.e, st.list_ind + 4), l.e);
            continue;
        }
        if (st.code) {
            st.code = 0;
            em_para(c);
        }
        int deep = ind > st.list_ind + 3 && !item;
        /* fenced code */
        if (!deep && te - j >= 3 && (s[j] == '`' || s[j] == '~') && s[j + 1] == s[j] && s[j + 2] == s[j]) {
            size_t r = 3;
            while (j + r < te && s[j + r] == s[j])
                r++;
            int ok = 1;
            if (s[j] == '`')
                for (size_t x = j + r; x < te; x++)
                    ok &= s[x] != '`';
            if (ok) {
                md_flush(c, &st);
                em_para(c);
                st.fence = s[j];
                st.fence_len = r;
                st.fence_ind = item ? col : ind;
                st.fence_bq = bq;
                continue;
            }
        }
        int ht;
        if (!deep && (ht = md_html_start(s, j, te, para)) != 0) {
            md_flush(c, &st);
            st.html = ht;
            st.html_bq = bq;
            buf_reset(&c->html);
            buf_put(&c->html, s + j, l.e - j);
            buf_putc(&c->html, '\n');
            size_t from = j + (ht == 5 ? 9 : ht == 2 ? 4 : ht == 1 ? 1 : 2);
            if (ht < 6 && from <= l.e && md_html_ends(ht, s, from, l.e))
                md_html_end(c, &st);
            continue;
        }
        if (!deep && para && (s[j] == '=' || s[j] == '-')) {
            size_t x = j;
            while (x < te && s[x] == s[j])
                x++;
            if (x == te) {  /* a setext underline: the paragraph was a heading */
                md_flush(c, &st);
                continue;
            }
        }
        if (!deep && md_hr(s, j, te)) {
            md_flush(c, &st);
            em_para(c);
            continue;
        }
        if (!deep && s[j] == '#') {
            size_t h = j;
            while (h < te && s[h] == '#')
                h++;
            if (h - j <= 6 && (h == te || is_sp((uc)s[h]))) {
                size_t e = te;
                size_t x = e;
                while (x > h && s[x - 1] == '#')
                    x--;
                if (x == h || is_sp((uc)s[x - 1]))
                    e = x;
                while (e > h && is_sp((uc)s[e - 1]))
                    e--;
                while (h < e && is_sp((uc)s[h]))
                    h++;
                md_flush(c, &st);
                buf_put(&c->para, s + h, e - h);
                md_flush(c, &st);
                continue;
            }
        }
        if (!deep && s[j] == '[') {
            size_t e = md_label(s, te, j);
            if (e && e < te && s[e] == ':' && e > j + 2 && s[j + 1] == '^') {
                /* a footnote definition: its text stays */
                md_flush(c, &st);
                e++;
                while (e < te && is_sp((uc)s[e]))
                    e++;
                st.para_bq = bq;
                if (e < te)
                    buf_put(&c->para, s + e, te - e);
                continue;
            }
            if (e && e < te && s[e] == ':' && e > j + 2 && !para)
                continue;  /* a reference definition */
        }
        if (st.table) {
            if (memchr(s + j, '|', te - j)) {
                md_row(c, s, j, te);
                continue;
            }
            md_flush(c, &st);
            para = 0;
        }
        if (memchr(s + j, '|', te - j) && pos < n) {
            ln nl;
            size_t d2;
            ln_get(s, n, pos, &nl);
            size_t k2 = md_quotes(s, nl.b, nl.e, (size_t)-1, &d2);
            while (k2 < nl.e && is_sp((uc)s[k2]))
                k2++;
            if (md_delim_row(s, k2, nl.te)) {
                md_flush(c, &st);
                em_para(c);
                st.table = 1;
                md_row(c, s, j, te);
                pos = nl.next;
                continue;
            }
        }
        if (para && bq > st.para_bq)
            md_flush(c, &st);
        if (!c->para.len)
            st.para_bq = bq;
        para_add(c, s, j, te);
    }
    if (st.html)
        md_html_end(c, &st);
    md_flush(c, &st);
}

/* ---- plain text --------------------------------------------------------- */

static void text_body(cx *c, const char *s, size_t n)
{
    size_t pos = 0;
    while (pos < n) {
        ln l;
        ln_get(s, n, pos, &l);
        pos = l.next;
        md_verbatim_line(c, s, l.b, l.e);
    }
}

/* ---- the entry point ---------------------------------------------------- */

int markup_to_text(markup_kind kind, const char *in, size_t len, txt_buf *out)
{
    if (out->err)
        return -1;
    cx c;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.base = out->len;
    if (!in)
        len = 0;
    switch (kind) {
    case MARKUP_RST:
        rst_body(&c, in, len, 0);
        break;
    case MARKUP_MD:
        md_body(&c, in, len);
        break;
    case MARKUP_HTML:
        html_run(&c, in ? in : "", len);
        break;
    default:
        text_body(&c, in, len);
        break;
    }
    trim_tail(&c);
    int oom = c.oom || c.para.err || c.html.err || c.row.err || c.norm.err || c.cols.err ||
              c.lab.keys.err || c.lab.vals.err;
    buf_free(&c.para);
    buf_free(&c.html);
    buf_free(&c.row);
    buf_free(&c.norm);
    buf_free(&c.cols);
    buf_free(&c.lab.keys);
    buf_free(&c.lab.vals);
    free(c.lab.tab);
    free(c.mk);
    free(c.gl);
    free(c.dl);
    free(c.br);
    if (oom)
        out->err = 1;
    return out->err ? -1 : 0;
}
