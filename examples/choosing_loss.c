/* choosing_loss.c — the lecture's "Code Snippet: Choosing a Loss Function", in C.
 *
 *   # Binary classification — sigmoid output + binary cross-entropy
 *   model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
 *
 *   # Multi-class classification — softmax output + categorical cross-entropy
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *
 *   # Regression — linear output + MSE
 *   model.compile(optimizer='adam', loss='mse')
 *
 * Three small models, Input(2) → Dense(16, relu) → Dense(16, relu) → output, each trained on
 * generated data, 75/25 split (train_test_split's default), and evaluated on the held-out part:
 *   binary:      points uniform in [-1, 1]²; y = 1 inside the circle of radius 0.7 (≈ 38 % of
 *                points), else 0.  Output Dense(1, sigmoid).
 *   multi-class: the same kind of points; the class is the quadrant (4 classes), labels one-hot.
 *                Output Dense(4, softmax).
 *   regression:  y = sin(2·x1) + x2² + N(0, 0.1²) noise.  Output Dense(1) (linear).
 * 2000 points each (1000 in quick mode), 40 epochs (20 in quick mode), batch 32.
 * Claim: test accuracy ≥ 0.9 for both classifiers, and the regression's test MSE is below
 * a tenth of the target variance (R² > 0.9); in quick mode each just beats its trivial baseline. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

typedef enum { BINARY, MULTICLASS, REGRESSION } task;

static brain_model *small_model(const char *name, int64_t out_units, brain_activation_kind out_act)
{
    brain_model *m = brain_sequential(name);
    if (brain_model_add(m, brain_input(BRAIN_SHAPE(2))) ||
        brain_model_add(m, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU })) ||
        brain_model_add(m, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU })) ||
        brain_model_add(m, brain_dense(out_units, &(brain_dense_options){ .activation = out_act }))) {
        brain_model_free(m);
        return NULL;
    }
    return m;
}

/* Generates the task's data, compiles with the snippet's loss, trains, evaluates.
 * *score: test accuracy (classifiers) or test MSE; *baseline: majority-class accuracy or target variance. */
