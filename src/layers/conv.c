/* conv.c — Conv2D and Conv1D (channels-last cross-correlation, no kernel flip).  Conv1D is
 * Conv2D on an image of height 1.
 *
 * Geometry per spatial axis (input n, kernel k, stride s, dilation d, k_eff = (k − 1)·d + 1):
 *   valid: out = ⌊(n − k_eff)/s⌋ + 1, no padding
 *   causal (Conv1D): before = k_eff − 1, none after, out = ⌊(n − 1)/s⌋ + 1
 *   same:  out = ⌈n/s⌉, total = max(0, (out − 1)·s + k_eff − n), before = ⌊total/2⌋,
 *          after = total − before (the odd extra pixel goes to the bottom/right, as in Keras)
 *
 * Forward, as one matrix product over the whole batch (im2col):
 *   col[(b,i,j), (p,q,c)] = x[b, i·s_h + p·d_h − pad_top, j·s_w + q·d_w − pad_left, c]  (0 outside)
 *   z = col · K + bias      (rows N·OH·OW, K reshaped to (kh·kw·C_in, filters))
 *   y = f(z)
 * Backward:
 *   dz = dy ⊙ f'(z)
 *   dK += colᵀ · dz,   db += Σ_rows dz
 *   dcol = dz · Kᵀ,    dx[b, ih, iw, c] += Σ dcol over every (row, p, q) that read x[b, ih, iw, c] (col2im)
 * A 1×1 kernel with stride 1 and no padding reads x directly (col = x).  A short window
 * (kh·kw·C_in ≤ 32, filters a multiple of 32: the first layer on a grey image) forms z from x
 * directly in forward, without columns, with the same sums in the same order (forward_direct_rows).
 * The batch is processed in chunks of whole images whose columns fit in about 512 KB (L2), so the
 * columns are written and read back while cached: one product per chunk (the whole batch in one
 * product when it fits).  Backward rebuilds each chunk's columns instead of keeping a batch of them.
 * Threads take whole chunks (one OpenMP region per pass, each thread with its own columns).  dK
 * sums over every chunk in an order fixed by the batch alone, never by the thread count: the
 * chunks fall into G = min(chunks, DK_GROUPS) groups (group g: chunks [n·g/G, n·(g+1)/G)), each
 * group sums its chunks in order into its own partial, and the partials are added to the
 * gradient in group order (G = 1: straight into the gradient); threads take whole groups.  A
 * forward pass with a single chunk (batch 1)
 * splits that chunk's output rows over the threads instead (each its own columns), a backward one
 * leaves the threads to the matrix kernel.  In backward each chunk forms its own dz = act'(z) ⊙ dy
 * inside its thread's pass; the bias gradient's column sums split groups of 16 filters over the
 * threads afterwards (each filter's sum over the rows in order, as one thread would).
 *
 * groups = G > 1 (Keras's Conv2D groups): the C_in channels and the filters split into G equal
 * groups, group g's filters [g·F/G, (g+1)·F/G) seeing only its channels [g·C/G, (g+1)·C/G); the
 * kernel is (kh, kw, C_in/G, filters).  Per image and group: col_g from x's channel slice, then
 *   z[:, group g's filters] += col_g · K[:, group g's filters]
 *   dK[:, group g's] += col_gᵀ · dz[:, group g's],   dcol_g = dz[:, group g's] · K[:, group g's]ᵀ → col2im
 * images and groups in order (one thread drives the matrix kernel), so bitwise the same for any
 * thread count.
 */
#if defined(__GNUC__) && !defined(__clang__)
/* fp-contract: forward_direct_rows's a·b + c must be the FMA the matrix kernel (sgemm.c) uses */
#pragma GCC optimize("O3", "fp-contract=fast")
#endif
#include "internal.h"
#include "layer_config.h"
#include "parallel.h"
#include "../core/sgemm_portable.h"
#include "../core/kernels/kernels.h"
#include <stdlib.h>
#include <string.h>

/* forward_direct_rows: windows of at most DIRECT_MAX_K values, DIRECT_TILE pixels × DIRECT_FB filters */
#define DIRECT_MAX_K 32
#define DIRECT_FB 32
#define DIRECT_TILE 6
/* dK partial sums: at most this many chunk groups (the threads of a backward pass, at most) */
#define DK_GROUPS 8

typedef struct conv {
    brain_layer base;
    int rank;                               /* 1 (Conv1D) or 2 (Conv2D) */
    int64_t filters, kh, kw, sh, sw, dh, dw;
    bool same, use_bias;
    bool causal;                            /* Conv1D padding "causal": pad_left = (k − 1)·d, no right padding */
    brain_initializer_kind kinit, binit;
    brain_regularizer kreg, breg;
    brain_weight *kernel, *bias;
    int64_t H, W, C, OH, OW, pad_top, pad_left;
    bool direct;                            /* 1×1, stride 1, no padding: col is x itself */
    bool short_window;                      /* forward from x without columns (forward_direct_rows) */
    int64_t tap_off[DIRECT_MAX_K];          /* there: offset in x of window value k from the window's first */
    int64_t chunk;                          /* images per im2col chunk */
    int max_threads;                        /* threads the buffers below were sized for */
    float *col; int64_t col_cap;            /* one chunk's im2col rows per thread; dcol in backward */
    float *dk_part; int64_t dk_part_cap;    /* threads 1.. accumulate dK here, added up after */
    float *z;  int64_t z_cap;               /* pre-activation, when f' needs it */
    float *dz; int64_t dz_cap;
    float *kt;                              /* Kᵀ (filters × kh·kw·C_in), refreshed in each backward */
    int64_t groups;                         /* Keras's groups (1: the paths above) */
    float *gcol; int64_t gcol_cap;          /* groups > 1: one image's columns of one group */
} conv;

