/* convert.c — `brain convert IN OUT`: a model file from one format to another, by extension:
 * IN .keras or legacy .h5; OUT .keras (the whole model, with its saved preprocessing), legacy
 * .h5 (Keras's model.save("x.h5") format: architecture, compile config, weights) or .weights.h5
 * (weights only, Keras's save_weights layout). */
#include "cli.h"
#include <string.h>

static const cli_cmd_help HELP = {
    "convert", "IN.keras|IN.h5 OUT.keras|OUT.h5|OUT.weights.h5",
    "Converts a model file: .keras (Keras 3) or legacy .h5 (Keras 2) in; .keras, legacy .h5 or\n"
    ".weights.h5 out.  A legacy .h5 holds no optimizer state and no saved preprocessing (scaler,\n"
    "labels): keep the .keras file for brain predict on raw data."
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
    bool weights = cli_ends_with(out, ".weights.h5");
    bool model = cli_ends_with(out, ".keras") || (!weights && (cli_ends_with(out, ".h5") || cli_ends_with(out, ".hdf5")));
    if (!model && !weights) return cli_usage("convert", "OUT \"%s\" must end in .keras, .h5 or .weights.h5", out);
    if (!strcmp(in, out)) return cli_usage("convert", "IN and OUT are the same file");
    cli_print_to_stderr();
    brain_model *m = NULL;
    if (brain_load_model(in, &m, NULL)) return cli_lib_fail("convert");
    if (!cli_ends_with(out, ".keras") && !weights && (brain_model_scaler(m) || brain_model_num_class_names(m)))
        fprintf(stderr, "brain convert: note: %s will not hold the scaler and labels saved in %s (only .keras does)\n", out, in);
    brain_status s = model ? brain_save(m, out) : brain_save_weights(m, out);
    rc = s ? cli_lib_fail("convert") : CLI_OK;
    if (!rc) fprintf(stderr, "Wrote %s\n", out);
    brain_model_free(m);
    return rc;
}
