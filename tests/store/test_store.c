/* test_store.c: the codec against docs/FORMAT.md (varints, the worked block
 * example, records, keys), round trips of random posting lists, damaged
 * bytes that must give BS_ECORRUPT and never a crash, doctags chunks (the
 * worked example, round trips, counting a subset of posts), and the version
 * check of store_open. */
#include <stdlib.h>
#include <unistd.h>

#include "indexer/indexer.h"
#include "store/store.h"
#include "test.h"

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1Du;
}

static int bytes_eq(const txt_buf *b, const char *hex)
{
    size_t n = 0;
    for (const char *h = hex; *h; ) {
        if (*h == ' ') {
            h++;
            continue;
        }
        unsigned v;
        if (sscanf(h, "%2x", &v) != 1 || n >= b->len || (uint8_t)b->p[n] != v)
            return 0;
        n++;
        h += 2;
    }
    return n == b->len;
}

/* ---- varints ---------------------------------------------------------------- */

static const struct { int line; uint64_t v; const char *hex; } varints[] = {
#define V(v, hex) { __LINE__, v, hex }
    V(0, "00"),
    V(1, "01"),
    V(127, "7f"),
    V(128, "80 01"),                 /* low seven bits first */
    V(300, "ac 02"),
    V(16383, "ff 7f"),
    V(16384, "80 80 01"),
    V(UINT32_MAX, "ff ff ff ff 0f"),
    V(UINT64_MAX, "ff ff ff ff ff ff ff ff ff 01"),   /* ten bytes, the most */
#undef V
};

static void test_varints(void)
{
    for (size_t i = 0; i < sizeof varints / sizeof varints[0]; i++) {
        txt_buf b = { 0 };
        buf_put_varint(&b, varints[i].v);
        CHECK_AT(__FILE__, varints[i].line, bytes_eq(&b, varints[i].hex),
                 "varint row %zu encodes wrong", i);
        CHECK_AT(__FILE__, varints[i].line, codec_varint_len(varints[i].v) == b.len,
                 "varint row %zu: length", i);
        const uint8_t *p = (const uint8_t *)b.p;
        uint64_t got;
        CHECK_AT(__FILE__, varints[i].line,
                 codec_get_varint(&p, p + b.len, &got) == 0 && got == varints[i].v
                 && p == (const uint8_t *)b.p + b.len, "varint row %zu decodes wrong", i);
        /* every truncation is refused */
        for (size_t cut = 0; cut < b.len; cut++) {
            p = (const uint8_t *)b.p;
            CHECK_AT(__FILE__, varints[i].line, codec_get_varint(&p, p + cut, &got) == -1,
                     "varint row %zu cut to %zu bytes accepted", i, cut);
        }
        buf_free(&b);
    }
    static const uint8_t overlong[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
    const uint8_t *p = overlong;
    uint64_t v;
    CHECK(codec_get_varint(&p, overlong + sizeof overlong, &v) == -1, "65-bit varint accepted");

    static const int64_t zz[] = { 0, -1, 1, -2, 2, INT64_MIN, INT64_MAX, -1234567890123 };
    for (size_t i = 0; i < sizeof zz / sizeof zz[0]; i++) {
        txt_buf b = { 0 };
        buf_put_zigzag(&b, zz[i]);
        const uint8_t *q = (const uint8_t *)b.p;
        int64_t got;
        CHECK(codec_get_zigzag(&q, q + b.len, &got) == 0 && got == zz[i], "zigzag %lld",
              (long long)zz[i]);
        buf_free(&b);
    }
}

/* ---- the worked example of docs/FORMAT.md ------------------------------------ */

static void test_format_example(void)
{
    plist l = { 0 };
    uint32_t tf7[BS_NFIELDS] = { 1, 0, 0, 2 }, pos7[] = { 2, 0, 5 };
    uint32_t tf12[BS_NFIELDS] = { 0, 0, 0, 1 }, pos12[] = { 3 };
    plist_add(&l, 7, tf7, pos7);
    plist_add(&l, 12, tf12, pos12);
    txt_buf key = { 0 }, val = { 0 };
    key_term(&key, "докер", strlen("докер"), 7);
    codec_block_encode(&l, 0, 2, &val);
    CHECK(bytes_eq(&key, "d0 b4 d0 be d0 ba d0 b5 d1 80 00 00 00 00 07"), "example key");
    CHECK(bytes_eq(&val, "02 05 05 09 02 08 02 00 05 03"), "example value");

    plist back = { 0 };
    const char *why = NULL;
    CHECK(codec_block_decode((const uint8_t *)val.p, val.len, 7, &back, &why) == BS_OK,
          "example decodes");
    CHECK(back.n == 2 && back.docid[1] == 12 && back.tf[0][3] == 2 && back.pos[2] == 5
          && back.pos[3] == 3, "example decodes to what was encoded");
    size_t tl;
    uint32_t first;
    CHECK(key_term_split((const uint8_t *)key.p, key.len, &tl, &first) == 0 && tl == 10
          && first == 7, "key splits");
    uint32_t n;
    CHECK(codec_block_count((const uint8_t *)val.p, val.len, &n) == BS_OK && n == 2, "count");
    plist_free(&l);
    plist_free(&back);
    buf_free(&key);
    buf_free(&val);
}

/* ---- random posting lists round-trip through blocks ------------------------- */

static void random_plist(plist *l, size_t n)
{
    uint32_t docid = (uint32_t)(rng() % 1000) + 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t tf[BS_NFIELDS] = { 0 }, pos[400];
        size_t np = 0;
        while (np == 0) {
            for (int f = 0; f < BS_NFIELDS; f++) {
                tf[f] = rng() % 3 == 0 ? (uint32_t)(rng() % (rng() % 8 == 0 ? 90 : 4)) : 0;
                uint32_t p = (uint32_t)(rng() % 50);
                for (uint32_t k = 0; k < tf[f]; k++) {
                    pos[np++] = p;
                    p += 1 + (uint32_t)(rng() % 300);
                }
            }
        }
        plist_add(l, docid, tf, pos);
        docid += 1 + (uint32_t)(rng() % (rng() % 4 == 0 ? 100000 : 5));
    }
}

