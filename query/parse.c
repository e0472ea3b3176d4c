/* parse.c: the query language. It splits the query's syntax (quotes, +, -,
 * OR, field:, a trailing *) and hands every word to the analyzer, so a query
 * word meets the post's word in any form. Never tokenizes words itself. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

typedef struct {
    qry *q;
    an_analyzer *an;
    const char *text;
    char *err;
    size_t errlen;
    int lenient;           /* qparse_lenient: what a strict parse rejects is read */
} parser;

/* Characters, not bytes, before offset: what a reader counts. */
static size_t char_pos(const char *text, size_t off)
{
    return 1 + utf8_nchars(text, off);
}

static int fail(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(parser *p, size_t off, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    utf8_vformat(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_format(p->err, p->errlen, "query position %zu: %s", char_pos(p->text, off), msg);
    return BS_EQUERY;
}

typedef struct {
    char **terms;
    size_t n, cap;
    int all_stop;
    int oom;
    const char *first_norm;   /* the first token's normalized word (prefixes) */
    size_t first_norm_len;
    char *norm;
} collect;

static int collect_token(const an_token *t, void *ctx)
{
    collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        char **v = realloc(c->terms, cap * sizeof *v);
        if (!v)
            return c->oom = 1;
        c->terms = v;
        c->cap = cap;
    }
    if (!(c->terms[c->n] = strndup(t->term, t->term_len)))
        return c->oom = 1;
    if (c->n == 0 && !(c->norm = strndup(t->norm, t->norm_len)))
        return c->oom = 1;
    c->n++;
    if (!(t->flags & AN_STOP))
        c->all_stop = 0;
    return 0;
}

static int add_clause(parser *p, int mode, int field, int prefix, const char *s, size_t len,
                      size_t off, int quoted)
{
    collect c = { .all_stop = 1 };
    uint32_t pos = 0;
    if (an_analyze(p->an, s, len, &pos, collect_token, &c) != 0 || c.oom) {
        for (size_t i = 0; i < c.n; i++)
            free(c.terms[i]);
        free(c.terms);
        free(c.norm);
        snprintf(p->err, p->errlen, "out of memory");
        return BS_ENOMEM;
    }
    if (c.n == 0) {                    /* punctuation alone: nothing to look for */
        free(c.terms);
        free(c.norm);
        return BS_OK;
    }
    if (prefix && c.n > 1 && p->lenient)
        prefix = 0;                    /* x86_6*: the words, as typed so far */
    if (prefix) {
        if (c.n > 1) {
            for (size_t i = 0; i < c.n; i++)
                free(c.terms[i]);
            free(c.terms);
            free(c.norm);
            return fail(p, off, "a prefix search (word*) takes a single word");
        }
        free(c.terms[0]);
        c.terms[0] = c.norm;           /* the unstemmed prefix: dock* finds docker */
        c.norm = NULL;
        c.all_stop = 0;
    }
    free(c.norm);
    qry *q = p->q;
    qclause *v = realloc(q->c, (q->n + 1) * sizeof *v);
    if (!v) {
        for (size_t i = 0; i < c.n; i++)
            free(c.terms[i]);
        free(c.terms);
        snprintf(p->err, p->errlen, "out of memory");
        return BS_ENOMEM;
    }
    q->c = v;
    q->c[q->n++] = (qclause){ .mode = mode, .field = field, .prefix = prefix, .nterms = c.n,
                              .terms = c.terms, .all_stop = c.all_stop, .pos = off,
                              .raw_off = (size_t)(s - p->text), .raw_len = len,
                              .quoted = quoted };
    return BS_OK;
}

static int add_str(char ***v, size_t *n, const char *s, size_t len)
{
    char **nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return -1;
    *v = nv;
    if (!(nv[*n] = strndup(s, len)))
        return -1;
    (*n)++;
    return 0;
}

void qry_set_date(qry *q, int end, int64_t t)
{
    if (end) {
        q->has_until = 1;
        q->until = t;
    } else {
        q->has_since = 1;
        q->since = t;
    }
}

int qry_add_tag(qry *q, const char *tag, size_t len)
{
    return add_str(&q->tags, &q->ntags, tag, len) ? BS_ENOMEM : BS_OK;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int qparse_date(const char *s, int end, int64_t *out)
{
    int y = 0, m = 1, d = 1, n = 0;
    size_t len = strlen(s);
    if (len == 4 && sscanf(s, "%4d%n", &y, &n) == 1 && n == 4) {
        m = end ? 12 : 1;
        d = end ? 31 : 1;
    } else if (len == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &n) == 2 && n == 7) {
        static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        if (m < 1 || m > 12)
            return -1;
        d = end ? mdays[m - 1] + (m == 2 && leap(y)) : 1;
    } else if (len != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10) {
        return -1;
    }
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]) && s[i] != '-')
            return -1;
    char iso[40];
    snprintf(iso, sizeof iso, "%04d-%02d-%02d%s", y, m, d, end ? " 23:59:59" : "");
    const char *why;
    return date_parse(iso, strlen(iso), 0, out, &why);
}

