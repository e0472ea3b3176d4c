#!/usr/bin/env bash
# Indexing Markdown before and after a change: blogsearch-index of BASE (a
# commit) and of the working tree, both Release (bench/two_builds.sh, under
# bench/out/index-markdown/), each building an index from scratch (--full)
# of every Markdown post of the corpora, and of COPIES copies of them. The
# posts are not copied: bench/out/index-markdown/posts-K/ holds symbolic
# links to them (and to their .meta sidecars), one directory a copy, which
# blogsearch-index reads as distinct posts. The two builds take turns,
# REPEAT runs each; the fastest run of each is kept. MB = 10^6 bytes of the
# post files; seconds = wall time of the process (/usr/bin/time).
# Usage: bench/index_markdown.sh [COPIES] [BASE]   (default 10, where HEAD left main)
# Environment: REPEAT (default 3), CORPORA (default ../shared/corpus/blogs),
# EXT (default "md markdown mdown mkd"); COUNT=1 also counts each build's
# instructions over one copy (valgrind's callgrind: repeatable on a noisy
# machine, where wall times are not).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
copies=${1:-10}
base=$(git -C "$top" rev-parse --verify "${2:-$(git -C "$top" merge-base HEAD main)}^{commit}")
repeat=${REPEAT:-3}
read -r -a corpora <<<"${CORPORA:-$top/../shared/corpus/blogs}"
read -r -a exts <<<"${EXT:-md markdown mdown mkd}"
out=$top/bench/out/index-markdown
say() { echo "index_markdown.sh: $*" >&2; }
case "$copies" in ''|*[!0-9]*|0*) echo "usage: bench/index_markdown.sh [COPIES] [BASE]" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0*) echo "index_markdown.sh: REPEAT must be a positive integer" >&2; exit 2 ;; esac
for d in "${corpora[@]}"; do
  [ -d "$d" ] || { say "no corpus at $d"; exit 2; }
done

# shellcheck source=bench/two_builds.sh
. "$top/bench/two_builds.sh"
two_builds "$out" "$base" blogsearch-index

# the posts, as links: posts-1 one copy, posts-N (N = COPIES) N copies
names=()
for e in "${exts[@]}"; do
  names+=(${names[@]:+-o} -name "*.$e")
done
find "${corpora[@]}" -type f \( "${names[@]}" \) | LC_ALL=C sort >"$out/posts.lst"
link_copies() {   # link_copies DIR K: K copies of the posts under DIR
  local dir=$1 k=$2 i p rel
  rm -rf "$dir"
  for ((i = 0; i < k; i++)); do
    while IFS= read -r p; do
      rel=${p#/}
      mkdir -p "$dir/$i/$(dirname "$rel")"
      ln -s "$p" "$dir/$i/$rel"
      if [ -e "${p%.*}.meta" ]; then
        ln -s "${p%.*}.meta" "$dir/$i/${rel%.*}.meta"
      fi
    done <"$out/posts.lst"
  done
}
bytes=$(xargs -d '\n' stat -c %s <"$out/posts.lst" | awk '{ s += $1 } END { print s }')
nposts=$(wc -l <"$out/posts.lst")
sets=(1)
[ "$copies" != 1 ] && sets+=("$copies")
for k in "${sets[@]}"; do
  link_copies "$out/posts-$k" "$k"
done
xargs -d '\n' cat <"$out/posts.lst" >/dev/null   # every run finds the posts cached

# run BUILD K: one --full build of posts-K; prints its wall seconds
run() {
  local b=$1 k=$2 ix=$out/index-$1-$2
  rm -rf "$ix"
  sync
  /usr/bin/time -f '%e' -o "$out/time" "$out/$b-build/blogsearch-index" \
    --index "$ix" --full --quiet "$out/posts-$k" >"$out/$b-$k.out" 2>"$out/$b-$k.err" ||
    { say "$b over posts-$k failed:"; tail -n 5 "$out/$b-$k.err" >&2; exit 1; }
  tail -n 1 "$out/time"
}
echo '```sh'
echo "bench/index_markdown.sh $copies $(git -C "$top" rev-parse --short "$base")   # REPEAT=$repeat"
echo '```'
echo
echo "$(date -u '+%Y-%m-%d'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')); base $(git -C "$top" rev-parse --short "$base"), new: the working tree at $(git -C "$top" rev-parse --short HEAD)"
echo
echo "| posts | MB | build | best of $repeat, s | MB/s | new vs base |"
echo "|---:|---:|---|---:|---:|---:|"
declare -A best
for k in "${sets[@]}"; do
  best=()
  for ((r = 1; r <= repeat; r++)); do
    for b in base new; do
      say "posts-$k: $b ($r/$repeat)"
      s=$(run "$b" "$k")
      if [ -z "${best[$b]:-}" ] || awk -v a="$s" -v c="${best[$b]}" 'BEGIN { exit !(a < c) }'; then
        best[$b]=$s
      fi
    done
  done
  mb=$(awk -v b="$bytes" -v k="$k" 'BEGIN { printf "%.2f", b * k / 1e6 }')
  for b in base new; do
    awk -v n="$((nposts * k))" -v mb="$mb" -v b="$b" -v s="${best[$b]}" -v sb="${best[base]}" \
      'BEGIN { t = s > 0.005 ? s : 0.005; printf "| %d | %s | %s | %.2f | %.1f | %s |\n", n, mb, b, s, mb / t,
               b == "new" ? sprintf("%.2fx", s / (sb > 0.005 ? sb : 0.005)) : "" }'
  done
done
if [ "${COUNT:-0}" = 1 ]; then
  echo
  echo "| posts | build | instructions (callgrind) | new vs base |"
  echo "|---:|---|---:|---:|"
  declare -A ir
  for b in base new; do
    say "posts-1: $b under callgrind"
    rm -rf "$out/index-$b-count"
    ir[$b]=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
      "$out/$b-build/blogsearch-index" --index "$out/index-$b-count" --full --quiet \
      "$out/posts-1" 2>&1 >/dev/null | sed -n 's/.*Collected : \([0-9]*\).*/\1/p')
    awk -v n="$nposts" -v b="$b" -v i="${ir[$b]}" -v ib="${ir[base]}" \
      'BEGIN { printf "| %d | %s | %d | %s |\n", n, b, i, b == "new" ? sprintf("%+.1f%%", (i / ib - 1) * 100) : "" }'
  done
fi
