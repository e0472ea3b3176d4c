/* terms.c: what the term table says of one term, for the query side's
 * corrections and re-ranking: in how many posts it is, a post that has it
 * (where the word it stems from can be read), the block of its postings
 * that holds a post; and a post by its path or slug. Only store/ knows the
 * key layout. */
#include <stdio.h>
#include <string.h>

#include "store/store.h"

/* Places cur at the first key at or after term's first block: 1 when there
 * is one, else 0 with *rc BS_OK (no key follows) or the failure's status. */
static int first_block(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                       MDB_val *k, MDB_val *v, int *rc)
{
    key_term(kb, term, tlen, 0);
    k->mv_size = kb->len;
    k->mv_data = kb->p;
    int mrc = mdb_cursor_get(cur, k, v, MDB_SET_RANGE);
    *rc = BS_OK;
    if (mrc == MDB_NOTFOUND)
        return 0;
    if (mrc != 0) {
        *rc = store_fail(st, mrc, "reading postings");
        return 0;
    }
    return 1;
}

static int of_term(const MDB_val *k, const char *term, size_t tlen, uint32_t *first)
{
    size_t ktl;
    return key_term_split(k->mv_data, k->mv_size, &ktl, first) == 0 && ktl == tlen
           && memcmp(k->mv_data, term, tlen) == 0;
}

int store_term_df(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb, const char *term,
                  size_t tlen, uint64_t *df)
{
    (void)txn;
    MDB_val k, v;
    int rc;
    *df = 0;
    if (!first_block(st, cur, kb, term, tlen, &k, &v, &rc))
        return rc;
    for (int mrc = 0; mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint32_t first, cnt;
        if (!of_term(&k, term, tlen, &first))
            return BS_OK;
        if (codec_block_count(v.mv_data, v.mv_size, &cnt) != BS_OK) {
            snprintf(store_err(), STORE_ERRLEN, "%s: the postings of \"%.*s\" are damaged; "
                     "rebuild it with blogsearch-index --full", st->dir, (int)tlen, term);
            return BS_ECORRUPT;
        }
        *df += cnt;
    }
    return BS_OK;
}

static int damaged(store *st, const char *term, size_t tlen)
{
    snprintf(store_err(), STORE_ERRLEN, "%s: the postings of \"%.*s\" are damaged; "
             "rebuild it with blogsearch-index --full", st->dir, (int)tlen, term);
    return BS_ECORRUPT;
}

int store_term_bits(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                    uint64_t *bits, uint64_t nwords)
{
    MDB_val k, v;
    int rc;
    if (!first_block(st, cur, kb, term, tlen, &k, &v, &rc))
        return rc;
    for (int mrc = 0; mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint32_t first, docid[BLK_MAX_POSTINGS];
        size_t n;
        const char *why;
        if (!of_term(&k, term, tlen, &first))
            return BS_OK;
        if (codec_block_docids(v.mv_data, v.mv_size, first, docid, &n, &why) != BS_OK)
            return damaged(st, term, tlen);
        for (size_t i = 0; i < n; i++)
            if (docid[i] / 64 < nwords)
                bits[docid[i] / 64] |= 1ull << (docid[i] % 64);
    }
    return BS_OK;
}

/* Counts term's blocks from the one at the cursor (*k, *v), as
 * store_term_df_est says, and leaves the cursor at the first key past the
 * term's (*past 1; *k, *v that key) or past the table's end (*past 0). */
