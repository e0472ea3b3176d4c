/* test_like.c: related posts through the public API (bs_like). A small blog
 * of four topics written from memory, several posts each; for a table of
 * posts, named by path or by slug, the posts most like it must be of its
 * topic, never itself, and filters in the options still apply; a name that
 * is no post is BS_ENOTFOUND. Rows carry their __LINE__. */
#include <string.h>

#include "blog.h"

typedef struct {
    const char *slug, *topic, *title, *tags, *body;
} lpost;

/* each topic's posts share its words and not the others' */
static const lpost corpus[] = {
    { "docker-images", "docker", "Слои образов Docker", "docker",
      "Образ docker собирается из слоёв; Dockerfile задаёт слои, кэш слоёв ускоряет сборку образа." },
    { "docker-compose", "docker", "Docker Compose для разработки", "docker,compose",
      "Compose поднимает контейнеры docker по файлу; сеть и тома контейнеров описаны рядом с образами." },
    { "docker-rootless", "docker", "Docker без root", "docker,security",
      "Контейнеры docker без root: демон в пространстве имён пользователя, образы и слои в домашнем каталоге." },
    { "docker-registry", "docker", "Свой registry для образов", "docker",
      "Registry хранит образы docker и их слои; push и pull образов по сети." },
    { "btrfs-snapshots", "btrfs", "Снимки btrfs", "btrfs,linux",
      "Снимки btrfs делаются мгновенно: подтом, снимок подтома, откат файловой системы." },
    { "btrfs-raid", "btrfs", "RAID1 на btrfs", "btrfs",
      "Файловая система btrfs зеркалит данные на два диска; балансировка и проверка подтомов." },
    { "btrfs-compression", "btrfs", "Сжатие в btrfs", "btrfs,linux",
      "Сжатие zstd в файловой системе btrfs экономит место на диске; подтом с опцией compress." },
    { "fedora-39", "fedora", "Вышла Fedora 39", "fedora,release",
      "Релиз Fedora 39: GNOME 45, новое ядро, обновлённый установщик Anaconda и пакеты." },
    { "fedora-40", "fedora", "Вышла Fedora 40", "fedora,release",
      "Релиз Fedora 40: GNOME 46, KDE Plasma 6, пакеты обновлены, установщик Anaconda тот же." },
    { "fedora-upgrade", "fedora", "Обновление Fedora через dnf", "fedora",
      "Обновление релиза Fedora: dnf system-upgrade скачивает пакеты нового релиза и перезагружает." },
    { "garden-tomatoes", "garden", "Томаты на балконе", "garden",
      "Рассада томатов на балконе: полив, подкормка, подвязка кустов томатов к опоре." },
    { "garden-cucumbers", "garden", "Огурцы в теплице", "garden",
      "Огурцы в теплице любят полив тёплой водой; подкормка кустов и опора для плетей." },
};
#define NPOSTS (sizeof corpus / sizeof corpus[0])

static void build(bs_writer *w)
{
    for (size_t i = 0; i < NPOSTS; i++) {
        char path[128], tagbuf[128];
        const char *tags[4];
        size_t ntags = 0;
        snprintf(path, sizeof path, "/blog/%s.md", corpus[i].slug);
        snprintf(tagbuf, sizeof tagbuf, "%s", corpus[i].tags);
        for (char *t = strtok(tagbuf, ","); t && ntags < 4; t = strtok(NULL, ","))
            tags[ntags++] = t;
        bs_post p = BS_POST_INIT;
        p.path = path;
        p.title = corpus[i].title;
        p.slug = corpus[i].slug;
        p.tags = tags;
        p.ntags = ntags;
        p.body = corpus[i].body;
        p.body_len = strlen(corpus[i].body);
        p.format = BS_FORMAT_MARKDOWN;
        CHECK(bs_writer_put(w, &p) == BS_OK, "put %s: %s", path, bs_errmsg());
    }
}

static const char *topic_of(const char *slug)
{
    for (size_t i = 0; i < NPOSTS; i++)
        if (strcmp(corpus[i].slug, slug) == 0)
            return corpus[i].topic;
    return "";
}

