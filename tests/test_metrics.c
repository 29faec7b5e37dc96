/* test_metrics.c — accuracy resolution, thresholds, precision/recall, AUC (ROC and PR), mean
 * metrics; results against Keras 3 (tests/loss_golden.h) and hand-worked examples. */
#include "internal.h"
#include "check.h"
#include "loss_golden.h"
#include <stdlib.h>

static brain_metric *make_metric(const golden_metric *g)
{
    brain_metric_options o = { .threshold = g->threshold, .num_thresholds = g->num_thresholds,
                               .pr_curve = g->pr_curve, .from_logits = g->from_logits };
    const char *k = g->kind;
    if (!strcmp(k, "binary_accuracy")) return brain_metric_binary_accuracy(&o);
    if (!strcmp(k, "categorical_accuracy")) return brain_metric_categorical_accuracy(&o);
    if (!strcmp(k, "sparse_categorical_accuracy")) return brain_metric_sparse_categorical_accuracy(&o);
    if (!strcmp(k, "precision")) return brain_metric_precision(&o);
    if (!strcmp(k, "recall")) return brain_metric_recall(&o);
    if (!strcmp(k, "auc")) return brain_metric_auc(&o);
    if (!strcmp(k, "mse")) return brain_metric_mse(&o);
    if (!strcmp(k, "mae")) return brain_metric_mae(&o);
    return NULL;
}

static brain_tensor *rows_of(const float *data, const golden_shape *s, int64_t begin, int64_t end)
{
    brain_tensor *full = brain_tensor_from(data, s->ndim, s->dims);
    brain_tensor *part = brain_tensor_slice_rows(full, begin, end);
    brain_tensor_free(full);
    return part;
}

/* Every Keras golden: one update gives Keras's result; two updates on the halves give the same as
 * one on the whole; reset then update again gives it once more. */
static void test_golden(void)
{
    int n = (int)(sizeof golden_metrics / sizeof golden_metrics[0]);
    for (int c = 0; c < n; c++) {
        const golden_metric *g = &golden_metrics[c];
        brain_metric *m = make_metric(g);
        CHECK_MSG(m != NULL, "case %d: %s", c, brain_last_error());
        if (!m) continue;
        brain_tensor *yt = brain_tensor_from(g->yt, g->ts.ndim, g->ts.dims);
        brain_tensor *yp = brain_tensor_from(g->yp, g->ps.ndim, g->ps.dims);
        CHECK_OK(brain_metric_update(m, yt, yp, g->w));
        double whole = brain_metric_result(m);
        CHECK_MSG(fabs(whole - g->value) <= 1e-6 + 1e-5 * fabs(g->value), "case %d (%s): %.9g, Keras %.9g", c, g->kind,
                  whole, g->value);

        brain_metric_reset(m);
        CHECK(brain_metric_result(m) == 0.0);
        int64_t rows = yp->shape[0], half = rows / 3;
        brain_tensor *t1 = rows_of(g->yt, &g->ts, 0, half), *t2 = rows_of(g->yt, &g->ts, half, rows);
        brain_tensor *p1 = rows_of(g->yp, &g->ps, 0, half), *p2 = rows_of(g->yp, &g->ps, half, rows);
        CHECK_OK(brain_metric_update(m, t1, p1, g->w));
        CHECK_OK(brain_metric_update(m, t2, p2, g->w ? g->w + half : NULL));
        CHECK_MSG(fabs(brain_metric_result(m) - whole) <= 1e-12 * fmax(1, fabs(whole)),
                  "case %d (%s): two updates give %.17g, one gives %.17g", c, g->kind, brain_metric_result(m), whole);
        brain_metric_reset(m);
        CHECK_OK(brain_metric_update(m, yt, yp, g->w));
        CHECK(brain_metric_result(m) == whole);
        brain_tensor_free(t1);
        brain_tensor_free(t2);
        brain_tensor_free(p1);
        brain_tensor_free(p2);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        brain_metric_free(m);
    }
}

