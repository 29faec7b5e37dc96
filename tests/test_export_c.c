/* test_export_c.c — brain_export_c: every lecture model (trained briefly) and two models that
 * cover the other exportable layers are exported, the generated C is compiled with
 * `cc -std=c99 -Wall -Wextra -Werror -pedantic` without libbrain, run, and its outputs compared
 * with brain_predict (|c − brain| ≤ 1e-6·max(1, |brain|)).  Also: int8 export of the MLP keeps
 * its accuracy (and the LSTM, Conv1D, CNN and text models stay near float), and the errors (int8
 * without or with wrong calibration data, a missing directory, no model). */
#include "check.h"
#include "export_harness.h"
#include "export_models.h"
#include <brain.h>
#include <cjson/cJSON.h>

#ifndef BRAIN_EXPORT_TEST_DIR
#define BRAIN_EXPORT_TEST_DIR "/tmp/brain-export-test"
#endif
#define DIR BRAIN_EXPORT_TEST_DIR
static const double TOL = 1e-6;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) { free(s); s = NULL; }
    if (s) s[n] = 0;
    fclose(f);
    return s;
}

/* exports, runs and compares with brain_predict; returns the C outputs (or NULL) */
static brain_tensor *compare(brain_model *m, const char *name, const brain_tensor *x)
{
    brain_tensor *ref = NULL, *got = NULL;
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &ref));
    int rc = harness_run(m, DIR, name, x, NULL, NULL, &got);
    CHECK_MSG(rc == 0, "%s: the exported program did not run", name);
    if (ref && got) {
        double d = harness_max_diff(got, ref);
        printf("  %-16s %lld rows: max |C - brain| = %.3g\n", name, (long long)x->shape[0], d);
        CHECK_MSG(d >= 0 && d <= TOL, "%s: exported C differs from brain_predict by %.3g", name, d);
    }
    brain_tensor_free(ref);
    return got;
}

/* int8 export of m runs and stays near float: the same class for ≥ 85% of rows (briefly trained
 * models have close classes), mean |int8 − float| < 0.05; and it really is quantised (≠ float) */
static void int8_close_fx(brain_model *m, const char *name, const brain_tensor *x, const brain_tensor *cal, bool small_model, bool fixed)
{
    char qname[96];
    snprintf(qname, sizeof qname, "%s_int8%s", name, fixed ? "_fixed" : "");
    brain_tensor *f = NULL, *q = NULL;
    brain_export_c_report rep = {0};
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &f));
    CHECK_MSG(harness_run(m, DIR, qname, x, &(brain_export_c_options){.int8 = true, .calibration = cal, .int8_fixed_point = fixed}, &rep, &q) == 0,
              "%s: int8 export did not run", name);
    if (!f || !q || f->size != q->size) { brain_tensor_free(f); brain_tensor_free(q); return; }
    const int64_t n = f->shape[0], k = f->size / n;
    int64_t same = 0;
    double mad = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t a = 0, b = 0;
        for (int64_t j = 1; j < k; j++) {
            if (f->data[i * k + j] > f->data[i * k + a]) a = j;
            if (q->data[i * k + j] > q->data[i * k + b]) b = j;
        }
        same += k == 1 ? (f->data[i] > 0.5f) == (q->data[i] > 0.5f) : a == b;
    }
    for (int64_t i = 0; i < f->size; i++) mad += fabs(f->data[i] - q->data[i]) / (double)f->size;
    printf("  %-16s int8%s: same class %lld/%lld, mean |int8 - float| %.4f, weights %lld -> %lld bytes\n", name, fixed ? " (fixed-point)" : "", (long long)same,
           (long long)n, mad, (long long)rep.float_weight_bytes, (long long)rep.weight_bytes);
    CHECK_MSG(same * 100 >= 85 * n && mad < 0.05 && mad > 0, "%s: int8 is too far from float (or identical)", name);
    /* per-channel scales and int32 biases weigh more in a tiny model */
    CHECK(small_model ? rep.weight_bytes * 3 < rep.float_weight_bytes * 2 : rep.weight_bytes * 3 < rep.float_weight_bytes);
    brain_tensor_free(f);
    brain_tensor_free(q);
}

static void int8_close(brain_model *m, const char *name, const brain_tensor *x, const brain_tensor *cal, bool small_model)
{
    int8_close_fx(m, name, x, cal, small_model, false);
}

