/* bidirectional.c — Bidirectional(layer, merge_mode): the recurrent layer runs forward and a
 * go_backwards copy runs backward over the same input (same mask); with return_sequences the
 * backward output is flipped back into input order, y_b[t] = y_rev[T−1−t].
 *   concat: y = [y_f, y_b]   sum: y_f + y_b   ave: (y_f + y_b)/2   mul: y_f ⊙ y_b
 * Backward splits dy the same way (mul: dy_f = dy ⊙ y_b, dy_b = dy ⊙ y_f) and both sub-layers
 * add into dx.  Weights: the forward layer's, then the backward layer's, under the paths
 * "forward_layer/cell" and "backward_layer/cell" (Keras's HDF5 layout).  As Keras does, both
 * sub-layers output zeros at masked steps when returning sequences (zero_output_for_mask). */
#include "layer_config.h"
#include "recurrent.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

typedef struct bidi {
    brain_layer base;
    brain__rnn *fwd, *bwd;           /* owned; not layers of the model */
    brain_merge_mode mode;
    int64_t steps, units;
    float *arena; int64_t arena_cap; /* y_f, y_b, dy_f, dy_b: (B, T, u) or (B, u) each */
} bidi;

static const char *const merge_names[] = {"concat", "sum", "mul", "ave"};

static brain_status bidi_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    bidi *b = (bidi *)l;
    brain_shape of, ob;
    brain_status s = brain__rnn_build_into(b->fwd, l, "forward_layer/cell", &in[0], &of);
    if (!s) s = brain__rnn_build_into(b->bwd, l, "backward_layer/cell", &in[0], &ob);
    if (s) return s;
    /* a backward_layer from a config may differ: the halves share one layout (issue 16's fuzzing
     * found a config whose backward layer returned sequences and the forward one did not) */
    bool same = of.ndim == ob.ndim && b->fwd->return_state == b->bwd->return_state;
    for (int i = 0; same && i < of.ndim; i++) same = of.dims[i] == ob.dims[i];
    if (!same) {
        char fs[64], bs[64];
        brain__shape_str(&of, fs, sizeof fs);
        brain__shape_str(&ob, bs, sizeof bs);
        return brain__fail(BRAIN_ERR_ARG, "layer '%s': the backward layer's output %s differs from the forward layer's %s; "
                           "Bidirectional needs the same units, return_sequences and return_state in both", l->name, bs, fs);
    }
    b->fwd->base.out_shape = of;
    b->bwd->base.out_shape = ob;
    b->fwd->base.built = b->bwd->base.built = true;
    b->steps = in[0].dims[0];
    b->units = b->fwd->units;
    *out = of;
    if (b->mode == BRAIN_MERGE_CONCAT) out->dims[out->ndim - 1] *= 2;
    return BRAIN_OK;
}

static int64_t half_size(const bidi *b, int64_t batch)
{
    return batch * brain__shape_size(&b->fwd->base.out_shape);
}

static brain_status bidi_reserve(brain_layer *l, int64_t batch)
{
    bidi *b = (bidi *)l;
    brain_status s = brain__rnn_reserve(&b->fwd->base, batch);
    if (!s) s = brain__rnn_reserve(&b->bwd->base, batch);
    if (!s) s = brain__reserve_floats(&b->arena, &b->arena_cap, 4 * half_size(b, batch));
    return s;
}

static brain_tensor view(const bidi *b, float *data, int64_t batch)
{
    brain_tensor t = {.data = data, .ndim = b->fwd->base.out_shape.ndim + 1};
    t.shape[0] = batch;
    for (int i = 0; i < b->fwd->base.out_shape.ndim; i++) t.shape[i + 1] = b->fwd->base.out_shape.dims[i];
    t.size = half_size(b, batch);
    return t;
}

/* row of the backward output that lines up with output position (n, t) */
static inline int64_t rev_row(const bidi *b, int64_t n, int64_t t, bool seq)
{
    return seq ? n * b->steps + (b->steps - 1 - t) : n;
}

