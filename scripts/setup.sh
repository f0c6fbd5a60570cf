#!/usr/bin/env bash
# Set up movequal in ./.venv. With --dev: test tools too, plus Debian's chromium (browser tests)
# and postgresql (database tests); always pango + DejaVu fonts (PDF reports). apt-get installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dev=0
[ "${1:-}" = "--dev" ] && dev=1
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
# Python packages come from the hash-pinned lock files (regenerate: see their header), so every
# machine installs exactly the tested versions and pip refuses any file whose hash differs. The
# project itself then goes in without touching the index: --no-deps (all deps are in the lock) and
# --no-build-isolation (builds with the locked setuptools instead of fetching an unpinned one).
lock=requirements.lock
[ "$dev" = 1 ] && lock=requirements-dev.lock
.venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
# WeasyPrint (the PDF report) loads pango through ctypes and needs an offline font: Debian packages.
missing=()
compgen -G "/usr/lib/*/libpango-1.0.so.0" >/dev/null || missing+=(libpango-1.0-0)
compgen -G "/usr/lib/*/libpangoft2-1.0.so.0" >/dev/null || missing+=(libpangoft2-1.0-0)
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=(fonts-dejavu-core)
if [ "$dev" = 1 ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
.venv/bin/movequal models pull full
.venv/bin/movequal models pull lite   # live sessions default to the lite model
.venv/bin/movequal models pull web    # the live page's in-browser pose: tasks-vision WASM + bundle (lite model)
