/* correct.c: forgiving queries. A query word that the index does not hold
 * (or holds in very few posts) is looked at three ways: typed on the other
 * keyboard layout (layout.c), a Latin name written in Cyrillic or back
 * (translit.c), a typo (fuzzy.c, over the term table). What the best of them
 * finds decides what is done, as docs/correction.md explains:
 *
 * - a word that matches nothing, with a correction the index holds, is
 *   replaced: the results shown are the corrected query's, and the page
 *   says so ("Показаны результаты для «...»", corrected_query);
 * - a word that matches a few posts where a correction matches many more is
 *   kept, and the corrected query is offered (suggestion, "Возможно, вы
 *   имели в виду «...»") when it finds much more than the query as typed.
 *
 * A word that the index holds in more than a few posts is never touched, so
 * a correctly typed query is never corrected into something else. The
 * corrected query is a text, parsed as the reader's own would be: searching
 * it exactly gives the same results. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "query/query.h"


/* A word found in at most this many posts may be a typo of a frequent one:
 * it is offered a correction (a suggestion only), never replaced. */
#define CORR_RARE_DF 3
/* A rare word is worth a suggestion when its correction is in this many
 * times as many posts. */
#define CORR_RARE_RATIO 20
/* The same for a word typed on the other layout, which is then replaced:
 * gibberish in one layout that is a word in the other is no accident. */
#define CORR_LAYOUT_RATIO 20
/* A suggestion is made when the corrected query finds posts with all its
 * words at least this many times as often as the query as typed does. */
#define CORR_SUGGEST_RATIO 3
#define CORR_TRANSLIT_VARIANTS 32
#define CORR_TRANSLIT_APART 3  /* a spelling and the word a post writes: at most
                                  one edit per this many letters apart */
#define CORR_TYPO_CANDIDATES 8
#define CORR_SURFACE_TRIES 3  /* of those, read as written in posts */

typedef struct {
    store *st;
    MDB_txn *txn;
    an_analyzer *an;
    MDB_cursor *cur;
    txt_buf kb;
    char *err;
    size_t errlen;
    uint64_t df_typed;    /* posts the word being corrected is in */
} cctx;

enum { CORR_LIKELY = 1, CORR_SURE = 2 };

/* What one word may become: its kind, the text that replaces it, and the
 * posts that text's terms are in (the rarest's). */
typedef struct {
    int kind;             /* CORR_*, 0 for none */
    int then;             /* after CORR_LAYOUT, what the swapped word needed: 0,
                             CORR_TRANSLIT or CORR_TYPO (ljrth: докер: docker) */
    double score;         /* lower is better */
    uint64_t df;
    int sure;             /* CORR_SURE: a word in no post is replaced by it
                             even when the rest of the query finds posts (the
                             word typed on the other layout, a typo near the
                             word as written); CORR_LIKELY: only when nothing
                             else is found, else offered (a spelling in the
                             other alphabet: the blog may just not hold a word
                             typed right, selinux на андроиде); 0: neither */
    txt_buf to;
} cand;

/* ---- the index's words -------------------------------------------------- */

static int term_df(cctx *c, const char *term, size_t tlen, uint64_t *df)
{
    return store_term_df(c->st, c->txn, c->cur, &c->kb, term, tlen, df);
}

typedef struct {
    char **terms;
    size_t n;
    int stop_only, oom, script;
} terms_of;

static int collect(const an_token *t, void *ctx)
{
    terms_of *o = ctx;
    char **v = realloc(o->terms, (o->n + 1) * sizeof *v);
    if (!v)
        return o->oom = 1;
    o->terms = v;
    if (!(v[o->n] = strndup(t->term, t->term_len)))
        return o->oom = 1;
    o->n++;
    if (!(t->flags & AN_STOP))
        o->stop_only = 0;
    o->script = t->script;
    return 0;
}

static void terms_free(terms_of *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->terms[i]);
    free(o->terms);
    memset(o, 0, sizeof *o);
}

/* The posts that text's words are in, as a query would read it: the rarest
 * of its terms; 0 when it has none or only stopwords. */
