/* How the library picks its thread count (src/core/threads.c, docs/threads.md; issue 13):
 * brain_set_num_threads(n > 0) wins, else BRAIN_NUM_THREADS, else OMP_NUM_THREADS, else automatic;
 * automatic uses only the cores other processes leave free — checked here with a busy-looping
 * process on every CPU this process may use, after which the automatic count must be 1.
 * (Any count gives bitwise the same results: tests/test_thread_count.c.) */
#define _GNU_SOURCE
#include "brain.h"
#include "check.h"
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts)) {}
}

static int cpus(void)
{
    cpu_set_t m;
    return sched_getaffinity(0, sizeof m, &m) == 0 ? CPU_COUNT(&m) : 1;
}

/* the automatic policy, in a process where nothing set a count; returns the number of failures */
static int automatic_child(void)
{
    unsetenv("BRAIN_NUM_THREADS");
    unsetenv("OMP_NUM_THREADS");
    int n = brain_get_num_threads();
    const int c = cpus();
    CHECK_MSG(n >= 1 && n <= c, "automatic count %d outside 1..%d", n, c);
    if (c < 2) return check_failed;
    /* a busy loop on every CPU we may use: other processes keep them all busy */
    pid_t spin[256];
    int ns = c < 256 ? c : 256;
    for (int i = 0; i < ns; i++) {
        spin[i] = fork();
        if (spin[i] == 0) {
            for (volatile unsigned long k = 0;; k++) {}
        }
    }
    sleep_ms(150);
    brain_get_num_threads(); /* the interval starts (or is already running) */
    int seen = 0;
    for (int tries = 0; tries < 5 && seen != 1; tries++) { /* ≥ 100 ms per measurement */
        sleep_ms(250);
        seen = brain_get_num_threads();
    }
    for (int i = 0; i < ns; i++)
        if (spin[i] > 0) kill(spin[i], SIGKILL);
    for (int i = 0; i < ns; i++)
        if (spin[i] > 0) waitpid(spin[i], NULL, 0);
    CHECK_MSG(seen == 1, "with every one of %d CPUs busy in other processes the automatic count is %d, not 1", c, seen);
    /* after the busy processes: whatever the machine's load, the count stays within 1..cpus */
    sleep_ms(250);
    n = brain_get_num_threads();
    CHECK_MSG(n >= 1 && n <= c, "automatic count %d outside 1..%d", n, c);
    printf("automatic: %d of %d CPUs with all of them busy elsewhere, %d afterwards\n", seen, c, n);
    return check_failed;
}

int main(void)
{
    pid_t child = fork(); /* before anything reads the environment: a fresh process for the automatic case */
    if (child == 0) {
        const int failed = automatic_child();
        fflush(stdout);
        _exit(failed ? 1 : 0);
    }

    setenv("BRAIN_NUM_THREADS", "3", 1);
    const int env = brain_get_num_threads();
    const bool openmp = env != 1;
    CHECK_MSG(env == 3 || env == 1, "BRAIN_NUM_THREADS=3 gives %d", env);
    brain_set_num_threads(2);
    CHECK(brain_get_num_threads() == (openmp ? 2 : 1));
    brain_set_num_threads(0); /* back to the default: the environment's */
    CHECK(brain_get_num_threads() == (openmp ? 3 : 1));
    brain_set_num_threads(-5); /* negative reads as 0 */
    CHECK(brain_get_num_threads() == (openmp ? 3 : 1));

    int status = 0;
    CHECK(waitpid(child, &status, 0) == child);
    if (openmp) CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the automatic case failed (status %d)", status);
    return check_summary("test_thread_policy");
}
