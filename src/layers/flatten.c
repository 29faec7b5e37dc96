/* flatten.c — Flatten: (N, d1, d2, ...) -> (N, d1·d2·...). */
#include "internal.h"
#include "layers/layer_config.h"
#include <string.h>

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

static brain_status flatten_get_config(const brain_layer *l, cJSON *cfg)
{
    return brain__cfg_add_string(cfg, "data_format", "channels_last");
}

static brain_layer *flatten_from_config(const cJSON *cfg)
{
    const char *fmt, *name;
    if (brain__cfg_get_string(cfg, "data_format", false, &fmt) || brain__cfg_get_string(cfg, "name", false, &name)) return NULL;
    if (fmt && strcmp(fmt, "channels_last")) {
        brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': data_format \"%.32s\" is not supported (only channels_last)", name ? name : "?", fmt);
        return NULL;
    }
    return brain__cfg_finish_layer(brain_flatten(&(brain_layer_options){ .name = name }), cfg);
}

const brain_layer_vtable brain__flatten_vt = {
    .class_name = "Flatten", .snake_name = "flatten", .build = flatten_build,
    .forward = flatten_forward, .backward = flatten_backward,
    .get_config = flatten_get_config, .from_config = flatten_from_config,
};

brain_layer *brain_flatten(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__flatten_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
