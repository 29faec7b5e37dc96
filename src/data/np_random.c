/* np_random.c — NumPy's legacy RandomState stream (MT19937), bit for bit, so that
 * brain_train_test_split reproduces scikit-learn's splits for a given random_state.
 *
 * np.random.RandomState(seed) with an integer seed calls mt19937_seed (Matsumoto and
 * Nishimura's init_genrand), not init_by_array; checked against NumPy 1.24:
 * RandomState(42).get_state()[1][:4] == [42, 3107752595, 1895908407, 3900362577]. */
#include "data_internal.h"

#define MT_N 624
#define MT_M 397

void brain__np_seed(brain__np_rng *r, uint32_t seed)
{
    r->key[0] = seed;
    for (int i = 1; i < MT_N; i++)
        r->key[i] = 1812433253u * (r->key[i - 1] ^ (r->key[i - 1] >> 30)) + (uint32_t)i;
    r->pos = MT_N;
}

static void mt_generate(brain__np_rng *r)
{
    static const uint32_t mag01[2] = { 0u, 0x9908b0dfu };
    uint32_t *k = r->key, y;
    int i;
    for (i = 0; i < MT_N - MT_M; i++) {
        y = (k[i] & 0x80000000u) | (k[i + 1] & 0x7fffffffu);
        k[i] = k[i + MT_M] ^ (y >> 1) ^ mag01[y & 1u];
    }
    for (; i < MT_N - 1; i++) {
        y = (k[i] & 0x80000000u) | (k[i + 1] & 0x7fffffffu);
        k[i] = k[i + (MT_M - MT_N)] ^ (y >> 1) ^ mag01[y & 1u];
    }
    y = (k[MT_N - 1] & 0x80000000u) | (k[0] & 0x7fffffffu);
    k[MT_N - 1] = k[MT_M - 1] ^ (y >> 1) ^ mag01[y & 1u];
    r->pos = 0;
}

uint32_t brain__np_next_u32(brain__np_rng *r)
{
    if (r->pos >= MT_N) mt_generate(r);
    uint32_t y = r->key[r->pos++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static uint64_t np_next_u64(brain__np_rng *r)
{
    /* MT19937's next_uint64 in NumPy: high word first */
    uint64_t hi = brain__np_next_u32(r);
    return (hi << 32) | brain__np_next_u32(r);
}

uint64_t brain__np_interval(brain__np_rng *r, uint64_t max)
{
    if (max == 0) return 0;
    uint64_t mask = max, v;
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
    mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
    if (max <= 0xffffffffu) {
        while ((v = (brain__np_next_u32(r) & mask)) > max) {}
    } else {
        while ((v = (np_next_u64(r) & mask)) > max) {}
    }
    return v;
}

void brain__np_shuffle(brain__np_rng *r, int64_t *a, int64_t n)
{
    for (int64_t i = n - 1; i >= 1; i--) {
        int64_t j = (int64_t)brain__np_interval(r, (uint64_t)i);
        int64_t t = a[j]; a[j] = a[i]; a[i] = t;
    }
}
