/* metrics_extra.c — the metrics of issue 12, as keras/src/metrics/{f_score_metrics,
 * confusion_metrics,regression_metrics,accuracy_metrics,iou_metrics,probabilistic_metrics,
 * hinge_metrics}.py compute them.  Accumulators are double (Keras: float32 variables, int for
 * IoU).
 *
 *   FBetaScore/F1Score   per class tp, fp, fn, support (Σ w·y); p = tp/(tp+fp+ε), r = tp/(tp+fn+ε),
 *                        f = (1+β²)·p·r/(β²p + r + ε); micro sums the classes first, macro means,
 *                        weighted weighs by support.  Without a threshold the row's largest score
 *                        (and > 1e-9) is the positive prediction, else score > threshold.
 *   TruePositives, ...   weighted counts at each threshold (score > t, target ≠ 0)
 *   X at Y               counts at num_thresholds evenly spaced thresholds, bucketed as AUC does;
 *                        the largest X among thresholds where Y ≥ value (0 when none)
 *   AUC multi-label      one AUC per label column (ROC interpolation or Davis–Goadrich PR), mean
 *   R2Score              per output Σwy, Σwy², Σw(y−p)², Σw; r2 = 1 − res/(Σwy² − (Σwy)²/Σw)
 *   TopK                 target score ≥ k-th largest score
 *   IoU family           confusion matrix cm[true][pred] of in-range ids (ignore_class dropped);
 *                        IoU_c = cm_cc / (row_c + col_c − cm_cc + ε), averaged over the target
 *                        classes whose denominator > 1e-9
 *   mean metrics         Keras's Mean of per-sample values: total += w·v, count += w
 *                        (RootMeanSquaredError: √ of the mean squared error)
 * ε = 1e-7.
 */
#include "internal.h"
#include "shapes.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-7
enum { C_TP, C_FP, C_TN, C_FN };                       /* COUNTS: which count */
enum { AT_SENS_SPEC, AT_SPEC_SENS, AT_PREC_REC, AT_REC_PREC }; /* AT: which pair */
enum { IOU_MEAN, IOU_TARGET, IOU_BINARY, IOU_ONEHOT, IOU_ONEHOT_MEAN };

typedef struct brain_metric_x {
    int sub;
    /* FBeta */
    brain_f_average average; double beta; bool has_thr; float thr; bool fbeta_class;
    /* per class / threshold / output accumulators, n each */
    int n; bool built;
    double *a, *b, *c, *d, *e;
    float *thresholds; bool default_thresholds;
    /* AT */
    double value; int class_id; bool has_class_id;
    /* AUC multi-label */
    int T; bool pr, logits;
    /* R2 */
    int r2_agg, num_regressors; int64_t samples;
    /* top-k */
    int k;
    /* IoU */
    int num_classes, n_ids, *ids, ignore; bool has_ignore;
} brain_metric_x;

/* ------------------------------------------------------------------ construction */
static brain_metric *mk(brain_metric_kind kind, const char *name, const char *dflt)
{
    if (!name || !name[0]) name = dflt;
    if (strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "metric name \"%.20s...\" is too long: at most %d characters", name, BRAIN_NAME_MAX - 1);
        return NULL;
    }
    brain_metric *m = brain__alloc(sizeof *m);
    if (!m) return NULL;
    m->x = brain__alloc(sizeof *m->x);
    if (!m->x) { free(m); return NULL; }
    m->kind = m->resolved = kind;
    strcpy(m->name, name);
    return m;
}

static bool alloc_acc(brain_metric *m, int n, int arrays)
{
    brain_metric_x *x = m->x;
    double **p[5] = { &x->a, &x->b, &x->c, &x->d, &x->e };
    for (int i = 0; i < arrays; i++)
        if (!(*p[i] = brain__alloc_array((size_t)(n > 0 ? n : 1), sizeof(double)))) return false;
    x->n = n;
    x->built = true;
    return true;
}

static brain_metric *fbeta(const brain_fbeta_options *opt, bool f1)
{
    brain_fbeta_options d = { 0 };
    if (!opt) opt = &d;
    float beta = f1 ? 1.0f : (opt->beta != 0 ? opt->beta : 1.0f);
    if (!(beta > 0) || !isfinite(beta) || (f1 && opt->beta != 0 && opt->beta != 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "%s: beta must be a number > 0 (F1Score has beta 1), got %g", f1 ? "F1Score" : "FBetaScore",
                    (double)opt->beta);
        return NULL;
    }
    if (opt->has_threshold && !(opt->threshold > 0 && opt->threshold <= 1)) {
        brain__fail(BRAIN_ERR_ARG, "%s: threshold must lie in (0, 1], got %g", f1 ? "F1Score" : "FBetaScore",
                    (double)opt->threshold);
        return NULL;
    }
    if (opt->average < BRAIN_AVERAGE_NONE || opt->average > BRAIN_AVERAGE_WEIGHTED) {
        brain__fail(BRAIN_ERR_ARG, "%s: average %d is not one of NONE, MICRO, MACRO, WEIGHTED", f1 ? "F1Score" : "FBetaScore",
                    (int)opt->average);
        return NULL;
    }
    brain_metric *m = mk(BRAIN_METRIC_FBETA, opt->name, f1 ? "f1_score" : "fbeta_score");
    if (!m) return NULL;
    m->x->average = opt->average;
    m->x->beta = brain__float_option(beta);
    m->x->has_thr = opt->has_threshold;
    m->x->thr = opt->threshold;
    m->x->fbeta_class = !f1;
    return m;
}
brain_metric *brain_metric_f1_score(const brain_fbeta_options *opt) { return fbeta(opt, true); }
brain_metric *brain_metric_fbeta_score(const brain_fbeta_options *opt) { return fbeta(opt, false); }

static const char *const k_count_names[] = { "true_positives", "false_positives", "true_negatives", "false_negatives" };
static const char *const k_count_class[] = { "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives" };

