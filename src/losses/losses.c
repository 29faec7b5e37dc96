/* losses.c — Keras 3 losses with the "sum_over_batch_size" reduction, and their gradients.
 *
 * Source of truth: keras/src/losses/losses.py, keras/src/losses/loss.py and the JAX backend
 * (keras/src/backend/jax/nn.py), whose crossentropies clip probabilities to
 * [1e-7, 1 - 1e-7] (as float32) instead of TensorFlow's logits shortcut.
 *
 * Shape handling, as Keras's LossFunctionWrapper:
 *   1. squeeze_or_expand_to_same_rank(y_true, y_pred): when the ranks differ by one and the
 *      longer one ends in 1, that 1 is squeezed (or, when the shorter one has rank 1, the
 *      shorter one is expanded).  Neither changes the row-major data, only the shape.
 *   2. The per-sample loss reduces the last axis (mean for mse/mae/huber/bce, sum over the
 *      classes for the categorical ones); the loss "elements" are what is left.
 *   3. value = Σ_e w_row(e) · loss_e / (number of elements)   (divide_no_nan: 0 when empty)
 * Sample weights are one per row of the first axis and apply to every element of that row.
 *
 * Everything is computed in double from the float32 inputs; the clip bounds are the float32
 * values Keras compares against.
 */
#include "internal.h"
#include "shapes.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* keras.config.epsilon() = 1e-7 and 1 - 1e-7, as the float32 numbers jnp.clip uses. */
#define CLIP_LO ((double)(float)1e-7)
#define CLIP_HI ((double)(float)(1.0 - 1e-7))

static const char *const k_default_names[] = {
    [BRAIN_LOSS_MSE] = "mean_squared_error",
    [BRAIN_LOSS_MAE] = "mean_absolute_error",
    [BRAIN_LOSS_HUBER] = "huber_loss",
    [BRAIN_LOSS_BCE] = "binary_crossentropy",
    [BRAIN_LOSS_CCE] = "categorical_crossentropy",
    [BRAIN_LOSS_SCCE] = "sparse_categorical_crossentropy",
};

static const char *const k_class_names[] = {
    [BRAIN_LOSS_MSE] = "MeanSquaredError",
    [BRAIN_LOSS_MAE] = "MeanAbsoluteError",
    [BRAIN_LOSS_HUBER] = "Huber",
    [BRAIN_LOSS_BCE] = "BinaryCrossentropy",
    [BRAIN_LOSS_CCE] = "CategoricalCrossentropy",
    [BRAIN_LOSS_SCCE] = "SparseCategoricalCrossentropy",
};

/* ------------------------------------------------------------------ construction */

static brain_loss *loss_new(brain_loss_kind kind, const brain_loss_options *opt)
{
    brain_loss_options o = opt ? *opt : (brain_loss_options){ 0 };
    const char *cls = k_class_names[kind];
    bool ce = kind == BRAIN_LOSS_BCE || kind == BRAIN_LOSS_CCE || kind == BRAIN_LOSS_SCCE;

    if (!ce && o.from_logits) {
        brain__fail(BRAIN_ERR_ARG, "%s has no from_logits option (only the crossentropy losses do); leave it false", cls);
        return NULL;
    }
    if (o.label_smoothing != 0.0f) {
        if (kind == BRAIN_LOSS_SCCE) {
            brain__fail(BRAIN_ERR_ARG, "SparseCategoricalCrossentropy has no label_smoothing option in Keras; "
                                       "use categorical_crossentropy with one-hot targets to smooth labels");
            return NULL;
        }
        if (!ce) {
            brain__fail(BRAIN_ERR_ARG, "%s has no label_smoothing option (only the crossentropy losses do); leave it 0", cls);
            return NULL;
        }
        if (!isfinite(o.label_smoothing)) {
            brain__fail(BRAIN_ERR_ARG, "%s: label_smoothing must be a finite number, got %g", cls, (double)o.label_smoothing);
            return NULL;
        }
    }
    if (kind == BRAIN_LOSS_HUBER) {
        if (o.delta == 0.0f) o.delta = 1.0f;
        if (!(o.delta > 0.0f) || !isfinite(o.delta)) {
            brain__fail(BRAIN_ERR_ARG, "Huber: delta must be a positive finite number, got %g", (double)o.delta);
            return NULL;
        }
    } else if (o.delta != 0.0f) {
        brain__fail(BRAIN_ERR_ARG, "%s has no delta option (only Huber does); leave it 0", cls);
        return NULL;
    }
    const char *name = (o.name && o.name[0]) ? o.name : k_default_names[kind];
    if (strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "loss name \"%.20s...\" is too long: at most %d characters", name, BRAIN_NAME_MAX - 1);
        return NULL;
    }
    brain_loss *l = brain__alloc(sizeof *l);
    if (!l) return NULL;
    l->kind = kind;
    strcpy(l->name, name);
    l->from_logits = o.from_logits;
    l->label_smoothing = o.label_smoothing;
    l->delta = kind == BRAIN_LOSS_HUBER ? o.delta : 0.0f;
    return l;
}

