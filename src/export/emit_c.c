/* emit_c.c — the plan (export.h) as dependency-free C99: NAME.h and NAME.c.
 *
 * The generated file holds, in this order: the activation helpers it uses (the same formulas as
 * src/core/activations.c, and for recurrent layers the same branch-free exp as
 * src/layers/recurrent.c, so results match brain_predict to float rounding), then per layer its
 * weights as static const arrays and one function with the layer's name and class in a comment,
 * then NAME_predict_ws (all scratch in a caller's workspace), NAME_predict (a static arena) and
 * NAME_predict_batch.  No malloc, no stdio, no mutable globals but the arena; C99 and libm.
 *
 * int8 (docs/deploy.md): weights symmetric per output channel (scale = max|w|/127, stored
 * channel-major as TFLite does), activations asymmetric per tensor (scale, zero point), bias
 * int32 at scale s_in·s_w[c]; a Dense/Conv accumulates Σ (x − zp_in)·w in int32 and requantises
 * in float: q = round(acc·M[c]) + zp_out with M[c] = s_in·s_w[c]/s_out, clamped to [−128, 127]
 * (relu: to [zp_out, 127]); with int8_fixed_point, M[c] is TFLite's 32-bit multiplier and shift
 * and the requantisation uses integers only.  Recurrent layers and Embedding keep float arithmetic with int8
 * weights dequantised on the fly (TFLite's "hybrid" kernels).
 */
#include "export.h"
#include "io/io.h"
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void brain__ex_printf(ex_buf *b, const char *fmt, ...)
{
    if (b->oom) return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->n;
        int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (k < 0) { b->oom = true; return; }
        if (b->s && (size_t)k < room) { b->n += (size_t)k; return; }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap - b->n <= (size_t)k) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = true; return; }
        b->s = s;
        b->cap = cap;
    }
}
#define P(...) brain__ex_printf(&e->body, __VA_ARGS__)

typedef struct em {
    ex_plan *p;
    ex_buf body;
    bool need_act[BRAIN_ACTIVATION_COUNT];
    bool need_rnn_act[BRAIN_ACTIVATION_COUNT];
    bool need_q8, need_rnd, need_fixed;
    bool fixed;                     /* int8 Dense/Conv requantise with TFLite's fixed-point multiplier */
    int64_t weight_bytes, float_weight_bytes;
    int64_t largest;                /* the largest array (elements): indices are int */
} em;

/* a float as a C literal that reads back as the same float */
static const char *flit(char *b, float x)
{
    snprintf(b, 32, "%.9g", (double)x);
    if (!strpbrk(b, ".e")) strcat(b, ".0");
    strcat(b, "f");
    return b;
}

static brain_status check_finite(const ex_step *s, int k)
{
    for (int64_t i = 0; i < s->w_size[k]; i++)
        if (!isfinite(s->w[k][i]))
            return brain__fail(BRAIN_ERR_NUMERIC, "export: layer '%s': weight '%s' holds a non-finite value at index %lld",
                               s->layer ? s->layer->name : "?", s->w_name[k], (long long)i);
    return BRAIN_OK;
}

static void emit_f32(em *e, const char *name, const float *d, int64_t n)
{
    if (n > e->largest) e->largest = n;
    char b[40];
    P("static const float %s[%lld] = {", name, (long long)n);
    for (int64_t i = 0; i < n; i++) P("%s%s%s", i % 8 ? " " : "\n    ", flit(b, d[i]), i + 1 < n ? "," : "");
    P("\n};\n");
    e->weight_bytes += 4 * n;
    e->float_weight_bytes += 4 * n;
}

static void emit_i8(em *e, const char *name, const int8_t *d, int64_t n)
{
    if (n > e->largest) e->largest = n;
    P("static const int8_t %s[%lld] = {", name, (long long)n);
    for (int64_t i = 0; i < n; i++) P("%s%d%s", i % 16 ? " " : "\n    ", d[i], i + 1 < n ? "," : "");
    P("\n};\n");
    e->weight_bytes += n;
    e->float_weight_bytes += 4 * n;
}

static void emit_i32(em *e, const char *name, const int32_t *d, int64_t n)
{
    if (n > e->largest) e->largest = n;
    P("static const int32_t %s[%lld] = {", name, (long long)n);
    for (int64_t i = 0; i < n; i++) P("%s%ld%s", i % 8 ? " " : "\n    ", (long)d[i], i + 1 < n ? "," : "");
    P("\n};\n");
    e->weight_bytes += 4 * n;
    e->float_weight_bytes += 4 * n;
}

/* scales only (not counted as float weights: they are the quantisation's own overhead) */
static void emit_scales(em *e, const char *name, const float *d, int64_t n)
{
    if (n > e->largest) e->largest = n;
    char b[40];
    P("static const float %s[%lld] = {", name, (long long)n);
    for (int64_t i = 0; i < n; i++) P("%s%s%s", i % 8 ? " " : "\n    ", flit(b, d[i]), i + 1 < n ? "," : "");
    P("\n};\n");
    e->weight_bytes += 4 * n;
}

static int32_t rnd32(double v)
{
    v = v > 2147483000.0 ? 2147483000.0 : v < -2147483000.0 ? -2147483000.0 : v;
    return (int32_t)(v >= 0 ? floor(v + 0.5) : -floor(-v + 0.5));
}

/* symmetric per-channel int8 of w (rows × C, channel = last axis), written channel-major when
 * `transpose` (q[c·rows + r]); scales[c] = max|w[., c]| / 127 */
static void quantize_weights(const float *w, int64_t rows, int64_t C, bool transpose, int8_t *q, float *scales)
{
    for (int64_t c = 0; c < C; c++) {
        float mx = 0;
        for (int64_t r = 0; r < rows; r++) mx = fabsf(w[r * C + c]) > mx ? fabsf(w[r * C + c]) : mx;
        scales[c] = mx > 0 ? mx / 127.0f : 1.0f;
        for (int64_t r = 0; r < rows; r++) {
            int32_t v = rnd32((double)w[r * C + c] / scales[c]);
            v = v > 127 ? 127 : v < -127 ? -127 : v;
            q[transpose ? c * rows + r : r * C + c] = (int8_t)v;
        }
    }
}

static const char *act_c_name(brain_activation_kind a) { return brain_activation_name(a); }

/* "act_relu(v)" style call for element-wise activations; softmax is a row operation */
static void use_act(em *e, brain_activation_kind a) { if (a != BRAIN_LINEAR) e->need_act[a] = true; }

