#!/usr/bin/env python3
"""Score a search run against the blogsearch relevance set.

Usage:
    python3 tests/relevance/score.py RUNFILE [--qrels PATH] [--queries PATH] [--per-query]
    python3 tests/relevance/score.py --self-test

RUNFILE is TREC-like, one result per line, tab-separated:
    qid <TAB> rank <TAB> slug [<TAB> anything else ...]
Ranks start at 1. Lines that are empty or start with '#' are ignored, and so is
everything after the slug column.

Metrics, per query:
  * nDCG@10: gain = judged grade (0 when the post is not judged), discount
    log2(position + 1), ideal DCG built from all judged posts of the query.
  * RR: 1 / position of the first result with grade >= 2 (0 if none), at any depth.
Means are taken over ALL queries of queries.tsv; a query missing from the run
scores 0. Standard library only.
"""

import argparse
import math
import os
import sys
import unicodedata
from collections import OrderedDict, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_QRELS = os.path.join(HERE, "qrels.tsv")
DEFAULT_QUERIES = os.path.join(HERE, "queries.tsv")

NDCG_DEPTH = 10
RR_MIN_GRADE = 2


def norm_slug(slug):
    """Slugs are compared after Unicode NFC normalisation (one corpus slug is NFD)."""
    return unicodedata.normalize("NFC", slug.strip())


def warn(msg):
    print("score.py: warning: " + msg, file=sys.stderr)


def _data_lines(path):
    """Yield (line_number, stripped line) for non-empty, non-comment lines."""
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            yield n, line


def load_queries(path):
    """Return an OrderedDict qid -> (kind, query text), in file order."""
    queries = OrderedDict()
    for n, line in _data_lines(path):
        cols = line.split("\t")
        if cols[0] == "qid":  # header
            continue
        if len(cols) < 3:
            warn("%s:%d: expected qid<TAB>kind<TAB>query, skipped" % (path, n))
            continue
        qid, kind, text = cols[0].strip(), cols[1].strip(), cols[2].strip()
        if qid in queries:
            warn("%s:%d: duplicate qid %s, skipped" % (path, n, qid))
            continue
        queries[qid] = (kind, text)
    return queries


def load_qrels(path):
    """Return dict qid -> {slug: grade}."""
    qrels = defaultdict(dict)
    for n, line in _data_lines(path):
        cols = line.split("\t")
        if cols[0] == "qid":  # header
            continue
        if len(cols) < 3:
            warn("%s:%d: expected qid<TAB>slug<TAB>grade, skipped" % (path, n))
            continue
        try:
            grade = int(cols[2])
        except ValueError:
            warn("%s:%d: grade is not an integer, skipped" % (path, n))
            continue
        qrels[cols[0].strip()][norm_slug(cols[1])] = grade
    return dict(qrels)


def load_run(path):
    """Return dict qid -> list of slugs, ordered by rank (duplicates dropped)."""
    rows = defaultdict(list)
    for n, line in _data_lines(path):
        cols = line.split("\t")
        if len(cols) < 3:
            cols = line.split()
        if len(cols) < 3:
            warn("%s:%d: expected qid<TAB>rank<TAB>slug, skipped" % (path, n))
            continue
        qid, rank, slug = cols[0].strip(), cols[1].strip(), norm_slug(cols[2])
        try:
            rank = int(rank)
        except ValueError:
            warn("%s:%d: rank is not an integer, skipped" % (path, n))
            continue
        rows[qid].append((rank, n, slug))
    run = {}
    for qid, items in rows.items():
        items.sort()  # by rank, then by line order for ties
        seen, slugs = set(), []
        for _, _, slug in items:
            if slug not in seen:
                seen.add(slug)
                slugs.append(slug)
        run[qid] = slugs
    return run


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked, judged, depth=NDCG_DEPTH):
    ideal = sorted((g for g in judged.values() if g > 0), reverse=True)[:depth]
    idcg = dcg(ideal)
    if idcg <= 0:
        return 0.0
    gains = [max(judged.get(slug, 0), 0) for slug in ranked[:depth]]
    return dcg(gains) / idcg


def reciprocal_rank(ranked, judged, min_grade=RR_MIN_GRADE):
    for i, slug in enumerate(ranked, 1):
        if judged.get(slug, 0) >= min_grade:
            return 1.0 / i
    return 0.0


def evaluate(queries, qrels, run):
    """Return (per_query list of (qid, kind, ndcg, rr, found), summary dict)."""
    per_query = []
    for qid, (kind, _text) in queries.items():
        judged = qrels.get(qid, {})
        if not judged:
            warn("query %s has no judgments; it scores 0" % qid)
        ranked = run.get(qid, [])
        n = ndcg_at(ranked, judged)
        r = reciprocal_rank(ranked, judged)
        per_query.append((qid, kind, n, r, qid in run))
    by_kind = OrderedDict()
    for qid, kind, n, r, _ in per_query:
        by_kind.setdefault(kind, []).append((n, r))
    count = len(per_query)
    summary = {
        "queries": count,
        "ndcg": sum(p[2] for p in per_query) / count if count else 0.0,
        "mrr": sum(p[3] for p in per_query) / count if count else 0.0,
        "kinds": OrderedDict(
            (k, (len(v), sum(x[0] for x in v) / len(v), sum(x[1] for x in v) / len(v)))
            for k, v in by_kind.items()
        ),
    }
    return per_query, summary


