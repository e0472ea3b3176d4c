#!/usr/bin/env bash
# End-to-end tests of blogsearch-index --snapshot DIR, the real binaries:
# alone and after a run (with --related too), the summary line with both
# sizes, the copy consistent (--check) and searched as the index is, a
# previous snapshot replaced, what is refused and left as it was (the index
# itself, a directory of other files, a snapshot indexed into since, a
# link), usage errors, no DIR.tmp.* left behind, and copies taken over and
# over while a rebuild writes the index, each of them one whole state.
# Usage: snapshot.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" snapshot
SEARCH=$(realpath "$1")
BIN=$(realpath "$2")
SRC=$(realpath "$3")
RFWEB=${RFWEB:-$SRC/../shared/corpus/rf-web}
samples=$SRC/data/samples
posts_of() { "$BIN" --index "$1" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])'; }
no_tmp() { ! find "$T" -name '*.tmp.*' | grep -q .; }
unchanged() { [ "$(ls -A "$1")" = "$2" ]; }   # unchanged DIR "ENTRIES"

"$BIN" --index "$T/ix" -q --url-prefix /posts/ "$samples"
n=$(posts_of "$T/ix")

# ---- alone --------------------------------------------------------------------
run out "$BIN" --index "$T/ix" --snapshot "$T/snap"
check "alone: exit 0" test "$rc" = 0
check "alone: the summary names both and counts the posts" \
  grep -qE "^blogsearch-index: snapshot of $T/ix written to $T/snap: $n posts, [0-9.]+ MB \(the index: [0-9.]+ MB on disk, [0-9.]+ MB in use\); [0-9.]+ s$" "$T/err"
check "alone: nothing on standard output" test ! -s "$T/out"
check "alone: the copy is data.mdb and lock.mdb" unchanged "$T/snap" "data.mdb
lock.mdb"
check "alone: the copy passes --check" "$BIN" --index "$T/snap" --check -q
check "alone: the copy has every post" test "$(posts_of "$T/snap")" = "$n"
"$SEARCH" --index "$T/ix" --json -n 50 docker | python3 -c 'import json,sys; r=json.load(sys.stdin); r.pop("took_ms"); print(json.dumps(r))' >"$T/a.json"
"$SEARCH" --index "$T/snap" --json -n 50 docker | python3 -c 'import json,sys; r=json.load(sys.stdin); r.pop("took_ms"); print(json.dumps(r))' >"$T/b.json"
check "alone: the copy answers as the index does" cmp -s "$T/a.json" "$T/b.json"
copy=$(stat -c %s "$T/snap/data.mdb")
used=$("$BIN" --index "$T/ix" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["used_bytes"])')
check "alone: the copy ($copy bytes) no larger than the index's pages in use ($used)" test "$copy" -le "$used"
check "alone: the summary's size is the copy's" has "$T/err" "$n posts, $(awk -v b="$copy" 'BEGIN { printf "%.1f", b / 1e6 }') MB"
check "alone: no DIR.tmp.* left" no_tmp
check "alone: the summary is valid UTF-8" utf8 "$T/err"

# ---- after a run, with --related; a previous snapshot replaced -------------------------
mkdir -p "$T/more"
printf '.. title: Снимки индекса\n.. date: 2024-05-01\n.. slug: snimki\n\nКопии индекса для веб-узлов.\n' >"$T/more/snimki.rst"
run out "$BIN" --index "$T/ix" "$samples" "$T/more" --related "$T/rel.json" --snapshot "$T/snap"
check "after a run: exit 0" test "$rc" = 0
check "after a run: the run's summary first" grep -qE "^blogsearch-index: $((n + 1)) posts in $T/ix: 1 added" "$T/err"
check "after a run: the related posts written" test -s "$T/rel.json"
check "after a run: the previous snapshot replaced" has "$T/err" "written to $T/snap, replacing the previous one: $((n + 1)) posts"
check "after a run: the copy has the new post" test "$(posts_of "$T/snap")" = $((n + 1))
check "after a run: and finds it" eval '"$SEARCH" --index "$T/snap" снимки >/dev/null'
check "after a run: the copy passes --check" "$BIN" --index "$T/snap" --check -q
check "after a run: no DIR.tmp.* left" no_tmp
run out "$BIN" --index "$T/ix" -q --snapshot "$T/snap/"
check "-q: exit 0, nothing said" test "$rc" = 0 -a ! -s "$T/err"
check "a trailing slash: the same directory, replaced" "$BIN" --index "$T/snap" --check -q
run out "$BIN" --index "$T/ix" --snapshot "$T/new/deep/snap"
check "missing parents are made" test "$rc" = 0 -a -s "$T/new/deep/snap/data.mdb"
mkdir "$T/empty"
run out "$BIN" --index "$T/ix" --snapshot "$T/empty"
check "an empty directory is taken" test "$rc" = 0 -a -s "$T/empty/data.mdb"

