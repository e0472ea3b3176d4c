/* web.c: blogsearch.cgi's logic, one request in, one CGI response out
 * (RFC 3875; the parameters and answers are in docs/cgi.md). Parameters are
 * decoded strictly: a bad percent-escape or invalid UTF-8 is a 400 naming
 * the parameter, never a guess. The answer is the page's view (page.c)
 * written as JSON or through the HTML template, so the two formats always
 * agree. Nothing of the server's own (the index path, file names, error
 * codes) reaches an answer; it goes to the log for the site's owner. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "lib/lib.h"
#include "web/web.h"

#define SNIPPET_CHARS 200
#define MAX_PARAMS 64

struct web {
    web_config cfg;
    lib_searcher *s;           /* open from the first search to web_free */
    int tpl_checked;           /* the template was looked at (once: it is read once) */
    int tpl_foreign;           /* ...and names nothing of a page: refused */
};

int web_new(web **out, const web_config *cfg)
{
    web *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w)
        return BS_ENOMEM;
    w->cfg = *cfg;
    *out = w;
    return BS_OK;
}

void web_free(web *w)
{
    if (!w)
        return;
    lib_searcher_close(w->s);
    free(w);
}

/* ---- parameters ------------------------------------------------------------------ */

typedef struct {
    char *name, *value;        /* decoded, NUL-terminated, in req.raw */
    size_t vlen;
} param;

typedef struct {
    char *raw;                 /* a decoded copy of QUERY_STRING */
    param p[MAX_PARAMS];
    size_t n;
    /* what the parameters ask */
    const char *q;
    size_t qlen;
    const char *tags[LIB_MAX_TAGS];
    size_t ntags;
    const char *category, *author, *since, *until;
    const char *format;        /* the first format=, wherever it came */
    int sort_date;
    int exact;                 /* exact=1: the words as typed, no correction */
    const char *like;          /* like=SLUG: the posts like that one, not a query */
    const char *suggest;       /* suggest=TEXT: completions of its last word */
    size_t suggest_len;
    int suggesting;            /* a suggest= was sent, even one refused: answer JSON */
    size_t page, per_page;
    int json;                  /* answer in JSON */
    int negotiated;            /* the format came from Accept: Vary: Accept */
    /* an error: status, message, the parameter at fault */
    int status;
    char msg[512];
    const char *bad_param;
    int tpl_said;              /* the log said the template is refused */
} req;

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int bad(req *r, int status, const char *param_name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(req *r, int status, const char *param_name, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(r->msg, sizeof r->msg, fmt, ap);   /* a long name is cut on a character */
    va_end(ap);
    r->status = status;
    r->bad_param = param_name;
    return -1;
}

/* Decodes s in place: "+" is a space, %XX a byte. Returns the length, or
 * -1 at a bad escape. */
static long decode(char *s)
{
    char *o = s;
    for (const char *i = s; *i; i++) {
        if (*i == '+') {
            *o++ = ' ';
        } else if (*i == '%') {
            int hi = hexval((unsigned char)i[1]), lo = hi < 0 ? -1 : hexval((unsigned char)i[2]);
            if (hi < 0 || lo < 0)
                return -1;
            *o++ = (char)(hi << 4 | lo);
            i += 2;
        } else {
            *o++ = *i;
        }
    }
    *o = '\0';
    return o - s;
}

/* Splits QUERY_STRING at "&" into decoded name=value pairs. A bad pair is
 * an error, yet the rest are still read, so that format=json is heard. */
static int split_params(req *r, const char *qs)
{
    if (!(r->raw = strdup(qs ? qs : "")))
        return bad(r, 500, NULL, "out of memory");
    size_t index = 0;
    int failed = 0;
    for (char *s = r->raw, *next; s; s = next) {
        next = strchr(s, '&');
        if (next)
            *next++ = '\0';
        if (!*s)
            continue;
        index++;
        char *eq = strchr(s, '=');
        char *val = eq ? eq + 1 : s + strlen(s);
        if (eq)
            *eq = '\0';
        long nlen = decode(s), vlen = decode(val);
        int name_ok = nlen >= 0 && (size_t)nlen == strlen(s) && utf8_valid(s, (size_t)nlen);
        if (name_ok && strcmp(s, "suggest") == 0)
            r->suggesting = 1;     /* heard even when its value is refused */
        if (failed) {
            /* only a good pair after a bad one, for the format */
        } else if (nlen < 0 || vlen < 0) {
            if (name_ok)
                failed = bad(r, 400, s, "parameter %s: a bad percent-escape (%%XX with two "
                             "hex digits expected)", s);
            else
                failed = bad(r, 400, NULL, "parameter %zu: a bad percent-escape (%%XX with "
                             "two hex digits expected)", index);
            continue;
        } else if (!name_ok) {
            failed = bad(r, 400, NULL, "parameter %zu: the name is not valid UTF-8 text", index);
            continue;
        } else if ((size_t)vlen != strlen(val)) {
            failed = bad(r, 400, s, "parameter %s: the value holds a NUL byte (%%00)", s);
            continue;
        } else if (!utf8_valid(val, (size_t)vlen)) {
            failed = bad(r, 400, s, "parameter %s: the value is not valid UTF-8 text", s);
            continue;
        } else if (r->n == MAX_PARAMS) {
            failed = bad(r, 400, NULL, "more than %d parameters", MAX_PARAMS);
        }
        if (strcmp(s, "format") == 0 && !r->format && (size_t)vlen == strlen(val))
            r->format = val;       /* heard even when the rest is refused */
        if (!name_ok || nlen < 0 || vlen < 0 || r->n == MAX_PARAMS)
            continue;
        r->p[r->n].name = s;
        r->p[r->n].value = val;
        r->p[r->n].vlen = (size_t)vlen;
        r->n++;
    }
    return failed;
}

/* The quality Accept gives a media type: the most specific range that
 * matches it (type/subtype, then type/any, then any/any), -1 when none does. */
static double accept_q(const char *accept, const char *type)
{
    double best = -1;
    int best_spec = -1;
    size_t tlen = strchr(type, '/') - type;
    for (const char *s = accept; *s;) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *end = s + strcspn(s, ",");
        const char *semi = memchr(s, ';', (size_t)(end - s));
        const char *rend = semi ? semi : end;
        while (rend > s && rend[-1] == ' ')
            rend--;
        size_t rlen = (size_t)(rend - s);
        int spec = -1;
        if (rlen == strlen(type) && strncasecmp(s, type, rlen) == 0)
            spec = 2;
        else if (rlen == tlen + 2 && strncasecmp(s, type, tlen) == 0 && memcmp(s + tlen, "/*", 2) == 0)
            spec = 1;
        else if (rlen == 3 && memcmp(s, "*/*", 3) == 0)
            spec = 0;
        if (spec > best_spec) {
            double q = 1;
            for (const char *a = semi; a && a < end; a = memchr(a + 1, ';', (size_t)(end - a - 1))) {
                const char *v = a + 1;
                while (*v == ' ')
                    v++;
                if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=')
                    q = strtod(v + 2, NULL);
            }
            best_spec = spec;
            best = q;
        }
        s = end;
    }
    return best;
}