def report(per_query, summary, run, queries, show_per_query):
    missing = [q for q in queries if q not in run]
    unknown = sorted(q for q in run if q not in queries)
    if unknown:
        warn("run has %d qid(s) not in queries.tsv, ignored: %s"
             % (len(unknown), " ".join(unknown[:10])))
    if show_per_query:
        print("qid\tkind\tnDCG@10\tRR\tquery")
        for qid, kind, n, r, found in per_query:
            note = "" if found else "\t(not in run)"
            print("%s\t%s\t%.4f\t%.4f\t%s%s" % (qid, kind, n, r, queries[qid][1], note))
        print()
    print("queries: %d (missing from run: %d)" % (summary["queries"], len(missing)))
    print("nDCG@10: %.4f" % summary["ndcg"])
    print("MRR:     %.4f   (first result with grade >= %d)" % (summary["mrr"], RR_MIN_GRADE))
    print()
    print("%-12s %4s %9s %8s" % ("kind", "n", "nDCG@10", "MRR"))
    for kind, (cnt, n, r) in summary["kinds"].items():
        print("%-12s %4d %9.4f %8.4f" % (kind, cnt, n, r))


def self_test():
    """Check the metric code on tiny hand-computed examples."""
    passed = failed = 0

    def check(name, got, want, tol=1e-6):
        nonlocal passed, failed
        if abs(got - want) <= tol:
            passed += 1
        else:
            failed += 1
            print("FAIL %s: got %.6f, want %.6f" % (name, got, want), file=sys.stderr)

    # Judgments: a=3, b=2, d=1, e=0 (judged non-relevant); c is not judged.
    judged = {"a": 3, "b": 2, "d": 1, "e": 0}
    # Run c, a, d, b:
    #   DCG  = 0/log2(2) + 3/log2(3) + 1/log2(4) + 2/log2(5)
    #        = 0 + 1.892789 + 0.500000 + 0.861353 = 3.254142
    #   IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
    #   nDCG = 3.254142 / 4.761860 = 0.683376
    #   RR   = first grade >= 2 is "a" at position 2 -> 0.5
    check("dcg", dcg([0, 3, 1, 2]), 3.254142)
    check("ndcg", ndcg_at(["c", "a", "d", "b"], judged), 0.683376)
    check("rr", reciprocal_rank(["c", "a", "d", "b"], judged), 0.5)
    # Perfect ranking gives 1.0.
    check("ndcg perfect", ndcg_at(["a", "b", "d"], judged), 1.0)
    check("rr perfect", reciprocal_rank(["a", "b", "d"], judged), 1.0)
    # A grade-1 post does not count for RR; b at position 3 -> 1/3.
    check("rr grade1 skipped", reciprocal_rank(["d", "e", "b"], judged), 1.0 / 3)
    # Nothing relevant: both 0.
    check("ndcg none", ndcg_at(["c", "e"], judged), 0.0)
    check("rr none", reciprocal_rank(["c", "e", "d"], judged), 0.0)
    # Cut-off at 10: "a" at position 11 adds nothing to nDCG@10, but RR sees it.
    deep = ["x%d" % i for i in range(10)] + ["a"]
    check("ndcg cutoff", ndcg_at(deep, judged), 0.0)
    check("rr deep", reciprocal_rank(deep, judged), 1.0 / 11)
    # Ideal DCG uses only the top 10 judged posts: 12 posts of grade 1, run the
    # first 10 of them in any order -> nDCG 1.0.
    many = {"p%d" % i: 1 for i in range(12)}
    check("ndcg ideal top10", ndcg_at(["p%d" % i for i in range(10)], many), 1.0)

    # End to end: two queries of different kinds, one missing from the run.
    queries = OrderedDict([("q1", ("k1", "first")), ("q2", ("k2", "second"))])
    qrels = {"q1": judged, "q2": {"z": 3}}
    run = {"q1": ["c", "a", "d", "b"]}
    per_query, summary = evaluate(queries, qrels, run)
    check("mean ndcg", summary["ndcg"], 0.683376 / 2)
    check("mean mrr", summary["mrr"], 0.25)
    check("kind k1 ndcg", summary["kinds"]["k1"][1], 0.683376)
    check("kind k2 mrr", summary["kinds"]["k2"][2], 0.0)

    # Run parsing: comments, extra columns, rank order, duplicate slugs.
    import tempfile
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".run",
                                     delete=False) as f:
        f.write("# comment\nq1\t2\ta\textra\t1.5\nq1\t1\tc\nq1\t3\tc\nq1\t4\td\n\n")
        tmp = f.name
    try:
        parsed = load_run(tmp)
    finally:
        os.unlink(tmp)
    check("parse order", 1.0 if parsed.get("q1") == ["c", "a", "d"] else 0.0, 1.0)

    print("score.py self-test: %d passed, %d failed" % (passed, failed))
    return failed == 0


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Score a blogsearch run (qid<TAB>rank<TAB>slug) with nDCG@10 and MRR.")
    ap.add_argument("runfile", nargs="?", help="run file: qid<TAB>rank<TAB>slug per line")
    ap.add_argument("--qrels", default=DEFAULT_QRELS, help="judgments (default: %(default)s)")
    ap.add_argument("--queries", default=DEFAULT_QUERIES, help="queries (default: %(default)s)")
    ap.add_argument("--per-query", action="store_true", help="print one line per query")
    ap.add_argument("--self-test", action="store_true", help="check the metric code and exit")
    args = ap.parse_args(argv)

    if args.self_test:
        return 0 if self_test() else 1
    if not args.runfile:
        ap.error("RUNFILE is required (or use --self-test)")
    for path in (args.runfile, args.qrels, args.queries):
        if not os.path.isfile(path):
            ap.error("no such file: %s" % path)

    queries = load_queries(args.queries)
    qrels = load_qrels(args.qrels)
    run = load_run(args.runfile)
    per_query, summary = evaluate(queries, qrels, run)
    report(per_query, summary, run, queries, args.per_query)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into head
        try:
            sys.stdout = None
        finally:
            os._exit(0)
