/* test_export_onnx.c — brain_export_onnx on the lecture models (and a model with the other
 * layers).  Each file is read back with protobuf-c and checked: opset 13, the graph's inputs and
 * outputs with their shapes, the operators in order, and the first weight matrix equal to the
 * model's.  When the venv of tools/onnx_check.py exists ($BRAIN_ONNX_PYTHON, or
 * /tmp/export-venv/bin/python with onnxruntime), the files also run in ONNX Runtime and must
 * match brain_predict within 1e-5.  Without ONNX support the call must say so. */
#include "check.h"
#include "export_models.h"
#include <brain.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BRAIN_EXPORT_TEST_DIR
#define BRAIN_EXPORT_TEST_DIR "/tmp/brain-export-test"
#endif
#define DIR BRAIN_EXPORT_TEST_DIR "/onnx"

#ifndef BRAIN_HAVE_ONNX
int main(void)
{
    brain_model *m = brain_sequential("m");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(2))));
    CHECK_OK(brain_model_add(m, brain_dense(1, NULL)));
    CHECK(!brain_onnx_available());
    CHECK_FAILS(brain_export_onnx(m, "/tmp/never.onnx"), "not built with ONNX support");
    brain_model_free(m);
    return check_summary("test_export_onnx (without ONNX support)");
}
#else
#include "onnx.pb-c.h"

static const char *python(void)
{
    const char *p = getenv("BRAIN_ONNX_PYTHON");
    if (p && *p) return p;
    return access("/tmp/export-venv/bin/python", X_OK) == 0 ? "/tmp/export-venv/bin/python" : NULL;
}

static Onnx__ModelProto *read_back(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n);
    Onnx__ModelProto *m = NULL;
    if (b && fread(b, 1, (size_t)n, f) == (size_t)n) m = onnx__model_proto__unpack(NULL, (size_t)n, b);
    free(b);
    fclose(f);
    return m;
}

static const Onnx__TensorProto *initializer(const Onnx__GraphProto *g, const char *name)
{
    for (size_t i = 0; i < g->n_initializer; i++)
        if (!strcmp(g->initializer[i]->name, name)) return g->initializer[i];
    return NULL;
}

/* exports m, checks its structure (`ops`: the operators in order, space-separated) and, with the
 * venv, runs it in ONNX Runtime on x (n_x inputs) */
