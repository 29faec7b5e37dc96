/* callbacks.c — the lecture's "Code Snippet: Training Callbacks", in C.
 *
 *   from keras.callbacks import ModelCheckpoint, EarlyStopping
 *
 *   callbacks = [
 *       ModelCheckpoint('best_model.keras', save_best_only=True, monitor='val_accuracy'),
 *       ModelCheckpoint('checkpoints/epoch_{epoch:02d}.keras'),
 *       EarlyStopping(monitor='val_loss', patience=5, restore_best_weights=True)
 *   ]
 *   history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=100,
 *                       callbacks=callbacks)
 *
 * The ModelCheckpoint half (and "Save and Resume") is examples/save_and_resume.c; this example
 * runs the EarlyStopping part, together with the other callbacks Keras users reach for:
 *
 *       ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=3, verbose=1),
 *       CSVLogger('/tmp/training_log.csv'),
 *       TerminateOnNaN(),
 *       LambdaCallback(on_epoch_end=lambda epoch, logs: print(...))   # a user callback
 *
 * and prints history.history (keys and per-epoch values) and history.epoch.  A second, deliberately
 * broken fit (SGD with learning_rate=1e6 on a regression) shows TerminateOnNaN stopping it.
 *
 * Data: a small, noisy binary problem that overfits quickly: 300 samples (200 train, 100 validation)
 * of 20 features ~ N(0, 1); the label is 1 when x1 + x2 + N(0, 1) noise > 0, the other 18 features
 * are noise.  The model is deliberately too big: Dense(128, relu) → Dense(128, relu) → Dense(1, sigmoid),
 * Adam(learning_rate=0.003), batch 32, epochs=100 (30 in quick mode).
 * Claim: early stopping stops before epoch 100, the restored weights give the best val_loss seen,
 * the CSV log has one row per epoch with the History's columns, and TerminateOnNaN stops the
 * diverging fit in its first epoch. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { FEATURES = 20 };

/* The user callback: prints a line at each epoch end and counts the epochs it saw. */
typedef struct { int epochs_seen; } user_state;

static int user_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)logs; (void)user;
    printf("[my callback] training of '%s' begins\n", brain_model_name(m));
    return 0;
}

static int user_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    user_state *st = user;
    double loss = NAN, val_loss = NAN;
    brain_logs_get(logs, "loss", &loss);
    brain_logs_get(logs, "val_loss", &val_loss);
    printf("[my callback] epoch %d ended: loss %.4f, val_loss %.4f, learning rate %g\n", epoch + 1, loss, val_loss,
           brain_optimizer_get_learning_rate(brain_model_optimizer(m)));
    st->epochs_seen++;
    return 0; /* non-zero would stop training, like model.stop_training = True */
}

