/* train.c — `brain train [DATA] [options]`: the lecture's workflow on any data file.
 *
 * Stratified split (test, then validation the same fraction of the rest), a scaler fit on the
 * training part only, the model (the lecture's Dense(64, relu) → Dropout(0.5) → output, a
 * --layers list, or a --model file's architecture and compile config), EarlyStopping on
 * val_loss restoring the best weights, then the test results.  --save writes the trained model
 * with its scaler and class labels (brain_model_set_scaler / _set_class_names), so that
 * `brain predict` and `brain evaluate` on raw data see exactly what training saw. */
#include "cli.h"
#include <stdlib.h>
#include <string.h>

static const cli_cmd_help HELP = {
    "train", "[DATA [LABELS]] [options]",
    "Trains a model and reports its results on a held-out test part (loss and metrics).\n"
    "DATA: a CSV table (with --target COL), an .npz with arrays x and y, X.npy Y.npy, or an IDX\n"
    "image file and its label file.  Without DATA: the built-in breast cancer data.\n"
    "The task (binary, multiclass, regression) follows from the target: string labels or a few\n"
    "whole numbers are classes.  The default model is the lecture's: Dense(64, relu), Dropout(0.5),\n"
    "and an output layer for the task; Adam; EarlyStopping(val_loss, patience 10, best weights).\n"
    "--layers takes a comma-separated list (the whole model, output layer included):\n"
    "  dense:UNITS[:ACT]  dropout:RATE  flatten  batchnorm  activation:ACT\n"
    "  conv1d:FILTERS:KERNEL[:ACT]  conv2d:FILTERS:KERNEL[:ACT]  maxpool1d[:P]  maxpool2d[:P]\n"
    "  gap1d  gap2d  lstm:UNITS[:seq]  gru:UNITS[:seq]  simplernn:UNITS[:seq]\n"
    "  (2-D data before a conv1d/recurrent layer and 3-D data before a conv2d get a channel axis)."
};

static const char *const task_choices[] = { "binary", "multiclass", "regression", NULL };
static const char *const scaler_choices[] = { "standard", "minmax", "none", NULL };
static const char *const verbose_choices[] = { "auto", "0", "1", "2", NULL };
static const char *const optimizer_choices[] = { "adam", "adamw", "sgd", "rmsprop", NULL };

typedef struct train_args {
    cli_data_opts data;
    const char *drop[64];
    const char *model_file, *layers, *save, *history, *task, *scaler, *verbose, *optimizer, *loss, *metrics;
    int units, epochs, batch, patience;
    double dropout, lr, test_size;
    int64_t seed;
    bool no_early_stopping;
} train_args;

