/* idx.c — IDX files, the MNIST family's format (LeCun's), gzip'd or not.
 *
 * Layout: a 4-byte magic 00 00 T R (T: element type, R: rank), R big-endian uint32 dims, then
 * prod(dims) elements, big-endian, row-major.  T is 0x08 uint8, 0x09 int8, 0x0B int16,
 * 0x0C int32, 0x0D float32, 0x0E float64.  A file starting 1f 8b is a gzip stream of the same.
 *
 * The values are returned as they are (uint8 pixels stay 0..255) in a float32 tensor with the
 * file's dims.  The data must be exactly as long as the dims say: fewer bytes is a truncated
 * file, more is a header that lies.  A gzip stream is inflated piece by piece straight into the
 * tensor; before allocating, the declared size is checked against the most that deflate can
 * expand the file to (1032:1), so a tiny file cannot ask for gigabytes.
 */
#include "data_internal.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Bytes in, from memory or through zlib. */
typedef struct idx_src {
    const char *name;
    const uint8_t *p;      /* raw: the next byte; gzip: unused */
    size_t left;
    bool gz;
    bool gz_end;           /* the gzip stream has ended (trailer checked) */
    bool gz_dry;           /* the compressed input ran out before that */
    z_stream zs;
} idx_src;

/* Up to n bytes into dst; returns how many (fewer only at the end of the data).
 * A corrupt gzip stream sets *err. */
static size_t src_read(idx_src *s, uint8_t *dst, size_t n, brain_status *err)
{
    if (!s->gz) {
        size_t k = n < s->left ? n : s->left;
        memcpy(dst, s->p, k);
        s->p += k;
        s->left -= k;
        return k;
    }
    size_t got = 0;
    while (got < n && !s->gz_end && !s->gz_dry) {
        uInt chunk = (n - got) > (1u << 30) ? (1u << 30) : (uInt)(n - got);
        s->zs.next_out = dst + got;
        s->zs.avail_out = chunk;
        int r = inflate(&s->zs, Z_NO_FLUSH);
        got += chunk - s->zs.avail_out;
        if (r == Z_STREAM_END) s->gz_end = true;
        else if (r == Z_BUF_ERROR && s->zs.avail_in == 0) s->gz_dry = true;
        else if (r != Z_OK) {
            *err = brain__fail(BRAIN_ERR_FORMAT, "%s: the gzip data is corrupt (zlib: %s)", s->name,
                               s->zs.msg ? s->zs.msg : zError(r));
            return got;
        }
    }
    return got;
}

static const char *type_name(uint8_t t, int *size)
{
    switch (t) {
    case 0x08: *size = 1; return "uint8";
    case 0x09: *size = 1; return "int8";
    case 0x0B: *size = 2; return "int16";
    case 0x0C: *size = 4; return "int32";
    case 0x0D: *size = 4; return "float32";
    case 0x0E: *size = 8; return "float64";
    default: *size = 0; return NULL;
    }
}

/* Big-endian elements of type t to floats; the index of the first float64 that is finite but
 * beyond float32's range, or -1. */
static int64_t convert(uint8_t t, const uint8_t *b, float *dst, size_t n)
{
    int64_t big = -1;
    for (size_t i = 0; i < n; i++) {
        switch (t) {
        case 0x08: dst[i] = (float)b[i]; break;
        case 0x09: dst[i] = (float)(int8_t)b[i]; break;
        case 0x0B: dst[i] = (float)(int16_t)(uint16_t)((unsigned)b[2 * i] << 8 | b[2 * i + 1]); break;
        case 0x0C: case 0x0D: {
            const uint8_t *q = b + 4 * i;
            uint32_t u = (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3];
            if (t == 0x0C) dst[i] = (float)(int32_t)u;
            else memcpy(&dst[i], &u, 4);
            break;
        }
        default: {
            const uint8_t *q = b + 8 * i;
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) u = u << 8 | q[k];
            double d;
            memcpy(&d, &u, 8);
            dst[i] = (float)d;
            if (big < 0 && fabs(d) > FLT_MAX && isfinite(d)) big = (int64_t)i;
        }
        }
    }
    return big;
}

