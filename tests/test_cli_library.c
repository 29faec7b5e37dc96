/* test_cli_library.c — the library calls the command line needs (issue 9): brain_read_csv
 * without a header, with the target by index, with runs of whitespace, without a target;
 * brain_npz_members; brain_load_idx_pair with its count check; a model's saved preprocessing
 * (scaler and class labels) through brain_save / brain_load_model, bit for bit; and
 * brain_load_options.weights = BRAIN_OFF (architecture only, fresh weights); brain_save to a
 * legacy .h5 file (Keras's model.save("x.h5")) and back, for Sequential and functional models. */
#include "brain.h"
#include "check.h"
#include <stdlib.h>
#include <unistd.h>

static char g_dir[64];

static const char *write_file(const char *name, const char *text)
{
    static char paths[16][128];
    static int k;
    char *p = paths[k++ % 16];
    snprintf(p, 128, "%s/%s", g_dir, name);
    FILE *f = fopen(p, "wb");
    if (f) { fputs(text, f); fclose(f); }
    return p;
}

static brain_table *csv(const char *path, brain_csv_options o)
{
    brain_table *t = NULL;
    CHECK_OK(brain_read_csv(path, &o, &t));
    return t;
}

static void test_csv_options(void)
{
    /* no header, target by index (first column, as UCR files) */
    const char *p = write_file("nohdr.csv", "1,2,3\n4,5,6\n");
    brain_table *t = csv(p, (brain_csv_options){ .no_header = true, .target_index = 0, .has_target_index = true });
    if (t) {
        float x[4] = { 2, 3, 5, 6 }, y[2] = { 1, 4 };
        CHECK(t->n_rows == 2 && t->n_features == 2 && !memcmp(t->x, x, sizeof x) && !memcmp(t->y, y, sizeof y));
        CHECK(!strcmp(t->target_name, "0") && !strcmp(t->feature_names[0], "1") && !strcmp(t->feature_names[1], "2"));
        brain_table_free(t);
    }
    /* negative index: from the end; with a header too */
    p = write_file("hdr.csv", "a,b,label\n1,2,x\n3,4,y\n");
    t = csv(p, (brain_csv_options){ .target_index = -1, .has_target_index = true });
    if (t) {
        CHECK(!strcmp(t->target_name, "label") && t->n_features == 2 && t->n_classes == 2 && t->y[1] == 1);
        brain_table_free(t);
    }
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target_index = 3, .has_target_index = true }, &t),
                "target column index 3 is out of range: line 1 has 3 columns (0 to 2, or -1 to -3 from the end)");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target_index = -4, .has_target_index = true }, &t), "out of range");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target = "a", .target_index = 1, .has_target_index = true }, &t),
                "one of them");
    /* no target: every column a feature, y NULL */
    p = write_file("notarget.csv", "a,b\n1,2\n3,4\n5,6\n");
    t = csv(p, (brain_csv_options){ .no_target = true });
    if (t) {
        CHECK(t->n_rows == 3 && t->n_features == 2 && !t->y && !t->target_name && t->x[5] == 6);
        CHECK(brain_table_y(t) == NULL && strstr(brain_last_error(), "no target"));
        brain_table_free(t);
    }
    /* runs of blanks, blanks at both ends, blank lines, tabs; no header */
    p = write_file("ucr.txt", "   1   0.5\t\t2.5  \n\n  \t \n2 -1e1 3\n");
    t = csv(p, (brain_csv_options){ .delim_whitespace = true, .no_header = true, .target_index = 0, .has_target_index = true });
    if (t) {
        float x[4] = { 0.5f, 2.5f, -10, 3 }, y[2] = { 1, 2 };
        CHECK(t->n_rows == 2 && t->n_features == 2 && !memcmp(t->x, x, sizeof x) && !memcmp(t->y, y, sizeof y));
        brain_table_free(t);
    }
    /* whitespace with a header and a quoted name holding a blank */
    p = write_file("ws_hdr.txt", "\"left arm\"  right   class\n 1  2 a\n3 4   b\n");
    t = csv(p, (brain_csv_options){ .delim_whitespace = true, .target = "class" });
    if (t) {
        CHECK(!strcmp(t->feature_names[0], "left arm") && t->n_rows == 2 && t->n_classes == 2 && t->x[2] == 3);
        brain_table_free(t);
    }
    /* ragged whitespace rows are still errors naming the line */
    p = write_file("ragged.txt", "1 2 3\n4 5\n");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .delim_whitespace = true, .no_header = true, .target_index = 0,
                                                       .has_target_index = true }, &t), "line 2 has 2 fields");
    p = write_file("empty.csv", "\n\n");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .no_header = true, .target_index = 0, .has_target_index = true }, &t),
                "the file is empty; it has no data rows");
}

