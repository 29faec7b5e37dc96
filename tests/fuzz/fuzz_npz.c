/* fuzz_npz.c — a libFuzzer target for the .npz reader (src/data/npz.c, through libzip, then
 * src/data/npy.c).
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tests/fuzz/fuzz_npz.c src/data/npz.c src/data/npy.c src/data/read_file.c src/core/error.c src/core/tensor.c -lzip -lm -o build/fuzz_npz
 *   build/fuzz_npz -max_total_time=180 -max_len=4096 build/fuzz_corpus_npz tests/fuzz/corpus_npz
 *
 * The first input byte picks the member asked for ("x", "x.npy", "y", or ""); the rest is the
 * archive.  A tensor that comes back can hold no more elements than deflate can expand the
 * archive's bytes to. */
#include "data/data_internal.h"
#include "fuzz_array.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const members[4] = { "x", "x.npy", "y", "" };
    const char *member = members[data[0] & 3];
    brain_tensor *t = (brain_tensor *)(uintptr_t)1;
    brain_status s = brain__npz_parse(data + 1, size - 1, "fuzz.npz", member, &t);
    fuzz_check_array(s, t, 1032.0 * (double)size + 1024.0);
    return 0;
}
