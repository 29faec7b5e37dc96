/* nested.c — a model used as a layer of another model (Keras's "Functional inside Functional":
 * `base = keras.applications.MobileNetV2(...)`, `x = base(inputs, training=False)`).
 *
 * The layer runs its inner model's graph:
 *   forward:  inner outputs = inner(x₁ … xₙ), copied to the layer's outputs
 *   backward: the inner outputs' gradients = dout; inner backward (no regularization: the outer
 *             model adds every weight's penalty once); din_k += d(loss)/d(inner input k)
 * The inner model's weights stay its layers' own brain_weight records; the outer model lists them
 * at the layer's place (brain__layout_weights) and moves their values into its own buffers, so one
 * optimizer step updates them.  `training=False` at the call (Keras's call argument) runs the inner
 * model in inference mode also while the outer model trains (BatchNormalization normalises with its
 * moving statistics, Dropout passes everything); gradients still flow through it. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

typedef struct model_layer {
    brain_layer base;
    bool has_training, training;    /* the call's training= argument, when given */
} model_layer;

static brain_status ml_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    brain_model *m = l->inner;
    if (n_in != m->n_inputs)
        return brain__fail(BRAIN_ERR_ARG, "model '%s' takes %d input%s, it was called on %d", m->name, m->n_inputs,
                           m->n_inputs == 1 ? "" : "s", n_in);
    for (int k = 0; k < n_in; k++) {
        brain_shape want = brain_model_input_shape_k(m, k);
        bool same = want.ndim == in[k].ndim;
        for (int d = 0; same && d < want.ndim; d++) same = want.dims[d] == in[k].dims[d];
        if (!same) {
            char a[128], b[128];
            brain__shape_str(&want, a, sizeof a);
            brain__shape_str(&in[k], b, sizeof b);
            return brain__fail(BRAIN_ERR_ARG, "model '%s' input %d has shape %s, it was called on %s", m->name, k, a, b);
        }
    }
    if (m->n_outputs > BRAIN_MAX_LAYER_OUTPUTS)
        return brain__fail(BRAIN_ERR_ARG, "model '%s' has %d outputs; a model used as a layer has at most %d", m->name,
                           m->n_outputs, BRAIN_MAX_LAYER_OUTPUTS);
    *out = brain_model_output_shape_k(m, 0);
    l->n_out = m->n_outputs;
    for (int k = 1; k < m->n_outputs; k++) l->extra_out_shape[k - 1] = brain_model_output_shape_k(m, k);
    return BRAIN_OK;
}

static brain_status ml_reserve(brain_layer *l, int64_t batch)
{
    l->inner->want_input_grad = true;
    return brain__model_reserve(l->inner, batch);
}

static void ml_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    model_layer *ml = (model_layer *)l;
    brain_model *m = l->inner;
    brain_status s = brain__model_forward_multi(m, n_in, in, ml->has_training ? ml->training : ctx->training);
    if (s) { *ctx->status = s; return; }
    for (int k = 0; k < m->n_outputs; k++) {
        brain_tensor *dst = k == 0 ? out : ctx->extra_out[k - 1];
        memcpy(dst->data, brain__model_output_k(m, k)->data, sizeof(float) * (size_t)dst->size);
    }
}

static void ml_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                        const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    (void)in; (void)out;
    brain_model *m = l->inner;
    for (int k = 0; k < m->n_outputs; k++) {
        const brain_tensor *g = k == 0 ? dout : ctx->extra_dout[k - 1];
        memcpy(brain__model_output_grad_k(m, k), g->data, sizeof(float) * (size_t)g->size);
    }
    brain__model_backward_nodes(m);
    for (int k = 0; k < n_in; k++) {
        if (!din[k]) continue;
        const brain_tensor *d = &m->nodes[m->input_nodes[k]].dout;
        for (int64_t i = 0; i < din[k]->size; i++) din[k]->data[i] += d->data[i];
    }
}

static double ml_penalty(const brain_layer *l)
{
    double total = 0;
    for (int i = 0; i < l->inner->n_layers; i++)
        if (l->inner->layers[i]->vt->penalty) total += l->inner->layers[i]->vt->penalty(l->inner->layers[i]);
    return total;
}

static void ml_destroy(brain_layer *l)
{
    brain_model_free(l->inner);
    l->inner = NULL;
}

static const brain_layer_vtable functional_vt = {
    .class_name = "Functional", .snake_name = "functional", .build = ml_build, .reserve = ml_reserve,
    .forward = ml_forward, .backward = ml_backward, .destroy = ml_destroy, .penalty = ml_penalty,
};
static const brain_layer_vtable sequential_vt = {
    .class_name = "Sequential", .snake_name = "sequential", .build = ml_build, .reserve = ml_reserve,
    .forward = ml_forward, .backward = ml_backward, .destroy = ml_destroy, .penalty = ml_penalty,
};

brain_layer *brain__model_layer_new(brain_model *inner, bool has_training, bool training)
{
    if (!inner) { brain__fail(BRAIN_ERR_ARG, "brain_model_as_layer: model is NULL"); return NULL; }
    if (inner->as_layer) { brain__fail(BRAIN_ERR_ARG, "model '%s' is already used as a layer", inner->name); return NULL; }
    brain_status s = brain_model_build(inner);
    if (s) return NULL;
    model_layer *ml = (model_layer *)brain__layer_new(inner->sequential ? &sequential_vt : &functional_vt, sizeof *ml, NULL);
    if (!ml) return NULL;
    snprintf(ml->base.name, sizeof ml->base.name, "%s", inner->name);
    ml->base.name_given = true;
    ml->base.inner = inner;
    ml->has_training = has_training;
    ml->training = training;
    inner->as_layer = &ml->base;
    inner->want_input_grad = true;
    inner->capacity = 0; /* reserve again with input gradients */
    return &ml->base;
}

