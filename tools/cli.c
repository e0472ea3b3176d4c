/* cli.c: the command line that blogsearch and blogsearch-index share:
 * options read anywhere before "--", one-line usage errors with the nearest
 * option, and output kept valid UTF-8 (cli.h says how). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "tools/cli.h"

/* ---- valid UTF-8 out --------------------------------------------------------- */

void cli_write(FILE *f, const char *s, size_t len, int json)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
    while (p < end) {
        int32_t cp;
        size_t n = utf8_decode(p, end, &cp);
        if (cp != UTF8_INVALID) {
            p += n;
            continue;
        }
        fwrite(run, 1, (size_t)(p - run), f);
        if (json)
            fputs("\xEF\xBF\xBD", f);
        else
            fprintf(f, "\\x%02X", *p);
        run = ++p;
    }
    fwrite(run, 1, (size_t)(p - run), f);
}

void cli_printf(FILE *f, const char *fmt, ...)
{
    char stack[1024], *p = stack;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(stack, sizeof stack, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof stack) {
        if (!(p = malloc((size_t)n + 1)))
            return;
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    cli_write(f, p, (size_t)n, 0);
    if (p != stack)
        free(p);
}

/* ---- options ----------------------------------------------------------------- */

/* Edit distance (insertions, deletions, substitutions and swaps of two
 * neighbours, each 1) between a and b, counted up to 9. */
static size_t cli_distance(const char *a, size_t la, const char *b, size_t lb)
{
    if (la > 30 || lb > 30)
        return 9;
    size_t d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
                && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb] < 9 ? d[la][lb] : 9;
}

/* The long option nearest to name (len bytes, without dashes): the only one
 * it begins, else the nearest by edit distance when that is close (1 for
 * short names, 2 from 4 letters); NULL when none is. */
static const cli_opt *cli_nearest(const cli_opt *opts, const char *name, size_t len)
{
    const cli_opt *best = NULL, *prefix = NULL;
    size_t best_d = len < 4 ? 2 : 3;
    int prefixes = 0;
    for (const cli_opt *o = opts; o->name; o++) {
        size_t d = cli_distance(name, len, o->name, strlen(o->name));
        if (d < best_d) {
            best_d = d;
            best = o;
        }
        if (len >= 2 && strncmp(o->name, name, len) == 0) {
            prefix = o;
            prefixes++;
        }
    }
    return prefixes == 1 ? prefix : best;
}

/* "unknown option ARG" (len bytes of arg), one line on stderr, with the
 * option nearest to name (name_len bytes). word: the whole argument of an
 * unknown short option, which could be a word that needs a -- before it. */
static int cli_unknown(cli_args *a, const char *arg, size_t len, const char *name,
                       size_t name_len, const char *word)
{
    const cli_opt *near = cli_nearest(a->opts, name, name_len);
    cli_printf(stderr, "%s: unknown option %.*s", a->prog, (int)len, arg);
    if (word && strlen(word) > len)
        cli_printf(stderr, " (in %s)", word);
    if (near)
        cli_printf(stderr, "; did you mean --%s? (%s --help lists them)\n", near->name, a->prog);
    else if (word)
        cli_printf(stderr, "; a %s that starts with - goes after --: %s -- %s (%s --help "
                   "lists the options)\n", a->word, a->prog, word, a->prog);
    else
        cli_printf(stderr, " (%s --help lists them)\n", a->prog);
    return CLI_BAD;
}

static int cli_word(cli_args *a, const char *arg)
{
    a->words++;
    a->value = arg;
    return CLI_WORD;
}

static int cli_missing(cli_args *a, const cli_opt *o, const char *typed)
{
    cli_printf(stderr, "%s: %s needs a value: %s %s (%s --help lists the options)\n", a->prog,
               typed, typed, o->metavar ? o->metavar : "VALUE", a->prog);
    return CLI_BAD;
}

int cli_bad_value(const cli_args *a, const char *option, const char *value,
                         const char *want)
{
    cli_printf(stderr, "%s: --%s \"%s\": %s\n", a->prog, option, value, want);
    return 2;
}

/* The next short option of the group in a->cluster. */
static int cli_short(cli_args *a, const char *arg)
{
    char c = *a->cluster++;
    const cli_opt *o = a->opts;
    while (o->name && (o->short_name == 0 || o->short_name != c))
        o++;
    if (!o->name) {
        /* -p of -podman: the whole argument is named too, and -json is
         * taken for a try at --json */
        char typed[3] = { '-', c, '\0' };
        if ((unsigned char)c >= 0x80)     /* a letter of UTF-8: the whole word */
            return cli_unknown(a, arg, strlen(arg), arg + 1, strlen(arg + 1), arg);
        return cli_unknown(a, typed, 2, arg + 1, strlen(arg + 1), arg);
    }
    a->value = NULL;
    if (o->value == CLI_VALUE) {
        if (*a->cluster)
            a->value = a->cluster;
        else if (a->next < a->argc)
            a->value = a->argv[a->next++];
        else {
            char typed[3] = { '-', c, '\0' };
            return cli_missing(a, o, typed);
        }
        a->cluster = NULL;
    }
    return o->id;
}

/* 1 if arg, read after a word, is one of the short options: -X, or -X and
 * a number for one that takes a value. */
static int cli_short_after_words(const cli_opt *opts, const char *arg)
{
    for (const cli_opt *o = opts; o->name; o++)
        if (o->short_name && arg[1] == o->short_name) {
            if (arg[2] == '\0')
                return 1;
            return o->value == CLI_VALUE && strspn(arg + 2, "0123456789") == strlen(arg + 2);
        }
    return 0;
}

int cli_next(cli_args *a)
{
    if (a->cluster && *a->cluster)
        return cli_short(a, a->argv[a->next - 1]);
    a->cluster = NULL;
    for (;;) {
        if (a->next >= a->argc)
            return CLI_END;
        char *arg = a->argv[a->next++];
        if (a->rest || arg[0] != '-' || arg[1] == '\0')
            return cli_word(a, arg);
        if (strcmp(arg, "--") == 0) {
            a->rest = 1;
            continue;
        }
        if (arg[1] != '-') {
            if (a->words && !cli_short_after_words(a->opts, arg))
                return cli_word(a, arg);
            a->cluster = arg + 1;
            return cli_short(a, arg);
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = a->opts;
        while (o->name && (strlen(o->name) != len || strncmp(o->name, name, len) != 0))
            o++;
        if (!o->name) {
            if (a->words)
                return cli_word(a, arg);
            return cli_unknown(a, arg, len + 2, name, len, NULL);
        }
        if (eq && o->value == CLI_NO_VALUE) {
            cli_printf(stderr, "%s: --%s takes no value (%s --help lists the options)\n",
                       a->prog, o->name, a->prog);
            return CLI_BAD;
        }
        a->value = eq ? eq + 1 : NULL;
        if (!eq && o->value == CLI_VALUE) {
            if (a->next >= a->argc)
                return cli_missing(a, o, arg);
            a->value = a->argv[a->next++];
        }
        return o->id;
    }
}
