/* export_models.h — the lecture's models with their data, trained for a given number of epochs,
 * for the export tests (tests/test_export_c.c, tests/test_export_onnx.c) and the int8 table
 * (bench/bench_export_int8.c).  Each builder fills an lm_case: the trained model, test inputs
 * and class ids, and calibration inputs (training rows). */
#ifndef BRAIN_EXPORT_MODELS_H
#define BRAIN_EXPORT_MODELS_H
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct lm_case {
    const char *name;
    brain_model *m;
    brain_tensor *x_test, *y_test;   /* inputs, class ids */
    brain_tensor *x_cal;             /* calibration inputs */
} lm_case;

typedef struct lm_size {
    int64_t n_train, n_test;
    int epochs;
    int64_t vocab;                   /* text model's Embedding input_dim */
} lm_size;

#define LM_TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, brain_last_error()); return 1; } } while (0)

static inline void lm_free(lm_case *c)
{
    brain_model_free(c->m);
    brain_tensor_free(c->x_test);
    brain_tensor_free(c->y_test);
    brain_tensor_free(c->x_cal);
}

static inline int lm_fit(brain_model *m, const char *loss, const brain_tensor *x, const brain_tensor *y, int epochs)
{
    LM_TRY(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = loss,
                                                     .metric_names = (const char *[]){"accuracy", NULL}}));
    if (epochs > 0)
        LM_TRY(brain_fit(m, x, y, &(brain_fit_options){.epochs = epochs, .batch_size = 32, .verbose = BRAIN_SILENT}, NULL));
    return 0;
}

/* breast-cancer MLP: Dense(64, relu), Dropout(0.5), Dense(1, sigmoid) on standardised features */
static inline int lm_breast_cancer(lm_case *c, const lm_size *sz)
{
    brain_table *data;
    LM_TRY(brain_load_breast_cancer(&data));
    brain_tensor *x = brain_table_x(data), *y = brain_table_y(data), *xtr, *xte, *ytr, *yte;
    brain_table_free(data);
    LM_TRY(brain_train_test_split(x, y, &(brain_split_options){.test_size = 0.2, .stratify = y->data, .random_state = 42,
                                                                .has_random_state = true}, &xtr, &xte, &ytr, &yte));
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_scaler *sc = brain_standard_scaler();
    LM_TRY(brain_scaler_fit_transform(sc, xtr));
    LM_TRY(brain_scaler_transform(sc, xte));
    brain_scaler_free(sc);
    brain_model *m = brain_sequential("breast_cancer");
    LM_TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(30))));
    LM_TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    LM_TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID})));
    if (lm_fit(m, "binary_crossentropy", xtr, ytr, sz->epochs)) return 1;
    brain_tensor_free(ytr);
    *c = (lm_case){"breast_cancer", m, xte, yte, xtr};
    return 0;
}

/* ECG beats (140, 1) with 5 classes: the recurrent model of examples/ecg_lstm.c with `cell` =
 * 0 SimpleRNN, 1 LSTM, 2 GRU */
