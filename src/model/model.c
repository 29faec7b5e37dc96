/* model.c — a model is a graph of layers (Sequential is a chain; functional.c builds the
 * others).  This file builds a Sequential (shapes, weights in one buffer), and runs forward and
 * backward over any graph:
 *   forward:  input nodes view the caller's tensors; every other node, in topological order,
 *             out = layer(outs of its in[] nodes)
 *   backward: the loss fills each output node's dout; every other dout starts at zero; nodes in
 *             reverse order ADD d(loss)/d(in) into their inputs' douts, so a node read by several
 *             layers (fan-out) receives the sum of their gradients. */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern const brain_layer_vtable brain__input_vtable;

brain_model *brain_sequential(const char *name)
{
    brain_model *m = brain__alloc(sizeof *m);
    if (!m) return NULL;
    if (name && strlen(name) >= BRAIN_NAME_MAX) {
        brain__fail(BRAIN_ERR_ARG, "model name '%.40s...' is longer than %d characters", name, BRAIN_NAME_MAX - 1);
        free(m);
        return NULL;
    }
    if (brain__model_lock_init(m)) { free(m); return NULL; }
    snprintf(m->name, sizeof m->name, "%s", name && *name ? name : "sequential");
    m->sequential = true;
    brain_rng_seed(&m->rng, brain__next_seed());
    return m;
}

/* Keras's per-model auto names: dense, dense_1, dense_2 ... */
static void assign_name(brain_model *m, brain_layer *l)
{
    if (l->name_given) return;
    const char *base = l->vt->snake_name;
    for (int k = 0;; k++) {
        char cand[BRAIN_NAME_MAX];
        if (k == 0) snprintf(cand, sizeof cand, "%s", base);
        else snprintf(cand, sizeof cand, "%s_%d", base, k);
        bool taken = false;
        for (int i = 0; i < m->n_layers && !taken; i++) taken = !strcmp(m->layers[i]->name, cand);
        if (!taken) { strcpy(l->name, cand); return; }
    }
}

static void free_buffers(brain_model *m);
static void assign_name(brain_model *m, brain_layer *l);

/* Keras's Sequential.add on a built model (after pop()): the layer is built on the current
 * output, gets a node, and the weights are laid out again keeping every value; only the new
 * layer's weights are initialised.  The model must be compiled again (its output changed). */
static brain_status add_to_built(brain_model *m, brain_layer *l)
{
    for (int i = 0; i < m->n_layers; i++)
        if (l->name_given && !strcmp(m->layers[i]->name, l->name)) {
            char nm[BRAIN_NAME_MAX];
            strcpy(nm, l->name);
            brain__layer_free(l);
            return brain__fail(BRAIN_ERR_ARG, "model '%s' already has a layer named '%s'; layer names must be unique", m->name, nm);
        }
    brain_shape shape = m->nodes[m->n_nodes - 1].shape, out = {0};
    brain_status s = l->vt->build(l, 1, &shape, &out);
    if (!s && (l->n_out > 1 || out.ndim < 1 || out.ndim >= BRAIN_MAX_DIMS || brain__shape_size(&out) <= 0))
        s = brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s) cannot follow a layer of this output in a Sequential model", l->name,
                        l->vt->class_name);
    brain_layer **ls = s ? NULL : realloc(m->layers, sizeof *ls * (size_t)(m->n_layers + 1));
    if (!s && !ls) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory adding a layer");
    if (ls) { m->layers = ls; m->cap_layers = m->n_layers + 1; }
    brain_node *nodes = s ? NULL : realloc(m->nodes, sizeof *nodes * (size_t)(m->n_nodes + 1));
    if (!s && !nodes) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory adding a layer");
    if (s) { brain__layer_free(l); return s; }
    m->nodes = nodes;
    l->n_in = 1;
    l->in_shape[0] = shape;
    l->out_shape = out;
    l->built = true;
    assign_name(m, l);
    l->model = m;
    m->layers[m->n_layers++] = l;
    brain_node *nd = &m->nodes[m->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->layer = l;
    nd->n_in = 1;
    nd->in[0] = m->n_nodes - 1;
    nd->shape = out;
    m->n_nodes++;
    m->output_nodes[0] = m->n_nodes - 1;
    m->capacity = 0; /* buffers are sized again at the next forward */
    if ((s = brain__layout_weights(m, false))) return s;
    for (int j = 0; j < l->n_weights; j++) brain__init_weight(l->weights[j], &m->rng);
    m->compiled = false;
    return BRAIN_OK;
}

