/* keras_zip.c — the .keras file (keras-spec §1.1) and the public save/load entry points.
 *
 *   metadata.json     {"keras_version": ..., "date_saved": ...}   (written first, not read)
 *   config.json       the model (model_config.c)
 *   model.weights.h5  layer and optimizer variables (h5_weights.c)
 *   brain_state.json  this library's own state that Keras has no place for: the model's random
 *                     generator, so that fit resumes with the same shuffles and dropout masks.
 *                     Keras's loader reads only the members it knows and ignores this one.
 *   brain_preprocessing.json  the scaler and class labels the model carries, when it has any
 *                     (preprocessing.c; also ignored by Keras).
 * Members are stored uncompressed, as Keras writes them; reading accepts deflate too.  The zip
 * is built in memory and written with brain__write_file_atomic. */
#include "io/io.h"
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zip.h>

#define MAX_FILE ((size_t)1 << 31)      /* the largest .keras / .h5 this reader opens */
#define MAX_MEMBER ((zip_uint64_t)1 << 31)

/* ------------------------------------------------------------------ zip helpers */
typedef struct member { const char *name; const void *data; size_t n; } member;

static brain_status zip_to_memory(const member *mem, int n_mem, const char *path, void **out, size_t *out_n)
{
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &err);
    if (!src) return brain__fail(BRAIN_ERR_NOMEM, "cannot create the zip for '%s': %s", path, zip_error_strerror(&err));
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &err);
    if (!za) {
        zip_source_free(src);
        return brain__fail(BRAIN_ERR_IO, "cannot create the zip for '%s': %s", path, zip_error_strerror(&err));
    }
    for (int i = 0; i < n_mem; i++) {
        zip_source_t *s = zip_source_buffer(za, mem[i].data, mem[i].n, 0);
        zip_int64_t idx = s ? zip_file_add(za, mem[i].name, s, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0 || zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) < 0) {
            if (s && idx < 0) zip_source_free(s);
            brain_status st = brain__fail(BRAIN_ERR_IO, "cannot add %s to the zip for '%s': %s", mem[i].name, path, zip_strerror(za));
            zip_discard(za);
            zip_source_free(src);
            return st;
        }
    }
    if (zip_close(za) < 0) {
        brain_status st = brain__fail(BRAIN_ERR_IO, "cannot finish the zip for '%s': %s", path, zip_strerror(za));
        zip_discard(za);
        zip_source_free(src);
        return st;
    }
    brain_status st = BRAIN_OK;
    zip_int64_t size = -1;
    if (zip_source_open(src) < 0 || zip_source_seek(src, 0, SEEK_END) < 0 || (size = zip_source_tell(src)) < 0 ||
        zip_source_seek(src, 0, SEEK_SET) < 0)
        st = brain__fail(BRAIN_ERR_IO, "cannot read back the zip for '%s'", path);
    void *buf = st ? NULL : malloc((size_t)size + 1);
    if (!st && !buf) st = brain__fail(BRAIN_ERR_NOMEM, "out of memory saving '%s'", path);
    if (!st && zip_source_read(src, buf, (zip_uint64_t)size) != size) st = brain__fail(BRAIN_ERR_IO, "cannot read back the zip for '%s'", path);
    zip_source_close(src);
    zip_source_free(src);
    if (st) { free(buf); return st; }
    *out = buf;
    *out_n = (size_t)size;
    return BRAIN_OK;
}

typedef struct zip_in { unsigned char *bytes; size_t n; zip_t *za; } zip_in;

/* Opens a zip held in `bytes` (malloc'ed; owned by z from here on, also on failure). */
static brain_status zip_open_bytes(unsigned char *bytes, size_t n, const char *path, zip_in *z)
{
    memset(z, 0, sizeof *z);
    z->bytes = bytes;
    z->n = n;
    brain_status s;
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t *src = zip_source_buffer_create(z->bytes, z->n, 0, &err);
    if (src) z->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err);
    if (!z->za) {
        if (src) zip_source_free(src);
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s' is not a readable .keras zip (truncated or damaged?): %s", path,
                        zip_error_strerror(&err));
        zip_error_fini(&err);
        free(z->bytes);
        z->bytes = NULL;
        return s;
    }
    return BRAIN_OK;
}

static brain_status zip_open_file(const char *path, zip_in *z)
{
    unsigned char *bytes;
    size_t n;
    memset(z, 0, sizeof *z);
    brain_status s = brain__read_file(path, MAX_FILE, &bytes, &n);
    return s ? s : zip_open_bytes(bytes, n, path, z);
}

