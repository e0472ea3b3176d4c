#!/usr/bin/env bash
# End-to-end tests of a run that cannot write: past the file size limit
# (ulimit -f: the map must grow for a bigger input, and data.mdb may not)
# and, as root, on a full disk (a tmpfs of 2 MB: a write through the map
# finds no block). Each run says so naming the index, exits 1 and leaves the
# index as it was: --check passes and a query answers as before. The disk
# full part is skipped, saying so, when a tmpfs cannot be mounted.
# Usage: limits.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" limits
SEARCH=$(realpath "$1")
BIN=$(realpath "$2")
SRC=$(realpath "$3")
# A run whose map cannot grow abandons its LMDB environment (closing it
# would unmap the wrong memory): what the environment holds is never freed,
# so in a sanitizer build the leak check is off here (the other tests keep it).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
samples=$SRC/data/samples
answer() { "$SEARCH" --index "$1" --json -n 50 сервер |
  python3 -c 'import json,sys; r=json.load(sys.stdin); r.pop("took_ms"); print(json.dumps(r))'; }

# a bigger input: 200 posts of 100 KB, 20 MB in all (a run's map is about
# four times its input)
python3 - "$T/big" <<'PY'
import os, random, sys
rnd = random.Random(1)
words = ["сервер", "ядро", "память", "контейнер", "сеть", "диск", "процесс", "файл",
         "docker", "linux", "журнал", "запрос", "индекс", "поиск", "страница"]
os.makedirs(sys.argv[1])
for i in range(200):
    with open(os.path.join(sys.argv[1], "post-%03d.md" % i), "w") as f:
        f.write("---\ntitle: Запись %d\ndate: 2020-01-%02d\n---\n" % (i, i % 28 + 1))
        f.write(" ".join(rnd.choice(words) + str(rnd.randrange(10000)) for _ in range(9000)))
        f.write("\n")
PY

# limited DIR WHAT LIMIT_KB: a run of $T/big into DIR fails for WHAT
limited() {
  local dir=$1 what=$2 limit=$3
  run out bash -c 'ulimit -f "$0"; exec "$1" --index "$2" "$3"' "$limit" "$BIN" "$dir" "$T/big"
  check "$what: exit 1, not a signal (status $rc)" test "$rc" = 1
  check "$what: says so, naming the index" has "$T/err" "$what: "
  grep -q -- "$dir" "$T/err" || bad "$what: the index is not named: $(cat "$T/err")"
  check "$what: the message is UTF-8" utf8 "$T/err"
  check "$what: the index passes --check" "$BIN" --index "$dir" --check -q
  answer "$dir" >"$T/after.json"
  check "$what: the index answers as before" cmp -s "$T/before.json" "$T/after.json"
}

# ---- ulimit -f ----------------------------------------------------------------
"$BIN" --index "$T/ix" -q "$samples"
answer "$T/ix" >"$T/before.json"
limited "$T/ix" "file size limit reached" 102400          # 100 MB
# and a --full run, and a new index
run out bash -c 'ulimit -f 102400; exec "$0" --full --index "$1" "$2"' "$BIN" "$T/ix" "$T/big"
check "--full past the limit: exit 1" test "$rc" = 1
check "--full past the limit: says so" has "$T/err" "file size limit reached: the index $T/ix"
check "--full past the limit: the index answers as before" \
  sh -c "'$SEARCH' --index '$T/ix' --json -n 50 сервер | grep -q '\"total\"'"
run out bash -c 'ulimit -f 1000; exec "$0" --index "$1" "$2"' "$BIN" "$T/new" "$samples"
check "a new index past the limit: exit 1" test "$rc" = 1
check "a new index past the limit: says so" has "$T/err" "file size limit reached: the index $T/new"

# ---- disk full ------------------------------------------------------------------
mkdir "$T/small"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2M tmpfs "$T/small" 2>/dev/null; then
  trap 'umount "$T/small"; rm -rf "$T"' EXIT
  "$BIN" --index "$T/small/ix" -q "$samples"
  answer "$T/small/ix" >"$T/before.json"
  limited "$T/small/ix" "disk full" unlimited
  run out "$BIN" --full --index "$T/small/ix" "$T/big"
  check "--full on a full disk: exit 1" test "$rc" = 1
  check "--full on a full disk: says so" has "$T/err" "disk full: no room left for the index $T/small/ix"
  answer "$T/small/ix" >"$T/after.json"
  check "--full on a full disk: the index answers as before" cmp -s "$T/before.json" "$T/after.json"
else
  echo "limits: the disk full part skipped (it needs root and a tmpfs mount)"
fi
finish limits