static double run(brain_metric *m, int tnd, const int64_t *ts, const float *yt, int pnd, const int64_t *ps,
                  const float *yp, const float *w)
{
    brain_tensor *t = brain_tensor_from(yt, tnd, ts), *p = brain_tensor_from(yp, pnd, ps);
    brain_status s = brain_metric_update(m, t, p, w);
    if (s) fprintf(stderr, "update failed: %s\n", brain_last_error());
    brain_tensor_free(t);
    brain_tensor_free(p);
    return brain_metric_result(m);
}

/* ------------------------------------------------------------------ accuracy */

static void test_accuracy_resolution(void)
{
    brain_metric *m;
    /* (N, 1) sigmoid output -> binary accuracy, strict > 0.5 */
    m = brain_metric_accuracy(NULL);
    CHECK(!strcmp(brain_metric_name(m), "accuracy"));
    brain__metric_resolve(m, &BRAIN_SHAPE(1), 2);
    CHECK(m->resolved == BRAIN_METRIC_BINARY_ACCURACY);
    {
        const int64_t s[] = { 4, 1 };
        /* p 0.9 vs 1 hit; 0.5 vs 1 miss (0.5 is negative); 0.5 vs 0 hit; 0.51 vs 0 miss -> 2/4 */
        CHECK_NEAR(run(m, 2, s, (float[]){ 1, 1, 0, 0 }, 2, s, (float[]){ 0.9f, 0.5f, 0.5f, 0.51f }, NULL), 0.5, 1e-12, 0);
    }
    brain_metric_free(m);

    /* (N, K) with (N,) ids -> sparse */
    m = brain_metric_from_name("acc");
    CHECK(!strcmp(brain_metric_name(m), "acc"));
    brain__metric_resolve(m, &BRAIN_SHAPE(3), 1);
    CHECK(m->resolved == BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY);
    CHECK_NEAR(run(m, 1, (int64_t[]){ 3 }, (float[]){ 2, 0, 1 }, 2, (int64_t[]){ 3, 3 },
                   (float[]){ 0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f, 0.2f, 0.5f, 0.3f }, NULL), 2.0 / 3, 1e-12, 0);
    brain_metric_free(m);

    /* (N, K) with one-hot targets: equal ranks, so decided by y_true's last dim at the first update */
    m = brain_metric_accuracy(NULL);
    brain__metric_resolve(m, &BRAIN_SHAPE(3), 2);
    CHECK(m->resolved == BRAIN_METRIC_ACCURACY); /* not yet */
    CHECK_NEAR(run(m, 2, (int64_t[]){ 2, 3 }, (float[]){ 0, 0, 1, 1, 0, 0 }, 2, (int64_t[]){ 2, 3 },
                   (float[]){ 0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f }, NULL), 0.5, 1e-12, 0);
    CHECK(m->resolved == BRAIN_METRIC_CATEGORICAL_ACCURACY);
    /* reset keeps the resolution, as Keras keeps the metric object */
    brain_metric_reset(m);
    CHECK(m->resolved == BRAIN_METRIC_CATEGORICAL_ACCURACY);
    brain_metric_free(m);

    /* (N, K) with (N, 1) ids (what brain_table_y gives) -> sparse */
    m = brain_metric_from_name("Accuracy");
    CHECK(m && !strcmp(brain_metric_name(m), "Accuracy"));
    brain__metric_resolve(m, &BRAIN_SHAPE(3), 2);
    CHECK_NEAR(run(m, 2, (int64_t[]){ 2, 1 }, (float[]){ 2, 1 }, 2, (int64_t[]){ 2, 3 },
                   (float[]){ 0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f }, NULL), 1.0, 1e-12, 0);
    CHECK(m->resolved == BRAIN_METRIC_SPARSE_CATEGORICAL_ACCURACY);
    brain_metric_free(m);

    /* never resolved explicitly: the first update decides (binary here) */
    m = brain_metric_from_name("ACC");
    CHECK_NEAR(run(m, 1, (int64_t[]){ 2 }, (float[]){ 1, 0 }, 2, (int64_t[]){ 2, 1 }, (float[]){ 0.7f, 0.2f }, NULL), 1.0,
               1e-12, 0);
    CHECK(m->resolved == BRAIN_METRIC_BINARY_ACCURACY);
    brain_metric_free(m);

    /* binary accuracy: threshold strictness, custom threshold, weights; soft labels never match */
    m = brain_metric_binary_accuracy(&(brain_metric_options){ .threshold = 0.7f });
    CHECK(!strcmp(brain_metric_name(m), "binary_accuracy"));
    {
        const int64_t s[] = { 4, 1 };
        /* 0.7 vs 0: hit (0.7 is not > 0.7); 0.71 vs 1 hit; 0.6 vs 1 miss; 0.9 vs 0.5 miss.
         * weights (1, 2, 3, 4): (1 + 2) / 10 */
        CHECK_NEAR(run(m, 2, s, (float[]){ 0, 1, 1, 0.5f }, 2, s, (float[]){ 0.7f, 0.71f, 0.6f, 0.9f },
                       (float[]){ 1, 2, 3, 4 }), 0.3, 1e-12, 0);
    }
    brain_metric_free(m);

    /* categorical accuracy: argmax ties go to the first index */
    m = brain_metric_categorical_accuracy(NULL);
    CHECK_NEAR(run(m, 2, (int64_t[]){ 2, 3 }, (float[]){ 0, 1, 0, 0, 0, 1 }, 2, (int64_t[]){ 2, 3 },
                   (float[]){ 0.4f, 0.4f, 0.2f, 0.3f, 0.3f, 0.3f }, NULL), 0.0, 1e-12, 0);
    brain_metric_free(m);
}

