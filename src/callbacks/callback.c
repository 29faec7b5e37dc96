/* callback.c — the callback object every kind shares: user callbacks and freeing. */
#include "callbacks.h"
#include <stdlib.h>

brain_callback *brain__callback_new(brain_cb_kind kind, const brain_callback_hooks *hooks, void *self,
                                    void (*destroy)(brain_callback *cb))
{
    brain_callback *cb = brain__alloc(sizeof *cb);
    if (!cb) {
        if (destroy) {
            brain_callback tmp = { .kind = kind, .self = self, .destroy = destroy };
            destroy(&tmp);
        }
        return NULL;
    }
    cb->kind = kind;
    if (hooks) cb->hooks = *hooks;
    cb->hooks.user = self;
    cb->self = self;
    cb->destroy = destroy;
    return cb;
}

brain_callback *brain_callback_custom(const brain_callback_hooks *hooks)
{
    if (!hooks) {
        brain__fail(BRAIN_ERR_ARG, "brain_callback_custom: hooks must not be NULL");
        return NULL;
    }
    brain_callback *cb = brain__alloc(sizeof *cb);
    if (!cb) return NULL;
    cb->kind = BRAIN_CB_CUSTOM;
    cb->hooks = *hooks; /* user pointer included; it stays the caller's */
    return cb;
}

void brain_callback_free(brain_callback *cb)
{
    if (!cb) return;
    if (cb->destroy) cb->destroy(cb);
    free(cb);
}
