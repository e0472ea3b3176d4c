/* test_front.c: front matter into value trees, table-driven: each TOML form
 * (keys, the four strings and their escapes, integers in four bases, floats,
 * booleans, the four kinds of date and time, arrays, inline tables, tables,
 * dotted tables, arrays of tables, comments, CRLF) and each way to get it
 * wrong, with the line, the message and the tree read before the error;
 * JSON objects with the body after them, and bad JSON with its line; the
 * messages' quotes; and mutated headers, on which the parsers must hold
 * their promises (a tree, valid UTF-8, a line inside the text). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "indexer/front/front.h"
#include "test.h"

static txt_buf jbuf;

static const char *json_of(const vnode *n)
{
    buf_reset(&jbuf);
    if (view_json(&jbuf, n, 0) != 0)
        return "(out of memory)";
    return jbuf.p ? jbuf.p : "";
}

/* Every string, key and message below a node is valid UTF-8 without NUL. */
static int tree_valid(const vnode *n)
{
    size_t len;
    const char *s = vn_text(n, &len);
    if (s)
        return utf8_valid(s, len);
    if (vn_type(n) == VN_ARR || vn_type(n) == VN_OBJ) {
        /* the JSON of a container holds its names */
        buf_reset(&jbuf);
        view_json(&jbuf, n, 0);
        return jbuf.len && utf8_valid(jbuf.p, jbuf.len);
    }
    return 1;
}

/* What a row of either parser must give: rc 0, or -1 with the line and a
 * message that has err_has; an object whose JSON is want; UTF-8 all over. */
static void check_result(int line, size_t i, int rc, const vnode *root, const front_error *e,
                         const char *want, unsigned err_line, const char *err_has)
{
    const char *got = json_of(root);
    int want_rc = err_line ? -1 : 0;
    CHECK_AT(__FILE__, line, rc == want_rc, "row %zu: rc %d, want %d (%u: %s)", i, rc, want_rc,
             e->line, e->msg);
    CHECK_AT(__FILE__, line, root && vn_type(root) == VN_OBJ, "row %zu: no object", i);
    CHECK_AT(__FILE__, line, strcmp(got, want) == 0, "row %zu: tree\n  got  %s\n  want %s", i,
             got, want);
    CHECK_AT(__FILE__, line, tree_valid(root), "row %zu: the tree is not UTF-8", i);
    if (!want_rc)
        return;
    CHECK_AT(__FILE__, line, e->line == err_line, "row %zu: line %u, want %u (%s)", i, e->line,
             err_line, e->msg);
    CHECK_AT(__FILE__, line, strstr(e->msg, err_has) != NULL,
             "row %zu: message \"%s\" lacks \"%s\"", i, e->msg, err_has);
    CHECK_AT(__FILE__, line, utf8_valid(e->msg, strlen(e->msg)),
             "row %zu: the message is not UTF-8", i);
}

/* ---- TOML ------------------------------------------------------------------ */

