/* metrics.c — Keras 3 metrics: accuracies, Precision, Recall, AUC, mean squared / absolute error.
 *
 * Sources: keras/src/metrics/{accuracy_metrics,confusion_metrics,reduction_metrics,
 * regression_metrics,metrics_utils}.py and keras/src/trainers/compile_utils.py.
 *
 * Accumulators are double here where Keras keeps float32 variables; results agree to float32
 * rounding, and long epochs do not lose counts past 2^24.
 *
 * Mean metrics (accuracies, mse, mae) follow keras.metrics.Mean: each batch row gets one value
 * (the mean over its elements), total += w·value, count += w (w = 1 without sample weights).
 * Confusion metrics (precision, recall, auc) count every element, weighted by its row's weight;
 * a target counts as positive when it is non-zero (Keras casts y_true to bool).
 *
 * "accuracy" / "acc" resolve as compile_utils.get_metric does, from the shapes of y_true and
 * y_pred: last dim of y_pred 1 -> binary; rank(y_true) < rank(y_pred) or y_true's last dim 1 ->
 * sparse categorical; else categorical.  Keras decides on the first batch it sees;
 * brain__metric_resolve decides early what the shapes allow, and brain_metric_update decides
 * the rest from the first batch's tensors.
 */
#include "internal.h"
#include "shapes.h"
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NOT_RESOLVED BRAIN_METRIC_ACCURACY /* value of m->resolved while "accuracy" is undecided */

static const char *const k_default_names[] = {
    [BRAIN_METRIC_ACCURACY] = "accuracy",
    [BRAIN_METRIC_BINARY_ACCURACY] = "binary_accuracy",
    [BRAIN_METRIC_CATEGORICAL_ACCURACY] = "categorical_accuracy",
    [BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY] = "sparse_categorical_accuracy",
    [BRAIN_METRIC_PRECISION] = "precision",
    [BRAIN_METRIC_RECALL] = "recall",
    [BRAIN_METRIC_AUC] = "auc",
    [BRAIN_METRIC_MSE] = "mean_squared_error",
    [BRAIN_METRIC_MAE] = "mean_absolute_error",
};

static const char *const k_class_names[] = {
    [BRAIN_METRIC_ACCURACY] = "accuracy",
    [BRAIN_METRIC_BINARY_ACCURACY] = "BinaryAccuracy",
    [BRAIN_METRIC_CATEGORICAL_ACCURACY] = "CategoricalAccuracy",
    [BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY] = "SparseCategoricalAccuracy",
    [BRAIN_METRIC_PRECISION] = "Precision",
    [BRAIN_METRIC_RECALL] = "Recall",
    [BRAIN_METRIC_AUC] = "AUC",
    [BRAIN_METRIC_MSE] = "MeanSquaredError",
    [BRAIN_METRIC_MAE] = "MeanAbsoluteError",
};

/* ------------------------------------------------------------------ construction */

static bool uses_threshold(brain_metric_kind k)
{
    return k == BRAIN_METRIC_ACCURACY || k == BRAIN_METRIC_BINARY_ACCURACY || k == BRAIN_METRIC_PRECISION ||
           k == BRAIN_METRIC_RECALL;
}

