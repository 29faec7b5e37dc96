/* Functional models against real Keras 3 (tests/functional_golden.h, from
 * tools/gen_functional_golden.py): a two-input model (tabular + image-like, joined by
 * Concatenate), a two-output model (classification + regression, per-output losses, metrics
 * and loss_weights), and the merge layers' forward values.  Same layer order and weight order
 * as Keras (the initial weights are Keras's, set in model.get_weights() order), same batches
 * (shuffle off) → the same History keys and values, final weights and predictions. */
#include "brain.h"
#include "check.h"
#include "functional_golden.h"
#include <stdlib.h>

#define TOL 2e-5

static void check_layers(const char *label, brain_model *m, const char *const *names, int n)
{
    CHECK_MSG(brain_model_num_layers(m) == n, "%s: %d layers, Keras has %d", label, brain_model_num_layers(m), n);
    for (int i = 0; i < n && i < brain_model_num_layers(m); i++)
        CHECK_MSG(!strcmp(brain_layer_name(brain_model_layer(m, i)), names[i]), "%s: layer %d is '%s', Keras has '%s'",
                  label, i, brain_layer_name(brain_model_layer(m, i)), names[i]);
}

static void check_history(const char *label, const brain_history *h, const char *const *keys, int nk,
                          const double *values, int epochs)
{
    CHECK_MSG(h && brain_history_num_keys(h) == nk, "%s: %d history keys, Keras has %d", label,
              h ? brain_history_num_keys(h) : -1, nk);
    for (int k = 0; h && k < nk; k++) {
        CHECK_MSG(k < brain_history_num_keys(h) && !strcmp(brain_history_key(h, k), keys[k]),
                  "%s: history key %d is '%s', Keras has '%s'", label, k, brain_history_key(h, k), keys[k]);
        int ne = 0;
        const double *v = brain_history_get(h, keys[k], &ne);
        CHECK_MSG(v && ne == epochs, "%s: history key '%s' missing or short", label, keys[k]);
        for (int e = 0; v && e < epochs; e++)
            CHECK_MSG(fabs(v[e] - values[k * epochs + e]) <= TOL + TOL * fabs(values[k * epochs + e]),
                      "%s: %s[epoch %d] = %.7f, Keras %.7f", label, keys[k], e, v[e], values[k * epochs + e]);
    }
}

static double max_diff(const float *a, const float *b, int64_t n)
{
    double w = 0;
    for (int64_t i = 0; i < n; i++) w = fmax(w, fabs((double)a[i] - b[i]));
    return w;
}

static double weights_diff(brain_model *m, const float *want)
{
    int64_t np = brain_model_count_params(m);
    float *w = malloc(sizeof(float) * (size_t)np);
    brain_model_get_weights(m, w, np);
    double d = max_diff(w, want, np);
    free(w);
    return d;
}

static void two_inputs(void)
{
    brain_sym tab = brain_input_sym(BRAIN_SHAPE(5), "tabular");
    brain_sym img = brain_input_sym(BRAIN_SHAPE(4, 4), "image");
    brain_sym h1 = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_RELU}), tab);
    brain_sym f = brain_apply(brain_flatten(NULL), img);
    brain_sym h2 = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_TANH}), f);
    brain_sym c = brain_apply_n(brain_concatenate(NULL), 2, (brain_sym[]){h1, h2});
    brain_sym o = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "label"}), c);
    brain_model *m = brain_functional(2, (brain_sym[]){tab, img}, 1, &o, NULL);
    CHECK_MSG(m != NULL, "two_in: %s", brain_last_error());
    if (!m) return;
    check_layers("two_in", m, two_in_layers, TWO_IN_NLAYERS);
    const int64_t n = 24;
    CHECK_OK(brain_model_set_weights(m, two_in_w0, brain_model_count_params(m)));
    const char *metrics[] = {"accuracy", NULL};
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_sgd(&(brain_sgd_options){.learning_rate = 0.1f}),
                                                       .loss_name = "sparse_categorical_crossentropy", .metric_names = metrics}));
    brain_tensor *xt = brain_tensor_from(two_in_tab, 2, (int64_t[]){n, 5});
    brain_tensor *xi = brain_tensor_from(two_in_img, 3, (int64_t[]){n, 4, 4});
    brain_tensor *y = brain_tensor_from(two_in_y, 1, (int64_t[]){n});
    const brain_tensor *xs[] = {xt, xi};
    brain_history *h = NULL;
    CHECK_OK(brain_fit_multi(m, 2, xs, 1, (const brain_tensor *[]){y},
                             &(brain_fit_options){.epochs = 3, .batch_size = 8, .shuffle = BRAIN_OFF,
                                                  .validation_split = 0.25f, .verbose = BRAIN_SILENT}, &h));
    check_history("two_in", h, two_in_hist_keys, TWO_IN_HIST_NKEYS, two_in_hist_values, 3);
    double wd = weights_diff(m, two_in_w1);
    CHECK_MSG(wd <= TOL, "two_in: final weights differ from Keras by up to %.3g", wd);
    brain_tensor *p = NULL;
    CHECK_OK(brain_predict_multi(m, 2, xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p));
    double pd = p ? max_diff(p->data, two_in_pred, p->size) : 1;
    CHECK_MSG(pd <= TOL, "two_in: predictions differ from Keras by up to %.3g", pd);
    printf("two_in: largest difference from Keras: weights %.2g, predictions %.2g\n", wd, pd);
    brain_tensor_free(p);
    brain_history_free(h);
    brain_tensor_free(xt); brain_tensor_free(xi); brain_tensor_free(y);
    brain_model_free(m);
}

