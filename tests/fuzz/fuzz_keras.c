/* fuzz_keras.c — a libFuzzer target for the model readers (src/io/): config.json, the .keras
 * zip, Keras 3 weights (.weights.h5 layout) and legacy .h5 files.
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -DBRAIN_SGEMM_PORTABLE \
 *     -Iinclude -Isrc -I/usr/include/hdf5/serial tests/fuzz/fuzz_keras.c $(find src -name '*.c') \
 *     -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lzip -lcjson -lz -lm -o build/fuzz_keras
 *   build/fuzz_keras -max_total_time=300 -max_len=70000 -timeout=10 build/fuzz_keras_corpus
 *
 * The first input byte picks the reader (mod 4); the rest is the file:
 *   0  config.json  → brain__model_from_config, then its compile_config
 *   1  a .keras zip → brain_load_model (through a temporary file)
 *   2  a legacy .h5 → brain_load_model (through a temporary file)
 *   3  an HDF5 weights image → brain__weights_from_h5_image into a fixed compiled model
 * Besides the sanitizers, the target traps when a failed call leaves no error message or
 * returns a model, or when a loaded model cannot predict and does not say why.  Reader 3 goes
 * through the sandbox as every load of a file does (src/io/legacy_sandbox.c). */
#include "io/io.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static brain_model *fixed;

static void check_model(brain_model *m)
{
    if (!m) __builtin_trap();
    brain_shape in = brain_model_input_shape(m);
    int64_t dims[BRAIN_MAX_DIMS] = { 2 };
    for (int i = 0; i < in.ndim; i++) dims[i + 1] = in.dims[i];
    if (brain__shape_size(&in) > (1 << 16)) return; /* valid, but too large to run here */
    brain_tensor *x = brain_tensor_new(in.ndim + 1, dims);
    brain_tensor *outs[BRAIN_MAX_IO] = {0};
    /* a loaded model may still refuse this input with a message (an Embedding fed by a layer
     * whose outputs are not ids): only a failure without one is a finding */
    brain_clear_error();
    if (x && brain_model_num_inputs(m) == 1 &&
        brain_predict_multi(m, 1, (const brain_tensor *const[]){ x }, &(brain_eval_options){ .verbose = BRAIN_SILENT }, outs) &&
        !brain_last_error()[0])
        __builtin_trap();
    for (int k = 0; k < BRAIN_MAX_IO; k++) brain_tensor_free(outs[k]);
    brain_tensor_free(x);
}

static void failed_cleanly(brain_status s, brain_model *m)
{
    if (s == BRAIN_OK) return;
    if (m) __builtin_trap();
    const char *msg = brain_last_error();
    if (!msg[0]) __builtin_trap();
}

static int via_file(const uint8_t *data, size_t size, const char *ext)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/fuzz_keras_%d%s", (int)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    brain_model *m = NULL;
    brain_clear_error();
    brain_status s = brain_load_model(path, &m, NULL);
    failed_cleanly(s, m);
    if (!s) check_model(m);
    brain_model_free(m);
    unlink(path);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    brain_set_print_hook(NULL, NULL);
    brain__legacy_sandbox_limits(2, 0); /* a looping legacy parse ends within 6 s, below -timeout */
#ifdef FUZZ_READER /* scripts/fuzz.sh builds one target per reader: the first byte is then ignored */
    int mode = FUZZ_READER;
#else
    int mode = data[0] & 3;
#endif
    data++, size--;
    if (mode == 0) {
        cJSON *cfg = cJSON_ParseWithLength((const char *)data, size);
        if (!cfg) return 0;
        brain_model *m = NULL;
        brain_clear_error();
        brain_status s = brain__model_from_config(cfg, "fuzz.json", &m);
        failed_cleanly(s, m);
        if (!s) {
            const cJSON *cc = cJSON_GetObjectItemCaseSensitive(cfg, "compile_config");
            if (cJSON_IsObject(cc) && brain__compile_from_config(m, cc, "fuzz.json") && !brain_last_error()[0]) __builtin_trap();
            check_model(m);
        }
        brain_model_free(m);
        cJSON_Delete(cfg);
        return 0;
    }
    if (mode == 1) return via_file(data, size, ".keras");
    if (mode == 2) return via_file(data, size, ".h5");
    if (!fixed) {
        brain_set_random_seed(1);
        fixed = brain_sequential("fixed");
        brain_model_add(fixed, brain_input(BRAIN_SHAPE(4)));
        brain_model_add(fixed, brain_dense(3, NULL));
        brain_model_add(fixed, brain_dropout(0.5f, NULL));
        brain_model_add(fixed, brain_dense(2, NULL));
        brain_compile(fixed, &(brain_compile_options){ .optimizer_name = "adam", .loss_name = "mse" });
    }
    brain_clear_error();
    brain_status s = brain__weights_from_h5_image_sandboxed(fixed, data, size, "fuzz.weights.h5", true);
    if (s && !brain_last_error()[0]) __builtin_trap();
    return 0;
}
