/* custom.c — user-written losses and metrics (issue 12): Keras's custom loss functions and
 * Metric subclasses, with register_keras_serializable's registry so that a saved model naming
 * them compiles again on load.
 *
 *   loss  = Σ_i w_i·L_i(y_true_i, y_pred_i) / N          (Keras's "sum_over_batch_size")
 *   dloss/dy_pred_i = (w_i / N) · dL_i/dy_pred_i
 * A metric is the user's update / result / reset on a state block brain owns (state_size bytes). */
#include "internal.h"
#include <stdlib.h>
#include <string.h>

#define MAX_REGISTERED 16
#define MAX_STATE ((size_t)1 << 20)

/* ------------------------------------------------------------------ losses */
static brain_status registered_name(const char *given, const char *name, char *out, const char *fn)
{
    int n = given ? snprintf(out, BRAIN_NAME_MAX, "%s", given) : snprintf(out, BRAIN_NAME_MAX, "Custom>%s", name);
    if (n <= 0 || n >= BRAIN_NAME_MAX)
        return brain__fail(BRAIN_ERR_ARG, "%s: the registered name of \"%.32s\" must be 1 to %d characters", fn, name,
                           BRAIN_NAME_MAX - 1);
    return BRAIN_OK;
}

static brain_status check_loss_def(const brain_custom_loss_def *d, const char *fn)
{
    if (!d || !d->fn || !d->name || !d->name[0])
        return brain__fail(BRAIN_ERR_ARG, "%s: a custom loss needs a name and a function (fn)", fn);
    if (strlen(d->name) >= BRAIN_NAME_MAX)
        return brain__fail(BRAIN_ERR_ARG, "%s: loss name \"%.32s...\" is longer than %d characters", fn, d->name, BRAIN_NAME_MAX - 1);
    return BRAIN_OK;
}

brain_loss *brain_loss_custom(const brain_custom_loss_def *def)
{
    if (check_loss_def(def, "brain_loss_custom")) return NULL;
    brain_loss *l = brain__alloc(sizeof *l);
    if (!l) return NULL;
    l->kind = BRAIN_LOSS_CUSTOM;
    snprintf(l->name, sizeof l->name, "%s", def->name);
    l->custom = *def;
    if (registered_name(def->registered_name, def->name, l->registered, "brain_loss_custom")) { free(l); return NULL; }
    l->custom.name = l->custom.registered_name = NULL; /* the struct is copied (fit's loss_copy): l->name, l->registered */
    return l;
}

