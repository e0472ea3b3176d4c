/* test_tz.c: time zones (tz_open, tz_offset_at, tz_from_local) and dates
 * read in them (date_parse_in). Expected instants were computed with GNU date
 * (date -u -d 'TZ="Europe/Moscow" 2011-03-27 03:00' +%s), not with this code;
 * the C library's localtime_r, with TZ set (this test is one thread), is the
 * slow model the offsets of whole decades are checked against. TZif files
 * are also built here byte by byte, so the reader is tested without tzdata,
 * damaged on purpose, and cut at every length. A zone the system lacks is
 * skipped, and said so. */
#define _DEFAULT_SOURCE          /* struct tm's tm_gmtoff, for the model */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "base/base.h"
#include "test.h"

static int skipped;

/* The zone, or NULL (and a skip said once) when the system has no file for
 * it; any other failure fails. */
static tz_zone *zone(const char *name)
{
    tz_zone *z;
    char err[512];
    if (tz_open(&z, name, err, sizeof err) == 0)
        return z;
    if (strstr(err, "no time zone")) {
        fprintf(stderr, "skip: %s\n", err);
        skipped++;
    } else {
        CHECK(0, "tz_open(%s): %s", name, err);
    }
    return NULL;
}

/* ---- dates in named zones ---------------------------------------------------- */

static const struct {
    int line;
    const char *zone, *in;
    int64_t want;          /* UTC */
    int offset;            /* minutes east of UTC in effect then */
} in_zone[] = {
#define R(zone, in, want, offset) { __LINE__, zone, in, INT64_C(want), offset }
    /* Moscow: summer time until 2010, +04:00 all year from March 2011, +03:00
     * from October 2014 */
    R("Europe/Moscow", "2010-07-01 12:00", 1277971200, 240),     /* summer time */
    R("Europe/Moscow", "2011-01-15 12:00", 1295082000, 180),     /* winter */
    R("Europe/Moscow", "2011-03-27 01:59:59", 1301180399, 180),  /* the last second of +03 */
    R("Europe/Moscow", "2011-03-27 02:30", 1301182200, 240),     /* skipped: read in +03 */
    R("Europe/Moscow", "2011-03-27 03:00", 1301180400, 240),     /* the first of +04 */
    R("Europe/Moscow", "2012-06-01 12:00", 1338537600, 240),
    R("Europe/Moscow", "2012-12-01 12:00", 1354348800, 240),     /* +04 in winter too */
    R("Europe/Moscow", "2013-12-16 00:48:01", 1387140481, 240),  /* an rf-web date */
    R("Europe/Moscow", "2014-10-26 01:30", 1414272600, 240),     /* seen twice: the first */
    R("Europe/Moscow", "2014-10-26 02:00", 1414278000, 180),     /* back to +03 */
    R("Europe/Moscow", "2015-01-01 00:00", 1420059600, 180),
    R("Europe/Moscow", "2024-07-15 12:00", 1721034000, 180),     /* no summer time now */
    R("Europe/Moscow", "2050-07-01 12:00", 2540278800, 180),     /* past the last transition */
    R("Europe/Moscow", "1975-07-01 12:00", 173437200, 180),      /* no summer time in 1975 */
    R("Europe/Moscow", "2009-10-17 02:17:51", 1255731471, 240),
    R("Europe/Moscow", "2017-02-24 20:01:04 UTC+03:00", 1487955664, 180),  /* stated: kept */
    R("Europe/Moscow", "2017-02-24 17:01:04Z", 1487955664, 0),
    R("Europe/Moscow", "2014-05-05 10:00 -05:00", 1399302000, -300),
    /* Berlin: summer time from the last Sunday of March to that of October */
    R("Europe/Berlin", "2024-01-15 12:00", 1705316400, 60),
    R("Europe/Berlin", "2024-07-15 12:00", 1721037600, 120),
    R("Europe/Berlin", "2024-03-31 02:30", 1711848600, 120),     /* skipped: read in +01 */
    R("Europe/Berlin", "2024-10-27 02:30", 1729989000, 120),     /* seen twice: the first */
    R("Europe/Berlin", "2024-10-27 03:00", 1729994400, 60),
    R("Europe/Berlin", "2050-07-01 12:00", 2540282400, 120),     /* the footer's rule */
    R("Europe/Berlin", "2050-12-01 12:00", 2553505200, 60),
    R("Europe/Berlin", "1975-07-01 12:00", 173444400, 60),       /* no summer time then */
    R("Europe/Berlin", "27.10.2024 21:12", 1730059920, 60),      /* Pelican's form */
    R("Europe/Berlin", "2009-10-17 02:17:51", 1255738671, 120),
    /* fixed offsets are zones too */
    R("+03:00", "2011-03-27 02:30", 1301182200, 180),
    R("UTC", "05/05/2014 03:00:00 PM", 1399302000, 0),
#undef R
};

