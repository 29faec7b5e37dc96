/* resizing.c — Keras's image preprocessing layers Resizing and CenterCrop (keras/src/layers/
 * preprocessing/image_preprocessing/{resizing,center_crop}.py) for (H, W, C) images, and the
 * value layer CategoryEncoding (keras/src/layers/preprocessing/); Discretization is in discretization.c.
 *
 *   Resizing(h, w)  bilinear (jax.image.resize without antialiasing: half-pixel centres,
 *                   source x = (x' + ½)·W/w − ½, clamped to the image) or nearest (source
 *                   index floor((x' + ½)·W/w)); the backward pass spreads dy with the same weights.
 *   CenterCrop(h, w) the centred window starting at ((H − h) / 2, (W − w) / 2) (floor); an input
 *                   smaller than the window is refused (Keras resizes it instead).
 *   CategoryEncoding(num_tokens, output_mode) ids (N,) or (N, k) → one_hot (N, num_tokens) for
 *                   one id per row, multi_hot (1 where an id occurs) or count; ids outside
 *                   [0, num_tokens) stop fit/predict with an error naming the row.
 * The value layer has no gradient (Keras's neither): backward leaves din untouched. */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ Resizing */
typedef struct resizing { brain_layer base; int64_t h, w; brain_interpolation interp; } resizing;

static brain_status image_in(const brain_layer *l, const brain_shape *in)
{
    if (in->ndim != 3)
        return brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s) expects (height, width, channels) images, got rank %d", l->name,
                           l->vt->class_name, in->ndim);
    return BRAIN_OK;
}

static brain_status resizing_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    brain_status s = image_in(l, &in[0]);
    if (s) return s;
    const resizing *r = (const resizing *)l;
    *out = (brain_shape){ .ndim = 3, .dims = { r->h, r->w, in[0].dims[2] } };
    return BRAIN_OK;
}

/* the two source indices and the weight of the second, along one axis */
static void src_pos(int64_t o, int64_t n_in, int64_t n_out, bool nearest, int64_t *i0, int64_t *i1, float *t)
{
    const float scale = (float)n_in / (float)n_out;
    if (nearest) {
        int64_t i = (int64_t)floorf(((float)o + 0.5f) * scale);
        *i0 = *i1 = i < n_in ? i : n_in - 1;
        *t = 0;
        return;
    }
    float x = ((float)o + 0.5f) * scale - 0.5f;
    if (x < 0) x = 0;
    if (x > (float)(n_in - 1)) x = (float)(n_in - 1);
    int64_t a = (int64_t)floorf(x);
    *i0 = a;
    *i1 = a + 1 < n_in ? a + 1 : a;
    *t = x - (float)a;
}

static void resizing_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)ctx; (void)n_in;
    const resizing *r = (const resizing *)l;
    const int64_t H = l->in_shape[0].dims[0], W = l->in_shape[0].dims[1], C = l->in_shape[0].dims[2];
    const bool nn = r->interp == BRAIN_INTERP_NEAREST;
    for (int64_t b = 0; b < in[0]->shape[0]; b++) {
        const float *x = in[0]->data + b * H * W * C;
        float *y = out->data + b * r->h * r->w * C;
        for (int64_t i = 0; i < r->h; i++) {
            int64_t y0, y1; float ty;
            src_pos(i, H, r->h, nn, &y0, &y1, &ty);
            for (int64_t j = 0; j < r->w; j++) {
                int64_t x0, x1; float tx;
                src_pos(j, W, r->w, nn, &x0, &x1, &tx);
                for (int64_t c = 0; c < C; c++) {
                    float top = x[(y0 * W + x0) * C + c] * (1 - tx) + x[(y0 * W + x1) * C + c] * tx;
                    float bot = x[(y1 * W + x0) * C + c] * (1 - tx) + x[(y1 * W + x1) * C + c] * tx;
                    y[(i * r->w + j) * C + c] = top * (1 - ty) + bot * ty;
                }
            }
        }
    }
}

