/* sgemm.c — the library's one matrix-multiply entry point, brain_sgemm, and thread control.
 *
 * Row-major C[M×N] = alpha · op(A)[M×K] · op(B)[K×N] + beta · C  (internal.h).
 * Backend by compile definition (CMakeLists.txt):
 *   BRAIN_SGEMM_DNNL      oneDNN dnnl_sgemm (row-major; OpenMP threads)
 *   BRAIN_SGEMM_OPENBLAS  OpenBLAS cblas_sgemm (CblasRowMajor; its own pthreads)
 *   BRAIN_SGEMM_PORTABLE  the plain-C kernel (src/core/kernels/, per instruction set; OpenMP
 *                         over rows of C, or column panels, when available)
 * Whatever the backend, products with M·N·K <= BRAIN_SGEMM_SMALL go to the plain-C kernel,
 * single-threaded: measured faster there (see the numbers by BRAIN_SGEMM_SMALL and docs/sgemm.md).
 * In dnnl builds every product below BRAIN_SGEMM_DNNL_MIN (2^27) goes to the plain-C kernel too,
 * because dnnl_sgemm allocates on each call (see there).
 */

#include "internal.h"
#include "sgemm_portable.h"
#include "kernels/kernels.h"
#include <stdlib.h>
#include <string.h>

#if defined(BRAIN_SGEMM_DNNL)
#include <dnnl.h>
#elif defined(BRAIN_SGEMM_OPENBLAS)
#include <cblas.h>
void openblas_set_num_threads(int num_threads);
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

/* ------------------------------------------------------------------ threads */
static _Atomic int g_threads; /* 0: all cores; atomic: read by every thread that computes */

void brain_set_num_threads(int n)
{
    if (n < 0) n = 0;
    g_threads = n;
#ifdef _OPENMP
    omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
#endif
#ifdef BRAIN_SGEMM_OPENBLAS
    openblas_set_num_threads(n); /* OpenBLAS reads n < 1 as "all cores" */
#endif
}

int brain__num_threads(void)
{
#ifdef _OPENMP
    const int n = g_threads;
    return n > 0 ? n : omp_get_max_threads();
#else
    return 1;
#endif
}

const char *brain_sgemm_backend(void)
{
#if defined(BRAIN_SGEMM_DNNL)
    return "oneDNN dnnl_sgemm";
#elif defined(BRAIN_SGEMM_OPENBLAS)
    return "OpenBLAS";
#else
    return "portable";
#endif
}

/* ------------------------------------------------------------------ the plain-C kernel
 * The blocked kernel itself (packing, the MR×NR register tile, gemv) lives in
 * src/core/kernels/, compiled once per instruction set; brain__kernels() is the one chosen for
 * this CPU.  Here: the split over threads and the choice of layout, the same for every set. */

/* C = beta·C over M×N (strided), beta 0 writing zeros. */
static void scale_c(int64_t M, int64_t N, float beta, float *C, int64_t crs, int64_t ccs)
{
    if (beta == 1.0f) return;
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            float *cp = C + i * crs + j * ccs;
            *cp = beta == 0.0f ? 0.0f : beta * *cp;
        }
}

/* Products at least this big (M·N·K) split their rows over threads in the portable kernel. */
#define BRAIN_PORTABLE_PAR_MIN (1 << 20)

static void gemm_strided(int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t ars,
                         int64_t acs, const float *B, int64_t brs, int64_t bcs, float beta, float *C,
                         int64_t crs, int64_t ccs, int threads)
{
    const brain__kernel_table *kt = brain__kernels();
#ifdef _OPENMP
    const int64_t MR = kt->mr, NR = kt->nr;
    if (threads > 1 && M >= 2 * MR * 4 && (double)M * N * K >= BRAIN_PORTABLE_PAR_MIN) {
        int64_t blocks = (M + MR - 1) / MR;
        if (threads > blocks) threads = (int)blocks;
#pragma omp parallel num_threads(threads)
        {
            int t = omp_get_thread_num(), nt = omp_get_num_threads();
            int64_t b0 = blocks * t / nt, b1 = blocks * (t + 1) / nt;
            int64_t r0 = b0 * MR, r1 = b1 * MR < M ? b1 * MR : M;
            if (r1 > r0)
                kt->gemm(r1 - r0, N, K, alpha, A + r0 * ars, ars, acs, B, brs, bcs, beta, C + r0 * crs,
                         crs, ccs);
        }
        return;
    }
    if (threads > 1 && N >= 2 * NR && (double)M * N * K >= BRAIN_PORTABLE_PAR_MIN) {
        /* few rows (a Dense layer's batch of 32), many columns: the threads split whole NR-wide
         * panels of columns instead; every C entry is the same sum in the same order either way */
        int64_t panels = (N + NR - 1) / NR;
        if (threads > panels) threads = (int)panels;
#pragma omp parallel num_threads(threads)
        {
            int t = omp_get_thread_num(), nt = omp_get_num_threads();
            int64_t p0 = panels * t / nt, p1 = panels * (t + 1) / nt;
            int64_t c0 = p0 * NR, c1 = p1 * NR < N ? p1 * NR : N;
            if (c1 > c0)
                kt->gemm(M, c1 - c0, K, alpha, A, ars, acs, B + c0 * bcs, brs, bcs, beta, C + c0 * ccs,
                         crs, ccs);
        }
        return;
    }
#else
    (void)threads;
#endif
    kt->gemm(M, N, K, alpha, A, ars, acs, B, brs, bcs, beta, C, crs, ccs);
}

