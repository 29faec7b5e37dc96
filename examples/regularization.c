/* regularization.c — the lecture's "Code Snippet: Regularization in Practice", in C.
 *
 *   from keras import Sequential
 *   from keras.layers import Dense, Dropout
 *
 *   model = Sequential([
 *       Dense(128, activation='relu', input_shape=(784,), kernel_regularizer='l2'),
 *       Dropout(0.5),
 *       Dense(64, activation='relu', kernel_regularizer='l2'),
 *       Dropout(0.3),
 *       Dense(10, activation='softmax')
 *   ])
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *   model.summary()
 *   model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=5)
 *
 * kernel_regularizer='l2' is Keras's L2(0.01): the loss gets + 0.01·Σw² for each kernel.
 * An unregularized twin (same layers and dropout, no kernel_regularizer, same seed) trains on the
 * same data to show what the penalty does.
 *
 * Data: 784-feature "images" (28×28 flattened) in 10 classes.  Each class has a prototype: 6 bright
 * Gaussian blobs (σ = 3 pixels) at random positions in the 28×28 grid; a sample is its class's
 * prototype, shifted by up to ±3 pixels, plus N(0, 0.5²) pixel noise, clipped to [0, 1].
 * 3000 samples (600 in quick mode), 80/20 stratified split; 5 epochs (2 in quick mode).
 * Claim: the regularized model's loss equals its cross-entropy plus 0.01·Σ‖kernel‖² (to 1e-3), its
 * kernels end smaller than the twin's, and (full run) both reach ≥ 0.9 validation accuracy. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { SIDE = 28, PIXELS = SIDE * SIDE, CLASSES = 10, BLOBS = 6 };

static void make_images(int64_t n, brain_tensor **x_out, brain_tensor **y_out)
{
    brain_rng r;
    brain_rng_seed(&r, 784);
    float blob[CLASSES][BLOBS][2];
    for (int c = 0; c < CLASSES; c++)
        for (int b = 0; b < BLOBS; b++) {
            blob[c][b][0] = (float)(4 + 20 * brain_rng_uniform(&r));
            blob[c][b][1] = (float)(4 + 20 * brain_rng_uniform(&r));
        }
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, PIXELS }), *y = brain_tensor_new(1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % CLASSES);
        y->data[i] = (float)c;
        float dr = (float)(brain_rng_uniform(&r) * 6 - 3), dc = (float)(brain_rng_uniform(&r) * 6 - 3);
        for (int p = 0; p < PIXELS; p++) {
            float row = (float)(p / SIDE), col = (float)(p % SIDE), v = 0;
            for (int b = 0; b < BLOBS; b++) {
                float a = row - blob[c][b][0] - dr, e = col - blob[c][b][1] - dc;
                v += expf(-(a * a + e * e) / (2 * 9.0f));
            }
            v += (float)(0.5 * brain_rng_normal(&r));
            x->data[i * PIXELS + p] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    }
    *x_out = x;
    *y_out = y;
}

static brain_model *snippet_model(const char *name, bool regularized)
{
    brain_regularizer l2 = { 0 };
    if (regularized && brain_regularizer_from_name("l2", &l2)) return NULL;
    brain_set_random_seed(42); /* both models start from the same weights */
    brain_model *m = brain_sequential(name);
    if (brain_model_add(m, brain_input(BRAIN_SHAPE(PIXELS))) ||
        brain_model_add(m, brain_dense(128, &(brain_dense_options){ .activation = BRAIN_RELU, .kernel_regularizer = l2 })) ||
        brain_model_add(m, brain_dropout(0.5f, NULL)) ||
        brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU, .kernel_regularizer = l2 })) ||
        brain_model_add(m, brain_dropout(0.3f, NULL)) ||
        brain_model_add(m, brain_dense(CLASSES, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })) ||
        brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } })) {
        brain_model_free(m);
        return NULL;
    }
    return m;
}

/* Σw² over the kernels of the three Dense layers (layers 0, 2, 4; weight 0 = kernel). */
static double kernel_sum_squares(brain_model *m)
{
    double s = 0;
    for (int layer = 0; layer < 5; layer += 2) {
        brain_tensor *k = brain_model_weight(m, layer, 0);
        for (int64_t i = 0; k && i < k->size; i++) s += (double)k->data[i] * k->data[i];
        brain_tensor_free(k); /* a view: frees the wrapper, not the model's values */
    }
    return s;
}

