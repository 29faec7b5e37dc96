/* preprocessing.c — the preprocessing a model carries (a fitted scaler, the class labels) and
 * its member of the .keras zip, brain_preprocessing.json (docs/saving.md):
 *
 *   {"format": "brain", "version": 1,
 *    "scaler": {"class_name": "StandardScaler", "n_features_in": 30, "n_samples_seen": 364,
 *               "mean": [...], "var": [...], "scale": [...]},
 *    "class_names": ["B", "M"]}
 *   a MinMaxScaler has "feature_range": [lo, hi], "data_min", "data_max", "scale", "min".
 *
 * Statistics are float64, written with 17 significant digits (%.17g: the same double reads back),
 * so a loaded scaler transforms bit for bit as the one that was fitted.
 * Keras's loader reads only the members it knows, so the file stays a valid Keras model. */
#include "io/io.h"
#include "data/data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ the model's accessors */
brain_status brain_model_set_scaler(brain_model *m, const brain_scaler *s)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_model_set_scaler: model is NULL");
    if (s && !s->n_features)
        return brain__fail(BRAIN_ERR_STATE, "brain_model_set_scaler: the scaler is not fitted; fit it on the training "
                           "data first");
    brain_scaler *c = NULL;
    if (s && !(c = brain_scaler_clone(s))) return BRAIN_ERR_NOMEM;
    brain_scaler_free(m->pre_scaler);
    m->pre_scaler = c;
    return BRAIN_OK;
}

const brain_scaler *brain_model_scaler(const brain_model *m) { return m ? m->pre_scaler : NULL; }

brain_status brain_model_set_class_names(brain_model *m, const char *const *names, int n)
{
    if (!m) return brain__fail(BRAIN_ERR_ARG, "brain_model_set_class_names: model is NULL");
    if (n < 0 || (n > 0 && !names))
        return brain__fail(BRAIN_ERR_ARG, "brain_model_set_class_names: %d names from %s", n, names ? "a list" : "NULL");
    char **c = NULL;
    if (n) {
        if (!(c = brain__alloc_array((size_t)n, sizeof(char *)))) return BRAIN_ERR_NOMEM;
        for (int i = 0; i < n; i++)
            if (!names[i] || !(c[i] = brain__strdup(names[i]))) {
                for (int j = 0; j < i; j++) free(c[j]);
                free(c);
                return names[i] ? BRAIN_ERR_NOMEM
                                : brain__fail(BRAIN_ERR_ARG, "brain_model_set_class_names: name %d is NULL", i);
            }
    }
    for (int i = 0; i < m->n_class_names; i++) free(m->class_names[i]);
    free(m->class_names);
    m->class_names = c;
    m->n_class_names = n;
    return BRAIN_OK;
}

int brain_model_num_class_names(const brain_model *m) { return m ? m->n_class_names : 0; }

const char *brain_model_class_name(const brain_model *m, int i)
{
    return m && i >= 0 && i < m->n_class_names ? m->class_names[i] : NULL;
}

/* ------------------------------------------------------------------ to JSON */
static bool add_doubles(cJSON *o, const char *key, const double *v, int64_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, key);
    for (int64_t i = 0; a && i < n; i++) {
        char num[40];   /* cJSON_CreateNumber prints 15 digits when they come "close enough": not exact */
        snprintf(num, sizeof num, "%.17g", v[i]);
        cJSON *x = cJSON_CreateRaw(num);
        if (!x || !cJSON_AddItemToArray(a, x)) return false;
    }
    return a != NULL;
}

char *brain__preprocessing_json(const brain_model *m)
{
    if (!m->pre_scaler && !m->n_class_names) return NULL;
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "format", "brain") && cJSON_AddNumberToObject(o, "version", 1);
    const brain_scaler *s = m->pre_scaler;
    if (ok && s) {
        cJSON *j = cJSON_AddObjectToObject(o, "scaler");
        bool std = s->kind == SCALER_STANDARD;
        int64_t p = s->n_features;
        ok = j && cJSON_AddStringToObject(j, "class_name", std ? "StandardScaler" : "MinMaxScaler") &&
             cJSON_AddNumberToObject(j, "n_features_in", (double)p) &&
             cJSON_AddNumberToObject(j, "n_samples_seen", (double)s->n_samples_seen);
        if (ok && std)
            ok = add_doubles(j, "mean", s->mean, p) && add_doubles(j, "var", s->var, p) && add_doubles(j, "scale", s->scale, p);
        else if (ok)
            ok = add_doubles(j, "feature_range", (const double[]){ s->lo, s->hi }, 2) &&
                 add_doubles(j, "data_min", s->data_min, p) && add_doubles(j, "data_max", s->data_max, p) &&
                 add_doubles(j, "scale", s->mm_scale, p) && add_doubles(j, "min", s->mm_min, p);
    }
    if (ok && m->n_class_names) {
        cJSON *a = cJSON_AddArrayToObject(o, "class_names");
        for (int i = 0; ok && i < m->n_class_names; i++) {
            cJSON *x = a ? cJSON_CreateString(m->class_names[i]) : NULL;
            ok = x && cJSON_AddItemToArray(a, x);
        }
    }
    char *txt = ok ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return txt;
}