/* ------------------------------------------------------------------ --layers */
static bool whole_num(const char *s, long long lo, long long hi, long long *out)
{
    if (!*s) return false;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9') return false;
    if (strlen(s) > 12) return false;
    long long v = atoll(s);
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

typedef struct spec_item { char kind[16]; char arg[3][32]; int n_arg; } spec_item;

static int layer_error(const char *item, int k, const char *fmt, const char *what)
{
    char msg[256];
    snprintf(msg, sizeof msg, fmt, what);
    return cli_usage("train", "--layers: item %d \"%s\": %s", k, item, msg);
}

static const char *first_kind(const char *spec, char *buf, size_t cap)
{
    size_t n = strcspn(spec, ":,");
    snprintf(buf, cap, "%.*s", (int)(n < cap - 1 ? n : cap - 1), spec);
    return buf;
}

/* Adds the layers of `spec` to m; the first layer sees per-sample shape `in`. */
static int add_layers(brain_model *m, const char *spec, brain_shape in)
{
    char kind0[32];
    first_kind(spec, kind0, sizeof kind0);
    bool seq1d = !strcmp(kind0, "conv1d") || !strcmp(kind0, "lstm") || !strcmp(kind0, "gru") ||
                 !strcmp(kind0, "simplernn") || !strcmp(kind0, "maxpool1d");
    bool img2d = !strcmp(kind0, "conv2d") || !strcmp(kind0, "maxpool2d");
    if (in.ndim && ((seq1d && in.ndim == 1) || (img2d && in.ndim == 2))) {   /* a channel axis */
        brain_shape r = in;
        r.dims[r.ndim++] = 1;
        if (brain_model_add(m, brain_reshape(r, NULL))) return cli_lib_fail("train");
    }
    char buf[1024];
    if (strlen(spec) >= sizeof buf) return cli_usage("train", "--layers: the list is too long");
    strcpy(buf, spec);
    int k = 0;
    for (char *save = NULL, *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        k++;
        char copy[128];
        snprintf(copy, sizeof copy, "%s", item);
        char *parts[5] = { 0 };
        int np = 0;
        for (char *s2 = NULL, *p = strtok_r(copy, ":", &s2); p && np < 5; p = strtok_r(NULL, ":", &s2)) parts[np++] = p;
        if (!np) return layer_error(item, k, "%s", "empty item");
        const char *kd = parts[0];
        long long a = 0, b = 0;
        brain_activation_kind act = BRAIN_LINEAR;
        brain_layer *l = NULL;
#define NEED(nmin, nmax) do { if (np - 1 < (nmin) || np - 1 > (nmax)) \
            return layer_error(item, k, "%s takes a different number of ':' values (see brain train --help)", kd); } while (0)
#define UNITS(i, name) do { if (!whole_num(parts[i], 1, 1000000, &a)) \
            return layer_error(item, k, "\"%s\" is not a whole number in [1, 1000000]", parts[i]); } while (0)
#define ACT(i) do { if (np > (i) && brain_activation_from_name(parts[i], &act)) \
            return layer_error(item, k, "\"%s\" is not an activation (relu, sigmoid, tanh, softmax, linear, ...)", parts[i]); } while (0)
        if (!strcmp(kd, "dense")) {
            NEED(1, 2); UNITS(1, "units"); ACT(2);
            l = brain_dense(a, &(brain_dense_options){ .activation = act });
        } else if (!strcmp(kd, "dropout")) {
            NEED(1, 1);
            char *end;
            double r = strtod(parts[1], &end);
            if (*end || end == parts[1] || !(r >= 0 && r < 1))
                return layer_error(item, k, "dropout rate \"%s\" is not in [0, 1)", parts[1]);
            l = brain_dropout((float)r, NULL);
        } else if (!strcmp(kd, "flatten")) {
            NEED(0, 0);
            l = brain_flatten(NULL);
        } else if (!strcmp(kd, "batchnorm")) {
            NEED(0, 0);
            l = brain_batch_normalization(NULL);
        } else if (!strcmp(kd, "activation")) {
            NEED(1, 1); ACT(1);
            l = brain_activation(act, NULL);
        } else if (!strcmp(kd, "conv1d") || !strcmp(kd, "conv2d")) {
            NEED(2, 3); UNITS(1, "filters");
            if (!whole_num(parts[2], 1, 1024, &b)) return layer_error(item, k, "kernel size \"%s\" is not in [1, 1024]", parts[2]);
            ACT(3);
            brain_conv_options co = { .activation = act };
            l = kd[4] == '1' ? brain_conv1d(a, b, &co) : brain_conv2d(a, b, b, &co);
        } else if (!strcmp(kd, "maxpool1d") || !strcmp(kd, "maxpool2d")) {
            NEED(0, 1);
            a = 2;
            if (np > 1 && !whole_num(parts[1], 1, 1024, &a)) return layer_error(item, k, "pool size \"%s\" is not in [1, 1024]", parts[1]);
            brain_pool_options po = { .pool_size = { a, a } };
            l = kd[7] == '1' ? brain_max_pooling1d(&po) : brain_max_pooling2d(&po);
        } else if (!strcmp(kd, "gap1d") || !strcmp(kd, "gap2d")) {
            NEED(0, 0);
            l = kd[3] == '1' ? brain_global_average_pooling1d(NULL) : brain_global_average_pooling2d(NULL);
        } else if (!strcmp(kd, "lstm") || !strcmp(kd, "gru") || !strcmp(kd, "simplernn")) {
            NEED(1, 2); UNITS(1, "units");
            if (np > 2 && strcmp(parts[2], "seq")) return layer_error(item, k, "\"%s\" should be seq (return_sequences)", parts[2]);
            brain_rnn_options ro = { .return_sequences = np > 2 };
            l = kd[0] == 'l' ? brain_lstm(a, &ro) : kd[0] == 'g' ? brain_gru(a, &ro) : brain_simple_rnn(a, &ro);
        } else {
            static const char *kinds[] = { "dense", "dropout", "flatten", "batchnorm", "activation", "conv1d", "conv2d",
                                           "maxpool1d", "maxpool2d", "gap1d", "gap2d", "lstm", "gru", "simplernn" };
            const char *near = NULL;
            int best = 99;
            for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
                int d = cli_edit_distance(kd, kinds[i]);
                if (d < best) { best = d; near = kinds[i]; }
            }
            if (best <= 2) {
                char msg[64];
                snprintf(msg, sizeof msg, "unknown layer \"%s\"; did you mean '%s'?", kd, near);
                return layer_error(item, k, "%s", msg);
            }
            return layer_error(item, k, "unknown layer \"%s\" (see brain train --help)", kd);
        }