static double kernel_sum_squares_hidden(brain_model *m) /* the two regularized kernels only */
{
    double s = 0;
    for (int layer = 0; layer < 3; layer += 2) {
        brain_tensor *k = brain_model_weight(m, layer, 0);
        for (int64_t i = 0; k && i < k->size; i++) s += (double)k->data[i] * k->data[i];
        brain_tensor_free(k); /* a view: frees the wrapper, not the model's values */
    }
    return s;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int64_t n = quick ? 600 : 3000;
    int epochs = quick ? 2 : 5;
    brain_tensor *x, *ids;
    make_images(n, &x, &ids);
    brain_tensor *x_train, *x_val, *id_train, *id_val, *y_train, *y_val;
    TRY(brain_train_test_split(x, ids, &(brain_split_options){ .test_size = 0.2, .stratify = ids->data,
                               .random_state = 42, .has_random_state = true }, &x_train, &x_val, &id_train, &id_val));
    TRY(brain_to_categorical(id_train, CLASSES, &y_train));
    TRY(brain_to_categorical(id_val, CLASSES, &y_val));
    printf("Data: %lld generated 28×28 images (784 pixels in [0, 1]), %d classes; %lld train, %lld validation\n",
           (long long)n, CLASSES, (long long)x_train->shape[0], (long long)x_val->shape[0]);

    brain_regularizer l2;
    TRY(brain_regularizer_from_name("l2", &l2));
    printf("kernel_regularizer='l2' -> L2(l2=%g)\n\n", l2.l2);

    brain_model *reg = snippet_model("regularized", true), *plain = snippet_model("unregularized", false);
    if (!reg || !plain) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    TRY(brain_model_summary(reg, 0));

    /* Before any training: the same weights, so the loss difference is exactly the penalty. */
    brain_logs r0, p0;
    TRY(brain_evaluate(reg, x_val, y_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &r0));
    TRY(brain_evaluate(plain, x_val, y_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p0));
    double lr0, lp0;
    brain_logs_get(&r0, "loss", &lr0);
    brain_logs_get(&p0, "loss", &lp0);
    double pen0 = l2.l2 * kernel_sum_squares_hidden(reg);
    printf("\nbefore training (same initial weights): loss with l2 %.4f, without %.4f, difference %.4f, "
           "0.01·Σ‖kernel‖² = %.4f\n", lr0, lp0, lr0 - lp0, pen0);
    int ok = fabs((lr0 - lp0) - pen0) < 1e-3 * (1 + pen0);

    brain_history *hr, *hp;
    printf("\n--- with kernel_regularizer='l2'\n");
    TRY(brain_fit(reg, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .x_val = x_val, .y_val = y_val,
                  .verbose = quick ? BRAIN_ONE_LINE_PER_EPOCH : BRAIN_PROGRESS_BAR }, &hr));
    printf("\n--- the same model without regularization\n");
    TRY(brain_fit(plain, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .x_val = x_val, .y_val = y_val,
                  .verbose = quick ? BRAIN_ONE_LINE_PER_EPOCH : BRAIN_PROGRESS_BAR }, &hp));

    /* after training: the regularized model's val_loss = crossentropy of its predictions + penalty */
    brain_tensor *pred;
    TRY(brain_predict(reg, x_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pred));
    brain_loss *cce = brain_loss_categorical_crossentropy(NULL);
    double ce;
    TRY(brain_loss_compute(cce, y_val, pred, NULL, &ce, NULL));
    brain_logs rl, pl;
    TRY(brain_evaluate(reg, x_val, y_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &rl));
    TRY(brain_evaluate(plain, x_val, y_val, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pl));
    double reg_loss, reg_acc, plain_loss, plain_acc;
    brain_logs_get(&rl, "loss", &reg_loss);
    brain_logs_get(&rl, "accuracy", &reg_acc);
    brain_logs_get(&pl, "loss", &plain_loss);
    brain_logs_get(&pl, "accuracy", &plain_acc);
    double ss_reg = kernel_sum_squares_hidden(reg), pen = l2.l2 * ss_reg;

    printf("\n%-16s %10s %12s %14s %14s\n", "after training", "val_loss", "val_accuracy", "sum w² (l2)", "sum w² (all)");
    printf("%-16s %10.4f %12.4f %14.2f %14.2f\n", "l2", reg_loss, reg_acc, ss_reg, kernel_sum_squares(reg));
    printf("%-16s %10.4f %12.4f %14.2f %14.2f\n", "no regularizer", plain_loss, plain_acc, kernel_sum_squares_hidden(plain),
           kernel_sum_squares(plain));
    printf("l2 model: val_loss %.4f = crossentropy %.4f + penalty 0.01·%.2f = %.4f\n", reg_loss, ce, ss_reg, ce + pen);

    if (fabs(reg_loss - (ce + pen)) > 1e-3 * (1 + reg_loss)) { fprintf(stderr, "the loss is not crossentropy + penalty\n"); ok = 0; }
    if (!(ss_reg < kernel_sum_squares_hidden(plain))) { fprintf(stderr, "the l2 kernels are not smaller than the twin's\n"); ok = 0; }
    if (!quick && (reg_acc < 0.9 || plain_acc < 0.9)) { fprintf(stderr, "validation accuracy below 0.9\n"); ok = 0; }
    if (ok) printf("ok: the penalty is in the loss and keeps the weights small\n");

    brain_loss_free(cce);
    brain_tensor_free(pred);
    brain_history_free(hr); brain_history_free(hp);
    brain_model_free(reg); brain_model_free(plain);
    brain_tensor *all[] = { x, ids, x_train, x_val, id_train, id_val, y_train, y_val };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    return ok ? 0 : 1;
}
