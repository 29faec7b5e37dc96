/* test_callbacks.c — the built-in callbacks driven through their hooks with scripted logs,
 * as the fit loop drives them, with the exact epochs, values and text Keras 3 gives; then a
 * few runs through brain_fit. */
#include "brain.h"
#include "internal.h"
#include "callbacks/callbacks.h"
#include "check.h"
#include <stdlib.h>
#include <unistd.h>

/* ------------------------------------------------------------------ output capture */
static char g_out[8192];
static void capture(const char *text, void *user)
{
    (void)user;
    size_t n = strlen(g_out);
    snprintf(g_out + n, sizeof g_out - n, "%s", text);
}
static void capture_start(void) { g_out[0] = 0; brain_set_print_hook(capture, NULL); }
static void capture_stop(void) { brain_set_print_hook(NULL, NULL); }

/* ------------------------------------------------------------------ driving hooks */
static int train_begin(brain_callback *cb, brain_model *m)
{
    return cb->hooks.on_train_begin ? cb->hooks.on_train_begin(m, NULL, cb->hooks.user) : 0;
}
static int train_end(brain_callback *cb, brain_model *m)
{
    return cb->hooks.on_train_end ? cb->hooks.on_train_end(m, NULL, cb->hooks.user) : 0;
}
static int epoch_end(brain_callback *cb, brain_model *m, int epoch, brain_logs *logs)
{
    return cb->hooks.on_epoch_end ? cb->hooks.on_epoch_end(m, epoch, logs, cb->hooks.user) : 0;
}

/* Runs train_begin, then one epoch per value (logs {key: v}) until a hook asks to stop, then
 * train_end.  Returns the epoch at which on_epoch_end returned non-zero, or -1. */
static int run_monitor(brain_callback *cb, brain_model *m, const char *key, const double *v, int n)
{
    int stopped = -1;
    CHECK(train_begin(cb, m) == 0);
    for (int e = 0; e < n; e++) {
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "loss", 1.0);
        brain_logs_set(&logs, key, v[e]);
        if (epoch_end(cb, m, e, &logs)) {
            stopped = e;
            break;
        }
    }
    CHECK(train_end(cb, m) == 0);
    return stopped;
}