brain_status brain_model_pop(brain_model *m)
{
    if (!m || !m->sequential) return brain__fail(BRAIN_ERR_ARG, "brain_model_pop: a Sequential model is required");
    if (m->n_layers == 0) return brain__fail(BRAIN_ERR_STATE, "model '%s' has no layer to pop", m->name);
    brain_layer *l = m->layers[--m->n_layers];
    if (m->built) {
        brain_node *nd = &m->nodes[--m->n_nodes];
        free(nd->buf); free(nd->dbuf); free(nd->mask_buf); free(nd->in_mask_buf);
        memset(nd, 0, sizeof *nd);
        if (m->n_layers == 0) { /* nothing left to run: back to an unbuilt model with its input */
            free_buffers(m);
            m->built = false;
        } else {
            m->output_nodes[0] = m->n_nodes - 1;
            brain_status s = brain__layout_weights(m, false); /* the rest keep their values */
            if (s) return s;
        }
        m->compiled = false; /* the output changed: compile again, as Keras needs */
    }
    brain__layer_free(l);
    return BRAIN_OK;
}

brain_status brain_model_add(brain_model *m, brain_layer *l)
{
    if (!m) { brain__layer_free(l); return brain__fail(BRAIN_ERR_ARG, "brain_model_add: model is NULL"); }
    if (!m->sequential) {
        brain__layer_free(l);
        return brain__fail(BRAIN_ERR_STATE, "brain_model_add: model '%s' is functional; its layers come from brain_apply", m->name);
    }
    if (!l) {
        char why[900];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_ARG, "brain_model_add: the layer could not be created: %s", why[0] ? why : "(no reason recorded)");
    }
    /* a built model that is not compiled (after pop()) takes more layers, as Keras's does */
    if (m->built && !m->compiled && l->vt != &brain__input_vtable) return add_to_built(m, l);
    if (m->built) {
        brain__layer_free(l);
        return brain__fail(BRAIN_ERR_STATE, "model '%s' is already built%s; add every layer before compile, fit or summary "
                           "(or pop() first)", m->name, m->compiled ? " and compiled" : "");
    }
    if (l->vt == &brain__input_vtable) {
        if (m->has_input || m->n_layers) {
            brain__layer_free(l);
            return brain__fail(BRAIN_ERR_ARG, "an Input must be the first thing added to model '%s'", m->name);
        }
        m->input_shape = l->out_shape;
        m->has_input = true;
        brain__layer_free(l);
        return BRAIN_OK;
    }
    if (l->model) return brain__fail(BRAIN_ERR_ARG, "layer '%s' already belongs to a model", l->name);
    for (int i = 0; i < m->n_layers; i++)
        if (l->name_given && !strcmp(m->layers[i]->name, l->name)) {
            char nm[BRAIN_NAME_MAX];
            strcpy(nm, l->name);
            brain__layer_free(l);
            return brain__fail(BRAIN_ERR_ARG, "model '%s' already has a layer named '%s'; layer names must be unique", m->name, nm);
        }
    if (m->n_layers == m->cap_layers) {
        int cap = m->cap_layers ? 2 * m->cap_layers : 8;
        brain_layer **p = realloc(m->layers, sizeof *p * cap);
        if (!p) { brain__layer_free(l); return brain__fail(BRAIN_ERR_NOMEM, "out of memory adding a layer"); }
        m->layers = p;
        m->cap_layers = cap;
    }
    assign_name(m, l);
    l->model = m;
    m->layers[m->n_layers++] = l;
    return BRAIN_OK;
}

