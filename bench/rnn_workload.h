/* rnn_workload.h — the lecture's two sequence models and the synthetic data the PyTorch peers
 * use (bench/peers/common.py make_synthetic_ecg / make_synthetic_tokens: the same recipe, drawn
 * from brain's generator instead of NumPy's, so the values differ but not the distribution):
 *   ECG:  (n, 140, 1) z-normalised beats of 5 classes (normal, inverted T, wide QRS, premature
 *         extra beat, ST depression) with shift, amplitude, baseline wander and noise;
 *         LSTM(64) → Dropout(0.2) → Dense(32, relu) → Dense(5, softmax), categorical CE.
 *   text: (n, 200) token ids in [1, 10000): Zipf-like background words 300..9999 plus 2..8
 *         "positive" (1..149) or "negative" (150..299) words of the label's class and fewer of
 *         the other; Embedding(10000, 64) → LSTM(64) → Dense(1, sigmoid), binary CE.
 * Adam(1e-3) on both. */
#ifndef BRAIN_BENCH_RNN_WORKLOAD_H
#define BRAIN_BENCH_RNN_WORKLOAD_H
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

static double rw_gauss(double t, double c, double w, double a) { return a * exp(-0.5 * ((t - c) / w) * ((t - c) / w)); }

/* x (n, 140, 1), y one-hot (n, 5) */
static void rw_make_ecg(int64_t n, uint64_t seed, brain_tensor **x, brain_tensor **y)
{
    const int L = 140;
    brain_rng r;
    brain_rng_seed(&r, seed);
    *x = brain_tensor_new(3, (int64_t[]){n, L, 1});
    *y = brain_tensor_new(2, (int64_t[]){n, 5});
    double v[140];
    for (int64_t i = 0; i < n; i++) {
        int c = (int)brain_rng_below(&r, 5);
        double s = 4 * brain_rng_normal(&r), amp = 0.8 + 0.4 * brain_rng_uniform(&r);
        double p = 25 + s, q = 45 + s, rr = 50 + s, sw = 55 + s, tw = 85 + s, rw = c == 2 ? 6.0 : 2.5, ta = c == 1 ? -0.35 : 0.35;
        double period = 100 + 200 * brain_rng_uniform(&r), phase = 6.3 * brain_rng_uniform(&r), mean = 0, sd = 0;
        for (int t = 0; t < L; t++) {
            double a = rw_gauss(t, p, 4, 0.15) + rw_gauss(t, q, 2, -0.15) + rw_gauss(t, sw, 2, -0.25) + rw_gauss(t, rr, rw, 1.0) +
                       rw_gauss(t, tw, 8, ta);
            if (c == 3) a += rw_gauss(t, 110 + s, 3, 0.8);
            if (c == 4 && t > sw && t < tw) a -= 0.25;
            v[t] = amp * a + 0.05 * sin(6.283185307179586 * t / period + phase) + 0.05 * brain_rng_normal(&r);
            mean += v[t];
        }
        mean /= L;
        for (int t = 0; t < L; t++) sd += (v[t] - mean) * (v[t] - mean);
        sd = sqrt(sd / L);
        for (int t = 0; t < L; t++) (*x)->data[i * L + t] = (float)((v[t] - mean) / sd);
        (*y)->data[i * 5 + c] = 1;
    }
}

/* x (n, 200) ids, y (n, 1) labels */
static void rw_make_tokens(int64_t n, uint64_t seed, brain_tensor **x, brain_tensor **y)
{
    const int L = 200, V = 10000, NB = V - 300;
    brain_rng r;
    brain_rng_seed(&r, seed);
    *x = brain_tensor_new(2, (int64_t[]){n, L});
    *y = brain_tensor_new(2, (int64_t[]){n, 1});
    double *cdf = malloc(sizeof(double) * NB), tot = 0;
    for (int k = 0; k < NB; k++) cdf[k] = tot += pow(k + 1.0, -1.1);
    for (int64_t i = 0; i < n; i++) {
        float *row = (*x)->data + i * L;
        for (int t = 0; t < L; t++) {
            double u = brain_rng_uniform(&r) * tot;
            int lo = 0, hi = NB - 1;
            while (lo < hi) { int mid = (lo + hi) / 2; if (cdf[mid] < u) lo = mid + 1; else hi = mid; }
            row[t] = (float)(300 + lo);
        }
        int label = (int)brain_rng_below(&r, 2), k = 2 + (int)brain_rng_below(&r, 7), k2 = (int)brain_rng_below(&r, k);
        int major = label ? 1 : 150, minor = label ? 150 : 1;
        for (int j = 0; j < k + k2; j++) {
            int pos = (int)brain_rng_below(&r, L); /* positions may repeat (the peer draws them distinct) */
            row[pos] = (float)((j < k ? major : minor) + brain_rng_below(&r, 149));
        }
        (*y)->data[i] = (float)label;
    }
    free(cdf);
}

/* cell: 0 LSTM, 1 SimpleRNN */
static brain_model *rw_ecg_model(int cell)
{
    brain_model *m = brain_sequential(cell ? "ecg_simple_rnn" : "ecg_lstm");
    brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1)));
    brain_model_add(m, cell ? brain_simple_rnn(64, NULL) : brain_lstm(64, NULL));
    brain_model_add(m, brain_dropout(0.2f, NULL));
    brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy"}));
    return m;
}

static brain_model *rw_text_model(int64_t steps)
{
    brain_model *m = brain_sequential("text_lstm");
    brain_model_add(m, brain_input(BRAIN_SHAPE(steps)));
    brain_model_add(m, brain_embedding(10000, 64, NULL));
    brain_model_add(m, brain_lstm(64, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    TRY(brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy"}));
    return m;
}
#endif
