/* gradcheck.h — checks a model's backward pass against central finite differences.
 *
 * The scalar checked is f = Σ c ⊙ output + regularization, with fixed random c, so the
 * output gradient is c.  Every trainable value and every input value is perturbed by ±h
 * (the model's random state is restored before each forward, so Dropout draws the same
 * mask), and the analytic gradient from the layers' backward passes must agree with
 * (f(θ+h) − f(θ−h)) / 2h to |a − n| ≤ atol + rtol·max(|a|, |n|). */
#ifndef BRAIN_GRADCHECK_H
#define BRAIN_GRADCHECK_H
#include "brain.h"
#include "internal.h"
#include "check.h"
#include <stdlib.h>

static double gc_eval(brain_model *m, const brain_tensor *x, const float *c, bool training, const brain_rng *rng0)
{
    m->rng = *rng0;
    if (brain__model_forward(m, x, training)) return NAN;
    const brain_tensor *out = brain__model_output(m);
    double f = 0;
    for (int64_t i = 0; i < out->size; i++) f += (double)c[i] * out->data[i];
    return f + brain__regularization(m, false);
}

/* Perturbs each of vals[0..n) by ±h and compares the central difference with analytic[i];
 * returns bad plus the number of mismatches (the first few are printed). */
static int gc_compare(const char *label, const char *what, brain_model *m, float *vals, const float *analytic,
                      int64_t n, const brain_tensor *x, const float *c, bool training, const brain_rng *rng0,
                      double h, double atol, double rtol, int bad)
{
    for (int64_t i = 0; i < n; i++) {
        float keep = vals[i];
        vals[i] = keep + (float)h; double fp = gc_eval(m, x, c, training, rng0);
        vals[i] = keep - (float)h; double fm = gc_eval(m, x, c, training, rng0);
        vals[i] = keep;
        double num = (fp - fm) / (2 * h), an = analytic[i];
        if (fabs(num - an) > atol + rtol * fmax(fabs(num), fabs(an))) {
            if (bad < 5) fprintf(stderr, "%s: %s %lld analytic %.6g numeric %.6g\n", label, what, (long long)i, an, num);
            bad++;
        }
    }
    return bad;
}

/* Returns the number of mismatches (also counted by CHECK). */
static int gradcheck_model(const char *label, brain_model *m, brain_tensor *x, bool training, double h, double atol, double rtol)
{
    m->want_input_grad = true;
    if (brain_model_build(m) || brain__model_reserve(m, x->shape[0])) {
        fprintf(stderr, "%s: build failed: %s\n", label, brain_last_error());
        check_failed++;
        return 1;
    }
    brain_rng crng;
    brain_rng_seed(&crng, 1234);
    brain_rng rng0 = m->rng;
    /* output size */
    m->rng = rng0;
    brain__model_forward(m, x, training);
    int64_t n_out = brain__model_output(m)->size;
    float *c = malloc(sizeof(float) * n_out);
    for (int64_t i = 0; i < n_out; i++) c[i] = (float)(brain_rng_uniform(&crng) * 2 - 1);

    /* analytic */
    brain_model_zero_grad(m);
    gc_eval(m, x, c, training, &rng0);
    float *g = brain__model_output_grad(m);
    memcpy(g, c, sizeof(float) * n_out);
    brain__model_backward_graph(m);
    float *ga = malloc(sizeof(float) * (m->n_params + 1));
    float *gx = malloc(sizeof(float) * x->size);
    memcpy(ga, m->grads, sizeof(float) * m->n_params);
    memcpy(gx, m->nodes[0].dbuf, sizeof(float) * x->size);

    int bad = gc_compare(label, "param", m, m->params, ga, m->n_params, x, c, training, &rng0, h, atol, rtol, 0);
    bad = gc_compare(label, "input", m, x->data, gx, x->size, x, c, training, &rng0, h, atol, rtol, bad);
    CHECK_MSG(bad == 0, "%s: %d gradient mismatches", label, bad);
    /* a gradient check that compares zeros with zeros proves nothing */
    double mag = 0;
    for (int64_t i = 0; i < m->n_params; i++) mag += fabs(ga[i]);
    for (int64_t i = 0; i < x->size; i++) mag += fabs(gx[i]);
    CHECK_MSG(mag > 1e-3, "%s: gradients are all zero", label);
    free(c); free(ga); free(gx);
    return bad;
}

static brain_tensor *gc_random(int ndim, const int64_t *shape, uint64_t seed, double lo, double hi)
{
    brain_tensor *t = brain_tensor_new(ndim, shape);
    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)(lo + (hi - lo) * brain_rng_uniform(&r));
    return t;
}
#endif
