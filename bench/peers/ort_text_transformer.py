"""ONNX Runtime peer of `bench_attention infer DIR`: runs DIR/text_transformer.onnx (brain's export of
the trained text Transformer, same weights) on DIR/tokens.npy + positions.npy, checks its outputs
against brain's (DIR/ref.npy, max |difference| printed, must be <= 1e-5), then times batch-1
inference (median of 200 calls after 20) and batch-256 (2048 rows in 8 calls, median of 5 passes).

  python ort_text_transformer.py DIR [threads]      (onnxruntime + numpy; BRAIN_ORT_PYTHON in run_attention.sh)
Prints one RESULT line like bench_attention's.
"""
import sys
import time

import numpy as np
import onnxruntime as ort

d = sys.argv[1]
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
so = ort.SessionOptions()
so.intra_op_num_threads = threads
so.inter_op_num_threads = 1
sess = ort.InferenceSession(f"{d}/text_transformer.onnx", so, providers=["CPUExecutionProvider"])
names = [i.name for i in sess.get_inputs()]
tok, pos, ref = np.load(f"{d}/tokens.npy"), np.load(f"{d}/positions.npy"), np.load(f"{d}/ref.npy")
out = sess.run(None, {names[0]: tok, names[1]: pos})[0]
err = float(np.max(np.abs(out - ref)))
if not err <= 1e-5:
    print(f"ONNX Runtime differs from brain by {err:.3g}", file=sys.stderr)
    sys.exit(1)
lat = []
one = {names[0]: tok[:1], names[1]: pos[:1]}
for i in range(220):
    t0 = time.perf_counter()
    sess.run(None, one)
    if i >= 20:
        lat.append(time.perf_counter() - t0)
big_t, big_p = np.tile(tok, (8, 1)), np.tile(pos, (8, 1))
passes = []
for r in range(6):
    t0 = time.perf_counter()
    for k in range(8):
        sess.run(None, {names[0]: big_t[k * 256:(k + 1) * 256], names[1]: big_p[k * 256:(k + 1) * 256]})
    if r:
        passes.append(2048.0 / (time.perf_counter() - t0))
print(f"RESULT impl=onnxruntime-{ort.__version__} mode=infer threads={threads} batch1_us={np.median(lat) * 1e6:.1f} "
      f"batch256_samples_per_s={np.median(passes):.1f} max_abs_err_vs_brain={err:.3g}")