/* one spatial axis; false when the window does not fit ("valid" on a too-small input) */
static bool conv_axis(int64_t n, int64_t k, int64_t s, int64_t d, bool same, int64_t *out, int64_t *pad)
{
    int64_t keff = (k - 1) * d + 1;
    if (same) {
        *out = (n + s - 1) / s;
        int64_t total = (*out - 1) * s + keff - n;
        *pad = total > 0 ? total / 2 : 0;
    } else {
        if (n < keff) return false;
        *out = (n - keff) / s + 1;
        *pad = 0;
    }
    return true;
}

static brain_status conv_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    conv *c = (conv *)l;
    const char *cls = l->vt->class_name;
    if (in[0].ndim != c->rank + 1) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs inputs of rank %d (batch, %s, channels), got %s", cls, l->name,
                           c->rank + 2, c->rank == 2 ? "height, width" : "steps", b);
    }
    c->H = c->rank == 2 ? in[0].dims[0] : 1;
    c->W = in[0].dims[c->rank - 1];
    c->C = in[0].dims[c->rank];
    if (c->C % c->groups || c->filters % c->groups)
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': groups=%lld must divide the input channels (%lld) and the filters "
                           "(%lld)", cls, l->name, (long long)c->groups, (long long)c->C, (long long)c->filters);
    int64_t pad_h = 0;
    if (!conv_axis(c->H, c->kh, c->sh, c->dh, c->same, &c->OH, &pad_h) ||
        !conv_axis(c->W, c->kw, c->sw, c->dw, c->same || c->causal, &c->OW, &c->pad_left)) {
        char b[128];
        brain__shape_str(&in[0], b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s': the %lldx%lld kernel (dilation %lldx%lld) does not fit the input %s "
                           "with padding \"valid\"", cls, l->name, (long long)c->kh, (long long)c->kw, (long long)c->dh,
                           (long long)c->dw, b);
    }
    c->pad_top = pad_h;
    if (c->causal) { /* Keras: left-pad (k − 1)·d, then "valid" */
        c->pad_left = (c->kw - 1) * c->dw;
        c->OW = (c->W - 1) / c->sw + 1;
    }
    c->direct = c->kh == 1 && c->kw == 1 && c->sh == 1 && c->sw == 1;
    if (c->groups > 1) c->direct = false;
    c->short_window = c->groups == 1 && !c->direct && c->kh * c->kw * c->C <= DIRECT_MAX_K && c->filters % DIRECT_FB == 0;
    if (c->short_window)
        for (int64_t p = 0, k = 0; p < c->kh; p++)
            for (int64_t q = 0; q < c->kw; q++)
                for (int64_t ci = 0; ci < c->C; ci++) c->tap_off[k++] = (p * c->dh * c->W + q * c->dw) * c->C + ci;
    const int64_t per_image = c->OH * c->OW * c->kh * c->kw * c->C;
    c->chunk = per_image >= 131072 ? 1 : 131072 / per_image;
    out->ndim = c->rank + 1;
    if (c->rank == 2) { out->dims[0] = c->OH; out->dims[1] = c->OW; }
    else out->dims[0] = c->OW;
    out->dims[c->rank] = c->filters;
    int64_t ks[4] = {c->kh, c->kw, c->C / c->groups, c->filters};
    c->kernel = brain__layer_add_weight(l, "kernel", c->rank + 2, c->rank == 2 ? ks : ks + 1,
                                        c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM, c->kreg, true);
    if (!c->kernel) return BRAIN_ERR_ARG;
    if (c->use_bias) {
        c->bias = brain__layer_add_weight(l, "bias", 1, &c->filters, c->binit ? c->binit : BRAIN_INIT_ZEROS, c->breg, true);
        if (!c->bias) return BRAIN_ERR_ARG;
    }
    c->kt = brain__alloc_array((size_t)c->kernel->size, sizeof(float));
    return c->kt ? BRAIN_OK : BRAIN_ERR_NOMEM;
}

static brain_status conv_reserve(brain_layer *l, int64_t batch)
{
    conv *c = (conv *)l;
    int64_t rows = batch * c->OH * c->OW, K = c->kh * c->kw * c->C;
    int nt = brain__num_threads();
    if (nt < c->max_threads) nt = c->max_threads;
    brain_status s = brain__reserve_floats(&c->dz, &c->dz_cap, rows * c->filters);
    if (!s && !c->direct)
        s = brain__reserve_floats(&c->col, &c->col_cap, nt * (batch < c->chunk ? batch : c->chunk) * c->OH * c->OW * K);
    if (!s) s = brain__reserve_floats(&c->dk_part, &c->dk_part_cap, (batch > c->chunk ? DK_GROUPS : 0) * K * c->filters + 1);
    if (!s && !brain__act_backward_uses_y_only(l->activation)) s = brain__reserve_floats(&c->z, &c->z_cap, rows * c->filters);
    if (!s && c->groups > 1) s = brain__reserve_floats(&c->gcol, &c->gcol_cap, c->OH * c->OW * c->kh * c->kw * (c->C / c->groups));
    if (!s) c->max_threads = nt;
    return s;
}

