/* templates.c: the template syntax of static site generators taken out of a
 * post body before its markup is read, so it reaches neither the index nor
 * the snippets: Hugo and Nikola shortcodes, Jekyll's Liquid, Zola's
 * shortcodes, Go template actions. What the tags wrap stays; only well-formed
 * tags are recognized and anything else is text. Never reads past the body,
 * linear time, valid UTF-8 out of valid UTF-8 in (it cuts only at ASCII). */
#include "indexer/markup/markup.h"

#define NONE ((size_t)-1)
#define TAG_MAX 4096   /* bytes of one tag, braces included: a longer one is text */

/* The three shapes of tag, by their opening braces. */
enum {
    F_SHORT = 1,   /* {{< name args >}}, {{% name args %}}: Hugo, Nikola */
    F_OUT,         /* {{ expression }}: Liquid output, Go actions, Zola name(args) */
    F_TAG          /* {% name args %}: Liquid tags, Zola name(args) with a body */
};

typedef struct {
    int form;          /* F_* */
    size_t b, e;       /* the tag, from its '{' to past its last '}' */
    size_t nb, ne;     /* its name; empty for an expression */
    size_t ab, ae;     /* what follows the name, up to the closing braces */
    int closing;       /* {{< /name >}} */
    int shown;         /* escaped, its inside in slash-star marks: [ab, ae) is shown */
    int comment;       /* a Go template comment: slash-star marks in {{ }} */
    int call;          /* name(args), a Zola shortcode */
} ttag;

/* Paired tags whose closing tag is searched for; each kind remembers its
 * last failed search, so a thousand unclosed {% raw %} stay linear. */
enum { P_RAW, P_COMMENT, P_HIGHLIGHT, P_CODEBLOCK, P_SC_RAW, P_SC_HIGHLIGHT, P_KINDS };

typedef struct {
    markup_kind kind;
    const char *s;
    size_t n;
    txt_buf *out;          /* where text goes: the result, or code while a block is read */
    size_t lo, hi;         /* the range being read */
    span_list code;        /* where the body's code is (codespans.c) */
    size_t cur;            /* the first code span that may hold what comes next */
    size_t none_from[P_KINDS], none_to[P_KINDS];  /* no closing tag in [from, to) */
    txt_buf block;         /* scratch: a highlight block's text */
    txt_buf cap;           /* scratch: the words of a shortcode's arguments */
} tx;

static void trim(const char *s, size_t *b, size_t *e)
{
    while (*b < *e && is_ws((uc)s[*b]))
        (*b)++;
    while (*e > *b && is_ws((uc)s[*e - 1]))
        (*e)--;
}

static int is_ident(int ch)
{
    return is_alnum(ch) || ch == '_';
}

/* A byte of a word, for whether a removed tag leaves a space: not white
 * space, not ASCII punctuation (any byte of a non-ASCII letter is one). */
static int wordish(int ch)
{
    return !is_ws(ch) && !is_apunct(ch);
}

/* The closing braces pat of a tag that starts at b, searched from k: NONE
 * when the next tag of the same family ("{{" or "{%") or a blank line comes
 * first, or the tag would pass TAG_MAX bytes. Stopping at the next opener
 * keeps the searches of consecutive openers from overlapping. */
static size_t tag_close(const char *s, size_t n, size_t b, size_t k, const char *pat, size_t plen,
                        char fam)
{
    for (; k < n && k - b < TAG_MAX; k++) {
        if (s[k] == pat[0] && n - k >= plen && memcmp(s + k, pat, plen) == 0)
            return k;
        if (s[k] == '{' && k + 1 < n && s[k + 1] == fam)
            return NONE;
        if (s[k] == '\n') {
            size_t m = k + 1;
            while (m < n && is_sp((uc)s[m]))
                m++;
            if (m < n && s[m] == '\n')
                return NONE;
        }
    }
    return NONE;
}

