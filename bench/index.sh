#!/usr/bin/env bash
# Indexing: blogsearch-index (a full build, then a run that finds nothing
# changed) beside Xapian and SQLite FTS5 building a blog index of the same
# posts (bench/peer_index_xapian.cc, bench/peer_index_fts5.c), on rf-web and on
# a scaled corpus of N posts made by bench/make_corpus.py.
# Each run is one process timed by /usr/bin/time (wall seconds, peak RSS) into
# a fresh directory under bench/out/; index size is the disk space of what it wrote
# (`du -s -B1`: blogsearch's data.mdb is a sparse file as long as its map).
# The page cache cannot be dropped here, so the corpus is read once before the
# runs and every run sees it warm; `sync` before each run keeps one run's
# writeback out of the next one's time.
# Usage: bench/index.sh [N]   (default 100000 posts in the scaled corpus)
# Environment: REPEAT (default 1; n = best of n runs), TIMEOUT (seconds per
# run, default 0 = none), BUILD (default build-bench), RFWEB (the real posts,
# default ../shared/corpus/rf-web).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
repeat=${REPEAT:-1}
limit=${TIMEOUT:-0}
build=${BUILD:-$top/build-bench}
rfweb=${RFWEB:-$top/../shared/corpus/rf-web}
out=$top/bench/out

case "$n" in ''|*[!0-9]*|0*) echo "usage: bench/index.sh [N]  (N posts, a positive integer)" >&2; exit 2 ;; esac
case "$repeat" in ''|*[!0-9]*|0*) echo "index.sh: REPEAT must be a positive integer" >&2; exit 2 ;; esac
case "$limit" in ''|*[!0-9]*) echo "index.sh: TIMEOUT must be a number of seconds" >&2; exit 2 ;; esac
if [ ! -d "$rfweb" ]; then
  echo "index.sh: no corpus at $rfweb" >&2
  exit 2
fi
rfweb=$(cd "$rfweb" && pwd)
cmdline="bench/index.sh${1:+ $1}"
[ "$repeat" != 1 ] && cmdline="REPEAT=$repeat $cmdline"
[ "$limit" != 0 ] && cmdline="TIMEOUT=$limit $cmdline"

say() { echo "index.sh: $*" >&2; }

