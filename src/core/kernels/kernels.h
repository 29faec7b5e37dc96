/* kernels.h — the hot loops compiled once per instruction set, and the table that picks them.
 *
 * The rest of the library is compiled for the architecture's baseline (x86-64: SSE2), so one
 * build runs on every CPU of the architecture.  The loops where wider vectors and FMA pay are
 * compiled again per instruction set, each file with its own flags (CMakeLists.txt):
 *   sgemm_generic.c   the baseline (and the only one off x86-64)
 *   sgemm_avx2.c      -mavx2 -mfma       6×16 tile: 12 accumulators of 16 ymm registers
 *   sgemm_avx512.c    -mavx512f ... -mfma  8×32 tile: 16 of 32 zmm registers
 * from one source, sgemm_tile.h.  dispatch.c fills the table once, from the CPU's features (and
 * BRAIN_ISA, which may ask for a lower set), at the first call.
 *
 * Results: each C entry is the same sum in the same order whatever the tile and the thread
 * split, so a given instruction set gives bitwise the same results; sets differ only where FMA
 * (one rounding) replaces a multiply and an add (two), within the tests' tolerances.
 */
#ifndef BRAIN_KERNELS_H
#define BRAIN_KERNELS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum brain__isa_level { BRAIN__ISA_GENERIC, BRAIN__ISA_AVX2, BRAIN__ISA_AVX512 } brain__isa_level;

typedef struct brain__kernel_table {
    const char *isa; /* "generic", "avx2", "avx512" */
    brain__isa_level level;
    int mr, nr;      /* the sgemm register tile: rows of C × columns of C */
    /* C = alpha·op(A)·op(B) + beta·C on the calling thread; matrices by (row, column) strides:
     * op(A)(i, p) = A[i·ars + p·acs], op(B)(p, j) = B[p·brs + j·bcs], C(i, j) = C[i·crs + j·ccs].
     * M, N, K > 0. */
    void (*gemm)(int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t ars, int64_t acs,
                 const float *B, int64_t brs, int64_t bcs, float beta, float *C, int64_t crs, int64_t ccs);
    /* y[o·ys] = alpha · Σ_p W[o·wo + p·wk] · x[p·xs] + beta · y[o·ys], o < n (beta 0 overwrites). */
    void (*gemv)(int64_t n, int64_t K, float alpha, const float *W, int64_t wo, int64_t wk, const float *x,
                 int64_t xs, float beta, float *y, int64_t ys);
} brain__kernel_table;

/* The table chosen for this CPU (filled at the first call; thread-safe). */
const brain__kernel_table *brain__kernels(void);

/* Each instruction set's table; NULL where the file was not compiled for its set (another
 * architecture, or a build without the per-file flags). */
extern const brain__kernel_table *const brain__kernels_generic; /* never NULL */
extern const brain__kernel_table *const brain__kernels_avx2;
extern const brain__kernel_table *const brain__kernels_avx512;

/* The table of the named set when this build has it and this CPU runs it, else NULL. */
const brain__kernel_table *brain__kernels_for(const char *isa);

/* Hot loops elsewhere whose results depend on the instruction set (FMA contraction, as where a
 * loop must match the matrix kernel's sums bit for bit) follow the same choice as the table:
 *     BRAIN_ISA_BODY void f_body(params) { ... }
 *     BRAIN_ISA_VARIANTS(static, f, (params), (args))
 * compiles f_body three times (x86-64 baseline, AVX2+FMA, AVX-512: the flags of the sgemm files
 * as function attributes) and defines f, which calls the one brain__kernels() chose.  Loops
 * whose results do not depend on it use BRAIN_VECTOR_LOOP (internal.h) instead. */
#define BRAIN_ISA_BODY static inline __attribute__((always_inline))
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__AVX512F__)
#define BRAIN_ISA_VARIANTS(linkage, name, params, args)                                              \
    static void name##_generic params { name##_body args; }                                          \
    __attribute__((target("avx2,fma"))) static void name##_avx2 params { name##_body args; }         \
    __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma"))) static void name##_avx512 \
        params { name##_body args; }                                                                 \
    linkage void name params                                                                         \
    {                                                                                                \
        brain__isa_level lv_ = brain__kernels()->level;                                              \
        if (lv_ == BRAIN__ISA_AVX512) name##_avx512 args;                                            \
        else if (lv_ == BRAIN__ISA_AVX2) name##_avx2 args;                                           \
        else name##_generic args;                                                                    \
    }
#else
#define BRAIN_ISA_VARIANTS(linkage, name, params, args) linkage void name params { name##_body args; }
#endif

#endif
