/* mpi_equal.c — data-parallel fit gives one process's weights (run by ctest when MPI is found).
 *   mpi_equal ref FILE        one process, global batch 32: writes the weights after 2 epochs
 *   mpirun -np N mpi_equal dist FILE   N ranks, each its 32/N rows of every global batch:
 *                             rank 0 compares its weights with FILE (max |diff| <= 1e-5), and
 *                             every rank checks that all ranks hold the same weights
 *   mpirun -np 2 mpi_equal die DIR   4 epochs with ModelCheckpoint(DIR/ckpt_{epoch}.keras) on rank 0;
 *                             rank 1 dies at the start of epoch 3: the others must stop, not hang
 *   mpirun -np 2 mpi_equal resume FILE DIR   loads the last checkpoint in DIR and trains to epoch 4
 *                             (initial_epoch): the weights of an uninterrupted run (FILE, from
 *                             'mpi_equal ref FILE 4') within 1e-5 — BackupAndRestore's promise */
#include "brain.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N 512
#define D 12
#define CHECK(c, ...) do { if (!(c)) { fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); return 1; } } while (0)
#define TRY(call) CHECK((call) == BRAIN_OK, "%s: %s", #call, brain_last_error())

static brain_model *make_model(void)
{
    brain_set_random_seed(5);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(D)));
    brain_model_add(m, brain_dense(16, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy",
                                               .metric_names = (const char *[]){"accuracy", NULL}});
    return m;
}

static int die_in_epoch_2(brain_model *m, int epoch, const brain_logs *logs, void *u)
{
    (void)m; (void)logs; (void)u;
    if (epoch == 2 && brain_dist_rank() == 1) _exit(3);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    const bool ref = !strcmp(argv[1], "ref"), die = !strcmp(argv[1], "die"), resume = !strcmp(argv[1], "resume");
    const int epochs = ref && argc > 3 ? atoi(argv[3]) : die || resume ? 4 : 2;
    /* buckets of 40 floats: the 259 gradients go in 2 buckets during backward and the rest after
     * it; the resumed run uses the single allreduce after backward */
    if (!ref) setenv("BRAIN_DIST_BUCKET", resume ? "0" : "40", 1);
    if (!ref) TRY(brain_dist_init());
    const int rank = brain_dist_rank(), size = brain_dist_size();
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){N, D}), *y = brain_tensor_new(1, (int64_t[]){N});
    brain_rng r;
    brain_rng_seed(&r, 1);
    for (int i = 0; i < N; i++) {
        y->data[i] = (float)(i % 3);
        for (int j = 0; j < D; j++) x->data[i * D + j] = (float)brain_rng_normal(&r) + (j % 3 == i % 3 ? 1.0f : 0.0f);
    }
    brain_dataset *ds = brain_dataset_from_tensors(1, (const brain_tensor *[]){x}, 1, (const brain_tensor *[]){y},
        &(brain_dataset_tensor_options){.batch_size = 32, .shuffle = BRAIN_ON, .seed = 9, .has_seed = true});
    brain_dataset *val = brain_dataset_from_tensors(1, (const brain_tensor *[]){x}, 1, (const brain_tensor *[]){y},
        &(brain_dataset_tensor_options){.batch_size = 64});
    if (!ref) { ds = brain_dataset_shard(ds, size, rank); val = brain_dataset_shard(val, size, rank); }
    brain_model *m = NULL;
    int initial_epoch = 0;
    char ckpt[600];
    if (resume) {                   /* the newest checkpoint rank 0 wrote before the crash */
        for (int e = 1; e <= epochs; e++) {
            char p[600];
            snprintf(p, sizeof p, "%s/ckpt_%d.keras", argv[3], e);
            if (access(p, R_OK) == 0) { initial_epoch = e; snprintf(ckpt, sizeof ckpt, "%s", p); }
        }
        CHECK(initial_epoch > 0, "no checkpoint in %s", argv[3]);
        TRY(brain_load_model(ckpt, &m, NULL));
        if (rank == 0) printf("resuming from %s at epoch %d\n", ckpt, initial_epoch + 1);
    } else m = make_model();
    char tmpl[600];
    snprintf(tmpl, sizeof tmpl, "%s/ckpt_{epoch}.keras", die ? argv[2] : ".");
    brain_callback *cb = brain_callback_custom(&(brain_callback_hooks){.on_epoch_begin = die_in_epoch_2});
    brain_callback *mc = brain_model_checkpoint(tmpl, NULL);
    brain_history *h = NULL;
    brain_status s = brain_fit_dataset(m, ds, &(brain_fit_dataset_options){.epochs = epochs, .verbose = BRAIN_SILENT,
        .validation_data = val, .initial_epoch = initial_epoch, .callbacks = die ? (brain_callback *[]){cb, mc, NULL} : NULL}, &h);
    CHECK(!s, "rank %d: fit failed: %s", rank, brain_last_error());
    int64_t n = 0;
    float w[1024], w2[1024];
    n = D * 16 + 16 + 16 * 3 + 3;
    TRY(brain_model_get_weights(m, w, n));
    int ne;
    const double *vl = brain_history_get(h, "val_loss", &ne);
    const double last_vl = vl && ne ? vl[ne - 1] : NAN;
    FILE *f;
    if (ref) {
        CHECK((f = fopen(argv[2], "wb")) && fwrite(w, sizeof(float), (size_t)n, f) == (size_t)n, "cannot write %s", argv[2]);
        fwrite(&last_vl, sizeof(double), 1, f);
        fclose(f);
        printf("reference written (%d epochs), val_loss %.6f\n", epochs, last_vl);
    } else if (rank == 0 && !die) {
        double ref_vl[1];
        CHECK((f = fopen(argv[2], "rb")) && fread(w2, sizeof(float), (size_t)n, f) == (size_t)n &&
              fread(ref_vl, sizeof(double), 1, f) == 1, "cannot read %s (run 'mpi_equal ref' first)", argv[2]);
        fclose(f);
        double worst = 0;
        for (int64_t i = 0; i < n; i++) worst = fmax(worst, fabs((double)w[i] - w2[i]));
        printf("%d ranks%s vs 1 process after %d epochs: max |weight difference| %.3g; val_loss %.6f vs %.6f; "
               "allreduce %.3f s\n", size, resume ? " (resumed after a rank died)" : "", epochs, worst, last_vl, ref_vl[0], brain_dist_allreduce_seconds());
        CHECK(worst <= 1e-5, "weights differ by %.3g > 1e-5", worst);
        CHECK(fabs(last_vl - ref_vl[0]) <= 1e-5, "val_loss %.8f differs from %.8f", last_vl, ref_vl[0]);
    }
    brain_history_free(h);
    brain_callback_free(cb);
    brain_callback_free(mc);
    brain_dataset_free(ds); brain_dataset_free(val);
    brain_model_free(m);
    brain_tensor_free(x); brain_tensor_free(y);
    brain_dist_finalize();
    return 0;
}
