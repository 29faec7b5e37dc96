/* multi_head_attention.c — MultiHeadAttention (Keras 3), scaled dot-product attention over the
 * steps between the batch axis and the feature axis (Keras's default attention_axes).
 *
 * Inputs (call order): query (B, T, Dq), value (B, S, Dv), optional key (B, S, Dk; default the
 * value), optional attention_mask (B, T, S; nonzero = may attend).  H heads, d = key_dim,
 * e = value_dim, c = 1/sqrt(d).  Per head h (the head's columns of the projections):
 *   Q = c·(x_q W_q + b_q)   K = x_k W_k + b_k   V = x_v W_v + b_v      (W_q: Dq × H·d, ...)
 *   P = Q Kᵀ  (T × S)       masked entries set to −1e9 (Keras's Softmax)
 *   A = softmax_rows(P)     Ã = dropout(A)           O_h = Ã V    (T × e)
 *   y = [O_1 … O_H] W_o + b_o                                      (W_o: H·e × Dout)
 * The mask of (t, s): query mask[t] ∧ value mask[s] ∧ key mask[s] ∧ (t ≥ s if causal) ∧
 * attention_mask[t, s].  A row with every entry masked: Keras's fused path (dropout 0) gives the
 * uniform average of the values, its explicit path (dropout > 0) zeros; both are followed here.
 * Backward (dy → dO = dy W_oᵀ, per head):
 *   dÃ = dO Vᵀ     dV = Ãᵀ dO     dA = dÃ ⊙ keep/(1−rate)
 *   dP = A ⊙ (dA − rowsum(dA ⊙ A))
 *   dQ = c · dP K  dK = dPᵀ Q
 * and the projections' gradients as Dense's.  The A of every (sample, head) — the T × S matrices
 * backward needs — is the only cache that grows with T·S (backward writes dP over it; Ã and the
 * keep flags join it with dropout).  See docs/attention.md.
 *
 * Weights, in Keras's order and EinsumDense shapes: query/kernel (Dq, H, d), query/bias (H, d),
 * key/kernel (Dk, H, d), key/bias, value/kernel (Dv, H, e), value/bias (H, e),
 * attention_output/kernel (H, e, Dout), attention_output/bias (Dout); stored under the paths
 * query_dense, key_dense, value_dense, output_dense of the layer's group, as Keras saves them.
 * Row-major, (Dq, H, d) is the Dq × H·d matrix W_q, so the projections are plain products.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* As in dense.c: -O2 leaves the elementwise loops (bias broadcast, softmax scaling, the masks)
 * scalar; O3 vectorises them without FP contraction or reassociation, so results stay bitwise. */
#pragma GCC optimize("O3")
#endif
#include "internal.h"
#include "core/sgemm_portable.h"
#include "layers/layer_config.h"
#include "layers/parallel.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct mha {
    brain_layer base;
    int64_t H, d, e, out_dim;            /* heads, key_dim, value_dim, output_shape (0: the query's) */
    float dropout;
    bool use_bias, causal, has_key, has_amask, zero_masked;
    bool ret_scores;                     /* return_attention_scores: output 1 is A (B, H, T..., S...) */
    int n_axes; int64_t axes[BRAIN_MAX_DIMS]; /* attention_axes as configured (checked at build) */
    int n_oshape; int64_t oshape[BRAIN_MAX_DIMS]; /* output_shape as a tuple (n_oshape > 1), else out_dim */
    /* Attention axes: per sample, the G = Π(other step axes) groups of T query and S value steps.
     * When the attention axes are not the last step axes (perm), rows are gathered into
     * (group, step) order (qidx, vidx: per-sample permuted row -> original row) and the output
     * scattered back; xq_p ... hold the gathered inputs, y_p the output (and dy) in that order. */
    int64_t G;
    bool perm;
    int64_t *qidx, *vidx;
    float *xq_p, *xk_p, *xv_p, *y_p, *dxq_p, *dxk_p, *dxv_p;
    uint8_t *mq_p, *mv_p, *mk_p;
    int64_t cap_xq, cap_xk, cap_xv, cap_y, cap_dxq, cap_dxk, cap_dxv, cap_m;
    brain_initializer_kind kinit, binit;
    brain_regularizer kreg, breg;
    uint64_t seed; bool has_seed; brain_rng rng;
    brain_weight *wq, *bq, *wk, *bk, *wv, *bv, *wo, *bo;
    int64_t T, S, Dq, Dk, Dv, Dout;
    /* per-batch caches */
    float *q, *k, *v, *a, *ad, *o;       /* Q (scaled), K, V, A, Ã (dropout only), O */
    float *dq, *dk, *dv, *dO, *scr;      /* backward scratch; scr: BACK_ROWS × S per thread */
    uint8_t *keep;                       /* dropout keep flags (B·H·T·S) */
    const float *dscores;                /* backward: the scores output's gradient (B·H·T·S), or NULL */
    int64_t cap_q, cap_k, cap_v, cap_a, cap_ad, cap_o, cap_dq, cap_dk, cap_dv, cap_dO, cap_scr, cap_keep;
    int threads;
    bool last_training;                  /* the last forward dropped (backward uses Ã) */
    int64_t last_batch;
} mha;

static int q_in(const mha *m) { (void)m; return 0; }
static int v_in(const mha *m) { (void)m; return 1; }
static int k_in(const mha *m) { return m->has_key ? 2 : 1; }
static int mask_in(const mha *m) { return m->has_key ? 3 : 2; }

