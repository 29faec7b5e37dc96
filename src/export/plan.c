/* plan.c — a built model as the export's plan (export.h): steps in the graph's topological
 * order (m->nodes, the order saving walks), values with their lifetimes and arena offsets.
 *
 * Inference-only simplifications, each keeping the outputs brain_predict gives:
 *   - Dropout, RandomFlip, RandomRotation are the identity at inference: no step, the value
 *     passes through; Flatten and Reshape only rename the shape of a row-major buffer: no step.
 *   - BatchNormalization after a Dense/Conv with a linear activation whose output nobody else
 *     reads is folded into it: W'[.., c] = W[.., c]·scale[c], b'[c] = b[c]·scale[c] + shift[c]
 *     (scale = γ/√(var + ε), shift = β − mean·scale); otherwise it is a step of its own.
 *   - Activation('relu' / 'linear') right after such a Dense/Conv becomes its fused activation.
 *   - (C only) an Embedding read by nothing but a recurrent layer is fused into it: the layer looks
 *     each step's row up itself, so the (steps × dim) embedded sequence is never stored.
 * int8 (TFLite's scheme, docs/deploy.md): each value's range is calibrated by running the model
 * on representative inputs; Dense and Conv run int8 kernels (their input quantised, their output
 * int8 when the activation is linear or relu, float otherwise); pooling stays int8 when its input
 * is; every other layer computes in float (recurrent layers and Embedding with int8 weights), with
 * quantize / dequantize steps inserted where the kinds meet.
 */
#include "export.h"
#include "layers/layer_config.h"
#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int brain__ex_add_value(ex_plan *p, const brain_shape *shape, ex_dtype t)
{
    if (p->n_v == p->cap_v) {
        int cap = p->cap_v ? 2 * p->cap_v : 32;
        ex_value *v = realloc(p->v, sizeof *v * (size_t)cap);
        if (!v) { brain__fail(BRAIN_ERR_NOMEM, "export: out of memory"); return -1; }
        p->v = v;
        p->cap_v = cap;
    }
    ex_value *v = &p->v[p->n_v];
    memset(v, 0, sizeof *v);
    v->shape = *shape;
    v->size = brain__shape_size(shape);
    v->dtype = t;
    v->producer = -1;
    v->input_index = -1;
    v->range_node = -1;
    v->as_i8 = v->as_f32 = -1;
    return p->n_v++;
}

static ex_step *add_step(ex_step **arr, int *n, int *cap)
{
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 32;
        ex_step *s = realloc(*arr, sizeof *s * (size_t)c);
        if (!s) { brain__fail(BRAIN_ERR_NOMEM, "export: out of memory"); return NULL; }
        *arr = s;
        *cap = c;
    }
    ex_step *s = &(*arr)[(*n)++];
    memset(s, 0, sizeof *s);
    s->mask_ids = -1;
    s->node = -1;
    return s;
}

void brain__ex_plan_free(ex_plan *p)
{
    if (!p) return;
    for (int i = 0; i < p->n_s; i++)
        for (int k = 0; k < 4; k++) free(p->s[i].w[k]);
    free(p->s);
    free(p->v);
    free(p->node_val);
    free(p->node_step);
    free(p->node_lo);
    free(p->node_hi);
    free(p);
}

static void c_ident(char *dst, size_t cap, const char *src)
{
    size_t n = 0;
    if (!src || !*src) src = "model";
    if (isdigit((unsigned char)src[0]) && n + 1 < cap) dst[n++] = 'm';
    for (; *src && n + 1 < cap; src++) dst[n++] = isalnum((unsigned char)*src) ? *src : '_';
    dst[n] = 0;
}

static bool is_class(const brain_layer *l, const char *cls) { return l && strcmp(l->vt->class_name, cls) == 0; }
static bool is_rnn_class(const char *c) { return !strcmp(c, "LSTM") || !strcmp(c, "GRU") || !strcmp(c, "SimpleRNN"); }

