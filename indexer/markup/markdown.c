/* markdown.c: Markdown to the text a reader sees. md4c parses (CommonMark
 * with GitHub's tables, strikethrough and task lists); its callbacks
 * gather each block's text here, which is written out without the kramdown
 * and Pandoc attribute lists ({#id}, {: .class}) and the footnote marks md4c
 * does not know. HTML blocks and inline tags go through html.c. */
#include <md4c.h>

#include "indexer/markup/markup.h"

/* Places in a block's gathered text, as bytes UTF-8 never uses (the text
 * md4c hands over is the post's, valid UTF-8). */
enum {
    MK_BREAK = 0xFF,     /* a paragraph break: a block tag inside a paragraph */
    MK_SPAN = 0xFE,      /* a span ended: an attribute list may follow */
    MK_CODE = 0xFD,      /* code span text, taken as it is up to MK_CODE_END */
    MK_CODE_END = 0xFC,
    MK_IMG = 0xFB,       /* an image that starts a line, up to MK_IMG_END: */
    MK_IMG_END = 0xFA,   /* alone on its line, it is a paragraph of its own */
};

static int is_mark(uc ch)
{
    return ch >= MK_IMG_END;
}

/* What ends a run of plain text in md_flush: 1 always, 2 in a table's rows. */
static const uc md_stop[256] = {
    ['\n'] = 1, ['['] = 1, ['|'] = 2, [MK_IMG_END] = 1, [MK_IMG] = 1,
    [MK_CODE_END] = 1, [MK_CODE] = 1, [MK_SPAN] = 1, [MK_BREAK] = 1,
};

typedef struct {
    cx *c;
    const char *src;     /* the body: every text is read from here */
    const char *doc;     /* what md4c parses: src, or a copy with each "[^" hidden */
    size_t n;            /* bytes of both */
    txt_buf *blk;        /* &c->para: the block being read, with its MK_ places */
    int code;            /* in a code block: its text gathers in c->row */
    int html;            /* in an HTML block: it gathers in c->html */
    int tags;            /* inline HTML gathering in c->html, read at the next other event */
    int heading;         /* in a heading */
    int cell;            /* in a table cell */
    int img;             /* images open: an image's alt text may hold images */
    int img_line;        /* the outermost open image is marked MK_IMG */
    int hid;             /* the hidden element open inline (html_hidden index), or -1 */
    size_t hid_at;       /* where its content starts in blk */
} md_walk;

static int md_failed(const md_walk *w)
{
    const cx *c = w->c;
    return c->oom || c->para.err || c->row.err || c->html.err || c->out->err;
}

/* md4c's text lies in what it parses (or, for a few spaces and line ends, in
 * its own constants); the same bytes of the body are read instead. */
static const char *md_src(const md_walk *w, const char *t)
{
    uintptr_t a = (uintptr_t)t, d = (uintptr_t)w->doc;
    return a >= d && a - d < w->n ? w->src + (a - d) : t;
}

/* ---- attribute lists and footnotes -------------------------------------- */

static int attr_name_start(uc ch)
{
    return is_alpha(ch) || ch == '_';
}

static int attr_name_char(uc ch)
{
    return is_alnum(ch) || ch == '_' || ch == '-' || ch == ':' || ch == '.';
}

/* A kramdown or Pandoc attribute list at p[i]: its length, 0 if none.
 * "{#id .class key=val key="v a l"}", or kramdown's "{: ...}", whose items
 * may also be bare names ({:toc}). One item at least, on one line; names
 * start with a letter, so Rust's "{:?}" and "{.0}" in prose stay text. */
