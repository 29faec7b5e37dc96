/* test_csv.c — brain_read_csv on small files written to a temporary directory, the built-in
 * breast cancer data against data/breast_cancer.csv, and every error the reader reports. */
#include "brain.h"
#include "check.h"
#include <stdlib.h>
#include <unistd.h>

static char g_dir[64];
static char g_files[64][128];
static int g_nfiles;

static const char *write_file(const char *name, const char *text, size_t len)
{
    char *path = g_files[g_nfiles++];
    snprintf(path, 128, "%s/%s", g_dir, name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(text, 1, len, f);
        fclose(f);
    }
    return path;
}
#define FILE_OF(name, text) write_file(name, text, sizeof(text) - 1)

static brain_table *read_ok(const char *path, const char *target, const char **drop)
{
    brain_table *t = NULL;
    brain_csv_options o = { .target = target, .drop = drop };
    CHECK_OK(brain_read_csv(path, &o, &t));
    return t;
}

static void test_basic(void)
{
    const char *drop[] = { "id", NULL };
    brain_table *t = read_ok(FILE_OF("basic.csv", "id,age, height ,label\n7,  31 ,1.5e2,1\n8,-2,\"0.25\",0\n9,+4.,7,1\n"),
                             "label", drop);
    if (!t) return;
    CHECK(t->n_rows == 3 && t->n_features == 2);
    CHECK(!strcmp(t->feature_names[0], "age") && !strcmp(t->feature_names[1], "height"));
    CHECK(!strcmp(t->target_name, "label") && t->class_names == NULL && t->n_classes == 0);
    float x[6] = { 31, 150, -2, 0.25f, 4, 7 }, y[3] = { 1, 0, 1 };
    CHECK(!memcmp(t->x, x, sizeof x) && !memcmp(t->y, y, sizeof y));
    brain_tensor *tx = brain_table_x(t), *ty = brain_table_y(t);
    CHECK(tx && tx->ndim == 2 && tx->shape[0] == 3 && tx->shape[1] == 2 && tx->data[3] == 0.25f);
    CHECK(ty && ty->ndim == 2 && ty->shape[0] == 3 && ty->shape[1] == 1 && ty->data[1] == 0);
    brain_tensor_free(tx);
    brain_tensor_free(ty);
    brain_table_free(t);
}