static brain_metric *counts(int sub, const brain_confusion_options *opt)
{
    brain_confusion_options d = { 0 };
    if (!opt) opt = &d;
    int n = opt->n_thresholds > 0 ? opt->n_thresholds : 1;
    if (opt->n_thresholds > 0 && !opt->thresholds) {
        brain__fail(BRAIN_ERR_ARG, "%s: n_thresholds is %d but thresholds is NULL", k_count_class[sub], opt->n_thresholds);
        return NULL;
    }
    for (int i = 0; i < opt->n_thresholds; i++)
        if (!(opt->thresholds[i] >= 0 && opt->thresholds[i] <= 1)) {
            brain__fail(BRAIN_ERR_ARG, "%s: threshold %d is %g; thresholds must lie in [0, 1]", k_count_class[sub], i,
                        (double)opt->thresholds[i]);
            return NULL;
        }
    brain_metric *m = mk(BRAIN_METRIC_COUNTS, opt->name, k_count_names[sub]);
    if (!m) return NULL;
    m->x->sub = sub;
    m->x->default_thresholds = opt->n_thresholds <= 0;
    if (!alloc_acc(m, n, 1) || !(m->x->thresholds = brain__alloc_array((size_t)n, sizeof(float)))) {
        brain_metric_free(m);
        return NULL;
    }
    for (int i = 0; i < n; i++) m->x->thresholds[i] = opt->n_thresholds > 0 ? opt->thresholds[i] : 0.5f;
    return m;
}
brain_metric *brain_metric_true_positives(const brain_confusion_options *o) { return counts(C_TP, o); }
brain_metric *brain_metric_false_positives(const brain_confusion_options *o) { return counts(C_FP, o); }
brain_metric *brain_metric_true_negatives(const brain_confusion_options *o) { return counts(C_TN, o); }
brain_metric *brain_metric_false_negatives(const brain_confusion_options *o) { return counts(C_FN, o); }

static const char *const k_at_names[] = { "sensitivity_at_specificity", "specificity_at_sensitivity",
                                          "precision_at_recall", "recall_at_precision" };
static const char *const k_at_class[] = { "SensitivityAtSpecificity", "SpecificityAtSensitivity", "PrecisionAtRecall",
                                          "RecallAtPrecision" };
static const char *const k_at_value[] = { "specificity", "sensitivity", "recall", "precision" };

static brain_metric *at(int sub, float value, const brain_at_options *opt)
{
    brain_at_options d = { 0 };
    if (!opt) opt = &d;
    if (!(value >= 0 && value <= 1)) {
        brain__fail(BRAIN_ERR_ARG, "%s: %s must lie in [0, 1], got %g", k_at_class[sub], k_at_value[sub], (double)value);
        return NULL;
    }
    int T = opt->num_thresholds ? opt->num_thresholds : 200;
    if (T < 1) {
        brain__fail(BRAIN_ERR_ARG, "%s: num_thresholds must be an integer > 0, got %d", k_at_class[sub], T);
        return NULL;
    }
    brain_metric *m = mk(BRAIN_METRIC_AT, opt->name, k_at_names[sub]);
    if (!m) return NULL;
    brain_metric_x *x = m->x;
    x->sub = sub;
    x->value = brain__float_option(value);
    x->class_id = opt->class_id;
    x->has_class_id = opt->has_class_id;
    x->T = T;
    if (!alloc_acc(m, T, 4)) { brain_metric_free(m); return NULL; }
    return m;
}
brain_metric *brain_metric_sensitivity_at_specificity(float v, const brain_at_options *o) { return at(AT_SENS_SPEC, v, o); }
brain_metric *brain_metric_specificity_at_sensitivity(float v, const brain_at_options *o) { return at(AT_SPEC_SENS, v, o); }
brain_metric *brain_metric_precision_at_recall(float v, const brain_at_options *o) { return at(AT_PREC_REC, v, o); }
brain_metric *brain_metric_recall_at_precision(float v, const brain_at_options *o) { return at(AT_REC_PREC, v, o); }

brain_metric *brain_metric_auc_multi_label(const brain_metric_options *opt)
{
    brain_metric_options d = { 0 };
    if (!opt) opt = &d;
    int T = opt->num_thresholds ? opt->num_thresholds : 200;
    if (T <= 1 || opt->threshold != 0) {
        brain__fail(BRAIN_ERR_ARG, "AUC: num_thresholds must be an integer > 1 (got %d) and threshold unset", T);
        return NULL;
    }
    brain_metric *m = mk(BRAIN_METRIC_AUC_MULTI, opt->name, "auc");
    if (!m) return NULL;
    m->x->T = T;
    m->x->pr = opt->pr_curve;
    m->x->logits = opt->from_logits;
    return m;
}

brain_metric *brain_metric_r2_score(const brain_r2_options *opt)
{
    brain_r2_options d = { 0 };
    if (!opt) opt = &d;
    if (opt->num_regressors < 0 || (opt->class_aggregation != BRAIN_R2_UNIFORM_AVERAGE &&
                                    opt->class_aggregation != BRAIN_R2_VARIANCE_WEIGHTED)) {
        brain__fail(BRAIN_ERR_ARG, "R2Score: num_regressors must be ≥ 0 (got %d) and class_aggregation uniform or "
                    "variance-weighted", opt->num_regressors);
        return NULL;
    }
    brain_metric *m = mk(BRAIN_METRIC_R2, opt->name, "r2_score");
    if (!m) return NULL;
    m->x->r2_agg = opt->class_aggregation;
    m->x->num_regressors = opt->num_regressors;
    return m;
}

static brain_metric *topk(brain_metric_kind kind, int k, const brain_metric_options *opt)
{
    if (k < 0 || (opt && (opt->threshold != 0 || opt->num_thresholds || opt->pr_curve || opt->from_logits))) {
        brain__fail(BRAIN_ERR_ARG, "%s: k must be ≥ 1 (0 means 5), got %d; only the name option applies",
                    kind == BRAIN_METRIC_TOP_K ? "TopKCategoricalAccuracy" : "SparseTopKCategoricalAccuracy", k);
        return NULL;
    }
    brain_metric *m = mk(kind, opt ? opt->name : NULL,
                         kind == BRAIN_METRIC_TOP_K ? "top_k_categorical_accuracy" : "sparse_top_k_categorical_accuracy");
    if (m) m->x->k = k ? k : 5;
    return m;
}
brain_metric *brain_metric_top_k_categorical_accuracy(int k, const brain_metric_options *o) { return topk(BRAIN_METRIC_TOP_K, k, o); }
brain_metric *brain_metric_sparse_top_k_categorical_accuracy(int k, const brain_metric_options *o) { return topk(BRAIN_METRIC_SPARSE_TOP_K, k, o); }

static const char *const k_iou_names[] = { "mean_io_u", "io_u", "binary_io_u", "one_hot_io_u", "one_hot_mean_io_u" };
static const char *const k_iou_class[] = { "MeanIoU", "IoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU" };