brain_loss *brain_loss_mse(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_MSE, opt); }
brain_loss *brain_loss_mae(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_MAE, opt); }
brain_loss *brain_loss_huber(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_HUBER, opt); }
brain_loss *brain_loss_binary_crossentropy(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_BCE, opt); }
brain_loss *brain_loss_categorical_crossentropy(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_CCE, opt); }
brain_loss *brain_loss_sparse_categorical_crossentropy(const brain_loss_options *opt) { return loss_new(BRAIN_LOSS_SCCE, opt); }

/* keras.losses.get(name): function names and their aliases keep the string as the loss's name
 * (compile_utils.get_loss wraps them under that name); class names build the class with its
 * default name ("Huber" -> "huber_loss"). */
brain_loss *brain_loss_from_name(const char *name)
{
    static const struct { const char *s; brain_loss_kind kind; bool is_class; } table[] = {
        { "mean_squared_error", BRAIN_LOSS_MSE, false }, { "mse", BRAIN_LOSS_MSE, false },
        { "MSE", BRAIN_LOSS_MSE, false }, { "MeanSquaredError", BRAIN_LOSS_MSE, true },
        { "mean_absolute_error", BRAIN_LOSS_MAE, false }, { "mae", BRAIN_LOSS_MAE, false },
        { "MAE", BRAIN_LOSS_MAE, false }, { "MeanAbsoluteError", BRAIN_LOSS_MAE, true },
        { "huber", BRAIN_LOSS_HUBER, false }, { "Huber", BRAIN_LOSS_HUBER, true },
        { "binary_crossentropy", BRAIN_LOSS_BCE, false }, { "bce", BRAIN_LOSS_BCE, false },
        { "BCE", BRAIN_LOSS_BCE, false }, { "BinaryCrossentropy", BRAIN_LOSS_BCE, true },
        { "categorical_crossentropy", BRAIN_LOSS_CCE, false },
        { "CategoricalCrossentropy", BRAIN_LOSS_CCE, true },
        { "sparse_categorical_crossentropy", BRAIN_LOSS_SCCE, false },
        { "SparseCategoricalCrossentropy", BRAIN_LOSS_SCCE, true },
    };
    if (!name) {
        brain__fail(BRAIN_ERR_ARG, "brain_loss_from_name: name is NULL");
        return NULL;
    }
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(name, table[i].s) == 0)
            return loss_new(table[i].kind, &(brain_loss_options){ .name = table[i].is_class ? NULL : name });
    brain_loss *extra = brain__loss_extra_from_name(name); /* issue 12's losses */
    if (extra) return extra;
    brain__fail(BRAIN_ERR_ARG, "unknown loss \"%s\": use one of mse, mean_squared_error, mae, mean_absolute_error, "
                               "huber, binary_crossentropy (bce), categorical_crossentropy, "
                               "sparse_categorical_crossentropy, or a Keras class name such as \"BinaryCrossentropy\"",
                name);
    return NULL;
}

const char *brain_loss_name(const brain_loss *l) { return l ? l->name : ""; }

void brain_loss_free(brain_loss *l) { free(l); }

/* ------------------------------------------------------------------ shapes */

static brain_status mismatch(const brain_loss *l, const brain_tensor *t, const brain_tensor *p, const char *need)
{
    char a[160], b[160];
    brain__dims_str(t->ndim, t->shape, a, sizeof a);
    brain__dims_str(p->ndim, p->shape, b, sizeof b);
    return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true has shape %s but y_pred has shape %s; %s",
                       l->name, a, b, need);
}

/* ------------------------------------------------------------------ kernels */

static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }
static double sgn(double x) { return (x > 0) - (x < 0); }
static double clip01(double p) { return p < CLIP_LO ? CLIP_LO : p > CLIP_HI ? CLIP_HI : p; }
static bool in_clip(double p) { return p >= CLIP_LO && p <= CLIP_HI; }

