/* global_pooling.c — GlobalAveragePooling2D, GlobalMaxPooling2D, GlobalAveragePooling1D
 * (channels-last, keepdims=False): (H, W, C) or (steps, C) -> (C), over the n = H·W (or steps)
 * positions of each sample.
 *
 * Average: y[b,c] = (1/n) Σ_pos x[b,pos,c];   backward dx[b,pos,c] += dy[b,c] / n.
 * GlobalAveragePooling1D with a mask (Keras: after Embedding(mask_zero=True), or an explicit
 * mask= input): y[b,c] = Σ_t m[b,t]·x[b,t,c] / Σ_t m[b,t] — the unmasked steps only; a row with
 * every step masked gives 0/0 = NaN, as in Keras.  Backward dx[b,t,c] += m[b,t]·dy[b,c] / Σ m.
 * The output carries no mask (Keras's compute_mask returns None).
 * keepdims=True keeps the pooled axes as 1: (1, 1, C) or (1, C); the values are the same.
 * Max:     y[b,c] = max_pos x[b,pos,c] (first winner cached); backward dx[winner] += dy[b,c].
 * GlobalAveragePooling1D with a Keras mask averages the unmasked steps only (n = their count);
 * GlobalMaxPooling1D ignores the mask, as Keras's does.  GlobalAveragePooling1D(data_format=
 * "channels_first") reads (C, steps) and averages the last axis (Keras's timeseries Transformer
 * pools a (steps, 1) signal so, into one value per step).
 */
#include "internal.h"
#include "layer_config.h"
#include <stdlib.h>
#include <string.h>

typedef struct gpool {
    brain_layer base;
    int rank;
    bool is_max, keepdims;
    bool channels_first;                    /* 1-D only: (C, steps) -> (C), the mean over the last axis */
    int64_t n, C;                           /* positions per sample, channels */
    int64_t *arg; int64_t arg_cap;          /* max: winning position per (b, c) */
} gpool;

static brain_status gpool_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    gpool *g = (gpool *)l;
    if (in[0].ndim != g->rank + 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs inputs of rank %d, got %s", l->vt->class_name, l->name, g->rank + 2, b);
    }
    g->C = g->channels_first ? in[0].dims[0] : in[0].dims[g->rank];
    g->n = brain__shape_size(&in[0]) / g->C;
    out->ndim = g->keepdims ? g->rank + 1 : 1;
    for (int i = 0; i < out->ndim; i++) out->dims[i] = 1;
    out->dims[out->ndim - 1] = g->C;
    return BRAIN_OK;
}

static brain_status gpool_reserve(brain_layer *l, int64_t batch)
{
    gpool *g = (gpool *)l;
    if (!g->is_max) return BRAIN_OK;
    int64_t need = batch * g->C;
    if (need <= g->arg_cap) return BRAIN_OK;
    int64_t *p = realloc(g->arg, sizeof(int64_t) * (size_t)need);
    if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing %s '%s'", l->vt->class_name, l->name);
    g->arg = p;
    g->arg_cap = need;
    return BRAIN_OK;
}

static void gpool_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    gpool *g = (gpool *)l;
    const int64_t batch = in[0]->shape[0], n = g->n, C = g->C;
    for (int64_t b = 0; b < batch; b++) {
        const float *x = in[0]->data + b * n * C;
        float *y = out->data + b * C;
        if (g->channels_first) {
            for (int64_t c = 0; c < C; c++) {
                double acc = 0.0;
                for (int64_t p = 0; p < n; p++) acc += x[c * n + p];
                y[c] = (float)(acc / (double)n);
            }
        } else if (g->is_max) {
            int64_t *arg = g->arg + b * C;
            for (int64_t c = 0; c < C; c++) { y[c] = x[c]; arg[c] = 0; }
            for (int64_t p = 1; p < n; p++)
                for (int64_t c = 0; c < C; c++)
                    if (x[p * C + c] > y[c]) { y[c] = x[p * C + c]; arg[c] = p; }
        } else if (g->rank == 1 && ctx->mask) { /* Keras: the mean over the unmasked steps */
            const uint8_t *mk = ctx->mask + b * n;
            float cnt = 0.0f;
            for (int64_t c = 0; c < C; c++) y[c] = 0.0f;
            for (int64_t p = 0; p < n; p++) {
                if (!mk[p]) continue;
                cnt += 1.0f;
                for (int64_t c = 0; c < C; c++) y[c] += x[p * C + c];
            }
            for (int64_t c = 0; c < C; c++) y[c] /= cnt;
        } else {
            /* the sum in double, rounded once: the mean of n floats within half an ulp, as
             * close to Keras's (XLA's reduction is near exact) as the inputs allow; a fixed
             * order, so bitwise the same for any thread count */
            enum { CH = 256 };
            double acc[CH];
            for (int64_t c0 = 0; c0 < C; c0 += CH) {
                const int64_t cn = C - c0 < CH ? C - c0 : CH;
                for (int64_t c = 0; c < cn; c++) acc[c] = 0.0;
                for (int64_t p = 0; p < n; p++)
                    for (int64_t c = 0; c < cn; c++) acc[c] += x[p * C + c0 + c];
                for (int64_t c = 0; c < cn; c++) y[c0 + c] = (float)(acc[c] / (double)n);
            }
        }
    }
}

