/* merge.c — what the merge layers share (Keras's keras.layers.Merge base): the shape check of
 * the elementwise ones, and the config of the layers whose only members are the base's.
 * Each merge layer lives in its own file: add.c, subtract.c, multiply.c, average.c,
 * maximum.c, concatenate.c. */
#include "internal.h"
#include <cjson/cJSON.h>
#include <string.h>

brain_status brain__merge_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out, int min_in, int max_in)
{
    if (n_in < min_in || n_in > max_in) {
        if (min_in == max_in)
            return brain__fail(BRAIN_ERR_ARG, "%s '%s' must be called on exactly %d inputs, got %d", l->vt->class_name,
                               l->name, min_in, n_in);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' must be called on a list of at least %d inputs, got %d",
                           l->vt->class_name, l->name, min_in, n_in);
    }
    for (int k = 1; k < n_in; k++) {
        bool same = in[k].ndim == in[0].ndim;
        for (int i = 0; same && i < in[0].ndim; i++) same = in[k].dims[i] == in[0].dims[i];
        if (!same) {
            char a[128], b[128];
            brain__shape_str(&in[0], a, sizeof a);
            brain__shape_str(&in[k], b, sizeof b);
            return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs inputs of one shape: input 0 is %s, input %d is %s "
                               "(brain does not broadcast merge inputs)", l->vt->class_name, l->name, a, k, b);
        }
    }
    *out = in[0];
    l->mask_rule = BRAIN_MASK_MERGE; /* Keras's Merge.compute_mask: OR of the masks when all have one */
    return BRAIN_OK;
}

brain_status brain__merge_get_config(const brain_layer *l, struct cJSON *cfg)
{
    (void)l;
    (void)cfg; /* name, trainable and dtype are the caller's; Merge adds nothing */
    return BRAIN_OK;
}

brain_layer *brain__merge_from_config(const struct cJSON *cfg, brain_layer *(*make)(const brain_layer_options *),
                                      const char *class_name)
{
    if (!cJSON_IsObject(cfg)) {
        brain__fail(BRAIN_ERR_FORMAT, "%s: the layer's config is not an object", class_name);
        return NULL;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(cfg, "name");
    if (name && !cJSON_IsString(name)) {
        brain__fail(BRAIN_ERR_FORMAT, "%s: config key 'name' must be a string", class_name);
        return NULL;
    }
    return make(&(brain_layer_options){.name = name ? name->valuestring : NULL});
}
