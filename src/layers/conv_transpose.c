/* conv_transpose.c — Conv2DTranspose (channels-last), the gradient of a convolution:
 * kernel K (kh, kw, filters, C_in) as Keras stores it, and
 *   z[b, i·s_h + p·d_h − top, j·s_w + q·d_w − left, f] += Σ_c x[b, i, j, c] · K[p, q, f, c]  (+ bias[f])
 *   y = f(z)
 * Output size and crop per axis, as Keras's JAX backend (backend_utils: left/right pads of the
 * equivalent convolution, k_eff = (k − 1)·d + 1):
 *   valid: out = (n − 1)·s + max(k_eff, s), crop = 0
 *   same:  out = n·s,  crop = k_eff − 1 − min(⌈(s + k_eff − 2)/2⌉, k_eff − 1)
 * Per image as matrix products: cols = x · Kmatᵀ (rows H·W, columns kh·kw·filters; Kmat is K
 * read as (kh·kw·filters) × C_in), then each column is added at its output pixel (col2im).
 * Backward: dz = dy ⊙ f'(z); dcols gathered from dz at the same places; dx += dcols · Kmat;
 * dKmat += dcolsᵀ · x; db += Σ dz — image after image, so sums do not depend on threads. */
#include "internal.h"
#include "layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct tconv {
    brain_layer base;
    int64_t filters, kh, kw, sh, sw, dh, dw;
    bool same, use_bias;
    brain_initializer_kind kinit, binit;
    brain_regularizer kreg, breg;
    brain_weight *kernel, *bias;
    int64_t H, W, C, OH, OW, top, left;
    float *cols; int64_t cols_cap;          /* one image's columns */
    float *z; int64_t z_cap;                /* pre-activations when f is not linear */
    float *dz; int64_t dz_cap;
} tconv;

static void axis(int64_t n, int64_t k, int64_t s, int64_t d, bool same, int64_t *out, int64_t *crop)
{
    const int64_t ke = (k - 1) * d + 1;
    if (!same) {
        *out = (n - 1) * s + (ke > s ? ke : s);
        *crop = 0;
        return;
    }
    const int64_t pad_len = s + ke - 2, half = pad_len / 2 + pad_len % 2;
    *out = n * s;
    *crop = ke - 1 - (half < ke - 1 ? half : ke - 1);
}

static brain_status tc_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    tconv *c = (tconv *)l;
    if (in[0].ndim != 3) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "Conv2DTranspose '%s' needs images (height, width, channels), got %s", l->name, b);
    }
    c->H = in[0].dims[0]; c->W = in[0].dims[1]; c->C = in[0].dims[2];
    axis(c->H, c->kh, c->sh, c->dh, c->same, &c->OH, &c->top);
    axis(c->W, c->kw, c->sw, c->dw, c->same, &c->OW, &c->left);
    int64_t ks[4] = {c->kh, c->kw, c->filters, c->C}, bs[1] = {c->filters};
    c->kernel = brain__layer_add_weight(l, "kernel", 4, ks, c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM, c->kreg, true);
    if (!c->kernel) return BRAIN_ERR_ARG;
    if (c->use_bias && !(c->bias = brain__layer_add_weight(l, "bias", 1, bs, c->binit ? c->binit : BRAIN_INIT_ZEROS, c->breg, true)))
        return BRAIN_ERR_ARG;
    *out = (brain_shape){.ndim = 3, .dims = {c->OH, c->OW, c->filters}};
    return BRAIN_OK;
}

static brain_status tc_reserve(brain_layer *l, int64_t batch)
{
    tconv *c = (tconv *)l;
    int64_t n = batch * c->OH * c->OW * c->filters;
    brain_status s = brain__reserve_floats(&c->cols, &c->cols_cap, c->H * c->W * c->kh * c->kw * c->filters);
    if (!s) s = brain__reserve_floats(&c->z, &c->z_cap, n);
    if (!s) s = brain__reserve_floats(&c->dz, &c->dz_cap, n);
    return s;
}

