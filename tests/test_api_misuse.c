/* Misuse of the API gives an error, never a crash: NULL arguments, calls out of order,
 * impossible shapes.  (Run under ASan/UBSan in CI.) */
#include "brain.h"
#include "check.h"

static void quiet(const char *t, void *u) { (void)t; (void)u; }

int main(void)
{
    brain_set_print_hook(quiet, NULL);
    /* NULLs */
    CHECK(brain_model_add(NULL, brain_dense(3, NULL)) != BRAIN_OK);
    CHECK(brain_model_add(NULL, NULL) != BRAIN_OK);
    CHECK(brain_model_build(NULL) != BRAIN_OK);
    CHECK(brain_compile(NULL, NULL) != BRAIN_OK);
    CHECK(brain_fit(NULL, NULL, NULL, NULL, NULL) != BRAIN_OK);
    CHECK(brain_evaluate(NULL, NULL, NULL, NULL, NULL) != BRAIN_OK);
    brain_tensor *out = (brain_tensor *)1;
    CHECK(brain_predict(NULL, NULL, NULL, &out) != BRAIN_OK && out == NULL);
    CHECK(brain_model_summary(NULL, 0) != BRAIN_OK);
    CHECK(brain_model_forward(NULL, NULL, false, NULL) != BRAIN_OK);
    CHECK(brain_model_loss(NULL, NULL, NULL, NULL) != BRAIN_OK);
    CHECK(brain_model_backward(NULL) != BRAIN_OK);
    CHECK(brain_model_get_weights(NULL, NULL, 0) != BRAIN_OK);
    CHECK(brain_optimizer_step(NULL, NULL) != BRAIN_OK);
    CHECK(brain_read_csv(NULL, NULL, NULL) != BRAIN_OK);
    CHECK(brain_scaler_fit(NULL, NULL) != BRAIN_OK);
    CHECK(brain_to_categorical(NULL, 0, NULL) != BRAIN_OK);
    CHECK(brain_loss_compute(NULL, NULL, NULL, NULL, NULL, NULL) != BRAIN_OK);
    CHECK(brain_metric_update(NULL, NULL, NULL, NULL) != BRAIN_OK);
    CHECK(brain_tensor_new(0, NULL) == NULL);
    CHECK(brain_tensor_new(2, (int64_t[]){-1, 3}) == NULL && strstr(brain_last_error(), "negative"));
    CHECK(brain_tensor_new(2, (int64_t[]){INT64_MAX / 2, 3}) == NULL && strstr(brain_last_error(), "too large"));
    brain_model_free(NULL);
    brain_tensor_free(NULL);
    brain_history_free(NULL);
    brain_callback_free(NULL);
    brain_optimizer_free(NULL);
    brain_loss_free(NULL);
    brain_metric_free(NULL);
    brain_scaler_free(NULL);
    brain_table_free(NULL);

    /* out of order */
    brain_model *m = brain_sequential(NULL);
    CHECK_FAILS(brain_model_summary(m, 0), "no input shape");
    CHECK_FAILS(brain_model_add(m, brain_input(BRAIN_SHAPE(0))), "must be positive");
    brain_model_add(m, brain_input(BRAIN_SHAPE(3)));
    CHECK_FAILS(brain_model_add(m, brain_input(BRAIN_SHAPE(3))), "Input must be the first");
    CHECK_FAILS(brain_compile(m, &(brain_compile_options){.loss_name = "mse"}), "has no layers");
    brain_model_add(m, brain_dense(2, NULL));
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){4, 3}), *y = brain_tensor_new(2, (int64_t[]){4, 2});
    CHECK_FAILS(brain_evaluate(m, x, y, NULL, NULL), "must be compiled first");
    CHECK_FAILS(brain_model_loss(m, y, NULL, NULL), "compile model");
    CHECK_FAILS(brain_model_backward(m), "brain_model_loss first");
    const brain_tensor *p;
    CHECK_OK(brain_model_forward(m, x, false, &p));
    CHECK(p && p->shape[0] == 4 && p->shape[1] == 2);
    brain_loss *mse = brain_loss_mse(NULL);
    brain_tensor *y3 = brain_tensor_new(2, (int64_t[]){3, 2});
    CHECK_FAILS(brain_model_loss(m, y3, mse, NULL), "y has 3 rows but the last forward had 4");
    CHECK_OK(brain_model_loss(m, y, mse, NULL));
    CHECK_OK(brain_model_backward(m));
    CHECK(brain_model_weight(m, 5, 0) == NULL && strstr(brain_last_error(), "no layer 5"));
    CHECK(brain_model_weight(m, 0, 9) == NULL && strstr(brain_last_error(), "index 9"));
    brain_tensor *k = brain_model_weight(m, 0, 0);
    CHECK(k && k->shape[0] == 3 && k->shape[1] == 2);
    brain_tensor_free(k);
    CHECK(brain_model_get_layer(m, "nope") == NULL && strstr(brain_last_error(), "no layer named 'nope'"));
    float w[8];
    CHECK_FAILS(brain_model_set_weights(m, w, 3), "has 8 weight values, 3 were given");
    /* bad option values */
    CHECK(brain_adam(&(brain_adam_options){.learning_rate = -1}) == NULL);
    CHECK(brain_sgd(&(brain_sgd_options){.common = {.clipnorm = 1, .clipvalue = 1}}) == NULL);
    CHECK(brain_early_stopping(&(brain_early_stopping_options){.monitor = "no_such_metric"}) == NULL);
    CHECK(brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){.factor = 2}) == NULL);
    CHECK(brain_csv_logger(NULL, NULL) == NULL);
    CHECK(brain_optimizer_from_name("adamx") == NULL && strstr(brain_last_error(), "adamx"));
    brain_activation_kind a;
    CHECK_FAILS(brain_activation_from_name("rellu", &a), "unknown activation 'rellu'");
    brain_regularizer r;
    CHECK_FAILS(brain_regularizer_from_name("l3", &r), "l3");
    brain_loss_free(mse);
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(y3);
    brain_model_free(m);
    brain_set_print_hook(NULL, NULL);
    return check_summary("test_api_misuse");
}
