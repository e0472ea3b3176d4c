/* query.h: the query side's internal contract, one section per file: the
 * query language (parse.c), evaluation and ranking (search.c) and snippets
 * (snippet.c). Words of a query go through the same analyzer as posts. */
#ifndef BS_QUERY_H
#define BS_QUERY_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "base/base.h"
#include "stemming/stemming.h"
#include "store/store.h"

/* ---- what parse.c offers ------------------------------------------------ */

enum { QC_SHOULD, QC_MUST, QC_MUST_NOT };   /* word, +word, -word */

typedef struct {
    int mode;              /* QC_* */
    int field;             /* -1: any field; else BS_FIELD_* (title:word) */
    int prefix;            /* dock*: terms[0] is a normalized prefix */
    size_t nterms;         /* 1 for a word; more for a phrase, x86_64 or кто-то */
    char **terms;          /* analyzed terms, in order */
    int all_stop;          /* every term is a stopword */
    size_t pos;            /* byte offset of the clause in the query, for messages */
    size_t raw_off, raw_len;   /* the word as typed (bytes of the query text): a word's
                                  whole span, punctuation included (what correct.c
                                  reads for a wrong keyboard layout), a title: value,
                                  a phrase's inside */
    int quoted;            /* a "phrase" as the reader wrote it */
    double weight;         /* its share of the score: 1 as typed, more or less in
                              a post's own terms (like.c); 0 reads as 1 */
    size_t nalts;          /* a word's other spellings searched beside it (докер:
                              docker, correct.c), each one analyzed term; a post
                              with any holds the word */
    char **alts;
} qclause;

#define QC_MAX_ALTS 4

typedef struct {
    qclause *c;
    size_t n;
    char **tags;           /* tag:x and --tag x, as typed */
    size_t ntags;
    char *category, *author;
    int has_since, has_until;
    int64_t since, until;  /* inclusive: wall-clock times (seconds since the epoch as
                              if UTC) that each post's own wall clock, date +
                              its offset, is compared with (docs/FORMAT.md) */
    int any;               /* OR between words was written */
} qry;

#define QRY_MAX_CLAUSES 64   /* words, phrases and prefixes in one query */
#define QRY_MAX_TAGS 16

/* Parses text into q. On a bad query returns BS_EQUERY with a message that
 * names the position (1-based, in characters) in err. */
int qparse(qry *q, an_analyzer *an, const char *text, char *err, size_t errlen);
/* Filters given beside the query text (blogsearch's --tag, the CGI's tag=,
 * the library's options); NULL or "" is none. */
typedef struct {
    const char *const *tags;
    size_t ntags;
    const char *category, *author;
    const char *since, *until;     /* YYYY, YYYY-MM or YYYY-MM-DD */
} qry_filters;

/* qparse, then the filters f (may be NULL) added as tag:, category: ... in
 * the text would be; with a filter, a text of no words or only exclusions
 * is no error. A bad date is BS_EQUERY, its message naming since or until. */
int qparse_with(qry *q, an_analyzer *an, const char *text, const qry_filters *f, char *err,
                size_t errlen);
/* qparse_with for text typed into a search box, read as it is being typed:
 * never BS_EQUERY for the syntax. An unclosed quote closes at the end, a
 * field with no value or a date not yet whole is no filter, an unknown
 * field ("https:") is words, a lone * or a -tag: is nothing, words past the
 * most a query holds are dropped, and a query of nothing to look for (a
 * lone "-", only exclusions, since: after until:) is no error but matches
 * no post. Text that is not UTF-8 and a bad date in f are still
 * BS_EQUERY. */
int qparse_lenient(qry *q, an_analyzer *an, const char *text, const qry_filters *f, char *err,
                   size_t errlen);
void qry_free(qry *q);
/* Adds a tag filter, as tag:"..." in the text would. BS_OK or BS_ENOMEM. */
int qry_add_tag(qry *q, const char *tag, size_t len);
/* Sets the since: (end 0) or until: (end 1) bound, as qparse_date gave it. */
void qry_set_date(qry *q, int end, int64_t t);

