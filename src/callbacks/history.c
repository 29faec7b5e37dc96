/* history.c — Keras's History: one value per epoch for every log key.
 *
 * Keys are kept sorted alphabetically.  A key that first appears in a later epoch (or is missing
 * from one epoch's logs) gets NaN for the epochs that lacked it, so every key's values stay
 * aligned with history.epoch.  (Keras appends to a per-key list, which then is shorter than the
 * epoch list; with the fit loop's fixed key set this only differs when a key appears late.) */
#include "callbacks.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

brain_history *brain__history_new(void)
{
    return brain__alloc(sizeof(brain_history));
}

static int history_find(const brain_history *h, const char *key)
{
    for (int i = 0; i < h->n_keys; i++)
        if (strcmp(h->keys[i], key) == 0) return i;
    return -1;
}

static brain_status history_grow(brain_history *h, int need)
{
    if (need <= h->cap_epochs) return BRAIN_OK;
    int cap = h->cap_epochs ? h->cap_epochs : 8;
    while (cap < need) {
        if (cap > (1 << 29)) return brain__fail(BRAIN_ERR_NOMEM, "the history cannot hold %d epochs", need);
        cap *= 2;
    }
    int *ep = realloc(h->epochs, (size_t)cap * sizeof *ep);
    if (!ep) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing the history to %d epochs", cap);
    h->epochs = ep;
    for (int k = 0; k < h->n_keys; k++) {
        double *v = realloc(h->values[k], (size_t)cap * sizeof *v);
        if (!v) return brain__fail(BRAIN_ERR_NOMEM, "out of memory growing the history to %d epochs", cap);
        h->values[k] = v;
    }
    h->cap_epochs = cap;
    return BRAIN_OK;
}

/* Inserts `key` in sorted position with NaN for the epochs already recorded. */
static brain_status history_add_key(brain_history *h, const char *key)
{
    if (h->n_keys >= BRAIN_MAX_LOGS)
        return brain__fail(BRAIN_ERR_ARG, "the history already holds %d keys; cannot add '%s'", BRAIN_MAX_LOGS, key);
    if (strlen(key) >= BRAIN_LOG_NAME)
        return brain__fail(BRAIN_ERR_ARG, "history key '%.20s...' is too long (at most %d characters)", key,
                           BRAIN_LOG_NAME - 1);
    int cap = h->cap_epochs ? h->cap_epochs : 8;
    double *v = malloc((size_t)cap * sizeof *v);
    if (!v) return brain__fail(BRAIN_ERR_NOMEM, "out of memory adding history key '%s'", key);
    for (int e = 0; e < cap; e++) v[e] = NAN;
    int at = 0;
    while (at < h->n_keys && strcmp(h->keys[at], key) < 0) at++;
    memmove(h->keys[at + 1], h->keys[at], (size_t)(h->n_keys - at) * sizeof h->keys[0]);
    memmove(&h->values[at + 1], &h->values[at], (size_t)(h->n_keys - at) * sizeof h->values[0]);
    snprintf(h->keys[at], sizeof h->keys[at], "%s", key);
    h->values[at] = v;
    h->n_keys++;
    return BRAIN_OK;
}

brain_status brain__history_append(brain_history *h, int epoch, const brain_logs *logs)
{
    if (!h) return brain__fail(BRAIN_ERR_ARG, "brain__history_append: the history is NULL");
    if (!h->cap_epochs) {
        brain_status s = history_grow(h, 8);
        if (s) return s;
    }
    for (int i = 0; logs && i < logs->n; i++) {
        if (history_find(h, logs->names[i]) >= 0) continue;
        brain_status s = history_add_key(h, logs->names[i]);
        if (s) return s;
    }
    brain_status s = history_grow(h, h->n_epochs + 1);
    if (s) return s;
    int e = h->n_epochs;
    h->epochs[e] = epoch;
    for (int k = 0; k < h->n_keys; k++) {
        double v;
        h->values[k][e] = brain_logs_get(logs, h->keys[k], &v) ? v : NAN;
    }
    h->n_epochs++;
    return BRAIN_OK;
}

int brain_history_num_keys(const brain_history *h) { return h ? h->n_keys : 0; }

const char *brain_history_key(const brain_history *h, int i)
{
    if (!h || i < 0 || i >= h->n_keys) return NULL;
    return h->keys[i];
}

const double *brain_history_get(const brain_history *h, const char *key, int *n)
{
    if (n) *n = 0;
    if (!h || !key) return NULL;
    int k = history_find(h, key);
    if (k < 0) return NULL;
    if (n) *n = h->n_epochs;
    return h->values[k];
}

int brain_history_num_epochs(const brain_history *h) { return h ? h->n_epochs : 0; }

const int *brain_history_epochs(const brain_history *h) { return h ? h->epochs : NULL; }

void brain_history_free(brain_history *h)
{
    if (!h) return;
    for (int k = 0; k < h->n_keys; k++) free(h->values[k]);
    free(h->epochs);
    free(h);
}
