/* onnx.c — brain_export_onnx: the model as an ONNX graph (opset 13, float32), written with
 * protobuf-c from ONNX's own schema (src/export/onnx/onnx.proto; onnx.pb-c.[ch] are generated
 * at build time by protoc-c).  Without protobuf-c the call returns "not built with ONNX support".
 *
 * The graph follows the export plan (plan.c): the same folded BatchNormalization and fused
 * activations, Dropout and augmentation removed.  Layout: the graph keeps Keras's channels-last
 * tensors; convolutions and pooling, which ONNX defines channels-first, are wrapped in Transpose
 * nodes.  Recurrent layers become ONNX's LSTM / GRU / RNN on time-major data:
 *   LSTM: Keras gates (i, f, c, o) reordered to ONNX's (i, o, f, c); W = kernelᵀ, R = recurrent_kernelᵀ,
 *         B = [bias, 0];  GRU: gates (z, r, h) as ONNX's, reset_after ⇔ linear_before_reset = 1,
 *         B = [input bias, recurrent bias];  SimpleRNN: RNN.
 *   go_backwards reverses the time axis first (Slice with step −1), so the outputs come in the
 *   order Keras gives them.
 * Dense is Gemm (MatMul + Add on a sequence), Embedding is Cast + Gather, merges are Sum / Sub /
 * Mul / Mean / Max / Concat, Flatten and Reshape are Reshape; Bidirectional is its two halves (the
 * backward one flipped back when it returns sequences) and the merge.
 * MultiHeadAttention is written out: per projection MatMul + Add (the query also × 1/√key_dim),
 * Reshape to (batch, steps, heads, dim) and Transpose to heads first; MatMul of Q and Kᵀ, Where
 * for the causal mask (−1e9, as Keras's Softmax), Softmax, MatMul with V, Transpose and Reshape
 * back, the output MatMul + Add.  LayerNormalization (no operator in opset 13) is ReduceMean,
 * Sub, Mul, ReduceMean, Add ε, Sqrt, Div, × γ, + β over its trailing axes.
 */
#include "export.h"

#ifndef BRAIN_HAVE_ONNX
bool brain_onnx_available(void) { return false; }
brain_status brain_export_onnx(const brain_model *m, const char *path)
{
    (void)m;
    (void)path;
    return brain__fail(BRAIN_ERR_STATE, "brain_export_onnx: this brain was not built with ONNX support (install Debian's "
                       "libprotobuf-c-dev and protobuf-c-compiler, or run scripts/setup.sh, then reconfigure with CMake)");
}
#else
#include "io/io.h"
#include "layers/layer_config.h"
#include "onnx.pb-c.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

bool brain_onnx_available(void) { return true; }

typedef struct ox {
    void **mem; int n_mem, cap_mem;
    Onnx__NodeProto **nodes; int n_nodes, cap_nodes;
    Onnx__TensorProto **inits; int n_inits, cap_inits;
    int counter;
    bool oom;
} ox;

static bool grow(void ***arr, int *n, int *cap, void *item)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 64;
        void **a = realloc(*arr, sizeof(void *) * (size_t)c);
        if (!a) return false;
        *arr = a;
        *cap = c;
    }
    (*arr)[(*n)++] = item;
    return true;
}

static void *ox_new(ox *o, size_t n)
{
    void *p = calloc(1, n ? n : 1);
    if (!p || !grow(&o->mem, &o->n_mem, &o->cap_mem, p)) { free(p); o->oom = true; return NULL; }
    return p;
}

static char *ox_str(ox *o, const char *s)
{
    char *d = ox_new(o, strlen(s) + 1);
    if (d) strcpy(d, s);
    return d ? d : "";
}

/* a fresh tensor name "<base>/<k>" */
static const char *ox_tmp(ox *o, const char *base)
{
    char b[200];
    snprintf(b, sizeof b, "%s/%d", base, o->counter++);
    return ox_str(o, b);
}

static Onnx__AttributeProto *attr_new(ox *o, const char *name, Onnx__AttributeProto__AttributeType t)
{
    Onnx__AttributeProto *a = ox_new(o, sizeof *a);
    if (!a) return NULL;
    onnx__attribute_proto__init(a);
    a->name = ox_str(o, name);
    a->has_type = true;
    a->type = t;
    return a;
}
static Onnx__AttributeProto *attr_i(ox *o, const char *name, int64_t v)
{
    Onnx__AttributeProto *a = attr_new(o, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT);
    if (a) { a->has_i = true; a->i = v; }
    return a;
}
static Onnx__AttributeProto *attr_f(ox *o, const char *name, float v)
{
    Onnx__AttributeProto *a = attr_new(o, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT);
    if (a) { a->has_f = true; a->f = v; }
    return a;
}
static Onnx__AttributeProto *attr_ints(ox *o, const char *name, int n, const int64_t *v)
{
    Onnx__AttributeProto *a = attr_new(o, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS);
    int64_t *d = ox_new(o, sizeof(int64_t) * (size_t)n);
    if (a && d) { memcpy(d, v, sizeof(int64_t) * (size_t)n); a->n_ints = (size_t)n; a->ints = d; }
    return a;
}
static Onnx__AttributeProto *attr_strs(ox *o, const char *name, int n, const char *const *v)
{
    Onnx__AttributeProto *a = attr_new(o, name, ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRINGS);
    ProtobufCBinaryData *d = ox_new(o, sizeof *d * (size_t)n);
    if (!a || !d) return a;
    for (int i = 0; i < n; i++) { d[i].data = (uint8_t *)ox_str(o, v[i]); d[i].len = strlen(v[i]); }
    a->n_strings = (size_t)n;
    a->strings = d;
    return a;
}

