/* post.c: one post file (and its .meta sidecar) into fields: the metadata
 * header in any of the forms Nikola, Hugo, Jekyll and Pelican write, and the
 * body as plain text (markup/). Bad input is reported with its line and
 * read as well as it can be; nothing here touches the index. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/indexer.h"
#include "stemming/stemming.h"

#define TITLE_FALLBACK_MAX 200   /* bytes of a first line taken as a title */

enum {
    K_TITLE = 1 << 0, K_SLUG = 1 << 1, K_DATE = 1 << 2, K_TAGS = 1 << 3, K_CATEGORY = 1 << 4,
    K_LINK = 1 << 5, K_DESC = 1 << 6, K_AUTHOR = 1 << 7, K_STATUS = 1 << 8
};

typedef struct {
    const char *path;
    const post_opts *o;
    post *p;
    unsigned seen;        /* K_* keys already set */
    /* the tags so far, an open-addressing set of their offsets in p->tags
     * plus 1 (0: empty), so a tag given twice is found at once however
     * many there are */
    uint32_t *tag_slot;
    size_t tag_nslots, tag_used;
    int oom;
} ctx;

/* A line of the cleaned text: [s, s + len), no '\n'. */
typedef struct {
    const char *s;
    size_t len;
    unsigned no;          /* 1-based line number in the file */
} line;

typedef struct {
    const char *p, *end;
    unsigned no;
} line_iter;

static int next_line(line_iter *it, line *l)
{
    if (it->p >= it->end)
        return 0;
    const char *nl = memchr(it->p, '\n', (size_t)(it->end - it->p));
    l->s = it->p;
    l->len = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
    l->no = ++it->no;
    it->p = nl ? nl + 1 : it->end;
    return 1;
}

