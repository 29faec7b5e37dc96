/* layer_config.h — the Keras 3 config.json value forms, for layers' get_config / from_config and
 * for src/io's model configs.
 *
 * Writers add members in the forms Keras 3 writes (initializers and regularizers as
 * {"module", "class_name", "config", "registered_name"} objects, activations as strings,
 * tuples as arrays).  Readers are tolerant of keys they do not know and fail with
 * BRAIN_ERR_FORMAT, "layer '<name>': key '<key>' ...", when a value they need is missing or wrong. */
#ifndef BRAIN_LAYER_CONFIG_H
#define BRAIN_LAYER_CONFIG_H

#include "internal.h"
#include <cjson/cJSON.h>

/* ---- writing (each returns BRAIN_OK or BRAIN_ERR_NOMEM) */
brain_status brain__cfg_add_initializer(cJSON *cfg, const char *key, brain_initializer_kind k);
brain_status brain__cfg_add_regularizer(cJSON *cfg, const char *key, brain_regularizer r); /* null when none */
brain_status brain__cfg_add_activation(cJSON *cfg, const char *key, brain_activation_kind a);
brain_status brain__cfg_add_number(cJSON *cfg, const char *key, double v);
/* A Python float as Python's json writes it ("0.0", not "0"), and added to cfg. */
cJSON *brain__cfg_python_float(double v);
brain_status brain__cfg_add_double(cJSON *cfg, const char *key, double v);
/* A float option as the decimal it was written with (0.3f -> 0.3), as Python stores it. */
brain_status brain__cfg_add_float(cJSON *cfg, const char *key, float v);
brain_status brain__cfg_add_bool(cJSON *cfg, const char *key, bool v);
brain_status brain__cfg_add_null(cJSON *cfg, const char *key);
brain_status brain__cfg_add_string(cJSON *cfg, const char *key, const char *v);
brain_status brain__cfg_add_ints(cJSON *cfg, const char *key, int n, const int64_t *v); /* [a, b] */

/* ---- reading: messages name the layer by its config's "name" member.
 * get_* fail when the key is missing unless a default is given through the *_or variants;
 * a null value counts as missing. */
const char *brain__cfg_layer_name(const cJSON *cfg); /* "name" member, or "?" */
const char *brain__cfg_name(const cJSON *cfg);       /* "name" member, or NULL */
brain_status brain__cfg_get_number(const cJSON *cfg, const char *key, double *out);
brain_status brain__cfg_get_number_or(const cJSON *cfg, const char *key, double dflt, double *out);
/* An integer in [lo, hi]. */
brain_status brain__cfg_get_int(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t *out);
brain_status brain__cfg_get_int_or(const cJSON *cfg, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out);
brain_status brain__cfg_get_bool_or(const cJSON *cfg, const char *key, bool dflt, bool *out);
/* A string member (NULL when absent or null, if allowed by `required` false). */
brain_status brain__cfg_get_string(const cJSON *cfg, const char *key, bool required, const char **out);
/* An activation name (or a serialized function); dflt when absent, linear when null. */
brain_status brain__cfg_get_activation_or(const cJSON *cfg, const char *key, brain_activation_kind dflt, brain_activation_kind *out);
/* BRAIN_INIT_DEFAULT when absent. */
brain_status brain__cfg_get_initializer(const cJSON *cfg, const char *key, brain_initializer_kind *out);
brain_status brain__cfg_get_regularizer(const cJSON *cfg, const char *key, brain_regularizer *out);
/* An array of n positive integers (or, with n_out, up to `max` of them; null entries give 0). */
brain_status brain__cfg_get_ints(const cJSON *cfg, const char *key, int max, int *n_out, int64_t *v);
/* A tuple of n integers, or one integer for every axis as Keras accepts; a missing key leaves
 * out unchanged when `required` is false. */
brain_status brain__cfg_get_tuple(const cJSON *cfg, const char *key, int n, int64_t *out, bool required);
/* "padding": "valid" (or absent) -> false, "same" -> true */
brain_status brain__cfg_get_padding(const cJSON *cfg, bool *same);
/* "data_format": "channels_last" (or absent/null) only */
brain_status brain__cfg_check_channels_last(const cJSON *cfg);
/* BRAIN_ERR_FORMAT with "layer '<name>': key '<key>' " and the rest printf-style. */
brain_status brain__cfg_bad(const cJSON *cfg, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Fails when the layer's config sets a feature this library does not have (a constraint, a
 * non-null value of `key`). */
brain_status brain__cfg_require_null(const cJSON *cfg, const char *key);
/* Reads "trainable" into l; on failure frees l and returns NULL. */
brain_layer *brain__cfg_finish_layer(brain_layer *l, const cJSON *cfg);

#endif
