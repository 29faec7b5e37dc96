/* model_lock.c — one model used from several threads (issue 16, docs/reliability.md).
 *
 * Every model carries a recursive mutex, taken by the calls that read or write its buffers —
 * fit, evaluate, predict (and their _multi forms), the explicit loop's calls, saving and loading
 * weights.  So calls on one model from several threads are safe and run one after another (the
 * same results as any serial order); a callback may call back into its own model (recursive).
 * Separate models share nothing mutable and run in parallel.  For parallel predictions from one
 * trained model, give each thread its own copy (brain_load_model of the same file). */
#include "internal.h"
#include <pthread.h>
#include <stdlib.h>

struct brain_model_lock { pthread_mutex_t mu; };

brain_status brain__model_lock_init(brain_model *m)
{
    m->lock = malloc(sizeof *m->lock);
    if (!m->lock) return brain__fail(BRAIN_ERR_NOMEM, "out of memory creating a model");
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
    int e = pthread_mutex_init(&m->lock->mu, &a);
    pthread_mutexattr_destroy(&a);
    if (e) {
        free(m->lock);
        m->lock = NULL;
        return brain__fail(BRAIN_ERR_NOMEM, "cannot create a model's mutex (error %d)", e);
    }
    return BRAIN_OK;
}

void brain__model_lock_free(brain_model *m)
{
    if (!m->lock) return;
    pthread_mutex_destroy(&m->lock->mu);
    free(m->lock);
    m->lock = NULL;
}

void brain__model_lock(brain_model *m)
{
    if (m && m->lock) pthread_mutex_lock(&m->lock->mu);
}

void brain__model_unlock(brain_model *m)
{
    if (m && m->lock) pthread_mutex_unlock(&m->lock->mu);
}
