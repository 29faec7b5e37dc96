/* h5_lock.c — one thread in HDF5 at a time.  Debian's libhdf5 is built without
 * --enable-threadsafe, so two models saved or loaded in two threads at once would race inside it;
 * every entry into HDF5 from brain (h5_weights.c's image readers and writers, the legacy parse)
 * holds this mutex.  The legacy sandbox forks while holding it, so the child's copy of HDF5 is
 * never caught mid-call; the child is single-threaded and skips the lock. */
#include "io/io.h"
#include <pthread.h>
#include <stdbool.h>

static pthread_mutex_t g_h5 = PTHREAD_MUTEX_INITIALIZER;
static bool g_child;

void brain__h5_lock(void)
{
    if (!g_child) pthread_mutex_lock(&g_h5);
}

void brain__h5_unlock(void)
{
    if (!g_child) pthread_mutex_unlock(&g_h5);
}

void brain__h5_lock_in_child(void) { g_child = true; }