static void resizing_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                              const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in; (void)out;
    if (!din[0]) return;
    const resizing *r = (const resizing *)l;
    const int64_t H = l->in_shape[0].dims[0], W = l->in_shape[0].dims[1], C = l->in_shape[0].dims[2];
    const bool nn = r->interp == BRAIN_INTERP_NEAREST;
    for (int64_t b = 0; b < in[0]->shape[0]; b++) {
        float *dx = din[0]->data + b * H * W * C;
        const float *dy = dout->data + b * r->h * r->w * C;
        for (int64_t i = 0; i < r->h; i++) {
            int64_t y0, y1; float ty;
            src_pos(i, H, r->h, nn, &y0, &y1, &ty);
            for (int64_t j = 0; j < r->w; j++) {
                int64_t x0, x1; float tx;
                src_pos(j, W, r->w, nn, &x0, &x1, &tx);
                for (int64_t c = 0; c < C; c++) {
                    float g = dy[(i * r->w + j) * C + c];
                    dx[(y0 * W + x0) * C + c] += g * (1 - ty) * (1 - tx);
                    dx[(y0 * W + x1) * C + c] += g * (1 - ty) * tx;
                    dx[(y1 * W + x0) * C + c] += g * ty * (1 - tx);
                    dx[(y1 * W + x1) * C + c] += g * ty * tx;
                }
            }
        }
    }
}

static brain_status resizing_get_config(const brain_layer *l, cJSON *cfg)
{
    const resizing *r = (const resizing *)l;
    brain_status s = brain__cfg_add_number(cfg, "height", (double)r->h);
    if (!s) s = brain__cfg_add_number(cfg, "width", (double)r->w);
    if (!s) s = brain__cfg_add_string(cfg, "interpolation", r->interp == BRAIN_INTERP_NEAREST ? "nearest" : "bilinear");
    if (!s) s = brain__cfg_add_bool(cfg, "crop_to_aspect_ratio", false);
    if (!s) s = brain__cfg_add_bool(cfg, "pad_to_aspect_ratio", false);
    if (!s) s = brain__cfg_add_string(cfg, "fill_mode", "constant");
    if (!s) s = brain__cfg_add_double(cfg, "fill_value", 0.0);
    if (!s) s = brain__cfg_add_bool(cfg, "antialias", false);
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    return s;
}

static brain_layer *resizing_from_config(const cJSON *cfg)
{
    int64_t h, w;
    const char *interp = NULL, *name = NULL;
    bool crop, pad, aa;
    if (brain__cfg_get_int(cfg, "height", 1, 1 << 16, &h) || brain__cfg_get_int(cfg, "width", 1, 1 << 16, &w) ||
        brain__cfg_get_string(cfg, "interpolation", false, &interp) || brain__cfg_get_string(cfg, "name", false, &name) ||
        brain__cfg_get_bool_or(cfg, "crop_to_aspect_ratio", false, &crop) || brain__cfg_get_bool_or(cfg, "pad_to_aspect_ratio", false, &pad) ||
        brain__cfg_get_bool_or(cfg, "antialias", false, &aa) || brain__cfg_check_channels_last(cfg))
        return NULL;
    if (crop || pad || aa || (interp && strcmp(interp, "bilinear") && strcmp(interp, "nearest"))) {
        brain__cfg_bad(cfg, "interpolation", "bilinear or nearest without crop_to_aspect_ratio, pad_to_aspect_ratio or "
                       "antialias is what this library has");
        return NULL;
    }
    return brain__cfg_finish_layer(brain_resizing(h, w, &(brain_resizing_options){
        .interpolation = interp && !strcmp(interp, "nearest") ? BRAIN_INTERP_NEAREST : BRAIN_INTERP_BILINEAR, .name = name }), cfg);
}

const brain_layer_vtable brain__resizing_vt = {
    .class_name = "Resizing", .snake_name = "resizing", .build = resizing_build, .forward = resizing_forward,
    .backward = resizing_backward, .get_config = resizing_get_config, .from_config = resizing_from_config,
};

brain_layer *brain_resizing(int64_t height, int64_t width, const brain_resizing_options *opt)
{
    if (height < 1 || width < 1) {
        brain__fail(BRAIN_ERR_ARG, "Resizing: height and width must be ≥ 1, got %lld × %lld", (long long)height, (long long)width);
        return NULL;
    }
    resizing *r = (resizing *)brain__layer_new(&brain__resizing_vt, sizeof *r, opt ? opt->name : NULL);
    if (!r) return NULL;
    r->h = height;
    r->w = width;
    r->interp = opt ? opt->interpolation : BRAIN_INTERP_BILINEAR;
    return &r->base;
}

