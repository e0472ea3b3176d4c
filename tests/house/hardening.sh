#!/usr/bin/env bash
# The built programs and library are hardened as the top CMakeLists.txt asks
# (BS_HARDEN): full RELRO (a GNU_RELRO segment and BIND_NOW), position-
# independent (ELF type DYN) except the statically linked blogsearch.cgi,
# the stack protector (__stack_chk_fail referenced), and in an optimized build
# without sanitizers _FORTIFY_SOURCE (checked variants, __*_chk, referenced).
# Usage: hardening.sh BUILD_TYPE FORTIFIED FILE...   (FORTIFIED: 1 or 0)
# Exit status: 0 all hold, 1 one does not, 77 readelf is not installed.
set -u
command -v readelf >/dev/null || { echo "hardening.sh: no readelf; skipped"; exit 77; }
type=$1 fortified=$2
shift 2
pass=0 fail=0
check() {   # check WHAT COMMAND...
  if "${@:2}"; then pass=$((pass + 1)); echo "ok - $1"; else fail=$((fail + 1)); echo "FAIL - $1"; fi
}
for f in "$@"; do
  name=$(basename "$f")
  dyn=$(readelf -d "$f" 2>/dev/null)
  static=0
  [ -z "$(readelf -l "$f" 2>/dev/null | grep INTERP)" ] && case $name in *.so*) ;; *) static=1 ;; esac
  check "$name: a GNU_RELRO segment" grep -q GNU_RELRO <(readelf -l "$f")
  if [ "$static" = 0 ]; then
    check "$name: BIND_NOW (full RELRO)" grep -qE 'BIND_NOW|FLAGS_1.*NOW' <<<"$dyn"
    check "$name: position-independent" grep -q 'Type:.*DYN' <(readelf -h "$f")
  fi
  syms=$(readelf -Ws "$f" 2>/dev/null)
  check "$name: the stack protector" grep -q '__stack_chk_fail' <<<"$syms"
  if [ "$fortified" = 1 ]; then
    check "$name: _FORTIFY_SOURCE's checked calls" grep -qE '__[a-z_]+_chk(@|$| )' \
      <(grep -v __stack_chk <<<"$syms")
  fi
done
echo "hardening ($type): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
