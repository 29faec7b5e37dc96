/* mpi_cnn.c — the lecture's CNN trained data-parallel on several processes with MPI.
 *
 *   mpirun -np 2 ./build/mpi_cnn                       two ranks on this machine
 *   mpirun -np 8 --hostfile hosts ./build/mpi_cnn      eight ranks on the machines of `hosts`
 *   ./build/mpi_cnn                                    one process (also without MPI in the build)
 *
 * Every rank reads the same Fashion-MNIST batches of 64 (the same seed: the same order) and
 * keeps its 64/N rows (brain_dataset_shard); fit averages the gradients over the ranks after
 * each backward pass, so the model trains as one process with batches of 64 would.  Rank 0
 * prints the progress and the timing: samples per second and the share of each step spent in
 * the gradient allreduce.  BRAIN_QUICK=1: 512 training images, one epoch; N_TRAIN, EPOCHS. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "rank %d: error: %s\n", brain_dist_rank(), brain_last_error()); return 1; } } while (0)

enum { EXIT_NO_DATA = 3 };

int main(void)
{
    const int quick = getenv("BRAIN_QUICK") != NULL;
    const int epochs = getenv("EPOCHS") ? atoi(getenv("EPOCHS")) : quick ? 1 : 3;
    if (brain_dist_init() != BRAIN_OK) printf("note: %s; training in one process\n", brain_last_error());
    const int rank = brain_dist_rank(), size = brain_dist_size();
    brain_set_random_seed(42);

    brain_tensor *x = NULL, *y = NULL, *yc = NULL;
    brain_status s = quick ? brain_load_fashion_mnist(NULL, NULL, NULL, &x, &y) : brain_load_fashion_mnist(NULL, &x, &y, NULL, NULL);
    if (s) { fprintf(stderr, "error: %s\n", brain_last_error()); return s == BRAIN_ERR_IO ? EXIT_NO_DATA : 1; }
    const int64_t n = getenv("N_TRAIN") ? atoll(getenv("N_TRAIN")) : quick ? 512 : x->shape[0];
    brain_tensor *xs = brain_tensor_slice_rows(x, 0, n), *ys = brain_tensor_slice_rows(y, 0, n);
    TRY(brain_tensor_reshape(xs, 4, (int64_t[]){ n, 28, 28, 1 }));
    for (int64_t i = 0; i < xs->size; i++) xs->data[i] /= 255.0f;
    TRY(brain_to_categorical(ys, 10, &yc));

    brain_dataset *train = brain_dataset_from_tensors(1, (const brain_tensor *[]){ xs }, 1, (const brain_tensor *[]){ yc },
        &(brain_dataset_tensor_options){ .batch_size = 64, .shuffle = BRAIN_ON, .seed = 7, .has_seed = true });
    train = brain_dataset_shard(train, size, rank);
    if (!train) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }

    brain_model *m = brain_sequential("sequential");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(28, 28, 1))));
    TRY(brain_model_add(m, brain_conv2d(32, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){ .pool_size = { 2, 2 } })));
    TRY(brain_model_add(m, brain_conv2d(64, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){ .pool_size = { 2, 2 } })));
    TRY(brain_model_add(m, brain_flatten(NULL)));
    TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    if (rank == 0) printf("%d rank%s, global batch 64 (%d rows per rank), %lld training images\n", size,
                          size == 1 ? "" : "s", 64 / size, (long long)n);

    brain_history *h = NULL;
    double t0 = 0;
    brain_tensor_free(x); brain_tensor_free(y);
    x = NULL;
    {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        t0 = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
    }
    TRY(brain_fit_dataset(m, train, &(brain_fit_dataset_options){ .epochs = epochs, .verbose = BRAIN_ONE_LINE_PER_EPOCH }, &h));
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    const double secs = (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec - t0;
    int ne = 0;
    const double *acc = brain_history_get(h, "accuracy", &ne);
    if (rank == 0) {
        const double ar = brain_dist_allreduce_seconds();
        printf("training accuracy %.4f; %.0f samples/s over all ranks; allreduce %.2f s of %.2f s (%.1f%%), "
               "%.2f ms per step\n", acc && ne ? acc[ne - 1] : 0.0, (double)n * epochs / secs, ar, secs, 100 * ar / secs,
               1e3 * ar / (double)(epochs * brain_dataset_num_batches(train)));
    }
    brain_history_free(h);
    brain_dataset_free(train);
    brain_model_free(m);
    brain_tensor_free(xs); brain_tensor_free(ys); brain_tensor_free(yc);
    brain_dist_finalize();
    return 0;
}
