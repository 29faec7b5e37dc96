/* universal_approximation.c — the lecture's "Universal Approximation Theorem" LIVE DEMO, in C.
 *
 * "A feedforward network with a single hidden layer can approximate any continuous function,
 *  given sufficient neurons."  The demo, as a Keras user would write it:
 *
 *   x = np.linspace(-np.pi, np.pi, 400).reshape(-1, 1);  y = np.sin(x)
 *   for neurons in [1, 2, 4, 8, 16, 32]:
 *       model = Sequential([Input((1,)), Dense(neurons, activation='tanh'), Dense(1)])
 *       model.compile(optimizer=Adam(learning_rate=0.01), loss='mse')
 *       history = model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=500, verbose=0,
 *                           callbacks=[ReduceLROnPlateau(monitor='loss', factor=0.5, patience=20, min_delta=0,
 *                                                        min_lr=1e-5)])
 *       print(neurons, history.history['loss'][-1], history.history['val_loss'][-1])
 *
 * Data: y = sin(x) on [-π, π] with no noise.  Training: 400 evenly spaced points; validation: 199
 * points half-way between them (so the curve between training points is tested).
 * 500 epochs (60 in quick mode), batch 32, Adam(learning_rate=0.01), tanh hidden layer.  The learning
 * rate is halved whenever the training loss has not improved for 20 epochs: with a constant 0.01,
 * Adam's minibatch noise leaves every model bouncing at an MSE around 1e-3, which hides the
 * difference between the larger sizes.  (Even so the optimizer, not the theorem, decides the last
 * digits: 16 neurons may end below 32.)
 * Claim: the error shrinks as neurons are added: MSE(32) < MSE(2) < MSE(1) on both training and
 * validation (full run); in quick mode at least MSE(16) < MSE(1). */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { N_TRAIN = 400, N_VAL = N_TRAIN - 1, N_SIZES = 6 };
static const double PI = 3.14159265358979323846;

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int epochs = quick ? 60 : 500;
    static const int sizes[N_SIZES] = { 1, 2, 4, 8, 16, 32 };

    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ N_TRAIN, 1 }), *y = brain_tensor_new(2, (int64_t[]){ N_TRAIN, 1 });
    brain_tensor *xv = brain_tensor_new(2, (int64_t[]){ N_VAL, 1 }), *yv = brain_tensor_new(2, (int64_t[]){ N_VAL, 1 });
    if (!x || !y || !xv || !yv) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    double step = 2 * PI / (N_TRAIN - 1);
    for (int i = 0; i < N_TRAIN; i++) {
        x->data[i] = (float)(-PI + i * step);
        y->data[i] = (float)sin(x->data[i]);
    }
    for (int i = 0; i < N_VAL; i++) {
        xv->data[i] = (float)(-PI + (i + 0.5) * step);
        yv->data[i] = (float)sin(xv->data[i]);
    }
    printf("Fitting y = sin(x) on [-pi, pi]: %d training points, %d validation points between them, %d epochs\n\n",
           N_TRAIN, N_VAL, epochs);
    printf("%8s %8s %14s %14s\n", "neurons", "params", "train MSE", "val MSE");

    double train_mse[N_SIZES], val_mse[N_SIZES];
    float probe[5];
    static const float probe_x[5] = { -3.0f, -1.5f, 0.0f, 1.5f, 3.0f };
    for (int k = 0; k < N_SIZES; k++) {
        brain_set_random_seed(42);
        brain_model *m = brain_sequential("approximator");
        TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(1))));
        TRY(brain_model_add(m, brain_dense(sizes[k], &(brain_dense_options){ .activation = BRAIN_TANH })));
        TRY(brain_model_add(m, brain_dense(1, NULL)));
        TRY(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.01f }),
                                                       .loss_name = "mse" }));
        brain_callback *plateau = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){
            .monitor = "loss", .factor = 0.5f, .patience = 20, .min_delta = 0, .has_min_delta = true, .min_lr = 1e-5f });
        brain_history *h;
        TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = epochs, .batch_size = 32, .x_val = xv, .y_val = yv,
                                                     .verbose = BRAIN_SILENT,
                                                     .callbacks = (brain_callback *[]){ plateau, NULL } }, &h));
        brain_callback_free(plateau);
        int n;
        const double *loss = brain_history_get(h, "loss", &n);
        const double *val = brain_history_get(h, "val_loss", NULL);
        if (!loss || !val) { fprintf(stderr, "history lacks loss/val_loss\n"); return 1; }
        /* the last epoch's "loss" is a running mean over that epoch; evaluate the final weights instead */
        brain_logs logs;
        TRY(brain_evaluate(m, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
        brain_logs_get(&logs, "loss", &train_mse[k]);
        val_mse[k] = val[n - 1];
        printf("%8d %8lld %14.6f %14.6f\n", sizes[k], (long long)brain_model_count_params(m), train_mse[k], val_mse[k]);
        if (sizes[k] == 32) {
            brain_tensor *px = brain_tensor_from(probe_x, 2, (int64_t[]){ 5, 1 }), *py;
            TRY(brain_predict(m, px, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &py));
            for (int i = 0; i < 5; i++) probe[i] = py->data[i];
            brain_tensor_free(px);
            brain_tensor_free(py);
        }
        brain_history_free(h);
        brain_model_free(m);
    }

    printf("\n32 neurons, predictions vs sin(x):\n");
    for (int i = 0; i < 5; i++) printf("  x = %5.2f   model %8.4f   sin %8.4f\n", probe_x[i], probe[i], sin(probe_x[i]));

    int ok = quick ? train_mse[4] < train_mse[0]
                   : train_mse[5] < train_mse[1] && train_mse[1] < train_mse[0] &&
                     val_mse[5] < val_mse[1] && val_mse[1] < val_mse[0];
    if (ok) printf("\nok: more neurons, smaller error (MSE %.2e with 32 vs %.2e with 1)\n", val_mse[5], val_mse[0]);
    else fprintf(stderr, "the error did not shrink as neurons were added\n");
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(xv); brain_tensor_free(yv);
    return ok ? 0 : 1;
}
