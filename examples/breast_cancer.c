/* breast_cancer.c — the lecture's workflow on real health data, in C.
 *
 *   X, y = load_breast_cancer(return_X_y=True)
 *   X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
 *   X_train, X_val, y_train, y_val = train_test_split(X_train, y_train, test_size=0.2, stratify=y_train, random_state=42)
 *   scaler = StandardScaler(); X_train = scaler.fit_transform(X_train); X_val = scaler.transform(X_val); ...
 *   model = Sequential([Input((30,)), Dense(64, activation='relu'), Dropout(0.5), Dense(1, activation='sigmoid')])
 *   model.compile(optimizer='adam', loss='binary_crossentropy',
 *                 metrics=['accuracy', Precision(), Recall(), AUC()])
 *   model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=100, batch_size=32,
 *             callbacks=[EarlyStopping(monitor='val_loss', patience=10, restore_best_weights=True)])
 *   model.evaluate(X_test, y_test)
 *
 * Data: Wisconsin diagnostic breast cancer (569 patients, 30 features; 1 = benign), built in.
 * Run: ./build/breast_cancer      (BRAIN_QUICK=1 trains fewer epochs, for the test suite) */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(42);

    brain_table *data;
    TRY(brain_load_breast_cancer(&data));
    brain_tensor *x = brain_table_x(data), *y = brain_table_y(data);
    printf("Breast cancer data: %lld patients, %lld features\n", (long long)data->n_rows, (long long)data->n_features);

    /* split first: 80/20 train/test, then 20% of train for validation, stratified */
    brain_tensor *x_trval, *x_test, *y_trval, *y_test, *x_train, *x_val, *y_train, *y_val;
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.2, .stratify = y->data,
                               .random_state = 42, .has_random_state = true },
                               &x_trval, &x_test, &y_trval, &y_test));
    TRY(brain_train_test_split(x_trval, y_trval, &(brain_split_options){ .test_size = 0.2, .stratify = y_trval->data,
                               .random_state = 42, .has_random_state = true },
                               &x_train, &x_val, &y_train, &y_val));
    printf("train %lld, validation %lld, test %lld rows\n", (long long)x_train->shape[0],
           (long long)x_val->shape[0], (long long)x_test->shape[0]);

    /* then scale, fitting on the training part only */
    brain_scaler *scaler = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(scaler, x_train));
    TRY(brain_scaler_transform(scaler, x_val));
    TRY(brain_scaler_transform(scaler, x_test));

    brain_model *model = brain_sequential("breast_cancer");
    TRY(brain_model_add(model, brain_input(BRAIN_SHAPE(30))));
    TRY(brain_model_add(model, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(model, brain_dropout(0.5f, NULL)));
    TRY(brain_model_add(model, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID })));
    TRY(brain_compile(model, &(brain_compile_options){
        .optimizer = brain_adam(NULL),
        .loss = brain_loss_binary_crossentropy(NULL),
        .metrics = (brain_metric *[]){ brain_metric_accuracy(NULL), brain_metric_precision(NULL),
                                       brain_metric_recall(NULL), brain_metric_auc(NULL), NULL } }));
    TRY(brain_model_summary(model, 0));

    brain_callback *early = brain_early_stopping(&(brain_early_stopping_options){
        .monitor = "val_loss", .patience = 10, .restore_best_weights = true, .verbose = 1 });
    brain_history *history;
    TRY(brain_fit(model, x_train, y_train, &(brain_fit_options){
        .epochs = quick ? 5 : 100, .batch_size = 32, .x_val = x_val, .y_val = y_val,
        .verbose = quick ? BRAIN_ONE_LINE_PER_EPOCH : BRAIN_PROGRESS_BAR,
        .callbacks = (brain_callback *[]){ early, NULL } }, &history));
    printf("trained %d epochs (best epoch %d)\n", brain_history_num_epochs(history),
           brain_early_stopping_best_epoch(early) + 1);

    brain_logs test;
    TRY(brain_evaluate(model, x_test, y_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &test));
    double loss = 0, acc = 0, prec = 0, rec = 0, auc = 0;
    brain_logs_get(&test, "loss", &loss);
    brain_logs_get(&test, "accuracy", &acc);
    brain_logs_get(&test, "precision", &prec);
    brain_logs_get(&test, "recall", &rec);
    brain_logs_get(&test, "auc", &auc);
    printf("test loss %.4f  accuracy %.4f  precision %.4f  recall %.4f  AUC %.4f\n", loss, acc, prec, rec, auc);

    /* predict one new patient (already scaled like the training data) */
    brain_tensor *one = brain_tensor_slice_rows(x_test, 0, 1), *p;
    TRY(brain_predict(model, one, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p));
    printf("first test patient: P(benign) = %.3f (label %g)\n", p->data[0], y_test->data[0]);

    int ok = quick || acc >= 0.95;
    brain_tensor_free(p); brain_tensor_free(one);
    brain_history_free(history);
    brain_callback_free(early);
    brain_model_free(model);
    brain_scaler_free(scaler);
    brain_tensor *all[] = {x, y, x_trval, x_test, y_trval, y_test, x_train, x_val, y_train, y_val};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    brain_table_free(data);
    if (!ok) fprintf(stderr, "test accuracy %.4f is below the 0.95 target\n", acc);
    return ok ? 0 : 1;
}
