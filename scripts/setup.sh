#!/usr/bin/env bash
# Set up movequal in ./.venv. With --dev: test tools too, plus Debian's chromium (browser tests)
# and postgresql (database tests), installed with apt-get when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
[ "${1:-}" = "--dev" ] && dev=1
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
if [ "$dev" = 1 ]; then
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    missing=()
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
    if [ "${#missing[@]}" -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
else
    .venv/bin/python -m pip install --quiet -e .
fi
.venv/bin/movequal models pull full
.venv/bin/movequal models pull lite   # live sessions default to the lite model
