#!/usr/bin/env bash
# test_cli.sh — the `brain` command line end to end (run by ctest as cli_workflow):
#   train → save → evaluate → predict → summary → convert → plot on data/breast_cancer.csv and on
#   an NPZ (tests/cli/data, made by tools/gen_cli_fixtures.py); predictions written by `predict`
#   compared bit for bit with the library's own (cli_check); string labels, a headerless
#   whitespace file (UCR/UEA style), NPY and IDX pairs; and every bad-argument case with its exit
#   status (2 usage, 1 runtime) and message.
#
#   bash tests/cli/test_cli.sh BRAIN CLI_CHECK HAVE_CAIRO     (from the repository root)
set -u
B=$1
CHECK=$2
CAIRO=${3:-0}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CSV=data/breast_cancer.csv
FIX=tests/cli/data
fails=0
n=0

# run CMD..., expecting exit status $1 and output (stdout + stderr) containing the text $2
expect() {
    local want=$1 text=$2
    shift 2
    n=$((n + 1))
    "$@" >"$T/out" 2>&1
    local rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: exit $rc (expected $want): $*"; sed 's/^/    /' "$T/out" | tail -5; fails=$((fails + 1)); return
    fi
    if [ -n "$text" ] && ! grep -qF -- "$text" "$T/out"; then
        echo "FAIL: output lacks '$text': $*"; sed 's/^/    /' "$T/out" | tail -5; fails=$((fails + 1))
    fi
}
# a condition that must hold
check() {
    n=$((n + 1))
    if ! eval "$1"; then echo "FAIL: $2"; fails=$((fails + 1)); fi
}

# ------------------------------------------------------------------ breast cancer CSV (binary)
expect 0 "Test results (114 rows" $B train $CSV --target target --epochs 8 --verbose 0 --save "$T/bc.keras" --history "$T/bc.csv"
check '[ -s "$T/bc.keras" ] && [ "$(wc -l <"$T/bc.csv")" = 9 ]' "train --save/--history wrote the model and 8 epochs"
check 'head -1 "$T/bc.csv" | grep -q "^epoch,accuracy,auc,loss,precision,recall,val_accuracy"' "history header as Keras's CSVLogger"
expect 0 '"loss": ' $B evaluate "$T/bc.keras" $CSV --target target --json
expect 0 "precision" $B evaluate "$T/bc.keras" $CSV --target target
expect 0 "" $B predict "$T/bc.keras" $CSV --target target -o "$T/p.csv"
check '[ "$(wc -l <"$T/p.csv")" = 570 ]' "predict wrote a header and 569 rows"
expect 0 "equal the library's, bit for bit" $CHECK csv "$T/bc.keras" "$T/p.csv" $CSV target 42 0.2
# --save keeps the restored best weights: early stopping (best epoch < last), the saved model's
# test loss is the one train printed
expect 0 "early stopping" $B train $CSV --target target --epochs 200 --patience 2 --lr 0.05 --verbose 2 --save "$T/es.keras"
check 'grep -q "best epoch" "$T/out" && ! grep -q "best epoch \([0-9]*\) of \1 run" "$T/out"' "training stopped after its best epoch"
trained_loss=$(awk '$1 == "loss" { print $2 }' "$T/out")
expect 0 "Wrote 569 predictions" $B predict "$T/es.keras" $CSV --target target -o "$T/es.csv"
expect 0 "test loss $trained_loss" $CHECK csv "$T/es.keras" "$T/es.csv" $CSV target 42 0.2
expect 0 "" $B predict "$T/bc.keras" $CSV --target target --classes -o "$T/c.csv"
check '[ "$(head -1 "$T/c.csv")" = class ] && [ "$(grep -c "^[01]$" "$T/c.csv")" = 569 ]' "predict --classes gives 0/1"
expect 0 "" $B predict "$T/bc.keras" $CSV --target target -o "$T/p.npy"
check '[ "$(head -c 6 "$T/p.npy" | tail -c 5)" = NUMPY ]' "predict -o .npy writes a NumPy file"
# the target column may be given by index too (-1: the last column, 30: the same)
expect 0 "" $B predict "$T/bc.keras" $CSV --target -1 -o "$T/p2.csv"
check 'cmp -s "$T/p.csv" "$T/p2.csv"' "--target -1 names the same column as --target target"
# a table on standard input, predictions on standard output
$B predict "$T/bc.keras" - --target target <$CSV >"$T/p6.csv" 2>/dev/null
check 'cmp -s "$T/p.csv" "$T/p6.csv"' "predict reads a CSV from standard input (-) and writes to standard output"
expect 0 "Total params: 6,149" $B summary "$T/bc.keras"
expect 0 "StandardScaler over 30 features" $B summary "$T/bc.keras"
expect 0 "Wrote" $B convert "$T/bc.keras" "$T/bc2.keras"
expect 0 "" $B predict "$T/bc2.keras" $CSV --target target -o "$T/p3.csv"
check 'cmp -s "$T/p.csv" "$T/p3.csv"' "a converted .keras predicts the same (scaler carried)"
expect 0 "Wrote" $B convert "$T/bc.keras" "$T/bc.weights.h5"
check '[ "$(head -c 4 "$T/bc.weights.h5" | tail -c 3)" = HDF ]' "convert to .weights.h5 writes HDF5"
expect 0 "will not hold the scaler and labels" $B convert "$T/bc.keras" "$T/bc.h5"
check '[ "$(head -c 4 "$T/bc.h5" | tail -c 3)" = HDF ]' "convert to legacy .h5 writes HDF5"
expect 0 "Total params: 2,049" $B summary "$T/bc.h5"
expect 0 "Wrote" $B convert "$T/bc.h5" "$T/bc3.keras"
expect 0 "Test results" $B train $CSV --target target --model "$T/bc.h5" --epochs 2 --verbose 0
expect 1 "the data has 6 values per row, the model was trained on 30" $B predict "$T/bc.keras" $FIX/blobs.npz
expect 1 "does it hold the target column? Leave it out with --target COL" $B predict "$T/bc.keras" $CSV
expect 2 'must end in .keras, .h5 or .weights.h5' $B convert "$T/bc.keras" "$T/bc.txt"
# --model: the saved file as architecture + compile config (fresh weights)
expect 0 "Test results" $B train $CSV --target target --model "$T/bc.keras" --epochs 2 --verbose 0 --scaler none \
    --save "$T/spec_trained.keras"
