/* raw_sgemm.c — oneDNN's dnnl_sgemm and OpenBLAS's cblas_sgemm called directly on the
 * lecture's shapes (bench/sgemm_shapes.h), to compare with bench_sgemm (brain_sgemm).
 * Not built by CMake (it links both libraries); build and run as docs/sgemm.md says:
 *   gcc -O2 -march=native -std=c11 -D_POSIX_C_SOURCE=200809L -I/usr/include/x86_64-linux-gnu \
 *       bench/raw_sgemm.c -o build/raw_sgemm -ldnnl -lopenblas
 *   OMP_NUM_THREADS=1 build/raw_sgemm dnnl [seconds_per_shape]
 *   env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 build/raw_sgemm openblas
 * Output per shape: label M N K tA tB us/call GFLOP/s (median of 7 timed batches). */
#include <cblas.h>
#include <dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sgemm_shapes.h"

char *openblas_get_corename(void);
int openblas_get_num_threads(void);

static int use_dnnl;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void gemm(const struct sgemm_shape *s, const float *A, const float *B, float *C)
{
    int lda = s->ta ? s->M : s->K, ldb = s->tb ? s->K : s->N;
    if (use_dnnl)
        dnnl_sgemm(s->ta ? 'T' : 'N', s->tb ? 'T' : 'N', s->M, s->N, s->K, 1.0f, A, lda, B, ldb,
                   0.0f, C, s->N);
    else
        cblas_sgemm(CblasRowMajor, s->ta ? CblasTrans : CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans,
                    s->M, s->N, s->K, 1.0f, A, lda, B, ldb, 0.0f, C, s->N);
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "dnnl") && strcmp(argv[1], "openblas"))) {
        fprintf(stderr, "usage: raw_sgemm dnnl|openblas [seconds_per_shape] [shape_substring]\n");
        return 2;
    }
    use_dnnl = !strcmp(argv[1], "dnnl");
    double min_s = argc > 2 ? atof(argv[2]) : 0.5;
    const char *only = argc > 3 ? argv[3] : NULL;
    if (use_dnnl) {
        const dnnl_version_t *v = dnnl_version();
        printf("# oneDNN %d.%d.%d dnnl_sgemm, OMP_NUM_THREADS=%s\n", v->major, v->minor, v->patch,
               getenv("OMP_NUM_THREADS") ? getenv("OMP_NUM_THREADS") : "(unset)");
    } else {
        printf("# OpenBLAS cblas_sgemm, core %s, threads %d, OPENBLAS_CORETYPE=%s\n", openblas_get_corename(),
               openblas_get_num_threads(), getenv("OPENBLAS_CORETYPE") ? getenv("OPENBLAS_CORETYPE") : "(unset)");
    }
    printf("%-22s %6s %6s %6s %2s %2s %10s %8s\n", "shape", "M", "N", "K", "tA", "tB", "us/call", "GFLOP/s");
    for (int s = 0; s < SGEMM_NSHAPES; s++) {
        const struct sgemm_shape *sh = &sgemm_shapes[s];
        if (only && !strstr(sh->label, only)) continue;
        size_t na = (size_t)sh->M * sh->K, nb = (size_t)sh->K * sh->N, nc = (size_t)sh->M * sh->N;
        float *A = aligned_alloc(64, (na * 4 + 63) / 64 * 64);
        float *B = aligned_alloc(64, (nb * 4 + 63) / 64 * 64);
        float *C = aligned_alloc(64, (nc * 4 + 63) / 64 * 64);
        srand(1);
        for (size_t i = 0; i < na; i++) A[i] = (float)rand() / RAND_MAX - 0.5f;
        for (size_t i = 0; i < nb; i++) B[i] = (float)rand() / RAND_MAX - 0.5f;
        memset(C, 0, nc * 4);
        double flop = 2.0 * sh->M * sh->N * sh->K;
        gemm(sh, A, B, C);
        double t0 = now();
        long reps = 0;
        while (now() - t0 < 0.05) { gemm(sh, A, B, C); reps++; }
        double per = (now() - t0) / reps;
        long batch = (long)(min_s / 7 / per);
        if (batch < 1) batch = 1;
        double times[7];
        for (int r = 0; r < 7; r++) {
            double t = now();
            for (long i = 0; i < batch; i++) gemm(sh, A, B, C);
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
