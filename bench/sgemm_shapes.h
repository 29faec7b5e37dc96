/* sgemm_shapes.h — the lecture's layer shapes as row-major GEMMs, shared by bench_sgemm.c
 * (our entry point) and raw_sgemm.c (oneDNN / OpenBLAS called directly).
 * C[M×N] = op(A)[M×K] · op(B)[K×N]; ta/tb as in brain_sgemm. */
#ifndef BRAIN_BENCH_SGEMM_SHAPES_H
#define BRAIN_BENCH_SGEMM_SHAPES_H

struct sgemm_shape { const char *label; int M, N, K, ta, tb; };

static const struct sgemm_shape sgemm_shapes[] = {
    /* breast-cancer MLP, batch 32: Dense(30→64) → Dense(64→1) */
    {"mlp30x64_fwd", 32, 64, 30, 0, 0},
    {"mlp30x64_dW", 30, 64, 32, 1, 0},
    {"mlp30x64_dX", 32, 30, 64, 0, 1},
    {"mlp64x1_fwd", 32, 1, 64, 0, 0},
    {"mlp64x1_dW", 64, 1, 32, 1, 0},
    {"mlp64x1_dX", 32, 64, 1, 0, 1},
    /* Dense 784→128 and 128→64, batch 32: forward X·W, dX = dY·Wᵀ, dW = Xᵀ·dY */
    {"dense784x128_fwd", 32, 128, 784, 0, 0},
    {"dense784x128_dX", 32, 784, 128, 0, 1},
    {"dense784x128_dW", 784, 128, 32, 1, 0},
    {"dense128x64_fwd", 32, 64, 128, 0, 0},
    {"dense128x64_dX", 32, 128, 64, 0, 1},
    {"dense128x64_dW", 128, 64, 32, 1, 0},
    {"dense64x10_fwd", 32, 10, 64, 0, 0},
    /* batch 256 */
    {"dense784x128_b256_fwd", 256, 128, 784, 0, 0},
    {"dense784x128_b256_dW", 784, 128, 256, 1, 0},
    /* CNN, batch 32, im2col: conv1 3×3×1→32 on 26×26, conv2 3×3×32→64 on 11×11 */
    {"conv1_fwd", 21632, 32, 9, 0, 0},
    {"conv1_dW", 9, 32, 21632, 1, 0},
    {"conv2_fwd", 3872, 64, 288, 0, 0},
    {"conv2_dW", 288, 64, 3872, 1, 0},
    {"conv2_dX", 3872, 288, 64, 0, 1},
    {"dense1600x64_fwd", 32, 64, 1600, 0, 0},
    {"dense1600x64_dW", 1600, 64, 32, 1, 0},
    {"dense1600x64_dX", 32, 1600, 64, 0, 1},
    {"dense64x10_dW", 64, 10, 32, 1, 0},
    {"dense64x10_dX", 32, 64, 10, 0, 1},
    /* CNN at batch 1 (predict): conv1 676×32×9, conv2 121×64×288, Dense 1600→64 */
    {"b1_conv1_fwd", 676, 32, 9, 0, 0},
    {"b1_conv2_fwd", 121, 64, 288, 0, 0},
    {"b1_dense1600x64", 1, 64, 1600, 0, 0},
    /* LSTM(64) step, batch 32: h · W_hhᵀ */
    {"lstm64_step", 32, 256, 64, 0, 1},
    /* LSTM(64) as src/layers/recurrent.c multiplies, batch 32: the recurrent step h·U and its
     * backward dZ·Uᵀ (Uᵀ kept), the input product over all 200 steps of the text model (64 inputs)
     * and its kernel gradient, the ECG model's (140 steps, 1 input); its head Dense(64→32→5) */
    {"lstm64_rec", 32, 256, 64, 0, 0},
    {"lstm64_rec_dh", 32, 64, 256, 0, 0},
    {"lstm64_in_text", 6400, 256, 64, 0, 0},
    {"lstm64_dW_text", 64, 256, 6400, 1, 0},
    {"lstm64_in_ecg", 4480, 256, 1, 0, 0},
    {"lstm64_dW_ecg", 1, 256, 4480, 1, 0},
    {"dense64x32_fwd", 32, 32, 64, 0, 0},
    {"dense64x32_dX", 32, 64, 32, 0, 1},
    {"dense64x32_dW", 64, 32, 32, 1, 0},
    {"skinny256x3136x128", 256, 128, 3136, 0, 0},
    {"square256", 256, 256, 256, 0, 0},
    {"square1024", 1024, 1024, 1024, 0, 0},
    /* threshold sweep for the small-size path: batch 32, 64 units, K inputs (M·N·K = 2048·K) */
    {"sw_nn_k4", 32, 64, 4, 0, 0},     {"sw_nt_k4", 32, 64, 4, 0, 1},
    {"sw_nn_k8", 32, 64, 8, 0, 0},     {"sw_nt_k8", 32, 64, 8, 0, 1},
    {"sw_nn_k16", 32, 64, 16, 0, 0},   {"sw_nt_k16", 32, 64, 16, 0, 1},
    {"sw_nn_k32", 32, 64, 32, 0, 0},   {"sw_nt_k32", 32, 64, 32, 0, 1},
    {"sw_nn_k64", 32, 64, 64, 0, 0},   {"sw_nt_k64", 32, 64, 64, 0, 1},
    {"sw_nn_k128", 32, 64, 128, 0, 0}, {"sw_nt_k128", 32, 64, 128, 0, 1},
    {"sw_nn_k256", 32, 64, 256, 0, 0}, {"sw_nt_k256", 32, 64, 256, 0, 1},
    {"sw_tiny2", 2, 2, 2, 0, 0},       {"sw_tiny8", 8, 8, 8, 0, 0},
    {"sw_tiny16", 16, 16, 16, 0, 0},
};
#define SGEMM_NSHAPES ((int)(sizeof sgemm_shapes / sizeof sgemm_shapes[0]))

