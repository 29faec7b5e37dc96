/* layer_config.c — the value forms of Keras 3's config.json, for layers' get_config/from_config
 * and the model configs of src/io. */
#include "layers/layer_config.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static brain_status nomem(void) { return brain__fail(BRAIN_ERR_NOMEM, "out of memory writing a model config"); }

static const struct { brain_initializer_kind k; const char *cls; } k_inits[] = {
    { BRAIN_INIT_GLOROT_UNIFORM, "GlorotUniform" }, { BRAIN_INIT_GLOROT_NORMAL, "GlorotNormal" },
    { BRAIN_INIT_HE_UNIFORM, "HeUniform" },         { BRAIN_INIT_HE_NORMAL, "HeNormal" },
    { BRAIN_INIT_LECUN_UNIFORM, "LecunUniform" },   { BRAIN_INIT_LECUN_NORMAL, "LecunNormal" },
    { BRAIN_INIT_ZEROS, "Zeros" },                  { BRAIN_INIT_ONES, "Ones" },
    { BRAIN_INIT_RANDOM_UNIFORM, "RandomUniform" }, { BRAIN_INIT_RANDOM_NORMAL, "RandomNormal" },
    { BRAIN_INIT_ORTHOGONAL, "Orthogonal" },
};

/* {"module": mod, "class_name": cls, "config": {}, "registered_name": null}; *inner = config */
static cJSON *envelope(const char *mod, const char *cls, cJSON **inner)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    *inner = cJSON_CreateObject();
    if (!*inner || !cJSON_AddStringToObject(o, "module", mod) || !cJSON_AddStringToObject(o, "class_name", cls)) {
        cJSON_Delete(*inner);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "config", *inner);
    if (!cJSON_AddNullToObject(o, "registered_name")) { cJSON_Delete(o); return NULL; }
    return o;
}

brain_status brain__cfg_add_initializer(cJSON *cfg, const char *key, brain_initializer_kind k)
{
    const char *cls = NULL;
    for (size_t i = 0; i < sizeof k_inits / sizeof k_inits[0]; i++)
        if (k_inits[i].k == k) cls = k_inits[i].cls;
    if (!cls) return brain__fail(BRAIN_ERR_ARG, "initializer %d has no Keras class", (int)k);
    cJSON *in, *o = envelope("keras.initializers", cls, &in);
    if (!o) return nomem();
    /* Keras 3.0–3.14 key sets in Keras's order, seed first (3.15 adds input_axes/output_axes,
     * which older Keras rejects) */
    bool ok = k == BRAIN_INIT_ZEROS || k == BRAIN_INIT_ONES || cJSON_AddNullToObject(in, "seed");
    if (ok && k == BRAIN_INIT_ORTHOGONAL) ok = cJSON_AddNumberToObject(in, "gain", 1.0);
    if (ok && k == BRAIN_INIT_RANDOM_UNIFORM)
        ok = cJSON_AddNumberToObject(in, "minval", -0.05) && cJSON_AddNumberToObject(in, "maxval", 0.05);
    if (ok && k == BRAIN_INIT_RANDOM_NORMAL)
        ok = cJSON_AddNumberToObject(in, "mean", 0.0) && cJSON_AddNumberToObject(in, "stddev", 0.05);
    if (!ok) { cJSON_Delete(o); return nomem(); }
    cJSON_AddItemToObject(cfg, key, o);
    return BRAIN_OK;
}

brain_status brain__cfg_add_regularizer(cJSON *cfg, const char *key, brain_regularizer r)
{
    if (r.l1 == 0 && r.l2 == 0) return brain__cfg_add_null(cfg, key);
    const char *cls = r.l1 == 0 ? "L2" : r.l2 == 0 ? "L1" : "L1L2";
    cJSON *in, *o = envelope("keras.regularizers", cls, &in);
    if (!o) return nomem();
    if ((r.l1 != 0 && brain__cfg_add_float(in, "l1", r.l1)) || (r.l2 != 0 && brain__cfg_add_float(in, "l2", r.l2))) {
        cJSON_Delete(o);
        return nomem();
    }
    cJSON_AddItemToObject(cfg, key, o);
    return BRAIN_OK;
}

brain_status brain__cfg_add_activation(cJSON *cfg, const char *key, brain_activation_kind a)
{
    return brain__cfg_add_string(cfg, key, brain_activation_name(a));
}

