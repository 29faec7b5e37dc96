/* tensorboard.c — Keras's TensorBoard callback (keras/src/callbacks/tensorboard.py): event files
 * that the `tensorboard` program reads.
 *
 * File format (TensorFlow's record_writer and event_file_writer):
 *   log_dir/{train,validation}/events.out.tfevents.<seconds>.<host>.<pid>.<n>.v2
 *   a sequence of TFRecords: uint64 length (little-endian), uint32 masked CRC32C of those 8
 *   bytes, the data, uint32 masked CRC32C of the data; masked(c) = ((c >> 15) | (c << 17)) +
 *   0xa282ead8, CRC32C the Castagnoli polynomial (reflected 0x82F63B78).
 *   Each record is an Event proto (tb_event.proto): the first one file_version "brain.Event:2",
 *   then summaries: scalars as Summary.Value.simple_value, histograms as HistogramProto.
 * The messages are encoded with protobuf-c from the .proto file (CMake generates the code).
 *
 * Steps as Keras: epoch scalars at step = epoch (0-based); batch scalars ("batch_<key>", the
 * running logs) at the global batch count, which starts at 1 for the first batch, when it is a
 * multiple of update_freq; weight histograms at step = epoch when epoch % histogram_freq == 0,
 * 30 equal-width buckets between the weight's min and max (tf.summary.histogram's default).
 */
#include "callbacks.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef BRAIN_HAVE_TENSORBOARD
#include "tb_event.pb-c.h"

static uint32_t crc_table[256];
static void crc_init(void)
{
    if (crc_table[1]) return;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        crc_table[i] = c;
    }
}
static uint32_t crc32c(const uint8_t *p, size_t n)
{
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}
static uint32_t masked(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }

typedef struct writer { FILE *f; char path[1200]; } writer;

typedef struct tb {
    char dir[900];
    int update_freq, histogram_freq;
    writer train, val;
    int64_t global_batch;
    uint8_t *buf; size_t cap;
} tb;

static brain_status mkdir_p(const char *path)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(tmp, 0777) && errno != EEXIST)
            return brain__fail(BRAIN_ERR_IO, "TensorBoard: cannot create directory \"%s\": %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0777) && errno != EEXIST)
        return brain__fail(BRAIN_ERR_IO, "TensorBoard: cannot create directory \"%s\": %s", tmp, strerror(errno));
    return BRAIN_OK;
}

static double now_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static brain_status write_event(tb *t, writer *w, const Tensorboard__Event *ev)
{
    size_t n = tensorboard__event__get_packed_size(ev);
    if (n + 16 > t->cap) {
        uint8_t *nb = realloc(t->buf, n + 16);
        if (!nb) return brain__fail(BRAIN_ERR_NOMEM, "TensorBoard: out of memory for an event of %zu bytes", n);
        t->buf = nb;
        t->cap = n + 16;
    }
    uint8_t *p = t->buf;
    uint64_t len = n;
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(len >> (8 * i));
    uint32_t hc = masked(crc32c(p, 8));
    for (int i = 0; i < 4; i++) p[8 + i] = (uint8_t)(hc >> (8 * i));
    tensorboard__event__pack(ev, p + 12);
    uint32_t dc = masked(crc32c(p + 12, n));
    for (int i = 0; i < 4; i++) p[12 + n + i] = (uint8_t)(dc >> (8 * i));
    if (fwrite(p, 1, n + 16, w->f) != n + 16)
        return brain__fail(BRAIN_ERR_IO, "TensorBoard: cannot write \"%s\": %s", w->path, strerror(errno));
    return BRAIN_OK;
}

static brain_status open_writer(tb *t, writer *w, const char *sub)
{
    if (w->f) return BRAIN_OK;
    char dir[1000];
    snprintf(dir, sizeof dir, "%s/%s", t->dir, sub);
    brain_status s = mkdir_p(dir);
    if (s) return s;
    static int counter;
    char host[64] = "localhost";
    gethostname(host, sizeof host - 1);
    snprintf(w->path, sizeof w->path, "%s/events.out.tfevents.%lld.%s.%d.%d.v2", dir, (long long)time(NULL), host,
             (int)getpid(), counter++);
    w->f = fopen(w->path, "wb");
    if (!w->f) return brain__fail(BRAIN_ERR_IO, "TensorBoard: cannot create \"%s\": %s", w->path, strerror(errno));
    Tensorboard__Event ev = TENSORBOARD__EVENT__INIT;
    ev.wall_time = now_wall();
    ev.what_case = TENSORBOARD__EVENT__WHAT_FILE_VERSION;
    ev.file_version = "brain.Event:2";
    return write_event(t, w, &ev);
}

