#!/usr/bin/env bash
# Make sure a Chrome/Chromium exists for static export (kaleido) and browser tests.
set -euo pipefail
for candidate in "${BROWSER_PATH:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
    exit 0
  fi
done
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "No Chrome/Chromium found: installing Debian's chromium..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-liberation fonts-dejavu-core >/dev/null
  exit 0
fi
cat >&2 <<'MSG'
No Chrome/Chromium found, and this machine cannot install one with apt-get as root.
Static export (PNG/SVG/PDF) needs one. Either:
  * install Chrome or Chromium with your system's package manager, or
  * run  .venv/bin/plotly_get_chrome  (downloads a Chrome for kaleido), or
  * set BROWSER_PATH to an existing Chrome/Chromium executable.
MSG
exit 1
