/* test_analyzer.c: table-driven tests of the analyzer, from raw bytes to
 * terms. Each row carries its reason; a failing row prints its own line. */
#include <stdlib.h>

#include "stemming/stemming.h"
#include "test.h"

/* A row's input may hold NUL bytes, so its length is taken with sizeof. */
#define IN(s) s, sizeof(s) - 1

static an_analyzer *an;

/* Renders the tokens of text as "term term^ term*": ^ marks a token glued to
 * the previous one, * a stopword. With marks == 0, terms only. */
typedef struct {
    char out[8192];
    size_t len;
    int marks;
    const char *text;
    char raw[8192];   /* the original words, '|'-separated */
    size_t raw_len;
} render;

static void append(char *buf, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 >= 8192)
        n = 8192 - *len - 2;
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

static int render_token(const an_token *t, void *ctx)
{
    render *r = ctx;
    if (r->len)
        append(r->out, &r->len, " ", 1);
    append(r->out, &r->len, t->term, t->term_len);
    if (r->marks && (t->flags & AN_GLUED))
        append(r->out, &r->len, "^", 1);
    if (r->marks && (t->flags & AN_STOP))
        append(r->out, &r->len, "*", 1);
    if (r->raw_len)
        append(r->raw, &r->raw_len, "|", 1);
    append(r->raw, &r->raw_len, r->text + t->off, t->len);
    return 0;
}

static const render *analyze(const char *in, size_t len, int marks)
{
    static render r;
    uint32_t pos = 0;
    memset(&r, 0, sizeof r);
    r.marks = marks;
    r.text = in;
    int rc = an_analyze(an, in, len, &pos, render_token, &r);
    CHECK(rc == 0, "an_analyze returned %d", rc);
    return &r;
}

/* ---- whole inputs to terms, with glue and stop marks ---------------------- */

