#!/usr/bin/env python3
"""Regression files for the fidelity bugs of issue 10, written by real Keras 3.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_fidelity_files.py
    BRAIN_EXPORT_DIR=/tmp/fid build/test_fidelity      (C: saves the loaded models again)
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_fidelity_files.py check /tmp/fid
        (Keras loads brain's files and predicts as from its own)

writes tests/keras_files/fid_<name>.keras (and .h5 where useful) with fid_<name>.json (the input
x or xs, Keras's predictions y; the format of tools/keras_golden_models.py), plus damaged files
under tests/keras_files/broken/ for the error-message tests.  tests/test_fidelity.c reads them.
    gap_mask_seq / gap_mask_fn   Embedding(mask_zero) -> GlobalAveragePooling1D: the average over
                                 unmasked steps (Keras 3 writes the functional one with a NotEqual
                                 op layer and an explicit mask= keyword argument)
    ops                          the keras.ops calls Keras 3 writes as op layers in a functional model
    lstm_state                   LSTM(return_state=True) whose three outputs feed different layers
    utf8_vlen.h5 / utf8_fixed.h5 legacy .h5 whose model_config is a UTF-8 string (variable or fixed
                                 length), as h5py writes a Python str
"""
import json
import os
import shutil
import struct
import warnings
import zipfile

os.environ.setdefault("KERAS_BACKEND", "jax")
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "keras_files")
BROKEN = os.path.join(OUT, "broken")


def rnd(shape, seed):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def save(name, m, x, legacy=False):
    path = os.path.join(OUT, "fid_" + name)
    m.save(path + ".keras")
    if legacy:
        m.save(path + ".h5")
    y = m.predict(x, verbose=0)
    ys = y if isinstance(y, (list, tuple)) else [y]
    info = {"keras_version": keras.__version__, "y": [np.asarray(v).ravel().tolist() for v in ys]}
    if isinstance(x, list):
        info.update({"x_shapes": [list(v.shape) for v in x], "xs": [v.ravel().tolist() for v in x]})
    else:
        info.update({"x_shape": list(x.shape), "x": x.ravel().tolist()})
    with open(path + ".json", "w") as f:
        json.dump(info, f)


def ids():
    # zeros are padding (0 is never a word: mask_zero)
    return np.array([[1, 2, 0, 0, 0, 0], [3, 4, 5, 6, 7, 0], [9, 0, 0, 0, 0, 0], [2, 2, 3, 0, 0, 0]], dtype="float32")


def gap_mask_seq():
    m = keras.Sequential([keras.Input((6,)), layers.Embedding(10, 4, mask_zero=True,
                                                              embeddings_initializer=keras.initializers.RandomNormal(seed=1)),
                          layers.GlobalAveragePooling1D(), layers.Dense(3, activation="softmax")], name="gap_mask_seq")
    return m, ids()


def gap_mask_fn():
    inp = keras.Input((6,), name="tokens")
    e = layers.Embedding(10, 4, mask_zero=True, embeddings_initializer=keras.initializers.RandomNormal(seed=2))(inp)
    h = layers.LSTM(3, return_sequences=True)(e)           # carries the mask on
    g = layers.GlobalAveragePooling1D()(h)
    o = layers.Dense(2)(g)
    return keras.Model(inp, o, name="gap_mask_fn"), ids()


def op_model():
    a = keras.Input((3, 4), name="a")
    b = keras.Input((3, 4), name="b")
    t = ops.add(a, b)
    t = ops.subtract(t, 0.5)
    t = ops.multiply(t, b)
    t = ops.divide(t, 2.0)
    t = ops.subtract(1.0, t)                               # a constant first
    ne = ops.not_equal(a, 0.25)
    eq = ops.equal(b, 1.0)
    l1 = ops.logical_and(ne, ops.logical_not(eq))
    l2 = ops.logical_or(l1, eq)
    c = ops.cast(l2, "float32")
    w = ops.where(l1, t, c)
    e = ops.expand_dims(w, axis=1)
    s = ops.squeeze(e, axis=1)
    r = ops.reshape(s, (-1, 12))
    r = ops.reshape(r, (-1, 3, 4))
    tr = ops.transpose(r, axes=(0, 2, 1))                  # (4, 3)
    cc = ops.concatenate([tr, tr * 2.0], axis=-1)          # (4, 6)
    mn = ops.mean(cc, axis=1)                              # (6,)
    sm = ops.sum(cc, axis=-1, keepdims=True)               # (4, 1)
    mx = ops.max(cc, axis=1)                               # (6,)
    mm = ops.matmul(tr, r)                                 # (4, 4)
    d = layers.Dense(2, name="head")(ops.add(mn, mx))      # a layer after ops
    m = keras.Model([a, b], [d, sm, mm], name="ops")
    xa = rnd((3, 3, 4), 11)
    xa[0, 0, 0] = 0.25
    xb = rnd((3, 3, 4), 12)
    xb[1, 2, 1] = 1.0
    xb[2, 0, 3] = 1.0
    return m, [xa, xb]


