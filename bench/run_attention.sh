#!/usr/bin/env bash
# run_attention.sh — the text Transformer (vocabulary 20000, sequence 200, embed 32, 2 heads, ff 32,
# batch 32) trained by brain (bench/bench_attention.c) and by PyTorch (bench/peers/
# torch_text_transformer.py, the same blocks written out), alternately, ROUNDS times (default 3) at
# 1 and 2 threads; the attention's share of brain's step and the FLOP/s; batch-1 and batch-256
# inference of the same trained weights in brain and in ONNX Runtime (brain's ONNX export; the
# ORT peer checks its outputs against brain's first); then one training step's peak RSS at
# sequence length 200, 1000 and 4000 (batch 1).  A summary (median and min–max per figure) ends
# the output; every figure is printed with the load average at the time.
# Pythons: BRAIN_PEER_PYTHON (torch; default /tmp/attn-venv/bin/python, made with pip install torch
# if missing) and BRAIN_ORT_PYTHON (onnxruntime + numpy; default /tmp/export-venv/bin/python).
# Usage: bench/run_attention.sh   (BUILD=dir for another build folder; N_TRAIN (2048), EPOCHS (3), ROUNDS (3))
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROUNDS=${ROUNDS:-3}
N_TRAIN=${N_TRAIN:-2048}
EPOCHS=${EPOCHS:-3}
VENV=${VENV:-/tmp/attn-venv}
PEER_PY=${BRAIN_PEER_PYTHON:-$VENV/bin/python}
ORT_PY=${BRAIN_ORT_PYTHON:-/tmp/export-venv/bin/python}
if [ ! -x "$PEER_PY" ] || ! "$PEER_PY" -c "import torch" 2>/dev/null; then
    echo "setting up $VENV (pip install torch) ..." >&2
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --progress-bar off torch >&2
    PEER_PY=$VENV/bin/python
fi
cmake --build "$BUILD" -j2 --target bench_attention >/dev/null
PEER="$ROOT/bench/peers/torch_text_transformer.py"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
load() { cut -d' ' -f1 /proc/loadavg; }
run() { local line; line=$("$@" | grep '^RESULT'); echo "$line load=$(load)"; }
{
for r in $(seq 1 "$ROUNDS"); do
    for th in 1 2; do
        run env OMP_NUM_THREADS=$th "$BUILD/bench_attention" train "$th" "$N_TRAIN" "$EPOCHS"
        run "$PEER_PY" "$PEER" train "$th" "$N_TRAIN" "$EPOCHS"
    done
done
run env OMP_NUM_THREADS=1 "$BUILD/bench_attention" share 1 512
for th in 1 2; do
    run env OMP_NUM_THREADS=$th "$BUILD/bench_attention" infer "$OUT" "$th"
    if [ -x "$ORT_PY" ] && "$ORT_PY" -c "import onnxruntime" 2>/dev/null; then run "$ORT_PY" "$ROOT/bench/peers/ort_text_transformer.py" "$OUT" "$th"
    else echo "(no onnxruntime at $ORT_PY: set BRAIN_ORT_PYTHON)"; fi
done
for L in 200 1000 4000; do
    run env OMP_NUM_THREADS=1 "$BUILD/bench_attention" memory "$L" 1
    run "$PEER_PY" "$PEER" memory "$L" 1
done
} | tee "$OUT/results.txt"
echo
echo "summary (median [min-max] over rounds; load = 1-minute load average at each run):"
awk '/^RESULT/ {
    key = ""; val = ""; ld = "";
    for (i = 2; i <= NF; i++) { split($i, kv, "=");
        if (kv[1] == "impl" || kv[1] == "mode" || kv[1] == "threads" || kv[1] == "L") key = key " " $i;
        if (kv[1] == "samples_per_s" || kv[1] == "max_rss_mb" && $0 ~ /mode=memory/) val = kv[2];
        if (kv[1] == "load") ld = kv[2]; }
    if (val != "") { n[key]++; v[key, n[key]] = val; l[key] = l[key] " " ld } }
END { for (k in n) { m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i];
        for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
        med = m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2;
        printf "%-60s %10.1f [%s-%s] loads%s\n", k, med, a[1], a[m], l[k] } }' "$OUT/results.txt" | sort