/* groups > 1: image xb's columns over group g's channels, (OH·OW) × (kh·kw·C/G), (p, q, c) order */
static void im2col_group(const conv *c, const float *xb, int64_t g, float *col)
{
    const int64_t H = c->H, W = c->W, C = c->C, Cg = C / c->groups, Kg = c->kh * c->kw * Cg;
    for (int64_t oh = 0; oh < c->OH; oh++)
        for (int64_t ow = 0; ow < c->OW; ow++) {
            float *row = col + (oh * c->OW + ow) * Kg;
            for (int64_t p = 0; p < c->kh; p++) {
                const int64_t ih = oh * c->sh + p * c->dh - c->pad_top;
                for (int64_t q = 0; q < c->kw; q++) {
                    const int64_t iw = ow * c->sw + q * c->dw - c->pad_left;
                    float *dst = row + (p * c->kw + q) * Cg;
                    if (ih < 0 || ih >= H || iw < 0 || iw >= W) memset(dst, 0, sizeof(float) * (size_t)Cg);
                    else memcpy(dst, xb + (ih * W + iw) * C + g * Cg, sizeof(float) * (size_t)Cg);
                }
            }
        }
}

/* groups > 1: dx (image dxb, group g's channels) += col2im(dcol) */
static void col2im_group(const conv *c, const float *dcol, int64_t g, float *dxb)
{
    const int64_t H = c->H, W = c->W, C = c->C, Cg = C / c->groups, Kg = c->kh * c->kw * Cg;
    for (int64_t oh = 0; oh < c->OH; oh++)
        for (int64_t ow = 0; ow < c->OW; ow++) {
            const float *row = dcol + (oh * c->OW + ow) * Kg;
            for (int64_t p = 0; p < c->kh; p++) {
                const int64_t ih = oh * c->sh + p * c->dh - c->pad_top;
                if (ih < 0 || ih >= H) continue;
                for (int64_t q = 0; q < c->kw; q++) {
                    const int64_t iw = ow * c->sw + q * c->dw - c->pad_left;
                    if (iw < 0 || iw >= W) continue;
                    const float *src = row + (p * c->kw + q) * Cg;
                    float *dst = dxb + (ih * W + iw) * C + g * Cg;
                    for (int64_t k = 0; k < Cg; k++) dst[k] += src[k];
                }
            }
        }
}

/* col rows for output rows [r0, r1) of the batch (r = b·OH + oh), from col's start.  For each kernel row p, the kw·C
 * values a window reads are contiguous in x when the dilation along the width is 1, and
 * contiguous in the col row too: one short copy per (ow, p) when the window is inside. */
BRAIN_VECTOR_LOOP static void im2col_rows(const conv *c, const float *x, int64_t r0, int64_t r1, float *col)
{
    const int64_t H = c->H, W = c->W, C = c->C, OH = c->OH, OW = c->OW, kh = c->kh, kw = c->kw;
    const int64_t K = kh * kw * C, seg = kw * C;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t b = r / OH, oh = r % OH;
        const float *xb = x + b * H * W * C;
        float *rows = col + (r - r0) * OW * K;
        for (int64_t p = 0; p < kh; p++) {
            const int64_t ih = oh * c->sh + p * c->dh - c->pad_top;
            if (ih < 0 || ih >= H) {
                for (int64_t ow = 0; ow < OW; ow++) memset(rows + ow * K + p * seg, 0, sizeof(float) * (size_t)seg);
                continue;
            }
            const float *xr = xb + ih * W * C;
            for (int64_t ow = 0; ow < OW; ow++) {
                const int64_t iw0 = ow * c->sw - c->pad_left;
                float *dst = rows + ow * K + p * seg;
                if (c->dw == 1 && iw0 >= 0 && iw0 + kw <= W) {
                    const float *src = xr + iw0 * C;
                    for (int64_t k = 0; k < seg; k++) dst[k] = src[k];
                    continue;
                }
                for (int64_t q = 0; q < kw; q++) {
                    const int64_t iw = iw0 + q * c->dw;
                    if (iw < 0 || iw >= W) for (int64_t k = 0; k < C; k++) dst[q * C + k] = 0.0f;
                    else for (int64_t k = 0; k < C; k++) dst[q * C + k] = xr[iw * C + k];
                }
            }
        }
    }
}

/* dx += col2im(dcol) for images [b0, b1): each image's rows are summed back into that image only */
static void col2im_images(const conv *c, const float *dcol, int64_t b0, int64_t b1, float *dx)
{
    const int64_t H = c->H, W = c->W, C = c->C, OH = c->OH, OW = c->OW, kh = c->kh, kw = c->kw;
    const int64_t K = kh * kw * C;
    for (int64_t b = b0; b < b1; b++) {
        float *xb = dx + b * H * W * C;
        for (int64_t oh = 0; oh < OH; oh++)
            for (int64_t ow = 0; ow < OW; ow++) {
                const float *row = dcol + ((b * OH + oh) * OW + ow) * K;
                for (int64_t p = 0; p < kh; p++) {
                    const int64_t ih = oh * c->sh + p * c->dh - c->pad_top;
                    if (ih < 0 || ih >= H) continue;
                    for (int64_t q = 0; q < kw; q++) {
                        const int64_t iw = ow * c->sw + q * c->dw - c->pad_left;
                        if (iw < 0 || iw >= W) continue;
                        const float *src = row + (p * kw + q) * C;
                        float *dst = xb + (ih * W + iw) * C;
                        for (int64_t k = 0; k < C; k++) dst[k] += src[k];
                    }
                }
            }
    }
}

