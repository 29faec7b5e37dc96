/* permute.c — Permute(dims): the per-sample axes reordered, out axis i = input axis dims[i]
 * (Keras numbers them from 1; the batch axis stays).  Backward scatters dy back through the same
 * index map: dx[src(j)] += dy[j]. */
#include "internal.h"
#include "layers/layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct permute {
    brain_layer base;
    int nd;
    int dims[BRAIN_MAX_DIMS];       /* 1-based, as Keras */
    int64_t *src; int64_t n;        /* src[j]: the input offset (in a sample) of output value j */
} permute;

static brain_status pm_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    permute *p = (permute *)l;
    if (in[0].ndim != p->nd) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "Permute '%s' has %d dims but its input %s has %d axes after the batch", l->name, p->nd, b,
                           in[0].ndim);
    }
    int64_t stride[BRAIN_MAX_DIMS];
    stride[p->nd - 1] = 1;
    for (int d = p->nd - 2; d >= 0; d--) stride[d] = stride[d + 1] * in[0].dims[d + 1];
    out->ndim = p->nd;
    for (int i = 0; i < p->nd; i++) out->dims[i] = in[0].dims[p->dims[i] - 1];
    p->n = brain__shape_size(&in[0]);
    p->src = brain__alloc_array((size_t)p->n, sizeof(int64_t));
    if (!p->src) return BRAIN_ERR_NOMEM;
    int64_t idx[BRAIN_MAX_DIMS] = {0};
    for (int64_t j = 0; j < p->n; j++) {
        int64_t o = 0;
        for (int i = 0; i < p->nd; i++) o += idx[i] * stride[p->dims[i] - 1];
        p->src[j] = o;
        for (int i = p->nd - 1; i >= 0; i--) {
            if (++idx[i] < out->dims[i]) break;
            idx[i] = 0;
        }
    }
    return BRAIN_OK;
}

static void pm_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    permute *p = (permute *)l;
    for (int64_t b = 0; b < in[0]->shape[0]; b++) {
        const float *x = in[0]->data + b * p->n;
        float *y = out->data + b * p->n;
        for (int64_t j = 0; j < p->n; j++) y[j] = x[p->src[j]];
    }
}

static void pm_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    permute *p = (permute *)l;
    if (!din[0]) return;
    for (int64_t b = 0; b < dout->shape[0]; b++) {
        float *dx = din[0]->data + b * p->n;
        const float *dy = dout->data + b * p->n;
        for (int64_t j = 0; j < p->n; j++) dx[p->src[j]] += dy[j];
    }
}

static void pm_destroy(brain_layer *l) { free(((permute *)l)->src); }

static brain_status pm_get_config(const brain_layer *l, cJSON *cfg)
{
    const permute *p = (const permute *)l;
    int64_t d[BRAIN_MAX_DIMS];
    for (int i = 0; i < p->nd; i++) d[i] = p->dims[i];
    return brain__cfg_add_ints(cfg, "dims", p->nd, d);
}

static brain_layer *pm_from_config(const cJSON *cfg)
{
    int64_t d[BRAIN_MAX_DIMS];
    int n = 0, di[BRAIN_MAX_DIMS];
    if (brain__cfg_get_ints(cfg, "dims", BRAIN_MAX_DIMS, &n, d)) return NULL;
    for (int i = 0; i < n; i++) di[i] = (int)d[i];
    return brain__cfg_finish_layer(brain_permute(n, di, &(brain_layer_options){.name = brain__cfg_name(cfg)}), cfg);
}

const brain_layer_vtable brain__permute_vt = {
    .class_name = "Permute", .snake_name = "permute", .build = pm_build, .forward = pm_forward, .backward = pm_backward,
    .destroy = pm_destroy, .get_config = pm_get_config, .from_config = pm_from_config,
};

brain_layer *brain_permute(int ndims, const int *dims, const brain_layer_options *opt)
{
    bool seen[BRAIN_MAX_DIMS + 1] = {false}, ok = ndims >= 1 && ndims <= BRAIN_MAX_DIMS - 1 && dims;
    for (int i = 0; ok && i < ndims; i++) {
        ok = dims[i] >= 1 && dims[i] <= ndims && !seen[dims[i]];
        if (ok) seen[dims[i]] = true;
    }
    if (!ok) {
        brain__fail(BRAIN_ERR_ARG, "Permute: dims must be a permutation of 1..%d (Keras numbers the axes after the batch from 1)", ndims);
        return NULL;
    }
    permute *p = (permute *)brain__layer_new(&brain__permute_vt, sizeof(permute), opt ? opt->name : NULL);
    if (!p) return NULL;
    p->nd = ndims;
    memcpy(p->dims, dims, sizeof(int) * (size_t)ndims);
    return &p->base;
}
