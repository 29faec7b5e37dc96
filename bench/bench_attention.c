/* bench_attention.c — the text Transformer of examples/text_transformer.c at Keras's example sizes
 * (vocabulary 20000, sequence 200, embed 32, 2 heads, ff 32, batch 32), trained on synthetic ids;
 * and one attention block's peak memory at sequence length L.
 *
 *   ./build/bench_attention train [threads] [n] [epochs]   training samples/s (median epoch after the first)
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

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "train";
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
    printf("RESULT impl=brain mode=train threads=%d n=%lld epoch_s=%.3f samples_per_s=%.1f max_rss_mb=%.1f\n", threads,
           (long long)n, t, (double)n / t, peak_rss_mb());
    brain_model_free(m);
    brain_tensor_free(tok); brain_tensor_free(pos); brain_tensor_free(y);
    return 0;
}
