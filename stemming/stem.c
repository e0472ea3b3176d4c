/* stem.c: picks the Snowball stemmer for a word's script. Knows nothing of
 * caching or tokens; analyzer.c calls it once per distinct word. */
#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

#include "stemming/stemming.h"

struct stem_stemmers {
    struct sb_stemmer *ru;
    struct sb_stemmer *en;
};

int stem_new(stem_stemmers **out)
{
    stem_stemmers *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st)
        return -1;
    st->ru = sb_stemmer_new("russian", "UTF_8");
    st->en = sb_stemmer_new("english", "UTF_8");
    if (!st->ru || !st->en) {
        stem_free(st);
        return -1;
    }
    *out = st;
    return 0;
}

void stem_free(stem_stemmers *st)
{
    if (!st)
        return;
    if (st->ru)
        sb_stemmer_delete(st->ru);
    if (st->en)
        sb_stemmer_delete(st->en);
    free(st);
}

/* Snowball's russian stemmer cuts -ив and -ыв as perfective gerund endings
 * (получив), but in a tech blog such words are mostly nouns whose other forms
 * keep the letters: архив/архивы, дистрибутив/дистрибутивов, массив, отзыв.
 * Keeping the word whole lets the nominative meet the other cases; the cost
 * is that a rare gerund no longer meets its verb. Needs 3 letters before. */
static int is_noun_in_iv(const char *w, size_t len)
{
    static const char iv[] = "ив", yv[] = "ыв";   /* 4 bytes each */
    return len >= 10 && (memcmp(w + len - 4, iv, 4) == 0 || memcmp(w + len - 4, yv, 4) == 0);
}

/* 1 if the two bytes at c are one of the (two-byte) letters of set. */
static int letter_in(const char *c, const char *set)
{
    for (; *set; set += 2)
        if (memcmp(c, set, 2) == 0)
            return 1;
    return 0;
}

/* Snowball's russian stemmer cuts a final -ит, and -ите, as verb endings
 * (говорит, говорите → говор), while it keeps the -ит of a noun before any
 * other ending (коммиты, коммита, коммитом → коммит): the bare noun (коммит,
 * and утилит, the genitive plural of утилита) and its -ите (о коммите) lost
 * the letters and missed the other cases. They keep them when the word is a
 * noun: when the letter before -ит is one that no verb stem ends in there
 * (к г х ц и, or a doubled consonant but жж: тулкит, дефицит, бронхит,
 * менингит, артериит, коммит, саммит), or when the word is one of the nouns
 * of data/stemming/ru-it-nouns.txt (кредит, лимит, аудит, утилит), as no
 * rule of letters tells кредит from вредит. Every verb in -ит, the third
 * person of nearly every verb in -ить, stays as Snowball stems it and meets
 * its other forms (говорит, говорить, говорят). Returns the bytes to keep,
 * the word less the е of -ите, or 0 for a word this does not apply to. */
static size_t noun_in_it(const char *w, size_t len)
{
    static const char it[] = "ит", e[] = "е";   /* 4 and 2 bytes */
    size_t n = len >= 2 && memcmp(w + len - 2, e, 2) == 0 ? len - 2 : len;
    if (n < 6 || memcmp(w + n - 4, it, 4) != 0)
        return 0;
    const char *c = w + n - 6;   /* the letter before -ит */
    if (letter_in(c, "кгхци"))
        return n;
    if (n >= 8 && memcmp(c - 2, c, 2) == 0 && letter_in(c, "бвгдзклмнпрстфхцчшщ"))
        return n;
    return wl_has(stem_it_nouns, stem_it_nouns_n, w, n) ? n : 0;
}

/* How much of a normalized Cyrillic word is its stem by the rules above,
 * with no Snowball: 0 where Snowball decides. */
static size_t kept_by_rule(const char *w, size_t len)
{
    return is_noun_in_iv(w, len) ? len : noun_in_it(w, len);
}

int stem_word(stem_stemmers *st, int script, const char *norm, size_t len,
              char out[NORM_MAX_BYTES + 1])
{
    struct sb_stemmer *sb = script == NORM_CYRILLIC ? st->ru
                          : script == NORM_LATIN ? st->en : NULL;
    if (len > NORM_MAX_BYTES)
        return -1;
    size_t keep = script == NORM_CYRILLIC ? kept_by_rule(norm, len) : 0;
    if (!sb || keep) {
        size_t n = keep ? keep : len;
        memcpy(out, norm, n);
        out[n] = '\0';
        return (int)n;
    }
    /* libstemmer reuses its output buffer on the next call and returns NULL
     * only when it cannot grow it: copy the stem out at once. */
    const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)norm, (int)len);
    if (!s)
        return -1;
    int n = sb_stemmer_length(sb);
    if (n < 0 || n > NORM_MAX_BYTES)
        return -1;
    memcpy(out, s, (size_t)n);
    out[n] = '\0';
    return n;
}
