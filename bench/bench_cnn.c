/* bench_cnn.c — the lecture's CNN on Fashion-MNIST trained by this library, measured the way
 * bench/peers/torch_cnn_fmnist.py measures PyTorch (bench/run_cnn.sh runs both and compares).
 *
 *   60,000 training images (28, 28, 1) scaled /255, one-hot labels;
 *   Conv2D(32, 3, relu) → MaxPooling2D(2) → Conv2D(64, 3, relu) → MaxPooling2D(2) → Flatten →
 *   Dropout(0.5) → Dense(64, relu) → Dense(10, softmax); Adam(1e-3), categorical cross-entropy,
 *   batch 32, 2 epochs (the peer's default), brain_fit with verbose silent.
 *
 * Figures (as the peer's common.report()):
 *   train_samples_per_s      n_train / median epoch time after the first
 *   test_acc                 brain_evaluate on the 10,000 test images
 *   infer_latency_1_us       median of single brain_predict calls on one image
 *   forward_latency_1_us     median of single brain_model_forward calls on one image
 *   infer_b256_samples_per_s 2048 test images in brain_predict calls of 256, median of 5 passes
 *   max_rss_mb               getrusage ru_maxrss at the end
 *   conv GFLOP/s             each Conv2D of the model alone at batch 32 (forward, and forward +
 *                            backward with dK and dx = 3× the forward FLOPs; the activation,
 *                            bias, im2col and col2im are inside the timing), beside brain_sgemm
 *                            on the forward's own product shape (rows × filters × kh·kw·C_in)
 *
 * Usage: bench_cnn [--epochs N] [--batch N] [--latency-iters N] [--threads N] [--n-train N]
 * Prints human lines, then one line `RESULT {json}`.  Needs the Debian package
 * dataset-fashion-mnist (brain_load_fashion_mnist; FASHION_MNIST_DIR overrides the directory). */
#include <brain.h>
#include "internal.h"
#include "bench_util.h"
#include "cnn_workload.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

/* rows [0, n) of a split as the peer prepares them: (n, 28, 28, 1) scaled /255, one-hot labels */
static void prepare(brain_tensor *img, brain_tensor *lab, int64_t n, brain_tensor **x, brain_tensor **y)
{
    if (n > 0 && n < img->shape[0]) {
        brain_tensor *a = brain_tensor_slice_rows(img, 0, n), *b = brain_tensor_slice_rows(lab, 0, n);
        brain_tensor_free(img); brain_tensor_free(lab);
        img = a; lab = b;
    }
    TRY(brain_tensor_reshape(img, 4, (int64_t[]){ img->shape[0], 28, 28, 1 }));
    for (int64_t i = 0; i < img->size; i++) img->data[i] /= 255.0f;
    TRY(brain_to_categorical(lab, 10, y));
    brain_tensor_free(lab);
    *x = img;
}

/* One Conv2D (h, w, cin) -> filters, 3×3 valid, relu, at batch `batch`: forward and training GFLOP/s,
 * and brain_sgemm's GFLOP/s on the forward's product shape. */
