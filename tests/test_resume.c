/* test_resume.c — training 10 epochs equals training 5, saving, loading in a new process and
 * training 5 more (initial_epoch = 5): the same weights, bit for bit.  Shuffling, dropout masks
 * and Adam's state all continue from the saved file.
 *
 * The program runs itself again ("continue <file>") for the second half, so the second half
 * shares nothing with the first but the .keras file. */
#include "brain.h"
#include "check.h"
#include "io_util.h"

static brain_model *make(void)
{
    brain_set_random_seed(2024);
    brain_model *m = brain_sequential("resume");
    brain_model_add(m, brain_input(BRAIN_SHAPE(6)));
    brain_model_add(m, brain_dense(16, &(brain_dense_options){ .activation = BRAIN_RELU }));
    brain_model_add(m, brain_dropout(0.3f, NULL));
    brain_model_add(m, brain_dense(3, &(brain_dense_options){ .activation = BRAIN_SOFTMAX }));
    brain_compile(m, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "categorical_crossentropy",
                                               .metric_names = (const char *[]){ "accuracy", NULL } });
    return m;
}

static brain_status train(brain_model *m, int initial, int epochs)
{
    brain_tensor *x, *y;
    io_data(50, 6, 3, &x, &y);
    brain_status s = brain_fit(m, x, y, &(brain_fit_options){ .epochs = epochs, .initial_epoch = initial, .batch_size = 8,
                                                              .validation_split = 0.2f, .verbose = BRAIN_SILENT }, NULL);
    brain_tensor_free(x);
    brain_tensor_free(y);
    return s;
}

int main(int argc, char **argv)
{
    brain_set_print_hook(NULL, NULL);
    if (argc == 3 && !strcmp(argv[1], "continue")) { /* the second process */
        brain_model *m = NULL;
        brain_status s = brain_load_model(argv[2], &m, NULL);
        if (!s) s = train(m, 5, 10);
        if (!s) s = brain_save(m, argv[2]);
        if (s) fprintf(stderr, "continue: %s\n", brain_last_error());
        brain_model_free(m);
        return s ? 3 : 0;
    }
    brain_model *full = make();
    CHECK_OK(train(full, 0, 10));

    brain_model *half = make();
    CHECK_OK(train(half, 0, 5));
    const char *p = io_path("resume.keras");
    CHECK_OK(brain_save(half, p));
    CHECK(io_run_self(argv[0], "continue", p, NULL) == 0);
    brain_model *resumed = NULL;
    CHECK_OK(brain_load_model(p, &resumed, NULL));
    if (resumed) {
        int64_t n = brain_model_count_params(full);
        float *a = malloc(sizeof(float) * n), *b = malloc(sizeof(float) * n);
        CHECK(n == brain_model_count_params(resumed));
        brain_model_get_weights(full, a, n);
        brain_model_get_weights(resumed, b, n);
        CHECK_MSG(!memcmp(a, b, sizeof(float) * n), "weights differ after resuming (first %g vs %g)", a[0], b[0]);
        CHECK(brain_optimizer_iterations(brain_model_optimizer(resumed)) == brain_optimizer_iterations(brain_model_optimizer(full)));
        /* the half-trained model really was different */
        brain_model_get_weights(half, b, n);
        CHECK(memcmp(a, b, sizeof(float) * n) != 0);
        free(a);
        free(b);
    }
    brain_model_free(full);
    brain_model_free(half);
    brain_model_free(resumed);
    return check_summary("test_resume");
}