static bool is_dense_or_conv(const brain_layer *l)
{
    return is_class(l, "Dense") || is_class(l, "Conv1D") || is_class(l, "Conv2D");
}

/* The step producing node j, when its result may be rewritten in place (folding): a Dense/Conv
 * step with a linear activation whose output only node i reads and which is no model output. */
static ex_step *foldable(ex_plan *p, const int *consumers, int j)
{
    brain_model *m = p->m;
    int si = p->node_step[j];
    if (si < 0 || consumers[j] != 1) return NULL;
    ex_step *s = &p->s[si];
    if (!is_dense_or_conv(s->layer) || s->act != BRAIN_LINEAR || s->node != j) return NULL;
    for (int k = 0; k < m->n_outputs; k++)
        if (m->output_nodes[k] == j) return NULL;
    return s;
}

static brain_status fold_bn(ex_step *s, const brain_layer *bn)
{
    const int64_t C = s->out_channels;
    float *scale = brain__alloc_array((size_t)C, sizeof(float)), *shift = brain__alloc_array((size_t)C, sizeof(float));
    brain_status st = scale && shift ? brain__ex_bn_affine(bn, scale, shift) : BRAIN_ERR_NOMEM;
    if (!st) {
        for (int64_t i = 0; i < s->w_size[0]; i++) s->w[0][i] *= scale[i % C];
        for (int64_t c = 0; c < C; c++) s->w[1][c] = s->w[1][c] * scale[c] + shift[c];
        s->folded = bn;
    }
    free(scale);
    free(shift);
    return st;
}

/* the token ids whose zeros mask a recurrent layer's steps: Keras's mask travels from an
 * Embedding(mask_zero=True) through layers that pass it (Dense, Dropout, Activation, ...) */
static int mask_source(ex_plan *p, int node)
{
    brain_model *m = p->m;
    int j = m->nodes[node].in[0];
    while (j >= 0 && m->nodes[j].n_in > 0) {
        const brain_layer *l = m->nodes[j].layer;
        if (l->mask_rule == BRAIN_MASK_MAKE) return p->node_val[m->nodes[j].in[0]];
        if (l->mask_rule != BRAIN_MASK_PASS) return -1;
        j = m->nodes[j].in[0];
    }
    return -1;
}

static brain_status calibrate(ex_plan *p, const brain_tensor *x)
{
    brain_model *m = p->m;
    if (m->n_inputs != 1)
        return brain__fail(BRAIN_ERR_ARG, "export: int8 calibration takes one input tensor; model '%s' has %d inputs",
                           m->name, m->n_inputs);
    const brain_shape *in = &m->nodes[m->input_nodes[0]].shape;
    bool ok = x && x->ndim == in->ndim + 1 && x->shape[0] > 0;
    for (int d = 0; ok && d < in->ndim; d++) ok = x->shape[d + 1] == in->dims[d];
    if (!ok) {
        char want[96];
        brain__shape_str(in, want, sizeof want);
        return brain__fail(BRAIN_ERR_ARG, "export: int8 needs calibration data of shape %s (representative inputs, "
                           "rows first)%s", want, x ? "; the data given has another shape" : "; none was given");
    }
    p->node_lo = brain__alloc_array((size_t)m->n_nodes, sizeof(float));
    p->node_hi = brain__alloc_array((size_t)m->n_nodes, sizeof(float));
    if (!p->node_lo || !p->node_hi) return BRAIN_ERR_NOMEM;
    for (int i = 0; i < m->n_nodes; i++) { p->node_lo[i] = INFINITY; p->node_hi[i] = -INFINITY; }
    const int64_t rows = x->shape[0], row = x->size / rows, bs = 64;
    for (int64_t r0 = 0; r0 < rows; r0 += bs) {
        int64_t n = rows - r0 < bs ? rows - r0 : bs, shape[BRAIN_MAX_DIMS];
        memcpy(shape, x->shape, sizeof shape);
        shape[0] = n;
        brain_tensor view = {.data = x->data + r0 * row, .ndim = x->ndim, .size = n * row};
        memcpy(view.shape, shape, sizeof shape);
        brain_status st = brain__model_forward(m, &view, false);
        if (st) return st;
        for (int i = 0; i < m->n_nodes; i++) {
            const brain_tensor *t = &m->nodes[i].out;
            const float *d = t->data;
            const int64_t k = n * brain__shape_size(&m->nodes[i].shape);
            float lo = p->node_lo[i], hi = p->node_hi[i];
            for (int64_t e = 0; e < k; e++) {
                lo = d[e] < lo ? d[e] : lo;
                hi = d[e] > hi ? d[e] : hi;
            }
            if (!isfinite(lo) || !isfinite(hi))
                return brain__fail(BRAIN_ERR_NUMERIC, "export: layer '%s' gives a non-finite value on the calibration data",
                                   m->nodes[i].layer ? m->nodes[i].layer->name : "input");
            p->node_lo[i] = lo;
            p->node_hi[i] = hi;
        }
    }
    return BRAIN_OK;
}