static const struct { int line; const char *in; size_t len; const char *want; } terms[] = {
#define T(in, want) { __LINE__, IN(in), want }
    /* morphology: the stem is what the index holds */
    T("Виртуализация", "виртуализац"),
    T("контейнерами", "контейнер"),
    T("машинами", "машин"),
    T("running", "run"),
    T("runs", "run"),
    T("containers", "contain"),
    T("virtualization", "virtual"),
    /* hyphenated words split into glued parts; a query for the whole word
     * becomes a phrase of the parts and a query for a part finds it */
    T("кто-то", "кто* то^*"),
    T("Коллеги-аналитики", "коллег аналитик^"),
    T("x86-64", "x86 64^"),
    T("Wi-Fi", "wi fi^"),
    T("e-mail", "e mail^"),
    T("что\u2011нибудь", "что* нибуд^*"),        /* non-breaking hyphen */
    T("слово — слово", "слов слов"),             /* a dash between spaces */
    T("слово—слово", "слов слов^"),
    /* identifiers and versions: digits keep a word whole and unstemmed */
    T("x86_64", "x86 64^"),
    T("x32", "x32"),
    T("Qemu/KVM", "qemu kvm^"),
    T("USB 3.0", "usb 3.0"),
    T("версия 1.7", "верс 1.7"),
    T("0.7.", "0.7"),                            /* sentence dot is not a decimal */
    T("2.6.32-rc1", "2.6.32 rc1^"),
    T("192.168.1.1", "192.168.1.1"),
    T("v2.0", "v2.0"),
    T("H.264", "h 264^"),                        /* letter-dot-digit splits */
    T("Fedora20", "fedora20"),
    T("ext4", "ext4"),
    T("mp3-плеер", "mp3 плеер^"),
    T("1,5 ГБ", "1 5^ гб"),                      /* decimal comma splits */
    T("1 000 000", "1 000 000"),
    T("10:30", "10 30^"),
    T("50%", "50"),
    T("№5", "5"),
    T("x²", "x2"),                               /* superscript folds to a digit */
    /* apostrophes split; the root after д' is searchable alone */
    T("don't", "don* t^*"),
    T("д'Артаньян", "д артанья^"),
    T("д’Артаньян", "д артанья^"),               /* typographic apostrophe */
    T("дʼАртаньян", "д артанья^"),               /* U+02BC */
    T("O'Reilly", "o reilli^"),
    /* e-mail and URLs in plain text: their words, glued */
    T("user@example.org", "user exampl^ org^"),
    T("https://example.com/wiki/Test_Day", "https exampl^ com^ wiki^ test^ day^"),
    T("www.example.org", "www exampl^ org^"),
    /* words glued to punctuation */
    T("(Docker),", "docker"),
    T("«контейнер»", "контейнер"),
    T("\"quoted\"", "quot"),
    T("конец.Начало", "конец нача^"),
    T("C++", "c"),
    T(".NET", "net"),
    T("т.е.", "т е^"),
    T("node.js", "node js^"),
    T("foo...bar", "foo bar^"),
    /* Latin letters hidden in Cyrillic words and the reverse */
    T("сeрвер", "сервер"),                       /* Latin e */
    T("кoнтейнер", "контейнер"),                 /* Latin o */
    T("Linuх", "linux"),                         /* Cyrillic х */
    T("Dоcker", "docker"),                       /* Cyrillic о */
    T("Рython", "python"),                       /* Cyrillic Р */
    T("ВИPТУАЛИЗАЦИЯ", "виртуализац"),          /* Latin P */
    T("XMLпарсер", "xmlпарсер"),                 /* real mix: kept, unstemmed */
    /* stopwords keep their position and term */
    T("и в на", "и* в* на*"),
    T("the docker", "the* docker"),
    T("Это тест", "эт* тест"),
    /* other scripts */
    T("日本語", "日 本^ 語^"),                  /* one ideograph, one word */
    T("Ελληνικά", "ελληνικα"),                   /* tonos stripped, unstemmed */
    T("Straße", "strass"),                       /* ß folds to ss */
    /* whitespace of every kind separates */
    T("docker\tkvm\nlxc\r\npodman", "docker kvm lxc podman"),
    T("docker\u00A0kvm", "docker kvm"),         /* no-break space */
    T("docker\u3000kvm", "docker kvm"),         /* ideographic space */
    T("", ""),
    T("   ...  !!! ", ""),
    /* invalid UTF-8 separates words and never reaches a term */
    T("abc\xFF" "def", "abc def"),
    T("\xC0\xAF" "etc", "etc"),                  /* overlong '/' */
    T("\xE0\x80\xAF" "etc", "etc"),              /* overlong 3-byte '/' */
    T("a\xED\xA0\x80" "b", "a* b"),              /* lone surrogate U+D800 */
    T("\xF4\x90\x80\x80" "x", "x"),              /* above U+10FFFF */
    T("abc\0def", "abc def"),                    /* NUL */
    T("\xD0", ""),                               /* truncated at the end */
    T("привет\xD0", "привет"),
    T("\xE2\x82", ""),                           /* truncated 3-byte sequence */
    T("при\x80вет", "при* вет"),                   /* stray continuation byte */
    T("\xD0\x92ирт", "вирт"),
    T("ab\xF0\x9F\x98\x80" "cd", "ab cd^"),      /* an emoji is punctuation */
    T("\xF5\xF6\xF7\xF8\xF9\xFA\xFB\xFC\xFD\xFE\xFF", ""),
    /* a word over 64 code points is skipped, its neighbours are not */
    T("a aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa b", "a* b"),
    T("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 64: kept */
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
#undef T
};

/* ---- groups of forms that must meet on one term --------------------------- */

static const struct { int line; const char *forms[9]; } meet[] = {
#define M(...) { __LINE__, { __VA_ARGS__, NULL } }
    M("виртуализация", "виртуализации", "виртуализацией", "виртуализацию"),
    M("контейнер", "контейнера", "контейнеров", "контейнерами", "контейнеры", "контейнеру"),
    M("машина", "машины", "машинами", "машине", "машину", "машин"),
    M("сервер", "сервера", "серверов", "серверами", "серверу"),
    M("ядро", "ядра", "ядром"),
    /* nouns in -ив/-ыв, which Snowball would cut as gerunds */
    M("дистрибутив", "дистрибутива", "дистрибутивов", "дистрибутивами"),
    M("архив", "архивы", "архиве", "архивом"),
    M("массив", "массивы", "массива"),
    M("отзыв", "отзывы", "отзывов"),
    M("коллектив", "коллективом", "коллективу"),
    /* nouns in -ит, whose -ит Snowball would cut as a verb's in the bare
     * form and in -ите: by the letter before it (мм, к, ц) */
    M("коммит", "коммиты", "коммита", "коммитов", "коммитом", "коммите", "коммитами", "коммиту"),
    M("саммит", "саммита", "саммите"),
    M("тулкит", "тулкиты", "тулкита", "тулките"),
    M("дефицит", "дефицита", "дефиците"),
    /* ...and by data/stemming/ru-it-nouns.txt */
    M("кредит", "кредиты", "кредита", "кредитов", "кредитом", "кредите", "кредитами"),
    M("лимит", "лимиты", "лимита", "лимитов", "лимите"),
    M("аудит", "аудита", "аудитом", "аудите"),
    M("визит", "визиты", "визита", "визите", "визитах"),
    M("депозит", "депозиты", "депозите"),
    M("транзит", "транзита", "транзите"),
    M("бандит", "бандиты", "бандитов"),
    M("гигабит", "гигабиты", "гигабита"),
    M("юнит", "юниты", "юнитов", "юните"),
    M("утилита", "утилиты", "утилиту", "утилитой", "утилите", "утилит", "утилитами"),
    M("защита", "защиты", "защиту", "защитой", "защите", "защит"),
    /* verbs in -ит meet their own forms as before */
    M("говорит", "говорить", "говорят", "говорил", "говорите", "говорим"),
    M("хранит", "хранить", "хранят", "храните", "хранил"),
    M("строит", "строить", "строят", "строите"),
    M("варит", "варить", "варят"),
    M("пилит", "пилить", "пилят"),
    M("делит", "делить", "делят", "делите"),
    M("вредит", "вредить", "вредят", "вредите"),
    M("стоит", "стоить", "стоят"),
    M("жужжит", "жужжишь", "жужжим"),                /* жж doubles in a verb */
    M("установка", "установки", "установку", "установкой"),
    M("пакет", "пакеты", "пакетов", "пакетами"),
    M("обновление", "обновления", "обновлений", "обновлением"),
    M("виртуальная", "виртуальной", "виртуальные", "виртуальными"),
    M("запуск", "запуска", "запуском"),
    M("файл", "файлы", "файлов", "файлами"),
    M("система", "системы", "системой", "системе"),
    M("сеть", "сети", "сетью"),
    M("образ", "образа", "образов", "образами"),
    M("тестирование", "тестирования", "тестированием"),
    M("running", "runs", "run"),
    M("containers", "container"),
    M("images", "image"),
    M("installing", "installed", "install"),
    M("networks", "network", "networking"),
    /* case */
    M("Docker", "DOCKER", "docker", "DoCkEr"),
    M("Виртуализация", "ВИРТУАЛИЗАЦИЯ", "виртуализация"),
    /* ё and е */
    M("ещё", "еще"),
    M("всё", "все"),
    M("её", "ее"),
    M("объём", "объем", "ОБЪЁМ"),
    M("Ёмкость", "емкость"),
    M("решётка", "решетка"),
    M("ЁЖИК", "ежик", "Ёжик"),
    M("е\u0308ж", "еж"),                        /* decomposed ё */
    /* stress marks */
    M("бе\u0301рег", "берег"),
    M("за\u0301мок", "замок"),
    M("мука\u0301", "мука"),
    M("до\u0300ма", "дома"),                    /* grave accent U+0300 */
    M("е\u0308\u0301ж", "еж"),                  /* ё with a stress mark */
    /* invisible characters inside words */
    M("вирту\u00ADализация", "виртуализация"),  /* soft hyphen */
    M("конте\u200Bйнер", "контейнер"),          /* zero-width space */
    M("do\u200Dcker", "docker"),                /* zero-width joiner */
    M("doc\u2060ker", "docker"),                /* word joiner */
    M("\uFEFFdocker", "docker"),                /* byte order mark */
    /* composition and compatibility forms */
    M("и\u0306од", "йод"),                      /* decomposed й composes */
    M("ＤＯＣＫＥＲ", "docker"),                /* full-width Latin */
    M("ﬁle", "file"),                           /* ligature */
    M("ﬂoppy", "floppy"),
    M("\u212Aernel", "kernel"),                 /* Kelvin sign */
    M("café", "cafe\u0301", "cafe"),
    /* homoglyphs */
    M("сeрвер", "сервер"),
    M("Linuх", "linux"),
    /* identifiers written three ways meet as the same term sequence */
    M("x86-64", "x86_64", "x86 64", "X86_64"),
    M("Qemu/KVM", "qemu kvm", "QEMU-KVM"),
    M("д'Артаньян", "д’Артаньян", "Д'АРТАНЬЯН"),
    M("USB 3.0", "usb 3.0"),
#undef M
};

/* ---- pairs that must stay apart ------------------------------------------- */

static const struct { int line; const char *a, *b; } apart[] = {
#define A(a, b) { __LINE__, a, b }
    A("йод", "иод"),                             /* й is never и */
    A("Йод", "иод"),
    A("зайка", "заика"),
    A("войны", "воины"),                         /* wars, warriors */
    A("docker", "dock"),
    A("x86", "x64"),
    A("1.7", "17"),
    A("3.0", "30"),
    A("1.7", "1 7"),
    A("Linux", "Linus"),
    A("машина", "машинист"),
    /* a noun in -ит keeps it, so it no longer meets a word of its stem less -ит */
    A("кредит", "кредо"),
    A("аудит", "аудио"),
    A("визит", "виза"),
    A("бандит", "банда"),
    A("коммит", "комма"),
    A("кредит", "вредит"),                       /* a noun and a verb */
    A("a", "а"),                                 /* Latin a, Cyrillic а */
    A("α", "a"),                                 /* Greek alpha */
    A("ї", "і"),                                 /* the diaeresis stays off е only */
    A("ë", "e"),                                 /* ...and on Latin e */
#undef A
};

/* ---- original words and their byte ranges --------------------------------- */

static const struct { int line; const char *in; size_t len; const char *want; } raws[] = {
#define R(in, want) { __LINE__, IN(in), want }
    R("Виртуализация, контейнеры.", "Виртуализация|контейнеры"),
    R("бе\u0301рег", "бе\u0301рег"),            /* the mark is part of the word */
    R("вирту\u00ADализация", "вирту\u00ADализация"),
    R("x86_64", "x86|64"),
    R("  (Docker)", "Docker"),
    R("a\xFF" "b", "a|b"),
    R("1.7.", "1.7"),
    R("user@example.org", "user|example|org"),
    R("\u0301docker", "docker"),                 /* a mark without a base is dropped */
#undef R
};

static void test_terms(void)
{
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        const render *r = analyze(terms[i].in, terms[i].len, 1);
        CHECK_AT(__FILE__, terms[i].line, strcmp(r->out, terms[i].want) == 0,
                 "terms row %zu: got \"%s\", want \"%s\"", i, r->out, terms[i].want);
    }
}

