/* npy.c — NumPy's .npy format (numpy/lib/format.py), read and written.
 *
 * Layout: "\x93NUMPY", major and minor version bytes, the header length (uint16 little-endian in
 * version 1, uint32 in versions 2 and 3), then the header: a Python dict literal such as
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 28, 28), }
 * padded with spaces to a newline (version 3 only allows UTF-8 in it), then the raw elements.
 *
 * Read: dtypes '<f4' float32, '<f8' float64, '|u1' uint8, '<i4' int32, '<i8' int64 ('=' means
 * native, little-endian here), C order, converted to a float32 tensor of the same shape.  The
 * data must be exactly as long as shape × itemsize.  A float64 value beyond float32's range is an
 * error (it would silently become inf); header strings may hold no control characters (a NUL
 * would hide junk after '<f4').  Everything else — another dtype, big-endian,
 * Fortran order, a structured dtype, a 0-d array, rank > BRAIN_MAX_DIMS, a shape whose size
 * overflows — is an error naming the file and the problem.
 * Write: float32, version 1, the header padded so that the data starts on a 64-byte boundary, as
 * numpy.save does.
 *
 * Elements are copied with memcpy as host values: the host must be little-endian.
 */
#include "data_internal.h"
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, ".npy data is read as little-endian host values");

typedef struct npy_header {
    char descr[32];
    int fortran;            /* -1 missing, 0, 1 */
    int ndim;               /* -1 missing */
    int64_t shape[BRAIN_MAX_DIMS];
} npy_header;

/* A tiny reader of the header's dict literal. */
typedef struct lit {
    const char *begin, *p, *end;
    const char *name;
} lit;

static void ws(lit *l)
{
    while (l->p < l->end && (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r')) l->p++;
}

static bool eat(lit *l, char c)
{
    ws(l);
    if (l->p < l->end && *l->p == c) { l->p++; return true; }
    return false;
}

static brain_status bad(const lit *l, const char *what)
{
    return brain__fail(BRAIN_ERR_FORMAT, "%s: the .npy header is not a valid dict literal: %s at character %td",
                       l->name, what, l->p - l->begin);
}

/* 'text' or "text" into buf */
static brain_status string(lit *l, char *buf, size_t cap)
{
    ws(l);
    if (l->p >= l->end || (*l->p != '\'' && *l->p != '"')) return bad(l, "expected a string");
    char q = *l->p++;
    size_t n = 0;
    while (l->p < l->end && *l->p != q) {
        if (n + 1 >= cap) return bad(l, "a string is too long");
        if ((unsigned char)*l->p < 0x20 || *l->p == 0x7f) return bad(l, "a string holds a control character (a NUL?)");
        buf[n++] = *l->p++;
    }
    if (l->p >= l->end) return bad(l, "a string is not closed");
    l->p++;
    buf[n] = 0;
    return BRAIN_OK;
}

static brain_status shape_tuple(lit *l, npy_header *h)
{
    if (!eat(l, '(')) return bad(l, "'shape' is not a tuple");
    h->ndim = 0;
    for (;;) {
        if (eat(l, ')')) return BRAIN_OK;
        ws(l);
        if (l->p >= l->end || *l->p < '0' || *l->p > '9') return bad(l, "a dimension of 'shape' is not a whole number");
        int64_t v = 0;
        while (l->p < l->end && *l->p >= '0' && *l->p <= '9') {
            int d = *l->p++ - '0';
            if (v > (INT64_MAX - d) / 10)
                return brain__fail(BRAIN_ERR_FORMAT, "%s: a dimension in the .npy header's 'shape' overflows 64 bits", l->name);
            v = v * 10 + d;
        }
        if (l->p < l->end && *l->p == 'L') l->p++;     /* Python 2's long suffix */
        if (h->ndim == BRAIN_MAX_DIMS)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: the array has more than %d dimensions (BRAIN_MAX_DIMS)",
                               l->name, BRAIN_MAX_DIMS);
        h->shape[h->ndim++] = v;
        if (!eat(l, ',')) {
            if (eat(l, ')')) return BRAIN_OK;
            return bad(l, "expected ',' or ')' in 'shape'");
        }
    }
}

static brain_status parse_header(lit *l, npy_header *h)
{
    h->descr[0] = 0;
    h->fortran = -1;
    h->ndim = -1;
    if (!eat(l, '{')) return bad(l, "it does not start with '{'");
    for (;;) {
        if (eat(l, '}')) break;
        char key[32];
        brain_status s = string(l, key, sizeof key);
        if (s) return s;
        if (!eat(l, ':')) return bad(l, "expected ':' after a key");
        if (!strcmp(key, "descr")) {
            ws(l);
            if (l->p < l->end && *l->p == '[')
                return brain__fail(BRAIN_ERR_FORMAT, "%s: structured dtypes (a list as 'descr') are not supported; "
                                   "save a plain numeric array", l->name);
            if ((s = string(l, h->descr, sizeof h->descr))) return s;
        } else if (!strcmp(key, "fortran_order")) {
            ws(l);
            size_t left = (size_t)(l->end - l->p);
            if (left >= 4 && !memcmp(l->p, "True", 4)) { h->fortran = 1; l->p += 4; }
            else if (left >= 5 && !memcmp(l->p, "False", 5)) { h->fortran = 0; l->p += 5; }
            else return bad(l, "'fortran_order' is neither True nor False");
        } else if (!strcmp(key, "shape")) {
            if ((s = shape_tuple(l, h))) return s;
        } else {
            return brain__fail(BRAIN_ERR_FORMAT, "%s: the .npy header has an unexpected key '%s' (only 'descr', "
                               "'fortran_order' and 'shape' belong there)", l->name, key);
        }
        if (!eat(l, ',')) {
            if (eat(l, '}')) break;
            return bad(l, "expected ',' or '}'");
        }
    }
    if (!h->descr[0] || h->fortran < 0 || h->ndim < 0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the .npy header lacks %s", l->name,
                           !h->descr[0] ? "'descr'" : h->fortran < 0 ? "'fortran_order'" : "'shape'");
    return BRAIN_OK;
}

enum { T_F4, T_F8, T_U1, T_I4, T_I8 };

/* '<f4' etc. to a type and item size */
static brain_status parse_descr(const char *name, const char *d, int *type, int *size)
{
    static const struct { const char *code; int type, size; } known[] = {
        { "f4", T_F4, 4 }, { "f8", T_F8, 8 }, { "u1", T_U1, 1 }, { "i4", T_I4, 4 }, { "i8", T_I8, 8 },
    };
    char order = d[0];
    const char *code = (order == '<' || order == '>' || order == '|' || order == '=') ? d + 1 : d;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        if (strcmp(code, known[i].code)) continue;
        if (order == '>' && known[i].size > 1)
            return brain__fail(BRAIN_ERR_FORMAT, "%s: dtype '%s' is big-endian, which is not supported; save it "
                               "little-endian (arr.astype('<%s'))", name, d, code);
        *type = known[i].type;
        *size = known[i].size;
        return BRAIN_OK;
    }
    return brain__fail(BRAIN_ERR_FORMAT, "%s: dtype '%s' is not supported (float32 '<f4', float64 '<f8', uint8 '|u1', "
                       "int32 '<i4' and int64 '<i8' are)", name, d);
}

