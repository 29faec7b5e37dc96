/* sgemm_tile.h — the plain-C matrix-multiply kernel, included once per instruction set by
 * sgemm_<isa>.c, which defines MR, NR (the register tile), VW (floats per vector register),
 * optionally TW (the width of the packing transposes) and BRAIN_ISA_NAME, BRAIN_ISA_LEVEL before
 * including it, and is compiled with that set's flags (kernels.h).
 *
 * Goto-style blocking, all in plain C (GCC's vector extension, no intrinsics):
 *   - K is cut into equal blocks of at most KC; op(B) into column panels NR wide per block
 *     (zero-padded), packed contiguous — through TW × TW in-register transposes when op(B) = Bᵀ —
 *     or, for products of at most DIRECT_MAX_M rows whose op(B) rows are contiguous, read in
 *     place (packing would cost as much as a 32-row product gains);
 *   - op(A) is read in place through (row, column) strides — MR rows × KC stays in L1 across
 *     the panels of B, which live in L2;
 *   - the micro-kernel keeps an MR×NR block of C in registers, as named variables (two vectors
 *     per row): MR broadcasts and 2·MR FMAs per k; its stores to C handle alpha and beta with one
 *     branch per tile, and write C's columns through 4 × 4 transposes when the product is
 *     computed transposed (sgemm.c).
 * One kernel is generated for each row count 1..MR, so edge rows cost no padding.
 * Each C entry is Σ_p over one K block in p order, blocks added in order — blocks that depend
 * on K alone: the same whatever MR, NR, the packing and the caller's split over threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define KC 256
#define NC 512
#ifndef DIRECT_MAX_M
#define DIRECT_MAX_M 32 /* op(B) read in place (when it can be) for products of up to this many rows:
                          * 64×256×6400 TN measured 62 → 85 % of the AVX-512 peak packed */
#endif
#define STACK_FLOATS 16384 /* 64 KiB pack buffer on the stack; bigger ones: a per-thread buffer */

#define BRAIN_CAT2(a, b) a##_##b
#define BRAIN_CAT(a, b) BRAIN_CAT2(a, b)
#define K_(name) BRAIN_CAT(name, BRAIN_ISA_NAME)

typedef void (*K_(tile_fn))(int64_t kc, const float *restrict a, int64_t ars, int64_t acs,
                            const float *restrict b, int64_t bs, float *restrict c, int64_t crs,
                            int64_t ccs, int nr, float alpha, float beta);

/* The tile in GCC's vector extension (no intrinsics): VW floats per register, NR / VW registers
 * per row of C; written out so the compiler keeps the R × NR/VW accumulators in registers rather
 * than leaving the choice to its unrolling and SLP heuristics (which spilled an AVX2 6×16 tile
 * written with scalar loops).  Element (i, j) is still acc += a_i·b_j in p order: one FMA each
 * where the set has FMA (fp-contract=fast in the including file).
 * c[i·crs + j·ccs] = alpha·acc + beta·c  (beta 0 overwrites, so NaN in C does not survive) */
