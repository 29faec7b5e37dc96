/* bench_peak.c — the machine's measured single-precision FMA peak on one core, per instruction set
 * (issue 13: the yardstick for sgemm's "≥ 85 % of peak").
 *
 * Each ISA runs CHAINS independent accumulator chains acc_i = fma(acc_i, a, b): with an FMA latency
 * of 4–5 cycles and 2 FMA pipes, ≥ 10 chains keep both pipes busy, 12 leaves headroom and still
 * fits the 16 ymm registers (AVX2) — the register tile sgemm has to match.  AVX-512 runs the same
 * 12 chains on zmm (on CPUs that split zmm into two 256-bit halves the figure equals AVX2's).
 * FLOPs = 2 · lanes · CHAINS per iteration; the best of 30 timed runs of ~10 ms each (short runs
 * fit in one time slice, so the best of them is the core's rate even on a machine with other work).
 *
 * Usage: bench_peak [seconds per run, default 0.01]
 * Prints one line per ISA the CPU has and `RESULT {json}`. */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { CHAINS = 12 };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* one run of n iterations; returns a sum of the accumulators so that nothing is optimised away */
__attribute__((target("avx2,fma"), noinline)) static float run_avx2(long n)
{
    __m256 acc[CHAINS];
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_set1_ps((float)i);
    for (long k = 0; k < n; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
    }
    __m256 s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm256_add_ps(s, acc[i]);
    float out[8];
    _mm256_storeu_ps(out, s);
    return out[0] + out[7];
}

__attribute__((target("avx512f"), noinline)) static float run_avx512(long n)
{
    __m512 acc[CHAINS];
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
    for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_set1_ps((float)i);
    for (long k = 0; k < n; k++) {
#pragma GCC unroll 12
        for (int i = 0; i < CHAINS; i++) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
    }
    __m512 s = acc[0];
    for (int i = 1; i < CHAINS; i++) s = _mm512_add_ps(s, acc[i]);
    return _mm512_reduce_add_ps(s);
}

static double measure(float (*run)(long), int lanes, double seconds, float *sink)
{
    long n = 1000;
    double t;
    for (;;) { /* size a run to about `seconds` */
        t = now();
        *sink += run(n);
        t = now() - t;
        if (t > seconds / 4) break;
        n *= 4;
    }
    n = (long)((double)n * seconds / t) + 1;
    double best = 0;
    for (int r = 0; r < 30; r++) {
        t = now();
        *sink += run(n);
        t = now() - t;
        double gf = 2.0 * lanes * CHAINS * (double)n / t * 1e-9;
        if (gf > best) best = gf;
    }
    return best;
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 0.01;
    if (!(seconds > 0)) seconds = 0.01;
    float sink = 0;
    double avx2 = 0, avx512 = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        avx2 = measure(run_avx2, 8, seconds, &sink);
        printf("AVX2+FMA, 12 ymm chains: %.1f GFLOP/s (1 core)\n", avx2);
    }
    if (__builtin_cpu_supports("avx512f")) {
        avx512 = measure(run_avx512, 16, seconds, &sink);
        printf("AVX-512, 12 zmm chains: %.1f GFLOP/s (1 core)\n", avx512);
    }
    printf("RESULT {\"avx2_gflops\": %.1f, \"avx512_gflops\": %.1f, \"chains\": %d, \"sink\": %g}\n", avx2, avx512, CHAINS,
           (double)(sink != sink));
    return 0;
}
