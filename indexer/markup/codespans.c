/* codespans.c: where a post body's code is, before its markup is read: the
 * byte ranges a reader sees as typed (Markdown fences, indented blocks and
 * code spans; reStructuredText literal blocks, code directives and inline
 * literals; Org source and example blocks, ": " lines, ~code~ and
 * =verbatim=; <pre> and <code> in HTML and Markdown). The template pass
 * (templates.c) leaves template-like text there alone. A light line scan,
 * not a parser: it only has to be right about code, and it is linear. */
#include "indexer/markup/markup.h"

#define NONE ((size_t)-1)

/* Makes *v (of *cap elements of size bytes) hold at least need; 0 and
 * *oom set when out of memory, *v then as it was. */
static int room(void *v, size_t *cap, size_t need, size_t size, int *oom)
{
    void **pv = v;
    while (*cap < need) {
        void *nv = grow_array(*pv, cap, 64, size);
        if (!nv) {
            *oom = 1;
            return 0;
        }
        *pv = nv;
    }
    return 1;
}

static void add(span_list *l, size_t b, size_t e)
{
    if (e <= b || l->oom)
        return;
    if (l->n && b <= l->v[l->n - 1].e) {   /* touches or overlaps the last one */
        if (e > l->v[l->n - 1].e)
            l->v[l->n - 1].e = e;
        return;
    }
    if (!room(&l->v, &l->cap, l->n + 1, sizeof *l->v, &l->oom))
        return;
    l->v[l->n].b = b;
    l->v[l->n].e = e;
    l->n++;
}

/* ---- Markdown ------------------------------------------------------------ */

typedef struct {
    size_t pos, len;
} run;

typedef struct {
    run *r;              /* the backtick runs of the paragraph at hand */
    size_t nr, rcap;
    size_t *next;        /* next[i]: the next run of r[i]'s length, or NONE */
    size_t ncap;
    size_t *last;        /* by length: the run of that length seen last (scratch) */
    size_t lcap;
} ticks;

/* The code spans of a paragraph [b, e): a backtick run opens one that the
 * next run of the same length closes (CommonMark); runs between are inside
 * it. next[] is found from the right with one slot per length, so a
 * paragraph of runs of every length stays linear. */
static void md_code_spans(span_list *l, ticks *t, const char *s, size_t b, size_t e)
{
    t->nr = 0;
    size_t maxlen = 0;
    for (size_t k = b; k < e;) {
        if (s[k] != '`') {
            const char *q = memchr(s + k, '`', e - k);
            if (!q)
                break;
            k = (size_t)(q - s);
        }
        size_t a = k;
        while (k < e && s[k] == '`')
            k++;
        if (!room(&t->r, &t->rcap, t->nr + 1, sizeof *t->r, &l->oom))
            return;
        t->r[t->nr].pos = a;
        t->r[t->nr].len = k - a;
        if (k - a > maxlen)
            maxlen = k - a;
        t->nr++;
    }
    if (t->nr < 2)
        return;
    size_t old = t->lcap;
    if (!room(&t->next, &t->ncap, t->nr, sizeof *t->next, &l->oom) ||
        !room(&t->last, &t->lcap, maxlen + 1, sizeof *t->last, &l->oom))
        return;
    for (size_t i = old; i < t->lcap; i++)
        t->last[i] = NONE;
    for (size_t i = t->nr; i-- > 0;) {
        t->next[i] = t->last[t->r[i].len];
        t->last[t->r[i].len] = i;
    }
    for (size_t i = 0; i < t->nr; i++)
        t->last[t->r[i].len] = NONE;
    for (size_t i = 0; i < t->nr;) {
        size_t j = t->next[i];
        if (j == NONE) {
            i++;
            continue;
        }
        add(l, t->r[i].pos, t->r[j].pos + t->r[j].len);
        i = j + 1;
    }
}

/* A fence at s[k]: three or more backticks (with no backtick after them on
 * the line) or tildes. Returns its length, 0 if there is none. */
