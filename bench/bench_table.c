/* bench_table.c — brain's side of bench/run_all.sh's table (issue 13): one workload per process,
 * either trained or served, measured as bench/peers/table_peer.py measures PyTorch and ONNX Runtime.
 *
 *   bench_table train WORKLOAD --data DIR [--epochs N] [--n-train N] [--threads N] [--save PREFIX]
 *       trains on DIR/<w>_x_train.npy, <w>_y_train.npy (bench/peers/table_data.py writes them);
 *       train_samples_per_s = n_train / the median epoch time after the first (brain_fit, silent,
 *       loss only, batch 32, Adam 1e-3).  --save writes PREFIX.keras and PREFIX.onnx (the same
 *       weights for the inference processes and for ONNX Runtime).
 *   bench_table infer WORKLOAD --model PREFIX.keras --data DIR [--threads N] [--latency-iters N] [--rows N]
 *       an inference-only process: loads the model and DIR/<w>_x_test.npy, then b1_us = median of
 *       single-row brain_predict calls (after 50 warm-ups), b256_samples_per_s = the first ROWS
 *       rows (default 2048, a multiple of 256) in calls of 256, median of 5 passes after one
 *       warm-up pass; max_rss_mb = ru_maxrss at the end.
 *
 * WORKLOAD: mlp   Input(30) → Dense(64, relu) → Dropout(0.5) → Dense(1, sigmoid), binary CE
 *           dense Input(784) → Dense(128, relu) → Dense(64, relu) → Dense(10, softmax), sparse CE
 *           cnn   the lecture CNN (cnn_workload.h), sparse CE
 *           ecg   LSTM(64) on (140, 1) → Dropout(0.2) → Dense(32, relu) → Dense(5, softmax), sparse CE
 *           text  Embedding(10000, 64) → LSTM(64) → Dense(1, sigmoid) on 200 ids, binary CE
 * --threads N: brain_set_num_threads(N); 0 (default) leaves the library's own choice (docs/threads.md).
 * Prints one line `RESULT {json}`. */
#include "bench_util.h"
#include "cnn_workload.h"
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static brain_model *build(const char *w)
{
    brain_model *m;
    const char *loss = "sparse_categorical_crossentropy";
    if (!strcmp(w, "cnn")) {
        m = lecture_cnn();
    } else {
        m = brain_sequential(w);
        if (!strcmp(w, "mlp")) {
            brain_model_add(m, brain_input(BRAIN_SHAPE(30)));
            brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}));
            brain_model_add(m, brain_dropout(0.5f, NULL));
            brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
            loss = "binary_crossentropy";
        } else if (!strcmp(w, "dense")) {
            brain_model_add(m, brain_input(BRAIN_SHAPE(784)));
            brain_model_add(m, brain_dense(128, &(brain_dense_options){.activation = BRAIN_RELU}));
            brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}));
            brain_model_add(m, brain_dense(10, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
        } else if (!strcmp(w, "ecg")) {
            brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1)));
            brain_model_add(m, brain_lstm(64, NULL));
            brain_model_add(m, brain_dropout(0.2f, NULL));
            brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}));
            brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
        } else if (!strcmp(w, "text")) {
            brain_model_add(m, brain_input(BRAIN_SHAPE(200)));
            brain_model_add(m, brain_embedding(10000, 64, NULL));
            brain_model_add(m, brain_lstm(64, NULL));
            brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
            loss = "binary_crossentropy";
        } else {
            fprintf(stderr, "unknown workload '%s' (mlp, dense, cnn, ecg, text)\n", w);
            exit(2);
        }
    }
    ok_or_exit(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = loss}));
    return m;
}

static brain_tensor *load(const char *dir, const char *w, const char *what)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s_%s.npy", dir, w, what);
    brain_tensor *t;
    ok_or_exit(brain_load_npy(path, &t));
    return t;
}