static void lecture_models(void)
{
    const lm_size small = {.n_train = 64, .n_test = 24, .epochs = 1, .vocab = 500};
    lm_case c;
    if (lm_breast_cancer(&c, &(lm_size){.epochs = 5}) == 0) {
        brain_tensor_free(compare(c.m, c.name, c.x_test));
        /* the generated files: no allocation, sizes as #defines, Dropout gone */
        char *src = slurp(DIR "/breast_cancer.c"), *hdr = slurp(DIR "/breast_cancer.h");
        CHECK(src && hdr);
        if (src && hdr) {
            CHECK(!strstr(src, "malloc") && !strstr(src, "stdio"));
            CHECK(strstr(hdr, "#define BREAST_CANCER_ARENA_FLOATS") && strstr(hdr, "#define BREAST_CANCER_INPUT_SIZE 30"));
            CHECK(strstr(src, "/* Dense 'dense'") && !strstr(src, "Dropout '"));
            /* the only mutable object at file scope is the arena: every other array is static const */
            int mutable_arrays = 0;
            for (const char *q = src; (q = strstr(q, "\nstatic ")); q++) {
                const char *rest = q + 8, *paren = strchr(rest, '('), *bracket = strchr(rest, '[');
                if (strncmp(rest, "const ", 6) != 0 && bracket && (!paren || bracket < paren)) mutable_arrays++;
            }
            CHECK_MSG(mutable_arrays == 1 && strstr(src, "static float breast_cancer_arena[BREAST_CANCER_ARENA_FLOATS];"),
                      "%d mutable static arrays", mutable_arrays);
        }
        free(src);
        free(hdr);

        /* int8: 4x smaller weights, accuracy within 2 points of float on the test rows */
        brain_export_c_report rep = {0};
        brain_tensor *q = NULL, *f = NULL;
        CHECK_OK(brain_predict(c.m, c.x_test, &(brain_eval_options){.verbose = BRAIN_SILENT}, &f));
        CHECK(harness_run(c.m, DIR, "breast_cancer_int8", c.x_test,
                          &(brain_export_c_options){.int8 = true, .calibration = c.x_cal}, &rep, &q) == 0);
        if (q && f) {
            double af = harness_accuracy(f, c.y_test), aq = harness_accuracy(q, c.y_test);
            printf("  int8 MLP: accuracy %.4f (float %.4f), weights %lld bytes (float %lld)\n", aq, af,
                   (long long)rep.weight_bytes, (long long)rep.float_weight_bytes);
            CHECK(aq >= af - 0.02);
            CHECK(rep.weight_bytes * 3 < rep.float_weight_bytes);
            double d = 0;
            for (int64_t i = 0; i < q->size; i++) d = fabs(q->data[i] - f->data[i]) > d ? fabs(q->data[i] - f->data[i]) : d;
            CHECK_MSG(d > 0 && d < 0.1, "int8 outputs differ from float by %g (0 would mean no quantisation)", d);
        }
        brain_tensor_free(q);
        brain_tensor_free(f);
        /* errors */
        CHECK_FAILS(brain_export_c(c.m, DIR, &(brain_export_c_options){.int8 = true}), "calibration");
        brain_tensor *bad = brain_tensor_new(2, (int64_t[]){4, 7});
        CHECK_FAILS(brain_export_c(c.m, DIR, &(brain_export_c_options){.int8 = true, .calibration = bad}), "shape (None, 30)");
        brain_tensor_free(bad);
        CHECK_FAILS(brain_export_c(c.m, DIR "/no/such/dir", NULL), "no/such/dir");
        lm_free(&c);
    } else CHECK(0);
    for (int cell = 0; cell < 3; cell++)
        if (lm_ecg_rnn(&c, &small, cell) == 0) {
            brain_tensor_free(compare(c.m, c.name, c.x_test));
            if (cell == 1) int8_close(c.m, c.name, c.x_test, c.x_cal, false);
            lm_free(&c);
        } else CHECK(0);
    if (lm_ecg_conv1d(&c, &small) == 0) {
        brain_tensor_free(compare(c.m, c.name, c.x_test));
        int8_close(c.m, c.name, c.x_test, c.x_cal, false);
        int8_close_fx(c.m, c.name, c.x_test, c.x_cal, false, true);
        lm_free(&c);
    } else CHECK(0);
    if (lm_text_lstm(&c, &small) == 0) {
        brain_tensor_free(compare(c.m, c.name, c.x_test));
        int8_close(c.m, c.name, c.x_test, c.x_cal, false);
        /* the Embedding is fused into the LSTM: no (200, 64) buffer in the arena */
        char *hdr = slurp(DIR "/text_lstm.h");
        CHECK(hdr && strstr(hdr, "#define TEXT_LSTM_ARENA_FLOATS 512 "));
        free(hdr);
        lm_free(&c);
    } else CHECK(0);
    int rc = lm_fashion_cnn(&c, &(lm_size){.n_train = 64, .n_test = 24, .epochs = 1});
    if (rc == 0) {
        brain_tensor_free(compare(c.m, c.name, c.x_test));
        int8_close(c.m, c.name, c.x_test, c.x_cal, false);
        lm_free(&c);
    } else if (rc == 3) printf("  fashion_cnn: skipped, Fashion-MNIST is not installed (dataset-fashion-mnist)\n");
    else CHECK(0);
}

