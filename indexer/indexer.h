/* indexer.h: the indexer's internal contract, one section per file: reading
 * post files into fields (post.c), markup to plain text (markup.c), dates
 * (dates.c), and the index writer (writer.c). The public face is
 * blogsearch-index (tools/) and, later, include/blogsearch.h. */
#ifndef BS_INDEXER_H
#define BS_INDEXER_H

#include <stddef.h>
#include <stdint.h>

/* txt_buf, the growable byte buffer (buf_put, buf_putc, buf_puts, buf_reset,
 * buf_free), is in store/buf.h. */
#include "store/buf.h"

/* ---- what markup.c offers ----------------------------------------------- */

typedef enum {
    MARKUP_RST,      /* reStructuredText (Nikola, Pelican) */
    MARKUP_MD,       /* Markdown (CommonMark-ish, with inline HTML) */
    MARKUP_HTML,     /* an HTML fragment or page */
    MARKUP_TEXT      /* plain text, copied */
} markup_kind;

/* Converts a post body to the plain text a reader sees, appended to out.
 * in is valid UTF-8 with LF line ends (post.c normalizes CRLF, BOM and
 * invalid bytes first) and holds no metadata header. The output keeps the
 * text in reading order: paragraphs, headings, list items, table cells, code
 * blocks and image alt texts as paragraphs separated by one blank line
 * ("\n\n"), lines of one paragraph joined by '\n'; markup characters, URLs of
 * links, directive and option lines, comments and HTML tags are gone. Never
 * fails on odd input; returns 0, or -1 when out of memory (out->err set). */
int markup_to_text(markup_kind kind, const char *in, size_t len, txt_buf *out);

/* ---- what dates.c offers ------------------------------------------------ */

/* Parses a post's date: "2013-12-16 00:48:01", "2017-02-24 20:01:04
 * UTC+03:00", "+0300", "Z", ISO 8601 ("2022-11-03T09:15:00+03:00"), date only
 * ("2019-05-02"), optional seconds and fractions. A date without a zone is in
 * default_tz_min minutes east of UTC. Returns 0 and seconds since the epoch
 * (UTC) in *out, or -1 with a static reason in *why ("month 13 out of
 * range", "February 30 does not exist", "unrecognized date format"). */
int date_parse(const char *s, size_t len, int default_tz_min, int64_t *out, const char **why);

/* Parses a zone offset such as "+03:00", "-0530", "UTC", "Z" into minutes
 * east of UTC; 0 on success, -1 if malformed. */
int date_parse_tz(const char *s, int *minutes);

/* Writes t as ISO 8601 UTC, "2017-02-24T17:01:04Z", into buf. */
void date_format(int64_t t, char buf[32]);

#endif
