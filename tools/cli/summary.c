/* summary.c — `brain summary MODEL`: Keras's model.summary() table for a .keras or legacy .h5
 * file, and the preprocessing saved with it. */
#include "cli.h"
#include <stdlib.h>

static const cli_cmd_help HELP = {
    "summary", "MODEL.keras|MODEL.h5 [options]",
    "Prints the model's summary table, as Keras's model.summary(), then the preprocessing saved\n"
    "with the model (brain train --save) if any."
};

int cli_summary(int argc, char **argv)
{
    int width = 0;
    cli_opt opts[] = {
        { "--line-length", NULL, CLI_INT, &width, "N", "width of the table (Keras's default layout: 0)", .imin = 0, .imax = 1000 },
        { 0 },
    };
    const char *pos[1];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 1, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 1) return cli_usage("summary", "needs a MODEL file");
    cli_print_to_stderr();
    brain_model *m = NULL;
    if (brain_load_model(pos[0], &m, NULL)) return cli_lib_fail("summary");
    size_t cap = 1 << 20;
    char *buf = malloc(cap);
    if (!buf || brain_model_summary_string(m, width, buf, cap)) rc = buf ? cli_lib_fail("summary") : cli_fail("summary", "out of memory");
    else fputs(buf, stdout);
    const brain_scaler *s = brain_model_scaler(m);
    int nc = brain_model_num_class_names(m);
    if (!rc && (s || nc)) {
        printf("Preprocessing saved with the model:\n");
        if (s) printf("  %s over %lld features (applied to raw inputs by brain predict and evaluate)\n",
                      brain_scaler_class_name(s), (long long)brain_scaler_num_features(s));
        if (nc) {
            printf("  class labels:");
            for (int i = 0; i < nc && i < 20; i++) printf(" %d=%s", i, brain_model_class_name(m, i));
            printf("%s\n", nc > 20 ? " ..." : "");
        }
    }
    free(buf);
    brain_model_free(m);
    return rc;
}
