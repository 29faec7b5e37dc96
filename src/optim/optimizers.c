/* optimizers.c — constructors, accessors and the public step of Keras 3's SGD, Adam, AdamW and
 * RMSprop (keras/src/optimizers/{base_optimizer,sgd,adam,adamw,rmsprop}.py).
 *
 * The update itself (clipping, weight decay, the per-optimizer formulas) is in apply.c.
 *
 * Defaults: a zero field means Keras's default (see brain.h).  Consequence: a hyperparameter whose
 * Keras default is non-zero cannot be set to exactly 0 (beta_1 = 0, rho = 0, epsilon = 0); pass a
 * tiny positive value instead.
 *
 * Default names: "sgd", "adam", "adamw", "rmsprop" (common.name overrides).  Keras's own default
 * names vary by release: early Keras 3 sources hard-code name="SGD"/"adam"/"adamw"/"rmsprop";
 * Keras 3.15 derives them from the class (auto_name: "sgd", "adam", "adam_w", "rm_sprop", then
 * "_1", "_2" ... per instance).  We keep the stable, suffix-free lower-case names.
 *
 * Validation (each failure returns NULL and names the field in brain_last_error()):
 *   learning_rate ≥ 0 and finite; beta_1, beta_2, rho in [0, 1); epsilon ≥ 0;
 *   SGD momentum in [0, 1] (as Keras checks); RMSprop momentum ≥ 0;
 *   clipnorm, clipvalue, global_clipnorm, weight_decay ≥ 0, and at most one clip option set;
 *   name shorter than BRAIN_NAME_MAX characters.
 */
#include "internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SGD_LR 0.01f
#define ADAM_LR 0.001f
#define RMSPROP_LR 0.001f
#define ADAM_BETA_1 0.9f
#define ADAM_BETA_2 0.999f
#define KERAS_EPSILON 1e-7f
#define RMSPROP_RHO 0.9f
#define ADAMW_WEIGHT_DECAY 0.004f

static bool finite_nonneg(float x) { return x >= 0.0f && isfinite(x); }

/* The options every optimizer shares (Keras BaseOptimizer.__init__). */
static brain_status check_common(const brain_optimizer_common *c, const char *cls)
{
    const struct { const char *name; float v; } f[] = {
        { "clipnorm", c->clipnorm }, { "clipvalue", c->clipvalue },
        { "global_clipnorm", c->global_clipnorm }, { "weight_decay", c->weight_decay },
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (!finite_nonneg(f[i].v))
            return brain__fail(BRAIN_ERR_ARG, "%s: common.%s is %g; it must be a finite number ≥ 0 (0 leaves it unset)",
                               cls, f[i].name, (double)f[i].v);
    int n_set = (c->clipnorm > 0) + (c->clipvalue > 0) + (c->global_clipnorm > 0);
    if (n_set > 1)
        return brain__fail(BRAIN_ERR_ARG,
                           "%s: only one of common.clipnorm, common.clipvalue and common.global_clipnorm may be set "
                           "(got clipnorm=%g, clipvalue=%g, global_clipnorm=%g); keep one and leave the others 0",
                           cls, (double)c->clipnorm, (double)c->clipvalue, (double)c->global_clipnorm);
    if (c->name && strlen(c->name) >= BRAIN_NAME_MAX)
        return brain__fail(BRAIN_ERR_ARG, "%s: common.name \"%.20s...\" is %zu characters long; the limit is %d",
                           cls, c->name, strlen(c->name), BRAIN_NAME_MAX - 1);
    if (c->name && !c->name[0])
        return brain__fail(BRAIN_ERR_ARG, "%s: common.name is an empty string; pass NULL for the default name", cls);
    return BRAIN_OK;
}

static brain_status check_lr(float lr, const char *cls)
{
    if (!finite_nonneg(lr))
        return brain__fail(BRAIN_ERR_ARG, "%s: learning_rate is %g; it must be a finite number > 0 (0 means Keras's default)",
                           cls, (double)lr);
    return BRAIN_OK;
}

static brain_status check_unit(float v, const char *field, const char *cls)
{
    if (!(v >= 0.0f && v < 1.0f))
        return brain__fail(BRAIN_ERR_ARG, "%s: %s is %g; it must lie in [0, 1) (0 means Keras's default)",
                           cls, field, (double)v);
    return BRAIN_OK;
}

static brain_optimizer *make(brain_opt_kind kind, const brain_optimizer_common *common, const char *default_name)
{
    brain_optimizer *o = brain__alloc(sizeof *o);
    if (!o) return NULL;
    o->kind = kind;
    if (common) o->common = *common;
    const char *name = (common && common->name) ? common->name : default_name;
    snprintf(o->name, sizeof o->name, "%s", name);
    o->common.name = NULL; /* the caller's string is not kept; o->name holds the copy */
    return o;
}

brain_optimizer *brain_sgd(const brain_sgd_options *opt)
{
    brain_sgd_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "SGD")) return NULL;
    if (!(opt->momentum >= 0.0f && opt->momentum <= 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "SGD: momentum is %g; it must lie in [0, 1]", (double)opt->momentum);
        return NULL;
    }
    if (check_common(&opt->common, "SGD")) return NULL;
    brain_optimizer *o = make(BRAIN_OPT_SGD, &opt->common, "sgd");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : SGD_LR;
    o->momentum = opt->momentum;
    o->nesterov = opt->nesterov;
    return o;
}

