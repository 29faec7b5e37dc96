/* sgemm_generic.c — the matrix-multiply kernel for the architecture's baseline (x86-64: SSE2, no
 * FMA; AArch64: NEON), compiled with the library's flags (kernels.h, sgemm_tile.h). */
#if defined(__GNUC__) && !defined(__clang__)
/* The micro-kernel relies on loop vectorisation and complete unrolling of its fixed-size loops,
 * which GCC's -O2 (the project's Release flags) does only partly; and -std=c11 turns off FMA
 * contraction, which the kernel needs to reach the FMA units where the baseline has them. */
#pragma GCC optimize("O3", "fp-contract=fast")
#endif
#include "kernels.h"

#define MR 6
#define VW 4 /* SSE2, NEON: 128-bit registers */
#if defined(__x86_64__) && !defined(__AVX__)
#define NR 8 /* 16 xmm registers: 12 accumulators, a row of B, a broadcast */
#else
#define NR 16 /* AArch64 (32 NEON registers), or a -march=native build with AVX */
#endif
#define BRAIN_ISA_NAME generic
#define BRAIN_ISA_LEVEL BRAIN__ISA_GENERIC
#include "sgemm_tile.h"

const brain__kernel_table *const brain__kernels_generic = &table_generic;
