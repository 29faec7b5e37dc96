#!/usr/bin/env python3
"""Keras applications (and the layers they need) for brain's tests, built by real Keras 3 with
weights=None at small input sizes.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_applications.py write
        writes tests/keras_files/apps/<name>.keras (and <name>.h5, the legacy format, where
        marked) and <name>.json: the input x and Keras's predictions y (the format of
        tools/keras_golden_models.py).  These small files are committed and always tested.
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_applications.py large DIR
        writes the full-size models (MobileNetV2 alpha 1.0 at 224x224, ...) into DIR; the test
        reads them from $BRAIN_APPS_DIR and skips them when it is not set.
    BRAIN_EXPORT_DIR=/tmp/apps build/test_applications
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_applications.py bench DIR
        writes MobileNetV2 (alpha 1.0) and ResNet50 at 224x224 for bench/run_apps.sh.
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/keras_applications.py check /tmp/apps [JSONDIR]
        loads in Keras every brain_<name>.keras that brain saved back and compares its
        predictions with Keras's own file's (the .json files in JSONDIR, default the small ones';
        for the large ones: BRAIN_APPS_DIR=DIR BRAIN_EXPORT_DIR=/tmp/apps, then check /tmp/apps DIR).
"""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "keras_files", "apps")


def rnd(shape, seed, lo=-1.0, hi=1.0):
    return np.random.default_rng(seed).uniform(lo, hi, size=shape).astype("float32")


def randomize(m, seed):
    """weights=None leaves BatchNormalization's moving statistics at 0 and 1, which would hide
    mistakes in their use: give every weight random values (variances positive)."""
    rng = np.random.default_rng(seed)
    for w in m.weights:
        v = rng.normal(0, 0.3, size=w.shape).astype("float32")
        if "variance" in w.path:
            v = rng.uniform(0.5, 1.5, size=w.shape).astype("float32")
        w.assign(v)


def layer_zoo():
    """Each new layer with its options, in one functional model."""
    inp = keras.Input((9, 8, 3), name="img")
    a = layers.ZeroPadding2D(((1, 2), (0, 1)), name="pad")(inp)                    # (12, 9, 3)
    a = layers.DepthwiseConv2D(3, strides=2, padding="valid", depth_multiplier=2, name="dw_s2")(a)
    a = layers.ReLU(max_value=6.0, name="relu6")(a)
    b = layers.DepthwiseConv2D((3, 2), padding="same", dilation_rate=(2, 1), activation="tanh", name="dw_dil")(inp)
    b = layers.ReLU(negative_slope=0.1, threshold=0.2, name="relu_leaky")(b)
    b = layers.Cropping2D(((1, 2), (2, 1)), name="crop")(b)                          # (6, 5, 3)
    b = layers.DepthwiseConv2D(2, padding="same", strides=2, use_bias=False, name="dw_same_s2")(b)
    a = layers.GlobalAveragePooling2D(name="ga")(a)
    b = layers.GlobalAveragePooling2D(keepdims=True, name="gb")(b)
    b = layers.Flatten(name="fb")(b)
    c = layers.Concatenate(name="cat")([a, b])
    out = layers.Dense(4, activation="softmax", name="out")(layers.ReLU(name="relu_plain")(c))
    m = keras.Model(inp, out, name="layer_zoo")
    randomize(m, 1)
    return m, rnd((3, 9, 8, 3), 2)


def layer_zoo2():
    """UpSampling2D (nearest, bilinear) and Conv2DTranspose (same, valid, strides, activation)."""
    inp = keras.Input((5, 4, 2), name="img")
    a = layers.UpSampling2D(name="up_nearest")(inp)                                    # (10, 8, 2)
    a = layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu", name="tc_same_s2")(a)  # (20, 16, 3)
    b = layers.UpSampling2D((2, 3), interpolation="bilinear", name="up_bilinear")(inp)  # (10, 12, 2)
    b = layers.Conv2DTranspose(2, (2, 3), padding="valid", name="tc_valid")(b)          # (11, 14, 2)
    c = layers.Conv2DTranspose(4, 3, strides=(2, 1), padding="valid", use_bias=False, name="tc_valid_s2")(inp)  # (11, 6, 4)
    d = layers.Conv2DTranspose(2, 4, strides=3, padding="same", name="tc_same_k4s3")(inp)  # (15, 12, 2)
    pool = [layers.GlobalAveragePooling2D(name=f"g{i}")(t) for i, t in enumerate((a, b, c, d))]
    out = layers.Dense(3, name="out")(layers.Concatenate(name="cat")(pool))
    m = keras.Model(inp, out, name="layer_zoo2")
    randomize(m, 5)
    return m, rnd((2, 5, 4, 2), 6)


