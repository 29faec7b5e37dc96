/* batch_normalization.c — BatchNormalization over any axis (default the last, channels-last).
 *
 * Per channel c (an index of the axis), over the R elements of a batch with that index:
 *   training (ctx->training and the layer trainable):
 *     μ = (1/R) Σ x,  σ² = (1/R) Σ (x − μ)²  (biased)
 *     moving_mean ← moving_mean·m + μ·(1 − m),  moving_variance ← moving_variance·m + σ²·(1 − m)
 *   inference: μ, σ² = moving_mean, moving_variance (nothing is updated)
 *   inv = γ / √(σ² + ε);  y = x·inv + (β − μ·inv)          (Keras's arithmetic order)
 * Backward, with x̂ = (x − μ)/√(σ² + ε):
 *   dβ += Σ dy,   dγ += Σ dy·x̂
 *   training:  dx += γ/√(σ²+ε) · (dy − (1/R)Σ dy − x̂·(1/R)Σ dy·x̂)   (μ and σ² depend on x)
 *   inference: dx += dy·inv
 * γ is 1 without scale, β is 0 without center.
 * A mask (batch, ...) coming in (Keras's _moments) weights the training statistics: w = 1 where
 * kept, 0 elsewhere, broadcast over the last axis; R becomes Σ w + 1e-7 and the sums Σ w·x,
 * Σ w·(x − μ)²; every element is normalised (and its dy counts in the sums of backward).
 */
#include "internal.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct batchnorm {
    brain_layer base;
    float momentum, epsilon;
    bool center, scale;
    brain_initializer_kind binit, ginit, mminit, mvinit;
    brain_regularizer breg, greg;
    brain_weight *gamma, *beta, *moving_mean, *moving_var;
    int64_t C;                              /* the size of the normalised axis */
    int64_t inner;                          /* elements after it in a sample (1: the last axis) */
    int64_t last;                           /* the sample's last dimension (a mask covers all but it) */
    float *mean, *inv_std;                  /* C each: statistics the last forward normalised with */
    float *scale_c, *shift_c;               /* C each: y = x·scale_c + shift_c of the last forward */
    double *acc, *acc2, *cnt;               /* C each: scratch sums; the weight each channel's statistics had */
    bool last_training;                     /* the last forward used batch statistics */
    const uint8_t *last_mask;               /* and the mask they were taken under (NULL: none) */
    int axis;                               /* as given: -1, or an axis counted with the batch (3 for images) */
} batchnorm;

static brain_status bn_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    batchnorm *b = (batchnorm *)l;
    const int nd = in[0].ndim;
    const int a = b->axis < 0 ? b->axis + nd + 1 : b->axis; /* Keras's axis, the batch being axis 0 */
    if (a < 1 || a > nd) {
        char sh[128];
        brain__shape_str(&in[0], sh, sizeof sh);
        return brain__fail(BRAIN_ERR_ARG, "BatchNormalization '%s': axis %d is not an axis of inputs %s other than the "
                           "batch (1 to %d, or -1 to -%d)", l->name, b->axis, sh, nd, nd);
    }
    *out = in[0];
    l->mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking (the mask passes on) */
    b->C = in[0].dims[a - 1];
    b->inner = 1;
    for (int k = a; k < nd; k++) b->inner *= in[0].dims[k];
    b->last = in[0].dims[nd - 1];
    int64_t C = b->C;
    if (b->scale && !(b->gamma = brain__layer_add_weight(l, "gamma", 1, &C, b->ginit ? b->ginit : BRAIN_INIT_ONES, b->greg, true)))
        return BRAIN_ERR_ARG;
    if (b->center && !(b->beta = brain__layer_add_weight(l, "beta", 1, &C, b->binit ? b->binit : BRAIN_INIT_ZEROS, b->breg, true)))
        return BRAIN_ERR_ARG;
    b->moving_mean = brain__layer_add_weight(l, "moving_mean", 1, &C, b->mminit ? b->mminit : BRAIN_INIT_ZEROS,
                                             (brain_regularizer){0}, false);
    b->moving_var = brain__layer_add_weight(l, "moving_variance", 1, &C, b->mvinit ? b->mvinit : BRAIN_INIT_ONES,
                                            (brain_regularizer){0}, false);
    if (!b->moving_mean || !b->moving_var) return BRAIN_ERR_ARG;
    b->mean = brain__alloc_array((size_t)C, sizeof(float));
    b->inv_std = brain__alloc_array((size_t)C, sizeof(float));
    b->acc = brain__alloc_array((size_t)C, sizeof(double));
    b->acc2 = brain__alloc_array((size_t)C, sizeof(double));
    b->cnt = brain__alloc_array((size_t)C, sizeof(double));
    b->scale_c = brain__alloc_array((size_t)C, sizeof(float));
    b->shift_c = brain__alloc_array((size_t)C, sizeof(float));
    if (!b->mean || !b->inv_std || !b->acc || !b->acc2 || !b->cnt || !b->scale_c || !b->shift_c) return BRAIN_ERR_NOMEM;
    return BRAIN_OK;
}

