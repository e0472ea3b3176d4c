#!/usr/bin/env bash
# End-to-end tests of blogsearch.cgi under a real lighttpd (tests/web/server.sh),
# through mod_cgi and, when built with FastCGI, through mod_fastcgi: status codes
# and headers of every kind of answer, format choice, the JSON schema, paging,
# filters and facets, HEAD, every 400 (in JSON and in HTML), 405, 503 (no index,
# an empty index directory), 500 (a damaged index, a broken template) without any
# server path in the answer, escaping, CORS, unknown parameters and a Cyrillic
# query against `blogsearch --json`. docs/cgi.md is the contract.
# Usage: cgi.sh BUILD_DIR SOURCE_DIR
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no lighttpd or curl).
set -u
PATH=$PATH:/usr/sbin:/sbin        # where Debian puts lighttpd
for tool in lighttpd curl; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "cgi.sh: skipped: $tool is not installed"
    exit 77
  fi
done
BUILD=$(realpath "$1")
SRC=$(realpath "$2")
T=$(mktemp -d /tmp/bs-web-cgi.XXXXXX)
# python3 itself, without site packages: a version manager's shim costs more
# than the check
PY=$(python3 -c 'import sys; print(sys.executable)')
py3() { "$PY" -S "$@"; }
# shellcheck source=tests/web/server.sh
. "$SRC/tests/web/server.sh"
trap 'web_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$(dirname "$0")/../checks.sh"

# get CURL_ARGS... : one request; the headers in $T/h, the body in $T/b, the
# status in $code
get() {
  : >"$T/h"; : >"$T/b"       # nothing left of the last answer if this one fails
  code=$(curl -s -S --max-time 30 -D "$T/h" -o "$T/b" -w '%{http_code}' "$@" 2>"$T/curl.err")
  [ -n "$code" ] || code=000
}
# hdr NAME: the header's values, several joined with ", " (from $T/h)
hdr() { tr -d '\r' <"$T/h" | sed -n "s/^$1: *//Ip" | awk 'NR > 1 { printf ", " } { printf "%s", $0 }'; }
is() { [ "$1" = "$2" ] || { echo "expected [$2], got [$1]"; return 1; }; }
status_is() { is "$code" "$1"; }
# py EXPR: a Python expression over r (the JSON body) that must hold
py() {
  py3 -c "
import json, sys
r = json.load(open(sys.argv[2], encoding='utf-8'))
ok = eval(sys.argv[1])
if not ok:
    print('not true:', sys.argv[1], '| body:', json.dumps(r, ensure_ascii=False)[:300])
sys.exit(0 if ok else 1)" "$1" "$T/b"
}
field() { py3 -c "import json,sys; r=json.load(open(sys.argv[2], encoding='utf-8')); print(eval(sys.argv[1]))" "$1" "$T/b"; }

