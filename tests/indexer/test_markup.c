/* test_markup.c: table-driven tests of markup_to_text for reStructuredText,
 * Markdown, HTML and plain text, each row with its reason; then every rf-web
 * post and every Markdown post of the real blogs (when the corpora are
 * there) and adversarial inputs under the sanitizers. */
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "indexer/indexer.h"
#include "test.h"

#define CORPUS "/work/shared/corpus/rf-web"

/* A row's input may hold NUL bytes, so its length is taken with sizeof. */
#define IN(s) s, sizeof(s) - 1

static const struct {
    int line;
    markup_kind kind;
    const char *in;
    size_t len;
    const char *want;
} rows[] = {
#define RST(in, want) { __LINE__, MARKUP_RST, IN(in), want }
#define MD(in, want) { __LINE__, MARKUP_MD, IN(in), want }
#define HTML(in, want) { __LINE__, MARKUP_HTML, IN(in), want }
#define TXT(in, want) { __LINE__, MARKUP_TEXT, IN(in), want }
    /* ---- reStructuredText: paragraphs and sections ---- */
    RST("Привет, мир.", "Привет, мир."),  /* plain text passes through */
    RST("строка один\nстрока два\n\nвторой абзац",
        "строка один\nстрока два\n\nвторой абзац"),              /* line breaks stay */
    RST("\n\n\nтекст\n\n\n\nещё\n\n", "текст\n\nещё"),          /* one blank line, none at the ends */
    RST("текст   \nещё\t ", "текст\nещё"),                       /* no trailing spaces */
    RST("Заголовок\n=========\n\nТекст.", "Заголовок\n\nТекст."), /* underline dropped */
    RST("=====\nГлава\n=====\nТекст.", "Глава\n\nТекст."),        /* overline and underline */
    RST("Title\n-----   \nbody", "Title\n\nbody"),                /* underline with trailing spaces */
    RST("Абзац\nЗаголовок\n~~~~~~~~~\nтекст", "Абзац\n\nЗаголовок\n\nтекст"),  /* a title in the middle of text is its own paragraph */
    RST("один\n\n----------\n\nдва", "один\n\nдва"),              /* a transition */
    RST("Длинный заголовок\n--", "Длинный заголовок\n--"),        /* too short to underline: kept */
    RST("Раз ...\n\n...", "Раз ...\n\n..."),                      /* an ellipsis is text */
    /* ---- reStructuredText: inline markup ---- */
    RST("Смотрите `сайт <https://example.org>`__ сегодня.", "Смотрите сайт сегодня."),  /* anonymous link: its text */
    RST("`Fedora <https://getfedora.org>`_.", "Fedora."),  /* named link */
    RST("Сегодня `исполнилось 10 лет\n<http://example.org/x>`_.\nДалее",
        "Сегодня исполнилось 10 лет.\nДалее"),                     /* rf-web: target on the next line */
    RST("-  `setenforce\n   1 <https://x.org/?q=%5B1%5D>`__,", "setenforce\n1,"),  /* rf-web: link text broken inside a list item */
    RST("См. `Раздел`_ ниже и `Другой`__.", "См. Раздел ниже и Другой."),  /* phrase references */
    RST("Читайте Fedora_ и RPMFusion__ тоже.", "Читайте Fedora и RPMFusion тоже."),  /* word references lose their underscores */
    RST("Ссылка_, и ещё одна_.", "Ссылка, и ещё одна."),       /* Cyrillic reference names */
    RST("foo_bar, x86_64 и file_name", "foo_bar, x86_64 и file_name"), /* not references */
    RST("метод __init__ класса", "метод __init__ класса"),       /* underscores inside a word */
    RST("`<https://example.org/path>`_", "https://example.org/path"), /* the URL is the text */
    RST("`**ClosedStack.org** <http://x.org/>`__", "ClosedStack.org"), /* rf-web: bold link text */
    RST("Команда ``dnf install *`` ставит.", "Команда dnf install * ставит."),  /* inline literal, '*' inside kept */
    RST("``\\*буквально``", "\\*буквально"),                     /* no escapes in literals */
    RST("**жирный** и *курсив*", "жирный и курсив"),  /* strong and emphasis */
    RST("«**жирный**» и (*курсив*)", "«жирный» и (курсив)"),     /* punctuation around markup */
    RST("**жирный\nтекст**", "жирный\nтекст"),                   /* across lines */
    RST("пользователь **\\_\\_default\\_\\_** и sysadm\\_r", "пользователь __default__ и sysadm_r"),  /* escaped underscores in bold (rf-web) */
    RST("площадь 5 м\\ :sup:`2` и H\\ :sub:`2`\\ O", "площадь 5 м2 и H2O"),  /* rf-web :sup: after an escaped space joins the word */
    RST(":strike:`старое` новое", "старое новое"),  /* rf-web :strike: */
    RST("См. :doc:`Установка <install>` и :ref:`раздел`.", "См. Установка и раздел."),  /* roles with a target and without */
    RST("`текст`:sup: и `интерпретируемый`", "текст и интерпретируемый"),  /* a role after the text; the default role */
    RST("_`Цель` в тексте", "Цель в тексте"),                     /* an inline target */
    RST("Логотип |logo| здесь, |ref|_ тоже.", "Логотип logo здесь, ref тоже."),  /* undefined substitutions give their names */
    RST("|RF| — сообщество.\n\n.. |RF| replace:: Russian Fedora", "Russian Fedora — сообщество."),  /* replace:: text shows where it is referenced */
    RST("|img|\n\n.. |img| image:: /a.png\n   :alt: Схема сети", "Схема сети"),  /* an image substitution shows its :alt: */
    RST("|image1|\n\n.. |image1| image:: https://x/y.png\n   :width: 200px", "image1"),  /* ...or its name, as docutils' alt does */
    RST("Факт [1]_. Ещё [#]_, [#note]_ и [CIT2002]_ тут.", "Факт. Ещё, и тут."),  /* footnote and citation references vanish with their space */
    RST("\\*не курсив\\* и обратный \\\\ слэш", "*не курсив* и обратный \\ слэш"),  /* backslash escapes */
    RST("2 * 3 = 6, 2**10 и a*b", "2 * 3 = 6, 2**10 и a*b"),    /* no markup: kept */
    RST("**незакрытый жирный и `кавычка", "**незакрытый жирный и `кавычка"),  /* unclosed markup stays as typed */
    RST("символ '*' и (*) и \"*\"", "символ '*' и (*) и \"*\""), /* quoted markup characters */
    RST("Сайт https://example.org/a_b_/*x* тут", "Сайт https://example.org/a_b_/*x* тут"),  /* a bare URL is kept whole, '*' and '_' in it too */
    /* ---- reStructuredText: explicit markup ---- */
    RST("Текст.\n\n.. _fedora: https://getfedora.org\n.. __: https://x.org\n\n__ https://y.org\n\nКонец.",
        "Текст.\n\nКонец."),                                     /* targets */
    RST(".. _длинная: https://example.org/\n   продолжение/адреса\n\nТекст", "Текст"),  /* a target's wrapped URL goes with it */
    RST("Текст.\n\n.. это комментарий\n   продолжение\n\n   и после пустой строки\n\nКонец.",
        "Текст.\n\nКонец."),  /* a comment and its indented block */
    /* rf-web: ".." and a blank line is an empty comment; the quote after it stays */
    RST("..\n\n   Цитата после пустого комментария.", "Цитата после пустого комментария."),
    RST("..\n   скрыто\n\nвидно", "видно"),                      /* ".." with a block is a comment */
    RST(".. [1] Примечание к тексту.\n   Вторая строка.", "Примечание к тексту.\nВторая строка."),  /* a footnote keeps its text */
    RST(".. [#note] Сноска.", "Сноска."),  /* an auto-numbered footnote */
    RST(".. image:: /images/a.png\n   :alt: Скриншот GNOME\n   :width: 600px\n   :align: center\n\nТекст",
        "Скриншот GNOME\n\nТекст"),  /* image: only the :alt: */
    RST(".. image:: /images/a.png\n   :target: https://x.org/a.png\n\nТекст", "Текст"),  /* image without :alt: leaves nothing */
    RST(".. figure:: /a.png\n   :alt: Альт\n   :width: 50%\n\n   Подпись к *рисунку*.",
        "Альт\n\nПодпись к рисунку."),  /* figure: :alt: and the caption */
    RST(".. thumbnail:: /a.jpg\n   :alt: Превью", "Превью"),  /* Nikola thumbnail is read like figure */
    RST(".. raw:: html\n\n        <iframe src=\"//coub.com/embed/x?a=1&b=2\" width=\"640\"></iframe>\n\nПосле",
        "После"),  /* rf-web: raw iframes are invisible */
    RST(".. raw:: html\n\n   <p>Привет &amp; пока</p>\n   <p>Второй</p>", "Привет & пока\n\nВторой"),  /* raw HTML is read as HTML */
    RST(".. raw:: html\n\n   <div style=\"text-align:center\">\n\n|GNOME Maps|\n\n.. raw:: html\n\n   </div>",
        "GNOME Maps"),                                           /* rf-web: wrapped in raw divs */
    RST(".. raw:: latex\n\n   \\newpage\n\nТекст", "Текст"),  /* raw for other writers is dropped */
    RST(".. code-block:: python\n   :linenos:\n\n   def f():\n       return 1\n\nПосле",
        "def f():\n    return 1\n\nПосле"),  /* code-block: content dedented, options gone */
    RST(".. code::\n\n    a = 1\n\n    b = 2\n", "a = 1\n\nb = 2"),  /* a blank line inside code */
    RST("        .. code::\n\n                $ slabtop\n                OBJS ACTIVE\n\n        Течёт.",
        "$ slabtop\nOBJS ACTIVE\n\nТечёт."),                      /* rf-web: inside a block quote */
    RST(".. sourcecode:: c\n\n   int *p = **q;", "int *p = **q;"),  /* sourcecode keeps the stars */
    RST(".. highlight:: python\n\nТекст", "Текст"),  /* highlight has no content */
    RST(".. youtube:: PorfLSr3DDI\n   :align: center\n\nТекст", "Текст"),  /* rf-web youtube: dropped with its options */
    RST(".. vimeo:: 235962287\n   :height: 320\n.. gist:: abc\n\nТекст", "Текст"),  /* vimeo and gist dropped */
    RST(".. class:: align-center\n\n**Пользователи празднуют**", "Пользователи празднуют"),  /* rf-web class:: names are not text */
    RST(".. rubric:: Предположения\n   :name: predpolozheniya\n\nТекст", "Предположения\n\nТекст"),  /* rf-web rubric: its title, not :name: */
    RST("Вступление:\n\n        .. rubric:: Заголовок\n           :name: x\n\n        Текст внутри.",
        "Вступление:\n\nЗаголовок\n\nТекст внутри."),            /* rf-web: rubric in a block quote */
    RST(".. note:: Важно помнить.\n\n   Второй абзац заметки.", "Важно помнить.\n\nВторой абзац заметки."),  /* note: argument and content */
    RST(".. admonition:: Совет\n   :class: tip\n\n   Делайте бэкапы.", "Совет\n\nДелайте бэкапы."),  /* admonition: title, :class: dropped */
    RST(".. sidebar:: Врезка\n\n   .. note:: Вложенная\n\n      Текст.", "Врезка\n\nВложенная\n\nТекст."),  /* nested directives */
    RST(".. foo:: аргумент\n   :opt: 1\n\n   Содержимое **директивы**.", "Содержимое директивы."),  /* unknown directive: its content only */
    RST(".. contents:: Оглавление\n   :depth: 2\n\nТекст", "Текст"),  /* contents dropped with its title */
    RST(".. role:: strike\n   :class: strike\n\nТекст :strike:`старый`", "Текст старый"),  /* role definitions are not text */
    RST(".. container:: wide\n\n   Внутри контейнера.", "Внутри контейнера."),  /* container: class names dropped */
    /* ---- reStructuredText: literal blocks ---- */
    RST("Пример::\n\n    $ ls -l\n    total 0\n\nДалее", "Пример:\n\n$ ls -l\ntotal 0\n\nДалее"),  /* literal block, "text::" becomes "text:" */
    RST("Пример ::\n\n    код", "Пример\n\nкод"),  /* " ::" after a space goes */
    RST("::\n\n    код *не* разметка\n", "код *не* разметка"),  /* "::" alone goes, the block stays verbatim */
    RST("-  пункт\n\n   ::\n\n       abc123\n", "пункт\n\nabc123"),          /* rf-web: in a list */
    RST("Код::\n\n    if x:\n        y()\n", "Код:\n\nif x:\n    y()"),      /* relative indent kept */
    RST(">>> 1 + 1\n2\n\nТекст", ">>> 1 + 1\n2\n\nТекст"),                  /* doctest */
    RST(">>> `Загрузить <http://x.org>`__\n>>> `Вики <http://y.org>`__",
        ">>> Загрузить\n>>> Вики"),                                          /* rf-web arrows */
    RST("Текст `ссылки\n\nрваной <http://x.org>`__, и ` <>`__ пусто.",
        "Текст `ссылки\n\nрваной, и пусто."),       /* rf-web: a link broken by a blank line */
    RST("*На фото - `типичный\nразработчик <http://x.org>`__*.", "На фото - типичный\nразработчик."),  /* markup nested in emphasis (rf-web) */
    /* ---- reStructuredText: lists, fields, line blocks, quotes ---- */
    RST("- один\n- два\n- три", "один\n\nдва\n\nтри"),  /* each item its own paragraph */
    RST("* первый\n  продолжение\n+ второй", "первый\nпродолжение\n\nвторой"),  /* other bullets and a continuation line */
    RST("- внешний\n\n  - вложенный\n  - ещё\n\n- снова", "внешний\n\nвложенный\n\nещё\n\nснова"),  /* nested lists */
    RST("   -  `i686 <http://x.org/a.iso>`__\n      - контрольная сумма",
        "i686\n\nконтрольная сумма"),                            /* rf-web: nested without a blank */
    RST("1. раз\n2. два\n\n#. три\n\n(4) четыре\n\n5) пять\n\na. буква\n\nii. два",
        "раз\n\nдва\n\nтри\n\nчетыре\n\nпять\n\nбуква\n\nдва"),  /* enumerators of every form */
    RST("2017. Год был\nтрудным.", "2017. Год был\nтрудным."),   /* a sentence, not a list */
    RST("• пункт", "пункт"),  /* a bullet character */
    RST(":Автор: Иван\n:Дата: 2020", "Автор: Иван\n\nДата: 2020"), /* fields keep their names */
    RST(":sup:`2` означает: квадрат", "2 означает: квадрат"),     /* a role is not a field */
    RST("термин\n    определение термина", "термин\nопределение термина"),  /* definition list */
    RST("-a, --all   показать всё", "-a, --all   показать всё"),  /* option list */
    RST("| первая строка\n| вторая\n|\n| после пустой", "первая строка\nвторая\n\nпосле пустой"),  /* line block: lines kept, "|" alone a blank line */
    RST("| `Оригинал\n  статьи <https://x.org>`__ тут.\n| Дальше", "Оригинал\nстатьи тут.\nДальше"),  /* rf-web: a line block with a wrapped link */
    RST("Абзац.\n\n    Цитата с отступом\n    в две строки.", "Абзац.\n\nЦитата с отступом\nв две строки."),  /* block quote dedented */
    /* ---- reStructuredText: tables ---- */
    RST("+------+-------+\n| Имя  | Роль  |\n+======+=======+\n| Иван | admin |\n+------+-------+",
        "Имя Роль\nИван admin"),                                /* cells of a row on one line */
    RST("+------------+------------+\n| |image0|   | |image1|   |\n+------------+------------+",
        "image0 image1"),                                       /* rf-web: substitutions in cells */
    RST("+------------------+------------+\n| **`Fedora        | -  один    |\n| Main <https://x. | -  два     |\n| org/a>`__:**     |            |\n+------------------+------------+",
        "Fedora\nMain:\n\nодин\n\nдва"),                         /* rf-web: long cells read as text */
    RST("+---+---+\n| Ячейка шире рамки | b |\n+---+---+", "Ячейка шире рамки | b |"), /* malformed: flat, all kept */
    RST("=====  ======\nИмя    Роль\n=====  ======\nИван   admin\n=====  ======\n\nПосле",
        "Имя    Роль\nИван   admin\n\nПосле"),  /* simple table: borders dropped, rows kept */
    /* ---- Markdown: blocks ---- */
    MD("# Заголовок\n\nТекст", "Заголовок\n\nТекст"),  /* ATX heading */
    MD("## Заголовок ##\nТекст", "Заголовок\n\nТекст"),          /* closing #s go */
    MD("#хештег", "#хештег"),                                    /* no space: not a heading */
    MD("Заголовок\n=========\nТекст", "Заголовок\n\nТекст"),  /* setext heading with = */
    MD("Подзаголовок\n---\n\nТекст", "Подзаголовок\n\nТекст"),  /* setext heading with - */
    MD("раз\n\n***\n\nдва\n\n- - -\n\nтри\n\n___", "раз\n\nдва\n\nтри"), /* thematic breaks */
    MD("```bash\necho *привет* <b>\n```\nПосле", "echo *привет* <b>\n\nПосле"),  /* fenced code verbatim, info string dropped */
    MD("~~~\nкод\n\nещё код\n~~~", "код\n\nещё код"),  /* tilde fence with a blank line inside */
    MD("Текст\n\n    код();\n      ещё();\n\nПосле", "Текст\n\nкод();\n  ещё();\n\nПосле"),  /* indented code, relative indent kept */
    MD("Текст\n    продолжение", "Текст\nпродолжение"),          /* indented continuation is not code */
    MD("```\nкод\nбез конца", "код\nбез конца"),                  /* unclosed fence: to the end */
    MD("> Цитата\n> вторая строка\n>\n> > глубже", "Цитата\nвторая строка\n\nглубже"),  /* block quotes, nested */
    MD("- один\n- два\n* три\n+ четыре", "один\n\nдва\n\nтри\n\nчетыре"),  /* bullet markers */
    MD("1. раз\n2) два\n10. десять", "раз\n\nдва\n\nдесять"),  /* ordered markers; a new delimiter starts a new list */
    MD("- [ ] сделать\n- [x] готово", "сделать\n\nготово"),      /* task lists */
    MD("- внешний\n  - вложенный\n\n    продолжение", "внешний\n\nвложенный\n\nпродолжение"),  /* nested items and a continuation paragraph */
    MD("- пункт\n\n  ```\n  код\n  ```", "пункт\n\nкод"),         /* a fence in a list item */
    MD("Текст\n2. не пункт", "Текст\n2. не пункт"),              /* only 1. interrupts a paragraph */
    MD("| Имя | Роль |\n|-----|:----:|\n| Иван | admin |\n\nПосле",
       "Имя Роль\nИван admin\n\nПосле"),  /* table: a row's cells a space apart, alignment row gone */
    MD("Имя | Роль\n-|:-\nИван | `a|b`\n\nПосле", "Имя Роль\nИван a|b\n\nПосле"),  /* GitHub's one-dash delimiters; a '|' in code stays */
    MD("Таблица:\n| a | b |\n| - | - |\n| 1 | 2 |", "Таблица:\n\na b\n1 2"),  /* a table right under a paragraph's line */
    MD("| a | b |\n|---|---|\n| x<br>y | ![икона](i.png) |", "a b\nx\ny икона"),  /* <br> and an image in cells */
    MD("a | b без таблицы", "a | b без таблицы"),  /* a pipe without a delimiter row is text */
    MD("Факт[^1] тут.\n\n[^1]: Источник.", "Факт тут.\n\nИсточник."),  /* footnote reference goes, definition text stays */
    MD("Раз[^a], два[^b].\n\n[^a]: https://x.org/a\n[^b]: Книга, с. 5", "Раз, два.\n\nhttps://x.org/a\n\nКнига, с. 5"),  /* definitions that would be link definitions */
    MD("`[^1]` и\n\n    [^1]: код", "[^1] и\n\n[^1]: код"),  /* footnote syntax in code stays */
    MD("[a]:\n  https://x.org/a\n\n- [a]: [два слова](https://y.org)", "a: два слова"),  /* a definition whose URL is on the next line; an item that only starts like one */
    MD("[ref]: https://x.org \"T\"\n\nТекст", "Текст"),          /* a reference definition goes */
    MD("<!--\n.. title: x\n-->\n\nТекст", "Текст"),              /* Nikola header comment */
    MD("<div class=\"note\">\n<p>Внутри</p>\n</div>\n\nСнаружи", "Внутри\n\nСнаружи"),  /* an HTML block is read as HTML */
    MD("<script>\nalert('<p>x</p>')\n</script>\n\nТекст", "Текст"),  /* a script block is invisible */
    MD("<img src=\"a.png\" alt=\"Схема\">", "Схема"),  /* a lone <img> gives its alt */
    /* ---- Markdown: inline ---- */
    MD("*курсив*, _курсив_, **жирный**, __жирный__, ~~зачёркнутый~~",
       "курсив, курсив, жирный, жирный, зачёркнутый"),  /* every emphasis kind */
    MD("snake_case_name и x_y", "snake_case_name и x_y"),       /* intraword _ is no emphasis */
    MD("2 * 3 * 4 и около ~5 минут", "2 * 3 * 4 и около ~5 минут"),  /* spaced stars and a lone tilde are text */
    MD("~одна~ и ~~две~~", "одна и две"),  /* GitHub strikes with one tilde or two */
    MD("**жирный *и курсив* вместе** и ***оба***", "жирный и курсив вместе и оба"),  /* nested emphasis and both at once */
    MD("foo*bar*baz", "foobarbaz"),  /* stars may emphasise inside a word */
    MD("Команда `ls *.txt` и ``код с ` внутри``", "Команда ls *.txt и код с ` внутри"),  /* code spans, with a backtick inside */
    MD("один ` без пары", "один ` без пары"),  /* an unmatched backtick is text */
    MD("[Fedora](https://getfedora.org \"Сайт\") — дистрибутив", "Fedora — дистрибутив"),  /* inline link with a title */
    MD("[Вики](https://ru.wikipedia.org/wiki/Linux_(ядро)) тут", "Вики тут"),  /* balanced parentheses in a URL */
    MD("[*курсив* ссылка](<u r l>) и **[жирная](http://y.org)**", "курсив ссылка и жирная"),  /* emphasis in link text, <dest> with spaces */
    MD("Текст\n![Схема сети](/img/net.png)\nЕщё", "Текст\n\nСхема сети\n\nЕщё"),  /* an image alone on its line is a paragraph */
    MD("Иконка ![ок](ok.png) рядом", "Иконка ок рядом"),  /* an inline image is a word */
    MD("[Текст][ref] и [ref][] и [Ref].\n\n[ref]: https://x.org", "Текст и ref и Ref."),  /* full, collapsed and shortcut references */
    MD("[не ссылка] и [1]", "[не ссылка] и [1]"),                /* undefined: text as written */
    MD("<https://example.org> и <user@example.org>", "https://example.org и user@example.org"),  /* autolinks give their address */
    MD("\\*не курсив\\* и \\_тоже\\_ и \\q", "*не курсив* и _тоже_ и \\q"),  /* escapes; a backslash before a letter stays */
    MD("строка  \nследующая\\\nтретья", "строка\nследующая\nтретья"), /* hard breaks */
    MD("до <!-- скрыто\nи тут --> после", "до  после"),  /* an inline comment across lines */
    MD("Это <b>жирный</b> и <span class=\"x\">текст</span>", "Это жирный и текст"),  /* inline tags go, their text stays */
    MD("AT&amp;T &copy; 2020 и &nosuch;", "AT&T © 2020 и &nosuch;"),  /* entities decoded, unknown ones kept */
    MD("a < b и c > d", "a < b и c > d"),  /* angle brackets that are no tags */
    MD("Текст <https://ru.wikipedia.org/wiki/Ядро_Linux>", "Текст https://ru.wikipedia.org/wiki/Ядро_Linux"),  /* an autolink with Cyrillic and '_' */
    MD("<https://x.org/a>\n\nТекст", "https://x.org/a\n\nТекст"),  /* an autolink alone is no HTML block */
    MD("Сайт https://x.org/a_b_c и www.y.org", "Сайт https://x.org/a_b_c и www.y.org"),  /* bare addresses stay as written */
    MD("[ссылка](https://x.org/)_курсив_ и ![](a.png)*ещё*", "ссылкакурсив и ещё"),  /* emphasis right after a link or an image */
    MD("Текст\n[![Схема](a.png)](b.png)\nЕщё", "Текст\n\nСхема\n\nЕщё"),  /* a linked image alone on its line is a paragraph */
    MD("до <script>alert(1)</script> после <style>p{}</style>!", "до  после !"),  /* inline script and style are invisible */
    MD("до <script>без конца", "до без конца"),  /* ...unless never closed */
    MD("Текст <img src=\"a.png\" alt=\"A &amp; B\"> тут", "Текст  A & B  тут"),  /* an inline <img> gives its alt */
    /* ---- Markdown: kramdown and Pandoc attribute lists ---- */
    MD("## Заголовок {#id}\n\nТекст", "Заголовок\n\nТекст"),  /* after a heading */
    MD("# Заголовок `код` {#id .class}\nЗаголовок два {: #x}\n---", "Заголовок код\n\nЗаголовок два"),  /* after code; kramdown's form; setext */
    MD("Абзац\n{: .note}\n\n{:toc}\n\nЕщё", "Абзац\n\nЕщё"),  /* on their own lines */
    MD("![Схема](a.png){: .center width=\"50%\"}\nТекст", "Схема\n\nТекст"),  /* after an image */
    MD("*курсив*{.red} и [ссылка](u){:target=\"_blank\"} и `код`{.rust}", "курсив и ссылка и код"),  /* after inline spans */
    MD("формат {:?} и {.0} и {x} и *a*{:?} и {#id}", "формат {:?} и {.0} и {x} и a{:?} и {#id}"),  /* not lists: Rust format strings, braces in text */
    MD("```\n## код {#id}\n{: .x}\n```", "## код {#id}\n{: .x}"),  /* code keeps them */
    /* ---- HTML ---- */
    HTML("<p>Привет</p><p>Мир</p>", "Привет\n\nМир"),  /* paragraphs */
    HTML("<script>var a = '<p>x</p>';</script>Текст", "Текст"),  /* script content is invisible */
    HTML("<style>p{color:red}</style><p>Текст</p>", "Текст"),  /* style content is invisible */
    HTML("<img src=\"a.png\" alt=\"Схема сети\">", "Схема сети"),  /* img alt is text */
    HTML("до<img alt='икона'>после", "до икона после"),  /* an inline alt is a word of its own */
    HTML("<img alt=\"A &amp; B\" src=x>", "A & B"),  /* entities inside alt */
    HTML("&amp; &lt; &gt; &quot; &apos; &#39; &mdash; &ndash; &laquo;x&raquo; &hellip; &copy;",
         "& < > \" ' ' \u2014 \u2013 \u00ABx\u00BB \u2026 \u00A9"),  /* named entities */
    HTML("&#1055;&#x440;&#X438;", "При"),  /* decimal and hex references */
    HTML("&#xD800; &#0; &#x110000; &#99999999999;", "\uFFFD \uFFFD \uFFFD \uFFFD"),  /* references to no character give U+FFFD */
    HTML("&foo; &amp без точки с запятой &#12", "&foo; &amp без точки с запятой &#12"),  /* without ';' it is no entity */
    HTML("a&nbsp;b", "a\u00A0b"),  /* &nbsp; is U+00A0 */
    HTML("a < b, c<d", "a < b, c<d"),  /* a '<' that starts no tag is text */
    HTML("<a title=\"x > y\" href=\"#\">ссылка</a>", "ссылка"),  /* a '>' inside a quoted attribute */
    HTML("<p>один<p>два", "один\n\nдва"),  /* unclosed paragraphs */
    HTML("раз<br>два<br/>три", "раз\nдва\nтри"),  /* line breaks */
    HTML("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "a b\nc d"),  /* cells become spaces, rows lines */
    HTML("<ul><li>один</li><li>два</li></ul>", "один\n\nдва"),  /* list items are paragraphs */
    HTML("<html><head><title>Заголовок</title><meta charset=utf-8></head><body><h1>Привет</h1></body></html>",
         "Привет"),  /* the head is invisible, title included */
    HTML("<head><title>x</title><body>тело", "тело"),           /* head closed by body */
    HTML("до<!-- x -->после и a<!--\nb\n-->c", "допосле и ac"),  /* comments */
    HTML("<p>  много\n   пробелов  </p>", "много пробелов"),  /* whitespace collapses */
    HTML("<pre>\nif x:\n    y()\n</pre>", "if x:\n    y()"),  /* pre keeps its lines and indentation */
    HTML("<svg><text>x</text></svg><noscript>js</noscript><template>t</template>ok", "ok"),  /* svg, noscript and template are invisible */
    HTML("Текст<script>alert(1)", "Текст"),                      /* unclosed script */
    HTML("a<!-- b", "a"),                                        /* unclosed comment */
    HTML("<b>жир</b><i>ный</i>", "жирный"),                     /* inline tags join */
    HTML("<div>один</div>\n\n\n<div>два</div>", "один\n\nдва"),  /* blank lines between blocks collapse */
    HTML("<P>Раз</P><SCRIPT>x</SCRIPT>", "Раз"),  /* tag names in any case */
    HTML("<iframe src=\"x\">запасной</iframe><p>видно</p>", "видно"),  /* iframe fallback text is invisible */
    HTML("<!DOCTYPE html><p>x</p>", "x"),  /* a doctype goes */
    HTML("<a href=\"x\"", "<a href=\"x\""),                      /* a broken tag stays text */
    /* ---- plain text ---- */
    TXT("строка\n\n\n\nещё", "строка\n\nещё"),  /* runs of blank lines collapse */
    TXT("  отступ\nстрока  ", "  отступ\nстрока"),  /* indentation stays, trailing spaces go */
    TXT("", ""),  /* empty input */
    TXT("\n \n\t\n", ""),  /* blank lines only */
    TXT("*не разметка* <b>", "*не разметка* <b>"),  /* markup characters are text */
#undef RST
#undef MD
#undef HTML
#undef TXT
};

/* ---- output checks ------------------------------------------------------ */

static int valid_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned char b = p[i];
        size_t len = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        uint32_t cp = len == 1 ? b : len == 2 ? b & 0x1Fu : len == 3 ? b & 0x0Fu : b & 0x07u;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* The output format: valid UTF-8, no blank line at either end, no run of
 * blank lines, no space at a line's end. Returns a reason, or NULL. */
static const char *format_problem(const char *s, size_t n)
{
    if (!valid_utf8(s, n))
        return "invalid UTF-8";
    if (n && (s[0] == '\n' || s[n - 1] == '\n'))
        return "blank line at an end";
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' && i + 2 < n && s[i + 1] == '\n' && s[i + 2] == '\n')
            return "two blank lines";
        if ((s[i] == ' ' || s[i] == '\t') && (i + 1 == n || s[i + 1] == '\n'))
            return "space at a line's end";
    }
    return NULL;
}

