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
        const int nt_ = n >= PAR_MIN ? brain__num_threads() : 1;                       \
        if (nt_ > 1) {                                                                 \
            _Pragma("omp parallel for simd schedule(static) num_threads(nt_)")         \
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
    float rho, rhoc;        /* RMSprop, Adadelta: rho, 1 − rho */
    float b1, b2;           /* Adamax, Nadam, Lion: beta_1, beta_2 as float32 */
    float b1pc;             /* Adamax: 1 − beta_1^t */
    float u_t, u_t1, upt, upt1, b2p; /* Nadam */
    float l1, l2reg, shrink2, plr;   /* Ftrl: l1, l2 + beta/(2 lr), 2·l2_shrinkage, −lr_power */
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

/* ---- Adagrad (adagrad.py): acc += g²;  w −= (lr·g) / √(acc + ε) */
static void adagrad(int64_t n, float *restrict p, const float *restrict grad, float *restrict acc, kparams k)
{
    OPT_FOR(
        LOAD_G_W
        float a = acc[i] + g * g;
        acc[i] = a;
        p[i] = w - (k.lr * g) / sqrtf(a + k.eps);
    );
}

/* ---- Adadelta (adadelta.py) */
static void adadelta(int64_t n, float *restrict p, const float *restrict grad, float *restrict ag, float *restrict ad,
                     kparams k)
{
    OPT_FOR(
        LOAD_G_W
        float eg = k.rho * ag[i] + k.rhoc * (g * g);
        ag[i] = eg;
        float delta = -((sqrtf(ad[i] + k.eps) * g) / sqrtf(eg + k.eps));
        ad[i] = k.rho * ad[i] + k.rhoc * (delta * delta);
        p[i] = w + k.lr * delta;
    );
}

/* ---- Adamax (adamax.py) */
static void adamax(int64_t n, float *restrict p, const float *restrict grad, float *restrict ms, float *restrict us,
                   kparams k)
{
    OPT_FOR(
        LOAD_G_W
        float m = ms[i] + (g - ms[i]) * k.b1c;
        float bu = k.b2 * us[i], ag = fabsf(g);
        float u = bu > ag ? bu : ag;
        u = (bu != bu || ag != ag) ? bu + ag : u; /* jnp.maximum propagates NaN */
        ms[i] = m;
        us[i] = u;
        p[i] = w - (k.lr * m) / (k.b1pc * (u + k.eps));
    );
}

/* ---- Nadam (nadam.py); u_t, u_{t+1} and the products are per-step scalars */
static void nadam(int64_t n, float *restrict p, const float *restrict grad, float *restrict ms, float *restrict vs,
                  kparams k)
{
    const float c1 = 1.0f - k.b1, c2 = 1.0f - k.b2; /* float32: beta is a cast tensor there */
    OPT_FOR(
        LOAD_G_W
        float m = ms[i] + (g - ms[i]) * c1;
        float v = vs[i] + (g * g - vs[i]) * c2;
        ms[i] = m;
        vs[i] = v;
        float m_hat = (k.u_t1 * m) / (1.0f - k.upt1) + ((1.0f - k.u_t) * g) / (1.0f - k.upt);
        float v_hat = v / (1.0f - k.b2p);
        p[i] = w - (m_hat * k.lr) / (sqrtf(v_hat) + k.eps);
    );
}

/* ---- Lion (lion.py) */
static void lion(int64_t n, float *restrict p, const float *restrict grad, float *restrict ms, kparams k)
{
    const float c1 = 1.0f - k.b1, c2 = 1.0f - k.b2;
    OPT_FOR(
        LOAD_G_W
        float c = ms[i] * k.b1 + g * c1;
        float sg = c > 0 ? 1.0f : (c < 0 ? -1.0f : c); /* sign(0) = 0, sign(NaN) = NaN */
        p[i] = w - k.lr * sg;
        ms[i] = ms[i] * k.b2 + g * c2;
    );
}

/* x^e as Keras's ops.power; e = 0.5 (Ftrl's default) is the square root, as XLA lowers it */
static inline float kpow(float x, float e) { return e == 0.5f ? sqrtf(x) : (float)pow((double)x, (double)e); }

/* ---- Ftrl (ftrl.py) */
static void ftrl(int64_t n, float *restrict p, const float *restrict grad, float *restrict acc, float *restrict lin,
                 kparams k)
{
    for (int64_t i = 0; i < n; i++) {
        LOAD_G_W
        float gtu = g + k.shrink2 * w;
        float a = acc[i], na = a + g * g;
        float pn = kpow(na, k.plr);
        float l = lin[i] + (gtu - ((pn - kpow(a, k.plr)) / k.lr) * w);
        lin[i] = l;
        float quad = pn / k.lr + 2.0f * k.l2reg;
        float lc = l < -k.l1 ? -k.l1 : (l > k.l1 ? k.l1 : l);
        p[i] = (lc - l) / quad;
        acc[i] = na;
    }
}

/* ---- Adafactor (adafactor.py), one weight at a time: it needs the weight's RMS and, for rank
 * ≥ 2, row and column means of g² + ε1.  Means are summed in double and rounded to float32.
 * scratch holds 2·size floats (the clipped gradient, then u). */
static double mean_sq(const float *x, int64_t n)
{
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (double)x[i] * (double)x[i];
    return s / (double)n;
}

static void adafactor_weight(const brain_optimizer *o, const brain_weight *wt, float *restrict p,
                             const float *restrict grad, float *restrict v, float *restrict r, float *restrict c,
                             float *restrict scratch, kparams k, float lr_eff, float rho_t, float b2t)
{
    const int64_t n = wt->size;
    float *g = scratch, *u = scratch + n;
    for (int64_t i = 0; i < n; i++) {
        float gi = (grad[i] * k.ca) / k.cd;
        gi = gi < k.lo ? k.lo : (gi > k.hi ? k.hi : gi);
        float w = p[i];
        g[i] = gi;
        p[i] = k.decay ? w - (w * k.wd) * k.lr : w;
    }
    (void)lr_eff;
    const float eps1 = o->epsilon_1, omb = 1.0f - b2t;
    const float rms_w = sqrtf((float)mean_sq(p, n));
    const float alpha_t = (o->epsilon_2 > rms_w ? o->epsilon_2 : rms_w) * rho_t;
    if (wt->ndim >= 2) {
        const int64_t B = wt->shape[wt->ndim - 1], A = wt->shape[wt->ndim - 2], L = n / (A * B);
        for (int64_t l = 0; l < L; l++) {
            const float *gl = g + l * A * B;
            float *rl = r + l * A, *cl = c + l * B;
            for (int64_t a = 0; a < A; a++) {
                double s = 0;
                for (int64_t b = 0; b < B; b++) s += (double)(gl[a * B + b] * gl[a * B + b] + eps1);
                rl[a] = b2t * rl[a] + omb * (float)(s / (double)B);
            }
            for (int64_t b = 0; b < B; b++) {
                double s = 0;
                for (int64_t a = 0; a < A; a++) s += (double)(gl[a * B + b] * gl[a * B + b] + eps1);
                cl[b] = b2t * cl[b] + omb * (float)(s / (double)A);
            }
            double rs = 0;
            for (int64_t a = 0; a < A; a++) rs += rl[a];
            const float mr = (float)(rs / (double)A);
            for (int64_t a = 0; a < A; a++)
                for (int64_t b = 0; b < B; b++) v[l * A * B + a * B + b] = (rl[a] / mr) * cl[b];
        }
    } else {
        for (int64_t i = 0; i < n; i++) v[i] = b2t * v[i] + omb * (g[i] * g[i] + eps1);
    }
    for (int64_t i = 0; i < n; i++) u[i] = g[i] / sqrtf(v[i]);
    const float q = sqrtf((float)mean_sq(u, n)) / o->clip_threshold;
    const float d = q > 1.0f ? q : 1.0f;
    for (int64_t i = 0; i < n; i++) p[i] = p[i] - alpha_t * (u[i] / d);
}

/* Applies the update to the values [off, off + n) of the buffers. */
static void update_range(const brain_optimizer *o, brain_model *mdl, const float *grads, int64_t off, int64_t n,
                         kparams k)
{
    float *p = mdl->params + off;
    const float *g = grads + off;
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
    case BRAIN_OPT_ADAGRAD: adagrad(n, p, g, s0, k); break;
    case BRAIN_OPT_ADADELTA: adadelta(n, p, g, s0, s1, k); break;
    case BRAIN_OPT_ADAMAX: adamax(n, p, g, s0, s1, k); break;
    case BRAIN_OPT_NADAM: nadam(n, p, g, s0, s1, k); break;
    case BRAIN_OPT_LION: lion(n, p, g, s0, k); break;
    case BRAIN_OPT_FTRL: ftrl(n, p, g, s0, s1, k); break;
    case BRAIN_OPT_ADAFACTOR: case BRAIN_OPT_KIND_COUNT: break; /* per weight: adafactor_weight */
    }
}

