/* test_correct.c: forgiving queries through the public API (bs_search and
 * the bs_results_correction* functions). A small blog written from memory,
 * then a table of queries as readers type them: on the wrong keyboard
 * layout, with typos, with Latin names in Cyrillic and back, mixed with
 * correct words; and correctly typed queries, which must never be changed.
 * Each row says what the results must be of (the corrected query, or a
 * suggestion beside the results as typed, other spellings searched beside
 * the words as typed, or nothing done), and the kind of
 * each word's change. Rows carry their __LINE__. */
#include <string.h>

#include "blog.h"

typedef struct {
    const char *title, *body;
    int copies;               /* posts written alike, numbered */
} cpost;

/* docker is in many posts, so that a word in one post near it (dokcer, a
 * post's own typo) is a rare word with a far more frequent correction */
static const cpost corpus[] = {
    { "Виртуализация на домашнем сервере", "Виртуализация с KVM и контейнеры docker дома.", 3 },
    { "Заметка о docker", "Образы docker и их слои; сборка образа.", 24 },
    { "Опечатка автора", "Здесь автор написал dokcer вместо правильного слова.", 1 },
    { "Kubernetes для начинающих", "Кластер kubernetes, поды и сервисы; деплой через ansible.", 3 },
    { "Systemd и журнал", "Юниты systemd, журнал journald и таймеры systemd.", 3 },
    { "Fedora выходит", "Новый выпуск fedora: что изменилось в fedora workstation.", 3 },
    { "Промышленность и открытый код", "Открытый код в промышленности и на заводах.", 2 },
    { "Безопасность контейнеров", "Безопасность контейнеров: SELinux и пространства имён.", 2 },
    { "Железо для сервера", "Какое железо выбрать для домашнего сервера.", 2 },
    { "Заметка про докер", "Автор пишет докер по-русски.", 1 },
    { "Ветки в git", "Про merging веток и rebase.", 2 },
    { "Скрипты на python", "Автор пытался писать на python: fast, в rush перед релизом.", 3 },
};

static void build(bs_writer *w)
{
    int n = 0;
    for (size_t i = 0; i < sizeof corpus / sizeof corpus[0]; i++) {
        for (int k = 0; k < corpus[i].copies; k++) {
            char path[64], title[160];
            snprintf(path, sizeof path, "/blog/post-%d.md", n++);
            snprintf(title, sizeof title, "%s %d", corpus[i].title, k + 1);
            bs_post p = BS_POST_INIT;
            p.path = path;
            p.title = title;
            p.body = corpus[i].body;
            p.body_len = strlen(corpus[i].body);
            p.format = BS_FORMAT_MARKDOWN;
            CHECK(bs_writer_put(w, &p) == BS_OK, "put %s: %s", path, bs_errmsg());
        }
    }
}

enum { NONE, CORRECTED, SUGGESTED, ALSO };

typedef struct {
    int line;
    const char *query;
    int want;                 /* NONE, CORRECTED, SUGGESTED or ALSO */
    const char *to;           /* the corrected or suggested query, or the
                                 spellings searched beside the words (ALSO) */
    const char *kinds;        /* each changed word's kind, comma-separated */
} row;