/* Returns the index of the first float64 value that is finite but beyond float32's range (it
 * would become ±inf), -1 when every value fits.  NaN and ±Inf stay as they are (fit and predict
 * refuse them by default, docs/reliability.md). */
static int64_t convert(int type, const uint8_t *b, float *dst, int64_t n)
{
    switch (type) {
    case T_F4: memcpy(dst, b, (size_t)n * 4); break;
    case T_U1: for (int64_t i = 0; i < n; i++) dst[i] = (float)b[i]; break;
    case T_F8: {
        int64_t first = -1;
        for (int64_t i = 0; i < n; i++) {
            double v;
            memcpy(&v, b + 8 * i, 8);
            dst[i] = (float)v;
            if (first < 0 && fabs(v) > FLT_MAX && isfinite(v)) first = i;
        }
        return first;
    }
    case T_I4: for (int64_t i = 0; i < n; i++) { int32_t v; memcpy(&v, b + 4 * i, 4); dst[i] = (float)v; } break;
    default:   for (int64_t i = 0; i < n; i++) { int64_t v; memcpy(&v, b + 8 * i, 8); dst[i] = (float)v; } break;
    }
    return -1;
}

brain_status brain__npy_header(const uint8_t *buf, size_t len, const char *name, brain__npy_info *info)
{
    static const uint8_t magic[6] = { 0x93, 'N', 'U', 'M', 'P', 'Y' };
    if (len < 10)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: too short for a .npy file (%zu bytes; the preamble alone is 10)", name, len);
    if (memcmp(buf, magic, 6))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: wrong magic: a .npy file starts with \\x93NUMPY, this one with "
                           "%02x %02x %02x %02x %02x %02x", name, buf[0], buf[1], buf[2], buf[3], buf[4], buf[5]);
    int major = buf[6], minor = buf[7];
    size_t start, hlen;
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12) return brain__fail(BRAIN_ERR_FORMAT, "%s: too short for a version %d .npy preamble (%zu bytes)", name, major, len);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        start = 12;
    } else {
        return brain__fail(BRAIN_ERR_FORMAT, "%s: .npy format version %d.%d is not supported (1.0, 2.0 and 3.0 are)",
                           name, major, minor);
    }
    if (hlen > len - start)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: truncated header: it declares %zu bytes, the file holds %zu after the preamble",
                           name, hlen, len - start);
    npy_header h;
    lit l = { (const char *)buf + start, (const char *)buf + start, (const char *)buf + start + hlen, name };
    brain_status s = parse_header(&l, &h);
    if (s) return s;
    int type = 0, esize = 1;
    if ((s = parse_descr(name, h.descr, &type, &esize))) return s;
    if (h.fortran)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the array is in Fortran order (fortran_order: True), which is not "
                           "supported; save np.ascontiguousarray(arr)", name);
    if (h.ndim == 0)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the array is 0-dimensional (shape ()); a tensor needs at least one axis",
                           name);
    char shape[200];
    brain__dims_str(h.ndim, h.shape, shape, sizeof shape);
    bool has_zero = false;
    for (int i = 0; i < h.ndim; i++) has_zero |= h.shape[i] == 0;
    int64_t count = 1;
    for (int i = 0; i < h.ndim && !has_zero; i++) {
        if (count > INT64_MAX / esize / h.shape[i])
            return brain__fail(BRAIN_ERR_FORMAT, "%s: shape %s of '%s' has a size that overflows 64 bits", name, shape, h.descr);
        count *= h.shape[i];
    }
    if (has_zero) count = 0;
    info->type = type;
    info->esize = esize;
    info->ndim = h.ndim;
    memcpy(info->shape, h.shape, sizeof h.shape);
    info->count = count;
    info->data_offset = start + hlen;
    snprintf(info->descr, sizeof info->descr, "%s", h.descr);
    return BRAIN_OK;
}