bool brain__model_layer_training(const brain_layer *l, bool *training)
{
    if (!l || !l->inner) return false;
    const model_layer *ml = (const model_layer *)l;
    *training = ml->training;
    return ml->has_training;
}

void brain__model_layer_set_training(brain_layer *l, bool has_training, bool training)
{
    if (!l || !l->inner) return;
    ((model_layer *)l)->has_training = has_training;
    ((model_layer *)l)->training = training;
}

brain_layer *brain_model_as_layer(brain_model *m, const brain_model_layer_options *opt)
{
    brain_flag t = opt ? opt->training : BRAIN_DEFAULT;
    if (m && m->as_layer) { brain__fail(BRAIN_ERR_ARG, "model '%s' is already used as a layer", m->name); return NULL; }
    return brain__model_layer_new(m, t != BRAIN_DEFAULT, t == BRAIN_ON);
}

brain_model *brain_layer_inner_model(brain_layer *l) { return l ? l->inner : NULL; }

void brain_model_set_trainable(brain_model *m, bool trainable)
{
    if (!m) return;
    if (m->as_layer) { brain_layer_set_trainable(m->as_layer, trainable); return; }
    for (int i = 0; i < m->n_layers; i++) brain_layer_set_trainable(m->layers[i], trainable);
}

bool brain_layer_trainable(const brain_layer *l) { return l && l->trainable; }

/* The copy of model m for another call of its model layer: every layer copied (brain__layer_clone,
 * recursively for model layers) and marked as a call of the original, wired as m's nodes are. */
static brain_model *clone_model(brain_model *m)
{
    const int n = m->n_nodes;
    brain_layer **ls = brain__alloc_array((size_t)n, sizeof *ls);
    int *n_in = brain__alloc_array((size_t)n, sizeof *n_in), *mask = brain__alloc_array((size_t)n, sizeof *mask);
    int *mask_port = brain__alloc_array((size_t)n, sizeof *mask_port);
    int (*in)[BRAIN_MAX_LAYER_INPUTS] = brain__alloc_array((size_t)n, sizeof *in);
    int (*port)[BRAIN_MAX_LAYER_INPUTS] = brain__alloc_array((size_t)n, sizeof *port);
    brain_model *c = NULL;
    bool ok = ls && n_in && mask && mask_port && in && port;
    for (int i = 0; ok && i < n; i++) {
        const brain_node *nd = &m->nodes[i];
        const brain_layer *orig = nd->layer ? (nd->layer->shared ? nd->layer->shared : nd->layer) : NULL;
        if (nd->n_in == 0) { /* an input: a new InputLayer of the same shape (and name) */
            ls[i] = brain_input(nd->shape);
            if (ls[i] && orig) { snprintf(ls[i]->name, sizeof ls[i]->name, "%s", orig->name); ls[i]->name_given = true; }
        } else {
            ls[i] = brain__layer_clone(orig);
        }
        ok = ls[i] != NULL;
        n_in[i] = nd->n_in;
        for (int k = 0; k < nd->n_in; k++) { in[i][k] = nd->in[k]; port[i][k] = nd->in_port[k]; }
        mask[i] = nd->has_mask_in ? nd->mask_node : -1;
        mask_port[i] = nd->mask_port;
    }
    if (ok) {
        int outs[BRAIN_MAX_IO];
        for (int k = 0; k < m->n_outputs; k++) outs[k] = m->output_nodes[k];
        brain__functional_spec sp = { .name = m->name, .n_layers = n, .layers = ls, .n_inbound = n_in,
                                      .inbound = (const int (*)[BRAIN_MAX_LAYER_INPUTS])in,
                                      .n_inputs = m->n_inputs, .inputs = m->input_nodes, .n_outputs = m->n_outputs, .outputs = outs,
                                      .inbound_port = (const int (*)[BRAIN_MAX_LAYER_INPUTS])port, .output_ports = m->output_ports,
                                      .mask_layer = mask, .mask_port = mask_port };
        c = brain__functional_from_spec(&sp); /* takes the layers */
        if (c) /* each copied layer is a call of the original: its weights alias the original's */
            for (int i = 0; i < c->n_nodes; i++) {
                brain_layer *cl = c->nodes[i].layer;
                if (!cl || c->nodes[i].n_in == 0) continue;
                /* node i of the copy runs the call of m's node with the same place in the graph */
                for (int j = 0; j < n; j++)
                    if (ls[j] == cl) {
                        brain_layer *orig = m->nodes[j].layer->shared ? m->nodes[j].layer->shared : m->nodes[j].layer;
                        cl->shared = orig;
                        cl->call_index = orig->n_calls++;
                        cl->trainable = orig->trainable;
                    }
            }
    } else {
        for (int i = 0; ls && i < n; i++) brain__layer_free(ls[i]);
    }
    free(ls); free(n_in); free(mask); free(mask_port); free(in); free(port);
    return c;
}

brain_layer *brain__model_layer_clone(const brain_layer *l)
{
    brain_model *c = clone_model(l->inner);
    if (!c) {
        char why[600];
        snprintf(why, sizeof why, "%s", brain_last_error());
        brain__fail(BRAIN_ERR_ARG, "model '%s' cannot be called twice: copying it failed: %s", l->inner->name, why);
        return NULL;
    }
    const model_layer *ml = (const model_layer *)l;
    brain_layer *cl = brain__model_layer_new(c, ml->has_training, ml->training);
    if (!cl) { brain_model_free(c); return NULL; }
    cl->vt = l->vt; /* a Sequential's copy runs as a graph; saving writes the original */
    cl->trainable = l->trainable;
    snprintf(cl->name, sizeof cl->name, "%s", l->name);
    return cl;
}