static brain_status mha_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    mha *m = (mha *)l;
    int want = 2 + m->has_key + m->has_amask;
    if (n_in == 3 && !m->has_key && !m->has_amask) { m->has_key = true; want = 3; }
    if (n_in != want)
        return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s' is called on %d tensors; it takes query, value%s%s (%d)",
                           l->name, n_in, m->has_key ? ", key" : "", m->has_amask ? ", attention_mask" : "", want);
    const brain_shape *qs = &in[q_in(m)], *vs = &in[v_in(m)], *ks = &in[k_in(m)];
    char a[128], b[128];
    if (qs->ndim < 2 || vs->ndim != qs->ndim || ks->ndim != vs->ndim) {
        brain__shape_str(qs, a, sizeof a);
        brain__shape_str(vs, b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s' needs query and value of one rank, at least 3 with the batch "
                           "(batch, steps..., features): query %s, value %s", l->name, a, b);
    }
    for (int i = 0; i + 1 < vs->ndim; i++)
        if (vs->dims[i] != ks->dims[i]) {
            brain__shape_str(vs, a, sizeof a);
            brain__shape_str(ks, b, sizeof b);
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': all dimensions of value and key except the last must be "
                               "equal, got value %s and key %s", l->name, a, b);
        }
    const int rank = qs->ndim + 1, ns = qs->ndim - 1; /* with the batch; step axes per sample */
    bool att[BRAIN_MAX_DIMS] = {false};
    if (!m->n_axes)
        for (int i = 0; i < ns; i++) att[i] = true;
    for (int i = 0; i < m->n_axes; i++) { /* Keras: a negative axis counts from the end of (batch, steps..., features) */
        int64_t a = m->axes[i] < 0 ? m->axes[i] + rank : m->axes[i];
        int64_t prev = i ? (m->axes[i - 1] < 0 ? m->axes[i - 1] + rank : m->axes[i - 1]) : 0;
        if (a < 1 || a > ns || a <= prev)
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': attention_axes[%d] = %lld must name a step axis (1 to %d, "
                               "increasing; inputs of rank %d)", l->name, i, (long long)m->axes[i], ns, rank);
        att[a - 1] = true;
    }
    m->Dq = qs->dims[qs->ndim - 1];
    m->Dv = vs->dims[vs->ndim - 1];
    m->Dk = ks->dims[ks->ndim - 1];
    m->G = 1; m->T = 1; m->S = 1; m->perm = false;
    bool seen_att = false;
    for (int i = 0; i < ns; i++) {
        if (att[i]) { m->T *= qs->dims[i]; m->S *= vs->dims[i]; seen_att = true; continue; }
        if (vs->dims[i] != qs->dims[i]) {
            brain__shape_str(qs, a, sizeof a);
            brain__shape_str(vs, b, sizeof b);
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': query %s and value %s differ on axis %d, which is not an "
                               "attention axis", l->name, a, b, i + 1);
        }
        m->G *= qs->dims[i];
        if (seen_att) m->perm = true; /* a batch-like axis after an attention axis */
    }
    if (m->n_oshape > 1) {
        m->Dout = 1;
        for (int i = 0; i < m->n_oshape; i++) m->Dout *= m->oshape[i];
        if (ns + m->n_oshape > BRAIN_MAX_DIMS - 1)
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': output_shape of %d axes makes an output of more than %d "
                               "dimensions", l->name, m->n_oshape, BRAIN_MAX_DIMS);
    } else
        m->Dout = m->out_dim ? m->out_dim : m->Dq;
    if (m->perm) { /* row maps: permuted order (other axes..., attention axes...) -> original row */
        const brain_shape *sh[2] = {qs, vs};
        int64_t **idx[2] = {&m->qidx, &m->vidx};
        for (int w = 0; w < 2; w++) {
            const int64_t n = brain__shape_size(sh[w]) / sh[w]->dims[sh[w]->ndim - 1];
            int64_t *p = malloc(sizeof(int64_t) * (size_t)n);
            if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory building MultiHeadAttention '%s'", l->name);
            free(*idx[w]);
            *idx[w] = p;
            int order[BRAIN_MAX_DIMS], no = 0;
            for (int i = 0; i < ns; i++) if (!att[i]) order[no++] = i;
            for (int i = 0; i < ns; i++) if (att[i]) order[no++] = i;
            int64_t stride[BRAIN_MAX_DIMS], st = 1;
            for (int i = ns - 1; i >= 0; i--) { stride[i] = st; st *= sh[w]->dims[i]; }
            for (int64_t r = 0; r < n; r++) { /* r in permuted order: digits over `order`, last fastest */
                int64_t rem = r, orig = 0;
                for (int k = ns - 1; k >= 0; k--) {
                    const int ax = order[k];
                    orig += (rem % sh[w]->dims[ax]) * stride[ax];
                    rem /= sh[w]->dims[ax];
                }
                p[r] = orig;
            }
        }
    }
    if (m->has_amask) {
        const brain_shape *ms = &in[mask_in(m)];
        if (brain__shape_size(ms) != m->G * m->T * m->S) {
            brain__shape_str(ms, a, sizeof a);
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': attention_mask %s must hold (groups %lld) × (query steps "
                               "%lld) × (value steps %lld) per sample", l->name, a, (long long)m->G, (long long)m->T, (long long)m->S);
        }
    }
    *out = *qs;
    out->dims[out->ndim - 1] = m->Dout;
    if (m->n_oshape > 1) {
        out->ndim = ns + m->n_oshape;
        for (int i = 0; i < m->n_oshape; i++) out->dims[ns + i] = m->oshape[i];
    }
    /* Keras's explicit path (dropout, return_attention_scores, or inputs of rank > 3) zeroes the
     * probabilities of masked entries; its fused dot_product_attention (the rest) does not. */
    m->zero_masked = m->dropout > 0 || m->ret_scores || qs->ndim != 2;
    if (m->ret_scores) { /* output 1: the probabilities (heads, query steps..., value steps...) */
        /* Keras's (other step axes..., heads, query attention axes..., value attention axes...) */
        brain_shape sc = {.ndim = 0};
        int n_att = 0;
        for (int i = 0; i < ns; i++) n_att += att[i];
        if (ns - n_att + 1 + 2 * n_att > BRAIN_MAX_DIMS - 1)
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': the attention scores would exceed %d dimensions",
                               l->name, BRAIN_MAX_DIMS);
        for (int i = 0; i < ns; i++) if (!att[i]) sc.dims[sc.ndim++] = qs->dims[i];
        sc.dims[sc.ndim++] = m->H;
        for (int i = 0; i < ns; i++) if (att[i]) sc.dims[sc.ndim++] = qs->dims[i];
        for (int i = 0; i < ns; i++) if (att[i]) sc.dims[sc.ndim++] = vs->dims[i];
        l->n_out = 2;
        l->extra_out_shape[0] = sc;
    }
    brain_initializer_kind ki = m->kinit ? m->kinit : BRAIN_INIT_GLOROT_UNIFORM, bi = m->binit ? m->binit : BRAIN_INIT_ZEROS;
    struct { brain_weight **w, **b; const char *path; int64_t in, heads, dim; } proj[3] = {
        {&m->wq, &m->bq, "query_dense", m->Dq, m->H, m->d},
        {&m->wk, &m->bk, "key_dense", m->Dk, m->H, m->d},
        {&m->wv, &m->bv, "value_dense", m->Dv, m->H, m->e},
    };
    for (int p = 0; p < 3; p++) {
        int64_t ks3[3] = {proj[p].in, proj[p].heads, proj[p].dim}, bs[2] = {proj[p].heads, proj[p].dim};
        if (!(*proj[p].w = brain__layer_add_weight(l, "kernel", 3, ks3, ki, m->kreg, true))) return BRAIN_ERR_ARG;
        snprintf((*proj[p].w)->path, BRAIN_NAME_MAX, "%s", proj[p].path);
        if (m->use_bias) {
            if (!(*proj[p].b = brain__layer_add_weight(l, "bias", 2, bs, bi, m->breg, true))) return BRAIN_ERR_ARG;
            snprintf((*proj[p].b)->path, BRAIN_NAME_MAX, "%s", proj[p].path);
        }
    }
    int64_t os[BRAIN_MAX_DIMS] = {m->H, m->e, m->Dout};
    int no = 3;
    if (m->n_oshape > 1) {
        if (m->n_oshape + 2 > BRAIN_MAX_DIMS)
            return brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention '%s': output_shape has too many axes", l->name);
        for (int i = 0; i < m->n_oshape; i++) os[2 + i] = m->oshape[i];
        no = 2 + m->n_oshape;
    }
    if (!(m->wo = brain__layer_add_weight(l, "kernel", no, os, ki, m->kreg, true))) return BRAIN_ERR_ARG;
    snprintf(m->wo->path, BRAIN_NAME_MAX, "output_dense");
    if (m->use_bias) {
        if (!(m->bo = brain__layer_add_weight(l, "bias", no - 2, os + 2, bi, m->breg, true))) return BRAIN_ERR_ARG;
        snprintf(m->bo->path, BRAIN_NAME_MAX, "output_dense");
    }
    return BRAIN_OK;
}

