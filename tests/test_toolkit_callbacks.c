/* test_toolkit_callbacks.c — LearningRateScheduler, LambdaCallback, SwapEMAWeights. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include "toolkit_ema_golden.h"
#include <math.h>
#include <stdlib.h>

static float halve_after_first(int epoch, float lr, void *user)
{
    (*(int *)user)++;
    return epoch == 0 ? lr : lr * 0.5f;
}

static char printed[4096];
static void capture(const char *t, void *u) { (void)u; strncat(printed, t, sizeof printed - strlen(printed) - 1); }

static brain_model *model(brain_optimizer *o)
{
    brain_set_random_seed(9);
    brain_model *m = brain_sequential("cb");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer = o, .loss_name = "categorical_crossentropy" });
    return m;
}

static int epochs_seen;
static int on_epoch_end_count(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)m; (void)logs; (void)user;
    epochs_seen += epoch + 1;
    return 0;
}

static void test_scheduler_lambda(void)
{
    brain_tensor *x, *y;
    io_data(16, 4, 3, &x, &y);
    brain_model *m = model(brain_sgd(&(brain_sgd_options){ .learning_rate = 0.1f }));
    int calls = 0;
    brain_callback *s = brain_learning_rate_scheduler(halve_after_first, &calls, 1);
    brain_callback *l = brain_lambda_callback(&(brain_callback_hooks){ .on_epoch_end = on_epoch_end_count });
    brain_set_print_hook(capture, NULL);
    brain_history *h = NULL;
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 3, .batch_size = 8, .verbose = BRAIN_SILENT,
                                                      .callbacks = (brain_callback *[]){ s, l, NULL } }, &h));
    brain_set_print_hook(NULL, NULL);
    CHECK(calls == 3 && epochs_seen == 6);
    int n = 0;
    const double *lr = h ? brain_history_get(h, "learning_rate", &n) : NULL;
    /* Keras: float(np.float32(lr)) per epoch */
    CHECK(lr && n == 3 && lr[0] == (double)0.1f && lr[1] == (double)(0.1f * 0.5f) && lr[2] == (double)(0.1f * 0.5f * 0.5f));
    CHECK(strstr(printed, "\nEpoch 2: LearningRateScheduler setting learning rate to 0.05000000074505806.\n") != NULL);
    brain_history_free(h);
    brain_model_free(m);
    /* an optimizer with a schedule object cannot be set */
    m = model(brain_sgd(&(brain_sgd_options){ .common = { .learning_rate_schedule = brain_exponential_decay(0.1, 2, 0.5, NULL) } }));
    CHECK_FAILS(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 1, .verbose = BRAIN_SILENT, .callbacks = (brain_callback *[]){ s, NULL } }, NULL),
                "cannot be set");
    brain_model_free(m);
    brain_callback_free(s);
    brain_callback_free(l);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

static int check_swapped(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    (void)epoch; (void)logs; (void)user;
    /* after SwapEMAWeights' on_epoch_end: the model holds the averages, the optimizer the raw weights */
    CHECK(m->optimizer->ema_swapped);
    return 0;
}