/* TFLite's asymmetric int8: the range widened to hold 0, scale = (hi − lo)/255,
 * zero_point = round(−128 − lo/scale) */
static void qparams(ex_value *v, float lo, float hi)
{
    lo = lo < 0 ? lo : 0;
    hi = hi > 0 ? hi : 0;
    if (hi - lo < 1e-8f) hi = lo + 1e-8f;
    v->lo = lo;
    v->hi = hi;
    v->scale = (hi - lo) / 255.0f;
    double zp = round(-128.0 - (double)lo / v->scale);
    v->zero_point = zp < -128 ? -128 : zp > 127 ? 127 : (int)zp;
}

/* the value `id` in kind t, adding a conversion step to ns when needed */
static int convert(ex_plan *p, int id, ex_dtype t, ex_step **ns, int *n, int *cap)
{
    if (p->v[id].dtype == t) return id;
    int have = t == EX_I8 ? p->v[id].as_i8 : p->v[id].as_f32;
    if (have >= 0) return have;
    brain_shape sh = p->v[id].shape;
    int nv = brain__ex_add_value(p, &sh, t);
    if (nv < 0) return -1;
    p->v[nv].range_node = p->v[id].range_node;
    if (t == EX_I8) p->v[id].as_i8 = nv;
    else p->v[id].as_f32 = nv;
    ex_step *s = add_step(ns, n, cap);
    if (!s) return -1;
    s->kind = t == EX_I8 ? EX_QUANTIZE : EX_DEQUANTIZE;
    s->n_in = 1;
    s->in[0] = id;
    s->out = nv;
    s->node = p->v[id].range_node;
    snprintf(s->fn, sizeof s->fn, "%s_%s_v%d", p->name, t == EX_I8 ? "quantize" : "dequantize", id);
    return nv;
}

