/* ops.c — the table of exportable layers: for each Keras class, how its config and weights
 * become a plan step (export.h).  The geometry slots s->g[] per kind:
 *   Dense                     rows, K (input features), U (units)           w: kernel K×U, bias U
 *   Conv1D/Conv2D             H, W, C, OH, OW, F, KH, KW, SH, SW, DH, DW, PT, PL   w: kernel, bias
 *                             (a 1-D layer is the 2-D one on an image of height 1, as in conv.c)
 *   Max/AveragePooling1D/2D   H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, is_max
 *   Global*Pooling            n (positions), C, is_max
 *   BatchNormalization        rows, C                                       w: scale C, shift C
 *   Activation                rows, cols (softmax runs over rows of cols)
 *   LeakyReLU                 n
 *   Embedding                 T (ids per sample), V (input_dim), E (output_dim)   w: table V×E
 *   SimpleRNN/LSTM/GRU        T, D, U, cell (0 simple, 1 LSTM, 2 GRU), reset_after, go_backwards,
 *                             return_sequences, recurrent activation       w: kernel, recurrent_kernel, bias
 *   Add/Subtract/Multiply/Average/Maximum   n (elements per input)
 *   Concatenate               outer (product of the axes before the joined one), axis (batch axis = 0)
 *   MultiHeadAttention        T, S, H, d, e, Dq, Dk, Dv, Dout, causal, has_key   (weights read from the layer)
 *   LayerNormalization        n (trailing axes), center, scale, G   (epsilon in slope)   w: gamma G, beta G
 * Weights are copied (BatchNormalization folding rewrites them); a layer without a bias gets
 * a zero one, so every kernel has the same form.
 */
#include "export.h"
#include "layers/layer_config.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const brain_weight *weight_at(const brain_layer *l, const char *name, const char *path)
{
    for (int i = 0; i < l->n_weights; i++)
        if (strcmp(l->weights[i]->name, name) == 0 && (!path || strcmp(l->weights[i]->path, path) == 0)) return l->weights[i];
    return NULL;
}
static const brain_weight *weight(const brain_layer *l, const char *name) { return weight_at(l, name, NULL); }

/* copies weight `name` into slot k (zeros of n values when the layer has no such weight) */
static brain_status take(ex_step *s, int k, const char *name, int64_t n)
{
    const brain_weight *w = weight_at(s->layer, name, s->wpath);
    if (w && w->size != n)
        return brain__fail(BRAIN_ERR_STATE, "export: layer '%s': weight '%s' has %lld values, expected %lld",
                           s->layer->name, name, (long long)w->size, (long long)n);
    s->w[k] = brain__alloc_array((size_t)(n ? n : 1), sizeof(float));
    if (!s->w[k]) return BRAIN_ERR_NOMEM;
    if (w) memcpy(s->w[k], w->value, sizeof(float) * (size_t)n);
    s->w_size[k] = n;
    s->w_name[k] = name;
    return BRAIN_OK;
}

static brain_status get_act(const cJSON *cfg, const char *key, brain_activation_kind dflt, brain_activation_kind *a)
{
    return brain__cfg_get_activation_or(cfg, key, dflt, a);
}

static int64_t last_dim(const brain_shape *s) { return s->dims[s->ndim - 1]; }

static brain_status plan_dense(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_layer *l = s->layer;
    const int64_t K = last_dim(&l->in_shape[0]), U = last_dim(&l->out_shape);
    s->g[0] = brain__shape_size(&l->in_shape[0]) / K;
    s->g[1] = K;
    s->g[2] = U;
    s->out_channels = U;
    brain_status st = get_act(cfg, "activation", BRAIN_LINEAR, &s->act);
    if (!st) st = take(s, 0, "kernel", K * U);
    if (!st) st = take(s, 1, "bias", U);
    return st;
}

/* one spatial axis as conv.c / pooling.c compute it */
static void axis(int64_t n, int64_t k, int64_t st, int64_t d, bool same, int64_t *out, int64_t *pad)
{
    int64_t keff = (k - 1) * d + 1;
    if (same) {
        *out = (n + st - 1) / st;
        int64_t total = (*out - 1) * st + keff - n;
        *pad = total > 0 ? total / 2 : 0;
    } else {
        *out = n >= keff ? (n - keff) / st + 1 : 0;
        *pad = 0;
    }
}

