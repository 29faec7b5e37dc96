/* zero_padding.c — ZeroPadding2D and Cropping2D (channels-last), one geometry each way:
 *   ZeroPadding2D((top, bottom), (left, right)): y[b, i + top, j + left, c] = x[b, i, j, c], zeros around;
 *   Cropping2D((top, bottom), (left, right)):    y[b, i, j, c] = x[b, i + top, j + left, c].
 * Backward moves the gradient back the same way (the padding's zeros and the cropped border get
 * none). */
#include "internal.h"
#include "layers/layer_config.h"
#include <string.h>

typedef struct pad2d {
    brain_layer base;
    bool crop;
    int64_t top, bottom, left, right;
    int64_t H, W, C, OH, OW;
} pad2d;

static brain_status pad_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    pad2d *p = (pad2d *)l;
    if (in[0].ndim != 3) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs images (height, width, channels), got %s", l->vt->class_name, l->name, b);
    }
    p->H = in[0].dims[0]; p->W = in[0].dims[1]; p->C = in[0].dims[2];
    const int64_t sgn = p->crop ? -1 : 1;
    p->OH = p->H + sgn * (p->top + p->bottom);
    p->OW = p->W + sgn * (p->left + p->right);
    if (p->OH < 1 || p->OW < 1)
        return brain__fail(BRAIN_ERR_ARG, "Cropping2D '%s': cropping (%lld, %lld), (%lld, %lld) leaves nothing of a %lldx%lld image",
                           l->name, (long long)p->top, (long long)p->bottom, (long long)p->left, (long long)p->right,
                           (long long)p->H, (long long)p->W);
    *out = (brain_shape){.ndim = 3, .dims = {p->OH, p->OW, p->C}};
    return BRAIN_OK;
}

/* Copies the overlap of the two images: rows of the smaller one's width. */
static void pad_move(const pad2d *p, int64_t batch, const float *src, float *dst, bool backward)
{
    const int64_t C = p->C, oy = p->crop ? -p->top : p->top, ox = p->crop ? -p->left : p->left;
    const int64_t rows = p->crop ? p->OH : p->H, cols = (p->crop ? p->OW : p->W) * C;
    for (int64_t b = 0; b < batch; b++) {
        const float *x = (backward ? dst : src) + b * p->H * p->W * C; /* the input image */
        float *y = (backward ? (float *)src : dst) + b * p->OH * p->OW * C;
        for (int64_t r = 0; r < rows; r++) {
            int64_t iy = p->crop ? r - oy : r, yy = p->crop ? r : r + oy; /* input row, output row */
            int64_t ix = p->crop ? -ox : 0, yx = p->crop ? 0 : ox;
            float *yr = y + (yy * p->OW + yx) * C;
            const float *xr = x + (iy * p->W + ix) * C;
            if (!backward) memcpy(yr, xr, sizeof(float) * (size_t)cols);
            else {
                float *dxr = (float *)xr;
                for (int64_t k = 0; k < cols; k++) dxr[k] += yr[k];
            }
        }
    }
}

static void pad_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    pad2d *p = (pad2d *)l;
    if (!p->crop) memset(out->data, 0, sizeof(float) * (size_t)out->size);
    pad_move(p, in[0]->shape[0], in[0]->data, out->data, false);
}

static void pad_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                         const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    if (din[0]) pad_move((pad2d *)l, in[0]->shape[0], dout->data, din[0]->data, true);
}

static brain_status pad_get_config(const brain_layer *l, cJSON *cfg)
{
    const pad2d *p = (const pad2d *)l;
    cJSON *a = cJSON_CreateArray(), *h = cJSON_CreateArray(), *w = cJSON_CreateArray();
    if (!a || !h || !w) { cJSON_Delete(a); cJSON_Delete(h); cJSON_Delete(w); return brain__fail(BRAIN_ERR_NOMEM, "out of memory"); }
    cJSON_AddItemToArray(h, cJSON_CreateNumber((double)p->top));
    cJSON_AddItemToArray(h, cJSON_CreateNumber((double)p->bottom));
    cJSON_AddItemToArray(w, cJSON_CreateNumber((double)p->left));
    cJSON_AddItemToArray(w, cJSON_CreateNumber((double)p->right));
    cJSON_AddItemToArray(a, h);
    cJSON_AddItemToArray(a, w);
    cJSON_AddItemToObject(cfg, p->crop ? "cropping" : "padding", a);
    return brain__cfg_add_string(cfg, "data_format", "channels_last");
}

