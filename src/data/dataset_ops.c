/* dataset_ops.c — transformations that reorder or regroup batches: shuffle (a buffer of rows,
 * tf.data's), batch (regrouping rows), cache, repeat, take, skip, shard, and text vectorising.
 * Each wraps the dataset it is given (and owns it). */
#include "dataset.h"
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the rows of a dataset, in order */
typedef struct row_reader {
    brain_batch cur;                /* the upstream batch being read */
    int64_t next_batch, pos;
} row_reader;

/* Makes sure cur has a row at pos; *done when the upstream epoch is over. */
static brain_status rr_fill(brain_dataset *up, row_reader *r, bool *done)
{
    *done = false;
    while (r->pos >= r->cur.rows) {
        if (up->num_batches >= 0 && r->next_batch >= up->num_batches) { *done = true; return BRAIN_OK; }
        brain_status s = brain_dataset_get_batch(up, r->next_batch++, &r->cur);
        if (s) return s;
        if (r->cur.texts && r->cur.n_x == 0)
            return brain__fail(BRAIN_ERR_ARG, "shuffle/batch work on number rows; a text dataset is shuffled and batched "
                               "by its source (or vectorise the texts first)");
        r->pos = 0;
    }
    return BRAIN_OK;
}

static brain_status seq_check(const brain_dataset *d, int64_t i, int64_t next)
{
    if (i == next) return BRAIN_OK;
    return brain__fail(BRAIN_ERR_ARG, "the %s stage is read in order: batch %lld was asked for, batch %lld comes next "
                       "(reset the dataset to start again)", d->vt->name, (long long)i, (long long)next);
}

static int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

/* ------------------------------------------------------------------ shuffle */
/* tf.data's shuffle on rows: the first buffer_size rows fill a buffer; each row sent out is
 * drawn uniformly from the buffer and its place taken by the next row of the stream (once the
 * stream ends, by the buffer's last row).  Batches keep the upstream batch size. */
typedef struct shuffle_ds {
    brain_dataset base;
    int64_t buffer_size, fill, next;
    uint64_t seed;
    brain_rng rng;
    row_reader rr;
    brain_batch buf;
    bool started, stream_done;
} shuffle_ds;

static brain_status shuffle_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    shuffle_ds *s = (shuffle_ds *)d;
    brain_status st = seq_check(d, i, s->next);
    if (st) return st;
    bool done = false;
    if (!s->started) {                                  /* fill the buffer */
        s->started = true;
        if ((st = rr_fill(d->up, &s->rr, &done))) return st;
        if (done) return brain__fail(BRAIN_ERR_ARG, "shuffle: the dataset is empty");
        if ((st = brain__batch_like(&s->buf, &s->rr.cur, s->buffer_size))) return st;
        while (s->fill < s->buffer_size) {
            if ((st = rr_fill(d->up, &s->rr, &done))) return st;
            if (done) break;
            int64_t take = s->rr.cur.rows - s->rr.pos;
            if (take > s->buffer_size - s->fill) take = s->buffer_size - s->fill;
            brain__batch_copy_rows(&s->buf, s->fill, &s->rr.cur, s->rr.pos, take);
            s->fill += take; s->rr.pos += take;
        }
        s->stream_done = done;
    }
    if (s->fill == 0) return brain__fail(BRAIN_ERR_ARG, "shuffle: batch %lld is past the end of the data", (long long)i);
    const int64_t bs = d->batch_size;
    if ((st = brain__batch_like(out, &s->buf, bs))) return st;
    int64_t r = 0;
    for (; r < bs && s->fill > 0; r++) {
        int64_t j = brain_rng_below(&s->rng, s->fill);
        brain__batch_copy_rows(out, r, &s->buf, j, 1);
        if (!s->stream_done && (st = rr_fill(d->up, &s->rr, &s->stream_done))) return st;
        if (!s->stream_done) { brain__batch_copy_rows(&s->buf, j, &s->rr.cur, s->rr.pos, 1); s->rr.pos++; }
        else { brain__batch_copy_rows(&s->buf, j, &s->buf, s->fill - 1, 1); s->fill--; }
    }
    for (int k = 0; k < out->n_x; k++) out->x[k].shape[0] = r, out->x[k].size = r * brain_tensor_row_size(&s->buf.x[k]);
    for (int k = 0; k < out->n_y; k++) out->y[k].shape[0] = r, out->y[k].size = r * brain_tensor_row_size(&s->buf.y[k]);
    out->rows = r;
    s->next++;
    return BRAIN_OK;
}

