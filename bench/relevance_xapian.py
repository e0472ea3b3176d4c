#!/usr/bin/python3
"""Xapian BM25 baseline for the blogsearch relevance comparison.

Indexes the rf-web posts with Xapian the way a competent Xapian user would
for a Russian blog, runs every query of tests/relevance/queries.tsv against
that index and writes a run file (qid<TAB>rank<TAB>slug, rank from 1) that
tests/relevance/score.py can score beside blogsearch's own run.

Usage (from the repository root; Debian's python3-xapian, hence /usr/bin/python3,
not a pyenv python3 that lacks the xapian module):

    /usr/bin/python3 bench/relevance_xapian.py [--corpus DIR] [--queries PATH]
        [--out RUNFILE] [--db DIR] [--k N] [--op or|and]

Defaults: --corpus ../shared/corpus/rf-web (relative to the repository root),
--queries tests/relevance/queries.tsv, --out bench/out/xapian-run.tsv,
--db bench/out/xapian-relevance-db, --k 10, --op or. The index is rebuilt
from scratch on every run (about 1,355 posts, a few seconds).

Indexing (one document per post in content/ and posts/; stories/ ignored):
  - TermGenerator, Stem("russian"), default STEM_SOME, positions on;
  - title: index_text(title, 2) unprefixed and index_text(title, 1, "S");
  - tags (comma-separated) and category: prefix "K" and unprefixed, wdf 1;
  - body: the text after the header's blank line, raw reStructuredText,
    except that link targets are removed: `<https?://...>` URLs and site-
    internal `</content/...>`-style targets (so URL and slug fragments do
    not become words), and the `_`/`__` markers that end RST links;
  - increase_termpos() between fields, so phrases do not span fields;
  - document data: the slug; unique id term: "Q" + slug.
  The description field is not indexed (almost always empty in rf-web).

Searching: QueryParser with Stem("russian"), STEM_SOME, default operator
OP_OR (Xapian's default; BM25 ranks posts matching more terms higher) or
OP_AND with --op and, flags FLAG_DEFAULT (FLAG_CJK_NGRAM off), no stopper;
prefixes title: -> S and tag: -> K are declared as a Xapian user would.
Enquire with the default BM25Weight, top --k documents per query.

Python standard library plus xapian only; no network.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from nikola_header import parse_post

try:
    import xapian
except ImportError:
    sys.exit("relevance_xapian: cannot import xapian; run it with Debian's "
             "/usr/bin/python3 and install python3-xapian "
             "(apt-get install -y python3-xapian)")

REPO = Path(__file__).resolve().parent.parent
POST_DIRS = ("content", "posts")

# Link targets in the body: absolute URLs, and site-internal targets such as
# `text </content/memfd-в-ядре/>`_ (a path starting with "/").
URL_TARGET_RE = re.compile(r"<https?://[^>]*>")
LOCAL_TARGET_RE = re.compile(r"<(?:/[^>\s]*)>")
# The `_ or `__ that closes an RST hyperlink reference.
LINK_END_RE = re.compile(r"`__?(?![\w])")


def clean_body(body):
    body = URL_TARGET_RE.sub(" ", body)
    body = LOCAL_TARGET_RE.sub(" ", body)
    return LINK_END_RE.sub("`", body)


def find_posts(corpus):
    files = []
    for d in POST_DIRS:
        p = corpus / d
        if p.is_dir():
            files.extend(sorted(p.rglob("*.rst")))
    return files


def build_index(corpus, dbdir):
    files = find_posts(corpus)
    if not files:
        sys.exit("relevance_xapian: no posts (*.rst) under %s/{%s}"
                 % (corpus, ",".join(POST_DIRS)))
    dbdir.parent.mkdir(parents=True, exist_ok=True)
    db = xapian.WritableDatabase(str(dbdir), xapian.DB_CREATE_OR_OVERWRITE)
    tg = xapian.TermGenerator()
    tg.set_stemmer(xapian.Stem("russian"))
    # Default stemming strategy (STEM_SOME) and flags (no CJK n-grams).
    seen = {}
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            sys.exit("relevance_xapian: cannot read %s: %s" % (path, e))
        fields, body = parse_post(text)
        slug = fields.get("slug") or path.stem
        if slug in seen:
            print("relevance_xapian: warning: slug %r in %s and %s; "
                  "the later one wins" % (slug, seen[slug], path),
                  file=sys.stderr)
        seen[slug] = path
        title = fields.get("title", "")
        tags = [t.strip() for t in fields.get("tags", "").split(",") if t.strip()]
        category = fields.get("category", "")

        doc = xapian.Document()
        tg.set_document(doc)
        tg.index_text(title, 2)
        tg.increase_termpos()
        tg.index_text(title, 1, "S")
        for kw in tags + ([category] if category else []):
            tg.increase_termpos()
            tg.index_text(kw, 1, "K")
            tg.increase_termpos()
            tg.index_text(kw)
        tg.increase_termpos()
        tg.index_text(clean_body(body))
        doc.set_data(slug)
        idterm = "Q" + slug
        doc.add_boolean_term(idterm)
        db.replace_document(idterm, doc)
    db.commit()
    n = db.get_doccount()
    db.close()
    return n


def read_queries(path):
    """queries.tsv: header `qid<TAB>kind<TAB>query`, then one query a line.
    Blank lines and lines starting with '#' are skipped."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        sys.exit("relevance_xapian: queries file %s does not exist "
                 "(expected a TSV with header qid<TAB>kind<TAB>query)" % path)
    except (OSError, UnicodeDecodeError) as e:
        sys.exit("relevance_xapian: cannot read %s: %s" % (path, e))
    rows = [l.rstrip("\r") for l in raw.split("\n")]
    rows = [l for l in rows if l.strip() and not l.lstrip().startswith("#")]
    if not rows:
        sys.exit("relevance_xapian: %s is empty" % path)
    header = [h.strip().lower() for h in rows[0].split("\t")]
    if "qid" not in header or "query" not in header:
        sys.exit("relevance_xapian: %s: the first line must be a header with "
                 "columns qid and query (qid<TAB>kind<TAB>query), got %r"
                 % (path, rows[0]))
    qi, ti = header.index("qid"), header.index("query")
    queries = []
    for n, line in enumerate(rows[1:], 2):
        cols = line.split("\t")
        if len(cols) <= max(qi, ti):
            sys.exit("relevance_xapian: %s: line %d has %d columns, "
                     "expected %d" % (path, n, len(cols), len(header)))
        # The query is the last column: keep any tab inside it.
        q = "\t".join(cols[ti:]) if ti == len(header) - 1 else cols[ti]
        queries.append((cols[qi].strip(), q.strip()))
    return queries


