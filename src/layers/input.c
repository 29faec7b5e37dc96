/* input.c — InputLayer: declares the per-sample input shape; it has no computation. */
#include "internal.h"

static brain_status input_build(brain_layer *l, int n_in, const brain_shape *in, brain_shape *out)
{
    *out = l->out_shape;
    return BRAIN_OK;
}

const brain_layer_vtable brain__input_vtable = {
    .class_name = "InputLayer", .snake_name = "input_layer", .build = input_build,
};

brain_layer *brain_input(brain_shape shape)
{
    if (shape.ndim < 1 || shape.ndim > BRAIN_MAX_DIMS - 1) {
        brain__fail(BRAIN_ERR_ARG, "Input: a shape needs 1 to %d dimensions (batch excluded), got %d",
                    BRAIN_MAX_DIMS - 1, shape.ndim);
        return NULL;
    }
    for (int i = 0; i < shape.ndim; i++)
        if (shape.dims[i] <= 0) {
            brain__fail(BRAIN_ERR_ARG, "Input: dimension %d of the shape is %lld; every dimension must be positive",
                        i, (long long)shape.dims[i]);
            return NULL;
        }
    brain_layer *l = brain__layer_new(&brain__input_vtable, sizeof(brain_layer), NULL);
    if (!l) return NULL;
    l->out_shape = shape;
    return l;
}
