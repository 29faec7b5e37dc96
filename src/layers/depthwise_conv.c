/* depthwise_conv.c — DepthwiseConv2D (channels-last): each input channel c convolved with its own
 * depth_multiplier (M) filters; output channel c·M + m.
 *
 * Geometry as Conv2D (conv.c): per axis k_eff = (k − 1)·d + 1; valid: out = ⌊(n − k_eff)/s⌋ + 1;
 * same: out = ⌈n/s⌉, total = max(0, (out − 1)·s + k_eff − n), before = ⌊total/2⌋.
 *   z[b,i,j,c·M+m] = bias[c·M+m] + Σ_{p,q} x[b, i·s_h + p·d_h − top, j·s_w + q·d_w − left, c] · K[p,q,c,m]
 *   y = f(z)
 * Backward: dz = dy ⊙ f'(z);  dK[p,q,c,m] += Σ x·dz,  db += Σ dz,  dx[...,c] += Σ dz·K[p,q,c,m].
 * Direct loops with the channels innermost (contiguous in x, K and z), one image at a time;
 * threads take whole images in forward and in dx (each image's sums in a fixed order); dK and db
 * are summed image after image, so results do not depend on the thread count.
 *
 * SeparableConv2D (filters F) is the same depthwise step without its bias, t = dw(x), then a 1×1
 * convolution: z = t · P + bias (P = pointwise_kernel (1, 1, C·M, F) read as (C·M) × F), y = f(z).
 * Backward: db += Σ dz, dP += tᵀ·dz, dt = dz·Pᵀ, then the depthwise backward from dt. */
#include "internal.h"
#include "layer_config.h"
#include "parallel.h"
#include <stdlib.h>
#include <string.h>

typedef struct dwconv {
    brain_layer base;
    int64_t kh, kw, sh, sw, dh, dw, M;
    bool same, use_bias;
    brain_initializer_kind kinit, binit;
    brain_regularizer kreg, breg;
    brain_weight *kernel, *bias;
    int64_t H, W, C, OH, OW, top, left;
    float *z; int64_t z_cap;                /* pre-activations, kept when f is not linear */
    float *dz; int64_t dz_cap;
    /* SeparableConv2D: F > 0 pointwise filters (bias is then theirs) */
    int64_t F;
    brain_initializer_kind pinit;
    brain_regularizer preg;
    brain_weight *pointwise;
    float *t; int64_t t_cap;                /* the depthwise output */
    float *dt; int64_t dt_cap;
} dwconv;

static void geometry(int64_t n, int64_t k, int64_t s, int64_t d, bool same, int64_t *out, int64_t *before)
{
    const int64_t ke = (k - 1) * d + 1;
    if (same) {
        *out = (n + s - 1) / s;
        int64_t total = (*out - 1) * s + ke - n;
        *before = total > 0 ? total / 2 : 0;
    } else {
        *out = n >= ke ? (n - ke) / s + 1 : 0;
        *before = 0;
    }
}

static brain_status dw_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    dwconv *c = (dwconv *)l;
    if (in[0].ndim != 3) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "DepthwiseConv2D '%s' needs images (height, width, channels), got %s", l->name, b);
    }
    c->H = in[0].dims[0]; c->W = in[0].dims[1]; c->C = in[0].dims[2];
    geometry(c->H, c->kh, c->sh, c->dh, c->same, &c->OH, &c->top);
    geometry(c->W, c->kw, c->sw, c->dw, c->same, &c->OW, &c->left);
    if (c->OH < 1 || c->OW < 1)
        return brain__fail(BRAIN_ERR_ARG, "DepthwiseConv2D '%s': a %lldx%lld kernel does not fit a %lldx%lld image with valid padding",
                           l->name, (long long)c->kh, (long long)c->kw, (long long)c->H, (long long)c->W);
    int64_t ks[4] = {c->kh, c->kw, c->C, c->M}, bs[1] = {c->F ? c->F : c->C * c->M};
    c->kernel = brain__layer_add_weight(l, c->F ? "depthwise_kernel" : "kernel", 4, ks,
                                        c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM, c->kreg, true);
    if (!c->kernel) return BRAIN_ERR_ARG;
    if (c->F) {
        int64_t ps[4] = {1, 1, c->C * c->M, c->F};
        c->pointwise = brain__layer_add_weight(l, "pointwise_kernel", 4, ps, c->pinit ? c->pinit : BRAIN_INIT_GLOROT_UNIFORM,
                                               c->preg, true);
        if (!c->pointwise) return BRAIN_ERR_ARG;
    }
    if (c->use_bias && !(c->bias = brain__layer_add_weight(l, "bias", 1, bs, c->binit ? c->binit : BRAIN_INIT_ZEROS, c->breg, true)))
        return BRAIN_ERR_ARG;
    *out = (brain_shape){.ndim = 3, .dims = {c->OH, c->OW, c->F ? c->F : c->C * c->M}};
    return BRAIN_OK;
}

