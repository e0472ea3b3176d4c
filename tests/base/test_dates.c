/* test_dates.c: date_parse, date_parse_in (in fixed offsets; test_tz.c reads
 * dates in named zones), date_parse_tz, date_format and date_format_at.
 * Expected seconds
 * were computed with GNU date (date -u -d '...' +%s), not with this code.
 * Table-driven; a failing row prints its own line. Every input is copied to a
 * buffer of exactly its length, so ASan catches a read past len. */
#include <stdint.h>
#include <stdlib.h>

#include "base/base.h"
#include "test.h"

static const char E_FORMAT[] = "unrecognized date format";
static const char E_TRAILING[] = "trailing characters after the date";
static const char E_YEAR[] = "year out of range";
static const char E_MONTH[] = "month out of range";
static const char E_DAY[] = "day does not exist in that month";
static const char E_HOUR[] = "hour out of range";
static const char E_MINUTE[] = "minute out of range";
static const char E_SECOND[] = "second out of range";
static const char E_ZONE[] = "zone offset out of range";

#define T_MIN INT64_C(-62135596800)    /* 0001-01-01T00:00:00Z */
#define T_MAX INT64_C(253402300799)    /* 9999-12-31T23:59:59Z */

/* Calls date_parse on an exact-length heap copy, so over-reads are caught. */
static int parse_exact(const char *s, size_t len, int tz, int64_t *out, const char **why)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        return -2;
    memcpy(copy, s, len);
    int rc = date_parse(copy, len, tz, out, why);
    free(copy);
    return rc;
}

/* ---- date_parse ------------------------------------------------------------- */

