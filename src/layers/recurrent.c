/* recurrent.c — the core every recurrent layer runs on (see recurrent.h for the plan).
 *
 * Forward, per step t in processing order (t = T−1−s when go_backwards), with m = mask(b, t):
 *   Z_t = x_t W + b_in + a_{t−1} U          a = h ⊙ rmask (recurrent dropout) or h
 *   SimpleRNN: h_t = f(Z_t)
 *   LSTM:      i, f, o = σ(Z_i, Z_f, Z_o), g = f(Z_c), c_t = f·c_{t−1} + i·g, h_t = o·f(c_t)
 *   GRU (reset_after): R = a_{t−1} U + b_rec;  z = σ(X_z + R_z), r = σ(X_r + R_r),
 *                      hh = f(X_h + r·R_h),    h_t = z·h_{t−1} + (1 − z)·hh
 *   GRU (reset_after=False): z, r as above with R = a U_zr; hh = f(X_h + (r ⊙ a_{t−1}) U_h)
 *   masked (m = 0): h_t = h_{t−1}, c_t = c_{t−1}; the output at t is h_t, or 0 with zero_output_for_mask.
 * Backward, steps in reverse: dh_t (+= dy_t) → dZ_t by the cell's derivative (zero where masked,
 * dh then flows straight to h_{t−1}), dh_{t−1} = direct part + (dR_t Uᵀ) ⊙ rmask, dc_{t−1} = dc_t·f;
 * then over all steps at once: dW += x̃ᵀ dZ, dU += aᵀ dR, db += Σ dZ (and Σ dR), dx += (dZ Wᵀ) ⊙ dmask.
 * Derivatives of f and σ come from their outputs: tanh 1 − y², sigmoid y(1 − y), relu [y > 0],
 * linear 1, hard_sigmoid [0 < y < 1]/6.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* vectorise the fused gate loops: no FP contraction or reassociation, so results stay those of the
 * scalar code; no-trapping-math lets the float→int step of fast_exp vectorise (it changes no value) */
#pragma GCC optimize("O3", "no-trapping-math")
#endif
#include "layer_config.h"
#include "recurrent.h"
#include <cjson/cJSON.h>
#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include <stdlib.h>
#include <string.h>

/* e^x without branches or calls, so the gate loops vectorise (libm's expf/tanhf are calls per
 * value and were half of a training step): Cephes's expf — n = round(x·log2 e), r = x − n·ln 2
 * in two parts, a degree-7 polynomial, times 2^n from the exponent bits; relative error < 2e-7. */
static inline float fast_exp(float x)
{
    x = x < -87.3f ? -87.3f : x > 88.3f ? 88.3f : x;
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    uint32_t bits = (uint32_t)((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}
static inline float fast_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }
/* tanh|x| = (1 − e^{−2|x|})/(1 + e^{−2|x|}); below |x| = 1/16 its Taylor series to x⁷ (the
 * difference 1 − e^{−2|x|} would lose digits there) */
static inline float fast_tanh(float x)
{
    float a = fabsf(x), e = fast_exp(-2.0f * a), x2 = x * x;
    float t = (1.0f - e) / (1.0f + e);
    float small = a * (1.0f + x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315))));
    t = a < 0.0625f ? small : t;
    return copysignf(t, x);
}

static inline float act_f(brain_activation_kind k, float x)
{
    switch (k) {
    case BRAIN_TANH: return fast_tanh(x);
    case BRAIN_SIGMOID: return fast_sigmoid(x);
    case BRAIN_RELU: return x > 0 ? x : 0;
    case BRAIN_HARD_SIGMOID: { float y = x / 6.0f + 0.5f; return y < 0 ? 0 : y > 1 ? 1 : y; }
    default: return x; /* linear */
    }
}
static inline float act_d(brain_activation_kind k, float y) /* f'(x) from y = f(x) */
{
    switch (k) {
    case BRAIN_TANH: return 1.0f - y * y;
    case BRAIN_SIGMOID: return y * (1.0f - y);
    case BRAIN_RELU: return y > 0 ? 1.0f : 0.0f;
    case BRAIN_HARD_SIGMOID: return y > 0 && y < 1 ? 1.0f / 6.0f : 0.0f;
    default: return 1.0f;
    }
}
/* y[j] = act(x[j]); separate loops per kind so each one vectorises */
static void act_row(brain_activation_kind k, float *restrict v, int64_t n)
{
    switch (k) {
    case BRAIN_TANH: for (int64_t j = 0; j < n; j++) v[j] = fast_tanh(v[j]); break;
    case BRAIN_SIGMOID: for (int64_t j = 0; j < n; j++) v[j] = fast_sigmoid(v[j]); break;
    default: for (int64_t j = 0; j < n; j++) v[j] = act_f(k, v[j]); break;
    }
}

bool brain__is_rnn(const brain_layer *l)
{
    return l && l->vt->build == brain__rnn_build;
}

static const char *kind_class(brain__cell_kind k)
{
    return k == BRAIN_CELL_LSTM ? "LSTM" : k == BRAIN_CELL_GRU ? "GRU" : "SimpleRNN";
}

static bool rnn_act_ok(brain_activation_kind a)
{
    return a == BRAIN_TANH || a == BRAIN_SIGMOID || a == BRAIN_RELU || a == BRAIN_LINEAR || a == BRAIN_HARD_SIGMOID;
}

