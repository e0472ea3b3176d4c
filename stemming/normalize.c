/* normalize.c: one word's bytes to its normalized form and script.
 * Must not strip all marks (utf8proc's STRIPMARK turns й into и): it removes
 * only the stress accents and the diaeresis of ё, then recomposes. */
#include <string.h>
#include <utf8proc.h>

#include "stemming/stemming.h"

/* A word is at most TOK_MAX_NCHARS code points and one code point expands to
 * at most 18 under compatibility decomposition (U+FDFA). */
#define DECOMP_CAP (TOK_MAX_NCHARS * 18 + 16)

#define CYR_IE 0x0435   /* е */

static int is_cyrillic(int32_t cp)
{
    return cp >= 0x0400 && cp <= 0x052F;
}

static int is_latin(int32_t cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')
        || (cp >= 0x00C0 && cp <= 0x024F && cp != 0x00D7 && cp != 0x00F7)
        || (cp >= 0x1E00 && cp <= 0x1EFF);
}

/* Lower-case look-alikes, checked after case folding. The pairs cover what
 * is confused in either case (B/В, H/Н, M/М, T/Т look alike as capitals). */
static const struct { int32_t lat, cyr; } homoglyphs[] = {
    { 'a', 0x0430 }, { 'b', 0x0432 }, { 'c', 0x0441 }, { 'e', 0x0435 },
    { 'h', 0x043D }, { 'k', 0x043A }, { 'm', 0x043C }, { 'o', 0x043E },
    { 'p', 0x0440 }, { 't', 0x0442 }, { 'x', 0x0445 }, { 'y', 0x0443 },
};
#define NHOMOGLYPHS (sizeof homoglyphs / sizeof homoglyphs[0])

static int32_t lat_to_cyr(int32_t cp)
{
    for (size_t i = 0; i < NHOMOGLYPHS; i++)
        if (homoglyphs[i].lat == cp)
            return homoglyphs[i].cyr;
    return 0;
}

static int32_t cyr_to_lat(int32_t cp)
{
    for (size_t i = 0; i < NHOMOGLYPHS; i++)
        if (homoglyphs[i].cyr == cp)
            return homoglyphs[i].lat;
    return 0;
}

/* A word of Cyrillic and Latin letters, such as "сeрвер" typed with a Latin
 * e, is rewritten into the script whose look-alikes cover the other one;
 * when both could, into the script with more letters, Cyrillic on a tie.
 * Returns the script of the result's letters (0 if it stays mixed). */
static int repair_mixed(int32_t *cps, size_t n, size_t ncyr, size_t nlat)
{
    int to_cyr = 1, to_lat = 1;
    for (size_t i = 0; i < n; i++) {
        if (is_latin(cps[i]) && !lat_to_cyr(cps[i]))
            to_cyr = 0;
        if (is_cyrillic(cps[i]) && !cyr_to_lat(cps[i]))
            to_lat = 0;
    }
    if (to_cyr && to_lat)
        to_lat = nlat > ncyr;
    if (to_lat) {
        for (size_t i = 0; i < n; i++)
            if (is_cyrillic(cps[i]))
                cps[i] = cyr_to_lat(cps[i]);
        return NORM_LATIN;
    }
    if (to_cyr) {
        for (size_t i = 0; i < n; i++)
            if (is_latin(cps[i]))
                cps[i] = lat_to_cyr(cps[i]);
        return NORM_CYRILLIC;
    }
    return 0;
}

int norm_word_slow(const char *word, size_t len, char out[NORM_MAX_BYTES + 1], int *script)
{
    utf8proc_int32_t buf[DECOMP_CAP];
    utf8proc_ssize_t n = utf8proc_decompose((const utf8proc_uint8_t *)word,
        (utf8proc_ssize_t)len, buf, DECOMP_CAP,
        UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE);
    if (n <= 0 || n > DECOMP_CAP)
        return -1;

    /* Canonically ordered and decomposed now: drop stress accents, the
     * diaeresis that makes ё of е, and any whitespace a compatibility
     * decomposition produced; keep every other mark (й = и + U+0306). */
    utf8proc_ssize_t k = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int32_t cp = buf[i];
        if (cp == 0x0301 || cp == 0x0300)
            continue;
        if (cp == 0x0308 && k > 0 && buf[k - 1] == CYR_IE)
            continue;
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_CC)
            continue;
        buf[k++] = cp;
    }
    if (k == 0)
        return -1;
    n = utf8proc_normalize_utf32(buf, k, UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (n <= 0)
        return -1;

    size_t ncyr = 0, nlat = 0, nother = 0, ndigit = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        int32_t cp = buf[i];
        utf8proc_category_t cat = utf8proc_category(cp);
        if (cat == UTF8PROC_CATEGORY_ND)
            ndigit++;
        else if (is_cyrillic(cp))
            ncyr++;
        else if (is_latin(cp))
            nlat++;
        else if (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO)
            nother++;
    }
    int letters = 0;
    if (nother == 0 && ncyr > 0 && nlat > 0)
        letters = repair_mixed(buf, (size_t)n, ncyr, nlat);
    else if (nother == 0 && ncyr > 0)
        letters = NORM_CYRILLIC;
    else if (nother == 0 && nlat > 0)
        letters = NORM_LATIN;

    if (ndigit > 0)
        *script = NORM_NUMERIC;
    else if (letters)
        *script = letters;
    else
        *script = NORM_OTHER;

    size_t olen = 0;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        if (olen + 4 > NORM_MAX_BYTES)
            return -1;
        olen += utf8_put_cp(buf[i], (unsigned char *)out + olen);
    }
    out[olen] = '\0';
    return (int)olen;
}

/* ASCII letters and digits and the 66 letters of the Russian alphabet are
 * nearly all a Russian blog holds; they fold by table. Anything else, and any
 * word mixing the two scripts, takes the general path. */
int norm_word(const char *word, size_t len, char out[NORM_MAX_BYTES + 1], int *script)
{
    const unsigned char *p = (const unsigned char *)word, *end = p + len;
    unsigned char *o = (unsigned char *)out;
    size_t ncyr = 0, nlat = 0, ndigit = 0;

    if (len > NORM_MAX_BYTES)
        return norm_word_slow(word, len, out, script);
    while (p < end) {
        unsigned c = *p;
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z') {
                *o++ = (unsigned char)(c + 32);
                nlat++;
            } else if (c >= 'a' && c <= 'z') {
                *o++ = (unsigned char)c;
                nlat++;
            } else {
                *o++ = (unsigned char)c;    /* a digit, or '.' between digits */
                ndigit += c != '.';
            }
            p++;
            continue;
        }
        if ((c != 0xD0 && c != 0xD1) || end - p < 2)
            return norm_word_slow(word, len, out, script);
        int32_t cp = (int32_t)(((c & 0x1F) << 6) | (p[1] & 0x3F));
        if (cp == 0x0401 || cp == 0x0451)
            cp = CYR_IE;                     /* Ё ё → е */
        else if (cp >= 0x0410 && cp <= 0x042F)
            cp += 0x20;                      /* А..Я → а..я */
        else if (cp < 0x0430 || cp > 0x044F)
            return norm_word_slow(word, len, out, script);
        o += utf8_put_cp(cp, o);
        ncyr++;
        p += 2;
    }
    if (ncyr > 0 && nlat > 0)
        return norm_word_slow(word, len, out, script);
    *o = '\0';
    *script = ndigit ? NORM_NUMERIC : ncyr ? NORM_CYRILLIC : NORM_LATIN;
    return (int)(o - (unsigned char *)out);
}