static void test_swap_ema(void)
{
    brain_tensor *x, *y;
    io_data(16, 4, 3, &x, &y);
    brain_model *a = model(brain_adam(&(brain_adam_options){ .learning_rate = 0.05f, .common = { .use_ema = true, .ema_momentum = 0.5f, .has_ema_momentum = true } }));
    brain_model *b = model(brain_adam(&(brain_adam_options){ .learning_rate = 0.05f, .common = { .use_ema = true, .ema_momentum = 0.5f, .has_ema_momentum = true } }));
    brain_callback *sw = brain_swap_ema_weights(&(brain_swap_ema_weights_options){ .swap_on_epoch = true });
    brain_callback *chk = brain_lambda_callback(&(brain_callback_hooks){ .on_epoch_end = check_swapped });
    brain_fit_options fo = { .epochs = 3, .batch_size = 8, .verbose = BRAIN_SILENT, .shuffle = BRAIN_OFF };
    CHECK_OK(brain_fit(a, x, y, &fo, NULL));
    fo.callbacks = (brain_callback *[]){ sw, chk, NULL };
    CHECK_OK(brain_fit(b, x, y, &fo, NULL));
    /* swapping in and out between epochs changes nothing in the training; the end is the averages */
    CHECK(!memcmp(a->params, b->params, sizeof(float) * a->n_params));
    CHECK(!memcmp(a->optimizer->ema, b->optimizer->ema, sizeof(float) * a->n_params));
    brain_model *c = model(brain_adam(NULL));
    CHECK_FAILS(brain_fit(c, x, y, &(brain_fit_options){ .epochs = 1, .verbose = BRAIN_SILENT, .callbacks = (brain_callback *[]){ sw, NULL } }, NULL),
                "use_ema");
    brain_model_free(a); brain_model_free(b); brain_model_free(c);
    brain_callback_free(sw);
    brain_callback_free(chk);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

/* Keras's fit with SwapEMAWeights(swap_on_epoch=False / True) and without: the validation losses
 * (computed with the averages swapped in when the callback is there), the losses and the final
 * weights (tools/gen_toolkit_ema_golden.py). */
static void test_swap_ema_keras(void)
{
    const float *loss[3] = { te_loss_0, te_loss_1, te_loss_2 }, *val[3] = { te_val_loss_0, te_val_loss_1, te_val_loss_2 },
                *wend[3] = { te_w_0, te_w_1, te_w_2 };
    brain_tensor *x = brain_tensor_from(te_x, 2, (int64_t[]){ 16, 4 }), *y = brain_tensor_from(te_y, 2, (int64_t[]){ 16, 3 });
    brain_tensor *xv = brain_tensor_from(te_xv, 2, (int64_t[]){ 8, 4 }), *yv = brain_tensor_from(te_yv, 2, (int64_t[]){ 8, 3 });
    for (int k = 0; k < 3; k++) {
        brain_model *m = model(brain_adam(&(brain_adam_options){ .learning_rate = 0.05f,
            .common = { .use_ema = true, .ema_momentum = 0.5f, .has_ema_momentum = true } }));
        CHECK_OK(brain_model_set_weights(m, te_w0, 15));
        brain_callback *sw = k < 2 ? brain_swap_ema_weights(&(brain_swap_ema_weights_options){ .swap_on_epoch = k == 1 }) : NULL;
        brain_history *h = NULL;
        CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 3, .batch_size = 8, .verbose = BRAIN_SILENT,
            .shuffle = BRAIN_OFF, .x_val = xv, .y_val = yv, .callbacks = (brain_callback *[]){ sw, NULL } }, &h));
        int n = 0, nv = 0;
        const double *l = brain_history_get(h, "loss", &n), *v = brain_history_get(h, "val_loss", &nv);
        CHECK(l && v && n == 3 && nv == 3);
        for (int e = 0; l && v && e < 3; e++) {
            CHECK_NEAR(l[e], loss[k][e], 1e-6, 1e-5);
            CHECK_NEAR(v[e], val[k][e], 1e-6, 1e-5);
        }
        float w[15];
        CHECK_OK(brain_model_get_weights(m, w, 15));
        for (int i = 0; i < 15; i++) CHECK_NEAR(w[i], wend[k][i], 1e-6, 1e-5);
        brain_history_free(h);
        brain_callback_free(sw);
        brain_model_free(m);
    }
    brain_tensor_free(x); brain_tensor_free(y); brain_tensor_free(xv); brain_tensor_free(yv);
}

int main(void)
{
    test_swap_ema_keras();
    test_scheduler_lambda();
    test_swap_ema();
    return check_summary("test_toolkit_callbacks");
}
