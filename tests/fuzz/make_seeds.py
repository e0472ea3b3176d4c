#!/usr/bin/env python3
"""make_seeds.py: writes the seed corpora of tests/fuzz/corpus/<target>/ from
the sample posts (data/samples), the input tables of the unit tests
(tests/*/test_*.c, tests/indexer/front/) and the hostile inputs below.
Run from anywhere: python3 tests/fuzz/make_seeds.py. It replaces the files
it writes (named after their source) and keeps the others, such as the
regression inputs of findings (README.md)."""
import hashlib
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")
MAX_SEED = 4096          # bytes: a seed is a few KB at most
MAX_SEEDS = 48           # files a target: the handwritten ones, then an even
                         # spread of the rest

def read(*parts):
    with open(os.path.join(ROOT, *parts), "rb") as f:
        return f.read()

seeds = {}               # target: {name: (handwritten, bytes)}

def put(target, name, data, handwritten=False):
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:60]
    seeds.setdefault(target, {})[name] = (handwritten, data[:MAX_SEED])

def write_all():
    for target, named in sorted(seeds.items()):
        d = os.path.join(OUT, target)
        os.makedirs(d, exist_ok=True)
        mine = sorted(n for n, (h, _) in named.items() if h)
        rest = sorted(n for n, (h, _) in named.items() if not h)
        room = max(MAX_SEEDS - len(mine), 0)
        if len(rest) > room:
            rest = [rest[i * len(rest) // room] for i in range(room)]
        for n in mine + rest:
            with open(os.path.join(d, n), "wb") as f:
                f.write(named[n][1])

ESC = {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "\\": b"\\", '"': b'"', "'": b"'",
       "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}

def c_string(src, i):
    """The bytes of the adjacent C string literals at src[i:] (i at a quote)
    and the index after them."""
    out = b""
    while True:
        while i < len(src) and src[i] in " \t\n":
            i += 1
        if i >= len(src) or src[i] != '"':
            return out, i
        i += 1
        while src[i] != '"':
            c = src[i]
            if c != "\\":
                out += c.encode()
                i += 1
                continue
            e = src[i + 1]
            if e == "x":
                m = re.match(r"[0-9A-Fa-f]+", src[i + 2:])
                out += bytes([int(m.group(0), 16) & 0xFF])
                i += 2 + len(m.group(0))
            elif e in "01234567":
                m = re.match(r"[0-7]{1,3}", src[i + 1:])
                out += bytes([int(m.group(0), 8) & 0xFF])
                i += 1 + len(m.group(0))
            else:
                out += ESC.get(e, e.encode())
                i += 2
        i += 1

def rows(path, macro):
    """The arguments of each MACRO(...) row of a table: a string literal's
    bytes, or None for anything else (NULL, numbers)."""
    src = read(*path).decode()
    for m in re.finditer(r"\b%s\(" % macro, src):
        i, args = m.end(), []
        while True:
            while src[i] in " \t\n":
                i += 1
            if src[i] == '"':
                s, i = c_string(src, i)
                args.append(s)
            else:
                j = i
                while src[i] not in ",)":
                    i += 1
                args.append(None if src[j:i].strip() else b"")
            while src[i] in " \t\n":
                i += 1
            if src[i] == ")":
                break
            i += 1
        yield args

def short(data):
    return hashlib.sha1(data).hexdigest()[:8]

samples = sorted(os.listdir(os.path.join(ROOT, "data", "samples")))
posts = [(n, read("data", "samples", n)) for n in samples]

# ---- post files, one target a format ---------------------------------------
post_rows = list(rows(("tests", "indexer", "test_post.c"), "P"))
for name, data in posts:
    ext = os.path.splitext(name)[1]
    if ext == ".rst":
        put("post_rst", name, data)
    if ext == ".md":
        put("post_md", name, data)
        if data.startswith(b"---\n"):
            put("post_yaml", name, data[4:])
for args in post_rows[:200]:
    path, text, meta = args[0], args[1], args[2]
    if path is None or text is None:
        continue
    ext = os.path.splitext(path.decode(errors="replace"))[1]
    tag = "row-" + short(text + (meta or b""))
    if meta is not None:
        put("post_meta", tag, meta + b"\0" + text)
    elif ext in (".rst", ".txt"):
        put("post_rst", tag, text)
    elif ext == ".md" and text.startswith(b"---\n"):
        put("post_yaml", tag, text[4:])
    elif ext == ".md" and text.startswith(b"+++\n"):
        put("post_toml", tag, text[4:])
    elif ext == ".md" and text.startswith(b"Title: "):
        put("post_pelican", tag, text[7:])
    elif ext == ".md":
        put("post_md", tag, text)
    elif ext in (".html", ".htm"):
        put("post_html", tag, text)
front = os.path.join(ROOT, "tests", "indexer", "front")
for sub in ("valid", "invalid", "limits"):
    for n in sorted(os.listdir(os.path.join(front, sub))):
        data = read("tests", "indexer", "front", sub, n)
        if n.endswith(".toml"):
            put("post_toml", sub + "-" + n, data + "+++\n\nТекст.\n".encode())
        elif n.endswith(".yaml"):
            put("post_yaml", sub + "-" + n, data + "---\n\nТекст.\n".encode())
        elif n.endswith(".md") and data.startswith(b"+++"):
            put("post_toml", sub + "-" + n, data[4:])
        elif n.endswith(".md") and data.startswith(b"---"):
            put("post_yaml", sub + "-" + n, data[4:])
        elif n.endswith(".json"):
            put("post_md", sub + "-" + n, data)
# Pelican: the fields after "Title: ", in Markdown
put("post_pelican", "fields", "Заметка о KVM\nDate: 2015-03-01 10:20\nModified: 2015-03-02\n"
    "Category: Виртуализация\nTags: kvm, qemu, libvirt\nSlug: kvm-note\nAuthors: Иван, Пётр\n"
    "Summary: Коротко.\nStatus: draft\n\nТекст *поста* про [KVM](http://example.org).\n".encode(), True)
put("post_pelican", "no-blank", b"T\nDate: 2015-13-45\nTags:\n", True)
put("post_pelican", "long-value", b"x" * 600 + b"\nDate: 2020\n\n" + "ё".encode() * 100, True)
# Pelican reStructuredText: a title with fields
put("post_rst", "pelican", "Заметка\n#######\n\n:date: 2010-10-03 10:20\n:tags: a, b\n"
    ":category: Тест\n:slug: note\n:authors: Алексей\n:summary: Кратко\n\nТекст.\n".encode(), True)
# HTML posts: Nikola's comment header, and pages
for name, data in posts[:8]:
    body = data.split(b"\n\n", 1)[-1]
    put("post_html", "html-" + name, b"<!--\n.. title: T\n.. date: 2020-01-01\n-->\n<p>"
        + body.replace(b"\n\n", b"</p>\n<p>") + b"</p>\n")
put("post_html", "page", b"<!DOCTYPE html><html><head><title>Page &amp; co</title>"
    b"<script>var a = '<p>';</script><style>p{}</style></head><body><h1>T&eacute;st</h1>"
    b"<p>a<br>b &#x41; &#1099; &nbsp;<pre>code</pre><!-- c --></p></body></html>", True)
# .meta sidecars: the sidecar, a NUL, the post
for name, data in posts[:6]:
    if data.startswith(b".. "):
        head, _, body = data.partition(b"\n\n")
        put("post_meta", "sidecar-" + name, head + b"\n\0" + body)
put("post_meta", "one-line", "Заголовок\nslug\n2012-05-05 10:00:00 UTC+04:00\nkvm, linux\n"
    "\0Текст.\n".encode(), True)

# ---- markup: a kind byte (rst md html text org), then the body -------------
kinds = {"RST": 0, "MD": 1, "HTML": 2, "TXT": 3, "ORG": 4}
for macro, k in kinds.items():
    got = 0
    for args in rows(("tests", "indexer", "test_markup.c"), macro):
        if args and args[0] is not None and got < MAX_SEEDS:
            put("markup", "%s-%s" % (macro.lower(), short(args[0])), bytes([k]) + args[0])
            got += 1
for name, data in posts[:10]:
    body = data.split(b"\n\n", 1)[-1]
    put("markup", "sample-" + name, bytes([1 if name.endswith(".md") else 0]) + body)

# ---- the analyzer ------------------------------------------------------------
for args in rows(("tests", "stemming", "test_analyzer.c"), "T"):
    if args and args[0] is not None:
        put("analyzer", "t-" + short(args[0]), args[0])
for name, data in posts[:6]:
    put("analyzer", "sample-" + name, data[:2000])
hostile = {
    "combining": "е\u0301ж\u0308ик й\u0306 a\u0300\u0301\u0302\u0303b".encode(),
    "homoglyphs": "Cиcтeмa xoрoшo pаз KVМ".encode(),
    "ignorables": "сло\u00adво zero\u200bwidth\ufeffword \u2060x".encode(),
    "digits": b"1.7 2.6.32 x86_64 10.0.0.1 ...1.. 3.",
    "long-word": b"a" * 70 + b" " + "я".encode() * 70,
    "invalid": b"\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80word\x00nul\xd0",
    "cjk": "日本語のテキスト 中文 한국어".encode(),
    "compat": "ﬁ ﬂ Ⅻ ² ｆｕｌｌ ㍿".encode(),
}
for k, v in hostile.items():
    put("analyzer", k, v)

# ---- the query language: a flags byte (1 lenient, 2 filters), the text, then
# tag, category, author, since, until after NULs ------------------------------
for macro, flag in (("G", 0), ("B", 0), ("L", 1)):
    for args in rows(("tests", "query", "test_query.c"), macro):
        if args and args[0] is not None:
            put("query", "%s-%s" % (macro.lower(), short(args[0])), bytes([flag]) + args[0])
put("query", "filters", b"\x02docker\0containers\0\xd0\x92\xd0\xb8\0bookwar\x002019\x002020-02", True)
put("query", "filters-lenient", b"\x03\"docker tag:\0t\0\0\0002019-1\0", True)
put("query", "many", b"\x01" + b" ".join(b"w%d" % i for i in range(80)), True)
put("query", "nested", b"\x00" + b"\"" * 30 + b"title:" * 10 + b"*-+" * 10, True)

# ---- the CGI: method, query string, Accept, Origin, script name ----------------
web_rows = re.findall(r'\{ R, ((?:"[^"]*"|NULL)), ("(?:[^"\\]|\\.)*"), ((?:"[^"]*"|NULL)), '
                      r'((?:"[^"]*"|NULL))', read("tests", "web", "test_web.c").decode())
for method, query, accept, origin in web_rows[:MAX_SEEDS]:
    lit = lambda s: b"" if s == "NULL" else c_string(s, 0)[0]
    fields = [lit(method), lit(query), lit(accept), lit(origin), b"/cgi-bin/search"]
    if method == "NULL":
        continue
    put("cgi", "row-" + short(b"\0".join(fields)), b"\0".join(fields))
put("cgi", "suggest", b"GET\0suggest=%D0%B2%D0%B8%D1%80%D1%82&format=json\0\0\0/s", True)
put("cgi", "cors", b"GET\0q=docker&format=json\0application/json\0https://example.org\0/s", True)
put("cgi", "like", b"GET\0like=podman-vmesto-docker&format=json\0\0\0", True)
put("cgi", "everything", b"HEAD\0q=%22docker+kvm%22+-podman&tag=docker&category=x&author=y"
    b"&since=2015&until=2024-02&sort=date&page=2&per_page=5&exact=1\0text/html\0\0/cgi", True)

# ---- a damaged index: edits (page u16, offset u16, what u8, n u8, bytes) ------
def edit(page, off, what, data):
    return struct.pack("<HHBB", page, off, what, len(data)) + data
put("index", "meta0-xor", edit(0, 16, 0, b"\xff" * 8), True)
put("index", "meta1-mapsize", edit(1, 24, 1, b"\xff\xff\xff\xff\xff\xff\x00\x00"), True)
put("index", "both-meta-txnid", edit(0, 120, 1, b"\x00" * 8) + edit(1, 120, 1, b"\x00" * 8), True)
put("index", "page2-flags", edit(2, 10, 1, b"\x00\x00"), True)
put("index", "page3-bytes", edit(3, 200, 0, bytes(range(64))), True)
put("index", "cut", edit(4, 0, 2, b""), True)
put("index", "values", edit(5, 4000, 1, b"\x7f" * 96) + edit(6, 12, 0, b"\x01"), True)
put("index", "nothing", b"", True)
write_all()
print("seeds written to", OUT, file=sys.stderr)
