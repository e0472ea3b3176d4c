#!/usr/bin/env bash
# End-to-end tests of damaged indexes, the real binaries: TRIALS (default
# 50) copies of an index of data/samples, each damaged one way by damage.py
# (bits flipped in used pages, a page zeroed, a page of random bytes, the
# file truncated at several lengths, a meta page corrupted), random choices
# from SEED (printed, so a failure reproduces: SEED=N TRIALS=M damage.sh).
# On each: blogsearch (text and --json), blogsearch.cgi (JSON and HTML, as a
# CGI with QUERY_STRING), blogsearch-index --check and --stats never die by a
# signal, write only valid UTF-8, and when they fail say to rebuild with
# --full; the CGI answers 200 or a 500/503 error in the format asked for. An
# incremental run over a copy that --check finds damaged does not report
# success; --full then rebuilds it to a passing --check that answers a
# query as the index did before the damage.
# Usage: damage.sh BLOGSEARCH BLOGSEARCH_INDEX BLOGSEARCH_CGI SOURCE_DIR
. "$(dirname "$0")/lib.sh" damage
# A read that faults on a damaged index abandons its transaction and
# environment by design (store/guard.c): what they hold is never freed, so in
# a sanitizer build the leak check is off here (the other tests keep it on).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
SEARCH=$(realpath "$1")
BIN=$(realpath "$2")
CGI=$(realpath "$3")
SRC=$(realpath "$4")
HERE=$(dirname "$(realpath "$0")")
samples=$SRC/data/samples
TRIALS=${TRIALS:-50}
SEED=${SEED:-20261204}
echo "damage: $TRIALS trials, SEED=$SEED (SEED=$SEED TRIALS=$TRIALS reproduces them)"

"$BIN" --index "$T/ix" -q "$samples"
# a query's answer without its timing
answer() { "$SEARCH" --index "$1" --json -n 50 сервер 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); r.pop("took_ms"); print(json.dumps(r))'; }
answer "$T/ix" >"$T/before.json"

# utf8 FILE: as lib.sh's, without a Python per file (there are a thousand)
utf8() { iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; }
# signal STATUS: the process died by a signal (or timed out)
signal() { [ "$1" -ge 124 ]; }
# said FILE: the failure names the index as damaged and the rebuild
said() { grep -q "damaged" "$1" && grep -q "blogsearch-index --full" "$1"; }
# cgi NAME QUERY_STRING: the answer in $T/NAME, checked
cgi() {
  REQUEST_METHOD=GET QUERY_STRING=$2 BLOGSEARCH_INDEX=$c timeout 60 "$CGI" >"$T/$1" 2>"$T/err"
  local s=$?
  signal $s && { bad "$what: blogsearch.cgi $2 died (status $s)"; return; }
  utf8 "$T/$1" && utf8 "$T/err" || bad "$what: blogsearch.cgi $2 wrote invalid UTF-8"
  head -1 "$T/$1" | grep -qE '^Status: (200|500|503) ' || bad "$what: blogsearch.cgi $2: $(head -1 "$T/$1")"
  if ! head -1 "$T/$1" | grep -q 200; then
    said "$T/err" || bad "$what: blogsearch.cgi $2: the log does not say damaged: $(head -c 300 "$T/err")"
    case $2 in
    *format=json*) sed '1,/^\r$/d' "$T/$1" | python3 -c 'import json,sys; assert "error" in json.load(sys.stdin)' ||
      bad "$what: blogsearch.cgi $2: the error is not JSON" ;;
    *) grep -q '<html' "$T/$1" || bad "$what: blogsearch.cgi $2: the error is not HTML" ;;
    esac
  fi
  ok
}
# reader NAME FAIL_STATUS COMMAND...: no signal, UTF-8, a failure that says so
reader() {
  local name=$1 fail=$2; shift 2
  timeout 60 "$@" >"$T/out" 2>"$T/err"
  local s=$?
  signal $s && { bad "$what: $name died (status $s)"; return; }
  utf8 "$T/out" && utf8 "$T/err" || bad "$what: $name wrote invalid UTF-8"
  [ "$s" = "$fail" ] && ! said "$T/err" &&
    bad "$what: $name failed without saying the index is damaged: $(head -c 300 "$T/err")"
  ok
}

found=0 refused=0 rebuilt=0 crashes=0
for i in $(seq 0 $((TRIALS - 1))); do
  c=$T/c$i
  mkdir "$c"
  what=$(python3 "$HERE/damage.py" "$T/ix/data.mdb" "$c/data.mdb" "$i" "$SEED")
  echo "$what"
  before=$fail
  reader "blogsearch" 2 "$SEARCH" --index "$c" сервер
  reader "blogsearch --json" 2 "$SEARCH" --index "$c" --json docker
  reader "blogsearch --suggest" 2 "$SEARCH" --index "$c" --suggest до
  cgi html "q=%D1%81%D0%B5%D1%80%D0%B2%D0%B5%D1%80"
  cgi json "q=docker&format=json"
  reader "blogsearch-index --stats" 1 "$BIN" --index "$c" --stats
  reader "blogsearch-index --check" 1 "$BIN" --index "$c" --check
  damaged=0
  timeout 60 "$BIN" --index "$c" --check -q >/dev/null 2>&1 || damaged=1
  found=$((found + damaged))
  # an incremental run over what --check finds damaged does not succeed
  cp -r "$c" "$c.run"
  timeout 60 "$BIN" --index "$c.run" -q "$samples" >"$T/out" 2>"$T/err"
  s=$?
  if signal $s; then
    bad "$what: an incremental run died (status $s)"
  elif [ "$damaged" = 1 ] && [ "$s" = 0 ]; then
    bad "$what: an incremental run over a damaged index reported success"
  elif [ "$damaged" = 1 ]; then
    check "$what: the incremental run says to rebuild" said "$T/err"
    refused=$((refused + 1))
  fi
  utf8 "$T/err" || bad "$what: the incremental run wrote invalid UTF-8"
  # --full always rebuilds, to a passing --check and the answer of before
  timeout 120 "$BIN" --index "$c" --full -q "$samples" >"$T/out" 2>"$T/err"
  s=$?
  check "$what: --full rebuilds it (status $s: $(head -c 300 "$T/err"))" test "$s" = 0
  check "$what: after --full, --check passes" "$BIN" --index "$c" --check -q
  answer "$c" >"$T/after.json"
  check "$what: after --full, the answer of before" cmp -s "$T/before.json" "$T/after.json"
  check "$what: no rebuild directory left" test -z "$(ls -d "$c".rebuild.* 2>/dev/null)"
  [ "$fail" -gt "$before" ] && crashes=$((crashes + 1))
  [ "$s" = 0 ] && rebuilt=$((rebuilt + 1))
  rm -rf "$c" "$c.run"
done
echo "damage: $TRIALS damaged copies; --check found damage in $found, an incremental run" \
     "refused all $refused of those; --full rebuilt $rebuilt; trials with a failed check: $crashes"
finish damage
