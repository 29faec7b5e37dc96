#!/usr/bin/env bash
# run_attention.sh — the text Transformer (vocabulary 20000, sequence 200, embed 32, 2 heads, ff 32,
# batch 32) trained by brain (bench/bench_attention.c) and by PyTorch (bench/peers/
# torch_text_transformer.py, the same blocks written out), alternately, ROUNDS times (default 3) at
# 1 and 2 threads; then one training step's peak RSS at sequence length 200, 1000 and 4000 (batch 1).
# PyTorch comes from PyPI into a venv (VENV, default /tmp/attn-venv: python3 -m venv, pip install torch).
# Usage: bench/run_attention.sh   (BUILD=dir for another build folder; N_TRAIN (2048), EPOCHS (3))
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROUNDS=${ROUNDS:-3}
N_TRAIN=${N_TRAIN:-2048}
EPOCHS=${EPOCHS:-3}
VENV=${VENV:-/tmp/attn-venv}
if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import torch" 2>/dev/null; then
    echo "setting up $VENV (pip install torch) ..." >&2
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --progress-bar off torch >&2
fi
cmake --build "$BUILD" -j2 --target bench_attention >/dev/null
PEER="$ROOT/bench/peers/torch_text_transformer.py"
for r in $(seq 1 "$ROUNDS"); do
    for th in 1 2; do
        OMP_NUM_THREADS=$th "$BUILD/bench_attention" train "$th" "$N_TRAIN" "$EPOCHS"
        "$VENV/bin/python" "$PEER" train "$th" "$N_TRAIN" "$EPOCHS"
    done
done
for L in 200 1000 4000; do
    OMP_NUM_THREADS=1 "$BUILD/bench_attention" memory "$L" 1
    "$VENV/bin/python" "$PEER" memory "$L" 1
done
