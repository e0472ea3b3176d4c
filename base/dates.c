/* dates.c: post dates as bloggers write them in front matter ("2013-12-16
 * 00:48:01", ISO 8601, "27.10.2024 21:12", "05/05/2014 03:00:00 PM UTC", with
 * or without a zone) to seconds since the epoch, and back to ISO 8601 in a
 * given offset. Pure arithmetic on purpose: no mktime, timegm, strptime or
 * TZ, so neither the locale nor the host's zone can change an index; a
 * named zone comes from tz.c. */
#include <stdint.h>
#include <string.h>

#include "base/base.h"

/* What the parser accepts, after trimming whitespace and one pair of matching
 * surrounding quotes (YAML front matter writes date: "2022-11-03"):
 *
 *   date  = YYYY sep M[M] sep D[D]         sep is '-' or '/', the same twice
 *         | D[D] '.' M[M] '.' YYYY         day first with dots (Pelican)
 *         | M[M] '/' D[D] '/' YYYY         month first with slashes (Nikola)
 *   full  = date [ (blanks | 'T') time [ blanks ] [ zone ] ]
 *   time  = H[H] ':' MM [ ':' SS [ ('.' | ',') digits ] ] [ [blanks] ("AM" | "PM") ]
 *   zone  = 'Z' | ( "UTC" | "GMT" ) [ offset ] | offset
 *   offset = ('+' | '-') H[H] [ [':'] MM ]   (no colon only after two hour digits)
 *
 * A date that starts with its year is year, month, day. One that ends with
 * it is read by its separator, as the generators that write them mean it:
 * dots put the day first (27.10.2024, as Russian and German write dates and
 * Pelican's Russian blogs keep them), slashes the month (05/05/2014, as
 * American use and Nikola's own site do). So 03/04/2014 is March 4 and
 * 03.04.2014 is April 3; a two-digit year is refused as too ambiguous.
 *
 * Single-digit month, day and hour ("2013-1-5 9:05") are accepted because
 * Nikola and hand-written YAML have them and nothing else reads them
 * differently. With AM or PM the hour is 1 to 12 (12 AM is midnight). Letters
 * T, Z, AM, PM, UTC and GMT are case-insensitive. A date without a time is
 * midnight; a date without a zone is in the caller's default zone, and a zone
 * needs a time before it ("2013-12-16 +03:00" is refused, as a midnight in a
 * stated zone is more likely a typo than a meaning). A fraction of a second
 * is read and dropped. Second 60 (a leap second) is accepted and simply
 * counted, so 23:59:60 equals the next 00:00:00; hour 24 is refused. */

#define MAX_OFFSET_MIN (14 * 60)   /* UTC+14:00, Kiribati, is the widest zone in use */

static const char E_FORMAT[] = "unrecognized date format";
static const char E_TRAILING[] = "trailing characters after the date";
static const char E_YEAR[] = "year out of range";
static const char E_MONTH[] = "month out of range";
static const char E_DAY[] = "day does not exist in that month";
static const char E_HOUR[] = "hour out of range";
static const char E_MINUTE[] = "minute out of range";
static const char E_SECOND[] = "second out of range";
static const char E_ZONE[] = "zone offset out of range";

/* A cursor over bytes that are not NUL-terminated: every read checks end. */
typedef struct {
    const unsigned char *p, *end;
} cursor;

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int peek(const cursor *c)
{
    return c->p < c->end ? *c->p : -1;
}

