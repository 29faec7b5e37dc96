#!/usr/bin/env bash
# The main job: install what is missing, build, and train the lecture's model on the
# built-in breast cancer data (stratified split, scaler, Dense-Dropout-Dense, Adam,
# EarlyStopping), printing test loss, accuracy, precision, recall and AUC.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
exec ./build/brain train "$@"
