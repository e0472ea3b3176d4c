/* base.h: what every room of blogsearch uses and none owns, one section per
 * file: growable byte buffers (buf.c), UTF-8 (utf8.c), dates (dates.c), time
 * zones (tz.c), and the tree of values a results page is built as, written
 * out as JSON (view.c). It includes nothing of blogsearch's own. */
#ifndef BS_BASE_H
#define BS_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- what buf.c offers --------------------------------------------------- */

/* p is NUL-terminated whenever cap > 0. After an allocation failure err is
 * set and every later call does nothing, so code appends straight through
 * and checks err once. Zero-initialize to start. */
typedef struct {
    char *p;
    size_t len;      /* bytes, not counting the NUL */
    size_t cap;      /* bytes allocated */
    int err;         /* 1 after an allocation failure */
} txt_buf;

void buf_put(txt_buf *b, const void *s, size_t n);
void buf_putc(txt_buf *b, char c);
void buf_puts(txt_buf *b, const char *s);
void buf_reset(txt_buf *b);     /* len = 0, keeps the memory */
void buf_truncate(txt_buf *b, size_t len);   /* len = min(len, b->len) */
/* Room for n more bytes: returns where they go (the caller writes them and
 * adds what it wrote to len), or NULL after an allocation failure. */
char *buf_reserve(txt_buf *b, size_t n);
void buf_free(txt_buf *b);
/* A growable array's next size: returns v reallocated to twice *cap
 * elements (first when *cap is 0) of size bytes and sets *cap, or NULL
 * when out of memory or too big, with v untouched. */
void *grow_array(void *v, size_t *cap, size_t first, size_t size);
/* Appends s (len bytes of UTF-8) as a JSON string, quotes included; a byte
 * that is not part of well-formed UTF-8 is written as U+FFFD. */
void buf_put_json(txt_buf *b, const char *s, size_t len);

/* ---- what utf8.c offers -------------------------------------------------- */

#define UTF8_INVALID (-1)

/* Decodes one code point from [p, end), p < end. Returns the number of bytes
 * consumed (1..4) and stores the code point in *cp, or UTF8_INVALID in *cp
 * with 1 byte consumed for a byte that does not start a well-formed sequence:
 * overlong forms, surrogates (U+D800..DFFF), values above U+10FFFF and
 * truncated sequences are all invalid. Never reads at or past end. */
size_t utf8_decode(const unsigned char *p, const unsigned char *end, int32_t *cp);

/* Writes the UTF-8 encoding of a valid scalar value into out (4 bytes room).
 * Returns the byte count. */
size_t utf8_put_cp(int32_t cp, unsigned char *out);

/* 1 if [p, p+len) is well-formed UTF-8 without NUL bytes. */
int utf8_valid(const char *p, size_t len);

/* Characters (code points) in len bytes of UTF-8: the bytes that do not
 * continue a sequence. What a reader counts, for positions and lengths. */
size_t utf8_nchars(const char *p, size_t len);

/* Bytes of the first nchars characters of len bytes of UTF-8 (all len when
 * there are fewer): a cut that never splits a character. */
size_t utf8_prefix(const char *p, size_t len, size_t nchars);

/* Bytes of [p, p+len) without a character cut short at the end: len, less
 * the start of a sequence whose last bytes are missing (text cut at a byte
 * count). Bytes that are bad for another reason are left to utf8_fix. */
size_t utf8_cut(const char *p, size_t len);

#define UTF8_REPLACEMENT "\xEF\xBF\xBD"     /* U+FFFD, 3 bytes */

/* Appends len bytes of s to out, each byte that is not part of well-formed
 * UTF-8 as U+FFFD (a NUL byte is kept: the writers escape it). What the
 * outputs do with text read from an index, which a damaged one can spoil. */
void utf8_put_repaired(txt_buf *out, const char *s, size_t len);

/* Makes the NUL-terminated text in buf (cap bytes) valid UTF-8 in place:
 * each bad byte U+FFFD, the end cut on a character boundary to fit cap
 * (out of memory: each bad byte '?'). */
void utf8_fix(char *buf, size_t cap);

/* vsnprintf into buf (cap bytes), then valid UTF-8 whatever the values: a
 * text longer than cap is cut on a character boundary, a bad byte of a
 * value becomes U+FFFD (utf8_fix). Every message that quotes a value goes
 * through here. Returns the length. */