static void check_model(brain_model *m, const char *name, int n_x, brain_tensor *const *x, const char *ops,
                        const char *first_kernel)
{
    char path[512], cmd[4096];
    snprintf(path, sizeof path, DIR "/%s.onnx", name);
    CHECK_OK(brain_export_onnx(m, path));
    Onnx__ModelProto *om = read_back(path);
    CHECK_MSG(om != NULL, "%s: protobuf-c cannot read the file back", name);
    if (!om) return;
    CHECK(om->n_opset_import == 1 && om->opset_import[0]->version == 13 && om->ir_version == 7);
    const Onnx__GraphProto *g = om->graph;
    CHECK(g && (int)g->n_input == n_x && g->n_output == 1);
    for (int k = 0; g && k < n_x && k < (int)g->n_input; k++) {
        const Onnx__TensorShapeProto *sh = g->input[k]->type->tensor_type->shape;
        brain_shape s = brain_model_input_shape_k(m, k);
        CHECK_MSG((int)sh->n_dim == s.ndim + 1 && sh->dim[0]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM,
                  "%s: input %d has rank %zu", name, k, sh->n_dim);
        for (int d = 0; d < s.ndim && d + 1 < (int)sh->n_dim; d++) CHECK(sh->dim[d + 1]->dim_value == s.dims[d]);
    }
    char seq[2048] = "";
    for (size_t i = 0; g && i < g->n_node; i++) {
        const char *op = g->node[i]->op_type;
        if (!strcmp(op, "Transpose")) continue; /* layout glue */
        if (strlen(seq) + strlen(op) + 2 < sizeof seq) { if (*seq) strcat(seq, " "); strcat(seq, op); }
    }
    CHECK_MSG(!ops || !strcmp(seq, ops), "%s: operators are \"%s\", expected \"%s\"", name, seq, ops);
    if (first_kernel) { /* the first Dense's kernel is the model's, value for value */
        const Onnx__TensorProto *t = initializer(g, first_kernel);
        brain_tensor *w = NULL;
        for (int i = 0; i < brain_model_num_layers(m) && !w; i++)
            if (!strcmp(brain_layer_class(brain_model_layer(m, i)), "Dense")) w = brain_model_weight(m, i, 0);
        CHECK_MSG(t && w && (int64_t)t->n_float_data == w->size, "%s: initializer %s", name, first_kernel);
        if (t && w && (int64_t)t->n_float_data == w->size) CHECK(memcmp(t->float_data, w->data, sizeof(float) * (size_t)w->size) == 0);
        brain_tensor_free(w);
    }
    onnx__model_proto__free_unpacked(om, NULL);

    const char *py = python();
    if (!py) return;
    brain_tensor *ref[1] = {NULL};
    CHECK_OK(brain_predict_multi(m, n_x, (const brain_tensor *const *)x, &(brain_eval_options){.verbose = BRAIN_SILENT}, ref));
    char ref_path[512];
    snprintf(ref_path, sizeof ref_path, DIR "/%s_ref.npy", name);
    CHECK_OK(brain_save_npy(ref_path, ref[0]));
    int n = snprintf(cmd, sizeof cmd, "%s %s %s %s", py, BRAIN_ONNX_CHECK, path, ref_path);
    for (int k = 0; k < n_x; k++) {
        char xp[512];
        snprintf(xp, sizeof xp, DIR "/%s_x%d.npy", name, k);
        CHECK_OK(brain_save_npy(xp, x[k]));
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " %s", xp);
    }
    CHECK_MSG(system(cmd) == 0, "ONNX Runtime does not match brain: %s", cmd);
    brain_tensor_free(ref[0]);
}

static void functional_layers(void)
{
    brain_sym a = brain_input_sym(BRAIN_SHAPE(10, 3), "seq"), b = brain_input_sym(BRAIN_SHAPE(5), "tab");
    brain_sym g1 = brain_apply(brain_gru(8, &(brain_rnn_options){.reset_after = BRAIN_OFF, .return_sequences = true, .go_backwards = true}), a);
    brain_sym g2 = brain_apply(brain_gru(6, NULL), g1);
    brain_sym s = brain_apply(brain_simple_rnn(6, &(brain_rnn_options){.activation = BRAIN_RELU, .has_activation = true}), a);
    brain_sym l = brain_apply(brain_lstm(4, &(brain_rnn_options){.return_sequences = true}), a);
    brain_sym c = brain_apply(brain_conv1d(5, 3, &(brain_conv_options){.padding = BRAIN_PADDING_SAME, .strides = {2}}), l);
    c = brain_apply(brain_batch_normalization(NULL), c);
    c = brain_apply(brain_average_pooling1d(&(brain_pool_options){.pool_size = {2}, .padding = BRAIN_PADDING_SAME}), c);
    c = brain_apply(brain_global_average_pooling1d(NULL), c);
    c = brain_apply(brain_dense(6, &(brain_dense_options){.activation = BRAIN_GELU}), c);
    brain_sym d = brain_apply(brain_dense(6, &(brain_dense_options){.activation = BRAIN_ELU}), b);
    brain_sym add = brain_apply_n(brain_add(NULL), BRAIN_SYMS(g2, s, d, c));
    brain_sym mul = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(g2, d));
    brain_sym sub = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(s, d));
    brain_sym avg = brain_apply_n(brain_average(NULL), BRAIN_SYMS(add, mul));
    brain_sym mx = brain_apply_n(brain_maximum(NULL), BRAIN_SYMS(avg, sub));
    brain_sym cat = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(mx, add));
    brain_sym lr = brain_apply(brain_leaky_relu(0.1f, NULL), cat);
    brain_sym bn = brain_apply(brain_batch_normalization(NULL), lr);
    brain_sym act = brain_apply(brain_activation(BRAIN_SWISH, NULL), bn);
    brain_sym y = brain_apply(brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX, .name = "out"}), act);
    brain_model *m = brain_functional(BRAIN_SYMS(a, b), 1, &y, NULL);
    CHECK(m != NULL);
    if (!m) return;
    brain_rng r;
    brain_rng_seed(&r, 4);
    float *w = malloc(sizeof(float) * (size_t)brain_model_count_params(m));
    CHECK_OK(brain_model_get_weights(m, w, brain_model_count_params(m)));
    for (int64_t i = 0; i < brain_model_count_params(m); i++) w[i] += (float)(0.2 * (brain_rng_uniform(&r) - 0.5));
    CHECK_OK(brain_model_set_weights(m, w, brain_model_count_params(m)));
    free(w);
    brain_tensor *xa = brain_tensor_new(3, (int64_t[]){7, 10, 3}), *xb = brain_tensor_new(2, (int64_t[]){7, 5});
    for (int64_t i = 0; i < xa->size; i++) xa->data[i] = (float)brain_rng_normal(&r);
    for (int64_t i = 0; i < xb->size; i++) xb->data[i] = (float)brain_rng_normal(&r);
    check_model(m, "mix", 2, (brain_tensor *[]){xa, xb},
                /* Keras's layer order; the BatchNormalization after the Conv1D is folded into it */
                "LSTM Squeeze Conv AveragePool Slice GRU Squeeze ReduceMean GRU Squeeze RNN Squeeze Gemm Elu Gemm Mul Erf Add Mul Mul "
                "Sum Mul Mean Sub Max Concat LeakyRelu Mul Add Sigmoid Mul Gemm Softmax", NULL);
    brain_tensor_free(xa);
    brain_tensor_free(xb);
    brain_model_free(m);
}

