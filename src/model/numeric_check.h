/* numeric_check.h — finite inputs and weights (numeric_check.c, issue 16). */
#ifndef BRAIN_MODEL_NUMERIC_CHECK_H
#define BRAIN_MODEL_NUMERIC_CHECK_H
#include "internal.h"
/* BRAIN_ERR_NUMERIC naming fn, the tensor `name`, the row and column of the first NaN/±Inf. */
brain_status brain__check_finite_tensor(const brain_tensor *t, const char *fn, const char *name);
/* The same for a plain array (sample weights, class weights): names the index. */
brain_status brain__check_finite_floats(const float *v, int64_t n, const char *fn, const char *name);
/* Every x[k] and y[k], named xname / yname ("x", "y"; "x 0", "x 1" when there are several). */
brain_status brain__check_finite_set(const char *fn, int n_x, const brain_tensor *x, int n_y, const brain_tensor *y,
                                     const char *xname, const char *yname);
/* BRAIN_ERR_NUMERIC naming the first layer and weight holding a NaN/±Inf; `when` ends the
 * sentence's "became non-finite ..." ("after epoch 3"). */
brain_status brain__check_weights_finite(const brain_model *m, const char *fn, const char *when);
#endif
