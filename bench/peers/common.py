# Copied from /work/shared/peers/common.py (the shared PyTorch peers for bench/), unchanged below
# this header, so that bench/ does not depend on ../shared.
"""Shared helpers for the PyTorch baseline workloads (Debian python3-torch 1.13, CPU).

Run the workload scripts with Debian's interpreter: /usr/bin/python3 shared/peers/<script>.py
Every script prints one JSON line (prefix 'RESULT ') with the measured figures.
Keras semantics are mirrored where they matter for accuracy: glorot_uniform kernels,
zero biases, orthogonal recurrent kernels, unit forget-gate bias, uniform(-0.05, 0.05)
embeddings, Adam(lr=1e-3, eps=1e-7), per-epoch shuffling, last-batch partial.
"""
import argparse
import gzip
import json
import os
import statistics
import struct
import time

import numpy as np
import torch
import torch.nn as nn

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
FMNIST_DIR = "/usr/share/datasets/fashion-mnist"  # Debian package dataset-fashion-mnist


def base_args(default_epochs, default_batch=32):
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=default_epochs)
    p.add_argument("--batch", type=int, default=default_batch)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--latency-iters", type=int, default=1000)
    p.add_argument("--flush-denormal", action="store_true", help="torch.set_flush_denormal(True)")
    p.add_argument("--n-train", type=int, default=0, help="use only the first N training samples (0 = all)")
    return p


def limit(args, x, y):
    return (x[:args.n_train], y[:args.n_train]) if args.n_train else (x, y)


def setup(args):
    torch.set_num_threads(args.threads)
    if args.flush_denormal:
        torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)


