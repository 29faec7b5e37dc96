/* group_normalization.c — GroupNormalization(groups) over the channels axis (`axis`, default the
 * last; any axis, as Keras), Keras 3: the C channels split into `groups` runs of C/groups; each
 * sample's group g holds every position's channels of run g (G = positions · C/groups values; the
 * positions are all the other axes, before (P) and after (Q) the channels: value (p, c, q) at
 * (p·C + c)·Q + q), normalised as LayerNormalization does:
 *   μ, σ² (biased) over the group,  r = 1/√(σ² + ε),  x̂ = (x − μ) r,  y = γ_c x̂ + β_c
 * Backward (g = γ_c dy):  dγ_c += Σ dy x̂,  dβ_c += Σ dy,  dx = r (g − mean(g) − x̂ mean(g x̂)),
 * the means over the group.  groups = −1 means one group per channel (instance normalisation). */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct group_norm {
    brain_layer base;
    int64_t groups, C, P, Q, Cg;        /* groups, channels, positions before / after the channel axis, channels per group */
    int axis;                           /* Keras's axis as configured (-1 default) */
    float epsilon;
    bool center, scale;
    brain_initializer_kind binit, ginit;
    brain_regularizer breg, greg;
    brain_weight *gamma, *beta;
    float *xhat; int64_t xhat_cap;
    float *rstd; int64_t rstd_cap;
} group_norm;

static brain_status gn_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    group_norm *n = (group_norm *)l;
    const int ax = n->axis < 0 ? in[0].ndim + n->axis : n->axis - 1; /* per-sample index */
    if (ax < 0 || ax >= in[0].ndim) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "GroupNormalization '%s': axis %d is not an axis of %s (the batch axis 0 excluded)",
                           l->name, n->axis, b);
    }
    n->C = in[0].dims[ax];
    n->Q = 1;
    for (int i = ax + 1; i < in[0].ndim; i++) n->Q *= in[0].dims[i];
    if (n->groups == -1) n->groups = n->C;
    if (n->groups > n->C || n->C % n->groups) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "GroupNormalization '%s': %lld groups do not divide the %lld channels of %s", l->name,
                           (long long)n->groups, (long long)n->C, b);
    }
    n->Cg = n->C / n->groups;
    n->P = brain__shape_size(&in[0]) / (n->C * n->Q);
    *out = in[0];
    if (n->scale && !(n->gamma = brain__layer_add_weight(l, "gamma", 1, &n->C, n->ginit ? n->ginit : BRAIN_INIT_ONES, n->greg, true)))
        return BRAIN_ERR_ARG;
    if (n->center && !(n->beta = brain__layer_add_weight(l, "beta", 1, &n->C, n->binit ? n->binit : BRAIN_INIT_ZEROS, n->breg, true)))
        return BRAIN_ERR_ARG;
    return BRAIN_OK;
}

static brain_status gn_reserve(brain_layer *l, int64_t batch)
{
    group_norm *n = (group_norm *)l;
    brain_status s = brain__reserve_floats(&n->xhat, &n->xhat_cap, batch * n->P * n->C * n->Q);
    if (!s) s = brain__reserve_floats(&n->rstd, &n->rstd_cap, batch * n->groups);
    return s;
}

/* the group's values: positions p (before the channels) and q (after), channel c0 + j */
#define GN_FOR(n, body)                                                                                                 \
    for (int64_t p = 0; p < (n)->P; p++)                                                                                \
        for (int64_t j = 0; j < (n)->Cg; j++)                                                                           \
            for (int64_t q = 0; q < (n)->Q; q++) {                                                                      \
                const int64_t o = (p * (n)->C + c0 + j) * (n)->Q + q;                                                   \
                body;                                                                                                   \
            }

static void gn_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    group_norm *n = (group_norm *)l;
    const int64_t B = in[0]->shape[0], per = n->P * n->C * n->Q, G = n->P * n->Cg * n->Q;
    for (int64_t b = 0; b < B; b++)
        for (int64_t g = 0; g < n->groups; g++) {
            const float *x = in[0]->data + b * per;
            float *y = out->data + b * per, *xh = n->xhat + b * per;
            const int64_t c0 = g * n->Cg;
            double mean = 0, var = 0;
            GN_FOR(n, mean += x[o]);
            mean /= (double)G;
            GN_FOR(n, { double d = x[o] - mean; var += d * d; });
            var /= (double)G;
            const float r = (float)(1.0 / sqrt(var + (double)n->epsilon)), m = (float)mean;
            n->rstd[b * n->groups + g] = r;
            GN_FOR(n, {
                const float h = (x[o] - m) * r;
                xh[o] = h;
                y[o] = (n->gamma ? h * n->gamma->value[c0 + j] : h) + (n->beta ? n->beta->value[c0 + j] : 0.0f);
            });
        }
}

