/* csv_logger.c — Keras 3 CSVLogger (keras/src/callbacks/csv_logger.py) with Python's csv.excel
 * dialect:
 *   on_train_begin: append -> the header is written only if the file does not exist yet or is
 *     empty (its first line reads empty); open "a" or "w"; forget the keys.
 *   on_epoch_end: the first time, keys = sorted(logs); when none starts with "val_", the columns
 *     "val_<k>" are added for every key (filled with NA while absent).  Header "epoch" + keys,
 *     then one row per epoch: the 0-based epoch, each value as Python's repr, "NA" when absent.
 *     Fields are separated by `separator`, quoted only when needed (QUOTE_MINIMAL), and every
 *     line ends "\r\n"; the file is flushed after each row.
 *   on_train_end: close.
 * A file that cannot be opened or written sets brain_last_error (BRAIN_ERR_IO) and the hook
 * returns non-zero, which stops training (see callbacks.h). */
#include "callbacks.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CSV_MAX_KEYS (2 * BRAIN_MAX_LOGS)
#define CSV_KEY_LEN (BRAIN_LOG_NAME + 4)

typedef struct csv_state {
    char *filename;
    char sep;
    bool append;
    bool append_header;      /* Keras: set in __init__, changed only by an append over an existing file */
    FILE *f;
    bool have_keys, have_writer;
    int n_keys;
    char keys[CSV_MAX_KEYS][CSV_KEY_LEN];
} csv_state;

/* One field, quoted as csv.QUOTE_MINIMAL quotes (delimiter, quote or line break inside). */
static void csv_field(FILE *f, const char *text, char sep)
{
    bool quote = false;
    for (const char *p = text; *p; p++)
        if (*p == sep || *p == '"' || *p == '\r' || *p == '\n') quote = true;
    if (!quote) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static int csv_io_error(brain_model *m, csv_state *s, const char *what)
{
    brain__callback_error(m, BRAIN_ERR_IO);
    brain__fail(BRAIN_ERR_IO, "CSVLogger cannot %s '%s': %s", what, s->filename, strerror(errno));
    return 1;
}

static int csv_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)m;
    (void)logs;
    csv_state *s = user;
    if (s->append) {
        FILE *r = fopen(s->filename, "rb");
        if (r) {
            s->append_header = fgetc(r) == EOF; /* readline() is "" only for an empty file */
            fclose(r);
        }
    }
    if (s->f) {
        fclose(s->f);
        s->f = NULL;
    }
    errno = 0;
    s->f = fopen(s->filename, s->append ? "ab" : "wb");
    if (!s->f) return csv_io_error(m, s, "open");
    s->have_keys = false;
    s->have_writer = false;
    s->n_keys = 0;
    return 0;
}

static int csv_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)m;
    csv_state *s = user;
    if (!s->f) {
        brain__callback_error(m, BRAIN_ERR_STATE);
        brain__fail(BRAIN_ERR_STATE, "CSVLogger: on_epoch_end before on_train_begin (the file '%s' is not open)",
                    s->filename);
        return 1;
    }
    if (!s->have_keys) {
        s->n_keys = 0;
        bool val_found = false;
        for (int i = 0; logs && i < logs->n; i++) { /* the logs are sorted already */
            snprintf(s->keys[s->n_keys++], CSV_KEY_LEN, "%s", logs->names[i]);
            if (strncmp(logs->names[i], "val_", 4) == 0) val_found = true;
        }
        if (!val_found && s->n_keys > 0) {
            int n = s->n_keys;
            for (int i = 0; i < n; i++) { /* "val_" + a name of at most BRAIN_LOG_NAME - 1 bytes fits CSV_KEY_LEN */
                char *dst = s->keys[s->n_keys++];
                memcpy(dst, "val_", 4);
                memcpy(dst + 4, s->keys[i], strlen(s->keys[i]) + 1);
            }
        }
        s->have_keys = true;
    }
    errno = 0;
    if (!s->have_writer) {
        if (s->append_header) {
            csv_field(s->f, "epoch", s->sep);
            for (int k = 0; k < s->n_keys; k++) {
                fputc(s->sep, s->f);
                csv_field(s->f, s->keys[k], s->sep);
            }
            fputs("\r\n", s->f);
        }
        s->have_writer = true;
    }
    fprintf(s->f, "%d", epoch);
    for (int k = 0; k < s->n_keys; k++) {
        double v;
        char text[40];
        if (brain_logs_get(logs, s->keys[k], &v))
            brain__repr_double(v, text, sizeof text);
        else
            snprintf(text, sizeof text, "NA");
        fputc(s->sep, s->f);
        csv_field(s->f, text, s->sep);
    }
    fputs("\r\n", s->f);
    if (fflush(s->f) != 0 || ferror(s->f)) return csv_io_error(m, s, "write");
    return 0;
}

static int csv_train_end(brain_model *m, const brain_logs *logs, void *user)
{
    (void)m;
    (void)logs;
    csv_state *s = user;
    s->have_writer = false;
    if (s->f) {
        errno = 0;
        int rc = fclose(s->f);
        s->f = NULL;
        if (rc != 0) return csv_io_error(m, s, "close");
    }
    return 0;
}

static void csv_destroy(brain_callback *cb)
{
    csv_state *s = cb->self;
    if (!s) return;
    if (s->f) fclose(s->f);
    free(s->filename);
    free(s);
    cb->self = NULL;
}

brain_callback *brain_csv_logger(const char *filename, const brain_csv_logger_options *opt)
{
    if (!filename || !*filename) {
        brain__fail(BRAIN_ERR_ARG, "brain_csv_logger: a file name is required");
        return NULL;
    }
    brain_csv_logger_options o = opt ? *opt : (brain_csv_logger_options){ 0 };
    if (o.separator == '"' || o.separator == '\r' || o.separator == '\n') {
        brain__fail(BRAIN_ERR_ARG, "CSVLogger separator cannot be a quote or a line break");
        return NULL;
    }
    csv_state *s = brain__alloc(sizeof *s);
    if (!s) return NULL;
    s->filename = brain__strdup(filename);
    if (!s->filename) {
        free(s);
        return NULL;
    }
    s->sep = o.separator ? o.separator : ',';
    s->append = o.append;
    s->append_header = true;
    brain_callback_hooks h = {
        .on_train_begin = csv_train_begin,
        .on_epoch_end = csv_epoch_end,
        .on_train_end = csv_train_end,
    };
    return brain__callback_new(BRAIN_CB_CSV_LOGGER, &h, s, csv_destroy);
}
