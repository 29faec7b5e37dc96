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

#include "alloc_probe.h"

static int run(const char *label, const char **metrics, const brain_tensor *x, const brain_tensor *y, int epochs)
{
    brain_model *m = mlp_model(metrics);
    probe p = {0};
    brain_callback *cb = probe_callback(&p);
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
