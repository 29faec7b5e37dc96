/* fuzz_array.h — what the array-file fuzz targets (fuzz_idx.c, fuzz_npy.c, fuzz_npz.c) check
 * after each call, besides the sanitizers: a failure leaves *out NULL and an error message; a
 * success gives a tensor whose shape, size and element count agree, no larger than the input can
 * hold (max_elems), with every element readable. */
#ifndef BRAIN_FUZZ_ARRAY_H
#define BRAIN_FUZZ_ARRAY_H
#include "brain.h"
#include <string.h>

static void fuzz_check_array(brain_status s, brain_tensor *t, double max_elems)
{
    if (s != BRAIN_OK) {
        if (t != NULL) __builtin_trap();
        const char *msg = brain_last_error();
        if (!msg[0] || strlen(msg) >= 1024) __builtin_trap();
        return;
    }
    if (!t || t->ndim < 1 || t->ndim > BRAIN_MAX_DIMS || !t->data) __builtin_trap();
    int64_t n = 1;
    for (int i = 0; i < t->ndim; i++) {
        if (t->shape[i] < 0) __builtin_trap();
        n *= t->shape[i];
    }
    if (n != t->size || (double)n > max_elems) __builtin_trap();
    volatile float sink = 0;
    for (int64_t i = 0; i < n; i++) sink += t->data[i];      /* every element is there */
    (void)sink;
    brain_tensor_free(t);
}
#endif
