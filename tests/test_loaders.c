/* test_loaders.c — IDX, .npy and .npz readers and the .npy writer.
 *
 * Good files come from NumPy (tools/gen_loader_fixtures.py → tests/data/); their values are
 * re-computed here.  Malformed files are written from C into a temporary directory: each must
 * give an error naming the file and the problem (these tests also run under ASan/UBSan); the
 * scratch folder is io_util.h's, removed at exit. */
#include "brain.h"
#include "check.h"
#include "io_util.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static void write_gz(const char *path, const void *data, size_t n)
{
    gzFile g = gzopen(path, "wb");
    gzwrite(g, data, (unsigned)n);
    gzclose(g);
}

static bool shape_is(const brain_tensor *t, int ndim, const int64_t *shape)
{
    if (!t || t->ndim != ndim) return false;
    for (int i = 0; i < ndim; i++) if (t->shape[i] != shape[i]) return false;
    return true;
}

/* ------------------------------------------------------------------ good .npy files */
static void test_npy_good(void)
{
    brain_tensor *t = NULL;
    CHECK_OK(brain_load_npy("tests/data/f4_2x3.npy", &t));
    CHECK(shape_is(t, 2, (int64_t[]){ 2, 3 }));
    for (int i = 0; t && i < 6; i++) CHECK(t->data[i] == i * 0.5f - 1.0f);
    brain_tensor_free(t);

    CHECK_OK(brain_load_npy("tests/data/f8_3.npy", &t));
    CHECK(shape_is(t, 1, (int64_t[]){ 3 }));
    if (t) { CHECK(t->data[0] == 1.5f); CHECK(t->data[1] == -2.25f); CHECK(t->data[2] == 1e10f); }
    brain_tensor_free(t);

    CHECK_OK(brain_load_npy("tests/data/u1_2x2x2.npy", &t));
    CHECK(shape_is(t, 3, (int64_t[]){ 2, 2, 2 }));
    for (int i = 0; t && i < 8; i++) CHECK(t->data[i] == (float)(i * 30));
    brain_tensor_free(t);

    CHECK_OK(brain_load_npy("tests/data/i4_4.npy", &t));
    CHECK(shape_is(t, 1, (int64_t[]){ 4 }));
    if (t) {
        CHECK(t->data[0] == -7.0f); CHECK(t->data[1] == 0.0f);
        CHECK(t->data[2] == 2147483647.0f); CHECK(t->data[3] == -2147483648.0f);
    }
    brain_tensor_free(t);

    CHECK_OK(brain_load_npy("tests/data/i8_2x2.npy", &t));
    CHECK(shape_is(t, 2, (int64_t[]){ 2, 2 }));
    if (t) {
        CHECK(t->data[0] == -1.0f); CHECK(t->data[1] == 1099511627776.0f);
        CHECK(t->data[2] == 3.0f); CHECK(t->data[3] == -9007199254740992.0f);
    }
    brain_tensor_free(t);

    const char *versions[] = { "tests/data/f4_v2.npy", "tests/data/f4_v3.npy" };
    for (int v = 0; v < 2; v++) {
        CHECK_OK(brain_load_npy(versions[v], &t));
        CHECK(shape_is(t, 1, (int64_t[]){ 5 }));
        for (int i = 0; t && i < 5; i++) CHECK(t->data[i] == (float)i);
        brain_tensor_free(t);
    }

    CHECK_OK(brain_load_npy("tests/data/f4_0x3.npy", &t));
    CHECK(shape_is(t, 2, (int64_t[]){ 0, 3 }));
    CHECK(t && t->size == 0);
    brain_tensor_free(t);
}

/* ------------------------------------------------------------------ .npy files that must be refused */
static void test_npy_refused(void)
{
    brain_tensor *t = (brain_tensor *)1;
    CHECK_FAILS(brain_load_npy("tests/data/f4_fortran.npy", &t), "Fortran order");
    CHECK(t == NULL);
    CHECK_FAILS(brain_load_npy("tests/data/f4_fortran.npy", &t), "tests/data/f4_fortran.npy");
    CHECK_FAILS(brain_load_npy("tests/data/f4_bigendian.npy", &t), "dtype '>f4' is big-endian");
    CHECK_FAILS(brain_load_npy("tests/data/f2.npy", &t), "dtype '<f2' is not supported");
    CHECK_FAILS(brain_load_npy("tests/data/scalar.npy", &t), "0-dimensional");
    CHECK_FAILS(brain_load_npy("tests/data/structured.npy", &t), "structured dtypes");
    CHECK_FAILS(brain_load_npy("tests/data/no_such_file.npy", &t), "cannot open 'tests/data/no_such_file.npy'");
    CHECK(t == NULL);
}

