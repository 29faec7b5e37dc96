"""Writes tests/golden_resize.h: keras.ops.image.resize(interpolation="bilinear") — the resizing
image_dataset_from_directory applies, antialias off as its default — of a 5 × 7 RGB image whose
pixel (y, x, c) is (37·y + 11·x + 53·c) mod 256, to 3 × 4 (down) and 9 × 11 (up).
tests/test_dataset.c writes that image as a PNG and compares brain's bilinear resize.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_resize_golden.py
"""
import os

import numpy as np
import keras

H, W = 5, 7
img = np.zeros((1, H, W, 3), np.float32)
for y in range(H):
    for x in range(W):
        for c in range(3):
            img[0, y, x, c] = (37 * y + 11 * x + 53 * c) % 256
out = os.path.join(os.path.dirname(__file__), "..", "tests", "golden_resize.h")
with open(out, "w") as f:
    f.write("/* golden_resize.h — written by tools/gen_resize_golden.py with keras.ops.image.resize (Keras %s,\n"
            " * backend %s, bilinear, antialias off).  Do not edit. */\n" % (keras.__version__, keras.backend.backend()))
    for name, (h, w) in (("down", (3, 4)), ("up", (9, 11))):
        r = np.asarray(keras.ops.image.resize(img, (h, w), interpolation="bilinear", antialias=False))[0]
        f.write("static const float golden_resize_%s[%d] = {\n" % (name, r.size))
        vals = [repr(float(np.float32(v))) for v in r.reshape(-1)]
        for i in range(0, len(vals), 8):
            f.write("    " + ", ".join(v + "f" for v in vals[i:i + 8]) + ",\n")
        f.write("};\n")