/* Reads a quoted string starting at text[i] == '"'; sets [*s, *len) to its
 * inside and returns the offset after the closing quote, or 0 if unclosed
 * (leniently, an unclosed quote closes at the end of the text). */
static size_t quoted(const parser *p, size_t i, const char **s, size_t *len)
{
    const char *text = p->text, *close = strchr(text + i + 1, '"');
    if (!close && !p->lenient)
        return 0;
    if (!close)
        close = text + strlen(text);
    *s = text + i + 1;
    *len = (size_t)(close - *s);
    return (size_t)(close - text) + (*close == '"');
}

static int is_field(const char *name, size_t nlen)
{
    static const char *const fields[] = { "title", "tag", "category", "author", "since",
                                          "until" };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strlen(fields[i]) == nlen && memcmp(fields[i], name, nlen) == 0)
            return 1;
    return 0;
}

static int field_word(parser *p, const char *name, size_t nlen, size_t off, int mode,
                      const char *val, size_t vlen)
{
    qry *q = p->q;
    char tmp[64];
    if (vlen == 0)
        return p->lenient ? BS_OK : fail(p, off, "%.*s: needs a value", (int)nlen, name);
    if (nlen == 5 && memcmp(name, "title", 5) == 0)
        return add_clause(p, mode, BS_FIELD_TITLE, 0, val, vlen, off, 0);
    if (mode == QC_MUST_NOT)
        return p->lenient ? BS_OK : fail(p, off, "excluding by %.*s: is not supported; "
                                         "exclude words instead", (int)nlen, name);
    if (nlen == 3 && memcmp(name, "tag", 3) == 0)
        return add_str(&q->tags, &q->ntags, val, vlen) ? BS_ENOMEM : BS_OK;
    if ((nlen == 8 && memcmp(name, "category", 8) == 0)
        || (nlen == 6 && memcmp(name, "author", 6) == 0)) {
        char **slot = name[0] == 'c' ? &q->category : &q->author;
        free(*slot);
        return (*slot = strndup(val, vlen)) ? BS_OK : BS_ENOMEM;
    }
    if ((nlen == 5 && memcmp(name, "since", 5) == 0) || (nlen == 5 && memcmp(name, "until", 5) == 0)) {
        int end = name[0] == 'u';
        int64_t t;
        if (vlen < sizeof tmp) {
            memcpy(tmp, val, vlen);
            tmp[vlen] = '\0';
        }
        if (vlen >= sizeof tmp || qparse_date(tmp, end, &t) != 0) {
            if (p->lenient)            /* a date still being typed: no bound yet */
                return BS_OK;
            return fail(p, off, "%.*s: \"%.*s\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                        (int)nlen, name, (int)utf8_prefix(val, vlen, 40), val);
        }
        qry_set_date(q, end, t);
        return BS_OK;
    }
    return fail(p, off, "unknown field \"%.*s:\"; the fields are title:, tag:, category:, "
                "author:, since: and until:", (int)utf8_prefix(name, nlen, 40), name);
}

static int parse_text(qry *q, an_analyzer *an, const char *text, int filters_outside,
                      int lenient, char *err, size_t errlen);

/* More tag filters than a query holds: read leniently, those past the most
 * are dropped (0); else 1, an error. */
static int too_many_tags(qry *q, int lenient)
{
    if (q->ntags > QRY_MAX_TAGS && lenient) {
        for (size_t t = QRY_MAX_TAGS; t < q->ntags; t++)
            free(q->tags[t]);
        q->ntags = QRY_MAX_TAGS;
    }
    return q->ntags > QRY_MAX_TAGS;
}

int qparse(qry *q, an_analyzer *an, const char *text, char *err, size_t errlen)
{
    return parse_text(q, an, text, 0, 0, err, errlen);
}

static int given(const char *s)
{
    return s && *s;
}

static int parse_with(qry *q, an_analyzer *an, const char *text, const qry_filters *f,
                      int lenient, char *err, size_t errlen);

int qparse_with(qry *q, an_analyzer *an, const char *text, const qry_filters *f, char *err,
                size_t errlen)
{
    return parse_with(q, an, text, f, 0, err, errlen);
}

int qparse_lenient(qry *q, an_analyzer *an, const char *text, const qry_filters *f, char *err,
                   size_t errlen)
{
    return parse_with(q, an, text, f, 1, err, errlen);
}

static int parse_with(qry *q, an_analyzer *an, const char *text, const qry_filters *f,
                      int lenient, char *err, size_t errlen)
{
    static const qry_filters none;
    if (!f)
        f = &none;
    int outside = given(f->category) || given(f->author) || given(f->since) || given(f->until);
    for (size_t t = 0; t < f->ntags; t++)
        outside |= given(f->tags[t]);
    /* a filter is a value, quoted in messages and compared with the
     * index's: text, as the query must be */
    const char *what[] = { "category", "author", "since", "until" },
               *val[] = { f->category, f->author, f->since, f->until };
    for (size_t i = 0; i < 4 + f->ntags; i++) {
        const char *v = i < 4 ? val[i] : f->tags[i - 4];
        if (given(v) && !utf8_valid(v, strlen(v))) {
            memset(q, 0, sizeof *q);
            utf8_format(err, errlen, "the %s filter is not valid UTF-8", i < 4 ? what[i] : "tag");
            return BS_EQUERY;
        }
    }
    int rc = parse_text(q, an, text, outside, lenient, err, errlen);
    for (size_t t = 0; t < f->ntags && rc == BS_OK; t++)
        if (given(f->tags[t]))
            rc = qry_add_tag(q, f->tags[t], strlen(f->tags[t]));
    struct { const char *v; char **slot; } by[] = { { f->category, &q->category },
                                                    { f->author, &q->author } };
    for (size_t i = 0; i < 2 && rc == BS_OK; i++) {
        if (!given(by[i].v))
            continue;
        free(*by[i].slot);
        if (!(*by[i].slot = strdup(by[i].v)))
            rc = BS_ENOMEM;
    }
    const char *names[] = { "since", "until" }, *vals[] = { f->since, f->until };
    for (int end = 0; end < 2 && rc == BS_OK; end++) {
        int64_t t;
        if (!given(vals[end]))
            continue;
        if (qparse_date(vals[end], end, &t) != 0) {
            utf8_format(err, errlen, "%s: \"%.*s\" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                     names[end], (int)utf8_prefix(vals[end], strlen(vals[end]), 40), vals[end]);
            rc = BS_EQUERY;
        } else {
            qry_set_date(q, end, t);
        }
    }
    /* the query's tag: filters and those given beside it, together */
    if (rc == BS_OK && too_many_tags(q, lenient)) {
        snprintf(err, errlen, "too many tag filters: at most %d, in the query and beside it",
                 QRY_MAX_TAGS);
        rc = BS_EQUERY;
    }
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    return rc;
}

/* Frees the clauses of q from keep on. */
static void drop_clauses(qry *q, size_t keep)
{
    for (size_t c = keep; c < q->n; c++) {
        for (size_t t = 0; t < q->c[c].nterms; t++)
            free(q->c[c].terms[t]);
        free(q->c[c].terms);
        for (size_t t = 0; t < q->c[c].nalts; t++)
            free(q->c[c].alts[t]);
        free(q->c[c].alts);
    }
    q->n = keep;
}

static int parse_text(qry *q, an_analyzer *an, const char *text, int filters_outside,
                      int lenient, char *err, size_t errlen)
{
    parser p = { q, an, text, err, errlen, lenient };
    size_t i = 0, len = strlen(text);
    memset(q, 0, sizeof *q);
    if (!utf8_valid(text, len))
        return fail(&p, 0, "the query is not valid UTF-8");

    while (i < len) {
        while (i < len && isspace((unsigned char)text[i]))
            i++;
        if (i >= len)
            break;
        size_t start = i;
        int mode = QC_SHOULD;
        if ((text[i] == '+' || text[i] == '-') && i + 1 < len && !isspace((unsigned char)text[i + 1])) {
            mode = text[i] == '+' ? QC_MUST : QC_MUST_NOT;
            i++;
        }
        int rc;
        if (text[i] == '"') {
            const char *s;
            size_t n, next = quoted(&p, i, &s, &n);
            if (!next)
                return fail(&p, i, "unbalanced quote: the phrase that starts here has no "
                            "closing \"");
            rc = add_clause(&p, mode, -1, 0, s, n, start, 1);
            i = next;
        } else {
            size_t e = i;
            while (e < len && !isspace((unsigned char)text[e]) && text[e] != '"')
                e++;
            /* field:value, field:"quoted value" */
            size_t k = i;
            while (k < e && isalpha((unsigned char)text[k]))
                k++;
            if (k > i && k < len && text[k] == ':' && (!lenient || is_field(text + i, k - i))) {
                const char *val = text + k + 1;
                size_t vlen = e - k - 1;
                if (k + 1 < len && text[k + 1] == '"') {
                    size_t next = quoted(&p, k + 1, &val, &vlen);
                    if (!next)
                        return fail(&p, k + 1, "unbalanced quote: the value that starts here "
                                    "has no closing \"");
                    e = next;
                }
                rc = field_word(&p, text + i, k - i, start, mode, val, vlen);
            } else if (e - i == 2 && memcmp(text + i, "OR", 2) == 0 && mode == QC_SHOULD) {
                q->any = 1;
                rc = BS_OK;
            } else if (e > i && text[e - 1] == '*' && (e - 1 > i || !lenient)) {
                if (e - 1 == i)
                    return fail(&p, i, "a lone * is not a prefix; write the start of a word "
                                "before it (dock*)");
                rc = add_clause(&p, mode, -1, 1, text + i, e - 1 - i, start, 0);
            } else {
                rc = add_clause(&p, mode, -1, 0, text + i, e - i, start, 0);
            }
            i = e;
        }
        if (rc == BS_ENOMEM && err[0] == '\0')
            snprintf(err, errlen, "out of memory");
        if (rc != BS_OK)
            return rc;
    }

    if (q->n > QRY_MAX_CLAUSES && lenient)       /* the words past the most are dropped */
        drop_clauses(q, QRY_MAX_CLAUSES);
    if (q->n > QRY_MAX_CLAUSES)
        return fail(&p, q->c[QRY_MAX_CLAUSES].pos, "too many words: a query holds at most %d",
                    QRY_MAX_CLAUSES);
    if (too_many_tags(q, lenient))
        return fail(&p, 0, "too many tag filters: at most %d", QRY_MAX_TAGS);

    /* what is left to look for */
    size_t positive = 0, words = 0;
    for (size_t c = 0; c < q->n; c++) {
        if (q->c[c].mode != QC_MUST_NOT) {
            positive++;
            words += !q->c[c].all_stop || q->c[c].nterms > 1;
        }
    }
    int filters = filters_outside || q->ntags || q->category || q->author || q->has_since
                  || q->has_until;
    /* leniently, a query of nothing to look for (a lone "-", "tag:", only
     * exclusions) finds nothing: an empty answer, not an error */
    if (lenient && (positive == 0 || (q->has_since && q->has_until && q->since > q->until)))
        return BS_OK;
    if (q->n == 0 && !filters)
        return fail(&p, 0, "the query has no words to search for");
    if (positive == 0 && !filters)
        return fail(&p, q->c[0].pos, "the query only excludes; add a word or a filter "
                    "(tag:, since:) to search for");
    /* stopwords alone ("что", "the"): nothing else is left to look for, so
     * they are searched themselves, as a phrase's are */
    if (positive > 0 && words == 0 && !filters)
        for (size_t c = 0; c < q->n; c++)
            if (q->c[c].mode != QC_MUST_NOT)
                q->c[c].all_stop = 0;
    if (q->has_since && q->has_until && q->since > q->until)
        return fail(&p, 0, "since: is after until:; nothing can match");
    return BS_OK;
}

void qry_free(qry *q)
{
    drop_clauses(q, 0);
    free(q->c);
    for (size_t i = 0; i < q->ntags; i++)
        free(q->tags[i]);
    free(q->tags);
    free(q->category);
    free(q->author);
    memset(q, 0, sizeof *q);
}
