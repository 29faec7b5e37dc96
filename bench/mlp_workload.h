/* mlp_workload.h — the lecture's tabular benchmark workload, shared by bench_mlp.c and
 * bench_alloc.c so both measure the same thing: breast cancer data, stratified 80/20 split
 * (random_state 42), StandardScaler fit on the training rows, and
 * Dense(64, relu) → Dropout(0.5) → Dense(1, sigmoid) with Adam(1e-3) and binary cross-entropy. */
#ifndef BRAIN_BENCH_MLP_WORKLOAD_H
#define BRAIN_BENCH_MLP_WORKLOAD_H
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); exit(1); } } while (0)

typedef struct mlp_data {
    brain_table *table;
    brain_tensor *x, *y, *x_train, *x_test, *y_train, *y_test;
} mlp_data;

static void mlp_data_load(mlp_data *d)
{
    TRY(brain_load_breast_cancer(&d->table));
    d->x = brain_table_x(d->table);
    d->y = brain_table_y(d->table);
    TRY(brain_train_test_split(d->x, d->y, &(brain_split_options){ .test_size = 0.2, .stratify = d->y->data,
                               .random_state = 42, .has_random_state = true },
                               &d->x_train, &d->x_test, &d->y_train, &d->y_test));
    brain_scaler *sc = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(sc, d->x_train));
    TRY(brain_scaler_transform(sc, d->x_test));
    brain_scaler_free(sc);
}

static void mlp_data_free(mlp_data *d)
{
    brain_tensor *all[] = { d->x, d->y, d->x_train, d->x_test, d->y_train, d->y_test };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    brain_table_free(d->table);
}

/* metric_names: NULL-terminated, or NULL for the loss only (as the PyTorch peer computes) */
static brain_model *mlp_model(const char **metric_names)
{
    brain_model *m = brain_sequential("mlp");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(30))));
    TRY(brain_model_add(m, brain_dense(64, &(brain_dense_options){ .activation = BRAIN_RELU })));
    TRY(brain_model_add(m, brain_dropout(0.5f, NULL)));
    TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID })));
    TRY(brain_compile(m, &(brain_compile_options){
        .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = 1e-3f }),
        .loss = brain_loss_binary_crossentropy(NULL), .metric_names = metric_names }));
    return m;
}
#endif
