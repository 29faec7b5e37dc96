/* dataset_parallel.c — map (a user function on worker threads) and prefetch (a background
 * thread working ahead): one stage that keeps up to `depth` batches in flight.
 *
 *   workers:  claim the next index i (in order), read batch i from upstream into slot i % depth
 *             (under a fetch lock when upstream is not thread-safe, so it is still read in
 *             order), copy it into the slot's own storage if it is a view, apply fn, mark ready
 *   consumer: get_batch(i) waits for slot i, swaps the whole batch with `out` (no copy: the
 *             slot gets out's old buffers to fill next), frees the slot
 * Batches come out in order and each one's map seed depends only on (epoch, i), so results do
 * not depend on the number of threads.  reset() stops claiming, waits for the batches in
 * flight, drops the slots, resets upstream (on the caller's thread) and starts over. */
#include "dataset.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { SLOT_FREE, SLOT_FILLING, SLOT_READY };

typedef struct slot {
    brain_batch b;
    int64_t index;
    int state;
    brain_status st;
    char err[512];
} slot;

typedef struct par_ds {
    brain_dataset base;
    brain_map_fn fn;
    void *user;
    int n_threads, depth, started;
    pthread_t *th;
    pthread_mutex_t mu, fetch_mu;
    pthread_cond_t cv;
    slot *slots;
    int64_t next_claim, next_deliver, end;
    int epoch, in_flight;
    bool stop, quit;
} par_ds;

static uint64_t map_seed(int epoch, int64_t i) { return brain__mix_seed(0x6d61702d73656564ull, (uint64_t)epoch, (uint64_t)i); }

/* A batch whose tensors view memory it does not own gets its own copy (the upstream may
 * reuse that memory for the next batch while this one waits). */
static brain_status materialize(brain_batch *b)
{
    for (int k = 0; k < b->n_x + b->n_y; k++) {
        const bool y = k >= b->n_x;
        const int kk = y ? k - b->n_x : k, slotk = y ? BRAIN_DATASET_MAX_IO + kk : kk;
        brain_tensor src = y ? b->y[kk] : b->x[kk];
        if (src.data == b->buf_[slotk]) continue;
        float *dst = brain__batch_shape(b, y, kk, &src, src.shape[0]);
        if (!dst) return BRAIN_ERR_NOMEM;
        memcpy(dst, src.data, sizeof(float) * (size_t)src.size);
    }
    if (b->sample_weight && b->sample_weight != b->buf_[BRAIN__SW_SLOT]) {
        const float *src = b->sample_weight;
        float *w = brain__batch_slot(b, BRAIN__SW_SLOT, b->rows);
        if (!w) return BRAIN_ERR_NOMEM;
        memmove(w, src, sizeof(float) * (size_t)b->rows);
        b->sample_weight = w;
    }
    if (b->texts && b->texts != b->text_ptrs_) {
        const char *const *src = b->texts;
        size_t *lens = brain__alloc_array((size_t)b->rows + 1, sizeof *lens);
        if (!lens) return BRAIN_ERR_NOMEM;
        for (int64_t r = 0; r < b->rows; r++) lens[r] = strlen(src[r]);
        brain_status s = brain__batch_set_texts(b, src, lens, b->rows);
        free(lens);
        if (s) return s;
    }
    return BRAIN_OK;
}

static brain_status produce(par_ds *p, int64_t i, brain_batch *b, int epoch)
{
    brain_status s = brain_dataset_get_batch(p->base.up, i, b);
    if (!s && p->fn) s = materialize(b);   /* fn changes the batch: never the source's memory it may view */
    if (!s && p->fn) s = p->fn(b, i, map_seed(epoch, i), p->user);
    return s;
}

static bool can_claim(const par_ds *p)
{
    return !p->stop && p->next_claim < p->end && p->next_claim - p->next_deliver < p->depth &&
           p->slots[p->next_claim % p->depth].state == SLOT_FREE;
}

static void *worker(void *arg)
{
    par_ds *p = arg;
    const bool serial = !p->base.up->thread_safe;
    for (;;) {
        if (serial) pthread_mutex_lock(&p->fetch_mu);
        pthread_mutex_lock(&p->mu);
        while (!p->quit && !can_claim(p)) pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit) {
            pthread_mutex_unlock(&p->mu);
            if (serial) pthread_mutex_unlock(&p->fetch_mu);
            return NULL;
        }
        const int64_t i = p->next_claim++;
        slot *sl = &p->slots[i % p->depth];
        sl->state = SLOT_FILLING;
        sl->index = i;
        const int epoch = p->epoch;
        p->in_flight++;
        pthread_mutex_unlock(&p->mu);
        brain_status s = brain_dataset_get_batch(p->base.up, i, &sl->b);
        if (serial) pthread_mutex_unlock(&p->fetch_mu);
        if (!s) s = materialize(&sl->b);
        if (!s && p->fn) s = p->fn(&sl->b, i, map_seed(epoch, i), p->user);
        pthread_mutex_lock(&p->mu);
        sl->st = s;
        if (s) snprintf(sl->err, sizeof sl->err, "%s", brain_last_error());
        sl->state = SLOT_READY;
        p->in_flight--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
}

/* with mu held: no new claims, wait for the batches in flight, drop every slot */
static void drain(par_ds *p)
{
    p->stop = true;
    while (p->in_flight) pthread_cond_wait(&p->cv, &p->mu);
    for (int k = 0; k < p->depth; k++) p->slots[k].state = SLOT_FREE;
}

