#!/usr/bin/env bash
# Set up .venv (if needed) and run the test suite on the CPU.
# Two pytest-xdist workers, one module each at a time (--dist loadscope keeps a module's
# fixtures in one worker), each with one OpenMP thread: the tests run tiny models (tools
# through their main(argv) in the worker's process) that gain nothing from more threads, so a
# serial run would leave the second core idle. Extra arguments go to pytest (e.g. `-n 0` for a
# serial run, `-k resume`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
CUDA_VISIBLE_DEVICES= OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} \
    .venv/bin/python -m pytest -q -n "${TEST_WORKERS:-2}" --dist loadscope tests "$@"
