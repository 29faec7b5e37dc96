/* test_saving.c — .keras and .weights.h5 round trips, config.json and HDF5 layout as Keras
 * writes them, get_config/from_config round trips, and clear errors on bad files. */
#include "brain.h"
#include "check.h"
#include "internal.h"
#include "io_util.h"
#include <cjson/cJSON.h>
#include <hdf5.h>

static brain_model *make_model(uint64_t seed, bool compile)
{
    brain_set_random_seed(seed);
    brain_model *m = brain_sequential("round_trip");
    brain_model_add(m, brain_input(BRAIN_SHAPE(5)));
    brain_model_add(m, brain_dense(8, &(brain_dense_options){ .activation = BRAIN_RELU, .kernel_regularizer = brain_l2(0.01f),
                                                              .kernel_initializer = BRAIN_INIT_HE_NORMAL }));
    brain_model_add(m, brain_dropout(0.25f, NULL));
    brain_model_add(m, brain_dense(6, &(brain_dense_options){ .activation = BRAIN_TANH, .name = "hidden" }));
    brain_model_add(m, brain_leaky_relu(0.3f, NULL));
    brain_model_add(m, brain_activation(BRAIN_GELU, NULL));
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .use_bias = BRAIN_ON }));
    if (compile)
        brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 0.01f, .amsgrad = true }),
                                                   .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } });
    else
        brain_model_build(m);
    return m;
}

static bool same_weights(brain_model *a, brain_model *b)
{
    int64_t n = brain_model_count_params(a);
    if (n != brain_model_count_params(b)) return false;
    float *wa = malloc(sizeof(float) * n), *wb = malloc(sizeof(float) * n);
    brain_model_get_weights(a, wa, n);
    brain_model_get_weights(b, wb, n);
    bool same = !memcmp(wa, wb, sizeof(float) * n);
    free(wa); free(wb);
    return same;
}

static void test_round_trip(void)
{
    brain_model *m = make_model(7, true);
    brain_tensor *x, *y;
    io_data(40, 5, 3, &x, &y);
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT }, NULL));
    const char *p = io_path("rt.keras");
    CHECK_OK(brain_save(m, p));
    brain_model *l = NULL;
    CHECK_OK(brain_load_model(p, &l, NULL));
    if (!l) return;
    CHECK(same_weights(m, l));
    CHECK(l->compiled && l->optimizer && l->optimizer->kind == BRAIN_OPT_ADAM && l->optimizer->amsgrad);
    CHECK(l->optimizer->learning_rate == 0.01f);
    CHECK(l->optimizer->iterations == m->optimizer->iterations && l->optimizer->iterations == 10);
    CHECK(l->optimizer->n == m->optimizer->n);
    for (int k = 0; k < 3; k++)
        CHECK(l->optimizer->slot[k] && !memcmp(l->optimizer->slot[k], m->optimizer->slot[k], sizeof(float) * m->n_params));
    CHECK(!strcmp(brain_loss_name(l->heads[0].loss), "categorical_crossentropy"));
    CHECK(l->heads[0].n_metrics == 1 && !strcmp(l->heads[0].metrics[0]->name, "accuracy"));
    CHECK(!memcmp(&l->rng, &m->rng, sizeof m->rng));
    CHECK(!strcmp(brain_model_name(l), "round_trip"));
    CHECK(!strcmp(brain_model_layer(l, 2)->name, "hidden"));
    CHECK(brain_model_layer(l, 0)->weights[0]->reg.l2 == 0.01f);
    brain_tensor *pa = NULL, *pb = NULL;
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pa));
    CHECK_OK(brain_predict(l, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &pb));
    CHECK(pa && pb && !memcmp(pa->data, pb->data, sizeof(float) * pa->size));

    /* load without compiling */
    brain_model *u = NULL;
    CHECK_OK(brain_load_model(p, &u, &(brain_load_options){ .compile = BRAIN_OFF }));
    CHECK(u && !u->compiled && same_weights(m, u));

    /* weights only: .weights.h5 and the weights of a .keras file */
    brain_model *w = make_model(99, true);
    CHECK(!same_weights(m, w));
    const char *pw = io_path("rt.weights.h5");
    CHECK_OK(brain_save_weights(m, pw));
    CHECK_OK(brain_load_weights(w, pw));
    CHECK(same_weights(m, w));
    CHECK(w->optimizer->iterations == 10);
    brain_model *w2 = make_model(98, false);
    CHECK_OK(brain_load_weights(w2, p));
    CHECK(same_weights(m, w2));
    CHECK_FAILS(brain_save_weights(m, io_path("x.h5")), ".weights.h5");
    CHECK_FAILS(brain_save(m, io_path("x.txt")), ".keras");
    CHECK_FAILS(brain_save(m, io_path("y.weights.h5")), "brain_save_weights");

    /* a model of another structure: a clear error, weights untouched */
    brain_set_random_seed(3);
    brain_model *o = brain_sequential(NULL);
    brain_model_add(o, brain_input(BRAIN_SHAPE(5)));
    brain_model_add(o, brain_dense(7, NULL));
    brain_model_add(o, brain_dense(3, NULL));
    brain_model_build(o);
    float before = o->params[0];
    CHECK_FAILS(brain_load_weights(o, pw), "dense");
    CHECK(o->params[0] == before);
    CHECK(strstr(brain_last_error(), "rt.weights.h5") && strstr(brain_last_error(), "shape"));

    brain_tensor_free(pa); brain_tensor_free(pb);
    brain_model_free(m); brain_model_free(l); brain_model_free(u); brain_model_free(w); brain_model_free(w2); brain_model_free(o);
    brain_tensor_free(x); brain_tensor_free(y);
}