static size_t md_attr(const uc *p, size_t n, size_t i)
{
    size_t k = i + 1;
    if (i >= n || p[i] != '{')
        return 0;
    int kram = k < n && p[k] == ':';
    k += (size_t)kram;
    int items = 0;
    for (;;) {
        while (k < n && (p[k] == ' ' || p[k] == '\t'))
            k++;
        if (k >= n)
            return 0;
        if (p[k] == '}')
            return items ? k + 1 - i : 0;
        if (items && p[k - 1] != ' ' && p[k - 1] != '\t')
            return 0;  /* items stand apart */
        if (p[k] == '#' || p[k] == '.') {
            k++;
            if (k >= n || !attr_name_start(p[k]))
                return 0;
            while (k < n && attr_name_char(p[k]))
                k++;
        } else if (attr_name_start(p[k])) {
            while (k < n && attr_name_char(p[k]))
                k++;
            if (k < n && p[k] == '=') {
                k++;
                if (k < n && (p[k] == '"' || p[k] == '\'')) {
                    uc q = p[k++];
                    while (k < n && p[k] != q && p[k] != '\n' && !is_mark(p[k]))
                        k++;
                    if (k >= n || p[k] != q)
                        return 0;
                    k++;
                } else {
                    size_t v = k;
                    while (k < n && !is_ws(p[k]) && p[k] != '}' && p[k] != '{' && p[k] != '"' &&
                           p[k] != '\'' && !is_mark(p[k]))
                        k++;
                    if (k == v)
                        return 0;
                }
            } else if (!kram) {
                return 0;  /* a bare name is kramdown's only */
            }
        } else {
            return 0;
        }
        items++;
    }
}

/* An attribute list that is a whole line from p[i]: where the line ends,
 * 0 if it is not one. */
static size_t md_attr_line(const uc *p, size_t n, size_t i)
{
    size_t a = md_attr(p, n, i);
    if (!a)
        return 0;
    size_t k = i + a;
    while (k < n && (p[k] == ' ' || p[k] == '\t'))
        k++;
    return k == n || p[k] == '\n' || p[k] == MK_BREAK ? k : 0;
}

/* A heading's text without the attribute list that ends it ("Title {#id}"):
 * its new length. */
static size_t md_heading_end(const uc *p, size_t n)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (!n || p[n - 1] != '}')
        return n;
    size_t k = n - 1;
    while (k > 0 && p[k] != '{' && p[k] != '\n' && !is_mark(p[k]))
        k--;
    return p[k] == '{' && md_attr(p, n, k) == n - k ? k : n;
}

/* A footnote mark "[^label]" at p[i] (def: a definition's "[^label]:" and
 * the spaces after): its length, 0 if none. md4c has no footnotes: the
 * marks go, a definition's text stays. */
static size_t md_footnote(const uc *p, size_t n, size_t i, int def)
{
    if (i + 2 >= n || p[i] != '[' || p[i + 1] != '^')
        return 0;
    size_t k = i + 2;
    while (k < n && k - i <= 66 && p[k] != ']' && p[k] != '[' && !is_ws(p[k]) && !is_mark(p[k]))
        k++;
    if (k >= n || p[k] != ']' || k == i + 2)
        return 0;
    k++;
    if (!def)
        return k - i;
    if (k >= n || p[k] != ':')
        return 0;
    k++;
    while (k < n && (p[k] == ' ' || p[k] == '\t'))
        k++;
    return k - i;
}

/* Is the image marked at p[i] (MK_IMG) alone on its line: nothing but
 * spans' ends, attribute lists and spaces after its MK_IMG_END? */
static int md_img_alone(const uc *p, size_t n, size_t i)
{
    const uc *e = memchr(p + i, MK_IMG_END, n - i);
    if (!e)
        return 0;
    size_t k = (size_t)(e - p) + 1, a;
    while (k < n) {
        if (p[k] == MK_SPAN || p[k] == ' ' || p[k] == '\t')
            k++;
        else if ((a = md_attr(p, n, k)) != 0)
            k += a;
        else
            break;
    }
    return k == n || p[k] == '\n' || p[k] == MK_BREAK;
}

/* A line of only '|', '-', ':' and blanks, with a '|' and a '-': the
 * delimiter row under a table's header. */
static int md_delim_row(const uc *p, size_t b, size_t e)
{
    int dash = 0, pipe = 0;
    for (; b < e; b++) {
        if (p[b] == '-')
            dash = 1;
        else if (p[b] == '|')
            pipe = 1;
        else if (p[b] != ':' && p[b] != ' ' && p[b] != '\t')
            return 0;
    }
    return dash && pipe;
}

/* md4c 0.4.8 takes a table only at a paragraph's start and only when each
 * cell of its delimiter row has three characters or more ("|---|");
 * GitHub also takes "|-|", "-|-" and a table right under a paragraph's
 * lines. Such a table reaches here as the lines of a paragraph: where its
 * header line starts (*rows) and its delimiter row [*db, *de). 0 if the
 * block holds none. */
