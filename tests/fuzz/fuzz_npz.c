/* fuzz_npz.c — a libFuzzer target for the .npz reader (src/data/npz.c, through libzip, then
 * src/data/npy.c).
 *
 * Not built by CMake.  From the repository root, with clang (docs/fuzzing.md says more):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tests/fuzz/fuzz_npz.c src/data/npz.c src/data/npy.c src/core/read_file.c src/core/error.c src/core/tensor.c -lzip -lm -o build/fuzz_npz
 *   build/fuzz_npz -max_total_time=180 -max_len=4096 build/fuzz_corpus_npz tests/fuzz/corpus_npz
 *
 * The first input byte picks the member asked for ("x", "x.npy", "y", or "": bits 0-1) and what
 * the rest is (bits 2-3): 0 and 1, the archive itself; 2 and 3, the content of a member "x.npy"
 * that this target stores (2) or deflates (3) into a valid archive first — libzip is not
 * instrumented and checks CRCs, so mutated archives alone rarely reach the member's content.
 * A tensor that comes back can hold no more elements than deflate can expand the bytes to. */
#include "data/data_internal.h"
#include "fuzz_array.h"
#include <stdlib.h>
#include <zip.h>

/* a zip archive in memory holding `payload` as x.npy; NULL if libzip fails */
static uint8_t *make_archive(const uint8_t *payload, size_t n, bool deflate, size_t *len)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_error_fini(&ze);
    if (!src) return NULL;
    zip_source_keep(src);
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
    zip_source_t *member = za ? zip_source_buffer(za, payload, n, 0) : NULL;
    zip_int64_t idx = member ? zip_file_add(za, "x.npy", member, 0) : -1;
    if (idx < 0) {
        if (member) zip_source_free(member);
        if (za) zip_discard(za);
        zip_source_free(src);
        return NULL;
    }
    zip_set_file_compression(za, (zip_uint64_t)idx, deflate ? ZIP_CM_DEFLATE : ZIP_CM_STORE, 0);
    uint8_t *buf = NULL;
    if (zip_close(za) == 0 && zip_source_open(src) == 0) {
        zip_source_seek(src, 0, SEEK_END);
        zip_int64_t size = zip_source_tell(src);
        zip_source_seek(src, 0, SEEK_SET);
        buf = size > 0 ? malloc((size_t)size) : NULL;
        if (buf && zip_source_read(src, buf, (zip_uint64_t)size) != size) { free(buf); buf = NULL; }
        *len = (size_t)size;
        zip_source_close(src);
    } else {
        zip_discard(za);
    }
    zip_source_free(src);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char *const members[4] = { "x", "x.npy", "y", "" };
    const char *member = members[data[0] & 3];
    int mode = (data[0] >> 2) & 3;
    const uint8_t *archive = data + 1;
    size_t len = size - 1;
    uint8_t *made = NULL;
    if (mode >= 2) {
        made = make_archive(data + 1, size - 1, mode == 3, &len);
        if (!made) return 0;
        archive = made;
    }
    brain_tensor *t = (brain_tensor *)(uintptr_t)1;
    brain_status s = brain__npz_parse(archive, len, "fuzz.npz", member, &t);
    fuzz_check_array(s, t, 1032.0 * (double)len + 1024.0);
    free(made);
    return 0;
}
