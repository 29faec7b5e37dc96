/* terminate_on_nan.c — Keras's TerminateOnNaN (raise_error=False): stops training at the end of
 * a batch whose running loss is NaN or ±Inf. */
#include "callbacks.h"
#include <math.h>

static int ton_batch_end(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    (void)m;
    (void)user;
    double loss;
    if (!brain_logs_get(logs, "loss", &loss)) return 0;
    if (isnan(loss) || isinf(loss)) {
        brain__print("Batch %d: Invalid loss, terminating training\n", batch);
        return 1;
    }
    return 0;
}

brain_callback *brain_terminate_on_nan(void)
{
    brain_callback_hooks h = { .on_train_batch_end = ton_batch_end };
    return brain__callback_new(BRAIN_CB_TERMINATE_ON_NAN, &h, NULL, NULL);
}