static brain_status dw_reserve(brain_layer *l, int64_t batch)
{
    dwconv *c = (dwconv *)l;
    int64_t nt = batch * c->OH * c->OW * c->C * c->M, n = c->F ? batch * c->OH * c->OW * c->F : nt;
    brain_status s = brain__reserve_floats(&c->z, &c->z_cap, n);
    if (!s) s = brain__reserve_floats(&c->dz, &c->dz_cap, n);
    if (!s && c->F) s = brain__reserve_floats(&c->t, &c->t_cap, nt);
    if (!s && c->F) s = brain__reserve_floats(&c->dt, &c->dt_cap, nt);
    return s;
}

/* z of one image */
static void dw_image(const dwconv *c, const float *x, float *z)
{
    const int64_t C = c->C, M = c->M, CM = C * M;
    const float *K = c->kernel->value, *bias = c->bias && !c->F ? c->bias->value : NULL;
    for (int64_t i = 0; i < c->OH; i++)
        for (int64_t j = 0; j < c->OW; j++) {
            float *zr = z + (i * c->OW + j) * CM;
            for (int64_t k = 0; k < CM; k++) zr[k] = bias ? bias[k] : 0.0f;
            for (int64_t p = 0; p < c->kh; p++) {
                const int64_t ih = i * c->sh + p * c->dh - c->top;
                if (ih < 0 || ih >= c->H) continue;
                for (int64_t q = 0; q < c->kw; q++) {
                    const int64_t iw = j * c->sw + q * c->dw - c->left;
                    if (iw < 0 || iw >= c->W) continue;
                    const float *xr = x + (ih * c->W + iw) * C, *kr = K + (p * c->kw + q) * CM;
                    if (M == 1)
                        for (int64_t ch = 0; ch < C; ch++) zr[ch] += xr[ch] * kr[ch];
                    else
                        for (int64_t ch = 0; ch < C; ch++)
                            for (int64_t m = 0; m < M; m++) zr[ch * M + m] += xr[ch] * kr[ch * M + m];
                }
            }
        }
}

static void dw_images(const dwconv *c, const float *x, float *z, int64_t b0, int64_t b1)
{
    const int64_t per_in = c->H * c->W * c->C, per_out = c->OH * c->OW * c->C * c->M;
    for (int64_t b = b0; b < b1; b++) dw_image(c, x + b * per_in, z + b * per_out);
}

static void dw_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    dwconv *c = (dwconv *)l;
    const int64_t B = in[0]->shape[0], per_out = c->OH * c->OW * c->C * c->M, rows = B * c->OH * c->OW;
    const int64_t OC = c->F ? c->F : c->C * c->M;
    const bool linear = l->activation == BRAIN_LINEAR;
    float *z = linear ? out->data : c->z;
    float *t = c->F ? c->t : z;
    BRAIN_PARALLEL_RANGES(B, B * per_out >= 32768, dw_images(c, in[0]->data, t, r0, r1));
    if (c->F) { /* the pointwise 1×1 convolution */
        for (int64_t r = 0; r < rows; r++)
            for (int64_t f = 0; f < c->F; f++) z[r * c->F + f] = c->bias ? c->bias->value[f] : 0.0f;
        brain_sgemm(false, false, rows, c->F, c->C * c->M, 1.0f, t, c->C * c->M, c->pointwise->value, c->F, 1.0f, z, c->F);
    }
    if (!linear) brain__act_forward(l->activation, z, out->data, rows, OC);
}

