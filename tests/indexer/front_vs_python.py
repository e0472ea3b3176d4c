#!/usr/bin/env python3
"""The front matter parsers against Python's: every TOML header dump_front
reads must give what tomllib gives, every JSON header what json gives,
every YAML header what PyYAML (python3-yaml) gives, and a header either
rejects must be rejected by the other.

Usage: front_vs_python.py DUMP_FRONT --cases DIR
       front_vs_python.py DUMP_FRONT --corpus DIR

--cases DIR: the hand-written cases of tests/indexer/front/:
  valid/*.toml   whole TOML documents          (dump_front toml --whole)
  valid/*.md     posts with a "+++" TOML header (dump_front toml)
  valid/*.json   posts with a JSON header       (dump_front json)
  valid/*.yaml   posts with a "---" YAML header (dump_front yaml)
  invalid/NAME.LINE.EXT   Python rejects them too; dump_front must say
                 "FILE:LINE: error: ..." and exit 1
  limits/NAME.LINE.EXT    TOML that Python reads and blogsearch rejects on
                 purpose (front.h says which); the same check of the line
--corpus DIR: every file under DIR whose first line is "+++" or "---" (its
  header) and every *.toml file (whole); BLOGSEARCH_CORPUS, when set, names DIR
  instead. Exit 77 (skipped) when DIR is not there.

How the tree is compared: objects member by member in order, numbers as
view_json writes them (whole numbers without decimals, others with at most
four, inf and nan as null), a TOML date or time as the string front.h
describes, read back with fromisoformat and equal to tomllib's, offset
included; a YAML date, a string as written, is read back by PyYAML and
equal to its value. Exit status: 0 all agree, 1 a difference (the file and the first
difference are printed), 77 skipped (no corpus, or a Python before 3.11).
"""
import datetime
import json
import math
import os
import re
import subprocess
import sys

try:
    import tomllib          # Python 3.11 (Debian 12)
    import yaml             # python3-yaml
except ImportError as e:
    print(f"front_vs_python: {e.name} is missing (Python 3.11, python3-yaml); skipped")
    sys.exit(77)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
TIME = re.compile(r"\d{2}:\d{2}:\d{2}(\.\d+)?\Z")
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?\Z")
FENCE = re.compile(rb"\+\+\+[ \t\r]*\Z")
YAML_OPEN = re.compile(rb"---[ \t\r]*\Z")
YAML_CLOSE = re.compile(rb"(---|\.\.\.)[ \t\r]*\Z")


def number_text(x):
    """A number as base/view.c's vn_format_number writes it; None for null."""
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return None
    if abs(x) < 2.0**53 and float(int(x)) == x:
        return str(int(x))
    if abs(x) >= 2.0**53:
        return "%.17g" % x
    s = ("%.4f" % x).rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


class Num(str):
    """A number of dump_front's output, as the text it wrote."""


def load_ours(text):
    return json.loads(text, object_pairs_hook=lambda pairs: ("obj", pairs),
                      parse_int=Num, parse_float=Num)


def differ(want, got, path="$"):
    """The first difference between Python's value and ours, or None."""
    if isinstance(want, bool):
        return None if got is want else f"{path}: got {show(got)}, want {want!r}"
    if isinstance(want, (int, float)):
        text = number_text(want)
        if text is None:
            return None if got is None else f"{path}: got {show(got)}, want null ({want!r})"
        return None if isinstance(got, Num) and got == text else \
            f"{path}: got {show(got)}, want {text}"
    if isinstance(want, (datetime.datetime, datetime.date, datetime.time)):
        return differ_date(want, got, path)
    if isinstance(want, str):
        return None if type(got) is str and got == want else \
            f"{path}: got {show(got)}, want {want!r}"
    if isinstance(want, list):
        if not isinstance(got, list):
            return f"{path}: got {show(got)}, want an array"
        if len(got) != len(want):
            return f"{path}: got {len(got)} elements, want {len(want)}"
        for i, (w, g) in enumerate(zip(want, got)):
            d = differ(w, g, f"{path}[{i}]")
            if d:
                return d
        return None
    if isinstance(want, dict):
        if not (isinstance(got, tuple) and got[0] == "obj"):
            return f"{path}: got {show(got)}, want an object"
        names = [k for k, _ in got[1]]
        if names != list(want):
            return f"{path}: got the members {names}, want {list(want)}"
        for (k, g), w in zip(got[1], want.values()):
            d = differ(w, g, f"{path}.{k}")
            if d:
                return d
        return None
    if want is None:
        return None if got is None else f"{path}: got {show(got)}, want null"
    return f"{path}: Python gave a {type(want).__name__}"


