#!/usr/bin/env bash
# End-to-end tests of the command line of blogsearch and blogsearch-index:
# options anywhere before --, a word that only looks like an option, a page
# past the last, colour (--color, NO_COLOR, TERM=dumb), one-line messages for
# a mistyped option or a missing value, the summary's post count and the
# reason for each skipped post, and output that is valid UTF-8 whatever the
# arguments and file names hold.
# Usage: cli.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" cli
BS=$(realpath "$1")
BI=$(realpath "$2")
SRC=$(realpath "$3")
hasnt() { ! grep -qF -- "$2" "$1"; }
lines() { test "$(wc -l <"$1")" -eq "$2"; }
# utf8 FILE: every byte of FILE is well-formed UTF-8
utf8() { python3 -c "import sys; open(sys.argv[1], 'rb').read().decode('utf-8')" "$1" 2>/dev/null; }
# py EXPR: a Python expression over r, the JSON in $T/r.json, that must be true
py() { python3 -c "import json,sys; r=json.load(open('$T/r.json')); sys.exit(0 if ($1) else 1)" 2>/dev/null; }
samples=$SRC/data/samples
export BLOGSEARCH_INDEX=$T/ix
"$BI" -q "$samples"

# run OUT ERR CMD...: runs CMD with its output in $T/OUT and $T/ERR; $rc its status
run() { local o=$1 e=$2; shift 2; "$@" >"$T/$o" 2>"$T/$e"; rc=$?; }

# ---- blogsearch: options anywhere before --; other words that start with - are query words --
run r.json err "$BS" --json docker -n 2
check "docker -n 2: the limit is 2" py "r['limit'] == 2 and len(r['results']) == 2"
check "docker -n 2: the query is docker" py "r['query'] == 'docker'"
run r.json err "$BS" --json docker -n2
check "docker -n2: the limit is 2, the query docker" py "r['limit'] == 2 and r['query'] == 'docker'"
run r.json err "$BS" --json docker --limit=2
check "docker --limit=2: the limit is 2" py "r['limit'] == 2 and r['query'] == 'docker'"
run r.json err "$BS" docker --limit 3 --json
check "docker --limit 3 --json: JSON after the query" py "r['limit'] == 3 and r['query'] == 'docker'"
run r.json err "$BS" docker --json --tag containers
check "--tag after the query filters" py "r['total'] >= 1 and all('containers' in x['tags'] for x in r['results']) and r['query'] == 'docker'"
run r.json err env BLOGSEARCH_INDEX="$T/none" "$BS" --json docker -i "$T/ix"
check "-i DIR after the query is the index" py "r['total'] >= 1 and r['query'] == 'docker'"
run r.json err "$BS" --json -- docker
all=$(python3 -c "import json; print(json.load(open('$T/r.json'))['total'])")
run r.json err "$BS" --json docker -podman
check "docker -podman: -podman is a query word" py "r['query'] == 'docker -podman'"
check "docker -podman: podman is excluded" py "0 < r['total'] < $all and not any('podman' in x['path'] for x in r['results'])"
run r.json err "$BS" --json docker -ipv6 --podman
check "-ipv6 and --podman after the query are query words" py "r['query'] == 'docker -ipv6 --podman'"
run r.json err "$BS" --json -- docker -n 2
check "after --, -n and 2 are query words" py "r['query'] == 'docker -n 2' and r['limit'] == 10"
run out err "$BS" -podman docker
check "before the first word, -podman is an unknown option: exit 2" test "$rc" -eq 2
check "-podman: one line that says to put it after --" \
  eval 'lines "$T/err" 1 && has "$T/err" "unknown option -p (in -podman)" && has "$T/err" "blogsearch -- -podman"'
"$BS" --help >"$T/help"
check "--help no longer says options come before the query" hasnt "$T/help" "Options come before the query"
check "--help says options may come after the query" has "$T/help" "Options may come before or after the query"

# ---- blogsearch-index: the same rule ---------------------------------------------------------
run out err "$BI" "$samples" -i "$T/ix2" -q
check "blogsearch-index PATH -i DIR -q: exit 0, quiet" eval 'test "$rc" -eq 0 && ! test -s "$T/err"'
check "blogsearch-index PATH -i DIR: the index is DIR" test -f "$T/ix2/data.mdb"
mkdir -p "$T/-dash"
printf '.. title: Тире\n\nпост в папке с тире\n' >"$T/-dash/post.rst"
(cd "$T" && "$BI" -i "$T/ix3" -- -dash) 2>"$T/err"
check "blogsearch-index -- -dash: a path after --" has "$T/err" "1 post in $T/ix3: 1 added"
(cd "$T" && "$BI" -i "$T/ix3" -dash) 2>"$T/err"
check "blogsearch-index -dash before a path: exit 2" test $? -eq 2
check "blogsearch-index -dash: says to put it after --" has "$T/err" "blogsearch-index -- -dash"

