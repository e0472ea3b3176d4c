/* fuzzy.c: the index terms within a few edits of a query word, for typo
 * correction (correct.c). The term table is sorted, so it is walked as a trie:
 * one row of the edit-distance table per code point of the term, shared by
 * every term with that prefix, and a seek past each prefix whose row is all
 * above the limit (no term that starts so can come near the word). Only the
 * prefixes near the word are read, whatever the size of the vocabulary; the
 * table is the index's own, so nothing is added to the index or its updates
 * (docs/correction.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

#define FZ_MAX 64            /* code points of a word the walk follows */
#define FZ_ROWS (FZ_MAX + 4) /* depth at which every term is past any limit */
#define FZ_KEEP 64           /* nearest terms kept before their frequencies are read */
#define FZ_SEEKS 20000       /* terms and prefixes read by one walk at most */

/* ---- the distance -------------------------------------------------------- */

static int decode_all(const char *s, size_t len, int32_t *cp, int max)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    int n = 0;
    while (p < end && n < max)
        p += utf8_decode(p, end, &cp[n++]);
    return p < end ? -1 : n;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

int fuzzy_distance(const char *a, size_t alen, const char *b, size_t blen, int maxd)
{
    int32_t x[FZ_MAX], y[FZ_MAX];
    int n = decode_all(a, alen, x, FZ_MAX), m = decode_all(b, blen, y, FZ_MAX);
    if (n < 0 || m < 0 || abs(n - m) > maxd)
        return maxd + 1;
    int d[FZ_MAX + 1][FZ_MAX + 1];
    for (int i = 0; i <= n; i++) {
        int rowmin = INT32_MAX;
        for (int j = 0; j <= m; j++) {
            if (i == 0 || j == 0)
                d[i][j] = i + j;
            else {
                d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                               d[i - 1][j - 1] + (x[i - 1] != y[j - 1]));
                if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]
                    && d[i - 2][j - 2] + 1 < d[i][j])
                    d[i][j] = d[i - 2][j - 2] + 1;
            }
            if (d[i][j] < rowmin)
                rowmin = d[i][j];
        }
        if (rowmin > maxd)
            return maxd + 1;
    }
    return d[n][m] > maxd ? maxd + 1 : d[n][m];
}

/* Letters a reader confuses by sound: a substitution of one for the other
 * costs less than of two unrelated letters. */
static const uint32_t sound_pairs[][2] = {
    { 0x430, 0x43E }, /* а о */ { 0x435, 0x438 }, /* е и */ { 0x438, 0x44B }, /* и ы */
    { 0x435, 0x44D }, /* е э */ { 0x437, 0x441 }, /* з с */ { 0x434, 0x442 }, /* д т */
    { 0x431, 0x43F }, /* б п */ { 0x432, 0x444 }, /* в ф */ { 0x433, 0x43A }, /* г к */
    { 0x436, 0x448 }, /* ж ш */ { 0x44E, 0x443 }, /* ю у */ { 0x44F, 0x430 }, /* я а */
    { 0x446, 0x441 }, /* ц с */ { 0x449, 0x448 }, /* щ ш */ { 0x44C, 0x44A }, /* ь ъ */
    { 'c', 'k' }, { 's', 'z' }, { 'i', 'y' }, { 'c', 's' }, { 'e', 'a' }, { 'o', 'u' },
};

static int sound_alike(int32_t a, int32_t b)
{
    for (size_t i = 0; i < sizeof sound_pairs / sizeof *sound_pairs; i++)
        if (((int32_t)sound_pairs[i][0] == a && (int32_t)sound_pairs[i][1] == b)
            || ((int32_t)sound_pairs[i][0] == b && (int32_t)sound_pairs[i][1] == a))
            return 1;
    return 0;
}

static double sub_cost(int32_t a, int32_t b)
{
    if (a == b)
        return 0;
    if (a >= 0 && b >= 0 && layout_adjacent((uint32_t)a, (uint32_t)b))
        return 0.6;
    return sound_alike(a, b) ? 0.7 : 1.0;
}

/* The edits from word x to term y weighted by how people mistype: a
 * neighbouring key or a letter that sounds alike, two letters swapped and a
 * letter doubled cost less than other edits. */