static void test_npz_members(void)
{
    char **names = NULL;
    int64_t n = 0;
    CHECK_OK(brain_npz_members("tests/data/stored.npz", &names, &n));
    CHECK(n == 2 && names && !strcmp(names[0], "x") && !strcmp(names[1], "y"));
    brain_npz_members_free(names, n);
    CHECK_OK(brain_npz_members("tests/data/deflated.npz", &names, &n));
    CHECK(n == 2 && !strcmp(names[1], "y"));
    brain_npz_members_free(names, n);
    CHECK_FAILS(brain_npz_members("tests/data/f4_2x3.npy", &names, &n), "is not a readable .npz");
    CHECK(names == NULL && n == 0);
    CHECK_FAILS(brain_npz_members("tests/data/no_such.npz", &names, &n), "no_such.npz");
    CHECK_FAILS(brain_npz_members(NULL, &names, &n), "must not be NULL");
}

static void test_idx_pair(void)
{
    brain_tensor *x = NULL, *y = NULL;
    CHECK_OK(brain_load_idx_pair("tests/cli/data/digits-images.idx", "tests/cli/data/digits-labels.idx", &x, &y));
    CHECK(x && y && x->ndim == 3 && x->shape[0] == 60 && x->shape[1] == 8 && x->shape[2] == 8);
    CHECK(y && y->ndim == 1 && y->shape[0] == 60 && y->data[0] == 0 && y->data[1] == 1);
    brain_tensor_free(x);
    brain_tensor_free(y);
    CHECK_FAILS(brain_load_idx_pair("tests/cli/data/digits-images.idx", "tests/cli/data/digits-labels59.idx", &x, &y),
                "holds 60 images but tests/cli/data/digits-labels59.idx holds 59 labels");
    CHECK(x == NULL && y == NULL);
    CHECK_FAILS(brain_load_idx_pair("tests/cli/data/digits-images.idx", "tests/data/u8_3x4x5.idx", &x, &y),
                "one value per image");
    CHECK_FAILS(brain_load_idx_pair("tests/data/missing.idx", "tests/cli/data/digits-labels.idx", &x, &y), "missing.idx");
}

static brain_model *small_model(void)
{
    brain_model *m = brain_sequential("small");
    brain_model_add(m, brain_input(BRAIN_SHAPE(3)));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy" });
    return m;
}