static brain_metric *iou(int sub, int num_classes, const brain_iou_options *opt)
{
    brain_iou_options d = { 0 };
    if (!opt) opt = &d;
    const char *cls = k_iou_class[sub];
    if (sub == IOU_BINARY) num_classes = 2;
    if (num_classes < 2 || num_classes > 4096) {
        brain__fail(BRAIN_ERR_ARG, "%s: num_classes must be in [2, 4096], got %d", cls, num_classes);
        return NULL;
    }
    int n_ids = opt->n_target_class_ids;
    const int binary_ids[2] = { 0, 1 };
    const int *ids = opt->target_class_ids;
    bool needs_ids = sub == IOU_TARGET || sub == IOU_ONEHOT;
    if (sub == IOU_BINARY && n_ids == 0) { n_ids = 2; ids = binary_ids; }
    if (needs_ids && (n_ids <= 0 || !ids)) {
        brain__fail(BRAIN_ERR_ARG, "%s: target_class_ids is required (n_target_class_ids > 0)", cls);
        return NULL;
    }
    if ((sub == IOU_MEAN || sub == IOU_ONEHOT_MEAN) && n_ids) {
        brain__fail(BRAIN_ERR_ARG, "%s averages over every class; it takes no target_class_ids", cls);
        return NULL;
    }
    for (int i = 0; i < n_ids; i++)
        if (ids[i] < 0 || ids[i] >= num_classes) {
            brain__fail(BRAIN_ERR_ARG, "%s: target class id %d is outside [0, %d)", cls, ids[i], num_classes);
            return NULL;
        }
    if (opt->has_threshold && sub != IOU_BINARY) {
        brain__fail(BRAIN_ERR_ARG, "%s has no threshold option (BinaryIoU does)", cls);
        return NULL;
    }
    brain_metric *m = mk(BRAIN_METRIC_IOU, opt->name, k_iou_names[sub]);
    if (!m) return NULL;
    brain_metric_x *x = m->x;
    x->sub = sub;
    x->num_classes = num_classes;
    x->ignore = opt->ignore_class;
    x->has_ignore = opt->has_ignore_class;
    x->thr = opt->has_threshold ? opt->threshold : 0.5f;
    if (!needs_ids && sub != IOU_BINARY) n_ids = num_classes;
    x->n_ids = n_ids;
    x->ids = brain__alloc_array((size_t)n_ids, sizeof(int));
    if (!x->ids || !alloc_acc(m, num_classes * num_classes, 1)) { brain_metric_free(m); return NULL; }
    for (int i = 0; i < n_ids; i++) x->ids[i] = (needs_ids || sub == IOU_BINARY) ? ids[i] : i;
    return m;
}
brain_metric *brain_metric_mean_iou(int k, const brain_iou_options *o) { return iou(IOU_MEAN, k, o); }
brain_metric *brain_metric_iou(int k, const brain_iou_options *o) { return iou(IOU_TARGET, k, o); }
brain_metric *brain_metric_binary_iou(const brain_iou_options *o) { return iou(IOU_BINARY, 2, o); }
brain_metric *brain_metric_one_hot_iou(int k, const brain_iou_options *o) { return iou(IOU_ONEHOT, k, o); }
brain_metric *brain_metric_one_hot_mean_iou(int k, const brain_iou_options *o) { return iou(IOU_ONEHOT_MEAN, k, o); }

typedef struct mean_info { int loss; const char *name, *cls, *alias[2]; } mean_info;
static const mean_info k_mean[] = {
    { -1, "root_mean_squared_error", "RootMeanSquaredError", { NULL } },
    { BRAIN_LOSS_LOG_COSH, "logcosh", "LogCoshError", { NULL } },
    { BRAIN_LOSS_COSINE, "cosine_similarity", "CosineSimilarity", { NULL } },
    { BRAIN_LOSS_MAPE, "mean_absolute_percentage_error", "MeanAbsolutePercentageError", { "mape", "MAPE" } },
    { BRAIN_LOSS_MSLE, "mean_squared_logarithmic_error", "MeanSquaredLogarithmicError", { "msle", "MSLE" } },
    { BRAIN_LOSS_KLD, "kl_divergence", "KLDivergence", { "kld", "KLD" } },
    { BRAIN_LOSS_POISSON, "poisson", "Poisson", { NULL } },
    { BRAIN_LOSS_HINGE, "hinge", "Hinge", { NULL } },
    { BRAIN_LOSS_SQUARED_HINGE, "squared_hinge", "SquaredHinge", { NULL } },
    { BRAIN_LOSS_CATEGORICAL_HINGE, "categorical_hinge", "CategoricalHinge", { NULL } },
};
#define N_MEAN ((int)(sizeof k_mean / sizeof k_mean[0]))

static brain_metric *mean_metric(int i, const brain_metric_options *opt)
{
    if (opt && (opt->threshold != 0 || opt->num_thresholds || opt->pr_curve || opt->from_logits)) {
        brain__fail(BRAIN_ERR_ARG, "metric %s takes only the name option", k_mean[i].cls);
        return NULL;
    }
    brain_metric *m = mk(k_mean[i].loss < 0 ? BRAIN_METRIC_RMSE : BRAIN_METRIC_MEAN_LOSS, opt ? opt->name : NULL, k_mean[i].name);
    if (m) m->x->sub = i;
    return m;
}
brain_metric *brain_metric_root_mean_squared_error(const brain_metric_options *o) { return mean_metric(0, o); }
brain_metric *brain_metric_log_cosh_error(const brain_metric_options *o) { return mean_metric(1, o); }
brain_metric *brain_metric_cosine_similarity(const brain_metric_options *o) { return mean_metric(2, o); }
brain_metric *brain_metric_mean_absolute_percentage_error(const brain_metric_options *o) { return mean_metric(3, o); }
brain_metric *brain_metric_mean_squared_logarithmic_error(const brain_metric_options *o) { return mean_metric(4, o); }
brain_metric *brain_metric_kl_divergence(const brain_metric_options *o) { return mean_metric(5, o); }
brain_metric *brain_metric_poisson(const brain_metric_options *o) { return mean_metric(6, o); }
brain_metric *brain_metric_hinge(const brain_metric_options *o) { return mean_metric(7, o); }
brain_metric *brain_metric_squared_hinge(const brain_metric_options *o) { return mean_metric(8, o); }
brain_metric *brain_metric_categorical_hinge(const brain_metric_options *o) { return mean_metric(9, o); }

