/* test_applications.c — Keras applications and the layers they need, against files real Keras 3
 * wrote (tools/keras_applications.py, tests/keras_files/apps/): predictions within 1e-5 of
 * Keras's in .keras and legacy .h5, gradient checks of every new layer through a loaded model,
 * and the models saved back (BRAIN_EXPORT_DIR: for the script's "check", which loads them in
 * Keras).  The full-size models are read from $BRAIN_APPS_DIR when it is set (the script's
 * "large" mode writes them), and skipped otherwise. */
#include "brain.h"
#include "check.h"
#include "gradcheck.h"
#include "internal.h"
#include "keras_diff.h"
#include <unistd.h>

#define APPS DIR "apps/"

/* saved by this library, loaded again: the same predictions on x; a copy for Keras to load */
static void save_back(const char *file, brain_tensor *x, const char *name)
{
    brain_model *m = NULL, *back = NULL;
    CHECK_OK(brain_load_model(file, &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (!m) return;
    const char *dir = getenv("BRAIN_EXPORT_DIR");
    char path[512];
    if (dir && *dir) snprintf(path, sizeof path, "%s/brain_%s.keras", dir, name);
    else snprintf(path, sizeof path, "/tmp/brain_apps_%d_%s.keras", (int)getpid(), name);
    CHECK_OK(brain_save(m, path));
    CHECK_OK(brain_load_model(path, &back, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (back) {
        brain_tensor *a = NULL, *b = NULL;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &a));
        CHECK_OK(brain_predict(back, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &b));
        CHECK(a && b && a->size == b->size && !memcmp(a->data, b->data, sizeof(float) * (size_t)a->size));
        brain_tensor_free(a);
        brain_tensor_free(b);
    }
    if (!dir || !*dir) remove(path);
    brain_model_free(back);
    brain_model_free(m);
}

static void golden(const char *name, bool legacy, double tol)
{
    char file[256], json[256];
    snprintf(json, sizeof json, APPS "%s.json", name);
    snprintf(file, sizeof file, APPS "%s.keras", name);
    CHECK_MSG(keras_diff_abs(file, json) <= tol, "%s", file);
    if (legacy) {
        snprintf(file, sizeof file, APPS "%s.h5", name);
        CHECK_MSG(keras_diff_abs(file, json) <= tol, "%s", file);
    }
    cJSON *j = read_json(json);
    if (j) {
        brain_tensor *x = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x"));
        snprintf(file, sizeof file, APPS "%s.keras", name);
        save_back(file, x, name);
        brain_tensor_free(x);
        cJSON_Delete(j);
    }
}

/* every new layer's backward (ZeroPadding2D, Cropping2D, DepthwiseConv2D with multiplier,
 * strides, dilation, same/valid, no bias, a fused activation, ReLU's options) */
static void layer_gradients(void)
{
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_tensor *x = gc_random(4, (int64_t[]){ 2, 9, 8, 3 }, 7, -1, 1);
    if (m) CHECK(gradcheck_model("layer zoo", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    brain_tensor_free(x);
    /* UpSampling2D nearest/bilinear, Conv2DTranspose same/valid/strides/no bias/relu */
    m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo2.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    x = gc_random(4, (int64_t[]){ 2, 5, 4, 2 }, 8, -1, 1);
    if (m) CHECK(gradcheck_model("layer zoo 2", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    brain_tensor_free(x);
    /* Rescaling, Multiply and Add broadcasting (Dropout's noise_shape is identity at inference;
     * its training masks below) */
    m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo3.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    x = gc_random(4, (int64_t[]){ 2, 6, 5, 3 }, 9, 0, 255);
    if (m) CHECK(gradcheck_model("layer zoo 3", m, x, false, 1e-2, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    brain_tensor_free(x);
    /* SeparableConv2D */
    m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo5.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    x = gc_random(4, (int64_t[]){ 2, 7, 6, 3 }, 11, -1, 1);
    if (m) CHECK(gradcheck_model("layer zoo 5", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
    brain_model_free(m);
    brain_tensor_free(x);
    /* Dropout(noise_shape=(None, 1, 1, 1)) in training drops whole samples or keeps them whole */
    brain_model *d = brain_sequential(NULL);
    brain_model_add(d, brain_input(BRAIN_SHAPE(3, 2, 2)));
    brain_model_add(d, brain_dropout(0.5f, &(brain_dropout_options){ .noise_ndim = 3, .noise_shape = {1, 1, 1} }));
    CHECK_OK(brain_model_build(d));
    brain_tensor *ones = brain_tensor_new(4, (int64_t[]){ 64, 3, 2, 2 });
    for (int64_t i = 0; i < ones->size; i++) ones->data[i] = 1.0f;
    CHECK_OK(brain__model_forward(d, ones, true));
    const brain_tensor *y = brain__model_output(d);
    int whole = 0, dropped = 0;
    for (int64_t b = 0; b < 64; b++) {
        bool same = true;
        for (int64_t j = 1; j < 12; j++) same &= y->data[b * 12 + j] == y->data[b * 12];
        whole += same;
        dropped += y->data[b * 12] == 0.0f;
    }
    CHECK(whole == 64 && dropped > 10 && dropped < 54);
    brain_tensor_free(ones);
    brain_model_free(d);
    /* in C: options and errors */
    CHECK(brain_relu(&(brain_relu_options){ .has_max_value = true, .max_value = -1 }) == NULL &&
          strstr(brain_last_error(), "max_value"));
    CHECK(brain_zero_padding2d(-1, 0, 0, 0, NULL) == NULL && strstr(brain_last_error(), ">= 0"));
    brain_model *s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(4, 4, 2)));
    brain_model_add(s, brain_cropping2d(2, 2, 0, 0, &(brain_layer_options){ .name = "cut" }));
    CHECK_FAILS(brain_model_build(s), "'cut'");
    brain_model_free(s);
    s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(5, 5, 2)));
    brain_model_add(s, brain_depthwise_conv2d(3, 3, &(brain_depthwise_conv_options){ .depth_multiplier = 3, .strides = {2} }));
    CHECK_OK(brain_model_build(s));
    CHECK(brain_model_output_shape(s).dims[0] == 2 && brain_model_output_shape(s).dims[2] == 6);
    brain_model_free(s);
}

/* Conv2D / Conv1D groups: gradients through the loaded model (same/valid, strides, dilation,
 * no bias, relu/tanh, 1x1, causal Conv1D); options and errors in C; a grouped layer built in C
 * equals the sum of its groups computed as separate convolutions */
static void conv_groups(void)
{
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo6.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    brain_tensor *x = gc_random(4, (int64_t[]){ 2, 7, 6, 4 }, 12, -1, 1);
    if (m) {
        CHECK(brain_model_get_layer(m, "g4_valid_s2")->weights[0]->shape[2] == 1);
        CHECK(gradcheck_model("conv groups", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
    }
    brain_model_free(m);
    brain_tensor_free(x);
    /* groups must divide channels and filters: the layer is named */
    brain_model *s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(5, 5, 6)));
    brain_model_add(s, brain_conv2d(4, 3, 3, &(brain_conv_options){ .groups = 4, .name = "bad_groups" }));
    CHECK_FAILS(brain_model_build(s), "'bad_groups'");
    brain_model_free(s);
    CHECK(brain_conv2d(4, 3, 3, &(brain_conv_options){ .groups = -2 }) == NULL && strstr(brain_last_error(), "groups"));
    /* groups=2 against two ungrouped convolutions on the channel halves */
    brain_model *gm = brain_sequential(NULL), *h[2];
    brain_model_add(gm, brain_input(BRAIN_SHAPE(5, 4, 4)));
    brain_model_add(gm, brain_conv2d(6, 3, 3, &(brain_conv_options){ .groups = 2, .padding = BRAIN_PADDING_SAME, .strides = {2} }));
    CHECK_OK(brain_model_build(gm));
    brain_layer *gl = brain_model_layer(gm, 0);
    brain_tensor *in = gc_random(4, (int64_t[]){ 3, 5, 4, 4 }, 13, -1, 1), *yg = NULL;
    CHECK_OK(brain_predict(gm, in, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &yg));
    for (int g = 0; g < 2; g++) {
        h[g] = brain_sequential(NULL);
        brain_model_add(h[g], brain_input(BRAIN_SHAPE(5, 4, 2)));
        brain_model_add(h[g], brain_conv2d(3, 3, 3, &(brain_conv_options){ .padding = BRAIN_PADDING_SAME, .strides = {2} }));
        CHECK_OK(brain_model_build(h[g]));
        brain_layer *hl = brain_model_layer(h[g], 0);
        for (int64_t k = 0; k < 3 * 3 * 2; k++)
            for (int f = 0; f < 3; f++) hl->weights[0]->value[k * 3 + f] = gl->weights[0]->value[k * 6 + g * 3 + f];
        for (int f = 0; f < 3; f++) hl->weights[1]->value[f] = gl->weights[1]->value[g * 3 + f] = 0.1f * (float)(f + g);
    }
    brain_tensor_free(yg);
    yg = NULL;
    CHECK_OK(brain_predict(gm, in, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &yg));
    brain_tensor *half = brain_tensor_new(4, (int64_t[]){ 3, 5, 4, 2 });
    double worst = 0;
    for (int g = 0; g < 2; g++) {
        for (int64_t p = 0; p < 3 * 5 * 4; p++)
            for (int c = 0; c < 2; c++) half->data[p * 2 + c] = in->data[p * 4 + g * 2 + c];
        brain_tensor *yh = NULL;
        CHECK_OK(brain_predict(h[g], half, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &yh));
        if (yh && yg)
            for (int64_t p = 0; p < yh->size / 3; p++)
                for (int f = 0; f < 3; f++) worst = fmax(worst, fabs(yh->data[p * 3 + f] - yg->data[p * 6 + g * 3 + f]));
        brain_tensor_free(yh);
        brain_model_free(h[g]);
    }
    CHECK(yg && yg->size == 3 * 3 * 2 * 6 && worst <= 1e-6);
    brain_tensor_free(half);
    brain_tensor_free(yg);
    brain_tensor_free(in);
    brain_model_free(gm);
}

/* BatchNormalization on axes 1, 2 and -1 of images, and after a masking Embedding: the training
 * output (batch statistics, masked ones over the kept steps only) equals Keras's model(x,
 * training=True); gradients in training and inference */
static void bn_axes(const char *name, int ndim, const int64_t *gc_shape, bool integer_input)
{
    char file[256], json[256];
    snprintf(file, sizeof file, APPS "%s.keras", name);
    snprintf(json, sizeof json, APPS "%s.json", name);
    cJSON *j = read_json(json);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(file, &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (!j || !m) { cJSON_Delete(j); brain_model_free(m); return; }
    brain_tensor *x = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x"));
    m->want_input_grad = true; /* before the buffers are sized: the gradient checks below need it */
    CHECK_OK(brain__model_reserve(m, x->shape[0]));
    CHECK_OK(brain__model_forward(m, x, true));
    const brain_tensor *y = brain__model_output(m);
    double worst = 0;
    int64_t i = 0;
    const cJSON *want = cJSON_GetObjectItem(j, "y_train");
    for (const cJSON *e = want->child; e && i < y->size; e = e->next, i++) worst = fmax(worst, fabs(y->data[i] - e->valuedouble));
    CHECK_MSG(i == y->size && worst <= 1e-5, "%s training output: %g", name, worst);
    printf("%-32s training output: max |brain - keras| = %.3g\n", name, worst);
    brain_tensor *g = integer_input ? x : gc_random(ndim, gc_shape, 14, -2, 3);
    gc_index_inputs = integer_input;
    CHECK(gradcheck_model(name, m, g, true, 1e-3, 2e-3, 1e-2) == 0);
    CHECK(gradcheck_model(name, m, g, false, 1e-3, 2e-3, 1e-2) == 0);
    gc_index_inputs = false;
    if (g != x) brain_tensor_free(g);
    brain_tensor_free(x);
    brain_model_free(m);
    cJSON_Delete(j);
    /* axes out of range: the layer named */
    brain_model *s = brain_sequential(NULL);
    brain_model_add(s, brain_input(BRAIN_SHAPE(4, 3)));
    brain_model_add(s, brain_batch_normalization(&(brain_batch_norm_options){ .axis = 3, .name = "bn_far" }));
    CHECK_FAILS(brain_model_build(s), "'bn_far'");
    brain_model_free(s);
}

/* adapt() in C on Keras's data gives Keras's adapted mean and variance; gradients through the
 * three Normalization layers */
static void normalization_adapt(void)
{
    cJSON *j = read_json(APPS "layer_zoo4.json");
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(APPS "layer_zoo4.keras", &m, &(brain_load_options){ .compile = BRAIN_OFF }));
    if (!j || !m) { cJSON_Delete(j); brain_model_free(m); return; }
    brain_tensor *data = tensor_from(cJSON_GetObjectItem(j, "adapt_shape"), cJSON_GetObjectItem(j, "adapt_x"));
    brain_layer *l = brain_model_get_layer(m, "adapted");
    float keras_mean[3], keras_var[3];
    memcpy(keras_mean, l->weights[0]->value, sizeof keras_mean);
    memcpy(keras_var, l->weights[1]->value, sizeof keras_var);
    CHECK(l->weights[2]->value[0] == 0.0f && l->weights[2]->integer); /* count: an integer dataset; Keras leaves it 0 */
    for (int c = 0; c < 3; c++) { l->weights[0]->value[c] = 0; l->weights[1]->value[c] = 1; }
    CHECK_OK(brain_normalization_adapt(l, data));
    int c = 0;
    for (const cJSON *e = cJSON_GetObjectItem(j, "adapt_mean")->child; e && c < 3; e = e->next, c++)
        CHECK_NEAR(l->weights[0]->value[c], e->valuedouble, 1e-6, 1e-6);
    c = 0;
    for (const cJSON *e = cJSON_GetObjectItem(j, "adapt_var")->child; e && c < 3; e = e->next, c++)
        CHECK_NEAR(l->weights[1]->value[c], e->valuedouble, 1e-6, 1e-6);
    for (c = 0; c < 3; c++) CHECK_NEAR(l->weights[0]->value[c], keras_mean[c], 1e-6, 1e-6);
    for (c = 0; c < 3; c++) CHECK_NEAR(l->weights[1]->value[c], keras_var[c], 1e-6, 1e-6);
    brain_tensor *x = gc_random(3, (int64_t[]){ 2, 4, 3 }, 10, -2, 5);
    CHECK(gradcheck_model("normalization", m, x, false, 1e-2, 2e-3, 1e-2) == 0);
    CHECK_FAILS(brain_normalization_adapt(brain_model_get_layer(m, "const"), data), "fixed mean");
    brain_tensor_free(x);
    brain_tensor_free(data);
    brain_model_free(m);
    cJSON_Delete(j);
}

/* pop() a loaded Sequential's head, add a new one, train: the kept layers keep their weights;
 * a frozen BatchNormalization runs in inference mode in training (moving statistics unchanged,
 * output = inference output), as Keras's */
static void pop_and_freeze(void)
{
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(DIR "fid_gap_mask_seq.keras", &m, NULL));
    if (!m) return;
    CHECK(brain_model_num_layers(m) == 3);
    brain_layer *emb = brain_model_layer(m, 0);
    float before[40];
    memcpy(before, emb->weights[0]->value, sizeof before);
    CHECK_OK(brain_model_pop(m));
    CHECK(brain_model_num_layers(m) == 2 && brain_model_output_shape(m).dims[0] == 4);
    CHECK(!memcmp(before, emb->weights[0]->value, sizeof before));
    CHECK_OK(brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID, .name = "new_head" })));
    CHECK(brain_model_output_shape(m).dims[0] == 1 && !memcmp(before, emb->weights[0]->value, sizeof before));
    brain_layer_set_trainable(emb, false);
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "binary_crossentropy" }));
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ 8, 6 }), *y = brain_tensor_new(2, (int64_t[]){ 8, 1 });
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)((i * 7) % 10);
    for (int64_t i = 0; i < 8; i++) y->data[i] = (float)(i % 2);
    float head0 = brain_model_get_layer(m, "new_head")->weights[0]->value[0];
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 2, .batch_size = 4, .verbose = BRAIN_SILENT }, NULL));
    CHECK(!memcmp(before, emb->weights[0]->value, sizeof before));                  /* frozen */
    CHECK(brain_model_get_layer(m, "new_head")->weights[0]->value[0] != head0);     /* trained */
    brain_tensor_free(x); brain_tensor_free(y);
    brain_model_free(m);
    /* frozen BatchNormalization */
    brain_model *b = brain_sequential(NULL);
    brain_model_add(b, brain_input(BRAIN_SHAPE(3)));
    brain_model_add(b, brain_batch_normalization(NULL));
    CHECK_OK(brain_model_build(b));
    brain_layer *bn = brain_model_layer(b, 0);
    brain_layer_set_trainable(bn, false);
    brain_tensor *in = gc_random(2, (int64_t[]){ 5, 3 }, 3, 2, 4);
    CHECK_OK(brain__model_forward(b, in, true));
    const brain_tensor *o = brain__model_output(b);
    float train_out[15];
    memcpy(train_out, o->data, sizeof train_out);
    CHECK_OK(brain__model_forward(b, in, false));
    CHECK(!memcmp(train_out, brain__model_output(b)->data, sizeof train_out));
    CHECK(bn->weights[2]->value[0] == 0.0f && bn->weights[3]->value[0] == 1.0f); /* moving stats unmoved */
    brain_tensor_free(in);
    brain_model_free(b);
    CHECK_FAILS(brain_model_pop(NULL), "Sequential");
}

