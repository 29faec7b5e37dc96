/* zip_scan.h — checks on a zip archive's table of contents before libzip reads it (zip_scan.c);
 * shared by the .keras reader (src/io/keras_zip.c) and the .npz reader (src/data/npz.c). */
#ifndef BRAIN_ZIP_SCAN_H
#define BRAIN_ZIP_SCAN_H
#include "internal.h"
#include <zip.h>

/* BRAIN_OK when the bytes look like a zip whose every member lies inside the file; otherwise
 * BRAIN_ERR_FORMAT with a sentence naming `path` (and the member), `what` is the format for the
 * message (".keras zip", ".npz (zip) archive").  *duplicates: two members share a name (open without
 * ZIP_CHECKCONS then, and look names up with brain__zip_locate_last). */
brain_status brain__zip_scan(const uint8_t *bytes, size_t n, const char *path, const char *what, bool *duplicates);
/* The index of the LAST member called `name` (the one Python's zipfile reads); -1 if none. */
zip_int64_t brain__zip_locate_last(zip_t *za, const char *name);
#endif