static void test_string_target(void)
{
    /* quoted fields with a delimiter, doubled quotes and a line break; the target in the middle */
    brain_table *t = read_ok(FILE_OF("labels.csv",
        "a,species,b\n"
        "1,virginica,2\n"
        "3,\"setosa\",4\n"
        "5, versicolor ,6\n"
        "7,\"a \"\"quoted\"\", odd\nname\",8\n"
        "9,setosa,10\n"), "species", NULL);
    if (!t) return;
    CHECK(t->n_rows == 5 && t->n_features == 2 && t->n_classes == 4);
    CHECK(!strcmp(t->class_names[0], "a \"quoted\", odd\nname"));
    CHECK(!strcmp(t->class_names[1], "setosa"));
    CHECK(!strcmp(t->class_names[2], "versicolor"));
    CHECK(!strcmp(t->class_names[3], "virginica"));
    float y[5] = { 3, 1, 2, 0, 1 }, x[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    CHECK(!memcmp(t->y, y, sizeof y) && !memcmp(t->x, x, sizeof x));
    brain_table_free(t);

    /* one non-number makes the whole target string labels */
    t = read_ok(FILE_OF("mixed.csv", "x,y\n1,10\n2,2\n3,b\n"), "y", NULL);
    if (t) {
        CHECK(t->n_classes == 3 && !strcmp(t->class_names[0], "10") && !strcmp(t->class_names[1], "2"));
        CHECK(t->y[0] == 0 && t->y[1] == 1 && t->y[2] == 2);
        brain_table_free(t);
    }
}

static void test_line_endings(void)
{
    /* BOM, CRLF, a blank line, no final newline, semicolons */
    brain_table *t = NULL;
    const char *p = FILE_OF("crlf.csv", "\xEF\xBB\xBF" "f1;f2;t\r\n1;2;3\r\n\r\n4;5;6");
    CHECK_OK(brain_read_csv(p, &(brain_csv_options){ .target = "t", .delimiter = ';' }, &t));
    if (t) {
        CHECK(t->n_rows == 2 && t->n_features == 2 && !strcmp(t->feature_names[0], "f1"));
        CHECK(t->x[2] == 4 && t->x[3] == 5 && t->y[0] == 3 && t->y[1] == 6);
        brain_table_free(t);
    }
    /* a very long line: 20000 features */
    size_t cap = 20000 * 12 + 64, len = 0;
    char *buf = malloc(cap);
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(buf + len, cap - len, "c%d,", i);
    len += (size_t)snprintf(buf + len, cap - len, "t\n");
    for (int i = 0; i < 20000; i++) len += (size_t)snprintf(buf + len, cap - len, "%d,", i % 10);
    len += (size_t)snprintf(buf + len, cap - len, "1\n");
    t = read_ok(write_file("wide.csv", buf, len), "t", NULL);
    free(buf);
    if (t) {
        CHECK(t->n_features == 20000 && t->n_rows == 1 && t->x[19999] == 9 && !strcmp(t->feature_names[12345], "c12345"));
        brain_table_free(t);
    }
}

static void test_breast_cancer(void)
{
    brain_table *b = NULL, *c = NULL;
    CHECK_OK(brain_load_breast_cancer(&b));
    c = read_ok("data/breast_cancer.csv", "target", NULL);
    if (!b || !c) { brain_table_free(b); brain_table_free(c); return; }
    CHECK(b->n_rows == 569 && b->n_features == 30 && c->n_rows == 569 && c->n_features == 30);
    CHECK(!memcmp(b->x, c->x, sizeof(float) * 569 * 30));
    CHECK(!memcmp(b->y, c->y, sizeof(float) * 569));
    int same = 1;
    for (int j = 0; j < 30; j++) same &= !strcmp(b->feature_names[j], c->feature_names[j]);
    CHECK(same);
    CHECK(!strcmp(b->feature_names[0], "mean radius") && !strcmp(b->feature_names[29], "worst fractal dimension"));
    CHECK(!strcmp(b->target_name, "target") && b->n_classes == 2);
    CHECK(!strcmp(b->class_names[0], "malignant") && !strcmp(b->class_names[1], "benign"));
    /* first row and class balance as scikit-learn: 212 malignant, 357 benign */
    CHECK(b->x[0] == 17.99f && b->x[29] == 0.1189f && b->y[0] == 0);
    int benign = 0;
    for (int i = 0; i < 569; i++) benign += b->y[i] == 1;
    CHECK(benign == 357);
    brain_table_free(b);
    brain_table_free(c);
}

static brain_status rd(const char *path, const char *target)
{
    brain_table *t = (brain_table *)1;
    brain_status s = brain_read_csv(path, &(brain_csv_options){ .target = target }, &t);
    if (s != BRAIN_OK && t != NULL) { fprintf(stderr, "out not NULL after failure\n"); check_failed++; }
    brain_table_free(s == BRAIN_OK ? t : NULL);
    return s;
}

static void test_errors(void)
{
    const char *p;
    char want[256];

    CHECK_FAILS(rd("no/such/file.csv", "t"), "cannot open 'no/such/file.csv': No such file or directory");
    CHECK(rd("no/such/file.csv", "t") == BRAIN_ERR_IO);

    p = FILE_OF("empty.csv", "");
    snprintf(want, sizeof want, "%s: the file is empty", p);
    CHECK_FAILS(rd(p, "t"), want);
    CHECK(rd(p, "t") == BRAIN_ERR_FORMAT);
    p = FILE_OF("blank.csv", "\n\r\n\n");
    CHECK_FAILS(rd(p, "t"), "the file is empty");

    p = FILE_OF("header_only.csv", "a,b,t\n");
    snprintf(want, sizeof want, "%s: line 1: the file has a header row but no data rows", p);
    CHECK_FAILS(rd(p, "t"), want);

    p = FILE_OF("unknown_target.csv", "radius,texture,diagnosis\n1,2,3\n");
    CHECK_FAILS(rd(p, "target"), "there is no column named 'target' (the target); the header on line 1 has 'radius', 'texture', 'diagnosis'");
    CHECK(rd(p, "target") == BRAIN_ERR_ARG);
    /* a wide header is listed truncated */
    char wide[2048] = "";
    for (int i = 0; i < 40; i++) snprintf(wide + strlen(wide), sizeof wide - strlen(wide), "column_%d,", i);
    strcat(wide, "t\n");
    for (int i = 0; i < 40; i++) strcat(wide, "1,");
    strcat(wide, "1\n");
    p = write_file("wide_header.csv", wide, strlen(wide));
    CHECK_FAILS(rd(p, "nope"), "'column_11', ... (41 columns)");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target = NULL }, &(brain_table *){ NULL }), "needs opt->target");

    p = FILE_OF("dup.csv", "a,b,a,t\n1,2,3,4\n");
    CHECK_FAILS(rd(p, "t"), "line 1: the header names column 'a' twice (columns 1 and 3)");

    p = FILE_OF("ragged.csv", "a,b,c,t\n1,2,3,4\n1,2,3,4\n5,6,7\n");
    snprintf(want, sizeof want, "%s: line 4 has 3 fields, the header has 4", p);
    CHECK_FAILS(rd(p, "t"), want);
    p = FILE_OF("ragged_long.csv", "a,t\n1,2\n\n1,2,3\n");
    CHECK_FAILS(rd(p, "t"), "line 4 has 3 fields, the header has 2");

    p = FILE_OF("missing.csv", "radius_mean,texture,t\n1,2,0\n3,4,1\n,6,1\n");
    snprintf(want, sizeof want, "%s: line 4, column 'radius_mean': empty value", p);
    CHECK_FAILS(rd(p, "t"), want);
    p = FILE_OF("missing_quoted.csv", "a,b,t\n1, \"\" ,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2, column 'b': empty value");
    p = FILE_OF("missing_target.csv", "a,t\r\n1,0\r\n2,\r\n");
    CHECK_FAILS(rd(p, "t"), "line 3, column 't': empty value");

    p = FILE_OF("nonnumber.csv", "name,age,t\n1,2,0\n1,2,0\n1,2,0\n1,abc,1\n");
    snprintf(want, sizeof want, "%s: line 5, column 'age': 'abc' is not a number", p);
    CHECK_FAILS(rd(p, "t"), want);
    CHECK(rd(p, "t") == BRAIN_ERR_FORMAT);
    p = FILE_OF("trailing_junk.csv", "a,t\n1.5x,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2, column 'a': '1.5x' is not a number");
    p = FILE_OF("nan.csv", "a,b,t\n1,2,0\n1,NaN,0\n");
    CHECK_FAILS(rd(p, "t"), "line 3, column 'b': 'NaN' is not a finite number");
    CHECK(rd(p, "t") == BRAIN_ERR_NUMERIC);
    p = FILE_OF("inf.csv", "a,b,t\n-inf,2,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2, column 'a': '-inf' is not a finite number");
    p = FILE_OF("huge.csv", "a,b,t\n1,1e39,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2, column 'b': '1e39' is outside the float32 range");
    p = FILE_OF("target_nan.csv", "a,t\n1,0\n2,nan\n");
    CHECK_FAILS(rd(p, "t"), "line 3, column 't': 'nan' is not a finite float32 number");

    p = FILE_OF("open_quote.csv", "a,t\n1,0\n\"2,1\n3,1\n");
    CHECK_FAILS(rd(p, "t"), "line 3, column 'a': a quoted field is not closed before the end of the file");
    p = FILE_OF("after_quote.csv", "a,t\n\"1\"2,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2, column 'a': unexpected text after a closing quote");
    p = FILE_OF("nul.csv", "a,t\n1\0,0\n");
    CHECK_FAILS(rd(p, "t"), "line 2 contains a NUL byte");

    p = FILE_OF("drop.csv", "id,a,t\n1,2,3\n");
    const char *bad_drop[] = { "ID", NULL }, *drop_target[] = { "t", NULL };
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target = "t", .drop = bad_drop }, &(brain_table *){ NULL }),
                "cannot drop column 'ID': there is no such column");
    CHECK_FAILS(brain_read_csv(p, &(brain_csv_options){ .target = "t", .drop = drop_target }, &(brain_table *){ NULL }),
                "column 't' is the target and cannot also be dropped");
    /* the dropped column may hold anything */
    p = FILE_OF("drop_text.csv", "id,a,t\nP-001,2,3\n,4,5\n");
    const char *drop_id[] = { "id", NULL };
    brain_table *t = read_ok(p, "t", drop_id);
    if (t) { CHECK(t->n_rows == 2 && t->n_features == 1 && t->x[1] == 4); brain_table_free(t); }

    CHECK_FAILS(brain_read_csv(g_dir, &(brain_csv_options){ .target = "t" }, &(brain_table *){ NULL }), "Is a directory");
    CHECK_FAILS(brain_read_csv(NULL, &(brain_csv_options){ .target = "t" }, &(brain_table *){ NULL }), "must not be NULL");
}

int main(void)
{
    snprintf(g_dir, sizeof g_dir, "%s", "/tmp/brain_test_csv_XXXXXX");
    if (!mkdtemp(g_dir)) { perror("mkdtemp"); return 1; }
    test_basic();
    test_string_target();
    test_line_endings();
    test_breast_cancer();
    test_errors();
    for (int i = 0; i < g_nfiles; i++) remove(g_files[i]);
    rmdir(g_dir);
    return check_summary("test_csv");
}
