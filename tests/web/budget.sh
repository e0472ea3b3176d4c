#!/usr/bin/env bash
# The search box's weight: what a page loads for it (www/search.js and
# www/search.css), gzipped as a web server sends them, stays under the
# 15 KB that docs/widget.md promises.
# Usage: budget.sh SOURCE_DIR
set -euo pipefail
SRC=$1
LIMIT=15360
total=0
for f in "$SRC/www/search.js" "$SRC/www/search.css"; do
  n=$(gzip -9c "$f" | wc -c)
  echo "$(basename "$f"): $(wc -c <"$f") bytes, $n gzipped"
  total=$((total + n))
done
echo "the box: $total bytes gzipped (at most $LIMIT)"
[ "$total" -le "$LIMIT" ] || { echo "FAIL: the search box weighs $total bytes gzipped, over $LIMIT" >&2; exit 1; }
