/* tz.c: time zones: a fixed offset, or a zone of the tz database read from
 * its TZif file (RFC 8536, versions 1 to 4) with the POSIX TZ rule of its
 * footer for the times after its last transition. Our own small reader, not
 * localtime_r: the C library reads only the zone named by the TZ variable,
 * and setting it (setenv) is not thread-safe in a library. A zone is
 * read-only once made, so threads may share it. Nothing here parses dates. */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

#define TZ_DIR "/usr/share/zoneinfo"
#define TZIF_MAX_BYTES (1u << 20)        /* real ones are under 4 KiB */
#define TZ_MAX_OFFSET_S (26 * 3600)      /* RFC 8536: -25:59:59 to +25:59:59 */
#define TZ_MAX_RULE_TIME_S (167 * 3600)  /* RFC 8536's extension of POSIX hours */
#define TZ_NAME_BYTES 256

/* One end of daylight saving time in a POSIX TZ rule: "Mm.w.d/time",
 * "Jn/time" or "n/time". */
typedef struct {
    char kind;               /* 'M', 'J' (1..365, no February 29) or 'D' (0..365) */
    int month, week, wday;   /* kind 'M': month 1..12, week 1..5 (5: the last), day 0..6 */
    int day;                 /* kind 'J' or 'D' */
    int32_t time;            /* seconds after local midnight, -167 h to 167 h */
} rule_day;

/* The footer's rule: standard time, and daylight time between start and end. */
typedef struct {
    int present;
    int std_min, dst_min;    /* minutes east of UTC */
    int has_dst;
    rule_day start, end;
} tz_rule;