brain_layer *brain__rnn_new(const brain_layer_vtable *vt, brain__cell_kind kind, int64_t units, const brain_rnn_options *opt)
{
    brain_rnn_options o = opt ? *opt : (brain_rnn_options){0};
    const char *cls = kind_class(kind);
    if (units <= 0) {
        brain__fail(BRAIN_ERR_ARG, "%s: units must be a positive integer, got %lld", cls, (long long)units);
        return NULL;
    }
    brain_activation_kind act = o.has_activation ? o.activation : BRAIN_TANH;
    brain_activation_kind ract = o.has_recurrent_activation ? o.recurrent_activation : BRAIN_SIGMOID;
    if (!rnn_act_ok(act) || (kind != BRAIN_CELL_SIMPLE && !rnn_act_ok(ract))) {
        brain__fail(BRAIN_ERR_ARG, "%s: activation and recurrent_activation must be tanh, sigmoid, relu, linear or "
                    "hard_sigmoid (got %s and %s)", cls, brain_activation_name(act), brain_activation_name(ract));
        return NULL;
    }
    if (!(o.dropout >= 0 && o.dropout < 1) || !(o.recurrent_dropout >= 0 && o.recurrent_dropout < 1)) {
        brain__fail(BRAIN_ERR_ARG, "%s: dropout and recurrent_dropout must be in [0, 1), got %g and %g", cls,
                    (double)o.dropout, (double)o.recurrent_dropout);
        return NULL;
    }
    brain__rnn *r = (brain__rnn *)brain__layer_new(vt, sizeof(brain__rnn), o.name);
    if (!r) return NULL;
    r->kind = kind;
    r->gates = kind == BRAIN_CELL_LSTM ? 4 : kind == BRAIN_CELL_GRU ? 3 : 1;
    r->units = units;
    r->act = act;
    r->rec_act = ract;
    r->use_bias = o.use_bias != BRAIN_OFF;
    r->return_sequences = o.return_sequences;
    r->return_state = o.return_state;
    r->go_backwards = o.go_backwards;
    r->unit_forget_bias = kind == BRAIN_CELL_LSTM && o.unit_forget_bias != BRAIN_OFF;
    r->reset_after = kind == BRAIN_CELL_GRU && o.reset_after != BRAIN_OFF;
    r->dropout = o.dropout;
    r->recurrent_dropout = o.recurrent_dropout;
    r->kinit = o.kernel_initializer ? o.kernel_initializer : BRAIN_INIT_GLOROT_UNIFORM;
    r->rinit = o.recurrent_initializer ? o.recurrent_initializer : BRAIN_INIT_ORTHOGONAL;
    r->binit = o.bias_initializer ? o.bias_initializer : BRAIN_INIT_ZEROS;
    r->kreg = o.kernel_regularizer;
    r->rreg = o.recurrent_regularizer;
    r->breg = o.bias_regularizer;
    if (o.has_seed) {
        r->own_rng = true;
        r->seed = o.seed;
        brain_rng_seed(&r->rng, o.seed);
    }
    r->base.mask_rule = r->return_sequences ? BRAIN_MASK_PASS : BRAIN_MASK_DROP; /* Keras RNN.compute_mask */
    return &r->base;
}

brain_status brain__rnn_build_into(brain__rnn *r, brain_layer *owner, const char *path, const brain_shape *in, brain_shape *out)
{
    brain_layer *l = &r->base;
    if (in->ndim != 2)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs input of shape (steps, features) per sample, got rank %d",
                           l->vt->class_name, l->name, in->ndim);
    if (r->return_state && owner != l)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': return_state inside Bidirectional is not supported; read the final "
                           "states with brain_rnn_state instead", l->vt->class_name, l->name);
    if (r->return_state) { /* Keras: [output, h] or, for LSTM, [output, h, c] (the functional graph's outputs 1, 2) */
        l->n_out = r->kind == BRAIN_CELL_LSTM ? 3 : 2;
        for (int k = 0; k < l->n_out - 1; k++) l->extra_out_shape[k] = (brain_shape){.ndim = 1, .dims = {r->units}};
    }
    r->steps = in->dims[0];
    r->in_dim = in->dims[1];
    const int64_t GU = r->gates * r->units;
    int64_t ks[2] = {r->in_dim, GU}, rs[2] = {r->units, GU}, bs[2] = {2, GU};
    brain_weight *w[3] = {0};
    w[0] = r->kernel = brain__layer_add_weight(owner, "kernel", 2, ks, r->kinit, r->kreg, true);
    if (!r->kernel) return BRAIN_ERR_ARG;
    w[1] = r->rkernel = brain__layer_add_weight(owner, "recurrent_kernel", 2, rs, r->rinit, r->rreg, true);
    if (!r->rkernel) return BRAIN_ERR_ARG;
    if (r->use_bias) {
        /* LSTM unit_forget_bias: zeros with ones on the forget slice [u, 2u) */
        brain_initializer_kind bi = r->unit_forget_bias && r->binit == BRAIN_INIT_ZEROS ? BRAIN__INIT_UNIT_FORGET_BIAS : r->binit;
        w[2] = r->bias = r->reset_after ? brain__layer_add_weight(owner, "bias", 2, bs, bi, r->breg, true)
                                        : brain__layer_add_weight(owner, "bias", 1, &GU, bi, r->breg, true);
        if (!r->bias) return BRAIN_ERR_ARG;
    }
    for (int i = 0; i < 3; i++)
        if (w[i]) snprintf(w[i]->path, sizeof w[i]->path, "%s", path);
    *out = r->return_sequences ? BRAIN_SHAPE(r->steps, r->units) : BRAIN_SHAPE(r->units);
    return BRAIN_OK;
}