/* The logits: the model's last layer (Dense or Activation "predictions") run without its
 * softmax; returns the largest |brain - keras| over the logits the .json holds, divided by their
 * largest magnitude (INFINITY when absent or on failure); *abs_diff gets the absolute one. */
static double logits_diff(const char *file, const char *json, double *abs_diff)
{
    *abs_diff = INFINITY;
    cJSON *j = read_json(json);
    const cJSON *want = j ? cJSON_GetObjectItem(j, "logits") : NULL;
    brain_model *m = NULL;
    if (!want || brain_load_model(file, &m, &(brain_load_options){ .compile = BRAIN_OFF })) {
        cJSON_Delete(j);
        return INFINITY;
    }
    brain_layer *last = brain_model_layer(m, brain_model_num_layers(m) - 1);
    CHECK(last->activation == BRAIN_SOFTMAX);
    last->activation = BRAIN_LINEAR;
    brain_tensor *x = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x")), *y = NULL;
    double worst = INFINITY, scale = 0;
    if (!brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y) && cJSON_GetArraySize(want) == y->size) {
        worst = 0;
        int64_t i = 0;
        for (const cJSON *e = want->child; e; e = e->next, i++) {
            worst = fmax(worst, fabs(y->data[i] - e->valuedouble));
            scale = fmax(scale, fabs(e->valuedouble));
        }
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model_free(m);
    cJSON_Delete(j);
    *abs_diff = worst;
    return scale > 0 ? worst / scale : INFINITY;
}

