/* random_flip.c — RandomFlip(mode) on (H, W, C) images, in training only.
 *
 * One uniform draw u per image; the image is flipped when u ≤ 0.5 (Keras's rule).  In
 * "horizontal_and_vertical" mode the same draw flips both axes (so an image is either unchanged
 * or turned by 180°).  Horizontal = the width axis.
 *   y[b, h, w, c] = x[b, fv ? H−1−h : h, fh ? W−1−w : w, c]
 * Backward applies the same permutation to the gradient: dx[b, src(h, w), c] += dy[b, h, w, c].
 * At inference (and for the gradient of an inference forward) the layer is the identity.
 */
#include "internal.h"
#include "image_sample.h"
#include "layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct random_flip {
    brain_layer base;
    brain_flip_mode mode;
    bool own_rng;
    uint64_t seed;
    brain_rng rng;
    int64_t H, W, C;
    float *flip; int64_t flip_cap;          /* 1 when image b of the last training forward was flipped */
    bool last_training;
} random_flip;

static brain_status flip_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    random_flip *f = (random_flip *)l;
    brain_status s = brain__image_shape(l, &in[0], &f->H, &f->W, &f->C);
    if (s) return s;
    *out = in[0];
    return BRAIN_OK;
}

static brain_status flip_reserve(brain_layer *l, int64_t batch)
{
    random_flip *f = (random_flip *)l;
    return brain__reserve_floats(&f->flip, &f->flip_cap, batch);
}

/* dst[b] (+)= the flip of src[b] (a flip is its own inverse, so forward and backward share it) */
static void apply(const random_flip *f, int64_t batch, const float *src, float *dst, bool add)
{
    const int64_t H = f->H, W = f->W, C = f->C;
    const bool horiz = f->mode != BRAIN_FLIP_VERTICAL, vert = f->mode != BRAIN_FLIP_HORIZONTAL;
    for (int64_t b = 0; b < batch; b++) {
        const bool on = f->flip[b] != 0;
        const float *s = src + b * H * W * C;
        float *d = dst + b * H * W * C;
        for (int64_t h = 0; h < H; h++)
            for (int64_t w = 0; w < W; w++) {
                const int64_t sh = on && vert ? H - 1 - h : h, sw = on && horiz ? W - 1 - w : w;
                const float *sp = s + (sh * W + sw) * C;
                float *dp = d + (h * W + w) * C;
                for (int64_t c = 0; c < C; c++) dp[c] = add ? dp[c] + sp[c] : sp[c];
            }
    }
}

static void flip_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    random_flip *f = (random_flip *)l;
    f->last_training = ctx->training;
    if (!ctx->training) {
        memcpy(out->data, in[0]->data, sizeof(float) * in[0]->size);
        return;
    }
    brain_rng *r = f->own_rng ? &f->rng : ctx->rng;
    const int64_t batch = in[0]->shape[0];
    for (int64_t b = 0; b < batch; b++) f->flip[b] = brain_rng_uniform(r) <= 0.5 ? 1.0f : 0.0f;
    apply(f, batch, in[0]->data, out->data, false);
}

static void flip_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                          const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    random_flip *f = (random_flip *)l;
    if (!din[0]) return;
    if (!f->last_training) {
        for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    }
    apply(f, dout->shape[0], dout->data, din[0]->data, true);
}

static void flip_destroy(brain_layer *l) { free(((random_flip *)l)->flip); }

static const char *mode_names[] = {"horizontal_and_vertical", "horizontal", "vertical"};

static brain_status flip_get_config(const brain_layer *l, cJSON *cfg)
{
    const random_flip *f = (const random_flip *)l;
    brain_status s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = f->own_rng ? brain__cfg_add_number(cfg, "seed", (double)f->seed) : brain__cfg_add_null(cfg, "seed");
    if (!s) s = brain__cfg_add_string(cfg, "mode", mode_names[f->mode]);
    return s;
}

static brain_layer *flip_from_config(const cJSON *cfg)
{
    const char *mode;
    double seed = -1;
    if (brain__cfg_check_channels_last(cfg) || brain__cfg_get_string(cfg, "mode", false, &mode) ||
        brain__cfg_get_number_or(cfg, "seed", seed, &seed))
        return NULL;
    if (!mode) mode = "horizontal_and_vertical";
    brain_random_flip_options o = {.name = brain__cfg_name(cfg), .has_seed = seed >= 0, .seed = seed >= 0 ? (uint64_t)seed : 0};
    int k = -1;
    for (int i = 0; i < 3; i++) if (!strcmp(mode, mode_names[i])) k = i;
    if (k < 0) {
        brain__cfg_bad(cfg, "mode", "\"%s\" is not horizontal, vertical or horizontal_and_vertical", mode);
        return NULL;
    }
    o.mode = (brain_flip_mode)k;
    return brain_random_flip(&o);
}

const brain_layer_vtable brain__random_flip_vt = {
    .class_name = "RandomFlip", .snake_name = "random_flip", .build = flip_build, .reserve = flip_reserve,
    .forward = flip_forward, .backward = flip_backward, .destroy = flip_destroy,
    .get_config = flip_get_config, .from_config = flip_from_config,
};

brain_layer *brain_random_flip(const brain_random_flip_options *opt)
{
    brain_random_flip_options o = opt ? *opt : (brain_random_flip_options){0};
    if ((unsigned)o.mode > BRAIN_FLIP_VERTICAL) {
        brain__fail(BRAIN_ERR_ARG, "RandomFlip: mode %d is not a brain_flip_mode", (int)o.mode);
        return NULL;
    }
    random_flip *f = (random_flip *)brain__layer_new(&brain__random_flip_vt, sizeof(random_flip), o.name);
    if (!f) return NULL;
    f->mode = o.mode;
    if (o.has_seed) {
        f->own_rng = true;
        f->seed = o.seed;
        brain_rng_seed(&f->rng, o.seed);
    }
    return &f->base;
}
