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
#include "sgemm_shapes.h"

char *openblas_get_corename(void);
int openblas_get_num_threads(void);

static int use_dnnl;

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
    return sgemm_time_shapes(gemm, min_s, only);
}