static void test_preprocessing_saved(void)
{
    brain_set_random_seed(3);
    /* awkward statistics: a large offset, a small range, a constant column */
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ 50, 3 });
    brain_rng r;
    brain_rng_seed(&r, 9);
    for (int i = 0; i < 50; i++) {
        x->data[i * 3] = (float)(1000 + brain_rng_normal(&r) * 1e-3);
        x->data[i * 3 + 1] = (float)(brain_rng_uniform(&r) * 7 - 3);
        x->data[i * 3 + 2] = 5;
    }
    brain_scaler *ss = brain_standard_scaler(), *mm = brain_minmax_scaler(-1, 2);
    CHECK_OK(brain_scaler_fit(ss, x));
    CHECK_OK(brain_scaler_fit(mm, x));
    brain_model *m = small_model();
    brain_scaler *unfitted = brain_standard_scaler();
    CHECK_FAILS(brain_model_set_scaler(m, unfitted), "not fitted");
    brain_scaler_free(unfitted);
    CHECK(brain_model_scaler(m) == NULL && brain_model_num_class_names(m) == 0);
    CHECK_OK(brain_model_set_scaler(m, ss));
    CHECK_OK(brain_model_set_class_names(m, (const char *[]){ "benign", "malignant, \"quoted\"" }, 2));
    CHECK(brain_model_scaler(m) != ss && brain_model_class_name(m, 2) == NULL);
    char path[128], path2[128], path3[128];
    snprintf(path, sizeof path, "%s/pre.keras", g_dir);
    snprintf(path2, sizeof path2, "%s/mm.keras", g_dir);
    snprintf(path3, sizeof path3, "%s/none.keras", g_dir);
    CHECK_OK(brain_save(m, path));
    brain_model *back = NULL;
    CHECK_OK(brain_load_model(path, &back, NULL));
    if (back) {
        const brain_scaler *s = brain_model_scaler(back);
        CHECK(s && brain_scaler_num_features(s) == 3 && !strcmp(brain_scaler_class_name(s), "StandardScaler"));
        CHECK(s && !memcmp(brain_scaler_mean(s), brain_scaler_mean(ss), 3 * sizeof(double)));
        CHECK(s && !memcmp(brain_scaler_scale(s), brain_scaler_scale(ss), 3 * sizeof(double)));
        brain_tensor *a = brain_tensor_clone(x), *b = brain_tensor_clone(x);
        CHECK_OK(brain_scaler_transform(ss, a));
        CHECK_OK(brain_scaler_transform(s, b));
        CHECK(!memcmp(a->data, b->data, sizeof(float) * (size_t)a->size));
        brain_tensor_free(a);
        brain_tensor_free(b);
        CHECK(brain_model_num_class_names(back) == 2 && !strcmp(brain_model_class_name(back, 0), "benign") &&
              !strcmp(brain_model_class_name(back, 1), "malignant, \"quoted\""));
        /* the preprocessing goes on through a second save (convert) */
        CHECK_OK(brain_model_set_scaler(back, mm));
        CHECK_OK(brain_save(back, path2));
        brain_model_free(back);
    }
    CHECK_OK(brain_load_model(path2, &back, NULL));
    if (back) {
        const brain_scaler *s = brain_model_scaler(back);
        CHECK(s && !strcmp(brain_scaler_class_name(s), "MinMaxScaler"));
        brain_tensor *a = brain_tensor_clone(x), *b = brain_tensor_clone(x);
        CHECK_OK(brain_scaler_transform(mm, a));
        CHECK_OK(brain_scaler_transform(s, b));
        CHECK(!memcmp(a->data, b->data, sizeof(float) * (size_t)a->size));
        CHECK_OK(brain_scaler_inverse_transform(s, b));
        CHECK_NEAR(b->data[4], x->data[4], 1e-5, 1e-5);
        brain_tensor_free(a);
        brain_tensor_free(b);
        CHECK(brain_model_num_class_names(back) == 2);
        brain_model_free(back);
    }
    /* removing it: no member, nothing after loading */
    CHECK_OK(brain_model_set_scaler(m, NULL));
    CHECK_OK(brain_model_set_class_names(m, NULL, 0));
    CHECK_OK(brain_save(m, path3));
    CHECK_OK(brain_load_model(path3, &back, NULL));
    if (back) {
        CHECK(brain_model_scaler(back) == NULL && brain_model_num_class_names(back) == 0);
        brain_model_free(back);
    }
    /* weights off: the same architecture and compile config, fresh weights */
    int64_t np = brain_model_count_params(m);
    float *w0 = malloc(sizeof(float) * (size_t)np), *w1 = malloc(sizeof(float) * (size_t)np);
    CHECK_OK(brain_model_get_weights(m, w0, np));
    CHECK_OK(brain_load_model(path3, &back, &(brain_load_options){ .weights = BRAIN_OFF }));
    if (back) {
        CHECK(brain_model_count_params(back) == np && brain_model_optimizer(back) != NULL);
        CHECK_OK(brain_model_get_weights(back, w1, np));
        CHECK(memcmp(w0, w1, sizeof(float) * (size_t)np) != 0);
        brain_model_free(back);
    }
    CHECK_OK(brain_load_model(path3, &back, NULL));
    if (back) {
        CHECK_OK(brain_model_get_weights(back, w1, np));
        CHECK(!memcmp(w0, w1, sizeof(float) * (size_t)np));
        brain_model_free(back);
    }
    free(w0);
    free(w1);
    CHECK_FAILS(brain_model_set_class_names(m, (const char *[]){ "a", NULL }, 2), "name 1 is NULL");
    CHECK_FAILS(brain_model_set_class_names(NULL, NULL, 0), "model is NULL");
    brain_scaler *c = brain_scaler_clone(ss);
    CHECK(c && !memcmp(brain_scaler_mean(c), brain_scaler_mean(ss), 3 * sizeof(double)));
    brain_scaler_free(c);
    brain_model_free(m);
    brain_scaler_free(ss);
    brain_scaler_free(mm);
    brain_tensor_free(x);
    remove(path);
    remove(path2);
    remove(path3);
}

