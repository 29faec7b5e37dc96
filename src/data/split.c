/* split.c — scikit-learn's train_test_split, bit for bit.
 *
 * Follows sklearn/model_selection/_split.py (1.2): _validate_shuffle_split for the sizes,
 * ShuffleSplit._iter_indices (perm = rng.permutation(n); test = perm[:n_test],
 * train = perm[n_test:n_test + n_train]) and StratifiedShuffleSplit._iter_indices with
 * sklearn.utils._approximate_mode, all drawing from NumPy's legacy RandomState (np_random.c).
 * Legacy RandomState.choice(a, size, replace=False) without p is permutation(len(a))[:size]. */
#include "data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ sizes */
typedef struct size_arg { bool given, is_count; double v; } size_arg;

static brain_status check_size(const char *what, double v, int64_t n, size_arg *out)
{
    out->given = v != 0;
    out->v = v;
    out->is_count = false;
    if (!out->given) return BRAIN_OK;
    if (!(v > 0) || isinf(v))
        return brain__fail(BRAIN_ERR_ARG, "%s=%g should be either a fraction in (0, 1) or a positive count smaller "
                           "than the number of samples %lld", what, v, (long long)n);
    if (v < 1) return BRAIN_OK;
    out->is_count = true;
    if (v != floor(v))
        return brain__fail(BRAIN_ERR_ARG, "%s=%g is neither a fraction in (0, 1) nor a whole count of samples", what, v);
    if (v >= (double)n)
        return brain__fail(BRAIN_ERR_ARG, "%s=%g should be either positive and smaller than the number of samples %lld "
                           "or a float in the (0, 1) range", what, v, (long long)n);
    return BRAIN_OK;
}

