#!/bin/sh
# Installs the Debian packages blogsearch needs, only those missing.
# Usage: tools/install-deps.sh [build|test|bench]...   (default: build)
#   build  compiler, CMake, the libraries blogsearch links, and tzdata (the
#          zones blogsearch-index --timezone names, such as Europe/Moscow)
#   test   what the test suite runs besides: python3 (and python3-yaml, to hold
#          the YAML reader to PyYAML) for the end-to-end checks,
#          lighttpd and curl for the CGI, FastCGI's library, Chromium with
#          Node.js (npm) for the browser test of the search box, and clang
#          for CI's second sanitizer build (.ci/run) and the libFuzzer targets of
#          tests/fuzz/ (BS_FUZZ)
#   bench  the peers measured beside blogsearch (Xapian, SQLite FTS5, Sphinx
#          with a MySQL-protocol client: libmariadb for bench/peer_query_sphinx.c,
#          the mariadb command for a query as a whole process), the load
#          generator for the web benchmark (wrk), and the Russian and English
#          hunspell dictionaries with unmunch for bench/make_corpus.py's words
# Run as root (or with sudo available) on Debian 12 or a derivative.
set -eu

build="build-essential cmake pkg-config libstemmer-dev libutf8proc-dev liblmdb-dev libzstd-dev libyaml-dev libjansson-dev libmd4c-dev tzdata"
want=""
[ $# -eq 0 ] && set -- build
for group in "$@"; do
  case "$group" in
    build) want="$want $build" ;;
    test)  want="$want $build python3 python3-yaml lighttpd curl libfcgi-dev chromium clang"
           # Node.js from Debian only when the machine has none of its own
           command -v npm >/dev/null 2>&1 || want="$want nodejs npm" ;;
    bench) want="$want $build g++ libxapian-dev libsqlite3-dev python3-xapian time hyperfine wrk lighttpd curl libfcgi-dev python3 sphinxsearch libmariadb-dev mariadb-client hunspell-ru hunspell-en-us hunspell-tools" ;;
    *) echo "install-deps.sh: unknown group '$group' (build, test, bench)" >&2; exit 2 ;;
  esac
done

missing=""
for pkg in $want; do
  case " $missing " in *" $pkg "*) continue ;; esac
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing="$missing $pkg"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "install-deps.sh: missing Debian packages:$missing; run this as root" >&2
  exit 1
fi
echo "install-deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