brain_status brain__rnn_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__rnn_build_into((brain__rnn *)l, l, "cell", in, out);
}

brain_status brain__rnn_reserve(brain_layer *l, int64_t batch)
{
    brain__rnn *r = (brain__rnn *)l;
    const int64_t B = batch, T = r->steps, D = r->in_dim, u = r->units, GU = r->gates * u;
    const bool lstm = r->kind == BRAIN_CELL_LSTM, gru_ra = r->kind == BRAIN_CELL_GRU && r->reset_after,
               gru_rb = r->kind == BRAIN_CELL_GRU && !r->reset_after;
    int64_t sizes[20], n = 0, k = 0;
    float **ptrs[20];
#define CARVE(p, count) (ptrs[k] = &(p), sizes[k++] = (count))
    CARVE(r->xd, r->dropout > 0 ? B * T * D : 0);
    CARVE(r->dmask, r->dropout > 0 ? B * D : 0);
    CARVE(r->rmask, r->recurrent_dropout > 0 ? B * u : 0);
    CARVE(r->z, B * T * GU);
    CARVE(r->hp, B * T * u);
    CARVE(r->ha, r->recurrent_dropout > 0 ? B * T * u : 0);
    CARVE(r->cp, lstm ? B * T * u : 0);
    CARVE(r->tc, lstm ? B * T * u : 0);
    CARVE(r->rec, gru_ra ? B * T * GU : 0);
    CARVE(r->rhp, gru_rb ? B * T * u : 0);
    CARVE(r->dz, B * T * GU);
    CARVE(r->dr, gru_ra ? B * T * GU : 0);
    CARVE(r->h, B * u);
    CARVE(r->c, lstm ? B * u : 0);
    CARVE(r->dh, B * u);
    CARVE(r->ut, GU * u);
    CARVE(r->dc, B * u);
#undef CARVE
    for (int i = 0; i < k; i++) n += sizes[i] + 16; /* 64-byte aligned starts */
    brain_status s = brain__reserve_floats(&r->arena, &r->arena_cap, n + 16 + B * u);
    if (s) return s;
    float *p = r->arena;
    for (int i = 0; i < k; i++) {
        p = (float *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
        *ptrs[i] = sizes[i] ? p : NULL;
        p += sizes[i];
    }
    r->tmp = (float *)(((uintptr_t)p + 63) & ~(uintptr_t)63);
    return BRAIN_OK;
}

/* one keep/drop draw per (sample, feature): 0 or 1/(1 − rate) */
static void draw_mask(float *mask, int64_t n, float rate, brain_rng *rng)
{
    const float scale = 1.0f / (1.0f - rate);
    for (int64_t i = 0; i < n; i++) mask[i] = brain_rng_uniform(rng) >= rate ? scale : 0.0f;
}


#define ALWAYS_INLINE static inline __attribute__((always_inline))

/* Forward of batch rows [b0, b1) through every step.  Rows are independent, so threads split the
 * batch and each runs the whole time loop on its rows (one fork per layer call, not per step).
 * fa / ra are the layer's activations, passed as constants on the common path so that the
 * per-kind switches fold away. */
ALWAYS_INLINE void forward_rows(brain__rnn *r, const uint8_t *mask, float *y, int64_t b0, int64_t b1,
                                brain_activation_kind fa, brain_activation_kind ra)
{
    const int64_t T = r->steps, u = r->units, GU = r->gates * u, TU = T * u, TG = T * GU, nb = b1 - b0;
    const brain__cell_kind kind = r->kind;
    const bool gru_ra = kind == BRAIN_CELL_GRU && r->reset_after, gru_rb = kind == BRAIN_CELL_GRU && !r->reset_after;
    const float *U = r->rkernel->value;
    const float *brec = gru_ra && r->use_bias ? r->bias->value + GU : NULL;
    for (int64_t s = 0; s < T; s++) {
        const int64_t t = r->go_backwards ? T - 1 - s : s;
        float *hp_t = r->hp + t * u, *Z_t = r->z + t * GU;
        for (int64_t b = b0; b < b1; b++) memcpy(hp_t + b * TU, r->h + b * u, sizeof(float) * u);
        const float *a_t = hp_t;
        if (r->rdropped) {
            float *ha_t = r->ha + t * u;
            for (int64_t b = b0; b < b1; b++)
                for (int64_t j = 0; j < u; j++) ha_t[b * TU + j] = hp_t[b * TU + j] * r->rmask[b * u + j];
            a_t = ha_t;
        }
        if (gru_ra) {
            float *R_t = r->rec + t * GU;
            brain_sgemm(false, false, nb, GU, u, 1.0f, a_t + b0 * TU, TU, U, GU, 0.0f, R_t + b0 * TG, TG);
            if (brec)
                for (int64_t b = b0; b < b1; b++)
                    for (int64_t j = 0; j < GU; j++) R_t[b * TG + j] += brec[j];
        } else if (gru_rb) {
            /* z and r first, then the candidate from (r ⊙ a)·U_h */
            brain_sgemm(false, false, nb, 2 * u, u, 1.0f, a_t + b0 * TU, TU, U, GU, 1.0f, Z_t + b0 * TG, TG);
            float *rhp_t = r->rhp + t * u;
            for (int64_t b = b0; b < b1; b++) {
                float *zr = Z_t + b * TG;
                act_row(ra, zr, 2 * u);
                for (int64_t j = 0; j < u; j++) rhp_t[b * TU + j] = zr[u + j] * a_t[b * TU + j];
            }
            brain_sgemm(false, false, nb, u, u, 1.0f, rhp_t + b0 * TU, TU, U + 2 * u, GU, 1.0f, Z_t + b0 * TG + 2 * u, TG);
        } else {
            brain_sgemm(false, false, nb, GU, u, 1.0f, a_t + b0 * TU, TU, U, GU, 1.0f, Z_t + b0 * TG, TG);
        }
        for (int64_t b = b0; b < b1; b++) {
            float *h = r->h + b * u, *zr = Z_t + b * TG;
            float *yo = r->return_sequences ? y + (b * T + s) * u : NULL;
            if (mask && !mask[b * T + t]) { /* skipped step: state carried over */
                if (yo) {
                    if (r->zero_output_for_mask) memset(yo, 0, sizeof(float) * u);
                    else memcpy(yo, h, sizeof(float) * u);
                }
                continue;
            }
            const float *hprev = hp_t + b * TU;
            switch (kind) {
            case BRAIN_CELL_SIMPLE:
                act_row(fa, zr, u);
                memcpy(h, zr, sizeof(float) * u);
                break;
            case BRAIN_CELL_LSTM: {
                float *c = r->c + b * u, *cp = r->cp + t * u + b * TU, *tc = r->tc + t * u + b * TU;
                act_row(ra, zr, 2 * u);
                act_row(fa, zr + 2 * u, u);
                act_row(ra, zr + 3 * u, u);
                memcpy(cp, c, sizeof(float) * u);
                const float *gi = zr, *gf = zr + u, *gg = zr + 2 * u, *go = zr + 3 * u;
                for (int64_t j = 0; j < u; j++) tc[j] = c[j] = gf[j] * cp[j] + gi[j] * gg[j];
                act_row(fa, tc, u);
                for (int64_t j = 0; j < u; j++) h[j] = go[j] * tc[j];
                break;
            }
            case BRAIN_CELL_GRU: {
                if (gru_ra) {
                    const float *rr = r->rec + t * GU + b * TG;
                    for (int64_t j = 0; j < 2 * u; j++) zr[j] += rr[j];
                    act_row(ra, zr, 2 * u);
                    for (int64_t j = 0; j < u; j++) zr[2 * u + j] += zr[u + j] * rr[2 * u + j];
                }
                act_row(fa, zr + 2 * u, u);
                const float *gz = zr, *hh = zr + 2 * u;
                for (int64_t j = 0; j < u; j++) h[j] = gz[j] * hprev[j] + (1.0f - gz[j]) * hh[j];
                break;
            }
            }
            if (yo) memcpy(yo, h, sizeof(float) * u);
        }
    }
}

static void forward_part(brain__rnn *r, const uint8_t *mask, float *y, int64_t b0, int64_t b1)
{
    if (r->act == BRAIN_TANH && r->rec_act == BRAIN_SIGMOID) forward_rows(r, mask, y, b0, b1, BRAIN_TANH, BRAIN_SIGMOID);
    else forward_rows(r, mask, y, b0, b1, r->act, r->rec_act);
}

/* How many row blocks the time loops run in: one per thread, at least 8 rows each. */
static int row_parts(int64_t B)
{
    int64_t p = brain__num_threads();
    if (p > B / 8) p = B / 8;
    return p < 1 ? 1 : (int)p;
}

/* One row block's input projection: Z rows = x̃·W + b_in for rows [b0, b1) and every step (the
 * block is contiguous in the (B, T, ·) layout), x̃ = x ⊙ dropout mask when dropping. */
static void project_rows(brain__rnn *r, const float *x, int64_t b0, int64_t b1)
{
    const int64_t T = r->steps, D = r->in_dim, GU = r->gates * r->units, r0 = b0 * T, rows = (b1 - b0) * T;
    if (r->dropped) {
        for (int64_t b = b0; b < b1; b++)
            for (int64_t t = 0; t < T; t++) {
                const float *xs = x + (b * T + t) * D, *dm = r->dmask + b * D;
                float *xo = r->xd + (b * T + t) * D;
                for (int64_t d = 0; d < D; d++) xo[d] = xs[d] * dm[d];
            }
        x = r->xd;
    }
    if (r->use_bias)
        for (int64_t row = r0; row < r0 + rows; row++) memcpy(r->z + row * GU, r->bias->value, sizeof(float) * GU);
    brain_sgemm(false, false, rows, GU, D, 1.0f, x + r0 * D, D, r->kernel->value, GU, r->use_bias ? 1.0f : 0.0f,
                r->z + r0 * GU, GU);
}

void brain__rnn_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    brain__rnn *r = (brain__rnn *)l;
    const int64_t B = in[0]->shape[0], D = r->in_dim, u = r->units;
    brain_rng *rng = r->own_rng ? &r->rng : ctx->rng;
    r->dropped = ctx->training && r->dropout > 0;
    r->rdropped = ctx->training && r->recurrent_dropout > 0;
    if (r->dropped) draw_mask(r->dmask, B * D, r->dropout, rng);
    if (r->rdropped) draw_mask(r->rmask, B * u, r->recurrent_dropout, rng);
    memset(r->h, 0, sizeof(float) * B * u);
    if (r->kind == BRAIN_CELL_LSTM) memset(r->c, 0, sizeof(float) * B * u);
    /* one parallel region per call: each thread projects and runs its own rows.  No region at
     * all for one part (libgomp allocates a team even for parallel if(0)). */
    const int parts = row_parts(B);
    if (parts == 1) {
        project_rows(r, in[0]->data, 0, B);
        forward_part(r, ctx->mask, out->data, 0, B);
    } else {
#ifdef _OPENMP
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
        for (int p = 0; p < parts; p++) {
            const int64_t b0 = B * p / parts, b1 = B * (p + 1) / parts;
            project_rows(r, in[0]->data, b0, b1);
            forward_part(r, ctx->mask, out->data, b0, b1);
        }
    }
    if (!r->return_sequences) memcpy(out->data, r->h, sizeof(float) * B * u);
    if (r->return_state && ctx->extra_out) { /* the final states: outputs 1 (h) and 2 (c, LSTM) */
        memcpy(ctx->extra_out[0]->data, r->h, sizeof(float) * B * u);
        if (r->kind == BRAIN_CELL_LSTM) memcpy(ctx->extra_out[1]->data, r->c, sizeof(float) * B * u);
    }
}