static void diag(ctx *c, unsigned lineno, diag_level level, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void diag(ctx *c, unsigned lineno, diag_level level, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    if (!c->o->diag)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->o->diag(c->o->diag_ctx, c->path, lineno, level, msg);
}

void post_init(post *p)
{
    memset(p, 0, sizeof *p);
}

void post_free(post *p)
{
    txt_buf *bufs[] = { &p->title, &p->slug, &p->categories, &p->author, &p->description,
                        &p->link, &p->body, &p->tags };
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        buf_free(bufs[i]);
    post_init(p);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (n < m)
        return 0;
    for (size_t i = 0; i < m; i++)
        if (tolower((unsigned char)s[n - m + i]) != suffix[i])
            return 0;
    return 1;
}

int post_kind_of(const char *path)
{
    static const struct { const char *ext; markup_kind kind; } exts[] = {
        { ".rst", MARKUP_RST }, { ".txt", MARKUP_RST }, { ".rest", MARKUP_RST },
        { ".md", MARKUP_MD }, { ".markdown", MARKUP_MD }, { ".mdown", MARKUP_MD },
        { ".mkd", MARKUP_MD }, { ".html", MARKUP_HTML }, { ".htm", MARKUP_HTML },
    };
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (ends_with(path, exts[i].ext))
            return (int)exts[i].kind;
    return -1;
}

/* ---- cleaning: BOM, line ends, invalid UTF-8 ------------------------------ */

/* Copies data to out as valid UTF-8 with LF line ends: a leading BOM goes,
 * CRLF and CR become LF, each invalid byte and NUL becomes U+FFFD. */
static void clean_text(ctx *c, const char *data, size_t len, txt_buf *out)
{
    const unsigned char *p = (const unsigned char *)data, *end = p + len, *run = p;
    unsigned lineno = 1, bad_line = 0;
    size_t nbad = 0;

    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        run = p += 3;
    while (p < end) {
        unsigned ch = *p;
        if (ch >= 0x20 && ch < 0x80) {
            p++;
            continue;
        }
        if (ch == '\n') {
            lineno++;
            p++;
            continue;
        }
        if ((ch == 0xD0 || ch == 0xD1) && p + 1 < end && (p[1] & 0xC0) == 0x80) {
            p += 2;                      /* Cyrillic, most of the text */
            continue;
        }
        if (ch == '\r') {
            buf_put(out, run, (size_t)(p - run));
            buf_putc(out, '\n');
            lineno++;
            p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
            run = p;
            continue;
        }
        int32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (cp == UTF8_INVALID || cp == 0) {
            buf_put(out, run, (size_t)(p - run));
            buf_put(out, "\xEF\xBF\xBD", 3);
            if (!nbad++)
                bad_line = lineno;
            p += n;
            run = p;
            continue;
        }
        p += n;
    }
    buf_put(out, run, (size_t)(p - run));
    if (nbad)
        diag(c, bad_line, DIAG_WARNING, "%zu invalid UTF-8 byte%s (first on this line) "
             "replaced with U+FFFD", nbad, nbad == 1 ? "" : "s");
}

/* ---- metadata values -------------------------------------------------------- */

static void trim(const char **s, size_t *len)
{
    while (*len && isspace((unsigned char)**s)) {
        (*s)++;
        (*len)--;
    }
    while (*len && isspace((unsigned char)(*s)[*len - 1]))
        (*len)--;
}

static void unquote(const char **s, size_t *len)
{
    trim(s, len);
    if (*len >= 2 && ((**s == '"' && (*s)[*len - 1] == '"') || (**s == '\'' && (*s)[*len - 1] == '\''))) {
        (*s)++;
        *len -= 2;
    }
}

static int ieq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

/* Slot of tag s in c's set: where it is, or the empty slot it would take. */
static size_t tag_slot_of(const ctx *c, const char *s, size_t len, uint64_t h)
{
    size_t m = c->tag_nslots - 1, i = (size_t)h & m;
    for (; c->tag_slot[i]; i = (i + 1) & m) {
        const char *t = c->p->tags.p + c->tag_slot[i] - 1;
        if (memcmp(t, s, len) == 0 && t[len] == '\0')
            return i;
    }
    return i;
}

/* Doubles the set of c's tags (from 16 slots), keeping it under half full. */
static int tag_set_grow(ctx *c)
{
    size_t n = c->tag_nslots ? c->tag_nslots * 2 : 16;
    uint32_t *old = c->tag_slot, *slot = calloc(n, sizeof *slot);
    size_t oldn = c->tag_nslots;
    if (!slot)
        return -1;
    c->tag_slot = slot;
    c->tag_nslots = n;
    for (size_t i = 0; i < oldn; i++) {
        if (!old[i])
            continue;
        const char *t = c->p->tags.p + old[i] - 1;
        size_t len = strlen(t);
        slot[tag_slot_of(c, t, len, codec_hash64(t, len, 0))] = old[i];
    }
    free(old);
    return 0;
}

static void add_tag(ctx *c, const char *s, size_t len)
{
    unquote(&s, &len);
    if (!len)
        return;
    if (ieq(s, len, "draft"))
        c->p->draft = 1;
    if (c->p->tags.len >= UINT32_MAX - len - 1) {
        c->oom = 1;
        return;
    }
    if ((c->tag_used + 1) * 2 > c->tag_nslots && tag_set_grow(c) != 0) {
        c->oom = 1;
        return;
    }
    /* the same tag twice in one post counts once */
    uint64_t h = codec_hash64(s, len, 0);
    size_t i = tag_slot_of(c, s, len, h);
    if (c->tag_slot[i])
        return;
    c->tag_slot[i] = (uint32_t)c->p->tags.len + 1;
    c->tag_used++;
    buf_put(&c->p->tags, s, len);
    buf_putc(&c->p->tags, '\0');
    c->p->ntags++;
}

/* A category as written; one given twice is kept once by the writer. */
static void add_category(ctx *c, const char *s, size_t len)
{
    unquote(&s, &len);
    if (!len)
        return;
    buf_put(&c->p->categories, s, len);
    buf_putc(&c->p->categories, '\0');
    c->p->ncategories++;
}

/* "a, b, c" or "[a, 'b c', d]": each item to add (a tag or a category). */
static void add_list(ctx *c, const char *s, size_t len, void (*add)(ctx *, const char *, size_t))
{
    trim(&s, &len);
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        s++;
        len -= 2;
    }
    while (len) {
        const char *comma = memchr(s, ',', len);
        size_t n = comma ? (size_t)(comma - s) : len;
        add(c, s, n);
        if (!comma)
            break;
        len -= n + 1;
        s = comma + 1;
    }
}

static int is_true(const char *s, size_t len)
{
    return ieq(s, len, "true") || ieq(s, len, "yes") || ieq(s, len, "on") || ieq(s, len, "1");
}

static int is_false(const char *s, size_t len)
{
    return ieq(s, len, "false") || ieq(s, len, "no") || ieq(s, len, "off") || ieq(s, len, "0");
}