static void test_in_zone(void)
{
    for (size_t i = 0; i < sizeof in_zone / sizeof in_zone[0]; i++) {
        tz_zone *z = zone(in_zone[i].zone);
        if (!z)
            continue;
        int64_t got = 0;
        int off = 9999;
        const char *why = NULL;
        int rc = date_parse_in(in_zone[i].in, strlen(in_zone[i].in), z, &got, &off, &why);
        CHECK_AT(__FILE__, in_zone[i].line, rc == 0 && got == in_zone[i].want
                 && off == in_zone[i].offset,
                 "row %zu: \"%s\" in %s gives %d/%lld/%d (%s), want %lld/%d", i, in_zone[i].in,
                 in_zone[i].zone, rc, (long long)got, off, why ? why : "-",
                 (long long)in_zone[i].want, in_zone[i].offset);
        tz_free(z);
    }
}

/* ---- names ------------------------------------------------------------------- */

static const struct {
    int line;
    const char *in;
    int ok;
    const char *name;      /* the zone's name when ok, else a part of the message */
} names[] = {
#define N(in, ok, name) { __LINE__, in, ok, name }
    N("UTC", 1, "UTC"),
    N("Z", 1, "UTC"),
    N("+03:00", 1, "+03:00"),
    N("UTC+3", 1, "+03:00"),                    /* offsets in one form */
    N("-0530", 1, "-05:30"),
    N("+00:00", 1, "UTC"),
    N("Europe/Mosco", 0, "no time zone \"Europe/Mosco\""),
    N("Nowhere", 0, "no time zone \"Nowhere\""),
    N("Europe", 0, "not a zone file"),          /* a directory */
    N("../etc/passwd", 0, "is not a time zone"),
    N("/etc/localtime", 0, "is not a time zone"),
    N("Europe//Moscow", 0, "is not a time zone"),
    N("Europe/./Moscow", 0, "is not a time zone"),
    N("Europe/Moscow ", 0, "is not a time zone"),
    N("", 0, "is not a time zone"),
    N("Москва", 0, "is not a time zone"),
    N("\xFF", 0, "(not UTF-8)"),
    N("+15:00", 0, "is not a time zone"),
#undef N
};

static void test_names(void)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        tz_zone *z = (tz_zone *)1;
        char err[512] = "";
        int rc = tz_open(&z, names[i].in, err, sizeof err);
        if (names[i].ok)
            CHECK_AT(__FILE__, names[i].line, rc == 0 && z && strcmp(tz_name(z), names[i].name) == 0,
                     "name row %zu: \"%s\" gives %d \"%s\" (%s), want \"%s\"", i, names[i].in, rc,
                     rc == 0 ? tz_name(z) : "-", err, names[i].name);
        else
            CHECK_AT(__FILE__, names[i].line, rc == -1 && !z && strstr(err, names[i].name)
                     && utf8_valid(err, strlen(err)),
                     "name row %zu: \"%s\" gives %d (%s), want a message with \"%s\"", i,
                     names[i].in, rc, err, names[i].name);
        if (rc == 0)
            tz_free(z);
    }
    tz_zone *z = zone("Europe/Moscow");
    if (z)
        CHECK_STR(tz_name(z), "Europe/Moscow", "a named zone keeps its name");
    tz_free(z);
    CHECK(tz_offset_at(NULL, 0) == 0 && strcmp(tz_name(NULL), "UTC") == 0, "NULL is UTC");
}

/* ---- the C library as the model ---------------------------------------------- */

/* The offset localtime_r gives at t, rounded to the minute as tz.c does. */
static int libc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm))
        return 99999;
    long s = tm.tm_gmtoff;
    return (int)(s >= 0 ? (s + 30) / 60 : -((-s + 30) / 60));
}

/* One instant's check: the offset agrees with the C library, and the wall
 * clock it gives is read back as an instant that shows it, no later than t
 * (the first of an hour seen twice). Returns the problems (0 or 1 each). */
