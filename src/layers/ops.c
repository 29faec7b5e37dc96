/* ops.c — the keras.ops calls Keras 3 records as "op layers" in functional models.
 *
 * Calling keras.ops.not_equal(x, 0) on a symbolic tensor (as Embedding(mask_zero=True) does for
 * its mask) makes an Operation node in the graph; config.json lists it among the layers as
 *   {"module": "keras.src.ops.numpy", "class_name": "NotEqual", "config": {"name": "not_equal"},
 *    "registered_name": "NotEqual", "inbound_nodes": [{"args": [<tensor>, 0], "kwargs": {}}]}
 * with the op's own keyword arguments in config (axis, keepdims, newshape, axes, dtype) and its
 * constants among the args.  Each op here is a layer without weights whose inputs are the
 * tensor arguments (in call order); the constants (scalars) stay in the layer, in their places.
 *
 * Ops see whole tensors, batch axis included (axis 0): axis, newshape and axes count it, and an
 * op may not mix samples (reduce over, move or reshape the batch axis): that is refused.
 * Booleans are 0/1 floats; cast to an integer type truncates toward zero; to bool tests != 0.
 *   elementwise, numpy broadcasting (equal ranks, per axis equal or 1; scalars):
 *     add a+b, subtract a−b, multiply a·b, divide a/b, where(c, a, b) = c ≠ 0 ? a : b,
 *     equal, not_equal, logical_and/or/not (0/1 results, no gradient), cast
 *     backward: d(a) += Σ_broadcast dy·∂f/∂a (divide: dy/b and −dy·a/b²; where: by c)
 *   layout: expand_dims(axis), squeeze(axis), reshape(newshape), transpose(axes) — the values
 *     moved, backward moves the gradient back
 *   zeros_like, ones_like: constants of the input's shape (no gradient)
 *   concatenate(axis) of a list; mean/sum/max/any/all(axis, keepdims) over non-batch axes (max's
 *     gradient is shared equally among ties, as JAX's); matmul over the last two axes with equal
 *     leading axes: dA = dY·Bᵀ, dB = Aᵀ·dY. */
#include "internal.h"
#include "layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum op_kind {
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_EQ, OP_NE, OP_AND, OP_OR, OP_NOT, OP_CAST, OP_WHERE,
    OP_EXPAND_DIMS, OP_SQUEEZE, OP_RESHAPE, OP_TRANSPOSE, OP_CONCAT, OP_MEAN, OP_SUM, OP_MAX, OP_MATMUL,
    OP_ZEROS_LIKE, OP_ONES_LIKE, OP_ANY, OP_ALL,
} op_kind;

typedef struct op_info {
    const char *cls, *snake, *module;
    op_kind kind;
    int arity;          /* elementwise: operands (tensors or scalars); 0 = not elementwise */
} op_info;

static const op_info k_ops[] = {
    {"Add", "add", "keras.src.ops.numpy", OP_ADD, 2},
    {"Subtract", "subtract", "keras.src.ops.numpy", OP_SUB, 2},
    {"Multiply", "multiply", "keras.src.ops.numpy", OP_MUL, 2},
    {"Divide", "divide", "keras.src.ops.numpy", OP_DIV, 2},
    {"TrueDivide", "true_divide", "keras.src.ops.numpy", OP_DIV, 2},
    {"Equal", "equal", "keras.src.ops.numpy", OP_EQ, 2},
    {"NotEqual", "not_equal", "keras.src.ops.numpy", OP_NE, 2},
    {"LogicalAnd", "logical_and", "keras.src.ops.numpy", OP_AND, 2},
    {"LogicalOr", "logical_or", "keras.src.ops.numpy", OP_OR, 2},
    {"LogicalNot", "logical_not", "keras.src.ops.numpy", OP_NOT, 1},
    {"Cast", "cast", "keras.src.ops.core", OP_CAST, 1},
    {"Where", "where", "keras.src.ops.numpy", OP_WHERE, 3},
    {"ExpandDims", "expand_dims", "keras.src.ops.numpy", OP_EXPAND_DIMS, 0},
    {"Squeeze", "squeeze", "keras.src.ops.numpy", OP_SQUEEZE, 0},
    {"Reshape", "reshape", "keras.src.ops.numpy", OP_RESHAPE, 0},
    {"Transpose", "transpose", "keras.src.ops.numpy", OP_TRANSPOSE, 0},
    {"Concatenate", "concatenate", "keras.src.ops.numpy", OP_CONCAT, 0},
    {"Mean", "mean", "keras.src.ops.numpy", OP_MEAN, 0},
    {"Sum", "sum", "keras.src.ops.numpy", OP_SUM, 0},
    {"Max", "max", "keras.src.ops.numpy", OP_MAX, 0},
    {"Matmul", "matmul", "keras.src.ops.numpy", OP_MATMUL, 0},
    /* what Keras 3's merge layers write for their masks (expand_dims, zeros_like, logical_or,
     * concatenate, any) */
    {"ZerosLike", "zeros_like", "keras.src.ops.numpy", OP_ZEROS_LIKE, 1},
    {"OnesLike", "ones_like", "keras.src.ops.numpy", OP_ONES_LIKE, 1},
    {"Any", "any", "keras.src.ops.numpy", OP_ANY, 0},
    {"All", "all", "keras.src.ops.numpy", OP_ALL, 0},
};
#define N_OPS ((int)(sizeof k_ops / sizeof k_ops[0]))

