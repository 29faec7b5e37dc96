/* multiply.c — Multiply: the elementwise product of its inputs (all of one shape).
 *
 * Forward:  y = x_0 ⊙ x_1 ⊙ ... ⊙ x_{n-1}     (multiplied in input order, as Keras)
 * Backward: dx_i += dy ⊙ Π_{k≠i} x_k          (the product without x_i, not y / x_i, so that
 *                                              zeros in x_i are handled exactly)
 * With Keras masks (Keras's Multiply._merge_function): an input's masked steps count as 1; when
 * every input has a mask, the output is 0 where none of them keeps the step. */
#include "internal.h"

static brain_status multiply_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    return brain__merge_build(l, n_in, in, out, 1, BRAIN_MAX_LAYER_INPUTS);
}

/* x_i at value j with Keras's mask rule: 1 at a masked step */
static inline float factor(const brain_ctx *ctx, const brain_tensor *const *in, int i, int64_t j, int64_t F)
{
    const uint8_t *m = ctx->masks ? ctx->masks[i] : NULL;
    return m && !m[j / F] ? 1.0f : in[i]->data[j];
}

/* 0 when every input has a mask and none keeps the step of value j, else 1 */
static inline float keep_out(const brain_ctx *ctx, int n_in, int64_t j, int64_t F)
{
    if (!ctx->masks) return 1.0f;
    bool any = false;
    for (int i = 0; i < n_in; i++) {
        if (!ctx->masks[i]) return 1.0f;
        any = any || ctx->masks[i][j / F];
    }
    return any ? 1.0f : 0.0f;
}

static bool any_mask(const brain_ctx *ctx, int n_in)
{
    for (int i = 0; ctx->masks && i < n_in; i++) if (ctx->masks[i]) return true;
    return false;
}

static void multiply_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    if (any_mask(ctx, n_in)) {
        const int64_t F = l->out_shape.dims[l->out_shape.ndim - 1];
        for (int64_t j = 0; j < out->size; j++) {
            float p = factor(ctx, in, 0, j, F);
            for (int i = 1; i < n_in; i++) p *= factor(ctx, in, i, j, F);
            out->data[j] = p * keep_out(ctx, n_in, j, F);
        }
        return;
    }
    for (int64_t j = 0; j < out->size; j++) {
        float p = in[0]->data[j];
        for (int i = 1; i < n_in; i++) p *= in[i]->data[j];
        out->data[j] = p;
    }
}

static void multiply_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                              const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    const bool masked = any_mask(ctx, n_in);
    const int64_t F = l->out_shape.dims[l->out_shape.ndim - 1];
    for (int i = 0; i < n_in; i++) {
        if (!din[i]) continue;
        for (int64_t j = 0; j < dout->size; j++) {
            float p = dout->data[j];
            if (masked) {
                if (ctx->masks[i] && !ctx->masks[i][j / F]) continue; /* the constant 1 */
                p *= keep_out(ctx, n_in, j, F);
                for (int k = 0; k < n_in; k++) if (k != i) p *= factor(ctx, in, k, j, F);
            } else {
                for (int k = 0; k < n_in; k++) if (k != i) p *= in[k]->data[j];
            }
            din[i]->data[j] += p;
        }
    }
}

brain_layer *brain_multiply(const brain_layer_options *opt);

static brain_layer *multiply_from_config(const struct cJSON *cfg)
{
    return brain__merge_from_config(cfg, brain_multiply, "Multiply");
}

const brain_layer_vtable brain__multiply_vt = {
    .class_name = "Multiply", .snake_name = "multiply", .build = multiply_build, .forward = multiply_forward,
    .backward = multiply_backward, .get_config = brain__merge_get_config, .from_config = multiply_from_config,
    .takes_list = true,
};

brain_layer *brain_multiply(const brain_layer_options *opt)
{
    return brain__layer_new(&brain__multiply_vt, sizeof(brain_layer), opt ? opt->name : NULL);
}
