/* dataset.c — the dataset interface, batch storage, and the two simplest sources: tensors in
 * memory (what brain_fit's tensors become) and a user generator (Keras's PyDataset).
 *
 * Batch storage: a brain_batch owns one growable float buffer per slot (each x, each y, the
 * sample weights) and a text arena; sources write into them or point the tensors at their own
 * memory (views).  After the first batch of the largest size, get_batch allocates nothing. */
#include "dataset.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ batches */
float *brain__batch_slot(brain_batch *b, int slot, int64_t n)
{
    if (n < 1) n = 1;
    if (n > b->cap_[slot]) {
        float *p = realloc(b->buf_[slot], sizeof(float) * (size_t)n);
        if (!p) { brain__fail(BRAIN_ERR_NOMEM, "out of memory for a batch (%lld floats)", (long long)n); return NULL; }
        b->buf_[slot] = p;
        b->cap_[slot] = n;
    }
    return b->buf_[slot];
}

static float *batch_tensor(brain_batch *b, bool is_y, int k, int ndim, const int64_t *shape)
{
    if (k < 0 || k >= BRAIN_DATASET_MAX_IO || ndim < 1 || ndim > BRAIN_MAX_DIMS || !shape) {
        brain__fail(BRAIN_ERR_ARG, "brain_batch_%s: index %d or rank %d out of range", is_y ? "y" : "x", k, ndim);
        return NULL;
    }
    int64_t size = 1;
    for (int i = 0; i < ndim; i++) size *= shape[i];
    float *p = brain__batch_slot(b, is_y ? BRAIN_DATASET_MAX_IO + k : k, size);
    if (!p) return NULL;
    brain_tensor *t = is_y ? &b->y[k] : &b->x[k];
    *t = (brain_tensor){ .data = p, .ndim = ndim, .size = size };
    memcpy(t->shape, shape, sizeof(int64_t) * (size_t)ndim);
    if (is_y) { if (b->n_y < k + 1) b->n_y = k + 1; }
    else if (b->n_x < k + 1) b->n_x = k + 1;
    b->rows = shape[0];
    return p;
}

float *brain_batch_x(brain_batch *b, int k, int ndim, const int64_t *shape) { return b ? batch_tensor(b, false, k, ndim, shape) : NULL; }
float *brain_batch_y(brain_batch *b, int k, int ndim, const int64_t *shape) { return b ? batch_tensor(b, true, k, ndim, shape) : NULL; }

float *brain_batch_sample_weight(brain_batch *b, int64_t rows)
{
    float *p = b ? brain__batch_slot(b, BRAIN__SW_SLOT, rows) : NULL;
    if (p) b->sample_weight = p;
    return p;
}

float *brain__batch_shape(brain_batch *b, bool is_y, int k, const brain_tensor *like, int64_t rows)
{
    int64_t shape[BRAIN_MAX_DIMS];
    memcpy(shape, like->shape, sizeof shape);
    shape[0] = rows;
    return batch_tensor(b, is_y, k, like->ndim, shape);
}

brain_status brain__batch_like(brain_batch *dst, const brain_batch *src, int64_t rows)
{
    dst->n_x = dst->n_y = 0;
    dst->sample_weight = NULL;
    dst->texts = NULL;
    for (int k = 0; k < src->n_x; k++) if (!brain__batch_shape(dst, false, k, &src->x[k], rows)) return BRAIN_ERR_NOMEM;
    for (int k = 0; k < src->n_y; k++) if (!brain__batch_shape(dst, true, k, &src->y[k], rows)) return BRAIN_ERR_NOMEM;
    if (src->sample_weight && !brain_batch_sample_weight(dst, rows)) return BRAIN_ERR_NOMEM;
    if (src->texts) {
        if (rows > dst->text_ptrs_cap_) {
            const char **p = realloc(dst->text_ptrs_, sizeof *p * (size_t)rows);
            if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for a batch's texts");
            dst->text_ptrs_ = p; dst->text_ptrs_cap_ = rows;
        }
        dst->texts = dst->text_ptrs_;
    }
    dst->rows = rows;
    return BRAIN_OK;
}