/* random values in every weight, BatchNormalization's statistics included (variance > 0) */
static void scramble(brain_model *m, uint64_t seed)
{
    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int i = 0; i < brain_model_num_layers(m); i++) {
        brain_layer *l = brain_model_layer(m, i);
        const bool bn = strcmp(brain_layer_class(l), "BatchNormalization") == 0;
        for (int k = 0;; k++) {
            brain_tensor *w = brain_model_weight(m, i, k);
            if (!w) break;
            for (int64_t j = 0; j < w->size; j++)
                w->data[j] = bn && k == 3 ? (float)(0.5 + brain_rng_uniform(&r)) : (float)(0.6 * (brain_rng_uniform(&r) - 0.5));
            brain_tensor_free(w);
        }
    }
    brain_clear_error();
}

static brain_tensor *random_input(int64_t rows, brain_shape s, uint64_t seed, float scale)
{
    int64_t dims[BRAIN_MAX_DIMS + 1] = {rows};
    for (int i = 0; i < s.ndim; i++) dims[i + 1] = s.dims[i];
    brain_tensor *t = brain_tensor_new(s.ndim + 1, dims);
    brain_rng r;
    brain_rng_seed(&r, seed);
    for (int64_t i = 0; i < t->size; i++) t->data[i] = (float)(scale * brain_rng_normal(&r));
    return t;
}

/* Conv2D 'same' with strides, BatchNormalization folded and standalone, Activation fused, dilation,
 * average / max pooling with 'same' padding, global pooling, Reshape, softmax as a layer */
static void image_layers(void)
{
    brain_model *m = brain_sequential("img");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(13, 11, 3))));
    CHECK_OK(brain_model_add(m, brain_conv2d(8, 3, 3, &(brain_conv_options){.strides = {2}, .padding = BRAIN_PADDING_SAME})));
    CHECK_OK(brain_model_add(m, brain_batch_normalization(NULL)));
    CHECK_OK(brain_model_add(m, brain_activation(BRAIN_RELU, NULL)));
    CHECK_OK(brain_model_add(m, brain_conv2d(6, 3, 2, &(brain_conv_options){.dilation_rate = {2, 1}, .activation = BRAIN_SELU})));
    CHECK_OK(brain_model_add(m, brain_batch_normalization(NULL)));
    CHECK_OK(brain_model_add(m, brain_average_pooling2d(&(brain_pool_options){.pool_size = {2, 2}, .padding = BRAIN_PADDING_SAME})));
    CHECK_OK(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){.pool_size = {2, 3}, .strides = {1, 1}, .padding = BRAIN_PADDING_SAME})));
    CHECK_OK(brain_model_add(m, brain_global_max_pooling2d(NULL)));
    CHECK_OK(brain_model_add(m, brain_reshape(BRAIN_SHAPE(3, 2), NULL)));
    CHECK_OK(brain_model_add(m, brain_conv1d(4, 2, &(brain_conv_options){.padding = BRAIN_PADDING_SAME, .activation = BRAIN_GELU})));
    CHECK_OK(brain_model_add(m, brain_average_pooling1d(&(brain_pool_options){.pool_size = {2}, .padding = BRAIN_PADDING_SAME})));
    CHECK_OK(brain_model_add(m, brain_global_average_pooling1d(NULL)));
    CHECK_OK(brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTPLUS})));
    CHECK_OK(brain_model_add(m, brain_activation(BRAIN_SOFTMAX, NULL)));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    scramble(m, 5);
    brain_tensor *x = random_input(16, BRAIN_SHAPE(13, 11, 3), 6, 1.0f);
    brain_tensor_free(compare(m, "img", x));
    int8_close(m, "img", x, x, true);
    int8_close_fx(m, "img", x, x, true, true);
    char *fx = slurp(DIR "/img_int8_fixed.c");
    CHECK(fx && strstr(fx, "static int32_t requantize(") && !strstr(fx, "rnd(")); /* no float requantisation */
    free(fx);
    char *src = slurp(DIR "/img.c");
    CHECK(src && strstr(src, "BatchNormalization folded in") && strstr(src, "/* BatchNormalization 'batch_normalization_1'"));
    free(src);
    brain_tensor_free(x);
    brain_model_free(m);
}

