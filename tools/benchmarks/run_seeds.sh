#!/usr/bin/env bash
# Train CONFIG with N seeds (0..N-1), evaluate each run with the kNN and the
# linear probe, and print the mean +- std table:
#
#   bash tools/benchmarks/run_seeds.sh CONFIG N [GPUS]
#
# Each seed trains in $WORK_ROOT/seed_<s> (default WORK_ROOT:
# work_dirs/<config name>), with torchrun when GPUS > 1. Environment:
#   WORK_ROOT     where the seed runs go
#   DATA_ROOT     passed as --data-root to every step
#   CFG_OPTIONS   extra --cfg-options for training and evaluation (one string)
#   PROBE_ARGS    extra arguments of linear_eval.py (e.g. "--epochs 200")
#   SEEDS         the seeds to run instead of 0..N-1 (e.g. "2" to add a third seed)
#   PROBE_CHECKPOINT  which checkpoint the linear probe scores:
#                 last      the last one (default; nothing selected on the test set)
#                 best-knn  the one of best kNN test top-1 during training, as the authors
#                           probe Plain and UEL (their `_best`; selected on the test set, and
#                           the probe's JSON says so). Training then keeps a checkpoint at every
#                           kNN evaluation; once the probe is done all but the best and the last
#                           are deleted (KEEP_CHECKPOINTS=all keeps them).
#   PYTHON        the interpreter (default: the project's .venv/bin/python if there is one,
#                 else python)
set -euo pipefail
ORIGINAL_ARGS=("$@")
if [ $# -lt 2 ]; then
    echo "usage: bash $0 CONFIG N [GPUS]" >&2
    exit 2
fi
CONFIG=$1
N=$2
GPUS=${3:-1}
HERE="$(cd "$(dirname "$0")" && pwd)"
TOOLS="$(dirname "$HERE")"
if [ -x "$(dirname "$TOOLS")/.venv/bin/python" ]; then
    PYTHON=${PYTHON:-$(dirname "$TOOLS")/.venv/bin/python}
else
    PYTHON=${PYTHON:-python}
fi
PROBE_CHECKPOINT=${PROBE_CHECKPOINT:-last}
case "$PROBE_CHECKPOINT" in
    last|best-knn) ;;
    *) echo "error: PROBE_CHECKPOINT=$PROBE_CHECKPOINT; use last or best-knn" >&2; exit 2 ;;
esac
NAME="$(basename "${CONFIG%.py}")"
WORK_ROOT=${WORK_ROOT:-work_dirs/$NAME}
PORT=${PORT:-29500}
export PYTHONPATH="$(dirname "$TOOLS")${PYTHONPATH:+:$PYTHONPATH}"

DATA_ARGS=()
if [ -n "${DATA_ROOT:-}" ]; then DATA_ARGS=(--data-root "$DATA_ROOT"); fi
read -r -a EXTRA_OPTIONS <<< "${CFG_OPTIONS:-}"
read -r -a PROBE_EXTRA <<< "${PROBE_ARGS:-}"
CFG_ARGS=()
if [ ${#EXTRA_OPTIONS[@]} -gt 0 ]; then CFG_ARGS=(--cfg-options "${EXTRA_OPTIONS[@]}"); fi
KEEP_OPTIONS=()  # best-knn: a checkpoint at every kNN evaluation, none deleted during training
if [ "$PROBE_CHECKPOINT" = best-knn ]; then
    KEEP="$("$PYTHON" "$HERE/best_knn_checkpoint.py" "$CONFIG" --training-options "${CFG_ARGS[@]}")"
    read -r -a KEEP_OPTIONS <<< "$KEEP"
fi

launch() {  # launch SCRIPT ARGS...: one process, or torchrun over GPUS processes
    local script=$1; shift
    if [ "$GPUS" -gt 1 ]; then
        "$PYTHON" -m torch.distributed.run --nproc_per_node="$GPUS" --master_port="$PORT" \
            "$script" "$@" --launcher pytorch
    else
        "$PYTHON" "$script" "$@"
    fi
}

read -r -a SEED_LIST <<< "${SEEDS:-$(seq -s ' ' 0 $((N - 1)))}"
for seed in "${SEED_LIST[@]}"; do
    WORK_DIR="$WORK_ROOT/seed_$seed"
    echo "=== seed $seed: $WORK_DIR"
    started=$(date +%s.%N)
    load_started=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo nan)
    launch "$TOOLS/train.py" "$CONFIG" --work-dir "$WORK_DIR" "${DATA_ARGS[@]}" \
        --cfg-options randomness.seed="$seed" "${EXTRA_OPTIONS[@]}" "${KEEP_OPTIONS[@]}"
    trained=$(date +%s.%N)
    load_trained=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo nan)
    CHECKPOINT="$(cat "$WORK_DIR/last_checkpoint")"
    PROBED=("$CHECKPOINT")
    if [ "$PROBE_CHECKPOINT" = best-knn ]; then PROBED=("$WORK_DIR" --best-knn); fi
    launch "$HERE/knn_eval.py" "$CONFIG" "$CHECKPOINT" "${DATA_ARGS[@]}" "${CFG_ARGS[@]}" \
        --work-dir "$WORK_DIR/eval" --out "$WORK_DIR/knn_eval.json" --overwrite
    launch "$HERE/linear_eval.py" "$CONFIG" "${PROBED[@]}" "${DATA_ARGS[@]}" "${CFG_ARGS[@]}" \
        --work-dir "$WORK_DIR/eval" --out "$WORK_DIR/linear_eval.json" --overwrite "${PROBE_EXTRA[@]}"
    if [ "$PROBE_CHECKPOINT" = best-knn ] && [ "${KEEP_CHECKPOINTS:-}" != all ]; then
        "$PYTHON" "$HERE/best_knn_checkpoint.py" "$WORK_DIR" --prune > /dev/null
    fi
    # Wall time of the run (training, then both scores), for the result tables.
    "$PYTHON" -c 'import json, shlex, sys; t0, t1, t2 = map(float, sys.argv[2:5])
from clae_mm.evaluation.provenance import provenance
made = dict(provenance(config=sys.argv[9]), command=shlex.join(sys.argv[12:]))
json.dump(dict(
        result_type="run_time", config=sys.argv[5], seed=int(sys.argv[6]), host_cpus=int(sys.argv[7]),
        threads=int(sys.argv[8] or sys.argv[7]),  # OMP_NUM_THREADS, else one per CPU (torch)
        train_s=round(t1 - t0, 1), score_s=round(t2 - t1, 1), total_s=round(t2 - t0, 1),
        # 1-minute load average when training started and ended: was the run alone?
        load_average=dict(train_start=float(sys.argv[10]), train_end=float(sys.argv[11])),
        provenance=made),
        open(sys.argv[1], "w"), indent=2)' "$WORK_DIR/run_time.json" "$started" "$trained" \
        "$(date +%s.%N)" "$NAME" "$seed" "$(nproc --all)" \
        "${OMP_NUM_THREADS:-}" "$CONFIG" "$load_started" "$load_trained" "$0" "${ORIGINAL_ARGS[@]}"
done
"$PYTHON" "$TOOLS/analysis/summarize_results.py" "$WORK_ROOT"
