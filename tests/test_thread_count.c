/* The same numbers on any thread count (issue 16 item 2, docs/reliability.md): every layer type,
 * and the example programs' architectures, trained for two epochs with the same seed at 1, 2 and
 * 3 threads (brain_set_num_threads) end with bitwise the same weights and predictions.  Sizes are
 * chosen so that each layer's threaded paths run (conv: several im2col chunks and ≥ 2 MFLOP per
 * pass; pooling: > 65536 values; the optimizer: ≥ its parallel minimum, with global_clipnorm's
 * norm reduction).  Every registered layer class must appear in some case's name (checked). */
#include "brain.h"
#include "check.h"
#include "internal.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Under the sanitizers (about 50× slower) a lighter run: fewer rows, one epoch, 1 and 3 threads. */
#if defined(__SANITIZE_ADDRESS__)
enum { ROWS = 128, EPOCHS = 1, THREAD_STEP = 2 };
#else
enum { ROWS = 192, EPOCHS = 2, THREAD_STEP = 1 };
#endif

typedef brain_model *(*builder)(void);

static brain_model *seq(brain_shape in)
{
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(in));
    return m;
}
static void head(brain_model *m, int classes)
{
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(classes, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
}

/* ---- one model per layer type (and the examples' stacks) */
static brain_model *m_dense(void)
{
    brain_model *m = seq(BRAIN_SHAPE(24, 24, 1));
    brain_model_add(m, brain_flatten(NULL));
    brain_model_add(m, brain_dense(256, &(brain_dense_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_dropout(0.3f, NULL));
    brain_model_add(m, brain_dense(128, &(brain_dense_options){.activation = BRAIN_GELU}));
    brain_model_add(m, brain_leaky_relu(0.1f, NULL));
    brain_model_add(m, brain_activation(BRAIN_TANH, NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_conv2d(void) /* fashion_cnn's stack */
{
    brain_model *m = seq(BRAIN_SHAPE(24, 24, 1));
    brain_model_add(m, brain_conv2d(32, 3, 3, &(brain_conv_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_max_pooling2d(NULL));
    brain_model_add(m, brain_conv2d(64, 3, 3, &(brain_conv_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_max_pooling2d(NULL));
    brain_model_add(m, brain_dropout(0.5f, NULL));
    head(m, 4);
    return m;
}
static brain_model *m_conv2d_same(void)
{
    brain_model *m = seq(BRAIN_SHAPE(24, 24, 1));
    brain_model_add(m, brain_random_flip(NULL));
    brain_model_add(m, brain_random_rotation(0.1f, NULL));
    brain_model_add(m, brain_random_brightness(0.1f, &(brain_random_value_options){.has_value_range = true, .value_range = {-10, 10}}));
    brain_model_add(m, brain_random_contrast(0.2f, &(brain_random_value_options){.has_value_range = true, .value_range = {-10, 10}}));
    brain_model_add(m, brain_random_translation(0.1f, 0.1f, NULL));
    brain_model_add(m, brain_random_zoom(0.1f, NULL));
    brain_model_add(m, brain_random_crop(20, 20, NULL));
    brain_model_add(m, brain_conv2d(16, 3, 3, &(brain_conv_options){.padding = BRAIN_PADDING_SAME, .strides = {2}}));
    brain_model_add(m, brain_batch_normalization(NULL));
    brain_model_add(m, brain_activation(BRAIN_RELU, NULL));
    brain_model_add(m, brain_conv2d(32, 1, 1, &(brain_conv_options){.activation = BRAIN_SWISH}));
    brain_model_add(m, brain_average_pooling2d(NULL));
    brain_model_add(m, brain_global_max_pooling2d(NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_conv2d_gap(void)
{
    brain_model *m = seq(BRAIN_SHAPE(24, 24, 1));
    brain_model_add(m, brain_conv2d(24, 5, 5, &(brain_conv_options){.dilation_rate = {2}, .activation = BRAIN_TANH}));
    brain_model_add(m, brain_global_average_pooling2d(NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_conv1d(void) /* ecg_conv1d's stack */
{
    brain_model *m = seq(BRAIN_SHAPE(576, 1));
    brain_model_add(m, brain_conv1d(32, 7, &(brain_conv_options){.activation = BRAIN_RELU, .padding = BRAIN_PADDING_SAME}));
    brain_model_add(m, brain_max_pooling1d(NULL));
    brain_model_add(m, brain_conv1d(32, 5, &(brain_conv_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_average_pooling1d(NULL));
    brain_model_add(m, brain_global_average_pooling1d(NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_lstm(void) /* ecg_lstm's stack */
{
    brain_model *m = seq(BRAIN_SHAPE(576, 1));
    brain_model_add(m, brain_reshape(BRAIN_SHAPE(48, 12), NULL));
    brain_model_add(m, brain_lstm(32, &(brain_rnn_options){.return_sequences = true, .dropout = 0.1f}));
    brain_model_add(m, brain_gru(16, NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_text(void) /* text_lstm's stack: ids in [0, 50) */
{
    brain_model *m = seq(BRAIN_SHAPE(48));
    brain_model_add(m, brain_embedding(50, 16, &(brain_embedding_options){.mask_zero = true}));
    brain_model_add(m, brain_bidirectional(brain_lstm(16, NULL), NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_rnn(void)
{
    brain_model *m = seq(BRAIN_SHAPE(576, 1));
    brain_model_add(m, brain_reshape(BRAIN_SHAPE(24, 24), NULL));
    brain_model_add(m, brain_simple_rnn(64, &(brain_rnn_options){.return_sequences = true}));
    brain_model_add(m, brain_bidirectional(brain_gru(8, &(brain_rnn_options){.reset_after = BRAIN_OFF}), NULL));
    brain_model_add(m, brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}));
    return m;
}
static brain_model *m_merge(void) /* functional_multi_io's kind: merges */
{
    brain_sym in = brain_input_sym(BRAIN_SHAPE(576), "x");
    brain_sym a = brain_apply(brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}), in);
    brain_sym b = brain_apply(brain_dense(64, &(brain_dense_options){.activation = BRAIN_TANH}), in);
    brain_sym s = brain_apply_n(brain_add(NULL), BRAIN_SYMS(a, b));
    brain_sym d = brain_apply_n(brain_subtract(NULL), BRAIN_SYMS(a, b));
    brain_sym p = brain_apply_n(brain_multiply(NULL), BRAIN_SYMS(s, d));
    brain_sym v = brain_apply_n(brain_average(NULL), BRAIN_SYMS(p, a));
    brain_sym x = brain_apply_n(brain_maximum(NULL), BRAIN_SYMS(v, b));
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(x, s));
    brain_sym o = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), c);
    return brain_functional(BRAIN_SYMS(in), BRAIN_SYMS(o), NULL);
}

/* ---- the attention family (issue 11): text_transformer's block on padded ids */
static brain_model *m_transformer(void)
{
    brain_sym ids = brain_input_sym(BRAIN_SHAPE(48), "ids");
    brain_sym e = brain_apply(brain_embedding(50, 16, &(brain_embedding_options){.mask_zero = true}), ids);
    e = brain_apply(brain_gaussian_noise(0.1f, NULL), e);
    brain_sym a = brain_apply_n(brain_multi_head_attention(2, 16, &(brain_mha_options){.dropout = 0.1f}), BRAIN_SYMS(e, e));
    a = brain_apply(brain_dropout(0.1f, NULL), a);
    brain_sym x = brain_apply(brain_layer_normalization(&(brain_layer_norm_options){.epsilon = 1e-6f}),
                              brain_apply_n(brain_add(NULL), BRAIN_SYMS(e, a)));
    brain_sym f = brain_apply(brain_time_distributed(brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU}), NULL), x);
    f = brain_apply(brain_gaussian_dropout(0.1f, NULL), f);
    f = brain_apply(brain_dense(16, NULL), f);
    f = brain_apply(brain_spatial_dropout1d(0.1f, NULL), f);
    x = brain_apply(brain_layer_normalization(&(brain_layer_norm_options){.epsilon = 1e-6f}), brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, f)));
    brain_sym p = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(brain_apply(brain_global_average_pooling1d(NULL), x),
                                                                    brain_apply(brain_global_max_pooling1d(NULL), x)));
    p = brain_apply(brain_activity_regularization(1e-4f, 1e-4f, NULL), p);
    brain_sym o = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), p);
    return brain_functional(BRAIN_SYMS(ids), BRAIN_SYMS(o), NULL);
}
/* Attention, AdditiveAttention, causal Conv1D, GroupNormalization, Permute, RepeatVector on signals */
static brain_model *m_luong(void)
{
    brain_sym in = brain_input_sym(BRAIN_SHAPE(576, 1), "x");
    brain_sym h = brain_apply(brain_reshape(BRAIN_SHAPE(48, 12), NULL), in);
    h = brain_apply(brain_conv1d(16, 3, &(brain_conv_options){.padding = BRAIN_PADDING_CAUSAL, .dilation_rate = {2},
                                                               .activation = BRAIN_RELU}), h);
    brain_sym a1 = brain_apply_n(brain_attention(&(brain_attention_options){.use_scale = BRAIN_ON, .use_causal_mask = true,
                                                                             .dropout = 0.1f}), BRAIN_SYMS(h, h));
    brain_sym a2 = brain_apply_n(brain_additive_attention(NULL), BRAIN_SYMS(h, a1));
    brain_sym g = brain_apply(brain_group_normalization(4, NULL), brain_apply_n(brain_minimum(NULL), BRAIN_SYMS(a1, a2)));
    g = brain_apply(brain_permute(2, (int[]){2, 1}, NULL), g);                  /* (16, 48) */
    brain_sym v = brain_apply(brain_global_max_pooling1d(NULL), g);             /* (48) */
    v = brain_apply(brain_repeat_vector(2, NULL), v);                           /* (2, 48) */
    v = brain_apply(brain_flatten(NULL), v);
    brain_sym o = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), v);
    return brain_functional(BRAIN_SYMS(in), BRAIN_SYMS(o), NULL);
}
/* MultiHeadAttention over one axis of an image-shaped input, its scores as an input of the head */
static brain_model *m_mha_axes(void)
{
    brain_sym in = brain_input_sym(BRAIN_SHAPE(24, 24, 1), "img");
    brain_sym h = brain_apply(brain_reshape(BRAIN_SHAPE(24, 6, 4), NULL), in);
    brain_sym a = brain_apply_n(brain_multi_head_attention(4, 8, &(brain_mha_options){.n_attention_axes = 1, .attention_axes = {1},
                                                                                       .return_attention_scores = true}),
                                BRAIN_SYMS(h, h));
    brain_sym s = brain_apply(brain_flatten(NULL), brain_sym_output(a, 1));
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(brain_apply(brain_flatten(NULL), a), s));
    brain_sym o = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), c);
    return brain_functional(BRAIN_SYMS(in), BRAIN_SYMS(o), NULL);
}

typedef struct { const char *name; builder make; int kind; } model_case; /* kind: 0 image, 1 signal, 2 ids, 3 flat */
static brain_model *m_apps(void) /* the keras.applications layers (issue 10) and image preprocessing (issue 12) */
{
    brain_model *m = seq(BRAIN_SHAPE(24, 24, 1));
    brain_model_add(m, brain_rescaling(&(brain_rescaling_options){.n_scale = 1, .scale = {0.5f}, .n_offset = 1, .offset = {0.1f}}));
    brain_model_add(m, brain_normalization(&(brain_normalization_options){.n_const = 1, .mean = {0.2f}, .variance = {1.5f}}));
    brain_model_add(m, brain_zero_padding2d(1, 1, 1, 1, NULL));
    brain_model_add(m, brain_conv2d(16, 3, 3, &(brain_conv_options){.strides = {2}}));
    brain_model_add(m, brain_relu(&(brain_relu_options){.max_value = 6.0f, .has_max_value = true}));
    brain_model_add(m, brain_spatial_dropout2d(0.2f, NULL));
    brain_model_add(m, brain_depthwise_conv2d(3, 3, &(brain_depthwise_conv_options){.padding = BRAIN_PADDING_SAME, .depth_multiplier = 2}));
    brain_model_add(m, brain_separable_conv2d(24, 3, 3, &(brain_depthwise_conv_options){.activation = BRAIN_RELU}));
    brain_model_add(m, brain_cropping2d(1, 0, 0, 1, NULL));
    brain_model_add(m, brain_conv2d_transpose(8, 3, 3, &(brain_conv_options){.strides = {2}, .padding = BRAIN_PADDING_SAME}));
    brain_model_add(m, brain_upsampling2d(&(brain_upsampling2d_options){.bilinear = true}));
    brain_model_add(m, brain_resizing(20, 20, NULL));
    brain_model_add(m, brain_center_crop(16, 16, NULL));
    head(m, 4);
    return m;
}
static brain_model *m_encoding(void) /* CategoryEncoding on ids, Discretization on values */
{
    brain_sym ids = brain_input_sym(BRAIN_SHAPE(48), "ids");
    brain_sym e = brain_apply(brain_category_encoding(50, &(brain_category_encoding_options){.output_mode = BRAIN_CATEGORY_COUNT}), ids);
    brain_sym d = brain_apply(brain_discretization(3, (const float[]){ 10.0f, 20.0f, 30.0f }, NULL), ids);
    brain_sym c = brain_apply_n(brain_concatenate(NULL), BRAIN_SYMS(e, d));
    brain_sym h = brain_apply(brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU}), c);
    brain_sym o = brain_apply(brain_dense(4, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), h);
    return brain_functional(BRAIN_SYMS(ids), BRAIN_SYMS(o), NULL);
}


/* Whether `word` appears in `text` as a whole word (Conv2D is not found in "Conv2DTranspose"). */
static bool has_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(text, word); p; p = strstr(p + 1, word))
        if ((p == text || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n])) return true;
    return false;
}

/* Every layer class a model can hold (the registry) is in some case's name, so a new layer
 * cannot slip past this test. */
static void check_every_layer_covered(const model_case *cases, size_t n)
{
    for (int i = 0; brain__layer_registry[i]; i++) {
        const char *cls = brain__layer_registry[i]->class_name;
        if (!strcmp(cls, "InputLayer")) continue;
        bool found = false;
        for (size_t k = 0; k < n && !found; k++) found = has_word(cases[k].name, cls);
        CHECK_MSG(found, "layer class %s is in no case of test_thread_count: add it to a case", cls);
    }
} /* kind: 0 image, 1 signal, 2 ids, 3 flat */

/* Trains a fresh model of `c` at `threads` threads: weights (and predictions) into w (p). */
static int64_t run(const model_case *c, int threads, const brain_tensor *x, const brain_tensor *y, float **w, brain_tensor **p)
{
    brain_set_num_threads(threads);
    brain_set_random_seed(42);
    brain_model *m = c->make();
    brain_compile(m, &(brain_compile_options){
        .optimizer = brain_adam(&(brain_adam_options){.learning_rate = 3e-3f, .common = {.global_clipnorm = 1.0f}}),
        .loss_name = "sparse_categorical_crossentropy"});
    brain_status s = brain_fit(m, x, y, &(brain_fit_options){.epochs = EPOCHS, .batch_size = 64, .verbose = BRAIN_SILENT,
                                                            .seed = 3, .has_seed = true}, NULL);
    CHECK_MSG(s == BRAIN_OK, "%s: %s", c->name, brain_last_error());
    int64_t n = brain_model_count_params(m);
    *w = malloc(sizeof(float) * (size_t)n);
    CHECK_OK(brain_model_get_weights(m, *w, n));
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT, .batch_size = 100}, p));
    brain_model_free(m);
    return n;
}