static const struct {
    int line;
    const char *in;
    size_t in_len;          /* 0: strlen(in) */
    const char *want;       /* the tree as JSON: all of it, or what came before the error */
    unsigned err_line;      /* 0: it must parse */
    const char *err_has;    /* a substring of the message */
} toml_rows[] = {
#define OK(in, want) { __LINE__, in, 0, want, 0, NULL }
#define BAD(in, want, line, has) { __LINE__, in, 0, want, line, has }
    /* keys */
    OK("title = \"T\"", "{\"title\": \"T\"}"),
    OK("bare-key_1 = 1\n", "{\"bare-key_1\": 1}"),
    OK("\"ключ с пробелом\" = 1\n'lit.key' = 2\n",
       "{\"ключ с пробелом\": 1, \"lit.key\": 2}"),         /* quoted keys keep their dots */
    OK("\"\" = 1\n", "{\"\": 1}"),                          /* an empty quoted key */
    OK("a.b.c = 1\na.b.d = 2\na.e = 3\n", "{\"a\": {\"b\": {\"c\": 1, \"d\": 2}, \"e\": 3}}"),
    OK("a . \"b\" . 'c' = 1\n", "{\"a\": {\"b\": {\"c\": 1}}}"),  /* spaces around dots */
    OK("3.14 = 1\n", "{\"3\": {\"14\": 1}}"),               /* two bare keys, not a number */
    OK("z = 1\na = 2\nm = 3\n", "{\"z\": 1, \"a\": 2, \"m\": 3}"),  /* the order written */
    BAD("title = 1\nslug = 2\ntitle = 3\n", "{\"title\": 1, \"slug\": 2}", 3,
        "duplicate key \"title\""),
    BAD("a.b = 1\na.b = 2\n", "{\"a\": {\"b\": 1}}", 2, "duplicate key \"a.b\""),
    BAD("a = 1\na.b = 2\n", "{\"a\": 1}", 2, "\"a\" already has a value"),
    BAD("ключ = 1\n", "{}", 1, "expected a key"),           /* bare keys are ASCII */
    BAD("= 1\n", "{}", 1, "expected a key, found \"= 1\""),
    BAD("a. = 1\n", "{}", 1, "expected a key"),
    BAD("title \"x\"\n", "{}", 1, "expected \"=\" after the key \"title\""),
    BAD("\"\"\"k\"\"\" = 1\n", "{}", 1, "a key cannot be a multi-line string"),
    /* basic strings and their escapes */
    OK("s = \"\\b\\t\\n\\f\\r\\\"\\\\\"", "{\"s\": \"\\u0008\\u0009\\n\\u000c\\u000d\\\"\\\\\"}"),
    OK("s = \"\\u00E9\\u0416 \\U0001F680\"", "{\"s\": \"éЖ 🚀\"}"),
    OK("s = \"таб\tв строке\"", "{\"s\": \"таб\\u0009в строке\"}"),
    BAD("a = 1\ns = \"x \\e\"\n", "{\"a\": 1}", 2, "unknown escape \"\\e\""),
    BAD("s = \"\\u12G4\"", "{}", 1, "\\u needs 4 hex digits"),
    BAD("s = \"\\U0011FFFF\"", "{}", 1, "beyond U+10FFFF"),
    BAD("s = \"\\uDC00\"", "{}", 1, "surrogate"),
    BAD("s = \"\\u0000\"", "{}", 1, "U+0000 is not allowed"),
    BAD("s = \"open\nt = 1\n", "{}", 1, "a string is not closed on its line"),
    BAD("s = \"bell \a\"", "{}", 1, "control character U+0007 in a string"),
    BAD("a = 1\ns = \"\xFF\"", "{\"a\": 1}", 2, "invalid UTF-8 byte 0xFF in a string"),
    BAD("s = \"\xD0\"", "{}", 1, "invalid UTF-8 byte 0xD0"),   /* a cut sequence */
    /* literal strings */
    OK("s = 'C:\\path\\n'", "{\"s\": \"C:\\\\path\\\\n\"}"),
    OK("s = 'он сказал \"да\"'", "{\"s\": \"он сказал \\\"да\\\"\"}"),
    BAD("s = 'one\ntwo'", "{}", 1, "a string is not closed on its line"),
    /* multi-line basic strings */
    OK("s = \"\"\"\nпервая\nвторая\"\"\"", "{\"s\": \"первая\\nвторая\"}"),  /* first newline cut */
    OK("s = \"\"\"\\\n   склеено \\\n\n   в одну\"\"\"", "{\"s\": \"склеено в одну\"}"),
    OK("s = \"\"\"a\\  \n  b\"\"\"", "{\"s\": \"ab\"}"),   /* spaces before the newline */
    OK("s = \"\"\"два \"\" и \"одна\"\"\"\"", "{\"s\": \"два \\\"\\\" и \\\"одна\\\"\"}"),
    OK("s = \"\"\"end\"\"\"\"\"", "{\"s\": \"end\\\"\\\"\"}"),  /* two quotes before the end */
    OK("s = \"\"\"\r\nCR\r\nLF\"\"\"", "{\"s\": \"CR\\nLF\"}"),    /* CRLF read as LF */
    BAD("a = 1\ns = \"\"\"open\nnever closed\n", "{\"a\": 1}", 2,
        "a multi-line string opened here is never closed"),
    BAD("s = \"\"\"\n x \\ y\"\"\"", "{}", 2, "unknown escape \"\\ \""),
    /* multi-line literal strings */
    OK("s = '''\n\\n raw\n  kept'''", "{\"s\": \"\\\\n raw\\n  kept\"}"),
    OK("s = ''''quoted' '''", "{\"s\": \"'quoted' \"}"),
    OK("s = '''end'''''", "{\"s\": \"end''\"}"),
    BAD("s = '''open\n", "{}", 1, "never closed"),
    /* integers */
    OK("a = 42\nb = +17\nc = -5\nd = 0\ne = -0\nf = 1_000_000",
       "{\"a\": 42, \"b\": 17, \"c\": -5, \"d\": 0, \"e\": 0, \"f\": 1000000}"),
    OK("h = 0xDEAD_beef\no = 0o755\nb = 0b1101_0110",
       "{\"h\": 3735928559, \"o\": 493, \"b\": 214}"),
    OK("max = 9223372036854775807\nmin = -9223372036854775808\nhmax = 0x7FFFFFFFFFFFFFFF",
       "{\"max\": 9223372036854775807, \"min\": -9223372036854775808, "
       "\"hmax\": 9223372036854775807}"),
    BAD("a = 9223372036854775808", "{}", 1, "beyond 64 bits"),
    BAD("a = -9223372036854775809", "{}", 1, "beyond 64 bits"),
    BAD("a = 0x1_0000_0000_0000_0000", "{}", 1, "beyond 64 bits"),
    BAD("a = 012", "{}", 1, "a leading zero in the number \"012\""),
    BAD("a = 1__0", "{}", 1, "\"1__0\" is not a number"),
    BAD("a = 1_", "{}", 1, "is not a number"),
    BAD("a = _1", "{}", 1, "expected a value"),
    BAD("a = 0x_1", "{}", 1, "is not a number"),
    BAD("a = +0x1", "{}", 1, "is not a number"),      /* no sign on a prefixed integer */
    BAD("a = 0X1", "{}", 1, "is not a number"),       /* the prefix is lower case */
    BAD("a = 12abc", "{}", 1, "is not a number"),
    /* floats (their exact values: float_rows) */
    OK("a = 0.5\nb = -2.25\nc = 5e+22\nd = 1e-4\ne = 7.0\nf = 1_0.2_5\ng = 1E2",
       "{\"a\": 0.5, \"b\": -2.25, \"c\": 4.9999999999999996e+22, \"d\": 0.0001, \"e\": 7, "
       "\"f\": 10.25, \"g\": 100}"),
    OK("a = inf\nb = -inf\nc = nan\nd = +nan",
       "{\"a\": null, \"b\": null, \"c\": null, \"d\": null}"),    /* as the writer writes them */
    BAD("a = 3.", "{}", 1, "\"3.\" is not a number"),
    BAD("a = .5", "{}", 1, "expected a value"),
    BAD("a = 1e", "{}", 1, "is not a number"),
    BAD("a = 1.e5", "{}", 1, "is not a number"),
    BAD("a = 00.5", "{}", 1, "a leading zero"),
    BAD("a = Inf", "{}", 1, "expected a value, found \"Inf\""),
    /* booleans */
    OK("t = true\nf = false", "{\"t\": true, \"f\": false}"),
    BAD("t = True", "{}", 1, "expected a value"),
    BAD("t = truex", "{\"t\": true}", 1, "expected the end of the line after a value, found \"x\""),
    /* dates and times: strings, the separator T, a z Z */
    OK("d = 1979-05-27T07:32:00Z", "{\"d\": \"1979-05-27T07:32:00Z\"}"),
    OK("d = 1979-05-27 07:32:00+03:00", "{\"d\": \"1979-05-27T07:32:00+03:00\"}"),
    OK("d = 1979-05-27t07:32:00.999999-07:00", "{\"d\": \"1979-05-27T07:32:00.999999-07:00\"}"),
    OK("d = 1979-05-27T07:32:00z", "{\"d\": \"1979-05-27T07:32:00Z\"}"),
    OK("d = 1979-05-27T07:32:00", "{\"d\": \"1979-05-27T07:32:00\"}"),
    OK("d = 1979-05-27 07:32:00.5", "{\"d\": \"1979-05-27T07:32:00.5\"}"),
    OK("d = 1979-05-27", "{\"d\": \"1979-05-27\"}"),
    OK("d = 1979-05-27 # a date, then a comment", "{\"d\": \"1979-05-27\"}"),
    OK("d = 2024-02-29", "{\"d\": \"2024-02-29\"}"),        /* a leap day */
    OK("t = 07:32:00", "{\"t\": \"07:32:00\"}"),
    OK("t = 23:59:59.123456789", "{\"t\": \"23:59:59.123456789\"}"),  /* digits as written */
    OK("d = [1979-05-27, 07:32:00]", "{\"d\": [\"1979-05-27\", \"07:32:00\"]}"),
    BAD("d = 2023-02-29", "{}", 1, "date 2023-02-29 does not exist"),
    BAD("d = 1900-02-29", "{}", 1, "does not exist"),      /* 1900 was not a leap year */
    BAD("d = 2020-13-01", "{}", 1, "does not exist"),
    BAD("d = 2020-00-10", "{}", 1, "does not exist"),
    BAD("d = 2020-1-01", "{}", 1, "a date is YYYY-MM-DD"),
    BAD("t = 07:32", "{}", 1, "a time is HH:MM:SS (with seconds)"),
    BAD("t = 24:00:00", "{}", 1, "out of range"),
    BAD("t = 23:60:00", "{}", 1, "out of range"),
    BAD("d = 2016-12-31T23:59:60Z", "{}", 1, "out of range"),   /* no leap second */
    BAD("d = 1979-05-27T", "{}", 1, "a time is HH:MM:SS"),
    BAD("d = 1979-05-27T07:32:00+0300", "{}", 1, "a zone offset is +HH:MM or -HH:MM"),
    BAD("d = 1979-05-27T07:32:00+24:00", "{}", 1, "a zone offset"),
    BAD("d = 1979-05-27T07:32:00.Z", "{}", 1, "the digits of a fraction"),
    BAD("t = 07:32:00Z", "{\"t\": \"07:32:00\"}", 1, "found \"Z\""),  /* a local time: no zone */
    /* arrays */
    OK("a = []\nb = [ ]", "{\"a\": [], \"b\": []}"),
    OK("a = [1, [2, [3, []]], \"x\", {k = 1}]", "{\"a\": [1, [2, [3, []]], \"x\", {\"k\": 1}]}"),
    OK("a = [\n  1, # one\n  # a line of its own\n\n  2,\n]\nb = 3",
       "{\"a\": [1, 2], \"b\": 3}"),                        /* lines, comments, trailing comma */
    OK("a = [1\n,\n2]", "{\"a\": [1, 2]}"),
    BAD("a = [1, , 2]", "{}", 1, "expected a value, found \", 2]\""),
    BAD("a = [,]", "{}", 1, "expected a value"),
    BAD("a = [\n  1,\n  2 3\n]", "{}", 3, "expected \",\" or \"]\" in an array, found \"3\""),
    BAD("x = 0\na = [1, 2,\n# open\n", "{\"x\": 0}", 2, "the array opened here is never closed"),
    BAD("a = [1 2", "{}", 1, "expected \",\" or \"]\""),
    /* inline tables */
    OK("p = { x = 1, y = \"два\" }", "{\"p\": {\"x\": 1, \"y\": \"два\"}}"),
    OK("p = {}", "{\"p\": {}}"),
    OK("p = { a.b = 1, a.c = 2, d = { e = [1, 2] } }",
       "{\"p\": {\"a\": {\"b\": 1, \"c\": 2}, \"d\": {\"e\": [1, 2]}}}"),
    OK("p = { list = [\n 1,\n 2 ] }", "{\"p\": {\"list\": [1, 2]}}"),   /* a value crosses lines */
    BAD("p = { x = 1, x = 2 }", "{}", 1, "duplicate key \"x\""),
    BAD("p = { x = 1, }", "{}", 1, "a comma after the last pair of an inline table"),
    BAD("p = { x = 1,\n y = 2 }", "{}", 1, "an inline table is not closed on its line"),
    BAD("p = { x = 1\n}", "{}", 1, "an inline table is not closed on its line"),
    BAD("p = { a = { b = 1 }, a.c = 2 }", "{}", 1, "\"a\" is an inline table, given whole"),
    BAD("p = { x = 1 y = 2 }", "{}", 1, "expected \",\" or \"}\" in an inline table"),
    BAD("a = { b = 1 }\na.c = 2", "{\"a\": {\"b\": 1}}", 2, "is an inline table, given whole"),
    BAD("a = { b = 1 }\n[a]", "{\"a\": {\"b\": 1}}", 2, "table \"a\": given whole as a value"),
    BAD("a = { b = 1 }\n[a.c]", "{\"a\": {\"b\": 1}}", 2, "\"a\" was given whole as a value"),
    /* [tables] and [dotted.tables] */
    OK("top = 1\n[params]\nauthor = \"А\"\n[params.social]\nicon = \"mail\"",
       "{\"top\": 1, \"params\": {\"author\": \"А\", \"social\": {\"icon\": \"mail\"}}}"),
    OK("[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3",
       "{\"a\": {\"b\": {\"c\": {\"x\": 1}, \"z\": 3}, \"y\": 2}}"),  /* implicit, then declared */
    OK("[ a . \"b c\" ]\nk = 1", "{\"a\": {\"b c\": {\"k\": 1}}}"),
    OK("[empty]\n[other]", "{\"empty\": {}, \"other\": {}}"),
    OK("[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true",
       "{\"fruit\": {\"apple\": {\"color\": \"red\", \"texture\": {\"smooth\": true}}}}"),
    OK("[x.y.z]\n[x]\ny.w = 1", "{\"x\": {\"y\": {\"z\": {}, \"w\": 1}}}"),
    BAD("[a]\nx = 1\n[b]\n[a]\ny = 2", "{\"a\": {\"x\": 1}, \"b\": {}}", 4,
        "table \"a\": declared twice"),
    BAD("a = 1\n[a]", "{\"a\": 1}", 2, "the key already has a value"),
    BAD("[fruit]\napple.color = 1\n[fruit.apple]", "{\"fruit\": {\"apple\": {\"color\": 1}}}", 3,
        "table \"fruit.apple\": already made by dotted keys"),
    BAD("[a.b]\n[a]\nb.y = 2", "{\"a\": {\"b\": {}}}", 3,
        "\"b\" is a table declared by its own [header]"),
    BAD("[x.y.z]\n[x]\ny.w = 1\n[x.q]\n[x.y]",
        "{\"x\": {\"y\": {\"z\": {}, \"w\": 1}, \"q\": {}}}", 5, "already made by dotted keys"),
    BAD("[t]\na.b = 1\n[t.u]\n[t]", "{\"t\": {\"a\": {\"b\": 1}, \"u\": {}}}", 4, "declared twice"),
    BAD("a = 1\n\n[table\n", "{\"a\": 1}", 3, "expected \"]\" after the table's name"),
    BAD("[a] b = 1", "{\"a\": {}}", 1, "expected the end of the line after a table's header"),
    BAD("[]", "{}", 1, "expected a key"),
    /* [[arrays of tables]] */
    OK("[[menu]]\nname = \"a\"\n[[menu]]\nname = \"b\"",
       "{\"menu\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}"),
    OK("[[m.main]]\nn = 1\n[m.main.extra]\ni = 2\n[[m.main.sub]]\nk = 3\n[[m.main]]\nn = 4",
       "{\"m\": {\"main\": [{\"n\": 1, \"extra\": {\"i\": 2}, \"sub\": [{\"k\": 3}]}, "
       "{\"n\": 4}]}}"),                                    /* into the latest element */
    OK("[[p]]\n[[p]]\nx = 1", "{\"p\": [{}, {\"x\": 1}]}"),
    OK("[[p]]\nq.r = 1\n[[p]]\nq.r = 2", "{\"p\": [{\"q\": {\"r\": 1}}, {\"q\": {\"r\": 2}}]}"),
    BAD("a = [1, 2]\n[[a]]", "{\"a\": [1, 2]}", 2, "the key is already a value"),
    BAD("a = [{ b = 1 }]\n[a.c]", "{\"a\": [{\"b\": 1}]}", 2, "\"a\" was given whole as a value"),
    BAD("[[a]]\nx = 1\n[a]", "{\"a\": [{\"x\": 1}]}", 3, "table \"a\": an array of tables"),
    BAD("[a]\n[[a]]", "{\"a\": {}}", 2, "the key is already a table"),
    BAD("[[t.x]]\n[t]\nx.y = 1", "{\"t\": {\"x\": [{}]}}", 3, "\"x\" is an array of tables"),
    BAD("[[a] ]", "{}", 1, "expected \"]]\" after the table's name"),
    /* comments and lines */
    OK("# только комментарий\n\n  \t\n", "{}"),
    OK("", "{}"),
    OK("a = 1 # комментарий\n# ещё\nb = 2", "{\"a\": 1, \"b\": 2}"),
    OK("a = 1\r\n[t]\r\nb = 2 # c\r\n", "{\"a\": 1, \"t\": {\"b\": 2}}"),    /* CRLF */
    BAD("a = 1\n# \x01\n", "{\"a\": 1}", 2, "control character U+0001 in a comment"),
    BAD("# \xC3\x28\n", "{}", 1, "invalid UTF-8 byte 0xC3 in a comment"),
    BAD("a = 1\rb = 2", "{\"a\": 1}", 1, "found \"\\rb = 2\""),    /* a CR alone ends no line */
    BAD("a = 1 b = 2", "{\"a\": 1}", 1,
        "expected the end of the line after a value, found \"b = 2\""),
    BAD("a = 1\nb =\n", "{\"a\": 1}", 2, "expected a value, found the end of the line"),
    BAD("a =", "{}", 1, "expected a value, found the end of the text"),
    BAD("a = \"x\" y", "{\"a\": \"x\"}", 1, "found \"y\""),
    BAD("a = @", "{}", 1, "expected a value, found \"@\""),
    { __LINE__, "a = 1\n\0 = 2", 11, "{\"a\": 1}", 2, "expected a key, found \"\\x00 = 2\"" },
#undef OK
#undef BAD
};

