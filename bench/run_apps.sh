#!/usr/bin/env bash
# run_apps.sh — forward pass of MobileNetV2 (alpha 1.0) and ResNet50 at 224x224, batch 1 and 32:
# brain (bench/bench_apps.c on Keras's .keras files) against PyTorch (torchvision's same
# architectures) and ONNX Runtime (torchvision's models exported by torch.onnx), in one run:
# ROUNDS rounds, each running brain, torch and ORT in turn on every case (rounds alternated);
# prints per case the median over rounds of each round's median time, its min–max over rounds,
# and the ratios; the load average before and after.
#
# Usage: bench/run_apps.sh MODEL_DIR        (MODEL_DIR from tools/keras_applications.py bench)
#        ROUNDS=3 THREADS=2 ITERS=5 ITERS32=2 BUILD=dir bench/run_apps.sh MODEL_DIR
# Pythons: BRAIN_PEER_PYTHON (torch + torchvision; default /tmp/vision-venv/bin/python),
#          BRAIN_ORT_PYTHON (onnxruntime; default /tmp/export-venv/bin/python).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
DIR=${1:?usage: run_apps.sh MODEL_DIR}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-2}
ITERS=${ITERS:-5}          # timed calls per run at batch 1
ITERS32=${ITERS32:-2}      # and at batch 32
TPY=${BRAIN_PEER_PYTHON:-/tmp/vision-venv/bin/python}
OPY=${BRAIN_ORT_PYTHON:-/tmp/export-venv/bin/python}
# Threads wait passively (OMP_WAIT_POLICY=passive for brain's and torch's OpenMP, no spinning in
# ORT's pool) unless SPIN=1: on a loaded machine a spinning thread burns the time slice its
# partner needs, which made every runtime 5-40x slower in our runs; all three get the same rule.
if [ "${SPIN:-0}" = 1 ]; then export OMP_WAIT_POLICY=active BRAIN_ORT_SPIN=1; else export OMP_WAIT_POLICY=passive BRAIN_ORT_SPIN=0; fi
echo "OMP_WAIT_POLICY=$OMP_WAIT_POLICY, threads $THREADS" >&2
[ -x "$BUILD/bench_apps" ] || cmake --build "$BUILD" -j2 --target bench_apps >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for m in mobilenet_v2 resnet50; do
    "$TPY" "$ROOT/bench/peers/torch_apps.py" --model $m --runtime export --onnx-dir "$TMP" 2>/dev/null | grep wrote >&2
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$TMP/load"
for r in $(seq 1 "$ROUNDS"); do
    for m in mobilenet_v2 resnet50; do
        for b in 1 32; do
            it=$ITERS; [ "$b" = 32 ] && it=$ITERS32
            echo "round $r: $m batch $b" >&2
            "$BUILD/bench_apps" "$DIR/${m}_224.keras" --batch $b --iters $it --warmup 1 --threads "$THREADS" |
                grep '^RESULT ' | cut -c8- > "$TMP/brain_${m}_${b}_$r"
            "$TPY" "$ROOT/bench/peers/torch_apps.py" --model $m --runtime torch --batch $b --iters $it --warmup 1 \
                --threads "$THREADS" 2>/dev/null | grep '^RESULT ' | cut -c8- > "$TMP/torch_${m}_${b}_$r"
            "$OPY" "$ROOT/bench/peers/torch_apps.py" --model $m --runtime ort --batch $b --iters $it --warmup 1 \
                --threads "$THREADS" --onnx-dir "$TMP" 2>/dev/null | grep '^RESULT ' | cut -c8- > "$TMP/ort_${m}_${b}_$r"
            echo "  brain $(cat "$TMP/brain_${m}_${b}_$r")  torch $(cat "$TMP/torch_${m}_${b}_$r")  ort $(cat "$TMP/ort_${m}_${b}_$r")" >&2
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
"$OPY" - "$TMP" "$ROUNDS" <<'PY'
import json, statistics, sys
tmp, rounds = sys.argv[1], int(sys.argv[2])
print(f"{'model':14s} {'batch':>5s} {'brain ms':>22s} {'torch ms':>22s} {'ORT ms':>22s} {'torch/brain':>11s} {'ORT/brain':>9s}")
for m in ("mobilenet_v2", "resnet50"):
    for b in (1, 32):
        med = {}
        cells = []
        for who in ("brain", "torch", "ort"):
            v = [json.load(open(f"{tmp}/{who}_{m}_{b}_{r}"))["ms_median"] for r in range(1, rounds + 1)]
            med[who] = statistics.median(v)
            cells.append(f"{med[who]:8.1f} ({min(v):.1f}-{max(v):.1f})")
        print(f"{m:14s} {b:5d} {cells[0]:>22s} {cells[1]:>22s} {cells[2]:>22s} {med['torch'] / med['brain']:11.2f} {med['ort'] / med['brain']:9.2f}")
PY
