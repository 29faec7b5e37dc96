#!/usr/bin/env python3
"""Reads brain's TensorBoard logs with TensorBoard's own EventAccumulator.

    python3 -m venv /tmp/toolkit-venv && /tmp/toolkit-venv/bin/pip install tensorboard
    TOOLKIT_TB_DIR=/tmp/tb_logs build/test_toolkit_tensorboard
    /tmp/toolkit-venv/bin/python tools/tb_check.py /tmp/tb_logs

Prints every scalar tag with its steps and values and every histogram; exits non-zero when the
epoch scalars, batch scalars or histograms that test_toolkit_tensorboard writes are missing.
"""
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

d = sys.argv[1]
ok = True
for run in ("train", "validation"):
    ea = EventAccumulator("%s/%s" % (d, run), size_guidance={"scalars": 0, "histograms": 0})
    ea.Reload()
    tags = ea.Tags()
    for tag in sorted(tags["scalars"]):
        ev = ea.Scalars(tag)
        print("%-11s %-24s %s" % (run, tag, ", ".join("%d:%.4g" % (e.step, e.value) for e in ev)))
    for tag in sorted(tags["histograms"]):
        ev = ea.Histograms(tag)
        print("%-11s %-24s histogram at steps %s, %d values" % (run, tag, [e.step for e in ev], ev[0].histogram_value.num))
    want = {"epoch_loss", "epoch_accuracy"} | ({"epoch_learning_rate", "batch_loss", "batch_accuracy"} if run == "train" else set())
    missing = want - set(tags["scalars"])
    if missing:
        print("missing in %s: %s" % (run, sorted(missing)))
        ok = False
    if run == "train" and len(tags["histograms"]) != 4:
        print("expected 4 histograms, found", tags["histograms"])
        ok = False
    if any(len(ea.Scalars(t)) == 0 for t in want - missing):
        ok = False
print("EventAccumulator:", "all found" if ok else "FAILED")
sys.exit(0 if ok else 1)
