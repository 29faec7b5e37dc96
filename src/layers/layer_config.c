/* layer_config.c — reading and writing the Keras config members the image and signal layers share. */
#include "layer_config.h"
#include <string.h>

static brain_status added(const cJSON *item)
{
    return item ? BRAIN_OK : brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a layer config");
}

brain_status brain__cfg_add_ints(cJSON *cfg, const char *key, int n, const int64_t *v)
{
    cJSON *a = cJSON_AddArrayToObject(cfg, key);
    if (!a) return added(NULL);
    for (int i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateNumber((double)v[i]);
        if (!x || !cJSON_AddItemToArray(a, x)) return added(NULL);
    }
    return BRAIN_OK;
}

brain_status brain__cfg_add_string(cJSON *cfg, const char *key, const char *s) { return added(cJSON_AddStringToObject(cfg, key, s)); }
brain_status brain__cfg_add_number(cJSON *cfg, const char *key, double v) { return added(cJSON_AddNumberToObject(cfg, key, v)); }
brain_status brain__cfg_add_bool(cJSON *cfg, const char *key, bool v) { return added(cJSON_AddBoolToObject(cfg, key, v)); }
brain_status brain__cfg_add_null(cJSON *cfg, const char *key) { return added(cJSON_AddNullToObject(cfg, key)); }

static const struct { brain_initializer_kind k; const char *cls; } inits[] = {
    {BRAIN_INIT_GLOROT_UNIFORM, "GlorotUniform"}, {BRAIN_INIT_GLOROT_NORMAL, "GlorotNormal"},
    {BRAIN_INIT_HE_UNIFORM, "HeUniform"}, {BRAIN_INIT_HE_NORMAL, "HeNormal"},
    {BRAIN_INIT_LECUN_UNIFORM, "LecunUniform"}, {BRAIN_INIT_LECUN_NORMAL, "LecunNormal"},
    {BRAIN_INIT_ZEROS, "Zeros"}, {BRAIN_INIT_ONES, "Ones"},
    {BRAIN_INIT_RANDOM_UNIFORM, "RandomUniform"}, {BRAIN_INIT_RANDOM_NORMAL, "RandomNormal"},
    {BRAIN_INIT_ORTHOGONAL, "Orthogonal"},
};

brain_status brain__cfg_add_initializer(cJSON *cfg, const char *key, brain_initializer_kind k)
{
    const char *cls = NULL;
    for (size_t i = 0; i < sizeof inits / sizeof *inits; i++) if (inits[i].k == k) cls = inits[i].cls;
    if (!cls) return brain__fail(BRAIN_ERR_ARG, "initializer %d has no Keras class", (int)k);
    cJSON *o = cJSON_AddObjectToObject(cfg, key);
    if (!o || !cJSON_AddStringToObject(o, "module", "keras.initializers") || !cJSON_AddStringToObject(o, "class_name", cls))
        return added(NULL);
    cJSON *c = cJSON_AddObjectToObject(o, "config");
    if (!c) return added(NULL);
    bool ok = true;
    if (k == BRAIN_INIT_RANDOM_UNIFORM)
        ok = cJSON_AddNumberToObject(c, "minval", -0.05) && cJSON_AddNumberToObject(c, "maxval", 0.05);
    else if (k == BRAIN_INIT_RANDOM_NORMAL)
        ok = cJSON_AddNumberToObject(c, "mean", 0.0) && cJSON_AddNumberToObject(c, "stddev", 0.05);
    else if (k == BRAIN_INIT_ORTHOGONAL)
        ok = cJSON_AddNumberToObject(c, "gain", 1.0);
    if (ok && k != BRAIN_INIT_ZEROS && k != BRAIN_INIT_ONES) ok = cJSON_AddNullToObject(c, "seed");
    if (!ok || !cJSON_AddNullToObject(o, "registered_name")) return added(NULL);
    return BRAIN_OK;
}

brain_status brain__cfg_add_regularizer(cJSON *cfg, const char *key, brain_regularizer r)
{
    if (r.l1 == 0 && r.l2 == 0) return brain__cfg_add_null(cfg, key);
    const char *cls = r.l1 == 0 ? "L2" : r.l2 == 0 ? "L1" : "L1L2";
    cJSON *o = cJSON_AddObjectToObject(cfg, key);
    if (!o || !cJSON_AddStringToObject(o, "module", "keras.regularizers") || !cJSON_AddStringToObject(o, "class_name", cls))
        return added(NULL);
    cJSON *c = cJSON_AddObjectToObject(o, "config");
    if (!c) return added(NULL);
    if (r.l1 != 0 && !cJSON_AddNumberToObject(c, "l1", brain__float_option(r.l1))) return added(NULL);
    if (r.l2 != 0 && !cJSON_AddNumberToObject(c, "l2", brain__float_option(r.l2))) return added(NULL);
    return added(cJSON_AddNullToObject(o, "registered_name"));
}

static const cJSON *member(const cJSON *cfg, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    return v && !cJSON_IsNull(v) ? v : NULL;
}

brain_status brain__cfg_get_ints(const cJSON *cfg, const char *cls, const char *key, int n, int64_t *out, bool required)
{
    const cJSON *v = member(cfg, key);
    if (!v) return required ? brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is missing", cls, key) : BRAIN_OK;
    if (cJSON_IsNumber(v)) {                 /* Keras accepts an int for every axis */
        for (int i = 0; i < n; i++) out[i] = (int64_t)v->valuedouble;
        return BRAIN_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n)
        return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' must be an integer or a list of %d integers", cls, key, n);
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e) || e->valuedouble != (double)(int64_t)e->valuedouble)
            return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s'[%d] is not an integer", cls, key, i);
        out[i] = (int64_t)e->valuedouble;
    }
    return BRAIN_OK;
}