/* Parses a date bound: YYYY, YYYY-MM or YYYY-MM-DD; the start of that
 * period, or with end set its last second, as a wall clock (seconds as if
 * UTC): the bounds of a calendar day in any post's own zone. Returns 0 or -1. */
int qparse_date(const char *s, int end, int64_t *out);

/* ---- what layout.c offers ------------------------------------------------ */

/* The text of s (len bytes, a whitespace-free span as typed, before the
 * tokenizer splits it at punctuation) typed on the other keyboard layout:
 * US QWERTY ↔ Russian ЙЦУКЕН, both cases, with the keys that are letters on
 * ЙЦУКЕН and punctuation on QWERTY (ж ;  б ,  ю .  э '  х [  ъ ]  ё `, and
 * shifted Ж : Б < Ю > Э " Х { Ъ } Ё ~). Digits and the keys that are the same
 * on both (- = _ + ! * ( )) pass through. The direction is the text's: its
 * letters must all be from one side. Returns 1 with the swapped text in out
 * (replacing what it held; Cyrillic→Latin may give ; , . ' [ ] `, which the
 * caller's tokenizer splits at) and NORM_CYRILLIC or NORM_LATIN in
 * *to_script; 0 when the span is not swappable (both sides' letters, no
 * letter, another script, invalid UTF-8, or a key both layouts give as
 * different punctuation: / ? . , on ЙЦУКЕН, @ # $ ^ & ...); -1 when out of
 * memory. */
int layout_swap(const char *s, size_t len, txt_buf *out, int *to_script);

/* 1 when code points a and b are neighbouring letter keys of one layout
 * (QWERTY for Latin, ЙЦУКЕН for Cyrillic): beside each other in a row, or
 * in the row above or below with the usual stagger (a touches q, w, s, z).
 * Either case; 0 for the same key, across scripts and for anything else. */
int layout_adjacent(uint32_t a, uint32_t b);

/* ---- what translit.c offers ---------------------------------------------- */

/* Spellings in the other script of norm (len bytes: a normalized word, the
 * norm of an an_token, of script NORM_CYRILLIC or NORM_LATIN): докер →
 * doker, docker ...; privet → привет; docker → докер. Made by rules with
 * weighted alternatives (English sounds as Russian writes them, and the
 * usual transliteration of Russian), best first by the product of their
 * weights; the first is the most natural spelling. Calls fn for each of up
 * to max distinct variants (NUL-terminated, valid UTF-8, letters of the
 * target script only, at most NORM_MAX_BYTES bytes) with the target script;
 * a non-zero return of fn stops. Returns the number of variants given (the
 * one that stopped included); 0 for a word with a character outside its
 * script's alphabet (digits, another script) or of more than 128 letters;
 * -1 when out of memory. The work is bounded: a beam of at most max * 4
 * (64 to 1024) partial spellings per letter. */
int translit_variants(const char *norm, size_t len, int script, size_t max,
                      int (*fn)(const char *w, size_t len, int script, void *ctx), void *ctx);

/* ---- what search.c offers ----------------------------------------------- */

/* BM25F's parameters (search.c says how they were chosen): per field
 * (BS_FIELD_*) a weight and a length normalization b. A post's score is
 * sum over query words of idf * t (k1 + 1) / (t + k1), where t = sum over
 * fields of weight * tf / (1 - b + b * len / avglen) and idf = ln(1 + (N -
 * df + 0.5) / (df + 0.5)); then the more-words factor. */
extern const double bm25_k1;
extern const double bm25_field_weight[BS_NFIELDS];
extern const double bm25_field_b[BS_NFIELDS];

enum { SORT_RELEVANCE, SORT_DATE };
enum { MATCH_MOST, MATCH_ALL, MATCH_ANY };