static void gpool_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                           const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    gpool *g = (gpool *)l;
    if (!din[0]) return;
    const int64_t batch = in[0]->shape[0], n = g->n, C = g->C;
    for (int64_t b = 0; b < batch; b++) {
        float *dx = din[0]->data + b * n * C;
        const float *dy = dout->data + b * C;
        if (g->channels_first) {
            for (int64_t c = 0; c < C; c++)
                for (int64_t p = 0; p < n; p++) dx[c * n + p] += dy[c] / (float)n;
        } else if (g->is_max) {
            for (int64_t c = 0; c < C; c++) dx[g->arg[b * C + c] * C + c] += dy[c];
        } else if (g->rank == 1 && ctx->mask) {
            const uint8_t *mk = ctx->mask + b * n;
            float cnt = 0.0f;
            for (int64_t p = 0; p < n; p++) cnt += mk[p] ? 1.0f : 0.0f;
            for (int64_t p = 0; p < n; p++)
                if (mk[p])
                    for (int64_t c = 0; c < C; c++) dx[p * C + c] += dy[c] / cnt;
        } else {
            for (int64_t p = 0; p < n; p++)
                for (int64_t c = 0; c < C; c++) dx[p * C + c] += dy[c] / (float)n;
        }
    }
}

static void gpool_destroy(brain_layer *l) { free(((gpool *)l)->arg); }

static brain_status gpool_get_config(const brain_layer *l, cJSON *cfg)
{
    brain_status s = brain__cfg_add_string(cfg, "data_format", ((const gpool *)l)->channels_first ? "channels_first" : "channels_last");
    if (!s) s = brain__cfg_add_bool(cfg, "keepdims", ((const gpool *)l)->keepdims);
    return s;
}

static brain_layer *gpool_new(int rank, bool is_max, bool keepdims, const char *name);

static brain_layer *gpool_from_config(const cJSON *cfg, int rank, bool is_max)
{
    bool keepdims = false, cf = false;
    const cJSON *df = cJSON_GetObjectItemCaseSensitive(cfg, "data_format");
    if (rank == 1 && !is_max && cJSON_IsString(df) && !strcmp(df->valuestring, "channels_first")) cf = true;
    else if (brain__cfg_check_channels_last(cfg)) return NULL;
    if (brain__cfg_get_bool_or(cfg, "keepdims", keepdims, &keepdims)) return NULL;
    if (keepdims && cf) {
        brain__cfg_bad(cfg, "keepdims", "is true with channels_first, which this library does not support");
        return NULL;
    }
    brain_layer *l = gpool_new(rank, is_max, keepdims, brain__cfg_name(cfg));
    if (l) ((gpool *)l)->channels_first = cf;
    return l;
}
static brain_layer *gap2d_from_config(const cJSON *c) { return gpool_from_config(c, 2, false); }
static brain_layer *gmp2d_from_config(const cJSON *c) { return gpool_from_config(c, 2, true); }
static brain_layer *gap1d_from_config(const cJSON *c) { return gpool_from_config(c, 1, false); }
static brain_layer *gmp1d_from_config(const cJSON *c) { return gpool_from_config(c, 1, true); }

#define GPOOL_VT(var, cls, snake, fc)                                                                              \
    const brain_layer_vtable var = {.class_name = cls, .snake_name = snake, .build = gpool_build,                  \
                                    .reserve = gpool_reserve, .forward = gpool_forward, .backward = gpool_backward, \
                                    .destroy = gpool_destroy, .get_config = gpool_get_config, .from_config = fc}
GPOOL_VT(brain__global_average_pooling2d_vt, "GlobalAveragePooling2D", "global_average_pooling2d", gap2d_from_config);
GPOOL_VT(brain__global_max_pooling2d_vt, "GlobalMaxPooling2D", "global_max_pooling2d", gmp2d_from_config);
GPOOL_VT(brain__global_average_pooling1d_vt, "GlobalAveragePooling1D", "global_average_pooling1d", gap1d_from_config);
GPOOL_VT(brain__global_max_pooling1d_vt, "GlobalMaxPooling1D", "global_max_pooling1d", gmp1d_from_config);

static brain_layer *gpool_new(int rank, bool is_max, bool keepdims, const char *name)
{
    const brain_layer_vtable *vt = rank == 1 ? (is_max ? &brain__global_max_pooling1d_vt : &brain__global_average_pooling1d_vt)
                                   : is_max  ? &brain__global_max_pooling2d_vt
                                             : &brain__global_average_pooling2d_vt;
    gpool *g = (gpool *)brain__layer_new(vt, sizeof(gpool), name);
    if (!g) return NULL;
    g->rank = rank;
    g->is_max = is_max;
    g->keepdims = keepdims;
    return &g->base;
}

brain_layer *brain_global_average_pooling2d(const brain_layer_options *opt) { return gpool_new(2, false, false, opt ? opt->name : NULL); }
brain_layer *brain_global_max_pooling2d(const brain_layer_options *opt) { return gpool_new(2, true, false, opt ? opt->name : NULL); }
brain_layer *brain_global_average_pooling1d(const brain_layer_options *opt) { return gpool_new(1, false, false, opt ? opt->name : NULL); }
brain_layer *brain_global_max_pooling1d(const brain_layer_options *opt) { return gpool_new(1, true, false, opt ? opt->name : NULL); }
brain_layer *brain_global_average_pooling1d_opt(const brain_global_pool1d_options *opt)
{
    brain_layer *l = gpool_new(1, false, false, opt ? opt->name : NULL);
    if (l && opt) ((gpool *)l)->channels_first = opt->channels_first;
    return l;
}
brain_layer *brain_global_pooling(const brain_global_pooling_options *opt)
{
    brain_global_pooling_options o = opt ? *opt : (brain_global_pooling_options){0};
    if (o.rank != 1 && o.rank != 2) {
        brain__fail(BRAIN_ERR_ARG, "brain_global_pooling: rank is 1 or 2, got %d", o.rank);
        return NULL;
    }
    return gpool_new(o.rank, o.is_max, o.keepdims, o.name);
}
