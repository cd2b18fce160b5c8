#!/usr/bin/env bash
# The e2e tests drive Debian's Chromium (Playwright must not download its own browser).
# Installs it with apt-get when it is missing and we are root; otherwise says what to do.
set -euo pipefail
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ringlab: Chromium not found at $CHROMIUM; installing Debian's chromium package…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
fi
echo "ringlab: the end-to-end tests need Chromium at $CHROMIUM (Debian: sudo apt-get install chromium)," >&2
echo "or set CHROMIUM_PATH to another Chromium binary." >&2
exit 1
