/* apply.c — one optimizer step over a model's contiguous parameter buffer, in Keras 3's order
 * (keras/src/optimizers/base_optimizer.py `apply`):
 *
 *   1. clip the gradients (clipnorm per weight tensor, global_clipnorm over all, or clipvalue);
 *   2. decoupled weight decay  w ← w − (w·wd)·lr  with the pre-update weights, when wd ≠ 0;
 *   3. the optimizer's update with t = iterations + 1;
 *   4. iterations += 1.
 *
 * Arithmetic is float32 throughout, as Keras does it with float32 variables: hyperparameters are
 * cast to float32 where Keras casts them (ops.cast / weak-typed Python scalars), and the
 * expressions Keras evaluates in Python doubles (1 − beta_1, 1 − beta_2, 1 − rho) are evaluated in
 * double from the decimal the user most likely wrote (the shortest decimal that round-trips the
 * float field: 0.9f → 0.9), then rounded to float32, exactly what Keras gets for beta_1=0.9.
 *
 * Clipping never touches m->grads: the clip is folded into the update loop as
 *   g' = clamp((g·a)/d, lo, hi)
 * with per-tensor (a, d) = (c, max(‖g‖, c)) for clipnorm, (scale, 1) for global_clipnorm and
 * (lo, hi) = (−v, v) for clipvalue; with no clipping a = d = 1 and lo/hi = ∓inf, which leaves g
 * bit-for-bit unchanged.  Norms are accumulated in double and rounded to float32 (Keras sums in
 * float32; the difference is far below float32 resolution of the result).
 *
 * Slots: allocated zeroed on the first step for m->n_params values, parallel to m->params.  If a
 * later step sees a different m->n_params (a layer was frozen or unfrozen, so the trainable buffer
 * was rebuilt), the slots are dropped and rebuilt zeroed AND iterations restarts at 0: the optimizer
 * continues exactly as a freshly constructed one with the same hyperparameters and current learning
 * rate (Keras itself cannot continue at all in that case; it needs a new optimizer).  Nothing is
 * allocated after the first step otherwise.
 *
 * The per-element loops are single passes over the contiguous buffers with restrict pointers; with
 * OpenMP they are `parallel for simd` from 100 000 elements up (OPT_FOR), `simd` below.  The
 * loops with sqrtf (Adam, RMSprop) vectorise only when compiled with -fno-math-errno (GCC keeps a
 * scalar errno branch otherwise; `#pragma GCC optimize` does not lift it); SGD's always do.
 */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PAR_MIN 100000

/* OPT_FOR(body): for i in [0, n) { body }, split over the thread team from PAR_MIN elements up.
 * The size test is made here rather than with OpenMP's if() clause: libgomp still starts a
 * (one-thread) team for `parallel if(0)`, which allocates on every call — one allocation per
 * optimizer step, and a visible cost for small models; so does a team of one thread (measured:
 * the lecture CNN, 121,930 weights, with OMP_NUM_THREADS=1).  Both branches run the same elementwise
 * body, so the results are the same either way. */
#ifdef _OPENMP
#define OPT_FOR(...)                                                                   \
    do {                                                                               \
        if (n >= PAR_MIN && brain__num_threads() > 1) {                                \
            _Pragma("omp parallel for simd schedule(static)")                          \
            for (int64_t i = 0; i < n; i++) { __VA_ARGS__ }                            \
        } else {                                                                       \
            _Pragma("omp simd")                                                        \
            for (int64_t i = 0; i < n; i++) { __VA_ARGS__ }                            \
        }                                                                              \
    } while (0)
#else
#define OPT_FOR(...) for (int64_t i = 0; i < n; i++) { __VA_ARGS__ }
#endif

/* Everything one update loop needs besides the buffers (all float32, as Keras casts them). */
typedef struct kparams {
    float ca, cd, lo, hi;   /* clip: g' = clamp((g·ca)/cd, lo, hi) */
    bool decay; float wd;   /* decoupled weight decay */
    float lr;
    float mom;              /* SGD / RMSprop momentum */
    float b1c, b2c;         /* Adam: 1 − beta_1, 1 − beta_2 */
    float alpha, eps;       /* Adam alpha; Adam/RMSprop epsilon */
    float rho, rhoc;        /* RMSprop: rho, 1 − rho */
} kparams;