static int plist_eq(const plist *a, size_t from, const plist *b)
{
    for (size_t i = 0; i < b->n; i++) {
        size_t j = from + i;
        if (a->docid[j] != b->docid[i] || a->mask[j] != b->mask[i]
            || memcmp(a->tf[j], b->tf[i], sizeof a->tf[0]) != 0)
            return 0;
        size_t na = a->pos_start[j + 1] - a->pos_start[j];
        if (na != b->pos_start[i + 1] - b->pos_start[i]
            || memcmp(a->pos + a->pos_start[j], b->pos + b->pos_start[i], na * sizeof(uint32_t)))
            return 0;
    }
    return 1;
}

static void test_block_roundtrip(void)
{
    int bad = 0, oversize = 0;
    size_t blocks = 0;
    for (int round = 0; round < 300; round++) {
        plist l = { 0 };
        random_plist(&l, 1 + rng() % 600);
        for (size_t from = 0; from < l.n; ) {
            size_t cnt = codec_block_fill(&l, from, 12);
            txt_buf v = { 0 };
            codec_block_encode(&l, from, from + cnt, &v);
            if (cnt > 1 && 12 + v.len > BLK_TARGET_BYTES)
                oversize++;
            if (cnt > BLK_MAX_POSTINGS)
                oversize++;
            plist d = { 0 };
            const char *why;
            if (codec_block_decode((const uint8_t *)v.p, v.len, l.docid[from], &d, &why) != BS_OK
                || d.n != cnt || !plist_eq(&l, from, &d))
                bad++;
            /* the frequencies alone, as ranking reads them */
            posting_tf pt[BLK_MAX_POSTINGS];
            size_t npt;
            if (codec_block_decode_freqs((const uint8_t *)v.p, v.len, l.docid[from], pt, &npt,
                                         &why) != BS_OK || npt != cnt)
                bad++;
            for (size_t i = 0; i < npt && i < cnt; i++)
                if (pt[i].docid != l.docid[from + i]
                    || memcmp(pt[i].tf, l.tf[from + i], sizeof pt[i].tf) != 0)
                    bad++;
            /* the docids alone, as counting the matches reads them */
            uint32_t ids[BLK_MAX_POSTINGS];
            size_t nids;
            if (codec_block_docids((const uint8_t *)v.p, v.len, l.docid[from], ids, &nids, &why)
                    != BS_OK || nids != cnt
                || memcmp(ids, l.docid + from, cnt * sizeof *ids) != 0)
                bad++;
            plist_free(&d);
            buf_free(&v);
            from += cnt;
            blocks++;
        }
        plist_free(&l);
    }
    CHECK(bad == 0 && oversize == 0 && blocks > 300, "%d blocks differ, %d oversize, %zu blocks",
          bad, oversize, blocks);

    /* plist_remove keeps the rest intact */
    plist l = { 0 }, copy = { 0 };
    random_plist(&l, 50);
    for (size_t i = 0; i < l.n; i++)
        if (i != 17)
            plist_add(&copy, l.docid[i], l.tf[i], l.pos + l.pos_start[i]);
    plist_remove(&l, 17);
    CHECK(l.n == copy.n && plist_eq(&l, 0, &copy), "plist_remove");
    plist_free(&l);
    plist_free(&copy);
}

