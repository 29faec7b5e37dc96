#!/usr/bin/env python3
"""Resume golden files for issue 12's optimizers, schedules and common options, both directions.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_toolkit_resume.py write
        writes tests/keras_files/tk_<name>.keras and tk_<name>.json: x, targets t, Keras's
        predictions y and y_after (after one more epoch from the saved optimizer state,
        shuffle=False, batch_size 4).  tests/test_toolkit_optimizers.c loads them, checks y,
        trains one epoch and checks y_after.
    TOOLKIT_EXPORT_DIR=/tmp/tk_export build/test_toolkit_optimizers
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_toolkit_resume.py check /tmp/tk_export
        loads brain's files in Keras, compares predictions, trains one epoch in Keras from
        brain's optimizer state and compares with brain's own y_after.
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

S = keras.optimizers.schedules
O = keras.optimizers
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "keras_files")

OPTS = {
    "nadam_exp_ema": lambda: O.Nadam(learning_rate=S.ExponentialDecay(0.02, 3, 0.7), use_ema=True, ema_momentum=0.8),
    "adagrad_accum_cosine": lambda: O.Adagrad(learning_rate=S.CosineDecay(0.01, 6, warmup_target=0.1, warmup_steps=2),
                                              gradient_accumulation_steps=2),
    "lion_piecewise": lambda: O.Lion(learning_rate=S.PiecewiseConstantDecay([2, 5], [0.01, 0.005, 0.001]), weight_decay=0.1),
    "ftrl": lambda: O.Ftrl(learning_rate=0.1, l1_regularization_strength=0.01, l2_regularization_strength=0.01),
    "adadelta_poly": lambda: O.Adadelta(learning_rate=S.PolynomialDecay(1.0, 10, power=2.0), clipnorm=1.0),
    "adamax_restarts": lambda: O.Adamax(learning_rate=S.CosineDecayRestarts(0.05, 2), ema_overwrite_frequency=3, use_ema=True),
    "adafactor": lambda: O.Adafactor(learning_rate=0.05),
    "sgd_inverse_time": lambda: O.SGD(learning_rate=S.InverseTimeDecay(0.1, 2, 0.5, staircase=True), momentum=0.9),
}


def rnd(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def build(name, opt):
    m = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="tanh"), layers.Dense(3, activation="softmax")],
                         name="tk_" + name)
    m.compile(optimizer=opt, loss="categorical_crossentropy")
    return m


def write():
    keras.utils.set_random_seed(0)
    x = rnd((8, 4), 21)
    t = keras.utils.to_categorical(np.random.default_rng(22).integers(0, 3, 8), 3).astype("float32")
    for name, make in OPTS.items():
        m = build(name, make())
        m.fit(x, t, epochs=2, batch_size=4, verbose=0, shuffle=False)
        path = os.path.join(OUT, "tk_" + name + ".keras")
        m.save(path)
        y0 = m.predict(x, verbose=0)
        it0 = int(m.optimizer.iterations)
        # continue from the saved file (fitting `m` itself again trips a JAX donated-buffer
        # error in Keras 3.15 with Nadam's extra variable)
        m = keras.saving.load_model(path)
        assert np.allclose(m.predict(x, verbose=0), y0, atol=0)
        m.fit(x, t, epochs=1, batch_size=4, verbose=0, shuffle=False)
        y1 = m.predict(x, verbose=0)
        with open(os.path.join(OUT, "tk_" + name + ".json"), "w") as f:
            json.dump({"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
                       "t_shape": list(t.shape), "t": t.ravel().tolist(), "y": y0.ravel().tolist(),
                       "y_after": y1.ravel().tolist(), "iterations": it0}, f)
    print("wrote", len(OPTS), "files with Keras", keras.__version__)


def check(d):
    worst = 0.0
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".keras"):
            continue
        with open(os.path.join(d, fn[:-6] + ".json")) as f:
            info = json.load(f)
        m = keras.saving.load_model(os.path.join(d, fn))
        x = np.array(info["x"], np.float32).reshape(info["x_shape"])
        t = np.array(info["t"], np.float32).reshape(info["t_shape"])
        d0 = float(np.max(np.abs(m.predict(x, verbose=0).ravel() - np.array(info["y"]))))
        m.fit(x, t, epochs=1, batch_size=4, verbose=0, shuffle=False)
        d1 = float(np.max(np.abs(m.predict(x, verbose=0).ravel() - np.array(info["y_after"]))))
        lr = m.optimizer.get_config()["learning_rate"]
        print("%-40s %-9s lr=%s  predict diff %.3g, after one Keras epoch from brain's state %.3g" %
              (fn, type(m.optimizer).__name__, lr["class_name"] if isinstance(lr, dict) else lr, d0, d1))
        worst = max(worst, d0, d1)
    print("largest difference:", worst)
    return worst


if __name__ == "__main__":
    if sys.argv[1:2] == ["write"]:
        write()
    elif sys.argv[1:2] == ["check"]:
        sys.exit(0 if check(sys.argv[2]) <= 1e-5 else 1)
    else:
        print(__doc__)
