/* test_losses.c — losses: values against Keras 3 (tests/loss_golden.h, written by
 * tools/gen_loss_golden.py) and against hand-worked numbers; gradients against Keras's own
 * (jax.grad) and against central finite differences; shape handling and errors. */
#include "brain.h"
#include "check.h"
#include "loss_golden.h"
#include <float.h>
#include <stdlib.h>

#define LO ((double)(float)1e-7)
#define HI ((double)(float)(1.0 - 1e-7))

static brain_loss *make_loss(const char *kind, bool logits, float ls, float delta)
{
    brain_loss_options o = { .from_logits = logits, .label_smoothing = ls, .delta = delta };
    if (!strcmp(kind, "mse")) return brain_loss_mse(&o);
    if (!strcmp(kind, "mae")) return brain_loss_mae(&o);
    if (!strcmp(kind, "huber")) return brain_loss_huber(&o);
    if (!strcmp(kind, "bce")) return brain_loss_binary_crossentropy(&o);
    if (!strcmp(kind, "cce")) return brain_loss_categorical_crossentropy(&o);
    if (!strcmp(kind, "scce")) return brain_loss_sparse_categorical_crossentropy(&o);
    return NULL;
}

static double loss_value(const brain_loss *l, const brain_tensor *yt, const brain_tensor *yp, const float *w)
{
    double v = NAN;
    brain_status s = brain_loss_compute(l, yt, yp, w, &v, NULL);
    if (s != BRAIN_OK) fprintf(stderr, "loss_value: %s\n", brain_last_error());
    return v;
}

/* ------------------------------------------------------------------ Keras goldens */

static void test_golden(void)
{
    int n = (int)(sizeof golden_losses / sizeof golden_losses[0]);
    for (int c = 0; c < n; c++) {
        const golden_loss *g = &golden_losses[c];
        brain_loss *l = make_loss(g->kind, g->from_logits, g->label_smoothing, g->delta);
        CHECK_MSG(l != NULL, "case %d: %s", c, brain_last_error());
        if (!l) continue;
        brain_tensor *yt = brain_tensor_from(g->yt, g->ts.ndim, g->ts.dims);
        brain_tensor *yp = brain_tensor_from(g->yp, g->ps.ndim, g->ps.dims);
        float *grad = calloc((size_t)yp->size, sizeof(float));
        double v = NAN;
        CHECK_OK(brain_loss_compute(l, yt, yp, g->w, &v, grad));
        /* Keras works in float32: agree to float32 rounding of sums of logs */
        CHECK_MSG(fabs(v - g->value) <= 1e-6 + 2e-6 * fabs(g->value), "case %d (%s): value %.9g, Keras %.9g", c,
                  g->kind, v, g->value);
        double gmax = 0;
        for (int64_t i = 0; i < yp->size; i++) gmax = fmax(gmax, fabs(g->grad[i]));
        int bad = 0;
        for (int64_t i = 0; i < yp->size; i++) {
            if (fabs(grad[i] - g->grad[i]) > 2e-5 * fabs(g->grad[i]) + 1e-6 * gmax) {
                if (bad++ < 3)
                    fprintf(stderr, "case %d (%s) grad[%lld] = %.9g, Keras %.9g\n", c, g->kind, (long long)i,
                            grad[i], g->grad[i]);
            }
        }
        CHECK_MSG(bad == 0, "case %d (%s): %d gradient entries differ from jax.grad", c, g->kind, bad);
        free(grad);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        brain_loss_free(l);
    }
}

/* ------------------------------------------------------------------ hand-worked values */

static double compute(brain_loss *l, int tnd, const int64_t *ts, const float *yt, int pnd, const int64_t *ps,
                      const float *yp, const float *w)
{
    brain_tensor *t = brain_tensor_from(yt, tnd, ts), *p = brain_tensor_from(yp, pnd, ps);
    double v = loss_value(l, t, p, w);
    brain_tensor_free(t);
    brain_tensor_free(p);
    return v;
}