static void test_toml(void)
{
    for (size_t i = 0; i < sizeof toml_rows / sizeof toml_rows[0]; i++) {
        const char *in = toml_rows[i].in;
        size_t len = toml_rows[i].in_len ? toml_rows[i].in_len : strlen(in);
        view *v = view_new();
        vnode *root = NULL;
        front_error e;
        int rc = front_toml(in, len, v, &root, &e);
        check_result(toml_rows[i].line, i, rc, root, &e, toml_rows[i].want,
                     toml_rows[i].err_line, toml_rows[i].err_has);
        view_free(v);
    }
}

/* Floats exactly: the JSON writer shows four decimals. */
static const struct {
    int line;
    const char *in;
    double want;
} float_rows[] = {
#define F(in, want) { __LINE__, in, want }
    F("x = 3.14159265358979", 3.14159265358979),
    F("x = 6.626e-34", 6.626e-34),
    F("x = -1E+3", -1000.0),
    F("x = 224_617.445_991", 224617.445991),
    F("x = 1e06", 1e6),                       /* a leading zero in an exponent is allowed */
    F("x = 0e0", 0.0),
    F("x = -0.0", -0.0),
    F("x = 1e400", HUGE_VAL),                 /* beyond a double: infinity, as strtod says */
    F("x = -inf", -HUGE_VAL),
#undef F
};

