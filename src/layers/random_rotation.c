/* random_rotation.c — RandomRotation(factor) on (H, W, C) images, in training only.
 *
 * Per image θ = 2π·u with u ~ U(lower, upper) (default (−factor, factor)).  Output pixel (x, y)
 * (x along the width) samples the input at
 *   x_in = cos θ·x − sin θ·y + a2,   y_in = sin θ·x + cos θ·y + b2
 * with the centre (cx, cy) = ((W − 1)/2, (H − 1)/2) fixed: a2 = cx − cx·cos θ + cy·sin θ,
 * b2 = cy − cx·sin θ − cy·cos θ (Keras's _compute_affine_matrix).  Bilinear interpolation reads the
 * four neighbours (⌊y_in⌋ + {0,1}, ⌊x_in⌋ + {0,1}) with weights (1 − f, f) per axis; neighbours
 * outside the image are mapped by fill_mode: reflect (d c b a | a b c d | d c b a), nearest
 * (clamp) or constant (fill_value), each neighbour on its own (as jax.scipy.ndimage.map_coordinates
 * does).  "nearest" interpolation reads the one neighbour at round(y_in), round(x_in).
 *   y[b, y, x, c] = Σ_k w_k · x[b, idx_k, c]   (linear in x)
 * Backward: dx[b, idx_k, c] += w_k · dy[b, y, x, c] for the same θ; identity after an inference forward.
 */
#include "internal.h"
#include "image_sample.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct random_rotation {
    brain_layer base;
    float lower, upper;
    brain_fill_mode fill;
    float fill_value;
    brain_interpolation interp;
    bool own_rng;
    uint64_t seed;
    brain_rng rng;
    int64_t H, W, C;
    float *theta; int64_t theta_cap;        /* radians per image of the last training forward */
    bool last_training;
} random_rotation;

static brain_status rot_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    random_rotation *r = (random_rotation *)l;
    brain_status s = brain__image_shape(l, &in[0], &r->H, &r->W, &r->C);
    if (s) return s;
    *out = in[0];
    return BRAIN_OK;
}

static brain_status rot_reserve(brain_layer *l, int64_t batch)
{
    random_rotation *r = (random_rotation *)l;
    return brain__reserve_floats(&r->theta, &r->theta_cap, batch);
}

/* Forward (dx == NULL): y[b] = rotate(x[b]).  Backward (dx != NULL): dx[b] += rotateᵀ(dy[b]). */
static void rotate(const random_rotation *r, int64_t b, const float *x, float *y, const float *dy, float *dx)
{
    const int64_t H = r->H, W = r->W, C = r->C;
    const float th = r->theta[b], cs = cosf(th), sn = sinf(th);
    const brain__image_sampler smp = { H, W, C, r->interp, r->fill, r->fill_value };
    const float cx = 0.5f * (float)(W - 1), cy = 0.5f * (float)(H - 1);
    const float a2 = cx - cx * cs + cy * sn, b2 = cy - cx * sn - cy * cs;
    for (int64_t oy = 0; oy < H; oy++)
        for (int64_t ox = 0; ox < W; ox++) {
            const float xi = cs * (float)ox - sn * (float)oy + a2, yi = sn * (float)ox + cs * (float)oy + b2;
            brain__image_sample(&smp, b, oy, ox, yi, xi, x, y, dy, dx);
        }
}

static void rot_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    random_rotation *r = (random_rotation *)l;
    r->last_training = ctx->training;
    if (!ctx->training) {
        memcpy(out->data, in[0]->data, sizeof(float) * in[0]->size);
        return;
    }
    brain_rng *g = r->own_rng ? &r->rng : ctx->rng;
    const int64_t batch = in[0]->shape[0];
    const double pi = 3.14159265358979323846;
    for (int64_t b = 0; b < batch; b++) {
        double deg = (double)r->lower * 360.0 + ((double)r->upper - r->lower) * 360.0 * brain_rng_uniform(g);
        r->theta[b] = (float)(deg * (pi / 180.0));
    }
    for (int64_t b = 0; b < batch; b++) rotate(r, b, in[0]->data, out->data, NULL, NULL);
}

static void rot_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    random_rotation *r = (random_rotation *)l;
    if (!din[0]) return;
    if (!r->last_training) {
        for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    }
    for (int64_t b = 0; b < dout->shape[0]; b++) rotate(r, b, NULL, NULL, dout->data, din[0]->data);
}

static void rot_destroy(brain_layer *l) { free(((random_rotation *)l)->theta); }

static const char *fill_names[] = {"reflect", "constant", "nearest"};
static const char *interp_names[] = {"bilinear", "nearest"};

