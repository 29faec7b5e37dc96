/* gradcheck.h — checks a model's backward pass against central finite differences.
 *
 * The scalar checked is f = Σ_k Σ c_k ⊙ output_k + regularization, with fixed random c_k per
 * output, so output k's gradient is c_k.  Every trainable value and every input value is perturbed by ±h
 * (the model's random state is restored before each forward, so Dropout draws the same
 * mask), and the analytic gradient from the layers' backward passes must agree with
 * (f(θ+h) − f(θ−h)) / 2h to |a − n| ≤ atol + rtol·max(|a|, |n|). */
#ifndef BRAIN_GRADCHECK_H
#define BRAIN_GRADCHECK_H
#include "brain.h"
#include "internal.h"
#include "check.h"
#include <stdlib.h>

/* The checked problem: the model's inputs, and one fixed random c per output. */
typedef struct gc_problem {
    int n_x;
    brain_tensor *const *xs;
    float *c[BRAIN_MAX_IO];
    bool training;
    brain_rng rng0;
} gc_problem;

static double gc_eval(brain_model *m, const gc_problem *p)
{
    m->rng = p->rng0;
    if (brain__model_forward_multi(m, p->n_x, (const brain_tensor *const *)p->xs, p->training)) return NAN;
    double f = 0;
    for (int k = 0; k < m->n_outputs; k++) {
        const brain_tensor *out = brain__model_output_k(m, k);
        for (int64_t i = 0; i < out->size; i++) f += (double)p->c[k][i] * out->data[i];
    }
    return f + brain__regularization(m, false);
}

/* Perturbs each of vals[0..n) by ±h and compares the central difference with analytic[i];
 * returns bad plus the number of mismatches (the first few are printed). */
static int gc_compare(const char *label, const char *what, brain_model *m, float *vals, const float *analytic,
                      int64_t n, const gc_problem *p, double h, double atol, double rtol, int bad)
{
    for (int64_t i = 0; i < n; i++) {
        float keep = vals[i];
        vals[i] = keep + (float)h; double fp = gc_eval(m, p);
        vals[i] = keep - (float)h; double fm = gc_eval(m, p);
        vals[i] = keep;
        double num = (fp - fm) / (2 * h), an = analytic[i];
        if (fabs(num - an) > atol + rtol * fmax(fabs(num), fabs(an))) {
            if (bad < 5) fprintf(stderr, "%s: %s %lld analytic %.6g numeric %.6g\n", label, what, (long long)i, an, num);
            bad++;
        }
    }
    return bad;
}

/* A model with n_x inputs and any number of outputs: every parameter and every input value.
 * Returns the number of mismatches (also counted by CHECK). */
/* Set while checking a model whose inputs are indices (Embedding): their gradient is zero by
 * nature, and only the parameters' gradients are required to be nonzero. */
static bool gc_index_inputs;

static int gradcheck_model_multi(const char *label, brain_model *m, int n_x, brain_tensor *const *xs, bool training,
                                 double h, double atol, double rtol)
{
    m->want_input_grad = true;
    if (brain_model_build(m) || brain__model_reserve(m, xs[0]->shape[0])) {
        fprintf(stderr, "%s: build failed: %s\n", label, brain_last_error());
        check_failed++;
        return 1;
    }
    brain_rng crng;
    brain_rng_seed(&crng, 1234);
    gc_problem p = {.n_x = n_x, .xs = xs, .training = training, .rng0 = m->rng};
    m->rng = p.rng0;
    brain__model_forward_multi(m, n_x, (const brain_tensor *const *)xs, training);
    for (int k = 0; k < m->n_outputs; k++) {
        int64_t n_out = brain__model_output_k(m, k)->size;
        p.c[k] = malloc(sizeof(float) * (size_t)n_out);
        for (int64_t i = 0; i < n_out; i++) p.c[k][i] = (float)(brain_rng_uniform(&crng) * 2 - 1);
    }

    /* analytic */
    brain_model_zero_grad(m);
    gc_eval(m, &p);
    for (int k = 0; k < m->n_outputs; k++)
        memcpy(brain__model_output_grad_k(m, k), p.c[k], sizeof(float) * (size_t)brain__model_output_k(m, k)->size);
    brain__model_backward_graph(m);
    float *ga = malloc(sizeof(float) * (size_t)(m->n_params + 1));
    memcpy(ga, m->grads, sizeof(float) * (size_t)m->n_params);
    float *gx[BRAIN_MAX_IO];
    for (int k = 0; k < n_x; k++) {
        gx[k] = malloc(sizeof(float) * (size_t)xs[k]->size);
        memcpy(gx[k], m->nodes[m->input_nodes[k]].dbuf, sizeof(float) * (size_t)xs[k]->size);
    }

    int bad = gc_compare(label, "param", m, m->params, ga, m->n_params, &p, h, atol, rtol, 0);
    for (int k = 0; k < n_x; k++) {
        char what[32];
        snprintf(what, sizeof what, n_x == 1 ? "input" : "input %d:", k);
        bad = gc_compare(label, what, m, xs[k]->data, gx[k], xs[k]->size, &p, h, atol, rtol, bad);
    }
    CHECK_MSG(bad == 0, "%s: %d gradient mismatches", label, bad);
    /* a gradient check that compares zeros with zeros proves nothing */
    double mag = 0;
    for (int64_t i = 0; i < m->n_params; i++) mag += fabs(ga[i]);
    for (int k = 0; k < n_x; k++) {
        double mk = 0;
        for (int64_t i = 0; i < xs[k]->size; i++) mk += fabs(gx[k][i]);
        CHECK_MSG(mk > 1e-3 || gc_index_inputs, "%s: the gradient of input %d is all zero", label, k);
        mag += mk;
        free(gx[k]);
    }
    CHECK_MSG(mag > 1e-3, "%s: gradients are all zero", label);
    for (int k = 0; k < m->n_outputs; k++) free(p.c[k]);
    free(ga);
    return bad;
}

/* Returns the number of mismatches (also counted by CHECK). */
__attribute__((unused)) static int gradcheck_model(const char *label, brain_model *m, brain_tensor *x, bool training, double h, double atol, double rtol)
{
    return gradcheck_model_multi(label, m, 1, &x, training, h, atol, rtol);
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
