/* time_distributed.c — TimeDistributed(layer): the wrapped layer applied to every step of a
 * (batch, T, ...) input with the same weights.  The (B, T, ...) buffers are read as a batch of
 * B·T samples (row-major: the T slices of a sample are consecutive), so forward and backward are
 * the wrapped layer's own on B·T rows, and its weight gradients sum over the steps.
 * The wrapped layer's weights move to the wrapper (under the path "layer", as Keras saves them:
 * layers/time_distributed/layer/vars/N). */
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct tdist {
    brain_layer base;
    brain_layer *inner;             /* owned; not a layer of the model */
    int64_t T;
} tdist;

static brain_status td_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    tdist *t = (tdist *)l;
    if (in[0].ndim < 2) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "TimeDistributed '%s' needs inputs of rank >= 3 (batch, time, ...), got %s", l->name, b);
    }
    brain_shape inner_in = {.ndim = in[0].ndim - 1}, inner_out;
    for (int i = 1; i < in[0].ndim; i++) inner_in.dims[i - 1] = in[0].dims[i];
    brain_layer *w = t->inner;
    brain_status s = w->vt->build(w, 1, &inner_in, &inner_out);
    if (s) return s;
    w->n_in = 1;
    w->in_shape[0] = inner_in;
    w->out_shape = inner_out;
    w->built = true;
    /* the wrapped layer's weights become the wrapper's, under "layer" */
    for (int i = 0; i < w->n_weights; i++) {
        if (l->n_weights >= BRAIN_MAX_LAYER_WEIGHTS) return brain__fail(BRAIN_ERR_ARG, "TimeDistributed '%s': too many weights", l->name);
        brain_weight *wt = w->weights[i];
        wt->layer = l;
        snprintf(wt->path, sizeof wt->path, "layer");
        l->weights[l->n_weights++] = wt;
    }
    w->n_weights = 0;
    t->T = in[0].dims[0];
    out->ndim = inner_out.ndim + 1;
    out->dims[0] = t->T;
    for (int i = 0; i < inner_out.ndim; i++) out->dims[i + 1] = inner_out.dims[i];
    l->mask_rule = out->ndim == 2 ? BRAIN_MASK_PASS : BRAIN_MASK_DROP; /* a (T) mask fits (T, U) outputs */
    return BRAIN_OK;
}

static brain_status td_reserve(brain_layer *l, int64_t batch)
{
    tdist *t = (tdist *)l;
    brain_status s = t->inner->vt->reserve ? t->inner->vt->reserve(t->inner, batch * t->T) : BRAIN_OK;
    if (!s) t->inner->capacity = batch * t->T;
    return s;
}

/* (B, T, ...) as (B·T, ...) */
static brain_tensor flat_view(const brain_tensor *x)
{
    brain_tensor v = *x;
    v.owns_data = 0;
    v.ndim = x->ndim - 1;
    v.shape[0] = x->shape[0] * x->shape[1];
    for (int i = 1; i < v.ndim; i++) v.shape[i] = x->shape[i + 1];
    return v;
}

static void td_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    tdist *t = (tdist *)l;
    brain_tensor x = flat_view(in[0]), y = flat_view(out);
    const brain_tensor *xs[1] = {&x};
    brain_ctx c = *ctx;
    c.mask = NULL;
    c.masks = NULL;
    t->inner->vt->forward(t->inner, &c, 1, xs, &y);
}

static void td_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    tdist *t = (tdist *)l;
    brain_tensor x = flat_view(in[0]), y = flat_view(out), dy = flat_view(dout), dx;
    const brain_tensor *xs[1] = {&x};
    brain_tensor *dxs[1] = {NULL};
    if (din[0]) { dx = flat_view(din[0]); dxs[0] = &dx; }
    brain_ctx c = *ctx;
    c.mask = NULL;
    c.masks = NULL;
    t->inner->vt->backward(t->inner, &c, 1, xs, &y, &dy, dxs);
}

static void td_destroy(brain_layer *l)
{
    tdist *t = (tdist *)l;
    if (!t->inner) return;
    if (t->inner->vt->destroy) t->inner->vt->destroy(t->inner);
    for (int i = 0; i < t->inner->n_weights; i++) free(t->inner->weights[i]); /* only before build */
    free(t->inner);
}

static brain_status td_get_config(const brain_layer *l, cJSON *cfg)
{
    const tdist *t = (const tdist *)l;
    cJSON *env = cJSON_CreateObject(), *c = cJSON_CreateObject();
    if (!env || !c) { cJSON_Delete(env); cJSON_Delete(c); return BRAIN_ERR_NOMEM; }
    cJSON_AddStringToObject(env, "module", "keras.layers");
    cJSON_AddStringToObject(env, "class_name", t->inner->vt->class_name);
    cJSON_AddStringToObject(c, "name", t->inner->name);
    cJSON_AddBoolToObject(c, "trainable", t->inner->trainable);
    cJSON_AddStringToObject(c, "dtype", "float32");
    brain_status s = t->inner->vt->get_config ? t->inner->vt->get_config(t->inner, c) : BRAIN_ERR_STATE;
    cJSON_AddItemToObject(env, "config", c);
    cJSON_AddNullToObject(env, "registered_name");
    cJSON_AddItemToObject(cfg, "layer", env);
    return s;
}

static brain_layer *td_from_config(const cJSON *cfg)
{
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(cfg, "layer");
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(env, "class_name"), *ic = cJSON_GetObjectItemCaseSensitive(env, "config");
    const brain_layer_vtable *vt = cJSON_IsString(cls) ? brain__layer_vtable_by_class(cls->valuestring) : NULL;
    if (!vt || !vt->from_config || !cJSON_IsObject(ic)) {
        brain__cfg_bad(cfg, "layer", "must hold a layer this library has (got %s)", cJSON_IsString(cls) ? cls->valuestring : "nothing usable");
        return NULL;
    }
    brain_layer *inner = vt->from_config(ic);
    if (!inner) return NULL;
    return brain__cfg_finish_layer(brain_time_distributed(inner, &(brain_layer_options){.name = brain__cfg_name(cfg)}), cfg);
}

const brain_layer_vtable brain__time_distributed_vt = {
    .class_name = "TimeDistributed", .snake_name = "time_distributed", .build = td_build, .reserve = td_reserve,
    .forward = td_forward, .backward = td_backward, .destroy = td_destroy, .get_config = td_get_config,
    .from_config = td_from_config,
};

brain_layer *brain_time_distributed(brain_layer *layer, const brain_layer_options *opt)
{
    if (!layer || layer->model || layer->built || layer->graph || layer->vt->takes_list || layer->vt->call_args ||
        !layer->vt->build || !layer->vt->forward || !layer->vt->backward || !strcmp(layer->vt->class_name, "InputLayer")) {
        brain__fail(BRAIN_ERR_ARG, "TimeDistributed: the wrapped layer must be a new single-input layer (got %s)",
                    layer ? layer->vt->class_name : "NULL");
        if (layer && !layer->model && !layer->graph) brain__layer_free(layer);
        return NULL;
    }
    tdist *t = (tdist *)brain__layer_new(&brain__time_distributed_vt, sizeof(tdist), opt ? opt->name : NULL);
    if (!t) { brain__layer_free(layer); return NULL; }
    t->inner = layer;
    if (!layer->name_given && !layer->name[0]) snprintf(layer->name, sizeof layer->name, "%s", layer->vt->snake_name);
    return &t->base;
}