static int run(task t, int64_t n, int epochs, double *score, double *baseline)
{
    static const char *titles[] = { "Binary classification: sigmoid + binary_crossentropy",
                                    "Multi-class classification: softmax + categorical_crossentropy",
                                    "Regression: linear + mse" };
    printf("\n=== %s\n", titles[t]);
    brain_rng r;
    brain_rng_seed(&r, 100 + t);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, 2 });
    brain_tensor *y = brain_tensor_new(2, (int64_t[]){ n, 1 });
    for (int64_t i = 0; i < n; i++) {
        float a = (float)(2 * brain_rng_uniform(&r) - 1), b = (float)(2 * brain_rng_uniform(&r) - 1);
        x->data[2 * i] = a;
        x->data[2 * i + 1] = b;
        if (t == BINARY) y->data[i] = a * a + b * b < 0.49f;
        else if (t == MULTICLASS) y->data[i] = (float)((a < 0) + 2 * (b < 0));
        else y->data[i] = (float)(sin(2 * a) + b * b + 0.1 * brain_rng_normal(&r));
    }
    brain_tensor *x_train, *x_test, *y_train, *y_test;
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .random_state = 0, .has_random_state = true,
                               .stratify = t == REGRESSION ? NULL : y->data }, &x_train, &x_test, &y_train, &y_test));

    brain_model *model;
    if (t == BINARY) {
        model = small_model("binary", 1, BRAIN_SIGMOID);
        /* model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy']) */
        TRY(model ? brain_compile(model, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "binary_crossentropy",
                                                                 .metric_names = (const char *[]){ "accuracy", NULL } }) : 1);
    } else if (t == MULTICLASS) {
        model = small_model("multiclass", 4, BRAIN_SOFTMAX);
        /* model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy']) */
        TRY(model ? brain_compile(model, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                                 .metric_names = (const char *[]){ "accuracy", NULL } }) : 1);
        brain_tensor *oh;
        TRY(brain_to_categorical(y_train, 4, &oh)); brain_tensor_free(y_train); y_train = oh;
        TRY(brain_to_categorical(y_test, 4, &oh)); brain_tensor_free(y_test); y_test = oh;
    } else {
        model = small_model("regression", 1, BRAIN_LINEAR);
        /* model.compile(optimizer='adam', loss='mse') */
        TRY(model ? brain_compile(model, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "mse" }) : 1);
    }
    TRY(brain_model_summary(model, 0));
    brain_history *h;
    TRY(brain_fit(model, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .batch_size = 32,
                                                                 .verbose = BRAIN_SILENT }, &h));
    int ne;
    const double *loss = brain_history_get(h, "loss", &ne);
    printf("trained %d epochs: training loss %.4f -> %.4f\n", ne, loss[0], loss[ne - 1]);

    brain_logs logs;
    printf("model.evaluate(X_test, y_test):\n");
    TRY(brain_evaluate(model, x_test, y_test, NULL, &logs));
    double test_loss = 0, acc = 0;
    brain_logs_get(&logs, "loss", &test_loss);
    if (t == REGRESSION) {
        double mean = 0, var = 0;
        int64_t m = y_test->shape[0];
        for (int64_t i = 0; i < m; i++) mean += y_test->data[i];
        mean /= m;
        for (int64_t i = 0; i < m; i++) var += (y_test->data[i] - mean) * (y_test->data[i] - mean);
        var /= m;
        *score = test_loss;
        *baseline = var;
        printf("test MSE %.4f vs. variance of y %.4f (R² = %.3f)\n", test_loss, var, 1 - test_loss / var);
    } else {
        if (!brain_logs_get(&logs, "accuracy", &acc)) { fprintf(stderr, "no accuracy in the logs\n"); return 1; }
        int k = t == BINARY ? 2 : 4;
        int64_t m = x_test->shape[0], count[4] = { 0 }, most = 0;
        for (int64_t i = 0; i < m; i++) {
            int c = 0;
            if (t == BINARY) c = y_test->data[i] > 0.5f;
            else for (int j = 1; j < 4; j++) if (y_test->data[i * 4 + j] > 0.5f) c = j;
            count[c]++;
        }
        for (int c = 0; c < k; c++) if (count[c] > most) most = count[c];
        *score = acc;
        *baseline = (double)most / m;
        printf("test loss %.4f, test accuracy %.4f (majority class alone: %.4f)\n", test_loss, acc, *baseline);
    }
    brain_history_free(h);
    brain_model_free(model);
    brain_tensor *all[] = { x, y, x_train, x_test, y_train, y_test };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    return 0;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(42);
    int64_t n = quick ? 1000 : 2000;
    int epochs = quick ? 20 : 40;
    double acc_bin, base_bin, acc_multi, base_multi, mse, var;
    if (run(BINARY, n, epochs, &acc_bin, &base_bin)) return 1;
    if (run(MULTICLASS, n, epochs, &acc_multi, &base_multi)) return 1;
    if (run(REGRESSION, n, epochs, &mse, &var)) return 1;

    printf("\n%-12s %-46s %s\n", "task", "output + loss", "test result");
    printf("%-12s %-46s accuracy %.4f\n", "binary", "Dense(1, sigmoid) + binary_crossentropy", acc_bin);
    printf("%-12s %-46s accuracy %.4f\n", "multi-class", "Dense(4, softmax) + categorical_crossentropy", acc_multi);
    printf("%-12s %-46s MSE %.4f (R² %.3f)\n", "regression", "Dense(1) + mse", mse, 1 - mse / var);

    int ok = quick ? acc_bin > base_bin && acc_multi > base_multi && mse < var
                   : acc_bin >= 0.9 && acc_multi >= 0.9 && mse < 0.1 * var;
    if (!ok) fprintf(stderr, "a model missed its target (binary %.4f, multi-class %.4f, MSE %.4f vs variance %.4f)\n",
                     acc_bin, acc_multi, mse, var);
    else printf("ok: each loss trained its model\n");
    return ok ? 0 : 1;
}
