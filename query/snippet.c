/* snippet.c: the passage of a post that shows why it matched, and its title
 * with the matched words marked. The stored text is analyzed again with the
 * same analyzer, so every form of a query word is found ("виртуализацией"
 * for "виртуализация"); the window with the most distinct matched words
 * wins, and is cut on word and UTF-8 boundaries. */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

typedef struct {
    size_t off, len;       /* the original word in the text */
    size_t c0, c1;         /* characters before its start and before its end */
    int term;              /* index of the matched query term, -1 if none */
} stok;

typedef struct {
    stok *v;
    size_t n, cap;
    char *const *terms;
    const size_t *term_len;
    size_t nterms;
    const char *text;
    size_t at, at_chars;   /* a byte offset and the characters before it */
    int oom;
} scan;


static int on_token(const an_token *t, void *ctx)
{
    scan *s = ctx;
    if (s->n == s->cap) {
        stok *v = grow_array(s->v, &s->cap, 512, sizeof *v);
        if (!v)
            return s->oom = 1;
        s->v = v;
    }
    int term = -1;
    for (size_t i = 0; i < s->nterms; i++) {
        if (s->term_len[i] == t->term_len && memcmp(s->terms[i], t->term, t->term_len) == 0) {
            term = (int)i;
            break;
        }
    }
    /* character counts as the words come, so a span's length in
     * characters is a subtraction (tokens arrive in text order) */
    size_t c0 = s->at_chars + utf8_nchars(s->text + s->at, t->off - s->at);
    size_t c1 = c0 + utf8_nchars(s->text + t->off, t->len);
    s->at = t->off + t->len;
    s->at_chars = c1;
    s->v[s->n++] = (stok){ t->off, t->len, c0, c1, term };
    return 0;
}

void snippet_free(snippet *s)
{
    buf_free(&s->text);
    free(s->hl);
    memset(s, 0, sizeof *s);
}

/* The words of text, each with the query term it matches (or -1), into sc:
 * 0, or -1 when out of memory (sc then empty). */
static int scan_text(scan *sc, an_analyzer *an, const char *text, size_t len,
                     char *const *terms, size_t nterms)
{
    size_t *term_len = malloc((nterms ? nterms : 1) * sizeof *term_len);
    *sc = (scan){ .terms = terms, .term_len = term_len, .nterms = nterms, .text = text };
    if (!term_len)
        return -1;
    for (size_t i = 0; i < nterms; i++)
        term_len[i] = strlen(terms[i]);
    uint32_t pos = 0;
    int arc = an_analyze(an, text, len, &pos, on_token, sc);
    free(term_len);
    if (arc != 0 || sc->oom) {
        free(sc->v);
        sc->v = NULL;
        sc->n = 0;
        return -1;
    }
    return 0;
}