static void bidi_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    bidi *b = (bidi *)l;
    const int64_t B = in[0]->shape[0], u = b->units, H = half_size(b, B);
    const bool seq = b->fwd->return_sequences;
    brain_tensor yf = view(b, b->arena, B), yb = view(b, b->arena + H, B);
    brain__rnn_forward(&b->fwd->base, ctx, n_in, in, &yf);
    brain__rnn_forward(&b->bwd->base, ctx, n_in, in, &yb);
    const int64_t T = seq ? b->steps : 1;
    for (int64_t n = 0; n < B; n++)
        for (int64_t t = 0; t < T; t++) {
            const float *f = yf.data + (n * T + t) * u, *r = yb.data + rev_row(b, n, t, seq) * u;
            if (b->mode == BRAIN_MERGE_CONCAT) {
                float *y = out->data + (n * T + t) * 2 * u;
                memcpy(y, f, sizeof(float) * u);
                memcpy(y + u, r, sizeof(float) * u);
                continue;
            }
            float *y = out->data + (n * T + t) * u;
            for (int64_t j = 0; j < u; j++)
                y[j] = b->mode == BRAIN_MERGE_SUM ? f[j] + r[j] : b->mode == BRAIN_MERGE_AVE ? (f[j] + r[j]) / 2 : f[j] * r[j];
        }
}

static void bidi_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                          const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    bidi *b = (bidi *)l;
    const int64_t B = in[0]->shape[0], u = b->units, H = half_size(b, B);
    const bool seq = b->fwd->return_sequences;
    brain_tensor yf = view(b, b->arena, B), yb = view(b, b->arena + H, B);
    brain_tensor dyf = view(b, b->arena + 2 * H, B), dyb = view(b, b->arena + 3 * H, B);
    const int64_t T = seq ? b->steps : 1;
    for (int64_t n = 0; n < B; n++)
        for (int64_t t = 0; t < T; t++) {
            const int64_t fr = n * T + t, rr = rev_row(b, n, t, seq);
            float *df = dyf.data + fr * u, *dr = dyb.data + rr * u;
            if (b->mode == BRAIN_MERGE_CONCAT) {
                const float *dy = dout->data + fr * 2 * u;
                memcpy(df, dy, sizeof(float) * u);
                memcpy(dr, dy + u, sizeof(float) * u);
                continue;
            }
            const float *dy = dout->data + fr * u, *f = yf.data + fr * u, *r = yb.data + rr * u;
            for (int64_t j = 0; j < u; j++) {
                switch (b->mode) {
                case BRAIN_MERGE_SUM: df[j] = dr[j] = dy[j]; break;
                case BRAIN_MERGE_AVE: df[j] = dr[j] = dy[j] / 2; break;
                default: df[j] = dy[j] * r[j]; dr[j] = dy[j] * f[j]; break;
                }
            }
        }
    brain__rnn_backward(&b->fwd->base, ctx, n_in, in, &yf, &dyf, din);
    brain__rnn_backward(&b->bwd->base, ctx, n_in, in, &yb, &dyb, din);
}

static void sub_free(brain__rnn *r)
{
    if (!r) return;
    brain__rnn_destroy(&r->base);
    free(r);
}

static void bidi_destroy(brain_layer *l)
{
    bidi *b = (bidi *)l;
    sub_free(b->fwd);
    sub_free(b->bwd);
    free(b->arena);
}

/* {"module": "keras.layers", "class_name": ..., "config": {...}, "registered_name": null} */
static cJSON *sub_envelope(const brain__rnn *r)
{
    cJSON *o = cJSON_CreateObject(), *c = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "module", "keras.layers");
    cJSON_AddStringToObject(o, "class_name", r->base.vt->class_name);
    cJSON_AddStringToObject(c, "name", r->base.name);
    cJSON_AddBoolToObject(c, "trainable", r->base.trainable);
    cJSON_AddStringToObject(c, "dtype", "float32");
    brain__rnn_get_config(&r->base, c);
    cJSON_AddItemToObject(o, "config", c);
    cJSON_AddNullToObject(o, "registered_name");
    return o;
}

static brain_status bidi_get_config(const brain_layer *l, cJSON *cfg)
{
    const bidi *b = (const bidi *)l;
    cJSON_AddStringToObject(cfg, "merge_mode", merge_names[b->mode]);
    cJSON_AddItemToObject(cfg, "layer", sub_envelope(b->fwd));
    cJSON_AddItemToObject(cfg, "backward_layer", sub_envelope(b->bwd));
    return BRAIN_OK;
}

static brain_layer *sub_from_envelope(const cJSON *env, const char *layer, const char *key)
{
    const cJSON *cls = cJSON_GetObjectItemCaseSensitive(env, "class_name"), *cfg = cJSON_GetObjectItemCaseSensitive(env, "config");
    const brain_layer_vtable *vt = cJSON_IsString(cls) ? brain__layer_vtable_by_class(cls->valuestring) : NULL;
    if (!vt || !cJSON_IsObject(cfg) || vt->build != brain__rnn_build) {
        brain__fail(BRAIN_ERR_FORMAT, "layer '%s': key '%s' must hold a SimpleRNN, LSTM or GRU layer", layer, key);
        return NULL;
    }
    return vt->from_config(cfg);
}

