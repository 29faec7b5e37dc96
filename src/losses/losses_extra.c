/* losses_extra.c — the losses of issue 12, as keras/src/losses/losses.py defines them, with
 * Keras's "sum_over_batch_size" reduction and the same shape rules as losses.c (squeeze or
 * expand to the same rank; the per-sample loss reduces the last axis).
 *
 *   BinaryFocalCrossentropy     mean_k (1 − p_t)^γ · bce_k (· α_t when apply_class_balancing),
 *                               p_t = y·p + (1 − y)(1 − p), bce on p clipped to [ε, 1 − ε]
 *   CategoricalFocalCrossentropy Σ_k α (1 − o_k)^γ · (−y_k log o_k), o = p / Σp clipped
 *   KLDivergence                Σ_k y log(y / p), y and p clipped to [ε, 1]
 *   Poisson                     mean_k p − y log(p + ε)
 *   CosineSimilarity            −Σ_k ŷ_k p̂_k,  x̂ = x · min(1/‖x‖, 1/ε)
 *   LogCosh                     mean_k x + softplus(−2x) − log 2,  x = p − y
 *   Hinge / SquaredHinge        mean_k max(1 − y'p, 0) (squared), y' = 2y − 1 when every y is 0 or 1
 *   CategoricalHinge            max(max_k (1 − y_k) p_k − Σ_k y_k p_k + 1, 0)
 *   MeanAbsolutePercentageError 100 · mean_k |y − p| / max(|y|, ε)
 *   MeanSquaredLogarithmicError mean_k (log(max(p, ε) + 1) − log(max(y, ε) + 1))²
 *   Dice                        1 − 2Σyp / (Σy + Σp + ε)        over the whole batch (axis=None)
 *   Tversky                     1 − Σyp / (Σyp + α Σ(1 − p)y + β Σp(1 − y) + ε)   (axis=None)
 * with ε = 1e-7.  Values and gradients are computed in double from the float32 inputs; at a clip
 * bound or a kink the gradient is the one-sided one JAX gives (0 outside a clip range).
 */
#include "internal.h"
#include "shapes.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-7
#define EPS_F ((double)(float)1e-7)
#define CLIP_HI_F ((double)(float)(1.0 - 1e-7))

typedef struct kind_info { brain_loss_kind kind; const char *cls, *name, *alias[3]; } kind_info;
static const kind_info k_info[] = {
    { BRAIN_LOSS_BINARY_FOCAL, "BinaryFocalCrossentropy", "binary_focal_crossentropy", { NULL } },
    { BRAIN_LOSS_CATEGORICAL_FOCAL, "CategoricalFocalCrossentropy", "categorical_focal_crossentropy", { NULL } },
    { BRAIN_LOSS_KLD, "KLDivergence", "kl_divergence", { "kld", "KLD", NULL } },
    { BRAIN_LOSS_POISSON, "Poisson", "poisson", { NULL } },
    { BRAIN_LOSS_COSINE, "CosineSimilarity", "cosine_similarity", { NULL } },
    { BRAIN_LOSS_LOG_COSH, "LogCosh", "log_cosh", { NULL } },
    { BRAIN_LOSS_HINGE, "Hinge", "hinge", { NULL } },
    { BRAIN_LOSS_SQUARED_HINGE, "SquaredHinge", "squared_hinge", { NULL } },
    { BRAIN_LOSS_CATEGORICAL_HINGE, "CategoricalHinge", "categorical_hinge", { NULL } },
    { BRAIN_LOSS_MAPE, "MeanAbsolutePercentageError", "mean_absolute_percentage_error", { "mape", "MAPE", NULL } },
    { BRAIN_LOSS_MSLE, "MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", { "msle", "MSLE", NULL } },
    { BRAIN_LOSS_TVERSKY, "Tversky", "tversky", { NULL } },
    { BRAIN_LOSS_DICE, "Dice", "dice", { NULL } },
};
#define N_INFO ((int)(sizeof k_info / sizeof k_info[0]))

