/* test_scalers.c — StandardScaler and MinMaxScaler against numbers computed by scikit-learn
 * (golden_scalers.h, tools/gen_scaler_golden.py), inverse transforms and errors. */
#include "brain.h"
#include "check.h"
#include "golden_scalers.h"
#include <stdlib.h>

#define TOL 1e-6

static brain_tensor *mat(const float *v, int64_t r, int64_t c) { return brain_tensor_from(v, 2, (int64_t[]){ r, c }); }

static void check_all(const float *got, const double *want, int n, const char *what)
{
    int bad = 0;
    for (int i = 0; i < n; i++)
        if (fabs(got[i] - want[i]) > TOL + TOL * fabs(want[i])) {
            if (!bad) fprintf(stderr, "%s[%d] = %.9g, scikit-learn %.9g\n", what, i, got[i], want[i]);
            bad++;
        }
    CHECK_MSG(bad == 0, "%s: %d of %d values differ", what, bad, n);
}

static void test_standard(void)
{
    brain_scaler *s = brain_standard_scaler();
    brain_tensor *x = mat(g_x, 9, 5), *z = mat(g_z, 4, 5);
    CHECK(brain_scaler_mean(s) == NULL && brain_scaler_num_features(s) == 0);
    CHECK_OK(brain_scaler_fit_transform(s, x));
    CHECK(brain_scaler_num_features(s) == 5);
    for (int j = 0; j < 5; j++) {
        CHECK_NEAR(brain_scaler_mean(s)[j], g_std_mean[j], 1e-12, 1e-12);
        CHECK_NEAR(brain_scaler_scale(s)[j], g_std_scale[j], 1e-12, 1e-9);
    }
    CHECK(brain_scaler_scale(s)[2] == 1.0);               /* constant feature */
    check_all(x->data, g_std_x, 45, "standard transform(x)");
    CHECK_OK(brain_scaler_transform(s, z));
    check_all(z->data, g_std_z, 20, "standard transform(z)");
    CHECK_OK(brain_scaler_inverse_transform(s, x));
    for (int i = 0; i < 45; i++) CHECK_NEAR(x->data[i], g_x[i], 1e-5, 1e-6);
    brain_tensor_free(x); brain_tensor_free(z);
    brain_scaler_free(s);
}

static void test_minmax(void)
{
    brain_scaler *s = brain_minmax_scaler(0, 0);
    brain_tensor *x = mat(g_x, 9, 5), *z = mat(g_z, 4, 5);
    CHECK_OK(brain_scaler_fit(s, x));
    for (int j = 0; j < 5; j++) {
        CHECK(brain_scaler_mean(s)[j] == g_mm_min[j]);
        CHECK(brain_scaler_scale(s)[j] == g_mm_max[j]);
    }
    CHECK_OK(brain_scaler_transform(s, x));
    check_all(x->data, g_mm_x, 45, "minmax transform(x)");
    for (int i = 0; i < 9; i++) CHECK(x->data[i * 5 + 2] == 0.0f);  /* constant feature -> lo */
    CHECK_OK(brain_scaler_transform(s, z));
    check_all(z->data, g_mm_z, 20, "minmax transform(z)");
    CHECK_OK(brain_scaler_inverse_transform(s, x));
    for (int i = 0; i < 45; i++) CHECK_NEAR(x->data[i], g_x[i], 1e-5, 1e-6);
    brain_scaler_free(s);
    brain_tensor_free(x); brain_tensor_free(z);

    s = brain_minmax_scaler(-1, 2);
    x = mat(g_x, 9, 5); z = mat(g_z, 4, 5);
    CHECK_OK(brain_scaler_fit_transform(s, x));
    check_all(x->data, g_mm2_x, 45, "minmax(-1, 2) transform(x)");
    CHECK_OK(brain_scaler_transform(s, z));
    check_all(z->data, g_mm2_z, 20, "minmax(-1, 2) transform(z)");
    brain_scaler_free(s);
    brain_tensor_free(x); brain_tensor_free(z);
}

