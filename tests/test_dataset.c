/* Datasets (src/data/dataset*.c): every source, every transformation, bad input of each kind
 * (missing folder, empty class folder, corrupt JPEG, truncated PNG, an .npy shorter than its
 * header), and fit on a dataset over tensors giving bitwise the training of brain_fit. */
#include "brain.h"
#include "internal.h"
#include "check.h"
#include "golden_image_dir.h"
#include "golden_resize.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
/* the image libraries the library was built with (CMake defines BRAIN_HAVE_<X> here too) */
#ifdef BRAIN_HAVE_PNG
#include <png.h>
#define HAVE_PNG 1
#endif
#ifdef BRAIN_HAVE_TIFF
#include <tiffio.h>
#define HAVE_TIFF 1
#endif
#ifdef BRAIN_HAVE_JPEG
#include <turbojpeg.h>
#define HAVE_JPEG 1
#endif

static char g_dir[256];
static char *path(const char *rel)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, rel);
    return buf[k];
}
static void write_text(const char *p, const char *text)
{
    FILE *f = fopen(p, "wb");
    fputs(text, f);
    fclose(f);
}
static int g_warnings;
static char g_out[8192];
static void capture(const char *text, void *user)
{
    (void)user;
    if (strstr(text, "Warning: skipping")) g_warnings++;
    if (strlen(g_out) + strlen(text) < sizeof g_out) strcat(g_out, text);
}

static brain_tensor *blobs(int64_t n, int64_t d, uint64_t seed, brain_tensor **y_out)
{
    brain_rng r;
    brain_rng_seed(&r, seed);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){n, d}), *y = brain_tensor_new(2, (int64_t[]){n, 1});
    for (int64_t i = 0; i < n; i++) {
        int c = (int)(i % 2);
        for (int64_t j = 0; j < d; j++) x->data[i * d + j] = (float)(brain_rng_normal(&r) * 0.7 + (j % 2 == c ? 1.5 : 0));
        y->data[i] = (float)c;
    }
    *y_out = y;
    return x;
}

static brain_model *mlp(int64_t d, float dropout)
{
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(d)));
    brain_model_add(m, brain_dense(8, &(brain_dense_options){.activation = BRAIN_RELU}));
    if (dropout > 0) brain_model_add(m, brain_dropout(dropout, NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    brain_compile(m, &(brain_compile_options){.optimizer = brain_adam(NULL), .loss_name = "binary_crossentropy",
                                               .metric_names = (const char *[]){"accuracy", NULL}});
    return m;
}

static brain_status identity_map(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)b; (void)i; (void)seed; (void)user;
    return BRAIN_OK;
}

