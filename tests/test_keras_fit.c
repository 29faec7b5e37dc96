/* Whole fit() runs against real Keras 3 (tests/fit_golden.h, from tools/gen_fit_golden.py):
 * same initial weights, same batches (shuffle off) → the same History, final weights and
 * predictions.  This checks layers, losses, regularization, optimizers, metrics and the
 * epoch bookkeeping together, the way a Keras user would compare. */
#include "brain.h"
#include "check.h"
#include "fit_golden.h"
#include <stdlib.h>

typedef struct { int64_t units; brain_activation_kind act; brain_regularizer reg; } dense_spec;

static void run_case(const char *name, int64_t n, int64_t d, const dense_spec *layers, int n_layers,
                     brain_optimizer *opt, brain_loss *loss, const char *metric, int epochs, int batch,
                     const float *x, const float *y, int64_t ycols, const float *xv, const float *yv, int64_t nv,
                     const float *w0, const float *w_want, const float *pred_want, const char **keys, const float *hist)
{
    brain_model *m = brain_sequential(name);
    brain_model_add(m, brain_input(BRAIN_SHAPE(d)));
    for (int i = 0; i < n_layers; i++)
        brain_model_add(m, brain_dense(layers[i].units, &(brain_dense_options){.activation = layers[i].act,
                                                                              .kernel_regularizer = layers[i].reg}));
    const char *metrics[] = {metric, NULL};
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = opt, .loss = loss, .metric_names = metrics}));
    int64_t np = brain_model_count_params(m);
    CHECK_OK(brain_model_set_weights(m, w0, np));
    brain_tensor *tx = brain_tensor_from(x, 2, (int64_t[]){n, d}), *ty = brain_tensor_from(y, 2, (int64_t[]){n, ycols});
    brain_tensor *tvx = xv ? brain_tensor_from(xv, 2, (int64_t[]){nv, d}) : NULL;
    brain_tensor *tvy = xv ? brain_tensor_from(yv, 2, (int64_t[]){nv, ycols}) : NULL;
    brain_history *h = NULL;
    CHECK_OK(brain_fit(m, tx, ty, &(brain_fit_options){.epochs = epochs, .batch_size = batch, .shuffle = BRAIN_OFF,
                                                       .verbose = BRAIN_SILENT, .x_val = tvx, .y_val = tvy}, &h));
    int nk = 0;
    while (keys[nk]) nk++;
    CHECK_MSG(h && brain_history_num_keys(h) == nk, "%s: %d history keys, Keras has %d", name, h ? brain_history_num_keys(h) : -1, nk);
    for (int k = 0; h && k < nk; k++) {
        int ne = 0;
        const double *v = brain_history_get(h, keys[k], &ne);
        CHECK_MSG(v && ne == epochs, "%s: history key '%s' missing or short", name, keys[k]);
        for (int e = 0; v && e < epochs; e++)
            CHECK_MSG(fabs(v[e] - hist[k * epochs + e]) <= 2e-5 + 2e-5 * fabs(hist[k * epochs + e]),
                      "%s: %s[epoch %d] = %.7f, Keras %.7f", name, keys[k], e, v[e], hist[k * epochs + e]);
    }
    float *w = malloc(sizeof(float) * np);
    brain_model_get_weights(m, w, np);
    double worst = 0;
    for (int64_t i = 0; i < np; i++) worst = fmax(worst, fabs(w[i] - w_want[i]));
    CHECK_MSG(worst <= 2e-5, "%s: final weights differ from Keras by up to %.3g", name, worst);
    brain_tensor *p;
    CHECK_OK(brain_predict(m, tx, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p));
    double pw = 0;
    for (int64_t i = 0; i < p->size; i++) pw = fmax(pw, fabs(p->data[i] - pred_want[i]));
    CHECK_MSG(pw <= 2e-5, "%s: predictions differ from Keras by up to %.3g", name, pw);
    printf("%s: largest difference from Keras: weights %.2g, predictions %.2g\n", name, worst, pw);
    free(w);
    brain_tensor_free(p);
    brain_history_free(h);
    brain_tensor_free(tx); brain_tensor_free(ty); brain_tensor_free(tvx); brain_tensor_free(tvy);
    brain_model_free(m);
}

int main(void)
{
    run_case("adam_cce", 20, 4, (dense_spec[]){{.units = 8, .act = BRAIN_RELU}, {.units = 3, .act = BRAIN_SOFTMAX}}, 2, brain_adam(NULL),
             brain_loss_categorical_crossentropy(NULL), "accuracy", 3, 8, adam_cce_x, adam_cce_y, 3, NULL, NULL, 0,
             adam_cce_w0, adam_cce_w, adam_cce_pred, adam_cce_keys, adam_cce_hist);
    run_case("sgd_bce", 24, 5, (dense_spec[]){{.units = 6, .act = BRAIN_TANH, .reg = {0, 0.01f}}, {.units = 1, .act = BRAIN_SIGMOID}}, 2,
             brain_sgd(&(brain_sgd_options){.learning_rate = 0.05f, .momentum = 0.9f, .nesterov = true}),
             brain_loss_binary_crossentropy(NULL), "accuracy", 3, 7, sgd_bce_x, sgd_bce_y, 1, sgd_bce_xv, sgd_bce_yv, 10,
             sgd_bce_w0, sgd_bce_w, sgd_bce_pred, sgd_bce_keys, sgd_bce_hist);
    run_case("rmsprop_mse", 16, 3, (dense_spec[]){{.units = 5, .act = BRAIN_GELU}, {.units = 2, .act = BRAIN_LINEAR}}, 2,
             brain_rmsprop(&(brain_rmsprop_options){.common.clipnorm = 1.0f}), brain_loss_mse(NULL), "mae", 2, 5,
             rmsprop_mse_x, rmsprop_mse_y, 2, NULL, NULL, 0, rmsprop_mse_w0, rmsprop_mse_w, rmsprop_mse_pred,
             rmsprop_mse_keys, rmsprop_mse_hist);
    run_case("adamw_scce", 18, 4, (dense_spec[]){{.units = 7, .act = BRAIN_SWISH}, {.units = 4, .act = BRAIN_LINEAR}}, 2,
             brain_adamw(&(brain_adam_options){.learning_rate = 0.01f}),
             brain_loss_sparse_categorical_crossentropy(&(brain_loss_options){.from_logits = true}), "accuracy", 2, 6,
             adamw_scce_x, adamw_scce_y, 1, NULL, NULL, 0, adamw_scce_w0, adamw_scce_w, adamw_scce_pred,
             adamw_scce_keys, adamw_scce_hist);
    return check_summary("test_keras_fit");
}