# std_headers json|html STATUS: the headers every answer carries (docs/cgi.md)
std_headers() {
  local kind=$1 st=$2 e=0 ct cl len
  if [ "$kind" = json ]; then ct="application/json; charset=utf-8"; else ct="text/html; charset=utf-8"; fi
  is "$code" "$st" || e=1
  is "$(hdr Content-Type)" "$ct" || e=1
  cl=$(hdr Content-Length)
  len=$(stat -c %s "$T/b")
  [ "$cl" = "$len" ] || { echo "Content-Length [$cl], body $len bytes"; e=1; }
  if [ "$st" = 200 ]; then
    is "$(hdr Cache-Control)" "public, max-age=60" || e=1
  else
    is "$(hdr Cache-Control)" "no-store" || e=1
  fi
  is "$(hdr X-Content-Type-Options)" "nosniff" || e=1
  if [ "$st" = 405 ]; then is "$(hdr Allow)" "GET, HEAD" || e=1; fi
  if [ "$st" = 503 ]; then
    hdr Retry-After | grep -qxE '[0-9]+' || { echo "Retry-After [$(hdr Retry-After)]"; e=1; }
  else
    [ -z "$(hdr Retry-After)" ] || { echo "Retry-After on a $st"; e=1; }
  fi
  return $e
}
vary_has() { hdr Vary | tr ',' '\n' | sed 's/^ *//' | grep -qix "$1"; }
vary_accept() { vary_has Accept || { echo "Vary: [$(hdr Vary)]"; return 1; }; }
no_vary_accept() { ! vary_has Accept || { echo "Vary: [$(hdr Vary)]"; return 1; }; }
# no_leak [WORD...]: neither headers nor body show a server path or the given words
no_leak() {
  local w e=0
  for w in /tmp /work "$T" "$SRC" "$BUILD" data.mdb lock.mdb MDB_ "$@"; do
    if grep -qF -- "$w" "$T/h" "$T/b"; then echo "the answer shows \"$w\""; e=1; fi
  done
  return $e
}
# json_error STATUS [PARAM]: {"error": {"status", "message", "parameter"}}
json_error() {
  py3 - "$T/b" "$1" "${2:-}" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
want_status, want_param = int(sys.argv[2]), sys.argv[3] or None
assert set(r) == {'error'}, 'keys: %s' % sorted(r)
e = r['error']
assert set(e) <= {'status', 'message', 'parameter'}, 'error keys: %s' % sorted(e)
assert type(e['status']) is int and e['status'] == want_status, e
assert isinstance(e['message'], str) and e['message'].strip(), e
assert e.get('parameter') == want_param, 'parameter %r, expected %r' % (e.get('parameter'), want_param)
EOF
}
# html_error MESSAGE_FILE: the page shows the message, escaped
html_error() {
  py3 - "$T/b" "$1" <<'EOF'
import html, re, sys
body = open(sys.argv[1], encoding='utf-8').read()
msg = open(sys.argv[2], encoding='utf-8').read()
assert body.lstrip().lower().startswith('<!doctype html'), body[:80]
m = re.search(r'<p class="bs-error"[^>]*>(.*?)</p>', body, re.S)
assert m, 'no error paragraph in the page'
shown = m.group(1)
assert html.unescape(shown) == msg, 'shown %r, message %r' % (shown, msg)
assert not re.search(r'[<>"]', shown), 'unescaped markup in %r' % shown
EOF
}
# form_q: the q input's value attribute, unescaped; also that it is escaped
form_q() {
  py3 - "$T/b" <<'EOF'
import html, re, sys
body = open(sys.argv[1], encoding='utf-8').read()
m = re.search(r'<input type="search" name="q" value="([^"]*)"', body)
assert m, 'no q input'
print(html.unescape(m.group(1)))
EOF
}
# schema: the results object of docs/json.md and docs/cgi.md, without path
schema() {
  py3 - "$T/b" <<'EOF'
import json, math, re, sys
raw = open(sys.argv[1], encoding='utf-8').read()
r = json.loads(raw)
def num(x): return isinstance(x, (int, float)) and not isinstance(x, bool)
def integer(x): return type(x) is int
want = {'query': str, 'total': integer, 'offset': integer, 'limit': integer, 'results': list,
        'took_ms': num, 'page': integer, 'pages': integer, 'per_page': integer, 'links': dict,
        'facets': dict}
for k, t in want.items():
    assert k in r, 'no %s' % k
    assert (t(r[k]) if callable(t) and not isinstance(t, type) else isinstance(r[k], t)), \
        '%s: %r' % (k, r[k])
for k in ('form', 'facet_links', 'searched', 'has_results', 'first_shown', 'last_shown', 'error'):
    assert k not in r, 'a template-only member in the JSON: %s' % k
assert '"path"' not in raw, 'a "path" in the JSON'
assert r['per_page'] == r['limit'] and r['offset'] == (r['page'] - 1) * r['per_page'], r
assert r['pages'] == max(1, math.ceil(r['total'] / r['per_page'])), (r['pages'], r['total'])
links = r['links']
assert set(links) == {'self', 'first', 'prev', 'next', 'last'}, sorted(links)
for k in ('self', 'first', 'last'):
    assert isinstance(links[k], str) and links[k], (k, links[k])
for k in ('prev', 'next'):
    assert links[k] is None or isinstance(links[k], str), (k, links[k])
assert set(r['facets']) == {'tags'}, sorted(r['facets'])
tags = r['facets']['tags']
assert isinstance(tags, list) and len(tags) <= 20, tags
for f in tags:
    assert set(f) == {'tag', 'count'} and isinstance(f['tag'], str) and integer(f['count']) \
        and f['count'] > 0, f
assert [f['count'] for f in tags] == sorted((f['count'] for f in tags), reverse=True), tags
assert len(r['results']) == max(0, min(r['per_page'], r['total'] - r['offset'])), len(r['results'])
for i, x in enumerate(r['results']):
    assert set(x) - {'title_highlights'} == {'rank', 'url', 'title', 'slug', 'date',
                      'utc_offset', 'tags', 'category', 'categories', 'author', 'score', 'snippet'}, sorted(x)
    for s, n in x.get('title_highlights', []):
        assert 0 <= s and n > 0 and s + n <= len(x['title']), (x['title'], s, n)
    assert integer(x['rank']) and x['rank'] == r['offset'] + i + 1, x['rank']
    for k in ('url', 'title', 'slug', 'category'):
        assert isinstance(x[k], str), (k, x[k])
    assert isinstance(x['categories'], list) and x['category'] == (x['categories'] or [''])[0]
    assert x['date'] is None and x['utc_offset'] is None or \
        re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)', x['date']) \
        and integer(x['utc_offset']), (x['date'], x['utc_offset'])
    assert isinstance(x['tags'], list) and all(isinstance(t, str) for t in x['tags']), x['tags']
    assert num(x['score']), x['score']
    s = x['snippet']
    assert set(s) == {'text', 'highlights'} and isinstance(s['text'], str), sorted(s)
    for h in s['highlights']:
        assert isinstance(h, list) and len(h) == 2 and all(integer(v) for v in h), h
        assert h[0] >= 0 and h[1] > 0 and h[0] + h[1] <= len(s['text']), (h, len(s['text']))
EOF
}
# head_same URL_ARGS...: HEAD answers the GET's status and headers, no body.
# The Content-Length is the GET's body length; JSON results may differ by the
# digits of took_ms, which is timed anew.
head_same() {
  local e=0 gh gcode gbytes hh hcl slack=0
  get "$@"
  gcode=$code; gbytes=$(stat -c %s "$T/b")
  gh=$(tr -d '\r' <"$T/h" | grep -viE '^(date:|http/|content-length:|$)' | sort)
  if grep -q '"took_ms"' "$T/b"; then slack=3; fi
  : >"$T/h"
  code=$(curl -s -S --max-time 30 -I -D "$T/h" -o /dev/null -w '%{http_code}' "$@")
  is "$code" "$gcode" || e=1
  hh=$(tr -d '\r' <"$T/h" | grep -viE '^(date:|http/|content-length:|$)' | sort)
  if [ "$hh" != "$gh" ]; then
    echo "GET and HEAD headers differ:"; diff <(echo "$gh") <(echo "$hh"); e=1
  fi
  hcl=$(hdr Content-Length)
  if ! [ -n "$hcl" ] || [ $((hcl - gbytes)) -gt $slack ] || [ $((gbytes - hcl)) -gt $slack ]; then
    echo "HEAD Content-Length [$hcl], GET body $gbytes bytes"; e=1
  fi
  return $e
}
# head_no_body URL: nothing follows the headers of a HEAD (read off the socket,
# since curl never reads a body after HEAD)
head_no_body() {
  py3 - "$1" <<'EOF'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
s = socket.create_connection((u.hostname, u.port), timeout=30)
path = u.path + ('?' + u.query if u.query else '')
s.sendall(('HEAD %s HTTP/1.0\r\nHost: %s\r\n\r\n' % (path, u.netloc)).encode())
data = b''
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b'\r\n\r\n')
assert head.startswith(b'HTTP/1.'), head[:40]
assert body == b'', 'a body of %d bytes after HEAD' % len(body)
EOF
}
# enc TEXT: TEXT percent-encoded for a query string
enc() { py3 -c "import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=''))" "$1"; }

