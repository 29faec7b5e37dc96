/* pooling.c — MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D (channels-last).
 * The 1-D layers are the 2-D ones on an image of height 1.
 *
 * Window geometry as conv.c (dilation 1): valid: out = ⌊(n − p)/s⌋ + 1; same: out = ⌈n/s⌉ with
 * the odd extra padding at the bottom/right.  Padded cells take no part: they never win a max,
 * and an average divides by the number of cells inside the input (Keras: count_include_pad=False).
 *
 * Max:      y[b,i,j,c] = max over the window's cells of x;  the winning cell (first one on ties)
 *           is cached, and backward adds dy to that cell only: dx[argmax] += dy.
 * Average:  y = (1/n_valid) Σ_window x;   backward: dx[cell] += dy / n_valid for each window cell.
 */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif
#include "internal.h"
#include "layer_config.h"
#include "parallel.h"
#include <stdlib.h>
#include <string.h>

typedef struct pool {
    brain_layer base;
    int rank;
    bool is_max, same;
    int64_t ph, pw, sh, sw;
    int64_t H, W, C, OH, OW, pad_top, pad_left;
    int32_t *arg; int64_t arg_cap;          /* max: input index (within the batch) of each output's winner */
} pool;

static void pool_axis(int64_t n, int64_t p, int64_t s, bool same, int64_t *out, int64_t *pad)
{
    if (same) {
        *out = (n + s - 1) / s;
        int64_t total = (*out - 1) * s + p - n;
        *pad = total > 0 ? total / 2 : 0;
    } else {
        *out = n >= p ? (n - p) / s + 1 : 0;
        *pad = 0;
    }
}

static brain_status pool_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    pool *p = (pool *)l;
    if (in[0].ndim != p->rank + 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs inputs of rank %d (batch, %s, channels), got %s", l->vt->class_name,
                           l->name, p->rank + 2, p->rank == 2 ? "height, width" : "steps", b);
    }
    p->H = p->rank == 2 ? in[0].dims[0] : 1;
    p->W = in[0].dims[p->rank - 1];
    p->C = in[0].dims[p->rank];
    pool_axis(p->H, p->ph, p->sh, p->same, &p->OH, &p->pad_top);
    pool_axis(p->W, p->pw, p->sw, p->same, &p->OW, &p->pad_left);
    if (p->OH < 1 || p->OW < 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': pool_size %lldx%lld does not fit the input %s with padding \"valid\"",
                           l->vt->class_name, l->name, (long long)p->ph, (long long)p->pw, b);
    }
    if (p->is_max && (int64_t)INT32_MAX / (p->H * p->W * p->C) < 1)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': the input is too large", l->vt->class_name, l->name);
    out->ndim = p->rank + 1;
    if (p->rank == 2) { out->dims[0] = p->OH; out->dims[1] = p->OW; }
    else out->dims[0] = p->OW;
    out->dims[p->rank] = p->C;
    return BRAIN_OK;
}

static brain_status pool_reserve(brain_layer *l, int64_t batch)
{
    pool *p = (pool *)l;
    if (!p->is_max) return BRAIN_OK;
    if (batch * p->H * p->W * p->C > INT32_MAX)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': a batch of %lld is too large", l->vt->class_name, l->name, (long long)batch);
    _Static_assert(sizeof(int32_t) == sizeof(float), "int32_t and float sizes differ");
    float *b = (float *)p->arg;
    brain_status s = brain__reserve_floats(&b, &p->arg_cap, batch * p->OH * p->OW * p->C);
    p->arg = (int32_t *)b;
    return s;
}

/* the window of output (oh, ow), clipped to the input: rows [h0, h1), columns [w0, w1) */
static inline void window(const pool *p, int64_t oh, int64_t ow, int64_t *h0, int64_t *h1, int64_t *w0, int64_t *w1)
{
    int64_t a = oh * p->sh - p->pad_top, b = ow * p->sw - p->pad_left;
    *h0 = a < 0 ? 0 : a; *h1 = a + p->ph > p->H ? p->H : a + p->ph;
    *w0 = b < 0 ? 0 : b; *w1 = b + p->pw > p->W ? p->W : b + p->pw;
}