def differ_date(want, got, path):
    if type(got) is str and yaml_dates:
        try:
            ours = yaml.safe_load(got)
        except yaml.YAMLError:
            ours = None
        return None if ours == want else f"{path}: got {got!r}, want {want!r}"
    if type(got) is not str:
        return f"{path}: got {show(got)}, want the date or time {want.isoformat()}"
    if isinstance(want, datetime.datetime):
        form, read = DATETIME, datetime.datetime.fromisoformat
    elif isinstance(want, datetime.date):
        form, read = DATE, datetime.date.fromisoformat
    else:
        form, read = TIME, datetime.time.fromisoformat
    if not form.match(got):
        return f"{path}: got {got!r}, not the form of a {type(want).__name__}"
    ours = read(got)
    same = ours == want
    if isinstance(want, datetime.datetime):
        same = same and ours.utcoffset() == want.utcoffset()
    return None if same else f"{path}: got {got!r}, want {want.isoformat()}"


def show(v):
    if isinstance(v, tuple):
        return "an object"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, Num):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def run(dump, args):
    """dump_front's exit status, stdout and stderr (both must be UTF-8)."""
    r = subprocess.run([dump] + args, capture_output=True, timeout=60)
    try:
        return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    except UnicodeDecodeError as e:
        return -1, "", f"dump_front printed bytes that are not UTF-8: {e}"


def fenced_header(path, opens=FENCE, closes=FENCE):
    """The text between the first two fence lines ("+++", or YAML's "---" and
    "---" or "..."), as dump_front takes it."""
    with open(path, "rb") as f:
        data = f.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines = data.split(b"\n")      # the body after the header may be any bytes
    if not opens.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if closes.match(lines[i]):
            return b"".join(line + b"\n" for line in lines[1:i]).decode("utf-8")
    return None


def python_yaml(path):
    """PyYAML's reading of a YAML header: an object, its keys as text."""
    text = fenced_header(path, YAML_OPEN, YAML_CLOSE)
    if text is None:
        raise ValueError("no header")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ValueError(str(e).splitlines()[0]) from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("not a mapping")

    def keys_as_text(v):
        if isinstance(v, dict):
            return {(k if isinstance(k, str) else yaml.safe_dump(k).strip().removesuffix("\n...")):
                    keys_as_text(x) for k, x in v.items()}
        if isinstance(v, list):
            return [keys_as_text(x) for x in v]
        return v
    return keys_as_text(value)


def python_json(path):
    """Python's reading of the JSON object opening the file."""
    with open(path, "rb") as f:          # the body after the object may be any bytes
        text = f.read().decode("utf-8", "surrogateescape")

    def no_constant(name):
        raise ValueError(f"{name} is not JSON")

    start = len(text) - len(text.lstrip(" \t\r\n"))
    value, end = json.JSONDecoder(parse_constant=no_constant) \
        .raw_decode(text, start)
    text[:end].encode("utf-8")            # the object itself must be UTF-8
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def python_value(path, mode):
    """(Python's value, None) or (None, why Python rejects it)."""
    try:
        if mode == "json":
            return python_json(path), None
        if mode == "yaml":
            return python_yaml(path), None
        if mode == "whole":
            with open(path, "rb") as f:
                return tomllib.load(f), None
        text = fenced_header(path)
        if text is None:
            return None, "no header"
        return tomllib.loads(text), None
    except (ValueError, UnicodeDecodeError) as e:   # TOMLDecodeError is a ValueError
        return None, str(e) or type(e).__name__


