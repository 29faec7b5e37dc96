/* bench_sgemm.c — GFLOP/s of the library's brain_sgemm on the lecture's layer shapes
 * (bench/sgemm_shapes.h); bench/raw_sgemm.c times oneDNN / OpenBLAS called directly.
 *
 * Usage: bench_sgemm [what] [threads] [seconds_per_shape] [shape_substring]
 *   what: brain    brain_sgemm, the entry point (small-size dispatch + backend)   (default)
 *         portable the plain-C kernel alone
 *         backend  the build's backend library alone (no small-size dispatch)
 *   threads: passed to brain_set_num_threads (0 = all cores; default 1); at one thread the
 *            timings are of the thread's CPU time (unless BRAIN_BENCH_WALL is set), so that a
 *            loaded machine's other processes do not count, at more the wall clock
 *   what: peak     only the one-core FMA peak of each instruction set this CPU has
 * Output: first the measured one-core FMA peak of the kernels' instruction set (BRAIN_ISA picks
 * it, brain_kernel_isa() says which); then per shape: label M N K tA tB us/call GFLOP/s (median
 * of 7 timed batches) best (the fastest batch), both as % of that peak, allocs/call (allocations
 * made by one more call after the timed ones).
 *
 * The peak: a loop of independent register-only FMAs, enough chains to cover the FMA latency on
 * every pipe (16 zmm on AVX-512, 12 ymm on AVX2: latency 4–5 cycles × 2 FMA pipes), timed 15
 * times for ~20 ms, the fastest kept (other processes only ever slow a run down).  Measured here,
 * not taken from a data sheet: Zen 4 splits a zmm FMA in two (zmm peak = ymm peak), Zen 5 and
 * recent Xeons do not (zmm peak = 2 × ymm peak). */
#include "internal.h"
#include "core/sgemm_portable.h"
#include "sgemm_shapes.h"
#include <stdint.h>

/* Every allocation in the process (the library's, oneDNN's, libgomp's) is counted, to show which
 * products allocate per call (the allocs/call column). */
#include "../tests/alloc_count.h"
static unsigned long long alloc_count(void) { return g_allocs; }

typedef void (*gemm_fn)(bool, bool, int64_t, int64_t, int64_t, float, const float *, int64_t,
                        const float *, int64_t, float, float *, int64_t);
static gemm_fn fn = brain_sgemm;

/* ---- one-core FMA peak (GFLOP/s); 0 where not measured (not x86-64 GCC, or the CPU lacks it) */
#if defined(__x86_64__) && defined(__GNUC__)
#define FMA4(r, a, b, c, d)                                                                          \
    "vfmadd231ps %%" r "14, %%" r "15, %%" r #a "\n\tvfmadd231ps %%" r "14, %%" r "15, %%" r #b       \
    "\n\tvfmadd231ps %%" r "14, %%" r "15, %%" r #c "\n\tvfmadd231ps %%" r "14, %%" r "15, %%" r #d "\n\t"
/* 16 independent zmm chains: 512 flops per iteration */
__attribute__((noinline, target("avx512f,fma"))) static void fma_loop_zmm(long n)
{
    __asm__ volatile("vxorps %%xmm14, %%xmm14, %%xmm14\n\tvxorps %%xmm15, %%xmm15, %%xmm15\n\t"
                     "vxorps %%xmm16, %%xmm16, %%xmm16\n\t"
                     "1:\n\t" FMA4("zmm", 0, 1, 2, 3) FMA4("zmm", 4, 5, 6, 7) FMA4("zmm", 8, 9, 10, 11)
                     "vfmadd231ps %%zmm14, %%zmm15, %%zmm12\n\tvfmadd231ps %%zmm14, %%zmm15, %%zmm13\n\t"
                     "vfmadd231ps %%zmm14, %%zmm15, %%zmm16\n\tvfmadd231ps %%zmm14, %%zmm15, %%zmm17\n\t"
                     "dec %0\n\tjnz 1b\n\tvzeroupper"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "cc");
}
/* 12 independent ymm chains: 192 flops per iteration */
__attribute__((noinline, target("avx2,fma"))) static void fma_loop_ymm(long n)
{
    __asm__ volatile("vxorps %%xmm14, %%xmm14, %%xmm14\n\tvxorps %%xmm15, %%xmm15, %%xmm15\n\t"
                     "1:\n\t" FMA4("ymm", 0, 1, 2, 3) FMA4("ymm", 4, 5, 6, 7) FMA4("ymm", 8, 9, 10, 11)
                     "dec %0\n\tjnz 1b\n\tvzeroupper"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
                       "xmm10", "xmm11", "xmm14", "xmm15", "cc");
}
#endif

