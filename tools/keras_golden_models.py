#!/usr/bin/env python3
"""Golden files for brain's saving tests, written and checked with real Keras 3.

    python3 -m venv /tmp/kerasenv && /tmp/kerasenv/bin/pip install keras jax jaxlib h5py
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_golden_models.py write
        writes tests/keras_files/<name>.keras (and <name>.h5, Keras's legacy format, where
        marked) with <name>.json: the input x, Keras's predictions y (one list per output),
        and for "resume" models y_after: the predictions after one more epoch of training
        from the saved optimizer state (shuffle=False, batch_size 4, on x and the targets t).
    BRAIN_EXPORT_DIR=/tmp/brain_export build/test_keras_files   (C: writes models made by brain)
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_golden_models.py check /tmp/brain_export
        loads every .keras file there with keras.saving.load_model, predicts on the saved x and
        prints the largest absolute difference to brain's own predictions.

The tests (tests/test_keras_files.c) need no Python: they read the committed files.
Layer sizes are tiny so that the files stay small.
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


def onehot(n, k, seed):
    return keras.utils.to_categorical(np.random.default_rng(seed).integers(0, k, n), k).astype("float32")


def sequential_all():
    """Every Sequential-able layer brain has: InputLayer, Flatten, Dense (with a regularizer),
    Dropout, LeakyReLU, Activation."""
    m = keras.Sequential([
        keras.Input((2, 3)),
        layers.Flatten(),
        layers.Dense(8, activation="relu", kernel_regularizer=keras.regularizers.L2(0.01)),
        layers.Dropout(0.3),
        layers.Dense(5, activation="gelu", kernel_initializer="he_normal"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Activation("sigmoid"),
        layers.Dense(3, activation="softmax", use_bias=True),
    ], name="seq_all")
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = rnd((6, 2, 3), 1)
    m.fit(x, onehot(6, 3, 2), epochs=2, batch_size=3, verbose=0)
    return m, x


def activations():
    """One Dense per activation string brain knows."""
    acts = ["relu", "sigmoid", "tanh", "elu", "selu", "gelu", "silu", "softplus", "softsign",
            "hard_sigmoid", "exponential", "leaky_relu", "linear", "softmax"]
    m = keras.Sequential([keras.Input((3,))] + [layers.Dense(3, activation=a) for a in acts], name="acts")
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9), loss="mse")
    x = rnd((4, 3), 3) * 0.5
    return m, x


def resume():
    """Trained with RMSprop (momentum, centered) for 2 epochs; the test trains one more."""
    m = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh"), layers.Dense(3, activation="softmax")],
                         name="resume")
    m.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01, momentum=0.5, centered=True),
              loss="categorical_crossentropy", metrics=["accuracy"])
    x = rnd((8, 4), 4)
    t = onehot(8, 3, 5)
    m.fit(x, t, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return m, x, t


def resume_adam():
    m = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu"), layers.Dense(2, activation="sigmoid")],
                         name="resume_adam")
    m.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02, amsgrad=True), loss="binary_crossentropy")
    x = rnd((8, 4), 6)
    t = (np.random.default_rng(7).random((8, 2)) > 0.5).astype("float32")
    m.fit(x, t, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return m, x, t


def resume_frozen():
    """Transfer learning: the first Dense frozen (trainable=False), SGD with momentum; the
    optimizer holds slots for the trainable layers only."""
    m = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="relu", name="base"),
                          layers.Dense(4, activation="tanh"), layers.Dense(2, activation="softmax")], name="resume_frozen")
    m.get_layer("base").trainable = False
    m.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
              loss="categorical_crossentropy")
    x = rnd((8, 4), 16)
    t = onehot(8, 2, 17)
    m.fit(x, t, epochs=2, batch_size=4, verbose=0, shuffle=False)
    return m, x, t


def functional_two_outputs():
    x_in = keras.Input((4,), name="features")
    h = layers.Dense(6, activation="selu", name="shared")(x_in)
    d = layers.Dropout(0.1)(h)
    cls = layers.Dense(3, activation="softmax", name="cls")(d)
    reg = layers.Dense(1, name="reg")(h)
    m = keras.Model(x_in, [cls, reg], name="two_heads")
    m.compile(optimizer="adam", loss={"cls": "categorical_crossentropy", "reg": "mse"},
              loss_weights={"cls": 1.0, "reg": 0.5}, metrics={"cls": ["accuracy"]})
    x = rnd((5, 4), 8)
    m.fit(x, {"cls": onehot(5, 3, 9), "reg": rnd((5, 1), 10)}, epochs=1, verbose=0)
    return m, x


def merge_layers():
    """Two inputs through every merge layer: Add, Subtract, Multiply, Average, Maximum,
    Concatenate; two outputs."""
    a = keras.Input((4,), name="a")
    b = keras.Input((4,), name="b")
    h1 = layers.Dense(3, activation="tanh", name="h1")(a)
    h2 = layers.Dense(3, activation="relu", name="h2")(b)
    s = layers.Add()([h1, h2])
    d = layers.Subtract()([h1, h2])
    p = layers.Multiply()([h1, h2])
    av = layers.Average()([h1, h2, s])
    mx = layers.Maximum()([d, p])
    c = layers.Concatenate()([s, d, p, av, mx, a])
    out = layers.Dense(2, activation="softmax", name="out")(c)
    aux = layers.Dense(1, name="aux")(mx)
    m = keras.Model([a, b], [out, aux], name="merges")
    m.compile(optimizer="adam", loss=["categorical_crossentropy", "mse"])
    xs = [rnd((5, 4), 11), rnd((5, 4), 12)]
    m.fit(xs, [onehot(5, 2, 13), rnd((5, 1), 14)], epochs=1, verbose=0)
    return m, xs


def images():
    """Conv2D (same/valid, strides), BatchNormalization (trained moving statistics), MaxPooling2D,
    AveragePooling2D, RandomFlip and RandomRotation (identity at inference), Flatten."""
    m = keras.Sequential([
        keras.Input((6, 6, 2)),
        layers.RandomFlip(),
        layers.RandomRotation(0.1),
        layers.Conv2D(3, (3, 3), padding="same", activation="relu"),
        layers.BatchNormalization(),
        layers.MaxPooling2D(),
        layers.Conv2D(4, (2, 2), activation="tanh"),
        layers.AveragePooling2D(pool_size=2),
        layers.Flatten(),
        layers.Dense(2, activation="softmax"),
    ], name="images")
    m.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    x = rnd((4, 6, 6, 2), 21)
    m.fit(x, onehot(4, 2, 22), epochs=2, batch_size=2, verbose=0)
    return m, x


def image_heads():
    """Functional: GlobalAveragePooling2D and GlobalMaxPooling2D side by side."""
    i = keras.Input((5, 5, 2), name="img")
    c = layers.Conv2D(3, (3, 3), strides=(2, 2), padding="same", activation="elu")(i)
    g1 = layers.GlobalAveragePooling2D()(c)
    g2 = layers.GlobalMaxPooling2D()(c)
    o = layers.Dense(2, activation="softmax", name="o")(layers.Concatenate()([g1, g2]))
    m = keras.Model(i, o, name="image_heads")
    m.compile(optimizer="rmsprop", loss="categorical_crossentropy")
    return m, rnd((3, 5, 5, 2), 23)


def signals():
    """Reshape, Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D."""
    m = keras.Sequential([
        keras.Input((16,)),
        layers.Reshape((8, 2)),
        layers.Conv1D(3, 3, padding="same", activation="relu"),
        layers.MaxPooling1D(),
        layers.Conv1D(2, 2),
        layers.AveragePooling1D(pool_size=1),
        layers.GlobalAveragePooling1D(),
        layers.Dense(1, activation="sigmoid"),
    ], name="signals")
    m.compile(optimizer="sgd", loss="binary_crossentropy")
    return m, rnd((3, 16), 24)


def sequences():
    """Embedding, SimpleRNN, LSTM, GRU (return_sequences), Dense."""
    m = keras.Sequential([
        keras.Input((5,), dtype="int32"),
        layers.Embedding(10, 3),
        layers.SimpleRNN(3, return_sequences=True),
        layers.LSTM(3, return_sequences=True),
        layers.GRU(2),
        layers.Dense(1),
    ], name="sequences")
    m.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(25).integers(0, 10, (3, 5))
    m.fit(x, rnd((3, 1), 26), epochs=1, verbose=0)
    return m, x.astype("float32")


def bidirectional():
    m = keras.Sequential([
        keras.Input((4, 3)),
        layers.Bidirectional(layers.LSTM(2, return_sequences=True)),
        layers.Bidirectional(layers.GRU(2)),
        layers.Dense(2, activation="softmax"),
    ], name="bidirectional")
    m.compile(optimizer="adam", loss="categorical_crossentropy")
    return m, rnd((3, 4, 3), 27)


def keras2_h5(path):
    """A legacy .h5 file laid out as tf.keras 2.15 writes it (written with h5py, since Keras 3 has
    no Keras 2 writer): Keras 2 config forms (batch_input_shape, string dtypes, no "module"),
    weight names "dense/kernel:0", an empty float64 weight_names array for Dropout, a
    training_config with MeanMetricWrapper metrics.  The weights come from a Keras 3 model with
    the same architecture, whose predictions are the expected output."""
    import h5py
    m = keras.Sequential([keras.Input((4,)), layers.Dense(5, activation="relu", name="dense"),
                          layers.Dropout(0.5, name="dropout"), layers.Dense(3, activation="softmax", name="dense_1")])
    dense = {"trainable": True, "dtype": "float32", "use_bias": True,
             "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
             "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                                                "ragged": False, "name": "dense_input"}},
        {"class_name": "Dense", "config": dict(dense, name="dense", units=5, activation="relu")},
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.5,
                                             "noise_shape": None, "seed": None}},
        {"class_name": "Dense", "config": dict(dense, name="dense_1", units=3, activation="softmax")}]}}
    training = {"loss": "categorical_crossentropy",
                "metrics": [[{"class_name": "MeanMetricWrapper",
                              "config": {"name": "accuracy", "dtype": "float32", "fn": "categorical_accuracy"}}]],
                "weighted_metrics": None, "loss_weights": None,
                "optimizer_config": {"class_name": "Adam", "config": {
                    "name": "Adam", "learning_rate": 0.0010000000474974513, "decay": 0.0, "beta_1": 0.9,
                    "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": False, "jit_compile": False,
                    "is_legacy_optimizer": False}}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["training_config"] = json.dumps(training)
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([b"dense", b"dropout", b"dense_1"])
        g.attrs["backend"] = "tensorflow"
        g.attrs["keras_version"] = "2.15.0"
        for lname in ("dense", "dropout", "dense_1"):
            lg = g.create_group(lname)
            layer = m.get_layer(lname)
            if not layer.weights:
                lg.attrs["weight_names"] = np.array([])
                continue
            names = [f"{lname}/{w}:0" for w in ("kernel", "bias")]
            lg.attrs["weight_names"] = np.array([n.encode() for n in names])
            for n, v in zip(names, layer.get_weights()):
                lg.create_dataset(n, data=v)
    x = rnd((4, 4), 15)
    return m, x


def inputs_of(info):
    if "xs" in info:
        return [np.asarray(v, dtype="float32").reshape(sh) for v, sh in zip(info["xs"], info["x_shapes"])]
    return np.asarray(info["x"], dtype="float32").reshape(info["x_shape"])


def predict_list(m, x):
    y = m.predict(x, verbose=0)
    return [np.asarray(v).tolist() for v in (y if isinstance(y, list) else [y])]


def save(name, m, x, legacy=False, extra=None):
    m.save(os.path.join(OUT, name + ".keras"))
    if legacy:
        m.save(os.path.join(OUT, name + ".h5"))
    info = {"keras_version": keras.__version__, "y": [np.asarray(v).ravel().tolist() for v in predict_list(m, x)]}
    if isinstance(x, list):
        info.update({"x_shapes": [list(v.shape) for v in x], "xs": [v.ravel().tolist() for v in x]})
    else:
        info.update({"x_shape": list(x.shape), "x": x.ravel().tolist()})
    info.update(extra or {})
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(info, f)


def write():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(0)
    m, x = sequential_all()
    save("seq_all", m, x, legacy=True)
    m, x = activations()
    save("activations", m, x)
    m, x = functional_two_outputs()
    save("two_heads", m, x, legacy=True)
    m, xs = merge_layers()
    save("merges", m, xs, legacy=True)
    for build in (images, image_heads, signals, sequences, bidirectional):
        m, x = build()
        save(m.name, m, x, legacy=True)
    m, x = keras2_h5(os.path.join(OUT, "keras2_style.h5"))
    with open(os.path.join(OUT, "keras2_style.json"), "w") as f:
        json.dump({"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
                   "y": [np.asarray(v).ravel().tolist() for v in predict_list(m, x)]}, f)
    # Keras 3 itself reads it (compile=False: Keras 3 rejects the tf.keras 2.15 optimizer config keys)
    m2 = keras.saving.load_model(os.path.join(OUT, "keras2_style.h5"), compile=False)
    assert np.allclose(m2.predict(x, verbose=0), m.predict(x, verbose=0), atol=1e-6)
    for build in (resume, resume_adam, resume_frozen):
        m, x, t = build()
        name = m.name
        m.save(os.path.join(OUT, name + ".keras"))
        y0 = predict_list(m, x)
        m.fit(x, t, epochs=1, batch_size=4, verbose=0, shuffle=False)
        info = {"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
                "t_shape": list(t.shape), "t": t.ravel().tolist(),
                "y": [np.asarray(v).ravel().tolist() for v in y0],
                "y_after": [np.asarray(v).ravel().tolist() for v in predict_list(m, x)]}
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(info, f)
    print("wrote", sorted(os.listdir(OUT)), "with Keras", keras.__version__)


def check(d):
    worst = 0.0
    for fn in sorted(os.listdir(d)):
        if not fn.endswith(".keras"):
            continue
        name = fn[:-6]
        with open(os.path.join(d, name + ".json")) as f:
            info = json.load(f)
        m = keras.saving.load_model(os.path.join(d, fn))
        x = inputs_of(info)
        ys = predict_list(m, x)
        diff = max(float(np.max(np.abs(np.asarray(y).ravel() - np.asarray(b)))) for y, b in zip(ys, info["y"]))
        worst = max(worst, diff)
        if "y_after" in info:  # one more epoch in Keras from brain's saved optimizer state
            t = np.asarray(info["t"], dtype="float32").reshape(info["t_shape"])
            m.fit(x, t, epochs=1, batch_size=4, verbose=0, shuffle=False)
            d2 = max(float(np.max(np.abs(np.asarray(y).ravel() - np.asarray(b))))
                     for y, b in zip(predict_list(m, x), info["y_after"]))
            print(f"{fn}: after one more epoch in Keras, max |keras - brain| = {d2:.3g}")
            worst = max(worst, d2)
        layers_seen = sorted({type(l).__name__ for l in m.layers})
        print(f"{fn}: max |keras - brain| = {diff:.3g}  layers {layers_seen}  compiled={m.compiled}")
    print(f"Keras {keras.__version__}: largest difference {worst:.3g}")
    return 0 if worst <= 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    write()
