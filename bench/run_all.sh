#!/usr/bin/env bash
# run_all.sh — issue 13's whole table in one command: every workload (tabular MLP, dense
# 784→128→64→10, lecture CNN, LSTM(64) ECG, Embedding+LSTM(64) text) × {training samples/s,
# batch-1 latency, batch-256 throughput, peak RSS of an inference-only process} × {1, 2 threads}
# × {brain, PyTorch 2.x, PyTorch 1.13, ONNX Runtime on brain's exported weights}; then the
# thread-policy check (brain's default thread setting against 1 thread, quiet and beside a busy
# loop pinned on one core) and the machine's measured FMA peak.  Writes bench/RESULTS.md.
#
# Usage: bench/run_all.sh          full table, ~10-15 min on a quiet 2-core machine
#        bench/run_all.sh --quick  the CI budget: ≤ 1 min (small sizes, 1 round, 1 thread,
#                                  no torch 1.13, no busy case) — checks that everything runs
# Environment:
#   BRAIN_PEER_PYTHON      python with torch 2.x   (default /tmp/brain-peers/bin/python, made by
#                          bench/setup_peers.sh; else /tmp/attn-venv/bin/python)
#   BRAIN_ORT_PYTHON       python with onnxruntime (default: BRAIN_PEER_PYTHON if it has it, else
#                          /tmp/export-venv/bin/python)
#   BRAIN_OLD_PEER_PYTHON  python with Debian's torch 1.13 (default /usr/bin/python3; its column
#                          is left out when it has no torch)
#   BUILD (default build/), ROUNDS (3), THREADS ("1 2"), WORKLOADS ("mlp dense cnn ecg text"),
#   OUT (default bench/RESULTS.md), NO_BUSY=1 skips the busy-process case.
# Rounds alternate the order of the sides (round 1 brain first, round 2 peers first, ...); the
# report gives medians over rounds and, for every ratio, the min–max of the per-round ratios.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
T_START=$(date +%s)

pick() { for p in "$@"; do [ -x "$p" ] && { echo "$p"; return; }; done; echo ""; }
PEER=${BRAIN_PEER_PYTHON:-$(pick /tmp/brain-peers/bin/python /tmp/attn-venv/bin/python)}
if [ -z "${BRAIN_ORT_PYTHON:-}" ]; then
    if [ -n "$PEER" ] && "$PEER" -c 'import onnxruntime' 2>/dev/null; then ORT=$PEER
    else ORT=$(pick /tmp/export-venv/bin/python); fi
else ORT=$BRAIN_ORT_PYTHON; fi
OLD=${BRAIN_OLD_PEER_PYTHON:-/usr/bin/python3}
[ -n "$PEER" ] && "$PEER" -c 'import torch' 2>/dev/null || { echo "no PyTorch 2.x (run bench/setup_peers.sh)" >&2; PEER=""; }
[ -n "$ORT" ] && "$ORT" -c 'import onnxruntime' 2>/dev/null || { echo "no onnxruntime (run bench/setup_peers.sh)" >&2; ORT=""; }
[ $QUICK = 0 ] && "$OLD" -c 'import torch' 2>/dev/null || OLD=""
STATS_PY=$(for p in "$ORT" "$PEER" /usr/bin/python3; do [ -n "$p" ] && "$p" -c "import numpy" 2>/dev/null && { echo "$p"; break; }; done)

if [ $QUICK = 1 ]; then
    ROUNDS=${ROUNDS:-1}; THREADS=${THREADS:-1}; OLD=""; NO_BUSY=1; ITERS=100
    declare -A NTR=([mlp]=455 [dense]=512 [cnn]=256 [ecg]=128 [text]=96) EP=([mlp]=20 [dense]=2 [cnn]=2 [ecg]=2 [text]=2)
    declare -A ROWS=([mlp]=1024 [dense]=512 [cnn]=256 [ecg]=256 [text]=256)
    NDATA="1024 1024"
else
    ROUNDS=${ROUNDS:-3}; THREADS=${THREADS:-1 2}; ITERS=1000
    declare -A NTR=([mlp]=455 [dense]=4000 [cnn]=1500 [ecg]=640 [text]=480) EP=([mlp]=100 [dense]=4 [cnn]=3 [ecg]=3 [text]=3)
    declare -A ROWS=([mlp]=2048 [dense]=2048 [cnn]=1024 [ecg]=512 [text]=512) # batch-256 rows per pass
    NDATA="4000 2048"
fi
WORKLOADS=${WORKLOADS:-mlp dense cnn ecg text}
OUT=${OUT:-$ROOT/bench/RESULTS.md}

