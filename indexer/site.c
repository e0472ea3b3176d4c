/* site.c: what a blog's own configuration says that its posts do not: the
 * permalink pattern of Jekyll's _config.yml, which gives the URL of every
 * post under _posts/ without a permalink of its own. Read once per path
 * walked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "indexer/front/front.h"
#include "indexer/indexer.h"

#define CONFIG_MAX (1u << 20)    /* a site's configuration is small: read up to this */

char *site_permalink(const char *root, diag_fn diag, void *ctx)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/_config.yml", root) >= (int)sizeof path)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;                    /* no Jekyll site here */
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    rewind(f);
    size_t cap = size > 0 && size < (long)CONFIG_MAX ? (size_t)size : CONFIG_MAX;
    char *data = malloc(cap);
    size_t len = data ? fread(data, 1, cap, f) : 0;
    fclose(f);
    if (!data)
        return NULL;
    char *out = NULL;
    view *v = view_new();
    vnode *root_node = NULL;
    front_error e;
    int rc = v ? front_yaml(data, len, v, &root_node, &e) : -1;
    if (rc < 0 && diag && root_node)
        diag(ctx, path, e.line, DIAG_WARNING, e.msg);
    size_t plen;
    const char *p = vn_text(vn_get(root_node, "permalink"), &plen);
    if (p && plen)
        out = strndup(p, plen);
    view_free(v);
    free(data);
    return out;
}
