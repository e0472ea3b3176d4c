/* analyzer.c: the pipeline text → words → normalized words → terms, and the
 * cache that makes it cheap. Word frequencies are Zipfian, so nearly every
 * word of a post was seen before: the cache maps a word's raw bytes straight
 * to its normalized form, term and stopword flag, skipping utf8proc and
 * Snowball. Memory is bounded: when the cache fills it starts over. */
#include <stdlib.h>
#include <string.h>

#include "stemming/stemming.h"

#define CACHE_SLOTS   (1u << 18)         /* open addressing, power of two */
#define CACHE_ARENA   (16u << 20)        /* bytes of entries, touched as used */
/* AN_SMALL_CACHE: for a process that analyzes a few pages of text and exits
 * (a CGI request), where every page of a big cache first touched is a page
 * fault that costs more than the stemming it saves */
#define SMALL_SLOTS   (1u << 12)
#define SMALL_ARENA   (256u << 10)

/* An entry in the arena: header, then raw bytes, norm + NUL, term + NUL. */
typedef struct {
    uint32_t hash;       /* low half of the 64-bit hash, checked before memcmp */
    uint16_t raw_len;    /* bytes, at most TOK_MAX_NCHARS * 4 */
    uint8_t norm_len;    /* bytes */
    uint8_t term_len;    /* bytes */
    uint8_t stop;        /* 1 for a stopword */
    uint8_t script;      /* NORM_*, 0 for a word that normalizes to nothing */
    uint32_t term_hash;  /* an_term_hash of the term */
} entry;

struct an_analyzer {
    stem_stemmers *stem;
    unsigned flags;                  /* AN_NO_CACHE, AN_SMALL_CACHE */
    uint32_t nslots;                 /* a power of two; half may be filled, which
                                        keeps probe chains short */
    size_t arena_cap;
    uint64_t *slots;                 /* hash << 32 | arena offset + 1; 0 is empty: the
                                        hash here spares a visit to the arena for
                                        every other word in the probe chain */
    unsigned char *arena;
    size_t arena_len;                /* bytes used */
    size_t nentries;
    uint64_t hits, misses;
    char norm[NORM_MAX_BYTES + 1];   /* the uncached word being analyzed */
    char term[NORM_MAX_BYTES + 1];
};

int an_new(an_analyzer **out, unsigned flags)
{
    an_analyzer *an = calloc(1, sizeof *an);
    *out = NULL;
    if (!an)
        return -1;
    an->flags = flags;
    if (stem_new(&an->stem) != 0)
        goto fail;
    if (!(flags & AN_NO_CACHE)) {
        int small = (flags & AN_SMALL_CACHE) != 0;
        an->nslots = small ? SMALL_SLOTS : CACHE_SLOTS;
        an->arena_cap = small ? SMALL_ARENA : CACHE_ARENA;
        an->slots = calloc(an->nslots, sizeof *an->slots);
        an->arena = malloc(an->arena_cap);
        if (!an->slots || !an->arena)
            goto fail;
    }
    *out = an;
    return 0;
fail:
    an_free(an);
    return -1;
}

void an_free(an_analyzer *an)
{
    if (!an)
        return;
    stem_free(an->stem);
    free(an->slots);
    free(an->arena);
    free(an);
}

void an_cache_stats(const an_analyzer *an, uint64_t *hits, uint64_t *misses)
{
    *hits = an->hits;
    *misses = an->misses;
}

/* Eight bytes at a time with a multiply-xorshift mix: words are short, so
 * this is one or two rounds where a byte-wise hash would be ten or twenty. */
uint32_t an_term_hash(const char *term, size_t len)
{
    uint32_t h = 2166136261u;                  /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)term[i]) * 16777619u;
    return h;
}

static uint64_t hash_bytes(const unsigned char *p, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15u ^ len, v;
    while (len >= 8) {
        memcpy(&v, p, 8);
        h = (h ^ v) * 0xBF58476D1CE4E5B9u;
        h ^= h >> 31;
        p += 8;
        len -= 8;
    }
    v = 0;
    memcpy(&v, p, len);
    h = (h ^ v) * 0x94D049BB133111EBu;
    return h ^ (h >> 29);
}

/* Normalizes and stems one word into an->norm / an->term. Returns 0, 1 if
 * the word yields no term, or -1 when out of memory. */
static int analyze_word(an_analyzer *an, const char *raw, size_t len, entry *e)
{
    int script, n = norm_word(raw, len, an->norm, &script);
    memset(e, 0, sizeof *e);
    if (n <= 0)
        return 1;
    int t = stem_word(an->stem, script, an->norm, (size_t)n, an->term);
    if (t < 0)
        return -1;
    if (t == 0)
        return 1;
    e->norm_len = (uint8_t)n;
    e->term_len = (uint8_t)t;
    e->stop = (uint8_t)stop_is_stopword(an->norm, (size_t)n);
    e->script = (uint8_t)script;
    e->term_hash = an_term_hash(an->term, (size_t)t);
    return 0;
}

/* Finds or makes the cache entry of a word. Returns a pointer to its header
 * in the arena (the strings follow it), or NULL when out of memory. */
static uint32_t slot_of(const an_analyzer *an, uint64_t h)
{
    return (uint32_t)(h >> 32) & (an->nslots - 1);
}

