/* parallel.h — splitting a layer's loop over threads without touching OpenMP when it would not pay.
 *
 * BRAIN_PARALLEL_SPLIT(nt, n, BODY) runs BODY with `int tid` and `int64_t r0, r1` in scope: over
 * [0, n) split into one contiguous range per thread (tid = 0 .. nt−1) when nt > 1, else once over
 * [0, n) with tid 0 on the calling thread, without entering an OpenMP region — libgomp allocates a
 * team for every region it enters, even a one-thread one, and a training step must not allocate.
 * BRAIN_PARALLEL_RANGES(n, big, BODY): the same with brain__num_threads() threads when `big`. */
#ifndef BRAIN_LAYERS_PARALLEL_H
#define BRAIN_LAYERS_PARALLEL_H
#include "internal.h"
#ifdef _OPENMP
#include <omp.h>
#define BRAIN_PARALLEL_SPLIT(nt, n, BODY)                                                          \
    do {                                                                                           \
        const int64_t n_ = (n);                                                                    \
        const int nt_ = (nt);                                                                      \
        if (nt_ > 1 && n_ > 1) {                                                                   \
            _Pragma("omp parallel num_threads(nt_)")                                               \
            {                                                                                      \
                const int tid = omp_get_thread_num();                                              \
                const int64_t k_ = omp_get_num_threads();                                          \
                const int64_t r0 = n_ * tid / k_, r1 = n_ * (tid + 1) / k_;                        \
                BODY;                                                                              \
            }                                                                                      \
        } else {                                                                                   \
            const int tid = 0;                                                                     \
            const int64_t r0 = 0, r1 = n_;                                                         \
            BODY;                                                                                  \
        }                                                                                          \
    } while (0)
#else
#define BRAIN_PARALLEL_SPLIT(nt, n, BODY) do { const int tid = 0; const int64_t r0 = 0, r1 = (n); (void)(nt); BODY; } while (0)
#endif
#define BRAIN_PARALLEL_RANGES(n, big, BODY) BRAIN_PARALLEL_SPLIT((big) ? brain__num_threads() : 1, n, (void)tid; BODY)
#endif
