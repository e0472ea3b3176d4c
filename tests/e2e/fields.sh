#!/usr/bin/env bash
# End-to-end tests of a post's fields as real headers write them, through the
# real binaries: several categories a post (a YAML block list, a flow list, a
# comma list), each post's own calendar day (a date in +04:00 is shown and
# filtered by its day there, not by its day in UTC; newest first stays by the
# instant), the date forms of Pelican and Nikola, named time zones
# (--timezone Europe/Moscow, remembered by the index), blogsearch.cgi's JSON
# and HTML; and, when ../shared is there, the real blogs that write them.
# Usage: fields.sh BLOGSEARCH BLOGSEARCH_INDEX BLOGSEARCH_CGI SOURCE_DIR
. "$(dirname "$0")/lib.sh" fields
BS=$(realpath "$1")
BI=$(realpath "$2")
CGI=$(realpath "$3")
SRC=$(realpath "$4")
BLOGS=${BLOGS:-$SRC/../shared/corpus/blogs}
export BLOGSEARCH_INDEX=$T/ix
ZONES=${TZDIR:-/usr/share/zoneinfo}

# q ARGS... : the JSON results of a search, in $T/r.json
q() { "$BS" --json -n 100 "$@" >"$T/r.json" 2>"$T/err"; }
# py EXPR : a Python expression over r (the JSON) that must be true
py() { python3 -c "import json,sys; r=json.load(open('$T/r.json')); sys.exit(0 if ($1) else 1)"; }
# titles: the titles of the results, in order, one a line
titles() { python3 -c "import json; [print(x['title']) for x in json.load(open('$T/r.json'))['results']]"; }
# dumped PATH_END EXPR : the --dump record of the post whose path ends so satisfies EXPR (d)
dumped() {
  python3 - "$T/dump" "$1" "$2" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
d = [x for x in rows if x['path'].endswith(sys.argv[2])]
sys.exit(0 if len(d) == 1 and eval(sys.argv[3], {'d': d[0]}) else 1)
EOF
}

mkdir -p "$T/blog"
# Jekyll: categories as a block list; +0400: the post's own day is the 17th, in UTC the 16th
cat >"$T/blog/2009-10-17-fedora.md" <<'EOF'
---
title: Fedora 12 alpha
author: Иван Петров
date: 2009-10-17T02:17:51+0400
categories:
- Fedora
- redhat
- Линукс
tags: [beta]
---
Тестирование альфа-версии.
EOF
# Hugo: a flow list; 23:00 UTC on the 16th: later than the post above, a day before it by day
cat >"$T/blog/hugo.md" <<'EOF'
---
title: "Ночная заметка"
authors: [Anna K, Иван Петров]
date: 2009-10-16T23:00:00Z
categories: [Заметки, FEDORA]
---
Тестирование ночью.
EOF
# Pelican: the day first with dots, no zone: in --timezone's
cat >"$T/blog/pelican.md" <<'EOF'
Title: Пеликан
Date: 27.10.2024 21:12
Category: Заметки

Тестирование пеликана.
EOF
# Nikola: the month first, a 12-hour clock, a stated zone; categories as a comma list
cat >"$T/blog/nikola.rst" <<'EOF'
.. title: Nikola
.. date: 05/05/2014 03:00:00 PM UTC
.. category: Новости, Linux

Тестирование Николы.
EOF
# no zone, in Moscow: +04:00 from March 2011 to October 2014, +03:00 since
printf '.. title: Moscow 2013\n.. date: 2014-01-01 01:30:00\n\nТестирование зимы.\n' >"$T/blog/moscow-2014.rst"
printf '.. title: Moscow 2015\n.. date: 2015-01-01 01:30:00\n\nТестирование зимы.\n' >"$T/blog/moscow-2015.rst"

moscow=1
[ -f "$ZONES/Europe/Moscow" ] || { moscow=0; echo "skip: no Europe/Moscow in $ZONES: the named zone's checks"; }
if [ "$moscow" = 1 ]; then zone=Europe/Moscow; else zone=+03:00; fi
"$BI" -q --timezone "$zone" "$T/blog"
check "index: exit 0" test $? -eq 0
"$BI" --dump >"$T/dump"
check "--check: consistent" "$BI" --check -q

