#!/usr/bin/env bash
# Runs the relevance queries (tests/relevance/queries.tsv) through blogsearch over an
# index of rf-web and scores the run with tests/relevance/score.py.
# Usage: bench/relevance_blogsearch.sh [BUILD_DIR]   (default: build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
corpus=${RFWEB:-$top/../shared/corpus/rf-web}
out=$top/bench/out
mkdir -p "$out"
ix=$out/relevance-index
rm -rf "$ix"
"$build/blogsearch-index" -q --index "$ix" "$corpus/content" "$corpus/posts" 2>/dev/null
run=$out/blogsearch-run.tsv
: >"$run"
tail -n +2 "$top/tests/relevance/queries.tsv" | while IFS=$'\t' read -r qid kind query; do
  "$build/blogsearch" --index "$ix" --json -n 10 -- "$query" 2>/dev/null \
    | python3 -c '
import json, sys
qid = sys.argv[1]
try:
    r = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
for x in r["results"]:
    print(qid, x["rank"], x["slug"], sep="\t")
' "$qid" >>"$run" || true
done
python3 "$top/tests/relevance/score.py" "$run"
