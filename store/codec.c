/* codec.c: bytes of every record in docs/FORMAT.md, in and out. Decoders
 * never read past the end they are given and report malformed input instead
 * of trusting it: a damaged index gives BS_ECORRUPT, never a crash. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "store/store.h"

/* ---- varints and fixed-width integers ----------------------------------- */

size_t codec_varint_len(uint64_t v)
{
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

size_t codec_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

void buf_put_varint(txt_buf *b, uint64_t v)
{
    if (b->len + VARINT_MAX + 1 <= b->cap && !b->err) {
        b->len += codec_put_varint((uint8_t *)b->p + b->len, v);   /* the common case */
        b->p[b->len] = '\0';
        return;
    }
    uint8_t tmp[VARINT_MAX];
    buf_put(b, tmp, codec_put_varint(tmp, v));
}

void buf_put_zigzag(txt_buf *b, int64_t v)
{
    buf_put_varint(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void buf_put_str(txt_buf *b, const char *s, size_t len)
{
    buf_put_varint(b, len);
    buf_put(b, s, len);
}

void buf_put_u32be(txt_buf *b, uint32_t v)
{
    uint8_t t[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    buf_put(b, t, 4);
}

void buf_put_u64be(txt_buf *b, uint64_t v)
{
    buf_put_u32be(b, (uint32_t)(v >> 32));
    buf_put_u32be(b, (uint32_t)v);
}

int codec_get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
    const uint8_t *p = *pp;
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p >= end)
            return -1;
        uint8_t c = *p++;
        if (shift == 63 && c > 1)
            return -1;                    /* would overflow 64 bits */
        r |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *pp = p;
            *v = r;
            return 0;
        }
    }
    return -1;
}

int codec_get_zigzag(const uint8_t **p, const uint8_t *end, int64_t *v)
{
    uint64_t u;
    if (codec_get_varint(p, end, &u) != 0)
        return -1;
    *v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
    return 0;
}

int codec_get_str(const uint8_t **p, const uint8_t *end, const char **s, size_t *len)
{
    uint64_t n;
    if (codec_get_varint(p, end, &n) != 0 || n > (uint64_t)(end - *p))
        return -1;
    *s = (const char *)*p;
    *len = (size_t)n;
    *p += n;
    return 0;
}

/* ---- posting lists ------------------------------------------------------ */

void plist_reset(plist *l)
{
    l->n = 0;
    l->npos = 0;
    l->err = 0;
    if (l->pos_start)
        l->pos_start[0] = 0;
}

void plist_free(plist *l)
{
    free(l->docid);
    free(l->mask);
    free(l->tf);
    free(l->pos_start);
    free(l->pos);
    memset(l, 0, sizeof *l);
}

static int plist_reserve(plist *l, size_t n, size_t npos)
{
    if (l->err)
        return -1;
    if (n + 1 > l->cap || !l->pos_start) {
        size_t cap = l->cap ? l->cap : 16;
        while (cap < n + 1)
            cap *= 2;
        uint32_t *d = realloc(l->docid, cap * sizeof *d);
        if (d) l->docid = d;
        uint8_t *m = realloc(l->mask, cap * sizeof *m);
        if (m) l->mask = m;
        uint32_t (*t)[BS_NFIELDS] = realloc(l->tf, cap * sizeof *t);
        if (t) l->tf = t;
        size_t *s = realloc(l->pos_start, (cap + 1) * sizeof *s);
        if (s) l->pos_start = s;
        if (!d || !m || !t || !s) {
            l->err = 1;
            return -1;
        }
        if (l->cap == 0)
            l->pos_start[0] = 0;
        l->cap = cap;
    }
    if (npos > l->pos_cap) {
        size_t cap = l->pos_cap ? l->pos_cap : 64;
        while (cap < npos)
            cap *= 2;
        uint32_t *p = realloc(l->pos, cap * sizeof *p);
        if (!p) {
            l->err = 1;
            return -1;
        }
        l->pos = p;
        l->pos_cap = cap;
    }
    return 0;
}

