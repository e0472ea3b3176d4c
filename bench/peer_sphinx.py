#!/usr/bin/python3
"""peer_sphinx.py: Sphinx 2.2 (Debian's sphinxsearch) as a peer of blogsearch,
configured the way a Sphinx user would index a blog's posts.

Usage:
  peer_sphinx.py config OUTDIR LIST PORT   writes OUTDIR/sphinx.conf (the index
                                           in OUTDIR/idx, searchd on 127.0.0.1:PORT)
  peer_sphinx.py tsv LIST                  the posts as Sphinx's tsvpipe source
                                           (the config's tsvpipe_command)
  peer_sphinx.py start OUTDIR              starts searchd; prints its PID
  peer_sphinx.py stop OUTDIR               stops the searchd of OUTDIR/searchd.pid
  peer_sphinx.py port                      a free TCP port on 127.0.0.1
LIST: NUL-separated paths of the post files (bench/index.sh's files.lst);
document id = position in LIST + 1, which bench/peer_query_sphinx.c uses to
name a hit's file for its snippet.

The index (indexer --all --config OUTDIR/sphinx.conf): fields title, tags
and body, with positions (Sphinx keeps them always), `morphology = stem_enru`
(Snowball's Russian and Porter's English stemmers, the nearest Sphinx has to
blogsearch's analyzer), ё folded into е as blogsearch does, dict = keywords
with min_prefix_len 3 (prefix queries expand over the dictionary at query
time, as blogsearch's do, with no prefix entries in the index), the post's
date as a timestamp attribute and its tags as a multi-value attribute of
tag ids (CRC32 of the lower-cased tag), for filters and the date sort.
mem_limit 256M (the default, 128M, is less than blogsearch takes at 100,000
posts). The header is read as bench/peer_index_xapian.cc and
bench/peer_index_fts5.c read it (`.. key: value` lines up to a blank line);
the body is indexed with its markup, as theirs. Sphinx keeps no text: its
snippets (CALL SNIPPETS with load_files) read the post file.
"""
import calendar
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import time
import zlib
from nikola_header import parse_post

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?"
                  r"(?:\s*(?:UTC)?([+-]\d{2}):?(\d{2}))?")


def post_fields(text):
    """(title, tags, date epoch seconds or 0, body) of a Nikola post."""
    fields, body = parse_post(text)
    return (fields.get("title", ""), fields.get("tags", ""), epoch(fields.get("date", "")),
            body)


def epoch(date):
    """Seconds since 1970 of a Nikola date; a date without a zone is UTC (as
    blogsearch-index reads it without --timezone)."""
    m = DATE.match(date)
    if not m:
        return 0
    y, mo, d, h, mi, s, zh, zm = m.groups()
    t = calendar.timegm(datetime.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0),
                                          int(s or 0)).timetuple())
    if zh:
        off = int(zh[1:]) * 3600 + int(zm) * 60
        t -= off if zh[0] == "+" else -off
    return max(t, 0)


def tag_id(tag):
    """A tag's id: CRC32 of its lower-cased UTF-8 (bench/peer_query_sphinx.c
    computes the same)."""
    return zlib.crc32(tag.strip().lower().encode("utf-8"))


def read_list(path):
    with open(path, "rb") as f:
        return [p.decode("utf-8", "surrogateescape") for p in f.read().split(b"\0") if p]


def tsv(list_path):
    out = sys.stdout.buffer
    clean = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\\": " "})
    for docid, path in enumerate(read_list(list_path), 1):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        title, tags, date, body = post_fields(text)
        ids = sorted({tag_id(t) for t in tags.split(",") if t.strip()})
        row = [str(docid), title.translate(clean), tags.translate(clean),
               body.translate(clean), str(date), ",".join(map(str, ids))]
        out.write(("\t".join(row) + "\n").encode("utf-8"))
    return 0


def config(outdir, list_path, port):
    outdir = os.path.abspath(outdir)
    me = os.path.abspath(__file__)
    os.makedirs(outdir, exist_ok=True)
    conf = f"""# written by bench/peer_sphinx.py
source posts
{{
    type = tsvpipe
    tsvpipe_command = /usr/bin/python3 {me} tsv {os.path.abspath(list_path)}
    tsvpipe_field = title
    tsvpipe_field = tags
    tsvpipe_field = body
    tsvpipe_attr_timestamp = date
    tsvpipe_attr_multi = tagids
}}

index posts
{{
    source = posts
    path = {outdir}/idx
    docinfo = extern
    dict = keywords
    morphology = stem_enru
    min_word_len = 1
    min_prefix_len = 3
    charset_table = 0..9, A..Z->a..z, _, a..z, U+410..U+42F->U+430..U+44F, \\
        U+430..U+44F, U+401->U+435, U+451->U+435
    html_strip = 0
}}

indexer
{{
    mem_limit = 256M
}}

searchd
{{
    listen = 127.0.0.1:{port}:mysql41
    log = {outdir}/searchd.log
    query_log = {outdir}/query.log
    pid_file = {outdir}/searchd.pid
    binlog_path =
    snippets_file_prefix = /
    workers = threads
    read_timeout = 5
    seamless_rotate = 1
    preopen_indexes = 1
    unlink_old = 1
}}
"""
    with open(os.path.join(outdir, "sphinx.conf"), "w", encoding="utf-8") as f:
        f.write(conf)
    return 0


def conf_port(outdir):
    with open(os.path.join(outdir, "sphinx.conf"), encoding="utf-8") as f:
        m = re.search(r"listen = 127\.0\.0\.1:(\d+):mysql41", f.read())
    return int(m.group(1))


def start(outdir):
    conf = os.path.join(outdir, "sphinx.conf")
    subprocess.run(["searchd", "--config", conf], check=True, stdout=subprocess.DEVNULL)
    port = conf_port(outdir)
    for _ in range(200):  # until it answers, at most 10 s
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        print("peer_sphinx.py: searchd does not answer", file=sys.stderr)
        stop(outdir)
        return 1
    with open(os.path.join(outdir, "searchd.pid")) as f:
        print(f.read().strip())
    return 0


def stop(outdir):
    pidfile = os.path.join(outdir, "searchd.pid")
    try:
        with open(pidfile) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0
    for _ in range(200):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 0
        time.sleep(0.05)
    print(f"peer_sphinx.py: searchd {pid} still runs", file=sys.stderr)
    return 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])
    return 0


def main(argv):
    cmds = {"config": (3, config), "tsv": (1, tsv), "start": (1, start), "stop": (1, stop),
            "port": (0, free_port)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][0]:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    return cmds[argv[1]][1](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