static void test_hand_values(void)
{
    const int64_t s22[] = { 2, 2 }, s3[] = { 3 }, s31[] = { 3, 1 }, s23[] = { 2, 3 }, s2[] = { 2 }, s21[] = { 2, 1 };
    brain_loss *l;

    /* MSE: Keras docstring, y (3,) against (3,): (0.1² + 0.1² + 0.2²) / 3 = 0.02 */
    l = brain_loss_mse(NULL);
    CHECK(!strcmp(brain_loss_name(l), "mean_squared_error"));
    CHECK_NEAR(compute(l, 1, s3, (float[]){ 1, 0, 1 }, 1, s3, (float[]){ 0.9f, 0.1f, 0.8f }, NULL), 0.02, 1e-7, 1e-6);
    /* (N,) targets against (N, 1) predictions: expanded, same numbers */
    CHECK_NEAR(compute(l, 1, s3, (float[]){ 1, 0, 1 }, 2, s31, (float[]){ 0.9f, 0.1f, 0.8f }, NULL), 0.02, 1e-7, 1e-6);
    /* [[0,1],[0,0]] vs [[1,1],[1,0]]: rows 0.5, 0.5 -> 0.5; weights (0.7, 0.3): (0.35 + 0.15) / 2 = 0.25 */
    CHECK_NEAR(compute(l, 2, s22, (float[]){ 0, 1, 0, 0 }, 2, s22, (float[]){ 1, 1, 1, 0 }, NULL), 0.5, 1e-12, 0);
    CHECK_NEAR(compute(l, 2, s22, (float[]){ 0, 1, 0, 0 }, 2, s22, (float[]){ 1, 1, 1, 0 }, (float[]){ 0.7f, 0.3f }),
               0.25, 1e-7, 1e-6);
    brain_loss_free(l);

    /* MAE: (0.9 + 0 + 0.8) / 3 = 0.5666667 */
    l = brain_loss_mae(NULL);
    CHECK_NEAR(compute(l, 1, s3, (float[]){ 1, 0.3f, 1 }, 1, s3, (float[]){ 1.9f, 0.3f, 1.8f }, NULL), 1.7 / 3, 1e-7, 1e-6);
    brain_loss_free(l);

    /* Huber δ=1: y [[0,1],[0,0]], p [[0.6,0.4],[0.4,0.6]]: all |e| ≤ 1 -> rows ½(0.36+0.36)/2 = 0.18 and
     * ½(0.16+0.36)/2 = 0.13 -> 0.155; weights (1, 0) -> 0.18 / 2 = 0.09.  A big error e = 3: 3 - ½ = 2.5;
     * with δ = 2: 2·3 - ½·4 = 4. */
    l = brain_loss_huber(NULL);
    CHECK(!strcmp(brain_loss_name(l), "huber_loss"));
    CHECK_NEAR(compute(l, 2, s22, (float[]){ 0, 1, 0, 0 }, 2, s22, (float[]){ 0.6f, 0.4f, 0.4f, 0.6f }, NULL), 0.155, 1e-7, 1e-6);
    CHECK_NEAR(compute(l, 2, s22, (float[]){ 0, 1, 0, 0 }, 2, s22, (float[]){ 0.6f, 0.4f, 0.4f, 0.6f }, (float[]){ 1, 0 }),
               0.09, 1e-7, 1e-6);
    CHECK_NEAR(compute(l, 1, s2, (float[]){ 0, 0 }, 1, s2, (float[]){ 3, -3 }, NULL), 2.5, 1e-12, 0);
    brain_loss_free(l);
    l = brain_loss_huber(&(brain_loss_options){ .delta = 2 });
    CHECK_NEAR(compute(l, 1, s2, (float[]){ 0, 0 }, 1, s2, (float[]){ 3, -3 }, NULL), 4.0, 1e-12, 0);
    brain_loss_free(l);

    /* BCE, probabilities: -(ln 0.8 + ln 0.6) / 2 for y (1, 0), p (0.8, 0.4); p = 0 and p = 1 clip to
     * 1e-7 and 1 - 1e-7 (float32), so y=1, p=0 costs -ln(1e-7f) = 16.118... */
    l = brain_loss_binary_crossentropy(NULL);
    CHECK_NEAR(compute(l, 1, s2, (float[]){ 1, 0 }, 2, s21, (float[]){ 0.8f, 0.4f }, NULL),
               -(log((double)0.8f) + log(1 - (double)0.4f)) / 2, 1e-12, 1e-12);
    CHECK_NEAR(compute(l, 1, s2, (float[]){ 1, 0 }, 2, s21, (float[]){ 0.0f, 1.0f }, NULL),
               (-log(LO) - log(1 - HI)) / 2, 1e-9, 1e-9);
    brain_loss_free(l);
    /* label smoothing 0.2: y=1 -> 0.9, y=0 -> 0.1 */
    l = brain_loss_binary_crossentropy(&(brain_loss_options){ .label_smoothing = 0.2f });
    {
        double ls = 0.2f, y1 = 1 * (1 - ls) + 0.5 * ls, y0 = 0.5 * ls, p1 = 0.8f, p0 = 0.4f;
        double want = (-(y1 * log(p1) + (1 - y1) * log(1 - p1)) - (y0 * log(p0) + (1 - y0) * log(1 - p0))) / 2;
        CHECK_NEAR(compute(l, 2, s21, (float[]){ 1, 0 }, 2, s21, (float[]){ 0.8f, 0.4f }, NULL), want, 1e-12, 1e-9);
    }
    brain_loss_free(l);
    /* logits: Keras docstring, y (0,1,0,0), z (-18.6, 0.51, 2.94, -12.8) -> 0.865 */
    l = brain_loss_binary_crossentropy(&(brain_loss_options){ .from_logits = true });
    {
        const float z[] = { -18.6f, 0.51f, 2.94f, -12.8f }, y[] = { 0, 1, 0, 0 };
        double want = 0;
        for (int i = 0; i < 4; i++) want += y[i] * log1p(exp(-(double)z[i])) + (1 - y[i]) * log1p(exp((double)z[i]));
        want /= 4;
        CHECK_NEAR(compute(l, 1, (int64_t[]){ 4 }, y, 1, (int64_t[]){ 4 }, z, NULL), want, 1e-12, 1e-9);
        CHECK_NEAR(want, 0.865, 5e-4, 0);
    }
    brain_loss_free(l);

    /* CCE: Keras docstring: -(ln 0.95 + ln 0.1) / 2 = 1.1769; weights (0.3, 0.7): (0.3·0.0513 + 0.7·2.3026)/2 */
    const float cy[] = { 0, 1, 0, 0, 0, 1 }, cp[] = { 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f };
    double r0 = -log((double)0.95f / ((double)0.05f + (double)0.95f)), r1 = -log((double)0.1f / (0.1f + 0.8f + 0.1f));
    l = brain_loss_categorical_crossentropy(NULL);
    CHECK_NEAR(compute(l, 2, s23, cy, 2, s23, cp, NULL), (r0 + r1) / 2, 1e-9, 1e-7);
    CHECK_NEAR(compute(l, 2, s23, cy, 2, s23, cp, (float[]){ 0.3f, 0.7f }), (0.3f * r0 + 0.7f * r1) / 2, 1e-9, 1e-7);
    CHECK_NEAR((r0 + r1) / 2, 1.177, 5e-4, 0);
    CHECK_NEAR((0.3 * r0 + 0.7 * r1) / 2, 0.814, 5e-4, 0);
    /* unnormalised probabilities are divided by their sum: (2, 6, 2) is (0.2, 0.6, 0.2) */
    CHECK_NEAR(compute(l, 2, (int64_t[]){ 1, 3 }, (float[]){ 0, 1, 0 }, 2, (int64_t[]){ 1, 3 }, (float[]){ 2, 6, 2 }, NULL),
               -log(0.6), 1e-12, 1e-9);
    brain_loss_free(l);
    /* label smoothing 0.3 over K=3: targets (0.1, 0.8, 0.1) */
    l = brain_loss_categorical_crossentropy(&(brain_loss_options){ .label_smoothing = 0.3f });
    {
        double ls = 0.3f, a = ls / 3, b = 1 - ls + ls / 3;
        double want = -(a * log(0.2) + b * log(0.6) + a * log(0.2));
        CHECK_NEAR(compute(l, 2, (int64_t[]){ 1, 3 }, (float[]){ 0, 1, 0 }, 2, (int64_t[]){ 1, 3 },
                           (float[]){ 0.2f, 0.6f, 0.2f }, NULL), want, 1e-9, 1e-7);
    }
    brain_loss_free(l);
    /* logits: -log_softmax */
    l = brain_loss_categorical_crossentropy(&(brain_loss_options){ .from_logits = true });
    {
        double lse = log(exp(1.0) + exp(2.0) + exp(-1.0));
        CHECK_NEAR(compute(l, 2, (int64_t[]){ 1, 3 }, (float[]){ 1, 0, 0 }, 2, (int64_t[]){ 1, 3 },
                           (float[]){ 1, 2, -1 }, NULL), lse - 1.0, 1e-12, 1e-12);
    }
    brain_loss_free(l);

    /* SCCE: the same numbers from class ids (1, 2), as (N,) and as (N, 1) */
    l = brain_loss_sparse_categorical_crossentropy(NULL);
    CHECK_NEAR(compute(l, 1, s2, (float[]){ 1, 2 }, 2, s23, cp, NULL), (r0 + r1) / 2, 1e-9, 1e-7);
    CHECK_NEAR(compute(l, 2, s21, (float[]){ 1, 2 }, 2, s23, cp, (float[]){ 0.3f, 0.7f }), (0.3f * r0 + 0.7f * r1) / 2,
               1e-9, 1e-7);
    brain_loss_free(l);

    /* rank 3: (N=2, T=3, K=2) probabilities; the reduction divides by N·T = 6 elements, and the
     * weight of sample n covers its three time steps */
    {
        const int64_t s232[] = { 2, 3, 2 };
        float yt[12], yp[12];
        double want = 0, wantw = 0;
        const float w[2] = { 0.5f, 3.0f };
        for (int i = 0; i < 6; i++) {
            int cls = (i * 7) % 2;
            double p = 0.1 + 0.13 * i;
            yt[2 * i] = (float)(cls == 0); yt[2 * i + 1] = (float)(cls == 1);
            yp[2 * i] = (float)p; yp[2 * i + 1] = (float)(1 - p);
            double q = (double)yp[2 * i + cls] / ((double)yp[2 * i] + (double)yp[2 * i + 1]);
            want += -log(q);
            wantw += w[i / 3] * -log(q);
        }
        l = brain_loss_categorical_crossentropy(NULL);
        CHECK_NEAR(compute(l, 3, s232, yt, 3, s232, yp, NULL), want / 6, 1e-9, 1e-7);
        CHECK_NEAR(compute(l, 3, s232, yt, 3, s232, yp, w), wantw / 6, 1e-9, 1e-7);
        brain_loss_free(l);
        /* MSE on rank 3 means over the last axis, then over the 6 elements */
        l = brain_loss_mse(NULL);
        double m = 0;
        for (int i = 0; i < 12; i++) m += ((double)yp[i] - yt[i]) * ((double)yp[i] - yt[i]);
        CHECK_NEAR(compute(l, 3, s232, yt, 3, s232, yp, NULL), m / 12, 1e-9, 1e-7);
        brain_loss_free(l);
    }

    /* an empty batch gives 0 (divide_no_nan) */
    l = brain_loss_mse(NULL);
    {
        brain_tensor *t = brain_tensor_new(2, (int64_t[]){ 0, 3 }), *p = brain_tensor_new(2, (int64_t[]){ 0, 3 });
        double v = -1;
        CHECK_OK(brain_loss_compute(l, t, p, NULL, &v, NULL));
        CHECK(v == 0.0);
        brain_tensor_free(t);
        brain_tensor_free(p);
    }
    brain_loss_free(l);
}

