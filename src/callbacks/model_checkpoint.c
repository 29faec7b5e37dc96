/* model_checkpoint.c — Keras 3 ModelCheckpoint (keras/src/callbacks/model_checkpoint.py).
 *
 *   on_epoch_begin(epoch): current_epoch = epoch
 *   on_train_batch_end(batch): with save_freq = n, count batches (a batch index that does not
 *       grow starts a new epoch: + batch + 1, else + batch − last); at ≥ n save and reset
 *   on_epoch_end(epoch): with save_freq "epoch", save
 *   save: path = filepath.format(epoch=epoch + 1, [batch=batch + 1,] **logs);
 *       save_best_only: monitor missing → warning, save; improved (MonitorCallback rule,
 *       best starting at initial_value_threshold) → "Epoch N: <monitor> improved from <best> to
 *       <current>, saving model to <path>", best = current, save; else "did not improve"
 *       otherwise → "Epoch N: saving model to <path>", save
 *       then (verbose) "Epoch N: finished saving model to <path>"
 * Missing directories in the path are created.  A failed save stops fit with the error. */
#include "callbacks.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct ckpt {
    char *filepath;
    brain_monitor mo;
    int verbose, save_freq;
    bool save_best_only, save_weights_only, warned;
    bool has_threshold;
    double threshold;
    int current_epoch, last_batch, since_last;
} ckpt;

/* ------------------------------------------------------------------ Python str.format subset */
typedef struct spec { char fill, align, sign; bool zero; int width, precision; char type; } spec;

static bool parse_spec(const char *s, spec *sp)
{
    *sp = (spec){ .fill = ' ', .precision = -1 };
    size_t n = strlen(s);
    if (n >= 2 && strchr("<>=^", s[1])) { sp->fill = s[0]; sp->align = s[1]; s += 2; }
    else if (n >= 1 && strchr("<>=^", s[0])) { sp->align = s[0]; s++; }
    if (*s == '+' || *s == '-' || *s == ' ') sp->sign = *s++;
    if (*s == '0') { sp->zero = true; s++; }
    while (*s >= '0' && *s <= '9') { sp->width = sp->width * 10 + (*s++ - '0'); if (sp->width > 200) return false; }
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9')) return false;
        sp->precision = 0;
        while (*s >= '0' && *s <= '9') { sp->precision = sp->precision * 10 + (*s++ - '0'); if (sp->precision > 100) return false; }
    }
    if (*s && strchr("dfFeEgG%", *s)) sp->type = *s++;
    return *s == 0;
}

/* Formats one value; is_int for epoch/batch (Python ints), else a Python float. */
static bool format_value(double v, bool is_int, const spec *sp, char *out, size_t cap)
{
    char body[400], fmt[32];
    char type = sp->type;
    if (type == 'd' && !is_int) return false;            /* Python: Unknown format code 'd' for float */
    int k = 0;
    fmt[k++] = '%';
    if (sp->sign == '+' || sp->sign == ' ') fmt[k++] = sp->sign;
    if (type == 'd' || (is_int && !type)) {
        fmt[k++] = 'l'; fmt[k++] = 'l'; fmt[k++] = 'd'; fmt[k] = 0;
        snprintf(body, sizeof body, fmt, (long long)v);
    } else if (!type && sp->precision < 0) {
        brain__repr_double(v, body, sizeof body);          /* str(float) */
        if (sp->sign == '+' && v >= 0) { memmove(body + 1, body, strlen(body) + 1); body[0] = '+'; }
    } else {
        double x = v;
        if (type == '%') { x *= 100; type = 'f'; }
        if (!type) type = 'g';
        fmt[k++] = '.'; fmt[k++] = '*'; fmt[k++] = type; fmt[k] = 0;
        snprintf(body, sizeof body, fmt, sp->precision < 0 ? 6 : sp->precision, x);
        if (sp->type == '%') strncat(body, "%", sizeof body - strlen(body) - 1);
    }
    int len = (int)strlen(body), pad = sp->width > len ? sp->width - len : 0;
    char align = sp->align ? sp->align : (sp->zero ? '=' : '>'); /* Python aligns numbers right */
    char fill = sp->zero && !sp->align ? '0' : sp->fill;
    if ((size_t)(len + pad) >= cap) return false;
    int left = align == '<' ? 0 : align == '^' ? pad / 2 : pad;
    int right = pad - left, o = 0;
    if (align == '=') { /* padding after the sign */
        int signlen = (body[0] == '-' || body[0] == '+' || body[0] == ' ') ? 1 : 0;
        memcpy(out, body, (size_t)signlen); o = signlen;
        for (int i = 0; i < pad; i++) out[o++] = fill;
        memcpy(out + o, body + signlen, (size_t)(len - signlen)); o += len - signlen;
    } else {
        for (int i = 0; i < left; i++) out[o++] = fill;
        memcpy(out + o, body, (size_t)len); o += len;
        for (int i = 0; i < right; i++) out[o++] = fill;
    }
    out[o] = 0;
    return true;
}

