/* fuzz_cgi.c: blogsearch.cgi's request logic (web/web.c, web_handle)
 * in-process over the index of the sample posts, built once at startup,
 * with the HTML template of data/templates. The input is the request's
 * method, query string, Accept, Origin and script name, separated by NUL
 * bytes (the CGI environment holds none); a field not given is NULL. Every
 * answer must be a status line and headers, valid UTF-8 throughout (and so
 * what goes to the server's log), with the Content-Length it says, and a
 * JSON answer must parse. */
#include <jansson.h>

#include "blogsearch.h"
#include "fuzz.h"
#include "web/web.h"

static char dir[64], index_dir[80];
static char *tpl;
static web *w;

static void done(void)
{
    web_free(w);
    free(tpl);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_sample_index(dir, index_dir);
    const char *name = BS_FUZZ_SOURCE_DIR "/data/templates/results.html";
    FILE *f = fopen(name, "rb");
    tpl = calloc(1, 1 << 17);
    size_t len = f && tpl ? fread(tpl, 1, (1 << 17) - 1, f) : 0;
    if (f)
        fclose(f);
    if (!len)
        fuzz_fail("could not read %s", name);
    static web_config cfg;
    cfg = (web_config){ .index = index_dir, .tpl = tpl, .tpl_len = len, .tpl_name = name,
                        .cors = "https://example.org", .resident = 1 };
    if (web_new(&w, &cfg) != BS_OK)
        fuzz_fail("web_new failed");
    atexit(done);
    return 0;
}

/* The value of header name (with ": ") in the header block, or NULL. */
static const char *header(const char *head, size_t n, const char *name, size_t *len)
{
    size_t nl = strlen(name);
    for (const char *p = head; p < head + n;) {
        const char *eol = memchr(p, '\r', (size_t)(head + n - p));
        if (!eol)
            eol = head + n;
        if ((size_t)(eol - p) > nl && memcmp(p, name, nl) == 0) {
            *len = (size_t)(eol - p) - nl;
            return p + nl;
        }
        p = eol + 2;
    }
    return NULL;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_fields in = { .p = data, .end = data + size };
    web_request rq;
    rq.method = fuzz_field(&in);
    rq.query = fuzz_field(&in);
    rq.accept = fuzz_field(&in);
    rq.origin = fuzz_field(&in);
    rq.script = fuzz_field(&in);
    txt_buf out = { 0 }, log = { 0 };
    int status = web_handle(w, &rq, &out, &log);

    /* whatever the method and script name (findings/cgi-*: once echoed as
     * they came, or cut inside a character), the answer is UTF-8 */
    fuzz_utf8("the answer", out.p, out.len);
    fuzz_utf8("the log", log.p, log.len);
    if (status < 200 || status > 599)
        fuzz_fail("status %d", status);
    const char *sep = out.len ? strstr(out.p, "\r\n\r\n") : NULL;
    if (!sep || strncmp(out.p, "Status: ", 8) != 0 || atoi(out.p + 8) != status)
        fuzz_fail("no status line %d and headers:\n%s", status, out.p ? out.p : "");
    size_t head_len = (size_t)(sep - out.p), vlen;
    const char *body = sep + 4;
    size_t body_len = out.len - head_len - 4;
    const char *type = header(out.p, head_len, "Content-Type: ", &vlen);
    const char *clen = header(out.p, head_len, "Content-Length: ", &vlen);
    int head = rq.method && strcmp(rq.method, "HEAD") == 0;
    if (!type || !clen)
        fuzz_fail("no Content-Type or Content-Length:\n%s", out.p);
    if (!head && strtoull(clen, NULL, 10) != body_len)
        fuzz_fail("Content-Length: %.*s for a body of %zu bytes", (int)vlen, clen, body_len);
    if (!head && strncmp(type, "application/json", 16) == 0) {
        json_error_t e;
        json_t *j = json_loadb(body, body_len, 0, &e);
        if (!j)
            fuzz_fail("the JSON answer does not parse (line %d, column %d: %s):\n%s", e.line,
                      e.column, e.text, body);
        json_decref(j);
    }
    buf_free(&out);
    buf_free(&log);
    fuzz_fields_free(&in);
    return 0;
}
