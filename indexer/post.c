/* post.c: one post file (and its .meta sidecar) into fields: the metadata
 * header in any of the forms Nikola, Hugo, Jekyll and Pelican write, and the
 * body as plain text (markup/). Bad input is reported with its line and
 * read as well as it can be; nothing here touches the index. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/front/front.h"
#include "indexer/indexer.h"
#include "stemming/stemming.h"

#define TITLE_FALLBACK_MAX 200   /* bytes of a first line taken as a title */

typedef struct {
    const char *path;
    const post_opts *o;
    post *p;
    unsigned seen;        /* 1 << field for the fields already set */
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
    utf8_vformat(msg, sizeof msg, fmt, ap);   /* quoting a post's bytes: valid UTF-8 */
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
                        &p->url, &p->body, &p->tags };
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

static const struct { const char *ext; markup_kind kind; } exts[] = {
    { ".rst", MARKUP_RST }, { ".txt", MARKUP_RST }, { ".rest", MARKUP_RST },
    { ".md", MARKUP_MD }, { ".markdown", MARKUP_MD }, { ".mdown", MARKUP_MD },
    { ".mkd", MARKUP_MD }, { ".html", MARKUP_HTML }, { ".htm", MARKUP_HTML },
    { ".org", MARKUP_ORG },
};

int post_kind_of(const char *path)
{
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
        if (ends_with(path, exts[i].ext))
            return (int)exts[i].kind;
    return -1;
}

