/* image_sample.h — the pixel sampler the geometric augmentation layers share (RandomRotation,
 * RandomTranslation, RandomZoom: Keras's affine_transform on (H, W, C) images).  Output pixel
 * (oy, ox) of image b reads the input at (yi, xi): nearest rounds, bilinear weighs the four
 * neighbours, each neighbour mapped into the image on its own by the fill mode (reflect
 * d c b a | a b c d, nearest edge, or constant fill_value). */
#ifndef BRAIN_IMAGE_SAMPLE_H
#define BRAIN_IMAGE_SAMPLE_H
#include "internal.h"

typedef struct brain__image_sampler {
    int64_t H, W, C;
    brain_interpolation interp;
    brain_fill_mode fill;
    float fill_value;
} brain__image_sampler;

/* Forward (dx == NULL): y[b, oy, ox, :] = x sampled at (yi, xi).  Backward (dx != NULL):
 * dx[b] += the sampler's transpose applied to dy[b, oy, ox, :]. */
void brain__image_sample(const brain__image_sampler *s, int64_t b, int64_t oy, int64_t ox, float yi, float xi,
                         const float *x, float *y, const float *dy, float *dx);
#endif
