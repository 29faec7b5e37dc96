/* layer_normalization.c — LayerNormalization (Keras 3): each sample normalised over `axes`
 * (default the last), then scaled and shifted per position of those axes.
 *
 * For one group g (the values of a sample that share every non-normalised index; G values):
 *   μ = (1/G) Σ_j x_j           σ² = (1/G) Σ_j (x_j − μ)²        r = 1 / sqrt(σ² + ε)
 *   x̂_j = (x_j − μ) · r         y_j = γ_j · x̂_j + β_j
 * rms_scaling (as Keras 3 computes it): x̂_j = x_j · r with r from the centred σ² above, no β.
 * Backward (dx̂_j = dy_j · γ_j):
 *   dγ_j += Σ dy_j x̂_j,   dβ_j += Σ dy_j
 *   dx_j  = r · (dx̂_j − mean(dx̂) − x̂_j · mean(dx̂ ⊙ x̂))
 *   rms:    r · (dx̂_j − (x̂_j − μr) · mean(dx̂ ⊙ x̂))
 * γ and β have the shape of the normalised axes (Keras: input_shape[axis] for axis in sorted axes).
 * Statistics are summed in double, one group at a time in a fixed order.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* As in dense.c: -O2 leaves the elementwise loops (bias broadcast, softmax scaling, the masks)
 * scalar; O3 vectorises them without FP contraction or reassociation, so results stay bitwise. */
#pragma GCC optimize("O3")
#endif
#include "internal.h"
#include "layers/layer_config.h"
#include "layers/parallel.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct layer_norm {
    brain_layer base;
    int n_axes;
    int axes[BRAIN_MAX_DIMS];           /* as given (Keras numbering: 1 = first after the batch; < 0 from the end) */
    float epsilon;
    bool center, scale, rms;
    brain_initializer_kind binit, ginit;
    brain_regularizer breg, greg;
    brain_weight *gamma, *beta;
    int64_t G, groups;                  /* values per group, groups per sample */
    int64_t *off; bool contig;          /* off[g·G + j]: offset in a sample (NULL when contiguous) */
    float *xhat; int64_t xhat_cap;      /* cached x̂ */
    float *rstd; int64_t rstd_cap;      /* cached r per group */
    float *mr; int64_t mr_cap;          /* rms: cached μ·r per group */
} layer_norm;

static brain_status ln_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    layer_norm *n = (layer_norm *)l;
    const int rank = in[0].ndim; /* per sample; Keras's axis k is per-sample axis k − 1 */
    bool norm[BRAIN_MAX_DIMS] = {false};
    for (int i = 0; i < n->n_axes; i++) {
        int a = n->axes[i] < 0 ? n->axes[i] + rank + 1 : n->axes[i];
        if (a < 1 || a > rank) {
            char b[128];
            brain__shape_str(&in[0], b, sizeof b);
            return brain__fail(BRAIN_ERR_ARG, "LayerNormalization '%s': axis %d is out of bounds for input shape %s", l->name,
                               n->axes[i], b);
        }
        norm[a - 1] = true;
    }
    int64_t pshape[BRAIN_MAX_DIMS];
    int np = 0;
    n->G = 1;
    for (int d = 0; d < rank; d++)
        if (norm[d]) { n->G *= in[0].dims[d]; pshape[np++] = in[0].dims[d]; }
    const int64_t size = brain__shape_size(&in[0]);
    n->groups = size / n->G;
    n->contig = true; /* the normalised axes are the trailing ones */
    for (int d = 0, seen = 0; d < rank; d++) {
        if (norm[d]) seen = 1;
        else if (seen) n->contig = false;
    }
    if (!n->contig) {
        n->off = brain__alloc_array((size_t)size, sizeof(int64_t));
        if (!n->off) return BRAIN_ERR_NOMEM;
        /* walk the sample in row-major order: group = its non-normalised index, j = its normalised index */
        int64_t idx[BRAIN_MAX_DIMS] = {0};
        for (int64_t e = 0; e < size; e++) {
            int64_t g = 0, j = 0;
            for (int d = 0; d < rank; d++) {
                if (norm[d]) j = j * in[0].dims[d] + idx[d];
                else g = g * in[0].dims[d] + idx[d];
            }
            n->off[g * n->G + j] = e;
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < in[0].dims[d]) break;
                idx[d] = 0;
            }
        }
    }
    *out = in[0];
    if (n->scale || n->rms) {
        n->gamma = brain__layer_add_weight(l, "gamma", np, pshape, n->ginit ? n->ginit : BRAIN_INIT_ONES, n->greg, true);
        if (!n->gamma) return BRAIN_ERR_ARG;
    }
    if (n->center && !n->rms) {
        n->beta = brain__layer_add_weight(l, "beta", np, pshape, n->binit ? n->binit : BRAIN_INIT_ZEROS, n->breg, true);
        if (!n->beta) return BRAIN_ERR_ARG;
    }
    l->mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    return BRAIN_OK;
}