static int eat(cursor *c, int ch)
{
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* ASCII only: tolower() would consult the locale. */
static int eat_word(cursor *c, const char *upper)
{
    size_t n = strlen(upper);
    if ((size_t)(c->end - c->p) < n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int ch = c->p[i];
        if (ch >= 'a' && ch <= 'z')
            ch -= 'a' - 'A';
        if (ch != upper[i])
            return 0;
    }
    c->p += n;
    return 1;
}

static void skip_blanks(cursor *c)
{
    while (c->p < c->end && is_blank(*c->p))
        c->p++;
}

/* Reads a run of digits, returning how many there were. Only the first max
 * count toward *v, so a long run can neither overflow nor pass as valid: the
 * caller sees the length and decides. */
static int read_digits(cursor *c, int max, int *v)
{
    int n = 0, val = 0;
    while (c->p < c->end && is_digit(*c->p)) {
        if (n < max)
            val = val * 10 + (*c->p - '0');
        n++;
        c->p++;
    }
    *v = val;
    return n;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int date_days_in_month(int64_t y, int m)
{
    static const unsigned char dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Howard Hinnant's days_from_civil: days since 1970-01-01 in the proleptic
 * Gregorian calendar. Eras of 400 years make it exact with no table and no
 * loop; valid far beyond years 1..9999. */
int64_t date_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                    /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* The inverse, civil_from_days, from the same paper. */
void date_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;                                          /* [0, 146096] */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;     /* [0, 399] */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                   /* [0, 365] */
    int64_t mp = (5 * doy + 2) / 153;                                        /* [0, 11] */
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Parses an offset after its sign has been seen. Returns 1 and minutes (not
 * yet range-checked: *bad is set instead, so "+25:00" is reported as out of
 * range rather than as unrecognized), or 0 having consumed nothing. */
static int parse_offset(cursor *c, int *minutes, int *bad)
{
    cursor save = *c;
    int sign = peek(c) == '-' ? -1 : 1;
    if (!eat(c, '+') && !eat(c, '-'))
        return 0;
    int h, m = 0;
    cursor at_hours = *c;
    int nh = read_digits(c, 2, &h);
    if (nh == 0 || nh == 3 || nh > 4) {   /* "+030" is neither H, HH nor HHMM */
        *c = save;
        return 0;
    }
    if (nh == 4) {               /* HHMM: split the run read above */
        c->p = at_hours.p + 2;
        read_digits(c, 2, &m);
    } else if (peek(c) == ':') {
        cursor colon = *c;
        c->p++;
        if (read_digits(c, 2, &m) != 2)
            *c = colon;          /* "+03:0": the offset ends at "+03", the rest trails */
    }
    *bad = m > 59 || h * 60 + m > MAX_OFFSET_MIN;
    *minutes = sign * (h * 60 + m);
    return 1;
}

/* Parses a zone: "Z", "UTC", "GMT", each of the last two with an optional
 * offset, or a bare offset. Returns 1 if one was read, 0 having consumed
 * nothing otherwise. */
static int parse_zone(cursor *c, int *minutes, int *bad)
{
    *minutes = 0;
    *bad = 0;
    if (eat(c, 'Z') || eat(c, 'z'))
        return 1;
    if (eat_word(c, "UTC") || eat_word(c, "GMT")) {
        parse_offset(c, minutes, bad);
        return 1;
    }
    return parse_offset(c, minutes, bad);
}

static cursor trimmed(const char *s, size_t len)
{
    cursor c = { (const unsigned char *)s, (const unsigned char *)s + len };
    skip_blanks(&c);
    while (c.end > c.p && is_blank(c.end[-1]))
        c.end--;
    if (c.end - c.p >= 2 && (*c.p == '"' || *c.p == '\'') && c.end[-1] == *c.p) {
        c.p++;
        c.end--;
        skip_blanks(&c);
        while (c.end > c.p && is_blank(c.end[-1]))
            c.end--;
    }
    return c;
}

static int fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return -1;
}

/* A date as written: its wall-clock time as seconds since the epoch (as if
 * it were UTC), and the zone it states, if any. */
typedef struct {
    int64_t local;
    int has_zone;
    int zone_min;            /* minutes east of UTC, with has_zone */
} written;

/* The day, month and year of the three orders (YYYY-MM-DD, DD.MM.YYYY,
 * MM/DD/YYYY), or 0 for a shape that is none of them. */
static int parse_day(cursor *c, int *y, int *mo, int *d)
{
    int first, n1 = read_digits(c, 4, &first);
    int sep = peek(c);
    if (n1 >= 4) {
        *y = n1 > 4 ? 0 : first;    /* "10000-01-01": shaped like a date, year too big */
        if (sep != '-' && sep != '/')
            return 0;
        c->p++;
        int nm = read_digits(c, 2, mo);
        if (nm < 1 || nm > 2 || !eat(c, sep))
            return 0;
        int nd = read_digits(c, 2, d);
        return nd >= 1 && nd <= 2;
    }
    /* day first with dots (Pelican, Russian and German use), month first
     * with slashes (Nikola, American use) */
    if (n1 < 1 || n1 > 2 || (sep != '.' && sep != '/'))
        return 0;
    c->p++;
    int second, n2 = read_digits(c, 2, &second);
    if (n2 < 1 || n2 > 2 || !eat(c, sep))
        return 0;
    int ny = read_digits(c, 4, y);
    if (ny < 4)
        return 0;                /* "16.12.13": a two-digit year is too ambiguous */
    if (ny > 4)
        *y = 0;
    *d = sep == '.' ? first : second;
    *mo = sep == '.' ? second : first;
    return 1;
}

static int parse_written(const char *s, size_t len, written *out, const char **why)
{
    if (!s)
        return fail(why, E_FORMAT);
    cursor c = trimmed(s, len);

    /* Syntax first, ranges after: a date that has the right shape is
     * reported by its wrong field, anything else as unrecognized. */
    int y, mo, d, h = 0, mi = 0, sec = 0, ampm = 0;
    if (!parse_day(&c, &y, &mo, &d))
        return fail(why, E_FORMAT);

    int tz = 0, has_zone = 0, tz_bad = 0;
    cursor after_date = c;
    skip_blanks(&c);
    int t_sep = c.p > after_date.p;
    if (!t_sep && (peek(&c) == 'T' || peek(&c) == 't')) {
        c.p++;
        t_sep = 1;
    }
    if (t_sep && is_digit(peek(&c))) {
        /* A time has begun; from here a malformed time is not a date. */
        int nh = read_digits(&c, 2, &h);
        if (nh > 2 || !eat(&c, ':') || read_digits(&c, 2, &mi) != 2)
            return fail(why, E_FORMAT);
        if (peek(&c) == ':') {
            cursor colon = c;
            c.p++;
            if (read_digits(&c, 2, &sec) == 2) {
                cursor frac = c;
                int ignored;
                if ((eat(&c, '.') || eat(&c, ',')) && read_digits(&c, 0, &ignored) == 0)
                    c = frac;    /* "01." - the dot is left to trail */
            } else {
                c = colon;
                sec = 0;
            }
        }
        cursor before_ampm = c;
        skip_blanks(&c);
        if (eat_word(&c, "AM"))
            ampm = 1;
        else if (eat_word(&c, "PM"))
            ampm = 2;
        else
            c = before_ampm;
        skip_blanks(&c);
        has_zone = parse_zone(&c, &tz, &tz_bad);
    } else {
        c = after_date;          /* "2013-12-16T" or "2013-12-16 x": report what trails */
    }
    if (c.p != c.end)
        return fail(why, E_TRAILING);

    if (y < 1 || y > 9999)
        return fail(why, E_YEAR);
    if (mo < 1 || mo > 12)
        return fail(why, E_MONTH);
    if (d < 1 || d > date_days_in_month(y, mo))
        return fail(why, E_DAY);
    if (ampm ? h < 1 || h > 12 : h > 23)
        return fail(why, E_HOUR);
    if (ampm)
        h = h % 12 + (ampm == 2 ? 12 : 0);   /* 12 AM is midnight, 12 PM noon */
    if (mi > 59)
        return fail(why, E_MINUTE);
    if (sec > 60)
        return fail(why, E_SECOND);
    if (tz_bad)
        return fail(why, E_ZONE);

    out->local = date_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
    out->has_zone = has_zone;
    out->zone_min = tz;
    return 0;
}

int date_parse(const char *s, size_t len, int default_tz_min, int64_t *out, const char **why)
{
    written w;
    if (parse_written(s, len, &w, why) != 0)
        return -1;
    /* The default zone is not range-checked here: it comes from the caller
     * (date_parse_tz or configuration), and any int gives a defined result. */
    *out = w.local - (int64_t)(w.has_zone ? w.zone_min : default_tz_min) * 60;
    return 0;
}

int date_parse_in(const char *s, size_t len, const tz_zone *zone, int64_t *out,
                  int *offset_min, const char **why)
{
    written w;
    if (parse_written(s, len, &w, why) != 0)
        return -1;
    int off = w.zone_min;
    *out = w.has_zone ? w.local - (int64_t)off * 60 : tz_from_local(zone, w.local, &off);
    if (offset_min)
        *offset_min = off;
    return 0;
}

int date_parse_tz(const char *s, int *minutes)
{
    if (!s)
        return -1;
    cursor c = trimmed(s, strlen(s));
    int z, bad;
    if (!parse_zone(&c, &z, &bad) || bad || c.p != c.end)
        return -1;
    *minutes = z;
    return 0;
}

/* Writes n as exactly width digits (zero-padded), most significant first. */
static char *put_num(char *p, int64_t n, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + n % 10);
        n /= 10;
    }
    return p + width;
}