void plist_add(plist *l, uint32_t docid, const uint32_t tf[BS_NFIELDS], const uint32_t *pos)
{
    size_t total = 0;
    uint8_t mask = 0;
    for (int f = 0; f < BS_NFIELDS; f++) {
        total += tf[f];
        if (tf[f])
            mask |= (uint8_t)(1u << f);
    }
    if (!pos)
        total = 0;                   /* frequencies only: no positions kept */
    if (plist_reserve(l, l->n + 1, l->npos + total) != 0)
        return;
    l->docid[l->n] = docid;
    l->mask[l->n] = mask;
    memcpy(l->tf[l->n], tf, sizeof l->tf[0]);
    if (total)
        memcpy(l->pos + l->npos, pos, total * sizeof *pos);
    l->npos += total;
    l->n++;
    l->pos_start[l->n] = l->npos;
}

void plist_remove(plist *l, size_t i)
{
    size_t a = l->pos_start[i], b = l->pos_start[i + 1], k = b - a;
    memmove(l->pos + a, l->pos + b, (l->npos - b) * sizeof *l->pos);
    l->npos -= k;
    memmove(l->docid + i, l->docid + i + 1, (l->n - i - 1) * sizeof *l->docid);
    memmove(l->mask + i, l->mask + i + 1, (l->n - i - 1) * sizeof *l->mask);
    memmove(l->tf + i, l->tf + i + 1, (l->n - i - 1) * sizeof *l->tf);
    for (size_t j = i + 1; j <= l->n; j++)
        l->pos_start[j - 1] = l->pos_start[j] - k;
    l->n--;
}

/* ---- blocks -------------------------------------------------------------- */

static int lowest_field(uint8_t mask)
{
    for (int f = 0; f < BS_NFIELDS; f++)
        if (mask & (1u << f))
            return f;
    return -1;
}

void blk_begin(blk_builder *b, size_t keylen)
{
    buf_reset(&b->gaps);
    buf_reset(&b->freqs);
    buf_reset(&b->pos);
    b->first = b->last = b->n = 0;
    b->keylen = keylen;
}

void blk_free(blk_builder *b)
{
    buf_free(&b->gaps);
    buf_free(&b->freqs);
    buf_free(&b->pos);
}

/* Appends a posting to the sections, unconditionally. */
static void blk_append(blk_builder *b, uint32_t docid, const uint32_t tf[BS_NFIELDS],
                       const uint8_t *pos, size_t poslen)
{
    if (b->n)
        buf_put_varint(&b->gaps, docid - b->last);
    else
        b->first = docid;
    int f0 = 0;
    uint8_t mask = 0;
    for (int k = BS_NFIELDS - 1; k >= 0; k--)
        if (tf[k]) {
            mask |= (uint8_t)(1u << k);
            f0 = k;
        }
    buf_put_varint(&b->freqs, mask | (uint64_t)(tf[f0] - 1) << 4);
    for (int k = f0 + 1; k < BS_NFIELDS; k++)
        if (tf[k])
            buf_put_varint(&b->freqs, tf[k]);
    buf_put(&b->pos, pos, poslen);
    b->last = docid;
    b->n++;
}

int blk_add(blk_builder *b, uint32_t docid, const uint32_t tf[BS_NFIELDS], const uint8_t *pos,
            size_t poslen)
{
    if (b->n == BLK_MAX_POSTINGS)
        return 0;
    blk_builder saved = *b;
    blk_append(b, docid, tf, pos, poslen);
    size_t size = b->keylen + codec_varint_len(b->n) + codec_varint_len(b->last - b->first)
                  + b->gaps.len + b->freqs.len + b->pos.len;
    if (saved.n && size > BLK_TARGET_BYTES) {
        /* does not fit: take it back (the buffers may have moved, keep them) */
        buf_truncate(&b->gaps, saved.gaps.len);
        buf_truncate(&b->freqs, saved.freqs.len);
        buf_truncate(&b->pos, saved.pos.len);
        b->first = saved.first;
        b->last = saved.last;
        b->n = saved.n;
        return 0;
    }
    return 1;
}