struct tz_zone {
    char name[TZ_NAME_BYTES];
    size_t n;                /* transitions */
    int64_t *at;             /* their instants, UTC, ascending */
    int *off;                /* the offset from each, minutes east */
    int off0;                /* before the first: time type 0, or the fixed offset */
    tz_rule rule;            /* after the last transition, when present */
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (errlen)
        vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* ---- the POSIX TZ rule of the footer ----------------------------------------- */

typedef struct {
    const char *p, *end;
} span;

static int peekc(const span *s)
{
    return s->p < s->end ? (unsigned char)*s->p : -1;
}

static int digit(int c)
{
    return c >= '0' && c <= '9';
}

static int alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A number of at most max digits (one at least). */
static int read_num(span *s, int max, int *v)
{
    int n = 0, val = 0;
    while (n < max && digit(peekc(s))) {
        val = val * 10 + (*s->p++ - '0');
        n++;
    }
    *v = val;
    return n > 0;
}

/* A zone abbreviation: three or more letters, or <...> of letters, digits, + and -. */
static int read_abbr(span *s)
{
    int n = 0;
    if (peekc(s) == '<') {
        s->p++;
        while (alpha(peekc(s)) || digit(peekc(s)) || peekc(s) == '+' || peekc(s) == '-') {
            s->p++;
            n++;
        }
        if (peekc(s) != '>')
            return 0;
        s->p++;
    } else {
        while (alpha(peekc(s))) {
            s->p++;
            n++;
        }
    }
    return n >= 3;
}

/* [+-]hh[:mm[:ss]] into seconds; hours up to max_h. */
static int read_hms(span *s, int max_h, int32_t *out)
{
    int sign = 1, h, m = 0, sec = 0;
    if (peekc(s) == '+' || peekc(s) == '-')
        sign = *s->p++ == '-' ? -1 : 1;
    if (!read_num(s, 3, &h) || h > max_h)
        return 0;
    if (peekc(s) == ':') {
        s->p++;
        if (!read_num(s, 2, &m) || m > 59)
            return 0;
        if (peekc(s) == ':') {
            s->p++;
            if (!read_num(s, 2, &sec) || sec > 59)
                return 0;
        }
    }
    *out = sign * (h * 3600 + m * 60 + sec);
    return 1;
}

static int read_rule_day(span *s, rule_day *r)
{
    r->time = 2 * 3600;          /* POSIX: 02:00:00 when not given */
    if (peekc(s) == 'M') {
        s->p++;
        r->kind = 'M';
        if (!read_num(s, 2, &r->month) || r->month < 1 || r->month > 12 || peekc(s) != '.')
            return 0;
        s->p++;
        if (!read_num(s, 1, &r->week) || r->week < 1 || r->week > 5 || peekc(s) != '.')
            return 0;
        s->p++;
        if (!read_num(s, 1, &r->wday) || r->wday > 6)
            return 0;
    } else if (peekc(s) == 'J') {
        s->p++;
        r->kind = 'J';
        if (!read_num(s, 3, &r->day) || r->day < 1 || r->day > 365)
            return 0;
    } else {
        r->kind = 'D';
        if (!read_num(s, 3, &r->day) || r->day > 365)
            return 0;
    }
    if (peekc(s) == '/') {
        s->p++;
        return read_hms(s, 167, &r->time);
    }
    return 1;
}

static int round_min(int32_t seconds)
{
    return seconds >= 0 ? (seconds + 30) / 60 : -((-seconds + 30) / 60);
}

/* "CET-1CEST,M3.5.0,M10.5.0/3", "MSK-3", "<+03>-3": std offset [dst [offset]
 * ,start,end]. POSIX offsets count west of UTC; ours count east. A rule with
 * daylight time must say when it starts and ends (RFC 8536 forbids the
 * implementation's default rules). */
static int parse_rule(const char *p, size_t len, tz_rule *r)
{
    span s = { p, p + len };
    int32_t std, dst;
    memset(r, 0, sizeof *r);
    if (!read_abbr(&s) || !read_hms(&s, 24, &std))
        return 0;
    r->std_min = round_min(-std);
    r->dst_min = r->std_min;
    if (s.p < s.end) {
        if (!read_abbr(&s))
            return 0;
        r->has_dst = 1;
        dst = std - 3600;        /* one hour ahead of standard time when not given */
        if (peekc(&s) != ',' && !read_hms(&s, 24, &dst))
            return 0;
        r->dst_min = round_min(-dst);
        if (peekc(&s) != ',')
            return 0;
        s.p++;
        if (!read_rule_day(&s, &r->start) || peekc(&s) != ',')
            return 0;
        s.p++;
        if (!read_rule_day(&s, &r->end))
            return 0;
    }
    r->present = 1;
    return s.p == s.end;
}

/* Days since the epoch of a rule's day in year y. */
static int64_t rule_days(const rule_day *d, int64_t y)
{
    if (d->kind == 'J')   /* February 29 is not counted: March 1 is always J60 */
        return date_days_from_civil(y, 1, 1) + d->day - 1 + (d->day >= 60
                                                            && date_days_in_month(y, 2) == 29);
    if (d->kind == 'D')
        return date_days_from_civil(y, 1, 1) + d->day;
    int64_t first = date_days_from_civil(y, d->month, 1);
    int wday1 = (int)((first % 7 + 7 + 4) % 7);      /* 1970-01-01 was a Thursday */
    int day = 1 + (d->wday - wday1 + 7) % 7 + (d->week - 1) * 7;
    int last = date_days_in_month(y, d->month);
    while (day > last)
        day -= 7;
    return first + day - 1;
}

/* The instant a rule's day begins its change in year y: its local time,
 * read in the offset in effect before it. */
static int64_t rule_instant(const rule_day *d, int64_t y, int before_min)
{
    return rule_days(d, y) * 86400 + d->time - (int64_t)before_min * 60;
}

static int rule_offset(const tz_rule *r, int64_t t)
{
    if (!r->has_dst)
        return r->std_min;
    int64_t y;
    int m, d;
    date_civil_from_days(floor_div(t + (int64_t)r->std_min * 60, 86400), &y, &m, &d);
    /* daylight time all year ("0/0,J365/25") */
    int64_t s = rule_instant(&r->start, y, r->std_min), e = rule_instant(&r->end, y, r->dst_min);
    if (s <= date_days_from_civil(y, 1, 1) * 86400 - (int64_t)r->std_min * 60
        && e >= date_days_from_civil(y + 1, 1, 1) * 86400 - (int64_t)r->dst_min * 60)
        return r->dst_min;
    /* the last change at or before t, among those of the years around it */
    int64_t best = INT64_MIN;
    int dst = 0;
    for (int64_t yy = y - 1; yy <= y + 1; yy++) {
        int64_t ts = rule_instant(&r->start, yy, r->std_min);
        int64_t te = rule_instant(&r->end, yy, r->dst_min);
        if (ts <= t && ts >= best) {
            best = ts;
            dst = 1;
        }
        if (te <= t && te >= best) {
            best = te;
            dst = 0;
        }
    }
    return dst ? r->dst_min : r->std_min;
}

/* ---- TZif --------------------------------------------------------------------- */

static int64_t be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    if (bytes == 4)
        return (int32_t)(uint32_t)v;
    return (int64_t)v;
}