static brain_metric *metric_new(brain_metric_kind kind, const brain_metric_options *opt)
{
    brain_metric_options o = opt ? *opt : (brain_metric_options){ 0 };
    const char *cls = k_class_names[kind];

    if (o.threshold != 0.0f && !uses_threshold(kind)) {
        brain__fail(BRAIN_ERR_ARG, "metric %s has no threshold option (BinaryAccuracy, Precision and Recall do); leave it 0", cls);
        return NULL;
    }
    if (kind != BRAIN_METRIC_AUC && (o.num_thresholds != 0 || o.pr_curve || o.from_logits)) {
        brain__fail(BRAIN_ERR_ARG, "metric %s has no num_thresholds, pr_curve or from_logits option (only AUC does); "
                                   "leave them unset", cls);
        return NULL;
    }
    if (o.threshold == 0.0f) o.threshold = 0.5f;
    if (!isfinite(o.threshold)) {
        brain__fail(BRAIN_ERR_ARG, "metric %s: threshold must be a finite number, got %g", cls, (double)o.threshold);
        return NULL;
    }
    if ((kind == BRAIN_METRIC_PRECISION || kind == BRAIN_METRIC_RECALL) && !(o.threshold >= 0.0f && o.threshold <= 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "metric %s: threshold must be in [0, 1], got %g", cls, (double)o.threshold);
        return NULL;
    }
    if (kind == BRAIN_METRIC_AUC) {
        if (o.num_thresholds == 0) o.num_thresholds = 200;
        if (o.num_thresholds <= 1) {
            brain__fail(BRAIN_ERR_ARG, "AUC: num_thresholds must be an integer > 1, got %d", o.num_thresholds);
            return NULL;
        }
    }
    const char *name = (o.name && o.name[0]) ? o.name : k_default_names[kind];
    if (strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "metric name \"%.20s...\" is too long: at most %d characters", name, BRAIN_NAME_MAX - 1);
        return NULL;
    }
    brain_metric *m = brain__alloc(sizeof *m);
    if (!m) return NULL;
    m->kind = kind;
    m->resolved = kind;
    strcpy(m->name, name);
    m->threshold = uses_threshold(kind) ? o.threshold : 0.5f;
    if (kind == BRAIN_METRIC_AUC) {
        m->num_thresholds = o.num_thresholds;
        m->pr_curve = o.pr_curve;
        m->from_logits = o.from_logits;
        size_t t = (size_t)o.num_thresholds;
        m->auc_tp = brain__alloc_array(t, sizeof(double));
        m->auc_fp = m->auc_tp ? brain__alloc_array(t, sizeof(double)) : NULL;
        m->auc_tn = m->auc_fp ? brain__alloc_array(t, sizeof(double)) : NULL;
        m->auc_fn = m->auc_tn ? brain__alloc_array(t, sizeof(double)) : NULL;
        m->auc_buckets = m->auc_fn ? brain__alloc_array(2 * t, sizeof(double)) : NULL;
        if (!m->auc_buckets) {
            brain_metric_free(m);
            return NULL;
        }
    }
    return m;
}

brain_metric *brain_metric_accuracy(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_ACCURACY, opt); }
brain_metric *brain_metric_binary_accuracy(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_BINARY_ACCURACY, opt); }
brain_metric *brain_metric_categorical_accuracy(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_CATEGORICAL_ACCURACY, opt); }
brain_metric *brain_metric_sparse_categorical_accuracy(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY, opt); }
brain_metric *brain_metric_precision(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_PRECISION, opt); }
brain_metric *brain_metric_recall(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_RECALL, opt); }
brain_metric *brain_metric_auc(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_AUC, opt); }
brain_metric *brain_metric_mse(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_MSE, opt); }
brain_metric *brain_metric_mae(const brain_metric_options *opt) { return metric_new(BRAIN_METRIC_MAE, opt); }

