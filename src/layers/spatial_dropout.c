/* spatial_dropout.c — SpatialDropout1D / SpatialDropout2D(rate): Dropout with one draw per
 * (sample, channel), shared by every step (1D: (steps, C)) or pixel (2D: (H, W, C)) — whole
 * feature maps are dropped.  Training: y = x ⊙ keep[b, c] / (1 − rate); identity at inference.
 * Backward: dx += dy ⊙ keep[b, c] / (1 − rate). */
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct sdrop {
    brain_layer base;
    int rank;
    float rate;
    bool own_rng; uint64_t seed; brain_rng rng;
    float *scale; int64_t scale_cap;        /* 0 or 1/(1 − rate) per (sample, channel) */
    bool dropped;
} sdrop;

static brain_status sd_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    sdrop *d = (sdrop *)l;
    if (in[0].ndim != d->rank + 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs inputs of rank %d, got %s", l->vt->class_name, l->name, d->rank + 2, b);
    }
    *out = in[0];
    return BRAIN_OK;
}

static brain_status sd_reserve(brain_layer *l, int64_t batch)
{
    sdrop *d = (sdrop *)l;
    return brain__reserve_floats(&d->scale, &d->scale_cap, batch * l->out_shape.dims[l->out_shape.ndim - 1]);
}

static void sd_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    sdrop *d = (sdrop *)l;
    d->dropped = ctx->training && d->rate > 0;
    if (!d->dropped) {
        memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
        return;
    }
    const int64_t B = in[0]->shape[0], C = l->out_shape.dims[l->out_shape.ndim - 1], n = in[0]->size / (B * C);
    brain_rng *r = d->own_rng ? &d->rng : ctx->rng;
    const float keep = 1.0f / (1.0f - d->rate);
    for (int64_t i = 0; i < B * C; i++) d->scale[i] = brain_rng_uniform(r) >= d->rate ? keep : 0.0f;
    for (int64_t b = 0; b < B; b++)
        for (int64_t p = 0; p < n; p++)
            for (int64_t c = 0; c < C; c++) out->data[(b * n + p) * C + c] = in[0]->data[(b * n + p) * C + c] * d->scale[b * C + c];
}

static void sd_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    sdrop *d = (sdrop *)l;
    if (!din[0]) return;
    if (!d->dropped) {
        for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    }
    const int64_t B = dout->shape[0], C = l->out_shape.dims[l->out_shape.ndim - 1], n = dout->size / (B * C);
    for (int64_t b = 0; b < B; b++)
        for (int64_t p = 0; p < n; p++)
            for (int64_t c = 0; c < C; c++) din[0]->data[(b * n + p) * C + c] += dout->data[(b * n + p) * C + c] * d->scale[b * C + c];
}

static void sd_destroy(brain_layer *l) { free(((sdrop *)l)->scale); }

static brain_status sd_get_config(const brain_layer *l, cJSON *cfg)
{
    const sdrop *d = (const sdrop *)l;
    brain_status s = brain__cfg_add_float(cfg, "rate", d->rate);
    if (!s) s = d->own_rng ? brain__cfg_add_number(cfg, "seed", (double)d->seed) : brain__cfg_add_null(cfg, "seed");
    if (!s && d->rank == 2) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    return s;
}

static brain_layer *sd_new(int rank, float rate, const brain_noise_options *opt);

static brain_layer *sd_from_config(const cJSON *cfg, int rank)
{
    double rate;
    int64_t seed;
    brain_noise_options o = {.name = brain__cfg_name(cfg)};
    if (brain__cfg_get_number(cfg, "rate", &rate) || brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX / 2, -1, &seed) ||
        brain__cfg_check_channels_last(cfg))
        return NULL;
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    return brain__cfg_finish_layer(sd_new(rank, (float)rate, &o), cfg);
}
static brain_layer *sd1_from_config(const cJSON *cfg) { return sd_from_config(cfg, 1); }
static brain_layer *sd2_from_config(const cJSON *cfg) { return sd_from_config(cfg, 2); }

const brain_layer_vtable brain__spatial_dropout1d_vt = {
    .class_name = "SpatialDropout1D", .snake_name = "spatial_dropout1d", .build = sd_build, .reserve = sd_reserve,
    .forward = sd_forward, .backward = sd_backward, .destroy = sd_destroy, .get_config = sd_get_config,
    .from_config = sd1_from_config, .config_without_trainable = true,
};
const brain_layer_vtable brain__spatial_dropout2d_vt = {
    .class_name = "SpatialDropout2D", .snake_name = "spatial_dropout2d", .build = sd_build, .reserve = sd_reserve,
    .forward = sd_forward, .backward = sd_backward, .destroy = sd_destroy, .get_config = sd_get_config,
    .from_config = sd2_from_config, .config_without_trainable = true,
};

static brain_layer *sd_new(int rank, float rate, const brain_noise_options *opt)
{
    if (!(rate >= 0 && rate < 1)) {
        brain__fail(BRAIN_ERR_ARG, "SpatialDropout%dD: rate must be in [0, 1), got %g", rank, (double)rate);
        return NULL;
    }
    sdrop *d = (sdrop *)brain__layer_new(rank == 1 ? &brain__spatial_dropout1d_vt : &brain__spatial_dropout2d_vt, sizeof(sdrop),
                                         opt ? opt->name : NULL);
    if (!d) return NULL;
    d->rank = rank;
    d->rate = rate;
    if (opt && opt->has_seed) { d->own_rng = true; d->seed = opt->seed; brain_rng_seed(&d->rng, opt->seed); }
    return &d->base;
}

brain_layer *brain_spatial_dropout1d(float rate, const brain_noise_options *opt) { return sd_new(1, rate, opt); }
brain_layer *brain_spatial_dropout2d(float rate, const brain_noise_options *opt) { return sd_new(2, rate, opt); }
