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

/* The constructors own common.learning_rate_schedule from the call on: a failure frees it. */
static brain_optimizer *drop_schedule(const brain_optimizer_common *c)
{
    brain_lr_schedule_free(c->learning_rate_schedule);
    return NULL;
}

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
    if (c->has_ema_momentum && !(c->ema_momentum >= 0.0f && c->ema_momentum <= 1.0f))
        return brain__fail(BRAIN_ERR_ARG, "%s: common.ema_momentum is %g; it must lie in [0, 1]", cls, (double)c->ema_momentum);
    if (c->ema_overwrite_frequency < 0)
        return brain__fail(BRAIN_ERR_ARG, "%s: common.ema_overwrite_frequency is %d; it must be ≥ 1 (0 leaves it unset)",
                           cls, c->ema_overwrite_frequency);
    if (c->gradient_accumulation_steps < 0 || c->gradient_accumulation_steps == 1)
        return brain__fail(BRAIN_ERR_ARG, "%s: common.gradient_accumulation_steps is %d; it must be an integer ≥ 2 "
                           "(0 leaves it unset)", cls, c->gradient_accumulation_steps);
    if (!finite_nonneg(c->loss_scale_factor))
        return brain__fail(BRAIN_ERR_ARG, "%s: common.loss_scale_factor is %g; it must be a finite number > 0 (0 leaves it "
                           "unset)", cls, (double)c->loss_scale_factor);
    return BRAIN_OK;
}

static brain_status check_lr(float lr, const char *cls)
{
    if (!finite_nonneg(lr))
        return brain__fail(BRAIN_ERR_ARG, "%s: learning_rate is %g; it must be a finite number > 0 (0 means Keras's default)",
                           cls, (double)lr);
    return BRAIN_OK;
}

/* epsilon: finite and ≥ 0 (0 means Keras's default; dflt names it in the message, or "") */
static brain_status check_eps(float v, const char *cls, const char *dflt)
{
    if (!finite_nonneg(v))
        return brain__fail(BRAIN_ERR_ARG, "%s: epsilon is %g; it must be a finite number > 0 (0 means Keras's default%s)",
                           cls, (double)v, dflt);
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
    if (!o) return common ? drop_schedule(common) : NULL;
    o->kind = kind;
    if (common) o->common = *common;
    const char *name = (common && common->name) ? common->name : default_name;
    snprintf(o->name, sizeof o->name, "%s", name);
    o->common.name = NULL; /* the caller's string is not kept; o->name holds the copy */
    o->schedule = o->common.learning_rate_schedule;
    o->common.learning_rate_schedule = NULL;
    if (!o->common.has_ema_momentum) o->common.ema_momentum = 0.99f;
    o->common.has_ema_momentum = true;
    o->u_product = 1.0f;
    return o;
}

brain_optimizer *brain_sgd(const brain_sgd_options *opt)
{
    brain_sgd_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "SGD")) return drop_schedule(&opt->common);
    if (!(opt->momentum >= 0.0f && opt->momentum <= 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "SGD: momentum is %g; it must lie in [0, 1]", (double)opt->momentum);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, "SGD")) return drop_schedule(&opt->common);
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
    if (check_lr(opt->learning_rate, cls)) return drop_schedule(&opt->common);
    if (check_unit(opt->beta_1, "beta_1", cls)) return drop_schedule(&opt->common);
    if (check_unit(opt->beta_2, "beta_2", cls)) return drop_schedule(&opt->common);
    if (check_eps(opt->epsilon, cls, " 1e-7")) return drop_schedule(&opt->common);
    if (check_common(&opt->common, cls)) return drop_schedule(&opt->common);
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
    if (check_lr(opt->learning_rate, "RMSprop")) return drop_schedule(&opt->common);
    if (check_unit(opt->rho, "rho", "RMSprop")) return drop_schedule(&opt->common);
    if (!finite_nonneg(opt->momentum)) {
        brain__fail(BRAIN_ERR_ARG, "RMSprop: momentum is %g; it must be a finite number ≥ 0", (double)opt->momentum);
        return drop_schedule(&opt->common);
    }
    if (check_eps(opt->epsilon, "RMSprop", " 1e-7")) return drop_schedule(&opt->common);
    if (check_common(&opt->common, "RMSprop")) return drop_schedule(&opt->common);
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

