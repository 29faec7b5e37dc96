/* schedules.c — Keras 3's learning-rate schedules (keras/src/optimizers/schedules/
 * learning_rate_schedule.py), evaluated as Keras evaluates them: the step and every parameter
 * cast to float32, then float32 arithmetic in Keras's order of operations.
 *
 *   ExponentialDecay      lr0 · rate^p,                 p = step / decay_steps (floored if staircase)
 *   InverseTimeDecay      lr0 / (1 + rate · p)
 *   PiecewiseConstant     values[i] on (boundaries[i−1], boundaries[i]] (integer comparisons)
 *   PolynomialDecay       (lr0 − end)·(1 − s/d)^power + end,  s = min(step, d), or with cycle
 *                         d = decay_steps·ceil(step / decay_steps) (1 at step 0)
 *   CosineDecay           lr0·((1 − α)·½(1 + cos(π·s/d)) + α), s = min(step, d); with a warm-up
 *                         target: a linear ramp lr0 → target over warmup_steps, then the decay
 *                         from the target
 *   CosineDecayRestarts   SGDR: periods first_decay_steps·t_mul^i, peaks lr0·m_mul^i
 */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const k_class[] = {
    [BRAIN_SCHED_EXPONENTIAL] = "ExponentialDecay", [BRAIN_SCHED_PIECEWISE] = "PiecewiseConstantDecay",
    [BRAIN_SCHED_POLYNOMIAL] = "PolynomialDecay", [BRAIN_SCHED_INVERSE_TIME] = "InverseTimeDecay",
    [BRAIN_SCHED_COSINE] = "CosineDecay", [BRAIN_SCHED_COSINE_RESTARTS] = "CosineDecayRestarts",
};
/* Keras's default `name` argument of each class */
static const char *const k_default_name[] = {
    [BRAIN_SCHED_EXPONENTIAL] = "ExponentialDecay", [BRAIN_SCHED_PIECEWISE] = "PiecewiseConstant",
    [BRAIN_SCHED_POLYNOMIAL] = "PolynomialDecay", [BRAIN_SCHED_INVERSE_TIME] = "InverseTimeDecay",
    [BRAIN_SCHED_COSINE] = "CosineDecay", [BRAIN_SCHED_COSINE_RESTARTS] = "SGDRDecay",
};

static brain_lr_schedule *make(brain_schedule_kind kind, double lr0, double steps, const char *name)
{
    const char *cls = k_class[kind];
    if (!isfinite(lr0)) {
        brain__fail(BRAIN_ERR_ARG, "%s: initial_learning_rate is %g; it must be a finite number", cls, lr0);
        return NULL;
    }
    if (kind != BRAIN_SCHED_PIECEWISE && !(steps > 0 && isfinite(steps))) {
        brain__fail(BRAIN_ERR_ARG, "%s: %s is %g; it must be > 0 (Keras: \"Argument `decay_steps` must be > 0\")", cls,
                    kind == BRAIN_SCHED_COSINE_RESTARTS ? "first_decay_steps" : "decay_steps", steps);
        return NULL;
    }
    if (name && strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "%s: name \"%.20s...\" is longer than %d characters", cls, name, BRAIN_NAME_MAX - 1);
        return NULL;
    }
    brain_lr_schedule *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    s->kind = kind;
    snprintf(s->name, sizeof s->name, "%s", name ? name : k_default_name[kind]);
    s->initial_learning_rate = lr0;
    s->decay_steps = steps;
    return s;
}

brain_lr_schedule *brain_exponential_decay(double lr0, double decay_steps, double decay_rate, const brain_decay_options *opt)
{
    brain_lr_schedule *s = make(BRAIN_SCHED_EXPONENTIAL, lr0, decay_steps, opt ? opt->name : NULL);
    if (!s) return NULL;
    s->decay_rate = decay_rate;
    s->staircase = opt && opt->staircase;
    return s;
}

brain_lr_schedule *brain_inverse_time_decay(double lr0, double decay_steps, double decay_rate, const brain_decay_options *opt)
{
    brain_lr_schedule *s = make(BRAIN_SCHED_INVERSE_TIME, lr0, decay_steps, opt ? opt->name : NULL);
    if (!s) return NULL;
    s->decay_rate = decay_rate;
    s->staircase = opt && opt->staircase;
    return s;
}

brain_lr_schedule *brain_piecewise_constant_decay(int n, const double *boundaries, const double *values, const char *name)
{
    if (n < 1 || !boundaries || !values) {
        brain__fail(BRAIN_ERR_ARG, "PiecewiseConstantDecay: %d boundaries given; it needs at least one boundary and one "
                    "more value than boundaries", n);
        return NULL;
    }
    for (int i = 0; i <= n; i++)
        if (!isfinite(values[i]) || (i < n && !isfinite(boundaries[i]))) {
            brain__fail(BRAIN_ERR_ARG, "PiecewiseConstantDecay: boundary or value %d is not a finite number", i);
            return NULL;
        }
    brain_lr_schedule *s = make(BRAIN_SCHED_PIECEWISE, values[0], 1, name);
    if (!s) return NULL;
    s->boundaries = brain__alloc_array((size_t)n, sizeof(double));
    s->values = brain__alloc_array((size_t)n + 1, sizeof(double));
    if (!s->boundaries || !s->values) { brain_lr_schedule_free(s); return NULL; }
    memcpy(s->boundaries, boundaries, (size_t)n * sizeof(double));
    memcpy(s->values, values, ((size_t)n + 1) * sizeof(double));
    s->n_boundaries = n;
    return s;
}