static double weighted(const int32_t *x, int n, const int32_t *y, int m)
{
    double d[FZ_ROWS + 1][FZ_ROWS + 1];
    for (int i = 0; i <= n; i++)
        for (int j = 0; j <= m; j++) {
            if (i == 0 || j == 0) {
                d[i][j] = i + j;
                continue;
            }
            /* x[i-1] left out: less when it doubles its neighbour */
            double del = (i > 1 && x[i - 1] == x[i - 2]) ? 0.6 : 1.0;
            double ins = (j > 1 && y[j - 1] == y[j - 2]) ? 0.6 : 1.0;
            double v = d[i - 1][j] + del;
            if (d[i][j - 1] + ins < v)
                v = d[i][j - 1] + ins;
            if (d[i - 1][j - 1] + sub_cost(x[i - 1], y[j - 1]) < v)
                v = d[i - 1][j - 1] + sub_cost(x[i - 1], y[j - 1]);
            if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1]
                && x[i - 1] != x[i - 2] && d[i - 2][j - 2] + 0.7 < v)
                v = d[i - 2][j - 2] + 0.7;
            d[i][j] = v;
        }
    return d[n][m];
}

double fuzzy_cost(const char *a, size_t alen, const char *b, size_t blen)
{
    int32_t x[FZ_MAX], y[FZ_MAX];
    int n = decode_all(a, alen, x, FZ_MAX), m = decode_all(b, blen, y, FZ_MAX);
    if (n < 0 || m < 0)
        return INFINITY;
    return weighted(x, n, y, m);
}

/* ---- the walk ------------------------------------------------------------- */

typedef struct {
    char *term;
    size_t len;
    int dist;
    double cost;
} near_term;

typedef struct {
    store *st;
    MDB_cursor *cur;
    const char *skip[2];     /* the word's own terms */
    size_t skip_len[2];
    int32_t w[FZ_MAX];       /* the word */
    int m, maxd;
    int32_t t[FZ_ROWS];      /* the term under the cursor, as far as decoded */
    size_t tb[FZ_ROWS + 1];  /* bytes of its first i code points */
    int tn, valid;           /* rows 1..valid are those of t's prefixes */
    unsigned char row[FZ_ROWS + 1][FZ_MAX + 1];
    near_term *v;            /* found, at most FZ_KEEP, the cheapest */
    size_t n;
    int seeks;
    txt_buf key;
} walker;

/* Row i of the table from row i - 1 (and i - 2 for a swap); its least
 * value, capped at maxd + 1. */
static int fill_row(walker *wk, int i)
{
    unsigned char *r = wk->row[i], *p = wk->row[i - 1];
    int cap = wk->maxd + 1, least = cap;
    int32_t c = wk->t[i - 1];
    r[0] = (unsigned char)(i < cap ? i : cap);
    least = r[0];
    for (int j = 1; j <= wk->m; j++) {
        int v = min3(p[j] + 1, r[j - 1] + 1, p[j - 1] + (c != wk->w[j - 1]));
        if (i > 1 && j > 1 && c == wk->w[j - 2] && wk->t[i - 2] == wk->w[j - 1]
            && wk->row[i - 2][j - 2] + 1 < v)
            v = wk->row[i - 2][j - 2] + 1;
        if (v > cap)
            v = cap;
        r[j] = (unsigned char)v;
        if (v < least)
            least = v;
    }
    return least;
}

static int is_own(const walker *wk, const char *term, size_t len)
{
    for (int i = 0; i < 2; i++)
        if (wk->skip[i] && wk->skip_len[i] == len && memcmp(wk->skip[i], term, len) == 0)
            return 1;
    return 0;
}

static int keep(walker *wk, const char *term, size_t len, int dist)
{
    double cost = weighted(wk->w, wk->m, wk->t, wk->tn);
    size_t at = wk->n;
    if (at == FZ_KEEP) {
        /* full: the dearest makes room, if this one is cheaper */
        size_t worst = 0;
        for (size_t i = 1; i < wk->n; i++)
            if (wk->v[i].cost > wk->v[worst].cost)
                worst = i;
        if (wk->v[worst].cost <= cost)
            return BS_OK;
        at = worst;
    }
    char *s = malloc(len + 1);
    if (!s)
        return BS_ENOMEM;
    if (at == wk->n)
        wk->n++;
    else
        free(wk->v[at].term);
    memcpy(s, term, len);
    s[len] = '\0';
    wk->v[at] = (near_term){ s, len, dist, cost };
    return BS_OK;
}

/* Seeks to the first term at or after key[0..len), raising the last byte
 * first when past is set (the first term beyond that prefix). */
