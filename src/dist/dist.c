/* dist.c — data-parallel training over MPI (optional at build time: BRAIN_HAVE_MPI).
 *
 * Every rank holds the whole model and trains on its own part of each global batch:
 *   start   params, state ← rank 0's (MPI_Bcast), so every rank starts from the same weights
 *   step    g ← Σ_r n_r · g_r / Σ_r n_r over the flat gradient buffer m->grads (n_r = the rank's
 *           rows): in buckets sent while backward runs (MPI_Iallreduce, as PyTorch DDP), or in
 *           one MPI_Allreduce after it; then the same optimizer step everywhere: the weights
 *           stay identical without ever being sent again
 *   epoch   loss sums, row counts and metric states summed, so logs are the global ones
 * Rank 0 alone prints (fit sets verbose 0 elsewhere) and writes files (ModelCheckpoint and
 * CSVLogger are left out on the other ranks).  BatchNormalization uses each rank's own batch
 * statistics (as PyTorch DDP without SyncBatchNorm); rank 0's moving statistics are the saved
 * ones.  MPI errors return (MPI_ERRORS_RETURN) and become a brain error naming the call.
 * docs/distributed.md has the design and the scaling arithmetic. */
#include "dist/dist.h"
#include <stdlib.h>
#include <string.h>
#ifdef BRAIN_HAVE_MPI
#include <mpi.h>
#endif

static int g_rank = 0, g_size = 1;
static bool g_inited;
#ifdef BRAIN_HAVE_MPI
static bool g_we_inited;
#endif
static double g_allreduce_s;
static float *g_buf; static int64_t g_cap;
static double *g_dbuf; static int64_t g_dcap;

bool brain_dist_available(void)
{
#ifdef BRAIN_HAVE_MPI
    return true;
#else
    return false;
#endif
}

int brain_dist_rank(void) { return g_rank; }
int brain_dist_size(void) { return g_size; }
int brain__dist_rank(void) { return g_rank; }
int brain__dist_size(void) { return g_size; }
double brain_dist_allreduce_seconds(void) { return g_allreduce_s; }