static void portable(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                     int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc,
                     int threads)
{
    if (M <= 0 || N <= 0) return;
    if (K <= 0 || alpha == 0.0f) {
        scale_c(M, N, beta, C, ldc, 1);
        return;
    }
    /* op(A)(i, p) = A[i·ars + p·acs];  op(B)(p, j) = B[p·brs + j·bcs] */
    int64_t ars = ta ? 1 : lda, acs = ta ? lda : 1;
    int64_t brs = tb ? 1 : ldb, bcs = tb ? ldb : 1;
    const brain__kernel_table *kt = brain__kernels();
    const int64_t NR = kt->nr;
    if (N == 1) { /* C[:, 0] = op(A) · op(B)[:, 0] */
        kt->gemv(M, K, alpha, A, ars, acs, B, brs, beta, C, ldc);
        return;
    }
    if (M == 1) { /* C[0, :] = op(B)ᵀ · op(A)[0, :] */
        kt->gemv(N, K, alpha, B, bcs, brs, A, acs, beta, C, 1);
        return;
    }
    /* Columns padded to NR cost M·roundup(N, NR); computed transposed, N·roundup(M, NR). */
    double straight = (double)M * (double)((N + NR - 1) / NR * NR);
    double turned = (double)N * (double)((M + NR - 1) / NR * NR);
    /* With op(B) = Bᵀ and few rows, packing Bᵀ (N·K floats through transposes) costs as much
     * as the product itself on a 32-row batch (a Dense layer's dX = dY·Wᵀ); computed transposed,
     * B's rows are read in place and only op(A) (M·K floats) is packed.  Each C entry is the
     * same sum in the same order either way.  Below K = 64 the transposed stores to C cost
     * more than the packing saves (32×64×32 NT: 70 → 64 % of the AVX-512 peak). */
    bool few_rows_bt = tb && M <= 64 && N >= 2 * M && K >= 64;
    if (turned < 0.75 * straight || few_rows_bt)
        /* Cᵀ[N×M] = op(B)ᵀ · op(A)ᵀ: Cᵀ(j, i) = C[i·ldc + j] */
        gemm_strided(N, M, K, alpha, B, bcs, brs, A, acs, ars, beta, C, 1, ldc, threads);
    else
        gemm_strided(M, N, K, alpha, A, ars, acs, B, brs, bcs, beta, C, ldc, 1, threads);
}

void brain__sgemm_portable(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                           const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                           float *C, int64_t ldc)
{
    portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, brain__num_threads());
}

void brain__sgemm_portable_serial(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                                  const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                                  float *C, int64_t ldc)
{
    portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 1);
}

/* ------------------------------------------------------------------ backends */
/* Below this M·N·K (≈ 4 MFLOP, some 40 µs on one core) dnnl_sgemm runs single-threaded. */
#ifndef BRAIN_SGEMM_PAR_MIN
#define BRAIN_SGEMM_PAR_MIN (1 << 21)
#endif
void brain__sgemm_backend_only(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha,
                               const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                               float *C, int64_t ldc)
{
    if (M <= 0 || N <= 0) return;
    if (K <= 0) { /* BLAS libraries treat K = 0 alike, but not every version checks lda then */
        scale_c(M, N, beta, C, ldc, 1);
        return;
    }
#if defined(BRAIN_SGEMM_DNNL)
#ifdef _OPENMP
    /* Mid-sized products run on one thread: a second thread gains little there, and when the
     * other core is busy (another process) OpenMP's fork/join waits for it a whole time slice —
     * measured: batch-256 inference of the lecture's MLP fell from ~20M to ~32k samples/s.
     * omp_set_num_threads changes only this thread's setting, which dnnl_sgemm reads per call. */
    int prev_threads = 0;
    if ((double)M * (double)N * (double)K < (double)BRAIN_SGEMM_PAR_MIN) {
        prev_threads = omp_get_max_threads();
        if (prev_threads > 1) omp_set_num_threads(1); else prev_threads = 0;
    }
#endif
    dnnl_status_t st = dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta,
                                  C, ldc);
