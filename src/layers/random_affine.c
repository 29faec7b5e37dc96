/* random_affine.c — Keras's RandomTranslation and RandomZoom (keras/src/layers/preprocessing/
 * image_preprocessing/random_{translation,zoom}.py) on (H, W, C) images, in training only (the
 * identity at inference).  Per image an axis-aligned affine map from output pixel (x, y) (x along
 * the width) to the input point it samples:
 *   x_in = a·x + a2,  y_in = b·y + b2
 *   RandomTranslation  a = b = 1,  a2 = −u_w·W,  b2 = −u_h·H       u_h ~ U(height range), u_w ~ U(width range)
 *   RandomZoom         a = z_w, b = z_h,  a2 = (W − 1)/2·(1 − z_w),  b2 = (H − 1)/2·(1 − z_h)
 *                      z_h ~ U(1 + lower_h, 1 + upper_h); z_w likewise, or z_h when width_factor is None
 * (a factor f gives the range (−f, f); a pair is sorted).  Sampling as Keras's affine_transform
 * (the same as random_rotation.c): bilinear over the four neighbours, each mapped by fill_mode
 * (reflect d c b a | a b c d, nearest, constant fill_value) on its own; "nearest" rounds.
 * The map is linear in the image: backward scatters dy with the same weights. */
#include "internal.h"
#include "image_sample.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct raffine {
    brain_layer base;
    bool zoom;
    double h_lo, h_hi, w_lo, w_hi;          /* the sorted ranges */
    bool has_width;                         /* zoom: width_factor given (else z_w = z_h) */
    float hf[2], wf[2]; bool hpair, wpair;  /* the factors as given (config) */
    brain_fill_mode fill; float fill_value; brain_interpolation interp;
    bool own_rng; uint64_t seed; brain_rng rng;
    int64_t H, W, C;
    float *t; int64_t t_cap;                /* 4 per image: a, a2, b, b2 */
    bool last_training;
} raffine;

extern const brain_layer_vtable brain__random_translation_vt, brain__random_zoom_vt;

static brain_status ra_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    raffine *r = (raffine *)l;
    brain_status s = brain__image_shape(l, &in[0], &r->H, &r->W, &r->C);
    if (s) return s;
    *out = in[0];
    return BRAIN_OK;
}

static brain_status ra_reserve(brain_layer *l, int64_t batch)
{
    raffine *r = (raffine *)l;
    return brain__reserve_floats(&r->t, &r->t_cap, 4 * batch);
}

/* Forward (dx == NULL): y[b] = T(x[b]).  Backward: dx[b] += Tᵀ(dy[b]). */
static void transform(const raffine *r, int64_t b, const float *x, float *y, const float *dy, float *dx)
{
    const int64_t H = r->H, W = r->W, C = r->C;
    const float *t = r->t + 4 * b;
    const brain__image_sampler smp = { H, W, C, r->interp, r->fill, r->fill_value };
    for (int64_t oy = 0; oy < H; oy++)
        for (int64_t ox = 0; ox < W; ox++) {
            const float xi = t[0] * (float)ox + t[1], yi = t[2] * (float)oy + t[3];
            brain__image_sample(&smp, b, oy, ox, yi, xi, x, y, dy, dx);
        }
}

static void ra_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)n_in;
    raffine *r = (raffine *)l;
    r->last_training = ctx->training;
    if (!ctx->training) {
        memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
        return;
    }
    brain_rng *g = r->own_rng ? &r->rng : ctx->rng;
    const int64_t batch = in[0]->shape[0];
    for (int64_t b = 0; b < batch; b++) {
        float *t = r->t + 4 * b;
        const double uh = brain_rng_uniform(g), uw = r->zoom && !r->has_width ? uh : brain_rng_uniform(g);
        if (r->zoom) {
            const float zh = (float)((1 + r->h_lo) + uh * (r->h_hi - r->h_lo));
            const float zw = r->has_width ? (float)((1 + r->w_lo) + uw * (r->w_hi - r->w_lo)) : zh;
            t[0] = zw; t[1] = ((float)r->W - 1.0f) / 2.0f * (1.0f - zw);
            t[2] = zh; t[3] = ((float)r->H - 1.0f) / 2.0f * (1.0f - zh);
        } else {
            const float th = (float)(r->h_lo + uh * (r->h_hi - r->h_lo)) * (float)r->H;
            const float tw = (float)(r->w_lo + uw * (r->w_hi - r->w_lo)) * (float)r->W;
            t[0] = 1; t[1] = -tw; t[2] = 1; t[3] = -th;
        }
    }
    for (int64_t b = 0; b < batch; b++) transform(r, b, in[0]->data, out->data, NULL, NULL);
}