static int claim(ctx *c, unsigned key, const char *name, unsigned lineno)
{
    if (c->seen & key) {
        diag(c, lineno, DIAG_WARNING, "duplicate key \"%s\"; the first value is kept", name);
        return 0;
    }
    c->seen |= key;
    return 1;
}

static void set_text(ctx *c, txt_buf *b, unsigned key, const char *name, const char *v,
                     size_t vlen, unsigned lineno)
{
    if (claim(c, key, name, lineno))
        buf_put(b, v, vlen);
}

/* One metadata key and its value from any header form. Unknown keys are
 * ignored without complaint: every generator has its own. */
static void set_key(ctx *c, const char *k, size_t klen, const char *v, size_t vlen,
                    unsigned lineno)
{
    post *p = c->p;
    unquote(&v, &vlen);
    trim(&k, &klen);
    if (ieq(k, klen, "title")) {
        set_text(c, &p->title, K_TITLE, "title", v, vlen, lineno);
    } else if (ieq(k, klen, "slug")) {
        set_text(c, &p->slug, K_SLUG, "slug", v, vlen, lineno);
    } else if (ieq(k, klen, "link") || ieq(k, klen, "url")) {
        set_text(c, &p->link, K_LINK, "link", v, vlen, lineno);
    } else if (ieq(k, klen, "description") || ieq(k, klen, "summary")) {
        set_text(c, &p->description, K_DESC, "description", v, vlen, lineno);
    } else if (ieq(k, klen, "author") || ieq(k, klen, "authors")) {
        if (vlen >= 2 && v[0] == '[' && v[vlen - 1] == ']') {
            v++;
            vlen -= 2;
            unquote(&v, &vlen);
        }
        set_text(c, &p->author, K_AUTHOR, "author", v, vlen, lineno);
    } else if (ieq(k, klen, "category") || ieq(k, klen, "categories")) {
        if (claim(c, K_CATEGORY, "category", lineno))   /* one, or a list of them */
            add_list(c, v, vlen, add_category);
    } else if (ieq(k, klen, "tags") || ieq(k, klen, "tag") || ieq(k, klen, "keywords")) {
        if (claim(c, K_TAGS, "tags", lineno))
            add_list(c, v, vlen, add_tag);
    } else if (ieq(k, klen, "date")) {
        if (!claim(c, K_DATE, "date", lineno) || vlen == 0)
            return;
        const char *why;
        if (date_parse_in(v, vlen, c->o->zone, &p->date, &p->tz_min, &why) == 0)
            p->has_date = 1;
        else
            diag(c, lineno, DIAG_WARNING, "date \"%.*s\": %s; the post is indexed without a "
                 "date", (int)(vlen > 80 ? 80 : vlen), v, why);
    } else if (ieq(k, klen, "status")) {
        if (claim(c, K_STATUS, "status", lineno) && (ieq(v, vlen, "draft") || ieq(v, vlen, "hidden")))
            p->draft = 1;
    } else if (ieq(k, klen, "draft")) {
        if (is_true(v, vlen))
            p->draft = 1;
    } else if (ieq(k, klen, "published")) {
        if (is_false(v, vlen))
            p->draft = 1;
    }
}

/* ".. key: value" (Nikola); returns 1 and the parts if l is such a line. */
static int nikola_line(const line *l, const char **k, size_t *klen, const char **v, size_t *vlen)
{
    const char *s = l->s;
    size_t len = l->len, i = 3;
    if (len < 5 || memcmp(s, ".. ", 3) != 0)
        return 0;
    while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '-'))
        i++;
    if (i == 3 || i >= len || s[i] != ':' || (i + 1 < len && s[i + 1] == ':'))
        return 0;                 /* ".. image::" is a directive, not metadata */
    *k = s + 3;
    *klen = i - 3;
    *v = s + i + 1;
    *vlen = len - i - 1;
    return 1;
}

/* "key: value" with a plain key (YAML, Pelican Markdown); colon then space or end. */
static int plain_key_line(const line *l, const char **k, size_t *klen, const char **v,
                          size_t *vlen)
{
    size_t i = 0;
    while (i < l->len && (isalnum((unsigned char)l->s[i]) || l->s[i] == '_' || l->s[i] == '-'))
        i++;
    if (i == 0 || i >= l->len || l->s[i] != ':' || (i + 1 < l->len && l->s[i + 1] != ' '
                                                     && l->s[i + 1] != '\t'))
        return 0;
    *k = l->s;
    *klen = i;
    *v = l->s + i + 1;
    *vlen = l->len - i - 1;
    return 1;
}

