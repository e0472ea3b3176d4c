/* fuzz_markup.c: a post body to the plain text a reader sees
 * (indexer/markup/, markup_to_text). The first byte picks the markup; the
 * rest is the body, taken only as markup_to_text takes it (valid UTF-8, LF
 * line ends, no NUL: what post.c's cleaning leaves). The text must be valid
 * UTF-8 with no NUL, no CR and no run of more than one blank line. */
#include "fuzz.h"
#include "indexer/indexer.h"

static const markup_kind kinds[] = { MARKUP_RST, MARKUP_MD, MARKUP_HTML, MARKUP_TEXT,
                                     MARKUP_ORG };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    markup_kind kind = kinds[data[0] % (sizeof kinds / sizeof kinds[0])];
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    if (!utf8_valid(in, len) || memchr(in, 0, len) || memchr(in, '\r', len))
        return 0;

    txt_buf out = { 0 };
    if (markup_to_text(kind, in, len, &out) == 0) {
        fuzz_utf8("the text", out.p, out.len);
        if (out.len && (memchr(out.p, 0, out.len) || memchr(out.p, '\r', out.len)))
            fuzz_fail("the text holds a NUL or CR byte");
        for (size_t i = 0; i + 2 < out.len; i++)
            if (out.p[i] == '\n' && out.p[i + 1] == '\n' && out.p[i + 2] == '\n')
                fuzz_fail("the text has two blank lines in a row at byte %zu", i);
    }
    buf_free(&out);
    return 0;
}