/* [b, e) is a slash-star comment: narrows it to what is between the marks. */
static int comment_marks(const char *s, size_t *b, size_t *e)
{
    if (*e - *b < 4 || s[*b] != '/' || s[*b + 1] != '*' || s[*e - 2] != '*' || s[*e - 1] != '/')
        return 0;
    *b += 2;
    *e -= 2;
    trim(s, b, e);
    return 1;
}

/* A Zola call: name(args), the name made of [0-9A-Za-z_]. */
static int is_call(const char *s, size_t b, size_t e)
{
    size_t k = b;
    while (k < e && is_ident((uc)s[k]))
        k++;
    return k > b && k < e && s[k] == '(' && s[e - 1] == ')';
}

/* Liquid and Go's whitespace control: {{- x -}}, {%- x -%}. */
static void trim_dashes(const char *s, size_t *b, size_t *e)
{
    if (*b < *e && s[*b] == '-')
        (*b)++;
    if (*e > *b && s[*e - 1] == '-')
        (*e)--;
    trim(s, b, e);
}

static int parse_short(const char *s, size_t n, size_t j, ttag *t)
{
    const char pat[3] = { s[j + 2] == '<' ? '>' : '%', '}', '}' };
    size_t c = tag_close(s, n, j, j + 3, pat, 3, '{');
    if (c == NONE)
        return 0;
    t->form = F_SHORT;
    t->b = j;
    t->e = c + 3;
    size_t ib = j + 3, ie = c;
    if (comment_marks(s, &ib, &ie)) {
        t->shown = 1;
        t->ab = ib;
        t->ae = ie;
        return 1;
    }
    trim(s, &ib, &ie);
    if (ib < ie && s[ib] == '/') {
        t->closing = 1;
        ib++;
        while (ib < ie && is_ws((uc)s[ib]))
            ib++;
    }
    size_t m = ib;
    if (m >= ie || !is_ident((uc)s[m]))
        return 0;
    while (m < ie && (is_ident((uc)s[m]) || in_set("-./", (uc)s[m])))
        m++;
    if (m < ie && !is_ws((uc)s[m]))
        return 0;
    t->nb = ib;
    t->ne = m;
    while (t->ne > t->nb && s[t->ne - 1] == '/')   /* {{< name/>}} */
        t->ne--;
    t->ab = m;
    t->ae = ie;
    trim(s, &t->ab, &t->ae);
    if (t->ae > t->ab && s[t->ae - 1] == '/')      /* {{< name args />}} */
        t->ae--;
    return 1;
}

/* The inside of a {{ }} or {% %} tag at j, closed by pat, into [*ib, *ie)
 * without Liquid's and Go's whitespace control: 1, or 0 when there is no
 * tag. An inside in slash-star marks is an escape or a comment, the whole
 * tag: 2. */
static int inside(const char *s, size_t n, size_t j, const char *pat, char fam, int form, ttag *t,
                  size_t *ib, size_t *ie)
{
    size_t c = tag_close(s, n, j, j + 2, pat, 2, fam);
    if (c == NONE)
        return 0;
    *ib = j + 2;
    *ie = c;
    trim_dashes(s, ib, ie);
    if (*ib >= *ie)
        return 0;
    t->form = form;
    t->b = j;
    t->e = c + 2;
    int marked = comment_marks(s, ib, ie);
    t->ab = *ib;
    t->ae = *ie;
    if (!marked)
        return 1;
    /* Zola's escapes show "{{ name(args) }}" and "{% name(args) %}"; any
     * other {{ }} in the marks is a Go template comment */
    t->shown = form == F_TAG || is_call(s, *ib, *ie);
    t->comment = !t->shown;
    return 2;
}

static int parse_out(const char *s, size_t n, size_t j, ttag *t)
{
    size_t ib, ie;
    int r = inside(s, n, j, "}}", '{', F_OUT, t, &ib, &ie);
    if (r != 1)
        return r != 0;
    /* an expression starts with a name, a field, a variable, a string or a
     * parenthesis, and holds no brace: {{1, 2}, {3}} and {{{x}}} are text;
     * so are ${{ x }} (GitHub Actions), ={{ x }} (JSX), \frac{{a}}{b} (TeX)
     * and v{{x}} (C++) */
    if (j > 0 && (in_set("$=\\_", (uc)s[j - 1]) || is_alnum((uc)s[j - 1])))
        return 0;
    if (!is_alpha((uc)s[ib]) && !in_set("_.$\"'(", (uc)s[ib]))
        return 0;
    for (size_t k = ib; k < ie; k++)
        if (s[k] == '{' || s[k] == '}')
            return 0;
    t->call = is_call(s, ib, ie);
    return 1;
}

