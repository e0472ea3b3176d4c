# shellcheck shell=bash
# two_builds.sh: sourced by the benchmarks that compare a change with the
# code before it (markup_diff.sh, index_markdown.sh). two_builds OUT BASE
# TARGET...: BASE's tree exported once per commit into OUT/base-src (git
# archive: no worktree, nothing of git changed), then the TARGETs of it and
# of the working tree built Release in OUT/base-build and OUT/new-build; a
# failed build ends the script with its log's tail.
two_builds() {
  local out=$1 base=$2 top name src b
  shift 2
  top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$out"
  if [ "$(cat "$out/base-src/COMMIT" 2>/dev/null || true)" != "$base" ]; then
    rm -rf "$out/base-src" "$out/base-build"
    mkdir -p "$out/base-src"
    git -C "$top" archive "$base" | tar -x -C "$out/base-src"
    echo "$base" >"$out/base-src/COMMIT"
  fi
  for name in base new; do
    src=$top
    [ "$name" = base ] && src=$out/base-src
    b=$out/$name-build
    echo "two_builds: building $name ($src): $*" >&2
    if ! { cmake -S "$src" -B "$b" -DCMAKE_BUILD_TYPE=Release &&
           cmake --build "$b" -j 2 --target "$@"; } >"$out/$name-build.log" 2>&1; then
      tail -n 15 "$out/$name-build.log" >&2
      echo "two_builds: the build of $name failed ($out/$name-build.log)" >&2
      exit 1
    fi
  done
}
