/* test_toolkit_discretization.c — Discretization(num_bins).adapt against Keras's quantile summary
 * (tests/toolkit_discretization_golden.h, tools/gen_toolkit_discretization_golden.py): the learnt
 * boundaries exactly, the bins of probe values, and the adapted layer's .keras round trip. */
#include "internal.h"
#include "check.h"
#include "io_util.h"
#include "toolkit_discretization_golden.h"
#include <stdlib.h>

int main(void)
{
    brain_tensor *probe = brain_tensor_from(td_probe, 2, (int64_t[]){ 23, 1 });
    for (int c = 0; c < TD_NCASES; c++) {
        const td_case *t = &td_cases[c];
        brain_layer *d = brain_discretization_adaptable(t->num_bins, &(brain_discretization_options){ .epsilon = t->epsilon });
        brain_tensor *x = brain_tensor_from(t->x, 1, (int64_t[]){ t->n });
        CHECK_OK(brain_discretization_adapt(d, x));
        brain_tensor_free(x);
        brain_model *m = brain_sequential("disc");
        brain_model_add(m, brain_input(BRAIN_SHAPE(1)));
        brain_model_add(m, d);
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
        brain_tensor *y = NULL;
        CHECK_OK(brain_predict(m, probe, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
        for (int i = 0; y && i < 23; i++)
            CHECK_MSG(y->data[i] == t->y[i], "%s: probe %d: brain bin %g, Keras %g", t->label, i, y->data[i], t->y[i]);
        /* the boundaries, as saved in config.json, and back from it */
        const char *path = io_path("discretization.keras");
        CHECK_OK(brain_save(m, path));
        size_t n = 0;
        char *cfg = io_zip_read(path, "config.json", &n);
        char want[64];
        snprintf(want, sizeof want, "\"num_bins\":%d", t->num_bins);
        CHECK_MSG(cfg && strstr(cfg, want), "%s: config has %s", t->label, want);
        free(cfg);
        brain_model *m2 = NULL;
        CHECK_OK(brain_load_model(path, &m2, NULL));
        brain_tensor *y2 = NULL;
        if (m2) CHECK_OK(brain_predict(m2, probe, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y2));
        for (int i = 0; y && y2 && i < 23; i++) CHECK(y2->data[i] == y->data[i]);
        remove(path);
        brain_tensor_free(y);
        brain_tensor_free(y2);
        brain_model_free(m2);
        brain_model_free(m);
    }
    /* the learnt boundaries exactly, through a probe at and just below each one */
    for (int c = 0; c < TD_NCASES; c++) {
        const td_case *t = &td_cases[c];
        brain_layer *d = brain_discretization_adaptable(t->num_bins, &(brain_discretization_options){ .epsilon = t->epsilon });
        brain_tensor *x = brain_tensor_from(t->x, 1, (int64_t[]){ t->n });
        CHECK_OK(brain_discretization_adapt(d, x));
        brain_tensor_free(x);
        brain_model *m = brain_sequential("disc_b");
        brain_model_add(m, brain_input(BRAIN_SHAPE(1)));
        brain_model_add(m, d);
        CHECK_OK(brain_model_build(m));
        float at[2 * 16];
        for (int i = 0; i < t->nb; i++) { at[2 * i] = t->b[i]; at[2 * i + 1] = nextafterf(t->b[i], -INFINITY); }
        brain_tensor *p = brain_tensor_from(at, 2, (int64_t[]){ 2 * t->nb, 1 }), *y = NULL;
        CHECK_OK(brain_predict(m, p, &(brain_eval_options){ .verbose = BRAIN_SILENT }, &y));
        /* Keras's bin of b_i is the number of boundaries ≤ b_i; just below it one fewer (distinct boundaries) */
        for (int i = 0; y && i < t->nb; i++) {
            int le = 0, lt = 0;
            for (int j = 0; j < t->nb; j++) { le += t->b[j] <= t->b[i]; lt += t->b[j] < t->b[i]; }
            CHECK_MSG(y->data[2 * i] == le && y->data[2 * i + 1] == lt, "%s: boundary %d (%a) differs from Keras's", t->label, i,
                      (double)t->b[i]);
        }
        brain_tensor_free(p);
        brain_tensor_free(y);
        brain_model_free(m);
    }
    /* misuse */
    float b[2] = { 0, 1 };
    brain_layer *fixed = brain_discretization(2, b, NULL);
    CHECK_FAILS(brain_discretization_adapt(fixed, probe), "num_bins");
    brain__layer_free(fixed);
    CHECK(brain_discretization_adaptable(0, NULL) == NULL && strstr(brain_last_error(), "num_bins"));
    brain_tensor_free(probe);
    return check_summary("test_toolkit_discretization");
}
