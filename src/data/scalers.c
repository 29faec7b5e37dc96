/* scalers.c — scikit-learn's StandardScaler and MinMaxScaler (sklearn/preprocessing/_data.py).
 *
 * Statistics are float64, as scikit-learn computes them for float64 input:
 *   StandardScaler: mean_ = Σx/n; var_ = (Σ(x−mean)² − (Σ(x−mean))²/n)/n (two passes, ddof 0);
 *     scale_ = sqrt(var_), or 1 where var_ ≤ n·eps·var_ + (n·mean_·eps)² (a near-constant feature);
 *     transform x ← (x − mean_)/scale_, inverse x ← x·scale_ + mean_.
 *   MinMaxScaler(feature_range=(lo, hi)): data_min_, data_max_; range 0 (< 10·eps) counts as 1;
 *     scale_ = (hi − lo)/range, min_ = lo − data_min_·scale_; transform x ← x·scale_ + min_,
 *     inverse x ← (x − min_)/scale_.
 * Each value is transformed in double, as scikit-learn does for float64 input, and rounded to
 * float32 once at the end (rounding after each step, as NumPy's in-place updates of a float32
 * array would, loses digits for features with a large offset and a small range). */
#include "data_internal.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* struct brain_scaler is in data_internal.h (src/io/preprocessing.c saves it with a model) */

static const char *class_name(const brain_scaler *s)
{
    return s->kind == SCALER_STANDARD ? "StandardScaler" : "MinMaxScaler";
}

brain_scaler *brain_standard_scaler(void)
{
    brain_scaler *s = brain__alloc(sizeof *s);
    if (s) s->kind = SCALER_STANDARD;
    return s;
}

brain_scaler *brain_minmax_scaler(float lo, float hi)
{
    if (lo == 0 && hi == 0) hi = 1;
    if (!isfinite(lo) || !isfinite(hi)) {
        brain__fail(BRAIN_ERR_ARG, "MinMaxScaler: feature_range (%g, %g) must be finite", lo, hi);
        return NULL;
    }
    if (!(lo < hi)) {
        brain__fail(BRAIN_ERR_ARG, "MinMaxScaler: the minimum of the desired feature range (%g) must be smaller "
                    "than the maximum (%g)", lo, hi);
        return NULL;
    }
    brain_scaler *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    s->kind = SCALER_MINMAX;
    s->lo = lo;
    s->hi = hi;
    return s;
}

static void free_stats(brain_scaler *s)
{
    free(s->mean); free(s->var); free(s->scale);
    free(s->data_min); free(s->data_max); free(s->mm_scale); free(s->mm_min);
    s->mean = s->var = s->scale = s->data_min = s->data_max = s->mm_scale = s->mm_min = NULL;
    s->n_features = 0;
    s->n_samples_seen = 0;
}

void brain_scaler_free(brain_scaler *s)
{
    if (!s) return;
    free_stats(s);
    free(s);
}

/* rows and features of x (higher ranks flattened after the first axis); checks values */
static brain_status shape_of(const brain_scaler *s, const brain_tensor *x, const char *fn, int64_t *rows,
                             int64_t *cols)
{
    if (!s || !x) return brain__fail(BRAIN_ERR_ARG, "%s: scaler and x must not be NULL", fn);
    if (x->ndim < 1 || (!x->data && x->size)) return brain__fail(BRAIN_ERR_ARG, "%s: x has no rows axis", fn);
    *rows = x->shape[0];
    *cols = x->ndim == 1 ? 1 : brain_tensor_row_size(x);
    if (*rows == 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: found an array with 0 samples, while a minimum of 1 is required by %s",
                           fn, class_name(s));
    if (*cols == 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: found an array with 0 features, while a minimum of 1 is required by %s",
                           fn, class_name(s));
    for (int64_t i = 0; i < *rows; i++)
        for (int64_t j = 0; j < *cols; j++)
            if (!isfinite(x->data[i * *cols + j]))
                return brain__fail(BRAIN_ERR_NUMERIC, "%s: x[%lld, %lld] is %g; %s needs finite values", fn,
                                   (long long)i, (long long)j, x->data[i * *cols + j], class_name(s));
    return BRAIN_OK;
}

