/* embedding.c — Embedding(input_dim, output_dim): y[n, t, :] = E[id(n, t), :].
 *
 * Ids arrive as floats (the model's input is float32); each must be a whole number in
 * [0, input_dim).  Forward reports a bad id through ctx->status, naming the layer, the batch row,
 * the position and the value, and the model stops before any later layer runs.
 * Backward: dE[id, :] += dy[n, t, :] (no gradient flows to the ids).
 * mask_zero: the output mask is id != 0 (Keras's compute_mask), one byte per position.
 */
#include "layer_config.h"
#include "recurrent.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct embedding {
    brain_layer base;
    int64_t input_dim, output_dim, positions; /* positions = ids per sample */
    bool mask_zero;
    brain_initializer_kind init;
    brain_regularizer reg;
    brain_weight *table;
} embedding;

static brain_status embedding_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    embedding *e = (embedding *)l;
    if (in[0].ndim + 1 >= BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_ARG, "Embedding '%s': input rank %d is too large", l->name, in[0].ndim);
    e->positions = brain__shape_size(&in[0]);
    *out = in[0];
    out->dims[out->ndim++] = e->output_dim;
    int64_t shape[2] = {e->input_dim, e->output_dim};
    e->table = brain__layer_add_weight(l, "embeddings", 2, shape, e->init, e->reg, true);
    return e->table ? BRAIN_OK : BRAIN_ERR_ARG;
}

static void embedding_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    embedding *e = (embedding *)l;
    const int64_t n = in[0]->size, E = e->output_dim;
    const float *ids = in[0]->data, *table = e->table->value;
    for (int64_t i = 0; i < n; i++) {
        float v = ids[i];
        if (!(v >= 0 && v < (float)e->input_dim && v == floorf(v))) {
            *ctx->status = brain__fail(BRAIN_ERR_ARG, "Embedding '%s': batch row %lld, position %lld holds %g, which is not "
                                       "a whole number in [0, %lld) (input_dim)", l->name, (long long)(i / e->positions),
                                       (long long)(i % e->positions), (double)v, (long long)e->input_dim);
            return;
        }
        memcpy(out->data + i * E, table + (int64_t)v * E, sizeof(float) * E);
    }
}

static void embedding_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                               const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    embedding *e = (embedding *)l;
    if (!e->table->grad) return;
    const int64_t n = in[0]->size, E = e->output_dim;
    for (int64_t i = 0; i < n; i++) {
        float *g = e->table->grad + (int64_t)in[0]->data[i] * E;
        const float *d = dout->data + i * E;
        for (int64_t j = 0; j < E; j++) g[j] += d[j];
    }
}

static void embedding_compute_mask(brain_layer *l, const brain_tensor *in, uint8_t *mask)
{
    for (int64_t i = 0; i < in->size; i++) mask[i] = in->data[i] != 0.0f;
}

static brain_status embedding_get_config(const brain_layer *l, cJSON *cfg)
{
    const embedding *e = (const embedding *)l;
    cJSON_AddNumberToObject(cfg, "input_dim", (double)e->input_dim);
    cJSON_AddNumberToObject(cfg, "output_dim", (double)e->output_dim);
    brain__cfg_add_initializer(cfg, "embeddings_initializer", e->init);
    brain__cfg_add_regularizer(cfg, "embeddings_regularizer", e->reg);
    cJSON_AddNullToObject(cfg, "activity_regularizer");
    cJSON_AddNullToObject(cfg, "embeddings_constraint");
    cJSON_AddBoolToObject(cfg, "mask_zero", e->mask_zero);
    return BRAIN_OK;
}

static brain_layer *embedding_from_config(const cJSON *cfg)
{
    brain_embedding_options o = {.name = brain__cfg_name(cfg)};
    double in_dim = 0, out_dim = 0;
    brain_status s = brain__cfg_get_number(cfg, "input_dim", &in_dim);
    if (!s) s = brain__cfg_get_number(cfg, "output_dim", &out_dim);
    if (!s) s = brain__cfg_get_bool_or(cfg, "mask_zero", o.mask_zero, &o.mask_zero);
    if (!s) s = brain__cfg_get_initializer(cfg, "embeddings_initializer", &o.embeddings_initializer);
    if (!s) s = brain__cfg_get_regularizer(cfg, "embeddings_regularizer", &o.embeddings_regularizer);
    if (s) return NULL;
    return brain__cfg_finish_layer(brain_embedding(brain__to_i64(in_dim), brain__to_i64(out_dim), &o), cfg);
}

const brain_layer_vtable brain__embedding_vt = {
    .class_name = "Embedding", .snake_name = "embedding", .build = embedding_build,
    .forward = embedding_forward, .backward = embedding_backward, .get_config = embedding_get_config,
    .from_config = embedding_from_config, .compute_mask = embedding_compute_mask,
};

brain_layer *brain_embedding(int64_t input_dim, int64_t output_dim, const brain_embedding_options *opt)
{
    brain_embedding_options o = opt ? *opt : (brain_embedding_options){0};
    if (input_dim <= 0 || output_dim <= 0 || input_dim > (1 << 24)) {
        brain__fail(BRAIN_ERR_ARG, "Embedding: input_dim must be in [1, 2^24] (ids travel as float32) and output_dim "
                    "positive, got %lld and %lld", (long long)input_dim, (long long)output_dim);
        return NULL;
    }
    embedding *e = (embedding *)brain__layer_new(&brain__embedding_vt, sizeof(embedding), o.name);
    if (!e) return NULL;
    e->input_dim = input_dim;
    e->output_dim = output_dim;
    e->mask_zero = o.mask_zero;
    e->init = o.embeddings_initializer ? o.embeddings_initializer : BRAIN_INIT_RANDOM_UNIFORM;
    e->reg = o.embeddings_regularizer;
    e->base.mask_rule = o.mask_zero ? BRAIN_MASK_MAKE : BRAIN_MASK_DROP;
    return &e->base;
}