/* ---------------------------------------------------------------- fit on tensors == fit on a dataset */
static void test_fit_equivalence(void)
{
    brain_tensor *y, *x = blobs(200, 6, 3, &y), *yv, *xv = blobs(40, 6, 4, &yv);
    for (int variant = 0; variant < 3; variant++) {
        brain_set_random_seed(11);
        brain_model *a = mlp(6, 0.25f);
        brain_set_random_seed(11);
        brain_model *b = mlp(6, 0.25f);
        brain_history *ha = NULL, *hb = NULL;
        CHECK_OK(brain_fit(a, x, y, &(brain_fit_options){.epochs = 3, .batch_size = 16, .seed = 5, .has_seed = true,
                                                        .x_val = xv, .y_val = yv, .verbose = BRAIN_SILENT}, &ha));
        brain_dataset *ds = brain_dataset_from_tensors(1, (const brain_tensor *[]){x}, 1, (const brain_tensor *[]){y},
                                                       &(brain_dataset_tensor_options){.batch_size = 16, .shuffle = BRAIN_ON});
        if (variant == 1) ds = brain_dataset_prefetch(ds, 3);
        if (variant == 2) ds = brain_dataset_prefetch(brain_dataset_map(ds, identity_map, NULL, 2), 2);
        brain_dataset *vds = brain_dataset_from_tensors(1, (const brain_tensor *[]){xv}, 1, (const brain_tensor *[]){yv},
                                                        &(brain_dataset_tensor_options){.batch_size = 16});
        CHECK_OK(brain_fit_dataset(b, ds, &(brain_fit_dataset_options){.epochs = 3, .seed = 5, .has_seed = true,
                                                                       .validation_data = vds, .verbose = BRAIN_SILENT}, &hb));
        int64_t n = 0;
        float wa[256], wb[256];
        CHECK_OK(brain_model_get_weights(a, wa, 256 < (n = 6 * 8 + 8 + 8 + 1) ? 256 : n));
        CHECK_OK(brain_model_get_weights(b, wb, n));
        CHECK_MSG(!memcmp(wa, wb, sizeof(float) * (size_t)n), "variant %d: weights differ", variant);
        int na, nb;
        const double *la = brain_history_get(ha, "val_loss", &na), *lb = brain_history_get(hb, "val_loss", &nb);
        CHECK(la && lb && na == 3 && nb == 3 && !memcmp(la, lb, sizeof(double) * 3));
        const double *aa = brain_history_get(ha, "accuracy", &na), *ab = brain_history_get(hb, "accuracy", &nb);
        CHECK(aa && ab && !memcmp(aa, ab, sizeof(double) * 3));
        /* evaluate and predict on the dataset: the tensor calls' numbers */
        brain_logs le = {0}, ld = {0};
        CHECK_OK(brain_evaluate(b, xv, yv, &(brain_eval_options){.batch_size = 16, .verbose = BRAIN_SILENT}, &le));
        CHECK_OK(brain_evaluate_dataset(b, vds, &(brain_eval_dataset_options){.verbose = BRAIN_SILENT}, &ld));
        CHECK(le.n == ld.n && le.n > 0 && le.values[0] == ld.values[0]);
        brain_tensor *pa = NULL, *pb = NULL;
        CHECK_OK(brain_predict(b, xv, &(brain_eval_options){.verbose = BRAIN_SILENT}, &pa));
        CHECK_OK(brain_predict_dataset(b, vds, &(brain_eval_dataset_options){.verbose = BRAIN_SILENT}, &pb));
        CHECK(pa && pb && pa->size == pb->size && !memcmp(pa->data, pb->data, sizeof(float) * (size_t)pa->size));
        brain_tensor_free(pa); brain_tensor_free(pb);
        brain_history_free(ha); brain_history_free(hb);
        brain_dataset_free(ds); brain_dataset_free(vds);
        brain_model_free(a); brain_model_free(b);
    }
    /* steps_per_epoch over an endless dataset; an endless one without it is refused */
    brain_set_random_seed(1);
    brain_model *m = mlp(6, 0);
    brain_dataset *inf = brain_dataset_repeat(brain_dataset_from_tensors(1, (const brain_tensor *[]){x}, 1,
                                              (const brain_tensor *[]){y}, &(brain_dataset_tensor_options){.batch_size = 64}), 0);
    CHECK(brain_dataset_num_batches(inf) == -1);
    CHECK_FAILS(brain_fit_dataset(m, inf, &(brain_fit_dataset_options){.verbose = BRAIN_SILENT}, NULL), "give steps_per_epoch");
    brain_history *h = NULL;
    /* the progress bar and a checkpoint, as with tensors */
    char ck[600];
    snprintf(ck, sizeof ck, "%s/ds_{epoch}.keras", g_dir);
    brain_callback *mc = brain_model_checkpoint(ck, &(brain_model_checkpoint_options){.monitor = "loss"});
    g_out[0] = 0;
    brain_set_print_hook(capture, NULL);
    CHECK_OK(brain_fit_dataset(m, inf, &(brain_fit_dataset_options){.epochs = 3, .steps_per_epoch = 5,
                                                                     .verbose = BRAIN_ONE_LINE_PER_EPOCH,
                                                                     .callbacks = (brain_callback *[]){mc, NULL}}, &h));
    brain_set_print_hook(NULL, NULL);
    CHECK_MSG(strstr(g_out, "Epoch 3/3") && strstr(g_out, "5/5") && strstr(g_out, "accuracy:"), "%s", g_out);
    CHECK(access(path("ds_3.keras"), R_OK) == 0);
    CHECK(brain_history_num_epochs(h) == 3);
    brain_callback_free(mc);
    brain_history_free(h);
    /* validation_steps / steps: only the first batches are evaluated */
    brain_dataset *three = brain_dataset_from_tensors(1, (const brain_tensor *[]){x}, 1, (const brain_tensor *[]){y},
                                                      &(brain_dataset_tensor_options){.batch_size = 64});
    brain_tensor *x64 = brain_tensor_slice_rows(x, 0, 64), *y64 = brain_tensor_slice_rows(y, 0, 64);
    brain_logs l1 = {0}, l2 = {0};
    CHECK_OK(brain_evaluate_dataset(m, three, &(brain_eval_dataset_options){.steps = 1, .verbose = BRAIN_SILENT}, &l1));
    CHECK_OK(brain_evaluate(m, x64, y64, &(brain_eval_options){.batch_size = 64, .verbose = BRAIN_SILENT}, &l2));
    CHECK(l1.n > 0 && l1.values[0] == l2.values[0]);
    brain_tensor *p1 = NULL;
    CHECK_OK(brain_predict_dataset(m, three, &(brain_eval_dataset_options){.steps = 2, .verbose = BRAIN_SILENT}, &p1));
    CHECK(p1 && p1->shape[0] == 128);
    brain_tensor_free(p1); brain_tensor_free(x64); brain_tensor_free(y64);
    brain_dataset_free(three);
    brain_dataset_free(inf);
    brain_model_free(m);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(xv); brain_tensor_free(yv);
}

/* ---------------------------------------------------------------- tensors and transformations */
static brain_status double_x(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)i; (void)seed; (void)user;
    for (int64_t k = 0; k < b->x[0].size; k++) b->x[0].data[k] *= 2;
    return BRAIN_OK;
}