/* col2im (add = true: z[...] += cols) or im2col of a gradient (add = false: cols = dz[...] or 0) */
static void scatter(const tconv *c, float *cols, float *z, bool add)
{
    const int64_t F = c->filters, TF = c->kh * c->kw * F;
    for (int64_t i = 0; i < c->H; i++)
        for (int64_t j = 0; j < c->W; j++) {
            float *cr = cols + (i * c->W + j) * TF;
            for (int64_t p = 0; p < c->kh; p++) {
                const int64_t oy = i * c->sh + p * c->dh - c->top;
                for (int64_t q = 0; q < c->kw; q++) {
                    const int64_t ox = j * c->sw + q * c->dw - c->left;
                    float *ct = cr + (p * c->kw + q) * F;
                    if (oy < 0 || oy >= c->OH || ox < 0 || ox >= c->OW) {
                        if (!add) memset(ct, 0, sizeof(float) * (size_t)F);
                        continue;
                    }
                    float *zr = z + (oy * c->OW + ox) * F;
                    if (add) for (int64_t f = 0; f < F; f++) zr[f] += ct[f];
                    else memcpy(ct, zr, sizeof(float) * (size_t)F);
                }
            }
        }
}

static void tc_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    tconv *c = (tconv *)l;
    const int64_t B = in[0]->shape[0], F = c->filters, TF = c->kh * c->kw * F, HW = c->H * c->W;
    const int64_t per_out = c->OH * c->OW * F;
    const bool linear = l->activation == BRAIN_LINEAR;
    float *z = linear ? out->data : c->z;
    for (int64_t b = 0; b < B; b++) {
        float *zb = z + b * per_out;
        for (int64_t o = 0; o < c->OH * c->OW; o++)
            for (int64_t f = 0; f < F; f++) zb[o * F + f] = c->bias ? c->bias->value[f] : 0.0f;
        brain_sgemm(false, true, HW, TF, c->C, 1.0f, in[0]->data + b * HW * c->C, c->C, c->kernel->value, c->C, 0.0f,
                    c->cols, TF);
        scatter(c, c->cols, zb, true);
    }
    if (!linear) brain__act_forward(l->activation, z, out->data, B * c->OH * c->OW, F);
}

static void tc_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    tconv *c = (tconv *)l;
    const int64_t B = in[0]->shape[0], F = c->filters, TF = c->kh * c->kw * F, HW = c->H * c->W;
    const int64_t per_out = c->OH * c->OW * F;
    const float *dz = dout->data;
    if (l->activation != BRAIN_LINEAR) {
        brain__act_backward(l->activation, c->z, out->data, dout->data, c->dz, B * c->OH * c->OW, F, false);
        dz = c->dz;
    }
    for (int64_t b = 0; b < B; b++) {
        const float *g = dz + b * per_out;
        if (c->bias && c->bias->grad)
            for (int64_t o = 0; o < c->OH * c->OW; o++)
                for (int64_t f = 0; f < F; f++) c->bias->grad[f] += g[o * F + f];
        scatter(c, c->cols, (float *)g, false);
        const float *x = in[0]->data + b * HW * c->C;
        if (c->kernel->grad) brain_sgemm(true, false, TF, c->C, HW, 1.0f, c->cols, TF, x, c->C, 1.0f, c->kernel->grad, c->C);
        if (din[0]) brain_sgemm(false, false, HW, c->C, TF, 1.0f, c->cols, TF, c->kernel->value, c->C, 1.0f,
                                din[0]->data + b * HW * c->C, c->C);
    }
}

static void tc_destroy(brain_layer *l)
{
    tconv *c = (tconv *)l;
    free(c->cols); free(c->z); free(c->dz);
}