brain_status brain_format_filepath(const char *tmpl, int epoch, int batch, const brain_logs *logs, char *out, size_t cap)
{
    if (!tmpl || !out || cap == 0) return brain__fail(BRAIN_ERR_ARG, "brain_format_filepath: NULL argument");
    size_t o = 0;
    for (const char *p = tmpl; *p;) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            if (o + 1 >= cap) goto too_long;
            out[o++] = *p;
            p += 2;
            continue;
        }
        if (*p == '}') return brain__fail(BRAIN_ERR_ARG, "Failed to format this callback filepath: \"%s\". Reason: Single '}' encountered in format string", tmpl);
        if (*p != '{') {
            if (o + 1 >= cap) goto too_long;
            out[o++] = *p++;
            continue;
        }
        const char *end = strchr(p, '}');
        if (!end) return brain__fail(BRAIN_ERR_ARG, "Failed to format this callback filepath: \"%s\". Reason: Single '{' encountered in format string", tmpl);
        char field[BRAIN_LOG_NAME + 64];
        size_t flen = (size_t)(end - p - 1);
        if (flen >= sizeof field) return brain__fail(BRAIN_ERR_ARG, "Failed to format this callback filepath: \"%s\". Reason: field too long", tmpl);
        memcpy(field, p + 1, flen);
        field[flen] = 0;
        char *colon = strchr(field, ':');
        const char *specstr = "";
        if (colon) { *colon = 0; specstr = colon + 1; }
        double v = 0;
        bool is_int = false;
        if (!strcmp(field, "epoch")) { v = epoch + 1; is_int = true; }
        else if (!strcmp(field, "batch") && batch >= 0) { v = batch + 1; is_int = true; }
        else if (!logs || !brain_logs_get(logs, field, &v))
            return brain__fail(BRAIN_ERR_ARG, "Failed to format this callback filepath: \"%s\". Reason: '%s' (no such key in the logs)", tmpl, field);
        spec sp;
        char val[512];
        if (!parse_spec(specstr, &sp) || !format_value(v, is_int, &sp, val, sizeof val))
            return brain__fail(BRAIN_ERR_ARG, "Failed to format this callback filepath: \"%s\". Reason: format spec '%s' does not apply to %s '%s'",
                               tmpl, specstr, is_int ? "the integer" : "the float", field);
        size_t vl = strlen(val);
        if (o + vl >= cap) goto too_long;
        memcpy(out + o, val, vl);
        o += vl;
        p = end + 1;
    }
    out[o] = 0;
    return BRAIN_OK;
too_long:
    return brain__fail(BRAIN_ERR_ARG, "callback filepath from \"%s\" is longer than %zu characters", tmpl, cap - 1);
}

/* ------------------------------------------------------------------ saving */
static brain_status make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return BRAIN_OK;
    *slash = 0;
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0755) && errno != EEXIST) return brain__fail(BRAIN_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0755) && errno != EEXIST) return brain__fail(BRAIN_ERR_IO, "cannot create directory '%s': %s", buf, strerror(errno));
    return BRAIN_OK;
}

static void fmt5(const ckpt *c, char *buf, size_t cap)
{
    if (!c->mo.has_best) snprintf(buf, cap, "None");
    else snprintf(buf, cap, "%.5f", c->mo.best);
}

