/* version.c — `brain version`: the library's version, its matrix-multiply backend and, when the
 * library reports them, the CPU kernels selected at run time. */
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
#ifdef BRAIN_VERSION_STRING
    printf("brain %s\n", brain_version());
#else
    printf("brain %s\n", BRAIN_VERSION);
#endif
    printf("sgemm: %s\n", brain_sgemm_backend());
#ifdef BRAIN_CLI_HAVE_CAIRO
    printf("plot: cairo\n");
#else
    printf("plot: not built (cairo was not found)\n");
#endif
    return CLI_OK;
}