static void emit_act_helpers(em *e, ex_buf *o)
{
#define H(...) brain__ex_printf(o, __VA_ARGS__)
    bool *n = e->need_act;
    if (n[BRAIN_SIGMOID] || n[BRAIN_SWISH])
        H("static float act_sigmoid(float x)\n{\n    float e;\n    if (x >= 0.0f) return 1.0f / (1.0f + expf(-x));\n"
          "    e = expf(x);\n    return e / (1.0f + e);\n}\n");
    if (n[BRAIN_RELU]) H("static float act_relu(float x) { return x > 0.0f ? x : 0.0f; }\n");
    if (n[BRAIN_TANH]) H("static float act_tanh(float x) { return tanhf(x); }\n");
    if (n[BRAIN_LEAKY_RELU]) H("static float act_leaky_relu(float x) { return x > 0.0f ? x : 0.2f * x; }\n");
    if (n[BRAIN_ELU]) H("static float act_elu(float x) { return x > 0.0f ? x : expm1f(x); }\n");
    if (n[BRAIN_SELU])
        H("static float act_selu(float x) { return 1.0507009873554805f * (x > 0.0f ? x : 1.6732632423543772f * expm1f(x)); }\n");
    if (n[BRAIN_GELU]) H("static float act_gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }\n");
    if (n[BRAIN_GELU_TANH])
        H("static float act_gelu_tanh(float x)\n{\n    return 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));\n}\n");
    if (n[BRAIN_SWISH]) H("static float act_silu(float x) { return x * act_sigmoid(x); }\n");
    if (n[BRAIN_SOFTPLUS]) H("static float act_softplus(float x) { return fmaxf(x, 0.0f) + log1pf(expf(-fabsf(x))); }\n");
    if (n[BRAIN_SOFTSIGN]) H("static float act_softsign(float x) { return x / (1.0f + fabsf(x)); }\n");
    if (n[BRAIN_HARD_SIGMOID]) H("static float act_hard_sigmoid(float x) { return fminf(fmaxf(x / 6.0f + 0.5f, 0.0f), 1.0f); }\n");
    if (n[BRAIN_EXPONENTIAL]) H("static float act_exponential(float x) { return expf(x); }\n");
    if (n[BRAIN_SOFTMAX])
        H("/* softmax over each row of n: e^(x - max) / sum */\nstatic void act_softmax(float *y, int rows, int n)\n{\n"
          "    int r, j;\n    for (r = 0; r < rows; r++) {\n        float *v = y + r * n, mx = v[0], s = 0.0f, inv;\n"
          "        for (j = 1; j < n; j++) mx = v[j] > mx ? v[j] : mx;\n"
          "        for (j = 0; j < n; j++) { v[j] = expf(v[j] - mx); s += v[j]; }\n"
          "        inv = 1.0f / s;\n        for (j = 0; j < n; j++) v[j] *= inv;\n    }\n}\n");
    bool *r = e->need_rnn_act;
    if (r[BRAIN_TANH] || r[BRAIN_SIGMOID])
        H("/* e^x without branches (Cephes's expf, as brain's recurrent layers compute it; relative error < 2e-7) */\n"
          "static float fast_exp(float x)\n{\n    float n, rr, p, scale;\n    uint32_t bits;\n"
          "    x = x < -87.3f ? -87.3f : x > 88.3f ? 88.3f : x;\n    n = floorf(x * 1.44269504088896341f + 0.5f);\n"
          "    rr = x - n * 0.693359375f + n * 2.12194440e-4f;\n    p = 1.9875691500e-4f;\n    p = p * rr + 1.3981999507e-3f;\n"
          "    p = p * rr + 8.3334519073e-3f;\n    p = p * rr + 4.1665795894e-2f;\n    p = p * rr + 1.6666665459e-1f;\n"
          "    p = p * rr + 5.0000001201e-1f;\n    p = p * rr * rr + rr + 1.0f;\n"
          "    bits = (uint32_t)((int32_t)n + 127) << 23;\n    memcpy(&scale, &bits, sizeof scale);\n    return p * scale;\n}\n");
    if (r[BRAIN_SIGMOID]) H("static float rnn_sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }\n");
    if (r[BRAIN_TANH])
        H("/* tanh|x| = (1 - e^-2|x|)/(1 + e^-2|x|); its Taylor series below |x| = 1/16 */\nstatic float rnn_tanh(float x)\n{\n"
          "    float a = fabsf(x), e = fast_exp(-2.0f * a), x2 = x * x;\n    float t = (1.0f - e) / (1.0f + e);\n"
          "    float small = a * (1.0f + x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315))));\n"
          "    t = a < 0.0625f ? small : t;\n    return copysignf(t, x);\n}\n");
    if (r[BRAIN_RELU]) H("static float rnn_relu(float x) { return x > 0.0f ? x : 0.0f; }\n");
    if (r[BRAIN_HARD_SIGMOID])
        H("static float rnn_hard_sigmoid(float x) { float y = x / 6.0f + 0.5f; return y < 0.0f ? 0.0f : y > 1.0f ? 1.0f : y; }\n");
    if (r[BRAIN_LINEAR]) H("static float rnn_linear(float x) { return x; }\n");
    if (e->need_q8)
        H("/* round half away from zero, saturated to int8 */\nstatic int8_t q8(float v)\n{\n"
          "    int32_t q;\n    v = v < -128.0f ? -128.0f : v > 127.0f ? 127.0f : v;\n"
          "    q = v >= 0.0f ? (int32_t)(v + 0.5f) : -(int32_t)(-v + 0.5f);\n"
          "    return (int8_t)(q < -128 ? -128 : q > 127 ? 127 : q);\n}\n");
    if (e->need_fixed)
        H("/* acc·M with M = mq·2^(sh - 31), in integers only and rounded as TFLite's MultiplyByQuantizedMultiplier:\n"
          " * (a shift left by sh when M >= 1), a rounding doubling high multiply by mq, a rounding division by 2^-sh */\n"
          "static int32_t requantize(int32_t acc, int32_t mq, int32_t sh)\n{\n"
          "    int64_t ab;\n    int32_t x, mask, rem, threshold, fl;\n    int e;\n"
          "    if (sh > 0) {\n        int64_t w = (int64_t)acc * ((int64_t)1 << (sh > 31 ? 31 : sh));\n"
          "        acc = (int32_t)(w > 2147483647 ? 2147483647 : w < -2147483647 ? -2147483647 : w);\n    }\n"
          "    ab = (int64_t)acc * mq;\n"
          "    x = (int32_t)((ab + (ab >= 0 ? ((int64_t)1 << 30) : 1 - ((int64_t)1 << 30))) / ((int64_t)1 << 31));\n"
          "    e = sh > 0 ? 0 : -sh;\n    if (e == 0) return x;\n    if (e > 31) e = 31;\n"
          "    mask = (int32_t)(((int64_t)1 << e) - 1);\n    rem = x & mask;\n"
          "    threshold = (mask >> 1) + (x < 0 ? 1 : 0);\n"
          "    fl = x >= 0 ? x >> e : -((-(x + 1)) >> e) - 1; /* floor(x / 2^e), no shift of a negative number */\n"
          "    return fl + (rem > threshold ? 1 : 0);\n}\n");
    if (e->need_rnd)
        H("/* round half away from zero (saturated far outside int8: no overflow) */\nstatic int32_t rnd(float v)\n{\n"
          "    v = v < -1e9f ? -1e9f : v > 1e9f ? 1e9f : v;\n"
          "    return v >= 0.0f ? (int32_t)(v + 0.5f) : -(int32_t)(-v + 0.5f);\n}\n");
#undef H
}

/* ------------------------------------------------------------------ per-layer emitters */
static const char *vtype(const em *e, int v) { return e->p->v[v].dtype == EX_I8 ? "int8_t" : "float"; }

/* y[j] = act(y[j]) over n values (rows × n for softmax) */
static void emit_apply_act(em *e, brain_activation_kind a, int64_t rows, int64_t n, const char *y)
{
    if (a == BRAIN_LINEAR) return;
    use_act(e, a);
    if (a == BRAIN_SOFTMAX) P("    act_softmax(%s, %lld, %lld);\n", y, (long long)rows, (long long)n);
    else P("    for (i = 0; i < %lld; i++) %s[i] = act_%s(%s[i]);\n", (long long)(rows * n), y, act_c_name(a), y);
}

static void comment(em *e, const ex_step *s, const char *extra)
{
    const brain_layer *l = s->layer;
    char in[96], out[96];
    brain__shape_str(&l->in_shape[0], in, sizeof in);
    brain__shape_str(&l->out_shape, out, sizeof out);
    P("\n/* %s%s '%s': %s -> %s%s%s%s%s */\n", s->cls, strcmp(s->cls, l->vt->class_name) ? " half of Bidirectional" : "", l->name, in, out, s->act != BRAIN_LINEAR ? ", " : "",
      s->act != BRAIN_LINEAR ? brain_activation_name(s->act) : "", s->folded ? ", BatchNormalization folded in: " : "",
      s->folded ? s->folded->name : "");
    if (extra && *extra) P("/* %s */\n", extra);
}

/* requantisation multipliers (or dequantisation factors for a float output) per channel, and the
 * int32 bias; returns in/out scales through the values */