/* Converts a copy of in that ends exactly at len, with no NUL after it, so
 * AddressSanitizer sees any read past len. */
static int convert(markup_kind kind, const char *in, size_t len, txt_buf *out)
{
    char *copy = malloc(len ? len : 1);
    if (!copy)
        abort();
    if (len)
        memcpy(copy, in, len);
    int rc = markup_to_text(kind, copy, len, out);
    free(copy);
    return rc;
}

static const char *kind_name(markup_kind k)
{
    return k == MARKUP_RST ? "rst" : k == MARKUP_MD ? "md" : k == MARKUP_HTML ? "html"
         : k == MARKUP_ORG ? "org" : "text";
}

static void test_rows(void)
{
    txt_buf out = { 0 };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        buf_reset(&out);
        int rc = convert(rows[i].kind, rows[i].in, rows[i].len, &out);
        const char *got = out.p ? out.p : "";
        CHECK_AT(__FILE__, rows[i].line, rc == 0 && strcmp(got, rows[i].want) == 0,
                 "%s row %zu: rc %d\n  in:   \"%s\"\n  got:  \"%s\"\n  want: \"%s\"",
                 kind_name(rows[i].kind), i, rc, rows[i].in, got, rows[i].want);
        const char *why = format_problem(got, out.len);
        CHECK_AT(__FILE__, rows[i].line, why == NULL, "%s row %zu: %s", kind_name(rows[i].kind), i,
                 why ? why : "");
    }
    buf_free(&out);
}

