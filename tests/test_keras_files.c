/* test_keras_files.c — files written by real Keras 3 (tools/keras_golden_models.py, committed
 * under tests/keras_files/) load here and predict what Keras predicted, to 1e-5; a resumed
 * fit from Keras's saved optimizer state matches Keras's next epoch; legacy .h5 files load for
 * inference and fine-tuning with a frozen layer; Keras 2 config forms are read.
 *
 * With BRAIN_EXPORT_DIR set, it also writes models made by this library (with inputs and its
 * predictions) for the script's "check" mode, which loads them in Keras. */
#include "brain.h"
#include "check.h"
#include "internal.h"
#include "io/io.h"
#include "io_util.h"
#include <cjson/cJSON.h>

#define DIR "tests/keras_files/"
#include "keras_diff.h" /* read_json */

static brain_tensor *tensor_of(const cJSON *j, const char *key, const char *shape_key)
{
    const cJSON *sh = cJSON_GetObjectItem(j, shape_key), *v = cJSON_GetObjectItem(j, key);
    int64_t dims[8];
    int nd = 0;
    for (const cJSON *e = sh->child; e; e = e->next) dims[nd++] = (int64_t)e->valuedouble;
    brain_tensor *t = brain_tensor_new(nd, dims);
    int64_t i = 0;
    for (const cJSON *e = v->child; e; e = e->next) t->data[i++] = (float)e->valuedouble;
    return t;
}

/* the inputs: "x" (one) or "xs" (several, with "x_shapes"); returns how many */
static int inputs_of(const cJSON *j, brain_tensor **xs)
{
    const cJSON *many = cJSON_GetObjectItem(j, "xs");
    if (!many) { xs[0] = tensor_of(j, "x", "x_shape"); return 1; }
    int n = 0;
    const cJSON *sh = cJSON_GetObjectItem(j, "x_shapes")->child;
    for (const cJSON *v = many->child; v && sh && n < BRAIN_MAX_IO; v = v->next, sh = sh->next, n++) {
        int64_t dims[8];
        int nd = 0;
        for (const cJSON *e = sh->child; e; e = e->next) dims[nd++] = (int64_t)e->valuedouble;
        xs[n] = brain_tensor_new(nd, dims);
        int64_t i = 0;
        for (const cJSON *e = v->child; e; e = e->next) xs[n]->data[i++] = (float)e->valuedouble;
    }
    return n;
}

/* largest |pred - expected| over every output; `key` is "y" or "y_after" */
static double max_diff_n(brain_model *m, int n_x, brain_tensor *const *xs, const cJSON *j, const char *key)
{
    brain_tensor *outs[BRAIN_MAX_IO] = {0};
    int n = brain_model_num_outputs(m);
    if (brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, outs)) {
        fprintf(stderr, "predict: %s\n", brain_last_error());
        return INFINITY;
    }
    const cJSON *ys = cJSON_GetObjectItem(j, key);
    double worst = cJSON_GetArraySize(ys) == n ? 0 : INFINITY;
    int k = 0;
    for (const cJSON *y = ys->child; y && k < n; y = y->next, k++) {
        int64_t i = 0;
        if (cJSON_GetArraySize(y) != outs[k]->size) worst = INFINITY;
        for (const cJSON *e = y->child; e && i < outs[k]->size; e = e->next, i++) {
            double d = fabs(outs[k]->data[i] - e->valuedouble);
            if (!(d <= worst)) worst = d;
        }
    }
    for (k = 0; k < n; k++) brain_tensor_free(outs[k]);
    return worst;
}

static double max_diff(brain_model *m, brain_tensor *x, const cJSON *j, const char *key)
{
    return max_diff_n(m, 1, &x, j, key);
}

static double overall;