static const struct {
    int line;
    const char *in;
    size_t len;
    int tz;             /* default zone, minutes east */
    int rc;
    int64_t want;       /* when rc == 0 */
    const char *why;    /* when rc == -1 */
} parse[] = {
#define OK(in, tz, want) { __LINE__, in, sizeof(in) - 1, tz, 0, INT64_C(want), NULL }
#define OKL(in, len, tz, want) { __LINE__, in, len, tz, 0, INT64_C(want), NULL }
#define BAD(in, why) { __LINE__, in, sizeof(in) - 1, 0, -1, 0, why }
    /* the forms bloggers write */
    OK("2013-12-16 00:48:01", 0, 1387154881),              /* Nikola's default, no zone */
    OK("2013-12-16 00:48:01", 180, 1387144081),            /* default zone applies: Moscow */
    OK("2013-12-16 00:48:01", -300, 1387172881),           /* default zone west of UTC */
    OK("2013-12-16 00:48", 0, 1387154880),                 /* no seconds */
    OK("2013-12-16T00:48:01", 0, 1387154881),              /* ISO 8601 T */
    OK("2013-12-16t00:48:01", 0, 1387154881),              /* lower-case t */
    OK("2013-12-16  00:48:01", 0, 1387154881),             /* two spaces */
    OK("2013-12-16\t00:48:01", 0, 1387154881),             /* tab */
    OK("2013-12-16", 0, 1387152000),                       /* date only: midnight */
    OK("2013-12-16", 180, 1387141200),                     /* midnight in the default zone */
    OK("2013-12-16 00:48:01.123456", 0, 1387154881),       /* fraction dropped */
    OK("2013-12-16 00:48:01.9", 0, 1387154881),            /* dropped, not rounded */
    OK("2013-12-16 00:48:01,5", 0, 1387154881),            /* ISO 8601 decimal comma */
    OK("2013/12/16 00:48", 0, 1387154880),                 /* slashes, as Nikola accepts */
    OK("2013-1-5", 0, 1357344000),                         /* single-digit month and day */
    OK("2013/1/5 9:05", 0, 1357376700),                    /* single-digit hour too */
    OK("2013-01-05 09:05", 0, 1357376700),
    /* trimming and YAML quotes */
    OK("  2013-12-16 00:48:01\t\r\n", 0, 1387154881),      /* surrounding whitespace */
    OK("\"2022-11-03\"", 0, 1667433600),                   /* YAML double quotes */
    OK("'2022-11-03 09:15'", 0, 1667466900),               /* YAML single quotes */
    OK(" \" 2022-11-03 09:15 \" ", 0, 1667466900),         /* blanks inside and outside quotes */
    OKL("2013-12-16 00:48:01\0junk", 19, 0, 1387154881),   /* only len bytes are read */
    OKL("2013-12-16 00:48:01999", 19, 0, 1387154881),      /* digits past len do not count */
    /* every zone form: all of these are 2017-02-24T17:01:04Z */
    OK("2017-02-24 20:01:04 UTC+03:00", 0, 1487955664),    /* the form that started it */
    OK("2017-02-24T20:01:04+03:00", 0, 1487955664),        /* ISO 8601 */
    OK("2017-02-24 20:01:04 +0300", 0, 1487955664),        /* RFC 2822 style */
    OK("2017-02-24 20:01:04+0300", 0, 1487955664),
    OK("2017-02-24 20:01:04 +03:00", -300, 1487955664),    /* a zone beats the default */
    OK("2017-02-24 20:01:04+03", 0, 1487955664),           /* hours only */
    OK("2017-02-24 20:01:04 UTC+3", 0, 1487955664),        /* one hour digit */
    OK("2017-02-24 20:01:04 +3", 0, 1487955664),
    OK("2017-02-24 20:01:04 +3:00", 0, 1487955664),
    OK("2017-02-24 20:01:04 GMT+0300", 0, 1487955664),
    OK("2017-02-24 20:01:04UTC+03:00", 0, 1487955664),     /* no space before the zone */
    OK("2017-02-24 20:01 +03:00", 0, 1487955660),          /* zone after H:MM */
    OK("2017-02-24 17:01:04Z", 180, 1487955664),           /* Z, default ignored */
    OK("2017-02-24 17:01:04z", 180, 1487955664),
    OK("2017-02-24T17:01:04.5Z", 180, 1487955664),         /* fraction then zone */
    OK("2017-02-24 17:01:04 UTC", 180, 1487955664),        /* UTC, default ignored */
    OK("2017-02-24 17:01:04 GMT", 180, 1487955664),
    OK("2017-02-24 17:01:04 utc", 180, 1487955664),        /* case-insensitive */
    OK("2017-02-24 17:01:04+00:00", 180, 1487955664),
    OK("2017-02-24 17:01:04-00:00", 180, 1487955664),
    OK("2017-02-24T11:31:04-05:30", 0, 1487955664),        /* half-hour zone west */
    OK("2017-02-24 11:31:04 -0530", 0, 1487955664),
    OK("2017-02-24 11:31:04 UTC-5:30", 0, 1487955664),
    OK("2017-02-25 07:01:04+14:00", 0, 1487955664),        /* widest zone east; date changes */
    OK("2017-02-24 05:01:04-12:00", 0, 1487955664),        /* widest common zone west */
    OK("2013-12-16 00:48:01 +05:45", 0, 1387134181),       /* Nepal's quarter hour */
    /* calendar edges */
    OK("2020-02-29", 0, 1582934400),                       /* leap year */
    OK("2000-02-29 12:00", 0, 951825600),                  /* divisible by 400: leap */
    OK("1900-02-28", 0, -2203977600),                      /* before 1970 */
    OK("2024-02-29 23:59:59", 0, 1709251199),
    OK("1600-03-01", 0, -11670912000),                     /* era boundary of the algorithm */
    OK("1582-10-15", 0, -12219292800),                     /* proleptic Gregorian, no gap */
    OK("2100-03-01", 0, 4107542400),                       /* 2100 is not leap */
    OK("1970-01-01T00:00:00Z", 0, 0),
    OK("1969-12-31T23:59:59Z", 0, -1),
    OK("1961-04-12 09:07 +03:00", 0, -275248380),          /* negative, with a zone */
    OK("0001-01-01T00:00:00Z", 0, -62135596800),           /* first second of year 1 */
    OK("0001-01-01 00:00 -03:00", 0, -62135586000),
    OK("9999-12-31T23:59:59Z", 0, 253402300799),           /* last second of 9999 */
    OK("9999-12-31 23:59:59 +14:00", 0, 253402250399),
    OK("2038-01-19 03:14:08Z", 0, 2147483648),             /* past 32-bit time_t */
    OK("2016-12-31 23:59:60Z", 0, 1483228800),             /* leap second = next midnight */
    /* Pelican: day first with dots */
    OK("27.10.2024 21:12", 0, 1730063520),                 /* Pelican's own form */
    OK("27.10.2024 21:12", 180, 1730052720),               /* in the default zone */
    OK("27.10.2024", 0, 1729987200),                       /* date only */
    OK("27.10.2024 21:12:05", 0, 1730063525),              /* with seconds */
    OK("16.12.2013", 0, 1387152000),                       /* Russian order */
    OK("3.4.2014", 0, 1396483200),                         /* April 3: dots, day first */
    OK("27.10.2024T21:12Z", 180, 1730063520),              /* any time and zone after it */
    /* Nikola: month first with slashes, a 12-hour clock */
    OK("05/05/2014 03:00:00 PM UTC", 180, 1399302000),     /* Nikola's own site */
    OK("05/05/2014 03:00:00 pm", 0, 1399302000),           /* case-insensitive */
    OK("05/05/2014 03:00:00PM", 0, 1399302000),            /* no blank before PM */
    OK("05/05/2014 12:30 AM", 0, 1399249800),              /* 12 AM is the first hour */
    OK("05/05/2014 12:30 PM", 0, 1399293000),              /* 12 PM is noon */
    OK("05/05/2014 03:00 PM -05:00", 0, 1399320000),       /* an offset after PM */
    OK("05/05/2014 03:00 PM GMT", 180, 1399302000),
    OK("3/4/2014", 0, 1393891200),                         /* March 4: slashes, month first */
    OK("05/05/2014 15:00:00", 0, 1399302000),              /* 24-hour clock too */
    /* TOML and RFC 3339 */
    OK("2024-01-07T16:00:00+03:00", 0, 1704632400),
    OK("2024-01-07T16:00:00Z", 180, 1704643200),
    OK("2024-01-07T16:00:00.123456789+03:00", 0, 1704632400),   /* nanoseconds */
    OK("2024-01-07 16:00:00.5Z", 0, 1704643200),
    OK("2009-10-17T02:17:51+0400", 0, 1255731471),         /* the day differs in UTC */
    OK("2012-03-30 23:00:00 UTC-03:00", 0, 1333159200),    /* Nikola, west of UTC */
    /* shapes that are not dates */
    BAD("16.12.13", E_FORMAT),                             /* a two-digit year */
    BAD("05/05/14", E_FORMAT),
    BAD("16-12-2013", E_FORMAT),                           /* day first needs dots */
    BAD("16.12/2013", E_FORMAT),                           /* mixed separators */
    BAD("123.12.2013", E_FORMAT),                          /* three-digit day */
    BAD("16.123.2013", E_FORMAT),
    BAD("16.12.201", E_FORMAT),                            /* three-digit year */
    BAD("вчера", E_FORMAT),                                /* "yesterday" */
    BAD("", E_FORMAT),
    BAD("   ", E_FORMAT),
    BAD("\"\"", E_FORMAT),                                 /* empty YAML string */
    BAD("2013-12", E_FORMAT),                              /* no day */
    BAD("2013-12-", E_FORMAT),
    BAD("13-12-16", E_FORMAT),                             /* two-digit year */
    BAD("2013-12/16", E_FORMAT),                           /* mixed separators */
    BAD("2013.12.16", E_FORMAT),
    BAD("2013-123-01", E_FORMAT),                          /* three-digit month */
    BAD("2013-12-161", E_FORMAT),                          /* three-digit day */
    BAD("20131216", E_FORMAT),                             /* ISO basic form not accepted */
    BAD("2013-12-16 00", E_FORMAT),                        /* a time needs minutes */
    BAD("2013-12-16 00:4", E_FORMAT),
    BAD("2013-12-16 123:45", E_FORMAT),
    BAD("\"2013-12-16", E_FORMAT),                         /* unmatched quote */
    BAD("\0002013-12-16", E_FORMAT),                       /* NUL first */
    BAD("\xEF\xBB\xBF" "2013-12-16", E_FORMAT),            /* BOM is post.c's to strip */
    BAD("December 16, 2013", E_FORMAT),
    /* the right shape with a wrong field */
    BAD("0000-01-01", E_YEAR),
    BAD("10000-01-01", E_YEAR),
    BAD("2013-13-01", E_MONTH),
    BAD("2013-00-10", E_MONTH),
    BAD("2019-02-29", E_DAY),                              /* not a leap year */
    BAD("1900-02-29", E_DAY),                              /* century, not leap */
    BAD("2019-04-31", E_DAY),                              /* April has 30 */
    BAD("2013-12-00", E_DAY),
    BAD("2013-12-32", E_DAY),
    BAD("2013-12-16 24:00:00", E_HOUR),                    /* 24:00 is not accepted */
    BAD("2013-12-16 00:60", E_MINUTE),
    BAD("2013-12-16 00:00:61", E_SECOND),
    BAD("2017-02-24 20:01:04+15:00", E_ZONE),
    BAD("2017-02-24 20:01:04+14:30", E_ZONE),              /* past +14:00 by minutes */
    BAD("2017-02-24 20:01:04+03:60", E_ZONE),
    BAD("2017-02-24 20:01:04 UTC-1500", E_ZONE),
    BAD("2019-02-29 25:00", E_DAY),                        /* first wrong field is named */
    BAD("32.10.2024", E_DAY),                              /* dots: the first is the day */
    BAD("27.13.2024", E_MONTH),
    BAD("13/05/2014", E_MONTH),                            /* slashes: the first is the month */
    BAD("02/30/2014", E_DAY),
    BAD("27.10.10000", E_YEAR),
    BAD("00.10.2024", E_DAY),
    BAD("05/05/2014 13:00 PM", E_HOUR),                    /* a 12-hour clock stops at 12 */
    BAD("05/05/2014 00:30 AM", E_HOUR),                    /* and starts at 1 */
    /* a date followed by something else */
    BAD("2013-12-16 00:48:01 foo", E_TRAILING),
    BAD("2013-12-16x", E_TRAILING),
    BAD("2013-12-16T", E_TRAILING),
    BAD("2013-12-16 +03:00", E_TRAILING),                  /* a zone needs a time */
    BAD("2013-12-16 00:48:01+0300x", E_TRAILING),
    BAD("2013-12-16 00:48:01+030", E_TRAILING),            /* three offset digits */
    BAD("2013-12-16 00:48:01+03:0", E_TRAILING),
    BAD("2013-12-16 00:48:01 UTC+", E_TRAILING),
    BAD("2013-12-16 00:48:01 UTC +3", E_TRAILING),         /* no space inside a zone */
    BAD("2013-12-16 00:48:01 MSK", E_TRAILING),            /* zone names are ambiguous */
    BAD("2013-12-16 00:48:01 Europe/Moscow", E_TRAILING),
    BAD("2013-12-16 00:48:01.", E_TRAILING),               /* a dot with no fraction */
    BAD("2013-12-16 00:48:1", E_TRAILING),
    BAD("2013-12-16 00:48:01Z+03:00", E_TRAILING),         /* Z takes no offset */
    BAD("2013-12-16'", E_TRAILING),
    BAD("2013-12-16 00:48:01\0", E_TRAILING),              /* NUL inside len */
    BAD("2013-12-16\xFF", E_TRAILING),                     /* invalid UTF-8 */
    BAD("05/05/2014 PM", E_TRAILING),                      /* PM needs a time */
    BAD("05/05/2014 03:00 PM PM", E_TRAILING),
    BAD("05/05/2014 03:00 UTC PM", E_TRAILING),            /* PM before the zone */
    BAD("05/05/2014 03:00 P", E_TRAILING),
#undef OK
#undef OKL
#undef BAD
};