/* ------------------------------------------------------------------ precision, recall */

static void test_precision_recall(void)
{
    /* y     1    1    1    1    1    0    0    0    0    0
     * p    0.9  0.8  0.6  0.5  0.2  0.7  0.5  0.4  0.1  0.0
     * pred  1    1    1    0    0    1    0    0    0    0     (positive iff p > 0.5)
     *      TP   TP   TP   FN   FN   FP   TN   TN   TN   TN
     * TP 3, FP 1, FN 2, TN 4: precision 3/4, recall 3/5. */
    const float y[] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 }, p[] = { 0.9f, 0.8f, 0.6f, 0.5f, 0.2f, 0.7f, 0.5f, 0.4f, 0.1f, 0 };
    const int64_t s[] = { 10, 1 };
    brain_metric *pr = brain_metric_precision(NULL), *re = brain_metric_recall(NULL);
    CHECK(!strcmp(brain_metric_name(pr), "precision") && !strcmp(brain_metric_name(re), "recall"));
    CHECK(brain_metric_result(pr) == 0.0); /* nothing seen: divide_no_nan */
    CHECK_NEAR(run(pr, 2, s, y, 2, s, p, NULL), 0.75, 1e-12, 0);
    CHECK_NEAR(run(re, 2, s, y, 2, s, p, NULL), 0.6, 1e-12, 0);
    CHECK(pr->tp == 3 && pr->fp == 1 && pr->fn == 2 && pr->tn == 4);
    /* weights 1..10: TP = 1+2+3 = 6, FP = 6, FN = 4+5 = 9: precision 6/12, recall 6/15 */
    const float w[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    brain_metric_reset(pr);
    brain_metric_reset(re);
    CHECK_NEAR(run(pr, 2, s, y, 2, s, p, w), 0.5, 1e-12, 0);
    CHECK_NEAR(run(re, 2, s, y, 2, s, p, w), 0.4, 1e-12, 0);
    brain_metric_free(pr);
    brain_metric_free(re);

    /* threshold 0.0: every p > 0 is positive (0 is default, so 0.0 cannot be asked for; use a tiny value) */
    pr = brain_metric_precision(&(brain_metric_options){ .threshold = 1e-9f });
    CHECK_NEAR(run(pr, 2, s, y, 2, s, p, NULL), 5.0 / 9, 1e-12, 0);
    brain_metric_free(pr);

    /* no positive predictions: precision 0, not NaN */
    pr = brain_metric_precision(NULL);
    CHECK(run(pr, 2, (int64_t[]){ 2, 1 }, (float[]){ 1, 0 }, 2, (int64_t[]){ 2, 1 }, (float[]){ 0.1f, 0.2f }, NULL) == 0.0);
    brain_metric_free(pr);
}