/* ------------------------------------------------------------------ finite differences */

static double clip_dist(double q)
{
    if (q < LO) return LO - q;
    if (q > HI) return q - HI;
    return fmin(q - LO, HI - q);
}

/* The largest step for element i that keeps every clipped quantity on its side of the clip. */
static double safe_step(const brain_loss *l, const char *kind, bool logits, const brain_tensor *yp, int64_t i, double h)
{
    if (logits) return h;
    if (!strcmp(kind, "bce")) {
        double q = yp->data[i];
        /* stay on one side of the clip, and small against the curvature scale min(p, 1-p) */
        if (q > 0 && q < 1) h = fmin(h, 1e-3 * fmin(q, 1 - q));
        return fmin(h, 0.25 * clip_dist(q));
    }
    if (!strcmp(kind, "cce") || !strcmp(kind, "scce")) {
        int64_t k = yp->shape[yp->ndim - 1], g0 = i / k * k;
        double s = 0;
        for (int64_t j = g0; j < g0 + k; j++) s += yp->data[j];
        double q = yp->data[i] / s;
        h = fmin(h, 0.25 * s * clip_dist(q));
        for (int64_t j = g0; j < g0 + k; j++) {
            double qj = yp->data[j] / s;
            if (j != i && qj > 0) h = fmin(h, 0.25 * s * clip_dist(qj) / qj);
        }
        return h;
    }
    (void)l;
    return h;
}