static brain_status mha_reserve(brain_layer *l, int64_t batch)
{
    mha *m = (mha *)l;
    const int64_t B = batch * m->G, T = m->T, S = m->S, H = m->H; /* B: (sample, group) pairs */
    m->threads = brain__num_threads();
    if (m->threads < 1) m->threads = 1;
    brain_status s = brain__reserve_floats(&m->q, &m->cap_q, B * T * H * m->d);
    if (!s) s = brain__reserve_floats(&m->k, &m->cap_k, B * S * H * m->d);
    if (!s) s = brain__reserve_floats(&m->v, &m->cap_v, B * S * H * m->e);
    if (!s) s = brain__reserve_floats(&m->a, &m->cap_a, B * H * T * S);
    if (!s) s = brain__reserve_floats(&m->o, &m->cap_o, B * T * H * m->e);
    if (!s) s = brain__reserve_floats(&m->dq, &m->cap_dq, B * T * H * m->d);
    if (!s) s = brain__reserve_floats(&m->dk, &m->cap_dk, B * S * H * m->d);
    if (!s) s = brain__reserve_floats(&m->dv, &m->cap_dv, B * S * H * m->e);
    if (!s) s = brain__reserve_floats(&m->dO, &m->cap_dO, B * T * H * m->e);
    if (!s) s = brain__reserve_floats(&m->scr, &m->cap_scr, (int64_t)m->threads * 32 * S); /* BACK_ROWS rows */
    if (!s && m->perm) {
        s = brain__reserve_floats(&m->xq_p, &m->cap_xq, B * T * m->Dq);
        if (!s) s = brain__reserve_floats(&m->xk_p, &m->cap_xk, B * S * m->Dk);
        if (!s) s = brain__reserve_floats(&m->xv_p, &m->cap_xv, B * S * m->Dv);
        if (!s) s = brain__reserve_floats(&m->y_p, &m->cap_y, B * T * m->Dout);
        if (!s) s = brain__reserve_floats(&m->dxq_p, &m->cap_dxq, B * T * m->Dq);
        if (!s) s = brain__reserve_floats(&m->dxk_p, &m->cap_dxk, B * S * m->Dk);
        if (!s) s = brain__reserve_floats(&m->dxv_p, &m->cap_dxv, B * S * m->Dv);
        const int64_t nm = B * (T > S ? T : S);
        if (!s && nm > m->cap_m) {
            uint8_t *p[3] = {realloc(m->mq_p, (size_t)nm), NULL, NULL};
            if (p[0]) m->mq_p = p[0];
            if (p[0] && (p[1] = realloc(m->mv_p, (size_t)nm))) m->mv_p = p[1];
            if (p[1] && (p[2] = realloc(m->mk_p, (size_t)nm))) m->mk_p = p[2];
            if (!p[2]) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory growing MultiHeadAttention '%s'", l->name);
            else m->cap_m = nm;
        }
    }
    if (!s && m->dropout > 0) {
        s = brain__reserve_floats(&m->ad, &m->cap_ad, B * H * T * S);
        if (!s && B * H * T * S > m->cap_keep) {
            uint8_t *p = realloc(m->keep, (size_t)(B * H * T * S));
            if (!p) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory growing MultiHeadAttention '%s'", l->name);
            else { m->keep = p; m->cap_keep = B * H * T * S; }
        }
    }
    return s;
}

/* x (rows × K) · W (K × N) (+ bias), optionally times alpha: out (rows × N) */
static void project(const float *x, int64_t rows, int64_t K, const brain_weight *w, const brain_weight *b, int64_t N,
                    float alpha, float *out)
{
    if (b) {
        for (int64_t r = 0; r < rows; r++)
            for (int64_t j = 0; j < N; j++) out[r * N + j] = alpha * b->value[j];
    }
    brain_sgemm(false, false, rows, N, K, alpha, x, K, w->value, N, b ? 1.0f : 0.0f, out, N);
}