static int text_df(cctx *c, const char *text, size_t len, uint64_t *df)
{
    terms_of o = { .stop_only = 1 };
    uint32_t pos = 0;
    *df = 0;
    if (an_analyze(c->an, text, len, &pos, collect, &o) != 0 || o.oom) {
        terms_free(&o);
        return BS_ENOMEM;
    }
    int rc = BS_OK;
    uint64_t least = UINT64_MAX;
    for (size_t i = 0; i < o.n && rc == BS_OK && !o.stop_only; i++) {
        uint64_t d;
        if ((rc = term_df(c, o.terms[i], strlen(o.terms[i]), &d)) == BS_OK && d < least)
            least = d;
    }
    if (rc == BS_OK && o.n && !o.stop_only)
        *df = least;
    terms_free(&o);
    return rc;
}

/* The word a post writes for term, the one nearest to what was typed: the
 * term is a stem, and a reader is shown a word (surface.c). */
#define SURFACE_POSTS 6     /* posts read for the forms */

static int surface_of(cctx *c, const char *term, size_t tlen, const char *typed,
                      size_t typed_len, txt_buf *out)
{
    static const surface_opts o = { .posts = SURFACE_POSTS };
    return surface_word(c->st, c->txn, c->an, c->cur, &c->kb, term, tlen, typed, typed_len, &o,
                        out, c->err, c->errlen);
}

/* ---- the three ways a word may have gone wrong ----------------------------- */

static void cand_offer(cand *best, int kind, double score, uint64_t df, int sure,
                       const char *to, size_t len)
{
    if (best->kind && best->score <= score)
        return;
    best->kind = kind;
    best->then = 0;
    best->score = score;
    best->df = df;
    best->sure = sure;
    buf_reset(&best->to);
    buf_put(&best->to, to, len);
}

/* Frequency breaks ties between corrections of one distance, and a frequent
 * word outweighs a rare one a little more than one edit apart does not. */
static double by_frequency(uint64_t df)
{
    return -0.25 * log10((double)df + 1);
}

/* Typed on the other layout: the span as typed, punctuation keys and all. */
static int try_layout(cctx *c, const char *raw, size_t len, uint64_t df_typed, cand *best)
{
    txt_buf sw = { 0 };
    int script, rc = BS_OK;
    int got = layout_swap(raw, len, &sw, &script);
    if (got < 0 || sw.err)
        rc = BS_ENOMEM;
    uint64_t df = 0;
    if (rc == BS_OK && got == 1)
        rc = text_df(c, sw.p, sw.len, &df);
    if (rc == BS_OK && got == 1 && df > 0
        && (df_typed == 0 || df >= CORR_LAYOUT_RATIO * df_typed))
        cand_offer(best, CORR_LAYOUT, -100.0 + by_frequency(df), df, CORR_SURE, sw.p, sw.len);
    buf_free(&sw);
    return rc;
}




/* How sure a near word is (CORR_SURE, CORR_LIKELY or 0): by the edits
 * from what was typed to the word shown, letter for letter and not only by
 * stem (истекших is not a typo of истекли, another form of another word),
 * and fewer on a short word (rust is not just, traits not trailing). */
#define CORR_SURE_SHORT 0.7   /* weighted edits, words of up to 6 letters: a key */
                              /* beside, two swapped, one doubled */
#define CORR_SURE_MID 1.0     /* 7 letters */
#define CORR_SURE_LONG 1.5    /* from 8 letters */
#define CORR_LIKELY_MAX 2.0   /* from 7 letters, when nothing else is found */
#define CORR_LIKELY_ONE 1.0   /* 6 letters, one edit (ситемы: системы); 5, one
                                 letter left out (pyton: python) */
#define CORR_UNSURE_COST 0.5  /* added per level below sure: a near word that
                                 may replace one beats one only offered */

static int typo_level(const char *typed, size_t tlen, const char *shown, size_t slen,
                      int keyed)
{
    size_t letters = 0;
    for (size_t i = 0; i < tlen; i++)
        letters += ((unsigned char)typed[i] & 0xc0) != 0x80;
    /* keys beside each other count only in what the reader typed, not in a
     * spelling made by the rules (раст: rast is not fast) */
    double cost = keyed ? fuzzy_cost(typed, tlen, shown, slen)
                        : fuzzy_distance(typed, tlen, shown, slen, 3);
    double sure = letters <= 6 ? CORR_SURE_SHORT : letters == 7 ? CORR_SURE_MID : CORR_SURE_LONG;
    if (cost <= sure)
        return CORR_SURE;
    size_t shown_letters = 0;
    for (size_t i = 0; i < slen; i++)
        shown_letters += ((unsigned char)shown[i] & 0xc0) != 0x80;
    if (letters >= 7 ? cost <= CORR_LIKELY_MAX
                     : letters >= 5 && cost <= CORR_LIKELY_ONE
                           && (letters == 6 || shown_letters == letters + 1))
        return CORR_LIKELY;
    return 0;
}

