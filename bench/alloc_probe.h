/* alloc_probe.h — counts every allocation in the process and checks, through a callback's batch
 * hooks, that brain_fit's training steps after the first allocate nothing (bench_alloc.c for the
 * MLP, bench_cnn_alloc.c for the image and signal layers).
 *
 * The counter is tests/alloc_count.h's (the program's own malloc & co.).  Include it once, in a
 * program's main file. */
#ifndef BRAIN_BENCH_ALLOC_PROBE_H
#define BRAIN_BENCH_ALLOC_PROBE_H
#include "../tests/alloc_count.h"
#include <brain.h>
#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

typedef struct probe {
    uint64_t last_end, begin_mark, epoch_end_mark;
    bool started;         /* the fit's first batch is over */
    int epochs_ended;
    uint64_t steps, steps_allocating, step_allocs, boundary_allocs;
} probe;

/* Step k > 0 of an epoch: from the end hook of step k-1 to its own end hook (row gather, zeroing,
 * forward, loss, backward, metrics, optimizer, logs).  Step 0 of a later epoch: from its begin hook
 * to its end hook; from the previous epoch's end hook to that begin hook (shuffle, metric reset,
 * the first gather) counts as the epoch boundary.  The fit's very first step is not checked. */
static int on_batch_begin(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    probe *p = user;
    p->begin_mark = g_allocs;
    if (batch == 0 && p->epochs_ended) p->boundary_allocs += p->begin_mark - p->epoch_end_mark;
    return 0;
}
static int on_batch_end(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    probe *p = user;
    uint64_t now = g_allocs;
    if (p->started) {
        uint64_t d = now - (batch == 0 ? p->begin_mark : p->last_end);
        p->steps++;
        if (d) { p->steps_allocating++; p->step_allocs += d; }
    }
    p->started = true;
    p->last_end = now;
    return 0;
}
static int on_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    probe *p = user;
    p->epochs_ended++;
    p->epoch_end_mark = g_allocs;
    return 0;
}

static brain_callback *probe_callback(probe *p)
{
    return brain_callback_custom(&(brain_callback_hooks){
        .on_train_batch_begin = on_batch_begin, .on_train_batch_end = on_batch_end,
        .on_epoch_end = on_epoch_end, .user = p });
}
#endif
