/* version.c — `brain version`: the library's version, its matrix-multiply backend and, when the
 * CPU kernels selected at run time, and which optional parts were built. */
#include "cli.h"

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
    printf("brain %s\n", brain_version());
    printf("sgemm: %s\n", brain_sgemm_backend());
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