/* padding / cropping: n, [a, b] (symmetric per axis) or [[top, bottom], [left, right]] */
static brain_layer *pad_from_config(const cJSON *cfg, bool crop)
{
    const char *key = crop ? "cropping" : "padding";
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    int64_t t[4];
    bool ok = false;
    if (cJSON_IsNumber(v)) { t[0] = t[1] = t[2] = t[3] = brain__to_i64(v->valuedouble); ok = true; }
    else if (cJSON_IsArray(v) && cJSON_GetArraySize(v) == 2) {
        const cJSON *h = v->child, *w = h->next;
        if (cJSON_IsNumber(h) && cJSON_IsNumber(w)) {
            t[0] = t[1] = brain__to_i64(h->valuedouble);
            t[2] = t[3] = brain__to_i64(w->valuedouble);
            ok = true;
        } else if (cJSON_IsArray(h) && cJSON_IsArray(w) && cJSON_GetArraySize(h) == 2 && cJSON_GetArraySize(w) == 2 &&
                   cJSON_IsNumber(h->child) && cJSON_IsNumber(h->child->next) && cJSON_IsNumber(w->child) &&
                   cJSON_IsNumber(w->child->next)) {
            t[0] = brain__to_i64(h->child->valuedouble); t[1] = brain__to_i64(h->child->next->valuedouble);
            t[2] = brain__to_i64(w->child->valuedouble); t[3] = brain__to_i64(w->child->next->valuedouble);
            ok = true;
        }
    }
    if (!ok) {
        brain__cfg_bad(cfg, key, "must be a number, (h, w) or ((top, bottom), (left, right))");
        return NULL;
    }
    if (brain__cfg_check_channels_last(cfg)) return NULL;
    brain_layer_options o = {.name = brain__cfg_name(cfg)};
    return brain__cfg_finish_layer(crop ? brain_cropping2d(t[0], t[1], t[2], t[3], &o) : brain_zero_padding2d(t[0], t[1], t[2], t[3], &o),
                                   cfg);
}
static brain_layer *zp_from_config(const cJSON *cfg) { return pad_from_config(cfg, false); }
static brain_layer *crop_from_config(const cJSON *cfg) { return pad_from_config(cfg, true); }

const brain_layer_vtable brain__zero_padding2d_vt = {
    .class_name = "ZeroPadding2D", .snake_name = "zero_padding2d", .build = pad_build, .forward = pad_forward,
    .backward = pad_backward, .get_config = pad_get_config, .from_config = zp_from_config,
};
const brain_layer_vtable brain__cropping2d_vt = {
    .class_name = "Cropping2D", .snake_name = "cropping2d", .build = pad_build, .forward = pad_forward,
    .backward = pad_backward, .get_config = pad_get_config, .from_config = crop_from_config,
};

static brain_layer *pad_new(bool crop, int64_t top, int64_t bottom, int64_t left, int64_t right, const brain_layer_options *opt)
{
    if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        brain__fail(BRAIN_ERR_ARG, "%s: the amounts must be >= 0, got (%lld, %lld), (%lld, %lld)", crop ? "Cropping2D" : "ZeroPadding2D",
                    (long long)top, (long long)bottom, (long long)left, (long long)right);
        return NULL;
    }
    pad2d *p = (pad2d *)brain__layer_new(crop ? &brain__cropping2d_vt : &brain__zero_padding2d_vt, sizeof(pad2d), opt ? opt->name : NULL);
    if (!p) return NULL;
    p->crop = crop;
    p->top = top; p->bottom = bottom; p->left = left; p->right = right;
    return &p->base;
}

brain_layer *brain_zero_padding2d(int64_t top, int64_t bottom, int64_t left, int64_t right, const brain_layer_options *opt)
{
    return pad_new(false, top, bottom, left, right, opt);
}

brain_layer *brain_cropping2d(int64_t top, int64_t bottom, int64_t left, int64_t right, const brain_layer_options *opt)
{
    return pad_new(true, top, bottom, left, right, opt);
}