/* models saved by Python Keras 3 (tests/keras_files/): exported, read back, run in ONNX Runtime */
static void keras_models(void)
{
    static const char *names[] = {"activations", "bidirectional", "images", "sequences", "seq_all", "signals"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        char path[256], name[64];
        snprintf(path, sizeof path, "tests/keras_files/%s.keras", names[n]);
        snprintf(name, sizeof name, "keras_%s", names[n]);
        brain_model *m = NULL;
        CHECK_OK(brain_load_model(path, &m, &(brain_load_options){.compile = BRAIN_OFF}));
        if (!m) continue;
        brain_shape s = brain_model_input_shape_k(m, 0);
        int64_t dims[BRAIN_MAX_DIMS + 1] = {6};
        for (int d = 0; d < s.ndim; d++) dims[d + 1] = s.dims[d];
        brain_tensor *x = brain_tensor_new(s.ndim + 1, dims);
        /* small whole numbers: valid ids for an Embedding, ordinary values for the rest */
        for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)(((uint64_t)i * 2654435761u >> 9) % 4);
        check_model(m, name, 1, &x, NULL, NULL);
        brain_tensor_free(x);
        brain_model_free(m);
    }
}

static void bidirectional(void)
{
    brain_model *m = brain_sequential("bi");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(9, 3))));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_lstm(4, &(brain_rnn_options){.return_sequences = true}), NULL)));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_gru(3, &(brain_rnn_options){.return_sequences = true}),
                                                    &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_AVE})));
    CHECK_OK(brain_model_add(m, brain_bidirectional(brain_simple_rnn(3, NULL), &(brain_bidirectional_options){.merge_mode = BRAIN_MERGE_MUL})));
    CHECK_OK(brain_model_add(m, brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    brain_tensor *x = brain_tensor_new(3, (int64_t[]){5, 9, 3});
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)((i * 7919) % 23) / 11.0f - 1.0f;
    check_model(m, "bi", 1, &x,
                /* (Transposes left out) forward half, time-reversed backward half, its output flipped back, merge */
                "LSTM Squeeze Slice LSTM Squeeze Slice Concat GRU Squeeze Slice GRU Squeeze Slice Add Mul RNN Squeeze Slice RNN Squeeze "
                "Mul Gemm Softmax", NULL);
    brain_tensor_free(x);
    brain_model_free(m);
    /* a mask cannot be expressed: the error names the layer */
    m = brain_sequential("masked");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(6))));
    CHECK_OK(brain_model_add(m, brain_embedding(9, 2, &(brain_embedding_options){.mask_zero = true})));
    CHECK_OK(brain_model_add(m, brain_lstm(2, &(brain_rnn_options){.name = "reader"})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "mse"}));
    CHECK_FAILS(brain_export_onnx(m, DIR "/masked.onnx"), "layer 'reader' reads a mask");
    brain_model_free(m);
}