# ---- dates: in each post's own offset ----------------------------------------------------
check "a stated +0400 is kept: the post's own wall clock" dumped 2009-10-17-fedora.md \
  "d['date'] == '2009-10-17T02:17:51+04:00' and d['utc_offset'] == 240"
check "Z stays UTC" dumped hugo.md "d['date'] == '2009-10-16T23:00:00Z' and d['utc_offset'] == 0"
check "Pelican's 27.10.2024 21:12 is October 27, in the zone" dumped pelican.md \
  "d['date'] == '2024-10-27T21:12:00+03:00'"
check "Nikola's 05/05/2014 03:00:00 PM UTC is May 5, 15:00" dumped nikola.rst \
  "d['date'] == '2014-05-05T15:00:00Z'"
if [ "$moscow" = 1 ]; then
  check "Europe/Moscow: +04:00 on 2014-01-01" dumped moscow-2014.rst "d['date'] == '2014-01-01T01:30:00+04:00'"
  check "Europe/Moscow: +03:00 on 2015-01-01" dumped moscow-2015.rst "d['date'] == '2015-01-01T01:30:00+03:00'"
fi

# ---- categories: every one kept, found, counted ------------------------------------------
check "a block list: every category, in order" dumped 2009-10-17-fedora.md \
  "d['categories'] == ['Fedora', 'redhat', 'Линукс'] and d['category'] == 'Fedora'"
check "a flow list" dumped hugo.md "d['categories'] == ['Заметки', 'FEDORA']"
check "a comma list" dumped nikola.rst "d['categories'] == ['Новости', 'Linux']"
q "category:redhat"
check "category: the second of a post's finds it" py "[x['title'] for x in r['results']] == ['Fedora 12 alpha']"
q --category Линукс
check "--category: the third of a post's finds it" py "r['total'] == 1 and r['results'][0]['categories'][2] == 'Линукс'"
q "category:fedora"
check "category: any spelling, of any of a post's" py "sorted(x['title'] for x in r['results']) == ['Fedora 12 alpha', 'Ночная заметка']"
q "category:Заметки тестирование"
check "category: with words" py "r['total'] == 2"
q "category:nosuch тестирование"
check "category: no post of it" py "r['total'] == 0"
"$BI" --tags --json >"$T/tags.json"
check "--tags counts every category of every post" python3 - "$T/tags.json" <<'EOF'
import json, sys
got = {x['value']: x['posts'] for x in json.load(open(sys.argv[1])) if x['kind'] == 'category'}
want = {'fedora': 2, 'redhat': 1, 'линукс': 1, 'заметки': 2, 'новости': 1, 'linux': 1}
sys.exit(0 if got == want else print(got) or 1)
EOF

# ---- since and until: each post's own day -------------------------------------------------
q "since:2009-10-17 until:2009-10-17 тестирование"
check "its own day finds the +04:00 post (in UTC the 16th)" py "[x['title'] for x in r['results']] == ['Fedora 12 alpha']"
q "since:2009-10-16 until:2009-10-16 тестирование"
check "the day before finds only the post of the 16th" py "[x['title'] for x in r['results']] == ['Ночная заметка']"
q --until 2009-10-16 тестирование
check "--until the 16th leaves the post of the 17th out" py "[x['title'] for x in r['results']] == ['Ночная заметка']"
if [ "$moscow" = 1 ]; then
  q --since 2014-01-01 --until 2014-01-01 тестирование
  check "Moscow: 01:30 on January 1 is that day (21:30 UTC the day before)" py "[x['title'] for x in r['results']] == ['Moscow 2013']"
  q "since:2013-12-31 until:2013-12-31"
  check "Moscow: and not December 31" py "r['total'] == 0"
fi
q "since:2009-10 until:2009-10 тестирование"
check "a month holds both" py "r['total'] == 2"

# ---- newest first: by the instant, not by the day -----------------------------------------
q --sort date тестирование
titles >"$T/order"
check "newest first by the instant: 23:00Z before 22:17:51Z, whatever their days" \
  test "$(tail -n 2 "$T/order" | tr '\n' '|')" = "Ночная заметка|Fedora 12 alpha|"
