/* test_attention_keras.c — attention and Transformer models written by real Keras 3
 * (tools/gen_attention_golden.py: tests/keras_files/attn_*.keras and tests/attention_golden.h)
 * (and, for two of them, Keras's legacy .h5 files) load here, predict what Keras predicted (to 1e-5), and after one epoch of fit (SGD(0.1), batch 4,
 * shuffle off) hold Keras's weights (to 1e-5) and predict Keras's post-epoch output; saved by brain
 * and loaded back, they predict the same.  With BRAIN_ATTN_SAVE_DIR set, brain's files stay there
 * for tools/check_keras_loads_brain.py (Keras loads them and predicts as from its own files). */
#include "brain.h"
#include "check.h"
#include "attention_golden.h"
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DIR "tests/keras_files/"
#define NF(a) ((int64_t)(sizeof(a) / sizeof(float)))

static int close_all(const char *what, const float *got, int64_t ng, const float *want, int64_t nw, float tol)
{
    if (ng != nw) {
        fprintf(stderr, "%s: %lld values, Keras %lld\n", what, (long long)ng, (long long)nw);
        check_failed++;
        return 1;
    }
    int bad = 0;
    float worst = 0;
    for (int64_t i = 0; i < nw; i++) {
        float d = fabsf(got[i] - want[i]);
        if (d > worst) worst = d;
        if (!(d <= tol * (1.0f + fabsf(want[i])))) {
            if (bad++ < 4) fprintf(stderr, "%s: value %lld is %.8g, Keras %.8g\n", what, (long long)i, got[i], want[i]);
        }
    }
    CHECK_MSG(bad == 0, "%s: %d of %lld values differ from Keras (worst %.3g)", what, bad, (long long)nw, worst);
    return bad;
}

/* xs: n_x inputs with the per-sample sizes of the model's inputs; N rows */
static void run_case(const char *name, int n_x, const float *const *x, const int64_t *nx, const float *y, int64_t N,
                     const float *pred, int64_t npred, const float *w1, int64_t nw1, const float *pred1, int64_t npred1)
{
    char path[256], what[128];
    snprintf(path, sizeof path, DIR "attn_%s.keras", name);
    brain_model *m = NULL;
    CHECK_OK(brain_load_model(path, &m, NULL));
    if (!m) return;
    CHECK(brain_model_num_inputs(m) == n_x);
    brain_tensor *xs[8];
    for (int k = 0; k < n_x; k++) {
        brain_shape s = brain_model_input_shape_k(m, k);
        int64_t shape[BRAIN_MAX_DIMS] = {N};
        for (int i = 0; i < s.ndim; i++) shape[i + 1] = s.dims[i];
        CHECK(nx[k] == N * (nx[k] / N));
        xs[k] = brain_tensor_from(x[k], s.ndim + 1, shape);
    }
    int64_t yshape[1] = {N};
    brain_tensor *yt = brain_tensor_from(y, 1, yshape);
    brain_tensor *out = NULL;
    CHECK_OK(brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &out));
    snprintf(what, sizeof what, "%s predict", name);
    if (out) close_all(what, out->data, out->size, pred, npred, 1e-5f);

    /* round trip: brain's own file predicts the same */
    char tmp[512];
    const char *keep = getenv("BRAIN_ATTN_SAVE_DIR"); /* tools/check_keras_loads_brain.py reads them there */
    if (keep) snprintf(tmp, sizeof tmp, "%s/brain_attn_%s.keras", keep, name);
    else snprintf(tmp, sizeof tmp, "/tmp/brain_attn_%s_%d.keras", name, (int)getpid());
    CHECK_OK(brain_save(m, tmp));
    brain_model *m2 = NULL;
    CHECK_OK(brain_load_model(tmp, &m2, NULL));
    brain_tensor *out2 = NULL;
    if (m2) CHECK_OK(brain_predict_multi(m2, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &out2));
    snprintf(what, sizeof what, "%s reloaded predict", name);
    if (out && out2) close_all(what, out2->data, out2->size, out->data, out->size, 0.0f);
    if (!keep) remove(tmp);
    brain_tensor_free(out2);
    brain_model_free(m2);

    /* Keras's legacy .h5 of the same model, where the generator wrote one */
    snprintf(path, sizeof path, DIR "attn_%s.h5", name);
    FILE *h5 = fopen(path, "rb");
    if (h5) {
        fclose(h5);
        brain_model *m3 = NULL;
        brain_tensor *out3 = NULL;
        CHECK_OK(brain_load_model(path, &m3, NULL));
        if (m3) CHECK_OK(brain_predict_multi(m3, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &out3));
        snprintf(what, sizeof what, "%s legacy .h5 predict", name);
        if (out3) close_all(what, out3->data, out3->size, pred, npred, 1e-5f);
        brain_tensor_free(out3);
        brain_model_free(m3);
    }

    if (w1) {
        brain_fit_options fo = {.epochs = 1, .batch_size = 4, .shuffle = BRAIN_OFF, .verbose = BRAIN_SILENT};
        CHECK_OK(brain_fit_multi(m, n_x, (const brain_tensor *const *)xs, 1, (const brain_tensor *const *)&yt, &fo, NULL));
        int64_t n = brain_model_count_params(m);
        float *w = malloc(sizeof(float) * (size_t)n);
        CHECK_OK(brain_model_get_weights(m, w, n));
        snprintf(what, sizeof what, "%s weights after one epoch", name);
        close_all(what, w, n, w1, nw1, 1e-5f);
        free(w);
        brain_tensor *o1 = NULL;
        CHECK_OK(brain_predict_multi(m, n_x, (const brain_tensor *const *)xs, &(brain_eval_options){.verbose = BRAIN_SILENT}, &o1));
        snprintf(what, sizeof what, "%s predict after one epoch", name);
        if (o1) close_all(what, o1->data, o1->size, pred1, npred1, 1e-5f);
        brain_tensor_free(o1);
    }
    brain_tensor_free(out);
    brain_tensor_free(yt);
    for (int k = 0; k < n_x; k++) brain_tensor_free(xs[k]);
    brain_model_free(m);
}