/* a node; outs[0] is returned.  attrs NULL-terminated */
static const char *ox_node_n(ox *o, const char *op, int n_in, const char *const *in, int n_out, const char *const *out,
                             Onnx__AttributeProto *const *attrs)
{
    Onnx__NodeProto *nd = ox_new(o, sizeof *nd);
    char **ins = ox_new(o, sizeof(char *) * (size_t)(n_in + 1)), **outs = ox_new(o, sizeof(char *) * (size_t)n_out);
    int na = 0;
    while (attrs && attrs[na]) na++;
    Onnx__AttributeProto **as = ox_new(o, sizeof *as * (size_t)(na + 1));
    if (!nd || !ins || !outs || !as) return "";
    onnx__node_proto__init(nd);
    nd->op_type = ox_str(o, op);
    for (int i = 0; i < n_in; i++) ins[i] = ox_str(o, in[i]);
    for (int i = 0; i < n_out; i++) outs[i] = ox_str(o, out[i]);
    for (int i = 0; i < na; i++) as[i] = attrs[i];
    nd->n_input = (size_t)n_in; nd->input = ins;
    nd->n_output = (size_t)n_out; nd->output = outs;
    nd->n_attribute = (size_t)na; nd->attribute = as;
    nd->name = ox_str(o, out[0]);
    if (!grow((void ***)&o->nodes, &o->n_nodes, &o->cap_nodes, nd)) o->oom = true;
    return outs[0];
}
#define NODE(o, op, out, attrs, ...) \
    ox_node_n(o, op, (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(char *)), (const char *[]){__VA_ARGS__}, 1, \
              (const char *[]){out}, attrs)
#define ATTRS(...) ((Onnx__AttributeProto *const[]){__VA_ARGS__, NULL})

static Onnx__TensorProto *init_new(ox *o, const char *name, int ndim, const int64_t *dims, int32_t type)
{
    Onnx__TensorProto *t = ox_new(o, sizeof *t);
    int64_t *d = ox_new(o, sizeof(int64_t) * (size_t)(ndim + 1));
    if (!t || !d) return NULL;
    onnx__tensor_proto__init(t);
    if (ndim) memcpy(d, dims, sizeof(int64_t) * (size_t)ndim);
    t->n_dims = (size_t)ndim;
    t->dims = d;
    t->has_data_type = true;
    t->data_type = type;
    t->name = ox_str(o, name);
    if (!grow((void ***)&o->inits, &o->n_inits, &o->cap_inits, t)) o->oom = true;
    return t;
}
/* a float initializer (data copied) */
static const char *init_f(ox *o, const char *name, int ndim, const int64_t *dims, const float *data)
{
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) n *= dims[i];
    Onnx__TensorProto *t = init_new(o, name, ndim, dims, ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
    float *d = ox_new(o, sizeof(float) * (size_t)n);
    if (!t || !d) return "";
    memcpy(d, data, sizeof(float) * (size_t)n);
    t->n_float_data = (size_t)n;
    t->float_data = d;
    return t->name;
}
static const char *init_scalar(ox *o, const char *base, float v) { return init_f(o, ox_tmp(o, base), 0, NULL, &v); }
static const char *init_i64(ox *o, const char *name, int n, const int64_t *v)
{
    Onnx__TensorProto *t = init_new(o, name, 1, (int64_t[]){n}, ONNX__TENSOR_PROTO__DATA_TYPE__INT64);
    int64_t *d = ox_new(o, sizeof(int64_t) * (size_t)n);
    if (!t || !d) return "";
    memcpy(d, v, sizeof(int64_t) * (size_t)n);
    t->n_int64_data = (size_t)n;
    t->int64_data = d;
    return t->name;
}

static Onnx__ValueInfoProto *value_info(ox *o, const char *name, const brain_shape *s)
{
    Onnx__ValueInfoProto *v = ox_new(o, sizeof *v);
    Onnx__TypeProto *tp = ox_new(o, sizeof *tp);
    Onnx__TypeProto__Tensor *tt = ox_new(o, sizeof *tt);
    Onnx__TensorShapeProto *sh = ox_new(o, sizeof *sh);
    Onnx__TensorShapeProto__Dimension **dims = ox_new(o, sizeof *dims * (size_t)(s->ndim + 1));
    if (!v || !tp || !tt || !sh || !dims) return NULL;
    onnx__value_info_proto__init(v);
    onnx__type_proto__init(tp);
    onnx__type_proto__tensor__init(tt);
    onnx__tensor_shape_proto__init(sh);
    for (int i = 0; i <= s->ndim; i++) {
        Onnx__TensorShapeProto__Dimension *d = ox_new(o, sizeof *d);
        if (!d) return NULL;
        onnx__tensor_shape_proto__dimension__init(d);
        if (i == 0) { d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM; d->dim_param = ox_str(o, "batch"); }
        else { d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE; d->dim_value = s->dims[i - 1]; }
        dims[i] = d;
    }
    sh->n_dim = (size_t)(s->ndim + 1);
    sh->dim = dims;
    tt->has_elem_type = true;
    tt->elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
    tt->shape = sh;
    tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
    tp->tensor_type = tt;
    v->name = ox_str(o, name);
    v->type = tp;
    return v;
}

