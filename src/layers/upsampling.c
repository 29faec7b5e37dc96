/* upsampling.c — UpSampling2D(size=(sh, sw), interpolation) on (H, W, C) images -> (sh·H, sw·W, C).
 *   nearest:  y[i, j] = x[⌊i/sh⌋, ⌊j/sw⌋]; backward sums each block of dy into its pixel.
 *   bilinear: Keras resizes with jax.image.resize (half-pixel centres, no antialiasing when
 *             enlarging): source coordinate u = (i + 0.5)/sh − 0.5, taps ⌊u⌋ and ⌊u⌋ + 1 clamped
 *             into the image with weights 1 − f and f (f = u − ⌊u⌋), the same along the width;
 *             backward scatters dy with the same four weights. */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct upsample {
    brain_layer base;
    int64_t sh, sw;
    bool bilinear;
    int64_t H, W, C;
    int64_t *ty, *tx; float *wy, *wx;       /* bilinear: per output row/column its first tap and weight */
} upsample;

static void taps(int64_t n, int64_t s, int64_t *t, float *w)
{
    for (int64_t i = 0; i < n * s; i++) {
        double u = (i + 0.5) / (double)s - 0.5, f0 = floor(u);
        t[i] = (int64_t)f0;
        w[i] = (float)(u - f0); /* weight of tap t + 1 */
    }
}

static brain_status up_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    upsample *u = (upsample *)l;
    if (in[0].ndim != 3) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "UpSampling2D '%s' needs images (height, width, channels), got %s", l->name, b);
    }
    u->H = in[0].dims[0]; u->W = in[0].dims[1]; u->C = in[0].dims[2];
    if (u->bilinear) {
        u->ty = brain__alloc_array((size_t)(u->H * u->sh), sizeof(int64_t));
        u->tx = brain__alloc_array((size_t)(u->W * u->sw), sizeof(int64_t));
        u->wy = brain__alloc_array((size_t)(u->H * u->sh), sizeof(float));
        u->wx = brain__alloc_array((size_t)(u->W * u->sw), sizeof(float));
        if (!u->ty || !u->tx || !u->wy || !u->wx) return BRAIN_ERR_NOMEM;
        taps(u->H, u->sh, u->ty, u->wy);
        taps(u->W, u->sw, u->tx, u->wx);
    }
    *out = (brain_shape){.ndim = 3, .dims = {u->H * u->sh, u->W * u->sw, u->C}};
    return BRAIN_OK;
}

static int64_t clampi(int64_t v, int64_t n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

/* forward (dy NULL: y from x) or backward (dx += from dy) over one batch */
static void up_walk(const upsample *u, int64_t B, const float *x, float *y, const float *dy, float *dx)
{
    const int64_t H = u->H, W = u->W, C = u->C, OH = H * u->sh, OW = W * u->sw;
    for (int64_t b = 0; b < B; b++) {
        const float *xb = x ? x + b * H * W * C : NULL;
        float *dxb = dx ? dx + b * H * W * C : NULL;
        for (int64_t i = 0; i < OH; i++)
            for (int64_t j = 0; j < OW; j++) {
                const int64_t o = ((b * OH + i) * OW + j) * C;
                if (!u->bilinear) {
                    const int64_t s = ((i / u->sh) * W + j / u->sw) * C;
                    if (!dy) memcpy(y + o, xb + s, sizeof(float) * (size_t)C);
                    else for (int64_t c = 0; c < C; c++) dxb[s + c] += dy[o + c];
                    continue;
                }
                const int64_t y0 = clampi(u->ty[i], H), y1 = clampi(u->ty[i] + 1, H);
                const int64_t x0 = clampi(u->tx[j], W), x1 = clampi(u->tx[j] + 1, W);
                const float fy = u->wy[i], fx = u->wx[j];
                const float w00 = (1 - fy) * (1 - fx), w01 = (1 - fy) * fx, w10 = fy * (1 - fx), w11 = fy * fx;
                const int64_t s00 = (y0 * W + x0) * C, s01 = (y0 * W + x1) * C, s10 = (y1 * W + x0) * C, s11 = (y1 * W + x1) * C;
                if (!dy)
                    for (int64_t c = 0; c < C; c++)
                        y[o + c] = w00 * xb[s00 + c] + w01 * xb[s01 + c] + w10 * xb[s10 + c] + w11 * xb[s11 + c];
                else
                    for (int64_t c = 0; c < C; c++) {
                        const float g = dy[o + c];
                        dxb[s00 + c] += w00 * g;
                        dxb[s01 + c] += w01 * g;
                        dxb[s10 + c] += w10 * g;
                        dxb[s11 + c] += w11 * g;
                    }
            }
    }
}

static void up_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    up_walk((upsample *)l, in[0]->shape[0], in[0]->data, out->data, NULL, NULL);
}

static void up_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (din[0]) up_walk((upsample *)l, in[0]->shape[0], NULL, NULL, dout->data, din[0]->data);
}

static void up_destroy(brain_layer *l)
{
    upsample *u = (upsample *)l;
    free(u->ty); free(u->tx); free(u->wy); free(u->wx);
}

static brain_status up_get_config(const brain_layer *l, cJSON *cfg)
{
    const upsample *u = (const upsample *)l;
    int64_t s[2] = {u->sh, u->sw};
    brain_status st = brain__cfg_add_ints(cfg, "size", 2, s);
    if (!st) st = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!st) st = brain__cfg_add_string(cfg, "interpolation", u->bilinear ? "bilinear" : "nearest");
    return st;
}

static brain_layer *up_from_config(const cJSON *cfg)
{
    int64_t s[2] = {2, 2};
    const char *interp = "nearest";
    if (brain__cfg_get_tuple(cfg, "size", 2, s, false) || brain__cfg_check_channels_last(cfg) ||
        brain__cfg_get_string(cfg, "interpolation", false, &interp))
        return NULL;
    if (!interp) interp = "nearest";
    if (strcmp(interp, "nearest") && strcmp(interp, "bilinear")) {
        brain__cfg_bad(cfg, "interpolation", "is \"%s\"; this library has \"nearest\" and \"bilinear\"", interp);
        return NULL;
    }
    return brain__cfg_finish_layer(brain_upsampling2d(&(brain_upsampling2d_options){ .size = {s[0], s[1]},
                                   .bilinear = !strcmp(interp, "bilinear"), .name = brain__cfg_name(cfg) }), cfg);
}

const brain_layer_vtable brain__upsampling2d_vt = {
    .class_name = "UpSampling2D", .snake_name = "up_sampling2d", .build = up_build, .forward = up_forward,
    .backward = up_backward, .destroy = up_destroy, .get_config = up_get_config, .from_config = up_from_config,
};

brain_layer *brain_upsampling2d(const brain_upsampling2d_options *opt)
{
    brain_upsampling2d_options o = opt ? *opt : (brain_upsampling2d_options){0};
    int64_t sh = o.size[0] ? o.size[0] : 2, sw = o.size[1] ? o.size[1] : sh;
    if (sh < 1 || sw < 1) {
        brain__fail(BRAIN_ERR_ARG, "UpSampling2D: size must be positive, got (%lld, %lld)", (long long)sh, (long long)sw);
        return NULL;
    }
    upsample *u = (upsample *)brain__layer_new(&brain__upsampling2d_vt, sizeof(upsample), o.name);
    if (!u) return NULL;
    u->sh = sh; u->sw = sw; u->bilinear = o.bilinear;
    return &u->base;
}
