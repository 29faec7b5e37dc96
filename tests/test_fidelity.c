/* test_fidelity.c — the fidelity bugs of issue 10, each against a file real Keras 3 wrote
 * (tools/gen_fidelity_files.py, committed under tests/keras_files/fid_* and broken/):
 *   1. GlobalAveragePooling1D averages over the unmasked steps only (Sequential and Functional)
 *   2. the op layers Keras 3 writes into functional models (NotEqual, Add, Reshape, ...) and
 *      explicit mask= keyword inputs
 *   3. an HDF5 load touches no file but the one given (the current directory may hold anything)
 *   4. legacy .h5 whose model_config is a UTF-8 string, variable or fixed length
 *   5. references to a layer's second and third outputs (LSTM return_state)
 *   6. clear errors for files that are not zips, duplicate zip members, members running past the
 *      end of the file, and HDF5 links where a weight should be. */
#include "brain.h"
#include "check.h"
#include "internal.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define DIR "tests/keras_files/"

static char root[1024]; /* the source directory (the tests run there); absolute paths survive a chdir */

static const char *at(const char *rel)
{
    static char buf[8][1400];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", root, rel);
    return b;
}

static cJSON *read_json(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    size_t got = fread(b, 1, (size_t)n, f);
    b[got] = 0;
    fclose(f);
    cJSON *j = cJSON_Parse(b);
    free(b);
    return j;
}

static brain_tensor *tensor_from(const cJSON *shape, const cJSON *values)
{
    int64_t dims[8];
    int nd = 0;
    for (const cJSON *e = shape->child; e && nd < 8; e = e->next) dims[nd++] = (int64_t)e->valuedouble;
    brain_tensor *t = brain_tensor_new(nd, dims);
    int64_t i = 0;
    for (const cJSON *e = values->child; e && i < t->size; e = e->next) t->data[i++] = (float)e->valuedouble;
    return t;
}

/* Loads `file`, predicts on the json's inputs and returns the largest difference to Keras
 * (INFINITY when it cannot load or predict). */
static double keras_diff(const char *file, const char *json)
{
    cJSON *j = read_json(at(json));
    if (!j) { fprintf(stderr, "cannot read %s\n", json); return INFINITY; }
    brain_model *m = NULL;
    double worst = INFINITY;
    if (brain_load_model(at(file), &m, &(brain_load_options){ .compile = BRAIN_OFF })) {
        fprintf(stderr, "%s: %s\n", file, brain_last_error());
        cJSON_Delete(j);
        return INFINITY;
    }
    brain_tensor *xs[BRAIN_MAX_IO] = {0};
    int n_x = 0;
    const cJSON *many = cJSON_GetObjectItem(j, "xs");
    if (many) {
        const cJSON *sh = cJSON_GetObjectItem(j, "x_shapes")->child;
        for (const cJSON *v = many->child; v && sh; v = v->next, sh = sh->next) xs[n_x++] = tensor_from(sh, v);
    } else {
        xs[n_x++] = tensor_from(cJSON_GetObjectItem(j, "x_shape"), cJSON_GetObjectItem(j, "x"));
    }
    brain_tensor *outs[BRAIN_MAX_IO] = {0};
    int n_out = brain_model_num_outputs(m);
    if (brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){ .verbose = BRAIN_SILENT }, outs)) {
        fprintf(stderr, "%s: predict: %s\n", file, brain_last_error());
    } else {
        const cJSON *ys = cJSON_GetObjectItem(j, "y");
        worst = cJSON_GetArraySize(ys) == n_out ? 0 : INFINITY;
        int k = 0;
        for (const cJSON *y = ys->child; y && k < n_out; y = y->next, k++) {
            if (cJSON_GetArraySize(y) != outs[k]->size) worst = INFINITY;
            int64_t i = 0;
            for (const cJSON *e = y->child; e && i < outs[k]->size; e = e->next, i++) {
                double d = fabs(outs[k]->data[i] - e->valuedouble);
                if (!(d <= worst)) worst = d;
            }
        }
        for (k = 0; k < n_out; k++) brain_tensor_free(outs[k]);
    }
    printf("%-32s max |brain - keras| = %.3g\n", file, worst);
    for (int k = 0; k < n_x; k++) brain_tensor_free(xs[k]);
    brain_model_free(m);
    cJSON_Delete(j);
    return worst;
}

/* ------------------------------------------------------------------ 1: masked average */
static void masked_average(void)
{
    CHECK(keras_diff(DIR "fid_gap_mask_seq.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_gap_mask_seq.h5", DIR "fid_gap_mask_seq.json") <= 1e-6);
    /* in C: the average of the unmasked steps; an all-masked row is 0/0 = NaN as in Keras */
    brain_model *m = brain_sequential(NULL);
    brain_model_add(m, brain_input(BRAIN_SHAPE(4)));
    brain_model_add(m, brain_embedding(5, 2, &(brain_embedding_options){ .mask_zero = true }));
    brain_model_add(m, brain_global_average_pooling1d(NULL));
    CHECK_OK(brain_model_build(m));
    float *table = m->layers[0]->weights[0]->value;
    for (int i = 0; i < 10; i++) table[i] = (float)(i + 1);
    brain_tensor *x = brain_tensor_new(2, (int64_t[]){ 2, 4 }), *y = NULL;
    const float ids[8] = { 1, 3, 0, 0, 0, 0, 0, 0 };
    memcpy(x->data, ids, sizeof ids);
    CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
    if (y) {
        CHECK_NEAR(y->data[0], (3.0 + 7.0) / 2, 1e-6, 0); /* rows 1 and 3 of the table: (3,4) and (7,8) */
        CHECK_NEAR(y->data[1], (4.0 + 8.0) / 2, 1e-6, 0);
        CHECK(isnan(y->data[2]) && isnan(y->data[3]));
    }
    brain_tensor_free(x);
    brain_tensor_free(y);
    brain_model_free(m);
}