static brain_status quant_params(em *e, const ex_step *s, const char *base, int64_t rows, bool transpose)
{
    ex_plan *p = e->p;
    const ex_value *vi = &p->v[s->in[0]], *vo = &p->v[s->out];
    const int64_t C = s->out_channels;
    int8_t *q = malloc((size_t)s->w_size[0]);
    float *sw = malloc(sizeof(float) * (size_t)C), *mul = malloc(sizeof(float) * (size_t)C);
    int32_t *bq = malloc(sizeof(int32_t) * (size_t)C);
    if (!q || !sw || !mul || !bq) { free(q); free(sw); free(mul); free(bq); return brain__fail(BRAIN_ERR_NOMEM, "export: out of memory"); }
    quantize_weights(s->w[0], rows, C, transpose, q, sw);
    for (int64_t c = 0; c < C; c++) {
        double sb = (double)vi->scale * sw[c];
        bq[c] = rnd32(s->w[1][c] / sb);
        mul[c] = vo->dtype == EX_I8 ? (float)(sb / vo->scale) : (float)sb;
    }
    char name[240];
    snprintf(name, sizeof name, "%s_w", base);
    emit_i8(e, name, q, s->w_size[0]);
    snprintf(name, sizeof name, "%s_b", base);
    emit_i32(e, name, bq, C);
    if (e->fixed && vo->dtype == EX_I8) {
        /* TFLite's QuantizeMultiplier: M = mq·2^(sh − 31), mq in [2^30, 2^31) */
        int32_t *mq = malloc(sizeof(int32_t) * (size_t)C);
        int8_t *sh = malloc((size_t)C);
        if (!mq || !sh) { free(mq); free(sh); free(q); free(sw); free(mul); free(bq); return brain__fail(BRAIN_ERR_NOMEM, "export: out of memory"); }
        for (int64_t c = 0; c < C; c++) {
            int ex = 0;
            double m = (double)vi->scale * sw[c] / vo->scale, fr = m > 0 ? frexp(m, &ex) : 0;
            int64_t f = (int64_t)llround(fr * 2147483648.0);
            if (f == 2147483648LL) { f /= 2; ex++; }
            if (ex < -31) { f = 0; ex = 0; }
            mq[c] = (int32_t)f;
            sh[c] = (int8_t)(ex > 31 ? 31 : ex); /* |M| is far from 2^31: -31 <= ex <= 31 */
        }
        snprintf(name, sizeof name, "%s_mq", base);
        emit_i32(e, name, mq, C);
        snprintf(name, sizeof name, "%s_sh", base);
        emit_i8(e, name, sh, C);
        e->float_weight_bytes -= 8 * C; /* quantisation overhead, not weights */
        free(mq);
        free(sh);
    } else {
        snprintf(name, sizeof name, "%s_m", base);
        emit_scales(e, name, mul, C);
    }
    free(q); free(sw); free(mul); free(bq);
    return BRAIN_OK;
}

/* the int8 result of channel c from acc: "y[k] = ..." */
static void emit_requant(em *e, const ex_step *s, const char *dst, const char *acc, const char *ch)
{
    const ex_value *vo = &e->p->v[s->out];
    if (vo->dtype == EX_I8 && e->fixed) {
        e->need_fixed = true;
        P("            { int32_t v = requantize(%s, %s_mq[%s], %s_sh[%s]) + %d;\n", acc, s->fn, ch, s->fn, ch, vo->zero_point);
        P("              %s = (int8_t)(v < %d ? %d : v > 127 ? 127 : v); }\n", dst,
          s->act == BRAIN_RELU ? vo->zero_point : -128, s->act == BRAIN_RELU ? vo->zero_point : -128);
    } else if (vo->dtype == EX_I8) {
        e->need_rnd = true;
        P("            { int32_t v = rnd((float)%s * %s_m[%s]) + %d;\n", acc, s->fn, ch, vo->zero_point);
        P("              %s = (int8_t)(v < %d ? %d : v > 127 ? 127 : v); }\n", dst,
          s->act == BRAIN_RELU ? vo->zero_point : -128, s->act == BRAIN_RELU ? vo->zero_point : -128);
    } else {
        P("            %s = (float)%s * %s_m[%s];\n", dst, acc, s->fn, ch);
    }
}

