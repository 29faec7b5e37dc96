/* export.c — `brain export`: a placeholder.  The export feature (issue 15: dependency-free C,
 * int8, ONNX) replaces this file with its own cli_export (same name, same exit statuses). */
#include "cli.h"
#include <string.h>

int cli_export(int argc, char **argv)
{
    if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        printf("usage: brain export MODEL [options]\n\nexport is not available in this build.\n");
        return CLI_OK;
    }
    fprintf(stderr, "brain export: export is not available in this build\n");
    return CLI_RUNTIME;
}
