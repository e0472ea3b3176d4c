/* postpath.c: what a post's file name and place say when its header does
 * not: the date and slug of a Jekyll or Zola name (2009-03-03-lsof.md), the
 * slug of a Hugo or Zola page bundle (ssh-tunnels/index.md), a list page
 * (_index.md) that is no post; and the post's URL from its header's url or
 * permalink, Jekyll's :placeholders expanded. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "indexer/indexer.h"

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* 1 if name (n bytes) is "index", or "index.LANG" (Hugo's index.ru.md) */
static int is_index(const char *name, size_t n, const char *index)
{
    size_t m = strlen(index);
    if (n < m || memcmp(name, index, m) != 0)
        return 0;
    if (n == m)
        return 1;
    if (name[m] != '.' || n - m - 1 < 2 || n - m - 1 > 5)
        return 0;
    for (size_t i = m + 1; i < n; i++)
        if (!((name[i] >= 'a' && name[i] <= 'z') || name[i] == '-' || name[i] == '_'))
            return 0;
    return 1;
}

/* A repository's own documents, by name without the extension. */
static const char *const repo_docs[] = {
    "readme", "license", "licence", "copying", "contributing", "code_of_conduct", "changelog",
    "security", "claude", "agents",
};

int post_name_in(const char *name, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        size_t j = 0;
        if (strlen(list[i]) != n)
            continue;
        while (j < n && tolower((unsigned char)name[j]) == list[i][j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

void post_path_facts(const char *path, post_path *f)
{
    memset(f, 0, sizeof *f);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot > base ? (size_t)(dot - base) : strlen(base);
    f->repo_doc = post_name_in(base, n, repo_docs, sizeof repo_docs / sizeof repo_docs[0]);
    if (is_index(base, n, "_index")) {
        f->list_page = 1;
        return;
    }
    if (is_index(base, n, "index") && base > path + 1) {
        /* a page bundle: the directory names the post */
        const char *end = base - 1, *start = end;
        while (start > path && start[-1] != '/')
            start--;
        if (end > start) {
            base = start;
            n = (size_t)(end - start);
            f->bundle = 1;
        }
    }
    /* YYYY-MM-DD-slug or YYYY-MM-DD_slug */
    if (n > 11 && is_digits(base, 4) && base[4] == '-' && is_digits(base + 5, 2)
        && base[7] == '-' && is_digits(base + 8, 2) && (base[10] == '-' || base[10] == '_')) {
        memcpy(f->date, base, 10);
        f->date[10] = '\0';
        f->has_date = 1;
        base += 11;
        n -= 11;
    }
    f->slug = base;
    f->slug_len = n;
}

int post_url_day(const char *url, size_t len, char day[11])
{
    /* YYYY/MM/DD at the start or after a '/', then '/' or the end */
    for (size_t i = 0; i + 10 <= len; i++) {
        const char *s = url + i;
        if ((i && url[i - 1] != '/') || !is_digits(s, 4) || s[4] != '/' || !is_digits(s + 5, 2)
            || s[7] != '/' || !is_digits(s + 8, 2) || (i + 10 < len && s[10] != '/'))
            continue;
        snprintf(day, 11, "%.4s-%.2s-%.2s", s, s + 5, s + 8);
        return 1;
    }
    return 0;
}

static int is_absolute_url(const char *s, size_t len)
{
    if (len >= 2 && s[0] == '/' && s[1] == '/')
        return 1;
    size_t i = 0;
    while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
                       || (i && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-'
                                 || s[i] == '.'))))
        i++;
    return i > 0 && i < len && s[i] == ':' && (i + 1 == len || s[i + 1] != ' ');
}

static void url_join(txt_buf *out, const char *prefix, const char *url, size_t len)
{
    if (is_absolute_url(url, len) || !prefix || !*prefix) {
        if (!is_absolute_url(url, len) && (len == 0 || url[0] != '/'))
            buf_putc(out, '/');            /* "posts/x/" is below the site's root */
        buf_put(out, url, len);
        return;
    }
    size_t plen = strlen(prefix);
    while (plen && prefix[plen - 1] == '/')
        plen--;
    while (len && url[0] == '/') {
        url++;
        len--;
    }
    buf_put(out, prefix, plen);
    buf_putc(out, '/');
    buf_put(out, url, len);
}

