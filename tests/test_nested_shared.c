/* test_nested_shared.c — issue 10's model structure: shared layers (a layer called more than once,
 * weights shared, gradients summed over its calls) and models used as layers (nested Functional
 * and Sequential models), in the C API: forward against the same network written out by hand,
 * gradient checks, freezing, and the weights' order. */
#include "brain.h"
#include "internal.h"
#include "check.h"
#include "gradcheck.h"
#include "io_util.h" /* before keras_diff.h, whose DIR macro would hide dirent.h's DIR */
#include "keras_diff.h"
#include <stdlib.h>

#define CHECK_NULL_MODEL(expr, needle) do { brain_model *m_ = (expr); \
    CHECK_MSG(!m_ && strstr(brain_last_error(), needle), "%s", brain_last_error()); brain_model_free(m_); } while (0)

/* siamese: |d(a) - d(b)| through a shared Dense, then a shared Dense again on both branches */
static brain_model *siamese(void)
{
    brain_sym a = brain_input_sym(BRAIN_SHAPE(3), "a"), b = brain_input_sym(BRAIN_SHAPE(3), "b");
    brain_layer *d = brain_dense(4, &(brain_dense_options){.activation = BRAIN_TANH, .name = "shared"});
    brain_layer *e = brain_dense(4, &(brain_dense_options){.name = "again"});
    brain_sym ha = brain_apply(e, brain_apply(d, a)), hb = brain_apply(e, brain_apply(d, b));
    brain_sym diff = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(ha, hb));
    brain_sym y = brain_apply(brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID, .name = "out"}), diff);
    return brain_functional(BRAIN_SYMS(a, b), BRAIN_SYMS(y), NULL);
}

