/* suggest.c: completions of the word being typed into a search box, from
 * the index's own vocabulary: the last word of the text, normalized as
 * posts are, completed by the terms of the term table that a word posts
 * write for them starts with (виртуа: виртуализация, виртуальных), the
 * most frequent first, and a few titles holding such a word. Terms are
 * stems, so the walk covers the stem's range as well as the word's, and
 * the word shown is read back from posts (surface.c). Every step is
 * bounded, whatever the text and the index; nothing is written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "query/query.h"

#define SUGGEST_RANK_BLOCKS 4      /* a term's blocks read to rank it (store_term_df_est) */
#define SUGGEST_COUNT_BLOCKS 1024  /* a word shown: exact up to ~100,000 posts */
#define SUGGEST_RECOUNT 16         /* the best by estimate, recounted before the choice */
#define SUGGEST_SURFACE_TRIES 24   /* terms whose word is read from posts, at most */
#define SUGGEST_SURFACE_POSTS 8    /* posts read for one term's word (titles first) */
#define SUGGEST_TITLE_BLOCKS 8     /* a word shown: its last blocks read for titles */
#define SUGGEST_TITLE_IDS 32       /* of those, posts with it in the title kept */
#define SUGGEST_TITLE_POSTS 12     /* the newest of them whose titles are read */

/* ---- the word being typed -------------------------------------------------- */

/* White space as Unicode has it (White_Space): what ends a word typed. */
static int is_space(int32_t cp)
{
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0x2028 || cp == 0x2029
           || utf8proc_category(cp) == UTF8PROC_CATEGORY_ZS;
}

typedef struct {
    size_t off, len;               /* the last token, bytes of the span */
    char norm[NORM_MAX_BYTES + 1], stem[NORM_MAX_BYTES + 1];
    size_t nlen, slen;
    int n;
} last_token;

static int keep_last(const an_token *t, void *ctx)
{
    last_token *l = ctx;
    l->off = t->off;
    l->len = t->len;
    memcpy(l->norm, t->norm, t->norm_len);
    l->norm[t->norm_len] = '\0';
    l->nlen = t->norm_len;
    memcpy(l->stem, t->term, t->term_len + 1);
    l->slen = t->term_len;
    l->n++;
    return 0;
}

/* ---- the walk over the term table --------------------------------------------- */

enum {                             /* the terms a walk keeps */
    SG_STARTS = 1,                 /* the term starts with the typed word */
    SG_SHORTER,                    /* the term is the start of the typed word: a word
                                      of it may go on as typed (кот: коты) */
    SG_LAST_DIFFERS                /* a Latin term whose last letter alone differs:
                                      English stems change it (happy: happi) */
};

typedef struct {
    size_t off, len;               /* the term, in the arena */
    const char *p;                 /* there, once the arena is whole */
    uint64_t df;
    int exact;                     /* df counted, not estimated */
    int shown;                     /* its word is among those shown */
} sg_cand;

typedef struct {
    store *st;
    MDB_txn *txn;
    an_analyzer *an;
    MDB_cursor *cur;
    txt_buf kb, arena;
    sg_cand *v;
    size_t n, cap;
    const char *typed;             /* the normalized word */
    size_t tlen;
    char *err;
    size_t errlen;
} sg_ctx;

static size_t common_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    return i;
}

/* A candidate: the term at the cursor, its posts counted (stepping on to
 * the next term, which *t, *tl get, or BS_ENOTFOUND past the last). */
static int add_cand(sg_ctx *c, const char *term, size_t tlen, const char **t, size_t *tl)
{
    if (c->n == c->cap) {
        sg_cand *nv = grow_array(c->v, &c->cap, 64, sizeof *nv);
        if (!nv)
            return BS_ENOMEM;
        c->v = nv;
    }
    sg_cand *x = &c->v[c->n++];
    *x = (sg_cand){ c->arena.len, tlen, NULL, 0, 0, 0 };
    buf_put(&c->arena, term, tlen);
    if (c->arena.err)
        return BS_ENOMEM;
    return store_term_df_on(c->st, c->cur, &c->kb, term, tlen, SUGGEST_RANK_BLOCKS, &x->df,
                            &x->exact, t, tl);
}

/* The terms from key (klen bytes) on that share it, at most
 * SUGGEST_MAX_TERMS of them read: those that start with the typed word,
 * those it starts with, and Latin ones but for their last letter, each
 * counted as the walk steps over its blocks; past any other the walk seeks
 * over every term that shares its start up to the letter where it leaves
 * the typed word, so it reads the range of the typed word and one term a
 * letter where the rest branches off. */
