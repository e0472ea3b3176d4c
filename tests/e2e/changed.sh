#!/usr/bin/env bash
# End-to-end tests of blogsearch-index --changed: a small blog in git, each
# step committed and its `git diff --name-only` given on standard input
# (from the blog's root, so the paths are relative ones): a post edited,
# added, deleted, renamed, made a draft; a .meta sidecar changed; names with
# spaces, in Cyrillic (git quotes them), not UTF-8; NUL-separated lists
# (git diff -z, find -print0); duplicated and empty lines; a directory
# listed, and one deleted; paths outside the roots, not posts, hidden or in a
# theme's directory, ignored and named with -v. After each run the index is
# consistent and answers as a fresh --full index of the same tree does (its
# stored posts, and blogsearch --json for a few queries). Then what is
# refused: other options than the index's, no index yet, -0 alone, --full.
# Usage: changed.sh BLOGSEARCH BLOGSEARCH_INDEX SOURCE_DIR
. "$(dirname "$0")/lib.sh" changed
BS=$(realpath "$1")
BIN=$(realpath "$2")
SRC=$(realpath "$3")
command -v git >/dev/null || { echo "changed.sh: no git; skipped"; exit 77; }
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=blogsearch \
  GIT_AUTHOR_EMAIL=blogsearch@example.org GIT_COMMITTER_NAME=blogsearch \
  GIT_COMMITTER_EMAIL=blogsearch@example.org
IX=$T/ix

# the summary's count of one outcome ("added", "updated", ...)
count() { sed -n "s/.* \([0-9]*\) $2[,;].*/\1/p" "$1" | tail -n 1; }
# counts FILE A U R: the run added A, updated U, removed R
counts() { test "$(count "$1" added) $(count "$1" updated) $(count "$1" removed)" = "$2 $3 $4"; }

# agree [OPTIONS]: the index answers as an index built from nothing over the
# same roots with the same options does: the same posts stored (--dump, but
# for their numbers), the same blogsearch --json for a few queries
queries=(docker виртуализация "kvm OR lxc" телепортация кошки "tag:docker" "title:debian")
agree() {
  local q i=0
  rm -rf "$T/fresh"
  "$BIN" --index "$T/fresh" -q --full "$@" posts stories 2>"$T/fresh.err"
  "$BIN" --index "$IX" --dump >"$T/d1"
  "$BIN" --index "$T/fresh" --dump >"$T/d2"
  for q in "${queries[@]}"; do
    "$BS" --index "$IX" --json -n 100 "$q" >"$T/q1.$i" 2>/dev/null
    "$BS" --index "$T/fresh" --json -n 100 "$q" >"$T/q2.$i" 2>/dev/null
    i=$((i + 1))
  done
  python3 -c "
import json, sys
def posts(f):
    rows = [json.loads(l) for l in open(f, encoding='utf-8')]
    for r in rows:
        r.pop('docid')
    return sorted(rows, key=lambda r: r['path'])
def answer(f):
    r = json.load(open(f, encoding='utf-8'))
    r.pop('took_ms', None)
    for x in r.get('results', []):
        x.pop('rank')
    r['results'] = sorted(r.get('results', []), key=lambda x: (-x['score'], x['path']))
    return r
same = posts('$T/d1') == posts('$T/d2') and len(posts('$T/d1')) > 30
same = same and all(answer('$T/q1.%d' % i) == answer('$T/q2.%d' % i) for i in range($i))
sys.exit(0 if same else 1)"
}
# same TAG [OPTIONS]: after a run, the index is consistent and agrees
same() {
  local tag=$1
  shift
  check "$tag: --check is clean" "$BIN" --index "$IX" --check -q
  check "$tag: answers as a fresh --full index" agree "$@"
}
# step MESSAGE: commit what changed
step() { git add -A && git commit -qm "$1"; }
# changed [OPTIONS]: the paths of the last commit to blogsearch-index --changed
# (--no-renames: a rename is listed as its new name alone otherwise)
changed() { git diff --name-only --no-renames HEAD~1 | "$BIN" --index "$IX" --changed "$@" posts stories 2>"$T/out"; }