static bool equals_nocase(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* compile_utils.get_metric: "accuracy"/"acc" in any case; else keras.metrics.get, which takes
 * class names, their snake_case forms and the aliases mse/MSE/mae/MAE.  The metric is named by
 * the string given, as Keras names it (metrics=["mse"] logs "mse"). */
brain_metric *brain_metric_from_name(const char *name)
{
    static const struct { const char *s; brain_metric_kind kind; } table[] = {
        { "binary_accuracy", BRAIN_METRIC_BINARY_ACCURACY }, { "BinaryAccuracy", BRAIN_METRIC_BINARY_ACCURACY },
        { "categorical_accuracy", BRAIN_METRIC_CATEGORICAL_ACCURACY },
        { "CategoricalAccuracy", BRAIN_METRIC_CATEGORICAL_ACCURACY },
        { "sparse_categorical_accuracy", BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY },
        { "SparseCategoricalAccuracy", BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY },
        { "precision", BRAIN_METRIC_PRECISION }, { "Precision", BRAIN_METRIC_PRECISION },
        { "recall", BRAIN_METRIC_RECALL }, { "Recall", BRAIN_METRIC_RECALL },
        { "auc", BRAIN_METRIC_AUC }, { "AUC", BRAIN_METRIC_AUC },
        { "mse", BRAIN_METRIC_MSE }, { "MSE", BRAIN_METRIC_MSE }, { "mean_squared_error", BRAIN_METRIC_MSE },
        { "MeanSquaredError", BRAIN_METRIC_MSE },
        { "mae", BRAIN_METRIC_MAE }, { "MAE", BRAIN_METRIC_MAE }, { "mean_absolute_error", BRAIN_METRIC_MAE },
        { "MeanAbsoluteError", BRAIN_METRIC_MAE },
    };
    if (!name) {
        brain__fail(BRAIN_ERR_ARG, "brain_metric_from_name: name is NULL");
        return NULL;
    }
    if (equals_nocase(name, "accuracy") || equals_nocase(name, "acc"))
        return metric_new(BRAIN_METRIC_ACCURACY, &(brain_metric_options){ .name = name });
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(name, table[i].s) == 0)
            return metric_new(table[i].kind, &(brain_metric_options){ .name = name });
    brain_metric *extra = brain__metric_extra_from_name(name); /* issue 12's metrics */
    if (extra) return extra;
    brain__fail(BRAIN_ERR_ARG, "unknown metric \"%s\": use one of accuracy (acc), binary_accuracy, categorical_accuracy, "
                               "sparse_categorical_accuracy, precision, recall, auc, mse (mean_squared_error), "
                               "mae (mean_absolute_error)", name);
    return NULL;
}

const char *brain_metric_name(const brain_metric *m) { return m ? m->name : ""; }

void brain_metric_reset(brain_metric *m)
{
    if (!m) return;
    if (m->kind == BRAIN_METRIC_CUSTOM) {
        if (m->custom.reset) m->custom.reset(m->custom_state, m->custom.user);
        else memset(m->custom_state, 0, m->custom.state_size);
        return;
    }
    if (m->x) brain__metric_extra_reset(m);
    m->total = m->count = 0;
    m->tp = m->fp = m->fn = m->tn = 0;
    if (m->auc_tp) {
        size_t t = (size_t)m->num_thresholds;
        memset(m->auc_tp, 0, t * sizeof(double));
        memset(m->auc_fp, 0, t * sizeof(double));
        memset(m->auc_tn, 0, t * sizeof(double));
        memset(m->auc_fn, 0, t * sizeof(double));
    }
}

void brain_metric_free(brain_metric *m)
{
    if (!m) return;
    free(m->custom_state);
    brain__metric_extra_free(m);
    free(m->auc_tp);
    free(m->auc_fp);
    free(m->auc_tn);
    free(m->auc_fn);
    free(m->auc_buckets);
    free(m);
}

/* ------------------------------------------------------------------ resolution and direction */

void brain__metric_resolve(brain_metric *m, const brain_shape *out, int y_true_rank)
{
    if (!m || !out || m->kind != BRAIN_METRIC_ACCURACY || m->resolved != NOT_RESOLVED) return;
    int y_pred_rank = out->ndim + 1; /* with the batch axis; y_true_rank counts it too */
    if (out->ndim >= 1 && out->dims[out->ndim - 1] == 1)
        m->resolved = BRAIN_METRIC_BINARY_ACCURACY;
    else if (y_true_rank >= 1 && y_true_rank < y_pred_rank)
        m->resolved = BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
    /* Equal ranks: sparse when y_true's last dim is 1, categorical otherwise; the rank alone
     * cannot tell, so the first brain_metric_update decides from y_true itself. */
}

static void resolve_from_tensors(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred)
{
    int64_t t_last = y_true->shape[y_true->ndim - 1], p_last = y_pred->shape[y_pred->ndim - 1];
    if (p_last == 1)
        m->resolved = BRAIN_METRIC_BINARY_ACCURACY;
    else if (y_true->ndim < y_pred->ndim || (t_last == 1 && p_last > 1))
        m->resolved = BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
    else
        m->resolved = BRAIN_METRIC_CATEGORICAL_ACCURACY;
}

/* Keras's mode="auto" (MonitorCallback._set_monitor_op): "loss" is minimised; a metric follows
 * its _direction ("up" for accuracies, precision, recall, auc; "down" for error metrics).
 * Keras looks the name up among the compiled metrics; here the name alone decides, including the
 * "_1", "_2" suffixes Keras gives second instances. */