static brain_status emit_dense(em *e, const ex_step *s)
{
    const int64_t R = s->g[0], K = s->g[1], U = s->g[2];
    char name[240], extra[160] = "";
    brain_status st = check_finite(s, 0);
    if (!st) st = check_finite(s, 1);
    if (st) return st;
    if (s->quant) {
        const ex_value *vi = &e->p->v[s->in[0]];
        snprintf(extra, sizeof extra, "int8: acc = b[j] + sum_i (x[i] - (%d))·w[j][i] (w output-channel-major); %s", vi->zero_point,
                 e->p->v[s->out].dtype == EX_I8 ? "y = round(acc·m[j]) + zp_out" : "y = act(acc·m[j]) in float");
        comment(e, s, extra);
        if ((st = quant_params(e, s, s->fn, K, true))) return st;
        P("static void %s(const int8_t *x, %s *y)\n{\n    int r, i, j;\n", s->fn, vtype(e, s->out));
        P("    for (r = 0; r < %lld; r++)\n        for (j = 0; j < %lld; j++) {\n", (long long)R, (long long)U);
        P("            const int8_t *xr = x + r * %lld, *w = %s_w + j * %lld;\n            int32_t acc = %s_b[j];\n",
          (long long)K, s->fn, (long long)K, s->fn);
        P("            for (i = 0; i < %lld; i++) acc += (int32_t)(xr[i] - (%d)) * w[i];\n", (long long)K, vi->zero_point);
        snprintf(name, sizeof name, "y[r * %lld + j]", (long long)U);
        emit_requant(e, s, name, "acc", "j");
        P("        }\n");
        if (e->p->v[s->out].dtype == EX_F32) emit_apply_act(e, s->act, R, U, "y");
        else if (R == 0) P("    (void)i;\n");
        P("}\n");
        return BRAIN_OK;
    }
    comment(e, s, "y = x·kernel + bias");
    snprintf(name, sizeof name, "%s_kernel", s->fn);
    emit_f32(e, name, s->w[0], K * U);
    snprintf(name, sizeof name, "%s_bias", s->fn);
    emit_f32(e, name, s->w[1], U);
    P("static void %s(const float *x, float *y)\n{\n    int r, i, j;\n", s->fn);
    P("    for (r = 0; r < %lld; r++) {\n        const float *xr = x + r * %lld;\n        float *yr = y + r * %lld;\n",
      (long long)R, (long long)K, (long long)U);
    P("        for (j = 0; j < %lld; j++) yr[j] = %s_bias[j];\n", (long long)U, s->fn);
    P("        for (i = 0; i < %lld; i++) {\n            const float xi = xr[i], *w = %s_kernel + i * %lld;\n"
      "            for (j = 0; j < %lld; j++) yr[j] += xi * w[j];\n        }\n    }\n", (long long)K, s->fn, (long long)U, (long long)U);
    emit_apply_act(e, s->act, R, U, "y");
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_conv(em *e, const ex_step *s)
{
    const int64_t *g = s->g;
    const int64_t H = g[0], W = g[1], C = g[2], OH = g[3], OW = g[4], F = g[5], KH = g[6], KW = g[7], SH = g[8], SW = g[9],
                  DH = g[10], DW = g[11], PT = g[12], PL = g[13];
    char name[240], extra[200];
    brain_status st = check_finite(s, 0);
    if (!st) st = check_finite(s, 1);
    if (st) return st;
    snprintf(extra, sizeof extra, "kernel %lldx%lld, strides %lldx%lld, dilation %lldx%lld, padding top %lld left %lld%s",
             (long long)KH, (long long)KW, (long long)SH, (long long)SW, (long long)DH, (long long)DW, (long long)PT,
             (long long)PL, s->quant ? "; int8, padding cells are the input's zero point" : "");
    comment(e, s, extra);
    if (s->quant) {
        const ex_value *vi = &e->p->v[s->in[0]];
        if ((st = quant_params(e, s, s->fn, KH * KW * C, true))) return st;
        P("static void %s(const int8_t *x, %s *y)\n{\n    int oh, ow, f, p, q, c;\n", s->fn, vtype(e, s->out));
        P("    for (oh = 0; oh < %lld; oh++)\n        for (ow = 0; ow < %lld; ow++)\n            for (f = 0; f < %lld; f++) {\n",
          (long long)OH, (long long)OW, (long long)F);
        P("            int32_t acc = %s_b[f];\n            const int8_t *w = %s_w + f * %lld; /* w[f][p][q][c] */\n", s->fn, s->fn,
          (long long)(KH * KW * C));
        P("            for (p = 0; p < %lld; p++) {\n                const int ih = oh * %lld + p * %lld - %lld;\n"
          "                if (ih < 0 || ih >= %lld) continue;\n", (long long)KH, (long long)SH, (long long)DH, (long long)PT,
          (long long)H);
        P("                for (q = 0; q < %lld; q++) {\n                    const int iw = ow * %lld + q * %lld - %lld;\n"
          "                    const int8_t *xp, *wp;\n                    if (iw < 0 || iw >= %lld) continue;\n"
          "                    xp = x + (ih * %lld + iw) * %lld;\n                    wp = w + (p * %lld + q) * %lld;\n",
          (long long)KW, (long long)SW, (long long)DW, (long long)PL, (long long)W, (long long)W, (long long)C, (long long)KW,
          (long long)C);
        P("                    for (c = 0; c < %lld; c++) acc += (int32_t)(xp[c] - (%d)) * wp[c];\n                }\n            }\n",
          (long long)C, vi->zero_point);
        snprintf(name, sizeof name, "y[(oh * %lld + ow) * %lld + f]", (long long)OW, (long long)F);
        emit_requant(e, s, name, "acc", "f");
        P("        }\n");
        if (e->p->v[s->out].dtype == EX_F32) {
            P("    {\n        int i;\n");
            emit_apply_act(e, s->act, OH * OW, F, "y");
            P("    }\n");
        }
        P("}\n");
        return BRAIN_OK;
    }
    snprintf(name, sizeof name, "%s_kernel", s->fn);
    emit_f32(e, name, s->w[0], s->w_size[0]);
    snprintf(name, sizeof name, "%s_bias", s->fn);
    emit_f32(e, name, s->w[1], F);
    P("/* y[oh][ow][f] = bias[f] + sum_{p,q,c} x[oh*%lld + p*%lld - %lld][ow*%lld + q*%lld - %lld][c] * kernel[p][q][c][f] */\n",
      (long long)SH, (long long)DH, (long long)PT, (long long)SW, (long long)DW, (long long)PL);
    P("static void %s(const float *x, float *y)\n{\n    int oh, ow, f, p, q, c, i;\n", s->fn);
    P("    for (oh = 0; oh < %lld; oh++)\n        for (ow = 0; ow < %lld; ow++) {\n            float *yp = y + (oh * %lld + ow) * %lld;\n",
      (long long)OH, (long long)OW, (long long)OW, (long long)F);
    P("            for (f = 0; f < %lld; f++) yp[f] = %s_bias[f];\n", (long long)F, s->fn);
    P("            for (p = 0; p < %lld; p++) {\n                const int ih = oh * %lld + p * %lld - %lld;\n"
      "                if (ih < 0 || ih >= %lld) continue;\n", (long long)KH, (long long)SH, (long long)DH, (long long)PT, (long long)H);
    P("                for (q = 0; q < %lld; q++) {\n                    const int iw = ow * %lld + q * %lld - %lld;\n"
      "                    if (iw < 0 || iw >= %lld) continue;\n", (long long)KW, (long long)SW, (long long)DW, (long long)PL, (long long)W);
    P("                    for (c = 0; c < %lld; c++) {\n                        const float xv = x[(ih * %lld + iw) * %lld + c];\n"
      "                        const float *w = %s_kernel + ((p * %lld + q) * %lld + c) * %lld;\n"
      "                        for (f = 0; f < %lld; f++) yp[f] += xv * w[f];\n                    }\n                }\n            }\n        }\n",
      (long long)C, (long long)W, (long long)C, s->fn, (long long)KW, (long long)C, (long long)F, (long long)F);
    if (s->act == BRAIN_LINEAR) P("    (void)i;\n");
    emit_apply_act(e, s->act, OH * OW, F, "y");
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_pool(em *e, const ex_step *s)
{
    const int64_t *g = s->g;
    const int64_t H = g[0], W = g[1], C = g[2], OH = g[3], OW = g[4], PH = g[5], PW = g[6], SH = g[7], SW = g[8], PT = g[9],
                  PL = g[10];
    const bool mx = g[11];
    const char *T = s->quant ? "int8_t" : "float";
    char extra[160];
    snprintf(extra, sizeof extra, "window %lldx%lld, strides %lldx%lld; cells outside the input take no part%s", (long long)PH,
             (long long)PW, (long long)SH, (long long)SW, s->quant ? " (int8: same scale in and out)" : "");
    comment(e, s, extra);
    P("static void %s(const %s *x, %s *y)\n{\n    int oh, ow, h, w, c;\n", s->fn, T, T);
    P("    for (oh = 0; oh < %lld; oh++)\n        for (ow = 0; ow < %lld; ow++) {\n", (long long)OH, (long long)OW);
    P("            const int a = oh * %lld - %lld, b = ow * %lld - %lld;\n", (long long)SH, (long long)PT, (long long)SW, (long long)PL);
    P("            const int h0 = a < 0 ? 0 : a, h1 = a + %lld > %lld ? %lld : a + %lld;\n", (long long)PH, (long long)H,
      (long long)H, (long long)PH);
    P("            const int w0 = b < 0 ? 0 : b, w1 = b + %lld > %lld ? %lld : b + %lld;\n", (long long)PW, (long long)W,
      (long long)W, (long long)PW);
    P("            %s *yp = y + (oh * %lld + ow) * %lld;\n", T, (long long)OW, (long long)C);
    if (mx) {
        P("            for (c = 0; c < %lld; c++) yp[c] = x[(h0 * %lld + w0) * %lld + c];\n", (long long)C, (long long)W, (long long)C);
        P("            for (h = h0; h < h1; h++)\n                for (w = w0; w < w1; w++)\n                    for (c = 0; c < %lld; c++) {\n"
          "                        const %s v = x[(h * %lld + w) * %lld + c];\n                        if (v > yp[c]) yp[c] = v;\n"
          "                    }\n        }\n", (long long)C, T, (long long)W, (long long)C);
    } else if (s->quant) {
        e->need_q8 = true;
        P("            for (c = 0; c < %lld; c++) {\n                int32_t sum = 0;\n", (long long)C);
        P("                for (h = h0; h < h1; h++)\n                    for (w = w0; w < w1; w++) sum += x[(h * %lld + w) * %lld + c];\n",
          (long long)W, (long long)C);
        P("                yp[c] = q8((float)sum / (float)((h1 - h0) * (w1 - w0)));\n            }\n        }\n");
    } else {
        P("            const float inv = 1.0f / (float)((h1 - h0) * (w1 - w0));\n");
        P("            for (c = 0; c < %lld; c++) yp[c] = 0.0f;\n", (long long)C);
        P("            for (h = h0; h < h1; h++)\n                for (w = w0; w < w1; w++)\n"
          "                    for (c = 0; c < %lld; c++) yp[c] += x[(h * %lld + w) * %lld + c];\n", (long long)C, (long long)W,
          (long long)C);
        P("            for (c = 0; c < %lld; c++) yp[c] *= inv;\n        }\n", (long long)C);
    }
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_gpool(em *e, const ex_step *s)
{
    const int64_t n = s->g[0], C = s->g[1];
    const char *T = s->quant ? "int8_t" : "float";
    comment(e, s, s->g[2] ? "y[c] = max over positions" : "y[c] = mean over positions");
    P("static void %s(const %s *x, %s *y)\n{\n    int p, c;\n", s->fn, T, T);
    if (s->g[2]) {
        P("    for (c = 0; c < %lld; c++) y[c] = x[c];\n", (long long)C);
        P("    for (p = 1; p < %lld; p++)\n        for (c = 0; c < %lld; c++) if (x[p * %lld + c] > y[c]) y[c] = x[p * %lld + c];\n",
          (long long)n, (long long)C, (long long)C, (long long)C);
    } else if (s->quant) { /* real mean = s_in·(sum/n − zp_in), requantised to the output's own scale */
        const ex_value *vi = &e->p->v[s->in[0]], *vo = &e->p->v[s->out];
        char b1[40];
        e->need_q8 = true;
        P("    for (c = 0; c < %lld; c++) {\n        int32_t sum = 0;\n", (long long)C);
        P("        for (p = 0; p < %lld; p++) sum += x[p * %lld + c];\n", (long long)n, (long long)C);
        P("        y[c] = q8(((float)sum / %lld.0f - %d.0f) * %s + %d.0f);\n    }\n", (long long)n, vi->zero_point,
          flit(b1, vi->scale / vo->scale), vo->zero_point);
    } else {
        P("    for (c = 0; c < %lld; c++) y[c] = 0.0f;\n", (long long)C);
        P("    for (p = 0; p < %lld; p++)\n        for (c = 0; c < %lld; c++) y[c] += x[p * %lld + c];\n", (long long)n, (long long)C,
          (long long)C);
        P("    for (c = 0; c < %lld; c++) y[c] /= %lld.0f;\n", (long long)C, (long long)n);
    }
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_bn(em *e, const ex_step *s)
{
    char name[240];
    const int64_t R = s->g[0], C = s->g[1];
    comment(e, s, "inference form: y = x·scale + shift, scale = gamma/sqrt(moving_variance + epsilon), "
                  "shift = beta - moving_mean·scale");
    snprintf(name, sizeof name, "%s_scale", s->fn);
    emit_f32(e, name, s->w[0], C);
    snprintf(name, sizeof name, "%s_shift", s->fn);
    emit_f32(e, name, s->w[1], C);
    P("static void %s(const float *x, float *y)\n{\n    int r, c;\n", s->fn);
    P("    for (r = 0; r < %lld; r++)\n        for (c = 0; c < %lld; c++) y[r * %lld + c] = x[r * %lld + c] * %s_scale[c] + %s_shift[c];\n}\n",
      (long long)R, (long long)C, (long long)C, (long long)C, s->fn, s->fn);
    return BRAIN_OK;
}

static brain_status emit_activation(em *e, const ex_step *s)
{
    const int64_t R = s->g[0], C = s->g[1];
    comment(e, s, NULL);
    P("static void %s(const float *x, float *y)\n{\n    int i;\n", s->fn);
    P("    for (i = 0; i < %lld; i++) y[i] = x[i];\n", (long long)(R * C));
    emit_apply_act(e, s->act, R, C, "y");
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_leaky(em *e, const ex_step *s)
{
    char b[40];
    comment(e, s, NULL);
    P("static void %s(const float *x, float *y)\n{\n    int i;\n", s->fn);
    P("    for (i = 0; i < %lld; i++) y[i] = x[i] > 0.0f ? x[i] : %s * x[i];\n}\n", (long long)s->g[0], flit(b, s->slope));
    return BRAIN_OK;
}

/* a weight matrix of `cols` columns: float, or int8 with a scale per column (hybrid) */
static void emit_matrix(em *e, const ex_step *s, int k, const char *suffix, int64_t cols)
{
    char name[240];
    snprintf(name, sizeof name, "%s_%s", s->fn, suffix);
    if (!s->hybrid) { emit_f32(e, name, s->w[k], s->w_size[k]); return; }
    int8_t *q = malloc((size_t)s->w_size[k]);
    float *sc = malloc(sizeof(float) * (size_t)cols);
    if (!q || !sc) { free(q); free(sc); e->body.oom = true; return; }
    quantize_weights(s->w[k], s->w_size[k] / cols, cols, false, q, sc);
    emit_i8(e, name, q, s->w_size[k]);
    snprintf(name, sizeof name, "%s_%s_scale", s->fn, suffix);
    emit_scales(e, name, sc, cols);
    free(q);
    free(sc);
}

/* the C expression of element [idx] of matrix `suffix`, column `col` */
static const char *melem(const em *e, const ex_step *s, const char *suffix, const char *idx, const char *col, char *buf)
{
    if (s->hybrid) snprintf(buf, 1024, "((float)%s_%s[%s] * %s_%s_scale[%s])", s->fn, suffix, idx, s->fn, suffix, col);
    else snprintf(buf, 1024, "%s_%s[%s]", s->fn, suffix, idx);
    return buf;
}

static brain_status emit_embedding(em *e, const ex_step *s)
{
    const int64_t T = s->g[0], V = s->g[1], E = s->g[2];
    char el[1024];
    brain_status st = check_finite(s, 0);
    if (st) return st;
    comment(e, s, "y[t] = embeddings[ids[t]]; an id that is not a whole number in range returns 1");
    emit_matrix(e, s, 0, "embeddings", E);
    P("static int %s(const float *ids, float *y)\n{\n    int t, j;\n", s->fn);
    P("    for (t = 0; t < %lld; t++) {\n        const float v = ids[t];\n        int id;\n", (long long)T);
    P("        if (!(v >= 0.0f && v < %lld.0f)) return 1;\n        id = (int)v;\n        if ((float)id != v) return 1;\n",
      (long long)V);
    char idx[64];
    snprintf(idx, sizeof idx, "id * %lld + j", (long long)E);
    P("        for (j = 0; j < %lld; j++) y[t * %lld + j] = %s;\n    }\n    return 0;\n}\n", (long long)E, (long long)E,
      melem(e, s, "embeddings", idx, "j", el));
    return BRAIN_OK;
}

static const char *rnn_act(em *e, brain_activation_kind a)
{
    e->need_rnn_act[a] = true;
    switch (a) {
    case BRAIN_TANH: return "rnn_tanh";
    case BRAIN_SIGMOID: return "rnn_sigmoid";
    case BRAIN_RELU: return "rnn_relu";
    case BRAIN_HARD_SIGMOID: return "rnn_hard_sigmoid";
    default: e->need_rnn_act[a] = false; e->need_rnn_act[BRAIN_LINEAR] = true; return "rnn_linear";
    }
}

static brain_status emit_rnn(em *e, const ex_step *s)
{
    const int64_t T = s->g[0], D = s->g[1], u = s->g[2], cell = s->g[3], GU = (cell == 1 ? 4 : cell == 2 ? 3 : 1) * u;
    const bool ra = s->g[4], back = s->g[5], seq = s->g[6];
    brain_status st = BRAIN_OK;
    for (int k = 0; k < 3; k++)
        if ((st = check_finite(s, k))) return st;
    const char *fa = rnn_act(e, s->act), *fr = cell ? rnn_act(e, (brain_activation_kind)s->g[7]) : NULL;
    char extra[400];
    snprintf(extra, sizeof extra, "%s%s%s%s; per step: z = x_t·kernel + bias + h·recurrent_kernel%s%s",
             cell == 1 ? "gates i, f, c, o: c = f*c + i*g, h = o*act(c)" : cell == 2 ? "gates z, r, h: h = z*h + (1 - z)*hh" : "h = act(z)",
             cell == 2 ? (ra ? " (reset_after: hh = act(x_h + r*(h·U_h + b_rec)))" : " (reset before: hh = act(x_h + (r*h)·U_h))") : "",
             back ? "; steps read last to first" : "", seq ? "; the output holds h of every step" : "; the output is the last h",
             s->mask_ids >= 0 ? "; a step whose token id is 0 is skipped (Keras's mask_zero)" : "",
             s->hybrid ? "; int8 weights (per column scale), float arithmetic" : "");
    comment(e, s, extra);
    emit_matrix(e, s, 0, "kernel", GU);
    emit_matrix(e, s, 1, "recurrent_kernel", GU);
    char name[240];
    snprintf(name, sizeof name, "%s_bias", s->fn);
    emit_f32(e, name, s->w[2], s->w_size[2]); /* (GRU reset_after: input row, then recurrent row) */
    char el[1024];
    const bool emb = s->w[3] != NULL; /* the Embedding before it, fused: x holds token ids */
    if (emb) {
        if ((st = check_finite(s, 3))) return st;
        P("/* the Embedding before it is fused in: step t reads row ids[t] of the table (a whole number in [0, %lld), "
          "else it returns 1) */\n", (long long)s->g[8]);
        emit_matrix(e, s, 3, "embeddings", D);
    }
    P("static %s %s(const float *x, float *y, float *tmp%s)\n{\n", emb ? "int" : "void", s->fn,
      s->mask_ids >= 0 ? ", const float *ids" : "");
    P("    float *h = tmp, *c = tmp + %lld, *z = tmp + %lld, *rz = tmp + %lld;\n    int s, k, g, d;\n", (long long)u,
      (long long)(2 * u), (long long)(2 * u + GU));
    P("    (void)c; (void)rz;\n");
    P("    for (k = 0; k < %lld; k++) h[k] = c[k] = 0.0f;\n", (long long)u);
    char tx[64];
    if (back) snprintf(tx, sizeof tx, "%lld - s", (long long)(T - 1));
    else snprintf(tx, sizeof tx, "s");
    if (!emb) {
        P("    for (s = 0; s < %lld; s++) {\n        const int t = %s;\n        const float *xt = x + t * %lld;\n", (long long)T, tx,
          (long long)D);
    } else {
        const int64_t row_off = 2 * u + GU + (cell == 2 ? (ra ? GU : u) : 0);
        P("    for (s = 0; s < %lld; s++) {\n        const int t = %s;\n        const float v = x[t];\n        const float *xt;\n"
          "        int id;\n", (long long)T, tx);
        P("        if (!(v >= 0.0f && v < %lld.0f)) return 1;\n        id = (int)v;\n        if ((float)id != v) return 1;\n",
          (long long)s->g[8]);
        if (s->hybrid) {
            char idx2[64];
            snprintf(idx2, sizeof idx2, "id * %lld + d", (long long)D);
            P("        for (d = 0; d < %lld; d++) tmp[%lld + d] = %s;\n        xt = tmp + %lld;\n", (long long)D, (long long)row_off,
              melem(e, s, "embeddings", idx2, "d", el), (long long)row_off);
        } else {
            P("        xt = %s_embeddings + id * %lld;\n", s->fn, (long long)D);
        }
    }
    if (s->mask_ids >= 0) {
        P("        if (ids[t] == 0.0f) { /* masked step: the state carries over */\n");
        if (seq && s->g[9]) P("            for (k = 0; k < %lld; k++) y[s * %lld + k] = 0.0f; /* zero_output_for_mask */\n", (long long)u, (long long)u);
        else if (seq) P("            for (k = 0; k < %lld; k++) y[s * %lld + k] = h[k];\n", (long long)u, (long long)u);
        P("            continue;\n        }\n");
    }
    P("        for (g = 0; g < %lld; g++) z[g] = %s_bias[g];\n", (long long)GU, s->fn);
    char idx[64];
    snprintf(idx, sizeof idx, "d * %lld + g", (long long)GU);
    P("        for (d = 0; d < %lld; d++) {\n            const float xv = xt[d];\n            for (g = 0; g < %lld; g++) z[g] += xv * %s;\n        }\n",
      (long long)D, (long long)GU, melem(e, s, "kernel", idx, "g", el));
    snprintf(idx, sizeof idx, "k * %lld + g", (long long)GU);
    if (cell == 2 && ra) {
        P("        for (g = 0; g < %lld; g++) rz[g] = %s_bias[%lld + g];\n", (long long)GU, s->fn, (long long)GU);
        P("        for (k = 0; k < %lld; k++) {\n            const float hv = h[k];\n            for (g = 0; g < %lld; g++) rz[g] += hv * %s;\n        }\n",
          (long long)u, (long long)GU, melem(e, s, "recurrent_kernel", idx, "g", el));
    } else {
        P("        for (k = 0; k < %lld; k++) {\n            const float hv = h[k];\n            for (g = 0; g < %lld; g++) z[g] += hv * %s;\n        }\n",
          (long long)u, (long long)(cell == 2 ? 2 * u : GU), melem(e, s, "recurrent_kernel", idx, "g", el));
    }
    switch (cell) {
    case 0:
        P("        for (k = 0; k < %lld; k++) h[k] = %s(z[k]);\n", (long long)u, fa);
        break;
    case 1:
        P("        for (k = 0; k < %lld; k++) {\n", (long long)u);
        P("            const float ig = %s(z[k]), fg = %s(z[%lld + k]), gg = %s(z[%lld + k]), og = %s(z[%lld + k]);\n", fr, fr,
          (long long)u, fa, (long long)(2 * u), fr, (long long)(3 * u));
        P("            c[k] = fg * c[k] + ig * gg;\n            h[k] = og * %s(c[k]);\n        }\n", fa);
        break;
    default:
        if (ra) {
            P("        for (g = 0; g < %lld; g++) z[g] = %s(z[g] + rz[g]);\n", (long long)(2 * u), fr);
            P("        for (k = 0; k < %lld; k++) {\n            const float hh = %s(z[%lld + k] + z[%lld + k] * rz[%lld + k]);\n",
              (long long)u, fa, (long long)(2 * u), (long long)u, (long long)(2 * u));
            P("            h[k] = z[k] * h[k] + (1.0f - z[k]) * hh;\n        }\n");
        } else {
            P("        for (g = 0; g < %lld; g++) z[g] = %s(z[g]);\n", (long long)(2 * u), fr);
            P("        for (k = 0; k < %lld; k++) rz[k] = z[%lld + k] * h[k];\n", (long long)u, (long long)u);
            snprintf(idx, sizeof idx, "k * %lld + %lld + g", (long long)GU, (long long)(2 * u));
            snprintf(name, sizeof name, "%lld + g", (long long)(2 * u));
            P("        for (k = 0; k < %lld; k++) {\n            const float rv = rz[k];\n            for (g = 0; g < %lld; g++) z[%lld + g] += rv * %s;\n        }\n",
              (long long)u, (long long)u, (long long)(2 * u), melem(e, s, "recurrent_kernel", idx, name, el));
            P("        for (k = 0; k < %lld; k++) {\n            const float hh = %s(z[%lld + k]);\n", (long long)u, fa, (long long)(2 * u));
            P("            h[k] = z[k] * h[k] + (1.0f - z[k]) * hh;\n        }\n");
        }
    }
    if (seq) P("        for (k = 0; k < %lld; k++) y[s * %lld + k] = h[k];\n", (long long)u, (long long)u);
    P("    }\n");
    if (!seq) P("    for (k = 0; k < %lld; k++) y[k] = h[k];\n", (long long)u);
    if (emb) P("    return 0;\n");
    P("}\n");
    return BRAIN_OK;
}

static brain_status emit_merge(em *e, const ex_step *s)
{
    const char *cls = s->cls;
    const int n = s->n_in;
    comment(e, s, NULL);
    P("static void %s(", s->fn);
    for (int k = 0; k < n; k++) P("const float *x%d, ", k);
    P("float *y)\n{\n    int j;\n    for (j = 0; j < %lld; j++) {\n", (long long)s->g[0]);
    if (strcmp(cls, "Subtract") == 0) P("        y[j] = x0[j] - x1[j];\n");
    else if (strcmp(cls, "Maximum") == 0) {
        P("        float v = x0[j];\n");
        for (int k = 1; k < n; k++) P("        if (x%d[j] > v) v = x%d[j];\n", k, k);
        P("        y[j] = v;\n");
    } else {
        const char *opc = strcmp(cls, "Multiply") == 0 ? "*" : "+";
        P("        float v = x0[j];\n");
        for (int k = 1; k < n; k++) P("        v %s= x%d[j];\n", opc, k);
        if (strcmp(cls, "Average") == 0) P("        y[j] = v / %d.0f;\n", n);
        else P("        y[j] = v;\n");
    }
    P("    }\n}\n");
    return BRAIN_OK;
}

static brain_status emit_concat(em *e, const ex_step *s)
{
    const int64_t outer = s->g[0];
    comment(e, s, NULL);
    P("static void %s(", s->fn);
    for (int k = 0; k < s->n_in; k++) P("const float *x%d, ", k);
    P("float *y)\n{\n    int o, j;\n    float *d = y;\n    for (o = 0; o < %lld; o++) {\n", (long long)outer);
    for (int k = 0; k < s->n_in; k++) {
        const int64_t inner = e->p->v[s->in[k]].size / outer;
        P("        for (j = 0; j < %lld; j++) *d++ = x%d[o * %lld + j];\n", (long long)inner, k, (long long)inner);
    }
    P("    }\n}\n");
    return BRAIN_OK;
}

static brain_status emit_conversion(em *e, const ex_step *s)
{
    const ex_value *vi = &e->p->v[s->in[0]], *vo = &e->p->v[s->out];
    const ex_value *q = s->kind == EX_QUANTIZE ? vo : vi;
    char b[40];
    const brain_layer *from = q->range_node >= 0 ? e->p->m->nodes[q->range_node].layer : NULL;
    P("\n/* %s %lld values of '%s': real = %s·(q - (%d)), calibrated range [%g, %g] */\n",
      s->kind == EX_QUANTIZE ? "int8 quantisation of the" : "float form of the", (long long)vi->size, from ? from->name : "input",
      flit(b, q->scale), q->zero_point, (double)q->lo, (double)q->hi);
    if (s->kind == EX_QUANTIZE) {
        e->need_q8 = true;
        P("static void %s(const float *x, int8_t *y)\n{\n    int i;\n", s->fn);
        P("    for (i = 0; i < %lld; i++) y[i] = q8(x[i] / %s + %d.0f);\n}\n", (long long)vi->size, flit(b, q->scale), q->zero_point);
    } else {
        P("static void %s(const int8_t *x, float *y)\n{\n    int i;\n", s->fn);
        P("    for (i = 0; i < %lld; i++) y[i] = %s * (float)(x[i] - (%d));\n}\n", (long long)vi->size, flit(b, q->scale), q->zero_point);
    }
    return BRAIN_OK;
}

/* Bidirectional: y[t] = merge(forward[t], backward[T−1−t]) (the backward half ran last step first) */
static brain_status emit_bidi_merge(em *e, const ex_step *s)
{
    static const char *const modes[] = {"concat", "sum", "mul", "ave"};
    const int64_t T = s->g[0], u = s->g[1], mode = s->g[2], seq = s->g[3];
    char extra[160];
    snprintf(extra, sizeof extra, "merge_mode %s of the forward and backward halves%s", modes[mode],
             seq ? "; the backward half is flipped back into input order" : "");
    comment(e, s, extra);
    P("static void %s(const float *f, const float *b, float *y)\n{\n    int t, j;\n", s->fn);
    char bidx[64];
    if (seq) snprintf(bidx, sizeof bidx, "%lld - t", (long long)(T - 1));
    else snprintf(bidx, sizeof bidx, "t");
    P("    for (t = 0; t < %lld; t++) {\n        const float *ft = f + t * %lld, *bt = b + (%s) * %lld;\n", (long long)T, (long long)u,
      bidx, (long long)u);
    if (mode == 0) P("        for (j = 0; j < %lld; j++) { y[t * %lld + j] = ft[j]; y[t * %lld + %lld + j] = bt[j]; }\n", (long long)u,
                     (long long)(2 * u), (long long)(2 * u), (long long)u);
    else P("        for (j = 0; j < %lld; j++) y[t * %lld + j] = %s;\n", (long long)u, (long long)u,
           mode == 1 ? "ft[j] + bt[j]" : mode == 2 ? "ft[j] * bt[j]" : "(ft[j] + bt[j]) / 2.0f");
    P("    }\n}\n");
    return BRAIN_OK;
}

typedef struct { const char *cls; brain_status (*emit)(em *e, const ex_step *s); } emitter;
static const emitter emitters[] = {
    {"Dense", emit_dense}, {"Conv1D", emit_conv}, {"Conv2D", emit_conv},
    {"MaxPooling1D", emit_pool}, {"MaxPooling2D", emit_pool}, {"AveragePooling1D", emit_pool}, {"AveragePooling2D", emit_pool},
    {"GlobalAveragePooling1D", emit_gpool}, {"GlobalAveragePooling2D", emit_gpool}, {"GlobalMaxPooling2D", emit_gpool},
    {"BatchNormalization", emit_bn}, {"Activation", emit_activation}, {"LeakyReLU", emit_leaky},
    {"Embedding", emit_embedding}, {"SimpleRNN", emit_rnn}, {"LSTM", emit_rnn}, {"GRU", emit_rnn},
    {"Add", emit_merge}, {"Subtract", emit_merge}, {"Multiply", emit_merge}, {"Average", emit_merge}, {"Maximum", emit_merge},
    {"Concatenate", emit_concat}, {"BidirectionalMerge", emit_bidi_merge},
};

/* the C expression for value v inside NAME_predict_ws */
static void vexpr(const ex_plan *p, int v, char *b, size_t cap)
{
    const ex_value *x = &p->v[v];
    if (x->input_index >= 0) {
        int64_t off = 0;
        for (int k = 0; k < x->input_index; k++) off += p->v[p->inputs[k]].size;
        snprintf(b, cap, "in + %lld", (long long)off);
    } else if (x->dtype == EX_I8) snprintf(b, cap, "(int8_t *)(ws + %lld)", (long long)x->offset);
    else snprintf(b, cap, "ws + %lld", (long long)x->offset);
}

static void shape_of(const brain_shape *s, char *b, size_t cap)
{
    size_t n = (size_t)snprintf(b, cap, "(");
    for (int i = 0; i < s->ndim && n < cap; i++) n += (size_t)snprintf(b + n, cap - n, "%s%lld", i ? ", " : "", (long long)s->dims[i]);
    if (n < cap) snprintf(b + n, cap - n, "%s)", s->ndim == 1 ? "," : "");
}

static brain_status emit_all(ex_plan *p, ex_buf *h, ex_buf *c, brain_export_c_report *rep, bool fixed)
{
    em E = {.p = p, .fixed = fixed}, *e = &E;
    brain_model *m = p->m;
    brain_status st = BRAIN_OK;
    for (int t = 0; !st && t < p->n_s; t++) {
        const ex_step *s = &p->s[t];
        if (s->kind != EX_LAYER) { st = emit_conversion(e, s); continue; }
        const emitter *em_ = NULL;
        for (size_t i = 0; i < sizeof emitters / sizeof emitters[0]; i++)
            if (strcmp(emitters[i].cls, s->cls) == 0) em_ = &emitters[i];
        if (!em_) st = brain__fail(BRAIN_ERR_ARG, "export: layer '%s' (%s) has no C emitter", s->layer->name, s->cls);
        else st = em_->emit(e, s);
    }
    if (st) { free(e->body.s); return st; }
    const char *N = p->name;
    int64_t in_total = 0, out_total = 0;
    for (int k = 0; k < p->n_inputs; k++) in_total += p->v[p->inputs[k]].size;
    for (int k = 0; k < p->n_outputs; k++) out_total += p->v[p->outputs[k]].size;
    char buf[160], up[80];
    size_t i;
    for (i = 0; N[i] && i + 1 < sizeof up; i++) up[i] = (char)(N[i] >= 'a' && N[i] <= 'z' ? N[i] - 32 : N[i]);
    up[i] = 0;

    /* ---- the header */
#define HH(...) brain__ex_printf(h, __VA_ARGS__)
    HH("/* %s.h — model '%s' exported by brain %s (%s).\n *\n", N, m->name, BRAIN_VERSION, p->int8 ? "int8, post-training quantised" : "float32");
    HH(" * C99 and libm only; no malloc, no stdio; the only mutable state is the arena used by %s_predict.\n", N);
    HH(" * Inputs (floats, row-major, channels-last, concatenated in this order):\n");
    for (int k = 0; k < p->n_inputs; k++) {
        const ex_value *v = &p->v[p->inputs[k]];
        shape_of(&v->shape, buf, sizeof buf);
        HH(" *   input %d '%s': shape %s, %lld values\n", k, m->nodes[m->input_nodes[k]].layer ? m->nodes[m->input_nodes[k]].layer->name : "input",
           buf, (long long)v->size);
    }
    HH(" * Outputs (floats, concatenated in this order):\n");
    for (int k = 0; k < p->n_outputs; k++) {
        const ex_value *v = &p->v[p->outputs[k]];
        shape_of(&m->nodes[m->output_nodes[k]].shape, buf, sizeof buf);
        HH(" *   output %d '%s': shape %s, %lld values\n", k, m->nodes[m->output_nodes[k]].layer->name, buf, (long long)v->size);
    }
    HH(" * Return value: 0, or 1 when an Embedding meets an id that is not a whole number in range.\n */\n");
    HH("#ifndef %s_H\n#define %s_H\n\n", up, up);
    HH("#define %s_INPUT_SIZE %lld    /* floats per sample in */\n", up, (long long)in_total);
    HH("#define %s_OUTPUT_SIZE %lld   /* floats per sample out */\n", up, (long long)out_total);
    if (p->n_inputs > 1 || p->n_outputs > 1) { /* where each input / output sits in in[] / out[] */
        int64_t off = 0;
        for (int k = 0; k < p->n_inputs; k++) {
            HH("#define %s_INPUT%d_OFFSET %lld\n#define %s_INPUT%d_SIZE %lld\n", up, k, (long long)off, up, k,
               (long long)p->v[p->inputs[k]].size);
            off += p->v[p->inputs[k]].size;
        }
        off = 0;
        for (int k = 0; k < p->n_outputs; k++) {
            HH("#define %s_OUTPUT%d_OFFSET %lld\n#define %s_OUTPUT%d_SIZE %lld\n", up, k, (long long)off, up, k,
               (long long)p->v[p->outputs[k]].size);
            off += p->v[p->outputs[k]].size;
        }
    }
    HH("#define %s_ARENA_FLOATS %lld  /* scratch: the static arena, or the workspace of %s_predict_ws */\n", up, (long long)p->arena, N);
    HH("#define %s_ARENA_BYTES (%s_ARENA_FLOATS * 4)\n", up, up);
    HH("#define %s_WEIGHT_BYTES %lld  /* constant data (flash) */\n\n", up, (long long)e->weight_bytes);
    HH("#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    HH("/* One sample: in[%s_INPUT_SIZE] -> out[%s_OUTPUT_SIZE], scratch in a static arena (not reentrant). */\n", up, up);
    HH("int %s_predict(const float *in, float *out);\n", N);
    HH("/* n samples, one after another (same layout, n times). */\nint %s_predict_batch(const float *in, float *out, int n);\n", N);
    HH("/* Reentrant: the caller's workspace of %s_ARENA_FLOATS floats. */\n", up);
    HH("int %s_predict_ws(const float *in, float *out, float *workspace);\n\n", N);
    HH("#ifdef __cplusplus\n}\n#endif\n#endif\n");
#undef HH

    /* ---- the source */
#define CC(...) brain__ex_printf(c, __VA_ARGS__)
    CC("/* %s.c — model '%s' exported by brain %s: one function per layer, then %s_predict.\n", N, m->name, BRAIN_VERSION, N);
    CC(" * %s. Weights: %lld bytes. Arena: %lld floats. */\n", p->int8 ? "int8 (TFLite's scheme: docs/deploy.md)" : "float32",
       (long long)e->weight_bytes, (long long)p->arena);
    CC("#include \"%s.h\"\n#include <math.h>\n#include <stdint.h>\n%s\n", N,
       e->need_rnn_act[BRAIN_TANH] || e->need_rnn_act[BRAIN_SIGMOID] ? "#include <string.h>\n" : "");
    if (e->largest > 32767 || p->arena > 32767) /* indices are int: a 16-bit int would overflow */
        CC("typedef char %s_needs_an_int_of_32_bits[sizeof(int) >= 4 ? 1 : -1];\n\n", N);
    emit_act_helpers(e, c);
    CC("%.*s", (int)e->body.n, e->body.s ? e->body.s : "");
    free(e->body.s);
    if (e->body.oom) return brain__fail(BRAIN_ERR_NOMEM, "export: out of memory writing the C source");

    CC("\n/* The model: layers in the graph's order over one workspace (offsets in floats). */\n");
    CC("int %s_predict_ws(const float *in, float *out, float *ws)\n{\n    int i;\n", N);
    for (int t = 0; t < p->n_s; t++) {
        const ex_step *s = &p->s[t];
        const bool emb = s->layer && (strcmp(s->cls, "Embedding") == 0 || s->w[3] != NULL);
        CC("    %s%s(", emb ? "if (" : "", s->fn);
        for (int k = 0; k < s->n_in; k++) {
            vexpr(p, s->in[k], buf, sizeof buf);
            CC("%s, ", buf);
        }
        vexpr(p, s->out, buf, sizeof buf);
        CC("%s", buf);
        if (s->scratch) CC(", ws + %lld", (long long)s->scratch_off);
        if (s->mask_ids >= 0) {
            vexpr(p, s->mask_ids, buf, sizeof buf);
            CC(", %s", buf);
        }
        CC(")%s\n", emb ? ") return 1;" : ";");
    }
    int64_t off = 0;
    for (int k = 0; k < p->n_outputs; k++) {
        const ex_value *v = &p->v[p->outputs[k]];
        vexpr(p, p->outputs[k], buf, sizeof buf);
        CC("    for (i = 0; i < %lld; i++) out[%lld + i] = (%s)[i];\n", (long long)v->size, (long long)off, buf);
        off += v->size;
    }
    CC("    return 0;\n}\n\n");
    CC("static float %s_arena[%s_ARENA_FLOATS];\n\n", N, up);
    CC("int %s_predict(const float *in, float *out)\n{\n    return %s_predict_ws(in, out, %s_arena);\n}\n\n", N, N, N);
    CC("int %s_predict_batch(const float *in, float *out, int n)\n{\n    int k;\n", N);
    CC("    for (k = 0; k < n; k++)\n        if (%s_predict(in + (long)k * %s_INPUT_SIZE, out + (long)k * %s_OUTPUT_SIZE)) return 1;\n"
       "    return 0;\n}\n", N, up, up);
#undef CC
    if (h->oom || c->oom) return brain__fail(BRAIN_ERR_NOMEM, "export: out of memory writing the C source");
    if (rep) {
        rep->weight_bytes = e->weight_bytes;
        rep->float_weight_bytes = e->float_weight_bytes;
        rep->arena_bytes = 4 * p->arena;
        rep->n_steps = p->n_s;
    }
    return BRAIN_OK;
}

brain_status brain_export_c(brain_model *m, const char *dir, const brain_export_c_options *opt)
{
    brain_export_c_options o = opt ? *opt : (brain_export_c_options){0};
    if (!dir || !*dir) return brain__fail(BRAIN_ERR_ARG, "brain_export_c: dir is NULL or empty");
    if (o.int8 && !o.calibration)
        return brain__fail(BRAIN_ERR_ARG, "brain_export_c: int8 needs calibration data (representative inputs) in options.calibration");
    ex_plan *p = NULL;
    brain_status st = brain__ex_plan(m, &(ex_plan_options){.name = o.name, .int8 = o.int8, .calibration = o.calibration, .fold_bn = true,
                                                  .fuse_embedding = true}, &p);
    if (st) return st;
    ex_buf h = {0}, c = {0};
    st = emit_all(p, &h, &c, o.report, o.int8_fixed_point);
    char path[4096];
    if (!st) {
        snprintf(path, sizeof path, "%s/%s.h", dir, p->name);
        st = brain__write_file_atomic(path, h.s, h.n);
    }
    if (!st) {
        snprintf(path, sizeof path, "%s/%s.c", dir, p->name);
        st = brain__write_file_atomic(path, c.s, c.n);
    }
    if (!st && o.report) snprintf(o.report->name, sizeof o.report->name, "%s", p->name);
    free(h.s);
    free(c.s);
    brain__ex_plan_free(p);
    return st;
}