static brain_status scalar(tb *t, writer *w, const char *tag, double v, int64_t step)
{
    Tensorboard__Summary__Value val = TENSORBOARD__SUMMARY__VALUE__INIT;
    val.tag = (char *)tag;
    val.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_SIMPLE_VALUE;
    val.simple_value = (float)v;
    Tensorboard__Summary__Value *vp = &val;
    Tensorboard__Summary sum = TENSORBOARD__SUMMARY__INIT;
    sum.n_value = 1;
    sum.value = &vp;
    Tensorboard__Event ev = TENSORBOARD__EVENT__INIT;
    ev.wall_time = now_wall();
    ev.step = step;
    ev.what_case = TENSORBOARD__EVENT__WHAT_SUMMARY;
    ev.summary = &sum;
    return write_event(t, w, &ev);
}

#define N_BUCKETS 30
static brain_status histogram(tb *t, writer *w, const char *tag, const float *x, int64_t n, int64_t step)
{
    double lo = INFINITY, hi = -INFINITY, s = 0, s2 = 0;
    for (int64_t i = 0; i < n; i++) {
        lo = fmin(lo, x[i]);
        hi = fmax(hi, x[i]);
        s += x[i];
        s2 += (double)x[i] * x[i];
    }
    if (n == 0) lo = hi = 0;
    double limit[N_BUCKETS], count[N_BUCKETS] = { 0 };
    double width = (hi - lo) / N_BUCKETS;
    for (int b = 0; b < N_BUCKETS; b++) limit[b] = b + 1 == N_BUCKETS ? hi : lo + width * (b + 1);
    for (int64_t i = 0; i < n; i++) {
        int b = width > 0 ? (int)((x[i] - lo) / width) : 0;
        count[b < 0 ? 0 : b >= N_BUCKETS ? N_BUCKETS - 1 : b] += 1;
    }
    Tensorboard__HistogramProto h = TENSORBOARD__HISTOGRAM_PROTO__INIT;
    h.min = lo; h.max = hi; h.num = (double)n; h.sum = s; h.sum_squares = s2;
    h.n_bucket_limit = N_BUCKETS; h.bucket_limit = limit;
    h.n_bucket = N_BUCKETS; h.bucket = count;
    Tensorboard__Summary__Value val = TENSORBOARD__SUMMARY__VALUE__INIT;
    val.tag = (char *)tag;
    val.value_case = TENSORBOARD__SUMMARY__VALUE__VALUE_HISTO;
    val.histo = &h;
    Tensorboard__Summary__Value *vp = &val;
    Tensorboard__Summary sum = TENSORBOARD__SUMMARY__INIT;
    sum.n_value = 1;
    sum.value = &vp;
    Tensorboard__Event ev = TENSORBOARD__EVENT__INIT;
    ev.wall_time = now_wall();
    ev.step = step;
    ev.what_case = TENSORBOARD__EVENT__WHAT_SUMMARY;
    ev.summary = &sum;
    return write_event(t, w, &ev);
}

static void close_writer(writer *w)
{
    if (w->f) fclose(w->f);
    w->f = NULL;
}

#define FAIL_IF(m, call) do { brain_status s_ = (call); if (s_) { brain__callback_error(m, s_); return 1; } } while (0)

static int tb_train_begin(brain_model *m, const brain_logs *logs, void *user)
{
    (void)logs;
    tb *t = user;
    crc_init();
    t->global_batch = 0;
    FAIL_IF(m, open_writer(t, &t->train, "train"));
    return 0;
}

static int tb_batch_begin(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    (void)m; (void)batch; (void)logs;
    ((tb *)user)->global_batch++;
    return 0;
}