/* Output is appended; a buffer that has already failed stays failed. */
static void test_buffer(void)
{
    txt_buf out = { 0 };
    buf_puts(&out, "до|");
    CHECK(markup_to_text(MARKUP_MD, IN("**текст**"), &out) == 0 && strcmp(out.p, "до|текст") == 0,
          "appends after what is there: \"%s\"", out.p);
    CHECK(markup_to_text(MARKUP_RST, IN("\n\n"), &out) == 0 && strcmp(out.p, "до|текст") == 0,
          "an empty body adds nothing: \"%s\"", out.p);
    buf_free(&out);
    buf_puts(&out, "x  ");
    CHECK(markup_to_text(MARKUP_TEXT, IN("y"), &out) == 0 && strcmp(out.p, "x  y") == 0,
          "never trims what the caller wrote: \"%s\"", out.p);
    buf_free(&out);
    out.err = 1;
    CHECK(markup_to_text(MARKUP_RST, IN("текст"), &out) == -1, "a failed buffer gives -1");
    out.err = 0;
    buf_free(&out);
    CHECK(markup_to_text(MARKUP_HTML, NULL, 0, &out) == 0 && out.len == 0, "NULL with length 0");
    buf_free(&out);
}

/* ---- the rf-web corpus -------------------------------------------------- */

