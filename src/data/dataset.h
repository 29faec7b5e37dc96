/* dataset.h — the one interface every dataset implements (src/data/dataset*.c).
 *
 *   num_batches   batches per epoch (-1 endless)
 *   get_batch(i)  batch i of the current epoch into `out`
 *   reset(epoch)  start an epoch: sources draw their order, wrappers pass it on
 *
 * A dataset is a struct that starts with brain_dataset (its `up` is the wrapped dataset, owned).
 * `random_access`: get_batch may be called for any i in any order; otherwise the caller goes
 * 0, 1, 2, ... after each reset (a shuffle buffer, a regrouping).  `thread_safe`: get_batch may
 * run on several threads at once for different i (the parallel stage fetches outside its lock). */
#ifndef BRAIN_DATASET_H
#define BRAIN_DATASET_H

#include "internal.h"

typedef struct brain_dataset_vt {
    const char *name;
    brain_status (*get_batch)(brain_dataset *ds, int64_t i, brain_batch *out);
    /* rng: the consumer's generator (fit's: the model's) for sources told to use it; may be NULL */
    brain_status (*reset)(brain_dataset *ds, int epoch, brain_rng *rng);
    void (*destroy)(brain_dataset *ds);
} brain_dataset_vt;

struct brain_dataset {
    const brain_dataset_vt *vt;
    brain_dataset *up;              /* wrapped dataset (owned), NULL for a source */
    int64_t num_batches;            /* -1: endless */
    int64_t num_rows;               /* -1: not known */
    int batch_size;                 /* rows of every batch but maybe the last */
    bool random_access, thread_safe;
    char **class_names; int n_classes;
    const char *const *file_paths; int64_t n_files;   /* folder sources: their own list (not owned here) */
    bool data_checked;              /* rows already checked finite (fit's tensors): fit skips its per-batch check */
};

/* Allocates a dataset of `size` bytes (zeroed) with the vtable; NULL + error when out of memory. */
brain_dataset *brain__dataset_new(const brain_dataset_vt *vt, size_t size, brain_dataset *up);
/* reset with the consumer's generator (fit passes the model's) */
brain_status brain__dataset_reset(brain_dataset *ds, int epoch, brain_rng *rng);
/* The tensors of fit/evaluate as a dataset (fit.c's tensor entry points): views, with the
 * shuffle drawn from the generator reset passes when `use_reset_rng`. */
brain_dataset *brain__dataset_tensors(int n_x, const brain_tensor *xs, int n_y, const brain_tensor *ys,
                                      const float *sample_weight, int batch_size, bool shuffle);
/* Batch storage slots: x k -> k, y k -> MAX_IO + k, sample weights -> 2·MAX_IO. */
#define BRAIN__SW_SLOT (2 * BRAIN_DATASET_MAX_IO)
float *brain__batch_slot(brain_batch *b, int slot, int64_t n);
/* tensor t as a batch tensor in slot storage of full shape like `like` with `rows` rows */
float *brain__batch_shape(brain_batch *b, bool is_y, int k, const brain_tensor *like, int64_t rows);
/* Copy of src's row range [r0, r0+n) appended to dst at row dst_row (shapes alike). */
void brain__batch_copy_rows(brain_batch *dst, int64_t dst_row, const brain_batch *src, int64_t r0, int64_t n);
/* Makes dst's tensors owned copies shaped like src's with `rows` rows (storage reused). */
brain_status brain__batch_like(brain_batch *dst, const brain_batch *src, int64_t rows);
/* Text rows into the batch's own arena. */
brain_status brain__batch_set_texts(brain_batch *b, const char *const *texts, const size_t *lens, int64_t n);
/* splitmix64 mixing of (seed, a, b): per-epoch and per-batch seeds */
uint64_t brain__mix_seed(uint64_t seed, uint64_t a, uint64_t b);
/* Fisher–Yates of 0..n-1 with r, from the end (the order brain_fit always drew) */
void brain__permutation(brain_rng *r, int64_t *perm, int64_t n);

#endif