static brain_status parse(idx_src *s, size_t file_len, brain_tensor **out)
{
    brain_status err = BRAIN_OK;
    uint8_t magic[4];
    size_t got = src_read(s, magic, 4, &err);
    if (err) return err;
    if (got < 4)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: too short for an IDX file (%zu bytes; the magic number alone is 4)",
                           s->name, got);
    int esize;
    const char *tname = type_name(magic[2], &esize);
    if (magic[0] || magic[1] || !tname)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: wrong magic number %02x %02x %02x %02x: an IDX file starts 00 00, "
                           "then the type (08 uint8, 09 int8, 0b int16, 0c int32, 0d float32, 0e float64), then the rank",
                           s->name, magic[0], magic[1], magic[2], magic[3]);
    int rank = magic[3];
    if (rank < 1 || rank > BRAIN_MAX_DIMS)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the IDX header declares rank %d; 1 to %d (BRAIN_MAX_DIMS) are supported",
                           s->name, rank, BRAIN_MAX_DIMS);
    uint8_t hdr[4 * BRAIN_MAX_DIMS];
    got = src_read(s, hdr, 4 * (size_t)rank, &err);
    if (err) return err;
    if (got < 4 * (size_t)rank)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: truncated header: rank %d needs %d bytes of dimensions, got %zu",
                           s->name, rank, 4 * rank, got);
    int64_t dims[BRAIN_MAX_DIMS], count = 1;
    bool has_zero = false, overflow = false;
    for (int i = 0; i < rank; i++) {
        const uint8_t *q = hdr + 4 * i;
        dims[i] = (int64_t)((uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]);
        has_zero |= dims[i] == 0;
    }
    for (int i = 0; i < rank && !has_zero && !overflow; i++) {
        if (count > INT64_MAX / esize / dims[i]) overflow = true;
        else count *= dims[i];
    }
    if (has_zero) count = 0;
    char shape[160];
    brain__dims_str(rank, dims, shape, sizeof shape);
    if (overflow)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the IDX header declares shape %s of %s, whose size overflows 64 bits",
                           s->name, shape, tname);
    int64_t need = count * esize;
    size_t header = 4 + 4 * (size_t)rank;
    if (!s->gz && (uint64_t)need > s->left)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: truncated data: shape %s of %s needs %lld bytes after the %zu-byte header, "
                           "got %zu", s->name, shape, tname, (long long)need, header, s->left);
    if (!s->gz && (uint64_t)need < s->left)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the header does not match the size: shape %s of %s is %lld bytes of data, "
                           "but the file holds %zu", s->name, shape, tname, (long long)need, s->left);
    if (s->gz && (double)need > 1032.0 * (double)file_len + 1024.0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the header declares shape %s of %s (%lld bytes), more than a %zu-byte gzip "
                           "file can hold", s->name, shape, tname, (long long)need, file_len);

    brain_tensor *t = brain_tensor_new(rank, dims);
    if (!t) return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory for shape %s", s->name, shape);
    uint8_t chunk[1 << 15];                   /* a multiple of every element size */
    int64_t done = 0;
    while (done < need) {
        size_t want = (size_t)(need - done) < sizeof chunk ? (size_t)(need - done) : sizeof chunk;
        got = src_read(s, chunk, want, &err);
        if (err) { brain_tensor_free(t); return err; }
        int64_t big = convert(magic[2], chunk, t->data + done / esize, got / (size_t)esize);
        if (big >= 0) {
            brain_tensor_free(t);
            return brain__fail(BRAIN_ERR_FORMAT, "%s: float64 element %lld is beyond float32's range (±%g); brain "
                               "computes in float32, so rescale the data", s->name, (long long)(done / esize + big),
                               (double)FLT_MAX);
        }
        done += (int64_t)got;
        if (got < want) {
            brain_tensor_free(t);
            return brain__fail(BRAIN_ERR_FORMAT, "%s: truncated data: shape %s of %s needs %lld bytes after the header, "
                               "the gzip stream holds %lld", s->name, shape, tname, (long long)need, (long long)done);
        }
    }
    if (s->gz) {
        uint8_t extra[256];
        size_t more = 0, k;
        while ((k = src_read(s, extra, sizeof extra, &err)) > 0 && !err) more += k;
        if (!err && more)
            err = brain__fail(BRAIN_ERR_FORMAT, "%s: the header does not match the size: shape %s of %s is %lld bytes of "
                              "data, but the gzip stream holds %lld more", s->name, shape, tname, (long long)need,
                              (long long)more);
        if (!err && s->zs.avail_in)
            err = brain__fail(BRAIN_ERR_FORMAT, "%s: %u bytes follow the end of the gzip stream", s->name, s->zs.avail_in);
        if (!err && !s->gz_end)
            err = brain__fail(BRAIN_ERR_FORMAT, "%s: the gzip stream is cut short (its trailer is missing)", s->name);
        if (err) { brain_tensor_free(t); return err; }
    }
    *out = t;
    return BRAIN_OK;
}