static int save_model(brain_model *m, ckpt *c, int epoch, int batch, const brain_logs *logs)
{
    char path[4096];
    brain_status s = brain_format_filepath(c->filepath, epoch, batch, logs, path, sizeof path);
    if (s) { brain__callback_error(m, s); return 1; }
    if (c->save_best_only) {
        double current;
        if (!brain_logs_get(logs, c->mo.monitor, &current)) {
            if (!c->warned) brain__print("Warning: Can save best model only with %s available.\n", c->mo.monitor);
            c->warned = true;
        } else {
            char best[64];
            fmt5(c, best, sizeof best);
            if (!brain__monitor_improved(&c->mo, current)) {
                if (c->verbose > 0) brain__print("\nEpoch %d: %s did not improve from %s\n", epoch + 1, c->mo.monitor, best);
                return 0;
            }
            if (c->verbose > 0)
                brain__print("\nEpoch %d: %s improved from %s to %.5f, saving model to %s\n", epoch + 1, c->mo.monitor, best,
                             current, path);
            c->mo.best = current;
            c->mo.has_best = true;
        }
    } else if (c->verbose > 0) {
        brain__print("\nEpoch %d: saving model to %s\n", epoch + 1, path);
    }
    s = make_dirs(path);
    if (!s) s = c->save_weights_only ? brain_save_weights(m, path) : brain_save(m, path);
    if (s) { brain__callback_error(m, s); return 1; }
    if (c->verbose > 0) brain__print("\nEpoch %d: finished saving model to %s\n", epoch + 1, path);
    return 0;
}

static int ck_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    ckpt *c = user;
    c->last_batch = -1;
    c->since_last = 0;
    return 0;
}

static int ck_epoch_begin(brain_model *m, int epoch, const brain_logs *logs, void *user)
{
    ((ckpt *)user)->current_epoch = epoch;
    return 0;
}

static int ck_batch_end(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    ckpt *c = user;
    if (c->save_freq <= 0) return 0;
    c->since_last += c->last_batch < 0 || batch <= c->last_batch ? batch + 1 : batch - c->last_batch;
    c->last_batch = batch;
    if (c->since_last < c->save_freq) return 0;
    c->since_last = 0;
    return save_model(m, c, c->current_epoch, batch, logs);
}

static int ck_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    ckpt *c = user;
    return c->save_freq <= 0 ? save_model(m, c, epoch, -1, logs) : 0;
}

static void ck_destroy(brain_callback *cb)
{
    ckpt *c = cb->self;
    if (c) free(c->filepath);
    free(c);
}

brain_callback *brain_model_checkpoint(const char *filepath, const brain_model_checkpoint_options *opt)
{
    brain_model_checkpoint_options o = opt ? *opt : (brain_model_checkpoint_options){0};
    if (!filepath) { brain__fail(BRAIN_ERR_ARG, "brain_model_checkpoint: filepath is required"); return NULL; }
    size_t n = strlen(filepath);
    if (o.save_weights_only && !(n >= 11 && !strcmp(filepath + n - 11, ".weights.h5"))) {
        brain__fail(BRAIN_ERR_ARG, "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end in "
                                   "`.weights.h5` (Keras weights format). Received: filepath=%s", filepath);
        return NULL;
    }
    if (!o.save_weights_only && !(n >= 6 && !strcmp(filepath + n - 6, ".keras"))) {
        brain__fail(BRAIN_ERR_ARG, "The filepath provided must end in `.keras` (Keras model format). Received: filepath=%s", filepath);
        return NULL;
    }
    if (o.save_freq < 0) { brain__fail(BRAIN_ERR_ARG, "Unrecognized save_freq: %d. Expected 0 (\"epoch\") or a positive batch count", o.save_freq); return NULL; }
    ckpt *c = brain__alloc(sizeof *c);
    if (!c) return NULL;
    c->filepath = brain__strdup(filepath);
    if (!c->filepath || brain__monitor_init(&c->mo, o.monitor, o.mode, 0)) { free(c->filepath); free(c); return NULL; }
    c->verbose = o.verbose;
    c->save_freq = o.save_freq;
    c->save_best_only = o.save_best_only;
    c->save_weights_only = o.save_weights_only;
    if (o.has_initial_value_threshold) { c->mo.best = o.initial_value_threshold; c->mo.has_best = true; }
    brain_callback_hooks h = { .on_train_begin = ck_train_begin, .on_epoch_begin = ck_epoch_begin,
                               .on_train_batch_end = c->save_freq > 0 ? ck_batch_end : NULL, .on_epoch_end = ck_epoch_end };
    return brain__callback_new(BRAIN_CB_MODEL_CHECKPOINT, &h, c, ck_destroy);
}
