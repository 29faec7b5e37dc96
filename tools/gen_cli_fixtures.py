"""Fixtures for tests/cli/test_cli.sh (the `brain` command line on NPZ, NPY and IDX files).

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_cli_fixtures.py

blobs.npz      x (240, 6) float32, y (240,) int64: three Gaussian blobs (classes 0, 1, 2),
               numpy.savez_compressed; blobs_x.npy / blobs_y.npy the same arrays.
digits-images.idx / digits-labels.idx
               60 tiny 8x8 uint8 "images" of two classes (a bright left or right half, plus noise),
               IDX as the MNIST files; digits-labels59.idx has one label too few (count check).
"""
import os
import struct
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "tests", "cli", "data")
os.makedirs(out, exist_ok=True)
rng = np.random.RandomState(7)

centres = np.array([[0, 0, 0, 0, 0, 0], [3, 3, 0, 0, 1, 0], [0, 3, 3, 0, 0, 1]], dtype=np.float64)
y = np.repeat(np.arange(3), 80)
x = (centres[y] + rng.normal(0, 1.0, (240, 6)) * 1.2 + np.array([10, -5, 100, 0.5, 2, 7])).astype(np.float32)
perm = rng.permutation(240)
x, y = x[perm], y[perm].astype(np.int64)
np.savez_compressed(os.path.join(out, "blobs.npz"), x=x, y=y)
np.save(os.path.join(out, "blobs_x.npy"), x)
np.save(os.path.join(out, "blobs_y.npy"), y)


def idx(path, arr):
    code = {np.uint8: 0x08}[arr.dtype.type]
    with open(path, "wb") as f:
        f.write(struct.pack(">BBBB", 0, 0, code, arr.ndim))
        for d in arr.shape:
            f.write(struct.pack(">I", d))
        f.write(arr.tobytes())


labels = np.tile([0, 1], 30).astype(np.uint8)
images = rng.randint(0, 60, (60, 8, 8)).astype(np.uint8)
for i, l in enumerate(labels):
    if l == 0:
        images[i, :, :4] += 150
    else:
        images[i, :, 4:] += 150
idx(os.path.join(out, "digits-images.idx"), images)
idx(os.path.join(out, "digits-labels.idx"), labels)
idx(os.path.join(out, "digits-labels59.idx"), labels[:59])
