/* fit.c — compile, fit, evaluate, predict, and the explicit PyTorch-style step functions.
 *
 * One training step (train_step):
 *   zero gradients → forward (training) → loss and d(loss)/d(output) → backward through the
 *   layers (+ regularization) → metrics on the pre-update predictions → optimizer update.
 * Every buffer it touches is reserved before the first batch, so a step allocates nothing. */
#include "internal.h"
#include "progbar.h"
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

static void free_compiled(brain_model *m)
{
    brain_optimizer_free(m->optimizer); m->optimizer = NULL;
    brain_loss_free(m->loss); m->loss = NULL;
    for (int i = 0; i < m->n_metrics; i++) brain_metric_free(m->metrics[i]);
    for (int i = 0; i < m->n_wmetrics; i++) brain_metric_free(m->wmetrics[i]);
    free(m->metrics); free(m->wmetrics);
    m->metrics = m->wmetrics = NULL;
    m->n_metrics = m->n_wmetrics = 0;
    m->compiled = false;
}

brain_status brain_compile(brain_model *m, const brain_compile_options *opt)
{
    brain_compile_options o = opt ? *opt : (brain_compile_options){0};
    brain_status s = BRAIN_OK;
    if (!m) { s = brain__fail(BRAIN_ERR_ARG, "brain_compile: model is NULL"); goto drop; }
    s = brain_model_build(m);
    if (s) goto drop;
    free_compiled(m);
    if (!o.optimizer) {
        o.optimizer = brain_optimizer_from_name(o.optimizer_name ? o.optimizer_name : "rmsprop");
        if (!o.optimizer) { s = BRAIN_ERR_ARG; goto drop; }
    }
    if (!o.loss) {
        if (!o.loss_name) { s = brain__fail(BRAIN_ERR_ARG, "brain_compile: a loss is required (set .loss or .loss_name)"); goto drop; }
        o.loss = brain_loss_from_name(o.loss_name);
        if (!o.loss) { s = BRAIN_ERR_ARG; goto drop; }
    }
    m->optimizer = o.optimizer; o.optimizer = NULL;
    m->loss = o.loss; o.loss = NULL;
    for (int i = 0; o.metrics && o.metrics[i]; i++) {
        s = add_metric(&m->metrics, &m->n_metrics, o.metrics[i]);
        o.metrics[i] = NULL;
        if (s) goto drop;
    }
    for (int i = 0; o.metric_names && o.metric_names[i]; i++) {
        brain_metric *mt = brain_metric_from_name(o.metric_names[i]);
        if (!mt) { s = BRAIN_ERR_ARG; goto drop; }
        if ((s = add_metric(&m->metrics, &m->n_metrics, mt))) goto drop;
    }
    for (int i = 0; o.weighted_metrics && o.weighted_metrics[i]; i++) {
        s = add_metric(&m->wmetrics, &m->n_wmetrics, o.weighted_metrics[i]);
        o.weighted_metrics[i] = NULL;
        if (s) goto drop;
    }
    if ((s = brain__model_relayout_if_needed(m))) goto drop;
    m->compiled = true;
    return BRAIN_OK;
drop:
    /* the objects handed over are owned by the library even when compile fails */
    brain_optimizer_free(o.optimizer);
    brain_loss_free(o.loss);
    for (int i = 0; o.metrics && o.metrics[i]; i++) brain_metric_free(o.metrics[i]);
    for (int i = 0; o.weighted_metrics && o.weighted_metrics[i]; i++) brain_metric_free(o.weighted_metrics[i]);
    if (m) free_compiled(m);
    return s;
}

/* ------------------------------------------------------------------ helpers */
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

static void resolve_metrics(brain_model *m, const brain_tensor *y)
{
    brain_shape out = brain_model_output_shape(m);
    for (int i = 0; i < m->n_metrics; i++) brain__metric_resolve(m->metrics[i], &out, y->ndim);
    for (int i = 0; i < m->n_wmetrics; i++) brain__metric_resolve(m->wmetrics[i], &out, y->ndim);
}