int main(void)
{
    const int64_t n = ROWS;
    brain_rng g;
    brain_rng_seed(&g, 5);
    brain_tensor *img = brain_tensor_new(4, (int64_t[]){n, 24, 24, 1});
    brain_tensor *sig = brain_tensor_new(3, (int64_t[]){n, 576, 1});
    brain_tensor *flat = brain_tensor_new(2, (int64_t[]){n, 576});
    brain_tensor *ids = brain_tensor_new(2, (int64_t[]){n, 48});
    brain_tensor *y = brain_tensor_new(1, (int64_t[]){n});
    for (int64_t i = 0; i < n; i++) {
        const int cls = (int)(i % 4);
        y->data[i] = (float)cls;
        for (int64_t j = 0; j < 576; j++) {
            float v = (float)(brain_rng_normal(&g) * 0.5 + (j % 4 == cls ? 1.0 : 0.0));
            img->data[i * 576 + j] = sig->data[i * 576 + j] = flat->data[i * 576 + j] = v;
        }
        const int64_t len = 8 + (int64_t)(brain_rng_uniform(&g) * 40); /* padded with zeros after len */
        for (int64_t j = 0; j < 48; j++) ids->data[i * 48 + j] = j < len ? (float)(1 + (cls * 7 + j * 3 + (int64_t)(brain_rng_uniform(&g) * 5)) % 49) : 0;
    }
    const model_case cases[] = {
        {"Dense, Dropout, LeakyReLU, Activation", m_dense, 0},
        {"Conv2D, MaxPooling2D, Flatten (fashion_cnn)", m_conv2d, 0},
        {"RandomFlip, RandomRotation, RandomBrightness, RandomContrast, RandomTranslation, RandomZoom, RandomCrop, Conv2D same/strided/1x1, BatchNormalization, AveragePooling2D, GlobalMaxPooling2D", m_conv2d_same, 0},
        {"Conv2D dilated, GlobalAveragePooling2D", m_conv2d_gap, 0},
        {"Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D (ecg_conv1d)", m_conv1d, 1},
        {"Reshape, LSTM, GRU (ecg_lstm)", m_lstm, 1},
        {"Embedding(mask_zero), Bidirectional(LSTM) (text_lstm)", m_text, 2},
        {"SimpleRNN, Bidirectional(GRU reset_after=False)", m_rnn, 1},
        {"Add, Subtract, Multiply, Average, Maximum, Concatenate", m_merge, 3},
        {"MultiHeadAttention(dropout), LayerNormalization, TimeDistributed, GaussianNoise, GaussianDropout, SpatialDropout1D, "
         "GlobalMaxPooling1D, GlobalAveragePooling1D, ActivityRegularization (text_transformer)", m_transformer, 2},
        {"Conv1D causal, Attention, AdditiveAttention, Minimum, GroupNormalization, Permute, RepeatVector", m_luong, 1},
        {"MultiHeadAttention attention_axes=(1,), return_attention_scores", m_mha_axes, 0},
        {"Rescaling, Normalization, ZeroPadding2D, ReLU(6), SpatialDropout2D, DepthwiseConv2D, SeparableConv2D, Cropping2D, Conv2DTranspose, "
         "UpSampling2D(bilinear), Resizing, CenterCrop", m_apps, 0},
        {"CategoryEncoding, Discretization", m_encoding, 2},
    };
    check_every_layer_covered(cases, sizeof cases / sizeof *cases);
    const char *only = getenv("THREAD_CASE"); /* a substring of a case's name: run only that case */
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        if (only && !strstr(cases[k].name, only)) continue;
        const brain_tensor *x = cases[k].kind == 0 ? img : cases[k].kind == 1 ? sig : cases[k].kind == 2 ? ids : flat;
        float *w1, *wt;
        brain_tensor *p1, *pt;
        int64_t nw = run(&cases[k], 1, x, y, &w1, &p1);
        for (int threads = getenv("THREAD_FROM") ? atoi(getenv("THREAD_FROM")) : 1 + THREAD_STEP; threads <= 3; threads += THREAD_STEP) {
            run(&cases[k], threads, x, y, &wt, &pt);
            int64_t differ = 0;
            for (int64_t i = 0; i < nw; i++) differ += memcmp(&w1[i], &wt[i], sizeof(float)) != 0;
            CHECK_MSG(differ == 0, "%s: %lld of %lld weights differ between 1 and %d threads", cases[k].name,
                      (long long)differ, (long long)nw, threads);
            CHECK_MSG(!memcmp(p1->data, pt->data, sizeof(float) * (size_t)p1->size), "%s: predictions differ at %d threads",
                      cases[k].name, threads);
            free(wt);
            brain_tensor_free(pt);
        }
        free(w1);
        brain_tensor_free(p1);
    }
    brain_tensor_free(img); brain_tensor_free(sig); brain_tensor_free(flat); brain_tensor_free(ids); brain_tensor_free(y);
    return check_summary("test_thread_count");
}