/* Checks grad against central differences for every element of y_pred.  Elements within reach of
 * a kink (|e| = 0 for mae, |e| = δ for huber) are skipped. */
static void fd_check(const char *what, const char *kind, bool logits, float ls, float delta, brain_tensor *yt,
                     brain_tensor *yp, const float *w)
{
    brain_loss *l = make_loss(kind, logits, ls, delta);
    CHECK_MSG(l != NULL, "%s: %s", what, brain_last_error());
    if (!l) return;
    float *g = calloc((size_t)yp->size, sizeof(float));
    double v;
    CHECK_OK(brain_loss_compute(l, yt, yp, w, &v, g));
    double gmax = 0;
    for (int64_t i = 0; i < yp->size; i++) gmax = fmax(gmax, fabs(g[i]));
    int bad = 0, checked = 0;
    for (int64_t i = 0; i < yp->size; i++) {
        float p = yp->data[i];
        double h = 1e-3 * fmax(fabs(p), 1e-2);
        if (!strcmp(kind, "mae") || !strcmp(kind, "huber")) {
            double e = fabs((double)p - (double)yt->data[i]), kink = !strcmp(kind, "mae") ? 0.0 : (delta ? delta : 1.0);
            if (fabs(e - kink) < 10 * h) continue;
        }
        h = safe_step(l, kind, logits, yp, i, h);
        float pp = (float)(p + h), pm = (float)(p - h);
        if (pp == p || pm == p) continue;
        yp->data[i] = pp;
        double vp = loss_value(l, yt, yp, w);
        yp->data[i] = pm;
        double vm = loss_value(l, yt, yp, w);
        yp->data[i] = p;
        double fd = (vp - vm) / ((double)pp - (double)pm);
        checked++;
        if (fabs(g[i] - fd) > 1e-4 * fabs(fd) + 1e-5 * gmax) {
            if (bad++ < 3)
                fprintf(stderr, "%s: grad[%lld] = %.9g, finite difference %.9g (p = %.9g)\n", what, (long long)i,
                        g[i], fd, p);
        }
    }
    CHECK_MSG(bad == 0, "%s: %d of %d gradient entries disagree with finite differences", what, bad, checked);
    CHECK_MSG(checked >= yp->size / 2, "%s: only %d of %lld entries could be checked", what, checked,
              (long long)yp->size);
    free(g);
    brain_loss_free(l);
}

