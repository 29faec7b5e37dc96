/* npz.c — NumPy's .npz: a zip archive (numpy.savez stores, savez_compressed deflates) whose
 * members are .npy files named after the keyword arguments ("x.npy" for savez(f, x=...)).
 *
 * The archive is opened with libzip from memory, with its consistency checks on; a member must
 * be stored or deflated and not encrypted.  Before allocating, the member's declared size is
 * checked against what its compressed size can hold (deflate expands at most 1032:1), and the
 * bytes read must match it exactly (libzip also checks the CRC).  The member's bytes then go
 * through the .npy reader (npy.c).
 */
#include "data_internal.h"
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* the index of `member`, "member.npy" first when member has no .npy suffix; -1 if absent */
static zip_int64_t locate(zip_t *za, const char *member, char *found, size_t cap)
{
    size_t n = strlen(member);
    if (n < 4 || strcmp(member + n - 4, ".npy")) {
        snprintf(found, cap, "%s.npy", member);
        zip_int64_t i = zip_name_locate(za, found, 0);
        if (i >= 0) return i;
    }
    snprintf(found, cap, "%s", member);
    return zip_name_locate(za, member, 0);
}

/* "a.npy, b.npy" (the first few names) for a message */
static void member_list(zip_t *za, char *buf, size_t cap)
{
    zip_int64_t n = zip_get_num_entries(za, 0);
    size_t k = 0;
    buf[0] = 0;
    for (zip_int64_t i = 0; i < n && i < 8 && k < cap; i++) {
        const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);
        k += (size_t)snprintf(buf + k, cap - k, "%s'%s'", i ? ", " : "", nm ? nm : "?");
    }
    if (n > 8 && k < cap) snprintf(buf + k, cap - k, ", ... (%lld in all)", (long long)n);
    if (n == 0) snprintf(buf, cap, "none");
}

static brain_status read_member(zip_t *za, const char *name, const char *member, brain_tensor **out)
{
    char found[512], what[1024];
    if (strlen(member) > 400) return brain__fail(BRAIN_ERR_ARG, "%s: the member name is too long", name);
    zip_int64_t idx = locate(za, member, found, sizeof found);
    if (idx < 0) {
        char list[400];
        member_list(za, list, sizeof list);
        return brain__fail(BRAIN_ERR_ARG, "%s has no member '%s' (members: %s)", name, member, list);
    }
    snprintf(what, sizeof what, "%s, member '%s'", name, found);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: %s", what, zip_strerror(za));
    if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
        return brain__fail(BRAIN_ERR_FORMAT, "%s is encrypted, which is not supported", what);
    if ((st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method != ZIP_CM_STORE && st.comp_method != ZIP_CM_DEFLATE)
        return brain__fail(BRAIN_ERR_FORMAT, "%s uses zip compression method %d; only stored (0) and deflated (8), "
                           "as numpy writes, are supported", what, (int)st.comp_method);
    if (!(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
        return brain__fail(BRAIN_ERR_FORMAT, "%s: the archive does not record the member's size", what);
    double most = st.comp_method == ZIP_CM_STORE ? (double)st.comp_size : 1032.0 * (double)st.comp_size + 1024.0;
    if ((double)st.size > most || st.size > SIZE_MAX - 1)
        return brain__fail(BRAIN_ERR_FORMAT, "%s claims %llu bytes from %llu compressed bytes, more than it can hold",
                           what, (unsigned long long)st.size, (unsigned long long)st.comp_size);
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (!zf) return brain__fail(BRAIN_ERR_FORMAT, "%s cannot be opened: %s", what, zip_strerror(za));
    size_t size = (size_t)st.size;
    uint8_t *buf = malloc(size + 1);
    if (!buf) {
        zip_fclose(zf);
        return brain__fail(BRAIN_ERR_NOMEM, "%s: out of memory for %zu bytes", what, size);
    }
    size_t got = 0;
    brain_status s = BRAIN_OK;
    while (got < size + 1) {            /* one byte more than declared, to notice a longer member */
        zip_int64_t k = zip_fread(zf, buf + got, size + 1 - got);
        if (k < 0) { s = brain__fail(BRAIN_ERR_FORMAT, "%s cannot be read: %s", what, zip_file_strerror(zf)); break; }
        if (k == 0) break;
        got += (size_t)k;
    }
    zip_fclose(zf);
    if (!s && got != size)
        s = brain__fail(BRAIN_ERR_FORMAT, "%s: truncated member: the archive declares %zu bytes, reading gave %zu%s",
                        what, size, got, got > size ? " or more" : "");
    if (!s) s = brain__npy_parse(buf, size, what, out);
    free(buf);
    return s;
}

brain_status brain__npz_parse(const uint8_t *buf, size_t len, const char *name, const char *member,
                              brain_tensor **out)
{
    *out = NULL;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!za) {
        brain_status s = brain__fail(BRAIN_ERR_FORMAT, "%s is not a readable .npz (zip) archive: %s", name,
                                     zip_error_strerror(&ze));
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        return s;
    }
    zip_error_fini(&ze);
    brain_status s = read_member(za, name, member, out);
    zip_discard(za);                    /* also frees src */
    return s;
}

brain_status brain_load_npz(const char *path, const char *member, brain_tensor **out)
{
    if (out) *out = NULL;
    if (!path || !member || !out) return brain__fail(BRAIN_ERR_ARG, "brain_load_npz: path, member and out must not be NULL");
    uint8_t *buf;
    size_t len;
    brain_status s = brain__read_file(path, SIZE_MAX, &buf, &len);
    if (s) return s;
    s = brain__npz_parse(buf, len, path, member, out);
    free(buf);
    return s;
}

void brain_npz_members_free(char **names, int64_t n)
{
    if (!names) return;
    for (int64_t i = 0; i < n; i++) free(names[i]);
    free(names);
}

/* The arrays of an .npz, as numpy.load(path).files names them (member names without ".npy"),
 * in archive order. */
brain_status brain_npz_members(const char *path, char ***names, int64_t *n)
{
    if (names) *names = NULL;
    if (n) *n = 0;
    if (!path || !names || !n) return brain__fail(BRAIN_ERR_ARG, "brain_npz_members: path, names and n must not be NULL");
    uint8_t *buf;
    size_t len;
    brain_status s = brain__read_file(path, SIZE_MAX, &buf, &len);
    if (s) return s;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(buf, len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze) : NULL;
    if (!za) {
        s = brain__fail(BRAIN_ERR_FORMAT, "%s is not a readable .npz (zip) archive: %s", path, zip_error_strerror(&ze));
        if (src) zip_source_free(src);
        zip_error_fini(&ze);
        free(buf);
        return s;
    }
    zip_error_fini(&ze);
    zip_int64_t k = zip_get_num_entries(za, 0);
    char **out = brain__alloc_array(k > 0 ? (size_t)k : 1, sizeof(char *));
    int64_t got = 0;
    if (!out) s = BRAIN_ERR_NOMEM;
    for (zip_int64_t i = 0; !s && i < k; i++) {
        const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);
        if (!nm) { s = brain__fail(BRAIN_ERR_FORMAT, "%s: member %lld has no readable name", path, (long long)i); break; }
        size_t l = strlen(nm);
        if (!(out[got] = brain__strdup(nm))) { s = BRAIN_ERR_NOMEM; break; }
        if (l >= 4 && !strcmp(nm + l - 4, ".npy")) out[got][l - 4] = 0;
        got++;
    }
    zip_discard(za);
    free(buf);
    if (s) { brain_npz_members_free(out, got); return s; }
    *names = out;
    *n = got;
    return BRAIN_OK;
}
