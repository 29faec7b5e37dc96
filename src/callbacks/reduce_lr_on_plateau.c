/* reduce_lr_on_plateau.c — Keras 3 ReduceLROnPlateau (keras/src/callbacks/reduce_lr_on_plateau.py):
 *
 *   on_train_begin: best = None, cooldown_counter = 0, wait = 0
 *   on_epoch_end(epoch):
 *     logs["learning_rate"] = float(optimizer.learning_rate)        (every epoch)
 *     current = logs[monitor]; missing -> warning
 *     else: if in cooldown: cooldown_counter -= 1, wait = 0
 *           if improved(current, best): best = current, wait = 0
 *           elif not in cooldown: wait += 1
 *                if wait >= patience and old_lr > float32(min_lr):
 *                    new_lr = max(old_lr * factor, min_lr); set it; message;
 *                    cooldown_counter = cooldown; wait = 0
 *
 * Numbers follow Python: the learning rate is the optimizer's float32 read as float64, factor and
 * min_lr are the decimal values the float options spell (0.1f -> 0.1), the product is float64 and
 * the message prints it with repr ("...learning rate to 0.00010000000474974513.").
 * patience = 0 in the options means Keras's default 10; Keras's patience=0 behaves exactly as
 * patience=1 (wait is at least 1 when it is tested), so pass 1 for it. */
#include "callbacks.h"
#include <stdlib.h>
#include <string.h>

typedef struct rlr_state {
    brain_monitor mo;
    double factor, min_lr;
    int patience, verbose, cooldown;
    int cooldown_counter, wait;
    bool warned;
} rlr_state;

static int rlr_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)m;
    (void)logs;
    rlr_state *s = user;
    s->mo.has_best = false;
    s->cooldown_counter = 0;
    s->wait = 0;
    s->warned = false;
    return 0;
}

static int rlr_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    rlr_state *s = user;
    brain_optimizer *opt = brain_model_optimizer(m);
    if (!opt) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_STATE, "ReduceLROnPlateau needs a compiled model with an optimizer"));
        return 1;
    }
    if (!logs) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_ARG, "ReduceLROnPlateau: on_epoch_end got no logs"));
        return 1;
    }
    brain_status st = brain_logs_set(logs, "learning_rate", (double)brain_optimizer_get_learning_rate(opt));
    if (st) { brain__callback_error(m, st); return 1; }
    double current;
    if (!brain_logs_get(logs, s->mo.monitor, &current)) {
        if (!s->warned) {
            char keys[BRAIN_MAX_LOGS * BRAIN_LOG_NAME];
            brain__logs_keys_str(logs, keys, sizeof keys);
            brain__print("Warning: Learning rate reduction is conditioned on metric `%s` which is not available. "
                         "Available metrics are: %s.\n", s->mo.monitor, keys);
            s->warned = true;
        }
        return 0;
    }
    if (s->cooldown_counter > 0) {
        s->cooldown_counter--;
        s->wait = 0;
    }
    if (brain__monitor_improved(&s->mo, current)) {
        s->mo.best = current;
        s->mo.has_best = true;
        s->wait = 0;
    } else if (!(s->cooldown_counter > 0)) {
        s->wait++;
        if (s->wait >= s->patience) {
            double old_lr = (double)brain_optimizer_get_learning_rate(opt);
            if (old_lr > (double)(float)s->min_lr) {
                double new_lr = old_lr * s->factor;
                if (s->min_lr > new_lr) new_lr = s->min_lr; /* Python max(new_lr, min_lr) */
                brain_optimizer_set_learning_rate(opt, (float)new_lr);
                if (s->verbose > 0) {
                    char r[40];
                    brain__repr_double(new_lr, r, sizeof r);
                    brain__print("\nEpoch %d: ReduceLROnPlateau reducing learning rate to %s.\n", epoch + 1, r);
                }
                s->cooldown_counter = s->cooldown;
                s->wait = 0;
            }
        }
    }
    return 0;
}

static void rlr_destroy(brain_callback *cb)
{
    free(cb->self);
    cb->self = NULL;
}

brain_callback *brain_reduce_lr_on_plateau(const brain_reduce_lr_options *opt)
{
    brain_reduce_lr_options o = opt ? *opt : (brain_reduce_lr_options){ 0 };
    double factor = o.factor == 0 ? 0.1 : brain__float_option(o.factor);
    if (factor >= 1.0) {
        char r[40];
        brain__repr_double(factor, r, sizeof r);
        brain__fail(BRAIN_ERR_ARG, "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=%s", r);
        return NULL;
    }
    rlr_state *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    double min_delta = o.has_min_delta ? brain__float_option(o.min_delta) : 1e-4;
    if (brain__monitor_init(&s->mo, o.monitor ? o.monitor : "val_loss", o.mode, min_delta)) {
        free(s);
        return NULL;
    }
    s->factor = factor;
    s->min_lr = brain__float_option(o.min_lr);
    s->patience = o.patience == 0 ? 10 : o.patience;
    s->verbose = o.verbose;
    s->cooldown = o.cooldown;
    brain_callback_hooks h = {
        .on_train_begin = rlr_train_begin,
        .on_epoch_end = rlr_epoch_end,
    };
    return brain__callback_new(BRAIN_CB_REDUCE_LR, &h, s, rlr_destroy);
}