const char *post_extension(size_t i)
{
    return i < sizeof exts / sizeof exts[0] ? exts[i].ext : NULL;
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
        size_t off = c->tag_slot[i] - 1;
        const char *t = c->p->tags.p + off;
        /* a tag shorter than s may end the buffer: no bytes read past it */
        if (c->p->tags.len - off > len && t[len] == '\0' && memcmp(t, s, len) == 0)
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

static int is_true(const char *s, size_t len)
{
    return ieq(s, len, "true") || ieq(s, len, "yes") || ieq(s, len, "on") || ieq(s, len, "1");
}

static int is_false(const char *s, size_t len)
{
    return ieq(s, len, "false") || ieq(s, len, "no") || ieq(s, len, "off") || ieq(s, len, "0");
}

/* The fields a header key can set. */
typedef enum {
    F_NONE, F_TITLE, F_SLUG, F_URL, F_DESC, F_AUTHOR, F_CATEGORY, F_TAGS, F_DATE, F_STATUS,
    F_DRAFT, F_PUBLISHED
} field;

static const struct {
    const char *key;
    field f;
} field_keys[] = {
    { "title", F_TITLE }, { "slug", F_SLUG },
    /* the post's own address; Nikola's "link" is a link to a source
     * elsewhere, not the post's URL, so it is not read */
    { "url", F_URL }, { "permalink", F_URL },
    { "description", F_DESC }, { "summary", F_DESC },
    { "author", F_AUTHOR }, { "authors", F_AUTHOR },
    { "category", F_CATEGORY }, { "categories", F_CATEGORY },
    { "tags", F_TAGS }, { "tag", F_TAGS },
    { "date", F_DATE }, { "status", F_STATUS }, { "draft", F_DRAFT },
    { "published", F_PUBLISHED },
};

static field field_of(const char *k, size_t klen)
{
    for (size_t i = 0; i < sizeof field_keys / sizeof field_keys[0]; i++)
        if (ieq(k, klen, field_keys[i].key))
            return field_keys[i].f;
    return F_NONE;
}

static void tags_clear(ctx *c)
{
    buf_reset(&c->p->tags);
    c->p->ntags = 0;
    c->tag_used = 0;
    if (c->tag_slot)
        memset(c->tag_slot, 0, c->tag_nslots * sizeof *c->tag_slot);
}

/* Marks field f as set. A field given again (two "tags" lines, "tag" and
 * "tags") takes the last value, as Nikola and the YAML and TOML readers of
 * the generators do: the earlier one is cleared, with a warning. */
static void claim(ctx *c, field f, const char *name, size_t nlen, unsigned lineno)
{
    unsigned bit = 1u << f;
    if (!(c->seen & bit)) {
        c->seen |= bit;
        return;
    }
    post *p = c->p;
    int was_empty = f == F_TITLE ? !p->title.len : f == F_SLUG ? !p->slug.len
                  : f == F_URL ? !p->url.len : f == F_DESC ? !p->description.len
                  : f == F_AUTHOR ? !p->author.len : f == F_CATEGORY ? !p->ncategories
                  : f == F_TAGS ? !p->ntags : f == F_DATE ? !p->has_date : 0;
    if (!was_empty)                      /* an empty first value is no conflict */
        diag(c, lineno, DIAG_WARNING, "key \"%.*s\" given again; the last value is kept",
             (int)utf8_prefix(name, nlen, 40), name);
    switch (f) {
    case F_TITLE: buf_reset(&p->title); break;
    case F_SLUG: buf_reset(&p->slug); break;
    case F_URL: buf_reset(&p->url); break;
    case F_DESC: buf_reset(&p->description); break;
    case F_AUTHOR: buf_reset(&p->author); break;
    case F_CATEGORY: buf_reset(&p->categories); p->ncategories = 0; break;
    case F_TAGS: tags_clear(c); break;
    case F_DATE: p->has_date = 0; p->date = 0; break;
    default: break;
    }
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

static void add_author(ctx *c, const char *s, size_t len)
{
    unquote(&s, &len);
    if (len && c->p->author.len == 0)
        buf_put(&c->p->author, s, len);     /* the first author is the post's */
}

/* "a, b, c" or "[a, 'b c', d]": each item to add. */
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

/* One value of field f, already unquoted. A list field takes list says
 * whether v is one item (0) or a list written on one line (1). */
static void set_value(ctx *c, field f, const char *v, size_t vlen, int list, unsigned lineno)
{
    post *p = c->p;
    txt_buf *text = f == F_TITLE ? &p->title : f == F_SLUG ? &p->slug : f == F_URL ? &p->url
                  : f == F_DESC ? &p->description : NULL;
    if (text) {
        trim(&v, &vlen);                 /* a YAML block keeps its last newline */
        buf_reset(text);
        buf_put(text, v, vlen);
        return;
    }
    void (*add)(ctx *, const char *, size_t) = f == F_TAGS ? add_tag
                                             : f == F_CATEGORY ? add_category
                                             : f == F_AUTHOR ? add_author : NULL;
    if (add) {
        if (list)
            add_list(c, v, vlen, add);
        else
            add(c, v, vlen);
        return;
    }
    switch (f) {
    case F_DATE: {
        if (vlen == 0)
            break;
        const char *why;
        if (date_parse_in(v, vlen, c->o->zone, &p->date, &p->tz_min, &why) == 0)
            p->has_date = 1;
        else
            diag(c, lineno, DIAG_WARNING, "date \"%.*s\": %s; the post is indexed without a "
                 "date", (int)utf8_prefix(v, vlen, 80), v, why);
        break;
    }
    case F_STATUS:
        if (ieq(v, vlen, "draft") || ieq(v, vlen, "hidden") || ieq(v, vlen, "private"))
            p->draft = 1;
        break;
    case F_DRAFT:
        if (is_true(v, vlen))
            p->draft = 1;
        break;
    case F_PUBLISHED:
        if (is_false(v, vlen))
            p->draft = 1;
        break;
    default:
        break;
    }
}

/* One "key: value" of a line-based header (Nikola, Pelican, sidecars, Org).
 * Unknown keys are ignored without complaint: every generator has its own. */
static void set_key(ctx *c, const char *k, size_t klen, const char *v, size_t vlen,
                    unsigned lineno)
{
    trim(&k, &klen);
    field f = field_of(k, klen);
    if (f == F_NONE)
        return;
    unquote(&v, &vlen);
    claim(c, f, k, klen, lineno);
    set_value(c, f, v, vlen, 1, lineno);
}

/* ---- a header parsed into a value tree (YAML, TOML, JSON) ------------------ */

/* The line of hdr (whose first line is line first) where key name is given,
 * or first: warnings about a value point at its key. */
static unsigned key_line(const char *hdr, size_t len, const char *name, unsigned first)
{
    size_t n = strlen(name);
    const char *p = hdr, *end = hdr + len;
    for (unsigned no = first; p < end; no++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end, *s = p;
        while (s < e && (*s == ' ' || *s == '\t' || *s == '"' || *s == '\''))
            s++;
        if ((size_t)(e - s) > n && strncmp(s, name, n) == 0 && strchr("\"': =", s[n]))
            return no;
        p = nl ? nl + 1 : end;
    }
    return first;
}

/* A scalar node's text: strings as they are, numbers and booleans as
 * written in a header; 0 for arrays, objects and nulls. */
static int scalar_text(const vnode *n, char buf[32], const char **s, size_t *len)
{
    switch (vn_type(n)) {
    case VN_STR:
        *s = vn_text(n, len);
        return 1;
    case VN_NUM:
        *len = vn_format_number(n, buf, 32);
        *s = buf;
        return *len > 0;
    case VN_BOOL:
        *s = vn_boolean(n) ? "true" : "false";
        *len = strlen(*s);
        return 1;
    default:
        return 0;
    }
}

static void tree_value(ctx *c, field f, const char *name, const vnode *val, unsigned lineno)
{
    char num[32];
    const char *s;
    size_t len;
    if (vn_type(val) == VN_ARR) {
        if (f != F_TAGS && f != F_CATEGORY && f != F_AUTHOR) {
            diag(c, lineno, DIAG_WARNING, "\"%s\" is a list; only its first item is read",
                 name);
            if (scalar_text(vn_at(val, 0), num, &s, &len))
                set_value(c, f, s, len, 0, lineno);
            return;
        }
        for (size_t i = 0; i < vn_len(val); i++)
            if (scalar_text(vn_at(val, i), num, &s, &len))
                set_value(c, f, s, len, 0, lineno);
        return;
    }
    if (!scalar_text(val, num, &s, &len)) {
        if (vn_type(val) == VN_OBJ)
            diag(c, lineno, DIAG_WARNING, "\"%s\" is a table of keys, not a value; ignored",
                 name);
        return;
    }
    /* a list field given as one string: "a, b" is two tags, as in a Nikola header */
    set_value(c, f, s, len, f == F_TAGS || f == F_CATEGORY, lineno);
}

/* The members of obj as header keys. nested: obj is a table below the top
 * (Zola's [taxonomies], [extra], Hugo's params), whose keys only fill
 * fields the top level left empty. */
static void apply_tree(ctx *c, const vnode *obj, const char *hdr, size_t hlen, unsigned first,
                       int nested, int toml)
{
    const char *name;
    const vnode *val;
    for (size_t i = 0; (val = vn_member(obj, i, &name)) != NULL; i++) {
        size_t nlen = strlen(name);
        field f = field_of(name, nlen);
        if (f == F_NONE && toml && ieq(name, nlen, "path"))
            f = F_URL;                   /* Zola: the page's path below the site */
        if (f == F_NONE) {
            if (!nested && vn_type(val) == VN_OBJ
                && (ieq(name, nlen, "taxonomies") || ieq(name, nlen, "extra")
                    || ieq(name, nlen, "params")))
                apply_tree(c, val, hdr, hlen, first, 1, toml);
            continue;
        }
        unsigned bit = 1u << f;
        if (nested && (c->seen & bit))
            continue;
        unsigned lineno = key_line(hdr, hlen, name, first);
        claim(c, f, name, nlen, lineno);
        tree_value(c, f, name, val, lineno);
    }
}

/* Reports a front-matter parser's problem: rc 1 a warning, -1 an error after
 * which the header is read only up to there. */
static void front_report(ctx *c, int rc, const front_error *e, unsigned first, const char *lang)
{
    if (rc == 0)
        return;
    unsigned lineno = e->line ? first + e->line - 1 : first;
    if (rc > 0)
        diag(c, lineno, DIAG_WARNING, "%s", e->msg);
    else
        diag(c, lineno, DIAG_WARNING, "%s front matter: %s; the keys before it are read",
             lang, e->msg);
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

/* "#+KEY: value" (Org); returns 1 and the parts if l is such a line. */
static int org_key_line(const line *l, const char **k, size_t *klen, const char **v,
                        size_t *vlen)
{
    size_t i = 2;
    if (l->len < 4 || l->s[0] != '#' || l->s[1] != '+')
        return 0;
    while (i < l->len && (isalnum((unsigned char)l->s[i]) || l->s[i] == '_' || l->s[i] == '-'))
        i++;
    if (i == 2 || i >= l->len || l->s[i] != ':')
        return 0;
    *k = l->s + 2;
    *klen = i - 2;
    *v = l->s + i + 1;
    *vlen = l->len - i - 1;
    return 1;
}

/* An Org keyword: #+TAGS and #+FILETAGS hold tags as ":a:b:" or "a b". */
static void set_org_key(ctx *c, const char *k, size_t klen, const char *v, size_t vlen,
                        unsigned lineno)
{
    int tags = ieq(k, klen, "tags") || ieq(k, klen, "filetags");
    if (!tags) {
        set_key(c, k, klen, v, vlen, lineno);
        return;
    }
    claim(c, F_TAGS, "tags", 4, lineno);
    trim(&v, &vlen);
    while (vlen) {
        size_t n = 0;
        while (n < vlen && v[n] != ':' && v[n] != ' ' && v[n] != '\t' && v[n] != ',')
            n++;
        if (n)
            add_tag(c, v, n);
        if (n == vlen)
            break;
        v += n + 1;
        vlen -= n + 1;
    }
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

/* Front matter between fence lines ("---" YAML, "+++" TOML): it lies in
 * [it->p, close) with close the closing line; parsed, its keys set. */
static void parse_fenced(ctx *c, line_iter *it, const char *close, int toml)
{
    const char *hdr = it->p;
    size_t hlen = (size_t)(close - hdr);
    unsigned first = it->no + 1;
    view *v = view_new();
    vnode *root = NULL;
    front_error e;
    int rc = v ? (toml ? front_toml(hdr, hlen, v, &root, &e) : front_yaml(hdr, hlen, v, &root, &e))
               : -1;
    if (!root) {
        c->oom = 1;
    } else {
        front_report(c, rc, &e, first, toml ? "TOML" : "YAML");
        apply_tree(c, root, hdr, hlen, first, 0, toml);
    }
    view_free(v);
    /* past the closing line */
    line l;
    while (it->p <= close && next_line(it, &l))
        ;
}

/* Hugo's JSON front matter: the file opens with an object, "{" then a name. */
static int json_opens(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i == n || s[i] != '{')
        return 0;
    for (i++; i < n && isspace((unsigned char)s[i]); i++)
        ;
    return i < n && (s[i] == '"' || s[i] == '}');
}

/* The JSON object at it->p, its keys set; it->p then at the body. */
static void parse_json(ctx *c, line_iter *it)
{
    const char *hdr = it->p;
    size_t used = 0;
    view *v = view_new();
    vnode *root = NULL;
    front_error e;
    int rc = v ? front_json(hdr, (size_t)(it->end - hdr), v, &root, &used, &e) : -1;
    if (!root) {
        c->oom = 1;
    } else {
        front_report(c, rc, &e, 1, "JSON");
        apply_tree(c, root, hdr, used, 1, 0, 0);
    }
    view_free(v);
    for (const char *q = hdr; q < hdr + used; q++)
        it->no += *q == '\n';
    it->p = hdr + used;
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
    if (!(c->seen & (1u << F_TITLE)))
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

/* ---- what the file's name and place say ------------------------------------ */

/* The slug and date a Jekyll or Zola file name or a page bundle gives when
 * the header does not; the URL a Jekyll permalink pattern makes; and what
 * is no post (a list page, a .txt file with no header). */
static void from_path(ctx *c)
{
    post *p = c->p;
    post_path f;
    post_path_facts(c->path, &f);
    if (f.list_page)
        p->skip = "skipped: a list page (_index), not a post";
    else if (!p->has_header && f.repo_doc)
        p->skip = "skipped: a repository's document (README, LICENSE ...) with no metadata "
                  "header, not a post";
    else if (!p->has_header && ends_with(c->path, ".txt"))
        p->skip = "skipped: a .txt file with no metadata header, not a post";
    if (!p->has_date && f.has_date) {
        const char *why;
        if (date_parse_in(f.date, 10, c->o->zone, &p->date, &p->tz_min, &why) == 0)
            p->has_date = 1;
    }
    char day[11];
    if (!p->has_date && p->url.len && post_url_day(p->url.p, p->url.len, day)) {
        const char *why;                 /* a dated URL, /2025/06/26/name/ (Zola's path) */
        if (date_parse_in(day, 10, c->o->zone, &p->date, &p->tz_min, &why) == 0)
            p->has_date = 1;
    }
    if (p->slug.len == 0)
        buf_put(&p->slug, f.slug, f.slug_len);
    if (!p->url.len && c->o->permalink)
        buf_puts(&p->url, c->o->permalink);      /* the site's pattern */
    if (p->url.len) {
        txt_buf url = { 0 };
        /* the list's own NUL (a txt_buf's) is the empty category that ends it */
        permalink_vars pv = { p->has_date, p->date + (int64_t)p->tz_min * 60, p->slug.p,
                              p->slug.len, p->categories.p ? p->categories.p : "" };
        if (post_permalink(&url, p->url.p, p->url.len, &pv)) {
            buf_reset(&p->url);
            buf_put(&p->url, url.p, url.len);
        }
        if (url.err)
            c->oom = 1;
        buf_free(&url);
    }
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

    if (json_opens(it.p, (size_t)(it.end - it.p))) {
        parse_json(c, &it);
        p->has_header = 1;
        body = it.p;
    } else if (next_line(&it, &l)) {
        int toml = line_is(&l, "+++");
        if (toml || line_is(&l, "---")) {
            line_iter ahead = it;
            line m;
            const char *close = NULL;
            while (!close && next_line(&ahead, &m))
                if (toml ? line_is(&m, "+++") : line_is(&m, "---") || line_is(&m, "..."))
                    close = m.s;
            if (!close) {
                diag(c, l.no, DIAG_WARNING, "front matter opened here is never closed with "
                     "\"%s\"; read as the body", toml ? "+++" : "---");
            } else {
                parse_fenced(c, &it, close, toml);
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
        } else if (p->kind == MARKUP_ORG && org_key_line(&l, &k, &klen, &v, &vlen)) {
            /* Org: "#+KEY: value" lines, blank and comment lines among them */
            int more = 1;
            do {
                if (org_key_line(&l, &k, &klen, &v, &vlen))
                    set_org_key(c, k, klen, v, vlen, l.no);
                else if (!is_blank(&l) && !(l.s[0] == '#' && (l.len == 1 || l.s[1] == ' ')))
                    break;
                body = it.p;
            } while ((more = next_line(&it, &l)) != 0);
            if (more)
                body = l.s;
            p->has_header = 1;
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

    from_path(c);
    if (p->skip)
        ;                                /* said with -v, not warned about */
    else if (!p->has_header)
        diag(c, 1, DIAG_WARNING, "no metadata header; the title is taken from the %s",
             p->body.len ? "first line" : "file name");
    else if (p->title.len == 0)
        diag(c, 1, DIAG_WARNING, "no title in the metadata; the title is taken from the %s",
             p->body.len ? "first line" : "file name");
    if (!p->skip && p->has_header && p->body.len == 0)
        diag(c, 0, DIAG_WARNING, "the post has no body text");
    if (p->title.len == 0)
        title_from_body(p);
    if (p->title.len == 0)
        title_from_path(p, path);
    txt_buf *all[] = { &p->title, &p->slug, &p->categories, &p->author, &p->description,
                       &p->url, &p->body, &p->tags };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->err)
            return -1;
    return 0;
}
