/* rst.c: reStructuredText to the text a reader sees: inline markup,
 * sections, lists, tables, directives and substitutions. */
#include "indexer/markup/markup.h"

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
    if (html_name_in(low, skip) || strncmp(low, "raw-", 4) == 0)
        return D_SKIP;
    if (strcmp(low, "image") == 0)
        return D_IMAGE;
    if (strcmp(low, "figure") == 0 || strcmp(low, "thumbnail") == 0)
        return D_FIGURE;
    if (strcmp(low, "raw") == 0)
        return D_RAW;
    if (strcmp(low, "code") == 0 || strcmp(low, "code-block") == 0 || strcmp(low, "sourcecode") == 0)
        return D_CODE;
    if (html_name_in(low, titled))
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
        mk_para_add(c, s, args, l->te);
    /* more argument lines, up to a blank line or an option */
    while (pos < n) {
        ln a;
        ln_get(s, n, pos, &a);
        if (a.blank || a.ind <= ind || rst_field(s, a.t, a.te))
            break;
        if (kind == D_TITLED)
            mk_para_add(c, s, a.t, a.te);
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
                mk_para_add(c, s, j, l->te);
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

void rst_body(cx *c, const char *s, size_t n, int nested);

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
void rst_body(cx *c, const char *s, size_t n, int nested)
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
                size_t *gl = mk_grow(c, c->gl, &c->gl_cap, c->gl_n + 2, sizeof *gl);
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
                mk_para_add(c, s, k, l.te);
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
                mk_para_add(c, s, l.t, l.te);
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
                    mk_para_add(c, s, k, l.te);
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
            mk_para_add(c, s, l.t + 1, l.te);
            continue;
        }
        if (!c->para.len) {
            st.ind = l.ind;
            st.kind = P_TEXT;
        }
        mk_para_add(c, s, l.t, l.te);
        st.fresh = 0;
    }
    if (st.table == T_GRID)
        rst_grid_flush(c, s);
    rst_flush(c, &st, 0);
}

