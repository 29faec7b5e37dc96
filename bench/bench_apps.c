/* bench_apps.c — forward pass (inference) of a Keras application loaded from its .keras file
 * (MobileNetV2 alpha 1.0 and ResNet50 at 224x224, written by tools/keras_applications.py bench):
 * milliseconds per brain_model_forward of a batch, the median of --iters calls after --warmup.
 *
 *   bench_apps MODEL.keras --batch 1 --iters 10 --warmup 2 --threads 2
 * prints one line "RESULT {"ms_median": ..., "ms_min": ..., "ms_max": ...}" (bench/run_apps.sh). */
#include "brain.h"
#include "bench_util.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: bench_apps MODEL.keras [--batch N] [--iters N] [--warmup N] [--threads N]\n"); return 2; }
    int batch = 1, iters = 10, warmup = 2, threads = 2;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--batch")) batch = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--iters")) iters = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
        else { fprintf(stderr, "bench_apps: unknown option %s\n", argv[i]); return 2; }
    }
    if (batch < 1 || iters < 1 || warmup < 0 || threads < 1) { fprintf(stderr, "bench_apps: bad option value\n"); return 2; }
    brain_set_num_threads(threads);
    brain_model *m = NULL;
    ok_or_exit(brain_load_model(argv[1], &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_shape in = brain_model_input_shape(m);
    int64_t dims[BRAIN_MAX_DIMS + 1] = { batch };
    for (int k = 0; k < in.ndim; k++) dims[k + 1] = in.dims[k];
    brain_tensor *x = brain_tensor_new(in.ndim + 1, dims);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)((i * 7919) % 1000) / 1000.0f;
    const brain_tensor *y;
    for (int i = 0; i < warmup; i++) ok_or_exit(brain_model_forward(m, x, false, &y));
    double *t = malloc(sizeof(double) * (size_t)iters), lo = 1e30, hi = 0;
    for (int i = 0; i < iters; i++) {
        double t0 = now();
        ok_or_exit(brain_model_forward(m, x, false, &y));
        t[i] = (now() - t0) * 1e3;
        lo = t[i] < lo ? t[i] : lo;
        hi = t[i] > hi ? t[i] : hi;
    }
    printf("RESULT {\"ms_median\": %.3f, \"ms_min\": %.3f, \"ms_max\": %.3f}\n", median(t, iters), lo, hi);
    free(t);
    brain_tensor_free(x);
    brain_model_free(m);
    return 0;
}
