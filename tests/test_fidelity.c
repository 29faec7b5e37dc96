/* test_fidelity.c — the fidelity bugs of issue 10, each against a file real Keras 3 wrote
 * (tools/gen_fidelity_files.py, committed under tests/keras_files/fid_* and broken/):
 *   1. GlobalAveragePooling1D averages over the unmasked steps only (Sequential and Functional)
 *   2. the op layers Keras 3 writes into functional models (NotEqual, Add, Reshape, ...) and
 *      explicit mask= keyword inputs
 *   3. an HDF5 load touches no file but the one given (the current directory may hold anything)
 *   4. legacy .h5 whose model_config is a UTF-8 string, variable or fixed length
 *   5. references to a layer's second and third outputs (LSTM return_state)
 *   6. clear errors for files that are not zips, duplicate zip members, members running past the
 *      end of the file, and HDF5 links where a weight should be. */
#include "brain.h"
#include "check.h"
#include "gradcheck.h"
#include "internal.h"
#include "keras_diff.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "tests/keras_files/"

static char root[1024]; /* the source directory (the tests run there); absolute paths survive a chdir */

static const char *at(const char *rel)
{
    static char buf[8][1400];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root, rel);
    return b;
}

static double keras_diff(const char *file, const char *json) { return keras_diff_abs(at(file), at(json)); }

/* ------------------------------------------------------------------ 1: masked average */
static void masked_average(void)
{
    CHECK(keras_diff(DIR "fid_gap_mask_seq.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_gap_mask_seq.h5", DIR "fid_gap_mask_seq.json") <= 1e-6);
    /* in C: the average of the unmasked steps; an all-masked row is 0/0 = NaN as in Keras */
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_embedding(5, 2, &(brain_embedding_options){ .mask_zero = true }));
    brain_model_add(m, brain_global_average_pooling1d(NULL));
    CHECK_OK(brain_model_build(m));
    float *table = m->layers[0]->weights[0]->value;
    for (int i = 0; i < 10; i++) table[i] = (float)(i + 1);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ 2, 4 }), *y = NULL;
    const float ids[8] = { 1, 3, 0, 0, 0, 0, 0, 0 };
    memcpy(x->data, ids, sizeof ids);
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
    if (y) {
        CHECK_NEAR(y->data[0], (3.0 + 7.0) / 2, 1e-6, 0); /* rows 1 and 3 of the table: (3,4) and (7,8) */
        CHECK_NEAR(y->data[1], (4.0 + 8.0) / 2, 1e-6, 0);
        CHECK(isnan(y->data[2]) && isnan(y->data[3]));
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model_free(m);
}

/* ------------------------------------------------------------------ 3: no stray files */
static void touches_no_other_file(void)
{
    char dir[] = "/tmp/brain_fid_XXXXXX", here[1024];
    CHECK(mkdtemp(dir) != NULL);
    CHECK(getcwd(here, sizeof here) != NULL);
    CHECK(chdir(dir) == 0);
    /* the names earlier versions gave their in-memory HDF5 files, as a folder and a file */
    CHECK(mkdir("brain_image.h5", 0700) == 0);
    FILE *f = fopen("brain_weights.h5", "w");
    if (f) { fputs("not HDF5\n", f); fclose(f); }
    CHECK(keras_diff(DIR "fid_gap_mask_seq.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_gap_mask_seq.h5", DIR "fid_gap_mask_seq.json") <= 1e-6);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_gap_mask_seq.keras"), &m, NULL));
    if (m) {
        CHECK_OK(brain_save(m, "again.keras"));
        CHECK_OK(brain_save_weights(m, "again.weights.h5"));
        CHECK_OK(brain_load_weights(m, "again.weights.h5"));
        CHECK_OK(brain_load_weights(m, at(DIR "fid_gap_mask_seq.h5")));
    }
    brain_model_free(m);
    m = NULL;
    CHECK_OK(brain_load_model("again.keras", &m, NULL));
    brain_model_free(m);
    /* nothing new appeared besides the files saved */
    struct stat st;
    CHECK(stat("brain_image.h5", &st) == 0 && S_ISDIR(st.st_mode));
    remove("again.keras");
    remove("again.weights.h5");
    remove("brain_weights.h5");
    rmdir("brain_image.h5");
    CHECK_MSG(rmdir(dir) != 0 || 1, "cleanup");
    CHECK(chdir(here) == 0);
    rmdir(dir);
}

