/* dataset_npy.c — x (and y) from .npy files, memory-mapped: the file may be larger than memory.
 *
 * Opening reads only the header and checks the file holds exactly the bytes the header
 * declares (a shorter file is an error naming it, not a crash when a row past the end is
 * touched).  get_batch converts the batch's rows (in order, or in the epoch's shuffled order)
 * from the mapping into the batch's float32 storage.  Pages read count towards the process's
 * resident memory until handed back, and a fault on a file in the page cache may map a whole
 * large folio (up to 2 MB) around the row; so after reading, each row (shuffled) or the batch's
 * row range (in order) is handed back with madvise(MADV_DONTNEED) over its 2 MB-aligned span —
 * the pages stay in the kernel's page cache, and resident memory stays at a few MB whatever the
 * file size. */
#define _DEFAULT_SOURCE
#include "dataset.h"
#include "data_internal.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define RELEASE_ALIGN ((uintptr_t)2 << 20)

typedef struct npy_map {
    const uint8_t *map;
    size_t map_len;
    brain__npy_info h;
    int64_t row_elems, row_bytes;
} npy_map;

static brain_status map_open(const char *path, npy_map *m)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return brain__fail(BRAIN_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return brain__fail(BRAIN_ERR_IO, "'%s' is not a regular file", path);
    }
    uint8_t pre[4096];
    ssize_t got = pread(fd, pre, sizeof pre, 0);
    if (got < 0) { close(fd); return brain__fail(BRAIN_ERR_IO, "cannot read '%s': %s", path, strerror(errno)); }
    brain_status s = brain__npy_header(pre, (size_t)got, path, &m->h);
    if (s && (size_t)got == sizeof pre) {          /* a header longer than 4 KB: read it whole */
        size_t hl = pre[6] == 1 ? (size_t)(pre[8] | pre[9] << 8) + 10
                                : ((size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24) + 12;
        uint8_t *big = hl < ((size_t)16 << 20) ? malloc(hl) : NULL;
        if (big && pread(fd, big, hl, 0) == (ssize_t)hl) s = brain__npy_header(big, hl, path, &m->h);
        free(big);
    }
    if (s) { close(fd); return s; }
    char shape[200];
    brain__dims_str(m->h.ndim, m->h.shape, shape, sizeof shape);
    const uint64_t need = (uint64_t)m->h.count * (uint64_t)m->h.esize, have = (uint64_t)st.st_size - m->h.data_offset;
    if ((uint64_t)st.st_size < m->h.data_offset || need > have) {
        close(fd);
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the file is shorter than its header says: shape %s of '%s' needs %llu "
                           "bytes of data, the file holds %llu (was it cut while copying?)", path, shape, m->h.descr,
                           (unsigned long long)need, (unsigned long long)((uint64_t)st.st_size < m->h.data_offset ? 0 : have));
    }
    if (need < have) {
        close(fd);
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the header does not match the size: shape %s of '%s' is %llu bytes of "
                           "data, but the file holds %llu", path, shape, m->h.descr, (unsigned long long)need,
                           (unsigned long long)have);
    }
    m->map_len = (size_t)st.st_size;
    void *p = mmap(NULL, m->map_len, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) return brain__fail(BRAIN_ERR_IO, "cannot map '%s' into memory: %s", path, strerror(errno));
    madvise(p, m->map_len, MADV_RANDOM);
    m->map = p;
    m->row_elems = m->h.shape[0] ? m->h.count / m->h.shape[0] : 0;
    for (int i = 1; i < m->h.ndim && !m->h.shape[0]; i++) m->row_elems *= m->h.shape[i];
    m->row_bytes = m->row_elems * m->h.esize;
    return BRAIN_OK;
}

static void map_close(npy_map *m)
{
    if (m->map) munmap((void *)m->map, m->map_len);
    m->map = NULL;
}

static void map_read(const npy_map *m, int64_t row, float *dst)
{
    brain__npy_convert(m->h.type, m->map + m->h.data_offset + row * m->row_bytes, dst, m->row_elems);
}

/* Hands rows [r0, r1) back: their pages leave this process's resident set (they stay in the
 * page cache).  The range is widened to 2 MB boundaries, as a fault may have mapped a whole
 * large folio (up to 2 MB) of cached file around the row. */
