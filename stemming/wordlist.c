/* wordlist.c: membership in a compiled-in word list (cmake/embed_words.cmake
 * sorts each list by bytes), by binary search. Knows no list of its own. */
#include <string.h>

#include "stemming/stemming.h"

int wl_has(const char *const *words, size_t nwords, const char *w, size_t len)
{
    size_t lo = 0, hi = nwords;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *m = words[mid];
        size_t mlen = strlen(m);
        int c = memcmp(m, w, mlen < len ? mlen : len);
        if (c == 0)
            c = (mlen > len) - (mlen < len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
