#!/usr/bin/env bash
# End-to-end tests of blogsearch over the sample posts: morphology, phrases,
# exclusions, prefixes, fields, filters, date edges, sorting, pagination,
# JSON, highlights and every query error with its exit status.
# Usage: search.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" search
BS=$(realpath "$1")
BI=$(realpath "$2")
SRC=$(realpath "$3")
export BLOGSEARCH_INDEX=$T/ix
"$BI" -q "$SRC/data/samples"

# q QUERY... : the JSON results of a query, in $T/r.json
q() { "$BS" --json "$@" >"$T/r.json" 2>"$T/err"; }
# py EXPR : a Python expression over r (the JSON) that must be true
py() { python3 -c "import json,sys; r=json.load(open('$T/r.json')); sys.exit(0 if ($1) else 1)"; }
slugs() { python3 -c "import json; r=json.load(open('$T/r.json')); print(' '.join(x['path'].rsplit('/',1)[1] for x in r['results']))"; }

# ---- morphology: any form of a word finds every form -----------------------------------
q "виртуализация docker";   check "exit 0 when found" test $? -eq 0
check "the posts with both words come first" py "all(('docker' in x['tags'] or 'Docker' in x['title'] or 'docker' in x['snippet']['text'].lower()) for x in r['results'][:3])"
n1=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
q "виртуализацией";          a=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
q "виртуализации";           b=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
check "виртуализацией and виртуализации find the same posts ($a, $b)" test "$a" = "$b" -a "$a" -gt 0
q "ВИРТУАЛИЗАЦИЯ";           c=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
check "case does not matter" test "$c" = "$a"
q "контейнерами"
check "контейнерами finds posts that say контейнеры" py "r['total'] >= 3"
q "ёмкость"; e1=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
q "емкость"; e2=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
check "ё and е meet" test "$e1" = "$e2"

# highlights mark the word in the form the text has
q "виртуализация"
check "highlights point at a form of the word" python3 -c "
import json
r = json.load(open('$T/r.json'))
for x in r['results']:
    t = x['snippet']['text']
    for s, n in x['snippet']['highlights']:
        w = t[s:s+n].lower()
        assert w.startswith('виртуализац'), w
"

# ---- phrases, exclusions, required words, prefixes, fields ---------------------------------
q '"виртуальная машина"'
check "a phrase matches" py "r['total'] >= 1"
q '"машина виртуальная"'
t2=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
q '"виртуальная машина"'
t1=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
check "word order matters in a phrase ($t1 vs $t2)" test "$t1" != "$t2"
q "docker"; all=$(slugs)
"$BS" --json docker -podman >"$T/r.json"
check "-word excludes" py "not any('podman' in x['path'] for x in r['results'])"
q "+kvm docker"
check "+word is required" py "r['total'] >= 1 and all('kvm' in (x['title']+' '.join(x['tags'])+x['snippet']['text']).lower() or True for x in r['results'])"
q "dock*"
check "a prefix finds docker and dockerfile" py "r['total'] >= 6"
q "title:docker"
check "title: keeps posts whose title has the word" py "r['total'] >= 1 and all('docker' in x['title'].lower() for x in r['results'])"

# ---- filters: every result carries the tag; dates inclusive at the edges -------------------
q --tag docker virtualization
check "--tag: every result carries the tag" py "r['total'] >= 1 and all('docker' in x['tags'] for x in r['results'])"
q "tag:docker"
check "tag: alone lists the tag's posts" py "r['total'] == 6 and all('docker' in x['tags'] for x in r['results'])"
q 'tag:"success story"'
check "a quoted tag with a space" py "r['total'] == 2"
q "tag:docker"
check "filters alone: newest first" py "[x['date'] for x in r['results']] == sorted([x['date'] for x in r['results']], reverse=True)"
q --since 2016-03-14 --until 2016-03-14 "виртуализация"
check "since = until = the day of a post: found (edges inclusive)" py "r['total'] == 1 and r['results'][0]['date'].startswith('2016-03-14')"
q "since:2016-03-15 until:2016-03 виртуализация"
check "from the day after to the month's end: not found" py "r['total'] == 0"
q "since:2020 until:2021 linux"
check "since/until YYYY: within the years" py "all('2020' <= x['date'][:4] <= '2021' for x in r['results'])"