brain_status brain__cfg_add_number(cJSON *cfg, const char *key, double v)
{
    return cJSON_AddNumberToObject(cfg, key, v) ? BRAIN_OK : nomem();
}

cJSON *brain__cfg_python_float(double v)
{
    /* Python's json writes a float with a point ("0.0", "1.0"); Keras checks some values'
     * types (SGD: momentum must be a float), and cJSON would print an integral double as "0" */
    if (isfinite(v) && v == floor(v) && fabs(v) < 1e15) {
        char buf[32];
        snprintf(buf, sizeof buf, "%.1f", v);
        return cJSON_CreateRaw(buf);
    }
    return cJSON_CreateNumber(v);
}

brain_status brain__cfg_add_double(cJSON *cfg, const char *key, double v)
{
    cJSON *n = brain__cfg_python_float(v);
    if (!n) return nomem();
    cJSON_AddItemToObject(cfg, key, n);
    return BRAIN_OK;
}

brain_status brain__cfg_add_float(cJSON *cfg, const char *key, float v)
{
    return brain__cfg_add_double(cfg, key, brain__float_option(v));
}

brain_status brain__cfg_add_bool(cJSON *cfg, const char *key, bool v)
{
    return cJSON_AddBoolToObject(cfg, key, v) ? BRAIN_OK : nomem();
}

brain_status brain__cfg_add_null(cJSON *cfg, const char *key)
{
    return cJSON_AddNullToObject(cfg, key) ? BRAIN_OK : nomem();
}

brain_status brain__cfg_add_string(cJSON *cfg, const char *key, const char *v)
{
    return cJSON_AddStringToObject(cfg, key, v) ? BRAIN_OK : nomem();
}

brain_status brain__cfg_add_ints(cJSON *cfg, const char *key, int n, const int64_t *v)
{
    cJSON *a = cJSON_AddArrayToObject(cfg, key);
    if (!a) return nomem();
    for (int i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateNumber((double)v[i]);
        if (!e) return nomem();
        cJSON_AddItemToArray(a, e);
    }
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ reading */
const char *brain__cfg_name(const cJSON *cfg)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(cfg, "name");
    return cJSON_IsString(n) && n->valuestring ? n->valuestring : NULL;
}

const char *brain__cfg_layer_name(const cJSON *cfg)
{
    const char *n = brain__cfg_name(cfg);
    return n ? n : "?";
}

brain_status brain__cfg_bad(const cJSON *cfg, const char *key, const char *fmt, ...)
{
    char want[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(want, sizeof want, fmt, ap);
    va_end(ap);
    return brain__fail(BRAIN_ERR_FORMAT, "layer '%.64s': key '%s' %s", brain__cfg_layer_name(cfg), key, want);
}

static brain_status bad(const cJSON *cfg, const char *key, const char *want) { return brain__cfg_bad(cfg, key, "%s", want); }

brain_status brain__cfg_get_number_or(const cJSON *cfg, const char *key, double dflt, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) { *out = dflt; return BRAIN_OK; }
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return bad(cfg, key, "must be a finite number");
    *out = v->valuedouble;
    return BRAIN_OK;
}

brain_status brain__cfg_get_number(const cJSON *cfg, const char *key, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) return bad(cfg, key, "is missing");
    return brain__cfg_get_number_or(cfg, key, 0, out);
}

brain_status brain__cfg_get_int_or(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) { *out = dflt; return BRAIN_OK; }
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || v->valuedouble < (double)lo ||
        v->valuedouble > (double)hi) {
        char want[96];
        snprintf(want, sizeof want, "must be an integer in [%lld, %lld]", (long long)lo, (long long)hi);
        return bad(cfg, key, want);
    }
    *out = brain__to_i64(v->valuedouble);
    return BRAIN_OK;
}

brain_status brain__cfg_get_int(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) return bad(cfg, key, "is missing");
    return brain__cfg_get_int_or(cfg, key, lo, hi, 0, out);
}

brain_status brain__cfg_get_bool_or(const cJSON *cfg, const char *key, bool dflt, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) { *out = dflt; return BRAIN_OK; }
    if (!cJSON_IsBool(v)) return bad(cfg, key, "must be true or false");
    *out = cJSON_IsTrue(v);
    return BRAIN_OK;
}