static int tb_batch_end(brain_model *m, int batch, const brain_logs *logs, void *user)
{
    (void)batch;
    tb *t = user;
    if (t->update_freq <= 0 || t->global_batch % t->update_freq) return 0;
    for (int i = 0; i < logs->n; i++) {
        char tag[BRAIN_LOG_NAME + 8];
        snprintf(tag, sizeof tag, "batch_%s", logs->names[i]);
        FAIL_IF(m, scalar(t, &t->train, tag, logs->values[i], t->global_batch));
    }
    return 0;
}

static int tb_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    tb *t = user;
    bool have_lr = false, have_val = false;
    for (int i = 0; i < logs->n; i++) {
        const char *k = logs->names[i];
        char tag[BRAIN_LOG_NAME + 8];
        if (!strncmp(k, "val_", 4)) { have_val = true; continue; }
        if (!strcmp(k, "learning_rate")) have_lr = true;
        snprintf(tag, sizeof tag, "epoch_%s", k);
        FAIL_IF(m, scalar(t, &t->train, tag, logs->values[i], epoch));
    }
    brain_optimizer *o = brain_model_optimizer(m);
    if (o && !have_lr) FAIL_IF(m, scalar(t, &t->train, "epoch_learning_rate", brain_optimizer_get_learning_rate(o), epoch));
    if (have_val) {
        FAIL_IF(m, open_writer(t, &t->val, "validation"));
        for (int i = 0; i < logs->n; i++) {
            if (strncmp(logs->names[i], "val_", 4)) continue;
            char tag[BRAIN_LOG_NAME + 8];
            snprintf(tag, sizeof tag, "epoch_%s", logs->names[i] + 4);
            FAIL_IF(m, scalar(t, &t->val, tag, logs->values[i], epoch));
        }
    }
    if (t->histogram_freq > 0 && epoch % t->histogram_freq == 0)
        for (int i = 0; i < m->n_weights; i++) {
            const brain_weight *w = m->weights[i];
            char tag[3 * BRAIN_NAME_MAX + 16];
            snprintf(tag, sizeof tag, "%s/%s/histogram", w->layer->name, w->name);
            FAIL_IF(m, histogram(t, &t->train, tag, w->value, w->size, epoch));
        }
    if (t->train.f) fflush(t->train.f);
    if (t->val.f) fflush(t->val.f);
    return 0;
}

static int tb_train_end(brain_model *m, const brain_logs *logs, void *user)
{
    (void)m; (void)logs;
    tb *t = user;
    close_writer(&t->train);
    close_writer(&t->val);
    return 0;
}

static void tb_destroy(brain_callback *cb)
{
    tb *t = cb->self;
    if (!t) return;
    close_writer(&t->train);
    close_writer(&t->val);
    free(t->buf);
    free(t);
}

brain_callback *brain_tensorboard(const char *log_dir, const brain_tensorboard_options *opt)
{
    brain_tensorboard_options d = { 0 };
    if (!opt) opt = &d;
    if (!log_dir || !log_dir[0] || strlen(log_dir) >= 900) {
        brain__fail(BRAIN_ERR_ARG, "TensorBoard: log_dir must be a path of 1 to 899 characters");
        return NULL;
    }
    if (opt->update_freq < 0 || opt->histogram_freq < 0) {
        brain__fail(BRAIN_ERR_ARG, "TensorBoard: update_freq (%d) and histogram_freq (%d) must be ≥ 0", opt->update_freq,
                    opt->histogram_freq);
        return NULL;
    }
    tb *t = brain__alloc(sizeof *t);
    if (!t) return NULL;
    snprintf(t->dir, sizeof t->dir, "%s", log_dir);
    t->update_freq = opt->update_freq;
    t->histogram_freq = opt->histogram_freq;
    brain_callback_hooks h = { .on_train_begin = tb_train_begin, .on_train_batch_begin = tb_batch_begin,
                               .on_train_batch_end = tb_batch_end, .on_epoch_end = tb_epoch_end,
                               .on_train_end = tb_train_end };
    return brain__callback_new(BRAIN_CB_TENSORBOARD, &h, t, tb_destroy);
}
#else
brain_callback *brain_tensorboard(const char *log_dir, const brain_tensorboard_options *opt)
{
    (void)log_dir;
    (void)opt;
    brain__fail(BRAIN_ERR_STATE, "TensorBoard: this build of brain has no protobuf-c (install libprotobuf-c-dev and "
                                 "protobuf-c-compiler, e.g. with scripts/setup.sh, and rebuild)");
    return NULL;
}
#endif