static int parse_tag(const char *s, size_t n, size_t j, ttag *t)
{
    size_t ib, ie;
    int r = inside(s, n, j, "%}", '%', F_TAG, t, &ib, &ie);
    if (r != 1)
        return r != 0;
    size_t m = ib;
    if (s[m] == '#') {   /* {% # an inline comment %} */
        m++;
    } else {
        if (!is_alpha((uc)s[m]) && s[m] != '_')
            return 0;
        while (m < ie && is_ident((uc)s[m]))
            m++;
        if (m < ie && !is_ws((uc)s[m]) && s[m] != '(')
            return 0;
    }
    t->nb = ib;
    t->ne = m;
    t->call = is_call(s, ib, ie);
    t->ab = m;
    return 1;
}

/* The tag at s[j] ('{'), reading no further than n. */
static int parse_at(const char *s, size_t n, size_t j, ttag *t)
{
    memset(t, 0, sizeof *t);
    if (j + 2 >= n)
        return 0;
    if (s[j + 1] == '{')
        return s[j + 2] == '<' || s[j + 2] == '%' ? parse_short(s, n, j, t) : parse_out(s, n, j, t);
    if (s[j + 1] == '%' && (j == 0 || s[j - 1] != '{'))
        return parse_tag(s, n, j, t);
    return 0;
}

static int name_is(const tx *t, const ttag *g, const char *name)
{
    size_t len = strlen(name);
    return g->ne - g->nb == len && memcmp(t->s + g->nb, name, len) == 0;
}

/* Does the code of the body hold s[j]? j never goes back between calls. */
static int in_code(tx *t, size_t j)
{
    while (t->cur < t->code.n && t->code.v[t->cur].e <= j)
        t->cur++;
    return t->cur < t->code.n && t->code.v[t->cur].b <= j;
}

/* The tag that closes a paired one of kind pk, from `from` on: for a
 * shortcode {{% /name %}} (or {{< /name >}}), for a Liquid tag {% end %}
 * named end. */
static int find_end(tx *t, int pk, const char *end, size_t from, ttag *out)
{
    if (from >= t->none_from[pk] && t->hi <= t->none_to[pk])
        return 0;
    int shortcode = pk >= P_SC_RAW;
    for (size_t k = from; k < t->hi;) {
        const char *q = memchr(t->s + k, '{', t->hi - k);
        if (!q)
            break;
        k = (size_t)(q - t->s);
        ttag c;
        if (!parse_at(t->s, t->hi, k, &c)) {
            k++;
            continue;
        }
        if (shortcode ? c.form == F_SHORT && c.closing && name_is(t, &c, end)
                      : c.form == F_TAG && !c.shown && name_is(t, &c, end)) {
            *out = c;
            return 1;
        }
        k = c.e;
    }
    t->none_from[pk] = from;
    t->none_to[pk] = t->hi;
    return 0;
}

/* Only blanks before the tag and after it on its line of the input. */
static int alone(const tx *t, size_t b, size_t e)
{
    const char *s = t->s;
    while (b > t->lo && is_sp((uc)s[b - 1]))
        b--;
    if (b > 0 && s[b - 1] != '\n')
        return 0;
    while (e < t->hi && is_sp((uc)s[e]))
        e++;
    return e == t->hi || s[e] == '\n';
}

static int line_blank(const char *s, size_t n, size_t k)
{
    while (k < n && is_sp((uc)s[k]))
        k++;
    return k >= n || s[k] == '\n';
}

/* ---- what a removed tag leaves ------------------------------------------- */