def search(dbdir, queries, out, k, op):
    db = xapian.Database(str(dbdir))
    qp = xapian.QueryParser()
    qp.set_stemmer(xapian.Stem("russian"))
    qp.set_stemming_strategy(xapian.QueryParser.STEM_SOME)
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND if op == "and" else xapian.Query.OP_OR)
    qp.add_prefix("title", "S")
    qp.add_prefix("tag", "K")
    flags = xapian.QueryParser.FLAG_DEFAULT  # CJK n-grams left off
    enq = xapian.Enquire(db)  # default weighting: BM25Weight()
    out.parent.mkdir(parents=True, exist_ok=True)
    empty = 0
    with out.open("w", encoding="utf-8") as f:
        for qid, text in queries:
            try:
                query = qp.parse_query(text, flags)
            except xapian.QueryParserError:
                query = qp.parse_query(text, 0)
            enq.set_query(query)
            mset = enq.get_mset(0, k)
            if mset.empty():
                empty += 1
            for rank, m in enumerate(mset, 1):
                f.write("%s\t%d\t%s\n"
                        % (qid, rank, m.document.get_data().decode("utf-8")))
    db.close()
    return empty


def main():
    ap = argparse.ArgumentParser(
        description="Xapian BM25 baseline run for the relevance comparison.")
    ap.add_argument("--corpus", type=Path,
                    default=REPO.parent / "shared" / "corpus" / "rf-web",
                    help="Nikola corpus with content/ and posts/ "
                         "(default: ../shared/corpus/rf-web from the repo root)")
    ap.add_argument("--queries", type=Path,
                    default=REPO / "tests" / "relevance" / "queries.tsv",
                    help="queries TSV (default: tests/relevance/queries.tsv)")
    ap.add_argument("--out", type=Path,
                    default=REPO / "bench" / "out" / "xapian-run.tsv",
                    help="run file to write (default: bench/out/xapian-run.tsv)")
    ap.add_argument("--db", type=Path,
                    default=REPO / "bench" / "out" / "xapian-relevance-db",
                    help="Xapian database directory, rebuilt on every run "
                         "(default: bench/out/xapian-relevance-db)")
    ap.add_argument("--k", type=int, default=10,
                    help="results per query (default: 10)")
    ap.add_argument("--op", choices=("or", "and"), default="or",
                    help="default query operator (default: or, Xapian's own)")
    args = ap.parse_args()
    if args.k < 1:
        ap.error("--k must be at least 1")
    if not args.corpus.is_dir():
        sys.exit("relevance_xapian: corpus directory %s does not exist "
                 "(see --corpus)" % args.corpus)
    if not any((args.corpus / d).is_dir() for d in POST_DIRS):
        sys.exit("relevance_xapian: %s has neither content/ nor posts/; "
                 "is it the rf-web corpus?" % args.corpus)
    queries = read_queries(args.queries)  # fail early, before indexing
    if not queries:
        sys.exit("relevance_xapian: %s has no queries after its header"
                 % args.queries)

    t0 = time.monotonic()
    ndocs = build_index(args.corpus, args.db)
    t1 = time.monotonic()
    empty = search(args.db, queries, args.out, args.k, args.op)
    t2 = time.monotonic()
    print("xapian %s: %d documents indexed in %.1f s, %d queries run in %.2f s "
          "(top %d, op %s), %d with no result -> %s"
          % (xapian.version_string(), ndocs, t1 - t0, len(queries), t2 - t1,
             args.k, args.op.upper(), empty, args.out))

    score = REPO / "tests" / "relevance" / "score.py"
    if score.is_file():
        r = subprocess.run([sys.executable, str(score), str(args.out)],
                           cwd=str(REPO), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        if r.returncode != 0:
            print("relevance_xapian: %s exited with %d"
                  % (score, r.returncode), file=sys.stderr)
            return r.returncode
    else:
        print("(%s not found; run not scored)" % score.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