/* functional: two inputs, GRU both ways (reset_after on and off, go_backwards,
 * return_sequences), SimpleRNN with relu, LSTM sequences into Conv1D, every merge layer,
 * LeakyReLU, standalone BatchNormalization, activations */
static void functional_layers(void)
{
    brain_sym a = brain_input_sym(BRAIN_SHAPE(10, 3), "seq"), b = brain_input_sym(BRAIN_SHAPE(5), "tab");
    brain_sym g1 = brain_apply(brain_gru(8, &(brain_rnn_options){.reset_after = BRAIN_OFF, .return_sequences = true, .go_backwards = true}), a);
    brain_sym g2 = brain_apply(brain_gru(6, NULL), g1);
    brain_sym s = brain_apply(brain_simple_rnn(6, &(brain_rnn_options){.activation = BRAIN_RELU, .has_activation = true}), a);
    brain_sym l = brain_apply(brain_lstm(4, &(brain_rnn_options){.return_sequences = true, .recurrent_activation = BRAIN_HARD_SIGMOID,
                                                                  .has_recurrent_activation = true}), a);
    brain_sym c = brain_apply(brain_conv1d(5, 3, &(brain_conv_options){.padding = BRAIN_PADDING_SAME}), l);
    c = brain_apply(brain_global_average_pooling1d(NULL), c);
    c = brain_apply(brain_dense(6, &(brain_dense_options){.activation = BRAIN_TANH}), c);
    brain_sym d = brain_apply(brain_dense(6, &(brain_dense_options){.activation = BRAIN_ELU}), b);
    brain_sym add = brain_apply_n(brain_add(NULL), BRAIN_SYMS(g2, s, d, c));
    brain_sym mul = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(g2, d));
    brain_sym sub = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(s, d));
    brain_sym avg = brain_apply_n(brain_average(NULL), BRAIN_SYMS(add, mul));
    brain_sym mx = brain_apply_n(brain_maximum(NULL), BRAIN_SYMS(avg, sub));
    brain_sym cat = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(mx, add));
    brain_sym lr = brain_apply(brain_leaky_relu(0.1f, NULL), cat);
    brain_sym bn = brain_apply(brain_batch_normalization(NULL), lr);
    brain_sym act = brain_apply(brain_activation(BRAIN_HARD_SIGMOID, NULL), bn);
    brain_sym y = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "out"}), act);
    brain_model *m = brain_functional(BRAIN_SYMS(a, b), 1, &y, NULL);
    CHECK(m != NULL);
    if (!m) { fprintf(stderr, "%s\n", brain_last_error()); return; }
    scramble(m, 9);
    brain_tensor *xa = random_input(12, BRAIN_SHAPE(10, 3), 10, 1.0f), *xb = random_input(12, BRAIN_SHAPE(5), 11, 1.0f);
    brain_tensor *ref[1] = {NULL}, *got = NULL;
    CHECK_OK(brain_predict_multi(m, BRAIN_TENSORS(xa, xb), &(brain_eval_options){.verbose = BRAIN_SILENT}, ref));
    /* the generated program takes each sample's inputs one after another */
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){12, 35});
    for (int64_t i = 0; i < 12; i++) {
        memcpy(x->data + i * 35, xa->data + i * 30, 30 * sizeof(float));
        memcpy(x->data + i * 35 + 30, xb->data + i * 5, 5 * sizeof(float));
    }
    CHECK(harness_run(m, DIR, "mix", x, NULL, NULL, &got) == 0);
    char *hdr = slurp(DIR "/mix.h");
    CHECK(hdr && strstr(hdr, "#define MIX_INPUT1_OFFSET 30\n#define MIX_INPUT1_SIZE 5"));
    free(hdr);
    if (got && ref[0]) {
        double dd = harness_max_diff(got, ref[0]);
        printf("  %-16s %d rows: max |C - brain| = %.3g\n", "mix", 12, dd);
        CHECK_MSG(dd >= 0 && dd <= TOL, "functional model: exported C differs by %.3g", dd);
    }
    brain_tensor_free(got);
    brain_tensor_free(ref[0]);
    brain_tensor_free(x);
    brain_tensor_free(xa);
    brain_tensor_free(xb);
    brain_model_free(m);
}

