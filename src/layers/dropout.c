/* dropout.c — Dropout(rate): in training keep each value with probability 1 − rate and scale
 * kept values by 1/(1 − rate) (inverted dropout); identity at inference.  With a noise_shape the
 * draws are made for that shape (per sample) and broadcast over its axes of size 1. */
#if defined(__GNUC__) && !defined(__clang__)
/* -O2 (the Release flags) vectorises only loops whose trip count needs no epilogue, so these
 * elementwise loops stayed scalar, with a data-dependent branch per value (relu's sign, dropout's
 * mask) that mispredicts about half the time.  O3 vectorises them into selects; no FP contraction
 * or reassociation is enabled, so every result stays bit-identical. */
#pragma GCC optimize("O3")
#endif

#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct dropout {
    brain_layer base;
    float rate;
    bool own_rng;
    uint64_t seed;                 /* the seed given, when own_rng */
    brain_rng rng;
    float *mask; int64_t mask_cap; /* 0 or 1/(1-rate) per value of the last training batch */
    uint32_t *bits; int64_t bits_cap; /* the random draws behind mask (rounded up to even) */
    int noise_ndim;                /* Keras's noise_shape (per sample; 0 in an entry = the input's) */
    int64_t noise_given[BRAIN_MAX_DIMS];
    brain_shape noise;             /* resolved at build */
    float *nmask; int64_t nmask_cap; /* the draws' keep factors per noise cell */
} dropout;

static brain_status dropout_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    dropout *d = (dropout *)l;
    if (d->noise_ndim) {
        if (d->noise_ndim != in[0].ndim)
            return brain__fail(BRAIN_ERR_ARG, "Dropout '%s': noise_shape has %d axes besides the batch, the input %d", l->name,
                               d->noise_ndim, in[0].ndim);
        d->noise.ndim = in[0].ndim;
        for (int i = 0; i < in[0].ndim; i++) {
            int64_t v = d->noise_given[i] ? d->noise_given[i] : in[0].dims[i];
            if (v != 1 && v != in[0].dims[i])
                return brain__fail(BRAIN_ERR_ARG, "Dropout '%s': noise_shape axis %d is %lld, neither 1 nor the input's %lld",
                                   l->name, i + 1, (long long)v, (long long)in[0].dims[i]);
            d->noise.dims[i] = v;
        }
    }
    return brain__same_shape_build(l, n_in, in, out);
}

static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static brain_status dropout_reserve(brain_layer *l, int64_t batch)
{
    dropout *d = (dropout *)l;
    int64_t n = batch * brain__shape_size(&l->out_shape);
    brain_status s = brain__reserve_floats(&d->mask, &d->mask_cap, n);
    if (s) return s;
    /* uint32_t and float have the same size: the float helper sizes the draw buffer too */
    _Static_assert(sizeof(uint32_t) == sizeof(float), "uint32_t and float sizes differ");
    float *b = (float *)d->bits;
    s = brain__reserve_floats(&b, &d->bits_cap, n + (n & 1));
    d->bits = (uint32_t *)b;
    if (!s && d->noise_ndim) s = brain__reserve_floats(&d->nmask, &d->nmask_cap, batch * brain__shape_size(&d->noise));
    return s;
}

BRAIN_VECTOR_LOOP static void dropout_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    dropout *d = (dropout *)l;
    const float *x = in[0]->data;
    float *y = out->data;
    int64_t n = in[0]->size;
    if (!ctx->training || d->rate <= 0) {
        memcpy(y, x, sizeof(float) * n);
        return;
    }
    brain_rng *r = d->own_rng ? &d->rng : ctx->rng;
    const float scale = 1.0f / (1.0f - d->rate);
    const int64_t batch = in[0]->shape[0], per = brain__shape_size(&l->out_shape);
    if (d->noise_ndim) n = batch * brain__shape_size(&d->noise); /* one draw per noise cell */
    /* 24-bit uniform draws, two per 64-bit number (the low and the high half).  The generator is
     * stepped here in registers (the same xoshiro256** sequence as brain_rng_next) into a
     * scratch buffer; the keep test and the product then run as one vectorised select.  A call per
     * draw and a mispredicted branch per value cost more than the rest of a small model's step. */
    const uint32_t keep_below = (uint32_t)((1.0 - d->rate) * 16777216.0);
    uint64_t s0 = r->s[0], s1 = r->s[1], s2 = r->s[2], s3 = r->s[3];
    uint32_t *restrict bits = d->bits;
    for (int64_t i = 0; i < n; i += 2) {
        uint64_t v = rotl64(s1 * 5, 7) * 9, t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl64(s3, 45);
        bits[i] = (uint32_t)v;
        bits[i + 1] = (uint32_t)(v >> 32); /* bits has room for an even count */
    }
    r->s[0] = s0; r->s[1] = s1; r->s[2] = s2; r->s[3] = s3;
    if (d->noise_ndim) { /* keep factors per noise cell, then broadcast over the sample */
        const int64_t pn = brain__shape_size(&d->noise);
        for (int64_t i = 0; i < n; i++) d->nmask[i] = (bits[i] & 0xFFFFFF) < keep_below ? scale : 0.0f;
        for (int64_t b = 0; b < batch; b++)
            for (int64_t j = 0; j < per; j++) {
                float k = d->nmask[b * pn + brain__bcast_index(&d->noise, &l->out_shape, j)];
                d->mask[b * per + j] = k;
                y[b * per + j] = x[b * per + j] * k;
            }
        return;
    }
    float *restrict mask = d->mask;
    for (int64_t i = 0; i < n; i++) {
        float k = (bits[i] & 0xFFFFFF) < keep_below ? scale : 0.0f;
        mask[i] = k;
        y[i] = x[i] * k;
    }
}