static void golden(const char *name, const char *ext)
{
    char path[256], jpath[256];
    snprintf(path, sizeof path, DIR "%s%s", name, ext);
    snprintf(jpath, sizeof jpath, DIR "%s.json", name);
    cJSON *j = read_json(jpath);
    CHECK_MSG(j != NULL, "%s", jpath);
    if (!j) return;
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(path, &m, NULL));
    if (m) {
        brain_tensor *xs[BRAIN_MAX_IO] = {0};
        int n_x = inputs_of(j, xs);
        double d = max_diff_n(m, n_x, xs, j, "y");
        if (d > overall) overall = d;
        CHECK_MSG(d <= 1e-5, "%s: largest difference to Keras %.3g", path, d);
        printf("%-28s max |brain - keras| = %.3g\n", path, d);
        for (int k = 0; k < n_x; k++) brain_tensor_free(xs[k]);
    }
    brain_model_free(m);
    cJSON_Delete(j);
}

/* Keras saved after 2 epochs; one more epoch here from the loaded optimizer state must land
 * where Keras's third epoch landed */
static void resume_golden(const char *name)
{
    char path[256], jpath[256];
    snprintf(path, sizeof path, DIR "%s.keras", name);
    snprintf(jpath, sizeof jpath, DIR "%s.json", name);
    cJSON *j = read_json(jpath);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(path, &m, NULL));
    if (m && j) {
        CHECK(m->compiled && brain_optimizer_iterations(brain_model_optimizer(m)) == 4);
        brain_tensor *x = tensor_of(j, "x", "x_shape"), *t = tensor_of(j, "t", "t_shape");
        CHECK(max_diff(m, x, j, "y") <= 1e-5);
        CHECK_OK(brain_fit(m, x, t, &(brain_fit_options){ .epochs = 1, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT }, NULL));
        double d = max_diff(m, x, j, "y_after");
        if (d > overall) overall = d;
        CHECK_MSG(d <= 1e-5, "%s: after one more epoch, largest difference to Keras %.3g", path, d);
        printf("%-28s after resuming: max |brain - keras| = %.3g\n", path, d);
        brain_tensor_free(x);
        brain_tensor_free(t);
    }
    brain_model_free(m);
    cJSON_Delete(j);
}

/* legacy .h5: fine-tuning with the first Dense frozen */
static void legacy_fine_tune(void)
{
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(DIR "seq_all.h5", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (!m) return;
    brain_layer *first = brain_model_layer(m, 1); /* Flatten, then Dense */
    CHECK(!strcmp(brain_layer_class(first), "Dense"));
    brain_layer_set_trainable(first, false);
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy" }));
    int64_t n = brain_model_count_params(m);
    float *before = malloc(sizeof(float) * n), *after = malloc(sizeof(float) * n);
    brain_model_get_weights(m, before, n);
    brain_tensor *x, *y;
    io_data(12, 6, 3, &x, &y);
    CHECK_OK(brain_tensor_reshape(x, 3, (int64_t[]){ 12, 2, 3 }));
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 4, .verbose = BRAIN_SILENT }, NULL));
    brain_model_get_weights(m, after, n);
    int64_t frozen = first->weights[0]->size + first->weights[1]->size;
    CHECK(!memcmp(before, after, sizeof(float) * frozen));                                  /* frozen: unchanged */
    CHECK(memcmp(before + frozen, after + frozen, sizeof(float) * (n - frozen)) != 0);      /* the rest trained */
    /* legacy weights into a model built in C */
    brain_model *c = NULL;
    CHECK_OK(brain_load_model(DIR "seq_all.keras", &c, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (c) {
        memset(brain_model_params(c), 0, sizeof(float) * brain_model_count_trainable(c));
        CHECK_OK(brain_load_weights(c, DIR "seq_all.h5"));
        CHECK(!memcmp(brain_model_params(c), before, sizeof(float) * frozen));
    }
    brain_model *w = brain_sequential(NULL);
    brain_model_add(w, brain_input(BRAIN_SHAPE(6)));
    brain_model_add(w, brain_dense(8, NULL));
    CHECK_FAILS(brain_load_weights(w, DIR "seq_all.h5"), "layers with weights");
    free(before); free(after);
    brain_tensor_free(x); brain_tensor_free(y);
    brain_model_free(m); brain_model_free(c); brain_model_free(w);
}

/* a file laid out as tf.keras 2.15 writes it: compiled from its training_config */
static void keras2_file(void)
{
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(DIR "keras2_style.h5", &m, NULL));
    CHECK(m && m->compiled && m->optimizer->kind == BRAIN_OPT_ADAM && !strcmp(m->optimizer->name, "Adam"));
    CHECK(m && m->heads[0].n_metrics == 1 && !strcmp(m->heads[0].metrics[0]->name, "accuracy"));
    CHECK(m && !strcmp(brain_loss_name(m->heads[0].loss), "categorical_crossentropy"));
    brain_model_free(m);
}

