/* fit.c — compile, fit, evaluate, predict, and the explicit PyTorch-style step functions.
 *
 * One training step (train_step):
 *   zero gradients → forward (training) → loss and d(loss)/d(output) → backward through the
 *   layers (+ regularization) → metrics on the pre-update predictions → optimizer update.
 * Every buffer it touches is reserved before the first batch, so a step allocates nothing. */
#include "internal.h"
#include "numeric_check.h"
#include "progbar.h"
#include "fit.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ compile */
static brain_status add_metric(brain_metric ***list, int *n, brain_metric *mt)
{
    if (!mt) return BRAIN_ERR_ARG;
    /* Keras gives a repeated name a suffix: precision, precision_1 ... */
    char base[BRAIN_NAME_MAX];
    snprintf(base, sizeof base, "%s", mt->name);
    for (int k = 1;; k++) {
        bool taken = false;
        for (int i = 0; i < *n && !taken; i++) taken = !strcmp((*list)[i]->name, mt->name);
        if (!taken) break;
        snprintf(mt->name, sizeof mt->name, "%.40s_%d", base, k);
    }
    brain_metric **p = realloc(*list, sizeof *p * (size_t)(*n + 1));
    if (!p) { brain_metric_free(mt); return brain__fail(BRAIN_ERR_NOMEM, "out of memory adding a metric"); }
    *list = p;
    p[(*n)++] = mt;
    return BRAIN_OK;
}

void brain__free_heads(brain_model *m)
{
    for (int k = 0; k < m->n_heads; k++) {
        brain_output_head *h = &m->heads[k];
        brain_loss_free(h->loss);
        for (int i = 0; i < h->n_metrics; i++) brain_metric_free(h->metrics[i]);
        for (int i = 0; i < h->n_wmetrics; i++) brain_metric_free(h->wmetrics[i]);
        free(h->metrics); free(h->wmetrics);
    }
    free(m->heads);
    m->heads = NULL; m->n_heads = 0;
}

static void free_compiled(brain_model *m)
{
    brain_optimizer_free(m->optimizer); m->optimizer = NULL;
    brain__free_heads(m);
    m->compiled = false;
}

static brain_loss *loss_copy(const brain_loss *l)
{
    brain_loss *c = brain__alloc(sizeof *c);
    if (c) *c = *l;
    return c;
}

/* Moves the metric objects of a NULL-terminated list into a head's list (all of them, also
 * after a failure, so that the library owns each exactly once); the first failure is kept. */
static void take_metrics(brain_metric **from, brain_metric ***list, int *n, brain_status *s)
{
    for (int i = 0; from && from[i]; i++) {
        brain_status si = add_metric(list, n, from[i]);
        if (!*s) *s = si;
    }
}

brain_status brain_compile(brain_model *m, const brain_compile_options *opt)
{
    brain_compile_options o = opt ? *opt : (brain_compile_options){0};
    const brain_output_compile_options *po = o.outputs;
    const bool top_loss = o.loss || o.loss_name, top_metrics = o.metrics || o.metric_names || o.weighted_metrics;
    brain_status s = BRAIN_OK;
    if (!m) { s = brain__fail(BRAIN_ERR_ARG, "brain_compile: model is NULL"); goto drop; }
    s = brain_model_build(m);
    if (s) goto drop;
    free_compiled(m);
    const int n_out = m->n_outputs;
    if (po && o.n_outputs != n_out) {
        s = brain__fail(BRAIN_ERR_ARG, "brain_compile: model '%s' has %d output%s; .outputs gives %d", m->name, n_out,
                        n_out == 1 ? "" : "s", o.n_outputs);
        goto drop;
    }
    m->heads = brain__alloc_array((size_t)n_out, sizeof *m->heads);
    if (!m->heads) { s = BRAIN_ERR_NOMEM; goto drop; }
    m->n_heads = n_out;
    /* every object handed over moves into the heads first (so each is freed once, whatever fails) */
    for (int k = 0; k < n_out; k++) {
        brain_output_head *h = &m->heads[k];
        snprintf(h->name, sizeof h->name, "%s", brain_model_output_name(m, k));
        h->loss_weight = po && po[k].has_loss_weight ? brain__float_option(po[k].loss_weight) : 1.0;
        if (po) {
            h->loss = po[k].loss;
            take_metrics(po[k].metrics, &h->metrics, &h->n_metrics, &s);
            take_metrics(po[k].weighted_metrics, &h->wmetrics, &h->n_wmetrics, &s);
        }
    }
    take_metrics(o.metrics, &m->heads[0].metrics, &m->heads[0].n_metrics, &s);
    take_metrics(o.weighted_metrics, &m->heads[0].wmetrics, &m->heads[0].n_wmetrics, &s);
    o.metrics = o.weighted_metrics = NULL;
    if (s) goto drop;
    if (n_out > 1 && top_metrics) {
        s = brain__fail(BRAIN_ERR_ARG, "brain_compile: model '%s' has %d outputs; give each output its metrics in "
                        ".outputs[k] rather than top-level metrics", m->name, n_out);
        goto drop;
    }
    if (!o.optimizer) {
        o.optimizer = brain_optimizer_from_name(o.optimizer_name ? o.optimizer_name : "rmsprop");
        if (!o.optimizer) { s = BRAIN_ERR_ARG; goto drop; }
    }
    m->optimizer = o.optimizer; o.optimizer = NULL;
    for (int k = 0; k < n_out; k++) {
        brain_output_head *h = &m->heads[k];
        if (!h->loss && po && po[k].loss_name && !(h->loss = brain_loss_from_name(po[k].loss_name))) { s = BRAIN_ERR_ARG; goto drop; }
        if (!h->loss && o.loss) { h->loss = o.loss; o.loss = NULL; }            /* the top-level loss, first taker */
        else if (!h->loss && top_loss) {                                        /* a copy for the others */
            const brain_loss *first = NULL;
            for (int j = 0; j < k && !first; j++) if (m->heads[j].loss && (!po || (!po[j].loss && !po[j].loss_name))) first = m->heads[j].loss;
            h->loss = first ? loss_copy(first) : brain_loss_from_name(o.loss_name);
            if (!h->loss) { s = first ? BRAIN_ERR_NOMEM : BRAIN_ERR_ARG; goto drop; }
        }
        if (!h->loss) {
            s = n_out == 1 ? brain__fail(BRAIN_ERR_ARG, "brain_compile: a loss is required (set .loss or .loss_name)")
                           : brain__fail(BRAIN_ERR_ARG, "brain_compile: output %d ('%s') of model '%s' has no loss; set "
                                         ".loss or .outputs[%d].loss", k, h->name, m->name, k);
            goto drop;
        }
        for (int i = 0; po && po[k].metric_names && po[k].metric_names[i]; i++) {
            brain_metric *mt = brain_metric_from_name(po[k].metric_names[i]);
            if (!mt || (s = add_metric(&h->metrics, &h->n_metrics, mt))) { s = s ? s : BRAIN_ERR_ARG; goto drop; }
        }
    }
    for (int i = 0; o.metric_names && o.metric_names[i]; i++) {
        brain_metric *mt = brain_metric_from_name(o.metric_names[i]);
        if (!mt || (s = add_metric(&m->heads[0].metrics, &m->heads[0].n_metrics, mt))) { s = s ? s : BRAIN_ERR_ARG; goto drop; }
    }
    brain_loss_free(o.loss); /* a top-level loss every output replaced with its own */
    o.loss = NULL;
    if ((s = brain__model_relayout_if_needed(m))) goto drop;
    m->compiled = true;
    return BRAIN_OK;
drop:
    /* the objects handed over are owned by the library even when compile fails */
    brain_optimizer_free(o.optimizer);
    brain_loss_free(o.loss);
    for (int i = 0; o.metrics && o.metrics[i]; i++) brain_metric_free(o.metrics[i]);
    for (int i = 0; o.weighted_metrics && o.weighted_metrics[i]; i++) brain_metric_free(o.weighted_metrics[i]);
    if (m && m->n_heads) {
        /* per-output losses not yet in a head */
        for (int k = 0; po && k < o.n_outputs; k++) {
            bool taken = false;
            for (int j = 0; j < m->n_heads && !taken; j++) taken = m->heads[j].loss == po[k].loss;
            if (!taken) brain_loss_free(po[k].loss);
        }
        free_compiled(m);
    } else {
        for (int k = 0; po && k < o.n_outputs; k++) {
            brain_loss_free(po[k].loss);
            for (int i = 0; po[k].metrics && po[k].metrics[i]; i++) brain_metric_free(po[k].metrics[i]);
            for (int i = 0; po[k].weighted_metrics && po[k].weighted_metrics[i]; i++) brain_metric_free(po[k].weighted_metrics[i]);
        }
    }
    return s;
}

