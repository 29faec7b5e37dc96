/* rng.c — xoshiro256** seeded through splitmix64: fast, small state, reproducible. */
#include "internal.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void brain_rng_seed(brain_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t brain_rng_next(brain_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}

double brain_rng_uniform(brain_rng *r) { return (brain_rng_next(r) >> 11) * 0x1.0p-53; }

double brain_rng_normal(brain_rng *r)
{
    /* Box–Muller; u1 in (0, 1] so log is finite */
    double u1 = 1.0 - brain_rng_uniform(r), u2 = brain_rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

int64_t brain_rng_below(brain_rng *r, int64_t n)
{
    if (n <= 1) return 0;
    uint64_t un = (uint64_t)n, limit = UINT64_MAX - UINT64_MAX % un, x;
    do x = brain_rng_next(r); while (x >= limit);
    return (int64_t)(x % un);
}