#define NV (NR / VW)
typedef float K_(vf) __attribute__((vector_size(VW * sizeof(float))));
static inline K_(vf) K_(vload)(const float *p)
{
    K_(vf) v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline void K_(vstore)(float *p, K_(vf) v) { memcpy(p, &v, sizeof v); }
static inline K_(vf) K_(vset1)(float s) /* a broadcast, spelt so the compiler sees one */
{
#if VW == 4
    return (K_(vf)){s, s, s, s};
#elif VW == 8
    return (K_(vf)){s, s, s, s, s, s, s, s};
#elif VW == 16
    return (K_(vf)){s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s};
#else
#error "VW must be 4, 8 or 16"
#endif
}

/* r[l][c] becomes r[c][l], in the shuffles every vector width has cheaply (the textbook 4×4,
 * 8×8 and 16×16 transposes): unpack pairs of rows, then pick pairs of pairs inside each
 * 128-bit lane (after which lane q of u[4j + c] holds column 4q + c of rows 4j..4j+3), then
 * transpose the 128-bit lanes across the vectors u[4j + c] (none for 4-float vectors; one
 * stage for 8, two for 16).  The masks are constants once the loops are unrolled. */
#ifndef TW
#define TW VW /* the transposes' width: a vector register, unless the including file says */
#endif
typedef float K_(vt) __attribute__((vector_size(TW * sizeof(float))));
typedef int K_(vi) __attribute__((vector_size(TW * sizeof(int))));
/* Lanes of (a, b) picked by m (index < TW: a's, else b's): GCC's __builtin_shuffle; clang has
 * no two-vector shuffle with run-time masks, so there the same moves go lane by lane (exact data
 * moves either way: the values, and the sums built from them, are the same). */
static inline __attribute__((always_inline)) K_(vt) K_(shuffle2)(K_(vt) a, K_(vt) b, K_(vi) m)
{
#if defined(__clang__)
    K_(vt) r;
    for (int i = 0; i < TW; i++) r[i] = m[i] < TW ? a[m[i]] : b[m[i] - TW];
    return r;
#else
    return __builtin_shuffle(a, b, m);
#endif
}
static inline __attribute__((always_inline)) void K_(transpose)(K_(vt) r[TW])
{
    enum { G = TW / 4 }; /* 128-bit lanes per vector */
    K_(vi) m0, m1, m2, m3;
    for (int q = 0; q < G; q++)
        for (int e = 0; e < 4; e++) {
            m0[4 * q + e] = 4 * q + (e >> 1) + (e & 1) * TW;     /* unpacklo */
            m1[4 * q + e] = 4 * q + 2 + (e >> 1) + (e & 1) * TW; /* unpackhi */
            m2[4 * q + e] = 4 * q + (e & 1) + (e >> 1) * TW;     /* shufps 0x44 */
            m3[4 * q + e] = 4 * q + 2 + (e & 1) + (e >> 1) * TW; /* shufps 0xEE */
        }
    K_(vt) t[TW];
    for (int i = 0; i < TW; i += 2) {
        t[i] = K_(shuffle2)(r[i], r[i + 1], m0);
        t[i + 1] = K_(shuffle2)(r[i], r[i + 1], m1);
    }
    for (int g = 0; g < TW; g += 4) {
        r[g] = K_(shuffle2)(t[g], t[g + 2], m2);
        r[g + 1] = K_(shuffle2)(t[g], t[g + 2], m3);
        r[g + 2] = K_(shuffle2)(t[g + 1], t[g + 3], m2);
        r[g + 3] = K_(shuffle2)(t[g + 1], t[g + 3], m3);
    }
    /* now lane q of r[4j + c] is column 4q + c, rows 4j..4j+3: transpose lanes over j, each c,
     * one bit of (j, q) swapped per stage */
    for (int h = 1; h < G; h *= 2) {
        K_(vi) lo, hi;
        for (int q = 0; q < G; q++)
            for (int e = 0; e < 4; e++) {
                lo[4 * q + e] = ((q & h) ? TW + 4 * (q - h) : 4 * q) + e;
                hi[4 * q + e] = ((q & h) ? TW + 4 * q : 4 * (q + h)) + e;
            }
        for (int j = 0; j < G; j++)
            if (!(j & h))
                for (int c = 0; c < 4; c++) {
                    K_(vt) a = r[4 * j + c], b = r[4 * (j + h) + c];
                    r[4 * j + c] = K_(shuffle2)(a, b, lo);
                    r[4 * (j + h) + c] = K_(shuffle2)(a, b, hi);
                }
    }
    /* r[4a + c] lane b = (old lane a of the vector 4b + c) = column 4a + c, rows 4b..4b+3 */
}

/* The tile's rows as columns of C: C(i, j) at c[i + j·ccs] (a product computed transposed,
 * Cᵀ = op(B)ᵀ·op(A)ᵀ, sgemm.c), tile rows 0..R-1 and all NR tile columns.  Rows in groups of 4
 * go through 4 × 4 transposes and land as 4 contiguous floats of a row of C; a last group of
 * fewer rows is padded with zero rows and only its rows are written back — every entry through
 * the same vector expression, so a C entry rounds the same whichever tile (thread split) holds it.
 * buf[i·NR + j] = the tile's (i, j). */
static __attribute__((noinline, unused)) void K_(store_turned)(int R, const float *restrict buf, float *restrict c,
                                                       int64_t ccs, float alpha, float beta)
{
    _Static_assert(TW == 4, "the turned store transposes 4 × 4 blocks");
    const K_(vt) va = {alpha, alpha, alpha, alpha}, vb = {beta, beta, beta, beta};
    int i0 = 0;
    for (; i0 + 4 <= R; i0 += 4)
        for (int jb = 0; jb < NR; jb += 4) {
            K_(vt) r[4];
            for (int l = 0; l < 4; l++) memcpy(&r[l], buf + (i0 + l) * NR + jb, sizeof r[l]);
            K_(transpose)(r); /* r[l] = tile column jb + l, rows i0..i0+3 */
            for (int l = 0; l < 4; l++) {
                float *cp = c + (jb + l) * ccs + i0;
                K_(vt) x;
                if (beta == 0.0f) x = va * r[l];
                else {
                    memcpy(&x, cp, sizeof x);
                    x = beta == 1.0f ? x + va * r[l] : va * r[l] + vb * x;
                }
                memcpy(cp, &x, sizeof x);
            }
        }
    if (i0 < R) { /* the last 1..3 rows, padded with zero rows */
        const int rows = R - i0;
        for (int jb = 0; jb < NR; jb += 4) {
            K_(vt) r[4] = {{0}};
            for (int l = 0; l < rows; l++) memcpy(&r[l], buf + (i0 + l) * NR + jb, sizeof r[l]);
            K_(transpose)(r);
            for (int l = 0; l < 4; l++) {
                float *cp = c + (jb + l) * ccs + i0;
                K_(vt) x = {0};
                if (beta != 0.0f)
                    for (int e = 0; e < rows; e++) x[e] = cp[e];
                x = beta == 0.0f ? va * r[l] : beta == 1.0f ? x + va * r[l] : va * r[l] + vb * x;
                for (int e = 0; e < rows; e++) cp[e] = x[e];
            }
        }
    }
}

#if NV == 2
/* Two vectors per row of C (every x86 set): the accumulators are named variables, c<i>0 and
 * c<i>1, not an array — GCC kept an array of them in registers inside the k loop but stored
 * all of them to the stack and loaded them back before the stores to C (32 moves per tile,
 * felt on the small-K products of a Dense layer's dW and a first convolution). */
#define T_ROWS_1(X) X(0)
#define T_ROWS_2(X) T_ROWS_1(X) X(1)
#define T_ROWS_3(X) T_ROWS_2(X) X(2)
#define T_ROWS_4(X) T_ROWS_3(X) X(3)
#define T_ROWS_5(X) T_ROWS_4(X) X(4)
#define T_ROWS_6(X) T_ROWS_5(X) X(5)
#define T_ROWS_7(X) T_ROWS_6(X) X(6)
#define T_ROWS_8(X) T_ROWS_7(X) X(7)
#define T_DECL(i) K_(vf) c##i##0 = {0}, c##i##1 = {0};
#define T_STEP(i)                                                                                  \
    {                                                                                              \
        const K_(vf) ai = K_(vset1)(ap[i * ars]);                                                  \
        c##i##0 += ai * b0;                                                                        \
        c##i##1 += ai * b1;                                                                        \
    }
#define T_ST0(i)                                                                                   \
    K_(vstore)(c + i * crs, va * c##i##0);                                                         \
    K_(vstore)(c + i * crs + VW, va * c##i##1);
#define T_ST1(i)                                                                                   \
    K_(vstore)(c + i * crs, K_(vload)(c + i * crs) + va * c##i##0);                                \
    K_(vstore)(c + i * crs + VW, K_(vload)(c + i * crs + VW) + va * c##i##1);
#define T_STB(i)                                                                                   \
    K_(vstore)(c + i * crs, va * c##i##0 + vb * K_(vload)(c + i * crs));                           \
    K_(vstore)(c + i * crs + VW, va * c##i##1 + vb * K_(vload)(c + i * crs + VW));
#define T_SLOW1(i, v, x)                                                                           \
    for (int l = 0; l < VW && v * VW + l < nr; l++) {                                              \
        float *cp = c + i * crs + (v * VW + l) * ccs;                                              \
        const float s_ = x[l];                                                                     \
        *cp = beta == 0.0f ? alpha * s_ : beta == 1.0f ? *cp + alpha * s_ : alpha * s_ + beta * *cp; \
    }
#define T_SLOW(i) T_SLOW1(i, 0, c##i##0) T_SLOW1(i, 1, c##i##1)
#define T_BUF(i)                                                                                   \
    K_(vstore)(buf + i * NR, c##i##0);                                                             \
    K_(vstore)(buf + i * NR + VW, c##i##1);
#define BRAIN_DEFINE_TILE(R)                                                                       \
    static void K_(tile_##R)(int64_t kc, const float *restrict a, int64_t ars, int64_t acs,        \
                             const float *restrict b, int64_t bs, float *restrict c, int64_t crs,   \
                             int64_t ccs, int nr, float alpha, float beta)                          \
    {                                                                                              \
        T_ROWS_##R(T_DECL)                                                                         \
        for (int64_t p = 0; p < kc; p++) {                                                         \
            const float *restrict bp = b + p * bs;                                                 \
            const float *restrict ap = a + p * acs;                                                \
            const K_(vf) b0 = K_(vload)(bp), b1 = K_(vload)(bp + VW);                              \
            T_ROWS_##R(T_STEP)                                                                     \
        }                                                                                          \
        if (ccs == 1 && nr == NR) { /* one branch per tile, outside the stores */                  \
            const K_(vf) va = K_(vset1)(alpha), vb = K_(vset1)(beta);                              \
            if (beta == 0.0f) {                                                                    \
                T_ROWS_##R(T_ST0)                                                                  \
            } else if (beta == 1.0f) {                                                             \
                T_ROWS_##R(T_ST1)                                                                  \
            } else {                                                                               \
                T_ROWS_##R(T_STB)                                                                  \
            }                                                                                      \
            (void)vb;                                                                              \
        } else if (crs == 1 && nr == NR) { /* computed transposed: columns of C */                  \
            _Alignas(64) float buf[R * NR];                                                        \
            T_ROWS_##R(T_BUF)                                                                      \
            K_(store_turned)(R, buf, c, ccs, alpha, beta);                                         \
        } else {                                                                                   \
            T_ROWS_##R(T_SLOW)                                                                     \
        }                                                                                          \
    }
#else
#define BRAIN_DEFINE_TILE(R)                                                                       \
    static void K_(tile_##R)(int64_t kc, const float *restrict a, int64_t ars, int64_t acs,        \
                             const float *restrict b, int64_t bs, float *restrict c, int64_t crs,   \
                             int64_t ccs, int nr, float alpha, float beta)                          \
    {                                                                                              \
        K_(vf) acc[R][NV];                                                                         \
        for (int i = 0; i < R; i++)                                                                \
            for (int v = 0; v < NV; v++) acc[i][v] = (K_(vf)){0};                                  \
        for (int64_t p = 0; p < kc; p++) {                                                         \
            const float *restrict bp = b + p * bs;                                                 \
            const float *restrict ap = a + p * acs;                                                \
            K_(vf) bv[NV];                                                                         \
            for (int v = 0; v < NV; v++) bv[v] = K_(vload)(bp + v * VW);                           \
            for (int i = 0; i < R; i++) {                                                          \
                const K_(vf) ai = K_(vset1)(ap[i * ars]);                                          \
                for (int v = 0; v < NV; v++) acc[i][v] += ai * bv[v];                              \
            }                                                                                      \
        }                                                                                          \
        if (ccs == 1 && nr == NR) { /* one branch per tile, outside the stores */                  \
            const K_(vf) va = K_(vset1)(alpha), vb = K_(vset1)(beta);                              \
            if (beta == 0.0f)                                                                      \
                for (int i = 0; i < R; i++)                                                        \
                    for (int v = 0; v < NV; v++) K_(vstore)(c + i * crs + v * VW, va * acc[i][v]);  \
            else if (beta == 1.0f)                                                                 \
                for (int i = 0; i < R; i++)                                                        \
                    for (int v = 0; v < NV; v++)                                                   \
                        K_(vstore)(c + i * crs + v * VW, K_(vload)(c + i * crs + v * VW) + va * acc[i][v]); \
            else                                                                                   \
                for (int i = 0; i < R; i++)                                                        \
                    for (int v = 0; v < NV; v++)                                                   \
                        K_(vstore)(c + i * crs + v * VW, va * acc[i][v] + vb * K_(vload)(c + i * crs + v * VW)); \
        } else {                                                                                   \
            for (int i = 0; i < R; i++)                                                            \
                for (int v = 0; v < NV; v++) {                                                     \
                    const K_(vf) av = acc[i][v];                                                   \
                    for (int l = 0; l < VW && v * VW + l < nr; l++) {                              \
                        float *cp = c + i * crs + (v * VW + l) * ccs;                              \
                        const float x = av[l];                                                     \
                        *cp = beta == 0.0f ? alpha * x : beta == 1.0f ? *cp + alpha * x : alpha * x + beta * *cp; \
                    }                                                                              \
                }                                                                                  \
        }                                                                                          \
    }

#endif

BRAIN_DEFINE_TILE(1)
BRAIN_DEFINE_TILE(2)
BRAIN_DEFINE_TILE(3)
BRAIN_DEFINE_TILE(4)
BRAIN_DEFINE_TILE(5)
BRAIN_DEFINE_TILE(6)
#if MR > 6
BRAIN_DEFINE_TILE(7)
BRAIN_DEFINE_TILE(8)
#endif
#if MR != 6 && MR != 8
#error "MR must be 6 or 8"
#endif

static const K_(tile_fn) K_(tiles)[MR + 1] = {
    NULL, K_(tile_1), K_(tile_2), K_(tile_3), K_(tile_4), K_(tile_5), K_(tile_6),
#if MR > 6
    K_(tile_7), K_(tile_8),
#endif
};

/* bp[panel][p][j] = B(p, jr + j) for the kc × nc block at B, zero past nc. */
static void K_(pack_b)(int64_t kc, int64_t nc, const float *B, int64_t brs, int64_t bcs, float *restrict bp)
{
    for (int64_t jr = 0; jr < nc; jr += NR) {
        int nr = (int)(nc - jr < NR ? nc - jr : NR);
        float *restrict dst = bp + jr * kc;
        if (bcs == 1) {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = B + p * brs + jr;
                float *restrict d = dst + p * NR;
                if (nr == NR)
                    for (int j = 0; j < NR; j++) d[j] = src[j];
                else {
                    for (int j = 0; j < nr; j++) d[j] = src[j];
                    for (int j = nr; j < NR; j++) d[j] = 0.0f;
                }
            }
        } else {
            const float *src = B + jr * bcs;
            int64_t p = 0;
            if (brs == 1 && nr == NR) /* op(B) = Bᵀ: TW × TW blocks transposed in registers */
                for (; p + TW <= kc; p += TW)
                    for (int jb = 0; jb < NR; jb += TW) {
                        K_(vt) r[TW];
                        for (int l = 0; l < TW; l++) memcpy(&r[l], src + (jb + l) * bcs + p, sizeof r[l]);
                        K_(transpose)(r);
                        for (int l = 0; l < TW; l++) memcpy(dst + (p + l) * NR + jb, &r[l], sizeof r[l]);
                    }
            for (; p < kc; p++) {
                float *restrict d = dst + p * NR;
                for (int j = 0; j < nr; j++) d[j] = src[p * brs + j * bcs];
                for (int j = nr; j < NR; j++) d[j] = 0.0f;
            }
        }
    }
}

/* The blocked loops over an M×N×K product; bp holds KC × roundup(min(N, NC), NR) floats. */
static void K_(gemm_blocked)(int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t ars,
                             int64_t acs, const float *B, int64_t brs, int64_t bcs, float beta, float *C,
                             int64_t crs, int64_t ccs, float *bp)
{
    /* Rows of op(B) already contiguous are read in place (full panels) when few rows of C
     * reuse them; with many, a packed panel (contiguous, so no cache-set conflicts between its
     * rows) pays for its copy. */
    bool direct = bcs == 1 && M <= DIRECT_MAX_M;
    /* K in equal blocks of at most KC (288 = 144 + 144, not 256 + 32: each block ends in a
     * pass over C) — a function of K alone, so every thread split sums in the same order */
    int64_t kblocks = (K + KC - 1) / KC, kcb = (K + kblocks - 1) / kblocks;
    for (int64_t jc = 0; jc < N; jc += NC) {
        int64_t nc = N - jc < NC ? N - jc : NC;
        int64_t nfull = direct ? nc / NR * NR : 0; /* columns read in place */
        for (int64_t pc = 0; pc < K; pc += kcb) {
            int64_t kc = K - pc < kcb ? K - pc : kcb;
            float beta_eff = pc == 0 ? beta : 1.0f;
            const float *bblk = B + pc * brs + jc * bcs;
            if (nfull < nc) K_(pack_b)(kc, nc - nfull, bblk + nfull * bcs, brs, bcs, bp);
            /* rows dealt evenly over the fewest tiles (9 = 5 + 4, not 8 + 1: a tile of one or
             * two rows has too few accumulators to cover the FMA latency) */
            const int64_t ntiles = (M + MR - 1) / MR;
            for (int64_t t = 0; t < ntiles; t++) {
                const int64_t i = M * t / ntiles;
                int mr = (int)(M * (t + 1) / ntiles - i);
                K_(tile_fn) kern = K_(tiles)[mr];
                const float *a = A + i * ars + pc * acs;
                float *c = C + i * crs + jc * ccs;
                for (int64_t jr = 0; jr < nc; jr += NR) {
                    int nr = (int)(nc - jr < NR ? nc - jr : NR);
                    if (jr < nfull)
                        kern(kc, a, ars, acs, bblk + jr, brs, c + jr * ccs, crs, ccs, nr, alpha, beta_eff);
                    else
                        kern(kc, a, ars, acs, bp + (jr - nfull) * kc, NR, c + jr * ccs, crs, ccs, nr,
                             alpha, beta_eff);
                }
            }
        }
    }
}

/* Correct and slow: only when a pack buffer cannot be had. */
static void K_(gemm_naive)(int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t ars,
                           int64_t acs, const float *B, int64_t brs, int64_t bcs, float beta, float *C,
                           int64_t crs, int64_t ccs)
{
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            float s = 0.0f;
            for (int64_t p = 0; p < K; p++) s += A[i * ars + p * acs] * B[p * brs + j * bcs];
            float *cp = C + i * crs + j * ccs;
            *cp = beta == 0.0f ? alpha * s : alpha * s + beta * *cp;
        }
}

/* A thread's pack buffer is freed when the thread exits: libgomp ends worker threads when a team
 * shrinks (brain_set_num_threads), and their thread-local pointers would leak the buffers
 * (LeakSanitizer, tests/test_thread_count.c). */
static pthread_key_t K_(pack_key);
static pthread_once_t K_(pack_once) = PTHREAD_ONCE_INIT;
static void K_(pack_key_make)(void) { pthread_key_create(&K_(pack_key), free); }

/* One thread's product (brain__kernel_table.gemm). */
static void K_(gemm)(int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t ars, int64_t acs,
                     const float *B, int64_t brs, int64_t bcs, float beta, float *C, int64_t crs, int64_t ccs)
{
    _Alignas(64) float stack_buf[STACK_FLOATS];
    /* A bigger pack buffer is kept per thread and only ever grown, so the repeated products of
     * training steps allocate nothing after the first (the buffer lives until the thread ends). */
    static _Thread_local float *big;
    static _Thread_local size_t big_cap;
    int64_t ncmax = N < NC ? N : NC;
    int64_t kcmax = K < KC ? K : KC;
    /* gemm_blocked packs only what it cannot read in place: with contiguous rows of op(B)
     * (bcs == 1), at most the last partial panel of a block */
    size_t need = (size_t)kcmax * (size_t)(bcs == 1 && M <= DIRECT_MAX_M ? NR : (ncmax + NR - 1) / NR * NR);
    float *bp = stack_buf;
    if (need > STACK_FLOATS) {
        if (need > big_cap) {
            /* 64-byte aligned: from malloc (16-byte aligned; mmap'd blocks start 16 bytes past a
             * page) every other vector load of the panels crossed a cache line, measured as half
             * the speed on the products whose panels live here (e.g. 32×784×128 NT: 51 → 90 %
             * of the AVX2 peak) */
            size_t bytes = (need * sizeof(float) + 63) / 64 * 64;
            float *p = aligned_alloc(64, bytes);
            if (!p) {
                K_(gemm_naive)(M, N, K, alpha, A, ars, acs, B, brs, bcs, beta, C, crs, ccs);
                return;
            }
            free(big);
            big = p;
            big_cap = need;
            pthread_once(&K_(pack_once), K_(pack_key_make));
            pthread_setspecific(K_(pack_key), p); /* freed when the thread ends */
        }
        bp = big;
    }
    K_(gemm_blocked)(M, N, K, alpha, A, ars, acs, B, brs, bcs, beta, C, crs, ccs, bp);
}

/* Products with one row or one column of output, where the NR-wide kernel would waste most of
 * its lanes (brain__kernel_table.gemv). */
static void K_(gemv)(int64_t n, int64_t K, float alpha, const float *W, int64_t wo, int64_t wk,
                     const float *x, int64_t xs, float beta, float *y, int64_t ys)
{
    if (wk == 1) { /* rows of W contiguous: one dot product per output, 16 partial sums */
        for (int64_t o = 0; o < n; o++) {
            const float *restrict w = W + o * wo;
            float part[16] = {0};
            int64_t p = 0;
            if (xs == 1)
                for (; p + 16 <= K; p += 16)
                    for (int l = 0; l < 16; l++) part[l] += w[p + l] * x[p + l];
            float s = 0.0f;
            for (; p < K; p++) s += w[p] * x[p * xs];
            for (int l = 0; l < 16; l++) s += part[l];
            float *yp = y + o * ys;
            *yp = beta == 0.0f ? alpha * s : alpha * s + beta * *yp;
        }
    } else { /* columns of W contiguous (wo == 1) or neither: axpy over outputs, in chunks */
        enum { CH = 64 };
        for (int64_t o0 = 0; o0 < n; o0 += CH) {
            int len = (int)(n - o0 < CH ? n - o0 : CH);
            if (len == CH && wo == 1) { /* a fixed trip count keeps the sums in registers */
                float acc[CH] = {0};
                for (int64_t p = 0; p < K; p++) {
                    const float xp = x[p * xs];
                    const float *restrict w = W + o0 + p * wk;
                    for (int o = 0; o < CH; o++) acc[o] += w[o] * xp;
                }
                for (int o = 0; o < CH; o++) {
                    float *yp = y + (o0 + o) * ys;
                    *yp = beta == 0.0f ? alpha * acc[o] : alpha * acc[o] + beta * *yp;
                }
                continue;
            }
            float acc[CH];
            for (int o = 0; o < len; o++) acc[o] = 0.0f;
            for (int64_t p = 0; p < K; p++) {
                const float xp = x[p * xs];
                const float *restrict w = W + o0 * wo + p * wk;
                if (wo == 1)
                    for (int o = 0; o < len; o++) acc[o] += w[o] * xp;
                else
                    for (int o = 0; o < len; o++) acc[o] += w[o * wo] * xp;
            }
            for (int o = 0; o < len; o++) {
                float *yp = y + (o0 + o) * ys;
                *yp = beta == 0.0f ? alpha * acc[o] : alpha * acc[o] + beta * *yp;
            }
        }
    }
}

#define BRAIN_STR2(x) #x
#define BRAIN_STR(x) BRAIN_STR2(x)
static const brain__kernel_table K_(table) = {
    .isa = BRAIN_STR(BRAIN_ISA_NAME), .level = BRAIN_ISA_LEVEL, .mr = MR, .nr = NR, .gemm = K_(gemm), .gemv = K_(gemv),
};