#ifdef BRAIN_HAVE_MPI
static brain_status mpi_fail(int rc, const char *call)
{
    char msg[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    MPI_Error_string(rc, msg, &len);
    return brain__fail(BRAIN_ERR_IO, "%s failed on rank %d of %d: %s (did another rank stop or die?)", call, g_rank,
                       g_size, msg);
}
#endif

brain_status brain_dist_init(void)
{
#ifdef BRAIN_HAVE_MPI
    if (g_inited) return BRAIN_OK;
    int flag = 0;
    MPI_Initialized(&flag);
    if (!flag) {
        int rc = MPI_Init(NULL, NULL);
        if (rc != MPI_SUCCESS) return brain__fail(BRAIN_ERR_IO, "brain_dist_init: MPI_Init failed (code %d)", rc);
        g_we_inited = true;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    g_inited = true;
    return BRAIN_OK;
#else
    return brain__fail(BRAIN_ERR_STATE, "brain_dist_init: this build of brain has no MPI (install libopenmpi-dev and "
                       "rebuild; CMake reports \"brain: MPI found\")");
#endif
}

void brain_dist_finalize(void)
{
#ifdef BRAIN_HAVE_MPI
    int fin = 0;
    if (g_inited && g_we_inited && (MPI_Finalized(&fin), !fin)) MPI_Finalize();
    g_we_inited = false;
#endif
    g_inited = false;
    g_rank = 0; g_size = 1;
    free(g_buf); g_buf = NULL; g_cap = 0;
    free(g_dbuf); g_dbuf = NULL; g_dcap = 0;
}

#ifdef BRAIN_HAVE_MPI
/* ------------------------------------------------------------------ buckets overlapped with backward
 * Weights sit in m->params in layer order and the backward pass visits the layers in reverse, so
 * once node i's backward is done every gradient from its layer's first offset to the end is
 * final.  When that finished, unsent tail [lo, sent_lo) reaches g_bucket floats, it is scaled by
 * the rows into the send buffer and its MPI_Iallreduce starts; each later node's hook calls
 * MPI_Testall so the library progresses them while backward goes on.  The rest [0, sent_lo)
 * goes when backward is over; the row count travels in its own tiny allreduce.  Each element is
 * summed over the same ranks as in the single allreduce, so the result does not depend on
 * where the buckets fall.  Regularization gradients are added after the pass, so a model with a
 * regularizer uses the single allreduce. */
#define MAX_BUCKETS 64
static MPI_Request g_req[MAX_BUCKETS + 1];
static int g_nreq;
static int64_t g_sent_lo = -1, g_bucket = 64 * 1024;
static float g_rows_send, g_rows_sum;
static int g_launch_rc = MPI_SUCCESS;               /* the first failed MPI_Iallreduce of the step */

static void launch(brain_model *m, int64_t lo, int64_t hi)
{
    const float w = (float)m->last_batch;
    for (int64_t i = lo; i < hi; i++) g_buf[i] = m->grads[i] * w;
    int rc = MPI_Iallreduce(MPI_IN_PLACE, g_buf + lo, (int)(hi - lo), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &g_req[g_nreq]);
    if (rc == MPI_SUCCESS) g_nreq++;
    else if (g_launch_rc == MPI_SUCCESS) g_launch_rc = rc;
}

static void grad_ready(brain_model *m, int node)
{
    const brain_layer *l = m->nodes[node].layer;
    const double t0 = MPI_Wtime();
    if (g_sent_lo < 0) {                             /* the step's first hook: the row count */
        g_sent_lo = m->n_params;
        g_rows_send = (float)m->last_batch;
        int rc = MPI_Iallreduce(&g_rows_send, &g_rows_sum, 1, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD, &g_req[0]);
        if (rc == MPI_SUCCESS) g_nreq = 1;
        else if (g_launch_rc == MPI_SUCCESS) g_launch_rc = rc;
    }
    int64_t lo = g_sent_lo;
    for (int k = 0; l && k < l->n_weights; k++)
        if (l->weights[k]->trainable && l->weights[k]->offset < lo) lo = l->weights[k]->offset;
    if (g_sent_lo - lo >= g_bucket && g_nreq < MAX_BUCKETS) { launch(m, lo, g_sent_lo); g_sent_lo = lo; }
    int done;
    if (g_nreq) MPI_Testall(g_nreq, g_req, &done, MPI_STATUSES_IGNORE);
    g_allreduce_s += MPI_Wtime() - t0;
}

/* Shared layers and nested models finish a weight's gradient at another node than its layer's
 * own (every call adds into it): no early buckets then, one allreduce after the backward. */
static bool has_shared_or_nested(const brain_model *m)
{
    for (int i = 0; i < m->n_nodes; i++) {
        const brain_layer *l = m->nodes[i].layer;
        if (l && (l->shared || l->n_calls > 1 || l->inner)) return true;
    }
    return false;
}

static bool has_regularizer(const brain_model *m)
{
    for (int i = 0; i < m->n_weights; i++)
        if (m->weights[i]->trainable && (m->weights[i]->reg.l1 != 0 || m->weights[i]->reg.l2 != 0)) return true;
    return false;
}
#endif

#ifdef BRAIN_HAVE_MPI
static brain_status ensure_buf(int64_t n)
{
    if (n + 1 <= g_cap) return BRAIN_OK;             /* once: the buffer outlives the fit */
    float *p = realloc(g_buf, sizeof(float) * (size_t)(n + 1));
    if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for the allreduce buffer (%lld floats)", (long long)n + 1);
    g_buf = p; g_cap = n + 1;
    return BRAIN_OK;
}
#endif

brain_status brain__dist_average_grads(brain_model *m, int64_t rows)
{
    if (g_size == 1) return BRAIN_OK;
#ifdef BRAIN_HAVE_MPI
    const int64_t n = m->n_params;
    brain_status s = ensure_buf(n);
    if (s) return s;
    double t0 = MPI_Wtime();
    int rc;
    if (m->grad_ready && g_sent_lo >= 0) {           /* buckets: send the rest, wait for all */
        if (g_sent_lo > 0) launch(m, 0, g_sent_lo);
        rc = MPI_Waitall(g_nreq, g_req, MPI_STATUSES_IGNORE);
        if (rc == MPI_SUCCESS) rc = g_launch_rc;
        g_launch_rc = MPI_SUCCESS;
        g_nreq = 0;
        g_sent_lo = -1;
        g_allreduce_s += MPI_Wtime() - t0;
        if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Iallreduce of the gradient buckets");
        const float inv = 1.0f / g_rows_sum;
        for (int64_t i = 0; i < n; i++) m->grads[i] = g_buf[i] * inv;
        return BRAIN_OK;
    }
    const float w = (float)rows;
    for (int64_t i = 0; i < n; i++) g_buf[i] = m->grads[i] * w;
    g_buf[n] = w;
    rc = MPI_Allreduce(MPI_IN_PLACE, g_buf, (int)(n + 1), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    g_allreduce_s += MPI_Wtime() - t0;
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Allreduce of the gradients");
    const float inv = 1.0f / g_buf[n];
    for (int64_t i = 0; i < n; i++) m->grads[i] = g_buf[i] * inv;
#endif
    return BRAIN_OK;
}

#ifdef BRAIN_HAVE_MPI
/* every running state of every metric, in one order: pack (dir 0) or unpack (dir 1) */
static int64_t metric_state(brain_model *m, double *buf, int dir)
{
    int64_t k = 0;
#define ST(v) do { if (buf) { if (dir) (v) = buf[k]; else buf[k] = (v); } k++; } while (0)
    for (int h = 0; h < m->n_heads; h++)
        for (int pass = 0; pass < 2; pass++) {
            brain_metric **ms = pass ? m->heads[h].wmetrics : m->heads[h].metrics;
            int nm = pass ? m->heads[h].n_wmetrics : m->heads[h].n_metrics;
            for (int i = 0; i < nm; i++) {
                brain_metric *mt = ms[i];
                ST(mt->total); ST(mt->count); ST(mt->tp); ST(mt->fp); ST(mt->fn); ST(mt->tn);
                if (mt->auc_tp)
                    for (int t = 0; t < mt->num_thresholds; t++) { ST(mt->auc_tp[t]); ST(mt->auc_fp[t]); ST(mt->auc_tn[t]); ST(mt->auc_fn[t]); }
            }
        }
#undef ST
    return k;
}
#endif

brain_status brain__dist_reduce_logs(brain_model *m, double *sums, int n, int64_t *seen)
{
    if (g_size == 1) return BRAIN_OK;
#ifdef BRAIN_HAVE_MPI
    int64_t nm = metric_state(m, NULL, 0), total = n + 1 + nm;
    if (total > g_dcap) {
        double *p = realloc(g_dbuf, sizeof(double) * (size_t)total);
        if (!p) return brain__fail(BRAIN_ERR_NOMEM, "out of memory for reducing the logs");
        g_dbuf = p; g_dcap = total;
    }
    memcpy(g_dbuf, sums, sizeof(double) * (size_t)n);
    g_dbuf[n] = (double)*seen;
    metric_state(m, g_dbuf + n + 1, 0);
    int rc = MPI_Allreduce(MPI_IN_PLACE, g_dbuf, (int)total, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Allreduce of the losses and metrics");
    memcpy(sums, g_dbuf, sizeof(double) * (size_t)n);
    *seen = (int64_t)g_dbuf[n];
    metric_state(m, g_dbuf + n + 1, 1);
#endif
    return BRAIN_OK;
}

brain_status brain__dist_sync_model(brain_model *m)
{
    if (g_size == 1) return BRAIN_OK;
#ifdef BRAIN_HAVE_MPI
    int rc = MPI_SUCCESS;
    if (m->n_params) rc = MPI_Bcast(m->params, (int)m->n_params, MPI_FLOAT, 0, MPI_COMM_WORLD);
    if (rc == MPI_SUCCESS && m->n_state) rc = MPI_Bcast(m->state, (int)m->n_state, MPI_FLOAT, 0, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) return mpi_fail(rc, "MPI_Bcast of rank 0's weights");
    brain_status s = ensure_buf(m->n_params);
    if (s) return s;
    const char *b = getenv("BRAIN_DIST_BUCKET");   /* floats per bucket; 0: one allreduce after backward */
    if (b) g_bucket = atoll(b);
    g_nreq = 0;
    g_sent_lo = -1;
    m->grad_ready = g_bucket > 0 && !has_regularizer(m) && !has_shared_or_nested(m) ? grad_ready : NULL;
#endif
    return BRAIN_OK;
}

void brain__dist_end_fit(brain_model *m)
{
#ifdef BRAIN_HAVE_MPI
    if (g_size > 1) { /* one process: nothing was started, and fits in other threads must not race here */
        if (g_nreq) MPI_Waitall(g_nreq, g_req, MPI_STATUSES_IGNORE);   /* a step that failed half-way */
        g_nreq = 0;
        g_launch_rc = MPI_SUCCESS;
        g_sent_lo = -1;
    }
#endif
    if (m) m->grad_ready = NULL;
}

brain_status brain__dist_callbacks(brain_callback **cbs, brain_callback ***out)
{
    *out = NULL;
    if (g_size == 1 || g_rank == 0 || !cbs) return BRAIN_OK;
    int n = 0;
    while (cbs[n]) n++;
    brain_callback **c = brain__alloc_array((size_t)n + 1, sizeof *c);
    if (!c) return BRAIN_ERR_NOMEM;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (cbs[i]->kind != BRAIN_CB_MODEL_CHECKPOINT && cbs[i]->kind != BRAIN_CB_CSV_LOGGER) c[k++] = cbs[i];
    *out = c;
    return BRAIN_OK;
}
