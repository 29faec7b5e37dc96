/* bench_attention.c — the text Transformer of examples/text_transformer.c at Keras's example sizes
 * (vocabulary 20000, sequence 200, embed 32, 2 heads, ff 32, batch 32), trained on synthetic ids;
 * and one attention block's peak memory at sequence length L.
 *
 *   ./build/bench_attention train [threads] [n] [epochs]   training samples/s (median epoch after the first)
 *   ./build/bench_attention infer DIR [threads]          exports the model (trained one short epoch) to
 *        DIR/text_transformer.onnx with 256 rows of inputs and brain's predictions (.npy) for
 *        bench/peers/ort_text_transformer.py; brain's batch-1 latency and batch-256 samples/s
 *   ./build/bench_attention share [threads] [n]           the MultiHeadAttention layer alone (its input a
 *        model input, GlobalAveragePooling1D + Dense(2) after it) trained as the full model is: the
 *        attention's share of a training step, and both models' FLOP/s
 *   ./build/bench_attention memory L [threads]            one training step of Embedding(20000, 32) +
 *        position Embedding + MultiHeadAttention(2, 32) + LayerNormalization + pooling at batch 1,
 *        sequence L: peak RSS (getrusage), and the T × S probabilities the layer keeps (H·L² floats)
 * The PyTorch peer is bench/peers/torch_text_transformer.py (same model, same modes); run_attention.sh
 * runs both.  Prints one RESULT line. */
#include "bench_util.h"
#include <string.h>
#include <sys/resource.h>

enum { VOCAB = 20000, EMBED = 32, HEADS = 2, FF = 32 };

static brain_model *text_transformer(int64_t L, bool full)
{
    brain_sym tok = brain_input_sym(BRAIN_SHAPE(L), "tokens"), pos = brain_input_sym(BRAIN_SHAPE(L), "positions");
    brain_sym x = brain_apply_n(brain_add(NULL), BRAIN_SYMS(brain_apply(brain_embedding(VOCAB, EMBED, NULL), tok),
                                                            brain_apply(brain_embedding(L, EMBED, NULL), pos)));
    brain_sym a = brain_apply_n(brain_multi_head_attention(HEADS, EMBED, NULL), BRAIN_SYMS(x, x));
    if (full) a = brain_apply(brain_dropout(0.1f, NULL), a);
    brain_layer_norm_options ln = {.epsilon = 1e-6f};
    brain_sym x1 = brain_apply(brain_layer_normalization(&ln), brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, a)));
    brain_sym h = x1;
    if (full) {
        brain_sym f = brain_apply(brain_dense(FF, &(brain_dense_options){.activation = BRAIN_RELU}), x1);
        f = brain_apply(brain_dense(EMBED, NULL), f);
        f = brain_apply(brain_dropout(0.1f, NULL), f);
        h = brain_apply(brain_layer_normalization(&ln), brain_apply_n(brain_add(NULL), BRAIN_SYMS(x1, f)));
    }
    h = brain_apply(brain_global_average_pooling1d(NULL), h);
    if (full) {
        h = brain_apply(brain_dropout(0.1f, NULL), h);
        h = brain_apply(brain_dense(20, &(brain_dense_options){.activation = BRAIN_RELU}), h);
        h = brain_apply(brain_dropout(0.1f, NULL), h);
    }
    brain_sym out = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), h);
    brain_model *m = brain_functional(BRAIN_SYMS(tok, pos), BRAIN_SYMS(out), NULL);
    if (!m) ok_or_exit(BRAIN_ERR_ARG);
    ok_or_exit(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy"}));
    return m;
}

static void make_data(int64_t n, int64_t L, brain_tensor **tok, brain_tensor **pos, brain_tensor **y)
{
    brain_rng r;
    brain_rng_seed(&r, 4321);
    *tok = brain_tensor_new(2, (int64_t[]){n, L});
    *pos = brain_tensor_new(2, (int64_t[]){n, L});
    *y = brain_tensor_new(1, (int64_t[]){n});
    for (int64_t i = 0; i < n; i++) {
        int64_t sum = 0;
        for (int64_t t = 0; t < L; t++) {
            int64_t id = 1 + brain_rng_below(&r, VOCAB - 1);
            (*tok)->data[i * L + t] = (float)id;
            (*pos)->data[i * L + t] = (float)t;
            sum += id < 100;
        }
        (*y)->data[i] = (float)(sum > L / 200);
    }
}

static double peak_rss_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Multiply-adds × 2 per sample of one forward at sequence L: the attention's four projections
 * (32 → 2·32 for q, k, v; 2·32 → 32), its two T×S products per head; the feed-forward's two
 * Dense; the head.  A training step is counted as 3 forwards (backward = two products per
 * forward product), the usual convention. */
