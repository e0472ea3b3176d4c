/* translit.c: a word's spellings in the other script, from rules: докер →
 * docker, ансибл → ansible; privet → привет, docker → докер. Each rule reads
 * one to four letters (in a context: word start or end, before or after a
 * vowel) and gives alternatives with weights; a variant's weight is the
 * product of its rules'. A beam over the word's positions keeps the best
 * partial spellings only, so the work grows with the word's length times
 * the beam, never exponentially. docs/correction.md says why these rules. */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

enum {
    AT_START = 1, AT_END = 2,            /* the letters begin / end the word */
    BEFORE_V = 4, BEFORE_C = 8,          /* the next letter is a vowel / a consonant */
    AFTER_V = 16, AFTER_C = 32,          /* the letter before is a vowel / a consonant */
    BEFORE_EIY = 64,                     /* the next letter is e, i or y (Latin c, g) */
    BEFORE_NMSFL = 128,                  /* эн, эм, эс, эф, эл: a letter's name */
};

typedef struct {
    const char *from;     /* letters read, UTF-8 */
    unsigned ctx;         /* all of these must hold */
    float split;          /* weight of reading these letters one by one instead */
    struct { const char *to; float w; } alt[5];
} rule;

/* Cyrillic → Latin: how English names are written in Russian, read back.
 * For the same letters the first rule whose context holds is used. */
static const rule cyr_rules[] = {
    {"дж", 0, 0.3f, {{"j", 1}, {"g", 0.6f}, {"dg", 0.2f}}},
    {"кс", 0, 0.7f, {{"x", 1}}},
    {"кв", 0, 1, {{"qu", 0.6f}}},
    {"ей", 0, 1, {{"ay", 0.5f}, {"a", 0.3f}}},        /* вейланд, кейс */
    {"ай", 0, 1, {{"i", 0.5f}}},                       /* сайт, лайк */
    {"а", 0, 1, {{"a", 1}, {"u", 0.3f}}},              /* гитхаб */
    {"б", 0, 1, {{"b", 1}}},
    {"в", 0, 1, {{"v", 1}, {"w", 0.5f}}},
    {"г", 0, 1, {{"g", 1}}},
    {"д", 0, 1, {{"d", 1}}},
    {"е", AT_START, 1, {{"e", 1}, {"a", 0.4f}}},
    {"е", 0, 1, {{"e", 1}}},
    {"ж", 0, 1, {{"zh", 1}, {"j", 0.5f}, {"g", 0.4f}}},
    {"з", 0, 1, {{"z", 1}, {"s", 0.4f}}},
    {"и", 0, 1, {{"i", 1}, {"y", 0.5f}, {"ee", 0.3f}}},
    {"й", 0, 1, {{"y", 1}, {"i", 0.5f}}},
    {"к", 0, 1, {{"k", 1}, {"c", 0.6f}, {"ck", 0.3f}}},
    {"л", AT_END | AFTER_C, 1, {{"le", 1}, {"l", 0.6f}}},   /* ансибл, гугл */
    {"л", 0, 1, {{"l", 1}}},
    {"м", 0, 1, {{"m", 1}}},
    {"н", 0, 1, {{"n", 1}}},
    {"о", 0, 1, {{"o", 1}}},
    {"п", 0, 1, {{"p", 1}}},
    {"р", 0, 1, {{"r", 1}}},
    {"с", 0, 1, {{"s", 1}, {"c", 0.4f}, {"ss", 0.2f}}},
    {"т", 0, 1, {{"t", 1}, {"th", 0.3f}}},
    {"у", BEFORE_V, 1, {{"u", 1}, {"w", 0.4f}, {"oo", 0.3f}}},
    {"у", 0, 1, {{"u", 1}, {"oo", 0.5f}}},
    {"ф", 0, 1, {{"f", 1}, {"ph", 0.3f}}},
    {"х", 0, 1, {{"h", 1}, {"kh", 0.5f}}},
    {"ц", 0, 1, {{"ts", 1}, {"c", 0.5f}, {"z", 0.4f}, {"tz", 0.2f}}},
    {"ч", 0, 1, {{"ch", 1}, {"tch", 0.2f}}},
    {"ш", 0, 1, {{"sh", 1}}},
    {"щ", 0, 1, {{"sch", 1}, {"shch", 0.7f}}},
    {"ъ", 0, 1, {{"", 1}}},
    {"ы", 0, 1, {{"y", 1}, {"i", 0.5f}}},
    {"ь", 0, 1, {{"", 1}}},
    {"э", AT_START | BEFORE_NMSFL, 1, {{"e", 1}, {"a", 0.5f}, {"", 0.4f}}},  /* энджинкс */
    {"э", 0, 1, {{"e", 1}, {"a", 0.5f}}},
    {"ю", 0, 1, {{"yu", 1}, {"u", 0.6f}, {"you", 0.3f}}},
    {"я", 0, 1, {{"ya", 1}, {"ia", 0.5f}, {"a", 0.4f}}},
    {"ё", 0, 1, {{"yo", 1}, {"e", 0.6f}}},
};