static int seek(walker *wk, const char *p, size_t len, int past, const char **term,
                size_t *tlen)
{
    buf_reset(&wk->key);
    buf_put(&wk->key, p, len);
    if (past) {
        if (len == 0)
            return BS_ENOTFOUND;
        /* a prefix that is all 0xff bytes has no successor: none in UTF-8 */
        while (wk->key.len && (unsigned char)wk->key.p[wk->key.len - 1] == 0xff)
            wk->key.len--;
        if (wk->key.len == 0)
            return BS_ENOTFOUND;
        wk->key.p[wk->key.len - 1]++;
    }
    if (wk->key.err)
        return BS_ENOMEM;
    wk->seeks++;
    return store_term_next(wk->st, wk->cur, wk->key.p, wk->key.len, term, tlen);
}

/* Row d - 1 holds, character d - 1 (t[d - 1]) does not: the least character
 * greater than it that keeps row d within maxd, or -1. Only a letter of the
 * word matched where the row before is within maxd (or the second of two
 * swapped) can: an insertion or a substitution costs the same whatever the
 * character, and row d's death says that was too much. */
static int32_t alive_after(const walker *wk, int d)
{
    const unsigned char *p = wk->row[d - 1];
    int32_t after = wk->t[d - 1], best = -1;
    for (int j = 1; j <= wk->m; j++) {
        int32_t c = -1;
        if (p[j - 1] <= wk->maxd)
            c = wk->w[j - 1];
        if (c > after && (best < 0 || c < best))
            best = c;
        /* t[d - 2] t[d - 1] as w[j - 1] w[j - 2], swapped */
        if (d > 1 && j > 1 && wk->t[d - 2] == wk->w[j - 1] && wk->row[d - 2][j - 2] < wk->maxd
            && wk->w[j - 2] > after && (best < 0 || wk->w[j - 2] < best))
            best = wk->w[j - 2];
    }
    return best;
}

/* Row dead of term is past maxd: on to the first term that can be within
 * it, the same first dead - 1 characters and a next one that keeps the row
 * alive, else past those dead - 1 characters (and so on up: seek does it). */
static int next_alive(walker *wk, const char *term, int dead, const char **out, size_t *olen)
{
    int32_t c = alive_after(wk, dead);
    if (c < 0)
        return dead > 1 ? seek(wk, term, wk->tb[dead - 1], 1, out, olen) : BS_ENOTFOUND;
    unsigned char u[4];
    size_t n = utf8_put_cp(c, u);
    buf_reset(&wk->key);
    buf_put(&wk->key, term, wk->tb[dead - 1]);
    buf_put(&wk->key, u, n);
    if (wk->key.err)
        return BS_ENOMEM;
    wk->seeks++;
    return store_term_next(wk->st, wk->cur, wk->key.p, wk->key.len, out, olen);
}

/* Every term within maxd of the word, among those that start with first
 * (all terms when flen is 0), or, with outside set, among those that do not. */
static int walk(walker *wk, const char *first, size_t flen, int outside)
{
    const char *term;
    size_t tlen;
    wk->valid = 0;
    wk->tn = 0;
    int rc = seek(wk, first, outside ? 0 : flen, 0, &term, &tlen);
    while (rc == BS_OK && wk->seeks < FZ_SEEKS) {
        int starts = flen == 0 || (tlen >= flen && memcmp(term, first, flen) == 0);
        if (!outside && !starts)
            break;
        if (outside && flen && starts) {
            rc = seek(wk, first, flen, 1, &term, &tlen);
            continue;
        }
        /* the code points shared with the last term keep their rows */
        const unsigned char *p = (const unsigned char *)term, *end = p + tlen;
        int i = 0, common = 0, differs = 0;
        size_t off = 0;
        wk->tb[0] = 0;
        while (off < tlen && i < FZ_ROWS) {
            int32_t c;
            off += utf8_decode(p + off, end, &c);
            if (!differs && i < wk->valid && wk->t[i] == c)
                common = i + 1;
            else
                differs = 1;
            wk->t[i] = c;
            wk->tb[++i] = off;
        }
        wk->valid = common;
        wk->tn = i;
        int dead = 0;
        for (int d = wk->valid + 1; d <= wk->tn; d++) {
            int least = fill_row(wk, d);
            wk->valid = d;
            if (least > wk->maxd) {
                dead = d;
                break;
            }
        }
        if (dead) {
            wk->valid = dead - 1;
            rc = next_alive(wk, term, dead, &term, &tlen);
            continue;
        }
        int dist = wk->row[wk->tn][wk->m];
        if (off == tlen && dist <= wk->maxd && !is_own(wk, term, tlen)
            && (rc = keep(wk, term, tlen, dist)) != BS_OK)
            break;
        /* the next term, a step or a seek away */
        wk->seeks++;
        rc = store_term_after(wk->st, wk->cur, term, tlen, &term, &tlen);
    }
    return rc == BS_ENOTFOUND ? BS_OK : rc;
}

