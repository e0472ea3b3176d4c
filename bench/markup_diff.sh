#!/usr/bin/env bash
# The text of real posts before and after a change to indexer/markup/:
# builds bench/markup_text.c against the library of BASE (a commit) and of
# the working tree (both Release, under bench/out/markup-diff/, by
# bench/two_builds.sh), runs both over every post file of the corpora with
# the given extensions and prints bench/markup_diff.py's summary; every
# post's diff goes to bench/out/markup-diff/diffs.txt.
# Usage: bench/markup_diff.sh [BASE]   (default: where HEAD left main)
# Environment: CORPORA (directories, default ../shared/corpus/blogs),
# EXT (extensions, default "md markdown mdown mkd").
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
base=$(git -C "$top" rev-parse --verify "${1:-$(git -C "$top" merge-base HEAD main)}^{commit}")
read -r -a corpora <<<"${CORPORA:-$top/../shared/corpus/blogs}"
read -r -a exts <<<"${EXT:-md markdown mdown mkd}"
out=$top/bench/out/markup-diff
say() { echo "markup_diff.sh: $*" >&2; }

for d in "${corpora[@]}"; do
  [ -d "$d" ] || { say "no corpus at $d"; exit 2; }
done
mkdir -p "$out"
# shellcheck source=bench/two_builds.sh
. "$top/bench/two_builds.sh"
two_builds "$out" "$base" blogsearch_static
libs="-lstemmer -lutf8proc -llmdb -lzstd -lmd4c -lpthread -lm"
for name in base new; do
  src=$top
  [ "$name" = base ] && src=$out/base-src
  # shellcheck disable=SC2086
  cc -O2 -std=c11 -D_XOPEN_SOURCE=700 -I"$src" -I"$src/include" "$top/bench/markup_text.c" \
     "$out/$name-build/libblogsearch.a" $libs -o "$out/$name-text"
done

names=()
for e in "${exts[@]}"; do
  names+=(${names[@]:+-o} -name "*.$e")
done
find "${corpora[@]}" -type f \( "${names[@]}" \) | LC_ALL=C sort >"$out/posts.lst"
say "$(wc -l <"$out/posts.lst") posts; base $(git -C "$top" rev-parse --short "$base"), new: the working tree"
"$out/base-text" <"$out/posts.lst" >"$out/old.bin"
"$out/new-text" <"$out/posts.lst" >"$out/new.bin"
root=$(cd "${corpora[0]}" && pwd)
[ "${#corpora[@]}" -gt 1 ] && root=/
/usr/bin/python3 "$top/bench/markup_diff.py" "$out/old.bin" "$out/new.bin" "$out" --root "$root"
