/* bench_dataset_npy.c — training from a memory-mapped .npy bigger than the memory it may use.
 *
 * Writes x.npy (N × 1024 float32, 8 GB by default: BRAIN_BENCH_NPY_GB) and y.npy next to it
 * (BRAIN_BENCH_DIR, default /tmp), trains Dense(64, relu) → Dense(1, sigmoid) on
 * brain_dataset_from_npy with rows shuffled over the whole file, and reports the peak
 * resident memory (VmHWM) and samples/s; deletes both files at the end.  The target: peak RSS
 * under 1 GB.  Steps: BRAIN_BENCH_STEPS (default 4000 batches of 256, ~1 M random rows). */
#define _DEFAULT_SOURCE
#include "bench_util.h"
#include <string.h>
#include <unistd.h>

static long vm_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, strlen(key))) v = atol(line + strlen(key) + 1);
    if (f) fclose(f);
    return v;
}

static void write_npy_header(FILE *f, int64_t rows, int64_t cols)
{
    char dict[256], pre[256];
    int n = cols ? snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld, %lld), }", (long long)rows, (long long)cols)
                 : snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (%lld,), }", (long long)rows);
    int total = ((10 + n + 1) + 63) / 64 * 64, hlen = total - 10;
    memcpy(pre, "\x93NUMPY\x01\x00", 8);
    pre[8] = (char)(hlen & 0xff); pre[9] = (char)(hlen >> 8);
    memcpy(pre + 10, dict, (size_t)n);
    memset(pre + 10 + n, ' ', (size_t)(hlen - n - 1));
    pre[total - 1] = '\n';
    fwrite(pre, 1, (size_t)total, f);
}

int main(void)
{
    const double gb = getenv("BRAIN_BENCH_NPY_GB") ? atof(getenv("BRAIN_BENCH_NPY_GB")) : 8.0;
    const char *dir = getenv("BRAIN_BENCH_DIR") ? getenv("BRAIN_BENCH_DIR") : "/tmp";
    const int64_t cols = 1024, rows = (int64_t)(gb * 1e9 / (double)(cols * 4));
    const int64_t steps = getenv("BRAIN_BENCH_STEPS") ? atoll(getenv("BRAIN_BENCH_STEPS")) : 4000;
    char xp[512], yp[512];
    snprintf(xp, sizeof xp, "%s/brain_bench_x_%d.npy", dir, (int)getpid());
    snprintf(yp, sizeof yp, "%s/brain_bench_y_%d.npy", dir, (int)getpid());
    double t0 = now();
    FILE *fx = fopen(xp, "wb"), *fy = fopen(yp, "wb");
    if (!fx || !fy) { fprintf(stderr, "cannot write in %s\n", dir); return 1; }
    write_npy_header(fx, rows, cols);
    write_npy_header(fy, rows, 0);
    float *chunk = malloc(sizeof(float) * 4096 * (size_t)cols), *ychunk = malloc(sizeof(float) * 4096);
    brain_rng r;
    brain_rng_seed(&r, 1);
    for (int64_t i = 0; i < rows; i += 4096) {
        int64_t n = rows - i < 4096 ? rows - i : 4096;
        for (int64_t k = 0; k < n; k++) {
            int c = (int)((i + k) % 2);
            ychunk[k] = (float)c;
            for (int64_t j = 0; j < cols; j++) chunk[k * cols + j] = (float)(brain_rng_uniform(&r) - 0.5) + (j < 8 && c ? 0.5f : 0.0f);
        }
        if (fwrite(chunk, sizeof(float) * (size_t)cols, (size_t)n, fx) != (size_t)n || fwrite(ychunk, sizeof(float), (size_t)n, fy) != (size_t)n) {
            fprintf(stderr, "write failed (disk full?)\n");
            remove(xp); remove(yp);
            return 1;
        }
    }
    fclose(fx); fclose(fy);
    free(chunk); free(ychunk);
    printf("wrote %s: %lld × %lld float32 = %.2f GB in %.1f s; RSS now %ld MB\n", xp, (long long)rows, (long long)cols,
           (double)rows * cols * 4 / 1e9, now() - t0, vm_kb("VmRSS:") / 1024);

    brain_set_random_seed(3);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(cols)));
    brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
    ok_or_exit(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "binary_crossentropy",
                                                          .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_dataset *ds = brain_dataset_prefetch(brain_dataset_from_npy(xp, yp, &(brain_dataset_file_options){
        .batch_size = 256, .shuffle = BRAIN_ON, .seed = 1, .has_seed = true }), 4);
    if (!ds) { fprintf(stderr, "error: %s\n", brain_last_error()); remove(xp); remove(yp); return 1; }
    brain_history *h = NULL;
    t0 = now();
    brain_status s = brain_fit_dataset(m, ds, &(brain_fit_dataset_options){ .epochs = 1, .steps_per_epoch = steps,
                                                                             .verbose = BRAIN_SILENT }, &h);
    const double secs = now() - t0;
    int ne;
    const double *acc = s ? NULL : brain_history_get(h, "accuracy", &ne);
    const long hwm = vm_kb("VmHWM:");
    printf("RESULT {\"file_gb\": %.2f, \"steps\": %lld, \"batch\": 256, \"samples_per_s\": %.0f, \"accuracy\": %.4f, "
           "\"peak_rss_mb\": %.0f, \"ok\": %s}\n", (double)rows * cols * 4 / 1e9, (long long)steps, (double)steps * 256 / secs,
           acc ? acc[0] : 0.0, hwm / 1024.0, !s && hwm < 1024 * 1024 ? "true" : "false");
    if (s) fprintf(stderr, "error: %s\n", brain_last_error());
    brain_history_free(h);
    brain_dataset_free(ds);
    brain_model_free(m);
    remove(xp); remove(yp);
    return s || hwm >= 1024 * 1024;
}