/* tf.keras 2.x configs: batch_input_shape on the first layer, string dtypes, no "module",
 * legacy inbound_nodes [[["name", 0, 0, {}]]] */
static void keras2_configs(void)
{
    const char *seq = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": ["
                      "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"trainable\": true, \"batch_input_shape\": [null, 4],"
                      " \"dtype\": \"float32\", \"units\": 3, \"activation\": \"relu\", \"use_bias\": true,"
                      " \"kernel_initializer\": {\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}},"
                      " \"bias_initializer\": {\"class_name\": \"Zeros\", \"config\": {}}, \"kernel_regularizer\": null,"
                      " \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null}},"
                      "{\"class_name\": \"LeakyReLU\", \"config\": {\"name\": \"leaky_re_lu\", \"trainable\": true, \"dtype\": \"float32\", \"alpha\": 0.1}},"
                      "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"dropout\", \"trainable\": true, \"dtype\": \"float32\", \"rate\": 0.5,"
                      " \"noise_shape\": null, \"seed\": null}}]}, \"keras_version\": \"2.15.0\", \"backend\": \"tensorflow\"}";
    cJSON *j = cJSON_Parse(seq);
    brain_model *m = NULL;
    CHECK_OK(brain__model_from_config(j, "keras2_seq", &m));
    CHECK(m && m->input_shape.ndim == 1 && m->input_shape.dims[0] == 4 && m->n_layers == 3);
    cJSON_Delete(j);
    brain_model_free(m);
    const char *fun = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"model\", \"layers\": ["
                      "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 5], \"dtype\": \"float32\", \"sparse\": false,"
                      " \"ragged\": false, \"name\": \"input_1\"}, \"name\": \"input_1\", \"inbound_nodes\": []},"
                      "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2}, \"name\": \"dense\","
                      " \"inbound_nodes\": [[[\"input_1\", 0, 0, {}]]]},"
                      "{\"class_name\": \"Dense\", \"config\": {\"name\": \"out\", \"units\": 1, \"activation\": \"sigmoid\"}, \"name\": \"out\","
                      " \"inbound_nodes\": [[[\"dense\", 0, 0, {}]]]}],"
                      " \"input_layers\": [[\"input_1\", 0, 0]], \"output_layers\": [[\"out\", 0, 0]]}}";
    j = cJSON_Parse(fun);
    m = NULL;
    CHECK_OK(brain__model_from_config(j, "keras2_functional", &m));
    CHECK(m && brain_model_num_inputs(m) == 1 && brain_model_output_shape(m).dims[0] == 1);
    cJSON_Delete(j);
    brain_model_free(m);
}

/* ------------------------------------------------------------------ export for the Keras check */
/* "y": predictions; with t, also "t" and "y_after": predictions after one more epoch
 * (batch 4, no shuffling) from the saved state, which the script repeats in Keras */
static void write_floats(FILE *f, const brain_tensor *t)
{
    fprintf(f, "[");
    for (int64_t i = 0; i < t->size; i++) fprintf(f, "%s%.9g", i ? ", " : "", t->data[i]);
    fprintf(f, "]");
}

static void write_shape(FILE *f, const brain_tensor *t)
{
    fprintf(f, "[");
    for (int i = 0; i < t->ndim; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)t->shape[i]);
    fprintf(f, "]");
}