/* ------------------------------------------------------------------ monitor */
static void test_monitor(void)
{
    brain_monitor mo;
    CHECK_OK(brain__monitor_init(&mo, "val_loss", BRAIN_MODE_AUTO, -0.5));
    CHECK(mo.mode == BRAIN_MODE_MIN && mo.min_delta == 0.5 && !mo.has_best && strcmp(mo.monitor, "val_loss") == 0);
    CHECK_OK(brain__monitor_init(&mo, "loss", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MIN);
    CHECK_OK(brain__monitor_init(&mo, "val_accuracy", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_OK(brain__monitor_init(&mo, "accuracy", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_OK(brain__monitor_init(&mo, "val_auc", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_OK(brain__monitor_init(&mo, "precision", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_OK(brain__monitor_init(&mo, "val_recall", BRAIN_MODE_AUTO, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_FAILS(brain__monitor_init(&mo, "val_wobble", BRAIN_MODE_AUTO, 0), "cannot infer mode for monitor 'val_wobble'; set mode");
    CHECK_FAILS(brain__monitor_init(&mo, "wobble", (brain_mode)7, 0), "unknown mode");
    /* an explicit mode needs no inference */
    CHECK_OK(brain__monitor_init(&mo, "wobble", BRAIN_MODE_MAX, 0));
    CHECK(mo.mode == BRAIN_MODE_MAX);
    CHECK_OK(brain__monitor_init(&mo, NULL, BRAIN_MODE_AUTO, 0));
    CHECK(strcmp(mo.monitor, "val_loss") == 0 && mo.mode == BRAIN_MODE_MIN);

    /* improvement: min: current + |d| < best; max: current - |d| > best; no best: always */
    CHECK_OK(brain__monitor_init(&mo, "loss", BRAIN_MODE_MIN, 0.125));
    CHECK(brain__monitor_improved(&mo, 123.0));
    CHECK(brain__monitor_improved(&mo, NAN));
    mo.best = 1.0; mo.has_best = true;
    CHECK(!brain__monitor_improved(&mo, 0.875)); /* 0.875 + 0.125 == 1.0, not < */
    CHECK(brain__monitor_improved(&mo, 0.75));
    CHECK(!brain__monitor_improved(&mo, 1.5));
    CHECK(!brain__monitor_improved(&mo, NAN));
    CHECK_OK(brain__monitor_init(&mo, "accuracy", BRAIN_MODE_MAX, 0.125));
    mo.best = 0.5; mo.has_best = true;
    CHECK(!brain__monitor_improved(&mo, 0.625));
    CHECK(brain__monitor_improved(&mo, 0.75));
    CHECK(!brain__monitor_improved(&mo, 0.25));
    /* Keras compares in float32: 0.5 + 1e-4 rounds to float32(0.5001), which is not < it */
    CHECK_OK(brain__monitor_init(&mo, "loss", BRAIN_MODE_MIN, 1e-4));
    mo.best = (double)0.5001f; mo.has_best = true;
    CHECK(!brain__monitor_improved(&mo, 0.5));
    CHECK(brain__monitor_improved(&mo, 0.4999));
}

/* ------------------------------------------------------------------ EarlyStopping */
static void test_es_patience(void)
{
    /* patience 0: stops at the first epoch that does not improve */
    brain_callback *cb = brain_early_stopping(NULL);
    CHECK(cb != NULL && cb->kind == BRAIN_CB_EARLY_STOPPING);
    double a[] = { 1.0, 0.9, 0.95, 0.8 };
    CHECK(run_monitor(cb, NULL, "val_loss", a, 4) == 2);
    CHECK(brain_early_stopping_stopped_epoch(cb) == 2);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    /* reusable: train_begin resets */
    double a2[] = { 5.0, 4.0, 3.0, 2.0, 1.0 };
    CHECK(run_monitor(cb, NULL, "val_loss", a2, 5) == -1);
    CHECK(brain_early_stopping_stopped_epoch(cb) == 0);
    CHECK(brain_early_stopping_best_epoch(cb) == 4);
    /* equal is not an improvement */
    double a3[] = { 1.0, 1.0 };
    CHECK(run_monitor(cb, NULL, "val_loss", a3, 2) == 1);
    brain_callback_free(cb);

    /* patience 2: two epochs without improvement */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .patience = 2 });
    double b[] = { 1.0, 0.9, 0.95, 0.92, 0.91, 0.5 };
    CHECK(run_monitor(cb, NULL, "val_loss", b, 6) == 3);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    /* an improvement resets the count */
    double c[] = { 1.0, 0.9, 0.95, 0.85, 0.9, 0.9, 0.9 };
    CHECK(run_monitor(cb, NULL, "val_loss", c, 7) == 5);
    CHECK(brain_early_stopping_stopped_epoch(cb) == 5 && brain_early_stopping_best_epoch(cb) == 3);
    brain_callback_free(cb);

    /* monitor "loss" */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "loss", .patience = 1 });
    double d[] = { 3.0, 2.0, 2.5, 1.0 };
    CHECK(run_monitor(cb, NULL, "loss", d, 4) == 2);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    brain_callback_free(cb);
}

static void test_es_min_delta_and_mode(void)
{
    /* min_delta 0.1: 0.95 is not 0.1 better than 1.0 */
    brain_callback *cb = brain_early_stopping(&(brain_early_stopping_options){ .min_delta = 0.1f, .patience = 1 });
    double a[] = { 1.0, 0.95, 0.85, 0.84 };
    CHECK(run_monitor(cb, NULL, "val_loss", a, 4) == 1);
    CHECK(brain_early_stopping_best_epoch(cb) == 0);
    brain_callback_free(cb);
    /* negative min_delta counts as its absolute value */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .min_delta = -0.1f, .patience = 2 });
    CHECK(run_monitor(cb, NULL, "val_loss", a, 4) == -1); /* 1.0 w0; .95 w1; .85 best w0; .84 w1 */
    CHECK(brain_early_stopping_best_epoch(cb) == 2);
    brain_callback_free(cb);

    /* mode auto on val_accuracy is max */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_accuracy", .patience = 1 });
    CHECK(cb != NULL);
    double b[] = { 0.5, 0.6, 0.6, 0.55, 0.9 };
    CHECK(run_monitor(cb, NULL, "val_accuracy", b, 5) == 2);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    brain_callback_free(cb);
    /* explicit max on a name Keras cannot infer */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "score", .mode = BRAIN_MODE_MAX, .patience = 1 });
    double c[] = { 1.0, 2.0, 3.0, 2.5 };
    CHECK(run_monitor(cb, NULL, "score", c, 4) == 3);
    brain_callback_free(cb);
    /* explicit min on an "up" metric */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_accuracy", .mode = BRAIN_MODE_MIN });
    CHECK(run_monitor(cb, NULL, "val_accuracy", c, 4) == 1);
    brain_callback_free(cb);

    /* unknown monitor under auto: NULL and Keras's reason */
    brain_clear_error();
    CHECK(brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_wobble" }) == NULL);
    CHECK(strstr(brain_last_error(), "cannot infer mode for monitor 'val_wobble'; set mode") != NULL);
}

static void test_es_baseline_and_start(void)
{
    /* baseline never beaten: improvements do not reset wait, so it stops after `patience`
     * epochs counted from the start (on the first epoch that does not improve) */
    brain_callback *cb = brain_early_stopping(&(brain_early_stopping_options){
        .patience = 2, .baseline = 0.5, .has_baseline = true });
    double a[] = { 1.0, 0.9, 0.9, 0.8, 0.7 };
    CHECK(run_monitor(cb, NULL, "val_loss", a, 5) == 2);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    /* while every epoch improves it never stops (Keras returns before the patience test) */
    double b[] = { 1.0, 0.9, 0.8, 0.7, 0.6 };
    CHECK(run_monitor(cb, NULL, "val_loss", b, 5) == -1);
    brain_callback_free(cb);
    /* baseline beaten: the count restarts */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .patience = 2, .baseline = 0.95, .has_baseline = true });
    CHECK(run_monitor(cb, NULL, "val_loss", a, 5) == -1); /* 1.0 w1; .9 beats -> w0; .9 w1; .8 w0; .7 w0 */
    double c[] = { 1.0, 0.9, 0.9, 0.9, 0.9 };
    CHECK(run_monitor(cb, NULL, "val_loss", c, 5) == 3);
    brain_callback_free(cb);
    /* baseline with max mode */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_accuracy", .patience = 1,
                                                               .baseline = 0.9, .has_baseline = true });
    double d[] = { 0.5, 0.5, 0.95 };
    CHECK(run_monitor(cb, NULL, "val_accuracy", d, 3) == 1);
    brain_callback_free(cb);

    /* start_from_epoch: epochs before it are ignored entirely */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .start_from_epoch = 3 });
    double e[] = { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 };
    CHECK(run_monitor(cb, NULL, "val_loss", e, 6) == 4);
    CHECK(brain_early_stopping_best_epoch(cb) == 3);
    CHECK(brain_early_stopping_stopped_epoch(cb) == 4);
    brain_callback_free(cb);
}