/* LSTM's step backward for one row (restrict: the arrays are distinct, so the loop vectorises) */
ALWAYS_INLINE void lstm_backward_row(int64_t u, const float *restrict z, const float *restrict tc, const float *restrict cp,
                                     float *restrict dz, float *restrict dc, float *restrict dh,
                                     brain_activation_kind fa, brain_activation_kind ra)
{
    const float *gi = z, *gf = z + u, *gg = z + 2 * u, *go = z + 3 * u;
    for (int64_t j = 0; j < u; j++) {
        float dct = dc[j] + dh[j] * go[j] * act_d(fa, tc[j]);
        dz[j] = dct * gg[j] * act_d(ra, gi[j]);
        dz[u + j] = dct * cp[j] * act_d(ra, gf[j]);
        dz[2 * u + j] = dct * gi[j] * act_d(fa, gg[j]);
        dz[3 * u + j] = dh[j] * tc[j] * act_d(ra, go[j]);
        dc[j] = dct * gf[j];
        dh[j] = 0;
    }
}

/* SimpleRNN's and GRU's step backward for one row, the parts that need no recurrent product
 * (GRU: the reset gate's gradient follows once the candidate's recurrent product is known) */
ALWAYS_INLINE void simple_backward_row(int64_t u, const float *restrict z, float *restrict dz, float *restrict dh,
                                       brain_activation_kind fa)
{
    for (int64_t j = 0; j < u; j++) {
        dz[j] = dh[j] * act_d(fa, z[j]);
        dh[j] = 0;
    }
}
ALWAYS_INLINE void gru_backward_row(int64_t u, const float *restrict z, const float *restrict hprev, float *restrict dz,
                                    float *restrict dh, brain_activation_kind fa, brain_activation_kind ra)
{
    const float *gz = z, *hh = z + 2 * u;
    for (int64_t j = 0; j < u; j++) {
        dz[2 * u + j] = dh[j] * (1.0f - gz[j]) * act_d(fa, hh[j]);
        dz[j] = dh[j] * (hprev[j] - hh[j]) * act_d(ra, gz[j]);
        dz[u + j] = 0;
        dh[j] *= gz[j];
    }
}