/* ------------------------------------------------------------------ softmax rows
 * Vectorised and independent of the vector width (BRAIN_VECTOR_LOOP: each function compiled for
 * SSE2, AVX2 and AVX-512): the exponential is Cephes's expf polynomial (within about 1 ulp of
 * libm's; exp of anything below −87.3, the masked −1e9 entries, is exactly 0 as libm's
 * underflow gives), and the row's max and sum run over 16 fixed lanes combined in a fixed
 * order, so every ISA and every thread count gives the same floats. */
enum { LANES = 16 };

static inline float lanes_sum(const float *acc)
{
    float a8[8], a4[4];
    for (int j = 0; j < 8; j++) a8[j] = acc[j] + acc[j + 8];
    for (int j = 0; j < 4; j++) a4[j] = a8[j] + a8[j + 4];
    return (a4[0] + a4[2]) + (a4[1] + a4[3]);
}

BRAIN_VECTOR_LOOP static float row_max(const float *row, int64_t S)
{
    float m[LANES];
    for (int j = 0; j < LANES; j++) m[j] = row[0];
    int64_t s = 0;
    for (; s + LANES <= S; s += LANES)
        for (int j = 0; j < LANES; j++) m[j] = row[s + j] > m[j] ? row[s + j] : m[j];
    float mx = m[0];
    for (int j = 1; j < LANES; j++) mx = m[j] > mx ? m[j] : mx;
    for (; s < S; s++) mx = row[s] > mx ? row[s] : mx;
    return mx;
}

/* row[s] = exp(row[s] − mx); returns Σ row */
BRAIN_VECTOR_LOOP static float row_exp_sum(float *row, int64_t S, float mx)
{
    for (int64_t s = 0; s < S; s++) {
        float x = row[s] - mx;
        const bool under = x < -87.33654f;
        x = x < -87.33654f ? -87.33654f : x;
        const float t = x * 1.44269504088896341f + 12582912.0f; /* round(x·log2 e) by the 1.5·2^23 shift */
        const float n = t - 12582912.0f;
        float r = x - n * 0.693359375f;
        r = r - n * -2.12194440e-4f;
        float p = 1.9875691500e-4f;
        p = p * r + 1.3981999507e-3f;
        p = p * r + 8.3334519073e-3f;
        p = p * r + 4.1665795894e-2f;
        p = p * r + 1.6666665459e-1f;
        p = p * r + 5.0000001201e-1f;
        p = p * (r * r) + r + 1.0f;
        const int32_t bits = ((int32_t)n + 127) * (1 << 23);
        float sc;
        memcpy(&sc, &bits, sizeof sc);
        row[s] = under ? 0.0f : p * sc;
    }
    float acc[LANES] = {0};
    int64_t s = 0;
    for (; s + LANES <= S; s += LANES)
        for (int j = 0; j < LANES; j++) acc[j] += row[s + j];
    float sum = lanes_sum(acc);
    for (; s < S; s++) sum += row[s];
    return sum;
}

BRAIN_VECTOR_LOOP static void row_scale(float *row, int64_t S, float c)
{
    for (int64_t s = 0; s < S; s++) row[s] *= c;
}

/* p[s] ← p[s]·(g[s] − Σ g·p): the softmax backward of one row */
BRAIN_VECTOR_LOOP static void row_softmax_back(float *p, const float *g, int64_t S)
{
    float acc[LANES] = {0};
    int64_t s = 0;
    for (; s + LANES <= S; s += LANES)
        for (int j = 0; j < LANES; j++) acc[j] += g[s + j] * p[s + j];
    float dot = lanes_sum(acc);
    for (; s < S; s++) dot += g[s] * p[s];
    for (s = 0; s < S; s++) p[s] = p[s] * (g[s] - dot);
}

/* Whether (t, s) of sample b may be attended (all the mask sources ANDed). */
typedef struct mask_src { const uint8_t *qm, *vm, *km; const float *am; bool causal; } mask_src;
static bool any_mask(const mask_src *ms) { return ms->qm || ms->vm || ms->km || ms->am || ms->causal; }
static inline bool allowed(const mask_src *ms, int64_t b, int64_t t, int64_t s, int64_t T, int64_t S)
{
    if (ms->qm && !ms->qm[b * T + t]) return false;
    if (ms->vm && !ms->vm[b * S + s]) return false;
    if (ms->km && !ms->km[b * S + s]) return false;
    if (ms->causal && t < s) return false;
    if (ms->am && ms->am[(b * T + t) * S + s] == 0.0f) return false;
    return true;
}

/* Scores, softmax and A·V for the (sample, head) pairs [r0, r1). */
static void attend(mha *m, const mask_src *ms, bool drop, int64_t r0, int64_t r1)
{
    const int64_t T = m->T, S = m->S, H = m->H, d = m->d, e = m->e;
    const bool masked = any_mask(ms);
    const float inv_keep = drop ? 1.0f / (1.0f - m->dropout) : 1.0f;
    for (int64_t bh = r0; bh < r1; bh++) {
        const int64_t b = bh / H, h = bh % H;
        float *A = m->a + bh * T * S;
        brain__sgemm_portable_serial(false, true, T, S, d, 1.0f, m->q + b * T * H * d + h * d, H * d,
                                     m->k + b * S * H * d + h * d, H * d, 0.0f, A, S);
        for (int64_t t = 0; t < T; t++) {
            float *row = A + t * S;
            if (masked)
                for (int64_t s = 0; s < S; s++)
                    if (!allowed(ms, b, t, s, T, S)) row[s] = -1e9f;
            const float mx = row_max(row, S);
            row_scale(row, S, 1.0f / row_exp_sum(row, S, mx));
            if (masked && m->zero_masked)
                for (int64_t s = 0; s < S; s++)
                    if (!allowed(ms, b, t, s, T, S)) row[s] = 0.0f;
        }
        const float *At = A;
        if (drop) {
            float *Ad = m->ad + bh * T * S;
            const uint8_t *keep = m->keep + bh * T * S;
            for (int64_t i = 0; i < T * S; i++) Ad[i] = keep[i] ? A[i] * inv_keep : 0.0f;
            At = Ad;
        }
        brain__sgemm_portable_serial(false, false, T, e, S, 1.0f, At, S, m->v + b * S * H * e + h * e, H * e, 0.0f,
                                     m->o + b * T * H * e + h * e, H * e);
    }
}

