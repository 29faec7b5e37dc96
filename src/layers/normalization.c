/* normalization.c — Normalization (Keras's preprocessing layer) over the last axis:
 *   y = (x − mean) / max(√variance, ε)      (ε = 1e-7, Keras's backend epsilon)
 *   invert: y = mean + x · max(√variance, ε)
 * mean and variance per channel: from the config (mean=, variance=: constants), or the
 * non-trainable weights mean, variance and count (an integer in Keras's files, which Keras 3's
 * adapt leaves at 0, as this one does) that adapt() fills with the data's per-channel mean and
 * population variance.
 * Backward dx += dy / max(√variance, ε) (· for invert).  The mask passes on. */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NORM_EPS 1e-7f
#define NORM_MAX_CONST 64

typedef struct norm {
    brain_layer base;
    bool invert;
    int axis;                               /* -1 or the last axis's number (batch included), as written */
    int n_const;                            /* mean/variance given in the config: their length (1 or C) */
    float cmean[NORM_MAX_CONST], cvar[NORM_MAX_CONST];
    brain_weight *mean, *var, *count;
    int64_t C;
} norm;

static brain_status nm_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    norm *n = (norm *)l;
    if (n->axis > 0 && n->axis != in[0].ndim)
        return brain__fail(BRAIN_ERR_ARG, "Normalization '%s': axis %d is not the last axis of inputs of rank %d (batch "
                           "included); only the last axis is supported", l->name, n->axis, in[0].ndim + 1);
    n->C = in[0].dims[in[0].ndim - 1];
    if (n->n_const) {
        if (n->n_const != 1 && n->n_const != n->C)
            return brain__fail(BRAIN_ERR_ARG, "Normalization '%s': %d means for %lld channels", l->name, n->n_const, (long long)n->C);
    } else {
        int64_t C = n->C;
        n->mean = brain__layer_add_weight(l, "mean", 1, &C, BRAIN_INIT_ZEROS, (brain_regularizer){0}, false);
        n->var = brain__layer_add_weight(l, "variance", 1, &C, BRAIN_INIT_ONES, (brain_regularizer){0}, false);
        n->count = brain__layer_add_weight(l, "count", 0, NULL, BRAIN_INIT_ZEROS, (brain_regularizer){0}, false);
        if (!n->mean || !n->var || !n->count) return BRAIN_ERR_ARG;
        n->count->integer = true;
    }
    *out = in[0];
    return BRAIN_OK;
}

static void stats(const norm *n, int64_t c, float *mean, float *sd)
{
    float m, v;
    if (n->n_const) { m = n->cmean[n->n_const > 1 ? c : 0]; v = n->cvar[n->n_const > 1 ? c : 0]; }
    else { m = n->mean->value[c]; v = n->var->value[c]; }
    *mean = m;
    *sd = fmaxf(sqrtf(v), NORM_EPS);
}

static void nm_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    const norm *n = (const norm *)l;
    const int64_t C = n->C, rows = in[0]->size / C;
    for (int64_t c = 0; c < C; c++) {
        float m, sd;
        stats(n, c, &m, &sd);
        for (int64_t r = 0; r < rows; r++) {
            const float x = in[0]->data[r * C + c];
            out->data[r * C + c] = n->invert ? m + x * sd : (x - m) / sd;
        }
    }
}

static void nm_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    const norm *n = (const norm *)l;
    const int64_t C = n->C, rows = dout->size / C;
    for (int64_t c = 0; c < C; c++) {
        float m, sd;
        stats(n, c, &m, &sd);
        for (int64_t r = 0; r < rows; r++)
            din[0]->data[r * C + c] += n->invert ? dout->data[r * C + c] * sd : dout->data[r * C + c] / sd;
    }
}

static brain_status nm_get_config(const brain_layer *l, cJSON *cfg)
{
    const norm *n = (const norm *)l;
    brain_status s = brain__cfg_add_number(cfg, "axis", n->axis > 0 ? n->axis : -1);
    if (!s && n->n_const) {
        cJSON *a = cJSON_AddArrayToObject(cfg, "mean"), *b = cJSON_AddArrayToObject(cfg, "variance");
        for (int i = 0; a && b && i < n->n_const; i++) {
            cJSON_AddItemToArray(a, cJSON_CreateNumber((double)n->cmean[i]));
            cJSON_AddItemToArray(b, cJSON_CreateNumber((double)n->cvar[i]));
        }
    } else if (!s) {
        s = brain__cfg_add_null(cfg, "mean");
        if (!s) s = brain__cfg_add_null(cfg, "variance");
    }
    if (!s) s = brain__cfg_add_bool(cfg, "invert", n->invert);
    return s;
}

