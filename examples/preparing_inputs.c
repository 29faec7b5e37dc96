/* preparing_inputs.c — the lecture's "Code Snippet: Preparing Inputs", in C.
 *
 *   from sklearn.preprocessing import StandardScaler
 *   from keras.utils import to_categorical
 *
 *   # Scale features (fit on training data only)
 *   scaler = StandardScaler()
 *   X_train = scaler.fit_transform(X_train)
 *   X_val = scaler.transform(X_val)
 *
 *   # One-hot encode labels for multi-class
 *   y_train = to_categorical(y_train, num_classes=10)
 *   y_val = to_categorical(y_val, num_classes=10)
 *
 * and the rest of the "Reference Card: Data Preparation": split first, MinMaxScaler for bounded
 * data, LabelEncoder for string labels, reading a CSV (pandas.read_csv) — including what a user
 * sees when the CSV is malformed.
 *
 * Data: data/breast_cancer.csv (569 × 30, numeric target) read with brain_read_csv; a small
 * generated CSV of 12 patients with a string "diagnosis" column written to /tmp; ten-class
 * labels 0..9 generated as (7·i) mod 10; and three deliberately broken CSV files in /tmp.
 * Claim: after fit_transform the training columns have mean 0 and standard deviation 1, the
 * validation columns are transformed with the training statistics (so theirs are only close),
 * one-hot rows sum to 1 with 10 columns, MinMax maps train into [0, 1], the string labels are
 * encoded in sorted order, and every malformed CSV is refused with a message naming the line. */
#include <brain.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRY(call) do { if ((call) != BRAIN_OK) { fprintf(stderr, "error: %s\n", brain_last_error()); return 1; } } while (0)
#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, "claim failed: " __VA_ARGS__); fputc('\n', stderr); ok = 0; } } while (0)

/* Column mean and population std of column j. */
static void column_stats(const brain_tensor *x, int64_t j, double *mean, double *std)
{
    int64_t n = x->shape[0], d = x->shape[1];
    double s = 0, ss = 0;
    for (int64_t i = 0; i < n; i++) s += x->data[i * d + j];
    *mean = s / n;
    for (int64_t i = 0; i < n; i++) { double e = x->data[i * d + j] - *mean; ss += e * e; }
    *std = sqrt(ss / n);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); return 1; }
    fputs(text, f);
    return fclose(f) != 0;
}

