"""The other direction of tests/test_attention_keras.c: Keras 3 loads the .keras files brain
wrote for the attention models and predicts what it predicts from its own files.

    mkdir -p /tmp/brain_attn && BRAIN_ATTN_SAVE_DIR=/tmp/brain_attn ./build/test_attention_keras
    BRAIN_ATTN_SAVE_DIR=/tmp/brain_attn ./build/test_attention_more_keras
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/check_keras_loads_brain.py /tmp/brain_attn
Prints the largest difference per model and exits 1 if any exceeds 1e-5.
"""
import os
import sys
os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np
import keras

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "keras_files")
bad = 0
for n in ["text", "masked", "ecg", "causal", "cross", "dropmask", "misc", "noise", "luong", "timedist",
          "scores", "scoresmask", "axes", "mergemask", "groupnorm"]:
    a = keras.saving.load_model(os.path.join(here, f"attn_{n}.keras"))
    b = keras.saving.load_model(os.path.join(sys.argv[1], f"brain_attn_{n}.keras"))
    rs = np.random.RandomState(0)
    xs = [rs.randint(0, 5, size=(3,) + tuple(i.shape[1:])).astype("float32") for i in a.inputs]
    pa, pb = a.predict(xs, verbose=0), b.predict(xs, verbose=0)
    pa, pb = (pa, pb) if isinstance(pa, list) else ([pa], [pb])
    d = max(float(np.abs(u - v).max()) for u, v in zip(pa, pb))
    print(f"{n}: largest difference {d:.3g}")
    bad += d > 1e-5
sys.exit(1 if bad else 0)
