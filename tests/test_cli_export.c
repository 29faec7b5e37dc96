/* test_cli_export.c — `brain export` (tools/cli/export.c, compiled in here): C and int8 export of
 * a saved model, ONNX (or the "not built with ONNX support" error), and exit code 2 with a
 * message for each kind of bad command line. */
#include "../tools/cli/args.c"
#include "../tools/cli/export.c"
#include "check.h"
#include <brain.h>
#include <sys/stat.h>

#ifndef BRAIN_EXPORT_TEST_DIR
#define BRAIN_EXPORT_TEST_DIR "/tmp/brain-export-test"
#endif
#define DIR BRAIN_EXPORT_TEST_DIR "/cli"

static int run(int argc, char **argv) { return cli_export(argc, argv); }
#define RUN(...) run((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), (char *[]){__VA_ARGS__})

static int exists(const char *p) { struct stat st; return stat(p, &st) == 0; }

int main(void)
{
    mkdir(BRAIN_EXPORT_TEST_DIR, 0777);
    mkdir(DIR, 0777);
    brain_set_random_seed(1);
    brain_model *m = brain_sequential("tiny");
    CHECK_OK(brain_model_add(m, brain_input(BRAIN_SHAPE(4))));
    CHECK_OK(brain_model_add(m, brain_dense(8, &(brain_dense_options){.activation = BRAIN_RELU})));
    CHECK_OK(brain_model_add(m, brain_dense(3, &(brain_dense_options){.activation = BRAIN_SOFTMAX})));
    CHECK_OK(brain_compile(m, &(brain_compile_options){.optimizer_name = "adam", .loss_name = "categorical_crossentropy"}));
    CHECK_OK(brain_save(m, DIR "/tiny.keras"));
    brain_tensor *cal = brain_tensor_new(2, (int64_t[]){16, 4});
    for (int64_t i = 0; i < cal->size; i++) cal->data[i] = (float)((i * 37) % 11) / 5.0f - 1.0f;
    CHECK_OK(brain_save_npy(DIR "/cal.npy", cal));
    brain_tensor_free(cal);
    brain_model_free(m);

    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR) == 0);
    CHECK(exists(DIR "/tiny.h") && exists(DIR "/tiny.c"));
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--name", "tiny_q", "--int8", "--calibrate", DIR "/cal.npy") == 0);
    CHECK(exists(DIR "/tiny_q.h") && exists(DIR "/tiny_q.c"));
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR "/made") == 0); /* a missing DIR is created */
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--name", "tiny_fx", "--int8", "--calibrate", DIR "/cal.npy", "--fixed-point") == 0);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--fixed-point") == 2);
    CHECK(exists(DIR "/made/tiny.c"));
    if (brain_onnx_available()) {
        CHECK(RUN("export", DIR "/tiny.keras", "--onnx", DIR "/tiny.onnx") == 0);
        CHECK(exists(DIR "/tiny.onnx"));
    } else {
        CHECK(RUN("export", DIR "/tiny.keras", "--onnx", DIR "/tiny.onnx") == 1);
        CHECK(strstr(brain_last_error(), "not built with ONNX support") != NULL);
    }
    /* runtime errors: 1 */
    CHECK(RUN("export", DIR "/missing.keras", "--c", DIR) == 1);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--int8", "--calibrate", DIR "/missing.npy") == 1);
    /* usage errors: 2 */
    CHECK(RUN("export") == 2);
    CHECK(RUN("export", DIR "/tiny.keras") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--c") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--bogus") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--int8") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--calibrate", DIR "/cal.npy") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--onnx", DIR "/x.onnx", "--int8", "--calibrate", DIR "/cal.npy") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "--c", DIR, "--int8", "--calibrate", DIR "/cal.csv") == 2);
    CHECK(RUN("export", DIR "/tiny.keras", "other.keras", "--c", DIR) == 2);
    CHECK(RUN("export", "--help") == 0);
    return check_summary("test_cli_export");
}