/* ------------------------------------------------------------------ layers */
static brain_status act(ox *o, brain_activation_kind a, const char *x, const char *name, const char **y)
{
    const char *t;
    switch (a) {
    case BRAIN_LINEAR: *y = x; return BRAIN_OK;
    case BRAIN_RELU: *y = NODE(o, "Relu", name, NULL, x); return BRAIN_OK;
    case BRAIN_SIGMOID: *y = NODE(o, "Sigmoid", name, NULL, x); return BRAIN_OK;
    case BRAIN_TANH: *y = NODE(o, "Tanh", name, NULL, x); return BRAIN_OK;
    case BRAIN_SOFTMAX: *y = NODE(o, "Softmax", name, ATTRS(attr_i(o, "axis", -1)), x); return BRAIN_OK;
    case BRAIN_LEAKY_RELU: *y = NODE(o, "LeakyRelu", name, ATTRS(attr_f(o, "alpha", 0.2f)), x); return BRAIN_OK;
    case BRAIN_ELU: *y = NODE(o, "Elu", name, ATTRS(attr_f(o, "alpha", 1.0f)), x); return BRAIN_OK;
    case BRAIN_SELU:
        *y = NODE(o, "Selu", name, ATTRS(attr_f(o, "alpha", 1.6732632423543772f), attr_f(o, "gamma", 1.0507009873554805f)), x);
        return BRAIN_OK;
    case BRAIN_SOFTPLUS: *y = NODE(o, "Softplus", name, NULL, x); return BRAIN_OK;
    case BRAIN_SOFTSIGN: *y = NODE(o, "Softsign", name, NULL, x); return BRAIN_OK;
    case BRAIN_EXPONENTIAL: *y = NODE(o, "Exp", name, NULL, x); return BRAIN_OK;
    case BRAIN_HARD_SIGMOID:
        *y = NODE(o, "HardSigmoid", name, ATTRS(attr_f(o, "alpha", 1.0f / 6.0f), attr_f(o, "beta", 0.5f)), x);
        return BRAIN_OK;
    case BRAIN_SWISH:
        t = NODE(o, "Sigmoid", ox_tmp(o, name), NULL, x);
        *y = NODE(o, "Mul", name, NULL, x, t);
        return BRAIN_OK;
    case BRAIN_GELU: /* 0.5·x·(1 + erf(x/√2)) */
        t = NODE(o, "Mul", ox_tmp(o, name), NULL, x, init_scalar(o, "const", 0.70710678118654752f));
        t = NODE(o, "Erf", ox_tmp(o, name), NULL, t);
        t = NODE(o, "Add", ox_tmp(o, name), NULL, t, init_scalar(o, "const", 1.0f));
        t = NODE(o, "Mul", ox_tmp(o, name), NULL, t, x);
        *y = NODE(o, "Mul", name, NULL, t, init_scalar(o, "const", 0.5f));
        return BRAIN_OK;
    case BRAIN_GELU_TANH: { /* 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
        const char *x2 = NODE(o, "Mul", ox_tmp(o, name), NULL, x, x), *x3 = NODE(o, "Mul", ox_tmp(o, name), NULL, x2, x);
        t = NODE(o, "Mul", ox_tmp(o, name), NULL, x3, init_scalar(o, "const", 0.044715f));
        t = NODE(o, "Add", ox_tmp(o, name), NULL, x, t);
        t = NODE(o, "Mul", ox_tmp(o, name), NULL, t, init_scalar(o, "const", 0.7978845608028654f));
        t = NODE(o, "Tanh", ox_tmp(o, name), NULL, t);
        t = NODE(o, "Add", ox_tmp(o, name), NULL, t, init_scalar(o, "const", 1.0f));
        t = NODE(o, "Mul", ox_tmp(o, name), NULL, t, x);
        *y = NODE(o, "Mul", name, NULL, t, init_scalar(o, "const", 0.5f));
        return BRAIN_OK;
    }
    default: return brain__fail(BRAIN_ERR_ARG, "brain_export_onnx: activation %s has no ONNX form here", brain_activation_name(a));
    }
}

static char *cat(ox *o, const char *a, const char *b)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s", a, b);
    return ox_str(o, buf);
}

/* channels-last ↔ channels-first around an ONNX op of rank `r` spatial axes */
static const char *to_nchw(ox *o, const char *x, int r, const char *name)
{
    return NODE(o, "Transpose", cat(o, name, "/nchw"), ATTRS(attr_ints(o, "perm", r + 2, r == 2 ? (int64_t[]){0, 3, 1, 2} : (int64_t[]){0, 2, 1})), x);
}
static const char *to_nhwc(ox *o, const char *x, int r, const char *name)
{
    return NODE(o, "Transpose", name, ATTRS(attr_ints(o, "perm", r + 2, r == 2 ? (int64_t[]){0, 2, 3, 1} : (int64_t[]){0, 2, 1})), x);
}

static int64_t pad_after(int64_t n, int64_t out, int64_t k, int64_t s, int64_t d, int64_t before)
{
    int64_t total = (out - 1) * s + (k - 1) * d + 1 - n;
    return total > before ? total - before : 0;
}

static brain_status emit_step(ox *o, ex_plan *p, const ex_step *s, const char *const *in, const char *name, const char **y)
{
    const char *cls = s->cls, *t;
    const int64_t *g = s->g;
    char nm[256];
    if (!strcmp(cls, "Dense")) {
        const int64_t K = g[1], U = g[2];
        const char *W = init_f(o, cat(o, name, "/kernel"), 2, (int64_t[]){K, U}, s->w[0]);
        const char *B = init_f(o, cat(o, name, "/bias"), 1, (int64_t[]){U}, s->w[1]);
        const bool rank2 = s->layer->in_shape[0].ndim == 1;
        const char *z = s->act == BRAIN_LINEAR ? name : cat(o, name, "/z");
        if (rank2) t = NODE(o, "Gemm", z, NULL, in[0], W, B);
        else t = NODE(o, "Add", z, NULL, NODE(o, "MatMul", cat(o, name, "/matmul"), NULL, in[0], W), B);
        return act(o, s->act, t, name, y);
    }
    if (!strcmp(cls, "Conv1D") || !strcmp(cls, "Conv2D")) {
        const int r = !strcmp(cls, "Conv1D") ? 1 : 2;
        const int64_t H = g[0], W = g[1], C = g[2], OH = g[3], OW = g[4], F = g[5], KH = g[6], KW = g[7], SH = g[8], SW = g[9],
                      DH = g[10], DW = g[11], PT = g[12], PL = g[13];
        float *k = malloc(sizeof(float) * (size_t)(F * C * KH * KW));
        if (!k) return brain__fail(BRAIN_ERR_NOMEM, "brain_export_onnx: out of memory");
        for (int64_t f = 0; f < F; f++)
            for (int64_t c = 0; c < C; c++)
                for (int64_t pp = 0; pp < KH; pp++)
                    for (int64_t q = 0; q < KW; q++) k[((f * C + c) * KH + pp) * KW + q] = s->w[0][((pp * KW + q) * C + c) * F + f];
        const char *Wn = r == 2 ? init_f(o, cat(o, name, "/kernel"), 4, (int64_t[]){F, C, KH, KW}, k)
                                : init_f(o, cat(o, name, "/kernel"), 3, (int64_t[]){F, C, KW}, k);
        free(k);
        const char *B = init_f(o, cat(o, name, "/bias"), 1, (int64_t[]){F}, s->w[1]);
        const int64_t PB = pad_after(H, OH, KH, SH, DH, PT), PR = pad_after(W, OW, KW, SW, DW, PL);
        Onnx__AttributeProto *const *at = r == 2
            ? ATTRS(attr_ints(o, "kernel_shape", 2, (int64_t[]){KH, KW}), attr_ints(o, "strides", 2, (int64_t[]){SH, SW}),
                    attr_ints(o, "dilations", 2, (int64_t[]){DH, DW}), attr_ints(o, "pads", 4, (int64_t[]){PT, PL, PB, PR}))
            : ATTRS(attr_ints(o, "kernel_shape", 1, (int64_t[]){KW}), attr_ints(o, "strides", 1, (int64_t[]){SW}),
                    attr_ints(o, "dilations", 1, (int64_t[]){DW}), attr_ints(o, "pads", 2, (int64_t[]){PL, PR}));
        t = NODE(o, "Conv", cat(o, name, "/conv"), at, to_nchw(o, in[0], r, name), Wn, B);
        t = to_nhwc(o, t, r, s->act == BRAIN_LINEAR ? name : cat(o, name, "/z"));
        return act(o, s->act, t, name, y);
    }
    if (strstr(cls, "Pooling") && strncmp(cls, "Global", 6) != 0) {
        const int r = strstr(cls, "1D") ? 1 : 2;
        const int64_t H = g[0], W = g[1], OH = g[3], OW = g[4], PH = g[5], PW = g[6], SH = g[7], SW = g[8], PT = g[9], PL = g[10];
        const int64_t PB = pad_after(H, OH, PH, SH, 1, PT), PR = pad_after(W, OW, PW, SW, 1, PL);
        const bool mx = g[11];
        Onnx__AttributeProto *cip = mx ? NULL : attr_i(o, "count_include_pad", 0);
        Onnx__AttributeProto *const *at = r == 2
            ? ATTRS(attr_ints(o, "kernel_shape", 2, (int64_t[]){PH, PW}), attr_ints(o, "strides", 2, (int64_t[]){SH, SW}),
                    attr_ints(o, "pads", 4, (int64_t[]){PT, PL, PB, PR}), cip)
            : ATTRS(attr_ints(o, "kernel_shape", 1, (int64_t[]){PW}), attr_ints(o, "strides", 1, (int64_t[]){SW}),
                    attr_ints(o, "pads", 2, (int64_t[]){PL, PR}), cip);
        t = NODE(o, mx ? "MaxPool" : "AveragePool", cat(o, name, "/pool"), at, to_nchw(o, in[0], r, name));
        *y = to_nhwc(o, t, r, name);
        return BRAIN_OK;
    }
    if (!strncmp(cls, "Global", 6)) {
        const int r = strstr(cls, "1D") ? 1 : 2;
        *y = NODE(o, g[2] ? "ReduceMax" : "ReduceMean", name,
                  ATTRS(attr_ints(o, "axes", r, (int64_t[]){1, 2}), attr_i(o, "keepdims", 0)), in[0]);
        return BRAIN_OK;
    }
    if (!strcmp(cls, "BatchNormalization")) {
        const char *sc = init_f(o, cat(o, name, "/scale"), 1, (int64_t[]){g[1]}, s->w[0]);
        const char *sh = init_f(o, cat(o, name, "/shift"), 1, (int64_t[]){g[1]}, s->w[1]);
        *y = NODE(o, "Add", name, NULL, NODE(o, "Mul", cat(o, name, "/mul"), NULL, in[0], sc), sh);
        return BRAIN_OK;
    }
    if (!strcmp(cls, "Activation")) {
        if (s->act == BRAIN_LINEAR) { *y = NODE(o, "Identity", name, NULL, in[0]); return BRAIN_OK; }
        return act(o, s->act, in[0], name, y);
    }
    if (!strcmp(cls, "LeakyReLU")) {
        *y = NODE(o, "LeakyRelu", name, ATTRS(attr_f(o, "alpha", s->slope)), in[0]);
        return BRAIN_OK;
    }
    if (!strcmp(cls, "Embedding")) {
        const char *T = init_f(o, cat(o, name, "/embeddings"), 2, (int64_t[]){g[1], g[2]}, s->w[0]);
        t = NODE(o, "Cast", cat(o, name, "/ids"), ATTRS(attr_i(o, "to", ONNX__TENSOR_PROTO__DATA_TYPE__INT64)), in[0]);
        *y = NODE(o, "Gather", name, ATTRS(attr_i(o, "axis", 0)), T, t);
        return BRAIN_OK;
    }
    if (!strcmp(cls, "LSTM") || !strcmp(cls, "GRU") || !strcmp(cls, "SimpleRNN")) {
        const int64_t T = g[0], D = g[1], u = g[2], cell = g[3], G = cell == 1 ? 4 : cell == 2 ? 3 : 1, GU = G * u;
        const bool ra = g[4], back = g[5], seq = g[6];
        if (s->mask_ids >= 0)
            return brain__fail(BRAIN_ERR_ARG, "brain_export_onnx: layer '%s' reads a mask (Embedding mask_zero=True), which "
                               "ONNX's recurrent operators cannot express (only trailing padding); export to C instead", s->layer->name);
        const char *names[3];
        brain_activation_kind acts[2] = {(brain_activation_kind)g[7], s->act};
        for (int k = 0; k < 2; k++) {
            brain_activation_kind a = acts[k];
            names[k] = a == BRAIN_SIGMOID ? "Sigmoid" : a == BRAIN_TANH ? "Tanh" : a == BRAIN_RELU ? "Relu" : NULL;
            if (!names[k] && (k == 1 || cell))
                return brain__fail(BRAIN_ERR_ARG, "brain_export_onnx: layer '%s': activation %s is not exported to ONNX "
                                   "(sigmoid, tanh and relu are)", s->layer->name, brain_activation_name(a));
        }
        names[2] = names[1];
        /* ONNX gate order per Keras gate block: LSTM i, o, f, c ← Keras i, f, c, o */
        static const int lstm_src[4] = {0, 3, 1, 2};
        float *Wt = malloc(sizeof(float) * (size_t)(GU * D)), *Rt = malloc(sizeof(float) * (size_t)(GU * u)),
              *Bt = calloc((size_t)(2 * GU), sizeof(float));
        if (!Wt || !Rt || !Bt) { free(Wt); free(Rt); free(Bt); return brain__fail(BRAIN_ERR_NOMEM, "brain_export_onnx: out of memory"); }
        for (int64_t gg = 0; gg < G; gg++) {
            const int64_t src = cell == 1 ? lstm_src[gg] : gg;
            for (int64_t k = 0; k < u; k++) {
                const int64_t col = src * u + k, row = gg * u + k;
                for (int64_t d = 0; d < D; d++) Wt[row * D + d] = s->w[0][d * GU + col];
                for (int64_t h = 0; h < u; h++) Rt[row * u + h] = s->w[1][h * GU + col];
                Bt[row] = s->w[2][col];
                if (cell == 2 && ra) Bt[GU + row] = s->w[2][GU + col];
            }
        }
        const char *Wn = init_f(o, cat(o, name, "/W"), 3, (int64_t[]){1, GU, D}, Wt);
        const char *Rn = init_f(o, cat(o, name, "/R"), 3, (int64_t[]){1, GU, u}, Rt);
        const char *Bn = init_f(o, cat(o, name, "/B"), 2, (int64_t[]){1, 2 * GU}, Bt);
        free(Wt); free(Rt); free(Bt);
        const char *xt = NODE(o, "Transpose", cat(o, name, "/time_major"), ATTRS(attr_ints(o, "perm", 3, (int64_t[]){1, 0, 2})), in[0]);
        if (back)
            xt = NODE(o, "Slice", cat(o, name, "/reversed"), NULL, xt, init_i64(o, ox_tmp(o, "starts"), 1, (int64_t[]){-1}),
                      init_i64(o, ox_tmp(o, "ends"), 1, (int64_t[]){INT64_MIN}), init_i64(o, ox_tmp(o, "axes"), 1, (int64_t[]){0}),
                      init_i64(o, ox_tmp(o, "steps"), 1, (int64_t[]){-1}));
        snprintf(nm, sizeof nm, "%s/Y", name);
        const char *Y = ox_str(o, nm);
        snprintf(nm, sizeof nm, "%s/Y_h", name);
        const char *Yh = ox_str(o, nm);
        const char *op = cell == 1 ? "LSTM" : cell == 2 ? "GRU" : "RNN";
        Onnx__AttributeProto *acts_attr = cell == 1 ? attr_strs(o, "activations", 3, (const char *[]){names[0], names[1], names[2]})
                                        : cell == 2 ? attr_strs(o, "activations", 2, (const char *[]){names[0], names[1]})
                                                    : attr_strs(o, "activations", 1, (const char *[]){names[1]});
        Onnx__AttributeProto *lbr = cell == 2 ? attr_i(o, "linear_before_reset", ra) : NULL;
        ox_node_n(o, op, 4, (const char *[]){xt, Wn, Rn, Bn}, 2, (const char *[]){Y, Yh},
                  ATTRS(attr_i(o, "hidden_size", u), acts_attr, lbr));
        (void)T;
        if (seq) {
            t = NODE(o, "Squeeze", cat(o, name, "/Y1"), NULL, Y, init_i64(o, ox_tmp(o, "axes"), 1, (int64_t[]){1}));
            *y = NODE(o, "Transpose", name, ATTRS(attr_ints(o, "perm", 3, (int64_t[]){1, 0, 2})), t);
        } else {
            *y = NODE(o, "Squeeze", name, NULL, Yh, init_i64(o, ox_tmp(o, "axes"), 1, (int64_t[]){0}));
        }
        return BRAIN_OK;
    }
    if (!strcmp(cls, "BidirectionalMerge")) { /* the two halves are the plan's two steps before */
        const char *f, *b;
        brain_status st = emit_step(o, p, s - 2, in, cat(o, name, "/forward"), &f);
        if (!st) st = emit_step(o, p, s - 1, in, cat(o, name, "/backward"), &b);
        if (st) return st;
        if (g[3]) /* the backward half's sequence back into input order */
            b = NODE(o, "Slice", cat(o, name, "/backward_flipped"), NULL, b, init_i64(o, ox_tmp(o, "starts"), 1, (int64_t[]){-1}),
                     init_i64(o, ox_tmp(o, "ends"), 1, (int64_t[]){INT64_MIN}), init_i64(o, ox_tmp(o, "axes"), 1, (int64_t[]){1}),
                     init_i64(o, ox_tmp(o, "steps"), 1, (int64_t[]){-1}));
        switch (g[2]) {
        case 0: *y = NODE(o, "Concat", name, ATTRS(attr_i(o, "axis", -1)), f, b); break;
        case 1: *y = NODE(o, "Add", name, NULL, f, b); break;
        case 2: *y = NODE(o, "Mul", name, NULL, f, b); break;
        default: *y = NODE(o, "Mul", name, NULL, NODE(o, "Add", cat(o, name, "/sum"), NULL, f, b), init_scalar(o, "const", 0.5f));
        }
        return BRAIN_OK;
    }
    if (!strcmp(cls, "Add") || !strcmp(cls, "Average") || !strcmp(cls, "Maximum")) {
        *y = ox_node_n(o, !strcmp(cls, "Add") ? "Sum" : !strcmp(cls, "Average") ? "Mean" : "Max", s->n_in, in, 1,
                       (const char *[]){name}, NULL);
        return BRAIN_OK;
    }
    if (!strcmp(cls, "Subtract")) { *y = NODE(o, "Sub", name, NULL, in[0], in[1]); return BRAIN_OK; }
    if (!strcmp(cls, "Multiply")) {
        t = in[0];
        for (int k = 1; k < s->n_in; k++) t = NODE(o, "Mul", k + 1 == s->n_in ? name : ox_tmp(o, name), NULL, t, in[k]);
        *y = t;
        return BRAIN_OK;
    }
    if (!strcmp(cls, "Concatenate")) {
        const int64_t axis = g[1];
        *y = ox_node_n(o, "Concat", s->n_in, in, 1, (const char *[]){name}, ATTRS(attr_i(o, "axis", axis)));
        return BRAIN_OK;
    }
    if (!strcmp(cls, "MultiHeadAttention")) {
        const int64_t T = g[0], S = g[1], H = g[2], d = g[3], e = g[4], Dq = g[5], Dk = g[6], Dv = g[7], Dout = g[8];
        const brain_layer *l = s->layer;
        const char *xq = in[0], *xv = in[1], *xk = g[10] ? in[2] : in[1];
        /* x (B, n, D) · W (D, H·dim) + b, as (B, n, H, dim) with the heads' axis moved before the steps */
        struct { const char *x, *path, *tag; int64_t D, n, dim; const int64_t *perm; } pr[3] = {
            {xq, "query_dense", "/q", Dq, T, d, (const int64_t[]){0, 2, 1, 3}},
            {xk, "key_dense", "/k", Dk, S, d, (const int64_t[]){0, 2, 3, 1}},     /* Kᵀ: (B, H, d, S) */
            {xv, "value_dense", "/v", Dv, S, e, (const int64_t[]){0, 2, 1, 3}},
        };
        const char *hp[3];
        for (int k = 0; k < 3; k++) {
            const brain_weight *W = NULL, *Bw = NULL;
            for (int i = 0; i < l->n_weights; i++)
                if (!strcmp(l->weights[i]->path, pr[k].path)) {
                    if (!strcmp(l->weights[i]->name, "kernel")) W = l->weights[i];
                    else Bw = l->weights[i];
                }
            if (!W) return brain__fail(BRAIN_ERR_STATE, "brain_export_onnx: layer '%s' has no %s kernel", l->name, pr[k].path);
            snprintf(nm, sizeof nm, "%s%s", name, pr[k].tag);
            t = NODE(o, "MatMul", cat(o, nm, "/matmul"), NULL, pr[k].x,
                     init_f(o, cat(o, nm, "/kernel"), 2, (int64_t[]){pr[k].D, H * pr[k].dim}, W->value));
            if (Bw) t = NODE(o, "Add", cat(o, nm, "/add"), NULL, t, init_f(o, cat(o, nm, "/bias"), 1, (int64_t[]){H * pr[k].dim}, Bw->value));
            if (k == 0) t = NODE(o, "Mul", cat(o, nm, "/scale"), NULL, t, init_scalar(o, "const", (float)(1.0 / sqrt((double)d))));
            t = NODE(o, "Reshape", cat(o, nm, "/heads"), NULL, t, init_i64(o, cat(o, nm, "/shape"), 4, (int64_t[]){0, pr[k].n, H, pr[k].dim}));
            hp[k] = NODE(o, "Transpose", cat(o, nm, "/t"), ATTRS(attr_ints(o, "perm", 4, pr[k].perm)), t);
        }
        t = NODE(o, "MatMul", cat(o, name, "/scores"), NULL, hp[0], hp[1]); /* (B, H, T, S) */
        if (g[9]) { /* causal: Keras's Softmax replaces masked scores by −1e9 */
            uint8_t *keep = ox_new(o, (size_t)(T * S));
            if (!keep) return BRAIN_ERR_NOMEM;
            for (int64_t i = 0; i < T; i++)
                for (int64_t j = 0; j < S; j++) keep[i * S + j] = i >= j;
            Onnx__TensorProto *mt = init_new(o, cat(o, name, "/causal"), 2, (int64_t[]){T, S}, ONNX__TENSOR_PROTO__DATA_TYPE__BOOL);
            int32_t *iv = ox_new(o, sizeof(int32_t) * (size_t)(T * S));
            if (!mt || !iv) return BRAIN_ERR_NOMEM;
            for (int64_t i = 0; i < T * S; i++) iv[i] = keep[i];
            mt->n_int32_data = (size_t)(T * S);
            mt->int32_data = iv;
            t = NODE(o, "Where", cat(o, name, "/masked"), NULL, mt->name, t, init_scalar(o, "const", -1e9f));
        }
        t = NODE(o, "Softmax", cat(o, name, "/probs"), ATTRS(attr_i(o, "axis", -1)), t);
        t = NODE(o, "MatMul", cat(o, name, "/context"), NULL, t, hp[2]);  /* (B, H, T, e) */
        t = NODE(o, "Transpose", cat(o, name, "/context_t"), ATTRS(attr_ints(o, "perm", 4, (const int64_t[]){0, 2, 1, 3})), t);
        t = NODE(o, "Reshape", cat(o, name, "/merge"), NULL, t, init_i64(o, cat(o, name, "/merge_shape"), 3, (int64_t[]){0, T, H * e}));
        const brain_weight *Wo = NULL, *Bo = NULL;
        for (int i = 0; i < l->n_weights; i++)
            if (!strcmp(l->weights[i]->path, "output_dense")) {
                if (!strcmp(l->weights[i]->name, "kernel")) Wo = l->weights[i];
                else Bo = l->weights[i];
            }
        if (!Wo) return brain__fail(BRAIN_ERR_STATE, "brain_export_onnx: layer '%s' has no output kernel", l->name);
        t = NODE(o, "MatMul", Bo ? cat(o, name, "/out") : name, NULL, t,
                 init_f(o, cat(o, name, "/output_kernel"), 2, (int64_t[]){H * e, Dout}, Wo->value));
        *y = Bo ? NODE(o, "Add", name, NULL, t, init_f(o, cat(o, name, "/output_bias"), 1, (int64_t[]){Dout}, Bo->value)) : t;
        return BRAIN_OK;
    }
    if (!strcmp(cls, "LayerNormalization")) { /* opset 13 has no LayerNormalization: the formula */
        const int na = (int)g[0];
        int64_t axes[BRAIN_MAX_DIMS], wd[BRAIN_MAX_DIMS];
        const brain_shape *sh = &s->layer->in_shape[0];
        for (int i = 0; i < na; i++) { axes[i] = i - na; wd[i] = sh->dims[sh->ndim - na + i]; }
        Onnx__AttributeProto *ra[] = {attr_ints(o, "axes", na, axes), attr_i(o, "keepdims", 1), NULL};
        const char *mu = NODE(o, "ReduceMean", cat(o, name, "/mean"), ra, in[0]);
        const char *xc = NODE(o, "Sub", cat(o, name, "/centred"), NULL, in[0], mu);
        Onnx__AttributeProto *rb[] = {attr_ints(o, "axes", na, axes), attr_i(o, "keepdims", 1), NULL};
        t = NODE(o, "ReduceMean", cat(o, name, "/var"), rb, NODE(o, "Mul", cat(o, name, "/sq"), NULL, xc, xc));
        t = NODE(o, "Sqrt", cat(o, name, "/std"), NULL, NODE(o, "Add", cat(o, name, "/var_eps"), NULL, t, init_scalar(o, "const", s->slope)));
        t = NODE(o, "Div", (g[1] || g[2]) ? cat(o, name, "/xhat") : name, NULL, xc, t);
        if (g[2]) t = NODE(o, "Mul", g[1] ? cat(o, name, "/gamma_mul") : name, NULL, t, init_f(o, cat(o, name, "/gamma"), na, wd, s->w[0]));
        if (g[1]) t = NODE(o, "Add", name, NULL, t, init_f(o, cat(o, name, "/beta"), na, wd, s->w[1]));
        *y = t;
        return BRAIN_OK;
    }
    (void)p;
    return brain__fail(BRAIN_ERR_ARG, "brain_export_onnx: layer '%s' (%s) has no ONNX form", s->layer->name, cls);
}

static brain_status build_graph(ox *o, ex_plan *p, Onnx__GraphProto *gr)
{
    brain_model *m = p->m;
    const char **names = ox_new(o, sizeof(char *) * (size_t)m->n_nodes);
    if (!names) return BRAIN_ERR_NOMEM;
    for (int i = 0; i < m->n_nodes; i++) {
        brain_node *nd = &m->nodes[i];
        const brain_layer *l = nd->layer;
        if (nd->n_in == 0) { names[i] = ox_str(o, l ? l->name : "input"); continue; }
        const char *cls = l->vt->class_name;
        if (!strcmp(cls, "Flatten") || !strcmp(cls, "Reshape")) {
            int64_t shape[BRAIN_MAX_DIMS + 1] = {-1};
            for (int d = 0; d < nd->shape.ndim; d++) shape[d + 1] = nd->shape.dims[d];
            names[i] = NODE(o, "Reshape", ox_str(o, l->name), NULL, names[nd->in[0]],
                            init_i64(o, cat(o, l->name, "/shape"), nd->shape.ndim + 1, shape));
            continue;
        }
        if (brain__ex_is_view(cls)) { names[i] = names[nd->in[0]]; continue; }
        int si = p->node_step[i];
        if (si < 0) return brain__fail(BRAIN_ERR_STATE, "brain_export_onnx: layer '%s' has no step", l->name);
        const ex_step *s = &p->s[si];
        if (s->node != i) { names[i] = NULL; continue; } /* folded into a later node's step */
        int first = brain__model_node_of_layer(m, s->layer);
        const char *in[EX_MAX_IN];
        for (int k = 0; k < m->nodes[first].n_in; k++) in[k] = names[m->nodes[first].in[k]];
        brain_status st = emit_step(o, p, s, in, ox_str(o, l->name), &names[i]);
        if (st) return st;
        if (o->oom) return brain__fail(BRAIN_ERR_NOMEM, "brain_export_onnx: out of memory");
    }
    gr->name = ox_str(o, m->name);
    gr->n_input = (size_t)m->n_inputs;
    gr->input = ox_new(o, sizeof(void *) * (size_t)m->n_inputs);
    gr->n_output = (size_t)m->n_outputs;
    gr->output = ox_new(o, sizeof(void *) * (size_t)m->n_outputs);
    if (!gr->input || !gr->output) return BRAIN_ERR_NOMEM;
    for (int k = 0; k < m->n_inputs; k++) {
        int j = m->input_nodes[k];
        gr->input[k] = value_info(o, names[j], &m->nodes[j].shape);
    }
    for (int k = 0; k < m->n_outputs; k++) {
        int j = m->output_nodes[k];
        const char *nm = names[j];
        /* an output that is a model input or an alias (Dropout) gets a node of its own name */
        if (strcmp(nm, m->nodes[j].layer->name) != 0) nm = NODE(o, "Identity", ox_str(o, m->nodes[j].layer->name), NULL, nm);
        gr->output[k] = value_info(o, nm, &m->nodes[j].shape);
    }
    gr->n_node = (size_t)o->n_nodes;
    gr->node = o->nodes;
    gr->n_initializer = (size_t)o->n_inits;
    gr->initializer = o->inits;
    return o->oom ? brain__fail(BRAIN_ERR_NOMEM, "brain_export_onnx: out of memory") : BRAIN_OK;
}

brain_status brain_export_onnx(const brain_model *cm, const char *path)
{
    if (!path || !*path) return brain__fail(BRAIN_ERR_ARG, "brain_export_onnx: path is NULL or empty");
    ex_plan *p = NULL;
    brain_status st = brain__ex_plan((brain_model *)cm, &(ex_plan_options){.fold_bn = true}, &p); /* reads the model only */
    if (st) return st;
    ox o = {0};
    Onnx__ModelProto model;
    Onnx__GraphProto graph;
    Onnx__OperatorSetIdProto opset, *opsets[1] = {&opset};
    onnx__model_proto__init(&model);
    onnx__graph_proto__init(&graph);
    onnx__operator_set_id_proto__init(&opset);
    opset.domain = "";
    opset.has_version = true;
    opset.version = 13;
    st = build_graph(&o, p, &graph);
    if (!st) {
        model.has_ir_version = true;
        model.ir_version = 7; /* the IR of opset 13 */
        model.n_opset_import = 1;
        model.opset_import = opsets;
        model.producer_name = "brain";
        model.producer_version = BRAIN_VERSION;
        model.graph = &graph;
        size_t n = onnx__model_proto__get_packed_size(&model);
        uint8_t *buf = malloc(n ? n : 1);
        if (!buf) st = brain__fail(BRAIN_ERR_NOMEM, "brain_export_onnx: out of memory (%zu bytes)", n);
        else {
            onnx__model_proto__pack(&model, buf);
            st = brain__write_file_atomic(path, buf, n);
            free(buf);
        }
    }
    for (int i = 0; i < o.n_mem; i++) free(o.mem[i]);
    free(o.mem);
    free(o.nodes);
    free(o.inits);
    brain__ex_plan_free(p);
    return st;
}
#endif