/* Embedding(mask_zero) → LSTM: padded steps are skipped as Keras's mask skips them; an id out of
 * range makes the generated predict return 1 */
static void masked_text(void)
{
    brain_model *m = brain_sequential("masked");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(12))));
    CHECK_OK(brain_model_add(m, brain_embedding(20, 4, &(brain_embedding_options){.mask_zero = true})));
    CHECK_OK(brain_model_add(m, brain_dropout(0.3f, NULL)));
    CHECK_OK(brain_model_add(m, brain_lstm(5, &(brain_rnn_options){.return_sequences = true})));
    CHECK_OK(brain_model_add(m, brain_dense(3, NULL)));
    CHECK_OK(brain_model_add(m, brain_gru(4, &(brain_rnn_options){.go_backwards = true})));
    CHECK_OK(brain_model_add(m, brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    scramble(m, 12);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){10, 12});
    brain_rng r;
    brain_rng_seed(&r, 13);
    for (int64_t i = 0; i < 10; i++)
        for (int64_t t = 0; t < 12; t++) x->data[i * 12 + t] = t < i || brain_rng_uniform(&r) < 0.2 ? 0.0f : (float)(1 + brain_rng_below(&r, 19));
    brain_tensor *got = compare(m, "masked", x);
    brain_tensor_free(got);
    /* an id out of range: brain refuses it, the generated program returns 1 (the driver exits 3) */
    x->data[5] = 20.0f;
    brain_tensor *ref = NULL;
    CHECK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &ref) != BRAIN_OK);
    got = NULL;
    fprintf(stderr, "  (the next harness message is expected: an id out of range)\n");
    CHECK(harness_run(m, DIR, "masked", x, NULL, NULL, &got) != 0);
    brain_tensor_free(got);
    brain_tensor_free(ref);
    brain_tensor_free(x);
    brain_model_free(m);
}

/* Bidirectional: concat / sum / ave / mul, LSTM, GRU and SimpleRNN halves, with and without a mask
 * (masked steps give zeros in returned sequences, as Keras's zero_output_for_mask) */
static void bidirectional(void)
{
    brain_model *m = brain_sequential("bi");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(9, 3))));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_lstm(4, &(brain_rnn_options){.return_sequences = true}),
                                                    &(brain_bidirectional_options){.name = "both_ways"})));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_gru(3, &(brain_rnn_options){.reset_after = BRAIN_OFF}),
                                                    &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_SUM})));
    CHECK_OK(brain_model_add(m, brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    scramble(m, 21);
    brain_tensor *x = random_input(8, BRAIN_SHAPE(9, 3), 22, 1.0f);
    brain_tensor_free(compare(m, "bi", x));
    char *src = slurp(DIR "/bi.c");
    CHECK(src && strstr(src, "bi_both_ways_backward(") && strstr(src, "/* LSTM half of Bidirectional 'both_ways'"));
    free(src);
    int8_close(m, "bi", x, x, true);
    brain_tensor_free(x);
    brain_model_free(m);

    m = brain_sequential("bimask");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(10))));
    CHECK_OK(brain_model_add(m, brain_embedding(15, 3, &(brain_embedding_options){.mask_zero = true})));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_simple_rnn(3, &(brain_rnn_options){.return_sequences = true}),
                                                    &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_AVE})));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_lstm(2, NULL), &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_MUL})));
    CHECK_OK(brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    scramble(m, 23);
    x = brain_tensor_new(2, (int64_t[]){6, 10});
    for (int64_t i = 0; i < 6; i++)
        for (int64_t t = 0; t < 10; t++) x->data[i * 10 + t] = t < i ? 0.0f : (float)(1 + (i * 7 + t * 3) % 14);
    x->data[2 * 10 + 7] = 0.0f; /* a gap inside a sequence */
    brain_tensor_free(compare(m, "bimask", x));
    brain_tensor_free(x);
    brain_model_free(m);
    CHECK_FAILS(brain_export_c(NULL, DIR, NULL), "NULL");
}

