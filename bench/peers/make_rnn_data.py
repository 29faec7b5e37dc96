"""Writes the sequence benchmarks' data sets as .npy files, so that brain (bench/bench_rnn.c,
through brain_load_npy) and the PyTorch peers (--data DIR) train on the very same arrays.
The arrays come from common.py's generators with the peers' own seeds:
  ecg_x_train.npy (4000, 140, 1) float32, ecg_y_train.npy (4000,) int64      seed 1234
  ecg_x_test.npy  (1000, 140, 1),         ecg_y_test.npy  (1000,)            seed 5678
  tok_x_train.npy (5000, 200) int64,      tok_y_train.npy (5000, 1) float32  seed 4321
  tok_x_test.npy  (1000, 200),            tok_y_test.npy  (1000, 1)          seed 8765
Usage: /usr/bin/python3 make_rnn_data.py DIR"""
import os
import sys

import numpy as np
import common as C

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, (x, y) in {"ecg_train": C.make_synthetic_ecg(4000, seed=1234), "ecg_test": C.make_synthetic_ecg(1000, seed=5678),
                     "tok_train": C.make_synthetic_tokens(5000, seed=4321),
                     "tok_test": C.make_synthetic_tokens(1000, seed=8765)}.items():
    kind, part = name.split("_")
    np.save(os.path.join(out, f"{kind}_x_{part}.npy"), x.numpy())
    np.save(os.path.join(out, f"{kind}_y_{part}.npy"), y.numpy())