brain_status brain__cfg_get_number(const cJSON *cfg, const char *cls, const char *key, double *out, bool required)
{
    const cJSON *v = member(cfg, key);
    if (!v) return required ? brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is missing", cls, key) : BRAIN_OK;
    if (!cJSON_IsNumber(v)) return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is not a number", cls, key);
    *out = v->valuedouble;
    return BRAIN_OK;
}

brain_status brain__cfg_get_bool(const cJSON *cfg, const char *cls, const char *key, bool *out)
{
    const cJSON *v = member(cfg, key);
    if (!v) return BRAIN_OK;
    if (!cJSON_IsBool(v)) return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is not true or false", cls, key);
    *out = cJSON_IsTrue(v);
    return BRAIN_OK;
}

brain_status brain__cfg_get_string(const cJSON *cfg, const char *cls, const char *key, const char **out, bool required)
{
    const cJSON *v = member(cfg, key);
    if (!v) return required ? brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is missing", cls, key) : BRAIN_OK;
    if (!cJSON_IsString(v)) return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is not a string", cls, key);
    *out = v->valuestring;
    return BRAIN_OK;
}

brain_status brain__cfg_get_initializer(const cJSON *cfg, const char *cls, const char *key, brain_initializer_kind *out)
{
    const cJSON *v = member(cfg, key);
    if (!v) return BRAIN_OK;
    const char *name = NULL;
    if (cJSON_IsString(v)) name = v->valuestring;
    else if (cJSON_IsObject(v) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(v, "class_name")))
        name = cJSON_GetObjectItemCaseSensitive(v, "class_name")->valuestring;
    static const char *snake[] = {"glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                                  "lecun_normal", "zeros", "ones", "random_uniform", "random_normal", "orthogonal"};
    for (size_t i = 0; name && i < sizeof inits / sizeof *inits; i++)
        if (!strcmp(name, inits[i].cls) || !strcmp(name, snake[i])) { *out = inits[i].k; return BRAIN_OK; }
    return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' names an initializer this library does not have (%s)",
                       cls, key, name ? name : "not a string or object");
}

brain_status brain__cfg_get_regularizer(const cJSON *cfg, const char *cls, const char *key, brain_regularizer *out)
{
    const cJSON *v = member(cfg, key);
    if (!v) { *out = (brain_regularizer){0}; return BRAIN_OK; }
    if (cJSON_IsString(v)) {
        if (brain_regularizer_from_name(v->valuestring, out))
            return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is an unknown regularizer '%s'", cls, key, v->valuestring);
        return BRAIN_OK;
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    const cJSON *cn = cJSON_GetObjectItemCaseSensitive(v, "class_name");
    if (!cJSON_IsObject(c) || !cJSON_IsString(cn) ||
        (strcmp(cn->valuestring, "L1") && strcmp(cn->valuestring, "L2") && strcmp(cn->valuestring, "L1L2")))
        return brain__fail(BRAIN_ERR_FORMAT, "%s config: '%s' is not an L1, L2 or L1L2 regularizer", cls, key);
    double l1 = 0, l2 = 0;
    if (brain__cfg_get_number(c, cls, "l1", &l1, false) || brain__cfg_get_number(c, cls, "l2", &l2, false))
        return BRAIN_ERR_FORMAT;
    *out = (brain_regularizer){(float)l1, (float)l2};
    return BRAIN_OK;
}

brain_status brain__cfg_get_activation(const cJSON *cfg, const char *cls, brain_activation_kind *out)
{
    const char *name = NULL;
    if (brain__cfg_get_string(cfg, cls, "activation", &name, false)) return BRAIN_ERR_FORMAT;
    if (!name) { *out = BRAIN_LINEAR; return BRAIN_OK; }
    if (brain_activation_from_name(name, out))
        return brain__fail(BRAIN_ERR_FORMAT, "%s config: 'activation' '%s' is not an activation this library has", cls, name);
    return BRAIN_OK;
}

brain_status brain__cfg_get_padding(const cJSON *cfg, const char *cls, bool *same)
{
    const char *p = "valid";
    if (brain__cfg_get_string(cfg, cls, "padding", &p, false)) return BRAIN_ERR_FORMAT;
    if (strcmp(p, "valid") && strcmp(p, "same"))
        return brain__fail(BRAIN_ERR_FORMAT, "%s config: 'padding' must be \"valid\" or \"same\", got \"%s\"", cls, p);
    *same = !strcmp(p, "same");
    return BRAIN_OK;
}

brain_status brain__cfg_check_channels_last(const cJSON *cfg, const char *cls)
{
    const char *f = "channels_last";
    if (brain__cfg_get_string(cfg, cls, "data_format", &f, false)) return BRAIN_ERR_FORMAT;
    if (strcmp(f, "channels_last"))
        return brain__fail(BRAIN_ERR_FORMAT, "%s config: 'data_format' \"%s\" is not supported (only channels_last)", cls, f);
    return BRAIN_OK;
}

const char *brain__cfg_name(const cJSON *cfg)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, "name");
    return cJSON_IsString(v) ? v->valuestring : NULL;
}