/* Models saved by Python Keras 3 (tests/keras_files/, tools/keras_golden_models.py): loaded,
 * exported, compiled, run on the stored inputs; the C outputs must equal Keras's own outputs
 * within 1e-5 — Keras to firmware without a conversion step that changes the numbers. */
static void keras_models(void)
{
    static const char *names[] = {"activations", "bidirectional", "images", "image_heads", "sequences", "seq_all", "signals",
                                  "merges", "two_heads"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        char path[256], jpath[256], cname[64];
        snprintf(path, sizeof path, "tests/keras_files/%s.keras", names[n]);
        snprintf(jpath, sizeof jpath, "tests/keras_files/%s.json", names[n]);
        snprintf(cname, sizeof cname, "keras_%s", names[n]);
        char *text = slurp(jpath);
        cJSON *j = text ? cJSON_Parse(text) : NULL;
        free(text);
        brain_model *m = NULL;
        CHECK_MSG(j != NULL, "%s", jpath);
        if (j) CHECK_OK(brain_load_model(path, &m, &(brain_load_options){.compile = BRAIN_OFF}));
        if (!j || !m) { cJSON_Delete(j); brain_model_free(m); continue; }
        /* the inputs ("x" or "xs"), side by side per row as the generated predict takes them */
        const cJSON *xs = cJSON_GetObjectItem(j, "xs"), *shapes = cJSON_GetObjectItem(j, "x_shapes");
        const cJSON *one[1] = {cJSON_GetObjectItem(j, "x")}, *one_shape[1] = {cJSON_GetObjectItem(j, "x_shape")};
        const int n_x = xs ? cJSON_GetArraySize(xs) : 1;
        const int64_t rows = (int64_t)(xs ? cJSON_GetArrayItem(shapes, 0) : one_shape[0])->child->valuedouble;
        int64_t per = 0;
        for (int k = 0; k < n_x; k++) per += cJSON_GetArraySize(xs ? cJSON_GetArrayItem(xs, k) : one[0]) / rows;
        brain_tensor *x = brain_tensor_new(2, (int64_t[]){rows, per});
        int64_t off = 0;
        for (int k = 0; k < n_x; k++) {
            const cJSON *v = xs ? cJSON_GetArrayItem(xs, k) : one[0];
            const int64_t sz = cJSON_GetArraySize(v) / rows;
            int64_t i = 0;
            for (const cJSON *e = v->child; e; e = e->next, i++) x->data[(i / sz) * per + off + i % sz] = (float)e->valuedouble;
            off += sz;
        }
        brain_tensor *got = NULL;
        CHECK_MSG(harness_run(m, DIR, cname, x, NULL, NULL, &got) == 0, "%s: the exported program did not run", path);
        /* Keras's outputs ("y": one list per output), side by side per row likewise */
        const cJSON *ys = cJSON_GetObjectItem(j, "y");
        double worst = got ? 0 : INFINITY;
        int64_t yoff = 0, total = 0;
        for (const cJSON *y = ys->child; y; y = y->next) total += cJSON_GetArraySize(y) / rows;
        for (const cJSON *y = ys->child; y && got; y = y->next) {
            const int64_t sz = cJSON_GetArraySize(y) / rows;
            int64_t i = 0;
            if (got->size != rows * total) { worst = INFINITY; break; }
            for (const cJSON *e = y->child; e; e = e->next, i++) {
                double d = fabs(got->data[(i / sz) * total + yoff + i % sz] - e->valuedouble);
                worst = d > worst ? d : worst;
            }
            yoff += sz;
        }
        printf("  %-16s (Keras file) max |C - Keras| = %.3g\n", names[n], worst);
        CHECK_MSG(worst <= 1e-5, "%s: exported C differs from Keras by %.3g", path, worst);
        brain_tensor_free(got);
        brain_tensor_free(x);
        brain_model_free(m);
        cJSON_Delete(j);
    }
}

int main(void)
{
    brain_set_random_seed(3);
    lecture_models();
    image_layers();
    functional_layers();
    masked_text();
    bidirectional();
    keras_models();
    return check_summary("test_export_c");
}
