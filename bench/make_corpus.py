#!/usr/bin/python3
"""make_corpus.py: builds a scaled corpus of N Nikola posts from the real ones
(rf-web), for indexing benchmarks. Deterministic: a fixed seed, the same files
for the same N. It never writes into the repository except under bench/out/
(ignored by git): the real posts must not be copied into the project.

Usage: /usr/bin/python3 bench/make_corpus.py N OUTDIR [--source DIR]
                                  [--vocab hunspell|source]

Each generated post keeps one real post's header lines (their keys, order and
values) with a new title (the original plus a number), a unique slug and a
date drawn from 2005-2024, written in that post's own date format. Its body is
part of the real post's paragraphs, in order, plus a run of paragraphs from
one or two other posts, cut so the body is about as long as the original's:
sizes, markup and vocabulary stay those of real posts. Files go in OUTDIR/000/,
OUTDIR/001/, ... (1,000 files each) as <slug>.rst; OUTDIR/CORPUS.info records
N, seed, source, vocabulary and total bytes, and a run that finds the same
there does nothing.

The vocabulary grows as real text's does (--vocab hunspell, the default):
the real posts alone hold some 47,000 distinct words, which a corpus made of
them would repeat at any size, where a real site of 10^6 posts has millions.
Heaps' law, V = K * N^beta (V distinct words among N words), is fitted on
the source posts themselves (bench/vocab.py: its definition of a word, and
the fit over their last decade, carried through the source's own end
point); each generated post then replaces words of
its prose (plain words of paragraphs and list items: never in a header,
directive, indented block or `quoted` span) with new ones until the corpus's
distinct words reach K * N^beta, and as many more with words already brought
in, each picked in proportion to how often it was (so their frequencies have
the long tail of real text's). New words are word forms of Debian's Russian
and English hunspell dictionaries (hunspell-ru, hunspell-en-us, expanded
with unmunch from hunspell-tools), in a fixed shuffled order, Russian or
English in the source's proportion of Cyrillic to Latin words; past the
1.4 million forms, two forms joined into a compound. --vocab source makes
the corpus of the source's words alone (the corpus before this option).
"""
import argparse
import datetime
import os
import random
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import vocab  # noqa: E402  (bench/vocab.py: what a word is, the Heaps fit)

SEED = 20261126
PER_DIR = 1000
DATE_FIRST = datetime.datetime(2005, 1, 1)
DATE_SPAN = int((datetime.datetime(2025, 1, 1) - DATE_FIRST).total_seconds())
HEADER_LINE = re.compile(rb"^\.\. ([A-Za-z_]+):(.*)$")
DICTS = {"ru": "/usr/share/hunspell/ru_RU", "en": "/usr/share/hunspell/en_US"}
DICT_PACKAGES = ("hunspell-ru", "hunspell-en-us", "hunspell-tools")
# a prose word that may be replaced: letters only, maybe an opening bracket
# or quote before and punctuation after
PLAIN_WORD = re.compile(r"^([(«\"]?)([^\W\d_]+)([.,;:!?)»\"]*)$")
MIX_VERSION = 1  # in CORPUS.info: a change to how words are mixed in regenerates
NEW_SHARE_MAX = 0.5  # new and reused words: at most this share of a post's replaceable words


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


def source_posts(source):
    paths = []
    for dirpath, dirnames, filenames in os.walk(source):
        dirnames.sort()
        paths.extend(os.path.join(dirpath, n) for n in filenames if n.endswith(".rst"))
    paths.sort()
    return paths


def load_source(source):
    posts = [read_post(p) for p in source_posts(source)]
    return [p for p in posts if p.units]


def safe_slug(slug):
    """A slug as a file name: no path separators, at most 200 bytes, cut at a
    UTF-8 character boundary."""
    slug = slug.replace(b"/", b"-").replace(b"\0", b"") or b"post"
    if len(slug) > 200:
        slug = slug[:200].decode("utf-8", "ignore").encode("utf-8")
    return slug