typedef struct {
    uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static void read_counts(const unsigned char *h, tzif_counts *c)
{
    c->isut = (uint32_t)be(h + 20, 4);
    c->isstd = (uint32_t)be(h + 24, 4);
    c->leap = (uint32_t)be(h + 28, 4);
    c->time = (uint32_t)be(h + 32, 4);
    c->type = (uint32_t)be(h + 36, 4);
    c->chars = (uint32_t)be(h + 40, 4);
}

/* Bytes of a data block whose times take tb bytes (4 in version 1, else 8). */
static uint64_t block_bytes(const tzif_counts *c, int tb)
{
    return (uint64_t)c->time * (uint64_t)(tb + 1) + (uint64_t)c->type * 6 + c->chars
           + (uint64_t)c->leap * (uint64_t)(tb + 4) + c->isstd + c->isut;
}

int tz_from_tzif(tz_zone **out, const char *name, const void *data, size_t len, char *err,
                 size_t errlen)
{
    const unsigned char *p = data, *end = p + len;
    *out = NULL;
    if (len < 44 || memcmp(p, "TZif", 4) != 0)
        return fail(err, errlen, "%s: not a time zone file (TZif)", name);
    int version = p[4];
    tzif_counts c;
    read_counts(p, &c);
    int tb = 4;
    p += 44;
    if (version >= '2') {
        /* skip the version 1 block: the second header has 64-bit times */
        uint64_t skip = block_bytes(&c, 4);
        if (skip > (uint64_t)(end - p) || (uint64_t)(end - p) - skip < 44
            || memcmp(p + skip, "TZif", 4) != 0)
            return fail(err, errlen, "%s: a damaged time zone file (%s)", name,
                        "no second header");
        p += skip;
        read_counts(p, &c);
        p += 44;
        tb = 8;
    }
    if (c.type == 0 || c.type > 256 || c.chars == 0
        || block_bytes(&c, tb) > (uint64_t)(end - p))
        return fail(err, errlen, "%s: a damaged time zone file (%s)", name, "bad counts");
    if (c.leap)
        return fail(err, errlen, "%s: a zone with leap seconds (a right/ zone); use the one "
                    "without right/", name);
    const unsigned char *times = p, *idx = times + (size_t)c.time * (size_t)tb,
                        *types = idx + c.time;
    p += block_bytes(&c, tb);

    tz_zone *z = calloc(1, sizeof *z);
    if (!z || (c.time && (!(z->at = malloc(c.time * sizeof *z->at))
                          || !(z->off = malloc(c.time * sizeof *z->off))))) {
        tz_free(z);
        return fail(err, errlen, "out of memory");
    }
    snprintf(z->name, sizeof z->name, "%s", name);
    int type_min[256];
    for (uint32_t i = 0; i < c.type; i++) {
        int64_t ut = be(types + 6 * i, 4);
        if (ut < -TZ_MAX_OFFSET_S || ut > TZ_MAX_OFFSET_S || types[6 * i + 5] >= c.chars) {
            tz_free(z);
            return fail(err, errlen, "%s: a damaged time zone file (%s)", name,
                        "an offset out of range");
        }
        type_min[i] = round_min((int32_t)ut);
    }
    z->off0 = type_min[0];
    for (uint32_t i = 0; i < c.time; i++) {
        z->at[i] = be(times + (size_t)i * (size_t)tb, tb);
        if (idx[i] >= c.type || (i && z->at[i] <= z->at[i - 1])) {
            tz_free(z);
            return fail(err, errlen, "%s: a damaged time zone file (%s)", name,
                        "transitions out of order");
        }
        z->off[i] = type_min[idx[i]];
    }
    z->n = c.time;
    if (tb == 8 && p < end) {
        /* the footer: "\n" TZ string "\n", the rule after the last transition */
        const unsigned char *nl = p + 1 < end ? memchr(p + 1, '\n', (size_t)(end - p - 1)) : NULL;
        if (*p != '\n' || !nl) {
            tz_free(z);
            return fail(err, errlen, "%s: a damaged time zone file (%s)", name, "bad footer");
        }
        if (nl > p + 1 && !parse_rule((const char *)p + 1, (size_t)(nl - p - 1), &z->rule)) {
            tz_free(z);
            return fail(err, errlen, "%s: a time zone rule this reader does not know (%s)",
                        name, "footer");
        }
    }
    *out = z;
    return 0;
}

/* ---- zones by name ----------------------------------------------------------- */

/* A name of the tz database: ASCII letters, digits, '.', '_', '+' and '-' in
 * components joined by '/', none of them empty, "." or "..". */
static int tz_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= TZ_NAME_BYTES)
        return 0;
    const char *comp = name;
    for (const char *s = name;; s++) {
        if (*s == '/' || *s == '\0') {
            size_t cl = (size_t)(s - comp);
            if (cl == 0 || (cl == 1 && comp[0] == '.') || (cl == 2 && !memcmp(comp, "..", 2)))
                return 0;
            if (*s == '\0')
                return 1;
            comp = s + 1;
            continue;
        }
        if (!alpha((unsigned char)*s) && !digit((unsigned char)*s) && !strchr("._+-", *s))
            return 0;
    }
}