typedef struct {
    int sort;              /* SORT_* */
    int match;             /* MATCH_*: all words, most words first, any word */
    size_t offset, limit;
    size_t facets;         /* the most frequent tags of all matches to count; 0 none */
    int parallel;          /* count them in a second thread while the matches are
                              merged (for a caller whose other core is idle) */
    uint32_t exclude;      /* a post left out (the one like.c's query is of); 0 none */
    int no_proximity;      /* BM25F alone: no re-scoring of words near each other */
    int rank;              /* RANK_*: how the matches are ranked; the same results
                              either way (tests/query/test_rank.c holds them to it) */
} search_opts;

/* RANK_AUTO: words of many posts are counted first (matchset.c), then ranked
 * by MaxScore, the others in one merge that counts and ranks; the other two
 * force one way (for a sort by relevance with words; otherwise, the merge). */
enum { RANK_AUTO, RANK_MERGE, RANK_COUNT_FIRST };

typedef struct {
    char *tag;             /* the tag as stored: case-folded (docs/FORMAT.md) */
    size_t len;
    uint64_t count;        /* matching posts with the tag */
} facet;

typedef struct {
    uint32_t docid;
    double score;          /* BM25F times the more-words factor */
    int64_t date;
    int has_date;
} hit;

typedef struct {
    hit *hits;             /* ranked, after offset */
    size_t n;
    uint64_t total;        /* posts that match */
    uint64_t full;         /* of them, posts with every positive word (all of a
                              MATCH_MOST query's words; correct.c compares) */
    uint64_t *df;          /* per clause of the query, its document frequency (a
                              phrase's or prefix's: of its rarest term) */
    char **hl_terms;       /* every term that matched, for highlighting */
    size_t nhl;
    facet *facets;         /* with o->facets: most posts first, then by tag */
    size_t nfacets;
} results;

int search_run(store *st, MDB_txn *txn, const qry *q, const search_opts *o, results *r,
               char *err, size_t errlen);

/* Starts fn(arg) in a thread on another processor than the caller's: left
 * to the scheduler, a thread started for a millisecond's work waits here on
 * its parent's processor until the parent blocks. 0, or -1 when more
 * threads are runnable than processors (a busy server gains nothing from a
 * second thread) or no thread could be made. thread_anywhere lets it run on every
 * processor again (to end a job it never started). */
int thread_beside(pthread_t *t, void *(*fn)(void *), void *arg);
void thread_anywhere(pthread_t t);
void results_free(results *r);

/* ---- what matchset.c offers -------------------------------------------- */

/* A clause as the match set reads it: a word (term, tlen) read from its
 * blocks, or a list of postings (term NULL: a phrase, a prefix, a field's
 * word), and its mode (QC_*). */
typedef struct {
    int mode;
    const char *term;
    size_t tlen;
    const posting_tf *list;
    size_t n;
} ms_clause;

/* Sets m (nwords words) to the posts that match: with all, those with every
 * positive clause, else those with any (and every QC_MUST one); never one
 * with a QC_MUST_NOT clause, nor exclude, nor one whose bit in allow (when
 * not NULL) is clear. *total: their number; *full: of them, those with every
 * positive clause. kb is a key buffer. BS_OK, BS_ENOMEM, or a store error. */
int matchset_build(store *st, MDB_txn *txn, txt_buf *kb, const ms_clause *cl, size_t ncl,
                   int all, const uint64_t *allow, uint32_t exclude, uint64_t *m,
                   uint64_t nwords, uint64_t *total, uint64_t *full);

/* ---- what proximity.c offers -------------------------------------------- */

/* How many of a ranking's first posts are re-scored by their words'
 * nearness: search_run keeps at least this many. */
#ifndef PROX_TOP
#define PROX_TOP 20
#endif

/* The query's plain words that take part (not excluded, not a phrase, a
 * prefix or one field's, not stopwords), each once, in the query's order,
 * into terms (room for max): a re-scoring needs 2. */
size_t prox_terms(const qry *q, const char **terms, size_t max);
/* The nearness of word b to word a in a field, from their positions (each
 * ascending): 1 when b follows a, 1/d at d - 1 words between (one more when
 * b comes first), 0 past a few words. */
double prox_pair(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb);
/* Multiplies the scores of hits[0 .. min(n, PROX_TOP)) by 1 plus up to a
 * tenth for how near each other the terms stand in the title or the body
 * (the better). The caller sorts again. */