static brain_layer *bidi_from_config(const cJSON *cfg)
{
    const cJSON *jn = cJSON_GetObjectItemCaseSensitive(cfg, "name"), *mm = cJSON_GetObjectItemCaseSensitive(cfg, "merge_mode");
    const char *nm = cJSON_IsString(jn) ? jn->valuestring : "?";
    brain_bidirectional_options o = {.name = cJSON_IsString(jn) ? nm : NULL};
    if (mm) {
        int k = -1;
        for (int i = 0; i < 4 && cJSON_IsString(mm); i++)
            if (!strcmp(mm->valuestring, merge_names[i])) k = i;
        if (k < 0) {
            brain__fail(BRAIN_ERR_FORMAT, "layer '%s': key 'merge_mode' must be \"concat\", \"sum\", \"mul\" or \"ave\"", nm);
            return NULL;
        }
        o.merge_mode = (brain_merge_mode)k;
    }
    brain_layer *inner = sub_from_envelope(cJSON_GetObjectItemCaseSensitive(cfg, "layer"), nm, "layer");
    if (!inner) return NULL;
    brain_layer *l = brain_bidirectional(inner, &o);
    if (!l) return NULL;
    const cJSON *bl = cJSON_GetObjectItemCaseSensitive(cfg, "backward_layer");
    if (bl) {
        brain_layer *back = sub_from_envelope(bl, nm, "backward_layer");
        if (!back) { bidi_destroy(l); free(l); return NULL; }
        bidi *b = (bidi *)l;
        sub_free(b->bwd);
        b->bwd = (brain__rnn *)back;
        b->bwd->zero_output_for_mask = b->bwd->return_sequences;
    }
    return brain__cfg_finish_layer(l, cfg);
}

const brain_layer_vtable brain__bidirectional_vt = {
    .class_name = "Bidirectional", .snake_name = "bidirectional", .build = bidi_build, .reserve = bidi_reserve,
    .forward = bidi_forward, .backward = bidi_backward, .destroy = bidi_destroy,
    .get_config = bidi_get_config, .from_config = bidi_from_config,
};

brain_layer *brain_bidirectional(brain_layer *layer, const brain_bidirectional_options *opt)
{
    brain_bidirectional_options o = opt ? *opt : (brain_bidirectional_options){0};
    if (!brain__is_rnn(layer) || layer->model || layer->built) {
        brain__fail(BRAIN_ERR_ARG, "Bidirectional: the wrapped layer must be a new SimpleRNN, LSTM or GRU (got %s)",
                    layer ? layer->vt->class_name : "NULL");
        if (layer && !layer->model) { layer->vt->destroy(layer); free(layer); }
        return NULL;
    }
    brain__rnn *fwd = (brain__rnn *)layer;
    if ((unsigned)o.merge_mode > BRAIN_MERGE_AVE || fwd->return_state) {
        brain__fail(BRAIN_ERR_ARG, "Bidirectional: %s", fwd->return_state ? "return_state is not supported (a model node carries one output)"
                                                                          : "merge_mode is not a brain_merge_mode");
        sub_free(fwd);
        return NULL;
    }
    bidi *b = (bidi *)brain__layer_new(&brain__bidirectional_vt, sizeof(bidi), o.name);
    brain__rnn *bwd = malloc(sizeof *bwd);
    if (!b || !bwd) {
        free(b); free(bwd); sub_free(fwd);
        brain__fail(BRAIN_ERR_NOMEM, "Bidirectional: out of memory");
        return NULL;
    }
    *bwd = *fwd; /* same configuration, unbuilt, no caches */
    bwd->go_backwards = true;
    char base_name[BRAIN_NAME_MAX]; /* Keras: "forward_" + the name without a "forward_" prefix */
    snprintf(base_name, sizeof base_name, "%s", fwd->base.name + (strncmp(fwd->base.name, "forward_", 8) ? 0 : 8));
    snprintf(fwd->base.name, sizeof fwd->base.name, "forward_%.54s", base_name);
    snprintf(bwd->base.name, sizeof bwd->base.name, "backward_%.54s", base_name);
    fwd->zero_output_for_mask = bwd->zero_output_for_mask = fwd->return_sequences;
    b->fwd = fwd;
    b->bwd = bwd;
    b->mode = o.merge_mode;
    b->base.mask_rule = fwd->return_sequences ? BRAIN_MASK_PASS : BRAIN_MASK_DROP;
    return &b->base;
}