static size_t md_fence(const char *s, size_t k, size_t te, char *ch)
{
    if (k >= te || (s[k] != '`' && s[k] != '~'))
        return 0;
    size_t a = k;
    while (k < te && s[k] == s[a])
        k++;
    if (k - a < 3)
        return 0;
    if (s[a] == '`' && memchr(s + k, '`', te - k))
        return 0;
    *ch = s[a];
    return k - a;
}

/* The first byte of a line's text past any blockquote markers. */
static size_t md_unquote(const char *s, const ln *l)
{
    size_t k = l->t;
    while (k < l->te && s[k] == '>') {
        k++;
        while (k < l->te && is_sp((uc)s[k]))
            k++;
    }
    return k;
}

/* A list item's marker at s[k] ("- ", "* ", "+ ", "1. ", "1) "): the column
 * its text starts at, or 0. */
static size_t md_list_col(const char *s, const ln *l)
{
    size_t k = l->t;
    if (k < l->te && in_set("-*+", (uc)s[k]))
        k++;
    else {
        while (k < l->te && k - l->t < 9 && is_digit((uc)s[k]))
            k++;
        if (k == l->t || k >= l->te || (s[k] != '.' && s[k] != ')'))
            return 0;
        k++;
    }
    if (k < l->te && !is_sp((uc)s[k]))
        return 0;
    size_t w = k - l->t + 1;
    return l->ind + w;
}

static void md_spans(span_list *l, const char *s, size_t n)
{
    ticks t = { 0 };
    char fch = 0;
    size_t flen = 0, fb = 0;           /* an open fence: its character, length, start */
    size_t ib = NONE, ie = 0;          /* an open indented block */
    size_t pb = NONE, pe = 0;          /* the paragraph being gathered */
    size_t list_col = 0;               /* in a list: the text column of its last item */
    int prev_blank = 1;
    for (size_t pos = 0; pos < n;) {
        ln li;
        ln_get(s, n, pos, &li);
        pos = li.next;
        if (flen) {
            char c2;
            size_t k = md_unquote(s, &li);
            size_t len = md_fence(s, k, li.te, &c2);
            if (len >= flen && c2 == fch && memchr(s + k, fch == '`' ? '~' : '`', li.te - k) == NULL) {
                add(l, fb, li.next);
                flen = 0;
            }
            continue;
        }
        if (li.blank) {
            if (pb != NONE)
                md_code_spans(l, &t, s, pb, pe);
            pb = NONE;
            prev_blank = 1;
            continue;
        }
        size_t need = list_col ? list_col + 4 : 4;
        if (li.ind >= need && (prev_blank || ib != NONE) && pb == NONE) {
            if (ib == NONE)
                ib = li.b;
            ie = li.next;
            prev_blank = 0;
            continue;
        }
        if (ib != NONE) {
            add(l, ib, ie);
            ib = NONE;
        }
        char c2;
        size_t k = md_unquote(s, &li);
        size_t len = md_fence(s, k, li.te, &c2);
        if (len) {
            if (pb != NONE)
                md_code_spans(l, &t, s, pb, pe);
            pb = NONE;
            fch = c2;
            flen = len;
            fb = li.b;
            prev_blank = 0;
            continue;
        }
        size_t col = li.ind < need ? md_list_col(s, &li) : 0;
        if (col) {
            if (pb != NONE)
                md_code_spans(l, &t, s, pb, pe);
            pb = NONE;
            list_col = col;
        } else if (li.ind == 0 && prev_blank) {
            list_col = 0;
        }
        if (pb == NONE)
            pb = li.b;
        pe = li.next;
        prev_blank = 0;
    }
    if (flen)
        add(l, fb, n);
    if (ib != NONE)
        add(l, ib, ie);
    if (pb != NONE)
        md_code_spans(l, &t, s, pb, pe);
    free(t.r);
    free(t.next);
    free(t.last);
}

/* ---- reStructuredText ---------------------------------------------------- */

