/* markup.h: what the files of indexer/markup/ share, and nothing outside
 * them includes: the character helpers, the output with its owed breaks,
 * lines, entities, labels, and each markup language's entry. The contract
 * with the rest of the indexer is indexer.h's markup_to_text (markup.c).
 * One section per file. */
#ifndef BS_MARKUP_H
#define BS_MARKUP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"

typedef unsigned char uc;

/* ---- characters ---------------------------------------------------------- */

static inline int is_sp(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

static inline int is_ws(int ch)
{
    return is_sp(ch) || ch == '\n';
}

static inline int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

static inline int is_alpha(int ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static inline int is_alnum(int ch)
{
    return is_digit(ch) || is_alpha(ch);
}

static inline int is_apunct(int ch)
{
    return ch > 32 && ch < 127 && !is_alnum(ch);
}

/* ch is one of set; never the NUL that strchr() would find. */
static inline int in_set(const char *set, int ch)
{
    return ch != 0 && strchr(set, ch) != NULL;
}

static inline int lower(int ch)
{
    return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* The code point starting at s[i]; U+FFFD for a broken sequence, so a
 * caller that only classifies characters never reads past n. */
static inline uint32_t cp_at(const char *s, size_t n, size_t i)
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
static inline uint32_t cp_before(const char *s, size_t lo, size_t i)
{
    size_t k = i - 1;
    while (k > lo && i - k < 4 && ((uc)s[k] & 0xC0) == 0x80)
        k--;
    return cp_at(s, i, k);
}

static inline int cp_space(uint32_t cp)
{
    return (cp < 128 && is_ws((int)cp)) || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
           cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Unicode punctuation and symbols, roughly: what may stand next to inline
 * markup the way ASCII punctuation does («цитата», тире —). */
static inline int cp_punct(uint32_t cp)
{
    if (cp < 128)
        return is_apunct((int)cp);
    return (cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) ||
           cp == 0xD7 || cp == 0xF7 || (cp >= 0x2010 && cp <= 0x2027) ||
           (cp >= 0x2030 && cp <= 0x205E) || (cp >= 0x20A0 && cp <= 0x20CF) ||
           (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x27BF) ||
           (cp >= 0x3001 && cp <= 0x303F) || (cp >= 0xFF01 && cp <= 0xFF0F);
}

static inline size_t utf8_enc(uint32_t cp, char out[4])
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

static inline int ci_eq(const char *a, const char *b, size_t n)
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

/* ---- the output --------------------------------------------------------- */

typedef struct {
    size_t koff, klen;  /* the normalized label, bytes in keys */
    size_t voff, vlen;  /* its value, bytes in vals */
    uint32_t hash;
    int used;
} slot;

/* reStructuredText substitutions: a set of labels, case-folded (ASCII and
 * Cyrillic) with whitespace runs as one space. */
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
    txt_buf para;       /* the paragraph (or table, or Markdown block) being gathered */
    txt_buf html;       /* Markdown: an HTML block, or inline tags, being gathered */
    txt_buf row;        /* scratch: a table row, an :alt: value, a Markdown code block */
    txt_buf norm;       /* scratch: a normalized label */
    txt_buf cols;       /* grid table: 1 at each column with a '+' in the last border */
    size_t *gl;         /* grid table: (start, end) bytes of the current row's lines */
    size_t gl_n, gl_cap;
    labels lab;
} cx;

/* ---- lines -------------------------------------------------------------- */

typedef struct {
    size_t b, e;   /* the line's bytes, without its '\n' */
    size_t next;   /* where the next line starts */
    size_t t, te;  /* its text: first non-blank byte, end without trailing blanks */
    size_t ind;    /* leading whitespace in columns, tabs to multiples of 8 */
    int blank;
} ln;

/* ---- what markup.c offers ----------------------------------------------- */

size_t mk_find_pat(finder *f, const char *s, size_t n, size_t from);
/* Drops the output's trailing spaces (and no-break spaces). */
void mk_trim_tail(cx *c);
void em_text(cx *c, const char *s, size_t n);
void em_nl(cx *c);
void em_para(cx *c);
void em_span(cx *c, const char *s, size_t n);
void em_cp(cx *c, uint32_t cp);
void ln_get(const char *s, size_t n, size_t at, ln *l);
size_t mk_entity(const char *s, size_t n, size_t i, uint32_t *cp);
void lab_add(cx *c, const char *k, size_t kn, const char *v, size_t vn);
const slot *lab_get(cx *c, const char *k, size_t kn);
void *mk_grow(cx *c, void *p, size_t *cap, size_t need, size_t size);
void mk_para_add(cx *c, const char *s, size_t a, size_t b);
void mk_verbatim_line(cx *c, const char *s, size_t k, size_t e);

/* ---- what html.c offers ------------------------------------------------- */

typedef struct {
    size_t end;        /* just past the '>' */
    char name[16];     /* lower case; "" when longer than 15 */
    int close;         /* </name> */
    int self;          /* <name/> */
    size_t alt, alt_n; /* the alt attribute's value */
    int has_alt;
} tag;

extern const char *const html_hidden[];   /* elements whose text is not shown */
extern const char *const html_blocks[];   /* elements that break lines */
/* Parses the tag at s[i] ('<'). A '>' inside a quoted value does not end it;
 * a '<' outside quotes, or the end of the input, means this was no tag and
 * the '<' is text ("a < b", "x<y"). The quote finders keep a long run of
 * broken tags linear. */
int html_parse_tag(const char *s, size_t n, size_t i, tag *t, finder *fq, finder *fa);
int html_name_in(const char *name, const char *const *list);
/* An attribute value (an alt text) appended to b as text: entities
 * decoded, each run of whitespace one space. */
void html_attr_put(txt_buf *b, const char *s, size_t n);
/* HTML to text: tags go, entities are decoded, script and style vanish. */
void html_run(cx *c, const char *s, size_t n);

/* ---- what rst.c offers -------------------------------------------------- */

void rst_body(cx *c, const char *s, size_t n, int nested);

/* ---- what markdown.c offers --------------------------------------------- */

void md_body(cx *c, const char *s, size_t n);

/* ---- what org.c offers -------------------------------------------------- */

void org_body(cx *c, const char *s, size_t n);

/* ---- what text.c offers ------------------------------------------------- */

void text_body(cx *c, const char *s, size_t n);

/* ---- what codespans.c offers -------------------------------------------- */

typedef struct {
    size_t b, e;       /* bytes of the body */
} span;

typedef struct {
    span *v;           /* sorted, neither overlapping nor touching */
    size_t n, cap;
    int oom;
} span_list;

/* Appends to out where the code of a body in the markup kind is: Markdown
 * fenced and indented blocks and code spans, reStructuredText literal
 * blocks, code directives and inline literals, Org source and example
 * blocks, ": " lines, ~code~ and =verbatim=, <pre> and <code> elements in
 * HTML and Markdown; plain text has none. Sets out->oom when out of memory. */
void cs_find(markup_kind kind, const char *s, size_t n, span_list *out);
void cs_free(span_list *l);

/* ---- what templates.c offers -------------------------------------------- */

/* Takes the template syntax of static site generators out of a body, for
 * every markup kind, before its conversion. Removed: Hugo and Nikola
 * shortcodes ({{< name >}}, {{% name %}}, closing and self-closing, over
 * lines), Liquid tags ({% tag %}, {%- tag -%}) and output ({{ x | f }}), Zola
 * shortcodes ({{ name(args) }}, {% name(args) %}...{% end %}) and Go template
 * actions ({{ .Title }}, {{ range }}...{{ end }}, comments). Kept: what
 * paired tags wrap; the words of a shortcode's quoted arguments (a caption,
 * a notice's title); the content of {% raw %} and {{% raw %}}, as written;
 * an escaped tag (Hugo's and Zola's escape: the inside of the braces in
 * slash-star comment marks) as its text without braces and marks, the way
 * the reader reads it; {% highlight %} and {% codeblock %}
 * (and Hugo's highlight) as a code block of the kind. The content of
 * {% comment %} goes. In code (cs_find) only shortcodes, raw and comment
 * count: {{ x }} and {% x %} there are text. Line breaks of removed tags
 * stay. A tag not well-formed, or never closed, stays as text.
 * When the body holds no "{{" or "{%", *in and *len are left as they are;
 * otherwise the result is written into out (reset first) and they point at
 * it. Returns 0, or -1 when out of memory. */
int tmpl_strip(markup_kind kind, const char **in, size_t *len, txt_buf *out);

#endif