static void test_parse(void)
{
    for (size_t i = 0; i < sizeof parse / sizeof parse[0]; i++) {
        int64_t got = INT64_C(0x5a5a5a5a);
        const char *why = NULL;
        int rc = parse_exact(parse[i].in, parse[i].len, parse[i].tz, &got, &why);
        if (parse[i].rc == 0)
            CHECK_AT(__FILE__, parse[i].line, rc == 0 && got == parse[i].want,
                     "parse row %zu: \"%.*s\" gives %d/%lld (%s), want %lld", i,
                     (int)parse[i].len, parse[i].in, rc, (long long)got, why ? why : "-",
                     (long long)parse[i].want);
        else
            CHECK_AT(__FILE__, parse[i].line,
                     rc == -1 && why && strcmp(why, parse[i].why) == 0 && got == 0x5a5a5a5a,
                     "parse row %zu: \"%.*s\" gives %d/%lld (%s), want -1 (%s)", i,
                     (int)parse[i].len, parse[i].in, rc, (long long)got, why ? why : "-",
                     parse[i].why);
    }
    /* NULL input and a NULL why are tolerated */
    int64_t t;
    const char *why = NULL;
    CHECK(date_parse(NULL, 0, 0, &t, &why) == -1 && why && strcmp(why, E_FORMAT) == 0,
          "NULL input");
    CHECK(date_parse("x", 1, 0, &t, NULL) == -1, "NULL why");
}