/* A quoted value that reads as words: a letter, and a space or a non-ASCII
 * letter; not a URL, a path or a file name ("/img/a.png", "схема.png"). A
 * caption may hold TeX ("F-мера ($ \beta^2 $)") or "вход/выход". */
static int prose(const char *s, size_t b, size_t e)
{
    int letter = 0, space = 0, wide = 0, slash = 0;
    size_t dot = NONE;
    for (size_t k = b; k < e; k++) {
        uc ch = (uc)s[k];
        letter |= is_alpha(ch) || ch >= 0x80;
        space |= is_ws(ch);
        wide |= ch >= 0x80;
        slash |= ch == '/' || ch == '\\';
        if (ch == '.')
            dot = k;
        if (ch == ':' && e - k >= 3 && s[k + 1] == '/' && s[k + 2] == '/')
            return 0;
    }
    if (!space && (slash || (dot != NONE && e - dot >= 3 && e - dot <= 5)))
        return 0;
    return letter && (space || wide);
}

/* The words of a shortcode's arguments a reader sees, space-separated in
 * t->cap: the positional quoted values (a figure's caption, a notice's
 * title) and the values of title, caption, alt, attr and text. Hugo writes
 * name "a" key="b", Zola name(key="b", n=1). */
static void captions(tx *t, const ttag *g)
{
    static const char *const keys[] = { "title", "caption", "alt", "attr", "text", NULL };
    const char *s = t->s;
    size_t k = g->ab, e = g->ae;
    buf_reset(&t->cap);
    if (g->call) {
        while (k < e && s[k] != '(')
            k++;
        k++;
        e--;   /* the ')' */
    }
    while (k < e) {
        while (k < e && (is_ws((uc)s[k]) || s[k] == ','))
            k++;
        size_t kb = k;
        while (k < e && (is_ident((uc)s[k]) || s[k] == '-'))
            k++;
        size_t ke = k;
        if (k < e && k > kb && (s[k] == '=' || s[k] == ':')) {
            k++;
            while (k < e && is_sp((uc)s[k]))
                k++;
        } else {
            k = ke = kb;
        }
        if (k >= e)
            break;
        char q = s[k];
        if (q != '"' && q != '\'' && q != '`') {
            while (k < e && !is_ws((uc)s[k]) && s[k] != ',')
                k++;
            if (k == kb)
                k++;
            continue;
        }
        size_t vb = ++k;
        while (k < e && s[k] != q)
            k += s[k] == '\\' && k + 1 < e ? 2 : 1;
        size_t ve = k < e ? k : e;
        k++;
        char key[16];
        int keep = ke == kb;
        if (!keep && ke - kb < sizeof key) {
            for (size_t i = kb; i < ke; i++)
                key[i - kb] = (char)lower((uc)s[i]);
            key[ke - kb] = '\0';
            keep = html_name_in(key, keys);
        }
        if (keep && prose(s, vb, ve)) {
            if (t->cap.len)
                buf_putc(&t->cap, ' ');
            buf_put(&t->cap, s + vb, ve - vb);
        }
    }
}

/* A tag goes: its line breaks stay, so the lines after keep their numbers,
 * and a space stays between two words it joined ("а{{ x }}б"). Words of
 * its arguments stay where it was, as a paragraph of their own when it was
 * alone on its line (a caption, a notice's title). */
static void drop(tx *t, const ttag *g, int keep_words)
{
    const char *s = t->s;
    size_t nl = 0;
    for (size_t k = g->b; k < g->e; k++)
        nl += s[k] == '\n';
    txt_buf *o = t->out;
    int before = o->len && wordish((uc)o->p[o->len - 1]);
    int after = g->e < t->hi && wordish((uc)s[g->e]);
    if (keep_words)
        captions(t, g);
    if (keep_words && t->cap.len) {
        int own = alone(t, g->b, g->e);
        if (before && !own)
            buf_putc(o, ' ');
        buf_put(o, t->cap.p, t->cap.len);
        for (size_t i = 0; i < nl; i++)
            buf_putc(o, '\n');
        if (own && !nl && g->e < t->hi) {
            size_t eol = g->e;
            while (eol < t->hi && s[eol] != '\n')
                eol++;
            if (!line_blank(s, t->hi, eol + 1))
                buf_putc(o, '\n');
        } else if (after) {
            buf_putc(o, ' ');
        }
        return;
    }
    for (size_t i = 0; i < nl; i++)
        buf_putc(o, '\n');
    if (!nl && before && after)
        buf_putc(o, ' ');
}