static const kind_info *info_of(brain_loss_kind k)
{
    for (int i = 0; i < N_INFO; i++)
        if (k_info[i].kind == k) return &k_info[i];
    return NULL;
}

const char *brain__loss_extra_class(brain_loss_kind kind)
{
    const kind_info *i = info_of(kind);
    return i ? i->cls : "";
}

static brain_loss *make(brain_loss_kind kind, const char *name)
{
    const kind_info *in = info_of(kind);
    if (!name || !name[0]) name = in->name;
    if (strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "%s: name \"%.20s...\" is too long: at most %d characters", in->cls, name, BRAIN_NAME_MAX - 1);
        return NULL;
    }
    brain_loss *l = brain__alloc(sizeof *l);
    if (!l) return NULL;
    l->kind = kind;
    strcpy(l->name, name);
    return l;
}

static brain_loss *plain(brain_loss_kind kind, const brain_loss_options *opt)
{
    const kind_info *in = info_of(kind);
    if (opt && (opt->from_logits || opt->label_smoothing != 0 || opt->delta != 0)) {
        brain__fail(BRAIN_ERR_ARG, "%s has no from_logits, label_smoothing or delta option in Keras; leave them 0", in->cls);
        return NULL;
    }
    return make(kind, opt ? opt->name : NULL);
}

static brain_loss *focal(brain_loss_kind kind, const brain_focal_loss_options *opt)
{
    brain_focal_loss_options d = { 0 };
    if (!opt) opt = &d;
    const char *cls = info_of(kind)->cls;
    float alpha = opt->has_alpha ? opt->alpha : 0.25f, gamma = opt->has_gamma ? opt->gamma : 2.0f;
    if (!isfinite(alpha) || !(gamma >= 0) || !isfinite(gamma) || !isfinite(opt->label_smoothing)) {
        brain__fail(BRAIN_ERR_ARG, "%s: alpha %g, gamma %g and label_smoothing %g must be finite (gamma ≥ 0)", cls,
                    (double)alpha, (double)gamma, (double)opt->label_smoothing);
        return NULL;
    }
    if (kind == BRAIN_LOSS_CATEGORICAL_FOCAL && opt->apply_class_balancing) {
        brain__fail(BRAIN_ERR_ARG, "CategoricalFocalCrossentropy has no apply_class_balancing option (alpha always applies)");
        return NULL;
    }
    brain_loss *l = make(kind, opt->name);
    if (!l) return NULL;
    l->from_logits = opt->from_logits;
    l->label_smoothing = opt->label_smoothing;
    l->alpha = alpha;
    l->gamma = gamma;
    l->apply_class_balancing = opt->apply_class_balancing;
    return l;
}

brain_loss *brain_loss_binary_focal_crossentropy(const brain_focal_loss_options *o) { return focal(BRAIN_LOSS_BINARY_FOCAL, o); }
brain_loss *brain_loss_categorical_focal_crossentropy(const brain_focal_loss_options *o) { return focal(BRAIN_LOSS_CATEGORICAL_FOCAL, o); }
brain_loss *brain_loss_kl_divergence(const brain_loss_options *o) { return plain(BRAIN_LOSS_KLD, o); }
brain_loss *brain_loss_poisson(const brain_loss_options *o) { return plain(BRAIN_LOSS_POISSON, o); }
brain_loss *brain_loss_cosine_similarity(const brain_loss_options *o) { return plain(BRAIN_LOSS_COSINE, o); }
brain_loss *brain_loss_log_cosh(const brain_loss_options *o) { return plain(BRAIN_LOSS_LOG_COSH, o); }
brain_loss *brain_loss_hinge(const brain_loss_options *o) { return plain(BRAIN_LOSS_HINGE, o); }
brain_loss *brain_loss_squared_hinge(const brain_loss_options *o) { return plain(BRAIN_LOSS_SQUARED_HINGE, o); }
brain_loss *brain_loss_categorical_hinge(const brain_loss_options *o) { return plain(BRAIN_LOSS_CATEGORICAL_HINGE, o); }
brain_loss *brain_loss_mean_absolute_percentage_error(const brain_loss_options *o) { return plain(BRAIN_LOSS_MAPE, o); }
brain_loss *brain_loss_mean_squared_logarithmic_error(const brain_loss_options *o) { return plain(BRAIN_LOSS_MSLE, o); }
brain_loss *brain_loss_dice(const brain_loss_options *o) { return plain(BRAIN_LOSS_DICE, o); }

