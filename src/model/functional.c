/* functional.c — Keras's functional API: symbolic tensors, layer calls, and the model built
 * from them.
 *
 * A graph records calls: node i = (layer, the nodes it was called on, its per-sample output
 * shape); Inputs are nodes without inputs.  Nodes are appended, so the graph is always in
 * topological order.  Syms made from separate Inputs live in separate graphs until a call joins
 * them: the graphs are then merged (the absorbed one forwards its syms: node + offset in the
 * graph it went into).  brain_functional keeps the nodes between the inputs and the outputs and
 * orders them as Keras's map_graph orders model.layers (depth from the outputs, descending;
 * ties by first visit in a depth-first walk from the outputs). */
#include "internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const brain_layer_vtable brain__input_vtable;

typedef struct gnode {
    brain_layer *layer;
    int n_in;
    int in[BRAIN_MAX_LAYER_INPUTS];
    int in_port[BRAIN_MAX_LAYER_INPUTS];    /* which output of node in[k] */
    bool has_mask; int mask_node, mask_port; /* an explicit mask= input */
    brain_shape shape;                      /* output 0 */
    int n_out;                              /* outputs of the call (>= 1) */
    brain_shape extra[BRAIN_MAX_LAYER_OUTPUTS - 1]; /* outputs 1.. */
} gnode;

/* Per-sample shape of output `port` of node i. */
static brain_shape port_shape(const gnode *nd, int port) { return port == 0 ? nd->shape : nd->extra[port - 1]; }

struct brain_graph {
    gnode *nodes; int n, cap;
    brain_graph *into; int offset;          /* merged: this graph's node i is into's node offset + i */
    brain_graph **absorbed; int n_absorbed; /* graphs merged into this one (released with it) */
    brain_model *model;                     /* the model built from it, once built */
    char error[640];                        /* the first failed call; "" when none */
};

/* The graph a sym's node lives in now, and its index there. */
static brain_graph *resolve(brain_sym s, int *node)
{
    brain_graph *g = s.graph;
    int i = s.node;
    while (g && g->into) { if (i >= 0) i += g->offset; g = g->into; }
    *node = i;
    return g;
}

static brain_graph *graph_new(void)
{
    return brain__alloc(sizeof(brain_graph));
}