static int walk(sg_ctx *c, const char *key, size_t klen, size_t *nread)
{
    char seek[TERM_MAX_BYTES + 2];
    const char *t;
    size_t tl;
    int rc = store_term_next(c->st, c->cur, key, klen, &t, &tl);
    for (*nread = 0; rc == BS_OK && *nread < SUGGEST_MAX_TERMS; (*nread)++) {
        if (tl < klen || memcmp(t, key, klen) != 0 || tl > TERM_MAX_BYTES)
            break;
        char term[TERM_MAX_BYTES + 1];
        memcpy(term, t, tl);       /* t is the map's, and the cursor moves on */
        size_t d = common_bytes(term, tl, c->typed, c->tlen), past = tl;
        int kind = 0;
        if (d == c->tlen) {
            kind = SG_STARTS;
        } else if (d == tl) {
            kind = SG_SHORTER;
        } else {
            size_t cs = d;
            while (cs > 0 && ((unsigned char)term[cs] & 0xC0) == 0x80)
                cs--;
            size_t ce = cs + 1;
            while (ce < tl && ((unsigned char)term[ce] & 0xC0) == 0x80)
                ce++;
            if (ce == tl && (unsigned char)term[cs] < 0x80 && cs > 0)
                kind = SG_LAST_DIFFERS;
            past = ce;             /* nothing below term[0, ce) can be one */
        }
        if (kind) {
            rc = add_cand(c, term, tl, &t, &tl);   /* counted, and on to the next */
            continue;
        }
        /* past the branch: its start with the last byte raised */
        memcpy(seek, term, past);
        seek[past - 1] = (char)((unsigned char)seek[past - 1] + 1);
        rc = store_term_next(c->st, c->cur, seek, past, &t, &tl);
    }
    if (rc != BS_OK && rc != BS_ENOTFOUND) {
        snprintf(c->err, c->errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
        return rc;
    }
    return BS_OK;
}

/* ---- ranking ---------------------------------------------------------------------- */

static int by_df(const void *x, const void *y)
{
    const sg_cand *a = x, *b = y;
    if (a->df != b->df)
        return a->df < b->df ? 1 : -1;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return memcmp(a->p, b->p, a->len);
}

/* The words shown: more posts first; of equal posts, the word exactly as
 * typed after the longer ones (a completion says more than a
 * confirmation), then the shorter, then by bytes. */
static int by_shown(const void *x, const void *y)
{
    const suggest_word *a = x, *b = y;
    if (a->posts != b->posts)
        return a->posts < b->posts ? 1 : -1;
    if (a->as_typed != b->as_typed)
        return a->as_typed - b->as_typed;
    size_t an = utf8_nchars(a->word, strlen(a->word)), bn = utf8_nchars(b->word, strlen(b->word));
    if (an != bn)
        return an < bn ? -1 : 1;
    return strcmp(a->word, b->word);
}

static int recount(sg_ctx *c, sg_cand *x)
{
    if (x->exact)
        return BS_OK;
    int rc = store_term_df_est(c->st, c->cur, &c->kb, x->p, x->len, SUGGEST_COUNT_BLOCKS,
                               &x->df, &x->exact);
    if (rc != BS_OK)
        snprintf(c->err, c->errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
    return rc;
}

/* The best k of v (n of them) by_df, to its front in order: the rest are
 * never read, so there is no need to sort them (up to 2,000 terms). */
static void best_first(sg_cand *v, size_t n, size_t k)
{
    size_t kept = 0;
    for (size_t i = 0; i < n && k; i++) {
        if (kept == k && by_df(&v[i], &v[k - 1]) >= 0)
            continue;
        sg_cand x = v[i];
        size_t j = kept < k ? kept++ : k - 1;
        v[i] = v[j];               /* the one dropped goes where x was */
        for (; j > 0 && by_df(&x, &v[j - 1]) < 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

/* The SUGGEST_SURFACE_TRIES candidates with most posts, in order, each with
 * the word posts write for it when one starts with the typed word (and is
 * no stopword), into out, up to max_words of them. */
static int choose(sg_ctx *c, size_t max_words, suggestions *out)
{
    for (size_t i = 0; i < c->n; i++)
        c->v[i].p = c->arena.p + c->v[i].off;
    if (c->n > SUGGEST_SURFACE_TRIES) {
        best_first(c->v, c->n, SUGGEST_SURFACE_TRIES);
        c->n = SUGGEST_SURFACE_TRIES;
    } else if (c->n > 1) {
        qsort(c->v, c->n, sizeof *c->v, by_df);
    }
    size_t head = c->n < SUGGEST_RECOUNT ? c->n : SUGGEST_RECOUNT;
    int rc = BS_OK;
    for (size_t i = 0; i < head && rc == BS_OK; i++)
        rc = recount(c, &c->v[i]);
    if (rc != BS_OK)
        return rc;
    if (head > 1)
        qsort(c->v, head, sizeof *c->v, by_df);
    if (max_words && !(out->words = calloc(max_words, sizeof *out->words)))
        return BS_ENOMEM;
    static const surface_opts so = { .posts = SUGGEST_SURFACE_POSTS, .prefix = 1,
                                     .titles_first = 1 };
    txt_buf w = { 0 };
    for (size_t i = 0; i < c->n && out->nwords < max_words && rc == BS_OK; i++) {
        sg_cand *x = &c->v[i];
        rc = surface_word(c->st, c->txn, c->an, c->cur, &c->kb, x->p, x->len, c->typed,
                          c->tlen, &so, &w, c->err, c->errlen);
        if (rc == BS_OK && w.len)
            rc = recount(c, x);
        if (rc != BS_OK || !w.len)
            continue;
        suggest_word *sw = &out->words[out->nwords];
        if (!(sw->word = strndup(w.p, w.len))) {
            rc = BS_ENOMEM;
            break;
        }
        x->shown = 1;
        sw->posts = x->df;
        sw->as_typed = w.len == c->tlen && memcmp(w.p, c->typed, c->tlen) == 0;
        out->nwords++;
    }
    buf_free(&w);
    if (out->nwords > 1)
        qsort(out->words, out->nwords, sizeof *out->words, by_shown);
    return rc;
}

/* ---- titles ----------------------------------------------------------------------- */

static int starts_typed(const an_token *t, void *ctx)
{
    (void)t;
    (void)ctx;
    return 1;                      /* an_analyze_prefixed calls it for such words only */
}

typedef struct {
    uint32_t docid;
    int64_t date;                  /* LENS_NO_DATE when none */
} dated;

static int newest(const void *x, const void *y)
{
    const dated *a = x, *b = y;
    if (a->date != b->date)
        return a->date < b->date ? 1 : -1;
    return (a->docid < b->docid) - (a->docid > b->docid);
}

/* The newest of the posts whose title holds the term of a word shown (read
 * from each term's last SUGGEST_TITLE_BLOCKS blocks: the posts indexed
 * last), each kept when a word of its title starts with the typed word (a
 * title of «виртуализации» holds the term of виртуализация, yet no word that
 * starts so), up to SUGGEST_TITLE_POSTS titles read. */
static int titles(sg_ctx *c, size_t max_titles, suggestions *out)
{
    dated *v = NULL;
    size_t n = 0, cap = 0;
    uint32_t ids[SUGGEST_TITLE_IDS];
    int rc = BS_OK;
    for (size_t i = 0; i < c->n && max_titles && rc == BS_OK; i++) {
        size_t got = 0;
        if (!c->v[i].shown)
            continue;
        rc = store_term_titled(c->st, c->cur, &c->kb, c->v[i].p, c->v[i].len,
                               SUGGEST_TITLE_BLOCKS, ids, SUGGEST_TITLE_IDS, &got);
        if (rc != BS_OK)
            snprintf(c->err, c->errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
        while (rc == BS_OK && n + got > cap) {
            dated *nv = grow_array(v, &cap, SUGGEST_TITLE_IDS, sizeof *v);
            if (nv)
                v = nv;
            else
                rc = BS_ENOMEM;
        }
        for (size_t k = 0; rc == BS_OK && k < got; k++)
            v[n++] = (dated){ ids[k], LENS_NO_DATE };
    }
    /* each post once, its date from lens, the newest first */
    lens_cache lc = { 0 };
    size_t m = 0;
    if (rc == BS_OK && n) {
        qsort(v, n, sizeof *v, newest);   /* by docid alone: no dates yet */
        for (size_t i = 0; i < n && rc == BS_OK; i++) {
            if (m && v[m - 1].docid == v[i].docid)
                continue;
            lens_entry le;
            int lrc = store_lens_get(c->st, c->txn, &lc, v[i].docid, &le);
            if (lrc != BS_OK && lrc != BS_ENOTFOUND)
                rc = lrc;
            v[m++] = (dated){ v[i].docid, lrc == BS_OK ? le.date : LENS_NO_DATE };
        }
        qsort(v, m, sizeof *v, newest);
    }
    store_lens_done(&lc);
    if (rc == BS_OK && m && !(out->titles = calloc(max_titles, sizeof *out->titles)))
        rc = BS_ENOMEM;
    for (size_t i = 0; i < m && i < SUGGEST_TITLE_POSTS && rc == BS_OK
                       && out->ntitles < max_titles; i++) {
        doc_record d;
        if ((rc = page_doc(c->st, c->txn, v[i].docid, &d, c->err, c->errlen)) != BS_OK)
            break;
        if (an_analyze_prefixed(c->an, d.title, d.title_len, c->typed, c->tlen, starts_typed,
                                NULL) == 1) {
            suggest_title *st = &out->titles[out->ntitles];
            st->title = strndup(d.title, d.title_len);
            st->url = strndup(d.url, d.url_len);
            out->ntitles++;        /* freed with out, whole or not */
            if (!st->title || !st->url)
                rc = BS_ENOMEM;
        }
        codec_doc_free(&d);
    }
    free(v);
    return rc;
}

/* ---- the whole -------------------------------------------------------------------- */

int suggest_prefix(an_analyzer *an, const char *text, size_t len, size_t *off, size_t *plen,
                   char norm[NORM_MAX_BYTES + 1], size_t *nlen, char stem[NORM_MAX_BYTES + 1],
                   size_t *slen)
{
    *off = len;
    *plen = *nlen = *slen = 0;
    /* the span after the last white space */
    size_t start = 0;
    for (size_t i = 0; i < len;) {
        int32_t cp;
        size_t n = utf8_decode((const unsigned char *)text + i, (const unsigned char *)text + len,
                               &cp);
        i += n;
        if (cp != UTF8_INVALID && is_space(cp))
            start = i;
    }
    if (start == len)
        return 0;
    /* its last word, when the text ends in it: being typed */
    last_token lt = { 0 };
    uint32_t pos = 0;
    if (an_analyze(an, text + start, len - start, &pos, keep_last, &lt) < 0)
        return -1;
    if (!lt.n || lt.off + lt.len != len - start)
        return 0;
    *off = start + lt.off;
    *plen = lt.len;
    memcpy(norm, lt.norm, lt.nlen + 1);
    *nlen = lt.nlen;
    memcpy(stem, lt.stem, lt.slen + 1);
    *slen = lt.slen;
    return 1;
}

int suggest_run(store *st, MDB_txn *txn, an_analyzer *an, const char *text, size_t len,
                size_t max_words, size_t max_titles, suggestions *out, char *err,
                size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (max_words > SUGGEST_WORDS)
        max_words = SUGGEST_WORDS;
    if (max_titles > SUGGEST_TITLES)
        max_titles = SUGGEST_TITLES;
    if (!utf8_valid(text, len)) {
        snprintf(err, errlen, "the text is not valid UTF-8");
        return BS_EQUERY;
    }
    char norm[NORM_MAX_BYTES + 1], stem[NORM_MAX_BYTES + 1];
    size_t nlen, slen;
    int got = suggest_prefix(an, text, len, &out->off, &out->len, norm, &nlen, stem, &slen);
    if (got < 0) {
        snprintf(err, errlen, "out of memory");
        return BS_ENOMEM;
    }
    if (!got || utf8_nchars(norm, nlen) < SUGGEST_MIN_CHARS || (!max_words && !max_titles))
        return BS_OK;
    /* the terms of the typed word's range and of its stem's: from where the
     * two part (the stem, when the word goes on past it), at least its
     * first letter */
    size_t klen = common_bytes(norm, nlen, stem, slen);
    while (klen > 0 && klen < nlen && ((unsigned char)norm[klen] & 0xC0) == 0x80)
        klen--;
    if (klen == 0)
        klen = utf8_prefix(norm, nlen, 1);
    sg_ctx c = { .st = st, .txn = txn, .an = an, .typed = norm, .tlen = nlen, .err = err,
                 .errlen = errlen };
    int rc = mdb_cursor_open(txn, st->terms, &c.cur);
    if (rc != 0) {
        rc = store_fail(st, rc, "reading the terms");
        snprintf(err, errlen, "%s", store_err());
        return rc;
    }
    /* the titles are of the words a full list offers, however few are asked */
    rc = walk(&c, norm, klen, &out->terms_read);
    if (rc == BS_OK)
        rc = choose(&c, max_titles ? SUGGEST_WORDS : max_words, out);
    if (rc == BS_OK)
        rc = titles(&c, max_titles, out);
    while (out->nwords > max_words)
        free(out->words[--out->nwords].word);
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    free(c.v);
    buf_free(&c.arena);
    buf_free(&c.kb);
    mdb_cursor_close(c.cur);
    if (rc != BS_OK)
        suggestions_free(out);
    return rc;
}

void suggestions_free(suggestions *s)
{
    for (size_t i = 0; i < s->nwords; i++)
        free(s->words[i].word);
    free(s->words);
    for (size_t i = 0; i < s->ntitles; i++) {
        free(s->titles[i].title);
        free(s->titles[i].url);
    }
    free(s->titles);
    memset(s, 0, sizeof *s);
}