#undef NEED
#undef UNITS
#undef ACT
        if (brain_model_add(m, l)) return cli_fail("train", "--layers: item %d \"%s\": %s", k, item, brain_last_error());
    }
    if (!k) return cli_usage("train", "--layers: the list is empty");
    return CLI_OK;
}

/* ------------------------------------------------------------------ the task */
typedef enum { TASK_BINARY, TASK_MULTI, TASK_REGRESSION } task_kind;

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Whole-number labels that are not 0..k-1 (UCR/UEA files number classes 1..k, or -1/1): 2 to 20
 * distinct values become class ids 0..k-1 with the values as class names ("%g"), as
 * LabelEncoder does, so that predict --classes gives the file's own labels back. */
static int encode_numeric_labels(cli_data *d)
{
    int64_t n = d->y->shape[0];
    float *v = malloc(sizeof(float) * (size_t)n);
    if (!v) return cli_fail("train", "out of memory");
    memcpy(v, d->y->data, sizeof(float) * (size_t)n);
    qsort(v, (size_t)n, sizeof(float), cmp_float);
    int k = 0;
    bool whole = true;
    for (int64_t i = 0; i < n && whole; i++) {
        whole = v[i] == (float)(long)v[i];
        if (i == 0 || v[i] != v[i - 1]) {
            if (k == 20) { k = 21; break; }
            v[k++] = v[i];
        }
    }
    bool ids = whole && k >= 1 && v[0] == 0 && v[k - 1] == (float)(k - 1);
    if (!whole || k < 2 || k > 20 || ids) { free(v); return CLI_OK; }
    d->class_names = calloc((size_t)k, sizeof(char *));
    for (int c = 0; d->class_names && c < k; c++) {
        char buf[32];
        snprintf(buf, sizeof buf, "%g", v[c]);
        d->class_names[c] = strdup(buf);
    }
    d->n_classes = k;
    for (int64_t i = 0; i < n; i++) {
        float *hit = bsearch(&d->y->data[i], v, (size_t)k, sizeof(float), cmp_float);
        d->y->data[i] = (float)(hit - v);
    }
    free(v);
    return CLI_OK;
}

static int find_task(const train_args *a, cli_data *d, task_kind *task, int *n_classes)
{
    int64_t n = d->y->shape[0], k = brain_tensor_row_size(d->y);
    bool regression = a->task && !strcmp(a->task, "regression");
    if (!d->n_classes && k == 1 && !regression) {
        int rc = encode_numeric_labels(d);
        if (rc) return rc;
        if (d->n_classes) printf("classes: the target's values %s%s%s ... are labels (ids 0..%d)\n", d->class_names[0],
                                 d->n_classes > 1 ? ", " : "", d->n_classes > 1 ? d->class_names[1] : "", d->n_classes - 1);
    }
    int nc = d->n_classes;
    if (!nc && k == 1) {
        bool whole = true;
        double mx = 0;
        for (int64_t i = 0; i < n; i++) {
            double v = d->y->data[i];
            if (v != (double)(long)v || v < 0) { whole = false; break; }
            if (v > mx) mx = v;
        }
        nc = whole && mx < 100 ? (int)mx + 1 : 0;
    }
    if (a->task) *task = !strcmp(a->task, "binary") ? TASK_BINARY : !strcmp(a->task, "multiclass") ? TASK_MULTI : TASK_REGRESSION;
    else *task = nc == 2 ? TASK_BINARY : nc > 2 ? TASK_MULTI : TASK_REGRESSION;
    if (*task != TASK_REGRESSION && nc < 2)
        return cli_usage("train", "--task %s: the target does not hold classes (whole numbers 0..k-1 or labels, at least two)",
                         a->task ? a->task : "");
    if (*task == TASK_BINARY && nc > 2)
        return cli_usage("train", "--task binary: the target has %d classes", nc);
    *n_classes = nc;
    return CLI_OK;
}