/* ---- highlight blocks -------------------------------------------------- */

static void run(tx *t, size_t from, size_t to, int code);

/* The text between a highlight (or codeblock) tag and its end, as a code
 * block of the body's markup, so its conversion reads it as code: a fence
 * in Markdown, "::" and an indented block in reStructuredText, a
 * #+begin_src block in Org, <pre> in HTML. The tags' lines become the fence lines, so the lines keep their
 * numbers (reStructuredText needs one more, the blank after "::"). */
static void code_block(tx *t, const ttag *open, const ttag *close)
{
    const char *s = t->s;
    txt_buf *o = t->out;
    int own = alone(t, open->b, open->e), own_end = alone(t, close->b, close->e);
    /* the code, read as code: shortcodes go, {% raw %} holds, the rest stays */
    size_t lo = t->lo, hi = t->hi;
    buf_reset(&t->block);
    t->out = &t->block;
    t->lo = open->e;
    t->hi = close->b;
    run(t, open->e, close->b, 1);
    t->out = o;
    t->lo = lo;
    t->hi = hi;
    const char *p = t->block.p ? t->block.p : "";
    size_t m = t->block.len;
    while (m && is_sp((uc)p[m - 1]))   /* the end tag's indentation */
        m--;
    if (own) {   /* the fence starts its line: drop the tag's indentation */
        size_t k = open->b;
        while (k > t->lo && is_sp((uc)s[k - 1]) && o->len)
            k--, o->len--;
        if (o->p)
            o->p[o->len] = '\0';
    } else {
        buf_putc(o, '\n');
    }
    if (t->kind == MARKUP_MD || t->kind == MARKUP_ORG) {
        /* a Markdown fence longer than any run of backticks in the code */
        txt_buf *f = &t->cap;
        buf_reset(f);
        size_t run_len = 0, longest = 2;
        for (size_t k = 0; k < m && t->kind == MARKUP_MD; k++) {
            run_len = p[k] == '`' ? run_len + 1 : 0;
            if (run_len > longest)
                longest = run_len;
        }
        for (size_t k = 0; k <= longest && t->kind == MARKUP_MD; k++)
            buf_putc(f, '`');
        const char *start = t->kind == MARKUP_ORG ? "#+begin_src" : f->p ? f->p : "```";
        buf_puts(o, start);
        if (!m || p[0] != '\n')
            buf_putc(o, '\n');
        buf_put(o, p, m);
        if (!m || p[m - 1] != '\n')
            buf_putc(o, '\n');
        buf_puts(o, t->kind == MARKUP_ORG ? "#+end_src" : start);
    } else if (t->kind == MARKUP_RST) {
        buf_puts(o, "::\n\n");
        size_t k = m && p[0] == '\n' ? 1 : 0;
        while (k < m) {
            const char *nlp = memchr(p + k, '\n', m - k);
            size_t e = nlp ? (size_t)(nlp - p) : m;
            if (e > k) {
                buf_puts(o, "    ");
                buf_put(o, p + k, e - k);
            }
            buf_putc(o, '\n');
            k = e + 1;
        }
        if (!own_end)
            buf_putc(o, '\n');
    } else if (t->kind == MARKUP_HTML) {
        buf_puts(o, "<pre>");
        html_escape(o, p, m);
        buf_puts(o, "</pre>");
    } else {
        buf_put(o, p, m);
    }
    if (!own_end && t->kind != MARKUP_HTML)
        buf_putc(o, '\n');
}

/* ---- the scan ------------------------------------------------------------ */

/* A paired tag's body [open->e, close->b): kept as written, read as code,
 * or dropped. */
