/* test_attention_more_keras.c — the second part of issue 11 against real Keras 3
 * (tools/gen_attention_more_golden.py: tests/keras_files/attn_<case>.keras and
 * tests/attention_more_golden.h): MultiHeadAttention's return_attention_scores as a second model
 * output (predicted and trained through), attention_axes other than the default and output_shape
 * as a tuple, Maximum / Minimum / Average with Keras masks, Concatenate along the steps joining
 * masks, GroupNormalization on non-last axes.
 * Each model loads from Keras's file, predicts every output as Keras did (to 1e-5), round-trips
 * through brain's own .keras file, and after one epoch of fit (SGD(0.1), batch 4, no shuffle)
 * holds Keras's weights and predicts Keras's post-epoch outputs (to 1e-5).  With BRAIN_ATTN_SAVE_DIR
 * set, brain's files stay there for tools/check_keras_loads_brain.py. */
#include "brain.h"
#include "check.h"
#include "attention_more_golden.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DIR "tests/keras_files/"
#define NF(a) ((int64_t)(sizeof(a) / sizeof(float)))

static void close_all(const char *what, int k, const float *got, int64_t ng, const float *want, int64_t nw, float tol)
{
    if (ng != nw) {
        fprintf(stderr, "%s (output %d): %lld values, Keras %lld\n", what, k, (long long)ng, (long long)nw);
        check_failed++;
        return;
    }
    int bad = 0;
    float worst = 0;
    for (int64_t i = 0; i < nw; i++) {
        float d = fabsf(got[i] - want[i]);
        if (d > worst) worst = d;
        if (!(d <= tol * (1.0f + fabsf(want[i]))) && bad++ < 4)
            fprintf(stderr, "%s (output %d): value %lld is %.8g, Keras %.8g\n", what, k, (long long)i, got[i], want[i]);
    }
    CHECK_MSG(bad == 0, "%s (output %d): %d of %lld values differ from Keras (worst %.3g)", what, k, bad, (long long)nw, worst);
}

typedef struct golden {
    const char *name;
    int n_x, n_y;
    const float *x[4]; int64_t nx[4];
    const float *y[4]; int64_t ny[4];
    const float *pred[4]; int64_t npred[4];
    const float *w1; int64_t nw1;             /* NULL: predict only */
    const float *post[4]; int64_t npost[4];
    int64_t N;
} golden;

static brain_tensor *tensor_for(const float *data, int64_t n, int64_t N, brain_shape s)
{
    int64_t shape[BRAIN_MAX_DIMS] = {N};
    for (int i = 0; i < s.ndim; i++) shape[i + 1] = s.dims[i];
    int64_t per = 1;
    for (int i = 0; i < s.ndim; i++) per *= s.dims[i];
    CHECK_MSG(n == N * per, "fixture of %lld values for %lld samples of %lld", (long long)n, (long long)N, (long long)per);
    return brain_tensor_from(data, s.ndim + 1, shape);
}

static void predict_all(brain_model *m, const golden *g, brain_tensor **xs, const float *const *want, const int64_t *nwant,
                        const char *what, float tol)
{
    brain_tensor *outs[4] = {0};
    CHECK_OK(brain_predict_multi(m, g->n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, outs));
    for (int k = 0; k < g->n_y; k++) {
        if (outs[k]) close_all(what, k, outs[k]->data, outs[k]->size, want[k], nwant[k], tol);
        else CHECK_MSG(0, "%s: output %d missing", what, k);
        brain_tensor_free(outs[k]);
    }
}

