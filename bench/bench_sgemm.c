/* bench_sgemm.c — GFLOP/s of the library's brain_sgemm on the lecture's layer shapes
 * (bench/sgemm_shapes.h); bench/raw_sgemm.c times oneDNN / OpenBLAS called directly.
 *
 * Usage: bench_sgemm [what] [threads] [seconds_per_shape] [shape_substring]
 *   what: brain    brain_sgemm, the entry point (small-size dispatch + backend)   (default)
 *         portable the plain-C kernel alone
 *         backend  the build's backend library alone (no small-size dispatch)
 *   threads: passed to brain_set_num_threads (0 = all cores; default 1)
 * Output per shape: label M N K tA tB us/call GFLOP/s (median of 7 timed batches). */
#include "internal.h"
#include "core/sgemm_portable.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sgemm_shapes.h"

typedef void (*gemm_fn)(bool, bool, int64_t, int64_t, int64_t, float, const float *, int64_t,
                        const float *, int64_t, float, float *, int64_t);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "brain";
    int threads = argc > 2 ? atoi(argv[2]) : 1;
    double min_s = argc > 3 ? atof(argv[3]) : 0.5;
    const char *only = argc > 4 ? argv[4] : NULL;
    gemm_fn fn = brain_sgemm;
    if (!strcmp(what, "portable")) fn = brain__sgemm_portable;
    else if (!strcmp(what, "backend")) fn = brain__sgemm_backend_only;
    else if (strcmp(what, "brain")) {
        fprintf(stderr, "usage: bench_sgemm [brain|portable|backend] [threads] [seconds] [shape]\n");
        return 2;
    }
    brain_set_num_threads(threads);
    printf("# %s (backend %s, small-size threshold M*N*K <= %lld), threads %d\n", what,
           brain_sgemm_backend(), (long long)brain__sgemm_small_threshold(), brain__num_threads());
    printf("%-22s %6s %6s %6s %2s %2s %10s %8s\n", "shape", "M", "N", "K", "tA", "tB", "us/call", "GFLOP/s");
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
        int64_t lda = sh->ta ? sh->M : sh->K, ldb = sh->tb ? sh->K : sh->N;
#define CALL() fn(sh->ta, sh->tb, sh->M, sh->N, sh->K, 1.0f, A, lda, B, ldb, 0.0f, C, sh->N)
        double flop = 2.0 * sh->M * sh->N * sh->K;
        CALL();
        double t0 = now();
        long reps = 0;
        while (now() - t0 < 0.05) { CALL(); reps++; }
        double per = (now() - t0) / reps;
        long batch = (long)(min_s / 7 / per);
        if (batch < 1) batch = 1;
        double times[7];
        for (int r = 0; r < 7; r++) {
            double t = now();
            for (long i = 0; i < batch; i++) CALL();
            times[r] = (now() - t) / batch;
        }
        qsort(times, 7, sizeof times[0], cmpd);
        printf("%-22s %6d %6d %6d %2d %2d %10.3f %8.1f\n", sh->label, sh->M, sh->N, sh->K, sh->ta, sh->tb,
               times[3] * 1e6, flop / times[3] * 1e-9);
        fflush(stdout);
        free(A); free(B); free(C);
    }
    return 0;
}
