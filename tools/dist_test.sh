#!/usr/bin/env bash
# Distributed testing with torchrun: bash tools/dist_test.sh [CONFIG] CHECKPOINT GPUS [ARGS...]
# Without CONFIG the model, data and evaluation are the ones the checkpoint records.
# Multi-node: set NNODES, NODE_RANK, MASTER_ADDR and PORT in the environment.
# On a machine without a GPU the processes run on the CPU with gloo.
set -euo pipefail
if [[ "${2:-}" =~ ^[0-9]+$ ]]; then  # CHECKPOINT GPUS [ARGS...]
    PATHS=("$1")
    GPUS=$2
    shift 2
else  # CONFIG CHECKPOINT GPUS [ARGS...]
    PATHS=("$1" "$2")
    GPUS=$3
    shift 3
fi
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-"127.0.0.1"}
# The project's virtual environment when there is one (PYTHON overrides).
if [ -x "$(dirname "$0")/../.venv/bin/python" ]; then
    PYTHON=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
else
    PYTHON=${PYTHON:-python}
fi

PYTHONPATH="$(dirname "$0")/..${PYTHONPATH:+:$PYTHONPATH}" \
exec "$PYTHON" -m torch.distributed.run \
    --nnodes="$NNODES" \
    --node_rank="$NODE_RANK" \
    --master_addr="$MASTER_ADDR" \
    --nproc_per_node="$GPUS" \
    --master_port="$PORT" \
    "$(dirname "$0")/test.py" \
    "${PATHS[@]}" \
    --launcher pytorch "$@"