static brain_status tc_get_config(const brain_layer *l, cJSON *cfg)
{
    const tconv *c = (const tconv *)l;
    int64_t ks[2] = {c->kh, c->kw}, st[2] = {c->sh, c->sw}, dl[2] = {c->dh, c->dw};
    brain_status s = brain__cfg_add_number(cfg, "filters", (double)c->filters);
    if (!s) s = brain__cfg_add_ints(cfg, "kernel_size", 2, ks);
    if (!s) s = brain__cfg_add_ints(cfg, "strides", 2, st);
    if (!s) s = brain__cfg_add_string(cfg, "padding", c->same ? "same" : "valid");
    if (!s) s = brain__cfg_add_null(cfg, "output_padding");
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = brain__cfg_add_ints(cfg, "dilation_rate", 2, dl);
    if (!s) s = brain__cfg_add_string(cfg, "activation", brain_activation_name(l->activation));
    if (!s) s = brain__cfg_add_bool(cfg, "use_bias", c->use_bias);
    if (!s) s = brain__cfg_add_initializer(cfg, "kernel_initializer", c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s) s = brain__cfg_add_initializer(cfg, "bias_initializer", c->binit ? c->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_regularizer(cfg, "kernel_regularizer", c->kreg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "bias_regularizer", c->breg);
    if (!s) s = brain__cfg_add_null(cfg, "activity_regularizer");
    if (!s) s = brain__cfg_add_null(cfg, "kernel_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "bias_constraint");
    return s;
}

static brain_layer *tc_from_config(const cJSON *cfg)
{
    double filters = 0;
    int64_t ks[2] = {0, 0}, st[2] = {1, 1}, dl[2] = {1, 1};
    bool same = false, use_bias = true;
    brain_conv_options o = {.name = brain__cfg_name(cfg)};
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(cfg, "output_padding");
    if (op && !cJSON_IsNull(op)) {
        brain__cfg_bad(cfg, "output_padding", "is set; only None (Keras's default) is supported");
        return NULL;
    }
    if (brain__cfg_get_number(cfg, "filters", &filters) || brain__cfg_get_tuple(cfg, "kernel_size", 2, ks, true) ||
        brain__cfg_get_tuple(cfg, "strides", 2, st, false) || brain__cfg_get_tuple(cfg, "dilation_rate", 2, dl, false) ||
        brain__cfg_get_padding(cfg, &same) || brain__cfg_check_channels_last(cfg) ||
        brain__cfg_get_activation_or(cfg, "activation", BRAIN_LINEAR, &o.activation) ||
        brain__cfg_get_bool_or(cfg, "use_bias", use_bias, &use_bias) ||
        brain__cfg_get_initializer(cfg, "kernel_initializer", &o.kernel_initializer) ||
        brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer) ||
        brain__cfg_get_regularizer(cfg, "kernel_regularizer", &o.kernel_regularizer) ||
        brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer))
        return NULL;
    o.padding = same ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID;
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    for (int i = 0; i < 2; i++) { o.strides[i] = st[i]; o.dilation_rate[i] = dl[i]; }
    return brain__cfg_finish_layer(brain_conv2d_transpose(brain__to_i64(filters), ks[0], ks[1], &o), cfg);
}

const brain_layer_vtable brain__conv2d_transpose_vt = {
    .class_name = "Conv2DTranspose", .snake_name = "conv2d_transpose", .build = tc_build, .reserve = tc_reserve,
    .forward = tc_forward, .backward = tc_backward, .destroy = tc_destroy,
    .get_config = tc_get_config, .from_config = tc_from_config,
};

brain_layer *brain_conv2d_transpose(int64_t filters, int64_t kh, int64_t kw, const brain_conv_options *opt)
{
    brain_conv_options o = opt ? *opt : (brain_conv_options){0};
    int64_t st[2] = {o.strides[0] ? o.strides[0] : 1, 0}, dl[2] = {o.dilation_rate[0] ? o.dilation_rate[0] : 1, 0};
    st[1] = o.strides[1] ? o.strides[1] : st[0];
    dl[1] = o.dilation_rate[1] ? o.dilation_rate[1] : dl[0];
    if (filters <= 0 || kh <= 0 || kw <= 0 || st[0] < 1 || st[1] < 1 || dl[0] < 1 || dl[1] < 1) {
        brain__fail(BRAIN_ERR_ARG, "Conv2DTranspose: filters, kernel_size, strides and dilation_rate must be positive");
        return NULL;
    }
    if ((unsigned)o.activation >= BRAIN_ACTIVATION_COUNT || (o.padding != BRAIN_PADDING_VALID && o.padding != BRAIN_PADDING_SAME)) {
        brain__fail(BRAIN_ERR_ARG, "Conv2DTranspose: activation %d or padding %d is not a valid value", (int)o.activation, (int)o.padding);
        return NULL;
    }
    tconv *c = (tconv *)brain__layer_new(&brain__conv2d_transpose_vt, sizeof(tconv), o.name);
    if (!c) return NULL;
    c->filters = filters; c->kh = kh; c->kw = kw;
    c->sh = st[0]; c->sw = st[1]; c->dh = dl[0]; c->dw = dl[1];
    c->same = o.padding == BRAIN_PADDING_SAME;
    c->use_bias = o.use_bias != BRAIN_OFF;
    c->kinit = o.kernel_initializer; c->binit = o.bias_initializer;
    c->kreg = o.kernel_regularizer; c->breg = o.bias_regularizer;
    c->base.activation = o.activation;
    return &c->base;
}