/* ---- date_parse_tz ---------------------------------------------------------- */

static const struct { int line; const char *in; int rc, minutes; } tzs[] = {
#define Z(in, rc, minutes) { __LINE__, in, rc, minutes }
    Z("+03:00", 0, 180),                        /* Moscow */
    Z("-0530", 0, -330),
    Z("UTC", 0, 0),
    Z("Z", 0, 0),
    Z("z", 0, 0),
    Z("gmt", 0, 0),                             /* case-insensitive */
    Z("UTC+3", 0, 180),
    Z("GMT+0300", 0, 180),
    Z("UTC-05:00", 0, -300),
    Z("+03", 0, 180),
    Z("+0545", 0, 345),                         /* Nepal */
    Z("+14:00", 0, 840),                        /* the limit, included */
    Z("-14:00", 0, -840),
    Z(" +03:00 ", 0, 180),                      /* blanks from a config file */
    Z("\"+03:00\"", 0, 180),                    /* quoted in YAML */
    Z("", -1, 0),
    Z("+", -1, 0),
    Z("03:00", -1, 0),                          /* a sign is required */
    Z("+15:00", -1, 0),                         /* out of range */
    Z("+14:01", -1, 0),
    Z("+03:60", -1, 0),
    Z("+030", -1, 0),
    Z("+03:0", -1, 0),
    Z("+03:00x", -1, 0),
    Z("UTC+", -1, 0),
    Z("UTC +3", -1, 0),
    Z("MSK", -1, 0),                            /* names are not zones here */
    Z("Europe/Moscow", -1, 0),
    Z("\xFF", -1, 0),
#undef Z
};

