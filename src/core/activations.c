/* activations.c — Keras's activation functions and their derivatives.
 * Forward: y = f(x).  Backward: dx = dy · f'(x), written from y where that is exact
 * (relu, sigmoid, tanh, softmax, elu, ...) so the layer need not keep x. */
#if defined(__GNUC__) && !defined(__clang__)
/* -O2 (the Release flags) vectorises only loops whose trip count needs no epilogue, so these
 * elementwise loops stayed scalar, with a data-dependent branch per value (relu's sign, dropout's
 * mask) that mispredicts about half the time.  O3 vectorises them into selects; no FP contraction
 * or reassociation is enabled, so every result stays bit-identical. */
#pragma GCC optimize("O3")
#endif

#include "internal.h"
#include <math.h>
#include <string.h>

static const struct { const char *name; brain_activation_kind kind; } g_names[] = {
    {"linear", BRAIN_LINEAR}, {"relu", BRAIN_RELU}, {"sigmoid", BRAIN_SIGMOID}, {"tanh", BRAIN_TANH},
    {"softmax", BRAIN_SOFTMAX}, {"leaky_relu", BRAIN_LEAKY_RELU}, {"elu", BRAIN_ELU}, {"selu", BRAIN_SELU},
    {"gelu", BRAIN_GELU}, {"silu", BRAIN_SWISH}, {"swish", BRAIN_SWISH}, {"softplus", BRAIN_SOFTPLUS},
    {"softsign", BRAIN_SOFTSIGN}, {"hard_sigmoid", BRAIN_HARD_SIGMOID}, {"exponential", BRAIN_EXPONENTIAL},
    {"hard_silu", BRAIN_HARD_SILU}, {"hard_swish", BRAIN_HARD_SILU},
};

brain_status brain_activation_from_name(const char *name, brain_activation_kind *out)
{
    if (!name || !*name) { *out = BRAIN_LINEAR; return BRAIN_OK; }
    for (size_t i = 0; i < sizeof g_names / sizeof *g_names; i++)
        if (!strcmp(name, g_names[i].name)) { *out = g_names[i].kind; return BRAIN_OK; }
    return brain__fail(BRAIN_ERR_ARG, "unknown activation '%s'; use one of linear, relu, sigmoid, tanh, softmax, "
                       "leaky_relu, elu, selu, gelu, swish/silu, softplus, softsign, hard_sigmoid, exponential, hard_silu/hard_swish", name);
}

const char *brain_activation_name(brain_activation_kind a)
{
    if (a == BRAIN_GELU_TANH) return "gelu"; /* Keras saves the approximate flag separately */
    for (size_t i = 0; i < sizeof g_names / sizeof *g_names; i++)
        if (g_names[i].kind == a) return g_names[i].name;
    return "linear";
}

bool brain__act_backward_uses_y_only(brain_activation_kind a)
{
    switch (a) {
    case BRAIN_LINEAR: case BRAIN_RELU: case BRAIN_SIGMOID: case BRAIN_TANH: case BRAIN_SOFTMAX:
    case BRAIN_LEAKY_RELU: case BRAIN_ELU: case BRAIN_SELU: case BRAIN_EXPONENTIAL:
        return true;
    default:
        return false;
    }
}

#define SELU_ALPHA 1.6732632423543772f
#define SELU_SCALE 1.0507009873554805f

static inline float sigmoidf_(float x)
{
    if (x >= 0) return 1.0f / (1.0f + expf(-x));
    float e = expf(x);
    return e / (1.0f + e);
}