# error_400 QUERY_STRING PARAM: the 400 in JSON (by format= unless format is at
# fault, and by Accept) and in HTML, the message the same in both ($L, $U: the
# endpoint)
error_400() {
  local qs=$1 param=$2
  if [ "$param" != format ]; then
    get "$U?$qs&format=json"
    check "$L: ?$qs: 400, JSON headers" std_headers json 400
    check "$L: ?$qs: the error object names $param" json_error 400 "$param"
    check "$L: ?$qs: no server path" no_leak
  fi
  get -H "Accept: application/json" "$U?$qs"
  check "$L: ?$qs (Accept: JSON): 400, JSON headers, Vary: Accept" eval 'std_headers json 400 && vary_accept'
  check "$L: ?$qs (Accept: JSON): the error object names $param" json_error 400 "$param"
  field "r['error']['message']" >"$T/msg" 2>/dev/null
  truncate -s -1 "$T/msg" 2>/dev/null
  get "$U?$qs"
  check "$L: ?$qs (HTML): 400, HTML headers" std_headers html 400
  check "$L: ?$qs (HTML): the message shown, escaped" html_error "$T/msg"
  check "$L: ?$qs (HTML): no server path" no_leak
}

# endpoints of the server now running: "label url" lines
endpoints() {
  echo "cgi $BASE/cgi-bin/blogsearch.cgi"
  if [ "$FASTCGI" = 1 ]; then echo "fcgi $BASE/fcgi/blogsearch"; fi
}
start() {   # start NAME: a server in $T/NAME with the configuration in the environment
  WEB=$T/$1
  if ! web_start; then
    fail=$((fail + 1))
    echo "FAIL - $1: lighttpd starts"
    return 1
  fi
}

# =====================================================================================
# The main server: the sample posts, no CORS, lighttpd's URL normalization off so
# the query string reaches the program as sent (its strict decoding is tested).
# =====================================================================================
WEB_RAW_URLS=1 start main || exit 1
IX=$WEB_INDEX                       # reused by the other servers
[ "$FASTCGI" = 1 ] || echo "# no FastCGI in this build: the /cgi-bin/ endpoint only"
DOCKER_VIRT=$(enc "виртуализация docker")
SCRIPT_TITLE=$(sed -n 's/^\.\. title: //p' "$SRC/data/samples/kak-ekranirovat-script.rst")
XSS='<script>alert(1)</script>'
BROWSER='text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8'

# the command's totals for the Cyrillic queries, over the same index
: >"$T/cli-totals"
for words in "виртуализация docker" "контейнерами" "ВИРТУАЛИЗАЦИЯ ядра"; do
  BLOGSEARCH_INDEX=$IX "$BUILD/blogsearch" --json "$words" >"$T/cli.json" 2>"$T/cli.err"
  check "blogsearch --json \"$words\": exit 0" test $? = 0
  total=$(py3 -c "import json, sys; print(json.load(open(sys.argv[1]))['total'])" "$T/cli.json" 2>/dev/null)
  printf '%s\t%s\n' "${total:-None}" "$words" >>"$T/cli-totals"
done

while read -r L U <&3; do
  # ---- status and headers of a result page, both formats ---------------------------
  get "$U?q=docker&format=json"
  check "$L: JSON results: headers" std_headers json 200
  check "$L: JSON results: no Vary: Accept with format=json" no_vary_accept
  check "$L: JSON results: schema (docs/json.md without path, plus paging, links, facets)" schema
  check "$L: JSON results: the query echoed, posts found" py "r['query'] == 'docker' and r['total'] > 0"
  check "$L: no CORS header without BLOGSEARCH_CORS" is "$(hdr Access-Control-Allow-Origin)" ""
  get -H "Origin: https://a.example" "$U?q=docker&format=json"
  check "$L: no CORS header without BLOGSEARCH_CORS, even with an Origin" is "$(hdr Access-Control-Allow-Origin)$(hdr Vary)" ""
  get "$U?q=docker&format=html"
  check "$L: HTML results: headers" std_headers html 200
  check "$L: HTML results: a whole page" grep -qiE '^<!DOCTYPE html>' "$T/b"
  check "$L: HTML results: links to the posts" grep -qF 'href="/posts/' "$T/b"
  check "$L: HTML results: no Vary: Accept with format=html" no_vary_accept

  # ---- the format: format= first, then Accept ---------------------------------------
  get -H "Accept: application/json" "$U?q=docker"
  check "$L: Accept: application/json gives JSON" std_headers json 200
  check "$L: Accept: application/json: Vary: Accept" vary_accept
  check "$L: Accept: application/json: the results" schema
  get -H "Accept: $BROWSER" "$U?q=docker"
  check "$L: a browser's Accept gives HTML" std_headers html 200
  check "$L: a browser's Accept: Vary: Accept" vary_accept
  get -H "Accept:" "$U?q=docker"
  check "$L: no Accept gives HTML" std_headers html 200
  check "$L: no Accept: Vary: Accept" vary_accept
  get "$U?q=docker"
  check "$L: Accept: */* gives HTML" std_headers html 200
  get -H "Accept: application/json;q=0.5, text/html" "$U?q=docker"
  check "$L: Accept preferring text/html over JSON by q gives HTML" std_headers html 200
  get -H "Accept: text/html;q=0.1, application/json" "$U?q=docker"
  check "$L: Accept preferring JSON over text/html by q gives JSON" std_headers json 200
  get -H "Accept: application/json" "$U?q=docker&format=html"
  check "$L: format=html wins over Accept: application/json" std_headers html 200
  check "$L: format=html with Accept: no Vary: Accept" no_vary_accept
  get -H "Accept: $BROWSER" "$U?q=docker&format=json"
  check "$L: format=json wins over a browser's Accept" std_headers json 200

  # ---- nothing asked: the empty page ----------------------------------------------------
  get "$U"
  check "$L: no parameters: 200 HTML, the form alone (docs/cgi.md)" std_headers html 200
  check "$L: no parameters: the form is there" grep -qF 'name="q"' "$T/b"
  get "$U?format=json"
  check "$L: no parameters, JSON: 200 with no results" std_headers json 200
  check "$L: no parameters, JSON: total 0, no results" py "r.get('total') == 0 and r.get('results') == []"

  # ---- paging: per_page=3 walked through links.next --------------------------------------
  rm -f "$T"/page.*.json
  url="$U?q=$DOCKER_VIRT&per_page=3&format=json"
  n=0; codes=""; selfs_ok=1
  while [ -n "$url" ] && [ "$n" -lt 40 ]; do
    n=$((n + 1))
    get "$url"
    codes="$codes$code "
    cp "$T/b" "$T/page.$n.json"
    self=$(field "r.get('links', {}).get('self') or ''")
    [ "$n" = 1 ] || [ "$BASE$self" = "$url" ] || selfs_ok=0
    next=$(field "r.get('links', {}).get('next') or ''")
    url=${next:+$BASE$next}
  done
  check "$L: paging: every page 200 ($n pages)" test -z "$(echo "$codes" | tr ' ' '\n' | grep -v '^200$' | grep .)"
  check "$L: paging: each later page's links.self is the next link that led to it" test "$selfs_ok" = 1
  check "$L: paging: all results, no duplicates, no gaps, ranks consecutive" py3 - "$T" "$n" <<'EOF'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