static brain_optimizer *adam_like(const brain_adam_options *opt, brain_opt_kind kind)
{
    const char *cls = kind == BRAIN_OPT_ADAMW ? "AdamW" : "Adam";
    brain_adam_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, cls)) return NULL;
    if (check_unit(opt->beta_1, "beta_1", cls)) return NULL;
    if (check_unit(opt->beta_2, "beta_2", cls)) return NULL;
    if (!finite_nonneg(opt->epsilon)) {
        brain__fail(BRAIN_ERR_ARG, "%s: epsilon is %g; it must be a finite number > 0 (0 means Keras's default 1e-7)",
                    cls, (double)opt->epsilon);
        return NULL;
    }
    if (check_common(&opt->common, cls)) return NULL;
    brain_optimizer *o = make(kind, &opt->common, kind == BRAIN_OPT_ADAMW ? "adamw" : "adam");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->beta_1 = opt->beta_1 > 0 ? opt->beta_1 : ADAM_BETA_1;
    o->beta_2 = opt->beta_2 > 0 ? opt->beta_2 : ADAM_BETA_2;
    /* Keras computes 1 − beta in Python doubles from the decimal written (0.9, not 0.9f) */
    o->one_minus_beta_1 = (float)(1.0 - brain__float_option(o->beta_1));
    o->one_minus_beta_2 = (float)(1.0 - brain__float_option(o->beta_2));
    o->epsilon = opt->epsilon > 0 ? opt->epsilon : KERAS_EPSILON;
    o->amsgrad = opt->amsgrad;
    if (kind == BRAIN_OPT_ADAMW && o->common.weight_decay == 0) o->common.weight_decay = ADAMW_WEIGHT_DECAY;
    return o;
}

brain_optimizer *brain_adam(const brain_adam_options *opt) { return adam_like(opt, BRAIN_OPT_ADAM); }
brain_optimizer *brain_adamw(const brain_adam_options *opt) { return adam_like(opt, BRAIN_OPT_ADAMW); }

