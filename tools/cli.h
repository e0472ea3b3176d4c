/* cli.h: the command line that blogsearch and blogsearch-index share (cli.c).
 *
 * Options: a program's own options are read anywhere before "--", while an
 * argument that only looks like one stays a word (a query word, a path):
 *   - before the first word, arguments are read as getopt reads them: long
 *     options exactly as named (--limit 2, --limit=2), short ones alone or
 *     together with their value attached (-n 2, -n2, -qv); anything else
 *     that starts with - is an unknown option, a usage error;
 *   - after the first word, an argument is an option only when it is
 *     exactly one: --name or --name=value of a long option, -X of a short
 *     one, or -X with a number attached (-n2) for a short one that takes a
 *     value; anything else (-podman, --podman, -ipv6) is a word;
 *   - after "--", everything is a word.
 * An unknown option, a missing value or a value given to an option that
 * takes none is one line on stderr that names it (with the nearest option
 * by edit distance when there is one), and the program exits 2.
 *
 * Output: what the programs print goes through cli_write or cli_printf,
 * which keep it valid UTF-8: a byte that is not part of a well-formed
 * sequence becomes \xNN in text and U+FFFD in JSON.
 */
#ifndef BS_TOOLS_CLI_H
#define BS_TOOLS_CLI_H

#include <stdio.h>

enum { CLI_NO_VALUE, CLI_VALUE, CLI_OPTIONAL_VALUE };   /* optional: only as --name=value */
enum { CLI_WORD = -1, CLI_END = -2, CLI_BAD = -3 };

typedef struct {
    const char *name;          /* long name, without -- */
    char short_name;           /* 0 when it has none */
    int value;                 /* CLI_NO_VALUE, CLI_VALUE or CLI_OPTIONAL_VALUE */
    const char *metavar;       /* what the value is, for messages: "N", "DIR" */
    int id;                    /* what cli_next returns for it */
} cli_opt;

typedef struct {
    const char *prog;          /* the program's name, for messages */
    const char *word;          /* what a word is, for messages: "query", "PATH" */
    const cli_opt *opts;       /* ended by an entry whose name is NULL */
    int argc;
    char **argv;
    int next;                  /* the next argument to read */
    const char *cluster;       /* the rest of a group of short options (-qv) */
    int words;                 /* words read so far */
    int rest;                  /* after "--": only words */
    const char *value;         /* the option's value (NULL if none), or the word */
} cli_args;

/* Writes len bytes of s to f, each byte that is not part of well-formed
 * UTF-8 as \xNN (json 0) or U+FFFD (json 1). */
void cli_write(FILE *f, const char *s, size_t len, int json);

/* printf to f as text that is valid UTF-8 (cli_write). */
void cli_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A value the option does not take: one line on stderr. Returns 2, the
 * exit status of a usage error in both programs. */
int cli_bad_value(const cli_args *a, const char *option, const char *value, const char *want);

/* Reads the next argument: an option's id (its value, if any, in a->value),
 * CLI_WORD (the word in a->value), CLI_END, or CLI_BAD (the usage error
 * already said on stderr). */
int cli_next(cli_args *a);

#endif
