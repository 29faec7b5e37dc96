/* sgemm_avx2.c — the matrix-multiply kernel for AVX2 + FMA, compiled with -mavx2 -mfma
 * (CMakeLists.txt; kernels.h, sgemm_tile.h).  Used only on CPUs that have both (dispatch.c). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3", "fp-contract=fast")
#endif
#include "kernels.h"
#include <stddef.h>

#if defined(__AVX2__) && defined(__FMA__)
#define MR 6
#define VW 8
#define TW 4 /* Bᵀ packed through 4 × 4 transposes: 77 → 81 % of peak on 32×128×64 NT against 8 × 8 */
#define NR 16 /* 6 × 2 ymm accumulators + 2 for a row of B + 1 broadcast: 15 of 16 registers */
#define BRAIN_ISA_NAME avx2
#define BRAIN_ISA_LEVEL BRAIN__ISA_AVX2
#include "sgemm_tile.h"
const brain__kernel_table *const brain__kernels_avx2 = &table_avx2;
#else
const brain__kernel_table *const brain__kernels_avx2 = NULL; /* not compiled for AVX2 */
#endif
