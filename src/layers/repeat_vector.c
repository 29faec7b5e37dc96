/* repeat_vector.c — RepeatVector(n): (F) -> (n, F), y[b, i, f] = x[b, f].
 * Backward: dx[b, f] += Σ_i dy[b, i, f]. */
#include "internal.h"
#include "layers/layer_config.h"

typedef struct repeat { brain_layer base; int64_t n, F; } repeat;

static brain_status rv_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    repeat *r = (repeat *)l;
    if (in[0].ndim != 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "RepeatVector '%s' needs inputs of rank 2 (batch, features), got %s", l->name, b);
    }
    r->F = in[0].dims[0];
    out->ndim = 2;
    out->dims[0] = r->n;
    out->dims[1] = r->F;
    return BRAIN_OK;
}

static void rv_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    repeat *r = (repeat *)l;
    const int64_t B = in[0]->shape[0];
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < r->n; i++)
            for (int64_t f = 0; f < r->F; f++) out->data[(b * r->n + i) * r->F + f] = in[0]->data[b * r->F + f];
}

static void rv_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    repeat *r = (repeat *)l;
    if (!din[0]) return;
    const int64_t B = in[0]->shape[0];
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < r->n; i++)
            for (int64_t f = 0; f < r->F; f++) din[0]->data[b * r->F + f] += dout->data[(b * r->n + i) * r->F + f];
}

static brain_status rv_get_config(const brain_layer *l, cJSON *cfg) { return brain__cfg_add_number(cfg, "n", (double)((const repeat *)l)->n); }

static brain_layer *rv_from_config(const cJSON *cfg)
{
    int64_t n;
    if (brain__cfg_get_int(cfg, "n", 1, 1 << 30, &n)) return NULL;
    return brain__cfg_finish_layer(brain_repeat_vector(n, &(brain_layer_options){.name = brain__cfg_name(cfg)}), cfg);
}

const brain_layer_vtable brain__repeat_vector_vt = {
    .class_name = "RepeatVector", .snake_name = "repeat_vector", .build = rv_build, .forward = rv_forward,
    .backward = rv_backward, .get_config = rv_get_config, .from_config = rv_from_config,
};

brain_layer *brain_repeat_vector(int64_t n, const brain_layer_options *opt)
{
    if (n <= 0) {
        brain__fail(BRAIN_ERR_ARG, "RepeatVector: n must be a positive integer, got %lld", (long long)n);
        return NULL;
    }
    repeat *r = (repeat *)brain__layer_new(&brain__repeat_vector_vt, sizeof(repeat), opt ? opt->name : NULL);
    if (!r) return NULL;
    r->n = n;
    return &r->base;
}