static void free_buffers(brain_model *m)
{
    for (int i = 0; i < m->n_nodes; i++) {
        free(m->nodes[i].buf);
        free(m->nodes[i].dbuf);
        free(m->nodes[i].mask_buf);
        free(m->nodes[i].in_mask_buf);
        for (int k = 0; k < BRAIN_MAX_LAYER_OUTPUTS - 1; k++) {
            free(m->nodes[i].extra[k].buf);
            free(m->nodes[i].extra[k].dbuf);
        }
    }
    free(m->nodes);
    m->nodes = NULL;
    m->n_nodes = 0;
}

void brain_model_free(brain_model *m)
{
    if (!m) return;
    for (int i = 0; i < m->n_layers; i++) brain__layer_free(m->layers[i]);
    free(m->layers);
    free_buffers(m);
    brain__graph_release(m->graph);
    free(m->weights);
    free(m->params);
    free(m->grads);
    free(m->state);
    brain_optimizer_free(m->optimizer);
    brain__free_heads(m);
    brain_model_set_scaler(m, NULL);
    brain_model_set_class_names(m, NULL, 0);
    brain__model_lock_free(m);
    free(m);
}

/* Lays out the weights: trainable ones in m->params (gradients in m->grads), the others in
 * m->state, both in Keras's order.  Values are initialised only when `init` is set; a relayout
 * (after trainable flags change) keeps the values. */
brain_status brain__layout_weights(brain_model *m, bool init)
{
    int nw = 0;
    for (int i = 0; i < m->n_layers; i++) nw += m->layers[i]->n_weights;
    brain_weight **ws = brain__alloc_array((size_t)(nw ? nw : 1), sizeof *ws);
    if (!ws) return BRAIN_ERR_NOMEM;
    int64_t np = 0, ns = 0;
    nw = 0;
    for (int i = 0; i < m->n_layers; i++) {
        brain_layer *l = m->layers[i];
        for (int j = 0; j < l->n_weights; j++) {
            brain_weight *w = l->weights[j];
            ws[nw++] = w;
            bool tr = w->trainable && l->trainable;
            if (tr) np += w->size; else ns += w->size;
        }
    }
    float *params = brain__alloc_array((size_t)(np ? np : 1), sizeof(float));
    float *grads = brain__alloc_array((size_t)(np ? np : 1), sizeof(float));
    float *state = brain__alloc_array((size_t)(ns ? ns : 1), sizeof(float));
    if (!params || !grads || !state) {
        free(ws); free(params); free(grads); free(state);
        return BRAIN_ERR_NOMEM;
    }
    int64_t po = 0, so = 0;
    for (int k = 0; k < nw; k++) {
        brain_weight *w = ws[k];
        bool tr = w->trainable && w->layer->trainable;
        float *old = w->value;
        if (tr) { w->offset = po; w->value = params + po; w->grad = grads + po; po += w->size; }
        else { w->offset = so; w->value = state + so; w->grad = NULL; so += w->size; }
        if (old && !init) memcpy(w->value, old, sizeof(float) * w->size);
    }
    if (init)
        for (int k = 0; k < nw; k++) brain__init_weight(ws[k], &m->rng);
    free(m->weights); free(m->params); free(m->grads); free(m->state);
    m->weights = ws; m->n_weights = nw;
    m->params = params; m->grads = grads; m->n_params = np;
    m->state = state; m->n_state = ns;
    return BRAIN_OK;
}