static brain_status assign_dtypes(ex_plan *p)
{
    ex_step *ns = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < p->n_s; i++) {
        ex_step s = p->s[i];
        const bool matmul = is_dense_or_conv(s.layer);
        if (matmul || (s.op && s.op->can_int8 && p->v[s.in[0]].dtype == EX_I8)) {
            s.quant = true;
            for (int k = 0; k < s.n_in; k++)
                if ((s.in[k] = convert(p, s.in[k], EX_I8, &ns, &n, &cap)) < 0) { free(ns); return BRAIN_ERR_NOMEM; }
            p->v[s.out].dtype = !matmul || s.act == BRAIN_LINEAR || s.act == BRAIN_RELU ? EX_I8 : EX_F32;
            /* max and local average pooling keep their input's scale (TFLite's rule; the values they
             * give are input values or their means); a global average requantises to its own range,
             * which is much narrower than its input's */
            if (!matmul && strncmp(s.cls, "GlobalAverage", 13) != 0)
                p->v[s.out].range_node = p->v[s.in[0]].range_node;
        } else {
            for (int k = 0; k < s.n_in; k++)
                if ((s.in[k] = convert(p, s.in[k], EX_F32, &ns, &n, &cap)) < 0) { free(ns); return BRAIN_ERR_NOMEM; }
            s.hybrid = s.op && s.op->can_hybrid;
        }
        ex_step *d = add_step(&ns, &n, &cap);
        if (!d) { free(ns); return BRAIN_ERR_NOMEM; }
        *d = s;
    }
    for (int k = 0; k < p->n_outputs; k++)
        if ((p->outputs[k] = convert(p, p->outputs[k], EX_F32, &ns, &n, &cap)) < 0) { free(ns); return BRAIN_ERR_NOMEM; }
    free(p->s); /* the weights moved with the steps */
    p->s = ns;
    p->n_s = n;
    p->cap_s = cap;
    for (int i = 0; i < p->n_v; i++)
        if (p->v[i].range_node >= 0) qparams(&p->v[i], p->node_lo[p->v[i].range_node], p->node_hi[p->v[i].range_node]);
    return BRAIN_OK;
}

static int64_t floats_of(const ex_value *v) { return v->dtype == EX_I8 ? (v->size + 3) / 4 : v->size; }

/* first fit: the lowest offset where `need` floats overlap no block live during [t0, t1] */
typedef struct block { int64_t off, size; int t0, t1; } block;
static int64_t place(const block *b, int nb, int t0, int t1, int64_t need)
{
    int64_t off = 0;
    for (bool moved = true; moved;) {
        moved = false;
        for (int i = 0; i < nb; i++) {
            if (b[i].t1 < t0 || b[i].t0 > t1) continue;
            if (off < b[i].off + b[i].size && b[i].off < off + need) { off = b[i].off + b[i].size; moved = true; }
        }
    }
    return off;
}

static brain_status allocate(ex_plan *p)
{
    for (int i = 0; i < p->n_v; i++) { p->v[i].last_use = -1; p->v[i].producer = -1; p->v[i].offset = -1; }
    for (int t = 0; t < p->n_s; t++) {
        ex_step *s = &p->s[t];
        p->v[s->out].producer = t;
        for (int k = 0; k < s->n_in; k++) p->v[s->in[k]].last_use = t;
        if (s->mask_ids >= 0) p->v[s->mask_ids].last_use = t;
    }
    for (int k = 0; k < p->n_outputs; k++) p->v[p->outputs[k]].last_use = p->n_s;
    block *b = brain__alloc_array((size_t)(2 * p->n_s + 1), sizeof(block));
    if (!b) return BRAIN_ERR_NOMEM;
    int nb = 0;
    int64_t top = 0;
    for (int t = 0; t < p->n_s; t++) {
        ex_step *s = &p->s[t];
        ex_value *v = &p->v[s->out];
        int t1 = v->last_use > t ? v->last_use : t;
        int64_t need = floats_of(v);
        v->offset = place(b, nb, t, t1, need);
        b[nb++] = (block){v->offset, need, t, t1};
        if (v->offset + need > top) top = v->offset + need;
        if (s->scratch) {
            s->scratch_off = place(b, nb, t, t, s->scratch);
            b[nb++] = (block){s->scratch_off, s->scratch, t, t};
            if (s->scratch_off + s->scratch > top) top = s->scratch_off + s->scratch;
        }
    }
    free(b);
    p->arena = top > 0 ? top : 1;
    return BRAIN_OK;
}

/* an Embedding whose output only a recurrent layer reads: the recurrent step takes the ids and the
 * table (weight slot 3, g[8] = input_dim), and the Embedding step goes */