def dump_args(path, mode):
    return {"json": ["json", path], "whole": ["toml", "--whole", path],
            "header": ["toml", path], "yaml": ["yaml", path]}[mode]


def mode_of(path):
    if path.endswith(".json"):
        return "json"
    if path.endswith(".yaml"):
        return "yaml"
    return "whole" if path.endswith(".toml") else "header"


yaml_dates = False


def compare(dump, path, mode):
    """None when both read the file alike (or both reject it), else why not."""
    global yaml_dates
    yaml_dates = mode == "yaml"
    want, why = python_value(path, mode)
    rc, out, err = run(dump, dump_args(path, mode))
    if rc == -1:
        return err
    if want is None:
        if rc == 1:
            return None
        return f"Python rejects it ({why}); dump_front exits {rc}"
    if rc != 0:
        return f"dump_front rejects it: {err.strip()} (Python reads it)"
    return differ(want, load_ours(out))


def check_rejected(dump, path, mode, line, python_rejects):
    want, why = python_value(path, mode)
    if python_rejects and want is not None:
        return "Python reads it: not a case of invalid input"
    if not python_rejects and want is None:
        return f"Python rejects it ({why}): not a limit of blogsearch's own"
    rc, out, err = run(dump, dump_args(path, mode))
    if rc != 1:
        return f"dump_front exits {rc}, want 1: {err.strip()}"
    first = err.splitlines()[0] if err else ""
    if not first.startswith(f"{path}:{line}: error: "):
        return f"dump_front says {first!r}, want line {line}"
    if out:
        load_ours(out)        # what was read before the error is still JSON
    return None


def cases(dump, top):
    failures, n = [], 0
    for kind in ("valid", "invalid", "limits"):
        folder = os.path.join(top, kind)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            path = os.path.join(folder, name)
            mode = mode_of(name)
            n += 1
            if kind == "valid":
                d = compare(dump, path, mode)
            else:
                m = re.search(r"\.(\d+)\.\w+\Z", name)
                if not m:
                    failures.append(f"{path}: the name has no .LINE. before its extension")
                    continue
                d = check_rejected(dump, path, mode, int(m.group(1)), kind == "invalid")
            if d:
                failures.append(f"{path}: {d}")
    return n, failures


def corpus(dump, top):
    failures, counts = [], {"header": 0, "whole": 0, "yaml": 0, "rejected": 0}
    for dirpath, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(dirpath, name)
            if name.endswith(".toml"):
                mode = "whole"
            else:
                with open(path, "rb") as f:
                    head = f.readline()
                head = head.removeprefix(b"\xef\xbb\xbf").rstrip(b"\n")
                if FENCE.match(head):
                    mode = "header"
                elif YAML_OPEN.match(head) and fenced_header(path, YAML_OPEN, YAML_CLOSE):
                    mode = "yaml"
                else:
                    continue
            counts[mode] += 1
            if python_value(path, mode)[0] is None:
                counts["rejected"] += 1
            d = compare(dump, path, mode)
            if d:
                failures.append(f"{path}: {d}")
    return counts, failures


def main(argv):
    if len(argv) != 4 or argv[2] not in ("--cases", "--corpus"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    dump, what, top = argv[1], argv[2], argv[3]
    if what == "--corpus":
        top = os.environ.get("BLOGSEARCH_CORPUS") or top
        if not os.path.isdir(top):
            print(f"front_vs_python: {top} is not there; skipped")
            return 77
        counts, failures = corpus(dump, top)
        summary = (f"{counts['header']} '+++' headers, {counts['yaml']} '---' headers and "
                   f"{counts['whole']} .toml files ({counts['rejected']} of them rejected by "
                   f"Python)")
    else:
        n, failures = cases(dump, top)
        summary = f"{n} cases"
    for f in failures:
        print(f)
    print(f"front_vs_python: {summary}: {len(failures)} differ")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
