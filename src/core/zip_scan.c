/* zip_scan.c — a zip archive's table of contents checked before libzip reads it, so that a
 * damaged .keras or .npz gets a sentence that says what is wrong and where:
 *   - an empty file, or one without an end-of-central-directory record: "not a zip archive";
 *   - a member whose local header or data (its compressed size) runs past the end of the file,
 *     named;
 *   - duplicate member names, which libzip's consistency check refuses ("File already exists")
 *     but Python's zipfile, and so Keras, accepts: zipfile.ZipFile.read(name) takes the LAST
 *     entry of that name in the central directory (NameToInfo is filled in directory order,
 *     later entries overwriting earlier ones).  The scan reports that there are duplicates; the
 *     readers then open the archive without libzip's name check and look names up with
 *     brain__zip_locate_last.
 *
 * Layout (APPNOTE 4.3): end record "PK\5\6" (22 bytes + comment) at the end holds the entry count
 * (offset 10), the directory's size (12) and offset (16); each directory entry "PK\1\2" (46 bytes +
 * name + extra + comment) holds the compressed size (20), name length (28), extra length (30),
 * comment length (32) and the local header's offset (42); a local header "PK\3\4" is 30 bytes +
 * name + extra (lengths at 26 and 28), then the data.  Zip64 values (0xFFFFFFFF) are left to
 * libzip's own checks. */
#include "core/zip_scan.h"
#include <string.h>

static uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const uint8_t *p) { return rd16(p) | rd16(p + 2) << 16; }

brain_status brain__zip_scan(const uint8_t *b, size_t n, const char *path, const char *what, bool *duplicates)
{
    *duplicates = false;
    if (n == 0) return brain__fail(BRAIN_ERR_FORMAT, "'%s' is not a readable %s: the file is empty (0 bytes), not a zip archive", path, what);
    if (n < 22 || !(b[0] == 'P' && b[1] == 'K'))
        return brain__fail(BRAIN_ERR_FORMAT, "'%s' is not a readable %s: not a zip archive (it does not start with \"PK\")",
                           path, what);
    size_t eocd = SIZE_MAX;
    for (size_t i = n - 22 + 1; i-- > 0 && n - i <= 22 + 65535;)
        if (!memcmp(b + i, "PK\5\6", 4)) { eocd = i; break; }
    if (eocd == SIZE_MAX)
        return brain__fail(BRAIN_ERR_FORMAT, "'%s' is not a readable %s: not a zip archive (no end-of-central-directory "
                           "record: truncated?)", path, what);
    uint32_t count = rd16(b + eocd + 10), cd_size = rd32(b + eocd + 12), cd_off = rd32(b + eocd + 16);
    if (count == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) return BRAIN_OK; /* zip64: libzip checks */
    if ((uint64_t)cd_off + cd_size > eocd)
        return brain__fail(BRAIN_ERR_FORMAT, "'%s': the zip's central directory (offset %u, %u bytes) runs past the end "
                           "of the file (%zu bytes)", path, cd_off, cd_size, n);
    size_t p = cd_off, end = (size_t)cd_off + cd_size;
    for (uint32_t k = 0; k < count; k++) {
        if (p + 46 > end || memcmp(b + p, "PK\1\2", 4))
            return brain__fail(BRAIN_ERR_FORMAT, "'%s': the zip's central directory is damaged at entry %u", path, k);
        uint32_t comp = rd32(b + p + 20), nlen = rd16(b + p + 28), elen = rd16(b + p + 30), clen = rd16(b + p + 32);
        uint32_t loc = rd32(b + p + 42);
        if (p + 46 + nlen + elen + clen > end)
            return brain__fail(BRAIN_ERR_FORMAT, "'%s': the zip's central directory is damaged at entry %u", path, k);
        char name[256];
        size_t shown = nlen < sizeof name - 1 ? nlen : sizeof name - 1;
        memcpy(name, b + p + 46, shown);
        name[shown] = 0;
        for (size_t c = 0; c < shown; c++) if ((unsigned char)name[c] < 32) name[c] = '?';
        if (loc != 0xFFFFFFFFu) {
            if ((uint64_t)loc + 30 > n)
                return brain__fail(BRAIN_ERR_FORMAT, "'%s': zip member %s starts at byte %u, past the end of the file (%zu bytes)",
                                   path, name, loc, n);
            if (memcmp(b + loc, "PK\3\4", 4))
                return brain__fail(BRAIN_ERR_FORMAT, "'%s': zip member %s: no local header at byte %u (damaged archive)",
                                   path, name, loc);
            uint64_t data = (uint64_t)loc + 30 + rd16(b + loc + 26) + rd16(b + loc + 28);
            if (comp != 0xFFFFFFFFu && data + comp > n)
                return brain__fail(BRAIN_ERR_FORMAT, "'%s': zip member %s (%u bytes from byte %llu) runs past the end of the "
                                   "file (%zu bytes): truncated or damaged", path, name, comp, (unsigned long long)data, n);
        }
        /* duplicates: compare with every later entry's name (archives here hold a handful) */
        for (size_t q = p + 46 + nlen + elen + clen; !*duplicates && q + 46 <= end && !memcmp(b + q, "PK\1\2", 4);) {
            uint32_t n2 = rd16(b + q + 28);
            if (q + 46 + n2 > end) break;
            if (n2 == nlen && !memcmp(b + q + 46, b + p + 46, nlen)) *duplicates = true;
            q += 46 + n2 + rd16(b + q + 30) + rd16(b + q + 32);
        }
        p += 46 + nlen + elen + clen;
    }
    return BRAIN_OK;
}

zip_int64_t brain__zip_locate_last(zip_t *za, const char *name)
{
    zip_int64_t n = zip_get_num_entries(za, 0), found = -1;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *nm = zip_get_name(za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
        if (nm && !strcmp(nm, name)) found = i;
    }
    return found;
}
