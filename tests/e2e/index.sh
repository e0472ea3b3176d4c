#!/usr/bin/env bash
# End-to-end tests of blogsearch-index: the real binary on the sample posts,
# incremental runs (touch, edit, delete, rename, add), every kind of bad input
# with its diagnostic, --strict, map growth, kill -9 in the middle of a run,
# a reader checking the index all through a rebuild, and, when ../shared is
# there, the 1,355 posts of rf-web.
# Usage: index.sh BLOGSEARCH_INDEX_BINARY SOURCE_DIR
. "$(dirname "$0")/lib.sh" index
BIN=$(realpath "$1")
SRC=$(realpath "$2")
RFWEB=${RFWEB:-$SRC/../shared/corpus/rf-web}

# the summary's count of one outcome ("added", "updated", ...)
count() { sed -n "s/.* \([0-9]*\) $2[,;].*/\1/p" "$1" | tail -n 1; }
json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

# ---- the sample posts ---------------------------------------------------------
samples=$SRC/data/samples
nposts=$(find "$samples" -type f \( -name '*.rst' -o -name '*.md' \) | wc -l)
ndrafts=$(grep -lE '^\.\. status: draft|^draft: true' -r "$samples" | wc -l)
"$BIN" --index "$T/ix" "$samples" 2>"$T/out"
check "samples: exit 0" test $? -eq 0
check "samples: every post added but drafts" test "$(count "$T/out" added)" = $((nposts - ndrafts))
check "samples: drafts skipped" test "$(count "$T/out" skipped)" = "$ndrafts"
check "samples: no warnings" has "$T/out" "0 warnings, 0 errors"
"$BIN" --index "$T/ix" --check >"$T/chk" 2>&1
check "samples: --check passes" test $? -eq 0
"$BIN" --index "$T/ix" --stats --json >"$T/stats.json"
check "samples: --stats --json is JSON with the post count" \
  test "$(json_field "$T/stats.json" posts)" = $((nposts - ndrafts))
"$BIN" --index "$T/ix" --tags --json >"$T/tags.json"
check "samples: --tags --json lists the docker tag" \
  python3 -c "import json,sys; t=json.load(open(sys.argv[1])); assert any(x['kind']=='tag' and x['value']=='docker' and x['posts']>=3 for x in t)" "$T/tags.json"

# stored fields: --dump shows what the index holds
"$BIN" --index "$T/ix" --dump >"$T/dump"
check "--dump: one line a post" test "$(wc -l <"$T/dump")" = $((nposts - ndrafts))
check "--dump: the HTML-looking title is stored as written" has "$T/dump" '"title": "Как экранировать <script> в шаблонах"'
check "--dump: a zone-less date is UTC by default" has "$T/dump" '"date": "2013-12-16T00:48:01Z"'
check "--dump: a dated zone keeps its offset" has "$T/dump" '"date": "2016-03-14T21:05:00+03:00", "utc_offset": 180'
check "--dump: no URL without a link or --url-prefix" has "$T/dump" '"url": ""'

# --url-prefix and --timezone change what posts yield: every post is read again
"$BIN" --index "$T/ix2" -q --url-prefix https://blog.example.org/posts/ --timezone +03:00 "$samples"
"$BIN" --index "$T/ix2" --dump >"$T/dump2"
check "--url-prefix: prefix + slug + /" has "$T/dump2" '"url": "https://blog.example.org/posts/kvm-vs-docker-doma/"'
check "--timezone: zone-less dates are taken in that zone" has "$T/dump2" '"date": "2013-12-16T00:48:01+03:00"'
check "--timezone: dates with a zone keep theirs" has "$T/dump2" '"date": "2014-10-18T13:00:00+04:00"'

# a tiny --memory writes postings many times in one run, merging into the blocks
# written before: the index must come out the same as with one write
"$BIN" --index "$T/ixmem" -q --memory 4K "$samples"
check "--memory 4K: consistent" "$BIN" --index "$T/ixmem" --check -q
"$BIN" --index "$T/ixmem" --stats --json >"$T/smem.json"
check "--memory 4K: same terms" test "$(json_field "$T/smem.json" terms)" = "$(json_field "$T/stats.json" terms)"
check "--memory 4K: same postings" test "$(json_field "$T/smem.json" postings)" = "$(json_field "$T/stats.json" postings)"
"$BIN" --index "$T/ixmem" --dump >"$T/dumpmem"
check "--memory 4K: same stored posts" cmp -s "$T/dump" "$T/dumpmem"

