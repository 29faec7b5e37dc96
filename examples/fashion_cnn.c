/* fashion_cnn.c — the lecture's "Code Snippet: Building a CNN", in C, on Fashion-MNIST.
 *
 *   model = Sequential([
 *       Conv2D(32, (3, 3), activation='relu', input_shape=(28, 28, 1)),   # simple patterns
 *       MaxPooling2D((2, 2)),
 *       Conv2D(64, (3, 3), activation='relu'),                            # complex features
 *       MaxPooling2D((2, 2)),
 *       Flatten(),          # (5, 5, 64) feature maps -> 1600 values, (H, W, C) order
 *       Dropout(0.5),
 *       Dense(64, activation='relu'),
 *       Dense(10, activation='softmax')
 *   ])
 *   model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
 *
 * Data: Fashion-MNIST from the Debian package dataset-fashion-mnist (read with
 * brain_load_fashion_mnist, Keras's fashion_mnist.load_data()), images reshaped to (28, 28, 1)
 * and scaled /255, labels one-hot.  Adam, batch 32, 10 epochs (measured: test accuracy 0.9097 after 10, 0.9002 after 8).
 *
 * Run: ./build/fashion_cnn  (BRAIN_QUICK=1: 2,000 images to train and 1,000 to test, both from the
 * test file, which is quicker to read, 1 epoch, for the test suite; EPOCHS=n overrides the epoch count).  FASHION_MNIST_DIR overrides
 * the data directory.  Exit codes: 0 done, 1 a library error, 3 the dataset files are missing. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { EXIT_NO_DATA = 3 };

/* Keras's preprocessing of rows [r0, r1): x.reshape(-1, 28, 28, 1) / 255 and to_categorical(y, 10) */
static brain_status prepare(const brain_tensor *x, const brain_tensor *y, int64_t r0, int64_t r1, brain_tensor **xo, brain_tensor **yo)
{
    brain_tensor *xs = brain_tensor_slice_rows(x, r0, r1), *ys = brain_tensor_slice_rows(y, r0, r1);
    brain_status s = xs && ys ? brain_tensor_reshape(xs, 4, (int64_t[]){ r1 - r0, 28, 28, 1 }) : BRAIN_ERR_NOMEM;
    if (!s) for (int64_t i = 0; i < xs->size; i++) xs->data[i] /= 255.0f;
    if (!s) s = brain_to_categorical(ys, 10, yo);
    brain_tensor_free(ys);
    if (s) { brain_tensor_free(xs); return s; }
    *xo = xs;
    return BRAIN_OK;
}

int main(void)
{
    int quick = getenv("BRAIN_QUICK") != NULL;
    int epochs = getenv("EPOCHS") ? atoi(getenv("EPOCHS")) : quick ? 1 : 10;
    brain_set_random_seed(42);

    /* quick: the smaller test file only, its first 2,000 images to train and the next 1,000 to test */
    brain_tensor *xa = NULL, *ya = NULL, *xb, *yb, *x_train, *y_train, *x_test, *y_test;
    brain_status s = brain_load_fashion_mnist(NULL, quick ? NULL : &xa, quick ? NULL : &ya, &xb, &yb);
    if (s) { fprintf(stderr, "error: %s\n", brain_last_error()); return s == BRAIN_ERR_IO ? EXIT_NO_DATA : 1; }
    TRY(prepare(quick ? xb : xa, quick ? yb : ya, 0, quick ? 2000 : 60000, &x_train, &y_train));
    TRY(prepare(xb, yb, quick ? 2000 : 0, quick ? 3000 : 10000, &x_test, &y_test));
    brain_tensor_free(xa);
    brain_tensor_free(ya);
    brain_tensor_free(xb);
    brain_tensor_free(yb);
    printf("x_train %lld×28×28×1, x_test %lld×28×28×1, pixels in [0, 1], labels one-hot (10 classes)\n",
           (long long)x_train->shape[0], (long long)x_test->shape[0]);

    brain_model *m = brain_sequential("sequential");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(28, 28, 1))));
    TRY(brain_model_add(m, brain_conv2d(32, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){ .pool_size = { 2, 2 } })));
    TRY(brain_model_add(m, brain_conv2d(64, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(&(brain_pool_options){ .pool_size = { 2, 2 } })));
    TRY(brain_model_add(m, brain_flatten(NULL)));
    TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    TRY(brain_model_summary(m, 0));

    brain_history *h = NULL;
    TRY(brain_fit(m, x_train, y_train, &(brain_fit_options){ .epochs = epochs, .batch_size = 32,
                                                             .verbose = BRAIN_ONE_LINE_PER_EPOCH }, &h));
    brain_logs logs = { 0 };
    TRY(brain_evaluate(m, x_test, y_test, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &logs));
    double acc = 0, loss = 0;
    brain_logs_get(&logs, "accuracy", &acc);
    brain_logs_get(&logs, "loss", &loss);
    printf("Test accuracy: %.4f (loss %.4f) on %lld images\n", acc, loss, (long long)x_test->shape[0]);

    brain_history_free(h);
    brain_model_free(m);
    brain_tensor_free(x_train);
    brain_tensor_free(y_train);
    brain_tensor_free(x_test);
    brain_tensor_free(y_test);
    return 0;
}
