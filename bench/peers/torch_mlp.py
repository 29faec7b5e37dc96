"""(a) Tabular MLP on sklearn's breast-cancer data (the lecture's model):
Dense(64, relu, input 30) -> Dropout(0.5) -> Dense(1, sigmoid); Adam 1e-3, binary CE.
Stratified 80/20 split, StandardScaler fit on train. Default 100 epochs, batch 32.
Usage: /usr/bin/python3 shared/peers/torch_mlp.py [--batch 32] [--epochs 100] [--seed 0]

Copied from /work/shared/peers/torch_mlp.py (the shared, tuned PyTorch peer) so that bench/ does not
depend on ../shared.  One change: the RESULT line also carries max_rss_mb (getrusage ru_maxrss of
this process), the peer's peak memory, for bench/run_mlp.sh.
Run it as: env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/torch_mlp.py"""
import resource
import torch.nn as nn
import common as C

args = C.base_args(100).parse_args()
C.setup(args)
xtr, ytr, xte, yte = C.load_breast_cancer_split()
xtr, ytr = C.limit(args, xtr, ytr)
model = C.keras_init(nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1)))
# sigmoid output + binary CE, fused as BCEWithLogits (same math)
times = C.fit(model, nn.BCEWithLogitsLoss(), xtr, ytr, args.epochs, args.batch)
acc = C.accuracy(model, xte, yte, binary=True)
lat, thr = C.inference_figures(model, xte, args.latency_iters)
C.report("a_mlp_breast_cancer", args, xtr.shape[0], times, acc, lat, thr,
         extra={"max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)})