static brain_status shuffle_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    shuffle_ds *s = (shuffle_ds *)d;
    s->fill = s->next = 0;
    s->started = s->stream_done = false;
    s->rr.next_batch = s->rr.pos = 0;
    s->rr.cur.rows = 0;
    brain_rng_seed(&s->rng, brain__mix_seed(s->seed, (uint64_t)epoch, 1));
    return brain__dataset_reset(d->up, epoch, rng);
}

static void shuffle_destroy(brain_dataset *d)
{
    shuffle_ds *s = (shuffle_ds *)d;
    brain_batch_release(&s->rr.cur);
    brain_batch_release(&s->buf);
}

static const brain_dataset_vt shuffle_vt = { "shuffle", shuffle_get, shuffle_reset, shuffle_destroy };

brain_dataset *brain_dataset_shuffle(brain_dataset *ds, int64_t buffer_size, uint64_t seed)
{
    if (!ds) return NULL;
    if (buffer_size < 1) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_shuffle: buffer_size must be at least 1, got %lld", (long long)buffer_size);
        return NULL;
    }
    shuffle_ds *s = (shuffle_ds *)brain__dataset_new(&shuffle_vt, sizeof *s, ds);
    if (!s) return NULL;
    s->buffer_size = buffer_size;
    s->seed = seed;
    s->base.random_access = false;
    s->base.thread_safe = false;
    if (ds->batch_size < 1) s->base.batch_size = 32;
    s->base.num_batches = ds->num_rows >= 0 ? ceil_div(ds->num_rows, s->base.batch_size) : ds->num_batches < 0 ? -1 : ds->num_batches;
    shuffle_reset(&s->base, 0, NULL);
    return &s->base;
}

/* ------------------------------------------------------------------ batch (regroup rows) */
typedef struct rebatch_ds {
    brain_dataset base;
    bool drop;
    int64_t next;
    row_reader rr;
} rebatch_ds;

static brain_status rebatch_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    rebatch_ds *r = (rebatch_ds *)d;
    brain_status s = seq_check(d, i, r->next);
    if (s) return s;
    bool done = false;
    if ((s = rr_fill(d->up, &r->rr, &done))) return s;
    if (done) return brain__fail(BRAIN_ERR_ARG, "batch: batch %lld is past the end of the data", (long long)i);
    const int64_t bs = d->batch_size;
    if ((s = brain__batch_like(out, &r->rr.cur, bs))) return s;
    int64_t n = 0;
    while (n < bs) {
        if ((s = rr_fill(d->up, &r->rr, &done))) return s;
        if (done) break;
        int64_t take = r->rr.cur.rows - r->rr.pos;
        if (take > bs - n) take = bs - n;
        brain__batch_copy_rows(out, n, &r->rr.cur, r->rr.pos, take);
        n += take; r->rr.pos += take;
    }
    if (n < bs && r->drop) return brain__fail(BRAIN_ERR_ARG, "batch: batch %lld is past the end of the data", (long long)i);
    for (int k = 0; k < out->n_x; k++) out->x[k].shape[0] = n, out->x[k].size = n * brain_tensor_row_size(&r->rr.cur.x[k]);
    for (int k = 0; k < out->n_y; k++) out->y[k].shape[0] = n, out->y[k].size = n * brain_tensor_row_size(&r->rr.cur.y[k]);
    out->rows = n;
    r->next++;
    return BRAIN_OK;
}

static brain_status rebatch_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    rebatch_ds *r = (rebatch_ds *)d;
    r->next = 0;
    r->rr.next_batch = r->rr.pos = 0;
    r->rr.cur.rows = 0;
    return brain__dataset_reset(d->up, epoch, rng);
}

static void rebatch_destroy(brain_dataset *d) { brain_batch_release(&((rebatch_ds *)d)->rr.cur); }

static const brain_dataset_vt rebatch_vt = { "batch", rebatch_get, rebatch_reset, rebatch_destroy };

