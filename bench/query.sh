#!/usr/bin/env bash
# Query latency: blogsearch through its library (bench/bench_query) beside
# Xapian and SQLite FTS5 (bench/peer_query_xapian.cc, bench/peer_query_fts5.c)
# answering the 96 queries of bench/queries.tsv (eight kinds of 12) over the
# indexes bench/index.sh builds, on rf-web and on the scaled corpus of N posts;
# then the whole-process time of one CGI-like request to the blogsearch tool.
# Each program opens its index once and runs every query once untimed, then
# RUNS timed times, with SNIPPETS=0 and again with SNIPPETS=1; the tables give
# the 50th, 95th and 99th percentiles of all those runs per kind of query.
# Indexes under bench/out/index-<corpus>/{bs,xapian,fts5.db} are reused; a
# missing one is built with index.sh's command (the scaled corpus too, by
# bench/make_corpus.py). Before the runs every index file is read once, so all
# engines find their index in the page cache.
# Usage: bench/query.sh [N]   (default 100000 posts in the scaled corpus)
# Environment: RUNS (timed runs per query, default 20), CGI_RUNS (default 50),
# BUILD (default build-bench), RFWEB (the real posts, default
# ../shared/corpus/rf-web).
# Writes bench/out/query-N.md (the report, also on stdout) and, per corpus,
# the programs' raw output in bench/out/index-<corpus>/query-*.tsv.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
runs=${RUNS:-20}
cgi_runs=${CGI_RUNS:-50}
build=$(realpath -m "${BUILD:-$top/build-bench}")
rfweb=${RFWEB:-$top/../shared/corpus/rf-web}
if [ ! -d "$rfweb" ]; then
  echo "query.sh: no corpus at $rfweb" >&2
  exit 2