static void shared_layers(void)
{
    brain_set_random_seed(7);
    brain_model *m = siamese();
    CHECK_MSG(m != NULL, "%s", brain_last_error());
    if (!m) return;
    /* one weight set per layer: 3·4+4, 4·4+4, 4+1 */
    CHECK(brain_model_count_params(m) == 16 + 20 + 5);
    CHECK(brain_model_num_layers(m) == 6); /* a, b, shared, again, subtract, out */
    CHECK(!strcmp(brain_layer_name(brain_model_layer(m, 2)), "shared"));
    brain_tensor *xa = gc_random(2, (int64_t[]){5, 3}, 1, -1, 1), *xb = gc_random(2, (int64_t[]){5, 3}, 2, -1, 1);
    /* forward by hand with the same weights */
    brain_tensor *y = NULL;
    CHECK_OK(brain_predict_multi(m, 2, (const brain_tensor *[]){xa, xb}, NULL, &y));
    const float *K1 = m->layers[2]->weights[0]->value, *b1 = m->layers[2]->weights[1]->value;
    const float *K2 = m->layers[3]->weights[0]->value, *b2 = m->layers[3]->weights[1]->value;
    const float *K3 = m->layers[5]->weights[0]->value, *b3 = m->layers[5]->weights[1]->value;
    for (int r = 0; y && r < 5; r++) {
        float h[2][4], g[2][4];
        for (int s = 0; s < 2; s++) {
            const float *x = (s ? xb : xa)->data + 3 * r;
            for (int j = 0; j < 4; j++) {
                float z = b1[j];
                for (int i = 0; i < 3; i++) z += x[i] * K1[i * 4 + j];
                h[s][j] = tanhf(z);
            }
            for (int j = 0; j < 4; j++) {
                float z = b2[j];
                for (int i = 0; i < 4; i++) z += h[s][i] * K2[i * 4 + j];
                g[s][j] = z;
            }
        }
        float z = b3[0];
        for (int j = 0; j < 4; j++) z += (g[0][j] - g[1][j]) * K3[j];
        CHECK_NEAR(y->data[r], 1.0f / (1.0f + expf(-z)), 1e-6, 1e-5);
    }
    brain_tensor_free(y);
    /* both calls' gradients reach the shared weights (and both inputs) */
    gradcheck_model_multi("gradcheck shared layers", m, 2, (brain_tensor *[]){xa, xb}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(xa);
    brain_tensor_free(xb);
    brain_model_free(m);

    /* a layer called twice in a chain (same feature size): Dense(3) ∘ Dense(3), one weight set */
    brain_sym x = brain_input_sym(BRAIN_SHAPE(3), "x");
    brain_layer *d = brain_dense(3, &(brain_dense_options){.activation = BRAIN_TANH});
    brain_sym h = brain_apply(d, brain_apply(d, x));
    m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(h), NULL);
    CHECK_MSG(m && brain_model_count_params(m) == 12, "%s", brain_last_error());
    brain_tensor *tx = gc_random(2, (int64_t[]){4, 3}, 3, -1, 1);
    if (m) gradcheck_model_multi("gradcheck layer called twice in a chain", m, 1, (brain_tensor *[]){tx}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(tx);
    brain_model_free(m);

    /* shared BatchNormalization + Dropout in training mode: per-call batch statistics and masks */
    brain_set_random_seed(3);
    brain_sym p = brain_input_sym(BRAIN_SHAPE(4), "p"), q = brain_input_sym(BRAIN_SHAPE(4), "q");
    brain_layer *bn = brain_batch_normalization(NULL);
    brain_sym s = brain_apply_n(brain_add(NULL), BRAIN_SYMS(brain_apply(bn, p), brain_apply(bn, q)));
    m = brain_functional(BRAIN_SYMS(p, q), BRAIN_SYMS(brain_apply(brain_dense(2, NULL), s)), NULL);
    CHECK_MSG(m != NULL, "%s", brain_last_error());
    brain_tensor *tp = gc_random(2, (int64_t[]){6, 4}, 4, -2, 2), *tq = gc_random(2, (int64_t[]){6, 4}, 5, 0, 3);
    if (m) gradcheck_model_multi("gradcheck shared BatchNormalization (training)", m, 2, (brain_tensor *[]){tp, tq}, true,
                                 1e-3, 3e-3, 3e-2);
    brain_tensor_free(tp); brain_tensor_free(tq);
    brain_model_free(m);

    /* a shared Conv2D on two images (its im2col caches per call) */
    brain_set_random_seed(5);
    brain_sym ia = brain_input_sym(BRAIN_SHAPE(5, 5, 1), "ia"), ib = brain_input_sym(BRAIN_SHAPE(5, 5, 1), "ib");
    brain_layer *cv = brain_conv2d(2, 3, 3, &(brain_conv_options){.activation = BRAIN_TANH, .name = "twin"});
    brain_sym sum = brain_apply_n(brain_add(NULL), BRAIN_SYMS(brain_apply(cv, ia), brain_apply(cv, ib)));
    m = brain_functional(BRAIN_SYMS(ia, ib), BRAIN_SYMS(brain_apply(brain_dense(1, NULL), brain_apply(brain_flatten(NULL), sum))), NULL);
    CHECK_MSG(m && brain_model_count_params(m) == 20 + 19, "%s", brain_last_error());
    brain_tensor *ta = gc_random(4, (int64_t[]){2, 5, 5, 1}, 6, -1, 1), *tb = gc_random(4, (int64_t[]){2, 5, 5, 1}, 7, -1, 1);
    if (m) gradcheck_model_multi("gradcheck shared Conv2D", m, 2, (brain_tensor *[]){ta, tb}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(ta); brain_tensor_free(tb);
    brain_model_free(m);

    /* a model that uses a later call of a layer but not its first */
    x = brain_input_sym(BRAIN_SHAPE(3), "x");
    brain_sym other = brain_input_sym(BRAIN_SHAPE(3), "other");
    d = brain_dense(3, NULL);
    brain_sym first = brain_apply(d, other), second = brain_apply(d, x);
    (void)first;
    CHECK_NULL_MODEL(brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(second), NULL), "not its first call");
}

/* base: Dense(5, relu) → BatchNormalization; a Sequential head model; outer: x → base → seq → Dense(1) */
static brain_model *make_base(void)
{
    brain_sym bi = brain_input_sym(BRAIN_SHAPE(4), "bin");
    brain_sym bh = brain_apply(brain_dense(5, &(brain_dense_options){.activation = BRAIN_RELU, .name = "bd"}), bi);
    bh = brain_apply(brain_batch_normalization(&(brain_batch_norm_options){.name = "bbn"}), bh);
    return brain_functional(BRAIN_SYMS(bi), BRAIN_SYMS(bh), &(brain_functional_options){.name = "base"});
}

static void nested_models(void)
{
    brain_set_random_seed(11);
    brain_model *base = make_base();
    CHECK_MSG(base != NULL, "%s", brain_last_error());
    if (!base) return;
    /* give the BatchNormalization moving statistics that are not 0/1 */
    float *mm = base->layers[2]->weights[2]->value, *mv = base->layers[2]->weights[3]->value;
    for (int j = 0; j < 5; j++) { mm[j] = 0.1f * j; mv[j] = 0.5f + 0.2f * j; }
    float before[64];
    int64_t nb = brain_model_count_params(base);
    CHECK_OK(brain_model_get_weights(base, before, nb));
    brain_model *seq = brain_sequential("seqm");
    brain_model_add(seq, brain_input(BRAIN_SHAPE(5)));
    brain_model_add(seq, brain_dense(3, &(brain_dense_options){.activation = BRAIN_TANH, .name = "sd"}));
    CHECK_OK(brain_model_build(seq));

    brain_sym x = brain_input_sym(BRAIN_SHAPE(4), "x");
    brain_layer *bl = brain_model_as_layer(base, &(brain_model_layer_options){.training = BRAIN_OFF});
    brain_sym h = brain_apply(bl, x);
    h = brain_apply(brain_model_as_layer(seq, NULL), h);
    brain_sym y = brain_apply(brain_dense(2, &(brain_dense_options){.name = "head"}), h);
    brain_model *m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(y), &(brain_functional_options){.name = "outer"});
    CHECK_MSG(m != NULL, "%s", brain_last_error());
    if (!m) return;
    CHECK(brain_model_num_layers(m) == 4);
    CHECK(!strcmp(brain_layer_name(brain_model_layer(m, 1)), "base") && brain_layer_inner_model(brain_model_layer(m, 1)) == base);
    CHECK(!strcmp(brain_layer_class(brain_model_layer(m, 2)), "Sequential"));
    /* the base keeps its weights; get_weights lists them at its place, in its own order */
    CHECK(brain_model_count_params(m) == nb + 18 + 8);
    float all[128];
    CHECK_OK(brain_model_get_weights(m, all, brain_model_count_params(m)));
    CHECK(!memcmp(all, before, sizeof(float) * (size_t)nb));
    /* forward = base's then seq's then the head's */
    brain_tensor *tx = gc_random(2, (int64_t[]){3, 4}, 21, -1, 1), *yo = NULL, *yb = NULL, *ys = NULL, *yh = NULL;
    CHECK_OK(brain_predict(m, tx, NULL, &yo));
    CHECK_OK(brain_predict(base, tx, NULL, &yb));
    if (yb) CHECK_OK(brain_predict(seq, yb, NULL, &ys));
    const float *Kh = m->layers[3]->weights[0]->value, *bh = m->layers[3]->weights[1]->value;
    for (int r = 0; yo && ys && r < 3; r++)
        for (int j = 0; j < 2; j++) {
            float z = bh[j];
            for (int i = 0; i < 3; i++) z += ys->data[r * 3 + i] * Kh[i * 2 + j];
            CHECK_NEAR(yo->data[r * 2 + j], z, 1e-6, 1e-5);
        }
    brain_tensor_free(yo); brain_tensor_free(yb); brain_tensor_free(ys); brain_tensor_free(yh);
    /* gradients through the nested models (training forward: base stays in inference mode) */
    gradcheck_model_multi("gradcheck nested models", m, 1, (brain_tensor *[]){tx}, true, 1e-3, 2e-3, 2e-2);
    CHECK(mm[0] == 0.0f && fabsf(mv[4] - 1.3f) < 1e-6f); /* training=False: moving statistics untouched */

    /* freezing the base (Keras's base.trainable = False) freezes every layer inside */
    brain_layer_set_trainable(bl, false);
    CHECK(!brain_model_layer(base, 1)->trainable && !brain_model_layer(base, 2)->trainable);
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_sgd(NULL), .loss = brain_loss_mse(NULL)}));
    CHECK(brain_model_count_trainable(m) == 18 + 8);
    brain_tensor *ty = gc_random(2, (int64_t[]){3, 2}, 22, -1, 1);
    brain_history *hist = NULL;
    CHECK_OK(brain_fit(m, tx, ty, &(brain_fit_options){.epochs = 2, .verbose = BRAIN_SILENT}, &hist));
    brain_history_free(hist);
    CHECK_OK(brain_model_get_weights(m, all, brain_model_count_params(m)));
    CHECK(!memcmp(all, before, sizeof(float) * (size_t)nb));  /* the frozen base did not move */
    /* unfreeze the base (model.trainable = True on the model itself) but keep its BatchNormalization
     * frozen: only bd trains besides the head */
    brain_model_set_trainable(base, true);
    CHECK(brain_layer_trainable(bl) && brain_layer_trainable(brain_model_layer(base, 1)));
    brain_layer_set_trainable(brain_model_layer(base, 2), false);
    CHECK(!brain_layer_trainable(brain_model_layer(base, 2)));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_sgd(NULL), .loss = brain_loss_mse(NULL)}));
    CHECK(brain_model_count_trainable(m) == 25 + 18 + 8);
    CHECK_OK(brain_fit(m, tx, ty, &(brain_fit_options){.epochs = 1, .verbose = BRAIN_SILENT}, &hist));
    brain_history_free(hist);
    CHECK_OK(brain_model_get_weights(m, all, brain_model_count_params(m)));
    CHECK(memcmp(all, before, sizeof(float) * 25) != 0 && !memcmp(all + 25, before + 25, sizeof(float) * 20));
    brain_tensor_free(tx); brain_tensor_free(ty);
    brain_model_free(m);

    /* a model called twice (siamese network with a shared base): one weight set, both calls' gradients */
    brain_set_random_seed(13);
    base = make_base();
    brain_layer *twin = brain_model_as_layer(base, NULL);
    brain_sym p = brain_input_sym(BRAIN_SHAPE(4), "p"), q = brain_input_sym(BRAIN_SHAPE(4), "q");
    brain_sym d = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(brain_apply(twin, p), brain_apply(twin, q)));
    m = brain_functional(BRAIN_SYMS(p, q), BRAIN_SYMS(brain_apply(brain_dense(1, &(brain_dense_options){.name = "same"}), d)), NULL);
    CHECK_MSG(m != NULL, "%s", brain_last_error());
    if (m) {
        CHECK(brain_model_num_layers(m) == 5 && brain_model_count_params(m) == 45 + 6);
        brain_tensor *tp = gc_random(2, (int64_t[]){4, 4}, 41, -1, 1), *tq = gc_random(2, (int64_t[]){4, 4}, 42, -1, 1);
        brain_tensor *yo = NULL, *ya = NULL, *yb = NULL;
        CHECK_OK(brain_predict_multi(m, 2, (const brain_tensor *[]){tp, tq}, NULL, &yo));
        CHECK_OK(brain_predict(base, tp, NULL, &ya));
        CHECK_OK(brain_predict(base, tq, NULL, &yb));
        const float *K = m->layers[4]->weights[0]->value, *b0 = m->layers[4]->weights[1]->value;
        for (int r = 0; yo && ya && yb && r < 4; r++) {
            float z = b0[0];
            for (int j = 0; j < 5; j++) z += (ya->data[r * 5 + j] - yb->data[r * 5 + j]) * K[j];
            CHECK_NEAR(yo->data[r], z, 1e-6, 1e-5);
        }
        brain_tensor_free(yo); brain_tensor_free(ya); brain_tensor_free(yb);
        gradcheck_model_multi("gradcheck shared model (inference)", m, 2, (brain_tensor *[]){tp, tq}, false, 1e-3, 2e-3, 2e-2);
        gradcheck_model_multi("gradcheck shared model (training: per-call BatchNormalization)", m, 2, (brain_tensor *[]){tp, tq},
                              true, 1e-3, 3e-3, 3e-2);
        /* freezing the model freezes both calls */
        brain_model_set_trainable(base, false);
        CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer = brain_sgd(NULL), .loss = brain_loss_mse(NULL)}));
        CHECK(brain_model_count_trainable(m) == 6);
        brain_tensor_free(tp); brain_tensor_free(tq);
        brain_model_free(m);
    }

    /* a model layer in a Sequential model; a wrong input shape */
    base = make_base();
    brain_model *s2 = brain_sequential("wrap");
    brain_model_add(s2, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(s2, brain_model_as_layer(base, NULL));
    brain_model_add(s2, brain_dense(1, NULL));
    CHECK_OK(brain_model_build(s2));
    CHECK(brain_model_count_params(s2) == 45 + 6);
    brain_tensor *t2 = gc_random(2, (int64_t[]){2, 4}, 23, -1, 1);
    gradcheck_model_multi("gradcheck model layer in a Sequential", s2, 1, (brain_tensor *[]){t2}, false, 1e-3, 2e-3, 2e-2);
    brain_tensor_free(t2);
    brain_model_free(s2);
    base = make_base();
    x = brain_input_sym(BRAIN_SHAPE(3), "x");
    h = brain_apply(brain_model_as_layer(base, NULL), x);
    CHECK(!brain_sym_ok(h) && strstr(brain_last_error(), "input 0 has shape (None, 4), it was called on (None, 3)"));
    brain_graph_free(x);
}