/* A real post's text: converted (rc 0), in the output format, with none of
 * leftovers (a NULL-ended list of markup that must not be left). */
static void check_post_text(const char *path, int rc, const txt_buf *out,
                            const char *const *leftovers)
{
    const char *got = out->p ? out->p : "";
    const char *why = format_problem(got, out->len);
    const char *left = NULL;
    for (; *leftovers; leftovers++)
        if (strstr(got, *leftovers))
            left = *leftovers;
    CHECK(rc == 0, "%s: rc %d", path, rc);
    CHECK(why == NULL, "%s: %s", path, why ? why : "");
    CHECK(left == NULL, "%s: \"%s\" left in the text", path, left ? left : "");
}

/* Does the body have a line a reader would see, one that is not a
 * directive (".. youtube:: id") or its option (":align: center")? */
static int has_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (i < n && s[i] != '\n' && s[i] != '.' && s[i] != ':')
            return 1;
        while (i < n && s[i] != '\n')
            i++;
        i++;
    }
    return 0;
}

static void test_corpus_dir(const char *dir, size_t *files, size_t *bytes)
{
    char path[4096];
    DIR *d = opendir(dir);
    if (!d)
        return;
    txt_buf out = { 0 };
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t nl = strlen(e->d_name);
        if (nl < 5 || strcmp(e->d_name + nl - 4, ".rst") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len;
        char *text = test_read_file(path, &len);
        if (!text)
            continue;
        /* the body starts after the ".. key: value" header and a blank line */
        size_t body = 0;
        for (size_t i = 0; i + 1 < len; i++)
            if (text[i] == '\n' && text[i + 1] == '\n') {
                body = i + 2;
                break;
            }
        if (!body)
            body = len;
        buf_reset(&out);
        int rc = convert(MARKUP_RST, text + body, len - body, &out);
        static const char *const leftovers[] = { "<http", "`__", ".. image::", ".. raw::", ":alt:",
                                                  NULL };
        check_post_text(path, rc, &out, leftovers);
        CHECK(!has_text(text + body, len - body) || out.len > 0, "%s: a body but no text", path);
        (*files)++;
        *bytes += len;
        free(text);
    }
    buf_free(&out);
    closedir(d);
}

