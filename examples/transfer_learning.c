/* transfer_learning.c — Keras's transfer-learning recipe (keras.io/guides/transfer_learning), in C.
 *
 * There is no network here to fetch ImageNet weights, so the "pretrained" base is made first:
 *   1. pretrain a small CNN on Fashion-MNIST's classes 0–4 (T-shirt, trouser, pullover, dress,
 *      coat) and save it as a .keras file — the stand-in for keras.applications.X(weights=...);
 *   2. load it as a user loads any Keras file, pop() its classifier, freeze it (trainable =
 *      False) and use the loaded model as a layer of a new functional model (base(x,
 *      training=False): its BatchNormalization runs in inference mode, as in Keras) with a new
 *      head for the new task — classes 5–9 (sandal, shirt, sneaker, bag, ankle boot);
 *   3. train only the head;
 *   4. unfreeze the top block of the base and fine-tune with a 10x smaller learning rate.
 * Accuracy on the new task's test images is printed before training the head, after it, and
 * after fine-tuning.  docs/transfer_learning.md walks through it next to the Keras code.
 *
 * Run: ./build/transfer_learning (BRAIN_QUICK=1: fewer images and epochs, for the test suite).
 * FASHION_MNIST_DIR overrides the data directory.  Exit codes: 0 done, 1 a library error,
 * 3 the dataset files are missing. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)

enum { EXIT_NO_DATA = 3 };

/* The images whose label is in [lo, lo + 5), at most n: x (n, 28, 28, 1) / 255, y one-hot over 5
 * classes (label − lo). */
static brain_status select_task(const brain_tensor *x, const brain_tensor *y, int lo, int64_t skip, int64_t n,
                                brain_tensor **xo, brain_tensor **yo)
{
    int64_t count = 0, seen = 0;
    for (int64_t i = 0; i < y->size && count < n; i++)
        if (y->data[i] >= lo && y->data[i] < lo + 5 && seen++ >= skip) count++;
    *xo = brain_tensor_new(4, (int64_t[]){ count, 28, 28, 1 });
    *yo = brain_tensor_new(2, (int64_t[]){ count, 5 });
    if (!*xo || !*yo) return BRAIN_ERR_NOMEM;
    memset((*yo)->data, 0, sizeof(float) * (size_t)(*yo)->size);
    int64_t k = 0;
    seen = 0;
    for (int64_t i = 0; i < y->size && k < count; i++) {
        if (!(y->data[i] >= lo && y->data[i] < lo + 5) || seen++ < skip) continue;
        for (int64_t p = 0; p < 784; p++) (*xo)->data[k * 784 + p] = x->data[i * 784 + p] / 255.0f;
        (*yo)->data[k * 5 + (int64_t)y->data[i] - lo] = 1.0f;
        k++;
    }
    return BRAIN_OK;
}

static double accuracy(brain_model *m, const brain_tensor *x, const brain_tensor *y)
{
    brain_tensor *p = NULL;
    if (brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &p)) return -1;
    int64_t right = 0, n = x->shape[0];
    for (int64_t i = 0; i < n; i++) {
        int best = 0, truth = 0;
        for (int c = 1; c < 5; c++) {
            if (p->data[i * 5 + c] > p->data[i * 5 + best]) best = c;
            if (y->data[i * 5 + c] > y->data[i * 5 + truth]) truth = c;
        }
        right += best == truth;
    }
    brain_tensor_free(p);
    return (double)right / (double)n;
}

