#!/usr/bin/env bash
# Create .venv with everything clae_mm needs (idempotent). Usage: bash scripts/setup_env.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r requirements/runtime.txt -r requirements/tests.txt
.venv/bin/python -m pip install -q --no-build-isolation --no-deps -e .
