/* schedule_config.c — a learning-rate schedule in config.json, as Keras's
 * keras.optimizers.schedules.serialize writes it (the optimizer's "learning_rate" member):
 *   {"module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
 *    "config": {"initial_learning_rate": 0.1, "decay_steps": 10, ...}, "registered_name": null}
 * Step counts that are whole numbers are written as integers (as a Python user passes them),
 * rates as Python floats. */
#include "io/io.h"
#include "layers/layer_config.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void add_steps(cJSON *c, const char *key, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) brain__cfg_add_number(c, key, v);
    else brain__cfg_add_double(c, key, v);
}

cJSON *brain__schedule_to_json(const brain_lr_schedule *s)
{
    cJSON *c = cJSON_CreateObject();
    if (!c) return NULL;
    switch (s->kind) {
    case BRAIN_SCHED_EXPONENTIAL:
    case BRAIN_SCHED_INVERSE_TIME:
        brain__cfg_add_double(c, "initial_learning_rate", s->initial_learning_rate);
        add_steps(c, "decay_steps", s->decay_steps);
        brain__cfg_add_double(c, "decay_rate", s->decay_rate);
        brain__cfg_add_bool(c, "staircase", s->staircase);
        break;
    case BRAIN_SCHED_PIECEWISE: {
        cJSON *b = cJSON_AddArrayToObject(c, "boundaries"), *v = cJSON_AddArrayToObject(c, "values");
        for (int i = 0; b && v && i <= s->n_boundaries; i++) {
            if (i < s->n_boundaries) {
                double x = s->boundaries[i];
                cJSON_AddItemToArray(b, x == floor(x) ? cJSON_CreateNumber(x) : brain__cfg_python_float(x));
            }
            cJSON_AddItemToArray(v, brain__cfg_python_float(s->values[i]));
        }
        break;
    }
    case BRAIN_SCHED_POLYNOMIAL:
        brain__cfg_add_double(c, "initial_learning_rate", s->initial_learning_rate);
        add_steps(c, "decay_steps", s->decay_steps);
        brain__cfg_add_double(c, "end_learning_rate", s->end_learning_rate);
        brain__cfg_add_double(c, "power", s->power);
        brain__cfg_add_bool(c, "cycle", s->cycle);
        break;
    case BRAIN_SCHED_COSINE:
        brain__cfg_add_double(c, "initial_learning_rate", s->initial_learning_rate);
        add_steps(c, "decay_steps", s->decay_steps);
        brain__cfg_add_double(c, "alpha", s->alpha);
        break;
    case BRAIN_SCHED_COSINE_RESTARTS:
        brain__cfg_add_double(c, "initial_learning_rate", s->initial_learning_rate);
        add_steps(c, "first_decay_steps", s->decay_steps);
        brain__cfg_add_double(c, "t_mul", s->t_mul);
        brain__cfg_add_double(c, "m_mul", s->m_mul);
        brain__cfg_add_double(c, "alpha", s->alpha);
        break;
    }
    brain__cfg_add_string(c, "name", s->name);
    if (s->kind == BRAIN_SCHED_COSINE) {
        if (s->has_warmup_target) brain__cfg_add_double(c, "warmup_target", s->warmup_target);
        else brain__cfg_add_null(c, "warmup_target");
        add_steps(c, "warmup_steps", s->warmup_steps);
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) { cJSON_Delete(c); return NULL; }
    cJSON_AddStringToObject(o, "module", "keras.optimizers.schedules");
    cJSON_AddStringToObject(o, "class_name", brain_lr_schedule_class(s));
    cJSON_AddItemToObject(o, "config", c);
    cJSON_AddNullToObject(o, "registered_name");
    return o;
}

static brain_status get_doubles(const cJSON *c, const char *key, const char *file, int max, int *n, double *out)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(c, key);
    if (!cJSON_IsArray(a))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: PiecewiseConstantDecay: \"%s\" is not a list of numbers", file, key);
    int k = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, a) {
        if (!cJSON_IsNumber(e) || k >= max)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: PiecewiseConstantDecay: \"%s\" holds a non-number or more than %d "
                               "entries", file, key, max);
        out[k++] = e->valuedouble;
    }
    *n = k;
    return BRAIN_OK;
}

