/* fuzz_npy.c — a libFuzzer target for the .npy reader (src/data/npy.c).
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tests/fuzz/fuzz_npy.c src/data/npy.c src/core/read_file.c src/core/error.c src/core/tensor.c -lm -o build/fuzz_npy
 *   build/fuzz_npy -max_total_time=180 -max_len=4096 build/fuzz_corpus_npy tests/fuzz/corpus_npy
 *
 * The input is the file.  A tensor that comes back can hold no more elements than the input has
 * bytes (the smallest dtype is one byte). */
#include "data/data_internal.h"
#include "fuzz_array.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    brain_tensor *t = (brain_tensor *)(uintptr_t)1;
    brain_status s = brain__npy_parse(data, size, "fuzz.npy", &t);
    fuzz_check_array(s, t, (double)size);
    return 0;
}
