#!/usr/bin/env python3
"""The house stays as built: every #include "..." of blogsearch's sources
points down an arrow docs/ARCHITECTURE.md allows.

Each room is a top-level folder; a file may include its own room's headers,
the rooms its room points to, base/ (what every room uses) and the public
header include/blogsearch.h (the status codes). Anything else, and an
include not written from the top of the tree ("stemming.h" instead of
"stemming/stemming.h"), fails, naming the file and the line.

Usage: arrows.py SOURCE_DIR        check the tree
       arrows.py --self-test       check the checker on trees made to fail
Exit status: 0 the arrows hold, 1 an arrow does not.
"""
import os
import re
import sys
import tempfile

# room -> the rooms it may include (besides itself, base and include)
ARROWS = {
    "include": set(),
    "base": set(),
    "stemming": set(),
    "store": set(),
    "indexer": {"stemming", "store"},
    "query": {"stemming", "store"},
    "lib": {"indexer", "query"},
    "web": {"lib", "query"},
    "tools": {"lib", "web"},
}
EVERYONE = {"base", "include"}
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def room_of_header(name):
    if name == "blogsearch.h":
        return "include"
    first = name.split("/", 1)[0]
    return first if "/" in name and first in ARROWS else None


def check(top):
    problems = []
    for room in sorted(ARROWS):
        for dirpath, _, files in os.walk(os.path.join(top, room)):
            for f in sorted(files):
                if not f.endswith((".c", ".h")):
                    continue
                path = os.path.join(dirpath, f)
                rel = os.path.relpath(path, top)
                with open(path, encoding="utf-8", errors="replace") as fh:
                    for no, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        name = m.group(1)
                        to = room_of_header(name)
                        if to is None:
                            problems.append(f'{rel}:{no}: #include "{name}": not a header '
                                            "of a room, written from the top of the tree")
                        elif to != room and to not in EVERYONE and to not in ARROWS[room]:
                            allowed = ", ".join(sorted(ARROWS[room] | EVERYONE)) or "nothing"
                            problems.append(f'{rel}:{no}: #include "{name}": {room} -> {to} '
                                            f"is not an arrow of the house ({room} may "
                                            f"include {allowed})")
    return problems


def self_test():
    """Trees of one file each: those that must fail do, those that must pass do."""
    cases = [
        ("query/x.c", '#include "indexer/indexer.h"\n', True),
        ("indexer/x.c", '#include "query/query.h"\n', True),
        ("store/x.c", '#include "indexer/indexer.h"\n', True),
        ("stemming/x.c", '#include "store/store.h"\n', True),
        ("tools/x.c", '#include "store/store.h"\n', True),
        ("tools/x.c", '#include "query/query.h"\n', True),
        ("web/x.c", '#include "indexer/indexer.h"\n', True),
        ("query/x.c", '#include "query.h"\n', True),
        ("tools/x.c", '#include "lib/lib.h"\n#include "web/web.h"\n', False),
        ("indexer/markup/x.c", '#include "indexer/markup/markup.h"\n#include "base/base.h"\n',
         False),
        ("lib/x.c", '#include "query/query.h"\n#include "indexer/indexer.h"\n'
                    '#include "blogsearch.h"\n#include <lmdb.h>\n', False),
    ]
    bad = 0
    for rel, text, must_fail in cases:
        with tempfile.TemporaryDirectory() as t:
            os.makedirs(os.path.dirname(os.path.join(t, rel)), exist_ok=True)
            with open(os.path.join(t, rel), "w") as fh:
                fh.write(text)
            got = check(t)
            if bool(got) != must_fail or (got and f"{rel}:" not in got[0]):
                print(f"self-test: {rel} with {text!r}: {got or 'passed'}, want "
                      f"{'a failure naming it' if must_fail else 'no failure'}")
                bad += 1
    print(f"arrows.py self-test: {len(cases) - bad} of {len(cases)} cases right")
    return 1 if bad else 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    print(f"arrows.py: {len(problems)} include{'s' if len(problems) != 1 else ''} against "
          "the house" if problems else "arrows.py: every include points down an arrow")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