/* _validate_shuffle_split(n, test_size, train_size, default_test_size=0.25) */
static brain_status split_sizes(int64_t n, double test_size, double train_size, int64_t *n_train, int64_t *n_test)
{
    size_arg te, tr;
    brain_status s;
    if (test_size == 0 && train_size == 0) test_size = 0.25;
    if ((s = check_size("test_size", test_size, n, &te))) return s;
    if ((s = check_size("train_size", train_size, n, &tr))) return s;
    if (te.given && tr.given && !te.is_count && !tr.is_count && te.v + tr.v > 1)
        return brain__fail(BRAIN_ERR_ARG, "the sum of test_size and train_size = %g should be in the (0, 1) range; "
                           "reduce test_size and/or train_size", te.v + tr.v);
    double nt = 0, ntr = 0;
    if (te.given) nt = te.is_count ? te.v : ceil(te.v * (double)n);
    if (tr.given) ntr = tr.is_count ? tr.v : floor(tr.v * (double)n);
    if (!tr.given) ntr = (double)n - nt;
    else if (!te.given) nt = (double)n - ntr;
    if (ntr + nt > (double)n)
        return brain__fail(BRAIN_ERR_ARG, "the sum of train_size and test_size = %lld should be smaller than the number "
                           "of samples %lld; reduce test_size and/or train_size", (long long)(ntr + nt), (long long)n);
    if (ntr == 0)
        return brain__fail(BRAIN_ERR_ARG, "with n_samples=%lld, test_size=%g and train_size=%g, the resulting train set "
                           "will be empty; adjust any of these", (long long)n, test_size, train_size);
    *n_train = (int64_t)ntr;
    *n_test = (int64_t)nt;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ stratification */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sklearn.utils._approximate_mode(class_counts, n_draws, rng) */
static brain_status approximate_mode(const int64_t *counts, int64_t k, int64_t n_draws, brain__np_rng *rng,
                                     int64_t *out)
{
    double *cont = brain__alloc_array((size_t)k, sizeof(double));
    double *rem = brain__alloc_array((size_t)k, sizeof(double));
    double *vals = brain__alloc_array((size_t)k, sizeof(double));
    int64_t *inds = brain__alloc_array((size_t)k, sizeof(int64_t));
    int64_t *perm = brain__alloc_array((size_t)k, sizeof(int64_t));
    if (!cont || !rem || !vals || !inds || !perm) {
        free(cont); free(rem); free(vals); free(inds); free(perm);
        return BRAIN_ERR_NOMEM;
    }
    int64_t total = 0;
    for (int64_t i = 0; i < k; i++) total += counts[i];
    double floored_sum = 0;
    for (int64_t i = 0; i < k; i++) {
        cont[i] = (double)counts[i] / (double)total * (double)n_draws;
        double f = floor(cont[i]);
        out[i] = (int64_t)f;
        rem[i] = cont[i] - f;
        floored_sum += f;            /* whole numbers far below 2^53: exact in any order */
    }
    int64_t need = (int64_t)((double)n_draws - floored_sum);
    if (need > 0) {
        memcpy(vals, rem, sizeof(double) * (size_t)k);
        qsort(vals, (size_t)k, sizeof(double), cmp_double);
        for (int64_t v = k - 1; v >= 0 && need > 0; v--) {
            if (v < k - 1 && vals[v] == vals[v + 1]) continue;    /* unique values, descending */
            int64_t m = 0;
            for (int64_t i = 0; i < k; i++)
                if (rem[i] == vals[v]) inds[m++] = i;
            int64_t add_now = m < need ? m : need;
            /* rng.choice(inds, size=add_now, replace=False) = inds[permutation(m)[:add_now]] */
            for (int64_t i = 0; i < m; i++) perm[i] = i;
            brain__np_shuffle(rng, perm, m);
            for (int64_t i = 0; i < add_now; i++) out[inds[perm[i]]] += 1;
            need -= add_now;
        }
    }
    free(cont); free(rem); free(vals); free(inds); free(perm);
    return BRAIN_OK;
}

static brain_status stratified(int64_t n, const float *y, int64_t n_train, int64_t n_test, brain__np_rng *rng,
                               int64_t *train, int64_t *test)
{
    brain_status s = BRAIN_OK;
    for (int64_t i = 0; i < n; i++)
        if (isnan(y[i]))
            return brain__fail(BRAIN_ERR_ARG, "stratify[%lld] is NaN; stratify needs one class value per row",
                               (long long)i);
    double *cls = brain__alloc_array((size_t)n, sizeof(double));
    int64_t *yi = brain__alloc_array((size_t)n, sizeof(int64_t));
    int64_t *counts = brain__alloc_array((size_t)n, sizeof(int64_t));
    int64_t *start = brain__alloc_array((size_t)n + 1, sizeof(int64_t));
    int64_t *order = brain__alloc_array((size_t)n, sizeof(int64_t));
    int64_t *ni = brain__alloc_array((size_t)n, sizeof(int64_t));
    int64_t *ti = brain__alloc_array((size_t)n, sizeof(int64_t));
    int64_t *perm = brain__alloc_array((size_t)n, sizeof(int64_t));
    if (!cls || !yi || !counts || !start || !order || !ni || !ti || !perm) { s = BRAIN_ERR_NOMEM; goto done; }

    /* classes = np.unique(y) */
    for (int64_t i = 0; i < n; i++) cls[i] = y[i];
    qsort(cls, (size_t)n, sizeof(double), cmp_double);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!k || cls[k - 1] != cls[i]) cls[k++] = cls[i];
    for (int64_t i = 0; i < n; i++) {
        int64_t lo = 0, hi = k;
        while (lo < hi) { int64_t mid = (lo + hi) / 2; if (cls[mid] < (double)y[i]) lo = mid + 1; else hi = mid; }
        yi[i] = lo;
        counts[lo]++;
    }
    int64_t least = 0;
    for (int64_t c = 1; c < k; c++) if (counts[c] < counts[least]) least = c;
    if (counts[least] < 2) {
        s = brain__fail(BRAIN_ERR_ARG, "the least populated class in stratify (%g) has only 1 member, which is too few; "
                        "every class needs at least 2 members", cls[least]);
        goto done;
    }
    if (n_train < k) {
        s = brain__fail(BRAIN_ERR_ARG, "the train size = %lld should be greater or equal to the number of classes = %lld",
                        (long long)n_train, (long long)k);
        goto done;
    }
    if (n_test < k) {
        s = brain__fail(BRAIN_ERR_ARG, "the test size = %lld should be greater or equal to the number of classes = %lld",
                        (long long)n_test, (long long)k);
        goto done;
    }
    /* class_indices: argsort(y_indices, kind="mergesort") split by class (stable: ascending rows) */
    start[0] = 0;
    for (int64_t c = 0; c < k; c++) start[c + 1] = start[c] + counts[c];
    for (int64_t c = 0; c <= k; c++) perm[c] = start[c];
    for (int64_t i = 0; i < n; i++) order[perm[yi[i]]++] = i;

    if ((s = approximate_mode(counts, k, n_train, rng, ni))) goto done;
    for (int64_t c = 0; c < k; c++) counts[c] -= ni[c];
    if ((s = approximate_mode(counts, k, n_test, rng, ti))) goto done;

    int64_t a = 0, b = 0;
    for (int64_t c = 0; c < k; c++) {
        int64_t m = start[c + 1] - start[c];
        for (int64_t i = 0; i < m; i++) perm[i] = i;
        brain__np_shuffle(rng, perm, m);
        for (int64_t i = 0; i < ni[c]; i++) train[a++] = order[start[c] + perm[i]];
        for (int64_t i = ni[c]; i < ni[c] + ti[c]; i++) test[b++] = order[start[c] + perm[i]];
    }
    brain__np_shuffle(rng, train, a);
    brain__np_shuffle(rng, test, b);
done:
    free(cls); free(yi); free(counts); free(start); free(order); free(ni); free(ti); free(perm);
    return s;
}

