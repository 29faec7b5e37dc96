/* bench_rnn.c — the lecture's sequence models trained by this library, measured the way
 * bench/peers/torch_lstm_ecg.py and torch_embed_lstm.py measure PyTorch (bench/run_rnn.sh runs
 * them alternately on the same data and compares):
 *   --model ecg  : LSTM(64) on (140, 1) → Dropout(0.2) → Dense(32, relu) → Dense(5, softmax),
 *                  categorical CE; 4000 training / 1000 test beats; 3 epochs
 *   --model text : Embedding(10000, 64) → LSTM(64) → Dense(1, sigmoid), binary CE;
 *                  5000 training / 1000 test sequences of 200 ids; 2 epochs
 * Adam(1e-3), batch 32, brain_fit verbose silent, loss only (as the peers).  The data are the
 * peers' own synthetic sets (bench/peers/common.py), written as .npy by
 * bench/peers/make_rnn_data.py and read here with brain_load_npy.
 * Figures: train_samples_per_s = n_train / median epoch time after the first; test_acc;
 * max_rss_mb = getrusage ru_maxrss at the end.
 * Usage: bench_rnn --data DIR --model ecg|text [--epochs N] [--batch N] [--n-train N] [--seed N]
 * Prints human lines, then one line `RESULT {json}`. */
#include "bench_util.h"
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

static brain_model *ecg_model(void)
{
    brain_model *m = brain_sequential("ecg_lstm");
    brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1)));
    brain_model_add(m, brain_lstm(64, NULL));
    brain_model_add(m, brain_dropout(0.2f, NULL));
    brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy"}));
    return m;
}

static brain_model *text_model(int64_t steps)
{
    brain_model *m = brain_sequential("text_lstm");
    brain_model_add(m, brain_input(BRAIN_SHAPE(steps)));
    brain_model_add(m, brain_embedding(10000, 64, NULL));
    brain_model_add(m, brain_lstm(64, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy"}));
    return m;
}
static brain_tensor *load(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.npy", dir, name);
    brain_tensor *t;
    TRY(brain_load_npy(path, &t));
    return t;
}

int main(int argc, char **argv)
{
    const char *model = "ecg", *dir = NULL;
    int epochs = 0, batch = 32;
    int64_t n_train = 0;
    uint64_t seed = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--model")) model = argv[i + 1];
        else if (!strcmp(argv[i], "--data")) dir = argv[i + 1];
        else if (!strcmp(argv[i], "--epochs")) epochs = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--n-train")) n_train = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--seed")) seed = (uint64_t)atoll(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    bool ecg = !strcmp(model, "ecg");
    if ((!ecg && strcmp(model, "text")) || !dir) {
        fprintf(stderr, "usage: bench_rnn --data DIR (from bench/peers/make_rnn_data.py) --model ecg|text\n");
        return 2;
    }
    if (epochs <= 0) epochs = ecg ? 3 : 2;
    if (batch < 1) { fprintf(stderr, "batch must be >= 1\n"); return 2; }
    brain_set_random_seed(seed);
    brain_tensor *xtr, *ytr, *xte, *yte;
    xtr = load(dir, ecg ? "ecg_x_train" : "tok_x_train");
    ytr = load(dir, ecg ? "ecg_y_train" : "tok_y_train");
    xte = load(dir, ecg ? "ecg_x_test" : "tok_x_test");
    yte = load(dir, ecg ? "ecg_y_test" : "tok_y_test");
    if (ecg) { /* class ids → one-hot, as the lecture's categorical cross-entropy wants */
        brain_tensor *a, *b;
        TRY(brain_to_categorical(ytr, 5, &a));
        TRY(brain_to_categorical(yte, 5, &b));
        brain_tensor_free(ytr); brain_tensor_free(yte);
        ytr = a; yte = b;
    }
    if (n_train > 0 && n_train < xtr->shape[0]) {
        brain_tensor *a = brain_tensor_slice_rows(xtr, 0, n_train), *b = brain_tensor_slice_rows(ytr, 0, n_train);
        brain_tensor_free(xtr); brain_tensor_free(ytr);
        xtr = a; ytr = b;
    }
    n_train = xtr->shape[0];
    brain_model *m = ecg ? ecg_model() : text_model(200);

    double *times = calloc((size_t)epochs, sizeof(double));
    if (!times) { fprintf(stderr, "error: out of memory\n"); return 1; }
    double med = fit_timed(m, xtr, ytr, epochs, batch, times);

    brain_tensor *p;
    TRY(brain_predict(m, xte, &(brain_eval_options){.verbose = BRAIN_SILENT, .batch_size = 256}, &p));
    int64_t correct = 0, nte = xte->shape[0];
    for (int64_t i = 0; i < nte; i++) {
        if (ecg) {
            int best = 0;
            for (int k = 1; k < 5; k++) if (p->data[i * 5 + k] > p->data[i * 5 + best]) best = k;
            correct += yte->data[i * 5 + best] == 1;
        } else {
            correct += (p->data[i] > 0.5f) == (yte->data[i] > 0.5f);
        }
    }
    brain_tensor_free(p);
    double acc = (double)correct / (double)nte;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double rss = (double)ru.ru_maxrss / 1024.0;

    printf("brain %s, sgemm %s, model %s\n", BRAIN_VERSION, brain_sgemm_backend(), model);
    printf("train: %.0f sequences/s (median epoch %.3f s, %lld sequences)\n", (double)n_train / med, med, (long long)n_train);
    printf("test accuracy: %.4f\npeak RSS: %.1f MB\n", acc, rss);
    printf("RESULT {\"workload\": \"%s\", \"library\": \"brain\", \"batch\": %d, \"epochs\": %d, \"n_train\": %lld, \"epoch_s\": [",
           ecg ? "d_lstm_ecg_synthetic" : "e_embed_lstm_synth", batch, epochs, (long long)n_train);
    for (int i = 0; i < epochs; i++) printf("%s%.6f", i ? ", " : "", times[i]);
    printf("], \"median_epoch_s_after_first\": %.6f, \"train_samples_per_s\": %.1f, \"test_acc\": %.4f, \"max_rss_mb\": %.1f, "
           "\"sgemm_backend\": \"%s\"}\n", med, (double)n_train / med, acc, rss, brain_sgemm_backend());
    brain_tensor_free(xtr); brain_tensor_free(ytr); brain_tensor_free(xte); brain_tensor_free(yte);
    brain_model_free(m);
    free(times);
    return 0;
}
