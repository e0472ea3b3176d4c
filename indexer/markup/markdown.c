/* markdown.c: Markdown (CommonMark blocks and inlines, pipe tables, HTML
 * blocks through html.c) to the text a reader sees. */
#include "indexer/markup/markup.h"

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
        if (t[i] == '&' && (el = mk_entity(t, b, i, &cp)) != 0) {
            c->mk[i] = M_ENT;
            md_mark(c, i + 1, i + el, M_DROP);
            i += el - 1;
        }
    }
}

static void md_inline(cx *c, const char *t, size_t n)
{
    uc *mk = n ? mk_grow(c, c->mk, &c->mk_cap, n, 1) : NULL;
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
    size_t nhid = html_hidden_finders(fhid, pats);
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
                       (e = mk_find_pat(&fcom, t, n, i + 4)) < n) {
                md_mark(c, i, e + 3, M_DROP);
                i = e + 3;
            } else if (i + 1 < n && (t[i + 1] == '/' || is_alpha((uc)t[i + 1])) &&
                       html_parse_tag(t, n, i, &tg, &fq, &fa)) {
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
                } else if (html_name_in(tg.name, html_blocks)) {
                    c->mk[i] = M_PARA;
                } else if (!tg.close && !tg.self) {
                    for (size_t h = 0; h < nhid; h++)
                        if (strcmp(tg.name, html_hidden[h]) == 0) {
                            size_t q = mk_find_pat(&fhid[h], t, n, end);
                            if (q < n) {
                                size_t g = mk_find_pat(&fgt, t, n, q);
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
            size_t el = mk_entity(t, n, i, &cp);
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
            struct delim *dl = op || cl ? mk_grow(c, c->dl, &c->dl_cap, (size_t)ndl + 1, sizeof *dl) : NULL;
            if (dl) {
                c->dl = dl;
                c->dl[ndl] = (struct delim){ i, r, r, (char)ch, (uc)op, (uc)cl, 0, 0 };
                ndl++;
            }
            i += r;
        } else if ((ch == '!' && i + 1 < n && t[i + 1] == '[') || (ch == '[' && !(i + 1 < n && t[i + 1] == '^'))) {
            struct bracket *br = mk_grow(c, c->br, &c->br_cap, (size_t)nbr + 1, sizeof *br);
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
            if (mk_entity(t, n, i, &cp))
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
    if (!close && html_name_in(name, raw) && (j == e || is_sp((uc)s[j]) || s[j] == '>'))
        return 1;
    if (html_name_in(name, blocks) && endok)
        return 6;
    if (in_para)
        return 0;
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 };
    tag t;
    if (!html_parse_tag(s, e, k, &t, &fq, &fa))
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

void md_body(cx *c, const char *s, size_t n)
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
                    mk_verbatim_line(c, s, cols_skip(s, k, l.e, st.fence_ind), l.e);
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
            mk_verbatim_line(c, s, cols_skip(s, k, l.e, st.list_ind + 4), l.e);
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
        mk_para_add(c, s, j, te);
    }
    if (st.html)
        md_html_end(c, &st);
    md_flush(c, &st);
}

