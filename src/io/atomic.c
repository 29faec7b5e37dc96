/* atomic.c — a file is replaced whole or not at all.
 *
 * brain__write_file_atomic writes to "<dir>/.<name>.tmpXXXXXX" (mkstemp, same directory, so the
 * rename stays on one file system), flushes and fsyncs it, renames it over the target (atomic
 * on POSIX) and fsyncs the directory so that the rename itself survives a crash.  A process
 * killed at any point leaves either the old file or the new one, plus at worst a stray temp
 * file; never a half-written target.
 *
 * Stray temporaries are cleaned by the next save to the same path (remove_stale_temps): it
 * removes only entries of the target's directory named exactly ".<name>.tmp" + 6 letters or
 * digits (mkstemp's suffix), that are regular files of this user, last modified more than
 * BRAIN__STALE_TMP_S seconds ago, and on which it can take an exclusive flock without waiting.
 * A save holds that lock on its temporary from creation to rename, so a live save in another
 * thread or process (even one stalled longer than the age limit) is never touched; the age
 * limit covers file systems where flock is local to one machine. */
#define _DEFAULT_SOURCE /* flock */
#include "io/io.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BRAIN__STALE_TMP_S 120

/* ".<base>.tmp" followed by exactly six of mkstemp's letters and digits */
static bool is_own_temp(const char *entry, const char *base)
{
    size_t bl = strlen(base);
    if (entry[0] != '.' || strncmp(entry + 1, base, bl) || strncmp(entry + 1 + bl, ".tmp", 4)) return false;
    const char *x = entry + 1 + bl + 4;
    for (int i = 0; i < 6; i++)
        if (!((x[i] >= 'a' && x[i] <= 'z') || (x[i] >= 'A' && x[i] <= 'Z') || (x[i] >= '0' && x[i] <= '9'))) return false;
    return x[6] == 0;
}

/* Removes the stale temporaries an interrupted save to `base` in `dir` left (see above).
 * Best effort: a temporary it cannot inspect or lock stays. */
static void remove_stale_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    if (!d) return;
    const int dfd = dirfd(d);
    const time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!is_own_temp(e->d_name, base)) continue;
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
            now - st.st_mtime < BRAIN__STALE_TMP_S)
            continue;
        int fd = openat(dfd, e->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) continue;
        struct stat fst;
        if (!flock(fd, LOCK_EX | LOCK_NB) && !fstat(fd, &fst) && fst.st_ino == st.st_ino && fst.st_dev == st.st_dev)
            unlinkat(dfd, e->d_name, 0);
        close(fd); /* releases the lock */
    }
    closedir(d);
}

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
    remove_stale_temps(dir, path + dirlen);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        s = brain__fail(BRAIN_ERR_IO, "cannot create a temporary file next to '%s': %s", path, strerror(errno));
        goto out;
    }
    flock(fd, LOCK_EX); /* tells remove_stale_temps of other saves that this one is alive */
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