/* ------------------------------------------------------------------ CenterCrop */
static brain_status crop_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    brain_status s = image_in(l, &in[0]);
    if (s) return s;
    const resizing *r = (const resizing *)l;
    if (in[0].dims[0] < r->h || in[0].dims[1] < r->w)
        return brain__fail(BRAIN_ERR_ARG, "CenterCrop '%s': the input (%lld, %lld) is smaller than the crop (%lld, %lld); "
                           "Keras would resize it, this library refuses", l->name, (long long)in[0].dims[0],
                           (long long)in[0].dims[1], (long long)r->h, (long long)r->w);
    *out = (brain_shape){ .ndim = 3, .dims = { r->h, r->w, in[0].dims[2] } };
    return BRAIN_OK;
}

static void crop_copy(const brain_layer *l, int64_t batch, float *big, float *small, bool backward)
{
    const resizing *r = (const resizing *)l;
    const int64_t H = l->in_shape[0].dims[0], W = l->in_shape[0].dims[1], C = l->in_shape[0].dims[2];
    const int64_t top = (H - r->h) / 2, left = (W - r->w) / 2;
    for (int64_t b = 0; b < batch; b++)
        for (int64_t i = 0; i < r->h; i++) {
            float *bg = big + ((b * H + top + i) * W + left) * C, *sm = small + (b * r->h + i) * r->w * C;
            if (backward) for (int64_t k = 0; k < r->w * C; k++) bg[k] += sm[k];
            else memcpy(sm, bg, sizeof(float) * (size_t)(r->w * C));
        }
}

static void crop_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)ctx; (void)n_in;
    crop_copy(l, in[0]->shape[0], in[0]->data, out->data, false);
}

static void crop_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                          const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx; (void)n_in; (void)out;
    if (din[0]) crop_copy(l, in[0]->shape[0], din[0]->data, dout->data, true);
}

static brain_status crop_get_config(const brain_layer *l, cJSON *cfg)
{
    const resizing *r = (const resizing *)l;
    brain_status s = brain__cfg_add_number(cfg, "height", (double)r->h);
    if (!s) s = brain__cfg_add_number(cfg, "width", (double)r->w);
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    return s;
}

static brain_layer *crop_from_config(const cJSON *cfg)
{
    int64_t h, w;
    const char *name = NULL;
    if (brain__cfg_get_int(cfg, "height", 1, 1 << 16, &h) || brain__cfg_get_int(cfg, "width", 1, 1 << 16, &w) ||
        brain__cfg_get_string(cfg, "name", false, &name) || brain__cfg_check_channels_last(cfg))
        return NULL;
    return brain__cfg_finish_layer(brain_center_crop(h, w, &(brain_layer_options){ .name = name }), cfg);
}

const brain_layer_vtable brain__center_crop_vt = {
    .class_name = "CenterCrop", .snake_name = "center_crop", .build = crop_build, .forward = crop_forward,
    .backward = crop_backward, .get_config = crop_get_config, .from_config = crop_from_config,
};

brain_layer *brain_center_crop(int64_t height, int64_t width, const brain_layer_options *opt)
{
    if (height < 1 || width < 1) {
        brain__fail(BRAIN_ERR_ARG, "CenterCrop: height and width must be ≥ 1, got %lld × %lld", (long long)height, (long long)width);
        return NULL;
    }
    resizing *r = (resizing *)brain__layer_new(&brain__center_crop_vt, sizeof *r, opt ? opt->name : NULL);
    if (!r) return NULL;
    r->h = height;
    r->w = width;
    return &r->base;
}

/* ------------------------------------------------------------------ CategoryEncoding */
typedef struct catenc { brain_layer base; int64_t num_tokens; brain_category_mode mode; } catenc;
static const char *const k_cat_mode[] = { "multi_hot", "one_hot", "count" };