#ifdef _OPENMP
    if (prev_threads) omp_set_num_threads(prev_threads);
#endif
    if (st != dnnl_success) /* never seen; the product is still owed, so compute it here */
        portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 1);
#elif defined(BRAIN_SGEMM_OPENBLAS)
    if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX || lda > INT32_MAX || ldb > INT32_MAX ||
        ldc > INT32_MAX) {
        portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, brain__num_threads());
        return;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)M,
                (int)N, (int)K, alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
#else
    portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, brain__num_threads());
#endif
}

/* ------------------------------------------------------------------ the entry point
 * BRAIN_SGEMM_SMALL: products with M·N·K at or below it run on the plain-C kernel, one thread,
 * in dnnl and OpenBLAS builds.  Measured (bench/raw_sgemm.c, bench/bench_sgemm.c, 1 thread,
 * µs per call, median of 7; docs/sgemm.md has the full tables):
 *                         M·N·K   dnnl_sgemm  OpenBLAS  portable
 *   2×2×2                     8      0.26       0.02      0.05   (dnnl's fixed cost ≈ 0.25 µs)
 *   32×64×30 (MLP fwd)    61440      1.54       1.12      1.36
 *   30×64×32 ᵀ (MLP dW)   61440      1.51       1.13      1.30
 *   32×30×64 ᵀ (MLP dX)   61440      2.18       1.55      2.06
 *   32×64×32 NT           65536      2.37       1.87      1.86
 *   32×64×1 NT (dX)        2048      0.40       0.29      0.30
 *   32×128×64 NT         262144      2.8 (93 GF/s)  —     3.5 (75 GF/s)   <- dnnl ahead from here
 * So against dnnl the plain-C kernel wins every measured product up to 2^16 and loses some above
 * (NT shapes with N ≥ 128); OpenBLAS (AVX-512 core) is faster than both on the tiny ones, so an
 * OpenBLAS build gains nothing from the small path, but is not slowed by much either (≤ 0.25 µs);
 * the same threshold keeps tiny products off its threads. */
#ifndef BRAIN_SGEMM_SMALL
#if defined(BRAIN_SGEMM_DNNL)
#define BRAIN_SGEMM_SMALL 65536
#else
#define BRAIN_SGEMM_SMALL 0
#endif
#endif

int64_t brain__sgemm_small_threshold(void) { return BRAIN_SGEMM_SMALL; }

/* BRAIN_SGEMM_DNNL_MIN: in dnnl builds, products below it (M·N·K) also run on the plain-C kernel,
 * with the library's threads (rows, or column panels for fewer than 48 rows, split over them from 2^20).  dnnl_sgemm allocates on every call
 * (one allocation per call measured on every shape of bench/sgemm_shapes.h but the one-column
 * gemv ones; three at 2 threads), and the project's rule is that a training step allocates nothing
 * after the first batch.  Every product of the lecture's models in training is below 2^27 (the
 * largest: the text LSTM's input product over 200 steps, 6400×256×64 ≈ 2^26.6); measured at one
 * thread (GFLOP/s, dnnl / plain C; docs/sgemm.md has the table): CNN Dense 1600→64 forward
 * 105 / 110, dW 100 / 96, dX 66 / 72; LSTM recurrent step 106 / 103, its backward 103 / 110; MLP
 * products 56–82 / 58–94; behind: NT products with N ≥ 128 (32×128×64: 96 / 76; the first layer's
 * 32×784×128 dX, which training never computes: 101 / 73) and 6400×256×64 (97 / 75).  From 2^27
 * (square 1024: 110 / 89) dnnl is kept. */
#ifndef BRAIN_SGEMM_DNNL_MIN
#define BRAIN_SGEMM_DNNL_MIN (1 << 27)
#endif

void brain_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                 int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    if (M <= 0 || N <= 0) return;
#if !defined(BRAIN_SGEMM_PORTABLE) || BRAIN_SGEMM_SMALL > 0
    if ((double)M * (double)N * (double)(K > 0 ? K : 0) <= (double)BRAIN_SGEMM_SMALL) {
        portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, 1);
        return;
    }
#endif
#if defined(BRAIN_SGEMM_DNNL)
    if ((double)M * (double)N * (double)(K > 0 ? K : 0) < (double)BRAIN_SGEMM_DNNL_MIN) {
        portable(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, brain__num_threads());
        return;
    }
#endif
    brain__sgemm_backend_only(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
