/* early_stopping.c — Keras 3 EarlyStopping (keras/src/callbacks/early_stopping.py), step for step:
 *
 *   on_train_begin: wait = 0, stopped_epoch = 0, best = None, best_weights = None, best_epoch = 0
 *   on_epoch_end(epoch):
 *     current = logs[monitor]; missing -> warning, return;   epoch < start_from_epoch -> return
 *     if restore_best_weights and no snapshot yet: snapshot, best_epoch = epoch
 *     wait += 1
 *     if improved(current, best): best = current, best_epoch = epoch, snapshot (if restoring),
 *         wait = 0 only if there is no baseline or current also improves on the baseline; return
 *     if wait >= patience and epoch > 0: stopped_epoch = epoch, stop training
 *   on_train_end: "Epoch {stopped_epoch+1}: early stopping" (verbose, stopped_epoch > 0);
 *     if restoring and a snapshot exists: "Restoring model weights from the end of the best
 *     epoch: {best_epoch+1}." (verbose) and set the weights — also when training did not stop early.
 *
 * The snapshot is brain_model_get_weights (every weight, trainable or not; not the optimizer),
 * into one buffer allocated at train begin. */
#include "callbacks.h"
#include <stdlib.h>
#include <string.h>

typedef struct es_state {
    brain_monitor mo;
    int patience, verbose, start_from_epoch;
    bool has_baseline, restore_best_weights;
    double baseline;
    int wait, stopped_epoch, best_epoch;
    float *best_weights; int64_t n_weights; /* buffer, allocated once per fit */
    bool have_snapshot;
    bool warned;
} es_state;

static int es_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)logs;
    es_state *s = user;
    s->wait = 0;
    s->stopped_epoch = 0;
    s->best_epoch = 0;
    s->mo.has_best = false;
    s->have_snapshot = false;
    s->warned = false;
    if (s->restore_best_weights) {
        int64_t n = brain_model_count_params(m);
        if (n < 0) n = 0;
        if (!s->best_weights || n != s->n_weights) {
            free(s->best_weights);
            s->best_weights = brain__alloc_array((size_t)(n ? n : 1), sizeof(float));
            s->n_weights = s->best_weights ? n : 0;
            if (!s->best_weights) { brain__callback_error(m, BRAIN_ERR_NOMEM); return 1; }
        }
    }
    return 0;
}

static int es_snapshot(brain_model *m, es_state *s)
{
    brain_status st = brain_model_get_weights(m, s->best_weights, s->n_weights);
    if (st) { brain__callback_error(m, st); return 1; }
    s->have_snapshot = true;
    return 0;
}

static int es_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    es_state *s = user;
    double current;
    if (!brain_logs_get(logs, s->mo.monitor, &current)) {
        if (!s->warned) { /* Python's warnings module shows a repeated warning once */
            char keys[BRAIN_MAX_LOGS * BRAIN_LOG_NAME];
            brain__logs_keys_str(logs, keys, sizeof keys);
            brain__print("Warning: Early stopping conditioned on metric `%s` which is not available. "
                         "Available metrics are: %s\n", s->mo.monitor, keys);
            s->warned = true;
        }
        return 0;
    }
    if (epoch < s->start_from_epoch) return 0;
    if (s->restore_best_weights && !s->have_snapshot) {
        if (es_snapshot(m, s)) return 1;
        s->best_epoch = epoch;
    }
    s->wait++;
    if (brain__monitor_improved(&s->mo, current)) {
        s->mo.best = current;
        s->mo.has_best = true;
        s->best_epoch = epoch;
        if (s->restore_best_weights && es_snapshot(m, s)) return 1;
        bool beats_baseline = true;
        if (s->has_baseline) {
            brain_monitor ref = s->mo;
            ref.best = s->baseline;
            ref.has_best = true;
            beats_baseline = brain__monitor_improved(&ref, current);
        }
        if (beats_baseline) s->wait = 0;
        return 0;
    }
    if (s->wait >= s->patience && epoch > 0) {
        s->stopped_epoch = epoch;
        return 1;
    }
    return 0;
}

static int es_train_end(brain_model *m, const brain_logs *logs, void *user)
{
    (void)logs;
    es_state *s = user;
    if (s->stopped_epoch > 0 && s->verbose > 0) brain__print("Epoch %d: early stopping\n", s->stopped_epoch + 1);
    if (s->restore_best_weights && s->have_snapshot) {
        if (s->verbose > 0)
            brain__print("Restoring model weights from the end of the best epoch: %d.\n", s->best_epoch + 1);
        brain_status st = brain_model_set_weights(m, s->best_weights, s->n_weights);
        if (st) { brain__callback_error(m, st); return 1; }
    }
    return 0;
}

static void es_destroy(brain_callback *cb)
{
    es_state *s = cb->self;
    if (!s) return;
    free(s->best_weights);
    free(s);
    cb->self = NULL;
}

brain_callback *brain_early_stopping(const brain_early_stopping_options *opt)
{
    brain_early_stopping_options o = opt ? *opt : (brain_early_stopping_options){ 0 };
    es_state *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    if (brain__monitor_init(&s->mo, o.monitor ? o.monitor : "val_loss", o.mode, brain__float_option(o.min_delta))) {
        free(s);
        return NULL;
    }
    s->patience = o.patience;
    s->verbose = o.verbose;
    s->start_from_epoch = o.start_from_epoch;
    s->has_baseline = o.has_baseline;
    s->baseline = o.baseline;
    s->restore_best_weights = o.restore_best_weights;
    brain_callback_hooks h = {
        .on_train_begin = es_train_begin,
        .on_epoch_end = es_epoch_end,
        .on_train_end = es_train_end,
    };
    return brain__callback_new(BRAIN_CB_EARLY_STOPPING, &h, s, es_destroy);
}

int brain_early_stopping_stopped_epoch(const brain_callback *cb)
{
    if (!cb || cb->kind != BRAIN_CB_EARLY_STOPPING || !cb->self) return 0;
    return ((const es_state *)cb->self)->stopped_epoch;
}

int brain_early_stopping_best_epoch(const brain_callback *cb)
{
    if (!cb || cb->kind != BRAIN_CB_EARLY_STOPPING || !cb->self) return 0;
    return ((const es_state *)cb->self)->best_epoch;
}