# --- dependencies: the bench group, plus GNU time and Python for the corpus
"$top/tools/install-deps.sh" bench
extra=""
[ -x /usr/bin/time ] || extra="$extra time"
[ -x /usr/bin/python3 ] || extra="$extra python3"
if [ -n "$extra" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  say "installing$extra"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $extra >/dev/null
fi

# --- build. A failed build must not leave an old blogsearch-index measured.
mkdir -p "$out"
blog=$build/blogsearch-index
bs_note=""
buildlog=$out/build.log
if ! { cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_BENCH=ON \
       && cmake --build "$build" -j "$(nproc)"; } >"$buildlog" 2>&1; then
  say "the CMake build failed (bench/out/build.log); blogsearch rows skipped"
  tail -n 15 "$buildlog" >&2
  bs_note="the CMake build failed (see bench/out/build.log): blogsearch not measured"
elif [ ! -x "$blog" ]; then
  bs_note="$blog does not exist yet: blogsearch not measured"
fi
[ -n "$bs_note" ] && say "$bs_note"

# The peers are built by bench/CMakeLists.txt with the rest (BS_BENCH=ON).
for p in peer_index_xapian peer_index_fts5; do
  [ -x "$build/bench/$p" ] || say "$p was not built (bench/out/build.log): its rows are skipped"
done

# --- corpora
/usr/bin/python3 "$top/bench/make_corpus.py" "$n" "$out/scaled-$n" --source "$rfweb"

# measure TAG OUTFILE CMD...: runs CMD once under /usr/bin/time; sets secs,
# rss (KiB) and rc; CMD's output goes to OUTFILE.{out,err}.
measure() {
  local tag=$1 log=$2 tf
  shift 2
  tf=$log.time
  sync
  say "$tag"
  local pre=()
  [ "$limit" != 0 ] && pre=(timeout "$limit")
  if /usr/bin/time -f '%e %M' -o "$tf" "${pre[@]}" "$@" >"$log.out" 2>"$log.err"; then
    rc=0
  else
    rc=$?
  fi
  read -r secs rss < <(tail -n 1 "$tf")
  if [ "$rc" -ne 0 ]; then
    if [ "$rc" -eq 124 ] && [ "$limit" != 0 ]; then
      say "$tag: stopped after $limit s"
    else
      say "$tag: exit status $rc"
      tail -n 5 "$log.err" >&2
    fi
  fi
}

# best PREP ENGINE RUN LOG SIZEPATH CMD...: REPEAT runs (PREP before each),
# keeps the fastest and appends a row to $rows; ok=0 when a run failed.
best() {
  local prep=$1 engine=$2 run=$3 log=$4 sizepath=$5 i bs="" br="" own="" fail="" size
  shift 5
  for ((i = 1; i <= repeat; i++)); do
    $prep
    measure "$name: $engine $run ($i/$repeat)" "$log" "$@"
    if [ "$rc" -ne 0 ]; then
      fail="failed (exit $rc)"
      [ "$rc" -eq 124 ] && [ "$limit" != 0 ] && fail="stopped after $limit s"
      break
    fi
    if [ -z "$bs" ] || awk -v a="$secs" -v b="$bs" 'BEGIN { exit !(a < b) }'; then
      bs=$secs
      br=$rss
      # the peers print their own timing: engine, files, bytes, seconds
      own=$(awk -F'\t' -v e="$engine" '$1 == e { print $4 }' "$log.out")
    fi
  done
  if [ -n "$fail" ]; then
    ok=0
    printf '%s\t%s\t%s\t\t\t\n' "$engine" "$run" "$fail" >>"$rows"
    return
  fi
  ok=1
  size=$(du -s -B1 "$sizepath" 2>/dev/null | cut -f1 || true)
  size=${size:-0}
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$run" "$bs" "$br" "$size" "$own" >>"$rows"
}

report=$out/index-$n.md
{
  echo '```sh'
  echo "$cmdline"
  echo '```'
  echo
  echo "$(date -u '+%Y-%m-%d'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), Xapian $(xapian-config --version | awk '{print $NF}'), SQLite $(pkg-config --modversion sqlite3); REPEAT=$repeat"
  echo
  echo "Commands (CORPUS: the corpus directory; OUT: bench/out/index-<corpus>; LIST: CORPUS's"
  echo "\*.rst paths, sorted, NUL-separated), each under \`/usr/bin/time -f '%e %M'\`:"
  echo
  echo "- blogsearch full build: \`build-bench/blogsearch-index --index OUT/bs --full --quiet CORPUS\`"
  echo "- blogsearch no-change run: \`build-bench/blogsearch-index --index OUT/bs --quiet CORPUS\`"
  echo "- xapian: \`build-bench/bench/peer_index_xapian OUT/xapian @LIST\`"
  echo "- sqlite-fts5: \`build-bench/bench/peer_index_fts5 OUT/fts5.db @LIST\`"
  echo
  echo "MB = 10^6 bytes; seconds = wall time of the whole process."
} | tee "$report"

for corpus in "rf-web=$rfweb" "scaled-$n=$out/scaled-$n"; do
  name=${corpus%%=*}
  dir=${corpus#*=}
  o=$out/index-$name
  rm -rf "$o"
  mkdir -p "$o"
  list=$o/files.lst
  find "$dir" -type f -name '*.rst' -print0 | LC_ALL=C sort -z >"$list"
  nfiles=$(tr -cd '\0' <"$list" | wc -c)
  src=$(find "$dir" -type f -name '*.rst' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  say "$name: $nfiles files, $src bytes; reading them once so every run finds them cached"
  xargs -0 cat <"$list" >/dev/null
  rows=$o/rows.tsv
  : >"$rows"

  if [ -z "$bs_note" ]; then
    prep_bs() { rm -rf "$o/bs"; }
    best prep_bs blogsearch "full build" "$o/bs-full" "$o/bs" \
      "$blog" --index "$o/bs" --full --quiet "$dir"
    if [ "$ok" = 1 ]; then
      best : blogsearch "no-change run" "$o/bs-nochange" "$o/bs" \
        "$blog" --index "$o/bs" --quiet "$dir"
    else
      printf 'blogsearch\tno-change run\tnot run (no full build)\t\t\t\n' >>"$rows"
    fi
  fi
  prep_x() { rm -rf "$o/xapian"; }
  best prep_x xapian "full build" "$o/xapian" "$o/xapian" \
    "$build/bench/peer_index_xapian" "$o/xapian" "@$list"
  prep_f() { rm -f "$o/fts5.db" "$o/fts5.db-journal"; }
  best prep_f sqlite-fts5 "full build" "$o/fts5" "$o/fts5.db" \
    "$build/bench/peer_index_fts5" "$o/fts5.db" "@$list"

  {
    echo
    echo "### $name: $nfiles posts, $(awk -v b="$src" 'BEGIN { printf "%.2f", b / 1e6 }') MB of reStructuredText"
    echo
    [ -n "$bs_note" ] && echo "($bs_note.)" && echo
    awk -F'\t' -v src="$src" '
      { e[NR] = $1; r[NR] = $2; s[NR] = $3; m[NR] = $4; z[NR] = $5; own[NR] = $6
        if ($1 == "blogsearch" && $2 == "full build" && $3 ~ /^[0-9.]+$/) base = $3 }
      END {
        print "| engine | run | seconds | MB/s of source | peak RSS MB | index size MB | index / source | time vs blogsearch full build |"
        print "|---|---|---:|---:|---:|---:|---:|---:|"
        for (i = 1; i <= NR; i++) {
          if (s[i] !~ /^[0-9.]+$/) { printf "| %s | %s | %s | | | | | |\n", e[i], r[i], s[i]; continue }
          t = s[i] > 0.005 ? s[i] : 0.005
          rel = base > 0 ? sprintf("%.2fx", s[i] / (base > 0.005 ? base : 0.005)) : "n/a"
          printf "| %s | %s | %.2f | %.1f | %.1f | %.1f | %.2f | %s |\n", e[i], r[i], s[i],
                 src / 1e6 / t, m[i] * 1024 / 1e6, z[i] / 1e6, z[i] / src, rel
        }
        for (i = 1; i <= NR; i++)
          if (own[i] != "") note = note sprintf("%s%s %.2f s", note == "" ? "" : ", ", e[i], own[i])
        if (note != "")
          print "\nTime the peers report themselves (reading, parsing, indexing, commit; no process start): " note "."
      }' "$rows"
  } | tee -a "$report"
done
say "report written to ${report#"$top"/}"
