/* bench_cnn_alloc.c — checks that brain_fit's training step allocates nothing after the first
 * batch for models of the image and signal layers (every allocation in the process is counted,
 * see alloc_probe.h):
 *   the lecture's CNN (Conv2D → MaxPooling2D → Conv2D → MaxPooling2D → Flatten → Dropout → Dense → Dense),
 *   an augmented model (RandomFlip → RandomRotation → Conv2D same/strided → BatchNormalization →
 *   AveragePooling2D → GlobalMaxPooling2D → Dense), and a signal model (Conv1D → MaxPooling1D →
 *   AveragePooling1D → Reshape → GlobalAveragePooling1D → Dense),
 * and the lecture CNN's convolution part with a convolutional head instead of the Dense layers,
 * on 200 random samples (so each epoch ends with a partial batch), Adam, 3 epochs.
 * Exit status 1 if a step after the first allocated in any of them (the lecture CNN's Dense(64) on
 * 1,600 inputs used to, through dnnl_sgemm; brain_sgemm now keeps such products on the plain-C
 * kernel, docs/sgemm.md).  Threads as brain's default (all cores).  glibc only. */
#include "alloc_probe.h"
#include "cnn_workload.h"
#include <stdio.h>
#include <stdlib.h>

static int run(const char *label, brain_model *m, brain_shape in)
{
    int64_t shape[BRAIN_MAX_DIMS] = {200};
    for (int i = 0; i < in.ndim; i++) shape[i + 1] = in.dims[i];
    brain_tensor *x = brain_tensor_new(in.ndim + 1, shape), *y = brain_tensor_new(1, (int64_t[]){ 200 });
    brain_rng r;
    brain_rng_seed(&r, 1);
    for (int64_t i = 0; i < x->size; i++) x->data[i] = (float)brain_rng_uniform(&r);
    for (int64_t i = 0; i < 200; i++) y->data[i] = (float)(i % 10);
    TRY(brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "sparse_categorical_crossentropy",
                                                   .metric_names = (const char *[]){ "accuracy", NULL } }));
    probe p = {0};
    brain_callback *cb = probe_callback(&p);
    uint64_t before = g_allocs;
    TRY(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 3, .batch_size = 32, .verbose = BRAIN_SILENT,
                                                 .callbacks = (brain_callback *[]){ cb, NULL } }, NULL));
    printf("%-18s %llu steps after the first: %llu allocated (%llu allocations); epoch boundaries: %llu; whole fit: %llu\n",
           label, (unsigned long long)p.steps, (unsigned long long)p.steps_allocating, (unsigned long long)p.step_allocs,
           (unsigned long long)p.boundary_allocs, (unsigned long long)(g_allocs - before));
    brain_callback_free(cb);
    brain_model_free(m);
    brain_tensor_free(x);
    brain_tensor_free(y);
    return p.steps_allocating != 0;
}

int main(void)
{
    brain_set_random_seed(0);
    int bad = 0;
    brain_model *m = lecture_cnn();
    bad |= run("lecture CNN:", m, BRAIN_SHAPE(28, 28, 1));

    m = brain_sequential(NULL);
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(16, 16, 3))));
    TRY(brain_model_add(m, brain_random_flip(NULL)));
    TRY(brain_model_add(m, brain_random_rotation(0.1f, NULL)));
    TRY(brain_model_add(m, brain_conv2d(8, 4, 4, &(brain_conv_options){ .strides = { 2 }, .padding = BRAIN_PADDING_SAME })));
    TRY(brain_model_add(m, brain_batch_normalization(NULL)));
    TRY(brain_model_add(m, brain_activation(BRAIN_RELU, NULL)));
    TRY(brain_model_add(m, brain_average_pooling2d(&(brain_pool_options){ .pool_size = { 3 }, .strides = { 2 }, .padding = BRAIN_PADDING_SAME })));
    TRY(brain_model_add(m, brain_conv2d(8, 1, 1, NULL)));
    TRY(brain_model_add(m, brain_global_max_pooling2d(NULL)));
    TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    bad |= run("augmented images:", m, BRAIN_SHAPE(16, 16, 3));

    m = brain_sequential(NULL);
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(64, 2))));
    TRY(brain_model_add(m, brain_conv1d(8, 5, &(brain_conv_options){ .activation = BRAIN_RELU, .dilation_rate = { 2 } })));
    TRY(brain_model_add(m, brain_max_pooling1d(NULL)));
    TRY(brain_model_add(m, brain_average_pooling1d(&(brain_pool_options){ .padding = BRAIN_PADDING_SAME })));
    TRY(brain_model_add(m, brain_reshape(BRAIN_SHAPE(-1, 16), NULL)));
    TRY(brain_model_add(m, brain_global_average_pooling1d(NULL)));
    TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    bad |= run("signals:", m, BRAIN_SHAPE(64, 2));

    /* the lecture CNN's convolution part with a convolutional head (no Dense) */
    m = lecture_cnn_features();
    TRY(brain_model_add(m, brain_batch_normalization(NULL)));
    TRY(brain_model_add(m, brain_conv2d(10, 1, 1, NULL)));
    TRY(brain_model_add(m, brain_global_average_pooling2d(NULL)));
    TRY(brain_model_add(m, brain_activation(BRAIN_SOFTMAX, NULL)));
    bad |= run("CNN without Dense:", m, BRAIN_SHAPE(28, 28, 1));
    printf(bad ? "FAIL: a training step after the first allocated\n"
               : "OK: no training step after the first allocates\n");
    return bad;
}
