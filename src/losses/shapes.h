/* shapes.h — helpers shared by losses.c and metrics.c (private to src/losses). */
#ifndef BRAIN_LOSSES_SHAPES_H
#define BRAIN_LOSSES_SHAPES_H
#include "internal.h"
#include <math.h>
#include <stdio.h>

/* the logistic function, without overflow for large |x| */
static inline double sigmoid(double x)
{
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
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