/* keras.metrics.get: class names and snake-case names; the metric is named by the string */
brain_metric *brain__metric_extra_from_name(const char *name)
{
    brain_metric_options mo = { .name = name };
    for (int i = 0; i < N_MEAN; i++) {
        bool hit = !strcmp(name, k_mean[i].name) || !strcmp(name, k_mean[i].cls);
        for (int a = 0; !hit && a < 2 && k_mean[i].alias[a]; a++) hit = !strcmp(name, k_mean[i].alias[a]);
        if (hit) return mean_metric(i, &mo);
    }
    if (!strcmp(name, "f1_score") || !strcmp(name, "F1Score")) return fbeta(&(brain_fbeta_options){ .name = name }, true);
    if (!strcmp(name, "fbeta_score") || !strcmp(name, "FBetaScore")) return fbeta(&(brain_fbeta_options){ .name = name }, false);
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, k_count_names[i]) || !strcmp(name, k_count_class[i]))
            return counts(i, &(brain_confusion_options){ .name = name });
    if (!strcmp(name, "r2_score") || !strcmp(name, "R2Score")) return brain_metric_r2_score(&(brain_r2_options){ .name = name });
    if (!strcmp(name, "top_k_categorical_accuracy") || !strcmp(name, "TopKCategoricalAccuracy"))
        return topk(BRAIN_METRIC_TOP_K, 5, &mo);
    if (!strcmp(name, "sparse_top_k_categorical_accuracy") || !strcmp(name, "SparseTopKCategoricalAccuracy"))
        return topk(BRAIN_METRIC_SPARSE_TOP_K, 5, &mo);
    if (!strcmp(name, "binary_io_u") || !strcmp(name, "BinaryIoU")) return iou(IOU_BINARY, 2, &(brain_iou_options){ .name = name });
    return NULL;
}

void brain__metric_extra_reset(brain_metric *m)
{
    brain_metric_x *x = m->x;
    if (!x) return;
    double *p[5] = { x->a, x->b, x->c, x->d, x->e };
    for (int i = 0; i < 5; i++)
        if (p[i]) memset(p[i], 0, sizeof(double) * (size_t)(x->n > 0 ? x->n : 1));
    x->samples = 0;
}

void brain__metric_extra_free(brain_metric *m)
{
    brain_metric_x *x = m->x;
    if (!x) return;
    free(x->a); free(x->b); free(x->c); free(x->d); free(x->e);
    free(x->thresholds);
    free(x->ids);
    free(x);
    m->x = NULL;
}

/* ------------------------------------------------------------------ update */
static brain_status shape_error(const brain_metric *m, const brain_tensor *t, const brain_tensor *p, const char *need)
{
    char a[160], b[160];
    brain__dims_str(t->ndim, t->shape, a, sizeof a);
    brain__dims_str(p->ndim, p->shape, b, sizeof b);
    return brain__fail(BRAIN_ERR_ARG, "metric %s: y_true has shape %s but y_pred has shape %s; %s", m->name, a, b, need);
}

static int64_t argmax(const float *x, int64_t k)
{
    int64_t best = 0;
    for (int64_t j = 1; j < k; j++) {
        if (isnan(x[best])) break;
        if (isnan(x[j]) || x[j] > x[best]) best = j;
    }
    return best;
}

/* y_true and y_pred of one shape after squeeze_or_expand_to_same_rank; *last the last axis */
static brain_status same_shape(const brain_metric *m, const brain_tensor *yt, const brain_tensor *yp, int64_t *last)
{
    int tn = yt->ndim, pn = yp->ndim;
    int64_t ts[BRAIN_MAX_DIMS + 1], ps[BRAIN_MAX_DIMS + 1];
    memcpy(ts, yt->shape, sizeof(int64_t) * tn);
    memcpy(ps, yp->shape, sizeof(int64_t) * pn);
    brain__loss_same_rank(&tn, ts, &pn, ps);
    if (!brain__loss_same_shape(tn, ts, pn, ps)) return shape_error(m, yt, yp, "they must have the same shape");
    *last = pn >= 2 ? ps[pn - 1] : 1;
    return BRAIN_OK;
}

static brain_status build_n(brain_metric *m, int n, int arrays, const char *what)
{
    brain_metric_x *x = m->x;
    if (x->built) {
        if (x->n != n)
            return brain__fail(BRAIN_ERR_ARG, "metric %s was built for %d %s and now sees %d", m->name, x->n, what, n);
        return BRAIN_OK;
    }
    return alloc_acc(m, n, arrays) ? BRAIN_OK : BRAIN_ERR_NOMEM;
}

/* AUC's bucketing (metrics_utils._update_confusion_matrix_variables_optimized) over T evenly
 * spread thresholds: cumulative tp/fp/tn/fn per threshold from the elements i = off + j·stride. */
static void bucket_counts(int T, const float *yt, const float *yp, int64_t rows, int64_t per_row, int64_t off, int64_t stride,
                          const float *w, bool logits, double *tp, double *fp, double *tn, double *fn)
{
    const float scale = (float)(T - 1);
    double *tpb = calloc((size_t)T * 2, sizeof(double));
    if (!tpb) return;
    double *fpb = tpb + T, pos = 0, neg = 0;
    for (int64_t r = 0; r < rows; r++) {
        double wr = w ? w[r] : 1.0;
        for (int64_t i = r * per_row + off; i < (r + 1) * per_row; i += stride) {
            float p = yp[i];
            if (logits) p = (float)sigmoid(p);
            p = p < 0.0f ? 0.0f : p > 1.0f ? 1.0f : p;
            float b = ceilf(p * scale) - 1.0f;
            int bucket = b > 0.0f ? (int)b : 0;
            if (bucket > T - 1) bucket = T - 1;
            if (yt[i] != 0.0f) { tpb[bucket] += wr; pos += wr; }
            else { fpb[bucket] += wr; neg += wr; }
        }
    }
    double ctp = 0, cfp = 0;
    for (int i = T - 1; i >= 0; i--) {
        ctp += tpb[i];
        cfp += fpb[i];
        tp[i] += ctp;
        fp[i] += cfp;
        tn[i] += neg - cfp;
        fn[i] += pos - ctp;
    }
    free(tpb);
}

