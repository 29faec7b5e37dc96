/* random_crop.c — Keras's RandomCrop(height, width) (keras/src/layers/preprocessing/
 * image_preprocessing/random_crop.py) on (H, W, C) images → (height, width, C).
 *   training, H > height and W > width: one offset for the whole batch (as Keras draws it),
 *     hs = ⌊U(0, H − height + 1)⌋, ws = ⌊U(0, W − width + 1)⌋;  y = x[hs : hs + height, ws : ws + width]
 *   otherwise (inference, or an input not larger on both axes): Keras's fallback window
 *     ch = min(H, ⌊W·height / width⌋), cw = min(W, ⌊H·width / height⌋) (each ≥ 1), at
 *     (⌊(H − ch)/2⌋, ⌊(W − cw)/2⌋).  In training Keras then slices height × width from that
 *     corner (cut at the image's edge) and resizes the slice to (height, width); at inference
 *     Keras 3.15 returns the input unchanged at its own size, against its compute_output_shape,
 *     so brain does what its documentation says: the window ch × cw resized to (height, width)
 *     — Resizing(height, width, crop_to_aspect_ratio=True).
 * Resizing is jax.image.resize's bilinear without antialiasing (half-pixel centres, as
 * resizing.c).  Backward scatters dy through the same window and weights. */
#include "internal.h"
#include "image_sample.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct random_crop {
    brain_layer base;
    int64_t h, w;
    bool own_rng; uint64_t seed; brain_rng rng;
    int64_t H, W, C;
    int64_t r0, c0, rh, rw;                 /* the source window of the last forward */
} random_crop;

extern const brain_layer_vtable brain__random_crop_vt;

static brain_status rc_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    random_crop *r = (random_crop *)l;
    brain_status s = brain__image_shape(l, &in[0], &r->H, &r->W, &r->C);
    if (s) return s;
    *out = (brain_shape){ .ndim = 3, .dims = { r->h, r->w, r->C } };
    return BRAIN_OK;
}

/* the two source indices and the weight of the second, along one axis (resizing.c's src_pos) */
static void src_pos(int64_t o, int64_t n_in, int64_t n_out, int64_t *i0, int64_t *i1, float *t)
{
    const float scale = (float)n_in / (float)n_out;
    float x = ((float)o + 0.5f) * scale - 0.5f;
    if (x < 0) x = 0;
    if (x > (float)(n_in - 1)) x = (float)(n_in - 1);
    int64_t a = (int64_t)floorf(x);
    *i0 = a;
    *i1 = a + 1 < n_in ? a + 1 : a;
    *t = x - (float)a;
}

/* Forward (dx == NULL): y = resize(x[window]).  Backward: dx[window] += resizeᵀ(dy). */
static void apply(const random_crop *r, int64_t batch, const float *x, float *y, const float *dy, float *dx)
{
    const int64_t W = r->W, C = r->C, h = r->h, w = r->w;
    for (int64_t b = 0; b < batch; b++) {
        const int64_t xo = b * r->H * W * C, yo = b * h * w * C;
        for (int64_t i = 0; i < h; i++) {
            int64_t y0, y1; float ty;
            src_pos(i, r->rh, h, &y0, &y1, &ty);
            y0 += r->r0; y1 += r->r0;
            for (int64_t j = 0; j < w; j++) {
                int64_t x0, x1; float tx;
                src_pos(j, r->rw, w, &x0, &x1, &tx);
                x0 += r->c0; x1 += r->c0;
                const int64_t o = yo + (i * w + j) * C;
                const int64_t p00 = xo + (y0 * W + x0) * C, p01 = xo + (y0 * W + x1) * C,
                              p10 = xo + (y1 * W + x0) * C, p11 = xo + (y1 * W + x1) * C;
                for (int64_t c = 0; c < C; c++) {
                    if (dx) {
                        const float g = dy[o + c];
                        dx[p00 + c] += g * (1 - ty) * (1 - tx);
                        dx[p01 + c] += g * (1 - ty) * tx;
                        dx[p10 + c] += g * ty * (1 - tx);
                        dx[p11 + c] += g * ty * tx;
                    } else {
                        const float top = x[p00 + c] * (1 - tx) + x[p01 + c] * tx;
                        const float bot = x[p10 + c] * (1 - tx) + x[p11 + c] * tx;
                        y[o + c] = top * (1 - ty) + bot * ty;
                    }
                }
            }
        }
    }
}