static void masks_of(const mha *m, const brain_ctx *ctx, const brain_tensor *const *in, mask_src *ms)
{
    const uint8_t *const *mk = ctx->masks;
    *ms = (mask_src){.causal = m->causal};
    ms->qm = mk ? mk[q_in(m)] : ctx->mask;
    ms->vm = mk ? mk[v_in(m)] : NULL;
    ms->km = mk && m->has_key ? mk[k_in(m)] : NULL;
    ms->am = m->has_amask ? in[mask_in(m)]->data : NULL;
}

/* dst[b, i] = src[b, idx[i]]: rows of `width` floats, n rows per sample */
static void gather_rows(const float *src, float *dst, const int64_t *idx, int64_t B, int64_t n, int64_t width)
{
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (b * n + i) * width, src + (b * n + idx[i]) * width, sizeof(float) * (size_t)width);
}

/* dst[b, idx[i]] (+)= src[b, i] */
static void scatter_rows(const float *src, float *dst, const int64_t *idx, int64_t B, int64_t n, int64_t width, bool add)
{
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < n; i++) {
            float *d = dst + (b * n + idx[i]) * width;
            const float *x = src + (b * n + i) * width;
            if (add) for (int64_t j = 0; j < width; j++) d[j] += x[j];
            else memcpy(d, x, sizeof(float) * (size_t)width);
        }
}

static const uint8_t *gather_mask(const uint8_t *src, uint8_t *dst, const int64_t *idx, int64_t B, int64_t n)
{
    if (!src) return NULL;
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < n; i++) dst[b * n + i] = src[b * n + idx[i]];
    return dst;
}

static void mha_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    mha *m = (mha *)l;
    const int64_t Bs = in[0]->shape[0], G = m->G, B = Bs * G, T = m->T, S = m->S, H = m->H, d = m->d, e = m->e;
    const float c = (float)(1.0 / sqrt((double)d));
    const float *xq = in[q_in(m)]->data, *xk = in[k_in(m)]->data, *xv = in[v_in(m)]->data;
    if (m->perm) {
        gather_rows(xq, m->xq_p, m->qidx, Bs, G * T, m->Dq);
        gather_rows(xk, m->xk_p, m->vidx, Bs, G * S, m->Dk);
        gather_rows(xv, m->xv_p, m->vidx, Bs, G * S, m->Dv);
        xq = m->xq_p; xk = m->xk_p; xv = m->xv_p;
    }
    project(xq, B * T, m->Dq, m->wq, m->bq, H * d, c, m->q);
    project(xk, B * S, m->Dk, m->wk, m->bk, H * d, 1.0f, m->k);
    project(xv, B * S, m->Dv, m->wv, m->bv, H * e, 1.0f, m->v);
    const bool drop = ctx->training && m->dropout > 0;
    if (drop) { /* draws in a fixed order before the threads split the work */
        brain_rng *r = m->has_seed ? &m->rng : ctx->rng;
        const double rate = m->dropout;
        for (int64_t i = 0; i < B * H * T * S; i++) m->keep[i] = brain_rng_uniform(r) >= rate;
    }
    mask_src ms;
    masks_of(m, ctx, in, &ms);
    if (m->perm) {
        ms.qm = gather_mask(ms.qm, m->mq_p, m->qidx, Bs, G * T);
        ms.vm = gather_mask(ms.vm, m->mv_p, m->vidx, Bs, G * S);
        ms.km = gather_mask(ms.km, m->mk_p, m->vidx, Bs, G * S);
    }
    const int64_t pairs = B * H;
    BRAIN_PARALLEL_RANGES(pairs, pairs * T * S * (d + e) >= 65536, attend(m, &ms, drop, r0, r1));
    project(m->o, B * T, H * e, m->wo, m->bo, m->Dout, 1.0f, m->perm ? m->y_p : out->data);
    if (m->perm) scatter_rows(m->y_p, out->data, m->qidx, Bs, G * T, m->Dout, false);
    if (m->ret_scores && ctx->extra_out) /* A is laid out (B, H, T, S), as Keras's scores */
        memcpy(ctx->extra_out[0]->data, m->a, sizeof(float) * (size_t)(B * H * T * S));
    m->last_training = drop;
    m->last_batch = B;
}

/* Backward of the attention for pairs [r0, r1).  dÃ is formed BACK_ROWS query rows at a time in
 * `scr` (BACK_ROWS × S), and dP overwrites A in place (A is not needed after its rows' dP), so
 * backward keeps no second T × S matrix. */
enum { BACK_ROWS = 32 };
static void attend_back(mha *m, bool drop, float *scr, int64_t r0, int64_t r1)
{
    const int64_t T = m->T, S = m->S, H = m->H, d = m->d, e = m->e;
    const float c = (float)(1.0 / sqrt((double)d)), inv_keep = drop ? 1.0f / (1.0f - m->dropout) : 1.0f;
    for (int64_t bh = r0; bh < r1; bh++) {
        const int64_t b = bh / H, h = bh % H;
        float *A = m->a + bh * T * S;
        const float *At = drop ? m->ad + bh * T * S : A;
        const float *dO = m->dO + b * T * H * e + h * e, *V = m->v + b * S * H * e + h * e;
        const float *Q = m->q + b * T * H * d + h * d, *K = m->k + b * S * H * d + h * d;
        brain__sgemm_portable_serial(true, false, S, e, T, 1.0f, At, S, dO, H * e, 0.0f,
                                     m->dv + b * S * H * e + h * e, H * e);                                   /* dV */
        for (int64_t t0 = 0; t0 < T; t0 += BACK_ROWS) {
            const int64_t nt = T - t0 < BACK_ROWS ? T - t0 : BACK_ROWS;
            brain__sgemm_portable_serial(false, true, nt, S, e, 1.0f, dO + t0 * H * e, H * e, V, H * e, 0.0f, scr, S); /* dÃ */
            if (drop) {
                const uint8_t *keep = m->keep + bh * T * S + t0 * S;
                for (int64_t i = 0; i < nt * S; i++) scr[i] = keep[i] ? scr[i] * inv_keep : 0.0f;
            }
            if (m->dscores) { /* the scores output is A itself: its gradient adds to dA */
                const float *g = m->dscores + bh * T * S + t0 * S;
                for (int64_t i = 0; i < nt * S; i++) scr[i] += g[i];
            }
            for (int64_t t = 0; t < nt; t++) /* dP = A ⊙ (dA − rowsum(dA ⊙ A)), into A */
                row_softmax_back(A + (t0 + t) * S, scr + t * S, S);
        }
        brain__sgemm_portable_serial(false, false, T, d, S, c, A, S, K, H * d, 0.0f, m->dq + b * T * H * d + h * d, H * d);
        brain__sgemm_portable_serial(true, false, S, d, T, 1.0f, A, S, Q, H * d, 0.0f, m->dk + b * S * H * d + h * d, H * d);
    }
}

