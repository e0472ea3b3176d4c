#!/usr/bin/python3
"""make_corpus.py: builds a scaled corpus of N Nikola posts from the real ones
(rf-web), for indexing benchmarks. Deterministic: a fixed seed, the same files
for the same N. It never writes into the repository except under bench/out/
(ignored by git): the real posts must not be copied into the project.

Usage: /usr/bin/python3 bench/make_corpus.py N OUTDIR [--source DIR]

Each generated post keeps one real post's header lines (their keys, order and
values) with a new title (the original plus a number), a unique slug and a
date drawn from 2005-2024, written in that post's own date format. Its body is
part of the real post's paragraphs, in order, plus a run of paragraphs from
one or two other posts, cut so the body is about as long as the original's:
sizes, markup and vocabulary stay those of real posts. Files go in OUTDIR/000/,
OUTDIR/001/, ... (1,000 files each) as <slug>.rst; OUTDIR/CORPUS.info records
N, seed, source and total bytes, and a run that finds the same N, seed and
source there does nothing.
"""
import argparse
import datetime
import os
import random
import re
import shutil
import sys

SEED = 20261126
PER_DIR = 1000
DATE_FIRST = datetime.datetime(2005, 1, 1)
DATE_SPAN = int((datetime.datetime(2025, 1, 1) - DATE_FIRST).total_seconds())
HEADER_LINE = re.compile(rb"^\.\. ([A-Za-z_]+):(.*)$")


def repo_root():
    return os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def is_under(path, top):
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


class Post:
    """One real post: its header lines (bytes, without newline), the values of
    title/slug/date, and its body cut in units (see split_units)."""

    __slots__ = ("header", "title", "slug", "utc", "units", "body_len")

    def __init__(self, header, units):
        self.header = header
        fields = {}
        for line in header:
            m = HEADER_LINE.match(line)
            if m:
                fields[m.group(1)] = m.group(2).strip()
        self.title = fields.get(b"title", b"")
        self.slug = fields.get(b"slug", b"")
        self.utc = b"UTC" in fields.get(b"date", b"")
        self.units = units
        self.body_len = sum(len(u) for u in units)


def split_units(body):
    """Cuts a body at blank lines. An indented block (directive content, a
    literal block, a list item's continuation) stays with the block before
    it, so a borrowed unit is never an orphaned indented fragment. Each unit
    keeps its trailing blank line, so units can be concatenated as they are."""
    units = []
    block = []
    for line in body.split(b"\n"):
        if line.strip():
            block.append(line)
            continue
        if block:
            text = b"\n".join(block) + b"\n\n"
            if units and block[0][:1] in (b" ", b"\t"):
                units[-1] += text
            else:
                units.append(text)
            block = []
    if block:
        text = b"\n".join(block) + b"\n\n"
        if units and block[0][:1] in (b" ", b"\t"):
            units[-1] += text
        else:
            units.append(text)
    return units


def read_post(path):
    with open(path, "rb") as f:
        data = f.read().replace(b"\r\n", b"\n")
    lines = data.split(b"\n")
    header = []
    i = 0
    while i < len(lines) and HEADER_LINE.match(lines[i]):
        header.append(lines[i])
        i += 1
    if header:
        i += 1  # the blank line after the header
    return Post(header, split_units(b"\n".join(lines[i:])))


def load_source(source):
    paths = []
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames.sort()
        paths.extend(os.path.join(dirpath, n) for n in filenames if n.endswith(".rst"))
    paths.sort()
    posts = [read_post(p) for p in paths]
    return [p for p in posts if p.units]


def safe_slug(slug):
    """A slug as a file name: no path separators, at most 200 bytes, cut at a
    UTF-8 character boundary."""
    slug = slug.replace(b"/", b"-").replace(b"\0", b"") or b"post"
    if len(slug) > 200:
        slug = slug[:200].decode("utf-8", "ignore").encode("utf-8")
    return slug


