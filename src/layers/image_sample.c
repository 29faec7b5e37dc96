/* image_sample.c — one output pixel of an affine image transform, forward and backward
 * (image_sample.h). */
#include "image_sample.h"
#include <math.h>

brain_status brain__image_shape(const brain_layer *l, const brain_shape *in, int64_t *H, int64_t *W, int64_t *C)
{
    if (in->ndim != 3) {
        char b[128];
        brain__shape_str(in, b, sizeof b);
        return brain__fail(BRAIN_ERR_ARG, "%s '%s' needs (batch, height, width, channels) images, got %s", l->vt->class_name,
                           l->name, b);
    }
    *H = in->dims[0]; *W = in->dims[1]; *C = in->dims[2];
    return BRAIN_OK;
}

/* an index along an axis of n cells, mapped into it by the fill mode; -1 means "fill_value" */
static inline int64_t fix_index(int64_t i, int64_t n, brain_fill_mode mode)
{
    if (i >= 0 && i < n) return i;
    if (mode == BRAIN_FILL_CONSTANT) return -1;
    if (mode == BRAIN_FILL_NEAREST) return i < 0 ? 0 : n - 1;
    int64_t m = i % (2 * n); /* reflect: period 2n, the second half mirrored */
    if (m < 0) m += 2 * n;
    return m < n ? m : 2 * n - 1 - m;
}

void brain__image_sample(const brain__image_sampler *s, int64_t b, int64_t oy, int64_t ox, float yi, float xi,
                         const float *x, float *y, const float *dy, float *dx)
{
    const int64_t H = s->H, W = s->W, C = s->C;
    int64_t iy[2], ix[2];
    float wy[2], wx[2];
    int n;
    if (s->interp == BRAIN_INTERP_NEAREST) {
        iy[0] = (int64_t)nearbyintf(yi); ix[0] = (int64_t)nearbyintf(xi);
        wy[0] = wx[0] = 1.0f;
        n = 1;
    } else {
        const float fy = floorf(yi), fx = floorf(xi);
        iy[0] = (int64_t)fy; iy[1] = iy[0] + 1; wy[1] = yi - fy; wy[0] = 1.0f - wy[1];
        ix[0] = (int64_t)fx; ix[1] = ix[0] + 1; wx[1] = xi - fx; wx[0] = 1.0f - wx[1];
        n = 2;
    }
    const int64_t o = ((b * H + oy) * W + ox) * C;
    if (!dx) for (int64_t c = 0; c < C; c++) y[o + c] = 0.0f;
    for (int p = 0; p < n; p++)
        for (int q = 0; q < n; q++) {
            const float w = wy[p] * wx[q];
            const int64_t sy = fix_index(iy[p], H, s->fill), sx = fix_index(ix[q], W, s->fill);
            if (sy < 0 || sx < 0) {
                if (!dx) for (int64_t c = 0; c < C; c++) y[o + c] += w * s->fill_value;
                continue;
            }
            const int64_t si = ((b * H + sy) * W + sx) * C;
            if (dx) for (int64_t c = 0; c < C; c++) dx[si + c] += w * dy[o + c];
            else for (int64_t c = 0; c < C; c++) y[o + c] += w * x[si + c];
        }
}
