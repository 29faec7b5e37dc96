/* bench_mlp.c — the lecture's tabular model trained by this library, measured the way
 * bench/peers/torch_mlp.py measures PyTorch (bench/run_mlp.sh runs both and compares).
 *
 *   breast cancer data, stratified 80/20 split (random_state 42), StandardScaler fit on train,
 *   Input(30) → Dense(64, relu) → Dropout(0.5) → Dense(1, sigmoid), Adam(1e-3),
 *   binary cross-entropy, batch 32, 100 epochs, brain_fit with verbose silent.
 *
 * Figures (as the peer's common.report()):
 *   train_samples_per_s     n_train / median epoch time after the first (loss only, as the peer)
 *   train_samples_per_s_acc the same with metrics=['accuracy'] (a second, fresh model)
 *   test_acc                 of the loss-only model, from brain_predict (p > 0.5)
 *   infer_latency_1_us       median of single brain_predict calls on one row (verbose silent),
 *                            output tensor freed inside the timed region
 *   forward_latency_1_us     median of single brain_model_forward calls on one row
 *   infer_b256_samples_per_s 2048 tiled test rows in brain_predict calls of 256 rows, median of 5
 *   max_rss_mb               getrusage(RUSAGE_SELF).ru_maxrss at the end
 *
 * Usage: bench_mlp [--epochs N] [--batch N] [--latency-iters N] [--seed N]
 * Prints human lines, then one line `RESULT {json}`. */
#include "bench_util.h"
#include "mlp_workload.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>



int main(int argc, char **argv)
{
    int epochs = 100, batch = 32, iters = 1000;
    uint64_t seed = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--latency-iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = (uint64_t)atoll(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    if (epochs < 1 || batch < 1 || iters < 1) { fprintf(stderr, "epochs, batch and latency-iters must be >= 1\n"); return 2; }
    brain_set_random_seed(seed);

    mlp_data d = {0};
    mlp_data_load(&d);
    const brain_tensor *xtr = d.x_train, *xte = d.x_test, *ytr = d.y_train, *yte = d.y_test;
    const int64_t n_train = xtr->shape[0], n_test = xte->shape[0];

    /* ---- training: loss only (as the peer), then with metrics=['accuracy'] */
    double *times = calloc((size_t)epochs, sizeof(double)), *times_acc = calloc((size_t)epochs, sizeof(double));
    brain_model *m = mlp_model(NULL);
    double med = fit_timed(m, xtr, ytr, epochs, batch, times);
    brain_model *ma = mlp_model((const char *[]){ "accuracy", NULL });
    double med_acc = fit_timed(ma, xtr, ytr, epochs, batch, times_acc);
    brain_model_free(ma);

    /* a fingerprint of the trained weights: equal across builds when training is bit-identical */
    double wsum = 0;
    const float *w = brain_model_params(m);
    for (int64_t i = 0; i < brain_model_count_trainable(m); i++) wsum += (double)w[i] * (double)(i % 7 + 1);

    /* ---- test accuracy of the loss-only model */
    const brain_eval_options silent = { .verbose = BRAIN_SILENT };
    brain_tensor *p;
    TRY(brain_predict(m, xte, &silent, &p));
    int64_t correct = 0;
    for (int64_t i = 0; i < n_test; i++) correct += (p->data[i] > 0.5f) == (yte->data[i] > 0.5f);
    brain_tensor_free(p);
    double acc = (double)correct / (double)n_test;

    /* ---- 1-row latency: brain_predict, then brain_model_forward */
    brain_tensor *one = brain_tensor_slice_rows(xte, 0, 1);
    double lat_predict, lat_forward;
    latency_1(m, one, &silent, iters, &lat_predict, &lat_forward);

    /* ---- batch-256 inference: 2048 tiled test rows, 8 brain_predict calls per pass */
    const int64_t nb = 2048, F = xte->shape[1];
    float *tiled = malloc(sizeof(float) * (size_t)(nb * F));
    for (int64_t r = 0; r < nb; r++) memcpy(tiled + r * F, xte->data + (r % n_test) * F, sizeof(float) * (size_t)F);
    brain_tensor *views[8];
    for (int k = 0; k < 8; k++) views[k] = brain_tensor_wrap(tiled + (int64_t)k * 256 * F, 2, (int64_t[]){ 256, F });
    const brain_eval_options b256 = { .verbose = BRAIN_SILENT, .batch_size = 256 };
    double thr = throughput_b256(m, views, &b256);

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss_mb = (double)ru.ru_maxrss / 1024.0;

    printf("brain %s, sgemm %s\n", BRAIN_VERSION, brain_sgemm_backend());
    printf("train (loss only):          %.0f samples/s (median epoch %.1f us, %lld samples)\n",
           (double)n_train / med, med * 1e6, (long long)n_train);
    printf("train (metrics=accuracy):   %.0f samples/s (median epoch %.1f us)\n", (double)n_train / med_acc, med_acc * 1e6);
    printf("test accuracy:              %.4f\n", acc);
    printf("1-row brain_predict:        %.2f us\n", lat_predict);
    printf("1-row brain_model_forward:  %.2f us\n", lat_forward);
    printf("batch-256 inference:        %.0f samples/s\n", thr);
    printf("peak RSS:                   %.1f MB\n", rss_mb);

    printf("RESULT {\"workload\": \"a_mlp_breast_cancer\", \"library\": \"brain\", \"batch\": %d, \"epochs\": %d, "
           "\"seed\": %llu, \"n_train\": %lld, \"epoch_s\": [", batch, epochs, (unsigned long long)seed, (long long)n_train);
    for (int i = 0; i < epochs && epochs <= 200; i++) printf("%s%.6f", i ? ", " : "", times[i]); /* long runs: omitted */
    printf("], \"median_epoch_s_after_first\": %.6f, \"train_samples_per_s\": %.1f, "
           "\"median_epoch_s_after_first_acc\": %.6f, \"train_samples_per_s_acc\": %.1f, \"test_acc\": %.4f, "
           "\"infer_latency_1_us\": %.2f, \"forward_latency_1_us\": %.2f, \"infer_b256_samples_per_s\": %.1f, "
           "\"max_rss_mb\": %.1f, \"sgemm_backend\": \"%s\", \"weights_fingerprint\": %.17g}\n",
           med, (double)n_train / med, med_acc, (double)n_train / med_acc, acc, lat_predict, lat_forward, thr, rss_mb,
           brain_sgemm_backend(), wsum);

    for (int k = 0; k < 8; k++) brain_tensor_free(views[k]);
    free(tiled); free(times); free(times_acc);
    brain_tensor_free(one);
    brain_model_free(m);
    mlp_data_free(&d);
    return 0;
}
