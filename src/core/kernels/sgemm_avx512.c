/* sgemm_avx512.c — the matrix-multiply kernel for AVX-512 (F, VL, DQ, BW) + FMA, compiled with
 * those flags and 512-bit vectors (CMakeLists.txt; kernels.h, sgemm_tile.h).  Used only on CPUs
 * (and kernels) that have them (dispatch.c). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=fast")
#endif
#include "kernels.h"
#include <stddef.h>

#if defined(__AVX512F__) && defined(__FMA__)
#define MR 8
#define VW 16
#define NR 32 /* 8 × 2 zmm accumulators + 2 for a row of B + 1 broadcast, of 32 registers */
#define TW 4 /* Bᵀ packed through 4 × 4 transposes (in-lane shuffles): 16 × 16 measured 60 % of peak on 32×128×64 NT, 4 × 4 and 8 × 8 69 % */
#define BRAIN_ISA_NAME avx512
#define BRAIN_ISA_LEVEL BRAIN__ISA_AVX512
#include "sgemm_tile.h"
const brain__kernel_table *const brain__kernels_avx512 = &table_avx512;
#else
const brain__kernel_table *const brain__kernels_avx512 = NULL; /* not compiled for AVX-512 */
#endif