static void test_tensors_and_ops(void)
{
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){10, 2}), *y = brain_tensor_new(1, (int64_t[]){10});
    for (int i = 0; i < 10; i++) { x->data[2 * i] = (float)i; x->data[2 * i + 1] = (float)(100 + i); y->data[i] = (float)i; }
    const brain_tensor *xs[] = {x}, *ys[] = {y};
    brain_batch b = {0};
    brain_dataset *d = brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 4});
    CHECK(brain_dataset_num_batches(d) == 3 && brain_dataset_num_rows(d) == 10);
    CHECK_OK(brain_dataset_get_batch(d, 2, &b));
    CHECK(b.rows == 2 && b.x[0].shape[0] == 2 && b.x[0].data[0] == 8 && b.y[0].data[1] == 9);
    CHECK_FAILS(brain_dataset_get_batch(d, 3, &b), "out of range");
    /* shuffle buffer: every row exactly once, x and y kept together; same seed same order */
    brain_dataset *s1 = brain_dataset_shuffle(d, 5, 42);
    int seen[10] = {0}, order1[10], k = 0;
    CHECK_OK(brain_dataset_reset(s1, 0));
    for (int64_t i = 0; i < brain_dataset_num_batches(s1); i++) {
        CHECK_OK(brain_dataset_get_batch(s1, i, &b));
        for (int r = 0; r < b.rows; r++) {
            int v = (int)b.y[0].data[r];
            seen[v]++; order1[k++] = v;
            CHECK(b.x[0].data[2 * r] == v && b.x[0].data[2 * r + 1] == 100 + v);
        }
    }
    int once = 0, moved = 0;
    for (int i = 0; i < 10; i++) { once += seen[i] == 1; moved += order1[i] != i; }
    CHECK(k == 10 && once == 10 && moved > 0);
    CHECK_FAILS(brain_dataset_get_batch(s1, 0, &b), "read in order");
    CHECK_OK(brain_dataset_reset(s1, 0));
    k = 0;
    int same = 1;
    for (int64_t i = 0; i < brain_dataset_num_batches(s1); i++) {
        CHECK_OK(brain_dataset_get_batch(s1, i, &b));
        for (int r = 0; r < b.rows; r++) same &= order1[k++] == (int)b.y[0].data[r];
    }
    CHECK(same);
    brain_dataset_free(s1);
    /* batch regroups rows; take / skip; repeat */
    d = brain_dataset_batch(brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 3}), 4, true);
    CHECK(brain_dataset_num_batches(d) == 2);
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK_OK(brain_dataset_get_batch(d, 1, &b));
    CHECK(b.rows == 4 && b.y[0].data[0] == 4 && b.y[0].data[3] == 7);
    brain_dataset_free(d);
    d = brain_dataset_take(brain_dataset_skip(brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 2}), 1), 2);
    CHECK(brain_dataset_num_batches(d) == 2);
    CHECK_OK(brain_dataset_get_batch(d, 1, &b));
    CHECK(b.y[0].data[0] == 4);
    brain_dataset_free(d);
    d = brain_dataset_repeat(brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 5}), 3);
    CHECK(brain_dataset_num_batches(d) == 6);
    CHECK_OK(brain_dataset_get_batch(d, 5, &b));
    CHECK(b.y[0].data[0] == 5);
    brain_dataset_free(d);
    /* a map changing batches in place never changes the source it views */
    d = brain_dataset_map(brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 4}),
                          double_x, NULL, 1);
    for (int e = 0; e < 2; e++) {
        CHECK_OK(brain_dataset_reset(d, e));
        CHECK_OK(brain_dataset_get_batch(d, 1, &b));
        CHECK(b.x[0].data[0] == 8 && b.x[0].data[1] == 208);
    }
    CHECK(x->data[8] == 4 && x->data[9] == 104);
    brain_dataset_free(d);
    /* shard: contiguous parts of each batch */
    d = brain_dataset_shard(brain_dataset_from_tensors(1, xs, 1, ys, &(brain_dataset_tensor_options){.batch_size = 4}), 2, 1);
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK(b.rows == 2 && b.y[0].data[0] == 2 && b.y[0].data[1] == 3);
    brain_dataset_free(d);
    /* rows that differ; a class folder named but absent */
    brain_tensor *y9 = brain_tensor_new(1, (int64_t[]){9});
    CHECK(brain_dataset_from_tensors(1, xs, 1, (const brain_tensor *[]){y9}, NULL) == NULL);
    CHECK(strstr(brain_last_error(), "y 0 has 9 rows but x 0 has 10") != NULL);
    brain_tensor_free(y9);
    /* a NULL source chains to NULL with the error kept */
    CHECK(brain_dataset_prefetch(brain_dataset_shuffle(brain_dataset_from_tensors(0, NULL, 0, NULL, NULL), 4, 1), 2) == NULL);
    CHECK(strstr(brain_last_error(), "x tensors") != NULL);
    brain_batch_release(&b);
    brain_tensor_free(x); brain_tensor_free(y);
}

