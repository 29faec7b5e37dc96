/* main.c — a program using brain as installed (tests/consumer/run.sh builds it five ways): trains
 * a small classifier on two Gaussian blobs and checks that it learned them. */
#include <brain.h>
#include <stdio.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

int main(void)
{
    if (strcmp(brain_version(), BRAIN_VERSION_STRING) != 0) {
        fprintf(stderr, "library %s, header %s\n", brain_version(), BRAIN_VERSION_STRING);
        return 1;
    }
    enum { N = 256 };
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ N, 2 }), *y = brain_tensor_new(2, (int64_t[]){ N, 1 });
    if (!x || !y) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    uint32_t s = 1;
    for (int i = 0; i < N; i++) { /* class i % 2 around (±1, ±1), uniform noise in ±0.8 */
        float c = (i % 2) ? 1.0f : -1.0f;
        for (int j = 0; j < 2; j++) {
            s = s * 1664525u + 1013904223u;
            x->data[i * 2 + j] = c + 1.6f * ((float)(s >> 8) / 16777216.0f - 0.5f);
        }
        y->data[i] = (float)(i % 2);
    }
    brain_set_random_seed(7);
    brain_model *m = brain_sequential("consumer");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(2))));
    TRY(brain_model_add(m, brain_dense(8, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID })));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.05f }),
                                                   .loss_name = "binary_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_history *h = NULL;
    TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 20, .batch_size = 32, .verbose = BRAIN_SILENT }, &h));
    int n = 0;
    const double *loss = brain_history_get(h, "loss", &n);
    brain_logs logs;
    TRY(brain_evaluate(m, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc = 0;
    if (!loss || n != 20 || !brain_logs_get(&logs, "accuracy", &acc)) { fprintf(stderr, "no history or accuracy\n"); return 1; }
    printf("brain %s, kernels %s: loss %.4f -> %.4f, accuracy %.3f\n", brain_version(), brain_kernel_isa(), loss[0],
           loss[n - 1], acc);
    int ok = loss[n - 1] < 0.5 * loss[0] && acc >= 0.95;
    brain_history_free(h);
    brain_model_free(m);
    brain_tensor_free(x);
    brain_tensor_free(y);
    if (!ok) fprintf(stderr, "the model did not learn the blobs\n");
    return ok ? 0 : 1;
}
