/* legacy_sandbox.c — untrusted HDF5: legacy .h5 files and weights images (issue 16 item 10,
 * docs/reliability.md).
 *
 * libhdf5 1.10's reading of variable-length string attributes (the model_config, layer_names and
 * weight_names h5py writes) trusts the file's global heap: damaged files make it read out of
 * bounds, follow wild pointers or loop for ever (docs/fuzzing.md; reproducers in
 * tests/fuzz/crashes_hdf5/).  Its data structures cannot be validated from outside, so the whole
 * legacy parse runs in a short-lived child process:
 *
 *   parent: pipe, fork (holding the HDF5 lock, so the child's copy of HDF5 is idle)
 *   child:  one thread; RLIMIT_AS = what is mapped + a budget (16 × the file + 512 MiB),
 *           RLIMIT_CPU and alarm() = the time limit (20 s CPU, 3× that of wall time); parse with
 *           brain__load_legacy_h5 (or load the weights into its copy of the model), then write
 *           back [status, message, payload]: a .keras image of the model (or the weights'
 *           HDF5 image) made by this library's own writer; _exit.
 *   parent: reads at most 2 GiB + header from the pipe, reaps the child, and turns a signal
 *           (SIGSEGV, SIGXCPU, SIGALRM, SIGKILL, ...) or a short message into an error naming
 *           the file; a payload goes through the .keras (or weights image) reader — fuzzed, and
 *           never reading an HDF5 attribute or variable-length datum — so even a child whose
 *           memory HDF5 corrupted can hand the parent nothing it does not validate.
 * Weights images (a .keras file's model.weights.h5, a .weights.h5 file) go the same way
 * (brain__weights_from_h5_image_sandboxed): the child loads them into its copy of the model and
 * sends back the image brain's writer makes of the result — the fuzzer found libhdf5 1.10
 * dereferencing NULL in H5G__stab_lookup on a damaged weights image too.
 * Costs one fork and a serialisation round trip per load (a few ms on the test models).
 * Loading a legacy file from a process where other threads run OpenMP regions is safe: the
 * child runs none. */
#include "io/io.h"
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int g_cpu_s = 20;
static size_t g_mem_budget; /* 0: from the file size */

void brain__legacy_sandbox_limits(int cpu_seconds, size_t memory_bytes)
{
    if (cpu_seconds > 0) g_cpu_s = cpu_seconds;
    if (memory_bytes > 0) g_mem_budget = memory_bytes;
}

#define MAX_PAYLOAD ((uint64_t)1 << 31)

typedef struct reply_head { int32_t status; uint32_t msg_len; uint64_t payload_len; } reply_head;

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