BRAIN_VECTOR_LOOP void brain__act_forward(brain_activation_kind a, const float *restrict x, float *restrict y_, int64_t rows, int64_t cols)
{
    int64_t n = rows * cols;
    float *y = y_;
    switch (a) {
    case BRAIN_LINEAR: if (x != y) memmove(y, x, sizeof(float) * n); break;
    case BRAIN_RELU: for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0f; break;
    case BRAIN_SIGMOID: for (int64_t i = 0; i < n; i++) y[i] = sigmoidf_(x[i]); break;
    case BRAIN_TANH: for (int64_t i = 0; i < n; i++) y[i] = tanhf(x[i]); break;
    case BRAIN_LEAKY_RELU: for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.2f * x[i]; break;
    case BRAIN_ELU: for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : expm1f(x[i]); break;
    case BRAIN_SELU:
        for (int64_t i = 0; i < n; i++) y[i] = SELU_SCALE * (x[i] > 0 ? x[i] : SELU_ALPHA * expm1f(x[i]));
        break;
    case BRAIN_GELU:
        for (int64_t i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
        break;
    case BRAIN_GELU_TANH:
        for (int64_t i = 0; i < n; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
        }
        break;
    case BRAIN_SWISH: for (int64_t i = 0; i < n; i++) y[i] = x[i] * sigmoidf_(x[i]); break;
    case BRAIN_SOFTPLUS:
        for (int64_t i = 0; i < n; i++) y[i] = fmaxf(x[i], 0.0f) + log1pf(expf(-fabsf(x[i])));
        break;
    case BRAIN_SOFTSIGN: for (int64_t i = 0; i < n; i++) y[i] = x[i] / (1.0f + fabsf(x[i])); break;
    case BRAIN_HARD_SIGMOID:
        for (int64_t i = 0; i < n; i++) y[i] = fminf(fmaxf(x[i] / 6.0f + 0.5f, 0.0f), 1.0f);
        break;
    case BRAIN_EXPONENTIAL: for (int64_t i = 0; i < n; i++) y[i] = expf(x[i]); break;
    case BRAIN_HARD_SILU: /* x · relu6(x + 3) / 6, as jax.nn.hard_silu */
        for (int64_t i = 0; i < n; i++) y[i] = x[i] * (fminf(fmaxf(x[i] + 3.0f, 0.0f), 6.0f) / 6.0f);
        break;
    case BRAIN_SOFTMAX:
        for (int64_t r = 0; r < rows; r++) {
            const float *xr = x + r * cols;
            float *yr = y + r * cols;
            float mx = xr[0];
            for (int64_t j = 1; j < cols; j++) mx = xr[j] > mx ? xr[j] : mx;
            /* exp(x - max) / sum, the sum in double rounded once and each value divided (as
             * Keras: a float32 sum by a near-exact reduction, then a true division) */
            double s = 0;
            for (int64_t j = 0; j < cols; j++) { yr[j] = expf(xr[j] - mx); s += yr[j]; }
            const float sf = (float)s;
            for (int64_t j = 0; j < cols; j++) yr[j] /= sf;
        }
        break;
    default: break;
    }
}

void brain_activation_apply(brain_activation_kind a, const float *x, float *y, int64_t rows, int64_t cols)
{
    brain__act_forward(a, x, y, rows, cols);
}

BRAIN_VECTOR_LOOP void brain__act_backward(brain_activation_kind a, const float *restrict x, const float *restrict y,
                         const float *restrict dy, float *restrict dx, int64_t rows, int64_t cols, bool acc)
{
    int64_t n = rows * cols;
#define EMIT(expr) do { if (acc) for (int64_t i = 0; i < n; i++) dx[i] += (expr); \
                        else for (int64_t i = 0; i < n; i++) dx[i] = (expr); } while (0)
    switch (a) {
    case BRAIN_LINEAR: EMIT(dy[i]); break;
    case BRAIN_RELU: EMIT(y[i] > 0 ? dy[i] : 0.0f); break;
    case BRAIN_SIGMOID: EMIT(dy[i] * y[i] * (1.0f - y[i])); break;
    case BRAIN_TANH: EMIT(dy[i] * (1.0f - y[i] * y[i])); break;
    case BRAIN_LEAKY_RELU: EMIT(y[i] > 0 ? dy[i] : 0.2f * dy[i]); break;
    case BRAIN_ELU: EMIT(y[i] > 0 ? dy[i] : dy[i] * (y[i] + 1.0f)); break;
    case BRAIN_SELU: EMIT(y[i] > 0 ? SELU_SCALE * dy[i] : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA)); break;
    case BRAIN_EXPONENTIAL: EMIT(dy[i] * y[i]); break;
    case BRAIN_GELU:
        EMIT(dy[i] * (0.5f * (1.0f + erff(x[i] * 0.70710678118654752f)) +
                      x[i] * 0.39894228040143268f * expf(-0.5f * x[i] * x[i])));
        break;
    case BRAIN_GELU_TANH:
        for (int64_t i = 0; i < n; i++) {
            float v = x[i], k = 0.7978845608028654f;
            float u = k * (v + 0.044715f * v * v * v), t = tanhf(u);
            float d = 0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * k * (1.0f + 3.0f * 0.044715f * v * v);
            dx[i] = (acc ? dx[i] : 0.0f) + dy[i] * d;
        }
        break;
    case BRAIN_SWISH:
        for (int64_t i = 0; i < n; i++) {
            float s = sigmoidf_(x[i]);
            dx[i] = (acc ? dx[i] : 0.0f) + dy[i] * (s + x[i] * s * (1.0f - s));
        }
        break;
    case BRAIN_SOFTPLUS: EMIT(dy[i] * sigmoidf_(x[i])); break;
    case BRAIN_SOFTSIGN: EMIT(dy[i] / ((1.0f + fabsf(x[i])) * (1.0f + fabsf(x[i])))); break;
    case BRAIN_HARD_SIGMOID: EMIT((x[i] > -3.0f && x[i] < 3.0f) ? dy[i] / 6.0f : 0.0f); break;
    case BRAIN_HARD_SILU: /* hard_sigmoid(x) + x·hard_sigmoid'(x) */
        EMIT(dy[i] * (fminf(fmaxf(x[i] + 3.0f, 0.0f), 6.0f) / 6.0f + ((x[i] > -3.0f && x[i] < 3.0f) ? x[i] / 6.0f : 0.0f)));
        break;
    case BRAIN_SOFTMAX:
        for (int64_t r = 0; r < rows; r++) {
            const float *yr = y + r * cols, *dyr = dy + r * cols;
            float *dxr = dx + r * cols;
            float dot = 0;
            for (int64_t j = 0; j < cols; j++) dot += dyr[j] * yr[j];
            for (int64_t j = 0; j < cols; j++) dxr[j] = (acc ? dxr[j] : 0.0f) + yr[j] * (dyr[j] - dot);
        }
        break;
    default: break;
    }
#undef EMIT
}