static void test_floats(void)
{
    for (size_t i = 0; i < sizeof float_rows / sizeof float_rows[0]; i++) {
        view *v = view_new();
        vnode *root;
        front_error e;
        int rc = front_toml(float_rows[i].in, strlen(float_rows[i].in), v, &root, &e);
        const vnode *x = vn_get(root, "x");
        double got = vn_number(x);
        CHECK_AT(__FILE__, float_rows[i].line,
                 rc == 0 && vn_type(x) == VN_NUM && got == float_rows[i].want &&
                     signbit(got) == signbit(float_rows[i].want),
                 "row %zu: rc %d (%s), got %.17g, want %.17g", i, rc, e.msg, got,
                 float_rows[i].want);
        view_free(v);
    }
    /* nan is a number that is not equal to itself */
    view *v = view_new();
    vnode *root;
    front_error e;
    int rc = front_toml("x = nan", 7, v, &root, &e);
    CHECK(rc == 0 && vn_type(vn_get(root, "x")) == VN_NUM && isnan(vn_number(vn_get(root, "x"))),
          "nan: rc %d, not a NaN number", rc);
    view_free(v);
}

/* ---- JSON ------------------------------------------------------------------ */

static const struct {
    int line;
    const char *in;
    const char *want;       /* the tree as JSON ("{}" after an error) */
    const char *body;       /* where the body starts: the text after *used */
    unsigned err_line;      /* 0: it must parse */
    const char *err_has;
} json_rows[] = {
#define OK(in, want, body) { __LINE__, in, want, body, 0, NULL }
#define BAD(in, line, has) { __LINE__, in, "{}", NULL, line, has }
    OK("{\"title\": \"Заметка\", \"draft\": false}\n\nТело.\n",
       "{\"title\": \"Заметка\", \"draft\": false}", "\n\nТело.\n"),
    OK("{\"z\": 1, \"a\": [1, 2.5, \"x\", null, true], \"o\": {\"k\": {}}}body",
       "{\"z\": 1, \"a\": [1, 2.5, \"x\", null, true], \"o\": {\"k\": {}}}", "body"),
    OK("\n  {\"a\": 1}\n{\"b\": 2}", "{\"a\": 1}", "\n{\"b\": 2}"),  /* one object, then body */
    OK("{}", "{}", ""),
    OK("{\"s\": \"\\u00e9\\ud83d\\ude80\\n\\\"\"}", "{\"s\": \"é🚀\\n\\\"\"}", ""),
    OK("{\"big\": 9223372036854775807, \"neg\": -9223372036854775808}",
       "{\"big\": 9223372036854775807, \"neg\": -9223372036854775808}", ""),
    OK("{\"date\": \"2023-11-03T09:15:00+03:00\"}", "{\"date\": \"2023-11-03T09:15:00+03:00\"}",
       ""),                                       /* dates in JSON are strings already */
    BAD("{\n  \"title\": \"x\",\n  \"draft\": tru\n}\n", 3, "invalid token near \"tru\""),
    OK("{\n\"a\": 1,\n\"a\": 2\n}", "{\"a\": 2}", ""),    /* the last value, as Hugo's */
    BAD("\n[1, 2]\n", 2, "JSON front matter is an object, not an array"),
    BAD("{\"a\": 1,}", 1, "string or '}' expected"),
    BAD("{\"a\": 1", 1, "'}' expected near end of file"),
    BAD("", 1, "'[' or '{' expected"),
    BAD("title: x\n", 1, "'[' or '{' expected"),
    BAD("{\"a\": \"\\u0000\"}", 1, "U+0000 is not allowed in a string"),
    BAD("{\n\"a\": \"\xFF\"}", 2, "unable to decode byte 0xff"),
    BAD("{\"a\": 99999999999999999999}", 1, "too big integer"),
    BAD("{\"a\": NaN}", 1, "invalid token"),
    BAD("{\"a\": \"a very long string that goes on\" x}", 1, "'}' expected near \"x\""),
    BAD("{\"a\": 1, 1234567890123456789}", 1,
        "string or '}' expected near \"123456789012\"…"),   /* the quote cut short */
#undef OK
#undef BAD
};