/* ------------------------------------------------------------------ from JSON */
static brain_status get_doubles(const cJSON *j, const char *key, int64_t n, bool positive, double **out,
                                const char *file)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler.%s must be a list of %lld numbers",
                           file, key, (long long)n);
    double *v = brain__alloc_array((size_t)n, sizeof(double));
    if (!v) return BRAIN_ERR_NOMEM;
    int64_t i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble) || (positive && !(e->valuedouble > 0))) {
            free(v);
            return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler.%s[%lld] must be a finite%s number",
                               file, key, (long long)i, positive ? " positive" : "");
        }
        v[i] = e->valuedouble;
    }
    *out = v;
    return BRAIN_OK;
}

static brain_status scaler_from_json(const cJSON *j, const char *file, brain_scaler **out)
{
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(j, "class_name");
    const cJSON *nf = cJSON_GetObjectItemCaseSensitive(j, "n_features_in");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(j, "n_samples_seen");
    bool std = cJSON_IsString(cn) && !strcmp(cn->valuestring, "StandardScaler");
    bool mm = cJSON_IsString(cn) && !strcmp(cn->valuestring, "MinMaxScaler");
    if (!std && !mm)
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler.class_name must be StandardScaler "
                           "or MinMaxScaler", file);
    if (!cJSON_IsNumber(nf) || nf->valuedouble < 1 || nf->valuedouble > 1e9 || nf->valuedouble != floor(nf->valuedouble) ||
        !cJSON_IsNumber(ns) || ns->valuedouble < 1 || ns->valuedouble > 9e15)
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler.n_features_in and n_samples_seen "
                           "must be positive whole numbers", file);
    int64_t p = brain__to_i64(nf->valuedouble);
    brain_scaler *s = std ? brain_standard_scaler() : brain_minmax_scaler(0, 1);
    if (!s) return BRAIN_ERR_NOMEM;
    brain_status st = BRAIN_OK;
    if (std) {
        if (!(st = get_doubles(j, "mean", p, false, &s->mean, file)) && !(st = get_doubles(j, "var", p, false, &s->var, file)))
            st = get_doubles(j, "scale", p, true, &s->scale, file);
    } else {
        double *fr = NULL;
        if (!(st = get_doubles(j, "feature_range", 2, false, &fr, file))) {
            s->lo = fr[0];
            s->hi = fr[1];
            free(fr);
            if (!(s->lo < s->hi))
                st = brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler.feature_range must rise", file);
        }
        if (!st && !(st = get_doubles(j, "data_min", p, false, &s->data_min, file)) &&
            !(st = get_doubles(j, "data_max", p, false, &s->data_max, file)) &&
            !(st = get_doubles(j, "scale", p, true, &s->mm_scale, file)))
            st = get_doubles(j, "min", p, false, &s->mm_min, file);
    }
    if (st) { brain_scaler_free(s); return st; }
    s->n_features = p;
    s->n_samples_seen = brain__to_i64(ns->valuedouble);
    *out = s;
    return BRAIN_OK;
}

brain_status brain__preprocessing_apply(brain_model *m, const char *txt, size_t n, const char *file)
{
    cJSON *o = cJSON_ParseWithLength(txt, n);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json is not a JSON object", file);
    }
    brain_status st = BRAIN_OK;
    brain_scaler *s = NULL;
    const cJSON *sj = cJSON_GetObjectItemCaseSensitive(o, "scaler");
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(o, "class_names");
    if (sj && !cJSON_IsObject(sj))
        st = brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: scaler must be an object", file);
    else if (sj)
        st = scaler_from_json(sj, file, &s);
    int nc = cn ? cJSON_GetArraySize(cn) : 0;
    const char **names = NULL;
    if (!st && cn && (!cJSON_IsArray(cn) || nc > 1000000))
        st = brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: class_names must be a list of strings", file);
    if (!st && nc && !(names = brain__alloc_array((size_t)nc, sizeof(char *)))) st = BRAIN_ERR_NOMEM;
    int i = 0;
    for (const cJSON *e = !st && cn ? cn->child : NULL; e; e = e->next, i++) {
        if (!cJSON_IsString(e)) {
            st = brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_preprocessing.json: class_names[%d] is not a string", file, i);
            break;
        }
        names[i] = e->valuestring;
    }
    if (!st) st = brain_model_set_class_names(m, names, nc);
    if (!st) {
        brain_scaler_free(m->pre_scaler);
        m->pre_scaler = s;
        s = NULL;
    }
    brain_scaler_free(s);
    free(names);
    cJSON_Delete(o);
    return st;
}