def merge_mask():
    """Masks through merge layers: Add (the AND of the masks), Concatenate (the OR), then the
    masked average; BatchNormalization passes the mask on."""
    inp = keras.Input((6,), name="tokens")
    e = layers.Embedding(10, 4, mask_zero=True, embeddings_initializer=keras.initializers.RandomNormal(seed=4))(inp)
    a = layers.Dense(3, name="da")(e)
    b = layers.Dense(3, name="db")(e)
    s = layers.Add(name="add")([a, b])
    c = layers.Concatenate(name="cat")([s, e])
    n = layers.BatchNormalization(name="bn")(c)
    g = layers.GlobalAveragePooling1D(name="avg")(n)
    return keras.Model(inp, g, name="merge_mask"), ids()


def lstm_state():
    inp = keras.Input((5, 3), name="seq")
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True, name="lstm")(inp)
    a = layers.Dense(2, name="from_h")(h)
    b = layers.Dense(2, name="from_c")(c)
    p = layers.GlobalAveragePooling1D(name="pool")(seq)
    out = layers.Concatenate(name="cat")([a, b, p])
    return keras.Model(inp, out, name="lstm_state"), rnd((3, 5, 3), 21)


def utf8_legacy(m, x):
    """The legacy file with model_config rewritten as a str (vlen UTF-8) and as fixed UTF-8."""
    src = os.path.join(OUT, "fid_gap_mask_seq.h5")
    for kind in ("vlen", "fixed"):
        dst = os.path.join(OUT, f"fid_utf8_{kind}.h5")
        shutil.copy(src, dst)
        with h5py.File(dst, "r+") as f:
            cfg = f.attrs["model_config"]
            cfg = cfg.decode("utf-8") if isinstance(cfg, bytes) else str(cfg)
            cfg = cfg.replace('"gap_mask_seq"', '"gap_mask_séq"')   # a non-ASCII character
            del f.attrs["model_config"]
            if kind == "vlen":
                f.attrs["model_config"] = cfg
            else:
                raw = cfg.encode("utf-8")
                f.attrs.create("model_config", np.array(raw, dtype=f"S{len(raw)}"),
                               dtype=h5py.string_dtype("utf-8", len(raw)))
        shutil.copy(os.path.join(OUT, "fid_gap_mask_seq.json"), os.path.join(OUT, f"fid_utf8_{kind}.json"))


def broken_files():
    os.makedirs(BROKEN, exist_ok=True)
    good = os.path.join(OUT, "fid_gap_mask_seq.keras")
    open(os.path.join(BROKEN, "empty.keras"), "wb").close()
    with open(os.path.join(BROKEN, "text.keras"), "w") as f:
        f.write("this is not a zip archive\n")
    open(os.path.join(BROKEN, "empty.npz"), "wb").close()
    # two members named config.json: Python's zipfile (and so Keras) reads the LAST one
    zin = zipfile.ZipFile(good)
    with zipfile.ZipFile(os.path.join(BROKEN, "duplicate.keras"), "w") as z:
        for info in zin.infolist():
            if info.filename == "config.json":
                z.writestr("config.json", "{\"this\": \"is the first config.json, which Python does not read\"}")
            z.writestr(info.filename, zin.read(info.filename))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert keras.saving.load_model(os.path.join(BROKEN, "duplicate.keras")).name == "gap_mask_seq"
    # a member whose size runs past the end of the file: the central directory claims more bytes
    data = bytearray(open(good, "rb").read())
    off = 0
    while True:  # each central directory entry
        off = data.find(b"PK\x01\x02", off)
        if off < 0:
            break
        nlen = struct.unpack_from("<H", data, off + 28)[0]
        if bytes(data[off + 46:off + 46 + nlen]) == b"model.weights.h5":
            struct.pack_into("<I", data, off + 20, len(data) * 4)   # compressed size
            struct.pack_into("<I", data, off + 24, len(data) * 4)   # uncompressed size
        off += 4
    with open(os.path.join(BROKEN, "past_end.keras"), "wb") as f:
        f.write(data)
    # the same member's offset past the end
    data = bytearray(open(good, "rb").read())
    off = 0
    while True:
        off = data.find(b"PK\x01\x02", off)
        if off < 0:
            break
        nlen = struct.unpack_from("<H", data, off + 28)[0]
        if bytes(data[off + 46:off + 46 + nlen]) == b"model.weights.h5":
            struct.pack_into("<I", data, off + 42, len(data) + 1000)
        off += 4
    with open(os.path.join(BROKEN, "offset_past_end.keras"), "wb") as f:
        f.write(data)
    # weights files where a weight is a soft link or an external link
    wpath = os.path.join(BROKEN, "soft_link.weights.h5")
    with open(wpath, "wb") as f:
        f.write(zin.read("model.weights.h5"))
    with h5py.File(wpath, "r+") as f:
        kernel = "layers/dense/vars/0"
        data = f[kernel][...]
        f["spare/kernel"] = data
        del f[kernel]
        f[kernel] = h5py.SoftLink("/spare/kernel")
    epath = os.path.join(BROKEN, "external_link.weights.h5")
    with open(epath, "wb") as f:
        f.write(zin.read("model.weights.h5"))
    with h5py.File(epath, "r+") as f:
        del f["layers/dense/vars/0"]
        f["layers/dense/vars/0"] = h5py.ExternalLink("other.h5", "/kernel")