# the progress bar shows on a terminal only
if command -v script >/dev/null; then
  script -qec "$BIN --index $T/ixtty $samples" /dev/null >"$T/tty" 2>&1
  check "progress: drawn on a terminal" grep -q 'posts.*MB/s.*ETA' "$T/tty"
  "$BIN" --index "$T/ixtty2" "$samples" 2>"$T/notty"
  check "progress: silent when stderr is not a terminal" test "$(grep -c 'ETA' "$T/notty")" = 0
fi

# drafts are indexed with --drafts (the options changed: every post is read again)
"$BIN" --index "$T/ix" --drafts "$samples" 2>"$T/out"
check "--drafts: the draft is added" test "$(count "$T/out" added)" = "$ndrafts"
check "--drafts: changed options are announced" has "$T/out" "differ from the last run"

# ---- incremental runs --------------------------------------------------------------
mkdir -p "$T/blog/posts"
cp "$samples"/*.rst "$T/blog/posts/"
cd "$T/blog" || exit 1
n=$(ls posts/*.rst | wc -l)
ndr=$(grep -l '^\.\. status: draft' posts/*.rst | wc -l)
"$BIN" posts 2>"$T/out"     # the default index: ./.blogsearch
check "default index ./.blogsearch created" test -f .blogsearch/data.mdb
check "first run adds all" test "$(count "$T/out" added)" = $((n - ndr))
sum_before=$(md5sum .blogsearch/data.mdb)
"$BIN" posts 2>"$T/out"
check "second run: all unchanged" test "$(count "$T/out" unchanged)" = $((n - ndr))
check "second run: nothing written" has "$T/out" "(nothing to write)"
check "second run: the index file is untouched" test "$(md5sum .blogsearch/data.mdb)" = "$sum_before"

one=$(ls posts/*.rst | grep -v chernovik | head -n 1)
touch -d '2030-01-01' "$one"
"$BIN" posts 2>"$T/out"
check "touch: nothing re-indexed" test "$(count "$T/out" updated)" = 0
check "touch: still all unchanged" test "$(count "$T/out" unchanged)" = $((n - ndr))

printf '\nНовый абзац про квантовую телепортацию.\n' >>"$one"
"$BIN" posts 2>"$T/out"
check "edit: one updated" test "$(count "$T/out" updated)" = 1
check "edit: consistent" "$BIN" --check -q

rm "$one"
"$BIN" posts 2>"$T/out"
check "delete: one removed" test "$(count "$T/out" removed)" = 1
check "delete: consistent" "$BIN" --check -q

two=$(ls posts/*.rst | grep -v chernovik | head -n 1)
mv "$two" posts/renamed-post.rst
"$BIN" posts 2>"$T/out"
check "rename: one added" test "$(count "$T/out" added)" = 1
check "rename: one removed" test "$(count "$T/out" removed)" = 1

cp "$samples"/*.md posts/
nmd=$(ls "$samples"/*.md | wc -l)
"$BIN" -v posts 2>"$T/out"
check "new files: added" test "$(count "$T/out" added)" = "$nmd"
check "--verbose names each added post" has "$T/out" "posts/$(ls "$samples"/*.md | head -n 1 | xargs basename): added"
check "new files: consistent" "$BIN" --check -q
posts_now=$("$BIN" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
check "posts counted" test "$posts_now" = $((n - ndr - 1 + nmd))

# BLOGSEARCH_INDEX and --full
BLOGSEARCH_INDEX="$T/envix" "$BIN" -q posts
check "BLOGSEARCH_INDEX is used" test -f "$T/envix/data.mdb"
"$BIN" --full posts 2>"$T/out"
check "--full re-adds everything" test "$(count "$T/out" added)" = "$posts_now"
check "--full: consistent" "$BIN" --check -q
cd "$T" || exit 1

# ---- Nikola .meta sidecars: found beside their post, and an edit to one re-indexes it --------
mkdir -p "$T/side"
printf 'Текст поста с метаданными рядом.\n' >"$T/side/post.md"
printf '.. title: Заголовок из sidecar\n.. date: 2015-05-05 10:00:00\n.. tags: meta\n' >"$T/side/post.meta"
printf '.. title: Без sidecar\n\nтекст\n' >"$T/side/other.rst"
"$BIN" --index "$T/sideix" "$T/side" 2>"$T/out"
check "sidecar: two posts, no warnings" has "$T/out" "2 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 0 warnings"
"$BIN" --index "$T/sideix" --dump >"$T/sdump"
check "sidecar: its title and date are used" has "$T/sdump" '"title": "Заголовок из sidecar", "slug": "post", "date": "2015-05-05T10:00:00Z"'
printf '.. title: Новый заголовок\n' >"$T/side/post.meta"
"$BIN" --index "$T/sideix" "$T/side" 2>"$T/out"
check "sidecar: editing only the .meta updates the post" test "$(count "$T/out" updated)" = 1
"$BIN" --index "$T/sideix" --dump >"$T/sdump"
check "sidecar: the new title is stored" has "$T/sdump" '"title": "Новый заголовок"'

# ---- bad input -----------------------------------------------------------------------
B=$T/bad
mkdir -p "$B/sub"
printf '.. title: Хороший пост\n.. date: 2020-01-01\n\nТекст про docker.\n' >"$B/good.rst"
: >"$B/empty.rst"
printf '.. title: bin\n\n\0\1\2\3' >"$B/binary.md"
printf '.. title: Плохие байты\n\nтекст \377\376 тут\n' >"$B/invalid-utf8.rst"
printf '.. title: CRLF\r\n.. date: 2020-02-02\r\n\r\nСтроки\r\nс CRLF\r\n' >"$B/crlf.rst"
printf '\357\273\277.. title: BOM\n\nс BOM\n' >"$B/bom.rst"
printf 'Просто текст без заголовка.\n' >"$B/no-header.md"
printf '.. title: Только шапка\n' >"$B/header-only.rst"
printf '.. title: Раз\n.. title: Два\n\nтекст\n' >"$B/dup-keys.rst"
printf '.. title: Дата\n.. date: 31.02.2019\n\nтекст\n' >"$B/bad-date.rst"
printf -- '---\ntitle: Открыто\n\nтекст\n' >"$B/unclosed-yaml.md"
head -c 3000000 /dev/zero | tr '\0' 'a' >"$B/huge.rst"
truncate -s 100M "$B/hundred-mb.rst"     # sparse: costs no disk, and must not be read
# a file whose reads fail even for root: /proc/self/mem at offset 0 answers EIO
[ -r /proc/self/mem ] && ln -s /proc/self/mem "$B/unreadable.rst"
ln -s .. "$B/sub/loop"
ln -s nowhere "$B/broken-link.rst"
printf 'not a post\n' >"$B/notes.pdf"
"$BIN" --index "$T/badix" --max-size 1M "$B" 2>"$T/out"
rc=$?
check "bad input: the run goes on (exit 0)" test $rc -eq 0
check "bad input: empty file" has "$T/out" "bad/empty.rst: warning: empty file; skipped"
check "bad input: binary file" has "$T/out" "bad/binary.md: error: binary file"
check "bad input: invalid UTF-8, with its line" has "$T/out" "bad/invalid-utf8.rst:3: warning: 2 invalid UTF-8 bytes"
check "bad input: no header" has "$T/out" "bad/no-header.md:1: warning: no metadata header"
check "bad input: header without body" has "$T/out" "bad/header-only.rst: warning: the post has no body"
check "bad input: duplicate key, with its line" has "$T/out" "bad/dup-keys.rst:2: warning: key \"title\" given again; the last value is kept"
check "bad input: bad date, with its line" has "$T/out" "bad/bad-date.rst:2: warning: date \"31.02.2019\""
check "bad input: unclosed front matter" has "$T/out" "bad/unclosed-yaml.md:1: warning: front matter opened here is never closed"
check "bad input: 3 MB file over --max-size" has "$T/out" "bad/huge.rst: warning: file is 3.0 MB"
check "bad input: 100 MB file" has "$T/out" "bad/hundred-mb.rst: warning: file is 104.9 MB"
check "bad input: directory loop" has "$T/out" "directory loop"
check "bad input: broken link" has "$T/out" "bad/broken-link.rst: warning: broken symbolic link"
check "bad input: CRLF and BOM posts read cleanly" test "$(grep -c 'crlf.rst\|bom.rst' "$T/out")" = 0
check "bad input: 9 posts indexed" test "$(count "$T/out" added)" = 9
if [ -L "$B/unreadable.rst" ]; then
  check "bad input: unreadable file" has "$T/out" "bad/unreadable.rst: error: cannot read: Input/output error"
  check "bad input: 5 skipped" test "$(count "$T/out" skipped)" = 5
else
  check "bad input: 4 skipped" test "$(count "$T/out" skipped)" = 4
fi
check "bad input: consistent" "$BIN" --index "$T/badix" --check -q
"$BIN" --index "$T/badix" --stats --json >"$T/s.json"
check "bad input: the CRLF post's date parsed" test "$(json_field "$T/s.json" first_date)" = "2020-01-01T00:00:00Z"

# an unreadable file (permissions do not stop root, so only as another user): reported,
# and what was indexed of it before is kept
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$T/perm"
  printf '.. title: Закрытый\n\nтекст\n' >"$T/perm/closed.rst"
  "$BIN" --index "$T/permix" -q "$T/perm"
  chmod 000 "$T/perm/closed.rst"
  touch "$T/perm/closed.rst"
  "$BIN" --index "$T/permix" "$T/perm" 2>"$T/out"
  check "unreadable: reported" has "$T/out" "closed.rst: error: cannot read: Permission denied"
  check "unreadable: the post is kept" test "$("$BIN" --index "$T/permix" --dump | wc -l)" = 1
  chmod 644 "$T/perm/closed.rst"
fi

# --strict: a warning fails the run and the index stays as it was
sum_before=$(md5sum "$T/badix/data.mdb")
printf '.. title: Новый\n.. date: 2020-13-01\n\nтекст\n' >"$B/new-bad-date.rst"
"$BIN" --index "$T/badix" --max-size 1M --strict "$B" 2>"$T/out"
check "--strict: exit 1" test $? -eq 1
check "--strict: says the index was not changed" has "$T/out" "not changed"
check "--strict: the index is untouched" test "$(md5sum "$T/badix/data.mdb")" = "$sum_before"

# ---- usage errors: exit 2 ----------------------------------------------------------------
"$BIN" --index "$T/u" 2>/dev/null;               check "no PATH: exit 2" test $? -eq 2
"$BIN" --no-such-option x 2>/dev/null;           check "unknown option: exit 2" test $? -eq 2
"$BIN" --timezone Mars x 2>/dev/null;            check "bad --timezone: exit 2" test $? -eq 2
"$BIN" --stats --index "$T/none" 2>"$T/out";     check "--stats of a missing index: exit 1" test $? -eq 1
check "missing index: says how to build one" has "$T/out" "build one with: blogsearch-index"

# ---- the map grows by itself --------------------------------------------------------------
BLOGSEARCH_MAP_SIZE=64K "$BIN" --index "$T/tiny" "$samples" 2>"$T/out"
check "tiny map: the run succeeds" test $? -eq 0
check "tiny map: all posts" test "$(count "$T/out" added)" = $((nposts - ndrafts))
check "tiny map: consistent" "$BIN" --index "$T/tiny" --check -q

# ---- a bigger corpus for the crash and concurrency tests -------------------------------------
if [ -d "$RFWEB" ]; then BIG=$RFWEB; else
  BIG=$T/big
  for i in $(seq 1 40); do mkdir -p "$BIG/$i"; cp "$samples"/*.rst "$samples"/*.md "$BIG/$i/"; done
fi

# kill -9 at several moments of a full build over an existing index: every time the index
# opens, is consistent, and holds either the old state or the new one
"$BIN" --index "$T/crash" -q "$samples"
old=$("$BIN" --index "$T/crash" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
for delay in 0.05 0.1 0.2 0.3 0.5; do
  "$BIN" --index "$T/crash" --full -q "$BIG" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  check "kill -9 after ${delay}s: consistent" "$BIN" --index "$T/crash" --check -q
  now=$("$BIN" --index "$T/crash" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
  if [ "$now" != "$old" ]; then
    old=$now   # the run had committed: the new state, whole
    check "kill -9 after ${delay}s: a committed state is whole" "$BIN" --index "$T/crash" --check -q
  fi
done
"$BIN" --index "$T/crash" -q "$BIG"
check "after the kills, a normal run completes" "$BIN" --index "$T/crash" --check -q

# a reader all through a rebuild sees one whole state at every moment
"$BIN" --index "$T/conc" -q "$samples"
small=$("$BIN" --index "$T/conc" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
"$BIN" --index "$T/conc" --full -q "$BIG" &
pid=$!
reads=0 bad_reads=0 seen=""
while kill -0 "$pid" 2>/dev/null; do
  if out=$("$BIN" --index "$T/conc" --check 2>&1); then
    reads=$((reads + 1))
    seen="$seen $(echo "$out" | sed -n 's/.*consistent: \([0-9]*\) posts.*/\1/p')"
  else
    bad_reads=$((bad_reads + 1)); echo "$out" >&2
  fi