brain_status brain_model_build(brain_model *m)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_model_build: model is NULL");
    if (m->built) return BRAIN_OK;
    if (!m->has_input)
        return brain__fail(BRAIN_ERR_STATE, "model '%s' has no input shape; add brain_input(BRAIN_SHAPE(...)) "
                           "as its first layer", m->name);
    if (m->n_layers == 0) return brain__fail(BRAIN_ERR_STATE, "model '%s' has no layers", m->name);
    m->nodes = brain__alloc_array((size_t)m->n_layers + 1, sizeof *m->nodes);
    if (!m->nodes) return BRAIN_ERR_NOMEM;
    m->n_nodes = m->n_layers + 1;
    brain_shape shape = m->input_shape;
    for (int i = 0; i < m->n_layers; i++) {
        brain_layer *l = m->layers[i];
        brain_node *nd = &m->nodes[i + 1];
        nd->layer = l;
        nd->shape = shape;
        nd->n_in = 1;
        nd->in[0] = i;
        l->n_in = 1;
        l->in_shape[0] = shape;
        brain_shape out = {0};
        brain_status s = l->vt->build(l, 1, &shape, &out);
        if (!s && l->n_out > 1) /* Keras's Sequential refuses them too */
            s = brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s) has %d outputs; a Sequential model passes one tensor from layer "
                            "to layer (use the functional API and brain_sym_output)", l->name, l->vt->class_name, l->n_out);
        if (s) { free_buffers(m); return s; }
        if (out.ndim < 1 || out.ndim >= BRAIN_MAX_DIMS || brain__shape_size(&out) <= 0) {
            char b[128];
            brain__shape_str(&shape, b, sizeof b);
            free_buffers(m);
            return brain__fail(BRAIN_ERR_ARG, "layer '%s' (%s) cannot take an input of shape %s",
                               l->name, l->vt->class_name, b);
        }
        l->out_shape = out;
        l->built = true;
        shape = out;
        nd->shape = out;
    }
    m->nodes[0].shape = m->input_shape;
    m->n_inputs = m->n_outputs = 1;
    m->input_nodes[0] = 0;
    m->output_nodes[0] = m->n_layers;
    brain_status s = brain__layout_weights(m, true);
    if (s) { free_buffers(m); return s; }
    m->built = true;
    return BRAIN_OK;
}

brain_status brain__model_reserve(brain_model *m, int64_t batch)
{
    if (batch <= m->capacity) return BRAIN_OK;
    for (int i = 0; i < m->n_nodes; i++) {
        brain_node *nd = &m->nodes[i];
        int64_t n = batch * brain__shape_size(&nd->shape);
        brain_status s = BRAIN_OK;
        if (nd->n_in == 0) { /* an input: out views the caller's data */
            if (m->want_input_grad) s = brain__reserve_floats(&nd->dbuf, &nd->dbuf_cap, n);
            if (s) return s;
            continue;
        }
        s = brain__reserve_floats(&nd->buf, &nd->buf_cap, n);
        if (!s) s = brain__reserve_floats(&nd->dbuf, &nd->dbuf_cap, n);
        for (int k = 0; !s && k < nd->n_out - 1; k++) { /* outputs 1.. of a multi-output layer */
            brain_node_output *o = &nd->extra[k];
            int64_t no = batch * brain__shape_size(&o->shape);
            s = brain__reserve_floats(&o->buf, &o->buf_cap, no);
            if (!s) s = brain__reserve_floats(&o->dbuf, &o->dbuf_cap, no);
        }
        if (!s && nd->has_mask_in) { /* the explicit mask as bytes: one per step of the first input */
            const brain_shape *i0 = &nd->layer->in_shape[0];
            int64_t n_mask = batch * brain__shape_size(i0) / i0->dims[i0->ndim - 1];
            uint8_t *p = realloc(nd->in_mask_buf, (size_t)n_mask);
            if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing a mask to %lld steps", (long long)n_mask);
            nd->in_mask_buf = p;
            nd->in_mask_cap = n_mask;
        }
        if (!s && nd->layer->vt->reserve) s = nd->layer->vt->reserve(nd->layer, batch);
        brain_mask_rule rule = nd->layer->mask_rule;
        if (!s && (rule == BRAIN_MASK_MAKE || rule == BRAIN_MASK_ANY || rule == BRAIN_MASK_CONCAT)) {
            /* one byte per step: the output without its last axis */
            const brain_shape *o = &nd->layer->out_shape;
            int64_t n_mask = batch * brain__shape_size(o) / o->dims[o->ndim - 1];
            uint8_t *p = realloc(nd->mask_buf, (size_t)n_mask);
            if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing a mask to %lld steps", (long long)n_mask);
            nd->mask_buf = p;
            nd->mask_cap = n_mask;
        }
        if (s) return s;
        nd->layer->capacity = batch;
    }
    m->capacity = batch;
    return BRAIN_OK;
}

static void set_batch_view(brain_tensor *t, float *data, const brain_shape *per, int64_t batch)
{
    t->data = data;
    t->ndim = per->ndim + 1;
    t->shape[0] = batch;
    for (int i = 0; i < per->ndim; i++) t->shape[i + 1] = per->dims[i];
    t->size = batch * brain__shape_size(per);
    t->owns_data = 0;
}