def bad_output_index():
    """fid_lstm_state.keras with from_h taking output 5 of the LSTM, which has 3."""
    zin = zipfile.ZipFile(os.path.join(OUT, "fid_lstm_state.keras"))
    cfg = json.loads(zin.read("config.json"))
    for layer in cfg["config"]["layers"]:
        if layer["name"] == "from_h":
            layer["inbound_nodes"][0]["args"][0]["config"]["keras_history"][2] = 5
    with zipfile.ZipFile(os.path.join(BROKEN, "bad_output_index.keras"), "w") as z:
        for info in zin.infolist():
            z.writestr(info.filename, json.dumps(cfg) if info.filename == "config.json" else zin.read(info.filename))


def check_keras_reads():
    """Keras itself loads the UTF-8 legacy files and predicts the same."""
    x = ids()
    for kind in ("vlen", "fixed"):
        m = keras.saving.load_model(os.path.join(OUT, f"fid_utf8_{kind}.h5"))
        ref = json.load(open(os.path.join(OUT, f"fid_utf8_{kind}.json")))["y"][0]
        assert np.allclose(m.predict(x, verbose=0).ravel(), ref, atol=1e-6, equal_nan=True), kind


def write():
    os.makedirs(OUT, exist_ok=True)
    keras.utils.set_random_seed(3)
    m, x = gap_mask_seq()
    save("gap_mask_seq", m, x, legacy=True)
    utf8_legacy(m, x)
    m, x = gap_mask_fn()
    save("gap_mask_fn", m, x)
    m, x = op_model()
    save("ops", m, x)
    m, x = lstm_state()
    save("lstm_state", m, x, legacy=True)
    m, x = merge_mask()
    save("merge_mask", m, x)
    broken_files()
    bad_output_index()
    check_keras_reads()


def check(export_dir):
    """Keras loads what brain saved (BRAIN_EXPORT_DIR=dir build/test_fidelity writes brain_fid_*.keras)
    and predicts what it predicts from Keras's own file."""
    worst = 0.0
    for fn in sorted(os.listdir(export_dir)):
        if not (fn.startswith("brain_fid_") and fn.endswith(".keras")):
            continue
        name = fn[len("brain_"):-len(".keras")]
        info = json.load(open(os.path.join(OUT, name + ".json")))
        x = ([np.asarray(v, dtype="float32").reshape(sh) for v, sh in zip(info["xs"], info["x_shapes"])]
             if "xs" in info else np.asarray(info["x"], dtype="float32").reshape(info["x_shape"]))
        ours = keras.saving.load_model(os.path.join(export_dir, fn))
        ref = keras.saving.load_model(os.path.join(OUT, name + ".keras"))
        a, b = ours.predict(x, verbose=0), ref.predict(x, verbose=0)
        a = a if isinstance(a, (list, tuple)) else [a]
        b = b if isinstance(b, (list, tuple)) else [b]
        d = max(float(np.max(np.abs(np.asarray(u) - np.asarray(v)))) for u, v in zip(a, b))
        worst = max(worst, d)
        print(f"{fn:36s} Keras loads it: max |brain's file - Keras's file| = {d:.3g}")
    assert worst <= 1e-6, worst


if __name__ == "__main__":
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "bad_output_index":
        bad_output_index()
    elif len(sys.argv) > 1 and sys.argv[1] == "merge_mask":
        keras.utils.set_random_seed(5)
        save("merge_mask", *merge_mask())
    elif len(sys.argv) > 2 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        write()
