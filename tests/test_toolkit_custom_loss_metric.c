/* test_toolkit_custom_loss_metric.c — user-written losses and metrics (issue 12, src/losses/custom.c):
 * a custom mean squared error and a custom mean absolute error written through the public API
 * give what the built-in Keras-tested ones give (value, gradient with sample weights, a whole
 * fit, the logs); they are saved in compile_config as Keras writes registered objects and come
 * back on load when registered, with an error naming them when not. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include <math.h>
#include <stdlib.h>

/* per sample: mean((y - p)^2) over the sample's values, and its gradient */
static double my_mse(const float *yt, int64_t nt, const float *yp, int64_t np, float *grad, void *user)
{
    (*(int *)user)++;
    (void)nt;
    double s = 0;
    for (int64_t j = 0; j < np; j++) {
        double d = (double)yp[j] - (double)yt[j];
        s += d * d;
        if (grad) grad[j] = (float)(2.0 * d / (double)np);
    }
    return s / (double)np;
}

/* Keras Metric subclass: total += Σ w·mean|y - p|, count += Σ w; result total / count */
typedef struct mae_state { double total, count; } mae_state;
static brain_status mae_update(void *state, const brain_tensor *yt, const brain_tensor *yp, const float *sw, void *user)
{
    (void)user;
    mae_state *s = state;
    int64_t n = yp->shape[0], k = yp->size / n;
    for (int64_t i = 0; i < n; i++) {
        double a = 0;
        for (int64_t j = 0; j < k; j++) a += fabs((double)yp->data[i * k + j] - (double)yt->data[i * k + j]);
        double w = sw ? sw[i] : 1.0;
        s->total += w * a / (double)k;
        s->count += w;
    }
    return BRAIN_OK;
}
static double mae_result(const void *state, void *user)
{
    (void)user;
    const mae_state *s = state;
    return s->count ? s->total / s->count : 0.0;
}

static int calls;
static const brain_custom_loss_def LOSS = { .name = "my_mse", .registered_name = "medical>my_mse", .fn = my_mse, .user = &calls };
static const brain_custom_metric_def METRIC = { .name = "my_mae", .class_name = "MyMAE", .state_size = sizeof(mae_state),
                                                .update = mae_update, .result = mae_result };

static brain_model *model(brain_loss *loss, brain_metric *metric)
{
    brain_set_random_seed(4);
    brain_model *m = brain_sequential("custom");
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_TANH }));
    CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_adam(NULL), .loss = loss,
                                                        .metrics = (brain_metric *[]){ metric, NULL } }));
    return m;
}

static void test_value_and_gradient(void)
{
    brain_tensor *x, *y;
    io_data(6, 3, 3, &x, &y);
    float w[6] = { 1, 0.5f, 2, 0, 1.5f, 1 };
    brain_loss *c = brain_loss_custom(&LOSS), *b = brain_loss_mse(NULL);
    double vc = 0, vb = 0;
    float gc[18], gb[18];
    CHECK_OK(brain_loss_compute(c, y, x, w, &vc, gc));
    CHECK_OK(brain_loss_compute(b, y, x, w, &vb, gb));
    CHECK_NEAR(vc, vb, 1e-7, 1e-6);
    for (int i = 0; i < 18; i++) CHECK_NEAR(gc[i], gb[i], 1e-7, 1e-6);
    CHECK(!strcmp(brain_loss_name(c), "my_mse"));
    brain_loss_free(c);
    brain_loss_free(b);
    /* wrong definitions */
    CHECK(brain_loss_custom(&(brain_custom_loss_def){ .name = "x" }) == NULL && strstr(brain_last_error(), "fn"));
    CHECK(brain_metric_custom(&(brain_custom_metric_def){ .name = "m", .update = mae_update }) == NULL &&
          strstr(brain_last_error(), "result"));
    brain_tensor_free(x);
    brain_tensor_free(y);
}

static void test_fit_and_save(void)
{
    brain_tensor *x, *y;
    io_data(32, 4, 3, &x, &y);
    brain_model *a = model(brain_loss_custom(&LOSS), brain_metric_custom(&METRIC));
    brain_model *b = model(brain_loss_mse(NULL), brain_metric_mae(NULL));
    brain_fit_options fo = { .epochs = 2, .batch_size = 8, .verbose = BRAIN_SILENT, .shuffle = BRAIN_OFF };
    brain_history *ha = NULL, *hb = NULL;
    calls = 0;
    CHECK_OK(brain_fit(a, x, y, &fo, &ha));
    CHECK_OK(brain_fit(b, x, y, &fo, &hb));
    CHECK(calls >= 64); /* once per sample per step */
    for (int64_t i = 0; i < a->n_params; i++) CHECK_NEAR(a->params[i], b->params[i], 1e-6, 1e-5);
    int n1 = 0, n2 = 0, n3 = 0, n4 = 0;
    const double *la = brain_history_get(ha, "loss", &n1), *lb = brain_history_get(hb, "loss", &n2);
    const double *ma = brain_history_get(ha, "my_mae", &n3), *mb = brain_history_get(hb, "mean_absolute_error", &n4);
    CHECK(la && lb && ma && mb && n1 == 2 && n3 == 2);
    for (int e = 0; la && lb && ma && mb && e < 2; e++) {
        CHECK_NEAR(la[e], lb[e], 1e-6, 1e-5);
        CHECK_NEAR(ma[e], mb[e], 1e-6, 1e-5);
    }
    brain_logs ea = {0}, eb = {0};
    const brain_eval_options ev = { .verbose = BRAIN_SILENT };
    CHECK_OK(brain_evaluate(a, x, y, &ev, &ea));
    CHECK_OK(brain_evaluate(b, x, y, &ev, &eb));
    double va = 0, vb = 0;
    CHECK(brain_logs_get(&ea, "my_mae", &va) && brain_logs_get(&eb, "mean_absolute_error", &vb));
    CHECK_NEAR(va, vb, 1e-6, 1e-5);

    /* saved as Keras writes registered objects */
    const char *path = io_path("custom_loss_metric.keras");
    CHECK_OK(brain_save(a, path));
    size_t n = 0;
    char *cfg = io_zip_read(path, "config.json", &n);
    CHECK(cfg && strstr(cfg, "\"class_name\":\"function\"") && strstr(cfg, "\"config\":\"medical>my_mse\"") &&
          strstr(cfg, "\"registered_name\":\"Custom>MyMAE\"") && strstr(cfg, "\"class_name\":\"MyMAE\""));
    free(cfg);
    /* not registered: the load names what is missing */
    brain_model *c = NULL;
    CHECK_FAILS(brain_load_model(path, &c, NULL), "medical>my_mse");
    CHECK_OK(brain_register_loss(&LOSS));
    CHECK_OK(brain_register_metric(&METRIC));
    CHECK_OK(brain_load_model(path, &c, NULL));
    brain_logs ec = {0};
    double vc = 0, lc = 0, la2 = 0;
    CHECK_OK(brain_evaluate(c, x, y, &ev, &ec));
    CHECK(brain_logs_get(&ec, "my_mae", &vc) && brain_logs_get(&ec, "loss", &lc) && brain_logs_get(&ea, "loss", &la2));
    CHECK_NEAR(vc, va, 1e-7, 1e-6);
    CHECK_NEAR(lc, la2, 1e-7, 1e-6);
    remove(path);
    brain_history_free(ha);
    brain_history_free(hb);
    brain_model_free(a);
    brain_model_free(b);
    brain_model_free(c);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

int main(void)
{
    test_value_and_gradient();
    test_fit_and_save();
    return check_summary("test_toolkit_custom_loss_metric");
}
