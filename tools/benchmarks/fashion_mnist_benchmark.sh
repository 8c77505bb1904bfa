#!/usr/bin/env bash
# The Fashion-MNIST Table 1 (docs/experiments.md): train and score every config of
# configs/fashion_mnist/ over seeds 0-4 with run_seeds.sh (kNN k=200 and the linear probe,
# 100 probe epochs), attack each encoder + probe with robust_eval.py (PGD-20 at 1/2/4/8 /255,
# AutoAttack at 2/255 on 1,000 images), score raw pixels under each method's protocol, and
# copy the small result JSONs to docs/results/fashion_mnist_table1/, from which
#   python tools/analysis/summarize_results.py docs/results/fashion_mnist_table1
# prints the table. Runs are ordered seed by seed; a run whose result files exist in WORK_ROOT
# is not trained again, so an interrupted benchmark goes on where it stopped when re-started.
#
#   bash tools/benchmarks/fashion_mnist_benchmark.sh [CONFIG...]
#
# Environment: SEEDS (default "0 1 2 3 4"), JOBS (runs at once, default 1; each run has
# OMP_NUM_THREADS=1 unless set), ROBUST (default 1; 0 skips robust_eval.py), PIXELS (default 1;
# 0 skips the raw-pixel floor), WORK_ROOT (default work_dirs/fashion_mnist_benchmark), RESULTS
# (default docs/results/fashion_mnist_table1), PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x .venv/bin/python ]; then PYTHON=${PYTHON:-.venv/bin/python}; else PYTHON=${PYTHON:-python}; fi
export PYTHON OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
export SEEDS=${SEEDS:-0 1 2 3 4} ROBUST=${ROBUST:-1}
export WORK_ROOT=${WORK_ROOT:-work_dirs/fashion_mnist_benchmark}
export RESULTS=${RESULTS:-docs/results/fashion_mnist_table1}
JOBS=${JOBS:-1}
if [ $# -gt 0 ]; then
    CONFIGS=("$@")
else
    CONFIGS=()
    for method in simclr plain uel; do
        CONFIGS+=("configs/fashion_mnist/${method}_r18w8_fashion_mnist.py"
                  "configs/fashion_mnist/${method}_r18w8_fashion_mnist_eps0.py")
    done
    # SimCLR's FLOP-matched baseline: eps 0 for 4 epochs, 1.09x the counted FLOPs of CLAE's 2
    CONFIGS+=("configs/fashion_mnist/simclr_r18w8_fashion_mnist_eps0_4e.py")
fi
export PROBE="--epochs 100 --no-progress"

run_one() {  # run_one SEED CONFIG: train and score one run, attack it, copy its results
    local seed=$1 config=$2 name work
    name="$(basename "${config%.py}")"
    work="$WORK_ROOT/$name/seed_$seed"
    if [ ! -f "$work/run_time.json" ]; then
        rm -rf "$work"  # an interrupted run starts again from nothing
        SEEDS=$seed WORK_ROOT="$WORK_ROOT/$name" PROBE_ARGS="$PROBE" \
            bash tools/benchmarks/run_seeds.sh "$config" 1
    fi
    if [ "$ROBUST" = 1 ] && [ ! -f "$work/robust_eval.json" ]; then
        "$PYTHON" tools/benchmarks/robust_eval.py "$config" "$(cat "$work/last_checkpoint")" \
            $PROBE --work-dir "$work/robust" --out "$work/robust_eval.json.part" \
            --overwrite
        mv "$work/robust_eval.json.part" "$work/robust_eval.json"
    fi
    mkdir -p "$RESULTS/$name/seed_$seed"
    cp "$work/"{knn_eval,linear_eval,run_time}.json "$RESULTS/$name/seed_$seed/"
    if [ -f "$work/robust_eval.json" ]; then cp "$work/robust_eval.json" "$RESULTS/$name/seed_$seed/"; fi
}
export -f run_one

for seed in $SEEDS; do
    for config in "${CONFIGS[@]}"; do printf '%s\n%s\n' "$seed" "$config"; done
done | xargs -d '\n' -n 2 -P "$JOBS" bash -c 'run_one "$@"' run_one

# The raw-pixel floor under each method's protocol (the weights of the checkpoint are not used).
if [ "${PIXELS:-1}" = 1 ]; then
    for config in "${CONFIGS[@]}"; do
        name="$(basename "${config%.py}")"
        case "$name" in *_eps0*) continue ;; esac
        checkpoint="$(cat "$WORK_ROOT/$name/seed_${SEEDS%% *}/last_checkpoint")"
        mkdir -p "$RESULTS/raw_pixels/$name"
        "$PYTHON" tools/benchmarks/knn_eval.py "$config" "$checkpoint" --feature pixels --no-progress \
            --work-dir "$WORK_ROOT/raw_pixels/$name" --out "$RESULTS/raw_pixels/$name/knn_eval.json" --overwrite
        "$PYTHON" tools/benchmarks/linear_eval.py "$config" "$checkpoint" --feature pixels $PROBE \
            --work-dir "$WORK_ROOT/raw_pixels/$name" --out "$RESULTS/raw_pixels/$name/linear_eval.json" --overwrite
    done
fi
"$PYTHON" tools/analysis/summarize_results.py "$RESULTS"
