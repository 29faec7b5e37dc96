/* test_toolkit_augment.c — RandomBrightness, RandomContrast, RandomTranslation, RandomZoom: the transform against Keras with
 * degenerate factor ranges (a fixed draw; tests/toolkit_augment_golden.h), the identity at
 * inference, seeded reproducibility, draws within the factor range and values within value_range,
 * the backward against finite differences, and configs as Keras writes them (.keras round trip). */
#include "internal.h"
#include "check.h"
#include "gradcheck.h"
#include "io_util.h"
#include "toolkit_augment_golden.h"
#include <stdlib.h>

static const int64_t XS[4] = { 2, 3, 4, 2 };

static brain_model *wrap(brain_layer *l)
{
    brain_model *m = brain_sequential("aug");
    brain_model_add(m, brain_input(BRAIN_SHAPE(3, 4, 2)));
    brain_model_add(m, l);
    CHECK_OK(brain_model_build(m));
    return m;
}

/* a training-mode forward (brain_model_forward with training = true) */
static void forward(brain_model *m, const brain_tensor *x, bool training, float *y)
{
    const brain_tensor *out = NULL;
    CHECK_OK(brain_model_forward(m, x, training, &out));
    if (out) memcpy(y, out->data, sizeof(float) * (size_t)out->size);
}

static void test_keras(void)
{
    for (int c = 0; c < TA_NCASES; c++) {
        brain_tensor *x = brain_tensor_from(ta_cases[c].x, 4, XS);
        brain_model *m = wrap(ta_make(c));
        float y[48];
        forward(m, x, true, y);
        for (int i = 0; i < 48; i++) {
            double d = fabs(y[i] - ta_cases[c].y[i]) / fmax(1.0, fabs(ta_cases[c].y[i]));
            CHECK_MSG(d <= 1e-6, "%s[%d]: brain %.9g, Keras %.9g", ta_cases[c].label, i, y[i], ta_cases[c].y[i]);
        }
        forward(m, x, false, y);
        CHECK_MSG(!memcmp(y, ta_cases[c].x, sizeof y), "%s: inference is the identity", ta_cases[c].label);
        brain_model_free(m);
        /* backward with a Dense after it, against finite differences (training mode, fixed draw; clipping where the range is (0, 1)) */
        brain_set_random_seed(2);
        m = brain_sequential("aug_grad");
        brain_model_add(m, brain_input(BRAIN_SHAPE(3, 4, 2)));
        brain_model_add(m, ta_make(c));
        brain_model_add(m, brain_flatten(NULL));
        brain_model_add(m, brain_dense(2, NULL));
        CHECK_OK(brain_compile(m, &(brain_compile_options){ .optimizer = brain_sgd(NULL), .loss_name = "mse" }));
        brain_tensor *xg = brain_tensor_from(c == 1 ? ta_x255 : ta_x01, 4, XS); /* order-1 values where the layer keeps them */
        CHECK(gradcheck_model(ta_cases[c].label, m, xg, true, 1e-3, 2e-3, 1e-2) == 0);
        brain_tensor_free(xg);
        brain_model_free(m);
        brain_tensor_free(x);
    }
}