done
wait "$pid"
check "rebuild: the writer succeeded" test $? -eq 0
check "rebuild: every read saw a consistent index ($reads reads)" test "$bad_reads" = 0
check "rebuild: reads happened during the rebuild" test "$reads" -gt 0
big=$("$BIN" --index "$T/conc" --stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["posts"])')
for s in $seen; do
  check "rebuild: a read saw the old ($small) or the new ($big) count, not $s" \
    test "$s" = "$small" -o "$s" = "$big"
done

# ---- rf-web: every post indexed, every date parsed, tag counts as the headers say -----------
if [ -d "$RFWEB" ]; then
  total=$(find "$RFWEB" -name '*.rst' | wc -l)
  "$BIN" --index "$T/rf" "$RFWEB" 2>"$T/out"
  check "rf-web: exit 0" test $? -eq 0
  check "rf-web: every post added ($total)" test "$(count "$T/out" added)" = "$total"
  check "rf-web: no date warnings" test "$(grep -c 'warning: date' "$T/out")" = 0
  check "rf-web: consistent" "$BIN" --index "$T/rf" --check -q
  "$BIN" --index "$T/rf" --tags --json >"$T/rftags.json"
  check "rf-web: tag and category counts equal the headers'" python3 - "$RFWEB" "$T/rftags.json" <<'EOF'