static void test_json(void)
{
    for (size_t i = 0; i < sizeof json_rows / sizeof json_rows[0]; i++) {
        const char *in = json_rows[i].in;
        size_t len = strlen(in), used = 99;
        view *v = view_new();
        vnode *root = NULL;
        front_error e;
        int rc = front_json(in, len, v, &root, &used, &e);
        int line = json_rows[i].line;
        check_result(line, i, rc, root, &e, json_rows[i].want, json_rows[i].err_line,
                     json_rows[i].err_has);
        if (rc == 0)
            CHECK_AT(__FILE__, line, used <= len && strcmp(in + used, json_rows[i].body) == 0,
                     "row %zu: the body starts at byte %zu: \"%s\", want \"%s\"", i, used,
                     used <= len ? in + used : "(past the end)", json_rows[i].body);
        else
            CHECK_AT(__FILE__, line, used == 0, "row %zu: used %zu after an error", i, used);
        view_free(v);
    }
}

/* ---- the messages' parts --------------------------------------------------- */

static void test_quote(void)
{
    static const struct { int line; const char *in; size_t len; const char *want; } rows[] = {
#define Q(in, want) { __LINE__, in, sizeof in - 1, want }
        Q("abc", "\"abc\""),
        Q("", "the end of the text"),
        Q("ровно12букв!", "\"ровно12букв!\""),
        Q("тринадцать букв", "\"тринадцать б\"…"),      /* 12 characters, not bytes */
        Q("a\tb\nc\r", "\"a\\tb\\nc\\r\""),
        Q("\x01\x7F", "\"\\x01\\x7F\""),
        Q("\xFF\xD0z", "\"\\xFF\\xD0z\""),                /* bytes that are not UTF-8 */
        Q("\xED\xA0\x80", "\"\\xED\\xA0\\x80\""),         /* an encoded surrogate */
        Q("\0x", "\"\\x00x\""),
        Q("😀😀😀😀😀😀😀😀😀😀😀😀😀", "\"😀😀😀😀😀😀😀😀😀😀😀😀\"…"),
#undef Q
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char q[FRONT_QUOTE_SIZE];
        const char *got = front_quote(q, rows[i].in, rows[i].in + rows[i].len);
        CHECK_AT(__FILE__, rows[i].line, strcmp(got, rows[i].want) == 0,
                 "row %zu: got %s, want %s", i, got, rows[i].want);
    }
    /* a message too long for msg is cut between characters */
    front_error e;
    char ru[400] = "";
    for (int i = 0; i < 150; i++)
        strcat(ru, "ж");
    front_fail(&e, 7, "xy%s", ru);       /* 302 bytes into 255: ж 127 cut in two, left out */
    CHECK(e.line == 7 && utf8_valid(e.msg, strlen(e.msg)) && strlen(e.msg) == 2 + 126 * 2,
          "a cut message: line %u, %zu bytes, valid %d", e.line, strlen(e.msg),
          utf8_valid(e.msg, strlen(e.msg)));
    CHECK(front_line("a\nb\nc", &"a\nb\nc"[4]) == 3, "front_line: the third line");
}

