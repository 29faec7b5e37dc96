"""Writes bench/RESULTS.md from bench/run_all.sh's results (standard library only).
Usage: table_report.py RESULTS.jsonl PEAK.json OUT.md CPU NPROC LOADAVG ROUNDS QUICK SECONDS COMMIT

Ratios are "brain is better" when > 1: training and batch-256 throughput brain / peer, batch-1
latency and peak RSS peer / brain.  Each ratio is the ratio of the medians over rounds; beside it
the min–max of the per-round ratios (brain and the peer of the same round).  "spread" is a side's
own (max − min) / (2 · median) over rounds: the stability goal is ±10 %."""
import json
import statistics
import sys

log, peak_f, out, cpu, nproc, load_end, rounds, quick, seconds, commit = sys.argv[1:11]
rows = [json.loads(line) for line in open(log) if line.strip()]
try:
    peak = json.load(open(peak_f))
except (OSError, ValueError):
    peak = {}

METRICS = (("train", "training samples/s", "train_samples_per_s", True),
           ("b1", "batch-1 latency, µs", "b1_us", False),
           ("b256", "batch-256 samples/s", "b256_samples_per_s", True),
           ("rss", "inference process peak RSS, MB", "max_rss_mb", False))
NAMES = {"brain": "brain", "torch2": "PyTorch 2.x", "torch1": "PyTorch 1.13", "ort": "ONNX Runtime"}
WORKLOADS = [w for w in ("mlp", "dense", "cnn", "ecg", "text") if any(r["r"]["workload"] == w for r in rows)]
TITLES = {"mlp": "tabular MLP (30→64→1)", "dense": "dense 784→128→64→10", "cnn": "lecture CNN",
          "ecg": "LSTM(64) ECG", "text": "Embedding + LSTM(64) text"}


def values(label, w, t, metric, phase=0):
    """{round: value} for one side, workload, thread setting and metric"""
    key = dict((m[0], m[2]) for m in METRICS)[metric]
    mode = "train" if metric == "train" else "infer" if label != "ort" else "ort"
    out_ = {}
    for r in rows:
        x = r["r"]
        if (r["label"] == label and r["busy"] == phase and x["workload"] == w and x["threads"] == t
                and x["mode"] == mode and key in x):
            out_[r["round"]] = float(x[key])
    return out_


def med(v):
    return statistics.median(v.values()) if v else None


def spread(v):
    return (max(v.values()) - min(v.values())) / (2 * med(v)) if len(v) > 1 and med(v) else None


def ratio(b, p, higher):
    if not b or not p:
        return None, None, None
    r = (med(b) / med(p)) if higher else (med(p) / med(b))
    per = [(b[k] / p[k]) if higher else (p[k] / b[k]) for k in b if k in p]
    return r, min(per) if per else None, max(per) if per else None


def fmt(x):
    if x is None:
        return "—"
    return f"{x:,.0f}" if x >= 1000 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def fratio(r):
    x, lo, hi = r
    if x is None:
        return "—"
    return f"**{x:.2f}×** ({lo:.2f}–{hi:.2f})" if lo is not None else f"**{x:.2f}×**"


def fspread(s):
    return "—" if s is None else f"±{100 * s:.0f} %" + (" ⚠" if s > 0.10 else "")


threads = sorted({r["r"]["threads"] for r in rows if r["busy"] == 0 and r["r"]["threads"] > 0})
labels = [l for l in ("brain", "torch2", "torch1", "ort") if any(r["label"] == l for r in rows)]
versions = {l: next(r["r"]["version"] for r in rows if r["label"] == l) for l in labels}
loads = [r["load"] for r in rows]
L = []
L.append("# bench/RESULTS.md — issue 13's table (written by bench/run_all.sh)\n")
L.append(f"{'**Quick (CI-budget) run: sizes and rounds too small for conclusions.**  ' if quick == '1' else ''}"
         f"CPU: {cpu}, nproc {nproc}; commit {commit}; {rounds} rounds (sides alternated per round); "
         f"{seconds} s in all.  Versions: " + ", ".join(f"{NAMES[l]} {versions[l]}" for l in labels) + ".")