#define XS(...) ((const float *const[]){__VA_ARGS__})
#define NXS(...) ((const int64_t[]){__VA_ARGS__})

int main(void)
{
    run_case("text", 2, XS(text_x0, text_x1), NXS(NF(text_x0), NF(text_x1)), text_y, TEXT_N, text_pred, NF(text_pred),
             text_w1, NF(text_w1), text_pred1, NF(text_pred1));
    run_case("masked", 1, XS(masked_x0), NXS(NF(masked_x0)), masked_y, MASKED_N, masked_pred, NF(masked_pred), masked_w1,
             NF(masked_w1), masked_pred1, NF(masked_pred1));
    run_case("ecg", 1, XS(ecg_x0), NXS(NF(ecg_x0)), ecg_y, ECG_N, ecg_pred, NF(ecg_pred), ecg_w1, NF(ecg_w1), ecg_pred1,
             NF(ecg_pred1));
    run_case("causal", 1, XS(causal_x0), NXS(NF(causal_x0)), causal_y, CAUSAL_N, causal_pred, NF(causal_pred), causal_w1,
             NF(causal_w1), causal_pred1, NF(causal_pred1));
    run_case("cross", 4, XS(cross_x0, cross_x1, cross_x2, cross_x3), NXS(NF(cross_x0), NF(cross_x1), NF(cross_x2), NF(cross_x3)),
             cross_y, CROSS_N, cross_pred, NF(cross_pred), cross_w1, NF(cross_w1), cross_pred1, NF(cross_pred1));
    run_case("dropmask", 1, XS(dropmask_x0), NXS(NF(dropmask_x0)), dropmask_y, DROPMASK_N, dropmask_pred, NF(dropmask_pred),
             NULL, 0, NULL, 0);
    run_case("luong", 4, XS(luong_x0, luong_x1, luong_x2, luong_x3), NXS(NF(luong_x0), NF(luong_x1), NF(luong_x2), NF(luong_x3)),
             luong_y, LUONG_N, luong_pred, NF(luong_pred), luong_w1, NF(luong_w1), luong_pred1, NF(luong_pred1));
    run_case("misc", 1, XS(misc_x0), NXS(NF(misc_x0)), misc_y, MISC_N, misc_pred, NF(misc_pred), misc_w1, NF(misc_w1), misc_pred1,
             NF(misc_pred1));
    run_case("timedist", 1, XS(timedist_x0), NXS(NF(timedist_x0)), timedist_y, TIMEDIST_N, timedist_pred, NF(timedist_pred),
             timedist_w1, NF(timedist_w1), timedist_pred1, NF(timedist_pred1));
    run_case("noise", 1, XS(noise_x0), NXS(NF(noise_x0)), noise_y, NOISE_N, noise_pred, NF(noise_pred), NULL, 0, NULL, 0);
    return check_summary("test_attention_keras");
}
