#!/usr/bin/env bash
# End-to-end test of a copy swapped in under a running blogsearch.cgi, under a
# real lighttpd (tests/web/server.sh) with one resident FastCGI process
# (max-procs 1) beside mod_cgi: the README's "Copies for web nodes". Posts A
# are indexed into index.1 and the server pointed at a link index -> index.1;
# index.2, a --snapshot of another index that also holds post B, is swapped
# in by renaming a link over index (ln -s index.2 index.tmp && mv -T
# index.tmp index), and the same resident process (its PID unchanged, the
# new data.mdb mapped and the old one not) finds B and completes its word;
# index.2 deleted is a 503, again on the next request, and restored it is
# searched again; swaps back and forth between requests are all answered;
# the README's steps (a snapshot shipped into a directory of its own, the
# link renamed onto it). Then with a plain directory: moved aside for a new
# one (mv index index.old; mv index.new index), and replaced by
# blogsearch-index --snapshot itself.
# Usage: swap.sh BUILD_DIR SOURCE_DIR
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no lighttpd or
# curl, or no FastCGI in this build).
set -u
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
# shellcheck source=tests/web/server.sh
. "$SRC/tests/web/server.sh"
web_have_tools swap.sh || exit 77
if ! "$BUILD/blogsearch.cgi" --version | grep -q "with FastCGI"; then
  echo "swap.sh: skipped: blogsearch.cgi is built without FastCGI"
  exit 77
fi
T=$(realpath "$(mktemp -d /tmp/bs-web-swap.XXXXXX)")
trap 'web_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"
INDEX=$BUILD/blogsearch-index

# post NAME WORD: a post of its own word in $T/posts-NAME
post() {
  mkdir -p "$T/posts-$1"
  printf '.. title: Пост %s\n.. slug: post-%s\n.. date: 2024-05-01\n\nСлово %s для проверки подмены индекса.\n' \
    "$1" "$1" "$2" >"$T/posts-$1/$1.rst"
}
post a zqalpha; post b zqbeta; post c zqgamma; post d zqdelta; post e zqepsilon

# get URL: the status in $code, the headers in $T/h, the body in $T/b
get() {
  : >"$T/h"; : >"$T/b"
  code=$(curl -s -S --max-time 30 -D "$T/h" -o "$T/b" -w '%{http_code}' "$1" 2>"$T/curl.err")
  [ -n "$code" ] || code=000
}
# total ENDPOINT WORD: the posts found for the word, as typed; "status N" when not a 200
total() {
  get "$BASE/$1?q=$2&exact=1&format=json"
  if [ "$code" != 200 ]; then echo "status $code"; return; fi
  python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['total'])" "$T/b"
}
finds() { local n; n=$(total "$1" "$2"); [ "$n" = 1 ] || { echo "$1 $2: $n"; return 1; }; }
lacks() { local n; n=$(total "$1" "$2"); [ "$n" = 0 ] || { echo "$1 $2: $n"; return 1; }; }
unavailable() {
  total "$1" "$2" >/dev/null
  [ "$code" = 503 ] || { echo "status $code: $(head -c 300 "$T/b")"; return 1; }
  tr -d '\r' <"$T/h" | grep -qiE '^Retry-After: [0-9]+$' || { echo "no Retry-After"; return 1; }
}
# the resident process: lighttpd's child running the built blogsearch.cgi
fcgi_pid() { ps -o pid=,args= --ppid "$WEB_PID" | awk -v p="$BUILD/blogsearch.cgi" '$2 == p { print $1 }'; }
same_pid() { local now; now=$(fcgi_pid); [ -n "$now" ] && [ "$now" = "$PID" ] || { echo "pid $PID, now [$now]"; return 1; }; }
maps() { grep -qF "$1/data.mdb" "/proc/$PID/maps"; }
unmapped() { ! grep -F "$1/data.mdb" "/proc/$PID/maps"; }
# logged TEXT: in the server's error log within 5 s (a line the program writes
# after its answer)
logged() {
  local _
  for _ in $(seq 50); do grep -rqF "$1" "$WEB/log" && return 0; sleep 0.1; done
  tail -n 5 "$WEB/log/error.log" "$WEB/log/stderr"
  return 1
}

# ---- a link swapped -----------------------------------------------------------------
"$INDEX" -q --index "$T/index.1" --url-prefix /posts/ "$T/posts-a"
"$INDEX" -q --index "$T/build" --url-prefix /posts/ "$T/posts-a" "$T/posts-b" --snapshot "$T/index.2"
ln -s index.1 "$T/index"
WEB=$T/web WEB_INDEX=$T/index WEB_FCGI_PROCS=1
web_start || { echo "FAIL - lighttpd starts"; exit 1; }
check "index -> index.1: fcgi finds A" finds fcgi/blogsearch zqalpha
check "index -> index.1: fcgi has no B" lacks fcgi/blogsearch zqbeta
check "index -> index.1: cgi finds A" finds cgi-bin/blogsearch.cgi zqalpha
PID=$(fcgi_pid)
check "one resident process ($PID)" test -n "$PID" -a "$(fcgi_pid | wc -l)" = 1
check "it maps index.1" maps "$T/index.1"