/* ------------------------------------------------------------------ Keras files */
/* (tools/gen_nested_shared_files.py writes nest_*.keras with Keras's predictions and trainable count) */
static int json_int(const char *json, const char *key)
{
    cJSON *j = read_json(json);
    const cJSON *v = j ? cJSON_GetObjectItem(j, key) : NULL;
    int r = cJSON_IsNumber(v) ? v->valueint : -1;
    cJSON_Delete(j);
    return r;
}

static const char *export_dir(void)
{
    const char *d = getenv("BRAIN_EXPORT_DIR"); /* kept for tools/gen_nested_shared_files.py check */
    return d && *d ? d : io_tmpdir();           /* else a scratch directory removed at exit */
}

static void keras_files(void)
{
    const char *names[] = {"functional", "sequential", "shared", "shared_model"};
    for (int k = 0; k < 4; k++) {
        char file[128], json[128], out[512];
        snprintf(file, sizeof file, DIR "nest_%s.keras", names[k]);
        snprintf(json, sizeof json, DIR "nest_%s.json", names[k]);
        double d = keras_diff_abs(file, json);
        CHECK_MSG(d <= 1e-5, "%s: largest difference to Keras %g", file, d);
        brain_model *m = NULL, *back = NULL;
        CHECK_OK(brain_load_model(file, &m, &(brain_load_options){.compile = BRAIN_OFF}));
        if (!m) continue;
        CHECK_MSG(brain_model_count_trainable(m) == json_int(json, "trainable") &&
                  brain_model_count_params(m) == json_int(json, "total"), "%s: %lld trainable of %lld", file,
                  (long long)brain_model_count_trainable(m), (long long)brain_model_count_params(m));
        /* saved again (the structure and the weights' paths as Keras writes them) and loaded back */
        snprintf(out, sizeof out, "%s/brain_nest_%s.keras", export_dir(), names[k]);
        CHECK_OK(brain_save(m, out));
        CHECK_OK(brain_load_model(out, &back, &(brain_load_options){.compile = BRAIN_OFF}));
        if (back) {
            int64_t n = brain_model_count_params(m);
            float *a = malloc(sizeof(float) * (size_t)n), *b = malloc(sizeof(float) * (size_t)n);
            CHECK_OK(brain_model_get_weights(m, a, n));
            CHECK_OK(brain_model_get_weights(back, b, n));
            CHECK(!memcmp(a, b, sizeof(float) * (size_t)n));
            CHECK(brain_model_count_trainable(back) == brain_model_count_trainable(m));
            free(a); free(b);
            CHECK(keras_diff_abs(out, json) <= 1e-5);
        }
        brain_model_free(back);
        brain_model_free(m);
    }
    /* the loaded structure: model layers with their own layers; a layer with two calls */
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(DIR "nest_functional.keras", &m, &(brain_load_options){.compile = BRAIN_OFF}));
    if (m) {
        brain_layer *base = brain_model_get_layer(m, "base");
        brain_model *inner = brain_layer_inner_model(base);
        CHECK(base && inner && !strcmp(brain_layer_class(base), "Functional") && brain_model_num_layers(inner) == 5);
        CHECK(brain_layer_inner_model(brain_model_get_layer(m, "head")) != NULL);
        CHECK(brain_layer_param_count(base) == 88);
        char path[512];
        snprintf(path, sizeof path, "%s/brain_nest_never.h5", export_dir());
        CHECK_FAILS(brain_save(m, path), "nested model");
        CHECK_FAILS(brain_export_onnx(m, io_path("never.onnx")), "nested model");
        brain_model_free(m);
    }
    CHECK_OK(brain_load_model(DIR "nest_shared.keras", &m, &(brain_load_options){.compile = BRAIN_OFF}));
    if (m) {
        /* summary as Keras draws a shared layer: every call's inputs, with their node indices */
        char text[8192];
        CHECK_OK(brain_model_summary_string(m, 0, text, sizeof text));
        CHECK(strstr(text, "│ again (Dense)       │ (None, 4)         │         20 │ twin_dense[0][0], │\n"
                           "│                     │                   │            │ again[0][0],      │\n"
                           "│                     │                   │            │ twin_dense[1][0]  │") != NULL);
        CHECK(strstr(text, "again[1][0],") && strstr(text, "again[2][0]"));
        CHECK_FAILS(brain_export_onnx(m, io_path("never.onnx")), "called more than once");
        CHECK(brain_model_num_layers(m) == 8 && m->n_nodes == 13); /* 2 inputs, 6 layers: 3 called twice, `again` 3 times */
        brain_model_free(m);
    }
}