void blk_finish(const blk_builder *b, txt_buf *out)
{
    buf_reset(out);
    buf_put_varint(out, b->n);
    buf_put_varint(out, b->last - b->first);
    buf_put(out, b->gaps.p, b->gaps.len);
    buf_put(out, b->freqs.p, b->freqs.len);
    buf_put(out, b->pos.p, b->pos.len);
    if (b->gaps.err || b->freqs.err || b->pos.err)
        out->err = 1;
}

void plist_encode_positions(const plist *l, size_t i, txt_buf *out)
{
    const uint32_t *p = l->pos + l->pos_start[i];
    buf_reset(out);
    for (int f = 0; f < BS_NFIELDS; f++)
        for (uint32_t k = 0; k < l->tf[i][f]; k++, p++)
            buf_put_varint(out, k == 0 ? p[0] : p[0] - p[-1]);
}

/* Feeds postings from `from` into b until it is full; returns how many. */
static size_t fill_builder(const plist *l, size_t from, size_t to, blk_builder *b,
                           size_t keylen)
{
    txt_buf pos = { 0 };
    size_t i = from;
    blk_begin(b, keylen);
    for (; i < to; i++) {
        plist_encode_positions(l, i, &pos);
        if (!blk_add(b, l->docid[i], l->tf[i], (const uint8_t *)pos.p, pos.len))
            break;
    }
    buf_free(&pos);
    return i - from;
}

size_t codec_block_fill(const plist *l, size_t from, size_t keylen)
{
    blk_builder b = { 0 };
    size_t n = fill_builder(l, from, l->n, &b, keylen);
    blk_free(&b);
    return n;
}

void codec_block_encode(const plist *l, size_t from, size_t to, txt_buf *out)
{
    blk_builder b = { 0 };
    txt_buf pos = { 0 };
    blk_begin(&b, 0);
    for (size_t i = from; i < to; i++) {   /* the caller chose the range */
        plist_encode_positions(l, i, &pos);
        blk_append(&b, l->docid[i], l->tf[i], (const uint8_t *)pos.p, pos.len);
    }
    blk_finish(&b, out);
    buf_free(&pos);
    blk_free(&b);
}

int codec_block_count(const uint8_t *p, size_t len, uint32_t *n)
{
    uint64_t v;
    if (codec_get_varint(&p, p + len, &v) != 0 || v == 0 || v > BLK_MAX_POSTINGS)
        return BS_ECORRUPT;
    *n = (uint32_t)v;
    return BS_OK;
}

#define CORRUPT(msg) do { *why = (msg); l->n = base_n; l->npos = base_npos; \
                          return BS_ECORRUPT; } while (0)

/* A block's header and docids, up to its frequencies: *pp is left at them.
 * NULL, or the reason it does not decode. */
static const char *decode_docids(const uint8_t **pp, const uint8_t *end, uint32_t first_docid,
                                 uint32_t docid[BLK_MAX_POSTINGS], uint64_t *n_out)
{
    const uint8_t *p = *pp;
    uint64_t n, last_gap, v;
    if (codec_get_varint(&p, end, &n) != 0 || n == 0 || n > BLK_MAX_POSTINGS)
        return "bad posting count";
    if (codec_get_varint(&p, end, &last_gap) != 0)
        return "truncated header";
    docid[0] = first_docid;
    for (uint64_t i = 1; i < n; i++) {
        if (codec_get_varint(&p, end, &v) != 0 || v == 0 || v > UINT32_MAX - docid[i - 1])
            return "bad docid gap";
        docid[i] = docid[i - 1] + (uint32_t)v;
    }
    if (docid[n - 1] - first_docid != last_gap)
        return "last docid does not match the header";
    *pp = p;
    *n_out = n;
    return NULL;
}

int codec_block_docids(const uint8_t *p, size_t len, uint32_t first_docid,
                       uint32_t out[BLK_MAX_POSTINGS], size_t *n, const char **why)
{
    uint64_t cnt = 0;
    *n = 0;
    if ((*why = decode_docids(&p, p + len, first_docid, out, &cnt)) != NULL)
        return BS_ECORRUPT;
    *n = (size_t)cnt;
    return BS_OK;
}

/* A block's header, docids and frequencies, up to its positions: *pp is
 * left at the positions, *total their count. NULL, or the reason it does not
 * decode. */