static void rc_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)n_in;
    random_crop *r = (random_crop *)l;
    const int64_t H = r->H, W = r->W;
    if (ctx->training && H > r->h && W > r->w) {
        brain_rng *g = r->own_rng ? &r->rng : ctx->rng;
        r->r0 = (int64_t)((float)brain_rng_uniform(g) * (float)(H - r->h + 1));
        r->c0 = (int64_t)((float)brain_rng_uniform(g) * (float)(W - r->w + 1));
        if (r->r0 > H - r->h) r->r0 = H - r->h;
        if (r->c0 > W - r->w) r->c0 = W - r->w;
        r->rh = r->h; r->rw = r->w;
    } else {
        int64_t ch = (int64_t)((double)(W * r->h) / (double)r->w), cw = (int64_t)((double)(H * r->w) / (double)r->h);
        ch = ch < H ? ch : H; ch = ch > 1 ? ch : 1;
        cw = cw < W ? cw : W; cw = cw > 1 ? cw : 1;
        r->r0 = (int64_t)((double)(H - ch) / 2);
        r->c0 = (int64_t)((double)(W - cw) / 2);
        if (ctx->training) { /* Keras's training fallback: height × width from that corner, cut at the edge */
            r->rh = r->h < H - r->r0 ? r->h : H - r->r0;
            r->rw = r->w < W - r->c0 ? r->w : W - r->c0;
        } else { r->rh = ch; r->rw = cw; }
    }
    apply(r, in[0]->shape[0], in[0]->data, out->data, NULL, NULL);
}

static void rc_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                        const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in; (void)in; (void)out;
    if (!din[0]) return;
    apply((const random_crop *)l, dout->shape[0], NULL, NULL, dout->data, din[0]->data);
}

static brain_status rc_get_config(const brain_layer *l, cJSON *cfg)
{
    const random_crop *r = (const random_crop *)l;
    brain_status s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = brain__cfg_add_number(cfg, "height", (double)r->h);
    if (!s) s = brain__cfg_add_number(cfg, "width", (double)r->w);
    if (!s) s = r->own_rng ? brain__cfg_add_number(cfg, "seed", (double)r->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *rc_from_config(const cJSON *cfg)
{
    int64_t h, w;
    double seed = -1;
    if (brain__cfg_get_int(cfg, "height", 1, 1 << 16, &h) || brain__cfg_get_int(cfg, "width", 1, 1 << 16, &w) ||
        brain__cfg_get_number_or(cfg, "seed", -1, &seed) || brain__cfg_check_channels_last(cfg))
        return NULL;
    return brain__cfg_finish_layer(brain_random_crop(h, w, &(brain_random_crop_options){ .has_seed = seed >= 0,
                                       .seed = seed >= 0 ? (uint64_t)seed : 0, .name = brain__cfg_name(cfg) }), cfg);
}

const brain_layer_vtable brain__random_crop_vt = {
    .class_name = "RandomCrop", .snake_name = "random_crop", .build = rc_build, .forward = rc_forward,
    .backward = rc_backward, .get_config = rc_get_config, .from_config = rc_from_config,
};

brain_layer *brain_random_crop(int64_t height, int64_t width, const brain_random_crop_options *opt)
{
    if (height < 1 || width < 1 || height > (1 << 16) || width > (1 << 16)) {
        brain__fail(BRAIN_ERR_ARG, "RandomCrop: height and width must be in [1, 65536], got %lld × %lld", (long long)height,
                    (long long)width);
        return NULL;
    }
    random_crop *r = (random_crop *)brain__layer_new(&brain__random_crop_vt, sizeof *r, opt ? opt->name : NULL);
    if (!r) return NULL;
    r->h = height; r->w = width;
    if (opt && opt->has_seed) {
        r->own_rng = true;
        r->seed = opt->seed;
        brain_rng_seed(&r->rng, opt->seed);
    }
    return &r->base;
}