/* One group of `d` values along the reduced axis: returns its per-element loss and, when g is
 * not NULL, writes d(loss_e)/d(p) scaled by `scale` into g. */
static double group_elementwise(const brain_loss *l, const float *yt, const float *yp, int64_t d,
                                double scale, float *g)
{
    double sum = 0, ls = l->label_smoothing, delta = l->delta;
    double inv = 1.0 / (double)d;
    for (int64_t k = 0; k < d; k++) {
        double y = yt[k], p = yp[k], v, dv;
        switch (l->kind) {
        case BRAIN_LOSS_MSE: {
            double e = p - y;
            v = e * e; dv = 2 * e;
            break;
        }
        case BRAIN_LOSS_MAE: {
            double e = p - y;
            v = fabs(e); dv = sgn(e);
            break;
        }
        case BRAIN_LOSS_HUBER: {
            double e = p - y, a = fabs(e);
            if (a <= delta) { v = 0.5 * e * e; dv = e; }
            else { v = delta * a - 0.5 * delta * delta; dv = delta * sgn(e); }
            break;
        }
        default: { /* BCE */
            if (ls != 0) y = y * (1.0 - ls) + 0.5 * ls;
            if (l->from_logits) {
                v = y * softplus(-p) + (1.0 - y) * softplus(p);
                dv = sigmoid(p) - y;
            } else {
                double pc = clip01(p);
                v = -(y * log(pc) + (1.0 - y) * log(1.0 - pc));
                dv = in_clip(p) ? -y / pc + (1.0 - y) / (1.0 - pc) : 0.0;
            }
            break;
        }
        }
        sum += v;
        if (g) g[k] = (float)(dv * inv * scale);
    }
    return sum * inv;
}

/* Categorical crossentropy of one group of k classes.  yt is the (smoothed on the fly) target
 * row, or NULL with `id` set for the sparse loss. */
static double group_categorical(const brain_loss *l, const float *yt, int64_t id, const float *yp, int64_t k,
                                double scale, float *g)
{
    double ls = l->label_smoothing, sy = 0, v = 0;
#define TARGET(j) (yt ? (ls != 0 ? (double)yt[j] * (1.0 - ls) + ls / (double)k : (double)yt[j]) : (double)((j) == id))
    if (l->from_logits) {
        double m = -INFINITY;
        for (int64_t j = 0; j < k; j++) if (yp[j] > m) m = yp[j];
        if (!isfinite(m)) m = 0; /* all -inf, or NaN: let the arithmetic below propagate */
        double se = 0;
        for (int64_t j = 0; j < k; j++) se += exp((double)yp[j] - m);
        double lse = m + log(se);
        for (int64_t j = 0; j < k; j++) {
            double y = TARGET(j);
            sy += y;
            if (y != 0) v += y * (lse - (double)yp[j]);
        }
        if (g)
            for (int64_t j = 0; j < k; j++)
                g[j] = (float)((exp((double)yp[j] - lse) * sy - TARGET(j)) * scale);
    } else {
        /* q = p / Σp, clipped; l = -Σ y log clip(q).  With gq_j = d l / d q_j,
         * d l / d p_i = (gq_i - Σ_j gq_j q_j) / Σp. */
        double s = 0;
        for (int64_t j = 0; j < k; j++) s += yp[j];
        double dot = 0;
        for (int64_t j = 0; j < k; j++) {
            double y = TARGET(j), q = (double)yp[j] / s;
            if (y != 0) v -= y * log(clip01(q));
            if (in_clip(q)) dot += (-y / q) * q;
        }
        if (g)
            for (int64_t j = 0; j < k; j++) {
                double y = TARGET(j), q = (double)yp[j] / s;
                double gq = in_clip(q) ? -y / q : 0.0;
                g[j] = (float)((gq - dot) / s * scale);
            }
    }
#undef TARGET
    return v;
}

/* ------------------------------------------------------------------ compute */

