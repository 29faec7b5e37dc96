/* attention.c — Attention (Luong) and AdditiveAttention (Bahdanau), Keras 3: called on a list
 * [query (T, D), value (S, Dv)] or [query, value, key (S, D)] (the key defaults to the value).
 *
 * Scores S[t, s] (one matrix per sample, no projections):
 *   Attention, score_mode "dot":     c · q_t · k_s                    (c = scale if use_scale, else 1)
 *   Attention, score_mode "concat":  w · Σ_d tanh(c · (q_td + k_sd))   (w = concat_score_weight)
 *   AdditiveAttention:               Σ_d c_d · tanh(q_td + k_sd)       (c_d = scale[d] if use_scale, else 1)
 * then S[t, s] −= 1e9 where the value's mask is 0 at s or (use_causal_mask) s > t; A = softmax_s(S);
 * Ã = dropout(A) in training; out_t = Σ_s Ã[t, s] v_s, and 0 where the query's mask is 0 at t.
 * Backward: dÃ = dO Vᵀ, dV = Ãᵀ dO, dA = dÃ ⊙ keep/(1 − rate), dS = A ⊙ (dA − rowsum(dA ⊙ A)),
 * then through the score: dot — dQ = c dS K, dK = c dSᵀ Q, dc = Σ dS ⊙ (Q Kᵀ); concat and
 * additive — with th = tanh(·) per (t, s, d): dq_td = dk_sd += dS[t, s] · (w c | c_d) · (1 − th²),
 * dw += dS Σ_d th, dc += dS w Σ_d (1 − th²)(q + k), dc_d += dS th.
 * Weights: Attention "scale" () ones (use_scale), "concat_score_weight" () ones (concat);
 * AdditiveAttention "scale" (D,) glorot_uniform (use_scale). */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct attn {
    brain_layer base;
    bool additive, use_scale, concat, causal;
    float dropout;
    bool own_rng; uint64_t seed; brain_rng rng;
    brain_weight *scale, *csw;
    int64_t T, S, D, Dv;
    float *a, *ad, *g; int64_t a_cap, ad_cap, g_cap;   /* A, Ã, scratch (B·T·S) */
    uint8_t *keep; int64_t keep_cap;
    bool dropped;
} attn;

static brain_status at_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    attn *a = (attn *)l;
    char b1[128], b2[128];
    if (n_in < 2 || n_in > 3)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' must be called on a list [query, value] or [query, value, key], got %d tensors",
                           l->vt->class_name, l->name, n_in);
    const brain_shape *q = &in[0], *v = &in[1], *k = &in[n_in - 1];
    brain__shape_str(q, b1, sizeof b1);
    brain__shape_str(k, b2, sizeof b2);
    if (q->ndim != 2 || v->ndim != 2 || k->ndim != 2 || k->dims[0] != v->dims[0] || q->dims[1] != k->dims[1])
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs query (batch, Tq, dim), value (batch, Tv, dim_v) and key (batch, Tv, dim): "
                           "got query %s, key %s", l->vt->class_name, l->name, b1, b2);
    a->T = q->dims[0];
    a->D = q->dims[1];
    a->S = v->dims[0];
    a->Dv = v->dims[1];
    out->ndim = 2;
    out->dims[0] = a->T;
    out->dims[1] = a->Dv;
    if (a->use_scale) {
        int64_t shape = a->D;
        a->scale = brain__layer_add_weight(l, "scale", a->additive ? 1 : 0, &shape,
                                           a->additive ? BRAIN_INIT_GLOROT_UNIFORM : BRAIN_INIT_ONES, (brain_regularizer){0}, true);
        if (!a->scale) return BRAIN_ERR_ARG;
    }
    if (a->concat) {
        a->csw = brain__layer_add_weight(l, "concat_score_weight", 0, NULL, BRAIN_INIT_ONES, (brain_regularizer){0}, true);
        if (!a->csw) return BRAIN_ERR_ARG;
    }
    return BRAIN_OK;
}

static brain_status at_reserve(brain_layer *l, int64_t batch)
{
    attn *a = (attn *)l;
    const int64_t n = batch * a->T * a->S;
    brain_status s = brain__reserve_floats(&a->a, &a->a_cap, n);
    if (!s) s = brain__reserve_floats(&a->g, &a->g_cap, n);
    if (!s && a->dropout > 0) {
        s = brain__reserve_floats(&a->ad, &a->ad_cap, n);
        if (!s && n > a->keep_cap) {
            uint8_t *p = realloc(a->keep, (size_t)n);
            if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing %s '%s'", l->vt->class_name, l->name);
            a->keep = p;
            a->keep_cap = n;
        }
    }
    return s;
}