/* config.json and model.weights.h5 as Keras 3 writes them (keras-spec §1.3, §1.5) */
static void test_layout(void)
{
    brain_model *m = make_model(7, true);
    brain_tensor *x, *y;
    io_data(16, 5, 3, &x, &y);
    brain_fit(m, x, y, &(brain_fit_options){ .epochs = 1, .batch_size = 8, .verbose = BRAIN_SILENT }, NULL);
    const char *p = io_path("layout.keras");
    CHECK_OK(brain_save(m, p));
    char *cfg_text = io_zip_read(p, "config.json", NULL), *meta = io_zip_read(p, "metadata.json", NULL);
    CHECK(cfg_text && meta && strstr(meta, "\"keras_version\""));
    cJSON *cfg = cJSON_Parse(cfg_text);
    CHECK(cfg && !strcmp(cJSON_GetObjectItem(cfg, "class_name")->valuestring, "Sequential"));
    CHECK(!strcmp(cJSON_GetObjectItem(cfg, "module")->valuestring, "keras"));
    cJSON *layers = cJSON_GetObjectItem(cJSON_GetObjectItem(cfg, "config"), "layers");
    CHECK(cJSON_GetArraySize(layers) == 8);
    cJSON *in = cJSON_GetArrayItem(layers, 0), *d0 = cJSON_GetArrayItem(layers, 1);
    CHECK(!strcmp(cJSON_GetObjectItem(in, "class_name")->valuestring, "InputLayer"));
    char *bs = cJSON_PrintUnformatted(cJSON_GetObjectItem(cJSON_GetObjectItem(in, "config"), "batch_shape"));
    CHECK(!strcmp(bs, "[null,5]"));
    free(bs);
    cJSON *dc = cJSON_GetObjectItem(d0, "config");
    CHECK(cJSON_GetObjectItem(dc, "units")->valuedouble == 8);
    CHECK(!strcmp(cJSON_GetObjectItem(dc, "activation")->valuestring, "relu"));
    CHECK(!strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(dc, "kernel_initializer"), "class_name")->valuestring, "HeNormal"));
    CHECK(!strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(dc, "kernel_regularizer"), "class_name")->valuestring, "L2"));
    CHECK(!cJSON_GetObjectItem(dc, "quantization_config")); /* Keras <= 3.12 rejects it */
    CHECK(cJSON_GetObjectItem(d0, "build_config") && !cJSON_GetObjectItem(cJSON_GetArrayItem(layers, 2), "build_config"));
    cJSON *cc = cJSON_GetObjectItem(cfg, "compile_config");
    cJSON *oc = cJSON_GetObjectItem(cJSON_GetObjectItem(cc, "optimizer"), "config");
    CHECK(!strcmp(cJSON_GetObjectItem(cJSON_GetObjectItem(cc, "optimizer"), "class_name")->valuestring, "Adam"));
    CHECK((float)cJSON_GetObjectItem(oc, "learning_rate")->valuedouble == 0.01f); /* float32 learning rate */
    CHECK(cJSON_GetObjectItem(oc, "beta_1")->valuedouble == 0.9);
    CHECK(!strcmp(cJSON_GetObjectItem(cc, "loss")->valuestring, "categorical_crossentropy"));
    CHECK(strstr(cfg_text, "\"ema_momentum\":0.99") && strstr(cfg_text, "\"use_ema\":false")); /* the optimizer config as Keras writes it */
    cJSON_Delete(cfg);
    free(cfg_text); free(meta);

    /* HDF5: groups named snake_case(class)_k, not by layer name; vars/0..N; optimizer interleaved */
    size_t n;
    char *h5 = io_zip_read(p, "model.weights.h5", &n);
    const char *hp = io_path("layout_weights.h5");
    FILE *f = fopen(hp, "wb");
    fwrite(h5, 1, n, f);
    fclose(f);
    free(h5);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t hf = H5Fopen(hp, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK(hf >= 0);
    const char *want[] = { "/vars", "/layers/dense/vars/0", "/layers/dense/vars/1", "/layers/dropout/vars",
                           "/layers/dense_1/vars/0", "/layers/dense_1/vars/1", "/layers/leaky_re_lu/vars",
                           "/layers/activation/vars", "/layers/flatten/vars", "/layers/dense_2/vars/1",
                           "/optimizer/vars/0", "/optimizer/vars/1", "/optimizer/vars/19" };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        htri_t ok = H5Oexists_by_name(hf, want[i], H5P_DEFAULT);
        CHECK_MSG(ok > 0, "%s missing", want[i]);
    }
    CHECK(H5Lexists(hf, "/layers/hidden", H5P_DEFAULT) == 0);
    CHECK(H5Oexists_by_name(hf, "/optimizer/vars/20", H5P_DEFAULT) <= 0); /* 2 + 6 vars x (m, v) + 6 v_hat */
    /* vars/2 and vars/3: m and v of dense/kernel (5, 8); vars/14: the first v_hat */
    hsize_t dims[2] = {0};
    hid_t d = H5Dopen2(hf, "/optimizer/vars/3", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d);
    CHECK(H5Sget_simple_extent_ndims(sp) == 2 && H5Sget_simple_extent_dims(sp, dims, NULL) == 2 && dims[0] == 5 && dims[1] == 8);
    float v3[40];
    H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v3);
    CHECK(!memcmp(v3, m->optimizer->slot[1], sizeof v3));
    H5Sclose(sp); H5Dclose(d);
    d = H5Dopen2(hf, "/optimizer/vars/14", H5P_DEFAULT);
    H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v3);
    CHECK(!memcmp(v3, m->optimizer->slot[2], sizeof v3));
    H5Dclose(d);
    hid_t g = H5Gopen2(hf, "/layers/dense_1/vars", H5P_DEFAULT);
    char *name = NULL;
    hid_t a = H5Aopen(g, "name", H5P_DEFAULT), t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8); /* as h5py writes it */
    CHECK(a >= 0 && H5Aread(a, t, &name) >= 0 && name && !strcmp(name, "hidden"));
    H5free_memory(name);
    H5Tclose(t); H5Aclose(a); H5Gclose(g);
    H5Fclose(hf);
    brain_model_free(m);
    brain_tensor_free(x); brain_tensor_free(y);
}