static void dw_input_grad(const dwconv *c, const float *dz, float *dx_all, int64_t b0, int64_t b1);

static void dw_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    dwconv *c = (dwconv *)l;
    const int64_t B = in[0]->shape[0], C = c->C, M = c->M, CM = C * M, rows = B * c->OH * c->OW;
    const int64_t per_in = c->H * c->W * C, per_out = c->OH * c->OW * CM, OC = c->F ? c->F : CM;
    const float *dz = dout->data;
    if (l->activation != BRAIN_LINEAR) {
        brain__act_backward(l->activation, c->z, out->data, dout->data, c->dz, rows, OC, false);
        dz = c->dz;
    }
    if (c->F) { /* pointwise: db, dP, then the depthwise part continues from dt */
        if (c->bias && c->bias->grad)
            for (int64_t r = 0; r < rows; r++)
                for (int64_t f = 0; f < c->F; f++) c->bias->grad[f] += dz[r * c->F + f];
        if (c->pointwise->grad) brain_sgemm(true, false, CM, c->F, rows, 1.0f, c->t, CM, dz, c->F, 1.0f, c->pointwise->grad, c->F);
        brain_sgemm(false, true, rows, CM, c->F, 1.0f, dz, c->F, c->pointwise->value, c->F, 0.0f, c->dt, CM);
        dz = c->dt;
    }
    float *dK = c->kernel->grad, *db = c->bias && !c->F ? c->bias->grad : NULL;
    for (int64_t b = 0; b < B && (dK || db); b++) { /* weight gradients: image after image */
        const float *x = in[0]->data + b * per_in, *g = dz + b * per_out;
        for (int64_t i = 0; i < c->OH; i++)
            for (int64_t j = 0; j < c->OW; j++) {
                const float *gr = g + (i * c->OW + j) * CM;
                if (db) for (int64_t k = 0; k < CM; k++) db[k] += gr[k];
                if (!dK) continue;
                for (int64_t p = 0; p < c->kh; p++) {
                    const int64_t ih = i * c->sh + p * c->dh - c->top;
                    if (ih < 0 || ih >= c->H) continue;
                    for (int64_t q = 0; q < c->kw; q++) {
                        const int64_t iw = j * c->sw + q * c->dw - c->left;
                        if (iw < 0 || iw >= c->W) continue;
                        const float *xr = x + (ih * c->W + iw) * C;
                        float *kr = dK + (p * c->kw + q) * CM;
                        for (int64_t ch = 0; ch < C; ch++)
                            for (int64_t m = 0; m < M; m++) kr[ch * M + m] += xr[ch] * gr[ch * M + m];
                    }
                }
            }
    }
    if (din[0]) BRAIN_PARALLEL_RANGES(B, B * per_out >= 32768, dw_input_grad(c, dz, din[0]->data, r0, r1));
}

/* dx of images b0..b1 */
static void dw_input_grad(const dwconv *c, const float *dz, float *dx_all, int64_t b0, int64_t b1)
{
    const int64_t C = c->C, M = c->M, CM = C * M, per_in = c->H * c->W * C, per_out = c->OH * c->OW * CM;
    const float *K = c->kernel->value;
    for (int64_t b = b0; b < b1; b++) {
        float *dx = dx_all + b * per_in;
        const float *g = dz + b * per_out;
        for (int64_t i = 0; i < c->OH; i++)
            for (int64_t j = 0; j < c->OW; j++) {
                const float *gr = g + (i * c->OW + j) * CM;
                for (int64_t p = 0; p < c->kh; p++) {
                    const int64_t ih = i * c->sh + p * c->dh - c->top;
                    if (ih < 0 || ih >= c->H) continue;
                    for (int64_t q = 0; q < c->kw; q++) {
                        const int64_t iw = j * c->sw + q * c->dw - c->left;
                        if (iw < 0 || iw >= c->W) continue;
                        float *dxr = dx + (ih * c->W + iw) * C;
                        const float *kr = K + (p * c->kw + q) * CM;
                        for (int64_t ch = 0; ch < C; ch++)
                            for (int64_t m = 0; m < M; m++) dxr[ch] += gr[ch * M + m] * kr[ch * M + m];
                    }
                }
            }
    }
}