static void test_corpus(void)
{
    DIR *d = opendir(CORPUS);
    if (!d) {
        printf("test_markup: %s not found, corpus test skipped\n", CORPUS);
        return;
    }
    closedir(d);
    size_t files = 0, bytes = 0;
    test_corpus_dir(CORPUS "/content", &files, &bytes);
    test_corpus_dir(CORPUS "/posts", &files, &bytes);
    test_corpus_dir(CORPUS "/stories", &files, &bytes);
    CHECK(files >= 1355, "only %zu rf-web posts read", files);
}

/* ---- the real blogs' Markdown posts -------------------------------------- */

static size_t blog_posts;

static int ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), k = strlen(end);
    return n >= k && strcmp(s + n - k, end) == 0;
}

/* Each Markdown post through post_parse, as the indexer reads it: valid
 * output, and no heading id or footnote mark left (the corpora have none in
 * code either). */
static int visit_blog_post(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type != FTW_F || !(ends_with(path, ".md") || ends_with(path, ".markdown")))
        return 0;
    size_t len;
    char *data = test_read_file(path, &len);
    CHECK(data != NULL, "%s: cannot read", path);
    if (!data)
        return 0;
    post p;
    post_init(&p);
    post_opts o = { 0, NULL, NULL, NULL };
    int rc = post_parse(&p, path, data, len, NULL, 0, &o);
    static const char *const leftovers[] = { "{#", "[^", "\n{:", NULL };
    check_post_text(path, rc, &p.body, leftovers);
    blog_posts++;
    post_free(&p);
    free(data);
    return 0;
}