static int md_loose_table(const uc *p, size_t n, size_t *rows, size_t *db, size_t *de)
{
    if (!n || !memchr(p, '|', n))
        return 0;
    size_t prev = 0;
    int prev_pipe = 0;
    for (size_t b = 0; b < n;) {
        const uc *nl = memchr(p + b, '\n', n - b);
        size_t e = nl ? (size_t)(nl - p) : n;
        if (prev_pipe && md_delim_row(p, b, e)) {
            *rows = prev;
            *db = b;
            *de = e;
            return 1;
        }
        int code = 0;
        prev_pipe = 0;
        for (size_t k = b; k < e && !prev_pipe; k++) {
            code = p[k] == MK_CODE ? 1 : p[k] == MK_CODE_END ? 0 : code;
            prev_pipe = p[k] == '|' && !code;
        }
        prev = b;
        b = e + 1;
    }
    return 0;
}

/* ---- a block's text out ------------------------------------------------- */

static void md_flush(md_walk *w)
{
    cx *c = w->c;
    const uc *p = (const uc *)w->blk->p;
    size_t n = w->blk->len, i = 0, f;
    int line = 1, img_para = 0, table = 0;
    w->hid = -1;  /* a hidden element left open hides nothing */
    if (w->heading)
        n = md_heading_end(p, n);
    size_t rows = 0, db = 0, de = 0;
    int loose = !w->heading && md_loose_table(p, n, &rows, &db, &de);
    while (i < n) {
        if (loose && i == rows && !table) {  /* the table's rows: cells a space apart */
            em_para(c);
            table = 1;
        }
        if (loose && i == db) {
            i = de;
            continue;
        }
        if (line) {
            line = 0;
            if ((f = md_attr_line(p, n, i)) != 0) {
                i = f;
                continue;
            }
            if ((f = md_footnote(p, n, i, 1)) != 0) {
                em_para(c);
                i += f;
                continue;
            }
        }
        uc ch = p[i];
        if (ch == '\n' || ch == MK_BREAK) {
            if (ch == '\n')
                em_nl(c);
            else
                em_para(c);
            line = 1;
            i++;
        } else if (ch == MK_SPAN) {
            i++;
            i += md_attr(p, n, i);
        } else if (ch == MK_CODE) {
            const uc *e = memchr(p + i, MK_CODE_END, n - i);
            size_t end = e ? (size_t)(e - p) : n;
            em_text(c, (const char *)p + i + 1, end - i - 1);
            i = end + 1;
        } else if (ch == MK_IMG) {
            img_para = md_img_alone(p, n, i);
            if (img_para)
                em_para(c);
            i++;
        } else if (ch == MK_IMG_END || ch == MK_CODE_END) {
            if (ch == MK_IMG_END && img_para)
                em_para(c);
            img_para = 0;
            i++;
        } else if (ch == '[' && (f = md_footnote(p, n, i, 0)) != 0) {
            i += f;
        } else if (ch == '|' && table) {
            if (c->col) {
                mk_trim_tail(c);
                em_text(c, " ", 1);
            }
            for (i++; i < n && (p[i] == ' ' || p[i] == '\t');)
                i++;
        } else {
            size_t e = i + 1;
            uc stop = table ? 3 : 1;
            while (e < n && !(md_stop[p[e]] & stop))
                e++;
            em_text(c, (const char *)p + i, e - i);
            i = e;
        }
    }
    buf_reset(w->blk);
}

/* Is the block's text at a line's start, where an image may stand alone
 * (in a table cell it never does)? */
static int md_line_start(const md_walk *w)
{
    const txt_buf *b = w->blk;
    return !w->cell && (!b->len || b->p[b->len - 1] == '\n' || (uc)b->p[b->len - 1] == MK_BREAK);
}

/* ---- inline HTML -------------------------------------------------------- */