static void run_case(const golden *g)
{
    char path[256], what[128];
    snprintf(path, sizeof path, DIR "attn_%s.keras", g->name);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(path, &m, NULL));
    if (!m) return;
    CHECK(brain_model_num_inputs(m) == g->n_x);
    CHECK(brain_model_num_outputs(m) == g->n_y);
    brain_tensor *xs[4] = {0}, *ys[4] = {0};
    for (int k = 0; k < g->n_x; k++) xs[k] = tensor_for(g->x[k], g->nx[k], g->N, brain_model_input_shape_k(m, k));
    for (int k = 0; k < g->n_y; k++) {
        brain_shape s = k == 0 && g->ny[k] == g->N ? (brain_shape){.ndim = 0} : brain_model_output_shape_k(m, k);
        ys[k] = tensor_for(g->y[k], g->ny[k], g->N, s);
    }
    snprintf(what, sizeof what, "%s predict", g->name);
    predict_all(m, g, xs, g->pred, g->npred, what, 1e-5f);

    char tmp[512];
    const char *keep = getenv("BRAIN_ATTN_SAVE_DIR"); /* tools/check_keras_loads_brain.py reads them there */
    if (keep) snprintf(tmp, sizeof tmp, "%s/brain_attn_%s.keras", keep, g->name);
    else snprintf(tmp, sizeof tmp, "/tmp/brain_attn_more_%s_%d.keras", g->name, (int)getpid());
    CHECK_OK(brain_save(m, tmp));
    brain_model *m2 = NULL;
    CHECK_OK(brain_load_model(tmp, &m2, NULL));
    snprintf(what, sizeof what, "%s reloaded predict", g->name);
    if (m2) predict_all(m2, g, xs, g->pred, g->npred, what, 1e-5f);
    if (!keep) remove(tmp);
    brain_model_free(m2);

    if (g->w1) {
        brain_fit_options fo = {.epochs = 1, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT};
        CHECK_OK(brain_fit_multi(m, g->n_x, (const brain_tensor *const *)xs, g->n_y, (const brain_tensor *const *)ys, &fo, NULL));
        int64_t n = brain_model_count_params(m);
        float *w = malloc(sizeof(float) * (size_t)n);
        CHECK_OK(brain_model_get_weights(m, w, n));
        snprintf(what, sizeof what, "%s weights after one epoch", g->name);
        close_all(what, 0, w, n, g->w1, g->nw1, 1e-5f);
        free(w);
        snprintf(what, sizeof what, "%s predict after one epoch", g->name);
        predict_all(m, g, xs, g->post, g->npost, what, 1e-5f);
    }
    for (int k = 0; k < 4; k++) { brain_tensor_free(xs[k]); brain_tensor_free(ys[k]); }
    brain_model_free(m);
}

/* a C-side model: return_attention_scores through brain_sym_output, its shape and a second output */
static void c_api_scores(void)
{
    brain_sym x = brain_input_sym(BRAIN_SHAPE(4, 3), NULL);
    brain_layer *mha = brain_multi_head_attention(2, 2, &(brain_mha_options){.return_attention_scores = true});
    brain_sym a = brain_apply_n(mha, BRAIN_SYMS(x, x));
    brain_sym sc = brain_sym_output(a, 1);
    brain_model *m = brain_functional(1, &x, 2, (brain_sym[]){a, sc}, &(brain_functional_options){0});
    CHECK(m != NULL);
    if (!m) return;
    brain_shape s = brain_model_output_shape_k(m, 1);
    CHECK_MSG(s.ndim == 3 && s.dims[0] == 2 && s.dims[1] == 4 && s.dims[2] == 4, "scores shape ndim %d (%lld, %lld, %lld)", s.ndim, (long long)s.dims[0], (long long)s.dims[1], (long long)s.dims[2]);
    float xv[2 * 4 * 3];
    for (int i = 0; i < 24; i++) xv[i] = (float)((i * 7) % 11) / 5.0f - 1.0f;
    brain_tensor *xt = brain_tensor_from(xv, 3, (int64_t[]){2, 4, 3}), *outs[2] = {0};
    CHECK_OK(brain_predict_multi(m, 1, (const brain_tensor *const *)&xt, &(brain_eval_options){.verbose = BRAIN_SILENT}, outs));
    if (outs[1]) { /* every row of probabilities sums to 1, and equals brain_mha_last_scores */
        brain_tensor view;
        const brain_tensor *last = brain_mha_last_scores(mha, &view);
        for (int r = 0; r < 2 * 2 * 4; r++) {
            float sum = 0;
            for (int c = 0; c < 4; c++) sum += outs[1]->data[r * 4 + c];
            CHECK_NEAR(sum, 1.0f, 1e-6, 0);
        }
        CHECK(last && last->size == outs[1]->size);
        for (int64_t i = 0; last && i < last->size; i++) CHECK(last->data[i] == outs[1]->data[i]);
    }
    brain_tensor_free(outs[0]);
    brain_tensor_free(outs[1]);
    brain_tensor_free(xt);
    brain_model_free(m);
}

/* The concatmask model built in C (Keras's file feeds the pooling an explicit mask computed by
 * op nodes; here the Concatenate's own mask rule must give it): Keras's weights, Keras's output */
