/* save_and_resume.c — the lecture's "Training Callbacks" (the ModelCheckpoint half) and
 * "Save and Resume", in C.
 *
 *   callbacks = [
 *       ModelCheckpoint('best_model.keras', save_best_only=True, monitor='val_accuracy'),
 *       ModelCheckpoint('checkpoints/epoch_{epoch:02d}.keras'),
 *       EarlyStopping(monitor='val_loss', patience=5, restore_best_weights=True)
 *   ]
 *   history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=100, callbacks=callbacks)
 *   model.save('my_model.keras')
 *   model = load_model('my_model.keras')
 *
 * Data: the breast-cancer table (569 rows, 30 features), standardised, 80/20 split.  Model:
 * Dense(16, relu) → Dropout(0.2) → Dense(1, sigmoid), Adam, binary crossentropy, accuracy.
 * Files go to a fresh directory under /tmp.
 * Claims: best_model.keras holds the epoch with the best val_accuracy (loading it and
 * evaluating gives that accuracy); my_model.keras loads and predicts exactly what the trained
 * model predicts; and training resumed from checkpoints/epoch_05.keras for the remaining
 * epochs (initial_epoch = 5) ends with the same weights as one uninterrupted fit. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

static brain_model *make_model(void)
{
    brain_set_random_seed(42);
    brain_model *m = brain_sequential("cancer");
    brain_model_add(m, brain_input(BRAIN_SHAPE(30)));
    brain_model_add(m, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dropout(0.2f, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
    if (brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "binary_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } })) {
        brain_model_free(m);
        return NULL;
    }
    return m;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL, epochs = quick ? 8 : 30;
    /* the files go to a new folder under $TMPDIR (or /tmp), kept for you to look at */
    char dir[200], path[256], pattern[256], best[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/brain_save_example_XXXXXX", tmp && *tmp && strlen(tmp) < 150 ? tmp : "/tmp");
    if (!mkdtemp(dir)) { perror("mkdtemp"); return 1; }

    brain_table *t;
    TRY(brain_load_breast_cancer(&t));
    brain_tensor *x = brain_table_x(t), *y = brain_table_y(t), *xtr, *xte, *ytr, *yte;
    brain_table_free(t);
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.2f, .random_state = 42, .has_random_state = true },
                               &xtr, &xte, &ytr, &yte));
    brain_scaler *sc = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(sc, xtr));
    TRY(brain_scaler_transform(sc, xte));

    /* the callbacks of the lecture */
    snprintf(best, sizeof best, "%s/best_model.keras", dir);
    snprintf(pattern, sizeof pattern, "%s/checkpoints/epoch_{epoch:02d}.keras", dir);
    brain_callback *cbs[] = {
        brain_model_checkpoint(best, &(brain_model_checkpoint_options){ .save_best_only = true, .monitor = "val_accuracy", .verbose = 1 }),
        brain_model_checkpoint(pattern, NULL),
        brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_loss", .patience = 5, .restore_best_weights = true }),
        NULL
    };
    brain_model *model = make_model();
    if (!model || !cbs[0] || !cbs[1] || !cbs[2]) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    brain_history *h;
    TRY(brain_fit(model, xtr, ytr, &(brain_fit_options){ .epochs = epochs, .x_val = xte, .y_val = yte,
                                                         .verbose = BRAIN_ONE_LINE_PER_EPOCH, .callbacks = cbs }, &h));
    int n;
    const double *va = brain_history_get(h, "val_accuracy", &n);
    double best_acc = -1;
    for (int i = 0; i < n; i++) if (va[i] > best_acc) best_acc = va[i];

    /* the best checkpoint holds the best val_accuracy */
    brain_model *b = NULL;
    brain_logs logs = {0};
    TRY(brain_load_model(best, &b, NULL));
    TRY(brain_evaluate(b, xte, yte, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("\nbest val_accuracy in the history %.4f; best_model.keras evaluates to %.4f\n", best_acc, acc);
    int ok = fabs(acc - best_acc) < 1e-9;

    /* save and load: the same predictions */
    snprintf(path, sizeof path, "%s/my_model.keras", dir);
    TRY(brain_save(model, path));
    brain_model *loaded = NULL;
    TRY(brain_load_model(path, &loaded, NULL));
    brain_tensor *p1, *p2;
    TRY(brain_predict(model, xte, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p1));
    TRY(brain_predict(loaded, xte, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p2));
    int same = !memcmp(p1->data, p2->data, sizeof(float) * (size_t)p1->size);
    printf("my_model.keras predicts %s the trained model\n", same ? "exactly what" : "DIFFERENTLY from");
    ok = ok && same;

    /* resume: 5 epochs + (epochs − 5) from the epoch-5 checkpoint = one uninterrupted fit */
    brain_model *full = make_model(), *resumed = NULL;
    TRY(brain_fit(full, xtr, ytr, &(brain_fit_options){ .epochs = epochs, .verbose = BRAIN_SILENT }, NULL));
    brain_model *first = make_model();
    snprintf(pattern, sizeof pattern, "%s/resume_{epoch:02d}.keras", dir);
    brain_callback *ck[] = { brain_model_checkpoint(pattern, NULL), NULL };
    TRY(brain_fit(first, xtr, ytr, &(brain_fit_options){ .epochs = 5, .verbose = BRAIN_SILENT, .callbacks = ck }, NULL));
    snprintf(path, sizeof path, "%s/resume_05.keras", dir);
    TRY(brain_load_model(path, &resumed, NULL));
    TRY(brain_fit(resumed, xtr, ytr, &(brain_fit_options){ .epochs = epochs, .initial_epoch = 5, .verbose = BRAIN_SILENT }, NULL));
    int64_t np = brain_model_count_params(full);
    int resumed_same = !memcmp(brain_model_params(full), brain_model_params(resumed), sizeof(float) * (size_t)np);
    printf("resumed from epoch 5: weights %s the uninterrupted fit's\n", resumed_same ? "identical to" : "DIFFERENT from");
    ok = ok && resumed_same;
    printf("files in %s\n", dir);

    for (int i = 0; cbs[i]; i++) brain_callback_free(cbs[i]);
    brain_callback_free(ck[0]);
    brain_history_free(h);
    brain_tensor_free(p1); brain_tensor_free(p2);
    brain_model_free(model); brain_model_free(b); brain_model_free(loaded);
    brain_model_free(full); brain_model_free(first); brain_model_free(resumed);
    brain_scaler_free(sc);
    brain_tensor_free(x); brain_tensor_free(y);
    brain_tensor_free(xtr); brain_tensor_free(xte); brain_tensor_free(ytr); brain_tensor_free(yte);
    return ok ? 0 : 1;
}