static brain_status ln_reserve(brain_layer *l, int64_t batch)
{
    layer_norm *n = (layer_norm *)l;
    brain_status s = brain__reserve_floats(&n->xhat, &n->xhat_cap, batch * n->groups * n->G);
    if (!s) s = brain__reserve_floats(&n->rstd, &n->rstd_cap, batch * n->groups);
    if (!s && n->rms) s = brain__reserve_floats(&n->mr, &n->mr_cap, batch * n->groups);
    return s;
}

#define OFF(n, g, j) ((n)->contig ? (g) * (n)->G + (j) : (n)->off[(g) * (n)->G + (j)])

/* Groups [r0, r1) of the batch (group bg = sample bg / groups, group bg % groups). */
static void ln_forward_rows(layer_norm *n, const float *xall, float *yall, int64_t r0, int64_t r1)
{
    const int64_t G = n->G, groups = n->groups, per = groups * G;
    const float *gamma = n->gamma ? n->gamma->value : NULL, *beta = n->beta ? n->beta->value : NULL;
    for (int64_t bg = r0; bg < r1; bg++) {
        const int64_t b = bg / groups, g = bg % groups;
        const float *x = xall + b * per;
        float *y = yall + b * per, *xh = n->xhat + bg * G;
        double mean = 0, var = 0;
        for (int64_t j = 0; j < G; j++) mean += x[OFF(n, g, j)];
        mean /= (double)G;
        for (int64_t j = 0; j < G; j++) { double d = x[OFF(n, g, j)] - mean; var += d * d; }
        var /= (double)G;
        const float r = (float)(1.0 / sqrt(var + (double)n->epsilon)), m = n->rms ? 0.0f : (float)mean;
        n->rstd[bg] = r;
        if (n->rms) n->mr[bg] = (float)(mean * r);
        for (int64_t j = 0; j < G; j++) {
            int64_t o = OFF(n, g, j);
            float h = (x[o] - m) * r;
            xh[j] = h;
            y[o] = (gamma ? h * gamma[j] : h) + (beta ? beta[j] : 0.0f);
        }
    }
}

static void ln_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    layer_norm *n = (layer_norm *)l;
    const int64_t total = in[0]->shape[0] * n->groups;
    BRAIN_PARALLEL_RANGES(total, total * n->G >= 32768, ln_forward_rows(n, in[0]->data, out->data, r0, r1));
}

static void ln_backward_rows(layer_norm *n, const float *dyall, float *dxall, int64_t r0, int64_t r1)
{
    const int64_t G = n->G, groups = n->groups, per = groups * G;
    const float *gamma = n->gamma ? n->gamma->value : NULL;
    for (int64_t bg = r0; bg < r1; bg++) {
        const int64_t b = bg / groups, g = bg % groups;
        const float *dy = dyall + b * per, *xh = n->xhat + bg * G;
        float *dx = dxall + b * per;
        double s1 = 0, s2 = 0;
        for (int64_t j = 0; j < G; j++) {
            double d = (double)dy[OFF(n, g, j)] * (gamma ? gamma[j] : 1.0f);
            s1 += d;
            s2 += d * xh[j];
        }
        const float m1 = n->rms ? 0.0f : (float)(s1 / (double)G), m2 = (float)(s2 / (double)G), r = n->rstd[bg];
        const float mr = n->rms ? n->mr[bg] : 0.0f;
        for (int64_t j = 0; j < G; j++) {
            int64_t o = OFF(n, g, j);
            float d = dy[o] * (gamma ? gamma[j] : 1.0f);
            dx[o] += r * (d - m1 - (xh[j] - mr) * m2);
        }
    }
}