expect 0 "Total params" $B summary "$T/spec_trained.keras"
check '! grep -q "Preprocessing saved" "$T/out"' "--model: the spec's scaler is not carried into a model trained without one"

# plot: a PNG and an SVG of the requested size
if [ "$CAIRO" = 1 ]; then
    expect 0 "Wrote" $B plot "$T/bc.csv" -o "$T/curves.png" --width 640 --height 480
    check '[ "$(od -An -tx1 -N8 "$T/curves.png" | tr -d " ")" = 89504e470d0a1a0a ]' "plot writes a PNG signature"
    check '[ "$(od -An -tx1 -j16 -N8 "$T/curves.png" | tr -d " ")" = 00000280000001e0 ]' "PNG IHDR is 640 x 480"
    expect 0 "Wrote" $B plot "$T/bc.csv" -o "$T/curves.svg" --width 800 --height 600
    check 'grep -q "<svg[^>]*width=\"800px\" height=\"600px\"" "$T/curves.svg" && tail -c 20 "$T/curves.svg" | grep -q "</svg>"' "plot writes an 800 x 600 SVG"
    check '[ "$(grep -c "<path" "$T/curves.svg")" -gt 50 ]' "the SVG has curves, axes and text"
    printf 'epoch,loss,val_loss,val_auc\n0,NA,1\n1,0.5,NA\n2,0.5,0.7\n' >"$T/gaps.csv"
    expect 1 "line 2 has 3 fields, the header has 4" $B plot "$T/gaps.csv" -o "$T/gaps.png"
    printf 'epoch,loss,val_loss,val_auc\n0,NA,1,0.5\n1,0.5,NA,0.6\n2,0.5,0.7,NA\n' >"$T/gaps.csv"
    expect 0 "(900 x 360)" $B plot "$T/gaps.csv" -o "$T/gaps.png"    # gaps; val_auc alone: its own panel
    expect 1 "must be a header 'epoch,<metric>,...'" $B plot $CSV -o "$T/x.png"
else
    expect 1 "plot is not available" $B plot "$T/bc.csv" -o "$T/curves.png"
fi