/* z[r, ow, f] = bias[f] + Σ_(p,q,c) x[window] · K[p, q, c, f] for output rows [r0, r1) (r = b·OH + oh),
 * formed from x directly.  For short windows (kh·kw·C_in ≤ DIRECT_MAX_K, e.g. the first layer on a
 * grey image: 9) the matrix product col·K has too short an inner dimension to pay for writing and
 * reading the columns.  The sums start at 0 and take the window's values in col's order (padding
 * as 0) before the bias is added: the matrix kernel's order, so the results are the same.  Tiles
 * of DIRECT_TILE pixels × DIRECT_FB filters are held in registers, like the matrix kernel's
 * micro-tile (the window's values are read in place at tap_off); a row's last tile is shifted left
 * to end at the row's end (recomputing a few pixels); tiles touching the padding go value by value.
 * relu: z is the layer's output and relu (brain__act_forward's x > 0 ? x : 0) is applied as z is
 * stored, saving a pass over it. */
/* z rows start at the bias (or 0); the product then accumulates into them. */
static void init_z(const conv *c, float *restrict z, int64_t rows)
{
    const int64_t F = c->filters;
    if (!c->use_bias) {
        memset(z, 0, sizeof(float) * (size_t)(rows * F));
        return;
    }
    const float *restrict bias = c->bias->value;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < F; j++) z[r * F + j] = bias[j];
}

/* Compiled per instruction set, chosen with the matrix kernel (core/kernels/kernels.h), so its
 * a·b + c is an FMA exactly where the kernel's is. */
BRAIN_ISA_BODY void forward_direct_rows_body(const conv *c, const float *x, int64_t r0, int64_t r1, float *z, bool relu)
{
    const int64_t H = c->H, W = c->W, C = c->C, OH = c->OH, OW = c->OW, kh = c->kh, kw = c->kw, F = c->filters;
    const int64_t K = kh * kw * C, ps = c->sw * C;
    const float *kern = c->kernel->value, *bias = c->use_bias ? c->bias->value : NULL;
    for (int64_t r = r0; r < r1; r++) {
        const int64_t b = r / OH, oh = r % OH, ih_first = oh * c->sh - c->pad_top;
        const float *xb = x + b * H * W * C;
        float *zr = z + r * OW * F;
        for (int64_t ow0 = 0; ow0 < OW; ow0 += DIRECT_TILE) {
            const int64_t ow = ow0 + DIRECT_TILE <= OW || OW < DIRECT_TILE ? ow0 : OW - DIRECT_TILE;
            const int64_t iw_first = ow * c->sw - c->pad_left;
            const bool inside = ow + DIRECT_TILE <= OW && iw_first >= 0 &&
                                (ow + DIRECT_TILE - 1) * c->sw + (kw - 1) * c->dw - c->pad_left < W && ih_first >= 0 &&
                                ih_first + (kh - 1) * c->dh < H;
            if (inside) {
                const float *base = xb + (ih_first * W + iw_first) * C;
                for (int64_t fb = 0; fb < F; fb += DIRECT_FB) {
                    float acc[DIRECT_TILE][DIRECT_FB];
                    for (int t = 0; t < DIRECT_TILE; t++)
                        for (int j = 0; j < DIRECT_FB; j++) acc[t][j] = 0.0f;
                    for (int64_t k = 0; k < K; k++) {
                        const float *restrict ap = base + c->tap_off[k];
                        const float *restrict kv = kern + k * F + fb;
                        for (int t = 0; t < DIRECT_TILE; t++) {
                            const float at = ap[t * ps];
                            for (int j = 0; j < DIRECT_FB; j++) acc[t][j] += at * kv[j];
                        }
                    }
                    for (int t = 0; t < DIRECT_TILE; t++) {
                        float *restrict zo = zr + (ow + t) * F + fb;
                        for (int j = 0; j < DIRECT_FB; j++) {
                            const float v = (bias ? bias[fb + j] : 0.0f) + acc[t][j];
                            zo[j] = relu ? (v > 0 ? v : 0.0f) : v;
                        }
                    }
                }
                continue;
            }
            const int64_t end = ow0 + DIRECT_TILE < OW ? ow0 + DIRECT_TILE : OW;
            for (int64_t o = ow0; o < end; o++)
                for (int64_t f = 0; f < F; f++) {
                    float acc = 0.0f;
                    for (int64_t p = 0; p < kh; p++) {
                        const int64_t ih = ih_first + p * c->dh;
                        for (int64_t q = 0; q < kw; q++) {
                            const int64_t iw = o * c->sw + q * c->dw - c->pad_left;
                            const bool in = ih >= 0 && ih < H && iw >= 0 && iw < W;
                            for (int64_t ci = 0; ci < C; ci++) {
                                const float v = in ? xb[(ih * W + iw) * C + ci] : 0.0f;
                                acc += v * kern[((p * kw + q) * C + ci) * F + f];
                            }
                        }
                    }
                    const float v = (bias ? bias[f] : 0.0f) + acc;
                    zr[o * F + f] = relu ? (v > 0 ? v : 0.0f) : v;
                }
        }
    }
}