static double attention_flops(int64_t L) { return 2.0 * (4.0 * L * EMBED * HEADS * EMBED + 2.0 * HEADS * L * L * EMBED); }
static double model_flops(int64_t L) { return attention_flops(L) + 2.0 * (2.0 * L * EMBED * FF) + 2.0 * (EMBED * 20 + 20 * 2); }

static brain_model *attention_only(int64_t L)
{
    brain_sym x = brain_input_sym(BRAIN_SHAPE(L, EMBED), "x");
    brain_sym a = brain_apply_n(brain_multi_head_attention(HEADS, EMBED, NULL), BRAIN_SYMS(x, x));
    brain_sym h = brain_apply(brain_global_average_pooling1d(NULL), a);
    brain_sym out = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), h);
    brain_model *m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(out), NULL);
    if (!m) ok_or_exit(BRAIN_ERR_ARG);
    ok_or_exit(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy"}));
    return m;
}

static double epoch_median(brain_model *m, int n_x, const brain_tensor *const *xs, const brain_tensor *y, int epochs)
{
    double times[16];
    for (int e = 0; e < epochs && e < 16; e++) {
        double t0 = now();
        ok_or_exit(brain_fit_multi(m, n_x, xs, 1, &y, &(brain_fit_options){.epochs = 1, .batch_size = 32, .verbose = BRAIN_SILENT}, NULL));
        times[e] = now() - t0;
    }
    return epochs > 1 ? median(times + 1, epochs - 1) : times[0];
}

static int share_mode(int threads, int64_t n)
{
    brain_set_num_threads(threads);
    brain_set_random_seed(1);
    brain_tensor *tok, *pos, *y;
    make_data(n, 200, &tok, &pos, &y);
    brain_tensor *x = brain_tensor_new(3, (int64_t[]){n, 200, EMBED});
    brain_rng r;
    brain_rng_seed(&r, 9);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)brain_rng_normal(&r);
    brain_model *full = text_transformer(200, true), *att = attention_only(200);
    double tf = 0, ta = 0;
    for (int round = 0; round < 2; round++) { /* alternated; the second round counts */
        tf = epoch_median(full, 2, (const brain_tensor *const[]){tok, pos}, y, 3);
        ta = epoch_median(att, 1, (const brain_tensor *const[]){x}, y, 3);
    }
    const double fs = (double)n / tf, as = (double)n / ta;
    printf("RESULT impl=brain mode=share threads=%d n=%lld full_samples_per_s=%.1f attention_only_samples_per_s=%.1f "
           "attention_share=%.3f full_gflops=%.2f attention_gflops=%.2f\n", threads, (long long)n, fs, as, tf > 0 ? ta / tf : 0,
           3.0 * model_flops(200) * fs / 1e9, 3.0 * attention_flops(200) * as / 1e9);
    brain_model_free(full); brain_model_free(att);
    brain_tensor_free(tok); brain_tensor_free(pos); brain_tensor_free(y); brain_tensor_free(x);
    return 0;
}

