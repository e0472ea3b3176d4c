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

int stem_word(stem_stemmers *st, int script, const char *norm, size_t len,
              char out[NORM_MAX_BYTES + 1])
{
    struct sb_stemmer *sb = script == NORM_CYRILLIC ? st->ru
                          : script == NORM_LATIN ? st->en : NULL;
    if (len > NORM_MAX_BYTES)
        return -1;
    if (!sb || (script == NORM_CYRILLIC && is_noun_in_iv(norm, len))) {
        memcpy(out, norm, len);
        out[len] = '\0';
        return (int)len;
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