BRAIN_VECTOR_LOOP static void dropout_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    dropout *d = (dropout *)l;
    if (!din[0]) return;
    int64_t n = dout->size;
    float *dx = din[0]->data;
    const float *dy = dout->data;
    if (!ctx->training || d->rate <= 0) {
        for (int64_t i = 0; i < n; i++) dx[i] += dy[i];
    } else {
        for (int64_t i = 0; i < n; i++) dx[i] += dy[i] * d->mask[i];
    }
}

static void dropout_destroy(brain_layer *l)
{
    free(((dropout *)l)->mask);
    free(((dropout *)l)->bits);
    free(((dropout *)l)->nmask);
}

static brain_status dropout_get_config(const brain_layer *l, cJSON *cfg)
{
    const dropout *d = (const dropout *)l;
    brain_status s = brain__cfg_add_float(cfg, "rate", d->rate);
    if (!s) s = d->own_rng ? brain__cfg_add_number(cfg, "seed", (double)d->seed) : brain__cfg_add_null(cfg, "seed");
    if (!s && !d->noise_ndim) s = brain__cfg_add_null(cfg, "noise_shape");
    else if (!s) { /* [null, ...]: the batch axis, then each axis (null = the input's) */
        cJSON *a = cJSON_AddArrayToObject(cfg, "noise_shape");
        if (!a) return brain__fail(BRAIN_ERR_NOMEM, "out of memory");
        cJSON_AddItemToArray(a, cJSON_CreateNull());
        for (int i = 0; i < d->noise_ndim; i++)
            cJSON_AddItemToArray(a, d->noise_given[i] ? cJSON_CreateNumber((double)d->noise_given[i]) : cJSON_CreateNull());
    }
    return s;
}

static brain_layer *dropout_from_config(const cJSON *cfg)
{
    double rate;
    int64_t seed;
    brain_dropout_options o = {0};
    if (brain__cfg_get_number(cfg, "rate", &rate) || brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX / 2, -1, &seed) ||
        brain__cfg_get_string(cfg, "name", false, &o.name))
        return NULL;
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(cfg, "noise_shape");
    if (ns && !cJSON_IsNull(ns)) { /* [null (batch), d1 or null, ...] */
        int n = cJSON_GetArraySize(ns);
        bool ok = cJSON_IsArray(ns) && n >= 2 && n <= BRAIN_MAX_DIMS && (cJSON_IsNull(ns->child) || cJSON_IsNumber(ns->child));
        int k = 0;
        for (const cJSON *e = ok ? ns->child->next : NULL; e && ok; e = e->next) {
            ok = cJSON_IsNull(e) || (cJSON_IsNumber(e) && e->valuedouble >= 1);
            o.noise_shape[k++] = cJSON_IsNumber(e) ? brain__to_i64(e->valuedouble) : 0;
        }
        if (!ok) {
            brain__cfg_bad(cfg, "noise_shape", "must be a list [None, d1, ...] of positive sizes or None");
            return NULL;
        }
        o.noise_ndim = k;
    }
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    return brain__cfg_finish_layer(brain_dropout((float)rate, &o), cfg);
}

const brain_layer_vtable brain__dropout_vt = {
    .class_name = "Dropout", .snake_name = "dropout", .build = dropout_build, .reserve = dropout_reserve,
    .forward = dropout_forward, .backward = dropout_backward, .destroy = dropout_destroy,
    .get_config = dropout_get_config, .from_config = dropout_from_config,
};

brain_layer *brain_dropout(float rate, const brain_dropout_options *opt)
{
    if (!(rate >= 0.0f && rate < 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "Dropout: rate must be in [0, 1), got %g", (double)rate);
        return NULL;
    }
    dropout *d = (dropout *)brain__layer_new(&brain__dropout_vt, sizeof(dropout), opt ? opt->name : NULL);
    if (!d) return NULL;
    d->rate = rate;
    d->base.mask_rule = BRAIN_MASK_PASS; /* Keras: supports_masking */
    if (opt && opt->noise_ndim) {
        if (opt->noise_ndim < 0 || opt->noise_ndim >= BRAIN_MAX_DIMS) {
            brain__fail(BRAIN_ERR_ARG, "Dropout: noise_ndim must be 0 to %d", BRAIN_MAX_DIMS - 1);
            brain__layer_free(&d->base);
            return NULL;
        }
        d->noise_ndim = opt->noise_ndim;
        memcpy(d->noise_given, opt->noise_shape, sizeof d->noise_given);
    }
    if (opt && opt->has_seed) {
        d->own_rng = true;
        d->seed = opt->seed;
        brain_rng_seed(&d->rng, opt->seed);
    }
    return &d->base;
}
