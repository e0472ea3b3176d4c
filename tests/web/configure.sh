#!/usr/bin/env bash
# A build directory configured once without FastCGI found (the README's
# command 1 runs before `install-deps.sh test` installs libfcgi-dev, leaving
# FCGI_INCLUDE_DIR-NOTFOUND in the cache) must configure again, and find
# FastCGI when it is there: nothing configured first may break a later
# configure. Three scratch build directories, configured only (no build):
# a fresh one says whether this machine has FastCGI; one starts from the
# cache command 1 leaves without libfcgi-dev and is configured twice.
# Usage: configure.sh SOURCE_DIR [CMAKE]
# Exit status: 0 all passed, 1 a check failed.
set -u
SRC=$(realpath "$1")
CMAKE=${2:-cmake}
T=$(mktemp -d /tmp/bs-web-configure.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"

# configure DIR LOG [-DVAR=VALUE...]: cmake's output in LOG
configure() {
  local dir=$1 log=$2
  shift 2
  "$CMAKE" -S "$SRC" -B "$dir" "$@" >"$log" 2>&1 || { tail -30 "$log"; return 1; }
}
fastcgi_in() { grep -q "blogsearch.cgi: with FastCGI" "$1"; }

check "a fresh build directory configures" configure "$T/fresh" "$T/fresh.log"
want=plain
fastcgi_in "$T/fresh.log" && want=fastcgi
echo "# this machine's blogsearch.cgi: $want"

# what find_path and find_library leave in the cache when libfcgi-dev is
# not installed
missing=(-DFCGI_INCLUDE_DIR=FCGI_INCLUDE_DIR-NOTFOUND -DFCGI_LIBRARY=FCGI_LIBRARY-NOTFOUND
         -DBS_STATIC_fcgi=BS_STATIC_fcgi-NOTFOUND)
check "configured with the cache of a configure without libfcgi-dev" \
  configure "$T/again" "$T/first.log" "${missing[@]}"
check "configured a second time" configure "$T/again" "$T/second.log"
same_as_fresh() {
  local got=plain
  fastcgi_in "$1" && got=fastcgi
  [ "$got" = "$want" ] || { echo "blogsearch.cgi: $got, a fresh configure: $want"; return 1; }
}
check "the first configure finds what a fresh one finds ($want)" same_as_fresh "$T/first.log"
check "the second configure finds what a fresh one finds ($want)" same_as_fresh "$T/second.log"
no_notfound_include() {
  ! grep -rl -- "-NOTFOUND" "$T/again/tools/CMakeFiles/blogsearch-cgi.dir/flags.make"
}
check "no NOTFOUND among blogsearch.cgi's compile flags" no_notfound_include

checks_done configure.sh
