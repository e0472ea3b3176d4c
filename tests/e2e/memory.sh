#!/usr/bin/env bash
# End-to-end tests of blogsearch-index --memory: postings that outgrow it are
# spilled to a temporary file as sorted runs and merged at the end, and the
# index must hold the very same keys and values (dump_lmdb) as a run that
# kept them all in memory: full builds, incremental runs (edits, deletions,
# additions), runs over the sample posts and over a generated blog whose
# words are spread unevenly over the runs. The temporary file is never left
# behind (a finished run, a failed one, a killed one), a run that cannot
# spill fails naming the directory and leaves the index as it was, and a
# killed run leaves the old state. With ../shared, the same over rf-web.
# Usage: memory.sh BLOGSEARCH_INDEX_BINARY DUMP_LMDB_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" memory
BIN=$(realpath "$1")
DUMP=$(realpath "$2")
SRC=$(realpath "$3")
RFWEB=${RFWEB:-$SRC/../shared/corpus/rf-web}
samples=$SRC/data/samples
mkdir -p "$T/tmp"
export TMPDIR=$T/tmp

# same_index A B: the two indexes hold the same keys and values
same_index() { "$DUMP" "$1" >"$T/da" && "$DUMP" "$2" >"$T/db" && test -s "$T/da" && cmp -s "$T/da" "$T/db"; }
# no_leftovers DIR...: no temporary file of postings in any of them
no_leftovers() { test -z "$(find "$@" -name '.blogsearch-postings-*' 2>/dev/null)"; }

# A blog of 300 posts whose words come from a vocabulary of 3,000 made-up
# words drawn unevenly (a few in every post, most in a handful), Cyrillic and
# Latin: terms that some runs have and others not, long lists and short ones.
python3 - "$T/gen" <<'EOF'
import os, random, sys
out = sys.argv[1]
rnd = random.Random(20261204)
letters = ["абвгдежзиклмнопрстуфхцчшэюя", "abcdefghiklmnoprstuvwxyz"]
vocab = sorted({"".join(rnd.choice(letters[i % 2]) for _ in range(rnd.randint(3, 11)))
                for i in range(3000)})
