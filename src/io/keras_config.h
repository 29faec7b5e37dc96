/* keras_config.h — helpers for layers' get_config / from_config (Keras 3 config.json values).
 *
 * Writers add members in the forms Keras 3 writes (initializers and regularizers as
 * {"module", "class_name", "config", "registered_name"} objects, activations as strings,
 * tuples as arrays).  Readers are tolerant of keys they do not know and fail with
 * BRAIN_ERR_FORMAT naming the layer and the key when a value they need is missing or wrong. */
#ifndef BRAIN_KERAS_CONFIG_H
#define BRAIN_KERAS_CONFIG_H

#include "internal.h"
#include <cjson/cJSON.h>

/* ---- writing (each returns BRAIN_OK or BRAIN_ERR_NOMEM) */
brain_status brain__kcfg_add_initializer(cJSON *cfg, const char *key, brain_initializer_kind k);
brain_status brain__kcfg_add_regularizer(cJSON *cfg, const char *key, brain_regularizer r);
brain_status brain__kcfg_add_activation(cJSON *cfg, const char *key, brain_activation_kind a);
brain_status brain__kcfg_add_number(cJSON *cfg, const char *key, double v);
/* A Python float as Python's json writes it ("0.0", not "0"), and added to cfg. */
cJSON *brain__kcfg_python_float(double v);
brain_status brain__kcfg_add_double(cJSON *cfg, const char *key, double v);
/* A float option as the decimal it was written with (0.3f -> 0.3), as Python stores it. */
brain_status brain__kcfg_add_float(cJSON *cfg, const char *key, float v);
brain_status brain__kcfg_add_bool(cJSON *cfg, const char *key, bool v);
brain_status brain__kcfg_add_null(cJSON *cfg, const char *key);
brain_status brain__kcfg_add_string(cJSON *cfg, const char *key, const char *v);
brain_status brain__kcfg_add_ints(cJSON *cfg, const char *key, int n, const int64_t *v);

/* ---- reading: `layer` names the layer (its "name" member) for messages.
 * get_* fail when the key is missing unless a default is given through the *_or variants. */
const char *brain__kcfg_layer_name(const cJSON *cfg); /* "name" member, or "?" */
brain_status brain__kcfg_get_number(const cJSON *cfg, const char *key, double *out);
brain_status brain__kcfg_get_number_or(const cJSON *cfg, const char *key, double dflt, double *out);
/* An integer in [lo, hi]. */
brain_status brain__kcfg_get_int(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t *out);
brain_status brain__kcfg_get_int_or(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out);
brain_status brain__kcfg_get_bool_or(const cJSON *cfg, const char *key, bool dflt, bool *out);
/* A string member (NULL when absent or null, if allowed by `required` false). */
brain_status brain__kcfg_get_string(const cJSON *cfg, const char *key, bool required, const char **out);
brain_status brain__kcfg_get_activation(const cJSON *cfg, const char *key, brain_activation_kind *out);
brain_status brain__kcfg_get_initializer(const cJSON *cfg, const char *key, brain_initializer_kind *out);
brain_status brain__kcfg_get_regularizer(const cJSON *cfg, const char *key, brain_regularizer *out);
/* An array of n positive integers (or, with n_out, up to `max` of them; null entries give 0). */
brain_status brain__kcfg_get_ints(const cJSON *cfg, const char *key, int max, int *n_out, int64_t *v);
/* Fails when the layer's config sets a feature this library does not have (a constraint, a
 * non-null value of `key`). */
brain_status brain__kcfg_require_null(const cJSON *cfg, const char *key);
/* Makes the layer's name from the config's "name" (NULL when absent) and reads "trainable". */
brain_layer *brain__kcfg_finish_layer(brain_layer *l, const cJSON *cfg);

#endif