brain_status brain__cfg_get_string(const cJSON *cfg, const char *key, bool required, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) return required ? bad(cfg, key, "is missing") : BRAIN_OK;
    if (!cJSON_IsString(v) || !v->valuestring) return bad(cfg, key, "must be a string");
    *out = v->valuestring;
    return BRAIN_OK;
}

brain_status brain__cfg_get_activation_or(const cJSON *cfg, const char *key, brain_activation_kind dflt, brain_activation_kind *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v) { *out = dflt; return BRAIN_OK; }
    if (cJSON_IsNull(v)) { *out = BRAIN_LINEAR; return BRAIN_OK; }
    const char *name = NULL;
    if (cJSON_IsString(v)) name = v->valuestring;
    else if (cJSON_IsObject(v)) { /* a serialized function: {"class_name": "function", "config": "relu"} */
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
        if (cJSON_IsString(c)) name = c->valuestring;
    }
    if (!name) return bad(cfg, key, "must be an activation name");
    if (brain_activation_from_name(name, out)) {
        char want[96];
        snprintf(want, sizeof want, "names an activation this library does not have (\"%.40s\")", name);
        return bad(cfg, key, want);
    }
    return BRAIN_OK;
}

static const char *class_of(const cJSON *v)
{
    if (cJSON_IsString(v)) return v->valuestring;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "class_name");
    return cJSON_IsString(c) ? c->valuestring : NULL;
}

/* "glorot_uniform" and "GlorotUniform" both name GlorotUniform */
static bool same_class(const char *a, const char *cls)
{
    for (; *a && *cls; a++) {
        if (*a == '_') continue;
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char y = *cls >= 'A' && *cls <= 'Z' ? (char)(*cls - 'A' + 'a') : *cls;
        if (x != y) return false;
        cls++;
    }
    while (*a == '_') a++;
    return !*a && !*cls;
}

brain_status brain__cfg_get_initializer(const cJSON *cfg, const char *key, brain_initializer_kind *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *out = BRAIN_INIT_DEFAULT;
    if (!v || cJSON_IsNull(v)) return BRAIN_OK;
    const char *cls = class_of(v);
    if (!cls) return bad(cfg, key, "must be an initializer (a string or {\"class_name\": ...})");
    for (size_t i = 0; i < sizeof k_inits / sizeof k_inits[0]; i++)
        if (same_class(cls, k_inits[i].cls)) { *out = k_inits[i].k; break; }
    /* Keras's aliases; TruncatedNormal is only used to initialise */
    if (!*out && same_class(cls, "uniform")) *out = BRAIN_INIT_RANDOM_UNIFORM;
    if (!*out && (same_class(cls, "normal") || same_class(cls, "TruncatedNormal"))) *out = BRAIN_INIT_RANDOM_NORMAL;
    if (!*out && same_class(cls, "VarianceScaling")) {
        /* the named ones are VarianceScaling with (scale, mode): He (2, fan_in), LeCun (1, fan_in),
         * Glorot (1, fan_avg); other settings (EfficientNet's fan_out) initialise as the one of the
         * same distribution and mode fan_in — only a fresh model's initial values differ, loaded
         * weights replace them, and the layer is saved back under that name */
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
        const cJSON *mode = cJSON_GetObjectItemCaseSensitive(c, "mode"), *dist = cJSON_GetObjectItemCaseSensitive(c, "distribution");
        const cJSON *scale = cJSON_GetObjectItemCaseSensitive(c, "scale");
        bool uniform = cJSON_IsString(dist) && !strcmp(dist->valuestring, "uniform");
        bool avg = cJSON_IsString(mode) && !strcmp(mode->valuestring, "fan_avg");
        double sc = cJSON_IsNumber(scale) ? scale->valuedouble : 1.0;
        if (avg) *out = uniform ? BRAIN_INIT_GLOROT_UNIFORM : BRAIN_INIT_GLOROT_NORMAL;
        else if (sc >= 1.5) *out = uniform ? BRAIN_INIT_HE_UNIFORM : BRAIN_INIT_HE_NORMAL;
        else *out = uniform ? BRAIN_INIT_LECUN_UNIFORM : BRAIN_INIT_LECUN_NORMAL;
    }
    if (!*out) {
        char want[96];
        snprintf(want, sizeof want, "names an initializer this library does not have (\"%.40s\")", cls);
        return bad(cfg, key, want);
    }
    return BRAIN_OK;
}

