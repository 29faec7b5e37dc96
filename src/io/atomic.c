/* atomic.c — a file is replaced whole or not at all.
 *
 * brain__write_file_atomic writes to "<dir>/.<name>.tmpXXXXXX" (mkstemp, same directory, so the
 * rename stays on one file system), flushes and fsyncs it, renames it over the target (atomic
 * on POSIX) and fsyncs the directory so that the rename itself survives a crash.  A process
 * killed at any point leaves either the old file or the new one, plus at worst a stray temp
 * file; never a half-written target. */
#include "io/io.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool brain__ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

brain_status brain__write_file_atomic(const char *path, const void *data, size_t n)
{
    size_t len = strlen(path);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    char *tmp = malloc(len + 16), *dir = malloc(dirlen + 2);
    if (!tmp || !dir) { free(tmp); free(dir); return brain__fail(BRAIN_ERR_NOMEM, "out of memory saving '%s'", path); }
    memcpy(tmp, path, dirlen);
    snprintf(tmp + dirlen, len + 16 - dirlen, ".%s.tmpXXXXXX", path + dirlen);
    if (dirlen) { memcpy(dir, path, dirlen); dir[dirlen] = 0; } else strcpy(dir, ".");
    brain_status s = BRAIN_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        s = brain__fail(BRAIN_ERR_IO, "cannot create a temporary file next to '%s': %s", path, strerror(errno));
        goto out;
    }
    fchmod(fd, 0644);
    const unsigned char *p = data;
    size_t left = n;
    while (left) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (!s && fsync(fd)) s = brain__fail(BRAIN_ERR_IO, "cannot flush '%s' to disk: %s", tmp, strerror(errno));
    if (close(fd) && !s) s = brain__fail(BRAIN_ERR_IO, "cannot close '%s': %s", tmp, strerror(errno));
    if (!s && rename(tmp, path)) s = brain__fail(BRAIN_ERR_IO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
    if (s) { unlink(tmp); goto out; }
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) { fsync(dfd); close(dfd); }
out:
    free(tmp);
    free(dir);
    return s;
}