bool brain__metric_higher_is_better(const char *name, bool *known)
{
    static const char *const up[] = {
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "precision", "recall", "auc", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
        "Precision", "Recall", "AUC", "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy",
        "f1_score", "fbeta_score", "r2_score", "iou", "mean_iou", "binary_iou",
    };
    static const char *const down[] = {
        "loss", "mse", "mae", "MSE", "MAE", "mean_squared_error", "mean_absolute_error", "MeanSquaredError",
        "MeanAbsoluteError", "mape", "msle", "MAPE", "MSLE", "mean_absolute_percentage_error",
        "mean_squared_logarithmic_error", "root_mean_squared_error", "logcosh", "log_cosh_error",
        "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "bce", "BCE",
        "hinge", "squared_hinge", "categorical_hinge", "kl_divergence", "poisson", "huber_loss",
    };
    bool dummy;
    if (!known) known = &dummy;
    *known = false;
    if (!name) return false;
    if (strncmp(name, "val_", 4) == 0) name += 4;

    /* the name, and the name less a "_<digits>" suffix */
    char base[BRAIN_LOG_NAME + 16];
    snprintf(base, sizeof base, "%s", name);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            size_t n = strlen(base), i = n;
            while (i > 0 && isdigit((unsigned char)base[i - 1])) i--;
            if (i == n || i < 2 || base[i - 1] != '_') break;
            base[i - 1] = 0;
        }
        if (equals_nocase(base, "accuracy") || equals_nocase(base, "acc")) { *known = true; return true; }
        if (pass == 1 && strcmp(base, "loss") == 0) break; /* "loss_1" is not the loss */
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++)
            if (strcmp(base, up[i]) == 0) { *known = true; return true; }
        for (size_t i = 0; i < sizeof down / sizeof down[0]; i++)
            if (strcmp(base, down[i]) == 0) { *known = true; return false; }
    }
    return false;
}

/* ------------------------------------------------------------------ update */

static brain_status shape_error(const brain_metric *m, const brain_tensor *t, const brain_tensor *p, const char *need)
{
    char a[160], b[160];
    brain__dims_str(t->ndim, t->shape, a, sizeof a);
    brain__dims_str(p->ndim, p->shape, b, sizeof b);
    return brain__fail(BRAIN_ERR_ARG, "metric %s: y_true has shape %s but y_pred has shape %s; %s", m->name, a, b, need);
}

/* Index of the largest value (first on ties; a NaN wins, as numpy's argmax). */
static int64_t argmax(const float *x, int64_t k)
{
    int64_t best = 0;
    for (int64_t j = 1; j < k; j++) {
        if (isnan(x[best])) break;
        if (isnan(x[j]) || x[j] > x[best]) best = j;
    }
    return best;
}