/* ---- Adagrad, Adadelta, Adamax, Nadam, Lion, Ftrl (issue 12) */
brain_optimizer *brain_adagrad(const brain_adagrad_options *opt)
{
    brain_adagrad_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "Adagrad")) return drop_schedule(&opt->common);
    if (check_eps(opt->epsilon, "Adagrad", "")) return drop_schedule(&opt->common);
    if (opt->has_initial_accumulator_value && !finite_nonneg(opt->initial_accumulator_value)) {
        brain__fail(BRAIN_ERR_ARG, "Adagrad: initial_accumulator_value is %g; it must be a finite number ≥ 0",
                    (double)opt->initial_accumulator_value);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, "Adagrad")) return drop_schedule(&opt->common);
    brain_optimizer *o = make(BRAIN_OPT_ADAGRAD, &opt->common, "adagrad");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->initial_accumulator_value = opt->has_initial_accumulator_value ? opt->initial_accumulator_value : 0.1f;
    o->epsilon = opt->epsilon > 0 ? opt->epsilon : KERAS_EPSILON;
    return o;
}

brain_optimizer *brain_adadelta(const brain_adadelta_options *opt)
{
    brain_adadelta_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "Adadelta")) return drop_schedule(&opt->common);
    if (check_unit(opt->rho, "rho", "Adadelta")) return drop_schedule(&opt->common);
    if (check_eps(opt->epsilon, "Adadelta", "")) return drop_schedule(&opt->common);
    if (check_common(&opt->common, "Adadelta")) return drop_schedule(&opt->common);
    brain_optimizer *o = make(BRAIN_OPT_ADADELTA, &opt->common, "adadelta");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->rho = opt->rho > 0 ? opt->rho : 0.95f;
    o->one_minus_rho = (float)(1.0 - brain__float_option(o->rho));
    o->epsilon = opt->epsilon > 0 ? opt->epsilon : KERAS_EPSILON;
    return o;
}

static brain_optimizer *adam_family(const brain_adam_options *opt, brain_opt_kind kind, const char *cls, const char *dname)
{
    brain_adam_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, cls)) return drop_schedule(&opt->common);
    if (check_unit(opt->beta_1, "beta_1", cls)) return drop_schedule(&opt->common);
    if (check_unit(opt->beta_2, "beta_2", cls)) return drop_schedule(&opt->common);
    if (check_eps(opt->epsilon, cls, "")) return drop_schedule(&opt->common);
    if (opt->amsgrad) {
        brain__fail(BRAIN_ERR_ARG, "%s: amsgrad is set; Keras's %s has no amsgrad option (use brain_adam)", cls, cls);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, cls)) return drop_schedule(&opt->common);
    brain_optimizer *o = make(kind, &opt->common, dname);
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->beta_1 = opt->beta_1 > 0 ? opt->beta_1 : ADAM_BETA_1;
    o->beta_2 = opt->beta_2 > 0 ? opt->beta_2 : ADAM_BETA_2;
    o->one_minus_beta_1 = (float)(1.0 - brain__float_option(o->beta_1));
    o->one_minus_beta_2 = (float)(1.0 - brain__float_option(o->beta_2));
    o->epsilon = opt->epsilon > 0 ? opt->epsilon : KERAS_EPSILON;
    return o;
}

brain_optimizer *brain_adamax(const brain_adam_options *opt) { return adam_family(opt, BRAIN_OPT_ADAMAX, "Adamax", "adamax"); }
brain_optimizer *brain_nadam(const brain_adam_options *opt) { return adam_family(opt, BRAIN_OPT_NADAM, "Nadam", "nadam"); }