/* ------------------------------------------------------------------ AUC */

static void test_auc_worked(void)
{
    /* y (0, 0, 1, 1), p (0.1, 0.4, 0.35, 0.8), 200 thresholds t_i = i/199 (t_0 = -1e-7, t_199 = 1+1e-7).
     * Bucket = ceil(199·p) - 1: 0.1 -> ceil(19.9)-1 = 19, 0.4 -> ceil(79.6)-1 = 79,
     * 0.35 -> ceil(69.65)-1 = 69, 0.8 -> ceil(159.2)-1 = 159.  A prediction counts as positive at
     * threshold i when its bucket >= i, so (TP, FP) per threshold:
     *     i in [0, 19]:    (2, 2)  TPR 1,   FPR 1
     *     i in [20, 69]:   (2, 1)  TPR 1,   FPR 0.5
     *     i in [70, 79]:   (1, 1)  TPR 0.5, FPR 0.5
     *     i in [80, 159]:  (1, 0)  TPR 0.5, FPR 0
     *     i in [160, 199]: (0, 0)  TPR 0,   FPR 0
     * ROC = Σ (FPR_i - FPR_{i+1})(TPR_i + TPR_{i+1})/2, non-zero only where FPR drops:
     *     i = 19: 0.5 · (1 + 1)/2 = 0.5;  i = 79: 0.5 · (0.5 + 0.5)/2 = 0.25;  total 0.75.
     * PR (interpolate_pr_auc), P = TP + FP, terms only where TP drops:
     *     i = 69: dTP = 1, dP = 3 - 2 = 1, slope 1, intercept = TP_70 - slope·P_70 = 1 - 2 = -1,
     *             term = slope·(dTP + intercept·ln(P_69/P_70)) / (TP_70 + FN_70)
     *                  = (1 - ln 1.5) / 2 = 0.29726734
     *     i = 159: dTP = 1, dP = 1, slope 1, intercept = 0 - 0 = 0, P_160 = 0 so the ratio is 1,
     *             term = 1 · (1 + 0) / (0 + 2) = 0.5
     *     (where dTP = 0 the slope is 0 and so is the term)      total 0.79726734. */
    const int64_t s[] = { 4, 1 };
    const float y[] = { 0, 0, 1, 1 }, p[] = { 0.1f, 0.4f, 0.35f, 0.8f };
    brain_metric *roc = brain_metric_auc(NULL), *pr = brain_metric_auc(&(brain_metric_options){ .pr_curve = true });
    CHECK(!strcmp(brain_metric_name(roc), "auc"));
    CHECK_NEAR(run(roc, 2, s, y, 2, s, p, NULL), 0.75, 1e-12, 0);
    CHECK(roc->auc_tp[19] == 2 && roc->auc_fp[19] == 2 && roc->auc_tp[20] == 2 && roc->auc_fp[20] == 1);
    CHECK(roc->auc_tp[159] == 1 && roc->auc_tp[160] == 0 && roc->auc_fn[160] == 2 && roc->auc_tn[160] == 2);
    CHECK_NEAR(run(pr, 2, s, y, 2, s, p, NULL), 0.5 + (1 - log(1.5)) / 2, 1e-12, 0);
    brain_metric_free(roc);
    brain_metric_free(pr);

    /* Two predictions in one bucket tie, even when ordered: y (0, 1), p (0.502, 0.5024) both land in
     * bucket ceil(99.9)-1 = 99: (TP, FP) = (1, 1) up to i = 99, (0, 0) after: AUC = 1·(1+0)/2 = 0.5
     * (the exact ROC AUC would be 1).  One bucket apart, p (0.502, 0.51) -> buckets 99, 101: 1. */
    const int64_t s2[] = { 2, 1 };
    roc = brain_metric_auc(NULL);
    CHECK_NEAR(run(roc, 2, s2, (float[]){ 0, 1 }, 2, s2, (float[]){ 0.502f, 0.5024f }, NULL), 0.5, 1e-12, 0);
    brain_metric_reset(roc);
    CHECK_NEAR(run(roc, 2, s2, (float[]){ 0, 1 }, 2, s2, (float[]){ 0.502f, 0.51f }, NULL), 1.0, 1e-12, 0);
    brain_metric_free(roc);

    /* from_logits: sigmoid first; logits of the first example give the same buckets */
    roc = brain_metric_auc(&(brain_metric_options){ .from_logits = true });
    float z[4];
    for (int i = 0; i < 4; i++) z[i] = (float)log(p[i] / (1 - p[i]));
    CHECK_NEAR(run(roc, 2, s, y, 2, s, z, NULL), 0.75, 1e-12, 0);
    brain_metric_free(roc);

    /* only one class seen: divide_no_nan keeps it finite (0) */
    roc = brain_metric_auc(NULL);
    CHECK(run(roc, 2, s2, (float[]){ 1, 1 }, 2, s2, (float[]){ 0.2f, 0.9f }, NULL) == 0.0);
    brain_metric_free(roc);
}