brain_status brain_metric_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                 const float *sample_weight)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_metric_update: metric is NULL");
    if (!y_true || !y_pred) return brain__fail(BRAIN_ERR_ARG, "metric %s: y_true or y_pred is NULL", m->name);
    if (y_true->ndim < 1 || y_pred->ndim < 1)
        return brain__fail(BRAIN_ERR_ARG, "metric %s: y_true and y_pred need a batch axis", m->name);

    if (m->kind == BRAIN_METRIC_CUSTOM) return brain__metric_custom_update(m, y_true, y_pred, sample_weight);
    if (m->kind >= BRAIN_METRIC_EXTRA_FIRST) return brain__metric_extra_update(m, y_true, y_pred, sample_weight);
    if (m->kind == BRAIN_METRIC_ACCURACY && m->resolved == NOT_RESOLVED) resolve_from_tensors(m, y_true, y_pred);
    brain_metric_kind kind = m->kind == BRAIN_METRIC_ACCURACY ? m->resolved : m->kind;

    int tn = y_true->ndim, pn = y_pred->ndim;
    int64_t ts[BRAIN_MAX_DIMS + 1], ps[BRAIN_MAX_DIMS + 1];
    memcpy(ts, y_true->shape, sizeof(int64_t) * tn);
    memcpy(ps, y_pred->shape, sizeof(int64_t) * pn);
    const int64_t rows = y_pred->shape[0];
    const float *yt = y_true->data, *yp = y_pred->data;
    const float thr = m->threshold;

    switch (kind) {
    case BRAIN_METRIC_CATEGORICAL_ACCURACY:
    case BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY: {
        bool sparse = kind == BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY;
        if (pn < 2) return shape_error(m, y_true, y_pred, "y_pred needs a class axis: (N, num_classes)");
        if (sparse) {
            if (tn == pn && ts[tn - 1] == 1) tn--;
            if (!brain__loss_same_shape(tn, ts, pn - 1, ps))
                return shape_error(m, y_true, y_pred, "sparse targets are class ids shaped like y_pred without its "
                                                      "last axis, e.g. (N,) or (N, 1) for y_pred (N, num_classes)");
        } else if (!brain__loss_same_shape(tn, ts, pn, ps)) {
            return shape_error(m, y_true, y_pred, "categorical accuracy needs one-hot targets of y_pred's shape "
                                                  "(use sparse_categorical_accuracy for class ids)");
        }
        int64_t k = ps[pn - 1];
        int64_t elems = k ? y_pred->size / k : 0, per_row = rows ? elems / rows : 0;
        for (int64_t r = 0; r < rows && per_row > 0; r++) {
            double hits = 0;
            for (int64_t e = r * per_row; e < (r + 1) * per_row; e++) {
                int64_t pred = argmax(yp + e * k, k);
                double truth = sparse ? (double)yt[e] : (double)argmax(yt + e * k, k);
                hits += truth == (double)pred;
            }
            double w = sample_weight ? sample_weight[r] : 1.0;
            m->total += w * hits / (double)per_row;
            m->count += w;
        }
        if (per_row == 0 && !sample_weight) m->count += (double)rows;
        return BRAIN_OK;
    }
    default:
        break;
    }

    /* the element-wise metrics: same shape after squeeze_or_expand_to_same_rank */
    brain__loss_same_rank(&tn, ts, &pn, ps);
    if (!brain__loss_same_shape(tn, ts, pn, ps))
        return shape_error(m, y_true, y_pred, "they must have the same shape");
    const int64_t size = y_pred->size, per_row = rows ? size / rows : 0;

    switch (kind) {
    case BRAIN_METRIC_BINARY_ACCURACY:
    case BRAIN_METRIC_MSE:
    case BRAIN_METRIC_MAE: {
        for (int64_t r = 0; r < rows; r++) {
            double s = 0;
            for (int64_t i = r * per_row; i < (r + 1) * per_row; i++) {
                if (kind == BRAIN_METRIC_BINARY_ACCURACY) {
                    s += (yp[i] > thr ? 1.0f : 0.0f) == yt[i];
                } else {
                    double e = (double)yp[i] - (double)yt[i];
                    s += kind == BRAIN_METRIC_MSE ? e * e : fabs(e);
                }
            }
            /* mean over the last axis, then over the row's remaining axes: one mean overall */
            double v = per_row ? s / (double)per_row : 0.0;
            double w = sample_weight ? sample_weight[r] : 1.0;
            m->total += w * v;
            m->count += w;
        }
        return BRAIN_OK;
    }
    case BRAIN_METRIC_PRECISION:
    case BRAIN_METRIC_RECALL:
        for (int64_t r = 0; r < rows; r++) {
            double w = sample_weight ? sample_weight[r] : 1.0;
            for (int64_t i = r * per_row; i < (r + 1) * per_row; i++) {
                bool pos = yt[i] != 0.0f, pred = yp[i] > thr;
                if (pos && pred) m->tp += w;
                else if (!pos && pred) m->fp += w;
                else if (pos) m->fn += w;
                else m->tn += w;
            }
        }
        return BRAIN_OK;
    case BRAIN_METRIC_AUC: {
        /* metrics_utils._update_confusion_matrix_variables_optimized: thresholds
         * [-eps, 1/(T-1), ..., (T-2)/(T-1), 1+eps]; a prediction p (clipped to [0, 1]) lands in
         * bucket max(ceil(p·(T-1)) - 1, 0) and counts as positive at every threshold up to its
         * bucket: tp[i] = Σ_{b ≥ i} tp_bucket[b].  All in float32 as Keras computes it. */
        int T = m->num_thresholds;
        double *tpb = m->auc_buckets; /* reserved with the metric: no allocation per batch */
        memset(tpb, 0, sizeof(double) * (size_t)T * 2);
        double *fpb = tpb + T, pos_total = 0, neg_total = 0;
        const float scale = (float)(T - 1);
        for (int64_t r = 0; r < rows; r++) {
            double w = sample_weight ? sample_weight[r] : 1.0;
            for (int64_t i = r * per_row; i < (r + 1) * per_row; i++) {
                float p = yp[i];
                if (m->from_logits) p = (float)sigmoid(p);
                p = p < 0.0f ? 0.0f : p > 1.0f ? 1.0f : p;
                float b = ceilf(p * scale) - 1.0f;
                int bucket = b > 0.0f ? (int)b : 0; /* also NaN -> 0 */
                if (bucket > T - 1) bucket = T - 1;
                if (yt[i] != 0.0f) { tpb[bucket] += w; pos_total += w; }
                else { fpb[bucket] += w; neg_total += w; }
            }
        }
        double ctp = 0, cfp = 0;
        for (int i = T - 1; i >= 0; i--) {
            ctp += tpb[i];
            cfp += fpb[i];
            m->auc_tp[i] += ctp;
            m->auc_fp[i] += cfp;
            m->auc_tn[i] += neg_total - cfp;
            m->auc_fn[i] += pos_total - ctp;
        }
        return BRAIN_OK;
    }
    default:
        return brain__fail(BRAIN_ERR_STATE, "metric %s is not resolved; this is a bug in brain", m->name);
    }
}