def layer_zoo3():
    """Rescaling (a number, per channel), squeeze-and-excitation (Multiply broadcasting
    (H, W, C) by (1, 1, C)), Add broadcasting, Dropout with noise_shape (identity here)."""
    inp = keras.Input((6, 5, 3), name="img")
    x = layers.Rescaling(1.0 / 127.5, offset=-1.0, name="scale")(inp)
    x = layers.Rescaling([0.5, 2.0, -1.0], offset=[0.1, 0.0, 0.2], name="per_channel")(x)
    x = layers.Conv2D(4, 3, padding="same", name="conv")(x)
    se = layers.GlobalAveragePooling2D(keepdims=True, name="se_pool")(x)
    se = layers.Conv2D(2, 1, activation="relu", name="se_reduce")(se)
    se = layers.Conv2D(4, 1, activation="sigmoid", name="se_expand")(se)
    x = layers.Multiply(name="excite")([x, se])
    row = layers.Conv2D(4, (6, 1), name="row")(x)                            # (1, 5, 4)
    x = layers.Add(name="add_bcast")([x, row])
    x = layers.Dropout(0.3, noise_shape=(None, 1, 1, 1), name="drop_sample")(x)
    out = layers.Dense(2, name="out")(layers.GlobalAveragePooling2D(name="pool")(x))
    m = keras.Model(inp, out, name="layer_zoo3")
    randomize(m, 9)
    return m, rnd((2, 6, 5, 3), 10, 0, 255)


def layer_zoo4():
    """Normalization: adapted on data (mean, variance, count weights), with constants, inverted."""
    data = rnd((7, 4, 3), 11, -2, 5)
    inp = keras.Input((4, 3), name="x")
    na = layers.Normalization(name="adapted")
    na.adapt(data)
    x = na(inp)
    x = layers.Normalization(mean=[0.5, -1.0, 2.0], variance=[4.0, 0.25, 1.0], name="const")(x)
    x = layers.Normalization(mean=1.0, variance=9.0, invert=True, name="inverted")(x)
    out = layers.Dense(2, name="out")(layers.Flatten(name="flat")(x))
    m = keras.Model(inp, out, name="layer_zoo4")
    m.get_layer("out").set_weights([rnd((12, 2), 12), rnd((2,), 13)])
    extra = {"adapt_shape": list(data.shape), "adapt_x": data.ravel().tolist(),
             "adapt_mean": np.asarray(na.mean).ravel().tolist(), "adapt_var": np.asarray(na.variance).ravel().tolist()}
    return m, rnd((2, 4, 3), 14, -2, 5), extra


def layer_zoo5():
    """SeparableConv2D: multiplier, strides, same/valid, bias or not, an activation."""
    inp = keras.Input((7, 6, 3), name="img")
    a = layers.SeparableConv2D(4, 3, strides=2, padding="same", depth_multiplier=2, activation="relu", name="sep_a")(inp)
    b = layers.SeparableConv2D(5, (2, 3), padding="valid", use_bias=False, name="sep_b")(inp)
    c = layers.SeparableConv2D(2, 3, dilation_rate=2, padding="same", name="sep_dil")(inp)
    pool = [layers.GlobalAveragePooling2D(name=f"g{i}")(t) for i, t in enumerate((a, b, c))]
    out = layers.Dense(2, name="out")(layers.Concatenate(name="cat")(pool))
    m = keras.Model(inp, out, name="layer_zoo5")
    randomize(m, 15)
    return m, rnd((2, 7, 6, 3), 16)