/* Keras rejects SGD(momentum=0) written as the integer 0: floats keep their point */
static void test_python_floats(void)
{
    brain_set_random_seed(1);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(2)));
    brain_model_add(m, brain_dense(1, NULL));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "sgd", .loss_name = "mse" });
    const char *p = io_path("sgd.keras");
    CHECK_OK(brain_save(m, p));
    char *cfg = io_zip_read(p, "config.json", NULL);
    CHECK(cfg && strstr(cfg, "\"momentum\":0.0,") && strstr(cfg, "\"units\":1,"));
    free(cfg);
    brain_model *l = NULL;
    CHECK_OK(brain_load_model(p, &l, NULL));
    CHECK(l && l->optimizer->kind == BRAIN_OPT_SGD && l->optimizer->momentum == 0);
    brain_model_free(l);
    brain_model_free(m);
}

/* get_config -> from_config -> get_config gives the same config for every layer */
static void test_config_round_trip(void)
{
    brain_model *m = make_model(5, false);
    brain_layer *dseed = brain_dropout(0.5f, &(brain_dropout_options){ .seed = 42, .has_seed = true });
    brain_layer *extra[] = { brain_input(BRAIN_SHAPE(4, 3)), dseed };
    for (int i = 0; i < m->n_layers + 2; i++) {
        const brain_layer *l = i < m->n_layers ? m->layers[i] : extra[i - m->n_layers];
        cJSON *c1 = cJSON_CreateObject();
        cJSON_AddStringToObject(c1, "name", l->name);
        CHECK_OK(l->vt->get_config(l, c1));
        brain_layer *r = l->vt->from_config(c1);
        CHECK_MSG(r != NULL, "%s: %s", l->vt->class_name, brain_last_error());
        if (!r) { cJSON_Delete(c1); continue; }
        cJSON *c2 = cJSON_CreateObject();
        cJSON_AddStringToObject(c2, "name", r->name);
        CHECK_OK(r->vt->get_config(r, c2));
        char *a = cJSON_PrintUnformatted(c1), *b = cJSON_PrintUnformatted(c2);
        CHECK_MSG(!strcmp(a, b), "%s\n%s", a, b);
        free(a); free(b);
        cJSON_Delete(c1); cJSON_Delete(c2);
        brain__layer_free(r);
    }
    for (int i = 0; i < 2; i++) brain__layer_free(extra[i]);
    /* a bad value names the layer and the key */
    cJSON *c = cJSON_Parse("{\"name\": \"d9\", \"units\": -3}");
    brain_layer *bad = brain__layer_vtable_by_class("Dense")->from_config(c);
    CHECK(!bad && strstr(brain_last_error(), "d9") && strstr(brain_last_error(), "units"));
    cJSON_Delete(c);
    brain_model_free(m);
}

