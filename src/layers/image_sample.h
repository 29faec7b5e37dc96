/* image_sample.h — what the image augmentation layers share: the input check, and the pixel
 * sampler of the geometric ones (RandomRotation,
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

/* The image layers' input check: a per-sample (height, width, channels) shape into H, W, C, or
 * BRAIN_ERR_ARG naming the layer and the shape it got. */
brain_status brain__image_shape(const brain_layer *l, const brain_shape *in, int64_t *H, int64_t *W, int64_t *C);

/* Forward (dx == NULL): y[b, oy, ox, :] = x sampled at (yi, xi).  Backward (dx != NULL):
 * dx[b] += the sampler's transpose applied to dy[b, oy, ox, :]. */
void brain__image_sample(const brain__image_sampler *s, int64_t b, int64_t oy, int64_t ox, float yi, float xi,
                         const float *x, float *y, const float *dy, float *dx);
#endif