/* Every truncation and many single-byte changes of valid blocks: decoding
 * must answer OK or BS_ECORRUPT, never crash or read out of bounds (ASan). */
static void test_block_damage(void)
{
    size_t corrupt = 0, tried = 0;
    for (int round = 0; round < 60; round++) {
        plist l = { 0 };
        random_plist(&l, 1 + rng() % 100);
        size_t cnt = codec_block_fill(&l, 0, 12);
        txt_buf v = { 0 };
        codec_block_encode(&l, 0, cnt, &v);
        for (size_t cut = 0; cut < v.len; cut++) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, v.p, cut);
            plist d = { 0 };
            const char *why;
            int rc = codec_block_decode(copy, cut, l.docid[0], &d, &why);
            CHECK(rc == BS_ECORRUPT, "a block cut to %zu of %zu bytes decoded (rc %d)", cut,
                  v.len, rc);
            corrupt += rc == BS_ECORRUPT;
            /* the frequencies alone do not read the positions: a cut among
             * them may go unseen, but what is read must then be right */
            posting_tf pt[BLK_MAX_POSTINGS];
            size_t npt;
            int frc = codec_block_decode_freqs(copy, cut, l.docid[0], pt, &npt, &why);
            int same = frc == BS_OK && npt == cnt;
            for (size_t i = 0; same && i < npt; i++)
                same = pt[i].docid == l.docid[i] && memcmp(pt[i].tf, l.tf[i], sizeof pt[i].tf) == 0;
            CHECK(frc == BS_ECORRUPT || same, "a block cut to %zu of %zu bytes: frequencies "
                  "rc %d, %s", cut, v.len, frc, same ? "right" : "wrong");
            uint32_t ids[BLK_MAX_POSTINGS];
            size_t nids;
            int drc = codec_block_docids(copy, cut, l.docid[0], ids, &nids, &why);
            same = drc == BS_OK && nids == cnt && memcmp(ids, l.docid, cnt * sizeof *ids) == 0;
            CHECK(drc == BS_ECORRUPT || same, "a block cut to %zu of %zu bytes: docids rc %d, %s",
                  cut, v.len, drc, same ? "right" : "wrong");
            plist_free(&d);
            free(copy);
            tried++;
        }
        for (int k = 0; k < 200; k++) {
            uint8_t *copy = malloc(v.len);
            memcpy(copy, v.p, v.len);
            copy[rng() % v.len] ^= (uint8_t)(1u << (rng() % 8));
            plist d = { 0 };
            const char *why;
            int rc = codec_block_decode(copy, v.len, l.docid[0], &d, &why);
            CHECK(rc == BS_OK || rc == BS_ECORRUPT, "flipped block: rc %d", rc);
            posting_tf pt[BLK_MAX_POSTINGS];
            size_t npt;
            rc = codec_block_decode_freqs(copy, v.len, l.docid[0], pt, &npt, &why);
            CHECK(rc == BS_OK || rc == BS_ECORRUPT, "flipped block, frequencies: rc %d", rc);
            uint32_t ids[BLK_MAX_POSTINGS];
            size_t nids;
            rc = codec_block_docids(copy, v.len, l.docid[0], ids, &nids, &why);
            CHECK(rc == BS_OK || rc == BS_ECORRUPT, "flipped block, docids: rc %d", rc);
            plist_free(&d);
            free(copy);
        }
        buf_free(&v);
        plist_free(&l);
    }
    CHECK(corrupt == tried, "%zu of %zu truncations reported", corrupt, tried);
}

/* ---- docs and paths records, keys ------------------------------------------- */

/* Two records are the same post: every field, each list in its order. */
static int same_list(const char *const *a, const size_t *al, size_t an, const char *const *b,
                     const size_t *bl, size_t bn)
{
    if (an != bn)
        return 0;
    for (size_t i = 0; i < an; i++)
        if (al[i] != bl[i] || memcmp(a[i], b[i], al[i]) != 0)
            return 0;
    return 1;
}