static brain_rng rng;
static float uni(double a, double b) { return (float)(a + (b - a) * brain_rng_uniform(&rng)); }

static brain_tensor *rand_tensor(int nd, const int64_t *shape, double a, double b)
{
    brain_tensor *t = brain_tensor_new(nd, shape);
    for (int64_t i = 0; i < t->size; i++) t->data[i] = uni(a, b);
    return t;
}

static brain_tensor *one_hot(int nd, const int64_t *shape)
{
    brain_tensor *t = brain_tensor_new(nd, shape);
    int64_t k = shape[nd - 1];
    for (int64_t g = 0; g < t->size / k; g++) t->data[g * k + brain_rng_below(&rng, k)] = 1;
    return t;
}

static brain_tensor *ids(int nd, const int64_t *shape, int64_t k)
{
    brain_tensor *t = brain_tensor_new(nd, shape);
    for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)brain_rng_below(&rng, k);
    return t;
}

static void test_gradients(void)
{
    brain_rng_seed(&rng, 12345);
    const int64_t s2[] = { 6, 4 }, s3[] = { 3, 4, 5 }, s1[] = { 7, 1 }, ids1[] = { 6 }, ids2[] = { 6, 1 }, ids3[] = { 3, 4 },
                  ids31[] = { 3, 4, 1 }, n7[] = { 7 };
    const float w6[] = { 1, 0.5f, 2, 0, 3, 0.25f }, w3[] = { 0.5f, 2, 1.5f }, w7[] = { 1, 2, 3, 4, 5, 6, 7 };

    /* regression losses, rank 2 and 3, with and without weights */
    const char *reg[] = { "mse", "mae", "huber" };
    for (int r = 0; r < 3; r++) {
        brain_tensor *yt = rand_tensor(2, s2, -1, 1), *yp = rand_tensor(2, s2, -2.5, 2.5);
        char what[64];
        snprintf(what, sizeof what, "%s rank 2", reg[r]);
        fd_check(what, reg[r], false, 0, 0, yt, yp, NULL);
        snprintf(what, sizeof what, "%s rank 2 weighted", reg[r]);
        fd_check(what, reg[r], false, 0, 0, yt, yp, w6);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        yt = rand_tensor(3, s3, -1, 1);
        yp = rand_tensor(3, s3, -2.5, 2.5);
        snprintf(what, sizeof what, "%s rank 3 weighted", reg[r]);
        fd_check(what, reg[r], false, 0, 0, yt, yp, w3);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
    }
    {
        brain_tensor *yt = rand_tensor(2, s2, -1, 1), *yp = rand_tensor(2, s2, -3, 3);
        fd_check("huber delta 0.3 weighted", "huber", false, 0, 0.3f, yt, yp, w6);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        /* (N,) targets against (N, 1) predictions */
        yt = rand_tensor(1, n7, -1, 1);
        yp = rand_tensor(2, s1, -1, 1);
        fd_check("mse (N,) vs (N,1) weighted", "mse", false, 0, 0, yt, yp, w7);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
    }

    /* binary crossentropy: probabilities (clipped and not), logits, label smoothing */
    {
        brain_tensor *yt = rand_tensor(2, s2, 0, 1), *yp = rand_tensor(2, s2, 0.02, 0.98);
        for (int64_t i = 0; i < yt->size; i++) yt->data[i] = yt->data[i] > 0.5f;
        /* some just inside the clip range */
        yp->data[0] = 2e-7f; yp->data[1] = 0.9999f; yp->data[5] = 5e-6f;
        fd_check("bce", "bce", false, 0, 0, yt, yp, NULL);
        fd_check("bce weighted", "bce", false, 0, 0, yt, yp, w6);
        fd_check("bce label smoothing", "bce", false, 0.1f, 0, yt, yp, w6);
        brain_tensor_free(yp);
        yp = rand_tensor(2, s2, -6, 6);
        fd_check("bce logits", "bce", true, 0, 0, yt, yp, NULL);
        fd_check("bce logits smoothing weighted", "bce", true, 0.2f, 0, yt, yp, w6);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        yt = rand_tensor(3, s3, 0, 1);
        yp = rand_tensor(3, s3, 0.02, 0.98);
        fd_check("bce rank 3 soft targets weighted", "bce", false, 0, 0, yt, yp, w3);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
    }

    /* categorical crossentropy */
    {
        brain_tensor *yt = one_hot(2, s2), *yp = rand_tensor(2, s2, 0.05, 1.0);
        fd_check("cce unnormalised", "cce", false, 0, 0, yt, yp, NULL);
        fd_check("cce weighted smoothing", "cce", false, 0.1f, 0, yt, yp, w6);
        /* a row with a zero probability (clipped; it still moves the normaliser) */
        yp->data[0] = 0; yp->data[5] = 1e-9f;
        fd_check("cce with clipped entries", "cce", false, 0, 0, yt, yp, w6);
        brain_tensor_free(yp);
        yp = rand_tensor(2, s2, -4, 4);
        fd_check("cce logits", "cce", true, 0, 0, yt, yp, NULL);
        fd_check("cce logits smoothing weighted", "cce", true, 0.2f, 0, yt, yp, w6);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
        yt = one_hot(3, s3);
        yp = rand_tensor(3, s3, 0.05, 1.0);
        fd_check("cce rank 3 weighted", "cce", false, 0, 0, yt, yp, w3);
        brain_tensor_free(yp);
        yp = rand_tensor(3, s3, -3, 3);
        fd_check("cce rank 3 logits", "cce", true, 0, 0, yt, yp, w3);
        brain_tensor_free(yt);
        brain_tensor_free(yp);
    }

    /* sparse categorical crossentropy: ids (N,), (N, 1), (N, T), (N, T, 1) */
    {
        brain_tensor *t1 = ids(1, ids1, 4), *t2 = brain_tensor_from(t1->data, 2, ids2);
        brain_tensor *yp = rand_tensor(2, s2, 0.05, 1.0);
        fd_check("scce ids (N,)", "scce", false, 0, 0, t1, yp, NULL);
        fd_check("scce ids (N,1) weighted", "scce", false, 0, 0, t2, yp, w6);
        brain_tensor_free(yp);
        yp = rand_tensor(2, s2, -4, 4);
        fd_check("scce logits weighted", "scce", true, 0, 0, t1, yp, w6);
        brain_tensor_free(yp);
        brain_tensor_free(t1);
        brain_tensor_free(t2);
        brain_tensor *t3 = ids(2, ids3, 5), *t31 = brain_tensor_from(t3->data, 3, ids31);
        yp = rand_tensor(3, s3, 0.05, 1.0);
        fd_check("scce rank 3 ids (N,T)", "scce", false, 0, 0, t3, yp, w3);
        brain_tensor_free(yp);
        yp = rand_tensor(3, s3, -3, 3);
        fd_check("scce rank 3 ids (N,T,1) logits", "scce", true, 0, 0, t31, yp, w3);
        brain_tensor_free(yp);
        brain_tensor_free(t3);
        brain_tensor_free(t31);
    }
}