static void dw_destroy(brain_layer *l)
{
    dwconv *c = (dwconv *)l;
    free(c->z);
    free(c->dz);
    free(c->t);
    free(c->dt);
}

static brain_status dw_get_config(const brain_layer *l, cJSON *cfg)
{
    const dwconv *c = (const dwconv *)l;
    int64_t ks[2] = {c->kh, c->kw}, st[2] = {c->sh, c->sw}, dl[2] = {c->dh, c->dw};
    brain_status s = c->F ? brain__cfg_add_number(cfg, "filters", (double)c->F) : BRAIN_OK;
    if (!s) s = brain__cfg_add_number(cfg, "depth_multiplier", (double)c->M);
    if (!s) s = brain__cfg_add_ints(cfg, "kernel_size", 2, ks);
    if (!s) s = brain__cfg_add_ints(cfg, "strides", 2, st);
    if (!s) s = brain__cfg_add_string(cfg, "padding", c->same ? "same" : "valid");
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = brain__cfg_add_ints(cfg, "dilation_rate", 2, dl);
    if (!s) s = brain__cfg_add_string(cfg, "activation", brain_activation_name(l->activation));
    if (!s) s = brain__cfg_add_bool(cfg, "use_bias", c->use_bias);
    if (!s) s = brain__cfg_add_initializer(cfg, "depthwise_initializer", c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s && c->F) s = brain__cfg_add_initializer(cfg, "pointwise_initializer", c->pinit ? c->pinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s) s = brain__cfg_add_initializer(cfg, "bias_initializer", c->binit ? c->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_regularizer(cfg, "depthwise_regularizer", c->kreg);
    if (!s && c->F) s = brain__cfg_add_regularizer(cfg, "pointwise_regularizer", c->preg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "bias_regularizer", c->breg);
    if (!s) s = brain__cfg_add_null(cfg, "activity_regularizer");
    if (!s) s = brain__cfg_add_null(cfg, "depthwise_constraint");
    if (!s && c->F) s = brain__cfg_add_null(cfg, "pointwise_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "bias_constraint");
    return s;
}

static brain_layer *dw_from_config(const cJSON *cfg);
static brain_layer *sep_from_config(const cJSON *cfg);

static brain_layer *dw_from_config_impl(const cJSON *cfg, bool separable)
{
    double M = 1, F = 0;
    int64_t ks[2] = {0, 0}, st[2] = {1, 1}, dl[2] = {1, 1};
    bool same = false, use_bias = true;
    brain_depthwise_conv_options o = {.name = brain__cfg_name(cfg)};
    if ((separable && brain__cfg_get_number(cfg, "filters", &F)) ||
        (separable && (brain__cfg_get_initializer(cfg, "pointwise_initializer", &o.pointwise_initializer) ||
                       brain__cfg_get_regularizer(cfg, "pointwise_regularizer", &o.pointwise_regularizer))) ||
        brain__cfg_get_number_or(cfg, "depth_multiplier", 1, &M) || brain__cfg_get_tuple(cfg, "kernel_size", 2, ks, true) ||
        brain__cfg_get_tuple(cfg, "strides", 2, st, false) || brain__cfg_get_tuple(cfg, "dilation_rate", 2, dl, false) ||
        brain__cfg_get_padding(cfg, &same) || brain__cfg_check_channels_last(cfg) ||
        brain__cfg_get_activation_or(cfg, "activation", BRAIN_LINEAR, &o.activation) ||
        brain__cfg_get_bool_or(cfg, "use_bias", use_bias, &use_bias) ||
        brain__cfg_get_initializer(cfg, "depthwise_initializer", &o.depthwise_initializer) ||
        brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer) ||
        brain__cfg_get_regularizer(cfg, "depthwise_regularizer", &o.depthwise_regularizer) ||
        brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer))
        return NULL;
    o.depth_multiplier = (int64_t)M;
    o.padding = same ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID;
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    for (int i = 0; i < 2; i++) { o.strides[i] = st[i]; o.dilation_rate[i] = dl[i]; }
    return brain__cfg_finish_layer(separable ? brain_separable_conv2d((int64_t)F, ks[0], ks[1], &o)
                                             : brain_depthwise_conv2d(ks[0], ks[1], &o), cfg);
}
static brain_layer *dw_from_config(const cJSON *cfg) { return dw_from_config_impl(cfg, false); }
static brain_layer *sep_from_config(const cJSON *cfg) { return dw_from_config_impl(cfg, true); }