/* ---- the timing loop both programs use */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* When set (bench_sgemm.c), the allocations one call makes after the timed ones are printed. */
static unsigned long long (*sgemm_alloc_count)(void);
/* When > 0 (bench_sgemm.c: the measured one-core FMA peak, GFLOP/s), each shape's median and
 * best batch are also printed as % of it. */
static double sgemm_peak_gflops;

typedef void (*sgemm_shape_fn)(const struct sgemm_shape *s, const float *A, const float *B, float *C);

/* The clock the timings read: wall time, or (bench_sgemm at one thread) the calling thread's CPU
 * time, which leaves out the time slices other processes take on a loaded machine. */
static clockid_t sgemm_clock = CLOCK_MONOTONIC;

static double sgemm_now(void)
{
    struct timespec ts;
    clock_gettime(sgemm_clock, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int sgemm_cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* For each shape whose label contains `only` (all when NULL): one line
 * "label M N K tA tB us/call GFLOP/s best", the median (and the fastest) of 7 timed batches of
 * about min_s/7 s each.  On a loaded machine the best batch is the closer estimate of what the
 * kernel can do (other processes only ever slow a batch down). */
static int sgemm_time_shapes(sgemm_shape_fn gemm, double min_s, const char *only)
{
    printf("%-22s %6s %6s %6s %2s %2s %10s %8s %8s%s%s\n", "shape", "M", "N", "K", "tA", "tB", "us/call", "GFLOP/s",
           "best", sgemm_peak_gflops > 0 ? "  %peak  %peak(best)" : "", sgemm_alloc_count ? "  allocs/call" : "");
    for (int s = 0; s < SGEMM_NSHAPES; s++) {
        const struct sgemm_shape *sh = &sgemm_shapes[s];
        if (only && !strstr(sh->label, only)) continue;
        size_t na = (size_t)sh->M * sh->K, nb = (size_t)sh->K * sh->N, nc = (size_t)sh->M * sh->N;
        float *A = aligned_alloc(64, (na * 4 + 63) / 64 * 64);
        float *B = aligned_alloc(64, (nb * 4 + 63) / 64 * 64);
        float *C = aligned_alloc(64, (nc * 4 + 63) / 64 * 64);
        if (!A || !B || !C) return 1;
        srand(1);
        for (size_t i = 0; i < na; i++) A[i] = (float)rand() / RAND_MAX - 0.5f;
        for (size_t i = 0; i < nb; i++) B[i] = (float)rand() / RAND_MAX - 0.5f;
        memset(C, 0, nc * 4);
        double flop = 2.0 * sh->M * sh->N * sh->K;
        gemm(sh, A, B, C);
        double t0 = sgemm_now();
        long reps = 0;
        while (sgemm_now() - t0 < 0.05) { gemm(sh, A, B, C); reps++; }
        double per = (sgemm_now() - t0) / reps;
        long batch = (long)(min_s / 7 / per);
        if (batch < 1) batch = 1;
        double times[7];
        for (int r = 0; r < 7; r++) {
            double t = sgemm_now();
            for (long i = 0; i < batch; i++) gemm(sh, A, B, C);
            times[r] = (sgemm_now() - t) / batch;
        }
        qsort(times, 7, sizeof times[0], sgemm_cmpd);
        printf("%-22s %6d %6d %6d %2d %2d %10.3f %8.1f %8.1f", sh->label, sh->M, sh->N, sh->K, sh->ta, sh->tb,
               times[3] * 1e6, flop / times[3] * 1e-9, flop / times[0] * 1e-9);
        if (sgemm_peak_gflops > 0)
            printf("  %5.1f  %5.1f", 100 * flop / times[3] * 1e-9 / sgemm_peak_gflops,
                   100 * flop / times[0] * 1e-9 / sgemm_peak_gflops);
        if (sgemm_alloc_count) {
            unsigned long long a0 = sgemm_alloc_count();
            gemm(sh, A, B, C);
            printf("  %llu", sgemm_alloc_count() - a0);
        }
        printf("\n");
        fflush(stdout);
        free(A); free(B); free(C);
    }
    return 0;
}

#endif
