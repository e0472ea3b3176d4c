#!/usr/bin/env bash
# An author's edit loop: one post edited in a blog of N posts and brought
# into the index, by a normal incremental run (the walk stats every file and
# reads the paths table through) and by `blogsearch-index --changed` with the
# edited path on standard input; beside them the runs that find nothing to
# do (no edit; an empty list). On rf-web and on the scaled corpus of N posts
# (bench/make_corpus.py, made under bench/out/ when missing), each copied
# into a scratch directory first: the corpus under bench/out/ is never
# edited, and the copy is removed at the end.
# Each run is one process under /usr/bin/time (peak RSS) with its wall time
# taken in milliseconds around it; the best of REPEAT runs is kept, each
# after a new edit. Every run must say what it did (1 updated, or nothing);
# the index must pass --check and find the last edit's word at the end.
# Usage: bench/changed.sh [N]   (default 100000 posts in the scaled corpus)
# Environment: REPEAT (default 5), BUILD (default build-bench), RFWEB (the
# real posts, default ../shared/corpus/rf-web), SCRATCH (where the copies go,
# default $TMPDIR or /tmp).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/bench/out
n=${1:-100000}
: "${REPEAT:=5}" "${BUILD:=$top/build-bench}" "${RFWEB:=$top/../shared/corpus/rf-web}"
positive() { case "$1" in ''|*[!0-9]*|0*) return 1 ;; esac; }
positive "$n" || { echo "usage: bench/changed.sh [N]  (N posts, a positive integer)" >&2; exit 2; }
positive "$REPEAT" || { echo "changed.sh: REPEAT must be a positive integer" >&2; exit 2; }
[ -d "$RFWEB" ] || { echo "changed.sh: no corpus at $RFWEB" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "changed.sh: GNU time (/usr/bin/time) is needed: apt-get install time" >&2; exit 2; }
rfweb=$(cd "$RFWEB" && pwd) build=$BUILD repeat=$REPEAT
cmdline="bench/changed.sh${1:+ $1}"
[ "$repeat" != 5 ] && cmdline="REPEAT=$repeat $cmdline"
say() { echo "changed.sh: $*" >&2; }

# --- build (blogsearch-index and blogsearch only) and the scaled corpus
mkdir -p "$out"
if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release \
       && cmake --build "$build" -j "$(nproc)" --target blogsearch-index blogsearch; } \
     >"$out/changed-build.log" 2>&1; then
  tail -n 15 "$out/changed-build.log" >&2
  say "the build failed (bench/out/changed-build.log)"
  exit 1
fi
bi=$build/blogsearch-index
/usr/bin/python3 "$top/bench/make_corpus.py" "$n" "$out/scaled-$n" --source "$rfweb"

scratch=$(mktemp -d "${SCRATCH:-${TMPDIR:-/tmp}}/bs-changed.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# measure LOG CMD... < INPUT: one run; sets ms (wall, milliseconds), rss
# (KiB) and faults (minor page faults); its summary in LOG.err. A failed run
# stops the benchmark.
measure() {
  local log=$1 t0 t1
  shift
  sync
  t0=$(date +%s%N)
  if ! /usr/bin/time -f '%M %R' -o "$log.time" "$@" >"$log.out" 2>"$log.err"; then
    tail -n 5 "$log.err" >&2
    say "failed: $*"
    exit 1
  fi
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  read -r rss faults < <(tail -n 1 "$log.time")
}
# expect LOG TEXT: the run's summary says TEXT
expect() { grep -qF -- "$2" "$1.err" || { say "the run did not say '$2':"; cat "$1.err" >&2; exit 1; }; }

report=$out/changed-$n.md
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(. /etc/os-release && echo "$PRETTY_NAME")"
tee "$report" <<EOF
\`\`\`sh
$cmdline
\`\`\`

$(date -u '+%Y-%m-%d'), $machine; best of $repeat runs, each after a new edit of the same post; the corpus in the page cache

- normal run: \`blogsearch-index --index IX CORPUS\`
- --changed: \`echo CORPUS/DIR/POST.rst | blogsearch-index --index IX --changed CORPUS\`

ms = wall time of the whole process in milliseconds; peak RSS and minor page faults from
\`/usr/bin/time -f '%M %R'\`. RSS counts the pages of data.mdb that the kernel maps around each one
read (the page cache, shared, not the process's own memory).
EOF

for name in rf-web "scaled-$n"; do
  src=$out/$name
  [ "$name" = rf-web ] && src=$rfweb
  say "$name: copying to $scratch"
  rm -rf "$scratch/blog" "$scratch/ix"
  cp -a "$src" "$scratch/blog"
  cd "$scratch"
  nposts=$(find blog -type f -name '*.rst' | wc -l)
  # the post edited: one in the middle of the tree, by name
  post=$(find blog -type f -name '*.rst' | LC_ALL=C sort | sed -n "$((nposts / 2 + 1))p")
  say "$name: $nposts posts; a full build first"
  measure "$scratch/full" "$bi" --index ix --full blog
  full_ms=$ms full_rss=$rss
  find blog -type f -name '*.rst' -print0 | xargs -0 cat >/dev/null   # every run finds them cached
  rows=$scratch/rows.tsv
  : >"$rows"
  for kind in normal changed; do
    best="" brss="" bpf=""
    for ((i = 1; i <= repeat; i++)); do
      printf '\nПравка номер %s-%s: абракадабра%s%s.\n' "$kind" "$i" "$kind" "$i" >>"$post"
      if [ "$kind" = normal ]; then
        measure "$scratch/run" "$bi" --index ix blog
      else
        printf '%s\n' "$post" >"$scratch/list"
        measure "$scratch/run" "$bi" --index ix --changed blog <"$scratch/list"
      fi
      expect "$scratch/run" " 0 added, 1 updated, 0 removed,"
      if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms brss=$rss bpf=$faults; fi
    done
    printf '%s\tone post edited\t%s\t%s\t%s\n' "$kind" "$best" "$brss" "$bpf" >>"$rows"
  done
  for kind in normal changed; do
    best="" brss="" bpf=""
    for ((i = 1; i <= repeat; i++)); do
      if [ "$kind" = normal ]; then
        measure "$scratch/run" "$bi" --index ix blog
      else
        measure "$scratch/run" "$bi" --index ix --changed blog </dev/null
      fi
      expect "$scratch/run" "(nothing to write)"
      if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms brss=$rss bpf=$faults; fi
    done
    printf '%s\tnothing changed\t%s\t%s\t%s\n' "$kind" "$best" "$brss" "$bpf" >>"$rows"
  done
  "$bi" --index ix --check -q || { say "$name: --check failed"; exit 1; }
  "$build/blogsearch" --index ix --exact -n 1 "абракадабраchanged$repeat" >"$scratch/found"
  grep -qF "${post#blog/}" "$scratch/found" || grep -qF "$post" "$scratch/found" \
    || { say "$name: the last edit is not found"; cat "$scratch/found" >&2; exit 1; }
  {
    echo
    echo "### $name: $nposts posts (full build: $(awk -v m="$full_ms" 'BEGIN { printf "%.2f", m / 1000 }') s, $(awk -v k="$full_rss" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }') MB peak RSS)"
    echo
    echo "| run | what changed | ms | peak RSS MB | faults |"
    echo "|---|---|---:|---:|---:|"
    awk -F'\t' '{ printf "| %s | %s | %d | %.1f | %d |\n", $1 == "changed" ? "--changed" : "normal", $2, $3, $4 * 1024 / 1e6, $5 }' "$rows"
  } | tee -a "$report"
  cd "$top"
done
say "report written to ${report#"$top"/}"