/* The common head of every loop body: the clipped gradient and the decayed weight. */
#define LOAD_G_W                                                         \
    float g = (grad[i] * k.ca) / k.cd;                                   \
    g = g < k.lo ? k.lo : (g > k.hi ? k.hi : g);                         \
    float w = p[i];                                                      \
    w = k.decay ? w - (w * k.wd) * k.lr : w;

/* ---- SGD (sgd.py) */
BRAIN_VECTOR_LOOP static void sgd_plain(int64_t n, float *restrict p, const float *restrict grad, kparams k)
{
    OPT_FOR(
        LOAD_G_W
        p[i] = w - g * k.lr;
    );
}

BRAIN_VECTOR_LOOP static void sgd_momentum(int64_t n, float *restrict p, const float *restrict grad, float *restrict mo, kparams k,
                         bool nesterov)
{
    if (nesterov) {
        OPT_FOR(
            LOAD_G_W
            float m = mo[i] * k.mom - g * k.lr;
            mo[i] = m;
            p[i] = w + (m * k.mom - g * k.lr);
        );
    } else {
        OPT_FOR(
            LOAD_G_W
            float m = mo[i] * k.mom - g * k.lr;
            mo[i] = m;
            p[i] = w + m;
        );
    }
}

/* ---- Adam / AdamW (adam.py) */
BRAIN_VECTOR_LOOP static void adam(int64_t n, float *restrict p, const float *restrict grad, float *restrict ms, float *restrict vs,
                 kparams k)
{
    OPT_FOR(
        LOAD_G_W
        float m = ms[i] + (g - ms[i]) * k.b1c;
        float v = vs[i] + (g * g - vs[i]) * k.b2c;
        ms[i] = m;
        vs[i] = v;
        p[i] = w - (m * k.alpha) / (sqrtf(v) + k.eps);
    );
}

BRAIN_VECTOR_LOOP static void adam_amsgrad(int64_t n, float *restrict p, const float *restrict grad, float *restrict ms,
                         float *restrict vs, float *restrict vh, kparams k)
{
    OPT_FOR(
        LOAD_G_W
        float m = ms[i] + (g - ms[i]) * k.b1c;
        float v = vs[i] + (g * g - vs[i]) * k.b2c;
        float h = vh[i];
        h = v > h ? v : h; /* jnp.maximum(v_hat, v); NaN in v propagates through the comparison as below */
        h = v != v ? v : h;
        ms[i] = m;
        vs[i] = v;
        vh[i] = h;
        p[i] = w - (m * k.alpha) / (sqrtf(h) + k.eps);
    );
}

/* ---- RMSprop (rmsprop.py); eps inside the square root */
static inline __attribute__((always_inline)) void rmsprop_body(int64_t n, float *restrict p, const float *restrict grad,
                                                               float *restrict vel, float *restrict mo,
                                                               float *restrict avg, kparams k, const bool use_mom,
                                                               const bool centered)
{
    OPT_FOR(
        LOAD_G_W
        float v = k.rho * vel[i] + k.rhoc * (g * g);
        vel[i] = v;
        float denom;
        if (centered) {
            float a = k.rho * avg[i] + k.rhoc * g;
            avg[i] = a;
            denom = (v - a * a) + k.eps;
        } else {
            denom = v + k.eps;
        }
        float inc = (k.lr * g) / sqrtf(denom);
        if (use_mom) {
            float m = k.mom * mo[i] + inc;
            mo[i] = m;
            p[i] = w - m;
        } else {
            p[i] = w - inc;
        }
    );
}

BRAIN_VECTOR_LOOP static void rmsprop(int64_t n, float *restrict p, const float *restrict grad, float *restrict vel,
                    float *restrict mo, float *restrict avg, kparams k, bool use_mom, bool centered)
{
    if (use_mom && centered) rmsprop_body(n, p, grad, vel, mo, avg, k, true, true);
    else if (use_mom) rmsprop_body(n, p, grad, vel, mo, avg, k, true, false);
    else if (centered) rmsprop_body(n, p, grad, vel, mo, avg, k, false, true);
    else rmsprop_body(n, p, grad, vel, mo, avg, k, false, false);
}

