#!/usr/bin/env bash
# Testing on a Slurm cluster: bash tools/slurm_test.sh PARTITION JOB_NAME [CONFIG] CHECKPOINT [ARGS...]
# Without CONFIG the model, data and evaluation are the ones the checkpoint records.
# GPUS (default 8), GPUS_PER_NODE (default 8), CPUS_PER_TASK (default 5) and
# SRUN_ARGS come from the environment.
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
if [[ "${4:-}" != "" && "${4:0:1}" != "-" ]]; then  # CONFIG CHECKPOINT [ARGS...]
    PATHS=("$3" "$4")
    shift 4
else  # CHECKPOINT [ARGS...]
    PATHS=("$3")
    shift 3
fi
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
# The project's virtual environment when there is one (PYTHON overrides).
if [ -x "$(dirname "$0")/../.venv/bin/python" ]; then
    PYTHON=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
else
    PYTHON=${PYTHON:-python}
fi

PYTHONPATH="$(dirname "$0")/..${PYTHONPATH:+:$PYTHONPATH}" \
srun -p "${PARTITION}" \
    --job-name="${JOB_NAME}" \
    --gres=gpu:"${GPUS_PER_NODE}" \
    --ntasks="${GPUS}" \
    --ntasks-per-node="${GPUS_PER_NODE}" \
    --cpus-per-task="${CPUS_PER_TASK}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS} \
    "$PYTHON" -u "$(dirname "$0")/test.py" "${PATHS[@]}" --launcher="slurm" "$@"
