#!/usr/bin/env bash
# Install everything the test suite needs on a fresh machine, then run it.
# This is README's test command and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[test]"

python3 -m pytest "$@"