static void attend_back_thread(mha *m, bool drop, int tid, int64_t r0, int64_t r1)
{
    attend_back(m, drop, m->scr + (int64_t)tid * BACK_ROWS * m->S, r0, r1);
}

/* Weight gradients of one projection out = x W + b (with dout), and dx += dout Wᵀ. */
static void project_back(const float *x, int64_t rows, int64_t K, brain_weight *w, brain_weight *b, int64_t N,
                         const float *dout, float *dx)
{
    if (w->grad) {
        brain_sgemm(true, false, K, N, rows, 1.0f, x, K, dout, N, 1.0f, w->grad, N);
        if (b && b->grad)
            for (int64_t r = 0; r < rows; r++)
                for (int64_t j = 0; j < N; j++) b->grad[j] += dout[r * N + j];
    }
    if (dx) brain_sgemm(false, true, rows, K, N, 1.0f, dout, N, w->value, N, 1.0f, dx, K);
}

static void mha_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    mha *m = (mha *)l;
    const int64_t Bs = in[0]->shape[0], G = m->G, B = Bs * G, T = m->T, S = m->S, H = m->H, d = m->d, e = m->e;
    const float *dy = dout->data;
    if (m->perm) {
        gather_rows(dy, m->y_p, m->qidx, Bs, G * T, m->Dout);
        dy = m->y_p;
    }
    /* output projection: dW_o += Oᵀ dy, dO = dy W_oᵀ */
    memset(m->dO, 0, sizeof(float) * (size_t)(B * T * H * e));
    project_back(m->o, B * T, H * e, m->wo, m->bo, m->Dout, dy, m->dO);
    const int64_t pairs = B * H;
    const bool drop = m->last_training;
    m->dscores = m->ret_scores && ctx->extra_dout ? ctx->extra_dout[0]->data : NULL;
    int nt = pairs * T * S * (d + e) >= 65536 ? m->threads : 1;
    if (nt > brain__num_threads()) nt = brain__num_threads();
    BRAIN_PARALLEL_SPLIT(nt, pairs, attend_back_thread(m, drop, tid, r0, r1));
    brain_tensor *dxq = din[q_in(m)], *dxk = din[k_in(m)], *dxv = din[v_in(m)];
    if (m->perm) { /* the gradients in gathered order, then added back to the inputs' rows */
        if (dxq) memset(m->dxq_p, 0, sizeof(float) * (size_t)(B * T * m->Dq));
        if (dxk) memset(m->dxk_p, 0, sizeof(float) * (size_t)(B * S * m->Dk));
        if (dxv) memset(m->dxv_p, 0, sizeof(float) * (size_t)(B * S * m->Dv));
        project_back(m->xq_p, B * T, m->Dq, m->wq, m->bq, H * d, m->dq, dxq ? m->dxq_p : NULL);
        project_back(m->xk_p, B * S, m->Dk, m->wk, m->bk, H * d, m->dk, dxk ? m->dxk_p : NULL);
        project_back(m->xv_p, B * S, m->Dv, m->wv, m->bv, H * e, m->dv, dxv ? m->dxv_p : NULL);
        if (dxq) scatter_rows(m->dxq_p, dxq->data, m->qidx, Bs, G * T, m->Dq, true);
        if (dxk) scatter_rows(m->dxk_p, dxk->data, m->vidx, Bs, G * S, m->Dk, true);
        if (dxv) scatter_rows(m->dxv_p, dxv->data, m->vidx, Bs, G * S, m->Dv, true);
        return;
    }
    project_back(in[q_in(m)]->data, B * T, m->Dq, m->wq, m->bq, H * d, m->dq, dxq ? dxq->data : NULL);
    project_back(in[k_in(m)]->data, B * S, m->Dk, m->wk, m->bk, H * d, m->dk, dxk ? dxk->data : NULL);
    project_back(in[v_in(m)]->data, B * S, m->Dv, m->wv, m->bv, H * e, m->dv, dxv ? dxv->data : NULL);
    /* the attention_mask input gets no gradient (a comparison) */
}

static void mha_destroy(brain_layer *l)
{
    mha *m = (mha *)l;
    float *bufs[] = {m->q, m->k, m->v, m->a, m->ad, m->o, m->dq, m->dk, m->dv, m->dO, m->scr,
                     m->xq_p, m->xk_p, m->xv_p, m->y_p, m->dxq_p, m->dxk_p, m->dxv_p};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) free(bufs[i]);
    free(m->keep);
    free(m->qidx); free(m->vidx);
    free(m->mq_p); free(m->mv_p); free(m->mk_p);
}

