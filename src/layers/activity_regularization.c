/* activity_regularization.c — ActivityRegularization(l1, l2): y = x, and the loss gets
 * (l1·Σ|x| + l2·Σx²) / batch (Keras 3 divides an activity penalty by the batch size).
 * Backward: dx += dy + (l1·sign(x) + 2·l2·x) / batch.  The penalty of the last forward is added to
 * the reported loss with the weights' penalties (brain__regularization, vt->penalty). */
#include "internal.h"
#include "layers/layer_config.h"
#include <math.h>
#include <string.h>

typedef struct actreg { brain_layer base; float l1, l2; double last; } actreg;

static void ar_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    actreg *a = (actreg *)l;
    memcpy(out->data, in[0]->data, sizeof(float) * (size_t)in[0]->size);
    double s1 = 0, s2 = 0;
    for (int64_t i = 0; i < in[0]->size; i++) { s1 += fabsf(in[0]->data[i]); s2 += (double)in[0]->data[i] * in[0]->data[i]; }
    a->last = ((double)a->l1 * s1 + (double)a->l2 * s2) / (double)in[0]->shape[0];
}

static void ar_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    actreg *a = (actreg *)l;
    if (!din[0]) return;
    const float inv_b = 1.0f / (float)in[0]->shape[0];
    for (int64_t i = 0; i < dout->size; i++) {
        float x = in[0]->data[i];
        din[0]->data[i] += dout->data[i] + (a->l1 * (float)((x > 0) - (x < 0)) + 2.0f * a->l2 * x) * inv_b;
    }
}

static double ar_penalty(const brain_layer *l) { return ((const actreg *)l)->last; }

static brain_status ar_get_config(const brain_layer *l, cJSON *cfg)
{
    const actreg *a = (const actreg *)l;
    brain_status s = brain__cfg_add_float(cfg, "l1", a->l1);
    if (!s) s = brain__cfg_add_float(cfg, "l2", a->l2);
    return s;
}

static brain_layer *ar_from_config(const cJSON *cfg)
{
    double l1 = 0, l2 = 0;
    if (brain__cfg_get_number_or(cfg, "l1", 0, &l1) || brain__cfg_get_number_or(cfg, "l2", 0, &l2)) return NULL;
    return brain__cfg_finish_layer(brain_activity_regularization((float)l1, (float)l2, &(brain_layer_options){.name = brain__cfg_name(cfg)}), cfg);
}

const brain_layer_vtable brain__activity_regularization_vt = {
    .class_name = "ActivityRegularization", .snake_name = "activity_regularization", .build = brain__same_shape_build,
    .forward = ar_forward, .backward = ar_backward, .get_config = ar_get_config, .from_config = ar_from_config,
    .penalty = ar_penalty,
};

brain_layer *brain_activity_regularization(float l1, float l2, const brain_layer_options *opt)
{
    if (!(l1 >= 0 && l2 >= 0)) {
        brain__fail(BRAIN_ERR_ARG, "ActivityRegularization: l1 and l2 must be >= 0, got %g and %g", (double)l1, (double)l2);
        return NULL;
    }
    actreg *a = (actreg *)brain__layer_new(&brain__activity_regularization_vt, sizeof(actreg), opt ? opt->name : NULL);
    if (!a) return NULL;
    a->l1 = l1;
    a->l2 = l2;
    a->base.mask_rule = BRAIN_MASK_PASS;
    return &a->base;
}