import collections, json, pathlib, sys
want = collections.Counter()
for f in pathlib.Path(sys.argv[1]).rglob("*.rst"):
    tags, cats = set(), set()
    for line in f.read_text(encoding="utf-8").splitlines():
        if not line.startswith(".. "):
            break
        key, _, value = line[3:].partition(":")
        fold = lambda s: s.strip().casefold().replace("ё", "е")
        if key == "tags":
            tags |= {fold(t) for t in value.split(",") if t.strip()}
        elif key == "category" and value.strip():
            cats.add(fold(value))
    for t in tags:
        want[("tag", t)] += 1
    for c in cats:
        want[("category", c)] += 1
got = collections.Counter()
for x in json.load(open(sys.argv[2])):
    if x["kind"] in ("tag", "category"):
        got[(x["kind"], x["value"])] = x["posts"]
if got != want:
    diff = set(got.items()) ^ set(want.items())
    print("tag counts differ:", sorted(diff)[:10], file=sys.stderr)
    sys.exit(1)
EOF
  "$BIN" --index "$T/rf" --stats --json >"$T/rf.json"
  check "rf-web: dates span 2011 to 2021" python3 -c "import json,sys; s=json.load(open(sys.argv[1])); assert s['first_date'][:4]=='2011' and s['last_date'][:4]=='2021', s" "$T/rf.json"