static inline int lm_ecg_rnn(lm_case *c, const lm_size *sz, int cell)
{
    static const char *names[] = {"ecg_simple_rnn", "ecg_lstm", "ecg_gru"};
    brain_tensor *xtr, *ytr, *xte, *yte, *ytr1;
    LM_TRY(brain_make_ecg(sz->n_train, 1, NULL, &xtr, &ytr));
    LM_TRY(brain_make_ecg(sz->n_test, 2, NULL, &xte, &yte));
    LM_TRY(brain_to_categorical(ytr, 5, &ytr1));
    brain_model *m = brain_sequential(names[cell]);
    LM_TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1))));
    LM_TRY(brain_model_add(m, cell == 0 ? brain_simple_rnn(64, NULL) : cell == 1 ? brain_lstm(64, NULL) : brain_gru(64, NULL)));
    LM_TRY(brain_model_add(m, brain_dropout(0.2f, NULL)));
    LM_TRY(brain_model_add(m, brain_dense(32, &(brain_dense_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    if (lm_fit(m, "categorical_crossentropy", xtr, ytr1, sz->epochs)) return 1;
    brain_tensor_free(ytr);
    brain_tensor_free(ytr1);
    *c = (lm_case){names[cell], m, xte, yte, xtr};
    return 0;
}

/* Conv1D on the ECG beats (examples/ecg_conv1d.c) */
static inline int lm_ecg_conv1d(lm_case *c, const lm_size *sz)
{
    brain_tensor *xtr, *ytr, *xte, *yte;
    LM_TRY(brain_make_ecg(sz->n_train, 1, NULL, &xtr, &ytr));
    LM_TRY(brain_make_ecg(sz->n_test, 2, NULL, &xte, &yte));
    brain_model *m = brain_sequential("ecg_conv1d");
    LM_TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(140, 1))));
    LM_TRY(brain_model_add(m, brain_conv1d(16, 7, &(brain_conv_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_max_pooling1d(NULL)));
    LM_TRY(brain_model_add(m, brain_conv1d(32, 5, &(brain_conv_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_max_pooling1d(NULL)));
    LM_TRY(brain_model_add(m, brain_global_average_pooling1d(NULL)));
    LM_TRY(brain_model_add(m, brain_dense(5, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    if (lm_fit(m, "sparse_categorical_crossentropy", xtr, ytr, sz->epochs)) return 1;
    brain_tensor_free(ytr);
    *c = (lm_case){"ecg_conv1d", m, xte, yte, xtr};
    return 0;
}

/* Fashion-MNIST images (28, 28, 1)/255: the CNN of examples/fashion_cnn.c.  Images come from the
 * test file (train on its first n_train, test on the next n_test).  Returns 3 when the data set
 * is not installed. */
static inline int lm_fashion_cnn(lm_case *c, const lm_size *sz)
{
    brain_tensor *xa, *ya;
    if (brain_load_fashion_mnist(NULL, NULL, NULL, &xa, &ya) != BRAIN_OK) return 3;
    const int64_t n = sz->n_train + sz->n_test;
    brain_tensor *x = brain_tensor_slice_rows(xa, 0, n), *y = brain_tensor_slice_rows(ya, 0, n);
    brain_tensor_free(xa);
    brain_tensor_free(ya);
    LM_TRY(brain_tensor_reshape(x, 4, (int64_t[]){n, 28, 28, 1}));
    for (int64_t i = 0; i < x->size; i++) x->data[i] /= 255.0f;
    brain_tensor *xtr = brain_tensor_slice_rows(x, 0, sz->n_train), *xte = brain_tensor_slice_rows(x, sz->n_train, n);
    brain_tensor *ytr = brain_tensor_slice_rows(y, 0, sz->n_train), *yte = brain_tensor_slice_rows(y, sz->n_train, n);
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model *m = brain_sequential("fashion_cnn");
    LM_TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(28, 28, 1))));
    LM_TRY(brain_model_add(m, brain_conv2d(32, 3, 3, &(brain_conv_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){.pool_size = {2, 2}})));
    LM_TRY(brain_model_add(m, brain_conv2d(64, 3, 3, &(brain_conv_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){.pool_size = {2, 2}})));
    LM_TRY(brain_model_add(m, brain_flatten(NULL)));
    LM_TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    LM_TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){.activation = BRAIN_RELU})));
    LM_TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    if (lm_fit(m, "sparse_categorical_crossentropy", xtr, ytr, sz->epochs)) return 1;
    brain_tensor_free(ytr);
    *c = (lm_case){"fashion_cnn", m, xte, yte, xtr};
    return 0;
}

/* Reviews as ids (Embedding(vocab, 64), LSTM(64), Dense(1, sigmoid)), the text model of
 * examples/text_lstm.c: words hashed into [1, vocab) and pre-padded to 200 steps */
static inline int lm_text_lstm(lm_case *c, const lm_size *sz)
{
    enum { MAXLEN = 200 };
    brain_text_dataset *d;
    const int64_t n = sz->n_train + sz->n_test;
    LM_TRY(brain_make_reviews(n, 3, NULL, &d));
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){n, MAXLEN}), *y = brain_tensor_new(2, (int64_t[]){n, 1});
    for (int64_t i = 0; i < n; i++) {
        int64_t ids[4096], k = 0;
        const char *s = d->texts[i];
        while (*s && k < 4096) {
            while (*s == ' ') s++;
            if (!*s) break;
            uint32_t h = 2166136261u;
            for (; *s && *s != ' '; s++) h = (h ^ (uint8_t)(*s | 0x20)) * 16777619u;
            ids[k++] = 1 + (int64_t)(h % (uint32_t)(sz->vocab - 1));
        }
        int64_t start = k > MAXLEN ? k - MAXLEN : 0, len = k - start;
        for (int64_t t = 0; t < len; t++) x->data[i * MAXLEN + (MAXLEN - len) + t] = (float)ids[start + t];
        y->data[i] = d->labels[i];
    }
    brain_text_dataset_free(d);
    brain_tensor *xtr = brain_tensor_slice_rows(x, 0, sz->n_train), *xte = brain_tensor_slice_rows(x, sz->n_train, n);
    brain_tensor *ytr = brain_tensor_slice_rows(y, 0, sz->n_train), *yte = brain_tensor_slice_rows(y, sz->n_train, n);
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model *m = brain_sequential("text_lstm");
    LM_TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(MAXLEN))));
    LM_TRY(brain_model_add(m, brain_embedding(sz->vocab, 64, NULL)));
    LM_TRY(brain_model_add(m, brain_lstm(64, NULL)));
    LM_TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){.activation = BRAIN_SIGMOID})));
    if (lm_fit(m, "binary_crossentropy", xtr, ytr, sz->epochs)) return 1;
    brain_tensor_free(ytr);
    *c = (lm_case){"text_lstm", m, xte, yte, xtr};
    return 0;
}
#endif
