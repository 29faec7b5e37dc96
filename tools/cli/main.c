/* main.c — the `brain` program: Keras's workflow on files, one subcommand per step.
 * Each subcommand lives in its own file (cli.h lists them) and answers --help. */
#include "cli.h"
#include <string.h>

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    { "train", cli_train, "train a model on a data file (CSV, NPY, NPZ, IDX) and test it; --save it" },
    { "evaluate", cli_evaluate, "loss and metrics of a saved model on a data file" },
    { "predict", cli_predict, "predictions of a saved model for a data file, to CSV or .npy" },
    { "summary", cli_summary, "the model's summary table (.keras or .h5)" },
    { "convert", cli_convert, "convert a model file (.keras, .h5 -> .keras, .h5, .weights.h5)" },
    { "plot", cli_plot, "draw training curves from a --history CSV (PNG or SVG)" },
    { "export", cli_export, "export a model for deployment" },
    { "version", cli_version, "version and build information" },
};
#define N_COMMANDS (int)(sizeof COMMANDS / sizeof *COMMANDS)

static void usage(FILE *f)
{
    fprintf(f, "usage: brain COMMAND [ARGS] [options]      (brain COMMAND --help for each)\n\ncommands:\n");
    for (int i = 0; i < N_COMMANDS; i++) fprintf(f, "  %-10s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\nexamples:\n"
               "  brain train                                   the lecture's model on the built-in data\n"
               "  brain train data.csv --target label --save model.keras --history log.csv\n"
               "  brain evaluate model.keras test.csv --target label --json\n"
               "  brain predict model.keras new.csv -o predictions.csv\n"
               "  brain plot log.csv -o curves.png\n"
               "\nexit status: 0 success, 1 runtime error (a file, the data, the model), 2 usage error\n"
               "(an unknown command or option, a bad value).  See also: man brain.\n");
}

int main(int argc, char **argv)
{
    /* results (stdout) and progress (stderr) interleave in order also when both go to one log */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) { usage(stderr); return CLI_USAGE; }
    const char *c = argv[1];
    if (!strcmp(c, "--help") || !strcmp(c, "-h")) { usage(stdout); return CLI_OK; }
    if (!strcmp(c, "--version")) return cli_version(1, (char *[]){ "version", NULL });
    if (!strcmp(c, "help")) {
        if (argc < 3) { usage(stdout); return CLI_OK; }
        c = argv[2];
        for (int i = 0; i < N_COMMANDS; i++)
            if (!strcmp(c, COMMANDS[i].name)) return COMMANDS[i].run(2, (char *[]){ argv[2], "--help", NULL });
    } else {
        for (int i = 0; i < N_COMMANDS; i++)
            if (!strcmp(c, COMMANDS[i].name)) return COMMANDS[i].run(argc - 1, argv + 1);
    }
    const char *near = NULL;
    int best = 99;
    for (int i = 0; i < N_COMMANDS; i++) {
        int d = cli_edit_distance(c, COMMANDS[i].name);
        if (d < best) { best = d; near = COMMANDS[i].name; }
    }
    if (best <= 2 || (c[0] && !strncmp(c, near, strlen(c))))
        fprintf(stderr, "brain: unknown command '%s'; did you mean '%s'?\n", c, near);
    else
        fprintf(stderr, "brain: unknown command '%s'\n", c);
    fprintf(stderr, "Try 'brain --help'.\n");
    return CLI_USAGE;
}