BRAIN_ISA_VARIANTS(static, forward_direct_rows,
                   (const conv *c, const float *x, int64_t r0, int64_t r1, float *z, bool relu),
                   (c, x, r0, r1, z, relu))

/* Threads for a pass over n chunks: several only when the pass is worth a parallel region
 * (about 2 MFLOP or more) and the buffers were sized for them. */
static int conv_threads(const conv *c, int64_t n_chunks, int64_t rows)
{
    int nt = brain__num_threads();
    if (nt > c->max_threads) nt = c->max_threads;
    if (nt > n_chunks) nt = (int)n_chunks;
    return (double)rows * (double)(c->kh * c->kw * c->C) * (double)c->filters >= (double)(1 << 21) ? nt : 1;
}

/* One thread's forward over chunks [k0, k1): columns, z = col·K + bias, y = f(z).  A thread
 * working alone lets the matrix kernel use the threads itself (a single chunk, e.g. batch 1). */
static void forward_chunks(const conv *c, const brain_layer *l, const float *x, float *z, float *y, int64_t batch,
                           int64_t step, int64_t k0, int64_t k1, int tid, bool alone)
{
    const int64_t F = c->filters, K = c->kh * c->kw * c->C, img_in = c->H * c->W * c->C, img_rows = c->OH * c->OW;
    float *col = c->col ? c->col + (int64_t)tid * step * img_rows * K : NULL;
    for (int64_t k = k0; k < k1; k++) {
        const int64_t b0 = k * step, nb = batch - b0 < step ? batch - b0 : step, rows = nb * img_rows;
        const float *A = x + b0 * img_in;
        float *restrict zc = z + b0 * img_rows * F;
        float *yc = y + b0 * img_rows * F;
        if (c->short_window) {
            const bool relu = l->activation == BRAIN_RELU && zc == yc;
            forward_direct_rows(c, A, 0, nb * c->OH, zc, relu);
            if (relu) continue;
        } else {
            init_z(c, zc, rows);
            if (!c->direct) {
                im2col_rows(c, A, 0, nb * c->OH, col);
                A = col;
            }
            (alone ? brain__sgemm_portable : brain__sgemm_portable_serial)(false, false, rows, F, K, 1.0f, A, K,
                                                                          c->kernel->value, F, 1.0f, zc, F);
        }
        if (l->activation != BRAIN_LINEAR || zc != yc) brain__act_forward(l->activation, zc, yc, rows, F);
    }
}

/* A pass of a single chunk (batch 1): the threads split its output rows [r0, r1) (r = b·OH + oh)
 * instead, each building its own rows' columns and multiplying them. */
static void forward_rows(const conv *c, const brain_layer *l, const float *x, float *z, float *y, int64_t batch,
                         int64_t r0, int64_t r1, int tid)
{
    const int64_t F = c->filters, K = c->kh * c->kw * c->C, OW = c->OW, rows = (r1 - r0) * OW;
    if (rows <= 0) return;
    float *col = c->col + (int64_t)tid * batch * c->OH * OW * K; /* batch ≤ chunk here, see conv_reserve */
    im2col_rows(c, x, r0, r1, col);
    float *restrict zc = z + r0 * OW * F, *yc = y + r0 * OW * F;
    init_z(c, zc, rows);
    brain__sgemm_portable_serial(false, false, rows, F, K, 1.0f, col, K, c->kernel->value, F, 1.0f, zc, F);
    if (l->activation != BRAIN_LINEAR || zc != yc) brain__act_forward(l->activation, zc, yc, rows, F);
}

/* groups > 1: image by image, group by group (see the header) */
static void forward_grouped(conv *c, const brain_layer *l, const float *x, float *z, float *y, int64_t batch)
{
    const int64_t F = c->filters, G = c->groups, Fg = F / G, Kg = c->kh * c->kw * (c->C / G);
    const int64_t img_rows = c->OH * c->OW, img_in = c->H * c->W * c->C;
    for (int64_t b = 0; b < batch; b++) {
        float *zb = z + b * img_rows * F;
        init_z(c, zb, img_rows);
        for (int64_t g = 0; g < G; g++) {
            im2col_group(c, x + b * img_in, g, c->gcol);
            brain__sgemm_portable(false, false, img_rows, Fg, Kg, 1.0f, c->gcol, Kg, c->kernel->value + g * Fg, F, 1.0f,
                                  zb + g * Fg, F);
        }
    }
    if (l->activation != BRAIN_LINEAR || z != y) brain__act_forward(l->activation, z, y, batch * img_rows, F);
}

static void backward_grouped(conv *c, brain_activation_kind act, const float *y, const float *dy, const float *x,
                             const float *dz, float *dx, int64_t batch)
{
    const int64_t F = c->filters, G = c->groups, Fg = F / G, Kg = c->kh * c->kw * (c->C / G);
    const int64_t img_rows = c->OH * c->OW, img_in = c->H * c->W * c->C;
    if (act != BRAIN_LINEAR) brain__act_backward(act, c->z, y, dy, c->dz, batch * img_rows, F, false);
    for (int64_t b = 0; b < batch; b++) {
        const float *g_b = dz + b * img_rows * F;
        for (int64_t g = 0; g < G; g++) {
            if (c->kernel->grad) {
                im2col_group(c, x + b * img_in, g, c->gcol);
                brain__sgemm_portable(true, false, Kg, Fg, img_rows, 1.0f, c->gcol, Kg, g_b + g * Fg, F, 1.0f,
                                      c->kernel->grad + g * Fg, F);
            }
            if (dx) {
                brain__sgemm_portable(false, true, img_rows, Kg, Fg, 1.0f, g_b + g * Fg, F, c->kernel->value + g * Fg, F,
                                      0.0f, c->gcol, Kg);
                col2im_group(c, c->gcol, g, dx + b * img_in);
            }
        }
    }
}