# ---- the blog -----------------------------------------------------------------------
B=$T/blog
mkdir -p "$B/posts/2020" "$B/stories" "$B/notes"
cd "$B" || exit 1
i=0
for f in "$SRC"/data/samples/*; do
  case $((i % 3)) in 0) cp "$f" posts/ ;; 1) cp "$f" posts/2020/ ;; 2) cp "$f" stories/ ;; esac
  i=$((i + 1))
done
printf 'Текст поста с метаданными рядом: про кошек.\n' >posts/side.md
printf '.. title: Заголовок из sidecar\n.. date: 2015-05-05 10:00:00\n.. tags: meta\n' >posts/side.meta
printf '# Заметки\n\nНе пост: вне корней.\n' >README.md
printf '.. title: Заметка\n\nвне корней\n' >notes/note.rst
git init -q . && step "the blog"
"$BIN" --index "$IX" posts stories 2>"$T/out"
check "the first run: a normal walk" test "$(count "$T/out" added)" -gt 30
same "the first run"
cp posts/side.md "$T/side.md"
printf '\nпро телепортацию\n' >>posts/side.md
check "the comparison sees a post the index has not read" eval '! agree'
cp "$T/side.md" posts/side.md

# ---- edited, added, deleted ------------------------------------------------------------
edit=$(ls posts/*.rst | head -n 1)
printf '\nНовый абзац про квантовую телепортацию.\n' >>"$edit"
step "an edit"
changed
check "edit: exit 0" test $? -eq 0
check "edit: one updated, no walk" counts "$T/out" 0 1 0
check "edit: the summary of a normal run" grep -qE '^blogsearch-index: [0-9]+ posts in .*: 0 added, 1 updated, 0 removed, 0 unchanged, 0 skipped; 0 warnings, 0 errors; [0-9.]+ s$' "$T/out"
same "edit"

printf '.. title: Кошки и контейнеры\n.. date: 2021-03-03 12:00:00\n.. tags: docker\n\nПро кошек и docker.\n' >posts/2020/koshki.rst
step "a new post"
changed
check "add: one added" counts "$T/out" 1 0 0
same "add"

gone=$(ls stories/*.md | head -n 1)
git rm -q "$gone" && git commit -qm "a deletion"
changed -v
check "delete: one removed" counts "$T/out" 0 0 1
check "delete: -v names it" has "$T/out" "$gone: removed"
same "delete"

old=$(ls posts/2020/*.md | head -n 1)
git mv "$old" posts/2020/renamed.md && git commit -qm "a rename"
changed
check "rename: one added, one removed" counts "$T/out" 1 0 1
same "rename"

# ---- the sidecar: a changed .meta is its post changed; a deleted one too ----------------
printf '.. title: Новый заголовок из sidecar\n.. date: 2015-05-05 10:00:00\n.. tags: meta\n' >posts/side.meta
step "a sidecar"
changed
check "sidecar: its post updated" counts "$T/out" 0 1 0
check "sidecar: the new title stored" grep -q '"title": "Новый заголовок из sidecar"' <("$BIN" --index "$IX" --dump)
same "sidecar"
git rm -q posts/side.meta && git commit -qm "no sidecar"
changed
check "sidecar deleted: its post read again without it" counts "$T/out" 0 1 0
same "sidecar deleted"

# ---- what is ignored: outside the roots, not posts, hidden, a theme's -------------------
mkdir -p posts/.drafts posts/themes/x
printf 'другой текст\n' >>README.md
printf 'другой текст\n' >>notes/note.rst
printf 'PNG' >posts/image.png
printf '.. title: Скрыт\n\nтекст\n' >posts/.drafts/hidden.rst
printf '.. title: Тема\n\nтекст\n' >posts/themes/x/theme.md
printf '.. title: Одинокий\n' >posts/lonely.meta
step "not posts"
changed -v
check "ignored: exit 0, nothing changed" counts "$T/out" 0 0 0
check "ignored: -v names a path outside the roots" has "$T/out" "README.md: ignored: outside every PATH given"
check "ignored: ... and another" has "$T/out" "notes/note.rst: ignored: outside every PATH given"
check "ignored: -v names a file that is no post" has "$T/out" "posts/image.png: ignored: not a post"
check "ignored: a hidden directory" has "$T/out" "posts/.drafts/hidden.rst: ignored: below a hidden directory"
check "ignored: a theme's directory" has "$T/out" "posts/themes/x/theme.md: ignored: below a generator's own directory"
check "ignored: a sidecar with no post" has "$T/out" "posts/lonely.meta: ignored: a .meta sidecar with no post beside it"
check "ignored: counted after the summary" has "$T/out" "6 of 6 paths listed ignored"
changed
check "ignored: without -v, the count says how to name them" has "$T/out" "6 of 6 paths listed ignored: outside every PATH, or not posts (-v names them)"
check "ignored: without -v, none is named" test "$(grep -c 'ignored: outside every PATH given' "$T/out")" = 0
same "ignored"

# ---- names: spaces, Cyrillic (git quotes it), not UTF-8, NUL-separated ---------------
printf '.. title: Пробелы в имени\n\nпро кошек с пробелами\n' >"posts/с пробелом и  двумя.rst"
printf '.. title: Кириллица\n\nкошки в кириллическом имени\n' >"posts/2020/пост-про-кошек.md"
step "names"
check "git quotes a Cyrillic name" grep -q '^"posts/2020/' <(git diff --name-only HEAD~1)
changed
check "names: both added from git's quoted list" counts "$T/out" 2 0 0
same "names"
printf '\nещё про кошек\n' >>"posts/с пробелом и  двумя.rst"
printf '\nещё про кошек\n' >>"posts/2020/пост-про-кошек.md"
step "names again"
git diff -z --name-only --no-renames HEAD~1 | "$BIN" --index "$IX" --changed -0 posts stories 2>"$T/out"
check "-0: git diff -z, both updated" counts "$T/out" 0 2 0
same "-0"

bad=$(printf 'posts/\377\376-bad.rst')
printf '.. title: Не UTF-8 имя\n\nкошки без UTF-8\n' >"$bad"
printf '%s\0' "$bad" | "$BIN" --index "$IX" --changed --null -v posts stories 2>"$T/out"
check "not UTF-8: added through -0 (find -print0's form)" counts "$T/out" 1 0 0
check "not UTF-8: what is printed is UTF-8" utf8 "$T/out"
check "not UTF-8: the name shown with \\x escapes" has "$T/out" 'posts/\xFF\xFE-bad.rst: added'
same "not UTF-8"
printf '\nещё\n' >>"$bad"
printf '%s\n' "$bad" | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "not UTF-8: as a line, updated" counts "$T/out" 0 1 0
rm "$bad"
printf '%s\n' "$bad" | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "not UTF-8: gone, removed" counts "$T/out" 0 0 1
same "not UTF-8 gone"

# ---- duplicated and empty lines, CRLF, absolute paths, another directory ---------------
printf '\nещё раз\n' >>"$edit"
printf '\n%s\n\n%s\r\n%s\n\n' "$edit" "$edit" "$B/$edit" | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "duplicates: the post updated once" counts "$T/out" 0 1 0
printf '\nи ещё\n' >>"$edit"
(cd posts && basename "$edit" | "$BIN" --index "$IX" --changed . ../stories) 2>"$T/out"
check "relative to the current directory, not the blog's root" counts "$T/out" 0 1 0
touch -d '2031-01-01' "$edit"
echo "$edit" | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "touched, not changed: unchanged" test "$(count "$T/out" unchanged)" = 1
: | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "an empty list: nothing to write" has "$T/out" "0 added, 0 updated, 0 removed, 0 unchanged, 0 skipped; 0 warnings, 0 errors"
check "an empty list: nothing to write (said)" has "$T/out" "(nothing to write)"
printf 'posts/a\0b.rst\n' | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "a NUL in a line: said with its line, the run goes on" has "$T/out" "<stdin>:1: warning: a NUL byte in the line"
same "lines"
git add -A && git commit -qm "lines"

# a symbolic link to a root: the paths given through it are the root's
ln -s "$B/posts" "$T/link"
printf '\nчерез ссылку\n' >>"$edit"
echo "$T/link/$(basename "$edit")" | "$BIN" --index "$IX" --changed "$T/link" stories 2>"$T/out"
check "through a link to the root: updated" counts "$T/out" 0 1 0
same "link"
step "through a link"

# a post given alone as a PATH: its sidecar listed is the post changed, as the walk pairs them
mkdir -p "$T/solo"
printf 'Один пост сам по себе.\n' >"$T/solo/alone.md"
printf '.. title: Один\n' >"$T/solo/alone.meta"
"$BIN" --index "$T/soloix" -q "$T/solo/alone.md"
printf '.. title: Один, но другой\n' >"$T/solo/alone.meta"
echo "$T/solo/alone.meta" | "$BIN" --index "$T/soloix" --changed "$T/solo/alone.md" 2>"$T/out"
check "a post given alone: its sidecar listed updates it" counts "$T/out" 0 1 0
check "a post given alone: the sidecar's title stored" grep -q '"title": "Один, но другой"' <("$BIN" --index "$T/soloix" --dump)

# ---- a directory listed: its posts walked; deleted: its posts removed -------------------
mkdir -p posts/2021/deep
printf '.. title: Раз\n\nкошки раз\n' >posts/2021/one.rst
printf '.. title: Два\n\nкошки два\n' >posts/2021/deep/two.md
printf '.. title: Тема\n\nтекст\n' >posts/2021/deep/layouts.md
echo posts/2021 | "$BIN" --index "$IX" --changed -v posts stories 2>"$T/out"
check "a directory: every post below it added" counts "$T/out" 3 0 0
same "a directory"
step "a directory"
rm posts/2021/deep/two.md
echo posts/2021 | "$BIN" --index "$IX" --changed posts stories 2>"$T/out"
check "a directory again: the post gone from it removed" counts "$T/out" 0 0 1
rm -r posts/2021
echo posts/2021 | "$BIN" --index "$IX" --changed -v posts stories 2>"$T/out"
check "a deleted directory: the posts below it removed" counts "$T/out" 0 0 2
check "a deleted directory: -v names them" has "$T/out" "posts/2021/one.rst: removed"
same "a deleted directory"
step "no directory"

# ---- a draft: out of the index, as a normal run leaves it out ----------------------------
sed -i '1a .. status: draft' "$edit"
step "a draft"
changed -v
check "draft: skipped, out of the index" has "$T/out" "$edit: skipped: a draft"
same "draft"

# ---- refused: other options than the index's, no index, usage -----------------------------
"$BIN" --index "$IX" --dump >"$T/before"
printf '\nещё\n' >>"$edit"
echo "$edit" | "$BIN" --index "$IX" --changed --url-prefix https://blog.example.org/ posts stories 2>"$T/out"
check "--url-prefix other than the index's: exit 1" test $? -eq 1
check "--url-prefix: says which and what to run" has "$T/out" "--changed: --url-prefix https://blog.example.org/ is given and the index has none; a run with options other than the index's reads every post again: run blogsearch-index without --changed"
check "--url-prefix: the index is not changed" has "$T/out" "was not changed"
echo "$edit" | "$BIN" --index "$IX" --changed --timezone Europe/Moscow posts stories 2>"$T/out"
check "--timezone other than the index's: exit 1" test $? -eq 1
check "--timezone: says which" has "$T/out" "--timezone Europe/Moscow and the index's zone is UTC"
echo "$edit" | "$BIN" --index "$IX" --changed --drafts posts stories 2>"$T/out"
check "--drafts other than the index's: exit 1" test $? -eq 1
"$BIN" --index "$IX" --dump >"$T/after"
check "refused: the index holds what it held" cmp -s "$T/before" "$T/after"
echo "$edit" | "$BIN" --index "$IX" --changed --timezone UTC posts stories 2>"$T/out"
check "the index's own options are fine" test $? -eq 0
"$BIN" --index "$IX" --url-prefix https://blog.example.org/ --timezone +03:00 posts stories 2>"$T/out"
check "a normal run takes the new options" test $? -eq 0
printf '\nещё\n' >>"$edit"
sed -i '/^\.\. status: draft$/d' "$edit"
echo "$edit" | "$BIN" --index "$IX" --changed --url-prefix https://blog.example.org/ --timezone +03:00 posts stories 2>"$T/out"
check "then --changed with them: the draft back" counts "$T/out" 1 0 0
same "options" --url-prefix https://blog.example.org/ --timezone +03:00

echo "$edit" | "$BIN" --index "$T/none" --changed posts 2>"$T/out"
check "no index yet: exit 1" test $? -eq 1
check "no index yet: says how to build one" has "$T/out" "no index at $T/none; build one with: blogsearch-index --index $T/none PATH..."
check "no index yet: none made" test ! -e "$T/none"
"$BIN" --index "$IX" -0 posts 2>"$T/out" </dev/null
check "-0 without --changed: usage (2)" test $? -eq 2
check "-0 without --changed: said" has "$T/out" "-0 (--null) goes with --changed"
"$BIN" --index "$IX" --changed --full posts 2>"$T/out" </dev/null
check "--changed --full: usage (2)" test $? -eq 2
"$BIN" --index "$IX" --changed --stats 2>"$T/out" </dev/null
check "--changed --stats: usage (2)" test $? -eq 2
"$BIN" --index "$IX" --changed 2>"$T/out" </dev/null
check "--changed without PATH: usage (2)" test $? -eq 2
"$BIN" --help >"$T/help"
check "--help names --changed and -0" eval 'has "$T/help" "--changed" && has "$T/help" "-0, --null"'

cd "$T" || exit 1
finish changed