/* Backward of batch rows [b0, b1) through every step, in reverse: fills dZ (and dR) and leaves
 * dh, dc for the rows; weight gradients are taken afterwards over all rows and steps at once. */
ALWAYS_INLINE void backward_rows(brain__rnn *r, const uint8_t *mask, const float *dy_all, int64_t b0, int64_t b1,
                                 brain_activation_kind fa, brain_activation_kind ra)
{
    const int64_t T = r->steps, u = r->units, GU = r->gates * u, TU = T * u, TG = T * GU, nb = b1 - b0;
    const brain__cell_kind kind = r->kind;
    const bool gru_ra = kind == BRAIN_CELL_GRU && r->reset_after, gru_rb = kind == BRAIN_CELL_GRU && !r->reset_after;
    const float *UT = r->ut; /* Uᵀ, (G·u × u): the per-step products below run as NN, which is
                              * faster than NT for these shapes (measured 7–9 µs against 21) */
    float *dh = r->dh, *dc = r->dc, *tmp = r->tmp;
    const float *A = r->rdropped ? r->ha : r->hp; /* what multiplies U at each step */
    const float *dR = gru_ra ? r->dr : r->dz;     /* the gradient of that product */

    for (int64_t s = T - 1; s >= 0; s--) {
        const int64_t t = r->go_backwards ? T - 1 - s : s;
        const float *Z_t = r->z + t * GU, *hp_t = r->hp + t * u;
        float *dZ_t = r->dz + t * GU;
        for (int64_t b = b0; b < b1; b++) {
            const bool kept = !mask || mask[b * T + t];
            float *dhb = dh + b * u, *dzr = dZ_t + b * TG;
            if (r->return_sequences && (kept || !r->zero_output_for_mask)) {
                const float *dy = dy_all + (b * T + s) * u;
                for (int64_t j = 0; j < u; j++) dhb[j] += dy[j];
            }
            if (!kept) { /* dh (and dc) flow straight to the previous step */
                memset(dzr, 0, sizeof(float) * GU);
                if (gru_ra) memset(r->dr + t * GU + b * TG, 0, sizeof(float) * GU);
                continue;
            }
            const float *zr = Z_t + b * TG, *hprev = hp_t + b * TU;
            switch (kind) {
            case BRAIN_CELL_SIMPLE:
                simple_backward_row(u, zr, dzr, dhb, fa);
                break;
            case BRAIN_CELL_LSTM:
                lstm_backward_row(u, zr, r->tc + t * u + b * TU, r->cp + t * u + b * TU, dzr, dc + b * u, dhb, fa, ra);
                break;
            case BRAIN_CELL_GRU: {
                const float *gr = zr + u;
                gru_backward_row(u, zr, hprev, dzr, dhb, fa, ra);
                if (gru_ra) {
                    const float *rr = r->rec + t * GU + b * TG;
                    float *drr = r->dr + t * GU + b * TG;
                    for (int64_t j = 0; j < u; j++) {
                        dzr[u + j] = dzr[2 * u + j] * rr[2 * u + j] * act_d(ra, gr[j]);
                        drr[j] = dzr[j];
                        drr[u + j] = dzr[u + j];
                        drr[2 * u + j] = dzr[2 * u + j] * gr[j];
                    }
                }
                break;
            }
            }
        }
        const float *A_t = A + t * u;
        const float *dR_t = dR + t * GU;
        if (gru_rb) {
            /* d(r ⊙ a) = dZ_h U_hᵀ gives the reset gate's gradient and part of da */
            brain_sgemm(false, false, nb, u, u, 1.0f, dZ_t + b0 * TG + 2 * u, TG, UT + 2 * u * u, u, 0.0f, tmp + b0 * u, u);
            for (int64_t b = b0; b < b1; b++) {
                const float *gr = Z_t + b * TG + u, *ab = A_t + b * TU;
                float *dzr = dZ_t + b * TG, *tb = tmp + b * u;
                if (mask && !mask[b * T + t]) continue;
                for (int64_t j = 0; j < u; j++) {
                    dzr[u + j] = tb[j] * ab[j] * act_d(ra, gr[j]);
                    tb[j] *= gr[j];
                }
            }
            brain_sgemm(false, false, nb, u, 2 * u, 1.0f, dZ_t + b0 * TG, TG, UT, u, 1.0f, tmp + b0 * u, u);
        } else {
            brain_sgemm(false, false, nb, u, GU, 1.0f, dR_t + b0 * TG, TG, UT, u, r->rdropped ? 0.0f : 1.0f,
                        (r->rdropped ? tmp : dh) + b0 * u, u);
        }
        if (gru_rb || r->rdropped)
            for (int64_t i = b0 * u; i < b1 * u; i++) dh[i] += r->rdropped ? tmp[i] * r->rmask[i] : tmp[i];
    }
}

