/* stemming.h: the analyzer, the one place that turns text into index terms.
 * Indexing, querying and snippets all call an_analyze(); nothing else in
 * blogsearch tokenizes, so a word typed in a query meets the word in a post.
 * docs/analyzer.md explains every decision made here with examples. */
#ifndef BS_STEMMING_H
#define BS_STEMMING_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/* ---- what tokenize.c offers -------------------------------------------- */

#define TOK_MAX_NCHARS 64   /* longer words are skipped, not cut (code points) */

typedef struct {
    size_t off;      /* byte offset of the word in the input */
    size_t len;      /* bytes, including inner marks and ignorables */
    unsigned glued;  /* 1 if only punctuation, no space, since the previous word */
} tok_word;

typedef struct {
    const unsigned char *p, *end, *start;
    int has_prev;    /* a word was returned before */
    int gap_space;   /* whitespace, control or invalid bytes since that word */
} tok_scanner;

void tok_init(tok_scanner *s, const char *text, size_t len);

/* Finds the next word: a run of letters and digits of any script, with
 * combining marks and invisible format characters inside, and a '.' between
 * two digits ("1.7", "2.6.32"). Ideographs are one word each. Hyphens,
 * apostrophes, underscores, slashes and every other punctuation end a word.
 * Words over TOK_MAX_NCHARS are skipped whole. Returns 1 and fills *w, or 0
 * at the end of the input. Linear in the input, whatever the bytes. */
int tok_next(tok_scanner *s, tok_word *w);

/* ---- what normalize.c offers ------------------------------------------- */

/* Script of a normalized word, decided after homoglyph repair. */
enum {
    NORM_CYRILLIC = 1,   /* Cyrillic letters only: russian stemmer */
    NORM_LATIN    = 2,   /* Latin letters only: english stemmer */
    NORM_NUMERIC  = 3,   /* contains a digit (x86, 1.7, mp3): not stemmed */
    NORM_OTHER    = 4    /* another script or an unrepairable mix: not stemmed */
};

#define NORM_MAX_BYTES 255  /* a normalized word longer than this is skipped */

/* Normalizes one word found by tok_next (valid UTF-8): NFKC compatibility
 * folding, Unicode case folding, ё→е, removal of combining stress marks
 * (U+0301, U+0300) and default-ignorable characters, recomposition (so й
 * stays й), then repair of Latin/Cyrillic look-alikes inside a word of the
 * other script. Writes at most NORM_MAX_BYTES bytes plus a NUL to out and
 * returns the length, or -1 if the result is empty or too long. *script gets
 * one of NORM_*. ASCII and basic Cyrillic take a table-driven fast path that
 * gives the same result as the general one (tests/stemming checks it). */
int norm_word(const char *word, size_t len, char out[NORM_MAX_BYTES + 1], int *script);

/* The general path alone, for tests and benchmarks. */
int norm_word_slow(const char *word, size_t len, char out[NORM_MAX_BYTES + 1], int *script);

/* ---- what wordlist.c offers -------------------------------------------- */

/* 1 if the len bytes at w are one of the nwords words, which are sorted by
 * bytes (cmake/embed_words.cmake compiles data/ lists so). */
int wl_has(const char *const *words, size_t nwords, const char *w, size_t len);

/* ---- what stopwords.c offers ------------------------------------------- */

/* 1 if the normalized, unstemmed word is in data/stopwords/{ru,en}.txt. The
 * lists are compiled into the library, so no file is read at run time. */
int stop_is_stopword(const char *norm, size_t len);

/* The lists themselves, sorted by bytes (generated at build time). */
extern const char *const stop_words[];
extern const size_t stop_words_n;

/* ---- what stem.c offers ------------------------------------------------ */

typedef struct stem_stemmers stem_stemmers;

/* The Snowball russian and english stemmers. Returns 0, or -1 when out of
 * memory (*out is then NULL). */
