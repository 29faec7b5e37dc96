/* reshape.c — Reshape(target_shape): (N, d1, ...) -> (N, t1, ...), the same values in row-major
 * order; one target dimension may be -1 and is inferred.  Backward: dx += dy (same order). */
#include "internal.h"
#include "layer_config.h"
#include <string.h>

typedef struct reshape {
    brain_layer base;
    brain_shape target;                     /* as given, possibly with one -1 */
} reshape;

static brain_status reshape_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    reshape *r = (reshape *)l;
    int64_t total = brain__shape_size(&in[0]), known = 1;
    int unknown = -1;
    for (int i = 0; i < r->target.ndim; i++) {
        if (r->target.dims[i] == -1) unknown = i;
        else known *= r->target.dims[i];
    }
    *out = r->target;
    if (unknown >= 0 && known > 0 && total % known == 0) out->dims[unknown] = total / known;
    if (brain__shape_size(out) != total || (unknown >= 0 && total % known)) {
        char a[128], b[128];
        brain__shape_str(&in[0], a, sizeof a);
        brain__shape_str(&r->target, b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "Reshape '%s': the input %s (%lld values per sample) cannot be reshaped to %s",
                           l->name, a, (long long)total, b);
    }
    return BRAIN_OK;
}

static void reshape_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    memcpy(out->data, in[0]->data, sizeof(float) * in[0]->size);
}

static void reshape_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    for (int64_t i = 0; i < dout->size; i++) din[0]->data[i] += dout->data[i];
}

static brain_status reshape_get_config(const brain_layer *l, cJSON *cfg)
{
    const reshape *r = (const reshape *)l;
    return brain__cfg_add_ints(cfg, "target_shape", r->target.ndim, r->target.dims);
}

static brain_layer *reshape_from_config(const cJSON *cfg)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(cfg, "target_shape");
    int n = cJSON_IsArray(t) ? cJSON_GetArraySize(t) : 0;
    if (n < 1 || n >= BRAIN_MAX_DIMS) {
        brain__cfg_bad(cfg, "target_shape", "must be a list of 1 to %d integers", BRAIN_MAX_DIMS - 1);
        return NULL;
    }
    brain_shape s = {.ndim = n};
    if (brain__cfg_get_tuple(cfg, "target_shape", n, s.dims, true)) return NULL;
    return brain_reshape(s, &(brain_layer_options){.name = brain__cfg_name(cfg)});
}

const brain_layer_vtable brain__reshape_vt = {
    .class_name = "Reshape", .snake_name = "reshape", .build = reshape_build, .forward = reshape_forward,
    .backward = reshape_backward, .get_config = reshape_get_config, .from_config = reshape_from_config,
};

brain_layer *brain_reshape(brain_shape target_shape, const brain_layer_options *opt)
{
    int unknown = 0;
    bool ok = target_shape.ndim >= 1 && target_shape.ndim < BRAIN_MAX_DIMS;
    for (int i = 0; ok && i < target_shape.ndim; i++) {
        if (target_shape.dims[i] == -1) unknown++;
        else if (target_shape.dims[i] < 1) ok = false;
    }
    if (!ok || unknown > 1) {
        brain__fail(BRAIN_ERR_ARG, "Reshape: target_shape needs 1 to %d positive dimensions with at most one -1",
                    BRAIN_MAX_DIMS - 1);
        return NULL;
    }
    reshape *r = (reshape *)brain__layer_new(&brain__reshape_vt, sizeof(reshape), opt ? opt->name : NULL);
    if (!r) return NULL;
    r->target = target_shape;
    return &r->base;
}
