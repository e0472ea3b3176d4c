/* fuzz_index.c: an index damaged on disk, opened, searched and closed
 * through the public API. At startup the sample posts are indexed and a
 * compacted copy made (a data.mdb of only the pages in use); each input is
 * a list of edits of that copy's pages, each one
 *     page (2 bytes, little-endian; modulo the pages there are)
 *     offset in the page (2 bytes, modulo the page size)
 *     what (1 byte: 0 XOR, 1 overwrite, 2 cut the file at this page)
 *     n (1 byte) and n bytes
 * written into a scratch data.mdb, which is then opened read-only and
 * searched, a few ways; afterwards the pages are put back. Every outcome is
 * allowed but a crash, a leak, or text that is not valid UTF-8. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blogsearch.h"
#include "fuzz.h"
#include "lib/lib.h"

#define PAGE 4096u

static char dir[64], index_dir[80], damaged[96], data_path[112];
static unsigned char *pristine;
static size_t pristine_len;
static int fd = -1;

static void done(void)
{
    if (fd >= 0)
        close(fd);
    free(pristine);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_sample_index(dir, index_dir);
    char err[1024];
    lib_snapshot_info info;
    snprintf(damaged, sizeof damaged, "%s/damaged", dir);
    if (lib_index_snapshot(index_dir, damaged, &info, err, sizeof err) != BS_OK)
        fuzz_fail("snapshot: %s", err);
    snprintf(data_path, sizeof data_path, "%s/data.mdb", damaged);
    fd = open(data_path, O_RDWR);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 2 * (off_t)PAGE)
        fuzz_fail("cannot read %s", data_path);
    pristine_len = (size_t)st.st_size;
    pristine = malloc(pristine_len);
    if (!pristine || pread(fd, pristine, pristine_len, 0) != (ssize_t)pristine_len)
        fuzz_fail("cannot read %s", data_path);
    atexit(done);
    return 0;
}

static void put(const void *p, size_t n, size_t at)
{
    if (pwrite(fd, p, n, (off_t)at) != (ssize_t)n)
        fuzz_fail("cannot write %s", data_path);
}

static void check_str(const char *what, const char *s)
{
    if (s)
        fuzz_utf8(what, s, strlen(s));
}

static void search(bs_index *ix, const char *query, int sort, int lenient, size_t facets)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.sort = sort;
    o.lenient = lenient;
    o.facets = facets;
    bs_results *r;
    if (bs_search(ix, query, &o, &r) != BS_OK) {
        check_str("bs_errmsg", bs_errmsg());
        return;
    }
    for (size_t i = 0; i < bs_results_count(r); i++) {
        bs_hit h = BS_HIT_INIT;
        if (bs_results_hit(r, i, &h) != BS_OK)
            continue;
        check_str("a title", h.title);
        check_str("a URL", h.url);
        check_str("a snippet", h.snippet);
        check_str("an author", h.author);
        for (size_t t = 0; t < h.ntags; t++)
            check_str("a tag", h.tags[t]);
        for (size_t k = 0; k < h.nhighlights; k++)
            if (!h.snippet || h.highlights[k].start + h.highlights[k].len > strlen(h.snippet))
                fuzz_fail("a highlight past its snippet");
    }
    for (size_t i = 0; i < bs_results_facet_count(r); i++) {
        const char *tag;
        uint64_t n;
        if (bs_results_facet(r, i, &tag, &n) == BS_OK)
            check_str("a facet", tag);
    }
    check_str("a corrected query", bs_results_corrected_query(r));
    bs_results_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t npages = pristine_len / PAGE, cut = pristine_len;
    /* the edited ranges, to put back */
    size_t from[64], len[64], nedits = 0;
    for (size_t i = 0; i + 6 <= size && nedits < 64;) {
        size_t page = (data[i] | (size_t)data[i + 1] << 8) % npages;
        size_t off = (data[i + 2] | (size_t)data[i + 3] << 8) % PAGE;
        int what = data[i + 4] % 3;
        size_t n = data[i + 5];
        i += 6;
        n = n < size - i ? n : size - i;
        if (what == 2) {
            cut = cut < page * PAGE + off ? cut : page * PAGE + off;
            continue;
        }
        size_t at = page * PAGE + off;
        n = n < pristine_len - at ? n : pristine_len - at;
        unsigned char buf[256];
        for (size_t k = 0; k < n; k++)
            buf[k] = what == 0 ? (unsigned char)(pristine[at + k] ^ data[i + k]) : data[i + k];
        put(buf, n, at);
        from[nedits] = at;
        len[nedits++] = n;
        i += n;
    }
    if (cut < pristine_len && ftruncate(fd, (off_t)cut) != 0)
        fuzz_fail("cannot cut %s", data_path);

    bs_index *ix;
    if (bs_index_open(&ix, damaged, BS_OPEN_RDONLY) == BS_OK) {
        bs_index_stats st = BS_INDEX_STATS_INIT;
        bs_index_stats_get(ix, &st);
        search(ix, "docker", BS_SORT_RELEVANCE, 0, 5);
        search(ix, "виртуализация OR \"debian bookworm\" -windows", BS_SORT_DATE, 0, 0);
        search(ix, "tag:docker since:2019 доке", BS_SORT_RELEVANCE, 1, 3);
        bs_suggestions *s;
        if (bs_suggest(ix, "вирту", NULL, &s) == BS_OK) {
            for (size_t i = 0; i < bs_suggestions_word_count(s); i++) {
                const char *word;
                uint64_t posts;
                if (bs_suggestions_word(s, i, &word, &posts) == BS_OK)
                    check_str("a suggested word", word);
            }
            bs_suggestions_free(s);
        }
        bs_index_close(ix);
    } else {
        check_str("bs_errmsg", bs_errmsg());
    }

    if (cut < pristine_len) {
        put(pristine + cut, pristine_len - cut, cut);
    }
    for (size_t e = 0; e < nedits; e++)
        put(pristine + from[e], len[e], from[e]);
    return 0;
}