/* ------------------------------------------------------------------ config */
static brain_status mha_get_config(const brain_layer *l, cJSON *cfg)
{
    const mha *m = (const mha *)l;
    brain_status s = brain__cfg_add_number(cfg, "num_heads", (double)m->H);
    if (!s) s = brain__cfg_add_number(cfg, "key_dim", (double)m->d);
    if (!s) s = brain__cfg_add_number(cfg, "value_dim", (double)m->e);
    if (!s) s = brain__cfg_add_float(cfg, "dropout", m->dropout);
    if (!s) s = brain__cfg_add_bool(cfg, "use_bias", m->use_bias);
    if (!s) s = brain__cfg_add_bool(cfg, "use_gate", false);
    if (!s) s = m->n_oshape > 1 ? brain__cfg_add_ints(cfg, "output_shape", m->n_oshape, m->oshape)
                : m->out_dim ? brain__cfg_add_number(cfg, "output_shape", (double)m->out_dim) : brain__cfg_add_null(cfg, "output_shape");
    if (!s) {
        int rank = l->built ? l->in_shape[0].ndim + 1 : 0;
        int64_t ax[BRAIN_MAX_DIMS];
        for (int i = 0; i + 2 < rank; i++) ax[i] = i + 1;
        if (m->n_axes) /* as configured, negatives resolved as Keras's build does */
            for (int i = 0; i < m->n_axes; i++) ax[i] = m->axes[i] < 0 && rank ? m->axes[i] + rank : m->axes[i];
        s = m->n_axes ? brain__cfg_add_ints(cfg, "attention_axes", m->n_axes, ax)
            : rank ? brain__cfg_add_ints(cfg, "attention_axes", rank - 2, ax) : brain__cfg_add_null(cfg, "attention_axes");
    }
    if (!s) s = brain__cfg_add_null(cfg, "sliding_window");
    if (!s) s = brain__cfg_add_initializer(cfg, "kernel_initializer", m->kinit ? m->kinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s) s = brain__cfg_add_initializer(cfg, "bias_initializer", m->binit ? m->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_regularizer(cfg, "kernel_regularizer", m->kreg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "bias_regularizer", m->breg);
    if (!s) s = brain__cfg_add_null(cfg, "activity_regularizer");
    if (!s) s = brain__cfg_add_null(cfg, "kernel_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "bias_constraint");
    if (!s) s = m->has_seed ? brain__cfg_add_number(cfg, "seed", (double)m->seed) : brain__cfg_add_null(cfg, "seed");
    return s;
}

static brain_layer *mha_from_config(const cJSON *cfg)
{
    brain_mha_options o = {.name = brain__cfg_name(cfg)};
    int64_t heads, key_dim, value_dim = 0, seed = -1;
    double dropout = 0;
    bool use_bias, use_gate;
    if (brain__cfg_get_int(cfg, "num_heads", 1, 1 << 20, &heads) || brain__cfg_get_int(cfg, "key_dim", 1, 1 << 24, &key_dim) ||
        brain__cfg_get_int_or(cfg, "value_dim", 1, 1 << 24, 0, &value_dim) ||
        brain__cfg_get_number_or(cfg, "dropout", 0, &dropout) || brain__cfg_get_bool_or(cfg, "use_bias", true, &use_bias) ||
        brain__cfg_get_bool_or(cfg, "use_gate", false, &use_gate) ||
        brain__cfg_get_initializer(cfg, "kernel_initializer", &o.kernel_initializer) ||
        brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer) ||
        brain__cfg_get_regularizer(cfg, "kernel_regularizer", &o.kernel_regularizer) ||
        brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer) ||
        brain__cfg_require_null(cfg, "activity_regularizer") || brain__cfg_require_null(cfg, "kernel_constraint") ||
        brain__cfg_require_null(cfg, "bias_constraint") || brain__cfg_require_null(cfg, "sliding_window") ||
        brain__cfg_get_int_or(cfg, "seed", 0, INT64_MAX, -1, &seed))
        return NULL;
    if (use_gate) { brain__cfg_bad(cfg, "use_gate", "is true, which this library does not support"); return NULL; }
    if (!(dropout >= 0 && dropout < 1)) { brain__cfg_bad(cfg, "dropout", "must be in [0, 1), got %g", dropout); return NULL; }
    const cJSON *os = cJSON_GetObjectItemCaseSensitive(cfg, "output_shape");
    if (cJSON_IsArray(os) && cJSON_GetArraySize(os) == 1) os = os->child;
    if (cJSON_IsArray(os)) {
        for (const cJSON *a = os->child; a; a = a->next) {
            if (!cJSON_IsNumber(a) || a->valuedouble < 1 || a->valuedouble != brain__to_i64(a->valuedouble) || o.n_output_dims >= BRAIN_MAX_DIMS - 2) {
                brain__cfg_bad(cfg, "output_shape", "must be null, a positive integer or a short list of them");
                return NULL;
            }
            o.output_dims[o.n_output_dims++] = brain__to_i64(a->valuedouble);
        }
    } else if (cJSON_IsNumber(os) && os->valuedouble >= 1 && os->valuedouble == brain__to_i64(os->valuedouble)) o.output_shape = brain__to_i64(os->valuedouble);
    else if (os && !cJSON_IsNull(os)) { brain__cfg_bad(cfg, "output_shape", "must be null, a positive integer or a list of them"); return NULL; }
    int64_t ax[BRAIN_MAX_DIMS];
    int nax = 0;
    const cJSON *axes = cJSON_GetObjectItemCaseSensitive(cfg, "attention_axes");
    if (cJSON_IsNumber(axes)) { ax[0] = brain__to_i64(axes->valuedouble); nax = 1; }
    else if (cJSON_IsArray(axes)) {
        for (const cJSON *a = axes->child; a; a = a->next) {
            if (!cJSON_IsNumber(a) || nax >= BRAIN_MAX_DIMS) { brain__cfg_bad(cfg, "attention_axes", "must be a list of integers"); return NULL; }
            ax[nax++] = brain__to_i64(a->valuedouble);
        }
    } else if (axes && !cJSON_IsNull(axes)) { brain__cfg_bad(cfg, "attention_axes", "must be null or a list of integers"); return NULL; }
    o.value_dim = value_dim;
    o.dropout = (float)dropout;
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    if (seed >= 0) { o.seed = (uint64_t)seed; o.has_seed = true; }
    brain_layer *l = brain_multi_head_attention((int)heads, key_dim, &o);
    if (l) {
        mha *m = (mha *)l;
        m->n_axes = nax;
        memcpy(m->axes, ax, sizeof(int64_t) * (size_t)nax);
    }
    return brain__cfg_finish_layer(l, cfg);
}

static const char *const mha_call_args[] = {"query", "value", "key", "attention_mask", NULL};