static void same_model(brain_model *a, brain_model *b, const brain_tensor *x, const char *what)
{
    int64_t n = brain_model_count_params(a);
    CHECK_MSG(brain_model_count_params(b) == n, "%s: parameter count", what);
    float *wa = malloc(sizeof(float) * (size_t)n), *wb = malloc(sizeof(float) * (size_t)n);
    CHECK_OK(brain_model_get_weights(a, wa, n));
    CHECK_OK(brain_model_get_weights(b, wb, n));
    CHECK_MSG(!memcmp(wa, wb, sizeof(float) * (size_t)n), "%s: weights", what);
    brain_tensor *pa = NULL, *pb = NULL;
    CHECK_OK(brain_predict(a, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pa));
    CHECK_OK(brain_predict(b, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pb));
    CHECK_MSG(pa && pb && pa->size == pb->size && !memcmp(pa->data, pb->data, sizeof(float) * (size_t)pa->size),
              "%s: predictions", what);
    brain_tensor_free(pa);
    brain_tensor_free(pb);
    free(wa);
    free(wb);
}

static void test_legacy_h5_save(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/legacy.h5", g_dir);
    brain_set_random_seed(11);
    /* Sequential: an LSTM (weights under a cell), BatchNormalization (non-trainable statistics
     * after the trainable ones), a frozen Dense */
    brain_model *m = brain_sequential("seq");
    brain_model_add(m, brain_input(BRAIN_SHAPE(5, 3)));
    brain_model_add(m, brain_lstm(4, NULL));
    brain_model_add(m, brain_batch_normalization(NULL));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
    brain_layer_set_trainable(brain_model_layer(m, 2), false);
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "rmsprop", .loss_name = "binary_crossentropy",
                                                       .metric_names = (const char *[]){ "accuracy", NULL } }));
    brain_tensor *x = brain_tensor_new(3, (int64_t[]){ 16, 5, 3 }), *y = brain_tensor_new(2, (int64_t[]){ 16, 1 });
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)((i * 37) % 11) / 11.0f - 0.4f;
    for (int i = 0; i < 16; i++) y->data[i] = (float)(i % 2);
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT }, NULL));
    CHECK_OK(brain_save(m, path));
    brain_model *back = NULL;
    CHECK_OK(brain_load_model(path, &back, NULL));
    if (back) {
        same_model(m, back, x, "Sequential via .h5");
        CHECK(brain_model_optimizer(back) && !strcmp(brain_optimizer_class(brain_model_optimizer(back)), "RMSprop"));
        brain_logs la, lb;
        CHECK_OK(brain_evaluate(m, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &la));
        CHECK_OK(brain_evaluate(back, x, y, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &lb));
        CHECK(la.n == lb.n && la.n == 2 && la.values[0] == lb.values[0] && la.values[1] == lb.values[1]);
        brain_model_free(back);
    }
    brain_model_free(m);
    /* functional, two inputs, uncompiled: no training_config */
    brain_sym a = brain_input_sym(BRAIN_SHAPE(5, 3), "series"), b = brain_input_sym(BRAIN_SHAPE(2), "extra");
    brain_sym h = brain_apply(brain_flatten(NULL), a);
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(h, b));
    brain_sym o = brain_apply(brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }), c);
    m = brain_functional(BRAIN_SYMS(a, b), 1, &o, NULL);
    CHECK(m != NULL);
    snprintf(path, sizeof path, "%s/functional.hdf5", g_dir);
    if (m) {
        CHECK_OK(brain_save(m, path));
        CHECK_OK(brain_load_model(path, &back, NULL));
        if (back) {
            CHECK(brain_model_num_inputs(back) == 2 && brain_model_optimizer(back) == NULL);
            int64_t n = brain_model_count_params(m);
            float *wa = malloc(sizeof(float) * (size_t)n), *wb = malloc(sizeof(float) * (size_t)n);
            CHECK_OK(brain_model_get_weights(m, wa, n));
            CHECK_OK(brain_model_get_weights(back, wb, n));
            CHECK(brain_model_count_params(back) == n && !memcmp(wa, wb, sizeof(float) * (size_t)n));
            free(wa);
            free(wb);
            brain_model_free(back);
        }
        brain_model_free(m);
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/brain_test_cli_lib_XXXXXX");
    if (!mkdtemp(g_dir)) { perror("mkdtemp"); return 1; }
    test_csv_options();
    test_npz_members();
    test_idx_pair();
    test_preprocessing_saved();
    test_legacy_h5_save();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g_dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", g_dir);
    return check_summary("test_cli_library");
}
