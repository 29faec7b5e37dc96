/* ecg.c — a deterministic generator of ECG-like heartbeats in 5 classes, in the spirit of
 * ECG5000 (the lecture's data: one beat per series, 140 samples, 5 classes, each series
 * z-normalised).  Same (n, seed, options), same data, on every machine.
 *
 * A beat is a sum of Gaussian bumps g(c, w, a)(t) = a·exp(-(t - c)² / (2w²)), t = 0..139
 * (about one second at 140 Hz): the P wave (atrial depolarisation), the Q, R and S waves of the
 * QRS complex (ventricular depolarisation), and the T wave (repolarisation).  Times below are
 * for the default length 140 and scale with opt->length.
 *
 *   0 normal beat: P (30, 4, 0.15), Q (47, 1.5, -0.12), R (50, 2, 1.0), S (53, 1.8, -0.25),
 *     T (90, 8, 0.30), a flat ST segment between S and T.
 *   1 R-on-T premature ventricular contraction: a normal P-QRS, then a premature ventricular
 *     complex that lands on the T wave: a wide, tall R (82, 5, 1.1) replaces the T, followed by
 *     a broad inverted T (110, 9, -0.45).
 *   2 premature ventricular contraction: no P wave, a beat that comes early with a wide tall
 *     QRS (R (42, 5.5, 1.3), S (50, 4, -0.35)) and a discordant, inverted T (85, 10, -0.5).
 *   3 supraventricular premature (ectopic) beat: a narrow, normal-looking QRS that comes early
 *     (Q (37, 1.5, -0.12), R (40, 2, 1.0), S (43, 1.8, -0.25)), an inverted, early P wave
 *     (26, 3, -0.12) with a short PR interval, and a normal but early T (80, 8, 0.30).
 *   4 unclassifiable beat: a normal P, a notched, "M-shaped" QRS (R (47, 2, 0.7), notch
 *     (51, 1.5, -0.2), R' (55, 2, 0.65), S (59, 1.8, -0.2), as in a bundle-branch block), a low
 *     flat T (92, 10, 0.10), and twice the baseline wander.
 *
 * Every beat is jittered independently: the whole beat shifts by N(0, 2²) samples (clipped to
 * ±6); each wave's amplitude is scaled by 1 + N(0, 0.1²) and its width by U(0.85, 1.15); the
 * beat's overall amplitude by U(0.8, 1.2); a baseline wander A·sin(2πt/P + φ) with A ~
 * U(0.02, 0.08), P ~ U(100, 300) samples, φ ~ U(0, 2π), plus a linear drift of U(-0.05, 0.05)
 * over the beat; then white noise N(0, noise²) (default noise 0.03).  Finally each series is
 * z-normalised (mean 0, standard deviation 1), as in ECG5000.
 *
 * Labels: exactly balanced (class i mod 5 for row i, rows then shuffled).  (ECG5000 itself is
 * imbalanced, 58 % normal; a balanced set makes accuracy easier to read.)
 */
#include "data_internal.h"
#include <math.h>

enum { ECG_CLASSES = 5 };
static const double two_pi = 6.283185307179586;

typedef struct wave { double c, w, a; } wave;

/* the waves of each class's template; a zero width ends the list */
static const wave templates[ECG_CLASSES][7] = {
    { { 30, 4, 0.15 }, { 47, 1.5, -0.12 }, { 50, 2, 1.0 }, { 53, 1.8, -0.25 }, { 90, 8, 0.30 } },
    { { 30, 4, 0.15 }, { 47, 1.5, -0.12 }, { 50, 2, 1.0 }, { 53, 1.8, -0.25 }, { 82, 5, 1.1 }, { 110, 9, -0.45 } },
    { { 42, 5.5, 1.3 }, { 50, 4, -0.35 }, { 85, 10, -0.5 } },
    { { 26, 3, -0.12 }, { 37, 1.5, -0.12 }, { 40, 2, 1.0 }, { 43, 1.8, -0.25 }, { 80, 8, 0.30 } },
    { { 30, 4, 0.15 }, { 47, 2, 0.7 }, { 51, 1.5, -0.2 }, { 55, 2, 0.65 }, { 59, 1.8, -0.2 }, { 92, 10, 0.10 } },
};