static brain_status catenc_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    (void)n_in;
    const catenc *c = (const catenc *)l;
    if (in[0].ndim != 1)
        return brain__fail(BRAIN_ERR_ARG, "CategoryEncoding '%s' expects ids of shape (k,) per sample, got rank %d", l->name, in[0].ndim);
    if (c->mode == BRAIN_CATEGORY_ONE_HOT && in[0].dims[0] > 1)
        *out = (brain_shape){ .ndim = 2, .dims = { in[0].dims[0], c->num_tokens } };
    else
        *out = (brain_shape){ .ndim = 1, .dims = { c->num_tokens } };
    return BRAIN_OK;
}

static void catenc_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)n_in;
    const catenc *c = (const catenc *)l;
    const int64_t rows = in[0]->shape[0], k = l->in_shape[0].dims[0], T = c->num_tokens;
    memset(out->data, 0, sizeof(float) * (size_t)out->size);
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < k; j++) {
            float v = in[0]->data[r * k + j];
            if (!(v >= 0 && v < (float)T && v == floorf(v))) {
                if (!*ctx->status)
                    *ctx->status = brain__fail(BRAIN_ERR_ARG, "CategoryEncoding '%s': row %lld holds %g; ids must be whole numbers "
                                               "in [0, %lld) (num_tokens)", l->name, (long long)r, (double)v, (long long)T);
                continue;
            }
            int64_t id = (int64_t)v;
            if (c->mode == BRAIN_CATEGORY_ONE_HOT) out->data[(r * k + j) * T + id] = 1;
            else if (c->mode == BRAIN_CATEGORY_COUNT) out->data[r * T + id] += 1;
            else out->data[r * T + id] = 1;
        }
}

static void no_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                        const brain_tensor *dout, brain_tensor *const *din)
{
    (void)l; (void)ctx; (void)n_in; (void)in; (void)out; (void)dout; (void)din; /* no gradient, as in Keras */
}

static brain_status catenc_get_config(const brain_layer *l, cJSON *cfg)
{
    const catenc *c = (const catenc *)l;
    brain_status s = brain__cfg_add_number(cfg, "num_tokens", (double)c->num_tokens);
    if (!s) s = brain__cfg_add_string(cfg, "output_mode", k_cat_mode[c->mode]);
    if (!s) s = brain__cfg_add_bool(cfg, "sparse", false);
    return s;
}

static brain_layer *catenc_from_config(const cJSON *cfg)
{
    int64_t t;
    const char *mode = NULL, *name = NULL;
    bool sparse;
    if (brain__cfg_get_int(cfg, "num_tokens", 1, 1 << 24, &t) || brain__cfg_get_string(cfg, "output_mode", false, &mode) ||
        brain__cfg_get_string(cfg, "name", false, &name) || brain__cfg_get_bool_or(cfg, "sparse", false, &sparse))
        return NULL;
    int m = -1;
    for (int i = 0; i < 3; i++) if (!mode || !strcmp(mode, k_cat_mode[i])) { m = i; break; }
    if (m < 0 || sparse) {
        brain__cfg_bad(cfg, "output_mode", "must be multi_hot, one_hot or count, without sparse");
        return NULL;
    }
    return brain__cfg_finish_layer(brain_category_encoding(t, &(brain_category_encoding_options){ .output_mode = (brain_category_mode)m,
                                                                                                   .name = name }), cfg);
}

const brain_layer_vtable brain__category_encoding_vt = {
    .class_name = "CategoryEncoding", .snake_name = "category_encoding", .build = catenc_build, .forward = catenc_forward,
    .backward = no_backward, .get_config = catenc_get_config, .from_config = catenc_from_config,
};

brain_layer *brain_category_encoding(int64_t num_tokens, const brain_category_encoding_options *opt)
{
    if (num_tokens < 1 || (opt && (opt->output_mode < 0 || opt->output_mode > BRAIN_CATEGORY_COUNT))) {
        brain__fail(BRAIN_ERR_ARG, "CategoryEncoding: num_tokens must be ≥ 1 (got %lld) and output_mode a brain_category_mode",
                    (long long)num_tokens);
        return NULL;
    }
    catenc *c = (catenc *)brain__layer_new(&brain__category_encoding_vt, sizeof *c, opt ? opt->name : NULL);
    if (!c) return NULL;
    c->num_tokens = num_tokens;
    c->mode = opt ? opt->output_mode : BRAIN_CATEGORY_MULTI_HOT;
    return &c->base;
}