static int infer_mode(const char *dir, int threads)
{
    brain_set_num_threads(threads);
    brain_set_random_seed(1);
    brain_model *m = text_transformer(200, true);
    brain_tensor *tok, *pos, *y;
    make_data(2048, 200, &tok, &pos, &y);
    /* one short epoch, so that the exported weights are trained ones */
    brain_tensor *t64 = brain_tensor_new(2, (int64_t[]){64, 200}), *p64 = brain_tensor_new(2, (int64_t[]){64, 200}),
                 *y64 = brain_tensor_new(1, (int64_t[]){64});
    memcpy(t64->data, tok->data, sizeof(float) * 64 * 200);
    memcpy(p64->data, pos->data, sizeof(float) * 64 * 200);
    memcpy(y64->data, y->data, sizeof(float) * 64);
    ok_or_exit(brain_fit_multi(m, BRAIN_TENSORS(t64, p64), BRAIN_TENSORS(y64),
                               &(brain_fit_options){.epochs = 1, .batch_size = 32, .verbose = BRAIN_SILENT}, NULL));
    char path[1024];
    snprintf(path, sizeof path, "%s/text_transformer.onnx", dir);
    ok_or_exit(brain_export_onnx(m, path));
    brain_tensor *t256 = brain_tensor_new(2, (int64_t[]){256, 200}), *p256 = brain_tensor_new(2, (int64_t[]){256, 200}), *ref[1];
    memcpy(t256->data, tok->data, sizeof(float) * 256 * 200);
    memcpy(p256->data, pos->data, sizeof(float) * 256 * 200);
    const brain_eval_options eo = {.verbose = BRAIN_SILENT, .batch_size = 256};
    ok_or_exit(brain_predict_multi(m, BRAIN_TENSORS(t256, p256), &eo, ref));
    snprintf(path, sizeof path, "%s/tokens.npy", dir);
    ok_or_exit(brain_save_npy(path, t256));
    snprintf(path, sizeof path, "%s/positions.npy", dir);
    ok_or_exit(brain_save_npy(path, p256));
    snprintf(path, sizeof path, "%s/ref.npy", dir);
    ok_or_exit(brain_save_npy(path, ref[0]));
    /* batch 1: median of 200 calls after 20; batch 256: median of 5 passes over the 2048 rows */
    double lat[200], pass[5];
    brain_tensor *o1[1];
    brain_tensor *one_t = brain_tensor_new(2, (int64_t[]){1, 200}), *one_p = brain_tensor_new(2, (int64_t[]){1, 200});
    memcpy(one_t->data, tok->data, sizeof(float) * 200);
    memcpy(one_p->data, pos->data, sizeof(float) * 200);
    for (int i = 0; i < 220; i++) {
        double t0 = now();
        ok_or_exit(brain_predict_multi(m, BRAIN_TENSORS(one_t, one_p), &eo, o1));
        if (i >= 20) lat[i - 20] = now() - t0;
        brain_tensor_free(o1[0]);
    }
    for (int r = 0; r < 6; r++) {
        double t0 = now();
        ok_or_exit(brain_predict_multi(m, BRAIN_TENSORS(tok, pos), &eo, o1));
        if (r) pass[r - 1] = 2048.0 / (now() - t0);
        brain_tensor_free(o1[0]);
    }
    printf("RESULT impl=brain mode=infer threads=%d batch1_us=%.1f batch256_samples_per_s=%.1f\n", threads,
           median(lat, 200) * 1e6, median(pass, 5));
    brain_tensor_free(ref[0]);
    brain_tensor_free(one_t); brain_tensor_free(one_p); brain_tensor_free(t256); brain_tensor_free(p256);
    brain_tensor_free(t64); brain_tensor_free(p64); brain_tensor_free(y64);
    brain_tensor_free(tok); brain_tensor_free(pos); brain_tensor_free(y);
    brain_model_free(m);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "train";
    if (!strcmp(mode, "infer")) return infer_mode(argc > 2 ? argv[2] : ".", argc > 3 ? atoi(argv[3]) : 1);
    if (!strcmp(mode, "share")) return share_mode(argc > 2 ? atoi(argv[2]) : 1, argc > 3 ? atoll(argv[3]) : 512);
    if (!strcmp(mode, "memory")) {
        const int64_t L = argc > 2 ? atoll(argv[2]) : 200;
        brain_set_num_threads(argc > 3 ? atoi(argv[3]) : 1);
        brain_set_random_seed(1);
        double base = peak_rss_mb();
        brain_model *m = text_transformer(L, false);
        brain_tensor *tok, *pos, *y;
        make_data(1, L, &tok, &pos, &y);
        double t0 = now();
        ok_or_exit(brain_fit_multi(m, BRAIN_TENSORS(tok, pos), BRAIN_TENSORS(y),
                                   &(brain_fit_options){.epochs = 1, .batch_size = 1, .verbose = BRAIN_SILENT}, NULL));
        double secs = now() - t0, probs_mb = (double)HEADS * (double)L * (double)L * 4.0 / 1048576.0;
        printf("RESULT impl=brain mode=memory L=%lld max_rss_mb=%.1f start_rss_mb=%.1f probs_mb=%.1f step_s=%.3f\n", (long long)L,
               peak_rss_mb(), base, probs_mb, secs);
        brain_model_free(m);
        brain_tensor_free(tok); brain_tensor_free(pos); brain_tensor_free(y);
        return 0;
    }
    const int threads = argc > 2 ? atoi(argv[2]) : 1;
    const int64_t n = argc > 3 ? atoll(argv[3]) : 2048;
    const int epochs = argc > 4 ? atoi(argv[4]) : 3;
    brain_set_num_threads(threads);
    brain_set_random_seed(1);
    brain_model *m = text_transformer(200, true);
    brain_tensor *tok, *pos, *y;
    make_data(n, 200, &tok, &pos, &y);
    double times[64];
    for (int e = 0; e < epochs && e < 64; e++) {
        double t0 = now();
        ok_or_exit(brain_fit_multi(m, BRAIN_TENSORS(tok, pos), BRAIN_TENSORS(y),
                                   &(brain_fit_options){.epochs = 1, .batch_size = 32, .verbose = BRAIN_SILENT}, NULL));
        times[e] = now() - t0;
    }
    double t = epochs > 1 ? median(times + 1, epochs - 1) : times[0];
    printf("RESULT impl=brain mode=train threads=%d n=%lld epoch_s=%.3f samples_per_s=%.1f gflops=%.2f max_rss_mb=%.1f\n", threads,
           (long long)n, t, (double)n / t, 3.0 * model_flops(200) * (double)n / t / 1e9, peak_rss_mb());
    brain_model_free(m);
    brain_tensor_free(tok); brain_tensor_free(pos); brain_tensor_free(y);
    return 0;
}
