/* ecg_conv1d.c — a small Conv1D network classifying one-dimensional signals: synthetic ECG-like
 * traces, generated here (no data files).
 *
 * The signal: 2.56 s sampled at 100 Hz (256 samples, one channel).  Each heartbeat is a sharp QRS
 * spike (a Gaussian bump of height 1) followed 0.25 s later by a T wave (height 0.3, width 40 ms);
 * on top come a slow baseline wander (0.2–0.5 Hz, amplitude up to 0.2) and white noise (σ 0.05).
 * Three classes, equally many of each:
 *   0 normal rhythm:   60–90 beats per minute, QRS width σ 12 ms
 *   1 tachycardia:     130–170 beats per minute, QRS width σ 12 ms
 *   2 wide QRS:        60–90 beats per minute, QRS width σ 35 ms (as in a bundle branch block)
 * The first beat's phase is random, and each beat-to-beat interval varies by ±5 %.
 *
 *   model = Sequential([
 *       Input((256, 1)),
 *       Conv1D(16, 7, activation='relu'),    # spike detectors of several widths
 *       MaxPooling1D(2),
 *       Conv1D(32, 5, activation='relu'),
 *       MaxPooling1D(2),
 *       GlobalAveragePooling1D(),             # how much of each pattern the trace holds
 *       Dense(3, activation='softmax')])
 *   compile(optimizer=Adam(1e-3), loss='sparse_categorical_crossentropy', metrics=['accuracy'])
 *
 * Run: ./build/ecg_conv1d  (3,000 training and 900 test traces, 10 epochs; BRAIN_QUICK=1: 600 and
 * 300, 3 epochs, for the test suite).  Prints the test accuracy. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { LEN = 256, CLASSES = 3 };
static const double FS = 100.0, PI = 3.14159265358979323846;

static double uniform(brain_rng *r, double lo, double hi) { return lo + (hi - lo) * brain_rng_uniform(r); }

/* one trace of class k into x[0..LEN) */
static void ecg_trace(brain_rng *r, int k, float *x)
{
    double bpm = k == 1 ? uniform(r, 130, 170) : uniform(r, 60, 90);
    double qrs = k == 2 ? 0.035 : 0.012, period = 60.0 / bpm;
    double wander_f = uniform(r, 0.2, 0.5), wander_a = uniform(r, 0, 0.2), wander_p = uniform(r, 0, 2 * PI);
    for (int i = 0; i < LEN; i++) {
        double t = i / FS;
        x[i] = (float)(wander_a * sin(2 * PI * wander_f * t + wander_p) + 0.05 * brain_rng_normal(r));
    }
    for (double beat = -uniform(r, 0, period); beat < LEN / FS + 0.5; beat += period * uniform(r, 0.95, 1.05)) {
        for (int i = 0; i < LEN; i++) {
            double dq = (i / FS - beat) / qrs, dt = (i / FS - beat - 0.25) / 0.04;
            x[i] += (float)(exp(-0.5 * dq * dq) + 0.3 * exp(-0.5 * dt * dt));
        }
    }
}

static void make_set(brain_rng *r, int64_t n, brain_tensor **x, brain_tensor **y)
{
    *x = brain_tensor_new(3, (int64_t[]){ n, LEN, 1 });
    *y = brain_tensor_new(1, (int64_t[]){ n });
    for (int64_t i = 0; i < n; i++) {
        int k = (int)(i % CLASSES);
        ecg_trace(r, k, (*x)->data + i * LEN);
        (*y)->data[i] = (float)k;
    }
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    brain_set_random_seed(7);
    brain_rng gen;
    brain_rng_seed(&gen, 2024);
    brain_tensor *x_train, *y_train, *x_test, *y_test;
    make_set(&gen, quick ? 600 : 3000, &x_train, &y_train);
    make_set(&gen, quick ? 300 : 900, &x_test, &y_test);
    printf("synthetic ECG: %lld training and %lld test traces of %d samples; classes normal / tachycardia / wide QRS\n",
           (long long)x_train->shape[0], (long long)x_test->shape[0], LEN);

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
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){ .epochs = quick ? 3 : 10, .batch_size = 32,
                                                             .validation_split = 0.1f, .verbose = BRAIN_ONE_LINE_PER_EPOCH }, NULL));
    brain_logs logs = { 0 };
    TRY(brain_evaluate(m, x_test, y_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    printf("Test accuracy: %.4f on %lld traces (chance: 0.33)\n", acc, (long long)x_test->shape[0]);
    brain_model_free(m);
    brain_tensor_free(x_train);
    brain_tensor_free(y_train);
    brain_tensor_free(x_test);
    brain_tensor_free(y_test);
    return 0;
}
