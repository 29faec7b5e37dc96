/* convert.c — `brain convert IN OUT`: a model file from one format to another, by extension:
 * IN .keras or legacy .h5; OUT .keras (the whole model, with its saved preprocessing) or
 * .weights.h5 (weights only, Keras's save_weights layout).  Writing the legacy .h5 model format
 * is not implemented: OUT.h5 is refused with that reason. */
#include "cli.h"
#include <string.h>

static const cli_cmd_help HELP = {
    "convert", "IN.keras|IN.h5 OUT.keras|OUT.weights.h5",
    "Converts a model file: .keras (Keras 3) or legacy .h5 (Keras 2) in; .keras or .weights.h5 out.\n"
    "Writing legacy .h5 model files is not supported (Keras 3 itself recommends .keras)."
};

int cli_convert(int argc, char **argv)
{
    cli_opt opts[] = { { 0 } };
    const char *pos[2];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 2, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 2) return cli_usage("convert", "needs IN and OUT files");
    const char *in = pos[0], *out = pos[1];
    bool keras = cli_ends_with(out, ".keras"), weights = cli_ends_with(out, ".weights.h5");
    if (!keras && !weights) {
        if (cli_ends_with(out, ".h5") || cli_ends_with(out, ".hdf5"))
            return cli_fail("convert", "writing the legacy .h5 model format is not supported; write %s as .keras, "
                            "or its weights as .weights.h5", out);
        return cli_usage("convert", "OUT \"%s\" must end in .keras or .weights.h5", out);
    }
    if (!strcmp(in, out)) return cli_usage("convert", "IN and OUT are the same file");
    cli_print_to_stderr();
    brain_model *m = NULL;
    if (brain_load_model(in, &m, NULL)) return cli_lib_fail("convert");
    brain_status s = keras ? brain_save(m, out) : brain_save_weights(m, out);
    rc = s ? cli_lib_fail("convert") : CLI_OK;
    if (!rc) fprintf(stderr, "Wrote %s\n", out);
    brain_model_free(m);
    return rc;
}