static int is_blank(const line *l)
{
    for (size_t i = 0; i < l->len; i++)
        if (!isspace((unsigned char)l->s[i]))
            return 0;
    return 1;
}

/* Where s first occurs in the line, or NULL. */
static const char *line_find(const line *l, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= l->len; i++)
        if (memcmp(l->s + i, s, n) == 0)
            return l->s + i;
    return NULL;
}

static int line_is(const line *l, const char *s)
{
    size_t n = strlen(s), len = l->len;
    while (len > n && isspace((unsigned char)l->s[len - 1]))
        len--;
    return len == n && memcmp(l->s, s, n) == 0;
}

/* ---- header forms --------------------------------------------------------- */

/* Nikola: ".. key: value" lines up to the first line that is not one. */
static void parse_nikola(ctx *c, line_iter *it, line *l)
{
    const char *k, *v;
    size_t klen, vlen;
    do {
        if (!nikola_line(l, &k, &klen, &v, &vlen)) {
            if (!is_blank(l))
                diag(c, l->no, DIAG_WARNING, "line in the metadata header is not \".. key: "
                     "value\"; the header ends here");
            return;
        }
        set_key(c, k, klen, v, vlen, l->no);
    } while (next_line(it, l));
    l->s = NULL;
}

/* YAML front matter between "---" lines (the caller found the closing one):
 * scalars, flow lists, block lists and folded or literal blocks; nested maps
 * are skipped. */
static void parse_yaml(ctx *c, line_iter *it)
{
    line l;
    const char *k = NULL, *v;
    size_t klen = 0, vlen;
    unsigned key_line = 0;
    txt_buf block = { 0 };
    int in_block = 0, in_list = 0;

    while (next_line(it, &l)) {
        if (line_is(&l, "---") || line_is(&l, "...")) {
            if (in_block)
                set_key(c, k, klen, block.p ? block.p : "", block.len, key_line);
            buf_free(&block);
            return;
        }
        int indented = l.len && (l.s[0] == ' ' || l.s[0] == '\t');
        const char *s = l.s;
        size_t len = l.len;
        trim(&s, &len);
        if (len == 0 || s[0] == '#')
            continue;
        if (indented && in_block) {
            if (block.len)
                buf_putc(&block, ' ');
            buf_put(&block, s, len);
            continue;
        }
        if (in_block) {
            set_key(c, k, klen, block.p ? block.p : "", block.len, key_line);
            buf_reset(&block);
            in_block = 0;
        }
        if (s[0] == '-' && (len == 1 || s[1] == ' ') && in_list) {
            const char *item = s + 1;
            size_t ilen = len - 1;
            if (ieq(k, klen, "tags") || ieq(k, klen, "tag") || ieq(k, klen, "keywords"))
                add_tag(c, item, ilen);
            else if (ieq(k, klen, "categories") || ieq(k, klen, "category"))
                add_category(c, item, ilen);
            else if (ieq(k, klen, "authors") || ieq(k, klen, "author")) {
                set_key(c, k, klen, item, ilen, l.no);
                in_list = 2;     /* later items of these lists are ignored */
                k = "";
                klen = 0;
            }
            continue;
        }
        if (indented)
            continue;            /* a nested map under a key we do not read */
        if (!plain_key_line(&l, &k, &klen, &v, &vlen)) {
            diag(c, l.no, DIAG_WARNING, "front matter line is not \"key: value\"; ignored");
            in_list = 0;
            continue;
        }
        trim(&v, &vlen);
        key_line = l.no;
        in_list = 0;
        if (vlen == 0) {
            in_list = 1;         /* a block list or a nested map may follow */
            if (ieq(k, klen, "tags") || ieq(k, klen, "tag") || ieq(k, klen, "keywords"))
                claim(c, K_TAGS, "tags", l.no);
            else if (ieq(k, klen, "categories") || ieq(k, klen, "category"))
                claim(c, K_CATEGORY, "category", l.no);
        } else if ((vlen == 1 || vlen == 2) && (v[0] == '|' || v[0] == '>')) {
            in_block = 1;
        } else {
            set_key(c, k, klen, v, vlen, l.no);
        }
    }
    buf_free(&block);
}