/* the raw score of (t, s) for the concat and additive modes */
static float mix_score(const attn *a, const float *q, const float *k)
{
    float acc = 0.0f;
    if (a->additive) {
        for (int64_t d = 0; d < a->D; d++) acc += (a->scale ? a->scale->value[d] : 1.0f) * tanhf(q[d] + k[d]);
        return acc;
    }
    const float c = a->scale ? a->scale->value[0] : 1.0f;
    for (int64_t d = 0; d < a->D; d++) acc += tanhf(c * (q[d] + k[d]));
    return a->csw->value[0] * acc;
}

static void at_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    attn *a = (attn *)l;
    const int64_t B = in[0]->shape[0], T = a->T, S = a->S, D = a->D, Dv = a->Dv;
    const float *Q = in[0]->data, *V = in[1]->data, *K = in[n_in - 1]->data;
    const uint8_t *qm = ctx->masks ? ctx->masks[0] : ctx->mask, *vm = ctx->masks ? ctx->masks[1] : NULL;
    a->dropped = ctx->training && a->dropout > 0;
    if (a->dropped) {
        brain_rng *r = a->own_rng ? &a->rng : ctx->rng;
        for (int64_t i = 0; i < B * T * S; i++) a->keep[i] = brain_rng_uniform(r) >= a->dropout;
    }
    const float inv_keep = a->dropped ? 1.0f / (1.0f - a->dropout) : 1.0f;
    for (int64_t b = 0; b < B; b++) {
        float *A = a->a + b * T * S;
        const float *q = Q + b * T * D, *k = K + b * S * D;
        if (a->additive || a->concat) {
            for (int64_t t = 0; t < T; t++)
                for (int64_t s = 0; s < S; s++) A[t * S + s] = mix_score(a, q + t * D, k + s * D);
        } else {
            brain_sgemm(false, true, T, S, D, a->scale ? a->scale->value[0] : 1.0f, q, D, k, D, 0.0f, A, S);
        }
        for (int64_t t = 0; t < T; t++) {
            float *row = A + t * S;
            for (int64_t s = 0; s < S; s++)
                if ((vm && !vm[b * S + s]) || (a->causal && s > t)) row[s] -= 1e9f;
            float mx = row[0], sum = 0.0f;
            for (int64_t s = 1; s < S; s++) mx = row[s] > mx ? row[s] : mx;
            for (int64_t s = 0; s < S; s++) { row[s] = expf(row[s] - mx); sum += row[s]; }
            for (int64_t s = 0; s < S; s++) row[s] /= sum;
        }
        const float *At = A;
        if (a->dropped) {
            float *Ad = a->ad + b * T * S;
            for (int64_t i = 0; i < T * S; i++) Ad[i] = a->keep[b * T * S + i] ? A[i] * inv_keep : 0.0f;
            At = Ad;
        }
        float *y = out->data + b * T * Dv;
        brain_sgemm(false, false, T, Dv, S, 1.0f, At, S, V + b * S * Dv, Dv, 0.0f, y, Dv);
        if (qm)
            for (int64_t t = 0; t < T; t++)
                if (!qm[b * T + t]) memset(y + t * Dv, 0, sizeof(float) * (size_t)Dv);
    }
}