size_t utf8_vformat(char *buf, size_t cap, const char *fmt, va_list ap)
    __attribute__((format(__printf__, 3, 0)));
size_t utf8_format(char *buf, size_t cap, const char *fmt, ...)
    __attribute__((format(__printf__, 3, 4)));

/* ---- what dates.c offers ------------------------------------------------- */

/* Parses a post's date: "2013-12-16 00:48:01", "2017-02-24 20:01:04
 * UTC+03:00", "+0300", "Z", ISO 8601 and RFC 3339 ("2022-11-03T09:15:00+03:00"),
 * date only ("2019-05-02"), optional seconds and fractions, day first with
 * dots ("27.10.2024 21:12", Pelican) and month first with slashes with a
 * 12-hour clock ("05/05/2014 03:00:00 PM UTC", Nikola). A date without a zone
 * is in default_tz_min minutes east of UTC. Returns 0 and seconds since the
 * epoch (UTC) in *out, or -1 with a static reason in *why ("month 13 out of
 * range", "February 30 does not exist", "unrecognized date format"). */
int date_parse(const char *s, size_t len, int default_tz_min, int64_t *out, const char **why);

typedef struct tz_zone tz_zone;

/* date_parse with a zone for dates written without one: their wall-clock
 * time is read in zone (NULL: UTC) at that date (tz_from_local), and a date
 * that states its zone keeps it. *offset_min (may be NULL) gets the offset
 * of the post's date, minutes east of UTC: the stated one, or the zone's. */
int date_parse_in(const char *s, size_t len, const tz_zone *zone, int64_t *out,
                  int *offset_min, const char **why);

/* Parses a zone offset such as "+03:00", "-0530", "UTC", "Z" into minutes
 * east of UTC; 0 on success, -1 if malformed. */
int date_parse_tz(const char *s, int *minutes);

/* Writes t as ISO 8601 UTC, "2017-02-24T17:01:04Z", into buf. */
void date_format(int64_t t, char buf[32]);

/* Writes t as ISO 8601 in the offset offset_min minutes east of UTC: the
 * wall clock there and the offset, "2017-02-24T20:01:04+03:00"; with offset
 * 0, "2017-02-24T17:01:04Z" as date_format. */
#define DATE_FORMAT_BYTES 40
void date_format_at(int64_t t, int offset_min, char buf[DATE_FORMAT_BYTES]);

/* The proleptic Gregorian calendar: days since 1970-01-01 of a date, the
 * date of such a day, and the days of a month (1..12). */
int64_t date_days_from_civil(int64_t y, int m, int d);
void date_civil_from_days(int64_t days, int64_t *y, int *m, int *d);
int date_days_in_month(int64_t y, int m);

/* ---- what tz.c offers ---------------------------------------------------- */

/* A time zone: a fixed offset ("UTC", "+03:00") or a zone of the tz
 * database ("Europe/Moscow"), read from its TZif file, whose offset depends
 * on the date (summer time; Moscow's +03:00, +04:00 from March 2011, +03:00
 * again from October 2014). Offsets are minutes east of UTC (a local mean
 * time of the 19th century, +02:30:17, is rounded to the minute). A zone is
 * not changed once made: any number of threads may read one. */

/* Makes the zone of name: "UTC" or an offset as date_parse_tz reads them, or
 * a tz database name, whose file is read from $TZDIR, else
 * /usr/share/zoneinfo. Returns 0, or -1 with *out NULL and the reason in err
 * (errlen bytes), naming the zone ("no time zone \"Europe/Mosco\" ..."). */
int tz_open(tz_zone **out, const char *name, char *err, size_t errlen);
/* The zone of len bytes of a TZif file (RFC 8536, versions 1 to 4), named
 * name; as tz_open. A zone with leap seconds (right/) is refused. */
int tz_from_tzif(tz_zone **out, const char *name, const void *data, size_t len, char *err,
                 size_t errlen);
void tz_free(tz_zone *z);                     /* NULL is a no-op */
/* The name the zone was made with: "UTC", "+03:00" (offsets in this one
 * form) or "Europe/Moscow". NULL is UTC. */