static void ln_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    layer_norm *n = (layer_norm *)l;
    const int64_t G = n->G, groups = n->groups, batch = in[0]->shape[0], per = groups * G, total = batch * groups;
    /* weight gradients: one serial pass in (b, g) order, the same sums for any thread count */
    if (n->gamma && n->gamma->grad) {
        float *dg = n->gamma->grad;
        for (int64_t bg = 0; bg < total; bg++) {
            const float *dy = dout->data + (bg / groups) * per, *xh = n->xhat + bg * G;
            const int64_t g = bg % groups;
            for (int64_t j = 0; j < G; j++) dg[j] += dy[OFF(n, g, j)] * xh[j];
        }
    }
    if (n->beta && n->beta->grad) {
        float *db = n->beta->grad;
        for (int64_t bg = 0; bg < total; bg++) {
            const float *dy = dout->data + (bg / groups) * per;
            const int64_t g = bg % groups;
            for (int64_t j = 0; j < G; j++) db[j] += dy[OFF(n, g, j)];
        }
    }
    if (!din[0]) return;
    BRAIN_PARALLEL_RANGES(total, total * G >= 32768, ln_backward_rows(n, dout->data, din[0]->data, r0, r1));
}

static void ln_destroy(brain_layer *l)
{
    layer_norm *n = (layer_norm *)l;
    free(n->off);
    free(n->xhat);
    free(n->rstd);
    free(n->mr);
}