# ---- a page past the last: said, exit 1 -------------------------------------------------------
run out err "$BS" --page 100 docker
check "--page 100: exit 1" test "$rc" -eq 1
check "--page 100: says the page is past the last" has "$T/out" "8 posts found; page 100 is past the last page, page 1"
run out err "$BS" --page 3 -n 3 docker
check "the last page: exit 0" test "$rc" -eq 0
run out err "$BS" --page 4 -n 3 docker
check "the page after the last: exit 1, with the number of pages" \
  eval 'test "$rc" -eq 1 && has "$T/out" "page 4 is past the last page, page 3"'
run out err "$BS" --offset 8 docker
check "--offset 8 of 8: exit 1" test "$rc" -eq 1
check "--offset 8 of 8: says so" has "$T/out" "8 posts found; offset 8 is past the last post, offset 7"
run r.json err "$BS" --json --page 100 docker
check "--json --page 100: exit 1" test "$rc" -eq 1
check "--json --page 100: the JSON, results empty" py "r['total'] == 8 and r['results'] == []"
check "--json --page 100: the reason on stderr" has "$T/err" "page 100 is past the last page, page 1"

# ---- colour ---------------------------------------------------------------------------------
esc=$(printf '\033[1m')
run out err "$BS" docker
check "into a pipe: no colour, *word*" eval 'hasnt "$T/out" "$esc" && has "$T/out" "*Docker*"'
run out err "$BS" --color=always docker
check "--color=always into a pipe: bold" has "$T/out" "$esc"
run out err "$BS" --color docker
check "--color alone: always" has "$T/out" "$esc"
run out err "$BS" docker --color=sometimes
check "--color=sometimes: exit 2" eval 'test "$rc" -eq 2 && has "$T/err" "auto, always or never"'
if command -v script >/dev/null; then
  tty() { script -qec "$*" /dev/null >"$T/tty" 2>&1; }
  tty env -u NO_COLOR TERM=xterm "$BS" docker
  check "on a terminal: bold" has "$T/tty" "$esc"
  tty env NO_COLOR= TERM=xterm "$BS" docker
  check "on a terminal, NO_COLOR empty: bold" has "$T/tty" "$esc"
  tty env NO_COLOR=1 TERM=xterm "$BS" docker
  check "on a terminal, NO_COLOR=1: *word*" eval 'hasnt "$T/tty" "$esc" && has "$T/tty" "*Docker*"'
  tty env -u NO_COLOR TERM=dumb "$BS" docker
  check "on a terminal, TERM=dumb: *word*" eval 'hasnt "$T/tty" "$esc" && has "$T/tty" "*Docker*"'
  tty env -u NO_COLOR TERM=xterm "$BS" --color=never docker
  check "on a terminal, --color=never: *word*" hasnt "$T/tty" "$esc"
  tty env NO_COLOR=1 TERM=dumb "$BS" --color=always docker
  check "--color=always over NO_COLOR and TERM=dumb: bold" has "$T/tty" "$esc"
fi

# ---- a mistyped option, a missing value: one line, the short name, exit 2 -----------------------
for prog in "$BS" "$BI"; do
  name=$(basename "$prog")
  run out err "$prog" --idnex x
  check "$name --idnex: exit 2" test "$rc" -eq 2
  check "$name --idnex: one line naming the nearest option" \
    eval 'lines "$T/err" 1 && has "$T/err" "$name: unknown option --idnex; did you mean --index? ($name --help lists them)"'
  check "$name --idnex: not the full path, not the help" eval 'hasnt "$T/err" "$prog" && hasnt "$T/err" "usage:"'
  run out err "$prog" --frobnicate x
  check "$name --frobnicate: no nearest option, still one line" \
    eval 'test "$rc" -eq 2 && lines "$T/err" 1 && has "$T/err" "unknown option --frobnicate (" && hasnt "$T/err" "did you mean"'
  run out err "$prog" --json=yes x
  check "$name --json=yes: takes no value" eval 'test "$rc" -eq 2 && lines "$T/err" 1 && has "$T/err" "--json takes no value"'
  run out err "$prog" -i
  check "$name -i at the end: one line, needs a value" \
    eval 'test "$rc" -eq 2 && lines "$T/err" 1 && has "$T/err" "$name: -i needs a value: -i DIR"'
  run out err "$prog" $'--\xff\xfe'
  check "$name: an unknown option of invalid UTF-8 is echoed as valid UTF-8" \
    eval 'test "$rc" -eq 2 && utf8 "$T/err" && has "$T/err" "unknown option --\xFF\xFE"'