#define MAXD BRAIN_MAX_DIMS

typedef struct op_layer {
    brain_layer base;
    const op_info *info;
    /* elementwise operands in call order: tensor input `in` (>= 0) or the constant `c` */
    int n_opd;
    int opd_in[3];
    double opd_c[3];
    /* options, as in the op's config */
    bool has_axis; int n_axis; int64_t axis[MAXD];  /* expand_dims, squeeze, concatenate, mean/sum/max */
    bool keepdims;
    int n_newshape; int64_t newshape[MAXD];        /* reshape (batch axis included) */
    int n_axes; int64_t axes[MAXD];                /* transpose (batch axis included) */
    char dtype[24];                                /* cast */
    bool cast_int, cast_bool;
    /* derived at build: full ranks (batch axis included) and per-axis dims with batch = 1 */
    int rank;                                      /* output */
    int64_t odims[MAXD];
    int in_rank[BRAIN_MAX_LAYER_INPUTS];
    int64_t idims[BRAIN_MAX_LAYER_INPUTS][MAXD];   /* elementwise: broadcast-aligned dims */
    bool reduce_axis[MAXD];                        /* mean/sum/max: which input axes */
    int64_t perm[MAXD];                            /* transpose */
    int64_t mm_n, mm_k, mm_m, mm_batch;            /* matmul per-sample: mm_batch products n×k · k×m */
} op_layer;

/* ------------------------------------------------------------------ shapes */
static void full_dims(const brain_shape *s, int *rank, int64_t *d)
{
    *rank = s->ndim + 1;
    d[0] = 1;
    for (int i = 0; i < s->ndim; i++) d[i + 1] = s->dims[i];
}

static brain_status set_out(brain_layer *l, op_layer *o, int rank, const int64_t *d, brain_shape *out)
{
    if (rank < 2 || rank > MAXD - 0 || rank - 1 >= BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s) would give rank %d, which is not supported", l->name,
                           o->info->cls, rank);
    o->rank = rank;
    out->ndim = rank - 1;
    for (int i = 0; i < rank; i++) o->odims[i] = d[i];
    for (int i = 1; i < rank; i++) out->dims[i - 1] = d[i];
    return BRAIN_OK;
}

static int norm_axis(int64_t a, int rank) { return (int)(a < 0 ? a + rank : a); }

