/* markup.c: a post body in reStructuredText, Markdown, HTML or plain text
 * becomes the plain text a reader sees, for the tokenizer: the entry point
 * and what the languages (rst.c, markdown.c, html.c, text.c) share, the
 * output with its owed breaks, lines, entities and labels. Line by line (the
 * Markdown is md4c's parse), no recursion on the input's nesting, linear time;
 * markup it cannot place stays as text, never dropped blindly. Never prints;
 * fails only when out of memory. */
#include "indexer/markup/markup.h"

size_t mk_find_pat(finder *f, const char *s, size_t n, size_t from)
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

void mk_trim_tail(cx *c)
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
void em_text(cx *c, const char *s, size_t n)
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
            mk_trim_tail(c);
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

void em_nl(cx *c)
{
    if (c->col) {
        c->col = 0;
        if (c->brk < 1)
            c->brk = 1;
    }
}

void em_para(cx *c)
{
    c->col = 0;
    c->brk = 2;
}

/* Text whose '\n's are line breaks. */
void em_span(cx *c, const char *s, size_t n)
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

void em_cp(cx *c, uint32_t cp)
{
    char u[4];
    em_text(c, u, utf8_enc(cp, u));
}

void ln_get(const char *s, size_t n, size_t at, ln *l)
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
size_t mk_entity(const char *s, size_t n, size_t i, uint32_t *cp)
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
 * as docutils takes the first definition. */
void lab_add(cx *c, const char *k, size_t kn, const char *v, size_t vn)
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

const slot *lab_get(cx *c, const char *k, size_t kn)
{
    if (!c->lab.count)
        return NULL;
    lab_norm(c, k, kn);
    if (c->norm.err || !c->norm.len)
        return NULL;
    const slot *sl = lab_find(c, lab_hash(c->norm.p, c->norm.len));
    return sl && sl->used ? sl : NULL;
}

/* ---- shared by the languages ---------------------------------------------- */

/* Grows an array to hold need elements; NULL (and c->oom) on failure, when
 * the old array stays valid and is freed at the end as usual. */
void *mk_grow(cx *c, void *p, size_t *cap, size_t need, size_t size)
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

void mk_para_add(cx *c, const char *s, size_t a, size_t b)
{
    if (c->para.len)
        buf_putc(&c->para, '\n');
    buf_put(&c->para, s + a, b - a);
}

void mk_verbatim_line(cx *c, const char *s, size_t k, size_t e)
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
    txt_buf plain = { 0 };   /* the body without its template syntax */
    if (tmpl_strip(kind, &in, &len, &plain) != 0)
        c.oom = 1;
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
    case MARKUP_ORG:
        org_body(&c, in, len);
        break;
    default:
        text_body(&c, in, len);
        break;
    }
    mk_trim_tail(&c);
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
    free(c.gl);
    buf_free(&plain);
    if (oom)
        out->err = 1;
    return out->err ? -1 : 0;
}