swap() { (cd "$T" && ln -s "$1" index.tmp && mv -T index.tmp index); }
check "the link swapped to index.2 in one rename" swap index.2
check "index -> index.2: fcgi finds B" finds fcgi/blogsearch zqbeta
check "index -> index.2: fcgi finds A" finds fcgi/blogsearch zqalpha
check "index -> index.2: the same resident process" same_pid
check "index -> index.2: it maps index.2" maps "$T/index.2"
check "index -> index.2: and index.1 no more" unmapped "$T/index.1"
check "index -> index.2: the reopening is in the error log" logged "the index $T/index was replaced; opening it again"
check "index -> index.2: cgi finds B" finds cgi-bin/blogsearch.cgi zqbeta
# completions read the same open index: the copy swapped in completes B's word
completes() {
  get "$BASE/fcgi/blogsearch?suggest=$1"
  [ "$code" = 200 ] && python3 -c "import json, sys; r = json.load(open(sys.argv[1])); sys.exit(0 if [w['word'] for w in r['words']] == [sys.argv[2]] else 1)" "$T/b" "$2" \
    || { echo "status $code: $(head -c 300 "$T/b")"; return 1; }
}
check "index -> index.2: fcgi completes zqbe as zqbeta" completes zqbe zqbeta

rm -r "$T/index.2"
check "index.2 deleted: fcgi answers 503 with Retry-After" unavailable fcgi/blogsearch zqbeta
check "index.2 deleted: again on the next request" unavailable fcgi/blogsearch zqalpha
check "index.2 deleted: cgi answers 503 too" unavailable cgi-bin/blogsearch.cgi zqbeta
check "index.2 deleted: the same resident process" same_pid
check "index.2 deleted: nothing of it mapped" unmapped "$T/index.2"
"$INDEX" -q --index "$T/build" --snapshot "$T/index.2"
check "index.2 restored: fcgi finds B again" finds fcgi/blogsearch zqbeta
check "index.2 restored: the same resident process" same_pid
swap index.1
check "back to index.1: fcgi completes zqbe no more" eval 'get "$BASE/fcgi/blogsearch?suggest=zqbe" && grep -qF "\"words\": []" "$T/b" || { echo "status $code: $(head -c 300 "$T/b")"; false; }'
swap index.2

# swaps back and forth between requests: every answer the one or the other index's
answered=0
for i in $(seq 1 20); do
  if [ $((i % 2)) = 1 ]; then swap index.1; want=0; else swap index.2; want=1; fi
  n=$(total fcgi/blogsearch zqbeta)
  if [ "$n" = "$want" ]; then answered=$((answered + 1)); else echo "swap $i: $n, expected $want"; fi
done >"$T/swaps"
check "20 swaps back and forth: each request answered from the index swapped in" \
  eval 'test "$answered" = 20 || cat "$T/swaps"'
check "20 swaps: the same resident process" same_pid

# the README's steps: a snapshot on the indexing side, shipped into a directory of
# its own beside the link (rsync -a, or cp -a without rsync), the link renamed onto it
"$INDEX" -q --index "$T/build" --url-prefix /posts/ "$T/posts-a" "$T/posts-b" "$T/posts-e" \
  --snapshot "$T/snapshot"
new=index.$(date +%Y%m%d%H%M%S)
ship() {
  if command -v rsync >/dev/null 2>&1; then rsync -a "$T/snapshot/" "$T/$new/"
  else cp -a "$T/snapshot" "$T/$new"; fi
}
check "README: the snapshot shipped to $new" ship
check "README: the link renamed onto it" eval '(cd "$T" && ln -s "$new" index.tmp && mv -T index.tmp index)'
check "README: fcgi finds E" finds fcgi/blogsearch zqepsilon
check "README: cgi finds E" finds cgi-bin/blogsearch.cgi zqepsilon
check "README: the same resident process" same_pid
web_stop

# ---- a plain directory moved aside; replaced by --snapshot ---------------------------------
"$INDEX" -q --index "$T/build" --snapshot "$T/plain"
WEB=$T/web2 WEB_INDEX=$T/plain
web_start || { echo "FAIL - lighttpd starts"; exit 1; }
check "plain: fcgi finds B" finds fcgi/blogsearch zqbeta
check "plain: fcgi has no C" lacks fcgi/blogsearch zqgamma
PID=$(fcgi_pid)
"$INDEX" -q --index "$T/build" --url-prefix /posts/ "$T/posts-a" "$T/posts-b" "$T/posts-c" \
  --snapshot "$T/plain.new"
check "plain moved aside for plain.new" eval 'mv "$T/plain" "$T/plain.old" && mv "$T/plain.new" "$T/plain"'
check "moved aside: fcgi finds C" finds fcgi/blogsearch zqgamma
check "moved aside: the same resident process" same_pid
check "moved aside: it maps the new plain" maps "$T/plain"
check "moved aside: and plain.old no more" unmapped "$T/plain.old"
rm -r "$T/plain.old"
"$INDEX" --index "$T/build" --url-prefix /posts/ "$T/posts-a" "$T/posts-b" "$T/posts-c" \
  "$T/posts-d" --snapshot "$T/plain" 2>"$T/snap.err"
check "blogsearch-index --snapshot over the served snapshot: replaced in place" \
  eval 'grep -q "replacing the previous one" "$T/snap.err" || cat "$T/snap.err"'
check "replaced in place: fcgi finds D" finds fcgi/blogsearch zqdelta
check "replaced in place: cgi finds D" finds cgi-bin/blogsearch.cgi zqdelta
check "replaced in place: the same resident process" same_pid
check "replaced in place: nothing of the old copy mapped" eval '! grep -F "(deleted)" "/proc/$PID/maps" | grep -F "$T/"'
web_stop

checks_done swap.sh