/* ---- mutated headers ------------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t rng(void)
{
    return test_rng(&rng_state);
}

/* What every call promises whatever the bytes: 0 or -1, an object, a tree
 * of valid UTF-8, and after an error a UTF-8 message with a line inside the
 * text (or just past a final newline). */
static void check_promises(int rc, const vnode *root, const front_error *e, const char *s,
                           size_t len, const char *what, size_t round)
{
    unsigned lines = front_line(s, s + len);
    CHECK(rc == 0 || rc == -1, "%s %zu: rc %d", what, round, rc);
    CHECK(root && vn_type(root) == VN_OBJ && tree_valid(root), "%s %zu: the tree", what, round);
    if (rc != 0)
        CHECK(e->line >= 1 && e->line <= lines && e->msg[0] &&
                  utf8_valid(e->msg, strlen(e->msg)),
              "%s %zu: line %u of %u, message \"%s\"", what, round, e->line, lines, e->msg);
}

static void test_mutations(unsigned rounds)
{
    static const char *pieces[] = {
        "\"", "'", "\"\"\"", "'''", "[", "]", "[[", "]]", "{", "}", ",", "=", ".", "#", "\n",
        "\r\n", "\r", "\\", "\\u", "\\U0001F600", "1979-05-27", "T07:32:00", "+03:00", "Z",
        "0x", "_", "e", "inf", "nan", "true", "ж", "\xFF", "\xD0", "\0", " ", "\t", "a.b",
        "[a]", "[[a]]", "a = 1\n", "a.b = {", "\"\\", "1e", "9223372036854775808",
    };
    txt_buf b = { 0 };
    size_t ninputs = sizeof toml_rows / sizeof toml_rows[0];
    for (unsigned r = 0; r < rounds; r++) {
        const char *base = toml_rows[rng() % ninputs].in;
        buf_reset(&b);
        buf_puts(&b, base);
        for (int k = (int)(rng() % 4) + 1; k > 0; k--) {
            size_t at = b.len ? (size_t)(rng() % (b.len + 1)) : 0;
            const char *p = pieces[rng() % (sizeof pieces / sizeof pieces[0])];
            size_t n = *p ? strlen(p) : 1;
            txt_buf t = { 0 };
            buf_put(&t, b.p, at);
            if (rng() % 3 == 0 && at < b.len)
                at++;                                   /* replace a byte, else insert */
            buf_put(&t, p, n);
            buf_put(&t, b.p + at, b.len - at);
            buf_reset(&b);
            buf_put(&b, t.p, t.len);
            buf_free(&t);
        }
        view *v = view_new();
        vnode *root = NULL;
        front_error e;
        int rc = front_toml(b.p, b.len, v, &root, &e);
        check_promises(rc, root, &e, b.p, b.len, "toml", r);
        view_free(v);

        v = view_new();
        size_t used;
        rc = front_json(b.p, b.len, v, &root, &used, &e);
        check_promises(rc, root, &e, b.p, b.len, "json", r);
        CHECK(rc != 0 || used <= b.len, "json %u: used %zu of %zu", r, used, b.len);
        view_free(v);
    }
    buf_free(&b);
}

int main(void)
{
    test_toml();
    test_floats();
    test_json();
    test_quote();
    const char *env = getenv("BS_FUZZ_ROUNDS");
    test_mutations(env ? (unsigned)strtoul(env, NULL, 10) : 20000);
    buf_free(&jbuf);
    return test_report("test_front");
}
