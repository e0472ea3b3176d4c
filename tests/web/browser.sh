#!/usr/bin/env bash
# The search box (www/) in headless chromium, driven by playwright-core
# (tests/browser/), against blogsearch.cgi behind lighttpd (server.sh): the
# search page, and the widget in a page of a blog's own (tests/browser/theme/).
# Usage: browser.sh BUILD_DIR. Exit 77 (skipped) without chromium, lighttpd
# or Node.js 20+.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
for need in "$CHROMIUM" node npm lighttpd curl python3; do
  if ! command -v "$need" >/dev/null 2>&1; then
    echo "browser.sh: skipped: $need is not installed" >&2
    exit 77
  fi
done
# playwright-core wants Node.js 20 or later (Debian 12's own is 18)
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "browser.sh: skipped: node $(node --version) is older than the 20 that playwright-core needs" >&2
  exit 77
fi
BUILD=$(realpath "$1")
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# playwright-core as the lock file pins it. npm ci starts from scratch each
# time, so it is skipped when every package the lock file names is installed
# at its version.
PKG=$SRC/tests/browser
if ! (cd "$PKG" && node -e '
  const fs = require("fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
  for (const [path, p] of Object.entries(lock)) {
    if (!path) continue;
    const have = JSON.parse(fs.readFileSync(path + "/package.json", "utf8"));
    if (have.version !== p.version) process.exit(1);
  }' 2>/dev/null); then
  npm ci --prefix "$PKG" --no-audit --no-fund --loglevel=error
fi

WEB=$(mktemp -d /tmp/bs-web-browser.XXXXXX)
cleanup() {
  web_stop
  rm -rf "$WEB"
}
# shellcheck source=server.sh
source "$SRC/tests/web/server.sh"
trap cleanup EXIT
web_start
# a page of a blog's own, with its own stylesheet, that embeds the widget
mkdir -p "$WEB/htdocs/theme"
cp "$PKG"/theme/* "$WEB/htdocs/theme/"

# every check at a desktop's and a phone's width, light and dark; each run
# writes its screenshots to BUILD_DIR/screenshots
status=0
for viewport in 1280x900 390x844; do
  for scheme in light dark; do
    for t in search widget; do
      BS_VIEWPORT=$viewport BS_SCHEME=$scheme BS_SHOTS=$BUILD/screenshots \
        node "$PKG/$t.test.mjs" "$BASE" || status=1
    done
  done
done
exit $status
