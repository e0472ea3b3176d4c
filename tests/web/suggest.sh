#!/usr/bin/env bash
# End-to-end tests of blogsearch.cgi's suggest=TEXT (docs/cgi.md), the
# completions a search box lists under itself: run directly as a CGI/1.1
# program (every parameter beside it that is a 400, the limits, bad
# escapes and UTF-8, HEAD, CORS, no index), and under a real lighttpd
# (tests/web/server.sh) through mod_cgi and, when built with FastCGI,
# mod_fastcgi. Every answer is checked whole: the status, the headers, a
# body that is UTF-8 JSON of exactly the documented shape, the words most
# posts first, and the same bytes as blogsearch --suggest --json.
# Usage: suggest.sh BUILD_DIR SOURCE_DIR
# Exit status: 0 all passed, 1 a check failed, 77 skipped (no lighttpd or curl).
set -u
PATH=$PATH:/usr/sbin:/sbin        # where Debian puts lighttpd
for tool in lighttpd curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "suggest.sh: skipped: no $tool"; exit 77; }
done
BUILD=$(realpath "$1") SRC=$(realpath "$2") T=$(mktemp -d /tmp/bs-web-suggest.XXXXXX)
PY=$(python3 -c 'import sys; print(sys.executable)')
# shellcheck source=tests/web/server.sh
. "$SRC/tests/web/server.sh"
trap 'web_stop; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# shellcheck source=tests/checks.sh
. "$SRC/tests/checks.sh"

# answer.py WANT [PARAM|TEXT]: the answer in $T/h (headers) and $T/b (body),
# WANT its status: 200 with TEXT the suggest= sent, the completions' shape;
# else the error object naming PARAM ("-" for none). Headers as for every
# JSON answer of docs/cgi.md; HEAD (a $T/head file) has no body.
cat >"$T/answer.py" <<'EOF'
import json, os, re, sys
T = os.environ['T']
want = int(sys.argv[1])
arg = sys.argv[2] if len(sys.argv) > 2 else None
head = open(T + '/h', 'rb').read().decode('utf-8').replace('\r', '')
lines = [l for l in head.split('\n') if l and not l.startswith('HTTP/')]
hdr = {}
for l in lines:
    k, _, v = l.partition(':')
    hdr.setdefault(k.strip().lower(), []).append(v.strip())
def one(name):
    v = hdr.get(name, [])
    assert len(v) == 1, '%s: %r' % (name, v)
    return v[0]
status = int((hdr.get('status') or [re.search(r'HTTP/\S+ (\d+)', head).group(1)])[0].split()[0])
assert status == want, 'status %d, want %d' % (status, want)
assert one('content-type') == 'application/json; charset=utf-8', one('content-type')
assert one('cache-control') == ('public, max-age=60' if want == 200 else 'no-store')
assert one('x-content-type-options') == 'nosniff'
assert 'accept' not in ' '.join(hdr.get('vary', [])).lower(), 'Vary: Accept'
raw = open(T + '/b', 'rb').read()
if os.path.exists(T + '/head'):
    assert raw == b'', 'HEAD with a body'
    sys.exit(0)
assert int(one('content-length')) == len(raw), 'Content-Length'
r = json.loads(raw.decode('utf-8'))             # UTF-8 and JSON, strictly
assert raw.endswith(b'\n') and raw.count(b'\n') == 1, 'one line and a newline'
if want != 200:
    assert list(r) == ['error'] and set(r['error']) <= {'status', 'message', 'parameter'}, r
    e = r['error']
    assert e['status'] == want and isinstance(e['message'], str) and e['message'], e
    assert e.get('parameter') == (None if arg == '-' else arg), e
    for w in ('/tmp', '/work', 'data.mdb', 'MDB_'):
        assert w not in raw.decode(), 'the answer shows ' + w
    sys.exit(0)