static void ra_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in; (void)in; (void)out;
    raffine *r = (raffine *)l;
    if (!din[0]) return;
    if (!r->last_training) {
        for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    }
    for (int64_t b = 0; b < dout->shape[0]; b++) transform(r, b, NULL, NULL, dout->data, din[0]->data);
}

static void ra_destroy(brain_layer *l) { free(((raffine *)l)->t); }

static const char *fill_names[] = {"reflect", "constant", "nearest"};
static const char *interp_names[] = {"bilinear", "nearest"};

static brain_status add_factor(cJSON *cfg, const char *key, const float *f, bool pair)
{
    if (!pair) return brain__cfg_add_double(cfg, key, brain__float_option(f[0]));
    cJSON *a = cJSON_AddArrayToObject(cfg, key);
    if (!a) return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a layer config");
    cJSON_AddItemToArray(a, brain__cfg_python_float(brain__float_option(f[0])));
    cJSON_AddItemToArray(a, brain__cfg_python_float(brain__float_option(f[1])));
    return BRAIN_OK;
}

static brain_status ra_get_config(const brain_layer *l, cJSON *cfg)
{
    const raffine *r = (const raffine *)l;
    brain_status s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = add_factor(cfg, "height_factor", r->hf, r->hpair);
    if (!s) s = r->zoom && !r->has_width ? brain__cfg_add_null(cfg, "width_factor") : add_factor(cfg, "width_factor", r->wf, r->wpair);
    if (!s) s = brain__cfg_add_string(cfg, "fill_mode", fill_names[r->fill]);
    if (!s) s = brain__cfg_add_string(cfg, "interpolation", interp_names[r->interp]);
    if (!s) s = r->own_rng ? brain__cfg_add_number(cfg, "seed", (double)r->seed) : brain__cfg_add_null(cfg, "seed");
    if (!s) s = brain__cfg_add_double(cfg, "fill_value", brain__float_option(r->fill_value));
    return s;
}

/* a factor member: a number (f, 0, false) or a pair (lo, hi, true); absent/null → *present false */
static brain_status get_factor(const cJSON *cfg, const char *key, float *f, bool *pair, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *present = v && !cJSON_IsNull(v);
    *pair = false;
    if (!*present) return BRAIN_OK;
    if (cJSON_IsNumber(v)) { f[0] = (float)v->valuedouble; return BRAIN_OK; }
    if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2 && cJSON_IsNumber(v->child) && cJSON_IsNumber(v->child->next)) {
        f[0] = (float)v->child->valuedouble;
        f[1] = (float)v->child->next->valuedouble;
        *pair = true;
        return BRAIN_OK;
    }
    return brain__cfg_bad(cfg, key, "must be a number or a pair of numbers");
}

static brain_layer *ra_from_config_kind(const cJSON *cfg, bool zoom)
{
    const char *fill = NULL, *interp = NULL;
    double seed = -1, fv = 0;
    float hf[2] = {0}, wf[2] = {0};
    bool hp, wp, hpres, wpres;
    if (brain__cfg_check_channels_last(cfg) || brain__cfg_get_string(cfg, "fill_mode", false, &fill) ||
        brain__cfg_get_string(cfg, "interpolation", false, &interp) || brain__cfg_get_number_or(cfg, "seed", -1, &seed) ||
        brain__cfg_get_number_or(cfg, "fill_value", 0, &fv) || get_factor(cfg, "height_factor", hf, &hp, &hpres) ||
        get_factor(cfg, "width_factor", wf, &wp, &wpres))
        return NULL;
    if (!hpres || (!zoom && !wpres)) {
        brain__cfg_bad(cfg, !hpres ? "height_factor" : "width_factor", "is required");
        return NULL;
    }
    int fm = -1, im = -1;
    for (int i = 0; i < 3; i++) if (!strcmp(fill ? fill : "reflect", fill_names[i])) fm = i;
    for (int i = 0; i < 2; i++) if (!strcmp(interp ? interp : "bilinear", interp_names[i])) im = i;
    if (fm < 0 || im < 0) {
        brain__cfg_bad(cfg, fm < 0 ? "fill_mode" : "interpolation", "\"%.32s\" is not one this library has",
                       fm < 0 ? fill : interp);
        return NULL;
    }
    brain_random_affine_options o = { .has_height_pair = hp, .height_lower = hf[0], .height_upper = hf[1],
                                      .has_width_pair = wp, .width_lower = wf[0], .width_upper = wf[1],
                                      .has_width_factor = wpres, .width_factor = wf[0],
                                      .fill_mode = (brain_fill_mode)fm, .fill_value = (float)fv,
                                      .interpolation = (brain_interpolation)im, .has_seed = seed >= 0,
                                      .seed = seed >= 0 ? (uint64_t)seed : 0, .name = brain__cfg_name(cfg) };
    return zoom ? brain_random_zoom(hf[0], &o) : brain_random_translation(hf[0], wf[0], &o);
}
static brain_layer *translation_from_config(const cJSON *cfg) { return ra_from_config_kind(cfg, false); }
static brain_layer *zoom_from_config(const cJSON *cfg) { return ra_from_config_kind(cfg, true); }

