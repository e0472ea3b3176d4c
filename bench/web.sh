#!/usr/bin/env bash
# The search box under load: lighttpd on loopback serving blogsearch.cgi as
# CGI (a process per request) and as FastCGI (resident), and a small static
# file, the web server's own ceiling, each driven by wrk for DURATION seconds
# over the 72 queries of bench/queries.tsv in turn (JSON answers, as the
# search box asks). Twice each: one connection (the latency a reader sees;
# "adds" is the CGI's median minus the static file's) and CONNS connections
# (throughput). Every query is first checked to answer 200; any error wrk
# counts (connect, read, write, timeout, a status other than 2xx/3xx) fails
# the run. The index is the blogsearch index bench/index.sh builds of the
# scaled corpus of N posts (built here when missing), or of data/samples.
# Usage: bench/web.sh [N|samples]   (default 100000)
# Environment: DURATION (seconds a run, default 30), CONNS (default 8),
# BUILD (default build-bench), RFWEB (the real posts, for the scaled corpus).
# Writes bench/out/web-N.md (the report, also on stdout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
dur=${DURATION:-30}
conns=${CONNS:-8}
cd "$top"
build=${BUILD:-build-bench}
rfweb=${RFWEB:-$top/../shared/corpus/rf-web}
out=bench/out
say() { echo "web.sh: $*" >&2; }
case "$n" in samples) ;; ''|*[!0-9]*|0*) echo "usage: bench/web.sh [N|samples]" >&2; exit 2 ;; esac
case "$dur" in ''|*[!0-9]*|0*) echo "web.sh: DURATION must be a positive integer" >&2; exit 2 ;; esac
case "$conns" in ''|*[!0-9]*|0*|1) echo "web.sh: CONNS must be an integer above 1" >&2; exit 2 ;; esac
cmdline="bench/web.sh${1:+ $1}"
[ "$dur" != 30 ] && cmdline="DURATION=$dur $cmdline"
[ "$conns" != 8 ] && cmdline="CONNS=$conns $cmdline"

tools/install-deps.sh bench test
mkdir -p "$out"
log=$out/build-web.log
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1
cmake --build "$build" --target blogsearch-index blogsearch-cgi -j "$(nproc)" >>"$log" 2>&1 \
  || { say "the build failed ($log)"; tail -n 20 "$log" >&2; exit 1; }

# --- the index
if [ "$n" = samples ]; then
  index=$out/index-samples/bs
  rm -rf "$index"; mkdir -p "$(dirname "$index")"
  "$build/blogsearch-index" -q --index "$index" --url-prefix /posts/ data/samples
  posts=$(ls data/samples | grep -c -E '\.(rst|md)$')
else
  index=$out/index-scaled-$n/bs
  if [ ! -f "$index/data.mdb" ]; then
    corpus=$out/scaled-$n
    if [ ! -d "$corpus" ]; then
      [ -d "$rfweb" ] || { say "no corpus at $rfweb to scale"; exit 2; }
      /usr/bin/python3 bench/make_corpus.py "$n" "$corpus" --source "$rfweb"
    fi
    say "building the blogsearch index of $corpus"; mkdir -p "$(dirname "$index")"
    "$build/blogsearch-index" -q --full --index "$index" "$corpus"
  fi
  posts=$n
fi
cat "$index/data.mdb" >/dev/null        # the page cache, as on a live site

