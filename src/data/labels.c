/* labels.c — keras.utils.to_categorical and scikit-learn's LabelEncoder. */
#include "data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* to_categorical: a trailing axis of 1 is dropped (Keras), then one axis of num_classes is
 * appended: (n,) or (n, 1) -> (n, k). */
brain_status brain_to_categorical(const brain_tensor *y, int num_classes, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!y || !out) return brain__fail(BRAIN_ERR_ARG, "brain_to_categorical: y and out must not be NULL");
    if (num_classes < 0) return brain__fail(BRAIN_ERR_ARG, "to_categorical: num_classes is %d; it must be positive "
                                            "(or 0 for max + 1)", num_classes);
    int ndim = y->ndim;
    if (ndim > 1 && y->shape[ndim - 1] == 1) ndim--;
    if (ndim < 1) ndim = 1;
    if (ndim + 1 > BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_ARG, "to_categorical: y has %d axes; the one-hot result would exceed %d",
                           y->ndim, BRAIN_MAX_DIMS);
    int64_t n = y->size;
    const float *d = y->data;
    for (int64_t i = 0; i < n; i++) {
        float v = d[i];
        if (!isfinite(v) || v != floorf(v) || v < 0)
            return brain__fail(BRAIN_ERR_ARG, "to_categorical: y[%lld] = %g is not a class id (a whole number "
                               "from 0)", (long long)i, v);
        if (num_classes && v >= (float)num_classes)
            return brain__fail(BRAIN_ERR_ARG, "to_categorical: y[%lld] = %g is outside [0, %d); num_classes is %d",
                               (long long)i, v, num_classes, num_classes);
        if (v > (float)(INT32_MAX - 1))
            return brain__fail(BRAIN_ERR_ARG, "to_categorical: y[%lld] = %g is too large a class id", (long long)i, v);
    }
    int64_t k = num_classes;
    if (!k) {
        if (!n) return brain__fail(BRAIN_ERR_ARG, "to_categorical: y is empty, so num_classes cannot be inferred; pass it");
        for (int64_t i = 0; i < n; i++)
            if ((int64_t)d[i] + 1 > k) k = (int64_t)d[i] + 1;
    }
    int64_t shape[BRAIN_MAX_DIMS];
    for (int a = 0; a < ndim; a++) shape[a] = y->ndim ? y->shape[a] : 1;
    shape[ndim] = k;
    brain_tensor *t = brain_tensor_new(ndim + 1, shape);
    if (!t) return BRAIN_ERR_NOMEM;
    for (int64_t i = 0; i < n; i++) t->data[i * k + (int64_t)d[i]] = 1.0f;
    *out = t;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ LabelEncoder */
struct brain_label_encoder {
    char **classes;                  /* sorted, unique (byte order, as np.unique on str) */
    int n_classes;
    bool fitted;
};

brain_label_encoder *brain_label_encoder_new(void) { return brain__alloc(sizeof(brain_label_encoder)); }

static void clear(brain_label_encoder *e)
{
    for (int i = 0; i < e->n_classes; i++) free(e->classes[i]);
    free(e->classes);
    e->classes = NULL;
    e->n_classes = 0;
    e->fitted = false;
}

void brain_label_encoder_free(brain_label_encoder *e)
{
    if (!e) return;
    clear(e);
    free(e);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

brain_status brain_label_encoder_fit(brain_label_encoder *e, const char *const *labels, int64_t n)
{
    if (!e || (!labels && n)) return brain__fail(BRAIN_ERR_ARG, "brain_label_encoder_fit: NULL argument");
    if (n < 0) return brain__fail(BRAIN_ERR_ARG, "brain_label_encoder_fit: n is %lld", (long long)n);
    for (int64_t i = 0; i < n; i++)
        if (!labels[i]) return brain__fail(BRAIN_ERR_ARG, "LabelEncoder.fit: labels[%lld] is NULL", (long long)i);
    const char **sorted = brain__alloc_array((size_t)n, sizeof(char *));
    if (!sorted) return BRAIN_ERR_NOMEM;
    if (n) memcpy(sorted, labels, sizeof(char *) * (size_t)n);
    qsort(sorted, (size_t)n, sizeof(char *), cmp_str);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!k || strcmp(sorted[k - 1], sorted[i])) sorted[k++] = sorted[i];
    if (k > INT32_MAX) { free(sorted); return brain__fail(BRAIN_ERR_ARG, "LabelEncoder.fit: too many classes"); }
    char **classes = brain__alloc_array((size_t)k, sizeof(char *));
    if (!classes) { free(sorted); return BRAIN_ERR_NOMEM; }
    for (int64_t i = 0; i < k; i++)
        if (!(classes[i] = brain__strdup(sorted[i]))) {
            for (int64_t j = 0; j < i; j++) free(classes[j]);
            free(classes);
            free(sorted);
            return BRAIN_ERR_NOMEM;
        }
    free(sorted);
    clear(e);
    e->classes = classes;
    e->n_classes = (int)k;
    e->fitted = true;
    return BRAIN_OK;
}

/* index of `label` in the sorted classes, or n_classes when it is not there */
static int find_class(const brain_label_encoder *e, const char *label)
{
    int lo = 0, hi = e->n_classes;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (strcmp(e->classes[mid], label) < 0) lo = mid + 1; else hi = mid;
    }
    return lo < e->n_classes && !strcmp(e->classes[lo], label) ? lo : e->n_classes;
}

brain_status brain_label_encoder_transform(const brain_label_encoder *e, const char *const *labels, int64_t n, float *out)
{
    if (!e || ((!labels || !out) && n)) return brain__fail(BRAIN_ERR_ARG, "brain_label_encoder_transform: NULL argument");
    if (!e->fitted)
        return brain__fail(BRAIN_ERR_STATE, "this LabelEncoder is not fitted yet; call brain_label_encoder_fit first");
    for (int64_t i = 0; i < n; i++) {
        if (!labels[i]) return brain__fail(BRAIN_ERR_ARG, "LabelEncoder.transform: labels[%lld] is NULL", (long long)i);
        if (find_class(e, labels[i]) == e->n_classes)
            return brain__fail(BRAIN_ERR_ARG, "LabelEncoder.transform: labels[%lld] = '%.60s' is a previously unseen label",
                               (long long)i, labels[i]);
    }
    /* all known: now write (out is untouched on failure) */
    for (int64_t i = 0; i < n; i++) out[i] = (float)find_class(e, labels[i]);
    return BRAIN_OK;
}

char **brain__label_encoder_release(brain_label_encoder *e, int *n_classes)
{
    char **classes = e->classes;
    *n_classes = e->n_classes;
    e->classes = NULL;
    e->n_classes = 0;
    e->fitted = false;
    return classes;
}

int brain_label_encoder_num_classes(const brain_label_encoder *e) { return e ? e->n_classes : 0; }

const char *brain_label_encoder_class(const brain_label_encoder *e, int i)
{
    if (!e || i < 0 || i >= e->n_classes) return NULL;
    return e->classes[i];
}
