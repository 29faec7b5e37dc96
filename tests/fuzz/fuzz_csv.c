/* fuzz_csv.c — a libFuzzer target for the CSV reader (src/data/csv.c).
 *
 * Not built by CMake.  From the repository root, with clang:
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc tests/fuzz/fuzz_csv.c src/data/csv.c src/data/labels.c src/core/error.c src/core/tensor.c -lm -o build/fuzz_csv && build/fuzz_csv -max_total_time=180 -max_len=4096 tests/fuzz/corpus
 *
 * (docs/fuzzing.md says more.)  The first input byte picks the options (delimiter, target name,
 * a dropped column, and in its top 3 bits the mode: no header, runs of whitespace, the target by
 * index, no target); the rest is the file, read through fmemopen.  Besides the sanitizers, the
 * target checks the table it gets back and traps when an invariant does not hold. */
#include "data/data_internal.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    static const char delims[4] = { ',', ';', '\t', ' ' };
    static const char *const targets[4] = { "t", "a", "label", "" };
    const char *drop[] = { "id", NULL };
    uint8_t sel = data[0];
    brain_csv_options opt = { .target = targets[(sel >> 2) & 3], .delimiter = delims[sel & 3],
                              .drop = (sel & 16) ? drop : NULL };
    int mode = sel >> 5;
    opt.no_header = mode == 1 || mode == 3 || mode == 7;
    opt.delim_whitespace = mode == 2 || mode == 3 || mode == 6;
    if (mode == 1 || mode == 3 || mode == 4) {
        opt.target = NULL;
        opt.has_target_index = true;
        opt.target_index = (int64_t)((sel >> 2) & 3) - 2;   /* -2, -1, 0, 1 */
    }
    if (mode >= 5) { opt.target = NULL; opt.no_target = true; }
    data++, size--;
    /* fmemopen wants a buffer it may not modify when opened "r"; copy to keep it const-clean */
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    FILE *f = fmemopen(buf, size, "r");   /* glibc ≥ 2.22 accepts size 0 */
    if (!f) { free(buf); return 0; }

    brain_table *t = (brain_table *)(uintptr_t)1;
    brain_status s = brain__read_csv_stream(f, "fuzz.csv", &opt, &t);
    fclose(f);
    free(buf);
    if (s != BRAIN_OK) {
        if (t != NULL) __builtin_trap();                  /* out is NULL after a failure */
        const char *msg = brain_last_error();
        if (!msg[0] || strlen(msg) >= 1024) __builtin_trap();
        return 0;
    }
    if (!t || t->n_rows < 1 || t->n_features < 0 || (!t->target_name) != opt.no_target || (!t->y) != opt.no_target)
        __builtin_trap();
    for (int64_t i = 0; i < t->n_rows * t->n_features; i++)
        if (!isfinite(t->x[i])) __builtin_trap();
    for (int64_t i = 0; t->y && i < t->n_rows; i++) {
        if (!isfinite(t->y[i])) __builtin_trap();
        if (t->class_names && (t->y[i] < 0 || t->y[i] >= t->n_classes || t->y[i] != floorf(t->y[i]))) __builtin_trap();
    }
    for (int i = 1; i < t->n_classes; i++)
        if (strcmp(t->class_names[i - 1], t->class_names[i]) >= 0) __builtin_trap();   /* sorted, unique */
    for (int64_t j = 0; j < t->n_features; j++)
        if (!t->feature_names[j] || (t->target_name && !strcmp(t->feature_names[j], t->target_name))) __builtin_trap();
    brain_tensor *x = brain_table_x(t), *y = brain_table_y(t);
    if (!x || (!y) != opt.no_target || x->shape[0] != t->n_rows || (y && y->shape[0] != t->n_rows)) __builtin_trap();
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_table_free(t);
    return 0;
}