static int same_doc(const doc_record *a, const doc_record *b)
{
    return a->has_date == b->has_date && (!a->has_date || (a->date == b->date
                                                            && a->tz_min == b->tz_min))
           && memcmp(a->len, b->len, sizeof a->len) == 0 && a->body_bytes == b->body_bytes
           && a->title_len == b->title_len && memcmp(a->title, b->title, a->title_len) == 0
           && a->author_len == b->author_len && memcmp(a->author, b->author, a->author_len) == 0
           && a->path_len == b->path_len && memcmp(a->path, b->path, a->path_len) == 0
           && same_list(a->categories, a->category_len, a->ncategories, b->categories,
                        b->category_len, b->ncategories)
           && same_list(a->tags, a->tag_len, a->ntags, b->tags, b->tag_len, b->ntags);
}

static void test_records(void)
{
    static const char *tags[] = { "docker", "success story", "виртуализация" };
    static size_t tag_len[] = { 6, 13, 26 };
    static const char *cats[] = { "Виртуализация", "Linux", "Новости, и не только" };
    static size_t cat_len[] = { 26, 5, 37 };
    static const struct {
        int line;
        int has_date;
        int64_t date;
        int tz_min;
        size_t ncats, ntags;
    } rows[] = {
#define D(has, date, tz, ncats, ntags) { __LINE__, has, INT64_C(date), tz, ncats, ntags }
        D(1, -31536000, 0, 1, 3),            /* before 1970, one category */
        D(1, 1255731471, 240, 3, 3),         /* +04:00, several categories, one with a comma */
        D(1, 1487955664, -330, 0, 0),        /* west of UTC, no category, no tag */
        D(1, 1487955664, 1560, 2, 1),        /* the widest offset kept */
        D(1, 1487955664, -1560, 2, 1),
        D(0, 0, 0, 3, 0),                    /* no date: no offset either */
#undef D
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        doc_record d = {
            .has_date = rows[i].has_date, .date = rows[i].date, .tz_min = rows[i].tz_min,
            .len = { 5, 3, 0, 1234 }, .path = "/blog/posts/a.rst", .path_len = 17, .url = "",
            .url_len = 0, .title = "Заголовок", .title_len = strlen("Заголовок"),
            .slug = "a", .slug_len = 1, .author = "Автор", .author_len = strlen("Автор"),
            .description = "d", .description_len = 1, .format = "rst", .format_len = 3,
            .ncategories = rows[i].ncats, .categories = cats, .category_len = cat_len,
            .ntags = rows[i].ntags, .tags = tags, .tag_len = tag_len, .body_bytes = 98765,
        };
        txt_buf b = { 0 };
        codec_doc_encode(&d, &b);
        doc_record e;
        const char *why = "";
        int rc = codec_doc_decode((const uint8_t *)b.p, b.len, &e, &why);
        CHECK_AT(__FILE__, rows[i].line, rc == BS_OK && same_doc(&d, &e),
                 "record row %zu: decodes %d (%s), the same post: %d", i, rc, why,
                 rc == BS_OK && same_doc(&d, &e));
        codec_doc_free(&e);
        size_t wrong = 0;
        for (size_t cut = 0; cut < b.len; cut++) {
            rc = codec_doc_decode((const uint8_t *)b.p, cut, &e, &why);
            wrong += rc != BS_ECORRUPT;
            codec_doc_free(&e);
        }
        CHECK_AT(__FILE__, rows[i].line, wrong == 0, "record row %zu: %zu cuts decode", i, wrong);
        buf_free(&b);
    }
    /* an offset past 26 hours is damage, not a zone */
    doc_record d = { .has_date = 1, .date = 0, .tz_min = 1561, .path = "", .url = "",
                     .title = "", .slug = "", .author = "", .description = "", .format = "" };
    txt_buf b = { 0 };
    codec_doc_encode(&d, &b);
    doc_record e;
    const char *why = "";
    CHECK(codec_doc_decode((const uint8_t *)b.p, b.len, &e, &why) == BS_ECORRUPT
          && strstr(why, "offset"), "an offset out of range: %s", why);
    codec_doc_free(&e);
    buf_free(&b);

    /* the index's options */
    index_options o = { 1, "Europe/Moscow", 13, "/posts/", 7 }, back;
    codec_options_encode(&o, &b);
    CHECK(codec_options_decode((const uint8_t *)b.p, b.len, &back) == BS_OK && back.drafts == 1
          && back.zone_len == 13 && memcmp(back.zone, "Europe/Moscow", 13) == 0
          && back.url_prefix_len == 7 && memcmp(back.url_prefix, "/posts/", 7) == 0,
          "options round trip");
    CHECK(codec_options_decode((const uint8_t *)b.p, b.len - 1, &back) == BS_ECORRUPT,
          "options cut");
    buf_free(&b);

    path_record r = { 42, 3000, 1700000000123456789, 0xDEADBEEFCAFEF00Du, 10, -5 }, s;
    codec_path_encode(&r, &b);
    CHECK(codec_path_decode((const uint8_t *)b.p, b.len, &s) == BS_OK && s.docid == r.docid
          && s.size == r.size && s.mtime_ns == r.mtime_ns && s.hash == r.hash
          && s.meta_size == r.meta_size && s.meta_mtime_ns == r.meta_mtime_ns, "path round trip");
    CHECK(codec_path_decode((const uint8_t *)b.p, b.len - 1, &s) == BS_ECORRUPT, "path cut");
    buf_free(&b);
}

