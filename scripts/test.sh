#!/usr/bin/env bash
# The whole test suite on a fresh machine: system packages, the package with every extra,
# then lint, types and tests. Run from the repository root: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then  # Debian's Chromium, for the documentation's browser tests
    if [ "$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; else
        sudo apt-get update -q && sudo apt-get install -y -q chromium; fi
fi
python -m pip install -q -e ".[dev]"

ruff check .
mypy --strict nnconv
python -m pytest -n 2 "$@"