static int parse_count(const char *s, size_t max, size_t *out)
{
    size_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > max)
            return -1;
    }
    *out = v;
    return 0;
}

static int once(req *r, const char *name, const char **slot, const param *p)
{
    if (*slot)
        return bad(r, 400, name, "parameter %s: given twice", name);
    *slot = p->value;
    return 0;
}

/* The format first, so that every later error is answered in it. */
static void choose_format(req *r, const web_request *rq)
{
    const char *fmt = r->format;
    if (r->suggesting) {
        r->json = 1;               /* a suggestion is JSON whatever is asked */
    } else if (fmt && strcmp(fmt, "json") == 0) {
        r->json = 1;
    } else if (fmt && strcmp(fmt, "html") == 0) {
        r->json = 0;
    } else {
        r->negotiated = 1;
        const char *a = rq->accept && *rq->accept ? rq->accept : "text/html";
        r->json = accept_q(a, "application/json") > accept_q(a, "text/html");
    }
}

static int read_params(req *r)
{
    const char *sort = NULL, *page = NULL, *per_page = NULL, *format = NULL, *q = NULL,
               *exact = NULL;
    /* an error page is made from what was read so far: defaults first */
    r->q = "";
    r->page = 1;
    r->per_page = 10;
    for (size_t i = 0; i < r->n; i++) {
        const param *p = &r->p[i];
        const char *n = p->name;
        int rc = 0;
        if (strcmp(n, "q") == 0) {
            rc = once(r, "q", &q, p);
            if (rc == 0) {
                r->q = q;
                r->qlen = p->vlen;
            }
        } else if (strcmp(n, "tag") == 0) {
            if (r->ntags == LIB_MAX_TAGS)
                return bad(r, 400, "tag", "parameter tag: at most %d tags", LIB_MAX_TAGS);
            if (p->vlen)
                r->tags[r->ntags++] = p->value;
        } else if (strcmp(n, "category") == 0) {
            rc = once(r, "category", &r->category, p);
        } else if (strcmp(n, "author") == 0) {
            rc = once(r, "author", &r->author, p);
        } else if (strcmp(n, "since") == 0) {
            rc = once(r, "since", &r->since, p);
        } else if (strcmp(n, "until") == 0) {
            rc = once(r, "until", &r->until, p);
        } else if (strcmp(n, "sort") == 0) {
            rc = once(r, "sort", &sort, p);
        } else if (strcmp(n, "page") == 0) {
            rc = once(r, "page", &page, p);
        } else if (strcmp(n, "per_page") == 0) {
            rc = once(r, "per_page", &per_page, p);
        } else if (strcmp(n, "format") == 0) {
            rc = once(r, "format", &format, p);
        } else if (strcmp(n, "exact") == 0) {
            rc = once(r, "exact", &exact, p);
        } else if (strcmp(n, "like") == 0) {
            rc = once(r, "like", &r->like, p);
        } else if (strcmp(n, "suggest") == 0) {
            rc = once(r, "suggest", &r->suggest, p);
            r->suggest_len = p->vlen;
        }
        /* other parameters (a site's own, analytics tags) are not ours */
        if (rc)
            return rc;
    }
    if (r->qlen > WEB_MAX_QUERY)
        return bad(r, 400, "q", "parameter q: the query is %zu bytes long; at most %d",
                   r->qlen, WEB_MAX_QUERY);
    for (size_t i = 0; r->suggest && i < r->n; i++)
        if (!web_suggest_takes(r->p[i].name, r->p[i].value))
            return bad(r, 400, r->p[i].name, strcmp(r->p[i].name, "format") == 0
                       ? "parameter %s: suggest is answered in JSON only"
                       : "parameter %s: suggest takes no other parameter of a search",
                       r->p[i].name);
    if (r->suggest_len > WEB_MAX_QUERY)
        return bad(r, 400, "suggest", "parameter suggest: the text is %zu bytes long; at most "
                   "%d", r->suggest_len, WEB_MAX_QUERY);
    if (format && strcmp(format, "json") != 0 && strcmp(format, "html") != 0)
        return bad(r, 400, "format", "parameter format: json or html");
    if (sort && strcmp(sort, "relevance") != 0 && strcmp(sort, "date") != 0)
        return bad(r, 400, "sort", "parameter sort: relevance or date");
    r->sort_date = sort && strcmp(sort, "date") == 0;
    if (exact && *exact && strcmp(exact, "1") != 0 && strcmp(exact, "0") != 0)
        return bad(r, 400, "exact", "parameter exact: 1 (the words as typed) or 0");
    r->exact = exact && strcmp(exact, "1") == 0;
    if (r->like && !*r->like)
        r->like = NULL;
    if (r->like && *r->q)
        return bad(r, 400, "like", "parameter like: the posts like one post; give it without q");
    /* a slug, never a file of the server's */
    if (r->like && (strlen(r->like) > WEB_MAX_QUERY || r->like[0] == '/'))
        return bad(r, 400, "like", "parameter like: a post's slug, at most %d bytes",
                   WEB_MAX_QUERY);
    if (page && (parse_count(page, WEB_MAX_PAGE, &r->page) != 0 || r->page == 0))
        return bad(r, 400, "page", "parameter page: a number from 1 to %d", WEB_MAX_PAGE);
    if (per_page && (parse_count(per_page, WEB_MAX_PER_PAGE, &r->per_page) != 0
                     || r->per_page == 0))
        return bad(r, 400, "per_page", "parameter per_page: a number from 1 to %d",
                   WEB_MAX_PER_PAGE);
    if (r->since && *r->since && !lib_date_ok(r->since, 0))
        return bad(r, 400, "since", "parameter since: a date as YYYY, YYYY-MM or YYYY-MM-DD");
    if (r->until && *r->until && !lib_date_ok(r->until, 1))
        return bad(r, 400, "until", "parameter until: a date as YYYY, YYYY-MM or YYYY-MM-DD");
    return 0;
}