static brain_status op_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    op_layer *o = (op_layer *)l;
    const op_kind k = o->info->kind;
    int r[BRAIN_MAX_LAYER_INPUTS];
    int64_t d[BRAIN_MAX_LAYER_INPUTS][MAXD];
    for (int i = 0; i < n_in; i++) full_dims(&in[i], &r[i], d[i]);
    if (o->info->arity) { /* elementwise with broadcasting */
        int rank = 0;
        for (int i = 0; i < n_in; i++) if (r[i] > rank) rank = r[i];
        if (n_in == 0) return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s) has no tensor operand", l->name, o->info->cls);
        int64_t od[MAXD];
        for (int a = 0; a < rank; a++) od[a] = 1;
        for (int i = 0; i < n_in; i++) {
            if (r[i] != rank)
                return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s): operands of ranks %d and %d (batch axis included) would "
                                   "broadcast the batch axis against another; only operands of one rank are supported",
                                   l->name, o->info->cls, r[i], rank);
            for (int a = 0; a < rank; a++) {
                if (d[i][a] != 1 && od[a] != 1 && d[i][a] != od[a]) {
                    char b0[128], b1[128];
                    brain__shape_str(&in[0], b0, sizeof b0);
                    brain__shape_str(&in[i], b1, sizeof b1);
                    return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s): shapes %s and %s do not broadcast", l->name,
                                       o->info->cls, b0, b1);
                }
                if (d[i][a] != 1) od[a] = d[i][a];
            }
            o->in_rank[i] = rank;
            memcpy(o->idims[i], d[i], sizeof(int64_t) * MAXD);
        }
        return set_out(l, o, rank, od, out);
    }
    const int rank = r[0];
    int64_t od[MAXD];
    switch (k) {
    case OP_EXPAND_DIMS: {
        int a = norm_axis(o->axis[0], rank + 1);
        if (a <= 0 || a > rank) return brain__fail(BRAIN_ERR_ARG, "op '%s' (expand_dims): axis %lld is the batch axis or out of "
                                                   "range for rank %d", l->name, (long long)o->axis[0], rank);
        for (int i = 0, j = 0; i < rank + 1; i++) od[i] = i == a ? 1 : d[0][j++];
        return set_out(l, o, rank + 1, od, out);
    }
    case OP_SQUEEZE: {
        bool drop[MAXD] = {0};
        if (!o->has_axis) for (int i = 1; i < rank; i++) drop[i] = d[0][i] == 1;
        for (int t = 0; o->has_axis && t < o->n_axis; t++) {
            int a = norm_axis(o->axis[t], rank);
            if (a <= 0 || a >= rank || d[0][a] != 1)
                return brain__fail(BRAIN_ERR_ARG, "op '%s' (squeeze): axis %lld is the batch axis, out of range or not of "
                                   "size 1", l->name, (long long)o->axis[t]);
            drop[a] = true;
        }
        int n = 0;
        for (int i = 0; i < rank; i++) if (!drop[i]) od[n++] = d[0][i];
        return set_out(l, o, n, od, out);
    }
    case OP_RESHAPE: {
        if (o->n_newshape < 2 || o->newshape[0] != -1)
            return brain__fail(BRAIN_ERR_ARG, "op '%s' (reshape): newshape must keep the batch axis first as -1 (or None), "
                               "got %d axes starting %lld", l->name, o->n_newshape, (long long)(o->n_newshape ? o->newshape[0] : 0));
        int64_t total = brain__shape_size(&in[0]), known = 1;
        int unknown = -1;
        od[0] = 1;
        for (int i = 1; i < o->n_newshape; i++) {
            if (o->newshape[i] == -1) {
                if (unknown >= 0) return brain__fail(BRAIN_ERR_ARG, "op '%s' (reshape): two -1 axes besides the batch", l->name);
                unknown = i;
            } else if (o->newshape[i] <= 0) return brain__fail(BRAIN_ERR_ARG, "op '%s' (reshape): axis %d is %lld", l->name, i, (long long)o->newshape[i]);
            else known *= o->newshape[i];
            od[i] = o->newshape[i];
        }
        if (unknown >= 0) {
            if (known <= 0 || total % known) return brain__fail(BRAIN_ERR_ARG, "op '%s' (reshape): %lld values per sample do not fill the new shape", l->name, (long long)total);
            od[unknown] = total / known;
        } else if (known != total)
            return brain__fail(BRAIN_ERR_ARG, "op '%s' (reshape): %lld values per sample, the new shape holds %lld", l->name,
                               (long long)total, (long long)known);
        return set_out(l, o, o->n_newshape, od, out);
    }
    case OP_TRANSPOSE: {
        if (o->n_axes != rank || o->axes[0] != 0)
            return brain__fail(BRAIN_ERR_ARG, "op '%s' (transpose): axes must list all %d axes and keep the batch axis (0) "
                               "first", l->name, rank);
        bool seen[MAXD] = {0};
        for (int i = 0; i < rank; i++) {
            int a = norm_axis(o->axes[i], rank);
            if (a < 0 || a >= rank || seen[a]) return brain__fail(BRAIN_ERR_ARG, "op '%s' (transpose): axes are not a permutation", l->name);
            seen[a] = true;
            o->perm[i] = a;
            od[i] = d[0][a];
        }
        return set_out(l, o, rank, od, out);
    }
    case OP_CONCAT: {
        int a = norm_axis(o->has_axis ? o->axis[0] : 0, rank);
        if (a <= 0 || a >= rank) return brain__fail(BRAIN_ERR_ARG, "op '%s' (concatenate): axis %lld is the batch axis or out of range",
                                                    l->name, (long long)o->axis[0]);
        o->axis[0] = a;
        for (int i = 0; i < rank; i++) od[i] = d[0][i];
        for (int t = 1; t < n_in; t++) {
            if (r[t] != rank) return brain__fail(BRAIN_ERR_ARG, "op '%s' (concatenate): inputs of different ranks", l->name);
            for (int i = 0; i < rank; i++)
                if (i != a && d[t][i] != d[0][i]) return brain__fail(BRAIN_ERR_ARG, "op '%s' (concatenate): shapes differ off axis %d", l->name, a);
            od[a] += d[t][a];
        }
        return set_out(l, o, rank, od, out);
    }
    case OP_MEAN: case OP_SUM: case OP_MAX: case OP_ANY: case OP_ALL: {
        memset(o->reduce_axis, 0, sizeof o->reduce_axis);
        if (!o->has_axis) return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s): axis None reduces over the batch axis too, which "
                                             "mixes samples; not supported", l->name, o->info->snake);
        for (int t = 0; t < o->n_axis; t++) {
            int a = norm_axis(o->axis[t], rank);
            if (a <= 0 || a >= rank) return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s): axis %lld is the batch axis or out of range",
                                                        l->name, o->info->snake, (long long)o->axis[t]);
            o->reduce_axis[a] = true;
        }
        int n = 0;
        for (int i = 0; i < rank; i++) {
            if (!o->reduce_axis[i]) od[n++] = d[0][i];
            else if (o->keepdims) od[n++] = 1;
        }
        if (n < 2) return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s) would leave only the batch axis", l->name, o->info->snake);
        return set_out(l, o, n, od, out);
    }
    case OP_MATMUL: {
        if (n_in != 2 || r[0] < 3 || r[0] != r[1])
            return brain__fail(BRAIN_ERR_ARG, "op '%s' (matmul): two tensors of one rank, at least 2 per sample, are supported",
                               l->name);
        for (int i = 1; i < rank - 2; i++)
            if (d[0][i] != d[1][i]) return brain__fail(BRAIN_ERR_ARG, "op '%s' (matmul): leading axes differ (no broadcasting)", l->name);
        if (d[0][rank - 1] != d[1][rank - 2]) {
            char b0[128], b1[128];
            brain__shape_str(&in[0], b0, sizeof b0);
            brain__shape_str(&in[1], b1, sizeof b1);
            return brain__fail(BRAIN_ERR_ARG, "op '%s' (matmul): shapes %s and %s do not multiply", l->name, b0, b1);
        }
        o->mm_n = d[0][rank - 2]; o->mm_k = d[0][rank - 1]; o->mm_m = d[1][rank - 1];
        o->mm_batch = 1;
        for (int i = 1; i < rank - 2; i++) o->mm_batch *= d[0][i];
        for (int i = 0; i < rank; i++) od[i] = d[0][i];
        od[rank - 1] = o->mm_m;
        return set_out(l, o, rank, od, out);
    }
    default:
        return brain__fail(BRAIN_ERR_ARG, "op '%s' (%s) cannot be built", l->name, o->info->cls);
    }
}

