/* ecg_lstm.c — the lecture's "Code Snippet: LSTM for Time Series", in C, and the same model with
 * SimpleRNN in the LSTM's place, side by side (the lecture's demo: SimpleRNN struggles with long
 * sequences, LSTM's gates keep what matters).
 *
 *   model = Sequential([
 *       LSTM(64, input_shape=(140, 1)),      # or SimpleRNN(64, ...)
 *       Dropout(0.2),
 *       Dense(32, activation='relu'),
 *       Dense(5, activation='softmax')       # 5 heartbeat classes
 *   ])
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *
 * Data: brain_make_ecg — ECG5000-like heartbeats, 140 samples each, 5 balanced classes (how each
 * class is made: docs/data.md); labels one-hot encoded.  3,000 training and 1,000 test beats,
 * batch 32, 15 epochs, the last 10% of the training beats for validation.
 *
 * Run: ./build/ecg_lstm  (BRAIN_QUICK=1: 256 training and 128 test beats, 2 epochs, for the test
 * suite).  Exit codes: 0 done, 1 a library error. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

/* trains one model and returns its test accuracy */
static double train_and_test(const char *name, brain_layer *recurrent, const brain_tensor *x_train, const brain_tensor *y_train,
                             const brain_tensor *x_test, const brain_tensor *y_test, int epochs, double *seconds)
{
    brain_model *m = brain_sequential(name);
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1))));
    TRY(brain_model_add(m, recurrent));
    TRY(brain_model_add(m, brain_dropout(0.2f, NULL)));
    TRY(brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU})));
    TRY(brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                  .metric_names = (const char *[]){"accuracy", NULL}}));
    TRY(brain_model_summary(m, 0));
    brain_history *h = NULL;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){.epochs = epochs, .batch_size = 32, .validation_split = 0.1f,
                                                            .verbose = BRAIN_ONE_LINE_PER_EPOCH}, &h));
    clock_gettime(CLOCK_MONOTONIC, &b);
    *seconds = (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec);
    brain_logs logs = {0};
    TRY(brain_evaluate(m, x_test, y_test, &(brain_eval_options){.verbose = BRAIN_SILENT}, &logs));
    double acc = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("%s: test accuracy %.4f\n\n", name, acc);
    brain_history_free(h);
    brain_model_free(m);
    return acc;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    const int64_t n_train = quick ? 256 : 3000, n_test = quick ? 128 : 1000;
    const int epochs = quick ? 2 : 15;
    brain_set_random_seed(42);

    brain_tensor *x_train, *ids_train, *x_test, *ids_test, *y_train, *y_test;
    TRY(brain_make_ecg(n_train, 1, NULL, &x_train, &ids_train));
    TRY(brain_make_ecg(n_test, 2, NULL, &x_test, &ids_test));
    TRY(brain_to_categorical(ids_train, 5, &y_train));
    TRY(brain_to_categorical(ids_test, 5, &y_test));
    printf("ECG beats: x_train (%lld, 140, 1), x_test (%lld, 140, 1), 5 classes one-hot\n\n",
           (long long)n_train, (long long)n_test);

    double t_lstm, t_rnn;
    double acc_lstm = train_and_test("ecg_lstm", brain_lstm(64, NULL), x_train, y_train, x_test, y_test, epochs, &t_lstm);
    double acc_rnn = train_and_test("ecg_simple_rnn", brain_simple_rnn(64, NULL), x_train, y_train, x_test, y_test, epochs, &t_rnn);

    printf("LSTM versus SimpleRNN on %lld test beats (chance: 0.20)\n", (long long)n_test);
    printf("  %-10s test accuracy %.4f   training %.1f s\n", "LSTM", acc_lstm, t_lstm);
    printf("  %-10s test accuracy %.4f   training %.1f s\n", "SimpleRNN", acc_rnn, t_rnn);
    printf("  LSTM %s SimpleRNN by %.1f points\n", acc_lstm >= acc_rnn ? "leads" : "trails", 100 * fabs(acc_lstm - acc_rnn));

    brain_tensor *all[] = {x_train, ids_train, x_test, ids_test, y_train, y_test};
    for (int i = 0; i < 6; i++) brain_tensor_free(all[i]);
    return 0;
}