static void two_outputs(void)
{
    brain_sym x = brain_input_sym(BRAIN_SHAPE(6), "features");
    brain_sym t = brain_apply(brain_dense(8, &(brain_dense_options){.activation = BRAIN_RELU, .name = "trunk"}), x);
    brain_sym o1 = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "cls"}), t);
    brain_sym o2 = brain_apply(brain_dense(1, &(brain_dense_options){.name = "reg"}), t);
    brain_model *m = brain_functional(1, &x, 2, (brain_sym[]){o1, o2}, NULL);
    CHECK_MSG(m != NULL, "two_out: %s", brain_last_error());
    if (!m) return;
    check_layers("two_out", m, two_out_layers, TWO_OUT_NLAYERS);
    CHECK_OK(brain_model_set_weights(m, two_out_w0, brain_model_count_params(m)));
    const char *acc[] = {"accuracy", NULL}, *mae[] = {"mae", NULL};
    CHECK_OK(brain_compile(m, &(brain_compile_options){
        .optimizer = brain_adam(&(brain_adam_options){.learning_rate = 0.01f}),
        .outputs = (brain_output_compile_options[]){
            {.loss_name = "sparse_categorical_crossentropy", .metric_names = acc},
            {.loss_name = "mse", .metric_names = mae, .loss_weight = 0.5f, .has_loss_weight = true}},
        .n_outputs = 2}));
    const int64_t n = 20;
    brain_tensor *tx = brain_tensor_from(two_out_x, 2, (int64_t[]){n, 6});
    brain_tensor *yc = brain_tensor_from(two_out_yc, 1, (int64_t[]){n});
    brain_tensor *yr = brain_tensor_from(two_out_yr, 2, (int64_t[]){n, 1});
    const brain_tensor *xs[] = {tx}, *ys[] = {yc, yr};
    brain_history *h = NULL;
    CHECK_OK(brain_fit_multi(m, 1, xs, 2, ys, &(brain_fit_options){.epochs = 3, .batch_size = 6, .shuffle = BRAIN_OFF,
                                                                   .validation_split = 0.25f, .verbose = BRAIN_SILENT}, &h));
    check_history("two_out", h, two_out_hist_keys, TWO_OUT_HIST_NKEYS, two_out_hist_values, 3);
    double wd = weights_diff(m, two_out_w1);
    CHECK_MSG(wd <= TOL, "two_out: final weights differ from Keras by up to %.3g", wd);
    brain_logs ev = {0};
    CHECK_OK(brain_evaluate_multi(m, 1, xs, 2, ys, &(brain_eval_options){.batch_size = 7, .verbose = BRAIN_SILENT}, &ev));
    int n_ev = (int)(sizeof two_out_eval / sizeof two_out_eval[0]);
    CHECK_MSG(ev.n == n_ev, "two_out: evaluate gave %d values, Keras %d", ev.n, n_ev);
    for (int k = 0; k < n_ev; k++) {
        double v = NAN;
        CHECK_MSG(brain_logs_get(&ev, two_out_eval_keys[k], &v) && fabs(v - two_out_eval[k]) <= TOL + TOL * fabs(two_out_eval[k]),
                  "two_out: evaluate %s = %.7f, Keras %.7f", two_out_eval_keys[k], v, two_out_eval[k]);
    }
    brain_logs evw = {0};
    CHECK_OK(brain_evaluate_multi(m, 1, xs, 2, ys, &(brain_eval_options){.batch_size = 7, .verbose = BRAIN_SILENT,
                                                                         .sample_weight = two_out_sw}, &evw));
    for (int k = 0; k < n_ev; k++) {
        double v = NAN;
        CHECK_MSG(brain_logs_get(&evw, two_out_eval_keys[k], &v) && fabs(v - two_out_eval_sw[k]) <= TOL + TOL * fabs(two_out_eval_sw[k]),
                  "two_out: evaluate with sample_weight %s = %.7f, Keras %.7f", two_out_eval_keys[k], v, two_out_eval_sw[k]);
    }
    brain_tensor *p[2] = {0};
    CHECK_OK(brain_predict_multi(m, 1, xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, p));
    double pd = p[0] && p[1] ? fmax(max_diff(p[0]->data, two_out_pred_cls, p[0]->size),
                                    max_diff(p[1]->data, two_out_pred_reg, p[1]->size)) : 1;
    CHECK_MSG(pd <= TOL, "two_out: predictions differ from Keras by up to %.3g", pd);
    CHECK(p[1] && p[1]->ndim == 2 && p[1]->shape[0] == n && p[1]->shape[1] == 1);
    printf("two_out: largest difference from Keras: weights %.2g, predictions %.2g\n", wd, pd);
    brain_tensor_free(p[0]); brain_tensor_free(p[1]);
    brain_history_free(h);
    brain_tensor_free(tx); brain_tensor_free(yc); brain_tensor_free(yr);
    brain_model_free(m);
}

