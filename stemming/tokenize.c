/* tokenize.c: finds word boundaries in raw bytes. It decides only where words
 * are; what a word means (case, marks, script, stem) is normalize.c's and
 * stem.c's business. Must stay linear and allocation-free on any input. */
#include <utf8proc.h>

#include "stemming/stemming.h"

enum { C_SPACE, C_PUNCT, C_WORD, C_IDEO, C_MARK, C_FORMAT };

/* Scripts written without spaces between words: each ideograph or kana is a
 * word of its own, so a query for one character can find it. */
static int is_ideograph(int32_t cp)
{
    return (cp >= 0x3040 && cp <= 0x30FF)      /* Hiragana, Katakana */
        || (cp >= 0x3400 && cp <= 0x4DBF)      /* CJK Extension A */
        || (cp >= 0x4E00 && cp <= 0x9FFF)      /* CJK Unified Ideographs */
        || (cp >= 0xF900 && cp <= 0xFAFF)      /* CJK Compatibility */
        || (cp >= 0x20000 && cp <= 0x3FFFF);   /* CJK Extensions B..H */
}

static int classify(int32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9'))
            return C_WORD;
        return (cp <= 0x20 || cp == 0x7F) ? C_SPACE : C_PUNCT;
    }
    if (cp >= 0x0400 && cp <= 0x045F)          /* Ѐ..џ: the Russian alphabet */
        return C_WORD;
    if (cp == 0x02BC)                          /* modifier letter apostrophe is an */
        return C_PUNCT;                        /* apostrophe, though category Lm */
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
        return is_ideograph(cp) ? C_IDEO : C_WORD;
    case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
        return C_WORD;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_CF:
        return C_FORMAT;                       /* soft hyphen, ZWSP, ZWJ, BOM... */
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return C_SPACE;
    default:
        return C_PUNCT;
    }
}

/* ASCII classes by table. */
static const unsigned char ascii_class[128] = {
#define W C_WORD
#define S C_SPACE
#define P C_PUNCT
    S,S,S,S,S,S,S,S,S,S,S,S,S,S,S,S, S,S,S,S,S,S,S,S,S,S,S,S,S,S,S,S,
    S,P,P,P,P,P,P,P,P,P,P,P,P,P,P,P, W,W,W,W,W,W,W,W,W,W,P,P,P,P,P,P,
    P,W,W,W,W,W,W,W,W,W,W,W,W,W,W,W, W,W,W,W,W,W,W,W,W,W,W,P,P,P,P,P,
    P,W,W,W,W,W,W,W,W,W,W,W,W,W,W,W, W,W,W,W,W,W,W,W,W,W,W,P,P,P,P,S,
#undef W
#undef S
#undef P
};

/* Decodes and classifies the code point at p. ASCII and the Russian
 * alphabet, nearly all of a Russian blog, never reach utf8proc. */
static inline int next_class(const unsigned char *p, const unsigned char *end,
                             int32_t *cp, size_t *n)
{
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = (int32_t)c;
        *n = 1;
        return ascii_class[c];
    }
    if ((c == 0xD0 || c == 0xD1) && end - p >= 2 && (p[1] & 0xC0) == 0x80) {
        *cp = (int32_t)(((c & 0x1F) << 6) | (p[1] & 0x3F));
        *n = 2;
        return *cp <= 0x045F ? C_WORD : classify(*cp);
    }
    *n = utf8_decode(p, end, cp);
    return *cp == UTF8_INVALID ? C_SPACE : classify(*cp);
}

static int is_digit(int32_t cp)
{
    if (cp < 0x80)
        return cp >= '0' && cp <= '9';
    return utf8proc_category(cp) == UTF8PROC_CATEGORY_ND;
}

void tok_init(tok_scanner *s, const char *text, size_t len)
{
    s->start = s->p = (const unsigned char *)text;
    s->end = s->p + len;
    s->has_prev = 0;
    s->gap_space = 0;
}

/* Consumes the rest of a word that began with a letter or digit; returns its
 * length in code points. */
static size_t scan_word(tok_scanner *s, int32_t last)
{
    size_t nchars = 1;
    const unsigned char *p = s->p, *end = s->end;
    while (p < end) {
        /* the common letters first, without the general machinery */
        unsigned b = *p;
        if (b < 0x80 && ascii_class[b] == C_WORD) {
            last = (int32_t)b;
            p++;
            nchars++;
            continue;
        }
        if (p + 1 < end && (p[1] & 0xC0) == 0x80
            && (b == 0xD0 || (b == 0xD1 && p[1] < 0xA0))) {   /* U+0400..U+045F */
            last = 0x0400;                     /* a letter, not a digit */
            p += 2;
            nchars++;
            continue;
        }
        int32_t cp;
        size_t n;
        int c = next_class(p, end, &cp, &n);
        if (c == C_WORD) {
            last = cp;
        } else if (c == C_MARK || c == C_FORMAT) {
            /* inside the word; normalization drops or composes it */
        } else if (cp == '.' && is_digit(last) && p + 1 < end) {
            int32_t next;
            size_t m = utf8_decode(p + 1, end, &next);
            if (next == UTF8_INVALID || !is_digit(next))
                break;
            p += 1 + m;                        /* a version or decimal: 1.7 */
            nchars += 2;
            last = next;
            continue;
        } else {
            break;
        }
        p += n;
        nchars++;
    }
    s->p = p;
    return nchars;
}

int tok_next(tok_scanner *s, tok_word *w)
{
    while (s->p < s->end) {
        int32_t cp;
        size_t n;
        int c = next_class(s->p, s->end, &cp, &n);

        if (c == C_WORD || c == C_IDEO) {
            const unsigned char *start = s->p;
            size_t nchars = 1;
            s->p += n;
            if (c == C_WORD)
                nchars = scan_word(s, cp);
            if (nchars > TOK_MAX_NCHARS) {     /* base64, hashes, junk: skip */
                s->gap_space = 1;
                continue;
            }
            w->off = (size_t)(start - s->start);
            w->len = (size_t)(s->p - start);
            w->glued = s->has_prev && !s->gap_space;
            s->has_prev = 1;
            s->gap_space = 0;
            return 1;
        }
        if (c == C_SPACE)
            s->gap_space = 1;
        s->p += n;
    }
    return 0;
}
