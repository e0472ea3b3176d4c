/* stopwords.c: membership in the compiled-in stopword lists. The words are
 * stored already normalized (a unit test checks each equals its own
 * normalization) and sorted by bytes, so a lookup is a binary search. */
#include <string.h>

#include "stemming/stemming.h"

int stop_is_stopword(const char *norm, size_t len)
{
    size_t lo = 0, hi = stop_nwords;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *w = stop_words[mid];
        size_t wlen = strlen(w);
        int c = memcmp(w, norm, wlen < len ? wlen : len);
        if (c == 0)
            c = (wlen > len) - (wlen < len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