/* Memory-mapped rows (dataset_npy.c): a float64 beyond float32's range becomes ±inf here, which
 * fit's per-batch finite check then reports (docs/reliability.md). */
void brain__npy_convert(int type, const uint8_t *b, float *dst, int64_t n) { (void)convert(type, b, dst, n); }

brain_status brain__npy_parse(const uint8_t *buf, size_t len, const char *name, brain_tensor **out)
{
    *out = NULL;
    brain__npy_info h;
    brain_status s = brain__npy_header(buf, len, name, &h);
    if (s) return s;
    char shape[200];
    brain__dims_str(h.ndim, h.shape, shape, sizeof shape);
    uint64_t need = (uint64_t)h.count * (uint64_t)h.esize, have = len - h.data_offset;
    if (need > have)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: truncated data: shape %s of '%s' needs %llu bytes, got %llu", name, shape,
                           h.descr, (unsigned long long)need, (unsigned long long)have);
    if (need < have)
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the header does not match the size: shape %s of '%s' is %llu bytes of "
                           "data, but the file holds %llu", name, shape, h.descr, (unsigned long long)need,
                           (unsigned long long)have);
    brain_tensor *t = brain_tensor_new(h.ndim, h.shape);
    if (!t) return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory for shape %s", name, shape);
    int64_t big = convert(h.type, buf + h.data_offset, t->data, h.count);
    if (big >= 0) {
        double v;
        memcpy(&v, buf + h.data_offset + 8 * big, 8);
        brain_tensor_free(t);
        return brain__fail(BRAIN_ERR_FORMAT, "%s: float64 element %lld is %g, beyond float32's range (±%g); brain computes "
                           "in float32, so rescale the data", name, (long long)big, v, (double)FLT_MAX);
    }
    *out = t;
    return BRAIN_OK;
}

brain_status brain_load_npy(const char *path, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!path || !out) return brain__fail(BRAIN_ERR_ARG, "brain_load_npy: path and out must not be NULL");
    uint8_t *buf;
    size_t len;
    brain_status s = brain__read_file(path, SIZE_MAX, &buf, &len);
    if (s) return s;
    s = brain__npy_parse(buf, len, path, out);
    free(buf);
    return s;
}

brain_status brain_save_npy(const char *path, const brain_tensor *t)
{
    if (!path || !t) return brain__fail(BRAIN_ERR_ARG, "brain_save_npy: path and tensor must not be NULL");
    char dict[512];
    int n = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int i = 0; i < t->ndim; i++)
        n += snprintf(dict + n, sizeof dict - (size_t)n, "%lld,%s", (long long)t->shape[i], i + 1 < t->ndim ? " " : "");
    if (t->ndim > 1) n--;                                   /* (2, 3) but (5,) */
    n += snprintf(dict + n, sizeof dict - (size_t)n, "), }");
    size_t total = 10 + (size_t)n + 1, padded = (total + 63) / 64 * 64;   /* + '\n', data 64-aligned */
    uint8_t pre[10 + 512 + 64];
    memcpy(pre, "\x93NUMPY\x01\x00", 8);
    size_t hlen = padded - 10;
    pre[8] = (uint8_t)(hlen & 0xff);
    pre[9] = (uint8_t)(hlen >> 8);
    memcpy(pre + 10, dict, (size_t)n);
    memset(pre + 10 + n, ' ', hlen - (size_t)n - 1);
    pre[padded - 1] = '\n';

    size_t plen = strlen(path);
    char *tmp = brain__alloc(plen + 5);
    if (!tmp) return BRAIN_ERR_NOMEM;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        brain_status s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
        free(tmp);
        return s;
    }
    bool ok = fwrite(pre, 1, padded, f) == padded && fwrite(t->data, sizeof(float), (size_t)t->size, f) == (size_t)t->size;
    ok = (fflush(f) == 0) & ok;
    ok = (fclose(f) == 0) & ok;
    if (!ok || rename(tmp, path)) {
        brain_status s = brain__fail(BRAIN_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return s;
    }
    free(tmp);
    return BRAIN_OK;
}