/* a model with several inputs: "xs" and "x_shapes" */
static void write_export_multi(const char *dir, const char *name, brain_model *m, int n_x, const brain_tensor *const *xs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.keras", dir, name);
    CHECK_OK(brain_save(m, path));
    brain_tensor *outs[BRAIN_MAX_IO] = {0};
    CHECK_OK(brain_predict_multi(m, n_x, xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, outs));
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"x_shapes\": [");
    for (int k = 0; k < n_x; k++) { if (k) fprintf(f, ", "); write_shape(f, xs[k]); }
    fprintf(f, "], \"xs\": [");
    for (int k = 0; k < n_x; k++) { if (k) fprintf(f, ", "); write_floats(f, xs[k]); }
    fprintf(f, "], \"y\": [");
    for (int k = 0; k < brain_model_num_outputs(m); k++) {
        if (k) fprintf(f, ", ");
        write_floats(f, outs[k]);
        brain_tensor_free(outs[k]);
    }
    fprintf(f, "]}\n");
    fclose(f);
}

static void write_export(const char *dir, const char *name, brain_model *m, brain_tensor *x, brain_tensor *t)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.keras", dir, name);
    CHECK_OK(brain_save(m, path));
    brain_tensor *outs[BRAIN_MAX_IO] = {0};
    CHECK_OK(brain_predict_multi(m, 1, (const brain_tensor *const[]){ x }, &(brain_eval_options){ .verbose = BRAIN_SILENT }, outs));
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    FILE *f = fopen(path, "w");
    fprintf(f, "{\"x_shape\": [");
    for (int i = 0; i < x->ndim; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)x->shape[i]);
    fprintf(f, "], \"x\": [");
    for (int64_t i = 0; i < x->size; i++) fprintf(f, "%s%.9g", i ? ", " : "", x->data[i]);
    fprintf(f, "], \"y\": [");
    for (int k = 0; k < brain_model_num_outputs(m); k++) {
        fprintf(f, "%s[", k ? ", " : "");
        for (int64_t i = 0; i < outs[k]->size; i++) fprintf(f, "%s%.9g", i ? ", " : "", outs[k]->data[i]);
        fprintf(f, "]");
        brain_tensor_free(outs[k]);
    }
    fprintf(f, "]");
    if (t) {
        CHECK_OK(brain_fit(m, x, t, &(brain_fit_options){ .epochs = 1, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT }, NULL));
        brain_tensor *after = NULL;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &after));
        fprintf(f, ", \"t_shape\": [%lld, %lld], \"t\": [", (long long)t->shape[0], (long long)t->shape[1]);
        for (int64_t i = 0; i < t->size; i++) fprintf(f, "%s%.9g", i ? ", " : "", t->data[i]);
        fprintf(f, "], \"y_after\": [[");
        for (int64_t i = 0; i < after->size; i++) fprintf(f, "%s%.9g", i ? ", " : "", after->data[i]);
        fprintf(f, "]]");
        brain_tensor_free(after);
    }
    fprintf(f, "}\n");
    fclose(f);
}