static void test_meet(void)
{
    for (size_t i = 0; i < sizeof meet / sizeof meet[0]; i++) {
        char first[8192];
        snprintf(first, sizeof first, "%s", analyze(meet[i].forms[0], strlen(meet[i].forms[0]), 0)->out);
        CHECK_AT(__FILE__, meet[i].line, first[0] != '\0', "meet row %zu: no term", i);
        for (size_t j = 1; meet[i].forms[j]; j++) {
            const render *r = analyze(meet[i].forms[j], strlen(meet[i].forms[j]), 0);
            CHECK_AT(__FILE__, meet[i].line, strcmp(r->out, first) == 0,
                     "meet row %zu: \"%s\" gives \"%s\" but \"%s\" gives \"%s\"",
                     i, meet[i].forms[0], first, meet[i].forms[j], r->out);
        }
    }
}

static void test_apart(void)
{
    for (size_t i = 0; i < sizeof apart / sizeof apart[0]; i++) {
        char a[8192];
        snprintf(a, sizeof a, "%s", analyze(apart[i].a, strlen(apart[i].a), 0)->out);
        const render *r = analyze(apart[i].b, strlen(apart[i].b), 0);
        CHECK_AT(__FILE__, apart[i].line, a[0] && strcmp(a, r->out) != 0,
                 "apart row %zu: \"%s\" and \"%s\" both give \"%s\"", i, apart[i].a,
                 apart[i].b, a);
    }
}