void date_format(int64_t t, char buf[32])
{
    char b[DATE_FORMAT_BYTES];
    date_format_at(t, 0, b);
    memcpy(buf, b, strlen(b) + 1);
}

void date_format_at(int64_t t, int offset_min, char buf[DATE_FORMAT_BYTES])
{
    /* the wall clock, saturated at the ends of int64 (outside the
     * contract, but defined) */
    int64_t shift = (int64_t)offset_min * 60;
    if (shift > 0 && t > INT64_MAX - shift)
        t = INT64_MAX;
    else if (shift < 0 && t < INT64_MIN - shift)
        t = INT64_MIN;
    else
        t += shift;
    /* Floor division: -1 is 1969-12-31T23:59:59, not a second before 1970's
     * midnight counted forward. */
    int64_t days = t / 86400, sod = t % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    int64_t y;
    int m, d;
    date_civil_from_days(days, &y, &m, &d);

    char *p = buf;
    /* Outside years 1..9999 the contract promises nothing, but even INT64_MIN
     * gives a year of 12 digits, so the ISO 8601 expanded form (a sign and
     * more digits) still fits in 32 bytes with a Z (DATE_FORMAT_BYTES with an
     * offset) and says something true. */
    if (y < 0) {
        *p++ = '-';
        y = -y;
    }
    int width = 4;
    for (int64_t lim = 10000; y >= lim && width < 18; lim *= 10)
        width++;
    p = put_num(p, y, width);
    *p++ = '-';
    p = put_num(p, m, 2);
    *p++ = '-';
    p = put_num(p, d, 2);
    *p++ = 'T';
    p = put_num(p, sod / 3600, 2);
    *p++ = ':';
    p = put_num(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = put_num(p, sod % 60, 2);
    if (offset_min == 0) {
        *p++ = 'Z';
    } else {
        int64_t a = offset_min < 0 ? -(int64_t)offset_min : offset_min;
        *p++ = offset_min < 0 ? '-' : '+';
        p = put_num(p, a / 60 % 100, 2);
        *p++ = ':';
        p = put_num(p, a % 60, 2);
    }
    *p = '\0';
}