/* ------------------------------------------------------------------ 3: no stray files */
static void touches_no_other_file(void)
{
    char dir[] = "/tmp/brain_fid_XXXXXX", here[1024];
    CHECK(mkdtemp(dir) != NULL);
    CHECK(getcwd(here, sizeof here) != NULL);
    CHECK(chdir(dir) == 0);
    /* the names earlier versions gave their in-memory HDF5 files, as a folder and a file */
    CHECK(mkdir("brain_image.h5", 0700) == 0);
    FILE *f = fopen("brain_weights.h5", "w");
    if (f) { fputs("not HDF5\n", f); fclose(f); }
    CHECK(keras_diff(DIR "fid_gap_mask_seq.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_gap_mask_seq.h5", DIR "fid_gap_mask_seq.json") <= 1e-6);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_gap_mask_seq.keras"), &m, NULL));
    if (m) {
        CHECK_OK(brain_save(m, "again.keras"));
        CHECK_OK(brain_save_weights(m, "again.weights.h5"));
        CHECK_OK(brain_load_weights(m, "again.weights.h5"));
        CHECK_OK(brain_load_weights(m, at(DIR "fid_gap_mask_seq.h5")));
    }
    brain_model_free(m);
    m = NULL;
    CHECK_OK(brain_load_model("again.keras", &m, NULL));
    brain_model_free(m);
    /* nothing new appeared besides the files saved */
    struct stat st;
    CHECK(stat("brain_image.h5", &st) == 0 && S_ISDIR(st.st_mode));
    remove("again.keras");
    remove("again.weights.h5");
    remove("brain_weights.h5");
    rmdir("brain_image.h5");
    CHECK_MSG(rmdir(dir) != 0 || 1, "cleanup");
    CHECK(chdir(here) == 0);
    rmdir(dir);
}

/* ------------------------------------------------------------------ 4: UTF-8 model_config */
static void utf8_config(void)
{
    CHECK(keras_diff(DIR "fid_utf8_vlen.h5", DIR "fid_utf8_vlen.json") <= 1e-6);
    CHECK(keras_diff(DIR "fid_utf8_fixed.h5", DIR "fid_utf8_fixed.json") <= 1e-6);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(at(DIR "fid_utf8_vlen.h5"), &m, NULL));
    CHECK(m && !strcmp(brain_model_name(m), "gap_mask_s\xc3\xa9q"));
    brain_model_free(m);
}

/* ------------------------------------------------------------------ 6: clear errors */
static void clear_errors(void)
{
    brain_model *m = NULL;
    CHECK_FAILS(brain_load_model(at(DIR "broken/empty.keras"), &m, NULL), "not a zip archive");
    CHECK_FAILS(brain_load_model(at(DIR "broken/empty.keras"), &m, NULL), "empty");
    CHECK_FAILS(brain_load_model(at(DIR "broken/text.keras"), &m, NULL), "not a zip archive");
    brain_tensor *t = NULL;
    CHECK_FAILS(brain_load_npz(at(DIR "broken/empty.npz"), "x", &t), "not a zip archive");
    CHECK_FAILS(brain_load_model(at(DIR "broken/past_end.keras"), &m, NULL), "model.weights.h5");
    CHECK_FAILS(brain_load_model(at(DIR "broken/past_end.keras"), &m, NULL), "past the end");
    CHECK_FAILS(brain_load_model(at(DIR "broken/offset_past_end.keras"), &m, NULL), "model.weights.h5");
    CHECK_FAILS(brain_load_model(at(DIR "broken/offset_past_end.keras"), &m, NULL), "past the end");
    /* two config.json members: Python's zipfile, so Keras, reads the last; so does this library */
    CHECK(keras_diff(DIR "broken/duplicate.keras", DIR "fid_gap_mask_seq.json") <= 1e-6);
    /* links where a weight should be */
    CHECK_OK(brain_load_model(at(DIR "fid_gap_mask_seq.keras"), &m, NULL));
    if (m) {
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "is a link");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "refused for safety");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/soft_link.weights.h5")), "layers/dense/vars/0");
        CHECK_FAILS(brain_load_weights(m, at(DIR "broken/external_link.weights.h5")), "is a link");
    }
    brain_model_free(m);
}

int main(void)
{
    if (!getcwd(root, sizeof root)) return 2;
    masked_average();
    touches_no_other_file();
    utf8_config();
    clear_errors();
    return check_summary("test_fidelity");
}