brain_tensor *brain__node_out(brain_node *nodes, int i, int port)
{
    return port == 0 ? &nodes[i].out : &nodes[i].extra[port - 1].out;
}

brain_tensor *brain__node_dout(brain_node *nodes, int i, int port)
{
    return port == 0 ? &nodes[i].dout : &nodes[i].extra[port - 1].dout;
}

/* The mask a node's layer sees: the explicit mask= input turned into bytes (nonzero = keep), or
 * the mask the first input carries (outputs 1.. of a multi-output layer carry none, as Keras's
 * RNN gives its states no mask). */
static const uint8_t *input_mask(brain_model *m, brain_node *nd, int64_t batch)
{
    if (nd->has_mask_in) {
        const brain_tensor *t = brain__node_out(m->nodes, nd->mask_node, nd->mask_port);
        int64_t n = nd->in_mask_cap < t->size ? nd->in_mask_cap : t->size;
        (void)batch;
        for (int64_t i = 0; i < n; i++) nd->in_mask_buf[i] = t->data[i] != 0.0f;
        return nd->in_mask_buf;
    }
    return nd->in_port[0] == 0 ? m->nodes[nd->in[0]].mask : NULL;
}

/* Keras 3's merge-layer masks (Merge.compute_mask, Concatenate.compute_mask on the last axis):
 * the OR of the inputs' masks when every input has one, else none (Concatenate's all-ones mask
 * for an unmasked input keeps every step, the same).  A mask with another number of steps than
 * the output (a broadcast input) counts as none. */
static const uint8_t *merge_masks(brain_model *m, brain_node *nd, int64_t batch)
{
    const brain_shape *o = &nd->shape;
    const int64_t steps = batch * brain__shape_size(o) / o->dims[o->ndim - 1];
    for (int k = 0; k < nd->n_in; k++) {
        const brain_node *src = &m->nodes[nd->in[k]];
        if (nd->in_port[k] != 0 || !src->mask) return NULL;
        if (batch * brain__shape_size(&src->shape) / src->shape.dims[src->shape.ndim - 1] != steps) return NULL;
    }
    memset(nd->mask_buf, 0, (size_t)steps);
    for (int k = 0; k < nd->n_in; k++) {
        const uint8_t *mk = m->nodes[nd->in[k]].mask;
        for (int64_t i = 0; i < steps; i++) nd->mask_buf[i] |= mk[i];
    }
    return nd->mask_buf;
}

/* Forward over the graph; the inputs' rows (all equal) may exceed the reserved capacity. */
brain_status brain__model_forward_multi(brain_model *m, int n_x, const brain_tensor *const *xs, bool training)
{
    int64_t batch = xs[0]->shape[0];
    brain_status s = brain__model_reserve(m, batch);
    if (s) return s;
    brain_ctx ctx = {.training = training, .rng = &m->rng, .status = &s};
    for (int k = 0; k < n_x; k++) {
        brain_node *nd = &m->nodes[m->input_nodes[k]];
        nd->out = *xs[k];
        nd->out.owns_data = 0;
        nd->mask = NULL;            /* model inputs carry no mask */
    }
    for (int i = 0; i < m->n_nodes; i++) {
        brain_node *nd = &m->nodes[i];
        if (nd->n_in == 0) continue;
        set_batch_view(&nd->out, nd->buf, &nd->shape, batch);
        brain_tensor *extra[BRAIN_MAX_LAYER_OUTPUTS - 1];
        for (int k = 0; k < nd->n_out - 1; k++) {
            set_batch_view(&nd->extra[k].out, nd->extra[k].buf, &nd->extra[k].shape, batch);
            extra[k] = &nd->extra[k].out;
        }
        ctx.extra_out = nd->n_out > 1 ? extra : NULL;
        const brain_tensor *ins[BRAIN_MAX_LAYER_INPUTS];
        const uint8_t *masks[BRAIN_MAX_LAYER_INPUTS];
        for (int k = 0; k < nd->n_in; k++) {
            ins[k] = brain__node_out(m->nodes, nd->in[k], nd->in_port[k]);
            masks[k] = nd->in_port[k] == 0 ? m->nodes[nd->in[k]].mask : NULL;
        }
        ctx.mask = input_mask(m, nd, batch);
        masks[0] = ctx.mask;   /* an explicit mask= replaces the first input's */
        ctx.masks = masks;
        nd->layer->vt->forward(nd->layer, &ctx, nd->n_in, ins, &nd->out);
        if (s) return s;
        brain_mask_rule rule = nd->layer->mask_rule;
        if (rule == BRAIN_MASK_MAKE) nd->layer->vt->compute_mask(nd->layer, ins[0], nd->mask_buf);
        nd->mask = rule == BRAIN_MASK_MAKE ? nd->mask_buf : rule == BRAIN_MASK_PASS ? ctx.mask : NULL;
        if (rule == BRAIN_MASK_ANY) nd->mask = merge_masks(m, nd, batch);
        if (rule == BRAIN_MASK_CONCAT) { /* an input's mask counts when it is its output 0's */
            const uint8_t *mk[BRAIN_MAX_LAYER_INPUTS];
            bool any = false;
            for (int k = 0; k < nd->n_in; k++) {
                mk[k] = nd->in_port[k] == 0 ? m->nodes[nd->in[k]].mask : NULL;
                any = any || mk[k];
            }
            if (any) brain__concat_masks(nd->layer, batch, mk, nd->mask_buf);
            nd->mask = any ? nd->mask_buf : NULL;
        }
    }
    m->last_batch = batch;
    m->last_training = training;
    m->have_loss_grad = false;
    return BRAIN_OK;
}