static void test_keys(void)
{
    /* dates sort by value, negative before positive, then by docid */
    static const int64_t dates[] = { INT64_MIN, -86400, -1, 0, 1, 1700000000, INT64_MAX };
    uint8_t prev[12], k[12];
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        key_date(k, dates[i], 7);
        CHECK(key_date_value(k) == dates[i], "date key round trip %lld", (long long)dates[i]);
        if (i)
            CHECK(memcmp(prev, k, 12) < 0, "date keys out of order at %zu", i);
        memcpy(prev, k, 12);
    }
    uint8_t a[12], b[12];
    key_date(a, 5, 1);
    key_date(b, 5, 2);
    CHECK(memcmp(a, b, 12) < 0, "same date sorts by docid");

    /* keyed by each post's own wall clock: 2009-10-17T02:17:51+04:00 is
     * earlier than 2009-10-16T23:00:00Z but sorts after it, on its own day */
    static const struct { int line; int64_t date; int tz; int64_t want; } local[] = {
#define L(date, tz, want) { __LINE__, date, tz, want }
        L(INT64_C(1255731471), 240, INT64_C(1255745871)),   /* 2009-10-17T02:17:51 */
        L(INT64_C(1255734000), 0, INT64_C(1255734000)),     /* 2009-10-16T23:00:00 */
        L(INT64_C(1255734000), -330, INT64_C(1255714200)),
        L(INT64_MAX - 10, 60, INT64_MAX),    /* saturated at the ends */
        L(INT64_MIN + 10, -60, INT64_MIN),
#undef L
    };
    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++)
        CHECK_AT(__FILE__, local[i].line, codec_local_date(local[i].date, local[i].tz)
                 == local[i].want, "local date row %zu: %lld", i,
                 (long long)codec_local_date(local[i].date, local[i].tz));
    key_date(a, codec_local_date(1255731471, 240), 1);
    key_date(b, codec_local_date(1255734000, 0), 2);
    CHECK(memcmp(b, a, 12) < 0, "the post of the 16th in UTC sorts before that of the 17th");

    static const struct { int line; char kind; const char *in, *want; } facets[] = {
#define F(kind, in, want) { __LINE__, kind, in, want }
        F('t', "Docker", "tdocker"),
        F('t', "Success Story", "tsuccess story"),
        F('c', "Виртуализация", "cвиртуализация"),
        F('t', "Ёжик", "tежик"),                    /* ё folds like in words */
        F('a', "ＡＢＣ", "aａｂｃ"),                 /* case folds, width does not */
#undef F
    };
    txt_buf kb = { 0 };
    for (size_t i = 0; i < sizeof facets / sizeof facets[0]; i++) {
        key_facet(&kb, facets[i].kind, facets[i].in, strlen(facets[i].in));
        CHECK_AT(__FILE__, facets[i].line, strcmp(kb.p, facets[i].want) == 0,
                 "facet row %zu: got \"%s\", want \"%s\"", i, kb.p, facets[i].want);
    }
    char longtag[1000];
    for (int i = 0; i < 499; i++)
        memcpy(longtag + 2 * i, "ж", 2);
    longtag[998] = 'x';
    longtag[999] = 0;
    key_facet(&kb, 't', longtag, 999);
    CHECK(kb.len - 1 <= FACET_MAX_BYTES && (kb.len - 1) % 2 == 0, "long facet cut on a "
          "character boundary: %zu bytes", kb.len - 1);
    buf_free(&kb);
    CHECK(codec_hash64("abc", 3, 0) != codec_hash64("abd", 3, 0), "hash differs");
    CHECK(codec_hash64("abc", 3, 0) == codec_hash64("abc", 3, 0), "hash is stable");
}