static int open_file(tz_zone **out, const char *name, char *err, size_t errlen)
{
    const char *dir = getenv("TZDIR");
    char path[4096];
    if (!dir || !*dir)
        dir = TZ_DIR;
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return fail(err, errlen, "time zone \"%s\": the name is too long", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        if (e == ENOENT || e == ENOTDIR)
            return fail(err, errlen, "no time zone \"%s\" (no file %s); a name such as "
                        "Europe/Moscow, or an offset such as +03:00", name, path);
        return fail(err, errlen, "time zone \"%s\": %s: %s", name, path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size > (off_t)TZIF_MAX_BYTES) {
        close(fd);
        return fail(err, errlen, "no time zone \"%s\" (%s is not a zone file); a name such "
                    "as Europe/Moscow, or an offset such as +03:00", name, path);
    }
    unsigned char *buf = malloc((size_t)sb.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)sb.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)sb.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (!buf)
        return fail(err, errlen, "out of memory");
    int rc = tz_from_tzif(out, name, buf, got, err, errlen);
    free(buf);
    return rc;
}

static int tz_fixed(tz_zone **out, int minutes)
{
    tz_zone *z = calloc(1, sizeof *z);
    *out = z;
    if (!z)
        return -1;
    z->off0 = minutes;
    if (minutes == 0)
        snprintf(z->name, sizeof z->name, "UTC");
    else
        snprintf(z->name, sizeof z->name, "%c%02d:%02d", minutes < 0 ? '-' : '+',
                 abs(minutes) / 60, abs(minutes) % 60);
    return 0;
}

int tz_open(tz_zone **out, const char *name, char *err, size_t errlen)
{
    int minutes;
    *out = NULL;
    if (!name)
        return fail(err, errlen, "no time zone given");
    if (date_parse_tz(name, &minutes) == 0)
        return tz_fixed(out, minutes) == 0 ? 0 : fail(err, errlen, "out of memory");
    if (!tz_name_ok(name))
        return fail(err, errlen, "\"%s\" is not a time zone: a name such as Europe/Moscow, "
                    "or an offset such as +03:00", utf8_valid(name, strlen(name)) ? name
                    : "(not UTF-8)");
    return open_file(out, name, err, errlen);
}

void tz_free(tz_zone *z)
{
    if (!z)
        return;
    free(z->at);
    free(z->off);
    free(z);
}

const char *tz_name(const tz_zone *z)
{
    return z ? z->name : "UTC";
}

int tz_offset_at(const tz_zone *z, int64_t t)
{
    if (!z)
        return 0;
    if (z->n == 0 || t < z->at[0])
        return z->n == 0 && z->rule.present ? rule_offset(&z->rule, t) : z->off0;
    if (t >= z->at[z->n - 1] && z->rule.present)
        return rule_offset(&z->rule, t);
    size_t lo = 0, hi = z->n;        /* the last transition at or before t */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->off[lo];
}

/* The offsets a day before and a day after the wall-clock time are the
 * candidates: zones change their offset at most once in two days. One that
 * reads local back as itself is right; both are (clocks set back: an hour
 * seen twice), the earlier instant; neither is (clocks set forward: an hour
 * skipped), the offset before the change, so the time is read as the clock
 * on the wall still showed it. */
int64_t tz_from_local(const tz_zone *z, int64_t local, int *offset)
{
    int before = tz_offset_at(z, local - 86400), after = tz_offset_at(z, local + 86400);
    int64_t tb = local - (int64_t)before * 60, ta = local - (int64_t)after * 60;
    int b_ok = tz_offset_at(z, tb) == before, a_ok = tz_offset_at(z, ta) == after;
    int64_t t = b_ok && a_ok ? (tb < ta ? tb : ta) : a_ok ? ta : tb;
    if (offset)
        *offset = tz_offset_at(z, t);
    return t;
}
