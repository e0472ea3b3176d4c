/* layout.c: a word typed on the other keyboard layout (Russian ЙЦУКЕН as on
 * Windows and Linux, US QWERTY), and which keys are neighbours, for typo
 * ranking. One table of key pairs serves both directions. */
#include "query/query.h"

/* Each key: what QWERTY gives, what ЙЦУКЕН gives, unshifted then shifted.
 * The punctuation keys that are letters on ЙЦУКЕН are here; keys whose two
 * meanings are both punctuation ('/' is '.' on ЙЦУКЕН, Shift+7 is '?' there)
 * are not: such a character makes a span unswappable rather than guessed. */
static const struct { char lat; uint32_t cyr; } keys[] = {
    {'q', 0x439}, {'w', 0x446}, {'e', 0x443}, {'r', 0x43A}, {'t', 0x435}, {'y', 0x43D},
    {'u', 0x433}, {'i', 0x448}, {'o', 0x449}, {'p', 0x437}, {'[', 0x445}, {']', 0x44A},
    {'a', 0x444}, {'s', 0x44B}, {'d', 0x432}, {'f', 0x430}, {'g', 0x43F}, {'h', 0x440},
    {'j', 0x43E}, {'k', 0x43B}, {'l', 0x434}, {';', 0x436}, {'\'', 0x44D},
    {'z', 0x44F}, {'x', 0x447}, {'c', 0x441}, {'v', 0x43C}, {'b', 0x438}, {'n', 0x442},
    {'m', 0x44C}, {',', 0x431}, {'.', 0x44E}, {'`', 0x451},
    /* shifted punctuation: Х Ъ Ж Э Б Ю Ё */
    {'{', 0x425}, {'}', 0x42A}, {':', 0x416}, {'"', 0x42D}, {'<', 0x411}, {'>', 0x42E},
    {'~', 0x401},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* Same on both layouts: digits and these; they pass through. '*' keeps a
 * prefix query (ljr* → док*). */
static int same_key(uint32_t c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '=' || c == '_' || c == '+' ||
           c == '!' || c == '*' || c == '(' || c == ')';
}

static int is_cyr_letter(uint32_t c)
{
    return (c >= 0x410 && c <= 0x44F) || c == 0x401 || c == 0x451;
}

static uint32_t cyr_lower(uint32_t c)
{
    return c >= 0x410 && c <= 0x42F ? c + 0x20 : c == 0x401 ? 0x451 : c;
}

/* The key of c on its side: index into keys, shifted in *up; -1 if none. */
static int key_of_lat(uint32_t c, int *up)
{
    *up = c >= 'A' && c <= 'Z';
    uint32_t l = *up ? c + 32 : c;
    for (size_t i = 0; i < NKEYS; i++)
        if ((uint32_t)(unsigned char)keys[i].lat == l)
            return (int)i;
    *up = 0;
    return -1;
}

static int key_of_cyr(uint32_t c, int *up)
{
    /* a capital that is punctuation on QWERTY (Ж is ':') has its own entry;
     * any other capital is its small letter's key, shifted */
    for (int pass = 0; pass < 2; pass++) {
        uint32_t want = pass ? cyr_lower(c) : c;
        for (size_t i = 0; i < NKEYS; i++)
            if (keys[i].cyr == want) {
                *up = pass;
                return (int)i;
            }
    }
    *up = 0;
    return -1;
}

int layout_swap(const char *s, size_t len, txt_buf *out, int *to_script)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    int lat = 0, cyr = 0, letters = 0;
    /* First pass: which side every character is from. */
    while (p < end) {
        int32_t c;
        p += utf8_decode(p, end, &c);
        if (c == UTF8_INVALID)
            return 0;
        int up;
        if (same_key((uint32_t)c))
            continue;
        if (c < 0x80 && key_of_lat((uint32_t)c, &up) >= 0) {
            lat = 1;
            letters += (c | 32) >= 'a' && (c | 32) <= 'z';
        } else if (is_cyr_letter((uint32_t)c)) {
            cyr = 1;
            letters++;
        } else {
            return 0;
        }
    }
    if (lat == cyr || !letters)   /* mixed, or nothing a layout tells */
        return 0;
    buf_reset(out);
    for (p = (const unsigned char *)s; p < end;) {
        int32_t c;
        p += utf8_decode(p, end, &c);
        int up;
        if (same_key((uint32_t)c)) {
            buf_putc(out, (char)c);
        } else if (lat) {
            int k = key_of_lat((uint32_t)c, &up);
            uint32_t r = keys[k].cyr;
            if (up)
                r = r == 0x451 ? 0x401 : r - 0x20;
            unsigned char u[4];
            buf_put(out, u, utf8_put_cp((int32_t)r, u));
        } else {
            int k = key_of_cyr((uint32_t)c, &up);
            char r = keys[k].lat;
            buf_putc(out, up ? (char)(r - 32) : r);
        }
    }
    if (out->err)
        return -1;
    *to_script = lat ? NORM_CYRILLIC : NORM_LATIN;
    return 1;
}

/* The letter rows, left to right; each row starts a little right of the one
 * above (a sits under q and w). */
static const char *const rows_lat[] = {"qwertyuiop", "asdfghjkl", "zxcvbnm"};
static const uint32_t rows_cyr[3][13] = {
    {0x439, 0x446, 0x443, 0x43A, 0x435, 0x43D, 0x433, 0x448, 0x449, 0x437, 0x445, 0x44A},
    {0x444, 0x44B, 0x432, 0x430, 0x43F, 0x440, 0x43E, 0x43B, 0x434, 0x436, 0x44D},
    {0x44F, 0x447, 0x441, 0x43C, 0x438, 0x442, 0x44C, 0x431, 0x44E},
};

/* Row and column of c on its layout; 0 if it is no letter key. */
static int place(uint32_t c, int *row, int *col, int *cyrillic)
{
    if (c >= 'A' && c <= 'Z')
        c += 32;
    c = cyr_lower(c);
    for (int r = 0; r < 3; r++) {
        for (int i = 0; rows_lat[r][i]; i++)
            if ((uint32_t)rows_lat[r][i] == c) {
                *row = r, *col = i, *cyrillic = 0;
                return 1;
            }
        for (int i = 0; rows_cyr[r][i]; i++)
            if (rows_cyr[r][i] == c) {
                *row = r, *col = i, *cyrillic = 1;
                return 1;
            }
    }
    return 0;
}

int layout_adjacent(uint32_t a, uint32_t b)
{
    int ra, ca, sa, rb, cb, sb;
    if (!place(a, &ra, &ca, &sa) || !place(b, &rb, &cb, &sb) || sa != sb)
        return 0;
    if (ra == rb)
        return ca - cb == 1 || cb - ca == 1;
    if (ra > rb) {   /* make a the upper one */
        int t = ra; ra = rb; rb = t;
        t = ca; ca = cb; cb = t;
    }
    /* the key below column c of a row stands between columns c and c+1 */
    return rb == ra + 1 && (ca == cb || ca == cb + 1);
}