/* ---- store_open and the version check ---------------------------------------- */

static void test_open(void)
{
    char dir[] = "/tmp/bs-test-store-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    char ix[256], err[1024];
    snprintf(ix, sizeof ix, "%s/ix", dir);
    store *st;

    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_ENOTFOUND && !st
          && strstr(err, "blogsearch-index"), "reading a missing index: %s", err);
    CHECK(store_open(&st, ix, STORE_CREATE, err, sizeof err) == BS_OK, "create: %s", err);
    MDB_txn *txn;
    store_stats s = { 3, 9, { 1, 2, 3, 4 } }, t;
    CHECK(store_txn_begin(st, 0, &txn) == BS_OK, "write txn");
    CHECK(store_put_stats(st, txn, &s) == BS_OK, "put stats");
    CHECK(mdb_txn_commit(txn) == 0, "commit");
    store_close(st);

    /* committed, yet never marked built by a run: being built, for readers
     * only (the writer that finishes it opens it) */
    st = NULL;
    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_ENOTREADY && !st
          && strstr(err, "is being built") && strstr(err, "blogsearch-index --index"),
          "an index never built, read: %s", err);
    CHECK(store_open(&st, ix, 0, err, sizeof err) == BS_OK, "an index never built, written: %s",
          err);
    CHECK(st && store_txn_begin(st, 0, &txn) == BS_OK, "write txn");
    CHECK(store_mark_built(st, txn) == BS_OK && mdb_txn_commit(txn) == 0, "mark built");
    store_close(st);

    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_OK, "reopen: %s", err);
    CHECK(store_txn_begin(st, MDB_RDONLY, &txn) == BS_OK, "read txn");
    CHECK(store_get_stats(st, txn, &t) == BS_OK && memcmp(&s, &t, sizeof s) == 0, "stats");
    mdb_txn_abort(txn);
    store_close(st);

    /* another format version is refused with the rebuild command */
    CHECK(store_open(&st, ix, 0, err, sizeof err) == BS_OK, "open rw");
    CHECK(store_txn_begin(st, 0, &txn) == BS_OK, "write txn");
    uint8_t v4[4];
    key_docid(v4, BS_FORMAT_VERSION + 1);
    MDB_val k = { 6, "format" }, v = { 4, v4 };
    CHECK(mdb_put(txn, st->meta, &k, &v, 0) == 0 && mdb_txn_commit(txn) == 0, "stamp v+1");
    store_close(st);
    char has[64], reads[64];
    snprintf(has, sizeof has, "has format version %u,", BS_FORMAT_VERSION + 1);
    snprintf(reads, sizeof reads, "reads format version %u;", BS_FORMAT_VERSION);
    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_EVERSION && !st
          && strstr(err, "--full") && strstr(err, has) && strstr(err, reads),
          "wrong version: %s", err);
    /* ...yet blogsearch-index --full rebuilds it and stamps it anew */
    CHECK(store_open(&st, ix, STORE_ANY_VERSION, err, sizeof err) == BS_OK, "any version: %s",
          err);
    store_close(st);
    walk_list none = { 0 };
    writer_opts wo = { .full = 1, .max_file_bytes = 1 << 20, .mem_limit = 1 << 20 };
    writer_summary sum;
    CHECK(writer_run(ix, &none, &wo, &sum, err, sizeof err) == BS_OK, "--full over it: %s", err);
    CHECK(store_open(&st, ix, STORE_RDONLY, err, sizeof err) == BS_OK, "rebuilt: %s", err);
    store_close(st);
    wo.full = 0;
    CHECK(store_open(&st, ix, 0, err, sizeof err) == BS_OK, "open rw");
    CHECK(store_txn_begin(st, 0, &txn) == BS_OK, "write txn");
    CHECK(mdb_put(txn, st->meta, &k, &v, 0) == 0 && mdb_txn_commit(txn) == 0, "stamp v+1");
    store_close(st);
    CHECK(writer_run(ix, &none, &wo, &sum, err, sizeof err) == BS_EVERSION, "without --full: "
          "refused");

    char data[300];
    snprintf(data, sizeof data, "%s/data.mdb", ix);
    unlink(data);
    snprintf(data, sizeof data, "%s/lock.mdb", ix);
    unlink(data);
    rmdir(ix);
    rmdir(dir);
}