static void c_api_concat_mask(void)
{
    brain_sym a = brain_input_sym(BRAIN_SHAPE(5), "a"), b = brain_input_sym(BRAIN_SHAPE(3), "b"), x = brain_input_sym(BRAIN_SHAPE(4, 3), "x");
    brain_sym e1 = brain_apply(brain_embedding(9, 3, &(brain_embedding_options){.mask_zero = true}), a);
    brain_sym e2 = brain_apply(brain_embedding(9, 3, &(brain_embedding_options){.mask_zero = true}), b);
    brain_sym c1 = brain_apply_n(brain_concatenate(&(brain_concatenate_options){.axis = 1, .has_axis = true}), BRAIN_SYMS(e1, x, e2));
    brain_sym c2 = brain_apply_n(brain_concatenate(&(brain_concatenate_options){.axis = -2, .has_axis = true}), BRAIN_SYMS(e2, e1));
    brain_sym p = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(brain_apply(brain_global_average_pooling1d(NULL), c1),
                                                                   brain_apply(brain_global_average_pooling1d(NULL), c2)));
    brain_sym o = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), p);
    brain_model *m = brain_functional(BRAIN_SYMS(a, b, x), BRAIN_SYMS(o), NULL), *k = NULL;
    CHECK(m != NULL);
    CHECK_OK(brain_load_model(DIR "attn_concatmask.keras", &k, NULL));
    if (!m || !k) { brain_model_free(m); brain_model_free(k); return; }
    int64_t n = brain_model_count_params(k);
    CHECK(n == brain_model_count_params(m));
    float *w = malloc(sizeof(float) * (size_t)n);
    CHECK_OK(brain_model_get_weights(k, w, n));
    CHECK_OK(brain_model_set_weights(m, w, n));
    free(w);
    brain_tensor *xs[3] = {brain_tensor_from(concatmask_x0, 2, (int64_t[]){CONCATMASK_N, 5}),
                           brain_tensor_from(concatmask_x1, 2, (int64_t[]){CONCATMASK_N, 3}),
                           brain_tensor_from(concatmask_x2, 3, (int64_t[]){CONCATMASK_N, 4, 3})}, *out[1] = {0};
    CHECK_OK(brain_predict_multi(m, 3, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, out));
    if (out[0]) close_all("concatmask built in C", 0, out[0]->data, out[0]->size, concatmask_pred0, NF(concatmask_pred0), 1e-5f);
    brain_tensor_free(out[0]);
    for (int i = 0; i < 3; i++) brain_tensor_free(xs[i]);
    brain_model_free(m);
    brain_model_free(k);
}

#define A(...) {__VA_ARGS__}

int main(void)
{
    const golden cases[] = {
        {"scores", 1, 2, A(scores_x0), A(NF(scores_x0)), A(scores_y0, scores_y1), A(NF(scores_y0), NF(scores_y1)),
         A(scores_pred0, scores_pred1), A(NF(scores_pred0), NF(scores_pred1)), scores_w1, NF(scores_w1),
         A(scores_post0, scores_post1), A(NF(scores_post0), NF(scores_post1)), SCORES_N},
        {"scoresmask", 1, 2, A(scoresmask_x0), A(NF(scoresmask_x0)), A(scoresmask_y0, scoresmask_y1),
         A(NF(scoresmask_y0), NF(scoresmask_y1)), A(scoresmask_pred0, scoresmask_pred1),
         A(NF(scoresmask_pred0), NF(scoresmask_pred1)), NULL, 0, A(NULL), A(0), SCORESMASK_N},
        {"axes", 3, 1, A(axes_x0, axes_x1, axes_x2), A(NF(axes_x0), NF(axes_x1), NF(axes_x2)), A(axes_y0), A(NF(axes_y0)),
         A(axes_pred0), A(NF(axes_pred0)), axes_w1, NF(axes_w1), A(axes_post0), A(NF(axes_post0)), AXES_N},
        {"mergemask", 3, 1, A(mergemask_x0, mergemask_x1, mergemask_x2), A(NF(mergemask_x0), NF(mergemask_x1), NF(mergemask_x2)),
         A(mergemask_y0), A(NF(mergemask_y0)), A(mergemask_pred0), A(NF(mergemask_pred0)), mergemask_w1, NF(mergemask_w1),
         A(mergemask_post0), A(NF(mergemask_post0)), MERGEMASK_N},
        {"groupnorm", 1, 1, A(groupnorm_x0), A(NF(groupnorm_x0)), A(groupnorm_y0), A(NF(groupnorm_y0)), A(groupnorm_pred0),
         A(NF(groupnorm_pred0)), groupnorm_w1, NF(groupnorm_w1), A(groupnorm_post0), A(NF(groupnorm_post0)), GROUPNORM_N},
        {"concatmask", 3, 1, A(concatmask_x0, concatmask_x1, concatmask_x2),
         A(NF(concatmask_x0), NF(concatmask_x1), NF(concatmask_x2)), A(concatmask_y0), A(NF(concatmask_y0)),
         A(concatmask_pred0), A(NF(concatmask_pred0)), concatmask_w1, NF(concatmask_w1), A(concatmask_post0),
         A(NF(concatmask_post0)), CONCATMASK_N},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) run_case(&cases[i]);
    c_api_scores();
    c_api_concat_mask();
    return check_summary("test_attention_more_keras");
}