/* Sequential.pop() against Keras: the saved CNN loaded, its head popped, Dense(2) added with the
 * json's kernel and bias: Keras's predictions (tools/gen_nested_shared_files.py pop()). */
static void pop_like_keras(void)
{
    cJSON *j = read_json(DIR "nest_pop.json");
    brain_model *m = NULL;
    CHECK(j != NULL);
    CHECK_OK(brain_load_model(DIR "nest_pop.keras", &m, &(brain_load_options){.compile = BRAIN_OFF}));
    if (!j || !m) { cJSON_Delete(j); brain_model_free(m); return; }
    CHECK(brain_model_num_layers(m) == 4);
    CHECK_OK(brain_model_pop(m));
    CHECK(brain_model_num_layers(m) == cJSON_GetObjectItem(j, "layers_after_pop")->valueint);
    CHECK(brain_model_output_shape(m).ndim == 1 && brain_model_output_shape(m).dims[0] == 3);
    CHECK_OK(brain_model_add(m, brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "new"})));
    brain_tensor *k = brain_model_weight(m, 3, 0), *b = brain_model_weight(m, 3, 1);
    CHECK(k && b && k->size == 6 && b->size == 2);
    int i = 0;
    for (const cJSON *e = cJSON_GetObjectItem(j, "pop_kernel")->child; k && e && i < 6; e = e->next) k->data[i++] = (float)e->valuedouble;
    i = 0;
    for (const cJSON *e = cJSON_GetObjectItem(j, "pop_bias")->child; b && e && i < 2; e = e->next) b->data[i++] = (float)e->valuedouble;
    brain_tensor_free(k);
    brain_tensor_free(b);
    CHECK(brain_model_count_trainable(m) == cJSON_GetObjectItem(j, "trainable")->valueint);
    CHECK(brain_model_count_params(m) == cJSON_GetObjectItem(j, "total")->valueint);
    brain_tensor *x = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x")), *y = NULL;
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &y));
    const cJSON *ky = cJSON_GetObjectItem(j, "y")->child;
    i = 0;
    for (const cJSON *e = ky->child; y && e; e = e->next, i++) CHECK_NEAR(y->data[i], e->valuedouble, 1e-6, 1e-5);
    CHECK(y && i == y->size);
    brain_tensor_free(x); brain_tensor_free(y);
    /* pop to the input: an unbuilt model with its input; then nothing left to pop (Keras would pop its
     * InputLayer here; this library keeps it and says so) */
    for (int n = 0; n < 4; n++) CHECK_OK(brain_model_pop(m));
    CHECK(brain_model_num_layers(m) == 0);
    CHECK_FAILS(brain_model_pop(m), "no layer to pop");
    brain_model_free(m);
    cJSON_Delete(j);
    /* a functional model has no pop() (in Keras neither) */
    CHECK_OK(brain_load_model(DIR "nest_shared.keras", &m, &(brain_load_options){.compile = BRAIN_OFF}));
    CHECK_FAILS(brain_model_pop(m), "Sequential");
    brain_model_free(m);
}

