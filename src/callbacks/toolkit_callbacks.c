/* toolkit_callbacks.c — Keras's LearningRateScheduler, LambdaCallback and SwapEMAWeights
 * (keras/src/callbacks/{learning_rate_scheduler,lambda_callback,swap_ema_weights}.py). */
#include "callbacks.h"
#include <math.h>
#include <stdlib.h>

typedef struct lrs { brain_lr_epoch_fn fn; void *user; int verbose; } lrs;

static int lrs_epoch_begin(brain_model *m, int epoch, const brain_logs *logs, void *user)
{
    (void)logs;
    lrs *s = user;
    brain_optimizer *o = brain_model_optimizer(m);
    if (!o) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_STATE, "LearningRateScheduler needs a compiled model with an optimizer"));
        return 1;
    }
    if (o->schedule) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_STATE,
            "LearningRateScheduler: the optimizer's learning rate is a %s schedule, which cannot be set (Keras raises "
            "TypeError too); give the optimizer a constant learning rate", brain_lr_schedule_class(o->schedule)));
        return 1;
    }
    float lr = s->fn(epoch, brain_optimizer_get_learning_rate(o), s->user);
    if (!isfinite(lr)) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_NUMERIC, "LearningRateScheduler: the schedule returned %g at epoch %d; "
                                             "it must return a finite number", (double)lr, epoch));
        return 1;
    }
    brain_optimizer_set_learning_rate(o, lr);
    if (s->verbose > 0) {
        char b[48];
        brain__repr_double((double)lr, b, sizeof b);
        brain__print("\nEpoch %d: LearningRateScheduler setting learning rate to %s.\n", epoch + 1, b);
    }
    return 0;
}

static int lrs_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)epoch;
    (void)user;
    brain_optimizer *o = brain_model_optimizer(m);
    if (o && brain_logs_set(logs, "learning_rate", (double)brain_optimizer_get_learning_rate(o))) {
        brain__callback_error(m, BRAIN_ERR_ARG);
        return 1;
    }
    return 0;
}

static void free_self(brain_callback *cb) { free(cb->self); }

brain_callback *brain_learning_rate_scheduler(brain_lr_epoch_fn fn, void *user, int verbose)
{
    if (!fn) {
        brain__fail(BRAIN_ERR_ARG, "LearningRateScheduler: the schedule function is NULL");
        return NULL;
    }
    lrs *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    *s = (lrs){ fn, user, verbose };
    brain_callback_hooks h = { .on_epoch_begin = lrs_epoch_begin, .on_epoch_end = lrs_epoch_end };
    return brain__callback_new(BRAIN_CB_LR_SCHEDULER, &h, s, free_self);
}

brain_callback *brain_lambda_callback(const brain_callback_hooks *hooks) { return brain_callback_custom(hooks); }

/* SwapEMAWeights (keras/src/callbacks/swap_ema_weights.py).  `in_model`: the model holds the
 * averages.  Keras's hooks, with fit's validation driving on_test_begin / on_test_end:
 *   on_epoch_begin  swap_on_epoch and in_model      -> swap (raw weights back for training)
 *   on_epoch_end    swap_on_epoch and not in_model  -> swap (callbacks after it see the averages)
 *   on_test_begin   not in_model                    -> swap (validation uses the averages)
 *   on_test_end     in_model                        -> swap
 * So with either setting the validation of every epoch is computed with the averaged weights. */
typedef struct swap { bool in_model, swap_on_epoch; } swap;

static brain_status do_swap(brain_model *m)
{
    brain_optimizer *o = brain_model_optimizer(m);
    return brain__optimizer_swap_ema(o, m);
}

static int swap_epoch_begin(brain_model *m, int epoch, const brain_logs *logs, void *user)
{
    (void)epoch;
    (void)logs;
    swap *s = user;
    if (!s->swap_on_epoch || !s->in_model) return 0;
    brain_status st = do_swap(m);
    if (st) { brain__callback_error(m, st); return 1; }
    s->in_model = false;
    return 0;
}

static int swap_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)epoch;
    (void)logs;
    swap *s = user;
    if (!s->swap_on_epoch || s->in_model) return 0;
    brain_status st = do_swap(m);
    if (st) { brain__callback_error(m, st); return 1; }
    s->in_model = true;
    return 0;
}

static brain_status swap_test_begin(brain_callback *cb, brain_model *m)
{
    swap *s = cb->self;
    if (s->in_model) return BRAIN_OK;
    brain_status st = do_swap(m);
    if (!st) s->in_model = true;
    return st;
}

static brain_status swap_test_end(brain_callback *cb, brain_model *m)
{
    swap *s = cb->self;
    if (!s->in_model) return BRAIN_OK;
    brain_status st = do_swap(m);
    if (!st) s->in_model = false;
    return st;
}

static int swap_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)logs;
    brain_optimizer *o = brain_model_optimizer(m);
    if (!o || !o->common.use_ema) {
        brain__callback_error(m, brain__fail(BRAIN_ERR_STATE, "SwapEMAWeights requires an optimizer with common.use_ema set"));
        return 1;
    }
    ((swap *)user)->in_model = o->ema_swapped;
    return 0;
}

brain_callback *brain_swap_ema_weights(const brain_swap_ema_weights_options *opt)
{
    swap *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    s->swap_on_epoch = opt && opt->swap_on_epoch;
    brain_callback_hooks h = { .on_train_begin = swap_train_begin, .on_epoch_begin = swap_epoch_begin,
                               .on_epoch_end = swap_epoch_end };
    brain_callback *cb = brain__callback_new(BRAIN_CB_SWAP_EMA, &h, s, free_self);
    if (cb) {
        cb->on_test_begin = swap_test_begin;
        cb->on_test_end = swap_test_end;
    }
    return cb;
}