brain_optimizer *brain_lion(const brain_lion_options *opt)
{
    brain_lion_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "Lion")) return drop_schedule(&opt->common);
    /* Keras: beta_1 in [0, 1] */
    if (!(opt->beta_1 >= 0.0f && opt->beta_1 <= 1.0f) || !(opt->beta_2 >= 0.0f && opt->beta_2 <= 1.0f)) {
        brain__fail(BRAIN_ERR_ARG, "Lion: beta_1 = %g and beta_2 = %g must lie in [0, 1] (0 means Keras's default)",
                    (double)opt->beta_1, (double)opt->beta_2);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, "Lion")) return drop_schedule(&opt->common);
    brain_optimizer *o = make(BRAIN_OPT_LION, &opt->common, "lion");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->beta_1 = opt->beta_1 > 0 ? opt->beta_1 : 0.9f;
    o->beta_2 = opt->beta_2 > 0 ? opt->beta_2 : 0.99f;
    return o;
}

brain_optimizer *brain_ftrl(const brain_ftrl_options *opt)
{
    brain_ftrl_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "Ftrl")) return drop_schedule(&opt->common);
    const float lrp = opt->has_learning_rate_power ? opt->learning_rate_power : -0.5f;
    const float iav = opt->has_initial_accumulator_value ? opt->initial_accumulator_value : 0.1f;
    /* Keras's checks (ftrl.py) */
    const char *bad = !(lrp <= 0.0f) ? "learning_rate_power must be ≤ 0"
                    : !finite_nonneg(iav) ? "initial_accumulator_value must be ≥ 0"
                    : !finite_nonneg(opt->l1_regularization_strength) ? "l1_regularization_strength must be ≥ 0"
                    : !finite_nonneg(opt->l2_regularization_strength) ? "l2_regularization_strength must be ≥ 0"
                    : !finite_nonneg(opt->l2_shrinkage_regularization_strength) ? "l2_shrinkage_regularization_strength must be ≥ 0"
                    : !isfinite(opt->beta) ? "beta must be finite" : NULL;
    if (bad) {
        brain__fail(BRAIN_ERR_ARG, "Ftrl: %s (learning_rate_power %g, initial_accumulator_value %g, l1 %g, l2 %g, "
                    "l2_shrinkage %g, beta %g)", bad, (double)lrp, (double)iav, (double)opt->l1_regularization_strength,
                    (double)opt->l2_regularization_strength, (double)opt->l2_shrinkage_regularization_strength,
                    (double)opt->beta);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, "Ftrl")) return drop_schedule(&opt->common);
    brain_optimizer *o = make(BRAIN_OPT_FTRL, &opt->common, "ftrl");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->lr_power = lrp;
    o->initial_accumulator_value = iav;
    o->l1 = opt->l1_regularization_strength;
    o->l2 = opt->l2_regularization_strength;
    o->l2_shrinkage = opt->l2_shrinkage_regularization_strength;
    o->beta = opt->beta;
    return o;
}

