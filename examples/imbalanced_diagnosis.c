/* imbalanced_diagnosis.c — a rare positive class, as in screening data: the breast cancer set
 * with the malignant tumours held back to 10% of the patients.
 *
 *   y = 1 - y                                   # 1 = malignant, the class to find
 *   keep every benign case and as many malignant ones as make 10% of the rows
 *   model.compile(optimizer=Adam(learning_rate=CosineDecay(1e-3, steps, warmup_target=3e-3, warmup_steps=...)),
 *                 loss=BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.75, gamma=2),
 *                 metrics=[F1Score(threshold=0.5), SensitivityAtSpecificity(0.9), AUC(curve="PR")])
 *   model.fit(X_train, y_train, class_weight={0: 1, 1: n0 / n1}, ...)
 *   then the confusion matrix of the test set (TruePositives, FalsePositives, TrueNegatives,
 *   FalseNegatives at 0.5) and the threshold that keeps specificity at 90%.
 *
 * Accuracy alone would flatter a model that never says "malignant" (90% right); F1, the
 * sensitivity at a fixed specificity and the precision-recall AUC do not.
 * Run: ./build/imbalanced_diagnosis   (BRAIN_QUICK=1: fewer epochs, for the test suite) */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

int main(void)
{
    const int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(7);
    brain_table *data;
    TRY(brain_load_breast_cancer(&data));

    /* 1 = malignant; keep all benign rows and malignant ones up to 10% of the total */
    int64_t n_benign = 0;
    for (int64_t i = 0; i < data->n_rows; i++) n_benign += data->y[i] == 1.0f;
    const int64_t n_malig = n_benign / 9, n = n_benign + n_malig, d = data->n_features;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, d }), *y = brain_tensor_new(2, (int64_t[]){ n, 1 });
    int64_t r = 0, taken = 0;
    for (int64_t i = 0; i < data->n_rows; i++) {
        bool malignant = data->y[i] == 0.0f;
        if (malignant && taken >= n_malig) continue;
        taken += malignant;
        for (int64_t j = 0; j < d; j++) x->data[r * d + j] = data->x[i * d + j];
        y->data[r++] = malignant ? 1.0f : 0.0f;
    }
    printf("Imbalanced breast cancer data: %lld patients, %lld malignant (%.1f%%)\n", (long long)n, (long long)n_malig,
           100.0 * (double)n_malig / (double)n);

    brain_tensor *x_train, *x_test, *y_train, *y_test;
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.3, .stratify = y->data, .random_state = 1,
                                                             .has_random_state = true }, &x_train, &x_test, &y_train, &y_test));
    brain_scaler *sc = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(sc, x_train));
    TRY(brain_scaler_transform(sc, x_test));

    const int epochs = quick ? 8 : 60, batch = 32;
    const int64_t steps = (x_train->shape[0] + batch - 1) / batch * epochs;
    brain_model *m = brain_sequential("screening");
    brain_model_add(m, brain_input(BRAIN_SHAPE(d)));
    brain_model_add(m, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dropout(0.3f, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
    brain_lr_schedule *sched = brain_cosine_decay(1e-3, (double)steps, &(brain_cosine_decay_options){
        .warmup_target = 3e-3, .has_warmup_target = true, .warmup_steps = (double)(steps / 10), .alpha = 0.1 });
    TRY(brain_compile(m, &(brain_compile_options){
        .optimizer = brain_adam(&(brain_adam_options){ .common = { .learning_rate_schedule = sched } }),
        .loss = brain_loss_binary_focal_crossentropy(&(brain_focal_loss_options){
            .apply_class_balancing = true, .alpha = 0.75f, .has_alpha = true }),
        .metrics = (brain_metric *[]){
            brain_metric_f1_score(&(brain_fbeta_options){ .threshold = 0.5f, .has_threshold = true }),
            brain_metric_sensitivity_at_specificity(0.9f, NULL),
            brain_metric_auc(&(brain_metric_options){ .pr_curve = true, .name = "pr_auc" }), NULL } }));
    TRY(brain_model_summary(m, 0));

    /* class_weight = {0: 1, 1: n0 / n1} from the training labels */
    double pos = 0;
    for (int64_t i = 0; i < y_train->size; i++) pos += y_train->data[i];
    const float cw[2] = { 1.0f, (float)((double)(y_train->size - pos) / pos) };
    printf("class_weight = {0: 1.0, 1: %.2f}\n", (double)cw[1]);
    brain_history *h = NULL;
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .batch_size = batch,
                  .verbose = BRAIN_ONE_LINE_PER_EPOCH, .x_val = x_test, .y_val = y_test, .validation_freq = epochs,
                  .class_weight = cw, .n_class_weight = 2 }, &h));

    /* the test set: confusion matrix at 0.5 from the four counting metrics */
    brain_tensor *p = NULL;
    TRY(brain_predict(m, x_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p));
    brain_metric *cm[4] = { brain_metric_true_negatives(NULL), brain_metric_false_positives(NULL),
                            brain_metric_false_negatives(NULL), brain_metric_true_positives(NULL) };
    brain_metric *f1 = brain_metric_f1_score(&(brain_fbeta_options){ .threshold = 0.5f, .has_threshold = true });
    brain_metric *sas = brain_metric_sensitivity_at_specificity(0.9f, NULL);
    brain_metric *rec = brain_metric_recall(NULL);
    for (int i = 0; i < 4; i++) TRY(brain_metric_update(cm[i], y_test, p, NULL));
    TRY(brain_metric_update(f1, y_test, p, NULL));
    TRY(brain_metric_update(sas, y_test, p, NULL));
    TRY(brain_metric_update(rec, y_test, p, NULL));
    printf("\nTest set (%lld patients), threshold 0.5\n", (long long)y_test->shape[0]);
    printf("                    predicted benign  predicted malignant\n");
    printf("actual benign       %16.0f  %19.0f\n", brain_metric_result(cm[0]), brain_metric_result(cm[1]));
    printf("actual malignant    %16.0f  %19.0f\n", brain_metric_result(cm[2]), brain_metric_result(cm[3]));
    printf("F1 %.3f   sensitivity (recall) %.3f   sensitivity at 90%% specificity %.3f\n", brain_metric_result(f1),
           brain_metric_result(rec), brain_metric_result(sas));
    const double f1v = brain_metric_result(f1);

    for (int i = 0; i < 4; i++) brain_metric_free(cm[i]);
    brain_metric_free(f1); brain_metric_free(sas); brain_metric_free(rec);
    brain_tensor_free(p);
    brain_history_free(h);
    brain_model_free(m);
    brain_scaler_free(sc);
    brain_tensor_free(x_train); brain_tensor_free(x_test); brain_tensor_free(y_train); brain_tensor_free(y_test);
    brain_tensor_free(x); brain_tensor_free(y);
    brain_table_free(data);
    if (!quick && f1v < 0.6) { fprintf(stderr, "F1 %.3f is lower than expected\n", f1v); return 1; }
    return 0;
}