static void test_raws(void)
{
    for (size_t i = 0; i < sizeof raws / sizeof raws[0]; i++) {
        const render *r = analyze(raws[i].in, raws[i].len, 0);
        CHECK_AT(__FILE__, raws[i].line, strcmp(r->raw, raws[i].want) == 0,
                 "raw row %zu: got \"%s\", want \"%s\"", i, r->raw, raws[i].want);
    }
}

/* ---- positions, callbacks and the cache ----------------------------------- */

typedef struct { uint32_t pos[16]; int n; int stop_at; } positions;

static int collect_pos(const an_token *t, void *ctx)
{
    positions *p = ctx;
    if (p->n < 16)
        p->pos[p->n++] = t->pos;
    return p->n == p->stop_at ? 42 : 0;
}

static void test_positions(void)
{
    positions p = { .stop_at = 0 };
    uint32_t pos = 10;
    const char *title = "Docker и KVM", *body = "виртуализация";

    CHECK(an_analyze(an, title, strlen(title), &pos, collect_pos, &p) == 0, "title");
    CHECK(an_analyze(an, body, strlen(body), &pos, collect_pos, &p) == 0, "body");
    CHECK(p.n == 4 && p.pos[0] == 10 && p.pos[1] == 11 && p.pos[2] == 12 && p.pos[3] == 13,
          "positions continue across calls: n=%d", p.n);
    CHECK(pos == 14, "next position %u, want 14", (unsigned)pos);

    positions q = { .stop_at = 2 };
    pos = 0;
    int rc = an_analyze(an, "one two three four", 18, &pos, collect_pos, &q);
    CHECK(rc == 42 && q.n == 2, "a callback's non-zero value stops the run: rc=%d n=%d", rc, q.n);
}