static void test_parse_tz(void)
{
    for (size_t i = 0; i < sizeof tzs / sizeof tzs[0]; i++) {
        int got = 9999;
        int rc = date_parse_tz(tzs[i].in, &got);
        CHECK_AT(__FILE__, tzs[i].line,
                 rc == tzs[i].rc && (rc != 0 || got == tzs[i].minutes),
                 "tz row %zu: \"%s\" gives %d/%d, want %d/%d", i, tzs[i].in, rc, got,
                 tzs[i].rc, tzs[i].minutes);
    }
    int m;
    CHECK(date_parse_tz(NULL, &m) == -1, "NULL zone");
}

/* ---- date_format ------------------------------------------------------------ */

static const struct { int line; int64_t t; const char *want; } fmts[] = {
#define F(t, want) { __LINE__, INT64_C(t), want }
    F(0, "1970-01-01T00:00:00Z"),
    F(-1, "1969-12-31T23:59:59Z"),              /* floor, not truncation */
    F(-86400, "1969-12-31T00:00:00Z"),
    F(86399, "1970-01-01T23:59:59Z"),
    F(1487955664, "2017-02-24T17:01:04Z"),
    F(1582934400, "2020-02-29T00:00:00Z"),      /* leap day */
    F(1709251199, "2024-02-29T23:59:59Z"),
    F(4107542399, "2100-02-28T23:59:59Z"),      /* 2100 has no Feb 29 */
    F(-2203977600, "1900-02-28T00:00:00Z"),
    F(-11670912000, "1600-03-01T00:00:00Z"),
    F(-62135596800, "0001-01-01T00:00:00Z"),
    F(253402300799, "9999-12-31T23:59:59Z"),
    F(-62135596801, "0000-12-31T23:59:59Z"),    /* outside the contract, still sane */
    F(253402300800, "10000-01-01T00:00:00Z"),
#undef F
};

