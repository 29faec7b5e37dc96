/* test_sgemm.c — brain_sgemm (and the plain-C kernel alone) against a double-precision reference:
 * every (ta, tb), alpha/beta pairs, padded strides, odd sizes, the small-path threshold's edges,
 * M/N/K = 0, beta = 0 over NaN; every row count of the register tile, primes, one off the tile
 * and the K blocks; bitwise the same C at 1 and 2 threads. */
#include "internal.h"
#include "core/sgemm_portable.h"
#include "core/kernels/kernels.h"
#include "check.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef void (*gemm_fn)(bool, bool, int64_t, int64_t, int64_t, float, const float *, int64_t,
                        const float *, int64_t, float, float *, int64_t);

static uint64_t g_state = 12345;
static float frand(void)
{
    g_state = g_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((g_state >> 40) * (1.0 / (1 << 24))) - 0.5f;
}

static int g_cases;

/* One product with padded strides (pad floats past each row); returns true when it matches. */
static bool run_case(gemm_fn fn, bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, float beta,
                     int64_t pad, bool nan_c)
{
    int64_t ar = ta ? K : M, ac = ta ? M : K; /* A stored ar × ac */
    int64_t br = tb ? N : K, bc = tb ? K : N;
    int64_t lda = ac + pad, ldb = bc + pad, ldc = N + pad;
    if (lda < 1) lda = 1;
    if (ldb < 1) ldb = 1;
    if (ldc < 1) ldc = 1;
    size_t na = (size_t)(ar * lda) + 1, nb = (size_t)(br * ldb) + 1, nc = (size_t)(M * ldc) + 1;
    float *A = malloc(na * sizeof *A), *B = malloc(nb * sizeof *B), *C = malloc(nc * sizeof *C);
    float *C0 = malloc(nc * sizeof *C0);
    for (size_t i = 0; i < na; i++) A[i] = frand();
    for (size_t i = 0; i < nb; i++) B[i] = frand();
    for (size_t i = 0; i < nc; i++) C[i] = C0[i] = nan_c ? NAN : frand();
    fn(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    bool ok = true;
    for (int64_t i = 0; i < M && ok; i++)
        for (int64_t j = 0; j < ldc && ok; j++) {
            double got = C[i * ldc + j];
            if (j >= N) { /* padding untouched */
                ok = isnan(C0[i * ldc + j]) ? isnan(got) : got == C0[i * ldc + j];
                continue;
            }
            double s = 0, sabs = 0;
            for (int64_t p = 0; p < K; p++) {
                double a = ta ? A[p * lda + i] : A[i * lda + p];
                double b = tb ? B[j * ldb + p] : B[p * ldb + j];
                s += a * b;
                sabs += fabs(a * b);
            }
            double bc = beta == 0.0f ? 0.0 : beta * (double)C0[i * ldc + j];
            double want = alpha * s + bc;
            double tol = 1e-5 * (fabs(alpha) * sabs + fabs(bc)) + 1e-30;
            ok = fabs(got - want) <= tol;
            if (!ok)
                fprintf(stderr, "  C[%lld,%lld] = %.9g, want %.9g (tol %.3g)\n", (long long)i, (long long)j,
                        got, want, tol);
        }
    if (ok) /* rows past M untouched: the trailing sentinel */
        ok = isnan(C0[nc - 1]) ? isnan(C[nc - 1]) : C[nc - 1] == C0[nc - 1];
    CHECK_MSG(ok, "ta=%d tb=%d M=%lld N=%lld K=%lld alpha=%g beta=%g pad=%lld nan=%d", ta, tb, (long long)M,
              (long long)N, (long long)K, alpha, beta, (long long)pad, nan_c);
    g_cases++;
    free(A); free(B); free(C); free(C0);
    return ok;
}

static void sweep(gemm_fn fn)
{
    static const int64_t sizes[] = {1, 3, 17, 33, 65, 130};
    static const float ab[][2] = {{1, 0}, {0.5f, 2}, {1, 1}, {-1.5f, 0.25f}};
    for (int t = 0; t < 4; t++) {
        bool ta = t & 1, tb = t & 2;
        for (int im = 0; im < 6; im++)
            for (int in = 0; in < 6; in++)
                for (int ik = 0; ik < 6; ik++) {
                    int c = (im + in + ik + t) % 4; /* alpha/beta pair and stride vary with the case */
                    run_case(fn, ta, tb, sizes[im], sizes[in], sizes[ik], ab[c][0], ab[c][1], (im + ik) % 3 * 3,
                             false);
                }
        /* blocking boundaries: KC = 256, NC = 512, MR = 6, NR = 32 */
        run_case(fn, ta, tb, 7, 513, 257, 1, 0, 1, false);
        run_case(fn, ta, tb, 13, 33, 600, 0.5f, 2, 0, false);
        run_case(fn, ta, tb, 200, 64, 300, 1, 1, 2, false);
        /* beta = 0 must overwrite NaN */
        run_case(fn, ta, tb, 33, 65, 17, 1, 0, 1, true);
        run_case(fn, ta, tb, 1, 17, 3, 2, 0, 0, true);
        run_case(fn, ta, tb, 17, 1, 3, 2, 0, 0, true);
        /* the layer shapes */
        run_case(fn, ta, tb, 32, 64, 30, 1, 0, 0, false);
        run_case(fn, ta, tb, 32, 1, 64, 1, 1, 0, false);
        run_case(fn, ta, tb, 32, 10, 64, 1, 0, 0, false);
    }
}

/* K = 0: C = beta·C (beta 0: zeros, even over NaN); M or N = 0: nothing touched. */
static void edges(gemm_fn fn)
{
    float A[4] = {1, 2, 3, 4}, B[4] = {1, 2, 3, 4};
    for (int t = 0; t < 4; t++) {
        bool ta = t & 1, tb = t & 2;
        float C[6] = {1, 2, 3, 4, 5, 6};
        fn(ta, tb, 2, 3, 0, 1.0f, A, 1, B, 3, 2.0f, C, 3);
        CHECK(C[0] == 2 && C[1] == 4 && C[5] == 12);
        float D[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
        fn(ta, tb, 2, 3, 0, 1.0f, A, 1, B, 3, 0.0f, D, 3);
        CHECK(D[0] == 0 && D[3] == 0 && D[5] == 0);
        float E[2] = {7, 8};
        fn(ta, tb, 0, 2, 2, 1.0f, A, 2, B, 2, 0.0f, E, 2);
        fn(ta, tb, 2, 0, 2, 1.0f, A, 2, B, 2, 0.0f, E, 2);
        fn(ta, tb, 0, 0, 0, 1.0f, NULL, 1, NULL, 1, 0.0f, NULL, 1);
        CHECK(E[0] == 7 && E[1] == 8);
        /* alpha = 0: C = beta·C */
        float F[4] = {1, 2, 3, 4};
        fn(ta, tb, 2, 2, 2, 0.0f, A, 2, B, 2, 0.5f, F, 2);
        CHECK(F[0] == 0.5f && F[3] == 2.0f);
    }
}

/* Around brain_sgemm's small-size threshold (M·N·K = T): both sides must agree with the reference. */
static void threshold(void)
{
    int64_t T = brain__sgemm_small_threshold();
    if (T <= 0) T = 65536;
    /* M·N·K = T - 1, T, T + 1 where it factors; else near it */
    for (int64_t d = -1; d <= 1; d++) {
        int64_t v = T + d, M = 1, N = v, K = 1;
        for (int64_t f = 32; f >= 2; f--) if (v % f == 0) { M = f; N = v / f; break; }
        for (int64_t f = 64; f >= 2; f--) if (N % f == 0 && N / f >= 2) { K = N / f; N = f; break; }
        for (int t = 0; t < 4; t++) run_case(brain_sgemm, t & 1, t & 2, M, N, K, 1, 0, 1, false);
    }
    int64_t s = 1;
    while (s * s * s <= T) s++;
    for (int64_t m = s - 2; m <= s + 1; m++)
        for (int t = 0; t < 4; t++) run_case(brain_sgemm, t & 1, t & 2, m, s, s - 1, 0.5f, 2, 0, false);
}

/* Edge shapes of the register tile and the blocking: every row count of the tile (1..MR + 1),
 * primes, sizes one off the tile (NR ± 1), one off the transposes' 4 × 4 blocks and K blocks
 * (KC = 256: 257, 511, 513 split into equal blocks), in all four layouts, for one kernel. */
static void tile_edges(gemm_fn fn)
{
    const brain__kernel_table *kt = brain__kernels();
    const int64_t MR = kt->mr, NR = kt->nr;
    for (int t = 0; t < 4; t++) {
        bool ta = t & 1, tb = t & 2;
        for (int64_t m = 1; m <= MR + 1; m++) run_case(fn, ta, tb, m, NR, 7, 1, 0, 0, false);
        static const int64_t primes[] = {2, 5, 7, 13, 31, 37, 97};
        for (int i = 0; i < 7; i++)
            run_case(fn, ta, tb, primes[i], primes[(i + 3) % 7], primes[(i + 5) % 7], 0.5f, 1, i % 2, false);
        run_case(fn, ta, tb, 2 * MR + 1, NR + 1, 5, 1, 0, 0, false);
        run_case(fn, ta, tb, 33, NR - 1, 6, -1, 0.5f, 0, false);
        run_case(fn, ta, tb, 40, 3 * NR + 5, 257, 1, 1, 2, false); /* > 32 rows: packed op(B) */
        run_case(fn, ta, tb, 9, 2 * NR, 511, 1, 0, 0, false);
        run_case(fn, ta, tb, 64, 65, 513, 2, 0, 1, true);
        run_case(fn, ta, tb, 1, 1, 1, 1, 0, 0, false);
        run_case(fn, ta, tb, 1, 1, 1000, 1, 1, 0, false);
        run_case(fn, ta, tb, 300, 3, 1, 1, 0, 0, false); /* K = 1, few columns: computed transposed */
    }
}

/* The same product at 1 and 2 threads (row split, and column-panel split for few rows) gives
 * bitwise the same C: the K order never depends on the split. */
static void thread_bitwise(void)
{
    static const int64_t shapes[][3] = {{200, 96, 300}, {32, 1000, 70}, {32, 784, 128}, {130, 64, 513}};
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 4; t++) {
            bool ta = t & 1, tb = t & 2;
            int64_t M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
            int64_t lda = ta ? M : K, ldb = tb ? K : N;
            float *A = malloc((size_t)(M * K) * sizeof *A), *B = malloc((size_t)(K * N) * sizeof *B);
            float *C1 = malloc((size_t)(M * N) * sizeof *C1), *C2 = malloc((size_t)(M * N) * sizeof *C2);
            for (int64_t i = 0; i < M * K; i++) A[i] = frand();
            for (int64_t i = 0; i < K * N; i++) B[i] = frand();
            for (int64_t i = 0; i < M * N; i++) C1[i] = C2[i] = frand();
            brain_set_num_threads(1);
            brain__sgemm_portable(ta, tb, M, N, K, 0.75f, A, lda, B, ldb, 0.5f, C1, N);
            brain_set_num_threads(2);
            brain__sgemm_portable(ta, tb, M, N, K, 0.75f, A, lda, B, ldb, 0.5f, C2, N);
            CHECK_MSG(!memcmp(C1, C2, (size_t)(M * N) * sizeof *C1),
                      "%lldx%lldx%lld ta=%d tb=%d: 1 and 2 threads differ", (long long)M, (long long)N,
                      (long long)K, ta, tb);
            free(A); free(B); free(C1); free(C2);
        }
    brain_set_num_threads(0);
}

int main(void)
{
    printf("backend: %s, small threshold %lld\n", brain_sgemm_backend(), (long long)brain__sgemm_small_threshold());
    /* BRAIN_ISA (ctest runs this program once per set): the forced set is the one used, when this
     * CPU and build have it; never one they lack */
    const char *want = getenv("BRAIN_ISA");
    printf("kernels: %s (tile %dx%d)\n", brain_kernel_isa(), brain__kernels()->mr, brain__kernels()->nr);
    CHECK(brain__kernels_for(brain_kernel_isa()) != NULL);
    CHECK(brain__kernels_for("generic") == brain__kernels_generic);
    if (want) {
        if (brain__kernels_for(want))
            CHECK_MSG(!strcmp(brain_kernel_isa(), want), "BRAIN_ISA=%s but %s was chosen", want, brain_kernel_isa());
        else
            printf("this CPU or build has no %s kernels: %s tested instead\n", want, brain_kernel_isa());
    }
    for (int th = 1; th <= 2; th++) {
        brain_set_num_threads(th);
        sweep(brain_sgemm);
        sweep(brain__sgemm_portable);
        sweep(brain__sgemm_backend_only);
        edges(brain_sgemm);
        edges(brain__sgemm_portable);
        edges(brain__sgemm_backend_only);
    }
    brain_set_num_threads(1);
    tile_edges(brain__sgemm_portable);
    tile_edges(brain_sgemm);
    thread_bitwise();
    brain_set_num_threads(0);
    threshold();
    run_case(brain__sgemm_portable, false, false, 1000, 300, 200, 1, 0, 5, false); /* threaded rows */
    brain_set_num_threads(2); /* few rows: threaded column panels (the last one partial), all four layouts */
    for (int t = 0; t < 4; t++) {
        run_case(brain__sgemm_portable, t & 1, t & 2, 32, 1000, 64, 1, 0, 3, false);
        run_case(brain__sgemm_portable, t & 1, t & 2, 31, 100, 400, 0.5f, 2, 0, false);
    }
    brain_set_num_threads(0);
    printf("%d products checked\n", g_cases);
    return check_summary("test_sgemm");
}