/* the text Transformer's block (token + position Embedding, causal self-attention, LayerNormalization,
 * feed-forward, pooling) and a cross attention with a key: ONNX Runtime must match brain_predict */
static void attention_models(void)
{
    brain_sym tok = brain_input_sym(BRAIN_SHAPE(6), "tokens"), pos = brain_input_sym(BRAIN_SHAPE(6), "positions");
    brain_sym x = brain_apply_n(brain_add(NULL), BRAIN_SYMS(brain_apply(brain_embedding(20, 8, NULL), tok),
                                                            brain_apply(brain_embedding(6, 8, NULL), pos)));
    brain_sym a = brain_apply_n(brain_multi_head_attention(2, 4, &(brain_mha_options){.use_causal_mask = true}), BRAIN_SYMS(x, x));
    brain_sym x1 = brain_apply(brain_layer_normalization(&(brain_layer_norm_options){.epsilon = 1e-6f}),
                               brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, a)));
    brain_sym f = brain_apply(brain_dense(8, &(brain_dense_options){.activation = BRAIN_RELU}), x1);
    brain_sym h = brain_apply(brain_layer_normalization(NULL), brain_apply_n(brain_add(NULL), BRAIN_SYMS(x1, f)));
    h = brain_apply(brain_global_average_pooling1d(NULL), h);
    brain_sym y = brain_apply(brain_dense(2, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), h);
    brain_model *m = brain_functional(BRAIN_SYMS(tok, pos), 1, &y, NULL);
    CHECK(m != NULL);
    brain_rng r;
    brain_rng_seed(&r, 8);
    if (m) {
        brain_tensor *xt = brain_tensor_new(2, (int64_t[]){5, 6}), *xp = brain_tensor_new(2, (int64_t[]){5, 6});
        for (int64_t i = 0; i < xt->size; i++) { xt->data[i] = (float)(int)(brain_rng_uniform(&r) * 20); xp->data[i] = (float)(i % 6); }
        check_model(m, "transformer", 2, (brain_tensor *[]){xt, xp},
                    "Cast Gather Cast Gather Sum MatMul Add Mul Reshape MatMul Add Reshape MatMul Add Reshape MatMul Where Softmax "
                    "MatMul Reshape MatMul Add Sum ReduceMean Sub Mul ReduceMean Add Sqrt Div Mul Add MatMul Add Relu Sum "
                    "ReduceMean Sub Mul ReduceMean Add Sqrt Div Mul Add ReduceMean Gemm Softmax", NULL);
        brain_tensor_free(xt);
        brain_tensor_free(xp);
        brain_model_free(m);
    }
    brain_sym q = brain_input_sym(BRAIN_SHAPE(4, 3), "q"), v = brain_input_sym(BRAIN_SHAPE(5, 2), "v"), k = brain_input_sym(BRAIN_SHAPE(5, 6), "k");
    brain_mha_options o = {.value_dim = 3, .output_shape = 7, .has_key = true, .use_bias = BRAIN_OFF};
    y = brain_apply_n(brain_multi_head_attention(3, 2, &o), BRAIN_SYMS(q, v, k));
    y = brain_apply(brain_layer_normalization(&(brain_layer_norm_options){.n_axes = 2, .axes = {1, 2}, .center = BRAIN_OFF}), y);
    m = brain_functional(BRAIN_SYMS(q, v, k), 1, &y, NULL);
    CHECK(m != NULL);
    if (m) {
        brain_tensor *xs[3] = {brain_tensor_new(3, (int64_t[]){3, 4, 3}), brain_tensor_new(3, (int64_t[]){3, 5, 2}),
                               brain_tensor_new(3, (int64_t[]){3, 5, 6})};
        for (int j = 0; j < 3; j++)
            for (int64_t i = 0; i < xs[j]->size; i++) xs[j]->data[i] = (float)brain_rng_normal(&r);
        check_model(m, "cross_attention", 3, xs,
                    "MatMul Mul Reshape MatMul Reshape MatMul Reshape MatMul Softmax MatMul Reshape MatMul "
                    "ReduceMean Sub Mul ReduceMean Add Sqrt Div Mul", NULL);
        for (int j = 0; j < 3; j++) brain_tensor_free(xs[j]);
        brain_model_free(m);
    }
    /* what the exporter does not write says so */
    brain_sym e = brain_input_sym(BRAIN_SHAPE(5), "ids");
    brain_sym em = brain_apply(brain_embedding(9, 4, &(brain_embedding_options){.mask_zero = true}), e);
    y = brain_apply_n(brain_multi_head_attention(2, 2, NULL), BRAIN_SYMS(em, em));
    m = brain_functional(BRAIN_SYMS(e), 1, &y, NULL);
    if (m) CHECK_FAILS(brain_export_onnx(m, DIR "/masked_mha.onnx"), "padding mask");
    brain_model_free(m);
}

