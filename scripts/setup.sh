#!/usr/bin/env bash
# Install the tool into .venv, a virtual environment of its own: Debian's and Ubuntu's Python refuse
# `pip install` outside one (PEP 668). README's Quick start runs this; `bash scripts/setup.sh test` adds
# the test tools (scripts/test.sh does). Safe to run again: it reuses .venv and updates the install.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/pip ]; then
  rm -rf .venv
  if ! python3 -m venv .venv >/dev/null 2>&1; then
    # Debian ships venv's pip bootstrap (ensurepip) separately, in python3-venv.
    rm -rf .venv
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv .venv
  fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${1:+[$1]}"