static size_t paired(tx *t, const ttag *open, int pk, const char *end, int how)
{
    ttag close;
    if (!find_end(t, pk, end, open->e, &close)) {
        buf_put(t->out, t->s + open->b, open->e - open->b);   /* unclosed: text */
        return open->e;
    }
    if (how == 'v') {
        buf_put(t->out, t->s + open->e, close.b - open->e);
    } else if (how == 'c') {
        code_block(t, open, &close);
    } else {
        ttag all = *open;
        all.e = close.e;
        drop(t, &all, 0);
    }
    return close.e;
}

/* One tag at g->b; returns where reading goes on. code: the range is code
 * (a highlight block's text), where only shortcodes and Liquid's raw and
 * comment are template syntax. */
static size_t handle(tx *t, const ttag *g, int code)
{
    if (g->shown) {
        buf_put(t->out, t->s + g->ab, g->ae - g->ab);
        return g->e;
    }
    if (g->comment) {
        drop(t, g, 0);
        return g->e;
    }
    if (g->form == F_SHORT) {
        if (!g->closing && name_is(t, g, "raw"))
            return paired(t, g, P_SC_RAW, "raw", 'v');
        if (!g->closing && !code && name_is(t, g, "highlight"))
            return paired(t, g, P_SC_HIGHLIGHT, "highlight", 'c');
        drop(t, g, !g->closing);
        return g->e;
    }
    if (g->form == F_TAG) {
        if (name_is(t, g, "raw"))
            return paired(t, g, P_RAW, "endraw", 'v');
        if (name_is(t, g, "comment"))
            return paired(t, g, P_COMMENT, "endcomment", 'd');
        if (!code && name_is(t, g, "highlight"))
            return paired(t, g, P_HIGHLIGHT, "endhighlight", 'c');
        if (!code && name_is(t, g, "codeblock"))
            return paired(t, g, P_CODEBLOCK, "endcodeblock", 'c');
    }
    /* {{ x }} and {% x %} in code are what the reader sees: Hugo, Zola,
     * Nikola and Pelican do not run them there, and Rust's {{closure}},
     * Jinja templates and workflow files shown in posts are written so */
    if (code || in_code(t, g->b)) {
        buf_put(t->out, t->s + g->b, g->e - g->b);
        return g->e;
    }
    drop(t, g, g->call);
    return g->e;
}

static void run(tx *t, size_t from, size_t to, int code)
{
    const char *s = t->s;
    for (size_t i = from; i < to;) {
        const char *q = memchr(s + i, '{', to - i);
        size_t j = q ? (size_t)(q - s) : to;
        buf_put(t->out, s + i, j - i);
        if (j >= to)
            break;
        ttag g;
        if (!parse_at(s, to, j, &g)) {
            size_t skip = j + 1 < to && s[j + 1] == '{' ? 2 : 1;
            buf_put(t->out, s + j, skip);
            i = j + skip;
            continue;
        }
        i = handle(t, &g, code);
    }
}

/* ---- the entry --------------------------------------------------------- */

static int has_tags(const char *s, size_t n)
{
    for (size_t k = 0; k + 1 < n;) {
        const char *q = memchr(s + k, '{', n - k - 1);
        if (!q)
            return 0;
        k = (size_t)(q - s) + 1;
        if (s[k] == '{' || s[k] == '%')
            return 1;
    }
    return 0;
}

int tmpl_strip(markup_kind kind, const char **in, size_t *len, txt_buf *out)
{
    const char *s = *in;
    size_t n = *len;
    if (!s || !has_tags(s, n))
        return 0;
    tx t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    t.s = s;
    t.n = n;
    t.out = out;
    t.hi = n;
    for (int k = 0; k < P_KINDS; k++)
        t.none_from[k] = NONE;
    cs_find(kind, s, n, &t.code);
    buf_reset(out);
    if (!t.code.oom)
        run(&t, 0, n, 0);
    int oom = t.code.oom || t.block.err || t.cap.err || out->err;
    cs_free(&t.code);
    buf_free(&t.block);
    buf_free(&t.cap);
    if (oom)
        return -1;
    *in = out->p ? out->p : "";
    *len = out->len;
    return 0;
}