/* output rows r = b·OH + oh in [r0, r1) */
BRAIN_VECTOR_LOOP static void pool_rows(pool *p, const float *x, float *out, int64_t r0, int64_t r1)
{
    const int64_t H = p->H, W = p->W, C = p->C, OH = p->OH, OW = p->OW;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t b = r / OH, oh = r % OH;
        for (int64_t ow = 0; ow < OW; ow++) {
            int64_t h0, h1, w0, w1;
            window(p, oh, ow, &h0, &h1, &w0, &w1);
            float *y = out + (r * OW + ow) * C;
            if (p->is_max && h1 - h0 == 2 && w1 - w0 == 2) { /* 2×2 (the usual window): the same
                * comparisons in the same order as below, the running maximum in registers */
                int32_t *restrict arg = p->arg + (r * OW + ow) * C;
                float *restrict yo = y;
                const int32_t i0 = (int32_t)(((b * H + h0) * W + w0) * C), i1 = i0 + (int32_t)C,
                              i2 = i0 + (int32_t)(W * C), i3 = i2 + (int32_t)C;
                for (int64_t c = 0; c < C; c++) {
                    float m = x[i0 + c];
                    int32_t a = i0 + (int32_t)c;
                    bool win = x[i1 + c] > m;
                    m = win ? x[i1 + c] : m; a = win ? i1 + (int32_t)c : a;
                    win = x[i2 + c] > m;
                    m = win ? x[i2 + c] : m; a = win ? i2 + (int32_t)c : a;
                    win = x[i3 + c] > m;
                    m = win ? x[i3 + c] : m; a = win ? i3 + (int32_t)c : a;
                    yo[c] = m;
                    arg[c] = a;
                }
            } else if (p->is_max) { /* the window's first cell, then strict > (the first maximum wins) */
                int32_t *arg = p->arg + (r * OW + ow) * C;
                const int32_t first = (int32_t)(((b * H + h0) * W + w0) * C);
                for (int64_t c = 0; c < C; c++) { y[c] = x[first + c]; arg[c] = first + (int32_t)c; }
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = (h == h0 ? w0 + 1 : w0); w < w1; w++) {
                        const int32_t base = (int32_t)(((b * H + h) * W + w) * C);
                        const float *src = x + base;
                        for (int64_t c = 0; c < C; c++) {
                            const bool win = src[c] > y[c];
                            y[c] = win ? src[c] : y[c];
                            arg[c] = win ? base + (int32_t)c : arg[c];
                        }
                    }
            } else {
                for (int64_t c = 0; c < C; c++) y[c] = 0.0f;
                for (int64_t h = h0; h < h1; h++)
                    for (int64_t w = w0; w < w1; w++) {
                        const float *src = x + ((b * H + h) * W + w) * C;
                        for (int64_t c = 0; c < C; c++) y[c] += src[c];
                    }
                const float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
                for (int64_t c = 0; c < C; c++) y[c] *= inv;
            }
        }
    }
}

static void pool_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    pool *p = (pool *)l;
    const int64_t rows = in[0]->shape[0] * p->OH;
    BRAIN_PARALLEL_RANGES(rows, rows * p->OW * p->C > 65536, pool_rows(p, in[0]->data, out->data, r0, r1));
}

static void pool_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                          const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    pool *p = (pool *)l;
    if (!din[0]) return;
    const int64_t batch = in[0]->shape[0], H = p->H, W = p->W, C = p->C, OH = p->OH, OW = p->OW;
    float *dx = din[0]->data;
    const float *dy = dout->data;
    if (p->is_max) { /* an image's winners lie in that image: the threads take whole images */
        const int64_t per = OH * OW * C;
        BRAIN_PARALLEL_RANGES(batch, dout->size > 65536, for (int64_t i = r0 * per; i < r1 * per; i++) dx[p->arg[i]] += dy[i]);
        return;
    }
    for (int64_t r = 0; r < batch * OH; r++) {
        const int64_t b = r / OH, oh = r % OH;
        for (int64_t ow = 0; ow < OW; ow++) {
            int64_t h0, h1, w0, w1;
            window(p, oh, ow, &h0, &h1, &w0, &w1);
            const float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));
            const float *g = dy + (r * OW + ow) * C;
            for (int64_t h = h0; h < h1; h++)
                for (int64_t w = w0; w < w1; w++) {
                    float *dst = dx + ((b * H + h) * W + w) * C;
                    for (int64_t c = 0; c < C; c++) dst[c] += g[c] * inv;
                }
        }
    }
}

static void pool_destroy(brain_layer *l) { free(((pool *)l)->arg); }

static brain_status pool_get_config(const brain_layer *l, cJSON *cfg)
{
    const pool *p = (const pool *)l;
    int n = p->rank, o = 2 - n;
    int64_t ps[2] = {p->ph, p->pw}, st[2] = {p->sh, p->sw};
    brain_status s = brain__cfg_add_ints(cfg, "pool_size", n, ps + o);
    if (!s) s = brain__cfg_add_string(cfg, "padding", p->same ? "same" : "valid");
    if (!s) s = brain__cfg_add_ints(cfg, "strides", n, st + o);
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    return s;
}