/* The best term near the analyzed word (stem and folded form), offered as
 * kind with the word a post writes for it; base is added to its score. */
static int by_score(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

typedef struct {
    char stem[NORM_MAX_BYTES + 1], norm[NORM_MAX_BYTES + 1];
    size_t slen, nlen;
    int script, n, stop;
} one_word;

static int one_token(const an_token *t, void *ctx)
{
    one_word *w = ctx;
    if (w->n++ == 0) {
        memcpy(w->stem, t->term, t->term_len + 1);
        memcpy(w->norm, t->norm, t->norm_len);
        w->norm[t->norm_len] = '\0';
        w->slen = t->term_len;
        w->nlen = t->norm_len;
        w->script = t->script;
        w->stop = (t->flags & AN_STOP) != 0;
    }
    return 0;
}

/* The term (tlen bytes) followed by ending: into *w in place of its word as
 * posts write it when it analyzes to the same term and is nearer typed,
 * *cost then its cost from typed. */
static int with_ending(cctx *c, const char *term, size_t tlen, const char *ending, size_t elen,
                       const char *typed, size_t typed_len, txt_buf *w, double *cost)
{
    char buf[2 * NORM_MAX_BYTES + 2];
    if (tlen + elen >= sizeof buf)
        return BS_OK;
    memcpy(buf, term, tlen);
    memcpy(buf + tlen, ending, elen);
    double cw = fuzzy_cost(typed, typed_len, buf, tlen + elen);
    if (cw >= *cost)
        return BS_OK;
    one_word f = { 0 };
    uint32_t pos = 0;
    an_analyze(c->an, buf, tlen + elen, &pos, one_token, &f);
    if (f.n != 1 || f.slen != tlen || memcmp(f.stem, term, tlen) != 0)
        return BS_OK;
    buf_reset(w);
    buf_put(w, buf, tlen + elen);
    *cost = cw;
    return w->err ? BS_ENOMEM : BS_OK;
}

static int try_near(cctx *c, const char *stem, size_t slen, const char *norm, size_t nlen,
                    const char *typed, size_t typed_len, int kind, double base, cand *best)
{
    typo_cand *v = NULL;
    size_t n = 0;
    int rc = typo_candidates(c->st, c->txn, stem, slen, norm, nlen, CORR_TYPO_CANDIDATES, &v,
                             &n, c->err, c->errlen);
    /* the nearest by stem, then of those the nearest as a reader would
     * write the word (пересобрке: пересборке, not пересобрал, though the
     * stems пересобра and пересборк are as near) */
    double order[CORR_TYPO_CANDIDATES][2];
    size_t m = 0;
    for (size_t i = 0; rc == BS_OK && i < n && m < CORR_TYPO_CANDIDATES; i++) {
        order[m][0] = v[i].cost + by_frequency(v[i].df);
        order[m++][1] = (double)i;
    }
    qsort(order, m, sizeof *order, by_score);
    txt_buf w = { 0 };
    for (size_t k = 0; rc == BS_OK && k < m && k < CORR_SURFACE_TRIES; k++) {
        size_t at = (size_t)order[k][1];
        rc = surface_of(c, v[at].term, v[at].len, typed, typed_len, &w);
        if (rc == BS_OK && w.err)
            rc = BS_ENOMEM;
        if (rc != BS_OK || !w.len)
            continue;
        double as_written = fuzzy_cost(typed, typed_len, w.p, w.len);
        /* or, in Latin, the term with the typed word's own ending, when that
         * is the same term and nearer what was typed (megre: merge, though
         * the posts write merging); not in Russian, whose endings go with
         * their stems (истекших is not истекл-их) */
        if (rc == BS_OK && nlen > slen && memcmp(norm, stem, slen) == 0
            && (unsigned char)stem[0] < 0x80
            && (rc = with_ending(c, v[at].term, v[at].len, norm + slen, nlen - slen, typed,
                                 typed_len, &w, &as_written)) != BS_OK)
            continue;
        double s = base + (as_written < v[at].cost ? v[at].cost : as_written)
                   + by_frequency(v[at].df);
        /* after a spelling of the rules, never sure: two guesses in a row */
        int sure = typo_level(typed, typed_len, w.p, w.len, base == 0);
        if (base > 0 && sure > CORR_LIKELY)
            sure = CORR_LIKELY;
        s += CORR_UNSURE_COST * (CORR_SURE - sure);
        cand_offer(best, kind, s, v[at].df, sure, w.p, w.len);
    }
    buf_free(&w);
    typo_candidates_free(v, n);
    return rc;
}


typedef struct {
    cctx *c;
    cand *best;
    txt_buf first;        /* the most natural spelling, for a near match */
    int rc;
} tl_try;

static int translit_one(const char *w, size_t len, int script, void *ctx)
{
    tl_try *t = ctx;
    (void)script;
    if (!t->first.len)
        buf_put(&t->first, w, len);
    uint64_t df;
    if ((t->rc = text_df(t->c, w, len, &df)) != BS_OK)
        return 1;
    if (df == 0)
        return 0;
    /* the spelling a post writes (kubernetes, not the rules' kubernetic),
     * if it is that word and not another sharing its stem (pyton: пытон,
     * stem пыт, is not пытался): a few letters apart, an ending or so */
    one_word f = { 0 };
    uint32_t pos = 0;
    an_analyze(t->c->an, w, len, &pos, one_token, &f);
    txt_buf sf = { 0 };
    if (f.n == 1)
        t->rc = surface_of(t->c, f.stem, f.slen, f.norm, f.nlen, &sf);
    if (t->rc == BS_OK && sf.err)
        t->rc = BS_ENOMEM;
    if (t->rc == BS_OK && sf.len) {
        size_t letters = 0;
        for (size_t i = 0; i < len; i++)
            letters += ((unsigned char)w[i] & 0xc0) != 0x80;
        int most = letters / CORR_TRANSLIT_APART > 1 ? (int)(letters / CORR_TRANSLIT_APART) : 1;
        if (fuzzy_distance(w, len, sf.p, sf.len, most) <= most)
            cand_offer(t->best, CORR_TRANSLIT, 0.5 + by_frequency(df), df, CORR_LIKELY, sf.p,
                       sf.len);
    }
    buf_free(&sf);
    return t->rc != BS_OK;
}

/* The word in text (len bytes) written in the other alphabet, or with a
 * typo: the best of those the index holds, into best; with near_spelling,
 * also a term near its spelling in the other alphabet. */
static int other_forms(cctx *c, const char *text, size_t len, int near_spelling, cand *best)
{
    one_word w = { 0 };
    uint32_t pos = 0;
    an_analyze(c->an, text, len, &pos, one_token, &w);
    if (w.n != 1 || w.stop || (w.script != NORM_CYRILLIC && w.script != NORM_LATIN))
        return BS_OK;
    /* the other alphabet: a spelling the index holds, else one near one */
    tl_try t = { c, best, { 0 }, BS_OK };
    if (translit_variants(w.norm, w.nlen, w.script, CORR_TRANSLIT_VARIANTS, translit_one, &t)
        < 0)
        t.rc = BS_ENOMEM;
    /* a Latin name with a Russian ending (питоном, докера): its stem */
    if (t.rc == BS_OK && !best->kind && w.script == NORM_CYRILLIC && w.slen < w.nlen
        && translit_variants(w.stem, w.slen, w.script, CORR_TRANSLIT_VARIANTS, translit_one,
                             &t) < 0)
        t.rc = BS_ENOMEM;
    int rc = t.rc;
    /* a typo of a word of the same alphabet; a sure one is what was meant,
     * and the walk near a spelling in the other alphabet is spared */
    if (rc == BS_OK && !best->kind)
        rc = try_near(c, w.stem, w.slen, w.norm, w.nlen, w.norm, w.nlen, CORR_TYPO, 0.0, best);
    /* a spelling near the rules' one: only for a word in no post (students,
     * in two posts, is not a misspelt студенты) */
    if (rc == BS_OK && near_spelling && best->kind != CORR_TRANSLIT && best->sure != CORR_SURE
        && t.first.len && c->df_typed == 0) {
        one_word f = { 0 };
        pos = 0;
        an_analyze(c->an, t.first.p, t.first.len, &pos, one_token, &f);
        if (f.n == 1 && !f.stop)
            rc = try_near(c, f.stem, f.slen, f.norm, f.nlen, f.norm, f.nlen, CORR_TRANSLIT, 1.5,
                          best);
    }
    buf_free(&t.first);
    return rc;
}

/* The best correction of the word typed as raw (len bytes), found in df_typed
 * posts: typed on the other layout, the word in the other alphabet or with a
 * typo, or both (ljrth is докер on the other layout, which the index holds
 * as docker). */
static int word_correction(cctx *c, const char *raw, size_t len, uint64_t df_typed, cand *best)
{
    c->df_typed = df_typed;
    int rc = try_layout(c, raw, len, df_typed, best);
    /* on the other layout, a word the index holds often enough */
    if (rc != BS_OK || (best->kind && best->df > CORR_RARE_DF))
        return rc;
    if (!best->kind && (rc = other_forms(c, raw, len, 1, best)) != BS_OK)
        return rc;
    /* a typo or a spelling in the other alphabet as typed: the word was
     * typed on this layout */
    if ((best->kind == CORR_TYPO || best->kind == CORR_TRANSLIT) && best->sure)
        return BS_OK;
    txt_buf sw = { 0 };
    int script, got = layout_swap(raw, len, &sw, &script);
    cand swapped = { 0 };
    if (got < 0 || sw.err)
        rc = BS_ENOMEM;
    else if (got == 1)
        rc = other_forms(c, sw.p, sw.len, 0, &swapped);   /* not three guesses in a row */
    /* a rare word on the other layout gives way to a far more frequent
     * spelling of it (ljrth: докер, 3 posts; docker, 70); else a word of the
     * other layout and a second change is a little less likely */
    if (rc == BS_OK && swapped.kind && best->kind == CORR_LAYOUT
        && swapped.df >= CORR_RARE_RATIO * best->df)
        best->kind = 0;
    if (rc == BS_OK && swapped.kind && !swapped.to.err) {
        cand_offer(best, CORR_LAYOUT, swapped.score + 0.5, swapped.df,
                   swapped.sure ? CORR_SURE : 0, swapped.to.p,
                   swapped.to.len);
        if (best->kind == CORR_LAYOUT)
            best->then = swapped.kind;
    }
    buf_free(&swapped.to);
    buf_free(&sw);
    return rc;
}

/* ---- the query as it would be corrected ------------------------------------- */

void corr_info_free(corr_info *ci)
{
    for (size_t i = 0; i < ci->n; i++)
        free(ci->w[i].from);
    for (size_t i = 0; i < ci->n; i++)
        free(ci->w[i].to);
    free(ci->w);
    free(ci->text);
    free(ci->also);
    memset(ci, 0, sizeof *ci);
}

/* to, its first letter upper case when the typed word's is. */
static void put_with_case(txt_buf *b, const char *to, size_t len, const char *typed, size_t tlen)
{
    int32_t t = 0, c = 0;
    size_t tn = utf8_decode((const unsigned char *)typed, (const unsigned char *)typed + tlen, &t);
    size_t cn = utf8_decode((const unsigned char *)to, (const unsigned char *)to + len, &c);
    if (tn && cn && utf8proc_isupper(t) && utf8proc_islower(c)) {
        unsigned char up[4];
        buf_put(b, (const char *)up, utf8_put_cp(utf8proc_toupper(c), up));
        buf_put(b, to + cn, len - cn);
        return;
    }
    buf_put(b, to, len);
}

/* The query with the chosen words replaced; the case of a word's first
 * letter as typed is kept (Dokcer → Docker). */
static char *rewrite(const char *text, const corr_word *w, size_t n, const int *chosen)
{
    txt_buf b = { 0 };
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        if (!chosen[i])
            continue;
        buf_put(&b, text + at, w[i].off - at);
        put_with_case(&b, w[i].to, strlen(w[i].to), text + w[i].off, w[i].len);
        at = w[i].off + w[i].len;
    }
    buf_puts(&b, text + at);
    if (b.err) {
        buf_free(&b);
        return NULL;
    }
    return b.p ? b.p : strdup("");
}

