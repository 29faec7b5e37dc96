/* fuzz_idx.c — a libFuzzer target for the IDX reader (src/data/idx.c), plain and gzip'd.
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tests/fuzz/fuzz_idx.c src/data/idx.c src/core/read_file.c src/core/error.c src/core/tensor.c -lz -lm -o build/fuzz_idx
 *   build/fuzz_idx -max_total_time=180 -max_len=4096 build/fuzz_corpus_idx tests/fuzz/corpus_idx
 *
 * The input is the file.  A tensor that comes back can hold no more elements than the input's
 * bytes (plain) or than deflate can expand them to (gzip: 1032:1). */
#include "data/data_internal.h"
#include "fuzz_array.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    brain_tensor *t = (brain_tensor *)(uintptr_t)1;
    brain_status s = brain__idx_parse(data, size, "fuzz.idx", &t);
    fuzz_check_array(s, t, 1032.0 * (double)size + 1024.0);
    return 0;
}