static int count_blocks(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                        size_t max_blocks, MDB_val *k, MDB_val *v, uint64_t *df, int *exact,
                        int *past)
{
    int mrc = 0;
    uint32_t first = 0, start = 0, cnt;
    *df = 0;
    *exact = 1;
    *past = 0;
    for (size_t read = 0; mrc == 0 && of_term(k, term, tlen, &first); read++) {
        if (read == max_blocks && read > 0)
            break;                 /* first: the next block's first docid */
        if (codec_block_count(v->mv_data, v->mv_size, &cnt) != BS_OK)
            return damaged(st, term, tlen);
        if (read == 0)
            start = first;
        *df += cnt;
        mrc = mdb_cursor_get(cur, k, v, MDB_NEXT);
    }
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return store_fail(st, mrc, "reading postings");
    *past = mrc == 0;
    if (mrc != 0 || !of_term(k, term, tlen, &first))
        return BS_OK;              /* every block read */
    /* the last block: the key past the term's (term, byte 1), and back one */
    uint32_t next = first, last;
    buf_reset(kb);
    buf_put(kb, term, tlen);
    buf_putc(kb, '\1');
    if (kb->err)
        return BS_ENOMEM;
    MDB_val lk = { kb->len, kb->p }, lv;
    mrc = mdb_cursor_get(cur, &lk, &lv, MDB_SET_RANGE);
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return store_fail(st, mrc, "reading postings");
    mrc = mdb_cursor_get(cur, &lk, &lv, mrc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    if (mrc != 0)
        return store_fail(st, mrc, "reading postings");
    if (!of_term(&lk, term, tlen, &last) || last < next
        || codec_block_count(lv.mv_data, lv.mv_size, &cnt) != BS_OK)
        return damaged(st, term, tlen);
    mrc = mdb_cursor_get(cur, k, v, MDB_NEXT);   /* past the term again */
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return store_fail(st, mrc, "reading postings");
    *past = mrc == 0;
    if (last == next) {
        *df += cnt;                /* it was the next one: every block counted */
        return BS_OK;
    }
    /* between: as many posts a docid as in the blocks read */
    double per = next > start ? (double)*df / (double)(next - start) : 1.0;
    *df += cnt + (uint64_t)(per * (double)(last - next) + 0.5);
    *exact = 0;
    return BS_OK;
}

int store_term_df_est(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                      size_t max_blocks, uint64_t *df, int *exact)
{
    MDB_val k, v;
    int rc, past;
    *df = 0;
    *exact = 1;
    if (!first_block(st, cur, kb, term, tlen, &k, &v, &rc))
        return rc;
    return count_blocks(st, cur, kb, term, tlen, max_blocks, &k, &v, df, exact, &past);
}

int store_term_df_on(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                     size_t max_blocks, uint64_t *df, int *exact, const char **next,
                     size_t *nlen)
{
    MDB_val k, v;
    int past, mrc = mdb_cursor_get(cur, &k, &v, MDB_GET_CURRENT);
    if (mrc != 0)
        return store_fail(st, mrc, "reading the terms");
    int rc = count_blocks(st, cur, kb, term, tlen, max_blocks, &k, &v, df, exact, &past);
    for (mrc = 0; rc == BS_OK && past && mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint32_t first;
        if (key_term_split(k.mv_data, k.mv_size, nlen, &first) == 0) {
            *next = k.mv_data;
            return BS_OK;
        }
    }
    if (rc == BS_OK && mrc != 0 && mrc != MDB_NOTFOUND)
        rc = store_fail(st, mrc, "reading the terms");
    return rc == BS_OK ? BS_ENOTFOUND : rc;
}

int store_term_block_at(store *st, MDB_cursor *cur, txt_buf *kb, const char *term,
                        size_t tlen, uint32_t docid, plist *out)
{
    key_term(kb, term, tlen, docid);
    MDB_val k = { kb->len, kb->p }, v;
    uint32_t first = 0;
    int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    /* past docid (or the table's end): the block before starts at or before it */
    if (mrc == MDB_NOTFOUND)
        mrc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
    else if (mrc == 0 && !(of_term(&k, term, tlen, &first) && first == docid))
        mrc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
    if (mrc == MDB_NOTFOUND)
        return BS_ENOTFOUND;
    if (mrc != 0)
        return store_fail(st, mrc, "reading postings");
    if (!of_term(&k, term, tlen, &first) || first > docid)
        return BS_ENOTFOUND;
    plist_reset(out);
    const char *why;
    int rc = codec_block_decode(v.mv_data, v.mv_size, first, out, &why);
    if (rc == BS_ECORRUPT)
        snprintf(store_err(), STORE_ERRLEN, "%s: the postings of \"%.*s\" are damaged (%s); "
                 "rebuild it with blogsearch-index --full", st->dir, (int)tlen, term, why);
    return rc;
}

int store_find_post(store *st, MDB_txn *txn, const char *key, size_t len, uint32_t *docid)
{
    MDB_val k = { len, (void *)key }, v;
    int rc = len ? mdb_get(txn, st->paths, &k, &v) : MDB_NOTFOUND;
    path_record pr;
    if (rc == 0 && codec_path_decode(v.mv_data, v.mv_size, &pr) == 0 && pr.docid) {
        *docid = pr.docid;
        return BS_OK;
    }
    if (rc != 0 && rc != MDB_NOTFOUND)
        return store_fail(st, rc, "reading paths");
    txt_buf kb = { 0 };
    key_facet(&kb, FACET_SLUG, key, len);
    if (kb.err) {
        buf_free(&kb);
        return BS_ENOMEM;
    }
    k = (MDB_val){ kb.len, kb.p };
    rc = kb.len > 1 ? mdb_get(txn, st->facets, &k, &v) : MDB_NOTFOUND;
    buf_free(&kb);
    if (rc == 0 && v.mv_size == 4) {
        *docid = codec_get_u32be(v.mv_data);
        return BS_OK;
    }
    return rc == 0 || rc == MDB_NOTFOUND ? BS_ENOTFOUND : store_fail(st, rc, "reading slugs");
}

int store_term_posts(store *st, MDB_txn *txn, MDB_cursor *cur, txt_buf *kb, const char *term,
                     size_t tlen, uint32_t *docids, size_t max, size_t *n)
{
    (void)txn;
    MDB_val k, v;
    int rc;
    uint32_t first;
    *n = 0;
    if (!first_block(st, cur, kb, term, tlen, &k, &v, &rc))
        return rc == BS_OK ? BS_ENOTFOUND : rc;
    if (!of_term(&k, term, tlen, &first))
        return BS_ENOTFOUND;
    posting_tf p[BLK_MAX_POSTINGS];
    size_t np;
    const char *why;
    if (codec_block_decode_freqs(v.mv_data, v.mv_size, first, p, &np, &why) != BS_OK || np == 0) {
        snprintf(store_err(), STORE_ERRLEN, "%s: the postings of \"%.*s\" are damaged (%s); "
                 "rebuild it with blogsearch-index --full", st->dir, (int)tlen, term,
                 np == 0 ? "an empty block" : why);
        return BS_ECORRUPT;
    }
    /* those with the term in the title first, then the rest, in docid order */
    size_t titled = 0;
    for (size_t i = 0; i < np && titled < (max + 1) / 2; i++)
        if (p[i].tf[BS_FIELD_TITLE])
            docids[titled++] = p[i].docid;
    *n = titled;
    for (size_t i = 0; i < np && *n < max; i++)
        if (!p[i].tf[BS_FIELD_TITLE] || titled == 0) {
            int seen = 0;
            for (size_t j = 0; j < titled; j++)
                seen |= docids[j] == p[i].docid;
            if (!seen)
                docids[(*n)++] = p[i].docid;
        }
    return BS_OK;
}

int store_term_titled(store *st, MDB_cursor *cur, txt_buf *kb, const char *term, size_t tlen,
                      size_t max_blocks, uint32_t *docids, size_t max, size_t *n)
{
    *n = 0;
    buf_reset(kb);
    buf_put(kb, term, tlen);
    buf_putc(kb, '\1');           /* past the term's keys, then back */
    if (kb->err)
        return BS_ENOMEM;
    MDB_val k = { kb->len, kb->p }, v;
    int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return store_fail(st, mrc, "reading postings");
    mrc = mdb_cursor_get(cur, &k, &v, mrc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
    posting_tf p[BLK_MAX_POSTINGS];
    uint32_t first;
    for (size_t b = 0; mrc == 0 && b < max_blocks && *n < max && of_term(&k, term, tlen, &first);
         b++) {
        size_t np;
        const char *why;
        if (codec_block_decode_freqs(v.mv_data, v.mv_size, first, p, &np, &why) != BS_OK)
            return damaged(st, term, tlen);
        for (size_t i = np; i-- > 0 && *n < max;)
            if (p[i].tf[BS_FIELD_TITLE])
                docids[(*n)++] = p[i].docid;
        mrc = mdb_cursor_get(cur, &k, &v, MDB_PREV);
    }
    if (mrc != 0 && mrc != MDB_NOTFOUND)
        return store_fail(st, mrc, "reading postings");
    return BS_OK;
}

int store_term_next(store *st, MDB_cursor *cur, const char *from, size_t flen,
                    const char **term, size_t *tlen)
{
    MDB_val k = { flen, (void *)from }, v;
    int mrc = mdb_cursor_get(cur, &k, &v, flen ? MDB_SET_RANGE : MDB_FIRST);
    for (; mrc == 0; mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        uint32_t first;
        if (key_term_split(k.mv_data, k.mv_size, tlen, &first) == 0) {
            *term = k.mv_data;
            return BS_OK;
        }
    }
    return mrc == MDB_NOTFOUND ? BS_ENOTFOUND : store_fail(st, mrc, "reading the terms");
}

/* The next keys are most often the term's next block or the next term: a
 * step costs less than a seek from the root, a seek less than many steps. */
#define TERM_STEPS 4

int store_term_after(store *st, MDB_cursor *cur, const char *term, size_t tlen,
                     const char **next, size_t *nlen)
{
    MDB_val k, v;
    int mrc = 0;
    for (int i = 0; i < TERM_STEPS; i++) {
        if ((mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) != 0)
            break;
        uint32_t first;
        size_t kl;
        if (key_term_split(k.mv_data, k.mv_size, &kl, &first) != 0)
            continue;
        if (kl != tlen || memcmp(k.mv_data, term, tlen) != 0) {
            *next = k.mv_data;
            *nlen = kl;
            return BS_OK;
        }
    }
    if (mrc == MDB_NOTFOUND)
        return BS_ENOTFOUND;
    if (mrc != 0)
        return store_fail(st, mrc, "reading the terms");
    /* a term of many blocks: past its keys (term, 0, docid) at once */
    char key[TERM_MAX_BYTES + 1];
    if (tlen > TERM_MAX_BYTES)
        return BS_ENOTFOUND;
    memcpy(key, term, tlen);
    key[tlen] = '\1';
    return store_term_next(st, cur, key, tlen + 1, next, nlen);
}

