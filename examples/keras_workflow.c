/* keras_workflow.c — the lecture's "Code Snippet: Keras Workflow", in C.
 *
 *   from keras import Sequential
 *   from keras.layers import Dense
 *
 *   # 1. Define
 *   model = Sequential([
 *       Dense(64, activation='relu', input_shape=(10,)),
 *       Dense(3, activation='softmax')
 *   ])
 *   # 2. Compile
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *   # 3. Fit
 *   history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=20)
 *   # 4. Predict
 *   predictions = model.predict(X_new)
 *
 * Data: a generated 3-class problem with 10 features.  Each class is a Gaussian cloud
 * (standard deviation 1.5 on every feature) around its own centre; the centres are drawn once
 * from N(0, 1) per feature, so the classes overlap a little and 100 % is not trivially reachable.
 * The features are then shifted and stretched (feature j gets ×(1 + 3j) and + 10j) so that
 * standardising matters.  1500 samples (300 in quick mode), split 80/20 stratified into train
 * and validation, scaled with a StandardScaler fitted on train only, labels one-hot encoded.
 * X_new is five fresh samples, one or two per class, drawn the same way.
 *
 * Run: ./build/keras_workflow      (BRAIN_QUICK=1 uses less data and 5 epochs, for the test suite)
 * Claim: validation accuracy ≥ 0.85 after 20 epochs (checked in the full run). */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { FEATURES = 10, CLASSES = 3 };

/* n samples of the 3-cluster problem into x (n × 10) and y (n class ids). */
static void make_clusters(brain_rng *r, float centres[CLASSES][FEATURES], int64_t n, float *x, float *y)
{
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % CLASSES);
        y[i] = (float)c;
        for (int j = 0; j < FEATURES; j++)
            x[i * FEATURES + j] = (float)((centres[c][j] + 1.5 * brain_rng_normal(r)) * (1 + 3 * j) + 10 * j);
    }
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(42);

    brain_rng rng;
    brain_rng_seed(&rng, 2024);
    float centres[CLASSES][FEATURES];
    for (int c = 0; c < CLASSES; c++)
        for (int j = 0; j < FEATURES; j++) centres[c][j] = (float)brain_rng_normal(&rng);

    int64_t n = quick ? 300 : 1500;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, FEATURES });
    brain_tensor *y = brain_tensor_new(1, (int64_t[]){ n });
    brain_tensor *x_new = brain_tensor_new(2, (int64_t[]){ 5, FEATURES });
    brain_tensor *y_new = brain_tensor_new(1, (int64_t[]){ 5 });
    if (!x || !y || !x_new || !y_new) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    make_clusters(&rng, centres, n, x->data, y->data);
    make_clusters(&rng, centres, 5, x_new->data, y_new->data);
    printf("Generated data: %lld samples, %d features, %d classes\n", (long long)n, FEATURES, CLASSES);

    /* split first, then scale (fit on train only), then one-hot encode */
    brain_tensor *x_train, *x_val, *y_train_ids, *y_val_ids;
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.2, .stratify = y->data,
                               .random_state = 42, .has_random_state = true },
                               &x_train, &x_val, &y_train_ids, &y_val_ids));
    brain_scaler *scaler = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(scaler, x_train));
    TRY(brain_scaler_transform(scaler, x_val));
    TRY(brain_scaler_transform(scaler, x_new));
    brain_tensor *y_train, *y_val;
    TRY(brain_to_categorical(y_train_ids, CLASSES, &y_train));
    TRY(brain_to_categorical(y_val_ids, CLASSES, &y_val));
    printf("X_train %lld×%lld, y_train %lld×%lld (one-hot), X_val %lld rows\n",
           (long long)x_train->shape[0], (long long)x_train->shape[1],
           (long long)y_train->shape[0], (long long)y_train->shape[1], (long long)x_val->shape[0]);

    /* 1. Define */
    brain_model *model = brain_sequential("sequential");
    TRY(brain_model_add(model, brain_input(BRAIN_SHAPE(FEATURES))));
    TRY(brain_model_add(model, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(model, brain_dense(CLASSES, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));

    /* 2. Compile */
    TRY(brain_compile(model, &(brain_compile_options){
        .optimizer_name = "adam",
        .loss_name = "categorical_crossentropy",
        .metric_names = (const char *[]){ "accuracy", NULL } }));
    TRY(brain_model_summary(model, 0));

    /* 3. Fit */
    brain_history *history;
    TRY(brain_fit(model, x_train, y_train, &(brain_fit_options){
        .x_val = x_val, .y_val = y_val, .epochs = quick ? 5 : 20,
        .verbose = quick ? BRAIN_ONE_LINE_PER_EPOCH : BRAIN_PROGRESS_BAR }, &history));
    int n_epochs = 0;
    const double *val_acc = brain_history_get(history, "val_accuracy", &n_epochs);
    const double *loss = brain_history_get(history, "loss", NULL);
    if (!val_acc || !loss || n_epochs < 1) { fprintf(stderr, "history lacks loss/val_accuracy\n"); return 1; }
    printf("history: loss %.4f -> %.4f, val_accuracy %.4f -> %.4f over %d epochs\n",
           loss[0], loss[n_epochs - 1], val_acc[0], val_acc[n_epochs - 1], n_epochs);

    /* 4. Predict */
    brain_tensor *predictions;
    TRY(brain_predict(model, x_new, NULL, &predictions));
    printf("predictions for X_new (class probabilities):\n");
    int right = 0;
    for (int i = 0; i < 5; i++) {
        const float *p = predictions->data + i * CLASSES;
        int best = 0;
        for (int c = 1; c < CLASSES; c++) if (p[c] > p[best]) best = c;
        right += best == (int)y_new->data[i];
        printf("  [%.3f %.3f %.3f]  -> class %d (true %d)\n", p[0], p[1], p[2], best, (int)y_new->data[i]);
    }

    double final_acc = val_acc[n_epochs - 1];
    int ok = final_acc >= (quick ? 0.5 : 0.85) && loss[n_epochs - 1] < loss[0];
    if (!ok) fprintf(stderr, "validation accuracy %.4f is below the target (or the loss did not fall)\n", final_acc);
    else printf("ok: validation accuracy %.4f, %d/5 new samples right\n", final_acc, right);

    brain_tensor_free(predictions);
    brain_history_free(history);
    brain_model_free(model);
    brain_scaler_free(scaler);
    brain_tensor *all[] = { x, y, x_new, y_new, x_train, x_val, y_train_ids, y_val_ids, y_train, y_val };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    return ok ? 0 : 1;
}
