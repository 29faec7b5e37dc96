"""Writes the data sets of bench/run_all.sh's table as .npy, so that brain (bench_table, through
brain_load_npy), PyTorch and ONNX Runtime (table_peer.py) see the very same arrays.

  mlp   x (N, 30) standardised, y (N, 1) 0/1           (breast-cancer-sized tabular task)
  dense x (N, 784) in [0, 1),   y (N,) class ids 0..9  (MNIST-sized)
  cnn   x (N, 28, 28, 1),       y (N,) class ids 0..9  (Fashion-MNIST-sized, channels last)
  ecg   x (N, 140, 1),          y (N,) class ids 0..4  (common.make_synthetic_ecg)
  text  x (N, 200) ids < 10000 as float32, y (N, 1)    (common.make_synthetic_tokens)
Each has <w>_x_train / <w>_y_train (N_TRAIN rows, default 4000; mlp 455 as the lecture's split)
and <w>_x_test (N_TEST rows, default 2048: 8 batches of 256 for the throughput figure).  Speed does not depend on
what the values mean, only on the shapes; labels carry a learnable signal all the same.
Usage: python table_data.py DIR [N_TRAIN [N_TEST]]"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
n_test = int(sys.argv[3]) if len(sys.argv) > 3 else 2048
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(42)


def save(name, a):
    np.save(os.path.join(out, name + ".npy"), np.ascontiguousarray(a))


def labelled(shape, classes, rows):
    x = rng.random((rows,) + shape, dtype=np.float32)
    flat = x.reshape(rows, -1)
    w = np.random.default_rng(7).standard_normal((flat.shape[1], classes)).astype(np.float32)
    return x, (flat @ w).argmax(1).astype(np.float32)


for part, rows in (("train", n), ("test", n_test)):
    x = rng.standard_normal((455 if part == "train" else rows, 30)).astype(np.float32)
    save(f"mlp_x_{part}", x)
    save(f"mlp_y_{part}", (x[:, :3].sum(1, keepdims=True) > 0).astype(np.float32))
    for w, shape in (("dense", (784,)), ("cnn", (28, 28, 1))):
        x, y = labelled(shape, 10, rows)
        save(f"{w}_x_{part}", x)
        save(f"{w}_y_{part}", y)

# the sequence sets: the peers' own generators (bench/peers/common.py imports torch; these do not need it)
try:
    import common as C
    ecg = {p: C.make_synthetic_ecg(r, seed=s) for p, r, s in (("train", n, 1234), ("test", n_test, 5678))}
    tok = {p: C.make_synthetic_tokens(r, seed=s) for p, r, s in (("train", n, 4321), ("test", n_test, 8765))}
    for p in ("train", "test"):
        save(f"ecg_x_{p}", ecg[p][0].numpy().astype(np.float32))
        save(f"ecg_y_{p}", ecg[p][1].numpy().astype(np.float32))
        save(f"text_x_{p}", tok[p][0].numpy().astype(np.float32))
        save(f"text_y_{p}", tok[p][1].numpy().astype(np.float32))
except ImportError:  # no torch in this interpreter: the same shapes from numpy
    for part, rows in (("train", n), ("test", n_test)):
        x, y = labelled((140, 1), 5, rows)
        save(f"ecg_x_{part}", x)
        save(f"ecg_y_{part}", y)
        ids = rng.integers(1, 10000, (rows, 200)).astype(np.float32)
        save(f"text_x_{part}", ids)
        save(f"text_y_{part}", (ids[:, :10].mean(1, keepdims=True) > 5000).astype(np.float32))