/* ------------------------------------------------------------------ elementwise */
/* Row-major strides of dims, 0 where the dim is 1 and the output's is not (broadcast). */
static void bstrides(int rank, const int64_t *dims, const int64_t *odims, int64_t batch, int64_t *st)
{
    int64_t s = 1;
    for (int a = rank - 1; a >= 0; a--) {
        int64_t n = a == 0 ? batch : dims[a];
        int64_t on = a == 0 ? batch : odims[a];
        st[a] = n == 1 && on != 1 ? 0 : s;
        s *= n;
    }
}

static float apply_elem(const op_layer *o, const float *v)
{
    switch (o->info->kind) {
    case OP_ADD: return v[0] + v[1];
    case OP_SUB: return v[0] - v[1];
    case OP_MUL: return v[0] * v[1];
    case OP_DIV: return v[0] / v[1];
    case OP_EQ: return v[0] == v[1] ? 1.0f : 0.0f;
    case OP_NE: return v[0] != v[1] ? 1.0f : 0.0f;
    case OP_AND: return v[0] != 0 && v[1] != 0 ? 1.0f : 0.0f;
    case OP_OR: return v[0] != 0 || v[1] != 0 ? 1.0f : 0.0f;
    case OP_NOT: return v[0] == 0 ? 1.0f : 0.0f;
    case OP_CAST: return o->cast_bool ? (v[0] != 0 ? 1.0f : 0.0f) : o->cast_int ? truncf(v[0]) : v[0];
    case OP_WHERE: return v[0] != 0 ? v[1] : v[2];
    case OP_ONES_LIKE: return 1.0f;
    default: return 0; /* OP_ZEROS_LIKE */
    }
}

/* Walks every output element with each tensor operand's offset (an odometer over the axes);
 * forward writes y, backward (dy given) adds each operand's share into din. */
static void elementwise(const op_layer *o, int n_in, const brain_tensor *const *in, float *y, const float *dy,
                        brain_tensor *const *din)
{
    const int rank = o->rank;
    const int64_t batch = in[0]->shape[0];
    int64_t st[3][MAXD], off[3] = {0}, idx[MAXD] = {0}, total = batch;
    for (int a = 1; a < rank; a++) total *= o->odims[a];
    for (int i = 0; i < n_in; i++) bstrides(rank, o->idims[i], o->odims, batch, st[i]);
    for (int64_t e = 0; e < total; e++) {
        float v[3];
        for (int t = 0; t < o->n_opd; t++)
            v[t] = o->opd_in[t] >= 0 ? in[o->opd_in[t]]->data[off[o->opd_in[t]]] : (float)o->opd_c[t];
        if (!dy) y[e] = apply_elem(o, v);
        else {
            const float g = dy[e];
            for (int t = 0; t < o->n_opd; t++) {
                int i = o->opd_in[t];
                if (i < 0 || !din[i]) continue;
                float dv = 0;
                switch (o->info->kind) {
                case OP_ADD: dv = g; break;
                case OP_SUB: dv = t == 0 ? g : -g; break;
                case OP_MUL: dv = g * v[1 - t]; break;
                case OP_DIV: dv = t == 0 ? g / v[1] : -g * v[0] / (v[1] * v[1]); break;
                case OP_CAST: dv = o->cast_bool || o->cast_int ? 0 : g; break;
                case OP_WHERE: dv = t == 0 ? 0 : (t == 1) == (v[0] != 0) ? g : 0; break;
                default: dv = 0; break; /* comparisons and logic: no gradient */
                }
                din[i]->data[off[i]] += dv;
            }
        }
        for (int a = rank - 1; a >= 0; a--) { /* advance the odometer */
            int64_t n = a == 0 ? batch : o->odims[a];
            idx[a]++;
            for (int i = 0; i < n_in; i++) off[i] += st[i][a];
            if (idx[a] < n) break;
            for (int i = 0; i < n_in; i++) off[i] -= st[i][a] * n;
            idx[a] = 0;
        }
    }
}