static void test_es_messages(void)
{
    /* verbose: the stop is announced at train end, 1-based */
    brain_callback *cb = brain_early_stopping(&(brain_early_stopping_options){ .patience = 2, .verbose = 1 });
    double a[] = { 1.0, 0.5, 0.6, 0.7, 0.1 };
    capture_start();
    CHECK(run_monitor(cb, NULL, "val_loss", a, 5) == 3);
    capture_stop();
    CHECK_MSG(strcmp(g_out, "Epoch 4: early stopping\n") == 0, "got \"%s\"", g_out);
    /* no stop: silent */
    double b[] = { 1.0, 0.5 };
    capture_start();
    CHECK(run_monitor(cb, NULL, "val_loss", b, 2) == -1);
    capture_stop();
    CHECK(g_out[0] == 0);
    brain_callback_free(cb);

    /* monitor missing: a warning (once per fit), no stop, nothing counted */
    cb = brain_early_stopping(NULL);
    capture_start();
    CHECK(train_begin(cb, NULL) == 0);
    for (int e = 0; e < 3; e++) {
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "loss", 1.0 + e);
        brain_logs_set(&logs, "accuracy", 0.5);
        CHECK(epoch_end(cb, NULL, e, &logs) == 0);
    }
    CHECK(train_end(cb, NULL) == 0);
    capture_stop();
    CHECK_MSG(strcmp(g_out, "Warning: Early stopping conditioned on metric `val_loss` which is not available. "
                            "Available metrics are: accuracy,loss\n") == 0, "got \"%s\"", g_out);
    CHECK(brain_early_stopping_stopped_epoch(cb) == 0);
    brain_callback_free(cb);

    /* accessors on other kinds */
    brain_callback *t = brain_terminate_on_nan();
    CHECK(brain_early_stopping_stopped_epoch(t) == 0 && brain_early_stopping_best_epoch(NULL) == 0);
    brain_callback_free(t);
}

/* ------------------------------------------------------------------ a real tiny model */
static brain_model *tiny_model(float lr)
{
    brain_model *m = brain_sequential("tiny");
    if (!m) return NULL;
    brain_status s = brain_model_add(m, brain_input(BRAIN_SHAPE(2)));
    if (!s) s = brain_model_add(m, brain_dense(1, NULL));
    if (!s) s = brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(&(brain_sgd_options){ .learning_rate = lr }),
                                                           .loss_name = "mse" });
    if (s) {
        fprintf(stderr, "tiny_model: %s\n", brain_last_error());
        brain_model_free(m);
        return NULL;
    }
    return m;
}

