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
# utf8 FILE: the file is valid UTF-8
utf8() { python3 -c "import sys; open(sys.argv[1], 'rb').read().decode('utf-8')" "$1" 2>/dev/null; }
# py EXPR: a Python expression over r, the JSON in $T/r.json, that must be true
py() { python3 -c "import json,sys; r=json.load(open('$T/r.json')); sys.exit(0 if ($1) else 1)" 2>/dev/null; }
# run OUT COMMAND...: its output in $T/OUT, its errors in $T/err, its status in rc
run() { local o=$1; shift; "$@" >"$T/$o" 2>"$T/err"; rc=$?; }