/* reads a 1- or 2-tuple into (h, w); 1-D layers have h = 1 */
static brain_status tuple2(const cJSON *cfg, const char *key, int rank, int64_t dflt, int64_t *h, int64_t *w)
{
    int64_t v[2] = {dflt, dflt};
    brain_status st = brain__cfg_get_tuple(cfg, key, rank, v, false);
    if (st) return st;
    if (rank == 1) { *h = 1; *w = v[0]; }
    else { *h = v[0]; *w = v[1]; }
    return BRAIN_OK;
}

static brain_status plan_conv(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_layer *l = s->layer;
    const int rank = strcmp(s->cls, "Conv1D") == 0 ? 1 : 2;
    const brain_shape *in = &l->in_shape[0];
    int64_t H = rank == 1 ? 1 : in->dims[0], W = in->dims[rank - 1], C = in->dims[rank];
    int64_t KH, KW, SH, SW, DH, DW, OH, OW, PT, PL;
    double F = 0;
    bool same = false;
    brain_status st = tuple2(cfg, "kernel_size", rank, 1, &KH, &KW);
    if (!st) st = tuple2(cfg, "strides", rank, 1, &SH, &SW);
    if (!st) st = tuple2(cfg, "dilation_rate", rank, 1, &DH, &DW);
    if (!st) st = brain__cfg_get_padding(cfg, &same);
    if (!st) st = brain__cfg_get_number(cfg, "filters", &F);
    if (!st) st = get_act(cfg, "activation", BRAIN_LINEAR, &s->act);
    if (st) return st;
    axis(H, KH, SH, DH, same, &OH, &PT);
    axis(W, KW, SW, DW, same, &OW, &PL);
    int64_t g[] = {H, W, C, OH, OW, (int64_t)F, KH, KW, SH, SW, DH, DW, PT, PL};
    memcpy(s->g, g, sizeof g);
    s->out_channels = (int64_t)F;
    st = take(s, 0, "kernel", KH * KW * C * (int64_t)F);
    if (!st) st = take(s, 1, "bias", (int64_t)F);
    return st;
}

static brain_status plan_pool(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_layer *l = s->layer;
    const char *cls = s->cls;
    const int rank = strstr(cls, "1D") ? 1 : 2;
    const brain_shape *in = &l->in_shape[0];
    int64_t H = rank == 1 ? 1 : in->dims[0], W = in->dims[rank - 1], C = in->dims[rank];
    int64_t PH, PW, SH, SW, OH, OW, PT, PL;
    bool same = false;
    brain_status st = tuple2(cfg, "pool_size", rank, 2, &PH, &PW);
    SH = PH; SW = PW;
    if (!st) st = tuple2(cfg, "strides", rank, 0, &SH, &SW);
    if (!st) st = brain__cfg_get_padding(cfg, &same);
    if (st) return st;
    if (SH <= 0) SH = PH;
    if (SW <= 0) SW = PW;
    if (rank == 1) SH = 1;
    axis(H, PH, SH, 1, same, &OH, &PT);
    axis(W, PW, SW, 1, same, &OW, &PL);
    int64_t g[] = {H, W, C, OH, OW, PH, PW, SH, SW, PT, PL, strncmp(cls, "Max", 3) == 0};
    memcpy(s->g, g, sizeof g);
    return BRAIN_OK;
}

static brain_status plan_gpool(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_shape *in = &s->layer->in_shape[0];
    s->g[1] = last_dim(in);
    s->g[0] = brain__shape_size(in) / s->g[1];
    s->g[2] = strstr(s->cls, "Max") != NULL;
    return BRAIN_OK;
}

/* inference form of BatchNormalization, computed as batch_normalization.c computes it:
 * scale = γ / sqrt(var + ε), shift = β − mean·scale; y = x·scale + shift */
