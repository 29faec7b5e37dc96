/* rescaling.c — Rescaling(scale, offset): y = x·scale + offset (Keras's preprocessing layer;
 * scale and offset are numbers or per-channel lists over the last axis, e.g. 1/255 or
 * 1/127.5 with offset −1).  Backward dx += dy·scale.  No weights; the mask passes on. */
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

#define RESCALE_MAX 64

typedef struct rescale {
    brain_layer base;
    int n_scale, n_offset;                  /* 1 (a number) or the channel count */
    float scale[RESCALE_MAX], offset[RESCALE_MAX];
    int64_t C;
} rescale;

static brain_status rs_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    rescale *r = (rescale *)l;
    r->C = in[0].dims[in[0].ndim - 1];
    if ((r->n_scale > 1 && r->n_scale != r->C) || (r->n_offset > 1 && r->n_offset != r->C))
        return brain__fail(BRAIN_ERR_ARG, "Rescaling '%s': %d scales and %d offsets for %lld channels", l->name, r->n_scale,
                           r->n_offset, (long long)r->C);
    *out = in[0];
    return BRAIN_OK;
}

static void rs_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    const rescale *r = (const rescale *)l;
    const int64_t C = r->C, rows = in[0]->size / C;
    for (int64_t i = 0; i < rows; i++)
        for (int64_t c = 0; c < C; c++)
            out->data[i * C + c] = in[0]->data[i * C + c] * r->scale[r->n_scale > 1 ? c : 0] + r->offset[r->n_offset > 1 ? c : 0];
}

static void rs_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (!din[0]) return;
    const rescale *r = (const rescale *)l;
    const int64_t C = r->C, rows = dout->size / C;
    for (int64_t i = 0; i < rows; i++)
        for (int64_t c = 0; c < C; c++) din[0]->data[i * C + c] += dout->data[i * C + c] * r->scale[r->n_scale > 1 ? c : 0];
}

static brain_status add_values(cJSON *cfg, const char *key, int n, const float *v)
{
    if (n == 1) return brain__cfg_add_float(cfg, key, v[0]);
    cJSON *a = cJSON_AddArrayToObject(cfg, key);
    for (int i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
    return a ? BRAIN_OK : brain__fail(BRAIN_ERR_NOMEM, "out of memory");
}

static brain_status rs_get_config(const brain_layer *l, cJSON *cfg)
{
    const rescale *r = (const rescale *)l;
    brain_status s = add_values(cfg, "scale", r->n_scale, r->scale);
    if (!s) s = add_values(cfg, "offset", r->n_offset, r->offset);
    return s;
}

static bool read_values(const cJSON *cfg, const char *key, double dflt, int *n, float *v)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!a || cJSON_IsNull(a)) { *n = 1; v[0] = (float)dflt; return true; }
    if (cJSON_IsNumber(a)) { *n = 1; v[0] = (float)a->valuedouble; return true; }
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) < 1 || cJSON_GetArraySize(a) > RESCALE_MAX) return false;
    *n = 0;
    for (const cJSON *e = a->child; e; e = e->next) {
        if (!cJSON_IsNumber(e)) return false;
        v[(*n)++] = (float)e->valuedouble;
    }
    return true;
}

static brain_layer *rs_from_config(const cJSON *cfg)
{
    brain_rescaling_options o = {.name = brain__cfg_name(cfg)};
    if (!read_values(cfg, "scale", 1, &o.n_scale, o.scale)) {
        brain__cfg_bad(cfg, "scale", "must be a number or a list of at most %d numbers", RESCALE_MAX);
        return NULL;
    }
    if (!read_values(cfg, "offset", 0, &o.n_offset, o.offset)) {
        brain__cfg_bad(cfg, "offset", "must be a number or a list of at most %d numbers", RESCALE_MAX);
        return NULL;
    }
    return brain__cfg_finish_layer(brain_rescaling(&o), cfg);
}

const brain_layer_vtable brain__rescaling_vt = {
    .class_name = "Rescaling", .snake_name = "rescaling", .build = rs_build, .forward = rs_forward,
    .backward = rs_backward, .get_config = rs_get_config, .from_config = rs_from_config,
};

brain_layer *brain_rescaling(const brain_rescaling_options *opt)
{
    brain_rescaling_options o = opt ? *opt : (brain_rescaling_options){0};
    if (o.n_scale < 0 || o.n_scale > RESCALE_MAX || o.n_offset < 0 || o.n_offset > RESCALE_MAX) {
        brain__fail(BRAIN_ERR_ARG, "Rescaling: n_scale and n_offset are 0 to %d", RESCALE_MAX);
        return NULL;
    }
    rescale *r = (rescale *)brain__layer_new(&brain__rescaling_vt, sizeof(rescale), o.name);
    if (!r) return NULL;
    r->n_scale = o.n_scale ? o.n_scale : 1;
    r->n_offset = o.n_offset ? o.n_offset : 1;
    if (o.n_scale) memcpy(r->scale, o.scale, sizeof(float) * (size_t)o.n_scale);
    else r->scale[0] = 1.0f;
    if (o.n_offset) memcpy(r->offset, o.offset, sizeof(float) * (size_t)o.n_offset);
    r->base.mask_rule = BRAIN_MASK_PASS;
    return &r->base;
}