brain_status brain__model_forward(brain_model *m, const brain_tensor *x, bool training)
{
    return brain__model_forward_multi(m, 1, &x, training);
}

const brain_tensor *brain__model_output_k(brain_model *m, int k)
{
    return brain__node_out(m->nodes, m->output_nodes[k], m->output_ports[k]);
}
float *brain__model_output_grad_k(brain_model *m, int k)
{
    brain_node *nd = &m->nodes[m->output_nodes[k]];
    int port = m->output_ports[k];
    if (port > 0) {
        brain_node_output *o = &nd->extra[port - 1];
        set_batch_view(&o->dout, o->dbuf, &o->shape, m->last_batch);
        return o->dbuf;
    }
    set_batch_view(&nd->dout, nd->dbuf, &nd->shape, m->last_batch);
    return nd->dbuf;
}
const brain_tensor *brain__model_output(brain_model *m) { return brain__model_output_k(m, 0); }
float *brain__model_output_grad(brain_model *m) { return brain__model_output_grad_k(m, 0); }

double brain__regularization(brain_model *m, bool add_grad)
{
    double total = 0;
    for (int k = 0; k < m->n_weights; k++) {
        brain_weight *w = m->weights[k];
        if (w->reg.l1 == 0 && w->reg.l2 == 0) continue;
        const float l1 = w->reg.l1, l2 = w->reg.l2;
        double a = 0, b = 0;
        for (int64_t i = 0; i < w->size; i++) { a += fabsf(w->value[i]); b += (double)w->value[i] * w->value[i]; }
        total += l1 * a + l2 * b;
        if (add_grad && w->grad)
            for (int64_t i = 0; i < w->size; i++) {
                float v = w->value[i];
                w->grad[i] += l1 * (float)((v > 0) - (v < 0)) + 2.0f * l2 * v;
            }
    }
    for (int i = 0; i < m->n_layers; i++) /* activity penalties of the last forward (their layers add the gradients) */
        if (m->layers[i]->vt->penalty) total += m->layers[i]->vt->penalty(m->layers[i]);
    return total;
}

static bool is_output(const brain_model *m, int node, int port)
{
    for (int k = 0; k < m->n_outputs; k++) if (m->output_nodes[k] == node && m->output_ports[k] == port) return true;
    return false;
}