brain_status brain__ex_bn_affine(const brain_layer *l, float *scale, float *shift)
{
    cJSON *cfg = cJSON_CreateObject();
    if (!cfg) return BRAIN_ERR_NOMEM;
    double eps = 1e-3;
    brain_status st = l->vt->get_config(l, cfg);
    if (!st) st = brain__cfg_get_number_or(cfg, "epsilon", 1e-3, &eps);
    cJSON_Delete(cfg);
    if (st) return st;
    const brain_weight *g = weight(l, "gamma"), *b = weight(l, "beta"), *mm = weight(l, "moving_mean"),
                       *mv = weight(l, "moving_variance");
    if (!mm || !mv) return brain__fail(BRAIN_ERR_STATE, "export: BatchNormalization '%s' has no moving statistics", l->name);
    const float e = (float)eps;
    for (int64_t c = 0; c < mm->size; c++) {
        float inv = 1.0f / sqrtf(mv->value[c] + e);
        scale[c] = inv * (g ? g->value[c] : 1.0f);
        shift[c] = (b ? b->value[c] : 0.0f) - mm->value[c] * scale[c];
    }
    return BRAIN_OK;
}

static brain_status plan_bn(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_shape *in = &s->layer->in_shape[0];
    const int64_t C = last_dim(in);
    s->g[0] = brain__shape_size(in) / C;
    s->g[1] = C;
    brain_status st = take(s, 0, "(scale)", C);
    if (!st) st = take(s, 1, "(shift)", C);
    if (!st) st = brain__ex_bn_affine(s->layer, s->w[0], s->w[1]);
    s->w_name[0] = "scale";
    s->w_name[1] = "shift";
    return st;
}

static brain_status plan_activation(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_shape *in = &s->layer->in_shape[0];
    s->g[1] = last_dim(in);
    s->g[0] = brain__shape_size(in) / s->g[1];
    return get_act(cfg, "activation", BRAIN_LINEAR, &s->act);
}

static brain_status plan_leaky(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    double a = 0.3;
    s->g[0] = brain__shape_size(&s->layer->in_shape[0]);
    brain_status st = brain__cfg_get_number_or(cfg, "negative_slope", 0.3, &a);
    s->slope = (float)a;
    return st;
}

static brain_status plan_embedding(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    double V = 0, E = 0;
    brain_status st = brain__cfg_get_number(cfg, "input_dim", &V);
    if (!st) st = brain__cfg_get_number(cfg, "output_dim", &E);
    if (st) return st;
    s->g[0] = brain__shape_size(&s->layer->in_shape[0]);
    s->g[1] = (int64_t)V;
    s->g[2] = (int64_t)E;
    s->out_channels = (int64_t)E;
    return take(s, 0, "embeddings", (int64_t)V * (int64_t)E);
}

static brain_status plan_rnn(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    const brain_layer *l = s->layer;
    const char *cls = s->cls;
    const int cell = strcmp(cls, "LSTM") == 0 ? 1 : strcmp(cls, "GRU") == 0 ? 2 : 0;
    const int gates = cell == 1 ? 4 : cell == 2 ? 3 : 1;
    double U = 0;
    bool reset_after = false, back = false, seq = false;
    brain_activation_kind ra = BRAIN_SIGMOID;
    brain_status st = brain__cfg_get_number(cfg, "units", &U);
    if (!st) st = get_act(cfg, "activation", BRAIN_TANH, &s->act);
    if (!st && cell) st = get_act(cfg, "recurrent_activation", BRAIN_SIGMOID, &ra);
    if (!st && cell == 2) st = brain__cfg_get_bool_or(cfg, "reset_after", true, &reset_after);
    if (!st) st = brain__cfg_get_bool_or(cfg, "go_backwards", false, &back);
    if (!st) st = brain__cfg_get_bool_or(cfg, "return_sequences", false, &seq);
    if (st) return st;
    const brain_shape *in = &l->in_shape[0];
    const int64_t T = in->dims[0], D = in->dims[1], u = (int64_t)U, GU = gates * u;
    int64_t g[] = {T, D, u, cell, reset_after, back, seq, ra};
    memcpy(s->g, g, sizeof g);
    s->out_channels = GU;
    st = take(s, 0, "kernel", D * GU);
    if (!st) st = take(s, 1, "recurrent_kernel", u * GU);
    if (!st) st = take(s, 2, "bias", reset_after ? 2 * GU : GU);
    /* h, c, the gates z, and GRU's recurrent part (reset_after: h·U + b_rec; before: r ⊙ h) */
    s->scratch = 2 * u + GU + (cell == 2 ? (reset_after ? GU : u) : 0);
    return st;
}