brain_status brain__metric_extra_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                        const float *sw)
{
    brain_metric_x *x = m->x;
    const float *yt = y_true->data, *yp = y_pred->data;
    const int64_t rows = y_pred->shape[0], size = y_pred->size, per_row = rows ? size / rows : 0;
    int64_t last = 1;
    brain_status s;
    switch (m->kind) {
    case BRAIN_METRIC_FBETA: {
        if (y_true->ndim != 2 || y_pred->ndim != 2 || y_true->shape[1] != y_pred->shape[1] || y_true->shape[0] != rows)
            return shape_error(m, y_true, y_pred, "FBetaScore expects 2D inputs of one shape (batch_size, output_dim)");
        const int64_t k = y_pred->shape[1];
        if ((s = build_n(m, (int)k, 4, "classes"))) return s;
        for (int64_t r = 0; r < rows; r++) {
            const float *p = yp + r * k, *t = yt + r * k;
            double w = sw ? sw[r] : 1.0;
            float mx = p[0];
            for (int64_t j = 1; j < k; j++) mx = p[j] > mx ? p[j] : mx;
            for (int64_t j = 0; j < k; j++) {
                double pr = x->has_thr ? (p[j] > x->thr) : (p[j] >= mx && fabsf(p[j]) > 1e-9f);
                double y = t[j];
                x->a[j] += w * pr * y;          /* tp */
                x->b[j] += w * pr * (1 - y);    /* fp */
                x->c[j] += w * (1 - pr) * y;    /* fn */
                x->d[j] += w * y;               /* support */
            }
        }
        return BRAIN_OK;
    }
    case BRAIN_METRIC_COUNTS:
        if ((s = same_shape(m, y_true, y_pred, &last))) return s;
        for (int64_t r = 0; r < rows; r++) {
            double w = sw ? sw[r] : 1.0;
            for (int64_t i = r * per_row; i < (r + 1) * per_row; i++) {
                bool pos = yt[i] != 0.0f;
                for (int t = 0; t < x->n; t++) {
                    bool pred = yp[i] > x->thresholds[t];
                    bool hit = x->sub == C_TP ? pos && pred : x->sub == C_FP ? !pos && pred
                             : x->sub == C_TN ? !pos && !pred : pos && !pred;
                    if (hit) x->a[t] += w;
                }
            }
        }
        return BRAIN_OK;
    case BRAIN_METRIC_AT: {
        if ((s = same_shape(m, y_true, y_pred, &last))) return s;
        int64_t off = 0, stride = 1;
        if (x->has_class_id) {
            if (x->class_id < 0 || x->class_id >= last)
                return brain__fail(BRAIN_ERR_ARG, "metric %s: class_id %d is outside the last axis of %lld", m->name,
                                   x->class_id, (long long)last);
            off = x->class_id;
            stride = last;
        }
        if (x->T == 1) { /* one threshold, 0.5: score > 0.5 */
            for (int64_t r = 0; r < rows; r++) {
                double w = sw ? sw[r] : 1.0;
                for (int64_t i = r * per_row + off; i < (r + 1) * per_row; i += stride) {
                    bool pos = yt[i] != 0.0f, pred = yp[i] > 0.5f;
                    if (pos && pred) x->a[0] += w; else if (pred) x->b[0] += w; else if (pos) x->d[0] += w; else x->c[0] += w;
                }
            }
            return BRAIN_OK;
        }
        bucket_counts(x->T, yt, yp, rows, per_row, off, stride, sw, false, x->a, x->b, x->c, x->d);
        return BRAIN_OK;
    }
    case BRAIN_METRIC_AUC_MULTI: {
        if (y_pred->ndim != 2 || y_true->ndim != 2 || y_true->shape[1] != y_pred->shape[1] || y_true->shape[0] != rows)
            return shape_error(m, y_true, y_pred, "AUC with multi_label needs (N, labels) targets and predictions");
        const int64_t L = y_pred->shape[1];
        if ((s = build_n(m, (int)(L * x->T), 4, "label thresholds"))) return s;
        for (int64_t l = 0; l < L; l++)
            bucket_counts(x->T, yt, yp, rows, L, l, L, sw, x->logits, x->a + l * x->T, x->b + l * x->T, x->c + l * x->T,
                          x->d + l * x->T);
        return BRAIN_OK;
    }
    case BRAIN_METRIC_R2: {
        if ((s = same_shape(m, y_true, y_pred, &last))) return s;
        if (y_pred->ndim > 2 && !(y_pred->ndim == 3 && y_pred->shape[2] == 1))
            return shape_error(m, y_true, y_pred, "R2Score expects (N,) or (N, outputs)");
        const int64_t k = per_row;
        if ((s = build_n(m, (int)k, 4, "outputs"))) return s;
        for (int64_t r = 0; r < rows; r++) {
            double w = sw ? sw[r] : 1.0;
            for (int64_t j = 0; j < k; j++) {
                double y = yt[r * k + j], p = yp[r * k + j], wy = y * w;
                x->a[j] += wy;
                x->b[j] += y * wy;
                x->c[j] += (y - p) * (y - p) * w;
                x->d[j] += w;
            }
        }
        x->samples += size;
        return BRAIN_OK;
    }
    case BRAIN_METRIC_TOP_K:
    case BRAIN_METRIC_SPARSE_TOP_K: {
        if (y_pred->ndim != 2) return shape_error(m, y_true, y_pred, "y_pred must be (N, num_classes)");
        const int64_t k = y_pred->shape[1];
        bool sparse = m->kind == BRAIN_METRIC_SPARSE_TOP_K;
        if (sparse ? !(y_true->size == rows) : !(y_true->ndim == 2 && y_true->shape[1] == k && y_true->shape[0] == rows))
            return shape_error(m, y_true, y_pred, sparse ? "sparse targets are class ids, (N,) or (N, 1)"
                                                         : "one-hot targets of y_pred's shape");
        for (int64_t r = 0; r < rows; r++) {
            const float *p = yp + r * k;
            int64_t target;
            if (sparse) {
                double id = yt[r];
                if (!(id >= 0 && id < (double)k && id == floor(id)))
                    return brain__fail(BRAIN_ERR_ARG, "metric %s: y_true row %lld holds %g, not a class id in [0, %lld)",
                                       m->name, (long long)r, id, (long long)k);
                target = (int64_t)id;
            } else {
                target = argmax(yt + r * k, k);
            }
            int64_t greater = 0;
            for (int64_t j = 0; j < k; j++) greater += p[j] > p[target];
            double w = sw ? sw[r] : 1.0;
            m->total += w * (greater < x->k ? 1.0 : 0.0);
            m->count += w;
        }
        return BRAIN_OK;
    }
    case BRAIN_METRIC_IOU: {
        const int K = x->num_classes;
        bool onehot = x->sub == IOU_ONEHOT || x->sub == IOU_ONEHOT_MEAN;
        int64_t n_el;
        if (onehot) {
            if (y_pred->ndim < 2 || !brain__loss_same_shape(y_true->ndim, y_true->shape, y_pred->ndim, y_pred->shape) ||
                y_pred->shape[y_pred->ndim - 1] != K)
                return shape_error(m, y_true, y_pred, "one-hot targets and scores of one shape (..., num_classes)");
            n_el = size / K;
        } else {
            if (y_true->size != size) return shape_error(m, y_true, y_pred, "as many class ids in y_true as in y_pred");
            n_el = size;
        }
        const int64_t el_per_row = rows ? n_el / rows : 0;
        for (int64_t e = 0; e < n_el; e++) {
            double t, p;
            if (onehot) {
                t = (double)argmax(yt + e * K, K);
                p = (double)argmax(yp + e * K, K);
            } else {
                t = yt[e];
                p = x->sub == IOU_BINARY ? (yp[e] >= x->thr ? 1.0 : 0.0) : yp[e];
            }
            int64_t ti = (int64_t)t, pi = (int64_t)p; /* cast to Keras's int dtype (truncation) */
            double w = sw ? (double)(int64_t)sw[el_per_row ? e / el_per_row : 0] : 1.0;
            bool ok = ti >= 0 && ti < K && pi >= 0 && pi < K && !(x->has_ignore && ti == x->ignore);
            if (!ok) { ti = pi = 0; w = 0; }
            x->a[ti * K + pi] += w;
        }
        return BRAIN_OK;
    }
    case BRAIN_METRIC_RMSE:
    case BRAIN_METRIC_MEAN_LOSS: {
        if ((s = same_shape(m, y_true, y_pred, &last))) return s;
        const int64_t groups = last ? per_row / last : 0;
        bool hb = true;
        int lk = k_mean[x->sub].loss;
        if (lk == BRAIN_LOSS_HINGE || lk == BRAIN_LOSS_SQUARED_HINGE)
            for (int64_t i = 0; i < size && hb; i++) hb = yt[i] == 0 || yt[i] == 1;
        for (int64_t r = 0; r < rows; r++) {
            double v = 0;
            if (m->kind == BRAIN_METRIC_RMSE) {
                for (int64_t i = r * per_row; i < (r + 1) * per_row; i++) {
                    double e = (double)yp[i] - yt[i];
                    v += e * e;
                }
                v = per_row ? v / (double)per_row : 0;
            } else {
                for (int64_t g = 0; g < groups; g++)
                    v += brain__loss_extra_group_value((brain_loss_kind)lk, yt + r * per_row + g * last,
                                                       yp + r * per_row + g * last, last, hb);
                v = groups ? v / (double)groups : 0;
                if (lk == BRAIN_LOSS_COSINE) v = -v; /* the metric is +cos, the loss −cos */
            }
            double w = sw ? sw[r] : 1.0;
            m->total += w * v;
            m->count += w;
        }
        return BRAIN_OK;
    }
    default:
        return brain__fail(BRAIN_ERR_STATE, "metric %s: unknown kind; this is a bug in brain", m->name);
    }
}