def layer_zoo6():
    """Conv2D and Conv1D with groups: same/valid, strides, dilation, bias or not, activations
    (swish keeps the pre-activation, tanh does not; smooth, for the gradient check)."""
    inp = keras.Input((7, 6, 4), name="img")
    a = layers.Conv2D(6, 3, groups=2, padding="same", activation="swish", name="g2_same")(inp)
    b = layers.Conv2D(4, (2, 3), strides=2, groups=4, use_bias=False, name="g4_valid_s2")(inp)
    c = layers.Conv2D(8, 3, dilation_rate=2, groups=2, padding="same", activation="tanh", name="g2_dil")(inp)
    d = layers.Conv2D(6, 1, groups=2, name="g2_pointwise")(a)
    seq = layers.Reshape((42, 4), name="as_seq")(inp)
    e = layers.Conv1D(6, 3, groups=2, padding="causal", name="g2_conv1d")(seq)
    pool = [layers.GlobalAveragePooling2D(name=f"g{i}")(t) for i, t in enumerate((a, b, c, d))]
    pool.append(layers.GlobalAveragePooling1D(name="g4")(e))
    out = layers.Dense(3, name="out")(layers.Concatenate(name="cat")(pool))
    m = keras.Model(inp, out, name="layer_zoo6")
    randomize(m, 17)
    return m, rnd((2, 7, 6, 4), 18)


def layer_zoo7():
    """BatchNormalization on every axis (1, 2, -1 of an image batch), with its training output
    (batch statistics) too."""
    inp = keras.Input((5, 4, 3), name="img")
    x = layers.BatchNormalization(axis=1, name="bn_axis1")(inp)
    x = layers.BatchNormalization(axis=2, momentum=0.9, name="bn_axis2")(x)
    x = layers.BatchNormalization(axis=-1, center=False, name="bn_last")(x)
    out = layers.Dense(2, name="out")(layers.Flatten(name="flat")(x))
    m = keras.Model(inp, out, name="layer_zoo7")
    randomize(m, 19)
    x = rnd((3, 5, 4, 3), 20, -2, 3)
    return m, x, {"y_train": np.asarray(m(x, training=True)).ravel().tolist()}


def layer_zoo8():
    """BatchNormalization after Embedding(mask_zero=True): Keras takes the training statistics
    over the unmasked steps only."""
    inp = keras.Input((6,), name="tokens")
    x = layers.Embedding(9, 4, mask_zero=True, name="emb")(inp)
    x = layers.BatchNormalization(name="bn_masked")(x)
    out = layers.Dense(2, name="out")(layers.GlobalAveragePooling1D(name="pool")(x))
    m = keras.Model(inp, out, name="layer_zoo8")
    randomize(m, 21)
    x = np.array([[3, 1, 4, 0, 0, 0], [5, 2, 6, 5, 3, 0], [7, 0, 0, 0, 0, 0]], dtype="float32")
    return m, x, {"y_train": np.asarray(m(x, training=True)).ravel().tolist()}


def unet_small():
    """A small U-Net for segmentation: two levels down (Conv2D + MaxPooling2D), up with a
    Conv2DTranspose and an UpSampling2D, skip connections by Concatenate, per-pixel sigmoid."""
    inp = keras.Input((16, 16, 3), name="image")
    c1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="c1")(inp)
    p1 = layers.MaxPooling2D(name="p1")(c1)
    c2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="c2")(p1)
    p2 = layers.MaxPooling2D(name="p2")(c2)
    b = layers.Conv2D(32, 3, padding="same", activation="relu", name="bottleneck")(p2)
    u2 = layers.Conv2DTranspose(16, 2, strides=2, padding="same", name="up2")(b)
    m2 = layers.Conv2D(16, 3, padding="same", activation="relu", name="m2")(layers.Concatenate(name="skip2")([u2, c2]))
    u1 = layers.UpSampling2D(interpolation="bilinear", name="up1")(m2)
    m1 = layers.Conv2D(8, 3, padding="same", activation="relu", name="m1")(layers.Concatenate(name="skip1")([u1, c1]))
    out = layers.Conv2D(1, 1, activation="sigmoid", name="mask")(m1)
    m = keras.Model(inp, out, name="unet_small")
    randomize(m, 7)
    return m, rnd((2, 16, 16, 3), 8)