/* A Nikola .meta sidecar: ".. key: value" lines, or the older form of one
 * value a line: title, slug, date, tags, link, description, type. */
static void parse_sidecar(ctx *c, const char *meta, size_t meta_len)
{
    static const char *const order[] = { "title", "slug", "date", "tags", "link",
                                         "description", "type" };
    txt_buf clean = { 0 };
    const char *path = c->path;
    char mpath[4096];
    size_t n = strlen(path);
    const char *dot = strrchr(path, '.');
    if (dot && (size_t)(dot - path) + 6 < sizeof mpath && !strchr(dot, '/'))
        snprintf(mpath, sizeof mpath, "%.*s.meta", (int)(dot - path), path);
    else
        snprintf(mpath, sizeof mpath, "%.*s.meta", (int)(n < 4000 ? n : 4000), path);
    c->path = mpath;
    clean_text(c, meta, meta_len, &clean);
    line_iter it = { clean.p, clean.p + clean.len, 0 };
    line l;
    size_t i = 0;
    const char *k, *v;
    size_t klen, vlen;
    int nikola = -1;
    while (next_line(&it, &l)) {
        if (nikola < 0)
            nikola = nikola_line(&l, &k, &klen, &v, &vlen);
        if (nikola) {
            if (nikola_line(&l, &k, &klen, &v, &vlen))
                set_key(c, k, klen, v, vlen, l.no);
            else if (!is_blank(&l))
                diag(c, l.no, DIAG_WARNING, "line is not \".. key: value\"; ignored");
        } else if (i < sizeof order / sizeof order[0]) {
            set_key(c, order[i], strlen(order[i]), l.s, l.len, l.no);
            i++;
        }
    }
    c->path = path;
    buf_free(&clean);
}

/* A section underline: one punctuation character repeated. */
static int is_underline(const line *l)
{
    size_t len = l->len;
    while (len && isspace((unsigned char)l->s[len - 1]))
        len--;
    if (len < 2 || !strchr("=-~^*#+`'\".:_", l->s[0]))
        return 0;
    for (size_t i = 1; i < len; i++)
        if (l->s[i] != l->s[0])
            return 0;
    return 1;
}

/* Pelican reStructuredText: a section title, then ":key: value" fields.
 * Consumes them and returns 1, or returns 0 and consumes nothing. */
static int parse_pelican_rst(ctx *c, line_iter *it, const line *title)
{
    line under, f;
    line_iter at = *it, after = *it;
    int fields = 0;
    if (is_blank(title) || !next_line(&at, &under) || !is_underline(&under))
        return 0;
    after = at;
    while (next_line(&at, &f)) {
        if (is_blank(&f)) {
            if (fields)
                break;
            continue;
        }
        const char *end = f.len > 2 && f.s[0] == ':' ? memchr(f.s + 1, ':', f.len - 1) : NULL;
        if (!end)
            break;
        set_key(c, f.s + 1, (size_t)(end - f.s - 1), end + 1, f.len - (size_t)(end - f.s) - 1,
                f.no);
        fields++;
        after = at;
    }
    if (!fields)
        return 0;
    if (!(c->seen & K_TITLE))
        set_key(c, "title", 5, title->s, title->len, title->no);
    *it = after;
    return 1;
}

/* ---- the body's first line as a title --------------------------------------- */