/* ---------------------------------------------------------------- generator, map, prefetch, cache */
typedef struct gen_state { int calls, epochs_ended; int fail_at; } gen_state;
static int64_t gen_len(void *u) { (void)u; return 7; }
static brain_status gen_get(int64_t i, brain_batch *out, void *u)
{
    gen_state *g = u;
    __atomic_fetch_add(&g->calls, 1, __ATOMIC_SEQ_CST);
    if (i == g->fail_at) return BRAIN_ERR_FORMAT;
    float *x = brain_batch_x(out, 0, 2, (int64_t[]){3, 2});
    float *y = brain_batch_y(out, 0, 2, (int64_t[]){3, 1});
    for (int r = 0; r < 3; r++) { x[2 * r] = (float)(i * 10 + r); x[2 * r + 1] = 1; y[r] = (float)(r % 2); }
    return BRAIN_OK;
}
static brain_status gen_nothing(int64_t i, brain_batch *out, void *u) { (void)i; (void)out; (void)u; return BRAIN_OK; }
static int64_t gen_bad_len(void *u) { (void)u; return -3; }
static void gen_end(int epoch, void *u) { (void)epoch; ((gen_state *)u)->epochs_ended++; }
static brain_status add_seed_map(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)user;
    for (int r = 0; r < b->rows; r++) b->x[0].data[2 * r + 1] = (float)(seed % 1000) + (float)i;
    return BRAIN_OK;
}
static brain_status failing_map(brain_batch *b, int64_t i, uint64_t seed, void *user)
{
    (void)b; (void)seed; (void)user;
    return i == 4 ? brain_set_error(BRAIN_ERR_ARG, "map test failure at batch %lld", (long long)i) : BRAIN_OK;
}

static void test_generator_map_prefetch(void)
{
    gen_state g = {.fail_at = -1};
    brain_generator gen = {.len = gen_len, .get_batch = gen_get, .on_epoch_end = gen_end, .user = &g, .thread_safe = true};
    brain_batch b = {0};
    /* map on 3 threads + prefetch gives the same batches as map inline */
    float inline_vals[7][6], par_vals[7][6];
    for (int pass = 0; pass < 2; pass++) {
        brain_dataset *d = brain_dataset_map(brain_dataset_from_generator(&gen), add_seed_map, NULL, pass ? 3 : 1);
        if (pass) d = brain_dataset_prefetch(d, 2);
        CHECK_OK(brain_dataset_reset(d, 0));
        for (int i = 0; i < 7; i++) {
            CHECK_OK(brain_dataset_get_batch(d, i, &b));
            memcpy(pass ? par_vals[i] : inline_vals[i], b.x[0].data, sizeof(float) * 6);
        }
        brain_dataset_free(d);
    }
    CHECK(!memcmp(inline_vals, par_vals, sizeof inline_vals));
    CHECK(inline_vals[3][0] == 30 && inline_vals[3][2] == 31);
    /* on_epoch_end between epochs */
    brain_dataset *d = brain_dataset_from_generator(&gen);
    g.epochs_ended = 0;
    CHECK_OK(brain_dataset_reset(d, 0));
    CHECK_OK(brain_dataset_reset(d, 1));
    CHECK(g.epochs_ended == 1);
    /* cache: the second pass does not call the generator */
    d = brain_dataset_cache(d);
    g.calls = 0;
    for (int e = 0; e < 2; e++) {
        CHECK_OK(brain_dataset_reset(d, e));
        for (int i = 0; i < 7; i++) CHECK_OK(brain_dataset_get_batch(d, i, &b));
    }
    CHECK(g.calls == 7);
    brain_dataset_free(d);
    /* an error inside a worker comes back on the caller's thread, with its message */
    g.fail_at = 5;
    d = brain_dataset_prefetch(brain_dataset_from_generator(&gen), 3);
    brain_status s = BRAIN_OK;
    for (int i = 0; i < 7 && !s; i++) s = brain_dataset_get_batch(d, i, &b);
    CHECK(s == BRAIN_ERR_FORMAT);
    brain_dataset_free(d);
    g.fail_at = -1;
    d = brain_dataset_map(brain_dataset_from_generator(&gen), failing_map, NULL, 2);
    s = BRAIN_OK;
    for (int i = 0; i < 7 && !s; i++) s = brain_dataset_get_batch(d, i, &b);
    CHECK_MSG(s == BRAIN_ERR_ARG && strstr(brain_last_error(), "map test failure at batch 4"), "%s", brain_last_error());
    brain_dataset_free(d);
    /* bad generators: no x filled, a negative length, no callbacks */
    d = brain_dataset_from_generator(&(brain_generator){.len = gen_len, .get_batch = gen_nothing});
    CHECK_FAILS(brain_dataset_get_batch(d, 0, &b), "get_batch(0) returned no x");
    brain_dataset_free(d);
    CHECK(brain_dataset_from_generator(&(brain_generator){.len = gen_bad_len, .get_batch = gen_get}) == NULL);
    CHECK(strstr(brain_last_error(), "len() returned -3") != NULL);
    CHECK(brain_dataset_from_generator(&(brain_generator){.len = gen_len}) == NULL);
    CHECK(strstr(brain_last_error(), "len and get_batch are required") != NULL);
    /* fit on a generator */
    brain_set_random_seed(2);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(2)));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID}));
    brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "binary_crossentropy"});
    d = brain_dataset_prefetch(brain_dataset_from_generator(&gen), 2);
    brain_history *h = NULL;
    CHECK_OK(brain_fit_dataset(m, d, &(brain_fit_dataset_options){.epochs = 2, .verbose = BRAIN_SILENT}, &h));
    CHECK(brain_history_num_epochs(h) == 2);
    brain_history_free(h);
    brain_dataset_free(d);
    brain_model_free(m);
    brain_batch_release(&b);
}