/* ---- links ------------------------------------------------------------------------- */

static void url_escape(txt_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~')
            buf_putc(b, (char)*p);
        else if (*p == ' ')
            buf_putc(b, '+');
        else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

/* A path into a link: what a path may hold as it is (RFC 3986's unreserved
 * and sub-delims, ":", "@", "/", an escape's "%"), every other byte as %XX. */
static void path_escape(txt_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || strchr("-._~!$&'()*+,;=:@/%", *p)) {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

static void url_param(txt_buf *b, int *first, const char *name, const char *value)
{
    buf_putc(b, *first ? '?' : '&');
    *first = 0;
    buf_puts(b, name);
    buf_putc(b, '=');
    url_escape(b, value);
}

enum { LINK_SAME, LINK_ADD_TAG, LINK_DROP_TAG, LINK_EXACT, LINK_QUERY, LINK_CATEGORY, LINK_AUTHOR };

/* The URL of these results with another page, or a tag added or dropped,
 * or the words searched exactly as typed (LINK_EXACT), or another query (tag
 * is then the query: LINK_QUERY), or narrowed to a category or an author
 * (tag is then that: LINK_CATEGORY, LINK_AUTHOR): the script's path and the
 * parameters in one order. */
static void link_to(txt_buf *b, const req *r, const char *script, size_t page, int change,
                    const char *tag)
{
    int first = 1;
    buf_puts(b, script ? script : "");
    const char *q = change == LINK_QUERY ? tag : r->q;
    if (*q)
        url_param(b, &first, "q", q);
    for (size_t i = 0; i < r->ntags; i++)
        if (!(change == LINK_DROP_TAG && strcmp(r->tags[i], tag) == 0))
            url_param(b, &first, "tag", r->tags[i]);
    if (change == LINK_ADD_TAG)
        url_param(b, &first, "tag", tag);
    const char *category = change == LINK_CATEGORY ? tag : r->category;
    if (category && *category)
        url_param(b, &first, "category", category);
    const char *author = change == LINK_AUTHOR ? tag : r->author;
    if (author && *author)
        url_param(b, &first, "author", author);
    if (r->since && *r->since)
        url_param(b, &first, "since", r->since);
    if (r->until && *r->until)
        url_param(b, &first, "until", r->until);
    if (r->like)
        url_param(b, &first, "like", r->like);
    if (r->sort_date)
        url_param(b, &first, "sort", "date");
    if (r->per_page != 10) {
        char n[24];
        snprintf(n, sizeof n, "%zu", r->per_page);
        url_param(b, &first, "per_page", n);
    }
    if (page > 1) {
        char n[24];
        snprintf(n, sizeof n, "%zu", page);
        url_param(b, &first, "page", n);
    }
    if ((r->exact && change != LINK_QUERY) || change == LINK_EXACT)
        url_param(b, &first, "exact", "1");
    if (r->json)
        url_param(b, &first, "format", "json");
    if (first)
        buf_putc(b, '?');
}

typedef struct {
    const req *r;
    const char *script;
} link_ctx;

/* The results narrowed to a tag (added to those in use), a category or an
 * author (in place of the one in use), from the first page. */
static void facet_link(void *ctx, txt_buf *out, int kind, const char *value, size_t len)
{
    link_ctx *lc = ctx;
    char *t = strndup(value, len);
    if (!t) {
        out->err = 1;
        return;
    }
    int change = kind == LIB_LINK_CATEGORY ? LINK_CATEGORY
               : kind == LIB_LINK_AUTHOR   ? LINK_AUTHOR
                                           : LINK_ADD_TAG;
    for (size_t i = 0; change == LINK_ADD_TAG && i < lc->r->ntags; i++)
        if (strcmp(lc->r->tags[i], t) == 0)
            change = LINK_SAME;
    link_to(out, lc->r, lc->script, 1, change, t);
    free(t);
}

static vnode *link_node(view *v, const req *r, const char *script, size_t page, int change,
                        const char *tag)
{
    txt_buf b = { 0 };
    link_to(&b, r, script, page, change, tag);
    vnode *n = b.err ? NULL : vn_str(v, b.p, b.len);
    buf_free(&b);
    return n;
}

/* ---- the answer -------------------------------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

static void logf_line(txt_buf *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_line(txt_buf *log, const char *fmt, ...)
{
    char line[1400];
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_puts(log, "blogsearch.cgi: ");
    buf_puts(log, line);
    buf_putc(log, '\n');
}

/* The CORS origin to allow for this request, or NULL. */
static const char *cors_origin(const web_config *cfg, const web_request *rq, char *buf,
                               size_t len)
{
    if (!cfg->cors || !*cfg->cors)
        return NULL;
    if (strcmp(cfg->cors, "*") == 0)
        return "*";
    if (!rq->origin || !*rq->origin || strlen(rq->origin) >= len)
        return NULL;
    size_t olen = strlen(rq->origin);
    for (const char *s = cfg->cors; *s;) {
        s += strspn(s, " ,");
        size_t n = strcspn(s, " ,");
        if (n == olen && memcmp(s, rq->origin, n) == 0) {
            memcpy(buf, rq->origin, olen + 1);
            return buf;
        }
        s += n;
    }
    return NULL;
}

static void respond(web *w, const web_request *rq, const req *r, int status,
                    const txt_buf *body, txt_buf *out)
{
    char n[32], obuf[512];
    snprintf(n, sizeof n, "%d", status);
    buf_puts(out, "Status: ");
    buf_puts(out, n);
    buf_putc(out, ' ');
    buf_puts(out, reason(status));
    buf_puts(out, "\r\nContent-Type: ");
    buf_puts(out, r->json ? "application/json; charset=utf-8" : "text/html; charset=utf-8");
    snprintf(n, sizeof n, "%zu", body->len);
    buf_puts(out, "\r\nContent-Length: ");
    buf_puts(out, n);
    /* results may be cached a little; an error or an index not ready is not */
    buf_puts(out, status == 200 ? "\r\nCache-Control: public, max-age=60"
                                : "\r\nCache-Control: no-store");
    buf_puts(out, "\r\nX-Content-Type-Options: nosniff");
    if (r->negotiated)
        buf_puts(out, "\r\nVary: Accept");
    if (status == 405)
        buf_puts(out, "\r\nAllow: GET, HEAD");
    if (status == 503)
        buf_puts(out, "\r\nRetry-After: 30");
    const char *origin = r->json ? cors_origin(&w->cfg, rq, obuf, sizeof obuf) : NULL;
    if (origin) {
        buf_puts(out, "\r\nAccess-Control-Allow-Origin: ");
        buf_puts(out, origin);
    }
    if (r->json && w->cfg.cors && *w->cfg.cors && strcmp(w->cfg.cors, "*") != 0)
        buf_puts(out, "\r\nVary: Origin");
    buf_puts(out, "\r\n\r\n");
    if (strcmp(rq->method, "HEAD") != 0)
        buf_put(out, body->p ? body->p : "", body->len);
}

/* What the form shows again, and the filters in use, for the template. */
static void form_view(view *v, vnode *root, const req *r, const char *script)
{
    vnode *form = vn_obj(v);
    vn_set(v, form, "q", vn_cstr(v, r->q ? r->q : ""));
    vn_set(v, form, "since", vn_cstr(v, r->since ? r->since : ""));
    vn_set(v, form, "until", vn_cstr(v, r->until ? r->until : ""));
    vn_set(v, form, "category", vn_cstr(v, r->category ? r->category : ""));
    vn_set(v, form, "author", vn_cstr(v, r->author ? r->author : ""));
    vn_set(v, form, "sort_date", vn_bool(v, r->sort_date));
    vn_set(v, form, "action", vn_cstr(v, script ? script : ""));
    if (r->per_page != 10)     /* the form keeps a page size other than the default */
        vn_set(v, form, "per_page", vn_int(v, (int64_t)r->per_page));
    vnode *tags = vn_arr(v);
    for (size_t i = 0; i < r->ntags; i++) {
        vnode *t = vn_obj(v);
        vn_set(v, t, "name", vn_cstr(v, r->tags[i]));
        vn_set(v, t, "remove_url", link_node(v, r, script, 1, LINK_DROP_TAG, r->tags[i]));
        vn_push(v, tags, t);
    }
    vn_set(v, form, "tags", tags);
    /* a category or an author in use, with the link that drops it */
    if (r->category && *r->category)
        vn_set(v, form, "category_remove_url", link_node(v, r, script, 1, LINK_CATEGORY, ""));
    if (r->author && *r->author)
        vn_set(v, form, "author_remove_url", link_node(v, r, script, 1, LINK_AUTHOR, ""));
    vn_set(v, root, "form", vn_flag(form, VN_NOJSON));
}

/* What a page of results or an error offers a template at its top
 * (docs/template.md): a template names one of them, or it is no template
 * of these pages. */
static const char *const page_names[] = {
    "query", "total", "offset", "limit", "page", "pages", "per_page", "results", "facets",
    "links", "took_ms", "corrected_query", "suggestion", "also_searched", "corrections",
    "searched", "has_results", "first_shown", "last_shown", "facet_links", "page_numbers",
    "correction", "also", "form", "error",
};

/* BLOGSEARCH_TEMPLATE may name any file the server can read: one that names
 * nothing of a page (/etc/passwd) is refused, never shown as the page, as
 * one that does not parse is: a results page is then a 500, an error page
 * the bare one. Said in the log once a request. */
static int template_refused(web *w, req *r, txt_buf *log)
{
    if (!w->tpl_checked) {         /* the template is read once: looked at once */
        w->tpl_checked = 1;
        w->tpl_foreign = tpl_names_any(w->cfg.tpl ? w->cfg.tpl : "", w->cfg.tpl_len, page_names,
                                       sizeof page_names / sizeof page_names[0]) == 0;
    }
    if (w->tpl_foreign && !r->tpl_said)
        logf_line(log, "the template %s names none of a results page's values "
                  "({{#results}}, {{total}}, {{form.q}}, {{error}}, ...: docs/template.md); "
                  "it is no template of blogsearch's: set BLOGSEARCH_TEMPLATE to one",
                  w->cfg.tpl_name ? w->cfg.tpl_name : "");
    r->tpl_said |= w->tpl_foreign;
    return w->tpl_foreign;
}

/* Writes the view as JSON or through the template. */
static int render(web *w, req *r, vnode *root, view *v, txt_buf *body, txt_buf *log)
{
    if (view_failed(v))
        return -1;
    if (r->json) {
        if (view_json(body, root, 0) != 0)
            return -1;
        buf_putc(body, '\n');
        return body->err ? -1 : 0;
    }
    char err[256];
    if (!w->cfg.tpl && w->cfg.tpl_load)
        w->cfg.tpl_load(&w->cfg);
    if (template_refused(w, r, log))
        return -1;
    int rc = tpl_render(body, w->cfg.tpl ? w->cfg.tpl : "", w->cfg.tpl_len, root, err,
                        sizeof err);
    if (rc == -1)
        logf_line(log, "the template %s: %s", w->cfg.tpl_name ? w->cfg.tpl_name : "", err);
    return rc || body->err ? -1 : 0;
}

/* An error page or object: {"error": {"status", "message", "parameter"}}. */
static int answer_error(web *w, const web_request *rq, req *r, txt_buf *out, txt_buf *log)
{
    view *v = view_new();
    txt_buf body = { 0 };
    int status = r->status;
    if (v) {
        vnode *root = vn_obj(v), *e = vn_obj(v);
        vn_set(v, e, "status", vn_int(v, status));
        vn_set(v, e, "message", vn_cstr(v, r->msg));
        if (r->bad_param)
            vn_set(v, e, "parameter", vn_cstr(v, r->bad_param));
        vn_set(v, root, "error", e);
        form_view(v, root, r, rq->script);
        if (render(w, r, root, v, &body, log) != 0)
            buf_reset(&body);
    }
    if (!v || body.len == 0 || body.err) {
        /* the template itself failed: a bare answer */
        buf_free(&body);
        body = (txt_buf){ 0 };
        if (r->json) {
            buf_puts(&body, "{\"error\": {\"status\": ");
            char n[16];
            snprintf(n, sizeof n, "%d", status);
            buf_puts(&body, n);
            buf_puts(&body, ", \"message\": ");
            buf_put_json(&body, r->msg, strlen(r->msg));
            buf_puts(&body, "}}\n");
        } else {
            buf_puts(&body, "<!DOCTYPE html>\n<meta charset=\"utf-8\"><title>Search</title>\n<p>");
            html_escape(&body, r->msg, strlen(r->msg));
            buf_puts(&body, "</p>\n");
        }
    }
    respond(w, rq, r, status, &body, out);
    buf_free(&body);
    view_free(v);
    return status;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* The name of a user or group ID in /etc/passwd or /etc/group, else the
 * number (install -g takes either). The files are read directly: getpwuid
 * in the statically linked blogsearch.cgi would need glibc's NSS modules. */
static const char *id_name(const char *file, unsigned long id, char *buf, size_t len)
{
    char line[1024];
    FILE *f = fopen(file, "r");
    snprintf(buf, len, "%lu", id);
    while (f && fgets(line, sizeof line, f)) {
        char *name_end = strchr(line, ':');
        char *id_at = name_end ? strchr(name_end + 1, ':') : NULL, *id_end;
        if (!id_at || strtoul(id_at + 1, &id_end, 10) != id || id_end == id_at + 1
            || *id_end != ':')
            continue;
        snprintf(buf, len, "%.*s", (int)(name_end - line), line);
        break;
    }
    if (f)
        fclose(f);
    return buf;
}

/* Whether this process lacks what reading the index DIR takes: to enter it,
 * read data.mdb and write lock.mdb, LMDB's table of readers (or create it). */
static int index_denied(const char *dir)
{
    char path[4096];
    if (faccessat(AT_FDCWD, dir, R_OK | X_OK, AT_EACCESS) != 0)
        return errno == EACCES;
    snprintf(path, sizeof path, "%s/data.mdb", dir);
    if (faccessat(AT_FDCWD, path, R_OK, AT_EACCESS) != 0 && errno == EACCES)
        return 1;
    snprintf(path, sizeof path, "%s/lock.mdb", dir);
    if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) == 0)
        return 0;
    if (errno == ENOENT)
        return faccessat(AT_FDCWD, dir, W_OK, AT_EACCESS) != 0 && errno == EACCES;
    return errno == EACCES;
}

static int open_index(web *w, req *r, txt_buf *log)
{
    char err[1024];
    /* Resident, the index stays open between requests; a copy swapped in
     * at its path (a link renamed onto another directory, the directory
     * moved aside for a new one, or deleted) is noticed here, before the
     * request reads anything: one request at a time, so no read of the old
     * one is in flight, and it is closed before the new one is opened. When
     * that fails, this request and the next are answered as without an
     * index, each trying again. */
    if (w->s && lib_searcher_replaced(w->s)) {
        lib_searcher_close(w->s);
        w->s = NULL;
        logf_line(log, "the index %s was replaced; opening it again", w->cfg.index);
    }
    if (w->s)
        return 0;
    int rc = lib_searcher_open(&w->s, w->cfg.index, w->cfg.resident ? LIB_RESIDENT : 0, err,
                               sizeof err);
    if (rc == BS_OK)
        return 0;
    if (rc != BS_ENOTFOUND && rc != BS_ENOTREADY && index_denied(w->cfg.index)) {
        /* the usual slip of a web install: the index is root's alone */
        char user[64], group[64];
        id_name("/etc/passwd", (unsigned long)geteuid(), user, sizeof user);
        id_name("/etc/group", (unsigned long)getegid(), group, sizeof group);
        logf_line(log, "cannot open the index %s: %s; the web server's user (%s) must be "
                  "able to read data.mdb and write lock.mdb there: make the directory "
                  "group %s, mode 2750 (install -d -g %s -m 2750 %s), every directory "
                  "above it open to %s, and run blogsearch-index on it again",
                  w->cfg.index, strerror(EACCES), user, group, group, w->cfg.index, user);
    } else {
        logf_line(log, "%s", err);
    }
    /* no index yet, or one whose first run has not committed: its posts
     * are still to come, not absent (503, Retry-After, never cached) */
    if (rc == BS_ENOTFOUND || rc == BS_ENOTREADY)
        return bad(r, 503, NULL, "the search index is not ready yet; try again in a minute");
    return bad(r, 500, NULL, "the search is not working right now; the site's owner "
               "can see why in the server's error log");
}

/* Runs the search and builds the page's view. */
static int answer_search(web *w, const web_request *rq, req *r, txt_buf *out, txt_buf *log)
{
    double t0 = now_ms();
    lib_search *res = NULL;
    view *v = NULL;
    txt_buf body = { 0 };
    char err[1024] = "";
    lib_query q = { .text = r->q, .tags = (const char *const *)r->tags, .ntags = r->ntags,
                    .category = r->category, .author = r->author, .since = r->since,
                    .until = r->until, .lenient = 1, .by_date = r->sort_date,
                    .match = LIB_MATCH_MOST, .offset = (r->page - 1) * r->per_page,
                    .limit = r->per_page, .facets = WEB_FACETS, .parallel = 1,
                    .exact = r->exact, .like = r->like };
    int searched = *r->q || r->like || r->ntags || (r->category && *r->category)
                   || (r->author && *r->author) || (r->since && *r->since) || (r->until && *r->until);
    if (searched && open_index(w, r, log) != 0)
        goto fail;
    int rc = BS_OK;
    /* what a search box sends as it is typed is read leniently, never a
     * syntax error; a request of nothing gets the empty page */
    if (searched && (rc = lib_search_run(w->s, &q, &res, err, sizeof err)) != BS_OK) {
        if (rc == BS_EQUERY) {      /* read_params checked the dates: the query's fault */
            bad(r, 400, "q", "parameter q: %s", err);
        } else if (rc == BS_ENOTFOUND && r->like) {
            bad(r, 404, "like", "parameter like: no post has the slug \"%s\"", r->like);
        } else {
            /* out of memory too: the owner's log says so */
            logf_line(log, "%s", *err ? err : rc == BS_ENOMEM ? "out of memory" : "the search failed");
            bad(r, 500, NULL, "the search failed; the site's owner can see why in the "
                "server's error log");
        }
        goto fail;
    }
    uint64_t total = lib_search_total(res);
    size_t shown = lib_search_count(res);
    size_t pages = total ? (size_t)((total + r->per_page - 1) / r->per_page) : 1;
    if (r->page > pages) {
        bad(r, 400, "page", "parameter page: %zu is past the last page, %zu", r->page, pages);
        goto fail;
    }
    if (!(v = view_new())) {
        bad(r, 500, NULL, "out of memory");
        goto fail;
    }
    link_ctx lc = { r, rq->script };
    lib_page_opts po = { .snippet_chars = SNIPPET_CHARS, .html = !r->json,
                         .facet_link = facet_link, .link_ctx = &lc, .parallel = 1 };
    vnode *root = lib_search_page(res, &q, &po, v, &rc, err, sizeof err);
    if (!root) {
        logf_line(log, "%s", err);
        bad(r, 500, NULL, "the search failed; the site's owner can see why in the "
            "server's error log");
        goto fail;
    }
    vn_set(v, root, "page", vn_int(v, (int64_t)r->page));
    vn_set(v, root, "pages", vn_int(v, (int64_t)pages));
    vn_set(v, root, "per_page", vn_int(v, (int64_t)r->per_page));
    vnode *links = vn_obj(v);
    vn_set(v, links, "self", link_node(v, r, rq->script, r->page, LINK_SAME, NULL));
    vn_set(v, links, "first", link_node(v, r, rq->script, 1, LINK_SAME, NULL));
    vn_set(v, links, "prev", r->page > 1 ? link_node(v, r, rq->script, r->page - 1, LINK_SAME, NULL)
                                         : vn_null(v));
    vn_set(v, links, "next", r->page < pages ? link_node(v, r, rq->script, r->page + 1,
                                                         LINK_SAME, NULL)
                                             : vn_null(v));
    vn_set(v, links, "last", link_node(v, r, rq->script, pages, LINK_SAME, NULL));
    /* the pages to offer by number, as the search box does: the first, the
     * last, two either side of this one, a gap for the rest (1 2 3 4 5 … 9) */
    vnode *nums = vn_arr(v);
    int gap = 0;
    for (size_t n = 1; pages > 1 && n <= pages; n++) {
        size_t d = n > r->page ? n - r->page : r->page - n;
        if (n == 1 || n == pages || d <= 2 || (r->page <= 4 && n <= 5)
            || (r->page + 3 >= pages && n + 4 >= pages)) {
            vnode *e = vn_obj(v);
            vn_set(v, e, "n", vn_int(v, (int64_t)n));
            vn_set(v, e, "current", vn_bool(v, n == r->page));
            vn_set(v, e, "url", link_node(v, r, rq->script, n, LINK_SAME, NULL));
            vn_push(v, nums, e);
            gap = 0;
        } else if (!gap) {
            vnode *e = vn_obj(v);
            vn_set(v, e, "gap", vn_bool(v, 1));
            vn_push(v, nums, e);
            gap = 1;
        }
    }
    vn_set(v, root, "page_numbers", vn_flag(nums, VN_NOJSON));
    /* what the correction did, as the page says it: the query the results
     * are of, with a link to the words as typed; or the query suggested,
     * with a link to it */
    int applied;
    const char *fixed = lib_search_correction(res, &applied), *also = lib_search_also(res);
    if (fixed) {
        vnode *c = vn_obj(v);
        vn_set(v, c, "query", vn_cstr(v, fixed));
        vn_set(v, c, "applied", vn_bool(v, applied));
        int change = applied ? LINK_EXACT : LINK_QUERY;
        vn_set(v, c, "url", link_node(v, r, rq->script, 1, change, fixed));
        vn_set(v, root, "correction", vn_flag(c, VN_NOJSON));
        vn_set(v, links, applied ? "exact" : "suggestion",
               link_node(v, r, rq->script, 1, change, fixed));
    }
    /* other spellings searched beside the words: a link to the words alone */
    if (also) {
        vnode *c = vn_obj(v);
        vn_set(v, c, "spellings", vn_cstr(v, also));
        vn_set(v, c, "url", link_node(v, r, rq->script, 1, LINK_EXACT, NULL));
        vn_set(v, root, "also", vn_flag(c, VN_NOJSON));
        if (!fixed || !applied)
            vn_set(v, links, "exact", link_node(v, r, rq->script, 1, LINK_EXACT, NULL));
    }
    vn_set(v, root, "links", links);
    /* each facet's link narrows the results to it; one in use is marked */
    const vnode *tags = vn_get(vn_get(root, "facets"), "tags");
    vnode *chips = vn_arr(v);
    for (size_t i = 0; i < vn_len(tags); i++) {
        const vnode *f = vn_at(tags, i);
        size_t len;
        const char *tag = vn_text(vn_get(f, "tag"), &len);
        vnode *c = vn_obj(v);
        vn_set(v, c, "tag", vn_str(v, tag, len));
        vn_set(v, c, "count", vn_int(v, (int64_t)vn_number(vn_get(f, "count"))));
        txt_buf u = { 0 };
        facet_link(&lc, &u, LIB_LINK_TAG, tag, len);
        vn_set(v, c, "url", u.err ? NULL : vn_str(v, u.p ? u.p : "", u.len));
        buf_free(&u);
        int active = 0;
        for (size_t t = 0; t < r->ntags; t++)
            active |= strlen(r->tags[t]) == len && strncasecmp(r->tags[t], tag, len) == 0;
        vn_set(v, c, "active", vn_bool(v, active));
        vn_push(v, chips, c);
    }
    vn_set(v, root, "facet_links", vn_flag(chips, VN_NOJSON));
    vn_set(v, root, "searched", vn_flag(vn_bool(v, searched), VN_NOJSON));
    vn_set(v, root, "has_results", vn_flag(vn_bool(v, shown > 0), VN_NOJSON));
    vn_set(v, root, "first_shown", vn_flag(vn_int(v, (int64_t)(shown ? q.offset + 1 : 0)), VN_NOJSON));
    vn_set(v, root, "last_shown", vn_flag(vn_int(v, (int64_t)(q.offset + shown)), VN_NOJSON));
    form_view(v, root, r, rq->script);
    vn_set(v, root, "took_ms", vn_num(v, (double)(int64_t)((now_ms() - t0) * 10) / 10));
    if (render(w, r, root, v, &body, log) != 0) {
        bad(r, 500, NULL, "the results page could not be made; the site's owner can see why "
            "in the server's error log");
        goto fail;
    }
    respond(w, rq, r, 200, &body, out);
    r->status = 200;
fail:
    lib_search_free(res);
    view_free(v);
    buf_free(&body);
    return r->status == 200 ? 200 : answer_error(w, rq, r, out, log);
}

/* suggest=: the completions of its last word (web/suggest.c). */
static int answer_suggest(web *w, const web_request *rq, req *r, txt_buf *out, txt_buf *log)
{
    txt_buf body = { 0 };
    char err[1024] = "";
    if (open_index(w, r, log) != 0)
        return answer_error(w, rq, r, out, log);
    if (web_suggest_body(w->s, r->suggest, &body, err, sizeof err) != BS_OK) {
        logf_line(log, "%s", *err ? err : "the suggestion failed");
        bad(r, 500, NULL, "the search failed; the site's owner can see why in the server's "
            "error log");
        buf_free(&body);
        return answer_error(w, rq, r, out, log);
    }
    respond(w, rq, r, 200, &body, out);
    buf_free(&body);
    return 200;
}

int web_handle(web *w, const web_request *rq, txt_buf *out, txt_buf *log)
{
    req r = { 0 };
    web_request fixed = *rq;
    fixed.method = rq->method ? rq->method : "";
    int parsed = split_params(&r, rq->query) == 0;
    choose_format(&r, rq);    /* from what could be read, for the error too */
    int status;
    /* SCRIPT_NAME is the request's path as the server decoded it: put into
     * links and the form percent-encoded, so that it is ASCII whatever it
     * holds */
    txt_buf script = { 0 };
    if (rq->script) {
        path_escape(&script, rq->script);
        fixed.script = script.err ? "" : script.p ? script.p : "";
    }
    if (strcmp(fixed.method, "GET") != 0 && strcmp(fixed.method, "HEAD") != 0) {
        /* the method as sent, its first 20 characters (utf8_vformat makes
         * a bad byte U+FFFD) */
        size_t mlen = strlen(fixed.method);
        bad(&r, 405, NULL, "method %.*s: only GET and HEAD are answered",
            fixed.method[0] ? (int)utf8_prefix(fixed.method, mlen, 20) : 6,
            fixed.method[0] ? fixed.method : "(none)");
        status = answer_error(w, &fixed, &r, out, log);
    } else if (!parsed || read_params(&r) != 0) {
        status = answer_error(w, &fixed, &r, out, log);
    } else if (r.suggest) {
        status = answer_suggest(w, &fixed, &r, out, log);
    } else {
        status = answer_search(w, &fixed, &r, out, log);
    }
    free(r.raw);
    buf_free(&script);
    return status;
}