static void test_format(void)
{
    for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
        char buf[32];
        date_format(fmts[i].t, buf);
        CHECK_AT(__FILE__, fmts[i].line, strcmp(buf, fmts[i].want) == 0,
                 "format row %zu: %lld gives \"%s\", want \"%s\"", i, (long long)fmts[i].t, buf,
                 fmts[i].want);
    }
    /* the extremes of int64 stay inside the buffer (ASan would see it) */
    char buf[32];
    date_format(INT64_MIN, buf);
    CHECK(strlen(buf) < 32 && buf[0] == '-', "INT64_MIN gives \"%s\"", buf);
    date_format(INT64_MAX, buf);
    CHECK(strlen(buf) < 32, "INT64_MAX gives \"%s\"", buf);
}

/* ---- date_format_at and date_parse_in ------------------------------------------ */

static const struct { int line; int64_t t; int off; const char *want; } fmts_at[] = {
#define FA(t, off, want) { __LINE__, INT64_C(t), off, want }
    FA(1255731471, 240, "2009-10-17T02:17:51+04:00"),   /* the post's own day */
    FA(1255731471, 0, "2009-10-16T22:17:51Z"),          /* the day in UTC */
    FA(1487955664, 180, "2017-02-24T20:01:04+03:00"),
    FA(1487955664, -330, "2017-02-24T11:31:04-05:30"),
    FA(1487955664, 345, "2017-02-24T22:46:04+05:45"),    /* Nepal */
    FA(0, 840, "1970-01-01T14:00:00+14:00"),
    FA(0, -720, "1969-12-31T12:00:00-12:00"),
    FA(-62135596800, -60, "0000-12-31T23:00:00-01:00"),   /* outside the contract, sane */
#undef FA
};

static void test_format_at(void)
{
    for (size_t i = 0; i < sizeof fmts_at / sizeof fmts_at[0]; i++) {
        char buf[DATE_FORMAT_BYTES];
        date_format_at(fmts_at[i].t, fmts_at[i].off, buf);
        CHECK_AT(__FILE__, fmts_at[i].line, strcmp(buf, fmts_at[i].want) == 0,
                 "format_at row %zu: %lld %+d gives \"%s\", want \"%s\"", i,
                 (long long)fmts_at[i].t, fmts_at[i].off, buf, fmts_at[i].want);
    }
    /* the ends of int64 with the widest offsets stay inside the buffer */
    char buf[DATE_FORMAT_BYTES];
    date_format_at(INT64_MAX, 26 * 60, buf);
    CHECK(strlen(buf) < DATE_FORMAT_BYTES, "INT64_MAX +26:00 gives \"%s\"", buf);
    date_format_at(INT64_MIN, -26 * 60, buf);
    CHECK(strlen(buf) < DATE_FORMAT_BYTES && buf[0] == '-', "INT64_MIN -26:00 gives \"%s\"", buf);
}

/* date_parse_in in a fixed zone: the same instants as date_parse with that
 * default, and the offset of each; every formatted date reads back as itself. */