static brain_status ln_get_config(const brain_layer *l, cJSON *cfg)
{
    const layer_norm *n = (const layer_norm *)l;
    int64_t ax[BRAIN_MAX_DIMS];
    for (int i = 0; i < n->n_axes; i++) ax[i] = n->axes[i];
    cJSON *a = cJSON_AddArrayToObject(cfg, "axis");
    if (!a) return BRAIN_ERR_NOMEM;
    for (int i = 0; i < n->n_axes; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber((double)ax[i]));
    brain_status s = brain__cfg_add_float(cfg, "epsilon", n->epsilon);
    if (!s) s = brain__cfg_add_bool(cfg, "center", n->center);
    if (!s) s = brain__cfg_add_bool(cfg, "scale", n->scale);
    if (!s) s = brain__cfg_add_bool(cfg, "rms_scaling", n->rms);
    if (!s) s = brain__cfg_add_initializer(cfg, "beta_initializer", n->binit ? n->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_initializer(cfg, "gamma_initializer", n->ginit ? n->ginit : BRAIN_INIT_ONES);
    if (!s) s = brain__cfg_add_regularizer(cfg, "beta_regularizer", n->breg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "gamma_regularizer", n->greg);
    if (!s) s = brain__cfg_add_null(cfg, "beta_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "gamma_constraint");
    return s;
}

static brain_layer *ln_from_config(const cJSON *cfg)
{
    brain_layer_norm_options o = {.name = brain__cfg_name(cfg)};
    double eps = 1e-3;
    bool center, scale, rms;
    const cJSON *ax = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    if (cJSON_IsNumber(ax)) { o.n_axes = 1; o.axes[0] = brain__to_int(ax->valuedouble); }
    else if (cJSON_IsArray(ax)) {
        for (const cJSON *e = ax->child; e; e = e->next) {
            if (!cJSON_IsNumber(e) || o.n_axes >= BRAIN_MAX_DIMS || e->valuedouble != brain__to_int(e->valuedouble)) {
                brain__cfg_bad(cfg, "axis", "must be an integer or a list of at most %d integers", BRAIN_MAX_DIMS);
                return NULL;
            }
            o.axes[o.n_axes++] = brain__to_int(e->valuedouble);
        }
    } else if (ax && !cJSON_IsNull(ax)) {
        brain__cfg_bad(cfg, "axis", "must be an integer or a list of integers");
        return NULL;
    }
    if (brain__cfg_get_number_or(cfg, "epsilon", eps, &eps) || brain__cfg_get_bool_or(cfg, "center", true, &center) ||
        brain__cfg_get_bool_or(cfg, "scale", true, &scale) || brain__cfg_get_bool_or(cfg, "rms_scaling", false, &rms) ||
        brain__cfg_get_initializer(cfg, "beta_initializer", &o.beta_initializer) ||
        brain__cfg_get_initializer(cfg, "gamma_initializer", &o.gamma_initializer) ||
        brain__cfg_get_regularizer(cfg, "beta_regularizer", &o.beta_regularizer) ||
        brain__cfg_get_regularizer(cfg, "gamma_regularizer", &o.gamma_regularizer) ||
        brain__cfg_require_null(cfg, "beta_constraint") || brain__cfg_require_null(cfg, "gamma_constraint"))
        return NULL;
    if (!(eps > 0)) { brain__cfg_bad(cfg, "epsilon", "must be positive, got %g", eps); return NULL; }
    o.epsilon = (float)eps;
    o.center = center ? BRAIN_ON : BRAIN_OFF;
    o.scale = scale ? BRAIN_ON : BRAIN_OFF;
    o.rms_scaling = rms;
    return brain__cfg_finish_layer(brain_layer_normalization(&o), cfg);
}

const brain_layer_vtable brain__layer_normalization_vt = {
    .class_name = "LayerNormalization", .snake_name = "layer_normalization", .build = ln_build, .reserve = ln_reserve,
    .forward = ln_forward, .backward = ln_backward, .destroy = ln_destroy, .get_config = ln_get_config,
    .from_config = ln_from_config,
};

brain_layer *brain_layer_normalization(const brain_layer_norm_options *opt)
{
    brain_layer_norm_options o = opt ? *opt : (brain_layer_norm_options){0};
    if (o.n_axes < 0 || o.n_axes > BRAIN_MAX_DIMS) {
        brain__fail(BRAIN_ERR_ARG, "LayerNormalization: n_axes must be in [0, %d], got %d", BRAIN_MAX_DIMS, o.n_axes);
        return NULL;
    }
    if (o.epsilon < 0 || o.epsilon != o.epsilon) {
        brain__fail(BRAIN_ERR_ARG, "LayerNormalization: epsilon must be positive, got %g", (double)o.epsilon);
        return NULL;
    }
    layer_norm *n = (layer_norm *)brain__layer_new(&brain__layer_normalization_vt, sizeof(layer_norm), o.name);
    if (!n) return NULL;
    n->n_axes = o.n_axes ? o.n_axes : 1;
    if (o.n_axes) memcpy(n->axes, o.axes, sizeof(int) * (size_t)o.n_axes);
    else n->axes[0] = -1;
    /* Keras sorts a list of axes at build; keep them sorted (as written in the config) */
    for (int i = 1; i < n->n_axes; i++)
        for (int k = i; k > 0 && n->axes[k - 1] > n->axes[k]; k--) { int t = n->axes[k]; n->axes[k] = n->axes[k - 1]; n->axes[k - 1] = t; }
    n->epsilon = o.epsilon ? o.epsilon : 1e-3f;
    n->center = o.center != BRAIN_OFF;
    n->scale = o.scale != BRAIN_OFF;
    n->rms = o.rms_scaling;
    n->binit = o.beta_initializer;
    n->ginit = o.gamma_initializer;
    n->breg = o.beta_regularizer;
    n->greg = o.gamma_regularizer;
    n->base.mask_rule = BRAIN_MASK_PASS;
    return &n->base;
}
