/* regularizers.c — Keras's weight regularizers as values (keras/src/regularizers/regularizers.py).
 * The penalty l1·Σ|w| + l2·Σw² and its gradient are computed by the model (brain__regularization).
 * The constructors take their argument literally (brain_l1(0) is a zero penalty); Keras's defaults
 * are what brain_regularizer_from_name gives. */
#include "internal.h"
#include <string.h>

brain_regularizer brain_l1(float l1) { return (brain_regularizer){ .l1 = l1, .l2 = 0.0f }; }
brain_regularizer brain_l2(float l2) { return (brain_regularizer){ .l1 = 0.0f, .l2 = l2 }; }
brain_regularizer brain_l1_l2(float l1, float l2) { return (brain_regularizer){ .l1 = l1, .l2 = l2 }; }

/* regularizers.get(): the snake-case names and the class names.  "l1_l2" (older Keras 3),
 * "l1l2" (Keras 3.15) and "L1L2" build L1L2(), whose defaults are 0.0 and 0.0 (the docstring's 0.01
 * is not what the code does). */
brain_status brain_regularizer_from_name(const char *name, brain_regularizer *out)
{
    if (!out) return brain__fail(BRAIN_ERR_ARG, "brain_regularizer_from_name: the output pointer is NULL");
    if (!name)
        return brain__fail(BRAIN_ERR_ARG, "the regularizer name is NULL; use \"l1\", \"l2\" or \"l1_l2\"");
    if (!strcmp(name, "l1") || !strcmp(name, "L1")) *out = brain_l1(0.01f);
    else if (!strcmp(name, "l2") || !strcmp(name, "L2")) *out = brain_l2(0.01f);
    else if (!strcmp(name, "l1_l2") || !strcmp(name, "l1l2") || !strcmp(name, "L1L2")) *out = brain_l1_l2(0.0f, 0.0f);
    else
        return brain__fail(BRAIN_ERR_ARG,
                           "unknown regularizer \"%s\"; use \"l1\", \"l2\" or \"l1_l2\" (or the class names \"L1\", "
                           "\"L2\", \"L1L2\")", name);
    return BRAIN_OK;
}