double brain__model_backward_graph(brain_model *m)
{
    brain_status status = BRAIN_OK;
    brain_ctx ctx = {.training = m->last_training, .rng = &m->rng, .status = &status};
    int64_t batch = m->last_batch;
    for (int i = 0; i < m->n_nodes; i++) {
        brain_node *nd = &m->nodes[i];
        for (int k = 0; k < nd->n_out - 1; k++) { /* outputs 1.. of a multi-output layer */
            if (is_output(m, i, k + 1)) continue;
            brain_node_output *o = &nd->extra[k];
            set_batch_view(&o->dout, o->dbuf, &o->shape, batch);
            memset(o->dbuf, 0, sizeof(float) * o->dout.size);
        }
        if (is_output(m, i, 0) || (nd->n_in == 0 && !m->want_input_grad)) continue;
        set_batch_view(&nd->dout, nd->dbuf, &nd->shape, batch);
        memset(nd->dbuf, 0, sizeof(float) * nd->dout.size);
    }
    for (int i = m->n_nodes - 1; i >= 0; i--) {
        brain_node *nd = &m->nodes[i];
        if (nd->n_in == 0) continue;
        const brain_tensor *ins[BRAIN_MAX_LAYER_INPUTS];
        brain_tensor *dins[BRAIN_MAX_LAYER_INPUTS];
        const uint8_t *masks[BRAIN_MAX_LAYER_INPUTS];
        for (int k = 0; k < nd->n_in; k++) {
            brain_node *src = &m->nodes[nd->in[k]];
            ins[k] = brain__node_out(m->nodes, nd->in[k], nd->in_port[k]);
            dins[k] = src->n_in == 0 && !m->want_input_grad ? NULL : brain__node_dout(m->nodes, nd->in[k], nd->in_port[k]);
            masks[k] = nd->in_port[k] == 0 ? src->mask : NULL;
        }
        const brain_tensor *extra_d[BRAIN_MAX_LAYER_OUTPUTS - 1];
        for (int k = 0; k < nd->n_out - 1; k++) extra_d[k] = &nd->extra[k].dout;
        ctx.extra_dout = nd->n_out > 1 ? extra_d : NULL;
        ctx.mask = nd->has_mask_in ? nd->in_mask_buf : nd->in_port[0] == 0 ? m->nodes[nd->in[0]].mask : NULL;
        masks[0] = ctx.mask;
        ctx.masks = masks;
        nd->layer->vt->backward(nd->layer, &ctx, nd->n_in, ins, &nd->out, &nd->dout, dins);
        if (m->grad_ready) m->grad_ready(m, i);
    }
    return brain__regularization(m, true);
}

int brain__model_node_of_layer(const brain_model *m, const brain_layer *l)
{
    for (int i = 0; m && l && i < m->n_nodes; i++)
        if (m->nodes[i].layer == l) return i;
    return -1;
}

/* ------------------------------------------------------------------ public accessors */
const char *brain_model_name(const brain_model *m) { return m ? m->name : ""; }
int brain_model_num_layers(const brain_model *m) { return m ? m->n_layers : 0; }
brain_layer *brain_model_layer(brain_model *m, int i) { return m && i >= 0 && i < m->n_layers ? m->layers[i] : NULL; }
brain_shape brain_model_input_shape(const brain_model *m) { return m ? m->input_shape : (brain_shape){0}; }

brain_layer *brain_model_get_layer(brain_model *m, const char *name)
{
    for (int i = 0; m && name && i < m->n_layers; i++)
        if (!strcmp(m->layers[i]->name, name)) return m->layers[i];
    brain__fail(BRAIN_ERR_ARG, "model '%s' has no layer named '%s'", m ? m->name : "?", name ? name : "(null)");
    return NULL;
}

/* the per-sample shape of output `port` of node i (port 0: the node's own shape) */
static brain_shape port_shape(const brain_model *m, int i, int port)
{
    return port > 0 ? m->nodes[i].extra[port - 1].shape : m->nodes[i].shape;
}

brain_shape brain_model_output_shape(const brain_model *m)
{
    if (m && m->built) return port_shape(m, m->output_nodes[0], m->output_ports[0]);
    if (!m || !m->n_layers) return m ? m->input_shape : (brain_shape){0};
    return m->layers[m->n_layers - 1]->out_shape;
}

