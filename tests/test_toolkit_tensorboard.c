/* test_toolkit_tensorboard.c — brain's TensorBoard event files read back by a reader written
 * here from the formats alone (TFRecord framing with masked CRC32C, the Event/Summary protobuf
 * wire format), independent of the protobuf-c encoder the library uses; every scalar of the
 * History is found at its epoch, batch scalars at their steps, histograms of every weight.
 * With TOOLKIT_TB_DIR set the log directory is kept there (tools/tb_check.py reads it with
 * TensorBoard's own EventAccumulator). */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include <dirent.h>
#include <stdlib.h>

/* ---- CRC32C, written independently of the library's */
static uint32_t crc32c_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = ~0u;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    }
    return ~c;
}
static uint32_t unmask_check(uint32_t c) { return ((c >> 15) | (c << 17)) + 0xa282ead8u; }
static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

typedef struct rec { char tag[128]; int64_t step; double value; bool histo; double histo_num; } rec;
typedef struct events { rec r[4096]; int n; int bad_crc; int file_version; } events;

static uint64_t varint(const uint8_t **p, const uint8_t *end)
{
    uint64_t v = 0;
    for (int s = 0; *p < end && s < 64; s += 7) {
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << s;
        if (!(b & 0x80)) break;
    }
    return v;
}
static double f64(const uint8_t *p) { double d; memcpy(&d, p, 8); return d; }

/* skips a field of wire type wt; returns false on a malformed message */
static bool skip(int wt, const uint8_t **p, const uint8_t *end)
{
    if (wt == 0) varint(p, end);
    else if (wt == 1) *p += 8;
    else if (wt == 5) *p += 4;
    else if (wt == 2) { uint64_t l = varint(p, end); *p += l; }
    else return false;
    return *p <= end;
}

static void parse_value(const uint8_t *p, const uint8_t *end, rec *r)
{
    while (p < end) {
        uint64_t key = varint(&p, end);
        int f = (int)(key >> 3), wt = key & 7;
        if (f == 1 && wt == 2) { uint64_t l = varint(&p, end); snprintf(r->tag, sizeof r->tag, "%.*s", (int)l, p); p += l; }
        else if (f == 2 && wt == 5) { float v; memcpy(&v, p, 4); r->value = v; p += 4; }
        else if (f == 5 && wt == 2) {
            uint64_t l = varint(&p, end);
            const uint8_t *q = p, *qe = p + l;
            r->histo = true;
            while (q < qe) { /* HistogramProto: num = field 3 (double) */
                uint64_t k = varint(&q, qe);
                if ((k >> 3) == 3 && (k & 7) == 1) { r->histo_num = f64(q); q += 8; }
                else if (!skip(k & 7, &q, qe)) break;
            }
            p += l;
        } else if (!skip(wt, &p, end)) return;
    }
}

static void parse_event(const uint8_t *p, const uint8_t *end, events *e)
{
    int64_t step = 0;
    const uint8_t *sum = NULL, *sum_end = NULL;
    while (p < end) {
        uint64_t key = varint(&p, end);
        int f = (int)(key >> 3), wt = key & 7;
        if (f == 2 && wt == 0) step = (int64_t)varint(&p, end);
        else if (f == 3 && wt == 2) { uint64_t l = varint(&p, end); e->file_version += l == 13 && !memcmp(p, "brain.Event:2", 13); p += l; }
        else if (f == 5 && wt == 2) { uint64_t l = varint(&p, end); sum = p; sum_end = p + l; p += l; }
        else if (!skip(wt, &p, end)) return;
    }
    for (const uint8_t *q = sum; q && q < sum_end;) { /* Summary: repeated Value value = 1 */
        uint64_t key = varint(&q, sum_end);
        if ((key >> 3) == 1 && (key & 7) == 2 && e->n < 4096) {
            uint64_t l = varint(&q, sum_end);
            rec *r = &e->r[e->n++];
            memset(r, 0, sizeof *r);
            r->step = step;
            parse_value(q, q + l, r);
            q += l;
        } else if (!skip(key & 7, &q, sum_end)) break;
    }
}

static int read_dir(const char *dir, events *e)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    int files = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "events.out.tfevents.", 20)) continue;
        files++;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        if (!f) continue;
        uint8_t head[12];
        while (fread(head, 1, 12, f) == 12) {
            uint64_t len = 0;
            for (int i = 0; i < 8; i++) len |= (uint64_t)head[i] << (8 * i);
            if (unmask_check(crc32c_bitwise(head, 8)) != le32(head + 8)) { e->bad_crc++; break; }
            uint8_t *data = malloc(len + 4);
            if (!data || fread(data, 1, len + 4, f) != len + 4) { free(data); e->bad_crc++; break; }
            if (unmask_check(crc32c_bitwise(data, len)) != le32(data + len)) e->bad_crc++;
            else parse_event(data, data + len, e);
            free(data);
        }
        fclose(f);
    }
    closedir(d);
    return files;
}

