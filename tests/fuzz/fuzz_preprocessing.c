/* fuzz_preprocessing.c — a libFuzzer target for brain_preprocessing.json (src/io/preprocessing.c),
 * the member of a .keras file that holds a model's scaler and class labels.
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -DBRAIN_SGEMM_PORTABLE \
 *     -Iinclude -Isrc -I/usr/include/hdf5/serial tests/fuzz/fuzz_preprocessing.c $(find src -name '*.c') \
 *     -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5 -lzip -lcjson -lz -lm -o build/fuzz_preprocessing
 *   build/fuzz_preprocessing -max_total_time=180 -max_len=4096 tests/fuzz/corpus_preprocessing
 *
 * The input is the member's text, applied to a small model.  Besides the sanitizers, the target
 * traps when a failure leaves no message or changes the model, or when an accepted scaler does
 * not transform a row to finite values, or its labels are not readable. */
#include "io/io.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static brain_model *model;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!model) {
        model = brain_sequential(NULL);
        brain_model_add(model, brain_input(BRAIN_SHAPE(3)));
        brain_model_add(model, brain_dense(1, NULL));
        if (brain_model_build(model)) __builtin_trap();
    }
    brain_model_set_scaler(model, NULL);
    brain_model_set_class_names(model, NULL, 0);
    brain_status s = brain__preprocessing_apply(model, (const char *)data, size, "fuzz.keras");
    if (s) {
        if (!brain_last_error()[0] || brain_model_scaler(model) || brain_model_num_class_names(model)) __builtin_trap();
        return 0;
    }
    const brain_scaler *sc = brain_model_scaler(model);
    if (sc) {
        int64_t p = brain_scaler_num_features(sc);
        if (p < 1 || p > 1000000000) __builtin_trap();
        if (p <= 4096) {
            brain_tensor *x = brain_tensor_new(2, (int64_t[]){ 1, p });
            if (!x) __builtin_trap();
            if (brain_scaler_transform(sc, x) == BRAIN_OK)
                for (int64_t j = 0; j < p; j++)
                    if (isnan(x->data[j])) __builtin_trap();
            brain_tensor_free(x);
        }
    }
    for (int i = 0; i < brain_model_num_class_names(model); i++)
        if (!brain_model_class_name(model, i)) __builtin_trap();
    /* and back to text: the writer accepts what the reader accepted */
    char *txt = brain__preprocessing_json(model);
    if ((sc || brain_model_num_class_names(model)) && !txt) __builtin_trap();
    free(txt);
    return 0;
}