int stem_new(stem_stemmers **out);
void stem_free(stem_stemmers *st);   /* NULL is a no-op */

/* Stems a normalized word by its script: NORM_CYRILLIC with russian,
 * NORM_LATIN with english, anything else copied unchanged. Two corrections
 * to Snowball russian keep a noun's nominative with its other cases: nouns
 * in -ив/-ыв (архив) and in -ит (коммит, кредит) keep those letters. Writes
 * the stem and a NUL to out; returns its length, or -1 when out of memory. */
int stem_word(stem_stemmers *st, int script, const char *norm, size_t len,
              char out[NORM_MAX_BYTES + 1]);

/* The nouns in -ит that keep it although their letters do not tell them from
 * a verb (data/stemming/ru-it-nouns.txt), sorted by bytes (generated at build
 * time). */
extern const char *const stem_it_nouns[];
extern const size_t stem_it_nouns_n;

/* ---- what analyzer.c offers -------------------------------------------- */

typedef struct an_analyzer an_analyzer;

enum {
    AN_NO_CACHE = 1u << 0,     /* an_new flag: stem every word (benchmarks, tests) */
    AN_SMALL_CACHE = 1u << 1   /* a cache of 2,048 words: short-lived processes */
};

/* Token flags. */
enum {
    AN_STOP  = 1u << 0,  /* the word is a stopword (it still has a term and position) */
    AN_GLUED = 1u << 1   /* joined to the previous token by punctuation only:
                            x86_64, Qemu/KVM, кто-то, user@example.org */
};

typedef struct {
    const char *term;    /* stemmed index term, NUL-terminated valid UTF-8;
                            borrowed until the callback returns */
    size_t term_len;     /* bytes */
    uint32_t term_hash;  /* a hash of the term's bytes, for callers' tables */
    const char *norm;    /* normalized word before stemming, same lifetime */
    size_t norm_len;     /* bytes */
    uint32_t pos;        /* word position, counted over the call's tokens */
    size_t off;          /* byte offset of the original word in the input */
    size_t len;          /* bytes of the original word */
    unsigned flags;      /* AN_STOP, AN_GLUED */
    int script;          /* NORM_* */
} an_token;

/* Called once per token in input order; returning non-zero stops the
 * analysis and an_analyze returns that value. */
typedef int (*an_token_fn)(const an_token *tok, void *ctx);

/* Creates an analyzer: two Snowball stemmers and a cache of word → term.
 * Returns 0, or -1 when out of memory (*out is then NULL). One analyzer is
 * used by one thread at a time; make one per thread. */
int an_new(an_analyzer **out, unsigned flags);
void an_free(an_analyzer *an);   /* NULL is a no-op */

/* Analyzes len bytes of text, which may hold any bytes at all: invalid UTF-8
 * and NUL bytes separate words and never reach a term. Positions start at
 * *pos and *pos is left one past the last token's position, so fields can be
 * analyzed one after another. Returns 0, a callback's non-zero value, or -1
 * when out of memory. */
int an_analyze(an_analyzer *an, const char *text, size_t len, uint32_t *pos,
               an_token_fn fn, void *ctx);

/* an_analyze for the words of text whose normalized form starts with
 * prefix (plen bytes, normalized): fn is called for those only, each as
 * an_analyze gives it but for its position (0: none is counted); the
 * others are normalized and passed over, never stemmed nor cached. What
 * finding the forms of a word being completed takes from a text, for a
 * fraction of a whole analysis. Returns as an_analyze. */
int an_analyze_prefixed(an_analyzer *an, const char *text, size_t len, const char *prefix,
                        size_t plen, an_token_fn fn, void *ctx);

/* The hash given as an_token.term_hash: FNV-1a over the term's bytes. */
uint32_t an_term_hash(const char *term, size_t len);

/* Cache statistics since an_new, for benchmarks. */
void an_cache_stats(const an_analyzer *an, uint64_t *hits, uint64_t *misses);

#endif
