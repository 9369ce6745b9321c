#!/usr/bin/env bash
# Make sure a Chrome/Chromium exists for static export (kaleido) and browser tests, and fonts for the
# scripts the data may hold: Latin and Cyrillic (Liberation, DejaVu) and Korean/Chinese/Japanese (Noto CJK).
set -euo pipefail
have_browser=""
for candidate in "${BROWSER_PATH:-}" chromium chromium-browser google-chrome google-chrome-stable; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
    have_browser=1
    break
  fi
done
have_cjk=""
if command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ko family)" ]; then
  have_cjk=1
fi
[ -n "$have_browser" ] && [ -n "$have_cjk" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  packages="fonts-liberation fonts-dejavu-core fonts-noto-cjk"
  [ -z "$have_browser" ] && packages="chromium $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's build of Chromium for automation, where the release has it: the browser tests run on it (a quarter
  # less CPU a page; tests/conftest.py), static export stays on chromium.
  if [ -z "$have_browser" ] && apt-cache show chromium-headless-shell >/dev/null 2>&1; then
    packages="$packages chromium-headless-shell"
  fi
  echo "Installing Debian's $packages..." >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $packages >/dev/null
  exit 0
fi
if [ -z "$have_browser" ]; then
  cat >&2 <<'MSG'
No Chrome/Chromium found, and this machine cannot install one with apt-get as root.
Static export (PNG/SVG/PDF) needs one. Either:
  * install Chrome or Chromium with your system's package manager, or
  * run  .venv/bin/plotly_get_chrome  (downloads a Chrome for kaleido), or
  * set BROWSER_PATH to an existing Chrome/Chromium executable.
MSG
  exit 1
fi
echo "No font for Korean (Noto CJK) found: Korean text prints as empty boxes in PNG/PDF (export warns)." >&2
