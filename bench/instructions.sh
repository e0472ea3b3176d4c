#!/usr/bin/env bash
# Instructions per query class, two builds of bench_query side by side:
# callgrind counts the instructions each executes answering every query of
# one class of bench/queries.tsv RUNS times (with the index opened once), so
# the figure is the same on a loaded machine as on a quiet one, where a
# timing is not. Each class is a run of its own; the count includes opening
# the index and the warm-up runs, the same for both builds.
# Usage: bench/instructions.sh INDEX OLD_BENCH_QUERY NEW_BENCH_QUERY [RUNS]
#   INDEX            an index both builds read (made by either blogsearch-index
#                    of the same format)
#   *_BENCH_QUERY    bench_query programs (a -DBS_BENCH=ON build's bench/bench_query)
#   RUNS             timed runs of each query (default 3)
# Prints one row per class: millions of instructions, old and new, and new ÷ old.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 3 ]; then
  echo "usage: bench/instructions.sh INDEX OLD_BENCH_QUERY NEW_BENCH_QUERY [RUNS]" >&2
  exit 2
fi
index=$1 old=$2 new=$3 runs=${4:-3}
command -v valgrind >/dev/null || { echo "instructions.sh: valgrind is not installed" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# instructions PROGRAM QUERIES: the count callgrind collects
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$index" "$2" "$runs" 0 2>&1 >/dev/null |
    awk '/Collected/ { print $4 }'
}
printf '| class | old M instructions | new M instructions | new ÷ old |\n|---|---:|---:|---:|\n'
for kind in $(awk -F'\t' 'NR > 1 && !seen[$1]++ { print $1 }' "$top/bench/queries.tsv"); do
  { printf 'kind\tquery\n'; awk -F'\t' -v k="$kind" '$1 == k' "$top/bench/queries.tsv"; } >"$tmp/q.tsv"
  o=$(instructions "$old" "$tmp/q.tsv")
  n=$(instructions "$new" "$tmp/q.tsv")
  awk -v k="$kind" -v o="$o" -v n="$n" 'BEGIN { printf "| %s | %.0f | %.0f | %.2f |\n", k, o / 1e6, n / 1e6, n / o }'
done