static void export_models(const char *dir)
{
    brain_tensor *x, *y;
    io_data(6, 6, 3, &x, &y);
    brain_set_random_seed(31);
    brain_model *m = brain_sequential("brain_seq_all");
    brain_model_add(m, brain_input(BRAIN_SHAPE(2, 3)));
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(8, &(brain_dense_options){ .activation = BRAIN_RELU, .kernel_regularizer = brain_l1_l2(0.01f, 0.02f) }));
    brain_model_add(m, brain_dropout(0.3f, NULL));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){ .activation = BRAIN_GELU, .kernel_initializer = BRAIN_INIT_LECUN_NORMAL }));
    brain_model_add(m, brain_leaky_relu(0.2f, NULL));
    brain_model_add(m, brain_activation(BRAIN_SIGMOID, NULL));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                               .metric_names = (const char *[]){ "accuracy", NULL } });
    brain_tensor *x3 = brain_tensor_clone(x);
    brain_tensor_reshape(x3, 3, (int64_t[]){ 6, 2, 3 });
    CHECK_OK(brain_fit(m, x3, y, &(brain_fit_options){ .epochs = 2, .batch_size = 3, .verbose = BRAIN_SILENT }, NULL));
    write_export(dir, "brain_seq_all", m, x3, NULL);
    brain_model_free(m);

    static const brain_activation_kind acts[] = { BRAIN_RELU, BRAIN_SIGMOID, BRAIN_TANH, BRAIN_ELU, BRAIN_SELU, BRAIN_GELU,
                                                  BRAIN_SILU, BRAIN_SOFTPLUS, BRAIN_SOFTSIGN, BRAIN_HARD_SIGMOID,
                                                  BRAIN_EXPONENTIAL, BRAIN_LEAKY_RELU, BRAIN_LINEAR, BRAIN_SOFTMAX };
    m = brain_sequential("brain_acts");
    brain_model_add(m, brain_input(BRAIN_SHAPE(6)));
    for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++)
        brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = acts[i] }));
    brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(&(brain_sgd_options){ .learning_rate = 0.05f, .momentum = 0.9f }),
                                               .loss_name = "mse" });
    write_export(dir, "brain_acts", m, x, NULL);
    brain_model_free(m);

    brain_sym in = brain_input_sym(BRAIN_SHAPE(6), "features");
    brain_sym h = brain_apply(brain_dense(5, &(brain_dense_options){ .activation = BRAIN_SELU, .name = "shared" }), in);
    brain_sym d = brain_apply(brain_dropout(0.1f, NULL), h);
    brain_sym o1 = brain_apply(brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "cls" }), d);
    brain_sym o2 = brain_apply(brain_dense(1, &(brain_dense_options){ .name = "reg" }), h);
    m = brain_functional(1, &in, 2, (brain_sym[]){ o1, o2 }, &(brain_functional_options){ .name = "brain_two_heads" });
    brain_output_compile_options outs[2] = { { .loss_name = "categorical_crossentropy", .metric_names = (const char *[]){ "accuracy", NULL } },
                                             { .loss_name = "mse", .loss_weight = 0.5f, .has_loss_weight = true } };
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "rmsprop", .outputs = outs, .n_outputs = 2 }));
    write_export(dir, "brain_two_heads", m, x, NULL);
    brain_model_free(m);
    /* every merge layer, two inputs, two outputs */
    brain_tensor *xb = brain_tensor_new(2, (int64_t[]){ 6, 4 }), *xa = brain_tensor_new(2, (int64_t[]){ 6, 4 });
    for (int64_t i = 0; i < 24; i++) { xa->data[i] = x->data[i]; xb->data[i] = x->data[35 - i]; }
    brain_sym a = brain_input_sym(BRAIN_SHAPE(4), "a"), b = brain_input_sym(BRAIN_SHAPE(4), "b");
    brain_sym h1 = brain_apply(brain_dense(3, &(brain_dense_options){ .activation = BRAIN_TANH, .name = "h1" }), a);
    brain_sym h2 = brain_apply(brain_dense(3, &(brain_dense_options){ .activation = BRAIN_RELU, .name = "h2" }), b);
    brain_sym sum = brain_apply_n(brain_add(NULL), BRAIN_SYMS(h1, h2));
    brain_sym dif = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(h1, h2));
    brain_sym pro = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(h1, h2));
    brain_sym avg = brain_apply_n(brain_average(NULL), BRAIN_SYMS(h1, h2, sum));
    brain_sym mx = brain_apply_n(brain_maximum(NULL), BRAIN_SYMS(dif, pro));
    brain_sym cat = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(sum, dif, pro, avg, mx, a));
    brain_sym out = brain_apply(brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "out" }), cat);
    brain_sym aux = brain_apply(brain_dense(1, &(brain_dense_options){ .name = "aux" }), mx);
    m = brain_functional(BRAIN_SYMS(a, b), BRAIN_SYMS(out, aux), &(brain_functional_options){ .name = "brain_merges" });
    CHECK(m != NULL);
    if (m) {
        brain_output_compile_options mo[2] = { { .loss_name = "categorical_crossentropy" }, { .loss_name = "mse" } };
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .outputs = mo, .n_outputs = 2 }));
        write_export_multi(dir, "brain_merges", m, BRAIN_TENSORS(xa, xb));
    }
    brain_model_free(m);
    brain_tensor_free(xa);
    brain_tensor_free(xb);

    /* images: Conv2D, BatchNormalization (trained), pooling, RandomFlip, RandomRotation */
    brain_tensor *img = brain_tensor_new(4, (int64_t[]){ 4, 6, 6, 2 }), *t2 = brain_tensor_new(2, (int64_t[]){ 4, 2 });
    for (int64_t i = 0; i < img->size; i++) img->data[i] = sinf((float)i * 0.37f);
    for (int64_t i = 0; i < 4; i++) { t2->data[2 * i] = (float)(i & 1); t2->data[2 * i + 1] = (float)!(i & 1); }
    brain_set_random_seed(33);
    m = brain_sequential("brain_images");
    brain_model_add(m, brain_input(BRAIN_SHAPE(6, 6, 2)));
    brain_model_add(m, brain_random_flip(NULL));
    brain_model_add(m, brain_random_rotation(0.1f, NULL));
    brain_model_add(m, brain_conv2d(3, 3, 3, &(brain_conv_options){ .padding = BRAIN_PADDING_SAME, .activation = BRAIN_RELU }));
    brain_model_add(m, brain_batch_normalization(NULL));
    brain_model_add(m, brain_max_pooling2d(NULL));
    brain_model_add(m, brain_conv2d(4, 2, 2, &(brain_conv_options){ .activation = BRAIN_TANH }));
    brain_model_add(m, brain_average_pooling2d(NULL));
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy" }));
    CHECK_OK(brain_fit(m, img, t2, &(brain_fit_options){ .epochs = 2, .batch_size = 2, .verbose = BRAIN_SILENT }, NULL));
    write_export(dir, "brain_images", m, img, NULL);
    brain_model_free(m);
    brain_tensor_free(img); brain_tensor_free(t2);

    /* signals and global pooling: Reshape, Conv1D, pooling 1-D, global pooling 1-D and 2-D */
    brain_tensor *sig = brain_tensor_new(2, (int64_t[]){ 3, 16 });
    for (int64_t i = 0; i < sig->size; i++) sig->data[i] = cosf((float)i * 0.53f);
    m = brain_sequential("brain_signals");
    brain_model_add(m, brain_input(BRAIN_SHAPE(16)));
    brain_model_add(m, brain_reshape(BRAIN_SHAPE(8, 2), NULL));
    brain_model_add(m, brain_conv1d(3, 3, &(brain_conv_options){ .padding = BRAIN_PADDING_SAME, .activation = BRAIN_RELU }));
    brain_model_add(m, brain_max_pooling1d(NULL));
    brain_model_add(m, brain_conv1d(2, 2, NULL));
    brain_model_add(m, brain_average_pooling1d(&(brain_pool_options){ .pool_size = { 1 } }));
    brain_model_add(m, brain_global_average_pooling1d(NULL));
    brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "sgd", .loss_name = "binary_crossentropy" }));
    write_export(dir, "brain_signals", m, sig, NULL);
    brain_model_free(m);
    brain_tensor_free(sig);
    brain_tensor *im5 = brain_tensor_new(4, (int64_t[]){ 3, 5, 5, 2 });
    for (int64_t i = 0; i < im5->size; i++) im5->data[i] = sinf((float)i * 0.21f + 1);
    brain_sym ii = brain_input_sym(BRAIN_SHAPE(5, 5, 2), "img");
    brain_sym cc = brain_apply(brain_conv2d(3, 3, 3, &(brain_conv_options){ .strides = { 2, 2 }, .padding = BRAIN_PADDING_SAME,
                                                                          .activation = BRAIN_ELU }), ii);
    brain_sym g1 = brain_apply(brain_global_average_pooling2d(NULL), cc), g2 = brain_apply(brain_global_max_pooling2d(NULL), cc);
    brain_sym oo = brain_apply(brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "o" }),
                               brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(g1, g2)));
    m = brain_functional(1, &ii, 1, &oo, &(brain_functional_options){ .name = "brain_image_heads" });
    CHECK(m != NULL);
    if (m) {
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "rmsprop", .loss_name = "categorical_crossentropy" }));
        write_export(dir, "brain_image_heads", m, im5, NULL);
    }
    brain_model_free(m);
    brain_tensor_free(im5);

    /* sequences: Embedding, SimpleRNN, LSTM, GRU; Bidirectional */
    brain_tensor *ids = brain_tensor_new(2, (int64_t[]){ 3, 5 }), *seq = brain_tensor_new(3, (int64_t[]){ 3, 4, 3 });
    for (int64_t i = 0; i < ids->size; i++) ids->data[i] = (float)((i * 7) % 10);
    for (int64_t i = 0; i < seq->size; i++) seq->data[i] = sinf((float)i * 0.77f);
    m = brain_sequential("brain_sequences");
    brain_model_add(m, brain_input(BRAIN_SHAPE(5)));
    brain_model_add(m, brain_embedding(10, 3, NULL));
    brain_model_add(m, brain_simple_rnn(3, &(brain_rnn_options){ .return_sequences = true }));
    brain_model_add(m, brain_lstm(3, &(brain_rnn_options){ .return_sequences = true }));
    brain_model_add(m, brain_gru(2, NULL));
    brain_model_add(m, brain_dense(1, NULL));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "mse" }));
    write_export(dir, "brain_sequences", m, ids, NULL);
    brain_model_free(m);
    m = brain_sequential("brain_bidirectional");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4, 3)));
    brain_model_add(m, brain_bidirectional(brain_lstm(2, &(brain_rnn_options){ .return_sequences = true }), NULL));
    brain_model_add(m, brain_bidirectional(brain_gru(2, NULL), NULL));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy" }));
    write_export(dir, "brain_bidirectional", m, seq, NULL);
    brain_model_free(m);
    brain_tensor_free(ids); brain_tensor_free(seq);

    /* trained with Adam (amsgrad) and saved: Keras continues from the saved optimizer state */
    brain_set_random_seed(32);
    m = brain_sequential("brain_resume");
    brain_model_add(m, brain_input(BRAIN_SHAPE(6)));
    brain_model_add(m, brain_dense(5, &(brain_dense_options){ .activation = BRAIN_TANH }));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.02f, .amsgrad = true }),
                                               .loss_name = "categorical_crossentropy" });
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT }, NULL));
    write_export(dir, "brain_resume", m, x, y);
    brain_model_free(m);
    brain_tensor_free(x); brain_tensor_free(x3); brain_tensor_free(y);
    printf("exported brain models to %s\n", dir);
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    golden("seq_all", ".keras");
    golden("seq_all", ".h5");
    golden("activations", ".keras");
    golden("two_heads", ".keras");
    golden("two_heads", ".h5");
    golden("keras2_style", ".h5");
    static const char *const more[] = { "images", "image_heads", "signals", "sequences", "bidirectional" };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        golden(more[i], ".keras");
        golden(more[i], ".h5");
    }
    golden("merges", ".keras");
    golden("merges", ".h5");
    resume_golden("resume");
    resume_golden("resume_adam");
    resume_golden("resume_frozen");
    legacy_fine_tune();
    keras2_configs();
    keras2_file();
    printf("largest difference to Keras over all golden files: %.3g\n", overall);
    const char *dir = getenv("BRAIN_EXPORT_DIR");
    if (dir && *dir) export_models(dir);
    return check_summary("test_keras_files");
}