static void backward_part(brain__rnn *r, const uint8_t *mask, const float *dy, int64_t b0, int64_t b1)
{
    if (r->act == BRAIN_TANH && r->rec_act == BRAIN_SIGMOID) backward_rows(r, mask, dy, b0, b1, BRAIN_TANH, BRAIN_SIGMOID);
    else backward_rows(r, mask, dy, b0, b1, r->act, r->rec_act);
}

/* Weight gradients over all rows and steps at once, for the columns [c0, c1) of the gates (a
 * column split needs no reduction between threads):
 *   dW += x̃ᵀ dZ,  dU += aᵀ dR (GRU reset_after=False: a for z, r and (r ⊙ a) for h),  db += Σ dZ (, Σ dR) */
static void weight_grads_cols(brain__rnn *r, const float *x, int64_t BT, int64_t c0, int64_t c1)
{
    const int64_t D = r->in_dim, u = r->units, GU = r->gates * u, n = c1 - c0;
    const bool gru_ra = r->kind == BRAIN_CELL_GRU && r->reset_after, gru_rb = r->kind == BRAIN_CELL_GRU && !r->reset_after;
    const float *X = r->dropped ? r->xd : x, *A = r->rdropped ? r->ha : r->hp, *dR = gru_ra ? r->dr : r->dz;
    if (n <= 0) return;
    brain_sgemm(true, false, D, n, BT, 1.0f, X, D, r->dz + c0, GU, 1.0f, r->kernel->grad + c0, GU);
    float *dU = r->rkernel->grad;
    if (gru_rb) {
        int64_t mid = c0 > 2 * u ? c0 : c1 < 2 * u ? c1 : 2 * u; /* columns of z, r | of h */
        if (mid > c0) brain_sgemm(true, false, u, mid - c0, BT, 1.0f, A, u, r->dz + c0, GU, 1.0f, dU + c0, GU);
        if (c1 > mid) brain_sgemm(true, false, u, c1 - mid, BT, 1.0f, r->rhp, u, r->dz + mid, GU, 1.0f, dU + mid, GU);
    } else {
        brain_sgemm(true, false, u, n, BT, 1.0f, A, u, dR + c0, GU, 1.0f, dU + c0, GU);
    }
    if (r->use_bias) {
        float *db = r->bias->grad;
        for (int64_t row = 0; row < BT; row++) {
            const float *d = r->dz + row * GU;
            for (int64_t j = c0; j < c1; j++) db[j] += d[j];
        }
        if (gru_ra)
            for (int64_t row = 0; row < BT; row++) {
                const float *d = r->dr + row * GU;
                for (int64_t j = c0; j < c1; j++) db[GU + j] += d[j];
            }
    }
}

