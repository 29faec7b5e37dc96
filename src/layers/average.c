/* average.c — Average: the elementwise mean of its inputs (all of one shape).
 *
 * Forward:  y = (x_0 + x_1 + ... + x_{n-1}) / n    (summed in order, then divided, as Keras)
 * Backward: dx_i += dy / n */
#include "internal.h"

static brain_status average_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 1, BRAIN_MAX_LAYER_INPUTS);
}

static void average_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    const float n = (float)n_in;
    for (int64_t j = 0; j < out->size; j++) {
        float s = in[0]->data[j];
        for (int i = 1; i < n_in; i++) s += in[i]->data[j];
        out->data[j] = s / n;
    }
}

static void average_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    const float n = (float)n_in;
    for (int i = 0; i < n_in; i++)
        if (din[i])
            for (int64_t j = 0; j < dout->size; j++) din[i]->data[j] += dout->data[j] / n;
}

brain_layer *brain_average(const brain_layer_options *opt);

static brain_layer *average_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_average, "Average");
}

const brain_layer_vtable brain__average_vt = {
    .class_name = "Average", .snake_name = "average", .build = average_build, .forward = average_forward,
    .backward = average_backward, .get_config = brain__merge_get_config, .from_config = average_from_config,
    .takes_list = true,
};

brain_layer *brain_average(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__average_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
