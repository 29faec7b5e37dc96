/* data.c — DATA for train, evaluate and predict, by file name:
 *
 *   FILE.csv | .tsv | .txt | .data | ... | - (standard input)
 *                                          a table (brain_read_csv): --target COL by name or by
 *                                          0-based index (negative from the end); --no-header;
 *                                          --delimiter (default: tab for .tsv, runs of blanks
 *                                          for .txt, else ',')
 *   FILE.npz                               arrays x and y (--x-key, --y-key)
 *   X.npy [Y.npy]                          x and y in two files
 *   IMAGES.idx [LABELS.idx] (also .gz, *-ubyte)  an IDX image file and its labels
 *
 * y comes out as (n, 1) (class ids or values), or (n, k) for k targets that are not one-hot;
 * a one-hot y (n, k) becomes class ids. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static bool is_npy(const char *f) { return cli_ends_with(f, ".npy"); }
static bool is_npz(const char *f) { return cli_ends_with(f, ".npz"); }
static bool is_idx(const char *f)
{
    return strstr(f, "-ubyte") || strstr(f, ".idx") || cli_ends_with(f, ".idx1") || cli_ends_with(f, ".idx3");
}

void cli_data_free(cli_data *d)
{
    brain_tensor_free(d->x);
    brain_tensor_free(d->y);
    for (int i = 0; i < d->n_classes; i++) free(d->class_names[i]);
    free(d->class_names);
    memset(d, 0, sizeof *d);
}

static const char *const delim_choices[] = { ",", ";", "|", "tab", "whitespace", NULL };

void cli_data_options(cli_opt *opts, int *n, cli_data_opts *o, const char **drop_buf, int max_drop)
{
    cli_opt add[] = {
        { "--target", NULL, CLI_STRING, &o->target, "COL", "CSV: the target column, by name or 0-based index (-1: the last)" },
        { "--no-header", NULL, CLI_FLAG, &o->no_header, NULL, "CSV: the first row is data; columns are 0, 1, ..." },
        { "--delimiter", NULL, CLI_CHOICE, &o->delimiter, "D",
          "CSV: , ; | tab or whitespace (runs of blanks, as UCR/UEA files); default by extension (.tsv tab, .txt whitespace, else ,)",
          .choices = delim_choices },
        { "--drop", NULL, CLI_LIST, drop_buf, "COL", "CSV: ignore a column, e.g. an id (repeatable)", .count = &o->n_drop,
          .max_items = max_drop },
        { "--x-key", NULL, CLI_STRING, &o->x_key, "NAME", "NPZ: the array of inputs (x)" },
        { "--y-key", NULL, CLI_STRING, &o->y_key, "NAME", "NPZ: the array of targets (y)" },
    };
    o->drop = drop_buf;
    for (size_t i = 0; i < sizeof add / sizeof *add; i++) opts[(*n)++] = add[i];
}

/* y (n,) / (n, 1) → (n, 1); one-hot (n, k) → class ids (n, 1); other (n, k) kept */
static int shape_y(const char *cmd, const char *name, cli_data *d)
{
    brain_tensor *y = d->y;
    int64_t n = y->shape[0], k = brain_tensor_row_size(y);
    if (n != d->x->shape[0])
        return cli_fail(cmd, "%s: x has %lld rows but y has %lld; they must agree", name, (long long)d->x->shape[0],
                        (long long)n);
    if (y->ndim > 2) return cli_fail(cmd, "%s: y must have 1 or 2 dimensions, it has %d", name, y->ndim);
    if (k == 1) return brain_tensor_reshape(y, 2, (int64_t[]){ n, 1 }) ? cli_lib_fail(cmd) : CLI_OK;
    bool onehot = true;
    for (int64_t i = 0; i < n && onehot; i++) {
        int ones = 0;
        for (int64_t j = 0; j < k; j++) {
            float v = y->data[i * k + j];
            if (v == 1) ones++;
            else if (v != 0) onehot = false;
        }
        onehot = onehot && ones == 1;
    }
    if (!onehot) return CLI_OK;
    brain_tensor *ids = brain_tensor_new(2, (int64_t[]){ n, 1 });
    if (!ids) return cli_lib_fail(cmd);
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < k; j++)
            if (y->data[i * k + j] == 1) ids->data[i] = (float)j;
    brain_tensor_free(y);
    d->y = ids;
    return CLI_OK;
}

static bool whole(const char *s, long long *v)
{
    char *end;
    if (!*s) return false;
    *v = strtoll(s, &end, 10);
    return !*end;
}