void brain__batch_copy_rows(brain_batch *dst, int64_t dst_row, const brain_batch *src, int64_t r0, int64_t n)
{
    for (int k = 0; k < src->n_x + src->n_y; k++) {
        const brain_tensor *s = k < src->n_x ? &src->x[k] : &src->y[k - src->n_x];
        brain_tensor *d = k < src->n_x ? &dst->x[k] : &dst->y[k - src->n_x];
        int64_t rs = brain_tensor_row_size(s);
        memcpy(d->data + dst_row * rs, s->data + r0 * rs, sizeof(float) * (size_t)(n * rs));
    }
    if (src->sample_weight && dst->sample_weight)
        memcpy((float *)dst->sample_weight + dst_row, src->sample_weight + r0, sizeof(float) * (size_t)n);
    /* texts: pointers into the source batch's arena — only valid while it lives (the shuffle
     * and regrouping stages keep whole source batches for this reason) */
    if (src->texts && dst->texts) memcpy((void *)(dst->texts + dst_row), src->texts + r0, sizeof(char *) * (size_t)n);
}

brain_status brain__batch_set_texts(brain_batch *b, const char *const *texts, const size_t *lens, int64_t n)
{
    size_t total = 0;
    for (int64_t i = 0; i < n; i++) total += lens[i] + 1;
    if (total > b->text_cap_) {
        char *p = realloc(b->text_arena_, total);
        if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for a batch's texts (%zu bytes)", total);
        b->text_arena_ = p; b->text_cap_ = total;
    }
    if (n > b->text_ptrs_cap_) {
        const char **p = realloc(b->text_ptrs_, sizeof *p * (size_t)n);
        if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for a batch's texts");
        b->text_ptrs_ = p; b->text_ptrs_cap_ = n;
    }
    size_t off = 0;
    for (int64_t i = 0; i < n; i++) {
        memcpy(b->text_arena_ + off, texts[i], lens[i]);
        b->text_arena_[off + lens[i]] = 0;
        b->text_ptrs_[i] = b->text_arena_ + off;
        off += lens[i] + 1;
    }
    b->texts = b->text_ptrs_;
    b->rows = n;
    return BRAIN_OK;
}

void brain_batch_release(brain_batch *b)
{
    if (!b) return;
    for (int i = 0; i <= BRAIN__SW_SLOT; i++) free(b->buf_[i]);
    free(b->text_arena_);
    free(b->text_ptrs_);
    memset(b, 0, sizeof *b);
}

brain_status brain_set_error(brain_status code, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt ? fmt : "", ap);
    va_end(ap);
    return brain__fail(code, "%s", buf);
}

/* ------------------------------------------------------------------ the interface */
brain_dataset *brain__dataset_new(const brain_dataset_vt *vt, size_t size, brain_dataset *up)
{
    brain_dataset *ds = brain__alloc(size);
    if (!ds) { brain_dataset_free(up); return NULL; }
    ds->vt = vt;
    ds->up = up;
    ds->num_batches = up ? up->num_batches : 0;
    ds->num_rows = up ? up->num_rows : -1;
    ds->batch_size = up ? up->batch_size : 0;
    ds->random_access = up ? up->random_access : true;
    ds->thread_safe = up ? up->thread_safe : true;
    return ds;
}

int64_t brain_dataset_num_batches(const brain_dataset *ds) { return ds ? ds->num_batches : 0; }
int64_t brain_dataset_num_rows(const brain_dataset *ds) { return ds ? ds->num_rows : 0; }

const char *const *brain_dataset_class_names(const brain_dataset *ds, int *n)
{
    while (ds && !ds->class_names) ds = ds->up;
    if (n) *n = ds ? ds->n_classes : 0;
    return ds ? (const char *const *)ds->class_names : NULL;
}

const char *const *brain_dataset_file_paths(const brain_dataset *ds, int64_t *n)
{
    while (ds && !ds->file_paths) ds = ds->up;
    if (n) *n = ds ? ds->n_files : 0;
    return ds ? ds->file_paths : NULL;
}

brain_status brain_dataset_get_batch(brain_dataset *ds, int64_t i, brain_batch *out)
{
    if (!ds || !out) return brain__fail(BRAIN_ERR_ARG, "brain_dataset_get_batch: dataset and out are required");
    if (i < 0 || (ds->num_batches >= 0 && i >= ds->num_batches))
        return brain__fail(BRAIN_ERR_ARG, "brain_dataset_get_batch: batch %lld is out of range (the %s dataset has %lld)",
                           (long long)i, ds->vt->name, (long long)ds->num_batches);
    out->sample_weight = NULL;
    out->texts = NULL;
    return ds->vt->get_batch(ds, i, out);
}

brain_status brain__dataset_reset(brain_dataset *ds, int epoch, brain_rng *rng)
{
    if (!ds) return brain__fail(BRAIN_ERR_ARG, "brain_dataset_reset: dataset is NULL");
    if (ds->vt->reset) return ds->vt->reset(ds, epoch, rng);
    return ds->up ? brain__dataset_reset(ds->up, epoch, rng) : BRAIN_OK;
}