/* Models built here in C, saved for tools/gen_nested_shared_files.py check (Keras loads them and
 * must predict what brain predicted, written beside them as nest_c_<name>.json). */
static void save_for_keras(const char *name, brain_model *m, int n_x, brain_tensor *const *xs)
{
    char path[512];
    snprintf(path, sizeof path, "%s/nest_c_%s.keras", export_dir(), name);
    CHECK_OK(brain_save(m, path));
    brain_tensor *y = NULL;
    CHECK_OK(brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &y));
    if (!y) return;
    cJSON *j = cJSON_CreateObject(), *xa = cJSON_AddArrayToObject(j, "xs"), *sa = cJSON_AddArrayToObject(j, "x_shapes");
    for (int k = 0; k < n_x; k++) {
        cJSON *v = cJSON_CreateArray(), *sh = cJSON_CreateArray();
        for (int64_t i = 0; i < xs[k]->size; i++) cJSON_AddItemToArray(v, cJSON_CreateNumber(xs[k]->data[i]));
        for (int d = 0; d < xs[k]->ndim; d++) cJSON_AddItemToArray(sh, cJSON_CreateNumber((double)xs[k]->shape[d]));
        cJSON_AddItemToArray(xa, v);
        cJSON_AddItemToArray(sa, sh);
    }
    cJSON *ys = cJSON_AddArrayToObject(j, "y"), *y0 = cJSON_CreateArray();
    for (int64_t i = 0; i < y->size; i++) cJSON_AddItemToArray(y0, cJSON_CreateNumber(y->data[i]));
    cJSON_AddItemToArray(ys, y0);
    cJSON_AddNumberToObject(j, "trainable", (double)brain_model_count_trainable(m));
    char *text = cJSON_PrintUnformatted(j);
    snprintf(path, sizeof path, "%s/nest_c_%s.json", export_dir(), name);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) { fputs(text, f); fclose(f); }
    free(text);
    cJSON_Delete(j);
    brain_tensor_free(y);
}

