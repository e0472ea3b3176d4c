#!/usr/bin/env bash
# Posts of many tags: blogsearch-index on one post of N tags ("tag0, tag1,
# ...") beside one post whose body is the same bytes, for N = 1,000 to
# 100,000, so that the cost of a tag stays a constant (a tag is a term of the
# tags field, a facet key, a tag id and an entry of doctags; a body word only
# a term). Each run is a fresh index; the time is the best of REPEAT runs.
# Usage: bench/tags.sh   Environment: REPEAT (default 3), BUILD (default build)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
repeat=${REPEAT:-3}
bin=$build/blogsearch-index
[ -x "$bin" ] || { echo "tags.sh: no $bin; build first (cmake --build $build)" >&2; exit 2; }
T=$(mktemp -d /tmp/bs-bench-tags.XXXXXX)
trap 'rm -rf "$T"' EXIT

# best TIME of REPEAT runs of: blogsearch-index DIR
best() {
  local dir=$1 b="" t
  for _ in $(seq "$repeat"); do
    rm -rf "$T/ix"
    t=$( { /usr/bin/time -f %e "$bin" -q -i "$T/ix" "$dir" >/dev/null; } 2>&1 )
    b=$(python3 -c "import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))" $t $b)
  done
  echo "$b"
}

echo "| tags | tags as tags (s) | the same bytes as body text (s) | ratio | s per 10,000 tags |"
echo "|---:|---:|---:|---:|---:|"
for n in 1000 10000 30000 100000; do
  mkdir -p "$T/tags$n" "$T/body$n"
  python3 - "$T" "$n" <<'PY'
import sys
t, n = sys.argv[1], int(sys.argv[2])
tags = ", ".join("tag%d" % i for i in range(n))
with open(f"{t}/tags{n}/p.rst", "w") as f:
    f.write(f".. title: Tags\n.. slug: p\n.. date: 2020-01-01\n.. tags: {tags}\n\nText.\n")
with open(f"{t}/body{n}/p.rst", "w") as f:
    f.write(f".. title: Tags\n.. slug: p\n.. date: 2020-01-01\n.. tags: x\n\n{tags}\n")
PY
  a=$(best "$T/tags$n")
  b=$(best "$T/body$n")
  python3 -c "import sys; n,a,b=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]); print(f'| {n:,} | {a:.2f} | {b:.2f} | {a/max(b,0.005):.1f}x | {a*10000/n:.3f} |')" "$n" "$a" "$b"
done