def make_post(rng, i, base, donors, new_words=None, mix_rng=None):
    """Returns (slug, bytes) of generated post number i; with new_words (a
    NewWords), its prose takes new words, drawn with mix_rng."""
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
    head = b"\n".join(header)
    if new_words:
        body = new_words.mix(mix_rng, head, body)
    return slug, head + b"\n\n" + body


def unmunch(lang, cache):
    """The word forms of a hunspell dictionary, one a line, expanded once
    into cache/LANG.words."""
    out = os.path.join(cache, lang + ".words")
    if not os.path.exists(out):
        base = DICTS[lang]
        os.makedirs(cache, exist_ok=True)
        with open(out + ".tmp", "wb") as f:
            subprocess.run(["unmunch", base + ".dic", base + ".aff"], stdout=f,
                           stderr=subprocess.DEVNULL, check=True)
        os.replace(out + ".tmp", out)
    with open(out, encoding="utf-8", errors="replace") as f:
        return [w for w in f.read().split("\n") if w]


class NewWords:
    """The words a generated corpus adds to its source's: Heaps' law fitted
    on the source, the dictionaries' forms in a fixed order, and every new
    word brought in so far (for the words used again)."""

    def __init__(self, rng, source_paths, cache):
        curve = vocab.growth(source_paths)
        self.k_fit, self.beta = vocab.fit(curve)
        seen = set()
        for p in source_paths:
            with open(p, "rb") as f:
                seen.update(vocab.words_of(f.read().decode("utf-8", "replace")))
        # the fitted slope through the source's own end point (N, V): the
        # fitted line itself passes below it, the source's last posts
        # bringing more new words than its earlier ones
        self.k = len(seen) / curve[-1][0] ** self.beta
        latin = sum(1 for w in seen if w.isascii())
        self.p_en = latin / max(1, len(seen))
        self.pools = {}
        for lang in ("ru", "en"):
            forms, keys = [], set()
            for w in unmunch(lang, cache):
                key = w.lower()
                # one spelling a word (lower case), and only words of letters
                if key in keys or key in seen or not vocab.WORD.fullmatch(key):
                    continue
                keys.add(key)
                forms.append(w)
            rng.shuffle(forms)
            self.pools[lang] = forms
        self.next = {"ru": 0, "en": 0}
        self.brought = []  # every new word's use, so a pick is by frequency
        self.words = 0     # N: words in the posts so far
        self.distinct = set()

    def fresh(self, rng):
        lang = "en" if rng.random() < self.p_en else "ru"
        pool = self.pools[lang]
        i = self.next[lang]
        self.next[lang] += 1
        if i < len(pool):
            return pool[i]
        # past the dictionary: a compound of two forms, each index pair once
        i -= len(pool)
        a, b = pool[i % len(pool)], pool[(i // len(pool) + 1 + i) % len(pool)]
        return a + b.lower()

    def mix(self, rng, header, body):
        """body (bytes) with words replaced; counts the post's words (of
        header and body, as bench/vocab.py reads a file)."""
        lines = body.split(b"\n")
        spots = []  # (line, word index) of the replaceable words
        split_lines = {}
        for li, line in enumerate(lines):
            if not line or line[:1] in (b" ", b"\t") or line.startswith(b".."):
                continue
            text = line.decode("utf-8", "replace")
            if text[:1] in ("|", "+", "=", "-") and text.strip(text[0] + " ") == "":
                continue  # a table's or a heading's rule
            if text.startswith("|"):
                continue  # a table row, a line block
            parts = text.split(" ")
            split_lines[li] = parts
            inside = False  # within a `...` span: a link, a role's text, code
            for wi, p in enumerate(parts):
                ticks = p.count("`")
                if not inside and not ticks and "|" not in p and PLAIN_WORD.match(p):
                    spots.append((li, wi))
                inside ^= ticks % 2 == 1
        head = vocab.words_of(header.decode("utf-8", "replace"))
        words = head + vocab.words_of(body.decode("utf-8", "replace"))
        after = self.words + len(words)
        target = self.k * after ** self.beta
        have = len(self.distinct) + len(set(words) - self.distinct)
        new = max(0, min(int(round(target - have)), int(len(spots) * NEW_SHARE_MAX / 2)))
        again = min(new, len(self.brought))
        if new:
            picks = rng.sample(spots, new + again)
            for n, (li, wi) in enumerate(picks):
                if n < new:
                    w = self.fresh(rng)
                else:
                    w = self.brought[rng.randrange(len(self.brought))]
                self.brought.append(w)
                m = PLAIN_WORD.match(split_lines[li][wi])
                split_lines[li][wi] = m.group(1) + w + m.group(3)
            for li, parts in split_lines.items():
                lines[li] = " ".join(parts).encode("utf-8")
            body = b"\n".join(lines)
            words = head + vocab.words_of(body.decode("utf-8", "replace"))
        self.words += len(words)
        self.distinct.update(words)
        return body


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
    ap.add_argument("--vocab", choices=("hunspell", "source"), default="hunspell",
                    help="hunspell (default): new words as real text brings them; "
                    "source: the source posts' words only")
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

    vocab_id = args.vocab
    if args.vocab == "hunspell":
        missing = [d + ext for d in DICTS.values() for ext in (".dic", ".aff")
                   if not os.path.exists(d + ext)]
        if missing or not shutil.which("unmunch"):
            print(f"make_corpus.py: --vocab hunspell needs the Debian packages "
                  f"{' '.join(DICT_PACKAGES)} (tools/install-deps.sh bench); "
                  f"or use --vocab source", file=sys.stderr)
            return 2
        vocab_id += f" mix {MIX_VERSION} " + subprocess.run(
            ["dpkg-query", "-W", "-f=${Package}=${Version} ", *DICT_PACKAGES],
            capture_output=True, text=True).stdout.strip()
    stamp_path = os.path.join(outdir, "CORPUS.info")
    old = read_stamp(stamp_path)
    if (old.get("n") == str(args.n) and old.get("seed") == str(SEED)
            and old.get("source") == source and old.get("vocab", "source") == vocab_id):
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
    new_words = mix_rng = None
    if args.vocab == "hunspell":
        # its own generator, so the posts' headers and paragraphs are those
        # of --vocab source, and only the new words differ
        mix_rng = random.Random(SEED + 1)
        new_words = NewWords(mix_rng, source_posts(source),
                             os.path.join(top, "bench", "out", "hunspell"))
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
        slug, data = make_post(rng, i, posts[b], donors, new_words, mix_rng)
        sub = os.path.join(outdir, str(i // PER_DIR).zfill(width))
        if i % PER_DIR == 0:
            os.makedirs(sub, exist_ok=True)
        with open(os.path.join(os.fsencode(sub), slug + b".rst"), "wb") as f:
            f.write(data)
        total += len(data)

    with open(stamp_path + ".tmp", "w", encoding="utf-8") as f:
        f.write("# scaled corpus made by bench/make_corpus.py; regenerated when n, seed, "
                "source or vocabulary change\n")
        f.write(f"n: {args.n}\nseed: {SEED}\nsource: {source}\nvocab: {vocab_id}\n")
        if new_words:
            f.write(f"heaps fit of the source: K {new_words.k_fit:.3f} beta {new_words.beta:.4f}; "
                    f"target V = {new_words.k:.3f} * N^{new_words.beta:.4f}\n")
            f.write(f"words: {new_words.words}\ndistinct words: {len(new_words.distinct)}\n")
            f.write(f"new words: {new_words.next['ru']} ru, {new_words.next['en']} en "
                    f"(dictionary forms {len(new_words.pools['ru'])} ru, "
                    f"{len(new_words.pools['en'])} en)\n")
        f.write(f"source posts: {len(posts)}\nbytes: {total}\n")
    os.replace(stamp_path + ".tmp", stamp_path)
    print(f"make_corpus.py: {args.n} posts, {total} bytes "
          f"({total / args.n:.0f} per post) in {args.outdir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