rnd.shuffle(vocab)
for n in range(300):
    d = os.path.join(out, "%02d" % (n // 50))
    os.makedirs(d, exist_ok=True)
    words = [vocab[min(int(rnd.paretovariate(0.8)) - 1, len(vocab) - 1)] for _ in range(rnd.randint(20, 1200))]
    paras = "\n\n".join(" ".join(words[i:i + 40]) for i in range(0, len(words), 40))
    with open(os.path.join(d, "post-%03d.rst" % n), "w") as f:
        f.write(".. title: %s %s %d\n.. slug: post-%03d\n.. date: 20%02d-%02d-%02d\n"
                ".. tags: %s, %s\n.. category: %s\n\n%s\n"
                % (words[0], words[-1], n, n, 10 + n % 15, 1 + n % 12, 1 + n % 28,
                   vocab[n % 7], vocab[n % 11], vocab[n % 5], paras))
EOF
check "the generated blog is there" test "$(find "$T/gen" -name '*.rst' | wc -l)" = 300

# ---- full builds: one write against many spills --------------------------------------
for blog in "$samples" "$T/gen"; do
  name=$(basename "$blog")
  "$BIN" --index "$T/one-$name" -q --memory 1G "$blog"
  check "$name: the one-write build succeeds" test $? -eq 0
  for m in 4K 16K 64K; do
    "$BIN" --index "$T/m$m-$name" -q --memory $m "$blog"
    check "$name --memory $m: succeeds" test $? -eq 0
    check "$name --memory $m: the same keys and values as one write" same_index "$T/one-$name" "$T/m$m-$name"
    check "$name --memory $m: consistent" "$BIN" --index "$T/m$m-$name" --check -q
  done
  "$BIN" --index "$T/def-$name" -q "$blog"
  check "$name default --memory: the same keys and values as one write" same_index "$T/one-$name" "$T/def-$name"
done
# a map too small makes the run start over in a bigger one: the runs spilled
# before are dropped with the rest (both blogs: more than LMDB's first 1 MiB)
"$BIN" --index "$T/both-one" -q --memory 1G "$T/gen" "$samples"
BLOGSEARCH_MAP_SIZE=64K "$BIN" --index "$T/grown" -q --memory 4K "$T/gen" "$samples"
check "tiny map and --memory 4K: succeeds" test $? -eq 0
check "tiny map and --memory 4K: the map grew past LMDB's first 1 MiB" \
  test "$(stat -c %s "$T/grown/data.mdb")" -gt 1048576
check "tiny map and --memory 4K: the same keys and values as one write" same_index "$T/both-one" "$T/grown"
check "no temporary file is left after the builds" no_leftovers "$T/tmp" "$T"

# ---- incremental runs: the same changes, spilled and not --------------------------------
cp -r "$T/gen" "$T/gen2"
"$BIN" --index "$T/inc-one" -q --memory 1G "$T/gen2"
cp -r "$T/inc-one" "$T/inc-spill"
# an edit, a deletion, additions (a new directory of posts), a post's words changed
sed -i 's/^\(.. title: .*\)$/\1 правка/' "$T/gen2/00/post-007.rst"
rm "$T/gen2/01/post-060.rst"
mkdir "$T/gen2/new"
for n in 101 102 103 104 105 106; do
  sed 's/^.. slug: .*/.. slug: new-'$n'/' "$T/gen2/02/post-$n.rst" >"$T/gen2/new/new-$n.rst"
done
printf '\nновые слова в конце поста\n' >>"$T/gen2/03/post-151.rst"
"$BIN" --index "$T/inc-one" -q --memory 1G "$T/gen2"
check "incremental, one write: succeeds" test $? -eq 0
"$BIN" --index "$T/inc-spill" -q --memory 4K "$T/gen2"
check "incremental --memory 4K: succeeds" test $? -eq 0
check "incremental --memory 4K: the same keys and values as one write" same_index "$T/inc-one" "$T/inc-spill"
check "incremental --memory 4K: consistent" "$BIN" --index "$T/inc-spill" --check -q
run s "$BIN" --index "$T/inc-spill" --stats --json
check "incremental: the posts of the blog now" python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['posts'] == 305" "$T/s"

# ---- a run that cannot spill --------------------------------------------------------
"$DUMP" "$T/inc-spill" >"$T/before"
echo 'ещё одна правка' >>"$T/gen2/00/post-008.rst"
TMPDIR=$T/no/such/dir "$BIN" --index "$T/inc-spill" -q --memory 4K "$T/gen2" 2>"$T/err"
check "no room to spill: exit 1" test $? -eq 1
check "no room to spill: names the directory" has "$T/err" "a temporary file of postings in $T/no/such/dir"
"$DUMP" "$T/inc-spill" >"$T/after"
check "no room to spill: the index is as it was" cmp -s "$T/before" "$T/after"
TMPDIR=$T/no/such/dir "$BIN" --index "$T/inc-spill" -q "$T/gen2"
check "without a spill the same run needs no temporary file" test $? -eq 0
# without TMPDIR the file is made in the index's directory
env -u TMPDIR "$BIN" --index "$T/idx-dir" -q --memory 4K "$T/gen" 2>"$T/err"
check "TMPDIR unset: the index's directory takes the file" test $? -eq 0
check "TMPDIR unset: the same keys and values" same_index "$T/one-gen" "$T/idx-dir"
check "TMPDIR unset: nothing left in the index's directory" no_leftovers "$T/idx-dir"

# ---- killed while spilling: the old state, and nothing left behind ------------------------
if [ -d "$RFWEB" ]; then BIG=$RFWEB; else BIG=$T/gen; fi
"$BIN" --index "$T/crash" -q "$samples"
"$DUMP" "$T/crash" >"$T/old"
for delay in 0.1 0.3 0.6; do
  "$BIN" --index "$T/crash" --full -q --memory 4K "$BIG" 2>/dev/null &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check "kill -9 after ${delay}s: consistent" "$BIN" --index "$T/crash" --check -q
  "$DUMP" "$T/crash" >"$T/now"
  if ! cmp -s "$T/old" "$T/now"; then
    # the run had committed: then it is the whole new state
    "$BIN" --index "$T/crash-ref" --full -q --memory 4K "$BIG" 2>/dev/null
    check "kill -9 after ${delay}s: a committed state is the whole build" same_index "$T/crash-ref" "$T/crash"
    cp "$T/now" "$T/old"
  fi
  check "kill -9 after ${delay}s: no temporary file left" no_leftovers "$T/tmp" "$T/crash"
done

# ---- rf-web, when it is there --------------------------------------------------------
if [ -d "$RFWEB" ]; then
  "$BIN" --index "$T/rf-one" -q --memory 1G "$RFWEB" 2>/dev/null
  "$BIN" --index "$T/rf-spill" -q --memory 256K "$RFWEB" 2>/dev/null
  check "rf-web --memory 256K: the same keys and values as one write" same_index "$T/rf-one" "$T/rf-spill"
else
  echo "memory: $RFWEB is not there; its checks are skipped"
fi

finish memory