static void test_parse_in(void)
{
    static const int offsets[] = { 0, 180, -300, 345, 840, -720 };
    for (size_t o = 0; o < sizeof offsets / sizeof offsets[0]; o++) {
        tz_zone *z;
        char name[16], err[256];
        snprintf(name, sizeof name, "%c%02d:%02d", offsets[o] < 0 ? '-' : '+',
                 abs(offsets[o]) / 60, abs(offsets[o]) % 60);
        if (tz_open(&z, name, err, sizeof err) != 0) {
            CHECK(0, "tz_open(%s): %s", name, err);
            continue;
        }
        int bad = 0;
        for (size_t i = 0; i < sizeof parse / sizeof parse[0]; i++) {
            if (parse[i].rc != 0)
                continue;
            int64_t a = 0, b = 0;
            int off = 9999;
            const char *why;
            int ra = date_parse(parse[i].in, parse[i].len, offsets[o], &a, &why);
            int rb = date_parse_in(parse[i].in, parse[i].len, z, &b, &off, &why);
            /* the offset is the zone's unless the date states one */
            char back[DATE_FORMAT_BYTES];
            date_format_at(b, off, back);
            int64_t c = 0;
            int off2 = 9999;
            int rc2 = date_parse_in(back, strlen(back), NULL, &c, &off2, &why);
            if (ra != 0 || rb != 0 || a != b || rc2 != 0 || c != b || off2 != off) {
                if (bad++ < 3)
                    fprintf(stderr, "parse_in %s row %zu \"%.*s\": %lld vs %lld, \"%s\"\n",
                            name, i, (int)parse[i].len, parse[i].in, (long long)a, (long long)b,
                            back);
            }
        }
        CHECK(bad == 0, "%d dates read in %s differ from date_parse or do not read back", bad,
              name);
        int64_t t;
        int off = 9999;
        CHECK(date_parse_in("2009-10-17 02:17:51", 19, z, &t, &off, NULL) == 0
              && off == offsets[o] && t == 1255737600 + 2 * 3600 + 17 * 60 + 51 - (int64_t)offsets[o] * 60,
              "a date without a zone takes %s: %lld %d", name, (long long)t, off);
        CHECK(date_parse_in("2009-10-17T02:17:51+0400", 24, z, &t, &off, NULL) == 0
              && off == 240 && t == 1255731471, "a stated zone is kept in %s: %lld %d", name,
              (long long)t, off);
        tz_free(z);
    }
    int64_t t;
    const char *why = NULL;
    CHECK(date_parse_in("x", 1, NULL, &t, NULL, &why) == -1 && why && strcmp(why, E_FORMAT) == 0,
          "a NULL offset and zone");
}

/* ---- round trips ------------------------------------------------------------ */

static int round_trips(int64_t t)
{
    char buf[32];
    int64_t back = 0;
    const char *why = NULL;
    date_format(t, buf);
    if (parse_exact(buf, strlen(buf), 0, &back, &why) == 0 && back == t)
        return 1;
    fprintf(stderr, "round trip %lld -> \"%s\" -> %lld (%s)\n", (long long)t, buf,
            (long long)back, why ? why : "-");
    return 0;
}

static void test_round_trip(void)
{
    int bad = 0, n = 0;
    /* ~100000 values over the whole range; an odd step varies the time of day */
    for (int64_t t = T_MIN; t <= T_MAX; t += INT64_C(2535437)) {
        bad += !round_trips(t);
        n++;
    }
    static const int64_t edges[] = { T_MIN, T_MIN + 1, T_MAX, T_MAX - 1, -1, 0, 1,
                                     INT32_MAX, (int64_t)INT32_MAX + 1, INT32_MIN };
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++, n++)
        bad += !round_trips(edges[i]);
    /* every day of 2000 and 2001, at the first and last second and in between */
    for (int64_t t = 946684800; t < 1009843200; t += 86400) {
        bad += !round_trips(t);
        bad += !round_trips(t + 86399);
        bad += !round_trips(t + 45296);
        n += 3;
    }
    CHECK(bad == 0 && n > 100000, "%d of %d values do not round-trip", bad, n);
}

/* A slow, obviously right model: walk the calendar one day at a time from
 * 0001-01-01 to 9999-12-31, counting days, and check that every date formats
 * and parses to the count. This covers every leap day the fast code sees. */