/* ------------------------------------------------------------------ layout, reductions */
/* For each output element its input offset (transpose); forward copies, backward adds back. */
static void transpose_walk(const op_layer *o, const brain_tensor *x, float *y, const float *dy, float *dx)
{
    const int rank = o->rank;
    const int64_t batch = x->shape[0];
    int64_t ist[MAXD], s = 1;
    for (int a = rank - 1; a >= 0; a--) { ist[a] = s; s *= a == 0 ? batch : x->shape[a]; }
    int64_t st[MAXD], idx[MAXD] = {0}, off = 0, total = batch;
    for (int a = 0; a < rank; a++) st[a] = ist[o->perm[a]];
    for (int a = 1; a < rank; a++) total *= o->odims[a];
    for (int64_t e = 0; e < total; e++) {
        if (dy) dx[off] += dy[e];
        else y[e] = x->data[off];
        for (int a = rank - 1; a >= 0; a--) {
            int64_t n = a == 0 ? batch : o->odims[a];
            idx[a]++;
            off += st[a];
            if (idx[a] < n) break;
            off -= st[a] * n;
            idx[a] = 0;
        }
    }
}

/* mean / sum / max over the marked axes: walks the input with the output offset */
static void reduce_walk(const op_layer *o, const brain_tensor *x, float *y, const float *dy, float *dx, int64_t out_size)
{
    const int rank = x->ndim;
    const int64_t batch = x->shape[0];
    int64_t ost[MAXD], s = 1, count = 1;
    for (int a = rank - 1; a >= 0; a--) {
        if (o->reduce_axis[a]) { ost[a] = 0; count *= x->shape[a]; continue; }
        ost[a] = s;
        s *= a == 0 ? batch : x->shape[a];
    }
    const op_kind k = o->info->kind;
    if (!dy) {
        for (int64_t i = 0; i < out_size; i++) y[i] = k == OP_MAX ? -INFINITY : k == OP_ALL ? 1.0f : 0.0f;
    }
    if (dy && (k == OP_ANY || k == OP_ALL)) return; /* booleans: no gradient */
    /* max backward: the number of ties per output, then an equal share to each */
    float *ties = NULL;
    if (dy && k == OP_MAX) {
        ties = calloc((size_t)out_size, sizeof(float));
        if (!ties) return;
    }
    for (int pass = 0; pass < (ties ? 2 : 1); pass++) {
        int64_t idx[MAXD] = {0}, off = 0;
        for (int64_t e = 0; e < x->size; e++) {
            const float v = x->data[e];
            if (!dy) {
                if (k == OP_MAX) { if (v > y[off] || isnan(v)) y[off] = v; }
                else if (k == OP_ANY) { if (v != 0) y[off] = 1.0f; }
                else if (k == OP_ALL) { if (v == 0) y[off] = 0.0f; }
                else y[off] += v;
            } else if (k == OP_MAX) {
                if (v == y[off]) {
                    if (pass == 0) ties[off] += 1.0f;
                    else dx[e] += dy[off] / ties[off];
                }
            } else dx[e] += k == OP_MEAN ? dy[off] / (float)count : dy[off];
            for (int a = rank - 1; a >= 0; a--) {
                int64_t n = a == 0 ? batch : x->shape[a];
                idx[a]++;
                off += ost[a];
                if (idx[a] < n) break;
                off -= ost[a] * n;
                idx[a] = 0;
            }
        }
    }
    free(ties);
    if (!dy && k == OP_MEAN)
        for (int64_t i = 0; i < out_size; i++) y[i] /= (float)count;
}

/* ------------------------------------------------------------------ forward / backward */
static void op_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)ctx;
    op_layer *o = (op_layer *)l;
    const int64_t batch = in[0]->shape[0];
    switch (o->info->kind) {
    case OP_EXPAND_DIMS: case OP_SQUEEZE: case OP_RESHAPE:
        memcpy(out->data, in[0]->data, sizeof(float) * (size_t)out->size);
        return;
    case OP_TRANSPOSE:
        transpose_walk(o, in[0], out->data, NULL, NULL);
        return;
    case OP_CONCAT: {
        const int a = (int)o->axis[0];
        int64_t outer = batch, inner = 1;
        for (int i = 1; i < a; i++) outer *= o->odims[i];
        for (int i = a + 1; i < o->rank; i++) inner *= o->odims[i];
        const int64_t orow = o->odims[a] * inner;
        int64_t col = 0;
        for (int t = 0; t < n_in; t++) {
            const int64_t w = in[t]->shape[a] * inner;
            for (int64_t r = 0; r < outer; r++) memcpy(out->data + r * orow + col, in[t]->data + r * w, sizeof(float) * (size_t)w);
            col += w;
        }
        return;
    }
    case OP_MEAN: case OP_SUM: case OP_MAX: case OP_ANY: case OP_ALL:
        reduce_walk(o, in[0], out->data, NULL, NULL, out->size);
        return;
    case OP_MATMUL: {
        const int64_t n = o->mm_n, k = o->mm_k, m = o->mm_m;
        for (int64_t b = 0; b < batch * o->mm_batch; b++)
            brain_sgemm(false, false, n, m, k, 1.0f, in[0]->data + b * n * k, k, in[1]->data + b * k * m, m, 0.0f,
                        out->data + b * n * m, m);
        return;
    }
    default:
        elementwise(o, n_in, in, out->data, NULL, NULL);
    }
}