static void zip_in_close(zip_in *z)
{
    if (z->za) zip_discard(z->za);
    free(z->bytes);
    memset(z, 0, sizeof *z);
}

/* A member's bytes (NUL-terminated); *missing (if not NULL) is set instead of failing when absent */
static brain_status zip_member(zip_in *z, const char *path, const char *name, unsigned char **out, size_t *n, bool *missing)
{
    *out = NULL;
    *n = 0;
    if (missing) *missing = false;
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat(z->za, name, 0, &st) < 0) {
        if (missing) { *missing = true; return BRAIN_OK; }
        return brain__fail(BRAIN_ERR_FORMAT, "'%s' has no member %s; a .keras file holds config.json and model.weights.h5", path, name);
    }
    if (!(st.valid & ZIP_STAT_SIZE) || st.size > MAX_MEMBER ||
        ((st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size && st.size / 1024 > st.comp_size)) /* zip-bomb guard */
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': member %s declares an implausible size (%llu bytes)", path, name,
                           (unsigned long long)st.size);
    zip_file_t *zf = zip_fopen(z->za, name, 0);
    if (!zf) return brain__fail(BRAIN_ERR_FORMAT, "'%s': cannot open member %s: %s", path, name, zip_strerror(z->za));
    unsigned char *buf = malloc((size_t)st.size + 1);
    if (!buf) { zip_fclose(zf); return brain__fail(BRAIN_ERR_NOMEM, "out of memory reading %s of '%s'", name, path); }
    zip_int64_t got = zip_fread(zf, buf, st.size);
    char extra;
    bool more = got == (zip_int64_t)st.size && zip_fread(zf, &extra, 1) > 0;
    brain_status s = BRAIN_OK;
    if (got != (zip_int64_t)st.size || more)
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s': member %s is damaged (read %lld of %llu bytes: %s)", path, name,
                        (long long)got, (unsigned long long)st.size, zip_file_strerror(zf));
    zip_fclose(zf);
    if (s) { free(buf); return s; }
    buf[st.size] = 0;
    *out = buf;
    *n = (size_t)st.size;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ brain_state.json */
static char *state_json(const brain_model *m)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "format", "brain");
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON *rng = cJSON_AddArrayToObject(o, "rng");
    for (int i = 0; rng && i < 4; i++) {
        char hex[24];
        snprintf(hex, sizeof hex, "%016" PRIx64, m->rng.s[i]);
        cJSON_AddItemToArray(rng, cJSON_CreateString(hex));
    }
    char *txt = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return txt;
}

static brain_status apply_state(brain_model *m, const char *txt, const char *path)
{
    cJSON *o = cJSON_Parse(txt);
    const cJSON *rng = cJSON_GetObjectItemCaseSensitive(o, "rng");
    brain_rng r;
    bool ok = cJSON_IsArray(rng) && cJSON_GetArraySize(rng) == 4;
    int i = 0;
    for (const cJSON *e = ok ? rng->child : NULL; e; e = e->next, i++) {
        char *end = NULL;
        ok = ok && cJSON_IsString(e) && strlen(e->valuestring) == 16;
        if (ok) r.s[i] = strtoull(e->valuestring, &end, 16);
        ok = ok && end && !*end;
    }
    ok = ok && (r.s[0] | r.s[1] | r.s[2] | r.s[3]) != 0;
    cJSON_Delete(o);
    if (!ok) return brain__fail(BRAIN_ERR_FORMAT, "'%s': brain_state.json is damaged (rng must be 4 hex strings)", path);
    m->rng = r;
    return BRAIN_OK;
}