# ------------------------------------------------------------------ NPZ (three classes), NPY and IDX pairs
expect 0 "task: multiclass" $B train $FIX/blobs.npz --epochs 20 --verbose 0 --save "$T/b.keras" --history "$T/b_hist.csv"
expect 0 "accuracy" $B evaluate "$T/b.keras" $FIX/blobs.npz
expect 0 "" $B predict "$T/b.keras" $FIX/blobs.npz -o "$T/b.npy"
expect 0 "equal the library's, bit for bit" $CHECK npz "$T/b.keras" "$T/b.npy" $FIX/blobs.npz
expect 0 "" $B predict "$T/b.keras" $FIX/blobs.npz --classes -o "$T/bc_classes.csv"
check '[ "$(grep -c "^[012]$" "$T/bc_classes.csv")" = 240 ]' "NPZ predict --classes gives 240 ids in 0..2"
expect 0 "Total params" $B summary "$T/b.keras"
expect 0 "Wrote" $B convert "$T/b.keras" "$T/b2.keras"
expect 0 "" $B predict "$T/b2.keras" $FIX/blobs.npz -o "$T/b2.npy"
check 'cmp -s "$T/b.npy" "$T/b2.npy"' "the converted NPZ model predicts the same"
if [ "$CAIRO" = 1 ]; then
    expect 0 "(900 x 360)" $B plot "$T/b_hist.csv" -o "$T/b.svg"
    check 'grep -q "<svg[^>]*width=\"900px\" height=\"360px\"" "$T/b.svg"' "two metrics (accuracy, loss): one row, the default 900 x 360"
fi
# through legacy .h5 (no scaler: the .h5 format has no place for it) predictions stay the same
expect 0 "Test results" $B train $FIX/blobs.npz --epochs 3 --verbose 0 --scaler none --save "$T/n.keras"
expect 0 "Wrote" $B convert "$T/n.keras" "$T/n.h5"
expect 0 "" $B predict "$T/n.keras" $FIX/blobs.npz -o "$T/n1.csv"
expect 0 "" $B predict "$T/n.h5" $FIX/blobs.npz -o "$T/n2.csv"
check 'cmp -s "$T/n1.csv" "$T/n2.csv" && [ "$(wc -l <"$T/n1.csv")" = 241 ]' "a model saved as legacy .h5 predicts as the .keras one"
expect 0 "task: multiclass" $B train $FIX/blobs_x.npy $FIX/blobs_y.npy --epochs 2 --verbose 0 --layers dense:16:relu,dense:3:softmax
expect 2 "has no array 'labels' (its arrays: 'x', 'y')" $B train $FIX/blobs.npz --y-key labels
expect 0 "task: binary" $B train $FIX/digits-images.idx $FIX/digits-labels.idx --epochs 2 --verbose 0 \
    --layers conv2d:4:3:relu,flatten,dense:1:sigmoid
expect 1 "holds 60 images but" $B train $FIX/digits-images.idx $FIX/digits-labels59.idx

# ------------------------------------------------------------------ string labels, no header, whitespace
awk -F, 'NR == 1 { $NF = "diagnosis" } NR > 1 { $NF = ($NF == 1 ? "benign" : "malignant") } 1' OFS=, $CSV >"$T/labels.csv"
expect 0 "(string labels)" $B train "$T/labels.csv" --target diagnosis --epochs 8 --verbose 0 --save "$T/s.keras"
expect 0 "1=malignant" $B summary "$T/s.keras"
expect 0 "" $B predict "$T/s.keras" "$T/labels.csv" --target diagnosis --classes -o "$T/s.csv"
check 'grep -q "^benign$" "$T/s.csv" && grep -q "^malignant$" "$T/s.csv"' "predict --classes gives the string labels"
# a file with one label only: its own label ids differ from the model's (the saved mapping is used)
awk -F, 'NR == 1 || $NF == "malignant"' $T/labels.csv >"$T/malignant.csv"
expect 0 '"accuracy": 0.9' $B evaluate "$T/s.keras" "$T/malignant.csv" --target diagnosis --json
# UCR/UEA style: no header, the class first, runs of blanks
awk -F, 'NR > 1 { printf "  %s", $NF; for (i = 1; i < NF; i++) printf "   %s", $i; printf "\n" }' $CSV >"$T/ucr.txt"
expect 0 "569 rows, 30 features, target '0'" $B train "$T/ucr.txt" --no-header --target 0 --epochs 2 --verbose 0
expect 0 "569 rows, 30 features" $B train "$T/ucr.txt" --no-header --delimiter whitespace --target 0 --epochs 1 --verbose 0
# UCR/UEA number classes 1..k (or -1/1): labels, not ids; predict --classes gives them back
awk '{ $1 = ($1 == 1 ? 1 : -1); print }' "$T/ucr.txt" >"$T/ucr_pm1.txt"
expect 0 "classes: the target's values -1, 1 ... are labels" $B train "$T/ucr_pm1.txt" --no-header --target 0 --epochs 8 \
    --verbose 0 --save "$T/pm1.keras"