static void at_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    attn *a = (attn *)l;
    const int64_t B = in[0]->shape[0], T = a->T, S = a->S, D = a->D, Dv = a->Dv;
    const float *Q = in[0]->data, *V = in[1]->data, *K = in[n_in - 1]->data;
    const uint8_t *qm = ctx->masks ? ctx->masks[0] : ctx->mask;
    const float inv_keep = a->dropped ? 1.0f / (1.0f - a->dropout) : 1.0f;
    float *dQ = din[0] ? din[0]->data : NULL, *dV = din[1] ? din[1]->data : NULL, *dK = din[n_in - 1] ? din[n_in - 1]->data : NULL;
    const float c = a->scale && !a->additive ? a->scale->value[0] : 1.0f;
    for (int64_t b = 0; b < B; b++) {
        const float *A = a->a + b * T * S, *At = a->dropped ? a->ad + b * T * S : A;
        const float *dy = dout->data + b * T * Dv, *q = Q + b * T * D, *k = K + b * S * D;
        float *G = a->g + b * T * S;
        brain_sgemm(false, true, T, S, Dv, 1.0f, dy, Dv, V + b * S * Dv, Dv, 0.0f, G, S);           /* dÃ */
        if (qm) /* the output rows of masked query steps are constant zeros */
            for (int64_t t = 0; t < T; t++)
                if (!qm[b * T + t]) memset(G + t * S, 0, sizeof(float) * (size_t)S);
        if (dV) { /* dV = Ãᵀ dO, with dO zero on masked query rows */
            for (int64_t t = 0; t < T; t++) {
                if (qm && !qm[b * T + t]) continue;
                for (int64_t s = 0; s < S; s++) {
                    const float w = At[t * S + s];
                    float *dv = dV + (b * S + s) * Dv;
                    for (int64_t e = 0; e < Dv; e++) dv[e] += w * dy[t * Dv + e];
                }
            }
        }
        if (a->dropped)
            for (int64_t i = 0; i < T * S; i++) G[i] = a->keep[b * T * S + i] ? G[i] * inv_keep : 0.0f;
        for (int64_t t = 0; t < T; t++) { /* dS */
            float *g = G + t * S, dot = 0.0f;
            for (int64_t s = 0; s < S; s++) dot += g[s] * A[t * S + s];
            for (int64_t s = 0; s < S; s++) g[s] = A[t * S + s] * (g[s] - dot);
        }
        if (!a->additive && !a->concat) {
            if (a->scale && a->scale->grad) { /* dc = Σ dS ⊙ (Q Kᵀ) */
                double acc = 0;
                for (int64_t t = 0; t < T; t++)
                    for (int64_t s = 0; s < S; s++) {
                        float qk = 0.0f;
                        for (int64_t d = 0; d < D; d++) qk += q[t * D + d] * k[s * D + d];
                        acc += (double)G[t * S + s] * qk;
                    }
                a->scale->grad[0] += (float)acc;
            }
            if (dQ) brain_sgemm(false, false, T, D, S, c, G, S, k, D, 1.0f, dQ + b * T * D, D);
            if (dK) brain_sgemm(true, false, S, D, T, c, G, S, q, D, 1.0f, dK + b * S * D, D);
            continue;
        }
        const float w = a->concat ? a->csw->value[0] : 1.0f;
        double dw = 0, dc = 0;
        for (int64_t t = 0; t < T; t++)
            for (int64_t s = 0; s < S; s++) {
                const float gs = G[t * S + s];
                double sum_th = 0, sum_u = 0;
                for (int64_t d = 0; d < D; d++) {
                    const float x = q[t * D + d] + k[s * D + d];
                    const float cd = a->additive ? (a->scale ? a->scale->value[d] : 1.0f) : c;
                    const float th = tanhf(a->additive ? x : c * x), dth = 1.0f - th * th;
                    const float gx = gs * (a->additive ? cd * dth : w * c * dth);
                    if (dQ) dQ[(b * T + t) * D + d] += gx;
                    if (dK) dK[(b * S + s) * D + d] += gx;
                    if (a->additive && a->scale && a->scale->grad) a->scale->grad[d] += gs * th;
                    sum_th += th;
                    sum_u += (double)dth * x;
                }
                dw += gs * sum_th;
                dc += gs * w * sum_u;
            }
        if (a->csw && a->csw->grad) a->csw->grad[0] += (float)dw;
        if (a->concat && a->scale && a->scale->grad) a->scale->grad[0] += (float)dc;
    }
}

static void at_destroy(brain_layer *l)
{
    attn *a = (attn *)l;
    free(a->a);
    free(a->ad);
    free(a->g);
    free(a->keep);
}

