#!/usr/bin/env python3
"""onnx_check.py — runs an ONNX file written by brain_export_onnx in ONNX Runtime and compares its
output with brain's predictions.

    onnx_check.py MODEL.onnx REF.npy INPUT.npy [INPUT2.npy ...] [--tol 1e-5]

The INPUT files are the model's inputs in order (float32, batch first) and REF.npy is what
brain_predict gave (output 0).  Prints the largest |ONNX Runtime - brain| and exits 0 when it is
within the tolerance, 1 when not, 2 on a usage or loading error.  Needs onnx and onnxruntime (pip),
e.g. in the venv the tests look for: python3 -m venv /tmp/export-venv &&
/tmp/export-venv/bin/pip install onnx onnxruntime numpy
"""
import sys

import numpy as np


def main(argv):
    tol = 1e-5
    args = list(argv[1:])
    if "--tol" in args:
        i = args.index("--tol")
        tol = float(args[i + 1])
        del args[i:i + 2]
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    import onnx
    import onnxruntime as ort

    model_path, ref_path, inputs = args[0], args[1], args[2:]
    model = onnx.load(model_path)
    onnx.checker.check_model(model, full_check=True)
    sess = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    names = [i.name for i in sess.get_inputs()]
    if len(names) != len(inputs):
        print(f"{model_path}: the model has {len(names)} inputs, {len(inputs)} files given", file=sys.stderr)
        return 2
    feed = {n: np.load(p).astype(np.float32) for n, p in zip(names, inputs)}
    got = sess.run(None, feed)[0]
    ref = np.load(ref_path)
    if got.shape != ref.shape:
        print(f"{model_path}: ONNX Runtime gives shape {got.shape}, brain {ref.shape}")
        return 1
    diff = float(np.max(np.abs(got - ref))) if ref.size else 0.0
    ok = diff <= tol
    print(f"{model_path}: {len(model.graph.node)} nodes, max |onnxruntime - brain| = {diff:.3g} "
          f"({'ok' if ok else 'FAILS'} at {tol:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
