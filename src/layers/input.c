/* input.c — InputLayer: declares the per-sample input shape; it has no computation. */
#include "internal.h"
#include "layers/layer_config.h"
#include <string.h>

static brain_status input_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    *out = l->out_shape;
    return BRAIN_OK;
}

/* Keras 3.0–3.9 key set: batch_shape (batch axis null), dtype, sparse, name */
static brain_status input_get_config(const brain_layer *l, cJSON *cfg)
{
    cJSON *a = cJSON_AddArrayToObject(cfg, "batch_shape");
    if (!a || !cJSON_AddItemToArray(a, cJSON_CreateNull()))
        return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a model config");
    for (int i = 0; i < l->out_shape.ndim; i++)
        if (!cJSON_AddItemToArray(a, cJSON_CreateNumber((double)l->out_shape.dims[i])))
            return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a model config");
    brain_status s = brain__cfg_add_string(cfg, "dtype", "float32");
    if (!s) s = brain__cfg_add_bool(cfg, "sparse", false);
    return s;
}

/* batch_shape (Keras 3) or batch_input_shape (Keras 2): the first entry is the batch axis */
static brain_layer *input_from_config(const cJSON *cfg)
{
    const char *key = cJSON_GetObjectItemCaseSensitive(cfg, "batch_shape") ? "batch_shape" : "batch_input_shape";
    int64_t dims[BRAIN_MAX_DIMS];
    int n = 0;
    if (brain__cfg_get_ints(cfg, key, BRAIN_MAX_DIMS, &n, dims)) return NULL;
    const char *dtype, *name;
    if (brain__cfg_get_string(cfg, "name", false, &name)) return NULL;
    /* dtype: "float32" or a DTypePolicy object */
    const cJSON *dt = cJSON_GetObjectItemCaseSensitive(cfg, "dtype");
    if (cJSON_IsObject(dt)) dt = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(dt, "config"), "name");
    dtype = cJSON_IsString(dt) ? dt->valuestring : "float32";
    /* numbers arrive as float32 here; integer inputs (token ids for an Embedding) are exact in
     * float32 up to 2^24 */
    static const char *const ok[] = { "float32", "float16", "bfloat16", "float64", "int8", "int16", "int32", "int64",
                                      "uint8", "uint16", "uint32", "uint64" };
    bool known = false;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0] && !known; i++) known = !strcmp(dtype, ok[i]);
    if (!known) {
        brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': input dtype \"%.32s\" is not supported (numbers only)", name ? name : "?", dtype);
        return NULL;
    }
    bool sparse, ragged;
    if (brain__cfg_get_bool_or(cfg, "sparse", false, &sparse) || brain__cfg_get_bool_or(cfg, "ragged", false, &ragged))
        return NULL;
    if (sparse || ragged) {
        brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': sparse or ragged inputs are not supported", name ? name : "?");
        return NULL;
    }
    if (n < 2) {
        brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': \"%s\" needs a batch axis and at least one more", name ? name : "?", key);
        return NULL;
    }
    brain_shape shape = { .ndim = n - 1 };
    double total = 1;
    for (int i = 1; i < n; i++) total *= (double)dims[i];
    if (total > (double)(1 << 28)) { /* a loader's guard against absurd shapes */
        brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': \"%s\" gives %.0f values per sample, more than this loader accepts (2^28)",
                    name ? name : "?", key, total);
        return NULL;
    }
    for (int i = 1; i < n; i++) {
        if (dims[i] == 0) {
            brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': dimension %d of \"%s\" is null; every axis but the batch must be known",
                        name ? name : "?", i, key);
            return NULL;
        }
        shape.dims[i - 1] = dims[i];
    }
    brain_layer *l = brain_input(shape);
    if (l && name && strlen(name) < BRAIN_NAME_MAX) { strcpy(l->name, name); l->name_given = true; }
    return l;
}

const brain_layer_vtable brain__input_vtable = {
    .class_name = "InputLayer", .snake_name = "input_layer", .build = input_build,
    .get_config = input_get_config, .from_config = input_from_config,
};

brain_layer *brain_input(brain_shape shape)
{
    if (shape.ndim < 1 || shape.ndim > BRAIN_MAX_DIMS - 1) {
        brain__fail(BRAIN_ERR_ARG, "Input: a shape needs 1 to %d dimensions (batch excluded), got %d",
                    BRAIN_MAX_DIMS - 1, shape.ndim);
        return NULL;
    }
    for (int i = 0; i < shape.ndim; i++)
        if (shape.dims[i] <= 0) {
            brain__fail(BRAIN_ERR_ARG, "Input: dimension %d of the shape is %lld; every dimension must be positive",
                        i, (long long)shape.dims[i]);
            return NULL;
        }
    brain_layer *l = brain__layer_new(&brain__input_vtable, sizeof(brain_layer), NULL);
    if (!l) return NULL;
    l->out_shape = shape;
    return l;
}
