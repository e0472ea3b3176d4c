#!/usr/bin/env bash
# Analyzer throughput, blogsearch beside its peers in one run:
#   blogsearch analyzer with its word cache and without it,
#   Xapian's TermGenerator with the Snowball russian stemmer,
#   SQLite FTS5's unicode61 tokenizer (FTS5 has no Russian stemmer).
# Each program loads the same posts into memory and analyzes them one call
# per post; each figure is the best of RUNS passes, and the programs take
# turns for ROUNDS rounds so machine noise hits all of them alike; the table
# shows each engine's best round.
# Usage: bench/analyzer.sh [CORPUS_DIR]   (default: ../shared/corpus/rf-web)
# Environment: RUNS (default 5), ROUNDS (default 3), BUILD (default build-bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus/rf-web}
runs=${RUNS:-5}
rounds=${ROUNDS:-3}
build=${BUILD:-$top/build-bench}

if [ ! -d "$corpus" ]; then
  echo "analyzer.sh: no corpus at $corpus" >&2
  exit 2
fi
"$top/tools/install-deps.sh" bench
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_BENCH=ON >/dev/null
cmake --build "$build" -j "$(nproc)" >/dev/null

mapfile -d '' files < <(find "$corpus" -type f \( -name '*.rst' -o -name '*.md' \) -print0 | sort -z)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((r = 1; r <= rounds; r++)); do
  for prog in bench_analyzer peer_xapian_termgen peer_fts5_tokenizer; do
    if [ -x "$build/bench/$prog" ]; then
      "$build/bench/$prog" "$runs" "${files[@]}" >>"$out"
    else
      echo "analyzer.sh: $prog was not built (peer library missing)" >&2
    fi
  done
done

echo "corpus: $corpus (${#files[@]} files)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo
# best round per engine+variant, then ratios against the cached analyzer
awk -F'\t' '
  { key = $1 " / " $2
    if (!(key in best) || $5 < best[key]) { best[key] = $5; bytes[key] = $3; tok[key] = $4 }
    if (!(key in seen)) { seen[key] = 1; order[n++] = key } }
  END {
    base = best["blogsearch / cache"]
    printf "| analyzer | MB/s | tokens/s | tokens | seconds | time vs blogsearch (cache) |\n"
    printf "|---|---:|---:|---:|---:|---:|\n"
    for (i = 0; i < n; i++) {
      k = order[i]
      printf "| %s | %.1f | %.2fM | %d | %.3f | %.2fx |\n", k, bytes[k] / best[k] / 1e6,
             tok[k] / best[k] / 1e6, tok[k], best[k], best[k] / base
    }
  }' "$out"