const brain_layer_vtable brain__random_translation_vt = {
    .class_name = "RandomTranslation", .snake_name = "random_translation", .build = ra_build, .reserve = ra_reserve,
    .forward = ra_forward, .backward = ra_backward, .destroy = ra_destroy,
    .get_config = ra_get_config, .from_config = translation_from_config,
};
const brain_layer_vtable brain__random_zoom_vt = {
    .class_name = "RandomZoom", .snake_name = "random_zoom", .build = ra_build, .reserve = ra_reserve,
    .forward = ra_forward, .backward = ra_backward, .destroy = ra_destroy,
    .get_config = ra_get_config, .from_config = zoom_from_config,
};

/* Keras's _set_factor with its range check: each number in (−1, 1] (zoom) or [−1, 1] (translation) */
static bool set_factor(const char *cls, const char *key, float f, bool pair, float lo, float hi, bool zoom, double *out_lo,
                       double *out_hi)
{
    double a = brain__float_option(pair ? lo : f), b = brain__float_option(pair ? hi : f);
    for (int k = 0; k < 2; k++) {
        double v = k ? b : a;
        if (!isfinite(v) || v > 1 || (zoom ? v <= -1 : v < -1)) {
            brain__fail(BRAIN_ERR_ARG, "%s: %s %g must be in %s1, 1]", cls, key, v, zoom ? "(-" : "[-");
            return false;
        }
    }
    if (pair) { *out_lo = fmin(a, b); *out_hi = fmax(a, b); }
    else { *out_lo = -fabs(a); *out_hi = fabs(a); }
    return true;
}

static brain_layer *make(bool zoom, float hfac, float wfac, const brain_random_affine_options *opt)
{
    const char *cls = zoom ? "RandomZoom" : "RandomTranslation";
    brain_random_affine_options o = opt ? *opt : (brain_random_affine_options){0};
    if ((unsigned)o.fill_mode > BRAIN_FILL_NEAREST || (unsigned)o.interpolation > BRAIN_INTERP_NEAREST) {
        brain__fail(BRAIN_ERR_ARG, "%s: fill_mode %d or interpolation %d is not one this library has", cls, (int)o.fill_mode,
                    (int)o.interpolation);
        return NULL;
    }
    double hl, hh, wl = 0, wh = 0;
    const bool has_w = !zoom || o.has_width_factor || o.has_width_pair;
    if (!set_factor(cls, "height_factor", hfac, o.has_height_pair, o.height_lower, o.height_upper, zoom, &hl, &hh) ||
        (has_w && !set_factor(cls, "width_factor", zoom ? o.width_factor : wfac, o.has_width_pair, o.width_lower,
                              o.width_upper, zoom, &wl, &wh)))
        return NULL;
    raffine *r = (raffine *)brain__layer_new(zoom ? &brain__random_zoom_vt : &brain__random_translation_vt, sizeof *r, o.name);
    if (!r) return NULL;
    r->zoom = zoom;
    r->h_lo = hl; r->h_hi = hh; r->w_lo = wl; r->w_hi = wh;
    r->has_width = has_w;
    r->hpair = o.has_height_pair; r->hf[0] = o.has_height_pair ? o.height_lower : hfac; r->hf[1] = o.height_upper;
    r->wpair = o.has_width_pair; r->wf[0] = o.has_width_pair ? o.width_lower : zoom ? o.width_factor : wfac; r->wf[1] = o.width_upper;
    r->fill = o.fill_mode; r->fill_value = o.fill_value; r->interp = o.interpolation;
    if (o.has_seed) {
        r->own_rng = true;
        r->seed = o.seed;
        brain_rng_seed(&r->rng, o.seed);
    }
    return &r->base;
}

brain_layer *brain_random_translation(float height_factor, float width_factor, const brain_random_affine_options *opt)
{
    return make(false, height_factor, width_factor, opt);
}
brain_layer *brain_random_zoom(float height_factor, const brain_random_affine_options *opt) { return make(true, height_factor, 0, opt); }