static void conv_forward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in, brain_tensor *out)
{
    conv *c = (conv *)l;
    const int64_t batch = in[0]->shape[0];
    if (c->groups > 1) {
        forward_grouped(c, l, in[0]->data, brain__act_backward_uses_y_only(l->activation) ? out->data : c->z, out->data, batch);
        return;
    }
    const int64_t step = c->direct ? batch : c->chunk, n_chunks = (batch + step - 1) / step;
    float *z = brain__act_backward_uses_y_only(l->activation) ? out->data : c->z;
    if (n_chunks == 1 && !c->direct && !c->short_window) {
        const int64_t R = batch * c->OH;
        const int nt = conv_threads(c, R, batch * c->OH * c->OW);
        if (nt > 1) {
            BRAIN_PARALLEL_SPLIT(nt, R, forward_rows(c, l, in[0]->data, z, out->data, batch, r0, r1, tid));
            return;
        }
    }
    const int nt = conv_threads(c, n_chunks, batch * c->OH * c->OW);
    BRAIN_PARALLEL_SPLIT(nt, n_chunks, forward_chunks(c, l, in[0]->data, z, out->data, batch, step, r0, r1, tid, nt == 1));
}

/* One thread's backward over the chunk groups [g0, g1) of n_groups: dK (into the group's partial,
 * or the kernel's gradient when there is one group) from rebuilt columns, then dcol = dz·Kᵀ and
 * col2im into dx. */
static void backward_chunks(const conv *c, brain_activation_kind act, const float *y, const float *dy, const float *x,
                            const float *dz, float *dx, int64_t batch, int64_t step, int64_t n_chunks, int64_t n_groups,
                            int64_t g0, int64_t g1, int tid, bool alone)
{
    const int64_t F = c->filters, K = c->kh * c->kw * c->C, img_in = c->H * c->W * c->C, img_rows = c->OH * c->OW;
    void (*gemm)(bool, bool, int64_t, int64_t, int64_t, float, const float *, int64_t, const float *, int64_t, float,
                 float *, int64_t) = alone ? brain__sgemm_portable : brain__sgemm_portable_serial;
    float *col = c->col ? c->col + (int64_t)tid * step * img_rows * K : NULL;
    for (int64_t grp = g0; grp < g1; grp++) /* each group's chunks, in order, into its own partial */
    for (int64_t k = n_chunks * grp / n_groups; k < n_chunks * (grp + 1) / n_groups; k++) {
        float *dk = !c->kernel->grad ? NULL : n_groups == 1 ? c->kernel->grad : c->dk_part + grp * K * F;
        const int64_t b0 = k * step, nb = batch - b0 < step ? batch - b0 : step, rows = nb * img_rows;
        const float *xc = x + b0 * img_in, *g = dz + b0 * img_rows * F;
        float *dxc = dx ? dx + b0 * img_in : NULL;
        if (act != BRAIN_LINEAR) /* the chunk's dz = act'(z) ⊙ dy */
            brain__act_backward(act, c->z ? c->z + b0 * img_rows * F : NULL, y + b0 * img_rows * F,
                                dy + b0 * img_rows * F, c->dz + b0 * img_rows * F, rows, F, false);
        if (c->direct) {
            if (dk) gemm(true, false, K, F, rows, 1.0f, xc, K, g, F, 1.0f, dk, F);
            if (dxc) gemm(false, false, rows, K, F, 1.0f, g, F, c->kt, K, 1.0f, dxc, K);
            continue;
        }
        if (dk) {
            im2col_rows(c, xc, 0, nb * c->OH, col);
            gemm(true, false, K, F, rows, 1.0f, col, K, g, F, 1.0f, dk, F);
        }
        if (dxc) { /* dcol overwrites the chunk's columns */
            gemm(false, false, rows, K, F, 1.0f, g, F, c->kt, K, 0.0f, col, K);
            col2im_images(c, col, 0, nb, dxc);
        }
    }
}

/* db[j] += Σ_r dz[r, j] for the filters j in [j0, j1), rows in order */
static void bias_grad(const float *dz, int64_t R, int64_t F, int64_t j0, int64_t j1, float *db)
{
    for (int64_t r = 0; r < R; r++)
        for (int64_t j = j0; j < j1; j++) db[j] += dz[r * F + j];
}