/* --loss and --metrics name things Keras has (checked before any work) */
static int check_names(const train_args *a)
{
    if (a->loss) {
        brain_loss *probe = brain_loss_from_name(a->loss);
        if (!probe)
            return cli_usage("train", "--loss: \"%s\" is not a loss (binary_crossentropy, categorical_crossentropy, "
                             "sparse_categorical_crossentropy, mse, mae, huber, ...)", a->loss);
        brain_loss_free(probe);
    }
    if (a->metrics) {
        char buf[256];
        if (strlen(a->metrics) >= sizeof buf) return cli_usage("train", "--metrics: the list is too long");
        strcpy(buf, a->metrics);
        int n = 0;
        for (char *s = NULL, *p = strtok_r(buf, ",", &s); p; p = strtok_r(NULL, ",", &s)) {
            brain_metric *probe = brain_metric_from_name(p);
            if (!probe) return cli_usage("train", "--metrics: \"%s\" is not a metric (accuracy, precision, recall, auc, mae, mse, ...)", p);
            brain_metric_free(probe);
            if (++n > 16) return cli_usage("train", "--metrics: more than 16 metrics");
        }
        if (!n) return cli_usage("train", "--metrics: the list is empty");
    }
    return CLI_OK;
}

static int compile_model(brain_model *m, const train_args *a, task_kind task)
{
    brain_compile_options co = { 0 };
    if (!a->optimizer || !strcmp(a->optimizer, "adam")) co.optimizer = brain_adam(&(brain_adam_options){ .learning_rate = (float)a->lr });
    else if (!strcmp(a->optimizer, "adamw")) co.optimizer = brain_adamw(&(brain_adam_options){ .learning_rate = (float)a->lr });
    else if (!strcmp(a->optimizer, "sgd")) co.optimizer = brain_sgd(&(brain_sgd_options){ .learning_rate = (float)a->lr });
    else co.optimizer = brain_rmsprop(&(brain_rmsprop_options){ .learning_rate = (float)a->lr });
    brain_metric *metrics[5] = { 0 };
    const char *names[17] = { 0 };
    char mbuf[256];
    if (a->loss) co.loss_name = a->loss;
    else co.loss_name = task == TASK_BINARY ? "binary_crossentropy" : task == TASK_MULTI ? "sparse_categorical_crossentropy" : "mse";
    if (a->metrics) {
        snprintf(mbuf, sizeof mbuf, "%s", a->metrics);
        int n = 0;
        for (char *s = NULL, *p = strtok_r(mbuf, ",", &s); p && n < 16; p = strtok_r(NULL, ",", &s)) names[n++] = p;
        co.metric_names = names;
    } else if (task == TASK_BINARY) {
        metrics[0] = brain_metric_accuracy(NULL);
        metrics[1] = brain_metric_precision(NULL);
        metrics[2] = brain_metric_recall(NULL);
        metrics[3] = brain_metric_auc(NULL);
        co.metrics = metrics;
    } else {
        static const char *acc[] = { "accuracy", NULL }, *mae[] = { "mae", NULL };
        co.metric_names = task == TASK_MULTI ? acc : mae;
    }
    return brain_compile(m, &co) ? cli_lib_fail("train") : CLI_OK;
}

static int output_units(task_kind task, int n_classes, const brain_tensor *y)
{
    return task == TASK_BINARY ? 1 : task == TASK_MULTI ? n_classes : (int)brain_tensor_row_size(y);
}