int snippet_make(snippet *s, an_analyzer *an, const char *text, size_t len,
                 char *const *terms, size_t nterms, size_t chars)
{
    memset(s, 0, sizeof *s);
    scan sc;
    if (scan_text(&sc, an, text, len, terms, nterms) != 0)
        return -1;
    /* the best window: most distinct terms, then most matches, within
     * `chars` characters from its first matched word to its last */
    size_t best_a = 0, best_b = 0, best_distinct = 0, best_count = 0;
    unsigned char *seen = calloc(nterms ? nterms : 1, 1);
    if (!seen) {
        free(sc.v);
        return -1;
    }
    for (size_t a = 0; a < sc.n; a++) {
        if (sc.v[a].term < 0)
            continue;
        memset(seen, 0, nterms ? nterms : 1);
        size_t distinct = 0, count = 0, b = a;
        for (size_t j = a; j < sc.n; j++) {
            if (sc.v[j].c1 - sc.v[a].c0 > chars)
                break;
            if (sc.v[j].term >= 0) {
                count++;
                if (!seen[sc.v[j].term]) {
                    seen[sc.v[j].term] = 1;
                    distinct++;
                }
                b = j;
            }
        }
        if (distinct > best_distinct || (distinct == best_distinct && count > best_count)) {
            best_distinct = distinct;
            best_count = count;
            best_a = a;
            best_b = b;
        }
    }
    free(seen);

    /* grow the window around the matches to the size wanted, whole words */
    size_t start, end;
    if (sc.n == 0) {
        start = end = 0;
    } else {
        size_t a = best_a, b = best_b;
        if (best_distinct == 0)
            a = b = 0;                 /* nothing matched: the opening words */
        int grew = 1;
        while (grew) {
            grew = 0;
            size_t span = sc.v[b].c1 - sc.v[a].c0;
            if (b + 1 < sc.n && sc.v[b + 1].c1 - sc.v[a].c0 <= chars) {
                b++;
                grew = 1;
            }
            if (a > 0 && span < chars * 2 / 3 && sc.v[b].c1 - sc.v[a - 1].c0 <= chars) {
                a--;
                grew = 1;
            }
        }
        start = sc.v[a].off;
        end = sc.v[b].off + sc.v[b].len;
        /* keep the punctuation that closes the last word's sentence */
        while (end < len && (text[end] == '.' || text[end] == ',' || text[end] == '!'
                             || text[end] == '?' || text[end] == ')' || text[end] == ':'))
            end++;
        if (b + 1 >= sc.n)
            end = len;
        if (a == 0)
            start = 0;
    }
    while (start < end && (text[start] == ' ' || text[start] == '\n'))
        start++;
    while (end > start && (text[end - 1] == ' ' || text[end - 1] == '\n'))
        end--;

    size_t nhl = 0;
    for (size_t i = 0; i < sc.n; i++)
        nhl += sc.v[i].term >= 0 && sc.v[i].off >= start && sc.v[i].off + sc.v[i].len <= end;
    s->hl = malloc((nhl ? nhl : 1) * sizeof *s->hl);
    if (!s->hl) {
        free(sc.v);
        return -1;
    }
    if (start > 0)
        buf_puts(&s->text, "\xE2\x80\xA6");   /* … */
    /* one passage: line breaks and runs of blanks read as one space; the
     * highlights are placed as the words are copied */
    size_t j = 0;
    for (size_t i = start; i < end; i++) {
        while (j < sc.n && sc.v[j].off < i)
            j++;
        if (j < sc.n && sc.v[j].off == i && sc.v[j].term >= 0 && i + sc.v[j].len <= end)
            s->hl[s->nhl++] = (hl_range){ s->text.len, sc.v[j].len };
        char ch = text[i] == '\n' || text[i] == '\t' || text[i] == '\r' ? ' ' : text[i];
        if (ch == ' ' && s->text.len && s->text.p[s->text.len - 1] == ' ')
            continue;
        buf_putc(&s->text, ch);
    }
    if (end < len)
        buf_puts(&s->text, "\xE2\x80\xA6");
    free(sc.v);
    if (s->text.err) {
        snippet_free(s);
        return -1;
    }
    if (!s->text.p)
        buf_put(&s->text, "", 0);
    return 0;
}

int snippet_marks(snippet *s, an_analyzer *an, const char *text, size_t len,
                  char *const *terms, size_t nterms)
{
    memset(s, 0, sizeof *s);
    scan sc;
    if (scan_text(&sc, an, text, len, terms, nterms) != 0)
        return -1;
    size_t nhl = 0;
    for (size_t i = 0; i < sc.n; i++)
        nhl += sc.v[i].term >= 0;
    s->hl = malloc((nhl ? nhl : 1) * sizeof *s->hl);
    if (!s->hl) {
        free(sc.v);
        free(s->hl);
        s->hl = NULL;
        return -1;
    }
    for (size_t i = 0; i < sc.n; i++)
        if (sc.v[i].term >= 0)
            s->hl[s->nhl++] = (hl_range){ sc.v[i].off, sc.v[i].len };
    buf_put(&s->text, text, len);
    free(sc.v);
    if (s->text.err) {
        snippet_free(s);
        return -1;
    }
    return 0;
}