/* The inline literals (``text``) of a paragraph [b, e). */
static void rst_literals(span_list *l, const char *s, size_t b, size_t e)
{
    for (size_t k = b; k + 1 < e;) {
        const char *q = memchr(s + k, '`', e - k - 1);
        if (!q)
            return;
        k = (size_t)(q - s);
        if (s[k + 1] != '`') {
            k++;
            continue;
        }
        size_t m = k + 3;
        for (; m + 1 < e; m++)
            if (s[m] == '`' && s[m + 1] == '`')
                break;
        if (m + 1 >= e)
            return;
        while (m + 2 < e && s[m + 2] == '`')   /* ``a```: the last two close */
            m++;
        add(l, k, m + 2);
        k = m + 2;
    }
}

/* A directive line ".. name::": 1 for one whose content is code, 0 for
 * another directive, -1 for no directive. */
static int rst_code_directive(const char *s, const ln *l)
{
    size_t k = l->t;
    if (l->te - k < 4 || s[k] != '.' || s[k + 1] != '.' || s[k + 2] != ' ')
        return -1;
    k += 3;
    while (k < l->te && is_sp((uc)s[k]))
        k++;
    size_t nb = k;
    while (k < l->te && (is_alnum((uc)s[k]) || in_set("-_:+.", (uc)s[k])) &&
           !(s[k] == ':' && k + 1 < l->te && s[k + 1] == ':'))
        k++;
    if (k + 1 >= l->te || s[k] != ':' || s[k + 1] != ':')
        return -1;
    static const char *const code[] = { "code", "code-block", "sourcecode", NULL };
    char name[16];
    if (k - nb >= sizeof name)
        return 0;
    for (size_t i = nb; i < k; i++)
        name[i - nb] = (char)lower((uc)s[i]);
    name[k - nb] = '\0';
    return html_name_in(name, code);
}

static void rst_spans(span_list *l, const char *s, size_t n)
{
    size_t pb = NONE, pe = 0, pind = 0;    /* the paragraph being gathered */
    int lit_next = 0;                      /* it ended with "::" */
    size_t lb = NONE, le = 0, lind = 0;    /* an open literal block, deeper than lind */
    for (size_t pos = 0; pos < n;) {
        ln li;
        ln_get(s, n, pos, &li);
        pos = li.next;
        if (lb != NONE) {
            if (li.blank)
                continue;
            if (li.ind > lind) {
                le = li.next;
                continue;
            }
            add(l, lb, le);
            lb = NONE;
        }
        if (li.blank) {
            if (pb != NONE)
                rst_literals(l, s, pb, pe);
            pb = NONE;
            if (lit_next) {
                lb = le = li.next;
                lind = pind;
                lit_next = 0;
            }
            continue;
        }
        int d = rst_code_directive(s, &li);
        if (d >= 0) {
            if (pb != NONE)
                rst_literals(l, s, pb, pe);
            pb = NONE;
            lit_next = 0;
            if (d) {
                lb = le = li.next;
                lind = li.ind;
            }
            continue;
        }
        if (pb == NONE) {
            pb = li.b;
            pind = li.ind;
        }
        pe = li.next;
        lit_next = li.te - li.t >= 2 && s[li.te - 1] == ':' && s[li.te - 2] == ':';
    }
    if (lb != NONE)
        add(l, lb, le);
    if (pb != NONE)
        rst_literals(l, s, pb, pe);
}

/* ---- Org ----------------------------------------------------------------- */

static int org_starts(const char *s, const ln *l, const char *word)
{
    size_t n = strlen(word);
    return l->te - l->t >= n && ci_eq(s + l->t, word, n);
}

/* A character that may stand before an opening ~ or = or after a closing one. */
static int org_border(int ch)
{
    return is_ws(ch) || in_set("-({'\",.;:!?)}[]", ch);
}

/* ~code~ and =verbatim= on the line [b, e): an opener after a border and
 * before a non-blank, closed by the same marker after a non-blank and
 * before a border. Once a marker finds no closer, none after it on the
 * line will, so each line is read once per marker. */
