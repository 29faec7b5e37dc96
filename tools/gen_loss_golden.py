#!/usr/bin/env python3
"""Writes tests/loss_golden.h: loss values, loss gradients and metric results computed by
Keras 3 itself (JAX backend), for tests/test_losses.c and tests/test_metrics.c.

    python3 -m venv /tmp/kvenv && /tmp/kvenv/bin/pip install keras jax jaxlib
    KERAS_BACKEND=jax /tmp/kvenv/bin/python tools/gen_loss_golden.py > tests/loss_golden.h

Not needed to build or test: its output is committed.  Inputs are float32 and printed with
9 significant digits, so the C side reads back the very same numbers.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

jax.config.update("jax_enable_x64", False)
rng = np.random.default_rng(20240611)
out = []


def f32(a):
    return np.asarray(a, dtype=np.float32)


def carr(name, a):
    a = f32(a).ravel()
    body = ", ".join(float(v).hex() + "f" for v in a)  # exact: hex float literals
    out.append("static const float %s[%d] = { %s };" % (name, max(len(a), 1), body if len(a) else "0"))


def ff(v):
    """a float literal C accepts: 0.5f, 0.0f, 1e-07f"""
    t = "%.9g" % v
    if "." not in t and "e" not in t:
        t += ".0"
    return t + "f"


def shape_init(s):
    return "%d, { %s }" % (len(s), ", ".join(str(d) for d in s))


loss_rows = []


def loss_case(kind, y_true, y_pred, w=None, from_logits=False, ls=0.0, delta=0.0, keras_w=None):
    """kind: mse, mae, huber, bce, cce, scce.  w: one weight per row (passed to Keras as
    (N, 1) when the per-sample loss has more than one axis, so it applies to the whole row)."""
    i = len(loss_rows)
    y_true, y_pred = f32(y_true), f32(y_pred)
    kw = {}
    if kind == "mse":
        L = keras.losses.MeanSquaredError()
    elif kind == "mae":
        L = keras.losses.MeanAbsoluteError()
    elif kind == "huber":
        L = keras.losses.Huber(delta=delta or 1.0)
    elif kind == "bce":
        L = keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=ls)
    elif kind == "cce":
        L = keras.losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=ls)
    elif kind == "scce":
        L = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    sw = None
    if w is not None:
        sw = f32(w) if keras_w is None else f32(keras_w)

    def fn(p):
        return L(jnp.asarray(y_true), p, sample_weight=None if sw is None else jnp.asarray(sw))

    value = float(fn(jnp.asarray(y_pred)))
    grad = np.asarray(jax.grad(fn)(jnp.asarray(y_pred)))
    carr("gl%d_yt" % i, y_true)
    carr("gl%d_yp" % i, y_pred)
    carr("gl%d_grad" % i, grad)
    if w is not None:
        carr("gl%d_w" % i, w)
    loss_rows.append('{ "%s", %d, %s, %s, { %s }, gl%d_yt, { %s }, gl%d_yp, %s, %.17g, gl%d_grad }'
                     % (kind, int(from_logits), ff(ls), ff(delta), shape_init(y_true.shape), i, shape_init(y_pred.shape), i,
                        ("gl%d_w" % i) if w is not None else "NULL", value, i))


def probs(shape):
    return rng.uniform(0.02, 0.98, size=shape)


def softmaxish(shape):
    p = rng.uniform(0.05, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True)


# regression
yt = rng.normal(size=(4, 3)); yp = yt + rng.normal(scale=1.5, size=(4, 3))
w4 = [0.7, 0.3, 1.5, 0.0]
loss_case("mse", yt, yp)
loss_case("mse", yt, yp, w=w4)
loss_case("mae", yt, yp, w=w4)
loss_case("huber", yt, yp, w=w4)
loss_case("huber", yt, yp, delta=0.5)
loss_case("mse", rng.normal(size=(5,)), rng.normal(size=(5, 1)), w=[1, 2, 3, 4, 5])  # (N,) vs (N, 1)
y3 = rng.normal(size=(2, 3, 2))
loss_case("mse", y3, y3 + rng.normal(size=(2, 3, 2)), w=[0.25, 2.0], keras_w=[[0.25], [2.0]])
loss_case("mae", y3, y3 + rng.normal(size=(2, 3, 2)))

# binary crossentropy: saturated and clipped probabilities included
ytb = f32([[0, 1], [1, 0], [1, 1], [0, 0], [1, 0], [0, 1]])
ypb = f32([[0.3, 0.8], [1e-8, 1.0], [0.99999994, 2e-7], [0.0, 0.6], [0.5, 0.45], [0.9999, 1e-4]])
loss_case("bce", ytb, ypb)
loss_case("bce", ytb, ypb, w=[1, 0.5, 2, 0, 1, 3], keras_w=None)
loss_case("bce", ytb, ypb, ls=0.1)
loss_case("bce", ytb, rng.normal(scale=4, size=(6, 2)), from_logits=True)
loss_case("bce", ytb, rng.normal(scale=4, size=(6, 2)), from_logits=True, ls=0.2, w=[1, 2, 3, 4, 5, 6])
loss_case("bce", [0, 1, 1, 0, 1], rng.uniform(size=(5, 1)))  # (N,) targets, (N, 1) predictions
loss_case("bce", [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], from_logits=True)  # Keras docstring example

# categorical crossentropy (unnormalised probabilities included: Keras divides by the sum)
ytc = np.eye(4)[rng.integers(0, 4, size=5)]
loss_case("cce", ytc, softmaxish((5, 4)))
loss_case("cce", ytc, rng.uniform(0.1, 2.0, size=(5, 4)), w=[1, 0.5, 2, 0, 3])
loss_case("cce", ytc, softmaxish((5, 4)), ls=0.1)
loss_case("cce", ytc, f32([[0.0, 1.0, 0.0, 0.0], [1e-9, 0.5, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25],
                           [0.97, 0.01, 0.01, 0.01], [0.0, 0.0, 0.0, 1.0]]))
loss_case("cce", ytc, rng.normal(scale=3, size=(5, 4)), from_logits=True)
loss_case("cce", ytc, rng.normal(scale=3, size=(5, 4)), from_logits=True, ls=0.15, w=[1, 2, 0, 1, 0.5])
loss_case("cce", [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])  # docstring example
yt3 = np.eye(4)[rng.integers(0, 4, size=(2, 3))]
loss_case("cce", yt3, softmaxish((2, 3, 4)), w=[0.5, 2.0], keras_w=[[0.5], [2.0]])

# sparse categorical crossentropy
ids = rng.integers(0, 4, size=5).astype(np.float32)
pp = softmaxish((5, 4))
loss_case("scce", ids, pp)
loss_case("scce", ids.reshape(5, 1), pp, w=[1, 0.5, 2, 0, 3])
loss_case("scce", ids, rng.normal(scale=3, size=(5, 4)), from_logits=True, w=[1, 2, 3, 4, 5])
loss_case("scce", [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])  # docstring example
ids3 = rng.integers(0, 4, size=(2, 3)).astype(np.float32)
pp3 = softmaxish((2, 3, 4))
loss_case("scce", ids3, pp3)
loss_case("scce", ids3.reshape(2, 3, 1), rng.normal(size=(2, 3, 4)), from_logits=True)

out.append("")
out.append("static const golden_loss golden_losses[] = {\n    " + ",\n    ".join(loss_rows) + "\n};")

# ------------------------------------------------------------------ metrics
metric_rows = []


def metric_case(kind, y_true, y_pred, w=None, threshold=0.0, num_thresholds=0, pr=False, logits=False):
    i = len(metric_rows)
    y_true, y_pred = f32(y_true), f32(y_pred)
    if kind == "binary_accuracy":
        M = keras.metrics.BinaryAccuracy(threshold=threshold or 0.5)
    elif kind == "categorical_accuracy":
        M = keras.metrics.CategoricalAccuracy()
    elif kind == "sparse_categorical_accuracy":
        M = keras.metrics.SparseCategoricalAccuracy()
    elif kind == "precision":
        M = keras.metrics.Precision(thresholds=threshold or None)
    elif kind == "recall":
        M = keras.metrics.Recall(thresholds=threshold or None)
    elif kind == "auc":
        M = keras.metrics.AUC(num_thresholds=num_thresholds or 200, curve="PR" if pr else "ROC", from_logits=logits)
    elif kind == "mse":
        M = keras.metrics.MeanSquaredError()
    elif kind == "mae":
        M = keras.metrics.MeanAbsoluteError()
    M.update_state(y_true, y_pred, sample_weight=None if w is None else f32(w))
    value = float(M.result())
    carr("gm%d_yt" % i, y_true)
    carr("gm%d_yp" % i, y_pred)
    if w is not None:
        carr("gm%d_w" % i, w)
    metric_rows.append('{ "%s", %s, %d, %d, %d, { %s }, gm%d_yt, { %s }, gm%d_yp, %s, %.17g }'
                       % (kind, ff(threshold), num_thresholds, int(pr), int(logits), shape_init(y_true.shape), i,
                          shape_init(y_pred.shape), i, ("gm%d_w" % i) if w is not None else "NULL", value))


n = 300
lab = (rng.uniform(size=n) < 0.4).astype(np.float32)
score = np.clip(0.35 * lab + rng.uniform(size=n) * 0.7, 0, 1).astype(np.float32)
# predictions exactly on the AUC thresholds k/199 and on 0, 0.5, 1 test the bucketing
score[:12] = f32([0.0, 1.0, 0.5, 1 / 199, 2 / 199, 100 / 199, 198 / 199, 99 / 199, 0.25, 0.75, 1e-9, 0.99999994])
wts = rng.uniform(0.0, 2.0, size=n).astype(np.float32)
metric_case("auc", lab.reshape(n, 1), score.reshape(n, 1))
metric_case("auc", lab.reshape(n, 1), score.reshape(n, 1), w=wts)
metric_case("auc", lab, score.reshape(n, 1), pr=True)
metric_case("auc", lab.reshape(n, 1), score.reshape(n, 1), w=wts, pr=True)
metric_case("auc", lab.reshape(n, 1), (score * 8 - 4).reshape(n, 1), logits=True)
metric_case("auc", lab.reshape(n, 1), score.reshape(n, 1), num_thresholds=7)
metric_case("auc", lab.reshape(n, 1), score.reshape(n, 1), num_thresholds=7, pr=True)
metric_case("auc", lab.reshape(60, 5), (score * 1.4 - 0.2).reshape(60, 5), w=wts[:60])  # out of [0, 1]: clipped
metric_case("precision", lab.reshape(n, 1), score.reshape(n, 1))
metric_case("recall", lab.reshape(n, 1), score.reshape(n, 1))
metric_case("precision", lab.reshape(n, 1), score.reshape(n, 1), w=wts, threshold=0.3)
metric_case("recall", lab.reshape(n, 1), score.reshape(n, 1), w=wts, threshold=0.7)
metric_case("binary_accuracy", lab.reshape(n, 1), score.reshape(n, 1))
metric_case("binary_accuracy", lab.reshape(60, 5), score.reshape(60, 5), w=wts[:60], threshold=0.6)
idx = rng.integers(0, 5, size=40)
logits5 = rng.normal(size=(40, 5)).astype(np.float32)
logits5[0] = [1, 3, 3, 0, 0]  # a tie: argmax takes the first
metric_case("sparse_categorical_accuracy", idx.astype(np.float32), logits5)
metric_case("sparse_categorical_accuracy", idx.astype(np.float32).reshape(40, 1), logits5, w=wts[:40])
metric_case("categorical_accuracy", np.eye(5)[idx], logits5, w=wts[:40])
yr = rng.normal(size=(10, 3))
metric_case("mse", yr, yr + rng.normal(size=(10, 3)), w=wts[:10])
metric_case("mae", yr, yr + rng.normal(size=(10, 3)))
metric_case("mse", yr.reshape(5, 3, 2), yr.reshape(5, 3, 2) + 1.5 * rng.normal(size=(5, 3, 2)))

out.append("")
out.append("static const golden_metric golden_metrics[] = {\n    " + ",\n    ".join(metric_rows) + "\n};")

print("/* loss_golden.h — written by tools/gen_loss_golden.py with Keras %s (JAX %s backend); do not edit. */"
      % (keras.__version__, jax.__version__))
print("#ifndef LOSS_GOLDEN_H\n#define LOSS_GOLDEN_H\n#include <math.h>\n#include <stddef.h>\n#include <stdint.h>\n")
print("typedef struct { int ndim; int64_t dims[4]; } golden_shape;")
print("typedef struct golden_loss {\n    const char *kind; int from_logits; float label_smoothing, delta;\n"
      "    golden_shape ts; const float *yt; golden_shape ps; const float *yp;\n"
      "    const float *w; double value; const float *grad;\n} golden_loss;")
print("typedef struct golden_metric {\n    const char *kind; float threshold; int num_thresholds, pr_curve, from_logits;\n"
      "    golden_shape ts; const float *yt; golden_shape ps; const float *yp;\n"
      "    const float *w; double value;\n} golden_metric;\n")
print("\n".join(out))
print("\n#endif")