/* ------------------------------------------------------------------ helpers */
/* The tensors of one call: the model's inputs and its targets (views, not owned). */
typedef struct io_set {
    int n_x, n_y;
    brain_tensor x[BRAIN_MAX_IO], y[BRAIN_MAX_IO];
} io_set;

static brain_tensor view_rows(const brain_tensor *t, int64_t begin, int64_t rows)
{
    brain_tensor v = *t;
    int64_t rs = brain_tensor_row_size(t);
    v.data = t->data + begin * rs;
    v.shape[0] = rows;
    v.size = rows * rs;
    v.owns_data = 0;
    return v;
}

static io_set io_rows(const io_set *d, int64_t begin, int64_t rows)
{
    io_set v = {.n_x = d->n_x, .n_y = d->n_y};
    for (int k = 0; k < d->n_x; k++) v.x[k] = view_rows(&d->x[k], begin, rows);
    for (int k = 0; k < d->n_y; k++) v.y[k] = view_rows(&d->y[k], begin, rows);
    return v;
}

static brain_status forward_set(brain_model *m, const io_set *d, bool training)
{
    const brain_tensor *xs[BRAIN_MAX_IO];
    for (int k = 0; k < d->n_x; k++) xs[k] = &d->x[k];
    return brain__model_forward_multi(m, d->n_x, xs, training);
}

static void resolve_metrics(brain_model *m, const io_set *d)
{
    for (int k = 0; k < m->n_heads; k++) {
        brain_output_head *h = &m->heads[k];
        brain_shape out = brain_model_output_shape_k(m, k);
        for (int i = 0; i < h->n_metrics; i++) brain__metric_resolve(h->metrics[i], &out, d->y[k].ndim);
        for (int i = 0; i < h->n_wmetrics; i++) brain__metric_resolve(h->wmetrics[i], &out, d->y[k].ndim);
    }
}

static void reset_metrics(brain_model *m)
{
    for (int k = 0; k < m->n_heads; k++) {
        for (int i = 0; i < m->heads[k].n_metrics; i++) brain_metric_reset(m->heads[k].metrics[i]);
        for (int i = 0; i < m->heads[k].n_wmetrics; i++) brain_metric_reset(m->heads[k].wmetrics[i]);
    }
}

/* Losses of every output on the last forward: *total = Σ weight_k · loss_k, each loss_k in
 * per_out[k]; with `grad`, each output's gradient buffer receives weight_k · d(loss_k)/d(pred). */
static brain_status head_losses(brain_model *m, const io_set *d, const float *sw, bool grad, double *total, double *per_out)
{
    *total = 0;
    for (int k = 0; k < m->n_heads; k++) {
        const brain_output_head *h = &m->heads[k];
        float *g = grad ? brain__model_output_grad_k(m, k) : NULL;
        brain_status s = brain_loss_compute(h->loss, &d->y[k], brain__model_output_k(m, k), sw, &per_out[k], g);
        if (s) return s;
        if (g && h->loss_weight != 1.0) {
            const float w = (float)h->loss_weight;
            for (int64_t i = 0, n = brain__model_output_k(m, k)->size; i < n; i++) g[i] *= w;
        }
        *total += h->loss_weight * per_out[k];
    }
    return BRAIN_OK;
}

static brain_status update_metrics(brain_model *m, const io_set *d, const float *sw)
{
    brain_status s = BRAIN_OK;
    for (int k = 0; k < m->n_heads; k++) {
        const brain_output_head *h = &m->heads[k];
        const brain_tensor *pred = brain__model_output_k(m, k);
        for (int i = 0; !s && i < h->n_metrics; i++) s = brain_metric_update(h->metrics[i], &d->y[k], pred, NULL);
        for (int i = 0; !s && i < h->n_wmetrics; i++) s = brain_metric_update(h->wmetrics[i], &d->y[k], pred, sw);
    }
    return s;
}