/* Outside the clip range the gradient is exactly zero, and the value does not move. */
static void test_clip_boundaries(void)
{
    const float p[] = { 0.0f, 1e-8f, 5e-8f, -0.3f, 1.0f, 0.99999994f, 1.7f, 2e-7f, 0.9999f };
    const float y[] = { 1, 0, 1, 0, 0, 1, 1, 1, 0 };
    const int64_t s[] = { 9, 1 };
    brain_tensor *yt = brain_tensor_from(y, 2, s), *yp = brain_tensor_from(p, 2, s);
    brain_loss *l = brain_loss_binary_crossentropy(NULL);
    float g[9];
    double v0;
    CHECK_OK(brain_loss_compute(l, yt, yp, NULL, &v0, g));
    for (int i = 0; i < 7; i++) {
        CHECK_MSG(g[i] == 0.0f, "bce grad at clipped p = %.9g is %.9g, want 0", p[i], g[i]);
        float keep = yp->data[i];
        yp->data[i] = nextafterf(keep, 2.0f);
        double v1 = loss_value(l, yt, yp, NULL);
        yp->data[i] = nextafterf(keep, -2.0f);
        double v2 = loss_value(l, yt, yp, NULL);
        yp->data[i] = keep;
        CHECK_MSG(v1 == v0 && v2 == v0, "bce value moves around clipped p = %.9g", p[i]);
    }
    /* just inside: -y/p / (N·D) for y = 1, p = 2e-7; (1-y)/(1-p) / 9 for y = 0 */
    CHECK_NEAR(g[7], -1.0 / (double)2e-7f / 9, 0, 1e-6);
    CHECK_NEAR(g[8], 1.0 / (1.0 - (double)0.9999f) / 9, 0, 1e-5);
    brain_loss_free(l);

    /* CCE: a clipped probability gets only the normaliser's share of the gradient:
     * y = (1, 0, 0), p = (0.5, 0.5, 0): q = p, d/dp_k = (gq_k - Σ gq_j q_j) / s with gq = (-2, 0, 0):
     * Σ gq q = -1, so grad = (-1, 1, 1). */
    const int64_t s13[] = { 1, 3 };
    brain_tensor *ct = brain_tensor_from((float[]){ 1, 0, 0 }, 2, s13), *cp = brain_tensor_from((float[]){ 0.5f, 0.5f, 0 }, 2, s13);
    l = brain_loss_categorical_crossentropy(NULL);
    float cg[3];
    CHECK_OK(brain_loss_compute(l, ct, cp, NULL, &v0, cg));
    CHECK_NEAR(v0, -log(0.5), 1e-12, 0);
    CHECK_NEAR(cg[0], -1.0, 1e-6, 0);
    CHECK_NEAR(cg[1], 1.0, 1e-6, 0);
    CHECK_NEAR(cg[2], 1.0, 1e-6, 0);
    brain_loss_free(l);
    brain_tensor_free(ct);
    brain_tensor_free(cp);
    brain_tensor_free(yt);
    brain_tensor_free(yp);
}