brain_dataset *brain_dataset_batch(brain_dataset *ds, int batch_size, bool drop_remainder)
{
    if (!ds) return NULL;
    if (batch_size < 1) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_batch: batch_size must be at least 1, got %d", batch_size);
        return NULL;
    }
    rebatch_ds *r = (rebatch_ds *)brain__dataset_new(&rebatch_vt, sizeof *r, ds);
    if (!r) return NULL;
    r->drop = drop_remainder;
    r->base.batch_size = batch_size;
    r->base.random_access = r->base.thread_safe = false;
    r->base.num_batches = ds->num_rows < 0 ? -1 : drop_remainder ? ds->num_rows / batch_size : ceil_div(ds->num_rows, batch_size);
    if (ds->num_rows >= 0) r->base.num_rows = drop_remainder ? r->base.num_batches * batch_size : ds->num_rows;
    return &r->base;
}

/* ------------------------------------------------------------------ cache */
/* The batches of the first full pass are copied into memory; later epochs are served from
 * there as views (the upstream is not read or reset again, as tf.data's cache). */
typedef struct cache_ds {
    brain_dataset base;
    brain_batch *b;
    bool *have;
    int64_t n_have;
    bool complete;
} cache_ds;

static brain_status cache_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    cache_ds *c = (cache_ds *)d;
    brain_batch *cb = &c->b[i];
    brain_status s;
    if (!c->have[i]) {
        brain_batch tmp = *out;                     /* borrow out's storage for the upstream read */
        if ((s = brain_dataset_get_batch(d->up, i, &tmp))) { *out = tmp; return s; }
        *out = tmp;
        if ((s = brain__batch_like(cb, out, out->rows))) return s;
        brain__batch_copy_rows(cb, 0, out, 0, out->rows);
        if (out->texts) {
            size_t *lens = brain__alloc_array((size_t)out->rows + 1, sizeof *lens);
            if (!lens) return BRAIN_ERR_NOMEM;
            for (int64_t r = 0; r < out->rows; r++) lens[r] = strlen(out->texts[r]);
            s = brain__batch_set_texts(cb, out->texts, lens, out->rows);
            free(lens);
            if (s) return s;
        }
        c->have[i] = true;
        if (++c->n_have == d->num_batches) c->complete = true;
    }
    out->n_x = cb->n_x; out->n_y = cb->n_y; out->rows = cb->rows;
    for (int k = 0; k < cb->n_x; k++) out->x[k] = cb->x[k];
    for (int k = 0; k < cb->n_y; k++) out->y[k] = cb->y[k];
    out->sample_weight = cb->sample_weight;
    out->texts = cb->texts;
    return BRAIN_OK;
}

static brain_status cache_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    cache_ds *c = (cache_ds *)d;
    return c->complete ? BRAIN_OK : brain__dataset_reset(d->up, epoch, rng);
}

static void cache_destroy(brain_dataset *d)
{
    cache_ds *c = (cache_ds *)d;
    for (int64_t i = 0; c->b && i < d->num_batches; i++) brain_batch_release(&c->b[i]);
    free(c->b); free(c->have);
}

static const brain_dataset_vt cache_vt = { "cache", cache_get, cache_reset, cache_destroy };

brain_dataset *brain_dataset_cache(brain_dataset *ds)
{
    if (!ds) return NULL;
    if (ds->num_batches < 0) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_cache: the dataset is endless; cache before repeat");
        return NULL;
    }
    cache_ds *c = (cache_ds *)brain__dataset_new(&cache_vt, sizeof *c, ds);
    if (!c) return NULL;
    c->b = brain__alloc_array((size_t)ds->num_batches + 1, sizeof *c->b);
    c->have = brain__alloc_array((size_t)ds->num_batches + 1, sizeof *c->have);
    if (!c->b || !c->have) { brain_dataset_free(&c->base); return NULL; }
    c->base.thread_safe = false;
    return &c->base;
}

/* ------------------------------------------------------------------ repeat, take, skip */
typedef struct repeat_ds {
    brain_dataset base;
    int count, epoch;
    int64_t pass;                   /* the upstream pass now read */
} repeat_ds;

