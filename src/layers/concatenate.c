/* concatenate.c — Concatenate: joins its inputs along one axis; the other axes must agree.
 *
 * `axis` counts the batch axis as 0, as Keras's does (default -1, the last); per sample it is
 * a = axis - 1 (or rank + axis for a negative one).  With outer = Π dims before a and
 * w_i = dims_i[a] · Π dims after a, every input is `outer` blocks of w_i values:
 * Forward:  y[o, off_i : off_i + w_i] = x_i[o, :]       (off_i = w_0 + ... + w_{i-1})
 * Backward: dx_i[o, :] += dy[o, off_i : off_i + w_i] */
#include "internal.h"
#include <cjson/cJSON.h>
#include <string.h>

typedef struct concat {
    brain_layer base;
    int axis;                   /* as given (Keras's, batch axis = 0) */
    int64_t outer;              /* per sample */
    int64_t width[BRAIN_MAX_LAYER_INPUTS], total; /* w_i and Σ w_i */
} concat;

static brain_status concat_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    concat *c = (concat *)l;
    if (n_in < 1)
        return brain__fail(BRAIN_ERR_ARG, "Concatenate '%s' must be called on a list of at least 1 input", l->name);
    const int rank = in[0].ndim + 1; /* with the batch axis */
    int a = c->axis < 0 ? c->axis + rank : c->axis;
    if (a < 1 || a >= rank)
        return brain__fail(BRAIN_ERR_ARG, "Concatenate '%s': axis %d is out of range for inputs of rank %d (batch axis "
                           "included; axis 0, the batch, cannot be joined)", l->name, c->axis, rank);
    a -= 1; /* per-sample axis */
    /* Keras's Concatenate.compute_mask: on the last axis a step is kept when any input keeps it;
     * on another axis the masks are joined along it (an input without one counts as all kept) */
    l->mask_rule = a == in[0].ndim - 1 ? BRAIN_MASK_ANY : BRAIN_MASK_CONCAT;
    *out = in[0];
    out->dims[a] = 0;
    for (int k = 0; k < n_in; k++) {
        bool ok = in[k].ndim == in[0].ndim;
        for (int i = 0; ok && i < in[0].ndim; i++) ok = i == a || in[k].dims[i] == in[0].dims[i];
        if (!ok) {
            char s0[128], sk[128];
            brain__shape_str(&in[0], s0, sizeof s0);
            brain__shape_str(&in[k], sk, sizeof sk);
            return brain__fail(BRAIN_ERR_ARG, "Concatenate '%s' requires inputs with matching shapes except for the "
                               "concatenation axis %d: input 0 is %s, input %d is %s", l->name, c->axis, s0, k, sk);
        }
        out->dims[a] += in[k].dims[a];
    }
    c->outer = 1;
    for (int i = 0; i < a; i++) c->outer *= in[0].dims[i];
    c->total = 0;
    for (int k = 0; k < n_in; k++) {
        c->width[k] = brain__shape_size(&in[k]) / c->outer;
        c->total += c->width[k];
    }
    return BRAIN_OK;
}

static void concat_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    const concat *c = (const concat *)l;
    const int64_t blocks = out->shape[0] * c->outer;
    for (int64_t o = 0; o < blocks; o++) {
        float *y = out->data + o * c->total;
        for (int k = 0; k < n_in; k++) {
            memcpy(y, in[k]->data + o * c->width[k], sizeof(float) * (size_t)c->width[k]);
            y += c->width[k];
        }
    }
}

static void concat_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                            const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    const concat *c = (const concat *)l;
    const int64_t blocks = dout->shape[0] * c->outer;
    for (int64_t o = 0; o < blocks; o++) {
        const float *dy = dout->data + o * c->total;
        for (int k = 0; k < n_in; k++) {
            if (din[k]) {
                float *dx = din[k]->data + o * c->width[k];
                for (int64_t j = 0; j < c->width[k]; j++) dx[j] += dy[j];
            }
            dy += c->width[k];
        }
    }
}

static brain_status concat_get_config(const brain_layer *l, struct cJSON *cfg)
{
    if (!cJSON_AddNumberToObject(cfg, "axis", ((const concat *)l)->axis))
        return brain__fail(BRAIN_ERR_NOMEM, "Concatenate '%s': out of memory writing its config", l->name);
    return BRAIN_OK;
}

static brain_layer *concat_from_config(const struct cJSON *cfg)
{
    if (!cJSON_IsObject(cfg)) {
        brain__fail(BRAIN_ERR_FORMAT, "Concatenate: the layer's config is not an object");
        return NULL;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cfg, "name");
    const cJSON *axis = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    const char *nm = cJSON_IsString(name) ? name->valuestring : "?";
    if (name && !cJSON_IsString(name)) {
        brain__fail(BRAIN_ERR_FORMAT, "Concatenate: config key 'name' must be a string");
        return NULL;
    }
    if (axis && (!cJSON_IsNumber(axis) || axis->valuedouble != (double)brain__to_int(axis->valuedouble))) {
        brain__fail(BRAIN_ERR_FORMAT, "Concatenate '%s': config key 'axis' must be an integer", nm);
        return NULL;
    }
    return brain_concatenate(&(brain_concatenate_options){
        .axis = axis ? brain__to_int(axis->valuedouble) : -1, .has_axis = true, .name = name ? name->valuestring : NULL});
}

const brain_layer_vtable brain__concatenate_vt = {
    .class_name = "Concatenate", .snake_name = "concatenate", .build = concat_build, .forward = concat_forward,
    .backward = concat_backward, .get_config = concat_get_config, .from_config = concat_from_config,
    .takes_list = true,
};

brain_layer *brain_concatenate(const brain_concatenate_options *opt)
{
    brain_concatenate_options o = opt ? *opt : (brain_concatenate_options){0};
    concat *c = (concat *)brain__layer_new(&brain__concatenate_vt, sizeof(concat), o.name);
    if (!c) return NULL;
    c->axis = o.has_axis ? o.axis : -1;
    return &c->base;
}

void brain__concat_masks(const brain_layer *l, int64_t batch, const uint8_t *const *in_masks, uint8_t *out)
{
    const concat *c = (const concat *)l;
    const int64_t F = l->out_shape.dims[l->out_shape.ndim - 1]; /* the same in every input (a is not the last axis) */
    for (int64_t r = 0; r < batch * c->outer; r++) {
        for (int k = 0; k < l->n_in; k++) {
            const int64_t w = c->width[k] / F; /* steps of input k per outer block */
            if (in_masks[k]) memcpy(out, in_masks[k] + r * w, (size_t)w);
            else memset(out, 1, (size_t)w);
            out += w;
        }
    }
}