/* ------------------------------------------------------------------ names and errors */

static void test_names_and_errors(void)
{
    const char *ok[] = { "mse", "MSE", "mean_squared_error", "MeanSquaredError", "mae", "MAE", "mean_absolute_error",
                         "MeanAbsoluteError", "huber", "Huber", "binary_crossentropy", "bce", "BCE", "BinaryCrossentropy",
                         "categorical_crossentropy", "CategoricalCrossentropy", "sparse_categorical_crossentropy",
                         "SparseCategoricalCrossentropy" };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        brain_loss *l = brain_loss_from_name(ok[i]);
        CHECK_MSG(l != NULL, "%s: %s", ok[i], brain_last_error());
        brain_loss_free(l);
    }
    brain_loss *l = brain_loss_from_name("mse");
    CHECK(!strcmp(brain_loss_name(l), "mse"));
    brain_loss_free(l);
    l = brain_loss_from_name("Huber");
    CHECK(!strcmp(brain_loss_name(l), "huber_loss"));
    brain_loss_free(l);
    l = brain_loss_from_name("BinaryCrossentropy");
    CHECK(!strcmp(brain_loss_name(l), "binary_crossentropy"));
    brain_loss_free(l);
    l = brain_loss_binary_crossentropy(&(brain_loss_options){ .name = "my_bce" });
    CHECK(!strcmp(brain_loss_name(l), "my_bce"));
    brain_loss_free(l);
    CHECK(brain_loss_from_name("crossentropy_of_doom") == NULL && strstr(brain_last_error(), "unknown loss"));
    CHECK(brain_loss_from_name("Mse") == NULL); /* Keras is case-sensitive here */
    CHECK(brain_loss_from_name(NULL) == NULL);
    CHECK(brain_loss_mse(&(brain_loss_options){ .from_logits = true }) == NULL && strstr(brain_last_error(), "from_logits"));
    CHECK(brain_loss_sparse_categorical_crossentropy(&(brain_loss_options){ .label_smoothing = 0.1f }) == NULL &&
          strstr(brain_last_error(), "label_smoothing"));
    CHECK(brain_loss_huber(&(brain_loss_options){ .delta = -1 }) == NULL && strstr(brain_last_error(), "delta"));

    const int64_t s42[] = { 4, 2 }, s41[] = { 4, 1 }, s4[] = { 4 }, s43[] = { 4, 3 }, s3[] = { 3 };
    brain_tensor *t42 = brain_tensor_new(2, s42), *t41 = brain_tensor_new(2, s41), *t4 = brain_tensor_new(1, s4),
                 *t43 = brain_tensor_new(2, s43), *t3 = brain_tensor_new(1, s3);
    for (int i = 0; i < 8; i++) t42->data[i] = 0.5f;
    for (int i = 0; i < 12; i++) t43->data[i] = 0.3f;
    double v;
    l = brain_loss_mse(NULL);
    CHECK_FAILS(brain_loss_compute(l, t42, t41, NULL, &v, NULL), "(4, 2)");
    CHECK_FAILS(brain_loss_compute(l, t42, t41, NULL, &v, NULL), "(4, 1)");
    CHECK_FAILS(brain_loss_compute(l, t3, t4, NULL, &v, NULL), "(3,)");
    CHECK_OK(brain_loss_compute(l, t4, t41, NULL, &v, NULL));
    CHECK_FAILS(brain_loss_compute(l, NULL, t41, NULL, &v, NULL), "NULL");
    CHECK_FAILS(brain_loss_compute(l, t4, t41, NULL, NULL, NULL), "value");
    brain_loss_free(l);

    l = brain_loss_categorical_crossentropy(NULL);
    CHECK_FAILS(brain_loss_compute(l, t41, t43, NULL, &v, NULL), "sparse_categorical_crossentropy");
    brain_loss_free(l);

    l = brain_loss_sparse_categorical_crossentropy(NULL);
    CHECK_FAILS(brain_loss_compute(l, t42, t43, NULL, &v, NULL), "shape (4, 2)");
    t4->data[0] = 0; t4->data[1] = 2; t4->data[2] = 3; t4->data[3] = 1; /* 3 is out of [0, 3) */
    CHECK_FAILS(brain_loss_compute(l, t4, t43, NULL, &v, NULL), "row 2");
    CHECK_FAILS(brain_loss_compute(l, t4, t43, NULL, &v, NULL), "[0, 3)");
    t4->data[2] = 1.5f;
    CHECK_FAILS(brain_loss_compute(l, t4, t43, NULL, &v, NULL), "1.5");
    t4->data[2] = -1;
    CHECK_FAILS(brain_loss_compute(l, t4, t43, NULL, &v, NULL), "row 2");
    t4->data[2] = NAN;
    CHECK_FAILS(brain_loss_compute(l, t4, t43, NULL, &v, NULL), "row 2");
    t4->data[2] = 2;
    CHECK_OK(brain_loss_compute(l, t4, t43, NULL, &v, NULL));
    CHECK_NEAR(v, -log(1.0 / 3), 1e-6, 0);
    brain_loss_free(l);

    brain_tensor_free(t42);
    brain_tensor_free(t41);
    brain_tensor_free(t4);
    brain_tensor_free(t43);
    brain_tensor_free(t3);
}

int main(void)
{
    test_golden();
    test_hand_values();
    test_gradients();
    test_clip_boundaries();
    test_names_and_errors();
    return check_summary("test_losses");
}
