# tests/checks.sh: what the shell tests of the web and install share, sourced
# once they have a scratch directory in T.
#   check DESCRIPTION COMMAND...  runs the command; prints "ok - ..." or
#                                 "FAIL - ..." and the first lines it printed
#   checks_done NAME              prints the counts and time; false if any failed
pass=0
fail=0
checks_started=$(date +%s)
check() {
  local what=$1; shift
  if "$@" >"$T/why" 2>&1; then
    pass=$((pass + 1))
    echo "ok - $what"
  else
    fail=$((fail + 1))
    echo "FAIL - $what"
    sed -n '1,20s/^/    /p' "$T/why"
  fi
}
checks_done() {
  echo "$1: $pass passed, $fail failed ($(( $(date +%s) - checks_started )) s)"
  [ "$fail" -eq 0 ]
}
