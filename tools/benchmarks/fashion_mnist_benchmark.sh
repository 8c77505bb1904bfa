#!/usr/bin/env bash
# The Fashion-MNIST Table 1 (docs/experiments.md): train and score every config of
# configs/fashion_mnist/ over seeds 0, 1, 2 with run_seeds.sh (kNN k=200 and the linear probe,
# 100 probe epochs), score raw pixels under each method's protocol, and copy the small result
# JSONs to docs/results/fashion_mnist/, from which
#   python tools/analysis/summarize_results.py docs/results/fashion_mnist
# prints the table. Runs seed by seed, so an interrupted benchmark leaves whole seeds.
#
#   bash tools/benchmarks/fashion_mnist_benchmark.sh [CONFIG...]
#
# Environment: SEEDS (default "0 1 2"), WORK_ROOT (default work_dirs/fashion_mnist_benchmark),
# RESULTS (default docs/results/fashion_mnist), PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -x .venv/bin/python ]; then PYTHON=${PYTHON:-.venv/bin/python}; else PYTHON=${PYTHON:-python}; fi
export PYTHON
SEEDS=${SEEDS:-0 1 2}
WORK_ROOT=${WORK_ROOT:-work_dirs/fashion_mnist_benchmark}
RESULTS=${RESULTS:-docs/results/fashion_mnist}
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
PROBE="--epochs 100 --no-progress"

for seed in $SEEDS; do
    for config in "${CONFIGS[@]}"; do
        name="$(basename "${config%.py}")"
        SEEDS=$seed WORK_ROOT="$WORK_ROOT/$name" PROBE_ARGS="$PROBE" \
            bash tools/benchmarks/run_seeds.sh "$config" 1
        mkdir -p "$RESULTS/$name/seed_$seed"
        cp "$WORK_ROOT/$name/seed_$seed/"{knn_eval,linear_eval,run_time}.json \
            "$RESULTS/$name/seed_$seed/"
    done
done

# The raw-pixel floor under each method's protocol (the weights of the checkpoint are not used).
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
"$PYTHON" tools/analysis/summarize_results.py "$RESULTS"