static void check_instant(const tz_zone *z, const char *name, int64_t t, long *bad_off,
                          long *bad_local)
{
    int off = tz_offset_at(z, t), want = libc_offset(t);
    if (off != want && (*bad_off)++ < 3)
        fprintf(stderr, "%s at %lld: offset %d, localtime_r %d\n", name, (long long)t, off,
                want);
    int64_t local = t + (int64_t)off * 60;
    int back_off;
    int64_t back = tz_from_local(z, local, &back_off);
    if ((back > t || back + (int64_t)back_off * 60 != local || tz_offset_at(z, back) != back_off)
        && (*bad_local)++ < 3)
        fprintf(stderr, "%s: local %lld of %lld read back as %lld (%d)\n", name,
                (long long)local, (long long)t, (long long)back, back_off);
}

/* Every zone's offset from 1900 to 2100, a day and 13 seconds apart (so
 * every time of day comes), agrees with the C library; wherever the library's
 * offset changes between two of those, the second it changes is found (by
 * halving) and checked with the second before it. Sydney's summer spans the
 * new year; Lord Howe moves by half an hour; Casablanca sets its clocks back
 * for Ramadan; Apia skipped a day; Kathmandu is +05:45. */
static void test_model(void)
{
    static const char *const zones[] = { "Europe/Moscow", "Europe/Berlin", "America/New_York",
                                         "Australia/Sydney", "Australia/Lord_Howe",
                                         "Asia/Kathmandu", "Africa/Casablanca", "Pacific/Apia",
                                         "America/Sao_Paulo", "Asia/Yekaterinburg" };
    for (size_t zi = 0; zi < sizeof zones / sizeof zones[0]; zi++) {
        tz_zone *z = zone(zones[zi]);
        if (!z)
            continue;
        char tzvar[128];
        snprintf(tzvar, sizeof tzvar, ":%s", zones[zi]);
        setenv("TZ", tzvar, 1);
        tzset();
        long bad_off = 0, bad_local = 0, n = 0, changes = 0;
        int prev = libc_offset(INT64_C(-2208988800));
        for (int64_t t = INT64_C(-2208988800); t < INT64_C(4102444800); t += 86413, n++) {
            check_instant(z, zones[zi], t, &bad_off, &bad_local);
            int cur = libc_offset(t);
            if (cur == prev)
                continue;
            int64_t lo = t - 86413, hi = t;      /* offset(lo) == prev, offset(hi) != prev */
            while (hi - lo > 1) {
                int64_t mid = lo + (hi - lo) / 2;
                if (libc_offset(mid) == prev)
                    lo = mid;
                else
                    hi = mid;
            }
            check_instant(z, zones[zi], lo, &bad_off, &bad_local);
            check_instant(z, zones[zi], hi, &bad_off, &bad_local);
            changes++;
            prev = cur;
        }
        CHECK(bad_off == 0, "%s: %ld of %ld offsets disagree with localtime_r", zones[zi],
              bad_off, n);
        CHECK(bad_local == 0, "%s: %ld of %ld wall-clock times are not read back", zones[zi],
              bad_local, n);
        CHECK(changes > 0, "%s: no change of offset in two centuries", zones[zi]);
        tz_free(z);
    }
    unsetenv("TZ");
    tzset();
}

/* ---- TZif files made here ------------------------------------------------------ */

typedef struct {
    unsigned char b[4096];
    size_t n;
} bytes;

static void put_be(bytes *o, uint64_t v, int width)
{
    for (int i = width - 1; i >= 0; i--)
        o->b[o->n++] = (unsigned char)(v >> (8 * i));
}

typedef struct {
    int version;                /* 1, 2, 3 */
    size_t ntime;
    const int64_t *at;
    const unsigned char *idx;
    size_t ntype;
    const int32_t *utoff;       /* seconds east */
    uint32_t nleap;
    const char *footer;         /* the TZ string, NULL for none (version 1) */
} tzif_spec;

static void put_block(bytes *o, const tzif_spec *s, int tb)
{
    static const char abbrs[] = "LMT\0STD\0DST";
    uint32_t counts[6] = { 0, 0, s->nleap, (uint32_t)s->ntime, (uint32_t)s->ntype,
                           sizeof abbrs };
    memcpy(o->b + o->n, "TZif", 4);
    o->n += 4;
    o->b[o->n++] = s->version == 1 ? 0 : (unsigned char)('0' + s->version);
    memset(o->b + o->n, 0, 15);
    o->n += 15;
    for (int i = 0; i < 6; i++)
        put_be(o, counts[i], 4);
    for (size_t i = 0; i < s->ntime; i++)
        put_be(o, (uint64_t)s->at[i], tb);
    for (size_t i = 0; i < s->ntime; i++)
        o->b[o->n++] = s->idx[i];
    for (size_t i = 0; i < s->ntype; i++) {
        put_be(o, (uint32_t)s->utoff[i], 4);
        o->b[o->n++] = 0;
        o->b[o->n++] = (unsigned char)(4 * (i % 3));
    }
    memcpy(o->b + o->n, abbrs, sizeof abbrs);
    o->n += sizeof abbrs;
    for (uint32_t i = 0; i < s->nleap; i++) {
        put_be(o, 78796800, tb);
        put_be(o, 1, 4);
    }
}