static brain_status plan_merge(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    s->g[0] = brain__shape_size(&s->layer->out_shape);
    return BRAIN_OK;
}

static brain_status plan_concat(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    double axis_d = -1;
    brain_status st = brain__cfg_get_number_or(cfg, "axis", -1, &axis_d);
    if (st) return st;
    const brain_shape *out = &s->layer->out_shape;
    int a = (int)axis_d;
    a = a < 0 ? a + out->ndim + 1 : a; /* with the batch axis */
    a -= 1;                           /* per sample */
    int64_t outer = 1;
    for (int i = 0; i < a; i++) outer *= out->dims[i];
    s->g[0] = outer;
    s->g[1] = a + 1; /* Keras's axis, batch axis included */
    return BRAIN_OK;
}

/* MultiHeadAttention (ONNX only): g = T, S, H, d, e, Dq, Dk, Dv, Dout, causal, has_key.  The
 * weights stay the layer's (eight of them, read by onnx.c through their paths).  Only Keras's
 * default attention_axes on (batch, steps, features) inputs, without attention_mask or a second
 * (scores) output; masks from Embedding(mask_zero) are refused by plan.c. */
static brain_status plan_mha(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    (void)p; (void)cfg;
    const brain_layer *l = s->layer;
    const brain_weight *wq = weight_at(l, "kernel", "query_dense"), *wk = weight_at(l, "kernel", "key_dense"),
                       *wv = weight_at(l, "kernel", "value_dense"), *wo = weight_at(l, "kernel", "output_dense");
    if (!wq || !wk || !wv || !wo || wq->ndim != 3 || wv->ndim != 3 || wo->ndim != 3 || l->in_shape[0].ndim != 2 ||
        l->in_shape[1].ndim != 2 || l->out_shape.ndim != 2 || l->n_out > 1)
        return brain__fail(BRAIN_ERR_ARG, "export: MultiHeadAttention '%s': only (steps, features) inputs with the default "
                           "attention_axes, a one-axis output_shape and no return_attention_scores can be exported", l->name);
    cJSON *kw = cJSON_CreateObject();
    const char *keyword[EX_MAX_IN] = {0};
    brain_status st = kw ? l->vt->call_to_config(l, keyword, kw) : BRAIN_ERR_NOMEM;
    const bool causal = kw && cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(kw, "use_causal_mask"));
    cJSON_Delete(kw);
    if (st) return st;
    for (int k = 0; k < s->n_in; k++)
        if (keyword[k] && !strcmp(keyword[k], "attention_mask"))
            return brain__fail(BRAIN_ERR_ARG, "export: MultiHeadAttention '%s' takes an attention_mask input, which the exporter "
                               "does not write", l->name);
    s->g[0] = l->in_shape[0].dims[0];
    s->g[1] = l->in_shape[1].dims[0];
    s->g[2] = wq->shape[1];
    s->g[3] = wq->shape[2];
    s->g[4] = wv->shape[2];
    s->g[5] = wq->shape[0];
    s->g[6] = wk->shape[0];
    s->g[7] = wv->shape[0];
    s->g[8] = wo->shape[2];
    s->g[9] = causal;
    s->g[10] = s->n_in == 3;
    return BRAIN_OK;
}

/* LayerNormalization (ONNX only) over the last n per-sample axes: g = n (trailing axes), center,
 * scale, G (values normalised together); epsilon in slope; w: gamma, beta (G values each) */
