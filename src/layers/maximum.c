/* maximum.c — Maximum and Minimum: the elementwise maximum (minimum) of their inputs (all of one shape).
 *
 * Forward:  y = max(x_0, x_1, ..., x_{n-1})            (min for Minimum)
 * Backward: dx_i += dy where x_i is the input the value came from, 0 elsewhere
 *           (the first one holding it at exact ties, where JAX would split the gradient)
 * With Keras masks (Keras 3's Merge._apply_merge_op_and_or_mask), inputs are folded in order,
 * a running value v with a running mask m (absent once an input without a mask was folded):
 *   x_i' = x_i where input i's mask keeps the step, else v;
 *   v'   = v where m keeps the step, else x_i';     v = max(v', x_i')
 * so a masked step of an input does not take part; the output's mask is the OR of the masks
 * (none when an input has none), as every merge layer's (BRAIN_MASK_ANY). */
#include "internal.h"

/* y at value j (F values per step) and the input it comes from */
static float fold(const brain_ctx *ctx, int n_in, const brain_tensor *const *in, int64_t j, int64_t F, float sign, int *src)
{
    const int64_t st = j / F;
    const uint8_t *const *mk = ctx->masks;
    float v = in[0]->data[j];
    int a = 0;
    int om = mk && mk[0] ? mk[0][st] != 0 : -1; /* -1: no running mask */
    for (int i = 1; i < n_in; i++) {
        int mi = mk && mk[i] ? mk[i][st] != 0 : -1;
        float x = in[i]->data[j];
        int xa = i;
        if (mi == 0) { x = v; xa = a; }
        if (om == 0) { v = x; a = xa; }
        om = mi >= 0 && om >= 0 ? (om | mi) : -1;
        if (sign * x > sign * v) { v = x; a = xa; }
    }
    *src = a;
    return v;
}

static int64_t per_step(const brain_tensor *t)
{
    return t->ndim > 1 ? t->shape[t->ndim - 1] : 1;
}

static void extreme_forward(const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out, float sign)
{
    const int64_t F = per_step(out);
    bool masked = false;
    for (int i = 0; ctx->masks && i < n_in; i++) masked = masked || ctx->masks[i];
    if (!masked) {
        for (int64_t j = 0; j < out->size; j++) {
            float v = in[0]->data[j];
            for (int i = 1; i < n_in; i++) if (sign * in[i]->data[j] > sign * v) v = in[i]->data[j];
            out->data[j] = v;
        }
        return;
    }
    int a;
    for (int64_t j = 0; j < out->size; j++) out->data[j] = fold(ctx, n_in, in, j, F, sign, &a);
}

static void extreme_backward(const brain_ctx *ctx, int n_in, const brain_tensor *const *in, const brain_tensor *dout,
                             brain_tensor *const *din, float sign)
{
    const int64_t F = per_step(dout);
    for (int64_t j = 0; j < dout->size; j++) {
        int arg;
        fold(ctx, n_in, in, j, F, sign, &arg);
        if (din[arg]) din[arg]->data[j] += dout->data[j];
    }
}

static brain_status maximum_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 1, BRAIN_MAX_LAYER_INPUTS);
}

static void maximum_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)l;
    extreme_forward(ctx, n_in, in, out, 1.0f);
}

static void maximum_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)l; (void)out;
    extreme_backward(ctx, n_in, in, dout, din, 1.0f);
}

static void minimum_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    (void)l;
    extreme_forward(ctx, n_in, in, out, -1.0f);
}

static void minimum_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                             const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)l; (void)out;
    extreme_backward(ctx, n_in, in, dout, din, -1.0f);
}

static brain_layer *maximum_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_maximum, "Maximum");
}

static brain_layer *minimum_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_minimum, "Minimum");
}

const brain_layer_vtable brain__maximum_vt = {
    .class_name = "Maximum", .snake_name = "maximum", .build = maximum_build, .forward = maximum_forward,
    .backward = maximum_backward, .get_config = brain__merge_get_config, .from_config = maximum_from_config,
    .takes_list = true,
};

const brain_layer_vtable brain__minimum_vt = {
    .class_name = "Minimum", .snake_name = "minimum", .build = maximum_build, .forward = minimum_forward,
    .backward = minimum_backward, .get_config = brain__merge_get_config, .from_config = minimum_from_config,
    .takes_list = true,
};

brain_layer *brain_maximum(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__maximum_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}

brain_layer *brain_minimum(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__minimum_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
