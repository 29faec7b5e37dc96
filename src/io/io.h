/* io.h — what the files of src/io/ share.
 *
 *   atomic.c      : a file written whole or not at all (temp file, fsync, rename)
 *   model_config.c: config.json — a model's architecture and compile configuration, both ways
 *   h5_weights.c  : model.weights.h5 / .weights.h5 — Keras's HDF5 layout, both ways
 *   keras_zip.c   : the .keras zip (metadata.json, config.json, model.weights.h5, brain_state.json,
 *                   brain_preprocessing.json)
 *   preprocessing.c: the scaler and class labels a model carries (brain_preprocessing.json)
 *   legacy_h5.c   : Keras 2 style .h5 files (model_config + model_weights), reading
 *   legacy_h5_write.c: the same format, writing
 */
#ifndef BRAIN_IO_H
#define BRAIN_IO_H

#include "internal.h"
#include <cjson/cJSON.h>

/* The version whose config key set the writer emits (metadata.json's keras_version). */
#define BRAIN_KERAS_VERSION "3.4.1"

/* ---- atomic.c: writes `n` bytes to `path` through a temporary file in the same directory,
 * flushed and fsync'ed, then renamed over `path` (the old file stays whole on any failure). */
brain_status brain__write_file_atomic(const char *path, const void *data, size_t n);
bool brain__ends_with(const char *s, const char *suffix);

/* ---- model_config.c */
/* The model as Keras's serialize_keras_object(model) (with compile_config when compiled). */
brain_status brain__model_to_config(const brain_model *m, cJSON **out);
/* A built model from a config object (Sequential or Functional, Keras 3 or Keras 2 forms);
 * `file` names the file for messages. */
brain_status brain__model_from_config(const cJSON *cfg, const char *file, brain_model **out);
/* Compiles m from a compile_config (Keras 3) or a training_config (legacy .h5) object. */
brain_status brain__compile_from_config(brain_model *m, const cJSON *cc, const char *file);

/* ---- h5_weights.c: the weights file as an in-memory HDF5 image */
brain_status brain__weights_to_h5_image(brain_model *m, void **image, size_t *n);
/* Loads the layers' weights (and the optimizer's variables when `with_optimizer` and the file
 * has them) from an HDF5 image; `file` names it in messages. */
brain_status brain__weights_from_h5_image(brain_model *m, const void *image, size_t n, const char *file,
                                          bool with_optimizer);
/* HDF5 helpers shared with legacy_h5.c (hid_t is int64_t) */
/* Loads are all or nothing: a copy of the model's values (NULL when out of memory), and, when s
 * is a failure, those values put back with the load's error kept; frees backup, returns s. */
float *brain__weights_backup(const brain_model *m);
brain_status brain__weights_restore_on_fail(brain_model *m, float *backup, brain_status s);
int64_t brain__h5_open_image(const void *image, size_t n);         /* -1 when not HDF5 */
const char *brain__h5_why(char buf[200]);                          /* HDF5's innermost error message */
bool brain__h5_hard_path(int64_t file, const char *path);          /* exists, hard links only */
/* Opens a dataset after checking: stored inside the file, float (or integer) class, this shape. */
brain_status brain__h5_open_checked(int64_t file, const char *path, const char *file_name, const char *what, bool integer,
                                    int ndim, const int64_t *shape, int64_t *out);
brain_status brain__h5_read_floats(int64_t file, const char *path, const char *file_name, const char *what, int ndim,
                                   const int64_t *shape, float *dst);
/* Makes HDF5 silent (its errors become brain_last_error messages). */
void brain__h5_quiet(void);

/* ---- h5_lock.c: HDF5 (a build without its thread-safety option) is entered by one thread at a
 * time: every use of it in brain runs between these (no-ops in the legacy sandbox's child). */
void brain__h5_lock(void);
void brain__h5_unlock(void);
void brain__h5_lock_in_child(void);

/* ---- legacy_sandbox.c: legacy .h5 files are parsed in a child process with memory and time
 * limits, which hands back a .keras image (or a weights image), parsed here by the readers
 * that never touch HDF5 attributes or variable-length data (docs/reliability.md). */
brain_status brain__load_legacy_h5_sandboxed(const char *path, brain_model **out, bool compile);
brain_status brain__load_legacy_h5_weights_sandboxed(brain_model *m, const char *path);
/* brain__weights_from_h5_image, parsed in the child: what every load of a file goes through. */
brain_status brain__weights_from_h5_image_sandboxed(brain_model *m, const void *image, size_t n, const char *file,
                                                    bool with_optimizer);
/* For tests: the child's CPU-time limit in seconds (default 20) and address-space budget in
 * bytes above what the process already maps (default 16 × the file + 512 MiB); 0 keeps a limit. */
void brain__legacy_sandbox_limits(int cpu_seconds, size_t memory_bytes);

/* ---- keras_zip.c: .keras images in memory (the sandbox's channel) */
brain_status brain__keras_image(brain_model *m, const char *name, void **out, size_t *n);
/* Takes ownership of bytes (malloc'ed). */
brain_status brain__load_keras_image(unsigned char *bytes, size_t n, const char *name, brain_model **out, bool compile);

/* ---- preprocessing.c: brain_preprocessing.json (the scaler and class labels a model carries) */
char *brain__preprocessing_json(const brain_model *m);   /* NULL when there is nothing to save */
brain_status brain__preprocessing_apply(brain_model *m, const char *txt, size_t n, const char *file);

/* ---- legacy_h5.c */
brain_status brain__load_legacy_h5(const char *path, brain_model **out, bool compile);
brain_status brain__load_legacy_h5_weights(brain_model *m, const char *path);
/* ---- legacy_h5_write.c: model.save("x.h5") (model_config, training_config, model_weights) */
brain_status brain__save_legacy_h5(brain_model *m, const char *path);

#endif
