#!/usr/bin/python3
"""vocab.py: how the vocabulary of a set of posts grows with its size
(Heaps' law, V = K * N^beta: V distinct words among the first N words).

Usage: /usr/bin/python3 bench/vocab.py [--json] DIR...

A word is a run of letters (Unicode categories L*, so digits, punctuation and
markup split words), lower-cased; the whole file is read, header included,
as the engines read it, less its URLs and e-mail addresses (`http://...`,
reStructuredText's `<target>`, `a@b`), whose letter runs are ids and not
words of the text. Files (.rst, .md, .txt, .html, .org) are taken in
sorted path order, each a step of the growth curve; K and beta are the
least-squares line through log V against log N at 40 points spaced evenly in
log N over the last decade of the posts (from the post a tenth of the way in
to the last: the slope where the set ends, which is the one to carry on past
its size; over the first posts nearly every word is new). Prints posts, words (N),
distinct words (V), K and beta; with --json, one JSON object.
"""
import json
import math
import os
import re
import sys

WORD = re.compile(r"[^\W\d_]+")
URL = re.compile(r"(?:https?|ftp)://\S+|<[^<>\s]+>|[\w.+-]+@[\w-]+\.[\w.-]+")
EXTS = (".rst", ".md", ".markdown", ".txt", ".html", ".org")


def post_files(dirs):
    paths = []
    for top in dirs:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            paths.extend(os.path.join(dirpath, n) for n in filenames
                         if n.endswith(EXTS) and n != "CORPUS.info")
    paths.sort()
    return paths


def words_of(text):
    """The words of a text (str), as this file defines them."""
    return WORD.findall(URL.sub(" ", text.lower()))


def growth(paths):
    """Returns [(N, V)] after each file, and the number of files read."""
    seen = set()
    n = 0
    curve = []
    for p in paths:
        with open(p, "rb") as f:
            words = words_of(f.read().decode("utf-8", "replace"))
        n += len(words)
        seen.update(words)
        curve.append((n, len(seen)))
    return curve


def fit(curve, points=40):
    """K and beta of V = K N^beta through `points` points of the curve's last
    decade of posts, spaced evenly in log N."""
    pts = [(n, v) for n, v in curve[len(curve) // 10:] if n > 0 and v > 0]
    if len(pts) < 2:
        return float("nan"), float("nan")
    lo, hi = math.log(pts[0][0]), math.log(pts[-1][0])
    chosen = []
    j = 0
    for i in range(points):
        target = lo + (hi - lo) * i / (points - 1)
        while j < len(pts) - 1 and math.log(pts[j][0]) < target:
            j += 1
        if not chosen or chosen[-1] != pts[j]:
            chosen.append(pts[j])
    xs = [math.log(n) for n, _ in chosen]
    ys = [math.log(v) for _, v in chosen]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return float("nan"), float("nan")
    beta = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    return math.exp(my - beta * mx), beta


def main():
    args = sys.argv[1:]
    as_json = "--json" in args
    dirs = [a for a in args if a != "--json"]
    if not dirs:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    paths = post_files(dirs)
    curve = growth(paths)
    k, beta = fit(curve)
    n, v = curve[-1] if curve else (0, 0)
    out = {"posts": len(paths), "words": n, "distinct_words": v,
           "heaps_k": round(k, 3), "heaps_beta": round(beta, 4)}
    if as_json:
        print(json.dumps(out))
    else:
        print(f"{len(paths)} posts, {n} words, {v} distinct; V = {k:.2f} * N^{beta:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
