/* format.h: the constants of the on-disk format. The format itself is
 * described once, in docs/FORMAT.md; change both and the codec tests in one
 * commit, and bump BS_FORMAT_VERSION when any byte changes. */
#ifndef BS_FORMAT_H
#define BS_FORMAT_H

#define BS_FORMAT_VERSION   7u
#define BS_OPTIONS_SINCE    5u   /* meta options as written now: read from this
                                    format's index on (a --full rebuild keeps its zone) */
/* Bumped whenever the analyzer (stemming/) would give different terms for
 * some text: an index made by another analyzer cannot be queried. 2: nouns
 * in -ит keep it (коммит, кредит; docs/analyzer.md). */
#define BS_ANALYZER_VERSION 2u

enum { BS_FIELD_TITLE, BS_FIELD_TAGS, BS_FIELD_DESC, BS_FIELD_BODY, BS_NFIELDS };

#define BLK_MAX_POSTINGS  128     /* postings in one terms block */
#define BLK_TARGET_BYTES  1900    /* key + value of a block, to stay in a leaf page */
#define TEXT_CHUNK_BYTES  1900    /* compressed body text per texts value */
#define FACET_MAX_BYTES   400     /* folded facet value, cut on a UTF-8 boundary */
#define TERM_MAX_BYTES    255
#define CODEC_MAX_TZ_MIN  (26 * 60)  /* a date's offset, minutes either way (RFC 8536's
                                        bound for a zone's) */

#define FACET_TAG      't'
#define FACET_CATEGORY 'c'
#define FACET_AUTHOR   'a'
#define FACET_SLUG     's'  /* a post by its slug (blogsearch --like) */

/* Names of the LMDB databases. */
#define DB_META   "meta"
#define DB_DOCS   "docs"
#define DB_TEXTS  "texts"
#define DB_TERMS  "terms"
#define DB_PATHS  "paths"
#define DB_FACETS "facets"
#define DB_DATES  "dates"
#define DB_LENS   "lens"
#define DB_DOCTAGS "doctags"
#define DB_TAGIDS "tagids"

/* lens: per post its date and field lengths, 16 bytes, LENS_PER_CHUNK posts
 * a value, so ranking reads a few pages instead of a record per post. */
#define LENS_ENTRY_BYTES 16
#define LENS_PER_CHUNK   64      /* 1,024-byte values: leaf pages, no overflow */
#define LENS_NO_DATE     INT64_MIN

/* doctags: per post the ids of its tags, LENS_PER_CHUNK posts a value, so
 * the tag facets of a result set read the chunks of its posts; tagids: a
 * tag's id (TAGID_BY_VALUE key) and an id's tag (TAGID_BY_ID key). */
#define TAGID_BY_ID    'n'
#define TAGID_BY_VALUE 'v'


#endif