/* ------------------------------------------------------------------ result */
static double dnn(double a, double b) { return b == 0.0 ? 0.0 : a / b; }

/* f-score per class (or the micro sum) into out; returns the count */
static int fbeta_values(const brain_metric_x *x, double *out, int cap)
{
    if (!x->built) return 0;
    const double b2 = x->beta * x->beta;
    double tp = 0, fp = 0, fn = 0;
    if (x->average == BRAIN_AVERAGE_MICRO) {
        for (int j = 0; j < x->n; j++) { tp += x->a[j]; fp += x->b[j]; fn += x->c[j]; }
        double p = tp / (tp + fp + EPS), r = tp / (tp + fn + EPS);
        if (cap > 0) out[0] = (p * r) / (b2 * p + r + EPS) * (1 + b2);
        return 1;
    }
    for (int j = 0; j < x->n && j < cap; j++) {
        double p = x->a[j] / (x->a[j] + x->b[j] + EPS), r = x->a[j] / (x->a[j] + x->c[j] + EPS);
        out[j] = (p * r) / (b2 * p + r + EPS) * (1 + b2);
    }
    return x->n;
}

static double at_result(const brain_metric_x *x)
{
    double best = 0;
    for (int i = 0; i < x->n; i++) {
        double tp = x->a[i], fp = x->b[i], tn = x->c[i], fn = x->d[i];
        double sens = dnn(tp, tp + fn), spec = dnn(tn, tn + fp), prec = dnn(tp, tp + fp);
        double constrained, dependent;
        switch (x->sub) {
        case AT_SENS_SPEC: constrained = spec; dependent = sens; break;
        case AT_SPEC_SENS: constrained = sens; dependent = spec; break;
        case AT_PREC_REC: constrained = sens; dependent = prec; break;
        default: constrained = prec; dependent = sens; break;
        }
        /* Keras compares the float32 ratios with the float32 value */
        if ((float)constrained >= (float)x->value && dependent > best) best = dependent;
    }
    return best;
}

static double auc_of(int T, const double *tp, const double *fp, const double *tn, const double *fn, bool pr)
{
    double area = 0;
    for (int i = 0; i < T - 1; i++) {
        if (pr) {
            double dtp = tp[i] - tp[i + 1], p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
            double slope = dnn(dtp, fmax(p0 - p1, 0.0)), intercept = tp[i + 1] - slope * p1;
            double ratio = (p0 > 0 && p1 > 0) ? dnn(p0, fmax(p1, 0.0)) : 1.0;
            area += dnn(slope * (dtp + intercept * log(ratio)), fmax(tp[i + 1] + fn[i + 1], 0.0));
        } else {
            double x0 = dnn(fp[i], fp[i] + tn[i]), x1 = dnn(fp[i + 1], fp[i + 1] + tn[i + 1]);
            double y0 = dnn(tp[i], tp[i] + fn[i]), y1 = dnn(tp[i + 1], tp[i + 1] + fn[i + 1]);
            area += (x0 - x1) * (y0 + y1) / 2.0;
        }
    }
    return area;
}

static int iou_values(const brain_metric_x *x, double *out, int cap, double *mean)
{
    const int K = x->num_classes;
    double sum = 0, valid = 0;
    for (int t = 0; t < x->n_ids; t++) {
        int c = x->ids[t];
        double row = 0, col = 0, tp = x->a[c * K + c];
        for (int j = 0; j < K; j++) { row += x->a[c * K + j]; col += x->a[j * K + c]; }
        double den = row + col - tp;
        double v = den > 1e-9 ? tp / (den + EPS) : 0.0;
        valid += den > 1e-9;
        sum += v;
        if (t < cap) out[t] = v;
    }
    *mean = sum / (valid + EPS);
    return x->n_ids;
}

int brain_metric_result_size(const brain_metric *m)
{
    if (!m) return 0;
    if (!m->x) return 1;
    switch (m->kind) {
    case BRAIN_METRIC_FBETA:
        return m->x->average == BRAIN_AVERAGE_NONE ? (m->x->built ? m->x->n : 0) : 1;
    case BRAIN_METRIC_COUNTS: return m->x->default_thresholds ? 1 : m->x->n;
    default: return 1;
    }
}

