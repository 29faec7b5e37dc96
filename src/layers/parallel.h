/* parallel.h — splitting a layer's loop over threads without touching OpenMP when it would not pay.
 *
 * BRAIN_PARALLEL_RANGES(n, big, BODY) runs BODY with int64_t r0, r1 in scope: over [0, n) split
 * into one contiguous range per thread when `big` holds and brain__num_threads() > 1, else once
 * over [0, n) on the calling thread without entering an OpenMP region — libgomp allocates a team
 * for every region it enters, even a one-thread one, and a training step must not allocate. */
#ifndef BRAIN_LAYERS_PARALLEL_H
#define BRAIN_LAYERS_PARALLEL_H
#include "internal.h"
#ifdef _OPENMP
#include <omp.h>
#define BRAIN_PARALLEL_RANGES(n, big, BODY)                                                        \
    do {                                                                                           \
        const int64_t n_ = (n);                                                                    \
        const int nt_ = brain__num_threads();                                                      \
        if ((big) && nt_ > 1 && n_ > 1) {                                                          \
            _Pragma("omp parallel num_threads(nt_)")                                               \
            {                                                                                      \
                const int64_t t_ = omp_get_thread_num(), k_ = omp_get_num_threads();               \
                const int64_t r0 = n_ * t_ / k_, r1 = n_ * (t_ + 1) / k_;                          \
                BODY;                                                                              \
            }                                                                                      \
        } else {                                                                                   \
            const int64_t r0 = 0, r1 = n_;                                                         \
            BODY;                                                                                  \
        }                                                                                          \
    } while (0)
#else
#define BRAIN_PARALLEL_RANGES(n, big, BODY) do { const int64_t r0 = 0, r1 = (n); (void)(big); BODY; } while (0)
#endif
#endif