/* Sets every weight of m to `value` (a stand-in for "the weights after epoch e"). */
static void fill_weights(brain_model *m, float value)
{
    float w[3] = { value, value, value };
    CHECK_OK(brain_model_set_weights(m, w, 3));
}

static float first_weight(brain_model *m)
{
    float w[3] = { -99, -99, -99 };
    CHECK_OK(brain_model_get_weights(m, w, 3));
    CHECK(w[0] == w[1] && w[1] == w[2]);
    return w[0];
}

/* epochs run with weights e+1 and the given val_loss; returns the stop epoch or -1 */
static int run_restore(brain_callback *cb, brain_model *m, const double *v, int n)
{
    int stopped = -1;
    CHECK(train_begin(cb, m) == 0);
    for (int e = 0; e < n; e++) {
        fill_weights(m, (float)(e + 1));
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "val_loss", v[e]);
        if (epoch_end(cb, m, e, &logs)) {
            stopped = e;
            break;
        }
    }
    CHECK(train_end(cb, m) == 0);
    return stopped;
}

static void test_es_restore(void)
{
    brain_model *m = tiny_model(0.1f);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(brain_model_count_params(m) == 3);

    /* stopped early: the best epoch's weights come back */
    brain_callback *cb = brain_early_stopping(&(brain_early_stopping_options){
        .patience = 2, .restore_best_weights = true, .verbose = 1 });
    double a[] = { 1.0, 0.5, 0.7, 0.8, 0.1 };
    capture_start();
    CHECK(run_restore(cb, m, a, 5) == 3);
    capture_stop();
    CHECK(first_weight(m) == 2.0f); /* epoch 1's */
    CHECK_MSG(strcmp(g_out, "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n") == 0,
              "got \"%s\"", g_out);

    /* ran every epoch: still restored (Keras 3 restores whenever a snapshot exists) */
    double b[] = { 1.0, 0.4, 0.6 };
    capture_start();
    CHECK(run_restore(cb, m, b, 3) == -1);
    capture_stop();
    CHECK(first_weight(m) == 2.0f);
    CHECK_MSG(strcmp(g_out, "Restoring model weights from the end of the best epoch: 2.\n") == 0, "got \"%s\"", g_out);
    brain_callback_free(cb);

    /* baseline never beaten: the best epoch of the run is restored anyway */
    cb = brain_early_stopping(&(brain_early_stopping_options){
        .patience = 3, .restore_best_weights = true, .baseline = 0.1, .has_baseline = true });
    double c[] = { 1.0, 0.9, 0.95, 0.97, 0.99 };
    CHECK(run_restore(cb, m, c, 5) == 2); /* wait counts from epoch 0: 1, 2, 3 */
    CHECK(first_weight(m) == 2.0f);
    CHECK(brain_early_stopping_best_epoch(cb) == 1);
    brain_callback_free(cb);

    /* start_from_epoch: the first monitored epoch is the first snapshot */
    cb = brain_early_stopping(&(brain_early_stopping_options){
        .patience = 1, .restore_best_weights = true, .start_from_epoch = 2 });
    double d[] = { 0.1, 0.1, 0.9, 0.95, 0.99 };
    CHECK(run_restore(cb, m, d, 5) == 3);
    CHECK(first_weight(m) == 3.0f);
    brain_callback_free(cb);

    /* without restore_best_weights the last weights stay */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .patience = 1 });
    CHECK(run_restore(cb, m, a, 5) == 2);
    CHECK(first_weight(m) == 3.0f);
    brain_callback_free(cb);

    /* monitor never present: no snapshot, nothing restored */
    cb = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "loss", .restore_best_weights = true });
    capture_start();
    CHECK(run_restore(cb, m, a, 3) == -1);
    capture_stop();
    CHECK(first_weight(m) == 3.0f);
    brain_callback_free(cb);
    brain_model_free(m);
}

/* ------------------------------------------------------------------ ReduceLROnPlateau */
/* One epoch of val_loss v: returns the logs' learning_rate (the rate before this epoch's cut). */
static double rlr_epoch(brain_callback *cb, brain_model *m, int e, double v)
{
    brain_logs logs = { 0 };
    brain_logs_set(&logs, "loss", 1.0);
    brain_logs_set(&logs, "val_loss", v);
    CHECK(epoch_end(cb, m, e, &logs) == 0);
    double lr = -1;
    CHECK(brain_logs_get(&logs, "learning_rate", &lr));
    CHECK(logs.n == 3 && strcmp(logs.names[0], "learning_rate") == 0);
    return lr;
}