brain_lr_schedule *brain_polynomial_decay(double lr0, double decay_steps, const brain_polynomial_decay_options *opt)
{
    brain_polynomial_decay_options d = { 0 };
    if (!opt) opt = &d;
    brain_lr_schedule *s = make(BRAIN_SCHED_POLYNOMIAL, lr0, decay_steps, opt->name);
    if (!s) return NULL;
    s->end_learning_rate = opt->has_end_learning_rate ? opt->end_learning_rate : 1e-4;
    s->power = opt->power != 0 ? opt->power : 1.0;
    s->cycle = opt->cycle;
    return s;
}

brain_lr_schedule *brain_cosine_decay(double lr0, double decay_steps, const brain_cosine_decay_options *opt)
{
    brain_cosine_decay_options d = { 0 };
    if (!opt) opt = &d;
    if (opt->has_warmup_target && !(opt->warmup_steps >= 0)) {
        brain__fail(BRAIN_ERR_ARG, "CosineDecay: warmup_steps is %g; it must be ≥ 0", opt->warmup_steps);
        return NULL;
    }
    brain_lr_schedule *s = make(BRAIN_SCHED_COSINE, lr0, decay_steps, opt->name);
    if (!s) return NULL;
    s->alpha = opt->alpha;
    s->has_warmup_target = opt->has_warmup_target;
    s->warmup_target = opt->warmup_target;
    s->warmup_steps = opt->warmup_steps;
    return s;
}

brain_lr_schedule *brain_cosine_decay_restarts(double lr0, double first_decay_steps, const brain_cosine_restarts_options *opt)
{
    brain_cosine_restarts_options d = { 0 };
    if (!opt) opt = &d;
    brain_lr_schedule *s = make(BRAIN_SCHED_COSINE_RESTARTS, lr0, first_decay_steps, opt->name);
    if (!s) return NULL;
    s->t_mul = opt->has_t_mul ? opt->t_mul : 2.0;
    s->m_mul = opt->has_m_mul ? opt->m_mul : 1.0;
    s->alpha = opt->alpha;
    return s;
}

const char *brain_lr_schedule_class(const brain_lr_schedule *s) { return s ? k_class[s->kind] : ""; }

void brain_lr_schedule_free(brain_lr_schedule *s)
{
    if (!s) return;
    free(s->boundaries);
    free(s->values);
    free(s);
}

#define PI_F 3.14159265358979323846f /* ops.array(math.pi, float32) */

static float cosine_part(float step, float decay_steps, float from_lr, double alpha)
{
    float frac = step / decay_steps;
    float cd = 0.5f * (1.0f + cosf(PI_F * frac));
    float decayed = (float)(1.0 - alpha) * cd + (float)alpha; /* (1 − self.alpha): a Python float */
    return from_lr * decayed;
}

float brain_lr_schedule_value(const brain_lr_schedule *s, int64_t step)
{
    if (!s) return 0.0f;
    const float lr0 = (float)s->initial_learning_rate, st = (float)step, ds = (float)s->decay_steps;
    switch (s->kind) {
    case BRAIN_SCHED_EXPONENTIAL: {
        float p = st / ds;
        if (s->staircase) p = floorf(p);
        return lr0 * powf((float)s->decay_rate, p);
    }
    case BRAIN_SCHED_INVERSE_TIME: {
        float p = st / ds;
        if (s->staircase) p = floorf(p);
        return lr0 / (1.0f + (float)s->decay_rate * p);
    }
    case BRAIN_SCHED_PIECEWISE: {
        /* boundaries are cast to the step's integer type (Python ints, or floats truncated) */
        const int n = s->n_boundaries;
        float r = 0.0f;
        if (step <= (int64_t)s->boundaries[0]) r += (float)s->values[0];
        if (step > (int64_t)s->boundaries[n - 1]) r += (float)s->values[n];
        for (int i = 0; i + 1 < n; i++)
            if (step > (int64_t)s->boundaries[i] && step <= (int64_t)s->boundaries[i + 1]) r += (float)s->values[i + 1];
        return r;
    }
    case BRAIN_SCHED_POLYNOMIAL: {
        float gs = st, dsr = ds;
        if (s->cycle) {
            float mult = gs == 0 ? 1.0f : ceilf(gs / ds);
            dsr = dsr * mult;
        } else {
            gs = gs < dsr ? gs : dsr;
        }
        float p = gs / dsr;
        const float end = (float)s->end_learning_rate;
        return (lr0 - end) * powf(1.0f - p, (float)s->power) + end;
    }
    case BRAIN_SCHED_COSINE: {
        if (!s->has_warmup_target) {
            float gs = st < ds ? st : ds;
            return cosine_part(gs, ds, lr0, s->alpha);
        }
        const float target = (float)s->warmup_target, ws = (float)s->warmup_steps;
        float lim = ds + ws;
        float gs = st < lim ? st : lim;
        if (gs < ws) {
            float frac = gs / ws;
            float delta = target - lr0;
            return delta * frac + lr0;
        }
        return cosine_part(gs - ws, ds, target, s->alpha);
    }
    case BRAIN_SCHED_COSINE_RESTARTS: {
        const float alpha = (float)s->alpha, t_mul = (float)s->t_mul, m_mul = (float)s->m_mul;
        float frac = st / ds, i_restart;
        if (t_mul == 1.0f) {
            i_restart = floorf(frac);
            frac -= i_restart;
        } else {
            i_restart = floorf(logf(1.0f - frac * (1.0f - t_mul)) / logf(t_mul));
            float sum_r = (1.0f - powf(t_mul, i_restart)) / (1.0f - t_mul);
            frac = (frac - sum_r) / powf(t_mul, i_restart);
        }
        float m_fac = powf(m_mul, i_restart);
        float cd = 0.5f * m_fac * (1.0f + cosf(PI_F * frac));
        float decayed = (1.0f - alpha) * cd + alpha;
        return lr0 * decayed;
    }
    }
    return 0.0f;
}