brain_status brain__idx_parse(const uint8_t *buf, size_t len, const char *name, brain_tensor **out)
{
    *out = NULL;
    idx_src s = { .name = name, .p = buf, .left = len, .gz = len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b };
    if (!s.gz) return parse(&s, len, out);
    if (inflateInit2(&s.zs, 16 + MAX_WBITS) != Z_OK)
        return brain__fail(BRAIN_ERR_NOMEM, "%s: zlib could not start inflating", name);
    s.zs.next_in = (Bytef *)(uintptr_t)buf;
    s.zs.avail_in = len > UINT_MAX ? UINT_MAX : (uInt)len;
    brain_status st = len > UINT_MAX ? brain__fail(BRAIN_ERR_FORMAT, "%s: gzip files over 4 GiB are not supported", name)
                                     : parse(&s, len, out);
    inflateEnd(&s.zs);
    return st;
}

brain_status brain_load_idx(const char *path, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!path || !out) return brain__fail(BRAIN_ERR_ARG, "brain_load_idx: path and out must not be NULL");
    uint8_t *buf;
    size_t len;
    brain_status s = brain__read_file(path, SIZE_MAX, &buf, &len);
    if (s) return s;
    s = brain__idx_parse(buf, len, path, out);
    free(buf);
    return s;
}

/* An image file and its label file (the MNIST family's pairs), of any size: x keeps the image
 * file's dims (n, ...), y is (n,); the counts must agree and the labels must be one-dimensional. */
brain_status brain_load_idx_pair(const char *images, const char *labels, brain_tensor **x, brain_tensor **y)
{
    if (x) *x = NULL;
    if (y) *y = NULL;
    if (!images || !labels || !x || !y)
        return brain__fail(BRAIN_ERR_ARG, "brain_load_idx_pair: images, labels, x and y must not be NULL");
    brain_tensor *xi = NULL, *yi = NULL;
    brain_status s = brain_load_idx(images, &xi);
    if (!s) s = brain_load_idx(labels, &yi);
    if (!s && yi->ndim != 1)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: a label file holds one value per image (1 dimension), this one has %d "
                        "dimensions", labels, yi->ndim);
    if (!s && xi->shape[0] != yi->shape[0])
        s = brain__fail(BRAIN_ERR_FORMAT, "%s holds %lld images but %s holds %lld labels; the counts must agree",
                        images, (long long)xi->shape[0], labels, (long long)yi->shape[0]);
    if (s) {
        brain_tensor_free(xi);
        brain_tensor_free(yi);
        return s;
    }
    *x = xi;
    *y = yi;
    return BRAIN_OK;
}