/* Latin → Cyrillic: English spellings to Russian sounds, and the usual
 * transliteration of Russian (shifrovanie, virtualizatsiya). */
static const rule lat_rules[] = {
    {"shch", 0, 0.1f, {{"щ", 1}}},
    {"tsya", AT_END, 1, {{"тся", 1}, {"ця", 0.5f}}},   /* -etsya: verbs */
    {"sch", 0, 0.2f, {{"щ", 1}, {"ск", 0.5f}, {"сх", 0.3f}}},
    {"ck", 0, 0.1f, {{"к", 1}}},
    {"ch", 0, 0.1f, {{"ч", 1}, {"х", 0.5f}, {"к", 0.4f}}},
    {"sh", 0, 0.2f, {{"ш", 1}}},
    {"zh", 0, 0.2f, {{"ж", 1}}},
    {"kh", 0, 0.3f, {{"х", 1}}},
    {"ts", 0, 0.4f, {{"ц", 1}}},
    {"tz", 0, 0.4f, {{"ц", 1}}},
    {"ph", 0, 0.3f, {{"ф", 1}}},
    {"th", 0, 0.5f, {{"т", 1}, {"з", 0.4f}, {"с", 0.3f}}},
    {"qu", 0, 0.2f, {{"кв", 1}, {"к", 0.5f}}},
    {"oo", 0, 0.3f, {{"у", 1}}},
    {"ee", 0, 0.3f, {{"и", 1}}},
    {"ea", 0, 1, {{"и", 0.4f}}},
    {"ou", 0, 1, {{"у", 0.6f}, {"ау", 0.4f}}},
    {"ai", 0, 0.5f, {{"ай", 1}, {"ей", 0.5f}}},
    {"ay", 0, 1, {{"ей", 0.6f}}},
    {"ei", 0, 0.5f, {{"ей", 1}}},
    {"iy", AT_END, 0.3f, {{"ий", 1}, {"ый", 0.6f}}},
    {"ya", 0, 0.2f, {{"я", 1}}},
    {"yu", 0, 0.2f, {{"ю", 1}}},
    {"ye", 0, 0.3f, {{"е", 1}, {"йе", 0.3f}}},
    {"yo", 0, 0.3f, {{"е", 1}, {"йо", 0.5f}}},
    {"le", AT_END | AFTER_C, 1, {{"л", 1}, {"ле", 0.6f}}},   /* ansible, google */
    {"a", 0, 1, {{"а", 1}, {"э", 0.3f}, {"ей", 0.3f}}},
    {"b", 0, 1, {{"б", 1}}},
    {"c", BEFORE_EIY, 1, {{"с", 1}, {"ц", 0.4f}, {"к", 0.2f}}},
    {"c", 0, 1, {{"к", 1}, {"с", 0.3f}, {"ц", 0.2f}}},
    {"d", 0, 1, {{"д", 1}}},
    {"e", AT_START, 1, {{"э", 1}, {"е", 0.5f}}},
    {"e", AT_END | AFTER_C, 1, {{"е", 1}, {"", 0.8f}}},      /* a silent final e */
    {"e", 0, 1, {{"е", 1}, {"э", 0.4f}, {"и", 0.3f}}},
    {"f", 0, 1, {{"ф", 1}}},
    {"g", BEFORE_EIY, 1, {{"г", 1}, {"дж", 0.6f}}},
    {"g", 0, 1, {{"г", 1}, {"дж", 0.4f}}},
    {"h", 0, 1, {{"х", 1}, {"", 0.2f}}},
    {"i", 0, 1, {{"и", 1}, {"ай", 0.3f}, {"ы", 0.2f}}},
    {"j", 0, 1, {{"дж", 1}, {"й", 0.5f}, {"ж", 0.4f}}},
    {"k", 0, 1, {{"к", 1}}},
    {"l", 0, 1, {{"л", 1}, {"ль", 0.3f}}},
    {"m", 0, 1, {{"м", 1}}},
    {"n", 0, 1, {{"н", 1}}},
    {"o", 0, 1, {{"о", 1}, {"а", 0.3f}, {"у", 0.2f}}},
    {"p", 0, 1, {{"п", 1}}},
    {"q", 0, 1, {{"к", 1}}},
    {"r", 0, 1, {{"р", 1}}},
    {"s", AFTER_V | BEFORE_V, 1, {{"с", 1}, {"з", 0.6f}}},   /* user, browser */
    {"s", 0, 1, {{"с", 1}, {"з", 0.4f}}},
    {"t", 0, 1, {{"т", 1}}},
    {"u", 0, 1, {{"у", 1}, {"а", 0.5f}, {"ю", 0.4f}}},
    {"v", 0, 1, {{"в", 1}}},
    {"w", 0, 1, {{"в", 1}, {"у", 0.5f}}},
    {"x", 0, 1, {{"кс", 1}, {"кз", 0.2f}}},
    {"y", AFTER_V, 1, {{"й", 1}, {"и", 0.3f}}},
    {"y", AT_START | BEFORE_V, 1, {{"й", 1}}},
    {"y", AT_END | AFTER_C, 1, {{"и", 1}, {"ы", 0.5f}, {"ий", 0.3f}}},
    {"y", 0, 1, {{"и", 1}, {"ы", 0.6f}, {"й", 0.2f}}},
    {"z", 0, 1, {{"з", 1}, {"ц", 0.2f}}},
};