int main(void)
{
    int ok = 1;
    brain_set_random_seed(42);

    /* ---- pandas.read_csv('data/breast_cancer.csv'); X = df.drop(columns='target'); y = df['target'] */
    brain_table *df;
    TRY(brain_read_csv("data/breast_cancer.csv", &(brain_csv_options){ .target = "target" }, &df));
    printf("read data/breast_cancer.csv: %lld rows, %lld features, target '%s'\n", (long long)df->n_rows,
           (long long)df->n_features, df->target_name);
    brain_tensor *x = brain_table_x(df), *y = brain_table_y(df);

    /* ---- split first: X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42) */
    brain_tensor *x_train, *x_val, *y_train, *y_val;
    TRY(brain_train_test_split(x, y, &(brain_split_options){ .test_size = 0.2, .stratify = y->data,
                               .random_state = 42, .has_random_state = true }, &x_train, &x_val, &y_train, &y_val));
    printf("train_test_split: %lld train rows, %lld validation rows\n", (long long)x_train->shape[0],
           (long long)x_val->shape[0]);
    brain_tensor *x_train_raw = brain_tensor_clone(x_train), *x_val_raw = brain_tensor_clone(x_val);

    /* ---- StandardScaler: fit on training data only */
    brain_scaler *scaler = brain_standard_scaler();
    TRY(brain_scaler_fit_transform(scaler, x_train));  /* X_train = scaler.fit_transform(X_train) */
    TRY(brain_scaler_transform(scaler, x_val));        /* X_val = scaler.transform(X_val) */
    const double *mean_ = brain_scaler_mean(scaler), *scale_ = brain_scaler_scale(scaler);
    printf("\nStandardScaler fitted on %lld features\n", (long long)brain_scaler_num_features(scaler));
    printf("%-22s %10s %10s | %9s %9s | %9s %9s\n", "feature", "mean_", "scale_", "train mu", "train sd", "val mu", "val sd");
    double worst_train = 0;
    for (int64_t j = 0; j < df->n_features; j++) {
        double tm, ts, vm, vs;
        column_stats(x_train, j, &tm, &ts);
        column_stats(x_val, j, &vm, &vs);
        worst_train = fmax(worst_train, fmax(fabs(tm), fabs(ts - 1)));
        if (j < 4 || j == df->n_features - 1)
            printf("%-22s %10.4f %10.4f | %9.5f %9.5f | %9.5f %9.5f\n", df->feature_names[j], mean_[j], scale_[j], tm, ts, vm, vs);
        else if (j == 4) printf("%-22s\n", "...");
    }
    CHECK(worst_train < 1e-4, "training columns are not standardised (worst deviation %g)", worst_train);
    /* the validation rows used the training statistics, not their own */
    double expect = (x_val_raw->data[0] - mean_[0]) / scale_[0];
    CHECK(fabs(x_val->data[0] - expect) < 1e-4, "X_val[0,0] = %g, expected (x - train mean)/train scale = %g",
          x_val->data[0], expect);

    /* ---- MinMaxScaler (normalize to [0, 1], good for bounded data such as pixels) */
    brain_scaler *minmax = brain_minmax_scaler(0, 0);
    TRY(brain_scaler_fit_transform(minmax, x_train_raw));
    TRY(brain_scaler_transform(minmax, x_val_raw));
    float lo = INFINITY, hi = -INFINITY, vlo = INFINITY, vhi = -INFINITY;
    for (int64_t i = 0; i < x_train_raw->size; i++) { lo = fminf(lo, x_train_raw->data[i]); hi = fmaxf(hi, x_train_raw->data[i]); }
    for (int64_t i = 0; i < x_val_raw->size; i++) { vlo = fminf(vlo, x_val_raw->data[i]); vhi = fmaxf(vhi, x_val_raw->data[i]); }
    printf("\nMinMaxScaler: 'mean radius' data_min_ %.3f, data_max_ %.3f; X_train now in [%.3f, %.3f], X_val in [%.3f, %.3f]\n",
           brain_scaler_mean(minmax)[0], brain_scaler_scale(minmax)[0], lo, hi, vlo, vhi);
    printf("  (validation values may fall outside [0, 1]: the scaler only saw the training rows)\n");
    CHECK(fabsf(lo) < 1e-6f && fabsf(hi - 1) < 1e-6f, "MinMax training range is [%g, %g], not [0, 1]", lo, hi);

    /* ---- to_categorical(y, num_classes=10) */
    enum { N_DIGITS = 8 };
    float digits[N_DIGITS];
    for (int i = 0; i < N_DIGITS; i++) digits[i] = (float)((7 * i) % 10);
    brain_tensor *y_digits = brain_tensor_from(digits, 1, (int64_t[]){ N_DIGITS }), *onehot;
    TRY(brain_to_categorical(y_digits, 10, &onehot));
    printf("\nto_categorical(y, num_classes=10): (%lld,) -> (%lld, %lld)\n", (long long)y_digits->shape[0],
           (long long)onehot->shape[0], (long long)onehot->shape[1]);
    for (int i = 0; i < 3; i++) {
        printf("  %g -> [", digits[i]);
        float sum = 0;
        for (int c = 0; c < 10; c++) { printf("%s%g", c ? " " : "", onehot->data[i * 10 + c]); sum += onehot->data[i * 10 + c]; }
        printf("]\n");
        CHECK(sum == 1 && onehot->data[i * 10 + (int)digits[i]] == 1, "row %d is not one-hot for %g", i, digits[i]);
    }
    /* the binary breast cancer target, forced to ten columns as in the snippet */
    brain_tensor *y_train_10;
    TRY(brain_to_categorical(y_train, 10, &y_train_10));
    printf("  y_train (0/1) with num_classes=10 -> (%lld, %lld)\n", (long long)y_train_10->shape[0], (long long)y_train_10->shape[1]);
    /* a label outside [0, num_classes) */
    float eleven = 11;
    brain_tensor *bad_y = brain_tensor_from(&eleven, 1, (int64_t[]){ 1 }), *bad_onehot = NULL;
    brain_status st = brain_to_categorical(bad_y, 10, &bad_onehot);
    printf("  to_categorical([11], num_classes=10) -> %s\n", st ? brain_last_error() : "accepted (unexpected)");
    CHECK(st != BRAIN_OK, "to_categorical accepted label 11 with 10 classes");
    brain_tensor_free(bad_onehot);

    /* ---- LabelEncoder on string labels */
    const char *diagnosis[] = { "healthy", "diabetes", "prediabetes", "healthy", "diabetes", "healthy" };
    brain_label_encoder *enc = brain_label_encoder_new();
    TRY(brain_label_encoder_fit(enc, diagnosis, 6));
    float codes[6];
    TRY(brain_label_encoder_transform(enc, diagnosis, 6, codes));
    printf("\nLabelEncoder: classes_ = [");
    for (int c = 0; c < brain_label_encoder_num_classes(enc); c++) printf("%s'%s'", c ? ", " : "", brain_label_encoder_class(enc, c));
    printf("]\n  transform -> [");
    for (int i = 0; i < 6; i++) printf("%s%g", i ? ", " : "", codes[i]);
    printf("]\n");
    CHECK(brain_label_encoder_num_classes(enc) == 3 && codes[0] == 1 && codes[1] == 0 && codes[2] == 2,
          "LabelEncoder did not sort the classes (diabetes=0, healthy=1, prediabetes=2)");
    const char *unseen[] = { "flu" };
    float unseen_code;
    st = brain_label_encoder_transform(enc, unseen, 1, &unseen_code);
    printf("  transform(['flu']) -> %s\n", st ? brain_last_error() : "accepted (unexpected)");
    CHECK(st != BRAIN_OK, "LabelEncoder accepted an unseen label");

    /* ---- a CSV with a string target, read like pandas + LabelEncoder */
    char path[128];
    snprintf(path, sizeof path, "/tmp/brain_preparing_inputs_%ld.csv", (long)getpid());
    {
        FILE *f = fopen(path, "w");
        if (!f) { perror(path); return 1; }
        brain_rng r;
        brain_rng_seed(&r, 5);
        static const char *names[] = { "healthy", "prediabetes", "diabetes" };
        fprintf(f, "patient_id,age,bmi,glucose,diagnosis\n");
        for (int i = 0; i < 12; i++) {
            int c = i % 3;
            fprintf(f, "%d,%d,%.1f,%.0f,%s\n", 1000 + i, 30 + (int)brain_rng_below(&r, 40),
                    22 + 3 * c + 2 * brain_rng_normal(&r), 90 + 25 * c + 8 * brain_rng_normal(&r), names[c]);
        }
        if (fclose(f)) { perror(path); return 1; }
    }
    brain_table *patients;
    TRY(brain_read_csv(path, &(brain_csv_options){ .target = "diagnosis", .drop = (const char *[]){ "patient_id", NULL } },
                       &patients));
    printf("\nread %s: %lld rows, features [", path, (long long)patients->n_rows);
    for (int64_t j = 0; j < patients->n_features; j++) printf("%s'%s'", j ? ", " : "", patients->feature_names[j]);
    printf("], target '%s' with %d classes [", patients->target_name, patients->n_classes);
    for (int c = 0; c < patients->n_classes; c++) printf("%s'%s'", c ? ", " : "", patients->class_names[c]);
    printf("]\n  first rows: ");
    for (int i = 0; i < 3; i++) printf("(%g, %g, %g) -> %g  ", patients->x[i * 3], patients->x[i * 3 + 1], patients->x[i * 3 + 2], patients->y[i]);
    printf("\n");
    CHECK(patients->n_features == 3 && patients->n_classes == 3 && patients->y[0] == 1 && patients->y[2] == 0,
          "the patients CSV was not read as expected");
    brain_tensor *py = brain_table_y(patients), *py_onehot;
    TRY(brain_to_categorical(py, 0, &py_onehot));
    printf("  to_categorical(y) -> (%lld, %lld)\n", (long long)py_onehot->shape[0], (long long)py_onehot->shape[1]);
    remove(path);

    /* ---- malformed CSV files: each must be refused with a message naming where */
    static const struct { const char *what, *text; } broken[] = {
        { "a ragged row", "age,bmi,diagnosis\n50,24.1,healthy\n61,healthy\n" },
        { "a non-number feature", "age,bmi,diagnosis\n50,24.1,healthy\n61,twenty,diabetes\n" },
        { "a missing value", "age,bmi,diagnosis\n50,,healthy\n" },
        { "no target column", "age,bmi,label\n50,24.1,healthy\n" },
    };
    printf("\nmalformed CSV files:\n");
    for (size_t i = 0; i < sizeof broken / sizeof *broken; i++) {
        if (write_file(path, broken[i].text)) return 1;
        brain_table *t = NULL;
        st = brain_read_csv(path, &(brain_csv_options){ .target = "diagnosis" }, &t);
        printf("  %-22s -> %s\n", broken[i].what, st ? brain_last_error() : "accepted (unexpected)");
        CHECK(st != BRAIN_OK && t == NULL, "a CSV with %s was accepted", broken[i].what);
        brain_table_free(t);
        remove(path);
    }
    brain_table *none = NULL;
    st = brain_read_csv("/tmp/brain_no_such_file.csv", &(brain_csv_options){ .target = "diagnosis" }, &none);
    printf("  %-22s -> %s\n", "a missing file", st ? brain_last_error() : "accepted (unexpected)");
    CHECK(st == BRAIN_ERR_IO, "a missing file did not give BRAIN_ERR_IO");

    if (ok) printf("\nok: scaled on train only, one-hot with 10 columns, labels encoded, bad CSVs refused\n");

    brain_tensor *all[] = { x, y, x_train, x_val, y_train, y_val, x_train_raw, x_val_raw, y_digits, onehot,
                            y_train_10, bad_y, py, py_onehot };
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) brain_tensor_free(all[i]);
    brain_scaler_free(scaler);
    brain_scaler_free(minmax);
    brain_label_encoder_free(enc);
    brain_table_free(patients);
    brain_table_free(df);
    return ok ? 0 : 1;
}