static void test_reduce_lr(void)
{
    brain_model *m = tiny_model(0.1f);
    CHECK(m != NULL);
    if (!m) return;
    brain_optimizer *opt = brain_model_optimizer(m);

    /* factor 0.5, patience 2: cuts at epochs 2 and 4 of a flat curve */
    brain_callback *cb = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .factor = 0.5f, .patience = 2, .verbose = 1 });
    CHECK(cb != NULL && cb->kind == BRAIN_CB_REDUCE_LR);
    capture_start();
    CHECK(train_begin(cb, m) == 0);
    CHECK(rlr_epoch(cb, m, 0, 1.0) == (double)0.1f);
    CHECK(rlr_epoch(cb, m, 1, 1.0) == (double)0.1f);
    CHECK(rlr_epoch(cb, m, 2, 1.0) == (double)0.1f); /* written before the cut */
    CHECK(brain_optimizer_get_learning_rate(opt) == (float)(0.10000000149011612 * 0.5));
    CHECK(rlr_epoch(cb, m, 3, 1.0) == (double)0.05f);
    CHECK(rlr_epoch(cb, m, 4, 0.99995) == (double)0.05f); /* within min_delta 1e-4: no improvement */
    CHECK(brain_optimizer_get_learning_rate(opt) == 0.025f);
    CHECK(rlr_epoch(cb, m, 5, 0.5) == (double)0.025f); /* improvement */
    CHECK(rlr_epoch(cb, m, 6, 0.5) == (double)0.025f);
    CHECK(brain_optimizer_get_learning_rate(opt) == 0.025f);
    CHECK(train_end(cb, m) == 0);
    capture_stop();
    CHECK_MSG(strcmp(g_out, "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.05000000074505806.\n"
                            "\nEpoch 5: ReduceLROnPlateau reducing learning rate to 0.02500000037252903.\n") == 0,
              "got \"%s\"", g_out);
    brain_callback_free(cb);

    /* cooldown 2, patience 1 (default factor 0.1): cuts at epochs 1, 3, 5 */
    brain_optimizer_set_learning_rate(opt, 0.1f);
    cb = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .patience = 1, .cooldown = 2 });
    CHECK(train_begin(cb, m) == 0);
    double lrs[7];
    for (int e = 0; e < 7; e++) lrs[e] = rlr_epoch(cb, m, e, 1.0);
    CHECK(lrs[0] == (double)0.1f && lrs[1] == (double)0.1f);
    CHECK(lrs[2] == (double)(float)(0.10000000149011612 * 0.1) && lrs[3] == lrs[2]);
    CHECK(lrs[4] == (double)(float)((double)(float)(0.10000000149011612 * 0.1) * 0.1) && lrs[5] == lrs[4]);
    CHECK(lrs[6] < lrs[5] && lrs[6] == (double)(float)(lrs[5] * 0.1));
    CHECK(train_end(cb, m) == 0);
    brain_callback_free(cb);

    /* min_lr floor: 0.1 -> 0.01 -> 0.005 (floor) -> stays (0.005f is not > float32(0.005)) */
    brain_optimizer_set_learning_rate(opt, 0.1f);
    cb = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .patience = 1, .min_lr = 0.005f, .verbose = 1 });
    capture_start();
    CHECK(train_begin(cb, m) == 0);
    for (int e = 0; e < 5; e++) rlr_epoch(cb, m, e, 2.0);
    capture_stop();
    CHECK(brain_optimizer_get_learning_rate(opt) == 0.005f);
    CHECK_MSG(strcmp(g_out, "\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.010000000149011612.\n"
                            "\nEpoch 3: ReduceLROnPlateau reducing learning rate to 0.005.\n") == 0,
              "got \"%s\"", g_out);
    brain_callback_free(cb);

    /* max mode on an accuracy, explicit min_delta 0 */
    brain_optimizer_set_learning_rate(opt, 1.0f);
    cb = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .monitor = "val_accuracy", .factor = 0.5f, .patience = 1,
                                                                 .min_delta = 0, .has_min_delta = true });
    CHECK(train_begin(cb, m) == 0);
    double acc[] = { 0.5, 0.50001, 0.50001, 0.4 };
    for (int e = 0; e < 4; e++) {
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "val_accuracy", acc[e]);
        CHECK(epoch_end(cb, m, e, &logs) == 0);
    }
    CHECK(brain_optimizer_get_learning_rate(opt) == 0.25f); /* cuts at epochs 2 and 3 */
    brain_callback_free(cb);

    /* monitor missing: learning_rate is still written, a warning, no cut */
    brain_optimizer_set_learning_rate(opt, 1.0f);
    cb = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .patience = 1 });
    capture_start();
    CHECK(train_begin(cb, m) == 0);
    for (int e = 0; e < 3; e++) {
        brain_logs logs = { 0 };
        brain_logs_set(&logs, "loss", 1.0);
        CHECK(epoch_end(cb, m, e, &logs) == 0);
        double lr;
        CHECK(brain_logs_get(&logs, "learning_rate", &lr) && lr == 1.0);
    }
    capture_stop();
    CHECK_MSG(strcmp(g_out, "Warning: Learning rate reduction is conditioned on metric `val_loss` which is not available. "
                            "Available metrics are: learning_rate,loss.\n") == 0, "got \"%s\"", g_out);
    CHECK(brain_optimizer_get_learning_rate(opt) == 1.0f);
    brain_callback_free(cb);

    /* factor >= 1 is refused; so is an uninferable monitor */
    brain_clear_error();
    CHECK(brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .factor = 1.5f }) == NULL);
    CHECK(strstr(brain_last_error(), "ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.5") != NULL);
    CHECK(brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .factor = 1.0f }) == NULL);
    CHECK(brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .monitor = "wobble" }) == NULL);
    CHECK(strstr(brain_last_error(), "cannot infer mode for monitor 'wobble'") != NULL);

    /* defaults: factor 0.1, patience 10, min_delta 1e-4 */
    brain_optimizer_set_learning_rate(opt, 0.1f);
    cb = brain_reduce_lr_on_plateau(NULL);
    CHECK(train_begin(cb, m) == 0);
    for (int e = 0; e < 10; e++) rlr_epoch(cb, m, e, 1.0);
    CHECK(brain_optimizer_get_learning_rate(opt) == 0.1f);
    rlr_epoch(cb, m, 10, 1.0);
    CHECK(brain_optimizer_get_learning_rate(opt) == (float)(0.10000000149011612 * 0.1));
    brain_callback_free(cb);
    brain_model_free(m);
}