static void title_from_body(post *p)
{
    const char *s = p->body.p ? p->body.p : "";
    size_t len = strcspn(s, "\n");
    trim(&s, &len);
    if (len > TITLE_FALLBACK_MAX) {
        len = TITLE_FALLBACK_MAX;
        while (len && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;                       /* cut on a character boundary */
    }
    buf_put(&p->title, s, len);
}

static void title_from_path(post *p, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    buf_put(&p->title, base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* ---- the whole post ------------------------------------------------------- */

static int parse(ctx *c, const char *data, size_t len, const char *meta, size_t meta_len);

int post_parse(post *p, const char *path, const char *data, size_t len, const char *meta,
               size_t meta_len, const post_opts *o)
{
    ctx c = { .path = path, .o = o, .p = p };
    int rc = parse(&c, data, len, meta, meta_len);
    free(c.tag_slot);
    return rc == 0 && !c.oom ? 0 : -1;
}

static int parse(ctx *c, const char *data, size_t len, const char *meta, size_t meta_len)
{
    post *p = c->p;
    const char *path = c->path;
    txt_buf text = { 0 };
    int kind = post_kind_of(path);
    p->kind = kind < 0 ? MARKUP_TEXT : (markup_kind)kind;

    if (meta) {
        parse_sidecar(c, meta, meta_len);
        p->has_header = 1;
    }
    clean_text(c, data, len, &text);
    line_iter it = { text.p ? text.p : "", (text.p ? text.p : "") + text.len, 0 };
    line l;
    const char *body = it.p;
    const char *k, *v;
    size_t klen, vlen;

    if (next_line(&it, &l)) {
        if (line_is(&l, "---")) {
            line_iter ahead = it;
            line m;
            int closed = 0;
            while (!closed && next_line(&ahead, &m))
                closed = line_is(&m, "---") || line_is(&m, "...");
            if (!closed) {
                diag(c, l.no, DIAG_WARNING, "front matter opened here is never closed with "
                     "\"---\"; read as the body");
            } else {
                parse_yaml(c, &it);
                p->has_header = 1;
                body = it.p;
            }
        } else if (line_is(&l, "<!--") || (l.len > 4 && memcmp(l.s, "<!--", 4) == 0)) {
            /* Nikola's header for Markdown and HTML: inside a comment */
            const char *close = line_find(&l, "-->");
            line first = l;
            int found = 0;
            if (l.len > 4) {             /* "<!-- .. title: x" on the first line */
                first.s += 4;
                first.len -= 4;
                while (first.len && first.s[0] == ' ') {
                    first.s++;
                    first.len--;
                }
                if (nikola_line(&first, &k, &klen, &v, &vlen)) {
                    set_key(c, k, klen, v, vlen, l.no);
                    found = 1;
                }
            }
            while (!close && next_line(&it, &l)) {
                const char *s = l.s;
                size_t n = l.len;
                if ((close = line_find(&l, "-->")) != NULL)
                    n = (size_t)(close - l.s);   /* ".. slug: x -->" */
                trim(&s, &n);
                line t = { s, n, l.no };
                if (nikola_line(&t, &k, &klen, &v, &vlen)) {
                    set_key(c, k, klen, v, vlen, l.no);
                    found = 1;
                }
            }
            if (found && close) {
                p->has_header = 1;
                body = it.p;
            } else if (found) {
                diag(c, 1, DIAG_WARNING, "metadata comment opened here is never closed "
                     "with \"-->\"");
                p->has_header = 1;
                body = it.p;
            }
        } else if (nikola_line(&l, &k, &klen, &v, &vlen)) {
            parse_nikola(c, &it, &l);
            p->has_header = 1;
            body = l.s ? l.s : it.p;
        } else if (p->kind == MARKUP_MD && plain_key_line(&l, &k, &klen, &v, &vlen)
                   && (ieq(k, klen, "title") || ieq(k, klen, "date"))) {
            /* Pelican and MultiMarkdown: "Key: value" lines up to a blank line */
            do {
                if (is_blank(&l))
                    break;
                if (plain_key_line(&l, &k, &klen, &v, &vlen))
                    set_key(c, k, klen, v, vlen, l.no);
            } while (next_line(&it, &l));
            p->has_header = 1;
            body = it.p;
        } else if (p->kind == MARKUP_RST && parse_pelican_rst(c, &it, &l)) {
            p->has_header = 1;
            body = it.p;
        }
    }

    size_t body_len = (size_t)((text.p ? text.p : "") + text.len - body);
    if (markup_to_text(p->kind, body, body_len, &p->body) != 0 || text.err) {
        buf_free(&text);
        return -1;
    }
    buf_free(&text);

    if (!p->has_header)
        diag(c, 1, DIAG_WARNING, "no metadata header; the title is taken from the %s",
             p->body.len ? "first line" : "file name");
    else if (p->title.len == 0)
        diag(c, 1, DIAG_WARNING, "no title in the metadata; the title is taken from the %s",
             p->body.len ? "first line" : "file name");
    if (p->has_header && p->body.len == 0)
        diag(c, 0, DIAG_WARNING, "the post has no body text");
    if (p->title.len == 0)
        title_from_body(p);
    if (p->title.len == 0)
        title_from_path(p, path);
    if (p->slug.len == 0) {
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        const char *dot = strrchr(base, '.');
        buf_put(&p->slug, base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
    }
    txt_buf *all[] = { &p->title, &p->slug, &p->categories, &p->author, &p->description,
                       &p->link, &p->body, &p->tags };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->err)
            return -1;
    return 0;
}
