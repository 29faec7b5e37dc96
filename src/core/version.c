/* version.c — the version of the library that runs (brain.h's BRAIN_VERSION_* are the version of
 * the header a program was compiled with). */
#include "internal.h"

const char *brain_version(void) { return BRAIN_VERSION_STRING; }