const brain_layer_vtable brain__depthwise_conv2d_vt = {
    .class_name = "DepthwiseConv2D", .snake_name = "depthwise_conv2d", .build = dw_build, .reserve = dw_reserve,
    .forward = dw_forward, .backward = dw_backward, .destroy = dw_destroy,
    .get_config = dw_get_config, .from_config = dw_from_config,
};

const brain_layer_vtable brain__separable_conv2d_vt = {
    .class_name = "SeparableConv2D", .snake_name = "separable_conv2d", .build = dw_build, .reserve = dw_reserve,
    .forward = dw_forward, .backward = dw_backward, .destroy = dw_destroy,
    .get_config = dw_get_config, .from_config = sep_from_config,
};

static brain_layer *dw_new(int64_t F, int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt);

brain_layer *brain_separable_conv2d(int64_t filters, int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt)
{
    if (filters <= 0) {
        brain__fail(BRAIN_ERR_ARG, "SeparableConv2D: filters must be positive, got %lld", (long long)filters);
        return NULL;
    }
    return dw_new(filters, kh, kw, opt);
}

brain_layer *brain_depthwise_conv2d(int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt)
{
    return dw_new(0, kh, kw, opt);
}

static brain_layer *dw_new(int64_t F, int64_t kh, int64_t kw, const brain_depthwise_conv_options *opt)
{
    brain_depthwise_conv_options o = opt ? *opt : (brain_depthwise_conv_options){0};
    int64_t st[2] = {o.strides[0] ? o.strides[0] : 1, 0}, dl[2] = {o.dilation_rate[0] ? o.dilation_rate[0] : 1, 0};
    st[1] = o.strides[1] ? o.strides[1] : st[0];
    dl[1] = o.dilation_rate[1] ? o.dilation_rate[1] : dl[0];
    int64_t M = o.depth_multiplier ? o.depth_multiplier : 1;
    if (kh <= 0 || kw <= 0 || M <= 0 || st[0] < 1 || st[1] < 1 || dl[0] < 1 || dl[1] < 1) {
        brain__fail(BRAIN_ERR_ARG, "DepthwiseConv2D: kernel_size, depth_multiplier, strides and dilation_rate must be positive");
        return NULL;
    }
    if ((unsigned)o.activation >= BRAIN_ACTIVATION_COUNT || (o.padding != BRAIN_PADDING_VALID && o.padding != BRAIN_PADDING_SAME)) {
        brain__fail(BRAIN_ERR_ARG, "DepthwiseConv2D: activation %d or padding %d is not a valid value", (int)o.activation, (int)o.padding);
        return NULL;
    }
    dwconv *c = (dwconv *)brain__layer_new(F ? &brain__separable_conv2d_vt : &brain__depthwise_conv2d_vt, sizeof(dwconv), o.name);
    if (!c) return NULL;
    c->kh = kh; c->kw = kw; c->sh = st[0]; c->sw = st[1]; c->dh = dl[0]; c->dw = dl[1]; c->M = M;
    c->same = o.padding == BRAIN_PADDING_SAME;
    c->use_bias = o.use_bias != BRAIN_OFF;
    c->kinit = o.depthwise_initializer; c->binit = o.bias_initializer;
    c->kreg = o.depthwise_regularizer; c->breg = o.bias_regularizer;
    c->F = F; c->pinit = o.pointwise_initializer; c->preg = o.pointwise_regularizer;
    c->base.activation = o.activation;
    return &c->base;
}