static const char *decode_freqs(const uint8_t **pp, const uint8_t *end, uint32_t first_docid,
                                posting_tf out[BLK_MAX_POSTINGS], uint64_t *n_out,
                                uint64_t *total_out)
{
    const uint8_t *p = *pp;
    uint64_t n, v, total = 0;
    uint32_t docid[BLK_MAX_POSTINGS];
    const char *bad = decode_docids(&p, end, first_docid, docid, &n);
    if (bad)
        return bad;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t *tf = out[i].tf;
        out[i].docid = docid[i];
        memset(tf, 0, sizeof out[i].tf);
        if (codec_get_varint(&p, end, &v) != 0)
            return "truncated frequencies";
        uint8_t mask = v & 0x0F;
        if (mask == 0)
            return "empty field mask";
        int f0 = lowest_field(mask);
        if ((v >> 4) >= (1u << 24))
            return "frequency out of range";
        tf[f0] = (uint32_t)(v >> 4) + 1;
        for (int f = f0 + 1; f < BS_NFIELDS; f++) {
            if (!(mask & (1u << f)))
                continue;
            if (codec_get_varint(&p, end, &v) != 0 || v == 0 || v >= (1u << 24))
                return "bad frequency";
            tf[f] = (uint32_t)v;
        }
        for (int f = 0; f < BS_NFIELDS; f++)
            total += tf[f];
    }
    /* every position takes at least one byte: a count the value cannot hold
     * is corrupt, and checking first bounds the allocation */
    if (total > (uint64_t)(end - p))
        return "more positions than bytes";
    *pp = p;
    *n_out = n;
    *total_out = total;
    return NULL;
}

int codec_block_decode_freqs(const uint8_t *p, size_t len, uint32_t first_docid,
                             posting_tf out[BLK_MAX_POSTINGS], size_t *n, const char **why)
{
    uint64_t cnt, total;
    *n = 0;
    if ((*why = decode_freqs(&p, p + len, first_docid, out, &cnt, &total)) != NULL)
        return BS_ECORRUPT;
    *n = (size_t)cnt;
    return BS_OK;
}

static int block_decode(const uint8_t *p, size_t len, uint32_t first_docid, plist *l,
                        const char **why)
{
    const uint8_t *end = p + len;
    size_t base_n = l->n, base_npos = l->npos;
    uint64_t n, v, total;
    posting_tf pt[BLK_MAX_POSTINGS];
    const char *bad = decode_freqs(&p, end, first_docid, pt, &n, &total);
    if (bad)
        CORRUPT(bad);
    uint32_t *pos = malloc((total ? total : 1) * sizeof *pos);
    if (!pos)
        return BS_ENOMEM;
    size_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        for (int f = 0; f < BS_NFIELDS; f++) {
            uint64_t prev = 0;
            for (uint32_t j = 0; j < pt[i].tf[f]; j++) {
                if (codec_get_varint(&p, end, &v) != 0 || (j > 0 && v == 0)
                    || v > UINT32_MAX - prev) {
                    free(pos);
                    CORRUPT("bad position");
                }
                prev = j == 0 ? v : prev + v;
                pos[k++] = (uint32_t)prev;
            }
        }
    }
    if (p != end) {
        free(pos);
        CORRUPT("trailing bytes after the positions");
    }
    k = 0;
    for (uint64_t i = 0; i < n; i++) {
        size_t cnt = 0;
        for (int f = 0; f < BS_NFIELDS; f++)
            cnt += pt[i].tf[f];
        plist_add(l, pt[i].docid, pt[i].tf, pos + k);
        k += cnt;
    }
    free(pos);
    return l->err ? BS_ENOMEM : BS_OK;
}

int codec_block_decode(const uint8_t *p, size_t len, uint32_t first_docid, plist *l,
                       const char **why)
{
    return block_decode(p, len, first_docid, l, why);
}

/* ---- docs records -------------------------------------------------------- */