int brain_model_num_inputs(const brain_model *m) { return m ? (m->built ? m->n_inputs : 1) : 0; }
int brain_model_num_outputs(const brain_model *m) { return m ? (m->built ? m->n_outputs : 1) : 0; }
brain_shape brain_model_input_shape_k(const brain_model *m, int k)
{
    if (!m || k < 0 || k >= brain_model_num_inputs(m)) return (brain_shape){0};
    return m->built ? m->nodes[m->input_nodes[k]].shape : m->input_shape;
}
brain_shape brain_model_output_shape_k(const brain_model *m, int k)
{
    if (!m || k < 0 || k >= brain_model_num_outputs(m)) return (brain_shape){0};
    return k == 0 ? brain_model_output_shape(m) : port_shape(m, m->output_nodes[k], m->output_ports[k]);
}
const char *brain_model_output_name(const brain_model *m, int k)
{
    if (!m || !m->built || k < 0 || k >= m->n_outputs) return "";
    const brain_layer *l = m->nodes[m->output_nodes[k]].layer;
    return l ? l->name : "";
}

int64_t brain_model_count_params(const brain_model *m) { return m ? m->n_params + m->n_state : 0; }
int64_t brain_model_count_trainable(const brain_model *m) { return m ? m->n_params : 0; }
float *brain_model_params(brain_model *m) { return m ? m->params : NULL; }
float *brain_model_grads(brain_model *m) { return m ? m->grads : NULL; }

brain_status brain_model_get_weights(const brain_model *m, float *out, int64_t n)
{
    if (!m || !out) return brain__fail(BRAIN_ERR_ARG, "brain_model_get_weights: NULL argument");
    if (!m->built) return brain__fail(BRAIN_ERR_STATE, "model '%s' is not built yet; it has no weights", m->name);
    if (n != m->n_params + m->n_state)
        return brain__fail(BRAIN_ERR_ARG, "model '%s' has %lld weight values, the buffer holds %lld",
                           m->name, (long long)(m->n_params + m->n_state), (long long)n);
    for (int k = 0; k < m->n_weights; k++) {
        memcpy(out, m->weights[k]->value, sizeof(float) * m->weights[k]->size);
        out += m->weights[k]->size;
    }
    return BRAIN_OK;
}

brain_status brain_model_set_weights(brain_model *m, const float *in, int64_t n)
{
    if (!m || !in) return brain__fail(BRAIN_ERR_ARG, "brain_model_set_weights: NULL argument");
    brain_status s = brain_model_build(m);
    if (s) return s;
    if (n != m->n_params + m->n_state)
        return brain__fail(BRAIN_ERR_ARG, "model '%s' has %lld weight values, %lld were given",
                           m->name, (long long)(m->n_params + m->n_state), (long long)n);
    for (int k = 0; k < m->n_weights; k++) {
        memcpy(m->weights[k]->value, in, sizeof(float) * m->weights[k]->size);
        in += m->weights[k]->size;
    }
    return BRAIN_OK;
}

brain_tensor *brain_model_weight(brain_model *m, int layer, int index)
{
    if (!m || layer < 0 || layer >= m->n_layers || brain_model_build(m)) {
        if (m && m->built) brain__fail(BRAIN_ERR_ARG, "model '%s' has no layer %d", m->name, layer);
        return NULL;
    }
    brain_layer *l = m->layers[layer];
    if (index < 0 || index >= l->n_weights) {
        brain__fail(BRAIN_ERR_ARG, "layer '%s' has %d weights; index %d is out of range", l->name, l->n_weights, index);
        return NULL;
    }
    brain_weight *w = l->weights[index];
    return brain_tensor_wrap(w->value, w->ndim, w->shape);
}

brain_status brain__model_relayout_if_needed(brain_model *m)
{
    /* a weight sits in the trainable buffer (has a gradient) iff it and its layer are trainable */
    for (int k = 0; k < m->n_weights; k++) {
        const brain_weight *w = m->weights[k];
        if ((w->grad != NULL) != (w->trainable && w->layer->trainable)) return brain__layout_weights(m, false);
    }
    return BRAIN_OK;
}

void brain_model_stop_training(brain_model *m) { if (m) m->stop_training = true; }
int brain_model_current_epoch(const brain_model *m) { return m ? m->current_epoch : 0; }
brain_optimizer *brain_model_optimizer(brain_model *m) { return m ? m->optimizer : NULL; }