/* ------------------------------------------------------------------ mean metrics, names */

static void test_mean_metrics(void)
{
    const int64_t s[] = { 2, 2 };
    brain_metric *m = brain_metric_mse(NULL);
    CHECK(!strcmp(brain_metric_name(m), "mean_squared_error"));
    /* rows: ((1-0)² + 0)/2 = 0.5 and ((1-0)² + 0)/2 = 0.5; weights (0.7, 0.3): (0.35 + 0.15)/1 = 0.5 */
    CHECK_NEAR(run(m, 2, s, (float[]){ 0, 1, 0, 0 }, 2, s, (float[]){ 1, 1, 1, 0 }, (float[]){ 0.7f, 0.3f }), 0.5, 1e-7, 0);
    /* a second batch: row value 4 with weight 1 -> (0.5 + 4) / 2 */
    CHECK_NEAR(run(m, 2, (int64_t[]){ 1, 2 }, (float[]){ 0, 0 }, 2, (int64_t[]){ 1, 2 }, (float[]){ 2, -2 }, (float[]){ 1 }),
               4.5 / 2, 1e-7, 0);
    brain_metric_free(m);
    m = brain_metric_from_name("mae");
    CHECK(!strcmp(brain_metric_name(m), "mae"));
    CHECK_NEAR(run(m, 1, (int64_t[]){ 3 }, (float[]){ 1, 0.3f, 1 }, 2, (int64_t[]){ 3, 1 }, (float[]){ 1.9f, 0.3f, 1.8f }, NULL),
               1.7 / 3, 1e-7, 0);
    brain_metric_free(m);
}

