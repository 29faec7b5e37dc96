/* backup_and_restore.c — Keras 3 BackupAndRestore (keras/src/callbacks/backup_and_restore.py),
 * made crash-consistent (issue 16 item 9, docs/reliability.md).
 *
 * Files in backup_dir (Keras's names, and one of this library's):
 *   latest.weights.h5        the weights and the optimizer's state (brain_save_weights, Keras's layout)
 *   training_metadata.json   {"epoch": epochs done, "batch": last batch seen, and this library's
 *                             "iterations" (the optimizer's step count when saved) and "rng" (the
 *                             model's generator, 4 hex words)}
 *   previous.weights.h5      the previous weights, while a save is under way (Keras's
 *                            double_checkpoint keeps "latest.weights.h5.bkp"; always kept here)
 *
 * save (at each epoch's end, or every save_freq batches):
 *   1. rename latest.weights.h5 → previous.weights.h5   (previous + metadata: the committed state)
 *   2. write latest.weights.h5             (atomic: temporary file, fsync, rename)
 *   3. write training_metadata.json        (atomic) — the commit point
 * Every file is replaced whole, and the metadata names the optimizer step count of the weights
 * it belongs to, so whichever moment a crash (kill -9, power loss) hits, latest or previous
 * matches the metadata (or there is no metadata yet: nothing was committed, training starts over).
 *
 * on_train_begin: with metadata, load latest.weights.h5, else (or when its step count is not the
 * metadata's) previous.weights.h5, into the model (weights and optimizer), restore the generator, and make fit
 * start at epoch "epoch"; the matching file becomes latest again.  An epoch-level backup resumes
 * bitwise: the next epoch's shuffle and dropout draw from the restored generator.  (Batch-level
 * saves resume as Keras does — at the start of the recorded epoch, with the weights of mid-epoch —
 * which is not bitwise the uninterrupted run.)
 * on_train_end: when fit succeeded and delete_checkpoint is on, the three files are removed and
 * backup_dir too if it is then empty (Keras removes the whole directory; this removes only its own
 * files).  A failed fit keeps them. */
#include "callbacks.h"
#include "io/io.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct bnr {
    char *dir, *weights, *bkp, *meta;
    int save_freq;
    bool delete_checkpoint;
    int epochs_done, last_batch, since_last;
} bnr;

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = brain__alloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static brain_status make_dirs(const char *dir)
{
    char buf[4096];
    if (strlen(dir) >= sizeof buf) return brain__fail(BRAIN_ERR_ARG, "BackupAndRestore: backup_dir is too long");
    snprintf(buf, sizeof buf, "%s", dir);
    for (char *p = buf + 1; ; p++) {
        if (*p && *p != '/') continue;
        const char c = *p;
        *p = 0;
        if (mkdir(buf, 0755) && errno != EEXIST)
            return brain__fail(BRAIN_ERR_IO, "BackupAndRestore: cannot create directory '%s': %s", buf, strerror(errno));
        if (!c) break;
        *p = c;
    }
    return BRAIN_OK;
}

typedef struct meta { int epoch, batch; int64_t iterations; brain_rng rng; } meta;

/* training_metadata.json; *have = false when there is none (nothing committed) */
static brain_status read_meta(const bnr *b, meta *out, bool *have)
{
    *have = false;
    if (access(b->meta, F_OK)) return BRAIN_OK;
    uint8_t *txt;
    size_t n;
    brain_status s = brain__read_file(b->meta, 1 << 20, &txt, &n);
    if (s) return s;
    cJSON *o = cJSON_Parse((const char *)txt);
    free(txt);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "epoch"), *bt = cJSON_GetObjectItemCaseSensitive(o, "batch");
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, "iterations"), *rng = cJSON_GetObjectItemCaseSensitive(o, "rng");
    bool ok = cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble < 1e9 && cJSON_IsNumber(it) &&
              it->valuedouble >= 0 && it->valuedouble < 9e15 && cJSON_IsArray(rng) && cJSON_GetArraySize(rng) == 4;
    int i = 0;
    for (const cJSON *w = ok ? rng->child : NULL; w; w = w->next, i++) {
        char *end = NULL;
        ok = ok && cJSON_IsString(w) && strlen(w->valuestring) == 16;
        if (ok) out->rng.s[i] = strtoull(w->valuestring, &end, 16);
        ok = ok && end && !*end;
    }
    if (ok) {
        out->epoch = brain__to_int(e->valuedouble);
        out->batch = cJSON_IsNumber(bt) ? brain__to_int(bt->valuedouble) : 0;
        out->iterations = brain__to_i64(it->valuedouble);
    }
    cJSON_Delete(o);
    if (!ok)
        return brain__fail(BRAIN_ERR_FORMAT, "BackupAndRestore: '%s' is damaged (expected epoch, iterations and rng); "
                           "remove backup_dir to start over", b->meta);
    *have = true;
    return BRAIN_OK;
}

static brain_status write_meta(const bnr *b, const brain_model *m)
{
    char txt[512];
    int n = snprintf(txt, sizeof txt,
                     "{\"epoch\": %d, \"batch\": %d, \"iterations\": %" PRId64 ", \"rng\": [\"%016" PRIx64 "\", \"%016" PRIx64
                     "\", \"%016" PRIx64 "\", \"%016" PRIx64 "\"]}",
                     b->epochs_done, b->last_batch < 0 ? 0 : b->last_batch, m->optimizer->iterations, m->rng.s[0],
                     m->rng.s[1], m->rng.s[2], m->rng.s[3]);
    return brain__write_file_atomic(b->meta, txt, (size_t)n);
}