/* a number or a list of numbers; *n = 0 when null */
static bool read_list(const cJSON *cfg, const char *key, int *n, float *v)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *n = 0;
    if (!a || cJSON_IsNull(a)) return true;
    if (cJSON_IsNumber(a)) { v[(*n)++] = (float)a->valuedouble; return true; }
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) > NORM_MAX_CONST) return false;
    for (const cJSON *e = a->child; e; e = e->next) {
        if (!cJSON_IsNumber(e)) return false;
        v[(*n)++] = (float)e->valuedouble;
    }
    return *n > 0;
}

static brain_layer *nm_from_config(const cJSON *cfg)
{
    const cJSON *ax = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    const cJSON *a1 = cJSON_IsArray(ax) && cJSON_GetArraySize(ax) == 1 ? ax->child : ax;
    double axis = cJSON_IsNumber(a1) ? a1->valuedouble : -1;
    if ((ax && !cJSON_IsNumber(a1)) || !(axis == -1 || (axis >= 1 && axis < BRAIN_MAX_DIMS && axis == (double)brain__to_int(axis)))) {
        brain__cfg_bad(cfg, "axis", "is not the last axis; this library normalizes over the last axis (-1 or its number)");
        return NULL;
    }
    brain_normalization_options o = {.name = brain__cfg_name(cfg), .axis = brain__to_int(axis)};
    int nm = 0, nv = 0;
    if (!read_list(cfg, "mean", &nm, o.mean) || !read_list(cfg, "variance", &nv, o.variance) || nm != nv) {
        brain__cfg_bad(cfg, "mean", "and variance must both be null, or numbers / lists of the same length (at most %d)",
                       NORM_MAX_CONST);
        return NULL;
    }
    o.n_const = nm;
    bool inv = false;
    if (brain__cfg_get_bool_or(cfg, "invert", false, &inv)) return NULL;
    o.invert = inv;
    return brain__cfg_finish_layer(brain_normalization(&o), cfg);
}

const brain_layer_vtable brain__normalization_vt = {
    .class_name = "Normalization", .snake_name = "normalization", .build = nm_build, .forward = nm_forward,
    .backward = nm_backward, .get_config = nm_get_config, .from_config = nm_from_config,
};

brain_layer *brain_normalization(const brain_normalization_options *opt)
{
    brain_normalization_options o = opt ? *opt : (brain_normalization_options){0};
    if (o.n_const < 0 || o.n_const > NORM_MAX_CONST) {
        brain__fail(BRAIN_ERR_ARG, "Normalization: n_const must be 0 to %d", NORM_MAX_CONST);
        return NULL;
    }
    for (int i = 0; i < o.n_const; i++)
        if (!(o.variance[i] >= 0)) {
            brain__fail(BRAIN_ERR_ARG, "Normalization: variance %d is %g; variances are >= 0", i, (double)o.variance[i]);
            return NULL;
        }
    norm *n = (norm *)brain__layer_new(&brain__normalization_vt, sizeof(norm), o.name);
    if (!n) return NULL;
    n->invert = o.invert;
    n->axis = o.axis > 0 ? o.axis : -1;
    n->n_const = o.n_const;
    memcpy(n->cmean, o.mean, sizeof n->cmean);
    memcpy(n->cvar, o.variance, sizeof n->cvar);
    n->base.mask_rule = BRAIN_MASK_PASS;
    return &n->base;
}

brain_status brain_normalization_adapt(brain_layer *l, const brain_tensor *data)
{
    if (!l || !data || l->vt != &brain__normalization_vt)
        return brain__fail(BRAIN_ERR_ARG, "brain_normalization_adapt: a Normalization layer and data are required");
    norm *n = (norm *)l;
    if (n->n_const) return brain__fail(BRAIN_ERR_STATE, "Normalization '%s' has a fixed mean and variance; adapt needs none", l->name);
    if (!l->built || !n->mean)
        return brain__fail(BRAIN_ERR_STATE, "Normalization '%s' must be in a built model before adapt (its weights live there)", l->name);
    const int64_t C = n->C;
    if (data->ndim < 1 || data->shape[data->ndim - 1] != C || data->size < C)
        return brain__fail(BRAIN_ERR_ARG, "Normalization '%s': adapt data must end in %lld channels", l->name, (long long)C);
    const int64_t rows = data->size / C;
    for (int64_t c = 0; c < C; c++) { /* two passes in double: the mean, then the population variance */
        double s = 0, q = 0;
        for (int64_t r = 0; r < rows; r++) s += data->data[r * C + c];
        const double m = s / (double)rows;
        for (int64_t r = 0; r < rows; r++) { double d = data->data[r * C + c] - m; q += d * d; }
        n->mean->value[c] = (float)m;
        n->var->value[c] = (float)(q / (double)rows);
    }
    return BRAIN_OK; /* count stays as it is: Keras 3's adapt never updates it (0 in its files) */
}
