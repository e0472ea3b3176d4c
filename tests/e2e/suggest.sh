#!/usr/bin/env bash
# End-to-end tests of completions through the real programs: blogsearch
# --suggest TEXT over the sample posts, as text (a word and its posts a
# line, then the titles) and as JSON of the shape the CGI's suggest= gives,
# words most posts first, only the last word completed, nothing for a text
# that ends in a space or a word of one letter (exit 1), errors (query
# words beside it, text that is not UTF-8, no index: exit 2), everything
# printed valid UTF-8; and over rf-web when ../shared is there.
# Usage: suggest.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" suggest
BS=$(realpath "$1")
BI=$(realpath "$2")
SRC=$(realpath "$3")
"$BI" -q --index "$T/ix" --url-prefix /posts/ "$SRC/data/samples"
export BLOGSEARCH_INDEX=$T/ix

# shape JSON_FILE: exactly {"suggest", "prefix", "words": [{"word", "posts"}],
# "titles": [{"title", "url"}]}, words most posts first, at most 8 and 3
shape() {
  python3 - "$1" <<'EOF'
import json, sys
raw = open(sys.argv[1], 'rb').read()
r = json.loads(raw.decode('utf-8'))
assert raw.endswith(b'\n') and raw.count(b'\n') == 1, 'one line'
assert list(r) == ['suggest', 'prefix', 'words', 'titles'], list(r)
assert isinstance(r['suggest'], str) and isinstance(r['prefix'], str)
assert r['suggest'].endswith(r['prefix'])
assert isinstance(r['words'], list) and len(r['words']) <= 8
for w in r['words']:
    assert list(w) == ['word', 'posts'] and isinstance(w['word'], str) and w['word'] \
        and type(w['posts']) is int and w['posts'] > 0, w
assert [w['posts'] for w in r['words']] == sorted((w['posts'] for w in r['words']), reverse=True)
assert len({w['word'] for w in r['words']}) == len(r['words']), 'a word twice'
assert isinstance(r['titles'], list) and len(r['titles']) <= 3
for t in r['titles']:
    assert list(t) == ['title', 'url'] and all(isinstance(t[k], str) for k in t), t
EOF
}

# ---- words and titles --------------------------------------------------------------------
run r.json "$BS" --suggest вирт --json
check "--suggest вирт --json: exit 0, the shape" eval 'test "$rc" -eq 0 && shape "$T/r.json"'
check "вирт: виртуализация first, then виртуальные" py \
  "[w['word'] for w in r['words']][:2] == ['виртуализация', 'виртуальные']"
check "вирт: every word starts with it" py "all(w['word'].startswith('вирт') for w in r['words'])"
check "вирт: the prefix and the text echoed" py "r['suggest'] == 'вирт' and r['prefix'] == 'вирт'"
check "вирт: titles with a word that starts so, with URLs" py \
  "r['titles'] and all(any(x.lower().startswith('вирт') for x in t['title'].replace(':', ' ').split()) and t['url'].startswith('/posts/') for t in r['titles'])"
# the counts are those of a search of the word
n=$(python3 -c "import json; r=json.load(open('$T/r.json')); print(r['words'][0]['posts'])")
"$BS" --json --exact -n 1 виртуализация >"$T/s.json"
check "виртуализация: its posts are what a search of it finds ($n)" python3 -c "
import json, sys; sys.exit(0 if json.load(open('$T/s.json'))['total'] == $n else 1)"
run r.json "$BS" --suggest "Kvm или DOCK" --json
check "only the last word: DOCK gives docker" eval 'test "$rc" -eq 0 && shape "$T/r.json" && py "r[\"prefix\"] == \"DOCK\" and r[\"words\"][0][\"word\"] == \"docker\""'
run r.json "$BS" --suggest "ёж" --json
check "ё typed: the words are the index's (е)" eval 'shape "$T/r.json" && py "all(w[\"word\"].startswith(\"еж\") for w in r[\"words\"]) and r[\"prefix\"] == \"ёж\""'

# ---- nothing to complete ---------------------------------------------------------------------
for text in "docker " "д" "docker," "zzqx" ""; do
  run r.json "$BS" --suggest "$text" --json
  check "[$text]: exit 1, the shape, no words and no titles" eval \
    'test "$rc" -eq 1 && shape "$T/r.json" && py "r[\"words\"] == [] and r[\"titles\"] == []"'
done
run r.json "$BS" --suggest "docker " --json
check "a text that ends in a space: no prefix" py "r['prefix'] == '' and r['suggest'] == 'docker '"

# ---- as text -----------------------------------------------------------------------------------
run out "$BS" --suggest вирт
check "as text: exit 0, 'word posts' lines first" eval \
  'test "$rc" -eq 0 && head -1 "$T/out" | grep -qxE "виртуализация  [0-9]+"'
"$BS" --suggest вирт --json >"$T/r.json"
check "as text: the words of the JSON, in its order" python3 -c "
import json, sys
words = [l.split('  ')[0] for l in open('$T/out', encoding='utf-8').read().split('\n\n')[0].splitlines()]
sys.exit(0 if words == [w['word'] for w in json.load(open('$T/r.json'))['words']] else 1)"
check "as text: a title, its URL under it" eval 'grep -qE "^   /posts/" "$T/out"'
check "as text: UTF-8" utf8 "$T/out"
run out "$BS" --suggest "docker "
check "as text, nothing: exit 1, nothing printed" eval 'test "$rc" -eq 1 && ! test -s "$T/out"'

# ---- errors --------------------------------------------------------------------------------------
run out "$BS" --suggest вирт docker
check "query words beside it: exit 2, says why" eval 'test "$rc" -eq 2 && grep -qF -- "--suggest" "$T/err"'
run out "$BS" --suggest вирт --tag docker
check "a search option beside it: exit 2" test "$rc" -eq 2
run out "$BS" --suggest "$(printf 'do\xffk')"
check "not UTF-8: exit 2, the message, UTF-8 itself" eval \
  'test "$rc" -eq 2 && grep -qF "not valid UTF-8" "$T/err" && utf8 "$T/err"'
run out "$BS" --index "$T/nowhere" --suggest вирт
check "no index: exit 2" test "$rc" -eq 2
run out "$BS" --suggest
check "--suggest without TEXT: exit 2" test "$rc" -eq 2

# ---- rf-web: every prefix of a query word, the shape and UTF-8 --------------------------------------
rf=$SRC/../shared/corpus/rf-web
if [ -d "$rf" ]; then
  "$BI" -q --index "$T/rf" "$rf" 2>/dev/null
  bad=0
  for text in ви вир вирт виртуа fe fed fedo обн обнов kube dock уст "установка пак" по ко; do
    "$BS" --index "$T/rf" --suggest "$text" --json >"$T/rf.json" 2>"$T/err"
    if ! shape "$T/rf.json" || ! utf8 "$T/rf.json"; then bad=$((bad + 1)); echo "rf-web [$text]" >&2; fi
  done
  check "rf-web: 17 prefixes, each answered in the shape" test "$bad" -eq 0
  "$BS" --index "$T/rf" --suggest fed --json >"$T/r.json"
  check "rf-web: fed gives fedora first" py "r['words'][0]['word'] == 'fedora' and r['words'][0]['posts'] > 500"
fi

finish suggest