/* The spellings of the words of w searched beside them: added to each
 * clause of q (parsed from text) that is such a word as typed. */
static int add_alts(an_analyzer *an, qry *q, const char *text, const corr_word *w, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (!w[k].also)
            continue;
        one_word f = { 0 };
        uint32_t pos = 0;
        an_analyze(an, w[k].to, strlen(w[k].to), &pos, one_token, &f);
        if (f.n != 1)
            continue;
        size_t flen = strlen(w[k].from);
        for (size_t i = 0; i < q->n; i++) {
            qclause *cl = &q->c[i];
            if (cl->raw_len != flen || memcmp(text + cl->raw_off, w[k].from, flen) != 0
                || cl->nterms != 1 || cl->prefix || cl->quoted || cl->mode == QC_MUST_NOT
                || cl->nalts >= QC_MAX_ALTS || strcmp(cl->terms[0], f.stem) == 0)
                continue;
            char **v = realloc(cl->alts, (cl->nalts + 1) * sizeof *v);
            if (!v)
                return BS_ENOMEM;
            cl->alts = v;
            if (!(v[cl->nalts] = strdup(f.stem)))
                return BS_ENOMEM;
            cl->nalts++;
        }
    }
    return BS_OK;
}

static int run_text(const corr_run *cr, const char *text, const corr_info *ci,
                    const search_opts *o, qry *q, results *r, char *err, size_t errlen)
{
    int rc = cr->parse(cr->ctx, text, q, err, errlen);
    if (rc == BS_OK)
        rc = add_alts(cr->an, q, text, ci->w, ci->n);
    if (rc == BS_OK)
        rc = search_run(cr->st, cr->txn, q, o, r, err, errlen);
    else if (rc == BS_EQUERY)
        rc = BS_ENOTFOUND;   /* a correction that does not parse: none */
    return rc;
}