int brain_metric_result_values(const brain_metric *m, double *out, int n)
{
    if (!m || !out) return 0;
    if (m->kind == BRAIN_METRIC_FBETA && m->x->average == BRAIN_AVERAGE_NONE) return fbeta_values(m->x, out, n);
    if (m->kind == BRAIN_METRIC_COUNTS) {
        for (int i = 0; i < m->x->n && i < n; i++) out[i] = m->x->a[i];
        return m->x->n;
    }
    if (n > 0) out[0] = brain_metric_result(m);
    return 1;
}

const double *brain_metric_confusion_matrix(const brain_metric *m, int *num_classes)
{
    if (!m || m->kind != BRAIN_METRIC_IOU || !m->x) return NULL;
    if (num_classes) *num_classes = m->x->num_classes;
    return m->x->a;
}

double brain__metric_extra_result(const brain_metric *m)
{
    const brain_metric_x *x = m->x;
    switch (m->kind) {
    case BRAIN_METRIC_FBETA: {
        if (!x->built) return 0;
        double v[4096];
        int n = fbeta_values(x, v, 4096);
        if (x->average == BRAIN_AVERAGE_MICRO) return v[0];
        double s = 0;
        if (x->average == BRAIN_AVERAGE_WEIGHTED) {
            double tot = 0;
            for (int j = 0; j < n; j++) tot += x->d[j];
            for (int j = 0; j < n; j++) s += v[j] * (x->d[j] / (tot + EPS));
            return s;
        }
        for (int j = 0; j < n; j++) s += v[j];
        return n ? s / n : 0; /* macro; and the log value of NONE */
    }
    case BRAIN_METRIC_COUNTS: return x->a[0];
    case BRAIN_METRIC_AT: return at_result(x);
    case BRAIN_METRIC_AUC_MULTI: {
        if (!x->built) return 0;
        int L = x->n / x->T;
        double s = 0;
        for (int l = 0; l < L; l++)
            s += auc_of(x->T, x->a + l * x->T, x->b + l * x->T, x->c + l * x->T, x->d + l * x->T, x->pr);
        return L ? s / L : 0;
    }
    case BRAIN_METRIC_R2: {
        if (!x->built) return 0;
        double sum_r = 0, sum_tw = 0, sum_t = 0;
        for (int j = 0; j < x->n; j++) {
            double mean = x->a[j] / x->d[j], total = x->b[j] - x->a[j] * mean;
            double r2 = 1 - x->c[j] / total;
            if (isinf(r2)) r2 = 0;
            sum_r += r2;
            sum_tw += total * r2;
            sum_t += total;
        }
        double r2 = x->r2_agg == BRAIN_R2_VARIANCE_WEIGHTED ? sum_tw / sum_t : sum_r / x->n;
        if (x->num_regressors != 0 && x->num_regressors < x->samples - 1) {
            double nn = (double)x->samples, p = x->num_regressors;
            r2 = 1.0 - (1.0 - r2) * (nn - 1.0) / (nn - p - 1.0);
        }
        return r2;
    }
    case BRAIN_METRIC_IOU: {
        double v[1], mean;
        iou_values(x, v, 0, &mean);
        return mean;
    }
    case BRAIN_METRIC_RMSE: return sqrt(dnn(m->total, m->count));
    default: return dnn(m->total, m->count);
    }
}

/* ------------------------------------------------------------------ config.json */
static cJSON *env(const char *cls, cJSON *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "module", "keras.metrics");
    cJSON_AddStringToObject(o, "class_name", cls);
    cJSON_AddItemToObject(o, "config", c);
    cJSON_AddNullToObject(o, "registered_name");
    return o;
}

static void add_float(cJSON *c, const char *k, double v) { cJSON_AddNumberToObject(c, k, v); }

cJSON *brain__metric_extra_to_json(const brain_metric *m)
{
    const brain_metric_x *x = m->x;
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    cJSON_AddStringToObject(c, "name", m->name);
    cJSON_AddStringToObject(c, "dtype", m->kind == BRAIN_METRIC_IOU ? "int32" : "float32");
    switch (m->kind) {
    case BRAIN_METRIC_FBETA: {
        static const char *const av[] = { NULL, "micro", "macro", "weighted" };
        if (x->average == BRAIN_AVERAGE_NONE) cJSON_AddNullToObject(c, "average");
        else cJSON_AddStringToObject(c, "average", av[x->average]);
        if (x->fbeta_class) add_float(c, "beta", x->beta);
        if (x->has_thr) add_float(c, "threshold", brain__float_option(x->thr)); else cJSON_AddNullToObject(c, "threshold");
        return env(x->fbeta_class ? "FBetaScore" : "F1Score", c);
    }
    case BRAIN_METRIC_COUNTS:
        if (x->default_thresholds) cJSON_AddNullToObject(c, "thresholds");
        else {
            cJSON *a = cJSON_AddArrayToObject(c, "thresholds");
            for (int i = 0; i < x->n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(brain__float_option(x->thresholds[i])));
        }
        return env(k_count_class[x->sub], c);
    case BRAIN_METRIC_AT:
        if (x->has_class_id) cJSON_AddNumberToObject(c, "class_id", x->class_id); else cJSON_AddNullToObject(c, "class_id");
        cJSON_AddNumberToObject(c, "num_thresholds", x->T);
        add_float(c, k_at_value[x->sub], x->value);
        return env(k_at_class[x->sub], c);
    case BRAIN_METRIC_AUC_MULTI:
        cJSON_AddNumberToObject(c, "num_thresholds", x->T);
        cJSON_AddStringToObject(c, "curve", x->pr ? "PR" : "ROC");
        cJSON_AddStringToObject(c, "summation_method", "interpolation");
        cJSON_AddBoolToObject(c, "multi_label", true);
        cJSON_AddNullToObject(c, "num_labels");
        cJSON_AddNullToObject(c, "label_weights");
        cJSON_AddBoolToObject(c, "from_logits", x->logits);
        return env("AUC", c);
    case BRAIN_METRIC_R2:
        cJSON_AddStringToObject(c, "class_aggregation", x->r2_agg == BRAIN_R2_VARIANCE_WEIGHTED ? "variance_weighted_average"
                                                                                              : "uniform_average");
        cJSON_AddNumberToObject(c, "num_regressors", x->num_regressors);
        return env("R2Score", c);
    case BRAIN_METRIC_TOP_K:
    case BRAIN_METRIC_SPARSE_TOP_K:
        cJSON_AddNumberToObject(c, "k", x->k);
        return env(m->kind == BRAIN_METRIC_TOP_K ? "TopKCategoricalAccuracy" : "SparseTopKCategoricalAccuracy", c);
    case BRAIN_METRIC_IOU:
        if (x->sub != IOU_BINARY) cJSON_AddNumberToObject(c, "num_classes", x->num_classes);
        if (x->sub == IOU_TARGET || x->sub == IOU_ONEHOT || x->sub == IOU_BINARY)
            cJSON_AddItemToObject(c, "target_class_ids", cJSON_CreateIntArray(x->ids, x->n_ids));
        if (x->sub == IOU_BINARY) add_float(c, "threshold", brain__float_option(x->thr));
        else {
            if (x->has_ignore) cJSON_AddNumberToObject(c, "ignore_class", x->ignore); else cJSON_AddNullToObject(c, "ignore_class");
            if (x->sub == IOU_MEAN || x->sub == IOU_TARGET) cJSON_AddBoolToObject(c, "sparse_y_true", true);
            cJSON_AddBoolToObject(c, "sparse_y_pred", x->sub == IOU_MEAN || x->sub == IOU_TARGET);
            cJSON_AddNumberToObject(c, "axis", -1);
        }
        return env(k_iou_class[x->sub], c);
    default:
        return env(k_mean[x->sub].cls, c);
    }
}