static void build(bytes *o, const tzif_spec *s)
{
    o->n = 0;
    put_block(o, s, 4);
    if (s->version == 1)
        return;
    put_block(o, s, 8);
    o->b[o->n++] = '\n';
    size_t fl = strlen(s->footer);
    memcpy(o->b + o->n, s->footer, fl);
    o->n += fl;
    o->b[o->n++] = '\n';
}

/* A zone of +02:00 until 2000-01-01, then +03:00, then the footer's rule. */
static const int64_t two_at[] = { 946684800 - 7200 };
static const unsigned char two_idx[] = { 1 };
static const int32_t two_off[] = { 7200, 10800 };

static const struct {
    int line;
    const char *footer;
    int64_t t;             /* an instant after 2000 */
    int offset;            /* the offset then, or 99999: the file is refused */
} footers[] = {
#define FT(footer, t, offset) { __LINE__, footer, INT64_C(t), offset }
    FT("", 1719835200, 180),                           /* none: the last type stays */
    FT("<+03>-3", 1719835200, 180),                    /* Moscow's */
    FT("MSK-3", 1719835200, 180),
    FT("<+0530>-5:30", 1719835200, 330),
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1719835200, 120),     /* 2024-07-01: summer */
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1705320000, 60),      /* 2024-01-15: winter */
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1711846799, 60),      /* 2024-03-31 00:59:59Z */
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1711846800, 120),     /* 01:00Z: summer begins */
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1729990799, 120),     /* 2024-10-27 00:59:59Z */
    FT("CET-1CEST,M3.5.0,M10.5.0/3", 1729990800, 60),      /* 01:00Z: it ends */
    FT("EST5EDT,M3.2.0,M11.1.0", 1710054000, -240),        /* 2024-03-10 07:00Z */
    FT("EST5EDT,M3.2.0,M11.1.0", 1710053999, -300),
    FT("AEST-10AEDT,M10.1.0,M4.1.0/3", 1704110400, 660),   /* January: southern summer */
    FT("AEST-10AEDT,M10.1.0,M4.1.0/3", 1719835200, 600),
    FT("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", 1719835200, -120),  /* negative times */
    FT("EST5EDT,0/0,J365/25", 1719835200, -240),           /* summer time all year */
    FT("EST5EDT,0/0,J365/25", 1704110400, -240),
    FT("XXX3YYY,J60/2,J300/2", 1709272800, -120),          /* 2024-03-01 06:00Z: J60 */
    FT("XXX3YYY,J60/2,J300/2", 1709208000, -180),          /* February 29 is not J60 */
    FT("XXX3YYY,59/2,300/2", 1709186400, -120),            /* 2024-02-29 06:00Z: day 59 */
    FT("XXX3YYY,59/2,300/2", 1709121600, -180),            /* February 28 is day 58 */
    FT("CET-1CEST", 0, 99999),                             /* summer time needs its rule */
    FT("CET-1CEST,M3.5.0", 0, 99999),
    FT("CET-1CEST,M13.5.0,M10.5.0", 0, 99999),
    FT("CET-1CEST,M3.6.0,M10.5.0", 0, 99999),
    FT("CET-1CEST,M3.5.7,M10.5.0", 0, 99999),
    FT("CET-1CEST,M3.5.0/200,M10.5.0", 0, 99999),          /* past 167 hours */
    FT("CE-1", 0, 99999),                                  /* abbreviations of three */
    FT("<+03-3", 0, 99999),
    FT("CET", 0, 99999),
    FT("CET-1x", 0, 99999),
#undef FT
};

