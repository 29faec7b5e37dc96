/* layer.c — what every layer shares: creation, weight declaration, initialisation, shapes. */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Frees a layer: its own destroy hook, its weight descriptions, then the layer. */
void brain__layer_free(brain_layer *l)
{
    if (!l) return;
    if (l->vt->destroy) l->vt->destroy(l);
    for (int i = 0; i < l->n_weights; i++) free(l->weights[i]);
    free(l);
}

brain_layer *brain__layer_new(const brain_layer_vtable *vt, size_t size, const char *name)
{
    brain_layer *l = brain__alloc(size);
    if (!l) return NULL;
    l->vt = vt;
    l->trainable = true;
    if (name && *name) {
        if (strlen(name) >= BRAIN_NAME_MAX) {
            brain__fail(BRAIN_ERR_ARG, "layer name '%.40s...' is longer than %d characters", name, BRAIN_NAME_MAX - 1);
            free(l);
            return NULL;
        }
        strcpy(l->name, name);
        l->name_given = true;
    } else {
        snprintf(l->name, sizeof l->name, "%s", vt->snake_name);
    }
    return l;
}

brain_weight *brain__layer_add_weight(brain_layer *l, const char *name, int ndim, const int64_t *shape,
                                      brain_initializer_kind init, brain_regularizer reg, bool trainable)
{
    if (l->n_weights >= BRAIN_MAX_LAYER_WEIGHTS) {
        brain__fail(BRAIN_ERR_ARG, "layer '%s' declares more than %d weights", l->name, BRAIN_MAX_LAYER_WEIGHTS);
        return NULL;
    }
    brain_weight *w = brain__alloc(sizeof *w);
    if (!w) return NULL;
    snprintf(w->name, sizeof w->name, "%s", name);
    w->ndim = ndim;
    w->size = 1;
    for (int i = 0; i < ndim; i++) {
        w->shape[i] = shape[i];
        if (shape[i] <= 0 || w->size > INT64_MAX / 8 / shape[i]) {
            brain__fail(BRAIN_ERR_ARG, "layer '%s': weight '%s' would have an invalid shape (dimension %d = %lld)",
                        l->name, name, i, (long long)shape[i]);
            free(w);
            return NULL;
        }
        w->size *= shape[i];
    }
    w->trainable = trainable;
    w->init = init;
    w->reg = reg;
    w->layer = l;
    l->weights[l->n_weights++] = w;
    return w;
}

int64_t brain__shape_size(const brain_shape *s)
{
    int64_t n = 1;
    for (int i = 0; i < s->ndim; i++) n *= s->dims[i];
    return n;
}

void brain__shape_str(const brain_shape *s, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "(None");
    for (int i = 0; i < s->ndim && k < cap; i++) k += (size_t)snprintf(buf + k, cap - k, ", %lld", (long long)s->dims[i]);
    if (k < cap) snprintf(buf + k, cap - k, ")");
}

brain_status brain__reserve_floats(float **buf, int64_t *cap, int64_t n)
{
    if (n <= *cap) return BRAIN_OK;
    float *p = realloc(*buf, sizeof(float) * (size_t)(n ? n : 1));
    if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing a buffer to %lld floats", (long long)n);
    *buf = p;
    *cap = n;
    return BRAIN_OK;
}

/* Keras's compute_fans */
static void fans(const brain_weight *w, double *fan_in, double *fan_out)
{
    if (w->ndim < 1) { *fan_in = *fan_out = 1; return; }
    if (w->ndim == 1) { *fan_in = *fan_out = (double)w->shape[0]; return; }
    if (w->ndim == 2) { *fan_in = (double)w->shape[0]; *fan_out = (double)w->shape[1]; return; }
    double receptive = 1;
    for (int i = 0; i < w->ndim - 2; i++) receptive *= (double)w->shape[i];
    *fan_in = (double)w->shape[w->ndim - 2] * receptive;
    *fan_out = (double)w->shape[w->ndim - 1] * receptive;
}

static double truncated_normal(brain_rng *r)
{
    double v;
    do v = brain_rng_normal(r); while (fabs(v) > 2.0);
    return v;
}

/* Orthogonal: flatten to (rows, cols) = (prod(shape[:-1]), shape[-1]), QR of a normal matrix
 * of shape (max, min), sign-corrected, transposed if rows < cols (Keras's recipe). */