assert list(r) == ['suggest', 'prefix', 'words', 'titles'], list(r)
assert r['suggest'] == arg, (r['suggest'], arg)
assert isinstance(r['prefix'], str) and r['suggest'].endswith(r['prefix']), r['prefix']
typed = r['prefix'].lower().replace('ё', 'е')
assert isinstance(r['words'], list) and len(r['words']) <= 8
for w in r['words']:
    assert list(w) == ['word', 'posts'], w
    assert isinstance(w['word'], str) and w['word'].startswith(typed), (w, typed)
    assert type(w['posts']) is int and w['posts'] > 0, w
posts = [w['posts'] for w in r['words']]
assert posts == sorted(posts, reverse=True), 'not most posts first: %r' % posts
assert len({w['word'] for w in r['words']}) == len(r['words']), 'a word twice'
assert isinstance(r['titles'], list) and len(r['titles']) <= 3 and (r['words'] or not r['titles'])
for t in r['titles']:
    assert list(t) == ['title', 'url'] and isinstance(t['title'], str) and isinstance(t['url'], str)
    assert any(x.startswith(typed) for x in re.findall(r'\w+', t['title'].lower().replace('ё', 'е'))), t
EOF
export T
answer() { "$PY" -S "$T/answer.py" "$@"; }
enc() { "$PY" -S -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

"$BUILD/blogsearch-index" -q --index "$T/ix" --url-prefix /posts/ "$SRC/data/samples"
IX=$T/ix

# direct QUERY_STRING [METHOD [ENV...]]: blogsearch.cgi run as a web server runs
# it, its answer split into $T/h and $T/b
direct() {
  local qs=$1 method=${2:-GET}
  shift $(( $# < 2 ? $# : 2 ))
  rm -f "$T/head"
  [ "$method" = HEAD ] && : >"$T/head"
  env BLOGSEARCH_INDEX="$IX" REQUEST_METHOD="$method" QUERY_STRING="$qs" HTTP_ACCEPT=text/html \
    SCRIPT_NAME=/cgi-bin/blogsearch.cgi "$@" "$BUILD/blogsearch.cgi" </dev/null >"$T/out" 2>"$T/log"
  "$PY" -S -c "
import sys
raw = open(sys.argv[1], 'rb').read()
h, _, b = raw.partition(b'\r\n\r\n')
open(sys.argv[2], 'wb').write(h + b'\r\n'); open(sys.argv[3], 'wb').write(b)" \
    "$T/out" "$T/h" "$T/b"
}

# ---- what is answered, and that it is what the command prints ---------------------------------
texts=("вирт" "Вирт" "виртуализация" "kvm do" "do" "ёж" "title:fed" "docker " "д" "docker,"
       "zzqx" "" "  " '"кавычки <b>&' "syst")
for text in "${texts[@]}"; do
  direct "suggest=$(enc "$text")"
  check "direct [$text]: 200, the shape, UTF-8 JSON" answer 200 "$text"
  BLOGSEARCH_INDEX=$IX "$BUILD/blogsearch" --suggest "$text" --json >"$T/cli" 2>/dev/null
  check "direct [$text]: the bytes of blogsearch --suggest --json" cmp -s "$T/cli" "$T/b"
done
direct "suggest=$(enc вирт)"
check "вирт: виртуализация, in as many posts as a search of it finds" "$PY" -S -c "
import json, subprocess, sys
r = json.load(open('$T/b', encoding='utf-8'))
s = json.loads(subprocess.run(['$BUILD/blogsearch', '--index', '$IX', '--json', '--exact', '-n', '1',
                               'виртуализация'], capture_output=True).stdout)
sys.exit(0 if r['words'][0] == {'word': 'виртуализация', 'posts': s['total']} else 1)"
direct "suggest=$(enc 'kvm do')"
check "kvm do: only the last word, docker first" "$PY" -S -c "
import json, sys
r = json.load(open('$T/b', encoding='utf-8'))
sys.exit(0 if r['prefix'] == 'do' and r['words'][0]['word'] == 'docker' else 1)"
for text in "docker " "д" "docker," "zzqx" ""; do
  direct "suggest=$(enc "$text")"
  check "direct [$text]: nothing to complete: empty lists" "$PY" -S -c "
import json, sys
r = json.load(open('$T/b', encoding='utf-8'))
sys.exit(0 if r['words'] == [] and r['titles'] == [] else 1)"
done

# ---- beside other parameters ---------------------------------------------------------------------
for p in q=docker tag=docker category=x author=x since=2020 until=2021 like=x sort=date \
         sort=relevance page=1 per_page=5 exact=0 exact=1 format=html; do
  direct "suggest=do&$p"
  check "suggest with $p: 400 naming ${p%%=*}" answer 400 "${p%%=*}"
  direct "$p&suggest=do"
  check "$p before suggest: 400 naming ${p%%=*}" answer 400 "${p%%=*}"
done
for p in q= tag= category= like= format=json utm_source=feed; do
  direct "suggest=do&$p"
  check "suggest with $p: taken" answer 200 do
done

# ---- limits and bad text ---------------------------------------------------------------------------
long=$(printf 'ж%.0s' $(seq 128))                       # 256 bytes
direct "suggest=$(enc "$long")"
check "a text of 256 bytes: taken" answer 200 "$long"
direct "suggest=$(enc "${long}a")"
check "a text of 257 bytes: 400 naming suggest" answer 400 suggest
for bad in %FF %D0 %00 %G1 "do&suggest=du" "%E2%82"; do
  direct "suggest=$bad"
  check "suggest=$bad: 400 naming suggest, in JSON" answer 400 suggest
done
direct "suggest=do&format=xml"
check "format=xml beside it: 400 naming format, in JSON" answer 400 format

# ---- HEAD, CORS, methods, no index ------------------------------------------------------------------
direct "suggest=do" HEAD
check "HEAD: the GET's headers, no body" answer 200
direct "suggest=do" GET BLOGSEARCH_CORS="*"
check "CORS *: the header" grep -qi '^Access-Control-Allow-Origin: \*' "$T/h"
direct "suggest=do" POST
check "POST: 405 in JSON" answer 405 -
IX=$T/none direct "suggest=do"
check "no index: 503 in JSON" answer 503 -
check "no index: Retry-After" grep -qi '^Retry-After: ' "$T/h"

# ---- under lighttpd: mod_cgi, and mod_fastcgi resident ----------------------------------------------
WEB=$T/web WEB_INDEX=$IX
if ! web_start; then
  check "lighttpd starts" false
else
  urls=("cgi $BASE/cgi-bin/blogsearch.cgi")
  [ "$FASTCGI" = 1 ] && urls+=("fcgi $BASE/fcgi/blogsearch")
  for lu in "${urls[@]}"; do
    L=${lu%% *} U=${lu#* }
    for text in "вирт" "виртуализация" "kvm do" "docker " "ёж" "syst"; do
      rm -f "$T/head"
      curl -s -S --max-time 30 -D "$T/h" -o "$T/b" -H 'Accept: text/html' "$U?suggest=$(enc "$text")"
      check "$L [$text]: 200, the shape, UTF-8 JSON" answer 200 "$text"
      BLOGSEARCH_INDEX=$IX "$BUILD/blogsearch" --suggest "$text" --json >"$T/cli" 2>/dev/null
      check "$L [$text]: the bytes of blogsearch --suggest --json" cmp -s "$T/cli" "$T/b"
    done
    curl -s -S --max-time 30 -D "$T/h" -o "$T/b" "$U?suggest=do&q=docker"
    check "$L: suggest with q: 400 naming q" answer 400 q
    curl -s -S --max-time 30 -D "$T/h" -o "$T/b" "$U?suggest=do&format=html"
    check "$L: suggest with format=html: 400 naming format" answer 400 format
    : >"$T/head"
    : >"$T/b"                      # with -I the headers are the output too
    curl -s -S --max-time 30 -I -D "$T/h" -o /dev/null "$U?suggest=do"
    check "$L: HEAD: 200, the headers, no body" answer 200
    rm -f "$T/head"
  done
  web_stop
fi

checks_done suggest