L.append(f"Load average (1, 5, 15 min) at the first process: {loads[0] if loads else '?'}; at the end: "
         f"{' '.join(load_end.split()[:3])}.  A run on a machine with other work is a measure of the share "
         "of CPU each process got, not of the code.\n")
if peak:
    L.append("**Measured FMA peak, 1 core** (`bench_peak`: 12 independent FMA chains): "
             + ", ".join(f"{k} {peak[k + '_gflops']:.1f} GFLOP/s" for k in ("avx2", "avx512") if peak.get(k + "_gflops"))
             + ".\n")
sgemm = {}
for isa in ("avx2", "avx512"):
    try:
        for line in open(f"{peak_f.rsplit('/', 1)[0]}/sgemm_{isa}.txt"):
            f = line.split()
            if len(f) >= 8 and not line.startswith(("#", "shape")):
                sgemm.setdefault(f[0], {"shape": f"{f[1]}×{f[2]}×{f[3]}" + (" Aᵀ" if f[4] == "1" else "") + (" Bᵀ" if f[5] == "1" else "")})[isa] = float(f[8] if len(f) > 8 and "." in f[8] else f[7])
    except OSError:
        pass
sgemm_goals = []
if sgemm:
    isas = [i for i in ("avx2", "avx512") if peak.get(i + "_gflops") and any(i in v for v in sgemm.values())]
    L.append("**brain_sgemm on the lecture's layer shapes, 1 thread** (`BRAIN_ISA=... bench_sgemm brain 1`, the best "
             "of its 7 timed batches; % of that ISA's peak above):\n")
    L.append("| shape | M×N×K | " + " | ".join(f"{i} GFLOP/s (% of peak)" for i in isas) + " |")
    L.append("|---|---|" + "---|" * len(isas))
    for name, v in sgemm.items():
        L.append(f"| {name} | {v['shape']} | " + " | ".join(
            f"{v[i]:.1f} ({100 * v[i] / peak[i + '_gflops']:.0f} %)" if i in v else "—" for i in isas) + " |")
    for i in isas:
        pct = [v[i] / peak[i + "_gflops"] for v in sgemm.values() if i in v]
        big = [v[i] / peak[i + "_gflops"] for k, v in sgemm.items() if i in v and not k.startswith("mlp")]
        sgemm_goals.append((f"sgemm ≥ 85 % of the {i} peak on every lecture shape but the MLP's tiny ones "
                            f"({sum(x >= 0.85 for x in big)} of {len(big)}; all shapes: {sum(x >= 0.85 for x in pct)} of {len(pct)})",
                            min(big) if big else 0, bool(big) and min(big) >= 0.85))
    L.append("")
L.append("Ratios: > 1 means brain is better (throughput brain/peer, latency and RSS peer/brain); ratio of the "
         "medians, per-round min–max in brackets.  Spread: brain's own (max − min)/(2·median) over rounds "
         "(⚠ over ±10 %).  ONNX Runtime runs the weights brain trained, exported by `brain_export_onnx`.\n")

