/* test_checkpoint.c — ModelCheckpoint: Keras's filepath templates, save_best_only with
 * monitor and mode, save_weights_only, save_freq in batches, and its messages. */
#include "brain.h"
#include "check.h"
#include "io_util.h"
#include <sys/stat.h>

static char printed[8192];
static void hook(const char *text, void *user)
{
    (void)user;
    strncat(printed, text, sizeof printed - strlen(printed) - 1);
}

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

static void test_templates(void)
{
    brain_logs logs = {0};
    brain_logs_set(&logs, "loss", 0.123456789);
    brain_logs_set(&logs, "val_loss", 0.98765);
    brain_logs_set(&logs, "accuracy", 0.5);
    char out[256];
    /* expected strings are Python's: "...".format(epoch=epoch + 1, **logs) */
    struct { const char *t; int epoch, batch; const char *want; } cases[] = {
        { "m-{epoch:02d}-{val_loss:.2f}.keras", 4, -1, "m-05-0.99.keras" },
        { "{epoch}", 0, -1, "1" },
        { "{epoch:03}", 8, -1, "009" },
        { "{loss}", 0, -1, "0.123456789" },
        { "{accuracy}", 0, -1, "0.5" },
        { "{loss:e}", 0, -1, "1.234568e-01" },
        { "{loss:.3g}|{val_loss:g}", 0, -1, "0.123|0.98765" },
        { "{loss:10.4f}|", 0, -1, "    0.1235|" },
        { "{loss:<10.2f}|", 0, -1, "0.12      |" },
        { "{epoch:*^7d}", 11, -1, "**12***" },
        { "{loss:+.1f}", 0, -1, "+0.1" },
        { "{epoch:.2f}", 2, -1, "3.00" },
        { "{loss:.1%}", 0, -1, "12.3%" },
        { "e{epoch}b{batch}", 1, 6, "e2b7" },
        { "{{epoch}}", 1, -1, "{epoch}" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        brain_status s = brain_format_filepath(cases[i].t, cases[i].epoch, cases[i].batch, &logs, out, sizeof out);
        CHECK_MSG(s == BRAIN_OK && !strcmp(out, cases[i].want), "%s -> \"%s\", want \"%s\" (%s)", cases[i].t, out,
                  cases[i].want, s ? brain_last_error() : "");
    }
    CHECK_FAILS(brain_format_filepath("{val_acc:.2f}", 0, -1, &logs, out, sizeof out), "val_acc");
    CHECK_FAILS(brain_format_filepath("{loss:d}", 0, -1, &logs, out, sizeof out), "loss");
    CHECK_FAILS(brain_format_filepath("{epoch", 0, -1, &logs, out, sizeof out), "Single '{'");
    CHECK_FAILS(brain_format_filepath("{batch}", 0, -1, &logs, out, sizeof out), "batch");
    CHECK(brain_model_checkpoint("w.h5", &(brain_model_checkpoint_options){ .save_weights_only = true }) == NULL &&
          strstr(brain_last_error(), ".weights.h5"));
    CHECK(brain_model_checkpoint("m.weights.h5", NULL) == NULL && strstr(brain_last_error(), ".keras"));
}

/* val_loss goes down, up, down, up: save_best_only keeps epochs 1 and 3 */
static int set_val(brain_model *m, int epoch, brain_logs *logs, void *user)
{
    static const double v[] = { 0.5, 0.7, 0.3, 0.4 };
    brain_logs_set(logs, "val_loss", v[epoch]);
    return 0;
}

static void test_fit(void)
{
    brain_set_random_seed(4);
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(3)));
    brain_model_add(m, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "sgd", .loss_name = "categorical_crossentropy" });
    brain_tensor *x, *y;
    io_data(20, 3, 2, &x, &y);
    char tmpl[256], tmpl2[256], tmpl3[256];
    snprintf(tmpl, sizeof tmpl, "%s/best/e{epoch:02d}-{val_loss:.2f}.keras", io_tmpdir());
    snprintf(tmpl2, sizeof tmpl2, "%s/w{epoch}.weights.h5", io_tmpdir());
    snprintf(tmpl3, sizeof tmpl3, "%s/b{epoch}-{batch}.weights.h5", io_tmpdir());
    brain_callback *cbs[] = {
        brain_callback_custom(&(brain_callback_hooks){ .on_epoch_end = set_val }),
        brain_model_checkpoint(tmpl, &(brain_model_checkpoint_options){ .save_best_only = true, .verbose = 1 }),
        brain_model_checkpoint(tmpl2, &(brain_model_checkpoint_options){ .save_weights_only = true }),
        brain_model_checkpoint(tmpl3, &(brain_model_checkpoint_options){ .save_weights_only = true, .save_freq = 2 }),
        NULL
    };
    printed[0] = 0;
    brain_set_print_hook(hook, NULL);
    CHECK_OK(brain_fit(m, x, y, &(brain_fit_options){ .epochs = 4, .batch_size = 8, .verbose = BRAIN_SILENT, .callbacks = cbs }, NULL));
    brain_set_print_hook(NULL, NULL);
    CHECK(exists(io_path("best/e01-0.50.keras")) && !exists(io_path("best/e02-0.70.keras")));
    CHECK(exists(io_path("best/e03-0.30.keras")) && !exists(io_path("best/e04-0.40.keras")));
    for (int e = 1; e <= 4; e++) {
        char n[64];
        snprintf(n, sizeof n, "w%d.weights.h5", e);
        CHECK(exists(io_path(n)));
    }
    /* 3 batches an epoch, every 2 batches: epoch 1 batch 2, epoch 2 batch 1 and 3, ... */
    CHECK(exists(io_path("b1-2.weights.h5")) && exists(io_path("b2-1.weights.h5")) && exists(io_path("b2-3.weights.h5")));
    CHECK(!exists(io_path("b1-1.weights.h5")));
    char want[1024];
    snprintf(want, sizeof want, "\nEpoch 1: val_loss improved from None to 0.50000, saving model to %s/best/e01-0.50.keras\n"
                                "\nEpoch 1: finished saving model to %s/best/e01-0.50.keras\n"
                                "\nEpoch 2: val_loss did not improve from 0.50000\n", io_tmpdir(), io_tmpdir());
    CHECK_MSG(!strncmp(printed, want, strlen(want)), "printed:\n%s", printed);
    /* the checkpoint of epoch 4 holds the final weights */
    brain_model *l = brain_sequential(NULL);
    brain_model_add(l, brain_input(BRAIN_SHAPE(3)));
    brain_model_add(l, brain_dense(2, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    CHECK_OK(brain_load_weights(l, io_path("w4.weights.h5")));
    CHECK(!memcmp(brain_model_params(l), brain_model_params(m), sizeof(float) * 8));
    brain_model *best = NULL;
    CHECK_OK(brain_load_model(io_path("best/e03-0.30.keras"), &best, NULL));
    CHECK(best && brain_optimizer_iterations(brain_model_optimizer(best)) == 9);
    for (int i = 0; cbs[i]; i++) brain_callback_free(cbs[i]);
    brain_model_free(best);
    brain_model_free(l);
    brain_model_free(m);
    brain_tensor_free(x);
    brain_tensor_free(y);
}

int main(void)
{
    brain_set_print_hook(NULL, NULL);
    test_templates();
    test_fit();
    return check_summary("test_checkpoint");
}
