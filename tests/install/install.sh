#!/usr/bin/env bash
# The installed project, as a user of it sees it: `cmake --install` with
# DESTDIR into a temporary directory (prefix /usr/local), the files it must
# put there (programs, libraries and their soname links, header, pkg-config
# file, data, man pages), then examples/search_and_index.c built outside the
# build and source trees with nothing but pkg-config and the installed copy:
# against libblogsearch.so, against libblogsearch.a (pkg-config --static) and,
# when the static libraries of its dependencies are there, fully static; each
# run and its output checked, the shared one also under valgrind (when
# installed); the installed header compiled alone as C99 and C++11.
# Usage: install.sh BUILD_DIR SOURCE_DIR [CMAKE]
# Exit status: 0 all passed, 1 a check failed, 77 skipped (a BS_SANITIZE or
# BS_TSAN build, whose libraries only link into sanitized programs).
# shellcheck disable=SC2016,SC2317  # check runs functions and eval's single-quoted strings
set -u
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
CMAKE=${3:-cmake}
CC=${CC:-cc}
CXX=${CXX:-c++}
if grep -qE "^BS_(SANITIZE|TSAN):BOOL=ON" "$BUILD/CMakeCache.txt" 2>/dev/null; then
  echo "install.sh: skipped: a BS_SANITIZE or BS_TSAN build (its libraries need the sanitizer runtimes)"
  exit 77
fi
for tool in pkg-config readelf nm ldd "$CC"; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "install.sh: FAIL: $tool is not installed (pkg-config is a build dependency)"
    exit 1
  fi
