/* bench_util.h — what the training benches share: a monotonic clock, the median, and brain_fit
 * timed per epoch through a callback with epoch hooks only (no per-batch hooks), as the peers'
 * common.report() times epochs. */
#ifndef BRAIN_BENCH_UTIL_H
#define BRAIN_BENCH_UTIL_H
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline void ok_or_exit(brain_status s)
{
    if (s) {
        fprintf(stderr, "error: %s\n", brain_last_error());
        exit(1);
    }
}

static inline double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* sorts v */
static inline double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmpd);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

typedef struct epoch_timer { double *t; double t0; int n; } epoch_timer;
static inline int timer_epoch_begin(brain_model *m, int epoch, const brain_logs *logs, void *user)
{
    (void)m; (void)epoch; (void)logs;
    ((epoch_timer *)user)->t0 = now();
    return 0;
}
static inline int timer_epoch_end(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)m; (void)epoch; (void)logs;
    epoch_timer *tm = user;
    tm->t[tm->n++] = now() - tm->t0;
    return 0;
}

/* brain_fit, silent, of `epochs` epochs at `batch`: each epoch's seconds into times[0..epochs);
 * returns the median epoch time after the first (the first when there is only one).  Exits on
 * an error. */
static inline double fit_timed(brain_model *m, const brain_tensor *x, const brain_tensor *y, int epochs, int batch, double *times)
{
    epoch_timer tm = { .t = times };
    brain_callback *cb = brain_callback_custom(&(brain_callback_hooks){
        .on_epoch_begin = timer_epoch_begin, .on_epoch_end = timer_epoch_end, .user = &tm });
    ok_or_exit(brain_fit(m, x, y, &(brain_fit_options){ .epochs = epochs, .batch_size = batch, .verbose = BRAIN_SILENT,
                                                        .callbacks = (brain_callback *[]){ cb, NULL } }, NULL));
    brain_callback_free(cb);
    double *later = malloc(sizeof(double) * (size_t)epochs);
    if (!later) { fprintf(stderr, "error: out of memory\n"); exit(1); }
    int nl = 0;
    for (int i = tm.n > 1 ? 1 : 0; i < tm.n; i++) later[nl++] = times[i];
    double med = median(later, nl);
    free(later);
    return med;
}

/* One-row latency in microseconds: the median of `iters` single brain_predict calls, then of
 * single brain_model_forward calls, on `one` (after 50 warm-up calls of each). */
static inline void latency_1(brain_model *m, const brain_tensor *one, const brain_eval_options *opt, int iters,
                      double *predict_us, double *forward_us)
{
    brain_tensor *p;
    double *lat = malloc(sizeof(double) * (size_t)iters);
    if (!lat) ok_or_exit(BRAIN_ERR_NOMEM);
    for (int i = 0; i < 50; i++) { ok_or_exit(brain_predict(m, one, opt, &p)); brain_tensor_free(p); }
    for (int i = 0; i < iters; i++) {
        double t = now();
        brain_predict(m, one, opt, &p);
        brain_tensor_free(p);
        lat[i] = now() - t;
    }
    *predict_us = median(lat, iters) * 1e6;
    const brain_tensor *pred;
    for (int i = 0; i < 50; i++) ok_or_exit(brain_model_forward(m, one, false, &pred));
    for (int i = 0; i < iters; i++) {
        double t = now();
        brain_model_forward(m, one, false, &pred);
        lat[i] = now() - t;
    }
    *forward_us = median(lat, iters) * 1e6;
    free(lat);
}

/* Batch-256 inference: samples per second over 8 brain_predict calls of 256 rows (views),
 * median of 5 passes after one warm-up pass. */
static inline double throughput_b256(brain_model *m, brain_tensor *const views[8], const brain_eval_options *opt)
{
    brain_tensor *p;
    for (int k = 0; k < 8; k++) { ok_or_exit(brain_predict(m, views[k], opt, &p)); brain_tensor_free(p); }
    double passes[5];
    for (int r = 0; r < 5; r++) {
        double t = now();
        for (int k = 0; k < 8; k++) { brain_predict(m, views[k], opt, &p); brain_tensor_free(p); }
        passes[r] = 2048.0 / (now() - t);
    }
    return median(passes, 5);
}
#endif