/* ------------------------------------------------------------------ public */
brain_status brain_train_test_split_indices(int64_t n, const brain_split_options *opt,
                                            int64_t **train_idx, int64_t *n_train,
                                            int64_t **test_idx, int64_t *n_test)
{
    if (train_idx) *train_idx = NULL;
    if (test_idx) *test_idx = NULL;
    if (n_train) *n_train = 0;
    if (n_test) *n_test = 0;
    if (!train_idx || !n_train || !test_idx || !n_test)
        return brain__fail(BRAIN_ERR_ARG, "brain_train_test_split_indices: the output pointers must not be NULL");
    if (n <= 0) return brain__fail(BRAIN_ERR_ARG, "train_test_split needs at least one sample, got %lld", (long long)n);
    brain_split_options o = opt ? *opt : (brain_split_options){ 0 };
    if (isnan(o.test_size) || isnan(o.train_size))
        return brain__fail(BRAIN_ERR_ARG, "train_test_split: test_size and train_size must not be NaN");
    if (o.shuffle != BRAIN_DEFAULT && o.shuffle != BRAIN_ON && o.shuffle != BRAIN_OFF)
        return brain__fail(BRAIN_ERR_ARG, "train_test_split: shuffle must be BRAIN_DEFAULT, BRAIN_ON or BRAIN_OFF");
    int64_t ntr = 0, nte = 0;
    brain_status s = split_sizes(n, o.test_size, o.train_size, &ntr, &nte);
    if (s) return s;
    if (o.shuffle == BRAIN_OFF && o.stratify)
        return brain__fail(BRAIN_ERR_ARG, "stratified train/test split is not implemented for shuffle=BRAIN_OFF "
                           "(as in scikit-learn); drop stratify or shuffle");

    int64_t *tr = brain__alloc_array((size_t)ntr, sizeof(int64_t));
    int64_t *te = brain__alloc_array((size_t)nte, sizeof(int64_t));
    if (!tr || !te) { free(tr); free(te); return BRAIN_ERR_NOMEM; }

    if (o.shuffle == BRAIN_OFF) {
        for (int64_t i = 0; i < ntr; i++) tr[i] = i;
        for (int64_t i = 0; i < nte; i++) te[i] = ntr + i;
    } else {
        brain__np_rng *rng = brain__alloc(sizeof *rng);
        if (!rng) { free(tr); free(te); return BRAIN_ERR_NOMEM; }
        brain__np_seed(rng, o.has_random_state ? o.random_state : (uint32_t)brain__next_seed());
        if (o.stratify) {
            s = stratified(n, o.stratify, ntr, nte, rng, tr, te);
        } else {
            int64_t *perm = brain__alloc_array((size_t)n, sizeof(int64_t));
            if (!perm) s = BRAIN_ERR_NOMEM;
            else {
                for (int64_t i = 0; i < n; i++) perm[i] = i;
                brain__np_shuffle(rng, perm, n);
                memcpy(te, perm, sizeof(int64_t) * (size_t)nte);
                memcpy(tr, perm + nte, sizeof(int64_t) * (size_t)ntr);
                free(perm);
            }
        }
        free(rng);
        if (s) { free(tr); free(te); return s; }
    }
    *train_idx = tr; *n_train = ntr;
    *test_idx = te; *n_test = nte;
    return BRAIN_OK;
}

brain_status brain_train_test_split(const brain_tensor *x, const brain_tensor *y, const brain_split_options *opt,
                                    brain_tensor **x_train, brain_tensor **x_test,
                                    brain_tensor **y_train, brain_tensor **y_test)
{
    if (x_train) *x_train = NULL;
    if (x_test) *x_test = NULL;
    if (y_train) *y_train = NULL;
    if (y_test) *y_test = NULL;
    if (!x || !x_train || !x_test)
        return brain__fail(BRAIN_ERR_ARG, "brain_train_test_split: x, x_train and x_test must not be NULL");
    if (y && (!y_train || !y_test))
        return brain__fail(BRAIN_ERR_ARG, "brain_train_test_split: y is given, so y_train and y_test must not be NULL");
    if (x->ndim < 1) return brain__fail(BRAIN_ERR_ARG, "brain_train_test_split: x has no rows axis");
    int64_t n = x->shape[0];
    if (y && (y->ndim < 1 || y->shape[0] != n))
        return brain__fail(BRAIN_ERR_ARG, "found input variables with inconsistent numbers of samples: x has %lld rows, "
                           "y has %lld", (long long)n, (long long)(y->ndim ? y->shape[0] : 0));
    int64_t *tr, *te, ntr, nte;
    brain_status s = brain_train_test_split_indices(n, opt, &tr, &ntr, &te, &nte);
    if (s) return s;
    brain_tensor *a = brain_tensor_take_rows(x, tr, ntr);
    brain_tensor *b = a ? brain_tensor_take_rows(x, te, nte) : NULL;
    brain_tensor *c = (b && y) ? brain_tensor_take_rows(y, tr, ntr) : NULL;
    brain_tensor *d = (c && y) ? brain_tensor_take_rows(y, te, nte) : NULL;
    free(tr);
    free(te);
    if (!a || !b || (y && (!c || !d))) {
        brain_tensor_free(a); brain_tensor_free(b); brain_tensor_free(c); brain_tensor_free(d);
        return BRAIN_ERR_NOMEM;
    }
    *x_train = a; *x_test = b;
    if (y) { *y_train = c; *y_test = d; }
    return BRAIN_OK;
}