done
T=$(mktemp -d /tmp/bs-install.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"
is() { [ "$1" = "$2" ] || { echo "expected [$2], got [$1]"; return 1; }; }
# under DIR PATH: PATH (made absolute) lies in DIR
under() { case "$(realpath -m "$2")/" in "$1"/*) return 0 ;; esac; echo "$2 is not under $1"; return 1; }
not_under() { case "$(realpath -m "$2")/" in "$1"/*) echo "$2 is under $1"; return 1 ;; esac; return 0; }
has() { grep -qF -- "$2" "$1" || { echo "no [$2] in $1:"; head -40 "$1"; return 1; }; }
lacks() { ! grep -qF -- "$2" "$1" || { echo "[$2] in $1:"; grep -nF -- "$2" "$1"; return 1; }; }
finish() {
  checks_done install.sh
  exit $?
}

# ---- (a) cmake --install with DESTDIR ---------------------------------------------
D=$T/dest
P=$D/usr/local
check "cmake --install, DESTDIR, --prefix /usr/local" \
  env DESTDIR="$D" "$CMAKE" --install "$BUILD" --prefix /usr/local
# nothing outside DESTDIR/prefix
outside() { find "$D" -mindepth 1 -not -path "$D/usr" -not -path "$D/usr/local" \
                -not -path "$P/*" | grep . && return 1; return 0; }
check "everything under DESTDIR/usr/local" outside
for f in bin/blogsearch bin/blogsearch-index lib/cgi-bin/blogsearch.cgi; do
  check "$f installed, executable" test -x "$P/$f"
done
for f in include/blogsearch.h share/blogsearch/templates/results.html \
         share/blogsearch/www/index.html; do
  check "$f installed" test -s "$P/$f"
done

hdr_version() { sed -n "s/^#define BS_VERSION_$1 \"*\([0-9.]*\)\"*$/\1/p" "$P/include/blogsearch.h"; }
VERSION=$(hdr_version STRING)
MAJOR=$(hdr_version MAJOR)
check "the header gives the version ($VERSION, major $MAJOR)" \
  test -n "$VERSION" -a -n "$MAJOR"
# the library directory: GNUInstallDirs' lib, lib64 or lib/<multiarch>
so0=$(find "$P" -name "libblogsearch.so.$MAJOR" | head -1)
L=$(dirname "${so0:-$P/lib/none}")
in_libdir() { [ -n "$so0" ] || return 1; case ${L#"$P"/} in lib|lib64|lib/*) return 0 ;; esac; return 1; }
check "libblogsearch.so.$MAJOR installed in lib*/ (${L#"$P"/})" in_libdir
check "libblogsearch.so -> libblogsearch.so.$MAJOR" is "$(readlink "$L/libblogsearch.so")" "libblogsearch.so.$MAJOR"
check "libblogsearch.so.$MAJOR -> libblogsearch.so.$VERSION" \
  is "$(readlink "$L/libblogsearch.so.$MAJOR")" "libblogsearch.so.$VERSION"
check "libblogsearch.so.$VERSION a file" test -f "$L/libblogsearch.so.$VERSION" -a ! -L "$L/libblogsearch.so.$VERSION"
check "libblogsearch.a installed" test -s "$L/libblogsearch.a"
soname=$(readelf -d "$L/libblogsearch.so.$VERSION" 2>&1 | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "SONAME libblogsearch.so.$MAJOR" is "$soname" "libblogsearch.so.$MAJOR"
no_runpath() { readelf -d "$1" >"$T/dyn" || return 1; lacks "$T/dyn" RPATH && lacks "$T/dyn" RUNPATH; }
for f in "$L/libblogsearch.so.$VERSION" "$P/bin/blogsearch" "$P/bin/blogsearch-index" \
         "$P/lib/cgi-bin/blogsearch.cgi"; do
  check "no RPATH or RUNPATH in ${f#"$P"/}" no_runpath "$f"
done
# the shared library exports exactly the functions the header declares
sed -n 's/^BS_EXTERN .*[ *]\(bs_[a-z_]*\)(.*/\1/p' "$P/include/blogsearch.h" | sort -u >"$T/declared"
nm -D --defined-only "$L/libblogsearch.so.$VERSION" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' \
  | sed 's/@.*//' | sort -u >"$T/exported"
check "libblogsearch.so exports the header's $(wc -l <"$T/declared") functions, nothing else" \
  diff "$T/declared" "$T/exported"

PC=$L/pkgconfig/blogsearch.pc
check "lib*/pkgconfig/blogsearch.pc installed" test -s "$PC"
check "blogsearch.pc: prefix=/usr/local" has "$PC" "prefix=/usr/local"
check "blogsearch.pc names no path of the build or source tree" \
  eval 'lacks "$PC" "$BUILD" && lacks "$PC" "$SRC"'
if [ -d "$SRC/docs/man" ]; then
  nman=0
  for page in "$SRC"/docs/man/*.[0-9]; do
    [ -e "$page" ] || continue
    name=$(basename "$page")
    check "man page $name in share/man/man${name##*.}" test -s "$P/share/man/man${name##*.}/$name"
    nman=$((nman + 1))
  done
  check "docs/man has man pages ($nman)" test "$nman" -gt 0
else
  echo "# docs/man is not there: no man pages to check"
fi

# ---- (b) the example, built against the installed copy only ---------------------
W=$(mktemp -d /tmp/bs-install-example.XXXXXX)
trap 'rm -rf "$T" "$W"' EXIT
check "the example's directory is outside the build and source trees" \
  eval 'not_under "$BUILD" "$W" && not_under "$SRC" "$W"'
cp "$SRC/examples/search_and_index.c" "$W/"
cd "$W" || exit 1
# only the DESTDIR copy's pkgconfig directory; the sysroot makes the paths in
# it (/usr/local/...) point into DESTDIR
pc() { PKG_CONFIG_PATH="$L/pkgconfig" PKG_CONFIG_LIBDIR="$L/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$D" \
       pkg-config "$@" blogsearch; }
check "pkg-config --modversion: $VERSION" is "$(pc --modversion 2>&1)" "$VERSION"
CFLAGS_BS=$(pc --cflags)
LIBS_BS=$(pc --libs)
LIBS_STATIC=$(pc --static --libs)
echo "# pkg-config --cflags --libs: $CFLAGS_BS $LIBS_BS"
echo "# pkg-config --static --libs: $LIBS_STATIC"
echo " $LIBS_BS " >"$T/libs"
echo " $LIBS_STATIC " >"$T/libs-static"
check "pkg-config --libs has -lblogsearch" has "$T/libs" " -lblogsearch "
for lib in -lstemmer -lutf8proc -llmdb -lzstd -lyaml -ljansson -lmd4c -lpthread -lm; do
  check "pkg-config --static --libs has $lib" has "$T/libs-static" " $lib "
done
check "pkg-config --libs (not --static) lacks the private libraries" lacks "$T/libs" "-llmdb"
# every -I and -L points into the DESTDIR copy, none into the build or source tree
paths=$(for f in $CFLAGS_BS $LIBS_STATIC; do case $f in -I*|-L*) echo "${f#-?}" ;; esac; done)
check "pkg-config gives -I and -L" test -n "$paths"
for p in $paths; do
  check "$p: in DESTDIR, not in the build or source tree" \
    eval 'under "$P" "$p" && not_under "$BUILD" "$p" && not_under "$SRC" "$p"'
done

STRICT=(-std=c11 -Wall -Wextra -Werror)
# shellcheck disable=SC2086  # pkg-config's flags are split on purpose
check "build against libblogsearch.so: cc ${STRICT[*]} \$(pkg-config --cflags --libs blogsearch)" \
  "$CC" "${STRICT[@]}" search_and_index.c $CFLAGS_BS $LIBS_BS -o ex-shared
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
check "ex-shared needs libblogsearch.so.$MAJOR" eval 'needed ex-shared | grep -Fx "libblogsearch.so.$MAJOR"'
# libblogsearch.a, its dependencies as pkg-config --static names them (shared
# ones, as the system has them)
# shellcheck disable=SC2086
check "build against libblogsearch.a: -Wl,-Bstatic -lblogsearch -Wl,-Bdynamic + pkg-config --static --libs" \
  "$CC" "${STRICT[@]}" search_and_index.c $CFLAGS_BS \
        -Wl,-Bstatic -lblogsearch -Wl,-Bdynamic ${LIBS_STATIC//-lblogsearch/} -o ex-static
check "ex-static does not need libblogsearch.so" eval '! needed ex-static | grep -F libblogsearch'
# fully static, when the static libraries it needs are there (Debian's -dev
# packages ship them, but for libmd4c-dev's: a program that indexes links
# md4c as a shared library there)
full_static=1
for lib in stemmer utf8proc lmdb zstd md4c c m pthread; do
  a=$("$CC" -print-file-name="lib$lib.a")
  [ "$a" != "lib$lib.a" ] || full_static=0
done
if [ $full_static = 1 ]; then
  # shellcheck disable=SC2086
  check "build fully static: cc -static \$(pkg-config --cflags --static --libs blogsearch)" \
    "$CC" -static "${STRICT[@]}" search_and_index.c $CFLAGS_BS $LIBS_STATIC -o ex-full-static
  check "ex-full-static needs no shared library" eval '! needed ex-full-static | grep .'
else
  echo "# no static libstemmer, libutf8proc, liblmdb, libzstd, libmd4c or libc: not built fully static"
fi

# ---- (c) run them, with the installed libblogsearch.so.0 ---------------------------
export LD_LIBRARY_PATH="$L${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ldd ex-shared >"$T/ldd" 2>&1
got=$(sed -n "s/^[[:space:]]*libblogsearch\.so\.$MAJOR => \([^ ]*\) .*/\1/p" "$T/ldd")
check "ldd: libblogsearch.so.$MAJOR is the installed one ($got)" \
  eval '[ -n "$got" ] && is "$(realpath "$got")" "$(realpath "$L/libblogsearch.so.$VERSION")"'
check "ldd: no library from the build tree" lacks "$T/ldd" "$BUILD"

expect_output() {   # expect_output FILE: what search_and_index prints, checked
  local f=$1
  has "$f" "libblogsearch $VERSION" && has "$f" "query: виртуализация" && has "$f" "total: 2" \
    && has "$f" ". Домашний сервер: год спустя (2024-03-14)" \
    && has "$f" ". Контейнеры Docker (2024-01-20)" \
    && has "$f" "tags: Docker, контейнеры, виртуализация" \
    && has "$f" "«Виртуализация»" \
    && has "$f" "  виртуализация: 2" && has "$f" "  docker: 1" \
    && lacks "$f" "KVM" && lacks "$f" "на старом ноутбуке" \
    && has "$f" "posts in the index: 2"
}
runs=(ex-shared ex-static)
[ $full_static = 1 ] && runs+=(ex-full-static)
for ex in "${runs[@]}"; do
  rm -rf "$W/index-$ex"
  check "$ex runs (exit 0)" eval '"./$ex" "$W/index-$ex" >"$ex.out" 2>"$ex.err" || { cat "$ex.err"; false; }'
  check "$ex: the total, the titles and dates, tags, a highlight, the facets" expect_output "$ex.out"
  check "$ex: nothing on stderr" eval '! grep . "$ex.err"'
  check "$ex: an index in its directory" test -s "$W/index-$ex/data.mdb"
done
for ex in "${runs[@]:1}"; do
  check "$ex prints what ex-shared does" diff ex-shared.out "$ex.out"
done
# again on the same index: opened, not made; the puts replace, the total stays
check "ex-shared again on its index: the same output" \
  eval './ex-shared "$W/index-ex-shared" >again.out 2>&1 && diff ex-shared.out again.out'
# an index where none can be made (under a file): bs_errmsg(), bs_errstr() and exit
# status 1
fails_well() {
  echo x >"$W/file"
  ./ex-shared "$W/file/index" >/dev/null 2>err
  local rc=$?
  cat err
  is "$rc" 1 && grep -q '^search_and_index: .*: .* ([a-z][a-z ;,]*)$' err
}
check "an error: bs_errmsg() and bs_errstr() printed, exit status 1" fails_well

# ---- (d) under valgrind --------------------------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
  rm -rf "$W/index-vg"
  vg() { valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
           --error-exitcode=1 ./ex-shared "$W/index-vg" >vg.out 2>vg.err || { cat vg.err; return 1; }; }
  check "ex-shared under valgrind: no errors, no definite or indirect leaks" vg
  check "ex-shared under valgrind: the same output" diff ex-shared.out vg.out
else
  echo "# valgrind is not installed: not run under valgrind"
fi

# ---- (e) the installed header alone ---------------------------------------------------
printf '#include <blogsearch.h>\n' >hdr.c
check "blogsearch.h alone: $CC -std=c99 -pedantic -Werror -Wall -Wextra" \
  "$CC" -std=c99 -pedantic -Werror -Wall -Wextra -fsyntax-only -I"$P/include" hdr.c
if command -v "$CXX" >/dev/null 2>&1; then
  cp hdr.c hdr.cc
  check "blogsearch.h alone: $CXX -std=c++11 -pedantic -Werror" \
    "$CXX" -std=c++11 -pedantic -Werror -Wall -Wextra -fsyntax-only -I"$P/include" hdr.cc
else
  echo "# $CXX is not installed: the header not compiled as C++"
fi

finish
