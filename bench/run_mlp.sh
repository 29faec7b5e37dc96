#!/usr/bin/env bash
# run_mlp.sh — the lecture's tabular MLP (breast cancer, Dense(64 relu) → Dropout(0.5) →
# Dense(1 sigmoid), Adam 1e-3, batch 32, 100 epochs) trained by brain (bench/bench_mlp.c) and by
# PyTorch (bench/peers/torch_mlp.py) in one run: builds if needed, runs ours and the peer
# alternately ROUNDS times each (default 3), prints a table of medians and ratios.
#
# Usage: bench/run_mlp.sh            (from anywhere; BUILD=dir to use another build folder)
#        ROUNDS=5 bench/run_mlp.sh
# The peer runs as its README prescribes: env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1
# /usr/bin/python3 (torch keeps its 2 threads); nothing else is pinned.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROUNDS=${ROUNDS:-3}
PY=${PYTHON:-/usr/bin/python3}

if [ ! -x "$BUILD/bench_mlp" ] || [ ! -x "$BUILD/bench_alloc" ] ||
   [ -n "$(find "$ROOT/src" "$ROOT/include" "$ROOT/bench/bench_mlp.c" "$ROOT/bench/bench_alloc.c" -newer "$BUILD/bench_mlp" -print -quit)" ]; then
    echo "building $BUILD ..." >&2
    [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target bench_mlp bench_alloc >/dev/null
    touch "$BUILD/bench_mlp"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for r in $(seq 1 "$ROUNDS"); do
    echo "round $r/$ROUNDS: brain ..." >&2
    "$BUILD/bench_mlp" | grep '^RESULT ' | cut -c8- > "$TMP/ours_$r.json"
    echo "round $r/$ROUNDS: torch ..." >&2
    (cd "$ROOT/bench/peers" && env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$PY" torch_mlp.py) \
        | grep '^RESULT ' | cut -c8- > "$TMP/peer_$r.json"
done

"$BUILD/bench_alloc" > "$TMP/alloc.txt" || true

MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
"$PY" - "$TMP" "$ROUNDS" "$MODEL" "$(nproc)" <<'EOF'
import json, statistics, sys
tmp, rounds, model, nproc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ours = [json.load(open(f"{tmp}/ours_{r}.json")) for r in range(1, rounds + 1)]
peer = [json.load(open(f"{tmp}/peer_{r}.json")) for r in range(1, rounds + 1)]
med = lambda rs, k: statistics.median(r[k] for r in rs)
o_sps, p_sps = med(ours, "train_samples_per_s"), med(peer, "train_samples_per_s")
o_lat, p_lat = med(ours, "infer_latency_1_us"), med(peer, "infer_latency_1_us")
o_thr, p_thr = med(ours, "infer_b256_samples_per_s"), med(peer, "infer_b256_samples_per_s")
print(f"machine: {model}, nproc {nproc}; torch {peer[0]['torch']}; brain sgemm backend: {ours[0]['sgemm_backend']}")
print(f"medians of {rounds} alternating runs each (per-run values below the table)\n")
row = "| {:<40} | {:>14} | {:>14} | {:>9} |"
print(row.format("figure", "brain", "PyTorch", "ratio"))
print(row.format("-" * 40, "-" * 14, "-" * 14, "-" * 9))
print(row.format("training samples/s (batch 32, loss only)", f"{o_sps:,.0f}", f"{p_sps:,.0f}", f"{o_sps / p_sps:.1f}x"))
print(row.format("training samples/s, metrics=['accuracy']", f"{med(ours, 'train_samples_per_s_acc'):,.0f}", "—",
                 f"{med(ours, 'train_samples_per_s_acc') / p_sps:.1f}x"))
print(row.format("1-row predict latency, µs", f"{o_lat:.2f}", f"{p_lat:.1f}", f"{p_lat / o_lat:.1f}x lower"))
print(row.format("1-row brain_model_forward latency, µs", f"{med(ours, 'forward_latency_1_us'):.2f}", "—",
                 f"{p_lat / med(ours, 'forward_latency_1_us'):.1f}x lower"))
print(row.format("batch-256 inference samples/s", f"{o_thr:,.0f}", f"{p_thr:,.0f}", f"{o_thr / p_thr:.1f}x"))
print(row.format("peak RSS, MB", f"{med(ours, 'max_rss_mb'):.1f}", f"{med(peer, 'max_rss_mb'):.1f}",
                 f"{med(peer, 'max_rss_mb') / med(ours, 'max_rss_mb'):.0f}x less"))
print(row.format("test accuracy", f"{med(ours, 'test_acc'):.4f}", f"{med(peer, 'test_acc'):.4f}", ""))
print()
print("per run, brain samples/s:  ", [round(r["train_samples_per_s"]) for r in ours])
print("per run, torch samples/s:  ", [round(r["train_samples_per_s"]) for r in peer])
print("per run, brain latency µs: ", [r["infer_latency_1_us"] for r in ours])
print("per run, torch latency µs: ", [r["infer_latency_1_us"] for r in peer])
EOF
echo
echo "allocation check (bench_alloc: allocations inside brain_fit's training steps after the first):"
sed 's/^/  /' "$TMP/alloc.txt"
