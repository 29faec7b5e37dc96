/* relu.c — the ReLU layer (keras.layers.ReLU), Keras's activations.relu with its options:
 *   y = min(x, max_value)              for x > threshold
 *   y = negative_slope · (x − threshold) otherwise
 * (max_value None = no cap; MobileNetV2's ReLU(6.)).  dy/dx = 1 where threshold < x < max_value,
 * negative_slope where x < threshold, 0 elsewhere (at the kinks JAX's derivatives of relu and
 * clip are 0 as well). */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>

typedef struct relu { brain_layer base; float max_value, slope, threshold; bool has_max; } relu;

/* y = x > t ? min(x, max_value) : slope·(x − t); the minimum as a comparison (the same value as
 * fminf for every x > t, NaN going to the other branch) so that the loop vectorises */
BRAIN_VECTOR_LOOP static void relu_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                                           brain_tensor *out)
{
    const relu *r = (const relu *)l;
    const float mx = r->has_max ? r->max_value : INFINITY, a = r->slope, t = r->threshold;
    const float *restrict x = in[0]->data;
    float *restrict y = out->data;
    const int64_t n = in[0]->size;
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        y[i] = v > t ? (v < mx ? v : mx) : a * (v - t);
    }
}

static void relu_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                          const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    const relu *r = (const relu *)l;
    const float mx = r->has_max ? r->max_value : INFINITY, a = r->slope, t = r->threshold;
    const float *restrict x = in[0]->data, *restrict dy = dout->data;
    float *restrict dx = din[0]->data;
    for (int64_t i = 0; i < dout->size; i++) dx[i] += x[i] > t ? (x[i] < mx ? dy[i] : 0.0f) : x[i] < t ? a * dy[i] : 0.0f;
}

static brain_status relu_get_config(const brain_layer *l, cJSON *cfg)
{
    const relu *r = (const relu *)l;
    brain_status s = r->has_max ? brain__cfg_add_float(cfg, "max_value", r->max_value) : brain__cfg_add_null(cfg, "max_value");
    if (!s) s = brain__cfg_add_float(cfg, "negative_slope", r->slope);
    if (!s) s = brain__cfg_add_float(cfg, "threshold", r->threshold);
    return s;
}

static brain_layer *relu_from_config(const cJSON *cfg)
{
    brain_relu_options o = {.name = brain__cfg_name(cfg)};
    double mx = 0, a = 0, t = 0;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cfg, "max_value");
    o.has_max_value = m && !cJSON_IsNull(m);
    if ((o.has_max_value && brain__cfg_get_number(cfg, "max_value", &mx)) || brain__cfg_get_number_or(cfg, "negative_slope", 0, &a) ||
        brain__cfg_get_number_or(cfg, "threshold", 0, &t))
        return NULL;
    o.max_value = (float)mx;
    o.negative_slope = (float)a;
    o.threshold = (float)t;
    return brain__cfg_finish_layer(brain_relu(&o), cfg);
}

const brain_layer_vtable brain__relu_vt = {
    .class_name = "ReLU", .snake_name = "re_lu", .build = brain__same_shape_build,
    .forward = relu_forward, .backward = relu_backward,
    .get_config = relu_get_config, .from_config = relu_from_config,
};

brain_layer *brain_relu(const brain_relu_options *opt)
{
    brain_relu_options o = opt ? *opt : (brain_relu_options){0};
    if (o.has_max_value && !(o.max_value >= 0)) { /* Keras's checks */
        brain__fail(BRAIN_ERR_ARG, "ReLU: max_value must be >= 0, got %g", (double)o.max_value);
        return NULL;
    }
    if (!(o.negative_slope >= 0) || !(o.threshold >= 0)) {
        brain__fail(BRAIN_ERR_ARG, "ReLU: negative_slope and threshold must be >= 0, got %g and %g", (double)o.negative_slope,
                    (double)o.threshold);
        return NULL;
    }
    relu *r = (relu *)brain__layer_new(&brain__relu_vt, sizeof(relu), o.name);
    if (!r) return NULL;
    r->has_max = o.has_max_value;
    r->max_value = o.max_value;
    r->slope = o.negative_slope;
    r->threshold = o.threshold;
    r->base.mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    return &r->base;
}