static brain_status repeat_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    repeat_ds *r = (repeat_ds *)d;
    const int64_t n = d->up->num_batches, pass = i / n;
    if (pass != r->pass) {
        if (pass < r->pass && !d->up->random_access)
            return brain__fail(BRAIN_ERR_ARG, "repeat: batch %lld belongs to an earlier pass; reset the dataset", (long long)i);
        brain_status s = brain__dataset_reset(d->up, (int)((int64_t)r->epoch * (r->count > 0 ? r->count : 1) + pass), NULL);
        if (s) return s;
        r->pass = pass;
    }
    return brain_dataset_get_batch(d->up, i % n, out);
}

static brain_status repeat_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    repeat_ds *r = (repeat_ds *)d;
    r->epoch = epoch;
    r->pass = 0;
    return brain__dataset_reset(d->up, (int)((int64_t)epoch * (r->count > 0 ? r->count : 1)), rng);
}

static const brain_dataset_vt repeat_vt = { "repeat", repeat_get, repeat_reset, NULL };

brain_dataset *brain_dataset_repeat(brain_dataset *ds, int count)
{
    if (!ds) return NULL;
    if (ds->num_batches <= 0) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_repeat: the dataset is %s", ds ? "endless or empty" : "NULL");
        return NULL;
    }
    repeat_ds *r = (repeat_ds *)brain__dataset_new(&repeat_vt, sizeof *r, ds);
    if (!r) return NULL;
    r->count = count;
    r->base.num_batches = count > 0 ? ds->num_batches * count : -1;
    r->base.num_rows = count > 0 && ds->num_rows >= 0 ? ds->num_rows * count : -1;
    r->base.thread_safe = false;
    return &r->base;
}

typedef struct window_ds {
    brain_dataset base;
    int64_t skip, next_up;          /* skip: batches left out at the start; next_up: sequential upstream */
    brain_batch scratch;
} window_ds;

static brain_status window_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    window_ds *w = (window_ds *)d;
    const int64_t want = i + w->skip;
    if (!d->up->random_access) {                    /* read past the skipped batches, in order */
        brain_status s;
        while (w->next_up < want)
            if ((s = brain_dataset_get_batch(d->up, w->next_up++, &w->scratch))) return s;
        if (want != w->next_up) return seq_check(d, i, w->next_up - w->skip);
        w->next_up++;
    }
    return brain_dataset_get_batch(d->up, want, out);
}

static brain_status window_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    ((window_ds *)d)->next_up = 0;
    return brain__dataset_reset(d->up, epoch, rng);
}

static void window_destroy(brain_dataset *d) { brain_batch_release(&((window_ds *)d)->scratch); }

static const brain_dataset_vt take_vt = { "take", window_get, window_reset, window_destroy };
static const brain_dataset_vt skip_vt = { "skip", window_get, window_reset, window_destroy };

brain_dataset *brain_dataset_take(brain_dataset *ds, int64_t n)
{
    if (!ds) return NULL;
    if (n < 0) { brain_dataset_free(ds); brain__fail(BRAIN_ERR_ARG, "brain_dataset_take: n must not be negative"); return NULL; }
    window_ds *w = (window_ds *)brain__dataset_new(&take_vt, sizeof *w, ds);
    if (!w) return NULL;
    w->base.num_batches = ds->num_batches >= 0 && ds->num_batches < n ? ds->num_batches : n;
    w->base.num_rows = ds->num_batches >= 0 && n >= ds->num_batches ? ds->num_rows
                       : ds->batch_size > 0 && ds->num_rows >= 0 ? n * ds->batch_size : -1;
    return &w->base;
}

brain_dataset *brain_dataset_skip(brain_dataset *ds, int64_t n)
{
    if (!ds) return NULL;
    if (n < 0) { brain_dataset_free(ds); brain__fail(BRAIN_ERR_ARG, "brain_dataset_skip: n must not be negative"); return NULL; }
    window_ds *w = (window_ds *)brain__dataset_new(&skip_vt, sizeof *w, ds);
    if (!w) return NULL;
    w->skip = n;
    w->base.num_batches = ds->num_batches < 0 ? -1 : ds->num_batches > n ? ds->num_batches - n : 0;
    w->base.num_rows = ds->num_rows >= 0 && ds->batch_size > 0 ? (ds->num_rows > n * ds->batch_size ? ds->num_rows - n * ds->batch_size : 0) : -1;
    return &w->base;
}

/* ------------------------------------------------------------------ shard */
typedef struct shard_ds {
    brain_dataset base;
    int n, index;
    brain_batch scratch;
} shard_ds;

