/* shapes.h — shape helpers shared by losses.c and metrics.c (private to src/losses). */
#ifndef BRAIN_LOSSES_SHAPES_H
#define BRAIN_LOSSES_SHAPES_H
#include "internal.h"
#include <stdio.h>

/* "(32, 10)", "(32,)" */
static inline void brain__loss_shape_text(int ndim, const int64_t *shape, char *buf, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n, "(");
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, ndim == 1 ? ",)" : ")");
}

/* Keras's squeeze_or_expand_to_same_rank(a, b) on shapes (expand_rank_1=True): when the ranks
 * differ by one and the longer ends in 1, squeeze it, or expand the shorter when it has rank 1.
 * Row-major data is unchanged either way.  The arrays need room for one more dimension. */
static inline void brain__loss_same_rank(int *an, int64_t *as, int *bn, int64_t *bs)
{
    if (*an == *bn + 1 && as[*an - 1] == 1) {
        if (*bn == 1) bs[(*bn)++] = 1;
        else (*an)--;
    }
    if (*bn == *an + 1 && bs[*bn - 1] == 1) {
        if (*an == 1) as[(*an)++] = 1;
        else (*bn)--;
    }
}

static inline bool brain__loss_same_shape(int an, const int64_t *as, int bn, const int64_t *bs)
{
    if (an != bn) return false;
    for (int i = 0; i < an; i++)
        if (as[i] != bs[i]) return false;
    return true;
}
#endif