goals = list(sgemm_goals)
for w in WORKLOADS:
    L.append(f"## {TITLES[w]}\n")
    head = "| figure | thr | brain | spread |" + "".join(f" {NAMES[l]} | ratio |" for l in labels if l != "brain")
    L.append(head)
    L.append("|" + "---|" * (head.count("|") - 1))
    for t in threads:
        for m, title, _, higher in METRICS:
            b = values("brain", w, t, m)
            if not b:
                continue
            cells = [title, str(t), fmt(med(b)), fspread(spread(b))]
            for l in labels:
                if l == "brain":
                    continue
                p = values(l, w, t, m)
                cells += [fmt(med(p)), fratio(ratio(b, p, higher))]
            L.append("| " + " | ".join(cells) + " |")
            # the goals
            r2 = ratio(b, values("torch2", w, t, m), higher)[0]
            ro = ratio(b, values("ort", w, t, m), higher)[0]
            if m == "train" and r2 is not None:
                goals.append((f"{w} training ≥ {10 if w == 'mlp' else 3}× PyTorch 2.x, {t} thr", r2, r2 >= (10 if w == "mlp" else 3)))
            if w != "mlp" and m == "b1" and ro is not None:
                goals.append((f"{w} batch-1 latency ≤ ½ ORT's, {t} thr", ro, ro >= 2))
            if w != "mlp" and m == "b256" and ro is not None:
                goals.append((f"{w} batch-256 ≥ 1.2× ORT, {t} thr", ro, ro >= 1.2))
            if m == "rss" and ro is not None:
                goals.append((f"{w} inference RSS ≤ ORT's, {t} thr", ro, ro >= 1))
    L.append("")
    sp = [(spread(values("brain", w, t, m[0])), f"{m[0]} {t} thr") for t in threads for m in METRICS]
    sp = [x for x in sp if x[0] is not None]
    if sp:
        worst = max(sp)
        goals.append((f"{w}: brain's per-round spread ≤ ±10 % on every figure (widest: {worst[1]})", worst[0], worst[0] <= 0.10))
    if 1 in threads and 2 in threads:
        for m in ("train", "b256"):
            b1, b2 = values("brain", w, 1, m), values("brain", w, 2, m)
            if b1 and b2 and w in ("cnn", "dense"):
                goals.append((f"{w} {m}: brain 2 threads ≥ 1.7× 1 thread", med(b2) / med(b1), med(b2) / med(b1) >= 1.7))

# thread policy
pol = [(w, ph) for w in WORKLOADS for ph in (1, 2) if values("brain", w, 0, "train", ph)]
if pol:
    L.append("## Thread policy: brain's default thread setting against 1 thread\n")
    L.append("Default = no `brain_set_num_threads`, no `BRAIN_NUM_THREADS` (docs/threads.md).  'busy loop': a busy "
             "loop pinned on cpu 0 (`taskset -c 0`) runs beside the benchmark.  Ratio = default / 1 thread "
             "(for latency: 1 thread / default), per-round min–max in brackets; ≥ 1 means the default is not slower.\n")
    L.append("| workload | case | training | batch-1 latency | batch-256 |")
    L.append("|---|---|---|---|---|")
    for w, ph in pol:
        cells = [TITLES[w], "busy loop on cpu 0" if ph == 2 else "no busy loop"]
        for m, _, _, higher in METRICS[:3]:
            d, o = values("brain", w, 0, m, ph), values("brain", w, 1, m, ph)
            r = ratio(d, o, higher)
            cells.append(f"{fmt(med(d))} vs {fmt(med(o))}: {fratio(r)}")
            if r[0] is not None:
                goals.append((f"{w} {m}, {'beside a busy loop' if ph == 2 else 'no busy loop'}: default ≥ 1 thread", r[0], r[0] >= 0.95))
        L.append("| " + " | ".join(cells) + " |")
    L.append("")

if goals:
    met = sum(g[2] for g in goals)
    L.append(f"## Goals (issue 13): {met} of {len(goals)} met in this run\n")
    L.append("| goal | figure | met |")
    L.append("|---|---|---|")
    for g, x, ok in goals:
        shown = ("±%.0f %%" % (100 * x)) if "spread" in g else ("min %.0f %%" % (100 * x)) if "peak" in g else "%.2f" % x
        L.append(f"| {g} | {shown} | {'yes' if ok else '**no**'} |")
    L.append("\n(The thread-policy rows count as met at ≥ 0.95: 5 % is below these runs' noise.)\n")
open(out, "w").write("\n".join(L) + "\n")