/* ------------------------------------------------------------------ CSVLogger */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static void csv_epoch(brain_callback *cb, int e, double loss, double acc, bool val)
{
    brain_logs logs = { 0 };
    brain_logs_set(&logs, "loss", loss);
    brain_logs_set(&logs, "accuracy", acc);
    if (val) {
        brain_logs_set(&logs, "val_loss", loss * 2);
        brain_logs_set(&logs, "val_accuracy", acc / 2);
    }
    CHECK(epoch_end(cb, NULL, e, &logs) == 0);
}

static void test_csv_logger(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/brain_test_csv_%d.csv", (int)getpid());
    remove(path);

    /* no val_ keys: val_<k> columns are added and filled with NA */
    brain_callback *cb = brain_csv_logger(path, NULL);
    CHECK(cb != NULL && cb->kind == BRAIN_CB_CSV_LOGGER);
    CHECK(train_begin(cb, NULL) == 0);
    csv_epoch(cb, 0, (double)0.6931471805599453f, 0.5, false);
    csv_epoch(cb, 1, 1e-5, 1.0, false);
    CHECK(train_end(cb, NULL) == 0);
    char *got = slurp(path);
    const char *want = "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
                       "0,0.5,0.6931471824645996,NA,NA\r\n"
                       "1,1.0,1e-05,NA,NA\r\n";
    CHECK_MSG(got && strcmp(got, want) == 0, "got \"%s\"", got ? got : "(none)");

    /* a second fit without append overwrites; val_ keys present: just the sorted keys */
    CHECK(train_begin(cb, NULL) == 0);
    csv_epoch(cb, 0, 0.25, (double)0.1f, true);
    csv_epoch(cb, 1, NAN, 0.75, true);
    CHECK(train_end(cb, NULL) == 0);
    got = slurp(path);
    want = "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
           "0,0.10000000149011612,0.25,0.05000000074505806,0.5\r\n"
           "1,0.75,nan,0.375,nan\r\n";
    CHECK_MSG(got && strcmp(got, want) == 0, "got \"%s\"", got ? got : "(none)");
    brain_callback_free(cb);

    /* append onto a non-empty file: no second header; epochs as given */
    cb = brain_csv_logger(path, &(brain_csv_logger_options){ .append = true });
    CHECK(train_begin(cb, NULL) == 0);
    csv_epoch(cb, 2, 0.125, 0.875, true);
    CHECK(train_end(cb, NULL) == 0);
    got = slurp(path);
    want = "epoch,accuracy,loss,val_accuracy,val_loss\r\n"
           "0,0.10000000149011612,0.25,0.05000000074505806,0.5\r\n"
           "1,0.75,nan,0.375,nan\r\n"
           "2,0.875,0.125,0.4375,0.25\r\n";
    CHECK_MSG(got && strcmp(got, want) == 0, "got \"%s\"", got ? got : "(none)");
    brain_callback_free(cb);

    /* append to a missing file: header written; separator ';'; a key appearing later is not a
     * column (keys are fixed at the first epoch) */
    remove(path);
    cb = brain_csv_logger(path, &(brain_csv_logger_options){ .append = true, .separator = ';' });
    CHECK(train_begin(cb, NULL) == 0);
    brain_logs logs = { 0 };
    brain_logs_set(&logs, "loss", 3.0);
    brain_logs_set(&logs, "val_loss", 100.0);
    CHECK(epoch_end(cb, NULL, 0, &logs) == 0);
    brain_logs_set(&logs, "learning_rate", 0.5);
    brain_logs_set(&logs, "loss", 2.5e16);
    CHECK(epoch_end(cb, NULL, 1, &logs) == 0);
    CHECK(train_end(cb, NULL) == 0);
    got = slurp(path);
    want = "epoch;loss;val_loss\r\n0;3.0;100.0\r\n1;2.5e+16;100.0\r\n";
    CHECK_MSG(got && strcmp(got, want) == 0, "got \"%s\"", got ? got : "(none)");
    brain_callback_free(cb);

    /* an empty existing file gets a header in append mode */
    FILE *f = fopen(path, "wb");
    if (f) fclose(f);
    cb = brain_csv_logger(path, &(brain_csv_logger_options){ .append = true });
    CHECK(train_begin(cb, NULL) == 0);
    brain_logs one = { 0 };
    brain_logs_set(&one, "loss", 0.5);
    CHECK(epoch_end(cb, NULL, 7, &one) == 0);
    /* freed without train_end: the file is closed by free */
    brain_callback_free(cb);
    got = slurp(path);
    CHECK_MSG(got && strcmp(got, "epoch,loss,val_loss\r\n7,0.5,NA\r\n") == 0, "got \"%s\"", got ? got : "(none)");
    remove(path);

    /* a file that cannot be opened: the hook asks to stop and the error says why */
    cb = brain_csv_logger("/nonexistent-dir-brain/x.csv", NULL);
    CHECK(cb != NULL);
    brain_clear_error();
    CHECK(train_begin(cb, NULL) != 0);
    CHECK(strstr(brain_last_error(), "CSVLogger cannot open '/nonexistent-dir-brain/x.csv'") != NULL);
    CHECK(epoch_end(cb, NULL, 0, &one) != 0);
    CHECK(train_end(cb, NULL) == 0);
    brain_callback_free(cb);
    CHECK(brain_csv_logger(NULL, NULL) == NULL);
    CHECK(brain_csv_logger("", NULL) == NULL);
}

