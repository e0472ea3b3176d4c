#!/usr/bin/env bash
# End-to-end: an index is searched only once a run of blogsearch-index has
# committed into it (docs/FORMAT.md, meta "built"). Before, while the first
# run goes on or after one was stopped or refused, it is being built:
# blogsearch says so and exits 2, blogsearch.cgi answers 503 with
# Retry-After and Cache-Control: no-store; a run that completes it makes
# both answer as usual (200, cacheable). The first run made twice: refused
# by --strict (deterministic), and killed with SIGKILL in the middle of
# ../shared/corpus/rf-web when that is there.
# Usage: building.sh BLOGSEARCH BLOGSEARCH_INDEX BLOGSEARCH_CGI SOURCE_DIR
. "$(dirname "$0")/lib.sh" building
BS=$(realpath "$1")
BI=$(realpath "$2")
CGI=$(realpath "$3")
SRC=$(realpath "$4")
RF=$SRC/../shared/corpus/rf-web

# cgi IX QUERY: the CGI's answer over the index IX, in $T/cgi; its log in $T/log
cgi() { BLOGSEARCH_INDEX=$1 REQUEST_METHOD=GET QUERY_STRING=$2 "$CGI" >"$T/cgi" 2>"$T/log"; }
status() { head -1 "$T/cgi" | grep -q "^Status: $1 "; }
header() { tr -d '\r' <"$T/cgi" | sed '/^$/q' | grep -qxF -- "$1"; }
# being_built IX WHAT: every reader refuses IX as being built
being_built() {
  local ix=$1 what=$2
  cgi "$ix" "q=docker&format=json"
  check "$what: cgi 503" status 503
  check "$what: cgi Retry-After" header "Retry-After: 30"
  check "$what: cgi never cached" header "Cache-Control: no-store"
  check "$what: cgi JSON error, valid UTF-8" utf8 "$T/cgi"
  check "$what: cgi says not ready" has "$T/cgi" "not ready yet"
  check "$what: the log says why" has "$T/log" "the index $ix is being built"
  cgi "$ix" "q=docker&format=html"
  check "$what: cgi HTML 503" status 503
  cgi "$ix" "suggest=dock"
  check "$what: cgi suggest 503" status 503
  run out "$BS" --index "$ix" docker
  check "$what: blogsearch exits 2" test "$rc" -eq 2
  check "$what: blogsearch says it is being built" has "$T/err" "is being built"
  check "$what: blogsearch says the command" has "$T/err" "blogsearch-index --index $ix"
  run out "$BS" --index "$ix" --json docker
  check "$what: blogsearch --json exits 2" test "$rc" -eq 2
  run out "$BI" --stats --index "$ix"
  check "$what: --stats fails" test "$rc" -ne 0
  check "$what: --stats says it is being built" has "$T/err" "is being built"
}
# built IX WHAT: every reader answers over IX
built() {
  local ix=$1 what=$2
  cgi "$ix" "q=docker&format=json"
  check "$what: cgi 200" status 200
  check "$what: cgi cacheable" header "Cache-Control: public, max-age=60"
  sed '1,/^\r$/d' "$T/cgi" >"$T/r.json"
  check "$what: cgi finds the posts" py "r['total'] > 0"
  run out "$BS" --index "$ix" docker
  check "$what: blogsearch exits 0" test "$rc" -eq 0
}

# a first run that --strict refuses (an empty post is a warning): nothing
# of it is committed, yet the directory holds an index stamped with its
# format
mkdir -p "$T/posts"
cp "$SRC"/data/samples/*.md "$T/posts/"
: >"$T/posts/empty.md"
run out "$BI" --strict --index "$T/ix" "$T/posts"
check "--strict refuses the first run" test "$rc" -eq 1
check "the directory holds an index" test -f "$T/ix/data.mdb"
being_built "$T/ix" "refused first run"
rm "$T/posts/empty.md"
run out "$BI" --index "$T/ix" "$T/posts"
check "then a run completes it" test "$rc" -eq 0
built "$T/ix" "completed"
# a run after that, refused again, leaves it built
: >"$T/posts/empty.md"
run out "$BI" --strict --index "$T/ix" "$T/posts"
built "$T/ix" "a later run refused"

# a first run killed in the middle
if [ -d "$RF" ]; then
  "$BI" -q --index "$T/rf" "$RF" >/dev/null 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null && [ ! -f "$T/rf/data.mdb" ]; do sleep 0.01; done
  sleep 0.1
  if kill -KILL "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    being_built "$T/rf" "killed first run"
    run out "$BI" -q --index "$T/rf" "$RF"
    check "killed: a run again completes it" test "$rc" -eq 0
    built "$T/rf" "killed, then completed"
  else
    wait "$pid"
    echo "building: the rf-web run ended before it could be killed; not checked"
  fi
else
  echo "building: no $RF; the killed run is not checked"
fi
finish building
