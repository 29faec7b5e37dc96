#!/usr/bin/env python3
"""Golden files for issue 10's model structure — nested models and shared layers — written by
real Keras 3.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_nested_shared_files.py
    BRAIN_EXPORT_DIR=/tmp/nest build/test_nested_shared       (C: saves the loaded models again)
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_nested_shared_files.py check /tmp/nest
        (Keras loads brain's files and predicts as from its own; also the models brain built
         itself in C, nest_c_*.keras, against the predictions brain wrote beside them)

writes tests/keras_files/nest_<name>.keras with nest_<name>.json (the input x or xs, Keras's
predictions y, and the number of trainable values: the format of tools/keras_golden_models.py):
    functional  Functional inside Functional: a frozen Conv-BatchNorm base called with
                training=False, then a nested Sequential head, then a Dense (Keras's transfer
                learning structure; weights under layers/functional/layers/... in model.weights.h5)
    sequential  a Sequential holding a Functional model and a Sequential model
    shared_model  a model called twice: one Conv-BatchNorm base applied to two images (a siamese
                network; the Functional entry has two inbound nodes), Subtract, a sigmoid
    pop         a Sequential CNN saved whole; the json holds Keras's predictions after pop() and
                add(Dense(2, name="new")) with the new kernel/bias set to pop_kernel/pop_bias
                (Sequential.pop as the transfer-learning recipe uses it)
    shared      a siamese network: one Conv2D, Flatten and Dense applied to two images
                (inbound_nodes with two nodes, keras_history node indices 0 and 1), a Dense
                applied twice in a chain, and a Subtract of the two branches
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "keras_files")


def rnd(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def n_trainable(m):
    return int(sum(np.prod(w.shape) for w in m.trainable_weights))


def save(name, m, x):
    path = os.path.join(OUT, "nest_" + name)
    m.save(path + ".keras")
    y = m.predict(x, verbose=0)
    ys = y if isinstance(y, (list, tuple)) else [y]
    info = {"keras_version": keras.__version__, "y": [np.asarray(v).ravel().tolist() for v in ys],
            "trainable": n_trainable(m), "total": int(m.count_params())}
    if isinstance(x, list):
        info.update({"x_shapes": [list(v.shape) for v in x], "xs": [v.ravel().tolist() for v in x]})
    else:
        info.update({"x_shape": list(x.shape), "x": x.ravel().tolist()})
    with open(path + ".json", "w") as f:
        json.dump(info, f)


def randomize_bn(m, seed):
    """moving statistics that are not 0/1, so that inference mode shows"""
    rs = np.random.default_rng(seed)
    for layer in m.layers:
        if isinstance(layer, layers.BatchNormalization):
            g, b, mm, mv = layer.get_weights()
            layer.set_weights([rs.uniform(0.5, 1.5, g.shape), rs.normal(size=b.shape) * 0.1,
                               rs.normal(size=mm.shape) * 0.2, rs.uniform(0.5, 2.0, mv.shape)])


def base_model():
    i = keras.Input((6, 6, 2), name="image")
    h = layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv")(i)
    h = layers.BatchNormalization(name="bn")(h)
    h = layers.ReLU(name="relu")(h)
    h = layers.GlobalAveragePooling2D(name="gap")(h)
    m = keras.Model(i, h, name="base")
    randomize_bn(m, 5)
    return m


def functional():
    base = base_model()
    base.trainable = False
    head = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu", name="hd"),
                             layers.Dropout(0.2, name="hdrop")], name="head")
    x = keras.Input((6, 6, 2), name="x")
    h = base(x, training=False)
    h = head(h)
    y = layers.Dense(3, activation="softmax", name="cls")(h)
    return keras.Model(x, y, name="transfer"), rnd((4, 6, 6, 2), 1)


def sequential():
    base = base_model()
    inner = keras.Sequential([keras.Input((4,)), layers.Dense(3, activation="tanh", name="sd")], name="inner_seq")
    m = keras.Sequential([keras.Input((6, 6, 2)), base, inner, layers.Dense(2, name="out")], name="outer_seq")
    return m, rnd((3, 6, 6, 2), 2)


def shared():
    a = keras.Input((5, 5, 1), name="left")
    b = keras.Input((5, 5, 1), name="right")
    conv = layers.Conv2D(3, 3, activation="relu", name="twin_conv")
    flat = layers.Flatten(name="twin_flat")
    dense = layers.Dense(4, activation="tanh", name="twin_dense")
    again = layers.Dense(4, name="again")
    ha = again(again(dense(flat(conv(a)))))
    hb = again(dense(flat(conv(b))))
    d = layers.Subtract(name="diff")([ha, hb])
    y = layers.Dense(1, activation="sigmoid", name="same")(d)
    return keras.Model([a, b], y, name="siamese"), [rnd((3, 5, 5, 1), 3), rnd((3, 5, 5, 1), 4)]


def pop():
    m = keras.Sequential([keras.Input((6, 6, 2)), layers.Conv2D(3, 3, name="conv"), layers.BatchNormalization(name="bn"),
                          layers.GlobalAveragePooling2D(name="gap"), layers.Dense(4, activation="softmax", name="old")],
                         name="popme")
    randomize_bn(m, 9)
    x = rnd((3, 6, 6, 2), 5)
    path = os.path.join(OUT, "nest_pop")
    m.save(path + ".keras")
    m.pop()
    m.add(layers.Dense(2, activation="softmax", name="new"))
    kernel = (np.arange(6, dtype="float32").reshape(3, 2) / 10 - 0.2)
    bias = np.array([0.1, -0.1], dtype="float32")
    m.get_layer("new").set_weights([kernel, bias])
    y = m.predict(x, verbose=0)
    info = {"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(), "y": [y.ravel().tolist()],
            "layers_after_pop": len(m.layers) - 1, "pop_kernel": kernel.ravel().tolist(), "pop_bias": bias.tolist(),
            "trainable": n_trainable(m), "total": int(m.count_params())}
    with open(path + ".json", "w") as f:
        json.dump(info, f)


def shared_model():
    base = base_model()
    a = keras.Input((6, 6, 2), name="left")
    b = keras.Input((6, 6, 2), name="right")
    d = layers.Subtract(name="diff")([base(a), base(b)])
    y = layers.Dense(1, activation="sigmoid", name="same")(d)
    return keras.Model([a, b], y, name="twins"), [rnd((3, 6, 6, 2), 6), rnd((3, 6, 6, 2), 7)]


def write():
    keras.utils.set_random_seed(7)
    for name, make in (("functional", functional), ("sequential", sequential), ("shared", shared),
                       ("shared_model", shared_model)):
        m, x = make()
        save(name, m, x)
        print("wrote nest_%s (%d trainable of %d)" % (name, n_trainable(m), m.count_params()))
    pop()


def load_x(info):
    if "xs" in info:
        xs = [np.asarray(v, dtype="float32").reshape(sh) for v, sh in zip(info["xs"], info["x_shapes"])]
        return xs[0] if len(xs) == 1 else xs
    return np.asarray(info["x"], dtype="float32").reshape(info["x_shape"])


def check(export_dir):
    """Keras loads what brain saved and predicts what brain (or Keras, from its own file) predicts."""
    worst, seen = 0.0, 0
    for fn in sorted(os.listdir(export_dir)):
        if not fn.endswith(".keras"):
            continue
        if fn.startswith("brain_nest_"):       # a Keras file loaded by brain and saved again
            name = fn[len("brain_"):-len(".keras")]
            info = json.load(open(os.path.join(OUT, name + ".json")))
        elif fn.startswith("nest_c_"):        # a model brain built in C; brain's predictions beside it
            info = json.load(open(os.path.join(export_dir, fn[:-len(".keras")] + ".json")))
        else:
            continue
        ours = keras.saving.load_model(os.path.join(export_dir, fn))
        a = ours.predict(load_x(info), verbose=0)
        a = a if isinstance(a, (list, tuple)) else [a]
        d = max(float(np.max(np.abs(np.asarray(u).ravel() - np.asarray(v)))) for u, v in zip(a, info["y"]))
        tr = n_trainable(ours)
        print(f"{fn:32s} Keras loads it: max |Keras - expected| = {d:.3g}, trainable {tr} (expected {info['trainable']})")
        assert tr == info["trainable"], fn
        worst = max(worst, d)
        seen += 1
    assert seen > 0, "no files in " + export_dir
    assert worst <= 1e-5, worst
    print(f"{seen} files, largest difference {worst:.3g}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        write()
