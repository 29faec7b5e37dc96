/* error.c — the error message, the print hook, allocation helpers, the global seed. */
#include "internal.h"
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Thread_local char g_error[1024];

const char *brain_last_error(void) { return g_error; }
void brain_clear_error(void) { g_error[0] = 0; }

brain_status brain__fail(brain_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_error, sizeof g_error, fmt, ap);
    va_end(ap);
    return code;
}

static void default_print(const char *text, void *user)
{
    (void)user;
    fputs(text, stdout);
    fflush(stdout);
}

static brain_print_fn g_print = default_print;
static void *g_print_user;

void brain_set_print_hook(brain_print_fn fn, void *user)
{
    g_print = fn ? fn : default_print;
    g_print_user = fn ? user : NULL;
}

void brain__print_raw(const char *text) { g_print(text, g_print_user); }

void brain__print(const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    g_print(buf, g_print_user);
}

void *brain__alloc(size_t bytes)
{
    void *p = calloc(1, bytes ? bytes : 1);
    if (!p) brain__fail(BRAIN_ERR_NOMEM, "out of memory allocating %zu bytes", bytes);
    return p;
}

void *brain__alloc_array(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        brain__fail(BRAIN_ERR_NOMEM, "an allocation of %zu × %zu bytes overflows", n, size);
        return NULL;
    }
    return brain__alloc(n * size);
}

char *brain__strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *p = brain__alloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

/* The seed stream is per thread (models built in separate threads never shift each other's
 * initial weights): brain_set_random_seed seeds the calling thread's stream, and becomes the
 * seed that threads which never called it start from. */
static _Atomic uint64_t g_default_seed = 0x5eedb7a1c0ffee11ULL;
static _Thread_local uint64_t t_seed, t_seed_counter;
static _Thread_local bool t_seeded;

void brain_set_random_seed(uint64_t seed)
{
    atomic_store(&g_default_seed, seed);
    t_seed = seed;
    t_seed_counter = 0;
    t_seeded = true;
}

uint64_t brain__next_seed(void)
{
    if (!t_seeded) {
        t_seed = atomic_load(&g_default_seed);
        t_seeded = true;
    }
    /* splitmix64 of (seed, counter): distinct, reproducible streams per model / split */
    uint64_t z = t_seed + 0x9E3779B97F4A7C15ULL * (++t_seed_counter);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double brain__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}