# ---- refused, and left as it was ------------------------------------------------------
run out "$BIN" --index "$T/ix" --snapshot "$T/ix"
check "the index itself: exit 1" test "$rc" = 1
check "the index itself: said" has "$T/err" "blogsearch-index: --snapshot: $T/ix is the index itself"
check "the index itself: still consistent" "$BIN" --index "$T/ix" --check -q
mkdir "$T/site" && echo '<p>hello</p>' >"$T/site/index.html"
run out "$BIN" --index "$T/ix" --snapshot "$T/site"
check "a directory of other files: exit 1, said" eval 'test "$rc" = 1 && has "$T/err" "is no index snapshot"'
check "a directory of other files: left as it was" unchanged "$T/site" index.html
"$BIN" --index "$T/snap" -q "$samples" "$T/more" --full
run out "$BIN" --index "$T/ix" --snapshot "$T/snap"
check "a snapshot indexed into since: exit 1, said" eval 'test "$rc" = 1 && has "$T/err" "written to since it was copied"'
check "a snapshot indexed into since: left as it was" "$BIN" --index "$T/snap" --check -q
ln -s empty "$T/link"
run out "$BIN" --index "$T/ix" --snapshot "$T/link"
check "a symbolic link: exit 1, said" eval 'test "$rc" = 1 && has "$T/err" "is a symbolic link"'
check "a symbolic link: left as it was" test "$(readlink "$T/link")" = empty
run out "$BIN" --index "$T/none" --snapshot "$T/snap-none"
check "no index: exit 1, the build command named" eval 'test "$rc" = 1 && has "$T/err" "no index at $T/none; build one with"'
check "no index: no copy" test ! -e "$T/snap-none"
check "refusals: no DIR.tmp.* left" no_tmp
for f in "$T/err"; do check "the messages are valid UTF-8" utf8 "$f"; done

# ---- usage --------------------------------------------------------------------------
run out "$BIN" --index "$T/ix" --snapshot "$T/s2" --stats
check "--snapshot with --stats: exit 2" eval 'test "$rc" = 2 && has "$T/err" "--snapshot goes alone or with PATHs to index first"'
run out "$BIN" --index "$T/ix" --snapshot
check "--snapshot without DIR: exit 2" test "$rc" = 2
run out "$BIN" --help
check "--help lists --snapshot" has "$T/out" "--snapshot DIR"

# ---- copies while a rebuild writes the index ----------------------------------------
if [ -d "$RFWEB" ]; then BIG=$RFWEB; else
  BIG=$T/big
  for i in $(seq 1 40); do mkdir -p "$BIG/$i"; cp "$samples"/*.rst "$samples"/*.md "$BIG/$i/"; done
fi
"$BIN" --index "$T/conc" -q "$samples"
small=$(posts_of "$T/conc")
"$BIN" --index "$T/conc" --full -q "$BIG" 2>"$T/rebuild.err" &
pid=$!
copies=0 bad_copies=0 seen=""
while kill -0 "$pid" 2>/dev/null; do
  if "$BIN" --index "$T/conc" -q --snapshot "$T/csnap" 2>"$T/cerr" \
     && out=$("$BIN" --index "$T/csnap" --check 2>&1); then
    copies=$((copies + 1))
    seen="$seen $(echo "$out" | sed -n 's/.*consistent: \([0-9]*\) posts.*/\1/p')"
  else
    bad_copies=$((bad_copies + 1)); cat "$T/cerr" >&2; echo "$out" >&2
  fi
done
wait "$pid"
check "during a rebuild: the writer succeeded" test $? -eq 0
echo "# $copies copies taken during the rebuild, of posts:$seen"
check "during a rebuild: every copy whole and consistent ($copies copies)" test "$bad_copies" = 0
check "during a rebuild: copies were made while it wrote" test "$copies" -gt 0
big=$(posts_of "$T/conc")
for s in $seen; do
  check "during a rebuild: a copy holds the old ($small) or the new ($big) posts, not $s" \
    test "$s" = "$small" -o "$s" = "$big"
done
check "during a rebuild: no DIR.tmp.* left" no_tmp

finish snapshot.sh
