#!/usr/bin/env bash
# What forgiving queries cost: the queries of bench/queries-correction.tsv
# (the relevance set's mistyped variants by kind, the examples of
# docs/correction.md, and correctly typed queries, class "right") run through
# bench/bench_query in-process, as typed (CORRECT=0: the search alone) and as
# the library runs them by default (CORRECT=1: the search, the correction of
# the words that find little, the corrected query's search), over rf-web and
# the scaled corpus of N posts. Snippets off: the correction's own cost.
# The corpus and its blogsearch index are bench/query.sh's
# (bench/out/scaled-N, bench/out/index-<corpus>/bs), reused when present.
# Usage: bench/correction.sh [N]   (default 100000)
# Environment: RUNS (timed runs per query, default 20), BUILD (default
# build-bench), RFWEB (default ../shared/corpus/rf-web).
# Writes bench/out/correction-N.md (also on stdout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
runs=${RUNS:-20}
build=$(realpath -m "${BUILD:-$top/build-bench}")
rfweb=${RFWEB:-$top/../shared/corpus/rf-web}
case "$n" in ''|*[!0-9]*|0*) echo "usage: bench/correction.sh [N]  (N posts, a positive integer)" >&2; exit 2 ;; esac
case "$runs" in ''|*[!0-9]*|0*) echo "correction.sh: RUNS must be a positive integer" >&2; exit 2 ;; esac
if [ ! -d "$rfweb" ]; then
  echo "correction.sh: no corpus at $rfweb" >&2
  exit 2
fi
rfweb=$(cd "$rfweb" && pwd)
cd "$top"
out=bench/out
queries=bench/queries-correction.tsv
say() { echo "correction.sh: $*" >&2; }

mkdir -p "$out"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_BENCH=ON >"$out/build-correction.log"
for t in blogsearch-index bench_query; do
  cmake --build "$build" --target "$t" -j "$(nproc)" >>"$out/build-correction.log"
done
bq=${build#"$top"/}/bench/bench_query

report=$out/correction-$n.md
{
  echo '```sh'
  echo "bench/correction.sh${1:+ $1}"
  echo '```'
  echo
  echo "$(date -u '+%Y-%m-%d'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), RUNS=$runs, no snippets."
  echo "\`CORRECT=C $bq OUT/bs $queries $runs 0\`: each query once untimed, then $runs timed runs;"
  echo "percentiles over all the runs of a kind, milliseconds. \"as typed\": CORRECT=0;"
  echo "\"forgiving\": CORRECT=1 (parse, then correct_search: the words' posts, their corrections, the searches that decide), what bs_search does."
} | tee "$report"

for corpus in "rf-web=$rfweb" "scaled-$n=$out/scaled-$n"; do
  name=${corpus%%=*}
  dir=${corpus#*=}
  ix=$out/index-$name/bs
  if [ ! -f "$ix/data.mdb" ]; then
    if [ "$name" != rf-web ] && [ ! -d "$dir" ]; then
      say "$name: making the corpus (bench/make_corpus.py)"
      /usr/bin/python3 bench/make_corpus.py "$n" "$dir" --source "$rfweb"
    fi
    say "$name: building the blogsearch index"
    mkdir -p "$out/index-$name"
    "$build/blogsearch-index" --index "$ix" --full --quiet "$dir"
  fi
  find "$ix" -type f -print0 | xargs -0 cat >/dev/null
  for c in 0 1; do
    say "$name: CORRECT=$c"
    CORRECT=$c "$bq" "$ix" "$queries" "$runs" 0 >"$out/index-$name/correction-c$c.tsv"
  done
  nposts=$(find "$dir" -type f -name '*.rst' | wc -l)
  terms=$("$build/blogsearch-index" --index "$ix" --stats 2>/dev/null | awk -F': *' 'tolower($1) ~ /terms/ { print $2; exit }')
  {
    echo
    echo "### $name: $nposts posts${terms:+, $terms distinct terms}"
    echo
    /usr/bin/python3 - "$out/index-$name/correction-c0.tsv" "$out/index-$name/correction-c1.tsv" <<'EOF'
import math, sys

def load(path):
    by = {}
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 5 and f[4]:
            by.setdefault(f[1], []).extend(int(x) for x in f[4].split(","))
    return by

def pct(v, q):
    v = sorted(v)
    return v[max(0, math.ceil(q / 100 * len(v)) - 1)] / 1000

typed, forgiving = load(sys.argv[1]), load(sys.argv[2])
print("| kind | queries×runs | as typed p50 / p95 / p99 | forgiving p50 / p95 / p99 |")
print("|---|---:|---:|---:|")
order = ["layout", "typo1", "typo2", "translit", "wrongmix", "issue", "right"]
for k in order + sorted(set(typed) - set(order)):
    if k not in typed or k not in forgiving:
        continue
    a, b = typed[k], forgiving[k]
    print("| %s | %d | %.2f / %.2f / %.2f | %.2f / %.2f / %.2f |" % (
        k, len(b), pct(a, 50), pct(a, 95), pct(a, 99), pct(b, 50), pct(b, 95), pct(b, 99)))
need = [x for k in order[:6] for x in forgiving.get(k, [])]
if need:
    print("| **all needing correction** | %d | | **%.2f / %.2f / %.2f** |" % (
        len(need), pct(need, 50), pct(need, 95), pct(need, 99)))
EOF
  } | tee -a "$report"
done