else
  echo "rf-web corpus not found at $RFWEB: its checks are skipped"
fi

# A Jekyll site: its _config.yml permalink gives the URL of posts under _posts/
# that have none; a page keeps its own; the generator's own directories and a
# README are left out, said with -v
J="$T/jekyll"
mkdir -p "$J/_posts" "$J/_layouts" "$J/about"
printf 'title: Сайт\npermalink: /:year/:month/:day/:title/\n' >"$J/_config.yml"
printf -- '---\ntitle: Первый\ndate: 2012-09-14 18:23 +04:00\n---\nтекст\n' >"$J/_posts/2012-09-14-first.md"
printf -- '---\ntitle: Свой\npermalink: /own/\n---\nтекст\n' >"$J/_posts/2013-01-02-own.md"
printf -- '---\ntitle: Обо мне\n---\nтекст\n' >"$J/about/index.md"
printf '<html>{{ content }}</html>\n' >"$J/_layouts/default.html"
printf '# Репозиторий\n' >"$J/README.md"
"$BIN" --index "$T/jx" -v "$J" >"$T/jout" 2>&1
"$BIN" --index "$T/jx" --dump >"$T/jdump"
check "jekyll: _config.yml's permalink for a post without one" has "$T/jdump" '"url": "/2012/09/14/first/"'
check "jekyll: a post's own permalink" has "$T/jdump" '"url": "/own/"'
check "jekyll: the date and slug from the file name" has "$T/jdump" '"slug": "first", "date": "2012-09-14T18:23:00+04:00"'
check "jekyll: a page has no post permalink" python3 -c "import json,sys; d=[json.loads(l) for l in open(sys.argv[1])]; p=[x for x in d if x['path'].endswith('about/index.md')][0]; assert p['url']=='' and p['slug']=='about', p" "$T/jdump"
check "jekyll: _layouts/ left out, said with -v" has "$T/jout" "_layouts: skipped: a generator's own files"
check "jekyll: README left out, said with -v" has "$T/jout" "README.md: skipped: a repository's document"
check "jekyll: three posts" test "$(wc -l <"$T/jdump")" = 3

finish index.sh