static brain_status mha_call_from_config(brain_layer *l, const bool *present, const cJSON *kwargs)
{
    mha *m = (mha *)l;
    if (!present[0] || !present[1])
        return brain__fail(BRAIN_ERR_FORMAT, "layer '%s': MultiHeadAttention is called without %s", l->name, present[0] ? "value" : "query");
    m->has_key = present[2];
    m->has_amask = present[3];
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(kwargs, "use_causal_mask");
    if (c && !cJSON_IsBool(c) && !cJSON_IsNull(c))
        return brain__fail(BRAIN_ERR_FORMAT, "layer '%s': call argument use_causal_mask must be true or false", l->name);
    m->causal = cJSON_IsTrue(c);
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(kwargs, "return_attention_scores");
    if (r && !cJSON_IsBool(r) && !cJSON_IsNull(r))
        return brain__fail(BRAIN_ERR_FORMAT, "layer '%s': call argument return_attention_scores must be true or false", l->name);
    m->ret_scores = cJSON_IsTrue(r);
    return BRAIN_OK;
}

static brain_status mha_call_to_config(const brain_layer *l, const char **keyword, cJSON *kwargs)
{
    const mha *m = (const mha *)l;
    if (m->has_amask) keyword[mask_in(m)] = "attention_mask"; /* as Keras writes mha(q, v, attention_mask=m) */
    if (m->causal && !cJSON_AddBoolToObject(kwargs, "use_causal_mask", true)) return BRAIN_ERR_NOMEM;
    if (m->ret_scores && !cJSON_AddBoolToObject(kwargs, "return_attention_scores", true)) return BRAIN_ERR_NOMEM;
    return BRAIN_OK;
}

const brain_layer_vtable brain__multi_head_attention_vt = {
    .class_name = "MultiHeadAttention", .snake_name = "multi_head_attention", .build = mha_build, .reserve = mha_reserve,
    .forward = mha_forward, .backward = mha_backward, .destroy = mha_destroy, .get_config = mha_get_config,
    .from_config = mha_from_config, .call_names = mha_call_args, .call_from_config = mha_call_from_config,
    .call_to_config = mha_call_to_config,
};

brain_layer *brain_multi_head_attention(int num_heads, int64_t key_dim, const brain_mha_options *opt)
{
    brain_mha_options o = opt ? *opt : (brain_mha_options){0};
    bool dims_ok = o.n_output_dims >= 0 && o.n_output_dims <= BRAIN_MAX_DIMS - 2 && o.n_attention_axes >= 0 &&
                   o.n_attention_axes <= BRAIN_MAX_DIMS;
    for (int i = 0; dims_ok && i < o.n_output_dims; i++) dims_ok = o.output_dims[i] > 0;
    if (!dims_ok) {
        brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention: output_dims needs 0 to %d positive sizes and attention_axes 0 to %d axes",
                    BRAIN_MAX_DIMS - 2, BRAIN_MAX_DIMS);
        return NULL;
    }
    if (num_heads <= 0 || key_dim <= 0 || o.value_dim < 0 || o.output_shape < 0) {
        brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention: num_heads (%d), key_dim (%lld), value_dim (%lld) and output_shape (%lld) "
                    "must be positive (value_dim and output_shape 0 for the default)", num_heads, (long long)key_dim,
                    (long long)o.value_dim, (long long)o.output_shape);
        return NULL;
    }
    if (!(o.dropout >= 0 && o.dropout < 1)) {
        brain__fail(BRAIN_ERR_ARG, "MultiHeadAttention: dropout must be in [0, 1), got %g", (double)o.dropout);
        return NULL;
    }
    mha *m = (mha *)brain__layer_new(&brain__multi_head_attention_vt, sizeof(mha), o.name);
    if (!m) return NULL;
    m->H = num_heads;
    m->d = key_dim;
    m->e = o.value_dim ? o.value_dim : key_dim;
    m->out_dim = o.output_shape;
    m->dropout = o.dropout;
    m->zero_masked = o.dropout > 0 || o.return_attention_scores; /* Keras's explicit (non-fused) path; build settles it */
    m->ret_scores = o.return_attention_scores;
    m->n_axes = o.n_attention_axes;
    for (int i = 0; i < o.n_attention_axes; i++) m->axes[i] = o.attention_axes[i];
    if (o.n_output_dims == 1) m->out_dim = o.output_dims[0];
    else if (o.n_output_dims > 1) {
        m->n_oshape = o.n_output_dims;
        memcpy(m->oshape, o.output_dims, sizeof(int64_t) * (size_t)o.n_output_dims);
    }
    m->use_bias = o.use_bias != BRAIN_OFF;
    m->causal = o.use_causal_mask;
    m->has_key = o.has_key;
    m->has_amask = o.has_attention_mask;
    m->kinit = o.kernel_initializer;
    m->binit = o.bias_initializer;
    m->kreg = o.kernel_regularizer;
    m->breg = o.bias_regularizer;
    m->has_seed = o.has_seed;
    m->seed = o.seed;
    if (o.has_seed) brain_rng_seed(&m->rng, o.seed);
    m->base.mask_rule = BRAIN_MASK_PASS; /* Keras: the output carries the query's mask */
    return &m->base;
}

const brain_tensor *brain_mha_last_scores(brain_layer *l, brain_tensor *view)
{
    if (!l || l->vt != &brain__multi_head_attention_vt || !view) {
        brain__fail(BRAIN_ERR_ARG, "brain_mha_last_scores: needs a MultiHeadAttention layer and a tensor to fill");
        return NULL;
    }
    mha *m = (mha *)l;
    if (!m->last_batch) {
        brain__fail(BRAIN_ERR_STATE, "brain_mha_last_scores: MultiHeadAttention '%s' has not run a forward yet", l->name);
        return NULL;
    }
    memset(view, 0, sizeof *view);
    view->data = m->a;
    view->ndim = 4;
    view->shape[0] = m->last_batch; /* (sample, group) pairs: the batch when attention runs over every step axis */
    view->shape[1] = m->H;
    view->shape[2] = m->T;
    view->shape[3] = m->S;
    view->size = m->last_batch * m->H * m->T * m->S;
    return view;
}