pages = [json.load(open('%s/page.%d.json' % (d, i), encoding='utf-8')) for i in range(1, n + 1)]
total = pages[0]['total']
assert total > 3, 'too few results to page: %d' % total
assert all(p['total'] == total for p in pages), [p['total'] for p in pages]
assert [p['page'] for p in pages] == list(range(1, n + 1)), [p['page'] for p in pages]
assert pages[0]['pages'] == n, (pages[0]['pages'], n)
res = [x for p in pages for x in p['results']]
assert len(res) == total, (len(res), total)
assert [x['rank'] for x in res] == list(range(1, total + 1)), [x['rank'] for x in res]
slugs = [x['slug'] for x in res]
assert len(set(slugs)) == total, 'duplicates: %s' % slugs
assert all(len(p['results']) == 3 for p in pages[:-1]), [len(p['results']) for p in pages]
assert pages[0]['links']['prev'] is None, pages[0]['links']
assert pages[-1]['links']['next'] is None, pages[-1]['links']
for i, p in enumerate(pages[1:], 2):
    assert p['links']['prev'] == pages[i - 2]['links']['self'], (i, p['links']['prev'])
    assert p['links']['first'] == pages[0]['links']['self'], (i, p['links']['first'])
    assert p['links']['last'] == pages[-1]['links']['self'], (i, p['links']['last'])
EOF
  get "$U?q=$DOCKER_VIRT&per_page=50&format=json"
  check "$L: paging: the walk found what per_page=50 shows" py3 - "$T" "$n" <<'EOF'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
walk = [x['slug'] for i in range(1, n + 1)
        for x in json.load(open('%s/page.%d.json' % (d, i), encoding='utf-8'))['results']]
one = [x['slug'] for x in json.load(open('%s/b' % d, encoding='utf-8'))['results']]
assert walk == one, (walk, one)
EOF
  last=$(py3 -c "import json; print(json.load(open('$T/page.1.json'))['pages'])")
  get "$U?q=$DOCKER_VIRT&per_page=3&page=$((last + 1))&format=json"
  check "$L: paging: the page after the last: 400" std_headers json 400
  check "$L: paging: the page after the last: names page" json_error 400 page
  get "$U?q=$DOCKER_VIRT&per_page=3&page=$last&format=json"
  check "$L: paging: the last page itself: 200" status_is 200

  # ---- filters ------------------------------------------------------------------------
  get -G --data-urlencode "q=контейнеры" -d tag=docker -d format=json "$U"
  check "$L: tag=docker: every result carries docker" py "r['total'] > 0 and all('docker' in [t.lower() for t in x['tags']] for x in r['results'])"
  t_docker=$(field "r['total']")
  get -G --data-urlencode "q=контейнеры" -d tag=DOCKER -d format=json "$U"
  check "$L: tag=DOCKER: case does not matter" py "r['total'] == $t_docker and all('docker' in [t.lower() for t in x['tags']] for x in r['results'])"
  get -G --data-urlencode "q=контейнеры" -d format=json "$U"
  t_all=$(field "r['total']")
  get -G --data-urlencode "q=контейнеры" -d tag=docker -d tag=Containers -d format=json "$U"
  check "$L: two tags: every result carries both" py "r['total'] > 0 and all({'docker', 'containers'} <= {t.lower() for t in x['tags']} for x in r['results'])"
  check "$L: two tags: no more than one tag alone ($t_docker), one alone no more than none ($t_all)" py "r['total'] <= $t_docker <= $t_all"
  get -G -d q=docker --data-urlencode "category=Виртуализация" -d per_page=50 -d format=json "$U"
  check "$L: category: only its posts" py "r['total'] > 0 and all(x['category'].lower() == 'виртуализация' for x in r['results'])"
  t_cat=$(field "r['total']")
  get -G -d q=docker --data-urlencode "category=виртуализация" -d per_page=50 -d format=json "$U"
  check "$L: category: case does not matter" py "r['total'] == $t_cat"
  get -G --data-urlencode "q=tag:docker" -d format=json "$U"
  check "$L: q=tag:docker (a filter in the query text): the tag's posts" py "r.get('total', 0) > 0 and all('docker' in x['tags'] for x in r['results'])"
  get -d tag=docker -d format=json -G "$U"
  check "$L: a filter alone (tag=docker, no q): 200" std_headers json 200
  check "$L: a filter alone (tag=docker, no q): the tag's posts" py "r.get('total', 0) > 0 and all('docker' in x['tags'] for x in r['results'])"

  # dates: since/until inclusive, compared with the dates of the unfiltered results
  get -d q=linux -d per_page=50 -d format=json -G "$U"
  cp "$T/b" "$T/linux.json"
  py3 - "$T/linux.json" >"$T/date-cases" <<'EOF'