int main(void)
{
    const int quick = getenv("BRAIN_QUICK") != NULL;
    const int64_t n_train = quick ? 500 : 12000, n_test = quick ? 300 : 5000;
    const int epochs = quick ? 2 : 5;
    brain_set_random_seed(7);

    brain_tensor *xa = NULL, *ya = NULL, *xb, *yb;
    brain_status s = brain_load_fashion_mnist(NULL, quick ? NULL : &xa, quick ? NULL : &ya, &xb, &yb);
    if (s) { fprintf(stderr, "error: %s\n", brain_last_error()); return s == BRAIN_ERR_IO ? EXIT_NO_DATA : 1; }
    const brain_tensor *xtr = quick ? xb : xa, *ytr = quick ? yb : ya;
    /* quick mode trains on the first test-file images of each task and tests on later ones */
    brain_tensor *x_old, *y_old, *x_new, *y_new, *x_test, *y_test;
    TRY(select_task(xtr, ytr, 0, 0, n_train, &x_old, &y_old));
    TRY(select_task(xtr, ytr, 5, 0, n_train / 2, &x_new, &y_new)); /* the new task has less data */
    TRY(select_task(xb, yb, 5, quick ? n_train / 2 : 0, n_test, &x_test, &y_test));
    brain_tensor_free(xa); brain_tensor_free(ya); brain_tensor_free(xb); brain_tensor_free(yb);
    printf("old task (classes 0-4): %lld images; new task (classes 5-9): %lld to train, %lld to test\n",
           (long long)x_old->shape[0], (long long)x_new->shape[0], (long long)x_test->shape[0]);

    /* 1. the "pretrained" base: Conv-BN-ReLU blocks, trained on the old task and saved */
    brain_model *pre = brain_sequential("base_model");
    brain_model_add(pre, brain_input(BRAIN_SHAPE(28, 28, 1)));
    brain_model_add(pre, brain_conv2d(16, 3, 3, &(brain_conv_options){ .padding = BRAIN_PADDING_SAME, .name = "block1_conv" }));
    brain_model_add(pre, brain_batch_normalization(&(brain_batch_norm_options){ .momentum = 0.9f, .has_momentum = true, .name = "block1_bn" }));
    brain_model_add(pre, brain_relu(&(brain_relu_options){ .name = "block1_relu" }));
    brain_model_add(pre, brain_max_pooling2d(NULL));
    brain_model_add(pre, brain_conv2d(32, 3, 3, &(brain_conv_options){ .padding = BRAIN_PADDING_SAME, .name = "block2_conv" }));
    brain_model_add(pre, brain_batch_normalization(&(brain_batch_norm_options){ .momentum = 0.9f, .has_momentum = true, .name = "block2_bn" }));
    brain_model_add(pre, brain_relu(&(brain_relu_options){ .name = "block2_relu" }));
    brain_model_add(pre, brain_global_pooling(&(brain_global_pooling_options){ .rank = 2, .name = "avg_pool" }));
    brain_model_add(pre, brain_dense(5, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "old_head" }));
    TRY(brain_compile(pre, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                                     .metric_names = (const char *[]){ "accuracy", NULL } }));
    TRY(brain_fit(pre, x_old, y_old, &(brain_fit_options){ .epochs = epochs, .batch_size = 64, .verbose = BRAIN_SILENT }, NULL));
    const char *path = "/tmp/brain_transfer_base.keras";
    TRY(brain_save(pre, path));
    brain_model_free(pre);
    printf("1. pretrained the base on the old task and saved it to %s\n", path);

    /* 2. load it as the base model: pop() the old classifier (Keras: include_top=False), freeze it
     *    (base.trainable = False) and call it as a layer in a new functional model, with
     *    training=False so that its BatchNormalization stays in inference mode even when the base
     *    is unfrozen later — keras.io/guides/transfer_learning's
     *        x = base_model(inputs, training=False)
     *        x = keras.layers.Dropout(0.2)(x)
     *        outputs = keras.layers.Dense(5, activation="softmax")(x) */
    brain_model *base = NULL;
    TRY(brain_load_model(path, &base, &(brain_load_options){ .compile = BRAIN_OFF }));
    TRY(brain_model_pop(base));                         /* drop old_head */
    brain_layer *base_layer = brain_model_as_layer(base, &(brain_model_layer_options){ .training = BRAIN_OFF });
    if (!base_layer) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    brain_layer_set_trainable(base_layer, false);       /* every layer inside is frozen */
    brain_sym inputs = brain_input_sym(BRAIN_SHAPE(28, 28, 1), "image");
    brain_sym x = brain_apply(base_layer, inputs);
    x = brain_apply(brain_dropout(0.2f, NULL), x);
    brain_sym outputs = brain_apply(brain_dense(5, &(brain_dense_options){ .activation = BRAIN_SOFTMAX, .name = "new_head" }), x);
    brain_model *m = brain_functional(1, &inputs, 1, &outputs, &(brain_functional_options){ .name = "transfer" });
    if (!m) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; }
    /* the new head starts from scratch on small pooled features: Adam at 1e-2 (the guide's default
     * 1e-3 needs many more epochs here); fine-tuning below uses 10x less */
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 1e-2f }),
                                                   .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    printf("2. loaded, popped the old head, froze the base (%d layers), put a new head on it: %lld trainable of %lld weights\n",
           brain_model_num_layers(base), (long long)brain_model_count_trainable(m), (long long)brain_model_count_params(m));
    printf("   new-task test accuracy before training the head: %.3f\n", accuracy(m, x_test, y_test));

    /* 3. train the head only */
    TRY(brain_fit(m, x_new, y_new, &(brain_fit_options){ .epochs = quick ? 8 : 10, .batch_size = 32, .verbose = BRAIN_SILENT }, NULL));
    printf("3. after training the head:                        %.3f\n", accuracy(m, x_test, y_test));

    /* 4. unfreeze the top block of the base (base.trainable = True, then the lower block frozen
     *    again; its BatchNormalization still normalises with its moving statistics, because of
     *    training=False) and fine-tune with a 10x smaller learning rate; compile again, as Keras needs */
    brain_layer_set_trainable(base_layer, true);
    for (int i = 0; i < brain_model_num_layers(base); i++) {
        brain_layer *l = brain_model_layer(base, i);
        if (strncmp(brain_layer_name(l), "block2_", 7)) brain_layer_set_trainable(l, false);
    }
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 1e-3f }),
                                                   .loss_name = "categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    printf("4. unfroze the top block: %lld trainable weights\n", (long long)brain_model_count_trainable(m));
    TRY(brain_fit(m, x_new, y_new, &(brain_fit_options){ .epochs = epochs, .batch_size = 32, .verbose = BRAIN_SILENT }, NULL));
    printf("   after fine-tuning the top block (lr 1e-3):      %.3f\n", accuracy(m, x_test, y_test));

    if (!getenv("KEEP_BASE")) remove(path);
    brain_model_free(m);
    brain_tensor_free(x_old); brain_tensor_free(y_old); brain_tensor_free(x_new); brain_tensor_free(y_new);
    brain_tensor_free(x_test); brain_tensor_free(y_test);
    return 0;
}