def keras_init(model):
    """Re-initialise like Keras defaults."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.LSTM):
            for name, p in m.named_parameters():
                if name.startswith("weight_ih"):
                    # Keras: one glorot_uniform kernel of shape (input, 4*units)
                    nn.init.xavier_uniform_(p)
                elif name.startswith("weight_hh"):
                    nn.init.orthogonal_(p)
                elif name.startswith("bias_ih"):
                    nn.init.zeros_(p)
                    h = p.shape[0] // 4
                    with torch.no_grad():
                        p[h:2 * h] = 1.0  # PyTorch gate order i, f, g, o: forget bias = 1
                elif name.startswith("bias_hh"):
                    nn.init.zeros_(p)
        elif isinstance(m, nn.Embedding):
            nn.init.uniform_(m.weight, -0.05, 0.05)
    return model


# ---------------------------------------------------------------- datasets
def _read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fashion_mnist():
    xtr = _read_idx(os.path.join(FMNIST_DIR, "train-images-idx3-ubyte.gz"))
    ytr = _read_idx(os.path.join(FMNIST_DIR, "train-labels-idx1-ubyte.gz"))
    xte = _read_idx(os.path.join(FMNIST_DIR, "t10k-images-idx3-ubyte.gz"))
    yte = _read_idx(os.path.join(FMNIST_DIR, "t10k-labels-idx1-ubyte.gz"))
    f = lambda x: torch.from_numpy(x.astype(np.float32) / 255.0)
    return f(xtr), torch.from_numpy(ytr.astype(np.int64)), f(xte), torch.from_numpy(yte.astype(np.int64))


def load_breast_cancer_split(seed=42):
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler
    X, y = load_breast_cancer(return_X_y=True)
    xtr, xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=seed)
    sc = StandardScaler().fit(xtr)
    xtr, xte = sc.transform(xtr), sc.transform(xte)
    t = lambda a: torch.from_numpy(np.asarray(a, dtype=np.float32))
    return t(xtr), t(ytr).unsqueeze(1), t(xte), t(yte).unsqueeze(1)


def make_synthetic_ecg(n, seed, length=140, classes=5):
    """Synthetic ECG-like 5-class waveforms (fixed seed): a beat made of P, QRS and T
    Gaussian bumps; each class changes one feature (normal, inverted T, wide QRS,
    premature beat, ST depression). Random time shift, amplitude, baseline wander and
    noise; each series z-normalised like UCR data."""
    rng = np.random.default_rng(seed)
    t = np.arange(length, dtype=np.float64)
    X = np.empty((n, length), dtype=np.float32)
    y = rng.integers(0, classes, size=n)
    g = lambda c, w, a: a * np.exp(-0.5 * ((t - c) / w) ** 2)
    for i in range(n):
        s = rng.normal(0, 4)
        amp = rng.uniform(0.8, 1.2)
        p, q, r, sw, tw = 25 + s, 45 + s, 50 + s, 55 + s, 85 + s
        rw, ta = 2.5, 0.35
        x = g(p, 4, 0.15) + g(q, 2, -0.15) + g(sw, 2, -0.25)
        c = y[i]
        if c == 1:
            ta = -0.35  # inverted T
        if c == 2:
            rw = 6.0  # wide QRS
        x = x + g(r, rw, 1.0) + g(tw, 8, ta)
        if c == 3:
            x = x + g(110 + s, 3, 0.8)  # premature extra beat
        if c == 4:
            x = x - 0.25 * ((t > sw) & (t < tw)).astype(float)  # ST depression
        x = amp * x + 0.05 * np.sin(2 * np.pi * t / rng.uniform(100, 300) + rng.uniform(0, 6.3))
        x = x + rng.normal(0, 0.05, size=length)
        X[i] = ((x - x.mean()) / x.std()).astype(np.float32)
    return torch.from_numpy(X).unsqueeze(-1), torch.from_numpy(y.astype(np.int64))


def make_synthetic_tokens(n, seed, length=200, vocab=10000):
    """Synthetic 'review' sequences: background token ids 300..vocab-1 drawn Zipf-like;
    ids 1..149 are 'positive' and 150..299 'negative' words. Each sequence gets k (2..8)
    words of its class and fewer (0..k-1) of the other class at random positions;
    label 1 = positive (balanced classes)."""
    rng = np.random.default_rng(seed)
    ids = np.arange(300, vocab)
    prob = 1.0 / np.arange(1, len(ids) + 1, dtype=np.float64) ** 1.1
    prob /= prob.sum()
    X = rng.choice(ids, size=(n, length), p=prob)
    y = rng.integers(0, 2, size=n)
    for i in range(n):
        k = int(rng.integers(2, 9))
        k2 = int(rng.integers(0, k))
        pos = rng.choice(length, size=k + k2, replace=False)
        major, minor = (1, 150) if y[i] == 1 else (150, 1)
        X[i, pos[:k]] = rng.integers(major, major + 149, size=k)
        X[i, pos[k:]] = rng.integers(minor, minor + 149, size=k2)
    return torch.from_numpy(X.astype(np.int64)), torch.from_numpy(y.astype(np.float32)).unsqueeze(1)


# ---------------------------------------------------------------- training / eval
def fit(model, loss_fn, xtr, ytr, epochs, batch, lr=1e-3):
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-7)
    n = xtr.shape[0]
    epoch_times = []
    for ep in range(epochs):
        model.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            xb, yb = xtr[idx], ytr[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * xb.shape[0]
        epoch_times.append(time.perf_counter() - t0)
        print(f"epoch {ep + 1}/{epochs}: {epoch_times[-1]:.3f} s, loss {total / n:.4f}", flush=True)
    return epoch_times


@torch.no_grad()
def predict(model, x, batch=256):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, x.shape[0], batch)])


@torch.no_grad()
def accuracy(model, x, y, binary=False):
    out = predict(model, x)
    if binary:
        return float(((out > 0).float() == y).float().mean())  # logits > 0 <=> sigmoid > 0.5
    return float((out.argmax(1) == y).float().mean())


@torch.no_grad()
def inference_figures(model, x, iters):
    """Median latency of one-sample forward passes, and batch-256 throughput."""
    model.eval()
    one = x[:1].clone()
    for _ in range(50):
        model(one)
    lat = []
    for _ in range(iters):
        t = time.perf_counter()
        model(one)
        lat.append(time.perf_counter() - t)
    reps = -(-2048 // x.shape[0])  # tile small test sets up to 8 batches of 256
    xb = x.repeat((reps,) + (1,) * (x.dim() - 1))[:2048].clone()
    nb = 2048
    for i in range(0, nb, 256):
        model(xb[i:i + 256])
    passes = []
    for _ in range(5):
        t = time.perf_counter()
        for i in range(0, nb, 256):
            model(xb[i:i + 256])
        passes.append(nb / (time.perf_counter() - t))
    return statistics.median(lat) * 1e6, statistics.median(passes)


def report(name, args, n_train, epoch_times, acc, lat_us, thr, extra=None):
    later = epoch_times[1:] if len(epoch_times) > 1 else epoch_times
    med = statistics.median(later)
    res = {
        "workload": name, "batch": args.batch, "epochs": args.epochs, "seed": args.seed,
        "threads": args.threads, "n_train": n_train,
        "epoch_s": [round(t, 6) for t in epoch_times],
        "median_epoch_s_after_first": round(med, 6),
        "train_samples_per_s": round(n_train / med, 1),
        "test_acc": round(acc, 4),
        "infer_latency_1_us": round(lat_us, 1),
        "infer_b256_samples_per_s": round(thr, 1),
        "torch": torch.__version__,
        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE", "(auto)"),
    }
    if extra:
        res.update(extra)
    print("RESULT " + json.dumps(res), flush=True)
