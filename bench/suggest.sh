#!/usr/bin/env bash
# What a completion of the word being typed costs (suggest=, bs_suggest):
# every 2- to 6-letter prefix of the words of tests/relevance/queries.tsv,
# through bench/bench_suggest in-process, as blogsearch.cgi makes it (the
# searcher opened once) and, with API=1, as bs_suggest does; then each once
# through a whole blogsearch.cgi process, as mod_cgi runs it. Over rf-web
# and, when bench/out/index-scaled-N/bs is there (bench/correction.sh and
# bench/query.sh make it), the scaled corpus of N posts.
# Usage: bench/suggest.sh [N]   (default 100000)
# Environment: RUNS (timed runs per prefix, default 20), BUILD (default
# build-bench), RFWEB (default ../shared/corpus/rf-web).
# Writes bench/out/suggest-N.md (also on stdout).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000} runs=${RUNS:-20} out=bench/out
build=$(realpath -m "${BUILD:-$top/build-bench}")
rfweb=${RFWEB:-$top/../shared/corpus/rf-web}
say() { echo "suggest.sh: $*" >&2; }
for v in "$n" "$runs"; do
  case "$v" in ''|*[!0-9]*|0*) say "usage: bench/suggest.sh [N], N and RUNS positive integers"; exit 2 ;; esac
done
[ -d "$rfweb" ] || { say "no corpus at $rfweb"; exit 2; }
rfweb=$(cd "$rfweb" && pwd)
cd "$top"
mkdir -p "$out"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DBS_BENCH=ON >"$out/build-suggest.log"
for t in blogsearch-index blogsearch-cgi bench_suggest; do
  cmake --build "$build" --target "$t" -j "$(nproc)" >>"$out/build-suggest.log"
done
bs=${build#"$top"/}/bench/bench_suggest

# the prefixes: of each query word, its first 2 to 6 letters, each once
/usr/bin/python3 - tests/relevance/queries.tsv >"$out/suggest-prefixes.txt" <<'EOF'
import re, sys
seen = []
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]:
    for w in re.findall(r"\w+", line.split("\t")[2].lower()):
        for k in range(2, min(6, len(w)) + 1):
            if w[:k] not in seen:
                seen.append(w[:k])
print("\n".join(seen))
EOF
nprefixes=$(wc -l <"$out/suggest-prefixes.txt")

report=$out/suggest-$n.md
{
  echo '```sh'
  echo "bench/suggest.sh${1:+ $1}"
  echo '```'
  echo
  echo "$(date -u '+%Y-%m-%d'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), Release, RUNS=$runs."
  echo "$nprefixes prefixes: the first 2 to 6 letters of every word of tests/relevance/queries.tsv."
  echo "\`$bs OUT/bs $out/suggest-prefixes.txt $runs\`: each prefix once untimed, then $runs timed runs;"
  echo "percentiles over all the runs, milliseconds: the processor time of the calling thread"
  echo "(CLOCK_THREAD_CPUTIME_ID: what a call costs, whatever else the machine runs) and the wall time."
  echo "\"CGI's\": lib_suggest_view over a searcher opened once"
  echo "(a resident FastCGI's work); \"bs_suggest\": API=1, the public call (an analyzer made per call);"
  echo "\"CGI process\": blogsearch.cgi run once per prefix as mod_cgi runs it (start, index open, answer)."
} | tee "$report"

for name in rf-web "scaled-$n"; do
  ix=$out/index-$name/bs
  if [ "$name" = rf-web ] && [ ! -f "$ix/data.mdb" ]; then
    say "rf-web: building the blogsearch index"
    mkdir -p "$out/index-$name"
    "$build/blogsearch-index" --index "$ix" --full --quiet "$rfweb"
  fi
  if [ ! -f "$ix/data.mdb" ]; then
    say "$name: no index at $ix (bench/correction.sh $n makes it); skipped"
    continue
  fi
  find "$ix" -type f -print0 | xargs -0 cat >/dev/null
  say "$name: in-process"
  "$bs" "$ix" "$out/suggest-prefixes.txt" "$runs" >"$out/index-$name/suggest-lib.tsv"
  API=1 "$bs" "$ix" "$out/suggest-prefixes.txt" "$runs" >"$out/index-$name/suggest-api.tsv"
  say "$name: a CGI process a prefix"
  /usr/bin/python3 - "$build/blogsearch.cgi" "$ix" "$out/suggest-prefixes.txt" \
    >"$out/index-$name/suggest-cgi.tsv" <<'EOF'
import os, subprocess, sys, time, urllib.parse
cgi, ix, texts = sys.argv[1:4]
for t in open(texts, encoding="utf-8").read().split("\n"):
    if not t:
        continue
    env = dict(os.environ, BLOGSEARCH_INDEX=ix, REQUEST_METHOD="GET",
               QUERY_STRING="suggest=" + urllib.parse.quote(t))
    t0 = time.perf_counter()
    r = subprocess.run([cgi], env=env, stdin=subprocess.DEVNULL, capture_output=True)
    us = (time.perf_counter() - t0) * 1e6
    assert r.stdout.startswith(b"Status: 200"), (t, r.stdout[:80])
    print("%s\t\t\t%.0f\t%.0f" % (t, us, us))
EOF
  terms=$("$build/blogsearch-index" --index "$ix" --stats 2>/dev/null | awk -F': *' 'tolower($1) ~ /terms/ { print $2; exit }')
  posts=$("$build/blogsearch-index" --index "$ix" --stats 2>/dev/null | awk -F': *' 'tolower($1) ~ /^posts/ { print $2; exit }')
  {
    echo
    echo "### $name: ${posts:-?} posts${terms:+, $terms distinct terms}"
    echo
    /usr/bin/python3 - "$out/index-$name" <<'EOF'
import math, sys

def load(path):
    rows = []       # (text, wall times, processor times, words)
    for line in open(path, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        rows.append((f[0], [int(x) for x in f[3].split(",")], [int(x) for x in f[4].split(",")],
                     f[1]))
    return rows

def pct(v, q):
    v = sorted(v)
    return v[max(0, math.ceil(q / 100 * len(v)) - 1)] / 1000

d = sys.argv[1]
lib, api, cgi = (load(d + "/suggest-%s.tsv" % k) for k in ("lib", "api", "cgi"))
print("| how | letters | prefixes×runs | processor p50 / p95 / p99 / max | wall p50 / p99 |")
print("|---|---:|---:|---:|---:|")
for label, rows in (("CGI's (in-process)", lib), ("bs_suggest", api), ("CGI process", cgi)):
    groups = [("all", rows)]
    if rows is lib:
        groups += [(str(k), [r for r in rows if len(r[0]) == k]) for k in range(2, 7)]
    for g, rs in groups:
        w = [x for r in rs for x in r[1]]
        c = [x for r in rs for x in r[2]]
        if w:
            cpu = "%.2f / %.2f / %.2f / %.2f" % (pct(c, 50), pct(c, 95), pct(c, 99), max(c) / 1000)
            print("| %s | %s | %d | %s | %.2f / %.2f |" % (
                label, g, len(w), cpu if rows is not cgi else "", pct(w, 50), pct(w, 99)))
med = lambda v: sorted(v)[len(v) // 2]
slow = sorted(lib, key=lambda r: -med(r[2]))[:3]
print()
print("Slowest (median processor time, CGI's): " + ", ".join("`%s` %.2f ms (%s words)" % (
    r[0], med(r[2]) / 1000, r[3]) for r in slow) + ".")
EOF
  } | tee -a "$report"
done