brain_status brain_dataset_reset(brain_dataset *ds, int epoch) { return brain__dataset_reset(ds, epoch, NULL); }

void brain_dataset_free(brain_dataset *ds)
{
    if (!ds) return;
    if (ds->vt->destroy) ds->vt->destroy(ds);
    brain_dataset_free(ds->up);
    for (int i = 0; i < ds->n_classes; i++) free(ds->class_names[i]);
    free(ds->class_names);
    free(ds);
}

uint64_t brain__mix_seed(uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t z = seed ^ (a * 0x9E3779B97F4A7C15ull) ^ (b * 0xD1B54A32D192ED03ull);
    for (int r = 0; r < 2; r++) {
        z += 0x9E3779B97F4A7C15ull;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
    }
    return z;
}

void brain__permutation(brain_rng *r, int64_t *perm, int64_t n)
{
    for (int64_t i = 0; i < n; i++) perm[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = brain_rng_below(r, i + 1), t = perm[i];
        perm[i] = perm[j]; perm[j] = t;
    }
}

/* ------------------------------------------------------------------ tensors */
/* Rows in order: batch i views rows [i·bs, i·bs + n) of each tensor (no copy).  Shuffled: a
 * permutation per epoch, from the dataset's own seed (seed, epoch) or from the generator reset
 * passes (fit's: the model's, drawn exactly as brain_fit always drew it), and rows gathered. */
typedef struct tensors_ds {
    brain_dataset base;
    int n_x, n_y;
    brain_tensor x[BRAIN_DATASET_MAX_IO], y[BRAIN_DATASET_MAX_IO];
    const float *sw;
    bool shuffle, own_seed;
    uint64_t seed;
    int64_t n, *perm;
} tensors_ds;

static brain_status tensors_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    tensors_ds *t = (tensors_ds *)d;
    const int64_t bs = d->batch_size, b0 = i * bs, nb = t->n - b0 < bs ? t->n - b0 : bs;
    out->n_x = t->n_x; out->n_y = t->n_y; out->rows = nb;
    for (int k = 0; k < t->n_x + t->n_y; k++) {
        const brain_tensor *src = k < t->n_x ? &t->x[k] : &t->y[k - t->n_x];
        const bool is_y = k >= t->n_x;
        const int kk = is_y ? k - t->n_x : k;
        const int64_t rs = brain_tensor_row_size(src);
        if (!t->perm) {
            brain_tensor v = *src;
            v.data = src->data + b0 * rs; v.shape[0] = nb; v.size = nb * rs; v.owns_data = 0;
            if (is_y) out->y[kk] = v; else out->x[kk] = v;
            continue;
        }
        float *dst = brain__batch_shape(out, is_y, kk, src, nb);
        if (!dst) return BRAIN_ERR_NOMEM;
        for (int64_t r = 0; r < nb; r++) memcpy(dst + r * rs, src->data + t->perm[b0 + r] * rs, sizeof(float) * (size_t)rs);
    }
    if (t->sw) {
        if (!t->perm) out->sample_weight = t->sw + b0;
        else {
            float *w = brain_batch_sample_weight(out, nb);
            if (!w) return BRAIN_ERR_NOMEM;
            for (int64_t r = 0; r < nb; r++) w[r] = t->sw[t->perm[b0 + r]];
        }
    }
    return BRAIN_OK;
}

static brain_status tensors_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    tensors_ds *t = (tensors_ds *)d;
    if (!t->shuffle) return BRAIN_OK;
    brain_rng own;
    if (t->own_seed || !rng) {
        brain_rng_seed(&own, brain__mix_seed(t->seed, (uint64_t)epoch, 0));
        rng = &own;
    }
    brain__permutation(rng, t->perm, t->n);
    return BRAIN_OK;
}

static void tensors_destroy(brain_dataset *d) { free(((tensors_ds *)d)->perm); }

static const brain_dataset_vt tensors_vt = { "tensors", tensors_get, tensors_reset, tensors_destroy };

brain_dataset *brain__dataset_tensors(int n_x, const brain_tensor *xs, int n_y, const brain_tensor *ys,
                                      const float *sample_weight, int batch_size, bool shuffle)
{
    tensors_ds *t = (tensors_ds *)brain__dataset_new(&tensors_vt, sizeof *t, NULL);
    if (!t) return NULL;
    t->n_x = n_x; t->n_y = n_y;
    for (int k = 0; k < n_x; k++) t->x[k] = xs[k];
    for (int k = 0; k < n_y; k++) t->y[k] = ys[k];
    t->n = xs[0].shape[0];
    t->sw = sample_weight;
    t->shuffle = shuffle;
    t->base.batch_size = batch_size > 0 ? batch_size : 32;
    t->base.num_rows = t->n;
    t->base.num_batches = (t->n + t->base.batch_size - 1) / t->base.batch_size;
    if (shuffle) {
        t->perm = brain__alloc_array((size_t)(t->n ? t->n : 1), sizeof(int64_t));
        if (!t->perm) { brain_dataset_free(&t->base); return NULL; }
        for (int64_t i = 0; i < t->n; i++) t->perm[i] = i;
    }
    return &t->base;
}