def mobilenet_v2_035():
    m = keras.applications.MobileNetV2(input_shape=(32, 32, 3), alpha=0.35, weights=None, classes=10)
    randomize(m, 3)
    return m, rnd((2, 32, 32, 3), 4)


SMALL = [("layer_zoo", layer_zoo, True), ("layer_zoo2", layer_zoo2, True), ("layer_zoo3", layer_zoo3, True),
         ("layer_zoo4", layer_zoo4, True), ("layer_zoo5", layer_zoo5, True),
         ("layer_zoo6", layer_zoo6, True), ("layer_zoo7", layer_zoo7, True), ("layer_zoo8", layer_zoo8, True),
         ("unet_small", unet_small, True),
         ("mobilenet_v2_035", mobilenet_v2_035, False)]


def randomize_statistics(m, seed):
    """Large models keep Keras's initial weights (random, of sane scale: outputs that are not
    saturated one-hots) and get random BatchNormalization statistics and Normalization means."""
    rng = np.random.default_rng(seed)
    for w in m.weights:
        if w.path.endswith(("moving_mean", "/mean")):
            w.assign(rng.normal(0, 0.1, size=w.shape).astype("float32"))
        elif w.path.endswith(("moving_variance", "/variance")):
            w.assign(rng.uniform(0.5, 1.5, size=w.shape).astype("float32"))
        elif w.path.endswith(("gamma", "beta")):
            w.assign(rng.normal(1.0 if w.path.endswith("gamma") else 0.0, 0.1, size=w.shape).astype("float32"))


LOGIT_STD = 3.0


def reloaded_twin_logits(twin, back, x):
    """The twin's logits with the weights of the reloaded model `back`, computed by the twin
    saved and reloaded too (its Normalization layer, like the model's, uses what it had when
    built until reloaded)."""
    import tempfile
    twin.set_weights(back.get_weights())
    with tempfile.TemporaryDirectory() as d:
        twin.save(os.path.join(d, "twin.keras"))
        return keras.saving.load_model(os.path.join(d, "twin.keras")).predict(x, verbose=0)


def _app(fn, size, seed, pixels=False, **kw):
    """The model, its input, and its logits: a twin built with classifier_activation=None holds
    the same weights.  The classifier's kernel and bias are scaled so that the logits on x have
    standard deviation LOGIT_STD: with Keras's initial weights and random statistics the logits
    of these deep models come out anywhere from 1e-2 (softmax flat: any error hides) to 50 (one
    class takes all, or float32 rounding of the logits, ~1e-6 relative in Keras as in brain, is
    multiplied by 50); scaled, the softmax is neither flat nor saturated and a difference in the
    logits shows in it.  Both are written and compared (the logits relative to their scale)."""
    def make():
        m = fn(input_shape=(size, size, 3), weights=None, **kw)
        randomize_statistics(m, seed)
        x = rnd((1, size, size, 3), seed + 1, 0, 255 if pixels else 1)
        twin = fn(input_shape=(size, size, 3), weights=None, classifier_activation=None, **kw)
        twin.set_weights(m.get_weights())
        head = [l for l in m.layers if getattr(l, "kernel", None) is not None][-1]
        logits = twin.predict(x, verbose=0)
        s = LOGIT_STD / float(np.std(logits))
        head.set_weights([w * np.float32(s) for w in head.get_weights()])
        twin.set_weights(m.get_weights())
        logits = twin.predict(x, verbose=0)
        extra = {"logits": np.asarray(logits).ravel().tolist()}
        extra["reload_twin"] = lambda m2: reloaded_twin_logits(twin, m2, x)
        print(f"{fn.__name__}: classifier '{head.name}' scaled by {s:.3g}, logits std {np.std(logits):.3g}, "
              f"max |logit| {np.abs(logits).max():.3g}")
        return m, x, extra
    return make