/* dx for rows [b0, b1) (every step): dZ·Wᵀ, times the dropout mask when dropping */
static void input_grad_rows(brain__rnn *r, float *dx, int64_t b0, int64_t b1)
{
    const int64_t T = r->steps, D = r->in_dim, GU = r->gates * r->units, r0 = b0 * T, rows = (b1 - b0) * T;
    if (!r->dropped) {
        brain_sgemm(false, true, rows, D, GU, 1.0f, r->dz + r0 * GU, GU, r->kernel->value, GU, 1.0f, dx + r0 * D, D);
        return;
    }
    brain_sgemm(false, true, rows, D, GU, 1.0f, r->dz + r0 * GU, GU, r->kernel->value, GU, 0.0f, r->xd + r0 * D, D);
    for (int64_t b = b0; b < b1; b++)
        for (int64_t t = 0; t < T; t++)
            for (int64_t d = 0; d < D; d++) dx[(b * T + t) * D + d] += r->xd[(b * T + t) * D + d] * r->dmask[b * D + d];
}

void brain__rnn_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    brain__rnn *r = (brain__rnn *)l;
    const int64_t B = in[0]->shape[0], T = r->steps, u = r->units, GU = r->gates * u;
    if (r->return_sequences) memset(r->dh, 0, sizeof(float) * B * u);
    else memcpy(r->dh, dout->data, sizeof(float) * B * u);
    if (r->kind == BRAIN_CELL_LSTM) memset(r->dc, 0, sizeof(float) * B * u);
    if (r->return_state && ctx->extra_dout) { /* the final states' gradients enter after the last step */
        for (int64_t i = 0; i < B * u; i++) r->dh[i] += ctx->extra_dout[0]->data[i];
        if (r->kind == BRAIN_CELL_LSTM)
            for (int64_t i = 0; i < B * u; i++) r->dc[i] += ctx->extra_dout[1]->data[i];
    }
    const float *U = r->rkernel->value;
    for (int64_t i = 0; i < u; i++)
        for (int64_t j = 0; j < GU; j++) r->ut[j * u + i] = U[i * GU + j];
    /* one parallel region: each thread runs the time loop on its rows, then (after a barrier, as
     * the weight gradients sum over every row) takes a share of the gate columns and its rows' dx */
    const int parts = row_parts(B);
    if (parts == 1) {
        backward_part(r, ctx->mask, dout->data, 0, B);
        if (r->kernel->grad) weight_grads_cols(r, in[0]->data, B * T, 0, GU);
        if (din[0]) input_grad_rows(r, din[0]->data, 0, B);
        return;
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(parts)
#endif
    {
        int p = 0;
#ifdef _OPENMP
        p = omp_get_thread_num();
#endif
        const int64_t b0 = B * p / parts, b1 = B * (p + 1) / parts;
        backward_part(r, ctx->mask, dout->data, b0, b1);
#ifdef _OPENMP
#pragma omp barrier
#endif
        if (r->kernel->grad) weight_grads_cols(r, in[0]->data, B * T, GU * p / parts, GU * (p + 1) / parts);
        if (din[0]) {
            /* with input dropout the weight gradients read every row of x̃ (r->xd), which
             * input_grad_rows reuses for its rows' dZ·Wᵀ: all reads end before any write */
            if (r->dropped && r->kernel->grad) {
#ifdef _OPENMP
#pragma omp barrier
#endif
            }
            input_grad_rows(r, din[0]->data, b0, b1);
        }
    }
}

void brain__rnn_destroy(brain_layer *l)
{
    free(((brain__rnn *)l)->arena);
}

/* ------------------------------------------------------------------ Keras configs */
brain_status brain__rnn_get_config(const brain_layer *l, cJSON *cfg)
{
    const brain__rnn *r = (const brain__rnn *)l;
    cJSON_AddBoolToObject(cfg, "return_sequences", r->return_sequences);
    cJSON_AddBoolToObject(cfg, "return_state", r->return_state);
    cJSON_AddBoolToObject(cfg, "go_backwards", r->go_backwards);
    cJSON_AddBoolToObject(cfg, "stateful", false);
    cJSON_AddBoolToObject(cfg, "unroll", false);
    cJSON_AddBoolToObject(cfg, "zero_output_for_mask", r->zero_output_for_mask);
    cJSON_AddNumberToObject(cfg, "units", (double)r->units);
    cJSON_AddStringToObject(cfg, "activation", brain_activation_name(r->act));
    if (r->kind != BRAIN_CELL_SIMPLE) cJSON_AddStringToObject(cfg, "recurrent_activation", brain_activation_name(r->rec_act));
    cJSON_AddBoolToObject(cfg, "use_bias", r->use_bias);
    brain__cfg_add_initializer(cfg, "kernel_initializer", r->kinit);
    brain__cfg_add_initializer(cfg, "recurrent_initializer", r->rinit);
    brain__cfg_add_initializer(cfg, "bias_initializer", r->binit);
    if (r->kind == BRAIN_CELL_LSTM) cJSON_AddBoolToObject(cfg, "unit_forget_bias", r->unit_forget_bias);
    brain__cfg_add_regularizer(cfg, "kernel_regularizer", r->kreg);
    brain__cfg_add_regularizer(cfg, "recurrent_regularizer", r->rreg);
    brain__cfg_add_regularizer(cfg, "bias_regularizer", r->breg);
    cJSON_AddNullToObject(cfg, "activity_regularizer");
    cJSON_AddNullToObject(cfg, "kernel_constraint");
    cJSON_AddNullToObject(cfg, "recurrent_constraint");
    cJSON_AddNullToObject(cfg, "bias_constraint");
    cJSON_AddNumberToObject(cfg, "dropout", brain__float_option(r->dropout));
    cJSON_AddNumberToObject(cfg, "recurrent_dropout", brain__float_option(r->recurrent_dropout));
    if (r->kind == BRAIN_CELL_GRU) cJSON_AddBoolToObject(cfg, "reset_after", r->reset_after);
    if (r->kind != BRAIN_CELL_SIMPLE) {
        if (r->own_rng) cJSON_AddNumberToObject(cfg, "seed", (double)r->seed);
        else cJSON_AddNullToObject(cfg, "seed");
    }
    return BRAIN_OK;
}

