/* activations.c — the lecture's "Reference Card: Activation Functions", in C.
 *
 *   Function    Formula                  Range      Use
 *   ReLU        max(0, x)                [0, ∞)     hidden layers (default)
 *   Sigmoid     1 / (1 + e^-x)           (0, 1)     binary output layer
 *   Tanh        (e^x - e^-x)/(e^x + e^-x) (-1, 1)   hidden layers (RNNs)
 *   Leaky ReLU  max(0.01x, x)            (-∞, ∞)    when dying ReLU is a concern
 *   Softmax     e^xi / Σ e^xj            (0, 1)     multi-class output layer
 *
 * plus the other names Keras accepts (elu, selu, gelu, swish, softplus).  In Python:
 *
 *   x = np.array([-3, -1, -0.5, 0, 0.5, 1, 3], dtype='float32')
 *   for name in ['relu', 'sigmoid', 'tanh', 'leaky_relu', 'softmax', 'elu', 'selu', 'gelu', 'swish', 'softplus']:
 *       print(name, keras.activations.get(name)(x))
 *       layer = Dense(4, activation=name)          # the same function inside a layer
 *
 * Note: the card's Leaky ReLU uses slope 0.01 (PyTorch's default); Keras's "leaky_relu" string
 * uses negative_slope=0.2, and so does brain's BRAIN_LEAKY_RELU; for the card's 0.01 use the LeakyReLU
 * layer, brain_leaky_relu(0.01f, NULL), as Keras users write LeakyReLU(negative_slope=0.01).
 *
 * Claim: every value matches the textbook formula computed here in double precision (to 1e-5,
 * relative), the ranges on the card hold, softmax sums to 1, and a Dense layer built from each
 * name outputs activation(x·W + b). */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { NPTS = 7, NACT = 10 };
static const char *names[NACT] = { "relu", "sigmoid", "tanh", "leaky_relu", "softmax", "elu", "selu", "gelu", "swish", "softplus" };

/* The textbook formulas (Keras's definitions), in double precision. */
static double reference(const char *name, const double *x, int n, int i)
{
    double v = x[i];
    if (!strcmp(name, "relu")) return v > 0 ? v : 0;
    if (!strcmp(name, "sigmoid")) return 1 / (1 + exp(-v));
    if (!strcmp(name, "tanh")) return tanh(v);
    if (!strcmp(name, "leaky_relu")) return v > 0 ? v : 0.2 * v;        /* Keras's slope 0.2 */
    if (!strcmp(name, "elu")) return v > 0 ? v : exp(v) - 1;            /* alpha 1 */
    if (!strcmp(name, "selu")) {
        const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
        return scale * (v > 0 ? v : alpha * (exp(v) - 1));
    }
    if (!strcmp(name, "gelu")) return 0.5 * v * (1 + erf(v / sqrt(2.0))); /* exact (erf) form */
    if (!strcmp(name, "swish")) return v / (1 + exp(-v));                /* x·sigmoid(x) */
    if (!strcmp(name, "softplus")) return log1p(exp(v));
    /* softmax over the whole row */
    double mx = x[0], s = 0;
    for (int j = 1; j < n; j++) mx = fmax(mx, x[j]);
    for (int j = 0; j < n; j++) s += exp(x[j] - mx);
    return exp(v - mx) / s;
}

