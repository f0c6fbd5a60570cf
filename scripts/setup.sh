#!/usr/bin/env bash
# Set up movequal in ./.venv. With --dev: test tools too, plus Debian's chromium
# for the browser tests (installed with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
[ "${1:-}" = "--dev" ] && dev=1
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$dev" = 1 ]; then
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    if ! command -v chromium >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
else
    .venv/bin/python -m pip install --quiet -e .
fi
.venv/bin/movequal models pull full
