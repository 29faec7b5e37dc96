/* numeric_check.c — no silent NaN (issue 16, docs/reliability.md).
 *
 * brain_fit / brain_evaluate / brain_predict (and their _multi forms) refuse data holding NaN or
 * ±Inf before they run (BRAIN_ERR_NUMERIC naming the tensor, the row and the column), unless the
 * options say check_finite = BRAIN_OFF; brain_fit also checks that every weight is still finite
 * before training and after each epoch, naming the first layer and weight that is not.
 *
 * The scan: a float is not finite exactly when its 8 exponent bits are all ones, so the hot loop
 * ORs (bits & 0x7f800000) == 0x7f800000 over blocks of 4096 values — an integer OR reduction
 * the compiler vectorises (no float compare, no branch) — and only a block that has one is
 * searched again for the first offender and counted.  About 0.1 ns per value here (a pass over
 * the inputs per call, not per epoch; figures in docs/reliability.md). */
#include "internal.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

#define BLOCK 4096

static int block_bad(const float *v, int64_t n)
{
    unsigned bad = 0;
#ifdef _OPENMP
#pragma omp simd reduction(| : bad)
#endif
    for (int64_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, v + i, sizeof u);
        bad |= (u & 0x7f800000u) == 0x7f800000u;
    }
    return (int)bad;
}

/* Index of the first non-finite value of v[0..n) (-1 if none) and, when there is one, how many. */
static int64_t first_nonfinite(const float *v, int64_t n, int64_t *count)
{
    int64_t first = -1;
    *count = 0;
    for (int64_t b0 = 0; b0 < n; b0 += BLOCK) {
        const int64_t len = n - b0 < BLOCK ? n - b0 : BLOCK;
        if (!block_bad(v + b0, len)) continue;
        for (int64_t i = b0; i < b0 + len; i++)
            if (!isfinite(v[i])) {
                if (first < 0) first = i;
                ++*count;
            }
    }
    return first;
}

static const char *kind_of(float x) { return isnan(x) ? "nan" : x > 0 ? "inf" : "-inf"; }

/* "row 12, column 3" for (rows, cols); "row 12, position (3, 4, 0)" for more axes; "row 12" for (rows,). */
static void where_str(const brain_tensor *t, int64_t flat, char *buf, size_t cap)
{
    const int64_t rs = brain_tensor_row_size(t);
    const int64_t row = rs ? flat / rs : flat, in = rs ? flat % rs : 0;
    if (t->ndim <= 1) { snprintf(buf, cap, "row %lld", (long long)row); return; }
    if (t->ndim == 2) { snprintf(buf, cap, "row %lld, column %lld", (long long)row, (long long)in); return; }
    int64_t idx[BRAIN_MAX_DIMS], r = in;
    for (int a = t->ndim - 1; a >= 1; a--) { idx[a] = r % t->shape[a]; r /= t->shape[a]; }
    int len = snprintf(buf, cap, "row %lld, position (", (long long)row);
    for (int a = 1; a < t->ndim && len > 0 && (size_t)len < cap; a++)
        len += snprintf(buf + len, cap - (size_t)len, "%s%lld", a > 1 ? ", " : "", (long long)idx[a]);
    if (len > 0 && (size_t)len < cap) snprintf(buf + len, cap - (size_t)len, ")");
}

brain_status brain__check_finite_tensor(const brain_tensor *t, const char *fn, const char *name)
{
    int64_t count;
    const int64_t i = first_nonfinite(t->data, t->size, &count);
    if (i < 0) return BRAIN_OK;
    char where[160];
    where_str(t, i, where, sizeof where);
    return brain__fail(BRAIN_ERR_NUMERIC,
                       "%s: %s holds %lld non-finite value%s; the first, %s, is at %s (clean the data, or pass "
                       "check_finite = BRAIN_OFF to skip this check)",
                       fn, name, (long long)count, count == 1 ? "" : "s", kind_of(t->data[i]), where);
}

brain_status brain__check_finite_floats(const float *v, int64_t n, const char *fn, const char *name)
{
    int64_t count;
    const int64_t i = v ? first_nonfinite(v, n, &count) : -1;
    if (i < 0) return BRAIN_OK;
    return brain__fail(BRAIN_ERR_NUMERIC,
                       "%s: %s holds %lld non-finite value%s; the first, %s, is at index %lld (pass check_finite = "
                       "BRAIN_OFF to skip this check)",
                       fn, name, (long long)count, count == 1 ? "" : "s", kind_of(v[i]), (long long)i);
}

brain_status brain__check_finite_set(const char *fn, int n_x, const brain_tensor *x, int n_y, const brain_tensor *y,
                                     const char *xname, const char *yname)
{
    char name[64];
    for (int k = 0; k < n_x + n_y; k++) {
        const bool is_x = k < n_x;
        const int j = is_x ? k : k - n_x, n = is_x ? n_x : n_y;
        if (n == 1) snprintf(name, sizeof name, "%s", is_x ? xname : yname);
        else snprintf(name, sizeof name, "%s %d", is_x ? xname : yname, j);
        brain_status s = brain__check_finite_tensor(is_x ? &x[j] : &y[j], fn, name);
        if (s) return s;
    }
    return BRAIN_OK;
}

brain_status brain__check_weights_finite(const brain_model *m, const char *fn, const char *when)
{
    for (int i = 0; i < m->n_weights; i++) {
        const brain_weight *w = m->weights[i];
        if (!w->value) continue;
        int64_t count;
        const int64_t at = first_nonfinite(w->value, w->size, &count);
        if (at < 0) continue;
        char idx[96] = "";
        int len = 0;
        int64_t r = at, pos[BRAIN_MAX_DIMS];
        for (int a = w->ndim - 1; a >= 0; a--) { pos[a] = r % w->shape[a]; r /= w->shape[a]; }
        for (int a = 0; a < w->ndim && len >= 0 && (size_t)len < sizeof idx; a++)
            len += snprintf(idx + len, sizeof idx - (size_t)len, "%s%lld", a ? ", " : "", (long long)pos[a]);
        return brain__fail(BRAIN_ERR_NUMERIC,
                           "%s: the weights became non-finite %s: layer '%s' (%s), weight '%s%s%s' holds %lld "
                           "non-finite value%s, the first %s at (%s) (a learning rate too large, or exploding "
                           "gradients: try a smaller learning rate or clipnorm)",
                           fn, when, w->layer ? w->layer->name : "?", w->layer ? w->layer->vt->class_name : "?",
                           w->path, w->path[0] ? "/" : "", w->name, (long long)count, count == 1 ? "" : "s",
                           kind_of(w->value[at]), idx);
    }
    return BRAIN_OK;
}