static void orthogonal(brain_weight *w, brain_rng *r)
{
    int64_t cols = w->shape[w->ndim - 1], rows = w->size / cols;
    int64_t big = rows > cols ? rows : cols, small = rows > cols ? cols : rows;
    double *q = malloc(sizeof(double) * (size_t)(big * small));
    if (!q) { for (int64_t i = 0; i < w->size; i++) w->value[i] = 0; return; }
    for (int64_t i = 0; i < big * small; i++) q[i] = brain_rng_normal(r);
    /* modified Gram–Schmidt on the columns of q (big × small); r_jj's sign folded in */
    for (int64_t j = 0; j < small; j++) {
        for (int64_t k = 0; k < j; k++) {
            double d = 0;
            for (int64_t i = 0; i < big; i++) d += q[i * small + j] * q[i * small + k];
            for (int64_t i = 0; i < big; i++) q[i * small + j] -= d * q[i * small + k];
        }
        double nrm = 0;
        for (int64_t i = 0; i < big; i++) nrm += q[i * small + j] * q[i * small + j];
        nrm = sqrt(nrm);
        if (nrm < 1e-12) nrm = 1e-12;
        for (int64_t i = 0; i < big; i++) q[i * small + j] /= nrm;
    }
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++)
            w->value[i * cols + j] = (float)(rows >= cols ? q[i * small + j] : q[j * small + i]);
    free(q);
}

void brain__init_weight(brain_weight *w, brain_rng *rng)
{
    double fi, fo;
    fans(w, &fi, &fo);
    double scale = 1, n = 1;
    int dist = 0; /* 0 uniform, 1 truncated normal */
    if (w->init == BRAIN__INIT_UNIT_FORGET_BIAS) {
        for (int64_t i = 0; i < w->size; i++) w->value[i] = i >= w->size / 4 && i < w->size / 2 ? 1.0f : 0.0f;
        return;
    }
    switch (w->init) {
    case BRAIN_INIT_ZEROS: memset(w->value, 0, sizeof(float) * w->size); return;
    case BRAIN_INIT_ONES: for (int64_t i = 0; i < w->size; i++) w->value[i] = 1; return;
    case BRAIN_INIT_RANDOM_UNIFORM:
        for (int64_t i = 0; i < w->size; i++) w->value[i] = (float)(-0.05 + 0.1 * brain_rng_uniform(rng));
        return;
    case BRAIN_INIT_RANDOM_NORMAL:
        for (int64_t i = 0; i < w->size; i++) w->value[i] = (float)(0.05 * brain_rng_normal(rng));
        return;
    case BRAIN_INIT_ORTHOGONAL: orthogonal(w, rng); return;
    case BRAIN_INIT_DEFAULT:
    case BRAIN_INIT_GLOROT_UNIFORM: scale = 1; n = (fi + fo) / 2; dist = 0; break;
    case BRAIN_INIT_GLOROT_NORMAL: scale = 1; n = (fi + fo) / 2; dist = 1; break;
    case BRAIN_INIT_HE_UNIFORM: scale = 2; n = fi; dist = 0; break;
    case BRAIN_INIT_HE_NORMAL: scale = 2; n = fi; dist = 1; break;
    case BRAIN_INIT_LECUN_UNIFORM: scale = 1; n = fi; dist = 0; break;
    case BRAIN_INIT_LECUN_NORMAL: scale = 1; n = fi; dist = 1; break;
    }
    if (n < 1) n = 1;
    if (dist == 0) {
        double limit = sqrt(3.0 * scale / n);
        for (int64_t i = 0; i < w->size; i++) w->value[i] = (float)(limit * (2.0 * brain_rng_uniform(rng) - 1.0));
    } else {
        double sd = sqrt(scale / n) / 0.87962566103423978;
        for (int64_t i = 0; i < w->size; i++) w->value[i] = (float)(sd * truncated_normal(rng));
    }
}

const char *brain_layer_name(const brain_layer *l) { return l ? l->name : ""; }
const char *brain_layer_class(const brain_layer *l) { return l ? l->vt->class_name : ""; }
brain_shape brain_layer_output_shape(const brain_layer *l) { return l ? l->out_shape : (brain_shape){0}; }

int64_t brain_layer_param_count(const brain_layer *l)
{
    int64_t n = 0;
    for (int i = 0; l && i < l->n_weights; i++) n += l->weights[i]->size;
    return n;
}

void brain_layer_set_trainable(brain_layer *l, bool trainable)
{
    if (l) l->trainable = trainable;
}
