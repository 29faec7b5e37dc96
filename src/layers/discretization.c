/* discretization.c — Keras's Discretization (keras/src/layers/preprocessing/discretization.py),
 * output_mode "int": x → the index of its bin, the number of boundaries ≤ x (jnp.digitize).
 *
 * Boundaries are given (bin_boundaries) or learnt by adapt with num_bins, Keras's quantile
 * summary, reproduced step by step (float32 where numpy works in float32):
 *   summarize(v, ε):   sort v (n values); step = max(n·ε, 1); keep v[⌊step−1⌋ :: ⌊step⌋], each
 *                      with weight step
 *   merge (into the empty summary), then compress(summary, ε), and the boundaries are
 *   compress(summary, 1/num_bins)[0, :-1], where compress(s, ε), when len(s)·ε ≥ 1:
 *     p_k = ε + k·ε (k < ⌈1/ε⌉, np.arange), c = cumsum(weights) (float32), c̄ = c / c[-1]
 *     values_k = interp(p_k, c̄, s.values),  weights_k = Δ interp(p_k, c̄, c)
 * (len(s)·ε < 1 returns s itself, so few values give every value but the last as a boundary).
 * No gradient (Keras's neither). */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const brain_layer_vtable brain__discretization_vt;

typedef struct discr {
    brain_layer base;
    int n; float *b;                /* boundaries (n = 0 before adapt) */
    int num_bins;                   /* 0: given boundaries */
    double epsilon;
    bool adapted;
} discr;

static void discr_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)ctx; (void)n_in;
    const discr *d = (const discr *)l;
    for (int64_t i = 0; i < in[0]->size; i++) {
        float v = in[0]->data[i];
        int lo = 0, hi = d->n; /* the number of boundaries ≤ v (jnp.digitize, right=False) */
        while (lo < hi) { int mid = (lo + hi) / 2; if (d->b[mid] <= v) lo = mid + 1; else hi = mid; }
        out->data[i] = (float)lo;
    }
}

static void no_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *out,
                        const brain_tensor *dout, brain_tensor *const *din)
{
    (void)l; (void)ctx; (void)n_in; (void)in; (void)out; (void)dout; (void)din; /* no gradient, as in Keras */
}

static void discr_destroy(brain_layer *l) { free(((discr *)l)->b); }

/* ------------------------------------------------------------------ adapt (Keras's summary) */
/* np.interp(x, xp, fp) for increasing xp (numpy's formula, including its NaN fallbacks) */
static double interp(double x, const double *xp, const double *fp, int64_t n)
{
    if (x <= xp[0]) return fp[0];
    if (x >= xp[n - 1]) return fp[n - 1];
    int64_t lo = 0, hi = n - 1; /* xp[lo] <= x < xp[hi] */
    while (hi - lo > 1) { int64_t mid = (lo + hi) / 2; if (xp[mid] <= x) lo = mid; else hi = mid; }
    const double slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
    double r = slope * (x - xp[lo]) + fp[lo];
    if (isnan(r)) {
        r = slope * (x - xp[hi]) + fp[hi];
        if (isnan(r) && fp[lo] == fp[hi]) r = fp[lo];
    }
    return r;
}