import datetime, json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
days = sorted({x['date'][:10] for x in r['results'] if x['date']})
assert len(days) >= 6, days
d1, d2 = days[1], days[-2]
day = lambda s, n: (datetime.date.fromisoformat(s) + datetime.timedelta(days=n)).isoformat()
def case(since, until):
    lo, hi = since or '0000', until or '9999'
    keep = sorted(x['slug'] for x in r['results'] if x['date']
                  and lo <= x['date'][:len(lo)] and x['date'][:len(hi)] <= hi)
    print(since or '-', until or '-', ','.join(keep) or '-')
case(d1, d2)                       # the edges are days of posts: both in
case(day(d1, 1), day(d2, -1))      # a day inside each edge: both out
case(d1, d1)                       # one day
case(d1[:4], d2[:7])               # a year and a month
case(d1, None)
case(None, d2)
EOF
  while read -r since until want; do
    args=(-G -d q=linux -d per_page=50 -d format=json)
    [ "$since" = - ] || args+=(-d "since=$since")
    [ "$until" = - ] || args+=(-d "until=$until")
    get "${args[@]}" "$U"
    check "$L: since=$since until=$until: exactly the posts dated so (inclusive)" py3 - "$T/b" "$want" "$since" "$until" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1], encoding='utf-8'))
want = [] if sys.argv[2] == '-' else sys.argv[2].split(',')
got = sorted(x['slug'] for x in r['results'])
assert r['total'] == len(want) and got == want, (got, want)
lo, hi = sys.argv[3], sys.argv[4]
for x in r['results']:
    d = x['date']
    assert d is not None, x['slug']
    if lo != '-': assert d[:len(lo)] >= lo, (d, lo)
    if hi != '-': assert d[:len(hi)] <= hi, (d, hi)
EOF
  done <"$T/date-cases"
  check "$L: dates: the cases were made" test "$(wc -l <"$T/date-cases")" = 6

  get -d q=linux -d per_page=50 -d sort=date -d format=json -G "$U"
  check "$L: sort=date: newest first" py "[x['date'] for x in r['results'] if x['date']] == sorted((x['date'] for x in r['results'] if x['date']), reverse=True)"
  check "$L: sort=date: the same posts as by relevance" py3 -c "
import json
a = json.load(open('$T/b')); b = json.load(open('$T/linux.json'))
assert a['total'] == b['total'] and sorted(x['slug'] for x in a['results']) == sorted(x['slug'] for x in b['results'])"
  get -d q=linux -d sort=relevance -d format=json -G "$U"
  check "$L: sort=relevance is accepted" std_headers json 200

  # facets: each tag's count is the total of the same search with that tag added
  get -d q=docker -d format=json -G "$U"
  py3 -c "
import json
for f in json.load(open('$T/b'))['facets']['tags']: print('%d\t%s' % (f['count'], f['tag']))" >"$T/facets"
  check "$L: facets: some tags counted" test -s "$T/facets"
  while IFS=$'\t' read -r count tag; do
    get -G -d q=docker --data-urlencode "tag=$tag" -d format=json "$U"
    check "$L: facets: q=docker tag=\"$tag\" gives $count" py "r.get('total') == $count"
  done <"$T/facets"

  # unknown parameters are not ours
  get -d q=docker -d format=json -G "$U"
  cp "$T/b" "$T/docker.json"
  get -d q=docker -d utm_source=x -d format=json -d fbclid=abc -G "$U"
  check "$L: utm_source=x is ignored: 200" std_headers json 200
  check "$L: utm_source=x is ignored: the same results" py3 -c "
