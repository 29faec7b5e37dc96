/* gaussian_noise.c — GaussianNoise(stddev): in training y = x + n, n ~ N(0, stddev²) drawn per
 * value; identity at inference.  Backward: dx += dy (the noise does not depend on x). */
#include "internal.h"
#include "layers/layer_config.h"
#include <string.h>

typedef struct gnoise {
    brain_layer base;
    float stddev;
    bool own_rng; uint64_t seed; brain_rng rng;
} gnoise;

static void gn_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    gnoise *g = (gnoise *)l;
    memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
    if (!ctx->training || g->stddev <= 0) return;
    brain_rng *r = g->own_rng ? &g->rng : ctx->rng;
    for (int64_t i = 0; i < in[0]->size; i++) out->data[i] += g->stddev * (float)brain_rng_normal(r);
}

static void gn_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
}

static brain_status gn_get_config(const brain_layer *l, cJSON *cfg)
{
    const gnoise *g = (const gnoise *)l;
    brain_status s = brain__cfg_add_float(cfg, "stddev", g->stddev);
    if (!s) s = g->own_rng ? brain__cfg_add_number(cfg, "seed", (double)g->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *gn_from_config(const cJSON *cfg)
{
    double stddev;
    int64_t seed;
    brain_noise_options o = {.name = brain__cfg_name(cfg)};
    if (brain__cfg_get_number(cfg, "stddev", &stddev) || brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX / 2, -1, &seed)) return NULL;
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    return brain__cfg_finish_layer(brain_gaussian_noise((float)stddev, &o), cfg);
}

const brain_layer_vtable brain__gaussian_noise_vt = {
    .class_name = "GaussianNoise", .snake_name = "gaussian_noise", .build = brain__same_shape_build,
    .forward = gn_forward, .backward = gn_backward, .get_config = gn_get_config, .from_config = gn_from_config,
};

brain_layer *brain_gaussian_noise(float stddev, const brain_noise_options *opt)
{
    if (!(stddev >= 0)) {
        brain__fail(BRAIN_ERR_ARG, "GaussianNoise: stddev must be >= 0, got %g", (double)stddev);
        return NULL;
    }
    gnoise *g = (gnoise *)brain__layer_new(&brain__gaussian_noise_vt, sizeof(gnoise), opt ? opt->name : NULL);
    if (!g) return NULL;
    g->stddev = stddev;
    if (opt && opt->has_seed) { g->own_rng = true; g->seed = opt->seed; brain_rng_seed(&g->rng, opt->seed); }
    g->base.mask_rule = BRAIN_MASK_PASS;
    return &g->base;
}