static void op_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)ctx;
    op_layer *o = (op_layer *)l;
    const int64_t batch = in[0]->shape[0];
    switch (o->info->kind) {
    case OP_EXPAND_DIMS: case OP_SQUEEZE: case OP_RESHAPE:
        if (din[0]) for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
        return;
    case OP_TRANSPOSE:
        if (din[0]) transpose_walk(o, in[0], NULL, dout->data, din[0]->data);
        return;
    case OP_CONCAT: {
        const int a = (int)o->axis[0];
        int64_t outer = batch, inner = 1;
        for (int i = 1; i < a; i++) outer *= o->odims[i];
        for (int i = a + 1; i < o->rank; i++) inner *= o->odims[i];
        const int64_t orow = o->odims[a] * inner;
        int64_t col = 0;
        for (int t = 0; t < n_in; t++) {
            const int64_t w = in[t]->shape[a] * inner;
            if (din[t])
                for (int64_t r = 0; r < outer; r++)
                    for (int64_t j = 0; j < w; j++) din[t]->data[r * w + j] += dout->data[r * orow + col + j];
            col += w;
        }
        return;
    }
    case OP_MEAN: case OP_SUM: case OP_MAX: case OP_ANY: case OP_ALL:
        if (din[0]) reduce_walk(o, in[0], (float *)out->data, dout->data, din[0]->data, out->size);
        return;
    case OP_MATMUL: {
        const int64_t n = o->mm_n, k = o->mm_k, m = o->mm_m;
        for (int64_t b = 0; b < batch * o->mm_batch; b++) {
            const float *A = in[0]->data + b * n * k, *B = in[1]->data + b * k * m, *dY = dout->data + b * n * m;
            if (din[0]) brain_sgemm(false, true, n, k, m, 1.0f, dY, m, B, m, 1.0f, din[0]->data + b * n * k, k);
            if (din[1]) brain_sgemm(true, false, k, m, n, 1.0f, A, k, dY, m, 1.0f, din[1]->data + b * k * m, m);
        }
        return;
    }
    default:
        elementwise(o, n_in, in, NULL, dout->data, din);
    }
}

/* ------------------------------------------------------------------ config */
static brain_status add_axis(cJSON *cfg, const char *key, const op_layer *o)
{
    if (!o->has_axis) return brain__cfg_add_null(cfg, key);
    if (o->n_axis == 1 && o->info->kind != OP_SQUEEZE) return brain__cfg_add_number(cfg, key, (double)o->axis[0]);
    if (o->n_axis == 1) return brain__cfg_add_number(cfg, key, (double)o->axis[0]);
    return brain__cfg_add_ints(cfg, key, o->n_axis, o->axis);
}

static brain_status op_get_config(const brain_layer *l, cJSON *cfg)
{
    const op_layer *o = (const op_layer *)l;
    switch (o->info->kind) {
    case OP_CAST: return brain__cfg_add_string(cfg, "dtype", o->dtype);
    case OP_EXPAND_DIMS: case OP_SQUEEZE: case OP_CONCAT: return add_axis(cfg, "axis", o);
    case OP_RESHAPE: return brain__cfg_add_ints(cfg, "newshape", o->n_newshape, o->newshape);
    case OP_TRANSPOSE: return brain__cfg_add_ints(cfg, "axes", o->n_axes, o->axes);
    case OP_ZEROS_LIKE: case OP_ONES_LIKE:
        return o->dtype[0] ? brain__cfg_add_string(cfg, "dtype", o->dtype) : brain__cfg_add_null(cfg, "dtype");
    case OP_MEAN: case OP_SUM: case OP_MAX: case OP_ANY: case OP_ALL: {
        brain_status s = add_axis(cfg, "axis", o);
        if (!s) s = brain__cfg_add_bool(cfg, "keepdims", o->keepdims);
        if (!s && o->info->kind == OP_MAX) s = brain__cfg_add_null(cfg, "initial");
        return s;
    }
    default: return BRAIN_OK;
    }
}

/* args as Keras writes them: the operands in order (constants as numbers), a concatenate's list */
static brain_status op_call_args(const brain_layer *l, cJSON *args, cJSON **ts, int n)
{
    const op_layer *o = (const op_layer *)l;
    if (o->info->kind == OP_CONCAT) {
        cJSON *list = cJSON_CreateArray();
        if (!list) { for (int i = 0; i < n; i++) cJSON_Delete(ts[i]); return brain__fail(BRAIN_ERR_NOMEM, "out of memory"); }
        for (int i = 0; i < n; i++) cJSON_AddItemToArray(list, ts[i]);
        cJSON_AddItemToArray(args, list);
        return BRAIN_OK;
    }
    if (!o->info->arity) {
        for (int i = 0; i < n; i++) cJSON_AddItemToArray(args, ts[i]);
        return BRAIN_OK;
    }
    for (int t = 0; t < o->n_opd; t++) {
        if (o->opd_in[t] >= 0) cJSON_AddItemToArray(args, ts[o->opd_in[t]]);
        else cJSON_AddItemToArray(args, cJSON_CreateNumber(o->opd_c[t]));
    }
    return BRAIN_OK;
}