/* ---------------------------------------------------------------- NPY, memory-mapped */
static void test_npy(void)
{
    brain_tensor *x = brain_tensor_new(3, (int64_t[]){50, 2, 3}), *y = brain_tensor_new(1, (int64_t[]){50});
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)i;
    for (int i = 0; i < 50; i++) y->data[i] = (float)i;
    CHECK_OK(brain_save_npy(path("x.npy"), x));
    CHECK_OK(brain_save_npy(path("y.npy"), y));
    brain_dataset *d = brain_dataset_from_npy(path("x.npy"), path("y.npy"),
                                              &(brain_dataset_file_options){.batch_size = 8, .shuffle = BRAIN_ON, .seed = 3, .has_seed = true});
    CHECK(d && brain_dataset_num_batches(d) == 7);
    brain_batch b = {0};
    int seen[50] = {0}, ok = 1;
    for (int64_t i = 0; d && i < 7; i++) {
        CHECK_OK(brain_dataset_get_batch(d, i, &b));
        CHECK(b.x[0].ndim == 3 && b.x[0].shape[1] == 2 && b.x[0].shape[2] == 3);
        for (int r = 0; r < b.rows; r++) {
            int v = (int)b.y[0].data[r];
            seen[v]++;
            ok &= b.x[0].data[r * 6 + 5] == (float)(v * 6 + 5);
        }
    }
    int once = 0;
    for (int i = 0; i < 50; i++) once += seen[i] == 1;
    CHECK(ok && once == 50);
    brain_dataset_free(d);
    /* bad input: a file shorter than its header says, a missing file, rows that differ */
    FILE *f = fopen(path("x.npy"), "rb");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    CHECK(truncate(path("x.npy"), len - 10) == 0);
    CHECK(brain_dataset_from_npy(path("x.npy"), NULL, NULL) == NULL);
    CHECK_MSG(strstr(brain_last_error(), "x.npy: the file is shorter than its header says"), "%s", brain_last_error());
    CHECK(brain_dataset_from_npy(path("nope.npy"), NULL, NULL) == NULL);
    CHECK(strstr(brain_last_error(), "nope.npy") != NULL);
    brain_tensor *y2 = brain_tensor_new(1, (int64_t[]){49});
    CHECK_OK(brain_save_npy(path("x.npy"), x));
    CHECK_OK(brain_save_npy(path("y2.npy"), y2));
    CHECK(brain_dataset_from_npy(path("x.npy"), path("y2.npy"), NULL) == NULL);
    CHECK(strstr(brain_last_error(), "they must match") != NULL);
    brain_batch_release(&b);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(y2);
}

/* ---------------------------------------------------------------- CSV in chunks */
static void test_csv(void)
{
    write_text(path("d.csv"), "a, b,target\n1,2,0\n3,4,1\n\n5,6,0\r\n7,8,1\n9,10,0\n");
    brain_dataset *d = brain_dataset_from_csv(path("d.csv"), &(brain_dataset_csv_options){.target = "target", .batch_size = 2});
    CHECK(d && brain_dataset_num_batches(d) == 3 && brain_dataset_num_rows(d) == 5);
    brain_batch b = {0};
    CHECK_OK(brain_dataset_get_batch(d, 1, &b));
    CHECK(b.rows == 2 && b.x[0].shape[1] == 2 && b.x[0].data[0] == 5 && b.x[0].data[3] == 8 && b.y[0].data[1] == 1);
    CHECK_OK(brain_dataset_get_batch(d, 2, &b));
    CHECK(b.rows == 1 && b.x[0].data[1] == 10);
    brain_dataset_free(d);
    write_text(path("bad.csv"), "a,b,target\n1,2,0\n3,x4,1\n");
    d = brain_dataset_from_csv(path("bad.csv"), &(brain_dataset_csv_options){.target = "target", .batch_size = 8});
    CHECK_FAILS(brain_dataset_get_batch(d, 0, &b), "line 3, column 2: 'x4' is not a number");
    brain_dataset_free(d);
    CHECK(brain_dataset_from_csv(path("d.csv"), &(brain_dataset_csv_options){.target = "label"}) == NULL);
    CHECK(strstr(brain_last_error(), "no column named 'label'") != NULL);
    CHECK(brain_dataset_from_csv(path("missing.csv"), NULL) == NULL);
    CHECK(strstr(brain_last_error(), "missing.csv") != NULL);
    brain_batch_release(&b);
}

/* ---------------------------------------------------------------- image and text folders */
#ifdef HAVE_PNG
static void write_png(const char *p, int w, int h, int channels, const uint8_t *px)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    im.width = (png_uint_32)w; im.height = (png_uint_32)h;
    im.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    CHECK(png_image_write_to_file(&im, p, 0, px, 0, NULL));
}
#endif
#ifdef HAVE_JPEG
static void write_jpeg(const char *p, int w, int h, const uint8_t *rgb)
{
    tjhandle t = tjInitCompress();
    unsigned char *buf = NULL;
    unsigned long len = 0;
    CHECK(tjCompress2(t, rgb, w, 0, h, TJPF_RGB, &buf, &len, TJSAMP_444, 95, 0) == 0);
    FILE *f = fopen(p, "wb");
    fwrite(buf, 1, len, f);
    fclose(f);
    tjFree(buf);
    tjDestroy(t);
}
#endif

