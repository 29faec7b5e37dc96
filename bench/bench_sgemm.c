/* bench_sgemm.c — GFLOP/s of the library's brain_sgemm on the lecture's layer shapes
 * (bench/sgemm_shapes.h); bench/raw_sgemm.c times oneDNN / OpenBLAS called directly.
 *
 * Usage: bench_sgemm [what] [threads] [seconds_per_shape] [shape_substring]
 *   what: brain    brain_sgemm, the entry point (small-size dispatch + backend)   (default)
 *         portable the plain-C kernel alone
 *         backend  the build's backend library alone (no small-size dispatch)
 *   threads: passed to brain_set_num_threads (0 = all cores; default 1)
 * Output per shape: label M N K tA tB us/call GFLOP/s (median of 7 timed batches) allocs/call
 * (allocations made by one more call after the timed ones). */
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
    if (!strcmp(what, "portable")) fn = brain__sgemm_portable;
    else if (!strcmp(what, "backend")) fn = brain__sgemm_backend_only;
    else if (strcmp(what, "brain")) {
        fprintf(stderr, "usage: bench_sgemm [brain|portable|backend] [threads] [seconds] [shape]\n");
        return 2;
    }
    brain_set_num_threads(threads);
    sgemm_alloc_count = alloc_count;
    printf("# %s (backend %s, small-size threshold M*N*K <= %lld), threads %d\n", what,
           brain_sgemm_backend(), (long long)brain__sgemm_small_threshold(), brain__num_threads());
    return sgemm_time_shapes(gemm, min_s, only);
}