static void conv_backward(brain_layer *l, const brain_ctx *ctx, int n_in, const brain_tensor *const *in,
                          const brain_tensor *out, const brain_tensor *dout, brain_tensor *const *din)
{
    conv *c = (conv *)l;
    const int64_t batch = in[0]->shape[0], F = c->filters, K = c->kh * c->kw * c->C, img_rows = c->OH * c->OW;
    const float *dz = l->activation != BRAIN_LINEAR ? c->dz : dout->data; /* each chunk forms its own dz */
    if (c->groups > 1) {
        backward_grouped(c, l->activation, out->data, dout->data, in[0]->data, dz, din[0] ? din[0]->data : NULL, batch);
        if (c->kernel->grad && c->use_bias) bias_grad(dz, batch * img_rows, F, 0, F, c->bias->grad);
        return;
    }
    if (din[0])
        for (int64_t k = 0; k < K; k++)
            for (int64_t j = 0; j < F; j++) c->kt[j * K + k] = c->kernel->value[k * F + j];
    const int64_t step = c->direct ? batch : c->chunk, n_chunks = (batch + step - 1) / step;
    const int64_t n_groups = n_chunks < DK_GROUPS ? n_chunks : DK_GROUPS;
    const int nt = conv_threads(c, n_groups, batch * img_rows);
    if (c->kernel->grad && n_groups > 1) memset(c->dk_part, 0, sizeof(float) * (size_t)(n_groups * K * F));
    BRAIN_PARALLEL_SPLIT(nt, n_groups, backward_chunks(c, l->activation, out->data, dout->data, in[0]->data, dz,
                                                       din[0] ? din[0]->data : NULL, batch, step, n_chunks, n_groups,
                                                       r0, r1, tid, nt == 1));
    if (c->kernel->grad && c->use_bias) { /* db[j] += Σ_r dz[r, j]: the threads take 16-filter groups */
        float *db = c->bias->grad;
        const int64_t R = batch * img_rows, groups = (F + 15) / 16;
        BRAIN_PARALLEL_RANGES(groups, R * F > 65536, bias_grad(dz, R, F, r0 * 16, r1 * 16 < F ? r1 * 16 : F, db));
    }
    if (c->kernel->grad && n_groups > 1) /* the groups' partials, in group order */
        for (int64_t g = 0; g < n_groups; g++)
            for (int64_t i = 0; i < K * F; i++) c->kernel->grad[i] += c->dk_part[g * K * F + i];
}

static void conv_destroy(brain_layer *l)
{
    conv *c = (conv *)l;
    free(c->col);
    free(c->z);
    free(c->dz);
    free(c->kt);
    free(c->dk_part);
    free(c->gcol);
}

static brain_status conv_get_config(const brain_layer *l, cJSON *cfg)
{
    const conv *c = (const conv *)l;
    int n = c->rank, o = 2 - n; /* Conv1D writes the width entries only */
    int64_t ks[2] = {c->kh, c->kw}, st[2] = {c->sh, c->sw}, dl[2] = {c->dh, c->dw};
    brain_status s = brain__cfg_add_number(cfg, "filters", (double)c->filters);
    if (!s) s = brain__cfg_add_ints(cfg, "kernel_size", n, ks + o);
    if (!s) s = brain__cfg_add_ints(cfg, "strides", n, st + o);
    if (!s) s = brain__cfg_add_string(cfg, "padding", c->causal ? "causal" : c->same ? "same" : "valid");
    if (!s) s = brain__cfg_add_string(cfg, "data_format", "channels_last");
    if (!s) s = brain__cfg_add_ints(cfg, "dilation_rate", n, dl + o);
    if (!s) s = brain__cfg_add_number(cfg, "groups", (double)c->groups);
    if (!s) s = brain__cfg_add_string(cfg, "activation", brain_activation_name(l->activation));
    if (!s) s = brain__cfg_add_bool(cfg, "use_bias", c->use_bias);
    if (!s) s = brain__cfg_add_initializer(cfg, "kernel_initializer", c->kinit ? c->kinit : BRAIN_INIT_GLOROT_UNIFORM);
    if (!s) s = brain__cfg_add_initializer(cfg, "bias_initializer", c->binit ? c->binit : BRAIN_INIT_ZEROS);
    if (!s) s = brain__cfg_add_regularizer(cfg, "kernel_regularizer", c->kreg);
    if (!s) s = brain__cfg_add_regularizer(cfg, "bias_regularizer", c->breg);
    if (!s) s = brain__cfg_add_null(cfg, "activity_regularizer");
    if (!s) s = brain__cfg_add_null(cfg, "kernel_constraint");
    if (!s) s = brain__cfg_add_null(cfg, "bias_constraint");
    return s;
}