void codec_doc_encode(const doc_record *d, txt_buf *out)
{
    buf_put_varint(out, d->has_date ? 1 : 0);
    if (d->has_date) {
        buf_put_zigzag(out, d->date);
        buf_put_zigzag(out, d->tz_min);
    }
    for (int f = 0; f < BS_NFIELDS; f++)
        buf_put_varint(out, d->len[f]);
    buf_put_str(out, d->path, d->path_len);
    buf_put_str(out, d->url, d->url_len);
    buf_put_str(out, d->title, d->title_len);
    buf_put_str(out, d->slug, d->slug_len);
    buf_put_str(out, d->author, d->author_len);
    buf_put_str(out, d->description, d->description_len);
    buf_put_str(out, d->format, d->format_len);
    buf_put_varint(out, d->ncategories);
    for (size_t i = 0; i < d->ncategories; i++)
        buf_put_str(out, d->categories[i], d->category_len[i]);
    buf_put_varint(out, d->ntags);
    for (size_t i = 0; i < d->ntags; i++)
        buf_put_str(out, d->tags[i], d->tag_len[i]);
    buf_put_varint(out, d->body_bytes);
}

/* A count and that many strings, into malloc'ed arrays. A count larger
 * than the bytes left cannot be right (each string takes one at least). */
static int get_str_list(const uint8_t **p, const uint8_t *end, size_t *n, const char ***v,
                        size_t **lens)
{
    uint64_t cnt;
    if (codec_get_varint(p, end, &cnt) != 0 || cnt > (uint64_t)(end - *p))
        return BS_ECORRUPT;
    *n = (size_t)cnt;
    *v = calloc(cnt ? cnt : 1, sizeof **v);
    *lens = calloc(cnt ? cnt : 1, sizeof **lens);
    if (!*v || !*lens)
        return BS_ENOMEM;
    for (size_t i = 0; i < *n; i++)
        if (codec_get_str(p, end, &(*v)[i], &(*lens)[i]) != 0)
            return BS_ECORRUPT;
    return BS_OK;
}

int codec_doc_decode(const uint8_t *p, size_t len, doc_record *d, const char **why)
{
    const uint8_t *end = p + len;
    uint64_t v;
    int64_t tz;
    memset(d, 0, sizeof *d);
    *why = "truncated record";
    if (codec_get_varint(&p, end, &v) != 0 || v > 1)
        return BS_ECORRUPT;
    d->has_date = (int)(v & 1);
    if (d->has_date && (codec_get_zigzag(&p, end, &d->date) != 0
                        || codec_get_zigzag(&p, end, &tz) != 0))
        return BS_ECORRUPT;
    if (d->has_date && (tz < -CODEC_MAX_TZ_MIN || tz > CODEC_MAX_TZ_MIN)) {
        *why = "a date's offset out of range";
        return BS_ECORRUPT;
    }
    d->tz_min = d->has_date ? (int)tz : 0;
    for (int f = 0; f < BS_NFIELDS; f++) {
        if (codec_get_varint(&p, end, &v) != 0 || v > UINT32_MAX)
            return BS_ECORRUPT;
        d->len[f] = (uint32_t)v;
    }
    if (codec_get_str(&p, end, &d->path, &d->path_len) || codec_get_str(&p, end, &d->url, &d->url_len)
        || codec_get_str(&p, end, &d->title, &d->title_len)
        || codec_get_str(&p, end, &d->slug, &d->slug_len)
        || codec_get_str(&p, end, &d->author, &d->author_len)
        || codec_get_str(&p, end, &d->description, &d->description_len)
        || codec_get_str(&p, end, &d->format, &d->format_len))
        return BS_ECORRUPT;
    int rc = get_str_list(&p, end, &d->ncategories, &d->categories, &d->category_len);
    if (rc == BS_OK)
        rc = get_str_list(&p, end, &d->ntags, &d->tags, &d->tag_len);
    if (rc != BS_OK) {
        codec_doc_free(d);
        return rc;
    }
    if (codec_get_varint(&p, end, &d->body_bytes) != 0 || p != end) {
        codec_doc_free(d);
        *why = "bad record end";
        return BS_ECORRUPT;
    }
    return BS_OK;
}

void codec_doc_free(doc_record *d)
{
    free(d->categories);
    free(d->category_len);
    free(d->tags);
    free(d->tag_len);
    d->categories = NULL;
    d->category_len = NULL;
    d->ncategories = 0;
    d->tags = NULL;
    d->tag_len = NULL;
    d->ntags = 0;
}