const char *tz_name(const tz_zone *z);
/* The offset at instant t (seconds since the epoch, UTC). NULL is UTC. */
int tz_offset_at(const tz_zone *z, int64_t t);
/* The instant at which the clocks of z show local (a wall-clock time as
 * seconds since the epoch, as if it were UTC), with the offset in effect
 * then in *offset (may be NULL). A time the clocks show twice (set back)
 * is the earlier; one they skip (set forward) is read with the offset before
 * the change, so 02:30 of a night that skips from 02:00 to 03:00 is 03:30 in
 * the new offset. */
int64_t tz_from_local(const tz_zone *z, int64_t local, int *offset);

/* ---- what view.c offers -------------------------------------------------- */

/* A results page as a small tree of values, written out as JSON (blogsearch
 * --json, blogsearch.cgi) or through an HTML template (web/template.c). One
 * model, two writers: both formats always show the same things. A post's
 * front matter is read into the same kind of tree (indexer/front/).
 *
 * Nodes live in an arena owned by the view; every string is copied in.
 * Building never fails half-way: on out of memory the view remembers it and
 * view_failed() says so; the builders then return NULL and ignore NULLs. */
typedef enum { VN_NULL, VN_BOOL, VN_NUM, VN_STR, VN_ARR, VN_OBJ } vn_kind;

typedef struct vnode vnode;
typedef struct view view;

/* Node flags */
#define VN_HTML 1u        /* a string already made safe HTML, for {{{ }}} */
#define VN_NOJSON 2u      /* a member the JSON writer leaves out (HTML only) */

view *view_new(void);
void view_free(view *v);
int view_failed(const view *v);       /* 1 after an allocation failed */

vnode *vn_null(view *v);
vnode *vn_bool(view *v, int b);
vnode *vn_num(view *v, double x);
vnode *vn_int(view *v, int64_t x);     /* printed without decimals */
vnode *vn_str(view *v, const char *s, size_t len);  /* s may be NULL if len 0 */
vnode *vn_cstr(view *v, const char *s);  /* NULL gives a null node */
vnode *vn_arr(view *v);
vnode *vn_obj(view *v);

/* Appends to an array; sets an object's member (a new name is appended, in
 * order; an existing one is replaced, keeping its place). Return the
 * container, or NULL when either is NULL, the container is of the other
 * kind, or memory ran out (then nothing is changed). */
vnode *vn_push(view *v, vnode *arr, vnode *item);
vnode *vn_set(view *v, vnode *obj, const char *name, vnode *val);
vnode *vn_flag(vnode *n, unsigned flags);   /* ORs flags in; returns n */

vn_kind vn_type(const vnode *n);
const vnode *vn_get(const vnode *obj, const char *name);  /* member or NULL */
size_t vn_len(const vnode *n);         /* elements, members or bytes */
const vnode *vn_at(const vnode *arr, size_t i);
/* An object's i-th member, in order, with its name in *name; NULL past the end */
const vnode *vn_member(const vnode *obj, size_t i, const char **name);
/* A string's bytes, NUL-terminated; NULL (len 0) for any other node. */
const char *vn_text(const vnode *n, size_t *len);
double vn_number(const vnode *n);      /* 0 for anything but a number */
int vn_boolean(const vnode *n);        /* a true boolean: 1; anything else 0 */
int vn_is_zero(const vnode *n);        /* a number that is 0 or not finite */
unsigned vn_flags(const vnode *n);     /* VN_* flags; 0 for NULL */
/* vn_get for a name of len bytes, not NUL-terminated */
const vnode *vn_get_n(const vnode *obj, const char *name, size_t len);
/* A number as both writers write it (integers whole, else up to 4 decimals,
 * trailing zeros dropped) into s (cap bytes; 32 are enough); returns its
 * length, 0 for anything but a finite number, which both write as null. */
size_t vn_format_number(const vnode *n, char *s, size_t cap);

/* Writes n as JSON (UTF-8, not escaped beyond what JSON needs, "/" kept) to
 * out. indent 0: one line; > 0: objects and arrays broken over lines with
 * that many spaces a level; no final newline. Members and elements flagged
 * VN_NOJSON are left out (n itself is always written). Returns 0, or -1
 * when out of memory. */
int view_json(txt_buf *out, const vnode *n, int indent);

/* Appends s HTML-escaped (& < > " ' as entities); a byte that is not part
 * of well-formed UTF-8 is written as U+FFFD. */
void html_escape(txt_buf *out, const char *s, size_t len);

#endif