static void reset_metrics(brain_model *m)
{
    for (int i = 0; i < m->n_metrics; i++) brain_metric_reset(m->metrics[i]);
    for (int i = 0; i < m->n_wmetrics; i++) brain_metric_reset(m->wmetrics[i]);
}

static brain_status update_metrics(brain_model *m, const brain_tensor *y, const brain_tensor *pred, const float *sw)
{
    brain_status s = BRAIN_OK;
    for (int i = 0; !s && i < m->n_metrics; i++) s = brain_metric_update(m->metrics[i], y, pred, NULL);
    for (int i = 0; !s && i < m->n_wmetrics; i++) s = brain_metric_update(m->wmetrics[i], y, pred, sw);
    return s;
}

/* logs = {prefix}loss and each metric, sorted */
static void fill_logs(brain_model *m, brain_logs *logs, const char *prefix, double loss)
{
    char key[BRAIN_LOG_NAME + BRAIN_NAME_MAX];
    snprintf(key, sizeof key, "%sloss", prefix);
    brain_logs_set(logs, key, loss);
    for (int i = 0; i < m->n_metrics; i++) {
        snprintf(key, sizeof key, "%s%s", prefix, m->metrics[i]->name);
        brain_logs_set(logs, key, brain_metric_result(m->metrics[i]));
    }
    for (int i = 0; i < m->n_wmetrics; i++) {
        snprintf(key, sizeof key, "%s%s", prefix, m->wmetrics[i]->name);
        brain_logs_set(logs, key, brain_metric_result(m->wmetrics[i]));
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

static brain_status check_xy(const brain_tensor *x, const brain_tensor *y, const char *what)
{
    if (!x || !y || !x->data || !y->data) return brain__fail(BRAIN_ERR_ARG, "%s: x and y are required", what);
    if (x->shape[0] != y->shape[0])
        return brain__fail(BRAIN_ERR_ARG, "%s: x has %lld rows but y has %lld; they must match", what,
                           (long long)x->shape[0], (long long)y->shape[0]);
    return BRAIN_OK;
}

static brain_status check_input(brain_model *m, const brain_tensor *x)
{
    bool ok = x->ndim == m->input_shape.ndim + 1;
    for (int i = 0; ok && i < m->input_shape.ndim; i++) ok = x->shape[i + 1] == m->input_shape.dims[i];
    if (ok) return BRAIN_OK;
    char want[128], got[160];
    brain__shape_str(&m->input_shape, want, sizeof want);
    brain__dims_str(x->ndim, x->shape, got, sizeof got);
    return brain__fail(BRAIN_ERR_ARG, "model '%s' expects input of shape %s, but the data has shape %s", m->name, want, got);
}

/* ------------------------------------------------------------------ one step */
static brain_status train_step(brain_model *m, const brain_tensor *xb, const brain_tensor *yb, const float *swb,
                               double *loss_out)
{
    brain_model_zero_grad(m);
    brain_status s = brain__model_forward(m, xb, true);
    if (s) return s;
    const brain_tensor *pred = brain__model_output(m);
    double v;
    s = brain_loss_compute(m->loss, yb, pred, swb, &v, brain__model_output_grad(m));
    if (s) return s;
    v += brain__model_backward_graph(m);
    if ((s = update_metrics(m, yb, pred, swb))) return s;
    if ((s = brain__optimizer_apply(m->optimizer, m))) return s;
    *loss_out = v;
    return BRAIN_OK;
}

/* Loss and metrics over (x, y) in inference mode, batched; logs get {prefix}loss etc. */
static brain_status run_evaluation(brain_model *m, const brain_tensor *x, const brain_tensor *y, const float *sw,
                                   int batch_size, int verbose, brain_logs *logs, const char *prefix)
{
    int64_t n = x->shape[0];
    resolve_metrics(m, y);
    reset_metrics(m);
    double total = 0;
    int64_t seen = 0, steps = (n + batch_size - 1) / batch_size;
    brain_progbar bar;
    brain__progbar_init(&bar, steps, verbose);
    brain_logs running = {0};
    const double penalty = brain__regularization(m, false); /* the weights do not change here */
    for (int64_t step = 0; step < steps; step++) {
        int64_t b0 = step * batch_size, nb = n - b0 < batch_size ? n - b0 : batch_size;
        brain_tensor xb = view_rows(x, b0, nb), yb = view_rows(y, b0, nb);
        brain_status s = brain__model_forward(m, &xb, false);
        if (s) return s;
        const brain_tensor *pred = brain__model_output(m);
        double v;
        if ((s = brain_loss_compute(m->loss, &yb, pred, sw ? sw + b0 : NULL, &v, NULL))) return s;
        v += penalty;
        if ((s = update_metrics(m, &yb, pred, sw ? sw + b0 : NULL))) return s;
        total += v * (double)nb;
        seen += nb;
        if (verbose == 1) {
            running.n = 0;
            fill_logs(m, &running, "", total / (double)seen);
            brain__progbar_update(&bar, step + 1, &running, step + 1 == steps);
        }
    }
    fill_logs(m, logs, prefix, seen ? total / (double)seen : NAN);
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ fit */
typedef struct fit_buffers {
    float *xb, *yb, *swb, *sw;
    int64_t *perm;
} fit_buffers;

static void free_fit_buffers(fit_buffers *b)
{
    free(b->xb); free(b->yb); free(b->swb); free(b->sw); free(b->perm);
}

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

brain_status brain_fit(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                       const brain_fit_options *opt, brain_history **history)
{
    if (history) *history = NULL;
    brain_status s = check_ready(m, "brain_fit");
    if (s) return s;
    if ((s = check_xy(x, y, "brain_fit"))) return s;
    if ((s = check_input(m, x))) return s;
    brain_fit_options o = opt ? *opt : (brain_fit_options){0};
    int epochs = o.epochs ? o.epochs : 1;
    int bs = o.batch_size ? o.batch_size : 32;
    int verbose = resolve_verbose(o.verbose);
    int vfreq = o.validation_freq ? o.validation_freq : 1;
    if (epochs < 0 || bs < 0 || o.initial_epoch < 0 || vfreq < 0)
        return brain__fail(BRAIN_ERR_ARG, "brain_fit: epochs, batch_size, initial_epoch and validation_freq must not be negative");
    if (verbose < 0 || verbose > 2) return brain__fail(BRAIN_ERR_ARG, "brain_fit: verbose must be BRAIN_SILENT, 1 or 2");
    if (o.class_weight && o.sample_weight)
        return brain__fail(BRAIN_ERR_ARG, "brain_fit: class_weight and sample_weight cannot be used together (as in Keras)");
    if (o.validation_split < 0 || o.validation_split >= 1)
        return brain__fail(BRAIN_ERR_ARG, "brain_fit: validation_split must be in [0, 1), got %g", (double)o.validation_split);
    if (o.validation_split > 0 && o.x_val)
        return brain__fail(BRAIN_ERR_ARG, "brain_fit: give either validation_data (x_val, y_val) or validation_split, not both");

    /* validation_split takes the last rows, before any shuffling (Keras) */
    brain_tensor xt = *x, yt = *y, xv = {0}, yv = {0};
    const float *val_sw = o.val_sample_weight;
    bool have_val = false;
    int64_t n = x->shape[0];
    if (o.validation_split > 0) {
        int64_t split_at = (int64_t)floor((double)n * (1.0 - brain__float_option(o.validation_split)));
        if (split_at <= 0 || split_at >= n)
            return brain__fail(BRAIN_ERR_ARG, "brain_fit: validation_split %g of %lld rows leaves one part empty",
                               (double)o.validation_split, (long long)n);
        xt = view_rows(x, 0, split_at); yt = view_rows(y, 0, split_at);
        xv = view_rows(x, split_at, n - split_at); yv = view_rows(y, split_at, n - split_at);
        have_val = true;
        n = split_at;
    } else if (o.x_val || o.y_val) {
        if ((s = check_xy(o.x_val, o.y_val, "brain_fit validation_data"))) return s;
        if ((s = check_input(m, o.x_val))) return s;
        xv = *o.x_val; yv = *o.y_val;
        have_val = true;
    }
    if (n == 0) return brain__fail(BRAIN_ERR_ARG, "brain_fit: there are no training rows");
    if (o.has_seed) brain_rng_seed(&m->rng, o.seed);

    int64_t xrs = brain_tensor_row_size(&xt), yrs = brain_tensor_row_size(&yt);
    fit_buffers b = {0};
    b.xb = brain__alloc_array((size_t)(bs * xrs), sizeof(float));
    b.yb = brain__alloc_array((size_t)(bs * yrs), sizeof(float));
    b.swb = brain__alloc_array((size_t)bs, sizeof(float));
    b.perm = brain__alloc_array((size_t)n, sizeof(int64_t));
    if (!b.xb || !b.yb || !b.swb || !b.perm) { free_fit_buffers(&b); return BRAIN_ERR_NOMEM; }
    if (o.class_weight || o.sample_weight) {
        b.sw = brain__alloc_array((size_t)n, sizeof(float));
        if (!b.sw) { free_fit_buffers(&b); return BRAIN_ERR_NOMEM; }
        for (int64_t i = 0; i < n; i++) {
            if (o.sample_weight) { b.sw[i] = o.sample_weight[i]; continue; }
            /* class id: argmax for one-hot rows, the value itself for (N,) / (N, 1) */
            const float *row = yt.data + i * yrs;
            int64_t cls = 0;
            if (yrs == 1) cls = (int64_t)lrintf(row[0]);
            else for (int64_t j = 1; j < yrs; j++) if (row[j] > row[cls]) cls = j;
            b.sw[i] = cls >= 0 && cls < o.n_class_weight ? o.class_weight[cls] : 1.0f;
        }
    }
    if ((s = brain__model_reserve(m, bs))) { free_fit_buffers(&b); return s; }
    resolve_metrics(m, y);

    brain_history *h = brain__history_new();
    if (!h) { free_fit_buffers(&b); return BRAIN_ERR_NOMEM; }
    brain_callback **cbs = o.callbacks;
    int64_t steps = (n + bs - 1) / bs;
    brain_logs logs = {0};
    /* The running logs of a batch are read only by on_train_batch_end hooks and the live bar;
     * without either they are rebuilt at the epoch's end anyway, so skip them per batch. */
    bool batch_logs = verbose == 1;
    for (int i = 0; cbs && cbs[i] && !batch_logs; i++) batch_logs = cbs[i]->hooks.on_train_batch_end != NULL;
    m->stop_training = false;
    m->callback_status = BRAIN_OK;
    CALL_CBS(m->stop_training, cbs, on_train_begin, m, &logs);
    if (m->callback_status) m->stop_training = true;

    for (int epoch = o.initial_epoch; epoch < epochs && !m->stop_training; epoch++) {
        m->current_epoch = epoch;
        logs.n = 0;
        CALL_CBS(m->stop_training, cbs, on_epoch_begin, m, epoch, &logs);
        if (verbose && epochs > 1) brain__print("Epoch %d/%d\n", epoch + 1, epochs);
        /* a fresh permutation each epoch (Keras), so that an epoch's order depends only on the
         * generator's state — what a resumed fit (brain_load_model) restores */
        for (int64_t i = 0; i < n; i++) b.perm[i] = i;
        if (o.shuffle != BRAIN_OFF)
            for (int64_t i = n - 1; i > 0; i--) {
                int64_t j = brain_rng_below(&m->rng, i + 1), t = b.perm[i];
                b.perm[i] = b.perm[j]; b.perm[j] = t;
            }
        reset_metrics(m);
        brain_progbar bar;
        brain__progbar_init(&bar, steps, verbose);
        double total = 0;
        int64_t seen = 0;
        for (int64_t step = 0; step < steps; step++) {
            int64_t b0 = step * bs, nb = n - b0 < bs ? n - b0 : bs;
            for (int64_t r = 0; r < nb; r++) {
                int64_t src = b.perm[b0 + r];
                memcpy(b.xb + r * xrs, xt.data + src * xrs, sizeof(float) * (size_t)xrs);
                memcpy(b.yb + r * yrs, yt.data + src * yrs, sizeof(float) * (size_t)yrs);
                if (b.sw) b.swb[r] = b.sw[src];
            }
            brain_tensor xb = xt, yb = yt;
            xb.data = b.xb; xb.shape[0] = nb; xb.size = nb * xrs; xb.owns_data = 0;
            yb.data = b.yb; yb.shape[0] = nb; yb.size = nb * yrs; yb.owns_data = 0;
            logs.n = 0;
            CALL_CBS(m->stop_training, cbs, on_train_batch_begin, m, (int)step, &logs);
            double v;
            if ((s = train_step(m, &xb, &yb, b.sw ? b.swb : NULL, &v))) break;
            total += v * (double)nb;
            seen += nb;
            logs.n = 0;
            if (batch_logs) fill_logs(m, &logs, "", total / (double)seen);
            CALL_CBS(m->stop_training, cbs, on_train_batch_end, m, (int)step, &logs);
            if (step == 0 && verbose) bar.first_step_end = brain__now(); /* per-step time excludes step 1 */
            if (verbose == 1 && step + 1 < steps) brain__progbar_update(&bar, step + 1, &logs, false);
            if (m->stop_training) { steps = step + 1; break; }
        }
        if (s) break; /* a failed step: on_train_end still runs (files closed), the error stays */
        logs.n = 0;
        fill_logs(m, &logs, "", seen ? total / (double)seen : NAN);
        if (have_val && (epoch + 1) % vfreq == 0) {
            brain_logs vl = {0};
            s = run_evaluation(m, &xv, &yv, val_sw, bs, 0, &vl, "val_");
            for (int i = 0; i < vl.n; i++) brain_logs_set(&logs, vl.names[i], vl.values[i]);
        }
        CALL_CBS(m->stop_training, cbs, on_epoch_end, m, epoch, &logs);
        if (m->callback_status) m->stop_training = true;
        if (s || (s = brain__history_append(h, epoch, &logs))) break;
        if (verbose) brain__progbar_update(&bar, steps, &logs, true);
    }
    logs.n = 0;
    if (h->n_epochs) /* on_train_end sees the last epoch's logs, as in Keras */
        for (int k = 0; k < h->n_keys; k++) brain_logs_set(&logs, h->keys[k], h->values[k][h->n_epochs - 1]);
    bool ignored = false; /* training is over: a stop request changes nothing */
    CALL_CBS(ignored, cbs, on_train_end, m, &logs);
    (void)ignored;
    if (!s) s = m->callback_status; /* the failing callback set brain_last_error */
    free_fit_buffers(&b);
    if (s || !history) brain_history_free(h);
    else *history = h;
    return s;
}

/* ------------------------------------------------------------------ evaluate, predict */
brain_status brain_evaluate(brain_model *m, const brain_tensor *x, const brain_tensor *y,
                            const brain_eval_options *opt, brain_logs *logs)
{
    brain_status s = check_ready(m, "brain_evaluate");
    if (s) return s;
    if ((s = check_xy(x, y, "brain_evaluate"))) return s;
    if ((s = check_input(m, x))) return s;
    brain_eval_options o = opt ? *opt : (brain_eval_options){0};
    int bs = o.batch_size > 0 ? o.batch_size : 32;
    int verbose = resolve_verbose(o.verbose);
    if (x->shape[0] == 0) return brain__fail(BRAIN_ERR_ARG, "brain_evaluate: there are no rows");
    brain_logs local = {0};
    if ((s = run_evaluation(m, x, y, o.sample_weight, bs, verbose, &local, ""))) return s;
    if (logs) *logs = local;
    return BRAIN_OK;
}

brain_status brain_predict(brain_model *m, const brain_tensor *x, const brain_eval_options *opt, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!m || !out) return brain__fail(BRAIN_ERR_ARG, "brain_predict: model and out are required");
    brain_status s = brain_model_build(m);
    if (s) return s;
    if (!x || !x->data) return brain__fail(BRAIN_ERR_ARG, "brain_predict: x is NULL");
    if ((s = check_input(m, x))) return s;
    brain_eval_options o = opt ? *opt : (brain_eval_options){0};
    int bs = o.batch_size > 0 ? o.batch_size : 32;
    int verbose = resolve_verbose(o.verbose);
    brain_shape os = brain_model_output_shape(m);
    int64_t shape[BRAIN_MAX_DIMS] = {x->shape[0]};
    for (int i = 0; i < os.ndim; i++) shape[i + 1] = os.dims[i];
    brain_tensor *res = brain_tensor_new(os.ndim + 1, shape);
    if (!res) return BRAIN_ERR_NOMEM;
    int64_t n = x->shape[0], steps = (n + bs - 1) / bs, ors = brain__shape_size(&os);
    brain_progbar bar;
    brain__progbar_init(&bar, steps, verbose);
    for (int64_t step = 0; step < steps; step++) {
        int64_t b0 = step * bs, nb = n - b0 < bs ? n - b0 : bs;
        brain_tensor xb = view_rows(x, b0, nb);
        if ((s = brain__model_forward(m, &xb, false))) { brain_tensor_free(res); return s; }
        memcpy(res->data + b0 * ors, brain__model_output(m)->data, sizeof(float) * (size_t)(nb * ors));
        brain__progbar_update(&bar, step + 1, NULL, step + 1 == steps);
    }
    *out = res;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ the explicit loop */
brain_status brain_model_forward(brain_model *m, const brain_tensor *x, bool training, const brain_tensor **pred)
{
    if (pred) *pred = NULL;
    if (!m || !x) return brain__fail(BRAIN_ERR_ARG, "brain_model_forward: model and x are required");
    brain_status s = brain_model_build(m);
    if (!s) s = check_input(m, x);
    if (!s) s = brain__model_forward(m, x, training);
    if (!s && pred) *pred = brain__model_output(m);
    return s;
}

brain_status brain_model_loss(brain_model *m, const brain_tensor *y, const brain_loss *loss, double *value)
{
    if (!m || !y) return brain__fail(BRAIN_ERR_ARG, "brain_model_loss: model and y are required");
    const brain_loss *l = loss ? loss : m->loss;
    if (!l) return brain__fail(BRAIN_ERR_STATE, "brain_model_loss: pass a loss or compile model '%s' with one", m->name);
    if (!m->built || m->last_batch == 0)
        return brain__fail(BRAIN_ERR_STATE, "brain_model_loss: call brain_model_forward first");
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

brain_status brain_model_backward(brain_model *m)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_model_backward: model is NULL");
    if (!m->have_loss_grad)
        return brain__fail(BRAIN_ERR_STATE, "brain_model_backward: call brain_model_forward and brain_model_loss first");
    brain__model_backward_graph(m);
    m->have_loss_grad = false;
    return BRAIN_OK;
}

void brain__callback_error(brain_model *m, brain_status s)
{
    if (m && !m->callback_status) m->callback_status = s;
}

void brain_model_zero_grad(brain_model *m)
{
    if (m && m->grads) memset(m->grads, 0, sizeof(float) * (size_t)m->n_params);
}