static void org_inline(span_list *l, const char *s, size_t b, size_t e)
{
    int dead[2] = { 0, 0 };
    for (size_t k = b; k + 1 < e; k++) {
        int m = s[k] == '~' ? 0 : s[k] == '=' ? 1 : -1;
        if (m < 0 || dead[m] || (k > b && !org_border((uc)s[k - 1])) || is_ws((uc)s[k + 1]))
            continue;
        size_t c = k + 2;
        while (c < e && !(s[c] == s[k] && !is_ws((uc)s[c - 1]) && (c + 1 == e || org_border((uc)s[c + 1]))))
            c++;
        if (c >= e) {
            dead[m] = 1;
            continue;
        }
        add(l, k, c + 1);
        k = c;
    }
}

/* #+begin_src and #+begin_example blocks with their marks, ": " lines,
 * and the inline code of the other lines. */
static void org_spans(span_list *l, const char *s, size_t n)
{
    size_t bb = NONE;   /* an open block */
    for (size_t pos = 0; pos < n;) {
        ln li;
        ln_get(s, n, pos, &li);
        pos = li.next;
        if (bb != NONE) {
            if (org_starts(s, &li, "#+end_src") || org_starts(s, &li, "#+end_example")) {
                add(l, bb, li.next);
                bb = NONE;
            }
            continue;
        }
        if (org_starts(s, &li, "#+begin_src") || org_starts(s, &li, "#+begin_example"))
            bb = li.b;
        else if (!li.blank && s[li.t] == ':' && (li.t + 1 == li.te || s[li.t + 1] == ' '))
            add(l, li.b, li.next);
        else if (!li.blank)
            org_inline(l, s, li.t, li.te);
    }
    if (bb != NONE)
        add(l, bb, n);
}

/* ---- HTML ---------------------------------------------------------------- */

/* <pre>...</pre> and <code>...</code>, from the opening tag to past the
 * closing one; an element left open is no code. */
static void html_spans(span_list *l, const char *s, size_t n)
{
    static const char *const open[] = { "<pre", "<code" }, *const close[] = { "</pre>", "</code>" };
    finder fo[2], fc[2];
    memset(fo, 0, sizeof fo);
    memset(fc, 0, sizeof fc);
    for (int i = 0; i < 2; i++) {
        fo[i].pat = open[i];
        fo[i].plen = strlen(open[i]);
        fc[i].pat = close[i];
        fc[i].plen = strlen(close[i]);
    }
    size_t at[2] = { 0, 0 };
    size_t k = 0;
    for (;;) {
        /* the nearer of the two openers */
        size_t best = n;
        int which = 0;
        for (int i = 0; i < 2; i++) {
            size_t h = mk_find_pat(&fo[i], s, n, at[i] > k ? at[i] : k);
            at[i] = h;
            if (h < best) {
                best = h;
                which = i;
            }
        }
        if (best >= n)
            break;
        size_t after = best + fo[which].plen;
        if (after < n && (s[after] == '>' || is_ws((uc)s[after]))) {
            size_t c = mk_find_pat(&fc[which], s, n, after);
            if (c < n) {
                add(l, best, c + fc[which].plen);
                k = c + fc[which].plen;
                continue;
            }
        }
        k = best + 1;
    }
}

/* Two sorted lists of spans into one, overlaps joined. */
static void merge(span_list *out, const span_list *a, const span_list *b)
{
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        const span *x = j >= b->n || (i < a->n && a->v[i].b <= b->v[j].b) ? &a->v[i++] : &b->v[j++];
        add(out, x->b, x->e);
    }
}

/* ---- the entry --------------------------------------------------------- */

void cs_find(markup_kind kind, const char *s, size_t n, span_list *out)
{
    span_list lines = { 0 }, tags = { 0 };
    if (kind == MARKUP_MD)
        md_spans(&lines, s, n);
    else if (kind == MARKUP_RST)
        rst_spans(&lines, s, n);
    else if (kind == MARKUP_ORG)
        org_spans(&lines, s, n);
    if (kind == MARKUP_MD || kind == MARKUP_HTML)
        html_spans(&tags, s, n);
    merge(out, &lines, &tags);
    out->oom |= lines.oom | tags.oom;
    free(lines.v);
    free(tags.v);
}

void cs_free(span_list *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}
