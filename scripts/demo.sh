#!/usr/bin/env bash
# The main job: set up .venv, train CLAE-SimCLR on the real Fashion-MNIST on the
# CPU (configs/demo/), then compare its kNN accuracy with the same encoder at
# initialisation and with k-NN on raw pixels (same protocol), and show the
# committed benchmark's baseline vs CLAE figures.
# Usage: bash scripts/demo.sh [extra tools/train.py arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=/usr/share/datasets/fashion-mnist
if [ ! -f "$DATA/train-images-idx3-ubyte.gz" ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist
    else
        echo "Fashion-MNIST not found in $DATA: run 'sudo apt-get install dataset-fashion-mnist'" >&2
        exit 2
    fi
fi
bash scripts/setup_env.sh
CONFIG=configs/demo/clae_simclr_r18w8_fashion_mnist.py
WORK_DIR=${WORK_DIR:-work_dirs/demo_clae_simclr_fashion_mnist}
.venv/bin/python tools/train.py "$CONFIG" --work-dir "$WORK_DIR" "$@"
.venv/bin/python tools/benchmarks/knn_eval.py "$CONFIG" "$WORK_DIR/epoch_3.pth" --feature pixels \
    --work-dir "$WORK_DIR/raw_pixels" --out "$WORK_DIR/knn_raw_pixels.json" --overwrite --no-progress
.venv/bin/python tools/analysis/demo_summary.py "$WORK_DIR"
# The raw-pixel floor at its own best sigma on the validation split (0.01, docs/experiments.md):
# the demo's sigma (0.02) is the encoder's best, so this is the stronger floor.
echo
.venv/bin/python tools/benchmarks/knn_eval.py "$CONFIG" "$WORK_DIR/epoch_3.pth" --feature pixels \
    --sigma 0.01 --work-dir "$WORK_DIR/raw_pixels_sigma0.01" \
    --out "$WORK_DIR/knn_raw_pixels_sigma0.01.json" --overwrite --no-progress 2>&1 | grep '^kNN (pixels'
# Baseline vs CLAE and their seed-to-seed noise: the committed Fashion-MNIST benchmark's SimCLR
# rows (the paper's SimCLR settings at CPU size, 3 seeds; docs/experiments.md).
if [ -d docs/results/fashion_mnist ]; then
    echo
    echo "Fashion-MNIST benchmark, SimCLR (configs/fashion_mnist/, 3 seeds, committed results):"
    .venv/bin/python tools/analysis/summarize_results.py docs/results/fashion_mnist --method simclr
fi