check "newest first: the newest at the top" test "$(head -n 1 "$T/order")" = "Пеликан"

# ---- the text output ----------------------------------------------------------------------
"$BS" --color=never "category:redhat" >"$T/text"
check "text: the post's own day and its categories" has "$T/text" "1. Fedora 12 alpha  (2009-10-17)  Fedora, redhat, Линукс  [beta]"

# ---- blogsearch.cgi -------------------------------------------------------------------------
cgi() { REQUEST_METHOD=GET QUERY_STRING="$1" "$CGI" | tr -d '\r' | sed '1,/^$/d' >"$T/r.json"; }
cgi "category=redhat&format=json"
check "cgi: category= matches the second of a post's" py "r['total'] == 1 and r['results'][0]['categories'] == ['Fedora', 'redhat', 'Линукс']"
cgi "since=2009-10-17&until=2009-10-17&format=json"
check "cgi: since= and until= are the post's own day" py "[x['date'] for x in r['results']] == ['2009-10-17T02:17:51+04:00']"
cgi "since=2009-10-17&until=2009-10-17"
check "cgi: HTML: the post's own day" has "$T/r.json" '<time datetime="2009-10-17T02:17:51+04:00">17 октября 2009</time>'
check "cgi: HTML: each category a link that narrows to it, keeping the rest" has "$T/r.json" \
  '<a class="bs-category" href="?category=redhat&amp;since=2009-10-17&amp;until=2009-10-17" title="Только рубрика «redhat»">redhat</a>'
check "cgi: HTML: the author a link that narrows to them" has "$T/r.json" \
  '<a class="bs-author" href="?author=%D0%98%D0%B2%D0%B0%D0%BD+%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2&amp;since=2009-10-17&amp;until=2009-10-17"'

# ---- authors: shown, and a filter -----------------------------------------------------------
check "the author as written" dumped 2009-10-17-fedora.md "d['author'] == 'Иван Петров'"
cgi "q=%D1%82%D0%B5%D1%81%D1%82%D0%B8%D1%80%D0%BE%D0%B2%D0%B0%D0%BD%D0%B8%D0%B5&format=json"
check "JSON: each result's author, the first of several, \"\" for none" py \
  "sorted(x['author'] for x in r['results']) == ['', '', '', '', 'Anna K', 'Иван Петров']"
cgi "author=%D0%B8%D0%B2%D0%B0%D0%BD%20%D0%BF%D0%B5%D1%82%D1%80%D0%BE%D0%B2&format=json"
check "cgi: author= in any case, the first author only" py "[x['title'] for x in r['results']] == ['Fedora 12 alpha']"
cgi "author=Anna%20K&category=Fedora"
check "cgi: HTML: an author in use is kept by the form" has "$T/r.json" '<input type="hidden" name="author" value="Anna K">'
check "cgi: HTML: and a link drops it, keeping the category" has "$T/r.json" \
  '<a class="bs-filter" href="?category=Fedora" title="Убрать фильтр">Автор: Anna K ×</a>'
check "cgi: HTML: a category in use: the link without it keeps the author" has "$T/r.json" \
  '<a class="bs-filter" href="?author=Anna+K" title="Убрать фильтр">Рубрика: Fedora ×</a>'

# ---- the zone is the index's: a run without --timezone keeps it ---------------------------
"$BI" "$T/blog" 2>"$T/out"
check "a run without --timezone: nothing read again" has "$T/out" "0 added, 0 updated, 0 removed, 6 unchanged"
check "a run without --timezone: no options changed" test "$(grep -c 'differ from the last run' "$T/out")" = 0
touch "$T/blog/pelican.md" && printf '\nЕщё строка.\n' >>"$T/blog/pelican.md"
"$BI" -q "$T/blog"
"$BI" --dump >"$T/dump"
check "a post edited since, read in the index's zone" dumped pelican.md "d['date'] == '2024-10-27T21:12:00+03:00'"
"$BI" --timezone UTC "$T/blog" 2>"$T/out"
check "another --timezone: every post read again" has "$T/out" "differ from the last run"
"$BI" --dump >"$T/dump"
check "another --timezone: zone-less dates in it" dumped pelican.md "d['date'] == '2024-10-27T21:12:00Z'"
check "another --timezone: stated zones kept" dumped 2009-10-17-fedora.md "d['date'] == '2009-10-17T02:17:51+04:00'"
"$BI" --timezone Europe/Mosco "$T/blog" 2>"$T/err"
rc=$?
check "an unknown zone: exit 2" test "$rc" = 2
check "an unknown zone: named" has "$T/err" '--timezone "Europe/Mosco": no time zone "Europe/Mosco"'
"$BI" --timezone "../../etc/passwd" "$T/blog" 2>"$T/err"
check "a path is no zone: exit 2" test $? = 2
check "a path is no zone: said" has "$T/err" "is not a time zone"
"$BI" --dump >"$T/dump"
check "an unknown zone: the index unchanged" dumped pelican.md "d['date'] == '2024-10-27T21:12:00Z'"
check "--check: consistent after the runs" "$BI" --check -q