brain_status brain__cfg_get_regularizer(const cJSON *cfg, const char *key, brain_regularizer *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    *out = (brain_regularizer){0};
    if (!v || cJSON_IsNull(v)) return BRAIN_OK;
    if (cJSON_IsString(v)) {
        if (brain_regularizer_from_name(v->valuestring, out))
            return bad(cfg, key, "names a regularizer this library does not have");
        return BRAIN_OK;
    }
    const char *cls = class_of(v);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(v, "config");
    if (!cls || !cJSON_IsObject(c) || !(same_class(cls, "L1") || same_class(cls, "L2") || same_class(cls, "L1L2")))
        return bad(cfg, key, "must be null or an L1, L2 or L1L2 regularizer");
    double l1, l2;
    if (brain__cfg_get_number_or(c, "l1", 0, &l1) || brain__cfg_get_number_or(c, "l2", 0, &l2) || l1 < 0 || l2 < 0)
        return bad(cfg, key, "has an invalid l1 or l2 factor");
    out->l1 = (float)l1;
    out->l2 = (float)l2;
    return BRAIN_OK;
}

brain_status brain__cfg_get_ints(const cJSON *cfg, const char *key, int max, int *n_out, int64_t *v)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!cJSON_IsArray(a)) return bad(cfg, key, "must be an array of integers");
    int n = cJSON_GetArraySize(a);
    if (n > max || (!n_out && n != max)) {
        char want[64];
        snprintf(want, sizeof want, "must have %s%d entries", n_out ? "at most " : "", max);
        return bad(cfg, key, want);
    }
    int i = 0;
    for (const cJSON *e = a->child; e; e = e->next, i++) {
        if (cJSON_IsNull(e) && n_out) { v[i] = 0; continue; }
        if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble) || e->valuedouble < 1 || e->valuedouble > 1e9)
            return bad(cfg, key, "must hold integers between 1 and 1e9");
        v[i] = brain__to_i64(e->valuedouble);
    }
    if (n_out) *n_out = n;
    return BRAIN_OK;
}

brain_status brain__cfg_get_tuple(const cJSON *cfg, const char *key, int n, int64_t *out, bool required)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) return required ? bad(cfg, key, "is missing") : BRAIN_OK;
    if (cJSON_IsNumber(v)) { /* Keras accepts an int for every axis */
        if (v->valuedouble != floor(v->valuedouble)) return bad(cfg, key, "must be an integer");
        for (int i = 0; i < n; i++) out[i] = brain__to_i64(v->valuedouble);
        return BRAIN_OK;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != n) {
        char want[64];
        snprintf(want, sizeof want, "must be an integer or a list of %d integers", n);
        return bad(cfg, key, want);
    }
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble))
            return bad(cfg, key, "must hold integers");
        out[i] = brain__to_i64(e->valuedouble);
    }
    return BRAIN_OK;
}

brain_status brain__cfg_get_padding(const cJSON *cfg, bool *same)
{
    const char *p;
    if (brain__cfg_get_string(cfg, "padding", false, &p)) return BRAIN_ERR_FORMAT;
    if (p && strcmp(p, "valid") && strcmp(p, "same")) return bad(cfg, "padding", "must be \"valid\" or \"same\"");
    *same = p && !strcmp(p, "same");
    return BRAIN_OK;
}

brain_status brain__cfg_check_channels_last(const cJSON *cfg)
{
    const char *f;
    if (brain__cfg_get_string(cfg, "data_format", false, &f)) return BRAIN_ERR_FORMAT;
    if (f && strcmp(f, "channels_last")) return bad(cfg, "data_format", "is not supported (only \"channels_last\")");
    return BRAIN_OK;
}

brain_status brain__cfg_require_null(const cJSON *cfg, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, key);
    if (!v || cJSON_IsNull(v)) return BRAIN_OK;
    return bad(cfg, key, "is set, and this library does not support it (only null)");
}

brain_layer *brain__cfg_finish_layer(brain_layer *l, const cJSON *cfg)
{
    if (!l) return NULL;
    bool tr;
    if (brain__cfg_get_bool_or(cfg, "trainable", true, &tr)) {
        brain__layer_free(l);
        return NULL;
    }
    l->trainable = tr;
    return l;
}