static double fma_peak(const char *isa)
{
#if defined(__x86_64__) && defined(__GNUC__)
    void (*loop)(long);
    double flops_per_iter;
    __builtin_cpu_init();
    if (!strcmp(isa, "avx512") && __builtin_cpu_supports("avx512f")) loop = fma_loop_zmm, flops_per_iter = 512;
    else if (!strcmp(isa, "avx2") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        loop = fma_loop_ymm, flops_per_iter = 192;
    else return 0;
    long n = 1 << 20;
    loop(n);
    double best = 0;
    for (int r = 0; r < 15; r++) {
        double t = sgemm_now();
        loop(n);
        double g = n * flops_per_iter / (sgemm_now() - t) * 1e-9;
        if (g > best) best = g;
    }
    return best;
#else
    (void)isa;
    return 0;
#endif
}

static void gemm(const struct sgemm_shape *sh, const float *A, const float *B, float *C)
{
    fn(sh->ta, sh->tb, sh->M, sh->N, sh->K, 1.0f, A, sh->ta ? sh->M : sh->K, B, sh->tb ? sh->K : sh->N, 0.0f, C, sh->N);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "brain";
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    double min_s = argc > 3 ? atof(argv[3]) : 0.5;
    const char *only = argc > 4 ? argv[4] : NULL;
    if (!strcmp(what, "peak")) {
        static const char *const isas[] = {"avx512", "avx2"};
        for (int i = 0; i < 2; i++) {
            double g = fma_peak(isas[i]);
            if (g > 0) printf("%s one-core FMA peak: %.1f GFLOP/s\n", isas[i], g);
            else printf("%s: not measured (CPU lacks it)\n", isas[i]);
        }
        return 0;
    }
    if (!strcmp(what, "portable")) fn = brain__sgemm_portable;
    else if (!strcmp(what, "backend")) fn = brain__sgemm_backend_only;
    else if (strcmp(what, "brain")) {
        fprintf(stderr, "usage: bench_sgemm [brain|portable|backend|peak] [threads] [seconds] [shape]\n");
        return 2;
    }
    brain_set_num_threads(threads);
    sgemm_alloc_count = alloc_count;
    /* one thread: time its CPU time, so that other processes' time slices do not count (with
     * more threads the wall clock, which counts them) */
    if (brain__num_threads() == 1 && !getenv("BRAIN_BENCH_WALL")) sgemm_clock = CLOCK_THREAD_CPUTIME_ID;
    printf("# clock: %s\n", sgemm_clock == CLOCK_MONOTONIC ? "wall" : "thread CPU time (BRAIN_BENCH_WALL=1: wall)");
    sgemm_peak_gflops = fma_peak(brain_kernel_isa());
    if (sgemm_peak_gflops > 0)
        printf("# kernels %s, one-core FMA peak %.1f GFLOP/s (%% of it per shape, 1 thread)\n", brain_kernel_isa(),
               sgemm_peak_gflops);
    printf("# %s (backend %s, small-size threshold M*N*K <= %lld), threads %d\n", what,
           brain_sgemm_backend(), (long long)brain__sgemm_small_threshold(), brain__num_threads());
    return sgemm_time_shapes(gemm, min_s, only);
}
