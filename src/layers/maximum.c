/* maximum.c — Maximum: the elementwise maximum of its inputs (all of one shape).
 *
 * Forward:  y = max(x_0, x_1, ..., x_{n-1})
 * Backward: dx_i += dy where x_i is the first input holding the maximum, 0 elsewhere
 *           (at exact ties JAX would split the gradient; ties have measure zero) */
#include "internal.h"

static brain_status maximum_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 1, BRAIN_MAX_LAYER_INPUTS);
}

static void maximum_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    for (int64_t j = 0; j < out->size; j++) {
        float v = in[0]->data[j];
        for (int i = 1; i < n_in; i++) if (in[i]->data[j] > v) v = in[i]->data[j];
        out->data[j] = v;
    }
}

static void maximum_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    for (int64_t j = 0; j < dout->size; j++) {
        int arg = 0;
        for (int i = 1; i < n_in; i++) if (in[i]->data[j] > in[arg]->data[j]) arg = i;
        if (din[arg]) din[arg]->data[j] += dout->data[j];
    }
}

brain_layer *brain_maximum(const brain_layer_options *opt);

static brain_layer *maximum_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_maximum, "Maximum");
}

const brain_layer_vtable brain__maximum_vt = {
    .class_name = "Maximum", .snake_name = "maximum", .build = maximum_build, .forward = maximum_forward,
    .backward = maximum_backward, .get_config = brain__merge_get_config, .from_config = maximum_from_config,
    .takes_list = true,
};

brain_layer *brain_maximum(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__maximum_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
