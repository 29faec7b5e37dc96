/* dense.c — Dense: y = activation(x · kernel + bias), over the last axis.
 *
 * Forward:  z = x W + b            (rows × units; rows = batch × leading axes)
 *           y = f(z)               (z kept only if f' needs it)
 * Backward: dz = dy ⊙ f'(z)
 *           dW += xᵀ dz,  db += Σ_rows dz,  dx += dz Wᵀ
 */
#if defined(__GNUC__) && !defined(__clang__)
/* -O2 (the Release flags) leaves loops whose trip count is not a multiple of the vector width
 * scalar (GCC's very-cheap cost model): here the bias broadcast and the bias-gradient sum.  O3
 * vectorises them; without FP contraction or reassociation the results stay bit-identical. */
#pragma GCC optimize("O3")
#endif
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct dense {
    brain_layer base;
    int64_t units, in_features;
    bool use_bias;
    brain_initializer_kind kinit, binit;
    brain_regularizer kreg, breg;
    brain_weight *kernel, *bias;
    float *z;  int64_t z_cap;   /* pre-activation, when f' needs x */
    float *dz; int64_t dz_cap;  /* scratch for the backward pass */
} dense;

static brain_status dense_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    dense *d = (dense *)l;
    if (in[0].ndim < 1)
        return brain__fail(BRAIN_ERR_ARG, "Dense '%s' needs an input with at least one axis", l->name);
    d->in_features = in[0].dims[in[0].ndim - 1];
    *out = in[0];
    out->dims[out->ndim - 1] = d->units;
    int64_t ks[2] = {d->in_features, d->units};
    d->kernel = brain__layer_add_weight(l, "kernel", 2, ks, d->kinit ? d->kinit : BRAIN_INIT_GLOROT_UNIFORM, d->kreg, true);
    if (!d->kernel) return BRAIN_ERR_ARG;
    if (d->use_bias) {
        d->bias = brain__layer_add_weight(l, "bias", 1, &d->units, d->binit ? d->binit : BRAIN_INIT_ZEROS, d->breg, true);
        if (!d->bias) return BRAIN_ERR_ARG;
    }
    return BRAIN_OK;
}

static brain_status dense_reserve(brain_layer *l, int64_t batch)
{
    dense *d = (dense *)l;
    int64_t rows = batch * (brain__shape_size(&l->out_shape) / d->units);
    brain_status s = brain__reserve_floats(&d->dz, &d->dz_cap, rows * d->units);
    if (!s && !brain__act_backward_uses_y_only(l->activation))
        s = brain__reserve_floats(&d->z, &d->z_cap, rows * d->units);
    return s;
}

BRAIN_VECTOR_LOOP static void dense_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    dense *d = (dense *)l;
    const int64_t rows = in[0]->size / d->in_features, U = d->units;
    bool keep_z = !brain__act_backward_uses_y_only(l->activation);
    float *z = keep_z ? d->z : out->data;
    if (d->use_bias) {
        const float *b = d->bias->value;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < U; j++) z[r * U + j] = b[j]; /* short rows: no memcpy call each */
    }
    brain_sgemm(false, false, rows, U, d->in_features, 1.0f, in[0]->data, d->in_features,
                d->kernel->value, U, d->use_bias ? 1.0f : 0.0f, z, U);
    if (l->activation != BRAIN_LINEAR || keep_z)
        brain__act_forward(l->activation, z, out->data, rows, U);
}

BRAIN_VECTOR_LOOP static void dense_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                           const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    dense *d = (dense *)l;
    const int64_t rows = in[0]->size / d->in_features, U = d->units, K = d->in_features;
    const float *dz = dout->data;
    if (l->activation != BRAIN_LINEAR) {
        brain__act_backward(l->activation, d->z, out->data, dout->data, d->dz, rows, U, false);
        dz = d->dz;
    }
    if (d->kernel->grad) {
        brain_sgemm(true, false, K, U, rows, 1.0f, in[0]->data, K, dz, U, 1.0f, d->kernel->grad, U);
        if (d->use_bias) {
            float *db = d->bias->grad;
            for (int64_t r = 0; r < rows; r++) {
                const float *row = dz + r * U;
                for (int64_t j = 0; j < U; j++) db[j] += row[j];
            }
        }
    }
    if (din[0])
        brain_sgemm(false, true, rows, K, U, 1.0f, dz, U, d->kernel->value, U, 1.0f, din[0]->data, K);
}

