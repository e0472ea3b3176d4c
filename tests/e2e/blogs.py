#!/usr/bin/env python3
"""blogs.py: real blogs read as their generators read them.

Indexes each blog under CORPUS (../shared/corpus/blogs: Hugo, Jekyll, Pelican,
Nikola, Zola trees no one here wrote) with the real blogsearch-index, then
checks, post by post, against what the generator would take:
- every file with a post's extension is indexed or skipped with a reason (-v),
  or lies in a directory skipped with one;
- title, tags, categories, date and slug equal what PyYAML (YAML front matter)
  or tomllib (TOML) read from the header, and the file-name rules give
  (Jekyll's YYYY-MM-DD-slug, Hugo's page bundles);
- no stored title holds front matter or template syntax.
Skips (exit 77) when the corpora are absent.

usage: blogs.py BUILD_DIR CORPUS_DIR
"""
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

import yaml

POST_EXT = (".rst", ".rest", ".txt", ".md", ".markdown", ".mdown", ".mkd", ".html", ".htm",
            ".org")
failures = []


def fail(path, what):
    failures.append(f"{path}: {what}")


def header(text):
    """(kind, mapping) of a file's front matter, or (None, None)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines:
        return None, None
    fence = lines[0].rstrip()
    if fence not in ("---", "+++"):
        return None, None
    ends = ("+++",) if fence == "+++" else ("---", "...")
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ends:
            src = "\n".join(lines[1:i])
            try:
                data = tomllib.loads(src) if fence == "+++" else yaml.safe_load(src)
            except Exception:  # a header the generator would refuse: not compared
                return None, None
            return ("toml" if fence == "+++" else "yaml"), data if isinstance(data, dict) else {}
    return None, None


def text_of(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return ("%.4f" % v).rstrip("0").rstrip(".")
    return str(v).strip()


def items(v):
    """A list field's items as the generator takes them."""
    if v is None:
        return []
    if isinstance(v, list):
        return [text_of(x) for x in v if x is not None and text_of(x)]
    if isinstance(v, str):
        return [x.strip() for x in v.strip().strip("[]").split(",") if x.strip()]
    return [text_of(v)]


def get(data, *names):
    """The first key of names the header has (any case), top level first, then
    Zola's [taxonomies], [extra] and Hugo's params."""
    tables = [data] + [data[k] for k in ("taxonomies", "extra", "params")
                       if isinstance(data.get(k), dict)]
    for t in tables:
        low = {str(k).lower(): v for k, v in t.items()}
        for n in names:
            if n in low:
                return True, low[n]
    return False, None


def instant(v):
    """A header date as seconds since the epoch, or None when not a date."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        return int(v.timestamp())
    if isinstance(v, datetime.date):
        return int(datetime.datetime(v.year, v.month, v.day,
                                     tzinfo=datetime.timezone.utc).timestamp())
    if isinstance(v, str):
        try:
            return instant(datetime.datetime.fromisoformat(v.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def dumped_instant(d):
    s = d.get("date")
    if not s:
        return None
    return instant(s)


def path_rules(path):
    """(slug, date) the file name and place give."""
    base = os.path.basename(path)
    stem = base.rsplit(".", 1)[0]
    if re.fullmatch(r"index(\.[a-z_-]{2,5})?", stem):
        stem = os.path.basename(os.path.dirname(path))
    m = re.match(r"(\d{4}-\d{2}-\d{2})[-_](.+)$", stem)
    if m:
        return m.group(2), m.group(1)
    return stem, None


def check_post(path, d):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    kind, data = header(text)
    for field in ("title", "slug"):
        v = d.get(field, "")
        if re.search(r"\{\{|\{%|^\+\+\+|^---$", v):
            fail(path, f"{field} {v!r} holds front matter or template syntax")
    if kind is None:
        return
    slug_rule, date_rule = path_rules(path)
    has, title = get(data, "title")
    if has and text_of(title) and d["title"] != text_of(title):
        fail(path, f"title {d['title']!r}, the header says {text_of(title)!r}")
    has, slug = get(data, "slug")
    want_slug = text_of(slug) if has and text_of(slug) else slug_rule
    if d["slug"] != want_slug:
        fail(path, f"slug {d['slug']!r}, want {want_slug!r}")
    has, tags = get(data, "tags", "tag")
    want_tags = []
    for t in items(tags):
        if t not in want_tags:
            want_tags.append(t)
    if d["tags"] != want_tags:
        fail(path, f"tags {d['tags']!r}, the header says {want_tags!r}")
    has, cats = get(data, "categories", "category")
    want_cats = items(cats)
    got_cats = d.get("categories", [d["category"]] if d.get("category") else [])
    if got_cats != want_cats[:len(got_cats)] or (want_cats and not got_cats):
        fail(path, f"categories {got_cats!r}, the header says {want_cats!r}")
    has, date = get(data, "date")
    want = instant(date) if has else None
    if want is None and not has and date_rule:
        want = instant(date_rule)
    if want is not None and dumped_instant(d) != want:
        fail(path, f"date {d.get('date')!r}, the header says {date!r}")


def main():
    build, corpus = sys.argv[1], os.path.realpath(sys.argv[2])
    if not os.path.isdir(corpus):
        print(f"blogs.py: no corpus at {corpus}; skipped")
        return 77
    index_bin = os.path.join(build, "blogsearch-index")
    nblogs = nposts = 0
    for blog in sorted(os.listdir(corpus)):
        root = os.path.join(corpus, blog)
        if not os.path.isdir(root):
            continue
        nblogs += 1
        with tempfile.TemporaryDirectory() as ix:
            r = subprocess.run([index_bin, "--index", ix, "--full", "-v", root],
                               capture_output=True, text=True)
            if r.returncode != 0:
                fail(root, f"blogsearch-index exit {r.returncode}: {r.stderr[-500:]}")
                continue
            said = {}
            for line in (r.stdout + r.stderr).splitlines():
                m = re.match(r"(.*?): (added|updated|skipped: .*)$", line)
                if m:
                    said[os.path.realpath(m.group(1))] = m.group(2)
            dump = subprocess.run([index_bin, "--index", ix, "--dump"], capture_output=True,
                                  text=True, check=True).stdout
            posts = {}
            for line in dump.splitlines():
                d = json.loads(line)
                posts[d["path"]] = d
        skipped_dirs = [p for p, w in said.items() if w.startswith("skipped") and os.path.isdir(p)]
        for dirpath, dirs, files in os.walk(root):
            dirs[:] = sorted(x for x in dirs if not x.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not name.lower().endswith(POST_EXT):
                    continue
                path = os.path.join(dirpath, name)
                if any(path.startswith(s + "/") for s in skipped_dirs):
                    continue
                if path in posts:
                    nposts += 1
                    check_post(path, posts[path])
                elif not said.get(path, "").startswith("skipped: "):
                    fail(path, f"neither indexed nor skipped with a reason ({said.get(path)!r})")
    for f in failures[:int(os.environ.get("BLOGS_SHOW", "60"))]:
        print("FAIL", f)
    print(f"blogs.py: {nblogs} blogs, {nposts} posts compared, {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