static void test_json(void)
{
    static const struct { int line; const char *in, *want; } rows[] = {
#define J(in, want) { __LINE__, in, want }
        J("", "\"\""),
        J("plain текст", "\"plain текст\""),
        J("say \"hi\"", "\"say \\\"hi\\\"\""),          /* quotes escaped */
        J("a\\b", "\"a\\\\b\""),                       /* backslash escaped */
        J("line\nbreak", "\"line\\nbreak\""),
        J("tab\there", "\"tab\\u0009here\""),           /* other controls as \u00XX */
        J("<script>", "\"<script>\""),                   /* JSON needs no HTML escaping */
        J("a\xFF b", "\"a\xEF\xBF\xBD b\""),               /* a byte of no character: U+FFFD */
        J("ж\xD0", "\"ж\xEF\xBF\xBD\""),                   /* a character cut short */
        J("\xC0\xAF", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""),       /* overlong "/": one U+FFFD a byte */
        J("\xED\xA0\x80ё", "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDё\""),  /* a surrogate, then text */
#undef J
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txt_buf b = { 0 };
        buf_put_json(&b, rows[i].in, strlen(rows[i].in));
        CHECK_AT(__FILE__, rows[i].line, b.p && strcmp(b.p, rows[i].want) == 0,
                 "json row %zu: got %s, want %s", i, b.p ? b.p : "(null)", rows[i].want);
        buf_free(&b);
    }
}

/* ---- doctags chunks ----------------------------------------------------------- */