typedef struct { char *buf; size_t len, cap; } strbuf;

static int dump_all(const an_token *t, void *ctx)
{
    strbuf *s = ctx;
    char line[700];
    int n = snprintf(line, sizeof line, "%u %s %s %zu %zu %u %d\n", (unsigned)t->pos, t->term,
                     t->norm, t->off, t->len, t->flags, t->script);
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = (s->cap + (size_t)n + 1) * 2;
        s->buf = realloc(s->buf, s->cap);
    }
    memcpy(s->buf + s->len, line, (size_t)n + 1);
    s->len += (size_t)n;
    return 0;
}

/* The cache must be invisible: with and without it, and across the point
 * where it fills up and starts over, every token is the same. */
static void test_cache_is_transparent(void)
{
    size_t cap = 4u << 20, len = 0;
    char *text = malloc(cap);
    for (unsigned i = 0; i < 70000 && len + 64 < cap; i++) {
        static const char *words[] = { "Виртуализация", "контейнеров", "x86_64", "Ёжик",
                                       "бе\u0301рег", "the", "running", "сeрвер" };
        len += (size_t)snprintf(text + len, cap - len, "%s слово%u w%uz, ",
                                words[i % 8], i, i * 7u);
    }
    an_analyzer *plain;
    CHECK(an_new(&plain, AN_NO_CACHE) == 0, "an_new without cache");
    strbuf a = { 0 }, b = { 0 };
    uint32_t pa = 0, pb = 0;
    CHECK(an_analyze(an, text, len, &pa, dump_all, &a) == 0, "cached run");
    CHECK(an_analyze(plain, text, len, &pb, dump_all, &b) == 0, "uncached run");
    CHECK(pa == pb && pa > 200000, "positions %u and %u", (unsigned)pa, (unsigned)pb);
    CHECK(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0,
          "cached and uncached token streams differ");
    uint64_t hits, misses;
    an_cache_stats(an, &hits, &misses);
    /* over twice the 32768 entries the cache holds: it started over */
    CHECK(hits > 0 && misses > 2 * 32768, "the cache filled and kept working: %llu hits, %llu misses",
          (unsigned long long)hits, (unsigned long long)misses);
    an_free(plain);
    free(a.buf);
    free(b.buf);
    free(text);
}