static brain_status load_expect(const char *p)
{
    brain_model *m = NULL;
    brain_status s = brain_load_model(p, &m, NULL);
    if (s && m) return brain__fail(BRAIN_ERR_STATE, "a failed load returned a model");
    brain_model_free(m);
    return s;
}

/* replaces the first occurrence of `from` in config.json by `to` */
static const char *edit_config(const char *src, const char *name, const char *from, const char *to)
{
    char *cfg = io_zip_read(src, "config.json", NULL);
    char *hit = strstr(cfg, from);
    if (!hit) { free(cfg); return NULL; }
    size_t n = strlen(cfg) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    size_t pre = (size_t)(hit - cfg);
    memcpy(out, cfg, pre);
    strcpy(out + pre, to);
    strcat(out, hit + strlen(from));
    const char *dst = io_path(name);
    io_zip_replace(src, dst, "config.json", out, strlen(out));
    free(out);
    free(cfg);
    return dst;
}

static void test_bad_files(void)
{
    brain_model *m = make_model(11, true);
    const char *p = io_path("good.keras");
    CHECK_OK(brain_save(m, p));
    /* truncated zip */
    size_t n;
    char *all = NULL;
    {
        FILE *f = fopen(p, "rb");
        fseek(f, 0, SEEK_END);
        n = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        all = malloc(n);
        CHECK(fread(all, 1, n, f) == n);
        fclose(f);
    }
    const char *tp = io_path("truncated.keras");
    for (size_t cut = 0; cut < n; cut += n / 7 + 1) {
        FILE *f = fopen(tp, "wb");
        fwrite(all, 1, cut, f);
        fclose(f);
        CHECK_FAILS(load_expect(tp), "truncated.keras");
    }
    /* a flipped byte inside the weights member */
    for (size_t i = n / 3; i < n; i += n / 5) {
        char *dam = malloc(n);
        memcpy(dam, all, n);
        dam[i] ^= 0x5a;
        FILE *f = fopen(tp, "wb");
        fwrite(dam, 1, n, f);
        fclose(f);
        free(dam);
        brain_status s = load_expect(tp);
        CHECK(s == BRAIN_OK || strstr(brain_last_error(), "truncated.keras"));
    }
    free(all);
    /* a missing member */
    const char *mp = io_path("missing.keras");
    io_zip_replace(p, mp, "model.weights.h5", NULL, 0);
    CHECK_FAILS(load_expect(mp), "model.weights.h5");
    io_zip_replace(p, mp, "config.json", NULL, 0);
    CHECK_FAILS(load_expect(mp), "config.json");
    io_zip_replace(p, mp, "config.json", "{\"class_name\": ", 15);
    CHECK_FAILS(load_expect(mp), "not valid JSON");
    /* an unknown layer class */
    const char *e = edit_config(p, "unknown.keras", "\"class_name\":\"LeakyReLU\"", "\"class_name\":\"Conv9D\"");
    CHECK(e);
    CHECK_FAILS(load_expect(e), "Conv9D");
    CHECK(strstr(brain_last_error(), "leaky_re_lu") && strstr(brain_last_error(), "unknown.keras"));
    /* a weight of the wrong shape: the config says 9 units, the file holds 8 */
    e = edit_config(p, "shape.keras", "\"units\":8", "\"units\":9");
    CHECK_FAILS(load_expect(e), "has shape (5, 8), expected (5, 9)");
    CHECK(strstr(brain_last_error(), "layer 'dense' weight 'kernel'"));
    /* absurd shapes */
    e = edit_config(p, "absurd.keras", "[null,5]", "[null,1000000000,1000000000]");
    CHECK_FAILS(load_expect(e), "more than this loader accepts");
    e = edit_config(p, "absurd2.keras", "\"units\":8", "\"units\":1e300");
    CHECK_FAILS(load_expect(e), "units");
    e = edit_config(p, "neg.keras", "[null,5]", "[null,-5]");
    CHECK_FAILS(load_expect(e), "batch_shape");
    /* wrong dtype in the config */
    e = edit_config(p, "dtype.keras", "\"dtype\":\"float32\",\"units\":8", "\"dtype\":\"float16\",\"units\":8");
    CHECK_FAILS(load_expect(e), "dtype");
    e = edit_config(p, "dtype2.keras", "\"dtype\":\"float32\",\"sparse\"", "\"dtype\":\"string\",\"sparse\"");
    CHECK_FAILS(load_expect(e), "input dtype \"string\"");
    /* a compile config naming an unknown optimizer */
    e = edit_config(p, "opt.keras", "\"class_name\":\"Adam\"", "\"class_name\":\"Yogi\"");
    CHECK_FAILS(load_expect(e), "Yogi");
    /* not a zip, not there, wrong extension */
    FILE *f = fopen(io_path("text.keras"), "w");
    fputs("hello", f);
    fclose(f);
    CHECK_FAILS(load_expect(io_path("text.keras")), "not a readable .keras zip");
    CHECK_FAILS(load_expect(io_path("nothere.keras")), "nothere.keras");
    CHECK_FAILS(load_expect(io_path("model.onnx")), ".keras");

    /* wrong dtype in the weights: an integer kernel */
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const char *wp = io_path("int.weights.h5");
    CHECK_OK(brain_save_weights(m, wp));
    hid_t hf = H5Fopen(wp, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(hf, "/layers/dense/vars/0", H5P_DEFAULT);
    hsize_t dims[2] = { 5, 8 };
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(hf, "/layers/dense/vars/0", H5T_STD_I32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d); H5Sclose(sp);
    /* and a soft link where a dataset should be */
    H5Ldelete(hf, "/layers/dense_2/vars/1", H5P_DEFAULT);
    H5Lcreate_soft("/layers/dense_1/vars/1", hf, "/layers/dense_2/vars/1", H5P_DEFAULT, H5P_DEFAULT);
    H5Fclose(hf);
    CHECK_FAILS(brain_load_weights(m, wp), "wrong dtype");
    CHECK(strstr(brain_last_error(), "layer 'dense' weight 'kernel'") && strstr(brain_last_error(), "int.weights.h5"));
    hf = H5Fopen(wp, H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(hf, "/layers/dense/vars/0", H5P_DEFAULT);
    H5Fclose(hf);
    CHECK_FAILS(brain_load_weights(m, wp), "expected 2 variables, but the file has 1");
    brain_model_free(m);
}

/* a functional model with a fan-out to two outputs, compiled per output */
static brain_model *make_functional(uint64_t seed)
{
    brain_set_random_seed(seed);
    brain_sym a = brain_input_sym(BRAIN_SHAPE(5), "a");
    brain_sym h = brain_apply(brain_dense(4, &(brain_dense_options){ .activation = BRAIN_RELU, .name = "h" }), a);
    brain_sym d = brain_apply(brain_dropout(0.2f, NULL), h);
    brain_sym o1 = brain_apply(brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "cls" }), d);
    brain_sym o2 = brain_apply(brain_dense(1, &(brain_dense_options){ .name = "reg" }), h);
    brain_model *m = brain_functional(1, &a, 2, (brain_sym[]){ o1, o2 }, &(brain_functional_options){ .name = "two_heads" });
    if (!m) { fprintf(stderr, "brain_functional: %s\n", brain_last_error()); return NULL; }
    brain_output_compile_options outs[2] = {
        { .loss_name = "categorical_crossentropy", .metric_names = (const char *[]){ "accuracy", NULL } },
        { .loss_name = "mse", .loss_weight = 0.5f, .has_loss_weight = true },
    };
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "rmsprop", .outputs = outs, .n_outputs = 2 });
    return m;
}

