#!/usr/bin/env python3
"""Forward pass (inference) of torchvision's MobileNetV2 (width 1.0) or ResNet50 at 224x224,
in PyTorch or, exported once to ONNX by torch.onnx (the TorchScript exporter), in ONNX Runtime:
milliseconds per call of a batch, the median of --iters calls after --warmup.

    python torch_apps.py --model mobilenet_v2 --runtime torch --batch 1 --threads 2
    python torch_apps.py --model resnet50 --runtime ort --batch 32 --onnx-dir /tmp/x
        (ort: the .onnx file is written by --runtime export, run with the torch python, and read
        here by the python that has onnxruntime)
prints one line "RESULT {...}" as bench/bench_apps.c does (bench/run_apps.sh alternates them).
Weights are torchvision's initial ones (weights=None): speed does not depend on their values."""
import argparse
import json
import os
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", choices=("mobilenet_v2", "resnet50"), required=True)
    ap.add_argument("--runtime", choices=("torch", "ort", "export"), required=True)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--onnx-dir", default="/tmp")
    a = ap.parse_args()
    path = os.path.join(a.onnx_dir, f"tv_{a.model}.onnx")
    import numpy as np
    x = (np.arange(a.batch * 3 * 224 * 224, dtype=np.int64) * 7919 % 1000 / 1000.0).astype(np.float32)
    x = x.reshape(a.batch, 3, 224, 224)
    if a.runtime in ("torch", "export"):
        import torch
        import torchvision
        torch.set_num_threads(a.threads)
        m = getattr(torchvision.models, a.model)(weights=None).eval()
        if a.runtime == "export":
            torch.onnx.export(m, torch.zeros(1, 3, 224, 224), path, dynamo=False, input_names=["x"],
                              output_names=["y"], dynamic_axes={"x": {0: "n"}, "y": {0: "n"}})
            print("wrote", path)
            return
        xt = torch.from_numpy(x)
        run = lambda: m(xt)  # noqa: E731
        ctx = torch.inference_mode()
    else:
        import onnxruntime as ort
        so = ort.SessionOptions()
        so.intra_op_num_threads = a.threads
        so.inter_op_num_threads = 1
        if os.environ.get("BRAIN_ORT_SPIN", "1") == "0":  # run_apps.sh: the same waiting rule as OpenMP's
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        run = lambda: s.run(None, {"x": x})  # noqa: E731
        import contextlib
        ctx = contextlib.nullcontext()
    with ctx:
        for _ in range(a.warmup):
            run()
        t = []
        for _ in range(a.iters):
            t0 = time.perf_counter()
            run()
            t.append((time.perf_counter() - t0) * 1e3)
    t.sort()
    print("RESULT " + json.dumps({"ms_median": t[len(t) // 2] if len(t) % 2 else (t[len(t) // 2 - 1] + t[len(t) // 2]) / 2,
                                  "ms_min": t[0], "ms_max": t[-1]}))


if __name__ == "__main__":
    main()
