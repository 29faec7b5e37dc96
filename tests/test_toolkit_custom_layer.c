/* test_toolkit_custom_layer.c — a user-written layer type: finite-difference gradients through
 * the model, config and weights through .keras, registry errors. */
#include "internal.h"
#include "check.h"
#include "gradcheck.h"
#include "io_util.h"
#include <stdlib.h>

/* y = x² · w + b per feature (a layer whose gradient depends on x, w and b) */
typedef struct sq { float k; } sq;

static brain_status sq_build(brain_layer *l, void *state, brain_shape in, brain_shape *out)
{
    (void)state;
    int64_t d = in.dims[in.ndim - 1];
    if (brain_layer_add_weight(l, "w", 1, &d, BRAIN_INIT_RANDOM_NORMAL, true) != 0) return BRAIN_ERR_ARG;
    if (brain_layer_add_weight(l, "b", 1, &d, BRAIN_INIT_RANDOM_UNIFORM, true) != 1) return BRAIN_ERR_ARG;
    *out = in;
    return BRAIN_OK;
}
static int64_t count(brain_layer *l, int64_t batch)
{
    brain_shape in = brain_layer_input_shape(l);
    int64_t n = batch;
    for (int i = 0; i < in.ndim; i++) n *= in.dims[i];
    return n;
}
static void sq_forward(brain_layer *l, void *state, const float *x, float *y, int64_t batch, bool training)
{
    (void)training;
    const float k = ((sq *)state)->k, *w = brain_layer_weight_values(l, 0), *b = brain_layer_weight_values(l, 1);
    int64_t d = brain_layer_input_shape(l).dims[brain_layer_input_shape(l).ndim - 1], n = count(l, batch);
    for (int64_t i = 0; i < n; i++) y[i] = k * x[i] * x[i] * w[i % d] + b[i % d];
}
static void sq_backward(brain_layer *l, void *state, const float *x, const float *y, const float *dy, float *dx, int64_t batch)
{
    (void)y;
    const float k = ((sq *)state)->k, *w = brain_layer_weight_values(l, 0);
    float *gw = brain_layer_weight_grads(l, 0), *gb = brain_layer_weight_grads(l, 1);
    int64_t d = brain_layer_input_shape(l).dims[brain_layer_input_shape(l).ndim - 1], n = count(l, batch);
    for (int64_t i = 0; i < n; i++) {
        if (dx) dx[i] += dy[i] * 2 * k * x[i] * w[i % d];
        if (gw) gw[i % d] += dy[i] * k * x[i] * x[i];
        if (gb) gb[i % d] += dy[i];
    }
}
static brain_status sq_get(const brain_layer *l, const void *state, brain_config *c)
{
    (void)l;
    return brain_config_set_number(c, "k", ((const sq *)state)->k);
}
static brain_status sq_set(const brain_config *c, void *state)
{
    ((sq *)state)->k = (float)brain_config_get_number(c, "k", 1.0);
    return BRAIN_OK;
}

int main(void)
{
    const brain_layer_type t = { .class_name = "my_pkg>SquareScale", .state_size = sizeof(sq), .build = sq_build,
                                 .forward = sq_forward, .backward = sq_backward, .get_config = sq_get, .from_config = sq_set };
    CHECK_OK(brain_register_layer_type(&t));
    CHECK_FAILS(brain_register_layer_type(&(brain_layer_type){ .class_name = "Dense", .forward = sq_forward }), "built-in");
    CHECK(brain_custom_layer("Nope", NULL, NULL) == NULL && strstr(brain_last_error(), "registered"));

    brain_set_random_seed(11);
    brain_model *m = brain_sequential("custom");
    brain_model_add(m, brain_input(BRAIN_SHAPE(2, 3)));
    brain_model_add(m, brain_custom_layer("my_pkg>SquareScale", &(sq){ .k = 0.7f }, NULL));
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_TANH }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
    CHECK(!strcmp(brain_layer_name(brain_model_layer(m, 0)), "square_scale"));
    CHECK(brain_layer_param_count(brain_model_layer(m, 0)) == 6);
    brain_tensor *x = gc_random(3, (int64_t[]){ 4, 2, 3 }, 3, -1, 1);
    CHECK(gradcheck_model("custom SquareScale", m, x, true, 1e-3, 2e-3, 1e-2) == 0);

    const char *p = io_path("custom.keras");
    CHECK_OK(brain_save(m, p));
    brain_model *l = NULL;
    CHECK_OK(brain_load_model(p, &l, NULL));
    if (l) {
        brain_layer *c = brain_model_layer(l, 0);
        CHECK(!strcmp(brain_layer_class(c), "my_pkg>SquareScale") && ((sq *)brain_layer_state(c))->k == 0.7f);
        brain_tensor *pa = NULL, *pb = NULL;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pa));
        CHECK_OK(brain_predict(l, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pb));
        CHECK(pa && pb && !memcmp(pa->data, pb->data, sizeof(float) * (size_t)pa->size));
        brain_tensor_free(pa);
        brain_tensor_free(pb);
    }
    brain_model_free(l);
    brain_model_free(m);
    brain_tensor_free(x);
    return check_summary("test_toolkit_custom_layer");
}
