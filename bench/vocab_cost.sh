#!/usr/bin/env bash
# What a growing vocabulary costs blogsearch-index: a full build of N posts of
# bench/make_corpus.py with the hunspell words mixed in (its default) beside
# the same posts with rf-web's words alone (--vocab source), the two builds
# taking turns REPEAT times; best and median seconds, peak RSS, the index's
# terms and size. The corpora go to bench/out/vocab-N-{hunspell,source}.
# Usage: bench/vocab_cost.sh [N]   (default 30000)
# Environment: REPEAT (default 3), BUILD (default build-bench: bench/run and
# bench/query.sh build it; this script does not), KEEP=1 keeps the corpora.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-30000}
repeat=${REPEAT:-3}
build=${BUILD:-$top/build-bench}
out=$top/bench/out
case "$n" in ''|*[!0-9]*|0*) echo "usage: bench/vocab_cost.sh [N]" >&2; exit 2 ;; esac
[ -x "$build/blogsearch-index" ] || { echo "vocab_cost.sh: no $build/blogsearch-index (run bench/run first)" >&2; exit 2; }
mkdir -p "$out"
for v in hunspell source; do
  /usr/bin/python3 "$top/bench/make_corpus.py" "$n" "$out/vocab-$n-$v" --vocab "$v"
  find "$out/vocab-$n-$v" -type f -name '*.rst' -exec cat {} + >/dev/null
done
res=$out/vocab-cost-$n.tsv
: >"$res"
for ((i = 1; i <= repeat; i++)); do
  for v in hunspell source; do
    ix=$out/vocab-$n-$v.idx
    rm -rf "$ix"
    sync
    /usr/bin/time -f '%e %M' -o "$ix.time" "$build/blogsearch-index" --index "$ix" --full --quiet \
      "$out/vocab-$n-$v" 2>/dev/null
    echo "$v $(cat "$ix.time")" >>"$res"
    echo "vocab_cost.sh: $v ($i/$repeat): $(cat "$ix.time")" >&2
  done
done
echo "| vocabulary | distinct words | blogsearch terms | index MB | best s | median s | peak RSS MB |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for v in hunspell source; do
  ix=$out/vocab-$n-$v.idx
  words=$(/usr/bin/python3 "$top/bench/vocab.py" --json "$out/vocab-$n-$v" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["distinct_words"])')
  terms=$("$build/blogsearch-index" --index "$ix" --stats --json | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["terms"])')
  mb=$(du -s -B1 "$ix" | awk '{ printf "%.1f", $1 / 1e6 }')
  awk -v v="$v" -v w="$words" -v t="$terms" -v mb="$mb" '$1 == v { s[++k] = $2; if ($3 > r) r = $3 }
    END { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (s[j] < s[i]) { x = s[i]; s[i] = s[j]; s[j] = x }
          printf "| %s | %d | %d | %s | %.2f | %.2f | %.1f |\n", v, w, t, mb, s[1], s[int((k + 1) / 2)], r / 1024 }' "$res"
done
[ "${KEEP:-0}" = 1 ] || rm -rf "$out/vocab-$n-hunspell" "$out/vocab-$n-source" "$out"/vocab-"$n"-*.idx
