#!/usr/bin/env bash
# End-to-end tests of related posts through the real programs: blogsearch
# --like by a file (any path to it) and by a slug, as text and JSON, filters
# applying, the post itself never among them, a name that is no post an
# error; blogsearch-index --related OUT.json alone and after a run, every
# post once with at most --related-count others, valid JSON, OUT replaced
# only when whole; and real blogs when ../shared is there.
# Usage: like.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" like
BS=$(realpath "$1")
BI=$(realpath "$2")
SRC=$(realpath "$3")
"$BI" -q --index "$T/ix" "$SRC/data/samples"
export BLOGSEARCH_INDEX=$T/ix

# ---- --like, by file and by slug -----------------------------------------------------------
post=$(ls "$SRC"/data/samples/*docker*.md | head -1)
slug=$(python3 -c "
import re,sys
t=open(sys.argv[1],encoding='utf-8').read()
m=re.search(r'^slug:\s*(\S+)', t, re.M) or re.search(r'^\.\. slug:\s*(\S+)', t, re.M)
print(m.group(1) if m else '')" "$post")
check "the sample post $post has a slug" test -n "$slug"
run r.json "$BS" --json --like "$post"
check "--like FILE: exit 0, results" eval 'test "$rc" -eq 0 && py "r[\"total\"] > 0 and len(r[\"results\"]) > 0"'
check "--like FILE: not the post itself" py "all(x['slug'] != '$slug' for x in r['results'])"
check "--like FILE: the first is about docker too" py "'docker' in (' '.join(r['results'][0]['tags']) + r['results'][0]['title']).lower()"
check "--like FILE: names it in the answer" py "r.get('like') == '$(realpath "$post")'"
cp "$T/r.json" "$T/by-file.json"
(cd "$SRC/data" && "$BS" --json --like "samples/$(basename "$post")") >"$T/rel.json" 2>"$T/err"
check "--like by a relative path: the same posts" python3 -c "
import json,sys; a=json.load(open('$T/by-file.json')); b=json.load(open('$T/rel.json'))
sys.exit(0 if [x['slug'] for x in a['results']] == [x['slug'] for x in b['results']] else 1)"
run r.json "$BS" --json --like "$slug"
check "--like SLUG: the same posts as by its file" python3 -c "
import json,sys; a=json.load(open('$T/by-file.json')); b=json.load(open('$T/r.json'))
sys.exit(0 if [x['slug'] for x in a['results']] == [x['slug'] for x in b['results']] else 1)"
run r.json "$BS" --json --like "$slug" --tag containers -n 3
check "--like with --tag: only posts with the tag, at most 3" py \
  "0 < len(r['results']) <= 3 and all('containers' in [t.lower() for t in x['tags']] for x in r['results'])"
run out "$BS" --like "$slug" -n 2
check "--like as text: two numbered posts" eval 'test "$rc" -eq 0 && grep -c "^[0-9]\. " "$T/out" | grep -qx 2'
check "--like as text: UTF-8" utf8 "$T/out"
run out "$BS" --like no-such-post
check "--like of no post: exit 2, a message naming it" eval \
  'test "$rc" -eq 2 && grep -qF "no post is indexed from the file or with the slug \"no-such-post\"" "$T/err"'
run out "$BS" --like "$slug" docker
check "--like with query words: exit 2, says why" eval 'test "$rc" -eq 2 && grep -qF -- "--like" "$T/err"'

# ---- --related OUT.json --------------------------------------------------------------------
nposts=$("$BS" --stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['posts'])")
run out "$BI" --index "$T/ix" --related "$T/rel.json" --related-count 3
check "--related alone: exit 0" test "$rc" -eq 0
check "--related: every post once, valid JSON, at most 3 each, never itself" python3 -c "
import json,sys
d=json.load(open('$T/rel.json', encoding='utf-8'))
p=d['posts']
ok = len(p) == $nposts and len({x['path'] for x in p}) == len(p)
ok = ok and all(0 < len(x['related']) <= 3 and all(r['path'] != x['path'] for r in x['related']) for x in p)
ok = ok and all(set(r) == {'path','slug','url','title','score'} for x in p for r in x['related'])
sys.exit(0 if ok else 1)"
check "--related: the file is UTF-8" utf8 "$T/rel.json"
check "--related: no temporary file left" test ! -e "$T/rel.json.tmp"
check "--related's list of a post is --like's first" python3 -c "
import json,subprocess,sys
d=json.load(open('$T/rel.json', encoding='utf-8'))
x=d['posts'][0]
like=json.loads(subprocess.run(['$BS','--json','-n','3','--like',x['path']],capture_output=True,text=True).stdout)
sys.exit(0 if [r['path'] for r in x['related']] == [r['path'] for r in like['results']] else 1)"
cp "$T/rel.json" "$T/rel-before.json"
run out "$BI" --index "$T/nowhere" --related "$T/rel.json"
check "--related over no index: exit 1, the old file kept" eval \
  'test "$rc" -eq 1 && cmp -s "$T/rel.json" "$T/rel-before.json"'
run out "$BI" --index "$T/ix2" --related "$T/rel2.json" "$SRC/data/samples"
check "--related after a run: the run's posts" python3 -c "
import json,sys; sys.exit(0 if len(json.load(open('$T/rel2.json'))['posts']) == $nposts else 1)"
run out "$BI" --related "$T/x.json" --related-count 0
check "--related-count 0: a usage error" test "$rc" -eq 2

# ---- the real blogs: every post's list, never itself ---------------------------------------
blogs=$SRC/../shared/corpus/blogs
if [ -d "$blogs" ]; then
  for b in "$blogs"/*/; do
    name=$(basename "$b")
    "$BI" -q --index "$T/b-$name" "$b" 2>/dev/null
    run out "$BI" --index "$T/b-$name" --related "$T/b-$name.json"
    check "$name: --related: exit 0, every post never its own" eval "test \"\$rc\" -eq 0 && python3 -c \"
import json,sys
p=json.load(open('$T/b-$name.json', encoding='utf-8'))['posts']
sys.exit(0 if p and all(r['path'] != x['path'] for x in p for r in x['related']) else 1)\""
  done
fi

finish like
