/* read_file.c — a whole regular file into memory, for the array loaders (IDX, .npy, .npz) and the
 * model files (.keras, .h5). */
#include "internal.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

brain_status brain__read_file(const char *path, size_t max, uint8_t **data, size_t *n)
{
    *data = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
        fclose(f);
        return brain__fail(BRAIN_ERR_IO, "'%s' is not a regular file", path);
    }
    if ((uint64_t)st.st_size > max) {
        fclose(f);
        return brain__fail(BRAIN_ERR_FORMAT, "'%s' is %lld bytes; more than the %zu this reader accepts", path,
                           (long long)st.st_size, max);
    }
    uint8_t *buf = malloc((size_t)st.st_size + 1);
    if (!buf) { fclose(f); return brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path); }
    size_t got = fread(buf, 1, (size_t)st.st_size, f);
    fclose(f);
    if (got != (size_t)st.st_size) {
        free(buf);
        return brain__fail(BRAIN_ERR_IO, "cannot read '%s' (got %zu of %lld bytes)", path, got, (long long)st.st_size);
    }
    buf[got] = 0;
    *data = buf;
    *n = got;
    return BRAIN_OK;
}
