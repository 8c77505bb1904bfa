#!/usr/bin/env bash
# Set up .venv (if needed) and run the test suite on the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
CUDA_VISIBLE_DEVICES= .venv/bin/python -m pytest -q tests "$@"
