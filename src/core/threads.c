/* threads.c — how many threads the library's kernels use (docs/threads.md).
 *
 * Fixed when someone said so, first match wins:
 *   brain_set_num_threads(n), n > 0            n threads
 *   BRAIN_NUM_THREADS=n in the environment      n threads (read once, at the first kernel call)
 *   OMP_NUM_THREADS in the environment          what OpenMP made of it (omp_get_max_threads)
 * Otherwise automatic (brain_set_num_threads(0), BRAIN_NUM_THREADS=0 or "auto", or nothing set):
 *   n = clamp(⌊cpus − others + 0.35⌋, 1, cpus), where cpus = the CPUs this process may run on (its
 *   affinity mask, at most its cgroup CPU quota rounded up) and
 *   others = how many of them other processes kept busy over the last ≥ 100 ms:
 *     others = (Δ busy time of those CPUs in /proc/stat − Δ this process's CPU time) / Δ wall time.
 *   Threads that wait at a fork/join for a core another process holds lose a whole time slice
 *   (issue 13: 2 threads 3.7× slower than 1 beside a busy process), so a kernel uses only the
 *   cores nobody else keeps busy.  The first call, before any interval exists, guesses from the
 *   instantaneous count of runnable tasks (/proc/loadavg's 4th field, less this thread).
 *   The measurement costs ~20 µs and runs at most every 100 ms, on whichever thread asks first.
 * Every thread count gives bitwise the same results (docs/reliability.md), so the count may change
 * from one call to the next.  Without /proc (not Linux) automatic means all of `cpus`. */
#define _GNU_SOURCE
#include "internal.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sched.h>
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef BRAIN_SGEMM_OPENBLAS
void openblas_set_num_threads(int num_threads);
#endif

enum { PERIOD_NS = 100000000 }; /* re-measure the other processes' load at most this often */

static _Atomic int g_set;             /* brain_set_num_threads: > 0 fixed, 0 none */
#ifdef _OPENMP /* without OpenMP there is one thread and nothing to choose */
static _Atomic int g_env = -1;        /* -1 not read; 0 automatic; > 0 fixed by the environment */
static _Atomic int g_auto;            /* the automatic count (0: not measured yet) */
static _Atomic long long g_next;      /* monotonic ns of the next measurement */
static atomic_flag g_measuring = ATOMIC_FLAG_INIT;
static long long g_busy_ns, g_self_ns, g_wall_ns; /* the last measurement (under g_measuring) */

static long long mono_ns(void)
{
    struct timespec ts;
#ifdef CLOCK_MONOTONIC_COARSE
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts); /* ~4 ms resolution, a few ns per call */
#else
    clock_gettime(CLOCK_MONOTONIC, &ts);
#endif
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#ifdef __linux__
/* A cgroup CPU quota in whole CPUs, rounded up (cgroup v2 cpu.max, else v1 cfs_quota/period);
 * 0 when there is none (containers started with --cpus=N have one). */
static int cgroup_cpus(void)
{
    long long quota = -1, period = 0;
    FILE *f = fopen("/sys/fs/cgroup/cpu.max", "r");
    if (f) {
        char q[32] = "";
        if (fscanf(f, "%31s %lld", q, &period) == 2 && strcmp(q, "max")) quota = atoll(q);
        fclose(f);
    } else if ((f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "r"))) {
        if (fscanf(f, "%lld", &quota) != 1) quota = -1;
        fclose(f);
        if ((f = fopen("/sys/fs/cgroup/cpu/cpu.cfs_period_us", "r"))) {
            if (fscanf(f, "%lld", &period) != 1) period = 0;
            fclose(f);
        }
    }
    return quota > 0 && period > 0 ? (int)((quota + period - 1) / period) : 0;
}
#endif

static _Atomic int g_cpus; /* max_threads(), once */

/* the CPUs of this process's affinity mask, at most its cgroup quota */
static int max_threads(void)
{
#ifdef _OPENMP
    int n = atomic_load_explicit(&g_cpus, memory_order_relaxed);
    if (n > 0) return n;
    n = omp_get_num_procs();
    if (n < 1) n = 1;
#ifdef __linux__
    const int q = cgroup_cpus();
    if (q > 0 && q < n) n = q;
#endif
    atomic_store(&g_cpus, n);
    return n;
#else
    return 1;
#endif
}

#ifdef __linux__
/* Busy time (user, nice, system, irq, softirq, steal) of the CPUs in this process's affinity mask
 * since boot, in ns; -1 when /proc/stat cannot be read. */