import json
a = json.load(open('$T/b')); b = json.load(open('$T/docker.json'))
assert [x['slug'] for x in a['results']] == [x['slug'] for x in b['results']] and a['total'] == b['total']"

  # a Cyrillic query, percent-encoded, finds what the command finds
  while IFS=$'\t' read -r cli words; do
    get -G --data-urlencode "q=$words" -d format=json "$U"
    check "$L: q=\"$words\" percent-encoded: total $cli as blogsearch --json" py "r['total'] == $cli and r['query'] == '$words'"
  done <"$T/cli-totals"

  # ---- HEAD: the GET's status and headers, no body -------------------------------------
  for qs in "q=docker&format=html" "q=docker&format=json&per_page=50" "q=docker&page=0&format=json" \
            "q=docker&page=0" "q=%ZZ" "q=docker"; do
    check "$L: HEAD ?$qs: the GET's status and headers" head_same "$U?$qs"
    check "$L: HEAD ?$qs: no body" head_no_body "$U?$qs"
  done

  # ---- 405 --------------------------------------------------------------------------
  for m in POST PUT DELETE PATCH OPTIONS; do
    get -X "$m" -d '' "$U?q=docker&format=json"
    check "$L: $m: 405 with Allow: GET, HEAD" std_headers json 405
    check "$L: $m: the error object" json_error 405
    check "$L: $m: no server path" no_leak
  done
  get -X POST -d 'q=docker' "$U"
  check "$L: POST without format: 405 in HTML" std_headers html 405
  check "$L: POST without format: the message shown" grep -qF 'only GET and HEAD' "$T/b"

  # ---- every 400: JSON (by format= and by Accept) and HTML --------------------------
  long=$(py3 -c "
import urllib.parse
s = 'виртуализация ' * 9
s += 'd' * (256 - len(s.encode()))
print(urllib.parse.quote(s, safe=''))")
  long1=${long}d
  tags17=$(printf 'tag=t%d&' $(seq 17)); tags17=${tags17%&}
  params65=$(printf 'x%d=1&' $(seq 65)); params65=${params65%&}
  get "$U?q=$long&format=json"
  check "$L: a query of exactly 256 bytes (139 characters) is fine" std_headers json 200
  while read -r qs param; do
    error_400 "$qs" "$param"
  done <<EOF
q=%ZZ q
q=%4 q
q=docker%2 q
q=%C0%AF q
q=%FF q
q=%ED%A0%80 q
q=a%00b q
q=$long1 q
page=0 page
q=docker&page=abc page
q=docker&page=1001 page
q=docker&page=-1 page
per_page=0 per_page
per_page=51 per_page
sort=x sort
format=xml format
since=2015-13 since
until=abc until
q=docker&q=linux q
q=docker&since=2016&since=2017 since
EOF
  # what a search box sends while one types is read leniently: never a 400
  for qs in 'q=%22docker' 'q=%22unbalanced%20%3Cb%3E%27x%27%20%26' 'q=tag%3A' 'q=title%3A' \
            'q=-' 'q=docker%20since%3A20' 'q=%D1%87%D1%82%D0%BE'; do
    get "$U?$qs&format=json"
    check "$L: ?$qs: 200 in JSON" std_headers json 200
    get "$U?$qs"
    check "$L: ?$qs: 200 in HTML" std_headers html 200
  done
  get "$U?q=%22docker&format=json"
  check "$L: an unclosed quote closes at the end" py "r['total'] == 8"
  get "$U?q=docker&$params65"
  check "$L: more than 64 parameters: 400" std_headers html 400
  get -H "Accept: application/json" "$U?q=docker&$params65"
  check "$L: more than 64 parameters, Accept: JSON: the error object" json_error 400
  get "$U?format=json&q=docker&$params65"
  check "$L: more than 64 parameters, format=json first: the error object" json_error 400
  get "$U?q=docker&$params65&format=json"
  check "$L: more than 64 parameters, format=json last: still answered in JSON" std_headers json 400
  get "$U?q=docker&%ZZ=1&format=json"
  check "$L: a bad escape in a parameter's name: 400" std_headers json 400
  check "$L: a bad escape in a parameter's name: the error object" json_error 400
  get "$U?q=$long1&format=json"
  check "$L: the 257-byte query's message gives its length in bytes" py "'257' in r['error']['message']"
  get "$U?q=%22unbalanced"
  check "$L: an unclosed quote in HTML: the form keeps it" is "$(form_q)" '"unbalanced'

  # ---- escaping ------------------------------------------------------------------------
  get -G --data-urlencode "q=$XSS" -d format=html "$U"
  check "$L: q=$XSS in HTML: 200" status_is 200
  check "$L: q=$XSS in HTML: no raw <script>alert" eval '! grep -qF "<script>alert" "$T/b"'
  check "$L: q=$XSS in HTML: the form's value escaped" grep -qF 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' "$T/b"
  check "$L: q=$XSS in HTML: the form's value is the query" is "$(form_q)" "$XSS"
  get -G --data-urlencode "q=$XSS" -d format=json "$U"
  check "$L: q=$XSS in JSON: a JSON string, unchanged" py "r['query'] == '''$XSS'''"
  get -G --data-urlencode "q=экранировать" -d format=json "$U"
  check "$L: the post with <script> in its title: found" py "any(x['slug'] == 'kak-ekranirovat-script' for x in r['results'])"
  check "$L: its title in JSON, unchanged" py3 -c "
import json, sys
r = json.load(open('$T/b', encoding='utf-8'))
t = [x['title'] for x in r['results'] if x['slug'] == 'kak-ekranirovat-script']
assert t == [sys.argv[1]], (t, sys.argv[1])" "$SCRIPT_TITLE"
  get -G --data-urlencode "q=экранировать" -d format=html "$U"
  check "$L: its title in HTML: no raw <script> anywhere" eval '! grep -qi "<script" "$T/b"'
  check "$L: its title in HTML: escaped, marks aside" eval "sed 's#</\\?mark>##g' \"\$T/b\" | grep -qF \"\$(py3 -c \"import sys; print(sys.argv[1].replace('&','&amp;').replace('<','&lt;').replace('>','&gt;'))\" \"\$SCRIPT_TITLE\")\""
  check "$L: its title in HTML: the query word marked" grep -qF '<h2><a href="/posts/kak-ekranirovat-script/">Как <mark>экранировать</mark>' "$T/b"

  # ---- nothing found: the query repeated, and what to try ---------------------------------
  get -G --data-urlencode "q=кракозябрыщщ" -d format=html "$U"
  check "$L: nothing found in HTML: the query repeated" grep -qF 'Ничего не найдено по запросу «кракозябрыщщ».' "$T/b"
  check "$L: nothing found in HTML: tips" grep -qF 'Проверьте раскладку клавиатуры' "$T/b"

  # ---- related posts: like=SLUG ----------------------------------------------------------
  like_slug=konteynerizaciya-protiv-virtualizacii
  get "$U?like=$like_slug&per_page=3&format=json"
  check "$L: like=SLUG: 200 with three posts, not that one" eval \
    'std_headers json 200 && py "len(r[\"results\"]) == 3 and all(x[\"slug\"] != \"$like_slug\" for x in r[\"results\"])"'
  check "$L: like=SLUG: the next page keeps like=" py \
    "r['links']['next'] and 'like=$like_slug' in r['links']['next']"
  check "$L: like=SLUG: no file paths" py "all('path' not in x for x in r['results'])"
  get "$U?like=no-such-post&format=json"
  check "$L: like= of no post: 404 naming it" eval \
    'std_headers json 404 && py "r[\"error\"][\"parameter\"] == \"like\" and \"no-such-post\" in r[\"error\"][\"message\"]"'
  get "$U?like=$(enc /etc/passwd)&format=json"
  check "$L: like= of a path: 400, a slug only" eval 'std_headers json 400 && py "r[\"error\"][\"parameter\"] == \"like\""'
  get "$U?like=$like_slug&q=docker&format=json"
  check "$L: like= with q: 400" eval 'std_headers json 400'
  get "$U?like=$like_slug&format=html"
  check "$L: like=SLUG in HTML: 200, results listed" eval 'std_headers html 200 && grep -q "bs-result" "$T/b"'

  # ---- forgiving queries: what was meant, said, and a way to search as typed -------------
  get "$U?q=dbhnefkbpfwbz&format=json"
  check "$L: q=dbhnefkbpfwbz (виртуализация on the other layout): 200 with results" eval \
    'std_headers json 200 && py "r[\"total\"] > 0"'
  check "$L: q=dbhnefkbpfwbz: corrected_query and the word's kind" py \
    "r['corrected_query'] == 'виртуализация' and r['corrections'] == [{'word': 'dbhnefkbpfwbz', 'to': 'виртуализация', 'kind': 'layout'}]"
  check "$L: q=dbhnefkbpfwbz: links.exact searches as typed" py \
    "r['links']['exact'].endswith('?q=dbhnefkbpfwbz&exact=1&format=json')"
  get "$U?q=dbhnefkbpfwbz&exact=1&format=json"
  check "$L: exact=1: as typed, nothing found, nothing corrected" py \
    "r['total'] == 0 and 'corrected_query' not in r and 'corrections' not in r"
  get "$U?q=ljrth%20docker&format=json"
  check "$L: q=ljrth docker: the wrong word only" py \
    "r['corrected_query'] == 'docker docker' and r['corrections'][0]['then'] == 'translit'"
  also_q=$(enc "виртуализация докер")
  get "$U?q=$also_q&format=json"
  check "$L: q=виртуализация докер: docker searched beside докер, which no post writes" py \
    "r['also_searched'] == 'docker' and 'corrected_query' not in r and r['corrections'] == [{'word': 'докер', 'to': 'docker', 'kind': 'translit', 'also': True}]"
  check "$L: q=виртуализация докер: links.exact searches as typed" py \
    "__import__('urllib.parse').parse.parse_qs(r['links']['exact'].split('?', 1)[1]) == {'q': ['виртуализация докер'], 'exact': ['1'], 'format': ['json']}"
  get "$U?q=$also_q&format=html"
  check "$L: q=виртуализация докер in HTML: the line says what was searched too" \
    grep -qF 'Искали также «<strong>docker</strong>»' "$T/b"
  get "$U?q=docker&format=json"
  check "$L: q=docker: never corrected" py "'corrected_query' not in r and 'suggestion' not in r and 'exact' not in r['links']"
  get "$U?q=dbhnefkbpfwbz&format=html"
  check "$L: q=dbhnefkbpfwbz in HTML: the line says what was searched" \
    grep -qF 'Показаны результаты для «<strong>виртуализация</strong>»' "$T/b"
  exact_link=$(sed -n 's/.*class="bs-correction".*<a href="\([^"]*\)".*/\1/p' "$T/b" | sed 's/&amp;/\&/g')
  check "$L: q=dbhnefkbpfwbz in HTML: a link to search as typed" is "${exact_link#*\?}" "q=dbhnefkbpfwbz&exact=1"
  get "$U?q=dbhnefkbpfwbz&exact=1&format=html"
  check "$L: that link: no correction line" eval '! grep -q "bs-correction" "$T/b"'
  error_400 "q=docker&exact=2" exact

  # ---- last, as they have brought the program down: with tag= given, a later
  # parameter error (given twice, the 17th tag) is a 400 like any other -------------
  while read -r qs param; do
    error_400 "$qs" "$param"
  done <<EOF
q=docker&tag=docker&page=1&page=2 page
tag=docker&q=a&q=b q
tag=docker&sort=date&sort=date sort
q=docker&$tags17 tag
EOF
  get "$U?q=docker&format=json"
  check "$L: after those, an ordinary search is still answered" std_headers json 200
done 3< <(endpoints)

# ---- the program itself: no body on HEAD even without lighttpd stripping it ----------------
for f in json html; do
  BLOGSEARCH_INDEX=$IX REQUEST_METHOD=HEAD QUERY_STRING="q=docker&format=$f" SCRIPT_NAME=/s \
    "$BUILD/blogsearch.cgi" >"$T/direct" </dev/null
  check "blogsearch.cgi run directly, HEAD, $f: a 200's headers and nothing after them" py3 -c "
import sys
head, sep, body = open(sys.argv[1], 'rb').read().partition(b'\r\n\r\n')
assert sep and head.startswith(b'Status: 200') and b'Content-Length: ' in head, head[:200]
assert body == b'', 'a body of %d bytes' % len(body)" "$T/direct"
done
web_stop

# =====================================================================================
# CORS: "*" and a list
# =====================================================================================
CGI_ENV_EXTRA='"BLOGSEARCH_CORS" => "*",' start cors-any && while read -r L U <&3; do
  get "$U?q=docker&format=json"
  check "$L: CORS *: JSON without Origin: Access-Control-Allow-Origin: *" is "$(hdr Access-Control-Allow-Origin)" "*"
  get -H "Origin: https://c.example" "$U?q=docker&format=json"
  check "$L: CORS *: JSON: Access-Control-Allow-Origin: *" is "$(hdr Access-Control-Allow-Origin)" "*"
  check "$L: CORS *: no Vary: Origin" eval '! vary_has Origin'
  get -H "Origin: https://c.example" "$U?q=docker&page=0&format=json"
  check "$L: CORS *: a JSON error too" is "$(hdr Access-Control-Allow-Origin)" "*"
  get -H "Origin: https://c.example" -H "Accept: application/json" "$U?q=docker"
  check "$L: CORS *: JSON by Accept too" is "$(hdr Access-Control-Allow-Origin)" "*"
  get -H "Origin: https://c.example" "$U?q=docker&format=html"
  check "$L: CORS *: never on HTML" is "$(hdr Access-Control-Allow-Origin)" ""
done 3< <(endpoints)
web_stop

CGI_ENV_EXTRA='"BLOGSEARCH_CORS" => "https://a.example https://b.example",' start cors-list && while read -r L U <&3; do
  for o in https://a.example https://b.example; do
    get -H "Origin: $o" "$U?q=docker&format=json"
    check "$L: CORS list: Origin $o echoed" is "$(hdr Access-Control-Allow-Origin)" "$o"
    check "$L: CORS list: Origin $o: Vary: Origin" vary_has Origin
  done
  for o in https://c.example https://a.example.evil https://a.exampl http://a.example "https://a.example https://b.example"; do
    get -H "Origin: $o" "$U?q=docker&format=json"
    check "$L: CORS list: Origin \"$o\" not allowed" is "$(hdr Access-Control-Allow-Origin)" ""
    check "$L: CORS list: Origin \"$o\": Vary: Origin" vary_has Origin
  done
  get "$U?q=docker&format=json"
  check "$L: CORS list: no Origin, no Access-Control-Allow-Origin" is "$(hdr Access-Control-Allow-Origin)" ""
  check "$L: CORS list: no Origin: Vary: Origin all the same" vary_has Origin
  get -H "Origin: https://a.example" "$U?q=docker&format=html"
  check "$L: CORS list: never on HTML" is "$(hdr Access-Control-Allow-Origin)" ""
  get -H "Origin: https://a.example" "$U?sort=x&format=json"
  check "$L: CORS list: a JSON error from a listed origin is readable" is "$(hdr Access-Control-Allow-Origin)" "https://a.example"
done 3< <(endpoints)
web_stop

# =====================================================================================
# 503: no index; an index directory with nothing in it yet
# =====================================================================================
mkdir -p "$T/empty-index"
for ix in no-such-index empty-index; do
  WEB_INDEX=$T/$ix start "$ix" && while read -r L U <&3; do
    get "$U?q=docker&format=json"
    check "$L: $ix: JSON 503 with Retry-After" std_headers json 503
    check "$L: $ix: the error object" json_error 503
    check "$L: $ix: no server path" no_leak "$ix"
    field "r['error']['message']" >"$T/msg" 2>/dev/null; truncate -s -1 "$T/msg" 2>/dev/null
    get "$U?q=docker"
    check "$L: $ix: HTML 503 with Retry-After" std_headers html 503
    check "$L: $ix: HTML: the message shown" html_error "$T/msg"
    check "$L: $ix: HTML: no server path" no_leak "$ix"
    check "$L: $ix: HEAD: the GET's status and headers" head_same "$U?q=docker&format=json"
    get "$U?tag=docker&format=json"
    check "$L: $ix: a filter alone: 503 too" std_headers json 503
    get "$U?q=docker&page=0&format=json"
    check "$L: $ix: a bad parameter is still a 400" std_headers json 400
  done 3< <(endpoints)
  check "$ix: the cause is in the server's error log" grep -rqF "$T/$ix" "$WEB/log"
  # the index arrives: the next request finds it, resident or not
  if [ "$ix" = empty-index ]; then
    "$BUILD/blogsearch-index" -q --index "$T/$ix" --url-prefix /posts/ "$SRC/data/samples"
    while read -r L U <&3; do
      get "$U?q=docker&format=json"
      check "$L: $ix: once indexed, the next request is answered" std_headers json 200
    done 3< <(endpoints)
  fi
  web_stop
done

# =====================================================================================
# 500: a damaged index; a broken template (HTML only)
# =====================================================================================
mkdir -p "$T/damaged-index"
py3 -c "open('$T/damaged-index/data.mdb', 'wb').write(b'this is not an LMDB file\n' * 4096)"
WEB_INDEX=$T/damaged-index start damaged && while read -r L U <&3; do
  get "$U?q=docker&format=json"
  check "$L: damaged index: JSON 500" std_headers json 500
  check "$L: damaged index: the error object" json_error 500
  check "$L: damaged index: no server path, no LMDB word" no_leak damaged-index "not an LMDB"
  get "$U?q=docker"
  check "$L: damaged index: HTML 500" std_headers html 500
  check "$L: damaged index: HTML: no server path" no_leak damaged-index "not an LMDB"
done 3< <(endpoints)
check "damaged index: the cause is in the server's error log" grep -rqF "$T/damaged-index" "$WEB/log"
web_stop

sed 's/{{\/results}}//' "$SRC/data/templates/results.html" >"$T/broken-template.html"
WEB_TEMPLATE=$T/broken-template.html start broken && while read -r L U <&3; do
  get "$U?q=docker"
  check "$L: broken template: HTML 500" std_headers html 500
  check "$L: broken template: no file named" no_leak broken-template results.html
  check "$L: broken template: a message for the reader" grep -q '[a-z]' "$T/b"
  get "$U?q=docker&format=json"
  check "$L: broken template: JSON unaffected" std_headers json 200
  check "$L: broken template: JSON results" schema
  get "$U?q=docker&page=0"
  check "$L: broken template: an HTML 400 is still a 400" std_headers html 400
  check "$L: broken template: an HTML 400 still says what is wrong" grep -qF 'parameter page' "$T/b"
  check "$L: broken template: no file named in the 400" no_leak broken-template results.html
done 3< <(endpoints)
check "broken template: the cause is in the server's error log" grep -rqF "broken-template.html" "$WEB/log"
web_stop

checks_done cgi.sh