static const struct {
    int line;
    const char *post;         /* a slug, or a path as indexed */
    const char *tag;          /* a filter, or NULL */
    size_t top;               /* the first this many results must be of its topic */
    int want;                 /* BS_OK or the error */
} rows[] = {
    { __LINE__, "docker-images", NULL, 3, BS_OK },
    { __LINE__, "/blog/docker-compose.md", NULL, 3, BS_OK },      /* by its path */
    { __LINE__, "btrfs-raid", NULL, 2, BS_OK },
    { __LINE__, "fedora-39", NULL, 2, BS_OK },
    { __LINE__, "garden-tomatoes", NULL, 1, BS_OK },
    { __LINE__, "docker-registry", "security", 1, BS_OK },        /* filters apply */
    { __LINE__, "no-such-post", NULL, 0, BS_ENOTFOUND },
    { __LINE__, "/blog/no-such-post.md", NULL, 0, BS_ENOTFOUND },
    { __LINE__, "", NULL, 0, BS_ENOTFOUND },
};

static void check_row(bs_index *ix, size_t k)
{
    bs_search_opts o = BS_SEARCH_OPTS_INIT;
    const char *tags[1] = { rows[k].tag };
    if (rows[k].tag) {
        o.tags = tags;
        o.ntags = 1;
    }
    bs_results *r = NULL;
    int rc = bs_like(ix, rows[k].post, &o, &r);
    CHECK_AT(__FILE__, rows[k].line, rc == rows[k].want, "%s: status %d, want %d (%s)",
             rows[k].post, rc, rows[k].want, bs_errmsg());
    if (rc != BS_OK) {
        CHECK_AT(__FILE__, rows[k].line, r == NULL, "%s: results on error", rows[k].post);
        return;
    }
    const char *self = strrchr(rows[k].post, '/') ? strrchr(rows[k].post, '/') + 1
                                                   : rows[k].post;
    char want_slug[128];
    snprintf(want_slug, sizeof want_slug, "%.*s", (int)strcspn(self, "."), self);
    const char *topic = topic_of(want_slug);
    size_t n = bs_results_count(r);
    CHECK_AT(__FILE__, rows[k].line, n >= rows[k].top, "%s: %zu results, want at least %zu",
             rows[k].post, n, rows[k].top);
    for (size_t i = 0; i < n; i++) {
        bs_hit h = BS_HIT_INIT;
        CHECK_AT(__FILE__, rows[k].line, bs_results_hit(r, i, &h) == BS_OK, "hit %zu", i);
        CHECK_AT(__FILE__, rows[k].line, strcmp(h.slug, want_slug) != 0,
                 "%s: the post itself is among its related posts (rank %zu)", rows[k].post,
                 i + 1);
        if (i < rows[k].top)
            CHECK_AT(__FILE__, rows[k].line, strcmp(topic_of(h.slug), topic) == 0,
                     "%s: rank %zu is %s, of topic %s, not %s", rows[k].post, i + 1, h.slug,
                     topic_of(h.slug), topic);
        if (rows[k].tag) {
            int has = 0;
            for (size_t t = 0; t < h.ntags; t++)
                has |= strcmp(h.tags[t], rows[k].tag) == 0;
            CHECK_AT(__FILE__, rows[k].line, has, "%s: %s lacks the tag %s", rows[k].post,
                     h.slug, rows[k].tag);
        }
    }
    bs_results_free(r);
}

int main(void)
{
    test_blog b;
    if (blog_begin(&b, "like") == 0)
        build(b.w);
    blog_commit(&b);
    for (size_t k = 0; b.ix && k < sizeof rows / sizeof rows[0]; k++)
        check_row(b.ix, k);
    bs_results *r = (bs_results *)1;
    CHECK(bs_like(b.ix, NULL, NULL, &r) == BS_EINVAL && r == NULL, "bs_like of NULL");
    blog_end(&b);
    return test_report("test_like");
}