/* ------------------------------------------------------------------ result */

static double divide_no_nan(double a, double b) { return b == 0.0 ? 0.0 : a / b; }

static double auc_result(const brain_metric *m)
{
    int T = m->num_thresholds;
    const double *tp = m->auc_tp, *fp = m->auc_fp, *tn = m->auc_tn, *fn = m->auc_fn;
    double area = 0;
    if (m->pr_curve) {
        /* AUC.interpolate_pr_auc (Davis & Goadrich interpolation) */
        for (int i = 0; i < T - 1; i++) {
            double dtp = tp[i] - tp[i + 1];
            double p0 = tp[i] + fp[i], p1 = tp[i + 1] + fp[i + 1];
            double slope = divide_no_nan(dtp, fmax(p0 - p1, 0.0));
            double intercept = tp[i + 1] - slope * p1;
            double ratio = (p0 > 0 && p1 > 0) ? divide_no_nan(p0, fmax(p1, 0.0)) : 1.0;
            area += divide_no_nan(slope * (dtp + intercept * log(ratio)), fmax(tp[i + 1] + fn[i + 1], 0.0));
        }
        return area;
    }
    /* ROC, interpolation: Σ (fpr_i - fpr_{i+1}) · (tpr_i + tpr_{i+1}) / 2 */
    for (int i = 0; i < T - 1; i++) {
        double x0 = divide_no_nan(fp[i], fp[i] + tn[i]), x1 = divide_no_nan(fp[i + 1], fp[i + 1] + tn[i + 1]);
        double y0 = divide_no_nan(tp[i], tp[i] + fn[i]), y1 = divide_no_nan(tp[i + 1], tp[i + 1] + fn[i + 1]);
        area += (x0 - x1) * (y0 + y1) / 2.0;
    }
    return area;
}

double brain_metric_result(const brain_metric *m)
{
    if (!m) return 0.0;
    if (m->kind == BRAIN_METRIC_CUSTOM) return m->custom.result(m->custom_state, m->custom.user);
    if (m->kind >= BRAIN_METRIC_EXTRA_FIRST) return brain__metric_extra_result(m);
    switch (m->kind) {
    case BRAIN_METRIC_PRECISION: return divide_no_nan(m->tp, m->tp + m->fp);
    case BRAIN_METRIC_RECALL: return divide_no_nan(m->tp, m->tp + m->fn);
    case BRAIN_METRIC_AUC: return auc_result(m);
    default: return divide_no_nan(m->total, m->count);
    }
}