def make_post(rng, i, base, donors):
    """Returns (slug, bytes) of generated post number i."""
    stamp = DATE_FIRST + datetime.timedelta(seconds=rng.randrange(DATE_SPAN))
    date = stamp.strftime("%Y-%m-%d %H:%M:%S").encode()
    if base.utc:
        date += b" UTC+03:00"
    num = b"%d" % (i + 1)
    slug = safe_slug(base.slug) + b"-" + num
    title = base.title + b" " + num

    # The original's units in order, each after the first dropped with
    # probability 1 - keep; then fill up to the original body's length with
    # a run of consecutive units from each donor, inserted whole at a random
    # unit boundary. At least one borrowed unit in every post.
    keep = rng.uniform(0.45, 0.8)
    kept = [base.units[0]] + [u for u in base.units[1:] if rng.random() < keep]
    size = sum(len(u) for u in kept)
    target = base.body_len
    for d in donors:
        start = rng.randrange(len(d.units))
        run = []
        for u in d.units[start:]:
            # add a unit only while it brings the body closer to the target
            if (run or d is not donors[0]) and size + len(u) / 2 > target:
                break
            run.append(u)
            size += len(u)
        if run:
            at = rng.randint(1, len(kept))
            kept[at:at] = [b"".join(run)]

    header = []
    for line in base.header:
        m = HEADER_LINE.match(line)
        key = m.group(1) if m else None
        if key == b"title":
            line = b".. title: " + title
        elif key == b"slug":
            line = b".. slug: " + slug
        elif key == b"date":
            line = b".. date: " + date
        header.append(line)
    if not base.header:
        header = [b".. title: " + title, b".. slug: " + slug, b".. date: " + date,
                  b".. tags:", b".. category:", b".. link:", b".. description:",
                  b".. type: text"]
    body = b"".join(kept).rstrip(b"\n") + b"\n"
    return slug, b"\n".join(header) + b"\n\n" + body


def read_stamp(path):
    try:
        with open(path, encoding="utf-8") as f:
            return dict(line.rstrip("\n").split(": ", 1) for line in f
                        if ": " in line and not line.startswith("#"))
    except OSError:
        return {}


def main():
    top = repo_root()
    ap = argparse.ArgumentParser(description="Builds a scaled corpus of N Nikola posts.")
    ap.add_argument("n", type=int, metavar="N")
    ap.add_argument("outdir", metavar="OUTDIR")
    ap.add_argument("--source", default=os.path.join(top, "..", "shared", "corpus", "rf-web"))
    args = ap.parse_args()
    if args.n < 1:
        ap.error("N must be at least 1")
    source = os.path.realpath(args.source)
    outdir = os.path.realpath(args.outdir)
    if is_under(outdir, top) and not is_under(outdir, os.path.join(top, "bench", "out")):
        print(f"make_corpus.py: {args.outdir}: inside the repository; use bench/out/ "
              "or a directory outside it (the real posts must not enter the project)",
              file=sys.stderr)
        return 2
    if not os.path.isdir(source):
        print(f"make_corpus.py: {args.source}: no such directory", file=sys.stderr)
        return 2

    stamp_path = os.path.join(outdir, "CORPUS.info")
    old = read_stamp(stamp_path)
    if (old.get("n") == str(args.n) and old.get("seed") == str(SEED)
            and old.get("source") == source):
        print(f"make_corpus.py: {args.outdir} is up to date ({args.n} posts, "
              f"{old.get('bytes')} bytes)", file=sys.stderr)
        return 0

    posts = load_source(source)
    if len(posts) < 3:
        print(f"make_corpus.py: {args.source}: fewer than 3 posts", file=sys.stderr)
        return 2
    os.makedirs(outdir, exist_ok=True)
    # The stamp goes first and comes back last, so an interrupted run is
    # redone; only the numbered directories this script makes are removed.
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    for name in os.listdir(outdir):
        if name.isdigit() and os.path.isdir(os.path.join(outdir, name)):
            shutil.rmtree(os.path.join(outdir, name))

    rng = random.Random(SEED)
    width = max(3, len(str((args.n - 1) // PER_DIR)))
    order = []
    total = 0
    for i in range(args.n):
        if not order:  # every real post serves as a base once per cycle
            order = list(range(len(posts)))
            rng.shuffle(order)
        b = order.pop()
        donors = []
        ndonors = rng.randint(1, 2)
        while len(donors) < ndonors:
            d = rng.randrange(len(posts))
            if d != b and posts[d] not in donors:
                donors.append(posts[d])
        slug, data = make_post(rng, i, posts[b], donors)
        sub = os.path.join(outdir, str(i // PER_DIR).zfill(width))
        if i % PER_DIR == 0:
            os.makedirs(sub, exist_ok=True)
        with open(os.path.join(os.fsencode(sub), slug + b".rst"), "wb") as f:
            f.write(data)
        total += len(data)

    with open(stamp_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("# scaled corpus made by bench/make_corpus.py; regenerated when n, seed "
                "or source change\n")
        f.write(f"n: {args.n}\nseed: {SEED}\nsource: {source}\n")
        f.write(f"source posts: {len(posts)}\nbytes: {total}\n")
    os.replace(stamp_path + ".tmp", stamp_path)
    print(f"make_corpus.py: {args.n} posts, {total} bytes "
          f"({total / args.n:.0f} per post) in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