brain_loss *brain_loss_tversky(const brain_tversky_options *opt)
{
    brain_tversky_options d = { 0 };
    if (!opt) opt = &d;
    float a = opt->has_alpha ? opt->alpha : 0.5f, b = opt->has_beta ? opt->beta : 0.5f;
    if (!isfinite(a) || !isfinite(b)) {
        brain__fail(BRAIN_ERR_ARG, "Tversky: alpha %g and beta %g must be finite numbers", (double)a, (double)b);
        return NULL;
    }
    brain_loss *l = make(BRAIN_LOSS_TVERSKY, opt->name);
    if (!l) return NULL;
    l->alpha = a;
    l->beta = b;
    return l;
}

/* keras.losses.get: the function name and aliases keep the string as the name; class names give
 * the class's default name */
brain_loss *brain__loss_extra_from_name(const char *name)
{
    for (int i = 0; i < N_INFO; i++) {
        const kind_info *in = &k_info[i];
        bool is_class = !strcmp(name, in->cls), hit = is_class || !strcmp(name, in->name);
        for (int a = 0; !hit && a < 3 && in->alias[a]; a++) hit = !strcmp(name, in->alias[a]);
        if (!hit) continue;
        brain_loss *l = make(in->kind, is_class ? NULL : name);
        if (l && (in->kind == BRAIN_LOSS_BINARY_FOCAL || in->kind == BRAIN_LOSS_CATEGORICAL_FOCAL)) {
            l->alpha = 0.25f;
            l->gamma = 2.0f;
        }
        if (l && in->kind == BRAIN_LOSS_TVERSKY) l->alpha = l->beta = 0.5f;
        return l;
    }
    return NULL;
}

/* ------------------------------------------------------------------ kernels */
static double clipd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }
static bool inside(double x, double lo, double hi) { return x >= lo && x <= hi; }
static double sgn(double x) { return (x > 0) - (x < 0); }
static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