LARGE = ["mobilenet_v2_100_224", "mobilenet_v3_small", "efficientnet_b0", "resnet50", "densenet121", "vgg16", "xception"]


def large_models():
    A = keras.applications
    return [("mobilenet_v2_100_224", _app(A.MobileNetV2, 224, 20)),
            ("mobilenet_v3_small", _app(A.MobileNetV3Small, 64, 22, pixels=True)),
            ("efficientnet_b0", _app(A.EfficientNetB0, 64, 24, pixels=True)),
            ("resnet50", _app(A.ResNet50, 64, 26)),
            ("densenet121", _app(A.DenseNet121, 64, 28)),
            ("vgg16", _app(A.VGG16, 64, 30)),
            ("xception", _app(A.Xception, 71, 32))]


def save(out, name, m, x, legacy, extra=None):
    m.save(os.path.join(out, name + ".keras"))
    if legacy:
        m.save(os.path.join(out, name + ".h5"))
    # Keras's predictions on the file it wrote (not on the model in memory: a Normalization layer
    # keeps the mean and variance it had when built until it is reloaded, so its statistics
    # assigned afterwards show only in the file)
    extra = dict(extra or {})
    back = keras.saving.load_model(os.path.join(out, name + ".keras"))
    y = back.predict(x, verbose=0)
    ys = y if isinstance(y, (list, tuple)) else [y]
    if "reload_twin" in extra:
        extra["logits"] = np.asarray(extra.pop("reload_twin")(back)).ravel().tolist()
    info = {"keras_version": keras.__version__, "x_shape": list(x.shape), "x": x.ravel().tolist(),
            "y": [np.asarray(v).ravel().tolist() for v in ys]}
    info.update(extra)
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(info, f)
    print(f"{name}: {m.count_params()} parameters")


def check(export_dir, json_dir=OUT):
    worst = 0.0
    for fn in sorted(os.listdir(export_dir)):
        if not (fn.startswith("brain_") and fn.endswith(".keras")):
            continue
        name = fn[len("brain_"):-len(".keras")]
        src = json_dir if os.path.exists(os.path.join(json_dir, name + ".json")) else OUT
        info = json.load(open(os.path.join(src, name + ".json")))
        x = np.asarray(info["x"], dtype="float32").reshape(info["x_shape"])
        ours = keras.saving.load_model(os.path.join(export_dir, fn))
        d = float(np.max(np.abs(ours.predict(x, verbose=0) - np.asarray(info["y"][0]).reshape(-1, *ours.output_shape[1:]))))
        worst = max(worst, d)
        print(f"{fn:36s} Keras loads brain's file: max |keras(brain's file) - keras(own file)| = {d:.3g}")
    assert worst <= 1e-5, worst


if __name__ == "__main__":
    keras.utils.set_random_seed(0)
    what = sys.argv[1] if len(sys.argv) > 1 else "write"
    if what == "write":
        os.makedirs(OUT, exist_ok=True)
        only = set(sys.argv[2:])
        for name, make, legacy in SMALL:
            if not only or name in only:
                r = make()
                save(OUT, name, r[0], r[1], legacy, r[2] if len(r) > 2 else None)
    elif what == "large":
        os.makedirs(sys.argv[2], exist_ok=True)
        only = set(sys.argv[3:])
        for name, make in large_models():
            if only and name not in only:
                continue
            try:
                m, x, extra = make()
                save(sys.argv[2], name, m, x, True, extra)
            except Exception as e:  # noqa: BLE001 - report and go on with the others
                print(f"{name}: not written: {e}")
    elif what == "bench":  # the speed bench's models (bench/run_apps.sh): Keras's initial weights
        os.makedirs(sys.argv[2], exist_ok=True)
        A = keras.applications
        for name, fn in (("mobilenet_v2_224", A.MobileNetV2), ("resnet50_224", A.ResNet50)):
            path = os.path.join(sys.argv[2], name + ".keras")
            if not os.path.exists(path):
                fn(input_shape=(224, 224, 3), weights=None).save(path)
                print("wrote", path)
    elif what == "check":
        check(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else OUT)
