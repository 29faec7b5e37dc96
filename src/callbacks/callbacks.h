/* callbacks.h — what the callback files share (internal to src/callbacks/).
 *
 * The hook contract, as the fit loop drives every callback (built-in or user) through
 * cb->hooks with cb->hooks.user as the last argument (for a built-in, hooks.user == cb->self):
 *
 *   on_train_begin(m, logs, user)                 once, before the first epoch
 *   for each epoch (0-based, initial_epoch .. epochs-1):
 *     on_epoch_begin(m, epoch, logs, user)
 *     for each batch (index within the epoch, from 0):
 *       on_train_batch_begin(m, batch, logs, user)
 *       on_train_batch_end(m, batch, logs, user)  logs: running "loss" and metrics
 *     on_epoch_end(m, epoch, logs, user)          logs: epoch averages plus the val_ keys;
 *                                                 a callback may add keys (ReduceLROnPlateau
 *                                                 writes "learning_rate"), and the History,
 *                                                 which runs after the user's callbacks, sees them
 *   on_train_end(m, logs, user)                   always, also after a stop
 * Callbacks are called in the order of the user's list.  A non-zero return from any hook
 * means "stop training" (Keras's model.stop_training = True): after the current batch for the
 * batch hooks, after the current epoch for on_epoch_end.
 *
 * Errors inside a built-in callback (a CSV file that cannot be opened or written, an
 * allocation that fails, a model without an optimizer) cannot be returned as a brain_status
 * through an int hook: the callback sets brain_last_error() (via brain__fail) and returns
 * non-zero, so training stops; the message then says what went wrong.
 */
#ifndef BRAIN_CALLBACKS_H
#define BRAIN_CALLBACKS_H

#include "internal.h"

/* A new callback of `kind` whose hooks get `self` as their user pointer; `destroy` frees self
 * (may be NULL).  NULL + error on allocation failure (self is then destroyed). */
brain_callback *brain__callback_new(brain_cb_kind kind, const brain_callback_hooks *hooks, void *self,
                                    void (*destroy)(brain_callback *cb));

/* Python's repr() of a float64 (shortest round-trip, "1e-05", "0.1", "3.0", "nan", "inf"). */
void brain__repr_double(double x, char *buf, size_t cap);
/* "loss,val_loss" (the keys joined by commas, as Keras's warnings list them). */
void brain__logs_keys_str(const brain_logs *logs, char *buf, size_t cap);

#endif