static const row rows[] = {
    /* the wrong keyboard layout, both ways, punctuation keys and case */
    { __LINE__, "dbhnefkbpfwbz", CORRECTED, "виртуализация", "layout" },
    { __LINE__, "Dbhnefkbpfwbz", CORRECTED, "Виртуализация", "layout" },
    { __LINE__, "вщслук", CORRECTED, "docker", "layout" },
    { __LINE__, "ыныеуьв", CORRECTED, "systemd", "layout" },
    { __LINE__, "ghjvsiktyyjcnb", CORRECTED, "промышленности", "layout" },
    { __LINE__, ";tktpj", CORRECTED, "железо", "layout" },
    { __LINE__, ",tpjgfcyjcnm", CORRECTED, "безопасность", "layout" },
    /* on the other layout and in the other alphabet: докер is docker */
    { __LINE__, "ljrth", CORRECTED, "docker", "layout" },
    /* typos */
    { __LINE__, "виртуализацыя", CORRECTED, "виртуализация", "typo" },
    { __LINE__, "systemdd", CORRECTED, "systemd", "typo" },
    { __LINE__, "kuberntes", CORRECTED, "kubernetes", "typo" },
    { __LINE__, "Systemdd", CORRECTED, "Systemd", "typo" },
    { __LINE__, "бизопасность", CORRECTED, "безопасность", "typo" },
    /* Latin names in Cyrillic */
    { __LINE__, "докер", ALSO, "docker", "translit" },   /* one post writes it so */
    { __LINE__, "кубернетес", CORRECTED, "kubernetes", "translit" },
    { __LINE__, "федора", CORRECTED, "fedora", "translit" },
    { __LINE__, "ансибл", CORRECTED, "ansible", "translit" },
    /* a name in no post beside words that find posts: searched both ways */
    { __LINE__, "безопасность кубернетес", ALSO, "kubernetes", "translit" },
    /* a correct word and a wrong one */
    { __LINE__, "виртуализация ljrth", CORRECTED, "виртуализация docker", "layout" },
    { __LINE__, "безопасность rjyntqythjd", CORRECTED, "безопасность контейнеров", "layout" },
    { __LINE__, "журнал systmed", CORRECTED, "журнал systemd", "typo" },
    /* every word a typo, no post with both: the corrected words' posts, not
     * nothing (with a correct word beside, a typo must meet it) */
    { __LINE__, "systemdd kuberntes", CORRECTED, "systemd kubernetes", "typo,typo" },
    /* a short word is a typo only by a key beside or a letter left out:
     * pyton is python (and not пытался, whose stem пыт its Cyrillic
     * spelling пытон shares); rust is not rush, nor раст (rast) fast */
    { __LINE__, "pyton", CORRECTED, "python", "typo" },
    { __LINE__, "rust", NONE, NULL, NULL },
    /* an English typo of a word the posts write in another form: the
     * term with the typed ending (megre: merge; the posts say merging) */
    { __LINE__, "megre", CORRECTED, "merge", "typo" },
    { __LINE__, "раст", NONE, NULL, NULL },
    /* a Latin name with a Russian ending */
    { __LINE__, "питоном", CORRECTED, "python", "translit" },
    /* a word one post has, near one in far more: offered, not replaced */
    { __LINE__, "dokcer", SUGGESTED, "docker", "typo" },
    /* correctly typed: never changed */
    { __LINE__, "docker", NONE, NULL, NULL },
    { __LINE__, "виртуализация docker", NONE, NULL, NULL },
    { __LINE__, "безопасность контейнеров", NONE, NULL, NULL },
    { __LINE__, "kubernetes ansible", NONE, NULL, NULL },
    { __LINE__, "журнал", NONE, NULL, NULL },
    /* nothing near: nothing done, nothing found */
    { __LINE__, "qxzvqxzv", NONE, NULL, NULL },
    /* a phrase and a prefix are the reader's own: kept */
    { __LINE__, "\"dbhnefkbpfwbz\"", NONE, NULL, NULL },
    { __LINE__, "systemdd*", NONE, NULL, NULL },
    /* an excluded word is not corrected */
    { __LINE__, "docker -systemdd", NONE, NULL, NULL },
};

static uint64_t total_of(bs_index *ix, const char *q, int exact)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.exact = exact;
    o.snippets = 0;
    bs_results *r = NULL;
    if (bs_search(ix, q, &o, &r) != BS_OK)
        return UINT64_MAX;
    uint64_t t = bs_results_total(r);
    bs_results_free(r);
    return t;
}

