/* random_brightness.c — Keras's RandomBrightness and RandomContrast (keras/src/layers/preprocessing/
 * image_preprocessing/random_{brightness,contrast}.py) on (H, W, C) images, in training only
 * (the identity at inference).  One uniform draw u per image, from the layer's own generator
 * when it has a seed (reproducible), else the model's:
 *   RandomBrightness  δ = (lower + u·(upper − lower))·(v1 − v0);  y = clip(x + δ, v0, v1)
 *   RandomContrast    f = (1 − lower) + u·((1 + upper) − (1 − lower));  m_c = mean over H then W
 *                     of channel c;  y = clip((x − m_c)·f + m_c, v0, v1)
 * factor as Keras's _set_factor: a pair (lower, upper) is sorted; a number f gives
 * (max(−f, B0), f) with bounds B = (−1, 1) for brightness and (0, 1) for contrast (so Keras's
 * RandomContrast(0.2) draws f in [1, 1.2]).  Backward (y not clipped): brightness dx = dy;
 * contrast dx_j = f·dy_j + (1 − f)/(H·W)·Σ_i dy_i over the image's channel (clipped y: 0). */
#include "internal.h"
#include "image_sample.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct rvalue {
    brain_layer base;
    bool contrast;
    double lower, upper, v0, v1;
    bool own_rng; uint64_t seed; brain_rng rng;
    int64_t H, W, C;
    float *draw; int64_t draw_cap;          /* δ or f per image of the last training forward */
    bool last_training;
} rvalue;

extern const brain_layer_vtable brain__random_brightness_vt, brain__random_contrast_vt;

static brain_status rv_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    rvalue *r = (rvalue *)l;
    brain_status s = brain__image_shape(l, &in[0], &r->H, &r->W, &r->C);
    if (s) return s;
    *out = in[0];
    return BRAIN_OK;
}

static brain_status rv_reserve(brain_layer *l, int64_t batch)
{
    rvalue *r = (rvalue *)l;
    return brain__reserve_floats(&r->draw, &r->draw_cap, batch);
}

static float clip(double v, double lo, double hi) { return (float)(v < lo ? lo : v > hi ? hi : v); }

/* channel means of one image, as jnp.mean over H then over W computes them under XLA (float32
 * sums times the reciprocal of the count) */
static void channel_means(const rvalue *r, const float *x, float *mean)
{
    const int64_t H = r->H, W = r->W, C = r->C;
    for (int64_t c = 0; c < C; c++) {
        float sw = 0;
        for (int64_t w = 0; w < W; w++) {
            float sh = 0;
            for (int64_t h = 0; h < H; h++) sh += x[(h * W + w) * C + c];
            sw += sh * (1.0f / (float)H);
        }
        mean[c] = sw * (1.0f / (float)W);
    }
}

static void rv_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)n_in;
    rvalue *r = (rvalue *)l;
    r->last_training = ctx->training;
    if (!ctx->training) {
        memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
        return;
    }
    brain_rng *g = r->own_rng ? &r->rng : ctx->rng;
    const int64_t batch = in[0]->shape[0], n = r->H * r->W * r->C;
    for (int64_t b = 0; b < batch; b++) {
        const double u = brain_rng_uniform(g);
        r->draw[b] = r->contrast ? (float)((1 - r->lower) + u * ((1 + r->upper) - (1 - r->lower)))
                                 : (float)(r->lower + u * (r->upper - r->lower)) * (float)(r->v1 - r->v0);
    }
    for (int64_t b = 0; b < batch; b++) {
        const float *x = in[0]->data + b * n;
        float *y = out->data + b * n;
        if (!r->contrast) {
            for (int64_t i = 0; i < n; i++) y[i] = clip((double)(x[i] + r->draw[b]), r->v0, r->v1);
            continue;
        }
        float mean[64], *m = r->C <= 64 ? mean : malloc(sizeof(float) * (size_t)r->C);
        if (!m) { *ctx->status = brain__fail(BRAIN_ERR_NOMEM, "RandomContrast '%s': out of memory", l->name); return; }
        channel_means(r, x, m);
        const float f = r->draw[b];
        for (int64_t i = 0; i < n; i++) {
            const float mc = m[i % r->C];
            y[i] = clip((double)((x[i] - mc) * f + mc), r->v0, r->v1);
        }
        if (m != mean) free(m);
    }
}

static void rv_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                        const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in; (void)in;
    rvalue *r = (rvalue *)l;
    if (!din[0]) return;
    if (!r->last_training) {
        for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    }
    const int64_t batch = dout->shape[0], HW = r->H * r->W, C = r->C, n = HW * C;
    for (int64_t b = 0; b < batch; b++) {
        const float *dy = dout->data + b * n, *y = out->data + b * n;
        float *dx = din[0]->data + b * n;
        const double f = r->contrast ? r->draw[b] : 1.0;
        for (int64_t c = 0; c < C; c++) {
            double s = 0; /* Σ dy over the unclipped pixels of channel c */
            for (int64_t i = c; i < n; i += C)
                if (y[i] > r->v0 && y[i] < r->v1) s += dy[i];
            const double spread = r->contrast ? (1 - f) / (double)HW * s : 0.0;
            for (int64_t i = c; i < n; i += C)
                dx[i] += (float)((y[i] > r->v0 && y[i] < r->v1 ? f * dy[i] : 0.0) + spread);
        }
    }
}

static void rv_destroy(brain_layer *l) { free(((rvalue *)l)->draw); }