/* ------------------------------------------------------------------ 4: UTF-8 model_config */
static void utf8_config(void)
{
    CHECK(keras_diff(DIR "fid_utf8_vlen.h5", DIR "fid_utf8_vlen.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_utf8_fixed.h5", DIR "fid_utf8_fixed.json") <= 1e-6);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_utf8_vlen.h5"), &m, NULL));
    CHECK(m && !strcmp(brain_model_name(m), "gap_mask_s\xc3\xa9q"));
    brain_model_free(m);
}

/* ------------------------------------------------------------------ 6: clear errors */
static void clear_errors(void)
{
    brain_model *m = NULL;
    CHECK_FAILS(brain_load_model(at(DIR "broken/empty.keras"), &m, NULL), "not a zip archive");
    CHECK_FAILS(brain_load_model(at(DIR "broken/empty.keras"), &m, NULL), "empty");
    CHECK_FAILS(brain_load_model(at(DIR "broken/text.keras"), &m, NULL), "not a zip archive");
    brain_tensor *t = NULL;
    CHECK_FAILS(brain_load_npz(at(DIR "broken/empty.npz"), "x", &t), "not a zip archive");
    CHECK_FAILS(brain_load_model(at(DIR "broken/past_end.keras"), &m, NULL), "model.weights.h5");
    CHECK_FAILS(brain_load_model(at(DIR "broken/past_end.keras"), &m, NULL), "past the end");
    CHECK_FAILS(brain_load_model(at(DIR "broken/offset_past_end.keras"), &m, NULL), "model.weights.h5");
    CHECK_FAILS(brain_load_model(at(DIR "broken/offset_past_end.keras"), &m, NULL), "past the end");
    /* two config.json members: Python's zipfile, so Keras, reads the last; so does this library */
    CHECK(keras_diff(DIR "broken/duplicate.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    /* links where a weight should be */
    CHECK_OK(brain_load_model(at(DIR "fid_gap_mask_seq.keras"), &m, NULL));
    if (m) {
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "is a link");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "refused for safety");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "layers/dense/vars/0");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/external_link.weights.h5")), "is a link");
    }
    brain_model_free(m);
}

/* Saved by this library and loaded again: the same predictions (and, with BRAIN_EXPORT_DIR, a
 * copy for tools/gen_fidelity_files.py check, which loads it in Keras). */
