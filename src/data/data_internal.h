/* data_internal.h — helpers shared by the files of src/data/ (not part of the public API). */
#ifndef BRAIN_DATA_INTERNAL_H
#define BRAIN_DATA_INTERNAL_H

#include "internal.h"
#include <stdio.h>

/* NumPy's legacy RandomState: MT19937 seeded as np.random.RandomState(int) (init_genrand). */
typedef struct brain__np_rng {
    uint32_t key[624];
    int pos;
} brain__np_rng;
void brain__np_seed(brain__np_rng *r, uint32_t seed);
uint32_t brain__np_next_u32(brain__np_rng *r);
/* numpy's random_interval: a value in [0, max] by masked rejection. */
uint64_t brain__np_interval(brain__np_rng *r, uint64_t max);
/* RandomState.shuffle of a 1-d array (Fisher–Yates from the end). */
void brain__np_shuffle(brain__np_rng *r, int64_t *a, int64_t n);

/* The CSV reader on an open stream; `name` is used in messages.  (src/data/csv.c; the fuzz
 * target feeds it memory through fmemopen.) */
brain_status brain__read_csv_stream(FILE *f, const char *name, const brain_csv_options *opt, brain_table **out);

/* Hands the fitted classes (sorted, owned by the caller) over and empties the encoder. */
char **brain__label_encoder_release(brain_label_encoder *e, int *n_classes);

/* ------------------------------------------------------------------ array files (idx.c, npy.c, npz.c) */
/* IDX bytes, gzip'd or not, to a float32 tensor; `name` is used in messages. */
brain_status brain__idx_parse(const uint8_t *buf, size_t len, const char *name, brain_tensor **out);
/* .npy bytes to a float32 tensor; `name` is used in messages. */
brain_status brain__npy_parse(const uint8_t *buf, size_t len, const char *name, brain_tensor **out);
/* A .npy header (the bytes from the start of the file up to at least the header's end):
 * element type and size, shape, element count and where the data starts (npy.c). */
typedef struct brain__npy_info {
    int type, esize, ndim;
    int64_t shape[BRAIN_MAX_DIMS];
    int64_t count;
    size_t data_offset;
    char descr[32];
} brain__npy_info;
brain_status brain__npy_header(const uint8_t *buf, size_t len, const char *name, brain__npy_info *info);
/* n elements of the header's type at b, as float32 */
void brain__npy_convert(int type, const uint8_t *b, float *dst, int64_t n);
/* A .npz (zip) held in memory; what brain_load_npz does after reading the file. */
brain_status brain__npz_parse(const uint8_t *buf, size_t len, const char *name, const char *member,
                              brain_tensor **out);

/* ------------------------------------------------------------------ scalers.c */
typedef enum { SCALER_STANDARD, SCALER_MINMAX } brain__scaler_kind;
struct brain_scaler {
    brain__scaler_kind kind;
    double lo, hi;                  /* min-max feature_range */
    int64_t n_features;             /* 0 until fitted */
    int64_t n_samples_seen;
    double *mean, *var, *scale;     /* standard: mean_, var_, scale_ */
    double *data_min, *data_max, *mm_scale, *mm_min; /* min-max: data_min_, data_max_, scale_, min_ */
};

#endif
