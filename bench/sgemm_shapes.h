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
    /* LSTM(64) step, batch 32: h · W_hhᵀ */
    {"lstm64_step", 32, 256, 64, 0, 1},
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

#endif