brain_status brain_scaler_fit(brain_scaler *s, const brain_tensor *x)
{
    int64_t n, p;
    brain_status st = shape_of(s, x, "brain_scaler_fit", &n, &p);
    if (st) return st;
    free_stats(s);
    const float *d = x->data;
    if (s->kind == SCALER_STANDARD) {
        s->mean = brain__alloc_array((size_t)p, sizeof(double));
        s->var = brain__alloc_array((size_t)p, sizeof(double));
        s->scale = brain__alloc_array((size_t)p, sizeof(double));
        double *corr = brain__alloc_array((size_t)p, sizeof(double));
        if (!s->mean || !s->var || !s->scale || !corr) { free(corr); free_stats(s); return BRAIN_ERR_NOMEM; }
        double *sum = s->mean, *sq = s->var;
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < p; j++) sum[j] += d[i * p + j];
        for (int64_t j = 0; j < p; j++) sum[j] /= (double)n;            /* T = new_sum / n = mean */
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < p; j++) {
                double t = (double)d[i * p + j] - s->mean[j];
                corr[j] += t;
                sq[j] += t * t;
            }
        const double eps = DBL_EPSILON;
        for (int64_t j = 0; j < p; j++) {
            s->var[j] = (sq[j] - corr[j] * corr[j] / (double)n) / (double)n;
            double bound = (double)n * eps * s->var[j] + pow((double)n * s->mean[j] * eps, 2);
            s->scale[j] = s->var[j] <= bound ? 1.0 : sqrt(s->var[j]);
        }
        free(corr);
    } else {
        s->data_min = brain__alloc_array((size_t)p, sizeof(double));
        s->data_max = brain__alloc_array((size_t)p, sizeof(double));
        s->mm_scale = brain__alloc_array((size_t)p, sizeof(double));
        s->mm_min = brain__alloc_array((size_t)p, sizeof(double));
        if (!s->data_min || !s->data_max || !s->mm_scale || !s->mm_min) { free_stats(s); return BRAIN_ERR_NOMEM; }
        for (int64_t j = 0; j < p; j++) s->data_min[j] = s->data_max[j] = d[j];
        for (int64_t i = 1; i < n; i++)
            for (int64_t j = 0; j < p; j++) {
                double v = d[i * p + j];
                if (v < s->data_min[j]) s->data_min[j] = v;
                if (v > s->data_max[j]) s->data_max[j] = v;
            }
        for (int64_t j = 0; j < p; j++) {
            double range = s->data_max[j] - s->data_min[j];
            if (range < 10 * DBL_EPSILON) range = 1.0;
            s->mm_scale[j] = (s->hi - s->lo) / range;
            s->mm_min[j] = s->lo - s->data_min[j] * s->mm_scale[j];
        }
    }
    s->n_features = p;
    s->n_samples_seen = n;
    return BRAIN_OK;
}

static brain_status check_fitted(const brain_scaler *s, const brain_tensor *x, const char *fn, int64_t *n, int64_t *p)
{
    if (!s || !x) return brain__fail(BRAIN_ERR_ARG, "%s: scaler and x must not be NULL", fn);
    if (!s->n_features)
        return brain__fail(BRAIN_ERR_STATE, "%s: this %s is not fitted yet; call brain_scaler_fit first", fn,
                           class_name(s));
    brain_status st = shape_of(s, x, fn, n, p);
    if (st) return st;
    if (*p != s->n_features)
        return brain__fail(BRAIN_ERR_ARG, "%s: x has %lld features, but this %s was fitted on %lld features", fn,
                           (long long)*p, class_name(s), (long long)s->n_features);
    return BRAIN_OK;
}

/* x ← (x − mean)/scale or x·scale_ + min_ (forward); the inverse maps back.  Each value is
 * computed in double and rounded to float32 once. */
static brain_status apply(const brain_scaler *s, brain_tensor *x, const char *fn, bool inverse)
{
    int64_t n, p;
    brain_status st = check_fitted(s, x, fn, &n, &p);
    if (st) return st;
    bool standard = s->kind == SCALER_STANDARD;
    const double *a = standard ? s->mean : s->mm_min, *b = standard ? s->scale : s->mm_scale;
    float *d = x->data;
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < p; j++) {
            double v = d[i * p + j];
            if (standard) v = inverse ? v * b[j] + a[j] : (v - a[j]) / b[j];
            else v = inverse ? (v - a[j]) / b[j] : v * b[j] + a[j];
            d[i * p + j] = (float)v;
        }
    return BRAIN_OK;
}

brain_status brain_scaler_transform(const brain_scaler *s, brain_tensor *x)
{
    return apply(s, x, "brain_scaler_transform", false);
}

brain_status brain_scaler_inverse_transform(const brain_scaler *s, brain_tensor *x)
{
    return apply(s, x, "brain_scaler_inverse_transform", true);
}

brain_status brain_scaler_fit_transform(brain_scaler *s, brain_tensor *x)
{
    brain_status st = brain_scaler_fit(s, x);
    return st ? st : brain_scaler_transform(s, x);
}

const double *brain_scaler_mean(const brain_scaler *s)
{
    if (!s || !s->n_features) return NULL;
    return s->kind == SCALER_STANDARD ? s->mean : s->data_min;
}

const double *brain_scaler_scale(const brain_scaler *s)
{
    if (!s || !s->n_features) return NULL;
    return s->kind == SCALER_STANDARD ? s->scale : s->data_max;
}

int64_t brain_scaler_num_features(const brain_scaler *s) { return s ? s->n_features : 0; }

const char *brain_scaler_class_name(const brain_scaler *s) { return s ? class_name(s) : NULL; }

brain_scaler *brain_scaler_clone(const brain_scaler *s)
{
    if (!s) { brain__fail(BRAIN_ERR_ARG, "brain_scaler_clone: scaler is NULL"); return NULL; }
    brain_scaler *c = brain__alloc(sizeof *c);
    if (!c) return NULL;
    *c = *s;
    c->mean = c->var = c->scale = c->data_min = c->data_max = c->mm_scale = c->mm_min = NULL;
    size_t p = (size_t)s->n_features;
    const double *from[7] = { s->mean, s->var, s->scale, s->data_min, s->data_max, s->mm_scale, s->mm_min };
    double **to[7] = { &c->mean, &c->var, &c->scale, &c->data_min, &c->data_max, &c->mm_scale, &c->mm_min };
    for (int k = 0; k < 7; k++) {
        if (!from[k] || !p) continue;
        if (!(*to[k] = brain__alloc_array(p, sizeof(double)))) { brain_scaler_free(c); return NULL; }
        memcpy(*to[k], from[k], p * sizeof(double));
    }
    return c;
}