/* Running means of the losses over the rows seen: the total and each output's own. */
typedef struct loss_sums {
    double total, out[BRAIN_MAX_IO];
    int64_t seen;
} loss_sums;

static void sums_add(loss_sums *ls, int n_out, double total, const double *per_out, int64_t rows)
{
    ls->total += total * (double)rows;
    for (int k = 0; k < n_out; k++) ls->out[k] += per_out[k] * (double)rows;
    ls->seen += rows;
}

/* logs = {prefix}loss and each metric; with several outputs also {prefix}<output>_loss and
 * {prefix}<output>_<metric> (Keras's names) */
static void fill_logs(brain_model *m, brain_logs *logs, const char *prefix, const loss_sums *ls)
{
    char key[BRAIN_LOG_NAME + 2 * BRAIN_NAME_MAX];
    const bool multi = m->n_heads > 1;
    snprintf(key, sizeof key, "%sloss", prefix);
    brain_logs_set(logs, key, ls->seen ? ls->total / (double)ls->seen : NAN);
    for (int k = 0; k < m->n_heads; k++) {
        const brain_output_head *h = &m->heads[k];
        char pre[BRAIN_LOG_NAME + BRAIN_NAME_MAX];
        snprintf(pre, sizeof pre, multi ? "%s%s_" : "%s", prefix, h->name);
        if (multi) {
            snprintf(key, sizeof key, "%sloss", pre);
            brain_logs_set(logs, key, ls->seen ? ls->out[k] / (double)ls->seen : NAN);
        }
        for (int i = 0; i < h->n_metrics; i++) {
            snprintf(key, sizeof key, "%s%s", pre, h->metrics[i]->name);
            brain_logs_set(logs, key, brain_metric_result(h->metrics[i]));
        }
        for (int i = 0; i < h->n_wmetrics; i++) {
            snprintf(key, sizeof key, "%s%s", pre, h->wmetrics[i]->name);
            brain_logs_set(logs, key, brain_metric_result(h->wmetrics[i]));
        }
    }
}

static brain_status check_ready(brain_model *m, const char *what)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "%s: model is NULL", what);
    if (!m->compiled)
        return brain__fail(BRAIN_ERR_STATE, "%s: model '%s' must be compiled first (brain_compile with an optimizer and a loss)",
                           what, m->name);
    return BRAIN_OK;
}

/* Fills d from the caller's lists (ys may be absent for predict) and checks them against the
 * model: counts, shapes of the inputs, matching row counts. */