expect 0 "task: binary" $B train "$T/ucr_pm1.txt" --no-header --target 0 --epochs 1 --verbose 0
expect 0 '"accuracy": 0.9' $B evaluate "$T/pm1.keras" "$T/ucr_pm1.txt" --no-header --target 0 --json
expect 0 "" $B predict "$T/pm1.keras" "$T/ucr_pm1.txt" --no-header --target 0 --classes -o "$T/pm1.csv"
check '[ "$(grep -c "^-1$" "$T/pm1.csv")" -gt 150 ] && [ "$(grep -c "^1$" "$T/pm1.csv")" -gt 300 ]' "predict --classes gives -1 and 1"
expect 0 "task: regression" $B train "$T/ucr_pm1.txt" --no-header --target 0 --epochs 1 --verbose 0 --task regression

# ------------------------------------------------------------------ the progress bar only on a terminal
expect 0 "12/12 - " $B train --epochs 2
check '! grep -q " 1/12" "$T/out"' "no live progress bar (batch 1/12 ...) when stderr is not a terminal"
if script -qec true /dev/null >/dev/null 2>&1; then     # a pseudo-terminal (where one can be had): the live bar
    expect 0 " 1/12" script -qec "$B train --epochs 2" /dev/null
fi

# ------------------------------------------------------------------ bad arguments: exit status 2, option and value named
expect 2 '--epochs: "5x" is not a whole number' $B train --epochs 5x
expect 2 '--epochs: 99999999999999 is too large' $B train --epochs 99999999999999
expect 2 '--epochs: 0 is too small' $B train --epochs=0
expect 2 '--dropout: 1.5 is not in [0, 1)' $B train --dropout 1.5
expect 2 '--dropout: "abc" is not a number' $B train --dropout abc
expect 2 '--lr: 0 is not in (0, 1000]' $B train --lr 0
expect 2 '--test-size: 1 is not in (0, 1)' $B train --test-size 1
expect 2 '--seed: -1 is too small' $B train --seed -1
expect 2 '--batch-size: "" is not a whole number' $B train --batch-size ""
expect 2 "--task: \"binery\" is not one of binary, multiclass, regression; did you mean 'binary'?" $B train --task binery
expect 2 '--verbose: "3" is not one of' $B train --verbose 3
expect 2 "unknown option '--epoch'; did you mean '--epochs'?" $B train --epoch 5
expect 2 "unknown option '--batchsize'; did you mean '--batch-size'?" $B train --batchsize 5
expect 2 "unknown option '--zzz'" $B train --zzz
expect 2 '--epochs needs a value' $B train --epochs
expect 2 '--no-header takes no value' $B train --no-header=1
expect 2 '--layers: item 1 "dense:x": "x" is not a whole number' $B train --layers dense:x
expect 2 '--layers: item 2 "dropout:1.5": dropout rate "1.5" is not in [0, 1)' $B train --layers dense:4:relu,dropout:1.5,dense:1:sigmoid
expect 2 "unknown layer \"dens\"; did you mean 'dense'?" $B train --layers dens:4
check '! grep -q "Built-in data" "$T/out"' "a bad --layers list is refused before any data is read"
expect 2 '--layers: the last layer gives 4 values per sample' $B train --layers dense:4 --epochs 1
expect 2 '--loss: "msee" is not a loss' $B train --loss msee
expect 2 '--metrics: "acc2" is not a metric' $B train --metrics accuracy,acc2
expect 2 'choose one' $B train --model x.keras --layers dense:1
expect 2 '--save: "out.h5" must end in .keras' $B train --save out.h5
expect 2 'say which column is the target with --target' $B train $CSV
expect 2 "unknown command 'traim'; did you mean 'train'?" $B traim
expect 2 'must end in .csv or .npy' $B predict "$T/bc.keras" $CSV -o out.txt
expect 2 'needs -o OUT.png' $B plot "$T/bc.csv"
expect 2 'needs MODEL and DATA' $B evaluate "$T/bc.keras"
expect 2 "unexpected argument 'x'" $B version x
expect 2 'too many arguments' $B summary a.keras b.keras
expect 2 "" $B
# runtime errors: exit status 1
expect 1 "there is no column named 'nope'" $B train $CSV --target nope
expect 1 "target column index 31 is out of range" $B train $CSV --target 31
expect 1 "cannot open" $B train "$T/missing.csv" --target t
if $B export --help | grep -q "not available"; then   # the placeholder (issue 15 provides the command)
    expect 1 "export is not available" $B export "$T/bc.keras"
fi
expect 1 "" $B summary "$T/missing.keras"
# help: exit 0, exit statuses documented
expect 0 "exit status: 0 success, 1 runtime error" $B --help
for c in train evaluate predict summary convert plot version export; do
    expect 0 "usage: brain $c" $B $c --help
done
expect 0 "sgemm" $B version

echo "test_cli: $((n - fails)) of $n checks passed"
[ "$fails" = 0 ]
