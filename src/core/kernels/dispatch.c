/* dispatch.c — picks the hot kernels' instruction set once per process (kernels.h).
 *
 * x86-64: AVX-512 (F, VL, DQ, BW) with FMA, else AVX2 with FMA, else the baseline; the CPU and
 * the operating system must both support the registers (__builtin_cpu_supports checks both).
 * BRAIN_ISA=generic|avx2|avx512 in the environment asks for a lower set, for tests and for
 * comparing results; a set the CPU lacks, or an unknown name, is ignored.
 * The choice is made at the first call and published with an atomic store: threads racing
 * through the first call compute the same table, so the outcome is the same as a pthread_once. */
#include "kernels.h"
#include "../../internal.h"
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static bool cpu_has(const char *isa)
{
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (!strcmp(isa, "avx512"))
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("fma");
    if (!strcmp(isa, "avx2")) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return !strcmp(isa, "generic");
}

const brain__kernel_table *brain__kernels_for(const char *isa)
{
    const brain__kernel_table *t = NULL;
    if (!isa) return NULL;
    if (!strcmp(isa, "generic")) t = brain__kernels_generic;
    else if (!strcmp(isa, "avx2")) t = brain__kernels_avx2;
    else if (!strcmp(isa, "avx512")) t = brain__kernels_avx512;
    return t && cpu_has(isa) ? t : NULL;
}

static const brain__kernel_table *choose(void)
{
    static const char *const order[] = {"avx512", "avx2", "generic"}; /* best first */
    const char *want = getenv("BRAIN_ISA");
    int first = 0;
    if (want)
        for (int i = 0; i < 3; i++)
            if (!strcmp(want, order[i])) first = i;
    for (int i = first; i < 3; i++) {
        const brain__kernel_table *t = brain__kernels_for(order[i]);
        if (t) return t;
    }
    return brain__kernels_generic;
}

static _Atomic(const brain__kernel_table *) g_table;

const brain__kernel_table *brain__kernels(void)
{
    const brain__kernel_table *t = atomic_load_explicit(&g_table, memory_order_acquire);
    if (!t) {
        t = choose();
        atomic_store_explicit(&g_table, t, memory_order_release);
    }
    return t;
}

const char *brain_kernel_isa(void) { return brain__kernels()->isa; }