/* The walks for one form of the word: within 1 edit of any term; for a word
 * of 7 letters or more within 2 of the terms with its first letter. */
static int walk_form(walker *wk, const char *s, size_t len)
{
    int m = decode_all(s, len, wk->w, FZ_MAX);
    if (m < 4)
        return BS_OK;
    wk->m = m;
    wk->row[0][0] = 0;
    for (int j = 1; j <= m; j++)
        wk->row[0][j] = (unsigned char)(j < 3 ? j : 3);
    unsigned char first[4];
    size_t flen = utf8_put_cp(wk->w[0] >= 0 ? wk->w[0] : 0xfffd, first);
    int rc;
    if (m >= 7) {
        wk->maxd = 2;
        if ((rc = walk(wk, (const char *)first, flen, 0)) != BS_OK)
            return rc;
        wk->maxd = 1;
        return walk(wk, (const char *)first, flen, 1);
    }
    wk->maxd = 1;
    return walk(wk, NULL, 0, 0);
}

static int by_cost(const void *a, const void *b)
{
    const typo_cand *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    if (x->df != y->df)
        return x->df > y->df ? -1 : 1;
    return strcmp(x->term, y->term);
}

int typo_candidates(store *st, MDB_txn *txn, const char *stem, size_t slen, const char *norm,
                    size_t nlen, size_t k, typo_cand **out, size_t *n, char *err,
                    size_t errlen)
{
    *out = NULL;
    *n = 0;
    walker *wk = calloc(1, sizeof *wk);
    near_term *found = calloc(FZ_KEEP, sizeof *found);
    MDB_cursor *cur = NULL;
    int rc = wk && found ? BS_OK : BS_ENOMEM;
    if (rc == BS_OK && (rc = mdb_cursor_open(txn, st->terms, &cur)) != 0)
        rc = store_fail(st, rc, "reading the terms");
    if (rc == BS_OK) {
        wk->st = st;
        wk->cur = cur;
        wk->v = found;
        wk->skip[0] = stem;
        wk->skip_len[0] = slen;
        wk->skip[1] = norm;
        wk->skip_len[1] = nlen;
        rc = walk_form(wk, stem, slen);
        /* the word as written too, unless its stem has a term an edit away:
         * a typo the stemmer cut differently (виртуализацыя, stem
         * виртуализацы, is виртуализация's other ending) */
        int near = 0;
        for (size_t i = 0; i < wk->n; i++)
            near |= wk->v[i].dist <= 1;
        if (rc == BS_OK && !near && (nlen != slen || memcmp(stem, norm, slen) != 0))
            rc = walk_form(wk, norm, nlen);
    }
    /* one term found from both forms: its cheaper finding */
    size_t nf = wk ? wk->n : 0;
    typo_cand *v = NULL;
    if (rc == BS_OK && nf && !(v = calloc(nf, sizeof *v)))
        rc = BS_ENOMEM;
    size_t nv = 0;
    txt_buf kb = { 0 };
    for (size_t i = 0; rc == BS_OK && i < nf; i++) {
        size_t j = 0;
        while (j < nv && !(v[j].len == found[i].len && !memcmp(v[j].term, found[i].term, v[j].len)))
            j++;
        if (j < nv) {
            if (found[i].cost < v[j].cost) {
                v[j].cost = found[i].cost;
                v[j].dist = found[i].dist;
            }
            continue;
        }
        v[nv] = (typo_cand){ found[i].term, found[i].len, found[i].dist, found[i].cost, 0 };
        found[i].term = NULL;
        rc = store_term_df(st, txn, cur, &kb, v[nv].term, v[nv].len, &v[nv].df);
        nv++;
        if (rc == BS_OK && v[nv - 1].df == 0)
            free(v[--nv].term);
    }
    buf_free(&kb);
    if (rc == BS_OK) {
        if (nv)
            qsort(v, nv, sizeof *v, by_cost);
        while (nv > k)
            free(v[--nv].term);
        *out = v;
        *n = nv;
    } else {
        typo_candidates_free(v, nv);
        if (err && errlen)
            snprintf(err, errlen, "%s", rc == BS_ENOMEM ? "out of memory" : store_err());
    }
    for (size_t i = 0; i < nf; i++)
        free(found[i].term);
    free(found);
    if (wk)
        buf_free(&wk->key);
    free(wk);
    if (cur)
        mdb_cursor_close(cur);
    return rc;
}

void typo_candidates_free(typo_cand *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].term);
    free(v);
}
