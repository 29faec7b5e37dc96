/* bench_dataset_map.c — does prefetch hide a costly map?
 *
 * The same MLP (784 → 512 → 256 → 10, batch 128, kernels on 1 thread so that the other core is
 * left to the pipeline) trained for STEPS steps on
 *   A  a dataset over in-memory tensors (the reference speed)
 *   B  A with a map doing 2 ms of CPU work per batch (arithmetic calibrated on thread CPU time), on the training thread (no overlap)
 *   C  A with the same map on 1 worker thread behind prefetch(4) (overlapped)
 *   D, E  as B, C with a map that waits 2 ms (nanosleep: the latency of a disk or network read)
 * and the ratios to A of samples/s (the target: C ≥ 90% of A).  Rounds alternate A..E and
 * medians are reported, as the machine is shared.  C can only reach A when a second core is
 * free for the map's thread; E needs no second core. */
#include "bench_util.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double g_spin = 0.002, g_map_total;
static long g_map_calls, g_iters;

/* pure arithmetic, no system calls (a loop that reads the clock would yield the CPU on a loaded
 * machine far more often than real work does) */
static float work(long iters, const float *x)
{
    float a = 0, b = 1;
    for (long i = 0; i < iters; i++) { a = a * 0.999f + x[i & 63]; b = b * 1.0001f - a * 1e-7f; }
    return a + b;
}

/* iterations of work() per g_spin seconds of this thread's CPU time (median of 5 tries) */
static void calibrate(const float *x)
{
    double r[5];
    for (int t = 0; t < 5; t++) {
        const double c0 = cpu_now();
        volatile float v = work(2000000, x);
        (void)v;
        r[t] = 2000000 / (cpu_now() - c0);
    }
    g_iters = (long)(median(r, 5) * g_spin);
}

static brain_status spin_2ms(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)i; (void)seed; (void)user;
    const double w0 = now();
    volatile float v = work(g_iters, b->x[0].data);
    (void)v;
    g_map_total += now() - w0;
    g_map_calls++;
    return BRAIN_OK;
}

/* 2 ms of waiting (what reading from a disk or the network costs a map), no CPU */
static brain_status sleep_2ms(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)b; (void)i; (void)seed; (void)user;
    struct timespec ts = { 0, (long)(g_spin * 1e9) };
    nanosleep(&ts, NULL);
    return BRAIN_OK;
}

int main(void)
{
    const int steps = getenv("STEPS") ? atoi(getenv("STEPS")) : 150, rounds = getenv("ROUNDS") ? atoi(getenv("ROUNDS")) : 3;
    brain_set_num_threads(1);
    if (getenv("SPIN_MS")) g_spin = atof(getenv("SPIN_MS")) / 1e3;
    const int64_t n = 128 * 64;
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ n, 784 }), *y = brain_tensor_new(1, (int64_t[]){ n });
    brain_rng r;
    brain_rng_seed(&r, 1);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)brain_rng_uniform(&r);
    for (int64_t i = 0; i < n; i++) y->data[i] = (float)(i % 10);
    calibrate(x->data);
    double t[5][16];
    for (int round = 0; round < rounds && round < 16; round++)
        for (int v = 0; v < 5; v++) {
            brain_set_random_seed(2);
            brain_model *m = brain_sequential(NULL);
            brain_model_add(m, brain_input(BRAIN_SHAPE(784)));
            brain_model_add(m, brain_dense(512, &(brain_dense_options){ .activation = BRAIN_RELU }));
            brain_model_add(m, brain_dense(256, &(brain_dense_options){ .activation = BRAIN_RELU }));
            brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
            ok_or_exit(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam",
                                                                  .loss_name = "sparse_categorical_crossentropy" }));
            brain_dataset *ds = brain_dataset_repeat(brain_dataset_from_tensors(1, (const brain_tensor *[]){ x }, 1,
                (const brain_tensor *[]){ y }, &(brain_dataset_tensor_options){ .batch_size = 128, .shuffle = BRAIN_ON }), 0);
            if (v == 1) ds = brain_dataset_map(ds, spin_2ms, NULL, 1);
            if (v == 2) ds = brain_dataset_prefetch(brain_dataset_map(brain_dataset_prefetch(ds, 2), spin_2ms, NULL, 1), 4);
            if (v == 3) ds = brain_dataset_map(ds, sleep_2ms, NULL, 1);
            if (v == 4) ds = brain_dataset_prefetch(brain_dataset_map(brain_dataset_prefetch(ds, 2), sleep_2ms, NULL, 1), 4);
            /* one warm-up epoch of 10 steps, then the timed one */
            ok_or_exit(brain_fit_dataset(m, ds, &(brain_fit_dataset_options){ .epochs = 1, .steps_per_epoch = 10, .verbose = BRAIN_SILENT }, NULL));
            const double t0 = now();
            ok_or_exit(brain_fit_dataset(m, ds, &(brain_fit_dataset_options){ .epochs = 1, .steps_per_epoch = steps, .verbose = BRAIN_SILENT }, NULL));
            t[v][round] = (double)steps * 128 / (now() - t0);
            brain_dataset_free(ds);
            brain_model_free(m);
        }
    const int k = rounds < 16 ? rounds : 16;
    double a = median(t[0], k), b = median(t[1], k), c = median(t[2], k), d = median(t[3], k), e = median(t[4], k);
    printf("A in memory %.0f samples/s (%.2f ms/step); B map inline %.0f (%.0f%%); C map on a worker + prefetch %.0f (%.0f%%)\n",
           a, 128e3 / a, b, 100 * b / a, c, 100 * c / a);
    printf("map: %ld calls, %.2f ms of wall time each on average (2 ms of CPU work: %ld iterations)\n", g_map_calls, g_map_calls ? 1e3 * g_map_total / (double)g_map_calls : 0.0, g_iters);
    printf("D sleeping map inline %.0f (%.0f%%); E sleeping map on a worker + prefetch %.0f (%.0f%%)\n", d, 100 * d / a, e, 100 * e / a);
    printf("RESULT {\"in_memory\": %.0f, \"map_inline\": %.0f, \"map_prefetch\": %.0f, \"ratio_prefetch\": %.3f, "
           "\"sleep_inline\": %.0f, \"sleep_prefetch\": %.0f, \"ratio_sleep_prefetch\": %.3f}\n", a, b, c, c / a, d, e, e / a);
    brain_tensor_free(x); brain_tensor_free(y);
    return 0;
}