/* The results of q as typed, into r, unless they are there (*typed). */
static int typed_run(const corr_run *cr, const qry *q, const search_opts *o, results *r,
                     int *typed, char *err, size_t errlen)
{
    if (*typed)
        return BS_OK;
    *typed = 1;
    return search_run(cr->st, cr->txn, q, o, r, err, errlen);
}

static int may_correct(const qclause *cl)
{
    return cl->mode != QC_MUST_NOT && !cl->prefix && !cl->quoted && !cl->all_stop
           && cl->raw_len > 0;
}

/* Whether q as typed finds posts, when the words' posts (df) tell without
 * a search: plain words, any of which will do, and no filter. */
static int finds_known(const qry *q, const search_opts *o, const uint64_t *df, int *none)
{
    if (o->match == MATCH_ALL || q->ntags || q->category || q->author || q->has_since
        || q->has_until)
        return 0;
    uint64_t any = 0;
    for (size_t i = 0; i < q->n; i++) {
        const qclause *cl = &q->c[i];
        if (cl->all_stop && cl->nterms == 1 && cl->mode == QC_SHOULD)
            continue;              /* not searched */
        if (cl->mode != QC_SHOULD || !may_correct(cl) || cl->nterms != 1 || cl->field >= 0)
            return 0;
        any += df[i];
    }
    *none = any == 0;
    return 1;
}

