/* Hostile files (issue 16 items 5 and 8, docs/reliability.md): every reader refuses a header
 * that claims more data than the file holds before allocating it (the largest allocation made
 * while reading each file is measured here), values that do not fit float32, NULs hidden in an
 * .npy header, and a CSV with no feature column. */
#include "brain.h"
#include "check.h"
#include "io_util.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* ---- the largest single allocation (glibc; not under the sanitizers, which own malloc) */
#if !defined(__SANITIZE_ADDRESS__)
#define MEASURE_ALLOCS 1
extern void *__libc_malloc(size_t), *__libc_calloc(size_t, size_t), *__libc_realloc(void *, size_t);
static size_t g_max_alloc;
void *malloc(size_t n) { if (n > g_max_alloc) g_max_alloc = n; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { if (b && a > SIZE_MAX / b) return NULL; if (a * b > g_max_alloc) g_max_alloc = a * b; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { if (n > g_max_alloc) g_max_alloc = n; return __libc_realloc(p, n); }
#endif
/* No reader may ask for more than this for these files of a few hundred bytes. */
#define SMALL_ALLOC ((size_t)16 << 20)
static void alloc_reset(void)
{
#ifdef MEASURE_ALLOCS
    g_max_alloc = 0;
#endif
}
static bool alloc_small(void)
{
#ifdef MEASURE_ALLOCS
    if (g_max_alloc > SMALL_ALLOC) fprintf(stderr, "largest allocation %zu bytes\n", g_max_alloc);
    return g_max_alloc <= SMALL_ALLOC;
#else
    return true;
#endif
}

static void put16(uint8_t *p, unsigned v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

/* A one-member zip: `data` stored under `name` with method `method`, whose headers declare
 * `usize` uncompressed bytes (a lie when it is not len). */
static size_t make_zip(uint8_t *z, const char *name, const uint8_t *data, uint32_t len, uint32_t usize, int method)
{
    const size_t nl = strlen(name);
    const uint32_t crc = (uint32_t)crc32(0, data, len);
    uint8_t *p = z;
    put32(p, 0x04034b50); put16(p + 4, 20); put16(p + 6, 0); put16(p + 8, (unsigned)method); put32(p + 10, 0);
    put32(p + 14, crc); put32(p + 18, len); put32(p + 22, usize); put16(p + 26, (unsigned)nl); put16(p + 28, 0);
    memcpy(p + 30, name, nl);
    memcpy(p + 30 + nl, data, len);
    p += 30 + nl + len;
    const uint32_t cd = (uint32_t)(p - z);
    put32(p, 0x02014b50); put16(p + 4, 20); put16(p + 6, 20); put16(p + 8, 0); put16(p + 10, (unsigned)method);
    put32(p + 12, 0); put32(p + 16, crc); put32(p + 20, len); put32(p + 24, usize); put16(p + 28, (unsigned)nl);
    put16(p + 30, 0); put16(p + 32, 0); put16(p + 34, 0); put16(p + 36, 0); put32(p + 38, 0); put32(p + 42, 0);
    memcpy(p + 46, name, nl);
    p += 46 + nl;
    const uint32_t cdlen = (uint32_t)(p - z) - cd;
    put32(p, 0x06054b50); put16(p + 4, 0); put16(p + 6, 0); put16(p + 8, 1); put16(p + 10, 1);
    put32(p + 12, cdlen); put32(p + 16, cd); put16(p + 20, 0);
    p += 22;
    return (size_t)(p - z);
}

static size_t npy_bytes(uint8_t *buf, const char *header, const void *data, size_t data_len)
{
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    size_t n = strlen(header);
    size_t hlen = ((10 + n + 1 + 63) / 64) * 64 - 10;
    put16(buf + 8, (unsigned)hlen);
    memcpy(buf + 10, header, n);
    memset(buf + 10 + n, ' ', hlen - n - 1);
    buf[10 + hlen - 1] = '\n';
    memcpy(buf + 10 + hlen, data, data_len);
    return 10 + hlen + data_len;
}

static void test_npy(void)
{
    uint8_t b[512];
    brain_tensor *t = NULL;
    float f[3] = {1, 2, 3};
    /* a NUL (and junk) after '<f4' in the dtype string */
    char hdr[] = "{'descr': '<f4\0junk', 'fortran_order': False, 'shape': (3,), }";
    size_t hn = sizeof hdr - 1;
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    size_t hlen = ((10 + hn + 1 + 63) / 64) * 64 - 10;
    put16(b + 8, (unsigned)hlen);
    memcpy(b + 10, hdr, hn);
    memset(b + 10 + hn, ' ', hlen - hn - 1);
    b[10 + hlen - 1] = '\n';
    memcpy(b + 10 + hlen, f, sizeof f);
    io_write_bytes(io_path("nul.npy"), b, 10 + hlen + sizeof f);
    CHECK_FAILS(brain_load_npy(io_path("nul.npy"), &t), "a string holds a control character");
    CHECK(t == NULL);

    /* float64 beyond float32's range: refused, naming the element; the largest float64 that fits is kept */
    double d[4] = {1.0, -2.5, 1e300, 3.0};
    size_t n = npy_bytes(b, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", d, sizeof d);
    io_write_bytes(io_path("big.npy"), b, n);
    CHECK_FAILS(brain_load_npy(io_path("big.npy"), &t), "float64 element 2 is 1e+300, beyond float32's range");
    d[2] = -1e39;
    n = npy_bytes(b, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", d, sizeof d);
    io_write_bytes(io_path("big.npy"), b, n);
    CHECK_FAILS(brain_load_npy(io_path("big.npy"), &t), "float64 element 2 is -1e+39");
    d[2] = 3.4e38;
    n = npy_bytes(b, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", d, sizeof d);
    io_write_bytes(io_path("big.npy"), b, n);
    CHECK_OK(brain_load_npy(io_path("big.npy"), &t));
    CHECK(t && t->size == 4 && t->data[2] == 3.4e38f);
    brain_tensor_free(t);
    t = NULL;

    /* headers claiming terabytes, in a file of a few hundred bytes: refused before allocating */
    const char *huge[] = {
        "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 1000), }",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807,), }",
        "{'descr': '|u1', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
    };
    for (size_t i = 0; i < sizeof huge / sizeof *huge; i++) {
        n = npy_bytes(b, huge[i], f, sizeof f);
        io_write_bytes(io_path("huge.npy"), b, n);
        alloc_reset();
        CHECK(brain_load_npy(io_path("huge.npy"), &t) == BRAIN_ERR_FORMAT && t == NULL);
        CHECK_MSG(alloc_small(), "npy header %zu", i);
    }
}

static void test_idx(void)
{
    uint8_t b[256] = {0, 0, 0x0E, 1, 0, 0, 0, 2};
    const double v[2] = {1.5, 5e200};
    for (int i = 0; i < 2; i++) {
        uint64_t u;
        memcpy(&u, &v[i], 8);
        for (int k = 0; k < 8; k++) b[8 + 8 * i + k] = (uint8_t)(u >> (56 - 8 * k));
    }
    io_write_bytes(io_path("big.idx"), b, 24);
    brain_tensor *t = NULL;
    CHECK_FAILS(brain_load_idx(io_path("big.idx"), &t), "float64 element 1 is beyond float32's range");
    CHECK(t == NULL);
    /* rank 4 of 65535 each (float64): 1.5e20 bytes claimed by a 24-byte file */
    uint8_t h[24] = {0, 0, 0x0E, 4, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff, 0, 0, 0xff, 0xff};
    io_write_bytes(io_path("huge.idx"), h, sizeof h);
    alloc_reset();
    CHECK(brain_load_idx(io_path("huge.idx"), &t) == BRAIN_ERR_FORMAT && t == NULL);
    CHECK(alloc_small());
}

static void test_zip_members(void)
{
    uint8_t z[1024], npy[256];
    const float f[2] = {1, 2};
    size_t nn = npy_bytes(npy, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f, sizeof f);
    brain_tensor *t = NULL;
    /* honest stored member: loads */
    size_t zn = make_zip(z, "x.npy", npy, (uint32_t)nn, (uint32_t)nn, 0);
    io_write_bytes(io_path("ok.npz"), z, zn);
    CHECK_OK(brain_load_npz(io_path("ok.npz"), "x", &t));
    CHECK(t && t->size == 2 && t->data[1] == 2);
    brain_tensor_free(t);
    t = NULL;
    /* the member claims 4 GB uncompressed (stored or deflated): refused before allocating */
    for (int method = 0; method <= 8; method += 8) {
        zn = make_zip(z, "x.npy", npy, (uint32_t)nn, 0xfffffff0u, method);
        io_write_bytes(io_path("bomb.npz"), z, zn);
        alloc_reset();
        CHECK(brain_load_npz(io_path("bomb.npz"), "x", &t) != BRAIN_OK && t == NULL);
        CHECK_MSG(alloc_small(), "npz method %d", method);
    }
    /* a .keras whose config.json claims 4 GB */
    const char *cfg = "{\"class_name\": \"Sequential\", \"config\": {}}";
    brain_model *m = NULL;
    for (int method = 0; method <= 8; method += 8) {
        zn = make_zip(z, "config.json", (const uint8_t *)cfg, (uint32_t)strlen(cfg), 0xfffffff0u, method);
        io_write_bytes(io_path("bomb.keras"), z, zn);
        alloc_reset();
        CHECK(brain_load_model(io_path("bomb.keras"), &m, NULL) != BRAIN_OK && m == NULL);
        CHECK_MSG(alloc_small(), "keras method %d", method);
    }
}

static void test_csv(void)
{
    brain_table *t = NULL;
    io_write_bytes(io_path("only_target.csv"), "target\n1\n0\n1\n", 13);
    CHECK_FAILS(brain_read_csv(io_path("only_target.csv"), &(brain_csv_options){.target = "target"}, &t),
                "no feature columns: the header on line 1 has only the target 'target'");
    CHECK(t == NULL);
    io_write_bytes(io_path("dropped.csv"), "id,target\n1,1\n2,0\n", 18);
    CHECK_FAILS(brain_read_csv(io_path("dropped.csv"), &(brain_csv_options){.target = "target", .drop = (const char *[]){"id", NULL}}, &t),
                "once the dropped columns are gone");
    /* without a target, a table whose only column is dropped has no feature either (the fuzzer's
     * "&   " input reached this message with no target name to print) */
    CHECK_FAILS(brain_read_csv(io_path("dropped.csv"), &(brain_csv_options){.no_target = true,
                               .drop = (const char *[]){"id", "target", NULL}}, &t), "no feature columns once the dropped");
    /* a CSV with a feature loads */
    io_write_bytes(io_path("one.csv"), "a,target\n1,1\n2,0\n", 17);
    CHECK_OK(brain_read_csv(io_path("one.csv"), &(brain_csv_options){.target = "target"}, &t));
    brain_table_free(t);
}

int main(void)
{
    test_npy();
    test_idx();
    test_zip_members();
    test_csv();
    return check_summary("test_hostile_files");
}