int main(void)
{
    int ok = 1;
    brain_set_random_seed(42);
    static const float pts[NPTS] = { -3, -1, -0.5f, 0, 0.5f, 1, 3 };
    double xd[NPTS];
    for (int i = 0; i < NPTS; i++) xd[i] = pts[i];

    printf("%-11s", "x");
    for (int i = 0; i < NPTS; i++) printf(" %9g", pts[i]);
    printf("   range\n");
    for (int a = 0; a < NACT; a++) {
        brain_activation_kind kind;
        TRY(brain_activation_from_name(names[a], &kind));
        float out[NPTS];
        brain_activation_apply(kind, pts, out, 1, NPTS); /* one row: softmax normalises over it */
        printf("%-11s", names[a]);
        double worst = 0, sum = 0;
        for (int i = 0; i < NPTS; i++) {
            double ref = reference(names[a], xd, NPTS, i);
            worst = fmax(worst, fabs(out[i] - ref) / fmax(1, fabs(ref)));
            sum += out[i];
            printf(" %9.5f", out[i]);
        }
        /* the card's ranges */
        int in_range = 1;
        for (int i = 0; i < NPTS; i++) {
            if (kind == BRAIN_RELU || kind == BRAIN_SOFTPLUS) in_range &= out[i] >= 0;
            if (kind == BRAIN_SIGMOID || kind == BRAIN_SOFTMAX) in_range &= out[i] > 0 && out[i] < 1;
            if (kind == BRAIN_TANH) in_range &= out[i] > -1 && out[i] < 1;
        }
        printf("   %s\n", kind == BRAIN_RELU ? "[0, inf)" : kind == BRAIN_SIGMOID ? "(0, 1)" : kind == BRAIN_TANH ? "(-1, 1)"
               : kind == BRAIN_SOFTMAX ? "(0, 1), sums to 1" : kind == BRAIN_SOFTPLUS ? "(0, inf)" : "");
        if (worst > 1e-5) { fprintf(stderr, "%s differs from its formula by %g\n", names[a], worst); ok = 0; }
        if (!in_range) { fprintf(stderr, "%s leaves its range\n", names[a]); ok = 0; }
        if (kind == BRAIN_SOFTMAX && fabs(sum - 1) > 1e-5) { fprintf(stderr, "softmax sums to %g\n", sum); ok = 0; }
    }

    /* Dense(4, activation=name) for each name: its output is activation(x·W + b) */
    printf("\nDense(4, activation=name) on a 2×3 input:\n");
    static const float xin[6] = { 0.5f, -1.0f, 2.0f, -1.5f, 0.25f, 1.0f };
    brain_tensor *x = brain_tensor_from(xin, 2, (int64_t[]){ 2, 3 });
    for (int a = 0; a < NACT; a++) {
        brain_activation_kind kind;
        TRY(brain_activation_from_name(names[a], &kind));
        brain_model *m = brain_sequential(names[a]);
        TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(3))));
        TRY(brain_model_add(m, brain_dense(4, &(brain_dense_options){ .activation = kind,
                                                                       .bias_initializer = BRAIN_INIT_RANDOM_NORMAL })));
        TRY(brain_model_build(m));
        brain_tensor *w = brain_model_weight(m, 0, 0), *b = brain_model_weight(m, 0, 1), *y;
        TRY(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
        float z[8], expect[8];
        for (int r = 0; r < 2; r++)
            for (int c = 0; c < 4; c++) {
                double s = b->data[c];
                for (int k = 0; k < 3; k++) s += (double)xin[r * 3 + k] * w->data[k * 4 + c];
                z[r * 4 + c] = (float)s;
            }
        brain_activation_apply(kind, z, expect, 2, 4);
        double worst = 0;
        for (int i = 0; i < 8; i++) worst = fmax(worst, fabs(y->data[i] - expect[i]));
        brain_layer *l = brain_model_layer(m, 0);
        printf("  %-11s -> %s (%s, saved as \"%s\"), output row 0 [%8.4f %8.4f %8.4f %8.4f], |y - act(xW+b)| %.1e\n",
               names[a], brain_layer_name(l), brain_layer_class(l), brain_activation_name(kind),
               y->data[0], y->data[1], y->data[2], y->data[3], worst);
        if (worst > 1e-5) { fprintf(stderr, "Dense(activation='%s') does not apply its activation\n", names[a]); ok = 0; }
        brain_tensor_free(y);
        brain_tensor_free(w); /* views of the model's weights: frees the wrappers only */
        brain_tensor_free(b);
        brain_model_free(m);
    }
    brain_tensor_free(x);

    /* a name Keras does not know */
    brain_activation_kind k;
    brain_status s = brain_activation_from_name("relu6x", &k);
    printf("\nactivation='relu6x' -> %s\n", s ? brain_last_error() : "accepted (unexpected)");
    if (s == BRAIN_OK) ok = 0;

    if (ok) printf("ok: all %d activations match their formulas, alone and inside Dense\n", NACT);
    return ok ? 0 : 1;
}