int prox_rescore(store *st, MDB_txn *txn, const char **terms, size_t nterms, hit *hits,
                 size_t n, char *err, size_t errlen);

/* ---- what like.c offers ------------------------------------------------- */

/* Appends to q the most distinctive words of post docid (title and tags
 * weighted, rare words first), each a clause weighted by the post's use of
 * it, and makes q a query of any of them: searched with search_opts.exclude
 * = docid, the posts most like it. q may hold filters already. BS_ECORRUPT
 * when the post's record is missing, with the message in err. */
int like_query(store *st, MDB_txn *txn, an_analyzer *an, uint32_t docid, qry *q, char *err,
               size_t errlen);
/* The posts most like the one indexed from the file at key (an absolute
 * path) or with the slug key: like_query's, run by search_run with so's
 * page and sort (so is set to leave the post out, match any word, rank by
 * BM25F alone). BS_ENOTFOUND when key names no post, said in err. */
int like_search(store *st, MDB_txn *txn, an_analyzer *an, const char *key, qry *q,
                search_opts *so, results *r, char *err, size_t errlen);

/* ---- what fuzzy.c offers --------------------------------------------------- */

/* The optimal string alignment (Damerau–Levenshtein) distance of two UTF-8
 * words in code points, or maxd + 1 when it is greater. */
int fuzzy_distance(const char *a, size_t alen, const char *b, size_t blen, int maxd);

/* The edits from a to b (UTF-8) weighted as people mistype: a neighbouring
 * key, a letter that sounds alike, two letters swapped or a letter doubled
 * cost less than 1 (docs/correction.md); INFINITY past 64 code points. */
double fuzzy_cost(const char *a, size_t alen, const char *b, size_t blen);

typedef struct {
    char *term;            /* an index term near the word, NUL-terminated */
    size_t len;
    int dist;              /* edits */
    double cost;           /* edits, less for a neighbouring key or two letters swapped */
    uint64_t df;           /* posts that hold it */
} typo_cand;

/* The terms of the index near one analyzed query word: within 1 edit of its
 * stem (or, when no term is one edit from the stem, of its folded form) for
 * words of 4 to 6 letters, within 2 for longer ones when the first letter is
 * kept (none for shorter), found by walking the
 * sorted term table with a bounded edit-distance automaton that seeks past
 * every prefix that cannot lead to one (docs/correction.md), never reading
 * the whole vocabulary. The word's own terms are left out. At most k, the
 * cheapest first, into *out (free with typo_candidates_free). */
int typo_candidates(store *st, MDB_txn *txn, const char *stem, size_t slen, const char *norm,
                    size_t nlen, size_t k, typo_cand **out, size_t *n, char *err,
                    size_t errlen);
void typo_candidates_free(typo_cand *v, size_t n);

/* ---- what surface.c offers ------------------------------------------------ */

#define SURFACE_MAX_POSTS 16     /* posts read for one term's word, at most */
#define SURFACE_TEXT_HITS 3      /* with titles_first: a text is read up to this
                                    many of the term's words */
#define SURFACE_TEXT_POSTS 2     /* with titles_first: texts read, at most */

typedef struct {
    size_t posts;          /* posts read, those with the term in their title first
                              (up to half of them, store_term_posts) */
    int prefix;            /* only words that start with typed and are not
                              stopwords: a completion of what is being typed */
    int titles_first;      /* the titles of the posts first; only when none writes
                              the term (with prefix: as a word that starts as typed,
                              a stopword too), the texts of SURFACE_TEXT_POSTS of
                              them, each up to SURFACE_TEXT_HITS of its words of
                              the term: cheap enough to ask for each word of a list */
} surface_opts;

/* The word posts write for term (a stem, tlen bytes), into out (reset
 * first): of the normalized words of its posts whose term it is (title
 * counted twice, then text; a post's description when neither has one),
 * the nearest to typed (fuzzy_distance), the most written of equals
 * (kubernetes, not kubernetic). Without o->prefix, the term itself when no
 * post gives one; with it, nothing. Nothing when no post holds the term.
 * BS_OK, BS_ENOMEM, BS_ECORRUPT (the message in err) or a store_fail
 * status. */