brain_status brain__schedule_from_json(const cJSON *v, const char *file, brain_lr_schedule **out)
{
    *out = NULL;
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(v, "class_name");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    if (!cJSON_IsString(cl) || !cJSON_IsObject(c))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the optimizer's learning_rate is an object without class_name and config", file);
    const char *cls = cl->valuestring;
    const char *name = NULL;
    const cJSON *nm = cJSON_GetObjectItemCaseSensitive(c, "name");
    if (cJSON_IsString(nm)) name = nm->valuestring;
    double lr0 = 0, steps = 0, rate = 0, end = 0, power = 0, alpha = 0, wt = 0, ws = 0, tm = 0, mm = 0;
    bool stair = false, cycle = false;
    brain_status st = BRAIN_OK;
#define NUM(key, dflt, dst) (st = st ? st : brain__cfg_get_number_or(c, key, dflt, dst))
    if (!strcmp(cls, "ExponentialDecay") || !strcmp(cls, "InverseTimeDecay")) {
        NUM("initial_learning_rate", NAN, &lr0); NUM("decay_steps", NAN, &steps); NUM("decay_rate", NAN, &rate);
        if (!st) st = brain__cfg_get_bool_or(c, "staircase", false, &stair);
        if (!st) {
            brain_decay_options o = { .staircase = stair, .name = name };
            *out = cls[0] == 'E' ? brain_exponential_decay(lr0, steps, rate, &o) : brain_inverse_time_decay(lr0, steps, rate, &o);
        }
    } else if (!strcmp(cls, "PiecewiseConstantDecay")) {
        enum { MAXB = 1024 };
        double *b = malloc(sizeof(double) * MAXB), *vals = malloc(sizeof(double) * (MAXB + 1));
        int nb = 0, nv = 0;
        if (!b || !vals) st = brain__fail(BRAIN_ERR_NOMEM, "out of memory reading a learning-rate schedule");
        if (!st) st = get_doubles(c, "boundaries", file, MAXB, &nb, b);
        if (!st) st = get_doubles(c, "values", file, MAXB + 1, &nv, vals);
        if (!st && nv != nb + 1)
            st = brain__fail(BRAIN_ERR_FORMAT, "%s: PiecewiseConstantDecay has %d boundaries and %d values; it needs one "
                             "value more than boundaries", file, nb, nv);
        if (!st) *out = brain_piecewise_constant_decay(nb, b, vals, name);
        free(b);
        free(vals);
    } else if (!strcmp(cls, "PolynomialDecay")) {
        NUM("initial_learning_rate", NAN, &lr0); NUM("decay_steps", NAN, &steps);
        NUM("end_learning_rate", 1e-4, &end); NUM("power", 1.0, &power);
        if (!st) st = brain__cfg_get_bool_or(c, "cycle", false, &cycle);
        if (!st)
            *out = brain_polynomial_decay(lr0, steps, &(brain_polynomial_decay_options){
                .end_learning_rate = end, .has_end_learning_rate = true, .power = power, .cycle = cycle, .name = name });
    } else if (!strcmp(cls, "CosineDecay")) {
        NUM("initial_learning_rate", NAN, &lr0); NUM("decay_steps", NAN, &steps); NUM("alpha", 0.0, &alpha);
        NUM("warmup_steps", 0.0, &ws);
        const cJSON *w = cJSON_GetObjectItemCaseSensitive(c, "warmup_target");
        bool has_wt = cJSON_IsNumber(w);
        if (has_wt) wt = w->valuedouble;
        if (!st)
            *out = brain_cosine_decay(lr0, steps, &(brain_cosine_decay_options){
                .alpha = alpha, .warmup_target = wt, .has_warmup_target = has_wt, .warmup_steps = ws, .name = name });
    } else if (!strcmp(cls, "CosineDecayRestarts")) {
        NUM("initial_learning_rate", NAN, &lr0); NUM("first_decay_steps", NAN, &steps);
        NUM("t_mul", 2.0, &tm); NUM("m_mul", 1.0, &mm); NUM("alpha", 0.0, &alpha);
        if (!st)
            *out = brain_cosine_decay_restarts(lr0, steps, &(brain_cosine_restarts_options){
                .t_mul = tm, .has_t_mul = true, .m_mul = mm, .has_m_mul = true, .alpha = alpha, .name = name });
    } else {
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the learning-rate schedule \"%.64s\" is not one this library has "
                           "(ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay, CosineDecay, "
                           "CosineDecayRestarts)", file, cls);
    }
#undef NUM
    if (st || !*out) {
        char why[700];
        snprintf(why, sizeof why, "%s", brain_last_error());
        return brain__fail(BRAIN_ERR_FORMAT, "%s: learning-rate schedule %.32s: %s", file, cls, why);
    }
    return BRAIN_OK;
}