static int load_csv(const char *cmd, const char *file, const cli_data_opts *o, bool need_y, cli_data *d)
{
    const char *dl = o->delimiter;
    if (!dl) dl = cli_ends_with(file, ".tsv") ? "tab" : cli_ends_with(file, ".txt") ? "whitespace" : ",";
    const char *drop[65];
    for (int i = 0; i < o->n_drop && i < 64; i++) drop[i] = o->drop[i];
    drop[o->n_drop < 64 ? o->n_drop : 64] = NULL;
    brain_csv_options co = { .delimiter = !strcmp(dl, "tab") ? '\t' : !strcmp(dl, "whitespace") ? ' ' : dl[0],
                             .delim_whitespace = !strcmp(dl, "whitespace"), .no_header = o->no_header, .drop = drop };
    long long idx = 0;
    bool is_index = o->target && whole(o->target, &idx);
    if (!o->target) {
        if (need_y) return cli_usage(cmd, "%s is a table: say which column is the target with --target COL", file);
        co.no_target = true;
    } else if (o->no_header) {
        if (!is_index)
            return cli_usage(cmd, "--target: \"%s\" is not a column index; with --no-header columns have no names", o->target);
        co.target_index = idx;
        co.has_target_index = true;
    } else {
        co.target = o->target;
    }
    brain_table *t = NULL;
    brain_status s = brain_read_csv(file, &co, &t);
    if (s == BRAIN_ERR_ARG && is_index && co.target) {   /* not a column name: a column index */
        co.target = NULL;
        co.target_index = idx;
        co.has_target_index = true;
        s = brain_read_csv(file, &co, &t);
    }
    if (s) return cli_lib_fail(cmd);
    d->x = brain_table_x(t);
    if (t->y) d->y = brain_table_y(t);
    if (!d->x || (t->y && !d->y)) { brain_table_free(t); return cli_lib_fail(cmd); }
    if (t->class_names) {
        d->class_names = t->class_names;
        d->n_classes = t->n_classes;
        t->class_names = NULL;
        t->n_classes = 0;
    }
    if (t->y)
        snprintf(d->what, sizeof d->what, "%s: %lld rows, %lld features, target '%s'%s", file, (long long)t->n_rows,
                 (long long)t->n_features, t->target_name, d->class_names ? " (string labels)" : "");
    else
        snprintf(d->what, sizeof d->what, "%s: %lld rows, %lld features", file, (long long)t->n_rows, (long long)t->n_features);
    brain_table_free(t);
    return CLI_OK;
}

static int npz_member(const char *cmd, const char *file, const char *key, const char *opt, brain_tensor **out)
{
    char **names = NULL;
    int64_t n = 0;
    if (brain_npz_members(file, &names, &n)) return cli_lib_fail(cmd);
    bool found = false;
    char list[512] = "";
    for (int64_t i = 0; i < n; i++) {
        if (!strcmp(names[i], key)) found = true;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'", i ? ", " : "", names[i]);
    }
    brain_npz_members_free(names, n);
    if (!found)
        return cli_usage(cmd, "%s has no array '%s' (its arrays: %s); name it with %s", file, key, n ? list : "none", opt);
    return brain_load_npz(file, key, out) ? cli_lib_fail(cmd) : CLI_OK;
}

static void describe(cli_data *d, const char *files)
{
    char shape[128] = "";
    for (int i = 1; i < d->x->ndim; i++)
        snprintf(shape + strlen(shape), sizeof shape - strlen(shape), "%s%lld", i > 1 ? "×" : "", (long long)d->x->shape[i]);
    snprintf(d->what, sizeof d->what, "%s: %lld samples of shape (%s)%s", files, (long long)d->x->shape[0],
             d->x->ndim > 1 ? shape : "", d->y ? ", with targets" : "");
}