int surface_word(store *st, MDB_txn *txn, an_analyzer *an, MDB_cursor *cur, txt_buf *kb,
                 const char *term, size_t tlen, const char *typed, size_t typed_len,
                 const surface_opts *o, txt_buf *out, char *err, size_t errlen);

/* ---- what suggest.c offers ------------------------------------------------ */

#define SUGGEST_WORDS 8          /* words offered, at most */
#define SUGGEST_TITLES 3         /* titles offered, at most */
#define SUGGEST_MIN_CHARS 2      /* a shorter word is not completed */
#define SUGGEST_MAX_TERMS 2000   /* distinct terms one walk reads, at most */

typedef struct {
    char *word;            /* as posts write it, normalized (folded, ё as е) */
    uint64_t posts;        /* posts with its term: exact up to ~100,000 of them */
    int as_typed;          /* 1: the word typed itself, whole */
} suggest_word;

typedef struct {
    char *title, *url;     /* a post's, as indexed; url may be "" */
} suggest_title;

typedef struct {
    size_t off, len;       /* the word completed, bytes of the text as typed (len 0:
                              nothing is being typed) */
    suggest_word *words;   /* most posts first */
    size_t nwords;
    suggest_title *titles; /* newest first */
    size_t ntitles;
    size_t terms_read;     /* distinct terms the walk read */
} suggestions;

/* The word being typed at the end of text (len bytes of UTF-8): the last
 * word of the span after the last white space, when the text ends in it
 * (not in white space, punctuation or a *). 1 with its bytes at *off,
 * *plen (the word as typed), its normalized form and its stem (each
 * NUL-terminated); 0 when nothing is being typed; -1 when out of memory. */
int suggest_prefix(an_analyzer *an, const char *text, size_t len, size_t *off, size_t *plen,
                   char norm[NORM_MAX_BYTES + 1], size_t *nlen, char stem[NORM_MAX_BYTES + 1],
                   size_t *slen);

/* Completions of the word being typed at the end of text (suggest_prefix)
 * when it is SUGGEST_MIN_CHARS letters or more, into out (free with
 * suggestions_free): up to max_words (at most SUGGEST_WORDS) words of the
 * index, each the word posts write for a term, that start with the typed
 * word as normalized and are no stopword, most posts first (the word as
 * typed after longer ones of as many posts, then the shorter); and up to
 * max_titles (at most SUGGEST_TITLES) titles of posts, newest first, with a
 * word that starts so. The walk over the term table reads at most
 * SUGGEST_MAX_TERMS terms (docs/cgi.md says what else is bounded).
 * BS_EQUERY when text is not UTF-8 (or holds NUL), with the message in
 * err; else BS_OK, BS_ENOMEM, BS_ECORRUPT or a store_fail status. */
int suggest_run(store *st, MDB_txn *txn, an_analyzer *an, const char *text, size_t len,
                size_t max_words, size_t max_titles, suggestions *out, char *err,
                size_t errlen);
void suggestions_free(suggestions *s);

/* ---- what correct.c offers ------------------------------------------------ */

enum { CORR_LAYOUT = 1, CORR_TYPO, CORR_TRANSLIT };

typedef struct {
    size_t off, len;       /* the word in the query as typed, bytes */
    int kind;              /* CORR_*: what was wrong with it */
    int then;              /* after CORR_LAYOUT, what the word so swapped still
                              needed (CORR_TRANSLIT, CORR_TYPO), else 0 */
    char *from, *to;       /* as typed; what replaces it */
    int also;              /* 1: not replaced, to searched beside it (a spelling
                              in the other alphabet of a word few posts write) */
} corr_word;

typedef struct {
    corr_word *w;          /* the words text changed */
    size_t n;
    char *text;            /* the corrected query; NULL when there is none */
    int applied;           /* 1: the results are text's, since the query as typed
                              had words that find nothing ("Показаны результаты
                              для"); 0: text is a suggestion ("Возможно, вы имели
                              в виду") beside the results as typed */
    char *also;            /* the other spellings searched beside words as typed
                              ("docker", "docker, python"), or NULL */
} corr_info;