brain_optimizer *brain_adafactor(const brain_adafactor_options *opt)
{
    brain_adafactor_options d = { 0 };
    if (!opt) opt = &d;
    if (check_lr(opt->learning_rate, "Adafactor")) return drop_schedule(&opt->common);
    if (!finite_nonneg(opt->epsilon_1) || !finite_nonneg(opt->epsilon_2) || !finite_nonneg(opt->clip_threshold) ||
        (opt->has_beta_2_decay && !isfinite(opt->beta_2_decay))) {
        brain__fail(BRAIN_ERR_ARG, "Adafactor: epsilon_1 %g, epsilon_2 %g and clip_threshold %g must be finite numbers ≥ 0 "
                    "(0 means Keras's default) and beta_2_decay finite", (double)opt->epsilon_1, (double)opt->epsilon_2,
                    (double)opt->clip_threshold);
        return drop_schedule(&opt->common);
    }
    if (check_common(&opt->common, "Adafactor")) return drop_schedule(&opt->common);
    brain_optimizer *o = make(BRAIN_OPT_ADAFACTOR, &opt->common, "adafactor");
    if (!o) return NULL;
    o->learning_rate = opt->learning_rate > 0 ? opt->learning_rate : ADAM_LR;
    o->beta_2_decay = opt->has_beta_2_decay ? opt->beta_2_decay : -0.8f;
    o->epsilon_1 = opt->epsilon_1 > 0 ? opt->epsilon_1 : 1e-30f;
    o->epsilon_2 = opt->epsilon_2 > 0 ? opt->epsilon_2 : 1e-3f;
    o->clip_threshold = opt->clip_threshold > 0 ? opt->clip_threshold : 1.0f;
    o->relative_step = opt->relative_step != BRAIN_OFF;
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
    if (!strcasecmp(name, "adagrad")) return brain_adagrad(NULL);
    if (!strcasecmp(name, "adadelta")) return brain_adadelta(NULL);
    if (!strcasecmp(name, "adamax")) return brain_adamax(NULL);
    if (!strcasecmp(name, "nadam")) return brain_nadam(NULL);
    if (!strcasecmp(name, "lion")) return brain_lion(NULL);
    if (!strcasecmp(name, "ftrl")) return brain_ftrl(NULL);
    if (!strcasecmp(name, "adafactor")) return brain_adafactor(NULL);
    brain__fail(BRAIN_ERR_ARG, "unknown optimizer \"%s\"; use \"sgd\", \"adam\", \"adamw\", \"rmsprop\", \"adagrad\", "
                "\"adadelta\", \"adamax\", \"nadam\", \"lion\", \"ftrl\" or \"adafactor\"", name);
    return NULL;
}

/* Keras's optimizer.learning_rate: with a schedule, its value at the current iterations. */
float brain_optimizer_get_learning_rate(const brain_optimizer *o) { return o ? brain__optimizer_current_lr(o) : 0.0f; }

/* With a schedule Keras refuses the assignment (TypeError); here it is ignored. */
void brain_optimizer_set_learning_rate(brain_optimizer *o, float lr)
{
    if (o && !o->schedule) o->learning_rate = lr;
}

int64_t brain_optimizer_iterations(const brain_optimizer *o) { return o ? brain__optimizer_steps(o) : 0; }

const char *brain_optimizer_class(const brain_optimizer *o)
{
    if (!o) return "";
    switch (o->kind) {
    case BRAIN_OPT_SGD: return "SGD";
    case BRAIN_OPT_ADAM: return "Adam";
    case BRAIN_OPT_ADAMW: return "AdamW";
    case BRAIN_OPT_RMSPROP: return "RMSprop";
    case BRAIN_OPT_ADAGRAD: return "Adagrad";
    case BRAIN_OPT_ADADELTA: return "Adadelta";
    case BRAIN_OPT_ADAMAX: return "Adamax";
    case BRAIN_OPT_NADAM: return "Nadam";
    case BRAIN_OPT_LION: return "Lion";
    case BRAIN_OPT_FTRL: return "Ftrl";
    case BRAIN_OPT_ADAFACTOR: return "Adafactor";
    case BRAIN_OPT_KIND_COUNT: break;
    }
    return "";
}

void brain_optimizer_free(brain_optimizer *o)
{
    if (!o) return;
    for (int i = 0; i < 3; i++) free(o->slot[i]);
    free(o->ema);
    free(o->accum);
    free(o->gbuf);
    free(o->fac);
    brain_lr_schedule_free(o->schedule);
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
    if (!o->schedule && !isfinite(o->learning_rate))
        return brain__fail(BRAIN_ERR_ARG, "brain_optimizer_step: the learning rate is %g; set a finite one with "
                           "brain_optimizer_set_learning_rate", (double)o->learning_rate);
    return brain__optimizer_apply(o, m);
}
