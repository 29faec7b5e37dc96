/* evaluate.c — `brain evaluate MODEL DATA`: Keras's model.evaluate on a data file: the compiled
 * loss and metrics, after the model's saved preprocessing (scaler, label mapping). */
#include "cli.h"
#include <string.h>

static const cli_cmd_help HELP = {
    "evaluate", "MODEL.keras|MODEL.h5 DATA [LABELS] [options]",
    "Prints the loss and the compiled metrics of a model on a data file (raw values: the scaler and\n"
    "the label mapping saved with the model by brain train are applied first).  DATA as for\n"
    "brain train (a CSV needs --target)."
};

int cli_evaluate(int argc, char **argv)
{
    cli_data_opts dopt = { 0 };
    const char *drop[64];
    bool json = false;
    int batch = 32;
    cli_opt opts[16] = {
        { "--json", NULL, CLI_FLAG, &json, NULL, "print one JSON object {\"loss\": ..., ...}" },
        { "--batch-size", NULL, CLI_INT, &batch, "N", "(32)", .imin = 1, .imax = 1 << 24 },
    };
    int n = 2;
    cli_data_options(opts, &n, &dopt, drop, 64);
    const char *pos[3];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 3, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 2) return cli_usage("evaluate", "needs MODEL and DATA");
    cli_print_to_stderr();
    brain_model *m = NULL;
    if (brain_load_model(pos[0], &m, NULL)) return cli_lib_fail("evaluate");
    if (!brain_model_optimizer(m)) {
        brain_model_free(m);
        return cli_fail("evaluate", "%s has no compile config (loss and metrics); it was saved before compile", pos[0]);
    }
    cli_data d;
    rc = cli_load_data("evaluate", pos + 1, n_pos - 1, &dopt, true, &d);
    if (!rc) rc = cli_apply_preprocessing("evaluate", m, &d);
    brain_logs r;
    if (!rc && brain_evaluate(m, d.x, d.y, &(brain_eval_options){ .batch_size = batch, .verbose = BRAIN_SILENT }, &r))
        rc = cli_lib_fail("evaluate");
    if (!rc) {
        if (json) {
            printf("{");
            for (int i = 0; i < r.n; i++) printf("%s\"%s\": %.9g", i ? ", " : "", r.names[i], r.values[i]);
            printf("}\n");
        } else {
            for (int i = 0; i < r.n; i++) printf("%-10s %.4f\n", r.names[i], r.values[i]);
        }
    }
    cli_data_free(&d);
    brain_model_free(m);
    return rc;
}