/* h is hash_bytes of the word, computed by the caller one word ahead. */
static const unsigned char *cache_get(an_analyzer *an, const char *raw, size_t len, uint64_t h)
{
    uint32_t mask = an->nslots - 1, i = (uint32_t)(h >> 32) & mask;
    entry e;

    for (; an->slots[i]; i = (i + 1) & mask) {
        if ((uint32_t)(an->slots[i] >> 32) != (uint32_t)h)
            continue;
        const unsigned char *p = an->arena + (uint32_t)an->slots[i] - 1;
        memcpy(&e, p, sizeof e);
        if (e.raw_len == len && memcmp(p + sizeof e, raw, len) == 0) {
            an->hits++;
            return p;
        }
    }
    an->misses++;
    if (analyze_word(an, raw, len, &e) < 0)
        return NULL;
    e.hash = (uint32_t)h;
    e.raw_len = (uint16_t)len;

    size_t need = sizeof e + len + e.norm_len + 1u + e.term_len + 1u;
    if (an->nentries >= an->nslots / 2 || an->arena_len + need > an->arena_cap) {
        memset(an->slots, 0, an->nslots * sizeof *an->slots);
        an->arena_len = 0;
        an->nentries = 0;
        for (i = (uint32_t)(h >> 32) & mask; an->slots[i]; i = (i + 1) & mask)
            ;
    }
    unsigned char *p = an->arena + an->arena_len;
    memcpy(p, &e, sizeof e);
    memcpy(p + sizeof e, raw, len);
    memcpy(p + sizeof e + len, an->norm, e.norm_len + 1u);
    memcpy(p + sizeof e + len + e.norm_len + 1, an->term, e.term_len + 1u);
    an->slots[i] = (uint64_t)(uint32_t)h << 32 | (uint32_t)(an->arena_len + 1);
    an->arena_len += need;
    an->nentries++;
    return p;
}

#define AHEAD 8   /* words looked up ahead; a power of two */

int an_analyze(an_analyzer *an, const char *text, size_t len, uint32_t *pos,
               an_token_fn fn, void *ctx)
{
    tok_scanner s;
    tok_word ring[AHEAD];
    uint64_t hash[AHEAD];
    size_t head = 0, tail = 0;      /* words [head, tail) are found, not yet analyzed */

    /* The cache is larger than the processor's caches: a lookup of any but
     * the commonest words waits on memory, twice (slot, then entry). So the
     * scan runs AHEAD words in front; each word's slot is fetched when it is
     * found, and its entry halfway to its turn. */
    tok_init(&s, text, len);
    for (;;) {
        while (tail - head < AHEAD && tok_next(&s, &ring[tail % AHEAD])) {
            if (an->slots) {
                const tok_word *nw = &ring[tail % AHEAD];
                hash[tail % AHEAD] = hash_bytes((const unsigned char *)text + nw->off, nw->len);
                __builtin_prefetch(&an->slots[slot_of(an, hash[tail % AHEAD])]);
            }
            tail++;
        }
        if (head == tail)
            break;
        if (an->slots && tail - head > AHEAD / 2) {
            size_t k = (head + AHEAD / 2) % AHEAD;
            uint64_t sl = an->slots[slot_of(an, hash[k])];
            if (sl && (uint32_t)(sl >> 32) == (uint32_t)hash[k])
                __builtin_prefetch(an->arena + (uint32_t)sl - 1);
        }
        const tok_word w = ring[head % AHEAD];
        uint64_t h = hash[head % AHEAD];
        head++;
        const char *raw = text + w.off;
        entry e;
        an_token t;

        if (an->slots) {
            const unsigned char *p = cache_get(an, raw, w.len, h);
            if (!p)
                return -1;
            memcpy(&e, p, sizeof e);
            t.norm = (const char *)p + sizeof e + w.len;
            t.term = t.norm + e.norm_len + 1;
        } else {
            if (analyze_word(an, raw, w.len, &e) < 0)
                return -1;
            t.norm = an->norm;
            t.term = an->term;
        }
        if (e.term_len == 0)
            continue;
        t.term_len = e.term_len;
        t.term_hash = e.term_hash;
        t.norm_len = e.norm_len;
        t.pos = (*pos)++;
        t.off = w.off;
        t.len = w.len;
        t.flags = (e.stop ? AN_STOP : 0u) | (w.glued ? AN_GLUED : 0u);
        t.script = e.script;
        int rc = fn(&t, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int an_analyze_prefixed(an_analyzer *an, const char *text, size_t len, const char *prefix,
                        size_t plen, an_token_fn fn, void *ctx)
{
    tok_scanner s;
    tok_word w;
    tok_init(&s, text, len);
    while (tok_next(&s, &w)) {
        int script, n = norm_word(text + w.off, w.len, an->norm, &script);
        an_token t = { .pos = 0 };
        if (n <= 0 || (size_t)n < plen || memcmp(an->norm, prefix, plen) != 0)
            continue;              /* only normalized: no stem, no callback */
        int tl = stem_word(an->stem, script, an->norm, (size_t)n, an->term);
        if (tl < 0)
            return -1;
        if (tl == 0)
            continue;
        t.term = an->term;
        t.term_len = (size_t)tl;
        t.term_hash = an_term_hash(an->term, (size_t)tl);
        t.norm = an->norm;
        t.norm_len = (size_t)n;
        t.off = w.off;
        t.len = w.len;
        t.flags = (stop_is_stopword(an->norm, (size_t)n) ? AN_STOP : 0u)
                  | (w.glued ? AN_GLUED : 0u);
        t.script = script;
        int rc = fn(&t, ctx);
        if (rc)
            return rc;
    }
    return 0;
}