/* The tensor as (O, C, I): element (o, c, i) at (o·C + c)·I + i; a mask entry covers `last`
 * consecutive elements (Keras broadcasts the (batch, ...) mask over the last axis). */
#define BN_LOOP(...)                                                               \
    for (int64_t o = 0; o < O; o++)                                                \
        for (int64_t c = 0; c < C; c++)                                            \
            for (int64_t i = 0, e = (o * C + c) * I; i < I; i++, e++) { __VA_ARGS__; }
#define BN_W(e) (mk ? (double)(mk[(e) / b->last] != 0) : 1.0)

static void bn_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    batchnorm *b = (batchnorm *)l;
    const int64_t C = b->C, I = b->inner, O = in[0]->size / (C * I);
    const float *x = in[0]->data;
    float *y = out->data, *mean = b->mean, *inv_std = b->inv_std;
    b->last_training = ctx->training && l->trainable;
    b->last_mask = NULL;
    if (b->last_training) {
        /* Keras: masked statistics (_moments) when a mask comes in: Σ w·x / (Σ w + 1e-7) */
        const uint8_t *mk = ctx->mask;
        b->last_mask = mk;
        double *s = b->acc, *s2 = b->acc2, *cnt = b->cnt;
        for (int64_t c = 0; c < C; c++) s[c] = s2[c] = cnt[c] = 0;
        BN_LOOP(const double w = BN_W(e); s[c] += w * x[e]; cnt[c] += w)
        for (int64_t c = 0; c < C; c++) {
            if (mk) cnt[c] = (double)((float)cnt[c] + 1e-7f);
            mean[c] = (float)(s[c] / cnt[c]);
        }
        BN_LOOP(double d = (double)x[e] - mean[c]; s2[c] += BN_W(e) * d * d)
        const float m = b->momentum, one_m = 1.0f - b->momentum;
        float *mm = b->moving_mean->value, *mv = b->moving_var->value;
        for (int64_t c = 0; c < C; c++) {
            float var = (float)(s2[c] / cnt[c]);
            inv_std[c] = 1.0f / sqrtf(var + b->epsilon);
            mm[c] = mm[c] * m + mean[c] * one_m;
            mv[c] = mv[c] * m + var * one_m;
        }
    } else {
        for (int64_t c = 0; c < C; c++) {
            mean[c] = b->moving_mean->value[c];
            inv_std[c] = 1.0f / sqrtf(b->moving_var->value[c] + b->epsilon);
        }
    }
    /* y = x·inv + (β − μ·inv), with inv = γ·inv_std */
    float *inv = b->scale_c, *shift = b->shift_c;
    for (int64_t c = 0; c < C; c++) {
        inv[c] = inv_std[c] * (b->gamma ? b->gamma->value[c] : 1.0f);
        shift[c] = (b->beta ? b->beta->value[c] : 0.0f) - mean[c] * inv[c];
    }
    if (I == 1) {
        for (int64_t r = 0; r < O; r++)
            for (int64_t c = 0; c < C; c++) y[r * C + c] = x[r * C + c] * inv[c] + shift[c];
    } else {
        BN_LOOP(y[e] = x[e] * inv[c] + shift[c])
    }
}

