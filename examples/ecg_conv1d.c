/* ecg_conv1d.c — a small Conv1D network classifying one-dimensional signals: the library's
 * ECG5000-like heartbeats (brain_make_ecg: 140 samples, one channel, 5 balanced classes — normal
 * beat and four abnormal morphologies; how each is made is in docs/data.md), the same data the
 * LSTM example (ecg_lstm.c) reads, so the two kinds of model can be compared.
 *
 *   model = Sequential([
 *       Input((140, 1)),
 *       Conv1D(16, 7, activation='relu'),    # spike detectors of several widths
 *       MaxPooling1D(2),
 *       Conv1D(32, 5, activation='relu'),
 *       MaxPooling1D(2),
 *       GlobalAveragePooling1D(),             # how much of each pattern the trace holds
 *       Dense(3, activation='softmax')])
 *   compile(optimizer=Adam(1e-3), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
 *
 * Run: ./build/ecg_conv1d  (3,000 training and 1,000 test beats, 10 epochs; BRAIN_QUICK=1: 600
 * and 300, for the test suite).  Prints the test accuracy. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { LEN = 140, CLASSES = 5 };

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(7);
    brain_tensor *x_train, *y_train, *x_test, *y_test;
    TRY(brain_make_ecg(quick ? 600 : 3000, 1, NULL, &x_train, &y_train));
    TRY(brain_make_ecg(quick ? 300 : 1000, 2, NULL, &x_test, &y_test));
    printf("ECG-like beats: %lld training and %lld test beats of %d samples, %d classes\n",
           (long long)x_train->shape[0], (long long)x_test->shape[0], LEN, CLASSES);

    brain_model *m = brain_sequential("ecg");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(LEN, 1))));
    TRY(brain_model_add(m, brain_conv1d(16, 7, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling1d(NULL)));
    TRY(brain_model_add(m, brain_conv1d(32, 5, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling1d(NULL)));
    TRY(brain_model_add(m, brain_global_average_pooling1d(NULL)));
    TRY(brain_model_add(m, brain_dense(CLASSES, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    TRY(brain_model_summary(m, 0));
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){ .epochs = 10, .batch_size = 32,
                                                             .validation_split = 0.1f, .verbose = BRAIN_ONE_LINE_PER_EPOCH }, NULL));
    brain_logs logs = { 0 };
    TRY(brain_evaluate(m, x_test, y_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("Test accuracy: %.4f on %lld beats (chance: 0.20)\n", acc, (long long)x_test->shape[0]);
    brain_model_free(m);
    brain_tensor_free(x_train);
    brain_tensor_free(y_train);
    brain_tensor_free(x_test);
    brain_tensor_free(y_test);
    return 0;
}
