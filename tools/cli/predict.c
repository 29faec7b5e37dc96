/* predict.c — `brain predict MODEL DATA -o OUT.csv|OUT.npy`: Keras's model.predict on a data
 * file, after the model's saved scaler.  Probabilities or values; --classes gives the class of
 * each row (the original string labels when training saw strings). */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static const cli_cmd_help HELP = {
    "predict", "MODEL.keras|MODEL.h5 DATA [options]",
    "Writes the model's predictions for every row of DATA (raw values: the scaler saved with the\n"
    "model is applied first).  DATA: a CSV (every column is an input unless --target names one to\n"
    "leave out), an .npz (array x), X.npy or an IDX image file.\n"
    "Output: CSV (one column per output value, %.9g: float32 exactly) or .npy (float32); without\n"
    "-o, CSV on standard output.  --classes: one column of classes instead (binary: p > 0.5;\n"
    "several classes: the most probable), as labels when the model has them."
};

/* a CSV field: quoted ("" for a quote) when it holds a comma, a quote or a line break */
static void put_field(FILE *f, const char *prefix, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { fprintf(f, "%s%s", prefix, s); return; }
    fputc('"', f);
    fputs(prefix, f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int cli_predict(int argc, char **argv)
{
    cli_data_opts dopt = { 0 };
    const char *drop[64];
    const char *out = NULL;
    bool classes = false;
    int batch = 32;
    cli_opt opts[16] = {
        { "--output", "-o", CLI_STRING, &out, "OUT", "OUT.csv or OUT.npy (default: CSV on standard output)" },
        { "--classes", NULL, CLI_FLAG, &classes, NULL, "classes (labels) instead of probabilities" },
        { "--batch-size", NULL, CLI_INT, &batch, "N", "(32)", .imin = 1, .imax = 1 << 24 },
    };
    int n = 3;
    cli_data_options(opts, &n, &dopt, drop, 64);
    const char *pos[2];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 2, &n_pos, &help);
    if (rc || help) return rc;
    if (n_pos < 2) return cli_usage("predict", "needs MODEL and DATA");
    bool npy = out && cli_ends_with(out, ".npy");
    if (out && !npy && !cli_ends_with(out, ".csv") && strcmp(out, "-"))
        return cli_usage("predict", "--output: \"%s\" must end in .csv or .npy (or be - for standard output)", out);
    cli_print_to_stderr();
    brain_model *m = NULL;
    if (brain_load_model(pos[0], &m, &(brain_load_options){ .compile = BRAIN_OFF })) return cli_lib_fail("predict");
    cli_data d;
    brain_tensor *p = NULL, *c = NULL;
    FILE *f = NULL;
    rc = cli_load_data("predict", pos + 1, n_pos - 1, &dopt, false, &d);
    if (!rc) {
        brain_tensor_free(d.y);           /* a --target column left out: not used here */
        d.y = NULL;
        rc = cli_apply_preprocessing("predict", m, &d);
    }
    if (!rc) {
        if (brain_predict(m, d.x, &(brain_eval_options){ .batch_size = batch, .verbose = BRAIN_SILENT }, &p))
            rc = cli_lib_fail("predict");
    }
    int64_t rows = p ? p->shape[0] : 0, k = p ? brain_tensor_row_size(p) : 0;
    if (!rc && classes) {
        if (!(c = brain_tensor_new(2, (int64_t[]){ rows, 1 }))) rc = cli_lib_fail("predict");
        for (int64_t i = 0; !rc && i < rows; i++) {
            const float *r = p->data + i * k;
            int64_t best = 0;
            if (k == 1) best = r[0] > 0.5f;
            else for (int64_t j = 1; j < k; j++) if (r[j] > r[best]) best = j;
            c->data[i] = (float)best;
        }
    }
    if (!rc && npy) {
        if (brain_save_npy(out, c ? c : p)) rc = cli_lib_fail("predict");
    } else if (!rc) {
        f = out && strcmp(out, "-") ? fopen(out, "w") : stdout;
        if (!f) rc = cli_fail("predict", "cannot write %s", out);
        int nl = brain_model_num_class_names(m);
        if (!rc && c) {
            fprintf(f, "class\n");
            for (int64_t i = 0; i < rows; i++) {
                int id = (int)c->data[i];
                if (id < nl) put_field(f, "", brain_model_class_name(m, id));
                else fprintf(f, "%d", id);
                fputc('\n', f);
            }
        } else if (!rc) {
            for (int64_t j = 0; j < k; j++) {
                if (j) fputc(',', f);
                if (k == 1 && nl == 2) put_field(f, "p_", brain_model_class_name(m, 1));
                else if (k == 1) fprintf(f, "y_pred");
                else if (nl == k) put_field(f, "p_", brain_model_class_name(m, (int)j));
                else fprintf(f, "y_pred_%lld", (long long)j);
            }
            fputc('\n', f);
            for (int64_t i = 0; i < rows; i++)
                for (int64_t j = 0; j < k; j++) fprintf(f, "%.9g%c", p->data[i * k + j], j + 1 == k ? '\n' : ',');
        }
        if (f && f != stdout && fclose(f)) rc = cli_fail("predict", "writing %s failed", out);
        else if (f == stdout) fflush(stdout);
    }
    if (!rc && out && strcmp(out, "-"))
        fprintf(stderr, "Wrote %lld predictions to %s\n", (long long)rows, out);
    brain_tensor_free(p);
    brain_tensor_free(c);
    cli_data_free(&d);
    brain_model_free(m);
    return rc;
}