static void test_directories(void)
{
    brain_dataset *d = NULL;
    brain_batch b = {0};
    CHECK_FAILS(brain_image_dataset_from_directory(path("no_such_folder"), NULL, &d), "no_such_folder' is not a folder");
#if defined(HAVE_PNG) && defined(HAVE_JPEG)
    mkdir(path("img"), 0755); mkdir(path("img/cats"), 0755); mkdir(path("img/dogs"), 0755); mkdir(path("img/dogs/more"), 0755);
    uint8_t px[4 * 4 * 3];
    for (int i = 0; i < 12; i++) {
        for (int k = 0; k < 48; k++) px[k] = (uint8_t)(i * 10 + k);
        char name[64];
        snprintf(name, sizeof name, "img/%s/%02d.%s", i % 2 ? "dogs" : "cats", i, i % 3 == 0 ? "jpg" : "png");
        if (i == 11) snprintf(name, sizeof name, "img/dogs/more/%02d.png", i);
        if (i % 3 == 0) write_jpeg(path(name), 4, 4, px); else write_png(path(name), 4, 4, 3, px);
    }
    write_text(path("img/cats/notes.txt"), "not an image");
    brain_dataset *t = NULL, *v = NULL;
    brain_directory_options o = {.image_size = {4, 4}, .batch_size = 5, .seed = 9, .has_seed = true,
                                 .validation_split = 0.25f, .subset = "training"};
    CHECK_OK(brain_image_dataset_from_directory(path("img"), &o, &t));
    o.subset = "validation";
    CHECK_OK(brain_image_dataset_from_directory(path("img"), &o, &v));
    CHECK(brain_dataset_num_rows(t) == 9 && brain_dataset_num_rows(v) == 3);
    int n_classes = 0;
    const char *const *cn = brain_dataset_class_names(t, &n_classes);
    CHECK(n_classes == 2 && !strcmp(cn[0], "cats") && !strcmp(cn[1], "dogs"));
    /* the two subsets split the files: the first value of each image (i·10) is its id */
    int seen[12] = {0};
    for (int pass = 0; pass < 2; pass++) {
        brain_dataset *s = pass ? v : t;
        for (int64_t i = 0; i < brain_dataset_num_batches(s); i++) {
            CHECK_OK(brain_dataset_get_batch(s, i, &b));
            CHECK(b.x[0].ndim == 4 && b.x[0].shape[1] == 4 && b.x[0].shape[3] == 3 && b.y[0].ndim == 1);
            for (int r = 0; r < b.rows; r++) {
                int id = (int)(b.x[0].data[r * 48] / 10 + 0.5f);
                if (id >= 0 && id < 12) seen[id]++;
                CHECK((int)b.y[0].data[r] == id % 2);
                if (id % 3) CHECK(b.x[0].data[r * 48 + 47] == (float)(id * 10 + 47)); /* PNG: exact */
            }
        }
    }
    int once = 0;
    for (int i = 0; i < 12; i++) once += seen[i] == 1;
    CHECK(once == 12);
    brain_dataset_free(t); brain_dataset_free(v);
    /* bilinear resize (tf.image.resize, half-pixel centres): a 2-wide row 0, 100 -> 0, 25, 75, 100 */
    mkdir(path("small"), 0755); mkdir(path("small/a"), 0755);
    write_png(path("small/a/x.png"), 2, 1, 1, (uint8_t[]){0, 100});
    CHECK_OK(brain_image_dataset_from_directory(path("small"), &(brain_directory_options){.image_size = {1, 4},
                                                .color_mode = BRAIN_COLOR_GRAYSCALE, .label_mode = BRAIN_LABELS_CATEGORICAL}, &d));
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK(b.x[0].shape[3] == 1 && b.x[0].data[0] == 0 && b.x[0].data[1] == 25 && b.x[0].data[2] == 75 && b.x[0].data[3] == 100);
    CHECK(b.y[0].ndim == 2 && b.y[0].shape[1] == 1 && b.y[0].data[0] == 1);
    brain_dataset_free(d);
    /* Keras's own bilinear resize (keras.ops.image.resize, tools/gen_resize_golden.py), down and up */
    mkdir(path("rs"), 0755); mkdir(path("rs/a"), 0755);
    uint8_t src[5 * 7 * 3];
    for (int yy = 0; yy < 5; yy++)
        for (int xx = 0; xx < 7; xx++)
            for (int c = 0; c < 3; c++) src[(yy * 7 + xx) * 3 + c] = (uint8_t)((37 * yy + 11 * xx + 53 * c) % 256);
    write_png(path("rs/a/img.png"), 7, 5, 3, src);
    for (int up = 0; up < 2; up++) {
        const int hh = up ? 9 : 3, ww = up ? 11 : 4;
        const float *want = up ? golden_resize_up : golden_resize_down;
        CHECK_OK(brain_image_dataset_from_directory(path("rs"), &(brain_directory_options){.image_size = {hh, ww}}, &d));
        CHECK_OK(brain_dataset_get_batch(d, 0, &b));
        double worst = 0;
        for (int k = 0; k < hh * ww * 3; k++) worst = fmax(worst, fabs(b.x[0].data[k] - want[k]));
        CHECK_MSG(worst < 1e-3, "resize to %d x %d: max difference from Keras %g", hh, ww, worst);
        brain_dataset_free(d);
    }
    /* an empty class folder */
    mkdir(path("small/b"), 0755);
    CHECK_FAILS(brain_image_dataset_from_directory(path("small"), NULL, &d), "small/b' holds no images");
    CHECK_FAILS(brain_image_dataset_from_directory(path("img"), &(brain_directory_options){
                .class_names = (const char *[]){"cats", "birds", NULL}}, &d), "img/birds' does not exist");
    CHECK_FAILS(brain_image_dataset_from_directory(path("img"), &(brain_directory_options){.label_mode = BRAIN_LABELS_BINARY,
                .class_names = (const char *[]){"cats", "dogs", "birds", NULL}}, &d), "exactly 2 classes");
    /* a corrupt JPEG and a truncated PNG: errors naming the file, or skipped with a warning */
    write_text(path("img/cats/bad.jpg"), "\xff\xd8\xff\xe0 this is not really a jpeg at all");
    FILE *f = fopen(path("img/dogs/01.png"), "rb");
    uint8_t whole[4096];
    size_t n = fread(whole, 1, sizeof whole, f);
    fclose(f);
    f = fopen(path("img/dogs/01.png"), "wb");
    fwrite(whole, 1, n / 2, f);
    fclose(f);
    CHECK_OK(brain_image_dataset_from_directory(path("img"), &(brain_directory_options){.image_size = {4, 4}, .batch_size = 32,
                                                .shuffle = BRAIN_OFF}, &d));
    CHECK_FAILS(brain_dataset_get_batch(d, 0, &b), "bad.jpg: corrupt");
    brain_dataset_free(d);
    remove(path("img/cats/bad.jpg"));
    CHECK_OK(brain_image_dataset_from_directory(path("img"), &(brain_directory_options){.image_size = {4, 4}, .shuffle = BRAIN_OFF}, &d));
    CHECK_FAILS(brain_dataset_get_batch(d, 0, &b), "01.png: corrupt or truncated PNG");
    brain_dataset_free(d);
    brain_set_print_hook(capture, NULL);
    CHECK_OK(brain_image_dataset_from_directory(path("img"), &(brain_directory_options){.image_size = {4, 4}, .shuffle = BRAIN_OFF,
                                                .skip_bad_files = true}, &d));
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK(b.rows == 11 && g_warnings == 1);
    brain_set_print_hook(NULL, NULL);
    /* prefetch over image decoding: same batch */
    float first = b.x[0].data[0];
    d = brain_dataset_prefetch(d, 2);
    CHECK_OK(brain_dataset_reset(d, 0));
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK(b.rows == 11 && b.x[0].data[0] == first);
    brain_dataset_free(d);
#endif
    /* Keras's own choice of files for validation_split + subset (tools/gen_image_dir_golden.py) */
    mkdir(path("tree"), 0755);
    for (int i = 0; golden_tree[i]; i++) {
        char rel[256], *slash;
        snprintf(rel, sizeof rel, "tree/%s", golden_tree[i]);
        for (slash = strchr(rel + 5, '/'); slash; slash = strchr(slash + 1, '/')) { *slash = 0; mkdir(path(rel), 0755); *slash = '/'; }
        write_text(path(rel), "");
    }
    for (int sub = 0; sub < 2; sub++) {
        const char *const *want = sub ? golden_validation : golden_training;
        brain_dataset *g = NULL;
        CHECK_OK(brain_image_dataset_from_directory(path("tree"), &(brain_directory_options){.seed = GOLDEN_SEED, .has_seed = true,
                 .validation_split = GOLDEN_SPLIT, .subset = sub ? "validation" : "training"}, &g));
        int64_t nf = 0;
        const char *const *fp = brain_dataset_file_paths(g, &nf);
        int64_t nw = 0, same = 0;
        while (want[nw]) nw++;
        const size_t pre = strlen(path("tree/"));
        for (int64_t i = 0; fp && i < nf && i < nw; i++) same += strlen(fp[i]) > pre && !strcmp(fp[i] + pre, want[i]);
        CHECK_MSG(nf == nw && same == nw, "subset %d: %lld files, %lld as Keras orders them (of %lld)", sub, (long long)nf,
                  (long long)same, (long long)nw);
        brain_dataset_free(g);
    }
#ifdef HAVE_TIFF
    /* TIFF through libtiff: exact pixels at the same size, grey = the channels' mean; a cut file */
    mkdir(path("tif"), 0755); mkdir(path("tif/a"), 0755);
    TIFF *tf = TIFFOpen(path("tif/a/x.tif"), "w");
    TIFFSetField(tf, TIFFTAG_IMAGEWIDTH, 3); TIFFSetField(tf, TIFFTAG_IMAGELENGTH, 2);
    TIFFSetField(tf, TIFFTAG_SAMPLESPERPIXEL, 3); TIFFSetField(tf, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(tf, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB); TIFFSetField(tf, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tf, TIFFTAG_ROWSPERSTRIP, 2);
    uint8_t trow[2][9] = {{10, 20, 30, 40, 50, 60, 70, 80, 90}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
    for (int r = 0; r < 2; r++) TIFFWriteScanline(tf, trow[r], (uint32_t)r, 0);
    TIFFClose(tf);
    brain_dataset *td = NULL;
    brain_batch tb = {0};
    CHECK_OK(brain_image_dataset_from_directory(path("tif"), &(brain_directory_options){.image_size = {2, 3}}, &td));
    CHECK_OK(brain_dataset_get_batch(td, 0, &tb));
    CHECK(tb.x[0].shape[3] == 3 && tb.x[0].data[0] == 10 && tb.x[0].data[8] == 90 && tb.x[0].data[17] == 9);
    brain_dataset_free(td);
    CHECK_OK(brain_image_dataset_from_directory(path("tif"), &(brain_directory_options){.image_size = {2, 3},
                                                .color_mode = BRAIN_COLOR_GRAYSCALE}, &td));
    CHECK_OK(brain_dataset_get_batch(td, 0, &tb));
    CHECK(tb.x[0].shape[3] == 1 && tb.x[0].data[0] == 20 && tb.x[0].data[5] == 8);
    brain_dataset_free(td);
    FILE *tfile = fopen(path("tif/a/x.tif"), "r+b");
    fseek(tfile, 0, SEEK_END);
    long tlen = ftell(tfile);
    fclose(tfile);
    CHECK(truncate(path("tif/a/x.tif"), tlen / 3) == 0);
    CHECK_OK(brain_image_dataset_from_directory(path("tif"), &(brain_directory_options){.image_size = {2, 3}}, &td));
    CHECK_FAILS(brain_dataset_get_batch(td, 0, &tb), "x.tif: corrupt or truncated TIFF");
    brain_dataset_free(td);
    brain_batch_release(&tb);
#endif
    /* texts */
    mkdir(path("txt"), 0755); mkdir(path("txt/neg"), 0755); mkdir(path("txt/pos"), 0755);
    write_text(path("txt/neg/1.txt"), "a dull film");
    write_text(path("txt/neg/2.txt"), "not good");
    write_text(path("txt/pos/1.txt"), "a great film");
    write_text(path("txt/pos/skip.md"), "ignored");
    CHECK_OK(brain_text_dataset_from_directory(path("txt"), &(brain_directory_options){.shuffle = BRAIN_OFF}, &d));
    CHECK_OK(brain_dataset_get_batch(d, 0, &b));
    CHECK(b.rows == 3 && b.texts && !strcmp(b.texts[0], "a dull film") && !strcmp(b.texts[2], "a great film") && b.y[0].data[2] == 1);
    brain_dataset *cut = NULL;
    brain_batch cb = {0};
    CHECK_OK(brain_text_dataset_from_directory(path("txt"), &(brain_directory_options){.shuffle = BRAIN_OFF, .max_length = 5}, &cut));
    CHECK_OK(brain_dataset_get_batch(cut, 0, &cb));
    CHECK(cb.rows == 3 && !strcmp(cb.texts[0], "a dul") && !strcmp(cb.texts[1], "not g"));
    brain_batch_release(&cb);
    brain_dataset_free(cut);
    /* a linked folder is walked only with follow_links */
    char target[600];
    snprintf(target, sizeof target, "%s/txt/neg", g_dir);
    CHECK(symlink(target, path("txt/pos/linked")) == 0);
    CHECK_OK(brain_text_dataset_from_directory(path("txt"), &(brain_directory_options){.shuffle = BRAIN_OFF}, &cut));
    CHECK(brain_dataset_num_rows(cut) == 3);
    brain_dataset_free(cut);
    CHECK_OK(brain_text_dataset_from_directory(path("txt"), &(brain_directory_options){.shuffle = BRAIN_OFF, .follow_links = true}, &cut));
    CHECK(brain_dataset_num_rows(cut) == 5);
    brain_dataset_free(cut);
    remove(path("txt/pos/linked"));
    brain_text_vectorizer *tv = brain_text_vectorizer_new(NULL);
    CHECK_OK(brain_text_vectorizer_adapt(tv, b.texts, b.rows));
    brain_dataset *vd = brain_dataset_vectorize_text(d, tv);
    CHECK_OK(brain_dataset_get_batch(vd, 0, &b));
    CHECK(b.n_x == 1 && b.x[0].shape[0] == 3 && b.x[0].shape[1] == 3 && b.x[0].data[0] > 0 && b.n_y == 1);
    brain_dataset_free(vd);
    brain_text_vectorizer_free(tv);
    mkdir(path("txt/empty"), 0755);
    CHECK_FAILS(brain_text_dataset_from_directory(path("txt"), NULL, &d), "txt/empty' holds no texts");
    brain_batch_release(&b);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/brain_test_dataset_XXXXXX");
    if (!mkdtemp(g_dir)) return 1;
    test_fit_equivalence();
    test_tensors_and_ops();
    test_generator_map_prefetch();
    test_npy();
    test_csv();
    test_directories();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", g_dir);
    return check_summary("test_dataset");
}