static void check_row(bs_index *ix, const row *w)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    bs_results *r = NULL;
    int rc = bs_search(ix, w->query, &o, &r);
    CHECK(rc == BS_OK, "line %d: %s: %s", w->line, w->query, bs_errmsg());
    if (rc != BS_OK)
        return;
    const char *cq = bs_results_corrected_query(r), *sg = bs_results_suggestion(r);
    const char *al = bs_results_also_searched(r);
    int got = cq ? CORRECTED : sg ? SUGGESTED : al ? ALSO : NONE;
    CHECK(got == w->want, "line %d: %s: want %d, got %d (corrected %s, suggestion %s)", w->line,
          w->query, w->want, got, cq ? cq : "-", sg ? sg : "-");
    const char *text = cq ? cq : sg ? sg : al;
    if (got == w->want && w->to)
        CHECK(strcmp(text, w->to) == 0, "line %d: %s: want «%s», got «%s»", w->line, w->query,
              w->to, text);
    /* each changed word's kind, in order */
    char kinds[200] = "";
    for (size_t i = 0; i < bs_results_correction_count(r); i++) {
        const char *word, *to, *kind;
        CHECK(bs_results_correction(r, i, &word, &to, &kind) == BS_OK, "line %d: correction %zu",
              w->line, i);
        snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", i ? "," : "", kind);
        CHECK(strstr(w->query, word) != NULL, "line %d: the word %s is not in %s", w->line, word,
              w->query);
    }
    CHECK(strcmp(kinds, w->kinds ? w->kinds : "") == 0, "line %d: %s: kinds want %s, got %s",
          w->line, w->query, w->kinds ? w->kinds : "(none)", kinds);
    const char *word, *to, *kind;
    CHECK(bs_results_correction(r, bs_results_correction_count(r), &word, &to, &kind)
              == BS_ENOTFOUND,
          "line %d: past the last correction", w->line);
    /* the corrected results are those of the corrected query searched exactly */
    if (cq)
        CHECK(bs_results_total(r) > 0 && bs_results_total(r) == total_of(ix, cq, 1),
              "line %d: %s: %llu results, «%s» exactly gives %llu", w->line, w->query,
              (unsigned long long)bs_results_total(r), cq,
              (unsigned long long)total_of(ix, cq, 1));
    /* a spelling beside the words as typed finds more than they do */
    if (al && !cq)
        CHECK(bs_results_total(r) > total_of(ix, w->query, 1),
              "line %d: %s: %llu results, no more than as typed", w->line, w->query,
              (unsigned long long)bs_results_total(r));
    /* a suggestion leaves the results as typed */
    if ((sg && !al) || got == NONE)
        CHECK(bs_results_total(r) == total_of(ix, w->query, 1),
              "line %d: %s: the results are not those of the query as typed", w->line, w->query);
    bs_results_free(r);

    /* exact: nothing done */
    o.exact = 1;
    r = NULL;
    CHECK(bs_search(ix, w->query, &o, &r) == BS_OK, "line %d: exact: %s", w->line, bs_errmsg());
    CHECK(!bs_results_corrected_query(r) && !bs_results_suggestion(r)
              && !bs_results_also_searched(r) && bs_results_correction_count(r) == 0,
          "line %d: %s: exact still corrects", w->line, w->query);
    bs_results_free(r);
}

/* A program built against version 1 of the options gets corrections too. */
static void check_old_opts(bs_index *ix)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    o.version = 1;
    o.exact = 1;              /* beyond version 1's struct: never read */
    bs_results *r = NULL;
    CHECK(bs_search(ix, "dbhnefkbpfwbz", &o, &r) == BS_OK, "version 1: %s", bs_errmsg());
    CHECK(r && bs_results_corrected_query(r) != NULL, "version 1 options: corrected");
    bs_results_free(r);
    CHECK(bs_results_corrected_query(NULL) == NULL && bs_results_suggestion(NULL) == NULL
              && bs_results_correction_count(NULL) == 0,
          "NULL results");
    const char *a, *b, *c;
    CHECK(bs_results_correction(NULL, 0, &a, &b, &c) == BS_EINVAL, "correction of NULL");
}

int main(void)
{
    test_blog b;
    if (blog_begin(&b, "correct") == 0)
        build(b.w);
    blog_commit(&b);
    for (size_t i = 0; b.ix && i < sizeof rows / sizeof rows[0]; i++)
        check_row(b.ix, &rows[i]);
    if (b.ix)
        check_old_opts(b.ix);
    blog_end(&b);
    return test_report("test_correct");
}