static const rec *find(const events *e, const char *tag, int64_t step)
{
    for (int i = 0; i < e->n; i++)
        if (!strcmp(e->r[i].tag, tag) && e->r[i].step == step) return &e->r[i];
    return NULL;
}

int main(void)
{
    brain_tensorboard_options o = { .update_freq = 2, .histogram_freq = 2 };
    const char *keep = getenv("TOOLKIT_TB_DIR");
    const char *dir = keep && *keep ? keep : io_path("tb");
    brain_callback *cb = brain_tensorboard(dir, &o);
    if (!cb) { /* a build without protobuf-c: the call says so */
        CHECK(strstr(brain_last_error(), "protobuf-c") != NULL);
        printf("TensorBoard not built (no protobuf-c): only the error is checked\n");
        return check_summary("test_toolkit_tensorboard");
    }
    brain_tensor *x, *y;
    io_data(40, 4, 3, &x, &y);
    brain_set_random_seed(3);
    brain_model *m = brain_sequential("tb");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_dense(6, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(NULL), .loss_name = "categorical_crossentropy",
                                                        .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_history *h = NULL;
    brain_tensor *xv = brain_tensor_slice_rows(x, 0, 10), *yv = brain_tensor_slice_rows(y, 0, 10);
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 4, .batch_size = 8, .verbose = BRAIN_SILENT, .x_val = xv, .y_val = yv,
                                                      .callbacks = (brain_callback *[]){ cb, NULL } }, &h));
    static events tr, va;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/train", dir);
    CHECK(read_dir(sub, &tr) == 1);
    snprintf(sub, sizeof sub, "%s/validation", dir);
    CHECK(read_dir(sub, &va) == 1);
    CHECK(tr.bad_crc == 0 && va.bad_crc == 0 && tr.file_version == 1 && va.file_version == 1);
    int found = 0;
    for (int k = 0; h && k < brain_history_num_keys(h); k++) {
        const char *key = brain_history_key(h, k);
        int n = 0;
        const double *v = brain_history_get(h, key, &n);
        bool val = !strncmp(key, "val_", 4);
        char tag[128];
        snprintf(tag, sizeof tag, "epoch_%s", val ? key + 4 : key);
        for (int ep = 0; ep < n; ep++) {
            const rec *r = find(val ? &va : &tr, tag, ep);
            CHECK_MSG(r && r->value == (double)(float)v[ep], "%s at epoch %d: %s %g, history %g", tag, ep, r ? "found" : "missing",
                      r ? r->value : 0.0, v[ep]);
            found += r != NULL;
        }
    }
    CHECK(found == 4 * 4); /* accuracy, loss, val_accuracy, val_loss × 4 epochs */
    for (int ep = 0; ep < 4; ep++) CHECK(find(&tr, "epoch_learning_rate", ep) && fabs(find(&tr, "epoch_learning_rate", ep)->value - 0.001) < 1e-9);
    /* 5 batches per epoch, 20 in all: batch scalars at 2, 4, ..., 20 */
    int batches = 0;
    for (int s = 1; s <= 20; s++) {
        bool want = s % 2 == 0;
        CHECK((find(&tr, "batch_loss", s) != NULL) == want && (find(&tr, "batch_accuracy", s) != NULL) == want);
        batches += want;
    }
    CHECK(batches == 10);
    /* histograms at epochs 0 and 2, one per weight, with every value counted */
    const char *w[] = { "dense/kernel/histogram", "dense/bias/histogram", "dense_1/kernel/histogram", "dense_1/bias/histogram" };
    const double sizes[] = { 24, 6, 18, 3 };
    for (int i = 0; i < 4; i++)
        for (int ep = 0; ep < 4; ep++) {
            const rec *r = find(&tr, w[i], ep);
            CHECK_MSG((r != NULL) == (ep % 2 == 0) && (!r || (r->histo && r->histo_num == sizes[i])), "%s at epoch %d", w[i], ep);
        }
    printf("TensorBoard files: %d train and %d validation summaries read back with their CRCs\n", tr.n, va.n);
    brain_history_free(h);
    brain_model_free(m);
    brain_callback_free(cb);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(xv); brain_tensor_free(yv);
    CHECK(brain_tensorboard("", NULL) == NULL);
    return check_summary("test_toolkit_tensorboard");
}
