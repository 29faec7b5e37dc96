/* io_util.h — what the saving tests share: a scratch directory, a test model, zip rewriting,
 * and running this test program again as a separate process. */
#ifndef BRAIN_IO_UTIL_H
#define BRAIN_IO_UTIL_H
#include "brain.h"
#include <dirent.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zip.h>

extern char **environ;

static char io_dir_[96]; /* short, so that tests' own paths under it fit their buffers */
static pid_t io_dir_owner_;

/* Removes path and, for a folder, everything in it (not following links). */
static void io_rm_(const char *path)
{
    struct stat st;
    if (lstat(path, &st)) return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char sub[1024];
            if (snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub) io_rm_(sub);
        }
        if (d) closedir(d);
    }
    remove(path);
}

/* At exit the scratch directory goes, with all the test wrote there (only in the process that
 * made it: a forked child leaves it to its parent). */
static void io_tmpdir_remove_(void)
{
    if (io_dir_[0] && getpid() == io_dir_owner_) io_rm_(io_dir_);
}

/* A fresh directory under $TMPDIR (or /tmp) for this process, removed when it exits. */
static const char *io_tmpdir(void)
{
    if (!io_dir_[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(io_dir_, sizeof io_dir_, "%s/brain_io_XXXXXX", t && *t && strlen(t) < 64 ? t : "/tmp");
        if (!mkdtemp(io_dir_)) { perror("mkdtemp"); exit(2); }
        io_dir_owner_ = getpid();
        atexit(io_tmpdir_remove_);
    }
    return io_dir_;
}

static __attribute__((unused)) const char *io_path(const char *name)
{
    static char buf[64][512]; /* a ring: each test keeps few paths alive */
    static int k;
    char *p = buf[k++ & 63];
    if (snprintf(p, sizeof buf[0], "%s/%s", io_tmpdir(), name) >= (int)sizeof buf[0]) {
        fprintf(stderr, "io_path: %s/%s is too long\n", io_tmpdir(), name);
        exit(2);
    }
    return p;
}

/* Writes n bytes to path (a test fixture); exits the test on failure. */
static __attribute__((unused)) void io_write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, n, f) != n) { perror(path); exit(2); }
    fclose(f);
}

/* Reads at most cap bytes of path into buf; returns how many; exits the test on failure. */
static __attribute__((unused)) size_t io_read_bytes(const char *path, void *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

/* Runs argv0 with the given arguments; returns the exit status (or -1). */
static __attribute__((unused)) int io_run_self(const char *argv0, const char *a1, const char *a2, pid_t *pid_out)
{
    char *args[] = { (char *)argv0, (char *)a1, (char *)a2, NULL };
    pid_t pid;
    /* A cross build's tests run under an emulator (scripts/cross_aarch64.sh), which does not
     * follow execve into a foreign binary: the child is started through it too. */
    const char *emu = getenv("BRAIN_TEST_EMULATOR");
    char *emu_args[] = { (char *)emu, (char *)argv0, (char *)a1, (char *)a2, NULL };
    if (emu && *emu) {
        if (posix_spawnp(&pid, emu, NULL, NULL, emu_args, environ)) return -1;
    } else if (posix_spawn(&pid, argv0, NULL, NULL, args, environ))
        return -1;
    if (pid_out) { *pid_out = pid; return 0; }
    int st;
    if (waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Deterministic inputs in [-1, 1] and one-hot targets for n rows. */
static __attribute__((unused)) void io_data(int64_t n, int64_t d, int64_t k, brain_tensor **x, brain_tensor **y)
{
    *x = brain_tensor_new(2, (int64_t[]){ n, d });
    *y = brain_tensor_new(2, (int64_t[]){ n, k });
    uint64_t s = 12345;
    for (int64_t i = 0; i < n * d; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        (*x)->data[i] = (float)((double)(s >> 11) / 9007199254740992.0 * 2 - 1);
    }
    for (int64_t i = 0; i < n; i++) {
        double sum = 0;
        for (int64_t j = 0; j < d; j++) sum += (*x)->data[i * d + j] * (double)(j + 1);
        int64_t c = (int64_t)(fabs(sum) * 3) % k;
        for (int64_t j = 0; j < k; j++) (*y)->data[i * k + j] = j == c;
    }
}

/* Rewrites a zip: member `name` is replaced by `data` (or dropped when data is NULL). */
static __attribute__((unused)) int io_zip_replace(const char *src, const char *dst, const char *name, const char *data, size_t n)
{
    int err;
    zip_t *in = zip_open(src, ZIP_RDONLY, &err);
    zip_t *out = zip_open(dst, ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!in || !out) return -1;
    char *bufs[16] = {0};
    int nb = 0;
    for (zip_int64_t i = 0; i < zip_get_num_entries(in, 0) && nb < 15; i++) {
        const char *mn = zip_get_name(in, (zip_uint64_t)i, 0);
        zip_stat_t st;
        zip_stat_index(in, (zip_uint64_t)i, 0, &st);
        zip_source_t *s;
        if (!strcmp(mn, name)) {
            if (!data) continue;
            s = zip_source_buffer(out, data, n, 0);
        } else {
            char *b = malloc(st.size + 1);
            zip_file_t *f = zip_fopen_index(in, (zip_uint64_t)i, 0);
            zip_fread(f, b, st.size);
            zip_fclose(f);
            bufs[nb++] = b;
            s = zip_source_buffer(out, b, st.size, 0);
        }
        zip_file_add(out, mn, s, 0);
    }
    int r = zip_close(out);
    zip_discard(in);
    for (int i = 0; i < nb; i++) free(bufs[i]);
    return r;
}

/* A member of a zip as a NUL-terminated string (caller frees). */
static __attribute__((unused)) char *io_zip_read(const char *path, const char *name, size_t *n_out)
{
    int err;
    zip_t *z = zip_open(path, ZIP_RDONLY, &err);
    if (!z) return NULL;
    zip_stat_t st;
    char *b = NULL;
    if (zip_stat(z, name, 0, &st) == 0 && (b = malloc(st.size + 1))) {
        zip_file_t *f = zip_fopen(z, name, 0);
        zip_fread(f, b, st.size);
        zip_fclose(f);
        b[st.size] = 0;
        if (n_out) *n_out = st.size;
    }
    zip_discard(z);
    return b;
}
#endif