#define MAX_FROM 4                 /* letters one rule reads at most */
#define MAX_WORD 128               /* letters of a word we spell */

static int in_set(const char *set, uint32_t c)
{
    const unsigned char *p = (const unsigned char *)set, *end = p + strlen(set);
    while (p < end) {
        int32_t x;
        p += utf8_decode(p, end, &x);
        if ((uint32_t)x == c)
            return 1;
    }
    return 0;
}

typedef struct {
    const uint32_t *w;    /* the word's letters */
    size_t n;
    const char *vowels;
} word;

static int vowel(const word *w, size_t i) { return in_set(w->vowels, w->w[i]); }
/* a consonant: a letter that is no vowel, nor й ь ъ */
static int consonant(const word *w, size_t i)
{
    return !vowel(w, i) && !in_set("йьъ", w->w[i]);
}

/* n letters of r->from at i, its context holding: the letters it reads, else 0 */
static size_t match(const rule *r, const word *w, size_t i)
{
    const unsigned char *p = (const unsigned char *)r->from, *end = p + strlen(r->from);
    size_t k = 0;
    while (p < end) {
        int32_t x;
        p += utf8_decode(p, end, &x);
        if (i + k >= w->n || w->w[i + k] != (uint32_t)x)
            return 0;
        k++;
    }
    size_t j = i + k;   /* the letter after */
    unsigned c = r->ctx;
    if (((c & AT_START) && i != 0) || ((c & AT_END) && j != w->n) ||
        ((c & BEFORE_V) && (j >= w->n || !vowel(w, j))) ||
        ((c & BEFORE_C) && (j >= w->n || !consonant(w, j))) ||
        ((c & AFTER_V) && (i == 0 || !vowel(w, i - 1))) ||
        ((c & AFTER_C) && (i == 0 || !consonant(w, i - 1))) ||
        ((c & BEFORE_EIY) && (j >= w->n || !in_set("eiy", w->w[j]))) ||
        ((c & BEFORE_NMSFL) && (j >= w->n || !in_set("нмсфл", w->w[j]))))
        return 0;
    return k;
}

/* A partial spelling: what it wrote and its weight. */
typedef struct {
    double score;
    size_t len;
    char s[NORM_MAX_BYTES + 1];
} item;

typedef struct {
    item *v;
    size_t n;
} beam;

/* Adds s (len bytes) with score to b of at most cap items: the same text
 * keeps its best weight, a full beam drops its worst. */
static void beam_add(beam *b, size_t cap, const char *pre, size_t prelen, const char *s,
                     size_t len, double score)
{
    size_t tot = prelen + len;
    if (tot > NORM_MAX_BYTES)
        return;
    size_t worst = 0;
    for (size_t i = 0; i < b->n; i++) {
        item *it = &b->v[i];
        if (it->len == tot && memcmp(it->s, pre, prelen) == 0 &&
            memcmp(it->s + prelen, s, len) == 0) {
            if (score > it->score)
                it->score = score;
            return;
        }
        if (it->score < b->v[worst].score)
            worst = i;
    }
    item *it;
    if (b->n < cap)
        it = &b->v[b->n++];
    else if (score > b->v[worst].score)
        it = &b->v[worst];
    else
        return;
    it->score = score;
    it->len = tot;
    memmove(it->s, pre, prelen);
    memcpy(it->s + prelen, s, len);
    it->s[tot] = '\0';
}