int64_t codec_local_date(int64_t date, int tz_min)
{
    int64_t shift = (int64_t)tz_min * 60;
    /* saturated: a date at the ends of int64 stays at its end */
    if (shift > 0 && date > INT64_MAX - shift)
        return INT64_MAX;
    if (shift < 0 && date < INT64_MIN - shift)
        return INT64_MIN;
    return date + shift;
}

/* ---- the index's options ------------------------------------------------ */

void codec_options_encode(const index_options *o, txt_buf *out)
{
    buf_put_varint(out, o->drafts ? 1 : 0);
    buf_put_str(out, o->zone, o->zone_len);
    buf_put_str(out, o->url_prefix, o->url_prefix_len);
}

int codec_options_decode(const uint8_t *p, size_t len, index_options *o)
{
    const uint8_t *end = p + len;
    uint64_t flags;
    memset(o, 0, sizeof *o);
    if (codec_get_varint(&p, end, &flags) != 0 || codec_get_str(&p, end, &o->zone, &o->zone_len)
        || codec_get_str(&p, end, &o->url_prefix, &o->url_prefix_len) || p != end)
        return BS_ECORRUPT;
    o->drafts = (int)(flags & 1);
    return BS_OK;
}

/* ---- paths records ------------------------------------------------------- */

void codec_path_encode(const path_record *r, txt_buf *out)
{
    buf_put_varint(out, r->docid);
    buf_put_varint(out, r->size);
    buf_put_zigzag(out, r->mtime_ns);
    buf_put_u64be(out, r->hash);
    buf_put_varint(out, r->meta_size);
    buf_put_zigzag(out, r->meta_mtime_ns);
}

int codec_path_decode(const uint8_t *p, size_t len, path_record *r)
{
    const uint8_t *end = p + len;
    uint64_t v;
    if (codec_get_varint(&p, end, &v) != 0 || v > UINT32_MAX)
        return BS_ECORRUPT;
    r->docid = (uint32_t)v;
    if (codec_get_varint(&p, end, &r->size) != 0 || codec_get_zigzag(&p, end, &r->mtime_ns) != 0
        || end - p < 8)
        return BS_ECORRUPT;
    r->hash = codec_get_u64be(p);
    p += 8;
    if (codec_get_varint(&p, end, &r->meta_size) != 0
        || codec_get_zigzag(&p, end, &r->meta_mtime_ns) != 0 || p != end)
        return BS_ECORRUPT;
    return BS_OK;
}

/* ---- keys ---------------------------------------------------------------- */

void key_term(txt_buf *b, const char *term, size_t len, uint32_t first_docid)
{
    buf_reset(b);
    buf_put(b, term, len);
    buf_putc(b, '\0');
    buf_put_u32be(b, first_docid);
}

int key_term_split(const uint8_t *k, size_t len, size_t *term_len, uint32_t *first_docid)
{
    if (len < 6 || k[len - 5] != 0)
        return -1;
    *term_len = len - 5;
    *first_docid = codec_get_u32be(k + len - 4);
    return memchr(k, 0, *term_len) ? -1 : 0;
}

void key_docid(uint8_t out[4], uint32_t docid)
{
    out[0] = (uint8_t)(docid >> 24);
    out[1] = (uint8_t)(docid >> 16);
    out[2] = (uint8_t)(docid >> 8);
    out[3] = (uint8_t)docid;
}

void key_text(uint8_t out[6], uint32_t docid, uint16_t chunk)
{
    key_docid(out, docid);
    out[4] = (uint8_t)(chunk >> 8);
    out[5] = (uint8_t)chunk;
}

void key_date(uint8_t out[12], int64_t date, uint32_t docid)
{
    uint64_t u = (uint64_t)date ^ (1ull << 63);
    key_docid(out, (uint32_t)(u >> 32));
    key_docid(out + 4, (uint32_t)u);
    key_docid(out + 8, docid);
}

int64_t key_date_value(const uint8_t k[12])
{
    return (int64_t)(codec_get_u64be(k) ^ (1ull << 63));
}