static void test_blogs(const char *dir)
{
    struct stat st;
    if (!dir || stat(dir, &st) != 0) {
        printf("test_markup: %s not found, blogs test skipped\n", dir ? dir : "(no directory)");
        return;
    }
    CHECK(nftw(dir, visit_blog_post, 16, FTW_PHYS) == 0, "%s: cannot walk", dir);
    CHECK(blog_posts >= 950, "only %zu Markdown posts read under %s", blog_posts, dir);
}

/* ---- adversarial inputs ------------------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_repeat(sbuf *b, const char *s, size_t times)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < times; i++)
        sb_add(b, s, n);
}

/* Runs every kind over the input: no crash (the sanitizers watch), a valid
 * output, and well under the time a quadratic pass over a megabyte needs. */
static void run_all_kinds(const char *name, const char *in, size_t len)
{
    static const markup_kind kinds[] = { MARKUP_RST, MARKUP_MD, MARKUP_HTML, MARKUP_TEXT,
                                         MARKUP_ORG };
    txt_buf out = { 0 };
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        buf_reset(&out);
        clock_t t0 = clock();
        int rc = convert(kinds[k], in, len, &out);
        double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
        const char *why = format_problem(out.p ? out.p : "", out.len);
        CHECK(rc == 0, "%s as %s: rc %d", name, kind_name(kinds[k]), rc);
        CHECK(why == NULL, "%s as %s: %s", name, kind_name(kinds[k]), why ? why : "");
        CHECK(secs < 10.0, "%s as %s: %.1f s, not linear", name, kind_name(kinds[k]), secs);
    }
    buf_free(&out);
}

