/* ecg_transformer.c — Keras's "Timeseries classification with a Transformer model", in C, on the
 * ECG beats the LSTM (ecg_lstm.c) and Conv1D (ecg_conv1d.c) examples classify, trained with the
 * explicit PyTorch-style loop (zero_grad, forward, loss, backward, step) instead of fit.
 *
 *   def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
 *       x = LayerNormalization(epsilon=1e-6)(inputs)
 *       x = MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(x, x)
 *       x = Dropout(dropout)(x); res = x + inputs
 *       x = LayerNormalization(epsilon=1e-6)(res)
 *       x = Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(x)
 *       x = Dropout(dropout)(x); x = Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
 *       return x + res
 *   x = inputs; for _ in range(num_transformer_blocks): x = transformer_encoder(x, ...)
 *   x = GlobalAveragePooling1D(data_format="channels_first")(x)
 *   for dim in mlp_units: x = Dense(dim, activation="relu")(x); x = Dropout(mlp_dropout)(x)
 *   outputs = Dense(n_classes, activation="softmax")(x)
 *
 * Keras's example (FordA, 500 steps) uses head_size 256, 4 heads, ff_dim 4, 4 blocks, mlp [128],
 * dropout 0.25 / 0.4, Adam(1e-4), batch 64, up to 150 epochs.  That is some 1 TFLOP per epoch
 * here; this example keeps the architecture and shrinks the sizes: head_size 16, 4 heads,
 * ff_dim 4, 2 blocks, mlp [128], dropout 0.25 / 0.4, Adam(1e-3), batch 64, 10 epochs.
 * ("x + res" is an Add layer.)
 *
 * Data: brain_make_ecg, 140 samples per beat, 5 classes; 3,000 training and 1,000 test beats
 * (as ecg_lstm.c and ecg_conv1d.c).
 * Full run (measured): test accuracy 0.995 after 2 epochs, 0.999 after 10.  The same beats:
 * ecg_lstm.c's LSTM 0.985 and SimpleRNN 0.985 (15 epochs), ecg_conv1d.c's Conv1D 0.966 (10 epochs).
 *
 * Run: ./build/ecg_transformer  (BRAIN_QUICK=1: 256 / 128 beats, 1 block, 2 epochs).
 * Exit codes: 0 done, 1 a library error. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

enum { LEN = 140, CLASSES = 5, BATCH = 64 };

static brain_sym transformer_encoder(brain_sym inputs, int64_t head_size, int heads, int64_t ff_dim, float dropout)
{
    brain_layer_norm_options ln = {.epsilon = 1e-6f};
    brain_sym x = brain_apply(brain_layer_normalization(&ln), inputs);
    x = brain_apply_n(brain_multi_head_attention(heads, head_size, &(brain_mha_options){.dropout = dropout}), BRAIN_SYMS(x, x));
    x = brain_apply(brain_dropout(dropout, NULL), x);
    brain_sym res = brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, inputs));
    x = brain_apply(brain_layer_normalization(&ln), res);
    x = brain_apply(brain_conv1d(ff_dim, 1, &(brain_conv_options){.activation = BRAIN_RELU}), x);
    x = brain_apply(brain_dropout(dropout, NULL), x);
    x = brain_apply(brain_conv1d(brain_sym_shape(inputs).dims[1], 1, NULL), x);
    return brain_apply_n(brain_add(NULL), BRAIN_SYMS(x, res));
}

static double accuracy(brain_model *m, const brain_tensor *x, const brain_tensor *y)
{
    brain_tensor *p;
    TRY(brain_predict(m, x, &(brain_eval_options){.verbose = BRAIN_SILENT}, &p));
    int64_t right = 0;
    for (int64_t i = 0; i < p->shape[0]; i++) {
        int best = 0;
        for (int c = 1; c < CLASSES; c++) if (p->data[i * CLASSES + c] > p->data[i * CLASSES + best]) best = c;
        right += best == (int)y->data[i];
    }
    brain_tensor_free(p);
    return (double)right / (double)x->shape[0];
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    const int64_t n_train = quick ? 256 : 3000, n_test = quick ? 128 : 1000;
    const int blocks = quick ? 1 : 2, epochs = quick ? 2 : 10;
    brain_set_random_seed(42);
    brain_tensor *x_train, *y_train, *x_test, *y_test;
    TRY(brain_make_ecg(n_train, 1, NULL, &x_train, &y_train));
    TRY(brain_make_ecg(n_test, 2, NULL, &x_test, &y_test));
    printf("ECG beats: x_train (%lld, %d, 1), x_test (%lld, %d, 1), %d classes\n\n", (long long)n_train, LEN,
           (long long)n_test, LEN, CLASSES);

    brain_sym inputs = brain_input_sym(BRAIN_SHAPE(LEN, 1), NULL);
    brain_sym x = inputs;
    for (int b = 0; b < blocks; b++) x = transformer_encoder(x, 16, 4, 4, 0.25f);
    x = brain_apply(brain_global_average_pooling1d_opt(&(brain_global_pool1d_options){.channels_first = true}), x);
    x = brain_apply(brain_dense(128, &(brain_dense_options){.activation = BRAIN_RELU}), x);
    x = brain_apply(brain_dropout(0.4f, NULL), x);
    brain_sym outputs = brain_apply(brain_dense(CLASSES, &(brain_dense_options){.activation = BRAIN_SOFTMAX}), x);
    brain_model *model = brain_functional(BRAIN_SYMS(inputs), BRAIN_SYMS(outputs), NULL);
    if (!model) TRY(BRAIN_ERR_ARG);
    TRY(brain_model_build(model));
    TRY(brain_model_summary(model, 0));

    /* the explicit loop: optimizer = Adam(1e-3); loss_fn = SparseCategoricalCrossentropy() */
    brain_optimizer *optimizer = brain_adam(&(brain_adam_options){.learning_rate = 1e-3f});
    brain_loss *loss_fn = brain_loss_sparse_categorical_crossentropy(NULL);
    int64_t *order = malloc(sizeof(int64_t) * (size_t)n_train);
    brain_rng rng;
    brain_rng_seed(&rng, 7);
    clock_t t0 = clock();
    for (int epoch = 0; epoch < epochs; epoch++) {
        for (int64_t i = 0; i < n_train; i++) order[i] = i;
        for (int64_t i = n_train - 1; i > 0; i--) { /* shuffle */
            int64_t j = brain_rng_below(&rng, i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double total = 0;
        for (int64_t b0 = 0; b0 < n_train; b0 += BATCH) {
            int64_t nb = n_train - b0 < BATCH ? n_train - b0 : BATCH;
            brain_tensor *xb = brain_tensor_take_rows(x_train, order + b0, nb), *yb = brain_tensor_take_rows(y_train, order + b0, nb);
            if (!xb || !yb) TRY(BRAIN_ERR_NOMEM);
            const brain_tensor *pred;
            double loss;
            brain_model_zero_grad(model);                       /* optimizer.zero_grad() */
            TRY(brain_model_forward(model, xb, true, &pred));   /* pred = model(xb) */
            TRY(brain_model_loss(model, yb, loss_fn, &loss));   /* loss = loss_fn(yb, pred) */
            TRY(brain_model_backward(model));                   /* loss.backward() */
            TRY(brain_optimizer_step(optimizer, model));        /* optimizer.step() */
            total += loss * (double)nb;
            brain_tensor_free(xb);
            brain_tensor_free(yb);
        }
        if (quick || epoch % 2 == 1 || epoch == epochs - 1)
            printf("epoch %2d  loss %.4f  test accuracy %.4f\n", epoch + 1, total / (double)n_train, accuracy(model, x_test, y_test));
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    double acc = accuracy(model, x_test, y_test);
    printf("\nTransformer test accuracy: %.4f on %lld beats (chance 0.20), %d epochs, %.0f s CPU\n", acc, (long long)n_test, epochs, secs);
    printf("same beats: ecg_lstm.c (LSTM) and ecg_conv1d.c (Conv1D) print theirs\n");

    free(order);
    brain_loss_free(loss_fn);
    brain_optimizer_free(optimizer);
    brain_model_free(model);
    brain_tensor *all[] = {x_train, y_train, x_test, y_test};
    for (int i = 0; i < 4; i++) brain_tensor_free(all[i]);
    return 0;
}