static void md_tag(md_walk *w, const char *s, const tag *t)
{
    txt_buf *b = w->blk;
    if (w->hid >= 0) {  /* inside a hidden element only its end counts */
        if (t->close && strcmp(t->name, html_hidden[w->hid]) == 0) {
            b->len = w->hid_at;
            w->hid = -1;
        }
        return;
    }
    if ((strcmp(t->name, "img") == 0 || strcmp(t->name, "area") == 0) && t->has_alt && !t->close) {
        buf_putc(b, ' ');
        html_attr_put(b, s + t->alt, t->alt_n);
        buf_putc(b, ' ');
    } else if (strcmp(t->name, "br") == 0 || strcmp(t->name, "tr") == 0) {
        buf_putc(b, '\n');
    } else if (strcmp(t->name, "td") == 0 || strcmp(t->name, "th") == 0) {
        buf_putc(b, ' ');
    } else if (html_name_in(t->name, html_blocks)) {
        buf_putc(b, (char)MK_BREAK);
    } else if (!t->close && !t->self) {
        for (int h = 0; html_hidden[h]; h++)
            if (strcmp(t->name, html_hidden[h]) == 0) {
                w->hid = h;
                w->hid_at = b->len;
                break;
            }
    }
}

/* The inline HTML gathered since the last text: tags, comments and
 * declarations (md4c hands over nothing else as inline HTML), none of them
 * text; what each tag means for the text is md_tag's. */
static void md_tags_end(md_walk *w)
{
    if (!w->tags)
        return;
    w->tags = 0;
    txt_buf *h = &w->c->html;
    const char *s = h->p ? h->p : "";
    size_t n = h->len, i = 0;
    finder fq = { "\"", 1, 0, 0, 0 }, fa = { "'", 1, 0, 0, 0 }, fcom = { "-->", 3, 0, 0, 0 };
    finder fgt = { ">", 1, 0, 0, 0 };
    while (i < n) {
        tag t;
        if (s[i] != '<') {
            i++;
        } else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            size_t q = mk_find_pat(&fcom, s, n, i + 4);
            i = q < n ? q + 3 : n;
        } else if (i + 1 < n && (s[i + 1] == '!' || s[i + 1] == '?')) {
            size_t q = mk_find_pat(&fgt, s, n, i + 2);
            i = q < n ? q + 1 : n;
        } else if (html_parse_tag(s, n, i, &t, &fq, &fa)) {
            md_tag(w, s, &t);
            i = t.end;
        } else {
            i++;
        }
    }
    buf_reset(h);
}

/* ---- md4c's callbacks --------------------------------------------------- */

/* A code block's lines, verbatim; a blank line inside is a paragraph break. */
static void md_code_end(md_walk *w)
{
    cx *c = w->c;
    const char *s = c->row.p ? c->row.p : "";
    size_t n = c->row.len;
    for (size_t pos = 0; pos < n;) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t e = nl ? (size_t)(nl - s) : n;
        mk_verbatim_line(c, s, pos, e);
        pos = e + 1;
    }
    buf_reset(&c->row);
    w->code = 0;
}

/* Blocks that only hold others, with nothing to write of their own. */
static int md_frame(MD_BLOCKTYPE type)
{
    return type == MD_BLOCK_DOC || type == MD_BLOCK_THEAD || type == MD_BLOCK_TBODY;
}

static int md_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_walk *w = ud;
    (void)detail;
    md_tags_end(w);
    if (md_frame(type) || type == MD_BLOCK_TR)
        return md_failed(w);
    switch (type) {
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        md_flush(w);
        w->cell = 1;
        break;
    case MD_BLOCK_CODE:
        md_flush(w);
        em_para(w->c);
        buf_reset(&w->c->row);
        w->code = 1;
        break;
    case MD_BLOCK_HTML:
        md_flush(w);
        buf_reset(&w->c->html);
        w->html = 1;
        break;
    default:
        md_flush(w);
        em_para(w->c);
        w->heading = type == MD_BLOCK_H;
        break;
    }
    return md_failed(w);
}