/* The full-size models, from $BRAIN_APPS_DIR: softmax outputs within 1e-5 of Keras's in .keras
 * and .h5, logits within 1e-5 relative to their largest; saved back (for Keras to load them with
 * the script's "check") when BRAIN_EXPORT_DIR is set. */
static void large(void)
{
    const char *dir = getenv("BRAIN_APPS_DIR");
    if (!dir || !*dir) {
        printf("BRAIN_APPS_DIR not set: the full-size models are skipped (tools/keras_applications.py large DIR)\n");
        return;
    }
    const char *names[] = { "mobilenet_v2_100_224", "mobilenet_v3_small", "efficientnet_b0", "resnet50",
                            "densenet121", "vgg16", "xception" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char file[512], json[512];
        snprintf(file, sizeof file, "%s/%s.keras", dir, names[i]);
        snprintf(json, sizeof json, "%s/%s.json", dir, names[i]);
        if (access(file, R_OK)) { printf("%s absent: skipped\n", file); continue; }
        CHECK_MSG(keras_diff_abs(file, json) <= 1e-5, "%s", file);
        double abs_diff, rel = logits_diff(file, json, &abs_diff);
        printf("%-32s logits: max |brain - keras| = %.3g (%.3g of the largest logit)\n", names[i], abs_diff, rel);
        CHECK_MSG(rel <= 1e-5, "%s logits", file);
        const char *exp = getenv("BRAIN_EXPORT_DIR");
        if (exp && *exp) {
            cJSON *j = read_json(json);
            if (j) {
                brain_tensor *x = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x"));
                save_back(file, x, names[i]);
                brain_tensor_free(x);
                cJSON_Delete(j);
            }
        }
        snprintf(file, sizeof file, "%s/%s.h5", dir, names[i]);
        if (!access(file, R_OK)) {
            CHECK_MSG(keras_diff_abs(file, json) <= 1e-5, "%s", file);
            rel = logits_diff(file, json, &abs_diff);
            printf("%-32s logits: max |brain - keras| = %.3g (%.3g of the largest logit)\n", file, abs_diff, rel);
            CHECK_MSG(rel <= 1e-5, "%s logits", file);
        }
    }
}

int main(void)
{
    golden("layer_zoo", true, 1e-5);
    golden("layer_zoo2", true, 1e-5);
    golden("layer_zoo3", true, 1e-5);
    golden("layer_zoo4", true, 1e-5);
    golden("layer_zoo5", true, 1e-5);
    golden("layer_zoo6", true, 1e-5);
    conv_groups();
    golden("layer_zoo7", true, 1e-5);
    golden("layer_zoo8", true, 1e-5);
    bn_axes("layer_zoo7", 4, (int64_t[]){ 3, 5, 4, 3 }, false);
    bn_axes("layer_zoo8", 2, NULL, true);
    normalization_adapt();
    pop_and_freeze();
    layer_gradients();
    golden("unet_small", true, 1e-5);
    golden("mobilenet_v2_035", false, 1e-5);
    large();
    return check_summary("test_applications");
}
