/* read_file.c — a whole file into memory, for the array loaders (IDX, .npy, .npz). */
#include "data_internal.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

brain_status brain__read_file(const char *path, uint8_t **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    if (!b) { fclose(f); return brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path); }
    for (;;) {
        if (n == cap) {
            uint8_t *g = cap <= SIZE_MAX / 2 ? realloc(b, cap * 2) : NULL;
            if (!g) { free(b); fclose(f); return brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s' (%zu bytes so far)", path, n); }
            b = g;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int err = ferror(f);
    fclose(f);
    if (err) { free(b); return brain__fail(BRAIN_ERR_IO, "error reading '%s' after %zu bytes", path, n); }
    *buf = b;
    *len = n;
    return BRAIN_OK;
}
