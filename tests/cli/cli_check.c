/* cli_check.c — the library's own predictions against what `brain predict` wrote
 * (tests/cli/test_cli.sh).
 *
 *   cli_check csv MODEL.keras PRED.csv DATA.csv TARGET SEED TEST_SIZE
 *       Redoes what `brain train` did before training — read the CSV, the same two stratified
 *       splits, a StandardScaler fit on the training part — then checks that the scaler saved in
 *       the model is that one (bitwise), transforms every row with the refit scaler, predicts
 *       with the loaded model and requires PRED.csv to hold exactly those float32 values.
 *   cli_check npz MODEL.keras PRED.npy DATA.npz
 *       x of the npz, the model's saved scaler, brain_predict: equal to PRED.npy bit for bit.
 * Exit 0 when equal; 1 with a message naming the first difference. */
#include <brain.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "cli_check: %s\n", brain_last_error()); return 1; } } while (0)

static int compare(const brain_tensor *mine, const float *theirs, int64_t n, const char *what)
{
    if (mine->size != n) {
        fprintf(stderr, "cli_check: %s has %lld values, the library predicts %lld\n", what, (long long)n, (long long)mine->size);
        return 1;
    }
    for (int64_t i = 0; i < n; i++)
        if (mine->data[i] != theirs[i]) {
            fprintf(stderr, "cli_check: %s value %lld is %.9g, the library predicts %.9g\n", what, (long long)i, theirs[i],
                    mine->data[i]);
            return 1;
        }
    printf("cli_check: %lld predictions in %s equal the library's, bit for bit\n", (long long)n, what);
    return 0;
}

static int check_csv(char **argv)
{
    const char *model = argv[2], *pred = argv[3], *data = argv[4], *target = argv[5];
    uint32_t seed = (uint32_t)strtoul(argv[6], NULL, 10);
    double test_size = strtod(argv[7], NULL);
    brain_table *t;
    TRY(brain_read_csv(data, &(brain_csv_options){ .target = target }, &t));
    brain_tensor *x = brain_table_x(t), *y = brain_table_y(t), *xa, *xte, *ya, *yte, *xtr, *xva, *ytr, *yva;
    brain_split_options so = { .test_size = test_size, .stratify = y->data, .random_state = seed, .has_random_state = true };
    TRY(brain_train_test_split(x, y, &so, &xa, &xte, &ya, &yte));
    so.stratify = ya->data;
    TRY(brain_train_test_split(xa, ya, &so, &xtr, &xva, &ytr, &yva));
    brain_scaler *sc = brain_standard_scaler();
    TRY(brain_scaler_fit(sc, xtr));
    brain_model *m;
    TRY(brain_load_model(model, &m, NULL));
    const brain_scaler *saved = brain_model_scaler(m);
    int64_t p = brain_scaler_num_features(sc);
    if (!saved || brain_scaler_num_features(saved) != p ||
        memcmp(brain_scaler_mean(saved), brain_scaler_mean(sc), (size_t)p * sizeof(double)) ||
        memcmp(brain_scaler_scale(saved), brain_scaler_scale(sc), (size_t)p * sizeof(double))) {
        fprintf(stderr, "cli_check: the scaler saved in %s is not the one fitted on the training part\n", model);
        return 1;
    }
    /* the test part's loss, as `brain train` printed it (the restored best weights are saved) */
    TRY(brain_scaler_transform(sc, xte));
    brain_logs lg;
    TRY(brain_evaluate(m, xte, yte, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &lg));
    double loss = 0;
    brain_logs_get(&lg, "loss", &loss);
    printf("cli_check: test loss %.4f\n", loss);
    TRY(brain_scaler_transform(sc, x));
    brain_tensor *mine;
    TRY(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &mine));
    /* PRED.csv: a header, then one value per row and output */
    FILE *f = fopen(pred, "r");
    if (!f) { fprintf(stderr, "cli_check: cannot open %s\n", pred); return 1; }
    char line[4096];
    if (!fgets(line, sizeof line, f)) { fclose(f); fprintf(stderr, "cli_check: %s is empty\n", pred); return 1; }
    float *theirs = malloc(sizeof(float) * (size_t)mine->size);
    int64_t n = 0;
    double v;
    while (n < mine->size && fscanf(f, " %lf%*[,]", &v) == 1) theirs[n++] = (float)v;
    fclose(f);
    int rc = compare(mine, theirs, n, pred);
    free(theirs);
    brain_tensor *all[] = { x, y, xa, xte, ya, yte, xtr, xva, ytr, yva, mine };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    brain_scaler_free(sc);
    brain_model_free(m);
    brain_table_free(t);
    return rc;
}

static int check_npz(char **argv)
{
    const char *model = argv[2], *pred = argv[3], *data = argv[4];
    brain_model *m;
    brain_tensor *x, *theirs, *mine;
    TRY(brain_load_model(model, &m, NULL));
    TRY(brain_load_npz(data, "x", &x));
    if (brain_model_scaler(m)) TRY(brain_scaler_transform(brain_model_scaler(m), x));
    TRY(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &mine));
    TRY(brain_load_npy(pred, &theirs));
    int rc = compare(mine, theirs->data, theirs->size, pred);
    brain_tensor_free(x);
    brain_tensor_free(theirs);
    brain_tensor_free(mine);
    brain_model_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 8 && !strcmp(argv[1], "csv")) return check_csv(argv);
    if (argc == 5 && !strcmp(argv[1], "npz")) return check_npz(argv);
    fprintf(stderr, "usage: cli_check csv MODEL PRED.csv DATA.csv TARGET SEED TEST_SIZE | npz MODEL PRED.npy DATA.npz\n");
    return 2;
}
