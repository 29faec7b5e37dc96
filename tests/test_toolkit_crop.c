/* test_toolkit_crop.c — RandomCrop: Keras's deterministic training fallback (inputs not larger on
 * both axes) and brain's inference output (= Keras's Resizing(crop_to_aspect_ratio=True)) against
 * tests/toolkit_crop_golden.h; the random training window is a window of the input, seeded and
 * reproducible; backward against finite differences; config as Keras writes it; .keras round trip. */
#include "internal.h"
#include "check.h"
#include "gradcheck.h"
#include "io_util.h"
#include "toolkit_crop_golden.h"
#include <stdlib.h>

static const int64_t XS[4] = { 2, 5, 6, 2 };

static brain_model *wrap(brain_layer *l)
{
    brain_model *m = brain_sequential("crop");
    brain_model_add(m, brain_input(BRAIN_SHAPE(5, 6, 2)));
    brain_model_add(m, l);
    CHECK_OK(brain_model_build(m));
    return m;
}

int main(void)
{
    (void)gc_random;
    brain_tensor *x = brain_tensor_from(tc_x, 4, XS);
    for (int c = 0; c < TC_NCASES; c++) {
        const tc_case *t = &tc_cases[c];
        brain_model *m = wrap(brain_random_crop(t->h, t->w, NULL));
        const brain_tensor *y = NULL;
        CHECK_OK(brain_model_forward(m, x, t->training, &y));
        CHECK(y && y->ndim == 4 && y->shape[1] == t->h && y->shape[2] == t->w && y->shape[3] == 2);
        for (int64_t i = 0; y && i < y->size; i++)
            CHECK_MSG(fabs(y->data[i] - t->y[i]) <= 1e-6 * fmax(1.0, fabs(t->y[i])), "%dx%d %s [%lld]: brain %.9g, Keras %.9g",
                      t->h, t->w, t->training ? "training" : "inference", (long long)i, y->data[i], t->y[i]);
        brain_model_free(m);
        /* backward through the same window and weights */
        brain_set_random_seed(3);
        m = brain_sequential("crop_grad");
        brain_model_add(m, brain_input(BRAIN_SHAPE(5, 6, 2)));
        brain_model_add(m, brain_random_crop(t->h, t->w, NULL));
        brain_model_add(m, brain_flatten(NULL));
        brain_model_add(m, brain_dense(2, NULL));
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
        CHECK(gradcheck_model("random_crop", m, x, true, 1e-3, 2e-3, 1e-2) == 0);
        brain_model_free(m);
    }
    /* the random training window: a window of the input, the same for the same seed */
    brain_model *a = wrap(brain_random_crop(3, 4, &(brain_random_crop_options){ .has_seed = true, .seed = 7 }));
    brain_model *b = wrap(brain_random_crop(3, 4, &(brain_random_crop_options){ .has_seed = true, .seed = 7 }));
    int seen[3][3] = { { 0 } };
    for (int rep = 0; rep < 30; rep++) {
        const brain_tensor *ya = NULL, *yb = NULL;
        CHECK_OK(brain_model_forward(a, x, true, &ya));
        float first[48];
        if (ya) memcpy(first, ya->data, sizeof first);
        CHECK_OK(brain_model_forward(b, x, true, &yb));
        CHECK(yb && !memcmp(first, yb->data, sizeof first));
        int found = 0;
        for (int r0 = 0; r0 < 3; r0++)
            for (int c0 = 0; c0 < 3; c0++) {
                bool same = true;
                for (int im = 0; im < 2 && same; im++)
                    for (int i = 0; i < 3 && same; i++)
                        for (int j = 0; j < 4 && same; j++)
                            for (int ch = 0; ch < 2 && same; ch++)
                                same = first[((im * 3 + i) * 4 + j) * 2 + ch] == tc_x[((im * 5 + r0 + i) * 6 + c0 + j) * 2 + ch];
                if (same) { found++; seen[r0][c0]++; }
            }
        CHECK_MSG(found == 1, "training output is a window of the input (one offset for the batch)");
    }
    int offsets = 0;
    for (int i = 0; i < 9; i++) offsets += seen[i / 3][i % 3] > 0;
    CHECK_MSG(offsets >= 4, "30 batches use several offsets (%d)", offsets);
    /* config as Keras writes it, and back */
    const char *path = io_path("random_crop.keras");
    CHECK_OK(brain_save(a, path));
    size_t n = 0;
    char *cfg = io_zip_read(path, "config.json", &n), want[160];
    snprintf(want, sizeof want, "%.*s", (int)strlen(tc_config) - 2, tc_config + 1);
    CHECK_MSG(cfg && strstr(cfg, want), "config has %s", want);
    free(cfg);
    brain_model *c = NULL;
    CHECK_OK(brain_load_model(path, &c, NULL));
    const brain_tensor *y1 = NULL, *y2 = NULL;
    float keep[48];
    CHECK_OK(brain_model_forward(a, x, false, &y1));
    if (y1) memcpy(keep, y1->data, sizeof keep);
    if (c) CHECK_OK(brain_model_forward(c, x, false, &y2));
    CHECK(y2 && !memcmp(keep, y2->data, sizeof keep));
    remove(path);
    CHECK(brain_random_crop(0, 3, NULL) == NULL && strstr(brain_last_error(), "height"));
    /* files written by Keras: the augmentation layers and an adapted Discretization load */
    brain_model *k = NULL;
    CHECK_OK(brain_load_model("tests/keras_files/toolkit_augment.keras", &k, NULL));
    if (k) {
        CHECK(k->n_layers == 5 && !strcmp(k->layers[4]->vt->class_name, "RandomCrop"));
        CHECK(k->layers[4]->out_shape.dims[0] == 5 && k->layers[4]->out_shape.dims[1] == 6);
        CHECK(!strcmp(k->layers[0]->vt->class_name, "RandomBrightness") && !strcmp(k->layers[3]->vt->class_name, "RandomZoom"));
    }
    brain_model_free(k);
    k = NULL;
    CHECK_OK(brain_load_model("tests/keras_files/toolkit_discretization.keras", &k, NULL));
    if (k) { /* boundaries 2.4, 4.9, 7.4 (float32) learnt by Keras */
        brain_tensor *p = brain_tensor_from((const float[]){ 2.3f, 2.4f, 5.0f, 9.0f }, 2, (int64_t[]){ 4, 1 });
        const brain_tensor *yp = NULL;
        CHECK_OK(brain_model_forward(k, p, false, &yp));
        CHECK(yp && yp->data[0] == 0 && yp->data[1] == 1 && yp->data[2] == 2 && yp->data[3] == 3);
        brain_tensor_free(p);
    }
    brain_model_free(k);
    brain_model_free(a);
    brain_model_free(b);
    brain_model_free(c);
    brain_tensor_free(x);
    return check_summary("test_toolkit_crop");
}
