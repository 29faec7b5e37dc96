/* version.c — `brain version`: the library's version, its matrix-multiply backend, the CPU
 * kernels selected at run time (brain_kernel_isa), and which optional parts were built. */
#include "cli.h"
#include <string.h>

static const cli_cmd_help HELP = {
    "version", "", "Prints brain's version, the matrix-multiply backend and how the program was built."
};

int cli_version(int argc, char **argv)
{
    cli_opt opts[] = { { 0 } };
    const char *pos[1];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 0, &n_pos, &help);
    if (rc || help) return rc;
    printf("brain %s", brain_version());
    if (strcmp(brain_version(), BRAIN_VERSION_STRING))      /* libbrain.so newer than this program */
        printf(" (this program was built with %s)", BRAIN_VERSION_STRING);
    printf("\nsgemm: %s\n", brain_sgemm_backend());
    printf("kernels: %s (chosen for this CPU at run time; BRAIN_ISA=generic|avx2|avx512 forces a lower set)\n",
           brain_kernel_isa());
    printf("onnx export: %s\n", brain_onnx_available() ? "yes (protobuf-c)" : "not built (protobuf-c was not found)");
#ifdef BRAIN_CLI_HAVE_CAIRO
    printf("plot: cairo\n");
#else
    printf("plot: not built (cairo was not found)\n");
#endif
    return CLI_OK;
}
