#!/usr/bin/env python3
"""Writes tests/toolkit_metric_golden.h: results of issue 12's Keras metrics after two batches
(the second with sample weights), for tests/test_toolkit_metrics.c.

    KERAS_BACKEND=jax /tmp/kerasenv/bin/python tools/gen_toolkit_metric_golden.py > tests/toolkit_metric_golden.h
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

M = keras.metrics
rng = np.random.default_rng(7)
N, K = 12, 4


def arr(a):
    a = np.asarray(a, np.float32).ravel()
    return "{ %s }" % ", ".join(float(v).hex() + "f" for v in a)


def probs(n, k):
    p = rng.uniform(0.01, 1, (n, k)).astype(np.float32)
    return p / p.sum(1, keepdims=True)


onehot = np.eye(K, dtype=np.float32)[rng.integers(0, K, N)]
ids = np.argmax(onehot, 1).astype(np.float32)
pk = probs(N, K)
bin_t = (rng.random((N, 1)) > 0.6).astype(np.float32)
bin_p = np.clip(bin_t * 0.35 + rng.uniform(0, 0.65, (N, 1)), 0, 1).astype(np.float32)
multi_t = (rng.random((N, 3)) > 0.5).astype(np.float32)
multi_p = rng.uniform(0, 1, (N, 3)).astype(np.float32)
reg_t = rng.normal(1, 1, (N, 2)).astype(np.float32)
reg_p = (reg_t + rng.normal(0, 0.5, (N, 2))).astype(np.float32)
pos_t = rng.uniform(0.1, 2, (N, 3)).astype(np.float32)
pos_p = rng.uniform(0.1, 2, (N, 3)).astype(np.float32)
seg_t = rng.integers(0, 3, (N, 5)).astype(np.float32)
seg_p = np.where(rng.random((N, 5)) > 0.3, seg_t, rng.integers(0, 3, (N, 5))).astype(np.float32)
w = rng.integers(1, 4, N).astype(np.float32)  # integer weights: IoU casts them to int
wf = rng.uniform(0.2, 2, N).astype(np.float32)

CASES = [
    ("f1_none", M.F1Score(), "brain_metric_f1_score(NULL)", onehot, pk, wf),
    ("f1_micro", M.F1Score(average="micro"), "brain_metric_f1_score(&(brain_fbeta_options){ .average = BRAIN_AVERAGE_MICRO })", onehot, pk, wf),
    ("f1_macro_thr", M.F1Score(average="macro", threshold=0.3), "brain_metric_f1_score(&(brain_fbeta_options){ .average = BRAIN_AVERAGE_MACRO, .threshold = 0.3f, .has_threshold = true })", onehot, pk, wf),
    ("fbeta_weighted", M.FBetaScore(average="weighted", beta=2.0), "brain_metric_fbeta_score(&(brain_fbeta_options){ .average = BRAIN_AVERAGE_WEIGHTED, .beta = 2.0f })", multi_t, multi_p, wf),
    ("tp", M.TruePositives(), "brain_metric_true_positives(NULL)", bin_t, bin_p, wf),
    ("fp_thresholds", M.FalsePositives(thresholds=[0.2, 0.5, 0.8]), "brain_metric_false_positives(&(brain_confusion_options){ .n_thresholds = 3, .thresholds = (const float[]){ 0.2f, 0.5f, 0.8f } })", bin_t, bin_p, wf),
    ("tn", M.TrueNegatives(thresholds=0.4), "brain_metric_true_negatives(&(brain_confusion_options){ .n_thresholds = 1, .thresholds = (const float[]){ 0.4f } })", multi_t, multi_p, wf),
    ("fn", M.FalseNegatives(), "brain_metric_false_negatives(NULL)", multi_t, multi_p, None),
    ("sens_at_spec", M.SensitivityAtSpecificity(0.7), "brain_metric_sensitivity_at_specificity(0.7f, NULL)", bin_t, bin_p, wf),
    ("spec_at_sens", M.SpecificityAtSensitivity(0.9, num_thresholds=50), "brain_metric_specificity_at_sensitivity(0.9f, &(brain_at_options){ .num_thresholds = 50 })", bin_t, bin_p, wf),
    ("prec_at_rec", M.PrecisionAtRecall(0.5), "brain_metric_precision_at_recall(0.5f, NULL)", multi_t, multi_p, wf),
    ("rec_at_prec_class", M.RecallAtPrecision(0.4, class_id=1), "brain_metric_recall_at_precision(0.4f, &(brain_at_options){ .class_id = 1, .has_class_id = true })", multi_t, multi_p, None),
    ("auc_pr", M.AUC(curve="PR"), "brain_metric_auc(&(brain_metric_options){ .pr_curve = true })", bin_t, bin_p, wf),
    ("auc_multi", M.AUC(multi_label=True), "brain_metric_auc_multi_label(NULL)", multi_t, multi_p, wf),
    ("auc_multi_pr", M.AUC(multi_label=True, curve="PR", num_thresholds=50), "brain_metric_auc_multi_label(&(brain_metric_options){ .pr_curve = true, .num_thresholds = 50 })", multi_t, multi_p, None),
    ("r2", M.R2Score(), "brain_metric_r2_score(NULL)", reg_t, reg_p, wf),
    ("r2_vw_adj", M.R2Score(class_aggregation="variance_weighted_average", num_regressors=2), "brain_metric_r2_score(&(brain_r2_options){ .class_aggregation = BRAIN_R2_VARIANCE_WEIGHTED, .num_regressors = 2 })", reg_t, reg_p, None),
    ("top2", M.TopKCategoricalAccuracy(k=2), "brain_metric_top_k_categorical_accuracy(2, NULL)", onehot, pk, wf),
    ("sparse_top3", M.SparseTopKCategoricalAccuracy(k=3), "brain_metric_sparse_top_k_categorical_accuracy(3, NULL)", ids, pk, wf),
    ("mean_iou", M.MeanIoU(num_classes=3), "brain_metric_mean_iou(3, NULL)", seg_t, seg_p, None),
    ("iou", M.IoU(num_classes=3, target_class_ids=[0, 2]), "brain_metric_iou(3, &(brain_iou_options){ .n_target_class_ids = 2, .target_class_ids = (const int[]){ 0, 2 } })", seg_t, seg_p, None),
    ("iou_ignore", M.MeanIoU(num_classes=3, ignore_class=1), "brain_metric_mean_iou(3, &(brain_iou_options){ .ignore_class = 1, .has_ignore_class = true })", seg_t, seg_p, None),
    ("binary_iou", M.BinaryIoU(threshold=0.4), "brain_metric_binary_iou(&(brain_iou_options){ .threshold = 0.4f, .has_threshold = true })", bin_t, bin_p, w),
    ("one_hot_iou", M.OneHotIoU(num_classes=K, target_class_ids=[1, 3]), "brain_metric_one_hot_iou(4, &(brain_iou_options){ .n_target_class_ids = 2, .target_class_ids = (const int[]){ 1, 3 } })", onehot, pk, None),
    ("one_hot_mean_iou", M.OneHotMeanIoU(num_classes=K), "brain_metric_one_hot_mean_iou(4, NULL)", onehot, pk, w),
    ("rmse", M.RootMeanSquaredError(), "brain_metric_root_mean_squared_error(NULL)", reg_t, reg_p, wf),
    ("logcosh", M.LogCoshError(), "brain_metric_log_cosh_error(NULL)", reg_t, reg_p, wf),
    ("cosine", M.CosineSimilarity(), "brain_metric_cosine_similarity(NULL)", reg_t, reg_p, wf),
    ("mape", M.MeanAbsolutePercentageError(), "brain_metric_mean_absolute_percentage_error(NULL)", pos_t, pos_p, wf),
    ("msle", M.MeanSquaredLogarithmicError(), "brain_metric_mean_squared_logarithmic_error(NULL)", pos_t, pos_p, None),
    ("kld", M.KLDivergence(), "brain_metric_kl_divergence(NULL)", probs(N, K), pk, wf),
    ("poisson", M.Poisson(), "brain_metric_poisson(NULL)", pos_t, pos_p, wf),
    ("hinge", M.Hinge(), "brain_metric_hinge(NULL)", multi_t, reg_p[:, :1].repeat(3, 1), wf),
    ("squared_hinge", M.SquaredHinge(), "brain_metric_squared_hinge(NULL)", multi_t, multi_p * 2 - 1, None),
    ("categorical_hinge", M.CategoricalHinge(), "brain_metric_categorical_hinge(NULL)", onehot, pk, wf),
]
H = N // 2
print("/* toolkit_metric_golden.h — generated by tools/gen_toolkit_metric_golden.py with Keras %s (backend %s); "
      "do not edit. */" % (keras.__version__, keras.backend.backend()))
print("#ifndef TOOLKIT_METRIC_GOLDEN_H\n#define TOOLKIT_METRIC_GOLDEN_H\n#define TM_N %d\n#define TM_HALF %d" % (N, H))
rows = []
for i, (label, m, cexpr, yt, yp, sw) in enumerate(CASES):
    yt, yp = np.asarray(yt, np.float32), np.asarray(yp, np.float32)
    m.update_state(yt[:H], yp[:H])
    m.update_state(yt[H:], yp[H:], sample_weight=None if sw is None else sw[H:])
    r = np.atleast_1d(np.asarray(m.result(), np.float64)).ravel()
    print("static const float tm_yt_%d[] = %s;" % (i, arr(yt)))
    print("static const float tm_yp_%d[] = %s;" % (i, arr(yp)))
    print("static const double tm_r_%d[] = { %s };" % (i, ", ".join("%.9g" % v for v in r)))
    if sw is not None:
        print("static const float tm_w_%d[] = %s;" % (i, arr(sw)))
    rows.append('    { "%s", "%s", %d, { %s }, %d, { %s }, tm_yt_%d, tm_yp_%d, %s, %d, tm_r_%d },' % (
        label, m.name, yt.ndim, ", ".join(map(str, yt.shape)), yp.ndim, ", ".join(map(str, yp.shape)), i, i,
        "tm_w_%d" % i if sw is not None else "NULL", len(r), i))
print("typedef struct tm_case { const char *label, *name; int tn; int64_t ts[2]; int pn; int64_t ps[2];"
      " const float *yt, *yp, *w; int nr; const double *r; } tm_case;")
print("static const tm_case tm_cases[] = {\n%s\n};" % "\n".join(rows))
print("#define TM_NCASES %d" % len(CASES))
print("static brain_metric *tm_make(int i)\n{\n    switch (i) {")
for i, c in enumerate(CASES):
    print("    case %d: return %s;" % (i, c[2]))
print("    }\n    return NULL;\n}\n#endif")
