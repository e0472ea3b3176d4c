# tests/web/server.sh: a real web server for the web tests, sourced by them.
# web_start indexes the sample posts in data/ and starts lighttpd on
# 127.0.0.1 on a free port, serving
#   /search/                        the search box (www/)
#   /cgi-bin/blogsearch.cgi         blogsearch.cgi through mod_cgi, a process
#                                   per request
#   /fcgi/blogsearch                the same program resident, through
#                                   mod_fastcgi (when built with FastCGI)
#   /static.txt                     a small static file, the server's ceiling
# and web_stop stops it by its PID (web_launch starts lighttpd on a
# configuration of one's own). Needs: BUILD (the build directory), SRC
# (the source tree), WEB (a scratch directory). Sets PORT, BASE, FASTCGI
# (1 when /fcgi/ is served). Environment for the CGI: CGI_ENV_EXTRA, lines
# of lighttpd setenv pairs ("NAME" => "value",) added to the CGI's (both
# /cgi-bin/ and /fcgi/).
# WEB_FCGI_PROCS: how many resident processes lighttpd starts (default 2).
# The index may be given as WEB_INDEX (else one of data/samples is built),
# the HTML template as WEB_TEMPLATE (else data/templates/results.html).
# WEB_RAW_URLS=1 turns off lighttpd's URL normalization, which otherwise
# re-encodes a stray "%" as %25 and itself refuses %00 or invalid UTF-8, so
# that the CGI gets the query string exactly as sent.

# web_have_tools NAME: true when lighttpd (looked for in /usr/sbin too) and
# curl are installed, else says that the test NAME is skipped.
web_have_tools() {
  PATH=$PATH:/usr/sbin:/sbin
  local tool
  for tool in lighttpd curl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "$1: skipped: $tool is not installed"; return 1; }
  done
}

web_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

web_start() {
  : "${BUILD:?}" "${SRC:?}" "${WEB:?}"
  mkdir -p "$WEB/htdocs/cgi-bin" "$WEB/htdocs/search" "$WEB/log"
  if [ -z "${WEB_INDEX:-}" ]; then
    WEB_INDEX=$WEB/index
    "$BUILD/blogsearch-index" -q --index "$WEB_INDEX" --url-prefix /posts/ "$SRC/data/samples"
  fi
  cp "$BUILD/blogsearch.cgi" "$WEB/htdocs/cgi-bin/blogsearch.cgi"
  if [ -d "$SRC/www" ]; then cp "$SRC"/www/* "$WEB/htdocs/search/"; fi
  printf 'ok\n' >"$WEB/htdocs/static.txt"
  FASTCGI=0
  if "$BUILD/blogsearch.cgi" --version | grep -q "with FastCGI"; then
    FASTCGI=1
  fi
  PORT=$(web_free_port)
  BASE=http://127.0.0.1:$PORT
  local fcgi=""
  if [ "$FASTCGI" = 1 ]; then
    fcgi="
fastcgi.server = ( \"/fcgi/blogsearch\" => ((
  \"socket\" => \"$WEB/fcgi.sock\",
  \"bin-path\" => \"$BUILD/blogsearch.cgi\",
  \"bin-environment\" => ( \"BLOGSEARCH_INDEX\" => \"$WEB_INDEX\", \"BLOGSEARCH_TEMPLATE\" => \"${WEB_TEMPLATE:-$SRC/data/templates/results.html}\",
                         ${CGI_ENV_EXTRA:-} ),
  \"check-local\" => \"disable\",
  \"max-procs\" => ${WEB_FCGI_PROCS:-2},
  \"min-procs\" => 1
)) )"
  fi
  local parseopts=""
  if [ "${WEB_RAW_URLS:-0}" = 1 ]; then
    parseopts='server.http-parseopts = ( "url-normalize" => "disable" )'
  fi
  cat >"$WEB/lighttpd.conf" <<EOF
server.modules = ( "mod_setenv", "mod_cgi", "mod_fastcgi", "mod_accesslog" )
server.bind = "127.0.0.1"
server.port = $PORT
server.document-root = "$WEB/htdocs"
server.errorlog = "$WEB/log/error.log"
accesslog.filename = "$WEB/log/access.log"
server.pid-file = "$WEB/lighttpd.pid"
server.max-connections = 1024
$parseopts
index-file.names = ( "index.html" )
mimetype.assign = ( ".html" => "text/html; charset=utf-8", ".js" => "text/javascript; charset=utf-8",
                    ".css" => "text/css; charset=utf-8", ".txt" => "text/plain; charset=utf-8" )
\$HTTP["url"] =~ "^/cgi-bin/" {
  cgi.assign = ( ".cgi" => "" )
  setenv.add-environment = ( "BLOGSEARCH_INDEX" => "$WEB_INDEX",
                             "BLOGSEARCH_TEMPLATE" => "${WEB_TEMPLATE:-$SRC/data/templates/results.html}",
                             ${CGI_ENV_EXTRA:-} )
}
$fcgi
EOF
  web_launch "$WEB/lighttpd.conf" "$BASE/static.txt" "$WEB/log"
}

# web_launch CONF URL LOGDIR: lighttpd started on CONF in the foreground
# (WEB_PID), its standard error in LOGDIR/stderr, and waited for (web_wait).
web_launch() {
  local conf=$1 url=$2 logs=$3
  lighttpd -tt -f "$conf" >/dev/null || { echo "web_launch: lighttpd refuses $conf" >&2; return 1; }
  lighttpd -D -f "$conf" 2>>"$logs/stderr" &
  WEB_PID=$!
  web_wait lighttpd "$WEB_PID" "$url" "$logs"
}

# web_wait NAME PID URL LOGDIR: true once URL answers, false if the server
# PID ends first or takes over 10 s, with LOGDIR/error.log and LOGDIR/stderr
# shown.
web_wait() {
  local name=$1 pid=$2 url=$3 logs=$4 _
  for _ in $(seq 100); do
    if curl -fs -o /dev/null "$url"; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "web_wait: $name did not answer $url; its log:" >&2
  cat "$logs/error.log" "$logs/stderr" >&2 2>/dev/null
  return 1
}

web_stop() {
  if [ -n "${WEB_PID:-}" ]; then
    kill "$WEB_PID" 2>/dev/null
    wait "$WEB_PID" 2>/dev/null
    WEB_PID=
  fi
}