static void conv_rate(int64_t h, int64_t w, int64_t cin, int64_t filters, int batch, double *fwd, double *train, double *gemm)
{
    brain_model *m = brain_sequential(NULL);
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(h, w, cin))));
    TRY(brain_model_add(m, brain_conv2d(filters, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    m->want_input_grad = true; /* the layer's backward computes dx too, as inside a network */
    TRY(brain_model_build(m));
    brain_tensor *x = brain_tensor_new(4, (int64_t[]){ batch, h, w, cin });
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)((i * 7919) % 255) / 255.0f;
    const int64_t rows = (int64_t)batch * (h - 2) * (w - 2), K = 9 * cin;
    const double flops = 2.0 * (double)rows * (double)K * (double)filters;
    const brain_tensor *y;
    double best_f = 1e30, best_t = 1e30, best_g = 1e30;
    for (int r = 0; r < 7; r++) {
        double t = now();
        for (int i = 0; i < 20; i++) brain__model_forward(m, x, false);
        double d = (now() - t) / 20;
        if (d < best_f) best_f = d;
        t = now();
        for (int i = 0; i < 20; i++) {
            brain__model_forward(m, x, true);
            float *g = brain__model_output_grad(m);
            y = brain__model_output(m);
            for (int64_t k = 0; k < y->size; k++) g[k] = 1e-3f;
            brain__model_backward_graph(m);
        }
        d = (now() - t) / 20;
        if (d < best_t) best_t = d;
    }
    /* the same product through brain_sgemm alone */
    float *A = calloc((size_t)(rows * K), sizeof(float)), *B = calloc((size_t)(K * filters), sizeof(float)),
          *C = calloc((size_t)(rows * filters), sizeof(float));
    for (int r = 0; r < 7; r++) {
        double t = now();
        for (int i = 0; i < 20; i++) brain_sgemm(false, false, rows, filters, K, 1.0f, A, K, B, filters, 0.0f, C, filters);
        double d = (now() - t) / 20;
        if (d < best_g) best_g = d;
    }
    *fwd = flops / best_f * 1e-9;
    *train = 3 * flops / best_t * 1e-9;
    *gemm = flops / best_g * 1e-9;
    free(A); free(B); free(C);
    brain_tensor_free(x);
    brain_model_free(m);
}

int main(int argc, char **argv)
{
    int epochs = 2, batch = 32, iters = 1000, threads = 2;
    int64_t n_train = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--latency-iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--n-train")) n_train = atoll(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    if (epochs < 1 || batch < 1 || iters < 1) { fprintf(stderr, "epochs, batch and latency-iters must be >= 1\n"); return 2; }
    brain_set_num_threads(threads);
    brain_set_random_seed(0);
    brain_tensor *img_tr, *lab_tr, *img_te, *lab_te, *xtr, *ytr, *xte, *yte;
    TRY(brain_load_fashion_mnist(NULL, &img_tr, &lab_tr, &img_te, &lab_te));
    prepare(img_tr, lab_tr, n_train, &xtr, &ytr);
    prepare(img_te, lab_te, 0, &xte, &yte);
    n_train = xtr->shape[0];

    /* ---- training */
    brain_model *m = lecture_cnn();
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy" }));
    double *times = calloc((size_t)epochs, sizeof(double));
    double med = fit_timed(m, xtr, ytr, epochs, batch, times);

    /* ---- test accuracy */
    const brain_eval_options silent = { .verbose = BRAIN_SILENT, .batch_size = 256 };
    brain_tensor *probs;
    TRY(brain_predict(m, xte, &silent, &probs));
    int64_t correct = 0;
    for (int64_t i = 0; i < xte->shape[0]; i++) {
        int best = 0, label = 0;
        for (int k = 1; k < 10; k++) {
            if (probs->data[i * 10 + k] > probs->data[i * 10 + best]) best = k;
            if (yte->data[i * 10 + k] > 0.5f) label = k;
        }
        correct += best == label;
    }
    brain_tensor_free(probs);
    double acc = (double)correct / (double)xte->shape[0];

    /* ---- 1-image latency: brain_predict, then brain_model_forward */
    brain_tensor *one = brain_tensor_slice_rows(xte, 0, 1);
    double lat_predict, lat_forward;
    latency_1(m, one, &silent, iters, &lat_predict, &lat_forward);

    /* ---- batch-256 inference over the first 2048 test images */
    brain_tensor *views[8];
    for (int k = 0; k < 8; k++) views[k] = brain_tensor_wrap(xte->data + (int64_t)k * 256 * 784, 4, (int64_t[]){ 256, 28, 28, 1 });
    double thr = throughput_b256(m, views, &silent);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = (double)ru.ru_maxrss / 1024.0;

    /* ---- the convolutions' own rate beside sgemm's on the same product */
    double c1f, c1t, c1g, c2f, c2t, c2g;
    conv_rate(28, 28, 1, 32, batch, &c1f, &c1t, &c1g);
    conv_rate(13, 13, 32, 64, batch, &c2f, &c2t, &c2g);

    printf("brain %s, sgemm %s, %d threads\n", BRAIN_VERSION, brain_sgemm_backend(), threads);
    printf("train:                      %.0f images/s (median epoch %.2f s after the first, %lld images)\n",
           (double)n_train / med, med, (long long)n_train);
    printf("test accuracy:              %.4f after %d epochs\n", acc, epochs);
    printf("1-image brain_predict:      %.1f us\n", lat_predict);
    printf("1-image brain_model_forward:%.1f us\n", lat_forward);
    printf("batch-256 inference:        %.0f images/s\n", thr);
    printf("peak RSS:                   %.1f MB\n", rss_mb);
    printf("conv1 28x28x1->32:   forward %.1f GFLOP/s, training %.1f GFLOP/s; sgemm %lldx32x9 %.1f GFLOP/s\n",
           c1f, c1t, (long long)batch * 676, c1g);
    printf("conv2 13x13x32->64:  forward %.1f GFLOP/s, training %.1f GFLOP/s; sgemm %lldx64x288 %.1f GFLOP/s\n",
           c2f, c2t, (long long)batch * 121, c2g);
    printf("RESULT {\"workload\": \"c_cnn_fmnist\", \"library\": \"brain\", \"batch\": %d, \"epochs\": %d, \"threads\": %d, "
           "\"n_train\": %lld, \"epoch_s\": [", batch, epochs, threads, (long long)n_train);
    for (int i = 0; i < epochs; i++) printf("%s%.4f", i ? ", " : "", times[i]);
    printf("], \"median_epoch_s_after_first\": %.4f, \"train_samples_per_s\": %.1f, \"test_acc\": %.4f, "
           "\"infer_latency_1_us\": %.1f, \"forward_latency_1_us\": %.1f, \"infer_b256_samples_per_s\": %.1f, "
           "\"max_rss_mb\": %.1f, \"conv1_fwd_gflops\": %.2f, \"conv1_train_gflops\": %.2f, \"conv1_sgemm_gflops\": %.2f, "
           "\"conv2_fwd_gflops\": %.2f, \"conv2_train_gflops\": %.2f, \"conv2_sgemm_gflops\": %.2f, \"sgemm_backend\": \"%s\"}\n",
           med, (double)n_train / med, acc, lat_predict, lat_forward, thr, rss_mb, c1f, c1t, c1g, c2f, c2t, c2g,
           brain_sgemm_backend());
    for (int k = 0; k < 8; k++) brain_tensor_free(views[k]);
    free(times);
    brain_tensor_free(one);
    brain_model_free(m);
    brain_tensor_free(xtr); brain_tensor_free(ytr); brain_tensor_free(xte); brain_tensor_free(yte);
    return 0;
}
