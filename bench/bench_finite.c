/* bench_finite.c — what the non-finite checks of brain_fit cost (issue 16, docs/reliability.md).
 *
 * For the tabular MLP (bench/mlp_workload.h, breast cancer, 455 training rows, batch 32) and the
 * lecture CNN (bench/cnn_workload.h, N random 28×28×1 images, batch 32): the median over R
 * alternating runs of one-epoch brain_fit with check_finite on and off, and the median time of
 * the input scan alone (brain__check_finite_tensor over x).
 *
 * Usage: bench_finite [--rows N] [--repeats R]   (defaults 1024, 7) */
#include "bench_util.h"
#include "cnn_workload.h"
#include "mlp_workload.h"
#include "model/numeric_check.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double fit_once(brain_model *m, const brain_tensor *x, const brain_tensor *y, brain_flag check)
{
    double t0 = now();
    TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 1, .batch_size = 32, .verbose = BRAIN_SILENT,
                                                 .check_finite = check }, NULL));
    return now() - t0;
}

static void measure(const char *what, brain_model *m, const brain_tensor *x, const brain_tensor *y, int repeats)
{
    double *on = malloc(sizeof(double) * (size_t)repeats), *off = malloc(sizeof(double) * (size_t)repeats);
    double *scan = malloc(sizeof(double) * (size_t)repeats);
    fit_once(m, x, y, BRAIN_ON); /* warm-up: buffers reserved */
    for (int r = 0; r < repeats; r++) {
        on[r] = fit_once(m, x, y, BRAIN_ON);
        off[r] = fit_once(m, x, y, BRAIN_OFF);
        double t0 = now();
        for (int k = 0; k < 10; k++) TRY(brain__check_finite_tensor(x, "bench", "x"));
        scan[r] = (now() - t0) / 10;
    }
    double mon = median(on, repeats), moff = median(off, repeats), ms = median(scan, repeats);
    printf("%-4s %8lld values  epoch with checks %.3f ms, without %.3f ms (%+.2f%%); input scan %.4f ms "
           "(%.3f ns/value, %.3f%% of the epoch)\n",
           what, (long long)x->size, mon * 1e3, moff * 1e3, 100 * (mon - moff) / moff, ms * 1e3, ms * 1e9 / (double)x->size,
           100 * ms / moff);
    free(on); free(off); free(scan);
}

int main(int argc, char **argv)
{
    int64_t rows = 1024;
    int repeats = 7;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--rows")) rows = atoll(argv[i + 1]);
        else if (!strcmp(argv[i], "--repeats")) repeats = atoi(argv[i + 1]);
        else { fprintf(stderr, "unknown option %s\n", argv[i]); return 2; }
    }
    mlp_data d = {0};
    mlp_data_load(&d);
    brain_model *mlp = mlp_model(NULL);
    measure("MLP", mlp, d.x_train, d.y_train, repeats);
    brain_model_free(mlp);
    mlp_data_free(&d);

    brain_tensor *x = brain_tensor_new(4, (int64_t[]){rows, 28, 28, 1}), *y = brain_tensor_new(1, (int64_t[]){rows});
    brain_rng g;
    brain_rng_seed(&g, 1);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)brain_rng_uniform(&g);
    for (int64_t i = 0; i < rows; i++) y->data[i] = (float)(i % 10);
    brain_model *cnn = lecture_cnn();
    TRY(brain_compile(cnn, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy" }));
    measure("CNN", cnn, x, y, repeats);
    brain_model_free(cnn);
    brain_tensor_free(x); brain_tensor_free(y);
    return 0;
}