done
run out err "$BS" docker --limit
check "docker --limit: exit 2, one line" eval 'test "$rc" -eq 2 && lines "$T/err" 1'
check "docker --limit: says a value is missing" has "$T/err" "blogsearch: --limit needs a value: --limit N"
run out err "$BS" --jsno docker
check "--jsno: did you mean --json?" has "$T/err" "did you mean --json?"
run out err "$BS" --lim 2 docker
check "--lim (a beginning): did you mean --limit?" has "$T/err" "did you mean --limit?"
run out err "$BI" --memroy 1M x
check "blogsearch-index --memroy: did you mean --memory?" has "$T/err" "did you mean --memory?"
run out err "$BS" --sort $'\xff' docker
check "a bad value of invalid UTF-8 is echoed as valid UTF-8" eval 'test "$rc" -eq 2 && utf8 "$T/err"'
run out err "$BI" -i "$T/u" --timezone $'Mars\xff' x
check "blogsearch-index: a bad --timezone of invalid UTF-8, valid UTF-8" eval 'test "$rc" -eq 2 && utf8 "$T/err"'

# ---- blogsearch-index: the summary counts the posts in the index; -v says why a post is skipped --
run out err "$BI" -v -i "$T/sum" "$samples"
"$BI" -i "$T/sum" --stats --json >"$T/r.json"
indexed=$(python3 -c "import json; print(json.load(open('$T/r.json'))['posts'])")
check "summary: the posts in the index ($indexed), as --stats says" \
  has "$T/err" "blogsearch-index: $indexed posts in $T/sum:"
check "-v: the draft is skipped as a draft, on its own line" \
  grep -qx '.*/restic-bekapy-chernovik\.rst: skipped: a draft (--drafts indexes drafts)' "$T/err"
check "-v: the summary starts its own line" grep -q '^blogsearch-index: [0-9]* posts in' "$T/err"
check "-v: every line is a post's outcome or the summary" \
  eval '! grep -Ev ": (added|updated|removed|skipped: .+)$|^blogsearch-index: [0-9]+ posts in .*s$" "$T/err"'
run out err "$BI" -v -i "$T/sum" "$samples"
check "-v, again: the draft is still skipped, and the reason" \
  grep -qx '.*/restic-bekapy-chernovik\.rst: skipped: unchanged since the last run skipped it' "$T/err"
check "again: the summary counts the posts in the index" has "$T/err" "$indexed posts in $T/sum: 0 added"

# a second folder into the same index: the summary counts the posts of both
mkdir -p "$T/more"
printf '.. title: Ещё один\n\nпост в другой папке\n' >"$T/more/one.rst"
run out err "$BI" -i "$T/sum" "$T/more"
check "a run over another folder counts every post in the index" \
  has "$T/err" "$((indexed + 1)) posts in $T/sum: 1 added"

# each kind of skipped post says why
mkdir -p "$T/skip"
: >"$T/skip/empty.rst"
printf '.. title: bin\n\n\0\1\2' >"$T/skip/binary.rst"
head -c 3000 /dev/zero | tr '\0' 'a' >"$T/skip/large.rst"
printf '.. title: Черновик\n.. status: draft\n\nтекст\n' >"$T/skip/draft.rst"
printf '.. title: Хороший\n\nтекст\n' >"$T/skip/good.rst"
run out err "$BI" -v -i "$T/skipix" --max-size 2K "$T/skip"
check "-v: an empty file says empty" grep -qx '.*/empty\.rst: skipped: empty' "$T/err"
check "-v: a binary file says it is not a post" grep -qx '.*/binary\.rst: skipped: binary, not a post' "$T/err"
check "-v: a file over --max-size says too large" grep -qx '.*/large\.rst: skipped: too large (--max-size)' "$T/err"
check "-v: a draft says draft" grep -qx '.*/draft\.rst: skipped: a draft (--drafts indexes drafts)' "$T/err"
check "-v: 1 post in the index, 4 skipped" has "$T/err" "1 post in $T/skipix: 1 added, 0 updated, 0 removed, 0 unchanged, 4 skipped"

# ---- file names that are not UTF-8: every byte printed is UTF-8 ----------------------------------
mkdir -p "$T/names"
printf '.. title: Имя\n\nквазибайты\n' >"$T/names/bad-"$'\xff'".rst"
run out err "$BI" -v -i "$T/namesix" "$T/names"
check "blogsearch-index -v: a name of invalid UTF-8 is printed as valid UTF-8" \
  eval 'utf8 "$T/err" && has "$T/err" "bad-\xFF.rst: added"'
run out err "$BS" -i "$T/namesix" квазибайты
check "blogsearch: the path of such a post, valid UTF-8" eval 'test "$rc" -eq 0 && utf8 "$T/out" && has "$T/out" "bad-\xFF.rst"'
run r.json err "$BS" -i "$T/namesix" --json квазибайты
check "blogsearch --json: valid UTF-8 JSON, the bad byte as U+FFFD" \
  eval 'utf8 "$T/r.json" && py "r[\"results\"][0][\"path\"].endswith(\"bad-\ufffd.rst\")"'
run r.json err "$BI" -i "$T/namesix" --dump
check "blogsearch-index --dump: valid UTF-8" utf8 "$T/r.json"

finish cli.sh
