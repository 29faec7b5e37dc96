/* subtract.c — Subtract: the difference of exactly two inputs of one shape.
 *
 * Forward:  y = x_0 - x_1
 * Backward: dx_0 += dy,  dx_1 -= dy */
#include "internal.h"

static brain_status subtract_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 2, 2);
}

static void subtract_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    for (int64_t j = 0; j < out->size; j++) out->data[j] = in[0]->data[j] - in[1]->data[j];
}

static void subtract_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                              const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (din[0]) for (int64_t j = 0; j < dout->size; j++) din[0]->data[j] += dout->data[j];
    if (din[1]) for (int64_t j = 0; j < dout->size; j++) din[1]->data[j] -= dout->data[j];
}

brain_layer *brain_subtract(const brain_layer_options *opt);

static brain_layer *subtract_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_subtract, "Subtract");
}

const brain_layer_vtable brain__subtract_vt = {
    .class_name = "Subtract", .snake_name = "subtract", .build = subtract_build, .forward = subtract_forward,
    .backward = subtract_backward, .get_config = brain__merge_get_config, .from_config = subtract_from_config,
    .takes_list = true,
};

brain_layer *brain_subtract(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__subtract_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