static brain_status shard_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    shard_ds *s = (shard_ds *)d;
    brain_status st = brain_dataset_get_batch(d->up, i, &s->scratch);
    if (st) return st;
    const brain_batch *b = &s->scratch;
    const int64_t r0 = b->rows * s->index / s->n, r1 = b->rows * (s->index + 1) / s->n, nr = r1 - r0;
    out->n_x = b->n_x; out->n_y = b->n_y; out->rows = nr;
    for (int k = 0; k < b->n_x + b->n_y; k++) {
        brain_tensor v = k < b->n_x ? b->x[k] : b->y[k - b->n_x];
        const int64_t rs = brain_tensor_row_size(&v);
        v.data += r0 * rs; v.shape[0] = nr; v.size = nr * rs; v.owns_data = 0;
        if (k < b->n_x) out->x[k] = v; else out->y[k - b->n_x] = v;
    }
    out->sample_weight = b->sample_weight ? b->sample_weight + r0 : NULL;
    out->texts = b->texts ? b->texts + r0 : NULL;
    if (nr == 0) return brain__fail(BRAIN_ERR_ARG, "shard %d of %d: batch %lld has %lld rows, none for this shard; use "
                                    "a batch size of at least %d", s->index, s->n, (long long)i, (long long)b->rows, s->n);
    return BRAIN_OK;
}

static void shard_destroy(brain_dataset *d) { brain_batch_release(&((shard_ds *)d)->scratch); }

static const brain_dataset_vt shard_vt = { "shard", shard_get, NULL, shard_destroy };

brain_dataset *brain_dataset_shard(brain_dataset *ds, int num_shards, int index)
{
    if (!ds) return NULL;
    if (num_shards < 1 || index < 0 || index >= num_shards) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_shard: index %d of %d shards is out of range", index, num_shards);
        return NULL;
    }
    shard_ds *s = (shard_ds *)brain__dataset_new(&shard_vt, sizeof *s, ds);
    if (!s) return NULL;
    s->n = num_shards; s->index = index;
    s->base.thread_safe = false;
    s->base.num_rows = -1;
    s->base.batch_size = ds->batch_size > 0 ? (ds->batch_size + num_shards - 1) / num_shards : 0;
    return &s->base;
}

/* ------------------------------------------------------------------ texts to token ids */
typedef struct vec_ds {
    brain_dataset base;
    const brain_text_vectorizer *v;
    brain_batch scratch;
} vec_ds;

static brain_status vec_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    vec_ds *v = (vec_ds *)d;
    brain_status s = brain_dataset_get_batch(d->up, i, &v->scratch);
    if (s) return s;
    const brain_batch *b = &v->scratch;
    if (!b->texts) return brain__fail(BRAIN_ERR_ARG, "brain_dataset_vectorize_text: the batches hold no texts");
    brain_tensor *ids = NULL;
    if ((s = brain_text_vectorizer_call(v->v, b->texts, b->rows, &ids))) return s;
    float *x = brain_batch_x(out, 0, ids->ndim, ids->shape);
    if (x) memcpy(x, ids->data, sizeof(float) * (size_t)ids->size);
    brain_tensor_free(ids);
    if (!x) return BRAIN_ERR_NOMEM;
    out->n_x = 1;
    out->n_y = b->n_y;
    for (int k = 0; k < b->n_y; k++) out->y[k] = b->y[k];
    out->sample_weight = b->sample_weight;
    out->rows = b->rows;
    return BRAIN_OK;
}

static void vec_destroy(brain_dataset *d) { brain_batch_release(&((vec_ds *)d)->scratch); }

static const brain_dataset_vt vec_vt = { "vectorize_text", vec_get, NULL, vec_destroy };

brain_dataset *brain_dataset_vectorize_text(brain_dataset *ds, const brain_text_vectorizer *v)
{
    if (!ds) return NULL;
    if (!v) { brain_dataset_free(ds); brain__fail(BRAIN_ERR_ARG, "brain_dataset_vectorize_text: the vectorizer is NULL"); return NULL; }
    vec_ds *d = (vec_ds *)brain__dataset_new(&vec_vt, sizeof *d, ds);
    if (!d) return NULL;
    d->v = v;
    d->base.thread_safe = false;
    return &d->base;
}
