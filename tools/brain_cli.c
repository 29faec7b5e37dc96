/* brain — the command-line program.
 *
 *   brain train [FILE.csv --target COLUMN] [options]   train and test a Dense network on a CSV
 *   brain version                                      version and matrix-multiply backend
 *
 * With no FILE, `train` uses the built-in Wisconsin breast cancer data: the lecture's
 * workflow (stratified split, scaler fit on train only, Dense(64, relu) → Dropout(0.5) →
 * Dense(1, sigmoid), Adam, binary cross-entropy, EarlyStopping restoring the best weights),
 * then test loss, accuracy, precision, recall and AUC. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: brain train [FILE.csv --target COLUMN] [options]\n"
        "       brain version\n\n"
        "train options (defaults follow the lecture):\n"
        "  --target NAME        target column of FILE.csv (string labels allowed)\n"
        "  --drop NAME          ignore a column (repeatable, e.g. an id column)\n"
        "  --task T             binary | multiclass | regression (default: from the target)\n"
        "  --units N            hidden Dense units (64)\n"
        "  --dropout R          dropout rate after the hidden layer (0.5)\n"
        "  --epochs N           maximum epochs (100)\n"
        "  --batch-size N       (32)\n"
        "  --lr X               Adam learning rate (0.001)\n"
        "  --patience N         EarlyStopping patience on val_loss (10)\n"
        "  --test-size F        test fraction (0.2); validation is the same fraction of the rest\n"
        "  --scaler S           standard | minmax | none (standard)\n"
        "  --seed N             random seed (42)\n"
        "  --verbose V          0, 1 (progress bar) or 2 (one line per epoch) (1)\n");
}

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "brain: %s\n", brain_last_error()); goto fail; } } while (0)

static int cmd_train(int argc, char **argv)
{
    const char *file = NULL, *target = NULL, *task = NULL, *scaler_name = "standard";
    const char *drop[32] = {0};
    int n_drop = 0, units = 64, epochs = 100, batch = 32, patience = 10, verbose = 1;
    double dropout = 0.5, lr = 0.001, test_size = 0.2;
    unsigned long seed = 42;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define OPT(name) (!strcmp(a, name) && v && (i++, 1))
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(stdout); return 0; }
        if (OPT("--target")) target = v;
        else if (OPT("--drop")) { if (n_drop < 31) drop[n_drop++] = v; }
        else if (OPT("--task")) task = v;
        else if (OPT("--units")) units = atoi(v);
        else if (OPT("--dropout")) dropout = atof(v);
        else if (OPT("--epochs")) epochs = atoi(v);
        else if (OPT("--batch-size")) batch = atoi(v);
        else if (OPT("--lr")) lr = atof(v);
        else if (OPT("--patience")) patience = atoi(v);
        else if (OPT("--test-size")) test_size = atof(v);
        else if (OPT("--scaler")) scaler_name = v;
        else if (OPT("--seed")) seed = strtoul(v, NULL, 10);
        else if (OPT("--verbose")) verbose = atoi(v);
        else if (a[0] != '-' && !file) file = a;
        else { fprintf(stderr, "brain: unknown or incomplete option '%s'\n\n", a); usage(stderr); return 2; }
#undef OPT
    }
    if (file && !target) { fprintf(stderr, "brain: %s needs --target COLUMN\n", file); return 2; }
    if (units <= 0 || epochs <= 0 || batch <= 0 || patience < 0 || !(dropout >= 0 && dropout < 1) ||
        !(test_size > 0 && test_size < 1) || !(lr > 0) || verbose < 0 || verbose > 2) {
        fprintf(stderr, "brain: an option is out of range (units, epochs, batch-size > 0; 0 <= dropout < 1; "
                        "0 < test-size < 1; lr > 0; verbose 0..2)\n");
        return 2;
    }
    brain_set_random_seed(seed);

    int rc = 1;
    brain_table *t = NULL;
    brain_tensor *x = NULL, *y = NULL, *xa = NULL, *xte = NULL, *ya = NULL, *yte = NULL;
    brain_tensor *xtr = NULL, *xva = NULL, *ytr = NULL, *yva = NULL;
    brain_scaler *sc = NULL;
    brain_model *m = NULL;
    brain_callback *es = NULL;
    brain_history *h = NULL;

    if (file) {
        drop[n_drop] = NULL;
        TRY(brain_read_csv(file, &(brain_csv_options){ .target = target, .drop = drop }, &t));
    } else {
        TRY(brain_load_breast_cancer(&t));
        printf("Built-in data: Wisconsin diagnostic breast cancer (UCI; via scikit-learn), ");
    }
    printf("%lld rows, %lld features, target '%s'\n", (long long)t->n_rows, (long long)t->n_features, t->target_name);
    x = brain_table_x(t);
    y = brain_table_y(t);
    if (!x || !y) goto fail;

    /* the task: classes when the target holds labels or few whole numbers */
    int n_classes = t->n_classes;
    if (!n_classes) {
        int whole = 1; double mx = 0;
        for (int64_t i = 0; i < t->n_rows; i++) {
            double v = t->y[i];
            if (v != (double)(long)v || v < 0) { whole = 0; break; }
            if (v > mx) mx = v;
        }
        n_classes = whole && mx < 100 ? (int)mx + 1 : 0;
    }
    if (!task) task = n_classes == 2 ? "binary" : n_classes > 2 ? "multiclass" : "regression";
    bool binary = !strcmp(task, "binary"), multi = !strcmp(task, "multiclass"), regr = !strcmp(task, "regression");
    if (!binary && !multi && !regr) { fprintf(stderr, "brain: --task must be binary, multiclass or regression\n"); goto fail; }
    if ((binary || multi) && n_classes < 2) { fprintf(stderr, "brain: the target has fewer than two classes\n"); goto fail; }
    printf("task: %s%s\n", task, binary || multi ? "" : " (mean squared error)");

    brain_split_options so = { .test_size = test_size, .stratify = regr ? NULL : y->data,
                               .random_state = (uint32_t)seed, .has_random_state = true };
    TRY(brain_train_test_split(x, y, &so, &xa, &xte, &ya, &yte));
    so.stratify = regr ? NULL : ya->data;
    TRY(brain_train_test_split(xa, ya, &so, &xtr, &xva, &ytr, &yva));
    printf("split: train %lld, validation %lld, test %lld%s\n", (long long)xtr->shape[0], (long long)xva->shape[0],
           (long long)xte->shape[0], regr ? "" : " (stratified)");

    if (strcmp(scaler_name, "none")) {
        if (!strcmp(scaler_name, "standard")) sc = brain_standard_scaler();
        else if (!strcmp(scaler_name, "minmax")) sc = brain_minmax_scaler(0, 1);
        else { fprintf(stderr, "brain: --scaler must be standard, minmax or none\n"); goto fail; }
        TRY(brain_scaler_fit_transform(sc, xtr));
        TRY(brain_scaler_transform(sc, xva));
        TRY(brain_scaler_transform(sc, xte));
    }

    m = brain_sequential("cli");
    TRY(brain_model_add(m, brain_input(BRAIN_SHAPE(t->n_features))));
    TRY(brain_model_add(m, brain_dense(units, &(brain_dense_options){ .activation = BRAIN_RELU })));
    if (dropout > 0) TRY(brain_model_add(m, brain_dropout((float)dropout, NULL)));
    brain_compile_options co = { .optimizer = brain_adam(&(brain_adam_options){ .learning_rate = (float)lr }) };
    brain_metric *metrics[5] = {0}; /* lives until brain_compile, which takes the metrics */
    if (binary) {
        TRY(brain_model_add(m, brain_dense(1, &(brain_dense_options){ .activation = BRAIN_SIGMOID })));
        co.loss = brain_loss_binary_crossentropy(NULL);
        metrics[0] = brain_metric_accuracy(NULL);
        metrics[1] = brain_metric_precision(NULL);
        metrics[2] = brain_metric_recall(NULL);
        metrics[3] = brain_metric_auc(NULL);
        co.metrics = metrics;
    } else if (multi) {
        TRY(brain_model_add(m, brain_dense(n_classes, &(brain_dense_options){ .activation = BRAIN_SOFTMAX })));
        co.loss = brain_loss_sparse_categorical_crossentropy(NULL);
        static const char *acc[] = { "accuracy", NULL };
        co.metric_names = acc;
    } else {
        TRY(brain_model_add(m, brain_dense(1, NULL)));
        co.loss = brain_loss_mse(NULL);
        static const char *mae[] = { "mae", NULL };
        co.metric_names = mae;
    }
    TRY(brain_compile(m, &co));
    TRY(brain_model_summary(m, 0));

    es = brain_early_stopping(&(brain_early_stopping_options){ .monitor = "val_loss", .patience = patience,
                                                              .restore_best_weights = true, .verbose = verbose ? 1 : 0 });
    if (!es) goto fail;
    TRY(brain_fit(m, xtr, ytr, &(brain_fit_options){ .epochs = epochs, .batch_size = batch, .x_val = xva, .y_val = yva,
        .verbose = verbose ? verbose : BRAIN_SILENT, .callbacks = (brain_callback *[]){ es, NULL } }, &h));

    brain_logs r;
    TRY(brain_evaluate(m, xte, yte, &(brain_eval_options){ .batch_size = batch, .verbose = BRAIN_SILENT }, &r));
    printf("\nTest results (%lld rows, best epoch %d of %d run):\n", (long long)xte->shape[0],
           brain_early_stopping_best_epoch(es) + 1, brain_history_num_epochs(h));
    for (int i = 0; i < r.n; i++) printf("  %-10s %.4f\n", r.names[i], r.values[i]);
    rc = 0;
fail:
    brain_history_free(h);
    brain_callback_free(es);
    brain_model_free(m);
    brain_scaler_free(sc);
    brain_tensor *all[] = {x, y, xa, xte, ya, yte, xtr, xva, ytr, yva};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    brain_table_free(t);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "version")) {
        printf("brain %s (sgemm: %s)\n", BRAIN_VERSION, brain_sgemm_backend());
        return 0;
    }
    if (!strcmp(argv[1], "train")) return cmd_train(argc - 2, argv + 2);
    fprintf(stderr, "brain: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