void post_url(txt_buf *out, const char *prefix, const post *p)
{
    if (p->url.len)
        url_join(out, prefix, p->url.p, p->url.len);
    else if (prefix && *prefix) {
        buf_puts(out, prefix);
        buf_put(out, p->slug.p, p->slug.len);
        buf_putc(out, '/');
    }
}

/* ---- Jekyll permalinks --------------------------------------------------------- */

static const struct {
    const char *name, *pattern;
} styles[] = {
    { "date", "/:categories/:year/:month/:day/:title:output_ext" },
    { "pretty", "/:categories/:year/:month/:day/:title/" },
    { "ordinal", "/:categories/:year/:y_day/:title:output_ext" },
    { "weekdate", "/:categories/:year/W:week/:short_day/:title:output_ext" },
    { "none", "/:categories/:title:output_ext" },
};

int post_permalink(txt_buf *out, const char *pat, size_t len, const permalink_vars *pv)
{
    for (size_t i = 0; i < sizeof styles / sizeof styles[0]; i++)
        if (strlen(styles[i].name) == len && memcmp(pat, styles[i].name, len) == 0) {
            pat = styles[i].pattern;
            len = strlen(pat);
        }
    const char *colon = memchr(pat, ':', len);
    if (!colon || colon + 1 == pat + len || colon[1] < 'a' || colon[1] > 'z')
        return 0;                          /* no placeholder: the URL as written */
    struct tm tm = { 0 };
    time_t t = (time_t)pv->local_date;
    gmtime_r(&t, &tm);
    char num[16];
    size_t start = out->len;
    for (size_t i = 0; i < len;) {
        if (pat[i] != ':') {
            buf_putc(out, pat[i++]);
            continue;
        }
        size_t j = i + 1;
        while (j < len && ((pat[j] >= 'a' && pat[j] <= 'z') || pat[j] == '_'))
            j++;
        const char *name = pat + i + 1;
        size_t nlen = j - i - 1;
#define IS(s) (nlen == strlen(s) && memcmp(name, s, nlen) == 0)
        num[0] = '\0';
        const struct { const char *name; int width, value; } nums[] = {
            { "year", 4, tm.tm_year + 1900 }, { "short_year", 2, tm.tm_year % 100 },
            { "month", 2, tm.tm_mon + 1 }, { "i_month", 0, tm.tm_mon + 1 },
            { "day", 2, tm.tm_mday }, { "i_day", 0, tm.tm_mday },
            { "y_day", 3, tm.tm_yday + 1 }, { "hour", 2, tm.tm_hour },
            { "minute", 2, tm.tm_min }, { "second", 2, tm.tm_sec },
        };
        size_t k = 0;
        while (k < sizeof nums / sizeof nums[0] && !IS(nums[k].name))
            k++;
        if (k < sizeof nums / sizeof nums[0])
            snprintf(num, sizeof num, "%0*d", nums[k].width, nums[k].value);
        else if (IS("title") || IS("slug"))
            buf_put(out, pv->slug, pv->slug_len);
        else if (IS("output_ext"))
            buf_puts(out, ".html");
        else if (IS("categories")) {
            /* each category a directory; none leaves no empty one */
            for (const char *cat = pv->categories; cat && *cat; cat += strlen(cat) + 1) {
                if (cat != pv->categories)
                    buf_putc(out, '/');
                for (const char *ch = cat; *ch; ch++)      /* Jekyll downcases them */
                    buf_putc(out, *ch >= 'A' && *ch <= 'Z' ? (char)(*ch + 32) : *ch);
            }
        } else {
            buf_put(out, pat + i, j - i);   /* not a placeholder Jekyll knows */
        }
#undef IS
        if (num[0] && !pv->has_date)
            num[0] = '\0';
        buf_puts(out, num);
        i = j;
    }
    /* "//" left by an empty placeholder becomes "/" */
    size_t k = start;
    for (size_t i = start; i < out->len; i++)
        if (!(out->p[i] == '/' && k > start && out->p[k - 1] == '/'))
            out->p[k++] = out->p[i];
    buf_truncate(out, k);
    return 1;
}