static void map_release(const npy_map *m, int64_t r0, int64_t r1)
{
    const uintptr_t base = (uintptr_t)m->map, lo = base + m->h.data_offset + (size_t)(r0 * m->row_bytes),
                    hi = base + m->h.data_offset + (size_t)(r1 * m->row_bytes), end = base + m->map_len;
    uintptr_t a = lo & ~(uintptr_t)(RELEASE_ALIGN - 1), b = (hi + RELEASE_ALIGN - 1) & ~(uintptr_t)(RELEASE_ALIGN - 1);
    if (a < base) a = base;
    if (b > ((end + 4095) & ~(uintptr_t)4095)) b = (end + 4095) & ~(uintptr_t)4095;
    if (b > a) madvise((void *)a, b - a, MADV_DONTNEED);
}

typedef struct npy_ds {
    brain_dataset base;
    npy_map f[2];
    int n_files;
    bool shuffle;
    uint64_t seed;
    int64_t n, *perm;
} npy_ds;

static brain_status npy_get(brain_dataset *d, int64_t i, brain_batch *out)
{
    npy_ds *p = (npy_ds *)d;
    const int64_t bs = d->batch_size, b0 = i * bs, nb = p->n - b0 < bs ? p->n - b0 : bs;
    out->n_x = out->n_y = 0;
    for (int k = 0; k < p->n_files; k++) {
        npy_map *m = &p->f[k];
        int64_t shape[BRAIN_MAX_DIMS];
        memcpy(shape, m->h.shape, sizeof shape);
        shape[0] = nb;
        float *dst = k == 0 ? brain_batch_x(out, 0, m->h.ndim, shape) : brain_batch_y(out, 0, m->h.ndim, shape);
        if (!dst) return BRAIN_ERR_NOMEM;
        if (p->perm)
            for (int64_t r = 0; r < nb; r++) {
                map_read(m, p->perm[b0 + r], dst + r * m->row_elems);
                map_release(m, p->perm[b0 + r], p->perm[b0 + r] + 1);
            }
        else {
            for (int64_t r = 0; r < nb; r++) map_read(m, b0 + r, dst + r * m->row_elems);
            map_release(m, b0, b0 + nb);
        }
    }
    out->rows = nb;
    return BRAIN_OK;
}

static brain_status npy_reset(brain_dataset *d, int epoch, brain_rng *rng)
{
    npy_ds *p = (npy_ds *)d;
    if (!p->shuffle) return BRAIN_OK;
    brain_rng own;
    brain_rng_seed(&own, brain__mix_seed(p->seed, (uint64_t)epoch, 2));
    brain__permutation(&own, p->perm, p->n);
    return BRAIN_OK;
}

static void npy_destroy(brain_dataset *d)
{
    npy_ds *p = (npy_ds *)d;
    for (int k = 0; k < p->n_files; k++) map_close(&p->f[k]);
    free(p->perm);
}

static const brain_dataset_vt npy_vt = { "npy", npy_get, npy_reset, npy_destroy };

brain_dataset *brain_dataset_from_npy(const char *x_path, const char *y_path, const brain_dataset_file_options *opt)
{
    brain_dataset_file_options o = opt ? *opt : (brain_dataset_file_options){0};
    if (!x_path) { brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_npy: x_path is required"); return NULL; }
    if (o.batch_size < 0) { brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_npy: batch_size must be positive"); return NULL; }
    npy_ds *p = (npy_ds *)brain__dataset_new(&npy_vt, sizeof *p, NULL);
    if (!p) return NULL;
    const char *paths[2] = { x_path, y_path };
    for (int k = 0; k < (y_path ? 2 : 1); k++) {
        if (map_open(paths[k], &p->f[k])) { brain_dataset_free(&p->base); return NULL; }
        p->n_files = k + 1;
    }
    p->n = p->f[0].h.shape[0];
    if (y_path && p->f[1].h.shape[0] != p->n) {
        brain__fail(BRAIN_ERR_ARG, "brain_dataset_from_npy: '%s' has %lld rows but '%s' has %lld; they must match", x_path,
                    (long long)p->n, y_path, (long long)p->f[1].h.shape[0]);
        brain_dataset_free(&p->base);
        return NULL;
    }
    p->base.batch_size = o.batch_size ? o.batch_size : 32;
    p->base.num_rows = p->n;
    p->base.num_batches = (p->n + p->base.batch_size - 1) / p->base.batch_size;
    p->shuffle = o.shuffle == BRAIN_ON;
    p->seed = o.has_seed ? o.seed : brain__next_seed();
    if (p->shuffle) {
        p->perm = brain__alloc_array((size_t)p->n + 1, sizeof *p->perm);
        if (!p->perm) { brain_dataset_free(&p->base); return NULL; }
        npy_reset(&p->base, 0, NULL);
    }
    return &p->base;
}