fi
rfweb=$(cd "$rfweb" && pwd)
# From here on paths are relative to the repository when inside it, so the
# commands the report shows are the ones that ran.
cd "$top"
rel() { case "$1" in "$top"/*) echo "${1#"$top"/}" ;; *) echo "$1" ;; esac; }
build=$(rel "$build")
out=bench/out
queries=bench/queries.tsv
cgi_query="виртуализация docker"

case "$n" in ''|*[!0-9]*|0*) echo "usage: bench/query.sh [N]  (N posts, a positive integer)" >&2; exit 2 ;; esac
case "$runs" in ''|*[!0-9]*|0*) echo "query.sh: RUNS must be a positive integer" >&2; exit 2 ;; esac
case "$cgi_runs" in ''|*[!0-9]*|0*) echo "query.sh: CGI_RUNS must be a positive integer" >&2; exit 2 ;; esac
cmdline="bench/query.sh${1:+ $1}"
[ "$runs" != 20 ] && cmdline="RUNS=$runs $cmdline"
[ "$cgi_runs" != 50 ] && cmdline="CGI_RUNS=$cgi_runs $cmdline"

say() { echo "query.sh: $*" >&2; }

# --- dependencies: the bench group (Xapian, SQLite, python3-xapian, time)
tools/install-deps.sh bench
[ -x /usr/bin/python3 ] || tools/install-deps.sh test

# --- build, one target at a time, so that a target that does not build (or
# does not exist yet) costs only its own rows. A target that failed is not
# measured with an older binary.
mkdir -p "$out" "$build/bench"
buildlog=$out/build-query.log
declare -A broken=()
if ! cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_BENCH=ON >"$buildlog" 2>&1; then
  say "CMake configuration failed (bench/out/build-query.log)"
  tail -n 15 "$buildlog" >&2
  for t in blogsearch-index blogsearch bench_query peer_index_xapian peer_index_fts5; do broken[$t]=1; done
else
  for t in blogsearch-index blogsearch bench_query peer_index_xapian peer_index_fts5; do
    [ "$t" = bench_query ] && ! grep -qw bench_query bench/CMakeLists.txt && continue
    if ! cmake --build "$build" --target "$t" -j "$(nproc)" >>"$buildlog" 2>&1; then
      broken[$t]=1
      say "target $t does not build (bench/out/build-query.log)"
    fi
  done
fi
blog=$build/blogsearch-index
cli=$build/blogsearch
bq=$build/bench/bench_query
usable() {  # TARGET BINARY: the binary exists and its target did not fail
  [ -z "${broken[$1]:-}" ] && [ -x "$2" ]
}
bq_note=""
if [ -n "${broken[bench_query]:-}" ]; then
  bq_note="bench_query does not build (bench/out/build-query.log): blogsearch not measured"
elif [ ! -x "$bq" ]; then
  bq_note="$bq does not exist yet: blogsearch not measured"
fi
[ -n "$bq_note" ] && say "$bq_note"

# The two query peers, built by bench/CMakeLists.txt (BS_BENCH=ON).
peer() {  # NAME: builds its target; false when it cannot
  cmake --build "$build" --target "$1" >>"$buildlog" 2>&1 && return 0
  say "target $1 does not build (bench/out/build-query.log)"
  return 1
}
peer_ok_x=1
peer_ok_f=1
peer peer_query_xapian || peer_ok_x=0
peer peer_query_fts5 || peer_ok_f=0

# --- indexes: reuse bench/index.sh's; build a missing one with its command
have_bs() { [ -f "$1/bs/data.mdb" ]; }
have_x() { [ -f "$1/xapian/iamglass" ]; }
have_f() { [ -s "$1/fts5.db" ]; }
ensure_indexes() {  # NAME DIR
  local name=$1 dir=$2 o=$out/index-$1 list
  list=$o/files.lst
  if have_bs "$o" && have_x "$o" && have_f "$o"; then return 0; fi
  if [ "$name" != rf-web ]; then
    /usr/bin/python3 bench/make_corpus.py "$n" "$dir" --source "$rfweb"
  fi
  mkdir -p "$o"
  if [ ! -s "$list" ]; then
    find "$dir" -type f -name '*.rst' -print0 | LC_ALL=C sort -z >"$list"
  fi
  if ! have_bs "$o"; then
    if usable blogsearch-index "$blog"; then
      say "$name: building the blogsearch index"
      rm -rf "$o/bs"
      "$blog" --index "$o/bs" --full --quiet "$dir" || say "$name: blogsearch-index failed"
    else
      say "$name: no blogsearch index and no usable $blog"
    fi
  fi
  if ! have_x "$o"; then
    if usable peer_index_xapian "$build/bench/peer_index_xapian"; then
      say "$name: building the Xapian index (slow: about 6 minutes for 100,000 posts)"
      rm -rf "$o/xapian"
      "$build/bench/peer_index_xapian" "$o/xapian" "@$list" >/dev/null || say "$name: peer_index_xapian failed"
    else
      say "$name: no Xapian index and no usable peer_index_xapian"
    fi
  fi
  if ! have_f "$o"; then
    if usable peer_index_fts5 "$build/bench/peer_index_fts5"; then
      say "$name: building the FTS5 index"
      "$build/bench/peer_index_fts5" "$o/fts5.db" "@$list" >/dev/null || say "$name: peer_index_fts5 failed"
    else
      say "$name: no FTS5 index and no usable peer_index_fts5"
    fi
  fi
}

# --- one CGI-like request: the whole blogsearch process, CGI_RUNS times.
# Sets cgi_mean and cgi_p95 (ms), or cgi_err.
cgi_time() {  # INDEXDIR LOGBASE
  local ix=$1 logb=$2
  cgi_mean="" cgi_p95="" cgi_err=""
  if ! usable blogsearch "$cli"; then
    cgi_err="$cli not built"
    return
  fi
  local rc=0
  "$cli" --index "$ix" --json "$cgi_query" >"$logb.out" 2>"$logb.err" || rc=$?
  if [ "$rc" -gt 1 ]; then  # 1 is "nothing found", still a request
    cgi_err="blogsearch failed (exit $rc): $(head -n 1 "$logb.err")"
    return
  fi
  if [ "$timer" = hyperfine ]; then
    if ! hyperfine -N -i --warmup 3 --runs "$cgi_runs" --export-json "$logb.json" \
         "$cli --index $ix --json '$cgi_query'" >"$logb.hyperfine" 2>&1; then
      cgi_err="hyperfine failed (${logb#"$top"/}.hyperfine)"
      return
    fi
    /usr/bin/python3 -c '
import json, math, sys
t = sorted(json.load(open(sys.argv[1]))["results"][0]["times"])
print("%.2f %.2f" % (1e3 * sum(t) / len(t), 1e3 * t[max(0, math.ceil(0.95 * len(t)) - 1)]))
' "$logb.json" >"$logb.ms"
  else
    local i t0 t1
    for i in 1 2 3; do "$cli" --index "$ix" --json "$cgi_query" >/dev/null 2>&1 || true; done
    : >"$logb.us"
    for ((i = 0; i < cgi_runs; i++)); do
      # bash 5's clock costs no process; date's adds its own start to each run
      if [ -n "${EPOCHREALTIME:-}" ]; then t0=${EPOCHREALTIME/[.,]/}; else t0=$(($(date +%s%N) / 1000)); fi
      "$cli" --index "$ix" --json "$cgi_query" >/dev/null 2>&1 || true
      if [ -n "${EPOCHREALTIME:-}" ]; then t1=${EPOCHREALTIME/[.,]/}; else t1=$(($(date +%s%N) / 1000)); fi
      echo $((10#$t1 - 10#$t0)) >>"$logb.us"
    done
    sort -n "$logb.us" | awk '{ v[NR] = $1; s += $1 }
      END { k = int(0.95 * NR); if (k < 0.95 * NR) k++; if (k < 1) k = 1
            printf "%.2f %.2f\n", s / NR / 1000, v[k] / 1000 }' >"$logb.ms"
  fi
  read -r cgi_mean cgi_p95 <"$logb.ms"
}
if command -v hyperfine >/dev/null 2>&1; then
  timer=hyperfine
  cgi_cmd="hyperfine -N -i --warmup 3 --runs $cgi_runs \"$cli --index OUT/bs --json '$cgi_query'\""
else
  timer="date loop"
  cgi_cmd="$cli --index OUT/bs --json \"$cgi_query\" >/dev/null, $cgi_runs times (after 3 untimed), each between two readings of \$EPOCHREALTIME (else \`date +%s%N\`)"
fi

# --- the report's head
report=$out/query-$n.md
{
  echo '```sh'
  echo "$cmdline"
  echo '```'
  echo
  echo "$(date -u '+%Y-%m-%d'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), Xapian $(xapian-config --version | awk '{print $NF}'), SQLite $(pkg-config --modversion sqlite3); RUNS=$runs"
  echo
  echo "Commands (OUT: bench/out/index-<corpus>, as bench/index.sh builds it; SNIPPETS 0, then 1):"
  echo
  echo "- blogsearch: \`$bq OUT/bs $queries $runs SNIPPETS\`"
  echo "- xapian: \`$build/bench/peer_query_xapian OUT/xapian $queries $runs SNIPPETS\`"
  echo "- sqlite-fts5: \`$build/bench/peer_query_fts5 OUT/fts5.db $queries $runs SNIPPETS\`"
  echo "- CGI-like request: \`$cgi_cmd\`"
  echo
  echo "Each program opens its index once and parses each query once (FTS5: prepares its"
  echo "statement once; it still parses the MATCH text on every run); then every query runs"
  echo "once untimed and $runs timed times. A run finds, ranks and returns the top 10 (FTS5 also"
  echo "reads their titles: \`SELECT rowid, title\`); with snippets, each hit's stored text is"
  echo "read and a snippet of about 200 characters made from it. Percentiles are over all"
  echo "the timed runs of a kind (12 queries x $runs runs; \"all\": the 96 queries), nearest"
  echo "rank, in milliseconds. Xapian: QueryParser, Stem(\"russian\"), OR, BM25, tags as a"
  echo "boolean filter; FTS5: words joined with OR, bm25(), no stemming (a word finds only"
  echo "its own form). The CGI-like request is the whole blogsearch process: start, open the"
  echo "index, search, JSON out."
} | tee "$report"

# --- runs. run ENGINE LOG CMD...: the program's raw output in LOG; a failure
# leaves LOG empty and a note.
run_notes=""
run() {
  local engine=$1 log=$2
  shift 2
  say "$corpus_name: $engine, snippets $snip"
  if ! "$@" >"$log" 2>"$log.err"; then
    say "$corpus_name: $engine failed; see $log.err"
    tail -n 5 "$log.err" >&2
    run_notes="$run_notes $engine (snippets $snip) failed: $(head -n 1 "$log.err")."
    : >"$log"
  fi
}

for corpus in "rf-web=$rfweb" "scaled-$n=$out/scaled-$n"; do
  corpus_name=${corpus%%=*}
  dir=${corpus#*=}
  o=$out/index-$corpus_name
  ensure_indexes "$corpus_name" "$dir"
  run_notes=""
  notes=""
  [ -n "$bq_note" ] && notes="$bq_note."
  have_bs "$o" || notes="$notes no blogsearch index."
  have_x "$o" || notes="$notes no Xapian index."
  have_f "$o" || notes="$notes no FTS5 index."
  say "$corpus_name: reading the indexes once so every run finds them cached"
  find "$o/bs" "$o/xapian" "$o/fts5.db" -type f -print0 2>/dev/null | xargs -0 -r cat >/dev/null

  rm -f "$o"/query-*.tsv "$o"/query-*.tsv.err
  for snip in 0 1; do
    if [ -z "$bq_note" ] && have_bs "$o"; then
      run blogsearch "$o/query-blogsearch-s$snip.tsv" "$bq" "$o/bs" "$queries" "$runs" "$snip"
    fi
    if [ "$peer_ok_x" = 1 ] && have_x "$o"; then
      run xapian "$o/query-xapian-s$snip.tsv" \
        "$build/bench/peer_query_xapian" "$o/xapian" "$queries" "$runs" "$snip"
    fi
    if [ "$peer_ok_f" = 1 ] && have_f "$o"; then
      run sqlite-fts5 "$o/query-fts5-s$snip.tsv" \
        "$build/bench/peer_query_fts5" "$o/fts5.db" "$queries" "$runs" "$snip"
    fi
  done
  if have_bs "$o"; then
    say "$corpus_name: CGI-like request x $cgi_runs ($timer)"
    cgi_time "$o/bs" "$o/query-cgi"
  else
    cgi_err="no blogsearch index"
  fi

  nposts=$(find "$dir" -type f -name '*.rst' | wc -l)
  # one line per timed run: engine, kind, snippets, microseconds (a file's
  # snippet setting is in its name)
  samples=$o/query-samples.tsv
  : >"$samples"
  for f in "$o"/query-*-s[01].tsv; do
    [ -s "$f" ] || continue
    s=${f%.tsv}
    s=${s##*-s}
    awk -F'\t' -v s="$s" 'NF >= 5 {
        k = split($5, v, ",")
        for (i = 1; i <= k; i++) { print $1 "\t" $2 "\t" s "\t" v[i]; print $1 "\tall\t" s "\t" v[i] }
      }' "$f" >>"$samples"
  done
  {
    echo
    echo "### $corpus_name: $nposts posts"
    echo
    for note in "$notes" "$run_notes"; do
      note=${note# }
      [ -n "$note" ] && echo "($note)" && echo
    done
    LC_ALL=C sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 -k4,4g "$samples" | awk -F'\t' '
      function flush() {
        if (cnt == 0) return
        p[key, 50] = val[rank(50)]; p[key, 95] = val[rank(95)]; p[key, 99] = val[rank(99)]
        have[key] = 1
        cnt = 0
      }
      function rank(q,   k) { k = int(q / 100 * cnt); if (k < q / 100 * cnt) k++; return k < 1 ? 1 : k }
      function ms(us,   v) { v = us / 1000
        return v < 10 ? sprintf("%.3f", v) : v < 100 ? sprintf("%.2f", v) : sprintf("%.1f", v) }
      function cell(e, k, s,   key2) { key2 = e SUBSEP k SUBSEP s
        if (!(key2 in have)) return "n/a"
        return ms(p[key2, 50]) " / " ms(p[key2, 95]) " / " ms(p[key2, 99]) }
      function ratio(e, k, s,   a, b) { a = e SUBSEP k SUBSEP s; b = "blogsearch" SUBSEP k SUBSEP s
        if (!(a in have) || !(b in have) || p[b, 50] <= 0) return "n/a"
        return sprintf("%.2fx", p[a, 50] / p[b, 50]) }
      { k = $1 SUBSEP $2 SUBSEP $3
        if (k != key) { flush(); key = k }
        val[++cnt] = $4 }
      END {
        flush()
        print "| kind | snippets | blogsearch p50 / p95 / p99 ms | xapian p50 / p95 / p99 ms | sqlite-fts5 p50 / p95 / p99 ms | xapian / blogsearch p50 | fts5 / blogsearch p50 |"
        print "|---|---|---:|---:|---:|---:|---:|"
        nk = split("one two common phrase prefix filtered date sorted all", kinds, " ")
        for (i = 1; i <= nk; i++)
          for (s = 0; s <= 1; s++)
            printf "| %s | %s | %s | %s | %s | %s | %s |\n", (kinds[i] == "all" ? "**all**" : kinds[i]),
                   s ? "yes" : "no", cell("blogsearch", kinds[i], s), cell("xapian", kinds[i], s),
                   cell("sqlite-fts5", kinds[i], s), ratio("xapian", kinds[i], s),
                   ratio("sqlite-fts5", kinds[i], s)
      }'
    # matches per kind: the total column of the snippet-less runs, summed
    echo
    echo "Matches, summed over the 12 queries of each kind (counted once, outside the timed runs):"
    echo
    cat "$o"/query-*-s0.tsv 2>/dev/null | awk -F'\t' '
      NF >= 5 { t[$1, $2] += $4; seen[$1] = 1 }
      END {
        ne = split("blogsearch xapian sqlite-fts5", e, " ")
        line = "| kind |"; sep = "|---|"
        for (j = 1; j <= ne; j++) { line = line " " e[j] " |"; sep = sep "---:|" }
        print line; print sep
        nk = split("one two common phrase prefix filtered date sorted", kinds, " ")
        for (i = 1; i <= nk; i++) {
          line = "| " kinds[i] " |"
          for (j = 1; j <= ne; j++) line = line " " ((e[j] in seen) ? t[e[j], kinds[i]] : "n/a") " |"
          print line
        }
      }'
    echo
    if [ -n "$cgi_err" ]; then
      echo "CGI-like request (\`blogsearch --index OUT/bs --json \"$cgi_query\"\`): not measured, $cgi_err."
    else
      echo "CGI-like request (\`blogsearch --index OUT/bs --json \"$cgi_query\"\`, whole process, $cgi_runs runs, $timer): mean $cgi_mean ms, p95 $cgi_p95 ms."
    fi
  } | tee -a "$report"
done
say "report written to $report"