if [ ! -x "$BUILD/bench_table" ] || [ ! -x "$BUILD/bench_peak" ] || [ ! -x "$BUILD/bench_sgemm" ] ||
   [ -n "$(find "$ROOT/src" "$ROOT/include" "$ROOT/bench/bench_table.c" -newer "$BUILD/bench_table" -print -quit)" ]; then
    echo "building $BUILD ..." >&2
    [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target bench_table bench_peak bench_sgemm >/dev/null
fi

TMP=$(mktemp -d)
BUSY_PID=""
cleanup() { [ -n "$BUSY_PID" ] && kill "$BUSY_PID" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
LOG=$TMP/results.jsonl
: > "$LOG"
echo "writing the data sets ..." >&2
"${STATS_PY}" "$ROOT/bench/peers/table_data.py" "$TMP/data" $NDATA >&2

# record LABEL ROUND PHASE CMD... (phase 0: the table, 1: default vs 1 thread, 2: the same beside a busy loop): runs CMD, appends its RESULT line with the labels to $LOG
record() {
    local label=$1 round=$2 busy=$3; shift 3
    local line
    line=$("$@" 2>"$TMP/err" | sed -n 's/^RESULT //p' | tail -1) || true
    if [ -z "$line" ]; then
        echo "  FAILED: $label ($*)" >&2; sed 's/^/    /' "$TMP/err" | tail -5 >&2
        return 0
    fi
    printf '{"label": "%s", "round": %d, "busy": %d, "load": "%s", "r": %s}\n' "$label" "$round" "$busy" \
        "$(cut -d' ' -f1-3 /proc/loadavg)" "$line" >> "$LOG"
}

peer_run() { (cd "$ROOT/bench/peers" && env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$@"); }

# one side's train + infer for workload w at t threads (t = 0: the side's default)
side() {
    local who=$1 w=$2 t=$3 r=$4 busy=${5:-0}
    local tr=(--epochs "${EP[$w]}" --n-train "${NTR[$w]}" --threads "$t")
    local inf=(--threads "$t" --latency-iters "$([ "$busy" = 0 ] && echo "$ITERS" || echo $((ITERS < 300 ? ITERS : 300)))" --rows "${ROWS[$w]}")
    case $who in
    brain)
        local save=()
        [ -f "$TMP/$w.keras" ] || save=(--save "$TMP/$w")
        record brain "$r" "$busy" "$BUILD/bench_table" train "$w" --data "$TMP/data" "${tr[@]}" "${save[@]}"
        record brain "$r" "$busy" "$BUILD/bench_table" infer "$w" --data "$TMP/data" --model "$TMP/$w.keras" "${inf[@]}" ;;
    torch2|torch1)
        local py=$PEER; [ $who = torch1 ] && py=$OLD
        record $who "$r" "$busy" peer_run "$py" table_peer.py train "$w" --data "$TMP/data" "${tr[@]}"
        record $who "$r" "$busy" peer_run "$py" table_peer.py infer "$w" --data "$TMP/data" "${inf[@]}" ;;
    ort)
        [ -f "$TMP/$w.onnx" ] && record ort "$r" "$busy" peer_run "$ORT" table_peer.py ort "$w" --data "$TMP/data" \
            --onnx "$TMP/$w.onnx" "${inf[@]}" ;;
    esac
}

SIDES=(brain)
[ -n "$PEER" ] && SIDES+=(torch2)
[ -n "$OLD" ] && SIDES+=(torch1)
[ -n "$ORT" ] && SIDES+=(ort)
echo "load average at the start: $(cat /proc/loadavg)" >&2
"$BUILD/bench_peak" | sed -n 's/^RESULT //p' > "$TMP/peak.json"
# brain_sgemm on the lecture's layer shapes, per instruction set the CPU has (1 thread)
for isa in avx2 avx512; do
    grep -q "\"${isa}_gflops\": [1-9]" "$TMP/peak.json" &&
        BRAIN_ISA=$isa "$BUILD/bench_sgemm" brain 1 "$([ $QUICK = 1 ] && echo 0.002 || echo 0.02)" | grep -v '^sw_' > "$TMP/sgemm_$isa.txt" || true
done
for r in $(seq 1 "$ROUNDS"); do
    order=("${SIDES[@]}")
    if [ $((r % 2)) = 0 ]; then # alternate: even rounds run the peers first (brain must train before ORT)
        order=(); for s in "${SIDES[@]}"; do [ $s != brain ] && [ $s != ort ] && order+=($s); done
        order+=(brain); [ -n "$ORT" ] && order+=(ort)
    fi
    for w in $WORKLOADS; do
        for t in $THREADS; do
            echo "round $r/$ROUNDS: $w, $t thread(s): ${order[*]} (load $(cut -d' ' -f1 /proc/loadavg), $(( $(date +%s) - T_START )) s)" >&2
            for s in "${order[@]}"; do side $s $w $t $r; done
        done
    done
done

# the thread policy: brain's default (--threads 0) against 1 thread, quiet and beside a busy loop
if [ -z "${NO_BUSY:-}" ]; then
    for r in $(seq 1 "$ROUNDS"); do
        for w in $WORKLOADS; do
            echo "threads round $r/$ROUNDS: $w, default vs 1, quiet ($(( $(date +%s) - T_START )) s)" >&2
            for t in 0 1; do side brain $w $t $r 1; done
        done
    done
    taskset -c 0 bash -c 'while :; do :; done' &
    BUSY_PID=$!
    for r in $(seq 1 "$ROUNDS"); do
        for w in $WORKLOADS; do
            echo "threads round $r/$ROUNDS: $w, default vs 1, beside a busy loop on cpu 0 ($(( $(date +%s) - T_START )) s)" >&2
            if [ $((r % 2)) = 1 ]; then for t in 0 1; do side brain $w $t $r 2; done
            else for t in 1 0; do side brain $w $t $r 2; done; fi
        done
    done
    kill "$BUSY_PID"; wait "$BUSY_PID" 2>/dev/null || true; BUSY_PID=""
fi

MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
"$STATS_PY" "$ROOT/bench/table_report.py" "$LOG" "$TMP/peak.json" "$OUT" \
    "$MODEL" "$(nproc)" "$(cat /proc/loadavg)" "$ROUNDS" "$QUICK" "$(( $(date +%s) - T_START ))" \
    "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
cp "$LOG" "${OUT%.md}.jsonl"
echo "wrote $OUT (and ${OUT%.md}.jsonl) in $(( $(date +%s) - T_START )) s" >&2
