#!/usr/bin/env bash
# The README's web install, as it is written there, then searches through a
# real lighttpd whose server.username is www-data, as Debian runs it. The
# lines after "<!-- web-install -->" and "<!-- web-install-lighttpd -->" in
# README.md are run as root, with only their places moved into a scratch
# directory: the prefix /usr/local, /var/lib/blogsearch, /etc/lighttpd, the
# posts (data/samples) and `service lighttpd force-reload` (lighttpd is
# started here, on a free loopback port, with Debian 12's lighttpd.conf
# adapted the same way). Once with umask 022 and once with 077; each time
# the JSON and HTML answers to q=docker and the search box must be 200s.
# Then an index made without the README's install -d: the search is a 500
# that shows no path, the error log names the fix, and the fix as the log
# line writes it makes it a 200. cmake --install as root runs ldconfig when
# ld.so searches the library's directory (for that check the scratch lib/
# is listed in /etc/ld.so.conf.d while the test runs) and not otherwise.
# The scratch directory is in /tmp and opened to www-data (the build tree
# may be where www-data cannot reach, as /root): the CGI runs from the
# installed copy there, as it would from /usr/local.
# Usage: install.sh BUILD_DIR SOURCE_DIR [CMAKE]
# shellcheck disable=SC2016,SC2088  # quoted for bash -c and nginx; the README's "~" as text
# Exit status: 0 all passed, 1 a check failed, 77 skipped (not root, no
# www-data user, no lighttpd, curl or python3, or a sanitizer build).
set -u
PATH=$PATH:/usr/sbin:/sbin        # where Debian puts lighttpd and ldconfig
skip() { echo "install.sh: skipped: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "not root (the web install is root's)"
getent passwd www-data >/dev/null || skip "no www-data user"
getent group www-data >/dev/null || skip "no www-data group"
for tool in lighttpd curl python3 ldconfig; do
  command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
done
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
CMAKE=${3:-cmake}
if grep -qE "^BS_(SANITIZE|TSAN):BOOL=ON" "$BUILD/CMakeCache.txt" 2>/dev/null; then
  skip "a BS_SANITIZE or BS_TSAN build (www-data's CGI would need the sanitizer runtimes)"
fi
umask 022
T=$(mktemp -d /tmp/bs-web-install.XXXXXX)
chmod 755 "$T"
LDCONF=/etc/ld.so.conf.d/zz-blogsearch-test-$$.conf
# ld_unlist: the scratch lib/ out of ld.so's directories and its cache again
ld_listed=0
ld_unlist() {
  if [ "$ld_listed" = 1 ]; then rm -f "$LDCONF"; ldconfig; ld_listed=0; fi
}
cleanup() {
  web_stop
  nginx_stop
  ld_unlist
  rm -rf "$T"
}
# shellcheck source=tests/web/server.sh
. "$SRC/tests/web/server.sh"
trap cleanup EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"

# readme_block MARKER: the lines of the fenced block after "<!-- MARKER -->"
readme_block() {
  awk -v m="<!-- $1 -->" '$0 == m { found = 1; next }
       found && /^```/ { if (fence++) exit; next }
       found && fence { print }' "$SRC/README.md"
}
# moved FILE FROM TO...: FILE with each FROM replaced by its TO; every FROM
# must be there, or the README changed under the test
moved() {
  local file=$1
  shift
  while [ $# -ge 2 ]; do
    grep -qF -- "$1" "$file" || { echo "README.md's web install has no \"$1\" any more" >&2; return 1; }
    FROM=$1 TO=$2 python3 -c '
import os, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read().replace(os.environ["FROM"], os.environ["TO"])
open(p, "w", encoding="utf-8").write(s)' "$file"
    shift 2
  done
}

# stop_on_failure COUNT: the end, when more checks failed than COUNT (what
# follows would fail for the same reason)
stop_on_failure() {
  [ "$fail" -le "$1" ] || { checks_done install.sh; exit 1; }
}
# get URL [CURL_ARGS...]: the body in $T/b, the status in $code
get() {
  code=$(curl -s -S --max-time 30 -o "$T/b" -w '%{http_code}' "$@" 2>"$T/curl.err")
  [ -n "$code" ] || code=000
}
status_200() { [ "$code" = 200 ] || { echo "status $code:"; head -c 600 "$T/b"; echo; tail -5 "$R/log/error.log"; return 1; }; }
json_docker() {
  python3 -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
assert r["total"] > 0 and r["results"], r
assert all(h["url"].startswith("/posts/") for h in r["results"]), r["results"][0]
' "$T/b"
}
html_docker() { grep -qi '<mark>docker</mark>' "$T/b" || { echo "no <mark>docker</mark> in:"; head -c 600 "$T/b"; return 1; }; }
# the CGI's user: lighttpd's, once it has dropped root
server_user() { [ "$(ps -o user= -p "$WEB_PID" | tr -d ' ')" = www-data ]; }
# mode_group FILE MODE GROUP: ls's mode string and the group
mode_group() {
  local got
  got="$(stat -c '%A %G' "$1")"
  [ "$got" = "$2 $3" ] || { echo "$1: $got, expected $2 $3"; return 1; }
}
no_leak() {
  local w e=0
  for w in /tmp "$T" "$R" lock.mdb data.mdb index; do
    if grep -qF -- "$w" "$T/b"; then echo "the answer shows \"$w\""; e=1; fi
  done
  return $e
}

# ---- the README's steps, in a scratch root R ---------------------------------------
# readme_steps SERVER: R/steps.sh, the README's lines (the common ones, and
# lighttpd's) with their places moved
readme_steps() {
  readme_block web-install >"$R/steps.sh"
  [ -s "$R/steps.sh" ] || { echo "README.md has no <!-- web-install --> block"; return 1; }
  moved "$R/steps.sh" \
    "/usr/local" "$R/usr/local" \
    "cmake --install build" "\"$CMAKE\" --install \"$BUILD\" --prefix $R/usr/local" \
    "/var/lib/blogsearch" "$R/var/lib/blogsearch" \
    "~/blog/posts" "$SRC/data/samples" || return 1
  [ "$1" = lighttpd ] || return 0
  readme_block web-install-lighttpd >"$R/lighttpd.sh"
  moved "$R/lighttpd.sh" \
    "/usr/local" "$R/usr/local" \
    "/var/lib/blogsearch" "$R/var/lib/blogsearch" \
    "/etc/lighttpd" "$R/etc/lighttpd" \
    "service lighttpd force-reload" ":" &&
  cat "$R/lighttpd.sh" >>"$R/steps.sh"
}
# Debian 12's /etc/lighttpd/lighttpd.conf (the package's own), its places
# moved into R and onto PORT on the loopback
debian_lighttpd_conf() {
  local mime='mimetype.assign = ( ".html" => "text/html", ".js" => "text/javascript", ".css" => "text/css" )'
  if [ -x /usr/share/lighttpd/create-mime.conf.pl ]; then
    mime='include_shell "/usr/share/lighttpd/create-mime.conf.pl"'
  fi
  cat >"$R/etc/lighttpd/lighttpd.conf" <<EOF
server.modules = (
	"mod_indexfile",
	"mod_access",
	"mod_alias",
	"mod_redirect",
)
server.document-root        = "$R/var/www/html"
server.upload-dirs          = ( "$R/var/cache/lighttpd/uploads" )
server.errorlog             = "$R/log/error.log"
server.pid-file             = "$R/lighttpd.pid"
server.username             = "www-data"
server.groupname            = "www-data"
server.bind                 = "127.0.0.1"
server.port                 = $PORT
server.http-parseopts = (
  "header-strict"           => "enable",
  "host-strict"             => "enable",
  "host-normalize"          => "enable",
  "url-normalize-unreserved"=> "enable",
  "url-normalize-required"  => "enable",
  "url-ctrls-reject"        => "enable",
  "url-path-2f-decode"      => "enable",
  "url-path-dotseg-remove"  => "enable",
)
index-file.names            = ( "index.php", "index.html" )
url.access-deny             = ( "~", ".inc" )
static-file.exclude-extensions = ( ".php", ".pl", ".fcgi" )
$mime
include "$R/etc/lighttpd/conf-enabled/*.conf"
server.modules += (
	"mod_dirlisting",
	"mod_staticfile",
)
EOF
}

# Debian 12's /etc/nginx/nginx.conf and its default site, with the README's
# location blocks in the site's server { } block; the places moved into R
# (fcgiwrap's socket among them) and onto PORT on the loopback
debian_nginx_conf() {
  mkdir -p "$R/etc/nginx/sites-enabled" "$R/etc/nginx/conf.d" &&
  cp /etc/nginx/mime.types /etc/nginx/fastcgi_params "$R/etc/nginx/" || return 1
  cat >"$R/etc/nginx/nginx.conf" <<END
user www-data;
worker_processes 2;
pid $R/nginx.pid;
error_log $R/log/error.log;
include /etc/nginx/modules-enabled/*.conf;
events {
	worker_connections 768;
}
http {
	sendfile on;
	tcp_nopush on;
	types_hash_max_size 2048;
	include $R/etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log $R/log/access.log;
	gzip on;
	include $R/etc/nginx/conf.d/*.conf;
	include $R/etc/nginx/sites-enabled/*;
}
END
  {
    printf 'server {\n\tlisten 127.0.0.1:%s default_server;\n\troot %s/var/www/html;\n' "$PORT" "$R"
    printf '\tindex index.html index.htm index.nginx-debian.html;\n\tserver_name _;\n'
    printf '\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n'
    readme_block web-install-nginx
    printf '}\n'
  } >"$R/etc/nginx/sites-enabled/default"
  moved "$R/etc/nginx/sites-enabled/default" \
    "/usr/local" "$R/usr/local" \
    "/var/lib/blogsearch" "$R/var/lib/blogsearch" \
    "/run/fcgiwrap.socket" "$R/run/fcgiwrap.socket"
}
# nginx_launch: fcgiwrap as www-data on R/run/fcgiwrap.socket, as Debian's
# fcgiwrap.service runs it (-f: the CGI's standard error to nginx's log),
# then nginx (FCGI_PID, NGINX_PID), waited for until both answer
nginx_launch() {
  setpriv --reuid=www-data --regid=www-data --init-groups \
    fcgiwrap -f -s "unix:$R/run/fcgiwrap.socket" 2>>"$R/log/stderr" &
  FCGI_PID=$!
  nginx -t -q -c "$R/etc/nginx/nginx.conf" || return 1
  nginx -c "$R/etc/nginx/nginx.conf" -g 'daemon off;' 2>>"$R/log/stderr" &
  NGINX_PID=$!
  web_wait nginx "$NGINX_PID" "$BASE/ok.txt" "$R/log" || return 1
  local _
  for _ in $(seq 50); do
    [ -S "$R/run/fcgiwrap.socket" ] && return 0
    sleep 0.1
  done
  echo "nginx_launch: fcgiwrap made no socket"
  return 1
}
nginx_stop() {
  local pid
  for pid in ${NGINX_PID:-} ${FCGI_PID:-}; do
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  NGINX_PID=''
  FCGI_PID=
}

# install_round NAME UMASK LDCONF(yes|no) SERVER(lighttpd|nginx): the
# README's steps with UMASK in $T/NAME, the server started on them; R, PORT,
# BASE set
install_round() {
  R=$T/$1
  mkdir -p "$R/etc/lighttpd/conf-enabled" "$R/var/www/html" "$R/var/cache/lighttpd/uploads" \
           "$R/log" "$R/run"
  chown www-data:www-data "$R/var/cache/lighttpd/uploads" "$R/log" "$R/run"
  printf 'ok\n' >"$R/var/www/html/ok.txt"
  ld_unlist
  if [ "$3" = yes ]; then
    ld_listed=1
    printf '%s\n' "$R/usr/local/lib" >"$LDCONF"
  fi
  local failed=$fail
  check "$1: the README's web install lines, moved into the scratch root" readme_steps "$4"
  check "$1: the lines run as root, umask $2" \
    bash -c 'umask "$1"; export PATH="$2/usr/local/bin:$PATH"; cd "$3" && bash -eux "$2/steps.sh" >"$2/steps.log" 2>&1 || { tail -20 "$2/steps.log"; exit 1; }' \
    _ "$2" "$R" "$SRC"
  stop_on_failure "$failed"
  PORT=$(web_free_port)
  BASE=http://127.0.0.1:$PORT
  if [ "$4" = nginx ]; then
    check "$1: Debian's nginx.conf and default site with the README's locations" debian_nginx_conf
    check "$1: nginx and fcgiwrap answer on $BASE" nginx_launch
    return
  fi
  debian_lighttpd_conf
  check "$1: lighttpd (Debian's lighttpd.conf and the README's) answers on $BASE" \
    web_launch "$R/etc/lighttpd/lighttpd.conf" "$BASE/ok.txt" "$R/log"
  check "$1: lighttpd runs as www-data" server_user
}

# searches: the JSON and HTML answers and the search box page, all 200s
searches() {
  get "$BASE/cgi-bin/blogsearch.cgi?q=docker&format=json"
  check "$1: JSON search for docker: 200" status_200
  check "$1: JSON search for docker: results under /posts/" json_docker
  get -H 'Accept: text/html' "$BASE/cgi-bin/blogsearch.cgi?q=docker"
  check "$1: HTML search for docker: 200" status_200
  check "$1: HTML search for docker: the word marked" html_docker
  get "$BASE/search/"
  check "$1: the search box page at /search/: 200" status_200
}

IX=/var/lib/blogsearch/index
install_round u022 022 yes lighttpd
searches u022
check "u022: lock.mdb group www-data, read-write" mode_group "$R$IX/lock.mdb" -rw-rw-r-- www-data
check "u022: data.mdb group www-data, readable" mode_group "$R$IX/data.mdb" -rw-r--r-- www-data
in_ld_cache() { ldconfig -p | grep -qF "=> $R/usr/local/lib/libblogsearch.so."; }
check "u022: ld.so searches the prefix's lib/: cmake --install ran ldconfig" in_ld_cache
check "u022: ... and said so" grep -q "Running ldconfig" "$R/steps.log"

# the index made as before the README's install -d: blogsearch-index makes
# the missing directories (root's, 755) and lock.mdb is root's alone
wrong_index() {
  rm -rf "$R/var/lib/blogsearch" &&
  blogsearch-index -q --index "$R$IX" --url-prefix /posts/ "$SRC/data/samples"
}
PATH=$R/usr/local/bin:$PATH check "u022: blogsearch-index makes the index's missing parent directories" wrong_index
# the CGI's standard error: lighttpd's (started here, log/stderr; under
# systemd, the journal), or its error log
server_log() { cat "$R/log/error.log" "$R/log/stderr" 2>/dev/null; }
server_log >"$T/log.before"
get "$BASE/cgi-bin/blogsearch.cgi?q=docker&format=json"
is_500() { [ "$code" = 500 ] || { echo "status $code"; head -c 300 "$T/b"; return 1; }; }
check "u022: an index www-data cannot open: 500" is_500
check "u022: ... which shows no path" no_leak
new_log() { server_log | diff "$T/log.before" - | sed -n 's/^> //p'; }
log_names_fix() {
  new_log | grep -F "blogsearch.cgi: cannot open the index $R$IX: Permission denied; the web server's user (www-data)" |
    grep -F "install -d -g www-data -m 2750 $R$IX" || { echo "the error log:"; new_log; return 1; }
}
check "u022: the error log names the user and the fix" log_names_fix
# the fix, as the log line writes it
apply_fix() {
  local fix
  fix=$(new_log | sed -n 's/.*(\(install -d [^)]*\)).*/\1/p' | head -1)
  [ -n "$fix" ] || { echo "no (install -d ...) in the log"; return 1; }
  echo "+ $fix"
  $fix && blogsearch-index -q --index "$R$IX" --url-prefix /posts/ "$SRC/data/samples"
}
PATH=$R/usr/local/bin:$PATH check "u022: the log's fix, then blogsearch-index again" apply_fix
searches "u022, fixed"
web_stop

install_round u077 077 no lighttpd
searches u077
check "u077: lock.mdb group www-data, read-write" mode_group "$R$IX/lock.mdb" -rw-rw---- www-data
check "u077: data.mdb group www-data, readable" mode_group "$R$IX/data.mdb" -rw-r----- www-data
not_in_ld_cache() { ! ldconfig -p | grep -F "$R/usr/local/lib/"; }
check "u077: ld.so does not search the prefix's lib/: no ldconfig" not_in_ld_cache
check "u077: ... and the install said how programs find the library" \
  grep -q "ld.so does not search $R/usr/local/lib" "$R/steps.log"
web_stop

# nginx with fcgiwrap, when both are installed (install-deps.sh does not)
if command -v nginx >/dev/null 2>&1 && command -v fcgiwrap >/dev/null 2>&1 &&
   command -v setpriv >/dev/null 2>&1; then
  install_round nginx 022 no nginx
  searches nginx
  nginx_stop
else
  echo "# nginx with fcgiwrap: not installed, not tried"
fi

checks_done install.sh
