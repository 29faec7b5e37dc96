/* keras_diff.h — what the tests that compare with Keras-made files share: a model file loaded,
 * run on the inputs its .json holds ("x" or "xs"), and the largest difference to the
 * predictions Keras wrote there ("y", one list per output).  Format: tools/keras_golden_models.py. */
#ifndef BRAIN_KERAS_DIFF_H
#define BRAIN_KERAS_DIFF_H
#include "brain.h"
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DIR
#define DIR "tests/keras_files/"
#endif

static __attribute__((unused)) cJSON *read_json(const char *path)
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

static __attribute__((unused)) brain_tensor *tensor_from(const cJSON *shape, const cJSON *values)
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
static __attribute__((unused)) double keras_diff_abs(const char *file, const char *json)
{
    cJSON *j = read_json(json);
    if (!j) { fprintf(stderr, "cannot read %s\n", json); return INFINITY; }
    brain_model *m = NULL;
    double worst = INFINITY;
    if (brain_load_model(file, &m, &(brain_load_options){ .compile = BRAIN_OFF })) {
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
    printf("%-32s max |brain - keras| = %.3g\n", strstr(file, DIR) ? strstr(file, DIR) : file, worst);
    for (int k = 0; k < n_x; k++) brain_tensor_free(xs[k]);
    brain_model_free(m);
    cJSON_Delete(j);
    return worst;
}

#endif