static void test_adversarial(void)
{
    static const struct {
        const char *name, *unit, *head;
        size_t times;
    } big[] = {
        { "1 MB of *", "*", "", 1 << 20 },
        { "1 MB of * with a word", "*", "x", 1 << 20 },
        { "100000 nested >", ">", "", 100000 },
        { "100000 nested > with text", "> ", "", 100000 },
        { "1 MB line of words", "слово **ж _к `к [с](у) ", "", 40000 },
        { "unclosed fence", "код\n", "```\n", 200000 },
        { "unclosed script", "<p>x</p>\n", "<script>", 100000 },
        { "unclosed comments", "<!-- ", "", 200000 },
        { "unclosed quotes in tags", "<a x=\"", "", 200000 },
        { "tags without end", "<a b c ", "", 150000 },
        { "link tails", "[a](", "", 250000 },
        { "long link destinations", "[a](((((((((((((((((((((((((((((", "", 30000 },
        { "images", "![", "", 300000 },
        { "brackets", "[", "", 1 << 20 },
        { "org link openers", "[[", "", 1 << 19 },
        { "org links without ends", "[[a][b] ", "", 150000 },
        { "closing brackets", "]", "", 1 << 20 },
        { "backticks of many lengths", "` `` ``` ```` ````` ", "", 50000 },
        { "emphasis openers", "*a _b ", "", 150000 },
        { "emphasis closers", "a* b_ ", "", 150000 },
        { "mixed delimiters", "*_*_~~", "", 150000 },
        { "rst roles", ":a:`", "", 250000 },
        { "rst references", "`a <", "", 250000 },
        { "rst substitutions", "|a ", "", 300000 },
        { "rst words with _", "a_b_ ", "", 200000 },
        { "rst footnotes", "[1]_", "", 250000 },
        { "rst escapes", "\\", "", 1 << 20 },
        { "nested directives", ".. note::\n\n", "", 100000 },
        { "comment starts", "..\n", "", 300000 },
        { "indent staircase", "  - x\n", "", 100000 },
        { "list markers on one line", "- ", "", 300000 },
        { "numbered items", "1. ", "", 300000 },
        { "grid table rows", "| a | b |\n", "+---+---+\n", 100000 },
        { "simple table rows", "a  b\n", "===  ===\n", 100000 },
        { "html table", "<tr><td>x", "<table>", 100000 },
        { "entities", "&#x1F600;&amp&#;", "", 100000 },
        { "lines of :", "::\n", "", 300000 },
        { "blank lines", "\n", "", 1 << 20 },
        /* template syntax (templates.c) */
        { "unclosed shortcodes", "{{< a ", "", 200000 },
        { "unclosed % shortcodes", "{{% a \"", "", 200000 },
        { "shortcodes", "{{< a >}}", "", 150000 },
        { "unclosed outputs", "{{ a ", "", 250000 },
        { "unclosed liquid tags", "{% a ", "", 250000 },
        { "unclosed raw", "{% raw %}", "", 150000 },
        { "unclosed nikola raw", "{{% raw %}}", "", 120000 },
        { "unclosed liquid comments", "{% comment %}x", "", 100000 },
        { "unclosed highlights", "{% highlight c %}x\n", "", 80000 },
        { "raws in one highlight", "{% raw %}", "{% highlight c %}", 150000 },
        { "one long output", "a", "{{ ", 1 << 20 },
        { "braces", "{", "", 1 << 20 },
        { "brace pairs", "{{", "", 1 << 19 },
        { "percent braces", "{%", "", 1 << 19 },
        { "closing braces", "}}%}>}}", "", 150000 },
        { "words between outputs", "а{{ x }}б", "", 100000 },
        { "captions", "{{< f \"слово слово\" >}}\n", "", 50000 },
        { "outputs in code spans", "` `` ``` {{ x }} ```` ````` ", "", 50000 },
        { "outputs in fences", "```\n{{ x }}\n", "", 100000 },
        { "outputs in indented lines", "    {{ x }}\n", "\n", 100000 },
        { "outputs in literal blocks", "a::\n\n  {{ x }}\n", "", 80000 },
        { "outputs in pre without end", "<pre>{{ x }}", "", 80000 },
        { "outputs in inline literals", "``{{ x }}", "", 100000 },
    };
    for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
        sbuf b = { 0 };
        sb_add(&b, big[i].head, strlen(big[i].head));
        sb_repeat(&b, big[i].unit, big[i].times);
        run_all_kinds(big[i].name, b.p, b.len);
        free(b.p);
    }
    /* deep indentation, a space more each line */
    sbuf b = { 0 };
    for (size_t i = 0; i < 3000; i++) {
        for (size_t k = 0; k < i; k++)
            sb_add(&b, " ", 1);
        sb_add(&b, i % 2 ? ".. note:: x\n" : "- y::\n", i % 2 ? 12 : 6);
    }
    run_all_kinds("indentation staircase", b.p, b.len);
    free(b.p);

    /* random mixes of markup characters and Cyrillic, fixed seed */
    static const char *const bits[] = {
        "*", "**", "_", "__", "`", "``", "```\n", "~~", "[", "]", "(", ")", "<", ">", "!",
        "|", ":", "::", "\\", "&", "&amp;", "&#", ";", "#", "=", "-", "+", ".. ", "\n",
        "\n\n", "    ", " ", "\t", "x", "слово", "ё", "<p>", "</p>", "<script>", "<!--",
        "-->", "\"", "'", ":sup:", "_`", "`_", "`__", "http://x.y/", "1. ", "- ", "> ",
        ".. image:: x\n   :alt: y\n", ".. raw:: html\n\n   ", "+--+\n", "===  ===\n",
        "\xC2\xA0", "\xF0\x9F\x98\x80", "{{", "}}", "{%", "%}", "{{<", ">}}", "{{%", "%}}", "/*",
        "*/", "{% raw %}", "{% endraw %}", "{% highlight c %}", "{% endhighlight %}",
        "{{% raw %}}", "{{% /raw %}}", "{% comment %}", "{% endcomment %}", "name(",
        "caption=\"Подпись\"", "{{ x }}", "{% end %}",
    };
    uint32_t seed = 12345;
    for (int round = 0; round < 3000; round++) {
        sbuf r = { 0 };
        int parts = 1 + (int)(seed % 60);
        for (int p = 0; p < parts; p++) {
            seed = seed * 1103515245u + 12345u;
            const char *bit = bits[(seed >> 8) % (sizeof bits / sizeof bits[0])];
            sb_add(&r, bit, strlen(bit));
        }
        char name[32];
        snprintf(name, sizeof name, "random mix %d", round);
        run_all_kinds(name, r.p ? r.p : "", r.len);
        free(r.p);
    }
}

/* argv[1]: the real blogs' directory (../shared/corpus/blogs beside the
 * checkout), skipped when it is not there. */
int main(int argc, char **argv)
{
    test_rows();
    test_buffer();
    test_corpus();
    test_blogs(argc > 1 ? argv[1] : NULL);
    test_adversarial();
    return test_report("test_markup");
}