brain_status brain_loss_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                const float *sample_weight, double *value, float *grad)
{
    if (!l) return brain__fail(BRAIN_ERR_ARG, "brain_loss_compute: loss is NULL");
    if (l->kind == BRAIN_LOSS_CUSTOM) return brain__loss_custom_compute(l, y_true, y_pred, sample_weight, value, grad);
    if (l->kind >= BRAIN_LOSS_BINARY_FOCAL) return brain__loss_extra_compute(l, y_true, y_pred, sample_weight, value, grad);
    if (!y_true || !y_pred) return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true or y_pred is NULL", l->name);
    if (!value) return brain__fail(BRAIN_ERR_ARG, "loss %s: value is NULL; pass where the loss should go", l->name);
    if (y_true->ndim < 1 || y_pred->ndim < 1)
        return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true and y_pred need a batch axis", l->name);

    int tn = y_true->ndim, pn = y_pred->ndim;
    int64_t ts[BRAIN_MAX_DIMS + 1], ps[BRAIN_MAX_DIMS + 1];
    memcpy(ts, y_true->shape, sizeof(int64_t) * tn);
    memcpy(ps, y_pred->shape, sizeof(int64_t) * pn);
    int64_t rows = y_pred->shape[0];
    int64_t last;            /* length of the reduced axis */
    bool sparse = l->kind == BRAIN_LOSS_SCCE;

    if (sparse) {
        /* LossFunctionWrapper's squeeze_or_expand, then the backend squeezes a trailing 1 of
         * equal-rank targets; the ids must then have y_pred's shape without the class axis. */
        brain__loss_same_rank(&tn, ts, &pn, ps);
        if (tn == pn && ts[tn - 1] == 1) tn--;
        if (pn < 2)
            return mismatch(l, y_true, y_pred, "y_pred needs a class axis: (N, num_classes)");
        if (!brain__loss_same_shape(tn, ts, pn - 1, ps))
            return mismatch(l, y_true, y_pred,
                            "sparse targets are class ids shaped like y_pred without its last (class) axis, "
                            "e.g. (N,) or (N, 1) for y_pred (N, num_classes)");
        last = ps[pn - 1];
    } else {
        brain__loss_same_rank(&tn, ts, &pn, ps);
        if (!brain__loss_same_shape(tn, ts, pn, ps))
            return mismatch(l, y_true, y_pred,
                            l->kind == BRAIN_LOSS_CCE ? "categorical_crossentropy needs one-hot targets of y_pred's shape "
                                                        "(use sparse_categorical_crossentropy for class ids)"
                                                      : "they must have the same shape");
        if (l->kind == BRAIN_LOSS_CCE && pn < 2)
            return mismatch(l, y_true, y_pred, "y_pred needs a class axis: (N, num_classes)");
        /* rank 1, (N,): one value per sample (as if (N, 1)) */
        last = pn >= 2 ? ps[pn - 1] : 1;
    }

    int64_t size = y_pred->size;
    int64_t elems = last ? size / last : 0;          /* per-sample loss elements */
    int64_t per_row = rows ? elems / rows : 0;       /* elements in one row of the batch */

    if (sparse) {
        for (int64_t e = 0; e < elems; e++) {
            double id = y_true->data[e];
            if (!(id >= 0 && id < (double)last && id == floor(id))) {
                int64_t r = per_row ? e / per_row : 0;
                if (per_row > 1)
                    return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true row %lld (position %lld) holds %g, which is not a class id "
                                                      "in [0, %lld); sparse targets must be whole numbers below y_pred's last dimension",
                                       l->name, (long long)r, (long long)(e - r * per_row), id, (long long)last);
                return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true row %lld holds %g, which is not a class id in [0, %lld); "
                                                  "sparse targets must be whole numbers below y_pred's last dimension",
                                   l->name, (long long)r, id, (long long)last);
            }
        }
    }

    double total = 0;
    double inv_n = elems ? 1.0 / (double)elems : 0.0;
    for (int64_t e = 0; e < elems; e++) {
        int64_t r = e / per_row;
        double w = sample_weight ? (double)sample_weight[r] : 1.0;
        const float *yp = y_pred->data + e * last;
        float *g = grad ? grad + e * last : NULL;
        double scale = w * inv_n, v;
        switch (l->kind) {
        case BRAIN_LOSS_CCE:
            v = group_categorical(l, y_true->data + e * last, -1, yp, last, scale, g);
            break;
        case BRAIN_LOSS_SCCE:
            v = group_categorical(l, NULL, (int64_t)y_true->data[e], yp, last, scale, g);
            break;
        default:
            v = group_elementwise(l, y_true->data + e * last, yp, last, scale, g);
            break;
        }
        total += w * v;
    }
    if (grad && elems == 0 && size > 0) memset(grad, 0, sizeof(float) * (size_t)size);
    *value = total * inv_n;
    return BRAIN_OK;
}