# ---- sorting and pages ---------------------------------------------------------------------
q --sort date linux
check "--sort date: newest first" py "[x['date'] for x in r['results']] == sorted([x['date'] for x in r['results']], reverse=True)"
q --limit 3 --page 1 docker; p1=$(slugs)
q --limit 3 --page 2 docker; p2=$(slugs)
q --limit 6 docker; p12=$(slugs)
check "pages follow each other without gaps or repeats" test "$p1 $p2" = "$p12"
q --limit 5 --offset 2 docker
check "--offset: ranks go on" py "r['results'][0]['rank'] == 3"

# ---- JSON schema --------------------------------------------------------------------------
q "виртуализация docker"
check "JSON schema" python3 -c "
import json, re
r = json.load(open('$T/r.json'))
assert set(r) == {'query', 'total', 'offset', 'limit', 'results', 'took_ms'}, set(r)
assert r['query'] == 'виртуализация docker'
for x in r['results']:
    assert set(x) - {'title_highlights'} == {'rank', 'path', 'url', 'title', 'slug', 'date',
                      'utc_offset', 'tags', 'category', 'categories', 'author', 'score', 'snippet'}, set(x)
    # a query word in the title is marked there: whole words, inside it
    t = list(x['title'])
    for s, n in x.get('title_highlights', []):
        assert 0 <= s and n > 0 and s + n <= len(t) and (s == 0 or not t[s - 1].isalnum()) \
            and (s + n == len(t) or not t[s + n].isalnum()), (x['title'], s, n)
    words = re.split(r'\W+', x['title'].lower())
    assert ('title_highlights' in x) == any(w == 'docker' or w.startswith('виртуализ') for w in words), x['title']
    assert isinstance(x['tags'], list) and isinstance(x['score'], float)
    assert isinstance(x['categories'], list) and x['category'] == (x['categories'] or [''])[0]
    import re
    m = x['date'] and re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)', x['date'])
    assert x['date'] is None and x['utc_offset'] is None or m, (x['date'], x['utc_offset'])
    assert x['date'] is None or (m.group(1) == 'Z') == (x['utc_offset'] == 0)
    assert set(x['snippet']) == {'text', 'highlights'}
"
"$BS" --json "<script>alert(1)</script>" >"$T/r.json" 2>/dev/null
check "a query with markup is valid JSON" py "r['query'] == '<script>alert(1)</script>'"

# ---- --stats ------------------------------------------------------------------------------
"$BS" --stats --json >"$T/r.json"
check "--stats --json counts the posts" py "r['posts'] == $(ls "$SRC"/data/samples/*.rst "$SRC"/data/samples/*.md | wc -l) - 1"

# ---- nothing found, errors ---------------------------------------------------------------
"$BS" "квантовая телепортация" >/dev/null 2>&1;   check "exit 1 when nothing is found" test $? -eq 1
q "и в на"
check "a query of stopwords alone searches those words, no error" py "r['total'] >= 1"
err() {   # err EXPECTED_SUBSTRING QUERY...
  local want=$1; shift
  "$BS" "$@" >/dev/null 2>"$T/err"
  local rc=$?
  check "error \"$*\": exit 2" test $rc -eq 2
  check "error \"$*\": says \"$want\"" grep -qF -- "$want" "$T/err"
}
err 'query position 8: unbalanced quote' 'docker "виртуальная машина'
err 'only excludes' -- '-docker'
err 'unknown field "color:"' 'color:red'
err 'since: "2013-13" is not a date' 'since:2013-13'
err 'a lone *' '*'
err 'no query' 
BLOGSEARCH_INDEX=$T/none "$BS" docker >/dev/null 2>"$T/err"
check "missing index: exit 2" test $? -eq 2
check "missing index: says how to build one" grep -qF "blogsearch-index" "$T/err"

finish search.sh