static void test_doctags(void)
{
    /* docs/FORMAT.md's example: post 7 with tags 3 and 12, post 12 with 3 */
    doctags_chunk c = { { 0 }, NULL, 0, 0 }, d = { { 0 }, NULL, 0, 0 };
    uint32_t ex[] = { 3, 12, 3 };
    c.n[7] = 2;
    c.n[12] = 1;
    c.ids = ex;
    c.nids = 3;
    txt_buf b = { 0 };
    codec_doctags_encode(&c, &b);
    CHECK(bytes_eq(&b, "00 00 00 00 00 00 10 80 22 00 02 00 03 00 03 00 0c 00 03"), "doctags example");
    const char *why;
    const uint8_t *p = (const uint8_t *)b.p;
    CHECK(codec_doctags_decode(p, b.len, UINT64_MAX, &d, &why) == BS_OK && d.n[7] == 2
          && d.n[12] == 1 && d.nids == 3 && d.ids[0] == 3 && d.ids[1] == 12 && d.ids[2] == 3,
          "example decodes");
    CHECK(codec_doctags_decode(p, b.len, 1ull << 12, &d, &why) == BS_OK && d.n[7] == 0
          && d.n[12] == 1 && d.nids == 1 && d.ids[0] == 3, "example, post 12 only");
    uint64_t cnt[16] = { 0 };
    CHECK(codec_doctags_count(p, b.len, UINT64_MAX, cnt, 16, &why) == BS_OK && cnt[3] == 2
          && cnt[12] == 1 && cnt[0] == 0, "example counted");
    CHECK(codec_doctags_count(p, b.len, UINT64_MAX, cnt, 12, &why) == BS_ECORRUPT,
          "an id past the ids given is damage");

    /* random chunks, ids of two and four bytes, decoded and counted for
     * random subsets of their posts; posts of up to 7 tags, every tenth
     * round up to 700 (more than 255), and some rounds more than 65,535 ids
     * in the chunk (ends of four bytes) */
    enum { NID = 80000, BIG = 6000 };
    uint64_t *want_cnt = calloc(NID, sizeof *want_cnt), *got_cnt = calloc(NID, sizeof *got_cnt);
    uint32_t *ids = malloc(LENS_PER_CHUNK * BIG * sizeof *ids);
    for (int round = 0; round < 300 && want_cnt && got_cnt && ids; round++) {
        uint32_t top = round % 3 == 0 ? NID : 300;
        uint32_t most = round % 50 == 7 ? BIG : round % 10 == 1 ? 700 : 8;
        memset(&c, 0, sizeof c);
        c.ids = ids;
        for (int i = 0; i < LENS_PER_CHUNK; i++) {
            uint32_t n = most != BIG && rng() % 3 ? 0 : (uint32_t)(rng() % most);
            uint32_t id = (uint32_t)(rng() % (top / 2));
            /* ids stay below NID */
            uint32_t step = most == BIG ? 1 : most > 8 ? 8 : top / 16;
            for (uint32_t j = 0; j < n; j++, id += 1 + (uint32_t)(rng() % step))
                ids[c.nids++] = id;
            c.n[i] = n;
        }
        if (most == BIG)
            CHECK(c.nids > 65535, "doctags round %d: %zu ids, more than two-byte ends hold",
                  round, c.nids);
        codec_doctags_encode(&c, &b);
        p = (const uint8_t *)b.p;
        uint64_t want = rng() & rng();
        int ok = codec_doctags_decode(p, b.len, UINT64_MAX, &d, &why) == BS_OK
                 && d.nids == c.nids && memcmp(d.n, c.n, sizeof c.n) == 0
                 && (c.nids == 0 || memcmp(d.ids, c.ids, c.nids * sizeof *ids) == 0);
        CHECK(ok, "doctags round %d: round trip", round);
        memset(want_cnt, 0, NID * sizeof *want_cnt);
        memset(got_cnt, 0, NID * sizeof *got_cnt);
        size_t at = 0, picked = 0;
        for (int i = 0; i < LENS_PER_CHUNK; i++) {
            for (uint32_t j = 0; j < c.n[i] && (want >> i & 1); j++)
                want_cnt[ids[at + j]]++;
            picked += (want >> i & 1) ? c.n[i] : 0;
            at += c.n[i];
        }
        ok = codec_doctags_decode(p, b.len, want, &d, &why) == BS_OK && d.nids == picked;
        for (int i = 0; i < LENS_PER_CHUNK && ok; i++)
            ok = d.n[i] == ((want >> i & 1) ? c.n[i] : 0);
        CHECK(ok, "doctags round %d: the posts of a subset", round);
        CHECK(codec_doctags_count(p, b.len, want, got_cnt, NID, &why) == BS_OK
              && memcmp(got_cnt, want_cnt, NID * sizeof *got_cnt) == 0,
              "doctags round %d: counts", round);
        /* cut anywhere (in a large chunk: near its ends and at a stride),
         * or a byte more: damage, never a read past the end */
        for (size_t cut = 0; cut < b.len; cut += b.len < 4096 || cut < 600 ? 1 : 997) {
            uint8_t *copy = malloc(cut ? cut : 1);
            memcpy(copy, p, cut);
            CHECK(codec_doctags_decode(copy, cut, UINT64_MAX, &d, &why) == BS_ECORRUPT
                  && codec_doctags_count(copy, cut, UINT64_MAX, got_cnt, NID, &why)
                     == BS_ECORRUPT, "doctags round %d: cut at %zu", round, cut);
            free(copy);
        }
        buf_putc(&b, 0);
        CHECK(codec_doctags_decode((const uint8_t *)b.p, b.len, UINT64_MAX, &d, &why)
              == BS_ECORRUPT, "doctags round %d: a byte too many", round);
    }
    free(want_cnt);
    free(got_cnt);
    free(ids);

    /* a post with no ids, an id width of 3, ids repeated or out of order,
     * ends going back */
    static const char *const bad[] = {
        "00 00 00 00 00 00 00 01 22 00 00",
        "00 00 00 00 00 00 00 01 23 00 01 00 00 05",
        "00 00 00 00 00 00 00 01 32 00 01 00 05",
        "00 00 00 00 00 00 00 01 02 00 01 00 05",
        "00 00 00 00 00 00 00 01 22 00 02 00 05 00 05",
        "00 00 00 00 00 00 00 01 22 00 02 00 07 00 05",
        "00 00 00 00 00 00 00 03 22 00 02 00 01 00 05",
        "00 00 00 00 00 00 00 01 42 00 00 00 02 00 05",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t raw[32];
        size_t n = 0;
        for (const char *h = bad[i]; *h; h += h[2] ? 3 : 2) {
            unsigned v;
            sscanf(h, "%2x", &v);
            raw[n++] = (uint8_t)v;
        }
        CHECK(codec_doctags_decode(raw, n, UINT64_MAX, &d, &why) == BS_ECORRUPT,
              "bad doctags chunk %zu accepted", i);
    }
    codec_doctags_free(&d);
    buf_free(&b);
}

int main(void)
{
    test_json();
    test_varints();
    test_format_example();
    test_block_roundtrip();
    test_block_damage();
    test_records();
    test_keys();
    test_doctags();
    test_open();
    return test_report("test_store");
}
