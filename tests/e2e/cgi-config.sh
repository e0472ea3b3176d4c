#!/usr/bin/env bash
# End-to-end: blogsearch.cgi's index and template come from its environment
# (docs/cgi.md), never from a request: a parameter, a header or an argument
# naming another changes nothing. A BLOGSEARCH_TEMPLATE that is no template
# (/etc/passwd) is refused as one that does not parse is: a results page a
# 500, an error page the bare one, nothing of the file shown, the file named
# in the error log; JSON, which needs no template, is answered.
# Usage: cgi-config.sh BLOGSEARCH BLOGSEARCH_INDEX BLOGSEARCH_CGI SOURCE_DIR
. "$(dirname "$0")/lib.sh" cgi-config
BI=$(realpath "$2")
CGI=$(realpath "$3")
SRC=$(realpath "$4")
"$BI" -q --index "$T/ix" "$SRC/data/samples"
printf 'root:x:0:0:root:/root:/bin/bash\nsecret:x:1:1::/:/bin/false\n' >"$T/passwd"

# cgi OUT QUERY [ARG...]: the answer in $T/OUT, the log in $T/log
cgi() {
  local o=$1 q=$2; shift 2
  BLOGSEARCH_INDEX=$T/ix BLOGSEARCH_TEMPLATE=${TPL:-$SRC/data/templates/results.html} \
    REQUEST_METHOD=GET QUERY_STRING=$q "$CGI" "$@" >"$T/$o" 2>"$T/log"
}
status() { head -1 "$T/$1" | grep -q "^Status: $2 "; }
hasnt() { ! grep -qF -- "$2" "$1"; }
body() { sed '1,/^\r$/d' "$T/$1"; }

cgi plain.html "q=docker"
check "the configured template and index" has "$T/plain.html" "<mark>"
cgi plain.json "q=docker&format=json"
# what a request could try: parameters, a header (HTTP_*), arguments
cgi a.html "q=docker&BLOGSEARCH_TEMPLATE=$T/passwd&template=$T/passwd&tpl=$T/passwd&BLOGSEARCH_INDEX=/nonexistent&index=/nonexistent"
check "parameters name no template or index" cmp <(body plain.html) <(body a.html)
HTTP_BLOGSEARCH_TEMPLATE=$T/passwd HTTP_BLOGSEARCH_INDEX=/nonexistent cgi b.json "q=docker&format=json"
check "headers name no template or index" cmp <(body plain.json | sed 's/"took_ms": [0-9.]*//') <(body b.json | sed 's/"took_ms": [0-9.]*//')
cgi c.html "q=docker" "BLOGSEARCH_TEMPLATE=$T/passwd" "BLOGSEARCH_INDEX=/nonexistent"
check "arguments name no template or index" cmp <(body plain.html) <(body c.html)

# a template that is no template
for f in "$T/passwd" /etc/passwd; do
  [ -r "$f" ] || continue
  TPL=$f cgi d.html "q=docker"
  check "$f: HTML 500" status d.html 500
  check "$f: nothing of the file" hasnt "$T/d.html" "root:"
  check "$f: no file named in the answer" hasnt "$T/d.html" "$f"
  check "$f: the log names it" has "$T/log" "the template $f names none of a results page's values"
  check "$f: valid UTF-8" utf8 "$T/d.html"
  TPL=$f cgi d.html "q=%ZZ"
  check "$f: a bad request: still a 400" status d.html 400
  check "$f: a bad request: nothing of the file" hasnt "$T/d.html" "root:"
  TPL=$f cgi d.json "q=docker&format=json"
  check "$f: JSON still answered" status d.json 200
done
finish cgi-config
