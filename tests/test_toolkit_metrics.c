/* test_toolkit_metrics.c — issue 12's metrics against Keras (two batches, the second weighted:
 * tests/toolkit_metric_golden.h from tools/gen_toolkit_metric_golden.py), their log names,
 * reset, errors, and the compiled metrics through .keras with their options. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include "toolkit_metric_golden.h"
#include <stdlib.h>

static brain_tensor *rows_of(const float *d, int nd, const int64_t *shape, int64_t r0, int64_t r1)
{
    brain_tensor *full = brain_tensor_from(d, nd, shape);
    brain_tensor *t = brain_tensor_slice_rows(full, r0, r1);
    brain_tensor_free(full);
    return t;
}

static void test_golden(void)
{
    double worst = 0;
    for (int c = 0; c < TM_NCASES; c++) {
        const tm_case *k = &tm_cases[c];
        brain_metric *m = tm_make(c);
        CHECK_MSG(m != NULL, "%s: %s", k->label, brain_last_error());
        if (!m) continue;
        /* Keras numbers second instances in one process ("auc_1"): compare the base name */
        size_t ln = strlen(brain_metric_name(m));
        CHECK_MSG(!strncmp(brain_metric_name(m), k->name, ln) && (k->name[ln] == 0 || k->name[ln] == '_'),
                  "%s: name %s, Keras %s", k->label, brain_metric_name(m), k->name);
        for (int rep = 0; rep < 2; rep++) { /* the second time after a reset: same result */
            brain_tensor *a = rows_of(k->yt, k->tn, k->ts, 0, TM_HALF), *b = rows_of(k->yp, k->pn, k->ps, 0, TM_HALF);
            CHECK_OK(brain_metric_update(m, a, b, NULL));
            brain_tensor_free(a);
            brain_tensor_free(b);
            a = rows_of(k->yt, k->tn, k->ts, TM_HALF, TM_N);
            b = rows_of(k->yp, k->pn, k->ps, TM_HALF, TM_N);
            CHECK_OK(brain_metric_update(m, a, b, k->w ? k->w + TM_HALF : NULL));
            brain_tensor_free(a);
            brain_tensor_free(b);
            double got[64];
            int n = brain_metric_result_values(m, got, 64);
            CHECK_MSG(n == k->nr && brain_metric_result_size(m) == k->nr, "%s: %d values, Keras %d", k->label, n, k->nr);
            for (int i = 0; i < n && i < k->nr; i++) {
                double rel = fabs(got[i] - k->r[i]) / fmax(fabs(k->r[i]), 1e-6);
                if (rel > worst) worst = rel;
                CHECK_MSG(rel <= 1e-6, "%s[%d]: brain %.9g, Keras %.9g", k->label, i, got[i], k->r[i]);
            }
            brain_metric_reset(m);
        }
        brain_metric_free(m);
    }
    printf("metrics: %d cases, worst relative difference from Keras %.3g\n", TM_NCASES, worst);
}

static void test_names_errors(void)
{
    const char *names[] = { "f1_score", "F1Score", "fbeta_score", "true_positives", "FalseNegatives", "r2_score",
                            "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "binary_io_u", "logcosh",
                            "cosine_similarity", "mape", "kl_divergence", "poisson", "hinge", "root_mean_squared_error",
                            "RootMeanSquaredError", "msle", "squared_hinge", "categorical_hinge" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        brain_metric *m = brain_metric_from_name(names[i]);
        CHECK_MSG(m && !strcmp(brain_metric_name(m), names[i]), "from_name(%s)", names[i]);
        brain_metric_free(m);
    }
    CHECK(brain_metric_iou(3, NULL) == NULL && strstr(brain_last_error(), "target_class_ids"));
    CHECK(brain_metric_sensitivity_at_specificity(1.5f, NULL) == NULL && strstr(brain_last_error(), "specificity"));
    CHECK(brain_metric_fbeta_score(&(brain_fbeta_options){ .beta = -1 }) == NULL);
    brain_metric *m = brain_metric_f1_score(NULL);
    brain_tensor *a = brain_tensor_new(2, (int64_t[]){ 2, 3 }), *b = brain_tensor_new(2, (int64_t[]){ 2, 4 });
    CHECK_FAILS(brain_metric_update(m, a, b, NULL), "FBetaScore expects 2D inputs");
    brain_tensor_free(a);
    brain_tensor_free(b);
    brain_metric_free(m);
    int k = 0;
    m = brain_metric_mean_iou(3, NULL);
    CHECK(brain_metric_confusion_matrix(m, &k) != NULL && k == 3);
    brain_metric_free(m);
}

/* compile with metrics carrying options; fit logs them under Keras's names; .keras keeps them */
static void test_compile_round_trip(void)
{
    brain_tensor *x, *y;
    io_data(40, 4, 3, &x, &y);
    brain_set_random_seed(4);
    brain_model *m = brain_sequential("metrics_rt");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_metric *ms[] = { brain_metric_f1_score(&(brain_fbeta_options){ .average = BRAIN_AVERAGE_MACRO }),
                           brain_metric_sensitivity_at_specificity(0.8f, &(brain_at_options){ .class_id = 1, .has_class_id = true }),
                           brain_metric_top_k_categorical_accuracy(2, NULL), brain_metric_auc_multi_label(&(brain_metric_options){ .pr_curve = true }),
                           brain_metric_one_hot_mean_iou(3, NULL), brain_metric_false_negatives(&(brain_confusion_options){ .n_thresholds = 2, .thresholds = (const float[]){ 0.3f, 0.6f } }),
                           NULL };
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy", .metrics = ms }));
    brain_history *h = NULL;
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT }, &h));
    const char *keys[] = { "f1_score", "sensitivity_at_specificity", "top_k_categorical_accuracy", "auc", "one_hot_mean_io_u", "false_negatives" };
    for (int i = 0; i < 6; i++) {
        int n = 0;
        CHECK_MSG(h && brain_history_get(h, keys[i], &n) && n == 2, "history has no \"%s\"", keys[i]);
    }
    brain_history_free(h);
    const char *p = io_path("metrics_rt.keras");
    CHECK_OK(brain_save(m, p));
    brain_model *l = NULL;
    CHECK_OK(brain_load_model(p, &l, NULL));
    if (l) {
        brain_logs la = { 0 }, lb = { 0 };
        CHECK_OK(brain_evaluate(m, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &la));
        CHECK_OK(brain_evaluate(l, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &lb));
        CHECK(la.n == lb.n && la.n == 7);
        for (int i = 0; i < la.n && i < lb.n; i++)
            CHECK_MSG(!strcmp(la.names[i], lb.names[i]) && la.values[i] == lb.values[i], "%s: %g vs loaded %s: %g", la.names[i],
                      la.values[i], lb.names[i], lb.values[i]);
    }
    brain_model_free(l);
    brain_model_free(m);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

int main(void)
{
    test_golden();
    test_names_errors();
    test_compile_round_trip();
    return check_summary("test_toolkit_metrics");
}