brain_status brain__loss_custom_compute(const brain_loss *l, const brain_tensor *y_true, const brain_tensor *y_pred,
                                        const float *sample_weight, double *value, float *grad)
{
    if (!y_true || !y_pred) return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true or y_pred is NULL", l->name);
    if (!value) return brain__fail(BRAIN_ERR_ARG, "loss %s: value is NULL; pass where the loss should go", l->name);
    if (y_true->ndim < 1 || y_pred->ndim < 1 || y_true->shape[0] != y_pred->shape[0])
        return brain__fail(BRAIN_ERR_ARG, "loss %s: y_true (%lld rows) and y_pred (%lld rows) need the same batch axis", l->name,
                           (long long)(y_true->ndim ? y_true->shape[0] : 0), (long long)(y_pred->ndim ? y_pred->shape[0] : 0));
    const int64_t n = y_pred->shape[0];
    const int64_t nt = n ? y_true->size / n : 0, np = n ? y_pred->size / n : 0;
    double total = 0.0;
    for (int64_t i = 0; i < n; i++) {
        const double w = sample_weight ? (double)sample_weight[i] : 1.0;
        float *g = grad ? grad + i * np : NULL;
        if (g) memset(g, 0, (size_t)np * sizeof *g);
        const double li = l->custom.fn(y_true->data + i * nt, nt, y_pred->data + i * np, np, g, l->custom.user);
        total += w * li;
        if (g)
            for (int64_t j = 0; j < np; j++) g[j] = (float)((double)g[j] * w / (double)n);
    }
    *value = n ? total / (double)n : 0.0;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ metrics */
static brain_status check_metric_def(const brain_custom_metric_def *d, const char *fn)
{
    if (!d || !d->name || !d->name[0] || !d->update || !d->result)
        return brain__fail(BRAIN_ERR_ARG, "%s: a custom metric needs a name, update and result", fn);
    if (strlen(d->name) >= BRAIN_NAME_MAX || (d->class_name && strlen(d->class_name) >= BRAIN_NAME_MAX))
        return brain__fail(BRAIN_ERR_ARG, "%s: metric name \"%.32s...\" is longer than %d characters", fn, d->name, BRAIN_NAME_MAX - 1);
    if (d->state_size > MAX_STATE)
        return brain__fail(BRAIN_ERR_ARG, "%s: metric %s: state_size %zu is over the limit of %zu bytes", fn, d->name,
                           d->state_size, MAX_STATE);
    return BRAIN_OK;
}

brain_metric *brain_metric_custom(const brain_custom_metric_def *def)
{
    if (check_metric_def(def, "brain_metric_custom")) return NULL;
    brain_metric *m = brain__alloc(sizeof *m);
    if (!m) return NULL;
    m->kind = m->resolved = BRAIN_METRIC_CUSTOM;
    snprintf(m->name, sizeof m->name, "%s", def->name);
    m->custom = *def;
    m->custom.name = m->custom.class_name = m->custom.registered_name = NULL; /* m->name, m->registered */
    if (registered_name(def->registered_name, def->class_name ? def->class_name : def->name, m->registered,
                        "brain_metric_custom") ||
        !(m->custom_state = brain__alloc(def->state_size ? def->state_size : 1))) {
        free(m);
        return NULL;
    }
    brain_metric_reset(m);
    return m;
}

brain_status brain__metric_custom_update(brain_metric *m, const brain_tensor *y_true, const brain_tensor *y_pred,
                                         const float *sample_weight)
{
    return m->custom.update(m->custom_state, y_true, y_pred, sample_weight, m->custom.user);
}

/* ------------------------------------------------------------------ registry */
static brain_custom_loss_def g_losses[MAX_REGISTERED];
static char g_loss_names[MAX_REGISTERED][2][BRAIN_NAME_MAX]; /* name, registered name */
static brain_custom_metric_def g_metrics[MAX_REGISTERED];
static char g_metric_names[MAX_REGISTERED][3][BRAIN_NAME_MAX]; /* name, class, registered */

static int slot_for(char (*names)[BRAIN_NAME_MAX], size_t stride, int reg_at, bool (*used)(int), const char *reg)
{
    int k = -1;
    for (int i = 0; i < MAX_REGISTERED && k < 0; i++)
        if (used(i) && !strcmp(names[(size_t)i * stride + (size_t)reg_at], reg)) k = i;
    for (int i = 0; i < MAX_REGISTERED && k < 0; i++)
        if (!used(i)) k = i;
    return k;
}
static bool loss_used(int i) { return g_losses[i].fn != NULL; }
static bool metric_used(int i) { return g_metrics[i].update != NULL; }

brain_status brain_register_loss(const brain_custom_loss_def *def)
{
    char reg[BRAIN_NAME_MAX];
    brain_status s = check_loss_def(def, "brain_register_loss");
    if (s || (s = registered_name(def->registered_name, def->name, reg, "brain_register_loss"))) return s;
    int k = slot_for(&g_loss_names[0][0], 2, 1, loss_used, reg);
    if (k < 0) return brain__fail(BRAIN_ERR_ARG, "brain_register_loss: at most %d losses can be registered", MAX_REGISTERED);
    snprintf(g_loss_names[k][0], BRAIN_NAME_MAX, "%s", def->name);
    snprintf(g_loss_names[k][1], BRAIN_NAME_MAX, "%s", reg);
    g_losses[k] = *def;
    g_losses[k].name = g_loss_names[k][0];
    g_losses[k].registered_name = g_loss_names[k][1];
    return BRAIN_OK;
}

brain_status brain_register_metric(const brain_custom_metric_def *def)
{
    char reg[BRAIN_NAME_MAX];
    brain_status s = check_metric_def(def, "brain_register_metric");
    const char *cls = def && def->class_name ? def->class_name : def ? def->name : NULL;
    if (s || (s = registered_name(def->registered_name, cls, reg, "brain_register_metric"))) return s;
    int k = slot_for(&g_metric_names[0][0], 3, 2, metric_used, reg);
    if (k < 0) return brain__fail(BRAIN_ERR_ARG, "brain_register_metric: at most %d metrics can be registered", MAX_REGISTERED);
    snprintf(g_metric_names[k][0], BRAIN_NAME_MAX, "%s", def->name);
    snprintf(g_metric_names[k][1], BRAIN_NAME_MAX, "%s", cls);
    snprintf(g_metric_names[k][2], BRAIN_NAME_MAX, "%s", reg);
    g_metrics[k] = *def;
    g_metrics[k].name = g_metric_names[k][0];
    g_metrics[k].class_name = g_metric_names[k][1];
    g_metrics[k].registered_name = g_metric_names[k][2];
    return BRAIN_OK;
}

brain_loss *brain__loss_custom_registered(const char *reg)
{
    for (int i = 0; reg && i < MAX_REGISTERED; i++)
        if (loss_used(i) && !strcmp(g_loss_names[i][1], reg)) return brain_loss_custom(&g_losses[i]);
    return NULL;
}

brain_metric *brain__metric_custom_registered(const char *reg, const char *name)
{
    for (int i = 0; reg && i < MAX_REGISTERED; i++)
        if (metric_used(i) && !strcmp(g_metric_names[i][2], reg)) {
            brain_custom_metric_def d = g_metrics[i];
            if (name && name[0] && strlen(name) < BRAIN_NAME_MAX) d.name = name; /* the saved config's name */
            return brain_metric_custom(&d);
        }
    return NULL;
}