brain_dataset *brain_dataset_from_tensors(int n_x, const brain_tensor *const *xs, int n_y,
                                          const brain_tensor *const *ys, const brain_dataset_tensor_options *opt)
{
    brain_dataset_tensor_options o = opt ? *opt : (brain_dataset_tensor_options){0};
    const char *fn = "brain_dataset_from_tensors";
    if (n_x < 1 || n_x > BRAIN_DATASET_MAX_IO || n_y < 0 || n_y > BRAIN_DATASET_MAX_IO || !xs || (n_y && !ys)) {
        brain__fail(BRAIN_ERR_ARG, "%s: 1 to %d x tensors and 0 to %d y tensors are needed (got %d and %d)", fn,
                    BRAIN_DATASET_MAX_IO, BRAIN_DATASET_MAX_IO, n_x, n_y);
        return NULL;
    }
    if (o.batch_size < 0) { brain__fail(BRAIN_ERR_ARG, "%s: batch_size must be positive, got %d", fn, o.batch_size); return NULL; }
    brain_tensor x[BRAIN_DATASET_MAX_IO], y[BRAIN_DATASET_MAX_IO];
    for (int k = 0; k < n_x + n_y; k++) {
        const brain_tensor *t = k < n_x ? xs[k] : ys[k - n_x];
        if (!t || !t->data || t->ndim < 1) {
            brain__fail(BRAIN_ERR_ARG, "%s: %s %d is missing", fn, k < n_x ? "x" : "y", k < n_x ? k : k - n_x);
            return NULL;
        }
        if (t->shape[0] != xs[0]->shape[0]) {
            brain__fail(BRAIN_ERR_ARG, "%s: %s %d has %lld rows but x 0 has %lld; they must match", fn, k < n_x ? "x" : "y",
                        k < n_x ? k : k - n_x, (long long)t->shape[0], (long long)xs[0]->shape[0]);
            return NULL;
        }
        if (k < n_x) x[k] = *t; else y[k - n_x] = *t;
    }
    brain_dataset *d = brain__dataset_tensors(n_x, x, n_y, y, o.sample_weight, o.batch_size, o.shuffle == BRAIN_ON);
    if (d) {
        tensors_ds *t = (tensors_ds *)d;
        t->own_seed = o.has_seed;
        t->seed = o.seed;
    }
    return d;
}

/* ------------------------------------------------------------------ generator */
typedef struct gen_ds {
    brain_dataset base;
    brain_generator g;
    bool started;
} gen_ds;

static brain_status gen_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    gen_ds *g = (gen_ds *)d;
    out->n_x = out->n_y = 0;
    out->rows = 0;
    brain_status s = g->g.get_batch(i, out, g->g.user);
    if (s) return s;
    if (out->n_x < 1 && !out->texts)
        return brain__fail(BRAIN_ERR_ARG, "generator dataset: get_batch(%lld) returned no x (fill it with brain_batch_x)",
                           (long long)i);
    return BRAIN_OK;
}

static brain_status gen_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    gen_ds *g = (gen_ds *)d;
    /* PyDataset.on_epoch_end runs after each epoch: before every epoch but the first */
    if (g->started && g->g.on_epoch_end) g->g.on_epoch_end(epoch - 1, g->g.user);
    g->started = true;
    if (g->g.len) d->num_batches = g->g.len(g->g.user);
    return BRAIN_OK;
}

static const brain_dataset_vt gen_vt = { "generator", gen_get, gen_reset, NULL };

brain_dataset *brain_dataset_from_generator(const brain_generator *g)
{
    if (!g || !g->len || !g->get_batch) {
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_generator: len and get_batch are required");
        return NULL;
    }
    int64_t n = g->len(g->user);
    if (n < 0) { brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_generator: len() returned %lld", (long long)n); return NULL; }
    gen_ds *d = (gen_ds *)brain__dataset_new(&gen_vt, sizeof *d, NULL);
    if (!d) return NULL;
    d->g = *g;
    d->base.num_batches = n;
    d->base.thread_safe = g->thread_safe;
    return &d->base;
}
