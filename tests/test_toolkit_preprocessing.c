/* test_toolkit_preprocessing.c — Resizing and CenterCrop against Keras
 * (tests/toolkit_preproc_golden.h), their backward against finite differences, and .keras. */
#include "internal.h"
#include "check.h"
#include "gradcheck.h"
#include "io_util.h"
#include "toolkit_preproc_golden.h"

int main(void)
{
    (void)gc_random;
    double worst = 0;
    brain_tensor *x = brain_tensor_from(tp_x, 4, tp_x_shape);
    for (int c = 0; c < TP_NCASES; c++) {
        brain_model *m = brain_sequential("pre");
        brain_model_add(m, brain_input(BRAIN_SHAPE(5, 7, 2)));
        brain_model_add(m, tp_make(c));
        CHECK_OK(brain_model_build(m));
        brain_tensor *y = NULL;
        CHECK_OK(brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
        if (!y) { brain_model_free(m); continue; }
        bool shape_ok = y->ndim == 4;
        for (int i = 0; shape_ok && i < 4; i++) shape_ok = y->shape[i] == tp_cases[c].shape[i];
        CHECK_MSG(shape_ok, "%s: output shape", tp_cases[c].label);
        for (int64_t i = 0; shape_ok && i < y->size; i++) {
            double d = fabs(y->data[i] - tp_cases[c].y[i]) / fmax(1.0, fabs(tp_cases[c].y[i]));
            if (d > worst) worst = d;
            CHECK_MSG(d <= 1e-6, "%s[%lld]: brain %.9g, Keras %.9g", tp_cases[c].label, (long long)i, y->data[i], tp_cases[c].y[i]);
        }
        brain_tensor_free(y);
        brain_model_free(m);
        /* backward: a Dense after it, checked against finite differences (inputs too) */
        brain_set_random_seed(2);
        m = brain_sequential("pre_grad");
        brain_model_add(m, brain_input(BRAIN_SHAPE(5, 7, 2)));
        brain_model_add(m, tp_make(c));
        brain_model_add(m, brain_flatten(NULL));
        brain_model_add(m, brain_dense(2, NULL));
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
        CHECK(gradcheck_model(tp_cases[c].label, m, x, true, 1e-3, 2e-3, 1e-2) == 0);
        /* .keras round trip */
        const char *p = io_path("pre.keras");
        CHECK_OK(brain_save(m, p));
        brain_model *l = NULL;
        CHECK_OK(brain_load_model(p, &l, NULL));
        if (l) {
            brain_tensor *a = NULL, *b = NULL;
            brain_predict(m, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &a);
            brain_predict(l, x, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &b);
            CHECK(a && b && !memcmp(a->data, b->data, sizeof(float) * (size_t)a->size));
            CHECK(!strcmp(brain_layer_class(brain_model_layer(l, 0)), brain_layer_class(brain_model_layer(m, 0))));
            brain_tensor_free(a);
            brain_tensor_free(b);
        }
        brain_model_free(l);
        brain_model_free(m);
    }
    /* CategoryEncoding, Discretization: exact */
    for (int c = 0; c < TV_NCASES; c++) {
        const tv_case *k = &tv_cases[c];
        brain_model *m = brain_sequential("values");
        brain_model_add(m, brain_input(BRAIN_SHAPE(k->k)));
        brain_model_add(m, tv_make(c));
        brain_tensor *xv = brain_tensor_from(k->x, 2, (int64_t[]){ 6, k->k }), *y = NULL;
        CHECK_OK(brain_predict(m, xv, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
        bool ok = y && y->ndim == k->yn;
        for (int i = 0; ok && i < k->yn; i++) ok = y->shape[i] == k->ys[i];
        CHECK_MSG(ok, "%s: output shape", k->label);
        CHECK_MSG(ok && !memcmp(y->data, k->y, sizeof(float) * (size_t)y->size), "%s: output differs from Keras", k->label);
        /* config round trip */
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
        const char *p = io_path("values.keras");
        CHECK_OK(brain_save(m, p));
        brain_model *l = NULL;
        CHECK_OK(brain_load_model(p, &l, NULL));
        brain_tensor *y2 = NULL;
        if (l) CHECK_OK(brain_predict(l, xv, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y2));
        CHECK(y && y2 && !memcmp(y->data, y2->data, sizeof(float) * (size_t)y->size));
        brain_tensor_free(y); brain_tensor_free(y2); brain_tensor_free(xv);
        brain_model_free(l);
        brain_model_free(m);
    }
    {
        brain_model *m = brain_sequential("bad_ids");
        brain_model_add(m, brain_input(BRAIN_SHAPE(1)));
        brain_model_add(m, brain_category_encoding(3, NULL));
        brain_tensor *xv = brain_tensor_from((const float[]){ 1, 7 }, 2, (int64_t[]){ 2, 1 }), *y = NULL;
        CHECK_FAILS(brain_predict(m, xv, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y), "row 1 holds 7");
        brain_tensor_free(y); brain_tensor_free(xv);
        brain_model_free(m);
    }
    brain_model *m = brain_sequential("bad");
    brain_model_add(m, brain_input(BRAIN_SHAPE(5, 7, 2)));
    brain_model_add(m, brain_center_crop(6, 2, NULL));
    CHECK_FAILS(brain_model_build(m), "smaller than the crop");
    brain_model_free(m);
    brain_tensor_free(x);
    printf("Resizing/CenterCrop: %d cases, worst difference from Keras %.3g\n", TP_NCASES, worst);
    return check_summary("test_toolkit_preprocessing");
}