static brain_status plan_layer_norm(ex_plan *p, ex_step *s, const cJSON *cfg)
{
    (void)p;
    const brain_layer *l = s->layer;
    const brain_shape *in = &l->in_shape[0];
    int64_t ax[BRAIN_MAX_DIMS];
    int n = 0;
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, "axis");
    if (cJSON_IsNumber(a)) ax[n++] = brain__to_i64(a->valuedouble);
    else for (const cJSON *e = cJSON_IsArray(a) ? a->child : NULL; e && n < BRAIN_MAX_DIMS; e = e->next) ax[n++] = brain__to_i64(e->valuedouble);
    bool on[BRAIN_MAX_DIMS] = {false}, ok = n > 0;
    for (int i = 0; ok && i < n; i++) { /* Keras's numbers: 1 = the first per-sample axis, negatives from the end */
        int64_t k = ax[i] < 0 ? in->ndim + ax[i] : ax[i] - 1;
        ok = k >= 0 && k < in->ndim;
        if (ok) on[k] = true;
    }
    int trailing = 0;
    while (trailing < in->ndim && on[in->ndim - 1 - trailing]) trailing++;
    for (int i = 0; ok && i < in->ndim - trailing; i++) ok = !on[i];
    const cJSON *rms = cJSON_GetObjectItemCaseSensitive(cfg, "rms_scaling");
    if (!ok || cJSON_IsTrue(rms))
        return brain__fail(BRAIN_ERR_ARG, "export: LayerNormalization '%s': only the last axes, without rms_scaling, can be "
                           "exported", l->name);
    int64_t G = 1;
    for (int i = in->ndim - trailing; i < in->ndim; i++) G *= in->dims[i];
    double eps = 1e-3;
    brain_status st = brain__cfg_get_number(cfg, "epsilon", &eps);
    if (st) return st;
    s->slope = (float)eps;
    s->g[0] = trailing;
    s->g[1] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "center"));
    s->g[2] = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(cfg, "scale"));
    s->g[3] = G;
    st = take(s, 0, "gamma", s->g[2] ? G : 0);
    if (!st) st = take(s, 1, "beta", s->g[1] ? G : 0);
    return st;
}

static const ex_op ops[] = {
    {"Dense", plan_dense, true, false},
    {"Conv1D", plan_conv, true, false},
    {"Conv2D", plan_conv, true, false},
    {"MaxPooling1D", plan_pool, true, false},
    {"MaxPooling2D", plan_pool, true, false},
    {"AveragePooling1D", plan_pool, true, false},
    {"AveragePooling2D", plan_pool, true, false},
    {"GlobalAveragePooling1D", plan_gpool, true, false},
    {"GlobalAveragePooling2D", plan_gpool, true, false},
    {"GlobalMaxPooling2D", plan_gpool, true, false},
    {"BatchNormalization", plan_bn, false, false},
    {"Activation", plan_activation, false, false},
    {"LeakyReLU", plan_leaky, false, false},
    {"Embedding", plan_embedding, false, true},
    {"SimpleRNN", plan_rnn, false, true},
    {"LSTM", plan_rnn, false, true},
    {"GRU", plan_rnn, false, true},
    {"Add", plan_merge, false, false},
    {"Subtract", plan_merge, false, false},
    {"Multiply", plan_merge, false, false},
    {"Average", plan_merge, false, false},
    {"Maximum", plan_merge, false, false},
    {"Concatenate", plan_concat, false, false},
    {"BidirectionalMerge", plan_merge, false, false}, /* planned by plan.c (geometry set there) */
    {"MultiHeadAttention", plan_mha, false, false},   /* ONNX only (emit_c.c has no C form yet) */
    {"LayerNormalization", plan_layer_norm, false, false}, /* ONNX only */
};

const ex_op *brain__ex_op(const char *cls)
{
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(ops[i].cls, cls) == 0) return &ops[i];
    return NULL;
}

bool brain__ex_is_view(const char *cls)
{
    static const char *const views[] = {"InputLayer", "Dropout", "Flatten", "Reshape", "RandomFlip", "RandomRotation"};
    for (size_t i = 0; i < sizeof views / sizeof views[0]; i++)
        if (strcmp(views[i], cls) == 0) return true;
    return false;
}