static void dense_destroy(brain_layer *l)
{
    dense *d = (dense *)l;
    free(d->z);
    free(d->dz);
}

static brain_status dense_get_config(const brain_layer *l, cJSON *cfg)
{
    const dense *d = (const dense *)l;
    brain_status s = brain__cfg_add_number(cfg, "units", (double)d->units);
    if (!s) s = brain__cfg_add_activation(cfg, "activation", l->activation);
    if (!s) s = brain__cfg_add_bool(cfg, "use_bias", d->use_bias);
    if (!s) s = brain__cfg_add_initializer(cfg, "kernel_initializer", d->kinit ? d->kinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s) s = brain__cfg_add_initializer(cfg, "bias_initializer", d->binit ? d->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_regularizer(cfg, "kernel_regularizer", d->kreg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "bias_regularizer", d->breg);
    if (!s) s = brain__cfg_add_null(cfg, "kernel_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "bias_constraint");
    return s;
}

static brain_layer *dense_from_config(const cJSON *cfg)
{
    brain_dense_options o = { .name = NULL };
    int64_t units;
    bool use_bias;
    const char *name;
    if (brain__cfg_get_int(cfg, "units", 1, 1000000000, &units) ||
        brain__cfg_get_activation_or(cfg, "activation", BRAIN_LINEAR, &o.activation) ||
        brain__cfg_get_bool_or(cfg, "use_bias", true, &use_bias) ||
        brain__cfg_get_initializer(cfg, "kernel_initializer", &o.kernel_initializer) ||
        brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer) ||
        brain__cfg_get_regularizer(cfg, "kernel_regularizer", &o.kernel_regularizer) ||
        brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer) ||
        brain__cfg_require_null(cfg, "activity_regularizer") || brain__cfg_require_null(cfg, "kernel_constraint") ||
        brain__cfg_require_null(cfg, "bias_constraint") || brain__cfg_require_null(cfg, "quantization_config") ||
        brain__cfg_get_string(cfg, "name", false, &name))
        return NULL;
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    o.name = name;
    return brain__cfg_finish_layer(brain_dense(units, &o), cfg);
}

const brain_layer_vtable brain__dense_vt = {
    .class_name = "Dense", .snake_name = "dense", .build = dense_build, .reserve = dense_reserve,
    .forward = dense_forward, .backward = dense_backward, .destroy = dense_destroy,
    .get_config = dense_get_config, .from_config = dense_from_config,
};

brain_layer *brain_dense(int64_t units, const brain_dense_options *opt)
{
    brain_dense_options o = opt ? *opt : (brain_dense_options){0};
    if (units <= 0) {
        brain__fail(BRAIN_ERR_ARG, "Dense: units must be a positive integer, got %lld", (long long)units);
        return NULL;
    }
    if ((unsigned)o.activation >= BRAIN_ACTIVATION_COUNT) {
        brain__fail(BRAIN_ERR_ARG, "Dense: activation %d is not a brain_activation_kind", (int)o.activation);
        return NULL;
    }
    dense *d = (dense *)brain__layer_new(&brain__dense_vt, sizeof(dense), o.name);
    if (!d) return NULL;
    d->units = units;
    d->base.mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    d->use_bias = o.use_bias != BRAIN_OFF;
    d->kinit = o.kernel_initializer;
    d->binit = o.bias_initializer;
    d->kreg = o.kernel_regularizer;
    d->breg = o.bias_regularizer;
    d->base.activation = o.activation;
    return &d->base;
}
