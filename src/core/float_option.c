/* float_option.c — a float option as the decimal the user wrote (0.2f -> 0.2), so that doubles
 * derived from it match Keras's Python floats (validation_split's split point, a saved
 * learning rate, a layer's factor in its config).  Layers, optimizers, losses, callbacks and the
 * file formats all use it, so it lives here, below them. */
#include "internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The shortest %e rendering that reads back as f, as a double. */
double brain__float_option(float f)
{
    if (!isfinite(f) || f == 0) return (double)f;
    char tmp[48];
    for (int prec = 0; prec < 9; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, (double)f);
        if (strtof(tmp, NULL) == f) return strtod(tmp, NULL);
    }
    return (double)f;
}
