#!/usr/bin/python3
"""markup_diff.py: compares the post texts two builds of bench/markup_text.c
printed (path NUL text NUL, the same paths in the same order) and prints a
summary: how many posts are the same, which words (\\w+ runs, as a reader
would search them) the new text lost or gained, the posts that differ most.
Every post's unified diff goes to OUTDIR/diffs.txt.

Usage: /usr/bin/python3 bench/markup_diff.py OLD NEW OUTDIR [--root DIR]
"""
import argparse
import collections
import difflib
import os
import re
import sys

WORD = re.compile(r"\w+")


def records(path):
    with open(path, "rb") as f:
        parts = f.read().split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    if len(parts) % 2:
        sys.exit(f"markup_diff.py: {path}: not path/text pairs")
    return [(parts[i].decode(), parts[i + 1].decode("utf-8", "replace"))
            for i in range(0, len(parts), 2)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("outdir")
    ap.add_argument("--root", default="", help="shown paths are relative to it")
    ap.add_argument("--top", type=int, default=20)
    a = ap.parse_args()
    old, new = records(a.old), records(a.new)
    if [p for p, _ in old] != [p for p, _ in new]:
        sys.exit("markup_diff.py: the two runs read different posts")

    def rel(p):
        return os.path.relpath(p, a.root) if a.root else p

    same = layout = 0
    lost_all, gained_all = collections.Counter(), collections.Counter()
    lost_posts, gained_posts = collections.Counter(), collections.Counter()
    rows = []
    bytes_old = bytes_new = words_old = words_new = 0
    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "diffs.txt"), "w") as diffs:
        for (path, t_old), (_, t_new) in zip(old, new):
            bytes_old += len(t_old.encode())
            bytes_new += len(t_new.encode())
            w_old = collections.Counter(WORD.findall(t_old))
            w_new = collections.Counter(WORD.findall(t_new))
            words_old += sum(w_old.values())
            words_new += sum(w_new.values())
            if t_old == t_new:
                same += 1
                continue
            lost, gained = w_old - w_new, w_new - w_old
            if not lost and not gained:
                layout += 1
            lost_all.update(lost)
            gained_all.update(gained)
            lost_posts.update(lost.keys())
            gained_posts.update(gained.keys())
            rows.append((sum(lost.values()) + sum(gained.values()), rel(path), lost, gained))
            diffs.writelines(difflib.unified_diff(
                t_old.splitlines(True), t_new.splitlines(True),
                f"old/{rel(path)}", f"new/{rel(path)}", n=1))
            diffs.write("\n")

    n = len(old)
    print(f"posts: {n}; the same text: {same}; different: {n - same} "
          f"(of them {layout} in layout only: line breaks, spaces, punctuation)")
    print(f"text bytes: old {bytes_old}, new {bytes_new}; words: old {words_old}, "
          f"new {words_new}; words lost {sum(lost_all.values())}, "
          f"gained {sum(gained_all.values())}")

    def top(counter, posts, what):
        if not counter:
            print(f"\nwords {what}: none")
            return
        print(f"\nwords {what} (count, posts):")
        for w, k in counter.most_common(a.top):
            print(f"  {w!r}: {k}, {posts[w]}")

    top(lost_all, lost_posts, "lost")
    top(gained_all, gained_posts, "gained")
    rows.sort(key=lambda r: (-r[0], r[1]))
    print(f"\nposts that differ most in words (lost / gained):")
    for score, path, lost, gained in rows[:a.top]:
        if not score:
            break
        show = lambda c: " ".join(w for w, _ in c.most_common(6))
        print(f"  {path}: -{sum(lost.values())} +{sum(gained.values())}"
              f"  lost: {show(lost) or '-'}  gained: {show(gained) or '-'}")
    print(f"\nper-post diffs: {os.path.join(a.outdir, 'diffs.txt')}")


if __name__ == "__main__":
    main()