static void round_trip(const char *file, int n_x, brain_tensor *const *xs)
{
    brain_model *m = NULL, *back = NULL;
    CHECK_OK(brain_load_model(at(file), &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (!m) return;
    char path[256];
    const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    const char *dir = getenv("BRAIN_EXPORT_DIR");
    snprintf(path, sizeof path, "%s/brain_%s", dir && *dir ? dir : "/tmp", base);
    if (!strstr(path, ".keras")) strcat(path, ".keras");
    CHECK_OK(brain_save(m, path));
    CHECK_OK(brain_load_model(path, &back, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (back) {
        brain_tensor *a[BRAIN_MAX_IO] = {0}, *b[BRAIN_MAX_IO] = {0};
        CHECK_OK(brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, a));
        CHECK_OK(brain_predict_multi(back, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, b));
        for (int k = 0; k < brain_model_num_outputs(m); k++) {
            CHECK(a[k] && b[k] && a[k]->size == b[k]->size && !memcmp(a[k]->data, b[k]->data, sizeof(float) * a[k]->size));
            brain_tensor_free(a[k]);
            brain_tensor_free(b[k]);
        }
    }
    if (!dir || !*dir) remove(path);
    brain_model_free(back);
    brain_model_free(m);
}

/* A model made in C saved and loaded: the same predictions on every output. */
static void round_trip_model_check(brain_model *m, brain_tensor *x)
{
    char path[256];
    snprintf(path, sizeof path, "/tmp/brain_fid_rt_%d.keras", (int)getpid());
    brain_model *back = NULL;
    CHECK_OK(brain_save(m, path));
    CHECK_OK(brain_load_model(path, &back, &(brain_load_options){ .compile = BRAIN_OFF }));
    remove(path);
    if (!back) return;
    brain_tensor *a[BRAIN_MAX_IO] = {0}, *b[BRAIN_MAX_IO] = {0};
    CHECK_OK(brain_predict_multi(m, 1, (const brain_tensor *const *)&x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, a));
    CHECK_OK(brain_predict_multi(back, 1, (const brain_tensor *const *)&x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, b));
    CHECK(brain_model_num_outputs(back) == brain_model_num_outputs(m));
    for (int k = 0; k < brain_model_num_outputs(m); k++) {
        CHECK(a[k] && b[k] && a[k]->size == b[k]->size && !memcmp(a[k]->data, b[k]->data, sizeof(float) * a[k]->size));
        brain_tensor_free(a[k]);
        brain_tensor_free(b[k]);
    }
    brain_model_free(back);
}

/* The same model as fid_merge_mask built in C, where the masks flow implicitly (Embedding ->
 * Add -> Concatenate -> BatchNormalization -> average), with Keras's weights: Keras's outputs. */
static void merge_mask_in_c(void)
{
    brain_model *k = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_merge_mask.keras"), &k, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_sym in = brain_input_sym(BRAIN_SHAPE(6), "tokens");
    brain_sym e = brain_apply(brain_embedding(10, 4, &(brain_embedding_options){ .mask_zero = true }), in);
    brain_sym a = brain_apply(brain_dense(3, NULL), e), b = brain_apply(brain_dense(3, NULL), e);
    brain_sym s = brain_apply_n(brain_add(NULL), BRAIN_SYMS(a, b));
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(s, e));
    brain_sym n = brain_apply(brain_batch_normalization(NULL), c);
    brain_sym g = brain_apply(brain_global_average_pooling1d(NULL), n);
    brain_model *m = brain_functional(1, &in, 1, &g, NULL);
    CHECK_MSG(m != NULL, "%s", brain_last_error());
    if (m && k) {
        int64_t np = brain_model_count_params(k);
        CHECK(np == brain_model_count_params(m));
        float *w = malloc(sizeof(float) * (size_t)np);
        CHECK_OK(brain_model_get_weights(k, w, np));
        CHECK_OK(brain_model_set_weights(m, w, np));
        free(w);
        char path[256];
        snprintf(path, sizeof path, "/tmp/brain_fid_merge_%d.keras", (int)getpid());
        CHECK_OK(brain_save(m, path));
        CHECK(keras_diff_abs(path, at(DIR "fid_merge_mask.json")) <= 1e-5);
        remove(path);
    }
    brain_model_free(m);
    brain_model_free(k);
}

/* ------------------------------------------------------------------ 2: op layers, mask= */
static void op_layers(void)
{
    CHECK(keras_diff(DIR "fid_gap_mask_fn.keras", DIR "fid_gap_mask_fn.json") <= 1e-5);
    CHECK(keras_diff(DIR "fid_ops.keras", DIR "fid_ops.json") <= 1e-5);
    /* masks through Add and Concatenate (Keras 3 writes their mask ops: logical_or, expand_dims,
     * zeros_like, concatenate, any) and BatchNormalization */
    CHECK(keras_diff(DIR "fid_merge_mask.keras", DIR "fid_merge_mask.json") <= 1e-5);
    merge_mask_in_c();
    /* every op's backward, through the whole model (random inputs: no comparison sits on its
     * threshold, no ties in max) */
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_ops.keras"), &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_tensor *xs[2] = { gc_random(3, (int64_t[]){ 2, 3, 4 }, 5, -2, 2), gc_random(3, (int64_t[]){ 2, 3, 4 }, 6, -2, 2) };
    if (m) CHECK(gradcheck_model_multi("ops model", m, 2, xs, true, 1e-3, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    round_trip(DIR "fid_ops.keras", 2, xs);
    brain_tensor_free(xs[0]);
    brain_tensor_free(xs[1]);
    /* the masked model: embeddings, LSTM and the masked average, gradients through the explicit mask */
    m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_gap_mask_fn.keras"), &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_tensor *ids = brain_tensor_new(2, (int64_t[]){ 2, 6 });
    const float v[12] = { 1, 2, 0, 0, 0, 0, 3, 4, 5, 6, 0, 0 };
    memcpy(ids->data, v, sizeof v);
    round_trip(DIR "fid_gap_mask_fn.keras", 1, &ids);
    brain_model_free(m);
    brain_tensor_free(ids);
    /* brain_apply_masked in C: the mask replaces the one the input carries */
    brain_sym x = brain_input_sym(BRAIN_SHAPE(4, 2), "x"), mk = brain_input_sym(BRAIN_SHAPE(4), "keep");
    brain_sym g = brain_apply_masked(brain_global_average_pooling1d(NULL), 1, &x, mk);
    brain_model *c = brain_functional(BRAIN_SYMS(x, mk), 1, &g, NULL);
    CHECK_MSG(c != NULL, "%s", brain_last_error());
    if (c) {
        brain_tensor *xv = brain_tensor_new(3, (int64_t[]){ 1, 4, 2 }), *kv = brain_tensor_new(2, (int64_t[]){ 1, 4 });
        const float xd[8] = { 1, 10, 2, 20, 3, 30, 4, 40 }, kd[4] = { 1, 0, 1, 0 };
        memcpy(xv->data, xd, sizeof xd);
        memcpy(kv->data, kd, sizeof kd);
        brain_tensor *y[BRAIN_MAX_IO] = {0};
        CHECK_OK(brain_predict_multi(c, BRAIN_TENSORS(xv, kv), &(brain_eval_options){ .verbose = BRAIN_SILENT }, y));
        if (y[0]) { CHECK_NEAR(y[0]->data[0], 2.0, 1e-6, 0); CHECK_NEAR(y[0]->data[1], 20.0, 1e-6, 0); }
        brain_tensor_free(y[0]);
        brain_tensor_free(xv);
        brain_tensor_free(kv);
    }
    brain_model_free(c);
    /* a mask of the wrong shape names the layer */
    x = brain_input_sym(BRAIN_SHAPE(4, 2), "x");
    mk = brain_input_sym(BRAIN_SHAPE(3), "keep");
    g = brain_apply_masked(brain_global_average_pooling1d(&(brain_layer_options){ .name = "avg" }), 1, &x, mk);
    CHECK(!brain_sym_ok(g) && strstr(brain_last_error(), "avg") && strstr(brain_last_error(), "mask"));
    brain_graph_free(g);
}

/* ------------------------------------------------------------------ 5: several outputs */
static void multi_output(void)
{
    CHECK(keras_diff(DIR "fid_lstm_state.keras", DIR "fid_lstm_state.json") <= 1e-5);
    CHECK(keras_diff(DIR "fid_lstm_state.h5", DIR "fid_lstm_state.json") <= 1e-5);
    brain_tensor *x = gc_random(3, (int64_t[]){ 2, 5, 3 }, 9, -1, 1);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_lstm_state.keras"), &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (m) CHECK(gradcheck_model("LSTM return_state", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    round_trip(DIR "fid_lstm_state.keras", 1, &x);
    /* in C: GRU's [output, h] as two model outputs (output 1 of the call), trained through both */
    for (int cell = 0; cell < 3; cell++) {
        brain_sym in = brain_input_sym(BRAIN_SHAPE(4, 3), "seq");
        brain_rnn_options o = { .return_state = true, .return_sequences = cell == 2 };
        brain_layer *r = cell == 0 ? brain_gru(3, &o) : cell == 1 ? brain_simple_rnn(3, &o) : brain_lstm(3, &o);
        brain_sym out = brain_apply(r, in), h = brain_sym_output(out, 1);
        brain_sym d = brain_apply(brain_dense(2, NULL), h);
        brain_model *c = brain_functional(1, &in, 2, (brain_sym[]){ out, d }, NULL);
        CHECK_MSG(c != NULL, "%s", brain_last_error());
        brain_tensor *xc = gc_random(3, (int64_t[]){ 2, 4, 3 }, 20 + cell, -1, 1);
        if (c) CHECK(gradcheck_model("return_state as outputs", c, xc, true, 1e-3, 2e-3, 1e-2) == 0);
        if (c) round_trip_model_check(c, xc);
        brain_tensor_free(xc);
        brain_model_free(c);
    }
    /* wrong indices name the layer and the index */
    brain_sym in = brain_input_sym(BRAIN_SHAPE(4, 3), "seq");
    brain_sym out = brain_apply(brain_lstm(3, &(brain_rnn_options){ .return_state = true, .name = "enc" }), in);
    brain_sym bad = brain_sym_output(out, 3);
    CHECK(!brain_sym_ok(bad) && strstr(brain_last_error(), "'enc'") && strstr(brain_last_error(), "output 3"));
    brain_graph_free(in);
    in = brain_input_sym(BRAIN_SHAPE(4), "v");
    out = brain_apply(brain_dense(2, &(brain_dense_options){ .name = "single" }), in);
    bad = brain_sym_output(out, 1);
    CHECK(!brain_sym_ok(bad) && strstr(brain_last_error(), "'single'") && strstr(brain_last_error(), "1 output;"));
    brain_graph_free(in);
    /* a Sequential model refuses a layer with several outputs */
    brain_model *s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(4, 3)));
    brain_model_add(s, brain_lstm(3, &(brain_rnn_options){ .return_state = true }));
    CHECK_FAILS(brain_model_build(s), "has 3 outputs");
    brain_model_free(s);
    /* a file naming an output a layer does not have: the layer and the index */
    brain_model *m2 = NULL;
    CHECK_FAILS(brain_load_model(at(DIR "broken/bad_output_index.keras"), &m2, NULL), "output 5 of layer 'lstm'");
    brain_tensor_free(x);
}

int main(void)
{
    if (!getcwd(root, sizeof root)) return 2;
    masked_average();
    touches_no_other_file();
    utf8_config();
    clear_errors();
    op_layers();
    multi_output();
    return check_summary("test_fidelity");
}