static void test_names(void)
{
    const char *ok[] = { "accuracy", "acc", "Accuracy", "ACC", "binary_accuracy", "BinaryAccuracy", "categorical_accuracy",
                         "CategoricalAccuracy", "sparse_categorical_accuracy", "SparseCategoricalAccuracy", "precision",
                         "Precision", "recall", "Recall", "auc", "AUC", "mse", "MSE", "mean_squared_error",
                         "MeanSquaredError", "mae", "MAE", "mean_absolute_error", "MeanAbsoluteError" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        brain_metric *m = brain_metric_from_name(ok[i]);
        CHECK_MSG(m && !strcmp(brain_metric_name(m), ok[i]), "%s: %s", ok[i], brain_last_error());
        brain_metric_free(m);
    }
    CHECK(brain_metric_from_name("f1") == NULL && strstr(brain_last_error(), "unknown metric"));
    CHECK(brain_metric_from_name("Auc") == NULL);
    CHECK(brain_metric_from_name(NULL) == NULL);
    brain_metric *m = brain_metric_auc(&(brain_metric_options){ .name = "roc" });
    CHECK(m && !strcmp(brain_metric_name(m), "roc"));
    brain_metric_free(m);

    bool known;
    CHECK(brain__metric_higher_is_better("accuracy", &known) && known);
    CHECK(brain__metric_higher_is_better("val_accuracy", &known) && known);
    CHECK(brain__metric_higher_is_better("val_acc", &known) && known);
    CHECK(brain__metric_higher_is_better("auc", &known) && known);
    CHECK(brain__metric_higher_is_better("val_auc_1", &known) && known);
    CHECK(brain__metric_higher_is_better("precision", &known) && known);
    CHECK(brain__metric_higher_is_better("val_recall", &known) && known);
    CHECK(brain__metric_higher_is_better("sparse_categorical_accuracy", &known) && known);
    CHECK(!brain__metric_higher_is_better("loss", &known) && known);
    CHECK(!brain__metric_higher_is_better("val_loss", &known) && known);
    CHECK(!brain__metric_higher_is_better("val_mse", &known) && known);
    CHECK(!brain__metric_higher_is_better("mean_absolute_error", &known) && known);
    CHECK(!brain__metric_higher_is_better("val_my_metric", &known) && !known);
    CHECK(!brain__metric_higher_is_better("learning_rate", &known) && !known);
    CHECK(!brain__metric_higher_is_better("loss", NULL));
}

static void test_errors(void)
{
    CHECK(brain_metric_auc(&(brain_metric_options){ .num_thresholds = 1 }) == NULL &&
          strstr(brain_last_error(), "num_thresholds"));
    CHECK(brain_metric_precision(&(brain_metric_options){ .threshold = 1.5f }) == NULL &&
          strstr(brain_last_error(), "[0, 1]"));
    CHECK(brain_metric_mse(&(brain_metric_options){ .threshold = 0.3f }) == NULL && strstr(brain_last_error(), "threshold"));
    CHECK(brain_metric_recall(&(brain_metric_options){ .pr_curve = true }) == NULL && strstr(brain_last_error(), "AUC"));

    const int64_t s42[] = { 4, 2 }, s41[] = { 4, 1 }, s43[] = { 4, 3 }, s4[] = { 4 };
    brain_tensor *t42 = brain_tensor_new(2, s42), *t41 = brain_tensor_new(2, s41), *t43 = brain_tensor_new(2, s43),
                 *t4 = brain_tensor_new(1, s4);
    brain_metric *m = brain_metric_binary_accuracy(NULL);
    CHECK_FAILS(brain_metric_update(m, t42, t41, NULL), "(4, 2)");
    CHECK_OK(brain_metric_update(m, t4, t41, NULL));
    brain_metric_free(m);
    m = brain_metric_categorical_accuracy(NULL);
    CHECK_FAILS(brain_metric_update(m, t4, t43, NULL), "sparse_categorical_accuracy");
    brain_metric_free(m);
    m = brain_metric_sparse_categorical_accuracy(NULL);
    CHECK_FAILS(brain_metric_update(m, t42, t43, NULL), "y_true has shape (4, 2)");
    CHECK_OK(brain_metric_update(m, t41, t43, NULL));
    brain_metric_free(m);
    m = brain_metric_auc(NULL);
    CHECK_FAILS(brain_metric_update(m, t43, t42, NULL), "(4, 3)");
    CHECK_FAILS(brain_metric_update(m, NULL, t42, NULL), "NULL");
    brain_metric_free(m);
    brain_tensor_free(t42);
    brain_tensor_free(t41);
    brain_tensor_free(t43);
    brain_tensor_free(t4);
}

int main(void)
{
    test_golden();
    test_accuracy_resolution();
    test_precision_recall();
    test_auc_worked();
    test_mean_metrics();
    test_names();
    test_errors();
    return check_summary("test_metrics");
}
