/* activation.c — Activation(f) as a layer of its own. */
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

brain_status brain__same_shape_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
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

static brain_status act_get_config(const brain_layer *l, cJSON *cfg)
{
    return brain__cfg_add_activation(cfg, "activation", l->activation);
}

static brain_layer *act_from_config(const cJSON *cfg)
{
    brain_activation_kind a;
    const char *name;
    if (brain__cfg_get_activation_or(cfg, "activation", BRAIN_LINEAR, &a) || brain__cfg_get_string(cfg, "name", false, &name)) return NULL;
    return brain__cfg_finish_layer(brain_activation(a, &(brain_layer_options){ .name = name }), cfg);
}

const brain_layer_vtable brain__activation_vt = {
    .class_name = "Activation", .snake_name = "activation", .build = brain__same_shape_build,
    .forward = act_forward, .backward = act_backward,
    .get_config = act_get_config, .from_config = act_from_config,
};

brain_layer *brain_activation(brain_activation_kind a, const brain_layer_options *opt)
{
    if ((unsigned)a >= BRAIN_ACTIVATION_COUNT) {
        brain__fail(BRAIN_ERR_ARG, "Activation: %d is not a brain_activation_kind", (int)a);
        return NULL;
    }
    brain_layer *l = brain__layer_new(&brain__activation_vt, sizeof(brain_layer), opt ? opt->name : NULL);
    if (l) {
        l->activation = a;
        l->mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    }
    return l;
}
