/* fuzz_dataset.c — a libFuzzer target for the file-backed dataset readers (src/data/dataset_*.c):
 * memory-mapped .npy (brain_dataset_from_npy), the CSV read a batch at a time
 * (brain_dataset_from_csv) and the image decoders behind brain_image_dataset_from_directory
 * (PNG, JPEG, TIFF, where those libraries were found).  Built and run by scripts/fuzz.sh.
 *
 * The first input byte picks the reader and a few options; the rest is the file, written to a
 * private folder (under $TMPDIR, removed at exit).  The target reads every batch of the first
 * epoch and of a second one.  Besides the sanitizers, it traps when a failure leaves no message,
 * when a batch's shape disagrees with the dataset's own row count, or when an image batch holds a
 * value outside 0..255. */
#include "brain.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[256];

static void cleanup(void)
{
    if (!root[0]) return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0) { /* best effort */ }
}

static void put(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) __builtin_trap();
    if (n && fwrite(d, 1, n, f) != n) __builtin_trap();
    if (fclose(f)) __builtin_trap();
}

static void check_message(void)
{
    const char *m = brain_last_error();
    if (!m[0] || strlen(m) >= 2048) __builtin_trap();
}

/* Reads every batch of two epochs; image datasets' values must be pixels. */
static void drain(brain_dataset *ds, bool pixels)
{
    int64_t nb = brain_dataset_num_batches(ds), rows = brain_dataset_num_rows(ds);
    if (nb < 0 || nb > 1000000) __builtin_trap();
    brain_batch b = {0};
    for (int epoch = 0; epoch < 2; epoch++) {
        if (brain_dataset_reset(ds, epoch) != BRAIN_OK) { check_message(); break; }
        int64_t seen = 0;
        for (int64_t i = 0; i < nb; i++) {
            if (brain_dataset_get_batch(ds, i, &b) != BRAIN_OK) { check_message(); seen = -1; break; }
            if (b.rows < 0 || (b.n_x > 0 && b.x[0].shape[0] != b.rows)) __builtin_trap();
            seen += b.rows;
            for (int k = 0; k < b.n_x; k++) {
                volatile float sink = 0;
                for (int64_t j = 0; j < b.x[k].size; j++) {
                    float v = b.x[k].data[j];
                    if (pixels && !(v >= 0.0f && v <= 255.0f)) __builtin_trap();
                    sink += v;
                }
                (void)sink;
            }
        }
        if (seen >= 0 && rows >= 0 && seen != rows) __builtin_trap();
    }
    brain_batch_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!root[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(root, sizeof root, "%s/brain_fuzz_dataset_XXXXXX", t && t[0] ? t : "/tmp");
        if (!mkdtemp(root)) __builtin_trap();
        atexit(cleanup);
    }
    if (size < 1) return 0;
    uint8_t sel = data[0];
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    char path[512], dir[400];
    switch (sel % 5) {
    case 0: { /* .npy x, and y from the same bytes when bit 3 is set */
        snprintf(path, sizeof path, "%s/x.npy", root);
        put(path, body, n);
        brain_dataset_file_options o = { .batch_size = 1 + (sel >> 4), .shuffle = (sel & 8) ? BRAIN_ON : BRAIN_DEFAULT,
                                         .seed = 7, .has_seed = true };
        brain_dataset *ds = brain_dataset_from_npy(path, (sel & 4) ? path : NULL, &o);
        if (!ds) { check_message(); return 0; }
        drain(ds, false);
        brain_dataset_free(ds);
        return 0;
    }
    case 1: { /* CSV, with or without a target, comma or semicolon */
        snprintf(path, sizeof path, "%s/t.csv", root);
        put(path, body, n);
        brain_dataset_csv_options o = { .target = (sel & 8) ? "y" : NULL, .delimiter = (sel & 4) ? ';' : ',',
                                        .batch_size = 1 + (sel >> 4), .shuffle = (sel & 2) ? BRAIN_ON : BRAIN_DEFAULT,
                                        .seed = 3, .has_seed = true };
        brain_dataset *ds = brain_dataset_from_csv(path, &o);
        if (!ds) { check_message(); return 0; }
        drain(ds, false);
        brain_dataset_free(ds);
        return 0;
    }
    default: { /* one image in one class folder: .png, .jpg or .tif */
        static const char *ext[] = { "png", "jpg", "tif" };
        snprintf(dir, sizeof dir, "%s/img/a", root);
        char top[400];
        snprintf(top, sizeof top, "%s/img", root);
        mkdir(top, 0700);
        mkdir(dir, 0700);
        for (int e = 0; e < 3; e++) { /* only this input's file in the folder */
            snprintf(path, sizeof path, "%s/f.%s", dir, ext[e]);
            unlink(path);
        }
        snprintf(path, sizeof path, "%s/f.%s", dir, ext[sel % 5 - 2]);
        put(path, body, n);
        static const brain_color_mode modes[] = { BRAIN_COLOR_RGB, BRAIN_COLOR_GRAYSCALE, BRAIN_COLOR_RGBA };
        brain_directory_options o = { .color_mode = modes[(sel >> 3) % 3], .image_size = { 1 + (sel >> 5), 3 },
                                      .batch_size = 2, .shuffle = BRAIN_OFF, .skip_bad_files = (sel & 4) != 0 };
        brain_dataset *ds = NULL;
        if (brain_image_dataset_from_directory(top, &o, &ds) != BRAIN_OK) {
            if (ds) __builtin_trap();
            check_message();
            return 0;
        }
        drain(ds, true);
        brain_dataset_free(ds);
        return 0;
    }
    }
}