/* compress_summary in place: (val, w) of *n entries → at most ⌈1/eps⌉ (buffers hold that many) */
static void compress(float *val, float *w, int64_t *n, double eps, double *scratch)
{
    if ((double)*n * eps < 1) return;
    const int64_t m = (int64_t)ceil(1.0 / eps), k = *n;
    double *cw = scratch, *cwp = scratch + k, *fv = scratch + 2 * k;
    float c = 0;
    for (int64_t i = 0; i < k; i++) { c += w[i]; cw[i] = c; } /* float32 cumsum */
    for (int64_t i = 0; i < k; i++) { cwp[i] = (double)(float)((float)cw[i] / c); fv[i] = val[i]; }
    double prev = 0;
    for (int64_t j = 0; j < m; j++) {
        const double p = eps + (double)j * eps;
        const double v = interp(p, cwp, fv, k), cj = interp(p, cwp, cw, k);
        val[j] = (float)v;
        w[j] = (float)(cj - prev);
        prev = cj;
    }
    *n = m;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

brain_status brain_discretization_adapt(brain_layer *l, const brain_tensor *data)
{
    if (!l || l->vt != &brain__discretization_vt)
        return brain__fail(BRAIN_ERR_ARG, "brain_discretization_adapt: the layer is not a Discretization layer");
    discr *d = (discr *)l;
    if (!d->num_bins)
        return brain__fail(BRAIN_ERR_ARG, "Discretization '%s': cannot adapt a layer made with bin_boundaries; give num_bins "
                                          "instead (as Keras)", l->name);
    if (!data || data->size < 1) return brain__fail(BRAIN_ERR_ARG, "Discretization '%s': adapt needs at least one value", l->name);
    const int64_t n = data->size;
    for (int64_t i = 0; i < n; i++)
        if (!isfinite(data->data[i]))
            return brain__fail(BRAIN_ERR_NUMERIC, "Discretization '%s': adapt data holds %g at index %lld", l->name,
                               (double)data->data[i], (long long)i);
    const double eps = d->epsilon;
    const double step = fmax((double)n / (1.0 / eps), 1.0);
    const int64_t start = (int64_t)(step - 1), stride = (int64_t)step;
    const int64_t k = (n - start + stride - 1) / stride;
    const int64_t cap = (int64_t)fmax((double)k, fmax(ceil(1.0 / eps), (double)d->num_bins + 1));
    float *sorted = brain__alloc_array((size_t)n, sizeof(float));
    float *val = brain__alloc_array((size_t)cap, sizeof(float)), *w = brain__alloc_array((size_t)cap, sizeof(float));
    double *scratch = brain__alloc_array((size_t)cap * 3, sizeof(double));
    if (!sorted || !val || !w || !scratch) { free(sorted); free(val); free(w); free(scratch); return BRAIN_ERR_NOMEM; }
    memcpy(sorted, data->data, (size_t)n * sizeof(float));
    qsort(sorted, (size_t)n, sizeof(float), cmp_float);
    for (int64_t i = 0; i < k; i++) { val[i] = sorted[start + i * stride]; w[i] = (float)step; }
    int64_t m = k;
    compress(val, w, &m, eps, scratch);                        /* merge_summaries into the empty one */
    compress(val, w, &m, 1.0 / (double)d->num_bins, scratch); /* get_bin_boundaries */
    free(sorted);
    free(w);
    free(scratch);
    free(d->b);
    d->b = val;
    d->n = (int)(m - 1);
    d->adapted = true;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ config */
static brain_status discr_get_config(const brain_layer *l, cJSON *cfg)
{
    const discr *d = (const discr *)l;
    brain_status s = BRAIN_OK;
    if (d->num_bins && !d->adapted) s = brain__cfg_add_null(cfg, "bin_boundaries");
    else {
        cJSON *a = cJSON_AddArrayToObject(cfg, "bin_boundaries");
        if (!a) return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a config");
        /* given boundaries as the decimals written; adapted ones as Keras's float32 .tolist() */
        for (int i = 0; i < d->n; i++)
            cJSON_AddItemToArray(a, brain__cfg_python_float(d->adapted ? (double)d->b[i] : brain__float_option(d->b[i])));
    }
    if (!s) s = d->num_bins ? brain__cfg_add_number(cfg, "num_bins", d->num_bins) : brain__cfg_add_null(cfg, "num_bins");
    if (!s) s = brain__cfg_add_double(cfg, "epsilon", d->epsilon);
    if (!s) s = brain__cfg_add_string(cfg, "output_mode", "int");
    if (!s) s = brain__cfg_add_bool(cfg, "sparse", false);
    return s;
}

static brain_layer *discr_from_config(const cJSON *cfg)
{
    const char *mode = NULL, *name = NULL;
    double eps = 0.01;
    int64_t bins = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "bin_boundaries");
    if (brain__cfg_get_string(cfg, "output_mode", false, &mode) || brain__cfg_get_string(cfg, "name", false, &name) ||
        brain__cfg_get_number_or(cfg, "epsilon", 0.01, &eps) || brain__cfg_get_int_or(cfg, "num_bins", 0, 1 << 24, 0, &bins))
        return NULL;
    if (mode && strcmp(mode, "int")) {
        brain__cfg_bad(cfg, "output_mode", "must be \"int\" in this library (got \"%.32s\")", mode);
        return NULL;
    }
    if (!cJSON_IsArray(a) && !bins) {
        brain__cfg_bad(cfg, "bin_boundaries", "must be a list of numbers, or num_bins must be set");
        return NULL;
    }
    if (!cJSON_IsArray(a)) /* an adaptable layer not adapted yet */
        return brain__cfg_finish_layer(brain_discretization_adaptable((int)bins, &(brain_discretization_options){
                                           .epsilon = (float)eps, .name = name }), cfg);
    int n = cJSON_GetArraySize(a);
    float *b = malloc(sizeof(float) * (size_t)(n ? n : 1));
    if (!b) return NULL;
    int i = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a) b[i++] = cJSON_IsNumber(e) ? (float)e->valuedouble : NAN;
    brain_layer *l = NULL;
    if (bins) { /* adapted: Keras writes both */
        l = brain_discretization_adaptable((int)bins, &(brain_discretization_options){ .epsilon = (float)eps, .name = name });
        discr *d = (discr *)l;
        for (int j = 0; l && j < n; j++)
            if (!isfinite(b[j]) || (j && b[j] < b[j - 1])) {
                brain__cfg_bad(cfg, "bin_boundaries", "must be finite and non-decreasing (boundary %d is %g)", j, (double)b[j]);
                brain__layer_free(l);
                l = NULL;
            }
        if (l) {
            d->epsilon = eps;
            free(d->b);
            d->b = b;
            d->n = n;
            d->adapted = true;
            b = NULL;
        }
    } else l = brain_discretization(n, b, &(brain_layer_options){ .name = name });
    free(b);
    return brain__cfg_finish_layer(l, cfg);
}