static int by_score(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return strcmp(x->s, y->s);   /* ties in one fixed order */
}

/* The letters of the word, if all are of the script's alphabet. */
static size_t letters(const char *s, size_t len, int script, uint32_t *w)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    size_t n = 0;
    while (p < end) {
        int32_t c;
        p += utf8_decode(p, end, &c);
        int ok = script == NORM_CYRILLIC ? (c >= 0x430 && c <= 0x44F) || c == 0x451
                                         : c >= 'a' && c <= 'z';
        if (!ok || n == MAX_WORD)
            return 0;
        w[n++] = (uint32_t)c;
    }
    return n;
}

int translit_variants(const char *norm, size_t len, int script, size_t max,
                      int (*fn)(const char *w, size_t len, int script, void *ctx), void *ctx)
{
    if (script != NORM_CYRILLIC && script != NORM_LATIN)
        return 0;
    uint32_t letter[MAX_WORD];
    word w = {letter, letters(norm, len, script, letter),
              script == NORM_CYRILLIC ? "аеёиоуыэюя" : "aeiouy"};
    if (w.n == 0 || max == 0)
        return 0;
    const rule *rules = script == NORM_CYRILLIC ? cyr_rules : lat_rules;
    size_t nrules = script == NORM_CYRILLIC ? sizeof cyr_rules / sizeof cyr_rules[0]
                                            : sizeof lat_rules / sizeof lat_rules[0];
    /* beams for the next MAX_FROM + 1 positions, used as a ring */
    size_t cap = max * 4 < 64 ? 64 : max * 4 > 1024 ? 1024 : max * 4;
    beam ring[MAX_FROM + 1];
    item *mem = malloc((MAX_FROM + 1) * cap * sizeof *mem);
    if (!mem)
        return -1;
    for (size_t r = 0; r <= MAX_FROM; r++)
        ring[r] = (beam){mem + r * cap, 0};
    ring[0].v[0] = (item){1.0, 0, {0}};
    ring[0].n = 1;
    for (size_t i = 0; i < w.n; i++) {
        beam *here = &ring[i % (MAX_FROM + 1)];
        /* the rules that read here: the first of each letters; a shorter
         * reading is weighed by the split of the longer ones */
        const rule *use[16];
        size_t take[16], nuse = 0;
        for (size_t r = 0; r < nrules && nuse < 16; r++) {
            size_t k = match(&rules[r], &w, i);
            int seen = 0;
            for (size_t u = 0; u < nuse && !seen; u++)
                seen = strcmp(use[u]->from, rules[r].from) == 0;
            if (k && !seen) {
                use[nuse] = &rules[r];
                take[nuse++] = k;
            }
        }
        for (size_t u = 0; u < nuse; u++) {
            double pen = 1;
            for (size_t v = 0; v < nuse; v++)
                if (take[v] > take[u] && use[v]->split < pen)
                    pen = use[v]->split;
            beam *to = &ring[(i + take[u]) % (MAX_FROM + 1)];
            for (size_t a = 0; a < 5 && use[u]->alt[a].to; a++)
                for (size_t t = 0; t < here->n; t++) {
                    const item *it = &here->v[t];
                    beam_add(to, cap, it->s, it->len, use[u]->alt[a].to,
                             strlen(use[u]->alt[a].to), it->score * pen * use[u]->alt[a].w);
                }
        }
        here->n = 0;
    }
    beam *done = &ring[w.n % (MAX_FROM + 1)];
    int target = script == NORM_CYRILLIC ? NORM_LATIN : NORM_CYRILLIC;
    if (target == NORM_LATIN) {
        /* a silent final e: ютуб → youtube, сайт → site */
        size_t n = done->n;
        for (size_t t = 0; t < n; t++) {
            item it = done->v[t];
            if (it.len && !in_set("aeiouy", (unsigned char)it.s[it.len - 1]))
                beam_add(done, cap, it.s, it.len, "e", 1, it.score * 0.2);
        }
    }
    qsort(done->v, done->n, sizeof *done->v, by_score);
    int given = 0;
    for (size_t t = 0; t < done->n && (size_t)given < max; t++) {
        if (done->v[t].len == 0)
            continue;
        given++;
        if (fn(done->v[t].s, done->v[t].len, target, ctx))
            break;
    }
    free(mem);
    return given;
}
