/* alloc_count.h — counts every allocation in the process: the including program defines malloc,
 * calloc, realloc, posix_memalign, aligned_alloc, memalign and valloc itself (forwarding to
 * glibc's __libc_* entry points), so the library's, oneDNN's and libgomp's allocations all go
 * through g_allocs.  glibc only; include it once, in a program's main file
 * (tests/test_recurrent_threads.c, and bench/alloc_probe.h for the benches). */
#ifndef BRAIN_ALLOC_COUNT_H
#define BRAIN_ALLOC_COUNT_H
#include <stddef.h>
#include <stdint.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile uint64_t g_allocs;

void *malloc(size_t n) { g_allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { g_allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { g_allocs++; return __libc_realloc(p, n); }
void free(void *p) { __libc_free(p); }
void *memalign(size_t al, size_t n) { g_allocs++; return __libc_memalign(al, n); }
void *aligned_alloc(size_t al, size_t n) { g_allocs++; return __libc_memalign(al, n); }
void *valloc(size_t n) { g_allocs++; return __libc_memalign(4096, n); }
int posix_memalign(void **out, size_t al, size_t n)
{
    g_allocs++;
    void *p = __libc_memalign(al, n);
    if (!p) return 12; /* ENOMEM */
    *out = p;
    return 0;
}
#endif
