/* dist.h — what the training loop asks of the data-parallel room (src/dist/dist.c).  Without
 * brain_dist_init (or without MPI in the build) every call is a no-op for one process. */
#ifndef BRAIN_DIST_H
#define BRAIN_DIST_H

#include "internal.h"

int brain__dist_size(void);
int brain__dist_rank(void);
/* After backward: m->grads ← Σ_ranks rows_r · grads_r / Σ_ranks rows_r — over the buckets
 * already sent during backward plus the rest, or in one allreduce of the flat buffer with the
 * row count riding along as its last element. */
brain_status brain__dist_average_grads(brain_model *m, int64_t rows);
/* Epoch end: the loss sums (n doubles), the row count and every metric's running state summed
 * over the ranks, so that every rank's logs are the global ones. */
brain_status brain__dist_reduce_logs(brain_model *m, double *sums, int n, int64_t *seen);
/* Fit start: rank 0's weights (params and state) broadcast to every rank, and the bucketed
 * allreduce hooked into the backward pass (m->grad_ready) when the model has no regularizer. */
brain_status brain__dist_sync_model(brain_model *m);
/* Fit end: the hook removed, any allreduce still in flight completed. */
void brain__dist_end_fit(brain_model *m);
/* On ranks > 0: *out = the callbacks without those that write files (a new NULL-terminated
 * array to free); otherwise *out = NULL. */
brain_status brain__dist_callbacks(brain_callback **cbs, brain_callback ***out);

#endif