void key_facet(txt_buf *b, char kind, const char *value, size_t len)
{
    utf8proc_uint8_t *folded = NULL;
    buf_reset(b);
    buf_putc(b, kind);
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)value, (utf8proc_ssize_t)len,
                                      &folded, UTF8PROC_STABLE | UTF8PROC_COMPOSE
                                      | UTF8PROC_CASEFOLD);
    const char *s = n >= 0 ? (const char *)folded : value;
    size_t slen = n >= 0 ? (size_t)n : len;
    for (size_t i = 0; i < slen && b->len - 1 < FACET_MAX_BYTES;) {
        /* ё → е, so a tag written either way is one facet */
        if (i + 1 < slen && (unsigned char)s[i] == 0xD1 && (unsigned char)s[i + 1] == 0x91) {
            buf_put(b, "\xD0\xB5", 2);
            i += 2;
            continue;
        }
        size_t cl = 1;
        while (i + cl < slen && ((unsigned char)s[i + cl] & 0xC0) == 0x80)
            cl++;
        if (b->len - 1 + cl > FACET_MAX_BYTES)
            break;                           /* cut on a character boundary */
        buf_put(b, s + i, cl);
        i += cl;
    }
    free(folded);
}

void key_tagid(uint8_t out[5], uint32_t id)
{
    out[0] = TAGID_BY_ID;
    key_docid(out + 1, id);
}

/* ---- doctags chunks ---------------------------------------------------------- */

/* v as width (2 or 4) bytes, big-endian. */
static void put_uint_be(txt_buf *b, uint32_t v, unsigned width)
{
    if (width == 4) {
        buf_put_u32be(b, v);
    } else {
        uint8_t t[2] = { (uint8_t)(v >> 8), (uint8_t)v };
        buf_put(b, t, 2);
    }
}

void codec_doctags_encode(const doctags_chunk *c, txt_buf *out)
{
    uint64_t mask = 0;
    uint32_t top = 0, end = 0;
    for (int i = 0; i < LENS_PER_CHUNK; i++)
        mask |= (uint64_t)(c->n[i] > 0) << i;
    for (size_t i = 0; i < c->nids; i++)
        top = c->ids[i] > top ? c->ids[i] : top;
    unsigned idw = top > 0xFFFF ? 4 : 2, endw = c->nids > 0xFFFF ? 4 : 2;
    buf_reset(out);
    buf_put_u32be(out, (uint32_t)(mask >> 32));
    buf_put_u32be(out, (uint32_t)mask);
    buf_putc(out, (char)(idw | endw << 4));
    for (int i = 0; i < LENS_PER_CHUNK; i++) {
        if (!c->n[i])
            continue;
        end += c->n[i];
        put_uint_be(out, end, endw);
    }
    for (size_t i = 0; i < c->nids; i++)
        put_uint_be(out, c->ids[i], idw);
}

/* A chunk's mask, widths, ends and ids; its length checked against them
 * (the ends themselves are checked where they are read). */
typedef struct {
    uint64_t mask;
    size_t width, endw, k, total;  /* k: posts with tags; total: ids */
    const uint8_t *end, *ids;
} doctags_head;

static size_t get_uint_be(const uint8_t *p, size_t width)
{
    return width == 4 ? (size_t)codec_get_u32be(p) : (size_t)p[0] << 8 | p[1];
}

static int doctags_head_read(const uint8_t *p, size_t len, doctags_head *h, const char **why)
{
    unsigned idw = len >= 9 ? p[8] & 0x0F : 0, endw = len >= 9 ? p[8] >> 4 : 0;
    if ((idw != 2 && idw != 4) || (endw != 2 && endw != 4)) {
        *why = "a tags chunk without its mask and widths";
        return BS_ECORRUPT;
    }
    h->mask = codec_get_u64be(p);
    h->width = idw;
    h->endw = endw;
    h->k = (size_t)__builtin_popcountll(h->mask);
    h->end = p + 9;
    h->ids = h->end + endw * h->k;
    if (len < 9 + endw * h->k) {
        *why = "a tags chunk cut in its ends";
        return BS_ECORRUPT;
    }
    h->total = h->k ? get_uint_be(h->end + endw * (h->k - 1), endw) : 0;
    if ((len - 9 - endw * h->k) / h->width != h->total
        || (len - 9 - endw * h->k) % h->width != 0) {
        *why = "a tags chunk of the wrong length";
        return BS_ECORRUPT;
    }
    return BS_OK;
}

