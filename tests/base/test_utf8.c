/* test_utf8.c: what keeps every message and answer valid UTF-8, table-driven:
 * a cut on a character boundary (utf8_cut), a bad byte as U+FFFD
 * (utf8_put_repaired, utf8_fix, the JSON and HTML writers), and messages
 * formatted into buffers of every size (utf8_format). */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "test.h"

#define R __LINE__
#define FFFD UTF8_REPLACEMENT

static void cuts(void)
{
    static const struct { int line; const char *in; size_t len, want; } rows[] = {
        { R, "", 0, 0 },
        { R, "abc", 3, 3 },
        { R, "жж", 4, 4 },                    /* whole characters: all kept */
        { R, "жж", 3, 2 },                    /* the second cut after its first byte */
        { R, "a\xE2\x80\xA6", 3, 1 },          /* … cut after two of three bytes */
        { R, "a\xE2\x80\xA6", 2, 1 },
        { R, "a\xF0\x9F\x98\x80", 4, 1 },      /* an emoji cut after three of four */
        { R, "a\xF0\x9F\x98\x80", 5, 5 },
        { R, "a\x80\x80", 3, 3 },              /* stray continuations: not a cut */
        { R, "\xFF", 1, 1 },                   /* a bad byte is utf8_fix's, not a cut */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        size_t got = utf8_cut(rows[i].in, rows[i].len);
        CHECK_AT(__FILE__, rows[i].line, got == rows[i].want, "row %zu: utf8_cut of %zu bytes "
                 "gives %zu, want %zu", i, rows[i].len, got, rows[i].want);
    }
}

static void repairs(void)
{
    static const struct { int line; const char *in, *want; } rows[] = {
        { R, "", "" },
        { R, "текст", "текст" },
        { R, "a\xFF" "b", "a" FFFD "b" },                       /* one byte, one U+FFFD */
        { R, "ж\xD0", "ж" FFFD },                              /* cut short at the end */
        { R, "\xD0ж", FFFD "ж" },                              /* a lead without its end */
        { R, "\xC0\xAF", FFFD FFFD },                          /* overlong "/" */
        { R, "\xED\xA0\x80", FFFD FFFD FFFD },                 /* a surrogate */
        { R, "\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD },        /* above U+10FFFF */
        { R, "\xE2\x80" "x", FFFD FFFD "x" },                  /* two of three bytes */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        txt_buf b = { 0 };
        utf8_put_repaired(&b, rows[i].in, strlen(rows[i].in));
        buf_put(&b, "", 0);
        CHECK_AT(__FILE__, rows[i].line, b.p && strcmp(b.p, rows[i].want) == 0,
                 "row %zu: repaired \"%s\", want \"%s\"", i, b.p ? b.p : "", rows[i].want);
        char fixed[64];
        snprintf(fixed, sizeof fixed, "%s", rows[i].in);
        utf8_fix(fixed, sizeof fixed);
        CHECK_AT(__FILE__, rows[i].line, strcmp(fixed, rows[i].want) == 0,
                 "row %zu: utf8_fix \"%s\", want \"%s\"", i, fixed, rows[i].want);
        /* the writers: HTML escapes, JSON quotes, both U+FFFD */
        buf_reset(&b);
        html_escape(&b, rows[i].in, strlen(rows[i].in));
        buf_put(&b, "", 0);
        CHECK_AT(__FILE__, rows[i].line, strcmp(b.p, rows[i].want) == 0,
                 "row %zu: html_escape \"%s\"", i, b.p);
        buf_reset(&b);
        buf_put_json(&b, rows[i].in, strlen(rows[i].in));
        CHECK_AT(__FILE__, rows[i].line, b.len == strlen(rows[i].want) + 2
                 && memcmp(b.p + 1, rows[i].want, b.len - 2) == 0,
                 "row %zu: buf_put_json %s", i, b.p);
        buf_free(&b);
    }
    /* utf8_fix in a buffer the U+FFFDs do not fit: cut on a character */
    char small[8] = "ab\xFF\xFF\xFF";
    utf8_fix(small, sizeof small);
    CHECK(strcmp(small, "ab" FFFD) == 0, "utf8_fix into 8 bytes: \"%s\"", small);
}

/* Messages quoting a value, formatted into every size of buffer: each is
 * valid UTF-8, fits, and is the longest whole-character start of the full
 * message. */
static void formats(void)
{
    static const struct { int line; const char *value, *full; } rows[] = {
        { R, "жжжжжжжжжжжжжжжжжжжжжжжжжжжжжж", NULL },
        { R, "a…b😀c", NULL },
        { R, "bad \xFF byte", "parameter bad " FFFD " byte: unknown" },
        { R, "cut \xD0", "parameter cut " FFFD ": unknown" },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char full[256], want[256];
        snprintf(full, sizeof full, "parameter %s: unknown", rows[i].value);
        if (rows[i].full)
            snprintf(full, sizeof full, "%s", rows[i].full);
        for (size_t cap = 1; cap <= strlen(full) + 2; cap++) {
            char got[256];
            size_t n = utf8_format(got, cap, "parameter %s: unknown", rows[i].value);
            size_t keep = utf8_cut(full, strlen(full) < cap ? strlen(full) : cap - 1);
            memcpy(want, full, keep);
            want[keep] = '\0';
            CHECK_AT(__FILE__, rows[i].line, n == strlen(got) && strcmp(got, want) == 0
                     && utf8_valid(got, n), "row %zu into %zu bytes: \"%s\", want \"%s\"", i,
                     cap, got, want);
        }
    }
}

int main(void)
{
    cuts();
    repairs();
    formats();
    return test_report("test_utf8");
}