int cli_load_data(const char *cmd, const char *const *files, int n_files, const cli_data_opts *o, bool need_y,
                  cli_data *d)
{
    memset(d, 0, sizeof *d);
    const char *f0 = files[0];
    int rc = CLI_OK;
    if (is_npz(f0)) {
        if (n_files > 1) return cli_usage(cmd, "an .npz holds x and y together: give one file, not %d", n_files);
        const char *xk = o->x_key ? o->x_key : "x", *yk = o->y_key ? o->y_key : "y";
        if ((rc = npz_member(cmd, f0, xk, "--x-key", &d->x))) return rc;
        if (need_y && (rc = npz_member(cmd, f0, yk, "--y-key", &d->y))) { cli_data_free(d); return rc; }
        describe(d, f0);
    } else if (is_npy(f0) || is_idx(f0)) {
        bool npy = is_npy(f0);
        if (n_files == 1 && need_y)
            return cli_usage(cmd, "%s holds inputs only: give the %s file too (%s)", f0, npy ? "targets" : "labels",
                             npy ? "X.npy Y.npy" : "IMAGES LABELS");
        if (n_files == 2 && (npy ? !is_npy(files[1]) : !is_idx(files[1])))
            return cli_usage(cmd, "%s and %s: both files must be %s", f0, files[1], npy ? ".npy" : "IDX");
        brain_status s;
        if (npy) {
            s = brain_load_npy(f0, &d->x);
            if (!s && n_files == 2) s = brain_load_npy(files[1], &d->y);
        } else if (n_files == 2) {
            s = brain_load_idx_pair(f0, files[1], &d->x, &d->y);
        } else {
            s = brain_load_idx(f0, &d->x);
        }
        if (s) { cli_data_free(d); return cli_lib_fail(cmd); }
        char both[512];
        snprintf(both, sizeof both, n_files == 2 ? "%s + %s" : "%s", f0, n_files == 2 ? files[1] : "");
        describe(d, both);
    } else {
        if (n_files > 1) return cli_usage(cmd, "a table is one file: give one CSV, not %d files", n_files);
        if ((rc = load_csv(cmd, strcmp(f0, "-") ? f0 : "/dev/stdin", o, need_y, d))) return rc;   /* "-": stdin */
    }
    if (d->x->ndim < 2) {
        int64_t n = d->x->shape[0];
        if (brain_tensor_reshape(d->x, 2, (int64_t[]){ n, 1 })) { cli_data_free(d); return cli_lib_fail(cmd); }
    }
    if (d->y && (rc = shape_y(cmd, f0, d))) { cli_data_free(d); return rc; }
    return CLI_OK;
}

/* (n, L) data for a model whose input is (L, 1), and the like: the same values, its shape */
static void fit_shape(brain_model *m, cli_data *d)
{
    if (brain_model_num_inputs(m) != 1) return;
    brain_shape mi = brain_model_input_shape(m);
    int64_t sh[BRAIN_MAX_DIMS + 1] = { d->x->shape[0] };
    int64_t per = 1;
    for (int i = 0; i < mi.ndim; i++) { sh[i + 1] = mi.dims[i]; per *= mi.dims[i]; }
    if (brain_tensor_row_size(d->x) == per && mi.ndim + 1 != d->x->ndim) brain_tensor_reshape(d->x, mi.ndim + 1, sh);
}

int cli_apply_preprocessing(const char *cmd, brain_model *m, cli_data *d)
{
    fit_shape(m, d);
    const brain_scaler *s = brain_model_scaler(m);
    if (s && brain_tensor_row_size(d->x) == brain_scaler_num_features(s) + 1 && !d->y)
        return cli_fail(cmd, "the data has %lld values per row, the model was trained on %lld: does it hold the "
                        "target column? Leave it out with --target COL", (long long)brain_tensor_row_size(d->x),
                        (long long)brain_scaler_num_features(s));
    if (s && brain_tensor_row_size(d->x) != brain_scaler_num_features(s))
        return cli_fail(cmd, "the data has %lld values per row, the model was trained on %lld",
                        (long long)brain_tensor_row_size(d->x), (long long)brain_scaler_num_features(s));
    if (s && brain_scaler_transform(s, d->x)) return cli_lib_fail(cmd);
    if (!d->y) return CLI_OK;
    int k = brain_model_num_class_names(m);
    if (!d->n_classes && k && brain_tensor_row_size(d->y) == 1) {
        /* numeric labels the model saved as names ("1", "2", "-1"): value → the model's id */
        for (int64_t r = 0; r < d->y->shape[0]; r++) {
            char buf[32];
            snprintf(buf, sizeof buf, "%g", d->y->data[r]);
            int id = -1;
            for (int j = 0; j < k && id < 0; j++)
                if (!strcmp(buf, brain_model_class_name(m, j))) id = j;
            if (id < 0)
                return cli_fail(cmd, "target value %s (row %lld) is not one of the %d labels the model was trained on",
                                buf, (long long)r, k);
            d->y->data[r] = (float)id;
        }
        return CLI_OK;
    }
    if (!d->n_classes) return CLI_OK;
    /* string labels: this file's ids (sorted labels of this file) → the model's ids */
    if (!k) return cli_fail(cmd, "the data has string labels but the model has no saved label mapping");
    int *map = calloc((size_t)d->n_classes, sizeof(int));
    if (!map) return cli_fail(cmd, "out of memory");
    for (int i = 0; i < d->n_classes; i++) {
        map[i] = -1;
        for (int j = 0; j < k; j++)
            if (!strcmp(d->class_names[i], brain_model_class_name(m, j))) map[i] = j;
        if (map[i] < 0) {
            int rc = cli_fail(cmd, "label '%s' in the data is not one of the %d labels the model was trained on",
                              d->class_names[i], k);
            free(map);
            return rc;
        }
    }
    for (int64_t r = 0; r < d->y->shape[0]; r++) d->y->data[r] = (float)map[(int)d->y->data[r]];
    free(map);
    return CLI_OK;
}