/* ------------------------------------------------------------------ the command */
int cli_train(int argc, char **argv)
{
    train_args a = { .units = 64, .epochs = 100, .batch = 32, .patience = 10, .dropout = 0.5, .test_size = 0.2,
                     .seed = 42, .scaler = "standard", .verbose = "auto" };
    cli_opt opts[40] = {
        { "--model", NULL, CLI_STRING, &a.model_file, "SPEC.keras", "architecture and compile config from a model file (.keras or .h5; fresh weights)" },
        { "--layers", NULL, CLI_STRING, &a.layers, "LIST", "the model as a list, e.g. dense:64:relu,dropout:0.5,dense:1:sigmoid" },
        { "--task", NULL, CLI_CHOICE, &a.task, "T", "binary, multiclass or regression (default: from the target)", .choices = task_choices },
        { "--units", NULL, CLI_INT, &a.units, "N", "default model: hidden Dense units (64)", .imin = 1, .imax = 1000000 },
        { "--dropout", NULL, CLI_DOUBLE, &a.dropout, "R", "default model: dropout rate after the hidden layer (0.5)", .lo = 0, .hi = 1, .hi_open = true },
        { "--optimizer", NULL, CLI_CHOICE, &a.optimizer, "NAME", "adam, adamw, sgd or rmsprop (adam)", .choices = optimizer_choices },
        { "--lr", NULL, CLI_DOUBLE, &a.lr, "X", "learning rate (the optimizer's Keras default: 0.001 for adam)", .lo = 0, .hi = 1e3, .lo_open = true },
        { "--loss", NULL, CLI_STRING, &a.loss, "NAME", "Keras loss name (default: binary_crossentropy, sparse_categorical_crossentropy or mse)" },
        { "--metrics", NULL, CLI_STRING, &a.metrics, "LIST", "comma-separated Keras metric names (default: by task)" },
        { "--epochs", NULL, CLI_INT, &a.epochs, "N", "maximum epochs (100)", .imin = 1, .imax = 1000000 },
        { "--batch-size", NULL, CLI_INT, &a.batch, "N", "(32)", .imin = 1, .imax = 1 << 24 },
        { "--patience", NULL, CLI_INT, &a.patience, "N", "EarlyStopping patience on val_loss (10)", .imin = 0, .imax = 1000000 },
        { "--no-early-stopping", NULL, CLI_FLAG, &a.no_early_stopping, NULL, "train all epochs" },
        { "--test-size", NULL, CLI_DOUBLE, &a.test_size, "F", "test fraction (0.2); validation is the same fraction of the rest", .lo = 0, .hi = 1, .lo_open = true, .hi_open = true },
        { "--scaler", NULL, CLI_CHOICE, &a.scaler, "S", "standard, minmax or none (standard); fit on the training part", .choices = scaler_choices },
        { "--seed", NULL, CLI_INT64, &a.seed, "N", "random seed of the split, initial weights, dropout, shuffling (42)", .imin = 0, .imax = 4294967295LL },
        { "--verbose", NULL, CLI_CHOICE, &a.verbose, "V", "auto (a progress bar when stderr is a terminal, else 2), 0, 1 or 2", .choices = verbose_choices },
        { "--save", NULL, CLI_STRING, &a.save, "OUT.keras", "write the trained model (the best one), with its scaler and labels" },
        { "--history", NULL, CLI_STRING, &a.history, "OUT.csv", "write the per-epoch log (Keras's CSVLogger format; brain plot draws it)" },
    };
    int n_opts = 0;
    while (opts[n_opts].name) n_opts++;
    cli_data_options(opts, &n_opts, &a.data, a.drop, 64);
    const char *pos[2];
    int n_pos;
    bool help;
    int rc = cli_parse(&HELP, opts, argc, argv, pos, 2, &n_pos, &help);
    if (rc || help) return rc;
    if (a.model_file && a.layers) return cli_usage("train", "--model and --layers both give the model: choose one");
    if ((rc = check_names(&a))) return rc;
    if (a.layers) {                     /* the list's syntax, before any work (shapes come later) */
        brain_model *scratch = brain_sequential(NULL);
        rc = scratch ? add_layers(scratch, a.layers, (brain_shape){ 0 }) : cli_lib_fail("train");
        brain_model_free(scratch);
        if (rc) return rc;
    }
    if (a.save && !cli_ends_with(a.save, ".keras")) return cli_usage("train", "--save: \"%s\" must end in .keras", a.save);
    if (n_pos == 0 && (a.data.target || a.data.no_header)) return cli_usage("train", "--target and --no-header need a DATA file");

    int verbose = !strcmp(a.verbose, "auto") ? cli_auto_verbose() : !strcmp(a.verbose, "0") ? BRAIN_SILENT : atoi(a.verbose);
    brain_set_random_seed((uint64_t)a.seed);
    cli_print_to_stderr();

    rc = CLI_RUNTIME;
    cli_data d = { 0 };
    brain_tensor *xa = NULL, *xte = NULL, *ya = NULL, *yte = NULL, *xtr = NULL, *xva = NULL, *ytr = NULL, *yva = NULL;
    brain_scaler *sc = NULL;
    brain_model *m = NULL;
    brain_callback *es = NULL, *logger = NULL;
    brain_history *h = NULL;
#define TRY(call) do { if ((call) != BRAIN_OK) { rc = cli_lib_fail("train"); goto out; } } while (0)
#define RUN(call) do { if ((rc = (call)) != CLI_OK) goto out; rc = CLI_RUNTIME; } while (0)

    if (n_pos) {
        RUN(cli_load_data("train", pos, n_pos, &a.data, true, &d));
        printf("%s\n", d.what);
    } else {
        brain_table *t = NULL;
        TRY(brain_load_breast_cancer(&t));
        d.x = brain_table_x(t);
        d.y = brain_table_y(t);
        printf("Built-in data: Wisconsin diagnostic breast cancer (UCI; via scikit-learn), %lld rows, %lld features, target '%s'\n",
               (long long)t->n_rows, (long long)t->n_features, t->target_name);
        brain_table_free(t);
        if (!d.x || !d.y) { rc = cli_lib_fail("train"); goto out; }
    }

    task_kind task;
    int n_classes = 0;
    RUN(find_task(&a, &d, &task, &n_classes));
    printf("task: %s\n", task == TASK_BINARY ? "binary" : task == TASK_MULTI ? "multiclass" : "regression (mean squared error)");

    bool strat = task != TASK_REGRESSION;
    brain_split_options so = { .test_size = a.test_size, .stratify = strat ? d.y->data : NULL,
                               .random_state = (uint32_t)a.seed, .has_random_state = true };
    TRY(brain_train_test_split(d.x, d.y, &so, &xa, &xte, &ya, &yte));
    so.stratify = strat ? ya->data : NULL;
    TRY(brain_train_test_split(xa, ya, &so, &xtr, &xva, &ytr, &yva));
    printf("split: train %lld, validation %lld, test %lld%s\n", (long long)xtr->shape[0], (long long)xva->shape[0],
           (long long)xte->shape[0], strat ? " (stratified)" : "");

    if (strcmp(a.scaler, "none")) {
        sc = !strcmp(a.scaler, "standard") ? brain_standard_scaler() : brain_minmax_scaler(0, 1);
        if (!sc) { rc = cli_lib_fail("train"); goto out; }
        TRY(brain_scaler_fit_transform(sc, xtr));
        TRY(brain_scaler_transform(sc, xva));
        TRY(brain_scaler_transform(sc, xte));
    }

    brain_shape in = { .ndim = xtr->ndim - 1 };
    for (int i = 1; i < xtr->ndim; i++) in.dims[i - 1] = xtr->shape[i];
    int units_out = output_units(task, n_classes, d.y);
    if (a.model_file) {
        TRY(brain_load_model(a.model_file, &m, &(brain_load_options){ .weights = BRAIN_OFF }));
        TRY(brain_model_set_scaler(m, NULL));           /* this training's own preprocessing only */
        TRY(brain_model_set_class_names(m, NULL, 0));
        brain_shape mi = brain_model_input_shape(m);
        int64_t ms = 1, ds = 1;
        for (int i = 0; i < mi.ndim; i++) ms *= mi.dims[i];
        for (int i = 0; i < in.ndim; i++) ds *= in.dims[i];
        if (ms != ds || brain_model_num_inputs(m) != 1) {
            rc = cli_fail("train", "--model %s: the model takes inputs of %lld values, the data has %lld per sample",
                          a.model_file, (long long)ms, (long long)ds);
            goto out;
        }
        if (mi.ndim != in.ndim) {      /* same size, another shape: reshape the data */
            int64_t sh[BRAIN_MAX_DIMS + 1];
            int64_t rows[3] = { xtr->shape[0], xva->shape[0], xte->shape[0] };
            brain_tensor *ts[3] = { xtr, xva, xte };
            for (int i = 0; i < mi.ndim; i++) sh[i + 1] = mi.dims[i];
            for (int j = 0; j < 3; j++) {
                sh[0] = rows[j];
                TRY(brain_tensor_reshape(ts[j], mi.ndim + 1, sh));
            }
        }
        if (a.lr > 0 && brain_model_optimizer(m)) brain_optimizer_set_learning_rate(brain_model_optimizer(m), (float)a.lr);
        if (!brain_model_optimizer(m) || a.loss || a.metrics || a.optimizer) RUN(compile_model(m, &a, task));
    } else {
        m = brain_sequential(NULL);   /* Keras's default name, "sequential" */
        TRY(brain_model_add(m, brain_input(in)));
        if (a.layers) {
            RUN(add_layers(m, a.layers, in));
            TRY(brain_model_build(m));
            brain_shape o = brain_model_output_shape(m);
            if (!a.loss && (o.ndim != 1 || o.dims[0] != units_out)) {
                rc = cli_usage("train", "--layers: the last layer gives %lld values per sample, the %s task needs %d (%s)",
                               (long long)(o.ndim ? o.dims[o.ndim - 1] : 0),
                               task == TASK_BINARY ? "binary" : task == TASK_MULTI ? "multiclass" : "regression", units_out,
                               task == TASK_BINARY ? "dense:1:sigmoid" : task == TASK_MULTI ? "dense:K:softmax" : "dense:K");
                goto out;
            }
        } else {
            if (in.ndim > 1) TRY(brain_model_add(m, brain_flatten(NULL)));
            TRY(brain_model_add(m, brain_dense(a.units, &(brain_dense_options){ .activation = BRAIN_RELU })));
            if (a.dropout > 0) TRY(brain_model_add(m, brain_dropout((float)a.dropout, NULL)));
            brain_activation_kind act = task == TASK_BINARY ? BRAIN_SIGMOID : task == TASK_MULTI ? BRAIN_SOFTMAX : BRAIN_LINEAR;
            TRY(brain_model_add(m, brain_dense(units_out, &(brain_dense_options){ .activation = act })));
        }
        RUN(compile_model(m, &a, task));
    }
    TRY(brain_model_summary(m, 0));

    brain_callback *cbs[3] = { 0 };
    int n_cb = 0;
    if (!a.no_early_stopping) {
        es = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_loss", .patience = a.patience,
                                  .restore_best_weights = true, .verbose = verbose != BRAIN_SILENT });
        if (!es) { rc = cli_lib_fail("train"); goto out; }
        cbs[n_cb++] = es;
    }
    if (a.history) {
        if (!(logger = brain_csv_logger(a.history, NULL))) { rc = cli_lib_fail("train"); goto out; }
        cbs[n_cb++] = logger;
    }
    TRY(brain_fit(m, xtr, ytr, &(brain_fit_options){ .epochs = a.epochs, .batch_size = a.batch, .x_val = xva, .y_val = yva,
                  .verbose = verbose, .callbacks = cbs }, &h));

    brain_logs r;
    TRY(brain_evaluate(m, xte, yte, &(brain_eval_options){ .batch_size = a.batch, .verbose = BRAIN_SILENT }, &r));
    if (es) printf("\nTest results (%lld rows, best epoch %d of %d run):\n", (long long)xte->shape[0],
                   brain_early_stopping_best_epoch(es) + 1, brain_history_num_epochs(h));
    else printf("\nTest results (%lld rows, after %d epochs):\n", (long long)xte->shape[0], brain_history_num_epochs(h));
    for (int i = 0; i < r.n; i++) printf("  %-10s %.4f\n", r.names[i], r.values[i]);

    if (a.save) {
        if (sc) TRY(brain_model_set_scaler(m, sc));
        if (d.n_classes) TRY(brain_model_set_class_names(m, (const char *const *)d.class_names, d.n_classes));
        TRY(brain_save(m, a.save));
        printf("Saved the model to %s%s%s%s\n", a.save, sc ? " (with its scaler" : "",
               d.n_classes ? (sc ? " and class labels" : " (with its class labels") : "", sc || d.n_classes ? ")" : "");
    }
    if (a.history) printf("Wrote the training history to %s\n", a.history);
    rc = CLI_OK;
out:
    brain_history_free(h);
    brain_callback_free(es);
    brain_callback_free(logger);
    brain_model_free(m);
    brain_scaler_free(sc);
    brain_tensor *all[] = { xa, xte, ya, yte, xtr, xva, ytr, yva };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    cli_data_free(&d);
    return rc;
#undef TRY
#undef RUN
}
