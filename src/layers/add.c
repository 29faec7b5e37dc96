/* add.c — Add: the elementwise sum of its inputs (all of one shape).
 *
 * Forward:  y = x_0 + x_1 + ... + x_{n-1}     (summed in input order, as Keras)
 * Backward: dx_i += dy                        for every i */
#include "internal.h"

static brain_status add_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 1, BRAIN_MAX_LAYER_INPUTS);
}

static void add_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    for (int64_t j = 0; j < out->size; j++) {
        float s = in[0]->data[j];
        for (int i = 1; i < n_in; i++) s += in[i]->data[j];
        out->data[j] = s;
    }
}

static void add_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    for (int i = 0; i < n_in; i++)
        if (din[i])
            for (int64_t j = 0; j < dout->size; j++) din[i]->data[j] += dout->data[j];
}

brain_layer *brain_add(const brain_layer_options *opt);

static brain_layer *add_from_config(const struct cJSON *cfg) { return brain__merge_from_config(cfg, brain_add, "Add"); }

const brain_layer_vtable brain__add_vt = {
    .class_name = "Add", .snake_name = "add", .build = add_build, .forward = add_forward, .backward = add_backward,
    .get_config = brain__merge_get_config, .from_config = add_from_config, .takes_list = true,
};

brain_layer *brain_add(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__add_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