/* Records the first error of a graph and sets the thread's error; returns a failed sym. */
static brain_sym graph_fail(brain_graph *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static brain_sym graph_fail(brain_graph *g, const char *fmt, ...)
{
    char msg[sizeof g->error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (g && !g->error[0]) snprintf(g->error, sizeof g->error, "%s", msg);
    brain__fail(BRAIN_ERR_ARG, "%s", g && g->error[0] ? g->error : msg);
    return (brain_sym){g, -1, 0};
}

static int graph_push(brain_graph *g, const gnode *nd)
{
    if (g->n == g->cap) {
        int cap = g->cap ? 2 * g->cap : 8;
        gnode *p = realloc(g->nodes, sizeof *p * (size_t)cap);
        if (!p) { brain__fail(BRAIN_ERR_NOMEM, "out of memory growing a functional graph"); return -1; }
        g->nodes = p;
        g->cap = cap;
    }
    g->nodes[g->n] = *nd;
    return g->n++;
}

/* Moves b's nodes into a (b keeps forwarding its syms). */
static bool graph_merge(brain_graph *a, brain_graph *b)
{
    brain_graph **abs = realloc(a->absorbed, sizeof *abs * (size_t)(a->n_absorbed + b->n_absorbed + 1));
    if (!abs) { brain__fail(BRAIN_ERR_NOMEM, "out of memory joining two functional graphs"); return false; }
    a->absorbed = abs;
    int offset = a->n;
    for (int i = 0; i < b->n; i++) {
        gnode nd = b->nodes[i];
        for (int k = 0; k < nd.n_in; k++) nd.in[k] += offset;
        if (nd.has_mask) nd.mask_node += offset;
        if (graph_push(a, &nd) < 0) { a->n = offset; return false; }
        if (nd.layer) nd.layer->graph = a;
    }
    for (int i = 0; i < b->n_absorbed; i++) abs[a->n_absorbed++] = b->absorbed[i];
    abs[a->n_absorbed++] = b;
    free(b->absorbed); b->absorbed = NULL; b->n_absorbed = 0;
    free(b->nodes); b->nodes = NULL; b->n = b->cap = 0;
    b->into = a;
    b->offset = offset;
    if (!a->error[0] && b->error[0]) memcpy(a->error, b->error, sizeof a->error);
    return true;
}

void brain__graph_release(brain_graph *g)
{
    if (!g) return;
    for (int i = 0; i < g->n_absorbed; i++) free(g->absorbed[i]);
    free(g->absorbed);
    free(g->nodes);
    free(g);
}

void brain_graph_free(brain_sym any)
{
    int node;
    brain_graph *g = resolve(any, &node);
    if (!g || g->model) return; /* a model's graph is freed with the model */
    for (int i = 0; i < g->n; i++) brain__layer_free(g->nodes[i].layer);
    brain__graph_release(g);
}

/* A graph holding one Input node made of the InputLayer `l` (taken over). */
static brain_sym input_sym_adopt(brain_layer *l)
{
    brain_graph *g = graph_new();
    if (!g) { brain__layer_free(l); return (brain_sym){NULL, -1, 0}; }
    gnode nd = {.layer = l, .shape = l->out_shape, .n_out = 1};
    l->built = true;
    l->graph = g;
    int i = graph_push(g, &nd);
    if (i < 0) { brain__layer_free(l); free(g); return (brain_sym){NULL, -1, 0}; }
    return (brain_sym){g, i, 0};
}

brain_sym brain_input_sym(brain_shape shape, const char *name)
{
    brain_layer *l = brain_input(shape);
    if (l && name && *name) {
        if (strlen(name) >= BRAIN_NAME_MAX) {
            brain__layer_free(l);
            l = NULL;
            brain__fail(BRAIN_ERR_ARG, "Input name '%.40s...' is longer than %d characters", name, BRAIN_NAME_MAX - 1);
        } else {
            strcpy(l->name, name);
            l->name_given = true;
        }
    }
    if (l) return input_sym_adopt(l);
    /* keep the reason in a graph of its own, so that it reaches brain_functional */
    char why[sizeof ((brain_graph *)0)->error];
    snprintf(why, sizeof why, "%s", brain_last_error());
    brain_graph *g = graph_new();
    return graph_fail(g, "%s", why);
}

brain_sym brain_apply(brain_layer *layer, brain_sym x) { return brain_apply_n(layer, 1, &x); }

static brain_sym apply_impl(brain_layer *l, int n, const brain_sym *xs, const brain_sym *mask);

brain_sym brain_apply_n(brain_layer *l, int n, const brain_sym *xs) { return apply_impl(l, n, xs, NULL); }

brain_sym brain_apply_masked(brain_layer *l, int n, const brain_sym *xs, brain_sym mask) { return apply_impl(l, n, xs, &mask); }

brain_sym brain_sym_output(brain_sym s, int k)
{
    int node;
    brain_graph *g = resolve(s, &node);
    if (!g || node < 0 || node >= g->n || g->error[0]) return s; /* already failed */
    const gnode *nd = &g->nodes[node];
    if (k < 0 || k >= nd->n_out)
        return graph_fail(g, "layer '%s' (%s) has %d output%s; output %d does not exist", nd->layer->name,
                          nd->layer->vt->class_name, nd->n_out, nd->n_out == 1 ? "" : "s", k);
    return (brain_sym){s.graph, s.node, k};
}

/* layer(xs) or layer(xs, mask=mask): joins the graphs, builds the layer on the shapes and
 * records the call. */
static brain_sym apply_impl(brain_layer *l, int n, const brain_sym *xs, const brain_sym *mask)
{
    char why[sizeof ((brain_graph *)0)->error];
    if (!l) snprintf(why, sizeof why, "%s", brain_last_error());
    if (n < 1 || n > BRAIN_MAX_LAYER_INPUTS || !xs) {
        if (l && !l->graph) brain__layer_free(l);
        brain__fail(BRAIN_ERR_ARG, "brain_apply_n: a layer is called on 1 to %d symbolic tensors, got %d%s",
                    BRAIN_MAX_LAYER_INPUTS, n, xs ? "" : " (xs is NULL)");
        return (brain_sym){NULL, -1, 0};
    }
    /* join the graphs of the arguments */
    int idx[BRAIN_MAX_LAYER_INPUTS], midx = -1;
    brain_graph *g = NULL;
    bool lost = false;
    for (int k = 0; k < n + (mask != NULL); k++) {
        int node;
        brain_graph *gk = resolve(k < n ? xs[k] : *mask, &node);
        if (!gk) { lost = true; continue; }
        if (!g) g = gk;
        else if (gk != g && !g->model && !gk->model && !graph_merge(g, gk)) {
            if (l && !l->graph) brain__layer_free(l);
            return graph_fail(g, "%s", brain_last_error());
        }
    }
    for (int k = 0; k < n; k++) resolve(xs[k], &idx[k]); /* node indices after the merges */
    if (mask) resolve(*mask, &midx);
    char lname[BRAIN_NAME_MAX];
    snprintf(lname, sizeof lname, "%s", l ? l->name : "?");
    if (!l) {
        return graph_fail(g, "a layer passed to brain_apply could not be created: %s", why[0] ? why : "(no reason recorded)");
    }
    if (lost || !g) {
        if (!l->graph) brain__layer_free(l);
        return graph_fail(g, "layer '%s' was called on a symbolic tensor that could not be made (out of memory)", lname);
    }
    for (int k = 0; k < n + (mask != NULL); k++) {
        int node;
        const brain_sym *sk = k < n ? &xs[k] : mask;
        if (resolve(*sk, &node)->model) {
            if (!l->graph) brain__layer_free(l);
            brain__fail(BRAIN_ERR_ARG, "layer '%s' was called on a symbolic tensor of model '%s', whose graph is "
                        "already a model; build a new graph for a new model", lname, resolve(*sk, &node)->model->name);
            return (brain_sym){NULL, -1, 0};
        }
    }
    if (g->error[0]) { /* an earlier call failed: keep its message */
        if (!l->graph) brain__layer_free(l);
        return graph_fail(g, "%s", g->error);
    }
    for (int k = 0; k < n; k++)
        if (idx[k] < 0 || idx[k] >= g->n) {
            if (!l->graph) brain__layer_free(l);
            return graph_fail(g, "layer '%s' was called on something that is not a symbolic tensor (argument %d)", lname, k);
        }
    for (int k = 0; k < n + (mask != NULL); k++) { /* the output index of each argument exists */
        int node = k < n ? idx[k] : midx, port = k < n ? xs[k].output : mask->output;
        if (node < 0 || node >= g->n) {
            if (!l->graph) brain__layer_free(l);
            return graph_fail(g, "layer '%s' was given a mask that is not a symbolic tensor", lname);
        }
        if (port < 0 || port >= g->nodes[node].n_out) {
            if (!l->graph) brain__layer_free(l);
            return graph_fail(g, "layer '%s' takes output %d of layer '%s' (%s), which has %d output%s", lname, port,
                              g->nodes[node].layer->name, g->nodes[node].layer->vt->class_name, g->nodes[node].n_out,
                              g->nodes[node].n_out == 1 ? "" : "s");
        }
    }
    if (l->vt == &brain__input_vtable) {
        brain__layer_free(l);
        return graph_fail(g, "an InputLayer cannot be called on a tensor; make inputs with brain_input_sym");
    }
    if (l->model)
        return graph_fail(g, "layer '%s' (%s) already belongs to model '%s'; a layer is shared only within the graph "
                          "of one model", lname, l->vt->class_name, l->model->name);
    brain_layer *owner = NULL;
    if (l->graph) { /* a second call of the layer (shared weights): a call layer copying it */
        int dummy;
        brain_graph *lg = resolve((brain_sym){l->graph, 0, 0}, &dummy);
        if (lg != g && !graph_merge(g, lg)) return graph_fail(g, "%s", brain_last_error());
        owner = l;
        l = brain__layer_clone(owner);
        if (!l) return graph_fail(g, "%s", brain_last_error());
    }
    brain_shape in[BRAIN_MAX_LAYER_INPUTS];
    char shapes[400] = "";
    for (int k = 0; k < n; k++) {
        in[k] = port_shape(&g->nodes[idx[k]], xs[k].output);
        char b[128];
        brain__shape_str(&in[k], b, sizeof b);
        size_t len = strlen(shapes);
        snprintf(shapes + len, sizeof shapes - len, "%s%s", k ? ", " : "", b);
    }
    brain_shape out = {0};
    brain_status s = l->vt->build(l, n, in, &out);
    if (!s && (out.ndim < 1 || out.ndim >= BRAIN_MAX_DIMS || brain__shape_size(&out) <= 0))
        s = brain__fail(BRAIN_ERR_ARG, "it cannot take that shape");
    if (s) {
        snprintf(why, sizeof why, "%s", brain_last_error());
        char cls[BRAIN_NAME_MAX], nm[BRAIN_NAME_MAX];
        snprintf(cls, sizeof cls, "%s", l->vt->class_name);
        snprintf(nm, sizeof nm, "%s", l->name);
        brain__layer_free(l);
        return graph_fail(g, "layer '%s' (%s) called on %s: %s", nm, cls, shapes, why);
    }
    if (mask) { /* one value per step of the first input: its shape without the last axis */
        brain_shape ms = port_shape(&g->nodes[midx], mask->output);
        int64_t want = brain__shape_size(&in[0]) / in[0].dims[in[0].ndim - 1];
        if (brain__shape_size(&ms) != want) {
            char b[128], c[128];
            brain__shape_str(&ms, b, sizeof b);
            brain__shape_str(&in[0], c, sizeof c);
            brain__layer_free(l);
            return graph_fail(g, "layer '%s': the mask %s does not match its input %s (one value per step: the input's "
                              "shape without its last axis)", lname, b, c);
        }
    }
    if (owner) { /* the copy's weights must have the shapes of the layer's own */
        bool same = owner->n_weights == l->n_weights;
        for (int j = 0; same && j < l->n_weights; j++) {
            same = owner->weights[j]->ndim == l->weights[j]->ndim;
            for (int d = 0; same && d < l->weights[j]->ndim; d++) same = owner->weights[j]->shape[d] == l->weights[j]->shape[d];
        }
        if (!same) {
            char b[128];
            brain__shape_str(&owner->in_shape[0], b, sizeof b);
            brain__layer_free(l);
            return graph_fail(g, "layer '%s' (%s) was called on %s, then on %s: its weights would need other shapes for "
                              "the second call (a shared layer needs inputs of the same feature sizes)", lname,
                              owner->vt->class_name, b, shapes);
        }
        l->shared = owner;
        l->call_index = owner->n_calls++;
    } else l->n_calls = 1;
    l->n_in = n;
    for (int k = 0; k < n; k++) l->in_shape[k] = in[k];
    l->out_shape = out;
    l->built = true;
    gnode nd = {.layer = l, .n_in = n, .shape = out, .n_out = l->n_out > 1 ? l->n_out : 1};
    for (int k = 0; k < nd.n_out - 1; k++) nd.extra[k] = l->extra_out_shape[k];
    for (int k = 0; k < n; k++) { nd.in[k] = idx[k]; nd.in_port[k] = xs[k].output; }
    if (mask) { nd.has_mask = true; nd.mask_node = midx; nd.mask_port = mask->output; }
    int i = graph_push(g, &nd);
    if (i < 0) { brain__layer_free(l); return graph_fail(g, "%s", brain_last_error()); }
    l->graph = g;
    return (brain_sym){g, i, 0};
}

bool brain_sym_ok(brain_sym s)
{
    int node;
    brain_graph *g = resolve(s, &node);
    return g && node >= 0 && !g->error[0];
}

brain_shape brain_sym_shape(brain_sym s)
{
    int node;
    brain_graph *g = resolve(s, &node);
    return g && node >= 0 && node < g->n && s.output >= 0 && s.output < g->nodes[node].n_out
               ? port_shape(&g->nodes[node], s.output) : (brain_shape){0};
}

/* ------------------------------------------------------------------ the model */
/* Keras's map_graph, one node per layer: a depth-first walk from each output (stopping at
 * Inputs) numbers the nodes in first-visit order (`order`) and lists them finished-first
 * (`post`); then depth(output) = 0 and depth(parent) = max over its consumers of depth + 1,
 * settled in reverse finishing order. */
static void walk(const brain_graph *g, int i, int *order, int *n_order, int *post, int *n_post, char *state)
{
    if (state[i] == 2) return;
    if (order[i] < 0) order[i] = (*n_order)++;
    state[i] = 1;
    for (int k = 0; k < g->nodes[i].n_in; k++) walk(g, g->nodes[i].in[k], order, n_order, post, n_post, state);
    if (g->nodes[i].has_mask) walk(g, g->nodes[i].mask_node, order, n_order, post, n_post, state); /* kwargs after args, as Keras */
    state[i] = 2;
    post[(*n_post)++] = i;
}

static const char *node_name(const brain_graph *g, int i) { return g->nodes[i].layer->name; }

/* Per-model auto names, as Keras gives them in a fresh session: dense, dense_1, ... in call order. */
static void name_layers(brain_layer **ls, int n)
{
    for (int i = 0; i < n; i++) {
        brain_layer *l = ls[i];
        if (l->name_given) continue;
        for (int k = 0;; k++) {
            char cand[BRAIN_NAME_MAX];
            if (k == 0) snprintf(cand, sizeof cand, "%s", l->vt->snake_name);
            else snprintf(cand, sizeof cand, "%s_%d", l->vt->snake_name, k);
            bool taken = false;
            for (int j = 0; j < n && !taken; j++)
                taken = j != i && (ls[j]->name_given || j < i) && !strcmp(ls[j]->name, cand);
            if (!taken) { strcpy(l->name, cand); break; }
        }
    }
}

/* Frees the graphs the arguments refer to (each once, all resolved before any is freed), with
 * their layers; graphs already turned into a model are left to it. */
static void drop_graphs(int n, const brain_sym *a, int n2, const brain_sym *b)
{
    brain_graph *roots[2 * BRAIN_MAX_IO];
    int nr = 0;
    for (int k = 0; k < n + n2; k++) {
        int node;
        brain_graph *g = resolve(k < n ? a[k] : b[k - n], &node);
        bool seen = !g || g->model;
        for (int j = 0; j < nr && !seen; j++) seen = roots[j] == g;
        if (!seen) roots[nr++] = g;
    }
    for (int j = 0; j < nr; j++) brain_graph_free((brain_sym){roots[j], 0, 0});
}

static brain_model *functional_fail(int n_in, const brain_sym *ins, int n_out, const brain_sym *outs,
                                    char *state, int *order, int *post, int *depth, brain_layer **ls)
{
    free(state); free(order); free(post); free(depth); free(ls);
    char why[1024];
    snprintf(why, sizeof why, "%s", brain_last_error());
    drop_graphs(n_in, ins, n_out, outs);
    brain__fail(BRAIN_ERR_ARG, "%s", why);
    return NULL;
}

brain_model *brain_functional(int n_in, const brain_sym *ins, int n_out, const brain_sym *outs,
                              const brain_functional_options *opt)
{
    const char *name = opt && opt->name && *opt->name ? opt->name : "functional";
    char *state = NULL; int *order = NULL, *post = NULL, *depth = NULL; brain_layer **ls = NULL;
#define FAIL(...) do { brain__fail(BRAIN_ERR_ARG, __VA_ARGS__); \
        return functional_fail(n_in, ins, n_out, outs, state, order, post, depth, ls); } while (0)
    if (n_in < 1 || n_in > BRAIN_MAX_IO || n_out < 1 || n_out > BRAIN_MAX_IO || !ins || !outs) {
        brain__fail(BRAIN_ERR_ARG, "brain_functional: a model has 1 to %d inputs and 1 to %d outputs (got %d and %d%s)",
                    BRAIN_MAX_IO, BRAIN_MAX_IO, n_in, n_out, ins && outs ? "" : ", or a NULL list");
        return NULL;
    }
    if (strlen(name) >= BRAIN_NAME_MAX) FAIL("brain_functional: model name '%.40s...' is too long", name);
    int in_node[BRAIN_MAX_IO], out_node[BRAIN_MAX_IO], out_port[BRAIN_MAX_IO];
    brain_graph *g = NULL;
    for (int k = 0; k < n_in + n_out; k++) {
        const char *what = k < n_in ? "input" : "output";
        int kk = k < n_in ? k : k - n_in, node;
        brain_graph *gk = resolve(k < n_in ? ins[kk] : outs[kk], &node);
        if (!gk) FAIL("model '%s': %s %d could not be made (out of memory)", name, what, kk);
        if (gk->model)
            FAIL("model '%s': %s %d belongs to the graph of model '%s'; a graph makes one model (build new layers "
                 "for another)", name, what, kk, gk->model->name);
        if (gk->error[0]) FAIL("model '%s': %s", name, gk->error);
        if (node < 0 || node >= gk->n) FAIL("model '%s': %s %d is not a valid symbolic tensor", name, what, kk);
        if (k < n_in) in_node[kk] = node;
        else {
            out_node[kk] = node;
            out_port[kk] = outs[kk].output;
            if (out_port[kk] < 0 || out_port[kk] >= gk->nodes[node].n_out)
                FAIL("model '%s': output %d is output %d of layer '%s' (%s), which has %d output%s", name, kk, out_port[kk],
                     node_name(gk, node), gk->nodes[node].layer->vt->class_name, gk->nodes[node].n_out,
                     gk->nodes[node].n_out == 1 ? "" : "s");
        }
        if (!g) g = gk;
        else if (gk != g) {
            if (k < n_in)
                FAIL("model '%s': input %d ('%s') is not connected to input 0 ('%s'); every input must be used by an "
                     "output", name, kk, node_name(gk, node), node_name(g, in_node[0]));
            FAIL("model '%s': output %d ('%s') is not computed from the model's inputs (graph disconnected)",
                 name, kk, node_name(gk, node));
        }
    }
    for (int k = 0; k < n_in; k++) {
        if (g->nodes[in_node[k]].n_in)
            FAIL("model '%s': input %d is the output of layer '%s', not an Input (make inputs with brain_input_sym)",
                 name, k, node_name(g, in_node[k]));
        for (int j = 0; j < k; j++)
            if (in_node[j] == in_node[k]) FAIL("model '%s': input '%s' is given twice", name, node_name(g, in_node[k]));
    }
    for (int k = 0; k < n_out; k++) {
        if (!g->nodes[out_node[k]].n_in)
            FAIL("model '%s': output %d is the Input '%s' itself; an output must be computed by a layer",
                 name, k, node_name(g, out_node[k]));
        for (int j = 0; j < k; j++)
            if (out_node[j] == out_node[k] && out_port[j] == out_port[k])
                FAIL("model '%s': output '%s' is given twice", name, node_name(g, out_node[k]));
    }
    /* the nodes between the inputs and the outputs, in Keras's layer order */
    const int n = g->n;
    state = calloc((size_t)n, 1);
    order = malloc(sizeof(int) * (size_t)n);
    post = malloc(sizeof(int) * (size_t)n);
    depth = malloc(sizeof(int) * (size_t)n);
    ls = calloc((size_t)n, sizeof *ls);
    if (!state || !order || !post || !depth || !ls) FAIL("out of memory building model '%s'", name);
    int n_order = 0, n_post = 0;
    for (int i = 0; i < n; i++) { order[i] = -1; depth[i] = -1; }
    for (int k = 0; k < n_out; k++) walk(g, out_node[k], order, &n_order, post, &n_post, state);
    for (int i = 0; i < n; i++) {
        if (!state[i] || g->nodes[i].n_in) continue;
        bool listed = false;
        for (int k = 0; k < n_in && !listed; k++) listed = in_node[k] == i;
        if (!listed)
            FAIL("model '%s': the outputs need the Input '%s', which is not among the model's inputs (graph "
                 "disconnected)", name, node_name(g, i));
    }
    for (int k = 0; k < n_in; k++)
        if (!state[in_node[k]])
            FAIL("model '%s': input %d ('%s') is not used by any output", name, k, node_name(g, in_node[k]));
    /* a shared layer's call layers: the layer's own node (its first call) must be kept too */
    int *owner_node = malloc(sizeof(int) * (size_t)n), *ldepth = malloc(sizeof(int) * (size_t)n);
    if (!owner_node || !ldepth) { free(owner_node); free(ldepth); FAIL("out of memory building model '%s'", name); }
    for (int i = 0; i < n; i++) {
        owner_node[i] = i;
        ldepth[i] = -1;
        const brain_layer *sh = g->nodes[i].layer ? g->nodes[i].layer->shared : NULL;
        for (int j = 0; sh && j < n; j++)
            if (g->nodes[j].layer == sh) owner_node[i] = j;
        if (state[i] && sh && !state[owner_node[i]]) {
            free(owner_node); free(ldepth);
            FAIL("model '%s': it uses a later call of layer '%s' but not its first call; build the model from the "
                 "layer's first call on", name, sh->name);
        }
    }
    /* depths as Keras's map_graph: a node's depth is at least its layer's depth so far */
    for (int k = 0; k < n_out; k++) depth[out_node[k]] = 0;
    for (int p = n_post - 1; p >= 0; p--) {
        const gnode *nd = &g->nodes[post[p]];
        if (depth[post[p]] < 0) depth[post[p]] = 0;
        int o = owner_node[post[p]];
        if (ldepth[o] > depth[post[p]]) depth[post[p]] = ldepth[o];
        ldepth[o] = depth[post[p]];
        for (int k = 0; k < nd->n_in; k++)
            if (depth[nd->in[k]] < depth[post[p]] + 1) depth[nd->in[k]] = depth[post[p]] + 1;
        if (nd->has_mask && depth[nd->mask_node] < depth[post[p]] + 1) depth[nd->mask_node] = depth[post[p]] + 1;
    }
    /* sort the kept nodes: depth descending, then first visit (a stable insertion sort) */
    int *keep = post; /* reuse: the kept node ids */
    int nk = 0;
    for (int i = 0; i < n; i++) if (state[i]) keep[nk++] = i;
    for (int a = 1; a < nk; a++) {
        int v = keep[a], b = a - 1;
        while (b >= 0 && (depth[keep[b]] < depth[v] || (depth[keep[b]] == depth[v] && order[keep[b]] > order[v]))) {
            keep[b + 1] = keep[b];
            b--;
        }
        keep[b + 1] = v;
    }
    /* the layers (each once: its own node, the first call), Keras's model.layers order: the layer's
     * depth (the deepest of its calls) descending, then its first visit */
    int *lkeep = malloc(sizeof(int) * (size_t)(nk ? nk : 1)), nl = 0, *lorder = malloc(sizeof(int) * (size_t)n);
    if (!lkeep || !lorder) { free(owner_node); free(ldepth); free(lkeep); free(lorder); FAIL("out of memory building model '%s'", name); }
    for (int i = 0; i < n; i++) lorder[i] = -1;
    for (int i = 0; i < n; i++)
        if (state[i] && (lorder[owner_node[i]] < 0 || order[i] < lorder[owner_node[i]])) lorder[owner_node[i]] = order[i];
    for (int i = 0; i < nk; i++) if (owner_node[keep[i]] == keep[i]) lkeep[nl++] = keep[i];
    for (int a = 1; a < nl; a++) {
        int v = lkeep[a], b = a - 1;
        while (b >= 0 && (ldepth[lkeep[b]] < ldepth[v] || (ldepth[lkeep[b]] == ldepth[v] && lorder[lkeep[b]] > lorder[v]))) {
            lkeep[b + 1] = lkeep[b];
            b--;
        }
        lkeep[b + 1] = v;
    }
    free(ldepth); free(lorder);
    /* names: Keras's auto names follow creation (call) order; user names must be unique */
    int n_named = 0;
    for (int i = 0; i < n; i++) if (state[i] && owner_node[i] == i) ls[n_named++] = g->nodes[i].layer;
    for (int i = 0; i < n_named; i++)
        for (int j = 0; j < i; j++)
            if (ls[i]->name_given && ls[j]->name_given && !strcmp(ls[i]->name, ls[j]->name)) {
                free(owner_node); free(lkeep);
                FAIL("model '%s' has two layers named '%s'; layer names must be unique", name, ls[i]->name);
            }
    name_layers(ls, n_named);
    for (int i = 0; i < n; i++) /* call layers carry their layer's name */
        if (state[i] && g->nodes[i].layer->shared) strcpy(g->nodes[i].layer->name, g->nodes[i].layer->shared->name);
    free(owner_node);

    brain_model *m = brain__alloc(sizeof *m);
    brain_node *nodes = brain__alloc_array((size_t)nk, sizeof *nodes);
    if (!m || !nodes) { free(m); free(nodes); free(lkeep); FAIL("out of memory building model '%s'", name); }
    if (brain__model_lock_init(m)) { free(m); free(nodes); free(lkeep); FAIL("out of memory building model '%s'", name); }
    snprintf(m->name, sizeof m->name, "%s", name);
    brain_rng_seed(&m->rng, brain__next_seed());
    int *pos = order; /* reuse: graph node -> model node */
    for (int i = 0; i < nk; i++) pos[keep[i]] = i;
    for (int i = 0; i < nk; i++) {
        const gnode *gn = &g->nodes[keep[i]];
        brain_node *nd = &nodes[i];
        nd->layer = gn->layer;
        nd->n_in = gn->n_in;
        for (int k = 0; k < gn->n_in; k++) { nd->in[k] = pos[gn->in[k]]; nd->in_port[k] = gn->in_port[k]; }
        nd->shape = gn->shape;
        nd->n_out = gn->n_out;
        for (int k = 0; k < gn->n_out - 1; k++) nd->extra[k].shape = gn->extra[k];
        if (gn->has_mask) { nd->has_mask_in = true; nd->mask_node = pos[gn->mask_node]; nd->mask_port = gn->mask_port; }
        gn->layer->model = m;
    }
    for (int i = 0; i < nl; i++) ls[i] = g->nodes[lkeep[i]].layer;
    free(lkeep);
    m->layers = ls; m->n_layers = m->cap_layers = nl; ls = NULL;
    m->nodes = nodes; m->n_nodes = nk;
    m->n_inputs = n_in; m->n_outputs = n_out;
    for (int k = 0; k < n_in; k++) m->input_nodes[k] = pos[in_node[k]];
    for (int k = 0; k < n_out; k++) { m->output_nodes[k] = pos[out_node[k]]; m->output_ports[k] = out_port[k]; }
    m->input_shape = nodes[m->input_nodes[0]].shape;
    m->has_input = true;
    /* layers that lead to no output are dropped; the graph stays as the model's record */
    for (int i = 0; i < n; i++)
        if (!state[i]) { brain__layer_free(g->nodes[i].layer); g->nodes[i].layer = NULL; }
    g->model = m;
    m->graph = g;
    free(state); free(order); free(post); free(depth);
#undef FAIL
    brain_status st = brain__layout_weights(m, true);
    if (st) { brain_model_free(m); return NULL; }
    m->built = true;
    return m;
}

/* ------------------------------------------------------------------ the loader's builder */
/* Entry i's layer is a later call of a layer whose first call is an earlier entry (shared layers). */
static int first_entry(const brain__functional_spec *sp, int i)
{
    for (int j = 0; j < i; j++) if (sp->layers[j] == sp->layers[i]) return j;
    return i;
}

/* Frees the layers of the entries not done (or all, done NULL), each layer once, none that a done
 * entry (a graph) owns. */
static void free_spec_layers(const brain__functional_spec *sp, const bool *done)
{
    for (int i = 0; i < sp->n_layers; i++) {
        if (!sp->layers[i] || first_entry(sp, i) != i) continue;
        bool owned = false;
        for (int j = i; done && j < sp->n_layers && !owned; j++) owned = done[j] && sp->layers[j] == sp->layers[i];
        if (!owned) brain__layer_free(sp->layers[i]);
    }
}

brain_model *brain__functional_from_spec(const brain__functional_spec *sp)
{
    if (!sp || !sp->layers || sp->n_layers < 1 || !sp->n_inbound || !sp->inbound || !sp->inputs || !sp->outputs ||
        sp->n_inputs < 1 || sp->n_inputs > BRAIN_MAX_IO || sp->n_outputs < 1 || sp->n_outputs > BRAIN_MAX_IO) {
        if (sp && sp->layers) free_spec_layers(sp, NULL);
        brain__fail(BRAIN_ERR_FORMAT, "functional model: an incomplete description (layers, inputs or outputs missing)");
        return NULL;
    }
    const int n = sp->n_layers;
    brain_sym *sym = malloc(sizeof *sym * (size_t)n);
    bool *done = calloc((size_t)n, 1);
    brain_status st = BRAIN_OK;
    if (!sym || !done) {
        free_spec_layers(sp, NULL);
        free(sym); free(done);
        brain__fail(BRAIN_ERR_NOMEM, "out of memory loading a functional model");
        return NULL;
    }
    for (int i = 0; !st && i < n; i++) {
        sym[i] = (brain_sym){NULL, -1, 0};
        int ni = sp->n_inbound[i];
        if (!sp->layers[i]) st = brain__fail(BRAIN_ERR_FORMAT, "functional model: layer %d is missing", i);
        else if (ni < 0 || ni > BRAIN_MAX_LAYER_INPUTS || (ni == 0) != (sp->layers[i]->vt == &brain__input_vtable))
            st = brain__fail(BRAIN_ERR_FORMAT, "functional model: layer '%s' has %d inbound layers%s", sp->layers[i]->name,
                             ni, ni == 0 ? " but is not an InputLayer" : "");
        for (int k = 0; !st && k < ni; k++)
            if (sp->inbound[i][k] < 0 || sp->inbound[i][k] >= n || sp->inbound[i][k] == i)
                st = brain__fail(BRAIN_ERR_FORMAT, "functional model: layer '%s' names an inbound layer that does not exist",
                                 sp->layers[i]->name);
        int mk = sp->mask_layer ? sp->mask_layer[i] : -1;
        if (!st && mk >= n)
            st = brain__fail(BRAIN_ERR_FORMAT, "functional model: layer '%s' takes a mask from a layer that does not exist",
                             sp->layers[i]->name);
    }
    /* call each layer once all its inbound layers are called (any order in the description) */
    for (int progress = 1; !st && progress;) {
        progress = 0;
        for (int i = 0; i < n; i++) {
            if (done[i]) continue;
            brain_sym xs[BRAIN_MAX_LAYER_INPUTS];
            bool ready = true;
            for (int k = 0; k < sp->n_inbound[i] && ready; k++) {
                ready = done[sp->inbound[i][k]];
                if (ready) {
                    xs[k] = sym[sp->inbound[i][k]];
                    xs[k].output = sp->inbound_port ? sp->inbound_port[i][k] : 0;
                }
            }
            int mk = sp->mask_layer ? sp->mask_layer[i] : -1;
            brain_sym ms = {NULL, -1, 0};
            if (mk >= 0) {
                ready = ready && done[mk];
                if (ready) { ms = sym[mk]; ms.output = sp->mask_port ? sp->mask_port[i] : 0; }
            }
            for (int j = 0; j < i && ready; j++) /* a shared layer's calls in their order */
                if (sp->layers[j] == sp->layers[i] && !done[j]) ready = false;
            if (!ready) continue;
            sym[i] = sp->n_inbound[i] ? apply_impl(sp->layers[i], sp->n_inbound[i], xs, mk >= 0 ? &ms : NULL)
                                      : input_sym_adopt(sp->layers[i]);
            done[i] = true;
            progress = 1;
        }
    }
    for (int i = 0; !st && i < n; i++)
        if (!done[i]) st = brain__fail(BRAIN_ERR_FORMAT, "functional model: layer '%s' is part of a cycle or depends on one",
                                       sp->layers[i]->name);
    for (int k = 0; !st && k < sp->n_inputs + sp->n_outputs; k++) {
        int idx = k < sp->n_inputs ? sp->inputs[k] : sp->outputs[k - sp->n_inputs];
        if (idx < 0 || idx >= n) st = brain__fail(BRAIN_ERR_FORMAT, "functional model: an input or output names no layer");
    }
    /* the graphs made, each once, resolved now (freeing one invalidates its syms) */
    brain_graph **roots = calloc((size_t)n, sizeof *roots);
    int nr = 0;
    for (int i = 0; roots && done && i < n; i++) {
        int node;
        brain_graph *g = done[i] ? resolve(sym[i], &node) : NULL;
        bool seen = !g;
        for (int j = 0; j < nr && !seen; j++) seen = roots[j] == g;
        if (!seen) roots[nr++] = g;
    }
    if (!st && !roots) st = brain__fail(BRAIN_ERR_NOMEM, "out of memory loading a functional model");
    brain_model *m = NULL;
    if (!st) {
        brain_sym in[BRAIN_MAX_IO], out[BRAIN_MAX_IO];
        for (int k = 0; k < sp->n_inputs; k++) in[k] = sym[sp->inputs[k]];
        for (int k = 0; k < sp->n_outputs; k++) {
            out[k] = sym[sp->outputs[k]];
            out[k].output = sp->output_ports ? sp->output_ports[k] : 0;
        }
        /* brain_functional takes (or, failing, frees) the graphs its arguments reach */
        for (int k = 0; k < sp->n_inputs + sp->n_outputs; k++) {
            int node;
            brain_graph *g = resolve(k < sp->n_inputs ? in[k] : out[k - sp->n_inputs], &node);
            for (int j = 0; j < nr; j++) if (roots[j] == g) roots[j] = NULL;
        }
        m = brain_functional(sp->n_inputs, in, sp->n_outputs, out, &(brain_functional_options){.name = sp->name});
    }
    char why[1024];
    snprintf(why, sizeof why, "%s", brain_last_error());
    for (int j = 0; j < nr; j++) if (roots[j]) brain_graph_free((brain_sym){roots[j], 0, 0});
    free_spec_layers(sp, done);
    if (!m) brain__fail(BRAIN_ERR_FORMAT, "%s", why);
    free(roots);
    free(sym);
    free(done);
    return m;
}