static const char *jstr(const cJSON *c, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
static double jnum(const cJSON *c, const char *k, double d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, k);
    return cJSON_IsNumber(v) ? v->valuedouble : d;
}

brain_status brain__metric_extra_from_json(const cJSON *v, const char *file, brain_metric **out)
{
    *out = NULL;
    const char *cls = jstr(v, "class_name");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    if (!cls || !cJSON_IsObject(c)) return brain__fail(BRAIN_ERR_FORMAT, "%s: a metric config has no class_name or config", file);
    const char *name = jstr(c, "name");
    const cJSON *thr = cJSON_GetObjectItemCaseSensitive(c, "threshold");
    if (!strcmp(cls, "F1Score") || !strcmp(cls, "FBetaScore")) {
        const char *av = jstr(c, "average");
        brain_fbeta_options o = { .average = !av ? BRAIN_AVERAGE_NONE : !strcmp(av, "micro") ? BRAIN_AVERAGE_MICRO
                                             : !strcmp(av, "macro") ? BRAIN_AVERAGE_MACRO : BRAIN_AVERAGE_WEIGHTED,
                                  .beta = (float)jnum(c, "beta", 1.0), .has_threshold = cJSON_IsNumber(thr),
                                  .threshold = cJSON_IsNumber(thr) ? (float)thr->valuedouble : 0, .name = name };
        *out = cls[0] == 'F' && cls[1] == '1' ? brain_metric_f1_score(&o) : brain_metric_fbeta_score(&o);
    } else if (!strcmp(cls, "AUC")) {
        const char *curve = jstr(c, "curve");
        brain_metric_options o = { .num_thresholds = (int)jnum(c, "num_thresholds", 200), .pr_curve = curve && !strcmp(curve, "PR"),
                                   .from_logits = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "from_logits")), .name = name };
        *out = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "multi_label")) ? brain_metric_auc_multi_label(&o) : brain_metric_auc(&o);
    } else if (!strcmp(cls, "R2Score")) {
        const char *ag = jstr(c, "class_aggregation");
        *out = brain_metric_r2_score(&(brain_r2_options){
            .class_aggregation = ag && !strcmp(ag, "variance_weighted_average") ? BRAIN_R2_VARIANCE_WEIGHTED : BRAIN_R2_UNIFORM_AVERAGE,
            .num_regressors = (int)jnum(c, "num_regressors", 0), .name = name });
    } else if (!strcmp(cls, "TopKCategoricalAccuracy") || !strcmp(cls, "SparseTopKCategoricalAccuracy")) {
        brain_metric_options o = { .name = name };
        int k = (int)jnum(c, "k", 5);
        *out = cls[0] == 'T' ? brain_metric_top_k_categorical_accuracy(k, &o) : brain_metric_sparse_top_k_categorical_accuracy(k, &o);
    } else {
        for (int i = 0; !*out && i < 4; i++) {
            if (!strcmp(cls, k_count_class[i])) {
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "thresholds");
                float th[64];
                int n = 0;
                const cJSON *e;
                if (cJSON_IsArray(t)) cJSON_ArrayForEach(e, t) if (n < 64) th[n++] = (float)e->valuedouble;
                if (cJSON_IsNumber(t)) th[n++] = (float)t->valuedouble;
                *out = counts(i, &(brain_confusion_options){ .n_thresholds = n, .thresholds = n ? th : NULL, .name = name });
                goto done;
            }
            if (!strcmp(cls, k_at_class[i])) {
                const cJSON *cid = cJSON_GetObjectItemCaseSensitive(c, "class_id");
                *out = at(i, (float)jnum(c, k_at_value[i], 0.5), &(brain_at_options){
                    .num_thresholds = (int)jnum(c, "num_thresholds", 200), .class_id = cJSON_IsNumber(cid) ? cid->valueint : 0,
                    .has_class_id = cJSON_IsNumber(cid), .name = name });
                goto done;
            }
        }
        for (int i = 0; i < 5; i++)
            if (!strcmp(cls, k_iou_class[i])) {
                int ids[256], n = 0;
                const cJSON *t = cJSON_GetObjectItemCaseSensitive(c, "target_class_ids"), *e;
                if (cJSON_IsArray(t)) cJSON_ArrayForEach(e, t) if (n < 256) ids[n++] = e->valueint;
                const cJSON *ig = cJSON_GetObjectItemCaseSensitive(c, "ignore_class");
                brain_iou_options o = { .n_target_class_ids = (i == IOU_MEAN || i == IOU_ONEHOT_MEAN) ? 0 : n, .target_class_ids = ids,
                                        .ignore_class = cJSON_IsNumber(ig) ? ig->valueint : 0, .has_ignore_class = cJSON_IsNumber(ig),
                                        .threshold = cJSON_IsNumber(thr) ? (float)thr->valuedouble : 0,
                                        .has_threshold = i == IOU_BINARY && cJSON_IsNumber(thr), .name = name };
                *out = iou(i, (int)jnum(c, "num_classes", 2), &o);
                goto done;
            }
        for (int i = 0; i < N_MEAN; i++)
            if (!strcmp(cls, k_mean[i].cls)) {
                *out = mean_metric(i, &(brain_metric_options){ .name = name });
                goto done;
            }
        return brain__fail(BRAIN_ERR_FORMAT, "%s: unknown metric class \"%.64s\"", file, cls);
    }
done:
    if (!*out) {
        char why[600];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_FORMAT, "%s: metric %.32s: %s", file, cls, why);
    }
    return BRAIN_OK;
}