static void fuse_embeddings(ex_plan *p)
{
    int n = 0;
    for (int i = 0; i < p->n_s; i++) {
        ex_step *e = &p->s[i];
        bool gone = false;
        if (e->kind == EX_LAYER && !strcmp(e->cls, "Embedding")) {
            int reader = -1, readers = 0;
            for (int j = i + 1; j < p->n_s; j++)
                for (int k = 0; k < p->s[j].n_in; k++)
                    if (p->s[j].in[k] == e->out) { reader = j; readers++; }
            bool output = false;
            for (int k = 0; k < p->n_outputs; k++) output |= p->outputs[k] == e->out;
            ex_step *r = reader >= 0 ? &p->s[reader] : NULL;
            if (readers == 1 && !output && r->n_in == 1 && is_rnn_class(r->cls)) {
                r->in[0] = e->in[0];
                r->w[3] = e->w[0];
                r->w_size[3] = e->w_size[0];
                r->w_name[3] = "embeddings";
                r->g[8] = e->g[1];
                r->scratch += r->g[1]; /* one dequantised row (int8) */
                e->w[0] = NULL;
                gone = true;
            }
        }
        if (!gone) p->s[n++] = *e;
    }
    p->n_s = n;
}

/* Bidirectional: its two recurrent halves as steps of their own (the backward one reads the steps
 * last to first; weights under "forward_layer/cell" and "backward_layer/cell"), then a merge step */
static brain_status plan_bidirectional(ex_plan *p, int i)
{
    brain_model *m = p->m;
    brain_node *nd = &m->nodes[i];
    const brain_layer *l = nd->layer;
    cJSON *cfg = cJSON_CreateObject();
    if (!cfg) return BRAIN_ERR_NOMEM;
    brain_status st = l->vt->get_config(l, cfg);
    const char *halves[2] = {"layer", "backward_layer"}, *paths[2] = {"forward_layer/cell", "backward_layer/cell"};
    int vals[2] = {-1, -1};
    int64_t T = 0, u = 0;
    bool seq = false;
    for (int h = 0; !st && h < 2; h++) {
        const cJSON *env = cJSON_GetObjectItemCaseSensitive(cfg, halves[h]);
        const cJSON *cls = cJSON_GetObjectItemCaseSensitive(env, "class_name"), *sub = cJSON_GetObjectItemCaseSensitive(env, "config");
        const ex_op *op = cJSON_IsString(cls) ? brain__ex_op(cls->valuestring) : NULL;
        if (!op || !cJSON_IsObject(sub) || !is_rnn_class(cls->valuestring)) {
            st = brain__fail(BRAIN_ERR_FORMAT, "export: Bidirectional '%s': its config has no recurrent '%s'", l->name, halves[h]);
            break;
        }
        brain_shape half = nd->shape;
        int v = brain__ex_add_value(p, &half, EX_F32); /* the size is fixed below, from the plan */
        ex_step *s = v < 0 ? NULL : add_step(&p->s, &p->n_s, &p->cap_s);
        if (!s) { st = BRAIN_ERR_NOMEM; break; }
        s->kind = EX_LAYER;
        s->op = op;
        s->cls = op->cls;
        s->wpath = paths[h];
        s->layer = l;
        s->node = i;
        s->n_in = 1;
        s->in[0] = p->node_val[nd->in[0]];
        s->out = v;
        char id[BRAIN_NAME_MAX];
        c_ident(id, sizeof id, l->name);
        snprintf(s->fn, sizeof s->fn, "%s_%s_%s", p->name, id, h ? "backward" : "forward");
        if ((st = op->plan(p, s, sub))) break;
        s->mask_ids = mask_source(p, i);
        s->g[9] = s->mask_ids >= 0 && s->g[6]; /* Keras: zero_output_for_mask when returning sequences */
        T = s->g[0];
        u = s->g[2];
        seq = s->g[6];
        p->v[v].shape = seq ? BRAIN_SHAPE(T, u) : BRAIN_SHAPE(u);
        p->v[v].size = seq ? T * u : u;
        vals[h] = v;
    }
    if (!st) {
        const cJSON *mm = cJSON_GetObjectItemCaseSensitive(cfg, "merge_mode");
        static const char *const modes[] = {"concat", "sum", "mul", "ave"};
        int mode = -1;
        for (int k = 0; k < 4; k++)
            if (cJSON_IsString(mm) && !strcmp(mm->valuestring, modes[k])) mode = k;
        int v = mode < 0 ? -1 : brain__ex_add_value(p, &nd->shape, EX_F32);
        ex_step *s = v < 0 ? NULL : add_step(&p->s, &p->n_s, &p->cap_s);
        if (mode < 0) st = brain__fail(BRAIN_ERR_FORMAT, "export: Bidirectional '%s': merge_mode is not concat, sum, mul or ave", l->name);
        else if (!s) st = BRAIN_ERR_NOMEM;
        else {
            s->kind = EX_LAYER;
            s->op = brain__ex_op("BidirectionalMerge");
            s->cls = "BidirectionalMerge";
            s->layer = l;
            s->node = i;
            s->n_in = 2;
            s->in[0] = vals[0];
            s->in[1] = vals[1];
            s->out = v;
            s->g[0] = seq ? T : 1;
            s->g[1] = u;
            s->g[2] = mode;
            s->g[3] = seq;
            char id[BRAIN_NAME_MAX];
            c_ident(id, sizeof id, l->name);
            snprintf(s->fn, sizeof s->fn, "%s_%s", p->name, id);
            p->node_val[i] = v;
            p->node_step[i] = p->n_s - 1;
        }
    }
    cJSON_Delete(cfg);
    return st;
}

