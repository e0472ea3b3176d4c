/* html.c: HTML to the text a reader sees: tags go, entities are decoded,
 * script, style and other hidden elements vanish, block elements break lines. */
#include "indexer/markup/markup.h"

int html_parse_tag(const char *s, size_t n, size_t i, tag *t, finder *fq, finder *fa)
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
            size_t q = mk_find_pat(s[k] == '"' ? fq : fa, s, n, k + 1);
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

int html_name_in(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return 1;
    return 0;
}

/* Elements whose whole content a reader never sees. */
const char *const html_hidden[] = {
    "script", "style", "template", "noscript", "svg", "head", "title",
    "iframe", "video", "audio", "object", "canvas", NULL
};

/* Elements that end a paragraph (td, th, tr and br are handled apart). */
const char *const html_blocks[] = {
    "address", "article", "aside", "blockquote", "body", "caption", "center",
    "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "frameset", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main",
    "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody",
    "tfoot", "thead", "ul", "option", "select", "textarea", "embed", NULL
};

/* Finders for the closing tag of each element whose content is hidden
 * ("</script", ...); pats holds their patterns. Returns how many. */
static size_t html_hidden_finders(finder fhid[16], char pats[16][16])
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

void html_attr_put(txt_buf *b, const char *s, size_t n)
{
    size_t i = 0, run = 0;
    while (i < n) {
        uint32_t cp;
        size_t el;
        if (s[i] == '&' && (el = mk_entity(s, n, i, &cp)) != 0) {
            char u[4];
            buf_put(b, s + run, i - run);
            buf_put(b, u, utf8_enc(cp, u));
            i += el;
            run = i;
        } else if (is_ws((uc)s[i])) {
            buf_put(b, s + run, i - run);
            if (b->len && b->p[b->len - 1] != ' ')
                buf_putc(b, ' ');
            i++;
            run = i;
        } else {
            i++;
        }
    }
    buf_put(b, s + run, n - run);
}

static void html_attr_text(cx *c, const char *s, size_t n)
{
    txt_buf t = { 0 };
    html_attr_put(&t, s, n);
    em_text(c, t.p ? t.p : "", t.len);
    if (t.err)
        c->oom = 1;
    buf_free(&t);
}

/* Converts an HTML fragment or page. */
void html_run(cx *c, const char *s, size_t n)
{
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 };
    finder fcom = { "-->", 3, 0, 0, 0 }, fgt = { ">", 1, 0, 0, 0 };
    finder fbody = { "<body", 5, 0, 0, 0 };
    finder fhid[16];
    char pats[16][16];
    size_t nhid = html_hidden_finders(fhid, pats);
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
                    size_t q = mk_find_pat(&fcom, s, n, i + 4);
                    i = q >= n ? n : q + 3;
                }
                continue;
            }
            if (nx == '!' || nx == '?') {
                size_t q = mk_find_pat(&fgt, s, n, i + 2);
                if (q < n) {
                    i = q + 1;
                    continue;
                }
            }
            tag t;
            if ((nx == '/' || is_alpha(nx)) && html_parse_tag(s, n, i, &t, &fq, &fa)) {
                i = t.end;
                if (!t.close && !t.self) {
                    for (size_t h = 0; h < nhid; h++) {
                        if (strcmp(t.name, html_hidden[h]) != 0)
                            continue;
                        size_t q = mk_find_pat(&fhid[h], s, n, i);
                        if (strcmp(t.name, "head") == 0) {  /* a body start closes it too */
                            size_t b = mk_find_pat(&fbody, s, n, i);
                            if (b < q)
                                q = b;
                        }
                        if (q >= n) {
                            i = n;
                        } else if (s[q + 1] == '/') {
                            size_t g = mk_find_pat(&fgt, s, n, q);
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
                } else if (html_name_in(t.name, html_blocks) || html_name_in(t.name, html_hidden)) {
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
            size_t el = mk_entity(s, n, i, &cp);
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