static void test_breast_cancer(void)
{
    brain_table *t;
    CHECK_OK(brain_load_breast_cancer(&t));
    brain_tensor *x = brain_table_x(t);
    brain_scaler *s = brain_standard_scaler();
    CHECK_OK(brain_scaler_fit_transform(s, x));
    for (int j = 0; j < 30; j++) {
        CHECK_NEAR(brain_scaler_mean(s)[j], g_bc_mean[j], 0, 1e-12);
        CHECK_NEAR(brain_scaler_scale(s)[j], g_bc_scale[j], 0, 1e-10);
    }
    check_all(x->data, g_bc_row0, 30, "breast cancer row 0");
    check_all(x->data + 568 * 30, g_bc_row568, 30, "breast cancer row 568");
    brain_scaler_free(s);
    brain_tensor_free(x);
    brain_table_free(t);
}

static void test_higher_rank(void)
{
    /* (2, 2, 2): features are the 4 values after the first axis */
    float v[8] = { 1, 2, 3, 4, 3, 6, 9, 12 };
    brain_tensor *x = brain_tensor_from(v, 3, (int64_t[]){ 2, 2, 2 });
    brain_scaler *s = brain_standard_scaler();
    CHECK_OK(brain_scaler_fit_transform(s, x));
    CHECK(brain_scaler_num_features(s) == 4);
    CHECK(brain_scaler_mean(s)[3] == 8 && brain_scaler_scale(s)[3] == 4);
    for (int i = 0; i < 4; i++) CHECK(x->data[i] == -1 && x->data[4 + i] == 1);
    brain_scaler_free(s);
    brain_tensor_free(x);
}

static void test_errors(void)
{
    brain_scaler *s = brain_standard_scaler(), *m = brain_minmax_scaler(0, 1);
    brain_tensor *x = mat(g_x, 9, 5);
    brain_tensor *x3 = brain_tensor_new(2, (int64_t[]){ 4, 3 });
    brain_tensor *x0 = brain_tensor_new(2, (int64_t[]){ 0, 5 });
    CHECK_FAILS(brain_scaler_transform(s, x), "not fitted yet");
    CHECK(brain_scaler_transform(s, x) == BRAIN_ERR_STATE);
    CHECK_FAILS(brain_scaler_inverse_transform(m, x), "MinMaxScaler is not fitted yet");
    CHECK_FAILS(brain_scaler_fit(s, x0), "0 samples");
    CHECK_OK(brain_scaler_fit(s, x));
    CHECK_OK(brain_scaler_fit(m, x));
    CHECK_FAILS(brain_scaler_transform(s, x3), "x has 3 features, but this StandardScaler was fitted on 5 features");
    CHECK_FAILS(brain_scaler_inverse_transform(m, x3), "x has 3 features, but this MinMaxScaler was fitted on 5");
    CHECK_FAILS(brain_scaler_transform(s, x0), "0 samples");
    x3->data[4] = NAN;
    CHECK_FAILS(brain_scaler_fit(m, x3), "x[1, 1] is nan");
    CHECK(brain_scaler_num_features(m) == 5);            /* a failed fit keeps the old fit */
    CHECK(brain_minmax_scaler(1, 1) == NULL && strstr(brain_last_error(), "must be smaller"));
    CHECK(brain_minmax_scaler(2, -1) == NULL);
    CHECK_FAILS(brain_scaler_fit(NULL, x), "must not be NULL");
    brain_scaler_free(s); brain_scaler_free(m);
    brain_tensor_free(x); brain_tensor_free(x3); brain_tensor_free(x0);
}

int main(void)
{
    test_standard();
    test_minmax();
    test_breast_cancer();
    test_higher_rank();
    test_errors();
    return check_summary("test_scalers");
}
