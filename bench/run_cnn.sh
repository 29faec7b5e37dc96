#!/usr/bin/env bash
# run_cnn.sh — the lecture's CNN on Fashion-MNIST (Conv2D(32) → MaxPool → Conv2D(64) → MaxPool →
# Flatten → Dropout(0.5) → Dense(64) → Dense(10), Adam 1e-3, batch 32) trained by brain
# (bench/bench_cnn.c) and by PyTorch (bench/peers/torch_cnn_fmnist.py) in one run: builds if
# needed, runs ours and the peer alternately ROUNDS times each (default 3), prints a table of
# medians and ratios, and the convolutions' GFLOP/s beside brain_sgemm's on the same products.
#
# Usage: bench/run_cnn.sh                      (from anywhere; BUILD=dir for another build folder)
#        ROUNDS=5 EPOCHS=3 THREADS=2 N_TRAIN=0 bench/run_cnn.sh
# THREADS (default 2) is given to both: brain_set_num_threads and torch.set_num_threads.
# N_TRAIN > 0 trains on the first N_TRAIN images only (both sides), for a quicker run.
# The peer runs as its README prescribes: env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1
# /usr/bin/python3; nothing else is pinned.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROUNDS=${ROUNDS:-3}
EPOCHS=${EPOCHS:-2}
THREADS=${THREADS:-2}
N_TRAIN=${N_TRAIN:-0}
PY=${PYTHON:-/usr/bin/python3}

if [ ! -x "$BUILD/bench_cnn" ] ||
   [ -n "$(find "$ROOT/src" "$ROOT/include" "$ROOT/bench/bench_cnn.c" -newer "$BUILD/bench_cnn" -print -quit)" ]; then
    echo "building $BUILD ..." >&2
    [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target bench_cnn >/dev/null
    touch "$BUILD/bench_cnn"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for r in $(seq 1 "$ROUNDS"); do
    echo "round $r/$ROUNDS: brain ..." >&2
    "$BUILD/bench_cnn" --epochs "$EPOCHS" --threads "$THREADS" --n-train "$N_TRAIN" | grep '^RESULT ' | cut -c8- > "$TMP/ours_$r.json"
    echo "round $r/$ROUNDS: torch ..." >&2
    (cd "$ROOT/bench/peers" && env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$PY" torch_cnn_fmnist.py \
        --epochs "$EPOCHS" --threads "$THREADS" --n-train "$N_TRAIN") | grep '^RESULT ' | cut -c8- > "$TMP/peer_$r.json"
done

MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
"$PY" - "$TMP" "$ROUNDS" "$MODEL" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PYEOF'
import json, statistics, sys
tmp, rounds, model, nproc, load = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
ours = [json.load(open(f"{tmp}/ours_{r}.json")) for r in range(1, rounds + 1)]
peer = [json.load(open(f"{tmp}/peer_{r}.json")) for r in range(1, rounds + 1)]
med = lambda rs, k: statistics.median(r[k] for r in rs)
print(f"machine: {model}, nproc {nproc}, load average at the end {load}; torch {peer[0]['torch']} "
      f"({peer[0]['threads']} threads); brain sgemm backend: {ours[0]['sgemm_backend']} ({ours[0]['threads']} threads)")
print(f"{ours[0]['n_train']} training images, {ours[0]['epochs']} epochs; medians of {rounds} alternating runs each\n")
row = "| {:<38} | {:>12} | {:>12} | {:>12} |"
print(row.format("figure", "brain", "PyTorch", "ratio"))
print(row.format("-" * 38, "-" * 12, "-" * 12, "-" * 12))
o, p = med(ours, "train_samples_per_s"), med(peer, "train_samples_per_s")
print(row.format("training images/s (batch 32)", f"{o:,.0f}", f"{p:,.0f}", f"{o / p:.2f}x"))
o, p = med(ours, "infer_latency_1_us"), med(peer, "infer_latency_1_us")
print(row.format("batch-1 inference latency, µs", f"{o:.1f}", f"{p:.1f}", f"{p / o:.2f}x lower"))
print(row.format("batch-1 inference images/s", f"{1e6 / o:,.0f}", f"{1e6 / p:,.0f}", f"{p / o:.2f}x"))
o, p = med(ours, "infer_b256_samples_per_s"), med(peer, "infer_b256_samples_per_s")
print(row.format("batch-256 inference images/s", f"{o:,.0f}", f"{p:,.0f}", f"{o / p:.2f}x"))
print(row.format("peak RSS, MB", f"{med(ours, 'max_rss_mb'):.0f}", f"{med(peer, 'max_rss_mb'):.0f}", f"{med(peer, 'max_rss_mb') / med(ours, 'max_rss_mb'):.1f}x less"))
print(row.format("test accuracy", f"{med(ours, 'test_acc'):.4f}", f"{med(peer, 'test_acc'):.4f}", ""))
print()
for c in ("conv1", "conv2"):
    print(f"{c}: forward {med(ours, c + '_fwd_gflops'):.1f} GFLOP/s, training {med(ours, c + '_train_gflops'):.1f} GFLOP/s; "
          f"brain_sgemm on its forward product {med(ours, c + '_sgemm_gflops'):.1f} GFLOP/s")
print()
print("per run, brain train images/s: ", [round(r["train_samples_per_s"]) for r in ours])
print("per run, torch train images/s: ", [round(r["train_samples_per_s"]) for r in peer])
print("per run, brain latency µs:     ", [r["infer_latency_1_us"] for r in ours])
print("per run, torch latency µs:     ", [r["infer_latency_1_us"] for r in peer])
print("per pair, training ratio:      ", [round(a["train_samples_per_s"] / b["train_samples_per_s"], 2) for a, b in zip(ours, peer)])
PYEOF