/* One group of d values along the last axis: its loss, and d(loss)/d(p) · scale into g. */
static double group(const brain_loss *l, const float *yt, const float *yp, int64_t d, double scale, float *g,
                    bool hinge_binary)
{
    const double inv = 1.0 / (double)d;
    double v = 0;
    switch (l->kind) {
    case BRAIN_LOSS_BINARY_FOCAL: {
        const double ls = l->label_smoothing, gm = l->gamma, al = l->alpha;
        for (int64_t k = 0; k < d; k++) {
            double y = yt[k], x = yp[k];
            if (ls != 0) y = y * (1.0 - ls) + 0.5 * ls;
            double q = l->from_logits ? sigmoid(x) : x;
            double qc = clipd(q, EPS_F, CLIP_HI_F);
            double bce = -(y * log(qc) + (1.0 - y) * log(1.0 - qc));
            double dbce = inside(q, EPS_F, CLIP_HI_F) ? -y / qc + (1.0 - y) / (1.0 - qc) : 0.0;
            double pt = y * q + (1.0 - y) * (1.0 - q), omp = 1.0 - pt;
            double ff = pow(omp, gm);
            double dff = gm == 0 ? 0.0 : -gm * pow(omp, gm - 1.0) * (2.0 * y - 1.0);
            double w = l->apply_class_balancing ? y * al + (1.0 - y) * (1.0 - al) : 1.0;
            v += w * ff * bce;
            if (g) {
                double dq = w * (dff * bce + ff * dbce);
                if (l->from_logits) dq *= q * (1.0 - q);
                g[k] = (float)(dq * inv * scale);
            }
        }
        return v * inv;
    }
    case BRAIN_LOSS_CATEGORICAL_FOCAL: {
        const double ls = l->label_smoothing, gm = l->gamma, al = l->alpha;
        /* s = softmax(x) with from_logits, else x; o = s / Σs */
        double m = -INFINITY, se = 0, ss = 0;
        if (l->from_logits) {
            for (int64_t k = 0; k < d; k++) if (yp[k] > m) m = yp[k];
            if (!isfinite(m)) m = 0;
            for (int64_t k = 0; k < d; k++) se += exp((double)yp[k] - m);
        }
#define SVAL(k) (l->from_logits ? exp((double)yp[k] - m) / se : (double)yp[k])
#define YVAL(k) (ls != 0 ? (double)yt[k] * (1.0 - ls) + ls / (double)d : (double)yt[k])
        for (int64_t k = 0; k < d; k++) ss += SVAL(k);
        /* pass 1: value and gq_k = d v / d o_k; dot = Σ gq_k o_k */
        double dot = 0;
        for (int64_t k = 0; k < d; k++) {
            double y = YVAL(k), o = SVAL(k) / ss, oc = clipd(o, EPS_F, CLIP_HI_F);
            double cce = -y * log(oc), mod = pow(1.0 - oc, gm);
            v += mod * al * cce;
            if (inside(o, EPS_F, CLIP_HI_F)) {
                double gq = al * ((gm == 0 ? 0.0 : -gm * pow(1.0 - oc, gm - 1.0)) * cce + mod * (-y / oc));
                dot += gq * o;
            }
        }
        if (g) {
            /* d v / d s_i = (gq_i − dot) / Σs; with logits, through the softmax:
             * d v / d x_i = s_i (h_i − Σ_j h_j s_j) */
            double hs = 0;
            if (l->from_logits)
                for (int64_t k = 0; k < d; k++) {
                    double y = YVAL(k), o = SVAL(k) / ss, oc = clipd(o, EPS_F, CLIP_HI_F);
                    double gq = inside(o, EPS_F, CLIP_HI_F)
                                    ? al * ((gm == 0 ? 0.0 : -gm * pow(1.0 - oc, gm - 1.0)) * (-y * log(oc)) +
                                            pow(1.0 - oc, gm) * (-y / oc)) : 0.0;
                    hs += (gq - dot) / ss * SVAL(k);
                }
            for (int64_t k = 0; k < d; k++) {
                double y = YVAL(k), o = SVAL(k) / ss, oc = clipd(o, EPS_F, CLIP_HI_F);
                double gq = inside(o, EPS_F, CLIP_HI_F)
                                ? al * ((gm == 0 ? 0.0 : -gm * pow(1.0 - oc, gm - 1.0)) * (-y * log(oc)) +
                                        pow(1.0 - oc, gm) * (-y / oc)) : 0.0;
                double h = (gq - dot) / ss;
                g[k] = (float)((l->from_logits ? SVAL(k) * (h - hs) : h) * scale);
            }
        }
#undef SVAL
#undef YVAL
        return v;
    }
    case BRAIN_LOSS_KLD:
        for (int64_t k = 0; k < d; k++) {
            double y = clipd(yt[k], EPS_F, 1.0), p = yp[k], pc = clipd(p, EPS_F, 1.0);
            v += y * log(y / pc);
            if (g) g[k] = (float)((inside(p, EPS_F, 1.0) ? -y / pc : 0.0) * scale);
        }
        return v;
    case BRAIN_LOSS_POISSON:
        for (int64_t k = 0; k < d; k++) {
            double y = yt[k], p = yp[k];
            v += p - y * log(p + EPS_F);
            if (g) g[k] = (float)((1.0 - y / (p + EPS_F)) * inv * scale);
        }
        return v * inv;
    case BRAIN_LOSS_COSINE: {
        double st = 0, sp = 0;
        for (int64_t k = 0; k < d; k++) { st += (double)yt[k] * yt[k]; sp += (double)yp[k] * yp[k]; }
        double it = fmin(1.0 / sqrt(st), 1.0 / EPS_F), ip = fmin(1.0 / sqrt(sp), 1.0 / EPS_F);
        bool ip_const = !(1.0 / sqrt(sp) < 1.0 / EPS_F); /* the norm is below ε: a constant factor */
        double dotn = 0;
        for (int64_t k = 0; k < d; k++) dotn += (yt[k] * it) * (yp[k] * ip);
        v = -dotn;
        if (g)
            for (int64_t k = 0; k < d; k++) {
                double th = yt[k] * it, ph = yp[k] * ip;
                double dk = ip_const ? -th * ip : -(th - dotn * ph) * ip;
                g[k] = (float)(dk * scale);
            }
        return v;
    }
    case BRAIN_LOSS_LOG_COSH:
        for (int64_t k = 0; k < d; k++) {
            double x = (double)yp[k] - yt[k];
            v += x + softplus(-2.0 * x) - log(2.0);
            if (g) g[k] = (float)(tanh(x) * inv * scale);
        }
        return v * inv;
    case BRAIN_LOSS_HINGE:
    case BRAIN_LOSS_SQUARED_HINGE:
        for (int64_t k = 0; k < d; k++) {
            double y = hinge_binary ? 2.0 * yt[k] - 1.0 : yt[k], m = 1.0 - y * yp[k], h = m > 0 ? m : 0;
            bool sq = l->kind == BRAIN_LOSS_SQUARED_HINGE;
            v += sq ? h * h : h;
            if (g) g[k] = (float)((m > 0 ? (sq ? -2.0 * h * y : -y) : 0.0) * inv * scale);
        }
        return v * inv;
    case BRAIN_LOSS_CATEGORICAL_HINGE: {
        double pos = 0, neg = -INFINITY;
        int64_t arg = 0;
        for (int64_t k = 0; k < d; k++) {
            pos += (double)yt[k] * yp[k];
            double n = (1.0 - yt[k]) * yp[k];
            if (n > neg) { neg = n; arg = k; }
        }
        double m = neg - pos + 1.0;
        v = m > 0 ? m : 0;
        if (g)
            for (int64_t k = 0; k < d; k++)
                g[k] = (float)((m > 0 ? -(double)yt[k] + (k == arg ? 1.0 - yt[k] : 0.0) : 0.0) * scale);
        return v;
    }
    case BRAIN_LOSS_MAPE:
        for (int64_t k = 0; k < d; k++) {
            double y = yt[k], p = yp[k], den = fmax(fabs(y), EPS_F);
            v += fabs((y - p) / den);
            if (g) g[k] = (float)(100.0 * sgn(p - y) / den * inv * scale);
        }
        return 100.0 * v * inv;
    case BRAIN_LOSS_MSLE:
        for (int64_t k = 0; k < d; k++) {
            double p = yp[k], a = log(fmax(p, EPS_F) + 1.0), b = log(fmax((double)yt[k], EPS_F) + 1.0);
            v += (a - b) * (a - b);
            if (g) g[k] = (float)((p > EPS_F ? 2.0 * (a - b) / (p + 1.0) : 0.0) * inv * scale);
        }
        return v * inv;
    default:
        return 0;
    }
}

