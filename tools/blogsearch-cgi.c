/* blogsearch.cgi: the search box's endpoint under a web server, as a CGI/1.1
 * program (RFC 3875), one process per request, or, built with FastCGI
 * (libfcgi) and started by a FastCGI process manager, resident and
 * answering request after request with the index kept open. web/web.c
 * does the work; this file reads the environment and writes the answer.
 *
 * Environment, set in the web server's configuration, never from a request:
 *   BLOGSEARCH_INDEX     the index directory (default BS_CGI_INDEX)
 *   BLOGSEARCH_TEMPLATE  the HTML results template (default: the installed
 *                        copy if present, else the one built in)
 *   BLOGSEARCH_CORS      origins allowed to read the JSON: "*" or a list */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#ifdef BS_FASTCGI
#include <fcgi_stdio.h>
#include <fcgiapp.h>
#define FASTCGI_NOTE " with FastCGI"
#define FASTCGI_OR " or FastCGI"
#else
#define FASTCGI_NOTE ""
#define FASTCGI_OR ""
#endif

#include "base/base.h"
#include "blogsearch.h"
#include "lib/lib.h"
#include "web/web.h"

#ifndef BS_CGI_INDEX
#define BS_CGI_INDEX "/var/lib/blogsearch/index"
#endif
#ifndef BS_CGI_TEMPLATE
#define BS_CGI_TEMPLATE "/usr/local/share/blogsearch/templates/results.html"
#endif
#ifndef BS_CGI_TEMPLATE_REL
#define BS_CGI_TEMPLATE_REL "../../share/blogsearch/templates/results.html"
#endif

extern const char bs_results_template[];
extern const size_t bs_results_template_len;

/* The whole of a template file, or NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    txt_buf b = { 0 };
    char chunk[16384];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_put(&b, chunk, n);
    int bad = ferror(f) || b.err;
    fclose(f);
    if (bad) {
        buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *len = b.len;
    return b.p ? b.p : calloc(1, 1);
}

static const char *env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* The template, read when an HTML answer first needs it (a JSON request
 * never does): the site's own, else the installed copy, else built in. */
static char *tpl_own;
static const char *tpl_env;        /* BLOGSEARCH_TEMPLATE, read at start: under FastCGI
                                      the environment is the request's */

static void load_template(web_config *cfg)
{
    const char *tpl_path = tpl_env;
    size_t tpl_len = 0;
    if (tpl_path) {
        tpl_own = read_file(tpl_path, &tpl_len);
        if (!tpl_own)
            fprintf(stderr, "blogsearch.cgi: the template %s: %s; using the built-in one\n",
                    tpl_path, strerror(errno));
    } else {
        /* the installed copy: beside the program, else where configured */
        static char beside[4096];
        ssize_t n = readlink("/proc/self/exe", beside, sizeof beside - 1);
        char *slash = n > 0 ? (beside[n] = '\0', strrchr(beside, '/')) : NULL;
        if (slash && (size_t)(slash - beside) + sizeof BS_CGI_TEMPLATE_REL + 1 < sizeof beside) {
            strcpy(slash + 1, BS_CGI_TEMPLATE_REL);
            if ((tpl_own = read_file(beside, &tpl_len)))
                tpl_path = beside;
        }
        if (!tpl_own && (tpl_own = read_file(BS_CGI_TEMPLATE, &tpl_len)))
            tpl_path = BS_CGI_TEMPLATE;
    }
    if (tpl_own) {
        cfg->tpl = tpl_own;
        cfg->tpl_len = tpl_len;
        cfg->tpl_name = tpl_path;
    } else {
        cfg->tpl = bs_results_template;
        cfg->tpl_len = bs_results_template_len;
        cfg->tpl_name = "(built in)";
    }
}

int main(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "--help") == 0)) {
        /* write(2): FastCGI's stdio writes nowhere before FCGI_Accept */
        char msg[512];
        int n = snprintf(msg, sizeof msg,
                         "blogsearch.cgi %s%s: the search endpoint for a web server "
                         "(CGI/1.1%s).\nEnvironment: BLOGSEARCH_INDEX (default %s),\n"
                         "BLOGSEARCH_TEMPLATE, BLOGSEARCH_CORS. See blogsearch.cgi(8).\n",
                         BS_VERSION_STRING, FASTCGI_NOTE, FASTCGI_OR, BS_CGI_INDEX);
        return n > 0 && write(STDOUT_FILENO, msg, (size_t)n) == n ? 0 : 1;
    }
    /* a damaged index is a 500 answer, not a crash (lib.h) */
    lib_guard_install();
    tpl_env = env("BLOGSEARCH_TEMPLATE");
    web_config cfg = { .index = env("BLOGSEARCH_INDEX") ? env("BLOGSEARCH_INDEX") : BS_CGI_INDEX,
                       .cors = env("BLOGSEARCH_CORS"), .tpl_load = load_template };
#ifdef BS_FASTCGI
    /* resident only when a FastCGI server started the process */
    cfg.resident = !FCGX_IsCGI();
#endif
    /* memory freed is kept for the next allocation, of this request or the
     * next, not returned to the system and faulted in again: no mmap and
     * munmap for the big lists of a common word */
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    web *w;
    if (web_new(&w, &cfg) != BS_OK) {
        fputs("Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n"
              "out of memory\n", stdout);
        free(tpl_own);
        return 1;
    }
    txt_buf out = { 0 }, log = { 0 };
#ifdef BS_FASTCGI
    while (FCGI_Accept() >= 0) {
#endif
        web_request rq = { getenv("REQUEST_METHOD"), getenv("QUERY_STRING"),
                           getenv("HTTP_ACCEPT"), getenv("HTTP_ORIGIN"),
                           getenv("SCRIPT_NAME") };
        buf_reset(&out);
        buf_reset(&log);
        web_handle(w, &rq, &out, &log);
        /* the log first: a FastCGI server may close the request once it has
         * the whole answer, and drop what the request's stderr sends later */
        if (log.len) {
            fwrite(log.p, 1, log.len, stderr);
            fflush(stderr);
        }
        if (out.err)
            fputs("Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n"
                  "out of memory\n", stdout);
        else
            fwrite(out.p, 1, out.len, stdout);
        fflush(stdout);
#ifdef BS_FASTCGI
        /* a read of a damaged index faulted: what it held is abandoned, so
         * this process ends once it has answered; the process manager
         * starts another, which tells the next request the same */
        if (lib_faults())
            break;
    }
#endif
    /* the answer is complete when its pipe closes: the server sends it
     * while this process unmaps the index and frees its memory */
    fclose(stdout);
    buf_free(&out);
    buf_free(&log);
    web_free(w);
    free(tpl_own);
    return 0;
}