static void test_random(void)
{
    brain_tensor *x = brain_tensor_from(ta_x255, 4, XS);
    for (int contrast = 0; contrast < 2; contrast++) {
        brain_random_value_options o = { .has_seed = true, .seed = 17 };
        brain_layer *(*mk)(float, const brain_random_value_options *) = contrast ? brain_random_contrast : brain_random_brightness;
        brain_model *a = wrap(mk(0.4f, &o)), *b = wrap(mk(0.4f, &o));
        float ya[48], yb[48], ya2[48];
        forward(a, x, true, ya);
        forward(b, x, true, yb);
        forward(a, x, true, ya2);
        CHECK(!memcmp(ya, yb, sizeof ya));   /* the same seed, the same augmentation */
        CHECK(memcmp(ya, ya2, sizeof ya));   /* a new draw each batch */
        for (int i = 0; i < 48; i++) CHECK(ya[i] >= 0 && ya[i] <= 255);
        /* the draw of each image, read back from an unclipped pixel, lies in the factor's range */
        for (int im = 0; im < 2; im++) {
            const float *xi = ta_x255 + im * 24, *yi = ya + im * 24;
            if (!contrast) {
                for (int i = 0; i < 24; i++)
                    if (yi[i] > 0 && yi[i] < 255) { double d = yi[i] - xi[i]; CHECK(d >= -0.4 * 255 - 1e-3 && d <= 0.4 * 255 + 1e-3); break; }
            } else { /* channel 0: y − m = f·(x − m) with m the channel mean */
                double m = 0;
                for (int i = 0; i < 24; i += 2) m += xi[i];
                m /= 12;
                for (int i = 0; i < 24; i += 2)
                    if (yi[i] > 0 && yi[i] < 255 && fabs(xi[i] - m) > 1) {
                        double f = (yi[i] - m) / (xi[i] - m);
                        CHECK_MSG(f >= 1 - 1e-4 && f <= 1.4 + 1e-4, "contrast factor %g outside Keras's [1, 1.4]", f);
                        break;
                    }
            }
        }
        /* config as Keras writes it, and the round trip keeps the seed */
        const char *path = io_path("augment.keras");
        brain_model *k = wrap(contrast ? brain_random_contrast(0.2f, NULL)
                                       : brain_random_brightness(0.2f, &(brain_random_value_options){ .has_value_range = true,
                                             .value_range = { 0, 1 }, .has_seed = true, .seed = 3 }));
        CHECK_OK(brain_save(k, path));
        size_t n = 0;
        char *cfg = io_zip_read(path, "config.json", &n), want[256];
        const char *kc = contrast ? ta_config_contrast : ta_config_brightness;
        snprintf(want, sizeof want, "%.*s", (int)strlen(kc) - 2, kc + 1);
        CHECK_MSG(cfg && strstr(cfg, want), "config has %s", want);
        free(cfg);
        brain_model *k2 = NULL;
        CHECK_OK(brain_load_model(path, &k2, NULL));
        float y1[48], y2[48];
        brain_tensor *x01 = brain_tensor_from(ta_x01, 4, XS);
        forward(k, x01, false, y1);
        if (k2) forward(k2, x01, false, y2);
        CHECK(!memcmp(y1, y2, sizeof y1));
        if (!contrast && k2) { /* seeded: the loaded layer draws what a fresh one does */
            brain_model *k3 = wrap(brain_random_brightness(0.2f, &(brain_random_value_options){ .has_value_range = true,
                                                             .value_range = { 0, 1 }, .has_seed = true, .seed = 3 }));
            forward(k2, x01, true, y1);
            forward(k3, x01, true, y2);
            CHECK(!memcmp(y1, y2, sizeof y1));
            brain_model_free(k3);
        }
        remove(path);
        brain_tensor_free(x01);
        brain_model_free(k);
        brain_model_free(k2);
        brain_model_free(a);
        brain_model_free(b);
    }
    CHECK(brain_random_contrast(1.5f, NULL) == NULL && strstr(brain_last_error(), "factor"));
    CHECK(brain_random_brightness(0.1f, &(brain_random_value_options){ .has_value_range = true, .value_range = { 1, 0 } }) == NULL);
    brain_tensor_free(x);
}

/* RandomTranslation and RandomZoom: seeded draws, configs as Keras writes them, .keras round trip */
static void test_affine_config(void)
{
    brain_tensor *x = brain_tensor_from(ta_x01, 4, XS);
    for (int zoom = 0; zoom < 2; zoom++) {
        brain_random_affine_options o = { .has_width_pair = !zoom, .width_lower = -0.2f, .width_upper = 0.3f,
                                          .has_seed = !zoom, .seed = 5 };
        brain_model *k = wrap(zoom ? brain_random_zoom(0.2f, &o) : brain_random_translation(0.1f, 0, &o));
        const char *path = io_path("augment_affine.keras");
        CHECK_OK(brain_save(k, path));
        size_t n = 0;
        char *cfg = io_zip_read(path, "config.json", &n), want[320];
        const char *kc = zoom ? ta_config_zoom : ta_config_translation;
        snprintf(want, sizeof want, "%.*s", (int)strlen(kc) - 2, kc + 1);
        CHECK_MSG(cfg && strstr(cfg, want), "config has %s", want);
        free(cfg);
        brain_model *k2 = NULL;
        CHECK_OK(brain_load_model(path, &k2, NULL));
        float y1[48], y2[48];
        if (k2 && !zoom) { /* seeded: the loaded layer draws what the saved one drew first */
            brain_model *k3 = wrap(brain_random_translation(0.1f, 0, &o));
            forward(k2, x, true, y1);
            forward(k3, x, true, y2);
            CHECK(!memcmp(y1, y2, sizeof y1));
            forward(k3, x, true, y1);
            CHECK(memcmp(y1, y2, sizeof y1)); /* and a new draw for the next batch */
            brain_model_free(k3);
        }
        if (k2) { forward(k2, x, false, y1); CHECK(!memcmp(y1, ta_x01, sizeof y1)); }
        remove(path);
        brain_model_free(k);
        brain_model_free(k2);
    }
    CHECK(brain_random_zoom(-1.0f, NULL) == NULL && strstr(brain_last_error(), "height_factor"));
    CHECK(brain_random_translation(0.1f, 1.5f, NULL) == NULL && strstr(brain_last_error(), "width_factor"));
    brain_tensor_free(x);
}

int main(void)
{
    (void)gc_random;
    test_keras();
    test_random();
    test_affine_config();
    return check_summary("test_toolkit_augment");
}