static double max_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_table train|infer WORKLOAD --data DIR [options] (see the file's header)\n");
        return 2;
    }
    const char *mode = argv[1], *w = argv[2], *dir = NULL, *save = NULL, *model_path = NULL;
    int epochs = 3, threads = 0, iters = 1000, rows = 2048;
    int64_t n_train = 0;
    for (int i = 3; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--data")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--n-train")) n_train = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--save")) save = argv[i + 1];
        else if (!strcmp(argv[i], "--model")) model_path = argv[i + 1];
        else if (!strcmp(argv[i], "--latency-iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--rows")) rows = atoi(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    if (!dir || epochs < 1 || iters < 1 || rows < 256 || rows % 256 || (strcmp(mode, "train") && strcmp(mode, "infer")) ||
        (!strcmp(mode, "infer") && !model_path)) {
        fprintf(stderr, "usage: bench_table train|infer WORKLOAD --data DIR [--model PREFIX.keras for infer]\n");
        return 2;
    }
    if (threads > 0) brain_set_num_threads(threads);
    brain_set_random_seed(0);

    if (!strcmp(mode, "train")) {
        brain_tensor *x = load(dir, w, "x_train"), *y = load(dir, w, "y_train");
        if (n_train > 0 && n_train < x->shape[0]) {
            brain_tensor *a = brain_tensor_slice_rows(x, 0, n_train), *b = brain_tensor_slice_rows(y, 0, n_train);
            brain_tensor_free(x);
            brain_tensor_free(y);
            x = a;
            y = b;
        }
        n_train = x->shape[0];
        brain_model *m = build(w);
        double *times = calloc((size_t)epochs, sizeof(double));
        if (!times) ok_or_exit(BRAIN_ERR_NOMEM);
        double med = fit_timed(m, x, y, epochs, 32, times);
        if (save) {
            char path[1100];
            snprintf(path, sizeof path, "%s.keras", save);
            ok_or_exit(brain_save(m, path));
            if (brain_onnx_available()) {
                snprintf(path, sizeof path, "%s.onnx", save);
                ok_or_exit(brain_export_onnx(m, path));
            }
        }
        printf("RESULT {\"side\": \"brain\", \"mode\": \"train\", \"workload\": \"%s\", \"threads\": %d, \"n_train\": %lld, "
               "\"epochs\": %d, \"epoch_s\": [", w, threads, (long long)n_train, epochs);
        for (int i = 0; i < epochs; i++) printf("%s%.6f", i ? ", " : "", times[i]);
        printf("], \"train_samples_per_s\": %.1f, \"max_rss_mb\": %.1f, \"version\": \"%s\", \"sgemm\": \"%s\"}\n",
               (double)n_train / med, max_rss_mb(), BRAIN_VERSION, brain_sgemm_backend());
        free(times);
        brain_model_free(m);
        brain_tensor_free(x);
        brain_tensor_free(y);
        return 0;
    }

    brain_model *m;
    ok_or_exit(brain_load_model(model_path, &m, NULL));
    brain_tensor *xte = load(dir, w, "x_test");
    if (xte->shape[0] < rows) {
        fprintf(stderr, "%s/%s_x_test.npy: %lld rows, %d needed\n", dir, w, (long long)xte->shape[0], rows);
        return 1;
    }
    const int64_t row = xte->size / xte->shape[0];
    int64_t shape[8] = {0};
    for (int d = 1; d < xte->ndim; d++) shape[d] = xte->shape[d];
    const brain_eval_options opt = {.verbose = BRAIN_SILENT, .batch_size = 256};
    shape[0] = 1;
    brain_tensor *one = brain_tensor_wrap(xte->data, xte->ndim, shape);
    double b1_us, fwd_us;
    latency_1(m, one, &opt, iters, &b1_us, &fwd_us);
    const int nb = rows / 256;
    brain_tensor *views[64];
    if (nb > 64) { fprintf(stderr, "--rows: at most 16384\n"); return 2; }
    shape[0] = 256;
    for (int k = 0; k < nb; k++) views[k] = brain_tensor_wrap(xte->data + (int64_t)k * 256 * row, xte->ndim, shape);
    double passes[5];
    for (int r = -1; r < 5; r++) { /* one warm-up pass, then 5 timed */
        const double t = now();
        for (int k = 0; k < nb; k++) {
            brain_tensor *p;
            ok_or_exit(brain_predict(m, views[k], &opt, &p));
            brain_tensor_free(p);
        }
        if (r >= 0) passes[r] = rows / (now() - t);
    }
    const double b256 = median(passes, 5);
    printf("RESULT {\"side\": \"brain\", \"mode\": \"infer\", \"workload\": \"%s\", \"threads\": %d, \"b1_us\": %.2f, "
           "\"b1_forward_us\": %.2f, \"b256_samples_per_s\": %.1f, \"max_rss_mb\": %.1f, \"version\": \"%s\"}\n",
           w, threads, b1_us, fwd_us, b256, max_rss_mb(), BRAIN_VERSION);
    for (int k = 0; k < nb; k++) brain_tensor_free(views[k]);
    brain_tensor_free(one);
    brain_tensor_free(xte);
    brain_model_free(m);
    return 0;
}