static int user_train_end(brain_model *m, const brain_logs *logs, void *user)
{
    (void)m; (void)logs;
    printf("[my callback] training ended after %d epochs\n", ((user_state *)user)->epochs_seen);
    return 0;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int max_epochs = quick ? 30 : 100;
    int ok = 1;
    brain_set_random_seed(42);

    brain_rng r;
    brain_rng_seed(&r, 99);
    int64_t n = 300;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, FEATURES }), *y = brain_tensor_new(2, (int64_t[]){ n, 1 });
    for (int64_t i = 0; i < n; i++) {
        for (int j = 0; j < FEATURES; j++) x->data[i * FEATURES + j] = (float)brain_rng_normal(&r);
        y->data[i] = x->data[i * FEATURES] + x->data[i * FEATURES + 1] + brain_rng_normal(&r) > 0;
    }
    brain_tensor *x_train = brain_tensor_slice_rows(x, 0, 200), *y_train = brain_tensor_slice_rows(y, 0, 200);
    brain_tensor *x_val = brain_tensor_slice_rows(x, 200, n), *y_val = brain_tensor_slice_rows(y, 200, n);

    brain_model *model = brain_sequential("overfitter");
    TRY(brain_model_add(model, brain_input(BRAIN_SHAPE(FEATURES))));
    TRY(brain_model_add(model, brain_dense(128, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(model, brain_dense(128, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(model, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID })));
    TRY(brain_compile(model, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.003f }),
                                                       .loss_name = "binary_crossentropy",
                                                       .metric_names = (const char *[]){ "accuracy", NULL } }));

    char csv_path[128];
    snprintf(csv_path, sizeof csv_path, "/tmp/brain_training_log_%ld.csv", (long)getpid());
    user_state st = { 0 };
    /* ModelCheckpoint('best_model.keras', save_best_only=True, monitor='val_accuracy') and
     * ModelCheckpoint('checkpoints/epoch_{epoch:02d}.keras'): not available yet (model saving comes later). */
    brain_callback *early = brain_early_stopping(&(brain_early_stopping_options){
        .monitor = "val_loss", .patience = 5, .restore_best_weights = true, .verbose = 1 });
    brain_callback *plateau = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){
        .monitor = "val_loss", .factor = 0.5f, .patience = 3, .verbose = 1 });
    brain_callback *logger = brain_csv_logger(csv_path, NULL);
    brain_callback *nan_guard = brain_terminate_on_nan();
    brain_callback *mine = brain_callback_custom(&(brain_callback_hooks){
        .on_train_begin = user_train_begin, .on_epoch_end = user_epoch_end, .on_train_end = user_train_end, .user = &st });
    if (!early || !plateau || !logger || !nan_guard || !mine) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }

    brain_history *history;
    TRY(brain_fit(model, x_train, y_train, &(brain_fit_options){
        .x_val = x_val, .y_val = y_val, .epochs = max_epochs, .batch_size = 32, .verbose = BRAIN_ONE_LINE_PER_EPOCH,
        .callbacks = (brain_callback *[]){ early, plateau, logger, nan_guard, mine, NULL } }, &history));

    /* history.history and history.epoch */
    int n_epochs = brain_history_num_epochs(history);
    printf("\nhistory.history:\n");
    for (int k = 0; k < brain_history_num_keys(history); k++) {
        const char *key = brain_history_key(history, k);
        int cnt;
        const double *v = brain_history_get(history, key, &cnt);
        printf("  '%s': [", key);
        for (int e = 0; e < cnt; e++) {
            if (e == 3 && cnt > 6) { printf(", ..."); e = cnt - 3; }
            printf("%s%.4g", e ? ", " : "", v[e]);
        }
        printf("]  (%d values)\n", cnt);
    }
    const int *ep = brain_history_epochs(history);
    printf("history.epoch: [%d, %d, ..., %d]\n", ep[0], n_epochs > 1 ? ep[1] : ep[0], ep[n_epochs - 1]);

    int stopped = brain_early_stopping_stopped_epoch(early), best = brain_early_stopping_best_epoch(early);
    const double *val_loss = brain_history_get(history, "val_loss", NULL);
    double best_val = INFINITY;
    int argbest = 0;
    for (int e = 0; e < n_epochs; e++) if (val_loss[e] < best_val) { best_val = val_loss[e]; argbest = e; }
    brain_logs now;
    TRY(brain_evaluate(model, x_val, y_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &now));
    double restored = NAN;
    brain_logs_get(&now, "loss", &restored);
    printf("\nEarlyStopping: ran %d of %d epochs, stopped at epoch %d, best epoch %d (val_loss %.4f); "
           "val_loss of the restored weights %.4f\n", n_epochs, max_epochs, stopped + 1, best + 1, best_val, restored);
    printf("learning rate at the end: %g (ReduceLROnPlateau started from 0.003)\n",
           brain_optimizer_get_learning_rate(brain_model_optimizer(model)));
    if (!quick && n_epochs >= max_epochs) { fprintf(stderr, "early stopping did not stop training\n"); ok = 0; }
    if (best != argbest || fabs(restored - best_val) > 1e-4) {
        fprintf(stderr, "the restored weights are not the best epoch's (best %d vs %d, val_loss %g vs %g)\n", best, argbest, restored, best_val);
        ok = 0;
    }
    if (st.epochs_seen != n_epochs) { fprintf(stderr, "my callback saw %d epochs, history has %d\n", st.epochs_seen, n_epochs); ok = 0; }

    /* the CSV log, read back */
    FILE *f = fopen(csv_path, "r");
    if (!f) { perror(csv_path); return 1; }
    char line[512];
    int rows = 0;
    printf("\n%s:\n", csv_path);
    while (fgets(line, sizeof line, f)) {
        if (rows < 3 || rows == n_epochs) printf("  %s", line);
        else if (rows == 3) printf("  ...\n");
        rows++;
    }
    fclose(f);
    remove(csv_path);
    if (rows != n_epochs + 1) { fprintf(stderr, "the CSV log has %d lines, expected %d\n", rows, n_epochs + 1); ok = 0; }

    /* TerminateOnNaN: a regression whose SGD step is far too large diverges to Inf/NaN */
    printf("\nTerminateOnNaN on a diverging fit (SGD(learning_rate=1e6), mse):\n");
    brain_model *bad = brain_sequential("diverges");
    TRY(brain_model_add(bad, brain_input(BRAIN_SHAPE(FEATURES))));
    TRY(brain_model_add(bad, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(bad, brain_dense(1, NULL)));
    TRY(brain_compile(bad, &(brain_compile_options){ .optimizer = brain_sgd(&(brain_sgd_options){ .learning_rate = 1e6f }),
                                                     .loss_name = "mse" }));
    /* By default brain_fit itself fails (BRAIN_ERR_NUMERIC) when the weights become non-finite;
     * check_finite = BRAIN_OFF leaves it to TerminateOnNaN, which stops the fit as Keras's does. */
    brain_history *bad_history;
    TRY(brain_fit(bad, x_train, y_train, &(brain_fit_options){ .epochs = 10, .verbose = BRAIN_ONE_LINE_PER_EPOCH,
                  .callbacks = (brain_callback *[]){ nan_guard, NULL }, .check_finite = BRAIN_OFF }, &bad_history));
    int bad_epochs = brain_history_num_epochs(bad_history);
    const double *bad_loss = brain_history_get(bad_history, "loss", NULL);
    double last_bad = bad_loss ? bad_loss[bad_epochs - 1] : NAN;
    printf("diverging fit ran %d of 10 epochs, last loss %g\n", bad_epochs, isnan(last_bad) ? fabs(last_bad) : last_bad);
    if (bad_epochs != 1 || !bad_loss || isfinite(bad_loss[0])) { fprintf(stderr, "TerminateOnNaN did not stop the fit\n"); ok = 0; }

    if (ok) printf("\nok: stopped early with the best weights restored, logged to CSV, NaN caught\n");
    brain_history_free(history); brain_history_free(bad_history);
    brain_callback *cbs[] = { early, plateau, logger, nan_guard, mine };
    for (size_t i = 0; i < sizeof cbs / sizeof *cbs; i++) brain_callback_free(cbs[i]);
    brain_model_free(model); brain_model_free(bad);
    brain_tensor *all[] = { x, y, x_train, y_train, x_val, y_val };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    return ok ? 0 : 1;
}
