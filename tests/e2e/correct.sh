#!/usr/bin/env bash
# End-to-end tests of forgiving queries through the real blogsearch: a word
# typed on the other layout, with a typo or in the other alphabet finds what
# was meant and the answer says so (one line, or corrected_query and
# corrections in JSON); --exact searches as typed; a query typed right, an
# excluded word, a phrase and a prefix are never corrected; a rare word beside
# a far more frequent near one gets a "did you mean" and its own results.
# Usage: correct.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" correct
BS=$(realpath "$1")
BI=$(realpath "$2")
SRC=$(realpath "$3")
"$BI" -q --index "$T/ix" "$SRC/data/samples"
export BLOGSEARCH_INDEX=$T/ix

# ---- what was meant, and what the answer says ---------------------------------------------
# query | corrected | kind of the first correction | then (after the layout)
while IFS='|' read -r q want kind then; do
  run r.json "$BS" --json -- "$q"
  check "$q: exit 0 with results" eval 'test "$rc" -eq 0 && py "r[\"total\"] > 0"'
  check "$q: corrected_query is «$want»" py "r.get('corrected_query') == '$want' and 'suggestion' not in r"
  check "$q: the word's correction is $kind" py "r['corrections'][0]['kind'] == '$kind' and r['corrections'][0]['word'] == '$q'.split()[0]"
  if [ -n "$then" ]; then
    check "$q: then $then" py "r['corrections'][0].get('then') == '$then'"
  else
    check "$q: nothing after it" py "'then' not in r['corrections'][0]"
  fi
  check "$q: the results are those of «$want»" eval \
    "\"$BS\" --json --exact -- \"$want\" | python3 -c 'import json,sys; a=json.load(sys.stdin); b=json.load(open(\"$T/r.json\")); sys.exit(0 if [x[\"path\"] for x in a[\"results\"]] == [x[\"path\"] for x in b[\"results\"]] else 1)'"
  run out "$BS" -- "$q"
  check "$q: the text says so on its first line" eval \
    "head -1 \"$T/out\" | grep -qxF 'Показаны результаты для «$want». Искать как написано: --exact.'"
  check "$q: the text is UTF-8" utf8 "$T/out"
done <<'EOF'
dbhnefkbpfwbz|виртуализация|layout|
вщслук|docker|layout|
ljrth|docker|layout|translit
виртуализацыя|виртуализация|typo|
dokcer|docker|typo|
systemdd|systemd|typo|
kuberntes|kubernetes|typo|
кубернетес|kubernetes|translit|
докер|docker|translit|
dbhnefkbpfwbz docker|виртуализация docker|layout|
Dokcer|Docker|typo|
EOF

# ---- as typed ---------------------------------------------------------------------------------
run r.json "$BS" --json --exact dbhnefkbpfwbz
check "--exact dbhnefkbpfwbz: nothing found, nothing corrected" eval \
  'test "$rc" -eq 1 && py "r[\"total\"] == 0 and \"corrected_query\" not in r and \"corrections\" not in r"'
run out "$BS" --exact dbhnefkbpfwbz
check "--exact: no correction line" eval '! grep -q "Показаны" "$T/out"'
for q in docker виртуализация "виртуализация docker" "docker -dbhnefkbpfwbz" '"dbhnefkbpfwbz docker"' 'dbhnefk*' 'zzzzqqqx'; do
  run r.json "$BS" --json -- "$q"
  check "$q: never corrected" py "'corrected_query' not in r and 'suggestion' not in r and 'corrections' not in r"
done

# ---- a rare word beside a frequent one: offered, not imposed ---------------------------------
mkdir -p "$T/blog"
for i in $(seq 1 25); do
  printf '.. title: Заметка %s\n.. slug: n%s\n.. date: 2024-01-%02d\n\nКонтейнеры docker и образы, часть %s.\n' \
    "$i" "$i" "$i" "$i" >"$T/blog/n$i.rst"
done
printf '.. title: Опечатка\n.. slug: typo\n.. date: 2024-02-01\n\nЗдесь написано dokcer с опечаткой.\n' >"$T/blog/typo.rst"
"$BI" -q --index "$T/ix2" "$T/blog"
run r.json "$BS" --json -i "$T/ix2" dokcer
check "dokcer in 1 post, docker in 25: the post that says dokcer" py "r['total'] == 1 and r['results'][0]['slug'] == 'typo'"
check "dokcer: docker is suggested, not applied" py "r.get('suggestion') == 'docker' and 'corrected_query' not in r and r['corrections'][0]['kind'] == 'typo'"
run out "$BS" -i "$T/ix2" dokcer
check "dokcer: the line says «Возможно, вы имели в виду»" eval \
  "head -1 \"$T/out\" | grep -qxF 'Возможно, вы имели в виду «docker»?'"
run r.json "$BS" --json -i "$T/ix2" --exact dokcer
check "--exact dokcer: no suggestion" py "r['total'] == 1 and 'suggestion' not in r"

# ---- a name few posts spell in Cyrillic: searched both ways -----------------------------------
printf '.. title: Про докер\n.. slug: ru\n.. date: 2024-03-01\n\nКак поставить докер дома.\n' >"$T/blog/ru.rst"
"$BI" -q --index "$T/ix2" "$T/blog"
run r.json "$BS" --json -i "$T/ix2" докер
check "докер in 1 post, docker in 25: all 26, the word kept" py \
  "r['total'] == 26 and r.get('also_searched') == 'docker' and 'corrected_query' not in r and 'suggestion' not in r"
check "докер: the word's entry says also" py \
  "r['corrections'] == [{'word': 'докер', 'to': 'docker', 'kind': 'translit', 'also': True}]"
check "докер: the post that writes it so is among them" py "'ru' in [x['slug'] for x in r['results']]"
run out "$BS" -i "$T/ix2" докер
check "докер: the line says «Искали также»" eval \
  "head -1 \"$T/out\" | grep -qxF 'Искали также «docker». Искать только как написано: --exact.'"
check "докер: the text is UTF-8" utf8 "$T/out"
run r.json "$BS" --json -i "$T/ix2" --exact докер
check "--exact докер: the one post, nothing beside" py "r['total'] == 1 and 'also_searched' not in r"

finish correct
