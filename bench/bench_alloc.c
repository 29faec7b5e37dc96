/* bench_alloc.c — checks that brain_fit's training step allocates nothing after the first batch.
 *
 * This program defines malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign and
 * valloc itself (forwarding to glibc's __libc_* entry points), so every allocation in the process
 * — the library's, oneDNN's, libgomp's — goes through a counter.  It trains bench_mlp's model
 * (breast cancer, Dense(64 relu) → Dropout(0.5) → Dense(1 sigmoid), Adam, batch 32) with a
 * callback whose batch hooks read the counter:
 *   per step: allocations between the end of one batch and the end of the next (the row gather,
 *             zeroing, forward, loss, backward, metrics, optimizer, logs), every step but the
 *             very first one of the fit;
 *   per epoch boundary: reported separately (History grows by doubling, once in a while).
 * Run for the loss-only model and for metrics=['accuracy'] and ['accuracy', AUC].
 * Exit status 1 if any step after the first allocated.  glibc only (uses __libc_malloc & co). */
#include "mlp_workload.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile uint64_t g_allocs;

void *malloc(size_t n) { g_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { g_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { g_allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t al, size_t n) { g_allocs++; return __libc_memalign(al, n); }
void *aligned_alloc(size_t al, size_t n) { g_allocs++; return __libc_memalign(al, n); }
void *valloc(size_t n) { g_allocs++; return __libc_memalign(4096, n); }
int posix_memalign(void **out, size_t al, size_t n)
{
    g_allocs++;
    void *p = __libc_memalign(al, n);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}


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

static int run(const char *label, const char **metrics, const brain_tensor *x, const brain_tensor *y, int epochs)
{
    brain_model *m = mlp_model(metrics);
    probe p = {0};
    brain_callback *cb = brain_callback_custom(&(brain_callback_hooks){
        .on_train_batch_begin = on_batch_begin, .on_train_batch_end = on_batch_end,
        .on_epoch_end = on_epoch_end, .user = &p });
    uint64_t before = g_allocs;
    TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = epochs, .batch_size = 32, .verbose = BRAIN_SILENT,
                                                 .callbacks = (brain_callback *[]){ cb, NULL } }, NULL));
    uint64_t total = g_allocs - before;
    printf("%-28s %llu steps after the first: %llu allocated (%llu allocations); "
           "epoch boundaries: %llu allocations; whole fit: %llu\n",
           label, (unsigned long long)p.steps, (unsigned long long)p.steps_allocating,
           (unsigned long long)p.step_allocs, (unsigned long long)p.boundary_allocs, (unsigned long long)total);
    brain_callback_free(cb);
    brain_model_free(m);
    return p.steps_allocating != 0;
}

int main(void)
{
    brain_set_random_seed(0);
    mlp_data d = {0};
    mlp_data_load(&d);
    const brain_tensor *xtr = d.x_train, *ytr = d.y_train;
    int bad = 0;
    bad |= run("loss only:", NULL, xtr, ytr, 20);
    bad |= run("metrics=['accuracy']:", (const char *[]){ "accuracy", NULL }, xtr, ytr, 20);
    bad |= run("metrics=['accuracy','auc']:", (const char *[]){ "accuracy", "auc", NULL }, xtr, ytr, 20);
    printf(bad ? "FAIL: a training step after the first allocated\n" : "OK: no training step after the first allocates\n");
    mlp_data_free(&d);
    return bad;
}
