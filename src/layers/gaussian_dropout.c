/* gaussian_dropout.c — GaussianDropout(rate): in training y = x ⊙ m, m ~ N(1, rate/(1 − rate))
 * drawn per value (kept for backward); identity at inference.  Backward: dx += dy ⊙ m. */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct gdrop {
    brain_layer base;
    float rate;
    bool own_rng; uint64_t seed; brain_rng rng;
    float *m; int64_t m_cap;
    bool dropped;                   /* the last forward multiplied */
} gdrop;

static brain_status gd_reserve(brain_layer *l, int64_t batch)
{
    gdrop *g = (gdrop *)l;
    return brain__reserve_floats(&g->m, &g->m_cap, batch * brain__shape_size(&l->out_shape));
}

static void gd_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    gdrop *g = (gdrop *)l;
    g->dropped = ctx->training && g->rate > 0 && g->rate < 1;
    if (!g->dropped) {
        memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
        return;
    }
    brain_rng *r = g->own_rng ? &g->rng : ctx->rng;
    const double sd = sqrt((double)g->rate / (1.0 - (double)g->rate));
    for (int64_t i = 0; i < in[0]->size; i++) {
        g->m[i] = (float)(1.0 + sd * brain_rng_normal(r));
        out->data[i] = in[0]->data[i] * g->m[i];
    }
}

static void gd_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    gdrop *g = (gdrop *)l;
    if (!din[0]) return;
    for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += g->dropped ? dout->data[i] * g->m[i] : dout->data[i];
}

static void gd_destroy(brain_layer *l) { free(((gdrop *)l)->m); }

static brain_status gd_get_config(const brain_layer *l, cJSON *cfg)
{
    const gdrop *g = (const gdrop *)l;
    brain_status s = brain__cfg_add_float(cfg, "rate", g->rate);
    if (!s) s = g->own_rng ? brain__cfg_add_number(cfg, "seed", (double)g->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *gd_from_config(const cJSON *cfg)
{
    double rate;
    int64_t seed;
    brain_noise_options o = {.name = brain__cfg_name(cfg)};
    if (brain__cfg_get_number(cfg, "rate", &rate) || brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX / 2, -1, &seed)) return NULL;
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    return brain__cfg_finish_layer(brain_gaussian_dropout((float)rate, &o), cfg);
}

const brain_layer_vtable brain__gaussian_dropout_vt = {
    .class_name = "GaussianDropout", .snake_name = "gaussian_dropout", .build = brain__same_shape_build,
    .reserve = gd_reserve, .forward = gd_forward, .backward = gd_backward, .destroy = gd_destroy,
    .get_config = gd_get_config, .from_config = gd_from_config,
};

brain_layer *brain_gaussian_dropout(float rate, const brain_noise_options *opt)
{
    if (!(rate >= 0 && rate <= 1)) {
        brain__fail(BRAIN_ERR_ARG, "GaussianDropout: rate must be in [0, 1], got %g", (double)rate);
        return NULL;
    }
    gdrop *g = (gdrop *)brain__layer_new(&brain__gaussian_dropout_vt, sizeof(gdrop), opt ? opt->name : NULL);
    if (!g) return NULL;
    g->rate = rate;
    if (opt && opt->has_seed) { g->own_rng = true; g->seed = opt->seed; brain_rng_seed(&g->rng, opt->seed); }
    g->base.mask_rule = BRAIN_MASK_PASS;
    return &g->base;
}