static brain_layer *op_from_config_unused(const cJSON *cfg) { (void)cfg; return NULL; }

static const brain_layer_vtable k_op_vt = {
    .class_name = "Op", .snake_name = "op", .build = op_build, .forward = op_forward, .backward = op_backward,
    .get_config = op_get_config, .from_config = op_from_config_unused, .call_args = op_call_args,
};

/* One vtable per op (the class name and auto-name base differ); filled from k_op_vt. */
static brain_layer_vtable op_vts[N_OPS];
static int op_vts_ready;

static const brain_layer_vtable *vt_of(int i)
{
    if (!__atomic_load_n(&op_vts_ready, __ATOMIC_ACQUIRE)) {
        for (int k = 0; k < N_OPS; k++) {
            op_vts[k] = k_op_vt;
            op_vts[k].class_name = k_ops[k].cls;
            op_vts[k].snake_name = k_ops[k].snake;
        }
        __atomic_store_n(&op_vts_ready, 1, __ATOMIC_RELEASE); /* the same bytes from any thread */
    }
    return &op_vts[i];
}

const char *brain__op_module(const brain_layer *l)
{
    for (int i = 0; i < N_OPS; i++)
        if (op_vts_ready && l->vt == &op_vts[i]) return k_ops[i].module;
    return NULL;
}

/* Keras 3's .keras config names the op's module; its legacy .h5 config drops "module", so there
 * an op is an entry of an op class whose config lacks what every layer config has ("trainable",
 * "dtype"): {"class_name": "Add", "config": {"name": "add"}, ... "args": [t, 3.0]}. */
bool brain__is_op_entry(const cJSON *e)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "module");
    if (cJSON_IsString(m)) return !strncmp(m->valuestring, "keras.src.ops.", 14);
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(e, "class_name"), *cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
    if (!cJSON_IsString(cls) || !cJSON_IsObject(cfg) || cJSON_GetObjectItemCaseSensitive(cfg, "trainable") ||
        cJSON_GetObjectItemCaseSensitive(cfg, "dtype"))
        return false;
    for (int i = 0; i < N_OPS; i++)
        if (!strcmp(cls->valuestring, k_ops[i].cls)) return true;
    return false;
}

static bool is_ref(const cJSON *t)
{
    return cJSON_IsObject(t) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(t, "class_name")) &&
           !strcmp(cJSON_GetObjectItemCaseSensitive(t, "class_name")->valuestring, "__keras_tensor__");
}

/* axis: a number, a list of numbers, or null */
static brain_status read_axis(const cJSON *cfg, op_layer *o, const char *file, const char *name)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    o->has_axis = a && !cJSON_IsNull(a);
    if (!o->has_axis) return BRAIN_OK;
    if (cJSON_IsNumber(a)) { o->n_axis = 1; o->axis[0] = brain__to_i64(a->valuedouble); return BRAIN_OK; }
    if (cJSON_IsArray(a) && cJSON_GetArraySize(a) >= 1 && cJSON_GetArraySize(a) <= MAXD) {
        o->n_axis = 0;
        for (const cJSON *e = a->child; e; e = e->next) {
            if (!cJSON_IsNumber(e)) break;
            o->axis[o->n_axis++] = brain__to_i64(e->valuedouble);
        }
        if (o->n_axis == cJSON_GetArraySize(a)) return BRAIN_OK;
    }
    return brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s': axis must be a number or a list of numbers", file, name);
}

static brain_status read_int_list(const cJSON *cfg, const char *key, int *n, int64_t *v, const char *file, const char *name)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *n = 0;
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > MAXD)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s': %s must be a list of at most %d numbers", file, name, key, MAXD);
    for (const cJSON *e = a->child; e; e = e->next) {
        if (cJSON_IsNull(e)) v[(*n)++] = -1; /* None: the batch axis */
        else if (cJSON_IsNumber(e)) v[(*n)++] = brain__to_i64(e->valuedouble);
        else return brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s': %s holds a non-number", file, name, key);
    }
    return BRAIN_OK;
}