/* reads exactly n bytes; false at EOF or error */
static bool read_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n) {
        ssize_t r = read(fd, c, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        c += r;
        n -= (size_t)r;
    }
    return true;
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
static size_t mapped_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    if (f) {
        if (fscanf(f, "%lu", &pages) != 1) pages = 0;
        fclose(f);
    }
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

static void child_limits(const char *path, size_t image_n)
{
    struct stat st;
    size_t file = image_n ? image_n : stat(path, &st) == 0 && st.st_size > 0 ? (size_t)st.st_size : 0;
    size_t budget = g_mem_budget ? g_mem_budget : 16 * file + ((size_t)512 << 20);
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
    /* (the sanitizers reserve terabytes of shadow address space as they go: no RLIMIT_AS there) */
    struct rlimit as = {mapped_bytes() + budget, mapped_bytes() + budget};
    setrlimit(RLIMIT_AS, &as);
#else
    (void)budget;
#endif
    struct rlimit cpu = {(rlim_t)g_cpu_s, (rlim_t)g_cpu_s + 1};
    setrlimit(RLIMIT_CPU, &cpu);
    alarm((unsigned)(3 * g_cpu_s));
}

/* What the child parses: a legacy model file, a legacy file's weights into (a copy of) m, or an
 * HDF5 weights image (.keras member, .weights.h5) into (a copy of) m. */
typedef struct job { brain_model *m; const void *image; size_t n; bool with_optimizer; } job;

/* The child's side: never returns. */
static void child(int fd, const char *path, const job *j)
{
    brain_model *m = j->m;
    brain__h5_lock_in_child();
    /* a crash here is the parent's finding: the process's own crash handlers stay out of it */
    const int fatal[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGXCPU, SIGALRM};
    for (size_t i = 0; i < sizeof fatal / sizeof *fatal; i++) signal(fatal[i], SIG_DFL);
    brain_set_num_threads(1);
    child_limits(path, j->n);
    brain_status s;
    void *payload = NULL;
    size_t n = 0;
    if (!m) {
        brain_model *loaded = NULL;
        s = brain__load_legacy_h5(path, &loaded, true);
        if (!s) s = brain__keras_image(loaded, path, &payload, &n);
    } else {
        s = j->image ? brain__weights_from_h5_image(m, j->image, j->n, path, j->with_optimizer)
                     : brain__load_legacy_h5_weights(m, path);
        if (!s) s = brain__weights_to_h5_image(m, &payload, &n);
    }
    const char *msg = s ? brain_last_error() : "";
    reply_head h = {(int32_t)s, (uint32_t)strlen(msg), s ? 0 : (uint64_t)n};
    bool ok = write_all(fd, &h, sizeof h) && write_all(fd, msg, h.msg_len) && (!h.payload_len || write_all(fd, payload, n));
    _exit(ok ? 0 : 1);
}

/* Runs the parse in a child; on success *payload (malloc'ed) holds what it sent back. */
static brain_status run_child(const char *path, const job *j, unsigned char **payload, size_t *n)
{
    *payload = NULL;
    *n = 0;
    if (!j->image && access(path, R_OK)) return brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    int fds[2];
    if (pipe(fds)) return brain__fail(BRAIN_ERR_IO, "'%s': cannot make a pipe for the legacy .h5 reader: %s", path, strerror(errno));
    fflush(NULL);
    brain__h5_lock();
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], path, j);
    }
    brain__h5_unlock();
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return brain__fail(BRAIN_ERR_IO, "'%s': cannot start the legacy .h5 reader process: %s", path, strerror(errno));
    }
    reply_head h;
    char msg[1024] = "";
    brain_status s = BRAIN_OK;
    bool got = read_all(fds[0], &h, sizeof h);
    bool valid = got && h.status >= BRAIN_OK && h.status <= BRAIN_ERR_NUMERIC && h.msg_len < sizeof msg &&
                 h.payload_len <= MAX_PAYLOAD && (h.status == BRAIN_OK) == (h.payload_len > 0);
    if (valid && !read_all(fds[0], msg, h.msg_len)) valid = false;
    msg[valid ? h.msg_len : 0] = 0;
    if (valid && h.payload_len) {
        *payload = malloc((size_t)h.payload_len + 1);
        if (!*payload) s = brain__fail(BRAIN_ERR_NOMEM, "out of memory reading '%s'", path);
        else if (!read_all(fds[0], *payload, (size_t)h.payload_len)) valid = false;
        else *n = (size_t)h.payload_len;
    }
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    if (s) { free(*payload); *payload = NULL; return s; }
    if (WIFSIGNALED(st) || !valid) {
        free(*payload);
        *payload = NULL;
        *n = 0;
        const int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        if (sig == SIGXCPU || sig == SIGALRM || sig == SIGKILL)
            return brain__fail(BRAIN_ERR_FORMAT, "'%s': reading this HDF5 file did not finish within its limits "
                               "(%d s of CPU, %d s in all; a damaged file makes libhdf5 loop); it is refused", path, g_cpu_s,
                               3 * g_cpu_s);
        if (sig)
            return brain__fail(BRAIN_ERR_FORMAT, "'%s': libhdf5 crashed reading this HDF5 file (signal %d: %s); the file "
                               "is damaged and is refused (the crash was confined to a child process)", path, sig, strsignal(sig));
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': the HDF5 reader process ended without a valid answer (exit status "
                           "%d); the file is refused", path, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    }
    if (h.status) return brain__fail((brain_status)h.status, "%s", msg);
    return BRAIN_OK;
}

brain_status brain__load_legacy_h5_sandboxed(const char *path, brain_model **out, bool compile)
{
    unsigned char *image;
    size_t n;
    brain_status s = run_child(path, &(job){0}, &image, &n);
    if (s) return s;
    /* the child compiled the model from training_config when it could; the image carries that
     * compile_config, applied here only when asked */
    return brain__load_keras_image(image, n, path, out, compile);
}

brain_status brain__load_legacy_h5_weights_sandboxed(brain_model *m, const char *path)
{
    unsigned char *image;
    size_t n;
    brain_status s = run_child(path, &(job){.m = m}, &image, &n);
    if (s) return s;
    s = brain__weights_from_h5_image(m, image, n, path, false);
    free(image);
    return s;
}

brain_status brain__weights_from_h5_image_sandboxed(brain_model *m, const void *image, size_t n, const char *file,
                                                    bool with_optimizer)
{
    if (n < 8 || memcmp(image, "\211HDF\r\n\032\n", 8)) /* no child for what is not HDF5 at all */
        return brain__weights_from_h5_image(m, image, n, file, with_optimizer);
    unsigned char *clean;
    size_t cn;
    brain_status s = run_child(file, &(job){.m = m, .image = image, .n = n, .with_optimizer = with_optimizer}, &clean, &cn);
    if (s) return s;
    s = brain__weights_from_h5_image(m, clean, cn, file, with_optimizer);
    free(clean);
    return s;
}