static long long busy_ns(void)
{
    cpu_set_t mask;
    const bool have_mask = sched_getaffinity(0, sizeof mask, &mask) == 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return -1;
    const long hz = sysconf(_SC_CLK_TCK);
    char line[512];
    long long ticks = 0;
    bool any = false;
    while (fgets(line, sizeof line, f)) {
        int cpu;
        unsigned long long u, n, s, idle, io, irq, sirq, steal = 0;
        if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9') continue;
        if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &u, &n, &s, &idle, &io, &irq, &sirq,
                   &steal) < 8)
            continue;
        if (have_mask && (cpu < 0 || cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &mask))) continue;
        ticks += (long long)(u + n + s + irq + sirq + steal);
        any = true;
    }
    fclose(f);
    return any && hz > 0 ? ticks * (1000000000LL / hz) : -1;
}

static long long self_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)) return -1;
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The first guess: runnable tasks right now (all of the machine's CPUs), less this thread. */
static int first_guess(int cpus)
{
    FILE *f = fopen("/proc/loadavg", "r");
    if (!f) return cpus;
    double l1, l5, l15;
    int running = 0, total = 0;
    const int got = fscanf(f, "%lf %lf %lf %d/%d", &l1, &l5, &l15, &running, &total);
    fclose(f);
    if (got != 5 || running < 1) return cpus;
    const int free_ = cpus - (running - 1);
    return free_ < 1 ? 1 : free_ > cpus ? cpus : free_;
}
#endif

/* Measures the automatic count again if it is due (one thread at a time; the others keep the last). */
static int automatic(void)
{
    const int cpus = max_threads();
    if (cpus == 1) return 1;
#ifdef __linux__
    const long long t = mono_ns();
    int n = atomic_load_explicit(&g_auto, memory_order_relaxed);
    if (n > 0 && t < atomic_load_explicit(&g_next, memory_order_relaxed)) return n;
    if (atomic_flag_test_and_set(&g_measuring)) return n > 0 ? n : cpus; /* another thread measures */
    if (atomic_load(&g_auto) <= 0 || t >= atomic_load(&g_next)) {
        struct timespec w;
        clock_gettime(CLOCK_MONOTONIC, &w);
        const long long wall = (long long)w.tv_sec * 1000000000LL + w.tv_nsec, busy = busy_ns(), self = self_ns();
        if (busy < 0 || self < 0) {
            n = cpus;
        } else if (g_wall_ns == 0) {
            n = first_guess(cpus);
        } else {
            const double others = ((double)(busy - g_busy_ns) - (double)(self - g_self_ns)) / (double)(wall - g_wall_ns);
            const double free_ = (double)cpus - (others > 0 ? others : 0);
            n = (int)(free_ + 0.35); /* a core counts as free when others use < 0.35 of it */
            if (n < 1) n = 1;
            if (n > cpus) n = cpus;
        }
        g_busy_ns = busy;
        g_self_ns = self;
        g_wall_ns = wall;
        atomic_store(&g_next, t + PERIOD_NS);
        atomic_store(&g_auto, n);
    } else {
        n = atomic_load(&g_auto);
    }
    atomic_flag_clear(&g_measuring);
    return n;
#else
    return cpus;
#endif
}

/* BRAIN_NUM_THREADS, then OMP_NUM_THREADS: > 0 fixed, 0 automatic */
static int from_environment(void)
{
    const char *s = getenv("BRAIN_NUM_THREADS");
    if (s && *s) {
        char *end;
        const long v = strtol(s, &end, 10);
        if (*end == '\0' && v >= 1 && v <= 4096) return (int)v;
        return 0; /* "0", "auto" or anything else: automatic */
    }
#ifdef _OPENMP
    s = getenv("OMP_NUM_THREADS");
    if (s && *s) return omp_get_max_threads();
#endif
    return 0;
}
#endif

void brain_set_num_threads(int n)
{
    if (n < 0) n = 0;
    g_set = n;
#ifdef _OPENMP
    omp_set_num_threads(n > 0 ? n : omp_get_num_procs());
#endif
#ifdef BRAIN_SGEMM_OPENBLAS
    openblas_set_num_threads(n); /* OpenBLAS reads n < 1 as "all cores" */
#endif
}

int brain__num_threads(void)
{
#ifdef _OPENMP
    const int n = atomic_load_explicit(&g_set, memory_order_relaxed);
    if (n > 0) return n;
    int e = atomic_load_explicit(&g_env, memory_order_relaxed);
    if (e < 0) {
        e = from_environment();
        atomic_store(&g_env, e);
    }
    return e > 0 ? e : automatic();
#else
    return 1;
#endif
}

int brain_get_num_threads(void) { return brain__num_threads(); }