/* ------------------------------------------------------------------ TerminateOnNaN, custom */
static void test_terminate_on_nan(void)
{
    brain_callback *cb = brain_terminate_on_nan();
    CHECK(cb != NULL && cb->kind == BRAIN_CB_TERMINATE_ON_NAN && cb->hooks.on_train_batch_end);
    brain_logs logs = { 0 };
    capture_start();
    CHECK(cb->hooks.on_train_batch_end(NULL, 0, &logs, cb->hooks.user) == 0); /* no loss */
    brain_logs_set(&logs, "loss", 0.5);
    CHECK(cb->hooks.on_train_batch_end(NULL, 1, &logs, cb->hooks.user) == 0);
    CHECK(g_out[0] == 0);
    brain_logs_set(&logs, "loss", NAN);
    CHECK(cb->hooks.on_train_batch_end(NULL, 3, &logs, cb->hooks.user) != 0);
    brain_logs_set(&logs, "loss", -INFINITY);
    CHECK(cb->hooks.on_train_batch_end(NULL, 12, &logs, cb->hooks.user) != 0);
    capture_stop();
    CHECK_MSG(strcmp(g_out, "Batch 3: Invalid loss, terminating training\nBatch 12: Invalid loss, terminating training\n") == 0,
              "got \"%s\"", g_out);
    brain_callback_free(cb);
}

typedef struct counts { int begin, end, epochs, batches, last_epoch; } counts;
static int c_begin(brain_model *m, const brain_logs *l, void *u) { (void)m; (void)l; ((counts *)u)->begin++; return 0; }
static int c_end(brain_model *m, const brain_logs *l, void *u) { (void)m; (void)l; ((counts *)u)->end++; return 0; }
static int c_epoch_end(brain_model *m, int e, brain_logs *l, void *u)
{
    (void)m; (void)l;
    counts *c = u;
    c->epochs++;
    c->last_epoch = e;
    return 0;
}
static int c_batch_end(brain_model *m, int b, const brain_logs *l, void *u) { (void)m; (void)b; (void)l; ((counts *)u)->batches++; return 0; }