/* The ids of the j-th post with tags: [*from, *to), checked. */
static int doctags_span(const doctags_head *h, size_t j, size_t *from, size_t *to,
                        const char **why)
{
    *from = j ? get_uint_be(h->end + h->endw * (j - 1), h->endw) : 0;
    *to = get_uint_be(h->end + h->endw * j, h->endw);
    if (*to <= *from || *to > h->total) {
        *why = "a post's tags out of their chunk";
        return BS_ECORRUPT;
    }
    return BS_OK;
}

int codec_doctags_decode(const uint8_t *p, size_t len, uint64_t want, doctags_chunk *c,
                         const char **why)
{
    memset(c->n, 0, sizeof c->n);
    c->nids = 0;
    doctags_head h;
    if (doctags_head_read(p, len, &h, why) != BS_OK)
        return BS_ECORRUPT;
    if (h.total > c->cap) {          /* room for every id: one allocation a size */
        uint32_t *v = realloc(c->ids, h.total * sizeof *v);
        if (!v)
            return BS_ENOMEM;
        c->ids = v;
        c->cap = h.total;
    }
    for (uint64_t sel = h.mask & want; sel; sel &= sel - 1) {
        int i = __builtin_ctzll(sel);
        size_t from, to, j = (size_t)__builtin_popcountll(h.mask & ((1ull << i) - 1));
        if (doctags_span(&h, j, &from, &to, why) != BS_OK)
            return BS_ECORRUPT;
        const uint8_t *q = h.ids + from * h.width;
        for (size_t t = from; t < to; t++, q += h.width) {
            uint32_t id = (uint32_t)get_uint_be(q, h.width);
            if (t > from && id <= c->ids[c->nids - 1]) {
                *why = "a post's tag ids out of order";
                return BS_ECORRUPT;
            }
            c->ids[c->nids++] = id;
        }
        c->n[i] = (uint32_t)(to - from);
    }
    return BS_OK;
}

int codec_doctags_count(const uint8_t *p, size_t len, uint64_t want, uint64_t *cnt,
                        size_t ncnt, const char **why)
{
    doctags_head h;
    if (doctags_head_read(p, len, &h, why) != BS_OK)
        return BS_ECORRUPT;
    int bad = 0;
    for (uint64_t sel = h.mask & want; sel; sel &= sel - 1) {
        int i = __builtin_ctzll(sel);
        size_t from, to, j = (size_t)__builtin_popcountll(h.mask & ((1ull << i) - 1));
        if (doctags_span(&h, j, &from, &to, why) != BS_OK)
            return BS_ECORRUPT;
        const uint8_t *q = h.ids + from * h.width, *end = h.ids + to * h.width;
        if (h.width == 2) {
            for (; q < end; q += 2) {
                uint32_t id = (uint32_t)q[0] << 8 | q[1];
                bad |= id >= ncnt;
                cnt[id < ncnt ? id : 0]++;
            }
        } else {
            for (; q < end; q += 4) {
                uint32_t id = codec_get_u32be(q);
                bad |= id >= ncnt;
                cnt[id < ncnt ? id : 0]++;
            }
        }
    }
    if (bad) {
        *why = "a tag id without its tag";
        return BS_ECORRUPT;
    }
    return BS_OK;
}

void codec_doctags_free(doctags_chunk *c)
{
    free(c->ids);
    memset(c, 0, sizeof *c);
}

uint64_t codec_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    uint64_t h = seed ^ 0x9E3779B97F4A7C15u ^ len, v;
    while (len >= 8) {
        memcpy(&v, p, 8);
        v *= 0xBF58476D1CE4E5B9u;
        v ^= v >> 31;
        h = (h ^ v) * 0x94D049BB133111EBu;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    v = 0;
    memcpy(&v, p, len);
    v *= 0xBF58476D1CE4E5B9u;
    h = (h ^ v ^ (v >> 31)) * 0x94D049BB133111EBu;
    return h ^ (h >> 32);
}