static void c_models_for_keras(void)
{
    brain_set_random_seed(5);
    brain_model *m = siamese();
    brain_tensor *xa = gc_random(2, (int64_t[]){4, 3}, 31, -1, 1), *xb = gc_random(2, (int64_t[]){4, 3}, 32, -1, 1);
    if (m) save_for_keras("siamese", m, 2, (brain_tensor *[]){xa, xb});
    brain_model_free(m);
    brain_tensor_free(xa); brain_tensor_free(xb);

    brain_model *base = make_base();
    float *mm = base->layers[2]->weights[2]->value, *mv = base->layers[2]->weights[3]->value;
    for (int j = 0; j < 5; j++) { mm[j] = 0.1f * j; mv[j] = 0.5f + 0.2f * j; }
    brain_layer *bl = brain_model_as_layer(base, &(brain_model_layer_options){.training = BRAIN_OFF});
    brain_layer_set_trainable(bl, false);
    brain_sym x = brain_input_sym(BRAIN_SHAPE(4), "x");
    brain_sym y = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "head"}), brain_apply(bl, x));
    m = brain_functional(BRAIN_SYMS(x), BRAIN_SYMS(y), &(brain_functional_options){.name = "transfer"});
    brain_tensor *tx = gc_random(2, (int64_t[]){3, 4}, 33, -1, 1);
    CHECK(m && brain_model_count_trainable(m) == 12);
    if (m) save_for_keras("nested", m, 1, (brain_tensor *[]){tx});
    brain_model_free(m);
    brain_tensor_free(tx);
}

int main(void)
{
    shared_layers();
    nested_models();
    keras_files();
    pop_like_keras();
    c_models_for_keras();
    return check_summary("nested_shared");
}