int main(void)
{
    mkdir(BRAIN_EXPORT_TEST_DIR, 0777);
    mkdir(DIR, 0777);
    brain_set_random_seed(5);
    CHECK(brain_onnx_available());
    const lm_size small = {.n_train = 64, .n_test = 16, .epochs = 1, .vocab = 300};
    lm_case c;
    if (lm_breast_cancer(&c, &(lm_size){.epochs = 3}) == 0) {
        check_model(c.m, c.name, 1, &c.x_test, "Gemm Relu Gemm Sigmoid", "dense/kernel");
        CHECK_FAILS(brain_export_onnx(c.m, DIR "/no/such/dir/x.onnx"), "no/such/dir");
        lm_free(&c);
    }
    static const char *rnn_ops[] = {"RNN Squeeze Gemm Relu Gemm Softmax", "LSTM Squeeze Gemm Relu Gemm Softmax",
                                    "GRU Squeeze Gemm Relu Gemm Softmax"};
    for (int cell = 0; cell < 3; cell++)
        if (lm_ecg_rnn(&c, &small, cell) == 0) {
            check_model(c.m, c.name, 1, &c.x_test, rnn_ops[cell], "dense/kernel");
            lm_free(&c);
        }
    if (lm_ecg_conv1d(&c, &small) == 0) {
        check_model(c.m, c.name, 1, &c.x_test, "Conv Relu MaxPool Conv Relu MaxPool ReduceMean Gemm Softmax", "dense/kernel");
        lm_free(&c);
    }
    if (lm_text_lstm(&c, &small) == 0) {
        check_model(c.m, c.name, 1, &c.x_test, "Cast Gather LSTM Squeeze Gemm Sigmoid", "dense/kernel");
        lm_free(&c);
    }
    if (lm_fashion_cnn(&c, &(lm_size){.n_train = 64, .n_test = 16, .epochs = 1}) == 0) {
        check_model(c.m, c.name, 1, &c.x_test, "Conv Relu MaxPool Conv Relu MaxPool Reshape Gemm Relu Gemm Softmax", "dense/kernel");
        lm_free(&c);
    }
    functional_layers();
    attention_models();
    bidirectional();
    keras_models();
    if (!python()) printf("ONNX Runtime check skipped: no /tmp/export-venv/bin/python (see tools/onnx_check.py)\n");
    return check_summary("test_export_onnx");
}
#endif