/* Whether a word of q that no post holds (df, from the term table) is
 * not among the words chosen (replaced, or offered). */
static int stays_unfound(const qry *q, const uint64_t *df, const corr_word *w, size_t n,
                         const int *chosen)
{
    for (size_t i = 0; i < q->n; i++) {
        const qclause *cl = &q->c[i];
        if (!may_correct(cl) || cl->nterms != 1 || cl->field >= 0 || df[i] > 0)
            continue;
        int replaced = 0;
        for (size_t k = 0; k < n; k++)
            replaced |= chosen[k] && w[k].off == cl->raw_off;
        if (!replaced)
            return 1;
    }
    return 0;
}

int correct_search(const corr_run *cr, const char *text, qry *q, const search_opts *o,
                   results *r, corr_info *ci, char *err, size_t errlen)
{
    memset(ci, 0, sizeof *ci);
    memset(r, 0, sizeof *r);
    cctx c = { cr->st, cr->txn, cr->an, NULL, { 0 }, err, errlen, 0 };
    int rc = mdb_cursor_open(cr->txn, cr->st->terms, &c.cur);
    if (rc != 0)
        return store_fail(cr->st, rc, "reading terms");
    /* the posts of each word, from the term table: the search as typed runs
     * only when its results are wanted, and a query whose every word a few
     * posts hold is searched once, as typed. A word limited to a field, or
     * of several terms (x86_64), is counted by that search. */
    int typed = 0, rare = 0;
    uint64_t *df = calloc(q->n ? q->n : 1, sizeof *df);
    if (!df)
        rc = BS_ENOMEM;
    for (size_t i = 0; i < q->n && rc == BS_OK && !typed; i++) {
        const qclause *cl = &q->c[i];
        if (!may_correct(cl))
            continue;
        if (cl->nterms != 1 || cl->field >= 0) {
            rc = typed_run(cr, q, o, r, &typed, err, errlen);
            break;
        }
        rc = store_term_df(cr->st, cr->txn, c.cur, &c.kb, cl->terms[0], strlen(cl->terms[0]),
                           &df[i]);
        rare |= df[i] <= CORR_RARE_DF;
    }
    if (rc == BS_OK && typed)
        memcpy(df, r->df, (q->n ? q->n : 0) * sizeof *df);
    for (size_t i = 0; typed && i < q->n; i++)
        rare |= may_correct(&q->c[i]) && df[i] <= CORR_RARE_DF;
    if (rc == BS_OK && !rare) {
        free(df);
        mdb_cursor_close(c.cur);
        buf_free(&c.kb);
        return typed_run(cr, q, o, r, &typed, err, errlen);
    }

    /* each word that finds little, and what it may be */
    corr_word *w = calloc(q->n ? q->n : 1, sizeof *w);
    int *replace = calloc(q->n ? q->n : 1, sizeof *replace);
    int *offer = calloc(q->n ? q->n : 1, sizeof *offer);
    if (!w || !replace || !offer)
        rc = BS_ENOMEM;
    size_t n = 0, nreplace = 0, noffer = 0, nalso = 0;
    for (size_t i = 0; i < q->n && rc == BS_OK; i++) {
        const qclause *cl = &q->c[i];
        if (!may_correct(cl) || df[i] > CORR_RARE_DF)
            continue;
        cand best = { 0 };
        rc = word_correction(&c, text + cl->raw_off, cl->raw_len, df[i], &best);
        if (rc == BS_OK && best.kind && best.to.err)
            rc = BS_ENOMEM;
        /* a rare word is kept unless its correction is far more frequent */
        int keep = (df[i] > 0 && best.df < CORR_RARE_RATIO * df[i]) || !best.sure;
        if (rc == BS_OK && best.kind && !keep) {
            corr_word *x = &w[n];
            x->off = cl->raw_off;
            x->len = cl->raw_len;
            x->kind = best.kind;
            x->then = best.then;
            x->from = strndup(text + cl->raw_off, cl->raw_len);
            x->to = strndup(best.to.p, best.to.len);
            if (!x->from || !x->to)
                rc = BS_ENOMEM;
            /* a likely one replaces a word only when the query finds nothing */
            int none = 0;
            if (rc == BS_OK && df[i] == 0 && best.sure == CORR_LIKELY
                && !finds_known(q, o, df, &none)) {
                rc = typed_run(cr, q, o, r, &typed, err, errlen);
                none = r->total == 0;
            }
            int sure = df[i] == 0 && (best.sure == CORR_SURE || (best.sure && none));
            /* a name in the other alphabet is the same name: a word few posts
             * write so (докер, 3; docker, 70), or none while the rest of the
             * query finds posts, is kept and the spelling searched beside it */
            x->also = best.kind == CORR_TRANSLIT && !sure;
            replace[n] = sure;
            offer[n] = !x->also;
            nreplace += (size_t)sure;
            noffer += (size_t)offer[n];
            nalso += (size_t)x->also;
            n++;
        }
        buf_free(&best.to);
    }
    ci->w = w;
    ci->n = n;
    w = NULL;

    /* the other spellings beside the words as typed: the results are those */
    if (rc == BS_OK && nalso) {
        txt_buf al = { 0 };
        for (size_t i = 0; i < n; i++)
            if (ci->w[i].also) {
                if (al.len)
                    buf_puts(&al, ", ");
                buf_puts(&al, ci->w[i].to);
            }
        if (al.err || !al.p) {
            buf_free(&al);
            rc = BS_ENOMEM;
        } else {
            ci->also = al.p;       /* NUL-terminated, ours now */
        }
        if (rc == BS_OK)
            rc = add_alts(cr->an, q, text, ci->w, n);
        if (rc == BS_OK) {
            results_free(r);
            typed = 0;
            rc = typed_run(cr, q, o, r, &typed, err, errlen);
        }
    }

    /* the words that found nothing replaced, when that finds something. A
     * typo corrected must meet the other words of the query; words typed
     * on the other layout are what was meant, whatever they meet */
    int typos_only = 1, layout_only = 1;
    for (size_t i = 0; i < n; i++) {
        if (replace[i] && ci->w[i].kind != CORR_TYPO)
            typos_only = 0;
        if (replace[i] && ci->w[i].kind != CORR_LAYOUT)
            layout_only = 0;
    }
    /* typos beside a word in no post that stays: no post can hold every word */
    if (nreplace && typos_only && q->n >= 2 && stays_unfound(q, df, ci->w, n, replace)) {
        memset(replace, 0, n * sizeof *replace);
        nreplace = 0;
    }
    if (rc == BS_OK && nreplace) {
        char *t2 = rewrite(text, ci->w, n, replace);
        qry q2 = { 0 };
        results r2 = { 0 };
        rc = t2 ? run_text(cr, t2, ci, o, &q2, &r2, err, errlen) : BS_ENOMEM;
        /* the query as typed has no post with every word: a replaced word is
         * in none; how many it finds is read only when that decides */
        int better = rc == BS_OK && r2.total > 0 && (!typos_only || r2.full > 0 || q2.n < 2);
        /* every word a typo, the query as typed finding nothing: better
         * the corrected query's posts than none */
        int none = 0;
        if (rc == BS_OK && !better && r2.total > 0 && nreplace == (size_t)q->n
            && finds_known(q, o, df, &none) && none)
            better = 1;
        if (better && !(r2.full > (typed ? r->full : 0) || layout_only)) {
            int trc = typed_run(cr, q, o, r, &typed, err, errlen);
            if (trc != BS_OK)
                rc = trc;
            better = trc == BS_OK && r->total == 0;
        }
        if (better) {
            qry_free(q);
            *q = q2;
            results_free(r);
            *r = r2;
            typed = 1;
            ci->text = t2;
            ci->applied = 1;
            t2 = NULL;
            for (size_t i = 0; i < n; i++)
                offer[i] = replace[i];
        } else {
            qry_free(&q2);
            results_free(&r2);
            for (size_t i = 0; i < n; i++)
                replace[i] = 0;
        }
        if (rc == BS_ENOTFOUND)
            rc = BS_OK;
        free(t2);
    }
    /* else the rare words, offered when that finds much more */
    /* (not when a word in no post stays: no post holds every word offered) */
    if (!ci->applied && noffer && q->n >= 2 && stays_unfound(q, df, ci->w, n, offer)) {
        memset(offer, 0, n * sizeof *offer);
        noffer = 0;
    }
    if (rc == BS_OK && !ci->applied && noffer)
        rc = typed_run(cr, q, o, r, &typed, err, errlen);
    if (rc == BS_OK && !ci->applied && noffer) {
        char *t3 = rewrite(text, ci->w, n, offer);
        qry q3 = { 0 };
        results r3 = { 0 };
        search_opts o3 = *o;
        o3.offset = 0;
        o3.limit = 1;
        o3.facets = 0;
        o3.parallel = 0;
        rc = t3 ? run_text(cr, t3, ci, &o3, &q3, &r3, err, errlen) : BS_ENOMEM;
        uint64_t had = r->full ? r->full : (q->n < 2 ? r->total : 0);
        uint64_t gets = q3.n < 2 ? r3.total : r3.full;
        if (rc == BS_OK && gets > 0 && gets >= CORR_SUGGEST_RATIO * (had ? had : 1)) {
            ci->text = t3;
            t3 = NULL;
        } else {
            for (size_t i = 0; i < n; i++)
                offer[i] = 0;
        }
        if (rc == BS_ENOTFOUND)
            rc = BS_OK;
        qry_free(&q3);
        results_free(&r3);
        free(t3);
    }
    if (rc == BS_OK)
        rc = typed_run(cr, q, o, r, &typed, err, errlen);
    /* only the words the shown text changed are reported */
    if (rc == BS_OK) {
        size_t k = 0;
        for (size_t i = 0; i < ci->n; i++) {
            if (offer[i] || ci->w[i].also) {
                ci->w[k++] = ci->w[i];
            } else {
                free(ci->w[i].from);
                free(ci->w[i].to);
            }
        }
        ci->n = k;
    }
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc != BS_OK)
        corr_info_free(ci);
    free(replace);
    free(offer);
    free(w);
    free(df);
    mdb_cursor_close(c.cur);
    buf_free(&c.kb);
    return rc;
}

const char *corr_kind_name(int kind)
{
    return kind == CORR_LAYOUT ? "layout" : kind == CORR_TRANSLIT ? "translit"
                                          : kind == CORR_TYPO   ? "typo" : NULL;
}