static void test_footers(void)
{
    for (size_t i = 0; i < sizeof footers / sizeof footers[0]; i++) {
        tzif_spec s = { 2, 1, two_at, two_idx, 2, two_off, 0, footers[i].footer };
        bytes b;
        build(&b, &s);
        tz_zone *z;
        char err[256] = "";
        int rc = tz_from_tzif(&z, "Test/Zone", b.b, b.n, err, sizeof err);
        if (footers[i].offset == 99999) {
            CHECK_AT(__FILE__, footers[i].line, rc == -1 && strstr(err, "Test/Zone"),
                     "footer row %zu: \"%s\" gives %d (%s), want refused", i, footers[i].footer,
                     rc, err);
            continue;
        }
        int got = rc == 0 ? tz_offset_at(z, footers[i].t) : 99999;
        CHECK_AT(__FILE__, footers[i].line, rc == 0 && got == footers[i].offset
                 && tz_offset_at(z, 946684800 - 7201) == 120,
                 "footer row %zu: \"%s\" at %lld gives %d/%d (%s), want %d", i,
                 footers[i].footer, (long long)footers[i].t, rc, got, err, footers[i].offset);
        if (rc == 0)
            tz_free(z);
    }
}

/* Files the reader must refuse, each with its reason; and a valid file cut
 * at every length, and with every byte changed, never read out of bounds
 * (ASan watches). */
static void test_damaged(void)
{
    static const int64_t at[] = { 100, 200, 300 }, back[] = { 100, 300, 200 };
    static const unsigned char idx[] = { 1, 0, 1 }, far[] = { 1, 5, 1 };
    static const int32_t off[] = { 3600, 7200 }, huge[] = { 3600, 30 * 3600 };
    static const struct {
        int line;
        tzif_spec s;
        const char *why;
    } bad[] = {
        { __LINE__, { 2, 3, back, idx, 2, off, 0, "" }, "out of order" },
        { __LINE__, { 2, 3, at, far, 2, off, 0, "" }, "out of order" },
        { __LINE__, { 2, 3, at, idx, 2, huge, 0, "" }, "out of range" },
        { __LINE__, { 2, 3, at, idx, 0, off, 0, "" }, "bad counts" },
        { __LINE__, { 2, 3, at, idx, 2, off, 1, "" }, "leap seconds" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bytes b;
        build(&b, &bad[i].s);
        tz_zone *z = (tz_zone *)1;
        char err[256] = "";
        int rc = tz_from_tzif(&z, "Bad/Zone", b.b, b.n, err, sizeof err);
        CHECK_AT(__FILE__, bad[i].line, rc == -1 && !z && strstr(err, bad[i].why),
                 "damaged row %zu gives %d (%s), want \"%s\"", i, rc, err, bad[i].why);
    }

    /* version 1: 32-bit times, no footer */
    tzif_spec v1 = { 1, 3, at, idx, 2, off, 0, NULL };
    bytes b;
    build(&b, &v1);
    tz_zone *z;
    char err[256] = "";
    int rc = tz_from_tzif(&z, "V1/Zone", b.b, b.n, err, sizeof err);
    CHECK(rc == 0 && tz_offset_at(z, 99) == 60 && tz_offset_at(z, 100) == 120
          && tz_offset_at(z, 250) == 60 && tz_offset_at(z, 1000000) == 120,
          "a version 1 file: %d (%s)", rc, err);
    if (rc == 0)
        tz_free(z);
    memcpy(b.b, "TZiF", 4);
    CHECK(tz_from_tzif(&z, "V1/Zone", b.b, b.n, err, sizeof err) == -1
          && strstr(err, "not a time zone file"), "bad magic: %s", err);

    tzif_spec v2 = { 2, 3, at, idx, 2, off, 0, "CET-1CEST,M3.5.0,M10.5.0/3" };
    build(&b, &v2);
    int whole = 0;
    for (size_t len = 0; len < b.n; len++) {
        rc = tz_from_tzif(&z, "Cut/Zone", b.b, len, err, sizeof err);
        if (rc == 0) {
            whole++;              /* cut right before the footer: no rule, still a zone */
            tz_free(z);
        }
    }
    CHECK(whole <= 1, "%d cuts of a file were read as whole", whole);
    for (size_t at_byte = 0; at_byte < b.n; at_byte++) {
        unsigned char keep = b.b[at_byte];
        b.b[at_byte] ^= 0xA5;
        if (tz_from_tzif(&z, "Flip/Zone", b.b, b.n, err, sizeof err) == 0) {
            (void)tz_offset_at(z, 0);
            (void)tz_from_local(z, 1700000000, NULL);
            tz_free(z);
        }
        b.b[at_byte] = keep;
    }
}

int main(void)
{
    test_in_zone();
    test_names();
    test_model();
    test_footers();
    test_damaged();
    if (skipped)
        printf("test_tz: %d zone(s) skipped: not in the system's tzdata\n", skipped);
    return test_report("test_tz");
}
