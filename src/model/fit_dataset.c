/* fit_dataset.c — brain_fit_dataset, brain_evaluate_dataset, brain_predict_dataset: the
 * dataset entry points of fit.c's one training loop and one evaluation loop. */
#include "fit.h"
#include <stdlib.h>
#include <string.h>

brain_status brain_fit_dataset(brain_model *m, brain_dataset *train, const brain_fit_dataset_options *opt,
                               brain_history **history)
{
    const char *fn = "brain_fit_dataset";
    if (history) *history = NULL;
    if (!m) return brain__fail(BRAIN_ERR_ARG, "%s: model is NULL", fn);
    if (!train) return brain__fail(BRAIN_ERR_ARG, "%s: the dataset is NULL (did creating it fail? see the error before)", fn);
    if (!m->compiled)
        return brain__fail(BRAIN_ERR_STATE, "%s: model '%s' must be compiled first (brain_compile with an optimizer and a loss)",
                           fn, m->name);
    brain_fit_dataset_options d = opt ? *opt : (brain_fit_dataset_options){0};
    brain_fit_options o = {
        .epochs = d.epochs, .verbose = d.verbose, .initial_epoch = d.initial_epoch, .validation_freq = d.validation_freq,
        .seed = d.seed, .has_seed = d.has_seed, .class_weight = d.class_weight, .n_class_weight = d.n_class_weight,
        .callbacks = d.callbacks, .check_finite = d.check_finite,
    };
    if (d.validation_data == train)
        return brain__fail(BRAIN_ERR_ARG, "%s: validation_data is the training dataset itself; give a separate dataset", fn);
    brain__model_lock(m);                            /* one model, one call at a time (model_lock.c) */
    brain_status s = brain__fit_run(m, fn, train, d.validation_data, &o, d.steps_per_epoch, d.validation_steps, history);
    brain__model_unlock(m);
    return s;
}

brain_status brain_evaluate_dataset(brain_model *m, brain_dataset *ds, const brain_eval_dataset_options *opt,
                                    brain_logs *logs)
{
    const char *fn = "brain_evaluate_dataset";
    if (!ds) return brain__fail(BRAIN_ERR_ARG, "%s: the dataset is NULL", fn);
    brain_eval_dataset_options o = opt ? *opt : (brain_eval_dataset_options){0};
    if (o.steps < 0) return brain__fail(BRAIN_ERR_ARG, "%s: steps must not be negative", fn);
    if (!m) return brain__fail(BRAIN_ERR_ARG, "%s: model is NULL", fn);
    brain__model_lock(m);
    brain_status s = brain__evaluate_run(m, fn, ds, o.steps, o.verbose, logs);
    brain__model_unlock(m);
    return s;
}

static brain_status predict_locked(brain_model *m, brain_dataset *ds, const brain_eval_dataset_options *opt,
                                   brain_tensor **out)
{
    const char *fn = "brain_predict_dataset";
    if (out) *out = NULL;
    if (!m || !ds || !out) return brain__fail(BRAIN_ERR_ARG, "%s: model, dataset and out are required", fn);
    brain_status s = brain_model_build(m);
    if (s) return s;
    if (m->n_outputs != 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: model '%s' has %d outputs; predict one at a time with the explicit loop",
                           fn, m->name, m->n_outputs);
    brain_eval_dataset_options o = opt ? *opt : (brain_eval_dataset_options){0};
    int64_t steps = o.steps > 0 ? o.steps : brain_dataset_num_batches(ds);
    if (brain_dataset_num_batches(ds) >= 0 && steps > brain_dataset_num_batches(ds)) steps = brain_dataset_num_batches(ds);
    if (steps < 0) return brain__fail(BRAIN_ERR_ARG, "%s: the dataset is endless; give steps", fn);
    if ((s = brain__dataset_reset(ds, 0, NULL))) return s;
    const brain_shape os = brain_model_output_shape_k(m, 0);
    const int64_t ors = brain__shape_size(&os);
    int64_t rows = 0, cap = 0;
    float *buf = NULL;
    if (brain_dataset_num_rows(ds) > 0 && steps == brain_dataset_num_batches(ds)) {  /* known: one allocation */
        cap = brain_dataset_num_rows(ds);
        if (!(buf = brain__alloc_array((size_t)(cap * ors), sizeof(float)))) return BRAIN_ERR_NOMEM;
    }
    brain_batch b = {0};
    for (int64_t i = 0; i < steps && !s; i++) {
        if ((s = brain_dataset_get_batch(ds, i, &b))) break;
        if (b.n_x != m->n_inputs) {
            s = brain__fail(BRAIN_ERR_ARG, "%s: model '%s' has %d input%s, the batches have %d", fn, m->name, m->n_inputs,
                            m->n_inputs == 1 ? "" : "s", b.n_x);
            break;
        }
        const brain_tensor *xs[BRAIN_DATASET_MAX_IO];
        for (int k = 0; k < b.n_x; k++) xs[k] = &b.x[k];
        /* the same shape check as brain_predict, through brain_model_forward for one input */
        if (m->n_inputs == 1) { const brain_tensor *p; s = brain_model_forward(m, xs[0], false, &p); }
        else s = brain__model_forward_multi(m, b.n_x, xs, false);
        if (s) break;
        if (rows + b.rows > cap) {
            int64_t nc = cap ? cap : 1024;
            while (nc < rows + b.rows) nc *= 2;
            float *p = realloc(buf, sizeof(float) * (size_t)(nc * ors));
            if (!p) { s = brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory for %lld predictions", fn, (long long)nc); break; }
            buf = p; cap = nc;
        }
        memcpy(buf + rows * ors, brain__model_output_k(m, 0)->data, sizeof(float) * (size_t)(b.rows * ors));
        rows += b.rows;
    }
    brain_batch_release(&b);
    if (!s) {
        int64_t shape[BRAIN_MAX_DIMS] = { rows };
        for (int i = 0; i < os.ndim; i++) shape[i + 1] = os.dims[i];
        *out = brain_tensor_new(os.ndim + 1, shape);
        if (!*out) s = BRAIN_ERR_NOMEM;
        else if (rows) memcpy((*out)->data, buf, sizeof(float) * (size_t)(rows * ors));
    }
    free(buf);
    return s;
}

brain_status brain_predict_dataset(brain_model *m, brain_dataset *ds, const brain_eval_dataset_options *opt,
                                   brain_tensor **out)
{
    if (out) *out = NULL;
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_predict_dataset: model is NULL");
    brain__model_lock(m);
    brain_status s = predict_locked(m, ds, opt, out);
    brain__model_unlock(m);
    return s;
}
