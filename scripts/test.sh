#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it in .venv (see scripts/setup.sh).
# This is README's test command and what CI runs (.ci/run). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# System tools the tests drive: Debian's Chromium and Node.js (browser and accessibility tests),
# poppler-utils (pdftoppm, pdfinfo), mupdf-tools (mutool, a second PDF reader), and Poppler's bindings for
# Debian's own Python (python3-gi, gir1.2-poppler-0.18), with which the collect tests fill forms as Evince does.
missing=()
command -v npm >/dev/null || missing+=(nodejs npm)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
command -v mutool >/dev/null || missing+=(mupdf-tools)
/usr/bin/python3 -c "import gi; gi.require_version('Poppler', '0.18')" 2>/dev/null || missing+=(python3-gi gir1.2-poppler-0.18)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

bash scripts/setup.sh test  # the package and its test extra, into .venv
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

.venv/bin/python -m pytest "$@"