static int model_dim(int y, int m)
{
    static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dim[m - 1];
}

static void test_every_day(void)
{
    int y = 1, m = 1, d = 1, bad = 0;
    int64_t t = T_MIN;
    long days = 0;
    while (y <= 9999) {
        char want[64], got[32];   /* 64: room for any int the compiler imagines */
        snprintf(want, sizeof want, "%04d-%02d-%02dT00:00:00Z", y, m, d);
        date_format(t, got);
        int64_t back = 0;
        if (strcmp(got, want) != 0 || date_parse(want, 10, 0, &back, NULL) != 0 || back != t) {
            if (bad++ < 5)
                fprintf(stderr, "day %s: format gives \"%s\", parse gives %lld for %lld\n",
                        want, got, (long long)back, (long long)t);
        }
        days++;
        t += 86400;
        if (++d > model_dim(y, m)) {
            d = 1;
            if (++m > 12) {
                m = 1;
                y++;
            }
        }
    }
    CHECK(bad == 0, "%d of %ld days disagree with the model", bad, days);
    CHECK(days == 3652059, "%ld days in years 1..9999, want 3652059", days);
    CHECK(t == T_MAX + 1, "the walk ends at %lld", (long long)t);
}

/* ---- random bytes ------------------------------------------------------------ */

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Nothing may crash or read past len. A third of the strings are raw bytes,
 * a third come from the characters dates are made of, and a third are real
 * dates with a few bytes changed, so the deep paths are reached; whatever
 * parses must lie in the promised range and round-trip. */
static void test_random(void)
{
    static const char alphabet[] = "0123456789012345678901234567890123456789"
                                   "--//::  T.,Z+-UTCGMtz\"'\t\0\xFF..APMapm";
    static const char *const seeds[] = { "2017-02-24 20:01:04 UTC+03:00", "2013-12-16T00:48:01Z",
                                         "2013/1/5 9:05", "\"2022-11-03 09:15:00.123+0300\"",
                                         "9999-12-31 23:59:60 -14:00", "0001-01-01 00:00+14",
                                         "05/05/2014 03:00:00 PM UTC", "27.10.2024 21:12",
                                         "2024-01-07T16:00:00.123456789+03:00" };
    int bad = 0, parsed = 0;
    for (int i = 0; i < 100000; i++) {
        char s[40];
        size_t len = (size_t)(xorshift() % 41);
        if (i % 3 == 2) {
            const char *seed = seeds[xorshift() % (sizeof seeds / sizeof seeds[0])];
            size_t n = strlen(seed);
            len = len < n ? len + (n - len) / 2 : n;     /* mostly whole, sometimes cut */
            memcpy(s, seed, len);
            for (int k = (int)(xorshift() % 3); k > 0 && len > 0; k--)
                s[xorshift() % len] = alphabet[xorshift() % (sizeof alphabet - 1)];
        } else {
            for (size_t j = 0; j < len; j++) {
                uint64_t r = xorshift();
                s[j] = i % 3 ? alphabet[r % (sizeof alphabet - 1)] : (char)(r & 0xFF);
            }
        }
        int64_t t = 0;
        const char *why = NULL;
        int rc = parse_exact(s, len, (int)(xorshift() % 1681) - 840, &t, &why);
        if (rc == 0) {
            parsed++;
            /* the zone can move a valid date up to 14 hours past either end */
            if (t < T_MIN - 14 * 3600 || t > T_MAX + 14 * 3600 + 1)
                bad++;
            else if (t >= T_MIN && t <= T_MAX && !round_trips(t))
                bad++;
        } else if (rc != -1 || !why) {
            bad++;
        }
    }
    CHECK(bad == 0, "%d random strings misbehaved", bad);
    CHECK(parsed > 1000, "only %d random strings parsed; the mutations are off", parsed);
}

int main(void)
{
    test_parse();
    test_parse_tz();
    test_format();
    test_format_at();
    test_parse_in();
    test_round_trip();
    test_every_day();
    test_random();
    return test_report("test_dates");
}
