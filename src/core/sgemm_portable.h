/* sgemm_portable.h — the plain-C matrix multiply behind brain_sgemm's small-size path and the
 * portable backend, exposed for tests/test_sgemm.c and bench/bench_sgemm.c.
 * Same contract as brain_sgemm (internal.h). */
#ifndef BRAIN_SGEMM_PORTABLE_H
#define BRAIN_SGEMM_PORTABLE_H

#include <stdbool.h>
#include <stdint.h>

/* The plain-C kernel, always compiled in, whatever backend the build uses. */
void brain__sgemm_portable(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                           const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                           float *C, int64_t ldc);
/* The same on the calling thread only (for callers that split their work over threads themselves). */
void brain__sgemm_portable_serial(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                                  const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                                  float *C, int64_t ldc);
/* The backend library's call alone (dnnl_sgemm / cblas_sgemm), or the portable kernel in a
 * portable build: brain_sgemm without its small-size dispatch. */
void brain__sgemm_backend_only(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                               const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                               float *C, int64_t ldc);
/* brain_sgemm sends products with M·N·K <= this to the portable kernel (0: never). */
int64_t brain__sgemm_small_threshold(void);

#endif