static brain_status make_set(brain_model *m, const char *what, int n_x, const brain_tensor *const *xs, int n_y,
                             const brain_tensor *const *ys, bool need_y, io_set *d)
{
    *d = (io_set){0};
    if (n_x != m->n_inputs || !xs)
        return brain__fail(BRAIN_ERR_ARG, "%s: model '%s' has %d input%s, %d x tensor%s given", what, m->name, m->n_inputs,
                           m->n_inputs == 1 ? "" : "s", xs ? n_x : 0, n_x == 1 ? " was" : "s were");
    if (need_y && (n_y != m->n_outputs || !ys))
        return brain__fail(BRAIN_ERR_ARG, "%s: model '%s' has %d output%s, %d y tensor%s given", what, m->name,
                           m->n_outputs, m->n_outputs == 1 ? "" : "s", ys ? n_y : 0, n_y == 1 ? " was" : "s were");
    d->n_x = n_x;
    d->n_y = need_y ? n_y : 0;
    for (int k = 0; k < d->n_x + d->n_y; k++) {
        const brain_tensor *t = k < n_x ? xs[k] : ys[k - n_x];
        if (!t || !t->data || t->ndim < 1)
            return brain__fail(BRAIN_ERR_ARG, "%s: %s %d is missing", what, k < n_x ? "x" : "y", k < n_x ? k : k - n_x);
        if (k < n_x) d->x[k] = *t; else d->y[k - n_x] = *t;
    }
    for (int k = 0; k < n_x; k++) {
        const brain_shape want = brain_model_input_shape_k(m, k);
        const brain_tensor *x = &d->x[k];
        bool ok = x->ndim == want.ndim + 1;
        for (int i = 0; ok && i < want.ndim; i++) ok = x->shape[i + 1] == want.dims[i];
        if (!ok) {
            char ws[128], got[160];
            brain__shape_str(&want, ws, sizeof ws);
            brain__dims_str(x->ndim, x->shape, got, sizeof got);
            if (m->n_inputs == 1)
                return brain__fail(BRAIN_ERR_ARG, "model '%s' expects input of shape %s, but the data has shape %s", m->name, ws, got);
            return brain__fail(BRAIN_ERR_ARG, "model '%s' expects input %d ('%s') of shape %s, but the data has shape %s",
                               m->name, k, m->nodes[m->input_nodes[k]].layer->name, ws, got);
        }
        if (x->shape[0] != d->x[0].shape[0])
            return brain__fail(BRAIN_ERR_ARG, "%s: x %d has %lld rows but x 0 has %lld; they must match", what, k,
                               (long long)x->shape[0], (long long)d->x[0].shape[0]);
    }
    for (int k = 0; k < d->n_y; k++)
        if (d->y[k].shape[0] != d->x[0].shape[0]) {
            if (n_x == 1 && d->n_y == 1)
                return brain__fail(BRAIN_ERR_ARG, "%s: x has %lld rows but y has %lld; they must match", what,
                                   (long long)d->x[0].shape[0], (long long)d->y[k].shape[0]);
            return brain__fail(BRAIN_ERR_ARG, "%s: y %d has %lld rows but x has %lld; they must match", what, k,
                               (long long)d->y[k].shape[0], (long long)d->x[0].shape[0]);
        }
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ one step */
static brain_status train_step(brain_model *m, const io_set *b, const float *swb, double *loss_out, double *per_out)
{
    brain_model_zero_grad(m);
    brain_status s = forward_set(m, b, true);
    if (s) return s;
    double v;
    if ((s = head_losses(m, b, swb, true, &v, per_out))) return s;
    v += brain__model_backward_graph(m);
    if ((s = update_metrics(m, b, swb))) return s;
    /* data-parallel: the gradients averaged over the ranks (no-op in one process; src/dist/) */
    if ((s = brain__dist_average_grads(m, b->x[0].shape[0]))) return s;
    brain__optimizer_scale_loss_grads(m->optimizer, m); /* Keras's optimizer.scale_loss */
    if ((s = brain__optimizer_apply(m->optimizer, m))) return s;
    *loss_out = v;
    return BRAIN_OK;
}

/* A dataset's batch as the model's inputs and targets, checked like the caller's tensors. */
static brain_status batch_set(brain_model *m, const char *fn, const brain_batch *b, bool need_y, io_set *d)
{
    const brain_tensor *xs[BRAIN_MAX_IO], *ys[BRAIN_MAX_IO];
    if (b->n_x > BRAIN_MAX_IO || b->n_y > BRAIN_MAX_IO)
        return brain__fail(BRAIN_ERR_ARG, "%s: a batch has %d x and %d y tensors (at most %d)", fn, b->n_x, b->n_y, BRAIN_MAX_IO);
    if (b->n_x == 0 && b->texts)
        return brain__fail(BRAIN_ERR_ARG, "%s: the batches hold texts; turn them into numbers first "
                           "(brain_dataset_vectorize_text)", fn);
    for (int k = 0; k < b->n_x; k++) xs[k] = &b->x[k];
    for (int k = 0; k < b->n_y; k++) ys[k] = &b->y[k];
    if (need_y && b->n_y == 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: the dataset's batches have no targets (y)", fn);
    return make_set(m, fn, b->n_x, xs, b->n_y, ys, need_y, d);
}

/* Loss and metrics over `steps` batches of ds (from its start) in inference mode; logs get
 * {prefix}loss etc.  Data-parallel: the sums and metric states are reduced over the ranks. */
static brain_status run_evaluation(brain_model *m, const char *fn, brain_dataset *ds, int64_t steps, int verbose,
                                   brain_logs *logs, const char *prefix, brain_batch *batch)
{
    brain_status s = brain__dataset_reset(ds, 0, NULL);
    if (s) return s;
    int64_t avail = brain_dataset_num_batches(ds);
    if (steps <= 0) steps = avail;
    if (steps < 0) return brain__fail(BRAIN_ERR_ARG, "%s: the dataset is endless; give the number of steps", fn);
    if (avail >= 0 && steps > avail) steps = avail;
    reset_metrics(m);
    loss_sums ls = {0};
    brain_progbar bar;
    brain__progbar_init(&bar, steps, verbose);
    brain_logs running = {0};
    const double penalty = brain__regularization(m, false); /* the weights do not change here */
    for (int64_t step = 0; step < steps; step++) {
        io_set b;
        if ((s = brain_dataset_get_batch(ds, step, batch)) || (s = batch_set(m, fn, batch, true, &b))) return s;
        if (step == 0) { resolve_metrics(m, &b); if (!ls.seen) reset_metrics(m); }
        if ((s = forward_set(m, &b, false))) return s;
        double v, per[BRAIN_MAX_IO];
        if ((s = head_losses(m, &b, batch->sample_weight, false, &v, per))) return s;
        if ((s = update_metrics(m, &b, batch->sample_weight))) return s;
        sums_add(&ls, m->n_heads, v + penalty, per, batch->rows);
        if (verbose == 1) {
            running.n = 0;
            fill_logs(m, &running, "", &ls);
            brain__progbar_update(&bar, step + 1, &running, step + 1 == steps);
        }
    }
    if ((s = brain__dist_reduce_logs(m, &ls.total, 1 + BRAIN_MAX_IO, &ls.seen))) return s;
    fill_logs(m, logs, prefix, &ls);
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ fit */
/* Calls `hook` of every callback in the NULL-terminated list, in order; `stop` becomes true
 * when any of them returns non-zero (Keras's model.stop_training = True). */
#define CALL_CBS(stop, cbs, hook, ...)                                                           \
    do {                                                                                         \
        for (int i_ = 0; (cbs) && (cbs)[i_]; i_++)                                               \
            if ((cbs)[i_]->hooks.hook && (cbs)[i_]->hooks.hook(__VA_ARGS__, (cbs)[i_]->hooks.user)) \
                (stop) = true;                                                                   \
    } while (0)

/* verbose as the options give it (0 = auto = 1, BRAIN_SILENT = 0) to Keras's 0 / 1 / 2 */
static int resolve_verbose(int v) { return v == BRAIN_VERBOSE_AUTO ? 1 : v == BRAIN_SILENT ? 0 : v; }

/* class_weight for a batch: class id is the argmax of one-hot rows, the value itself for (N,) / (N, 1) */
static void class_weights(const brain_tensor *y, const float *cw, int n_cw, float *out)
{
    const int64_t yrs = brain_tensor_row_size(y);
    for (int64_t i = 0; i < y->shape[0]; i++) {
        const float *row = y->data + i * yrs;
        int64_t cls = 0;
        if (yrs == 1) cls = (int64_t)lrintf(row[0]);
        else for (int64_t j = 1; j < yrs; j++) if (row[j] > row[cls]) cls = j;
        out[i] = cls >= 0 && cls < n_cw ? cw[cls] : 1.0f;
    }
}

/* The one training loop, for brain_fit, brain_fit_multi and brain_fit_dataset: batches come
 * from `train` (the tensors of brain_fit become a dataset that shuffles with the model's
 * generator); `val` (may be NULL) is the validation data. */
brain_status brain__fit_run(brain_model *m, const char *fn, brain_dataset *train, brain_dataset *val,
                            const brain_fit_options *opt, int64_t steps_per_epoch, int64_t validation_steps,
                            brain_history **history)
{
    brain_status s = BRAIN_OK;
    brain_fit_options o = opt ? *opt : (brain_fit_options){0};
    int epochs = o.epochs ? o.epochs : 1;
    int verbose = resolve_verbose(o.verbose);
    int vfreq = o.validation_freq ? o.validation_freq : 1;
    if (epochs < 0 || o.initial_epoch < 0 || vfreq < 0 || steps_per_epoch < 0 || validation_steps < 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: epochs, initial_epoch, validation_freq and the steps must not be negative", fn);
    if (verbose < 0 || verbose > 2) return brain__fail(BRAIN_ERR_ARG, "%s: verbose must be BRAIN_SILENT, 1 or 2", fn);
    if (o.class_weight && m->n_outputs > 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: class_weight is not supported for a model with several outputs (as in "
                           "Keras); use sample_weight", fn);
    const int64_t ds_batches = brain_dataset_num_batches(train);
    if (ds_batches < 0 && !steps_per_epoch)
        return brain__fail(BRAIN_ERR_ARG, "%s: the dataset is endless (repeat); give steps_per_epoch", fn);
    if (ds_batches == 0) return brain__fail(BRAIN_ERR_ARG, "%s: there are no training rows", fn);
    if (o.has_seed) brain_rng_seed(&m->rng, o.seed);
    if (brain__dist_size() > 1) verbose = 0 + (brain__dist_rank() == 0) * verbose; /* rank 0 alone prints */

    brain_batch batch = {0}, vbatch = {0};
    float *cwb = NULL; int64_t cwb_cap = 0;
    /* a batch never holds more rows than the data (batch_size may be larger: one batch) */
    const int64_t reserve_rows = train->num_rows >= 0 && train->num_rows < train->batch_size ? train->num_rows : train->batch_size;
    if (reserve_rows > 0 && (s = brain__model_reserve(m, reserve_rows))) return s;

    brain_history *h = brain__history_new();
    if (!h) return BRAIN_ERR_NOMEM;
    brain_callback **cbs = o.callbacks, **own_cbs = NULL;
    if ((s = brain__dist_callbacks(cbs, &own_cbs))) { brain_history_free(h); return s; }
    /* data-parallel: every rank from rank 0's weights, gradient buckets hooked into backward */
    if ((s = brain__dist_sync_model(m))) { brain__dist_end_fit(m); brain_history_free(h); free(own_cbs); return s; }
    if (own_cbs) cbs = own_cbs;                 /* rank > 0: without the callbacks that write files */
    int64_t steps = steps_per_epoch ? steps_per_epoch : ds_batches;
    brain_logs logs = {0};
    /* The running logs of a batch are read only by on_train_batch_end hooks and the live bar;
     * without either they are rebuilt at the epoch's end anyway, so skip them per batch. */
    bool batch_logs = verbose == 1, resolved = false;
    for (int i = 0; cbs && cbs[i] && !batch_logs; i++) batch_logs = cbs[i]->hooks.on_train_batch_end != NULL;
    m->stop_training = false;
    m->callback_status = BRAIN_OK;
    m->resume_epoch = -1;
    CALL_CBS(m->stop_training, cbs, on_train_begin, m, &logs);
    if (m->callback_status) m->stop_training = true;
    /* no silent NaN (numeric_check.c): the weights, and each batch's data, unless check_finite is off */
    const bool check_finite = o.check_finite != BRAIN_OFF;
    s = check_finite ? brain__check_weights_finite(m, fn, "before training") : BRAIN_OK;
    const int first_epoch = m->resume_epoch > o.initial_epoch ? m->resume_epoch : o.initial_epoch; /* BackupAndRestore */

    int data_epoch = -1;    /* the dataset's epoch (differs from fit's with steps_per_epoch) */
    int64_t cursor = 0;     /* next batch of the dataset */
    for (int epoch = first_epoch; !s && epoch < epochs && !m->stop_training; epoch++) {
        m->current_epoch = epoch;
        logs.n = 0;
        CALL_CBS(m->stop_training, cbs, on_epoch_begin, m, epoch, &logs);
        if (verbose && epochs > 1) brain__print("Epoch %d/%d\n", epoch + 1, epochs);
        /* a fresh order each epoch (Keras), drawn from the model's generator for brain_fit's
         * tensors, so that an epoch's order depends only on the generator's state — what a
         * resumed fit (brain_load_model) restores */
        if (!steps_per_epoch || data_epoch < 0) {
            if ((s = brain__dataset_reset(train, epoch, &m->rng))) break;
            data_epoch = epoch;
            cursor = 0;
        }
        reset_metrics(m);
        brain_progbar bar;
        brain__progbar_init(&bar, steps, verbose);
        loss_sums ls = {0};
        for (int64_t step = 0; step < steps; step++) {
            if (ds_batches >= 0 && cursor == ds_batches) {      /* steps_per_epoch ran past the end */
                if ((s = brain__dataset_reset(train, ++data_epoch, &m->rng))) break;
                cursor = 0;
            }
            io_set b;
            if ((s = brain_dataset_get_batch(train, cursor++, &batch)) || (s = batch_set(m, fn, &batch, true, &b))) break;
            if (check_finite && !train->data_checked &&
                (s = brain__check_finite_set(fn, b.n_x, b.x, b.n_y, b.y, "x", "y"))) break;
            if (!resolved) { resolve_metrics(m, &b); reset_metrics(m); resolved = true; }
            const float *swb = batch.sample_weight;
            if (o.class_weight) {
                if (batch.rows > cwb_cap) {
                    float *p = realloc(cwb, sizeof(float) * (size_t)batch.rows);
                    if (!p) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory for class weights"); break; }
                    cwb = p; cwb_cap = batch.rows;
                }
                class_weights(&b.y[0], o.class_weight, o.n_class_weight, cwb);
                swb = cwb;
            }
            logs.n = 0;
            CALL_CBS(m->stop_training, cbs, on_train_batch_begin, m, (int)step, &logs);
            double lv, per[BRAIN_MAX_IO];
            if ((s = train_step(m, &b, swb, &lv, per))) break;
            sums_add(&ls, m->n_heads, lv, per, batch.rows);
            logs.n = 0;
            if (batch_logs) fill_logs(m, &logs, "", &ls);
            CALL_CBS(m->stop_training, cbs, on_train_batch_end, m, (int)step, &logs);
            if (step == 0 && verbose) bar.first_step_end = brain__now(); /* per-step time excludes step 1 */
            if (verbose == 1 && step + 1 < steps) brain__progbar_update(&bar, step + 1, &logs, false);
            if (m->stop_training) { steps = step + 1; break; }
        }
        if (!s && check_finite) {
            char when[64];
            snprintf(when, sizeof when, "in epoch %d", epoch + 1);
            s = brain__check_weights_finite(m, fn, when);
        }
        if (s) break; /* a failed step: on_train_end still runs (files closed), the error stays */
        if ((s = brain__dist_reduce_logs(m, &ls.total, 1 + BRAIN_MAX_IO, &ls.seen))) break;
        logs.n = 0;
        fill_logs(m, &logs, "", &ls);
        if (val && (epoch + 1) % vfreq == 0) {
            brain_logs vl = {0};
            for (int i = 0; !s && cbs && cbs[i]; i++) /* Keras's evaluate(callbacks=...) inside fit */
                if (cbs[i]->on_test_begin) s = cbs[i]->on_test_begin(cbs[i], m);
            if (!s) s = run_evaluation(m, fn, val, validation_steps, 0, &vl, "val_", &vbatch);
            for (int i = 0; cbs && cbs[i]; i++)
                if (cbs[i]->on_test_end) {
                    brain_status t = cbs[i]->on_test_end(cbs[i], m);
                    if (!s) s = t;
                }
            for (int i = 0; i < vl.n; i++) brain_logs_set(&logs, vl.names[i], vl.values[i]);
        }
        CALL_CBS(m->stop_training, cbs, on_epoch_end, m, epoch, &logs);
        if (m->callback_status) m->stop_training = true;
        if (s || (s = brain__history_append(h, epoch, &logs))) break;
        if (verbose) brain__progbar_update(&bar, steps, &logs, true);
    }
    if (epochs > 0) brain__optimizer_finalize(m->optimizer, m); /* use_ema: the averages become the weights */
    logs.n = 0;
    if (h->n_epochs) /* on_train_end sees the last epoch's logs, as in Keras */
        for (int k = 0; k < h->n_keys; k++) brain_logs_set(&logs, h->keys[k], h->values[k][h->n_epochs - 1]);
    bool ignored = false; /* training is over: a stop request changes nothing */
    m->fit_status = s ? s : m->callback_status;
    CALL_CBS(ignored, cbs, on_train_end, m, &logs);
    (void)ignored;
    if (!s) s = m->callback_status; /* the failing callback set brain_last_error */
    brain__dist_end_fit(m);
    brain_batch_release(&batch);
    brain_batch_release(&vbatch);
    free(cwb);
    free(own_cbs);
    if (s || !history) brain_history_free(h);
    else *history = h;
    return s;
}

/* No silent NaN (numeric_check.c): the data fit is given, unless check_finite is off. */
static brain_status check_fit_finite(const char *fn, const io_set *d, const io_set *val, const brain_fit_options *o)
{
    brain_status s = brain__check_finite_set(fn, d->n_x, d->x, d->n_y, d->y, "x", "y");
    if (!s) s = brain__check_finite_set(fn, val->n_x, val->x, val->n_y, val->y, "x_val", "y_val");
    if (!s && o->sample_weight) s = brain__check_finite_floats(o->sample_weight, d->x[0].shape[0], fn, "sample_weight");
    if (!s && o->class_weight) s = brain__check_finite_floats(o->class_weight, o->n_class_weight, fn, "class_weight");
    if (!s && o->val_sample_weight && val->n_x)
        s = brain__check_finite_floats(o->val_sample_weight, val->x[0].shape[0], fn, "val_sample_weight");
    return s;
}

/* brain_fit's tensors: validation_split takes the last rows, before any shuffling (Keras);
 * the training rows become a dataset shuffled with the model's generator. */
static brain_status fit_loop(brain_model *m, const char *fn, const io_set *d, const io_set *val_in,
                             const brain_fit_options *opt, brain_history **history)
{
    brain_fit_options o = opt ? *opt : (brain_fit_options){0};
    int bs = o.batch_size ? o.batch_size : 32;
    if (bs < 0 || o.epochs < 0 || o.initial_epoch < 0 || o.validation_freq < 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: epochs, batch_size, initial_epoch and validation_freq must not be negative", fn);
    if (o.class_weight && o.sample_weight)
        return brain__fail(BRAIN_ERR_ARG, "%s: class_weight and sample_weight cannot be used together (as in Keras)", fn);
    if (o.validation_split < 0 || o.validation_split >= 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: validation_split must be in [0, 1), got %g", fn, (double)o.validation_split);
    if (o.validation_split > 0 && val_in->n_x)
        return brain__fail(BRAIN_ERR_ARG, "%s: give either validation_data (x_val, y_val) or validation_split, not both", fn);
    brain_status cs = o.check_finite != BRAIN_OFF ? check_fit_finite(fn, d, val_in, &o) : BRAIN_OK;
    if (cs) return cs;
    io_set t = *d, v = *val_in;
    const float *val_sw = o.val_sample_weight;
    bool have_val = val_in->n_x > 0;
    int64_t n = d->x[0].shape[0];
    if (o.validation_split > 0) {
        int64_t split_at = (int64_t)floor((double)n * (1.0 - brain__float_option(o.validation_split)));
        if (split_at <= 0 || split_at >= n)
            return brain__fail(BRAIN_ERR_ARG, "%s: validation_split %g of %lld rows leaves one part empty", fn,
                               (double)o.validation_split, (long long)n);
        t = io_rows(d, 0, split_at);
        v = io_rows(d, split_at, n - split_at);
        have_val = true;
        n = split_at;
    }
    if (n == 0) return brain__fail(BRAIN_ERR_ARG, "%s: there are no training rows", fn);
    brain_dataset *train = brain__dataset_tensors(t.n_x, t.x, t.n_y, t.y, o.sample_weight, bs, o.shuffle != BRAIN_OFF);
    brain_dataset *val = have_val ? brain__dataset_tensors(v.n_x, v.x, v.n_y, v.y, val_sw, bs, false) : NULL;
    if (train) train->data_checked = true;
    brain_status s = !train || (have_val && !val) ? BRAIN_ERR_NOMEM
                                                  : brain__fit_run(m, fn, train, val, &o, 0, 0, history);
    brain_dataset_free(train);
    brain_dataset_free(val);
    return s;
}

static brain_status fit_multi_locked(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                             const brain_tensor *const *ys, const brain_fit_options *opt, brain_history **history)
{
    const char *fn = "brain_fit_multi";
    if (history) *history = NULL;
    brain_status s = check_ready(m, fn);
    io_set d, val = {0};
    if (!s) s = make_set(m, fn, n_x, xs, n_y, ys, true, &d);
    if (!s && opt && (opt->xs_val || opt->ys_val)) s = make_set(m, "brain_fit_multi validation_data", n_x, opt->xs_val, n_y, opt->ys_val, true, &val);
    if (!s && opt && (opt->x_val || opt->y_val))
        s = brain__fail(BRAIN_ERR_ARG, "%s: give validation data as xs_val and ys_val (one tensor per input and output)", fn);
    return s ? s : fit_loop(m, fn, &d, &val, opt, history);
}

brain_status brain_fit_multi(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                             const brain_tensor *const *ys, const brain_fit_options *opt, brain_history **history)
{
    brain__model_lock(m);
    brain_status s = fit_multi_locked(m, n_x, xs, n_y, ys, opt, history);
    brain__model_unlock(m);
    return s;
}

static brain_status fit_locked(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                       const brain_fit_options *opt, brain_history **history)
{
    if (history) *history = NULL;
    brain_status s = check_ready(m, "brain_fit");
    io_set d, val = {0};
    if (!s && (!x || !y || !x->data || !y->data)) s = brain__fail(BRAIN_ERR_ARG, "brain_fit: x and y are required");
    if (!s) s = make_set(m, "brain_fit", 1, &x, 1, &y, true, &d);
    if (!s && opt && (opt->x_val || opt->y_val) && !(opt->validation_split > 0)) {
        if (!opt->x_val || !opt->y_val || !opt->x_val->data || !opt->y_val->data)
            s = brain__fail(BRAIN_ERR_ARG, "brain_fit validation_data: x and y are required");
        else s = make_set(m, "brain_fit validation_data", 1, &opt->x_val, 1, &opt->y_val, true, &val);
    }
    if (!s && opt && opt->x_val && opt->validation_split > 0)
        s = brain__fail(BRAIN_ERR_ARG, "brain_fit: give either validation_data (x_val, y_val) or validation_split, not both");
    return s ? s : fit_loop(m, "brain_fit", &d, &val, opt, history);
}

brain_status brain_fit(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                       const brain_fit_options *opt, brain_history **history)
{
    brain__model_lock(m);
    brain_status s = fit_locked(m, x, y, opt, history);
    brain__model_unlock(m);
    return s;
}

/* ------------------------------------------------------------------ evaluate, predict */
brain_status brain__evaluate_run(brain_model *m, const char *fn, brain_dataset *ds, int64_t steps, int verbose,
                                 brain_logs *logs)
{
    brain_status s = check_ready(m, fn);
    if (s) return s;
    brain_batch batch = {0};
    brain_logs local = {0};
    verbose = brain__dist_rank() == 0 ? resolve_verbose(verbose) : 0;
    s = run_evaluation(m, fn, ds, steps, verbose, &local, "", &batch);
    brain_batch_release(&batch);
    if (!s && logs) *logs = local;
    return s;
}

static brain_status evaluate_set(brain_model *m, const char *fn, const io_set *d, const brain_eval_options *opt, brain_logs *logs)
{
    brain_eval_options o = opt ? *opt : (brain_eval_options){0};
    int bs = o.batch_size > 0 ? o.batch_size : 32;
    if (d->x[0].shape[0] == 0) return brain__fail(BRAIN_ERR_ARG, "%s: there are no rows", fn);
    if (o.check_finite != BRAIN_OFF) {
        brain_status s = brain__check_finite_set(fn, d->n_x, d->x, d->n_y, d->y, "x", "y");
        if (!s && o.sample_weight) s = brain__check_finite_floats(o.sample_weight, d->x[0].shape[0], fn, "sample_weight");
        if (s) return s;
    }
    brain_dataset *ds = brain__dataset_tensors(d->n_x, d->x, d->n_y, d->y, o.sample_weight, bs, false);
    if (!ds) return BRAIN_ERR_NOMEM;
    brain_status s = brain__evaluate_run(m, fn, ds, 0, o.verbose, logs);
    brain_dataset_free(ds);
    return s;
}

static brain_status evaluate_locked(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                            const brain_eval_options *opt, brain_logs *logs)
{
    brain_status s = check_ready(m, "brain_evaluate");
    if (!s && (!x || !y || !x->data || !y->data)) s = brain__fail(BRAIN_ERR_ARG, "brain_evaluate: x and y are required");
    io_set d;
    if (!s) s = make_set(m, "brain_evaluate", 1, &x, 1, &y, true, &d);
    return s ? s : evaluate_set(m, "brain_evaluate", &d, opt, logs);
}

brain_status brain_evaluate(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                            const brain_eval_options *opt, brain_logs *logs)
{
    brain__model_lock(m);
    brain_status s = evaluate_locked(m, x, y, opt, logs);
    brain__model_unlock(m);
    return s;
}

static brain_status evaluate_multi_locked(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                                  const brain_tensor *const *ys, const brain_eval_options *opt, brain_logs *logs)
{
    brain_status s = check_ready(m, "brain_evaluate_multi");
    io_set d;
    if (!s) s = make_set(m, "brain_evaluate_multi", n_x, xs, n_y, ys, true, &d);
    return s ? s : evaluate_set(m, "brain_evaluate_multi", &d, opt, logs);
}

brain_status brain_evaluate_multi(brain_model *m, int n_x, const brain_tensor *const *xs, int n_y,
                                  const brain_tensor *const *ys, const brain_eval_options *opt, brain_logs *logs)
{
    brain__model_lock(m);
    brain_status s = evaluate_multi_locked(m, n_x, xs, n_y, ys, opt, logs);
    brain__model_unlock(m);
    return s;
}

static brain_status predict_set(brain_model *m, const char *fn, const io_set *d, const brain_eval_options *opt,
                                brain_tensor **outs)
{
    brain_eval_options o = opt ? *opt : (brain_eval_options){0};
    brain_status cs = o.check_finite != BRAIN_OFF ? brain__check_finite_set(fn, d->n_x, d->x, 0, NULL, "x", "y") : BRAIN_OK;
    if (cs) return cs;
    int bs = o.batch_size > 0 ? o.batch_size : 32;
    int verbose = resolve_verbose(o.verbose);
    int64_t n = d->x[0].shape[0], steps = (n + bs - 1) / bs;
    for (int k = 0; k < m->n_outputs; k++) {
        brain_shape os = brain_model_output_shape_k(m, k);
        int64_t shape[BRAIN_MAX_DIMS] = {n};
        for (int i = 0; i < os.ndim; i++) shape[i + 1] = os.dims[i];
        if (!(outs[k] = brain_tensor_new(os.ndim + 1, shape))) {
            for (int j = 0; j < k; j++) { brain_tensor_free(outs[j]); outs[j] = NULL; }
            return BRAIN_ERR_NOMEM;
        }
    }
    brain_progbar bar;
    brain__progbar_init(&bar, steps, verbose);
    for (int64_t step = 0; step < steps; step++) {
        int64_t b0 = step * bs, nb = n - b0 < bs ? n - b0 : bs;
        io_set b = io_rows(d, b0, nb);
        brain_status s = forward_set(m, &b, false);
        if (s) {
            for (int k = 0; k < m->n_outputs; k++) { brain_tensor_free(outs[k]); outs[k] = NULL; }
            return s;
        }
        for (int k = 0; k < m->n_outputs; k++) {
            int64_t ors = brain_tensor_row_size(outs[k]);
            memcpy(outs[k]->data + b0 * ors, brain__model_output_k(m, k)->data, sizeof(float) * (size_t)(nb * ors));
        }
        brain__progbar_update(&bar, step + 1, NULL, step + 1 == steps);
    }
    return BRAIN_OK;
}

static brain_status predict_locked(brain_model *m, const brain_tensor *x, const brain_eval_options *opt, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!m || !out) return brain__fail(BRAIN_ERR_ARG, "brain_predict: model and out are required");
    brain_status s = brain_model_build(m);
    if (s) return s;
    if (!x || !x->data) return brain__fail(BRAIN_ERR_ARG, "brain_predict: x is NULL");
    if (m->n_outputs != 1)
        return brain__fail(BRAIN_ERR_ARG, "brain_predict: model '%s' has %d outputs; use brain_predict_multi", m->name, m->n_outputs);
    io_set d;
    if ((s = make_set(m, "brain_predict", 1, &x, 0, NULL, false, &d))) return s;
    return predict_set(m, "brain_predict", &d, opt, out);
}

brain_status brain_predict(brain_model *m, const brain_tensor *x, const brain_eval_options *opt, brain_tensor **out)
{
    brain__model_lock(m);
    brain_status s = predict_locked(m, x, opt, out);
    brain__model_unlock(m);
    return s;
}

static brain_status predict_multi_locked(brain_model *m, int n_x, const brain_tensor *const *xs,
                                 const brain_eval_options *opt, brain_tensor **outs)
{
    if (!m || !outs) return brain__fail(BRAIN_ERR_ARG, "brain_predict_multi: model and outs are required");
    brain_status s = brain_model_build(m);
    if (s) return s;
    for (int k = 0; k < m->n_outputs; k++) outs[k] = NULL;
    io_set d;
    if ((s = make_set(m, "brain_predict_multi", n_x, xs, 0, NULL, false, &d))) return s;
    return predict_set(m, "brain_predict_multi", &d, opt, outs);
}

brain_status brain_predict_multi(brain_model *m, int n_x, const brain_tensor *const *xs,
                                 const brain_eval_options *opt, brain_tensor **outs)
{
    brain__model_lock(m);
    brain_status s = predict_multi_locked(m, n_x, xs, opt, outs);
    brain__model_unlock(m);
    return s;
}

/* ------------------------------------------------------------------ the explicit loop */
static brain_status model_forward_locked(brain_model *m, const brain_tensor *x, bool training, const brain_tensor **pred)
{
    if (pred) *pred = NULL;
    if (!m || !x) return brain__fail(BRAIN_ERR_ARG, "brain_model_forward: model and x are required");
    brain_status s = brain_model_build(m);
    io_set d;
    if (!s && m->n_inputs != 1)
        s = brain__fail(BRAIN_ERR_ARG, "brain_model_forward: model '%s' has %d inputs; the explicit loop takes "
                        "single-input, single-output models", m->name, m->n_inputs);
    if (!s) s = make_set(m, "brain_model_forward", 1, &x, 0, NULL, false, &d);
    if (!s) s = brain__model_forward(m, x, training);
    if (!s && pred) *pred = brain__model_output(m);
    return s;
}

brain_status brain_model_forward(brain_model *m, const brain_tensor *x, bool training, const brain_tensor **pred)
{
    brain__model_lock(m);
    brain_status s = model_forward_locked(m, x, training, pred);
    brain__model_unlock(m);
    return s;
}

static brain_status model_loss_locked(brain_model *m, const brain_tensor *y, const brain_loss *loss, double *value)
{
    if (!m || !y) return brain__fail(BRAIN_ERR_ARG, "brain_model_loss: model and y are required");
    const brain_loss *l = loss ? loss : m->n_heads ? m->heads[0].loss : NULL;
    if (!l) return brain__fail(BRAIN_ERR_STATE, "brain_model_loss: pass a loss or compile model '%s' with one", m->name);
    if (!m->built || m->last_batch == 0)
        return brain__fail(BRAIN_ERR_STATE, "brain_model_loss: call brain_model_forward first");
    if (m->n_outputs != 1)
        return brain__fail(BRAIN_ERR_ARG, "brain_model_loss: model '%s' has %d outputs; the explicit loop takes "
                           "single-output models", m->name, m->n_outputs);
    if (y->shape[0] != m->last_batch)
        return brain__fail(BRAIN_ERR_ARG, "brain_model_loss: y has %lld rows but the last forward had %lld",
                           (long long)y->shape[0], (long long)m->last_batch);
    double v;
    brain_status s = brain_loss_compute(l, y, brain__model_output(m), NULL, &v, brain__model_output_grad(m));
    if (s) return s;
    v += brain__regularization(m, false);
    m->have_loss_grad = true;
    if (value) *value = v;
    return BRAIN_OK;
}

brain_status brain_model_loss(brain_model *m, const brain_tensor *y, const brain_loss *loss, double *value)
{
    brain__model_lock(m);
    brain_status s = model_loss_locked(m, y, loss, value);
    brain__model_unlock(m);
    return s;
}

static brain_status model_backward_locked(brain_model *m)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_model_backward: model is NULL");
    if (!m->have_loss_grad)
        return brain__fail(BRAIN_ERR_STATE, "brain_model_backward: call brain_model_forward and brain_model_loss first");
    brain__model_backward_graph(m);
    m->have_loss_grad = false;
    return BRAIN_OK;
}

brain_status brain_model_backward(brain_model *m)
{
    brain__model_lock(m);
    brain_status s = model_backward_locked(m);
    brain__model_unlock(m);
    return s;
}

void brain__callback_error(brain_model *m, brain_status s)
{
    if (m && !m->callback_status) m->callback_status = s;
}

void brain_model_zero_grad(brain_model *m)
{
    if (m && m->grads) memset(m->grads, 0, sizeof(float) * (size_t)m->n_params);
}
