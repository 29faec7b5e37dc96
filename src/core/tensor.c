/* tensor.c — float32 row-major tensors with the batch on the first axis. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

static brain_status check_shape(int ndim, const int64_t *shape, int64_t *size)
{
    if (ndim < 1 || ndim > BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_ARG, "a tensor needs 1 to %d dimensions, got %d", BRAIN_MAX_DIMS, ndim);
    if (!shape) return brain__fail(BRAIN_ERR_ARG, "tensor shape is NULL");
    int64_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] < 0) return brain__fail(BRAIN_ERR_ARG, "tensor dimension %d is negative (%lld)", i, (long long)shape[i]);
        if (shape[i] && n > INT64_MAX / 4 / shape[i])
            return brain__fail(BRAIN_ERR_ARG, "tensor shape is too large (dimension %d overflows)", i);
        n *= shape[i];
    }
    *size = n;
    return BRAIN_OK;
}

static brain_tensor *make(int ndim, const int64_t *shape, float *data, int owns)
{
    int64_t size;
    if (check_shape(ndim, shape, &size)) return NULL;
    brain_tensor *t = brain__alloc(sizeof *t);
    if (!t) return NULL;
    t->ndim = ndim;
    memcpy(t->shape, shape, sizeof(int64_t) * ndim);
    t->size = size;
    if (data) {
        t->data = data;
        t->owns_data = owns;
    } else {
        t->data = brain__alloc_array((size_t)size, sizeof(float));
        if (!t->data) { free(t); return NULL; }
        t->owns_data = 1;
    }
    return t;
}

brain_tensor *brain_tensor_new(int ndim, const int64_t *shape) { return make(ndim, shape, NULL, 1); }

brain_tensor *brain_tensor_wrap(float *data, int ndim, const int64_t *shape)
{
    if (!data) { brain__fail(BRAIN_ERR_ARG, "brain_tensor_wrap: data is NULL"); return NULL; }
    return make(ndim, shape, data, 0);
}

brain_tensor *brain_tensor_from(const float *data, int ndim, const int64_t *shape)
{
    brain_tensor *t = make(ndim, shape, NULL, 1);
    if (t && data) memcpy(t->data, data, sizeof(float) * t->size);
    return t;
}

brain_tensor *brain_tensor_clone(const brain_tensor *t)
{
    if (!t) { brain__fail(BRAIN_ERR_ARG, "brain_tensor_clone: tensor is NULL"); return NULL; }
    return brain_tensor_from(t->data, t->ndim, t->shape);
}

int64_t brain_tensor_rows(const brain_tensor *t) { return t ? t->shape[0] : 0; }

int64_t brain_tensor_row_size(const brain_tensor *t)
{
    if (!t) return 0;
    int64_t n = 1;
    for (int i = 1; i < t->ndim; i++) n *= t->shape[i];
    return n;
}

brain_tensor *brain_tensor_slice_rows(const brain_tensor *t, int64_t begin, int64_t end)
{
    if (!t) { brain__fail(BRAIN_ERR_ARG, "brain_tensor_slice_rows: tensor is NULL"); return NULL; }
    if (begin < 0 || end < begin || end > t->shape[0]) {
        brain__fail(BRAIN_ERR_ARG, "rows [%lld, %lld) are outside a tensor of %lld rows",
                    (long long)begin, (long long)end, (long long)t->shape[0]);
        return NULL;
    }
    int64_t shape[BRAIN_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[0] = end - begin;
    int64_t rs = brain_tensor_row_size(t);
    return brain_tensor_from(t->data + begin * rs, t->ndim, shape);
}

brain_tensor *brain_tensor_take_rows(const brain_tensor *t, const int64_t *rows, int64_t n)
{
    if (!t || (!rows && n)) { brain__fail(BRAIN_ERR_ARG, "brain_tensor_take_rows: NULL argument"); return NULL; }
    int64_t shape[BRAIN_MAX_DIMS];
    memcpy(shape, t->shape, sizeof shape);
    shape[0] = n;
    brain_tensor *o = brain_tensor_new(t->ndim, shape);
    if (!o) return NULL;
    int64_t rs = brain_tensor_row_size(t);
    for (int64_t i = 0; i < n; i++) {
        if (rows[i] < 0 || rows[i] >= t->shape[0]) {
            brain__fail(BRAIN_ERR_ARG, "row index %lld is outside a tensor of %lld rows",
                        (long long)rows[i], (long long)t->shape[0]);
            brain_tensor_free(o);
            return NULL;
        }
        memcpy(o->data + i * rs, t->data + rows[i] * rs, sizeof(float) * rs);
    }
    return o;
}

brain_status brain_tensor_reshape(brain_tensor *t, int ndim, const int64_t *shape)
{
    if (!t) return brain__fail(BRAIN_ERR_ARG, "brain_tensor_reshape: tensor is NULL");
    int64_t size;
    brain_status s = check_shape(ndim, shape, &size);
    if (s) return s;
    if (size != t->size)
        return brain__fail(BRAIN_ERR_ARG, "cannot reshape a tensor of %lld values into one of %lld",
                           (long long)t->size, (long long)size);
    t->ndim = ndim;
    memset(t->shape, 0, sizeof t->shape);
    memcpy(t->shape, shape, sizeof(int64_t) * ndim);
    return BRAIN_OK;
}

void brain_tensor_free(brain_tensor *t)
{
    if (!t) return;
    if (t->owns_data) free(t->data);
    free(t);
}

void brain__dims_str(int ndim, const int64_t *shape, char *buf, size_t cap)
{
    size_t n = 0;
    n += (size_t)snprintf(buf + n, cap - n, "(");
    for (int i = 0; i < ndim && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%lld", i ? ", " : "", (long long)shape[i]);
    if (n < cap) snprintf(buf + n, cap - n, ndim == 1 ? ",)" : ")");
}