static brain_status rv_get_config(const brain_layer *l, cJSON *cfg)
{
    const rvalue *r = (const rvalue *)l;
    brain_status s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    cJSON *f = s ? NULL : cJSON_AddArrayToObject(cfg, "factor"), *v = f ? cJSON_AddArrayToObject(cfg, "value_range") : NULL;
    if (!s && !v) return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a config");
    cJSON_AddItemToArray(f, cJSON_CreateNumber(r->lower));
    cJSON_AddItemToArray(f, cJSON_CreateNumber(r->upper));
    cJSON_AddItemToArray(v, cJSON_CreateNumber(r->v0));
    cJSON_AddItemToArray(v, cJSON_CreateNumber(r->v1));
    if (!s) s = r->own_rng ? brain__cfg_add_number(cfg, "seed", (double)r->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *rv_from_config_kind(const cJSON *cfg, bool contrast)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(cfg, "factor"), *v = cJSON_GetObjectItemCaseSensitive(cfg, "value_range");
    double seed = -1;
    if (brain__cfg_check_channels_last(cfg) || brain__cfg_get_number_or(cfg, "seed", -1, &seed)) return NULL;
    brain_random_value_options o = { .name = brain__cfg_name(cfg), .has_seed = seed >= 0, .seed = seed >= 0 ? (uint64_t)seed : 0 };
    float factor = 0;
    if (cJSON_IsNumber(f)) factor = (float)f->valuedouble;
    else if (cJSON_IsArray(f) && cJSON_GetArraySize(f) == 2 && cJSON_IsNumber(f->child) && cJSON_IsNumber(f->child->next)) {
        o.has_pair = true;
        o.lower = (float)f->child->valuedouble;
        o.upper = (float)f->child->next->valuedouble;
    } else {
        brain__cfg_bad(cfg, "factor", "must be a number or a pair of numbers");
        return NULL;
    }
    if (v) {
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 || !cJSON_IsNumber(v->child) || !cJSON_IsNumber(v->child->next)) {
            brain__cfg_bad(cfg, "value_range", "must be a pair of numbers");
            return NULL;
        }
        o.has_value_range = true;
        o.value_range[0] = (float)v->child->valuedouble;
        o.value_range[1] = (float)v->child->next->valuedouble;
    }
    brain_layer *l = contrast ? brain_random_contrast(factor, &o) : brain_random_brightness(factor, &o);
    if (l) { /* the exact doubles of the file */
        rvalue *r = (rvalue *)l;
        if (o.has_pair) { r->lower = fmin(f->child->valuedouble, f->child->next->valuedouble);
                          r->upper = fmax(f->child->valuedouble, f->child->next->valuedouble); }
        if (v) { r->v0 = v->child->valuedouble; r->v1 = v->child->next->valuedouble; }
    }
    return l;
}
static brain_layer *brightness_from_config(const cJSON *cfg) { return rv_from_config_kind(cfg, false); }
static brain_layer *contrast_from_config(const cJSON *cfg) { return rv_from_config_kind(cfg, true); }

const brain_layer_vtable brain__random_brightness_vt = {
    .class_name = "RandomBrightness", .snake_name = "random_brightness", .build = rv_build, .reserve = rv_reserve,
    .forward = rv_forward, .backward = rv_backward, .destroy = rv_destroy,
    .get_config = rv_get_config, .from_config = brightness_from_config,
};
const brain_layer_vtable brain__random_contrast_vt = {
    .class_name = "RandomContrast", .snake_name = "random_contrast", .build = rv_build, .reserve = rv_reserve,
    .forward = rv_forward, .backward = rv_backward, .destroy = rv_destroy,
    .get_config = rv_get_config, .from_config = contrast_from_config,
};

static brain_layer *make(bool contrast, float factor, const brain_random_value_options *opt)
{
    const char *cls = contrast ? "RandomContrast" : "RandomBrightness";
    brain_random_value_options o = opt ? *opt : (brain_random_value_options){0};
    const double b0 = contrast ? 0 : -1, b1 = 1;
    double lower, upper;
    if (o.has_pair) {
        double a = brain__float_option(o.lower), b = brain__float_option(o.upper);
        if (!isfinite(a) || !isfinite(b) || a > b1 || b < b0) {
            brain__fail(BRAIN_ERR_ARG, "%s: factor (%g, %g) must lie in [%g, %g]", cls, a, b, b0, b1);
            return NULL;
        }
        lower = fmin(a, b); upper = fmax(a, b);
    } else {
        double f = brain__float_option(factor);
        if (!(f >= b0 && f <= b1)) {
            brain__fail(BRAIN_ERR_ARG, "%s: factor %g must be in [%g, %g]", cls, f, b0, b1);
            return NULL;
        }
        f = fabs(f);
        lower = fmax(-f, b0); upper = f;
    }
    double v0 = o.has_value_range ? brain__float_option(o.value_range[0]) : 0, v1 = o.has_value_range ? brain__float_option(o.value_range[1]) : 255;
    if (!(v0 < v1)) {
        brain__fail(BRAIN_ERR_ARG, "%s: value_range (%g, %g) must be increasing", cls, v0, v1);
        return NULL;
    }
    rvalue *r = (rvalue *)brain__layer_new(contrast ? &brain__random_contrast_vt : &brain__random_brightness_vt, sizeof *r, o.name);
    if (!r) return NULL;
    r->contrast = contrast;
    r->lower = lower; r->upper = upper; r->v0 = v0; r->v1 = v1;
    if (o.has_seed) {
        r->own_rng = true;
        r->seed = o.seed;
        brain_rng_seed(&r->rng, o.seed);
    }
    return &r->base;
}

brain_layer *brain_random_brightness(float factor, const brain_random_value_options *opt) { return make(false, factor, opt); }
brain_layer *brain_random_contrast(float factor, const brain_random_value_options *opt) { return make(true, factor, opt); }