/* Applies the update to the values [off, off + n) of the buffers. */
static void update_range(const brain_optimizer *o, brain_model *mdl, int64_t off, int64_t n, kparams k)
{
    float *p = mdl->params + off;
    const float *g = mdl->grads + off;
    float *s0 = o->slot[0] ? o->slot[0] + off : NULL;
    float *s1 = o->slot[1] ? o->slot[1] + off : NULL;
    float *s2 = o->slot[2] ? o->slot[2] + off : NULL;
    switch (o->kind) {
    case BRAIN_OPT_SGD:
        if (s0) sgd_momentum(n, p, g, s0, k, o->nesterov);
        else sgd_plain(n, p, g, k);
        break;
    case BRAIN_OPT_ADAM:
    case BRAIN_OPT_ADAMW:
        if (o->amsgrad) adam_amsgrad(n, p, g, s0, s1, s2, k);
        else adam(n, p, g, s0, s1, k);
        break;
    case BRAIN_OPT_RMSPROP:
        rmsprop(n, p, g, s0, s1, s2, k, s1 != NULL, s2 != NULL);
        break;
    }
}

static void free_slots(brain_optimizer *o)
{
    for (int i = 0; i < 3; i++) {
        free(o->slot[i]);
        o->slot[i] = NULL;
    }
    o->n = 0;
}

/* Which slots the optimizer's settings need (internal.h lists the layout). */
static void slots_needed(const brain_optimizer *o, bool need[3])
{
    need[0] = need[1] = need[2] = false;
    switch (o->kind) {
    case BRAIN_OPT_SGD: need[0] = o->momentum != 0; break;
    case BRAIN_OPT_ADAM:
    case BRAIN_OPT_ADAMW: need[0] = need[1] = true; need[2] = o->amsgrad; break;
    case BRAIN_OPT_RMSPROP: need[0] = true; need[1] = o->momentum > 0; need[2] = o->centered; break;
    }
}

int brain__optimizer_num_slots(const brain_optimizer *o)
{
    bool need[3];
    slots_needed(o, need);
    return need[0] + need[1] + need[2];
}

brain_status brain__optimizer_build_slots(brain_optimizer *o, int64_t n)
{
    if (o->n == n) return BRAIN_OK;
    if (o->n != 0) {          /* the trainable set changed: start over as a new optimizer */
        free_slots(o);
        o->iterations = 0;
    }
    if (n == 0) return BRAIN_OK;
    bool need[3];
    slots_needed(o, need);
    for (int i = 0; i < 3; i++) {
        if (!need[i]) continue;
        o->slot[i] = brain__alloc_array((size_t)n, sizeof(float));
        if (!o->slot[i]) {
            free_slots(o);
            return brain__fail(BRAIN_ERR_NOMEM, "out of memory allocating the %s optimizer's state for %lld parameters",
                               o->name, (long long)n);
        }
    }
    o->n = n;
    return BRAIN_OK;
}

/* Σ g², the same double whatever the thread count: from PAR_MIN values up, SUM_PARTS fixed
 * slices (slice k: [n·k/P, n·(k+1)/P)) are summed each on its own (threads take whole slices) and
 * the slices' sums are added in slice order; with one thread the same slices, in order. */
#define SUM_PARTS 64
static double sum_slice(const float *restrict g, int64_t i0, int64_t i1)
{
    double s = 0;
#ifdef _OPENMP
#pragma omp simd reduction(+ : s)
#endif
    for (int64_t i = i0; i < i1; i++) s += (double)g[i] * (double)g[i];
    return s;
}

static double sum_squares(const float *restrict g, int64_t n)
{
    if (n < PAR_MIN) return sum_slice(g, 0, n);
    double part[SUM_PARTS];
#ifdef _OPENMP
    if (brain__num_threads() > 1) { /* not if(): see OPT_FOR */
#pragma omp parallel for schedule(static)
        for (int k = 0; k < SUM_PARTS; k++) part[k] = sum_slice(g, n * k / SUM_PARTS, n * (k + 1) / SUM_PARTS);
    } else
#endif
        for (int k = 0; k < SUM_PARTS; k++) part[k] = sum_slice(g, n * k / SUM_PARTS, n * (k + 1) / SUM_PARTS);
    double s = 0;
    for (int k = 0; k < SUM_PARTS; k++) s += part[k];
    return s;
}

