/* bench_dataset_map.c — does prefetch hide a costly map?
 *
 * The same MLP (784 → 512 → 256 → 10, batch 128, kernels on 1 thread so that the other core is
 * left to the pipeline) trained for STEPS steps on
 *   A  a dataset over in-memory tensors (the reference speed)
 *   B  A with a map that spins 2 ms of its thread's CPU time per batch, on the training thread (no overlap)
 *   C  A with the same map on 1 worker thread behind prefetch(4) (overlapped)
 * and the ratios B/A and C/A of samples/s (the target: C ≥ 90% of A).  Rounds alternate A, B, C
 * and medians are reported, as the machine is shared. */
#include "bench_util.h"

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double g_spin = 0.002, g_map_total;
static long g_map_calls;
static brain_status spin_2ms(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)i; (void)seed; (void)user;
    /* 2 ms of this thread's CPU time (not wall time: on a loaded machine a wall-clock spin
     * that is preempted would count the time others ran) */
    const double t0 = cpu_now(), w0 = now();
    volatile float acc = 0;
    while (cpu_now() - t0 < g_spin) for (int k = 0; k < 64; k++) acc += b->x[0].data[k];
    g_map_total += now() - w0;
    g_map_calls++;
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
    double t[3][16];
    for (int round = 0; round < rounds && round < 16; round++)
        for (int v = 0; v < 3; v++) {
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
            /* one warm-up epoch of 10 steps, then the timed one */
            ok_or_exit(brain_fit_dataset(m, ds, &(brain_fit_dataset_options){ .epochs = 1, .steps_per_epoch = 10, .verbose = BRAIN_SILENT }, NULL));
            const double t0 = now();
            ok_or_exit(brain_fit_dataset(m, ds, &(brain_fit_dataset_options){ .epochs = 1, .steps_per_epoch = steps, .verbose = BRAIN_SILENT }, NULL));
            t[v][round] = (double)steps * 128 / (now() - t0);
            brain_dataset_free(ds);
            brain_model_free(m);
        }
    const int k = rounds < 16 ? rounds : 16;
    double a = median(t[0], k), b = median(t[1], k), c = median(t[2], k);
    printf("A in memory %.0f samples/s (%.2f ms/step); B map inline %.0f (%.0f%%); C map on a worker + prefetch %.0f (%.0f%%)\n",
           a, 128e3 / a, b, 100 * b / a, c, 100 * c / a);
    printf("map: %ld calls, %.2f ms of wall time each on average (2 ms of CPU)\n", g_map_calls, g_map_calls ? 1e3 * g_map_total / (double)g_map_calls : 0.0);
    printf("RESULT {\"in_memory\": %.0f, \"map_inline\": %.0f, \"map_prefetch\": %.0f, \"ratio_prefetch\": %.3f}\n", a, b, c, c / a);
    brain_tensor_free(x); brain_tensor_free(y);
    return 0;
}
