/* leaky_relu.c — the LeakyReLU layer. */
#include "internal.h"
#include "layers/layer_config.h"

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

static brain_status leaky_get_config(const brain_layer *l, cJSON *cfg)
{
    return brain__cfg_add_float(cfg, "negative_slope", ((const leaky *)l)->slope);
}

static brain_layer *leaky_from_config(const cJSON *cfg)
{
    double slope;
    const char *name;
    /* Keras 3 writes negative_slope; Keras 2 wrote alpha */
    const char *key = cJSON_GetObjectItemCaseSensitive(cfg, "negative_slope") || !cJSON_GetObjectItemCaseSensitive(cfg, "alpha")
                          ? "negative_slope" : "alpha";
    if (brain__cfg_get_number_or(cfg, key, 0.3, &slope) || brain__cfg_get_string(cfg, "name", false, &name)) return NULL;
    return brain__cfg_finish_layer(brain_leaky_relu((float)slope, &(brain_layer_options){ .name = name }), cfg);
}

const brain_layer_vtable brain__leaky_relu_vt = {
    .class_name = "LeakyReLU", .snake_name = "leaky_re_lu", .build = brain__same_shape_build,
    .forward = leaky_forward, .backward = leaky_backward,
    .get_config = leaky_get_config, .from_config = leaky_from_config,
};

brain_layer *brain_leaky_relu(float negative_slope, const brain_layer_options *opt)
{
    if (!(negative_slope >= 0) || negative_slope != negative_slope) {
        brain__fail(BRAIN_ERR_ARG, "LeakyReLU: negative_slope must be a number >= 0, got %g", (double)negative_slope);
        return NULL;
    }
    leaky *l = (leaky *)brain__layer_new(&brain__leaky_relu_vt, sizeof(leaky), opt ? opt->name : NULL);
    if (l) {
        l->slope = negative_slope;
        l->base.mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    }
    return l ? &l->base : NULL;
}