brain_optimizer *brain_rmsprop(const brain_rmsprop_options *opt)
{
    brain_rmsprop_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "RMSprop")) return NULL;
    if (check_unit(opt->rho, "rho", "RMSprop")) return NULL;
    if (!finite_nonneg(opt->momentum)) {
        brain__fail(BRAIN_ERR_ARG, "RMSprop: momentum is %g; it must be a finite number ≥ 0", (double)opt->momentum);
        return NULL;
    }
    if (!finite_nonneg(opt->epsilon)) {
        brain__fail(BRAIN_ERR_ARG, "RMSprop: epsilon is %g; it must be a finite number > 0 (0 means Keras's default 1e-7)",
                    (double)opt->epsilon);
        return NULL;
    }
    if (check_common(&opt->common, "RMSprop")) return NULL;
    brain_optimizer *o = make(BRAIN_OPT_RMSPROP, &opt->common, "rmsprop");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : RMSPROP_LR;
    o->rho = opt->rho > 0 ? opt->rho : RMSPROP_RHO;
    o->one_minus_rho = (float)(1.0 - brain__float_option(o->rho));
    o->momentum = opt->momentum;
    o->epsilon = opt->epsilon > 0 ? opt->epsilon : KERAS_EPSILON;
    o->centered = opt->centered;
    return o;
}

/* Keras's optimizers.get(): the snake-case names and the class names. */
brain_optimizer *brain_optimizer_from_name(const char *name)
{
    if (!name) {
        brain__fail(BRAIN_ERR_ARG, "the optimizer name is NULL; use \"sgd\", \"adam\", \"adamw\" or \"rmsprop\"");
        return NULL;
    }
    if (!strcasecmp(name, "sgd")) return brain_sgd(NULL);
    if (!strcasecmp(name, "adam")) return brain_adam(NULL);
    if (!strcasecmp(name, "adamw")) return brain_adamw(NULL);
    if (!strcasecmp(name, "rmsprop")) return brain_rmsprop(NULL);
    brain__fail(BRAIN_ERR_ARG, "unknown optimizer \"%s\"; use \"sgd\", \"adam\", \"adamw\" or \"rmsprop\"", name);
    return NULL;
}

float brain_optimizer_get_learning_rate(const brain_optimizer *o) { return o ? o->learning_rate : 0.0f; }

void brain_optimizer_set_learning_rate(brain_optimizer *o, float lr)
{
    if (o) o->learning_rate = lr;
}

int64_t brain_optimizer_iterations(const brain_optimizer *o) { return o ? o->iterations : 0; }

const char *brain_optimizer_class(const brain_optimizer *o)
{
    if (!o) return "";
    switch (o->kind) {
    case BRAIN_OPT_SGD: return "SGD";
    case BRAIN_OPT_ADAM: return "Adam";
    case BRAIN_OPT_ADAMW: return "AdamW";
    case BRAIN_OPT_RMSPROP: return "RMSprop";
    }
    return "";
}

void brain_optimizer_free(brain_optimizer *o)
{
    if (!o) return;
    for (int i = 0; i < 3; i++) free(o->slot[i]);
    free(o);
}

brain_status brain_optimizer_step(brain_optimizer *o, brain_model *m)
{
    if (!o) return brain__fail(BRAIN_ERR_ARG, "brain_optimizer_step: the optimizer is NULL");
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_optimizer_step: the model is NULL");
    if (!m->built)
        return brain__fail(BRAIN_ERR_STATE,
                           "brain_optimizer_step: model \"%s\" is not built yet; call brain_model_build (or run "
                           "brain_model_forward once) before stepping the optimizer", m->name);
    if (m->n_params < 0 || (m->n_params > 0 && (!m->params || !m->grads)))
        return brain__fail(BRAIN_ERR_STATE,
                           "brain_optimizer_step: model \"%s\" has no parameter or gradient buffer; build it first",
                           m->name);
    if (!isfinite(o->learning_rate))
        return brain__fail(BRAIN_ERR_ARG, "brain_optimizer_step: the learning rate is %g; set a finite one with "
                           "brain_optimizer_set_learning_rate", (double)o->learning_rate);
    return brain__optimizer_apply(o, m);
}
