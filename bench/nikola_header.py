"""nikola_header.py: the header of a Nikola post, for the bench scripts that
read posts themselves (peer_sphinx.py, relevance_xapian.py)."""
import re

HEADER_RE = re.compile(r"^\.\.\s+([A-Za-z_][\w-]*):(?:[ \t]+(.*))?$")


def parse_post(text):
    """Nikola post -> (fields dict, body). The header is the leading run of
    `.. key: value` lines, up to the first blank line."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    fields = {}
    i = 0
    while i < len(lines):
        line = lines[i].rstrip("\r")
        if not line.strip():
            i += 1  # the blank line that ends the header
            break
        m = HEADER_RE.match(line)
        if not m:
            break  # no (more) header: the rest is body
        fields[m.group(1).lower()] = (m.group(2) or "").strip()
        i += 1
    if not fields:
        return {}, text
    return fields, "\n".join(lines[i:])
