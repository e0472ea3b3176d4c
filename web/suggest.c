/* suggest.c: blogsearch.cgi's suggest=TEXT, the completions a search box
 * lists under itself as one types (docs/cgi.md): which other parameters
 * may stand beside it, and the JSON answer. web.c reads the request and
 * writes the response; the completions are lib/'s. */
#include <stdio.h>
#include <string.h>

#include "lib/lib.h"
#include "web/web.h"

/* A search's parameters, which a suggestion does not take: those an empty
 * value leaves out (an empty form field), and those that count whatever
 * their value. */
static const char *const unless_empty[] = { "q", "tag", "category", "author", "since",
                                            "until", "like" };
static const char *const never[] = { "sort", "page", "per_page", "exact" };

int web_suggest_takes(const char *name, const char *value)
{
    for (size_t i = 0; i < sizeof unless_empty / sizeof unless_empty[0]; i++)
        if (strcmp(name, unless_empty[i]) == 0)
            return !*value;
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (strcmp(name, never[i]) == 0)
            return 0;
    if (strcmp(name, "format") == 0)
        return strcmp(value, "json") == 0;
    return 1;                      /* a site's own, analytics tags */
}

int web_suggest_body(struct lib_searcher *s, const char *text, txt_buf *body, char *err,
                     size_t errlen)
{
    view *v = view_new();
    int rc = BS_ENOMEM;
    vnode *root = v ? lib_suggest_view(s, text, v, &rc, err, errlen) : NULL;
    if (root) {
        rc = view_json(body, root, 0) == 0 ? BS_OK : BS_ENOMEM;
        buf_putc(body, '\n');
        if (body->err)
            rc = BS_ENOMEM;
    }
    if (rc == BS_ENOMEM)
        snprintf(err, errlen, "out of memory");
    view_free(v);
    return rc;
}
