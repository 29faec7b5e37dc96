/* activation.c — Activation(f) as a layer of its own, and Flatten. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static brain_status same_shape_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    *out = in[0];
    return BRAIN_OK;
}

static void act_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    int64_t cols = l->out_shape.dims[l->out_shape.ndim - 1];
    brain__act_forward(l->activation, in[0]->data, out->data, in[0]->size / cols, cols);
}

static void act_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    int64_t cols = l->out_shape.dims[l->out_shape.ndim - 1];
    brain__act_backward(l->activation, in[0]->data, out->data, dout->data, din[0]->data, dout->size / cols, cols, true);
}

static const brain_layer_vtable activation_vt = {
    .class_name = "Activation", .snake_name = "activation", .build = same_shape_build,
    .forward = act_forward, .backward = act_backward,
};

brain_layer *brain_activation(brain_activation_kind a, const brain_layer_options *opt)
{
    if ((unsigned)a >= BRAIN_ACTIVATION_COUNT) {
        brain__fail(BRAIN_ERR_ARG, "Activation: %d is not a brain_activation_kind", (int)a);
        return NULL;
    }
    brain_layer *l = brain__layer_new(&activation_vt, sizeof(brain_layer), opt ? opt->name : NULL);
    if (l) l->activation = a;
    return l;
}

/* Flatten: row-major, so (H, W, C) order is kept — the same order Keras flattens in. */
static brain_status flatten_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    out->ndim = 1;
    out->dims[0] = brain__shape_size(&in[0]);
    return BRAIN_OK;
}

static void flatten_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    memcpy(out->data, in[0]->data, sizeof(float) * in[0]->size);
}

static void flatten_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
}

static const brain_layer_vtable flatten_vt = {
    .class_name = "Flatten", .snake_name = "flatten", .build = flatten_build,
    .forward = flatten_forward, .backward = flatten_backward,
};

brain_layer *brain_flatten(const brain_layer_options *opt)
{
    return brain__layer_new(&flatten_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}

/* LeakyReLU(negative_slope): y = x for x > 0, slope·x otherwise (Keras's layer default is 0.3;
 * the "leaky_relu" activation string uses 0.2; the lecture's card writes 0.01). */
typedef struct leaky { brain_layer base; float slope; } leaky;

static void leaky_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    const float a = ((leaky *)l)->slope, *restrict x = in[0]->data;
    float *restrict y = out->data;
    for (int64_t i = 0; i < in[0]->size; i++) y[i] = x[i] > 0 ? x[i] : a * x[i];
}

static void leaky_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                           const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    const float a = ((leaky *)l)->slope, *restrict x = in[0]->data, *restrict dy = dout->data;
    float *restrict dx = din[0]->data;
    for (int64_t i = 0; i < dout->size; i++) dx[i] += x[i] > 0 ? dy[i] : a * dy[i];
}

static const brain_layer_vtable leaky_vt = {
    .class_name = "LeakyReLU", .snake_name = "leaky_re_lu", .build = same_shape_build,
    .forward = leaky_forward, .backward = leaky_backward,
};

brain_layer *brain_leaky_relu(float negative_slope, const brain_layer_options *opt)
{
    if (!(negative_slope >= 0) || negative_slope != negative_slope) {
        brain__fail(BRAIN_ERR_ARG, "LeakyReLU: negative_slope must be a number >= 0, got %g", (double)negative_slope);
        return NULL;
    }
    leaky *l = (leaky *)brain__layer_new(&leaky_vt, sizeof(leaky), opt ? opt->name : NULL);
    if (l) l->slope = negative_slope;
    return l ? &l->base : NULL;
}
