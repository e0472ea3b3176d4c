# What the end-to-end scripts share, sourced first: . lib.sh NAME
# A scratch directory $T (removed at exit), and the counting of checks.
set -u
T=$(mktemp -d "/tmp/bs-e2e-$1.XXXXXX")
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() {   # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@"; then ok; else bad "$what"; fi
}
has() { grep -qF -- "$2" "$1"; }   # has FILE TEXT
# finish NAME: the counts, and the script's status
finish() { echo "$1: $pass passed, $fail failed"; [ "$fail" -eq 0 ]; }
