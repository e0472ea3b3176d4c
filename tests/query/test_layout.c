/* test_layout.c: words typed on the other keyboard layout, both directions,
 * both cases and the punctuation keys; spans that must not be swapped; and
 * which keys are neighbours. */
#include "query/query.h"
#include "test.h"

static const struct { int line; const char *in, *want; int script; } swaps[] = {
#define S(in, want, script) { __LINE__, in, want, script }
    S("dbhnefkbpfwbz", "виртуализация", NORM_CYRILLIC),
    S("ljrth", "докер", NORM_CYRILLIC),
    S("вщслук", "docker", NORM_LATIN),
    S("ыныеуьв", "systemd", NORM_LATIN),
    S("ghjvsiktyyjcnb", "промышленности", NORM_CYRILLIC),
    S(";tktpj", "железо", NORM_CYRILLIC),
    S(",tpjgfcyjcnm", "безопасность", NORM_CYRILLIC),
    S("hf,jnf", "работа", NORM_CYRILLIC),
    S("'nj", "это", NORM_CYRILLIC),
    S("[jhjij", "хорошо", NORM_CYRILLIC),
    S("Dbhnefkbpfwbz", "Виртуализация", NORM_CYRILLIC),
    S("Вщслук", "Docker", NORM_LATIN),
    S("LJRTH", "ДОКЕР", NORM_CYRILLIC),
    S(":tktpj", "Железо", NORM_CYRILLIC),          /* shifted punctuation keys */
    S("<tpjgfcyjcnm", "Безопасность", NORM_CYRILLIC),
    S("\"nj", "Это", NORM_CYRILLIC),
    S("{jhjij", "Хорошо", NORM_CYRILLIC),
    S("~krf", "Ёлка", NORM_CYRILLIC),
    S("`krf", "ёлка", NORM_CYRILLIC),
    S("j,]tv", "объем", NORM_CYRILLIC),
    S("j,}tv", "обЪем", NORM_CYRILLIC),
    S("k.,jdm", "любовь", NORM_CYRILLIC),
    S("ьнЫЙД", "mySQL", NORM_LATIN),
    S("ЖЭЮа", ":\">f", NORM_LATIN),                  /* and back */
    S("жэюбхъёф", ";'.,[]`a", NORM_LATIN),
    S("x86", "ч86", NORM_CYRILLIC),                 /* digits pass through */
    S("ltd-2=3", "дев-2=3", NORM_CYRILLIC),
    S("ljr*", "док*", NORM_CYRILLIC),
#undef S
};

static const struct { int line; const char *in; } kept[] = {
#define K(in) { __LINE__, in }
    K("docker1ф"),           /* both sides' letters */
    K("dockerф"),
    K("12345"),              /* no letter */
    K(";,.[]"),              /* punctuation keys alone: no letter */
    K("αβγ"),                /* another script */
    K("ljrth/"),             /* / is . on ЙЦУКЕН: not guessed */
    K("ljrth?"),
    K("док.ер"),             /* . on ЙЦУКЕН is QWERTY's / */
    K("a@b"),
    K("a b"),
    K("\xff" "abc"),         /* invalid UTF-8 */
    K(""),
#undef K
};

static const struct { int line; uint32_t a, b; int want; } adj[] = {
#define A(a, b, want) { __LINE__, a, b, want }
    A('q', 'w', 1), A('w', 'q', 1), A('a', 'q', 1), A('a', 'w', 1), A('a', 's', 1),
    A('a', 'z', 1), A('s', 'z', 1), A('s', 'x', 1), A('s', 'e', 1), A('g', 't', 1),
    A('g', 'y', 1), A('g', 'b', 1), A('g', 'v', 1), A('m', 'k', 1), A('p', 'l', 1),
    A('q', 'e', 0), A('q', 'a' + 1, 0), A('a', 'x', 0), A('z', 'q', 0), A('a', 'a', 0),
    A('p', 'm', 0), A('Q', 'W', 1),
    A(0x439, 0x446, 1),           /* й ц */
    A(0x444, 0x439, 1),           /* ф й */
    A(0x444, 0x446, 1),           /* ф ц */
    A(0x44F, 0x444, 1),           /* я ф */
    A(0x43E, 0x43B, 1),           /* о л */
    A(0x43E, 0x433, 1),           /* о г */
    A(0x43E, 0x448, 1),           /* о ш */
    A(0x43E, 0x44C, 1),           /* о ь */
    A(0x43E, 0x442, 1),           /* о т */
    A(0x436, 0x44D, 1),           /* ж э */
    A(0x445, 0x44A, 1),           /* х ъ */
    A(0x41E, 0x41B, 1),           /* О Л */
    A(0x439, 0x443, 0),           /* й у */
    A(0x43E, 0x44F, 0),           /* о я */
    A('q', 0x446, 0),             /* q ц: other layout */
    A(0x439, 'w', 0),
    A('1', '2', 0), A(0x3B1, 0x3B2, 0),
#undef A
};

int main(void)
{
    txt_buf out = {0};
    for (size_t i = 0; i < sizeof swaps / sizeof swaps[0]; i++) {
        int script = 0;
        int rc = layout_swap(swaps[i].in, strlen(swaps[i].in), &out, &script);
        CHECK_AT(__FILE__, swaps[i].line, rc == 1, "%s: rc %d", swaps[i].in, rc);
        if (rc != 1)
            continue;
        CHECK_AT(__FILE__, swaps[i].line, strcmp(out.p, swaps[i].want) == 0,
                 "%s: got \"%s\", want \"%s\"", swaps[i].in, out.p, swaps[i].want);
        CHECK_AT(__FILE__, swaps[i].line, script == swaps[i].script, "%s: script %d",
                 swaps[i].in, script);
        CHECK_AT(__FILE__, swaps[i].line, utf8_valid(out.p, out.len), "%s: UTF-8", swaps[i].in);
        /* swapping back gives the span as typed */
        txt_buf back = {0};
        int s2 = 0;
        int rc2 = layout_swap(out.p, out.len, &back, &s2);
        CHECK_AT(__FILE__, swaps[i].line, rc2 == 1 && strcmp(back.p, swaps[i].in) == 0,
                 "%s: back rc %d \"%s\"", swaps[i].in, rc2, rc2 == 1 ? back.p : "");
        buf_free(&back);
    }
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
        int script = 0;
        int rc = layout_swap(kept[i].in, strlen(kept[i].in), &out, &script);
        CHECK_AT(__FILE__, kept[i].line, rc == 0, "\"%s\": rc %d, want 0", kept[i].in, rc);
    }
    for (size_t i = 0; i < sizeof adj / sizeof adj[0]; i++) {
        int got = layout_adjacent(adj[i].a, adj[i].b);
        CHECK_AT(__FILE__, adj[i].line, got == adj[i].want, "U+%04X U+%04X: %d, want %d",
                 (unsigned)adj[i].a, (unsigned)adj[i].b, got, adj[i].want);
        CHECK_AT(__FILE__, adj[i].line, layout_adjacent(adj[i].b, adj[i].a) == got,
                 "U+%04X U+%04X: not symmetric", (unsigned)adj[i].a, (unsigned)adj[i].b);
    }
    buf_free(&out);
    return test_report("test_layout");
}
