/* add.c — Add: the elementwise sum of its inputs (all of one shape).
 *
 * Forward:  y = x_0 + x_1 + ... + x_{n-1}     (summed in input order, as Keras)
 * Backward: dx_i += dy                        for every i
 * Inputs may broadcast (each axis equal or 1, as Keras): then x_i is read at the broadcast index
 * and dx_i sums dy over the axes it was repeated along. */
#include "internal.h"

static brain_status add_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build_broadcast(l, n_in, in, out);
}

static void add_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    if (brain__merge_is_broadcast(l)) {
        const int64_t B = out->shape[0], per = brain__shape_size(&l->out_shape);
        for (int64_t b = 0; b < B; b++)
            for (int64_t j = 0; j < per; j++) {
                float s = 0;
                for (int i = 0; i < n_in; i++) {
                    const int64_t pi = brain__shape_size(&l->in_shape[i]);
                    s = (i ? s : 0) + in[i]->data[b * pi + brain__bcast_index(&l->in_shape[i], &l->out_shape, j)];
                }
                out->data[b * per + j] = s;
            }
        return;
    }
    for (int64_t j = 0; j < out->size; j++) {
        float s = in[0]->data[j];
        for (int i = 1; i < n_in; i++) s += in[i]->data[j];
        out->data[j] = s;
    }
}

static void add_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (brain__merge_is_broadcast(l)) {
        const int64_t B = dout->shape[0], per = brain__shape_size(&l->out_shape);
        for (int i = 0; i < n_in; i++) {
            if (!din[i]) continue;
            const int64_t pi = brain__shape_size(&l->in_shape[i]);
            for (int64_t b = 0; b < B; b++)
                for (int64_t j = 0; j < per; j++)
                    din[i]->data[b * pi + brain__bcast_index(&l->in_shape[i], &l->out_shape, j)] += dout->data[b * per + j];
        }
        return;
    }
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
