#!/usr/bin/env bash
# run_rnn.sh — the lecture's sequence models trained by brain (bench/bench_rnn.c) and by PyTorch
# (bench/peers/torch_lstm_ecg.py, torch_embed_lstm.py) in one run, on the same data:
#   ecg  : LSTM(64) on (140, 1) → Dropout(0.2) → Dense(32, relu) → Dense(5, softmax)
#   text : Embedding(10000, 64) → LSTM(64) → Dense(1, sigmoid), 200 ids per sequence
# Adam 1e-3, batch 32, N_TRAIN training sequences (default 1000), EPOCHS epochs (default 3;
# the figure is the median epoch after the first).  The data sets are the peers' own synthetic
# ones (bench/peers/common.py), written once as .npy by bench/peers/make_rnn_data.py.  Ours and
# the peer run alternately ROUNDS times (default 3) per model, each with 2 threads (the peers'
# setting; brain: OMP_NUM_THREADS=2) and with 1; prints medians and ratios.
#
# Usage: bench/run_rnn.sh            (from anywhere; BUILD=dir to use another build folder)
#        ROUNDS=5 N_TRAIN=4000 bench/run_rnn.sh
# The peer runs as its README prescribes: env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1
# /usr/bin/python3 with --threads 2 (the README's best) or 1; nothing pinned.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$ROOT/build}
ROUNDS=${ROUNDS:-3}
N_TRAIN=${N_TRAIN:-1000}
EPOCHS=${EPOCHS:-3}
PY=${PYTHON:-/usr/bin/python3}

if [ ! -x "$BUILD/bench_rnn" ] ||
   [ -n "$(find "$ROOT/src" "$ROOT/include" "$ROOT/bench/bench_rnn.c" -newer "$BUILD/bench_rnn" -print -quit)" ]; then
    echo "building $BUILD ..." >&2
    [ -f "$BUILD/CMakeCache.txt" ] || cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$BUILD" -j2 --target bench_rnn >/dev/null
    touch "$BUILD/bench_rnn"
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
echo "writing the data sets ..." >&2
(cd "$ROOT/bench/peers" && "$PY" make_rnn_data.py "$TMP/data")
for model in ecg text; do
    peer=$([ $model = ecg ] && echo torch_lstm_ecg.py || echo torch_embed_lstm.py)
    for r in $(seq 1 "$ROUNDS"); do
        for th in 2 1; do
            echo "$model round $r/$ROUNDS: brain, $th thread(s) ..." >&2
            OMP_NUM_THREADS=$th "$BUILD/bench_rnn" --data "$TMP/data" --model $model --epochs "$EPOCHS" --n-train "$N_TRAIN" \
                | grep '^RESULT ' | cut -c8- > "$TMP/ours${th}_${model}_$r.json"
            echo "$model round $r/$ROUNDS: torch, $th thread(s) ..." >&2
            (cd "$ROOT/bench/peers" && env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$PY" $peer --data "$TMP/data" \
                --threads $th --epochs "$EPOCHS" --n-train "$N_TRAIN" --latency-iters 20) | grep '^RESULT ' | cut -c8- \
                > "$TMP/peer${th}_${model}_$r.json"
        done
    done
done

MODEL=$(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)
"$PY" - "$TMP" "$ROUNDS" "$MODEL" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" <<'PYEOF'
import json, statistics, sys
tmp, rounds, model, nproc, load = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
res = {(who, m): [json.load(open(f"{tmp}/{who}_{m}_{r}.json")) for r in range(1, rounds + 1)]
       for who in ("ours2", "ours1", "peer2", "peer1") for m in ("ecg", "text")}
med = lambda rs, k: statistics.median(r[k] for r in rs)
o = res[("ours2", "ecg")][0]
print(f"machine: {model}, nproc {nproc}, load average at the end {load}; torch {res[('peer2', 'ecg')][0]['torch']}; "
      f"brain sgemm backend: {o['sgemm_backend']}")
print(f"medians of {rounds} alternating runs each, {o['n_train']} training sequences, batch {o['batch']}, "
      f"{o['epochs']} epochs (median epoch after the first)\n")
row = "| {:<58} | {:>9} | {:>9} | {:>10} |"
print(row.format("figure", "brain", "PyTorch", "ratio"))
print(row.format("-" * 58, "-" * 9, "-" * 9, "-" * 10))
for m, title in (("ecg", "LSTM(64), 140 steps"), ("text", "Embedding(10000,64) + LSTM(64), 200 steps")):
    for th in ("2", "1"):
        ours, peer = res[("ours" + th, m)], res[("peer" + th, m)]
        o_sps, p_sps = med(ours, "train_samples_per_s"), med(peer, "train_samples_per_s")
        print(row.format(f"{title}: training seq/s, {th} thread{'s' if th == '2' else ''}", f"{o_sps:,.0f}", f"{p_sps:,.0f}",
                         f"{o_sps / p_sps:.1f}x"))
    ours, peer = res[("ours2", m)], res[("peer2", m)]
    o_rss, p_rss = med(ours, "max_rss_mb"), med(peer, "max_rss_mb")
    print(row.format(f"{title}: peak RSS, MB", f"{o_rss:.1f}", f"{p_rss:.1f}", f"{p_rss / o_rss:.1f}x less"))
    print(row.format(f"{title}: test accuracy", f"{med(ours, 'test_acc'):.4f}", f"{med(peer, 'test_acc'):.4f}", ""))
print()
for m in ("ecg", "text"):
    for th in ("2", "1"):
        print(f"per run, {m}, {th} thread(s): brain seq/s", [round(r["train_samples_per_s"]) for r in res[("ours" + th, m)]],
              " torch seq/s", [round(r["train_samples_per_s"]) for r in res[("peer" + th, m)]])
PYEOF