static brain_layer *pool_new(int rank, bool is_max, const brain_pool_options *opt);

static brain_layer *pool_from_config(const cJSON *cfg, int rank, bool is_max)
{
    int64_t ps[2] = {2, 2}, st[2] = {0, 0};
    bool same = false;
    if (brain__cfg_get_tuple(cfg, "pool_size", rank, ps, false) || brain__cfg_get_tuple(cfg, "strides", rank, st, false) ||
        brain__cfg_get_padding(cfg, &same) || brain__cfg_check_channels_last(cfg))
        return NULL;
    brain_pool_options o = {.padding = same ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID, .name = brain__cfg_name(cfg)};
    for (int i = 0; i < rank; i++) {
        o.pool_size[i] = ps[i];
        o.strides[i] = st[i] ? st[i] : ps[i];
    }
    return pool_new(rank, is_max, &o);
}
static brain_layer *max2d_from_config(const cJSON *c) { return pool_from_config(c, 2, true); }
static brain_layer *avg2d_from_config(const cJSON *c) { return pool_from_config(c, 2, false); }
static brain_layer *max1d_from_config(const cJSON *c) { return pool_from_config(c, 1, true); }
static brain_layer *avg1d_from_config(const cJSON *c) { return pool_from_config(c, 1, false); }

#define POOL_VT(var, cls, snake, fc)                                                                              \
    const brain_layer_vtable var = {.class_name = cls, .snake_name = snake, .build = pool_build,                  \
                                    .reserve = pool_reserve, .forward = pool_forward, .backward = pool_backward,  \
                                    .destroy = pool_destroy, .get_config = pool_get_config, .from_config = fc}
POOL_VT(brain__max_pooling2d_vt, "MaxPooling2D", "max_pooling2d", max2d_from_config);
POOL_VT(brain__average_pooling2d_vt, "AveragePooling2D", "average_pooling2d", avg2d_from_config);
POOL_VT(brain__max_pooling1d_vt, "MaxPooling1D", "max_pooling1d", max1d_from_config);
POOL_VT(brain__average_pooling1d_vt, "AveragePooling1D", "average_pooling1d", avg1d_from_config);

static brain_layer *pool_new(int rank, bool is_max, const brain_pool_options *opt)
{
    const brain_layer_vtable *vt = rank == 2 ? (is_max ? &brain__max_pooling2d_vt : &brain__average_pooling2d_vt)
                                             : (is_max ? &brain__max_pooling1d_vt : &brain__average_pooling1d_vt);
    brain_pool_options o = opt ? *opt : (brain_pool_options){0};
    int64_t ps[2], st[2];
    ps[0] = o.pool_size[0] ? o.pool_size[0] : 2;
    ps[1] = o.pool_size[1] ? o.pool_size[1] : (o.pool_size[0] ? ps[0] : 2);
    st[0] = o.strides[0] ? o.strides[0] : ps[0];
    st[1] = o.strides[1] ? o.strides[1] : (o.strides[0] ? st[0] : ps[1]);
    if (ps[0] < 1 || ps[1] < 1 || st[0] < 1 || st[1] < 1 || (o.padding != BRAIN_PADDING_VALID && o.padding != BRAIN_PADDING_SAME)) {
        brain__fail(BRAIN_ERR_ARG, "%s: pool_size and strides must be positive and padding valid or same", vt->class_name);
        return NULL;
    }
    pool *p = (pool *)brain__layer_new(vt, sizeof(pool), o.name);
    if (!p) return NULL;
    p->rank = rank;
    p->is_max = is_max;
    p->same = o.padding == BRAIN_PADDING_SAME;
    if (rank == 2) { p->ph = ps[0]; p->pw = ps[1]; p->sh = st[0]; p->sw = st[1]; }
    else { p->ph = 1; p->pw = ps[0]; p->sh = 1; p->sw = st[0]; }
    return &p->base;
}

brain_layer *brain_max_pooling2d(const brain_pool_options *opt) { return pool_new(2, true, opt); }
brain_layer *brain_average_pooling2d(const brain_pool_options *opt) { return pool_new(2, false, opt); }
brain_layer *brain_max_pooling1d(const brain_pool_options *opt) { return pool_new(1, true, opt); }
brain_layer *brain_average_pooling1d(const brain_pool_options *opt) { return pool_new(1, false, opt); }