/* an_analyze_prefixed gives exactly the tokens of an_analyze whose
 * normalized word starts with the prefix, but for their positions. */
typedef struct {
    strbuf out;
    const char *prefix;       /* NULL: every token */
    size_t plen;
} prefixed;

static int dump_prefixed(const an_token *t, void *ctx)
{
    prefixed *p = ctx;
    if (p->prefix && (t->norm_len < p->plen || memcmp(t->norm, p->prefix, p->plen) != 0))
        return 0;
    an_token u = *t;
    u.pos = 0;
    return dump_all(&u, &p->out);
}

static void test_prefixed(void)
{
    static const struct { int line; const char *text, *prefix; size_t want; } rows[] = {
        { __LINE__, "Виртуализация и виртуальные машины; ВИРТУАЛКА", "вирт", 3 },
        { __LINE__, "Ёжик, ёлка и ежевика", "еж", 2 },          /* ё typed as е */
        { __LINE__, "бе\u0301рег и берёза", "бер", 2 },         /* a stress mark, ё */
        { __LINE__, "Docker, dockerfile и DOCK", "dock", 3 },
        { __LINE__, "x86_64 и x86", "x86", 2 },                  /* glued words */
        { __LINE__, "сeрвер и сервера", "серв", 2 },             /* a Latin e inside */
        { __LINE__, "на столе и над столом", "на", 2 },          /* stopwords, flagged */
        { __LINE__, "ничего общего", "zz", 0 },
        { __LINE__, "all of them, every word", "", 5 },
        { __LINE__, "", "a", 0 },
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *text = rows[i].text, *pre = rows[i].prefix;
        prefixed want = { { 0 }, pre, strlen(pre) }, got = { { 0 }, NULL, 0 };
        uint32_t pos = 0;
        CHECK_AT(__FILE__, rows[i].line, an_analyze(an, text, strlen(text), &pos, dump_prefixed,
                                                    &want) == 0, "row %zu: an_analyze", i);
        CHECK_AT(__FILE__, rows[i].line, an_analyze_prefixed(an, text, strlen(text), pre,
                                                             strlen(pre), dump_prefixed, &got)
                 == 0, "row %zu: an_analyze_prefixed", i);
        size_t lines = 0;
        for (size_t k = 0; k < got.out.len; k++)
            lines += got.out.buf[k] == '\n';
        CHECK_AT(__FILE__, rows[i].line, lines == rows[i].want && want.out.len == got.out.len
                 && (!got.out.len || memcmp(want.out.buf, got.out.buf, got.out.len) == 0),
                 "row %zu [%s] %s: %zu tokens, want %zu:\n%.*s---\n%.*s", i, text, pre, lines,
                 rows[i].want, (int)got.out.len, got.out.buf ? got.out.buf : "",
                 (int)want.out.len, want.out.buf ? want.out.buf : "");
        free(want.out.buf);
        free(got.out.buf);
    }
}

int main(void)
{
    if (an_new(&an, 0) != 0) {
        fprintf(stderr, "an_new failed\n");
        return 1;
    }
    test_terms();
    test_meet();
    test_apart();
    test_raws();
    test_positions();
    test_cache_is_transparent();
    test_prefixed();
    an_free(an);
    printf("rows: %zu terms, %zu meet, %zu apart, %zu raw\n",
           sizeof terms / sizeof terms[0], sizeof meet / sizeof meet[0],
           sizeof apart / sizeof apart[0], sizeof raws / sizeof raws[0]);
    return test_report("test_analyzer");
}