static void merges(void)
{
    brain_sym p = brain_input_sym(BRAIN_SHAPE(3, 2), "p"), q = brain_input_sym(BRAIN_SHAPE(3, 2), "q");
    brain_sym pq[] = {p, q};
    brain_sym parts[6] = {
        brain_apply_n(brain_add(NULL), 2, pq), brain_apply_n(brain_subtract(NULL), 2, pq),
        brain_apply_n(brain_multiply(NULL), 3, (brain_sym[]){p, q, p}), brain_apply_n(brain_average(NULL), 2, pq),
        brain_apply_n(brain_maximum(NULL), 2, pq),
        brain_apply_n(brain_concatenate(&(brain_concatenate_options){.axis = 1, .has_axis = true}), 2, pq)};
    brain_sym flat[6];
    for (int i = 0; i < 6; i++) flat[i] = brain_apply(brain_flatten(NULL), parts[i]);
    brain_sym o = brain_apply_n(brain_concatenate(NULL), 6, flat);
    brain_model *m = brain_functional(2, pq, 1, &o, NULL);
    CHECK_MSG(m != NULL, "merges: %s", brain_last_error());
    if (!m) return;
    CHECK(brain_model_output_shape(m).ndim == 1 && brain_model_output_shape(m).dims[0] == MERGES_OUT_DIM);
    const int64_t n = 5;
    brain_tensor *tp = brain_tensor_from(merges_p, 3, (int64_t[]){n, 3, 2});
    brain_tensor *tq = brain_tensor_from(merges_q, 3, (int64_t[]){n, 3, 2});
    brain_tensor *out = NULL;
    CHECK_OK(brain_predict_multi(m, 2, (const brain_tensor *[]){tp, tq}, &(brain_eval_options){.verbose = BRAIN_SILENT}, &out));
    double d = out ? max_diff(out->data, merges_out, out->size) : 1;
    CHECK_MSG(d <= 1e-6, "merges: forward values differ from Keras by up to %.3g", d);
    printf("merges: largest difference from Keras %.2g\n", d);
    brain_tensor_free(out); brain_tensor_free(tp); brain_tensor_free(tq);
    brain_model_free(m);
}

int main(void)
{
    brain_set_random_seed(1);
    two_inputs();
    two_outputs();
    merges();
    return check_summary("test_functional_keras");
}