static brain_status start_threads(par_ds *p)
{
    for (; p->started < p->n_threads; p->started++)
        if (pthread_create(&p->th[p->started], NULL, worker, p))
            return brain__fail(BRAIN_ERR_STATE, "%s: cannot start worker thread %d", p->base.vt->name, p->started + 1);
    return BRAIN_OK;
}

static brain_status par_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    par_ds *p = (par_ds *)d;
    if (p->n_threads == 0) return produce(p, i, out, p->epoch);
    pthread_mutex_lock(&p->mu);
    brain_status s = start_threads(p);
    if (!s && p->stop) {                              /* the last reset failed: nothing is read */
        pthread_mutex_unlock(&p->mu);
        return brain__fail(BRAIN_ERR_STATE, "the %s stage: the dataset's last reset failed; reset it again", d->vt->name);
    }
    if (!s && i != p->next_deliver) {               /* a jump: start over from i */
        if (!d->up->random_access) {
            pthread_mutex_unlock(&p->mu);
            return brain__fail(BRAIN_ERR_ARG, "the %s stage over a dataset read in order was asked for batch %lld, "
                               "batch %lld comes next", d->vt->name, (long long)i, (long long)p->next_deliver);
        }
        drain(p);
        p->next_claim = p->next_deliver = i;
        p->stop = false;
        pthread_cond_broadcast(&p->cv);
    }
    slot *sl = &p->slots[i % p->depth];
    while (!s && !(sl->state == SLOT_READY && sl->index == i)) pthread_cond_wait(&p->cv, &p->mu);
    if (!s) {
        brain_batch t = *out; *out = sl->b; sl->b = t;
        s = sl->st;
        if (s) brain__fail(s, "%s", sl->err);
        sl->state = SLOT_FREE;
        p->next_deliver++;
        pthread_cond_broadcast(&p->cv);
    }
    pthread_mutex_unlock(&p->mu);
    return s;
}

static brain_status par_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    par_ds *p = (par_ds *)d;
    if (p->n_threads == 0) { p->epoch = epoch; return brain__dataset_reset(d->up, epoch, rng); }
    pthread_mutex_lock(&p->mu);
    drain(p);
    pthread_mutex_unlock(&p->mu);
    brain_status s = brain__dataset_reset(d->up, epoch, rng);   /* no worker reads upstream now */
    pthread_mutex_lock(&p->mu);
    d->num_batches = d->up->num_batches;
    p->end = d->num_batches < 0 ? INT64_MAX : d->num_batches;
    p->epoch = epoch;
    p->next_claim = p->next_deliver = 0;
    p->stop = s != BRAIN_OK;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return s;
}

static void par_destroy(brain_dataset *d)
{
    par_ds *p = (par_ds *)d;
    if (p->n_threads > 0) {
        pthread_mutex_lock(&p->mu);
        p->quit = true;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
        for (int k = 0; k < p->started; k++) pthread_join(p->th[k], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_mutex_destroy(&p->fetch_mu);
        pthread_cond_destroy(&p->cv);
    }
    for (int k = 0; p->slots && k < p->depth; k++) brain_batch_release(&p->slots[k].b);
    free(p->slots);
    free(p->th);
}

static const brain_dataset_vt map_vt = { "map", par_get, par_reset, par_destroy };
static const brain_dataset_vt prefetch_vt = { "prefetch", par_get, par_reset, par_destroy };

static brain_dataset *par_new(const brain_dataset_vt *vt, brain_dataset *ds, brain_map_fn fn, void *user, int n_threads, int depth)
{
    par_ds *p = (par_ds *)brain__dataset_new(vt, sizeof *p, ds);
    if (!p) return NULL;
    p->fn = fn; p->user = user;
    p->n_threads = n_threads;
    p->depth = depth;
    p->end = ds->num_batches < 0 ? INT64_MAX : ds->num_batches;
    p->base.thread_safe = false;
    if (n_threads > 0) {
        p->slots = brain__alloc_array((size_t)depth, sizeof *p->slots);
        p->th = brain__alloc_array((size_t)n_threads, sizeof *p->th);
        pthread_mutex_init(&p->mu, NULL);
        pthread_mutex_init(&p->fetch_mu, NULL);
        pthread_cond_init(&p->cv, NULL);
        if (!p->slots || !p->th) { brain_dataset_free(&p->base); return NULL; }
    }
    return &p->base;
}

brain_dataset *brain_dataset_map(brain_dataset *ds, brain_map_fn fn, void *user, int num_threads)
{
    if (!ds) return NULL;
    if (!fn || num_threads < 0 || num_threads > 256) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_map: %s", fn ? "num_threads must be 0 to 256" : "the function is NULL");
        return NULL;
    }
    /* 0 or 1: on the caller's thread; more: that many workers, two batches ahead each */
    return par_new(&map_vt, ds, fn, user, num_threads > 1 ? num_threads : 0, 2 * num_threads);
}

brain_dataset *brain_dataset_prefetch(brain_dataset *ds, int n)
{
    if (!ds) return NULL;
    if (n < 0 || n > 1024) {
        brain_dataset_free(ds);
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_prefetch: n must be 0 (default 2) to 1024, got %d", n);
        return NULL;
    }
    return par_new(&prefetch_vt, ds, NULL, NULL, 1, n ? n : 2);
}