brain_status brain__ex_plan(brain_model *m, const ex_plan_options *o, ex_plan **out)
{
    *out = NULL;
    if (!m) return brain__fail(BRAIN_ERR_ARG, "export: the model is NULL");
    if (!m->built || m->n_nodes == 0)
        return brain__fail(BRAIN_ERR_STATE, "export: model '%s' is not built (give it an input shape, or fit it, first)",
                           m->name);
    ex_plan *p = brain__alloc(sizeof *p);
    if (!p) return BRAIN_ERR_NOMEM;
    p->m = m;
    p->int8 = o->int8;
    c_ident(p->name, sizeof p->name, o->name && *o->name ? o->name : m->name);
    p->node_val = brain__alloc_array((size_t)m->n_nodes, sizeof(int));
    p->node_step = brain__alloc_array((size_t)m->n_nodes, sizeof(int));
    int *consumers = brain__alloc_array((size_t)m->n_nodes, sizeof(int));
    brain_status st = p->node_val && p->node_step && consumers ? BRAIN_OK : BRAIN_ERR_NOMEM;
    for (int i = 0; !st && i < m->n_nodes; i++) {
        p->node_val[i] = p->node_step[i] = -1;
        for (int k = 0; k < m->nodes[i].n_in; k++) consumers[m->nodes[i].in[k]]++;
    }
    if (!st && o->int8) st = calibrate(p, o->calibration);
    for (int i = 0; !st && i < m->n_nodes; i++) {
        brain_node *nd = &m->nodes[i];
        if (nd->n_in == 0) {
            int v = brain__ex_add_value(p, &nd->shape, EX_F32);
            if (v < 0) { st = BRAIN_ERR_NOMEM; break; }
            for (int k = 0; k < m->n_inputs; k++)
                if (m->input_nodes[k] == i) { p->v[v].input_index = k; p->inputs[k] = v; }
            p->v[v].range_node = i;
            p->node_val[i] = v;
            continue;
        }
        const brain_layer *l = nd->layer;
        const char *cls = l->vt->class_name;
        if (brain__ex_is_view(cls)) {
            p->node_val[i] = p->node_val[nd->in[0]];
            continue;
        }
        ex_step *prev = foldable(p, consumers, nd->in[0]);
        if (o->fold_bn && prev && is_class(l, "BatchNormalization") && !prev->folded) {
            if ((st = fold_bn(prev, l))) break;
            prev->node = i;
            p->node_val[i] = p->node_val[nd->in[0]];
            p->node_step[i] = p->node_step[nd->in[0]];
            continue;
        }
        if (prev && is_class(l, "Activation")) {
            brain_activation_kind a = BRAIN_LINEAR;
            cJSON *cfg = cJSON_CreateObject();
            if (cfg && !l->vt->get_config(l, cfg) && !brain__cfg_get_activation_or(cfg, "activation", a, &a) &&
                (a == BRAIN_RELU || a == BRAIN_LINEAR)) {
                cJSON_Delete(cfg);
                prev->act = a;
                prev->node = i;
                p->node_val[i] = p->node_val[nd->in[0]];
                p->node_step[i] = p->node_step[nd->in[0]];
                continue;
            }
            cJSON_Delete(cfg);
        }
        if (is_class(l, "Bidirectional")) {
            st = plan_bidirectional(p, i);
            continue;
        }
        const ex_op *op = brain__ex_op(cls);
        if (!op || !strcmp(cls, "BidirectionalMerge")) {
            st = brain__fail(BRAIN_ERR_ARG, "export: layer '%s' (%s) cannot be exported; the exporter knows Dense, Conv1D/2D, "
                             "pooling, BatchNormalization, Activation, LeakyReLU, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, the merge "
                             "layers, MultiHeadAttention and LayerNormalization (ONNX only), and Dropout/Flatten/Reshape/augmentation (removed or views)", l->name, cls);
            break;
        }
        if (nd->n_in > EX_MAX_IN) { st = brain__fail(BRAIN_ERR_ARG, "export: layer '%s' has too many inputs", l->name); break; }
        int v = brain__ex_add_value(p, &nd->shape, EX_F32);
        ex_step *s = v < 0 ? NULL : add_step(&p->s, &p->n_s, &p->cap_s);
        if (!s) { st = BRAIN_ERR_NOMEM; break; }
        s->kind = EX_LAYER;
        s->op = op;
        s->cls = op->cls;
        s->layer = l;
        s->node = i;
        s->n_in = nd->n_in;
        for (int k = 0; k < nd->n_in; k++) s->in[k] = p->node_val[nd->in[k]];
        s->out = v;
        char id[BRAIN_NAME_MAX];
        c_ident(id, sizeof id, l->name);
        snprintf(s->fn, sizeof s->fn, "%s_%s", p->name, id);
        p->node_val[i] = v;
        p->node_step[i] = p->n_s - 1;
        cJSON *cfg = cJSON_CreateObject();
        if (!cfg) { st = BRAIN_ERR_NOMEM; break; }
        cJSON_AddStringToObject(cfg, "name", l->name);
        st = l->vt->get_config(l, cfg);
        if (!st) st = op->plan(p, s, cfg);
        cJSON_Delete(cfg);
        if (!st && (is_class(l, "LSTM") || is_class(l, "GRU") || is_class(l, "SimpleRNN"))) s->mask_ids = mask_source(p, i);
        if (!st && is_class(l, "MultiHeadAttention") && mask_source(p, i) >= 0)
            st = brain__fail(BRAIN_ERR_ARG, "export: MultiHeadAttention '%s' reads a padding mask (Embedding mask_zero=True), "
                             "which the exporter does not write", l->name);
    }
    free(consumers);
    if (!st) {
        p->n_inputs = m->n_inputs;
        p->n_outputs = m->n_outputs;
        for (int k = 0; k < m->n_outputs; k++) p->outputs[k] = p->node_val[m->output_nodes[k]];
        for (int t = 0; t < p->n_s; t++) p->v[p->s[t].out].range_node = p->s[t].node;
    }
    if (!st && o->fuse_embedding) fuse_embeddings(p);
    if (!st && o->int8) st = assign_dtypes(p);
    if (!st) st = allocate(p);
    if (st) { brain__ex_plan_free(p); return st; }
    *out = p;
    return BRAIN_OK;
}