# ---- the real blogs, when ../shared is there -----------------------------------------------
if [ -d "$BLOGS/AlexFinn+hrafn.me" ]; then
  "$BI" -q --index "$T/jekyll" "$BLOGS/AlexFinn+hrafn.me"
  "$BI" --index "$T/jekyll" --tags --json >"$T/jtags.json"
  check "hrafn.me (Jekyll): every category of every post's list is counted" python3 - "$BLOGS/AlexFinn+hrafn.me" "$T/jtags.json" <<'EOF'
import collections, json, os, re, sys, unicodedata
def fold(s):
    return unicodedata.normalize('NFC', unicodedata.normalize('NFC', s).casefold()).replace('ё', 'е')
want = collections.Counter()
for top, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith(('.md', '.markdown')):
            continue
        lines = open(os.path.join(top, f), encoding='utf-8').read().split('\n')
        if not lines or lines[0].strip() != '---':
            continue
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ('---', '...'))
        cats, key = set(), None
        for l in lines[1:end]:
            m = re.match(r'^([A-Za-z_-]+):\s*(.*)$', l)
            if m:
                key = m.group(1).lower()
                v = m.group(2).strip()
                if key in ('categories', 'category') and v:
                    v = v[1:-1] if v.startswith('[') and v.endswith(']') else v
                    cats |= {fold(x.strip().strip('"\'')) for x in v.split(',') if x.strip()}
            elif key in ('categories', 'category') and l.lstrip().startswith('- '):
                cats.add(fold(l.lstrip()[2:].strip().strip('"\'')))
        for c in cats:
            if c:
                want[c] += 1
got = {x['value']: x['posts'] for x in json.load(open(sys.argv[2])) if x['kind'] == 'category'}
bad = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
bad.update({k: (v, want.get(k)) for k, v in got.items() if k not in want})
if bad or sum(want.values()) < 100:
    print(bad, sum(want.values()))
    sys.exit(1)
EOF
else
  echo "skip: no $BLOGS/AlexFinn+hrafn.me"
fi
if [ -d "$BLOGS/dreamer20+blog/content" ]; then
  "$BI" --index "$T/pelican" --timezone "$zone" "$BLOGS/dreamer20+blog/content" 2>"$T/out"
  check "dreamer20 (Pelican): no date refused" test "$(grep -c 'date "' "$T/out")" = 0
  "$BI" --index "$T/pelican" --dump >"$T/dump"
  check "dreamer20 (Pelican): 27.10.2024 21:12 is read as written" grep -q '"date": "2024-10-27T21:12:00+03:00"' "$T/dump"
else
  echo "skip: no $BLOGS/dreamer20+blog"
fi
if [ -d "$BLOGS/getnikola+nikola-site/posts" ]; then
  "$BI" --index "$T/nikola" "$BLOGS/getnikola+nikola-site/posts" 2>"$T/out"
  check "nikola-site: no date refused" test "$(grep -c 'date "' "$T/out")" = 0
  "$BI" --index "$T/nikola" --dump >"$T/dump"
  check "nikola-site: 05/05/2014 03:00:00 PM UTC" dumped release-candidate-1-for-nikola-v700-out.txt \
    "d['date'] == '2014-05-05T15:00:00Z'"
else
  echo "skip: no $BLOGS/getnikola+nikola-site"
fi

finish fields.sh