static brain_status at_get_config(const brain_layer *l, cJSON *cfg)
{
    const attn *a = (const attn *)l;
    brain_status s = brain__cfg_add_bool(cfg, "use_scale", a->use_scale);
    if (!s && !a->additive) s = brain__cfg_add_string(cfg, "score_mode", a->concat ? "concat" : "dot");
    if (!s) s = brain__cfg_add_float(cfg, "dropout", a->dropout);
    if (!s) s = a->own_rng ? brain__cfg_add_number(cfg, "seed", (double)a->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *at_from_config_common(const cJSON *cfg, bool additive)
{
    bool use_scale;
    double dropout = 0;
    int64_t seed;
    const char *mode = NULL;
    if (brain__cfg_get_bool_or(cfg, "use_scale", additive, &use_scale) || brain__cfg_get_number_or(cfg, "dropout", 0, &dropout) ||
        brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX / 2, -1, &seed) || brain__cfg_get_string(cfg, "score_mode", false, &mode))
        return NULL;
    if (!additive && mode && strcmp(mode, "dot") && strcmp(mode, "concat")) {
        brain__cfg_bad(cfg, "score_mode", "is '%s'; Keras knows \"dot\" and \"concat\"", mode);
        return NULL;
    }
    brain_attention_options o = {.use_scale = use_scale ? BRAIN_ON : BRAIN_OFF, .score_concat = mode && !strcmp(mode, "concat"),
                                 .dropout = (float)dropout, .name = brain__cfg_name(cfg)};
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    return brain__cfg_finish_layer(additive ? brain_additive_attention(&o) : brain_attention(&o), cfg);
}
static brain_layer *at_from_config(const cJSON *cfg) { return at_from_config_common(cfg, false); }
static brain_layer *ad_from_config(const cJSON *cfg) { return at_from_config_common(cfg, true); }

static brain_status at_call_from_config(brain_layer *l, const bool *present, const cJSON *kwargs)
{
    (void)present;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(kwargs, "use_causal_mask");
    ((attn *)l)->causal = cJSON_IsTrue(c);
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(kwargs, "return_attention_scores")))
        return brain__fail(BRAIN_ERR_FORMAT, "layer '%s': return_attention_scores=True (a layer with two outputs) is not supported",
                           l->name);
    return BRAIN_OK;
}

static brain_status at_call_to_config(const brain_layer *l, const char **keyword, cJSON *kwargs)
{
    (void)keyword;
    if (((const attn *)l)->causal && !cJSON_AddBoolToObject(kwargs, "use_causal_mask", true)) return BRAIN_ERR_NOMEM;
    return BRAIN_OK;
}

const brain_layer_vtable brain__attention_vt = {
    .class_name = "Attention", .snake_name = "attention", .build = at_build, .reserve = at_reserve, .forward = at_forward,
    .backward = at_backward, .destroy = at_destroy, .get_config = at_get_config, .from_config = at_from_config,
    .takes_list = true, .call_from_config = at_call_from_config, .call_to_config = at_call_to_config,
};
const brain_layer_vtable brain__additive_attention_vt = {
    .class_name = "AdditiveAttention", .snake_name = "additive_attention", .build = at_build, .reserve = at_reserve,
    .forward = at_forward, .backward = at_backward, .destroy = at_destroy, .get_config = at_get_config,
    .from_config = ad_from_config, .takes_list = true, .call_from_config = at_call_from_config,
    .call_to_config = at_call_to_config,
};

static brain_layer *at_new(bool additive, const brain_attention_options *opt)
{
    brain_attention_options o = opt ? *opt : (brain_attention_options){0};
    if (!(o.dropout >= 0 && o.dropout < 1)) {
        brain__fail(BRAIN_ERR_ARG, "%s: dropout must be in [0, 1), got %g", additive ? "AdditiveAttention" : "Attention", (double)o.dropout);
        return NULL;
    }
    attn *a = (attn *)brain__layer_new(additive ? &brain__additive_attention_vt : &brain__attention_vt, sizeof(attn), o.name);
    if (!a) return NULL;
    a->additive = additive;
    a->use_scale = additive ? o.use_scale != BRAIN_OFF : o.use_scale == BRAIN_ON;
    a->concat = !additive && o.score_concat;
    a->causal = o.use_causal_mask;
    a->dropout = o.dropout;
    if (o.has_seed) { a->own_rng = true; a->seed = o.seed; brain_rng_seed(&a->rng, o.seed); }
    a->base.mask_rule = BRAIN_MASK_PASS; /* Keras: the output carries the query's mask */
    return &a->base;
}

brain_layer *brain_attention(const brain_attention_options *opt) { return at_new(false, opt); }
brain_layer *brain_additive_attention(const brain_attention_options *opt) { return at_new(true, opt); }
