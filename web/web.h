/* web.h: blogsearch.cgi's front, one section per file: its requests and
 * answers (web.c), the completions asked with suggest= (suggest.c) and the
 * HTML template the pages are rendered through (template.c). The mains of tools/ call it; it searches through lib/. */
#ifndef BS_WEB_H
#define BS_WEB_H

#include <stddef.h>

#include "base/base.h"

/* ---- what web.c offers ------------------------------------------------------- */

/* blogsearch.cgi's requests and answers (docs/cgi.md), apart from where they
 * come from: the CGI environment once, or FastCGI again and again. */
typedef struct web_config {
    const char *index;        /* the index directory */
    const char *tpl;          /* the HTML template (template.c's language), tpl_len bytes */
    size_t tpl_len;
    const char *tpl_name;     /* its file, for messages to the site's owner */
    const char *cors;         /* JSON's allowed origins: "*" or origins separated by
                                 spaces; NULL or "" none */
    int resident;             /* answers request after request (FastCGI): caches are
                                 sized for reuse, not for one answer */
    /* with tpl NULL: called once, when an HTML answer first needs the
       template, to set tpl, tpl_len and tpl_name (a JSON request never
       reads it) */
    void (*tpl_load)(struct web_config *cfg);
} web_config;

typedef struct {
    const char *method;       /* REQUEST_METHOD */
    const char *query;        /* QUERY_STRING */
    const char *accept;       /* HTTP_ACCEPT, or NULL */
    const char *origin;       /* HTTP_ORIGIN, or NULL */
    const char *script;       /* SCRIPT_NAME: where links point, or NULL */
} web_request;

#define WEB_MAX_QUERY 256     /* bytes of q */
#define WEB_MAX_PER_PAGE 50
#define WEB_MAX_PAGE 1000
#define WEB_FACETS 20         /* tags offered as filters */

typedef struct web web;

/* cfg and its strings must outlive w. Returns BS_OK or BS_ENOMEM. */
int web_new(web **out, const web_config *cfg);
void web_free(web *w);

/* Answers one request: out gets the CGI response (header lines, a blank
 * line, and the body unless the method is HEAD). What the site's owner
 * should know (a damaged index, a template error) is appended to log as a
 * line naming the cause, which the answer itself never shows. Returns the
 * HTTP status. */
int web_handle(web *w, const web_request *rq, txt_buf *out, txt_buf *log);

/* ---- what suggest.c offers ---------------------------------------------- */

struct lib_searcher;

/* Whether the parameter name=value may stand beside suggest= (docs/cgi.md):
 * not q, tag, category, author, since, until or like unless empty, never
 * sort, page, per_page or exact, format only as json; any parameter not
 * blogsearch's. */
int web_suggest_takes(const char *name, const char *value);

/* The answer to suggest=text (valid UTF-8), appended to body: one line of
 * JSON, {"suggest", "prefix", "words": [{"word", "posts"}], "titles":
 * [{"title", "url"}]}, and a newline. BS_OK, or a status with the reason in
 * err (BS_ENOMEM, BS_ECORRUPT, BS_ERROR). */
int web_suggest_body(struct lib_searcher *s, const char *text, txt_buf *body, char *err,
                     size_t errlen);

/* ---- what template.c offers --------------------------------------------- */

/* The template language is a subset of Mustache (docs/template.md):
 *   {{name}}            the value, HTML-escaped (& < > " ')
 *   {{{name}}}          the value as it is, for strings flagged VN_HTML
 *                        (such as the marked snippet); any other string is
 *                        still escaped, so a mistaken {{{ }}} cannot inject
 *   {{#name}}...{{/name}}  an array: the inside once per element, with the
 *                        element as the innermost context; an object: once,
 *                        inside it; true, a non-zero number or a non-empty
 *                        string: once; else not at all
 *   {{^name}}...{{/name}}  the inside once when name is missing, null,
 *                        false, 0, "" or an empty array
 *   {{! comment }}
 *   {{.}}               the current element (a string or number in a list)
 * A name is looked up from the innermost context outwards; in a.b.c only a
 * is, then b and c walk down from there. A missing name, null, an array or
 * an object renders as nothing. Numbers print as integers when whole, else
 * with up to 4 decimals, trailing zeros dropped (11.2931, 2.4); a number
 * that is not finite counts as null. Booleans print true/false. Spaces
 * inside a tag are allowed ({{ name }}, {{# list }}); text, line breaks
 * included, is copied as it is. */

/* Renders the template tpl (len bytes) with root as the outermost context.
 * The whole template is checked first: on an error (an unclosed or
 * mismatched section, a stray {{/name}}, an unclosed tag, a bad name such
 * as {{> partial}}, sections nested deeper than 32) it writes nothing,
 * returns -1 and puts "line N: message" in err, N the line of the tag at
 * fault. Out of memory: -2. */
int tpl_render(txt_buf *out, const char *tpl, size_t len, const vnode *root,
               char *err, size_t errlen);

/* Whether a tag of the template tpl (len bytes) names one of names (the
 * first part of a.b.c; {{.}} and comments name nothing): 1 if one does, 0
 * if none does (a file that is no template of these pages, such as
 * /etc/passwd), -1 when the template does not parse (tpl_render says why). */
int tpl_names_any(const char *tpl, size_t len, const char *const *names, size_t nnames);

#endif