static brain_layer *conv_from_config(const cJSON *cfg, int rank)
{
    double filters = 0, groups = 1;
    int64_t ks[2] = {0, 0}, st[2] = {1, 1}, dl[2] = {1, 1};
    bool same = false, use_bias = true, causal = false;
    brain_conv_options o = {.name = brain__cfg_name(cfg)};
    const cJSON *pad = cJSON_GetObjectItemCaseSensitive(cfg, "padding");
    if (rank == 1 && cJSON_IsString(pad) && !strcmp(pad->valuestring, "causal")) causal = true;
    if (brain__cfg_get_number(cfg, "filters", &filters) ||
        brain__cfg_get_tuple(cfg, "kernel_size", rank, ks, true) ||
        brain__cfg_get_tuple(cfg, "strides", rank, st, false) ||
        brain__cfg_get_tuple(cfg, "dilation_rate", rank, dl, false) ||
        brain__cfg_get_number_or(cfg, "groups", groups, &groups) ||
        (!causal && brain__cfg_get_padding(cfg, &same)) || brain__cfg_check_channels_last(cfg) ||
        brain__cfg_get_activation_or(cfg, "activation", BRAIN_LINEAR, &o.activation) || brain__cfg_get_bool_or(cfg, "use_bias", use_bias, &use_bias) ||
        brain__cfg_get_initializer(cfg, "kernel_initializer", &o.kernel_initializer) ||
        brain__cfg_get_initializer(cfg, "bias_initializer", &o.bias_initializer) ||
        brain__cfg_get_regularizer(cfg, "kernel_regularizer", &o.kernel_regularizer) ||
        brain__cfg_get_regularizer(cfg, "bias_regularizer", &o.bias_regularizer))
        return NULL;
    if (groups < 1 || groups != (double)brain__to_i64(groups)) {
        brain__cfg_bad(cfg, "groups", "is %g; it must be a positive integer", groups);
        return NULL;
    }
    o.groups = brain__to_i64(groups);
    o.padding = causal ? BRAIN_PADDING_CAUSAL : same ? BRAIN_PADDING_SAME : BRAIN_PADDING_VALID;
    o.use_bias = use_bias ? BRAIN_ON : BRAIN_OFF;
    for (int i = 0; i < rank; i++) { o.strides[i] = st[i]; o.dilation_rate[i] = dl[i]; }
    return rank == 2 ? brain_conv2d(brain__to_i64(filters), ks[0], ks[1], &o) : brain_conv1d(brain__to_i64(filters), ks[0], &o);
}
static brain_layer *conv2d_from_config(const cJSON *cfg) { return conv_from_config(cfg, 2); }
static brain_layer *conv1d_from_config(const cJSON *cfg) { return conv_from_config(cfg, 1); }

const brain_layer_vtable brain__conv2d_vt = {
    .class_name = "Conv2D", .snake_name = "conv2d", .build = conv_build, .reserve = conv_reserve,
    .forward = conv_forward, .backward = conv_backward, .destroy = conv_destroy,
    .get_config = conv_get_config, .from_config = conv2d_from_config,
};
const brain_layer_vtable brain__conv1d_vt = {
    .class_name = "Conv1D", .snake_name = "conv1d", .build = conv_build, .reserve = conv_reserve,
    .forward = conv_forward, .backward = conv_backward, .destroy = conv_destroy,
    .get_config = conv_get_config, .from_config = conv1d_from_config,
};

static brain_layer *conv_new(int rank, int64_t filters, int64_t kh, int64_t kw, const brain_conv_options *opt)
{
    const char *cls = rank == 2 ? "Conv2D" : "Conv1D";
    brain_conv_options o = opt ? *opt : (brain_conv_options){0};
    int64_t st[2] = {o.strides[0] ? o.strides[0] : 1, 0}, dl[2] = {o.dilation_rate[0] ? o.dilation_rate[0] : 1, 0};
    st[1] = o.strides[1] ? o.strides[1] : st[0];
    dl[1] = o.dilation_rate[1] ? o.dilation_rate[1] : dl[0];
    if (filters <= 0 || kh <= 0 || kw <= 0) {
        brain__fail(BRAIN_ERR_ARG, "%s: filters and kernel_size must be positive, got filters=%lld kernel_size=%lld", cls,
                    (long long)filters, (long long)(kh <= 0 ? kh : kw));
        return NULL;
    }
    if (o.groups < 0) {
        brain__fail(BRAIN_ERR_ARG, "%s: groups must be positive, got %lld", cls, (long long)o.groups);
        return NULL;
    }
    if (st[0] < 1 || st[1] < 1 || dl[0] < 1 || dl[1] < 1) {
        brain__fail(BRAIN_ERR_ARG, "%s: strides and dilation_rate must be positive", cls);
        return NULL;
    }
    if ((unsigned)o.activation >= BRAIN_ACTIVATION_COUNT ||
        (o.padding != BRAIN_PADDING_VALID && o.padding != BRAIN_PADDING_SAME && (o.padding != BRAIN_PADDING_CAUSAL || rank != 1))) {
        brain__fail(BRAIN_ERR_ARG, "%s: activation %d or padding %d is not a valid value", cls, (int)o.activation, (int)o.padding);
        return NULL;
    }
    conv *c = (conv *)brain__layer_new(rank == 2 ? &brain__conv2d_vt : &brain__conv1d_vt, sizeof(conv), o.name);
    if (!c) return NULL;
    c->rank = rank;
    c->filters = filters;
    c->kh = kh; c->kw = kw;
    if (rank == 2) { c->sh = st[0]; c->sw = st[1]; c->dh = dl[0]; c->dw = dl[1]; }
    else { c->sh = 1; c->sw = st[0]; c->dh = 1; c->dw = dl[0]; }
    c->same = o.padding == BRAIN_PADDING_SAME;
    c->causal = o.padding == BRAIN_PADDING_CAUSAL;
    c->use_bias = o.use_bias != BRAIN_OFF;
    c->kinit = o.kernel_initializer; c->binit = o.bias_initializer;
    c->kreg = o.kernel_regularizer; c->breg = o.bias_regularizer;
    c->base.activation = o.activation;
    c->groups = o.groups ? o.groups : 1;
    return &c->base;
}

brain_layer *brain_conv2d(int64_t filters, int64_t kh, int64_t kw, const brain_conv_options *opt)
{
    return conv_new(2, filters, kh, kw, opt);
}

brain_layer *brain_conv1d(int64_t filters, int64_t kernel_size, const brain_conv_options *opt)
{
    return conv_new(1, filters, 1, kernel_size, opt);
}
