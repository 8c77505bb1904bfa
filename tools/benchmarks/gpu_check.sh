#!/usr/bin/env bash
# The GPU check of issue 16, in one command (at most 8 minutes on a CUDA machine):
#
#     bash tools/benchmarks/gpu_check.sh OUT_DIR [gpu_check.py options]
#
# Writes OUT_DIR/gpu_check.json and OUT_DIR/gpu_check.md (OUT_DIR defaults to $OUT).
# The parts share a 450 s budget (--budget-s) and each has its own limit (see
# gpu_check.py); `timeout` stops the whole run at 480 s whatever happens, and the
# JSON and the summary are rewritten after every part, so a stopped run keeps
# what it measured. Uses the checkout's .venv when there is one (PYTHON overrides it); nothing
# is downloaded.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ $# -gt 0 && "$1" != -* ]]; then
    out="$1"
    shift
else
    out="${OUT:-}"
fi
if [[ -z "$out" ]]; then
    echo "usage: bash tools/benchmarks/gpu_check.sh OUT_DIR [gpu_check.py options] (or set \$OUT)" >&2
    exit 2
fi
python="${PYTHON:-$repo/.venv/bin/python}"
[[ -x "$python" ]] || python="$(command -v python3 || command -v python)"
mkdir -p "$out"
limit="${GPU_CHECK_TIMEOUT_S:-480}"
status=0
PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}" timeout --kill-after=10 "$limit" \
    "$python" "$repo/tools/benchmarks/gpu_check.py" "$out" "$@" || status=$?
if [[ $status -eq 124 || $status -eq 137 ]]; then
    echo "gpu_check: stopped at its ${limit} s limit; $out/gpu_check.json holds the parts that finished" >&2
fi
exit $status