static double uniform(brain_rng *r, double lo, double hi) { return lo + (hi - lo) * brain_rng_uniform(r); }

static void make_beat(brain_rng *r, int cls, int64_t len, double noise, float *x)
{
    double scale = (double)len / 140.0;
    double shift = 2.0 * brain_rng_normal(r);
    if (shift > 6) shift = 6;
    if (shift < -6) shift = -6;
    double amp = uniform(r, 0.8, 1.2);
    wave w[7];
    int nw = 0;
    for (; nw < 7 && templates[cls][nw].w > 0; nw++) {
        w[nw].c = (templates[cls][nw].c + shift) * scale;
        w[nw].w = templates[cls][nw].w * uniform(r, 0.85, 1.15) * scale;
        w[nw].a = templates[cls][nw].a * (1.0 + 0.1 * brain_rng_normal(r)) * amp;
    }
    double wander = uniform(r, 0.02, 0.08) * (cls == 4 ? 2.0 : 1.0);
    double period = uniform(r, 100, 300) * scale, phase = uniform(r, 0, two_pi);
    double drift = uniform(r, -0.05, 0.05);
    double sum = 0, sq = 0;
    for (int64_t t = 0; t < len; t++) {
        double v = 0;
        for (int k = 0; k < nw; k++) {
            double d = ((double)t - w[k].c) / w[k].w;
            v += w[k].a * exp(-0.5 * d * d);
        }
        v += wander * sin(two_pi * (double)t / period + phase) + drift * (double)t / (double)len;
        v += noise * brain_rng_normal(r);
        x[t] = (float)v;
        sum += v;
    }
    double mean = sum / (double)len;
    for (int64_t t = 0; t < len; t++) sq += ((double)x[t] - mean) * ((double)x[t] - mean);
    double sd = sqrt(sq / (double)len);
    for (int64_t t = 0; t < len; t++) x[t] = (float)(((double)x[t] - mean) / (sd > 0 ? sd : 1.0));
}

brain_status brain_make_ecg(int64_t n, uint64_t seed, const brain_ecg_options *opt, brain_tensor **x, brain_tensor **y)
{
    if (x) *x = NULL;
    if (y) *y = NULL;
    if (!x || !y) return brain__fail(BRAIN_ERR_ARG, "brain_make_ecg: x and y must not be NULL");
    brain_ecg_options o = opt ? *opt : (brain_ecg_options){ 0 };
    int64_t len = o.length ? o.length : 140;
    double noise = o.has_noise ? o.noise : 0.03;
    if (n < 1) return brain__fail(BRAIN_ERR_ARG, "brain_make_ecg: n is %lld; it must be at least 1", (long long)n);
    if (len < 16 || len > 100000)
        return brain__fail(BRAIN_ERR_ARG, "brain_make_ecg: length is %lld; use 16 to 100000 samples (default 140)", (long long)len);
    if (!(noise >= 0) || noise > 10)
        return brain__fail(BRAIN_ERR_ARG, "brain_make_ecg: noise is %g; it must be in [0, 10] (default 0.03)", o.noise);
    brain_tensor *tx = brain_tensor_new(3, (int64_t[]){ n, len, 1 }), *ty = brain_tensor_new(1, (int64_t[]){ n });
    if (!tx || !ty) { brain_tensor_free(tx); brain_tensor_free(ty); return BRAIN_ERR_NOMEM; }
    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int64_t i = 0; i < n; i++) ty->data[i] = (float)(i % ECG_CLASSES);
    for (int64_t i = n - 1; i > 0; i--) {                      /* Fisher–Yates */
        int64_t j = brain_rng_below(&r, i + 1);
        float t = ty->data[i];
        ty->data[i] = ty->data[j];
        ty->data[j] = t;
    }
    for (int64_t i = 0; i < n; i++) make_beat(&r, (int)ty->data[i], len, noise, tx->data + i * len);
    *x = tx;
    *y = ty;
    return BRAIN_OK;
}