static void test_custom(void)
{
    counts c = { 0 };
    brain_callback_hooks h = { .on_train_begin = c_begin, .on_epoch_end = c_epoch_end, .user = &c };
    brain_callback *cb = brain_callback_custom(&h);
    CHECK(cb != NULL && cb->kind == BRAIN_CB_CUSTOM);
    h.on_train_begin = NULL; /* the callback keeps its own copy */
    CHECK(cb->hooks.on_train_begin == c_begin && cb->hooks.user == &c && cb->hooks.on_train_end == NULL);
    CHECK(train_begin(cb, NULL) == 0 && c.begin == 1);
    brain_callback_free(cb);
    CHECK(brain_callback_custom(NULL) == NULL);
    brain_callback_free(NULL);
}

/* ------------------------------------------------------------------ through brain_fit */
static void test_fit(void)
{
    /* a learning rate too small to move float32 weights: the loss is flat, so EarlyStopping on
     * "loss" with patience 2 stops after epoch index 2 (3 epochs), ReduceLROnPlateau adds
     * learning_rate to the History, CSVLogger writes one row per epoch run. */
    brain_set_random_seed(7);
    brain_model *m = tiny_model(1e-30f);
    CHECK(m != NULL);
    if (!m) return;
    int64_t shape[2] = { 8, 2 }, yshape[2] = { 8, 1 };
    brain_tensor *x = brain_tensor_new(2, shape), *y = brain_tensor_new(2, yshape);
    for (int i = 0; i < 16; i++) x->data[i] = (float)(i % 5) - 2.0f;
    for (int i = 0; i < 8; i++) y->data[i] = (float)i;
    char path[64];
    snprintf(path, sizeof path, "/tmp/brain_test_fit_%d.csv", (int)getpid());
    counts c = { 0 };
    brain_callback *es = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "loss", .patience = 2,
                                                                              .restore_best_weights = true });
    brain_callback *rlr = brain_reduce_lr_on_plateau(&(brain_reduce_lr_options){ .monitor = "loss", .patience = 100 });
    brain_callback *csv = brain_csv_logger(path, NULL);
    brain_callback *cu = brain_callback_custom(&(brain_callback_hooks){
        .on_train_begin = c_begin, .on_train_end = c_end, .on_epoch_end = c_epoch_end,
        .on_train_batch_end = c_batch_end, .user = &c });
    brain_callback *list[] = { es, rlr, csv, cu, NULL };
    brain_history *h = NULL;
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 10, .batch_size = 4, .verbose = BRAIN_SILENT,
                                                       .shuffle = BRAIN_OFF, .callbacks = list }, &h));
    CHECK(brain_early_stopping_stopped_epoch(es) == 2);
    CHECK(brain_early_stopping_best_epoch(es) == 0);
    CHECK(c.begin == 1 && c.end == 1 && c.epochs == 3 && c.last_epoch == 2 && c.batches == 6);
    CHECK(h && brain_history_num_epochs(h) == 3);
    CHECK(h && brain_history_num_keys(h) == 2);
    int n = 0;
    const double *lr = h ? brain_history_get(h, "learning_rate", &n) : NULL;
    CHECK(lr && n == 3 && lr[0] == (double)1e-30f && lr[2] == (double)1e-30f);
    const double *loss = h ? brain_history_get(h, "loss", &n) : NULL;
    char *got = slurp(path);
    if (loss && got) {
        char want[512], r0[40], r1[40], r2[40], l[40];
        brain__repr_double(loss[0], r0, sizeof r0);
        brain__repr_double(loss[1], r1, sizeof r1);
        brain__repr_double(loss[2], r2, sizeof r2);
        brain__repr_double((double)1e-30f, l, sizeof l);
        snprintf(want, sizeof want,
                 "epoch,learning_rate,loss,val_learning_rate,val_loss\r\n0,%s,%s,NA,NA\r\n1,%s,%s,NA,NA\r\n2,%s,%s,NA,NA\r\n",
                 l, r0, l, r1, l, r2);
        CHECK_MSG(strcmp(got, want) == 0, "got \"%s\" want \"%s\"", got, want);
    } else {
        CHECK(loss && got);
    }
    remove(path);
    brain_history_free(h);
    brain_callback_free(es);
    brain_callback_free(rlr);
    brain_callback_free(csv);
    brain_callback_free(cu);
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model_free(m);
}

int main(void)
{
    test_monitor();
    test_es_patience();
    test_es_min_delta_and_mode();
    test_es_baseline_and_start();
    test_es_messages();
    test_es_restore();
    test_reduce_lr();
    test_csv_logger();
    test_terminate_on_nan();
    test_custom();
    test_fit();
    return check_summary("test_callbacks");
}