static int md_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
    md_walk *w = ud;
    cx *c = w->c;
    (void)detail;
    md_tags_end(w);
    if (md_frame(type))
        return md_failed(w);
    switch (type) {
    case MD_BLOCK_TR:
        md_flush(w);
        em_nl(c);
        break;
    case MD_BLOCK_TH:
    case MD_BLOCK_TD:
        /* the cells of a row on one line, a space apart */
        if (c->col && w->blk->len && c->out->len && c->out->p[c->out->len - 1] != ' ')
            em_text(c, " ", 1);
        md_flush(w);
        w->cell = 0;
        break;
    case MD_BLOCK_CODE:
        md_code_end(w);
        em_para(c);
        break;
    case MD_BLOCK_HTML:
        em_para(c);
        html_run(c, c->html.p ? c->html.p : "", c->html.len);
        em_para(c);
        buf_reset(&c->html);
        w->html = 0;
        break;
    default:
        md_flush(w);
        em_para(c);
        w->heading = 0;
        break;
    }
    return md_failed(w);
}

static int md_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_walk *w = ud;
    (void)detail;
    md_tags_end(w);
    if (type == MD_SPAN_IMG && w->img++ == 0 && md_line_start(w)) {
        buf_putc(w->blk, (char)MK_IMG);
        w->img_line = 1;
    }
    return md_failed(w);
}

static int md_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
    md_walk *w = ud;
    (void)detail;
    md_tags_end(w);
    if (type == MD_SPAN_IMG && w->img > 0 && --w->img == 0 && w->img_line) {
        buf_putc(w->blk, (char)MK_IMG_END);
        w->img_line = 0;
    }
    buf_putc(w->blk, (char)MK_SPAN);
    return md_failed(w);
}

static int md_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *ud)
{
    md_walk *w = ud;
    cx *c = w->c;
    const char *s = md_src(w, text);
    if (w->code || w->html) {
        buf_put(w->code ? &c->row : &c->html, s, size);
        return md_failed(w);
    }
    if (type == MD_TEXT_HTML) {
        buf_put(&c->html, s, size);
        w->tags = 1;
        return md_failed(w);
    }
    md_tags_end(w);
    txt_buf *b = w->blk;
    uint32_t cp;
    char u[4];
    switch (type) {
    case MD_TEXT_NULLCHAR:
        buf_put(b, u, utf8_enc(0xFFFD, u));
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        buf_putc(b, '\n');
        break;
    case MD_TEXT_ENTITY:
        /* md4c knows entities by their form; an unknown name stays as written */
        if (mk_entity(s, size, 0, &cp) == size)
            buf_put(b, u, utf8_enc(cp, u));
        else
            buf_put(b, s, size);
        break;
    case MD_TEXT_CODE:
        buf_putc(b, (char)MK_CODE);
        buf_put(b, s, size);
        buf_putc(b, (char)MK_CODE_END);
        break;
    default:
        buf_put(b, s, size);
        break;
    }
    return md_failed(w);
}

/* GitHub's tables, ~~strikethrough~~ and task lists. Not its bare links
 * (MD_FLAG_PERMISSIVE*AUTOLINKS): a bare URL is text either way, and md4c
 * 0.4.8 with them loses the opener of an emphasis right after a link whose
 * destination is a URL ("[a](http://x/)_b_" gives "_b"). */
#define MD_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS)

void md_body(cx *c, const char *s, size_t n)
{
    md_walk w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.src = w.doc = s ? s : "";
    w.n = n;
    w.blk = &c->para;
    w.hid = -1;
    if (n > (MD_SIZE)-1)
        n = w.n = (MD_SIZE)-1;  /* md4c's sizes are 32 bits; posts are far smaller */
    /* md4c parses a copy: it reads its input with strcspn() in places, so
     * the copy ends in a NUL the body need not have; and md4c would read
     * "[^1]: text" as a link definition and "[^1]" as its link, so in the
     * copy the '[' of each "[^" is a byte that means nothing to it, while
     * the text is read from the body itself. */
    char *copy = malloc(n + 1);
    if (!copy) {
        c->oom = 1;
        return;
    }
    memcpy(copy, w.src, n);
    copy[n] = '\0';
    w.doc = copy;
    for (const char *q = w.src; (q = memchr(q, '[', n - (size_t)(q - w.src))) != NULL; q++)
        if ((size_t)(q - w.src) + 1 < n && q[1] == '^')
            copy[q - w.src] = '\x01';
    MD_PARSER parser = { 0, MD_FLAGS, md_enter_block, md_leave_block, md_enter_span,
                         md_leave_span, md_text, NULL, NULL };
    if (md_parse(w.doc, (MD_SIZE)n, &parser, &w) == -1)
        c->oom = 1;
    free(copy);
}
