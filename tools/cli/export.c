/* export.c — `brain export`: a placeholder.  The export feature (issue 15: dependency-free C,
 * int8, ONNX) replaces this file with its own cli_export. */
#include "cli.h"

int cli_export(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "brain export: export is not available in this build\n");
    return CLI_RUNTIME;
}
