/* cnn_workload.h — the lecture's CNN, shared by bench_cnn.c and bench_cnn_alloc.c so both measure
 * the same model:
 *   Input(28, 28, 1) → Conv2D(32, 3, relu) → MaxPooling2D(2) → Conv2D(64, 3, relu) → MaxPooling2D(2)
 *   (the feature part) → Flatten → Dropout(0.5) → Dense(64, relu) → Dense(10, softmax). */
#ifndef BRAIN_BENCH_CNN_WORKLOAD_H
#define BRAIN_BENCH_CNN_WORKLOAD_H
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

/* the feature part alone, not compiled */
static brain_model *lecture_cnn_features(void)
{
    brain_model *m = brain_sequential(NULL);
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(28, 28, 1))));
    TRY(brain_model_add(m, brain_conv2d(32, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(NULL)));
    TRY(brain_model_add(m, brain_conv2d(64, 3, 3, &(brain_conv_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_max_pooling2d(NULL)));
    return m;
}

/* the whole model, not compiled */
static brain_model *lecture_cnn(void)
{
    brain_model *m = lecture_cnn_features();
    TRY(brain_model_add(m, brain_flatten(NULL)));
    TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_dense(10, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
    return m;
}
#endif