brain_status brain__op_from_entry(const cJSON *e, const char *file, brain_layer **out)
{
    *out = NULL;
    const cJSON *clsj = cJSON_GetObjectItemCaseSensitive(e, "class_name"), *cfg = cJSON_GetObjectItemCaseSensitive(e, "config");
    const char *cls = cJSON_IsString(clsj) ? clsj->valuestring : "?";
    const char *name = brain__cfg_layer_name(cfg);
    int which = -1;
    for (int i = 0; i < N_OPS && which < 0; i++) if (!strcmp(cls, k_ops[i].cls)) which = i;
    if (which < 0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' is keras.ops %.64s, which this library does not have (it has "
                           "add, subtract, multiply, divide, equal, not_equal, logical_and/or/not, cast, where, expand_dims, "
                           "squeeze, reshape, transpose, concatenate, mean, sum, max, any, all, matmul, zeros_like, ones_like)", file, name, cls);
    const op_info *info = &k_ops[which];
    op_layer *o = (op_layer *)brain__layer_new(vt_of(which), sizeof(op_layer), NULL);
    if (!o) return BRAIN_ERR_NOMEM;
    o->info = info;
    brain_status s = BRAIN_OK;
    /* the inbound node's args: tensors become inputs (in order), numbers constants */
    const cJSON *nodes = cJSON_GetObjectItemCaseSensitive(e, "inbound_nodes");
    const cJSON *args = cJSON_IsArray(nodes) && nodes->child ? cJSON_GetObjectItemCaseSensitive(nodes->child, "args") : NULL;
    const cJSON *kwargs = cJSON_IsArray(nodes) && nodes->child ? cJSON_GetObjectItemCaseSensitive(nodes->child, "kwargs") : NULL;
    if (cJSON_GetArraySize(nodes) != 1 || !cJSON_IsArray(args))
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s) must be called once, with args", file, name, cls);
    if (!s && cJSON_IsObject(kwargs) && kwargs->child)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s) has keyword argument '%.32s', which this library does not read",
                        file, name, cls, kwargs->child->string);
    int n_tensors = 0;
    if (!s && info->arity) {
        if (cJSON_GetArraySize(args) != info->arity)
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s) takes %d operands, the file gives %d", file, name, cls,
                            info->arity, cJSON_GetArraySize(args));
        for (const cJSON *a = args->child; !s && a; a = a->next) {
            int t = o->n_opd++;
            if (is_ref(a)) o->opd_in[t] = n_tensors++;
            else if (cJSON_IsNumber(a)) { o->opd_in[t] = -1; o->opd_c[t] = a->valuedouble; }
            else if (cJSON_IsBool(a)) { o->opd_in[t] = -1; o->opd_c[t] = cJSON_IsTrue(a); }
            else s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s): operand %d is neither a tensor nor a number", file, name, cls, t);
        }
        if (!s && n_tensors == 0) s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s) has no tensor operand", file, name, cls);
    } else if (!s) {
        for (const cJSON *a = args->child; !s && a; a = a->next) {
            const cJSON *list = info->kind == OP_CONCAT && cJSON_IsArray(a) ? a : NULL;
            for (const cJSON *t = list ? list->child : a; !s && t; t = list ? t->next : NULL) {
                if (is_ref(t)) n_tensors++;
                else s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (%s): a constant argument is not supported here", file, name, cls);
            }
        }
    }
    /* the op's keyword arguments, from its config */
    if (!s) switch (info->kind) {
    case OP_CAST: {
        const char *dt = NULL;
        s = brain__cfg_get_string(cfg, "dtype", true, &dt);
        if (!s) {
            snprintf(o->dtype, sizeof o->dtype, "%s", dt);
            o->cast_bool = !strcmp(dt, "bool");
            o->cast_int = !strncmp(dt, "int", 3) || !strncmp(dt, "uint", 4);
            if (!o->cast_bool && !o->cast_int && strcmp(dt, "float32") && strcmp(dt, "float64") && strcmp(dt, "float16") &&
                strcmp(dt, "bfloat16"))
                s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' casts to %.24s, which this library does not have", file, name, dt);
        }
        break;
    }
    case OP_EXPAND_DIMS: case OP_CONCAT: case OP_SQUEEZE:
        s = read_axis(cfg, o, file, name);
        if (!s && info->kind == OP_EXPAND_DIMS && (!o->has_axis || o->n_axis != 1))
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (expand_dims) needs one axis", file, name);
        if (!s && info->kind == OP_CONCAT && o->has_axis && o->n_axis != 1)
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (concatenate) needs one axis", file, name);
        break;
    case OP_RESHAPE: s = read_int_list(cfg, "newshape", &o->n_newshape, o->newshape, file, name); break;
    case OP_TRANSPOSE: {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "axes");
        if (!a || cJSON_IsNull(a))
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (transpose) without axes reverses the batch axis too; not supported", file, name);
        else s = read_int_list(cfg, "axes", &o->n_axes, o->axes, file, name);
        break;
    }
    case OP_ZEROS_LIKE: case OP_ONES_LIKE: {
        const cJSON *dt = cJSON_GetObjectItemCaseSensitive(cfg, "dtype");
        if (cJSON_IsString(dt)) snprintf(o->dtype, sizeof o->dtype, "%s", dt->valuestring);
        break;
    }
    case OP_MEAN: case OP_SUM: case OP_MAX: case OP_ANY: case OP_ALL: {
        s = read_axis(cfg, o, file, name);
        if (!s) s = brain__cfg_get_bool_or(cfg, "keepdims", false, &o->keepdims);
        const cJSON *init = cJSON_GetObjectItemCaseSensitive(cfg, "initial");
        if (!s && init && !cJSON_IsNull(init))
            s = brain__fail(BRAIN_ERR_FORMAT, "%s: op '%.64s' (max) with an initial value is not supported", file, name);
        break;
    }
    default: break;
    }
    if (s) { brain__layer_free(&o->base); return s; }
    *out = &o->base;
    return BRAIN_OK;
}