static void free_slots(brain_optimizer *o)
{
    for (int i = 0; i < 3; i++) {
        free(o->slot[i]);
        o->slot[i] = NULL;
    }
    free(o->ema); free(o->accum); free(o->gbuf); free(o->fac);
    o->ema = o->accum = o->gbuf = o->fac = NULL;
    o->fac_n = 0;
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
    case BRAIN_OPT_ADAGRAD: case BRAIN_OPT_LION: case BRAIN_OPT_ADAFACTOR: need[0] = true; break;
    case BRAIN_OPT_ADADELTA: case BRAIN_OPT_ADAMAX: case BRAIN_OPT_NADAM: case BRAIN_OPT_FTRL:
        need[0] = need[1] = true; break;
    case BRAIN_OPT_KIND_COUNT: break;
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
        o->u_product = 1.0f;
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
    /* Adagrad's and Ftrl's accumulators start at initial_accumulator_value */
    if (o->kind == BRAIN_OPT_ADAGRAD || o->kind == BRAIN_OPT_FTRL)
        for (int64_t i = 0; i < n; i++) o->slot[0][i] = o->initial_accumulator_value;
    const brain_optimizer_common *c = &o->common;
    if ((c->use_ema && !(o->ema = brain__alloc_array((size_t)n, sizeof(float)))) ||
        (c->gradient_accumulation_steps && !(o->accum = brain__alloc_array((size_t)n, sizeof(float)))) ||
        ((c->gradient_accumulation_steps || c->loss_scale_factor > 0) &&
         !(o->gbuf = brain__alloc_array((size_t)n, sizeof(float))))) {
        free_slots(o);
        return brain__fail(BRAIN_ERR_NOMEM, "out of memory allocating the %s optimizer's state for %lld parameters",
                           o->name, (long long)n);
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
    const int nt = brain__num_threads();
    if (nt > 1) { /* not if(): see OPT_FOR */
#pragma omp parallel for schedule(static) num_threads(nt)
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

float brain__optimizer_current_lr(const brain_optimizer *o)
{
    return o->schedule ? brain_lr_schedule_value(o->schedule, o->iterations) : o->learning_rate;
}

int64_t brain__optimizer_steps(const brain_optimizer *o)
{
    int a = o->common.gradient_accumulation_steps;
    return a > 1 ? o->iterations / a : o->iterations;
}

void brain__optimizer_scale_loss_grads(const brain_optimizer *o, brain_model *m)
{
    const float s = o ? o->common.loss_scale_factor : 0.0f;
    if (!(s > 0) || !m->grads) return;
    for (int64_t i = 0; i < m->n_params; i++) m->grads[i] *= s;
}

void brain__optimizer_finalize(brain_optimizer *o, brain_model *m)
{
    if (!o || !o->common.use_ema || !o->ema || o->n != m->n_params) return;
    if (o->ema_swapped) { /* the model already holds the averages (SwapEMAWeights): keep them in both */
        memcpy(o->ema, m->params, (size_t)o->n * sizeof(float));
        o->ema_swapped = false;
        return;
    }
    memcpy(m->params, o->ema, (size_t)o->n * sizeof(float));
}

brain_status brain__optimizer_swap_ema(brain_optimizer *o, brain_model *m)
{
    if (!o || !o->common.use_ema)
        return brain__fail(BRAIN_ERR_STATE, "SwapEMAWeights needs an optimizer with common.use_ema set");
    if (!o->ema || o->n != m->n_params) return BRAIN_OK; /* no step yet: nothing to swap */
    for (int64_t i = 0; i < o->n; i++) {
        float t = m->params[i];
        m->params[i] = o->ema[i];
        o->ema[i] = t;
    }
    o->ema_swapped = !o->ema_swapped;
    return BRAIN_OK;
}

/* Adafactor's factored statistics (allocated on the first step, with a scratch of 2·n floats),
 * and the per-weight loop. */
brain_status brain__adafactor_fac_size(const brain_model *m, int64_t *n_fac)
{
    int64_t t = 0;
    for (int i = 0; i < m->n_weights; i++) {
        const brain_weight *w = m->weights[i];
        if (!w || !w->trainable || w->ndim < 2 || w->size == 0) continue;
        const int64_t B = w->shape[w->ndim - 1], A = w->shape[w->ndim - 2];
        t += w->size / B + w->size / A;
    }
    *n_fac = t;
    return BRAIN_OK;
}

static brain_status adafactor_apply(brain_optimizer *o, brain_model *m, const float *grads, kparams k, float tf)
{
    brain_status s = check_segments(m);
    if (s) return s;
    if (!o->fac) {
        int64_t nf;
        brain__adafactor_fac_size(m, &nf);
        o->fac = brain__alloc_array((size_t)(nf + 2 * m->n_params), sizeof(float));
        if (!o->fac) return brain__fail(BRAIN_ERR_NOMEM, "out of memory allocating Adafactor's state");
        o->fac_n = nf;
    }
    const float inv_sqrt_t = 1.0f / sqrtf(tf);
    float lr = k.lr;
    if (!o->schedule && o->relative_step) lr = lr < inv_sqrt_t ? lr : inv_sqrt_t;
    const float rho_t = lr < inv_sqrt_t ? lr : inv_sqrt_t;
    const float b2t = 1.0f - powf(tf, o->beta_2_decay);
    const float cn = o->common.clipnorm;
    int64_t off = 0;
    for (int i = 0; i < m->n_weights; i++) {
        const brain_weight *w = m->weights[i];
        if (!w || !w->trainable || w->size == 0) continue;
        kparams kw = k;
        if (cn > 0) {
            float l2sum = (float)sum_squares(grads + w->offset, w->size);
            float l2norm = l2sum > 0 ? sqrtf(l2sum) : l2sum;
            kw.ca = cn;
            kw.cd = (l2norm > cn || l2norm != l2norm) ? l2norm : cn;
        }
        float *r = NULL, *c = NULL;
        if (w->ndim >= 2) {
            const int64_t B = w->shape[w->ndim - 1], A = w->shape[w->ndim - 2];
            r = o->fac + off;
            c = r + w->size / B;
            off += w->size / B + w->size / A;
        }
        adafactor_weight(o, w, m->params + w->offset, grads + w->offset, o->slot[0] + w->offset, r, c,
                         o->fac + o->fac_n, kw, lr, rho_t, b2t);
    }
    return BRAIN_OK;
}

/* EMA (base_optimizer._update_model_variables_moving_average), after every call:
 *   mom = (iterations != 0)·ema_momentum;  average = mom·average + (1 − mom)·w
 * and every ema_overwrite_frequency steps w = average. */
static void ema_update(brain_optimizer *o, brain_model *m, int64_t steps)
{
    const int64_t n = o->n;
    float *restrict avg = o->ema;
    const float *restrict p = m->params;
    const float mom = steps != 0 ? o->common.ema_momentum : 0.0f, omm = 1.0f - mom;
    for (int64_t i = 0; i < n; i++) avg[i] = mom * avg[i] + omm * p[i];
    const int f = o->common.ema_overwrite_frequency;
    if (f > 0 && (steps + 1) % f == 0) memcpy(m->params, avg, (size_t)n * sizeof(float));
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
    const int64_t steps = brain__optimizer_steps(o); /* Keras's optimizer.iterations */

    /* the effective gradient: unscaled (loss_scale_factor), accumulated (gradient_accumulation_steps) */
    const float *grads = m->grads;
    if (c->loss_scale_factor > 0) {
        const float ls = c->loss_scale_factor;
        for (int64_t i = 0; i < n; i++) o->gbuf[i] = grads[i] / ls;
        grads = o->gbuf;
    }
    if (c->gradient_accumulation_steps > 1) {
        const int acc_steps = c->gradient_accumulation_steps;
        if ((o->iterations + 1) % acc_steps != 0) { /* not an update step: only the sums change */
            for (int64_t i = 0; i < n; i++) o->accum[i] = grads[i] + o->accum[i];
            if (c->use_ema) ema_update(o, m, steps);
            o->iterations++;
            return BRAIN_OK;
        }
        const float fs = (float)acc_steps;
        for (int64_t i = 0; i < n; i++) {
            o->gbuf[i] = (grads[i] + o->accum[i]) / fs;
            o->accum[i] = 0.0f;
        }
        grads = o->gbuf;
    }

    kparams k = { .ca = 1.0f, .cd = 1.0f, .lo = -INFINITY, .hi = INFINITY };
    k.lr = brain__optimizer_current_lr(o);
    k.decay = c->weight_decay != 0;
    k.wd = c->weight_decay;
    if (c->clipvalue > 0) {
        k.lo = -c->clipvalue;
        k.hi = c->clipvalue;
    }
    if (c->global_clipnorm > 0) {
        /* clip_by_global_norm: scale = c·min(1/‖G‖, 1/c) + (‖G‖ − ‖G‖)  (NaN/inf norms give NaN) */
        float cn = c->global_clipnorm;
        float norm = sqrtf((float)sum_squares(grads, n));
        float inv = 1.0f / norm, invc = 1.0f / cn;
        float mn = inv < invc ? inv : invc;
        if (inv != inv) mn = inv;
        k.ca = cn * mn + (norm - norm);
    }
    const int64_t t = steps + 1;
    const float tf = (float)t;
    switch (o->kind) {
    case BRAIN_OPT_SGD:
        k.mom = o->momentum;
        break;
    case BRAIN_OPT_ADAM:
    case BRAIN_OPT_ADAMW: {
        float b1p = powf(o->beta_1, tf), b2p = powf(o->beta_2, tf);
        k.alpha = k.lr * sqrtf(1.0f - b2p) / (1.0f - b1p);
        k.b1c = o->one_minus_beta_1;
        k.b2c = o->one_minus_beta_2;
        k.eps = o->epsilon;
        break;
    }
    case BRAIN_OPT_RMSPROP:
    case BRAIN_OPT_ADADELTA:
        k.rho = o->rho;
        k.rhoc = o->one_minus_rho;
        k.mom = o->momentum;
        k.eps = o->epsilon;
        break;
    case BRAIN_OPT_ADAGRAD:
        k.eps = o->epsilon;
        break;
    case BRAIN_OPT_ADAMAX:
        k.b1c = o->one_minus_beta_1;
        k.b2 = o->beta_2;
        k.b1pc = 1.0f - powf(o->beta_1, tf);
        k.eps = o->epsilon;
        break;
    case BRAIN_OPT_NADAM: {
        /* _backend_update_step first advances u_product, then every variable's update reads it */
        const float b1 = o->beta_1;
        o->u_product = (o->u_product * b1) * (1.0f - 0.5f * powf(0.96f, tf));
        k.b1 = b1;
        k.b2 = o->beta_2;
        k.u_t = b1 * (1.0f - 0.5f * powf(0.96f, tf));
        k.u_t1 = b1 * (1.0f - 0.5f * powf(0.96f, (float)(t + 1)));
        k.upt = o->u_product;
        k.upt1 = k.upt * k.u_t1;
        k.b2p = powf(o->beta_2, tf);
        k.eps = o->epsilon;
        break;
    }
    case BRAIN_OPT_LION:
        k.b1 = o->beta_1;
        k.b2 = o->beta_2;
        break;
    case BRAIN_OPT_FTRL:
        k.l1 = o->l1;
        k.l2reg = o->l2 + o->beta / (2.0f * k.lr);
        k.shrink2 = (float)(2.0 * brain__float_option(o->l2_shrinkage));
        k.plr = (float)(-brain__float_option(o->lr_power));
        break;
    case BRAIN_OPT_ADAFACTOR:
    case BRAIN_OPT_KIND_COUNT:
        break;
    }

    if (o->kind == BRAIN_OPT_ADAFACTOR) {
        if ((s = adafactor_apply(o, m, grads, k, tf))) return s;
    } else if (clipnorm) {
        /* clip_by_norm per weight tensor: (g·c) / max(‖g‖, c); ‖g‖ = 0 keeps g. */
        const float cn = c->clipnorm;
        for (int i = 0; i < m->n_weights; i++) {
            const brain_weight *w = m->weights[i];
            if (!w || !w->trainable || w->size == 0) continue;
            float l2sum = (float)sum_squares(grads + w->offset, w->size);
            float l2norm = l2sum > 0 ? sqrtf(l2sum) : l2sum;
            kparams kw = k;
            kw.ca = cn;
            kw.cd = (l2norm > cn || l2norm != l2norm) ? l2norm : cn;
            update_range(o, m, grads, w->offset, w->size, kw);
        }
    } else {
        update_range(o, m, grads, 0, n, k);
    }
    if (c->use_ema) ema_update(o, m, steps);
    o->iterations++;
    return BRAIN_OK;
}