/* A .npy with the given header text (padded to 64 bytes as numpy does) and `data_len` bytes. */
static void write_npy(const char *name, int major, const char *header, size_t data_len)
{
    uint8_t buf[1024] = { 0x93, 'N', 'U', 'M', 'P', 'Y', (uint8_t)major, 0 };
    size_t pre = major == 1 ? 10 : 12, n = strlen(header);
    size_t hlen = ((pre + n + 1 + 63) / 64) * 64 - pre;
    buf[8] = (uint8_t)(hlen & 0xff);
    buf[9] = (uint8_t)(hlen >> 8);
    memcpy(buf + pre, header, n);
    memset(buf + pre + n, ' ', hlen - n - 1);
    buf[pre + hlen - 1] = '\n';
    for (size_t i = 0; i < data_len; i++) buf[pre + hlen + i] = (uint8_t)i;
    io_write_bytes(io_path(name), buf, pre + hlen + data_len);
}

static void test_npy_malformed(void)
{
    brain_tensor *t = NULL;
    const char *f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

    write_npy("ok.npy", 1, f4, 24);
    CHECK_OK(brain_load_npy(io_path("ok.npy"), &t));
    brain_tensor_free(t);

    write_npy("trunc.npy", 1, f4, 20);
    CHECK_FAILS(brain_load_npy(io_path("trunc.npy"), &t), "truncated data: shape (2, 3) of '<f4' needs 24 bytes, got 20");
    CHECK_FAILS(brain_load_npy(io_path("trunc.npy"), &t), "trunc.npy");
    CHECK(t == NULL);

    write_npy("long.npy", 1, f4, 28);
    CHECK_FAILS(brain_load_npy(io_path("long.npy"), &t),
                "the header does not match the size: shape (2, 3) of '<f4' is 24 bytes of data, but the file holds 28");

    write_npy("magic.npy", 1, f4, 24);
    uint8_t b[1024];
    size_t n = io_read_bytes(io_path("magic.npy"), b, sizeof b);
    b[5] = 'Z';
    io_write_bytes(io_path("magic.npy"), b, n);
    CHECK_FAILS(brain_load_npy(io_path("magic.npy"), &t), "wrong magic");

    /* the header length says more than the file holds */
    write_npy("hlen.npy", 1, f4, 0);
    n = io_read_bytes(io_path("hlen.npy"), b, sizeof b);
    b[8] = 0xff; b[9] = 0xff;
    io_write_bytes(io_path("hlen.npy"), b, n);
    CHECK_FAILS(brain_load_npy(io_path("hlen.npy"), &t), "truncated header: it declares 65535 bytes");
    io_write_bytes(io_path("short.npy"), b, 7);
    CHECK_FAILS(brain_load_npy(io_path("short.npy"), &t), "too short for a .npy file (7 bytes");

    write_npy("v4.npy", 4, f4, 24);
    CHECK_FAILS(brain_load_npy(io_path("v4.npy"), &t), "version 4.0 is not supported");

    /* absurd dims: a product that overflows int64, and one that fits but exceeds the file */
    write_npy("overflow.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", 16);
    CHECK_FAILS(brain_load_npy(io_path("overflow.npy"), &t), "overflows 64 bits");
    write_npy("bigdim.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", 4);
    CHECK_FAILS(brain_load_npy(io_path("bigdim.npy"), &t), "overflows 64 bits");
    write_npy("huge.npy", 2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16);
    CHECK_FAILS(brain_load_npy(io_path("huge.npy"), &t), "truncated data: shape (1000000, 1000000) of '<f8' needs 8000000000000 bytes, got 16");
    write_npy("rank9.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1, 1, 1, 1, 1, 1, 1), }", 4);
    CHECK_FAILS(brain_load_npy(io_path("rank9.npy"), &t), "more than 8 dimensions");

    /* header syntax */
    write_npy("nokey.npy", 1, "{'descr': '<f4', 'fortran_order': False, }", 4);
    CHECK_FAILS(brain_load_npy(io_path("nokey.npy"), &t), "lacks 'shape'");
    write_npy("extra.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4);
    CHECK_FAILS(brain_load_npy(io_path("extra.npy"), &t), "unexpected key 'x'");
    write_npy("neg.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 4);
    CHECK_FAILS(brain_load_npy(io_path("neg.npy"), &t), "not a whole number");
    write_npy("open.npy", 1, "{'descr': '<f4, 'fortran_order': False", 4);
    CHECK_FAILS(brain_load_npy(io_path("open.npy"), &t), "not a valid dict literal");
    write_npy("fo.npy", 1, "{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }", 4);
    CHECK_FAILS(brain_load_npy(io_path("fo.npy"), &t), "'fortran_order' is neither True nor False");
    CHECK(t == NULL);
}

static void test_npy_save(void)
{
    float v[6] = { 1, -2.5f, 3e-8f, 4, 5, 6 };
    brain_tensor *a = brain_tensor_from(v, 3, (int64_t[]){ 1, 2, 3 }), *b = NULL;
    CHECK_OK(brain_save_npy(io_path("saved.npy"), a));
    CHECK_OK(brain_load_npy(io_path("saved.npy"), &b));
    CHECK(shape_is(b, 3, (int64_t[]){ 1, 2, 3 }));
    CHECK(b && !memcmp(a->data, b->data, sizeof v));
    /* byte for byte what numpy.save writes for the same float32 array */
    uint8_t got[256];
    size_t n = io_read_bytes(io_path("saved.npy"), got, sizeof got);
    CHECK(n == 128 + sizeof v);
    const char *hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }";
    CHECK(n > 10 + strlen(hdr) && !memcmp(got + 10, hdr, strlen(hdr)) && got[127] == '\n' && got[8] == 118);
    brain_tensor_free(b);
    brain_tensor *one = brain_tensor_from(v, 1, (int64_t[]){ 6 });
    CHECK_OK(brain_save_npy(io_path("one.npy"), one));
    n = io_read_bytes(io_path("one.npy"), got, sizeof got);
    const char *hdr1 = "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }";
    CHECK(n == 128 + 6 * 4 && !memcmp(got + 10, hdr1, strlen(hdr1)));
    CHECK_FAILS(brain_save_npy("/nonexistent-dir/x.npy", a), "cannot write");
    brain_tensor_free(one);
    brain_tensor_free(a);
}

/* ------------------------------------------------------------------ .npz */
static void test_npz(void)
{
    const char *files[] = { "tests/data/stored.npz", "tests/data/deflated.npz" };
    for (int k = 0; k < 2; k++) {
        brain_tensor *x = NULL, *y = NULL;
        CHECK_OK(brain_load_npz(files[k], "x", &x));
        CHECK_OK(brain_load_npz(files[k], "y.npy", &y));
        CHECK(shape_is(x, 2, (int64_t[]){ 3, 4 }));
        CHECK(shape_is(y, 1, (int64_t[]){ 3 }));
        for (int i = 0; x && i < 12; i++) CHECK(x->data[i] == i / 4.0f);
        for (int i = 0; y && i < 3; i++) CHECK(y->data[i] == (float)i);
        brain_tensor_free(x);
        brain_tensor_free(y);
        brain_tensor *t = (brain_tensor *)1;
        CHECK_FAILS(brain_load_npz(files[k], "z", &t), "has no member 'z' (members: 'x.npy', 'y.npy')");
        CHECK(t == NULL);
    }
    brain_tensor *t = NULL;
    CHECK_FAILS(brain_load_npz("tests/data/bad_member.npz", "x", &t), "member 'x.npy': truncated data");
    CHECK_FAILS(brain_load_npz("tests/data/f4_2x3.npy", "x", &t), "is not a readable .npz (zip) archive");

    /* a cut archive, and a deflated member whose bytes are damaged */
    uint8_t b[2048];
    size_t n = io_read_bytes("tests/data/deflated.npz", b, sizeof b);
    io_write_bytes(io_path("cut.npz"), b, n / 2);
    CHECK_FAILS(brain_load_npz(io_path("cut.npz"), "x", &t), "is not a readable .npz (zip) archive");
    /* the first member's compressed data starts after its 30-byte local header and name */
    size_t name_len = (size_t)b[26] | (size_t)b[27] << 8, extra = (size_t)b[28] | (size_t)b[29] << 8;
    for (size_t i = 30 + name_len + extra + 4; i < 30 + name_len + extra + 20; i++) b[i] ^= 0x5a;
    io_write_bytes(io_path("damaged.npz"), b, n);
    CHECK_FAILS(brain_load_npz(io_path("damaged.npz"), "x", &t), "damaged.npz, member 'x.npy' cannot be read");
    CHECK_FAILS(brain_load_npz("tests/data/missing.npz", "x", &t), "cannot open");
    CHECK(t == NULL);
}

/* ------------------------------------------------------------------ IDX */
static void test_idx_good(void)
{
    const char *files[] = { "tests/data/u8_3x4x5.idx", "tests/data/u8_3x4x5.idx.gz" };
    for (int k = 0; k < 2; k++) {
        brain_tensor *t = NULL;
        CHECK_OK(brain_load_idx(files[k], &t));
        CHECK(shape_is(t, 3, (int64_t[]){ 3, 4, 5 }));
        for (int i = 0; t && i < 60; i++) CHECK(t->data[i] == (float)(i * 4 % 256));
        brain_tensor_free(t);
    }
    brain_tensor *t = NULL;
    CHECK_OK(brain_load_idx("tests/data/f4_3.idx", &t));
    CHECK(shape_is(t, 1, (int64_t[]){ 3 }));
    if (t) { CHECK(t->data[0] == -1.5f); CHECK(t->data[1] == 0.25f); CHECK(t->data[2] == 3e6f); }
    brain_tensor_free(t);
    CHECK_OK(brain_load_idx("tests/data/i2_2x2.idx", &t));
    CHECK(shape_is(t, 2, (int64_t[]){ 2, 2 }));
    if (t) { CHECK(t->data[0] == -300.f); CHECK(t->data[1] == 7.f); CHECK(t->data[2] == 32767.f); CHECK(t->data[3] == -32768.f); }
    brain_tensor_free(t);
}

/* An IDX file: magic 00 00 type rank, dims, then `data_len` bytes. */
static size_t make_idx(uint8_t *b, uint8_t type, int rank, const uint32_t *dims, size_t data_len)
{
    b[0] = 0; b[1] = 0; b[2] = type; b[3] = (uint8_t)rank;
    for (int i = 0; i < rank; i++) {
        b[4 + 4 * i] = (uint8_t)(dims[i] >> 24); b[5 + 4 * i] = (uint8_t)(dims[i] >> 16);
        b[6 + 4 * i] = (uint8_t)(dims[i] >> 8);  b[7 + 4 * i] = (uint8_t)dims[i];
    }
    size_t h = 4 + 4 * (size_t)rank;
    for (size_t i = 0; i < data_len; i++) b[h + i] = (uint8_t)(i * 7);
    return h + data_len;
}

static void test_idx_malformed(void)
{
    uint8_t b[4096];
    brain_tensor *t = (brain_tensor *)1;
    size_t n;

    n = make_idx(b, 0x08, 3, (uint32_t[]){ 2, 4, 4 }, 30);
    io_write_bytes(io_path("trunc.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("trunc.idx"), &t), "truncated data: shape (2, 4, 4) of uint8 needs 32 bytes after the 16-byte header, got 30");
    CHECK(t == NULL);
    CHECK_FAILS(brain_load_idx(io_path("trunc.idx"), &t), "trunc.idx");
    write_gz(io_path("trunc.idx.gz"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("trunc.idx.gz"), &t), "truncated data: shape (2, 4, 4) of uint8 needs 32 bytes after the header, the gzip stream holds 30");

    n = make_idx(b, 0x08, 1, (uint32_t[]){ 10 }, 12);
    io_write_bytes(io_path("long.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("long.idx"), &t), "the header does not match the size: shape (10,) of uint8 is 10 bytes of data, but the file holds 12");
    write_gz(io_path("long.idx.gz"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("long.idx.gz"), &t), "the gzip stream holds 2 more");

    n = make_idx(b, 0x08, 1, (uint32_t[]){ 4 }, 4);
    b[1] = 1;
    io_write_bytes(io_path("magic.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("magic.idx"), &t), "wrong magic number 00 01 08 01");
    b[1] = 0; b[2] = 0x0A;
    io_write_bytes(io_path("type.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("type.idx"), &t), "wrong magic number 00 00 0a 01");
    io_write_bytes(io_path("tiny.idx"), b, 3);
    CHECK_FAILS(brain_load_idx(io_path("tiny.idx"), &t), "too short for an IDX file (3 bytes");
    io_write_bytes(io_path("empty.idx"), b, 0);
    CHECK_FAILS(brain_load_idx(io_path("empty.idx"), &t), "too short for an IDX file (0 bytes");

    n = make_idx(b, 0x08, 0, NULL, 0);
    io_write_bytes(io_path("rank0.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("rank0.idx"), &t), "declares rank 0");
    n = make_idx(b, 0x08, 9, (uint32_t[]){ 1, 1, 1, 1, 1, 1, 1, 1, 1 }, 1);
    io_write_bytes(io_path("rank9.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("rank9.idx"), &t), "declares rank 9");
    n = make_idx(b, 0x08, 3, (uint32_t[]){ 1, 1, 1 }, 0);
    io_write_bytes(io_path("hdr.idx"), b, n - 2);
    CHECK_FAILS(brain_load_idx(io_path("hdr.idx"), &t), "truncated header: rank 3 needs 12 bytes of dimensions, got 10");

    /* absurd dims: overflowing int64, and fitting but far beyond the file (plain and gzip'd) */
    uint32_t big[8] = { 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu };
    n = make_idx(b, 0x0E, 8, big, 8);
    io_write_bytes(io_path("overflow.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("overflow.idx"), &t), "whose size overflows 64 bits");
    n = make_idx(b, 0x08, 3, (uint32_t[]){ 60000, 28, 28 }, 100);
    io_write_bytes(io_path("huge.idx"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("huge.idx"), &t), "truncated data: shape (60000, 28, 28) of uint8 needs 47040000 bytes");
    write_gz(io_path("huge.idx.gz"), b, n);
    CHECK_FAILS(brain_load_idx(io_path("huge.idx.gz"), &t), "more than a");
    n = make_idx(b, 0x08, 2, (uint32_t[]){ 0, 0xffffffffu }, 0);
    io_write_bytes(io_path("zero.idx"), b, n);
    t = NULL;
    CHECK_OK(brain_load_idx(io_path("zero.idx"), &t));
    CHECK(t && t->size == 0 && t->shape[1] == 0xffffffffu);
    brain_tensor_free(t);

    /* damaged gzip: a cut stream and flipped bytes */
    uint8_t gz[512];
    n = io_read_bytes("tests/data/u8_3x4x5.idx.gz", gz, sizeof gz);
    io_write_bytes(io_path("cut.idx.gz"), gz, n - 12);
    CHECK_FAILS(brain_load_idx(io_path("cut.idx.gz"), &t), "cut.idx.gz");
    io_write_bytes(io_path("notrailer.idx.gz"), gz, n - 8);
    CHECK_FAILS(brain_load_idx(io_path("notrailer.idx.gz"), &t), "the gzip stream is cut short");
    gz[n - 6] ^= 0xff;            /* the CRC in the trailer */
    io_write_bytes(io_path("crc.idx.gz"), gz, n);
    CHECK_FAILS(brain_load_idx(io_path("crc.idx.gz"), &t), "the gzip data is corrupt");
    CHECK_FAILS(brain_load_idx("tests/data/nothing.idx", &t), "cannot open 'tests/data/nothing.idx'");
    CHECK(t == NULL);
}

int main(void)
{
    test_npy_good();
    test_npy_refused();
    test_npy_malformed();
    test_npy_save();
    test_npz();
    test_idx_good();
    test_idx_malformed();
    return check_summary("test_loaders");
}
