/* stopwords.c: membership in the compiled-in stopword lists. The words are
 * stored already normalized (a unit test checks each equals its own
 * normalization) and sorted by bytes, so a lookup is a binary search. */
#include "stemming/stemming.h"

int stop_is_stopword(const char *norm, size_t len)
{
    return wl_has(stop_words, stop_words_n, norm, len);
}