brain_layer *brain__rnn_from_config(const brain_layer_vtable *vt, brain__cell_kind kind, const cJSON *cfg)
{
    brain_rnn_options o = {.name = brain__cfg_name(cfg)};
    double units = 0, dropout = 0, rdropout = 0, seed = 0;
    bool use_bias = true, ufb = true, reset_after = true, stateful = false, unroll = false, zero_out = false;
    brain_status s = brain__cfg_get_number(cfg, "units", &units);
    if (!s) s = brain__cfg_get_number_or(cfg, "dropout", dropout, &dropout);
    if (!s) s = brain__cfg_get_number_or(cfg, "recurrent_dropout", rdropout, &rdropout);
    if (!s) s = brain__cfg_get_bool_or(cfg, "return_sequences", o.return_sequences, &o.return_sequences);
    if (!s) s = brain__cfg_get_bool_or(cfg, "return_state", o.return_state, &o.return_state);
    if (!s) s = brain__cfg_get_bool_or(cfg, "go_backwards", o.go_backwards, &o.go_backwards);
    if (!s) s = brain__cfg_get_bool_or(cfg, "stateful", stateful, &stateful);
    if (!s) s = brain__cfg_get_bool_or(cfg, "unroll", unroll, &unroll);
    if (!s) s = brain__cfg_get_bool_or(cfg, "zero_output_for_mask", zero_out, &zero_out);
    if (!s) s = brain__cfg_get_bool_or(cfg, "use_bias", use_bias, &use_bias);
    if (!s) s = brain__cfg_get_bool_or(cfg, "unit_forget_bias", ufb, &ufb);
    if (!s) s = brain__cfg_get_bool_or(cfg, "reset_after", reset_after, &reset_after);
    o.activation = BRAIN_TANH;
    o.recurrent_activation = BRAIN_SIGMOID;
    o.has_activation = o.has_recurrent_activation = true;
    if (!s) s = brain__cfg_get_activation_or(cfg, "activation", o.activation, &o.activation);
    if (!s) s = brain__cfg_get_activation_or(cfg, "recurrent_activation", o.recurrent_activation, &o.recurrent_activation);
    if (!s) s = brain__cfg_get_initializer(cfg, "kernel_initializer", &o.kernel_initializer);
    if (!s) s = brain__cfg_get_initializer(cfg, "recurrent_initializer", &o.recurrent_initializer);
    if (!s) s = brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer);
    if (!s) s = brain__cfg_get_regularizer(cfg, "kernel_regularizer", &o.kernel_regularizer);
    if (!s) s = brain__cfg_get_regularizer(cfg, "recurrent_regularizer", &o.recurrent_regularizer);
    if (!s) s = brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer);
    const cJSON *sd = cJSON_GetObjectItemCaseSensitive(cfg, "seed");
    if (!s && cJSON_IsNumber(sd)) { seed = sd->valuedouble; o.seed = (uint64_t)brain__to_i64(seed); o.has_seed = true; }
    if (s) return NULL;
    if (stateful || unroll) {
        brain__cfg_bad(cfg, stateful ? "stateful" : "unroll", "is true, which this library does not support");
        return NULL;
    }
    if (units != (double)brain__to_i64(units)) {
        brain__cfg_bad(cfg, "units", "must be a whole number");
        return NULL;
    }
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    o.unit_forget_bias = ufb ? BRAIN_ON : BRAIN_OFF;
    o.reset_after = reset_after ? BRAIN_ON : BRAIN_OFF;
    o.dropout = (float)dropout;
    o.recurrent_dropout = (float)rdropout;
    brain_layer *l = brain__rnn_new(vt, kind, brain__to_i64(units), &o);
    if (!l) return NULL;
    ((brain__rnn *)l)->zero_output_for_mask = zero_out;
    return brain__cfg_finish_layer(l, cfg);
}

brain_tensor *brain_rnn_state(brain_layer *l, int i)
{
    if (!brain__is_rnn(l)) {
        brain__fail(BRAIN_ERR_ARG, "brain_rnn_state: layer '%s' is not a SimpleRNN, LSTM or GRU", l ? l->name : "(null)");
        return NULL;
    }
    brain__rnn *r = (brain__rnn *)l;
    int n_states = r->kind == BRAIN_CELL_LSTM ? 2 : 1;
    if (i < 0 || i >= n_states) {
        brain__fail(BRAIN_ERR_ARG, "brain_rnn_state: %s '%s' has %d state(s); index %d is out of range", l->vt->class_name, l->name, n_states, i);
        return NULL;
    }
    if (!r->h || !l->model || !l->model->last_batch) {
        brain__fail(BRAIN_ERR_STATE, "brain_rnn_state: %s '%s' has not run a forward pass yet", l->vt->class_name, l->name);
        return NULL;
    }
    int64_t shape[2] = {l->model->last_batch, r->units};
    return brain_tensor_wrap(i ? r->c : r->h, 2, shape);
}