static void gn_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    group_norm *n = (group_norm *)l;
    const int64_t B = in[0]->shape[0], per = n->P * n->C * n->Q, G = n->P * n->Cg * n->Q;
    for (int64_t b = 0; b < B; b++)
        for (int64_t g = 0; g < n->groups; g++) {
            const float *dy = dout->data + b * per, *xh = n->xhat + b * per;
            const int64_t c0 = g * n->Cg;
            if (n->gamma && n->gamma->grad) GN_FOR(n, n->gamma->grad[c0 + j] += dy[o] * xh[o]);
            if (n->beta && n->beta->grad) GN_FOR(n, n->beta->grad[c0 + j] += dy[o]);
            if (!din[0]) continue;
            float *dx = din[0]->data + b * per;
            double s1 = 0, s2 = 0;
            GN_FOR(n, {
                const double d = (double)dy[o] * (n->gamma ? n->gamma->value[c0 + j] : 1.0f);
                s1 += d;
                s2 += d * xh[o];
            });
            const float m1 = (float)(s1 / (double)G), m2 = (float)(s2 / (double)G), r = n->rstd[b * n->groups + g];
            GN_FOR(n, {
                const float d = dy[o] * (n->gamma ? n->gamma->value[c0 + j] : 1.0f);
                dx[o] += r * (d - m1 - xh[o] * m2);
            });
        }
}

static void gn_destroy(brain_layer *l)
{
    group_norm *n = (group_norm *)l;
    free(n->xhat);
    free(n->rstd);
}

static brain_status gn_get_config(const brain_layer *l, cJSON *cfg)
{
    const group_norm *n = (const group_norm *)l;
    brain_status s = brain__cfg_add_number(cfg, "groups", (double)n->groups);
    if (!s) s = brain__cfg_add_number(cfg, "axis", n->axis);
    if (!s) s = brain__cfg_add_float(cfg, "epsilon", n->epsilon);
    if (!s) s = brain__cfg_add_bool(cfg, "center", n->center);
    if (!s) s = brain__cfg_add_bool(cfg, "scale", n->scale);
    if (!s) s = brain__cfg_add_initializer(cfg, "beta_initializer", n->binit ? n->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_initializer(cfg, "gamma_initializer", n->ginit ? n->ginit : BRAIN_INIT_ONES);
    if (!s) s = brain__cfg_add_regularizer(cfg, "beta_regularizer", n->breg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "gamma_regularizer", n->greg);
    if (!s) s = brain__cfg_add_null(cfg, "beta_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "gamma_constraint");
    return s;
}

static brain_layer *gn_from_config(const cJSON *cfg)
{
    int64_t groups, axis;
    double eps = 1e-3;
    bool center, scale;
    brain_group_norm_options o = {.name = brain__cfg_name(cfg)};
    if (brain__cfg_get_int_or(cfg, "groups", -1, 1 << 24, 32, &groups) || brain__cfg_get_int_or(cfg, "axis", -64, 64, -1, &axis) ||
        brain__cfg_get_number_or(cfg, "epsilon", eps, &eps) || brain__cfg_get_bool_or(cfg, "center", true, &center) ||
        brain__cfg_get_bool_or(cfg, "scale", true, &scale) || brain__cfg_get_initializer(cfg, "beta_initializer", &o.beta_initializer) ||
        brain__cfg_get_initializer(cfg, "gamma_initializer", &o.gamma_initializer) ||
        brain__cfg_get_regularizer(cfg, "beta_regularizer", &o.beta_regularizer) ||
        brain__cfg_get_regularizer(cfg, "gamma_regularizer", &o.gamma_regularizer) ||
        brain__cfg_require_null(cfg, "beta_constraint") || brain__cfg_require_null(cfg, "gamma_constraint"))
        return NULL;
    if (axis == 0) { brain__cfg_bad(cfg, "axis", "is 0, the batch axis"); return NULL; }
    o.axis = (int)axis;
    if (groups == 0) { brain__cfg_bad(cfg, "groups", "must be positive or -1"); return NULL; }
    o.epsilon = (float)eps;
    o.center = center ? BRAIN_ON : BRAIN_OFF;
    o.scale = scale ? BRAIN_ON : BRAIN_OFF;
    return brain__cfg_finish_layer(brain_group_normalization(groups, &o), cfg);
}

const brain_layer_vtable brain__group_normalization_vt = {
    .class_name = "GroupNormalization", .snake_name = "group_normalization", .build = gn_build, .reserve = gn_reserve,
    .forward = gn_forward, .backward = gn_backward, .destroy = gn_destroy, .get_config = gn_get_config,
    .from_config = gn_from_config,
};

brain_layer *brain_group_normalization(int64_t groups, const brain_group_norm_options *opt)
{
    brain_group_norm_options o = opt ? *opt : (brain_group_norm_options){0};
    if (groups == 0 || groups < -1 || !(o.epsilon >= 0)) {
        brain__fail(BRAIN_ERR_ARG, "GroupNormalization: groups must be positive or -1 (got %lld) and epsilon >= 0", (long long)groups);
        return NULL;
    }
    group_norm *n = (group_norm *)brain__layer_new(&brain__group_normalization_vt, sizeof(group_norm), o.name);
    if (!n) return NULL;
    n->groups = groups;
    n->axis = o.axis ? o.axis : -1;
    n->epsilon = o.epsilon ? o.epsilon : 1e-3f;
    n->center = o.center != BRAIN_OFF;
    n->scale = o.scale != BRAIN_OFF;
    n->binit = o.beta_initializer;
    n->ginit = o.gamma_initializer;
    n->breg = o.beta_regularizer;
    n->greg = o.gamma_regularizer;
    return &n->base;
}
