/* layer_config.h — Keras config members shared by the image and signal layers (conv, pooling,
 * BatchNormalization, augmentation): tuples, paddings, initializers, regularizers, as Keras 3
 * writes them in config.json, and tolerant readers that name the layer and key on error. */
#ifndef BRAIN_LAYER_CONFIG_H
#define BRAIN_LAYER_CONFIG_H
#include "internal.h"
#include <cjson/cJSON.h>

/* writing: each returns BRAIN_OK or BRAIN_ERR_NOMEM */
brain_status brain__cfg_add_ints(cJSON *cfg, const char *key, int n, const int64_t *v);      /* [a, b] */
brain_status brain__cfg_add_initializer(cJSON *cfg, const char *key, brain_initializer_kind k);
brain_status brain__cfg_add_regularizer(cJSON *cfg, const char *key, brain_regularizer r);   /* null when none */
brain_status brain__cfg_add_string(cJSON *cfg, const char *key, const char *s);
brain_status brain__cfg_add_number(cJSON *cfg, const char *key, double v);
brain_status brain__cfg_add_bool(cJSON *cfg, const char *key, bool v);
brain_status brain__cfg_add_null(cJSON *cfg, const char *key);

/* reading: `cls` names the layer class in error messages.  A missing key leaves *out unchanged
 * when `required` is false. */
brain_status brain__cfg_get_ints(const cJSON *cfg, const char *cls, const char *key, int n, int64_t *out, bool required);
brain_status brain__cfg_get_number(const cJSON *cfg, const char *cls, const char *key, double *out, bool required);
brain_status brain__cfg_get_bool(const cJSON *cfg, const char *cls, const char *key, bool *out);
brain_status brain__cfg_get_string(const cJSON *cfg, const char *cls, const char *key, const char **out, bool required);
brain_status brain__cfg_get_initializer(const cJSON *cfg, const char *cls, const char *key, brain_initializer_kind *out);
brain_status brain__cfg_get_regularizer(const cJSON *cfg, const char *cls, const char *key, brain_regularizer *out);
brain_status brain__cfg_get_activation(const cJSON *cfg, const char *cls, brain_activation_kind *out);
/* "valid" -> false, "same" -> true */
brain_status brain__cfg_get_padding(const cJSON *cfg, const char *cls, bool *same);
/* "channels_last" (or absent/null) only */
brain_status brain__cfg_check_channels_last(const cJSON *cfg, const char *cls);
/* the layer name, or NULL when absent */
const char *brain__cfg_name(const cJSON *cfg);
#endif