/* ------------------------------------------------------------------ save */
/* The .keras zip of m in memory (the sandbox's channel, and what brain_save writes). */
brain_status brain__keras_image(brain_model *m, const char *path, void **zipbuf, size_t *zipn)
{
    *zipbuf = NULL;
    *zipn = 0;
    brain_status s = brain_model_build(m);
    if (s) return s;
    cJSON *cfg = NULL;
    char *config = NULL, *meta = NULL, *state = NULL, *pre = NULL;
    void *h5 = NULL;
    size_t h5n = 0;
    if ((s = brain__model_to_config(m, &cfg))) goto out;
    config = cJSON_PrintUnformatted(cfg);
    char date[64];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(date, sizeof date, "%Y-%m-%d@%H:%M:%S", localtime_r(&now, &tmv));
    size_t mlen = strlen(date) + 64;
    meta = malloc(mlen);
    if (meta) snprintf(meta, mlen, "{\"keras_version\": \"%s\", \"date_saved\": \"%s\"}", BRAIN_KERAS_VERSION, date);
    state = state_json(m);
    if (!config || !meta || !state) { s = brain__fail(BRAIN_ERR_NOMEM, "out of memory saving '%s'", path); goto out; }
    if ((s = brain__weights_to_h5_image(m, &h5, &h5n))) goto out;
    if ((m->pre_scaler || m->n_class_names) && !(pre = brain__preprocessing_json(m))) {
        s = brain__fail(BRAIN_ERR_NOMEM, "out of memory saving '%s'", path);
        goto out;
    }
    member mem[] = { { "metadata.json", meta, strlen(meta) }, { "config.json", config, strlen(config) },
                     { "model.weights.h5", h5, h5n }, { "brain_state.json", state, strlen(state) },
                     { "brain_preprocessing.json", pre, pre ? strlen(pre) : 0 } };
    s = zip_to_memory(mem, pre ? 5 : 4, path, zipbuf, zipn);
out:
    cJSON_Delete(cfg);
    free(config); free(meta); free(state); free(pre); free(h5);
    return s;
}

static brain_status save_locked(brain_model *m, const char *path)
{
    if (!m || !path) return brain__fail(BRAIN_ERR_ARG, "brain_save: model and path are required");
    if (brain__ends_with(path, ".h5") || brain__ends_with(path, ".hdf5")) {
        if (brain__ends_with(path, ".weights.h5"))
            return brain__fail(BRAIN_ERR_ARG, "brain_save: '%s' is a weights file name; use brain_save_weights (or a "
                               ".keras / .h5 model file name)", path);
        brain__h5_lock();
        brain_status s = brain__save_legacy_h5(m, path);
        brain__h5_unlock();
        return s;
    }
    if (!brain__ends_with(path, ".keras"))
        return brain__fail(BRAIN_ERR_ARG, "brain_save: '%s' must end in .keras, or .h5 for Keras's legacy format (weights "
                           "alone: brain_save_weights with .weights.h5)", path);
    void *zipbuf = NULL;
    size_t zipn = 0;
    brain_status s = brain__keras_image(m, path, &zipbuf, &zipn);
    if (!s) s = brain__write_file_atomic(path, zipbuf, zipn);
    free(zipbuf);
    return s;
}

brain_status brain_save(brain_model *m, const char *path)
{
    brain__model_lock(m);
    brain_status s = save_locked(m, path);
    brain__model_unlock(m);
    return s;
}

static brain_status save_weights_locked(brain_model *m, const char *path)
{
    if (!m || !path) return brain__fail(BRAIN_ERR_ARG, "brain_save_weights: model and path are required");
    if (!brain__ends_with(path, ".weights.h5"))
        return brain__fail(BRAIN_ERR_ARG, "brain_save_weights: '%s' must end in .weights.h5 (as Keras requires)", path);
    brain_status s = brain_model_build(m);
    if (s) return s;
    void *h5 = NULL;
    size_t n = 0;
    if (!(s = brain__weights_to_h5_image(m, &h5, &n))) s = brain__write_file_atomic(path, h5, n);
    free(h5);
    return s;
}

brain_status brain_save_weights(brain_model *m, const char *path)
{
    brain__model_lock(m);
    brain_status s = save_weights_locked(m, path);
    brain__model_unlock(m);
    return s;
}