/* With w the mask weight (1 without a mask) and N = Σ w (+ 1e-7 under a mask) per channel:
 *   dx += γ/√(σ²+ε) · (dy − w·((1/N)Σ dy + x̂·(1/N)Σ dy·x̂))   (the sums over every element) */
static void bn_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    batchnorm *b = (batchnorm *)l;
    const int64_t C = b->C, I = b->inner, O = in[0]->size / (C * I);
    const float *x = in[0]->data, *dy = dout->data, *mean = b->mean, *inv_std = b->inv_std;
    const uint8_t *mk = b->last_mask;
    double *sdy = b->acc, *sdyx = b->acc2;   /* Σ dy and Σ dy·x̂ per channel */
    for (int64_t c = 0; c < C; c++) sdy[c] = sdyx[c] = 0;
    BN_LOOP(float g = dy[e]; sdy[c] += g; sdyx[c] += (double)g * ((x[e] - mean[c]) * inv_std[c]))
    if (b->beta && b->beta->grad)
        for (int64_t c = 0; c < C; c++) b->beta->grad[c] += (float)sdy[c];
    if (b->gamma && b->gamma->grad)
        for (int64_t c = 0; c < C; c++) b->gamma->grad[c] += (float)sdyx[c];
    if (!din[0]) return;
    float *dx = din[0]->data;
    if (b->last_training)
        for (int64_t c = 0; c < C; c++) { sdy[c] /= b->cnt[c]; sdyx[c] /= b->cnt[c]; }
    BN_LOOP(
        float k = inv_std[c] * (b->gamma ? b->gamma->value[c] : 1.0f), g = dy[e];
        if (b->last_training) {
            float xh = (x[e] - mean[c]) * inv_std[c];
            dx[e] += mk && !mk[e / b->last] ? k * g : k * (g - (float)sdy[c] - xh * (float)sdyx[c]);
        } else {
            dx[e] += k * g;
        })
}

static void bn_destroy(brain_layer *l)
{
    batchnorm *b = (batchnorm *)l;
    free(b->mean); free(b->inv_std); free(b->acc); free(b->acc2); free(b->cnt); free(b->scale_c); free(b->shift_c);
}