# --- the server and the request paths
WEB=$(mktemp -d /tmp/bs-web-bench.XXXXXX)
BUILD=$top/$build SRC=$top WEB_INDEX=$top/$index
export WEB BUILD SRC WEB_INDEX
# shellcheck source=../tests/web/server.sh
. tests/web/server.sh
# on failure the server's logs stay for a look
trap 'web_stop; if [ "$?" = 0 ]; then rm -rf "$WEB"; else say "logs kept in $WEB/log"; fi' EXIT
web_start
[ "$FASTCGI" = 1 ] || say "blogsearch.cgi was built without FastCGI (libfcgi-dev): no FastCGI runs"
mkpaths() {  # PREFIX FILE: the queries as request paths
  /usr/bin/python3 - "$1" bench/queries.tsv >"$2" <<'EOF'
import sys, urllib.parse
prefix, tsv = sys.argv[1], sys.argv[2]
for line in open(tsv, encoding="utf-8").read().splitlines()[1:]:
    kind, query = line.split("\t", 1)
    print(prefix + "?" + urllib.parse.urlencode({"q": query, "format": "json"}))
EOF
}
mkpaths /cgi-bin/blogsearch.cgi "$WEB/cgi.paths"
mkpaths /fcgi/blogsearch "$WEB/fcgi.paths"
echo /static.txt >"$WEB/static.paths"
bad=0
targets="static cgi"
[ "$FASTCGI" = 1 ] && targets="static cgi fcgi"
for t in $targets; do
  while read -r p; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE$p")
    if [ "$code" != 200 ]; then
      say "$t: $p answered $code"
      bad=$((bad + 1))
    fi
  done <"$WEB/$t.paths"
done
[ "$bad" = 0 ] || { say "$bad requests failed before the load; see $WEB/log/error.log"; exit 1; }

# --- the runs
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }
errs() {  # RESULT-LINE: the sum of wrk's error counts
  echo "$1" | tr ' ' '\n' | awk -F= '/^(connect|read|write|status|timeout)=/ { s += $2 } END { print s + 0 }'
}
declare -A res
errors=0
for t in $targets; do
  for c in 1 "$conns"; do
    threads=$(( c < 2 ? 1 : 2 ))
    say "$t, $c connection(s), ${dur} s"
    line=$(WRK_PATHS=$WEB/$t.paths wrk -t"$threads" -c"$c" -d"${dur}s" --timeout 10s \
             -s bench/web.lua "$BASE/" | grep '^RESULT ')
    res[$t,$c]=$line
    errors=$((errors + $(errs "$line")))
  done
done
get() { echo "${res[$1,$2]}" | grep -o " $3=[0-9.]*" | cut -d= -f2; }

report=$out/web-$n.md
{
  echo "### Web load: $posts posts, lighttpd on loopback, wrk ${dur} s a run"
  echo
  echo "\`$cmdline\` on $(date -u +%Y-%m-%d), $(nproc) cores; $(lighttpd -v 2>&1 | head -n 1 | cut -d' ' -f1);"
  echo "the 72 queries of bench/queries.tsv in turn, \`format=json\` (snippets, tag facets)."
  echo
  echo "| endpoint | connections | requests/s | p50 ms | p90 ms | p99 ms | errors |"
  echo "|---|---|---|---|---|---|---|"
  for t in $targets; do
    case $t in
      static) name="static file (\`/static.txt\`)" ;;
      cgi) name="blogsearch.cgi, CGI (a process per request)" ;;
      fcgi) name="blogsearch.cgi, FastCGI (resident)" ;;
    esac
    for c in 1 "$conns"; do
      line=${res[$t,$c]}
      e=$(errs "$line")
      printf '| %s | %s | %.0f | %.2f | %.2f | %.2f | %s |\n' "$name" "$c" \
        "$(get "$t" "$c" rps)" "$(get "$t" "$c" p50)" "$(get "$t" "$c" p90)" "$(get "$t" "$c" p99)" "$e"
    done
  done
  echo
  s50=$(get static 1 p50)
  for t in cgi fcgi; do
    [ -n "${res[$t,1]:-}" ] || continue
    printf -- '- %s adds %.2f ms at the median (p50 %.2f ms vs the static file'"'"'s %.2f ms, one connection); %s requests/s with %s connections is %.1f%% of the static file'"'"'s.\n' \
      "$([ $t = cgi ] && echo "CGI" || echo "FastCGI")" \
      "$(calc "$(get $t 1 p50) - $s50")" "$(get $t 1 p50)" "$s50" \
      "$(printf '%.0f' "$(get $t "$conns" rps)")" "$conns" \
      "$(calc "100 * $(get $t "$conns" rps) / $(get static "$conns" rps)")"
  done
  echo "- errors over all runs: $errors"
} >"$report"
cat "$report"
[ "$errors" = 0 ] || { say "$errors errors under load; see $WEB/log/error.log"; exit 1; }