static int fail(brain_model *m, brain_status s)
{
    brain__callback_error(m, s);
    return 1;
}

static int br_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    bnr *b = user;
    b->epochs_done = 0;
    b->last_batch = -1;
    b->since_last = 0;
    if (!m->optimizer) return fail(m, brain__fail(BRAIN_ERR_STATE, "BackupAndRestore: the model must be compiled"));
    meta md;
    bool have;
    brain_status s = read_meta(b, &md, &have);
    if (s) return fail(m, s);
    if (!have) return 0;
    /* latest, else the previous weights: the one whose optimizer step count the metadata names */
    const char *files[2] = {b->weights, b->bkp};
    int found = -1;
    char why[600] = "";
    for (int k = 0; k < 2 && found < 0; k++) {
        if (access(files[k], F_OK)) continue;
        if ((s = brain_load_weights(m, files[k]))) {
            snprintf(why, sizeof why, "%s", brain_last_error());
            continue;
        }
        if (m->optimizer->iterations == md.iterations) found = k;
        else snprintf(why, sizeof why, "'%s' holds optimizer step %" PRId64 ", the metadata step %" PRId64, files[k],
                      m->optimizer->iterations, md.iterations);
    }
    if (found < 0)
        return fail(m, brain__fail(BRAIN_ERR_FORMAT, "BackupAndRestore: no weights in '%s' match its training_metadata.json "
                                   "(%s); remove the directory to start over", b->dir, why[0] ? why : "no weights file"));
    if (found == 1 && rename(b->bkp, b->weights)) /* the committed pair is latest + metadata again */
        return fail(m, brain__fail(BRAIN_ERR_IO, "BackupAndRestore: cannot rename '%s' to '%s': %s", b->bkp, b->weights,
                                   strerror(errno)));
    m->rng = md.rng;
    m->resume_epoch = md.epoch;
    b->epochs_done = md.epoch;
    return 0;
}

static int save(brain_model *m, bnr *b)
{
    brain_status s = make_dirs(b->dir);
    if (!s && rename(b->weights, b->bkp) && errno != ENOENT)
        s = brain__fail(BRAIN_ERR_IO, "BackupAndRestore: cannot rename '%s' to '%s': %s", b->weights, b->bkp, strerror(errno));
    if (!s) s = brain_save_weights(m, b->weights);
    if (!s) s = write_meta(b, m);
    return s ? fail(m, s) : 0;
}

static int br_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    bnr *b = user;
    b->epochs_done = epoch + 1;
    b->last_batch = -1;
    return b->save_freq <= 0 ? save(m, b) : 0;
}

static int br_batch_end(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    bnr *b = user;
    b->since_last += b->last_batch < 0 || batch <= b->last_batch ? batch + 1 : batch - b->last_batch;
    b->last_batch = batch;
    if (b->since_last < b->save_freq) return 0;
    b->since_last = 0;
    return save(m, b);
}

static int br_train_end(brain_model *m, const brain_logs *logs, void *user)
{
    bnr *b = user;
    if (!b->delete_checkpoint || m->fit_status) return 0;
    /* the metadata first: it is the commit point, so a kill in between leaves "nothing
     * committed" (a fresh start, to the same weights), never metadata without its weights */
    unlink(b->meta);
    unlink(b->weights);
    unlink(b->bkp);
    rmdir(b->dir); /* only when empty */
    return 0;
}

static void br_destroy(brain_callback *cb)
{
    bnr *b = cb->self;
    if (b) { free(b->dir); free(b->weights); free(b->bkp); free(b->meta); }
    free(b);
}

brain_callback *brain_backup_and_restore(const brain_backup_and_restore_options *opt)
{
    if (!opt || !opt->backup_dir || !opt->backup_dir[0]) {
        brain__fail(BRAIN_ERR_ARG, "brain_backup_and_restore: Empty `backup_dir` argument passed");
        return NULL;
    }
    if (opt->save_freq < 0) {
        brain__fail(BRAIN_ERR_ARG, "brain_backup_and_restore: Invalid value for argument `save_freq`. Received: save_freq=%d. "
                    "Expected 0 (\"epoch\") or a positive batch count.", opt->save_freq);
        return NULL;
    }
    bnr *b = brain__alloc(sizeof *b);
    if (!b) return NULL;
    b->dir = brain__strdup(opt->backup_dir);
    b->weights = b->dir ? join(b->dir, "latest.weights.h5") : NULL;
    b->bkp = b->dir ? join(b->dir, "previous.weights.h5") : NULL;
    b->meta = b->dir ? join(b->dir, "training_metadata.json") : NULL;
    if (!b->weights || !b->bkp || !b->meta) {
        free(b->dir); free(b->weights); free(b->bkp); free(b->meta); free(b);
        return NULL;
    }
    b->save_freq = opt->save_freq;
    b->delete_checkpoint = opt->delete_checkpoint != BRAIN_OFF;
    brain_callback_hooks h = {.on_train_begin = br_train_begin, .on_epoch_end = br_epoch_end,
                              .on_train_batch_end = b->save_freq > 0 ? br_batch_end : NULL, .on_train_end = br_train_end};
    return brain__callback_new(BRAIN_CB_BACKUP_AND_RESTORE, &h, b, br_destroy);
}