/* Checks that the trainable weights' segments lie inside params and cover all of it. */
static brain_status check_segments(const brain_model *m)
{
    int64_t covered = 0;
    for (int i = 0; i < m->n_weights; i++) {
        const brain_weight *w = m->weights[i];
        if (!w || !w->trainable) continue;
        if (w->offset < 0 || w->size < 0 || w->offset > m->n_params - w->size)
            return brain__fail(BRAIN_ERR_STATE,
                               "optimizer: weight %d (\"%s\") lies outside the model's %lld trainable values; the "
                               "model's weight table is inconsistent (rebuild the model)",
                               i, w->name, (long long)m->n_params);
        covered += w->size;
    }
    if (covered != m->n_params)
        return brain__fail(BRAIN_ERR_STATE,
                           "optimizer: the trainable weights hold %lld values but the model has %lld trainable values; "
                           "clipnorm needs every value to belong to one weight (rebuild the model)",
                           (long long)covered, (long long)m->n_params);
    return BRAIN_OK;
}

brain_status brain__optimizer_apply(brain_optimizer *o, brain_model *m)
{
    if (!o || !m) return brain__fail(BRAIN_ERR_ARG, "optimizer: NULL optimizer or model");
    const int64_t n = m->n_params;
    if (n < 0 || (n > 0 && (!m->params || !m->grads)))
        return brain__fail(BRAIN_ERR_STATE, "optimizer: model \"%s\" has no parameter buffer; build it first", m->name);
    const brain_optimizer_common *c = &o->common;
    bool clipnorm = c->clipnorm > 0;
    if (clipnorm && n > 0) {
        brain_status s = check_segments(m);
        if (s) return s;
    }
    brain_status s = brain__optimizer_build_slots(o, n);
    if (s) return s;
    if (n == 0) {
        o->iterations++;
        return BRAIN_OK;
    }

    kparams k = { .ca = 1.0f, .cd = 1.0f, .lo = -INFINITY, .hi = INFINITY };
    k.lr = o->learning_rate;
    k.decay = c->weight_decay != 0;
    k.wd = c->weight_decay;
    if (c->clipvalue > 0) {
        k.lo = -c->clipvalue;
        k.hi = c->clipvalue;
    }
    if (c->global_clipnorm > 0) {
        /* clip_by_global_norm: scale = c·min(1/‖G‖, 1/c) + (‖G‖ − ‖G‖)  (NaN/inf norms give NaN) */
        float cn = c->global_clipnorm;
        float norm = sqrtf((float)sum_squares(m->grads, n));
        float inv = 1.0f / norm, invc = 1.0f / cn;
        float mn = inv < invc ? inv : invc;
        if (inv != inv) mn = inv;
        k.ca = cn * mn + (norm - norm);
    }
    const int64_t t = o->iterations + 1;
    switch (o->kind) {
    case BRAIN_OPT_SGD:
        k.mom = o->momentum;
        break;
    case BRAIN_OPT_ADAM:
    case BRAIN_OPT_ADAMW: {
        float tf = (float)t;
        float b1p = powf(o->beta_1, tf), b2p = powf(o->beta_2, tf);
        k.alpha = k.lr * sqrtf(1.0f - b2p) / (1.0f - b1p);
        k.b1c = o->one_minus_beta_1;
        k.b2c = o->one_minus_beta_2;
        k.eps = o->epsilon;
        break;
    }
    case BRAIN_OPT_RMSPROP:
        k.rho = o->rho;
        k.rhoc = o->one_minus_rho;
        k.mom = o->momentum;
        k.eps = o->epsilon;
        break;
    }

    if (clipnorm) {
        /* clip_by_norm per weight tensor: (g·c) / max(‖g‖, c); ‖g‖ = 0 keeps g. */
        const float cn = c->clipnorm;
        for (int i = 0; i < m->n_weights; i++) {
            const brain_weight *w = m->weights[i];
            if (!w || !w->trainable || w->size == 0) continue;
            float l2sum = (float)sum_squares(m->grads + w->offset, w->size);
            float l2norm = l2sum > 0 ? sqrtf(l2sum) : l2sum;
            kparams kw = k;
            kw.ca = cn;
            kw.cd = (l2norm > cn || l2norm != l2norm) ? l2norm : cn;
            update_range(o, m, w->offset, w->size, kw);
        }
    } else {
        update_range(o, m, 0, n, k);
    }
    o->iterations++;
    return BRAIN_OK;
}