static void test_functional(void)
{
    brain_model *m = make_functional(21);
    CHECK(m != NULL);
    if (!m) { fprintf(stderr, "%s\n", brain_last_error()); return; }
    brain_tensor *x, *y, *x2, *y2;
    io_data(24, 5, 3, &x, &y);
    io_data(24, 2, 1, &x2, &y2);
    const brain_tensor *xs[] = { x }, *ys[] = { y, y2 };
    CHECK_OK(brain_fit_multi(m, 1, xs, 2, ys, &(brain_fit_options){ .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT }, NULL));
    const char *p = io_path("functional.keras");
    CHECK_OK(brain_save(m, p));
    char *cfg = io_zip_read(p, "config.json", NULL);
    CHECK(cfg && strstr(cfg, "\"class_name\":\"Functional\"") && strstr(cfg, "\"keras_history\":[\"h\",0,0]") &&
          strstr(cfg, "\"input_layers\":[\"a\",0,0]") && strstr(cfg, "\"output_layers\":[[\"cls\",0,0],[\"reg\",0,0]]") && strstr(cfg, "\"loss_weights\":{\"cls\":1.0,\"reg\":0.5}"));
    free(cfg);
    brain_model *l = NULL;
    CHECK_OK(brain_load_model(p, &l, NULL));
    if (l) {
        CHECK(same_weights(m, l));
        CHECK(l->n_heads == 2 && l->heads[1].loss_weight == 0.5 && l->heads[0].n_metrics == 1);
        CHECK(l->optimizer->iterations == 6 && !memcmp(l->optimizer->slot[0], m->optimizer->slot[0], sizeof(float) * m->n_params));
        brain_tensor *pa[2] = {0}, *pb[2] = {0};
        CHECK_OK(brain_predict_multi(m, 1, xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, pa));
        CHECK_OK(brain_predict_multi(l, 1, xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, pb));
        for (int k = 0; k < 2; k++) {
            CHECK(pa[k] && pb[k] && !memcmp(pa[k]->data, pb[k]->data, sizeof(float) * pa[k]->size));
            brain_tensor_free(pa[k]); brain_tensor_free(pb[k]);
        }
    }
    brain_model_free(l);
    brain_model_free(m);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(x2); brain_tensor_free(y2);
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    test_round_trip();
    test_layout();
    test_config_round_trip();
    test_python_floats();
    test_bad_files();
    test_functional();
    return check_summary("test_saving");
}