const brain_layer_vtable brain__discretization_vt = {
    .class_name = "Discretization", .snake_name = "discretization", .build = brain__same_shape_build,
    .forward = discr_forward, .backward = no_backward, .destroy = discr_destroy,
    .get_config = discr_get_config, .from_config = discr_from_config,
    .config_without_trainable = true, /* Keras's Discretization.__init__ refuses "trainable" */
};

brain_layer *brain_discretization(int n_boundaries, const float *bin_boundaries, const brain_layer_options *opt)
{
    if (n_boundaries < 1 || !bin_boundaries) {
        brain__fail(BRAIN_ERR_ARG, "Discretization: at least one bin boundary is needed");
        return NULL;
    }
    for (int i = 0; i < n_boundaries; i++)
        if (!isfinite(bin_boundaries[i]) || (i && !(bin_boundaries[i] > bin_boundaries[i - 1]))) {
            brain__fail(BRAIN_ERR_ARG, "Discretization: bin_boundaries must be finite and increasing (boundary %d is %g)", i,
                        (double)bin_boundaries[i]);
            return NULL;
        }
    discr *d = (discr *)brain__layer_new(&brain__discretization_vt, sizeof *d, opt ? opt->name : NULL);
    if (!d) return NULL;
    d->b = brain__alloc_array((size_t)n_boundaries, sizeof(float));
    if (!d->b) { free(d); return NULL; }
    memcpy(d->b, bin_boundaries, sizeof(float) * (size_t)n_boundaries);
    d->n = n_boundaries;
    d->epsilon = 0.01;
    return &d->base;
}

brain_layer *brain_discretization_adaptable(int num_bins, const brain_discretization_options *opt)
{
    const double eps = opt && opt->epsilon != 0 ? brain__float_option(opt->epsilon) : 0.01;
    if (num_bins < 1 || num_bins > (1 << 24)) {
        brain__fail(BRAIN_ERR_ARG, "Discretization: num_bins must be in [1, %d], got %d", 1 << 24, num_bins);
        return NULL;
    }
    if (!(eps > 0 && eps <= 1)) {
        brain__fail(BRAIN_ERR_ARG, "Discretization: epsilon must be in (0, 1], got %g", eps);
        return NULL;
    }
    discr *d = (discr *)brain__layer_new(&brain__discretization_vt, sizeof *d, opt ? opt->name : NULL);
    if (!d) return NULL;
    d->num_bins = num_bins;
    d->epsilon = eps;
    return &d->base;
}
