#!/usr/bin/env bash
# End-to-end: an index one of whose stored strings a flipped byte made
# invalid UTF-8 (a post's title and its category in the docs records) still
# gives valid UTF-8 from every output: blogsearch's text and --json,
# --suggest, and blogsearch.cgi's JSON and HTML; the bad byte is shown
# (U+FFFD, or \xNN in text), the rest of the title as stored.
# Usage: damaged-text.sh BLOGSEARCH BLOGSEARCH_INDEX BLOGSEARCH_CGI SOURCE_DIR
. "$(dirname "$0")/lib.sh" damaged-text
BS=$(realpath "$1")
BI=$(realpath "$2")
CGI=$(realpath "$3")
SRC=$(realpath "$4")
export BLOGSEARCH_INDEX=$T/ix
"$BI" -q "$SRC/data/samples"

# flip FROM TO: every stored FROM in data.mdb becomes TO (the same length)
flip() {
  python3 - "$T/ix/data.mdb" "$1" "$2" <<'PY'
import sys
path, a, b = sys.argv[1], sys.argv[2].encode().decode('unicode_escape').encode('latin-1'), \
             sys.argv[3].encode().decode('unicode_escape').encode('latin-1')
d = open(path, 'rb').read()
n = d.count(a)
assert n > 0 and len(a) == len(b), (n, a, b)
open(path, 'r+b').write(d.replace(a, b))
PY
}
# "в" of "вместо" (d0 b2) becomes ff b2; "К" of "Контейнеры" (d0 9a) d0 ff
check "the title is stored (and flipped)" flip "$(printf 'Podman \\xd0\\xb2')" "$(printf 'Podman \\xff\\xb2')"
check "the category is stored (and flipped)" flip "$(printf '\\xd0\\x9a\\xd0\\xbe\\xd0\\xbd\\xd1\\x82\\xd0\\xb5\\xd0\\xb9')" "$(printf '\\xd0\\xff\\xd0\\xbe\\xd0\\xbd\\xd1\\x82\\xd0\\xb5\\xd0\\xb9')"

run r.txt "$BS" podman
check "text: found" test "$rc" -eq 0
check "text: valid UTF-8" utf8 "$T/r.txt"
check "text: the bad byte as \\xFF" has "$T/r.txt" 'Podman \xFF\xB2место Docker'
run r.json "$BS" --json podman
check "--json: found" test "$rc" -eq 0
check "--json: valid UTF-8" utf8 "$T/r.json"
check "--json: the bad bytes as U+FFFD" py "any(x['title'] == 'Podman \ufffd\ufffdместо Docker: месяц без демона' for x in r['results'])"
check "--json: the category too" py "any(c.startswith('\ufffd\ufffd') and c.endswith('онтейнеры') for x in r['results'] for c in x['categories'])"
run r.json "$BS" --suggest podm --json
check "--suggest: valid UTF-8" utf8 "$T/r.json"
run r.txt "$BS" --suggest podm
check "--suggest text: valid UTF-8" utf8 "$T/r.txt"

# blogsearch.cgi: the answer after its header
cgi() { REQUEST_METHOD=GET QUERY_STRING="$1" "$CGI" >"$T/$2"; }
cgi "q=podman&format=json" cgi.out
check "cgi JSON: valid UTF-8" utf8 "$T/cgi.out"
sed '1,/^\r$/d' "$T/cgi.out" >"$T/r.json"
check "cgi JSON: the bad bytes as U+FFFD" py "any(x['title'].startswith('Podman \ufffd\ufffdместо') for x in r['results'])"
cgi "q=podman&format=html" cgi.html
check "cgi HTML: valid UTF-8" utf8 "$T/cgi.html"
check "cgi HTML: the title shown" has "$T/cgi.html" "$(printf '</mark> \xef\xbf\xbd\xef\xbf\xbdместо')"
cgi "suggest=podm" cgi.out
check "cgi suggest: valid UTF-8" utf8 "$T/cgi.out"
finish damaged-text
