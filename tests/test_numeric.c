/* No silent NaN (issue 16, docs/reliability.md): fit / evaluate / predict refuse non-finite data
 * naming the tensor, the row and the column; fit fails naming the first layer whose weights
 * became non-finite; check_finite = BRAIN_OFF opts out of both. */
#include "brain.h"
#include "check.h"
#include <math.h>
#include <stdlib.h>

static brain_model *mlp(int64_t d, float lr)
{
    brain_set_random_seed(7);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(d)));
    brain_model_add(m, brain_dense(16, &(brain_dense_options){.name = "hidden", .activation = BRAIN_RELU}));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.name = "out"}));
    brain_compile(m, &(brain_compile_options){.optimizer = brain_sgd(&(brain_sgd_options){.learning_rate = lr}),
                                              .loss_name = "mse"});
    return m;
}

static void fill(brain_tensor *x, brain_tensor *y)
{
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)sin(0.37 * (double)i);
    for (int64_t i = 0; i < y->size; i++) y->data[i] = (float)cos(0.11 * (double)i);
}

static bool same(const float *a, const float *b, int64_t n) { return memcmp(a, b, sizeof(float) * (size_t)n) == 0; }

int main(void)
{
    const int64_t n = 64, d = 5;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){n, d}), *y = brain_tensor_new(2, (int64_t[]){n, 1});
    fill(x, y);
    brain_fit_options quiet = {.epochs = 2, .verbose = BRAIN_SILENT};
    brain_eval_options eq = {.verbose = BRAIN_SILENT};

    /* a NaN in x: fit refuses before touching the weights, naming x, the row and the column */
    brain_model *m = mlp(d, 0.01f);
    const int64_t np = brain_model_count_params(m);
    float *w0 = malloc(sizeof(float) * (size_t)np), *w1 = malloc(sizeof(float) * (size_t)np);
    CHECK_OK(brain_model_get_weights(m, w0, np));
    x->data[12 * d + 3] = NAN;
    CHECK(brain_fit(m, x, y, &quiet, NULL) == BRAIN_ERR_NUMERIC);
    CHECK_MSG(strstr(brain_last_error(), "brain_fit: x holds 1 non-finite value; the first, nan, is at row 12, column 3"),
              "%s", brain_last_error());
    CHECK_OK(brain_model_get_weights(m, w1, np));
    CHECK(same(w0, w1, np));
    /* predict and evaluate refuse it too; a row with NaN never yields a finite-looking prediction */
    brain_tensor *p = NULL;
    CHECK(brain_predict(m, x, &eq, &p) == BRAIN_ERR_NUMERIC && p == NULL);
    CHECK_FAILS(brain_predict(m, x, &eq, &p), "brain_predict: x holds 1 non-finite value; the first, nan, is at row 12, column 3");
    CHECK_FAILS(brain_evaluate(m, x, y, &eq, NULL), "brain_evaluate: x holds 1 non-finite value");
    /* the opt-out: predict runs, and the NaN row's prediction is what the arithmetic gives */
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT, .check_finite = BRAIN_OFF}, &p));
    brain_tensor_free(p);

    /* ±Inf, several, counted; the first one named */
    x->data[12 * d + 3] = INFINITY;
    x->data[40 * d + 0] = -INFINITY;
    CHECK_FAILS(brain_fit(m, x, y, &quiet, NULL), "x holds 2 non-finite values; the first, inf, is at row 12, column 3");
    x->data[12 * d + 3] = 0;
    CHECK_FAILS(brain_fit(m, x, y, &quiet, NULL), "the first, -inf, is at row 40, column 0");
    x->data[40 * d + 0] = 0;

    /* y, the validation data, sample weights */
    y->data[33] = NAN;
    CHECK_FAILS(brain_fit(m, x, y, &quiet, NULL), "brain_fit: y holds 1 non-finite value; the first, nan, is at row 33, column 0");
    CHECK_FAILS(brain_evaluate(m, x, y, &eq, NULL), "y holds 1 non-finite value");
    brain_fit_options withval = quiet;
    withval.x_val = x; withval.y_val = y;
    brain_tensor *y2 = brain_tensor_new(2, (int64_t[]){n, 1});
    fill(x, y2);
    CHECK_FAILS(brain_fit(m, x, y2, &withval, NULL), "y_val holds 1 non-finite value");
    float *sw = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) sw[i] = 1;
    sw[9] = NAN;
    brain_fit_options withsw = quiet;
    withsw.sample_weight = sw;
    CHECK_FAILS(brain_fit(m, x, y2, &withsw, NULL), "sample_weight holds 1 non-finite value; the first, nan, is at index 9");
    /* clean data trains */
    CHECK_OK(brain_fit(m, x, y2, &quiet, NULL));
    brain_model_free(m);

    /* a position in an image-like tensor: (rows, steps, channels) */
    brain_tensor *xs = brain_tensor_new(3, (int64_t[]){4, 6, 2});
    xs->data[(2 * 6 + 5) * 2 + 1] = NAN;
    brain_model *c = brain_sequential(NULL);
    brain_model_add(c, brain_input(BRAIN_SHAPE(6, 2)));
    brain_model_add(c, brain_conv1d(3, 2, NULL));
    CHECK_FAILS(brain_predict(c, xs, &eq, &p), "the first, nan, is at row 2, position (5, 1)");
    brain_model_free(c);
    brain_tensor_free(xs);

    /* the weights diverge (learning rate 1e30): fit fails after the first epoch, naming the layer */
    m = mlp(d, 1e30f);
    CHECK(brain_fit(m, x, y2, &quiet, NULL) == BRAIN_ERR_NUMERIC);
    CHECK_MSG(strstr(brain_last_error(), "brain_fit: the weights became non-finite in epoch 1: layer 'hidden' (Dense), weight 'kernel'"),
              "%s", brain_last_error());
    /* fitting again from non-finite weights is refused at once */
    CHECK_FAILS(brain_fit(m, x, y2, &quiet, NULL), "became non-finite before training: layer 'hidden'");
    brain_model_free(m);

    /* opting out: the data's NaN reaches the weights, and fit says nothing (the old behaviour) */
    m = mlp(d, 0.01f);
    x->data[3] = NAN;
    brain_fit_options off = quiet;
    off.check_finite = BRAIN_OFF;
    CHECK_OK(brain_fit(m, x, y2, &off, NULL));
    CHECK_OK(brain_model_get_weights(m, w1, np));
    int bad = 0;
    for (int64_t i = 0; i < np; i++) bad += !isfinite(w1[i]);
    CHECK(bad > 0);
    brain_model_free(m);

    free(w0); free(w1); free(sw);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(y2);
    return check_summary("test_numeric");
}
