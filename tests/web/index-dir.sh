#!/usr/bin/env bash
# The index directory of a web install, without a web server: blogsearch-index
# makes the directories above the index that are missing, and in a
# set-group-ID index directory (the README's install -d -g www-data -m 2750)
# leaves lock.mdb readable and writable and data.mdb readable by the
# directory's group whatever the umask, also for files an earlier run left
# with another group; elsewhere the umask decides, as before. Runs as any
# user (the group is one of the user's own; as root, another one as well).
# Usage: index-dir.sh BUILD_DIR SOURCE_DIR
# Exit status: 0 all passed, 1 a check failed.
set -u
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d /tmp/bs-web-index-dir.XXXXXX)
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"
umask 022

index() { "$BUILD/blogsearch-index" -q --index "$1" "$SRC/data/samples"; }
index_umask() { (umask "$1" && index "$2"); }
found() { "$BUILD/blogsearch" --index "$1" -n 1 docker >/dev/null; }
# mode_group FILE MODE GROUP: ls's mode string and the group name
mode_group() {
  local got
  got=$(stat -c '%A %G' "$1")
  [ "$got" = "$2 $3" ] || { echo "$1: $got, expected $2 $3"; return 1; }
}
mode_is() {
  local got
  got=$(stat -c '%A' "$1")
  [ "$got" = "$2" ] || { echo "$1: $got, expected $2"; return 1; }
}

# ---- the directories above the index --------------------------------------------
check "an index whose parent directories are missing is made" index "$T/var/lib/blogsearch/index"
check "... and searched" found "$T/var/lib/blogsearch/index"
check "the parents made 0777 less the umask (755)" mode_is "$T/var/lib/blogsearch" drwxr-xr-x
: >"$T/file"
not_under_file() {
  if "$BUILD/blogsearch-index" -q --index "$T/file/index" "$SRC/data/samples" 2>"$T/err"; then
    echo "made an index below a file"
    return 1
  fi
  grep -q "$T/file/index: Not a directory" "$T/err" || { cat "$T/err"; return 1; }
}
check "an index below a file: refused, the reason named" not_under_file

# ---- a set-group-ID index directory, shared with its group -----------------------
G=$(id -gn)
if [ "$(id -u)" = 0 ]; then
  # as root, a group that is not root's: the group really changes
  for g in www-data nogroup daemon; do
    if getent group "$g" >/dev/null; then G=$g; break; fi
  done
fi
shared_dir() { mkdir "$1" && chgrp "$G" "$1" && chmod 2750 "$1"; }
for mask in 077 022; do
  D=$T/shared$mask
  check "umask $mask: a set-group-ID directory of group $G" shared_dir "$D"
  check "umask $mask: indexed" index_umask "$mask" "$D"
  if [ "$mask" = 077 ]; then
    check "umask 077: lock.mdb group read-write" mode_group "$D/lock.mdb" -rw-rw---- "$G"
    check "umask 077: data.mdb group readable" mode_group "$D/data.mdb" -rw-r----- "$G"
  else
    check "umask 022: lock.mdb group read-write" mode_group "$D/lock.mdb" -rw-rw-r-- "$G"
    check "umask 022: data.mdb group readable" mode_group "$D/data.mdb" -rw-r--r-- "$G"
  fi
  check "umask $mask: the directory as it was" mode_group "$D" drwxr-s--- "$G"
done

# an index made first in a plain directory, shared afterwards: the next run
# gives its files the directory's group
D=$T/later
check "an index in a plain directory" index "$D"
check "... lock.mdb as the umask made it" mode_is "$D/lock.mdb" -rw-r--r--
later() { chgrp "$G" "$D" && chmod 2750 "$D" && index "$D"; }
check "the directory made group $G, 2750, and indexed again" later
check "... lock.mdb group $G, read-write" mode_group "$D/lock.mdb" -rw-rw-r-- "$G"
check "... data.mdb group $G, readable" mode_group "$D/data.mdb" -rw-r--r-- "$G"
check "... and searched" found "$D"

# elsewhere the umask decides, as before
D=$T/plain077
check "umask 077, a plain directory: indexed" index_umask 077 "$D"
check "... lock.mdb the owner's alone" mode_is "$D/lock.mdb" -rw-------
check "... data.mdb the owner's alone" mode_is "$D/data.mdb" -rw-------

checks_done index-dir.sh
