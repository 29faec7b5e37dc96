/* cli.h — the `brain` command line (tools/cli/): what the subcommand files share.
 *
 *   main.c      the subcommand table, `brain --help`
 *   args.c      strict option parsing from a table (cli_opt), help text, "did you mean"
 *   data.c      DATA files: CSV, NPY, NPZ, IDX → x, y (and string labels)
 *   <cmd>.c     one file per subcommand: train, evaluate, predict, summary, convert, plot,
 *               version, export
 *
 * Exit statuses (every subcommand): 0 success, 1 runtime error (a file that cannot be read, a
 * model that fails), 2 usage error (a bad option or value; the message names both). */
#ifndef BRAIN_CLI_H
#define BRAIN_CLI_H

#include <brain.h>
#include <stdbool.h>
#include <stdio.h>

enum { CLI_OK = 0, CLI_RUNTIME = 1, CLI_USAGE = 2 };

/* ---- subcommands: argv[0] is the subcommand's name; return an exit status */
int cli_train(int argc, char **argv);
int cli_evaluate(int argc, char **argv);
int cli_predict(int argc, char **argv);
int cli_summary(int argc, char **argv);
int cli_convert(int argc, char **argv);
int cli_plot(int argc, char **argv);
int cli_version(int argc, char **argv);
int cli_export(int argc, char **argv);

/* ---- args.c */
typedef enum cli_kind {
    CLI_FLAG,    /* bool: present or not */
    CLI_INT,     /* int, whole number in [imin, imax] */
    CLI_INT64,   /* int64_t, whole number in [imin, imax] */
    CLI_DOUBLE,  /* double in lo..hi (see lo_open / hi_open) */
    CLI_STRING,  /* const char * */
    CLI_CHOICE,  /* const char *, one of choices (NULL-terminated) */
    CLI_LIST,    /* repeatable string: const char *[], count in *count (at most max_items) */
} cli_kind;

typedef struct cli_opt {
    const char *name;            /* "--epochs" */
    const char *alias;           /* "-o", or NULL */
    cli_kind kind;
    void *dst;
    const char *metavar;         /* "N" */
    const char *help;            /* one line; the default is part of it */
    long long imin, imax;        /* CLI_INT / CLI_INT64 */
    double lo, hi;               /* CLI_DOUBLE: the interval */
    bool lo_open, hi_open;       /*   (lo  and  hi) when set, [lo and hi] when not */
    const char *const *choices;  /* CLI_CHOICE */
    int *count; int max_items;   /* CLI_LIST */
} cli_opt;

typedef struct cli_cmd_help {
    const char *name;            /* "train" */
    const char *usage;           /* "DATA [options]" */
    const char *about;           /* paragraph(s) after the usage line */
} cli_cmd_help;

/* Parses argv[1..argc) against opts (NULL name ends the table).  Positional arguments are
 * collected in pos (at most max_pos; more is a usage error).  --help prints the help and sets
 * *help.  Returns CLI_OK or CLI_USAGE (after printing the message to stderr). */
int cli_parse(const cli_cmd_help *cmd, const cli_opt *opts, int argc, char **argv, const char **pos, int max_pos,
              int *n_pos, bool *help);
void cli_print_help(const cli_cmd_help *cmd, const cli_opt *opts, FILE *f);
/* "brain CMD: <message>" + "Try 'brain CMD --help'." to stderr; returns CLI_USAGE */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "brain CMD: <message>" to stderr; returns CLI_RUNTIME */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* the library's last error, as a runtime failure */
int cli_lib_fail(const char *cmd);
/* Levenshtein distance (for "did you mean") */
int cli_edit_distance(const char *a, const char *b);
bool cli_ends_with(const char *s, const char *suffix);
/* The library prints (progress, summary) to stderr, so that results on stdout stay clean;
 * verbose "auto" is a progress bar only when stderr is a terminal. */
void cli_print_to_stderr(void);
int cli_auto_verbose(void);

/* ---- data.c */
typedef struct cli_data_opts {
    const char *target;          /* CSV: column name or index (negative from the end) */
    bool no_header;
    const char *delimiter;       /* NULL: by extension; "tab", "whitespace", or one character */
    const char **drop; int n_drop;
    const char *x_key, *y_key;   /* NPZ members; default "x", "y" */
} cli_data_opts;

typedef struct cli_data {
    brain_tensor *x, *y;         /* y NULL when the data has no target / labels */
    char **class_names; int n_classes; /* string labels (CSV), sorted; y holds their ids */
    char what[512];              /* "data/x.csv: 569 rows, 30 features, target 'target'" */
} cli_data;

/* Loads DATA (1 or 2 files).  need_y: the target must be there (train, evaluate); for predict
 * (need_y false) a CSV is read without a target unless --target names a column to leave out.
 * Returns CLI_OK, CLI_USAGE (bad combination of files/options) or CLI_RUNTIME. */
int cli_load_data(const char *cmd, const char *const *files, int n_files, const cli_data_opts *o, bool need_y,
                  cli_data *out);
void cli_data_free(cli_data *d);
/* The data options every data-reading subcommand shares, appended at opts[*n] (6 entries). */
void cli_data_options(cli_opt *opts, int *n, cli_data_opts *o, const char **drop_buf, int max_drop);

/* Gives x the model's input shape when only the shape differs ((n, L) for an (L, 1) input),
 * applies the model's saved preprocessing (scaler) to x, and maps the data's labels (strings, or
 * numbers the model saved as labels) to the model's class ids (y rewritten in place).  Returns
 * CLI_OK or CLI_RUNTIME. */
int cli_apply_preprocessing(const char *cmd, brain_model *m, cli_data *d);

#endif