static brain_status bn_get_config(const brain_layer *l, cJSON *cfg)
{
    const batchnorm *b = (const batchnorm *)l;
    brain_status s = brain__cfg_add_number(cfg, "axis", ((const batchnorm *)l)->axis ? ((const batchnorm *)l)->axis : -1);
    if (!s) s = brain__cfg_add_number(cfg, "momentum", brain__float_option(b->momentum));
    if (!s) s = brain__cfg_add_number(cfg, "epsilon", brain__float_option(b->epsilon));
    if (!s) s = brain__cfg_add_bool(cfg, "center", b->center);
    if (!s) s = brain__cfg_add_bool(cfg, "scale", b->scale);
    if (!s) s = brain__cfg_add_initializer(cfg, "beta_initializer", b->binit ? b->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_initializer(cfg, "gamma_initializer", b->ginit ? b->ginit : BRAIN_INIT_ONES);
    if (!s) s = brain__cfg_add_initializer(cfg, "moving_mean_initializer", b->mminit ? b->mminit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_initializer(cfg, "moving_variance_initializer", b->mvinit ? b->mvinit : BRAIN_INIT_ONES);
    if (!s) s = brain__cfg_add_regularizer(cfg, "beta_regularizer", b->breg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "gamma_regularizer", b->greg);
    if (!s) s = brain__cfg_add_null(cfg, "beta_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "gamma_constraint");
    if (!s) s = brain__cfg_add_bool(cfg, "synchronized", false);
    return s;
}

static brain_layer *bn_from_config(const cJSON *cfg)
{
    double axis = -1, momentum = 0.99, epsilon = 1e-3;
    bool center = true, scale = true, renorm = false;
    brain_batch_norm_options o = {.name = brain__cfg_name(cfg), .has_momentum = true};
    const cJSON *ax = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    if (cJSON_IsArray(ax) && cJSON_GetArraySize(ax) == 1 && cJSON_IsNumber(cJSON_GetArrayItem(ax, 0)))
        axis = cJSON_GetArrayItem(ax, 0)->valuedouble;
    else if (brain__cfg_get_number_or(cfg, "axis", axis, &axis)) return NULL;
    if (brain__cfg_get_number_or(cfg, "momentum", momentum, &momentum) || brain__cfg_get_number_or(cfg, "epsilon", epsilon, &epsilon) ||
        brain__cfg_get_bool_or(cfg, "center", center, &center) || brain__cfg_get_bool_or(cfg, "scale", scale, &scale) ||
        brain__cfg_get_bool_or(cfg, "renorm", renorm, &renorm) ||
        brain__cfg_get_initializer(cfg, "beta_initializer", &o.beta_initializer) ||
        brain__cfg_get_initializer(cfg, "gamma_initializer", &o.gamma_initializer) ||
        brain__cfg_get_initializer(cfg, "moving_mean_initializer", &o.moving_mean_initializer) ||
        brain__cfg_get_initializer(cfg, "moving_variance_initializer", &o.moving_variance_initializer) ||
        brain__cfg_get_regularizer(cfg, "beta_regularizer", &o.beta_regularizer) ||
        brain__cfg_get_regularizer(cfg, "gamma_regularizer", &o.gamma_regularizer))
        return NULL;
    if (!(axis != 0 && axis == (double)brain__to_int(axis) && axis > -BRAIN_MAX_DIMS && axis < BRAIN_MAX_DIMS)) {
        brain__cfg_bad(cfg, "axis", "is %g; an axis other than the batch's (0) is needed, checked when built", axis);
        return NULL;
    }
    o.axis = brain__to_int(axis);
    if (renorm) {
        brain__cfg_bad(cfg, "renorm", "is true, which this library does not support");
        return NULL;
    }
    o.momentum = (float)momentum;
    o.epsilon = (float)epsilon;
    o.center = center ? BRAIN_ON : BRAIN_OFF;
    o.scale = scale ? BRAIN_ON : BRAIN_OFF;
    return brain_batch_normalization(&o);
}

const brain_layer_vtable brain__batch_normalization_vt = {
    .class_name = "BatchNormalization", .snake_name = "batch_normalization", .build = bn_build,
    .forward = bn_forward, .backward = bn_backward, .destroy = bn_destroy,
    .get_config = bn_get_config, .from_config = bn_from_config,
};

brain_layer *brain_batch_normalization(const brain_batch_norm_options *opt)
{
    brain_batch_norm_options o = opt ? *opt : (brain_batch_norm_options){0};
    float momentum = o.has_momentum ? o.momentum : 0.99f, eps = o.epsilon ? o.epsilon : 1e-3f;
    if (!(o.axis > -BRAIN_MAX_DIMS && o.axis < BRAIN_MAX_DIMS)) {
        brain__fail(BRAIN_ERR_ARG, "BatchNormalization: axis %d is out of range (an axis counted with the batch as 0, "
                    "or from the end as -1; 0 here means -1)", o.axis);
        return NULL;
    }
    if (!(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
        brain__fail(BRAIN_ERR_ARG, "BatchNormalization: momentum must be in [0, 1] and epsilon positive (got %g, %g)",
                    (double)momentum, (double)eps);
        return NULL;
    }
    batchnorm *b = (batchnorm *)brain__layer_new(&brain__batch_normalization_vt, sizeof(batchnorm), o.name);
    if (!b) return NULL;
    b->momentum = momentum;
    b->epsilon = eps;
    b->axis = o.axis == 0 ? -1 : o.axis;
    b->center = o.center != BRAIN_OFF;
    b->scale = o.scale != BRAIN_OFF;
    b->binit = o.beta_initializer; b->ginit = o.gamma_initializer;
    b->mminit = o.moving_mean_initializer; b->mvinit = o.moving_variance_initializer;
    b->breg = o.beta_regularizer; b->greg = o.gamma_regularizer;
    return &b->base;
}