static brain_status rot_get_config(const brain_layer *l, cJSON *cfg)
{
    const random_rotation *r = (const random_rotation *)l;
    cJSON *f = cJSON_AddArrayToObject(cfg, "factor");
    if (!f || !cJSON_AddItemToArray(f, cJSON_CreateNumber(brain__float_option(r->lower))) ||
        !cJSON_AddItemToArray(f, cJSON_CreateNumber(brain__float_option(r->upper))))
        return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a layer config");
    brain_status s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = brain__cfg_add_string(cfg, "fill_mode", fill_names[r->fill]);
    if (!s) s = brain__cfg_add_number(cfg, "fill_value", brain__float_option(r->fill_value));
    if (!s) s = brain__cfg_add_string(cfg, "interpolation", interp_names[r->interp]);
    if (!s) s = r->own_rng ? brain__cfg_add_number(cfg, "seed", (double)r->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *rot_from_config(const cJSON *cfg)
{
    const char *fill, *interp;
    double fill_value = 0, seed = -1, lu[2] = {0, 0};
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(cfg, "factor");
    if (cJSON_IsNumber(f)) { lu[0] = -fabs(f->valuedouble); lu[1] = fabs(f->valuedouble); }
    else if (cJSON_IsArray(f) && cJSON_GetArraySize(f) == 2 && cJSON_IsNumber(cJSON_GetArrayItem(f, 0)) &&
             cJSON_IsNumber(cJSON_GetArrayItem(f, 1))) {
        lu[0] = cJSON_GetArrayItem(f, 0)->valuedouble;
        lu[1] = cJSON_GetArrayItem(f, 1)->valuedouble;
    } else {
        brain__cfg_bad(cfg, "factor", "must be a number or a pair of numbers");
        return NULL;
    }
    if (brain__cfg_check_channels_last(cfg) || brain__cfg_get_string(cfg, "fill_mode", false, &fill) ||
        brain__cfg_get_string(cfg, "interpolation", false, &interp) ||
        brain__cfg_get_number_or(cfg, "fill_value", fill_value, &fill_value) || brain__cfg_get_number_or(cfg, "seed", seed, &seed))
        return NULL;
    if (!fill) fill = "reflect";
    if (!interp) interp = "bilinear";
    brain_random_rotation_options o = {.lower = (float)lu[0], .upper = (float)lu[1], .has_range = true,
                                       .fill_value = (float)fill_value, .has_seed = seed >= 0,
                                       .seed = seed >= 0 ? (uint64_t)seed : 0, .name = brain__cfg_name(cfg)};
    int fm = -1, im = -1;
    for (int i = 0; i < 3; i++) if (!strcmp(fill, fill_names[i])) fm = i;
    for (int i = 0; i < 2; i++) if (!strcmp(interp, interp_names[i])) im = i;
    if (fm < 0 || im < 0) {
        if (fm < 0) brain__cfg_bad(cfg, "fill_mode", "\"%s\" is not supported (reflect, constant, nearest)", fill);
        else brain__cfg_bad(cfg, "interpolation", "\"%s\" is not supported (bilinear, nearest)", interp);
        return NULL;
    }
    o.fill_mode = (brain_fill_mode)fm;
    o.interpolation = (brain_interpolation)im;
    return brain_random_rotation(0, &o);
}

const brain_layer_vtable brain__random_rotation_vt = {
    .class_name = "RandomRotation", .snake_name = "random_rotation", .build = rot_build, .reserve = rot_reserve,
    .forward = rot_forward, .backward = rot_backward, .destroy = rot_destroy,
    .get_config = rot_get_config, .from_config = rot_from_config,
};

brain_layer *brain_random_rotation(float factor, const brain_random_rotation_options *opt)
{
    brain_random_rotation_options o = opt ? *opt : (brain_random_rotation_options){0};
    float lo = o.has_range ? o.lower : -fabsf(factor), hi = o.has_range ? o.upper : fabsf(factor);
    if (!(lo <= hi) || !isfinite(lo) || !isfinite(hi) || (unsigned)o.fill_mode > BRAIN_FILL_NEAREST ||
        (unsigned)o.interpolation > BRAIN_INTERP_NEAREST) {
        brain__fail(BRAIN_ERR_ARG, "RandomRotation: the factor range (%g, %g) must be ordered and finite, and the fill "
                    "mode and interpolation valid", (double)lo, (double)hi);
        return NULL;
    }
    random_rotation *r = (random_rotation *)brain__layer_new(&brain__random_rotation_vt, sizeof(random_rotation), o.name);
    if (!r) return NULL;
    r->lower = lo; r->upper = hi;
    r->fill = o.fill_mode;
    r->fill_value = o.fill_value;
    r->interp = o.interpolation;
    if (o.has_seed) {
        r->own_rng = true;
        r->seed = o.seed;
        brain_rng_seed(&r->rng, o.seed);
    }
    return &r->base;
}