/* How a corrected query is read: as the query was (strictly or leniently,
 * with the same filters), by the caller's parse. */
typedef struct {
    store *st;
    MDB_txn *txn;
    an_analyzer *an;
    int (*parse)(void *ctx, const char *text, qry *q, char *err, size_t errlen);
    void *ctx;
} corr_run;

/* search_run of q (parsed from text), then the correction of its words
 * that find nothing or little (docs/correction.md): when applied, q and r
 * are those of the corrected query; ci says what was done (free it with
 * corr_info_free, also when nothing was). Errors as search_run's. */
int correct_search(const corr_run *cr, const char *text, qry *q, const search_opts *o,
                   results *r, corr_info *ci, char *err, size_t errlen);
void corr_info_free(corr_info *ci);
/* "layout", "typo" or "translit"; NULL for 0. */
const char *corr_kind_name(int kind);

/* ---- what snippet.c offers ------------------------------------------------ */

typedef struct {
    size_t off, len;       /* bytes, within the snippet */
} hl_range;

typedef struct {
    txt_buf text;          /* the passage, valid UTF-8 */
    hl_range *hl;
    size_t nhl;
} snippet;

/* The best passage of about `chars` characters of text for the terms:
 * where most distinct terms meet, cut on word boundaries, "…" where cut.
 * Returns 0, or -1 when out of memory. */
/* All of text (a title) with every word of the terms marked. 0, or -1 when
 * out of memory. */
int snippet_marks(snippet *s, an_analyzer *an, const char *text, size_t len,
                  char *const *terms, size_t nterms);
int snippet_make(snippet *s, an_analyzer *an, const char *text, size_t len,
                 char *const *terms, size_t nterms, size_t chars);
void snippet_free(snippet *s);

/* ---- what page.c offers ------------------------------------------------------ */

typedef struct {
    const char *query;     /* the words as typed, echoed as "query" */
    size_t query_len;
    size_t snippet_chars;  /* about this long; 0: no snippets */
    int paths;             /* give each post's "path", a file on this machine */
    int html;              /* add the members only a template uses (VN_NOJSON):
                              snippet.html (escaped, words in <mark>), day
                              (YYYY-MM-DD), and tag_links, category_links and
                              author_link when facet_link is set */
    /* with html: the URL of the results narrowed to one tag, category or
     * author (kind FACET_TAG, FACET_CATEGORY, FACET_AUTHOR), appended to out */
    void (*facet_link)(void *ctx, txt_buf *out, int kind, const char *value, size_t len);
    void *link_ctx;
    int parallel;          /* make the last snippets in a second thread */
    const corr_info *corr; /* what correct.c did to the query, or NULL */
} page_opts;

/* The record of post docid (free it with codec_doc_free). BS_ECORRUPT when
 * it is missing or does not decode; the message goes to err. */
int page_doc(store *st, MDB_txn *txn, uint32_t docid, doc_record *d, char *err, size_t errlen);

/* The snippet of a post for the terms r matched: from its text, else (a
 * match in the title only) its description. scratch holds the text. */
int page_snippet(snippet *sn, store *st, MDB_txn *txn, an_analyzer *an, uint32_t docid,
                 const doc_record *d, const results *r, size_t chars, txt_buf *scratch,
                 char *err, size_t errlen);

/* A page of results as a view: {query, total, offset, limit, results: [...]}
 * (docs/json.md), and "facets": {"tags": [{"tag", "count"}]} when so asked
 * for facets. Reads each shown post's record and text in txn. Returns the root,
 * or NULL with the status in *rc and a message in err (BS_ECORRUPT: a post
 * that cannot be read; BS_ENOMEM). */
vnode *page_build(view *v, store *st, MDB_txn *txn, an_analyzer *an, const results *r,
                  const search_opts *so, const page_opts *po, int *rc, char *err,
                  size_t errlen);

#endif