/* ------------------------------------------------------------------ load */
/* trusted: an image brain's own writer made (in the sandbox's child) — its weights skip the sandbox */
static brain_status load_keras_zip(zip_in *zp, const char *path, brain_model **out, bool compile, bool weights,
                                   bool trusted)
{
    zip_in z = *zp;
    brain_status s;
    unsigned char *config = NULL, *h5 = NULL, *state = NULL, *pre = NULL;
    size_t nc, nh, ns, np;
    bool no_state, no_pre;
    cJSON *cfg = NULL;
    brain_model *m = NULL;
    if ((s = zip_member(&z, path, "config.json", &config, &nc, NULL))) goto out;
    if ((s = zip_member(&z, path, "model.weights.h5", &h5, &nh, NULL))) goto out;
    if ((s = zip_member(&z, path, "brain_state.json", &state, &ns, &no_state))) goto out;
    if ((s = zip_member(&z, path, "brain_preprocessing.json", &pre, &np, &no_pre))) goto out;
    if (!(cfg = cJSON_ParseWithLength((const char *)config, nc))) {
        s = brain__fail(BRAIN_ERR_FORMAT, "'%s': config.json is not valid JSON", path);
        goto out;
    }
    if ((s = brain__model_from_config(cfg, path, &m))) goto out;
    const cJSON *cc = cJSON_GetObjectItemCaseSensitive(cfg, "compile_config");
    if (compile && cJSON_IsObject(cc) && cc->child && (s = brain__compile_from_config(m, cc, path))) goto out;
    if (weights && (s = (trusted ? brain__weights_from_h5_image : brain__weights_from_h5_image_sandboxed)(m, h5, nh, path,
                                                                                                          true)))
        goto out;
    if (weights && !no_state && (s = apply_state(m, (const char *)state, path))) goto out;
    if (!no_pre) s = brain__preprocessing_apply(m, (const char *)pre, np, path);
out:
    cJSON_Delete(cfg);
    free(config); free(h5); free(state); free(pre);
    zip_in_close(&z);
    if (s) brain_model_free(m);
    else *out = m;
    return s;
}

static brain_status load_keras(const char *path, brain_model **out, bool compile, bool weights)
{
    zip_in z;
    brain_status s = zip_open_file(path, &z);
    return s ? s : load_keras_zip(&z, path, out, compile, weights, false);
}

brain_status brain__load_keras_image(unsigned char *bytes, size_t n, const char *name, brain_model **out, bool compile)
{
    zip_in z;
    brain_status s = zip_open_bytes(bytes, n, name, &z);
    return s ? s : load_keras_zip(&z, name, out, compile, true, true); /* made by brain's writer in the sandbox */
}

static bool is_h5(const char *path)
{
    return brain__ends_with(path, ".h5") || brain__ends_with(path, ".hdf5");
}

brain_status brain_load_model(const char *path, brain_model **out, const brain_load_options *opt)
{
    if (!path || !out) return brain__fail(BRAIN_ERR_ARG, "brain_load_model: path and out are required");
    *out = NULL;
    bool compile = !opt || opt->compile != BRAIN_OFF, weights = !opt || opt->weights != BRAIN_OFF;
    if (brain__ends_with(path, ".keras")) return load_keras(path, out, compile, weights);
    if (brain__ends_with(path, ".weights.h5"))
        return brain__fail(BRAIN_ERR_ARG, "'%s' holds weights only; build the model and call brain_load_weights", path);
    if (is_h5(path)) {
        brain_status s = brain__load_legacy_h5_sandboxed(path, out, compile);
        if (!s && !weights)             /* fresh values, as a new build draws them */
            for (int k = 0; k < (*out)->n_weights; k++) brain__init_weight((*out)->weights[k], &(*out)->rng);
        return s;
    }
    return brain__fail(BRAIN_ERR_ARG, "'%s': a model file must end in .keras (or .h5 / .hdf5 for the legacy format)", path);
}

static brain_status load_weights_locked(brain_model *m, const char *path)
{
    if (!m || !path) return brain__fail(BRAIN_ERR_ARG, "brain_load_weights: model and path are required");
    brain_status s = brain_model_build(m);
    if (s) return s;
    unsigned char *h5 = NULL;
    size_t n = 0;
    if (brain__ends_with(path, ".keras")) {
        zip_in z;
        if ((s = zip_open_file(path, &z))) return s;
        s = zip_member(&z, path, "model.weights.h5", &h5, &n, NULL);
        zip_in_close(&z);
    } else if (brain__ends_with(path, ".weights.h5")) {
        s = brain__read_file(path, MAX_FILE, &h5, &n);
    } else if (is_h5(path)) {
        return brain__load_legacy_h5_weights_sandboxed(m, path);
    } else {
        return brain__fail(BRAIN_ERR_ARG, "'%s': weights load from .weights.h5, .keras or legacy .h5 files", path);
    }
    if (!s) s = brain__weights_from_h5_image_sandboxed(m, h5, n, path, true);
    free(h5);
    return s;
}

brain_status brain_load_weights(brain_model *m, const char *path)
{
    brain__model_lock(m);
    brain_status s = load_weights_locked(m, path);
    brain__model_unlock(m);
    return s;
}
