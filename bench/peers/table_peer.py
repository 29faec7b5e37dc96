"""The peers' side of bench/run_all.sh's table (issue 13), measured as bench/bench_table.c measures
brain, on table_data.py's arrays:

  python table_peer.py train WORKLOAD --data DIR [--epochs N] [--n-train N] [--threads N]   (PyTorch)
  python table_peer.py infer WORKLOAD --data DIR [--threads N] [--latency-iters N]          (PyTorch)
  python table_peer.py ort   WORKLOAD --data DIR --onnx FILE [--threads N] [--latency-iters N]
                                                            (ONNX Runtime on brain's exported weights)

The same models as bench_table.c (Keras-like init, Adam(1e-3, eps 1e-7), batch 32, reshuffled every
epoch, loss only; classifiers output logits into the fused CrossEntropy / BCEWithLogits losses, as
the tuned peers in this folder do).  train_samples_per_s = n / the median epoch time after the
first.  infer / ort: an inference-only process — b1_us = median of single-row calls after 50
warm-ups; b256_samples_per_s = the first --rows rows (2048) in calls of 256, median of 5 passes; max_rss_mb =
ru_maxrss at the end.  --threads 0 leaves the library's default.  Works with torch 1.13 and 2.x.
Prints one line `RESULT {json}`."""
import argparse
import json
import os
import resource
import statistics
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("mode", choices=("train", "infer", "ort"))
p.add_argument("workload", choices=("mlp", "dense", "cnn", "ecg", "text"))
p.add_argument("--data", required=True)
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--n-train", type=int, default=0)
p.add_argument("--threads", type=int, default=0)
p.add_argument("--latency-iters", type=int, default=1000)
p.add_argument("--rows", type=int, default=2048, help="rows for the batch-256 figure (a multiple of 256)")
p.add_argument("--onnx")
args = p.parse_args()
W = args.workload
load = lambda what: np.load(os.path.join(args.data, f"{W}_{what}.npy"))
rss = lambda: round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)


def timed_inference(call, x, iters):
    cont = np.ascontiguousarray if isinstance(x, np.ndarray) else lambda t: t.contiguous().clone()
    one = cont(x[:1])
    for _ in range(50):
        call(one)
    lat = []
    for _ in range(iters):
        t = time.perf_counter()
        call(one)
        lat.append(time.perf_counter() - t)
    batches = [cont(x[i:i + 256]) for i in range(0, args.rows, 256)]
    for b in batches:
        call(b)
    passes = []
    for _ in range(5):
        t = time.perf_counter()
        for b in batches:
            call(b)
        passes.append(args.rows / (time.perf_counter() - t))
    return statistics.median(lat) * 1e6, statistics.median(passes)


def result(side, version, **kw):
    print("RESULT " + json.dumps({"side": side, "mode": args.mode, "workload": W, "threads": args.threads,
                                  **kw, "max_rss_mb": rss(), "version": version}), flush=True)


if args.mode == "ort":
    import onnxruntime as ort
    so = ort.SessionOptions()
    if args.threads:
        so.intra_op_num_threads = args.threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(args.onnx, so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    x = load("x_test").astype(np.float32)
    b1, b256 = timed_inference(lambda b: sess.run(None, {name: b}), x, args.latency_iters)
    result("ort", ort.__version__, b1_us=round(b1, 2), b256_samples_per_s=round(b256, 1))
    raise SystemExit(0)

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

if args.threads:
    torch.set_num_threads(args.threads)
torch.manual_seed(0)


class Last(nn.Module):
    """an LSTM's last hidden state (Keras's return_sequences=False)"""
    def __init__(self, n_in):
        super().__init__()
        self.lstm = nn.LSTM(n_in, 64, batch_first=True)

    def forward(self, x):
        return self.lstm(x)[1][0][-1]


def model():
    if W == "mlp":
        return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1))
    if W == "dense":
        return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 10))
    if W == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 64), nn.ReLU(),
                             nn.Linear(64, 10))
    if W == "ecg":
        return nn.Sequential(Last(1), nn.Dropout(0.2), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 5))
    return nn.Sequential(nn.Embedding(10000, 64), Last(64), nn.Linear(64, 1))


def init(m):
    for mod in m.modules():
        if isinstance(mod, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(mod.weight)
            nn.init.zeros_(mod.bias)
        elif isinstance(mod, nn.LSTM):
            for name, w in mod.named_parameters():
                if name.startswith("weight_ih"):
                    nn.init.xavier_uniform_(w)
                elif name.startswith("weight_hh"):
                    nn.init.orthogonal_(w)
                else:
                    nn.init.zeros_(w)
        elif isinstance(mod, nn.Embedding):
            nn.init.uniform_(mod.weight, -0.05, 0.05)
    return m


def tensor_x(a):
    if W == "cnn":
        a = a.transpose(0, 3, 1, 2)  # NHWC (brain, Keras) -> NCHW
    t = torch.from_numpy(np.ascontiguousarray(a))
    return t.long() if W == "text" else t


net = init(model())
if args.mode == "train":
    x, y = tensor_x(load("x_train")), torch.from_numpy(load("y_train"))
    if args.n_train:
        x, y = x[:args.n_train], y[:args.n_train]
    binary = W in ("mlp", "text")
    loss_fn = nn.BCEWithLogitsLoss() if binary else nn.CrossEntropyLoss()
    y = y.float().reshape(-1, 1) if binary else y.long()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    n, times = x.shape[0], []
    net.train()
    for ep in range(args.epochs):
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        for i in range(0, n, 32):
            idx = perm[i:i + 32]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)
    later = times[1:] if len(times) > 1 else times
    result("torch", torch.__version__, n_train=n, epochs=args.epochs, epoch_s=[round(t, 6) for t in times],
           train_samples_per_s=round(n / statistics.median(later), 1))
else:
    net.eval()
    x = tensor_x(load("x_test"))  # in PyTorch's own layout, outside the timed calls
    with torch.no_grad():
        b1, b256 = timed_inference(net, x, args.latency_iters)
    result("torch", torch.__version__, b1_us=round(b1, 2), b256_samples_per_s=round(b256, 1))