brain_status brain__loss_extra_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                       const float *sample_weight, double *value, float *grad)
{
    if (!y_true || !y_pred) return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true or y_pred is NULL", l->name);
    if (!value) return brain__fail(BRAIN_ERR_ARG, "loss %s: value is NULL; pass where the loss should go", l->name);
    if (y_true->ndim < 1 || y_pred->ndim < 1)
        return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true and y_pred need a batch axis", l->name);
    int tn = y_true->ndim, pn = y_pred->ndim;
    int64_t ts[BRAIN_MAX_DIMS + 1], ps[BRAIN_MAX_DIMS + 1];
    memcpy(ts, y_true->shape, sizeof(int64_t) * tn);
    memcpy(ps, y_pred->shape, sizeof(int64_t) * pn);
    brain__loss_same_rank(&tn, ts, &pn, ps);
    if (!brain__loss_same_shape(tn, ts, pn, ps)) {
        char a[160], b[160];
        brain__dims_str(y_true->ndim, y_true->shape, a, sizeof a);
        brain__dims_str(y_pred->ndim, y_pred->shape, b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true has shape %s but y_pred has shape %s; they must have the same shape",
                           l->name, a, b);
    }
    const int64_t size = y_pred->size, rows = y_pred->shape[0];
    for (int64_t i = 0; i < size; i++)
        if (!isfinite(y_true->data[i]))
            return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true value %lld (row %lld) is %g; targets must be finite",
                               l->name, (long long)i, (long long)(rows ? i / (size / rows) : 0), (double)y_true->data[i]);

    if (l->kind == BRAIN_LOSS_DICE || l->kind == BRAIN_LOSS_TVERSKY) {
        /* axis=None: one value over everything; weights scale it by their mean */
        double sw = 1.0;
        if (sample_weight && rows > 0) {
            double s = 0;
            for (int64_t r = 0; r < rows; r++) s += sample_weight[r];
            sw = s / (double)rows;
        }
        double I = 0, sy = 0, sp = 0, fp = 0, fn = 0;
        for (int64_t i = 0; i < size; i++) {
            double y = y_true->data[i], p = y_pred->data[i];
            I += y * p; sy += y; sp += p; fp += (1.0 - p) * y; fn += p * (1.0 - y);
        }
        double v;
        if (l->kind == BRAIN_LOSS_DICE) {
            double S = sy + sp + EPS_F;
            v = 1.0 - 2.0 * I / S;
            if (grad)
                for (int64_t i = 0; i < size; i++)
                    grad[i] = (float)(-(2.0 * y_true->data[i] * S - 2.0 * I) / (S * S) * sw);
        } else {
            const double a = l->alpha, b = l->beta, D = I + fp * a + fn * b + EPS_F;
            v = 1.0 - I / D;
            if (grad)
                for (int64_t i = 0; i < size; i++) {
                    double y = y_true->data[i], dD = y - a * y + b * (1.0 - y);
                    grad[i] = (float)(-(y * D - I * dD) / (D * D) * sw);
                }
        }
        *value = v * sw;
        return BRAIN_OK;
    }

    const bool categorical = l->kind == BRAIN_LOSS_CATEGORICAL_FOCAL || l->kind == BRAIN_LOSS_CATEGORICAL_HINGE;
    if (categorical && pn < 2)
        return brain__fail(BRAIN_ERR_ARG, "loss %s: y_pred needs a class axis: (N, num_classes)", l->name);
    const int64_t last = pn >= 2 ? ps[pn - 1] : 1;
    const int64_t elems = last ? size / last : 0, per_row = rows ? elems / rows : 0;
    bool hinge_binary = true; /* convert_binary_labels_to_hinge: all of y_true in {0, 1} */
    if (l->kind == BRAIN_LOSS_HINGE || l->kind == BRAIN_LOSS_SQUARED_HINGE)
        for (int64_t i = 0; i < size && hinge_binary; i++) hinge_binary = y_true->data[i] == 0 || y_true->data[i] == 1;
    double total = 0, inv_n = elems ? 1.0 / (double)elems : 0.0;
    for (int64_t e = 0; e < elems; e++) {
        int64_t r = e / per_row;
        double w = sample_weight ? (double)sample_weight[r] : 1.0;
        double v = group(l, y_true->data + e * last, y_pred->data + e * last, last, w * inv_n,
                         grad ? grad + e * last : NULL, hinge_binary);
        total += w * v;
    }
    if (grad && elems == 0 && size > 0) memset(grad, 0, sizeof(float) * (size_t)size);
    *value = total * inv_n;
    return BRAIN_OK;
}

double brain__loss_extra_group_value(brain_loss_kind kind, const float *yt, const float *yp, int64_t d, bool hinge_binary)
{
    brain_loss l = { .kind = kind, .alpha = 0.25f, .gamma = 2.0f, .beta = 0.5f };
    return group(&l, yt, yp, d, 0.0, NULL, hinge_binary);
}
